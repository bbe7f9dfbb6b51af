#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# mkmodules.sh ROOT RELEASE SPEC: builds /lib/modules/RELEASE in ROOT from SPEC (see
# tests/fixtures/modules/*.spec): one fake .ko per line, an object file whose .modinfo section
# carries the module's name, aliases and dependencies, then the real `depmod -b` indexes them,
# so libkmod and modprobe read real modules.dep.bin / modules.alias.bin files.
set -eu
root=$1
release=$2
spec=$3
cc=${CC:-cc}
command -v depmod >/dev/null || PATH=$PATH:/usr/sbin:/sbin
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
major=$(echo "$release" | cut -d. -f1)
minor=$(echo "$release" | cut -d. -f2 | sed 's/[^0-9].*//')
version=$((major * 100 + minor))
ver() { echo "$1" | awk -F. '{ print $1 * 100 + $2 }'; }

dir="$root/lib/modules/$release"
mkdir -p "$dir"
echo 'int vfiokit_fake_module;' >"$work/empty.c"
"$cc" -c "$work/empty.c" -o "$work/empty.o"
: >"$dir/modules.builtin"
: >"$dir/modules.order"
while read -r path rest; do
	case "$path" in '' | '#'*) continue ;; esac
	name=$(basename "$path" .ko | tr - _)
	info="name=$name"
	deps=
	builtin=no
	skip=no
	for word in $rest; do
		case "$word" in
		alias=*) info="$info
${word}" ;;
		depends=*) deps=${word#depends=} ;;
		min=*) [ "$version" -ge "$(ver "${word#min=}")" ] || skip=yes ;;
		max=*) [ "$version" -le "$(ver "${word#max=}")" ] || skip=yes ;;
		builtin) builtin=yes ;;
		esac
	done
	[ "$skip" = no ] || continue
	if [ "$builtin" = yes ]; then
		echo "$path" >>"$dir/modules.builtin"
		continue
	fi
	# .modinfo is a run of NUL-terminated key=value strings
	printf '%s\nlicense=GPL\ndepends=%s\n' "$info" "$deps" | tr '\n' '\0' >"$work/modinfo"
	mkdir -p "$(dirname "$dir/$path")"
	objcopy --add-section .modinfo="$work/modinfo" --set-section-flags .modinfo=alloc,readonly \
		"$work/empty.o" "$dir/$path"
	echo "$path" >>"$dir/modules.order"
done <"$spec"
depmod -b "$root" "$release" 2>/dev/null
