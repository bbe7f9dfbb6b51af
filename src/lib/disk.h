/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The guest's raw disk (guide §10): which block device or image file a name means, and
 * whether it is safe to hand to a VM. Everything is read through the root layer: sysfs
 * (/sys/class/block), /proc/self/mountinfo, /proc/swaps, /etc/fstab, /etc/crypttab and the
 * udev links under /dev/disk. 'disk check' prints these findings; 'vm create' refuses on
 * the same ones.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "report.h"
#include "ptable.h"
#include "root.h"

struct vk_blockdev {
	char *spec;             /* as given: "/dev/sdb2", "UUID=...", "/dev/disk/by-id/..." */
	char *path;             /* the resolved path inside the root, symlinks followed */
	char *kname;            /* kernel name ("sdb2"); NULL for an image file */
	char *parent;           /* for a partition: the whole disk's kernel name */
	unsigned major, minor;  /* from sysfs "dev"; 0:0 unknown or an image file */
	bool is_file;           /* a regular image file, not a block device */
	bool is_partition;      /* /sys/class/block/<kname>/partition exists */
	uint64_t size;          /* bytes: sysfs "size" x 512, or the file's size */
	dev_t st_dev;           /* the node's or file's identity inside the root */
	ino_t st_ino;
};

/*
 * Resolves @spec inside @root: an absolute path, a path relative to the working directory
 * (live host only), /dev/disk/by-* links, or UUID=, PARTUUID=, LABEL=, PARTLABEL= (through
 * the udev links). A path under /dev that is a plain file in a fixture root stands for the
 * block device of that name in /sys/class/block. Returns 0, -ENOENT, -ENOTBLK (neither a
 * block device nor a regular file), or another negative errno.
 */
int vk_blockdev_resolve(struct vk_root *root, const char *spec, struct vk_blockdev **ret);
void vk_blockdev_free(struct vk_blockdev *d);
static inline void vk_blockdev_freep(struct vk_blockdev **d)
{
	if (*d)
		vk_blockdev_free(*d);
}
#define _cleanup_blockdev_ _cleanup_(vk_blockdev_freep)

/* Opens the device's content (the node or the image file) through the root. */
int vk_blockdev_open(struct vk_root *root, const struct vk_blockdev *d, int flags);
/* The readable size of an open device or file, in bytes. */
int vk_fd_size(int fd, uint64_t *ret);
/* Same device or same file. */
bool vk_blockdev_same(const struct vk_blockdev *a, const struct vk_blockdev *b);
/*
 * True when @dev is part of what @kname stands on: @kname itself, its whole disk, or any
 * device below it through device-mapper or md ("slaves"), recursively. So a mounted
 * /dev/mapper/vg-root involves the PV partition under it and that partition's disk.
 */
bool vk_blockdev_under(struct vk_root *root, const char *kname, const struct vk_blockdev *dev);
/* Kernel name of the block device MAJ:MIN under @root, or NULL. */
char *vk_block_kname(struct vk_root *root, unsigned major, unsigned minor);

/* Loop devices whose backing file is @dev (kernel names, sorted). */
int vk_blockdev_loops(struct vk_root *root, const struct vk_blockdev *dev, char ***ret);

struct vk_mount {
	unsigned major, minor;  /* st_dev of the mounted filesystem */
	char *source;           /* "/dev/sdb2", "UUID=..." as the kernel shows it */
	char *target;           /* mount point */
	char *fstype;
};
/* /proc/self/mountinfo, or /proc/mounts when mountinfo is absent (major:minor then 0:0). */
int vk_mounts_read(struct vk_root *root, struct vk_mount **ret, size_t *n);
void vk_mounts_free(struct vk_mount *m, size_t n);
/* True when the mount's filesystem sits on @dev (or on a loop device backed by it). */
bool vk_mount_involves(struct vk_root *root, const struct vk_mount *m, const struct vk_blockdev *dev, char *const *loops);

/* The guide's recommendation for a gaming guest (§10), and Windows 11's minimum. */
#define VK_DISK_RECOMMENDED_BYTES (200ull * 1000 * 1000 * 1000)
#define VK_DISK_MINIMUM_BYTES (64ull * 1000 * 1000 * 1000)

struct vk_disk_check_opts {
	/* libvirt URI. NULL: qemu:///system on the live host; on any other root the libvirt
	 * check is skipped (a fixture's domains are not on this host's libvirt). */
	const char *connect;
	/* A domain that may use the device without it counting (the one 'vm create' edits). */
	const char *own_domain;
};

struct vk_disk_report {
	struct vk_blockdev *dev;
	struct vk_ptable *content;   /* NULL when it could not be read or was refused */
	char *content_error;         /* why not (translated), or NULL */
	char *stable_path;           /* by-id, by-partuuid, or the image's path; NULL if none */
	struct vk_report findings; /* disk.mounted, disk.fstab, disk.crypttab, disk.swap,
				      * disk.holders, disk.root, disk.libvirt, disk.size,
				      * disk.content, disk.path: in this order */
};

/* Runs every check on @spec. Errors are only for a @spec that cannot be resolved (see
 * vk_blockdev_resolve()) or out of memory; anything unreadable becomes a finding. */
int vk_disk_check(struct vk_root *root, const char *spec, const struct vk_disk_check_opts *opts,
		  struct vk_disk_report **ret);
void vk_disk_report_free(struct vk_disk_report *r);
static inline void vk_disk_report_freep(struct vk_disk_report **r)
{
	if (*r)
		vk_disk_report_free(*r);
}

/* "465.8G", "512M", "4K": lsblk's one-letter binary units (SIZE_SUFFIX_1LETTER). */
char *vk_format_size(uint64_t bytes);
