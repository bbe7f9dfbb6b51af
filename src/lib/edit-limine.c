/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Limine's menu (limine CONFIG.md). The current limine.conf: an entry starts with "/Name" (more
 * slashes: deeper in the menu, "/+Name" an expanded directory), options are "key: value",
 * the command line is "cmdline:" (alias "kernel_cmdline:"). The old limine.cfg: entries ":Name",
 * options "KEY=value", "CMDLINE=" or "KERNEL_CMDLINE=". '#' starts a comment line in both. An
 * entry's options are the lines up to the next entry header.
 */
#include <strings.h>

#include "edit-internal.h"

enum lline_kind {
	LL_OTHER,
	LL_HEADER,
	LL_KEY,
};

struct lline {
	enum lline_kind kind;
	size_t key_s, key_e; /* LL_KEY */
	size_t val_s, val_e; /* LL_KEY: the value; LL_HEADER: the name */
	size_t indent_e;
};

static bool lblank(char c)
{
	return c == ' ' || c == '\t';
}

static void lparse(const char *t, const struct line *l, bool old, struct lline *x)
{
	size_t p = l->start, e = l->end;

	while (e > p && t[e - 1] == '\r')
		e--;
	*x = (struct lline){.kind = LL_OTHER};
	while (p < e && lblank(t[p]))
		p++;
	x->indent_e = p;
	if (p >= e || t[p] == '#')
		return;
	if (t[p] == (old ? ':' : '/')) {
		while (p < e && t[p] == (old ? ':' : '/'))
			p++;
		if (!old && p < e && t[p] == '+')
			p++;
		x->kind = LL_HEADER;
		x->val_s = p;
		while (e > p && lblank(t[e - 1]))
			e--;
		x->val_e = e;
		return;
	}
	x->key_s = p;
	while (p < e && t[p] != (old ? '=' : ':') && !lblank(t[p]))
		p++;
	x->key_e = p;
	while (!old && p < e && lblank(t[p]))
		p++;
	if (p >= e || t[p] != (old ? '=' : ':'))
		return;
	p++;
	while (p < e && lblank(t[p]))
		p++;
	x->kind = LL_KEY;
	x->val_s = p;
	x->val_e = e;
}

static bool lkey_is(const char *t, const struct lline *x, const char *key)
{
	return x->kind == LL_KEY && x->key_e - x->key_s == strlen(key) &&
	       strncasecmp(t + x->key_s, key, strlen(key)) == 0;
}

static bool lname_is(const char *t, const struct lline *x, const char *name)
{
	return x->val_e - x->val_s == strlen(name) && strneq(t + x->val_s, name, strlen(name));
}

struct lentry {
	size_t header; /* line index */
	size_t end;    /* first line after the entry */
	bool is_linux;
};

static int limine_parse(const char *t, struct line **l, size_t *n, struct lline **x, bool *old, struct lentry **en,
			size_t *nen, struct vk_edit_result *r)
{
	int k;

	if ((k = split_lines(t, l, n)) < 0)
		return k;
	*x = calloc(*n + 1, sizeof(**x));
	*en = calloc(*n + 1, sizeof(**en));
	if (!*x || !*en)
		return -ENOMEM;
	*old = false;
	/* Told apart by the first entry header: '/' now, ':' before Limine 8. */
	for (size_t i = 0; i < *n; i++) {
		size_t p = (*l)[i].start;

		while (p < (*l)[i].end && lblank(t[p]))
			p++;
		if (p < (*l)[i].end && (t[p] == '/' || t[p] == ':')) {
			*old = t[p] == ':';
			break;
		}
	}
	*nen = 0;
	for (size_t i = 0; i < *n; i++) {
		lparse(t, &(*l)[i], *old, &(*x)[i]);
		if ((*x)[i].kind == LL_HEADER) {
			if (*nen > 0)
				(*en)[*nen - 1].end = i;
			(*en)[(*nen)++] = (struct lentry){.header = i, .end = *n};
		} else if (*nen > 0 && lkey_is(t, &(*x)[i], "protocol")) {
			size_t vs = (*x)[i].val_s, ve = (*x)[i].val_e;

			while (ve > vs && lblank(t[ve - 1]))
				ve--;
			(*en)[*nen - 1].is_linux = ve - vs == 5 && strncasecmp(t + vs, "linux", 5) == 0;
		}
	}
	if (*nen == 0)
		return edit_fail(r, -EBADMSG, 0, "%s", _("no boot entry in the file"));
	return 0;
}

/* Applies @p to the command line of entry @e of @t into @s. */
static int entry_edit(const char *t, const struct line *l, const struct lline *x, bool old, const struct lentry *e,
		      const struct vk_kparams *p, struct splices *s, struct vk_edit_result *r)
{
	struct kp_region rg[8];
	size_t nr = 0, last_key = e->header, first_key = (size_t)-1;
	_cleanup_strv_free_ char **pending = NULL;
	int k;

	for (size_t i = e->header + 1; i < e->end; i++) {
		if (x[i].kind != LL_KEY)
			continue;
		last_key = i;
		if (first_key == (size_t)-1)
			first_key = i;
		if ((lkey_is(t, &x[i], old ? "CMDLINE" : "cmdline") ||
		     lkey_is(t, &x[i], old ? "KERNEL_CMDLINE" : "kernel_cmdline")) &&
		    nr < ELEMENTSOF(rg))
			rg[nr++] =
			    (struct kp_region){.start = x[i].val_s, .end = x[i].val_e, .q = KP_PLAIN, .counts = true};
	}
	if (nr > 0)
		rg[nr - 1].target = true;
	if ((k = kp_edit(t, rg, nr, p, s, r, &pending)) < 0)
		return k;
	if (pending[0]) {
		_cleanup_free_ char *joined = strv_join((const char *const *)pending, " ");
		_cleanup_free_ char *add = NULL;
		const struct line *at = &l[last_key];
		int ind = first_key == (size_t)-1 ? 4 : (int)(x[first_key].indent_e - l[first_key].start);
		const char *indent = first_key == (size_t)-1 ? "    " : t + l[first_key].start;

		if (!joined)
			return -ENOMEM;
		add = xasprintf("%s%.*s%s\n%.*s%s%s%s", at->nl ? "" : "\n", ind, indent, VK_EDIT_MARKER, ind, indent,
				old ? "CMDLINE=" : "cmdline: ", joined, at->nl ? "\n" : "");
		if (!add || (k = splice_add(s, at->end + (at->nl ? 1 : 0), 0, 0, add)) < 0)
			return -ENOMEM;
		for (char **y = pending; *y; y++)
			if ((k = strv_extend(&r->added, *y)) < 0)
				return k;
	}
	return 0;
}

static int limine_drop_empty(const char *orig, bool old, struct vk_edit_result *ret)
{
	/* A cmdline line this editor created, emptied again: it goes with its marker. */
	_cleanup_free_ struct line *l = NULL;
	_cleanup_free_ bool *del = NULL;
	_cleanup_splices_ struct splices s = {0};
	const char *t = ret->text;
	const char *key = old ? "CMDLINE=" : "cmdline:";
	size_t n = 0;
	bool any = false;
	int k;

	if ((k = split_lines(t, &l, &n)) < 0)
		return k;
	del = calloc(n + 1, sizeof(bool));
	if (!del)
		return -ENOMEM;
	for (size_t i = 1; i < n; i++) {
		size_t a = l[i - 1].start, b = l[i].start, e = l[i].end;

		while (a < l[i - 1].end && lblank(t[a]))
			a++;
		while (b < e && lblank(t[b]))
			b++;
		while (e > b && lblank(t[e - 1]))
			e--;
		if (l[i - 1].end - a == strlen(VK_EDIT_MARKER) && strneq(t + a, VK_EDIT_MARKER, l[i - 1].end - a) &&
		    e - b == strlen(key) && strneq(t + b, key, e - b)) {
			del[i - 1] = del[i] = true;
			any = true;
		}
	}
	if (!any)
		return 0;
	if ((k = splice_delete_lines(&s, l, n, del)) < 0)
		return k;
	{
		char *old_text = TAKE_PTR(ret->text);

		k = edit_finish(ret, old_text, &s);
		free(old_text);
		if (k < 0)
			return k;
	}
	ret->changed = !streq(ret->text, orig);
	return 0;
}

int vk_edit_limine(const char *text, const struct vk_entry_opts *o, const struct vk_kparams *p,
		   struct vk_edit_result *ret)
{
	_cleanup_free_ struct line *l = NULL;
	_cleanup_free_ struct lline *x = NULL;
	_cleanup_free_ struct lentry *en = NULL;
	_cleanup_splices_ struct splices s = {0};
	const char *label = o ? o->label : NULL;
	size_t n = 0, nen = 0, def = (size_t)-1, lab = (size_t)-1;
	bool old = false;
	int k;

	if ((k = edit_begin(ret)) < 0)
		return k;
	if (!text)
		return edit_fail(ret, -ENOENT, 0, "%s", _("the Limine configuration does not exist"));
	if ((k = kp_validate(p, ret)) < 0)
		return k;
	if (label && (isempty(label) || strchr(label, '\n')))
		return edit_fail(ret, -EINVAL, 0, _("invalid label '%s'"), label);
	if ((k = limine_parse(text, &l, &n, &x, &old, &en, &nen, ret)) < 0)
		goto out;
	for (size_t i = 0; i < nen; i++) {
		if (en[i].is_linux && def == (size_t)-1)
			def = i;
		if (label && lab == (size_t)-1 && lname_is(text, &x[en[i].header], label))
			lab = i;
	}

	if (label && o->drop) {
		if (lab != (size_t)-1) {
			_cleanup_free_ bool *del = calloc(n + 1, sizeof(bool));

			if (!del)
				return -ENOMEM;
			for (size_t i = en[lab].header; i < en[lab].end; i++)
				del[i] = true;
			if ((k = splice_delete_lines(&s, l, n, del)) < 0 || (k = strv_extend(&ret->removed, label)) < 0)
				goto out;
		}
		k = edit_finish(ret, text, &s);
		goto out;
	}
	if (label && lab != (size_t)-1) {
		if (!en[lab].is_linux) {
			k = edit_fail(ret, -EOPNOTSUPP, (unsigned)en[lab].header + 1,
				      _("entry '%s' does not boot Linux"), label);
			goto out;
		}
		def = lab;
	} else if (def == (size_t)-1) {
		k = edit_fail(ret, -EOPNOTSUPP, 0, "%s", _("no entry with the linux protocol"));
		goto out;
	}
	if (!label || lab != (size_t)-1) {
		if ((k = entry_edit(text, l, x, old, &en[def], p, &s, ret)) < 0)
			goto out;
		if ((k = edit_finish(ret, text, &s)) < 0)
			goto out;
		k = limine_drop_empty(text, old, ret);
		goto out;
	}

	/* A copy of the default entry, named @label, right after it. */
	{
		const struct lentry *e = &en[def];
		size_t bs = l[e->header].start, be = e->end < n ? l[e->end].start : strlen(text);
		_cleanup_free_ char *block = xstrndup(text + bs, be - bs);
		_cleanup_splices_ struct splices s2 = {0};
		_cleanup_strbuf_ struct strbuf add = STRBUF_INIT;
		struct vk_edit_result sub = {0};
		size_t ns = x[e->header].val_s - bs, ne = x[e->header].val_e - bs;

		if (!block || (k = edit_begin(&sub)) < 0) {
			k = -ENOMEM;
			goto out;
		}
		/* Offsets of the block are those of @text shifted by bs: edit it in place. */
		if ((k = splice_add(&s2, ns, ne - ns, 0, label)) < 0) {
			vk_edit_result_clear(&sub);
			goto out;
		}
		{
			struct lentry e2 = {.header = 0, .end = e->end - e->header, .is_linux = true};
			_cleanup_free_ struct line *l2 = NULL;
			_cleanup_free_ struct lline *x2 = NULL;
			size_t n2 = 0;

			if ((k = split_lines(block, &l2, &n2)) < 0 || !(x2 = calloc(n2 + 1, sizeof(*x2)))) {
				vk_edit_result_clear(&sub);
				k = k < 0 ? k : -ENOMEM;
				goto out;
			}
			for (size_t i = 0; i < n2; i++)
				lparse(block, &l2[i], old, &x2[i]);
			e2.end = n2;
			if ((k = entry_edit(block, l2, x2, old, &e2, p, &s2, &sub)) < 0 ||
			    (k = edit_finish(&sub, block, &s2)) < 0) {
				if (sub.error)
					k = edit_fail(ret, k, 0, "%s", sub.error);
				vk_edit_result_clear(&sub);
				goto out;
			}
		}
		if ((!endswith(text, "\n") && be == strlen(text) && strbuf_addc(&add, '\n') < 0) ||
		    strbuf_adds(&add, sub.text) < 0) {
			vk_edit_result_clear(&sub);
			k = -ENOMEM;
			goto out;
		}
		vk_edit_result_clear(&sub);
		if ((k = splice_add(&s, be, 0, 0, add.s)) < 0 || (k = strv_extend(&ret->added, label)) < 0)
			goto out;
		k = edit_finish(ret, text, &s);
	}
out:
	if (k < 0 && !ret->error)
		vk_edit_result_clear(ret);
	return k;
}
