/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Which libvirt domains use a disk: asked of libvirt itself, never guessed from files. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "disk.h"

struct vk_virt_user {
	char *domain;
	bool running;
	char *source;   /* the path in the domain's <source dev=|file=> */
	char *target;   /* <target dev=>, "sda" */
};

struct vk_virt_users {
	struct vk_virt_user *items;
	size_t n;
};

/*
 * Lists the domains (running or not) with a <disk> whose source is @dev, a partition of
 * it, the whole disk it is part of, or a device stacked on it. Sources are resolved inside
 * @root, so they compare by device, not by spelling (/dev/sdb2 and its by-id link match).
 * Returns 0; -EOPNOTSUPP when libvirt or libxml2 cannot be loaded, -ECONNREFUSED when the
 * connection fails, -EIO when libvirt fails later: *why then says why (translated).
 */
int vk_virt_disk_users(struct vk_root *root, const char *uri, const struct vk_blockdev *dev,
		       struct vk_virt_users *ret, char **why);
void vk_virt_users_clear(struct vk_virt_users *u);
