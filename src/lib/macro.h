/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Scope-based cleanup, ownership transfer and other small macros used everywhere. */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)
#define _cleanup_fclose_ _cleanup_(fclosep)
#define _cleanup_strv_free_ _cleanup_(strv_freep)
#define _printf_(a, b) __attribute__((format(printf, a, b)))
#define _unused_ __attribute__((unused))
#define _pure_ __attribute__((pure))
#define _warn_unused_result_ __attribute__((warn_unused_result))

#define ELEMENTSOF(x) (sizeof(x) / sizeof((x)[0]))
#define streq(a, b) (strcmp((a), (b)) == 0)
#define strneq(a, b, n) (strncmp((a), (b), (n)) == 0)
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

static inline void freep(void *p)
{
	free(*(void **)p);
}

static inline void closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno; /* keep the errno the caller is about to report */
		close(*fd);
		errno = saved;
	}
}

static inline void fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}

/* VK_DEFINE_CLEANUP(xmlDocPtr, xmlFreeDoc) gives xmlFreeDocp() for _cleanup_(). */
#define VK_DEFINE_CLEANUP(type, fn)              \
	static inline void fn##p(type *p)        \
	{                                        \
		if (*p)                          \
			(void)fn(*p);            \
	}

/* Move ownership out of a _cleanup_ variable. */
#define TAKE_PTR(p)                          \
	({                                   \
		__typeof__(p) _p_ = (p);     \
		(p) = NULL;                  \
		_p_;                         \
	})
#define TAKE_FD(fd)                          \
	({                                   \
		int _fd_ = (fd);             \
		(fd) = -1;                   \
		_fd_;                        \
	})

/* Returns a negative errno from the current errno, never 0. */
static inline int negative_errno(void)
{
	return errno > 0 ? -errno : -EIO;
}

static inline const char *strempty(const char *s)
{
	return s ? s : "";
}

static inline bool isempty(const char *s)
{
	return !s || !*s;
}

static inline const char *startswith(const char *s, const char *prefix)
{
	size_t l = strlen(prefix);
	return strncmp(s, prefix, l) == 0 ? s + l : NULL;
}

static inline bool endswith(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);
	return ls >= lx && memcmp(s + ls - lx, suffix, lx) == 0;
}

/* gettext: the library translates in its own domain so callers need not bind it. */
#if ENABLE_NLS
#include <libintl.h>
#define _(s) dgettext(GETTEXT_PACKAGE, s)
#else
#define _(s) (s)
#endif
#define N_(s) (s)
