/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * edit-tool EDITOR [OPTIONS] [FILE]: runs one libvfiokit configuration editor on FILE (absent or
 * "-" missing: the file does not exist) and writes the new text to stdout, so that the consumer
 * tests can hand the result to the real consumer (bash, dash, kmod, kernel-install...). A test
 * driver: built, never installed.
 *
 * Exit: 0 done (with --out, a NULL result deletes the out file; without it, "(no file)" goes to
 * stderr), 1 the editor refused (its message on stderr), 2 usage. --report FILE writes the
 * added/removed/moved/notes lists, one "kind<TAB>item" per line.
 */
#include <getopt.h>
#include <stdio.h>
#include <sys/stat.h>

#include "lib/edit.h"
#include "lib/util.h"

static char *read_all(const char *path)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	_cleanup_strbuf_ struct strbuf b = STRBUF_INIT;
	char buf[4096];
	size_t n;

	if (!f)
		return NULL;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		if (strbuf_add(&b, buf, n) < 0)
			return NULL;
	return strbuf_detach(&b);
}

static int write_all(const char *path, const char *text)
{
	_cleanup_fclose_ FILE *f = path ? fopen(path, "we") : NULL;
	FILE *o = path ? f : stdout;

	if (!o)
		return -errno;
	if (fputs(text, o) < 0 || fflush(o) != 0)
		return -EIO;
	return 0;
}

static void usage(void)
{
	fputs("usage: edit-tool EDITOR [--add P] [--remove P] [--module M] [--remove-module M] [--obsolete-module M] "
	      "[--kernel REL]\n"
	      "       [--linux] [--label L] [--drop] [--title-suffix S] [--main FILE] [--hook H]\n"
	      "       [--install-item PATH] [--remove-install-item PATH] [--mp-module M] [--option O] [--remove-option "
	      "O] [--softdep D]\n"
	      "       [--remove-softdep D] [--bootnum N --disk D --part N --efi-label L --loader L --cmdline C]\n"
	      "       [--out FILE] [--report FILE] [FILE]\n"
	      "EDITOR: grub bls bls-copy bls-copy-name kcmdline kcmdline-from-proc refind limine mkinitcpio\n"
	      "        mkinitcpio-dropin mkinitcpio-has-hook mkinitcpio-hook dracut itools booster modprobe\n"
	      "        kernelstub efistub vfio-modules\n",
	      stderr);
}

int main(int argc, char **argv)
{
	enum {
		O_ADD = 256,
		O_REMOVE,
		O_MODULE,
		O_RMMODULE,
		O_KERNEL,
		O_LINUX,
		O_LABEL,
		O_DROP,
		O_TITLE,
		O_MAIN,
		O_HOOK,
		O_ITEM,
		O_MPMOD,
		O_OPTION,
		O_RMOPTION,
		O_SOFTDEP,
		O_RMSOFTDEP,
		O_BOOTNUM,
		O_DISK,
		O_PART,
		O_EFILABEL,
		O_LOADER,
		O_CMDLINE,
		O_OUT,
		O_REPORT,
		O_RMITEM,
		O_OBSMODULE,
	};
	static const struct option opts[] = {
	    {"add", required_argument, NULL, O_ADD},
	    {"remove", required_argument, NULL, O_REMOVE},
	    {"module", required_argument, NULL, O_MODULE},
	    {"remove-module", required_argument, NULL, O_RMMODULE},
	    {"obsolete-module", required_argument, NULL, O_OBSMODULE},
	    {"kernel", required_argument, NULL, O_KERNEL},
	    {"linux", no_argument, NULL, O_LINUX},
	    {"label", required_argument, NULL, O_LABEL},
	    {"drop", no_argument, NULL, O_DROP},
	    {"title-suffix", required_argument, NULL, O_TITLE},
	    {"main", required_argument, NULL, O_MAIN},
	    {"hook", required_argument, NULL, O_HOOK},
	    {"install-item", required_argument, NULL, O_ITEM},
	    {"remove-install-item", required_argument, NULL, O_RMITEM},
	    {"mp-module", required_argument, NULL, O_MPMOD},
	    {"option", required_argument, NULL, O_OPTION},
	    {"remove-option", required_argument, NULL, O_RMOPTION},
	    {"softdep", required_argument, NULL, O_SOFTDEP},
	    {"remove-softdep", required_argument, NULL, O_RMSOFTDEP},
	    {"bootnum", required_argument, NULL, O_BOOTNUM},
	    {"disk", required_argument, NULL, O_DISK},
	    {"part", required_argument, NULL, O_PART},
	    {"efi-label", required_argument, NULL, O_EFILABEL},
	    {"loader", required_argument, NULL, O_LOADER},
	    {"cmdline", required_argument, NULL, O_CMDLINE},
	    {"out", required_argument, NULL, O_OUT},
	    {"report", required_argument, NULL, O_REPORT},
	    {},
	};
	_cleanup_strv_free_ char **add = calloc(1, sizeof(char *)), **rm = calloc(1, sizeof(char *)),
				 **mods = calloc(1, sizeof(char *)), **rmmods = calloc(1, sizeof(char *)),
				 **obsmods = calloc(1, sizeof(char *)), **items = calloc(1, sizeof(char *)),
				 **rmitems = calloc(1, sizeof(char *)), **options = calloc(1, sizeof(char *)),
				 **rmoptions = calloc(1, sizeof(char *)), **softdeps = calloc(1, sizeof(char *)),
				 **rmsoftdeps = calloc(1, sizeof(char *));
	_cleanup_free_ char *text = NULL, *main_text = NULL;
	const char *label = NULL, *title = NULL, *hook = NULL, *mpmod = "vfio-pci", *out = NULL, *report = NULL;
	struct vk_efistub efi = {0};
	bool linux_var = false, drop = false;
	struct vk_edit_result r = {0};
	const char *editor;
	int c, k = 0;

	if (!obsmods || !rmitems || !add || !rm || !mods || !rmmods || !items || !options || !rmoptions || !softdeps ||
	    !rmsoftdeps)
		return 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) >= 0) {
		switch (c) {
		case O_ADD:
			k = strv_extend(&add, optarg);
			break;
		case O_REMOVE:
			k = strv_extend(&rm, optarg);
			break;
		case O_MODULE:
			k = strv_extend(&mods, optarg);
			break;
		case O_RMMODULE:
			k = strv_extend(&rmmods, optarg);
			break;
		case O_OBSMODULE:
			k = strv_extend(&obsmods, optarg);
			break;
		case O_KERNEL: {
			_cleanup_strv_free_ char **m = NULL, **o = NULL;

			k = vk_vfio_modules(optarg, &m, &o);
			if (k < 0) {
				fprintf(stderr, "edit-tool: bad kernel release '%s'\n", optarg);
				return 2;
			}
			for (char **x = m; *x && k >= 0; x++)
				k = strv_extend(&mods, *x);
			for (char **x = o; *x && k >= 0; x++)
				k = strv_extend(&obsmods, *x);
			break;
		}
		case O_LINUX:
			linux_var = true;
			break;
		case O_LABEL:
			label = optarg;
			break;
		case O_DROP:
			drop = true;
			break;
		case O_TITLE:
			title = optarg;
			break;
		case O_MAIN:
			main_text = read_all(optarg);
			break;
		case O_HOOK:
			hook = optarg;
			break;
		case O_ITEM:
			k = strv_extend(&items, optarg);
			break;
		case O_RMITEM:
			k = strv_extend(&rmitems, optarg);
			break;
		case O_MPMOD:
			mpmod = optarg;
			break;
		case O_OPTION:
			k = strv_extend(&options, optarg);
			break;
		case O_RMOPTION:
			k = strv_extend(&rmoptions, optarg);
			break;
		case O_SOFTDEP:
			k = strv_extend(&softdeps, optarg);
			break;
		case O_RMSOFTDEP:
			k = strv_extend(&rmsoftdeps, optarg);
			break;
		case O_BOOTNUM:
			efi.bootnum = optarg;
			break;
		case O_DISK:
			efi.disk = optarg;
			break;
		case O_PART:
			efi.part = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case O_EFILABEL:
			efi.label = optarg;
			break;
		case O_LOADER:
			efi.loader = optarg;
			break;
		case O_CMDLINE:
			efi.cmdline = optarg;
			break;
		case O_OUT:
			out = optarg;
			break;
		case O_REPORT:
			report = optarg;
			break;
		default:
			usage();
			return 2;
		}
		if (k < 0)
			return 1;
	}
	if (optind >= argc) {
		usage();
		return 2;
	}
	editor = argv[optind++];
	if (optind < argc && !streq(argv[optind], "-")) {
		struct stat st;

		if (stat(argv[optind], &st) == 0) {
			text = read_all(argv[optind]);
			if (!text) {
				fprintf(stderr, "edit-tool: cannot read '%s'\n", argv[optind]);
				return 1;
			}
		}
	}

	{
		const struct vk_kparams kp = {.add = (const char *const *)add, .remove = (const char *const *)rm};
		const struct vk_modreq mr = {.modules = (const char *const *)mods,
					     .remove = (const char *const *)rmmods,
					     .obsolete = (const char *const *)obsmods};
		const struct vk_modreq ir = {.modules = (const char *const *)items,
					     .remove = (const char *const *)rmitems};
		const struct vk_entry_opts eo = {.label = label, .drop = drop};
		const struct vk_modprobe_req mp = {.module = mpmod,
						   .options = (const char *const *)options,
						   .remove_options = (const char *const *)rmoptions,
						   .softdep_pre = (const char *const *)softdeps,
						   .remove_softdeps = (const char *const *)rmsoftdeps};

		if (streq(editor, "grub"))
			k = vk_edit_grub(text, linux_var ? VK_GRUB_CMDLINE_LINUX : VK_GRUB_CMDLINE_LINUX_DEFAULT, &kp,
					 &r);
		else if (streq(editor, "bls"))
			k = vk_edit_bls(text, &kp, &r);
		else if (streq(editor, "bls-copy"))
			k = vk_bls_copy(text, title ? title : "(VFIO)", &kp, &r);
		else if (streq(editor, "bls-copy-name")) {
			_cleanup_free_ char *nm =
			    optind < argc ? vk_bls_copy_name(argv[optind], label ? label : "vfio") : NULL;

			return nm && printf("%s\n", nm) > 0 ? 0 : 1;
		} else if (streq(editor, "kcmdline"))
			k = vk_edit_kcmdline(text, &kp, &r);
		else if (streq(editor, "kcmdline-from-proc")) {
			_cleanup_free_ char *x = vk_kcmdline_from_proc(strempty(text));

			return x && write_all(out, x) == 0 ? 0 : 1;
		} else if (streq(editor, "refind"))
			k = vk_edit_refind(text, &eo, &kp, &r);
		else if (streq(editor, "limine"))
			k = vk_edit_limine(text, &eo, &kp, &r);
		else if (streq(editor, "mkinitcpio"))
			k = vk_edit_mkinitcpio(text, &mr, &r);
		else if (streq(editor, "mkinitcpio-dropin"))
			k = vk_mkinitcpio_dropin(main_text, &mr, &r);
		else if (streq(editor, "mkinitcpio-has-hook")) {
			k = vk_mkinitcpio_has_hook(text, hook ? hook : "modconf", &r);
			if (k >= 0 || k == -ENOENT) {
				printf("%s\n", k == 1 ? "yes" : k == 0 ? "no" : "no HOOKS");
				vk_edit_result_clear(&r);
				return 0;
			}
		} else if (streq(editor, "mkinitcpio-hook"))
			k = vk_edit_mkinitcpio_hook(text, hook ? hook : "modconf", &r);
		else if (streq(editor, "dracut"))
			k = vk_edit_dracut(text, &mr, &ir, &r);
		else if (streq(editor, "itools"))
			k = vk_edit_itools(text, &mr, &r);
		else if (streq(editor, "booster"))
			k = vk_edit_booster(text, &mr, &r);
		else if (streq(editor, "modprobe"))
			k = vk_edit_modprobe(text, &mp, &r);
		else if (streq(editor, "kernelstub")) {
			_cleanup_strv_free_ char **apply = NULL, **undo = NULL;

			k = vk_kernelstub_argv(&kp, &apply, &undo);
			if (k < 0)
				return 1;
			for (char **x = apply; *x; x++)
				printf("apply\t%s\n", *x);
			for (char **x = undo; *x; x++)
				printf("undo\t%s\n", *x);
			return 0;
		} else if (streq(editor, "efistub"))
			k = vk_efistub_commands(&efi, &kp, &r);
		else if (streq(editor, "vfio-modules")) {
			for (char **x = mods; *x; x++)
				printf("module\t%s\n", *x);
			for (char **x = obsmods; *x; x++)
				printf("obsolete\t%s\n", *x);
			return 0;
		} else {
			usage();
			return 2;
		}
	}
	if (k < 0) {
		_cleanup_free_ char *msg = vk_edit_result_message(&r);

		fprintf(stderr, "edit-tool: %s (%s)\n", msg ? msg : "?", strerror(-k));
		vk_edit_result_clear(&r);
		return 1;
	}
	if (report) {
		_cleanup_fclose_ FILE *f = fopen(report, "we");
		const char *kinds[] = {"added", "removed", "moved", "note"};
		char **lists[] = {r.added, r.removed, r.moved, r.notes};

		if (!f)
			return 1;
		for (size_t i = 0; i < 4; i++)
			for (char **x = lists[i]; x && *x; x++)
				fprintf(f, "%s\t%s\n", kinds[i], *x);
		fprintf(f, "changed\t%s\n", r.changed ? "yes" : "no");
	}
	if (!r.text) {
		if (out)
			(void)unlink(out);
		else
			fputs("(no file)\n", stderr);
	} else if (write_all(out, r.text) < 0) {
		vk_edit_result_clear(&r);
		return 1;
	}
	vk_edit_result_clear(&r);
	return 0;
}
