/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Kernel modules through libkmod (loaded with dlopen): which modules exist for a kernel,
 * built in or loadable, which drivers claim a device's modalias, and the modprobe.d
 * configuration. libkmod takes path names, so it is given the root-prefixed module
 * directory and modprobe.d directories.
 */
#pragma once

#include "host.h"

struct vk_kmod;

enum vk_module_kind {
	VK_MODULE_ABSENT,
	VK_MODULE_LOADABLE, /* a .ko in /lib/modules/<release> */
	VK_MODULE_BUILTIN,  /* in modules.builtin */
};

/* Opens libkmod for @h's kernel (needs VK_LOAD_SYSTEM). -EOPNOTSUPP when libkmod is not
 * installed (vk_dlerror() says why), -ENOENT when the kernel's module directory is absent. */
int vk_kmod_open(const struct vk_host *h, struct vk_kmod **ret);
struct vk_kmod *vk_kmod_free(struct vk_kmod *k);
static inline void vk_kmod_freep(struct vk_kmod **k)
{
	vk_kmod_free(*k);
}

int vk_kmod_module_kind(struct vk_kmod *k, const char *name, enum vk_module_kind *ret);
/* The modules whose aliases match @modalias ("pci:v000010DEd..."), sorted, no duplicates. */
int vk_kmod_modalias_modules(struct vk_kmod *k, const char *modalias, char ***ret);
/* "options" lines from modprobe.d for @module ('-' and '_' alike), in order; the values
 * libkmod takes from the running kernel's command line are left out. */
int vk_kmod_config_options(struct vk_kmod *k, const char *module, char ***ret);
