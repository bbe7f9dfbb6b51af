#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# grub.sh EDIT_TOOL: /etc/default/grub edited by vfiokit, then sourced by dash as grub-mkconfig
# does; GRUB_CMDLINE_LINUX_DEFAULT (or _LINUX) must be exactly the intended command line, and
# the undo must give back the file byte for byte.
set -eu
T=$1
. "$(dirname "$0")/lib.sh"
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT INT TERM

# case NAME VAR WANT [edit-tool options...] with the input file in $W/in
case_() {
	name=$1 var=$2 want=$3
	shift 3
	if ! "$T" grub --report "$W/rep" "$@" "$W/in" >"$W/out" 2>"$W/err"; then
		fail "$name: editor refused: $(cat "$W/err")"
		return
	fi
	got=$(dash -c '. "$1" >/dev/null || exit 1; eval "printf %s \"\$$2\""' sh "$W/out" "$var") || {
		fail "$name: dash cannot source the result"
		return
	}
	if [ "$got" != "$want" ]; then
		fail "$name: dash gives $var='$got', wanted '$want'"
		return
	fi
	# Undo: remove exactly what was added.
	set --
	sed -n 's/^added\t//p' "$W/rep" >"$W/added"
	while IFS= read -r a; do set -- "$@" --remove "$a"; done <"$W/added"
	[ "$var" = GRUB_CMDLINE_LINUX ] && set -- --linux "$@"
	if [ -s "$W/added" ] && ! grep -q '^removed' "$W/rep"; then
		"$T" grub "$@" "$W/out" >"$W/undo"
		if [ "$name" = unquoted ]; then
			# The one documented exception: the quotes stay, the shell value is the same.
			v1=$(dash -c '. "$1"; echo "$GRUB_CMDLINE_LINUX_DEFAULT"' sh "$W/in")
			v2=$(dash -c '. "$1"; echo "$GRUB_CMDLINE_LINUX_DEFAULT"' sh "$W/undo")
			[ "$v1" = "$v2" ] || { fail "$name: undo gives '$v2'"; return; }
		elif ! cmp -s "$W/in" "$W/undo"; then
			fail "$name: undo differs: $(diff "$W/in" "$W/undo" | head -4 | tr '\n' ' ')"
			return
		fi
	fi
	pass "$name: dash: $var='$got'"
}

ADD="--add intel_iommu=on --add iommu=pt --add vfio-pci.ids=$VFIO_IDS --remove vfio-pci.ids"

printf '# GRUB\nGRUB_DEFAULT=0\nGRUB_CMDLINE_LINUX_DEFAULT="quiet splash"\nGRUB_CMDLINE_LINUX=""\n' >"$W/in"
case_ double-quotes GRUB_CMDLINE_LINUX_DEFAULT "quiet splash intel_iommu=on iommu=pt vfio-pci.ids=$VFIO_IDS" $ADD

printf "GRUB_CMDLINE_LINUX_DEFAULT='quiet'\n" >"$W/in"
case_ single-quotes GRUB_CMDLINE_LINUX_DEFAULT "quiet intel_iommu=on iommu=pt vfio-pci.ids=$VFIO_IDS" $ADD

printf 'GRUB_CMDLINE_LINUX_DEFAULT=quiet\n' >"$W/in"
case_ unquoted GRUB_CMDLINE_LINUX_DEFAULT "quiet intel_iommu=on iommu=pt vfio-pci.ids=$VFIO_IDS" $ADD

printf 'GRUB_CMDLINE_LINUX_DEFAULT="a"\nGRUB_TIMEOUT=5\nGRUB_CMDLINE_LINUX_DEFAULT="b vfio_pci.ids=10de:2206"\n' >"$W/in"
case_ assigned-twice GRUB_CMDLINE_LINUX_DEFAULT "b vfio-pci.ids=$VFIO_IDS intel_iommu=on iommu=pt" $ADD

printf 'GRUB_TIMEOUT=5\nGRUB_CMDLINE_LINUX="rhgb quiet"' >"$W/in"
case_ absent-no-final-newline GRUB_CMDLINE_LINUX_DEFAULT "intel_iommu=on iommu=pt vfio-pci.ids=$VFIO_IDS" $ADD

printf 'GRUB_CMDLINE_LINUX="rhgb quiet"\n' >"$W/in"
case_ linux-option GRUB_CMDLINE_LINUX "rhgb quiet intel_iommu=on iommu=pt vfio-pci.ids=$VFIO_IDS" --linux $ADD

printf 'GRUB_CMDLINE_LINUX_DEFAULT="quiet"\n' >"$W/in"
case_ kernel-quoted-blank GRUB_CMDLINE_LINUX_DEFAULT 'quiet acpi_osi="Windows 2015"' --add 'acpi_osi="Windows 2015"'

printf 'GRUB_DISTRIBUTOR=`lsb_release -i -s 2> /dev/null || echo Debian`\nGRUB_CMDLINE_LINUX_DEFAULT="$(echo x y) quiet"\nfor f in /nonexistent/*.cfg ; do if [ -e "$f" ]; then . "$f"; fi; done\n' >"$W/in"
case_ substitutions-and-loop GRUB_CMDLINE_LINUX_DEFAULT "x y quiet intel_iommu=on iommu=pt vfio-pci.ids=$VFIO_IDS" $ADD

# Unparsable: refused, with the line.
printf 'GRUB_TIMEOUT=5\nGRUB_CMDLINE_LINUX_DEFAULT="quiet\n' >"$W/in"
if "$T" grub $ADD "$W/in" >"$W/out" 2>"$W/err"; then
	fail "unbalanced quote: accepted"
elif ! grep -q 'line 2: unterminated double quote' "$W/err" || [ -s "$W/out" ]; then
	fail "unbalanced quote: $(cat "$W/err")"
else
	pass "unbalanced quote refused: $(cat "$W/err")"
fi
finish
