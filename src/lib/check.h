/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * `check`: is this host ready for GPU passthrough? Every check has a stable ID
 * (cpu.virt, kvm.device, iommu.firmware, iommu.kernel, iommu.mode, iommu.cmdline,
 * iommu.irq_remap, mem.total, gpu.inventory, gpu.<BDF>.{boot,group,driver,reset,framebuffer},
 * vfio.modules, virt.tools), decides from the effective state (sysfs) rather than log
 * strings, and says why and what to do on this host's distribution and boot loader.
 */
#pragma once

#include "host.h"
#include "report.h"
#include "usage.h"

struct vk_check_opts {
	const char *gpu;        /* check this card only (any address form); NULL: every non-boot GPU */
};

/* The host must be loaded with VK_LOAD_ALL (the cards' details are read as needed).
 * -ENODEV when @o->gpu names no display device. */
int vk_check_host(struct vk_host *h, const struct vk_check_opts *o, struct vk_report *ret);

/* The per-card checks, shared with verify and isolate: gpu.<BDF>.group under the kernel's
 * viability rules, with the root disk controller and the default-route NIC as fails. */
int vk_check_gpu_group(const struct vk_host *h, const struct vk_usage *u, const struct vk_pci_dev *gpu,
		       struct vk_report *r);
int vk_check_gpu_framebuffer(const struct vk_host *h, const struct vk_pci_dev *gpu, struct vk_report *r);
int vk_check_gpu_reset(const struct vk_host *h, const struct vk_pci_dev *gpu, struct vk_report *r);
/* gpu.<BDF>.boot: refuses the boot VGA and the only display. */
int vk_check_gpu_boot(const struct vk_host *h, const struct vk_pci_dev *gpu, struct vk_report *r);

/* Version of a kernel release string ("6.1.0-26-amd64" -> 601); -1 if unparsable. */
int vk_kernel_version(const char *release);
