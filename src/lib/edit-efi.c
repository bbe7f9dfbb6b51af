/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Command lines that live outside files vfiokit edits: kernelstub (Pop!_OS) keeps them in its own
 * JSON and rewrites its loader entries, so it is run, not edited (KS:README: -a/--add-options,
 * -d/--delete-options); an EFI stub entry keeps them in NVRAM, where they can only be changed by
 * deleting and recreating the Boot#### entry (efibootmgr(8)), which is fragile enough that vfiokit
 * only prints the commands.
 */
#include "edit-internal.h"

int vk_kernelstub_argv(const struct vk_kparams *p, char ***ret_apply, char ***ret_undo)
{
	_cleanup_strv_free_ char **apply = NULL, **undo = NULL;
	_cleanup_free_ char *add = NULL, *rm = NULL;
	struct vk_edit_result r;
	int k;

	if ((k = edit_begin(&r)) < 0)
		return k;
	k = kp_validate(p, &r);
	vk_edit_result_clear(&r);
	if (k < 0)
		return k;
	if (cstrv_length(p->add) == 0 && cstrv_length(p->remove) == 0)
		return -EINVAL;
	add = strv_join(p->add, " ");
	rm = strv_join(p->remove, " ");
	if (!add || !rm)
		return -ENOMEM;
	if ((k = strv_extend(&apply, "kernelstub")) < 0 || (k = strv_extend(&undo, "kernelstub")) < 0)
		return k;
	if (!isempty(rm) && ((k = strv_extend(&apply, "-d")) < 0 || (k = strv_extend(&apply, rm)) < 0))
		return k;
	if (!isempty(add) && ((k = strv_extend(&apply, "-a")) < 0 || (k = strv_extend(&apply, add)) < 0))
		return k;
	if (!isempty(add) && ((k = strv_extend(&undo, "-d")) < 0 || (k = strv_extend(&undo, add)) < 0))
		return k;
	*ret_apply = TAKE_PTR(apply);
	if (ret_undo)
		*ret_undo = TAKE_PTR(undo);
	return 0;
}

/* One argument for sh: as it is when it has nothing special, else in single quotes. */
static int add_arg(struct strbuf *b, const char *a)
{
	bool plain;

	a = strempty(a);
	plain = *a != '\0';
	for (const char *c = a; *c && plain; c++)
		plain = strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=,+@%", *c) != NULL;
	if (strbuf_addc(b, ' ') < 0)
		return -ENOMEM;
	if (plain)
		return strbuf_adds(b, a);
	if (strbuf_addc(b, '\'') < 0)
		return -ENOMEM;
	for (const char *c = a; *c; c++)
		if ((*c == '\'' ? strbuf_adds(b, "'\\''") : strbuf_addc(b, *c)) < 0)
			return -ENOMEM;
	return strbuf_addc(b, '\'');
}

int vk_efistub_commands(const struct vk_efistub *e, const struct vk_kparams *p, struct vk_edit_result *ret)
{
	_cleanup_splices_ struct splices s = {0};
	_cleanup_strbuf_ struct strbuf b = STRBUF_INIT;
	_cleanup_free_ char *args = NULL;
	struct kp_region rg;
	char part[16];
	bool initrd = false;
	int k;

	if ((k = edit_begin(ret)) < 0)
		return k;
	if (!e || isempty(e->bootnum) || strlen(e->bootnum) != 4 || strspn(e->bootnum, "0123456789abcdefABCDEF") != 4)
		return edit_fail(ret, -EINVAL, 0, "%s", _("the boot entry number must be 4 hex digits (Boot####)"));
	if (isempty(e->disk) || e->part == 0 || isempty(e->label) || isempty(e->loader) || !e->cmdline)
		return edit_fail(ret, -EINVAL, 0, "%s",
				 _("the EFI stub entry needs a disk, a partition, a label and a loader"));
	if ((k = kp_validate(p, ret)) < 0)
		return k;
	rg = (struct kp_region){.start = 0, .end = strlen(e->cmdline), .q = KP_PLAIN, .target = true, .counts = true};
	if ((k = kp_edit(e->cmdline, &rg, 1, p, &s, ret, NULL)) < 0)
		return k;
	if ((k = edit_finish(ret, e->cmdline, &s)) < 0)
		return k;
	args = TAKE_PTR(ret->text);
	{
		_cleanup_strv_free_ char **tok = NULL;

		if ((k = strv_split(args, " \t\n", &tok)) < 0)
			return k;
		for (char **t = tok; *t; t++)
			if (startswith(*t, "initrd="))
				initrd = true;
	}
	/* Without initrd= the stub boots the kernel with no initramfs, and vfio-pci is not early. */
	if (!initrd)
		return edit_fail(ret, -EINVAL, 0, "%s",
				 _("the entry's arguments have no initrd=: the EFI stub needs initrd=\\<image> "
				   "(and one for the microcode image) in the arguments"));
	snprintf(part, sizeof(part), "%u", e->part);
	if (strbuf_adds(&b, "efibootmgr") < 0 || add_arg(&b, "--bootnum") < 0 || add_arg(&b, e->bootnum) < 0 ||
	    add_arg(&b, "--delete-bootnum") < 0 || strbuf_adds(&b, "\nefibootmgr") < 0 || add_arg(&b, "--create") < 0 ||
	    add_arg(&b, "--bootnum") < 0 || add_arg(&b, e->bootnum) < 0 || add_arg(&b, "--disk") < 0 ||
	    add_arg(&b, e->disk) < 0 || add_arg(&b, "--part") < 0 || add_arg(&b, part) < 0 ||
	    add_arg(&b, "--label") < 0 || add_arg(&b, e->label) < 0 || add_arg(&b, "--loader") < 0 ||
	    add_arg(&b, e->loader) < 0 || add_arg(&b, "--unicode") < 0 || add_arg(&b, args) < 0 ||
	    strbuf_addc(&b, '\n') < 0)
		return -ENOMEM;
	ret->text = strbuf_detach(&b);
	ret->changed = true;
	return ret->text ? 0 : -ENOMEM;
}
