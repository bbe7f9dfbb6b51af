#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# vm-libvirt.sh VFIOKIT CLIDIR FIXTURES: what libvirt and QEMU themselves say about the
# domains 'vfiokit vm create' writes. No system service is used: libvirt's QEMU driver
# runs in-process (qemu:///embed?root=TMP), and virtlogd is started here if none runs.
#
#  1. Every golden 'vm create --print' case under CLIDIR (the XML its expected.stdout
#     holds, which the cli suite proves is what vfiokit prints):
#       - virt-xml-validate says it validates;
#       - libvirt's QEMU driver defines it and reads it back with the same name, memory,
#         vCPUs, pinning, topology, firmware, disks, Hyper-V/KVM settings and host
#         devices (domain type switched to qemu: this machine has no KVM, and the driver
#         refuses type kvm without it; nothing else is changed);
#       - the same command with --connect embed and --domain-type qemu defines it
#         through vfiokit's own libvirt C API calls; read back the same way; a second
#         run is refused because the name is taken.
#  2. A domain for this machine's own CPUs (type qemu, host devices removed since
#     there is no GPU to pass, the disk a loop device) starts: OVMF runs (it numbers
#     the root ports' buses and assigns BARs, seen in 'info pci'), 'info qtree' shows
#     the devices the XML asked for, and the vCPU pinning is in place.
# Exit 77 (skip) when libvirt's tools or QEMU are missing.
set -eu
exe=$1
cli=$2
fixtures=$3

for t in virsh virt-xml-validate xmllint qemu-system-x86_64; do
	command -v "$t" >/dev/null 2>&1 || { echo "no $t: skipping"; exit 77; }
done
# QEMU's modules (qxl, spice) where Debian installs them; the embedded driver's QEMU
# does not find them from a private root otherwise.
[ -d /usr/lib/x86_64-linux-gnu/qemu ] && export QEMU_MODULE_DIR=/usr/lib/x86_64-linux-gnu/qemu

work=$(mktemp -d)
virtlogd_pid=
loopdev=
cleanup() {
	exec 3>&- 2>/dev/null || true
	[ -n "$loopdev" ] && losetup -d "$loopdev" 2>/dev/null || true
	[ -n "$virtlogd_pid" ] && kill "$virtlogd_pid" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

embed="$work/embed"
mkdir -p "$embed/etc"
# /dev is a plain devtmpfs here and there is no cgroup delegation: no private mount
# namespace, no cgroups (domain.md §12). As root, QEMU runs as root too, so libvirt
# neither chowns the test's files (the fixtures' ISO, the loop device) nor needs them
# readable by its unprivileged user.
printf 'namespaces = [ ]\ncgroup_controllers = [ ]\nuser = "root"\ngroup = "root"\ndynamic_ownership = 0\nremember_owner = 0\n' \
	>"$embed/etc/qemu.conf"
uri="qemu:///embed?root=$embed"
fail=0
checks=0

subst() {
	sed -e "s|@ROOT@|$1|g" -e "s|@FIXTURES@|$fixtures|g"
}

expand_fixture() { # CASEDIR ROOT
	machines=
	for m in $(cat "$1/fixture"); do
		machines="$machines $fixtures/machines/$m.machine"
	done
	# shellcheck disable=SC2086
	"$exe" import $machines --to "$2" >/dev/null 2>&1
}

# The parts of a domain both sides must agree on, as xmllint prints them: "xpath" for
# strings and counts, "cat" for elements (in xmllint's own quoting, whatever the file's).
common_paths='string(/domain/name)
string(/domain/memory)
string(/domain/vcpu)
/domain/memoryBacking
/domain/cputune/vcpupin
/domain/cputune/emulatorpin
/domain/cputune/iothreadpin
string(/domain/cpu/topology/@sockets)
string(/domain/cpu/topology/@cores)
string(/domain/cpu/topology/@threads)
string(/domain/os/@firmware)
/domain/os/firmware/feature
string(/domain/os/loader)
string(/domain/os/nvram/@template)
/domain/devices/disk/source
/domain/devices/disk/target
/domain/devices/disk/driver
/domain/devices/hostdev/source
/domain/devices/hostdev/address[@bus="0x01"]
/domain/devices/interface/model
string(/domain/devices/graphics/@type)
string(/domain/devices/video/model/@type)
count(/domain/devices/input[@type="tablet"])'
kvm_paths='/domain/features/hyperv
/domain/features/kvm
string(/domain/cpu/@mode)
/domain/clock'

# Prints each path's value in FILE under a "== PATH" line; one xmllint for all of them.
extract() { # FILE PATHS
	printf '%s\n' "$2" | sed -e 's/^\(string\|count\)(/xpath &/' -e t -e 's/^/cat /' |
		xmllint --shell "$1" |
		awk -v paths="$2" 'BEGIN { n = split(paths, p, "\n") }
			{
				while ((i = index($0, "/ > ")) > 0) {
					if (i > 1) print substr($0, 1, i - 1)
					if (++k <= n) print "== " p[k]
					$0 = substr($0, i + 4)
				}
				if ($0 != "") print
			}'
}

compare() { # WHAT GENERATED READBACK PATHS
	extract "$2" "$4" >"$work/a"
	extract "$3" "$4" >"$work/b"
	checks=$((checks + 1))
	if ! diff -u "$work/a" "$work/b" >"$work/diff"; then
		echo "FAIL $1: libvirt read back something else:"
		cat "$work/diff"
		fail=1
		return 1
	fi
}

virsh_q() {
	virsh -q -c "$uri" "$@"
}

# ---------------------------------------------------------------------------------------
# 1. Every golden domain.
for case_dir in "$cli"/vm-create-*; do
	name=$(basename "$case_dir")
	[ -f "$case_dir/expected.rc" ] && continue
	grep -q -- '--print' "$case_dir/cmd" || continue
	golden="$case_dir/expected.stdout"
	root="$work/root-$name"

	# virt-xml-validate: libvirt's schema (domain.rng).
	sed "s|@FIXTURES@|$fixtures|g" "$golden" >"$work/gen.xml"
	checks=$((checks + 1))
	if ! virt-xml-validate "$work/gen.xml" domain >"$work/validate" 2>&1; then
		echo "FAIL $name: virt-xml-validate:"
		cat "$work/validate"
		fail=1
		continue
	fi

	# Defined by the QEMU driver as written, but for the domain type.
	dom=$(xmllint --xpath 'string(/domain/name)' "$work/gen.xml")
	virsh_q undefine --domain "$dom" --nvram >/dev/null 2>&1 || true
	sed 's|<domain type="kvm">|<domain type="qemu">|' "$work/gen.xml" >"$work/def.xml"
	checks=$((checks + 1))
	if ! virsh_q define "$work/def.xml" >"$work/define" 2>&1; then
		echo "FAIL $name: libvirt refused the domain:"
		cat "$work/define"
		fail=1
		continue
	fi
	virsh_q dumpxml --domain "$dom" --inactive >"$work/back.xml"
	compare "$name (virsh define)" "$work/def.xml" "$work/back.xml" "$common_paths
$kvm_paths" || true
	virsh_q undefine --domain "$dom" --nvram >/dev/null 2>&1 || virsh_q undefine --domain "$dom" >/dev/null

	# Defined by vfiokit through libvirt's C API.
	expand_fixture "$case_dir" "$root" || { echo "FAIL $name: cannot expand the fixture"; fail=1; continue; }
	cmdline=$(subst "$root" <"$case_dir/cmd" | sed 's/ --print//')
	eval "set -- $cmdline"
	checks=$((checks + 1))
	if ! LC_ALL=C "$exe" "$@" --domain-type qemu --connect "$uri" >"$work/create" 2>&1; then
		echo "FAIL $name: vfiokit could not define the domain:"
		cat "$work/create"
		fail=1
		continue
	fi
	virsh_q dumpxml --domain "$dom" --inactive >"$work/back.xml"
	compare "$name (vfiokit --connect)" "$work/gen.xml" "$work/back.xml" "$common_paths" || true
	checks=$((checks + 1))
	if LC_ALL=C "$exe" "$@" --domain-type qemu --connect "$uri" >"$work/again" 2>&1 ||
		! grep -q "already exists" "$work/again"; then
		echo "FAIL $name: a second create with the same name was not refused:"
		cat "$work/again"
		fail=1
	fi
	# finalize and patch on the defined domain: libvirt takes the result, reads it back
	# without the emulated display, with the hidden hypervisor, and a second run is a no-op.
	checks=$((checks + 1))
	if ! "$exe" vm finalize "$dom" --connect "$uri" >"$work/fin" 2>&1 ||
		! "$exe" vm patch "$dom" --hide-hypervisor --connect "$uri" >>"$work/fin" 2>&1; then
		echo "FAIL $name: vm finalize/patch on the defined domain:"
		cat "$work/fin"
		fail=1
	fi
	virsh_q dumpxml --domain "$dom" --inactive >"$work/back.xml"
	if [ "$(xmllint --xpath 'count(//graphics|//video|//input[@type="tablet"])' "$work/back.xml")" != 0 ] ||
		[ "$(xmllint --xpath 'string(//features/kvm/hidden/@state)' "$work/back.xml")" != on ] ||
		[ -z "$(xmllint --xpath 'string(//features/hyperv/vendor_id/@value)' "$work/back.xml")" ]; then
		echo "FAIL $name: libvirt does not read back the finalized and patched domain:"
		cat "$work/fin" "$work/back.xml"
		fail=1
	fi
	"$exe" vm finalize "$dom" --connect "$uri" >"$work/fin2" 2>&1
	"$exe" vm patch "$dom" --hide-hypervisor --connect "$uri" >>"$work/fin2" 2>&1
	checks=$((checks + 1))
	[ "$(grep -c "nothing to change" "$work/fin2")" = 2 ] || {
		echo "FAIL $name: the second finalize/patch on the defined domain was not a no-op:"
		cat "$work/fin2"
		fail=1
	}
	virsh_q undefine --domain "$dom" --nvram >/dev/null 2>&1 || virsh_q undefine --domain "$dom" >/dev/null
	[ $fail = 1 ] || echo "ok $name: validates, defined and read back twice, finalized and patched in libvirt"
done

# ---------------------------------------------------------------------------------------
# 2. Started.
# virtlogd collects QEMU's output; libvirt refuses to start a domain without it. Ours,
# unless one runs: as root its socket is /run/libvirt/virtlogd-sock whatever we do; as
# another user, XDG_RUNTIME_DIR puts it (and the embedded driver's look-up) in $work.
if [ "$(id -u)" != 0 ]; then
	export XDG_RUNTIME_DIR="$work/run"
	mkdir -p "$XDG_RUNTIME_DIR"
	chmod 0700 "$XDG_RUNTIME_DIR"
fi
if [ "$(id -u)" != 0 ] || ! [ -S /run/libvirt/virtlogd-sock ] || ! pgrep -x virtlogd >/dev/null 2>&1; then
	virtlogd -d -p "$work/virtlogd.pid"
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		[ -s "$work/virtlogd.pid" ] && break
		sleep 0.5
	done
	virtlogd_pid=$(cat "$work/virtlogd.pid")
fi

# A host with this machine's CPUs (so the pinning exists here), the guide's GPUs and
# disks, Debian's firmware descriptors.
ncpu=$(getconf _NPROCESSORS_ONLN)
{
	cat "$fixtures/machines/guide-intel-gtx960.machine"
	echo "cpu sockets=1 cores=$ncpu threads=1"
} >"$work/host.machine"
"$exe" import "$work/host.machine" "$fixtures/machines/vm-disks.machine" \
	"$fixtures/machines/vm-firmware-debian.machine" --to "$work/starthost" >/dev/null 2>&1
LC_ALL=C "$exe" --root "$work/starthost" vm create vk-start --gpu 01:00.0 --disk /dev/sdc \
	--iso "$fixtures/iso/Win10_22H2_English_x64.iso" --domain-type qemu --network user --memory 1G \
	--print >"$work/start.xml" 2>"$work/start.err" || {
	echo "FAIL start: vm create:"
	cat "$work/start.err"
	exit 1
}
# The disk: a loop device over a sparse file (a real block device, so type='block' with
# io='native' is what QEMU opens), else the file itself.
truncate -s 64M "$work/disk.img"
loopdev=$(losetup -f --show "$work/disk.img" 2>/dev/null) || loopdev=
if [ -n "$loopdev" ]; then
	sed -e "s|<source dev=\"/dev/disk/by-id/[^\"]*\"/>|<source dev=\"$loopdev\"/>|" "$work/start.xml"
else
	sed -e 's|<disk type="block" device="disk">|<disk type="file" device="disk">|' \
		-e "s|<source dev=\"/dev/disk/by-id/[^\"]*\"/>|<source file=\"$work/disk.img\"/>|" "$work/start.xml"
fi | sed '/<hostdev /,/<\/hostdev>/d' >"$work/run.xml"
checks=$((checks + 1))
virt-xml-validate "$work/run.xml" domain >/dev/null || { echo "FAIL start: the variant does not validate"; exit 1; }
want_pins=$(xmllint --xpath '/domain/cputune/vcpupin' "$work/run.xml" | sed 's|<vcpupin vcpu="\([0-9]*\)" cpuset="\([0-9]*\)"/>|\1:\2 |g')

# The embedded driver's domains live as long as the process that runs it: one virsh
# session does everything, fed through a FIFO; "echo" marks where each answer ends.
mkfifo "$work/cmds"
: >"$work/session"
(stdbuf -oL -eL virsh -q -c "$uri" <"$work/cmds" >>"$work/session" 2>&1) &
exec 3>"$work/cmds"
send() {
	printf '%s\n' "$@" >&3
}
mark=0
ask() { # COMMAND [TIMEOUT]: runs it, waits for its answer, prints it
	mark=$((mark + 1))
	from=$(($(wc -l <"$work/session") + 1))
	send "$1" "echo ::vk-mark-$mark::"
	i=0
	while ! grep -q "::vk-mark-$mark::" "$work/session"; do
		i=$((i + 1))
		[ $i -le "${2:-120}" ] || { echo "(no answer to '$1')"; return 1; }
		sleep 1
	done
	tail -n "+$from" "$work/session"
}

ask "define $work/run.xml" >"$work/define"
ask "start vk-start" 180 >"$work/startout"
checks=$((checks + 1))
if grep -q "error" "$work/startout"; then
	echo "FAIL start: libvirt could not start the domain:"
	cat "$work/define" "$work/startout"
	find "$embed" -name 'vk-start.log' -exec tail -20 {} \;
	send quit
	exit 1
fi
# OVMF numbers the buses behind the root ports and assigns BARs while it enumerates PCI;
# before it runs, every root port says "secondary bus 0" and BARs read all ones.
i=0
while :; do
	ask "qemu-monitor-command vk-start --hmp 'info pci'" >"$work/pci"
	grep -q "secondary bus [1-9]" "$work/pci" && grep -A8 "Ethernet controller" "$work/pci" | grep -q "BAR0: 32 bit memory at 0x[0-9a-e]" && break
	i=$((i + 1))
	if [ $i -ge 60 ]; then
		echo "FAIL start: OVMF never enumerated PCI (after 3 minutes):"
		cat "$work/pci"
		fail=1
		break
	fi
	sleep 3
done
checks=$((checks + 1))
[ $i -ge 60 ] || echo "ok start: OVMF ran: root ports numbered, BARs assigned"
ask "qemu-monitor-command vk-start --hmp 'info qtree'" >"$work/qtree"
for dev in pcie-root-port e1000e qemu-xhci usb-tablet qxl-vga ich9-ahci ide-hd ide-cd cfi.pflash01; do
	checks=$((checks + 1))
	grep -q "dev: $dev," "$work/qtree" || { echo "FAIL start: info qtree shows no $dev"; fail=1; }
done
grep -q 'drive = "libvirt-pflash0-format"' "$work/qtree" || { echo "FAIL start: no firmware flash drive"; fail=1; }
ask "dumpxml vk-start" >"$work/live.xml"
checks=$((checks + 1))
# libvirt picked a UEFI build without Secure Boot, as asked.
if ! grep -q "<loader readonly='yes' type='pflash'>.*OVMF_CODE[^<]*</loader>" "$work/live.xml" ||
	grep -q "<loader.*\(secboot\|\.ms\.\)" "$work/live.xml"; then
	echo "FAIL start: libvirt's firmware choice:"
	grep -A3 "<os" "$work/live.xml"
	fail=1
fi
ask "vcpupin vk-start" >"$work/pins"
for pin in $want_pins; do
	v=${pin%%:*}
	c=${pin#*:}
	checks=$((checks + 1))
	grep -Eq "^ *$v +$c *\$" "$work/pins" || { echo "FAIL start: vCPU $v is not pinned to CPU $c:"; cat "$work/pins"; fail=1; }
done
ask "destroy vk-start" >/dev/null
ask "undefine vk-start --nvram" >/dev/null
send quit
exec 3>&-
wait
[ $fail = 1 ] || echo "ok start: info qtree shows every device; vCPUs pinned ($want_pins)"
echo "$checks checks"
exit $fail
