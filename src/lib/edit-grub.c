/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * /etc/default/grub: grub-mkconfig sources it with sh, then builds each Linux entry's command line
 * from GRUB_CMDLINE_LINUX (every entry, recovery too) followed by GRUB_CMDLINE_LINUX_DEFAULT
 * (the default entries only) (GNU GRUB manual, "Simple configuration"). As in the shell, the
 * last assignment of a variable wins, so that is the one edited; parameters are added inside its
 * existing quotes.
 */
#include "edit-internal.h"

static const char *grub_var_name(enum vk_grub_var v)
{
	return v == VK_GRUB_CMDLINE_LINUX ? "GRUB_CMDLINE_LINUX" : "GRUB_CMDLINE_LINUX_DEFAULT";
}

int vk_edit_grub(const char *text, enum vk_grub_var var, const struct vk_kparams *p, struct vk_edit_result *ret)
{
	struct sh_assign *as = NULL;
	size_t na = 0, nr = 0;
	_cleanup_free_ struct kp_region *rg = NULL;
	_cleanup_free_ bool *bare = NULL;
	_cleanup_free_ size_t *vs = NULL, *ve = NULL;
	_cleanup_splices_ struct splices s = {0};
	_cleanup_strv_free_ char **pending = NULL;
	const char *target = grub_var_name(var);
	const char *t = strempty(text);
	ssize_t last[2] = {-1, -1}; /* last assignment of _LINUX, _DEFAULT */
	int k;

	if ((k = edit_begin(ret)) < 0)
		return k;
	if ((k = kp_validate(p, ret)) < 0)
		return k;
	if ((k = sh_parse(t, false, &as, &na, ret)) < 0)
		return k;

	rg = calloc(na + 1, sizeof(*rg));
	bare = calloc(na + 1, sizeof(bool));
	vs = calloc(na + 1, sizeof(size_t));
	ve = calloc(na + 1, sizeof(size_t));
	if (!rg || !bare || !vs || !ve) {
		k = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < na; i++) {
		if (streq(as[i].name, "GRUB_CMDLINE_LINUX"))
			last[0] = (ssize_t)i;
		else if (streq(as[i].name, "GRUB_CMDLINE_LINUX_DEFAULT"))
			last[1] = (ssize_t)i;
	}
	for (size_t i = 0; i < na; i++) {
		bool is_linux = streq(as[i].name, "GRUB_CMDLINE_LINUX");
		bool is_default = streq(as[i].name, "GRUB_CMDLINE_LINUX_DEFAULT");
		enum kp_quote q;
		bool b;

		if (!is_linux && !is_default)
			continue;
		if (as[i].append) {
			k = edit_fail(ret, -EBADMSG, as[i].line, _("%s+= is not POSIX shell (grub-mkconfig runs sh)"),
				      as[i].name);
			goto out;
		}
		if ((k = sh_value_region(t, &as[i], &vs[nr], &ve[nr], &q, &b, ret)) < 0)
			goto out;
		bare[nr] = b;
		rg[nr] = (struct kp_region){
		    .start = vs[nr],
		    .end = ve[nr],
		    .q = q,
		    .target = streq(as[i].name, target) && (ssize_t)i == last[is_linux ? 0 : 1],
		    /* A parameter counts when the command line being built has it: _LINUX
		     * alone for recovery entries, both for the default ones. */
		    .counts =
			(ssize_t)i == last[is_linux ? 0 : 1] && (is_linux || var == VK_GRUB_CMDLINE_LINUX_DEFAULT),
		    /* The other variable loses old values of a replaced parameter, but an undo
		     * (whole parameters) only touches the variable it was added to. */
		    .names_only = !streq(as[i].name, target),
		};
		nr++;
	}
	if ((k = kp_edit(t, rg, nr, p, &s, ret, &pending)) < 0)
		goto out;
	/* An unquoted value that now has several words needs quotes for the shell. */
	for (size_t i = 0; i < nr; i++)
		if (bare[i] && rg[i].changed && rg[i].tokens_after > 1) {
			if ((k = splice_add(&s, vs[i], 0, -1, "\"")) < 0 || (k = splice_add(&s, ve[i], 0, 1, "\"")) < 0)
				goto out;
		}
	if (pending[0]) {
		/* No assignment to add to: a new one at the end, under the marker. */
		_cleanup_free_ char *joined = strv_join((const char *const *)pending, " ");
		_cleanup_strbuf_ struct strbuf line = STRBUF_INIT;
		_cleanup_free_ char *block = NULL;

		if (!joined || strbuf_addf(&line, "%s\n%s=\"", VK_EDIT_MARKER, target) < 0) {
			k = -ENOMEM;
			goto out;
		}
		for (char **x = pending; *x; x++) {
			_cleanup_free_ char *enc = kp_encode(*x, KP_SH_DQ, &k);

			if (!enc || (x != pending && strbuf_addc(&line, ' ') < 0) || strbuf_adds(&line, enc) < 0) {
				k = -ENOMEM;
				goto out;
			}
			if ((k = strv_extend(&ret->added, *x)) < 0)
				goto out;
		}
		if (strbuf_addc(&line, '"') < 0 || !(block = append_line_text(t, line.s)) ||
		    (k = splice_add(&s, strlen(t), 0, 2, block)) < 0) {
			k = -ENOMEM;
			goto out;
		}
	}
	if ((k = edit_finish(ret, text, &s)) < 0)
		goto out;
	/* Undoing a creation: the emptied assignment goes with its marker. */
	for (int v = 0; v < 2; v++) {
		_cleanup_free_ char *empty = xasprintf("%s=\"\"", grub_var_name((enum vk_grub_var)v));

		if (!empty || (k = drop_marked_lines(&ret->text, empty)) < 0) {
			k = -ENOMEM;
			goto out;
		}
	}
	edit_finish_text(ret, text, TAKE_PTR(ret->text));
	k = 0;
out:
	sh_assigns_free(as, na);
	if (k < 0 && !ret->error)
		vk_edit_result_clear(ret);
	return k;
}
