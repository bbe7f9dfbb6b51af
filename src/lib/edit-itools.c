/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * /etc/initramfs-tools/modules (initramfs-tools(7)): "module_name [args ...]" per line, '#' lines
 * are comments; mkinitramfs copies the modules into the image and its init loads them in file
 * order before udev starts, so vfio-pci listed ahead of a GPU driver claims the GPU first.
 */
#include "edit-internal.h"

int vk_edit_itools(const char *text, const struct vk_modreq *m, struct vk_edit_result *ret)
{
	_cleanup_free_ struct line *l = NULL;
	struct mod_item *it = NULL;
	struct mod_plan plan = {0};
	_cleanup_free_ bool *del = NULL;
	_cleanup_splices_ struct splices s = {0};
	const char *t = strempty(text);
	size_t n = 0, ni = 0;
	int k;

	if ((k = edit_begin(ret)) < 0)
		return k;
	if ((k = split_lines(t, &l, &n)) < 0)
		return k;
	for (size_t i = 0; i < n; i++) {
		size_t p = l[i].start, e = l[i].end, w;
		struct mod_item *nv;

		while (p < e && (t[p] == ' ' || t[p] == '\t'))
			p++;
		if (p >= e || t[p] == '#' || t[p] == '\r')
			continue;
		w = p;
		while (w < e && t[w] != ' ' && t[w] != '\t' && t[w] != '\r')
			w++;
		nv = realloc(it, (ni + 1) * sizeof(*it));
		if (!nv) {
			k = -ENOMEM;
			goto out;
		}
		it = nv;
		/* region = line index, for the renderer below */
		it[ni] = (struct mod_item){
		    .off = l[i].start, .len = l[i].end - l[i].start, .region = (int)i, .name = xstrndup(t + p, w - p)};
		if (!it[ni++].name) {
			k = -ENOMEM;
			goto out;
		}
	}
	if ((k = mod_plan_make(t, it, ni, m, &plan, ret)) < 0)
		goto out;
	del = calloc(n + 1, sizeof(bool));
	if (!del) {
		k = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < ni; i++)
		del[it[i].region] = plan.del[i];
	if ((k = splice_delete_lines(&s, l, n, del)) < 0)
		goto out;
	if (plan.insert[0]) {
		_cleanup_strbuf_ struct strbuf b = STRBUF_INIT;

		for (char **x = plan.insert; *x; x++)
			if (strbuf_addf(&b, "%s\n", *x) < 0) {
				k = -ENOMEM;
				goto out;
			}
		if (plan.insert_at < ni)
			k = splice_add(&s, it[plan.insert_at].off, 0, 0, b.s);
		else if (isempty(t) || endswith(t, "\n"))
			k = splice_add(&s, strlen(t), 0, 0, b.s);
		else {
			/* No final newline: keep it so, to make the removal exact. */
			_cleanup_free_ char *x = NULL;

			b.s[--b.len] = '\0';
			x = xasprintf("\n%s", b.s);
			k = x ? splice_add(&s, strlen(t), 0, 0, x) : -ENOMEM;
		}
		if (k < 0)
			goto out;
	}
	k = edit_finish(ret, text, &s);
out:
	mod_plan_free(&plan);
	mod_items_free(it, ni);
	if (k < 0 && !ret->error)
		vk_edit_result_clear(ret);
	return k;
}
