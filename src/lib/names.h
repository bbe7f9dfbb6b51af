/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * PCI names through libpci, so vfiokit prints exactly the strings lspci prints with the same
 * pci.ids. The database is the root's own (/usr/share/misc/pci.ids, /usr/share/hwdata/pci.ids);
 * a root that has none (a fixture, an imported listing without names) uses the running
 * system's, as lspci does when it reads a dump.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "root.h"

struct vk_names;

int vk_names_new(const struct vk_root *r, struct vk_names **ret);
struct vk_names *vk_names_free(struct vk_names *n);
static inline void vk_names_freep(struct vk_names **n)
{
	vk_names_free(*n);
}
/* The database in use, for messages; NULL if none was found (names are then numeric). */
const char *vk_names_source(const struct vk_names *n);

/* "VGA compatible controller [0300]" (lspci -nn). */
const char *vk_names_class_mixed(struct vk_names *n, int32_t class_code, char *buf, size_t size);
/* "NVIDIA Corporation GM206 [GeForce GTX 960] [10de:1401]" (lspci -nn). */
const char *vk_names_device_mixed(struct vk_names *n, int32_t vendor, int32_t device, char *buf, size_t size);
/* Plain names, or NULL when the database does not know them. */
const char *vk_names_vendor(struct vk_names *n, int32_t vendor, char *buf, size_t size);
const char *vk_names_device(struct vk_names *n, int32_t vendor, int32_t device, char *buf, size_t size);
const char *vk_names_class(struct vk_names *n, int32_t class_code, char *buf, size_t size);
/* "Gigabyte Technology Co., Ltd Device [1458:36b6]" (lspci -nnv "Subsystem:"). */
const char *vk_names_subsystem_mixed(struct vk_names *n, int32_t vendor, int32_t device, int32_t sv, int32_t sd,
				     char *buf, size_t size);

struct vk_pci_dev;
/* What lspci -nn prints for @d, split in two: @cls gets "VGA compatible controller [0300]",
 * @dev gets "NVIDIA Corporation GM206 [GeForce GTX 960] [10de:1401] (rev a1)". */
void vk_names_describe(struct vk_names *n, const struct vk_pci_dev *d, char *cls, size_t clsz, char *dev,
		       size_t devsz);
