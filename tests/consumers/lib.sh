# SPDX-License-Identifier: LGPL-2.1-or-later
# Sourced by the consumer tests: each edits a file with edit-tool and hands the result to the
# program that reads that file for real (sh, bash, kmod, kernel-install, initramfs-tools).

VFIO_IDS=10de:1401,10de:0fba
fails=0
passes=0
skips=0

fail() {
	echo "FAIL $*"
	fails=$((fails + 1))
}

pass() {
	echo "ok   $*"
	passes=$((passes + 1))
}

skip() {
	echo "skip $*"
	skips=$((skips + 1))
}

# finish: the plain closing line, and the exit status meson reads.
finish() {
	echo "$passes passed, $fails failed, $skips skipped"
	[ "$fails" -eq 0 ]
}

# changed_only ORIG NEW ERE: every line diff(1) shows as removed or added matches ERE.
changed_only() {
	bad=$(diff "$1" "$2" | sed -n 's/^[<>] //p' | grep -Ev -e "$3" || true)
	if [ -n "$bad" ]; then
		echo "  unexpected change: $bad" | head -3
		return 1
	fi
	return 0
}

# words STRING: one word per line.
words() {
	printf '%s\n' "$1" | tr -s ' \t\n' '\n\n\n' | sed '/^$/d'
}

# is_gpu NAME: amdgpu radeon nouveau nvidia* i915 xe ('-' == '_').
is_gpu() {
	case $(printf '%s' "$1" | tr - _) in
	amdgpu | radeon | nouveau | nvidia* | i915 | xe) return 0 ;;
	*) return 1 ;;
	esac
}

# vfio_first LIST...: prints why not, and fails, unless vfio_pci vfio vfio_iommu_type1 are all
# there, each first listed ahead of every GPU driver (a later copy loads nothing: it is loaded
# already), and vfio_virqfd is not there.
vfio_first() {
	_gpu= _pci= _vfio= _t1=
	for _m in "$@"; do
		_n=$(printf '%s' "$_m" | tr - _ | sed 's/?$//')
		case $_n in
		vfio_virqfd) echo "  vfio_virqfd listed (gone since 6.2)"; return 1 ;;
		vfio_pci | vfio | vfio_iommu_type1)
			case $_n in
			vfio_pci) [ -n "$_pci" ] && continue; _pci=1 ;;
			vfio) [ -n "$_vfio" ] && continue; _vfio=1 ;;
			*) [ -n "$_t1" ] && continue; _t1=1 ;;
			esac
			if [ -n "$_gpu" ]; then
				echo "  $_n after GPU driver $_gpu"
				return 1
			fi
			;;
		*) is_gpu "$_n" && [ -z "$_gpu" ] && _gpu=$_n ;;
		esac
	done
	[ -n "$_pci" ] && [ -n "$_vfio" ] && [ -n "$_t1" ] && return 0
	echo "  missing vfio modules in: $*"
	return 1
}

# hook_functions: initramfs-tools' hook-functions, installed or unpacked by scripts/bootstrap.
hook_functions() {
	for _f in /usr/share/initramfs-tools/hook-functions \
		"${XDG_CACHE_HOME:-$HOME/.cache}/vfiokit/initramfs-tools-core/usr/share/initramfs-tools/hook-functions"; do
		[ -r "$_f" ] && { echo "$_f"; return 0; }
	done
	return 0
}
