/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Mapping the partitions inside a guest's disk with a loop device and BLKPG (diskmap.h). */
#include <fcntl.h>
#include <inttypes.h>
#include <linux/blkpg.h>
#include <linux/fs.h>
#include <linux/loop.h>
#include <stdarg.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "diskmap.h"
#include "util.h"

#define MARKER_PREFIX "vfiokit:"
#define KEY_MAX 48 /* "vfiokit:" + key must fit lo_file_name (LO_NAME_SIZE = 64) */

void vk_disk_mapping_free(struct vk_disk_mapping *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n_parts; i++) {
		free(m->parts[i].device);
		free(m->parts[i].link);
	}
	free(m->parts);
	free(m->key);
	free(m->source);
	free(m->loop);
	vk_ptable_free(m->table);
	free(m);
}

char *vk_disk_map_key_from_spec(const char *spec)
{
	const char *base = strrchr(spec, '/');
	char *k;

	base = base ? base + 1 : spec;
	if (!*base || streq(base, ".") || streq(base, ".."))
		return NULL;
	k = xstrndup(base, KEY_MAX);
	for (char *p = k; p && *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '.' ||
		      *p == '_' || *p == '-' || *p == '+'))
			*p = '_';
	if (k && k[0] == '.')
		k[0] = '_'; /* never a hidden or "." name */
	return k;
}

char *vk_disk_map_key(const struct vk_blockdev *dev)
{
	return vk_disk_map_key_from_spec(dev->kname ? dev->kname : dev->path);
}

static int set_why(char **why, const char *fmt, ...) _printf_(2, 3);
static int set_why(char **why, const char *fmt, ...)
{
	va_list ap;
	int n;

	free(*why);
	va_start(ap, fmt);
	n = vasprintf(why, fmt, ap);
	va_end(ap);
	if (n < 0)
		*why = NULL;
	return 0;
}

/* ---------------------------------------------------------------------------------------- */
/* State files: "key=value" lines, written atomically through the root layer.                */

struct state {
	char *source;
	char *loop;                 /* "loop7" */
	uint64_t backing_dev, backing_ino;
	bool rw;
	char *phase;                /* "attaching", "mapped" */
	char *partitions;           /* "1 2 4" */
};

static void state_clear(struct state *s)
{
	free(s->source);
	free(s->loop);
	free(s->phase);
	free(s->partitions);
}

static int state_write(struct vk_root *root, const char *state_dir, const char *key, const struct state *s)
{
	_cleanup_strbuf_ struct strbuf b = STRBUF_INIT;
	_cleanup_free_ char *path = xasprintf("%s/%s/state", state_dir, key);

	if (!path)
		return -ENOMEM;
	strbuf_adds(&b, "# vfiokit disk map: what 'vfiokit disk unmap' removes. Do not edit.\n");
	strbuf_adds(&b, "version=1\n");
	strbuf_addf(&b, "source=%s\n", s->source);
	strbuf_addf(&b, "backing=%" PRIu64 ":%" PRIu64 "\n", s->backing_dev, s->backing_ino);
	strbuf_addf(&b, "loop=%s\n", strempty(s->loop));
	strbuf_addf(&b, "rw=%d\n", s->rw);
	strbuf_addf(&b, "phase=%s\n", strempty(s->phase));
	if (strbuf_addf(&b, "partitions=%s\n", strempty(s->partitions)) < 0)
		return -ENOMEM;
	return vk_root_write_atomic(root, path, b.s, b.len, 0644, VK_WRITE_MKDIR);
}

static int state_read(struct vk_root *root, const char *state_dir, const char *key, struct state *s)
{
	_cleanup_free_ char *text = NULL, *path = xasprintf("%s/%s/state", state_dir, key);
	char *line, *next;
	int r;

	*s = (struct state){};
	if (!path)
		return -ENOMEM;
	r = vk_root_read_file(root, path, &text, NULL);
	if (r < 0)
		return r;
	for (line = text; line; line = next) {
		char *eq, **slot = NULL;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		eq = strchr(line, '=');
		if (line[0] == '#' || !eq)
			continue;
		*eq++ = '\0';
		if (streq(line, "source"))
			slot = &s->source;
		else if (streq(line, "loop"))
			slot = &s->loop;
		else if (streq(line, "phase"))
			slot = &s->phase;
		else if (streq(line, "partitions"))
			slot = &s->partitions;
		else if (streq(line, "rw"))
			s->rw = streq(eq, "1");
		else if (streq(line, "backing") && sscanf(eq, "%" SCNu64 ":%" SCNu64, &s->backing_dev, &s->backing_ino) != 2)
			s->backing_dev = s->backing_ino = 0;
		if (slot) {
			free(*slot);
			*slot = *eq ? strdup(eq) : NULL;
		}
	}
	/* A loop name from a state file ends up in /dev paths: only "loop<digits>". */
	if (s->loop && (!startswith(s->loop, "loop") || !s->loop[4] || strspn(s->loop + 4, "0123456789") != strlen(s->loop + 4))) {
		free(s->loop);
		s->loop = NULL;
	}
	return 0;
}

/* Removes <state>/<key>/ and what is in it (the links and the state file). */
static int state_remove(struct vk_root *root, const char *state_dir, const char *key)
{
	_cleanup_free_ char *dir = xasprintf("%s/%s", state_dir, key);
	_cleanup_strv_free_ char **names = NULL;
	_cleanup_close_ int dfd = -1;
	const char *base;
	int r;

	if (!dir)
		return -ENOMEM;
	r = vk_root_list_dir(root, dir, &names);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	for (char **n = names; *n; n++) {
		_cleanup_free_ char *p = xasprintf("%s/%s", dir, *n);

		if (!p)
			return -ENOMEM;
		r = vk_root_unlink(root, p);
		if (r < 0 && r != -ENOENT)
			return r;
	}
	dfd = vk_root_open_parent(root, dir, &base);
	if (dfd < 0)
		return dfd;
	return unlinkat(dfd, base, AT_REMOVEDIR) < 0 && errno != ENOENT ? negative_errno() : 0;
}

/* ---------------------------------------------------------------------------------------- */
/* Loop devices and partitions.                                                                */

static int blkpg(int fd, int op, unsigned pno, uint64_t start, uint64_t len)
{
	struct blkpg_partition p = { .start = (long long)start, .length = (long long)len, .pno = (int)pno };
	struct blkpg_ioctl_arg a = { .op = op, .datalen = sizeof(p), .data = &p };

	return ioctl(fd, BLKPG, &a) < 0 ? negative_errno() : 0;
}

/* The partition numbers present on loop device @loop, from sysfs ("loop7p2" -> 2). */
static int loop_partitions(struct vk_root *root, const char *loop, unsigned **ret, size_t *n)
{
	_cleanup_strv_free_ char **names = NULL;
	_cleanup_free_ char *dir = xasprintf("/sys/class/block/%s", loop);
	_cleanup_free_ unsigned *l = NULL;
	size_t k = 0;
	int r;

	if (!dir)
		return -ENOMEM;
	r = vk_root_list_dir(root, dir, &names);
	if (r < 0)
		return r;
	l = calloc(strv_length(names) + 1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	for (char **nm = names; *nm; nm++) {
		const char *p = startswith(*nm, loop);
		uint32_t pno;

		if (p && p[0] == 'p' && safe_atou32(p + 1, 10, &pno) == 0 && pno > 0 &&
		    vk_root_exists(root, "/sys/class/block/%s/%s/partition", loop, *nm) == 0)
			l[k++] = pno;
	}
	*ret = TAKE_PTR(l);
	*n = k;
	return 0;
}

/* Where a mapped partition is still in use, for the refusal message. NULL: nowhere. */
static char *partition_user(struct vk_root *root, char *loop, const struct vk_mount *mounts, size_t n_mounts)
{
	struct vk_blockdev d = { .kname = loop };
	_cleanup_strv_free_ char **names = NULL;
	_cleanup_free_ char *dir = xasprintf("/sys/class/block/%s", loop);

	for (size_t i = 0; i < n_mounts; i++) {
		_cleanup_free_ char *k = vk_block_kname(root, mounts[i].major, mounts[i].minor);

		if (k && vk_blockdev_under(root, k, &d))
			return xasprintf(_("'/dev/%s' is mounted on '%s'"), k, mounts[i].target);
	}
	if (dir && vk_root_list_dir(root, dir, &names) == 0)
		for (char **nm = names; *nm; nm++) {
			_cleanup_strv_free_ char **holders = NULL;
			_cleanup_free_ char *h = xasprintf("/sys/class/block/%s/%s/holders", loop, *nm);

			if (startswith(*nm, loop) && h && vk_root_list_dir(root, h, &holders) == 0 && holders[0])
				return xasprintf(_("'/dev/%s' is held by %s"), *nm, holders[0]);
		}
	return NULL;
}

/* Deletes every partition on @fd's loop device. -EBUSY names the one in use in *why. */
static int drop_partitions(struct vk_root *root, int fd, const char *loop, char **why)
{
	_cleanup_free_ unsigned *parts = NULL;
	size_t n = 0;
	int r;

	r = loop_partitions(root, loop, &parts, &n);
	if (r < 0)
		return r == -ENOENT ? 0 : r;
	for (size_t i = 0; i < n; i++) {
		r = blkpg(fd, BLKPG_DEL_PARTITION, parts[i], 0, 0);
		if (r == -ENXIO)
			continue; /* gone meanwhile */
		if (r == -EBUSY) {
			set_why(why, _("'/dev/%sp%u' is open (mounted, or used by a process): close it first"), loop, parts[i]);
			return r;
		}
		if (r < 0) {
			set_why(why, _("cannot remove partition '/dev/%sp%u': %s"), loop, parts[i], strerror(-r));
			return r;
		}
	}
	return 0;
}

/* Is loop device @fd ours: our marker and the backing file recorded in the state? */
static int loop_is_ours(int fd, const char *key, const struct state *s)
{
	struct loop_info64 info = {};
	char marker[LO_NAME_SIZE];

	if (ioctl(fd, LOOP_GET_STATUS64, &info) < 0)
		return errno == ENXIO ? 0 : negative_errno(); /* ENXIO: not attached */
	snprintf(marker, sizeof(marker), MARKER_PREFIX "%s", key);
	info.lo_file_name[LO_NAME_SIZE - 1] = '\0';
	if (!streq((const char *)info.lo_file_name, marker))
		return 0;
	/* lo_device/lo_inode are the backing file's st_dev/st_ino (drivers/block/loop.c,
	 * loop_get_status()). */
	if (s->backing_dev || s->backing_ino)
		if (major(info.lo_device) != major(s->backing_dev) || minor(info.lo_device) != minor(s->backing_dev) ||
		    info.lo_inode != s->backing_ino)
			return 0;
	return 1;
}

static int open_loop(struct vk_root *root, const char *loop)
{
	_cleanup_free_ char *p = xasprintf("/dev/%s", loop);
	int fd;

	if (!p)
		return -ENOMEM;
	fd = vk_root_open_at(root, p, O_RDWR | O_CLOEXEC, 0);
	if (fd == -EROFS || fd == -EACCES)
		fd = vk_root_open_at(root, p, O_RDONLY | O_CLOEXEC, 0);
	return fd;
}

/* LOOP_CONFIGURE (5.8+) sets everything at once; older kernels take LOOP_SET_FD, then
 * LOOP_SET_STATUS64 (read-only then follows from the backing fd's mode). */
static int loop_configure(int lfd, int backing, bool rw, unsigned block_size, const char *marker)
{
	struct loop_config cfg = { .fd = (uint32_t)backing, .block_size = block_size };

	cfg.info.lo_flags = rw ? 0 : LO_FLAGS_READ_ONLY;
	snprintf((char *)cfg.info.lo_file_name, LO_NAME_SIZE, "%s", marker);
	if (ioctl(lfd, LOOP_CONFIGURE, &cfg) == 0)
		return 0;
	if (errno != ENOTTY && errno != EINVAL)
		return negative_errno();
	if (ioctl(lfd, LOOP_SET_FD, backing) < 0)
		return negative_errno();
	if (ioctl(lfd, LOOP_SET_STATUS64, &cfg.info) < 0 ||
	    (block_size && ioctl(lfd, LOOP_SET_BLOCK_SIZE, (unsigned long)block_size) < 0)) {
		int e = negative_errno();

		(void)ioctl(lfd, LOOP_CLR_FD, 0);
		return e;
	}
	return 0;
}

static char *partitions_text(const struct vk_ptable *t)
{
	_cleanup_strbuf_ struct strbuf b = STRBUF_INIT;

	for (size_t i = 0; i < t->n_parts; i++)
		if (!t->parts[i].container && strbuf_addf(&b, "%s%u", b.len ? " " : "", t->parts[i].partno) < 0)
			return NULL;
	return b.s ? strbuf_detach(&b) : strdup("");
}

static int map_partitions(struct vk_root *root, struct vk_disk_mapping *m, const char *state_dir, int lfd, char **why)
{
	const struct vk_ptable *t = m->table;

	m->parts = calloc(t->n_parts + 1, sizeof(*m->parts));
	if (!m->parts)
		return -ENOMEM;
	for (size_t i = 0; i < t->n_parts; i++) {
		const struct vk_part *p = &t->parts[i];
		struct vk_mapped_part *mp;
		int r;

		if (p->container)
			continue;
		r = blkpg(lfd, BLKPG_ADD_PARTITION, p->partno, p->start, p->size);
		if (r < 0) {
			set_why(why, _("the kernel refused partition %u (sectors %" PRIu64 "-%" PRIu64 "): %s"), p->partno,
				p->start / 512, (p->start + p->size) / 512 - 1, strerror(-r));
			return r;
		}
		mp = &m->parts[m->n_parts++];
		mp->partno = p->partno;
		mp->device = xasprintf("/dev/%sp%u", m->loop, p->partno);
		mp->link = xasprintf("%s/%s/part%u", state_dir, m->key, p->partno);
		if (!mp->device || !mp->link)
			return -ENOMEM;
		/* devtmpfs creates the node before the ioctl returns (device_add()). */
		r = vk_root_exists(root, "%s", mp->device);
		if (r < 0) {
			set_why(why, _("'%s' did not appear: %s (is /dev a devtmpfs?)"), mp->device, strerror(-r));
			return r;
		}
		(void)vk_root_unlink(root, mp->link);
		r = vk_root_symlink(root, mp->device, mp->link);
		if (r < 0) {
			set_why(why, _("cannot create the link '%s': %s"), mp->link, strerror(-r));
			return r;
		}
	}
	return 0;
}

int vk_disk_map(struct vk_root *root, const char *state_dir, const struct vk_blockdev *dev, unsigned flags,
		struct vk_disk_mapping **ret, char **why)
{
	_cleanup_(vk_disk_mapping_freep) struct vk_disk_mapping *m = NULL;
	_cleanup_close_ int bfd = -1, ctl = -1, lfd = -1;
	_cleanup_free_ char *marker = NULL;
	struct state s = {};
	struct stat st;
	bool rw = flags & VK_MAP_RW, attached = false, state_written = false;
	unsigned block_size = 0;
	uint64_t size;
	int r;

	*why = NULL;
	if (!vk_root_is_host(root))
		return -EXDEV;
	m = calloc(1, sizeof(*m));
	if (!m || !(m->key = vk_disk_map_key(dev)) || !(m->source = strdup(dev->path)))
		return -ENOMEM;
	m->rw = rw;

	r = state_read(root, state_dir, m->key, &s);
	if (r == 0) {
		_cleanup_close_ int old = s.loop ? open_loop(root, s.loop) : -1;
		bool live = old >= 0 && loop_is_ours(old, m->key, &s) == 1;

		if (live) {
			set_why(why, _("'%s' is already mapped on '/dev/%s'"), s.source ? s.source : dev->path, s.loop);
			state_clear(&s);
			return -EEXIST;
		}
		state_clear(&s);
		/* Left over from a crash or an unmapped loop device: clean it and go on. */
		r = vk_disk_unmap(root, state_dir, m->key, NULL, why);
		if (r < 0 && r != -ENOENT)
			return r;
		free(*why);
		*why = NULL;
	} else if (r != -ENOENT)
		return r;

	/* The same descriptor is read and attached: what was validated is what is mapped. */
	bfd = vk_blockdev_open(root, dev, rw ? O_RDWR : O_RDONLY);
	if (bfd < 0)
		return bfd;
	if (fstat(bfd, &st) < 0)
		return negative_errno();
	r = vk_fd_size(bfd, &size);
	if (r < 0)
		return r;
	r = vk_ptable_read(bfd, size, &m->table, why);
	if (r < 0)
		return r;
	if (!m->table->pttype) {
		set_why(why, m->table->fstype ? _("'%s' holds a filesystem (%s), not a partition table: mount it directly (read-only)")
					      : _("'%s' holds no partition table"),
			dev->path, m->table->fstype);
		return -ENOMEDIUM;
	}
	if (vk_ptable_count(m->table) == 0) {
		set_why(why, _("the %s table on '%s' has no partitions"), vk_ptable_type_name(m->table->pttype), dev->path);
		return -ENOMEDIUM;
	}
	/* The loop device shows the guest the sectors it wrote: same logical sector size. */
	if (S_ISBLK(st.st_mode) && ioctl(bfd, BLKSSZGET, &block_size) < 0)
		block_size = 0;

	marker = xasprintf(MARKER_PREFIX "%s", m->key);
	if (!marker)
		return -ENOMEM;
	ctl = vk_root_open_at(root, "/dev/loop-control", O_RDWR | O_CLOEXEC, 0);
	if (ctl < 0) {
		set_why(why, _("cannot open '/dev/loop-control': %s (is the loop module loaded?)"), strerror(-ctl));
		return ctl;
	}
	s = (struct state){ .backing_dev = st.st_dev, .backing_ino = st.st_ino, .rw = rw };
	s.source = strdup(dev->path);
	s.phase = strdup("attaching");
	if (!s.source || !s.phase) {
		state_clear(&s);
		return -ENOMEM;
	}
	for (int attempt = 0; attempt < 16 && !attached; attempt++) {
		int nr = ioctl(ctl, LOOP_CTL_GET_FREE);

		if (nr < 0) {
			r = negative_errno();
			set_why(why, _("no free loop device: %s"), strerror(-r));
			goto fail;
		}
		free(m->loop);
		m->loop = xasprintf("loop%d", nr);
		free(s.loop);
		s.loop = m->loop ? strdup(m->loop) : NULL;
		if (!m->loop || !s.loop) {
			r = -ENOMEM;
			goto fail;
		}
		/* Recorded before the loop device exists: a crash from here on leaves a state
		 * that 'unmap' can act on. */
		r = state_write(root, state_dir, m->key, &s);
		if (r < 0) {
			set_why(why, _("cannot write the state under '%s': %s"), state_dir, strerror(-r));
			goto fail;
		}
		state_written = true;
		if (lfd >= 0)
			close(lfd);
		lfd = open_loop(root, m->loop);
		if (lfd < 0) {
			r = lfd;
			set_why(why, _("cannot open '/dev/%s': %s"), m->loop, strerror(-r));
			goto fail;
		}
		/* BLKPG partitions outlive LOOP_CLR_FD on a loop device without PARTSCAN: a free
		 * loop device may still carry another user's stale ones. They must go before our
		 * disk is behind it, or they would expose its sectors at their old offsets. */
		r = drop_partitions(root, lfd, m->loop, why);
		if (r == -EBUSY)
			continue; /* someone still uses a stale partition of this one: try another */
		if (r < 0)
			goto fail;
		r = loop_configure(lfd, bfd, rw, block_size, marker);
		if (r == -EBUSY)
			continue; /* another program took it between GET_FREE and CONFIGURE */
		if (r < 0) {
			set_why(why, _("cannot set up '/dev/%s': %s"), m->loop, strerror(-r));
			goto fail;
		}
		attached = true;
	}
	if (!attached) {
		r = -EBUSY;
		set_why(why, _("every free loop device was taken while trying"));
		goto fail;
	}
	r = map_partitions(root, m, state_dir, lfd, why);
	if (r < 0)
		goto fail;
	free(s.phase);
	s.phase = strdup("mapped");
	s.partitions = partitions_text(m->table);
	if (!s.phase || !s.partitions) {
		r = -ENOMEM;
		goto fail;
	}
	r = state_write(root, state_dir, m->key, &s);
	if (r < 0) {
		set_why(why, _("cannot write the state under '%s': %s"), state_dir, strerror(-r));
		goto fail;
	}
	state_clear(&s);
	*ret = TAKE_PTR(m);
	return 0;

fail:
	/* Undo in reverse; keep the first error and its message. */
	if (attached) {
		_cleanup_free_ char *ignored = NULL;

		(void)drop_partitions(root, lfd, m->loop, &ignored);
		(void)ioctl(lfd, LOOP_CLR_FD, 0);
	}
	if (state_written)
		(void)state_remove(root, state_dir, m->key);
	state_clear(&s);
	return r;
}

int vk_disk_mapping_load(struct vk_root *root, const char *state_dir, const char *key, struct vk_disk_mapping **ret)
{
	_cleanup_(vk_disk_mapping_freep) struct vk_disk_mapping *m = NULL;
	_cleanup_strv_free_ char **parts = NULL;
	struct state s;
	int r;

	r = state_read(root, state_dir, key, &s);
	if (r < 0)
		return r;
	m = calloc(1, sizeof(*m));
	if (!m || !(m->key = strdup(key))) {
		state_clear(&s);
		return -ENOMEM;
	}
	m->source = TAKE_PTR(s.source);
	m->loop = TAKE_PTR(s.loop);
	m->rw = s.rw;
	r = strv_split(strempty(s.partitions), " ", &parts);
	state_clear(&s);
	if (r < 0)
		return r;
	m->parts = calloc(strv_length(parts) + 1, sizeof(*m->parts));
	if (!m->parts)
		return -ENOMEM;
	for (char **p = parts; *p; p++) {
		uint32_t pno;
		struct vk_mapped_part *mp;

		if (safe_atou32(*p, 10, &pno) < 0 || !m->loop)
			continue;
		mp = &m->parts[m->n_parts++];
		mp->partno = pno;
		mp->device = xasprintf("/dev/%sp%u", m->loop, pno);
		mp->link = xasprintf("%s/%s/part%u", state_dir, key, pno);
		if (!mp->device || !mp->link)
			return -ENOMEM;
	}
	*ret = TAKE_PTR(m);
	return 0;
}

int vk_disk_unmap(struct vk_root *root, const char *state_dir, const char *key, bool *ret_loop_gone, char **why)
{
	_cleanup_close_ int lfd = -1;
	struct state s;
	bool detached = false;
	int r;

	if (ret_loop_gone)
		*ret_loop_gone = false;
	if (!vk_root_is_host(root))
		return -EXDEV;
	r = state_read(root, state_dir, key, &s);
	if (r < 0)
		return r;
	if (s.loop) {
		lfd = open_loop(root, s.loop);
		if (lfd == -ENOENT)
			r = 0; /* the loop device itself is gone (removed with LOOP_CTL_REMOVE) */
		else if (lfd < 0) {
			r = lfd;
			set_why(why, _("cannot open '/dev/%s': %s"), s.loop, strerror(-r));
		} else {
			r = loop_is_ours(lfd, key, &s);
			if (r == 1) {
				struct vk_mount *mounts = NULL;
				size_t n_mounts = 0;
				_cleanup_free_ char *user = NULL;

				if (vk_mounts_read(root, &mounts, &n_mounts) == 0) {
					user = partition_user(root, s.loop, mounts, n_mounts);
					vk_mounts_free(mounts, n_mounts);
				}
				if (user) {
					set_why(why, _("%s: unmount it first"), user);
					r = -EBUSY;
				} else if ((r = drop_partitions(root, lfd, s.loop, why)) >= 0) {
					if (ioctl(lfd, LOOP_CLR_FD, 0) < 0) {
						r = negative_errno();
						set_why(why, _("cannot detach '/dev/%s': %s"), s.loop, strerror(-r));
					} else
						detached = true;
				}
			} else if (r == 0) {
				/* Not attached, or reused by someone else since: not ours to touch.
				 * Stale partitions of an unattached device are still removed, so the
				 * next user of the device does not inherit them. */
				struct loop_info64 info;

				if (ioctl(lfd, LOOP_GET_STATUS64, &info) < 0 && errno == ENXIO)
					r = drop_partitions(root, lfd, s.loop, why);
			}
		}
	}
	state_clear(&s);
	if (r < 0)
		return r;
	r = state_remove(root, state_dir, key);
	if (r < 0) {
		set_why(why, _("cannot remove the state under '%s': %s"), state_dir, strerror(-r));
		return r;
	}
	if (ret_loop_gone)
		*ret_loop_gone = detached;
	return 0;
}
