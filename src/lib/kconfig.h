/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The running kernel's build configuration: /boot/config-<release>, else /proc/config.gz. */
#pragma once

#include "host.h"

/* Looks up @option ("CONFIG_INTEL_IOMMU_DEFAULT_ON"). Returns 1 and sets *value ("y", "m",
 * a string) when set, 0 when the config says "is not set" or does not mention it, and
 * -ENOENT when no configuration could be found (or another negative errno). */
int vk_kconfig_get(const struct vk_host *h, const char *option, char **value);
