#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# vm-passthrough.guest.sh: "the guide's whole promise, on a real kernel". Runs as root
# inside a test-bed guest (tests/realkernel/) booted with an emulated Intel IOMMU, whose
# "GPU" is $GUEST_GPU: a VGA at function 0 and an HD-audio at function 1 behind a
# pcie-root-port (domain.md §12). The host's / is mounted read-only (9p); /run, /tmp,
# /var/log and /var/lib/libvirt are tmpfs. $VFIOKIT is the binary under test.
#
#  1. 'vfiokit vm create --print' writes the domain for the guest card (type qemu: the
#     guest has no KVM), with every function as a managed hostdev in one guest slot;
#  2. libvirt's QEMU driver, in-process (qemu:///embed?root=/tmp/embed), defines and
#     starts it: libvirt detaches both functions to vfio-pci and QEMU opens them;
#  3. QEMU's 'info qtree' shows a vfio-pci device for each function (host = its address);
#  4. after destroy, libvirt gives both functions back to their drivers.
# Prints "PASS name" or "FAIL name: reason" per check; exits 1 if any failed.
set -u
: "${VFIOKIT:?VFIOKIT must name the vfiokit binary}"
: "${GUEST_GPU:?GUEST_GPU must name the guest card (its VGA function)}"

fails=0
pass() { echo "PASS $1"; }
fail() {
	echo "FAIL $1: $2"
	fails=$((fails + 1))
}

work=/tmp/vk-vm-passthrough
embed=/tmp/embed
uri="qemu:///embed?root=$embed"
name=vk-passthrough
loopdev=
virtlogd_pid=
cleanup() {
	exec 3>&- 2>/dev/null || true
	[ -n "$loopdev" ] && losetup -d "$loopdev" 2>/dev/null
	[ -n "$virtlogd_pid" ] && kill "$virtlogd_pid" 2>/dev/null
}
trap cleanup EXIT INT TERM
rm -rf "$work" "$embed"
mkdir -p "$work" "$embed/etc"
[ -d /usr/lib/x86_64-linux-gnu/qemu ] && export QEMU_MODULE_DIR=/usr/lib/x86_64-linux-gnu/qemu

finish() {
	[ $fails -eq 0 ] && exit 0
	exit 1
}

# --- preconditions ------------------------------------------------------------------
for t in virsh virtlogd qemu-system-x86_64 stdbuf; do
	command -v "$t" >/dev/null 2>&1 || { fail "tools" "no $t in the guest's PATH"; finish; }
done
gpu=$(cd "/sys/bus/pci/devices/$GUEST_GPU" 2>/dev/null && basename "$(pwd -P)")
[ -n "$gpu" ] || { fail "guest-card" "no PCI device $GUEST_GPU"; finish; }
slot=${gpu%.*}
functions=$(cd /sys/bus/pci/devices && ls -d "$slot".* 2>/dev/null)
[ "$(echo "$functions" | wc -w)" -ge 2 ] || { fail "guest-card" "expected a VGA and an HD-audio function in $slot, found: $functions"; finish; }
[ -n "$(ls /sys/kernel/iommu_groups 2>/dev/null)" ] || { fail "iommu" "no IOMMU groups (is the guest booted with intel_iommu=on?)"; finish; }
modprobe vfio-pci 2>/dev/null
[ -d /sys/bus/pci/drivers/vfio-pci ] || { fail "vfio-pci" "the vfio-pci driver is not available"; finish; }
before=
for f in $functions; do
	before="$before $f=$(basename "$(readlink "/sys/bus/pci/devices/$f/driver" 2>/dev/null)" 2>/dev/null)"
done

# The guest's disk: a loop device over a sparse file, else a RAM disk.
truncate -s 64M "$work/disk.img"
if loopdev=$(losetup -f --show "$work/disk.img" 2>/dev/null); then
	disk=$loopdev
elif modprobe brd rd_nr=1 rd_size=65536 2>/dev/null && [ -b /dev/ram0 ]; then
	loopdev=
	disk=/dev/ram0
else
	loopdev=
	fail "disk" "neither a loop device nor a RAM disk can be made for the guest's disk"
	finish
fi

# --- 1. the domain --------------------------------------------------------------------
# The card may be the guest's boot VGA or only GPU: on a test bed that is expected, so
# say so with --allow-boot-gpu (vm create refuses otherwise, as it should on a desktop).
allow=
if [ "$(cat "/sys/bus/pci/devices/$gpu/boot_vga" 2>/dev/null)" = 1 ] ||
	[ "$(grep -l '^0x03' /sys/bus/pci/devices/*/class | wc -l)" -le 1 ]; then
	allow=--allow-boot-gpu
fi
if "$VFIOKIT" vm create "$name" --gpu "$gpu" --disk "$disk" --domain-type qemu --network user \
	--graphics none --memory 256M $allow --print >"$work/domain.xml" 2>"$work/create.err"; then
	pass "vm-create"
else
	fail "vm-create" "$(tr '\n' ' ' <"$work/create.err")"
	finish
fi
ok=1
for f in $functions; do
	b=$(echo "$f" | sed 's/^\([0-9a-f]*\):\([0-9a-f]*\):\([0-9a-f]*\)\.\([0-7]\)$/domain="0x\1" bus="0x\2" slot="0x\3" function="0x\4"/')
	grep -q "<address $b/>" "$work/domain.xml" || { fail "domain-hostdevs" "no hostdev for $f"; ok=0; }
done
grep -q 'multifunction="on"' "$work/domain.xml" || { fail "domain-hostdevs" "the card's functions are not one multifunction guest device"; ok=0; }
[ $ok = 1 ] && pass "domain-hostdevs"

# --- 2. defined and started -----------------------------------------------------------
# QEMU runs as root and libvirt changes no ownership: / is read-only here.
printf 'namespaces = [ ]\ncgroup_controllers = [ ]\nuser = "root"\ngroup = "root"\ndynamic_ownership = 0\nremember_owner = 0\n' \
	>"$embed/etc/qemu.conf"
if ! [ -S /run/libvirt/virtlogd-sock ]; then
	mkdir -p /run/libvirt
	if virtlogd -d -p "$work/virtlogd.pid"; then
		sleep 1
		virtlogd_pid=$(cat "$work/virtlogd.pid" 2>/dev/null)
	fi
fi
[ -S /run/libvirt/virtlogd-sock ] && pass "virtlogd" || { fail "virtlogd" "virtlogd did not start"; finish; }

# The embedded driver's domains live as long as its process: one virsh session, fed
# through a FIFO, "echo" marking the end of each answer.
mkfifo "$work/cmds"
: >"$work/session"
(stdbuf -oL -eL virsh -q -c "$uri" <"$work/cmds" >>"$work/session" 2>&1) &
exec 3>"$work/cmds"
mark=0
ask() { # COMMAND [TIMEOUT]
	mark=$((mark + 1))
	from=$(($(wc -l <"$work/session") + 1))
	printf '%s\n' "$1" "echo ::vk-mark-$mark::" >&3
	i=0
	while ! grep -q "::vk-mark-$mark::" "$work/session"; do
		i=$((i + 1))
		[ $i -le "${2:-120}" ] || { echo "(no answer to '$1')"; return 1; }
		sleep 1
	done
	tail -n "+$from" "$work/session"
}

ask "define $work/domain.xml" >"$work/define"
if grep -q "error" "$work/define"; then
	fail "define" "$(grep error "$work/define" | tr '\n' ' ')"
	printf 'quit\n' >&3
	finish
fi
pass "define"
ask "start $name" 300 >"$work/start"
if grep -q "error" "$work/start"; then
	fail "start" "$(grep error "$work/start" | tr '\n' ' ')"
	printf 'quit\n' >&3
	finish
fi
pass "start"

# --- 3. QEMU holds each function through vfio-pci -------------------------------------
ask "qemu-monitor-command $name --hmp 'info qtree'" >"$work/qtree"
n=$(grep -c "dev: vfio-pci," "$work/qtree")
for f in $functions; do
	if grep -q "host = \"$f\"" "$work/qtree"; then
		pass "qtree-vfio-pci-$f"
	else
		fail "qtree-vfio-pci-$f" "info qtree shows $n vfio-pci devices, none with host = \"$f\""
	fi
	drv=$(basename "$(readlink "/sys/bus/pci/devices/$f/driver" 2>/dev/null)" 2>/dev/null)
	[ "$drv" = vfio-pci ] && pass "bound-vfio-pci-$f" || fail "bound-vfio-pci-$f" "driver is '$drv' while the guest runs"
done

# --- 4. given back ---------------------------------------------------------------------
ask "destroy $name" 60 >/dev/null
ask "undefine $name --nvram" >/dev/null
printf 'quit\n' >&3
exec 3>&-
wait
for pair in $before; do
	f=${pair%%=*}
	want=${pair#*=}
	drv=$(basename "$(readlink "/sys/bus/pci/devices/$f/driver" 2>/dev/null)" 2>/dev/null)
	if [ "$drv" = "$want" ]; then
		pass "reattached-$f"
	else
		fail "reattached-$f" "driver is '$drv' after destroy, was '$want'"
	fi
done
finish
