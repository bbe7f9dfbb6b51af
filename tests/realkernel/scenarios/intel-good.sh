# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=bash disable=SC2034,SC2016,SC2054
#
# Intel desktop set up right: VT-d on in firmware and on the command line, a discrete GPU
# (VGA + HDMI audio functions) alone behind its root port, the host showing on another VGA.
# A scenario file is sourced on the host (SCENARIO_*, scenario_qemu, host_check) and in
# the guest (SCENARIO_MODULES, guest_main); keep it free of side effects at source time.

SCENARIO_DESC="Intel VT-d desktop: isolated two-function GPU behind a root port, separate boot VGA"
SCENARIO_CMDLINE="intel_iommu=on"
SCENARIO_MODULES=("${DESKTOP_MODULES[@]}")
SCENARIO_MEM=10240

GPU=0000:01:00.0
GPU_AUDIO=0000:01:00.1
HOST_VGA=0000:00:01.0

scenario_qemu() {
	layout_desktop intel intel
}

guest_main() {
	guest_standard
	# Add further guest-side commands here, e.g. `vk check check --json`.

	# HOOK: snapshot round trip (turns itself on once `vfiokit help snapshot` succeeds).
	guest_snapshot_hook
}

host_check() {
	expect_rc groups 0
	expect_rc gpus 0
	check_standard
	expect_fact acpi_dmar 1
	expect_fact_match iommu_units '^dmar[0-9]+$'
	expect_same_group "$GPU" "$GPU_AUDIO"
	expect_gpu_isolated "$GPU"
	expect_group_verdict "$GPU" isolated
	expect_host_gpu "$HOST_VGA"
	expect_json gpus '.gpus[] | select(.address == $a) | .boot == false and any(.functions[]; .address == $f)' \
		"card $GPU not the boot VGA, with $GPU_AUDIO among its functions" --arg a "$GPU" --arg f "$GPU_AUDIO"

	# check: the IOMMU and the guest card are ready. kvm.device fails in this guest only:
	# QEMU's TCG emulates AMD's SVM but not Intel's VT-x, so no KVM module loads on an
	# Intel CPU model (amd-good shows the whole "ready" verdict).
	expect_rc check 3
	expect_check kvm.device fail
	expect_check mem.total pass
	expect_check iommu.firmware pass 'DMAR'
	expect_check iommu.kernel pass 'IOMMU groups from 1 IOMMU units \(dmar0\)'
	expect_check iommu.irq_remap pass
	expect_check iommu.cmdline pass
	expect_check gpu.inventory pass "the host keeps ${HOST_VGA#0000:}"
	expect_check "gpu.$GPU.group" pass 'holds only this card'
	expect_check vfio.modules pass 'vfio-pci is a module of 6\.1'

	# HOOK: snapshot round trip: replays these live commands against the snapshot.
	check_snapshot_roundtrip groups gpus check
}
