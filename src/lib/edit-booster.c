/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * /etc/booster.yaml (BO:docs/manpage.md, generator/config.go): modules_force_load is one string,
 * a comma-separated list of modules booster adds to the image and loads early. Only that key's
 * line is touched; the YAML around it stays byte for byte.
 */
#include "edit-internal.h"

#define KEY "modules_force_load"

int vk_edit_booster(const char *text, const struct vk_modreq *m, struct vk_edit_result *ret)
{
	_cleanup_free_ struct line *l = NULL;
	struct mod_item *it = NULL;
	struct mod_plan plan = {0};
	_cleanup_splices_ struct splices s = {0};
	const char *t = strempty(text);
	size_t n = 0, ni = 0, key = (size_t)-1, rs = 0, re = 0;
	int k;

	if ((k = edit_begin(ret)) < 0)
		return k;
	if ((k = split_lines(t, &l, &n)) < 0)
		return k;
	for (size_t i = 0; i < n; i++) {
		size_t p = l[i].start, e = l[i].end;

		if (!startswith(t + p, KEY) || (t[p + strlen(KEY)] != ':' && t[p + strlen(KEY)] != ' '))
			continue;
		if (key != (size_t)-1) {
			k = edit_fail(ret, -EBADMSG, (unsigned)i + 1, "%s", _("modules_force_load is defined twice"));
			goto out;
		}
		key = i;
		p += strlen(KEY);
		while (p < e && t[p] == ' ')
			p++;
		if (p >= e || t[p] != ':') {
			k = edit_fail(ret, -EBADMSG, (unsigned)i + 1, "%s", _("modules_force_load without ':'"));
			goto out;
		}
		p++;
		while (p < e && (t[p] == ' ' || t[p] == '\t'))
			p++;
		while (e > p && (t[e - 1] == '\r' || t[e - 1] == ' ' || t[e - 1] == '\t'))
			e--;
		if (p < e && (t[p] == '"' || t[p] == '\'')) {
			const char *close = memchr(t + p + 1, t[p], e - p - 1);

			if (!close) {
				k = edit_fail(ret, -EBADMSG, (unsigned)i + 1, "%s", _("unterminated quote"));
				goto out;
			}
			rs = p + 1;
			re = (size_t)(close - t);
		} else {
			/* A plain scalar ends at " #" (a comment). */
			size_t q = p;

			while (q < e && !(t[q] == '#' && q > p && (t[q - 1] == ' ' || t[q - 1] == '\t')))
				q++;
			while (q > p && (t[q - 1] == ' ' || t[q - 1] == '\t'))
				q--;
			if (p < q && strchr("[{|>&*!", t[p])) {
				k = edit_fail(ret, -EBADMSG, (unsigned)i + 1, "%s",
					      _("modules_force_load is not a plain comma-separated string"));
				goto out;
			}
			if (p == q && i + 1 < n && (t[l[i + 1].start] == ' ' || t[l[i + 1].start] == '\t')) {
				k = edit_fail(ret, -EBADMSG, (unsigned)i + 1, "%s",
					      _("modules_force_load is a block, not a comma-separated string"));
				goto out;
			}
			rs = p;
			re = q;
		}
		/* The items, split on commas, blanks around them not included. */
		for (size_t a = rs; a < re;) {
			size_t b = a, x, y;
			struct mod_item *nv;

			while (b < re && t[b] != ',')
				b++;
			x = a;
			y = b;
			while (x < y && (t[x] == ' ' || t[x] == '\t'))
				x++;
			while (y > x && (t[y - 1] == ' ' || t[y - 1] == '\t'))
				y--;
			if (y > x) {
				nv = realloc(it, (ni + 1) * sizeof(*it));
				if (!nv) {
					k = -ENOMEM;
					goto out;
				}
				it = nv;
				it[ni] = (struct mod_item){.off = x, .len = y - x, .name = xstrndup(t + x, y - x)};
				if (!it[ni++].name) {
					k = -ENOMEM;
					goto out;
				}
			}
			a = b + 1;
		}
	}
	if ((k = mod_plan_make(t, it, ni, m, &plan, ret)) < 0)
		goto out;
	if (key != (size_t)-1) {
		/* "modules_force_load:" with nothing after the colon needs a blank before a value. */
		if (ni == 0 && plan.insert[0] && t[rs - 1] == ':' && (k = splice_add(&s, rs, 0, -1, " ")) < 0)
			goto out;
		if ((k = seplist_render(t, it, ni, &plan, ',', &rs, &re, 0, &s)) < 0)
			goto out;
	} else if (plan.insert[0]) {
		_cleanup_free_ char *joined = strv_join((const char *const *)plan.insert, ",");
		_cleanup_free_ char *line = joined ? xasprintf("%s\n" KEY ": %s", VK_EDIT_MARKER, joined) : NULL;
		_cleanup_free_ char *block = line ? append_line_text(t, line) : NULL;

		if (!block || (k = splice_add(&s, strlen(t), 0, 0, block)) < 0) {
			k = -ENOMEM;
			goto out;
		}
	}
	if ((k = edit_finish(ret, text, &s)) < 0)
		goto out;
	if (drop_marked_lines(&ret->text, KEY ": ") < 0 || drop_marked_lines(&ret->text, KEY ":") < 0) {
		k = -ENOMEM;
		goto out;
	}
	edit_finish_text(ret, text, TAKE_PTR(ret->text));
out:
	mod_plan_free(&plan);
	mod_items_free(it, ni);
	if (k < 0 && !ret->error)
		vk_edit_result_clear(ret);
	return k < 0 ? k : 0;
}
