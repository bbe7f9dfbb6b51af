#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# run.sh BUILDDIR SRCDIR VFIOKIT: libvfiokit as another program sees it.
#   1. `meson install` into a scratch DESTDIR: the header, libvfiokit.so and vfiokit.pc land
#   2. examples/list-groups.c is built with only `pkg-config --cflags --libs vfiokit`
#   3. run on a fixture machine, its output must match tests/api/list-groups.expected, and
#      its verdicts must match `vfiokit check --json` on the same root
#   4. the exported symbols are exactly the functions the public header declares
set -eu
build=$1
src=$2
vfiokit=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

meson install -C "$build" --no-rebuild --quiet --destdir "$work/dest" >"$work/install.log" 2>&1 || {
	cat "$work/install.log"
	exit 1
}
pc=$(find "$work/dest" -name vfiokit.pc | head -n1)
[ -n "$pc" ] || { echo "api: vfiokit.pc was not installed"; exit 1; }
hdr=$(find "$work/dest" -path '*/include/vfiokit/vfiokit.h' | head -n1)
[ -n "$hdr" ] || { echo "api: vfiokit/vfiokit.h was not installed"; exit 1; }

export PKG_CONFIG_PATH="$(dirname "$pc")"
export PKG_CONFIG_SYSROOT_DIR="$work/dest"
# shellcheck disable=SC2046
cc -std=c11 -Wall -Wextra -Werror -o "$work/list-groups" "$src/examples/list-groups.c" \
	$(pkg-config --cflags --libs vfiokit)
libdir=$(dirname "$(find "$work/dest" -name 'libvfiokit.so.0' | head -n1)")

"$vfiokit" import "$src/tests/fixtures/machines/guide-intel-gtx960.machine" --to "$work/root" >/dev/null
LD_LIBRARY_PATH="$libdir" "$work/list-groups" "$work/root" >"$work/out" 2>"$work/err" || {
	echo "api: list-groups failed:"; cat "$work/err"; exit 1
}
if [ -n "${VK_TEST_REGENERATE:-}" ]; then
	cp "$work/out" "$src/tests/api/list-groups.expected"
fi
diff -u "$src/tests/api/list-groups.expected" "$work/out"

# The library's findings are the tool's findings.
"$vfiokit" --root "$work/root" check --json >"$work/check.json" || true
python3 - "$work/check.json" "$work/out" <<'PY'
import json, sys
tool = {f["id"]: f["status"] for f in json.load(open(sys.argv[1]))["checks"]}
lib = {}
for line in open(sys.argv[2]):
    parts = line.split()
    if len(parts) >= 2 and parts[0] in ("pass", "warn", "fail", "skip") and parts[1].endswith(":"):
        lib[parts[1][:-1]] = parts[0]
if tool != lib:
    sys.exit("api: library and tool disagree:\n tool %s\n lib  %s" % (tool, lib))
PY

# ABI: exported symbols == functions declared in the header, and nothing else.
nm -D --defined-only "$libdir/libvfiokit.so.0" | awk '$2 == "T" { sub(/@.*/, "", $3); print $3 }' | sort >"$work/exported"
sed -n 's/^[a-z].*[ *]\(vk_[a-z_]*\)(.*/\1/p' "$hdr" | sort -u >"$work/declared"
diff -u "$work/declared" "$work/exported" || { echo "api: exported symbols differ from the header"; exit 1; }
echo "api: $(wc -l <"$work/exported") symbols, example output and verdicts match"
