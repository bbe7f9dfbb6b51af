/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The public face of libvfiokit (include/vfiokit/vfiokit.h): accessors over the host
 * model and the findings, so that the structs can change without breaking programs.
 * vk_root_open/free, vk_host_load/free and vk_host_find_pci are the internal functions
 * themselves and are exported as they are.
 */
#include <errno.h>
#include <stdlib.h>

#include "check.h"
#include "host.h"
#include "report.h"
#include "verdict.h"

const char *vk_version(void)
{
	return PACKAGE_VERSION;
}

size_t vk_host_pci_count(const struct vk_host *h)
{
	return h ? h->n_pci : 0;
}

const struct vk_pci_dev *vk_host_pci(const struct vk_host *h, size_t i)
{
	return h && i < h->n_pci ? &h->pci[i] : NULL;
}

size_t vk_host_group_count(const struct vk_host *h)
{
	return h ? h->n_groups : 0;
}

static const struct vk_iommu_group *group_at(const struct vk_host *h, size_t i)
{
	return h && i < h->n_groups ? &h->groups[i] : NULL;
}

int vk_host_group_id(const struct vk_host *h, size_t i)
{
	const struct vk_iommu_group *g = group_at(h, i);
	return g ? g->id : -1;
}

size_t vk_host_group_size(const struct vk_host *h, size_t i)
{
	const struct vk_iommu_group *g = group_at(h, i);
	return g ? g->n_devs : 0;
}

const struct vk_pci_dev *vk_host_group_device(const struct vk_host *h, size_t i, size_t k)
{
	const struct vk_iommu_group *g = group_at(h, i);
	return g && k < g->n_devs ? g->devs[k] : NULL;
}

int vk_host_group_viable(const struct vk_host *h, size_t i)
{
	const struct vk_iommu_group *g = group_at(h, i);
	struct vk_group_report rep;
	int r;

	if (!g)
		return -EINVAL;
	r = vk_group_analyze(g, NULL, &rep);
	if (r < 0)
		return r;
	r = rep.unknown ? -1 : rep.viable;
	vk_group_report_clear(&rep);
	return r;
}

const char *vk_pci_dev_address(const struct vk_pci_dev *d)
{
	return d->bdf;
}

int vk_pci_dev_vendor(const struct vk_pci_dev *d)
{
	return d->vendor;
}

int vk_pci_dev_device(const struct vk_pci_dev *d)
{
	return d->device;
}

int vk_pci_dev_class(const struct vk_pci_dev *d)
{
	return d->class;
}

const char *vk_pci_dev_driver(const struct vk_pci_dev *d)
{
	return d->driver;
}

int vk_pci_dev_iommu_group(const struct vk_pci_dev *d)
{
	return d->iommu_group;
}

int vk_pci_dev_is_bridge(const struct vk_pci_dev *d)
{
	return vk_pci_is_bridge(d);
}

int vk_pci_dev_is_display(const struct vk_pci_dev *d)
{
	return vk_pci_is_display(d);
}

int vk_pci_dev_is_boot_vga(const struct vk_pci_dev *d)
{
	return d->boot_vga < 0 ? -1 : d->boot_vga > 0;
}

int vk_check_run(struct vk_host *h, const char *gpu, struct vk_report **ret)
{
	struct vk_check_opts o = { .gpu = gpu };
	struct vk_report *rep;
	int r;

	if (!h || !ret)
		return -EINVAL;
	rep = calloc(1, sizeof(*rep));
	if (!rep)
		return -ENOMEM;
	r = vk_host_ensure(h, VK_LOAD_ALL);
	if (r >= 0)
		r = vk_check_host(h, &o, rep);
	if (r < 0) {
		vk_report_free(rep);
		return r;
	}
	*ret = rep;
	return 0;
}

struct vk_report *vk_report_free(struct vk_report *r)
{
	if (r) {
		vk_report_clear(r);
		free(r);
	}
	return NULL;
}

size_t vk_report_size(const struct vk_report *r)
{
	return r ? r->n : 0;
}

static const struct vk_finding *finding_at(const struct vk_report *r, size_t i)
{
	return r && i < r->n ? &r->items[i] : NULL;
}

const char *vk_report_id(const struct vk_report *r, size_t i)
{
	const struct vk_finding *f = finding_at(r, i);
	return f ? f->id : NULL;
}

enum vk_status vk_report_status(const struct vk_report *r, size_t i)
{
	const struct vk_finding *f = finding_at(r, i);
	return f ? f->status : VK_STATUS_SKIP;
}

const char *vk_report_message(const struct vk_report *r, size_t i)
{
	const struct vk_finding *f = finding_at(r, i);
	return f ? f->message : NULL;
}

const char *vk_report_remedy(const struct vk_report *r, size_t i)
{
	const struct vk_finding *f = finding_at(r, i);
	return f ? f->remedy : NULL;
}
