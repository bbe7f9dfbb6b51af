/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The guest's raw disk: resolving a name to a device, and whether the host still uses it (disk.h). */
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/fs.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "disk.h"
#include "util.h"
#include "virt-disk.h"

#define MAX_STACK_DEPTH 16

void vk_blockdev_free(struct vk_blockdev *d)
{
	if (!d)
		return;
	free(d->spec);
	free(d->path);
	free(d->kname);
	free(d->parent);
	free(d);
}

/* The path the kernel resolved an O_PATH fd to, as seen from the root's "/". */
static int fd_path_in_root(struct vk_root *root, int fd, char **ret)
{
	char link[64], buf[PATH_MAX], rootbuf[PATH_MAX];
	ssize_t n, rn;
	const char *rel;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, buf, sizeof(buf) - 1);
	if (n < 0)
		return negative_errno();
	buf[n] = '\0';
	snprintf(link, sizeof(link), "/proc/self/fd/%d", vk_root_fd(root));
	rn = readlink(link, rootbuf, sizeof(rootbuf) - 1);
	if (rn < 0)
		return negative_errno();
	rootbuf[rn] = '\0';
	if (streq(rootbuf, "/"))
		rel = buf;
	else if ((rel = startswith(buf, rootbuf)) && (*rel == '/' || *rel == '\0'))
		rel = *rel ? rel : "/";
	else
		return -EXDEV; /* cannot happen: resolution stays inside the root */
	*ret = strdup(rel);
	return *ret ? 0 : -ENOMEM;
}

/* Resolves @path inside the root to its canonical form. */
static int root_realpath(struct vk_root *root, const char *path, char **ret, struct stat *st)
{
	_cleanup_close_ int fd = vk_root_open_at(root, path, O_PATH, 0);

	if (fd < 0)
		return fd;
	if (st && fstat(fd, st) < 0)
		return negative_errno();
	return fd_path_in_root(root, fd, ret);
}

static const char *basename_of(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

char *vk_block_kname(struct vk_root *root, unsigned major, unsigned minor)
{
	_cleanup_strv_free_ char **names = NULL;
	char *k = NULL;
	char want[32];

	if (vk_root_readlink_base(root, &k, "/sys/dev/block/%u:%u", major, minor) == 0)
		return k;
	/* No /sys/dev/block (an older or partial snapshot): compare every "dev" attribute. */
	snprintf(want, sizeof(want), "%u:%u", major, minor);
	if (vk_root_list_dir(root, "/sys/class/block", &names) < 0)
		return NULL;
	for (char **n = names; *n; n++) {
		_cleanup_free_ char *v = NULL;

		if (vk_root_read_line(root, &v, "/sys/class/block/%s/dev", *n) == 0 && streq(strstrip(v), want))
			return strdup(*n);
	}
	return NULL;
}

/* The whole disk of partition @kname: the parent directory of its canonical sysfs path. */
static char *parent_of(struct vk_root *root, const char *kname)
{
	_cleanup_free_ char *sys = NULL, *canon = NULL;
	char *slash;

	if (vk_root_exists(root, "/sys/class/block/%s/partition", kname) < 0)
		return NULL;
	sys = xasprintf("/sys/class/block/%s", kname);
	if (!sys || root_realpath(root, sys, &canon, NULL) < 0)
		return NULL;
	slash = strrchr(canon, '/');
	if (!slash || slash == canon)
		return NULL;
	*slash = '\0';
	if (vk_root_exists(root, "/sys/class/block/%s", basename_of(canon)) < 0)
		return NULL;
	return strdup(basename_of(canon));
}

static int fill_sysfs(struct vk_root *root, struct vk_blockdev *d)
{
	_cleanup_free_ char *dev = NULL, *size = NULL;
	uint64_t sectors;

	if (vk_root_read_line(root, &dev, "/sys/class/block/%s/dev", d->kname) == 0 &&
	    sscanf(dev, "%u:%u", &d->major, &d->minor) != 2)
		d->major = d->minor = 0;
	if (vk_root_read_line(root, &size, "/sys/class/block/%s/size", d->kname) == 0 &&
	    safe_atou64(size, 10, &sectors) == 0 && sectors <= UINT64_MAX / 512)
		d->size = sectors * 512; /* sysfs "size" is always in 512-byte units */
	d->is_partition = vk_root_exists(root, "/sys/class/block/%s/partition", d->kname) == 0;
	if (d->is_partition)
		d->parent = parent_of(root, d->kname);
	return 0;
}

/* "UUID=x" and friends become their udev link. */
static char *tag_path(const char *spec)
{
	static const struct {
		const char *tag, *dir;
	} tags[] = {
		{ "UUID=", "by-uuid" },
		{ "PARTUUID=", "by-partuuid" },
		{ "LABEL=", "by-label" },
		{ "PARTLABEL=", "by-partlabel" },
	};

	for (size_t i = 0; i < ELEMENTSOF(tags); i++) {
		const char *v = startswith(spec, tags[i].tag);

		if (v) {
			/* fstab allows quotes around the value */
			size_t n = strlen(v);

			if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0])
				return xasprintf("/dev/disk/%s/%.*s", tags[i].dir, (int)(n - 2), v + 1);
			return xasprintf("/dev/disk/%s/%s", tags[i].dir, v);
		}
	}
	return NULL;
}

int vk_blockdev_resolve(struct vk_root *root, const char *spec, struct vk_blockdev **ret)
{
	_cleanup_blockdev_ struct vk_blockdev *d = NULL;
	_cleanup_free_ char *path = NULL;
	struct stat st;
	bool tag;
	int r;

	if (isempty(spec))
		return -EINVAL;
	path = tag_path(spec);
	tag = path != NULL;
	if (!path) {
		if (spec[0] == '/')
			path = strdup(spec);
		else if (vk_root_is_host(root)) {
			/* A relative path is the user's, relative to where they are. */
			_cleanup_free_ char *cwd = getcwd(NULL, 0);

			if (!cwd)
				return negative_errno();
			path = xasprintf("%s/%s", cwd, spec);
		} else
			path = xasprintf("/%s", spec);
	}
	if (!path)
		return -ENOMEM;
	/* udev writes UUID links in lower case (GPT PARTUUIDs too); accept any case. */
	if (tag && (startswith(spec, "UUID=") || startswith(spec, "PARTUUID=")) && vk_root_exists(root, "%s", path) == -ENOENT) {
		_cleanup_free_ char *lower = strdup_lower(path);

		if (lower && vk_root_exists(root, "%s", lower) == 0) {
			free(path);
			path = TAKE_PTR(lower);
		}
	}

	d = calloc(1, sizeof(*d));
	if (!d || !(d->spec = strdup(spec)))
		return -ENOMEM;
	r = root_realpath(root, path, &d->path, &st);
	if (r < 0)
		return r;
	d->st_dev = st.st_dev;
	d->st_ino = st.st_ino;
	if (S_ISBLK(st.st_mode)) {
		d->kname = vk_block_kname(root, major(st.st_rdev), minor(st.st_rdev));
		if (!d->kname)
			return -ENODEV; /* a node without a sysfs entry: not on this root's kernel */
		fill_sysfs(root, d);
	} else if (S_ISREG(st.st_mode) && startswith(d->path, "/dev/") &&
		   vk_root_exists(root, "/sys/class/block/%s", basename_of(d->path)) == 0) {
		/* A fixture: the node is a plain file (its content stands for the device's) and
		 * sysfs says which device it is. */
		d->kname = strdup(basename_of(d->path));
		if (!d->kname)
			return -ENOMEM;
		fill_sysfs(root, d);
	} else if (S_ISREG(st.st_mode)) {
		d->is_file = true;
		d->size = (uint64_t)st.st_size;
	} else
		return -ENOTBLK;
	*ret = TAKE_PTR(d);
	return 0;
}

int vk_blockdev_open(struct vk_root *root, const struct vk_blockdev *d, int flags)
{
	return vk_root_open_at(root, d->path, flags | O_CLOEXEC, 0);
}

int vk_fd_size(int fd, uint64_t *ret)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return negative_errno();
	if (S_ISBLK(st.st_mode))
		return ioctl(fd, BLKGETSIZE64, ret) < 0 ? negative_errno() : 0;
	if (!S_ISREG(st.st_mode))
		return -ENOTBLK;
	*ret = (uint64_t)st.st_size;
	return 0;
}

bool vk_blockdev_same(const struct vk_blockdev *a, const struct vk_blockdev *b)
{
	if (a->kname && b->kname)
		return streq(a->kname, b->kname);
	if (a->is_file && b->is_file)
		return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
	return false;
}

static bool under(struct vk_root *root, const char *kname, const char *dev, unsigned depth)
{
	_cleanup_strv_free_ char **slaves = NULL;
	_cleanup_free_ char *parent = NULL, *dir = NULL;

	if (depth > MAX_STACK_DEPTH)
		return false;
	if (streq(kname, dev))
		return true;
	parent = parent_of(root, kname);
	if (parent && streq(parent, dev))
		return true;
	dir = xasprintf("/sys/class/block/%s/slaves", kname);
	if (!dir || vk_root_list_dir(root, dir, &slaves) < 0)
		return false;
	for (char **s = slaves; *s; s++)
		if (under(root, *s, dev, depth + 1))
			return true;
	return false;
}

bool vk_blockdev_under(struct vk_root *root, const char *kname, const struct vk_blockdev *dev)
{
	return dev->kname && under(root, kname, dev->kname, 0);
}

int vk_blockdev_loops(struct vk_root *root, const struct vk_blockdev *dev, char ***ret)
{
	_cleanup_strv_free_ char **names = NULL, **loops = NULL;
	int r;

	loops = calloc(1, sizeof(char *));
	if (!loops)
		return -ENOMEM;
	r = vk_root_list_dir(root, "/sys/class/block", &names);
	if (r < 0 && r != -ENOENT)
		return r;
	for (char **n = names; n && *n; n++) {
		_cleanup_blockdev_ struct vk_blockdev *b = NULL;
		_cleanup_free_ char *backing = NULL;
		char *deleted;

		if (!startswith(*n, "loop") || vk_root_read_line(root, &backing, "/sys/class/block/%s/loop/backing_file", *n) < 0)
			continue;
		deleted = strstr(backing, " (deleted)");
		if (deleted)
			continue; /* its file is gone: it cannot be this one */
		if (vk_blockdev_resolve(root, backing, &b) == 0 && vk_blockdev_same(b, dev) && strv_extend(&loops, *n) < 0)
			return -ENOMEM;
	}
	*ret = TAKE_PTR(loops);
	return 0;
}

/* mountinfo escapes space, tab, newline and backslash as \ooo (fs/proc_namespace.c). */
static char *unescape(const char *s)
{
	char *out = malloc(strlen(s) + 1), *o = out;

	if (!out)
		return NULL;
	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*o++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0'));
			s += 4;
		} else
			*o++ = *s++;
	}
	*o = '\0';
	return out;
}

void vk_mounts_free(struct vk_mount *m, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(m[i].source);
		free(m[i].target);
		free(m[i].fstype);
	}
	free(m);
}

int vk_mounts_read(struct vk_root *root, struct vk_mount **ret, size_t *n_ret)
{
	_cleanup_free_ char *text = NULL;
	struct vk_mount *m = NULL;
	bool mountinfo = true;
	size_t n = 0;
	char *line, *next;
	int r;

	r = vk_root_read_file(root, "/proc/self/mountinfo", &text, NULL);
	if (r == -ENOENT) {
		mountinfo = false;
		r = vk_root_read_file(root, "/proc/mounts", &text, NULL);
	}
	if (r < 0)
		return r;
	for (line = text; line && *line; line = next) {
		_cleanup_strv_free_ char **w = NULL;
		struct vk_mount *nm, e = {};
		size_t k = 0;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (strv_split(line, " \t", &w) < 0) {
			vk_mounts_free(m, n);
			return -ENOMEM;
		}
		if (mountinfo) {
			/* id parent maj:min root target options [optional...] - fstype source super */
			while (w[k] && !streq(w[k], "-"))
				k++;
			if (k < 6 || !w[k] || !w[k + 1] || !w[k + 2] || sscanf(w[2], "%u:%u", &e.major, &e.minor) != 2)
				continue;
			e.target = unescape(w[4]);
			e.fstype = unescape(w[k + 1]);
			e.source = unescape(w[k + 2]);
		} else {
			if (strv_length(w) < 3)
				continue;
			e.source = unescape(w[0]);
			e.target = unescape(w[1]);
			e.fstype = unescape(w[2]);
		}
		nm = realloc(m, (n + 1) * sizeof(*m));
		if (!nm || !e.target || !e.fstype || !e.source) {
			free(e.target);
			free(e.fstype);
			free(e.source);
			if (nm)
				m = nm;
			vk_mounts_free(m, n);
			return -ENOMEM;
		}
		m = nm;
		m[n++] = e;
	}
	*ret = m;
	*n_ret = n;
	return 0;
}

bool vk_mount_involves(struct vk_root *root, const struct vk_mount *m, const struct vk_blockdev *dev, char *const *loops)
{
	_cleanup_free_ char *k = NULL;

	if (m->major || m->minor)
		k = vk_block_kname(root, m->major, m->minor);
	if (!k && m->source[0] == '/') {
		/* btrfs and mounts from /proc/mounts have no usable major:minor: the source
		 * names the device instead (or, for a loop mount, the file). */
		_cleanup_blockdev_ struct vk_blockdev *s = NULL;

		if (vk_blockdev_resolve(root, m->source, &s) < 0)
			return false;
		if (vk_blockdev_same(s, dev))
			return true;
		if (s->kname)
			k = strdup(s->kname);
	}
	if (!k)
		return false;
	if (vk_blockdev_under(root, k, dev))
		return true;
	for (char *const *l = loops; l && *l; l++)
		if (under(root, k, *l, 0))
			return true;
	return false;
}

char *vk_format_size(uint64_t bytes)
{
	static const char units[] = "BKMGTPE";
	unsigned u = 0;
	uint64_t div = 1;
	char buf[32];
	double v;

	while (u + 1 < sizeof(units) - 1 && bytes / div >= 1024) {
		div *= 1024;
		u++;
	}
	if (u == 0)
		return xasprintf("%" PRIu64 "B", bytes);
	v = (double)bytes / (double)div;
	snprintf(buf, sizeof(buf), "%.1f", v);
	if (endswith(buf, ".0"))
		buf[strlen(buf) - 2] = '\0';
	return xasprintf("%s%c", buf, units[u]);
}

void vk_disk_report_free(struct vk_disk_report *r)
{
	if (!r)
		return;
	vk_blockdev_free(r->dev);
	vk_ptable_free(r->content);
	free(r->content_error);
	free(r->stable_path);
	vk_report_clear(&r->findings);
	free(r);
}

/* ---------------------------------------------------------------------------------------- */
/* The checks, in the order 'disk check' prints them.                                         */

struct ctx {
	struct vk_root *root;
	struct vk_disk_report *rep;
	const struct vk_blockdev *dev;
	const struct vk_disk_check_opts *opts;
	struct vk_mount *mounts;
	size_t n_mounts;
	bool have_mounts;
	char **loops;
};

/* What each disk check looks at, for "Checking ..." lines. */
static const char *disk_title(const char *id)
{
	static const struct {
		const char *id, *title;
	} titles[] = {
		{ "disk.mounted", N_("that the disk is not mounted") },
		{ "disk.fstab", N_("that /etc/fstab does not name the disk") },
		{ "disk.crypttab", N_("that /etc/crypttab does not name the disk") },
		{ "disk.swap", N_("that the disk is not swap") },
		{ "disk.holders", N_("that nothing is stacked on the disk (LVM, dm-crypt, RAID)") },
		{ "disk.root", N_("that the disk holds none of the host's system") },
		{ "disk.libvirt", N_("that no other libvirt domain uses the disk") },
		{ "disk.size", N_("the disk's size (the guide asks for 200 GB)") },
		{ "disk.content", N_("what is on the disk now") },
		{ "disk.path", N_("the stable path to give the domain") },
	};

	for (size_t i = 0; i < ELEMENTSOF(titles); i++)
		if (streq(titles[i].id, id))
			return _(titles[i].title);
	return id;
}

#define ADD(c, id, st, remedy, ...) vk_report_add(&(c)->rep->findings, id, disk_title(id), st, NULL, remedy, __VA_ARGS__)

/* Appends "'a', 'b' and 2 more" style lists: at most three items, then a count. User values
 * (paths) are quoted; descriptions and numbers are not. */
static int list_add_as(struct strbuf *b, size_t *count, const char *item, bool quote)
{
	(*count)++;
	if (*count > 3)
		return 0;
	if (*count > 1 && strbuf_adds(b, ", ") < 0)
		return -ENOMEM;
	return quote ? strbuf_addf(b, "'%s'", item) : strbuf_adds(b, item);
}

static int list_add(struct strbuf *b, size_t *count, const char *item)
{
	return list_add_as(b, count, item, true);
}

static const char *list_end(struct strbuf *b, size_t count)
{
	if (count > 3)
		strbuf_addf(b, _(" and %zu more"), count - 3);
	return b->s ? b->s : "";
}

static int check_mounted(struct ctx *c)
{
	_cleanup_strbuf_ struct strbuf where = STRBUF_INIT;
	size_t count = 0;

	if (!c->have_mounts)
		return ADD(c, "disk.mounted", VK_STATUS_SKIP, NULL, _("cannot read the mount table (/proc/self/mountinfo)"));
	for (size_t i = 0; i < c->n_mounts; i++)
		if (vk_mount_involves(c->root, &c->mounts[i], c->dev, c->loops) && list_add(&where, &count, c->mounts[i].target) < 0)
			return -ENOMEM;
	if (count == 0)
		return ADD(c, "disk.mounted", VK_STATUS_PASS, NULL, _("'%s' is not mounted"), c->dev->path);
	return ADD(c, "disk.mounted", VK_STATUS_FAIL,
		   _("unmount it, and make sure nothing mounts it again: the guest and the host must never write it at the same time"),
		   _("'%s' or something on it is mounted on %s"), c->dev->path, list_end(&where, count));
}

/* Does an fstab/crypttab device field name @dev (or something stacked on it)? */
static bool spec_involves(struct ctx *c, const char *spec)
{
	_cleanup_blockdev_ struct vk_blockdev *s = NULL;
	const struct vk_ptable *content = c->rep->content;

	if (vk_blockdev_resolve(c->root, spec, &s) == 0)
		return vk_blockdev_same(s, c->dev) || (s->kname && vk_blockdev_under(c->root, s->kname, c->dev));
	/* No udev link for the tag (a snapshot, a host without udev): compare with what the
	 * device itself says. */
	if (content && !content->pttype) {
		size_t n = strlen(spec);

		if (n > 5 && strneq(spec, "UUID=", 5) && content->uuid && strcasecmp(spec + 5, content->uuid) == 0)
			return true;
		if (n > 6 && strneq(spec, "LABEL=", 6) && content->label && streq(spec + 6, content->label))
			return true;
	}
	return false;
}

static int check_tab(struct ctx *c, const char *id, const char *file, unsigned field)
{
	_cleanup_free_ char *text = NULL;
	_cleanup_strbuf_ struct strbuf lines = STRBUF_INIT;
	size_t count = 0;
	unsigned lineno = 0;
	char *line, *next;
	int r;

	r = vk_root_read_file(c->root, file, &text, NULL);
	if (r == -ENOENT)
		return ADD(c, id, VK_STATUS_PASS, NULL, _("there is no %s"), file);
	if (r < 0)
		return ADD(c, id, VK_STATUS_SKIP, NULL, _("cannot read %s: %s"), file, strerror(-r));
	for (line = text; line; line = next) {
		_cleanup_strv_free_ char **w = NULL;
		_cleanup_free_ char *spec = NULL;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		if (strv_split(line, " \t", &w) < 0)
			return -ENOMEM;
		if (!w[0] || w[0][0] == '#' || strv_length(w) <= field)
			continue;
		spec = unescape(w[field]);
		if (!spec)
			return -ENOMEM;
		if (spec_involves(c, spec)) {
			char num[16];

			snprintf(num, sizeof(num), "%u", lineno);
			if (list_add_as(&lines, &count, num, false) < 0)
				return -ENOMEM;
		}
	}
	if (count == 0)
		return ADD(c, id, VK_STATUS_PASS, NULL, _("'%s' is not in %s"), c->dev->path, file);
	return ADD(c, id, VK_STATUS_FAIL,
		   streq(id, "disk.fstab") ? _("remove or comment out those lines: the host would mount the guest's disk at boot")
					   : _("remove those lines: the host would unlock and use the guest's disk at boot"),
		   count == 1 ? _("'%s' is listed in %s on line %s") : _("'%s' is listed in %s on lines %s"), c->dev->path, file,
		   list_end(&lines, count));
}

static int check_swap(struct ctx *c)
{
	_cleanup_free_ char *text = NULL;
	char *line, *next;
	int r;

	r = vk_root_read_file(c->root, "/proc/swaps", &text, NULL);
	if (r == -ENOENT)
		return ADD(c, "disk.swap", VK_STATUS_SKIP, NULL, _("cannot read /proc/swaps: %s"), strerror(-r));
	if (r < 0)
		return ADD(c, "disk.swap", VK_STATUS_SKIP, NULL, _("cannot read /proc/swaps: %s"), strerror(-r));
	for (line = text; line; line = next) {
		_cleanup_strv_free_ char **w = NULL;
		_cleanup_free_ char *name = NULL;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (strv_split(line, " \t", &w) < 0)
			return -ENOMEM;
		if (!w[0] || !w[0][0] || streq(w[0], "Filename"))
			continue;
		name = unescape(w[0]);
		if (name && spec_involves(c, name))
			return ADD(c, "disk.swap", VK_STATUS_FAIL,
				   _("turn it off (swapoff) and remove it from /etc/fstab; the host would swap onto the guest's disk"),
				   _("'%s' is in use as swap ('%s')"), c->dev->path, name);
	}
	return ADD(c, "disk.swap", VK_STATUS_PASS, NULL, _("'%s' is not used as swap"), c->dev->path);
}

/* "dm-0 (LVM logical volume 'vg-data')" */
static char *describe_holder(struct vk_root *root, const char *h)
{
	_cleanup_free_ char *name = NULL, *uuid = NULL;

	if (startswith(h, "md"))
		return xasprintf(_("%s (software RAID)"), h);
	if (!startswith(h, "dm-"))
		return strdup(h);
	(void)vk_root_read_line(root, &name, "/sys/class/block/%s/dm/name", h);
	(void)vk_root_read_line(root, &uuid, "/sys/class/block/%s/dm/uuid", h);
	/* device-mapper UUID prefixes are set by their owners: lvm2 "LVM-", cryptsetup
	 * "CRYPT-", multipath "mpath-", kpartx "part<N>-". */
	if (uuid && startswith(uuid, "LVM-"))
		return xasprintf(_("%s (LVM logical volume '%s')"), h, strempty(name));
	if (uuid && startswith(uuid, "CRYPT-"))
		return xasprintf(_("%s (dm-crypt mapping '%s')"), h, strempty(name));
	if (uuid && startswith(uuid, "part"))
		return xasprintf(_("%s (kpartx partition map '%s')"), h, strempty(name));
	if (name)
		return xasprintf(_("%s (device-mapper '%s')"), h, name);
	return strdup(h);
}

static int add_holders(struct ctx *c, const char *kname, struct strbuf *b, size_t *count)
{
	_cleanup_strv_free_ char **holders = NULL;
	_cleanup_free_ char *dir = xasprintf("/sys/class/block/%s/holders", kname);

	if (!dir)
		return -ENOMEM;
	if (vk_root_list_dir(c->root, dir, &holders) < 0)
		return 0;
	for (char **h = holders; *h; h++) {
		_cleanup_free_ char *d = describe_holder(c->root, *h);

		if (!d || list_add_as(b, count, d, false) < 0)
			return -ENOMEM;
	}
	return 0;
}

static int check_holders(struct ctx *c)
{
	_cleanup_strbuf_ struct strbuf b = STRBUF_INIT;
	size_t count = 0;
	int r;

	if (c->dev->kname) {
		_cleanup_strv_free_ char **children = NULL;
		_cleanup_free_ char *dir = xasprintf("/sys/class/block/%s", c->dev->kname);

		if (!dir)
			return -ENOMEM;
		r = add_holders(c, c->dev->kname, &b, &count);
		if (r < 0)
			return r;
		/* A whole disk: its partitions' holders are its own. */
		if (!c->dev->is_partition && vk_root_list_dir(c->root, dir, &children) == 0)
			for (char **k = children; *k; k++)
				if (vk_root_exists(c->root, "/sys/class/block/%s/%s/partition", c->dev->kname, *k) == 0 &&
				    (r = add_holders(c, *k, &b, &count)) < 0)
					return r;
	}
	for (char **l = c->loops; *l; l++) {
		_cleanup_free_ char *d = xasprintf(_("%s (loop device)"), *l);

		if (!d || list_add_as(&b, &count, d, false) < 0)
			return -ENOMEM;
	}
	if (count == 0)
		return ADD(c, "disk.holders", VK_STATUS_PASS, NULL, _("nothing is stacked on '%s' (no LVM, dm-crypt, RAID or loop device)"),
			   c->dev->path);
	return ADD(c, "disk.holders", VK_STATUS_FAIL,
		   _("the host uses it through those devices: deactivate them (vgchange -an, cryptsetup close, mdadm --stop, "
		     "vfiokit disk unmap) and choose a disk the host does not use"),
		   _("'%s' is held by %s"), c->dev->path, list_end(&b, count));
}

static int check_root(struct ctx *c)
{
	static const char *const system_mounts[] = { "/", "/boot", "/boot/efi", "/efi", "/usr" };
	_cleanup_strbuf_ struct strbuf b = STRBUF_INIT;
	size_t count = 0;

	if (!c->have_mounts)
		return ADD(c, "disk.root", VK_STATUS_SKIP, NULL, _("cannot read the mount table (/proc/self/mountinfo)"));
	for (size_t k = 0; k < ELEMENTSOF(system_mounts); k++)
		for (size_t i = 0; i < c->n_mounts; i++)
			if (streq(c->mounts[i].target, system_mounts[k]) &&
			    vk_mount_involves(c->root, &c->mounts[i], c->dev, c->loops)) {
				if (list_add(&b, &count, system_mounts[k]) < 0)
					return -ENOMEM;
				break;
			}
	if (count == 0)
		return ADD(c, "disk.root", VK_STATUS_PASS, NULL, _("'%s' holds none of the host's system filesystems (/, /boot, /boot/efi, /usr)"),
			   c->dev->path);
	return ADD(c, "disk.root", VK_STATUS_FAIL, _("choose another partition: giving this one to a guest destroys the host"),
		   _("'%s' is or holds the host's %s"), c->dev->path, list_end(&b, count));
}

static int check_libvirt(struct ctx *c)
{
	_cleanup_free_ char *why = NULL;
	_cleanup_strbuf_ struct strbuf b = STRBUF_INIT;
	struct vk_virt_users users;
	const char *uri = c->opts ? c->opts->connect : NULL;
	size_t count = 0;
	bool running = false;
	int r;

	if (!uri) {
		if (!vk_root_is_host(c->root))
			return ADD(c, "disk.libvirt", VK_STATUS_SKIP, _("pass --connect URI to ask a libvirt about this root"),
				   _("not asked: '%s' is not the running system"), vk_root_path(c->root));
		uri = "qemu:///system";
	}
	r = vk_virt_disk_users(c->root, uri, c->dev, &users, &why);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return ADD(c, "disk.libvirt", VK_STATUS_SKIP, _("make sure no VM uses this disk before giving it to another one"),
			   "%s", why ? why : strerror(-r));
	for (size_t i = 0; i < users.n; i++) {
		_cleanup_free_ char *d = NULL;

		if (c->opts && c->opts->own_domain && streq(users.items[i].domain, c->opts->own_domain))
			continue;
		d = xasprintf(users.items[i].running ? _("'%s' (running, as '%s')") : _("'%s' (shut off, as '%s')"),
			      users.items[i].domain, users.items[i].source);
		if (!d || list_add_as(&b, &count, d, false) < 0) {
			vk_virt_users_clear(&users);
			return -ENOMEM;
		}
		running |= users.items[i].running;
	}
	vk_virt_users_clear(&users);
	if (count == 0)
		return ADD(c, "disk.libvirt", VK_STATUS_PASS, NULL, _("no libvirt domain at %s uses '%s'"), uri, c->dev->path);
	return ADD(c, "disk.libvirt", VK_STATUS_FAIL,
		   running ? _("two machines writing one disk corrupt it: stop that domain, and remove the disk from it")
			   : _("two machines writing one disk corrupt it: remove the disk from that domain first"),
		   _("'%s' is used by the libvirt domain %s"), c->dev->path, list_end(&b, count));
}

static int check_size(struct ctx *c)
{
	_cleanup_free_ char *have = vk_format_size(c->dev->size);
	uint64_t gb = c->dev->size / 1000000000;

	if (!have)
		return -ENOMEM;
	if (c->dev->size == 0)
		return ADD(c, "disk.size", VK_STATUS_SKIP, NULL, _("the size of '%s' is unknown"), c->dev->path);
	if (c->dev->size < VK_DISK_MINIMUM_BYTES)
		return ADD(c, "disk.size", VK_STATUS_FAIL, _("choose a partition of at least 200 GB (Windows 11 needs 64 GB to install)"),
			   _("'%s' has %" PRIu64 " GB (%s): too small for a Windows guest"), c->dev->path, gb, have);
	if (c->dev->size < VK_DISK_RECOMMENDED_BYTES)
		return ADD(c, "disk.size", VK_STATUS_WARN, _("games need room: the guide recommends at least 200 GB"),
			   _("'%s' has %" PRIu64 " GB (%s), less than the recommended 200 GB"), c->dev->path, gb, have);
	return ADD(c, "disk.size", VK_STATUS_PASS, NULL, _("'%s' has %" PRIu64 " GB (%s), at least the recommended 200 GB"),
		   c->dev->path, gb, have);
}

static int check_content(struct ctx *c)
{
	const struct vk_ptable *t = c->rep->content;

	if (!t && c->rep->content_error)
		return ADD(c, "disk.content", VK_STATUS_WARN, NULL, "%s", c->rep->content_error);
	if (!t)
		return ADD(c, "disk.content", VK_STATUS_SKIP, NULL, _("the content of '%s' was not read"), c->dev->path);
	if (t->pttype) {
		_cleanup_strbuf_ struct strbuf b = STRBUF_INIT;
		size_t count = 0;

		for (size_t i = 0; i < t->n_parts; i++) {
			const struct vk_part *p = &t->parts[i];
			_cleanup_free_ char *d = NULL;

			if (p->container)
				continue;
			d = p->fstype ? (p->label ? xasprintf("%u: %s '%s'", p->partno, p->fstype, p->label)
						  : xasprintf("%u: %s", p->partno, p->fstype))
				      : xasprintf("%u: %s", p->partno, p->type_name ? p->type_name : _("unknown content"));
			if (!d)
				return -ENOMEM;
			count++;
			if (b.len && strbuf_adds(&b, ", ") < 0)
				return -ENOMEM;
			if (strbuf_adds(&b, d) < 0)
				return -ENOMEM;
		}
		return ADD(c, "disk.content", VK_STATUS_WARN,
			   _("if this is not already the guest's disk, save what is on it: installing a guest erases it"),
			   _("it holds a %s partition table; partitions: %s"), vk_ptable_type_name(t->pttype),
			   count ? b.s : _("none"));
	}
	if (!t->fstype)
		return ADD(c, "disk.content", VK_STATUS_PASS, NULL, _("nothing recognisable is on it (no filesystem or partition table)"));
	if (t->usage && (streq(t->usage, "raid") || streq(t->usage, "crypto") || streq(t->fstype, "swap")))
		return ADD(c, "disk.content", VK_STATUS_FAIL, _("it belongs to the host's storage: choose another partition"),
			   _("it is a volume of type %s (%s), part of the host's storage"), t->fstype, t->usage);
	if (t->label)
		return ADD(c, "disk.content", VK_STATUS_WARN, _("save what is on it: installing a guest erases it"),
			   _("it holds a filesystem (%s) labelled '%s'"), t->fstype, t->label);
	return ADD(c, "disk.content", VK_STATUS_WARN, _("save what is on it: installing a guest erases it"),
		   _("it holds a filesystem (%s)"), t->fstype);
}

/* The name a domain should use: by-id survives reboots and disk reordering; by-partuuid
 * too, until the table is rewritten. by-uuid is not offered: it names the filesystem,
 * which the guest's installer replaces. */
static int find_stable_path(struct ctx *c)
{
	static const char *const dirs[] = { "/dev/disk/by-id", "/dev/disk/by-partuuid" };

	for (size_t k = 0; k < ELEMENTSOF(dirs); k++) {
		_cleanup_strv_free_ char **names = NULL;
		char *best = NULL;

		if (vk_root_list_dir(c->root, dirs[k], &names) < 0)
			continue;
		for (int pass = 0; pass < 2 && !best; pass++)
			for (char **n = names; *n && !best; n++) {
				_cleanup_blockdev_ struct vk_blockdev *b = NULL;
				_cleanup_free_ char *p = xasprintf("%s/%s", dirs[k], *n);

				if (!p)
					return -ENOMEM;
				/* Model-and-serial names before WWNs, which people cannot read. */
				if ((pass == 0) == (startswith(*n, "wwn-") != NULL))
					continue;
				if (vk_blockdev_resolve(c->root, p, &b) == 0 && vk_blockdev_same(b, c->dev))
					best = TAKE_PTR(p);
			}
		if (best) {
			c->rep->stable_path = best;
			return 0;
		}
	}
	return 0;
}

static int check_path(struct ctx *c)
{
	int r;

	if (c->dev->is_file) {
		c->rep->stable_path = strdup(c->dev->path);
		if (!c->rep->stable_path)
			return -ENOMEM;
		return ADD(c, "disk.path", VK_STATUS_PASS, NULL, _("an image file: the domain uses '%s'"), c->dev->path);
	}
	r = find_stable_path(c);
	if (r < 0)
		return r;
	if (!c->rep->stable_path)
		return ADD(c, "disk.path", VK_STATUS_WARN,
			   _("refer to it by PARTUUID or by a /dev/disk/by-id link once udev has created one"),
			   _("no /dev/disk/by-id or by-partuuid link leads to '%s': its name can change at the next boot"),
			   c->dev->path);
	return ADD(c, "disk.path", VK_STATUS_PASS, NULL, _("the domain should use '%s', which does not change between boots"),
		   c->rep->stable_path);
}

static void read_content(struct ctx *c)
{
	_cleanup_close_ int fd = -1;
	uint64_t size;
	int r;

	fd = vk_blockdev_open(c->root, c->dev, O_RDONLY);
	if (fd < 0) {
		c->rep->content_error = xasprintf(_("cannot read '%s': %s"), c->dev->path, strerror(-fd));
		return;
	}
	r = vk_fd_size(fd, &size);
	if (r == 0)
		r = vk_ptable_read(fd, size, &c->rep->content, &c->rep->content_error);
	if (r < 0 && !c->rep->content_error)
		c->rep->content_error = xasprintf(_("cannot read '%s': %s"), c->dev->path, strerror(-r));
	else if (r == -EBADMSG) {
		char *m = xasprintf(_("its partition table is unusable: %s"), c->rep->content_error);

		free(c->rep->content_error);
		c->rep->content_error = m;
	}
}

int vk_disk_check(struct vk_root *root, const char *spec, const struct vk_disk_check_opts *opts,
		  struct vk_disk_report **ret)
{
	struct vk_disk_report *rep;
	struct ctx c = { .root = root, .opts = opts };
	int r;

	rep = calloc(1, sizeof(*rep));
	if (!rep)
		return -ENOMEM;
	c.rep = rep;
	r = vk_blockdev_resolve(root, spec, &rep->dev);
	if (r < 0) {
		vk_disk_report_free(rep);
		return r;
	}
	c.dev = rep->dev;
	c.have_mounts = vk_mounts_read(root, &c.mounts, &c.n_mounts) == 0;
	r = vk_blockdev_loops(root, c.dev, &c.loops);
	if (r >= 0) {
		read_content(&c);
		if ((r = check_mounted(&c)) >= 0 && (r = check_tab(&c, "disk.fstab", "/etc/fstab", 0)) >= 0 &&
		    (r = check_tab(&c, "disk.crypttab", "/etc/crypttab", 1)) >= 0 && (r = check_swap(&c)) >= 0 &&
		    (r = check_holders(&c)) >= 0 && (r = check_root(&c)) >= 0 && (r = check_libvirt(&c)) >= 0 &&
		    (r = check_size(&c)) >= 0 && (r = check_content(&c)) >= 0)
			r = check_path(&c);
	}
	vk_mounts_free(c.mounts, c.n_mounts);
	strv_free(c.loops);
	if (r < 0) {
		vk_disk_report_free(rep);
		return r;
	}
	*ret = rep;
	return 0;
}
