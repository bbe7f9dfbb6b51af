#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# disk-map.image.sh IMAGE: the test disk for disk-map.guest.sh, built on the host.
#
# The guest sees IMAGE as /dev/vdb. Its partition 1 (/dev/vdb1) plays the guide's raw
# partition given to Windows (§10): it holds a nested GPT of its own, laid out like
# Windows' (ESP, MSR, a data volume, recovery), with an ext4 data volume labelled
# "guestdata" (a filesystem the guest kernel can mount) holding hello.txt, so the guest can
# prove that what it mounts through 'vfiokit disk map' is the nested partition's content.
# Needs sfdisk, mkfs.vfat and mkfs.ext4 (with -d); no root, no loop devices.
set -eu
image=$1
PATH=$PATH:/usr/sbin:/sbin
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# The nested disk: 128 MiB, what the guest wrote inside its partition.
truncate -s 128M "$tmp/inner"
sfdisk -q "$tmp/inner" <<'END'
label: gpt
label-id: 7E57D15C-0000-4000-8000-00000000C0DE
first-lba: 2048
start=2048, size=32768, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, name="EFI system partition"
start=34816, size=32768, type=E3C9E316-0B5C-4DB8-817D-F92DF00215AE, name="Microsoft reserved partition"
start=67584, size=131072, type=EBD0A0A2-B9E5-4433-87C0-68B6B72699C7, name="Basic data partition"
start=198656, type=DE94BBA4-06D1-4D40-A16A-BFD50179D6AC, name="Basic data partition"
END
truncate -s 16M "$tmp/esp"
mkfs.vfat -i 7E57C0DE -n SYSTEM "$tmp/esp" >/dev/null
dd if="$tmp/esp" of="$tmp/inner" bs=512 seek=2048 conv=notrunc,sparse status=none
mkdir "$tmp/data"
echo "vfiokit nested partition" >"$tmp/data/hello.txt"
truncate -s 64M "$tmp/data.fs"
mkfs.ext4 -q -F -L guestdata -d "$tmp/data" "$tmp/data.fs"
dd if="$tmp/data.fs" of="$tmp/inner" bs=512 seek=67584 conv=notrunc,sparse status=none

# The outer disk: partition 1 holds the nested disk, partition 2 is the host's own.
rm -f "$image"
truncate -s 192M "$image"
sfdisk -q "$image" <<'END'
label: gpt
first-lba: 2048
start=2048, size=262144, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, name="guest"
start=264192, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, name="host"
END
dd if="$tmp/inner" of="$image" bs=512 seek=2048 conv=notrunc,sparse status=none
