/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * modprobe.d(5) files: "options MODULE PARAM=VALUE ...", "softdep MODULE pre: A B post: C".
 * kmod treats '-' and '_' in module names alike, adds up the options of every options line of a
 * module, and uses only the first softdep line it finds for a module (libkmod-config.c), so a
 * softdep is extended rather than written a second time.
 */
#include "edit-internal.h"

struct word {
	size_t s, e;
};

struct mline {
	struct word w[64];
	size_t nw;
	bool cont; /* ends in a backslash: continues on the next line */
};

static bool mblank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static void mparse(const char *t, const struct line *l, struct mline *m)
{
	size_t p = l->start, e = l->end;

	*m = (struct mline){0};
	while (e > p && mblank(t[e - 1]))
		e--;
	m->cont = e > p && t[e - 1] == '\\';
	while (p < e) {
		size_t s;

		while (p < e && mblank(t[p]))
			p++;
		if (p >= e || (m->nw == 0 && t[p] == '#'))
			break;
		s = p;
		while (p < e && !mblank(t[p]))
			p++;
		if (m->nw < ELEMENTSOF(m->w))
			m->w[m->nw++] = (struct word){s, p};
	}
}

static bool word_is(const char *t, const struct word *w, const char *s)
{
	return w->e - w->s == strlen(s) && strneq(t + w->s, s, w->e - w->s);
}

static bool word_mod_eq(const char *t, const struct word *w, const char *mod)
{
	_cleanup_free_ char *x = xstrndup(t + w->s, w->e - w->s);

	return x && mod_name_eq(x, mod);
}

/* The parameter name of "param=value", '-' and '_' alike as the kernel compares them. */
static bool param_name_eq(const char *t, const struct word *w, const char *opt)
{
	size_t a = strcspn(t + w->s, "="), b = strcspn(opt, "=");
	_cleanup_free_ char *x = xstrndup(t + w->s, MIN(a, w->e - w->s)), *y = xstrndup(opt, b);

	return x && y && mod_name_eq(x, y);
}

static int check_opt(const char *o, struct vk_edit_result *r)
{
	if (isempty(o) || strpbrk(o, " \t\n\r#\\") || o[0] == '=')
		return edit_fail(r, -EINVAL, 0, _("invalid module option '%s'"), strempty(o));
	return 0;
}

int vk_edit_modprobe(const char *text, const struct vk_modprobe_req *q, struct vk_edit_result *ret)
{
	_cleanup_free_ struct line *l = NULL;
	_cleanup_free_ struct mline *ml = NULL;
	_cleanup_free_ bool *del = NULL, *wdel = NULL;
	_cleanup_splices_ struct splices s = {0};
	_cleanup_strbuf_ struct strbuf tail = STRBUF_INIT;
	_cleanup_strv_free_ char **new_opts = calloc(1, sizeof(char *));
	const char *t = strempty(text);
	size_t n = 0;
	int k;

	if ((k = edit_begin(ret)) < 0)
		return k;
	if (!new_opts)
		return -ENOMEM;
	if (!q || isempty(q->module) || strpbrk(q->module, " \t\n#"))
		return edit_fail(ret, -EINVAL, 0, "%s", _("no module to configure"));
	for (const char *const *o = q->options; o && *o; o++)
		if ((k = check_opt(*o, ret)) < 0)
			return k;
	for (const char *const *o = q->softdep_pre; o && *o; o++)
		if ((k = check_opt(*o, ret)) < 0)
			return k;
	if ((k = split_lines(t, &l, &n)) < 0)
		return k;
	ml = calloc(n + 1, sizeof(*ml));
	del = calloc(n + 1, sizeof(bool));
	wdel = calloc((n + 1) * ELEMENTSOF(ml->w), sizeof(bool));
	if (!ml || !del || !wdel)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		mparse(t, &l[i], &ml[i]);
#define WDEL(i, j) wdel[(i)*ELEMENTSOF(ml->w) + (j)]

	/* Options of @q->module: replace or drop parameters. */
	for (const char *const *o = q->options; o && *o; o++) {
		bool done = false;

		for (size_t i = 0; i < n; i++) {
			if (ml[i].nw < 2 || !word_is(t, &ml[i].w[0], "options") ||
			    !word_mod_eq(t, &ml[i].w[1], q->module))
				continue;
			if (ml[i].cont || (i > 0 && ml[i - 1].cont))
				return edit_fail(ret, -EOPNOTSUPP, (unsigned)i + 1, "%s",
						 _("cannot edit an options line continued with a backslash"));
			for (size_t j = 2; j < ml[i].nw; j++) {
				const struct word *w = &ml[i].w[j];

				if (!param_name_eq(t, w, *o) || WDEL(i, j))
					continue;
				if (!done && w->e - w->s == strlen(*o) && strneq(t + w->s, *o, w->e - w->s)) {
					done = true;
					continue;
				}
				if (!done) {
					/* Replace the value in place. */
					_cleanup_free_ char *old = xstrndup(t + w->s, w->e - w->s);

					if (!old || (k = splice_add(&s, w->s, w->e - w->s, 0, *o)) < 0 ||
					    (k = strv_extend(&ret->removed, old)) < 0 ||
					    (k = strv_extend(&ret->added, *o)) < 0)
						return -ENOMEM;
					WDEL(i, j) = true; /* handled */
					done = true;
					continue;
				}
				WDEL(i, j) = true; /* a second setting of the parameter */
				{
					_cleanup_free_ char *old = xstrndup(t + w->s, w->e - w->s);

					if (!old || (k = strv_extend(&ret->removed, old)) < 0)
						return -ENOMEM;
				}
			}
		}
		if (!done) {
			if ((k = strv_extend(&new_opts, *o)) < 0 || (k = strv_extend(&ret->added, *o)) < 0)
				return k;
		}
	}
	for (const char *const *o = q->remove_options; o && *o; o++)
		for (size_t i = 0; i < n; i++) {
			if (ml[i].nw < 2 || !word_is(t, &ml[i].w[0], "options") ||
			    !word_mod_eq(t, &ml[i].w[1], q->module))
				continue;
			for (size_t j = 2; j < ml[i].nw; j++) {
				_cleanup_free_ char *old = NULL;

				if (WDEL(i, j) || !param_name_eq(t, &ml[i].w[j], *o))
					continue;
				for (const char *const *keep = q->options; keep && *keep; keep++)
					if (param_name_eq(t, &ml[i].w[j], *keep))
						goto next_word;
				WDEL(i, j) = true;
				old = xstrndup(t + ml[i].w[j].s, ml[i].w[j].e - ml[i].w[j].s);
				if (!old || (k = strv_extend(&ret->removed, old)) < 0)
					return -ENOMEM;
			next_word:;
			}
		}
	/* Words flagged for deletion that were not replaced: delete them (a line left with no
	 * parameter goes whole). A replaced word was spliced already and is not counted. */
	for (size_t i = 0; i < n; i++) {
		size_t left = 0;
		bool any = false;

		if (ml[i].nw < 2 || !word_is(t, &ml[i].w[0], "options") || !word_mod_eq(t, &ml[i].w[1], q->module))
			continue;
		for (size_t j = 2; j < ml[i].nw; j++) {
			bool replaced = false;

			for (size_t x = 0; x < s.n; x++)
				if (s.v[x].off == ml[i].w[j].s && s.v[x].len == ml[i].w[j].e - ml[i].w[j].s)
					replaced = true;
			if (WDEL(i, j) && !replaced)
				any = true;
			else
				left++;
		}
		if (!any)
			continue;
		if (left == 0) {
			del[i] = true;
			continue;
		}
		for (size_t j = 2; j < ml[i].nw; j++) {
			bool replaced = false;

			for (size_t x = 0; x < s.n; x++)
				if (s.v[x].off == ml[i].w[j].s && s.v[x].len == ml[i].w[j].e - ml[i].w[j].s)
					replaced = true;
			if (WDEL(i, j) && !replaced &&
			    (k = splice_add(&s, ml[i].w[j - 1].e, ml[i].w[j].e - ml[i].w[j - 1].e, 0, "")) < 0)
				return k;
		}
	}

	/* softdeps: "softdep D pre: ... MODULE ... post: ..." */
	for (const char *const *d = q->softdep_pre; d && *d; d++) {
		ssize_t line = -1;

		for (size_t i = 0; i < n && line < 0; i++)
			if (ml[i].nw >= 2 && word_is(t, &ml[i].w[0], "softdep") && word_mod_eq(t, &ml[i].w[1], *d))
				line = (ssize_t)i;
		if (line < 0) {
			if (strbuf_addf(&tail, "softdep %s pre: %s\n", *d, q->module) < 0)
				return -ENOMEM;
		} else {
			const struct mline *x = &ml[line];
			ssize_t pre = -1, pre_end = -1;
			bool has = false;
			_cleanup_free_ char *add = NULL;

			if (x->cont)
				return edit_fail(ret, -EOPNOTSUPP, (unsigned)line + 1, "%s",
						 _("cannot edit a softdep line continued with a backslash"));
			bool in_pre = false;

			for (size_t j = 2; j < x->nw; j++) {
				if (word_is(t, &x->w[j], "pre:")) {
					pre = pre_end = (ssize_t)j;
					in_pre = true;
				} else if (word_is(t, &x->w[j], "post:"))
					in_pre = false;
				else if (in_pre) {
					pre_end = (ssize_t)j;
					if (word_mod_eq(t, &x->w[j], q->module))
						has = true;
				}
			}
			if (has)
				continue;
			if (pre >= 0) {
				add = xasprintf(" %s", q->module);
				k = add ? splice_add(&s, x->w[pre_end].e, 0, 0, add) : -ENOMEM;
			} else {
				add = xasprintf(" pre: %s", q->module);
				k = add ? splice_add(&s, x->w[1].e, 0, 0, add) : -ENOMEM;
			}
			if (k < 0)
				return k;
		}
		{
			_cleanup_free_ char *sd = xasprintf("softdep %s pre: %s", *d, q->module);

			if (!sd || (k = strv_push(&ret->added, TAKE_PTR(sd))) < 0)
				return -ENOMEM;
		}
	}
	for (const char *const *d = q->remove_softdeps; d && *d; d++)
		for (size_t i = 0; i < n; i++) {
			const struct mline *x = &ml[i];
			ssize_t pre = -1;
			size_t deps = 0, pre_deps = 0, hit = 0;
			bool in_pre = false;

			if (x->nw < 2 || !word_is(t, &x->w[0], "softdep") || !word_mod_eq(t, &x->w[1], *d) || x->cont)
				continue;
			for (size_t j = 2; j < x->nw; j++) {
				if (word_is(t, &x->w[j], "pre:")) {
					pre = (ssize_t)j;
					in_pre = true;
				} else if (word_is(t, &x->w[j], "post:"))
					in_pre = false;
				else {
					deps++;
					if (in_pre) {
						pre_deps++;
						if (word_mod_eq(t, &x->w[j], q->module))
							hit = j;
					}
				}
			}
			if (!hit)
				continue;
			{
				_cleanup_free_ char *sd = xasprintf("softdep %s pre: %s", *d, q->module);

				if (!sd || (k = strv_push(&ret->removed, TAKE_PTR(sd))) < 0)
					return -ENOMEM;
			}
			if (deps == 1) {
				del[i] = true;
				continue;
			}
			/* The module, and "pre:" when nothing else is in it. */
			if (pre_deps == 1)
				k = splice_add(&s, x->w[pre - 1].e, x->w[hit].e - x->w[pre - 1].e, 0, "");
			else
				k = splice_add(&s, x->w[hit - 1].e, x->w[hit].e - x->w[hit - 1].e, 0, "");
			if (k < 0)
				return k;
		}

	if ((k = splice_delete_lines(&s, l, n, del)) < 0)
		return k;
	if (new_opts[0]) {
		_cleanup_free_ char *j = strv_join((const char *const *)new_opts, " ");
		_cleanup_strbuf_ struct strbuf b = STRBUF_INIT;

		if (!j || strbuf_addf(&b, "options %s %s\n", q->module, j) < 0 || strbuf_adds(&b, strempty(tail.s)) < 0)
			return -ENOMEM;
		strbuf_release(&tail);
		tail = b;
		b = (struct strbuf)STRBUF_INIT;
	}
	if (tail.len > 0) {
		_cleanup_free_ char *x = NULL;

		if (!text)
			x = xasprintf("%s\n%s", VK_MODPROBE_HEADER, tail.s);
		else if (isempty(t) || endswith(t, "\n"))
			x = strdup(tail.s);
		else {
			tail.s[--tail.len] = '\0';
			x = xasprintf("\n%s", tail.s);
		}
		if (!x || (k = splice_add(&s, strlen(t), 0, 0, x)) < 0)
			return -ENOMEM;
	}
	if ((k = edit_finish(ret, text, &s)) < 0)
		return k;
	/* vfiokit's own file with nothing but its header left: it goes. */
	if (streq(ret->text, VK_MODPROBE_HEADER "\n") || (!text && isempty(ret->text))) {
		free(ret->text);
		ret->text = NULL;
		ret->changed = text != NULL;
	}
	return 0;
#undef WDEL
}
