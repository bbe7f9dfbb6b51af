#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# realworld.sh EDIT_TOOL REALWORLD: every file of REALWORLD/config (configuration files from real
# machines, see its SOURCES.md) goes through the editor for its kind, and the result goes to the
# program that reads that kind of file:
#   /etc/default/grub        dash sources it (grub-mkconfig runs sh)
#   mkinitcpio.conf          bash sources it (+ the vfiokit drop-in after the original)
#   dracut.conf(.d)          bash sources it (+ the vfiokit drop-in after the original)
#   initramfs-tools modules  initramfs-tools' own add_modules_from_file writes conf/modules
#   modprobe.d               kmod: modprobe -C DIR --showconfig, no "ignoring bad line"
#   /etc/kernel/cmdline      systemd's 90-loaderentry.install writes a loader entry from it
#   BLS entries, refind      no program here reads them: checked against the format's rules
# and diff shows that only the intended lines changed. One line per file (the matrix); a file
# nobody mapped fails the test, so a new file is noticed. Skips (exit 77) without the folder.
set -eu
T=$1
RW=$2
here=$(dirname "$0")
. "$here/lib.sh"
[ -d "$RW/config" ] || { echo "no $RW/config: skipping"; exit 77; }
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT INT TERM
KERNEL=6.12.10-arch1-1 # >= 6.2: vfio_virqfd is obsolete
MPCONF=/etc/modprobe.d/vfiokit.conf

row() { # verdict file editor consumer-says
	if [ "$1" = ok ]; then pass "$2 | $3 | $4"; elif [ "$1" = skip ]; then skip "$2 | $3 | $4"; else fail "$2 | $3 | $4"; fi
}

grub_file() {
	f=$1 n=$2 out=$W/$n
	if ! "$T" grub --add intel_iommu=on --add iommu=pt --add vfio-pci.ids=$VFIO_IDS --remove vfio-pci.ids "$f" >"$out" 2>"$W/err"; then
		row fail "$n" grub "editor refused: $(cat "$W/err")"
		return
	fi
	# The command line of the default entries: GRUB_CMDLINE_LINUX then _DEFAULT.
	show='. "$1" >/dev/null 2>&1; printf "%s %s" "$GRUB_CMDLINE_LINUX" "$GRUB_CMDLINE_LINUX_DEFAULT"'
	old=$(dash -c "$show" sh "$f")
	if ! dash -n "$out" || ! new=$(dash -c "$show" sh "$out"); then
		row fail "$n" grub "dash cannot source the result"
		return
	fi
	def=$(dash -c '. "$1" >/dev/null 2>&1; printf "%s" "$GRUB_CMDLINE_LINUX_DEFAULT"' sh "$out")
	strip='^(intel_iommu=on|iommu=pt|vfio[-_]pci\.ids=.*)$'
	if [ "$(words "$old" | grep -Ev "$strip")" != "$(words "$new" | grep -Ev "$strip")" ]; then
		row fail "$n" grub "dash: other parameters changed: '$old' -> '$new'"
	elif [ "$(words "$new" | grep -Ec '^vfio[-_]pci\.ids=')" != 1 ] || ! words "$new" | grep -qx "vfio-pci.ids=$VFIO_IDS" ||
		! words "$new" | grep -qx intel_iommu=on || ! words "$new" | grep -qx iommu=pt; then
		row fail "$n" grub "dash: parameters missing or doubled: '$new'"
	elif ! words "$def" | grep -qx "vfio-pci.ids=$VFIO_IDS"; then
		row fail "$n" grub "dash: GRUB_CMDLINE_LINUX_DEFAULT lacks the ids: '$def'"
	elif ! changed_only "$f" "$out" '^(GRUB_CMDLINE_LINUX(_DEFAULT)?=|# added by vfiokit$)'; then
		row fail "$n" grub "diff: other lines changed"
	else
		row ok "$n" grub "dash: GRUB_CMDLINE_LINUX_DEFAULT=\"$def\""
	fi
}

mkinitcpio_file() {
	f=$1 n=$2 out=$W/$n
	if ! "$T" mkinitcpio --kernel $KERNEL --report "$W/rep" "$f" >"$out" 2>"$W/err"; then
		row fail "$n" mkinitcpio "editor refused: $(cat "$W/err")"
		return
	fi
	# As mkinitcpio: source, then a string MODULES becomes words (arrayize_config, set -f).
	show='set -f; source "$1"; for x in "${@:2}"; do source "$x"; done; printf "%s\n" ${MODULES[@]}'
	if ! mods=$(bash -c "$show" bash "$out") || ! why=$(vfio_first $mods); then
		row fail "$n" mkinitcpio "bash: MODULES=($mods) $why"
		return
	fi
	if ! changed_only "$f" "$out" '^(MODULES=|# added by vfiokit$)'; then
		row fail "$n" mkinitcpio "diff: other lines changed"
		return
	fi
	hooks=$("$T" mkinitcpio-has-hook --hook modconf "$out")
	# The drop-in after the untouched main file: vfio first, whatever the main file lists.
	"$T" mkinitcpio-dropin --kernel $KERNEL --main "$f" >"$W/dropin.conf"
	dmods=$(bash -c "$show" bash "$f" "$W/dropin.conf")
	first=$(printf '%s\n' $dmods | head -3 | tr '\n' ' ')
	if [ "$first" != "vfio_pci vfio vfio_iommu_type1 " ]; then
		row fail "$n" mkinitcpio "bash with the drop-in: MODULES=($dmods)"
		return
	fi
	row ok "$n" mkinitcpio "bash: MODULES=($(echo $mods)); with drop-in: ($(echo $dmods)); modconf in HOOKS: $hooks"
}

dracut_file() {
	f=$1 n=$2 out=$W/$n
	if ! "$T" dracut --kernel $KERNEL --install-item $MPCONF "$f" >"$out" 2>"$W/err"; then
		row fail "$n" dracut "editor refused: $(cat "$W/err")"
		return
	fi
	show='source "$1"; for x in "${@:2}"; do source "$x"; done; printf "%s|%s|%s|%s" "$force_drivers" "$add_drivers" "${drivers:-}" "$install_items"'
	if ! v=$(bash -c "$show" bash "$out"); then
		row fail "$n" dracut "bash cannot source the result"
		return
	fi
	force=${v%%|*}
	rest=${v#*|}
	if ! why=$(vfio_first $force); then
		row fail "$n" dracut "bash: force_drivers='$force' $why"
	elif printf '%s' "$rest" | tr -s ' \t|' '\n' | grep -qx 'vfio[-_]virqfd'; then
		row fail "$n" dracut "bash: vfio_virqfd still listed: '$rest'"
	elif ! words "${rest##*|}" | grep -qx $MPCONF; then
		row fail "$n" dracut "bash: install_items lacks $MPCONF"
	elif ! changed_only "$f" "$out" '^(force_drivers\+=|install_items\+=|add_drivers\+?=|# added by vfiokit$)'; then
		row fail "$n" dracut "diff: other lines changed"
	else
		# The generated drop-in after the original file: separate words, not glued.
		"$T" dracut --kernel $KERNEL --install-item $MPCONF >"$W/vfiokit.conf"
		v2=$(bash -c "$show" bash "$f" "$W/vfiokit.conf")
		if ! vfio_first ${v2%%|*} >/dev/null; then
			row fail "$n" dracut "bash with the drop-in: force_drivers='${v2%%|*}'"
		else
			row ok "$n" dracut "bash: force_drivers='$force'; with drop-in: '${v2%%|*}'"
		fi
	fi
}

itools_file() {
	f=$1 n=$2 out=$W/$n note=${3:-}
	hf=$(hook_functions)
	if ! "$T" itools --kernel $KERNEL "$f" >"$out" 2>"$W/err"; then
		row fail "$n" itools "editor refused: $(cat "$W/err")"
		return
	fi
	if [ -z "$hf" ]; then
		row skip "$n" itools "no initramfs-tools hook-functions (scripts/bootstrap test unpacks it)"
		return
	fi
	rm -rf "$W/initrd"
	mkdir -p "$W/initrd/conf"
	# initramfs-tools' own reader; copying the modules is stubbed, the load list is real.
	DESTDIR=$W/initrd sh -c '. "$1"; manual_add_modules() { :; }; add_modules_from_file "$2"' sh "$hf" "$out"
	mods=$(cut -d' ' -f1 "$W/initrd/conf/modules")
	if ! why=$(vfio_first $mods); then
		row fail "$n" itools "conf/modules: $(echo $mods) $why"
	elif [ "$(grep -Ev '^vfio' "$f")" != "$(grep -Ev '^vfio' "$out")" ]; then
		row fail "$n" itools "diff: other lines changed or reordered"
	else
		row ok "$n" itools "initramfs-tools add_modules_from_file: load order $(echo $mods)$note"
	fi
}

modprobe_file() {
	f=$1 n=$2 d=$W/modprobe.d
	rm -rf "$d"
	mkdir -p "$d"
	if ! "$T" modprobe --option ids=$VFIO_IDS --option disable_vga=1 --softdep nvidia --softdep nouveau --softdep amdgpu \
		--softdep snd_hda_intel "$f" >"$d/$n" 2>"$W/err"; then
		row fail "$n" modprobe "editor refused: $(cat "$W/err")"
		return
	fi
	modprobe -C "$d" --showconfig >"$W/show" 2>"$W/kmod.err" || true
	before=$(modprobe -C "$f" --showconfig 2>&1 >/dev/null | grep -c 'ignoring bad line' || true)
	after=$(grep -c 'ignoring bad line' "$W/kmod.err" || true)
	ids=$(grep '^options vfio_pci ' "$W/show" | tr ' ' '\n' | grep '^ids=' || true)
	sd_ok=1
	for drv in nvidia nouveau amdgpu snd_hda_intel; do
		grep "^softdep $drv " "$W/show" | head -1 | grep -Eq ' pre:.* vfio-pci( |post:|$)' || sd_ok=
	done
	if [ "$after" -gt "$before" ]; then
		row fail "$n" modprobe "kmod: $(cat "$W/kmod.err")"
	elif [ "$ids" != "ids=$VFIO_IDS" ]; then
		row fail "$n" modprobe "kmod: vfio_pci ids are '$(echo $ids)'"
	elif [ -z "$sd_ok" ]; then
		row fail "$n" modprobe "kmod: a softdep lacks vfio-pci: $(grep '^softdep' "$W/show" | tr '\n' ';')"
	elif ! changed_only "$f" "$d/$n" '^(options vfio[-_]pci |softdep )'; then
		row fail "$n" modprobe "diff: other lines changed"
	else
		row ok "$n" modprobe "kmod --showconfig: $(grep '^options vfio_pci' "$W/show" | tr '\n' ';') $(grep -c '^softdep' "$W/show") softdep lines, no bad line"
	fi
}

kcmdline_file() {
	f=$1 n=$2 c=$W/kernel b=$W/boot
	hook=/usr/lib/kernel/install.d/90-loaderentry.install
	rm -rf "$c" "$b"
	mkdir -p "$c" "$b/vfiokit/6.1.0-test" "$W/stage"
	if ! "$T" kcmdline --add intel_iommu=on --add iommu=pt --add vfio-pci.ids=$VFIO_IDS --remove vfio-pci.ids "$f" >"$c/cmdline" 2>"$W/err"; then
		row fail "$n" kcmdline "editor refused: $(cat "$W/err")"
		return
	fi
	if [ ! -r $hook ]; then
		row skip "$n" kcmdline "systemd's 90-loaderentry.install not installed"
		return
	fi
	: >"$W/vmlinuz"
	KERNEL_INSTALL_CONF_ROOT=$c KERNEL_INSTALL_LAYOUT=bls KERNEL_INSTALL_MACHINE_ID=0123456789abcdef0123456789abcdef \
		KERNEL_INSTALL_ENTRY_TOKEN=vfiokit KERNEL_INSTALL_BOOT_ROOT=$b KERNEL_INSTALL_VERBOSE=0 \
		KERNEL_INSTALL_STAGING_AREA=$W/stage sh $hook add 6.1.0-test "$b/vfiokit/6.1.0-test" "$W/vmlinuz" >/dev/null
	opts=$(sed -n 's/^options *//p' "$b/loader/entries/vfiokit-6.1.0-test.conf")
	want="$(cat "$f") vfio-pci.ids=$VFIO_IDS"
	if [ "$opts" != "$want" ]; then
		row fail "$n" kcmdline "90-loaderentry.install: options '$opts', wanted '$want'"
	else
		row ok "$n" kcmdline "90-loaderentry.install wrote: options $opts"
	fi
}

# The options of a BLS entry as the spec joins them: every "options" line, in order.
bls_options() {
	awk '$1 == "options" { sub(/^[ \t]*options[ \t]+/, ""); printf "%s ", $0 }' "$1"
}

bls_file() {
	f=$1 n=$2 out=$W/$n
	if ! "$T" bls --add intel_iommu=on --add iommu=pt --add vfio-pci.ids=$VFIO_IDS --remove vfio-pci.ids "$f" >"$out" 2>"$W/err"; then
		if ! grep -q '^linux[[:blank:]]' "$f" && grep -q 'not a Linux boot entry' "$W/err"; then
			row ok "$n" bls "refused as it should: $(sed 's/^edit-tool: //' "$W/err")"
		else
			row fail "$n" bls "editor refused: $(cat "$W/err")"
		fi
		return
	fi
	old=$(bls_options "$f") new=$(bls_options "$out")
	strip='^(intel_iommu=on|iommu=pt|vfio[-_]pci\.ids=.*)$'
	if [ "$(words "$old" | grep -Ev "$strip")" != "$(words "$new" | grep -Ev "$strip")" ] ||
		[ "$(words "$new" | grep -Ec '^vfio[-_]pci\.ids=')" != 1 ] || ! words "$new" | grep -qx "vfio-pci.ids=$VFIO_IDS"; then
		row fail "$n" bls "BLS rules: options '$new'"
	elif ! changed_only "$f" "$out" '^options[[:blank:]]'; then
		row fail "$n" bls "diff: other lines changed"
	else
		row ok "$n" bls "no BLS reader here; BLS rules (joined options): $new"
	fi
}

# rEFInd's ReadTokenLine: blanks, '=' and ',' separate outside quotes, '"' toggles, '#' ends.
refind_tokens() {
	awk '{
		n = 0; q = 0; tok = ""; intok = 0
		for (i = 1; i <= length($0); i++) {
			c = substr($0, i, 1)
			if (!q && c == "#") break
			if (c == "\"") { q = !q; intok = 1; continue }
			if (!q && (c == " " || c == "\t" || c == "=" || c == ",")) { if (intok) { n++; printf "%s\t", tok }; tok = ""; intok = 0; continue }
			tok = tok c; intok = 1
		}
		if (intok) { n++; printf "%s\t", tok }
		if (q) printf "UNTERMINATED"
		printf "%d\n", n
	}' "$1"
}

refind_file() {
	f=$1 n=$2 out=$W/$n
	label="Boot with VFIO (vfiokit)"
	if ! "$T" refind --add intel_iommu=on --add vfio-pci.ids=$VFIO_IDS --remove vfio-pci.ids "$f" >"$out" 2>"$W/err" ||
		! "$T" refind --label "$label" --add vfio-pci.ids=$VFIO_IDS --remove vfio-pci.ids "$f" >"$out.2" 2>>"$W/err"; then
		row fail "$n" refind "editor refused: $(cat "$W/err")"
		return
	fi
	if refind_tokens "$out" | grep -Ev '	2$|^0$' | grep -q . || refind_tokens "$out.2" | grep -Ev '	2$|^0$' | grep -q .; then
		row fail "$n" refind "ReadTokenLine rules: a line is not two strings"
	elif ! refind_tokens "$out" | head -1 | cut -f2 | tr ' ' '\n' | grep -qx "vfio-pci.ids=$VFIO_IDS"; then
		row fail "$n" refind "default entry lacks the ids"
	elif ! changed_only "$f" "$out" "^\"$(head -1 "$f" | cut -d'"' -f2)\"" ||
		[ "$(grep -vF "\"$label\"" "$out.2")" != "$(cat "$f")" ]; then
		row fail "$n" refind "diff: other lines changed"
	else
		row ok "$n" refind "no rEFInd here; ReadTokenLine rules: 2 strings a line, default + labelled entry"
	fi
}

for f in "$RW"/config/*; do
	n=$(basename "$f")
	case $n in
	*default-grub* | *grub2-packaging-default-grub.template) grub_file "$f" "$n" ;;
	arch-*mkinitcpio*) mkinitcpio_file "$f" "$n" ;;
	dracut-* | *dracut.conf.d-*) dracut_file "$f" "$n" ;;
	*initramfs-tools-modules) itools_file "$f" "$n" ;;
	*-etc-modules)
		# /etc/modules has the same line format; vfiokit writes the initramfs list instead,
		# since /etc/modules is read after the initramfs, too late for the GPU.
		itools_file "$f" "$n" " (an /etc/modules file: same format, read as initramfs-tools modules)" ;;
	modprobe-*.conf) modprobe_file "$f" "$n" ;;
	*kernel-cmdline*) kcmdline_file "$f" "$n" ;;
	systemd-boot-*.conf) bls_file "$f" "$n" ;;
	refind-*refind_linux.conf) refind_file "$f" "$n" ;;
	*.sh) row skip "$n" - "a shell script run by a modprobe install hook, not a configuration file" ;;
	*) row fail "$n" - "no editor mapped to this file: add it to tests/consumers/realworld.sh" ;;
	esac
done
finish
