/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* String vectors, a growable string buffer and strict number parsers. */
#pragma once

#include <stdarg.h>
#include <stdint.h>

#include "macro.h"

/* NULL-terminated arrays of malloc'ed strings. */
void strv_free(char **l);
static inline void strv_freep(char ***l)
{
	strv_free(*l);
}
size_t strv_length(char *const *l);
int strv_push(char ***l, char *s);              /* takes ownership of @s, even on failure */
int strv_extend(char ***l, const char *s);      /* copies @s */
bool strv_contains(char *const *l, const char *s);
char *strv_join(const char *const *l, const char *sep);
/* Split on any of @seps, dropping empty fields. */
int strv_split(const char *s, const char *seps, char ***ret);
void strv_sort(char **l);

/* A growable, always NUL-terminated buffer. */
struct strbuf {
	char *s;
	size_t len, cap;
};
#define STRBUF_INIT {NULL, 0, 0}
int strbuf_add(struct strbuf *b, const char *s, size_t n);
int strbuf_adds(struct strbuf *b, const char *s);
int strbuf_addc(struct strbuf *b, char c);
int strbuf_addf(struct strbuf *b, const char *fmt, ...) _printf_(2, 3);
int strbuf_vaddf(struct strbuf *b, const char *fmt, va_list ap) _printf_(2, 0);
void strbuf_reset(struct strbuf *b);
void strbuf_release(struct strbuf *b);
static inline void strbuf_releasep(struct strbuf *b)
{
	strbuf_release(b);
}
/* Hands the buffer out; the strbuf is empty afterwards. Never returns NULL unless out of memory. */
char *strbuf_detach(struct strbuf *b);
#define _cleanup_strbuf_ _cleanup_(strbuf_releasep)

char *xasprintf(const char *fmt, ...) _printf_(1, 2); /* NULL on ENOMEM */

/* Strict parsers: the whole string (after optional surrounding whitespace) must be a number.
 * Returns 0 or -EINVAL / -ERANGE. */
int safe_atou64(const char *s, int base, uint64_t *ret);
int safe_atou32(const char *s, int base, uint32_t *ret);
int safe_atoi(const char *s, int *ret);
/* "0x10de", "10de" (hex with or without 0x) */
int parse_hex_u32(const char *s, uint32_t max, uint32_t *ret);

char *strstrip(char *s);       /* trims in place, returns s moved past leading space */
void strip_trailing_newlines(char *s);
bool str_is_printable(const char *s);
/* Lower-case copy for case-insensitive comparisons. */
char *strdup_lower(const char *s);
/* Replace runs of whitespace by one space and trim; returns @s. */
char *str_squeeze_spaces(char *s);
/* Duplicate at most n bytes; always terminates. NULL on ENOMEM. */
char *xstrndup(const char *s, size_t n);

/* Parse a kernel cpulist ("0-3,8-11") into a sorted array of CPU numbers. */
int parse_cpulist(const char *s, unsigned **ret, size_t *n_ret);
/* Format a sorted CPU list back as ranges. */
char *format_cpulist(const unsigned *cpus, size_t n);

/* Removes @path and everything under it, never following symlinks. */
int rm_rf(const char *path);
