/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The PCI devices the running host cannot lose: the controllers of the disks that hold
 * / and /boot (through device-mapper and md layers), and the NICs that carry a default
 * route. Read from the mount table, /sys/class/block and /proc/net/route in the root.
 */
#pragma once

#include "host.h"

struct vk_usage {
	char **root_disk;      /* full PCI addresses of the controllers under / and /boot */
	char **root_disk_why;  /* per entry: "/ on nvme0n1p2" */
	char **default_nic;    /* full PCI addresses of NICs with a default route */
	char **default_nic_why;/* per entry: "default route via enp5s0" */
	bool root_known;       /* the root's block device could be traced to a PCI device */
	bool route_known;      /* /proc/net/route was readable */
};

int vk_usage_scan(const struct vk_host *h, struct vk_usage *ret);
void vk_usage_clear(struct vk_usage *u);
/* If @bdf is in use, a translated reason ("holds / (nvme0n1p2)"), else NULL. */
const char *vk_usage_reason(const struct vk_usage *u, const char *bdf);
