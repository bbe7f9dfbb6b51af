/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * /etc/kernel/cmdline: read by kernel-install (systemd's 90-loaderentry.install turns every run of
 * blanks, newlines included, into one space) and by mkinitcpio/dracut/ukify for UKIs. The whole
 * file is one command line; parameters are added after the last one, before the final newline.
 */
#include "cmdline.h"
#include "edit-internal.h"

int vk_edit_kcmdline(const char *text, const struct vk_kparams *p, struct vk_edit_result *ret)
{
	_cleanup_splices_ struct splices s = {0};
	struct kp_region rg;
	int k;

	if ((k = edit_begin(ret)) < 0)
		return k;
	if (!text)
		return edit_fail(ret, -ENOENT, 0, "%s",
				 _("/etc/kernel/cmdline does not exist: kernel-install uses /proc/cmdline, "
				   "start from that text"));
	if ((k = kp_validate(p, ret)) < 0)
		return k;
	rg = (struct kp_region){.start = 0, .end = strlen(text), .q = KP_PLAIN, .target = true, .counts = true};
	/* Keep the final newline(s) after the appended parameters. */
	while (rg.end > 0 && (text[rg.end - 1] == '\n' || text[rg.end - 1] == '\r'))
		rg.end--;
	if ((k = kp_edit(text, &rg, 1, p, &s, ret, NULL)) < 0)
		return k;
	return edit_finish(ret, text, &s);
}

char *vk_kcmdline_from_proc(const char *proc_cmdline)
{
	_cleanup_strv_free_ char **t = NULL;
	_cleanup_strbuf_ struct strbuf b = STRBUF_INIT;

	if (vk_cmdline_split(proc_cmdline, &t) < 0)
		return NULL;
	for (char **x = t; *x; x++) {
		char nb[64];

		vk_cmdline_token_name(*x, nb, sizeof(nb));
		if (streq(nb, "BOOT_IMAGE") || streq(nb, "initrd"))
			continue;
		if ((b.len > 0 && strbuf_addc(&b, ' ') < 0) || strbuf_adds(&b, *x) < 0)
			return NULL;
	}
	if (strbuf_addc(&b, '\n') < 0)
		return NULL;
	return strbuf_detach(&b);
}
