/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * refind_linux.conf, next to the kernel: each line is "Label" "kernel options", the first line is
 * the default (mkrlconf(8)). rEFInd reads it with ReadTokenLine() (refind/config.c): blanks, '='
 * and ',' separate tokens outside quotes, a '"' toggles quoting and is dropped (there is no
 * escape), and a '#' outside quotes ends the line.
 */
#include "edit-internal.h"

struct rtok {
	size_t start, end;   /* the token as written, quotes included */
	size_t vstart, vend; /* its text inside the quotes (when written as one quoted string) */
	bool quoted;
};

struct rline {
	struct rtok tok[2];
	size_t ntok; /* 0: blank or comment line */
};

static bool rsep(char c)
{
	return c == ' ' || c == '\t' || c == '=' || c == ',';
}

static int rline_parse(const char *t, const struct line *l, unsigned lineno, struct rline *rl, struct vk_edit_result *r)
{
	size_t p = l->start, e = l->end;

	while (e > p && t[e - 1] == '\r')
		e--;
	*rl = (struct rline){0};
	while (p < e) {
		size_t s;
		bool q = false;

		while (p < e && rsep(t[p]))
			p++;
		if (p >= e || t[p] == '#')
			break;
		s = p;
		while (p < e && (q || (!rsep(t[p]) && t[p] != '#'))) {
			if (t[p] == '"')
				q = !q;
			p++;
		}
		if (q)
			return edit_fail(r, -EBADMSG, lineno, "%s", _("unterminated double quote"));
		if (rl->ntok < 2) {
			struct rtok *x = &rl->tok[rl->ntok];

			x->start = s;
			x->end = p;
			x->quoted = p - s >= 2 && t[s] == '"' && t[p - 1] == '"' && !memchr(t + s + 1, '"', p - s - 2);
			x->vstart = x->quoted ? s + 1 : s;
			x->vend = x->quoted ? p - 1 : p;
		}
		rl->ntok++;
	}
	if (rl->ntok > 2)
		return edit_fail(r, -EBADMSG, lineno, "%s",
				 _("more than two strings: a line is \"Label\" \"options\" (quote the options)"));
	if (rl->ntok == 1)
		return edit_fail(r, -EBADMSG, lineno, "%s", _("a label without options"));
	return 0;
}

static bool label_is(const char *t, const struct rline *rl, const char *label)
{
	_cleanup_free_ char *lab = sh_unquote(t + rl->tok[0].start, rl->tok[0].end - rl->tok[0].start);

	return lab && streq(lab, label);
}

int vk_edit_refind(const char *text, const struct vk_entry_opts *o, const struct vk_kparams *p,
		   struct vk_edit_result *ret)
{
	_cleanup_free_ struct line *l = NULL;
	_cleanup_free_ struct rline *rl = NULL;
	_cleanup_free_ bool *del = NULL;
	_cleanup_splices_ struct splices s = {0};
	size_t n = 0, def = (size_t)-1, lab = (size_t)-1;
	const char *label = o ? o->label : NULL;
	int k;

	if ((k = edit_begin(ret)) < 0)
		return k;
	if (!text)
		return edit_fail(
		    ret, -ENOENT, 0, "%s",
		    _("refind_linux.conf does not exist: rEFInd then boots with options from /proc/cmdline "
		      "only when mkrlconf writes the file"));
	if ((k = kp_validate(p, ret)) < 0)
		return k;
	if (label && (isempty(label) || strpbrk(label, "\"\n")))
		return edit_fail(ret, -EINVAL, 0, _("invalid label '%s'"), label);
	if ((k = split_lines(text, &l, &n)) < 0)
		return k;
	rl = calloc(n + 1, sizeof(*rl));
	del = calloc(n + 1, sizeof(bool));
	if (!rl || !del)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		if ((k = rline_parse(text, &l[i], (unsigned)i + 1, &rl[i], ret)) < 0)
			return k;
		if (rl[i].ntok == 0)
			continue;
		if (def == (size_t)-1)
			def = i;
		if (label && lab == (size_t)-1 && label_is(text, &rl[i], label))
			lab = i;
	}
	if (def == (size_t)-1)
		return edit_fail(ret, -EBADMSG, 0, "%s", _("no boot entry in the file"));

	if (label && o->drop) {
		if (lab != (size_t)-1) {
			del[lab] = true;
			if ((k = splice_delete_lines(&s, l, n, del)) < 0 || (k = strv_extend(&ret->removed, label)) < 0)
				return k;
		}
		return edit_finish(ret, text, &s);
	}
	if (!label || lab != (size_t)-1) {
		size_t i = label ? lab : def;
		const struct rtok *x = &rl[i].tok[1];
		struct kp_region rg = {
		    .start = x->vstart, .end = x->vend, .q = KP_REFIND, .target = true, .counts = true};

		if ((k = kp_edit(text, &rg, 1, p, &s, ret, NULL)) < 0)
			return k;
		/* Unquoted options that now hold a blank need quotes. */
		if (!x->quoted && rg.changed && rg.tokens_after > 1)
			if ((k = splice_add(&s, x->vstart, 0, -1, "\"")) < 0 ||
			    (k = splice_add(&s, x->vend, 0, 1, "\"")) < 0)
				return k;
		return edit_finish(ret, text, &s);
	}

	/* A new labelled entry right after the default one: its options plus @p. */
	{
		const struct rtok *lt = &rl[def].tok[0], *ot = &rl[def].tok[1];
		_cleanup_free_ char *opts = xstrndup(text + ot->vstart, ot->vend - ot->vstart);
		_cleanup_free_ char *sep = xstrndup(text + lt->end, ot->start - lt->end);
		struct vk_edit_result sub = {0};
		_cleanup_free_ char *line = NULL;
		struct kp_region rg;
		_cleanup_splices_ struct splices s2 = {0};

		if (!opts || !sep || (k = edit_begin(&sub)) < 0)
			return -ENOMEM;
		rg =
		    (struct kp_region){.start = 0, .end = strlen(opts), .q = KP_REFIND, .target = true, .counts = true};
		if ((k = kp_edit(opts, &rg, 1, p, &s2, &sub, NULL)) < 0 || (k = edit_finish(&sub, opts, &s2)) < 0) {
			int e = k;

			if (sub.error)
				e = edit_fail(ret, k, 0, "%s", sub.error);
			vk_edit_result_clear(&sub);
			return e;
		}
		line = xasprintf("\"%s\"%s\"%s\"%s", label, isempty(sep) ? " " : sep, sub.text, l[def].nl ? "\n" : "");
		vk_edit_result_clear(&sub);
		if (!line)
			return -ENOMEM;
		if (!l[def].nl) {
			char *x = xasprintf("\n%.*s", (int)(strlen(line)), line);

			free(line);
			line = x;
			if (!line)
				return -ENOMEM;
		}
		if ((k = splice_add(&s, l[def].end + (l[def].nl ? 1 : 0), 0, 0, line)) < 0 ||
		    (k = strv_extend(&ret->added, label)) < 0)
			return k;
		return edit_finish(ret, text, &s);
	}
}
