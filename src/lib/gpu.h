/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* GPUs: display-class functions with the other functions of their slot (HDMI audio,
 * USB-C controller, UCSI), the host's boot GPU, and identical cards. */
#pragma once

#include "host.h"

struct vk_gpu {
	struct vk_pci_dev *dev;         /* the display function */
	struct vk_pci_dev **functions;  /* every function in the slot, the display one included */
	size_t n_functions;
	struct vk_pci_dev **twins;      /* other GPUs with the same vendor:device */
	size_t n_twins;
	bool boot;                      /* the boot VGA: the card the host keeps showing on */
	bool integrated;                /* on the root bus (Intel iGPU) or an APU function */
};

/* Lists display-class devices in address order. Only the first display function of a
 * slot is a GPU; other display functions of the same slot are its functions. */
int vk_gpus_list(const struct vk_host *h, struct vk_gpu **ret, size_t *n);
void vk_gpus_free(struct vk_gpu *g, size_t n);
/* The boot VGA device (boot_vga = 1), or NULL when no device says so. */
struct vk_pci_dev *vk_host_boot_gpu(const struct vk_host *h);
/* The GPU whose slot holds @d, or NULL. */
struct vk_gpu *vk_gpus_find(struct vk_gpu *g, size_t n, const struct vk_pci_dev *d);
