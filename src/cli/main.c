/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vfiokit: global options, the command table and dispatch. */
#include <locale.h>
#include <sys/auxv.h>

#include "cli.h"
#include "lib/util.h"

static const struct vk_cmd *const commands[] = {
	&vk_cmd_check,
	&vk_cmd_groups,
	&vk_cmd_gpus,
	&vk_cmd_import,
	&vk_cmd_snapshot,
	&vk_cmd_disk,
	&vk_cmd_vm,
	NULL,
};

static const struct vk_cmd *find_command(const char *name)
{
	for (size_t i = 0; commands[i]; i++)
		if (streq(commands[i]->name, name))
			return commands[i];
	return NULL;
}

static void print_usage(void)
{
	printf(_("Usage: vfiokit [--root DIR] [--color[=WHEN]] COMMAND [ARGS...]\n"
		 "       vfiokit help COMMAND | --help | --version\n"
		 "\n"
		 "Take a machine from \"Linux installed\" to a VM that owns a GPU through VFIO,\n"
		 "proving each step.\n"
		 "\n"
		 "Commands:\n"));
	for (size_t i = 0; commands[i]; i++)
		printf("  %-10s %s\n", commands[i]->name, _(commands[i]->summary));
	printf(_("\n"
		 "Options:\n"
		 "  -R, --root DIR     read and write the host's files under DIR (default /)\n"
		 "      --color[=WHEN] colour output: auto (default), always or never\n"
		 "  -h, --help         show this help\n"
		 "  -V, --version      show the version\n"
		 "\n"
		 "Exit status: 0 ok, 1 failure, 2 usage error, 3 not ready.\n"
		 "See vfiokit(1) and vfiokit-COMMAND(1).\n"));
}

static int cmd_help(struct vk_cli *cli, int argc, char **argv)
{
	const struct vk_cmd *c;

	if (argc < 2) {
		print_usage();
		return VK_EXIT_OK;
	}
	if (argc > 2)
		return vk_usage_error(NULL, _("too many arguments"));
	c = find_command(argv[1]);
	if (!c)
		return vk_usage_error(NULL, _("unknown command '%s'"), argv[1]);
	vk_cli_print_help(c);
	return VK_EXIT_OK;
}

static int flush_stdout(void)
{
	/* A full disk or a closed pipe on stdout is a failure, not a silent truncation;
	 * EPIPE is the reader's choice ("| head") and not ours to report. */
	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (errno == EPIPE)
			return 0;
		vk_error(errno ? errno : EIO, _("cannot write to standard output"));
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		VK_COMMON_LONG_OPTIONS,
		{ "version", no_argument, NULL, 'V' },
		{},
	};
	struct vk_cli cli = { .root_path = "/", .color = -1 };
	const struct vk_cmd *cmd;
	int c, r;

	setlocale(LC_ALL, "");
#if ENABLE_NLS
	/* VFIOKIT_LOCALEDIR lets the test suite use the catalogues in the build tree; it is
	 * ignored in privileged (setuid) runs. */
	if (getenv("VFIOKIT_LOCALEDIR") && getauxval(AT_SECURE) == 0)
		bindtextdomain(GETTEXT_PACKAGE, getenv("VFIOKIT_LOCALEDIR"));
	else
		bindtextdomain(GETTEXT_PACKAGE, LOCALEDIR);
	textdomain(GETTEXT_PACKAGE);
#endif
	vk_cli_set_color(&cli, NULL);

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+" VK_COMMON_SHORT_OPTIONS "V", opts, NULL)) >= 0) {
		switch (c) {
		case 'h':
			print_usage();
			return flush_stdout() < 0 ? VK_EXIT_FAILURE : VK_EXIT_OK;
		case 'V':
			printf("vfiokit %s\n", PACKAGE_VERSION);
			return flush_stdout() < 0 ? VK_EXIT_FAILURE : VK_EXIT_OK;
		case 'R':
			cli.root_path = optarg;
			break;
		case 'C':
			if (vk_cli_set_color(&cli, optarg) < 0)
				return vk_usage_error(NULL, _("invalid --color value '%s'"), optarg);
			break;
		default:
			return vk_cli_bad_option(NULL, c, argc, argv);
		}
	}
	if (optind >= argc)
		return vk_usage_error(NULL, _("missing command"));

	if (streq(argv[optind], "help")) {
		r = cmd_help(&cli, argc - optind, argv + optind);
	} else {
		cmd = find_command(argv[optind]);
		if (!cmd)
			return vk_usage_error(NULL, _("unknown command '%s'"), argv[optind]);
		int sub_argc = argc - optind;
		char **sub_argv = argv + optind;

		/* Each command parses its own options, starting at its name; optind = 0 makes
		 * glibc's getopt start afresh. */
		optind = 0;
		r = cmd->run(&cli, sub_argc, sub_argv);
	}

	vk_root_free(cli.root);
	if (flush_stdout() < 0 && r == VK_EXIT_OK)
		r = VK_EXIT_FAILURE;
	return r;
}
