/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * VFIO group viability, as the kernel decides it (domain.md §2): a group can be used only
 * if every device in it is bound to a vfio driver, to pci-stub, or to no driver. PCI
 * bridges and root ports are exempt (header type != 0; pcieport sets driver_managed_dma
 * since 5.19, and vfio ignored bridges before). Any other endpoint with a host driver
 * makes the group unusable until it goes too.
 */
#pragma once

#include "host.h"

enum vk_binding {
	VK_BINDING_VFIO,    /* vfio-pci or a vfio variant driver */
	VK_BINDING_STUB,    /* pci-stub */
	VK_BINDING_NONE,    /* no driver */
	VK_BINDING_HOST,    /* any other driver: breaks viability */
	VK_BINDING_UNKNOWN, /* an imported listing did not say */
};

enum vk_binding vk_pci_binding(const struct vk_pci_dev *d);
bool vk_driver_is_vfio(const char *driver);

struct vk_group_report {
	const struct vk_iommu_group *group;
	size_t n_endpoints, n_bridges;
	size_t n_slots;              /* distinct PCI devices (bus:slot) among the endpoints */
	bool viable;                 /* every endpoint on vfio/pci-stub/none, right now */
	bool unknown;                /* some endpoint's driver is unknown */
	bool vfio_ready;             /* viable and at least one endpoint is on vfio */
	bool isolated;               /* endpoints all belong to one device (the card's, if given) */
	struct vk_pci_dev **others;  /* endpoints that are not the card's (or, without a card,
				      * that are not in the group's first device) */
	size_t n_others;
	struct vk_pci_dev **blocking; /* endpoints bound to a host driver */
	size_t n_blocking;
};

/* Analyses @g; @card (any function of it) decides what "the card's own functions" are:
 * the functions in the card's slot. NULL: the group's first endpoint's slot. */
int vk_group_analyze(const struct vk_iommu_group *g, const struct vk_pci_dev *card, struct vk_group_report *ret);
void vk_group_report_clear(struct vk_group_report *r);
