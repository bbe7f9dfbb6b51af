/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Which distribution family, initramfs generator and boot loader a root uses (domain.md
 * §5.1, §6.7): os-release first, then confirmed by the files that exist, since
 * os-release alone does not say which generator built the current initramfs.
 */
#pragma once

#include "host.h"

enum vk_family {
	VK_FAMILY_UNKNOWN,
	VK_FAMILY_ARCH,
	VK_FAMILY_DEBIAN, /* Debian, Ubuntu, Pop!_OS, Proxmox, Mint */
	VK_FAMILY_FEDORA, /* Fedora, RHEL, CentOS, Alma, Rocky */
	VK_FAMILY_SUSE,
};

enum vk_initramfs {
	VK_INITRAMFS_UNKNOWN,
	VK_INITRAMFS_MKINITCPIO,
	VK_INITRAMFS_DRACUT,
	VK_INITRAMFS_TOOLS, /* initramfs-tools */
	VK_INITRAMFS_BOOSTER,
};

enum vk_bootloader {
	VK_BOOT_UNKNOWN,
	VK_BOOT_GRUB,
	VK_BOOT_GRUB_BLS,         /* GRUB with BLS entries, edited with grubby (Fedora, RHEL) */
	VK_BOOT_SYSTEMD_BOOT,     /* loader entries, and /etc/kernel/cmdline when present */
	VK_BOOT_KERNEL_CMDLINE,   /* /etc/kernel/cmdline only (UKI, proxmox-boot-tool) */
	VK_BOOT_KERNELSTUB,       /* Pop!_OS */
	VK_BOOT_REFIND,
	VK_BOOT_LIMINE,
	VK_BOOT_EFISTUB,          /* efibootmgr: vfiokit only prints the command */
};

struct vk_distro {
	enum vk_family family;
	enum vk_initramfs initramfs;
	enum vk_bootloader bootloader;
	bool proxmox;             /* proxmox-boot-tool manages the ESPs */
	bool uefi;                /* /sys/firmware/efi exists */
};

/* Needs VK_LOAD_SYSTEM (os-release). Reads the files it needs through the root. */
void vk_distro_detect(const struct vk_host *h, struct vk_distro *ret);

const char *vk_family_name(enum vk_family f);
const char *vk_initramfs_name(enum vk_initramfs i);
const char *vk_bootloader_name(enum vk_bootloader b);
/* "apt install", "pacman -S", "dnf install", "zypper install"; NULL when unknown. */
const char *vk_family_install_command(enum vk_family f);
/* The package names of qemu, libvirt and OVMF for the family ("qemu-full libvirt edk2-ovmf"). */
const char *vk_family_virt_packages(enum vk_family f);
/* A short instruction for adding @param to the kernel command line on this boot loader. */
char *vk_distro_cmdline_hint(const struct vk_distro *d, const char *param);
