/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The PCI devices the running host cannot lose: the root disk's controller and the NIC
 * that carries the default route. */
#include <fcntl.h>

#include "usage.h"
#include "util.h"

/* The last full PCI address in a sysfs path: the device closest to the block/net device. */
static char *pci_from_path(const char *path)
{
	_cleanup_strv_free_ char **parts = NULL;
	char *found = NULL;

	if (strv_split(path, "/", &parts) < 0)
		return NULL;
	for (char **p = parts; *p; p++) {
		struct vk_pci_addr a;
		char full[VK_BDF_MAX];

		if (strchr(*p, ':') != strrchr(*p, ':') && vk_pci_addr_parse(*p, &a) == 0) {
			vk_pci_addr_format(&a, full);
			free(found);
			found = strdup(full);
		}
	}
	return found;
}

static int add(char ***l, char ***why, const char *bdf, char *reason)
{
	if (strv_contains(*l, bdf)) {
		free(reason);
		return 0;
	}
	if (strv_extend(l, bdf) < 0 || strv_push(why, reason) < 0)
		return -ENOMEM;
	return 0;
}

/* Walks a block device down through dm/md "slaves" to the disks and their controllers. */
static int trace_block(const struct vk_host *h, struct vk_usage *u, const char *name, const char *mnt, unsigned depth)
{
	_cleanup_free_ char *target = NULL;
	_cleanup_strv_free_ char **slaves = NULL;
	_cleanup_free_ char *slavedir = NULL;
	int r;

	if (depth > 8)
		return 0;
	r = vk_root_readlink(h->root, &target, "/sys/class/block/%s", name);
	if (r < 0)
		return 0;
	{
		_cleanup_free_ char *bdf = pci_from_path(target);

		if (bdf) {
			u->root_known = true;
			return add(&u->root_disk, &u->root_disk_why, bdf, xasprintf(_("holds %s (%s)"), mnt, name));
		}
	}
	slavedir = xasprintf("/sys/class/block/%s/slaves", name);
	if (!slavedir)
		return -ENOMEM;
	if (vk_root_list_dir(h->root, slavedir, &slaves) < 0)
		return 0;
	for (char **s = slaves; *s; s++) {
		r = trace_block(h, u, *s, mnt, depth + 1);
		if (r < 0)
			return r;
	}
	return 0;
}

/* The block device name for a mount: by its major:minor ("dev" files) or its source. */
static char *block_for(const struct vk_host *h, const char *majmin, const char *source, char **names)
{
	const char *base;

	for (char **n = names; n && *n; n++) {
		char buf[32];
		_cleanup_close_ int fd = vk_root_openf(h->root, O_PATH | O_DIRECTORY, "/sys/class/block/%s", *n);

		if (fd >= 0 && vk_dirfd_read(fd, "dev", buf, sizeof(buf)) > 0 && streq(buf, majmin))
			return strdup(*n);
	}
	/* btrfs reports an anonymous device number: fall back to the mount's source. */
	base = startswith(source, "/dev/");
	if (base && !strchr(base, '/') && strv_contains(names, base))
		return strdup(base);
	if ((base = startswith(source, "/dev/mapper/"))) {
		for (char **n = names; n && *n; n++) {
			char buf[256];
			_cleanup_close_ int fd = vk_root_openf(h->root, O_PATH | O_DIRECTORY, "/sys/class/block/%s/dm", *n);

			if (fd >= 0 && vk_dirfd_read(fd, "name", buf, sizeof(buf)) > 0 && streq(buf, base))
				return strdup(*n);
		}
	}
	return NULL;
}

static int scan_mounts(const struct vk_host *h, struct vk_usage *u)
{
	_cleanup_free_ char *data = NULL;
	_cleanup_strv_free_ char **blocks = NULL;
	char *line, *save = NULL;

	if (vk_root_read_file(h->root, "/proc/self/mountinfo", &data, NULL) < 0)
		return 0;
	(void)vk_root_list_dir(h->root, "/sys/class/block", &blocks);
	/* mountinfo(5): ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPER */
	for (line = strtok_r(data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		_cleanup_strv_free_ char **f = NULL;
		_cleanup_free_ char *name = NULL;
		const char *source = "";
		size_t n;
		int r;

		if (strv_split(line, " ", &f) < 0)
			return -ENOMEM;
		n = strv_length(f);
		if (n < 7 || !(streq(f[4], "/") || streq(f[4], "/boot") || streq(f[4], "/boot/efi") || streq(f[4], "/efi")))
			continue;
		for (size_t i = 6; i + 2 < n; i++)
			if (streq(f[i], "-")) {
				source = f[i + 2];
				break;
			}
		name = block_for(h, f[2], source, blocks);
		if (!name)
			continue;
		r = trace_block(h, u, name, f[4], 0);
		if (r < 0)
			return r;
	}
	return 0;
}

static int scan_routes(const struct vk_host *h, struct vk_usage *u)
{
	_cleanup_free_ char *data = NULL;
	char *line, *save = NULL;

	if (vk_root_read_file(h->root, "/proc/net/route", &data, NULL) < 0)
		return 0;
	u->route_known = true;
	/* Iface Destination Gateway Flags ... Mask: a default route has both 00000000 */
	for (line = strtok_r(data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		_cleanup_strv_free_ char **f = NULL;
		_cleanup_free_ char *target = NULL, *bdf = NULL;

		if (strv_split(line, " \t", &f) < 0)
			return -ENOMEM;
		if (strv_length(f) < 8 || !streq(f[1], "00000000") || !streq(f[7], "00000000"))
			continue;
		if (vk_root_readlink(h->root, &target, "/sys/class/net/%s/device", f[0]) < 0)
			continue;
		bdf = pci_from_path(target);
		if (bdf && add(&u->default_nic, &u->default_nic_why, bdf, xasprintf(_("carries the default route (%s)"), f[0])) < 0)
			return -ENOMEM;
	}
	return 0;
}

int vk_usage_scan(const struct vk_host *h, struct vk_usage *ret)
{
	struct vk_usage u = {0};
	int r;

	r = scan_mounts(h, &u);
	if (r >= 0)
		r = scan_routes(h, &u);
	if (r < 0) {
		vk_usage_clear(&u);
		return r;
	}
	*ret = u;
	return 0;
}

void vk_usage_clear(struct vk_usage *u)
{
	strv_free(u->root_disk);
	strv_free(u->root_disk_why);
	strv_free(u->default_nic);
	strv_free(u->default_nic_why);
	*u = (struct vk_usage){0};
}

const char *vk_usage_reason(const struct vk_usage *u, const char *bdf)
{
	for (size_t i = 0; u->root_disk && u->root_disk[i]; i++)
		if (streq(u->root_disk[i], bdf))
			return u->root_disk_why[i];
	for (size_t i = 0; u->default_nic && u->default_nic[i]; i++)
		if (streq(u->default_nic[i], bdf))
			return u->default_nic_why[i];
	return NULL;
}
