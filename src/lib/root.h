/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The root-prefixed filesystem layer. Every file vfiokit reads or writes about a host goes
 * through a vk_root: "/" on the live host, a fixture tree in tests, an unpacked snapshot or
 * an imported listing with --root. Callers pass host paths ("/sys/bus/pci/devices"); they
 * are resolved inside the root, and symlinks (sysfs is made of them) cannot escape it.
 */
#pragma once

#include <dirent.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "macro.h"

struct vk_root;

/* Opens @path as a root. Returns 0 or a negative errno (-ENOTDIR, -ENOENT, ...). */
int vk_root_open(const char *path, struct vk_root **ret);
struct vk_root *vk_root_free(struct vk_root *r);
static inline void vk_root_freep(struct vk_root **r)
{
	vk_root_free(*r);
}
#define _cleanup_root_ _cleanup_(vk_root_freep)

/* The path given to vk_root_open() (normalised, no trailing slash except for "/"), for
 * messages and for the few libraries that only take path names (libkmod, libpci). */
const char *vk_root_path(const struct vk_root *r);
/* True when the root is the running system's "/": only then may vfiokit act on the live
 * kernel (bind, run regeneration commands, talk to libvirt about this host). */
bool vk_root_is_host(const struct vk_root *r);
/* The root's O_PATH directory fd. */
int vk_root_fd(const struct vk_root *r);

/* Tests only: force the userspace resolver used where openat2() is missing. */
void vk_root_force_fallback(bool on);

/*
 * Opens @path (absolute or relative to the root's "/") inside the root with open(2) @flags.
 * Symlinks, ".." and absolute link targets resolve inside the root. With O_NOFOLLOW the
 * last component is not followed. Returns an fd or a negative errno.
 */
int vk_root_open_at(const struct vk_root *r, const char *path, int flags, mode_t mode);
int vk_root_openf(const struct vk_root *r, int flags, const char *fmt, ...) _printf_(3, 4);

/* Opens the parent directory of @path inside the root; *base points into @path. */
int vk_root_open_parent(const struct vk_root *r, const char *path, const char **base);

/* Whole-file read (up to 64 MiB), NUL-terminated. *len may be NULL. */
int vk_root_read_file(const struct vk_root *r, const char *path, char **ret, size_t *len);
/* First line, without the newline. -ENODATA for an empty file. */
int vk_root_read_line(const struct vk_root *r, char **ret, const char *fmt, ...) _printf_(3, 4);
/* The text of a symlink (not followed). */
int vk_root_readlink(const struct vk_root *r, char **ret, const char *fmt, ...) _printf_(3, 4);
/* The last component of a symlink's text ("../../bus/pci/drivers/vfio-pci" -> "vfio-pci"). */
int vk_root_readlink_base(const struct vk_root *r, char **ret, const char *fmt, ...) _printf_(3, 4);
/* 0 if the path exists inside the root (following links), else a negative errno. */
int vk_root_exists(const struct vk_root *r, const char *fmt, ...) _printf_(2, 3);
int vk_root_stat(const struct vk_root *r, const char *path, struct stat *st, bool follow);
/* Sorted names of a directory's entries, without "." and "..". */
int vk_root_list_dir(const struct vk_root *r, const char *path, char ***ret);
int vk_root_opendir(const struct vk_root *r, const char *path, DIR **ret);

/*
 * Single-component helpers relative to a directory fd that was itself opened through the
 * root. They never follow a symlink in @name, so they cannot leave the root either.
 * vk_dirfd_read() returns the number of bytes read into @buf (NUL-terminated, trailing
 * newline stripped) or a negative errno; -EFBIG when the value does not fit.
 */
ssize_t vk_dirfd_read(int dfd, const char *name, char *buf, size_t size);
ssize_t vk_dirfd_readlink(int dfd, const char *name, char *buf, size_t size);

/* Writes, all inside the root. */
/* mkdir -p; missing components are created with @mode. */
int vk_root_mkdir_p(const struct vk_root *r, const char *path, mode_t mode);
/* Writes @data to an existing file (sysfs attributes, drivers_probe): one write(2). */
int vk_root_write_attr(const struct vk_root *r, const char *path, const char *data);
/* Creates a symlink @path -> @target (target text is stored as given). */
int vk_root_symlink(const struct vk_root *r, const char *target, const char *path);
int vk_root_unlink(const struct vk_root *r, const char *path);

enum {
	VK_WRITE_MKDIR = 1 << 0,  /* create missing parent directories (0755) */
	VK_WRITE_NOSYNC = 1 << 1, /* skip the fsyncs: for building new trees (import, snapshot), never for edits */
};
/*
 * Replaces @path with @data atomically: a temp file in the same directory, write, fsync,
 * rename over the target, fsync of the directory. A new file gets @mode; a replaced file
 * keeps its mode and owner. A symlink or non-regular file at @path is refused (-ELOOP,
 * -EINVAL): the caller must decide what to edit. Nothing is left behind on failure.
 */
int vk_root_write_atomic(const struct vk_root *r, const char *path, const void *data, size_t len,
			 mode_t mode, unsigned flags);
