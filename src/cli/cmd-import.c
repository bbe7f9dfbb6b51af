/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vfiokit import: build a root from listings people paste, so anyone can run vfiokit on it. */
#include <fcntl.h>

#include "cli.h"
#include "lib/machine.h"
#include "lib/util.h"

const struct vk_cmd vk_cmd_import = {
	.name = "import",
	.run = cmd_import,
	.summary = N_("build a root from pasted IOMMU/lspci listings or a machine description"),
	.usage = N_("Usage: vfiokit import FILE... --to DIR\n"
		    "\n"
		    "Read IOMMU group listings (the classic shell loop, ls-iommu, iommu.sh, lsgroup,\n"
		    "per-DMAR trees), lspci -nn/-nnk/-nnkq output, or a native machine description,\n"
		    "merge them by PCI address, and write a root that every command reads with\n"
		    "--root DIR. '-' reads standard input. Lines that cannot be read are skipped\n"
		    "with a warning naming the line; facts a listing does not give stay unknown.\n"
		    "\n"
		    "  -t, --to DIR       write the root here (must not exist, or be empty)\n"),
};

static int read_input(const char *path, char **ret)
{
	_cleanup_strbuf_ struct strbuf b = STRBUF_INIT;
	_cleanup_close_ int fd = -1;
	char buf[65536];

	/* Inputs are the user's documents, not facts about a host: plain open(), no root. */
	fd = streq(path, "-") ? dup(STDIN_FILENO) : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return negative_errno();
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return negative_errno();
		}
		if (n == 0)
			break;
		if (memchr(buf, '\0', (size_t)n))
			return -EBADMSG; /* a binary file is not a listing */
		if (strbuf_add(&b, buf, (size_t)n) < 0 || b.len > (64u << 20))
			return -EFBIG;
	}
	*ret = strbuf_detach(&b);
	return *ret ? 0 : -ENOMEM;
}

int cmd_import(struct vk_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		VK_COMMON_LONG_OPTIONS,
		{ "to", required_argument, NULL, 't' },
		{},
	};
	_cleanup_(vk_machine_freep) struct vk_machine *m = NULL;
	const char *to = NULL;
	size_t groups = 0;
	int c, r;

	while ((c = getopt_long(argc, argv, VK_COMMON_SHORT_OPTIONS "t:", opts, NULL)) >= 0) {
		switch (c) {
			VK_COMMON_OPTION_CASES(cli, &vk_cmd_import);
		case 't':
			to = optarg;
			break;
		}
	}
	if (optind >= argc)
		return vk_usage_error("import", _("no input files"));
	if (!to)
		return vk_usage_error("import", _("missing --to DIR"));

	m = calloc(1, sizeof(*m));
	if (!m)
		return vk_error(ENOMEM, _("out of memory"));
	for (int i = optind; i < argc; i++) {
		_cleanup_free_ char *text = NULL;

		r = read_input(argv[i], &text);
		if (r == -EBADMSG)
			return vk_error(0, _("'%s' is a binary file, not a listing"), argv[i]);
		if (r < 0)
			return vk_error(r, _("cannot read '%s'"), argv[i]);
		r = vk_machine_parse(m, streq(argv[i], "-") ? "<stdin>" : argv[i], text);
		for (char **w = m->warnings; w && *w; w++)
			vk_warning("%s", *w);
		strv_free(m->warnings);
		m->warnings = NULL;
		if (r == -EBADMSG)
			return vk_error(0, _("'%s' holds no device, group or command line that vfiokit can read"), argv[i]);
		if (r < 0)
			return vk_error(r, _("cannot parse '%s'"), argv[i]);
	}

	r = vk_machine_write_root(m, to, m->native ? "description" : "import");
	if (r == -ENOTEMPTY)
		return vk_error(0, _("'%s' is not empty; import writes a new root"), to);
	if (r == -EPERM)
		return vk_error(0, _("refusing to write a machine over the running system's '/'"));
	if (r < 0)
		return vk_error(r, _("cannot write the root '%s'"), to);

	for (size_t i = 0; i < m->n_devs; i++) {
		bool first = m->devs[i].group >= 0;

		for (size_t k = 0; first && k < i; k++)
			if (m->devs[k].group == m->devs[i].group)
				first = false;
		groups += first;
	}
	fprintf(stderr, _("vfiokit: imported %zu devices in %zu IOMMU groups into '%s'\n"), m->n_devs, groups, to);
	return VK_EXIT_OK;
}
