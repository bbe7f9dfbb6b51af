#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# initramfs.sh EDIT_TOOL: /etc/initramfs-tools/modules read by initramfs-tools' own
# add_modules_from_file (the list the initramfs loads, in order), /etc/booster.yaml read by a
# YAML parser, /etc/kernel/cmdline read by systemd's 90-loaderentry.install.
set -eu
T=$1
. "$(dirname "$0")/lib.sh"
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT INT TERM
K="--kernel 6.12.1"

hf=$(hook_functions)
if [ -n "$hf" ]; then
	printf '# List of modules\n#\n# Syntax:  module_name [args ...]\n\nvirtio\n#atlantic\namdgpu\nvfio_virqfd\n' >"$W/modules"
	"$T" itools $K "$W/modules" >"$W/out"
	mkdir -p "$W/initrd/conf"
	DESTDIR=$W/initrd sh -c '. "$1"; manual_add_modules() { :; }; add_modules_from_file "$2"' sh "$hf" "$W/out"
	got=$(cut -d' ' -f1 "$W/initrd/conf/modules" | tr '\n' ' ')
	if [ "$got" = "virtio vfio_pci vfio vfio_iommu_type1 amdgpu " ]; then
		pass "initramfs-tools: conf/modules load order: $got"
	else
		fail "initramfs-tools: conf/modules: $got"
	fi
else
	skip "initramfs-tools: no hook-functions (scripts/bootstrap test unpacks it)"
fi

PY=/usr/bin/python3
if [ -x $PY ] && $PY -c 'import yaml' 2>/dev/null; then
	printf 'compress: zstd -9 -T0\nmodules_force_load: amdgpu,usbhid\nnetwork:\n  dhcp: on\n' >"$W/booster.yaml"
	"$T" booster $K "$W/booster.yaml" >"$W/out"
	got=$($PY -c 'import sys, yaml; d = yaml.safe_load(open(sys.argv[1])); print(d["modules_force_load"], d["compress"], d["network"]["dhcp"])' "$W/out")
	if [ "$got" = "vfio_pci,vfio,vfio_iommu_type1,amdgpu,usbhid zstd -9 -T0 True" ]; then
		pass "booster.yaml: YAML: $got"
	else
		fail "booster.yaml: YAML: $got"
	fi
else
	skip "booster.yaml: no python3-yaml"
fi

hook=/usr/lib/kernel/install.d/90-loaderentry.install
if [ -r $hook ]; then
	mkdir -p "$W/conf" "$W/boot/vfiokit/6.1.0-test" "$W/stage"
	printf 'root=UUID=1 rw\nquiet vfio-pci.ids=10de:2206\n' >"$W/cmdline"
	"$T" kcmdline --add intel_iommu=on --add vfio-pci.ids=$VFIO_IDS --remove vfio-pci.ids "$W/cmdline" >"$W/conf/cmdline"
	: >"$W/vmlinuz"
	KERNEL_INSTALL_CONF_ROOT=$W/conf KERNEL_INSTALL_LAYOUT=bls KERNEL_INSTALL_MACHINE_ID=0123456789abcdef0123456789abcdef \
		KERNEL_INSTALL_ENTRY_TOKEN=vfiokit KERNEL_INSTALL_BOOT_ROOT=$W/boot KERNEL_INSTALL_VERBOSE=0 \
		KERNEL_INSTALL_STAGING_AREA=$W/stage sh $hook add 6.1.0-test "$W/boot/vfiokit/6.1.0-test" "$W/vmlinuz" >/dev/null
	got=$(sed -n 's/^options *//p' "$W/boot/loader/entries/vfiokit-6.1.0-test.conf")
	if [ "$got" = "root=UUID=1 rw quiet vfio-pci.ids=$VFIO_IDS intel_iommu=on" ]; then
		pass "/etc/kernel/cmdline: 90-loaderentry.install: options $got"
	else
		fail "/etc/kernel/cmdline: 90-loaderentry.install: options $got"
	fi
else
	skip "/etc/kernel/cmdline: $hook not installed"
fi
finish
