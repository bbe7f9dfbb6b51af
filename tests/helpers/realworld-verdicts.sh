#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# realworld-verdicts.sh VFIOKIT REALWORLD TABLE: for every row of TABLE (listing, card,
# expected status of gpu.<card>.group and gpu.<card>.boot), import the listing and check that
# `vfiokit check --gpu CARD --json` says that. Prints the verdicts; skips (77) without REALWORLD.
set -eu
exe=$1
rw=$2
table=$3
[ -d "$rw/iommu" ] || { echo "no $rw/iommu: skipping"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
fail=0
grep -v '^#' "$table" | while read -r listing card want_group want_boot rest; do
	[ -n "$listing" ] || continue
	root="$work/$listing"
	[ -d "$root" ] || "$exe" import "$rw/iommu/$listing.txt" --to "$root" 2>/dev/null
	"$exe" --root "$root" check --gpu "$card" --json >"$work/out.json" 2>/dev/null || true
	full=$(jq -r '.checks[] | select(.id | endswith(".group")) | .id' "$work/out.json" | sed 's/^gpu\.//; s/\.group$//')
	group=$(jq -r --arg id "gpu.$full.group" '.checks[] | select(.id == $id) | .status' "$work/out.json")
	boot=$(jq -r --arg id "gpu.$full.boot" '.checks[] | select(.id == $id) | .status' "$work/out.json")
	msg=$(jq -r --arg id "gpu.$full.group" '.checks[] | select(.id == $id) | .message' "$work/out.json")
	printf '%-50s %s group=%s boot=%s  %s\n' "$listing" "$card" "$group" "$boot" "$msg"
	if [ "$group" != "$want_group" ] || [ "$boot" != "$want_boot" ]; then
		echo "FAIL $listing $card: expected group=$want_group boot=$want_boot ($rest)"
		exit 1
	fi
done || fail=1
exit $fail
