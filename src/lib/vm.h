/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What 'vm create' decides from the host before any XML exists: the guest's disk (by a
 * stable path, and whether the host may give it away), memory, the PCI devices' IOMMU
 * groups, USB devices, and the name. Everything is read through the root layer.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "host.h"

/* A block device named on the command line. */
struct vk_vm_disk {
	char *name;    /* kernel name: "sdb2", "nvme1n1", "dm-3" */
	char *parent;  /* for a partition, its disk ("sdb"); NULL for a whole disk */
	char *devnum;  /* "8:18" (/sys/class/block/NAME/dev); NULL if unreadable */
	char *path;    /* what the domain names: a /dev/disk/by-* link, else /dev/NAME */
	bool stable;   /* path is a /dev/disk/by-id, by-partuuid or by-uuid link */
};
void vk_vm_disk_clear(struct vk_vm_disk *d);

/* Resolves @arg ("/dev/sdb2", "/dev/disk/by-id/...", "/dev/mapper/x") inside the root.
 * -EINVAL: not a /dev path; -ENODEV: no such block device under /sys/class/block. */
int vk_vm_disk_resolve(struct vk_root *r, const char *arg, struct vk_vm_disk *ret);

enum vk_disk_problem {
	VK_DISK_SAFE,
	VK_DISK_ROOT,          /* the disk that holds the host's / */
	VK_DISK_MOUNTED,       /* mounted (detail: the mount point) */
	VK_DISK_PART_MOUNTED,  /* a partition of this disk is mounted (detail: "sdb1 on /mnt") */
	VK_DISK_HELD,          /* used by device mapper, LVM or RAID (detail: the holder) */
	VK_DISK_SWAP,          /* active swap (detail: the device) */
};

/*
 * Whether the host may hand @d to a guest: not mounted (nor any partition of it), not
 * held by device mapper/LVM/RAID, not swap, not the disk holding "/". Reads
 * /proc/self/mountinfo (or /proc/mounts), /proc/swaps and /sys/class/block. The shared
 * 'disk check' tests will be called from here. *detail (caller frees) names the mount
 * point or holder. Returns 0 (and *problem) or a negative errno.
 */
int vk_vm_disk_safety(struct vk_root *r, const struct vk_vm_disk *d, enum vk_disk_problem *problem, char **detail);

/* Memory for the guest when not given: half the host's RAM in whole GiB, at least the
 * 8 GiB the guide asks for while the host keeps 4 GiB. -ERANGE under 6 GiB of RAM,
 * -ENODATA when the host's RAM is unknown. */
int vk_vm_default_memory(uint64_t host_kib, uint64_t *ret_kib);

/* "16G", "16GiB", "8192M", "8192" (MiB): the size in KiB. -EINVAL, -ERANGE. */
int vk_vm_parse_size(const char *s, uint64_t *ret_kib);

/* A name libvirt takes and a file name can carry: 1 to 200 bytes of valid UTF-8 without
 * control characters or '/'. XML special characters are fine (the builder escapes them). */
bool vk_vm_name_valid(const char *name);

/* "046d:c52b" */
int vk_usb_id_parse(const char *s, uint16_t *vendor, uint16_t *product);
/* How many USB devices with that ID are plugged in (/sys/bus/usb/devices). */
int vk_vm_usb_count(struct vk_root *r, uint16_t vendor, uint16_t product);

/* Endpoints sharing an IOMMU group with one of @passed that are neither passed too nor
 * off the host already (vfio-pci, pci-stub, no driver). libvirt's managed='yes' detaches
 * only what the domain lists; any of these leaves the group not viable and QEMU refuses
 * to start (domain.md §2). Bridges are exempt. */
int vk_vm_group_blockers(const struct vk_host *h, struct vk_pci_dev *const *passed, size_t n,
			 struct vk_pci_dev ***ret, size_t *n_ret);
