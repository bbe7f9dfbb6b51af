/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Exposing the partitions inside a guest's disk on the host (guide §13), without kpartx.
 *
 * How: a loop device over the disk, read-only unless asked (LO_FLAGS_READ_ONLY: the
 * kernel then refuses every write to it and to its partitions), *without* LO_FLAGS_PARTSCAN,
 * and one BLKPG_ADD_PARTITION per entry that vfiokit read and validated (ptable.h). So the
 * kernel's own partition parsers never read the guest's table (and cannot re-read it
 * later: a loop device without PARTSCAN refuses BLKRRPART), exactly the validated entries
 * appear, and it works on kernels built without CONFIG_EFI_PARTITION. Names are the
 * kernel's (/dev/loop7p2: a loop name ends in a digit, so always "p"), plus stable links
 * <state>/<key>/part<N>.
 *
 * State: <state>/<key>/state (default /run/vfiokit/disk), written through the root layer
 * before the loop device is configured and updated after, so 'unmap' can undo a map that
 * crashed halfway. The loop device carries a marker in lo_file_name ("vfiokit:<key>") and
 * the backing file's identity; unmap touches a loop device only when both match.
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "disk.h"
#include "ptable.h"
#include "root.h"

#define VK_DISK_STATE_DIR "/run/vfiokit/disk"

struct vk_mapped_part {
	unsigned partno;
	char *device;           /* "/dev/loop7p2" */
	char *link;             /* "<state>/<key>/part2" */
};

struct vk_disk_mapping {
	char *key;              /* "sdb2", "win11.img" */
	char *source;           /* the device's path */
	char *loop;             /* "loop7"; NULL when the map never got that far */
	bool rw;
	struct vk_mapped_part *parts;
	size_t n_parts;
	struct vk_ptable *table; /* what was mapped (vk_disk_map only) */
};

void vk_disk_mapping_free(struct vk_disk_mapping *m);
static inline void vk_disk_mapping_freep(struct vk_disk_mapping **m)
{
	if (*m)
		vk_disk_mapping_free(*m);
}

/* The state key for @dev: its kernel name, or the image file's name made safe. */
char *vk_disk_map_key(const struct vk_blockdev *dev);
/* The same key from a name alone (for unmapping an image file that is gone). */
char *vk_disk_map_key_from_spec(const char *spec);

enum {
	VK_MAP_RW = 1u << 0,
};

/*
 * Maps @dev (root must be the live host). Reads and validates the table from the same
 * descriptor that backs the loop device. Returns 0; -EBADMSG (table refused), -EEXIST
 * (already mapped), -EBUSY, -EPERM/-EACCES (not root) or another negative errno, with a
 * translated reason in *why when there is more to say than strerror().
 */
int vk_disk_map(struct vk_root *root, const char *state_dir, const struct vk_blockdev *dev, unsigned flags,
		struct vk_disk_mapping **ret, char **why);

/* Reads the state of @key. -ENOENT when nothing is mapped under that key. */
int vk_disk_mapping_load(struct vk_root *root, const char *state_dir, const char *key, struct vk_disk_mapping **ret);

/*
 * Removes what 'map' created under @key: the partitions, the loop device (only if it is
 * still ours), the links and the state. Refuses (-EBUSY, *why says which) while a mapped
 * partition is mounted, held, or open. Returns 0, -ENOENT (nothing mapped), or an error.
 * *ret_loop_gone says whether a live loop device was detached (false: it was already gone,
 * after a crash or a reboot, and only the state was removed).
 */
int vk_disk_unmap(struct vk_root *root, const char *state_dir, const char *key, bool *ret_loop_gone, char **why);
