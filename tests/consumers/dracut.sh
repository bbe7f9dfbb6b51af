#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# dracut.sh EDIT_TOOL: dracut.conf files and the vfiokit drop-in, sourced by bash in dracut's
# order (dracut.conf, then dracut.conf.d/*.conf by name); force_drivers must list the vfio
# modules as separate words ahead of any GPU driver.
set -eu
T=$1
. "$(dirname "$0")/lib.sh"
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT INT TERM
SHOW='for x; do source "$x"; done; printf "%s|%s|%s" "${force_drivers:-}" "${add_drivers:-}" "${install_items:-}"'
K="--kernel 6.12.1"

"$T" dracut $K --install-item /etc/modprobe.d/vfiokit.conf >"$W/vfiokit.conf"
for prev in 'force_drivers+="amdgpu"' 'add_drivers+="vfio vfio_iommu_type1 vfio_pci"' 'hostonly="yes"'; do
	printf '%s' "$prev" >"$W/10-user.conf"
	v=$(bash -c "$SHOW" bash "$W/10-user.conf" "$W/vfiokit.conf")
	force=${v%%|*}
	# After a file that ends its list without a blank, the words must still be separate. (The
	# drop-in appends: a GPU driver put in force_drivers by a file sourced earlier loads first;
	# isolate edits such a file with the same editor, which moves vfio ahead of it.)
	if words "$force" | grep -qx vfio_pci && words "$force" | grep -qx vfio_iommu_type1 &&
		words "${v##*|}" | grep -qx /etc/modprobe.d/vfiokit.conf; then
		pass "drop-in after '$prev': bash: force_drivers='$force'"
	else
		fail "drop-in after '$prev': force_drivers='$force' install_items='${v##*|}'"
	fi
done
# Order when the GPU driver is in the same list, and vfio_virqfd on a 6.2+ kernel.
printf 'force_drivers+=" amdgpu "\nadd_drivers+=" vfio_virqfd "\n' >"$W/in"
"$T" dracut $K "$W/in" >"$W/out"
v=$(bash -c "$SHOW" bash "$W/out")
if why=$(vfio_first ${v%%|*} $(echo "$v" | cut -d'|' -f2)); then
	pass "same-list order: bash: force_drivers='${v%%|*}' add_drivers='$(echo "$v" | cut -d'|' -f2)'"
else
	fail "same-list order: $v $why"
fi
# Undo of the generated drop-in: no file left.
"$T" dracut --remove-module vfio_pci --remove-module vfio --remove-module vfio_iommu_type1 \
	--remove-install-item /etc/modprobe.d/vfiokit.conf --out "$W/vfiokit.conf" "$W/vfiokit.conf"
if [ -e "$W/vfiokit.conf" ]; then fail "undo left the drop-in: $(cat "$W/vfiokit.conf")"; else pass "undo removes the drop-in"; fi
finish
