#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# vm-realworld.sh VFIOKIT REALWORLD GOLDENS: 'vm finalize' and 'vm patch' on every domain
# in REALWORLD/domains (domains people published; vfiokit made none of them). For each:
#  - finalize, patch --hide-hypervisor and patch --no-hide-hypervisor each succeed, and a
#    second run on their output changes nothing (byte for byte, "nothing to change");
#  - only the intended elements change: the canonical XML diff (xmllint --c14n, comments
#    kept) of input and output matches GOLDENS/<name>.<edit>.diff (reviewed by hand;
#    VK_TEST_REGENERATE=1 rewrites them), and is checked by rule too: finalize only
#    removes lines, which belong to display, video, console, serial, input, SPICE and
#    audio elements; patch touches only <features>, <hyperv>, <vendor_id>, <kvm>, <hidden>;
#  - the output validates (virt-xml-validate) where the input did; where the input did
#    not (written for a newer libvirt than this one), the output has no new errors;
#  - where libvirt's QEMU driver (in-process, qemu:///embed) defines the input (type
#    switched to qemu, as there is no KVM here), it defines the outputs too.
# Skips (exit 77) when REALWORLD/domains is absent, e.g. in a clone outside the workspace.
set -eu
exe=$1
rw=$2
goldens=$3
[ -d "$rw/domains" ] || { echo "no $rw/domains: skipping"; exit 77; }
command -v xmllint >/dev/null 2>&1 || { echo "no xmllint: skipping"; exit 77; }
have_validate=false
command -v virt-xml-validate >/dev/null 2>&1 && have_validate=true
have_virsh=false
command -v virsh >/dev/null 2>&1 && command -v qemu-system-x86_64 >/dev/null 2>&1 && have_virsh=true
[ -d /usr/lib/x86_64-linux-gnu/qemu ] && export QEMU_MODULE_DIR=/usr/lib/x86_64-linux-gnu/qemu

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
mkdir -p "$work/embed/etc"
printf 'namespaces = [ ]\ncgroup_controllers = [ ]\n' >"$work/embed/etc/qemu.conf"
uri="qemu:///embed?root=$work/embed"
fail=0
checks=0

bad() {
	echo "FAIL $*"
	fail=1
}

# Relax-NG complaints without file names and line numbers, sorted.
schema_errors() {
	virt-xml-validate "$1" domain 2>&1 | grep -v "validates$\|fails to validate$" |
		sed -e 's|^[^:]*:[0-9]*: ||' | sort -u
}

defines() { # FILE: 0 if libvirt's QEMU driver takes it
	sed -e "0,/<domain /s/\\(<domain[^>]*\\)type=['\"]kvm['\"]/\\1type='qemu'/" "$1" >"$work/def.xml"
	dname=$(xmllint --xpath "string(/domain/name)" "$work/def.xml")
	virsh -q -c "$uri" undefine --domain "$dname" --nvram >/dev/null 2>&1 || true
	virsh -q -c "$uri" define "$work/def.xml" >"$work/define.out" 2>&1 || return 1
	virsh -q -c "$uri" undefine --domain "$dname" --nvram >/dev/null 2>&1 ||
		virsh -q -c "$uri" undefine --domain "$dname" >/dev/null 2>&1 || true
}

for f in "$rw"/domains/*.xml; do
	name=$(basename "$f" .xml)
	xmllint --c14n "$f" >"$work/in.c14n"
	in_defines=false
	$have_virsh && defines "$f" && in_defines=true
	for edit in finalize hide unhide; do
		case $edit in
		finalize) args="finalize" ;;
		hide) args="patch --hide-hypervisor" ;;
		unhide) args="patch --no-hide-hypervisor" ;;
		esac
		out="$work/$name.$edit.xml"
		# shellcheck disable=SC2086
		if ! LC_ALL=C "$exe" vm $args --xml "$f" -o "$out" 2>"$work/err"; then
			bad "$name $edit: vfiokit failed:"
			cat "$work/err"
			continue
		fi
		# Idempotent: a second run is a no-op.
		checks=$((checks + 1))
		# shellcheck disable=SC2086
		LC_ALL=C "$exe" vm $args --xml "$out" -o "$out.2" 2>"$work/err2" || bad "$name $edit: the second run failed"
		cmp -s "$out" "$out.2" || bad "$name $edit: the second run changed the document"
		grep -q "nothing to change" "$work/err2" || bad "$name $edit: the second run reported changes: $(cat "$work/err2")"

		# Only the intended elements changed.
		checks=$((checks + 1))
		xmllint --c14n "$out" >"$work/out.c14n"
		diff -u --label "$name.xml" --label "$name.$edit.xml" "$work/in.c14n" "$work/out.c14n" >"$work/diff" || true
		if [ "${VK_TEST_REGENERATE:-0}" = 1 ]; then
			cp "$work/diff" "$goldens/$name.$edit.diff"
		elif ! diff -u "$goldens/$name.$edit.diff" "$work/diff"; then
			bad "$name $edit: the canonical diff differs from $goldens/$name.$edit.diff"
		fi
		grep '^[-+][^-+]' "$work/diff" >"$work/changed" || true
		case $edit in
		finalize)
			# Removed lines only, each inside an element finalize removes.
			grep -q '^+' "$work/changed" && bad "$name finalize: added lines"
			awk '
				/^-[ \t]*<(graphics|video|console|serial|input|channel|redirdev|audio|smartcard)[ >\/]/ {
					depth = $0 !~ /<\/(graphics|video|console|serial|input|channel|redirdev|audio|smartcard)>/
					next
				}
				depth && /^-/ { if ($0 ~ /^-[ \t]*<\/(graphics|video|console|serial|input|channel|redirdev|audio|smartcard)>/) depth = 0; next }
				{ print "unexpected: " $0; bad = 1 }
				END { exit bad }' "$work/changed" || bad "$name finalize: lines outside the removed elements changed"
			;;
		*)
			if grep -v '^[-+][ \t]*</\?\(features\|hyperv\|vendor_id\|kvm\|hidden\)[ >/]' "$work/changed"; then
				bad "$name $edit: lines outside <features>/<hyperv>/<kvm> changed"
			fi
			;;
		esac

		# The schema agrees as much as it did on the input.
		if $have_validate; then
			checks=$((checks + 1))
			schema_errors "$f" >"$work/in.errors"
			schema_errors "$out" >"$work/out.errors"
			new=$(comm -13 "$work/in.errors" "$work/out.errors")
			[ -z "$new" ] || bad "$name $edit: new schema errors: $new"
		fi
		# So does libvirt's QEMU driver.
		if $in_defines; then
			checks=$((checks + 1))
			defines "$out" || { bad "$name $edit: libvirt no longer defines it:"; cat "$work/define.out"; }
		fi
	done
	[ $fail = 1 ] || echo "ok $name$($in_defines && echo ' (defined by libvirt)')"
done
echo "$checks checks"
exit $fail
