#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# modprobe.sh EDIT_TOOL: vfiokit's modprobe.d file, parsed by kmod (modprobe -C DIR --showconfig):
# the options and softdeps must be there, and kmod must not report a bad line.
set -eu
T=$1
. "$(dirname "$0")/lib.sh"
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT INT TERM
mkdir "$W/d"
REQ="--option ids=$VFIO_IDS --option disable_vga=1 --softdep nvidia --softdep nouveau --softdep snd_hda_intel"

show() {
	modprobe -C "$W/d" --showconfig >"$W/show" 2>"$W/kmod.err" || true
	if grep -q . "$W/kmod.err"; then
		fail "$1: kmod: $(cat "$W/kmod.err")"
		return 1
	fi
}

"$T" modprobe $REQ --out "$W/d/vfiokit.conf" -
if show generated; then
	if grep -qx "options vfio_pci ids=$VFIO_IDS disable_vga=1" "$W/show" && grep -qx 'softdep nvidia pre: vfio-pci' "$W/show" &&
		grep -qx 'softdep nouveau pre: vfio-pci' "$W/show" && grep -qx 'softdep snd_hda_intel pre: vfio-pci' "$W/show"; then
		pass "generated: kmod: $(grep -E '^(options vfio_pci|softdep)' "$W/show" | tr '\n' ';')"
	else
		fail "generated: kmod shows $(grep -E '^(options vfio_pci|softdep)' "$W/show" | tr '\n' ';')"
	fi
fi
# New ids replace old ones; an existing softdep line is extended (kmod reads only the first).
printf 'options vfio_pci ids=10de:2206\nsoftdep nvidia pre: i2c_nvidia_gpu post: nvidia_drm\n' >"$W/d/vfiokit.conf"
"$T" modprobe $REQ --out "$W/d/vfiokit.conf" "$W/d/vfiokit.conf"
if show update; then
	if [ "$(grep -c '^softdep nvidia ' "$W/show")" = 1 ] && grep -q '^softdep nvidia pre: i2c_nvidia_gpu vfio-pci' "$W/show" &&
		[ "$(grep '^options vfio_pci' "$W/show" | tr ' ' '\n' | grep -c '^ids=')" = 1 ] && grep -q "ids=$VFIO_IDS" "$W/show"; then
		pass "update: kmod: $(grep -E '^(options vfio_pci|softdep nvidia)' "$W/show" | tr '\n' ';')"
	else
		fail "update: kmod shows $(grep -E '^(options vfio_pci|softdep)' "$W/show" | tr '\n' ';')"
	fi
fi
# Undo: back to the user's bytes.
cp "$W/d/vfiokit.conf" "$W/before"
printf 'options vfio-pci disable_vga=1\nsoftdep amdgpu post: x\n' >"$W/d/vfiokit.conf"
cp "$W/d/vfiokit.conf" "$W/orig"
"$T" modprobe $REQ --out "$W/d/vfiokit.conf" "$W/d/vfiokit.conf"
show extend || true
"$T" modprobe --remove-option ids --remove-softdep nvidia --remove-softdep nouveau --remove-softdep snd_hda_intel \
	--out "$W/d/vfiokit.conf" "$W/d/vfiokit.conf"
if cmp -s "$W/orig" "$W/d/vfiokit.conf"; then pass "undo: byte for byte"; else fail "undo: $(diff "$W/orig" "$W/d/vfiokit.conf" | tr '\n' ' ')"; fi
finish
