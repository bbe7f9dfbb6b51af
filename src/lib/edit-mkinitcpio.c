/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mkinitcpio.conf is sourced by bash (MK:mkinitcpio). MODULES, BINARIES, FILES and HOOKS are bash
 * arrays; the old string syntax (MODULES="...") is still turned into arrays by mkinitcpio. Modules
 * in MODULES are loaded before any hook runs, so vfio-pci listed there claims the GPU before the
 * kms hook's drivers load; among MODULES, modprobe loads them in the order given.
 * Drop-ins /etc/mkinitcpio.conf.d/ *.conf are sourced after the main file (mkinitcpio >= 36).
 */
#include "edit-internal.h"

#define DROPIN_HEADER "# Written by vfiokit isolate: load vfio-pci before any GPU driver. Undo: vfiokit isolate --undo"

/* The items of the assignments of @name that make up its final value: the last plain one and the
 * += after it. Their value regions go to @rs/@re, indexed by item.region. */
static int collect(const char *t, const struct sh_assign *as, size_t na, const char *name, struct mod_item **it,
		   size_t *n, size_t **rs, size_t **re, size_t *nreg, bool *string_syntax, struct vk_edit_result *r)
{
	ssize_t first = -1;
	int k;

	*nreg = 0;
	*string_syntax = false;
	for (size_t i = 0; i < na; i++)
		if (streq(as[i].name, name) && (!as[i].append || first < 0))
			first = (ssize_t)i;
	if (first < 0)
		return 0;
	*rs = calloc(na + 1, sizeof(size_t));
	*re = calloc(na + 1, sizeof(size_t));
	if (!*rs || !*re)
		return -ENOMEM;
	for (size_t i = (size_t)first; i < na; i++) {
		int reg = (int)*nreg;

		if (!streq(as[i].name, name))
			continue;
		if (as[i].array) {
			(*rs)[reg] = as[i].vstart;
			(*re)[reg] = as[i].vend;
			for (size_t j = 0; j < as[i].n_elems; j++) {
				struct mod_item *nv = realloc(*it, (*n + 1) * sizeof(**it));

				if (!nv)
					return -ENOMEM;
				*it = nv;
				nv[*n] = (struct mod_item){.off = as[i].elems[j].start,
							   .len = as[i].elems[j].end - as[i].elems[j].start,
							   .region = reg};
				nv[*n].name = sh_unquote(t + nv[*n].off, nv[*n].len);
				if (!nv[*n].name)
					return -ENOMEM;
				(*n)++;
			}
		} else {
			enum kp_quote q;
			bool bare;

			if ((k = sh_value_region(t, &as[i], &(*rs)[reg], &(*re)[reg], &q, &bare, r)) < 0)
				return k;
			if (bare && (*re)[reg] > (*rs)[reg])
				return edit_fail(r, -EBADMSG, as[i].line, _("%s has an unquoted value: use %s=(...)"),
						 name, name);
			*string_syntax = true;
			if ((k = words_in(t, (*rs)[reg], (*re)[reg], reg, it, n)) < 0)
				return k;
		}
		(*nreg)++;
	}
	return 0;
}

int vk_mkinitcpio_has_hook(const char *text, const char *hook, struct vk_edit_result *err)
{
	struct sh_assign *as = NULL;
	struct mod_item *it = NULL;
	_cleanup_free_ size_t *rs = NULL, *re = NULL;
	size_t na = 0, n = 0, nreg = 0;
	bool str;
	int k;

	if ((k = edit_begin(err)) < 0)
		return k;
	if ((k = sh_parse(text, true, &as, &na, err)) < 0)
		return k;
	k = collect(strempty(text), as, na, "HOOKS", &it, &n, &rs, &re, &nreg, &str, err);
	if (k >= 0) {
		k = nreg == 0 ? -ENOENT : 0;
		for (size_t i = 0; i < n && k == 0; i++)
			if (streq(it[i].name, hook))
				k = 1;
	}
	mod_items_free(it, n);
	sh_assigns_free(as, na);
	return k;
}

int vk_edit_mkinitcpio_hook(const char *text, const char *hook, struct vk_edit_result *ret)
{
	static const char *const after[] = {"microcode", "autodetect", "udev", "systemd"};
	struct sh_assign *as = NULL;
	struct mod_item *it = NULL;
	_cleanup_free_ size_t *rs = NULL, *re = NULL;
	_cleanup_splices_ struct splices s = {0};
	_cleanup_free_ char *t1 = NULL;
	size_t na = 0, n = 0, nreg = 0;
	bool str, done = false;
	int k;

	if ((k = edit_begin(ret)) < 0)
		return k;
	if (isempty(hook) || strpbrk(hook, " \t\n\"'()"))
		return edit_fail(ret, -EINVAL, 0, _("invalid hook name '%s'"), strempty(hook));
	if ((k = sh_parse(text, true, &as, &na, ret)) < 0)
		return k;
	if ((k = collect(strempty(text), as, na, "HOOKS", &it, &n, &rs, &re, &nreg, &str, ret)) < 0)
		goto out;
	if (nreg == 0) {
		k = edit_fail(ret, -ENOENT, 0, "%s", _("the file has no HOOKS"));
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		if (streq(it[i].name, hook))
			done = true;
	for (size_t a = 0; a < ELEMENTSOF(after) && !done; a++)
		for (size_t i = 0; i < n && !done; i++)
			if (streq(it[i].name, after[a])) {
				t1 = xasprintf(" %s", hook);
				if (!t1 || (k = splice_add(&s, it[i].off + it[i].len, 0, 0, t1)) < 0)
					goto nomem;
				done = true;
			}
	for (size_t i = 0; i < n && !done; i++)
		if (streq(it[i].name, "block")) {
			t1 = xasprintf("%s ", hook);
			if (!t1 || (k = splice_add(&s, it[i].off, 0, 0, t1)) < 0)
				goto nomem;
			done = true;
		}
	if (!done) {
		size_t at = n > 0 ? it[n - 1].off + it[n - 1].len : rs[nreg - 1];

		t1 = xasprintf("%s%s", n > 0 ? " " : "", hook);
		if (!t1 || (k = splice_add(&s, at, 0, 0, t1)) < 0)
			goto nomem;
	}
	if (s.n > 0 && (k = strv_extend(&ret->added, hook)) < 0)
		goto out;
	k = edit_finish(ret, text, &s);
	goto out;
nomem:
	k = -ENOMEM;
out:
	mod_items_free(it, n);
	sh_assigns_free(as, na);
	if (k < 0 && !ret->error)
		vk_edit_result_clear(ret);
	return k;
}

int vk_edit_mkinitcpio(const char *text, const struct vk_modreq *m, struct vk_edit_result *ret)
{
	struct sh_assign *as = NULL;
	struct mod_item *it = NULL;
	_cleanup_free_ size_t *rs = NULL, *re = NULL;
	_cleanup_splices_ struct splices s = {0};
	struct mod_plan plan = {0};
	const char *t = strempty(text);
	size_t na = 0, n = 0, nreg = 0;
	bool str;
	int k;

	if ((k = edit_begin(ret)) < 0)
		return k;
	if ((k = sh_parse(t, true, &as, &na, ret)) < 0)
		return k;
	if ((k = collect(t, as, na, "MODULES", &it, &n, &rs, &re, &nreg, &str, ret)) < 0)
		goto out;
	if ((k = mod_plan_make(t, it, n, m, &plan, ret)) < 0)
		goto out;
	if (nreg > 0) {
		if ((k = seplist_render(t, it, n, &plan, ' ', rs, re, (int)nreg - 1, &s)) < 0)
			goto out;
	} else if (plan.insert[0]) {
		_cleanup_free_ char *joined = strv_join((const char *const *)plan.insert, " ");
		_cleanup_free_ char *line = joined ? xasprintf("%s\nMODULES=(%s)", VK_EDIT_MARKER, joined) : NULL;
		_cleanup_free_ char *block = line ? append_line_text(t, line) : NULL;

		if (!block || (k = splice_add(&s, strlen(t), 0, 0, block)) < 0) {
			k = -ENOMEM;
			goto out;
		}
	}
	if ((k = edit_finish(ret, text, &s)) < 0)
		goto out;
	if (drop_marked_lines(&ret->text, "MODULES=()") < 0) {
		k = -ENOMEM;
		goto out;
	}
	edit_finish_text(ret, text, TAKE_PTR(ret->text));
	/* Without modconf, /etc/modprobe.d (options vfio-pci ids=, softdeps) is not in the image. */
	{
		struct vk_edit_result e = {0};
		int h = vk_mkinitcpio_has_hook(ret->text, "modconf", &e);

		vk_edit_result_clear(&e);
		if (h == 0 &&
		    edit_note(ret, "%s", _("HOOKS has no modconf: /etc/modprobe.d is not copied into the image")) < 0)
			k = -ENOMEM;
	}
out:
	mod_plan_free(&plan);
	mod_items_free(it, n);
	sh_assigns_free(as, na);
	if (k < 0 && !ret->error)
		vk_edit_result_clear(ret);
	return k < 0 ? k : 0;
}

int vk_mkinitcpio_dropin(const char *main_text, const struct vk_modreq *m, struct vk_edit_result *ret)
{
	struct sh_assign *as = NULL;
	size_t na = 0;
	bool str = false;
	_cleanup_free_ char *joined = NULL;
	int k;

	if ((k = edit_begin(ret)) < 0)
		return k;
	for (const char *const *x = m->modules; x && *x; x++)
		if (isempty(*x) || strpbrk(*x, " \t\n\r,\"'#()$`\\"))
			return edit_fail(ret, -EINVAL, 0, _("invalid module name '%s'"), *x);
	if (main_text) {
		if ((k = sh_parse(main_text, true, &as, &na, ret)) < 0)
			return k;
		for (size_t i = 0; i < na; i++)
			if (streq(as[i].name, "MODULES") && !as[i].append)
				str = !as[i].array;
		for (const char *const *x = m->obsolete; x && *x; x++)
			for (size_t i = 0; i < na; i++) {
				bool listed = false;

				if (!streq(as[i].name, "MODULES"))
					continue;
				for (size_t j = 0; j < as[i].n_elems && !listed; j++) {
					_cleanup_free_ char *nm = sh_unquote(main_text + as[i].elems[j].start,
									     as[i].elems[j].end - as[i].elems[j].start);

					listed = nm && mod_name_eq(nm, *x);
				}
				if (!as[i].array) {
					_cleanup_free_ char *v =
					    xstrndup(main_text + as[i].vstart, as[i].vend - as[i].vstart);

					listed = v && strstr(v, *x);
				}
				if (listed &&
				    edit_note(ret,
					      _("line %u of the main file lists '%s', which a drop-in cannot remove"),
					      as[i].line, *x) < 0) {
					sh_assigns_free(as, na);
					return -ENOMEM;
				}
			}
		sh_assigns_free(as, na);
	}
	ret->changed = true;
	if (cstrv_length(m->modules) == 0)
		return 0; /* text NULL: no drop-in */
	joined = strv_join(m->modules, " ");
	if (!joined)
		return -ENOMEM;
	for (const char *const *x = m->modules; *x; x++)
		if ((k = strv_extend(&ret->added, *x)) < 0)
			return k;
	/* Prepend to what the files sourced before built; keep their syntax (a string-syntax MODULES
	 * expanded as an array would be one element "a b"). */
	if (str)
		ret->text = xasprintf("%s\nMODULES=\"%s ${MODULES}\"\n", DROPIN_HEADER, joined);
	else
		ret->text = xasprintf("%s\nMODULES=(%s \"${MODULES[@]}\")\n", DROPIN_HEADER, joined);
	return ret->text ? 0 : -ENOMEM;
}
