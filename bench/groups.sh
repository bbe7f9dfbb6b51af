#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# bench/groups.sh [VFIOKIT]: `vfiokit groups` against `lspci -nnk` and the classic shell loop
# (one lspci per device) on synthetic roots of 1,000 and 10,000 PCI functions. Prints the
# median wall time of each and its peak RSS. Target: vfiokit no slower than lspci -nnk at
# both sizes, and under 10 MB of RSS.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
exe=${1:-$here/../build/src/cli/vfiokit}
exe=$(cd "$(dirname "$exe")" && pwd)/$(basename "$exe")
runs=${BENCH_RUNS:-7}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

# median of the numbers on stdin
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# time_runs NAME CMD...: median seconds and peak RSS (KiB) over $runs runs
time_runs() {
	name=$1
	shift
	: >"$work/t"
	: >"$work/m"
	i=0
	while [ $i -lt "$runs" ]; do
		/usr/bin/time -f '%e %M' -o "$work/one" "$@" >/dev/null 2>&1 || true
		read -r s kb <"$work/one"
		echo "$s" >>"$work/t"
		echo "$kb" >>"$work/m"
		i=$((i + 1))
	done
	printf '%-28s %10.3f s %10d KiB\n' "$name" "$(median <"$work/t")" "$(sort -n "$work/m" | tail -1)"
}

# The loop from the guide (and the ArchWiki), pointed at the root; stops after $2 devices.
classic_loop() {
	loop_root=$1
	loop_limit=$2
	loop_count=0
	for d in "$loop_root"/sys/kernel/iommu_groups/*/devices/*; do
		[ "$loop_count" -lt "$loop_limit" ] || break
		g=${d#*/iommu_groups/}
		g=${g%%/*}
		printf 'IOMMU Group %s ' "$g"
		lspci -A linux-sysfs -O "sysfs.path=$loop_root/sys/bus/pci" -nns "${d##*/}" 2>/dev/null
		loop_count=$((loop_count + 1))
	done
}

for n in 1000 10000; do
	root="$work/root-$n"
	"$here/mkroot.sh" "$exe" "$n" "$root"
	echo "== $n PCI functions (median of $runs runs; peak RSS)"
	time_runs "vfiokit groups" "$exe" --root "$root" groups
	time_runs "vfiokit groups --json" "$exe" --root "$root" groups --json
	time_runs "lspci -nnk" lspci -A linux-sysfs -O "sysfs.path=$root/sys/bus/pci" -nnk
	# The classic loop runs lspci once per device: quadratic. It is timed once, on 200
	# devices, and scaled to all of them (each lspci call reads the whole tree).
	start=$(date +%s.%N)
	classic_loop "$root" 200 >/dev/null
	end=$(date +%s.%N)
	printf '%-28s %10.1f s (200 devices timed, scaled to %d)\n' "classic shell loop" \
		"$(echo "$start $end $n" | awk '{ print ($2 - $1) * $3 / 200 }')" "$n"
done
