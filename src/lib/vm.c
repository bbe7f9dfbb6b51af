/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Host facts for 'vm create'; see vm.h. */
#include <ctype.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "util.h"
#include "verdict.h"
#include "vm.h"

void vk_vm_disk_clear(struct vk_vm_disk *d)
{
	free(d->name);
	free(d->parent);
	free(d->devnum);
	free(d->path);
	*d = (struct vk_vm_disk){0};
}

/* "/dev/disk/by-id" + "../../sdb" -> "/dev/sdb" (lexically, as the kernel resolves it). */
static char *join_path(const char *dir, const char *target)
{
	_cleanup_strv_free_ char **parts = NULL, **in = NULL;
	_cleanup_free_ char *full = NULL;
	_cleanup_strbuf_ struct strbuf out = STRBUF_INIT;
	size_t n = 0;

	full = target[0] == '/' ? strdup(target) : xasprintf("%s/%s", dir, target);
	if (!full || strv_split(full, "/", &in) < 0)
		return NULL;
	parts = calloc(strv_length(in) + 1, sizeof(char *));
	if (!parts)
		return NULL;
	for (char **p = in; *p; p++) {
		if (streq(*p, "."))
			continue;
		if (streq(*p, "..")) {
			if (n > 0)
				free(parts[--n]), parts[n] = NULL;
			continue;
		}
		parts[n] = strdup(*p);
		if (!parts[n++])
			return NULL;
	}
	for (size_t i = 0; i < n; i++)
		strbuf_addf(&out, "/%s", parts[i]);
	if (n == 0)
		strbuf_adds(&out, "/");
	return strbuf_detach(&out);
}

/* Follows symlinks in the root's /dev, returning the final path (which need not exist:
 * a fixture has no device nodes). */
static int follow_links(struct vk_root *r, const char *path, char **ret)
{
	_cleanup_free_ char *cur = strdup(path);

	if (!cur)
		return -ENOMEM;
	for (int hops = 0; hops < 16; hops++) {
		_cleanup_free_ char *target = NULL, *dir = NULL;
		char *slash, *next;
		int k;

		k = vk_root_readlink(r, &target, "%s", cur);
		if (k < 0)
			break; /* not a link (or absent): the end */
		dir = strdup(cur);
		if (!dir)
			return -ENOMEM;
		slash = strrchr(dir, '/');
		if (slash == dir)
			slash[1] = '\0';
		else
			*slash = '\0';
		next = join_path(dir, target);
		if (!next)
			return -ENOMEM;
		free(cur);
		cur = next;
	}
	*ret = TAKE_PTR(cur);
	return 0;
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

/* The kernel name behind a /dev path: the device number of a real node, else the name
 * the links end at ("/dev/mapper/root" -> "../dm-0" -> "dm-0"). */
static int kernel_name(struct vk_root *r, const char *path, char **ret)
{
	_cleanup_free_ char *final = NULL;
	struct stat st;
	int k;

	k = follow_links(r, path, &final);
	if (k < 0)
		return k;
	if (vk_root_stat(r, final, &st, true) == 0 && S_ISBLK(st.st_mode)) {
		k = vk_root_readlink_base(r, ret, "/sys/dev/block/%u:%u", major(st.st_rdev), minor(st.st_rdev));
		if (k != -ENOENT && k != -EINVAL)
			return k;
	}
	*ret = strdup(base_name(final));
	return *ret ? 0 : -ENOMEM;
}

/* The disk a partition belongs to: its sysfs directory's parent ("../../devices/.../block/
 * sdb/sdb2" -> "sdb"); without a link, the name without its partition number. */
static char *partition_parent(struct vk_root *r, const char *name)
{
	_cleanup_free_ char *link = NULL;
	size_t n;

	if (vk_root_readlink(r, &link, "/sys/class/block/%s", name) == 0) {
		char *last = strrchr(link, '/');

		if (last && last != link) {
			char *prev;

			*last = '\0';
			prev = strrchr(link, '/');
			return strdup(prev ? prev + 1 : link);
		}
	}
	n = strlen(name);
	while (n > 0 && isdigit((unsigned char)name[n - 1]))
		n--;
	/* nvme0n1p2, mmcblk0p1: a 'p' separates a name ending in a digit from the number */
	if (n > 1 && name[n - 1] == 'p' && isdigit((unsigned char)name[n - 2]))
		n--;
	return xstrndup(name, n);
}

/* A /dev/disk/by-* link to @name, preferring by-id names that say what the disk is. */
static int stable_path(struct vk_root *r, const char *name, char **ret)
{
	static const struct {
		const char *dir;
		bool generic; /* wwn-/eui.: stable, but say nothing to a person */
	} order[] = {
		{ "/dev/disk/by-id", false },
		{ "/dev/disk/by-id", true },
		{ "/dev/disk/by-partuuid", true },
		{ "/dev/disk/by-uuid", true },
	};

	for (size_t i = 0; i < ELEMENTSOF(order); i++) {
		_cleanup_strv_free_ char **entries = NULL;

		if (vk_root_list_dir(r, order[i].dir, &entries) < 0)
			continue;
		for (char **e = entries; *e; e++) {
			_cleanup_free_ char *target = NULL;
			bool generic = startswith(*e, "wwn-") || startswith(*e, "nvme-eui.") || startswith(*e, "nvme-nvme.");

			if (generic != order[i].generic && i < 2)
				continue;
			if (vk_root_readlink(r, &target, "%s/%s", order[i].dir, *e) < 0)
				continue;
			if (streq(base_name(target), name)) {
				*ret = xasprintf("%s/%s", order[i].dir, *e);
				return *ret ? 1 : -ENOMEM;
			}
		}
	}
	return 0;
}

int vk_vm_disk_resolve(struct vk_root *r, const char *arg, struct vk_vm_disk *ret)
{
	struct vk_vm_disk d = {0};
	int k;

	if (!startswith(arg, "/dev/") || strstr(arg, "/../"))
		return -EINVAL;
	k = kernel_name(r, arg, &d.name);
	if (k < 0)
		return k;
	if (isempty(d.name) || vk_root_exists(r, "/sys/class/block/%s", d.name) < 0) {
		vk_vm_disk_clear(&d);
		return -ENODEV;
	}
	(void)vk_root_read_line(r, &d.devnum, "/sys/class/block/%s/dev", d.name);
	if (vk_root_exists(r, "/sys/class/block/%s/partition", d.name) == 0) {
		d.parent = partition_parent(r, d.name);
		if (!d.parent)
			goto oom;
	}
	k = stable_path(r, d.name, &d.path);
	if (k < 0)
		goto fail;
	d.stable = k > 0;
	if (!d.path && !(d.path = xasprintf("/dev/%s", d.name)))
		goto oom;
	*ret = d;
	return 0;
oom:
	k = -ENOMEM;
fail:
	vk_vm_disk_clear(&d);
	return k;
}

/* ------------------------------------------------------------------------------------ */

struct mount {
	char *devnum, *target, *source; /* source: kernel name, or NULL when not a /dev path */
};

static void mounts_free(struct mount *m, size_t n)
{
	for (size_t i = 0; m && i < n; i++) {
		free(m[i].devnum);
		free(m[i].target);
		free(m[i].source);
	}
	free(m);
}

/* Octal escapes in mountinfo fields ("\040" for a space, proc(5)). */
static void unescape(char *s)
{
	char *w = s;

	for (char *p = s; *p; p++) {
		if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] >= '0' && p[2] <= '7' && p[3] >= '0' && p[3] <= '7') {
			*w++ = (char)(((p[1] - '0') << 6) | ((p[2] - '0') << 3) | (p[3] - '0'));
			p += 3;
		} else
			*w++ = *p;
	}
	*w = '\0';
}

static int read_mounts(struct vk_root *r, struct mount **ret, size_t *n_ret)
{
	_cleanup_free_ char *data = NULL;
	struct mount *m = NULL;
	size_t n = 0;
	bool info = true;
	char *line, *save = NULL;
	int k;

	/* mountinfo has the device number, which works for btrfs subvolumes (0:N) via the
	 * source only, and for everything else directly (proc(5)). */
	k = vk_root_read_file(r, "/proc/self/mountinfo", &data, NULL);
	if (k < 0) {
		info = false;
		k = vk_root_read_file(r, "/proc/mounts", &data, NULL);
	}
	if (k < 0) {
		*ret = NULL;
		*n_ret = 0;
		return k == -ENOENT ? 0 : k;
	}
	for (line = strtok_r(data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		_cleanup_strv_free_ char **w = NULL;
		const char *devnum = NULL, *target = NULL, *source = NULL;
		struct mount *nm;

		if (strv_split(line, " ", &w) < 0)
			goto oom;
		if (info) {
			size_t i;

			if (strv_length(w) < 7)
				continue;
			devnum = w[2];
			target = w[4];
			for (i = 6; w[i] && !streq(w[i], "-"); i++)
				;
			if (w[i] && w[i + 1] && w[i + 2])
				source = w[i + 2];
		} else {
			if (strv_length(w) < 2)
				continue;
			source = w[0];
			target = w[1];
		}
		nm = realloc(m, (n + 1) * sizeof(*m));
		if (!nm)
			goto oom;
		m = nm;
		m[n] = (struct mount){ .devnum = devnum ? strdup(devnum) : NULL, .target = strdup(target) };
		n++;
		if (!m[n - 1].target)
			goto oom;
		unescape(m[n - 1].target);
		if (source && startswith(source, "/dev/")) {
			_cleanup_free_ char *s = strdup(source);

			if (!s)
				goto oom;
			unescape(s);
			if (kernel_name(r, s, &m[n - 1].source) < 0)
				goto oom;
		}
	}
	*ret = m;
	*n_ret = n;
	return 0;
oom:
	mounts_free(m, n);
	return -ENOMEM;
}

static const struct mount *mounted(const struct mount *m, size_t n, const char *name, const char *devnum)
{
	for (size_t i = 0; i < n; i++)
		if ((devnum && m[i].devnum && streq(m[i].devnum, devnum)) || (m[i].source && streq(m[i].source, name)))
			return &m[i];
	return NULL;
}

/* The partitions of a whole disk: the subdirectories of its sysfs directory that have a
 * "partition" attribute (Documentation/ABI/testing/sysfs-block). */
static int partitions(struct vk_root *r, const char *disk, char ***ret)
{
	_cleanup_strv_free_ char **entries = NULL, **l = calloc(1, sizeof(char *));
	int k;

	if (!l)
		return -ENOMEM;
	k = vk_root_list_dir(r, "/sys/class/block", &entries);
	if (k < 0 && k != -ENOENT)
		return k;
	for (char **e = entries; e && *e; e++) {
		_cleanup_free_ char *parent = NULL;

		if (streq(*e, disk) || vk_root_exists(r, "/sys/class/block/%s/partition", *e) < 0)
			continue;
		parent = partition_parent(r, *e);
		if (!parent)
			return -ENOMEM;
		if (streq(parent, disk) && strv_extend(&l, *e) < 0)
			return -ENOMEM;
	}
	*ret = TAKE_PTR(l);
	return 0;
}

/* The whole disks under @name, through device-mapper/MD slaves ("dm-0" -> "sda2" -> "sda"). */
static int backing_disks(struct vk_root *r, const char *name, char ***acc, unsigned depth)
{
	_cleanup_strv_free_ char **slaves = NULL;
	int k;

	if (depth > 8)
		return 0;
	{
		_cleanup_free_ char *p = xasprintf("/sys/class/block/%s/slaves", name);

		if (!p)
			return -ENOMEM;
		(void)vk_root_list_dir(r, p, &slaves);
	}
	if (slaves && slaves[0]) {
		for (char **s = slaves; *s; s++) {
			k = backing_disks(r, *s, acc, depth + 1);
			if (k < 0)
				return k;
		}
		return 0;
	}
	if (vk_root_exists(r, "/sys/class/block/%s/partition", name) == 0) {
		_cleanup_free_ char *parent = partition_parent(r, name);

		if (!parent)
			return -ENOMEM;
		return strv_contains(*acc, parent) ? 0 : strv_extend(acc, parent);
	}
	return strv_contains(*acc, name) ? 0 : strv_extend(acc, name);
}

static char *devnum_of(struct vk_root *r, const char *name)
{
	char *s = NULL;

	(void)vk_root_read_line(r, &s, "/sys/class/block/%s/dev", name);
	return s;
}

static int holder(struct vk_root *r, const char *name, char **ret)
{
	_cleanup_strv_free_ char **h = NULL;
	_cleanup_free_ char *p = xasprintf("/sys/class/block/%s/holders", name);

	if (!p)
		return -ENOMEM;
	if (vk_root_list_dir(r, p, &h) < 0 || !h[0])
		return 0;
	*ret = strdup(h[0]);
	return *ret ? 1 : -ENOMEM;
}

static int swap_on(struct vk_root *r, const char *name)
{
	_cleanup_free_ char *data = NULL;
	char *line, *save = NULL;

	if (vk_root_read_file(r, "/proc/swaps", &data, NULL) < 0)
		return 0;
	for (line = strtok_r(data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		_cleanup_free_ char *kn = NULL;
		char *sp = strpbrk(line, " \t");

		if (!startswith(line, "/dev/"))
			continue;
		if (sp)
			*sp = '\0';
		if (kernel_name(r, line, &kn) < 0)
			return -ENOMEM;
		if (streq(kn, name))
			return 1;
	}
	return 0;
}

int vk_vm_disk_safety(struct vk_root *r, const struct vk_vm_disk *d, enum vk_disk_problem *problem, char **detail)
{
	struct mount *m = NULL;
	size_t n = 0;
	_cleanup_strv_free_ char **members = NULL, **root_disks = calloc(1, sizeof(char *));
	int k;

	*problem = VK_DISK_SAFE;
	*detail = NULL;
	if (!root_disks)
		return -ENOMEM;
	k = read_mounts(r, &m, &n);
	if (k < 0)
		return k;

	/* The disk holding "/": giving it away gives the host's root to the guest. */
	for (size_t i = 0; i < n; i++) {
		_cleanup_strv_free_ char **entries = NULL;

		if (!streq(m[i].target, "/"))
			continue;
		if (m[i].source) {
			k = backing_disks(r, m[i].source, &root_disks, 0);
			if (k < 0)
				goto out;
		}
		if (m[i].devnum && vk_root_list_dir(r, "/sys/class/block", &entries) == 0)
			for (char **e = entries; *e; e++) {
				_cleanup_free_ char *dn = devnum_of(r, *e);

				if (dn && streq(dn, m[i].devnum) && (k = backing_disks(r, *e, &root_disks, 0)) < 0)
					goto out;
			}
	}
	if (!d->parent && strv_contains(root_disks, d->name)) {
		*problem = VK_DISK_ROOT;
		*detail = strdup("/");
		k = *detail ? 0 : -ENOMEM;
		goto out;
	}

	/* The device itself, then (for a whole disk) each of its partitions. */
	if (strv_extend(&members, d->name) < 0)
		goto oom;
	if (!d->parent) {
		_cleanup_strv_free_ char **parts = NULL;

		k = partitions(r, d->name, &parts);
		if (k < 0)
			goto out;
		for (char **p = parts; *p; p++)
			if (strv_extend(&members, *p) < 0)
				goto oom;
	}
	for (char **p = members; *p; p++) {
		_cleanup_free_ char *dn = streq(*p, d->name) && d->devnum ? strdup(d->devnum) : devnum_of(r, *p);
		const struct mount *mt = mounted(m, n, *p, dn);
		bool self = p == members;

		if (mt) {
			*problem = self ? VK_DISK_MOUNTED : VK_DISK_PART_MOUNTED;
			*detail = self ? strdup(mt->target) : xasprintf("%s on %s", *p, mt->target);
			k = *detail ? 0 : -ENOMEM;
			goto out;
		}
		k = holder(r, *p, detail);
		if (k < 0)
			goto out;
		if (k > 0) {
			*problem = VK_DISK_HELD;
			k = 0;
			goto out;
		}
		k = swap_on(r, *p);
		if (k < 0)
			goto out;
		if (k > 0) {
			*problem = VK_DISK_SWAP;
			*detail = strdup(*p);
			k = *detail ? 0 : -ENOMEM;
			goto out;
		}
	}
	k = 0;
	goto out;
oom:
	k = -ENOMEM;
out:
	mounts_free(m, n);
	return k;
}

/* ------------------------------------------------------------------------------------ */

int vk_vm_default_memory(uint64_t host_kib, uint64_t *ret_kib)
{
	const uint64_t gib = 1024 * 1024;
	uint64_t host_gib = host_kib / gib, mem;

	if (host_kib == 0)
		return -ENODATA;
	if (host_gib < 6)
		return -ERANGE;
	mem = host_gib / 2;
	if (mem < 8)
		mem = MIN((uint64_t)8, host_gib - 4);
	*ret_kib = mem * gib;
	return 0;
}

int vk_vm_parse_size(const char *s, uint64_t *ret_kib)
{
	char *end;
	unsigned long long v;
	uint64_t mult;

	if (isempty(s) || !isdigit((unsigned char)s[0]))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -ERANGE;
	if (streq(end, "") || streq(end, "M") || streq(end, "MiB"))
		mult = 1024;
	else if (streq(end, "G") || streq(end, "GiB"))
		mult = 1024 * 1024;
	else if (streq(end, "T") || streq(end, "TiB"))
		mult = 1024ull * 1024 * 1024;
	else if (streq(end, "K") || streq(end, "KiB"))
		mult = 1;
	else
		return -EINVAL;
	if (v == 0)
		return -ERANGE;
	if (v > UINT64_MAX / mult / 1024)
		return -ERANGE;
	*ret_kib = v * mult;
	return 0;
}

bool vk_vm_name_valid(const char *name)
{
	const unsigned char *p = (const unsigned char *)name;
	size_t n = name ? strlen(name) : 0;

	if (n == 0 || n > 200)
		return false;
	while (*p) {
		unsigned need;
		uint32_t cp;

		if (*p < 0x80) {
			if (*p < 0x20 || *p == 0x7f || *p == '/')
				return false;
			p++;
			continue;
		}
		if ((*p & 0xe0) == 0xc0)
			need = 1, cp = *p & 0x1f;
		else if ((*p & 0xf0) == 0xe0)
			need = 2, cp = *p & 0x0f;
		else if ((*p & 0xf8) == 0xf0)
			need = 3, cp = *p & 0x07;
		else
			return false;
		p++;
		for (unsigned i = 0; i < need; i++, p++) {
			if ((*p & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (*p & 0x3f);
		}
		/* overlong forms, surrogates, beyond Unicode, C1 controls */
		if ((need == 1 && cp < 0x80) || (need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff || (cp >= 0x80 && cp < 0xa0) || cp == 0xfffe ||
		    cp == 0xffff)
			return false;
	}
	return true;
}

int vk_usb_id_parse(const char *s, uint16_t *vendor, uint16_t *product)
{
	const char *colon = s ? strchr(s, ':') : NULL;
	_cleanup_free_ char *v = NULL;
	uint32_t a, b;

	if (!colon || colon - s != 4 || strlen(colon + 1) != 4)
		return -EINVAL;
	v = xstrndup(s, 4);
	if (!v)
		return -ENOMEM;
	if (parse_hex_u32(v, 0xffff, &a) < 0 || parse_hex_u32(colon + 1, 0xffff, &b) < 0)
		return -EINVAL;
	*vendor = (uint16_t)a;
	*product = (uint16_t)b;
	return 0;
}

int vk_vm_usb_count(struct vk_root *r, uint16_t vendor, uint16_t product)
{
	_cleanup_strv_free_ char **entries = NULL;
	int n = 0, k;

	k = vk_root_list_dir(r, "/sys/bus/usb/devices", &entries);
	if (k == -ENOENT)
		return 0;
	if (k < 0)
		return k;
	for (char **e = entries; *e; e++) {
		_cleanup_free_ char *v = NULL, *p = NULL;
		uint32_t a, b;

		if (vk_root_read_line(r, &v, "/sys/bus/usb/devices/%s/idVendor", *e) < 0 ||
		    vk_root_read_line(r, &p, "/sys/bus/usb/devices/%s/idProduct", *e) < 0)
			continue;
		if (parse_hex_u32(v, 0xffff, &a) == 0 && parse_hex_u32(p, 0xffff, &b) == 0 && a == vendor &&
		    b == product)
			n++;
	}
	return n;
}

int vk_vm_group_blockers(const struct vk_host *h, struct vk_pci_dev *const *passed, size_t n,
			 struct vk_pci_dev ***ret, size_t *n_ret)
{
	struct vk_pci_dev **l = NULL;
	size_t nl = 0;

	for (size_t i = 0; i < n; i++) {
		const struct vk_iommu_group *g = passed[i]->iommu_group >= 0 ? vk_host_find_group(h, passed[i]->iommu_group)
									     : NULL;

		for (size_t k = 0; g && k < g->n_devs; k++) {
			struct vk_pci_dev *d = g->devs[k], **nn;
			bool skip = false;

			if (vk_pci_is_bridge(d) ||
			    ((d->flags & VK_PCI_HOST_BRIDGE) && vk_pci_binding(d) == VK_BINDING_NONE))
				continue;
			switch (vk_pci_binding(d)) {
			case VK_BINDING_HOST:
				break;
			default:
				skip = true; /* vfio, pci-stub, none: viable; unknown: the caller warns */
			}
			for (size_t j = 0; j < n && !skip; j++)
				skip = passed[j] == d;
			for (size_t j = 0; j < nl && !skip; j++)
				skip = l[j] == d;
			if (skip)
				continue;
			nn = realloc(l, (nl + 1) * sizeof(*nn));
			if (!nn) {
				free(l);
				return -ENOMEM;
			}
			l = nn;
			l[nl++] = d;
		}
	}
	*ret = l;
	*n_ret = nl;
	return 0;
}
