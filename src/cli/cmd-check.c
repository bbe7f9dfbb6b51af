/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vfiokit check: is this host ready for GPU passthrough? */
#include "cli.h"
#include "lib/check.h"
#include "lib/distro.h"
#include "lib/util.h"
#include "report.h"

const struct vk_cmd vk_cmd_check = {
	.name = "check",
	.run = cmd_check,
	.summary = N_("check that this host is ready for GPU passthrough, and say why"),
	.usage = N_("Usage: vfiokit check [--gpu ADDR] [--strict] [--json]\n"
		    "\n"
		    "Check CPU virtualization, /dev/kvm, the IOMMU in the firmware and in the kernel,\n"
		    "the kernel command line, interrupt remapping, memory, the GPUs and, for every\n"
		    "GPU the host does not keep, its IOMMU group under the kernel's viability rules,\n"
		    "its drivers, reset and framebuffer, then the vfio-pci module and QEMU, libvirt\n"
		    "and OVMF. Each check has a stable ID, says why, and what to do on this host.\n"
		    "Read-only; runs as a normal user where the files allow it.\n"
		    "\n"
		    "      --gpu ADDR     check this card (01:00.0 or 0000:01:00.0) instead of every\n"
		    "                     GPU the host does not keep\n"
		    "      --strict       warnings count as failures for the exit status\n"
		    "  -j, --json         print JSON (schema in vfiokit-check(1))\n"
		    "\n"
		    "Exit status: 0 ready, 3 not ready (a check failed), 1 could not run, 2 usage.\n"),
};

static enum vk_color status_color(enum vk_status s)
{
	switch (s) {
	case VK_STATUS_PASS:
		return VK_COLOR_GREEN;
	case VK_STATUS_WARN:
		return VK_COLOR_YELLOW;
	case VK_STATUS_FAIL:
		return VK_COLOR_RED;
	default:
		return VK_COLOR_DIM;
	}
}

static const char *status_word(enum vk_status s)
{
	/* the words of virt-host-validate */
	static const char *const words[] = { "PASS", "WARN", "FAIL", "SKIP" };
	return words[s];
}

void vk_report_print(const struct vk_cli *cli, const struct vk_report *r)
{
	for (size_t i = 0; i < r->n; i++) {
		const struct vk_finding *f = &r->items[i];
		_cleanup_free_ char *left = xasprintf(_("Checking %s"), f->title);
		size_t len = left ? strlen(left) : 0;

		/* "Checking X ....... PASS": dots to column 72, as virt-host-validate aligns */
		fputs(left ? left : "", stdout);
		fputc(' ', stdout);
		for (size_t k = len + 1; k < 72; k++)
			fputc('.', stdout);
		printf(" %s%s%s\n", vk_color_on(cli, status_color(f->status)), status_word(f->status),
		       vk_color_off(cli, status_color(f->status)));
		printf("    %s%s:%s %s\n", vk_color_on(cli, VK_COLOR_DIM), f->id, vk_color_off(cli, VK_COLOR_DIM), f->message);
		if (f->remedy && f->status != VK_STATUS_PASS)
			printf("    %s%s%s %s\n", vk_color_on(cli, VK_COLOR_BOLD), _("remedy:"), vk_color_off(cli, VK_COLOR_BOLD),
			       f->remedy);
	}
}

json_object *vk_report_json(const struct vk_report *r)
{
	json_object *arr = json_object_new_array();

	for (size_t i = 0; arr && i < r->n; i++) {
		const struct vk_finding *f = &r->items[i];
		json_object *o = json_object_new_object();

		json_object_object_add(o, "id", json_object_new_string(f->id));
		json_object_object_add(o, "title", json_object_new_string(f->title));
		json_object_object_add(o, "status", json_object_new_string(vk_status_name(f->status)));
		json_object_object_add(o, "message", json_object_new_string(f->message));
		json_object_object_add(o, "remedy", vk_json_str(f->remedy));
		json_object_object_add(o, "facts", json_object_get(f->facts));
		json_object_array_add(arr, o);
	}
	return arr;
}

int vk_report_exit_status(const struct vk_report *r, bool strict)
{
	if (vk_report_count(r, VK_STATUS_FAIL) || (strict && vk_report_count(r, VK_STATUS_WARN)))
		return VK_EXIT_NOT_READY;
	return VK_EXIT_OK;
}

json_object *vk_report_summary_json(const struct vk_report *r)
{
	json_object *s = json_object_new_object();

	json_object_object_add(s, "pass", json_object_new_int((int)vk_report_count(r, VK_STATUS_PASS)));
	json_object_object_add(s, "warn", json_object_new_int((int)vk_report_count(r, VK_STATUS_WARN)));
	json_object_object_add(s, "fail", json_object_new_int((int)vk_report_count(r, VK_STATUS_FAIL)));
	json_object_object_add(s, "skip", json_object_new_int((int)vk_report_count(r, VK_STATUS_SKIP)));
	return s;
}

void vk_report_print_result(const struct vk_cli *cli, const struct vk_report *r, bool strict, const char *ok_word,
			    const char *no_word)
{
	size_t fails = vk_report_count(r, VK_STATUS_FAIL), warns = vk_report_count(r, VK_STATUS_WARN);
	bool ok = vk_report_exit_status(r, strict) == VK_EXIT_OK;
	_cleanup_strbuf_ struct strbuf ids = STRBUF_INIT;

	for (size_t i = 0; i < r->n; i++)
		if (r->items[i].status == VK_STATUS_FAIL || (strict && r->items[i].status == VK_STATUS_WARN))
			strbuf_addf(&ids, "%s%s", ids.len ? ", " : "", r->items[i].id);
	printf("\n%s%s%s", vk_color_on(cli, ok ? VK_COLOR_GREEN : VK_COLOR_RED), ok ? ok_word : no_word,
	       vk_color_off(cli, ok ? VK_COLOR_GREEN : VK_COLOR_RED));
	if (!ok)
		printf(": %s", ids.s);
	printf(_(" (failed: %zu, warnings: %zu)\n"), fails, warns);
}

int cmd_check(struct vk_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		VK_COMMON_LONG_OPTIONS,
		{ "json", no_argument, NULL, 'j' },
		{ "gpu", required_argument, NULL, 'g' },
		{ "strict", no_argument, NULL, 's' },
		{},
	};
	_cleanup_host_ struct vk_host *h = NULL;
	struct vk_check_opts o = {0};
	struct vk_report r = {0};
	struct vk_distro d;
	char gpu[VK_BDF_MAX];
	bool json = false, strict = false;
	int c, k;

	while ((c = getopt_long(argc, argv, VK_COMMON_SHORT_OPTIONS "jg:s", opts, NULL)) >= 0) {
		switch (c) {
			VK_COMMON_OPTION_CASES(cli, &vk_cmd_check);
		case 'j':
			json = true;
			break;
		case 's':
			strict = true;
			break;
		case 'g':
			if (vk_pci_addr_normalize(optarg, gpu) < 0)
				return vk_usage_error("check", _("invalid PCI address '%s' (expected 01:00.0 or 0000:01:00.0)"),
						      optarg);
			o.gpu = gpu;
			break;
		}
	}
	if (optind < argc)
		return vk_usage_error("check", _("unexpected argument '%s'"), argv[optind]);

	k = vk_cli_load_host(cli, VK_LOAD_ALL, &h);
	if (k != 0)
		return k;
	if (o.gpu && !vk_host_find_pci(h, o.gpu))
		return vk_error(0, _("no PCI device '%s' under '%s'"), o.gpu, cli->root_path);
	k = vk_check_host(h, &o, &r);
	if (k == -ENODEV)
		return vk_error(0, _("'%s' is not a display device (class 03xx); 'vfiokit gpus' lists the GPUs"), o.gpu);
	if (k < 0)
		return vk_error(k, _("cannot run the checks"));
	vk_distro_detect(h, &d);

	if (json) {
		json_object *root = json_object_new_object(), *host = json_object_new_object();

		json_object_object_add(root, "version", json_object_new_int(1));
		json_object_object_add(root, "ready", json_object_new_boolean(vk_report_exit_status(&r, strict) == VK_EXIT_OK));
		json_object_object_add(root, "strict", json_object_new_boolean(strict));
		json_object_object_add(host, "os", vk_json_str(h->os_pretty_name));
		json_object_object_add(host, "kernel", vk_json_str(h->kernel_release));
		json_object_object_add(host, "cpu", vk_json_str(h->cpuinfo.model_name));
		json_object_object_add(host, "family", json_object_new_string(vk_family_name(d.family)));
		json_object_object_add(host, "initramfs", json_object_new_string(vk_initramfs_name(d.initramfs)));
		json_object_object_add(host, "bootloader", json_object_new_string(vk_bootloader_name(d.bootloader)));
		json_object_object_add(root, "host", host);
		json_object_object_add(root, "summary", vk_report_summary_json(&r));
		json_object_object_add(root, "checks", vk_report_json(&r));
		k = vk_json_print(root);
	} else {
		printf(_("Host: %s, kernel %s, %s, initramfs: %s, boot loader: %s\n\n"),
		       h->os_pretty_name ? h->os_pretty_name : _("unknown distribution"),
		       h->kernel_release ? h->kernel_release : _("unknown"), h->cpuinfo.model_name ? h->cpuinfo.model_name : _("unknown CPU"),
		       vk_initramfs_name(d.initramfs), vk_bootloader_name(d.bootloader));
		vk_report_print(cli, &r);
		vk_report_print_result(cli, &r, strict, _("READY"), _("NOT READY"));
		k = VK_EXIT_OK;
	}
	if (k == VK_EXIT_OK)
		k = vk_report_exit_status(&r, strict);
	vk_report_clear(&r);
	return k;
}
