/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The root-prefixed filesystem layer: openat2(RESOLVE_IN_ROOT) with a careful fallback. */
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <sys/auxv.h>
#include <sys/random.h>
#include <sys/syscall.h>

#include "root.h"
#include "util.h"

#define MAX_READ (64u << 20)
#define MAX_LINKS 40

struct vk_root {
	int fd;
	char *path;
	bool is_host;
};

static bool force_fallback;
static int have_openat2 = -1; /* unknown, 0, 1 */

void vk_root_force_fallback(bool on)
{
	force_fallback = on;
}

int vk_root_open(const char *path, struct vk_root **ret)
{
	_cleanup_free_ char *norm = NULL;
	struct vk_root *r;
	struct stat st, host;
	size_t n;
	int fd;

	if (isempty(path))
		return -EINVAL;
	norm = strdup(path);
	if (!norm)
		return -ENOMEM;
	n = strlen(norm);
	while (n > 1 && norm[n - 1] == '/')
		norm[--n] = '\0';

	fd = open(norm, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return negative_errno();
	if (fstat(fd, &st) < 0) {
		int e = negative_errno();
		close(fd);
		return e;
	}
	r = calloc(1, sizeof(*r));
	if (!r) {
		close(fd);
		return -ENOMEM;
	}
	r->fd = fd;
	r->path = TAKE_PTR(norm);
	/* "The live host" means this directory is the real "/", however it was spelled. */
	r->is_host = stat("/", &host) == 0 && host.st_dev == st.st_dev && host.st_ino == st.st_ino;
	if (getenv("VFIOKIT_FORCE_FALLBACK_RESOLVER") && getauxval(AT_SECURE) == 0)
		force_fallback = true;
	*ret = r;
	return 0;
}

struct vk_root *vk_root_free(struct vk_root *r)
{
	if (!r)
		return NULL;
	if (r->fd >= 0)
		close(r->fd);
	free(r->path);
	free(r);
	return NULL;
}

const char *vk_root_path(const struct vk_root *r)
{
	return r->path;
}

bool vk_root_is_host(const struct vk_root *r)
{
	return r->is_host;
}

int vk_root_fd(const struct vk_root *r)
{
	return r->fd;
}

static const char *relative(const char *path)
{
	while (*path == '/')
		path++;
	return *path ? path : ".";
}

/*
 * The fallback for kernels without openat2 (< 5.6): walk the path one component at a time
 * with O_PATH|O_NOFOLLOW directory fds, resolving each symlink ourselves. ".." never goes
 * above the root, an absolute link target restarts at the root, and a component swapped
 * for a symlink between fstatat() and openat() makes openat() fail instead of following.
 */
static int resolve_fallback(int rootfd, const char *path, int flags, mode_t mode)
{
	_cleanup_free_ char *todo = NULL;
	int stack[PATH_MAX / 2];
	size_t depth = 0;
	unsigned links = 0;
	int r = -EINVAL;
	char *p;

	todo = strdup(path);
	if (!todo)
		return -ENOMEM;
	stack[0] = fcntl(rootfd, F_DUPFD_CLOEXEC, 3);
	if (stack[0] < 0)
		return negative_errno();

	p = todo;
	for (;;) {
		char *comp, *rest;
		bool last;
		struct stat st;

		while (*p == '/')
			p++;
		if (*p == '\0') {
			/* The path named a directory we are standing in (or the root itself). */
			r = openat(stack[depth], ".", (flags & ~O_NOFOLLOW) | O_CLOEXEC, mode);
			r = r < 0 ? negative_errno() : r;
			break;
		}
		comp = p;
		rest = strchr(p, '/');
		if (rest) {
			*rest++ = '\0';
			while (*rest == '/')
				rest++;
		}
		last = !rest || *rest == '\0';
		p = rest ? rest : comp + strlen(comp);

		if (streq(comp, "."))
			continue;
		if (streq(comp, "..")) {
			if (depth > 0)
				close(stack[depth--]);
			continue;
		}
		if (fstatat(stack[depth], comp, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			if (errno == ENOENT && last && (flags & O_CREAT)) {
				r = openat(stack[depth], comp, flags | O_NOFOLLOW | O_CLOEXEC, mode);
				r = r < 0 ? negative_errno() : r;
			} else
				r = negative_errno();
			break;
		}
		if (S_ISLNK(st.st_mode) && !(last && (flags & O_NOFOLLOW))) {
			char target[PATH_MAX];
			ssize_t n;
			char *nt;

			if (++links > MAX_LINKS) {
				r = -ELOOP;
				break;
			}
			n = readlinkat(stack[depth], comp, target, sizeof(target) - 1);
			if (n < 0) {
				r = negative_errno();
				break;
			}
			target[n] = '\0';
			if (target[0] == '/')
				while (depth > 0)
					close(stack[depth--]);
			nt = xasprintf("%s/%s", target, p);
			if (!nt) {
				r = -ENOMEM;
				break;
			}
			free(todo);
			todo = nt;
			p = todo;
			continue;
		}
		if (last) {
			r = openat(stack[depth], comp, flags | O_NOFOLLOW | O_CLOEXEC, mode);
			r = r < 0 ? negative_errno() : r;
			break;
		}
		if (depth + 1 >= ELEMENTSOF(stack)) {
			r = -ENAMETOOLONG;
			break;
		}
		stack[depth + 1] = openat(stack[depth], comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (stack[depth + 1] < 0) {
			r = negative_errno();
			break;
		}
		depth++;
	}
	for (size_t i = 0; i <= depth; i++)
		close(stack[i]);
	return r;
}

int vk_root_open_at(const struct vk_root *r, const char *path, int flags, mode_t mode)
{
	const char *rel = relative(path);

	if (!force_fallback && have_openat2 != 0) {
		struct open_how how = {
			.flags = (uint64_t)(flags | O_CLOEXEC),
			.mode = (flags & (O_CREAT | O_TMPFILE)) ? mode : 0,
			.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
		};

		for (int attempt = 0; attempt < 8; attempt++) {
			long fd = syscall(SYS_openat2, r->fd, rel, &how, sizeof(how));

			if (fd >= 0) {
				have_openat2 = 1;
				return (int)fd;
			}
			/* EAGAIN: a concurrent rename raced with ".." resolution; retry. */
			if (errno == EAGAIN)
				continue;
			if (errno == ENOSYS || errno == EPERM) {
				/* EPERM: seccomp filters in some containers reject unknown syscalls. */
				have_openat2 = 0;
				break;
			}
			return negative_errno();
		}
	}
	return resolve_fallback(r->fd, rel, flags, mode);
}

int vk_root_openf(const struct vk_root *r, int flags, const char *fmt, ...)
{
	_cleanup_free_ char *path = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&path, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -ENOMEM;
	return vk_root_open_at(r, path, flags, 0);
}

int vk_root_open_parent(const struct vk_root *r, const char *path, const char **base)
{
	_cleanup_free_ char *dir = NULL;
	const char *slash;
	size_t n = strlen(path);

	/* "/a/b/" is "/a/b" */
	while (n > 1 && path[n - 1] == '/')
		n--;
	dir = xstrndup(path, n);
	if (!dir)
		return -ENOMEM;
	slash = strrchr(dir, '/');
	if (!slash) {
		*base = path;
		return vk_root_open_at(r, ".", O_PATH | O_DIRECTORY, 0);
	}
	*base = path + (slash - dir) + 1;
	dir[slash - dir] = '\0';
	if (**base == '\0' || streq(*base, ".."))
		return -EINVAL;
	return vk_root_open_at(r, *dir ? dir : "/", O_PATH | O_DIRECTORY, 0);
}

static int read_fd(int fd, char **ret, size_t *len)
{
	_cleanup_free_ char *buf = NULL;
	size_t n = 0, cap = 0;

	for (;;) {
		ssize_t k;

		if (cap - n < 4096) {
			char *nb;

			if (cap >= MAX_READ)
				return -EFBIG;
			cap = cap ? cap * 2 : 4096;
			nb = realloc(buf, cap + 1);
			if (!nb)
				return -ENOMEM;
			buf = nb;
		}
		k = read(fd, buf + n, cap - n);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			return negative_errno();
		}
		if (k == 0)
			break;
		n += (size_t)k;
	}
	if (!buf) {
		buf = malloc(1);
		if (!buf)
			return -ENOMEM;
	}
	buf[n] = '\0';
	*ret = TAKE_PTR(buf);
	if (len)
		*len = n;
	return 0;
}

int vk_root_read_file(const struct vk_root *r, const char *path, char **ret, size_t *len)
{
	_cleanup_close_ int fd = -1;
	struct stat st;

	fd = vk_root_open_at(r, path, O_RDONLY, 0);
	if (fd < 0)
		return fd;
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode))
		return -EISDIR;
	return read_fd(fd, ret, len);
}

static char *vformat(const char *fmt, va_list ap)
{
	char *s;

	return vasprintf(&s, fmt, ap) < 0 ? NULL : s;
}

int vk_root_read_line(const struct vk_root *r, char **ret, const char *fmt, ...)
{
	_cleanup_free_ char *path = NULL, *data = NULL;
	va_list ap;
	char *nl;
	int e;

	va_start(ap, fmt);
	path = vformat(fmt, ap);
	va_end(ap);
	if (!path)
		return -ENOMEM;
	e = vk_root_read_file(r, path, &data, NULL);
	if (e < 0)
		return e;
	nl = strchr(data, '\n');
	if (nl)
		*nl = '\0';
	if (data[0] == '\0' && !nl)
		return -ENODATA;
	*ret = TAKE_PTR(data);
	return 0;
}

static int readlink_path(const struct vk_root *r, const char *path, char **ret)
{
	_cleanup_close_ int dfd = -1;
	char buf[PATH_MAX];
	const char *base;
	ssize_t n;

	dfd = vk_root_open_parent(r, path, &base);
	if (dfd < 0)
		return dfd;
	n = vk_dirfd_readlink(dfd, base, buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	*ret = strdup(buf);
	return *ret ? 0 : -ENOMEM;
}

int vk_root_readlink(const struct vk_root *r, char **ret, const char *fmt, ...)
{
	_cleanup_free_ char *path = NULL;
	va_list ap;

	va_start(ap, fmt);
	path = vformat(fmt, ap);
	va_end(ap);
	if (!path)
		return -ENOMEM;
	return readlink_path(r, path, ret);
}

int vk_root_readlink_base(const struct vk_root *r, char **ret, const char *fmt, ...)
{
	_cleanup_free_ char *path = NULL, *target = NULL;
	const char *slash;
	va_list ap;
	int e;

	va_start(ap, fmt);
	path = vformat(fmt, ap);
	va_end(ap);
	if (!path)
		return -ENOMEM;
	e = readlink_path(r, path, &target);
	if (e < 0)
		return e;
	slash = strrchr(target, '/');
	*ret = strdup(slash ? slash + 1 : target);
	if (!*ret)
		return -ENOMEM;
	return **ret ? 0 : -EINVAL;
}

int vk_root_exists(const struct vk_root *r, const char *fmt, ...)
{
	_cleanup_free_ char *path = NULL;
	va_list ap;
	int fd;

	va_start(ap, fmt);
	path = vformat(fmt, ap);
	va_end(ap);
	if (!path)
		return -ENOMEM;
	fd = vk_root_open_at(r, path, O_PATH, 0);
	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

int vk_root_stat(const struct vk_root *r, const char *path, struct stat *st, bool follow)
{
	_cleanup_close_ int fd = -1;

	fd = vk_root_open_at(r, path, O_PATH | (follow ? 0 : O_NOFOLLOW), 0);
	if (fd < 0)
		return fd;
	return fstat(fd, st) < 0 ? negative_errno() : 0;
}

int vk_root_opendir(const struct vk_root *r, const char *path, DIR **ret)
{
	int fd = vk_root_open_at(r, path, O_RDONLY | O_DIRECTORY, 0);
	DIR *d;

	if (fd < 0)
		return fd;
	d = fdopendir(fd);
	if (!d) {
		int e = negative_errno();
		close(fd);
		return e;
	}
	*ret = d;
	return 0;
}

int vk_root_list_dir(const struct vk_root *r, const char *path, char ***ret)
{
	_cleanup_strv_free_ char **l = NULL;
	size_t n = 0, cap = 16;
	struct dirent *de;
	DIR *d;
	int e;

	e = vk_root_opendir(r, path, &d);
	if (e < 0)
		return e;
	l = calloc(cap + 1, sizeof(char *));
	if (!l) {
		closedir(d);
		return -ENOMEM;
	}
	/* Grows geometrically: /sys/bus/pci/devices can hold 10,000 entries. */
	while ((de = readdir(d))) {
		if (streq(de->d_name, ".") || streq(de->d_name, ".."))
			continue;
		if (n == cap) {
			char **nl = realloc(l, (cap * 2 + 1) * sizeof(char *));

			if (!nl) {
				closedir(d);
				return -ENOMEM;
			}
			l = nl;
			cap *= 2;
		}
		l[n] = strdup(de->d_name);
		if (!l[n]) {
			closedir(d);
			return -ENOMEM;
		}
		l[++n] = NULL;
	}
	closedir(d);
	strv_sort(l);
	*ret = TAKE_PTR(l);
	return 0;
}

ssize_t vk_dirfd_read(int dfd, const char *name, char *buf, size_t size)
{
	_cleanup_close_ int fd = -1;
	ssize_t n;

	if (strchr(name, '/'))
		return -EINVAL;
	fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return negative_errno();
	/* One read: a sysfs attribute returns its whole value at once, and these helpers are
	 * for small values. A value that fills the buffer is reported, not cut. */
	do
		n = read(fd, buf, size);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return negative_errno();
	if ((size_t)n == size)
		return -EFBIG;
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	return n;
}

ssize_t vk_dirfd_readlink(int dfd, const char *name, char *buf, size_t size)
{
	ssize_t n;

	if (strchr(name, '/'))
		return -EINVAL;
	n = readlinkat(dfd, name, buf, size - 1);
	if (n < 0)
		return negative_errno();
	if ((size_t)n == size - 1)
		return -ENAMETOOLONG;
	buf[n] = '\0';
	return n;
}

int vk_root_mkdir_p(const struct vk_root *r, const char *path, mode_t mode)
{
	_cleanup_free_ char *copy = NULL;
	char *p;
	int fd;

	fd = vk_root_open_at(r, path, O_PATH | O_DIRECTORY, 0);
	if (fd >= 0) {
		close(fd);
		return 0;
	}
	copy = strdup(path);
	if (!copy)
		return -ENOMEM;
	/* Create each missing component; every mkdirat happens in a parent resolved in the root. */
	for (p = copy + 1;; p++) {
		if (*p == '/' || *p == '\0') {
			char saved = *p;
			const char *base;
			_cleanup_close_ int dfd = -1;

			*p = '\0';
			dfd = vk_root_open_parent(r, copy, &base);
			if (dfd < 0)
				return dfd;
			if (mkdirat(dfd, base, mode) < 0 && errno != EEXIST)
				return negative_errno();
			*p = saved;
			if (saved == '\0')
				break;
			while (p[1] == '/')
				p++;
			if (p[1] == '\0')
				break;
		}
	}
	return 0;
}

int vk_root_write_attr(const struct vk_root *r, const char *path, const char *data)
{
	_cleanup_close_ int fd = -1;
	size_t len = strlen(data);
	ssize_t n;

	fd = vk_root_open_at(r, path, O_WRONLY | O_NOFOLLOW, 0);
	if (fd < 0)
		return fd;
	/* sysfs takes one write; a short write is an error, not something to retry. */
	n = write(fd, data, len);
	if (n < 0)
		return negative_errno();
	return (size_t)n == len ? 0 : -EIO;
}

int vk_root_symlink(const struct vk_root *r, const char *target, const char *path)
{
	_cleanup_close_ int dfd = -1;
	const char *base;

	dfd = vk_root_open_parent(r, path, &base);
	if (dfd < 0)
		return dfd;
	return symlinkat(target, dfd, base) < 0 ? negative_errno() : 0;
}

int vk_root_unlink(const struct vk_root *r, const char *path)
{
	_cleanup_close_ int dfd = -1;
	const char *base;

	dfd = vk_root_open_parent(r, path, &base);
	if (dfd < 0)
		return dfd;
	return unlinkat(dfd, base, 0) < 0 ? negative_errno() : 0;
}

static int write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len > 0) {
		ssize_t k = write(fd, p, len);

		if (k < 0) {
			if (errno == EINTR)
				continue;
			return negative_errno();
		}
		p += k;
		len -= (size_t)k;
	}
	return 0;
}

int vk_root_write_atomic(const struct vk_root *r, const char *path, const void *data, size_t len,
			 mode_t mode, unsigned flags)
{
	_cleanup_close_ int dfd = -1, fd = -1;
	char tmp[NAME_MAX + 1];
	const char *base;
	struct stat st;
	bool have_old;
	int e = 0;

	if (flags & VK_WRITE_MKDIR) {
		_cleanup_free_ char *dir = strdup(path);
		char *slash = dir ? strrchr(dir, '/') : NULL;

		if (!dir)
			return -ENOMEM;
		if (slash && slash != dir) {
			*slash = '\0';
			e = vk_root_mkdir_p(r, dir, 0755);
			if (e < 0)
				return e;
		}
	}
	dfd = vk_root_open_parent(r, path, &base);
	if (dfd < 0)
		return dfd;
	/* The parent must be a real directory fd for renameat/fsync; reopen without O_PATH. */
	{
		int d2 = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (d2 < 0)
			return negative_errno();
		close(dfd);
		dfd = d2;
	}
	have_old = fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0;
	if (!have_old && errno != ENOENT)
		return negative_errno();
	if (have_old && S_ISLNK(st.st_mode))
		return -ELOOP;
	if (have_old && !S_ISREG(st.st_mode))
		return -EINVAL;

	for (int attempt = 0; attempt < 16 && fd < 0; attempt++) {
		unsigned rnd = 0;

		if (getrandom(&rnd, sizeof(rnd), GRND_NONBLOCK) < 0)
			rnd = (unsigned)getpid() * 2654435761u + (unsigned)attempt;
		if ((size_t)snprintf(tmp, sizeof(tmp), ".%.200s.vfiokit-%08x", base, rnd) >= sizeof(tmp))
			return -ENAMETOOLONG;
		fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0 && errno != EEXIST)
			return negative_errno();
	}
	if (fd < 0)
		return -EEXIST;

	e = write_all(fd, data, len);
	if (e >= 0 && fchmod(fd, have_old ? (st.st_mode & 07777) : mode) < 0)
		e = negative_errno();
	if (e >= 0 && have_old && (st.st_uid != geteuid() || st.st_gid != getegid()) &&
	    fchown(fd, st.st_uid, st.st_gid) < 0)
		e = negative_errno();
	if (e >= 0 && !(flags & VK_WRITE_NOSYNC) && fsync(fd) < 0)
		e = negative_errno();
	if (e >= 0 && renameat(dfd, tmp, dfd, base) < 0)
		e = negative_errno();
	if (e < 0) {
		(void)unlinkat(dfd, tmp, 0);
		return e;
	}
	if (!(flags & VK_WRITE_NOSYNC))
		(void)fsync(dfd); /* make the rename durable */
	return 0;
}
