/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* os-release(5): /etc/os-release, falling back to /usr/lib/os-release. */
#pragma once

#include "root.h"

struct vk_os_release {
	char *id, *id_like, *pretty_name, *version_id;
};

/* Fills @ret (caller frees the strings). -ENOENT when neither file exists. */
int vk_os_release_read(const struct vk_root *r, struct vk_os_release *ret);
/* Parses the text of an os-release file. Values are shell-unquoted ('...', "..." with
 * backslash escapes); lines that are not KEY=VALUE are ignored. */
int vk_os_release_parse(const char *text, struct vk_os_release *ret);
void vk_os_release_clear(struct vk_os_release *o);
/* True when ID or any ID_LIKE word equals @id. */
bool vk_os_release_is_like(const char *os_id, const char *os_id_like, const char *id);
