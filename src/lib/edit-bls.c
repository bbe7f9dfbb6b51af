/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Boot Loader Specification type #1 entries (UAPI:specs/boot_loader_specification.md): lines of
 * "key value", key and value separated by blanks, '#' lines are comments. `options` may appear
 * several times and the values are joined in order, so adds go to the last one and removals
 * apply to all of them.
 */
#include "edit-internal.h"

struct bls_line {
	size_t start, end; /* the line, without newline */
	size_t key_end;	   /* end of the key */
	size_t value;	   /* start of the value */
	bool comment;
};

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int bls_parse(const char *t, struct line *l, size_t n, struct bls_line **ret)
{
	struct bls_line *b = calloc(n + 1, sizeof(*b));

	if (!b)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		size_t p = l[i].start, e = l[i].end;

		while (e > p && t[e - 1] == '\r')
			e--;
		b[i].start = l[i].start;
		b[i].end = e;
		while (p < e && is_blank(t[p]))
			p++;
		b[i].comment = p >= e || t[p] == '#';
		while (p < e && !is_blank(t[p]))
			p++;
		b[i].key_end = p;
		while (p < e && is_blank(t[p]))
			p++;
		b[i].value = p;
	}
	*ret = b;
	return 0;
}

static bool key_is(const char *t, const struct bls_line *b, const char *key)
{
	size_t s = b->start;

	while (s < b->key_end && is_blank(t[s]))
		s++;
	return !b->comment && b->key_end - s == strlen(key) && strneq(t + s, key, b->key_end - s);
}

/* Applies @p to the options lines of @t; @title_suffix set: also renames the entry (a copy). */
static int bls_edit(const char *t, const char *title_suffix, const struct vk_kparams *p, struct vk_edit_result *ret)
{
	_cleanup_free_ struct line *l = NULL;
	_cleanup_free_ struct bls_line *b = NULL;
	_cleanup_free_ struct kp_region *rg = NULL;
	_cleanup_splices_ struct splices s = {0};
	_cleanup_strv_free_ char **pending = NULL;
	size_t n = 0, nr = 0, last_key = 0, linux_line = (size_t)-1, title_line = (size_t)-1;
	int k;

	if ((k = split_lines(t, &l, &n)) < 0 || (k = bls_parse(t, l, n, &b)) < 0)
		return k;
	rg = calloc(n + 1, sizeof(*rg));
	if (!rg)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		if (b[i].comment)
			continue;
		last_key = i;
		if (key_is(t, &b[i], "linux") && linux_line == (size_t)-1)
			linux_line = i;
		if (key_is(t, &b[i], "title") && title_line == (size_t)-1)
			title_line = i;
		/* One command line: a replacement may go in any options line, adds go to the last. */
		if (key_is(t, &b[i], "options"))
			rg[nr++] = (struct kp_region){
			    .start = b[i].value, .end = b[i].end, .q = KP_PLAIN, .counts = true, .target = true};
	}
	if (linux_line == (size_t)-1)
		return edit_fail(
		    ret, -EOPNOTSUPP, 0, "%s",
		    _("not a Linux boot entry (no 'linux' key): its options are not a kernel command line"));
	if ((k = kp_edit(t, rg, nr, p, &s, ret, &pending)) < 0)
		return k;
	if (pending[0]) {
		/* No options line: one after the last key, separated like the linux line. */
		_cleanup_free_ char *joined = strv_join((const char *const *)pending, " ");
		_cleanup_free_ char *sep =
		    xstrndup(t + b[linux_line].key_end, b[linux_line].value - b[linux_line].key_end);
		_cleanup_free_ char *add = NULL;

		if (!joined || !sep)
			return -ENOMEM;
		if (l[last_key].nl)
			add = xasprintf("%s\noptions%s%s\n", VK_EDIT_MARKER, isempty(sep) ? " " : sep, joined);
		else
			add = xasprintf("\n%s\noptions%s%s", VK_EDIT_MARKER, isempty(sep) ? " " : sep, joined);
		if (!add || (k = splice_add(&s, l[last_key].end + (l[last_key].nl ? 1 : 0), 0, 0, add)) < 0)
			return -ENOMEM;
		for (char **x = pending; *x; x++)
			if ((k = strv_extend(&ret->added, *x)) < 0)
				return k;
	}
	if (title_suffix) {
		_cleanup_free_ char *add = NULL;

		if (title_line != (size_t)-1)
			add = xasprintf(" %s", title_suffix);
		if (title_line != (size_t)-1 && (!add || splice_add(&s, b[title_line].end, 0, 0, add) < 0))
			return -ENOMEM;
		if (title_line == (size_t)-1) {
			add = xasprintf("title %s\n", title_suffix);
			if (!add || splice_add(&s, 0, 0, -1, add) < 0)
				return -ENOMEM;
		}
	}
	if ((k = edit_finish(ret, t, &s)) < 0)
		return k;
	/* An options line that was created and is now empty goes with its marker. */
	{
		_cleanup_free_ char *form = xasprintf("options%.*s", (int)(b[linux_line].value - b[linux_line].key_end),
						      t + b[linux_line].key_end);

		if (!form || drop_marked_lines(&ret->text, form) < 0 || drop_marked_lines(&ret->text, "options ") < 0)
			return -ENOMEM;
	}
	edit_finish_text(ret, t, TAKE_PTR(ret->text));
	return 0;
}

int vk_edit_bls(const char *text, const struct vk_kparams *p, struct vk_edit_result *ret)
{
	int k;

	if ((k = edit_begin(ret)) < 0)
		return k;
	if (!text)
		return edit_fail(ret, -ENOENT, 0, "%s", _("the boot entry does not exist"));
	if ((k = kp_validate(p, ret)) < 0)
		return k;
	k = bls_edit(text, NULL, p, ret);
	if (k < 0 && !ret->error)
		vk_edit_result_clear(ret);
	return k;
}

int vk_bls_copy(const char *text, const char *title_suffix, const struct vk_kparams *p, struct vk_edit_result *ret)
{
	int k;

	if ((k = edit_begin(ret)) < 0)
		return k;
	if (!text)
		return edit_fail(ret, -ENOENT, 0, "%s", _("the boot entry does not exist"));
	if (isempty(title_suffix) || strchr(title_suffix, '\n'))
		return edit_fail(ret, -EINVAL, 0, "%s", _("invalid title for the copy"));
	if ((k = kp_validate(p, ret)) < 0)
		return k;
	k = bls_edit(text, title_suffix, p, ret);
	if (k < 0 && !ret->error)
		vk_edit_result_clear(ret);
	if (k >= 0)
		ret->changed = true; /* a new file */
	return k;
}

char *vk_bls_copy_name(const char *name, const char *tag)
{
	size_t n = strlen(name);
	const char *plus;

	if (endswith(name, ".conf"))
		n -= 5;
	/* Boot counting (systemd-boot): "name+LEFT[-DONE].conf". */
	plus = memchr(name, '+', n);
	if (plus) {
		const char *q = plus + 1;

		while (q < name + n && ((*q >= '0' && *q <= '9') || *q == '-'))
			q++;
		if (q == name + n && q > plus + 1)
			n = (size_t)(plus - name);
	}
	return xasprintf("%.*s-%s.conf", (int)n, name, tag);
}
