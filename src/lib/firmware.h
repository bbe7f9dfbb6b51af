/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * UEFI firmware for a guest: QEMU's firmware descriptors (docs/interop/firmware.json) in
 * /usr/share/qemu/firmware and /etc/qemu/firmware, read through the root layer, merged as
 * QEMU and libvirt merge them (by file name, /etc overriding, an empty file masking), and
 * the known OVMF paths of the distributions for a host without descriptors (domain.md §7.2).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "root.h"

struct vk_firmware {
	char *descriptor;   /* "/usr/share/qemu/firmware/60-edk2-x86_64.json"; NULL: a known path */
	char *code;         /* executable (CODE) image */
	char *vars;         /* NVRAM template (VARS) image */
	bool secure_boot;   /* features: secure-boot */
	bool enrolled_keys; /* features: enrolled-keys (Microsoft keys in the template) */
	bool requires_smm;  /* features: requires-smm */
};

/* The descriptors that describe UEFI flash firmware with a separate NVRAM template for
 * x86_64 Q35 machines, in libvirt's order (file name). Others (BIOS, memory-mapped SEV
 * or TDX images, stateless builds, other architectures) are left out. */
int vk_firmware_list(struct vk_root *r, struct vk_firmware **ret, size_t *n);
void vk_firmware_free(struct vk_firmware *f, size_t n);

/* The first entry of @l that matches: without Secure Boot (or, with @secure_boot, with
 * Secure Boot and enrolled keys). NULL if none does. */
const struct vk_firmware *vk_firmware_pick(const struct vk_firmware *l, size_t n, bool secure_boot);

/* A CODE/VARS pair from the distributions' known paths that exists in the root, for
 * hosts without descriptors. Returns 0 (and fills @ret, descriptor NULL) or -ENOENT. */
int vk_firmware_known_paths(struct vk_root *r, bool secure_boot, struct vk_firmware *ret);
void vk_firmware_clear(struct vk_firmware *f);

/* True when the libvirt version (major * 1000000 + minor * 1000 + micro; 0: unknown,
 * taken as current) selects firmware itself from <os firmware='efi'> (5.2.0, domain.md §7.1). */
static inline bool vk_libvirt_has_firmware_autoselect(unsigned long v)
{
	return v == 0 || v >= 5002000;
}
/* <os><firmware><feature name='secure-boot'/></firmware> exists since 7.2.0. */
static inline bool vk_libvirt_has_firmware_features(unsigned long v)
{
	return v == 0 || v >= 7002000;
}
