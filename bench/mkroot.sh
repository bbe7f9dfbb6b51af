#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# mkroot.sh VFIOKIT N DIR: a synthetic root with N PCI functions, built by `vfiokit import`
# from a generated machine description: slots of 8 functions (a GPU with its audio, NICs,
# NVMe drives, USB and SATA controllers), one IOMMU group per slot, real IDs so names come
# from pci.ids, drivers bound, config space written (lspci reads it).
set -eu
exe=$1
n=$2
dir=$3
desc=$(mktemp)
trap 'rm -f "$desc"' EXIT
awk -v n="$n" 'BEGIN {
	split("10de:1401:030000:nouveau 10de:0fba:040300:snd_hda_intel 8086:1533:020000:igb 144d:a808:010802:nvme 1022:43b9:0c0330:xhci_hcd 1022:43b5:010601:ahci 8086:1521:020000:igb 1002:67df:030000:amdgpu", kinds, " ")
	print "vfiokit-machine 1"
	print "kernel 6.1.0-26-amd64"
	print "acpi DMAR"
	for (i = 0; i < n; i++) {
		dom = int(i / (256 * 32 * 8)); bus = int(i / (32 * 8)) % 256; slot = int(i / 8) % 32; fn = i % 8
		split(kinds[i % 8 + 1], k, ":")
		printf "pci %04x:%02x:%02x.%d id=%s:%s class=%s rev=a1 sub=1458:36b6 group=%d driver=%s\n", dom, bus, slot, fn, k[1], k[2], k[3], int(i / 8), k[4]
	}
}' >"$desc"
"$exe" import "$desc" --to "$dir" 2>/dev/null
