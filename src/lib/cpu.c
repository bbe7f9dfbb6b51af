/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * CPU vendor and flags from /proc/cpuinfo; topology from /sys/devices/system/cpu
 * (Documentation/ABI/stable/sysfs-devices-system-cpu). Sibling numbering differs between
 * vendors and firmware, so it is always read, never assumed (domain.md §10).
 */
#include <fcntl.h>

#include "host.h"
#include "util.h"

static int parse_cpuinfo(struct vk_host *h)
{
	_cleanup_free_ char *data = NULL;
	char *line, *save = NULL;
	bool first_flags = true;
	int r;

	r = vk_root_read_file(h->root, "/proc/cpuinfo", &data, NULL);
	if (r < 0) {
		if (r == -ENOENT && vk_host_is_import(h))
			return 0;
		vk_host_warn(h, _("cannot read '/proc/cpuinfo': %s, treating the CPU as unknown"), strerror(-r));
		return 0;
	}
	for (line = strtok_r(data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *colon = strchr(line, ':'), *key, *val;

		if (!colon)
			continue;
		*colon = '\0';
		key = strstrip(line);
		val = strstrip(colon + 1);
		if (streq(key, "processor"))
			h->cpuinfo.count++;
		else if (streq(key, "vendor_id") && !h->cpuinfo.vendor_id)
			h->cpuinfo.vendor_id = strdup(val);
		else if (streq(key, "model name") && !h->cpuinfo.model_name)
			h->cpuinfo.model_name = strdup(val);
		else if (streq(key, "flags") && first_flags) {
			_cleanup_strv_free_ char **flags = NULL;

			first_flags = false;
			if (strv_split(val, " \t", &flags) < 0)
				return -ENOMEM;
			h->cpuinfo.vmx = strv_contains(flags, "vmx");
			h->cpuinfo.svm = strv_contains(flags, "svm");
			h->cpuinfo.hypervisor = strv_contains(flags, "hypervisor");
			h->cpuinfo.pdpe1gb = strv_contains(flags, "pdpe1gb");
			h->cpuinfo.x2apic = strv_contains(flags, "x2apic");
		}
	}
	return 0;
}

static int read_int_attr(int dfd, const char *name)
{
	char buf[32];
	int v;

	if (vk_dirfd_read(dfd, name, buf, sizeof(buf)) < 0 || safe_atoi(buf, &v) < 0)
		return -1;
	return v;
}

static int parse_topology(struct vk_host *h)
{
	_cleanup_free_ char *online = NULL;
	unsigned *ids = NULL;
	size_t n = 0;
	int r;

	r = vk_root_read_line(h->root, &online, "/sys/devices/system/cpu/online");
	if (r < 0) {
		if (r != -ENOENT)
			vk_host_warn(h, _("cannot read '/sys/devices/system/cpu/online': %s, ignoring the topology"),
				     strerror(-r));
		return 0;
	}
	if (parse_cpulist(online, &ids, &n) < 0) {
		vk_host_warn(h, _("garbled CPU list '%.64s' in '/sys/devices/system/cpu/online', ignoring the topology"),
			     online);
		return 0;
	}
	h->cpu.ids = ids;
	h->cpu.logical = (unsigned)n;
	h->cpu.package = calloc(n ? n : 1, sizeof(int));
	h->cpu.die = calloc(n ? n : 1, sizeof(int));
	h->cpu.core = calloc(n ? n : 1, sizeof(int));
	h->cpu.siblings = calloc(n + 1, sizeof(char *));
	if (!h->cpu.package || !h->cpu.die || !h->cpu.core || !h->cpu.siblings)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		_cleanup_close_ int dfd = vk_root_openf(h->root, O_PATH | O_DIRECTORY, "/sys/devices/system/cpu/cpu%u/topology",
							ids[i]);
		char buf[256];

		h->cpu.package[i] = h->cpu.die[i] = h->cpu.core[i] = -1;
		if (dfd < 0) {
			/* An offline or hidden CPU has no topology directory: it is its own core. */
			h->cpu.siblings[i] = xasprintf("%u", ids[i]);
			if (!h->cpu.siblings[i])
				return -ENOMEM;
			continue;
		}
		h->cpu.package[i] = read_int_attr(dfd, "physical_package_id");
		h->cpu.die[i] = read_int_attr(dfd, "die_id");
		h->cpu.core[i] = read_int_attr(dfd, "core_id");
		if (vk_dirfd_read(dfd, "thread_siblings_list", buf, sizeof(buf)) >= 0 ||
		    vk_dirfd_read(dfd, "core_cpus_list", buf, sizeof(buf)) >= 0)
			h->cpu.siblings[i] = strdup(buf);
		else
			h->cpu.siblings[i] = xasprintf("%u", ids[i]);
		if (!h->cpu.siblings[i])
			return -ENOMEM;
	}
	return 0;
}

int vk_cpu_scan(struct vk_host *h)
{
	int r = parse_cpuinfo(h);

	if (r < 0)
		return r;
	return parse_topology(h);
}
