/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vfiokit snapshot: the files vfiokit reads, in one tar file for a bug report. */
#include <fcntl.h>
#include <sys/stat.h>

#include "cli.h"
#include "lib/snapshot.h"
#include "lib/process.h"
#include "lib/util.h"

const struct vk_cmd vk_cmd_snapshot = {
	.name = "snapshot",
	.run = cmd_snapshot,
	.summary = N_("capture the files vfiokit reads into a tar file (for bug reports)"),
	.usage = N_("Usage: vfiokit snapshot -o FILE.tar\n"
		    "       vfiokit snapshot --dir DIR\n"
		    "\n"
		    "Copy exactly the files vfiokit reads (the PCI, IOMMU, USB and block parts of\n"
		    "sysfs with their links, CPU topology, /proc facts, ACPI table names, module\n"
		    "indexes, and the boot and initramfs configuration) and nothing else: no keys,\n"
		    "no /etc/shadow, no home directories. 'vfiokit --root DIR ...' on the unpacked\n"
		    "snapshot answers as the host did.\n"
		    "\n"
		    "  -o, --output FILE  write a tar file (FILE.tar.gz or .tgz: compressed)\n"
		    "      --dir DIR      write the unpacked tree instead (DIR must not exist or be empty)\n"),
};

int cmd_snapshot(struct vk_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		VK_COMMON_LONG_OPTIONS,
		{ "output", required_argument, NULL, 'o' },
		{ "dir", required_argument, NULL, 'D' },
		{},
	};
	_cleanup_strv_free_ char **warnings = NULL;
	_cleanup_free_ char *stage = NULL, *tmp_out = NULL;
	const char *out = NULL, *dir = NULL, *dest;
	bool gz;
	int c, r;

	while ((c = getopt_long(argc, argv, VK_COMMON_SHORT_OPTIONS "o:", opts, NULL)) >= 0) {
		switch (c) {
			VK_COMMON_OPTION_CASES(cli, &vk_cmd_snapshot);
		case 'o':
			out = optarg;
			break;
		case 'D':
			dir = optarg;
			break;
		}
	}
	if (optind < argc)
		return vk_usage_error("snapshot", _("unexpected argument '%s'"), argv[optind]);
	if (!out == !dir)
		return vk_usage_error("snapshot", _("give either -o FILE.tar or --dir DIR"));
	r = vk_cli_open_root(cli);
	if (r != 0)
		return r;

	if (out) {
		const char *tmpdir = getenv("TMPDIR");

		stage = xasprintf("%s/vfiokit-snapshot-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
		if (!stage || !mkdtemp(stage))
			return vk_error(errno ? errno : ENOMEM, _("cannot create a temporary directory"));
		dest = stage;
	} else
		dest = dir;

	r = vk_snapshot_capture(cli->root, dest, &warnings);
	for (char **w = warnings; w && *w; w++)
		vk_warning("%s", *w);
	if (r == -ENOTEMPTY)
		r = vk_error(0, _("'%s' is not empty; a snapshot needs a new directory"), dest);
	else if (r == -EPERM)
		r = vk_error(0, _("refusing to write a snapshot over the running system's '/'"));
	else if (r < 0)
		r = vk_error(r, _("cannot write the snapshot to '%s'"), dest);
	else
		r = VK_EXIT_OK;

	if (r == VK_EXIT_OK && out) {
		/* Deterministic members (names sorted, owner root, no times) so two snapshots
		 * of the same host compare equal; written next to FILE, then renamed over it. */
		gz = endswith(out, ".gz") || endswith(out, ".tgz");
		tmp_out = xasprintf("%s.vfiokit-tmp", out);
		if (!tmp_out)
			return vk_error(ENOMEM, _("out of memory"));
		{
			const char *args[] = { "tar", gz ? "-czf" : "-cf", tmp_out, "--sort=name", "--owner=0", "--group=0",
					       "--numeric-owner", "--mtime=@0", "-C", stage, ".", NULL };

			r = vk_spawn(args, 0, -1);
		}
		if (r < 0)
			r = vk_error(r, _("cannot run 'tar'"));
		else if (r != 0)
			r = vk_error(0, _("'tar' failed with exit status %d"), r);
		else if (rename(tmp_out, out) < 0)
			r = vk_error(errno, _("cannot write '%s'"), out);
		if (r != VK_EXIT_OK)
			(void)unlink(tmp_out);
	}
	if (stage)
		(void)rm_rf(stage);
	if (r == VK_EXIT_OK)
		fprintf(stderr, _("vfiokit: snapshot of '%s' written to '%s'\n"), cli->root_path, out ? out : dir);
	return r;
}
