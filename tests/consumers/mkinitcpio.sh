#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# mkinitcpio.sh EDIT_TOOL: mkinitcpio.conf (and the vfiokit drop-in) edited, then sourced by
# bash as mkinitcpio does; MODULES must come out in the intended order.
set -eu
T=$1
. "$(dirname "$0")/lib.sh"
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT INT TERM
SHOW='set -f; source "$1"; for x in "${@:2}"; do source "$x"; done; printf "%s " ${MODULES[@]}'

# case NAME WANT [options] : edits $W/in, checks MODULES, and the undo when nothing moved.
case_() {
	name=$1 want=$2
	shift 2
	if ! "$T" mkinitcpio --report "$W/rep" "$@" "$W/in" >"$W/out" 2>"$W/err"; then
		fail "$name: editor refused: $(cat "$W/err")"
		return
	fi
	got=$(bash -c "$SHOW" bash "$W/out") || { fail "$name: bash cannot source the result"; return; }
	if [ "$got" != "$want" ]; then
		fail "$name: bash gives MODULES=($got), wanted ($want)"
		return
	fi
	if ! grep -q '^\(moved\|removed\)' "$W/rep"; then
		set --
		sed -n 's/^added\t//p' "$W/rep" >"$W/added"
		while IFS= read -r a; do set -- "$@" --remove-module "$a"; done <"$W/added"
		"$T" mkinitcpio "$@" "$W/out" >"$W/undo"
		cmp -s "$W/in" "$W/undo" || { fail "$name: undo differs"; return; }
	fi
	pass "$name: bash: MODULES=($got)"
}

K="--kernel 6.12.1-arch1-1"
printf 'MODULES=()\nHOOKS=(base udev autodetect microcode modconf kms block filesystems fsck)\n' >"$W/in"
case_ array-empty "vfio_pci vfio vfio_iommu_type1 " $K
printf 'MODULES=(amdgpu iwlmvm vfio_pci vfio vfio_iommu_type1)\n' >"$W/in"
case_ array-gpu-first "vfio_pci vfio vfio_iommu_type1 amdgpu iwlmvm " $K
printf 'MODULES=(\n  usbhid  # keyboard\n  nvidia nvidia_drm\n)\n' >"$W/in"
case_ array-multiline "usbhid vfio_pci vfio vfio_iommu_type1 nvidia nvidia_drm " $K
printf 'MODULES="i915"\nHOOKS="base udev modconf"\n' >"$W/in"
case_ string-syntax "vfio_pci vfio vfio_iommu_type1 i915 " $K
printf 'MODULES=(vfio_pci vfio vfio_iommu_type1 vfio_virqfd amdgpu)\n' >"$W/in"
case_ virqfd-on-6.12 "vfio_pci vfio vfio_iommu_type1 amdgpu " $K
printf 'MODULES=(amdgpu)\n' >"$W/in"
case_ virqfd-on-6.1 "vfio_pci vfio vfio_iommu_type1 vfio_virqfd amdgpu " --kernel 6.1.0-18-amd64
printf 'HOOKS=(base udev modconf block)' >"$W/in"
case_ absent "vfio_pci vfio vfio_iommu_type1 " $K

# The drop-in, sourced after the main file, for both syntaxes.
for main in 'MODULES=(amdgpu usbhid)' 'MODULES="amdgpu usbhid"' 'HOOKS=(base)'; do
	printf '%s\n' "$main" >"$W/main"
	"$T" mkinitcpio-dropin $K --main "$W/main" >"$W/vfiokit.conf"
	got=$(bash -c "$SHOW" bash "$W/main" "$W/vfiokit.conf")
	want="vfio_pci vfio vfio_iommu_type1 "
	case $main in MODULES*) want="${want}amdgpu usbhid " ;; esac
	if [ "$got" = "$want" ]; then pass "drop-in after '$main': bash: MODULES=($got)"; else fail "drop-in after '$main': MODULES=($got)"; fi
done

# modconf: reported and added.
printf 'HOOKS=(base udev autodetect microcode kms block filesystems)\n' >"$W/in"
"$T" mkinitcpio-hook --hook modconf "$W/in" >"$W/out"
got=$(bash -c 'source "$1"; echo "${HOOKS[@]}"' bash "$W/out")
if [ "$got" = "base udev autodetect microcode modconf kms block filesystems" ] && [ "$("$T" mkinitcpio-has-hook "$W/in")" = no ]; then
	pass "modconf added: HOOKS=($got)"
else
	fail "modconf: HOOKS=($got)"
fi

printf 'MODULES=(vfio amdgpu\nHOOKS=(base)\n' >"$W/in"
if "$T" mkinitcpio $K "$W/in" >"$W/out" 2>"$W/err" || ! grep -q 'line 1: unterminated array' "$W/err"; then
	fail "unterminated array: $(cat "$W/err")"
else
	pass "unterminated array refused: $(cat "$W/err")"
fi
finish
