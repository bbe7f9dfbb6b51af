/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* How a PCI function is shown: one table line, one JSON object. */
#pragma once

#include "cli.h"
#include "lib/names.h"
#include "lib/verdict.h"

/* Adds @d as a child of @parent: address, class, name, driver, flags. */
struct libscols_line *vk_pcifmt_add_line(struct vk_cli *cli, struct libscols_table *tb, struct libscols_line *parent,
					 struct vk_names *names, const struct vk_pci_dev *d);
/* The device's JSON object (schema in vfiokit-groups(1)). */
json_object *vk_pcifmt_json(struct vk_names *names, const struct vk_pci_dev *d);
/* The driver column: the name, "-" for none, "?" for unknown. */
const char *vk_pcifmt_driver(const struct vk_pci_dev *d);
const char *vk_group_verdict_word(const struct vk_group_report *r);
int vk_cli_no_groups(struct vk_cli *cli, const struct vk_host *h);
