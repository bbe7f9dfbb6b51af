# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=bash disable=SC2034,SC2016,SC2054
#
# VT-d switched off in the firmware: the machine has no IOMMU to announce, so there is no
# DMAR table, although the user did put intel_iommu=on on the command line. vfiokit must
# blame the firmware, not the command line (compare iommu-off-cmdline).

SCENARIO_DESC="Intel desktop, IOMMU off in firmware (no DMAR), intel_iommu=on given"
SCENARIO_CMDLINE="intel_iommu=on"
SCENARIO_MODULES=("${DESKTOP_MODULES[@]}")

scenario_qemu() {
	layout_desktop intel none
}

guest_main() {
	guest_standard

	# HOOK: snapshot round trip (turns itself on once `vfiokit help snapshot` succeeds).
	guest_snapshot_hook
}

host_check() {
	expect_fact acpi_dmar 0
	expect_fact acpi_ivrs 0
	expect_fact iommu_groups 0
	expect_rc groups 3
	expect_rc gpus 3
	check_standard
	expect_stderr groups 'firmware' "the firmware"
	expect_stderr groups 'DMAR' "the missing DMAR table"
	expect_stderr_not groups 'command line disables' "the command line"
	expect_host_gpu 0000:00:01.0

	# check: off, because the firmware has no IOMMU (no DMAR/IVRS at all).
	expect_rc check 3
	expect_check iommu.firmware fail 'no ACPI DMAR or IVRS table'
	expect_check iommu.kernel fail 'no ACPI DMAR or IVRS table'
	expect_check_fact iommu.kernel .state off-no-firmware

	# HOOK: snapshot round trip: replays these live commands against the snapshot.
	check_snapshot_roundtrip groups gpus check
}
