#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# loop-map.sh VFIOKIT IMAGES: 'vfiokit disk map/unmap' against the running kernel's loop
# devices. Skipped (77) unless root with a usable /dev/loop-control. It only ever touches
# the loop devices it (or vfiokit) attached, and keeps vfiokit's state in a temporary
# directory (VFIOKIT_STATE_DIR), never in the host's /run.
set -u
vfiokit=$1
images=$2
PATH=$PATH:/usr/sbin:/sbin

skip() {
	echo "SKIP: $*"
	exit 77
}
[ "$(id -u)" = 0 ] || skip "not root"
[ -c /dev/loop-control ] || skip "no /dev/loop-control"
command -v losetup >/dev/null || skip "no losetup"
[ -f "$images/gpt.img" ] || skip "gpt.img was not made"
probe=$(losetup -f 2>/dev/null) || skip "losetup -f fails: no loop devices here"
[ -n "$probe" ] || skip "no free loop device"

work=$(mktemp -d)
export VFIOKIT_STATE_DIR="$work/state"
mapped_loops=
cleanup() {
	mountpoint -q "$work/mnt" 2>/dev/null && umount "$work/mnt"
	for l in $mapped_loops; do
		# Whatever a failed step left: our loop devices only (backed by our copies).
		case "$(cat /sys/class/block/$l/loop/backing_file 2>/dev/null)" in
		"$work"/*)
			partx -d "/dev/$l" 2>/dev/null
			losetup -d "/dev/$l" 2>/dev/null
			;;
		esac
	done
	rm -rf "$work"
}
trap cleanup EXIT INT TERM
cp --sparse=always "$images/gpt.img" "$work/guest.img"
mkdir "$work/mnt"

fails=0
pass() { echo "PASS $1"; }
fail() {
	echo "FAIL $1: $2"
	fails=$((fails + 1))
}

# map IMAGE [ARGS]: prints the loop name ("loop7") the map used.
map() {
	img=$1
	shift
	"$vfiokit" disk map --json "$@" "$img" >"$work/map.json" 2>"$work/map.err" || return 1
	l=$(sed -n 's/^  "loop": "\(loop[0-9]*\)",\{0,1\}$/\1/p' "$work/map.json")
	mapped_loops="$mapped_loops $l"
	echo "$l"
}
nparts() { ls -d /sys/class/block/$1/$1p* 2>/dev/null | wc -l; }
attached() { [ -e "/sys/class/block/$1/loop/backing_file" ]; }

# 1. read-only map: the validated partitions appear, read-only.
loop=$(map "$work/guest.img") || {
	fail map "$(cat "$work/map.err")"
	exit 1
}
if [ "$(nparts "$loop")" = 3 ] && [ "$(cat /sys/class/block/${loop}p2/size)" = 65536 ] &&
	[ "$(cat /sys/class/block/${loop}p2/start)" = 34816 ]; then
	pass map-partitions
else
	fail map-partitions "expected 3 partitions with p2 at 34816+65536 on $loop"
fi
[ "$(cat /sys/class/block/${loop}p2/ro)" = 1 ] && pass map-read-only || fail map-read-only "${loop}p2 is not read-only"
[ -L "$VFIOKIT_STATE_DIR/guest.img/part2" ] && [ "$(readlink "$VFIOKIT_STATE_DIR/guest.img/part2")" = "/dev/${loop}p2" ] &&
	pass map-link || fail map-link "no part2 link to /dev/${loop}p2"
if dd if=/dev/zero of="/dev/${loop}p2" bs=4096 count=1 oflag=direct conv=nocreat,notrunc 2>/dev/null; then
	fail write-refused "a write to /dev/${loop}p2 succeeded"
else
	pass write-refused
fi
cmp -s "$images/gpt.img" "$work/guest.img" && pass image-untouched || fail image-untouched "the image changed"

# 2. a second map of the same disk is refused.
if "$vfiokit" disk map "$work/guest.img" >/dev/null 2>"$work/err"; then
	fail map-twice "the second map succeeded"
else
	grep -q "already mapped" "$work/err" && pass map-twice || fail map-twice "$(cat "$work/err")"
fi

# 3. mount read-only works; unmap refuses while mounted, then removes everything.
if grep -qw ext4 /proc/filesystems; then
	if mount -o ro,noload "/dev/${loop}p2" "$work/mnt" 2>"$work/err" && [ -d "$work/mnt/lost+found" ]; then
		pass mount-ro
		if "$vfiokit" disk unmap "$work/guest.img" >/dev/null 2>"$work/err"; then
			fail unmap-while-mounted "unmap succeeded with ${loop}p2 mounted"
		else
			grep -q "is mounted on" "$work/err" && pass unmap-while-mounted || fail unmap-while-mounted "$(cat "$work/err")"
		fi
		umount "$work/mnt"
	else
		fail mount-ro "$(cat "$work/err")"
	fi
else
	echo "SKIP mount-ro: no ext4 in this kernel"
fi
if "$vfiokit" disk unmap "$work/guest.img" >/dev/null 2>"$work/err" && [ "$(nparts "$loop")" = 0 ] && ! attached "$loop" &&
	[ -z "$(ls -A "$VFIOKIT_STATE_DIR")" ]; then
	pass unmap-clean
else
	fail unmap-clean "left: partitions=$(nparts "$loop") state=$(ls -A "$VFIOKIT_STATE_DIR") $(cat "$work/err")"
fi

# 4. crash between LOOP_CONFIGURE and the final state: unmap still removes it all.
loop=$(map "$work/guest.img") || fail crash-configured "map: $(cat "$work/map.err")"
sed -i -e 's/^phase=.*/phase=attaching/' -e 's/^partitions=.*/partitions=/' "$VFIOKIT_STATE_DIR/guest.img/state"
if "$vfiokit" disk unmap "$work/guest.img" >/dev/null 2>"$work/err" && [ "$(nparts "$loop")" = 0 ] && ! attached "$loop"; then
	pass crash-configured
else
	fail crash-configured "left: partitions=$(nparts "$loop") $(cat "$work/err")"
fi

# 5. the loop device detached behind vfiokit's back: BLKPG partitions outlive LOOP_CLR_FD
#    on a loop device without PARTSCAN, so unmap must remove the stale ones.
loop=$(map "$work/guest.img") || fail stale-after-detach "map: $(cat "$work/map.err")"
losetup -d "/dev/$loop"
if "$vfiokit" disk unmap "$work/guest.img" >"$work/out" 2>"$work/err" && [ "$(nparts "$loop")" = 0 ] &&
	grep -q "already gone" "$work/out"; then
	pass stale-after-detach
else
	fail stale-after-detach "left: partitions=$(nparts "$loop") $(cat "$work/out" "$work/err")"
fi

# 6. a loop device reused by someone else since the map: unmap leaves it alone.
loop=$(map "$work/guest.img") || fail not-ours "map: $(cat "$work/map.err")"
sed -i -e 's/^backing=.*/backing=1:1/' "$VFIOKIT_STATE_DIR/guest.img/state"
if "$vfiokit" disk unmap "$work/guest.img" >/dev/null 2>&1 && attached "$loop" && [ "$(nparts "$loop")" = 3 ]; then
	pass not-ours
else
	fail not-ours "unmap touched a loop device that no longer matched its state"
fi
partx -d "/dev/$loop" 2>/dev/null
losetup -d "/dev/$loop"

# 7. a free loop device that still carries another user's stale partitions: map drops
#    them before our disk is behind it.
if command -v partx >/dev/null; then
	cp --sparse=always "$images/mbr.img" "$work/other.img"
	other=$(losetup -f --show -r "$work/other.img") && mapped_loops="$mapped_loops ${other#/dev/}"
	partx -a "$other" 2>/dev/null
	losetup -d "$other"
	loop=$(map "$work/guest.img") || fail stale-before-map "map: $(cat "$work/map.err")"
	if [ "$(nparts "$loop")" = 3 ] && [ "$(cat /sys/class/block/${loop}p2/size)" = 65536 ] &&
		[ ! -e "/sys/class/block/${loop}/${loop}p5" ]; then
		pass stale-before-map
	else
		fail stale-before-map "$loop has $(ls /sys/class/block/$loop | grep "${loop}p" | tr '\n' ' ')"
	fi
	"$vfiokit" disk unmap "$work/guest.img" >/dev/null 2>&1
else
	echo "SKIP stale-before-map: no partx"
fi

# 8. read-write needs an answer from libvirt (here its test driver, where no domain uses the
#    image): without one it is refused. Writes then go through, and unmap undoes it all.
if "$vfiokit" disk map --rw --connect test:///nonexistent.xml "$work/guest.img" >/dev/null 2>"$work/err"; then
	fail rw-needs-libvirt "mapped read-write without asking libvirt"
	"$vfiokit" disk unmap "$work/guest.img" >/dev/null 2>&1
else
	grep -q "refusing to map it read-write" "$work/err" && pass rw-needs-libvirt || fail rw-needs-libvirt "$(cat "$work/err")"
fi
if loop=$(map "$work/guest.img" --rw --connect test:///default); then
	if dd if=/dev/zero of="/dev/${loop}p3" bs=4096 count=1 oflag=direct conv=nocreat,notrunc 2>/dev/null; then
		pass map-rw
	else
		fail map-rw "a write to /dev/${loop}p3 failed"
	fi
	"$vfiokit" disk unmap "$work/guest.img" >/dev/null 2>&1 && ! attached "$loop" && pass unmap-rw || fail unmap-rw "still attached"
else
	fail map-rw "map: $(cat "$work/map.err")"
fi

# 9. a hostile table is refused before any loop device is taken.
before=$(ls /sys/class/block | grep -c '^loop[0-9]*$')
for bad in bad-gpt-overlap bad-gpt-huge-count bad-mbr-past-end; do
	cp --sparse=always "$images/$bad.img" "$work/$bad.img"
	if "$vfiokit" disk map "$work/$bad.img" >/dev/null 2>"$work/err"; then
		fail "refuse-$bad" "mapped"
	elif grep -q "refusing the partition table" "$work/err" && [ -z "$(ls -A "$VFIOKIT_STATE_DIR")" ]; then
		pass "refuse-$bad"
	else
		fail "refuse-$bad" "$(cat "$work/err")"
	fi
done
for l in $(ls /sys/class/block | grep '^loop[0-9]*$'); do
	case "$(cat /sys/class/block/$l/loop/backing_file 2>/dev/null)" in
	"$work"/bad-*) fail refuse-no-loop "$l is attached to $(cat /sys/class/block/$l/loop/backing_file)" ;;
	esac
done
[ "$(ls /sys/class/block | grep -c '^loop[0-9]*$')" -ge "$before" ] && pass refuse-no-loop

[ "$fails" = 0 ]
