/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vfiokit groups: every IOMMU group with its devices, names, drivers and a verdict. */
#include "cli.h"
#include "lib/names.h"
#include "lib/util.h"
#include "lib/verdict.h"
#include "pcifmt.h"

const struct vk_cmd vk_cmd_groups = {
	.name = "groups",
	.run = cmd_groups,
	.summary = N_("list IOMMU groups, their devices, drivers and verdicts"),
	.usage = N_("Usage: vfiokit groups [--gpu] [--group N]... [--device ADDR]... [--json]\n"
		    "\n"
		    "List every IOMMU group with its devices, named as lspci -nn names them, the\n"
		    "driver in use, and whether the group could be handed to a VM.\n"
		    "\n"
		    "      --gpu          only groups that hold a display device\n"
		    "      --group N      only group N (repeatable)\n"
		    "      --device ADDR  only the group holding ADDR (01:00.0 or 0000:01:00.0; repeatable)\n"
		    "  -j, --json         print JSON (schema in vfiokit-groups(1))\n"),
};

/* A group's one-line verdict for the table. */
static char *group_verdict_text(const struct vk_group_report *r)
{
	_cleanup_strbuf_ struct strbuf b = STRBUF_INIT;

	if (r->n_endpoints == 0)
		strbuf_adds(&b, _("bridges only"));
	else if (r->isolated)
		strbuf_addf(&b, r->n_bridges ? _("isolated: one device, with its bridge(s)") : _("isolated: one device"));
	else
		strbuf_addf(&b, _("shared by %zu devices"), r->n_slots);
	if (r->vfio_ready)
		strbuf_adds(&b, _("; ready for VFIO"));
	else if (r->unknown)
		strbuf_adds(&b, _("; drivers unknown"));
	return strbuf_detach(&b);
}

const char *vk_group_verdict_word(const struct vk_group_report *r)
{
	if (r->n_endpoints == 0)
		return "bridges-only";
	return r->isolated ? "isolated" : "shared";
}

static bool want_group(const struct vk_host *h, const struct vk_iommu_group *g, bool gpu_only, char *const *groups,
		       char *const *devices)
{
	bool match;

	if (gpu_only) {
		match = false;
		for (size_t i = 0; i < g->n_devs; i++)
			if (vk_pci_is_display(g->devs[i]))
				match = true;
		if (!match)
			return false;
	}
	if (groups && groups[0]) {
		char id[16];

		snprintf(id, sizeof(id), "%d", g->id);
		if (!strv_contains(groups, id))
			return false;
	}
	if (devices && devices[0]) {
		match = false;
		for (char *const *d = devices; *d; d++) {
			const struct vk_pci_dev *dev = vk_host_find_pci(h, *d);

			if (dev && dev->iommu_group >= 0 && dev->iommu_group == g->id)
				match = true;
		}
		if (!match)
			return false;
	}
	return true;
}

struct table_ctx {
	struct vk_cli *cli;
	struct vk_host *h;
	struct vk_names *names;
	const struct vk_iommu_group **groups; /* the selected groups */
	size_t n_groups;
	bool ungrouped;                       /* one more chunk: devices in no group */
	char **devices;
};

static int add_group_chunk(struct libscols_table *tb, size_t i, void *userdata)
{
	struct table_ctx *t = userdata;
	struct libscols_line *gl;

	if (i == t->n_groups) {
		gl = scols_table_new_line(tb, NULL);
		if (!gl)
			return -ENOMEM;
		scols_line_set_data(gl, 0, "-");
		scols_line_set_data(gl, 2, vk_host_is_import(t->h) && !t->h->have_groups_dir ? _("IOMMU group not given by the listing")
										   : _("not in any IOMMU group"));
		for (size_t k = 0; k < t->h->n_pci; k++) {
			const struct vk_pci_dev *d = &t->h->pci[k];

			if (d->iommu_group < 0 && !(t->devices && t->devices[0] && !strv_contains(t->devices, d->bdf)))
				vk_pcifmt_add_line(t->cli, tb, gl, t->names, d);
		}
		return 0;
	}

	const struct vk_iommu_group *g = t->groups[i];
	struct vk_group_report rep;
	_cleanup_free_ char *verdict = NULL;
	char id[16];

	if (vk_group_analyze(g, NULL, &rep) < 0)
		return -ENOMEM;
	verdict = group_verdict_text(&rep);
	gl = scols_table_new_line(tb, NULL);
	if (!gl) {
		vk_group_report_clear(&rep);
		return -ENOMEM;
	}
	snprintf(id, sizeof(id), "%d", g->id);
	scols_line_set_data(gl, 0, id);
	scols_line_set_data(gl, 2, verdict);
	scols_line_set_color(gl, vk_color_scols(t->cli, rep.isolated ? VK_COLOR_BOLD : VK_COLOR_YELLOW));
	for (size_t k = 0; k < g->n_devs; k++)
		vk_pcifmt_add_line(t->cli, tb, gl, t->names, g->devs[k]);
	vk_group_report_clear(&rep);
	return 0;
}

static int print_table(struct vk_cli *cli, struct vk_host *h, struct vk_names *names, bool gpu_only, char **groups,
		       char **devices)
{
	static const struct vk_column cols[] = {
		{ "GROUP", SCOLS_FL_TREE }, { "CLASS", 0 }, { "DEVICE", 0 }, { "DRIVER", 0 }, { "FLAGS", 0 },
	};
	struct table_ctx t = { .cli = cli, .h = h, .names = names, .devices = devices };
	int r;

	t.groups = calloc(h->n_groups + 1, sizeof(*t.groups));
	if (!t.groups)
		return vk_error(ENOMEM, _("out of memory"));
	for (size_t i = 0; i < h->n_groups; i++)
		if (want_group(h, &h->groups[i], gpu_only, groups, devices))
			t.groups[t.n_groups++] = &h->groups[i];
	if (!gpu_only && !(groups && groups[0]))
		for (size_t i = 0; i < h->n_pci && !t.ungrouped; i++)
			t.ungrouped = h->pci[i].iommu_group < 0 &&
				      !(devices && devices[0] && !strv_contains(devices, h->pci[i].bdf));

	r = vk_print_chunked(cli, cols, ELEMENTSOF(cols), t.n_groups + t.ungrouped, add_group_chunk, &t);
	free(t.groups);
	if (r < 0)
		return vk_error(r, _("cannot print the table"));
	return VK_EXIT_OK;
}

/* The document is streamed group by group; the schema is in vfiokit-groups(1). */
static int print_json(struct vk_host *h, struct vk_names *names, bool gpu_only, char **groups, char **devices,
		      const char *iommu_state)
{
	bool first = true;

	printf("{\n  \"version\": 1,\n  \"iommu\": \"%s\",\n  \"groups\": [", iommu_state);
	for (size_t i = 0; i < h->n_groups; i++) {
		const struct vk_iommu_group *g = &h->groups[i];
		struct vk_group_report rep;
		json_object *o, *devs;

		if (!want_group(h, g, gpu_only, groups, devices))
			continue;
		if (vk_group_analyze(g, NULL, &rep) < 0)
			return vk_error(ENOMEM, _("cannot analyse group %d"), g->id);
		o = json_object_new_object();
		devs = json_object_new_array();
		if (!o || !devs) {
			json_object_put(o);
			json_object_put(devs);
			vk_group_report_clear(&rep);
			return vk_error(ENOMEM, _("cannot build the JSON output"));
		}
		json_object_object_add(o, "group", json_object_new_int(g->id));
		json_object_object_add(o, "type", vk_json_str(g->type));
		json_object_object_add(o, "verdict", json_object_new_string(vk_group_verdict_word(&rep)));
		json_object_object_add(o, "device_count", json_object_new_int((int)rep.n_slots));
		json_object_object_add(o, "viable", json_object_new_boolean(rep.viable));
		json_object_object_add(o, "vfio_ready", json_object_new_boolean(rep.vfio_ready));
		json_object_object_add(o, "drivers_known", json_object_new_boolean(!rep.unknown));
		for (size_t k = 0; k < g->n_devs; k++)
			json_object_array_add(devs, vk_pcifmt_json(names, g->devs[k]));
		json_object_object_add(o, "devices", devs);
		fputs(first ? "\n" : ",\n", stdout);
		vk_json_print_indented(o, 4);
		json_object_put(o);
		vk_group_report_clear(&rep);
		first = false;
	}
	printf("%s],\n  \"ungrouped\": [", first ? "\n  " : "\n  ");
	first = true;
	for (size_t i = 0; i < h->n_pci && !gpu_only && !(groups && groups[0]); i++) {
		json_object *o;

		if (h->pci[i].iommu_group >= 0 || (devices && devices[0] && !strv_contains(devices, h->pci[i].bdf)))
			continue;
		o = vk_pcifmt_json(names, &h->pci[i]);
		if (!o)
			return vk_error(ENOMEM, _("cannot build the JSON output"));
		fputs(first ? "\n" : ",\n", stdout);
		vk_json_print_indented(o, 4);
		json_object_put(o);
		first = false;
	}
	printf("\n  ]\n}\n");
	return VK_EXIT_OK;
}

/* Says why there are no groups, in one line, and returns the documented exit code. */
int vk_cli_no_groups(struct vk_cli *cli, const struct vk_host *h)
{
	_cleanup_free_ char *token = NULL;
	enum vk_iommu_state s;
	const char *why, *next;

	if (!h->have_pci_sysfs)
		return vk_error(0, _("no PCI devices under '%s': '/sys/bus/pci/devices' does not exist"), cli->root_path);
	s = vk_iommu_state(h, &token);
	vk_iommu_state_describe(h, s, token, &why, &next);
	fflush(stdout);
	fprintf(stderr, _("vfiokit: no IOMMU groups: %s; next step: %s (then run 'vfiokit check')\n"), why, next);
	return VK_EXIT_NOT_READY;
}

int cmd_groups(struct vk_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		VK_COMMON_LONG_OPTIONS,
		{ "json", no_argument, NULL, 'j' },
		{ "gpu", no_argument, NULL, 'g' },
		{ "group", required_argument, NULL, 'G' },
		{ "device", required_argument, NULL, 'd' },
		{},
	};
	_cleanup_strv_free_ char **groups = NULL, **devices = NULL;
	_cleanup_host_ struct vk_host *h = NULL;
	_cleanup_(vk_names_freep) struct vk_names *names = NULL;
	bool json = false, gpu_only = false, listing_without_groups;
	int c, r;

	while ((c = getopt_long(argc, argv, VK_COMMON_SHORT_OPTIONS "jgG:d:", opts, NULL)) >= 0) {
		switch (c) {
			VK_COMMON_OPTION_CASES(cli, &vk_cmd_groups);
		case 'j':
			json = true;
			break;
		case 'g':
			gpu_only = true;
			break;
		case 'G': {
			int id;

			if (safe_atoi(optarg, &id) < 0 || id < 0)
				return vk_usage_error("groups", _("invalid group number '%s'"), optarg);
			/* kept normalised ("07" is group 7) for the string comparison in want_group() */
			if (strv_push(&groups, xasprintf("%d", id)) < 0)
				return vk_error(ENOMEM, _("out of memory"));
			break;
		}
		case 'd': {
			char full[VK_BDF_MAX];

			if (vk_pci_addr_normalize(optarg, full) < 0)
				return vk_usage_error("groups", _("invalid PCI address '%s' (expected 01:00.0 or 0000:01:00.0)"),
						      optarg);
			if (strv_extend(&devices, full) < 0)
				return vk_error(ENOMEM, _("out of memory"));
			break;
		}
		}
	}
	if (optind < argc)
		return vk_usage_error("groups", _("unexpected argument '%s'"), argv[optind]);

	r = vk_cli_load_host(cli, VK_LOAD_PCI | (json ? VK_LOAD_PCI_DETAILS : 0), &h);
	if (r != 0)
		return r;
	for (char **d = devices; d && *d; d++)
		if (!vk_host_find_pci(h, *d))
			return vk_error(0, _("no PCI device '%s' under '%s'"), *d, cli->root_path);
	/* An lspci listing without groups still shows its devices; the groups are unknown. */
	listing_without_groups = vk_host_is_import(h) && !h->have_groups_dir && h->n_pci > 0;
	if (h->n_groups == 0 && !listing_without_groups) {
		if (!h->have_pci_sysfs)
			return vk_cli_no_groups(cli, h);
		/* Only now are the firmware, CPU and command line worth reading: to say why. */
		r = vk_cli_host_ensure(cli, h, VK_LOAD_IOMMU | VK_LOAD_CPU | VK_LOAD_SYSTEM);
		if (r != 0)
			return r;
		if (json) {
			/* Scripts still get the document: no groups, every device ungrouped. */
			r = vk_names_new(cli->root, &names);
			if (r < 0)
				return vk_error(r, _("cannot set up PCI names"));
			r = print_json(h, names, gpu_only, groups, devices, vk_iommu_state_id(vk_iommu_state(h, NULL)));
			if (r != VK_EXIT_OK)
				return r;
		}
		return vk_cli_no_groups(cli, h);
	}

	r = vk_names_new(cli->root, &names);
	if (r < 0)
		return vk_error(r, _("cannot set up PCI names"));
	r = json ? print_json(h, names, gpu_only, groups, devices, listing_without_groups ? "unknown" : "on")
		 : print_table(cli, h, names, gpu_only, groups, devices);
	if (listing_without_groups)
		vk_note(_("the imported listing says nothing about IOMMU groups"));
	return r;
}
