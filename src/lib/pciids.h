/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Reverse lookups in pci.ids (name -> ID), which libpci does not offer. Only `import`
 * needs them: listings such as plain `lspci` print names without IDs. Forward lookups
 * (ID -> name) always go through libpci (names.c).
 */
#pragma once

#include <stdint.h>

#include "root.h"

struct vk_pciids;

/* Loads the database the way vk_names_new() finds it (the root's, else the system's).
 * -ENOENT when there is none. */
int vk_pciids_load(const struct vk_root *r, struct vk_pciids **ret);
/* Parses pci.ids text; for tests. */
int vk_pciids_parse(const char *text, struct vk_pciids **ret);
void vk_pciids_free(struct vk_pciids *db);

const char *vk_pciids_vendor_name(const struct vk_pciids *db, uint32_t vendor);
const char *vk_pciids_device_name(const struct vk_pciids *db, uint32_t vendor, uint32_t device);
const char *vk_pciids_class_name(const struct vk_pciids *db, uint32_t base);
const char *vk_pciids_subclass_name(const struct vk_pciids *db, uint32_t cls16);
/* The vendor whose name is the longest prefix of @s followed by a space or the end;
 * *len receives the prefix length. -1 if none. */
int32_t vk_pciids_vendor_prefix(const struct vk_pciids *db, const char *s, size_t *len);
/* The device of @vendor named exactly @name, if exactly one has that name; else -1. */
int32_t vk_pciids_device_by_name(const struct vk_pciids *db, uint32_t vendor, const char *name);
/* The 16-bit class (base << 8 | sub) whose subclass name is @name; -1 if none. */
int32_t vk_pciids_class_by_name(const struct vk_pciids *db, const char *name);
