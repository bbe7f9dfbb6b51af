/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The partition table inside a guest's disk, read as untrusted input. The guest writes it,
 * so it may be damaged or hostile (kpartx's own parser had an integer overflow on crafted
 * tables). libblkid reads it; then every entry is bounds-checked against the device, the
 * entries against each other, and a GPT's header and entry array are re-read here with
 * explicit limits, because libblkid silently drops entries outside the usable area and
 * falls back to "PMBR" for a header it cannot use: vfiokit refuses such a table and says
 * what is wrong, rather than exposing a subset of it.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "macro.h"

/* What the kernel accepts as a partition number (DISK_MAX_PARTS is 256). */
#define VK_PTABLE_MAX_PARTNO 255u
/* GPT entry arrays larger than this are refused (UEFI's minimum is 128 entries; no
 * partitioning tool writes more than a few hundred). */
#define VK_GPT_MAX_ENTRIES 16384u

struct vk_part {
	unsigned partno;        /* 1-based; MBR logical partitions from 5 */
	uint64_t start, size;   /* bytes */
	char *type;             /* GPT type GUID (upper case) or "0x07" */
	const char *type_name;  /* "Microsoft basic data", static, untranslated; NULL unknown */
	char *uuid;             /* PARTUUID */
	char *name;             /* GPT partition name (PARTLABEL) */
	bool container;         /* an MBR extended partition: it holds the logical ones, never mapped */
	char *fstype;           /* what is inside: "ntfs", "vfat", ... NULL: nothing recognised */
	char *label;            /* its filesystem label */
};

struct vk_ptable {
	uint64_t size;          /* bytes of the whole device */
	char *pttype;           /* "gpt" or "dos"; NULL: no partition table */
	char *ptuuid;
	struct vk_part *parts;  /* sorted by partition number */
	size_t n_parts;
	/* When there is no table, what is on the device instead (libblkid's TYPE and USAGE:
	 * "filesystem", "raid", "crypto", "other"). */
	char *fstype, *usage, *label, *uuid;
};

/*
 * Reads the partition table on @fd (a block device or an image file, @size bytes).
 * Returns 0 with *ret (pttype NULL when there is none: then fstype and usage say what is
 * there); -EBADMSG when the table is refused, with a translated one-line reason in *why;
 * another negative errno when the device cannot be read.
 */
int vk_ptable_read(int fd, uint64_t size, struct vk_ptable **ret, char **why);
void vk_ptable_free(struct vk_ptable *t);
static inline void vk_ptable_freep(struct vk_ptable **t)
{
	if (*t)
		vk_ptable_free(*t);
}
#define _cleanup_ptable_ _cleanup_(vk_ptable_freep)

/* Number of partitions that would be mapped (not counting MBR containers). */
size_t vk_ptable_count(const struct vk_ptable *t);
/* A friendly name of the table type: "GPT", "MBR". */
const char *vk_ptable_type_name(const char *pttype);
