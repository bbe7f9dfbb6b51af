/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Kernel command line tokens, split and looked up as the kernel does (kernel/params.c). */
#include <ctype.h>

#include "cmdline.h"
#include "util.h"

int vk_cmdline_split(const char *s, char ***ret)
{
	_cleanup_strv_free_ char **l = calloc(1, sizeof(char *));
	const char *p = s;

	if (!l)
		return -ENOMEM;
	while (p && *p) {
		const char *start;
		bool quoted = false;

		while (isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		start = p;
		while (*p && (quoted || !isspace((unsigned char)*p))) {
			if (*p == '"')
				quoted = !quoted;
			p++;
		}
		if ((size_t)(p - start) == 2 && strneq(start, "--", 2))
			break;
		if (strv_push(&l, xstrndup(start, (size_t)(p - start))) < 0)
			return -ENOMEM;
	}
	*ret = TAKE_PTR(l);
	return 0;
}

bool vk_cmdline_name_eq(const char *a, const char *b)
{
	for (;; a++, b++) {
		char x = *a == '-' ? '_' : *a, y = *b == '-' ? '_' : *b;

		if (x != y)
			return false;
		if (!x)
			return true;
	}
}

const char *vk_cmdline_token_name(const char *tok, char *buf, size_t size)
{
	size_t n = strcspn(tok, "=");

	if (tok[0] == '"')
		tok++, n = strcspn(tok, "=\"");
	if (n >= size)
		n = size - 1;
	memcpy(buf, tok, n);
	buf[n] = '\0';
	return buf;
}

const char *vk_cmdline_token_value(const char *tok, char *buf, size_t size)
{
	const char *eq = strchr(tok, '=');
	size_t n = 0;

	if (!eq)
		return NULL;
	for (const char *p = eq + 1; *p && n + 1 < size; p++)
		if (*p != '"')
			buf[n++] = *p;
	buf[n] = '\0';
	return buf;
}

char *vk_cmdline_get(char *const *tokens, const char *name, bool *found)
{
	const char *last = NULL;
	bool f = false;

	for (size_t i = 0; tokens && tokens[i]; i++) {
		char nb[256];

		if (vk_cmdline_name_eq(vk_cmdline_token_name(tokens[i], nb, sizeof(nb)), name)) {
			f = true;
			last = tokens[i];
		}
	}
	if (found)
		*found = f;
	if (last) {
		char vb[4096];
		const char *v = vk_cmdline_token_value(last, vb, sizeof(vb));

		return v ? strdup(v) : NULL;
	}
	return NULL;
}

int vk_cmdline_get_all(char *const *tokens, const char *name, char ***ret)
{
	_cleanup_strv_free_ char **l = calloc(1, sizeof(char *));

	if (!l)
		return -ENOMEM;
	for (size_t i = 0; tokens && tokens[i]; i++) {
		char nb[256], vb[4096];
		const char *v;

		if (!vk_cmdline_name_eq(vk_cmdline_token_name(tokens[i], nb, sizeof(nb)), name))
			continue;
		v = vk_cmdline_token_value(tokens[i], vb, sizeof(vb));
		if (strv_extend(&l, v ? v : "") < 0)
			return -ENOMEM;
	}
	*ret = TAKE_PTR(l);
	return 0;
}
