#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# compare-lspci.sh VFIOKIT MACHINE: expand a fixture machine, then check that
# `vfiokit groups --json` names every device exactly as `lspci -nn` does on the same tree
# (address, class name and code, vendor and device names and IDs, revision).
set -eu
exe=$1
machine=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

"$exe" import "$machine" --to "$work/root" 2>"$work/import.err" || { cat "$work/import.err"; exit 1; }
# The same database vfiokit uses: the root's own names (an imported listing), else the
# system's /usr/share/misc/pci.ids, given explicitly so lspci reads no other.
ids=/usr/share/misc/pci.ids
[ ! -f "$work/root/usr/share/misc/pci.ids" ] || ids="$work/root/usr/share/misc/pci.ids"
set -- -A linux-sysfs -O "sysfs.path=$work/root/sys/bus/pci" -nn -i "$ids"
lspci "$@" 2>/dev/null | sort >"$work/lspci"
rc=0
"$exe" --root "$work/root" groups --json >"$work/json" 2>/dev/null || rc=$?
[ "$rc" = 0 ] || [ "$rc" = 3 ] || { echo "vfiokit groups failed with $rc"; exit 1; }
jq -r '(.groups[].devices[], .ungrouped[]) | "\(.slot) \(.lspci)"' "$work/json" | sort >"$work/vfiokit"
if [ ! -s "$work/lspci" ]; then
	echo "lspci printed nothing for $machine"
	exit 1
fi
diff -u "$work/lspci" "$work/vfiokit"
