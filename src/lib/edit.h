/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Configuration editors for `vfiokit isolate`: pure functions from the current text of one
 * file (NULL when the file is absent) and what to ensure, to the new text. They never read or
 * write files; the caller goes through the root layer (vk_root_write_atomic()).
 *
 * Every editor:
 *  - leaves every byte it has no reason to touch as it was (comments, blank lines, ordering,
 *    quoting, tabs vs spaces, a missing final newline);
 *  - is idempotent: applying its result again changes nothing;
 *  - is reversible: feeding back `added` as the removal list gives the original text byte for
 *    byte when that edit was the only change (the exceptions are listed at each editor);
 *  - refuses a text it cannot parse (an unbalanced quote, an unterminated array) with
 *    -EBADMSG, the line and a message, and never returns a half edit.
 *
 * Kernel parameters compare as the kernel compares them: '-' and '_' are the same in names
 * (kernel/params.c parameq), values are compared after removing the kernel's double quotes.
 * Module names compare with '-' == '_' too (modprobe.d(5)).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* The comment line an editor writes above a line it had to create (a new GRUB assignment, a new
 * MODULES=, a new booster key...). A removal that empties such a line deletes both lines, so
 * the undo of a creation is exact. */
#define VK_EDIT_MARKER "# added by vfiokit"

struct vk_edit_result {
	char *text;	/* the new text; NULL when the file should not exist, and on failure */
	bool changed;	/* text differs from the input (or the file appears or disappears) */
	char **added;	/* what this edit added, in order: parameters, modules, lines (never NULL on success) */
	char **removed; /* what it removed (replaced parameters, obsolete modules) */
	char **moved;	/* modules it moved ahead of a GPU driver: removal cannot put them back */
	char **notes;	/* what the user should hear about (translated), e.g. a missing modconf hook */
	unsigned line;	/* on -EBADMSG: the 1-based line of the input at fault */
	char *error;	/* on failure: why (translated), without the line number */
};
void vk_edit_result_clear(struct vk_edit_result *r);
/* "line 12: unterminated double quote" (or just the message when there is no line); NULL on ENOMEM. */
char *vk_edit_result_message(const struct vk_edit_result *r);

/* What a command-line editor ensures. @add: whole parameters ("intel_iommu=on",
 * "vfio-pci.ids=10de:1401,10de:0fba"), added at the end unless already present. @remove: a name
 * ("vfio-pci.ids") removes that parameter whatever its value; a whole parameter ("iommu=pt")
 * removes only that one. A parameter that is in @add stays where it is even if its name is in
 * @remove, and an @add whose name is in @remove takes the place of the first old one it removes
 * (so "replace vfio-pci.ids" is add={"vfio-pci.ids=NEW"}, remove={"vfio-pci.ids"}). */
struct vk_kparams {
	const char *const *add;
	const char *const *remove;
};

/* What an initramfs editor ensures. @modules must be listed, each ahead of every GPU driver of
 * the list (they are put just before the first one, in this order, moving any that come later);
 * @remove are taken out of the list the editor manages (an undo: pass back `added`);
 * @obsolete are modules that do not exist for the target kernel, taken out of every list the
 * generator reads (vfio_virqfd from 6.2 on: see vk_vfio_modules()). */
struct vk_modreq {
	const char *const *modules;
	const char *const *remove;
	const char *const *obsolete;
};

/* The vfio modules to load early for a kernel release ("6.1.0-18-amd64"): vfio_pci vfio
 * vfio_iommu_type1, plus vfio_virqfd before 6.2. @ret_obsolete gets vfio_virqfd from 6.2 on
 * (folded into vfio by commit e2d55709398e; mkinitcpio fails on it), so a request built from
 * both removes it from a list. -EINVAL when the release does not start with MAJOR.MINOR. */
int vk_vfio_modules(const char *kernel_release, char ***ret_modules, char ***ret_obsolete);
/* amdgpu, radeon, nouveau, nvidia*, i915, xe ('-' == '_', an optional mkinitcpio '?' ignored). */
bool vk_module_is_gpu_driver(const char *name);

/* /etc/default/grub (sourced by grub-mkconfig with sh). Edits the last assignment of the
 * variable, inside its quotes ('...', "..." or unquoted). Adds go to @var; removals apply to
 * every assignment of @var, and removals by name also to the other variable (an old
 * vfio-pci.ids there would still be on the command line); a parameter counts
 * as present if the command line @var contributes to already has it (for _DEFAULT: either
 * variable). An absent variable gets a new assignment at the end, under VK_EDIT_MARKER.
 * Exception to exact removal: an unquoted value that gains a second word is double-quoted, and
 * keeps its quotes after the removal (same value for the shell). */
enum vk_grub_var {
	VK_GRUB_CMDLINE_LINUX_DEFAULT,
	VK_GRUB_CMDLINE_LINUX,
};
int vk_edit_grub(const char *text, enum vk_grub_var var, const struct vk_kparams *p, struct vk_edit_result *ret);

/* A Boot Loader Specification type #1 entry (/boot/loader/entries/ *.conf). The `options` lines
 * are joined (BLS); adds go to the last one, removals apply to all. An entry without `options`
 * gets one (under VK_EDIT_MARKER) after its last key line, separated as its `linux` line is.
 * -EOPNOTSUPP for an entry without `linux` (an `efi` chainloader, a `uki`). */
int vk_edit_bls(const char *text, const struct vk_kparams *p, struct vk_edit_result *ret);
/* The text of a copy of the entry for a second file: its title gets " " + @title_suffix (a
 * "title" line is added when there is none) and its options @p. The default entry stays. */
int vk_bls_copy(const char *text, const char *title_suffix, const struct vk_kparams *p, struct vk_edit_result *ret);
/* The file name for that copy: "arch.conf", "vfio" -> "arch-vfio.conf"; boot counting
 * ("+3-0") is dropped so the copy starts untried. NULL on ENOMEM. */
char *vk_bls_copy_name(const char *name, const char *tag);

/* /etc/kernel/cmdline (kernel-install, UKIs): the whole file is one command line. An absent file
 * is -ENOENT: kernel-install then uses /proc/cmdline, so the caller must start from that text
 * (vk_kcmdline_from_proc()) rather than create a file that lacks root=. */
int vk_edit_kcmdline(const char *text, const struct vk_kparams *p, struct vk_edit_result *ret);
/* /proc/cmdline without BOOT_IMAGE= and initrd=, as systemd's 90-loaderentry.install takes it,
 * with a final newline. NULL on ENOMEM. */
char *vk_kcmdline_from_proc(const char *proc_cmdline);

/* Which entry of a menu file (refind_linux.conf, limine.conf) to edit. @label NULL: the default
 * entry (the first one; Limine: default_entry). Otherwise the entry with that label, created as a
 * copy of the default one with @p applied if it does not exist (a "way back": the default boots
 * as before). @drop: delete the labelled entry instead (its undo). */
struct vk_entry_opts {
	const char *label;
	bool drop;
};

/* refind_linux.conf: lines of "Label" "options" (rEFInd's ReadTokenLine: quotes group, no escapes;
 * '#' starts a comment). A new entry goes right after the default one. */
int vk_edit_refind(const char *text, const struct vk_entry_opts *o, const struct vk_kparams *p,
		   struct vk_edit_result *ret);

/* limine.conf (entries "/Name", keys "cmdline:" or "kernel_cmdline:") or the old limine.cfg
 * (entries ":Name", keys "CMDLINE=" or "KERNEL_CMDLINE="), told apart by content. Only entries
 * with the linux protocol are edited; a new labelled entry is a copy placed after the default. */
int vk_edit_limine(const char *text, const struct vk_entry_opts *o, const struct vk_kparams *p,
		   struct vk_edit_result *ret);

/* kernelstub (Pop!_OS) is not edited but run: the argv that applies @p ("kernelstub", ["-d",
 * REMOVE,] "-a", ADD) and the argv that undoes it ("kernelstub", "-d", ADD). Names in @remove
 * are passed as they are: kernelstub deletes exact options only. -EINVAL when @p is empty. */
int vk_kernelstub_argv(const struct vk_kparams *p, char ***ret_apply, char ***ret_undo);

/* An EFI stub boot entry (efibootmgr): the commands to print, not to run, that delete Boot@bootnum
 * and create it again with the arguments of @cmdline edited by @p, passed with --unicode (the EFI
 * stub reads UCS-2). -EINVAL when the resulting arguments have no initrd= (the stub would boot
 * without an initramfs). */
struct vk_efistub {
	const char *bootnum; /* "0003" */
	const char *disk;    /* "/dev/nvme0n1" */
	unsigned part;	     /* the ESP's partition number */
	const char *label;   /* "Arch Linux" */
	const char *loader;  /* "\\vmlinuz-linux" */
	const char *cmdline; /* the entry's arguments now: "root=UUID=... rw initrd=\\initramfs-linux.img" */
};
int vk_efistub_commands(const struct vk_efistub *e, const struct vk_kparams *p, struct vk_edit_result *ret);

/* /etc/mkinitcpio.conf: the last MODULES= assignment, array "(...)" (several lines and comments
 * allowed) or the old string "...", keeping its syntax and quoting. Absent: a new MODULES=(...)
 * under VK_EDIT_MARKER. A note is added when the file's HOOKS lacks modconf. */
int vk_edit_mkinitcpio(const char *text, const struct vk_modreq *m, struct vk_edit_result *ret);
/* The drop-in /etc/mkinitcpio.conf.d/vfiokit.conf (mkinitcpio >= 36 sources *.conf there after the
 * main file, in name order: "vfiokit.conf" sorts after the usual "10-foo.conf"). It prepends
 * @m->modules to whatever MODULES the earlier files built, in @main_text's syntax (array, or
 * string for an old string-syntax file). @m->remove and @m->obsolete cannot be done from a
 * drop-in: a note names the main file's lines that need vk_edit_mkinitcpio() for that. No modules: text NULL (remove
 * the drop-in). */
int vk_mkinitcpio_dropin(const char *main_text, const struct vk_modreq *m, struct vk_edit_result *ret);
/* 1 when the last HOOKS= of @text lists @hook, 0 when it does not, -ENOENT when @text assigns no
 * HOOKS (look at the next file in sourcing order), -EBADMSG (details in @err) when unparsable. */
int vk_mkinitcpio_has_hook(const char *text, const char *hook, struct vk_edit_result *err);
/* Adds @hook (modconf) to the last HOOKS=: after microcode, else autodetect, else udev or systemd,
 * else before block, else at the end. Nothing to do when it is there. -ENOENT without HOOKS. */
int vk_edit_mkinitcpio_hook(const char *text, const char *hook, struct vk_edit_result *ret);

/* dracut.conf or a drop-in in /etc/dracut.conf.d/ (sourced by bash): @m->modules must be in
 * force_drivers (installed and loaded early through rd.driver.pre); the last force_drivers
 * assignment is edited, else a new line force_drivers+=" ... " (leading and trailing spaces, as
 * dracut.conf(5) asks) is appended. @m->remove is taken out of every add_drivers,
 * force_drivers, drivers and filesystems value. @items (may be NULL) does the same for the
 * files in install_items: .modules are ensured (e.g. the vfiokit modprobe.d file, which dracut
 * copies only in hostonly mode), .remove taken out.
 * With text NULL this generates the drop-in /etc/dracut.conf.d/vfiokit.conf; a drop-in that
 * ends up with no assignment gives text NULL. */
int vk_edit_dracut(const char *text, const struct vk_modreq *m, const struct vk_modreq *items,
		   struct vk_edit_result *ret);

/* /etc/initramfs-tools/modules (initramfs-tools(7)): one "module [args]" per line, loaded in
 * order; comments and blank lines kept. New lines go before the first GPU driver line, else at
 * the end. */
int vk_edit_itools(const char *text, const struct vk_modreq *m, struct vk_edit_result *ret);

/* /etc/booster.yaml: the top-level "modules_force_load:" comma list (a plain or quoted scalar on
 * its line). Absent: a new key at the end under VK_EDIT_MARKER; the rest of the YAML is untouched.
 * A block or flow value is -EBADMSG. */
int vk_edit_booster(const char *text, const struct vk_modreq *m, struct vk_edit_result *ret);

/* A modprobe.d(5) file, normally vfiokit's own /etc/modprobe.d/vfiokit.conf. @options are
 * "param=value" for "options @module ..." (a parameter already set in this file is replaced in
 * place; otherwise a new options line is added); @softdep_pre are modules that must wait for
 * @module ("softdep nvidia pre: vfio-pci"); an existing softdep line for such a module gets
 * @module added to its pre: list, since kmod uses only the first softdep line of a module.
 * With text NULL the file is created with a header; a file that has nothing but that header
 * left gives text NULL (delete it). */
struct vk_modprobe_req {
	const char *module;		    /* "vfio-pci" */
	const char *const *options;	    /* "ids=10de:1401,10de:0fba", "disable_vga=1" */
	const char *const *remove_options;  /* parameter names to drop from @module's options lines */
	const char *const *softdep_pre;	    /* "nvidia", "nouveau", "amdgpu", "snd_hda_intel" */
	const char *const *remove_softdeps; /* modules whose "pre: @module" goes away */
};
#define VK_MODPROBE_HEADER                                                                                             \
	"# Written by vfiokit isolate: hand the devices to vfio-pci at boot. Undo: vfiokit isolate --undo"
int vk_edit_modprobe(const char *text, const struct vk_modprobe_req *q, struct vk_edit_result *ret);
