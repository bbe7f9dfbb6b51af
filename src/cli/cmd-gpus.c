/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vfiokit gpus: every display device with its functions, group, driver and role. */
#include "cli.h"
#include "lib/gpu.h"
#include "lib/names.h"
#include "lib/util.h"
#include "lib/verdict.h"
#include "pcifmt.h"

const struct vk_cmd vk_cmd_gpus = {
	.name = "gpus",
	.run = cmd_gpus,
	.summary = N_("list GPUs with their functions, groups, drivers and the host's GPU"),
	.usage = N_("Usage: vfiokit gpus [--json]\n"
		    "\n"
		    "List every display device (class 03xx) with the other functions of its card\n"
		    "(HDMI audio, USB-C, UCSI), its IOMMU group and what else is in it, its\n"
		    "driver, and whether it is the boot VGA the host keeps showing on.\n"
		    "Two cards with the same vendor:device are flagged: 'ids=' cannot tell them apart.\n"
		    "\n"
		    "  -j, --json         print JSON (schema in vfiokit-gpus(1))\n"),
};

/* The distinct IOMMU groups of a card's functions, with what else they hold. */
struct card_groups {
	int ids[8];
	size_t n;
	struct vk_pci_dev **others;
	size_t n_others;
	bool unknown_group;
};

static int card_groups(const struct vk_host *h, const struct vk_gpu *g, struct card_groups *ret)
{
	struct card_groups cg = {0};

	for (size_t i = 0; i < g->n_functions; i++) {
		const struct vk_pci_dev *f = g->functions[i];
		const struct vk_iommu_group *grp;
		struct vk_group_report rep;
		bool seen = false;

		if (f->iommu_group < 0) {
			cg.unknown_group = true;
			continue;
		}
		for (size_t k = 0; k < cg.n; k++)
			seen |= cg.ids[k] == f->iommu_group;
		if (seen || cg.n == ELEMENTSOF(cg.ids))
			continue;
		cg.ids[cg.n++] = f->iommu_group;
		grp = vk_host_find_group(h, f->iommu_group);
		if (!grp || vk_group_analyze(grp, g->dev, &rep) < 0)
			continue;
		for (size_t k = 0; k < rep.n_others; k++) {
			struct vk_pci_dev **n = realloc(cg.others, (cg.n_others + 1) * sizeof(*n));

			if (!n) {
				vk_group_report_clear(&rep);
				free(cg.others);
				return -ENOMEM;
			}
			cg.others = n;
			cg.others[cg.n_others++] = rep.others[k];
		}
		vk_group_report_clear(&rep);
	}
	*ret = cg;
	return 0;
}

static char *gpu_notes(const struct vk_host *h, const struct vk_gpu *g, const struct card_groups *cg, size_t n_gpus)
{
	_cleanup_strbuf_ struct strbuf b = STRBUF_INIT;

#define SEP() (b.len ? strbuf_adds(&b, "; ") : 0)
	if (g->boot) {
		SEP();
		strbuf_adds(&b, n_gpus == 1 ? _("boot VGA and the only GPU: the host shows on it")
					    : _("boot VGA: the host keeps showing on it"));
	}
	if (h->n_groups == 0 || cg->unknown_group) {
		SEP();
		strbuf_adds(&b, _("not in an IOMMU group"));
	} else if (cg->n_others == 0) {
		SEP();
		if (cg->n > 1)
			strbuf_addf(&b, _("isolated: its functions span %zu groups that hold nothing else"), cg->n);
		else
			strbuf_adds(&b, _("isolated: its group holds only this card"));
	} else {
		SEP();
		strbuf_adds(&b, _("group also holds"));
		for (size_t i = 0; i < cg->n_others; i++)
			strbuf_addf(&b, "%s %s", i ? "," : "", cg->others[i]->name);
	}
	if (g->n_twins) {
		SEP();
		strbuf_adds(&b, _("identical to"));
		for (size_t i = 0; i < g->n_twins; i++)
			strbuf_addf(&b, "%s %s", i ? "," : "", g->twins[i]->name);
		strbuf_adds(&b, _(": bind by address, not by ids="));
	}
	if (((unsigned)g->dev->class >> 8) == 0x0302) {
		SEP();
		strbuf_adds(&b, _("3D controller: usually a laptop's render-only GPU"));
	}
#undef SEP
	return strbuf_detach(&b);
}

static int print_table(struct vk_cli *cli, const struct vk_host *h, struct vk_names *names, struct vk_gpu *gpus,
		       size_t n)
{
	struct libscols_table *tb = vk_table_new(cli);
	int r = VK_EXIT_OK;

	if (!tb)
		return vk_error(ENOMEM, _("cannot build the table"));
	scols_table_new_column(tb, "GPU", 0, SCOLS_FL_TREE);
	scols_table_new_column(tb, "CLASS", 0, 0);
	scols_table_new_column(tb, "DEVICE", 0, 0);
	scols_table_new_column(tb, "DRIVER", 0, 0);
	scols_table_new_column(tb, "GROUP", 0, SCOLS_FL_RIGHT);
	scols_table_new_column(tb, "NOTES", 0, 0);

	for (size_t i = 0; i < n; i++) {
		struct card_groups cg;
		_cleanup_free_ char *notes = NULL;
		struct libscols_line *gl = NULL;

		if (card_groups(h, &gpus[i], &cg) < 0) {
			r = vk_error(ENOMEM, _("out of memory"));
			break;
		}
		notes = gpu_notes(h, &gpus[i], &cg, n);
		for (size_t k = 0; k < gpus[i].n_functions; k++) {
			const struct vk_pci_dev *f = gpus[i].functions[k];
			struct libscols_line *l;
			char grp[16];

			l = vk_pcifmt_add_line(cli, tb, f == gpus[i].dev ? NULL : gl, names, f);
			if (!l)
				continue;
			if (f == gpus[i].dev)
				gl = l;
			snprintf(grp, sizeof(grp), "%d", f->iommu_group);
			scols_line_set_data(l, 4, f->iommu_group >= 0 ? grp : "-");
			scols_line_set_data(l, 5, f == gpus[i].dev ? notes : "");
		}
		/* The display function is the card's first line even when it is not function 0. */
		free(cg.others);
	}
	if (r == VK_EXIT_OK)
		scols_print_table(tb);
	scols_unref_table(tb);
	return r;
}

static int print_json(const struct vk_host *h, struct vk_names *names, struct vk_gpu *gpus, size_t n)
{
	json_object *root = json_object_new_object(), *arr = json_object_new_array();
	const struct vk_pci_dev *boot = vk_host_boot_gpu(h);

	json_object_object_add(root, "version", json_object_new_int(1));
	json_object_object_add(root, "host_gpu", boot ? json_object_new_string(boot->bdf) : NULL);
	json_object_object_add(root, "gpus", arr);
	for (size_t i = 0; i < n; i++) {
		json_object *o = vk_pcifmt_json(names, gpus[i].dev), *fa = json_object_new_array(),
			    *ga = json_object_new_array(), *oa = json_object_new_array(), *ta = json_object_new_array();
		struct card_groups cg;

		if (card_groups(h, &gpus[i], &cg) < 0) {
			json_object_put(root);
			return vk_error(ENOMEM, _("out of memory"));
		}
		json_object_object_add(o, "boot", json_object_new_boolean(gpus[i].boot));
		json_object_object_add(o, "integrated_guess", json_object_new_boolean(gpus[i].integrated));
		for (size_t k = 0; k < gpus[i].n_functions; k++)
			if (gpus[i].functions[k] != gpus[i].dev)
				json_object_array_add(fa, vk_pcifmt_json(names, gpus[i].functions[k]));
		json_object_object_add(o, "functions", fa);
		for (size_t k = 0; k < cg.n; k++)
			json_object_array_add(ga, json_object_new_int(cg.ids[k]));
		json_object_object_add(o, "groups", ga);
		json_object_object_add(o, "group_isolated", h->n_groups && !cg.unknown_group
									  ? json_object_new_boolean(cg.n_others == 0)
									  : NULL);
		for (size_t k = 0; k < cg.n_others; k++)
			json_object_array_add(oa, json_object_new_string(cg.others[k]->bdf));
		json_object_object_add(o, "group_others", oa);
		for (size_t k = 0; k < gpus[i].n_twins; k++)
			json_object_array_add(ta, json_object_new_string(gpus[i].twins[k]->bdf));
		json_object_object_add(o, "identical_to", ta);
		json_object_array_add(arr, o);
		free(cg.others);
	}
	return vk_json_print(root);
}

int cmd_gpus(struct vk_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		VK_COMMON_LONG_OPTIONS,
		{ "json", no_argument, NULL, 'j' },
		{},
	};
	_cleanup_host_ struct vk_host *h = NULL;
	_cleanup_(vk_names_freep) struct vk_names *names = NULL;
	struct vk_gpu *gpus = NULL;
	size_t n = 0;
	bool json = false;
	int c, r;

	while ((c = getopt_long(argc, argv, VK_COMMON_SHORT_OPTIONS "j", opts, NULL)) >= 0) {
		switch (c) {
			VK_COMMON_OPTION_CASES(cli, &vk_cmd_gpus);
		case 'j':
			json = true;
			break;
		}
	}
	if (optind < argc)
		return vk_usage_error("gpus", _("unexpected argument '%s'"), argv[optind]);

	r = vk_cli_load_host(cli, VK_LOAD_PCI | VK_LOAD_PCI_DETAILS, &h);
	if (r != 0)
		return r;
	if (!h->have_pci_sysfs)
		return vk_error(0, _("no PCI devices under '%s': '/sys/bus/pci/devices' does not exist"), cli->root_path);
	r = vk_names_new(cli->root, &names);
	if (r < 0)
		return vk_error(r, _("cannot set up PCI names"));
	if (vk_gpus_list(h, &gpus, &n) < 0)
		return vk_error(ENOMEM, _("out of memory"));

	if (json)
		r = print_json(h, names, gpus, n);
	else if (n == 0) {
		fflush(stdout);
		fprintf(stderr, _("vfiokit: no GPUs: no display-class (03xx) PCI device under '%s'\n"), cli->root_path);
		r = VK_EXIT_NOT_READY;
	} else
		r = print_table(cli, h, names, gpus, n);
	vk_gpus_free(gpus, n);
	/* A host with no IOMMU groups still lists its GPUs, then says why nothing can be passed. */
	if (r == VK_EXIT_OK && h->n_groups == 0 && n > 0) {
		r = vk_cli_host_ensure(cli, h, VK_LOAD_IOMMU | VK_LOAD_CPU | VK_LOAD_SYSTEM);
		return r != 0 ? r : vk_cli_no_groups(cli, h);
	}
	return r;
}
