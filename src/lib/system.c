/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Memory, kernel release, kernel command line and os-release. */
#include <ctype.h>

#include "host.h"
#include "osrelease.h"
#include "util.h"

static void parse_meminfo(struct vk_host *h)
{
	_cleanup_free_ char *data = NULL;
	char *line, *save = NULL;
	int r;

	r = vk_root_read_file(h->root, "/proc/meminfo", &data, NULL);
	if (r < 0) {
		if (r == -ENOENT && vk_host_is_import(h))
			return;
		vk_host_warn(h, _("cannot read '/proc/meminfo': %s, treating memory as unknown"), strerror(-r));
		return;
	}
	for (line = strtok_r(data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *colon = strchr(line, ':');
		uint64_t *dst = NULL, v;
		char *val, *unit;

		if (!colon)
			continue;
		*colon = '\0';
		if (streq(line, "MemTotal"))
			dst = &h->mem_total_kib;
		else if (streq(line, "HugePages_Total"))
			dst = &h->hugepages_total;
		else if (streq(line, "HugePages_Free"))
			dst = &h->hugepages_free;
		else if (streq(line, "Hugepagesize"))
			dst = &h->hugepage_size_kib;
		if (!dst)
			continue;
		val = strstrip(colon + 1);
		unit = strstr(val, " kB");
		if (unit)
			*unit = '\0';
		if (safe_atou64(val, 10, &v) < 0) {
			vk_host_warn(h, _("garbled value '%.32s' for '%s' in '/proc/meminfo', ignoring"), val, line);
			continue;
		}
		*dst = v;
	}
}

int vk_system_scan(struct vk_host *h)
{
	struct vk_os_release os = {0};
	int r;

	parse_meminfo(h);

	r = vk_root_read_line(h->root, &h->kernel_release, "/proc/sys/kernel/osrelease");
	if (r < 0 && r != -ENOENT)
		vk_host_warn(h, _("cannot read '/proc/sys/kernel/osrelease': %s, treating the kernel as unknown"),
			     strerror(-r));
	if (h->kernel_release) {
		char *s = strstrip(h->kernel_release);
		memmove(h->kernel_release, s, strlen(s) + 1);
	}

	r = vk_root_read_line(h->root, &h->cmdline, "/proc/cmdline");
	if (r < 0 && r != -ENOENT && r != -ENODATA)
		vk_host_warn(h, _("cannot read '/proc/cmdline': %s, treating it as unknown"), strerror(-r));

	r = vk_os_release_read(h->root, &os);
	if (r < 0 && r != -ENOENT)
		vk_host_warn(h, _("cannot read os-release: %s, treating the distribution as unknown"), strerror(-r));
	h->os_id = os.id;
	h->os_id_like = os.id_like;
	h->os_pretty_name = os.pretty_name;
	h->os_version_id = os.version_id;
	return 0;
}
