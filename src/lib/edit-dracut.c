/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * dracut.conf and /etc/dracut.conf.d/ *.conf are sourced by bash, the drop-ins in name order after
 * the main file (DR:man/dracut.conf.5.adoc). The lists are space-separated strings, usually
 * appended to with +=, so a value needs a leading and a trailing space or it glues onto the
 * previous file's last word (" vfio_virqfd" + "amdgpu" -> "vfio_virqfdamdgpu"). force_drivers are
 * installed and loaded first: dracut turns them into rd.driver.pre= in the image.
 */
#include "edit-internal.h"

#define DRACUT_HEADER "# Written by vfiokit isolate: load vfio-pci before any GPU driver. Undo: vfiokit isolate --undo"

static bool is_driver_list(const char *name)
{
	return streq(name, "force_drivers") || streq(name, "add_drivers") || streq(name, "drivers");
}

/* Applies @req to variable @var (the assignments from its last plain one on). */
static int ensure_list(const char *t, const struct sh_assign *as, size_t na, const char *var,
		       const struct vk_modreq *req, struct splices *s, char ***new_lines, struct vk_edit_result *r)
{
	_cleanup_free_ size_t *rs = calloc(na + 1, sizeof(size_t)), *re = calloc(na + 1, sizeof(size_t));
	struct mod_item *it = NULL;
	struct mod_plan plan = {0};
	size_t n = 0, nreg = 0;
	ssize_t first = -1;
	int k = 0;

	if (!rs || !re)
		return -ENOMEM;
	for (size_t i = 0; i < na; i++)
		if (streq(as[i].name, var) && (!as[i].append || first < 0))
			first = (ssize_t)i;
	for (size_t i = first < 0 ? na : (size_t)first; i < na; i++) {
		enum kp_quote q;
		bool bare;

		if (!streq(as[i].name, var))
			continue;
		if ((k = sh_value_region(t, &as[i], &rs[nreg], &re[nreg], &q, &bare, r)) < 0)
			goto out;
		if ((k = words_in(t, rs[nreg], re[nreg], (int)nreg, &it, &n)) < 0)
			goto out;
		nreg++;
	}
	if ((k = mod_plan_make(t, it, n, req, &plan, r)) < 0)
		goto out;
	if (nreg > 0)
		k = seplist_render(t, it, n, &plan, ' ', rs, re, (int)nreg - 1, s);
	else if (plan.insert[0]) {
		_cleanup_free_ char *joined = strv_join((const char *const *)plan.insert, " ");

		k = joined ? strv_push(new_lines, xasprintf("%s+=\" %s \"", var, joined)) : -ENOMEM;
	}
out:
	mod_plan_free(&plan);
	mod_items_free(it, n);
	return k;
}

int vk_edit_dracut(const char *text, const struct vk_modreq *m, const struct vk_modreq *items,
		   struct vk_edit_result *ret)
{
	struct sh_assign *as = NULL;
	_cleanup_splices_ struct splices s = {0};
	_cleanup_strv_free_ char **new_lines = calloc(1, sizeof(char *));
	const char *t = strempty(text);
	size_t na = 0;
	int k;

	if ((k = edit_begin(ret)) < 0)
		return k;
	if (!new_lines)
		return -ENOMEM;
	for (const char *const *x = items ? items->modules : NULL; x && *x; x++)
		if (isempty(*x) || strpbrk(*x, " \t\n\"'$`\\"))
			return edit_fail(ret, -EINVAL, 0, _("invalid path '%s'"), *x);
	if ((k = sh_parse(t, true, &as, &na, ret)) < 0)
		return k;
	for (size_t i = 0; i < na; i++)
		if (as[i].array && (is_driver_list(as[i].name) || streq(as[i].name, "install_items"))) {
			k = edit_fail(ret, -EBADMSG, as[i].line, _("%s is a string in dracut.conf, not an array"),
				      as[i].name);
			goto out;
		}
	/* force_drivers: ensure and remove; the other driver lists: remove only. */
	if ((k = ensure_list(t, as, na, "force_drivers", m, &s, &new_lines, ret)) < 0)
		goto out;
	{
		const struct vk_modreq rm_only = {.obsolete = m->obsolete};
		static const char *const others[] = {"add_drivers", "drivers"};

		for (size_t o = 0; o < ELEMENTSOF(others); o++)
			if ((k = ensure_list(t, as, na, others[o], &rm_only, &s, &new_lines, ret)) < 0)
				goto out;
	}
	{
		const struct vk_modreq none = {0};
		_cleanup_strv_free_ char **saved = ret->added, **saved_rm = ret->removed;

		/* install_items are paths, not modules: not reported as added modules. */
		ret->added = calloc(1, sizeof(char *));
		ret->removed = calloc(1, sizeof(char *));
		if (!ret->added || !ret->removed) {
			k = -ENOMEM;
			goto out;
		}
		k = ensure_list(t, as, na, "install_items", items ? items : &none, &s, &new_lines, ret);
		strv_free(ret->added);
		strv_free(ret->removed);
		ret->added = TAKE_PTR(saved);
		ret->removed = TAKE_PTR(saved_rm);
		if (k < 0)
			goto out;
	}
	if (new_lines[0]) {
		_cleanup_strbuf_ struct strbuf b = STRBUF_INIT;
		bool fresh = !text;

		if (fresh && strbuf_addf(&b, "%s\n", DRACUT_HEADER) < 0) {
			k = -ENOMEM;
			goto out;
		}
		if (!fresh && !isempty(t) && !endswith(t, "\n") && strbuf_addc(&b, '\n') < 0) {
			k = -ENOMEM;
			goto out;
		}
		for (char **l = new_lines; *l; l++)
			if ((!fresh && strbuf_addf(&b, "%s\n", VK_EDIT_MARKER) < 0) ||
			    strbuf_addf(&b, "%s\n", *l) < 0) {
				k = -ENOMEM;
				goto out;
			}
		/* Keep a missing final newline missing, so that removal restores the file. */
		if (!fresh && !isempty(t) && !endswith(t, "\n"))
			b.s[--b.len] = '\0';
		if ((k = splice_add(&s, strlen(t), 0, 0, b.s)) < 0)
			goto out;
	}
	if ((k = edit_finish(ret, text, &s)) < 0)
		goto out;
	/* A list appended to with nothing left is a no-op line: it goes (with its marker). */
	{
		static const char *const vars[] = {"force_drivers", "install_items"};

		for (size_t v = 0; v < ELEMENTSOF(vars); v++) {
			_cleanup_free_ char *form = xasprintf("%s+=\" \"", vars[v]);

			if (!form || drop_marked_lines(&ret->text, form) < 0) {
				k = -ENOMEM;
				goto out;
			}
			if (text && startswith(text, DRACUT_HEADER "\n")) {
				/* vfiokit's own drop-in: no markers there. */
				_cleanup_free_ char *hdr = xasprintf("%s\n%s\n", DRACUT_HEADER, form);
				char *at = hdr ? strstr(ret->text, form) : NULL;

				if (!hdr) {
					k = -ENOMEM;
					goto out;
				}
				if (at && (at[strlen(form)] == '\n' || at[strlen(form)] == '\0') && at > ret->text &&
				    at[-1] == '\n')
					memmove(at, at + strlen(form) + (at[strlen(form)] ? 1 : 0),
						strlen(at + strlen(form) + (at[strlen(form)] ? 1 : 0)) + 1);
			}
		}
	}
	if (streq(ret->text, DRACUT_HEADER "\n")) {
		free(ret->text);
		ret->text = NULL;
	}
	edit_finish_text(ret, text, TAKE_PTR(ret->text));
	k = 0;
out:
	sh_assigns_free(as, na);
	if (k < 0 && !ret->error)
		vk_edit_result_clear(ret);
	return k;
}
