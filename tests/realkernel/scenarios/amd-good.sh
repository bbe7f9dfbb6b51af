# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=bash disable=SC2034,SC2016,SC2054
#
# The intel-good machine on an AMD platform: AMD-Vi announced in IVRS, no command-line
# switch needed (the kernel turns AMD-Vi on by default). The IOMMU's own PCI function
# (00:02.0) is in no group, so vfiokit's "ungrouped" list is exercised too.

SCENARIO_DESC="AMD-Vi desktop: same layout as intel-good, IVRS instead of DMAR"
SCENARIO_CMDLINE=""
# kvm_amd: TCG emulates AMD SVM, so KVM loads and /dev/kvm appears (no KVM on the machine
# running the test is needed). 10 GiB: the guide's memory figure (QEMU allocates lazily).
SCENARIO_MODULES=("${DESKTOP_MODULES[@]}" kvm_amd)
SCENARIO_MEM=10240

GPU=0000:01:00.0
GPU_AUDIO=0000:01:00.1
HOST_VGA=0000:00:01.0
AMD_IOMMU_FN=0000:00:02.0

scenario_qemu() {
	layout_desktop amd amd
}

guest_main() {
	guest_standard

	# HOOK: snapshot round trip (turns itself on once `vfiokit help snapshot` succeeds).
	guest_snapshot_hook
}

host_check() {
	expect_rc groups 0
	expect_rc gpus 0
	check_standard
	expect_fact acpi_ivrs 1
	expect_fact acpi_dmar 0
	expect_fact_match iommu_units '^ivhd[0-9]+$'
	expect_same_group "$GPU" "$GPU_AUDIO"
	expect_gpu_isolated "$GPU"
	expect_host_gpu "$HOST_VGA"
	if require_devices "$AMD_IOMMU_FN" && [[ $(ref_group "$AMD_IOMMU_FN") != - ]]; then
		fail "layout: expected the AMD IOMMU function $AMD_IOMMU_FN in no group, the kernel puts it in group $(ref_group "$AMD_IOMMU_FN")"
	fi
	expect_json groups 'any(.ungrouped[]; .address == $a)' "$AMD_IOMMU_FN in the ungrouped list" --arg a "$AMD_IOMMU_FN"

	# check: ready, with the guest card viable (its drivers are still the host's: a warning).
	expect_check cpu.virt pass 'svm'
	expect_check kvm.device pass
	expect_check mem.total pass
	expect_rc check 0
	expect_check iommu.firmware pass 'IVRS'
	expect_check iommu.kernel pass 'ivhd0'
	expect_check gpu.inventory pass "the host keeps ${HOST_VGA#0000:}"
	expect_check "gpu.$GPU.group" pass 'holds only this card'
	expect_check vfio.modules pass

	# HOOK: snapshot round trip: replays these live commands against the snapshot.
	check_snapshot_roundtrip groups gpus check
}
