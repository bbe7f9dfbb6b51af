# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=bash disable=SC2054
# (SC2054: commas inside QEMU options are QEMU's, not array separators.)
#
# Building blocks for QEMU machine layouts (host side). Each appends to the QEMU_ARGS
# array that a scenario's scenario_qemu function fills. Devices get fixed addresses so
# scenarios can name them in expectations; the PCI map of the desktop layout is
#
#   00:00.0  host bridge (q35)            00:17.0  harness: host root share (virtio-9p)
#   00:01.0  host VGA, the firmware's     00:18.0  harness: result share (virtio-9p)
#            boot VGA (boot_vga = 1)      00:1f.0  ICH9 LPC  } one group: q35's chipset
#   00:02.0  AMD IOMMU function (amd)     00:1f.2  ICH9 SATA }
#   00:03.0  root port -> 01:00.0 guest GPU (VGA class), 01:00.1 its HDA audio
#   00:04.0  root port -> 02:00.0 e1000e NIC
#   00:05.0  root port -> 03:00.0 qemu-xhci USB controller with a USB keyboard
#
# Buses are numbered by the firmware depth-first in slot order, so adding a device on a
# new root port after 00:05.0 does not move the ones above.

# intel or amd: the CPU vendor matters to vfiokit (which *_iommu= option applies) and to
# realism; qemu64 is the model TCG emulates fully.
layout_cpu() {
	case $1 in
	intel) QEMU_ARGS+=(-cpu qemu64,vendor=GenuineIntel) ;;
	amd) QEMU_ARGS+=(-cpu qemu64,vendor=AuthenticAMD) ;;
	*) echo "layout_cpu: unknown vendor '$1'" >&2; return 1 ;;
	esac
}

# The host's own display: the first VGA on the root bus, which SeaBIOS initialises and the
# kernel then reports as boot_vga. Must come before layout_iommu amd (see there).
layout_host_vga() {
	QEMU_ARGS+=(-device VGA,id=hostvga,bus=pcie.0,addr=0x1)
}

# intel: VT-d with interrupt remapping (what a desktop's firmware announces in DMAR).
# amd: AMD-Vi (IVRS). QEMU puts the AMD IOMMU's own PCI function in the first free slot
# of the root bus, hence after the host VGA: 00:02.0.
layout_iommu() {
	case $1 in
	intel) QEMU_ARGS+=(-device intel-iommu,intremap=on,caching-mode=on) ;;
	amd) QEMU_ARGS+=(-device amd-iommu) ;;
	none) ;;
	*) echo "layout_iommu: unknown IOMMU '$1'" >&2; return 1 ;;
	esac
}

# layout_root_port ID CHASSIS ADDR: a PCIe root port on the root bus (a desktop's x16 slot).
layout_root_port() {
	QEMU_ARGS+=(-device "pcie-root-port,id=$1,chassis=$2,slot=$2,bus=pcie.0,addr=$3")
}

# layout_gpu BUS SLOT: a two-function "discrete GPU" at BUS slot SLOT: a VGA-class display
# controller at function 0 (virtio-vga: VGA class 0x030000, a vendor:device of its own,
# and a driver, virtio-pci, already bound like a real card's) and an Intel HDA controller
# at function 1 standing in for its HDMI audio.
layout_gpu() {
	local bus=$1 slot=$2
	QEMU_ARGS+=(
		-device "virtio-vga,id=guestgpu,bus=$bus,addr=$slot.0,multifunction=on"
		-device "ich9-intel-hda,id=guestgpuaudio,bus=$bus,addr=$slot.1"
		-device hda-duplex,bus=guestgpuaudio.0,audiodev=vksnd
		-audiodev none,id=vksnd
	)
}

# NICs without a netdev: the guest never uses the network, and no host network is touched.
# romfile= spares the iPXE option ROM (and the ipxe-qemu package).
layout_nic() {
	local model=$1 bus=$2 addr=${3:-}
	QEMU_ARGS+=(-device "$model,id=nic-$bus,bus=$bus${addr:+,addr=$addr},romfile=")
}

layout_usb() {
	QEMU_ARGS+=(-device "qemu-xhci,id=xhci,bus=$1" -device usb-kbd,bus=xhci.0)
}

# layout_desktop CPU IOMMU: the map at the top of this file.
layout_desktop() {
	layout_cpu "$1"
	layout_host_vga
	layout_iommu "$2"
	layout_root_port rp-gpu 1 0x3
	layout_gpu rp-gpu 0x0
	layout_root_port rp-nic 2 0x4
	layout_nic e1000e rp-nic
	layout_root_port rp-usb 3 0x5
	layout_usb rp-usb
}

# Host drivers a desktop would have bound at boot (Debian's kernel builds them as modules,
# and there is no udev in the guest to load them), plus vfio-pci.
# shellcheck disable=SC2034 # used by the scenario files
DESKTOP_MODULES=(vfio-pci bochs e1000e xhci-pci snd-hda-intel ahci i2c-i801 lpc_ich)
