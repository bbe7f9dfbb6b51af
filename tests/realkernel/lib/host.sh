# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=bash disable=SC2054
# (SC2054: commas inside QEMU options are QEMU's, not array separators.)
#
# Host side of the runner: the pinned packages, the initramfs, one QEMU boot.
# Sourced by ../run, which owns the globals used here:
#   RK_DIR RK_CACHE KERNEL_FALLBACK RK_TMPDIRS RK_QEMU_PID

rk_log() { echo "realkernel: $*" >&2; }
rk_die() {
	echo "realkernel: error: $*" >&2
	exit 1
}

# rk_mktemp VAR [PARENT]: a temporary directory, removed by the runner's EXIT trap. It sets
# VAR rather than printing, because a $(...) subshell could not register it for cleanup.
rk_mktemp() {
	local _d
	_d=$(mktemp -d "${2:-${TMPDIR:-/tmp}}/realkernel.XXXXXX")
	RK_TMPDIRS+=("$_d")
	printf -v "$1" '%s' "$_d"
}

# ---- pinned packages --------------------------------------------------------------------------

# Sets KPKG KVERSION KSHA and BBPKG BBVERSION BBSHA from KERNEL_VERSION.
rk_read_pins() {
	local pkg ver sha extra
	KPKG='' BBPKG=''
	while read -r pkg ver sha extra; do
		[[ -z $pkg || $pkg == \#* ]] && continue
		[[ -n $ver && ${#sha} == 64 && -z $extra ]] || rk_die "$1: malformed line '$pkg $ver $sha $extra'"
		case $pkg in
		linux-image-*) KPKG=$pkg KVERSION=$ver KSHA=$sha ;;
		busybox-static) BBPKG=$pkg BBVERSION=$ver BBSHA=$sha ;;
		*) rk_die "$1: unexpected package '$pkg'" ;;
		esac
	done <"$1"
	[[ -n $KPKG && -n $BBPKG ]] || rk_die "$1 must pin a linux-image-* and busybox-static"
}

_apt_sha256() {
	apt-cache show "$1=$2" 2>/dev/null | awk '$1 == "SHA256:" { print $2; exit }'
}

# What Debian's linux-image-amd64 depends on now: "package version sha256".
rk_current_kernel() {
	local pkg ver
	pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
		awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }')
	[[ -n $pkg ]] || return 1
	ver=$(apt-cache policy "$pkg" 2>/dev/null | awk '$1 == "Candidate:" { print $2; exit }')
	[[ -n $ver && $ver != "(none)" ]] || return 1
	echo "$pkg $ver $(_apt_sha256 "$pkg" "$ver")"
}

# --repin: write the current kernel and busybox-static into KERNEL_VERSION.
rk_repin() {
	local file=$1 k bbver header
	k=$(rk_current_kernel) || rk_die "apt does not know linux-image-amd64 (run 'apt-get update' first)"
	bbver=$(apt-cache policy busybox-static 2>/dev/null | awk '$1 == "Candidate:" { print $2; exit }')
	[[ -n $bbver && $bbver != "(none)" ]] || rk_die "apt does not know busybox-static (run 'apt-get update' first)"
	header=$(grep '^#' "$file")
	printf '%s\n%s\n%s\n' "$header" "$k" "busybox-static $bbver $(_apt_sha256 busybox-static "$bbver")" >"$file.tmp"
	mv "$file.tmp" "$file"
	rk_log "pinned: $(grep -v '^#' "$file" | tr '\n' ';')"
}

# rk_download PKG VERSION SHA256 DEST: the exact .deb through apt (which checks it against
# the signed archive index), then against the pinned checksum (which catches a rebuilt
# package published under the same version). SHA256 may be empty (--kernel-fallback).
rk_download() {
	local pkg=$1 ver=$2 sha=$3 dest=$4 tmp deb got
	rk_mktemp tmp "$RK_CACHE"
	if ! (cd "$tmp" && apt-get -q download "$pkg=$ver") >"$tmp/apt.log" 2>&1; then
		RK_APT_ERROR=$(grep -E '^(E|W):' "$tmp/apt.log" | head -n 1)
		return 1
	fi
	deb=$(find "$tmp" -maxdepth 1 -name '*.deb' -print -quit)
	[[ -n $deb ]] || rk_die "apt-get download $pkg=$ver produced no .deb"
	got=$(sha256sum "$deb" | cut -d' ' -f1)
	if [[ -n $sha && $got != "$sha" ]]; then
		rk_die "$pkg=$ver: sha256 $got does not match the pinned $sha"
	fi
	mv "$deb" "$dest"
}

# Sets KVER VMLINUZ KCONFIG KROOT KMODDIR, downloading and unpacking the kernel at most once.
rk_prepare_kernel() {
	local kdir deb cur cur_desc
	kdir="$RK_CACHE/$KPKG-$KVERSION"
	if [[ ! -f $kdir/.realkernel-ok ]]; then
		deb="$RK_CACHE/$KPKG-$KVERSION.deb"
		if ! rk_download "$KPKG" "$KVERSION" "$KSHA" "$deb"; then
			cur=$(rk_current_kernel || echo "unknown (apt-cache knows no linux-image-amd64)")
			cur_desc=$(awk 'NF == 3 { print $1 "=" $2; next } { print }' <<<"$cur")
			if [[ $KERNEL_FALLBACK == 1 && $cur != unknown* && $cur != "$KPKG $KVERSION "* ]]; then
				KERNEL_FALLBACK=used
				read -r KPKG KVERSION KSHA <<<"$cur"
				rk_log "WARNING: the pinned kernel cannot be downloaded (${RK_APT_ERROR:-apt-get download failed}); --kernel-fallback: using $KPKG=$KVERSION instead"
				KSHA=
				rk_prepare_kernel
				return
			fi
			rk_die "the pinned kernel $KPKG=$KVERSION cannot be downloaded (${RK_APT_ERROR:-apt-get download failed}).
  Debian's security archive drops superseded kernels; linux-image-amd64 now depends on $cur_desc.
  Pin that one with '$RK_DIR/run --repin' and commit tests/realkernel/KERNEL_VERSION,
  or run once with --kernel-fallback. If apt's lists are old, run 'apt-get update' first."
		fi
		rk_log "unpacking $KPKG=$KVERSION"
		rm -rf -- "$kdir.tmp"
		mkdir -p "$kdir.tmp"
		RK_TMPDIRS+=("$kdir.tmp")
		dpkg-deb -x "$deb" "$kdir.tmp"
		KVER=$(find "$kdir.tmp/lib/modules" -mindepth 1 -maxdepth 1 -printf '%f\n')
		[[ -n $KVER && $KVER != *$'\n'* ]] || rk_die "$KPKG: expected exactly one directory in lib/modules"
		# Debian builds the module indexes at install time; a package holds none.
		depmod -b "$kdir.tmp" "$KVER"
		echo "$KVER" >"$kdir.tmp/.realkernel-ok"
		rm -rf -- "$kdir"
		mv "$kdir.tmp" "$kdir"
		rm -f -- "$deb"
	fi
	KROOT=$kdir
	KVER=$(<"$kdir/.realkernel-ok")
	VMLINUZ="$kdir/boot/vmlinuz-$KVER"
	KCONFIG="$kdir/boot/config-$KVER"
	KMODDIR="$kdir/lib/modules/$KVER"
	[[ -r $VMLINUZ && -r $KCONFIG && -d $KMODDIR ]] || rk_die "$kdir is incomplete; remove it and run again"
	KERNEL_IMAGE=$VMLINUZ
	if [[ -f $kdir/vmlinux-$KVER ]] || rk_extract_vmlinux "$VMLINUZ" "$kdir/vmlinux-$KVER"; then
		KERNEL_IMAGE="$kdir/vmlinux-$KVER"
	else
		rk_log "cannot unpack an ELF vmlinux with a PVH entry from $VMLINUZ; booting the bzImage (slower)"
	fi
}

# rk_extract_vmlinux BZIMAGE OUT: the uncompressed kernel inside a bzImage. QEMU boots such
# an ELF through its PVH entry point, which skips the bzImage's self-decompression: TCG
# emulates that at a crawl (12 of a scenario's 40 s on a busy host). Needs CONFIG_PVH.
rk_extract_vmlinux() {
	local img=$1 out=$2 fmt magic off
	local -a unpack
	grep -q '^CONFIG_PVH=y' "$KCONFIG" || return 1
	for fmt in xz zstd gzip; do
		case $fmt in
		xz) magic='\xfd7zXZ\x00' unpack=(xz -dc --single-stream) ;;
		zstd) magic='\x28\xb5\x2f\xfd' unpack=(zstd -dcq) ;;
		gzip) magic='\x1f\x8b\x08' unpack=(gzip -dc) ;;
		esac
		command -v "${unpack[0]}" >/dev/null || continue
		# The first hits of the magic; trailing data after the stream is expected and ignored.
		for off in $(LC_ALL=C grep -aboP "$magic" "$img" | cut -d: -f1 | head -n 5); do
			tail -c "+$((off + 1))" "$img" | "${unpack[@]}" >"$out.tmp" 2>/dev/null
			if [[ $(head -c 4 "$out.tmp" | od -An -tx1 | tr -d ' \n') == 7f454c46 ]]; then
				mv "$out.tmp" "$out"
				return 0
			fi
		done
	done
	rm -f -- "$out.tmp"
	return 1
}

# Sets BUSYBOX.
rk_prepare_busybox() {
	local bdir="$RK_CACHE/$BBPKG-$BBVERSION" deb
	if [[ ! -x $bdir/bin/busybox ]]; then
		deb="$RK_CACHE/$BBPKG.deb"
		rk_download "$BBPKG" "$BBVERSION" "$BBSHA" "$deb" ||
			rk_die "the pinned $BBPKG=$BBVERSION cannot be downloaded (${RK_APT_ERROR:-apt-get download failed}); see '$RK_DIR/run --repin'"
		rm -rf -- "$bdir.tmp"
		mkdir -p "$bdir.tmp"
		RK_TMPDIRS+=("$bdir.tmp")
		dpkg-deb -x "$deb" "$bdir.tmp"
		[[ -x $bdir.tmp/bin/busybox ]] || rk_die "$BBPKG has no bin/busybox"
		rm -rf -- "$bdir"
		mv "$bdir.tmp" "$bdir"
		rm -f -- "$deb"
	fi
	BUSYBOX="$bdir/bin/busybox"
}

# ---- initramfs ----------------------------------------------------------------------------------

# Just enough to reach the host's root: virtio-pci, the 9p stack and overlayfs. vfio and the
# host drivers come later, from the real module tree, with the host's modprobe.
RK_INITRAMFS_MODULES=(virtio_pci 9pnet_virtio 9p overlay)

# Sets INITRD; rebuilt only when the init script, the kernel or busybox changes.
rk_build_initramfs() {
	local -a mods=()
	local -A seen=()
	local m line path key stage base
	for m in "${RK_INITRAMFS_MODULES[@]}"; do
		while read -r line; do
			case $line in
			insmod\ *)
				path=${line#insmod }
				path=${path%% *}
				[[ -n ${seen[$path]+x} ]] || mods+=("$path")
				seen[$path]=1
				;;
			builtin\ *) ;;
			*) rk_die "modprobe --show-depends $m: unexpected '$line'" ;;
			esac
		done < <(modprobe -d "$KROOT" -S "$KVER" --show-depends "$m")
	done
	key=$({
		cat "$RK_DIR/lib/init"
		echo "$KPKG $KVERSION $BBPKG $BBVERSION"
		printf '%s\n' "${mods[@]##*/}"
	} | sha256sum | cut -c1-16)
	INITRD="$RK_CACHE/initramfs-$key.cpio.gz"
	[[ -f $INITRD ]] && return 0

	rk_mktemp stage
	mkdir -p "$stage/bin" "$stage/lib/modules"
	install -m 0755 "$BUSYBOX" "$stage/bin/busybox"
	install -m 0755 "$RK_DIR/lib/init" "$stage/init"
	for path in "${mods[@]}"; do
		base=${path##*/}
		# busybox insmod loads plain .ko only; newer Debian kernels compress modules.
		case $base in
		*.ko.xz) xz -dc "$path" >"$stage/lib/modules/${base%.xz}" ;;
		*.ko.zst) zstd -qdc "$path" >"$stage/lib/modules/${base%.zst}" ;;
		*.ko.gz) gzip -dc "$path" >"$stage/lib/modules/${base%.gz}" ;;
		*) cp "$path" "$stage/lib/modules/$base" ;;
		esac
		echo "${base%.ko*}.ko" >>"$stage/lib/modules/order"
	done
	(cd "$stage" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --owner=0:0 --quiet) |
		gzip -1 >"$INITRD.tmp"
	mv "$INITRD.tmp" "$INITRD"
}

# ---- one boot -----------------------------------------------------------------------------------

# QEMU's option parser splits on commas: a path given inside an option doubles them.
_qemu_path() { printf '%s' "${1//,/,,}"; }

# rk_boot SCENARIO_DIR TIMEOUT CMDLINE: boots the machine in QEMU_ARGS with the harness's
# shares and console; returns QEMU's exit status (124 on timeout). The guest leaves through
# isa-debug-exit, which makes QEMU exit 1 (see lib/init).
# "quiet": every character on the emulated UART costs, and the full boot log made a guest
# a third slower; lib/init saves the whole kernel log to the share (dmesg.txt) instead.
# "mitigations=off": TCG emulates every retpoline, barrier and buffer flush of the CPU
# bug mitigations, which nearly doubled a guest's run time; nothing vfiokit reads depends
# on them.
rk_boot() {
	local sdir=$1 tmo=$2 cmdline=$3 rc=0
	local -a qemu=(
		qemu-system-x86_64
		-machine q35,kernel-irqchip=split -accel tcg -m "${SCENARIO_MEM:-1024}" -smp 2
		-nodefaults -no-user-config -display none -monitor none -no-reboot
		-chardev "file,id=vkcon,path=$(_qemu_path "$sdir/console.log")" -serial chardev:vkcon
		-device isa-debug-exit,iobase=0xf4,iosize=0x04
		"${QEMU_ARGS[@]}"
		-fsdev "local,id=vkhost,path=/,security_model=none,readonly=on,multidevs=remap"
		-device virtio-9p-pci,fsdev=vkhost,mount_tag=vkhost,bus=pcie.0,addr=0x17
		-fsdev "local,id=vkout,path=$(_qemu_path "$sdir/share"),security_model=none"
		-device virtio-9p-pci,fsdev=vkout,mount_tag=vkout,bus=pcie.0,addr=0x18
		-kernel "$KERNEL_IMAGE" -initrd "$INITRD"
		-append "console=ttyS0 quiet mitigations=off panic=-1 rdinit=/init $cmdline"
	)
	printf '%q ' "${qemu[@]}" >"$sdir/qemu.cmdline"
	echo >>"$sdir/qemu.cmdline"
	# In the background so the EXIT trap can stop it; timeout forwards that TERM to QEMU.
	timeout --kill-after=10 "$tmo" "${qemu[@]}" </dev/null >"$sdir/qemu.log" 2>&1 &
	RK_QEMU_PID=$!
	wait "$RK_QEMU_PID" || rc=$?
	RK_QEMU_PID=
	return "$rc"
}
