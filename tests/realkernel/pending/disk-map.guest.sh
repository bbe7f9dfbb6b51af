#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# disk-map.guest.sh: 'vfiokit disk' on a real kernel, inside the test guest.
#
# Runs as root in a guest whose / is the host's, read-only; $VFIOKIT is the binary; the
# test disk (disk-map.image.sh) is /dev/vdb and /dev/vdb1 holds a nested GPT: 1 ESP (vfat
# SYSTEM), 2 MSR, 3 ext4 "guestdata" with hello.txt, 4 recovery. Prints "PASS name" or
# "FAIL name: reason" per step; exits 1 if any step failed.
# DISK_MAP_DEV and VFIOKIT_STATE_DIR override /dev/vdb1 and /run/vfiokit/disk, to run it
# elsewhere against a loop-device partition holding the same image.
set -u
: "${VFIOKIT:?set VFIOKIT to the vfiokit binary}"
DEV=${DISK_MAP_DEV:-/dev/vdb1}
WHOLE=$(basename "$(dirname "$(readlink -f "/sys/class/block/$(basename "$DEV")")")")
STATE=${VFIOKIT_STATE_DIR:-/run/vfiokit/disk}
KEY=$(basename "$DEV")
work=$(mktemp -d 2>/dev/null || echo /run/disk-map.$$)
mkdir -p "$work/mnt"
fails=0
loop=
pass() { echo "PASS $1"; }
fail() {
	echo "FAIL $1: $2"
	fails=$((fails + 1))
}
cleanup() {
	mountpoint -q "$work/mnt" 2>/dev/null && umount "$work/mnt"
	"$VFIOKIT" disk unmap "$DEV" >/dev/null 2>&1
	rm -rf "$work"
}
trap cleanup EXIT INT TERM
nparts() { ls -d /sys/class/block/$1/$1p* 2>/dev/null | wc -l; }

[ -b "$DEV" ] || {
	fail setup "$DEV is not a block device"
	exit 1
}

# list: the nested table, read with libblkid, no privilege needed beyond reading DEV.
if "$VFIOKIT" disk list "$DEV" >"$work/list" 2>"$work/err" && grep -q "partitions: 4" "$work/list" &&
	grep -q "ext4 *guestdata" "$work/list"; then
	pass list
else
	fail list "$(cat "$work/list" "$work/err")"
fi
# The kernel itself did not expose the nested partitions (a partition is not partitioned).
[ ! -e "/sys/class/block/$KEY/${KEY}p1" ] && [ ! -e "${DEV}p1" ] && pass kernel-no-nested || fail kernel-no-nested "${DEV}p1 exists"

# check: runs on the real sysfs and mount table; vdb1 is not used by anyone.
"$VFIOKIT" disk check --json "$DEV" >"$work/check" 2>"$work/err"
rc=$?
if [ "$rc" = 3 ] && grep -q '"id": "disk.mounted"' "$work/check" && grep -q "\"kname\": \"$KEY\"" "$work/check"; then
	# 3: its size (128 MiB) fails the 64 GB minimum; nothing else may fail.
	if [ "$(grep -c '"status": "fail"' "$work/check")" = 1 ] && grep -A1 '"id": "disk.size"' "$work/check" | grep -q fail; then
		pass check
	else
		fail check "unexpected failures: $(grep -B1 '"status": "fail"' "$work/check" | grep '"id"' | tr -d ' \n')"
	fi
else
	fail check "exit $rc: $(cat "$work/err")"
fi
"$VFIOKIT" disk check "/dev/$WHOLE" >/dev/null 2>&1
[ $? = 3 ] && pass check-whole-disk || fail check-whole-disk "checking the whole disk did not answer 3"

# map read-only.
if "$VFIOKIT" disk map --json "$DEV" >"$work/map" 2>"$work/err"; then
	loop=$(sed -n 's/^  "loop": "\(loop[0-9]*\)",\{0,1\}$/\1/p' "$work/map")
	if [ -n "$loop" ] && [ "$(nparts "$loop")" = 4 ] && [ "$(cat /sys/class/block/${loop}p3/start)" = 67584 ] &&
		[ "$(cat /sys/class/block/${loop}p3/size)" = 131072 ]; then
		pass map
	else
		fail map "expected 4 partitions on '$loop', p3 at 67584+131072"
	fi
else
	fail map "$(cat "$work/err")"
fi
if [ -n "$loop" ]; then
	[ "$(cat /sys/class/block/${loop}p3/ro)" = 1 ] && [ "$(blockdev --getro /dev/${loop}p3 2>/dev/null || echo 1)" = 1 ] &&
		pass map-read-only || fail map-read-only "/dev/${loop}p3 is writable"
	if dd if=/dev/zero of="/dev/${loop}p4" bs=4096 count=1 oflag=direct conv=nocreat,notrunc 2>/dev/null; then
		fail write-fails "a write to /dev/${loop}p4 succeeded"
	else
		pass write-fails
	fi
	[ "$(readlink "$STATE/$KEY/part3")" = "/dev/${loop}p3" ] && pass stable-link || fail stable-link "no $STATE/$KEY/part3"
	if mount -o ro,noload "/dev/${loop}p3" "$work/mnt" 2>"$work/err" &&
		[ "$(cat "$work/mnt/hello.txt" 2>/dev/null)" = "vfiokit nested partition" ]; then
		pass mount-ro
	else
		fail mount-ro "$(cat "$work/err")"
	fi
	if "$VFIOKIT" disk unmap "$DEV" >/dev/null 2>"$work/err"; then
		fail unmap-refused-while-mounted "unmap succeeded with ${loop}p3 mounted"
	else
		grep -q "is mounted on" "$work/err" && pass unmap-refused-while-mounted ||
			fail unmap-refused-while-mounted "$(cat "$work/err")"
	fi
	umount "$work/mnt"
	if "$VFIOKIT" disk unmap "$DEV" >/dev/null 2>"$work/err"; then
		pass unmap
	else
		fail unmap "$(cat "$work/err")"
	fi
	# Nothing left behind: no partitions, no attached loop device, no state, no nodes.
	left=
	[ "$(nparts "$loop")" = 0 ] || left="$left partitions"
	[ ! -e "/sys/class/block/$loop/loop/backing_file" ] || left="$left loop-attached"
	[ -z "$(ls -A "$STATE" 2>/dev/null)" ] || left="$left state"
	ls /dev/${loop}p* >/dev/null 2>&1 && left="$left device-nodes"
	[ -z "$(losetup -j "$DEV" 2>/dev/null)" ] || left="$left losetup-j"
	[ -z "$left" ] && pass unmap-leaves-nothing || fail unmap-leaves-nothing "left:$left"
fi

# read-write needs libvirt's answer (none in this guest) or --force.
if "$VFIOKIT" disk map --rw "$DEV" >/dev/null 2>"$work/err"; then
	fail rw-needs-libvirt "mapped read-write without asking libvirt"
	"$VFIOKIT" disk unmap "$DEV" >/dev/null 2>&1
else
	pass rw-needs-libvirt
fi
if "$VFIOKIT" disk map --rw --force --json "$DEV" >"$work/map" 2>"$work/err"; then
	loop=$(sed -n 's/^  "loop": "\(loop[0-9]*\)",\{0,1\}$/\1/p' "$work/map")
	dd if=/dev/zero of="/dev/${loop}p4" bs=4096 count=1 oflag=direct conv=nocreat,notrunc 2>/dev/null &&
		pass map-rw || fail map-rw "a write to /dev/${loop}p4 failed"
	"$VFIOKIT" disk unmap "$DEV" >/dev/null 2>&1 && [ "$(nparts "$loop")" = 0 ] && pass unmap-rw || fail unmap-rw "left partitions"
else
	fail map-rw "$(cat "$work/err")"
fi

# A damaged primary GPT: like the kernel, libblkid falls back to the backup GPT at the end,
# which vfiokit then validates and maps.
if dd if="$DEV" of="$work/backup.img" bs=1M count=128 status=none 2>/dev/null; then
	printf '\377\377\003\000' | dd of="$work/backup.img" bs=1 seek=$((1024 + 256 + 40)) conv=notrunc status=none
	if "$VFIOKIT" disk map --json "$work/backup.img" >"$work/map" 2>"$work/err"; then
		loop=$(sed -n 's/^  "loop": "\(loop[0-9]*\)",\{0,1\}$/\1/p' "$work/map")
		[ "$(nparts "$loop")" = 4 ] && [ "$(cat /sys/class/block/${loop}p3/size)" = 131072 ] &&
			pass primary-damaged-uses-backup || fail primary-damaged-uses-backup "not the backup's 4 partitions"
		"$VFIOKIT" disk unmap "$work/backup.img" >/dev/null 2>&1 || fail primary-damaged-uses-backup "unmap failed"
	else
		fail primary-damaged-uses-backup "$(cat "$work/err")"
	fi
fi

# A hostile table: an MBR whose two entries overlap (sectors 8192-10239), written byte by
# byte here, is refused with the reason, and no loop device is attached for it.
truncate -s 8M "$work/bad.img"
printf '\000\000\000\000\203\000\000\000\000\010\000\000\000\040\000\000' |
	dd of="$work/bad.img" bs=1 seek=446 conv=notrunc status=none
printf '\000\000\000\000\203\000\000\000\000\040\000\000\000\020\000\000' |
	dd of="$work/bad.img" bs=1 seek=462 conv=notrunc status=none
printf '\125\252' | dd of="$work/bad.img" bs=1 seek=510 conv=notrunc status=none
if "$VFIOKIT" disk map "$work/bad.img" >/dev/null 2>"$work/err"; then
	fail refuse-overlap "an overlapping table was mapped"
	"$VFIOKIT" disk unmap "$work/bad.img" >/dev/null 2>&1
elif grep -q "partitions 1 (sectors 2048-10239) and 2 (sectors 8192-12287) overlap" "$work/err" &&
	[ -z "$(losetup -j "$work/bad.img" 2>/dev/null)" ]; then
	pass refuse-overlap
else
	fail refuse-overlap "$(cat "$work/err")"
fi

[ "$fails" = 0 ]
