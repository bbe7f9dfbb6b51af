# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=bash disable=SC2016
# (SC2016: the single-quoted $names below are jq variables, not shell ones.)
#
# Host-side assertions on one scenario's results. The runner sets:
#   R        the scenario's result share (what the guest wrote to $VK_OUT; see guest.sh)
#   VFIOKIT  the vfiokit binary (the same file the guest ran)
# and collects RK_FAILS / RK_SKIPS after the scenario's host_check. Every message names
# the device, group or command it is about, so a FAIL line alone says what broke.

RK_FAILS=()
RK_SKIPS=()
declare -A RK_MISSING=() # commands already reported as never run

fail() { RK_FAILS+=("$*"); }
skip() { RK_SKIPS+=("$*"); }

# ---- vfiokit runs recorded by the guest's `vk NAME ARGS...` ----------------------------------

cmd_desc() {
	local -a argv=()
	[[ -f $R/cmd/$1.argv ]] && mapfile -t argv <"$R/cmd/$1.argv"
	echo "vfiokit ${argv[*]}"
}

cmd_ran() { [[ -f $R/cmd/$1.rc ]]; }
cmd_rc() { cat "$R/cmd/$1.rc"; }
cmd_out() { echo "$R/cmd/$1.out"; }
cmd_stderr_line() { head -n 1 "$R/cmd/$1.err" 2>/dev/null; }
# " (stderr: FIRST LINE)", or nothing when stderr was empty.
cmd_stderr_note() {
	local line
	line=$(cmd_stderr_line "$1")
	[[ -z $line ]] || printf ' (stderr: %s)' "$line"
}

_rc_text() {
	local rc=$1
	if ((rc > 128)); then
		echo "was killed by SIG$(kill -l $((rc - 128)) 2>/dev/null || echo $((rc - 128)))"
	else
		echo "exited $rc"
	fi
}

# A command that did not run or crashed is reported once (here, or by check_no_crash),
# so callers just do `require_cmd NAME || return 0`.
require_cmd() {
	if ! cmd_ran "$1"; then
		[[ -n ${RK_MISSING[$1]+x} ]] ||
			fail "the guest never ran the '$1' command (see guest.errors / console.log)"
		RK_MISSING[$1]=1
		return 1
	fi
	(($(cmd_rc "$1") <= 128))
}

# A crash is never an expected outcome, whatever a scenario asserts about the command.
check_no_crash() {
	local f name rc
	for f in "$R"/cmd/*.rc; do
		[[ -e $f ]] || continue
		name=${f##*/}
		name=${name%.rc}
		rc=$(<"$f")
		((rc > 128)) && fail "$(cmd_desc "$name") $(_rc_text "$rc")$(cmd_stderr_note "$name")"
	done
	return 0
}

expect_rc() {
	local name=$1 want=$2 rc
	require_cmd "$name" || return 0
	rc=$(cmd_rc "$name")
	[[ $rc == "$want" ]] && return 0
	fail "$(cmd_desc "$name") $(_rc_text "$rc"), expected exit $want$(cmd_stderr_note "$name")"
}

# expect_stderr NAME ERE WHAT: stderr must match ERE; WHAT says what it should mention.
expect_stderr() {
	local name=$1 re=$2 what=$3
	require_cmd "$name" || return 0
	grep -Eq -- "$re" "$R/cmd/$name.err" && return 0
	fail "$(cmd_desc "$name"): stderr should mention $what, but says: '$(cmd_stderr_line "$name")'"
}

expect_stderr_not() {
	local name=$1 re=$2 what=$3
	require_cmd "$name" || return 0
	grep -Eq -- "$re" "$R/cmd/$name.err" || return 0
	fail "$(cmd_desc "$name"): stderr should not mention $what, but says: '$(cmd_stderr_line "$name")'"
}

expect_stderr_lines() {
	local name=$1 want=$2 n
	require_cmd "$name" || return 0
	n=$(wc -l <"$R/cmd/$name.err")
	((n == want)) || fail "$(cmd_desc "$name"): expected $want line(s) on stderr, got $n: '$(cmd_stderr_line "$name")'"
}

# expect_json NAME FILTER WHAT [jq --arg pairs...]: `jq -e FILTER` must hold on stdout.
expect_json() {
	local name=$1 filter=$2 what=$3
	shift 3
	require_cmd "$name" || return 0
	jq -e "$@" "$filter" "$(cmd_out "$name")" >/dev/null 2>&1 && return 0
	fail "$(cmd_desc "$name"): expected $what"
}

# expect_check ID STATUS [ERE]: `vfiokit check --json` reports check ID with STATUS, and its
# message matches ERE when given. IDs may use $GPU-style full addresses.
expect_check() {
	local id=$1 want=$2 re=${3:-} got msg
	require_cmd check || return 0
	got=$(jq -r --arg id "$id" '.checks[] | select(.id == $id) | .status' "$(cmd_out check)" 2>/dev/null)
	msg=$(jq -r --arg id "$id" '.checks[] | select(.id == $id) | .message' "$(cmd_out check)" 2>/dev/null)
	if [[ -z $got ]]; then
		fail "vfiokit check reports no $id"
		return 0
	fi
	[[ $got == "$want" ]] || fail "vfiokit check: $id is $got ($msg), expected $want"
	[[ -z $re ]] || [[ $msg =~ $re ]] || fail "vfiokit check: $id says '$msg', which should match /$re/"
}

# expect_check_fact ID JQ-PATH VALUE: a fact the check decided from.
expect_check_fact() {
	local id=$1 path=$2 want=$3 got
	require_cmd check || return 0
	got=$(jq -r --arg id "$id" ".checks[] | select(.id == \$id) | .facts$path" "$(cmd_out check)" 2>/dev/null)
	[[ $got == "$want" ]] || fail "vfiokit check: $id fact $path is '$got', expected '$want'"
}

# The first differing lines of two files, on one line: "< old | > new".
_diff_brief() {
	diff "$1" "$2" | grep '^[<>]' | head -n 4 | tr -s ' \t' ' ' | paste -sd '|' | sed 's/|/ | /g'
}

# ---- the kernel's view (the guest's plain-shell walk of sysfs) ------------------------------

# The guest reads sysfs before and after vfiokit (ref/, ref-after/). If they differ,
# vfiokit may have seen another machine than the one it is compared with (a driver still
# probing), and a mismatch would say nothing about vfiokit.
check_reference_stable() {
	local f
	[[ -d $R/ref-after ]] || return 0
	for f in devices.tsv groups.tsv; do
		cmp -s "$R/ref/$f" "$R/ref-after/$f" ||
			fail "sysfs changed while vfiokit ran ($f): $(_diff_brief "$R/ref/$f" "$R/ref-after/$f")"
	done
	return 0
}

# fact KEY: a value from ref/facts (kernel, cmdline, acpi_dmar, iommu_units, ...).
fact() {
	sed -n "s/^$1=//p" "$R/ref/facts" 2>/dev/null | head -n 1
}

expect_fact() {
	local key=$1 want=$2 got
	got=$(fact "$key")
	[[ $got == "$want" ]] || fail "kernel fact $key is '$got', expected '$want'"
}

expect_fact_match() {
	local key=$1 re=$2 got
	got=$(fact "$key")
	[[ $got =~ $re ]] || fail "kernel fact $key is '$got', expected it to match /$re/"
}

# ref_get ADDR COLUMN: one column of ref/devices.tsv (1 group, 3 vendor, 4 device, 5 class,
# 6 driver, 7 boot_vga, 8 driver_override); empty if the kernel has no such device.
ref_get() {
	awk -F'\t' -v a="$1" -v c="$2" '$2 == a { print $c; exit }' "$R/ref/devices.tsv"
}
ref_group() { ref_get "$1" 1; }

# The layout a scenario's expectations are written for: fail loudly if QEMU placed a device
# elsewhere, instead of failing every expectation in a confusing way.
require_devices() {
	local a ok=0
	for a in "$@"; do
		if [[ -z $(ref_get "$a" 2) ]]; then
			fail "layout: the kernel has no PCI device $a (did the QEMU layout change?)"
			ok=1
		fi
	done
	return "$ok"
}

# ---- vfiokit's output against the reference -------------------------------------------------

# Rows compared field by field: group address vendor device class driver boot_vga driver_override.
RK_FIELDS=(group address vendor device class driver boot_vga driver_override)

_ref_rows() {
	awk -F'\t' 'BEGIN { OFS = "\t" } { if ($8 == "(null)" || $8 == "") $8 = "null"; print $1, $2, $3, $4, $5, $6, $7, $8 }' \
		"$R/ref/devices.tsv"
}

# jq: one device object -> the same row, plus the device's own iommu_group field (column 9).
RK_JQ_ROW='def row($g): [$g, .address, (.vendor // "null"), (.device // "null"), (.class // "null"),
	(.driver // "null"), (if .boot_vga == null then "null" elif .boot_vga then "1" else "0" end),
	(.driver_override // "null"), (.iommu_group // "-" | tostring)] | @tsv;'

_group_label() { [[ $1 == - ]] && echo "the ungrouped list" || echo "group $1"; }

# Rows are read with IFS set to the unit separator (\037), not tab: a whitespace IFS
# character collapses empty fields and would shift the columns.
_us_rows() { tr '\t' '\037' <"$1"; }

# _compare_rows LABEL REFROWS VKROWS: the device-by-device comparison behind the checks below.
_compare_rows() {
	local label=$1 ref=$2 vk=$3 a i g rest
	local -A kg=() kr=() vg=() vr=()
	local -a kf vf
	while IFS=$'\037' read -r g a rest; do
		kg[$a]=$g
		kr[$a]="$g"$'\037'"$a"$'\037'"$rest"
	done < <(_us_rows "$ref")
	while IFS=$'\037' read -r g a rest; do
		if [[ -n ${vg[$a]+x} ]]; then
			fail "$label lists $a twice ($(_group_label "${vg[$a]}") and $(_group_label "$g"))"
			continue
		fi
		vg[$a]=$g
		vr[$a]="$g"$'\037'"$a"$'\037'"$rest"
	done < <(_us_rows "$vk")
	for a in $(printf '%s\n' "${!kg[@]}" | sort); do
		g=${kg[$a]}
		if [[ -z ${vg[$a]+x} ]]; then
			fail "$a missing from $label $(_group_label "$g")"
			continue
		fi
		if [[ ${vg[$a]} != "$g" ]]; then
			fail "$a missing from $label $(_group_label "$g") ($label lists it in $(_group_label "${vg[$a]}"))"
			continue
		fi
		IFS=$'\037' read -r -a kf <<<"${kr[$a]}"
		IFS=$'\037' read -r -a vf <<<"${vr[$a]}"
		for ((i = 2; i < ${#RK_FIELDS[@]}; i++)); do
			[[ ${vf[i]-} == "${kf[i]-}" ]] ||
				fail "$(_group_label "$g"): $label lists $a with ${RK_FIELDS[i]} ${vf[i]:-(empty)}, the kernel says ${kf[i]:-(empty)}"
		done
	done
	for a in $(printf '%s\n' "${!vg[@]}" | sort); do
		[[ -n ${kg[$a]+x} ]] ||
			fail "$label $(_group_label "${vg[$a]}") lists $a, which the kernel does not have"
	done
}

# check_groups_vs_reference [NAME]: `vfiokit groups --json` (cmd/NAME, default "groups")
# must list exactly the kernel's groups, each with exactly its member devices, and
# vendor/device/class/driver/boot_vga/driver_override as sysfs has them. With no groups it
# must say "not ready" (exit 3) in one line instead.
check_groups_vs_reference() {
	local name=${1:-groups} out rc ngroups tmp label
	require_cmd "$name" || return 0
	out=$(cmd_out "$name")
	rc=$(cmd_rc "$name")
	label="vfiokit"
	ngroups=$(wc -l <"$R/ref/groups.tsv")
	if ((ngroups == 0)); then
		[[ $rc == 3 ]] || fail "$(cmd_desc "$name") $(_rc_text "$rc"), expected exit 3: the kernel has no IOMMU groups"
		expect_stderr_lines "$name" 1
		return 0
	fi
	if [[ $rc != 0 ]]; then
		fail "$(cmd_desc "$name") $(_rc_text "$rc") but the kernel has $ngroups IOMMU groups$(cmd_stderr_note "$name")"
		return 0
	fi
	if ! jq -e '.version == 1 and (.groups | type) == "array"' "$out" >/dev/null 2>&1; then
		fail "$(cmd_desc "$name") did not print version-1 JSON with a groups array"
		return 0
	fi
	tmp=$(mktemp -d)
	jq -r "$RK_JQ_ROW"'(.groups[] | (.group | tostring) as $g | .devices[] | row($g)),
		(.ungrouped[]? | row("-"))' "$out" >"$tmp/vk9"
	# A device object's own iommu_group must agree with the group it is listed under.
	awk -F'\t' '$1 != $9 { print $1 "\t" $2 "\t" $9 }' "$tmp/vk9" | while IFS=$'\t' read -r g a own; do
		echo "$(_group_label "$g"): vfiokit's entry for $a says iommu_group $own"
	done >"$tmp/inconsistent"
	while IFS= read -r line; do fail "$line"; done <"$tmp/inconsistent"
	cut -f1-8 "$tmp/vk9" >"$tmp/vk"
	_ref_rows >"$tmp/ref"
	_compare_rows "$label" "$tmp/ref" "$tmp/vk"

	# The set of groups and their types, including groups with no PCI member.
	jq -r '.groups[] | [(.group | tostring), (.type // "null")] | @tsv' "$out" | sort -n >"$tmp/vktypes"
	local -A kt=() vt=()
	while IFS=$'\t' read -r g t; do kt[$g]=$t; done <"$R/ref/groups.tsv"
	while IFS=$'\t' read -r g t; do vt[$g]=$t; done <"$tmp/vktypes"
	for g in $(printf '%s\n' "${!kt[@]}" | sort -n); do
		if [[ -z ${vt[$g]+x} ]]; then
			fail "group $g missing from vfiokit output (the kernel has it, type ${kt[$g]})"
		elif [[ ${vt[$g]} != "${kt[$g]}" ]]; then
			fail "group $g: vfiokit says type ${vt[$g]}, the kernel says ${kt[$g]}"
		fi
	done
	for g in $(printf '%s\n' "${!vt[@]}" | sort -n); do
		[[ -n ${kt[$g]+x} ]] || fail "vfiokit reports group $g, which /sys/kernel/iommu_groups does not have"
	done
	rm -rf -- "$tmp"
}

# check_gpus_vs_reference [NAME]: `vfiokit gpus --json` (cmd/NAME, default "gpus") must list
# every display-class function of the kernel, each card with exactly the functions in its
# slot, each function as sysfs has it, the card's groups as the kernel's, and the boot VGA
# (boot_vga = 1) as host_gpu.
check_gpus_vs_reference() {
	local name=${1:-gpus} out rc tmp host boot a g gpu slot fns want ngroups
	require_cmd "$name" || return 0
	out=$(cmd_out "$name")
	rc=$(cmd_rc "$name")
	ngroups=$(wc -l <"$R/ref/groups.tsv")
	if ! jq -e '.version == 1 and (.gpus | type) == "array"' "$out" >/dev/null 2>&1; then
		fail "$(cmd_desc "$name") $(_rc_text "$rc") without version-1 JSON with a gpus array"
		return 0
	fi
	if ((ngroups > 0)) && [[ $rc != 0 ]]; then
		fail "$(cmd_desc "$name") $(_rc_text "$rc"), expected exit 0$(cmd_stderr_note "$name")"
	fi
	tmp=$(mktemp -d)
	_ref_rows >"$tmp/ref"

	# Each function of each card, compared like a groups row (group from its iommu_group).
	jq -r "$RK_JQ_ROW"'.gpus[] | ([.] + .functions)[] | row(.iommu_group // "-" | tostring)' "$out" | cut -f1-8 >"$tmp/vk"
	awk -F'\t' 'NR == FNR { want[$2] = 1; next } want[$2]' "$tmp/vk" "$tmp/ref" >"$tmp/ref-listed"
	_compare_rows "vfiokit gpus" "$tmp/ref-listed" "$tmp/vk"

	# Every display-class function is a card or a function of one.
	while IFS=$'\t' read -r g a _ _ cls _; do
		[[ $cls == 0x03* ]] || continue
		awk -F'\t' -v a="$a" '$2 == a { f = 1 } END { exit !f }' "$tmp/vk" || fail "display device $a (class $cls) missing from vfiokit gpus"
	done <"$tmp/ref"

	# A card's functions are exactly the functions in its slot; its groups are theirs.
	while IFS=$'\037' read -r gpu fns ngr bootflag; do
		slot=${gpu%.*}
		want=$(awk -F'\t' -v s="$slot" 'index($2, s ".") == 1 { print $2 }' "$tmp/ref" | sort | tr '\n' ' ')
		[[ $fns == "$want" ]] || fail "vfiokit gpus: card $gpu has functions ${fns% }, the kernel's slot $slot holds ${want% }"
		want=$(awk -F'\t' -v s="$slot" 'index($2, s ".") == 1 && $1 != "-" { print $1 }' "$tmp/ref" | sort -un | tr '\n' ' ')
		[[ $ngr == "$want" ]] || fail "vfiokit gpus: card $gpu is in groups ${ngr:-(none)}, the kernel's slot $slot is in ${want:-(none)}"
		boot=$([[ $(ref_get "$gpu" 7) == 1 ]] && echo true || echo false)
		[[ $bootflag == "$boot" ]] || fail "vfiokit gpus: card $gpu has boot=$bootflag, the kernel's boot_vga says $boot"
	done < <(jq -r '.gpus[] | [.address, ([.address] + [.functions[].address] | sort | join(" ") + " "),
		(.groups | sort | map(tostring) | join(" ") + (if length > 0 then " " else "" end)), (.boot | tostring)]
		| join("\u001f")' "$out")

	host=$(jq -r '.host_gpu // "null"' "$out")
	boot=$(awk -F'\t' '$7 == "1" { print $2; exit }' "$tmp/ref")
	[[ $host == "${boot:-null}" ]] || fail "vfiokit gpus says the host GPU is $host, the kernel's boot_vga says ${boot:-none}"
	rm -rf -- "$tmp"
}

# The checks every scenario wants: the guest ran, nothing crashed, both listings match sysfs.
check_standard() {
	check_groups_vs_reference groups
	check_gpus_vs_reference gpus
}

# ---- expectations a scenario states about its own layout ------------------------------------

# expect_same_group ADDR...: the kernel puts them in one group, and so does vfiokit.
expect_same_group() {
	local a first g
	require_devices "$@" || return 0
	first=$(ref_group "$1")
	for a in "$@"; do
		g=$(ref_group "$a")
		[[ $g == "$first" && $g != - ]] ||
			fail "layout: expected $* in one IOMMU group, the kernel puts $1 in $(_group_label "$first") and $a in $(_group_label "$g")"
	done
	cmd_ran groups && [[ $(cmd_rc groups) == 0 ]] || return 0
	for a in "$@"; do
		g=$(jq -r --arg a "$a" '[.groups[] | select(any(.devices[]; .address == $a)) | .group][0] // "-"' "$(cmd_out groups)")
		[[ $g == "$first" ]] || fail "vfiokit groups puts $a in $(_group_label "$g"), expected $(_group_label "$first") with $1"
	done
}

# expect_gpu_isolated GPU: nothing but the card in its group(s), and vfiokit agrees.
expect_gpu_isolated() {
	local gpu=$1
	require_devices "$gpu" || return 0
	expect_json gpus '.gpus[] | select(.address == $a) | .group_isolated == true and (.group_others | length) == 0' \
		"card $gpu reported isolated (group_isolated true, no group_others)" --arg a "$gpu"
}

# expect_gpu_shares_group GPU OTHER: OTHER (an endpoint of another slot) is in the card's
# group in the kernel's view, and vfiokit names it among the card's group_others.
expect_gpu_shares_group() {
	local gpu=$1 other=$2
	require_devices "$gpu" "$other" || return 0
	[[ $(ref_group "$gpu") == "$(ref_group "$other")" && $(ref_group "$gpu") != - ]] ||
		fail "layout: expected $other in the group of $gpu, the kernel puts them in $(_group_label "$(ref_group "$other")") and $(_group_label "$(ref_group "$gpu")")"
	expect_json gpus '.gpus[] | select(.address == $a) | .group_isolated == false and any(.group_others[]; . == $o)' \
		"card $gpu reported not isolated, with $other among its group_others" --arg a "$gpu" --arg o "$other"
}

expect_host_gpu() {
	expect_json gpus '.host_gpu == $a' "host_gpu $1" --arg a "$1"
}

expect_group_verdict() {
	local addr=$1 verdict=$2
	expect_json groups '.groups[] | select(any(.devices[]; .address == $a)) | .verdict == $v' \
		"the group of $addr to have verdict '$verdict'" --arg a "$addr" --arg v "$verdict"
}

# ---- HOOK: snapshot round trip (host half) ---------------------------------------------------
# Once the guest took a snapshot (guest_snapshot_hook), replay each live command recorded
# in cmd/ with --root <unpacked snapshot> on the host: stdout and exit status must be
# identical to the live run's.
check_snapshot_roundtrip() {
	local tmp name rc
	if [[ -f $R/snapshot.skip ]]; then
		skip "$(sed -n '1s/^SKIP //p' "$R/snapshot.skip")"
		return 0
	fi
	require_cmd snapshot || return 0
	rc=$(cmd_rc snapshot)
	if [[ $rc != 0 || ! -s $R/snap.tar ]]; then
		fail "$(cmd_desc snapshot) $(_rc_text "$rc")$(cmd_stderr_note snapshot)"
		return 0
	fi
	tmp=$(mktemp -d)
	if ! tar -xf "$R/snap.tar" -C "$tmp" 2>"$tmp.err"; then
		fail "cannot unpack the guest's snapshot: $(head -n 1 "$tmp.err")"
		rm -rf -- "$tmp" "$tmp.err"
		return 0
	fi
	rm -f -- "$tmp.err"
	for name in "$@"; do
		require_cmd "$name" || continue
		local -a argv=()
		mapfile -t argv <"$R/cmd/$name.argv"
		rc=0
		"$VFIOKIT" --root "$tmp" "${argv[@]}" >"$R/cmd/$name.snapshot.out" 2>"$R/cmd/$name.snapshot.err" || rc=$?
		[[ $rc == "$(cmd_rc "$name")" ]] ||
			fail "snapshot: vfiokit --root <snapshot> ${argv[*]} exited $rc, live exited $(cmd_rc "$name")"
		if ! cmp -s "$R/cmd/$name.out" "$R/cmd/$name.snapshot.out"; then
			fail "snapshot: vfiokit --root <snapshot> ${argv[*]} differs from the live run: $(_diff_brief "$R/cmd/$name.out" "$R/cmd/$name.snapshot.out")"
		fi
	done
	rm -rf -- "$tmp"
}
