/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Snapshots: exactly the files vfiokit reads, copied into a new root. */
#pragma once

#include "root.h"

/*
 * Copies from @src into @dest (created if absent; it must be empty) everything vfiokit
 * reads: PCI, IOMMU, USB, block and network parts of sysfs with their links, CPU topology,
 * the ACPI table names, /proc facts, module indexes, and the configuration files later
 * commands edit. Files that cannot be read are left out and listed in *warnings.
 */
int vk_snapshot_capture(const struct vk_root *src, const char *dest, char ***warnings);
