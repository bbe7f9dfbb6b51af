# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=bash disable=SC2034,SC2016,SC2054
#
# The GPU in the wrong slot: behind a PCIe-to-PCI bridge together with a conventional
# e1000 NIC (driver e1000 bound). Conventional PCI cannot isolate its devices, so the
# kernel puts the bridge, both GPU functions and the NIC in one group, and the GPU cannot
# be handed to a VM without the NIC.
#
#   00:03.0 root port -> 01:00.0 pcie-pci-bridge -> 02:01.0 GPU (VGA), 02:01.1 its audio,
#                                                   02:02.0 e1000 NIC
#   00:05.0 root port -> 03:00.0 qemu-xhci

SCENARIO_DESC="Intel VT-d desktop: GPU behind a PCIe-to-PCI bridge, sharing its group with an e1000 NIC"
SCENARIO_CMDLINE="intel_iommu=on"
SCENARIO_MODULES=(vfio-pci bochs e1000 xhci-pci snd-hda-intel ahci i2c-i801 lpc_ich)

BRIDGE=0000:01:00.0
GPU=0000:02:01.0
GPU_AUDIO=0000:02:01.1
NIC=0000:02:02.0

scenario_qemu() {
	layout_cpu intel
	layout_host_vga
	layout_iommu intel
	layout_root_port rp-legacy 1 0x3
	QEMU_ARGS+=(-device pcie-pci-bridge,id=pcibr,bus=rp-legacy,addr=0x0)
	layout_gpu pcibr 0x1
	layout_nic e1000 pcibr 0x2
	layout_root_port rp-usb 3 0x5
	layout_usb rp-usb
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
	expect_same_group "$BRIDGE" "$GPU" "$GPU_AUDIO" "$NIC"
	expect_gpu_shares_group "$GPU" "$NIC"
	expect_group_verdict "$GPU" shared
	[[ $(ref_get "$NIC" 6) == e1000 ]] || fail "layout: expected driver e1000 on $NIC, the kernel says $(ref_get "$NIC" 6)"

	# check: the card's group is not viable, and the NIC it shares it with is named.
	expect_rc check 3
	expect_check iommu.kernel pass
	expect_check "gpu.$GPU.group" fail "not viable: it also holds ${NIC#0000:} \\(e1000\\)"

	# HOOK: snapshot round trip: replays these live commands against the snapshot.
	check_snapshot_roundtrip groups gpus check
}
