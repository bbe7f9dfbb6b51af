/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Distribution family, initramfs generator and boot loader of a root (domain.md §5.1, §6.7). */
#include "distro.h"
#include "osrelease.h"
#include "util.h"

static bool exists(const struct vk_host *h, const char *path)
{
	return vk_root_exists(h->root, "%s", path) == 0;
}

static bool any_exists(const struct vk_host *h, const char *const *paths)
{
	for (; *paths; paths++)
		if (exists(h, *paths))
			return true;
	return false;
}

static bool has_bls_entries(const struct vk_host *h, const char *dir)
{
	_cleanup_strv_free_ char **names = NULL;

	if (vk_root_list_dir(h->root, dir, &names) < 0)
		return false;
	for (char **n = names; *n; n++)
		if (endswith(*n, ".conf"))
			return true;
	return false;
}

void vk_distro_detect(const struct vk_host *h, struct vk_distro *ret)
{
	static const char *const refind[] = { "/boot/refind_linux.conf", "/boot/efi/EFI/refind/refind.conf",
					      "/efi/EFI/refind/refind.conf", NULL };
	static const char *const limine[] = { "/boot/limine.conf", "/boot/limine/limine.conf", "/boot/efi/limine.conf",
					      "/efi/limine.conf", "/boot/limine.cfg", "/etc/default/limine", NULL };
	struct vk_distro d = {0};
	const char *id = h->os_id, *like = h->os_id_like;
	bool bls;

	if (vk_os_release_is_like(id, like, "arch"))
		d.family = VK_FAMILY_ARCH;
	else if (vk_os_release_is_like(id, like, "debian") || vk_os_release_is_like(id, like, "ubuntu"))
		d.family = VK_FAMILY_DEBIAN;
	else if (vk_os_release_is_like(id, like, "fedora") || vk_os_release_is_like(id, like, "rhel"))
		d.family = VK_FAMILY_FEDORA;
	else if (vk_os_release_is_like(id, like, "suse") || (id && startswith(id, "opensuse")))
		d.family = VK_FAMILY_SUSE;
	d.proxmox = exists(h, "/etc/pve") || exists(h, "/usr/sbin/proxmox-boot-tool") ||
		    exists(h, "/etc/kernel/proxmox-boot-uuids");
	d.uefi = exists(h, "/sys/firmware/efi");

	/* The generator: the one whose configuration exists, in the family's order. */
	if (exists(h, "/etc/booster.yaml"))
		d.initramfs = VK_INITRAMFS_BOOSTER;
	else if (exists(h, "/etc/mkinitcpio.conf") && d.family != VK_FAMILY_DEBIAN)
		d.initramfs = VK_INITRAMFS_MKINITCPIO;
	else if (exists(h, "/etc/initramfs-tools/initramfs.conf") || exists(h, "/etc/initramfs-tools/modules"))
		d.initramfs = VK_INITRAMFS_TOOLS;
	else if (exists(h, "/etc/dracut.conf") || exists(h, "/etc/dracut.conf.d"))
		d.initramfs = VK_INITRAMFS_DRACUT;
	else if (d.family == VK_FAMILY_ARCH)
		d.initramfs = VK_INITRAMFS_MKINITCPIO;
	else if (d.family == VK_FAMILY_DEBIAN)
		d.initramfs = VK_INITRAMFS_TOOLS;
	else if (d.family == VK_FAMILY_FEDORA || d.family == VK_FAMILY_SUSE)
		d.initramfs = VK_INITRAMFS_DRACUT;

	/* The boot loader, most specific evidence first. */
	bls = has_bls_entries(h, "/boot/loader/entries") || has_bls_entries(h, "/efi/loader/entries") ||
	      has_bls_entries(h, "/boot/efi/loader/entries");
	if (exists(h, "/etc/kernelstub/configuration"))
		d.bootloader = VK_BOOT_KERNELSTUB;
	else if (exists(h, "/etc/default/grub") && bls && d.family == VK_FAMILY_FEDORA)
		d.bootloader = VK_BOOT_GRUB_BLS;
	else if (exists(h, "/etc/default/grub") && !(d.proxmox && exists(h, "/etc/kernel/cmdline")))
		d.bootloader = VK_BOOT_GRUB;
	else if (bls)
		d.bootloader = VK_BOOT_SYSTEMD_BOOT;
	else if (exists(h, "/etc/kernel/cmdline"))
		d.bootloader = VK_BOOT_KERNEL_CMDLINE;
	else if (any_exists(h, refind))
		d.bootloader = VK_BOOT_REFIND;
	else if (any_exists(h, limine))
		d.bootloader = VK_BOOT_LIMINE;
	else if (d.uefi && d.family == VK_FAMILY_ARCH)
		d.bootloader = VK_BOOT_EFISTUB; /* the guide's own set-up: efibootmgr */
	*ret = d;
}

const char *vk_family_name(enum vk_family f)
{
	static const char *const names[] = { "unknown", "arch", "debian", "fedora", "suse" };
	return names[f];
}

const char *vk_initramfs_name(enum vk_initramfs i)
{
	static const char *const names[] = { "unknown", "mkinitcpio", "dracut", "initramfs-tools", "booster" };
	return names[i];
}

const char *vk_bootloader_name(enum vk_bootloader b)
{
	static const char *const names[] = { "unknown", "grub", "grub-bls", "systemd-boot", "kernel-cmdline",
					     "kernelstub", "refind", "limine", "efistub" };
	return names[b];
}

const char *vk_family_install_command(enum vk_family f)
{
	switch (f) {
	case VK_FAMILY_ARCH:
		return "pacman -S --needed";
	case VK_FAMILY_DEBIAN:
		return "apt install";
	case VK_FAMILY_FEDORA:
		return "dnf install";
	case VK_FAMILY_SUSE:
		return "zypper install";
	default:
		return NULL;
	}
}

const char *vk_family_virt_packages(enum vk_family f)
{
	switch (f) {
	case VK_FAMILY_ARCH:
		return "qemu-full libvirt edk2-ovmf";
	case VK_FAMILY_DEBIAN:
		return "qemu-system-x86 libvirt-daemon-system ovmf";
	case VK_FAMILY_FEDORA:
		return "qemu-kvm libvirt edk2-ovmf";
	case VK_FAMILY_SUSE:
		return "qemu-x86 libvirt qemu-ovmf-x86_64";
	default:
		return NULL;
	}
}

char *vk_distro_cmdline_hint(const struct vk_distro *d, const char *param)
{
	switch (d->bootloader) {
	case VK_BOOT_GRUB:
		return xasprintf(_("add %s to GRUB_CMDLINE_LINUX_DEFAULT in /etc/default/grub, then run '%s'"), param,
				 d->family == VK_FAMILY_DEBIAN ? "update-grub"
				 : d->family == VK_FAMILY_FEDORA || d->family == VK_FAMILY_SUSE
					 ? "grub2-mkconfig -o /boot/grub2/grub.cfg"
					 : "grub-mkconfig -o /boot/grub/grub.cfg");
	case VK_BOOT_GRUB_BLS:
		return xasprintf(_("run 'grubby --update-kernel=ALL --args=\"%s\"'"), param);
	case VK_BOOT_SYSTEMD_BOOT:
		return xasprintf(_("add %s to the 'options' line of your entries in /boot/loader/entries (and to /etc/kernel/cmdline, so new kernels keep it)"),
				 param);
	case VK_BOOT_KERNEL_CMDLINE:
		return xasprintf(_("add %s to /etc/kernel/cmdline, then run '%s'"), param,
				 d->proxmox ? "proxmox-boot-tool refresh" : "kernel-install add $(uname -r) /boot/vmlinuz-$(uname -r)");
	case VK_BOOT_KERNELSTUB:
		return xasprintf(_("run 'kernelstub -a \"%s\"'"), param);
	case VK_BOOT_REFIND:
		return xasprintf(_("add %s to the options of your entry in refind_linux.conf"), param);
	case VK_BOOT_LIMINE:
		return xasprintf(_("add %s to the cmdline of your entry in limine.conf"), param);
	case VK_BOOT_EFISTUB:
		return xasprintf(_("recreate the EFI boot entry with %s in its arguments (efibootmgr --create ... --unicode '...')"),
				 param);
	default:
		return xasprintf(_("add %s to the kernel command line in your boot loader's configuration"), param);
	}
}
