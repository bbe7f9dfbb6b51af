/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* GPUs, their functions, the boot GPU and identical cards. */
#include "gpu.h"
#include "util.h"

struct vk_pci_dev *vk_host_boot_gpu(const struct vk_host *h)
{
	for (size_t i = 0; i < h->n_pci; i++)
		if (h->pci[i].boot_vga == 1)
			return &h->pci[i];
	return NULL;
}

void vk_gpus_free(struct vk_gpu *g, size_t n)
{
	for (size_t i = 0; g && i < n; i++) {
		free(g[i].functions);
		free(g[i].twins);
	}
	free(g);
}

struct vk_gpu *vk_gpus_find(struct vk_gpu *g, size_t n, const struct vk_pci_dev *d)
{
	for (size_t i = 0; i < n; i++)
		if (vk_pci_addr_same_slot(&g[i].dev->addr, &d->addr))
			return &g[i];
	return NULL;
}

static bool is_integrated(const struct vk_host *h, const struct vk_pci_dev *d, size_t n_functions)
{
	/* Intel iGPUs sit at 00:02.0 on the root bus; AMD APU graphics share their slot with
	 * the platform security processor and USB (more than four functions). Both are
	 * heuristics, used only to say which GPU the host probably keeps. */
	if (d->addr.bus == 0 && d->addr.domain == 0 && d->vendor == 0x8086)
		return true;
	return d->vendor == 0x1002 && n_functions > 4;
}

int vk_gpus_list(const struct vk_host *h, struct vk_gpu **ret, size_t *n_ret)
{
	struct vk_gpu *g = NULL;
	size_t n = 0;

	for (size_t i = 0; i < h->n_pci; i++) {
		struct vk_pci_dev *d = &h->pci[i];
		struct vk_gpu *ng;

		if (!vk_pci_is_display(d))
			continue;
		if (n > 0 && vk_pci_addr_same_slot(&g[n - 1].dev->addr, &d->addr))
			continue; /* a second display function of the same card */
		ng = realloc(g, (n + 1) * sizeof(*g));
		if (!ng)
			goto oom;
		g = ng;
		g[n] = (struct vk_gpu){ .dev = d, .boot = d->boot_vga == 1 };
		n++;
		if (vk_host_slot_functions(h, d, &g[n - 1].functions, &g[n - 1].n_functions) < 0)
			goto oom;
		g[n - 1].integrated = is_integrated(h, d, g[n - 1].n_functions);
	}
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++) {
			struct vk_pci_dev **nt;

			if (i == j || g[i].dev->vendor < 0 || g[i].dev->vendor != g[j].dev->vendor ||
			    g[i].dev->device != g[j].dev->device)
				continue;
			nt = realloc(g[i].twins, (g[i].n_twins + 1) * sizeof(*nt));
			if (!nt)
				goto oom;
			g[i].twins = nt;
			g[i].twins[g[i].n_twins++] = g[j].dev;
		}
	*ret = g;
	*n_ret = n;
	return 0;
oom:
	vk_gpus_free(g, n);
	return -ENOMEM;
}
