# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=bash
#
# Guest-side helpers, sourced by guest-main.sh inside the guest (host bash, guest kernel).
# Everything a scenario's guest_main produces goes under $VK_OUT, the writable 9p share
# that the host reads after QEMU exits:
#
#   cmd/NAME.{argv,out,err,rc}  one vfiokit run (see vk)
#   ref/                        the kernel's view, read with plain shell (see guest_sysfs_reference)
#   ref-after/                  the same, read again after vfiokit ran (the host checks that
#                               nothing changed meanwhile)
#   guest.errors                anything that went wrong in the guest, one line each
#   snap.tar / snapshot.skip    the snapshot hook's result
#
# No `set -e` here: record and carry on (see guest-main.sh).

# Prefixed with the guest's uptime, to see where a slow run spends its time.
guest_log() {
	local up _
	read -r up _ </proc/uptime
	echo "vk-guest: [$up] $*"
}

# Records a guest-side problem; the host turns each line into a FAIL.
guest_error() {
	guest_log "ERROR: $*"
	echo "$*" >>"$VK_OUT/guest.errors"
}

# vk NAME ARGS...: runs "vfiokit ARGS..." and keeps its argv, stdout, stderr and exit
# status under cmd/NAME.* for the host's assertions. Returns vfiokit's exit status, so a
# scenario can branch on it.
vk() {
	local name=$1 d="$VK_OUT/cmd" rc msg line
	shift
	[[ -d $d ]] || mkdir -p "$d"
	printf '%s\n' "$@" >"$d/$name.argv"
	"$VFIOKIT" "$@" >"$d/$name.out" 2>"$d/$name.err"
	rc=$?
	echo "$rc" >"$d/$name.rc"
	msg="vfiokit $* -> exit $rc"
	if [[ -s $d/$name.err ]]; then
		IFS= read -r line <"$d/$name.err"
		msg+=" (stderr: $line)"
	fi
	guest_log "$msg"
	return "$rc"
}

# One modprobe for all (each exec is slow under TCG); one by one only to tell which failed.
guest_load_modules() {
	local m
	(($#)) || return 0
	if ! modprobe -a "$@"; then
		for m in "$@"; do
			modprobe "$m" || guest_error "modprobe $m failed"
		done
	fi
	guest_log "modules loaded: $*"
	guest_settle
	guest_log "drivers settled"
}

# Every fork+exec costs tens of milliseconds under TCG (a reference walk with $(cat ...)
# and $(readlink ...) per attribute took 13 s). These helpers use bash builtins only and
# return through a variable name.

# _attr VAR FILE: the file's first line, or "null" if it is missing or empty.
_attr() {
	local _v=''
	[[ -r $2 ]] && { IFS= read -r _v <"$2" || true; }
	printf -v "$1" '%s' "${_v:-null}"
}

# _link_base VAR LINK: the last component of where LINK resolves to, or "null".
_link_base() {
	local _here=$PWD _v=null
	if [[ -e $2 ]] && cd -P -- "$2" 2>/dev/null; then
		_v=${PWD##*/}
		cd -- "$_here" || return 1
	fi
	printf -v "$1" '%s' "$_v"
}

# Some drivers finish probing in a worker after modprobe returns. Wait (briefly) until the
# set of bound drivers stops changing, so the reference and vfiokit see the same state.
guest_settle() {
	local prev="" cur d drv _
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		cur=''
		for d in /sys/bus/pci/devices/*; do
			_link_base drv "$d/driver"
			cur+="${d##*/}=$drv "
		done
		[[ $cur == "$prev" ]] && return 0
		prev=$cur
		sleep 0.3
	done
	guest_log "drivers were still changing after 3 s"
}

# The entries of a directory, space-separated ("" if it is missing).
_names() {
	local f
	local -a n=()
	for f in "$1"/*; do
		[[ -e $f ]] && n+=("${f##*/}")
	done
	echo "${n[*]}"
}

# The reference: what the kernel says, read with nothing but bash builtins, never with
# vfiokit's code. Group membership comes from /sys/kernel/iommu_groups/*/devices/* (not from
# the devices' iommu_group links that vfiokit reads), so the two sides are independent.
# Writes, in DIR:
#   devices.tsv  one line per PCI function, by address:
#                group address vendor device class driver boot_vga driver_override
#                (group "-" for a function in no group; a missing attribute reads "null")
#   groups.tsv   group type, by group number
#   non-pci.txt  group members that are not PCI functions (vfiokit does not list them)
#   facts        see guest_facts
# Not one external command: the same walk with grep, find, awk and sort took 2.7 s under
# TCG, this one 0.1 s.
guest_sysfs_reference() {
	local dir=$1 d a g ven did cls drv boot ovr type rows='' nonpci=''
	local -A member=()
	local -a types=()
	[[ -d $dir ]] || mkdir -p "$dir"
	for g in /sys/kernel/iommu_groups/*; do
		[[ -d $g ]] || continue
		_attr type "$g/type"
		types[${g##*/}]=$type
		for d in "$g"/devices/*; do
			[[ -e $d ]] || continue
			a=${d##*/}
			member[$a]=${g##*/}
			[[ -e /sys/bus/pci/devices/$a ]] || nonpci+="$a"$'\n'
		done
	done
	# The glob sorts, and PCI addresses all have the same width: rows come out by address.
	for d in /sys/bus/pci/devices/*; do
		[[ -e $d ]] || continue
		a=${d##*/}
		_attr ven "$d/vendor"
		_attr did "$d/device"
		_attr cls "$d/class"
		_link_base drv "$d/driver"
		_attr boot "$d/boot_vga"
		_attr ovr "$d/driver_override"
		rows+="${member[$a]:--}"$'\t'"$a"$'\t'"$ven"$'\t'"$did"$'\t'"$cls"$'\t'"$drv"$'\t'"$boot"$'\t'"$ovr"$'\n'
	done
	printf '%s' "$rows" >"$dir/devices.tsv"
	# An indexed array iterates in numeric order.
	for g in "${!types[@]}"; do
		printf '%s\t%s\n' "$g" "${types[g]}"
	done >"$dir/groups.tsv"
	[[ -z $nonpci ]] || printf '%s' "$nonpci" >"$dir/non-pci.txt"
	guest_facts >"$dir/facts"
}

# key=value facts about the machine, for scenarios' expect_fact (builtins only, as above).
guest_facts() {
	local v line ngroups=0 g
	local -a mods=()
	_attr v /proc/sys/kernel/osrelease
	echo "kernel=$v"
	_attr v /proc/cmdline
	echo "cmdline=$v"
	v=null
	while IFS= read -r line; do
		[[ $line == vendor_id* ]] && { v=${line#*: }; break; }
	done </proc/cpuinfo
	echo "cpu_vendor=$v"
	echo "acpi_dmar=$([[ -e /sys/firmware/acpi/tables/DMAR ]] && echo 1 || echo 0)"
	echo "acpi_ivrs=$([[ -e /sys/firmware/acpi/tables/IVRS ]] && echo 1 || echo 0)"
	echo "iommu_units=$(_names /sys/class/iommu)"
	for g in /sys/kernel/iommu_groups/*; do
		[[ -d $g ]] && ngroups=$((ngroups + 1))
	done
	echo "iommu_groups=$ngroups"
	echo "vfio_nodes=$(_names /dev/vfio)"
	while read -r line _; do
		mods+=("$line")
	done </proc/modules
	echo "modules=${mods[*]}"
}

# The standard probe every scenario starts with: reference, vfiokit's listings, reference
# again. A scenario adds its own `vk NAME ...` calls after it.
guest_standard() {
	guest_sysfs_reference "$VK_OUT/ref"
	guest_log "reference taken"
	vk groups groups --json
	vk gpus gpus --json
	vk check check --json
	# Read again: the host checks that nothing changed while vfiokit ran.
	guest_sysfs_reference "$VK_OUT/ref-after"
}

# ---- HOOK: snapshot round trip (guest half) -----------------------------------------------
# Turns itself on once vfiokit has a snapshot command: takes a snapshot of this live machine;
# the host half (check_snapshot_roundtrip in assert.sh) unpacks it and replays cmd/groups and
# cmd/gpus against it with --root, which must print exactly what the live runs printed.
guest_snapshot_hook() {
	if "$VFIOKIT" help snapshot >/dev/null 2>&1; then
		vk snapshot snapshot -o "$VK_OUT/snap.tar"
	else
		echo "SKIP snapshot: not implemented"
		echo "SKIP snapshot: not implemented" >"$VK_OUT/snapshot.skip"
	fi
}
