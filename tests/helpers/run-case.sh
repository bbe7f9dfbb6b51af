#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# run-case.sh VFIOKIT CASEDIR: run one golden CLI case.
#
# A case directory holds:
#   cmd              the arguments, one command per line (usually one line); @ROOT@ is
#                    the case's root, @CASE@ the case directory, @FIXTURES@ tests/fixtures
#   fixture          optional: the machine (tests/fixtures/machines/NAME.machine) expanded
#                    into @ROOT@ with 'vfiokit import' before the run; several names
#                    (separated by spaces) are merged into one root, in that order
#   snapshot         optional: a real kernel's snapshot (tests/fixtures/snapshots/NAME.tar.xz,
#                    written by tests/realkernel/run --save-snapshots) unpacked into @ROOT@
#   modules          optional: a module spec (tests/fixtures/modules/NAME.spec) built into
#                    @ROOT@/lib/modules/<the fixture's kernel> with the real depmod
#   expected.stdout  what the last command prints (absent: must print nothing)
#   expected.stderr  optional; absent means stderr must be empty
#   expected.rc      optional; absent means exit status 0
#   expected-root/   optional: files that must exist in @ROOT@ afterwards, byte for byte
#   images           optional: disk images from $VK_TEST_IMAGES (tests/helpers/make-images.sh)
#                    copied into the root, one "NAME [PATH]" a line (default PATH /images/NAME);
#                    a case whose image could not be made (tool missing) is skipped (77)
# VK_TEST_REGENERATE=1 rewrites the expected files instead of comparing (review the diff!).
set -eu
exe=$1
case_dir=$2
fixtures=$(cd "$(dirname "$0")/../fixtures" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

root="$work/root"
if [ -f "$case_dir/fixture" ]; then
	machines=
	for m in $(cat "$case_dir/fixture"); do
		machines="$machines $fixtures/machines/$m.machine"
	done
	# shellcheck disable=SC2086
	"$exe" import $machines --to "$root" 2>"$work/import.err" || {
		echo "run-case: cannot expand fixture$machines:"
		cat "$work/import.err"
		exit 1
	}
else
	mkdir "$root"
fi
if [ -f "$case_dir/snapshot" ]; then
	mkdir -p "$root"
	tar -xJf "$fixtures/snapshots/$(cat "$case_dir/snapshot").tar.xz" -C "$root"
fi
if [ -f "$case_dir/modules" ]; then
	release=$(cat "$root/proc/sys/kernel/osrelease")
	sh "$(dirname "$0")/mkmodules.sh" "$root" "$release" "$fixtures/modules/$(cat "$case_dir/modules").spec"
fi

if [ -f "$case_dir/images" ]; then
	while read -r name dest || [ -n "$name" ]; do
		[ -n "$name" ] || continue
		src="${VK_TEST_IMAGES:-}/$name"
		if [ -z "${VK_TEST_IMAGES:-}" ] || [ ! -f "$src" ]; then
			echo "run-case: image $name was not made (a tool is missing): skipping"
			exit 77
		fi
		dest="$root${dest:-/images/$name}"
		mkdir -p "$(dirname "$dest")"
		cp --sparse=always "$src" "$dest"
	done <"$case_dir/images"
fi

subst() {
	sed -e "s|@ROOT@|$root|g" -e "s|@CASE@|$case_dir|g" -e "s|@FIXTURES@|$fixtures|g"
}
rc=0
: >"$work/out"
: >"$work/err"
# Each line of cmd is one invocation; the outputs of all of them are compared.
while IFS= read -r line || [ -n "$line" ]; do
	[ -n "$line" ] || continue
	args=$(printf '%s\n' "$line" | subst)
	rc=0
	# shellcheck disable=SC2086
	eval "set -- $args"
	VK_TEST_ROOT="$root" LC_ALL=C NO_COLOR=1 COLUMNS=400 "$exe" "$@" >>"$work/out" 2>>"$work/err" </dev/null || rc=$?
done <"$case_dir/cmd"
sed -i -e "s|$root|@ROOT@|g" -e "s|$fixtures|@FIXTURES@|g" "$work/out" "$work/err"

if [ "${VK_TEST_REGENERATE:-0}" = 1 ]; then
	cp "$work/out" "$case_dir/expected.stdout"
	if [ -s "$work/err" ]; then cp "$work/err" "$case_dir/expected.stderr"; else rm -f "$case_dir/expected.stderr"; fi
	if [ "$rc" != 0 ]; then echo "$rc" >"$case_dir/expected.rc"; else rm -f "$case_dir/expected.rc"; fi
	exit 0
fi

fail=0
diff -u "$case_dir/expected.stdout" "$work/out" || fail=1
if [ -f "$case_dir/expected.stderr" ]; then
	diff -u "$case_dir/expected.stderr" "$work/err" || fail=1
elif [ -s "$work/err" ]; then
	echo "unexpected stderr:"
	cat "$work/err"
	fail=1
fi
want=$(cat "$case_dir/expected.rc" 2>/dev/null || echo 0)
if [ "$want" != "$rc" ]; then
	echo "exit status $rc, expected $want"
	fail=1
fi
if [ -d "$case_dir/expected-root" ]; then
	(cd "$case_dir/expected-root" && find . -type f) | while IFS= read -r f; do
		cmp -s "$case_dir/expected-root/$f" "$root/$f" || {
			echo "file $f differs:"
			diff -u "$case_dir/expected-root/$f" "$root/$f" || true
			exit 1
		}
	done || fail=1
fi
exit $fail
