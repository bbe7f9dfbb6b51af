#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# make-images.sh OUTDIR MKBADTABLE [STAMP]: the disk images the 'disk' tests read.
#
# Each image stands for what 'vfiokit disk' is pointed at: the guest's raw partition (the
# guide's /dev/sdb2), holding the guest's own partition table. Sparse files, made with the
# real tools (sfdisk, mkfs.*, mkntfs) with fixed IDs so the golden outputs are stable; the
# hostile tables come from mkbadtable, because sfdisk refuses to write them. An image whose
# tool is missing is not made, and the cases that need it skip (run-case.sh, exit 77).
set -eu
out=$1
mkbad=$2
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
PATH=$PATH:/usr/sbin:/sbin
export PATH

have() { command -v "$1" >/dev/null 2>&1; }

# put IMAGE START_SECTOR FILE: copies a filesystem made in FILE into IMAGE at START_SECTOR.
put() {
	dd if="$3" of="$1" bs=512 seek="$2" conv=notrunc,sparse status=none
	rm -f "$3"
}

# The hostile tables (always: mkbadtable is built with the tests).
for k in gpt-overlap gpt-outside-usable gpt-past-end gpt-huge-count gpt-truncated gpt-partno-high \
	mbr-overlap mbr-past-end mbr-logical-outside mbr-ebr-loop; do
	"$mkbad" "$k" "$out/bad-$k.img"
done

# empty.img: a fresh, never formatted partition.
rm -f "$out/empty.img"
truncate -s 32M "$out/empty.img"

if have sfdisk; then
	# gpt.img: a Linux guest's disk inside a 64 MiB partition.
	rm -f "$out/gpt.img"
	truncate -s 64M "$out/gpt.img"
	sfdisk -q "$out/gpt.img" <<'EOF'
label: gpt
label-id: 6B3E0C1A-2F4D-4C5B-9A8E-1D2C3B4A5F60
first-lba: 2048
start=2048, size=32768, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, uuid=11111111-2222-4333-8444-555555555501, name="EFI system partition"
start=34816, size=65536, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, uuid=11111111-2222-4333-8444-555555555502, name="root"
start=100352, type=0657FD6D-A4AB-43C4-84E5-0933C84B4F4F, uuid=11111111-2222-4333-8444-555555555503, name="swap"
EOF
	if have mkfs.vfat; then
		truncate -s 16M "$tmp/p1" && mkfs.vfat -i 1234ABCD -n EFI "$tmp/p1" >/dev/null && put "$out/gpt.img" 2048 "$tmp/p1"
	fi
	if have mkfs.ext4; then
		truncate -s 32M "$tmp/p2" &&
			mkfs.ext4 -q -F -L guestroot -U 9f2a1c3e-4b5d-4e6f-8a7b-0c1d2e3f4a5b "$tmp/p2" && put "$out/gpt.img" 34816 "$tmp/p2"
	fi

	# mbr.img: an MBR with a primary and two logical partitions in an extended one.
	rm -f "$out/mbr.img"
	truncate -s 64M "$out/mbr.img"
	sfdisk -q "$out/mbr.img" <<'EOF'
label: dos
label-id: 0x5eed1234
start=2048, size=32768, type=c, bootable
start=34816, type=5
start=36864, size=32768, type=83
start=71680, type=82
EOF
	if have mkfs.vfat; then
		truncate -s 16M "$tmp/p1" && mkfs.vfat -i 2345BCDE -n BOOT "$tmp/p1" >/dev/null && put "$out/mbr.img" 2048 "$tmp/p1"
	fi
	if have mkfs.ext4; then
		truncate -s 16M "$tmp/p5" &&
			mkfs.ext4 -q -F -L logical -U 0a1b2c3d-4e5f-4061-8273-94a5b6c7d8e9 "$tmp/p5" && put "$out/mbr.img" 36864 "$tmp/p5"
	fi

	# win.img: what Windows 11's installer leaves on a raw partition: ESP, MSR, the
	# NTFS system volume and the recovery volume. Only with mkntfs (ntfs-3g): without
	# real NTFS it would not be the layout the golden output describes.
	rm -f "$out/win.img"
	if have mkntfs && have mkfs.vfat; then
		truncate -s 256M "$out/win.img"
		sfdisk -q "$out/win.img" <<'EOF'
label: gpt
label-id: 0F5C1D2E-3A4B-4C6D-8E9F-A0B1C2D3E4F5
first-lba: 2048
start=2048, size=65536, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, uuid=22222222-3333-4444-8555-666666666601, name="EFI system partition"
start=67584, size=32768, type=E3C9E316-0B5C-4DB8-817D-F92DF00215AE, uuid=22222222-3333-4444-8555-666666666602, name="Microsoft reserved partition"
start=100352, size=339968, type=EBD0A0A2-B9E5-4433-87C0-68B6B72699C7, uuid=22222222-3333-4444-8555-666666666603, name="Basic data partition"
start=440320, type=DE94BBA4-06D1-4D40-A16A-BFD50179D6AC, uuid=22222222-3333-4444-8555-666666666604, name="Basic data partition"
EOF
		truncate -s 32M "$tmp/esp" && mkfs.vfat -i 3456CDEF -n SYSTEM "$tmp/esp" >/dev/null && put "$out/win.img" 2048 "$tmp/esp"
		truncate -s 166M "$tmp/c" && mkntfs -q -Q -F -L Windows "$tmp/c" >/dev/null 2>&1 && put "$out/win.img" 100352 "$tmp/c"
		last=$(($(stat -c %s "$out/win.img") / 512 - 34 - 440320 + 1))
		truncate -s $((last * 512)) "$tmp/r" && mkntfs -q -Q -F -L Recovery "$tmp/r" >/dev/null 2>&1 &&
			put "$out/win.img" 440320 "$tmp/r"
	fi

	# fs.img: a guest that was given the partition as one filesystem, no table.
	rm -f "$out/fs.img"
	if have mkfs.ext4; then
		truncate -s 32M "$out/fs.img"
		mkfs.ext4 -q -F -L games -U 5c4b3a29-1807-4f6e-9d8c-7b6a59483726 "$out/fs.img"
	fi
fi
touch "${3:-$out/.stamp}"
