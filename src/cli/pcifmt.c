/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* How a PCI function is shown: one table line, one JSON object. */
#include "lib/util.h"
#include "pcifmt.h"

const char *vk_pcifmt_driver(const struct vk_pci_dev *d)
{
	if (d->flags & VK_PCI_DRIVER_UNKNOWN)
		return "?";
	return d->driver ? d->driver : "-";
}

struct libscols_line *vk_pcifmt_add_line(struct vk_cli *cli, struct libscols_table *tb, struct libscols_line *parent,
					 struct vk_names *names, const struct vk_pci_dev *d)
{
	struct libscols_line *l = scols_table_new_line(tb, parent);
	char cls[256], dev[512];
	const char *words[16];
	_cleanup_free_ char *flags = NULL;

	if (!l)
		return NULL;
	vk_names_describe(names, d, cls, sizeof(cls), dev, sizeof(dev));
	vk_pci_flag_words(d, words);
	flags = strv_join(words, ",");
	scols_line_set_data(l, 0, d->name);
	scols_line_set_data(l, 1, cls);
	scols_line_set_data(l, 2, dev);
	scols_line_set_data(l, 3, vk_pcifmt_driver(d));
	scols_line_set_data(l, 4, flags);
	if (vk_pci_is_display(d))
		scols_line_set_color(l, vk_color_scols(cli, VK_COLOR_GREEN));
	else if (vk_pci_is_bridge(d))
		scols_line_set_color(l, vk_color_scols(cli, VK_COLOR_DIM));
	return l;
}

json_object *vk_pcifmt_json(struct vk_names *names, const struct vk_pci_dev *d)
{
	json_object *o = json_object_new_object();
	char cls[256], dev[512], buf[512];
	const char *words[16];

	if (!o)
		return NULL;
	vk_names_describe(names, d, cls, sizeof(cls), dev, sizeof(dev));
	vk_pci_flag_words(d, words);
	json_object_object_add(o, "address", json_object_new_string(d->bdf));
	json_object_object_add(o, "slot", json_object_new_string(d->name));
	json_object_object_add(o, "class", vk_json_hex(d->class, 6));
	json_object_object_add(o, "class_name", vk_json_str(vk_names_class(names, d->class, buf, sizeof(buf))));
	json_object_object_add(o, "vendor", vk_json_hex(d->vendor, 4));
	json_object_object_add(o, "device", vk_json_hex(d->device, 4));
	json_object_object_add(o, "vendor_name", vk_json_str(vk_names_vendor(names, d->vendor, buf, sizeof(buf))));
	json_object_object_add(o, "device_name",
			       vk_json_str(d->vendor < 0 && d->label ? d->label
								      : vk_names_device(names, d->vendor, d->device, buf, sizeof(buf))));
	json_object_object_add(o, "subsystem_vendor", vk_json_hex(d->subsys_vendor, 4));
	json_object_object_add(o, "subsystem_device", vk_json_hex(d->subsys_device, 4));
	json_object_object_add(o, "revision", vk_json_hex(d->revision, 2));
	/* the lspci -nn line after the address: "CLASS: DEVICE" */
	{
		_cleanup_free_ char *line = xasprintf("%s: %s", cls, dev);

		json_object_object_add(o, "lspci", vk_json_str(line));
	}
	json_object_object_add(o, "driver", vk_json_str(d->driver));
	json_object_object_add(o, "driver_known", json_object_new_boolean(!(d->flags & VK_PCI_DRIVER_UNKNOWN)));
	json_object_object_add(o, "driver_override", vk_json_str(d->driver_override));
	json_object_object_add(o, "iommu_group", d->iommu_group >= 0 ? json_object_new_int(d->iommu_group) : NULL);
	json_object_object_add(o, "bridge", json_object_new_boolean(vk_pci_is_bridge(d)));
	json_object_object_add(o, "boot_vga", d->boot_vga < 0 ? NULL : json_object_new_boolean(d->boot_vga == 1));
	json_object_object_add(o, "flags", vk_json_strv(words));
	json_object_object_add(o, "parent", vk_json_str(d->parent));
	json_object_object_add(o, "physfn", vk_json_str(d->physfn));
	json_object_object_add(o, "sriov_numvfs", d->sriov_numvfs >= 0 ? json_object_new_int(d->sriov_numvfs) : NULL);
	if (d->reset_method) {
		_cleanup_strv_free_ char **m = NULL;

		if (strv_split(d->reset_method, " ", &m) == 0)
			json_object_object_add(o, "reset_methods", vk_json_strv((const char *const *)m));
	} else
		json_object_object_add(o, "reset_methods", NULL);
	return o;
}
