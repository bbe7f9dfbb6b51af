/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* String vectors, a growable string buffer and strict number parsers. */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>

#include "util.h"

void strv_free(char **l)
{
	if (!l)
		return;
	for (char **p = l; *p; p++)
		free(*p);
	free(l);
}

size_t strv_length(char *const *l)
{
	size_t n = 0;

	while (l && l[n])
		n++;
	return n;
}

int strv_push(char ***l, char *s)
{
	size_t n = strv_length(*l);
	char **nl;

	if (!s)
		return -ENOMEM;
	nl = realloc(*l, (n + 2) * sizeof(char *));
	if (!nl) {
		free(s);
		return -ENOMEM;
	}
	nl[n] = s;
	nl[n + 1] = NULL;
	*l = nl;
	return 0;
}

int strv_extend(char ***l, const char *s)
{
	return strv_push(l, strdup(s));
}

bool strv_contains(char *const *l, const char *s)
{
	for (; l && *l; l++)
		if (streq(*l, s))
			return true;
	return false;
}

char *strv_join(const char *const *l, const char *sep)
{
	_cleanup_strbuf_ struct strbuf b = STRBUF_INIT;

	for (size_t i = 0; l && l[i]; i++) {
		if ((i > 0 && strbuf_adds(&b, sep) < 0) || strbuf_adds(&b, l[i]) < 0)
			return NULL;
	}
	return strbuf_detach(&b);
}

int strv_split(const char *s, const char *seps, char ***ret)
{
	_cleanup_strv_free_ char **l = NULL;
	const char *p = s;

	/* Always return a vector, even an empty one, so callers can iterate without checks. */
	l = calloc(1, sizeof(char *));
	if (!l)
		return -ENOMEM;
	while (p && *p) {
		size_t n;

		p += strspn(p, seps);
		n = strcspn(p, seps);
		if (n == 0)
			break;
		if (strv_push(&l, xstrndup(p, n)) < 0)
			return -ENOMEM;
		p += n;
	}
	*ret = TAKE_PTR(l);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void strv_sort(char **l)
{
	qsort(l, strv_length(l), sizeof(char *), cmp_str);
}

static int strbuf_grow(struct strbuf *b, size_t extra)
{
	size_t need = b->len + extra + 1;
	char *n;

	if (need <= b->cap)
		return 0;
	if (need < b->cap * 2)
		need = b->cap * 2;
	if (need < 64)
		need = 64;
	n = realloc(b->s, need);
	if (!n)
		return -ENOMEM;
	b->s = n;
	b->cap = need;
	return 0;
}

int strbuf_add(struct strbuf *b, const char *s, size_t n)
{
	if (strbuf_grow(b, n) < 0)
		return -ENOMEM;
	if (n)
		memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
	return 0;
}

int strbuf_adds(struct strbuf *b, const char *s)
{
	return strbuf_add(b, s, strlen(s));
}

int strbuf_addc(struct strbuf *b, char c)
{
	return strbuf_add(b, &c, 1);
}

int strbuf_vaddf(struct strbuf *b, const char *fmt, va_list ap)
{
	va_list aq;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		return -EINVAL;
	if (strbuf_grow(b, (size_t)n) < 0)
		return -ENOMEM;
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int strbuf_addf(struct strbuf *b, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = strbuf_vaddf(b, fmt, ap);
	va_end(ap);
	return r;
}

void strbuf_reset(struct strbuf *b)
{
	b->len = 0;
	if (b->s)
		b->s[0] = '\0';
}

void strbuf_release(struct strbuf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

char *strbuf_detach(struct strbuf *b)
{
	char *s = b->s;

	if (!s)
		s = strdup("");
	b->s = NULL;
	b->len = b->cap = 0;
	return s;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	return r < 0 ? NULL : s;
}

int safe_atou64(const char *s, int base, uint64_t *ret)
{
	char *end;
	unsigned long long v;

	if (!s)
		return -EINVAL;
	while (isspace((unsigned char)*s))
		s++;
	if (*s == '\0' || *s == '-' || *s == '+')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, base);
	if (errno == ERANGE)
		return -ERANGE;
	if (errno != 0 || end == s)
		return -EINVAL;
	while (isspace((unsigned char)*end))
		end++;
	if (*end != '\0')
		return -EINVAL;
	*ret = v;
	return 0;
}

int safe_atou32(const char *s, int base, uint32_t *ret)
{
	uint64_t v;
	int r = safe_atou64(s, base, &v);

	if (r < 0)
		return r;
	if (v > UINT32_MAX)
		return -ERANGE;
	*ret = (uint32_t)v;
	return 0;
}

int safe_atoi(const char *s, int *ret)
{
	char *end;
	long v;

	if (!s)
		return -EINVAL;
	while (isspace((unsigned char)*s))
		s++;
	if (*s == '\0')
		return -EINVAL;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno == ERANGE || v > INT_MAX || v < INT_MIN)
		return -ERANGE;
	if (end == s)
		return -EINVAL;
	while (isspace((unsigned char)*end))
		end++;
	if (*end != '\0')
		return -EINVAL;
	*ret = (int)v;
	return 0;
}

int parse_hex_u32(const char *s, uint32_t max, uint32_t *ret)
{
	const char *p = s;
	uint32_t v;
	int r;

	if (!s)
		return -EINVAL;
	while (isspace((unsigned char)*p))
		p++;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	/* strtoull would accept a second "0x" or a sign; insist on hex digits only. */
	if (!isxdigit((unsigned char)*p))
		return -EINVAL;
	for (const char *q = p; *q && !isspace((unsigned char)*q); q++)
		if (!isxdigit((unsigned char)*q))
			return -EINVAL;
	r = safe_atou32(p, 16, &v);
	if (r < 0)
		return r;
	if (v > max)
		return -ERANGE;
	*ret = v;
	return 0;
}

char *strstrip(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		e--;
	*e = '\0';
	return s;
}

void strip_trailing_newlines(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		s[--n] = '\0';
}

bool str_is_printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 && *s != '\t')
			return false;
	return true;
}

char *strdup_lower(const char *s)
{
	char *d = strdup(s);

	for (char *p = d; p && *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return d;
}

char *str_squeeze_spaces(char *s)
{
	char *w = s;
	bool space = true; /* drops leading whitespace */

	for (char *r = s; *r; r++) {
		if (isspace((unsigned char)*r)) {
			if (!space)
				*w++ = ' ';
			space = true;
		} else {
			*w++ = *r;
			space = false;
		}
	}
	if (w > s && w[-1] == ' ')
		w--;
	*w = '\0';
	return s;
}

char *xstrndup(const char *s, size_t n)
{
	return strndup(s, n);
}

static int cmp_unsigned(const void *a, const void *b)
{
	unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
	return x < y ? -1 : x > y;
}

int parse_cpulist(const char *s, unsigned **ret, size_t *n_ret)
{
	_cleanup_strv_free_ char **parts = NULL;
	_cleanup_free_ unsigned *cpus = NULL;
	size_t n = 0, cap = 0;
	int r;

	r = strv_split(s, ",\n \t", &parts);
	if (r < 0)
		return r;
	for (char **p = parts; *p; p++) {
		uint32_t lo, hi;
		char *dash = strchr(*p, '-');

		if (dash) {
			*dash = '\0';
			if (safe_atou32(*p, 10, &lo) < 0 || safe_atou32(dash + 1, 10, &hi) < 0 || hi < lo)
				return -EINVAL;
		} else {
			if (safe_atou32(*p, 10, &lo) < 0)
				return -EINVAL;
			hi = lo;
		}
		if (hi - lo > 65536)
			return -ERANGE;
		for (uint32_t c = lo; c <= hi; c++) {
			if (n == cap) {
				unsigned *nc;
				cap = cap ? cap * 2 : 16;
				nc = realloc(cpus, cap * sizeof(unsigned));
				if (!nc)
					return -ENOMEM;
				cpus = nc;
			}
			cpus[n++] = c;
		}
	}
	if (n > 1)
		qsort(cpus, n, sizeof(unsigned), cmp_unsigned);
	*ret = TAKE_PTR(cpus);
	*n_ret = n;
	return 0;
}

char *format_cpulist(const unsigned *cpus, size_t n)
{
	_cleanup_strbuf_ struct strbuf b = STRBUF_INIT;

	for (size_t i = 0; i < n;) {
		size_t j = i;

		while (j + 1 < n && cpus[j + 1] == cpus[j] + 1)
			j++;
		if (b.len && strbuf_addc(&b, ',') < 0)
			return NULL;
		if (j == i) {
			if (strbuf_addf(&b, "%u", cpus[i]) < 0)
				return NULL;
		} else if (strbuf_addf(&b, "%u-%u", cpus[i], cpus[j]) < 0)
			return NULL;
		i = j + 1;
	}
	return strbuf_detach(&b);
}

#include <ftw.h>

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return (flag == FTW_DP ? rmdir(path) : unlink(path)) < 0 ? -1 : 0;
}

int rm_rf(const char *path)
{
	return nftw(path, rm_one, 32, FTW_DEPTH | FTW_PHYS) < 0 ? negative_errno() : 0;
}
