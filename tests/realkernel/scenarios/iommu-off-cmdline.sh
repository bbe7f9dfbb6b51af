# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=bash disable=SC2034,SC2016,SC2054
#
# VT-d on in the firmware (DMAR present) but switched off with intel_iommu=off. vfiokit
# must blame the command line and quote the option, not the firmware (compare
# iommu-off-nofw).

SCENARIO_DESC="Intel desktop, DMAR present, intel_iommu=off on the command line"
SCENARIO_CMDLINE="intel_iommu=off"
SCENARIO_MODULES=("${DESKTOP_MODULES[@]}")

scenario_qemu() {
	layout_desktop intel intel
}

guest_main() {
	guest_standard

	# HOOK: snapshot round trip (turns itself on once `vfiokit help snapshot` succeeds).
	guest_snapshot_hook
}

host_check() {
	expect_fact acpi_dmar 1
	expect_fact iommu_groups 0
	expect_rc groups 3
	expect_rc gpus 3
	check_standard
	expect_stderr groups 'command line' "the kernel command line"
	expect_stderr groups 'intel_iommu=off' "the option 'intel_iommu=off'"
	expect_stderr_not groups 'no ACPI DMAR' "a missing firmware table"
	expect_host_gpu 0000:00:01.0

	# check: off, because the command line says so; the firmware table is there.
	expect_rc check 3
	expect_check iommu.firmware pass 'DMAR'
	expect_check iommu.kernel fail "command line disables it \\('intel_iommu=off'\\)"
	expect_check_fact iommu.kernel .state off-cmdline

	# HOOK: snapshot round trip: replays these live commands against the snapshot.
	check_snapshot_roundtrip groups gpus check
}
