/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* VFIO group viability under the kernel's real rules (domain.md §2). */
#include "util.h"
#include "verdict.h"

bool vk_driver_is_vfio(const char *driver)
{
	/* vfio-pci, and variant drivers such as mlx5_vfio_pci or nvgrace_gpu_vfio_pci. */
	return driver && (streq(driver, "vfio-pci") || endswith(driver, "vfio_pci") || endswith(driver, "vfio-pci"));
}

enum vk_binding vk_pci_binding(const struct vk_pci_dev *d)
{
	if (d->flags & VK_PCI_DRIVER_UNKNOWN)
		return VK_BINDING_UNKNOWN;
	if (!d->driver)
		return VK_BINDING_NONE;
	if (vk_driver_is_vfio(d->driver))
		return VK_BINDING_VFIO;
	if (streq(d->driver, "pci-stub"))
		return VK_BINDING_STUB;
	return VK_BINDING_HOST;
}

static int push(struct vk_pci_dev ***l, size_t *n, struct vk_pci_dev *d)
{
	struct vk_pci_dev **nl = realloc(*l, (*n + 1) * sizeof(*nl));

	if (!nl)
		return -ENOMEM;
	nl[(*n)++] = d;
	*l = nl;
	return 0;
}

int vk_group_analyze(const struct vk_iommu_group *g, const struct vk_pci_dev *card, struct vk_group_report *ret)
{
	struct vk_group_report r = { .group = g, .viable = true };
	const struct vk_pci_addr *slot = card ? &card->addr : NULL;
	bool any_vfio = false;

	for (size_t i = 0; i < g->n_devs; i++) {
		struct vk_pci_dev *d = g->devs[i];
		bool new_slot = true;

		/* Bridges are exempt (domain.md §2). So, in practice, is a host bridge that no
		 * driver claims (AMD's "dummy host bridges" share their GPP bridges' group): it
		 * does no DMA, keeps the group viable, and is never passed to a guest. */
		if (vk_pci_is_bridge(d) || ((d->flags & VK_PCI_HOST_BRIDGE) && vk_pci_binding(d) == VK_BINDING_NONE)) {
			r.n_bridges++;
			continue;
		}
		r.n_endpoints++;
		for (size_t j = 0; j < i; j++)
			if (vk_pci_is_endpoint(g->devs[j]) && vk_pci_addr_same_slot(&g->devs[j]->addr, &d->addr))
				new_slot = false;
		if (new_slot)
			r.n_slots++;
		if (!slot)
			slot = &d->addr;
		if (!vk_pci_addr_same_slot(slot, &d->addr) && push(&r.others, &r.n_others, d) < 0)
			goto oom;

		switch (vk_pci_binding(d)) {
		case VK_BINDING_VFIO:
			any_vfio = true;
			break;
		case VK_BINDING_STUB:
		case VK_BINDING_NONE:
			break;
		case VK_BINDING_UNKNOWN:
			r.unknown = true;
			break;
		case VK_BINDING_HOST:
			r.viable = false;
			if (push(&r.blocking, &r.n_blocking, d) < 0)
				goto oom;
			break;
		}
	}
	r.isolated = r.n_others == 0;
	if (r.unknown)
		r.viable = false;
	r.vfio_ready = r.viable && any_vfio;
	*ret = r;
	return 0;
oom:
	vk_group_report_clear(&r);
	return -ENOMEM;
}

void vk_group_report_clear(struct vk_group_report *r)
{
	free(r->others);
	free(r->blocking);
	r->others = r->blocking = NULL;
	r->n_others = r->n_blocking = 0;
}
