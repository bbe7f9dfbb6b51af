#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# realworld-import.sh VFIOKIT REALWORLD GOLDENS: import every listing in REALWORLD/iommu and
# REALWORLD/lspci (inputs nobody on the project wrote), then check for each one that:
#  - the import succeeds, and `vfiokit --root DIR groups` matches GOLDENS/<name>.groups
#    (reviewed by hand; VK_TEST_REGENERATE=1 rewrites them);
#  - every device line of the listing that carries lspci -nn text appears, word for word,
#    as that device's "lspci" text in `groups --json` (the same names as the listing);
#  - every "Kernel driver in use" of an lspci -k listing is that device's driver.
# Skips (exit 77) when the shared folder is absent, e.g. in a clone outside the workspace.
set -eu
exe=$1
rw=$2
goldens=$3
[ -d "$rw/iommu" ] || { echo "no $rw/iommu: skipping"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
fail=0
for f in "$rw"/iommu/*.txt "$rw"/lspci/*.txt; do
	name=$(basename "$f" .txt)
	root="$work/$name"
	if ! "$exe" import "$f" --to "$root" 2>"$work/$name.import"; then
		echo "FAIL $name: import failed"; cat "$work/$name.import"; fail=1; continue
	fi
	rc=0
	LC_ALL=C NO_COLOR=1 "$exe" --root "$root" groups >"$work/$name.groups" 2>&1 || rc=$?
	echo "exit $rc" >>"$work/$name.groups"
	if [ "${VK_TEST_REGENERATE:-0}" = 1 ]; then
		cp "$work/$name.groups" "$goldens/$name.groups"
	elif ! diff -u "$goldens/$name.groups" "$work/$name.groups"; then
		echo "FAIL $name: groups output differs from $goldens/$name.groups"; fail=1
	fi
	LC_ALL=C "$exe" --root "$root" groups --json >"$work/$name.json" 2>/dev/null || true
	# Names: each "BB:DD.F Class [cccc]: Vendor Device [vvvv:dddd]..." text in the listing.
	jq -r '(.groups[].devices[], .ungrouped[]) | "\(.slot)\t\(.lspci)"' "$work/$name.json" >"$work/$name.names"
	while IFS="$(printf '\t')" read -r slot text; do
		# Only listings that print lspci -nn text carry comparable names.
		grep -q "$slot [^ ].*\[[0-9a-f]\{4\}:[0-9a-f]\{4\}\]" "$f" || continue
		if ! grep -qF "$slot $text" "$f" && ! grep -qF "$slot - $text" "$f"; then
			echo "FAIL $name: $slot is shown as '$text', which the listing does not say"; fail=1
		fi
	done <"$work/$name.names"
	# Drivers: "Kernel driver in use: X" under a device line.
	awk '/^[0-9a-f]{2}:[0-9a-f]{2}\.[0-7] / { slot = $1 } /Kernel driver in use:/ { print slot, $NF }' "$f" |
		while read -r slot drv; do
			got=$(jq -r --arg s "$slot" '(.groups[].devices[], .ungrouped[]) | select(.slot == $s) | .driver' "$work/$name.json")
			[ "$got" = "$drv" ] || { echo "FAIL $name: $slot driver is '$got', the listing says '$drv'"; exit 1; }
		done || fail=1
	[ $fail = 1 ] || echo "ok $name"
done
exit $fail
