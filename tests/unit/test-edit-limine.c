/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* limine.conf (current) and limine.cfg (old). */
#include "edit-helpers.h"

#define CONF                                                                                                           \
	"timeout: 3\n\n"                                                                                               \
	"/Arch Linux\n    protocol: linux\n    path: boot():/vmlinuz-linux\n"                                          \
	"    cmdline: root=UUID=1 rw\n    module_path: boot():/initramfs-linux.img\n\n"                                \
	"/Windows\n    protocol: efi\n    path: boot():/EFI/Microsoft/Boot/bootmgfw.efi\n"

#define CFG "TIMEOUT=5\n\n:Arch Linux\nPROTOCOL=linux\nKERNEL_PATH=boot:///vmlinuz-linux\nKERNEL_CMDLINE=root=UUID=1\n"

static const char *lim(const char *in, const struct vk_entry_opts *o, const char *const *add, const char *const *rm,
		       struct vk_edit_result *r)
{
	const struct vk_kparams p = {.add = add, .remove = rm};

	return EDIT_OK(vk_edit_limine(in, o, &p, r), r);
}

static void roundtrip(const char *in, const struct vk_entry_opts *o, const char *const *add, const char *want)
{
	struct vk_edit_result r = {0}, r2 = {0}, r3 = {0};
	const char *out = lim(in, o, add, NOSTRV, &r);

	assert_string_equal(out, want);
	assert_string_equal(lim(out, o, add, NOSTRV, &r2), out);
	assert_false(r2.changed);
	if (o && o->label) {
		const struct vk_entry_opts drop = {.label = o->label, .drop = true};

		assert_string_equal(lim(out, &drop, NOSTRV, NOSTRV, &r3), in);
	} else
		assert_string_equal(lim(out, o, NOSTRV, (const char *const *)r.added, &r3), in);
	vk_edit_result_clear(&r);
	vk_edit_result_clear(&r2);
	vk_edit_result_clear(&r3);
}

static void current_format(void **state)
{
	const struct vk_entry_opts o = {.label = "Arch Linux (VFIO)"};

	roundtrip(CONF, NULL, STRV("intel_iommu=on"),
		  "timeout: 3\n\n/Arch Linux\n    protocol: linux\n    path: boot():/vmlinuz-linux\n"
		  "    cmdline: root=UUID=1 rw intel_iommu=on\n    module_path: boot():/initramfs-linux.img\n\n"
		  "/Windows\n    protocol: efi\n    path: boot():/EFI/Microsoft/Boot/bootmgfw.efi\n");
	roundtrip(CONF, &o, STRV("vfio-pci.ids=10de:1401"),
		  "timeout: 3\n\n/Arch Linux\n    protocol: linux\n    path: boot():/vmlinuz-linux\n"
		  "    cmdline: root=UUID=1 rw\n    module_path: boot():/initramfs-linux.img\n\n"
		  "/Arch Linux (VFIO)\n    protocol: linux\n    path: boot():/vmlinuz-linux\n"
		  "    cmdline: root=UUID=1 rw vfio-pci.ids=10de:1401\n    module_path: boot():/initramfs-linux.img\n\n"
		  "/Windows\n    protocol: efi\n    path: boot():/EFI/Microsoft/Boot/bootmgfw.efi\n");
	/* No cmdline key: one is added with the entry's indentation. */
	roundtrip("/Arch\n  protocol: linux\n  path: boot():/vmlinuz\n", NULL, STRV("intel_iommu=on"),
		  "/Arch\n  protocol: linux\n  path: boot():/vmlinuz\n  " VK_EDIT_MARKER
		  "\n  cmdline: intel_iommu=on\n");
}

static void old_format(void **state)
{
	const struct vk_entry_opts o = {.label = "VFIO"};

	roundtrip(CFG, NULL, STRV("intel_iommu=on"),
		  "TIMEOUT=5\n\n:Arch Linux\nPROTOCOL=linux\nKERNEL_PATH=boot:///vmlinuz-linux\n"
		  "KERNEL_CMDLINE=root=UUID=1 intel_iommu=on\n");
	roundtrip(
	    CFG, &o, STRV("intel_iommu=on"),
	    CFG
	    ":VFIO\nPROTOCOL=linux\nKERNEL_PATH=boot:///vmlinuz-linux\nKERNEL_CMDLINE=root=UUID=1 intel_iommu=on\n");
}

static void refusals(void **state)
{
	const struct vk_kparams p = {.add = STRV("a=1")};
	const struct vk_entry_opts win = {.label = "Windows"};
	struct vk_edit_result r = {0};

	assert_int_equal(vk_edit_limine("timeout: 3\n", NULL, &p, &r), -EBADMSG);
	vk_edit_result_clear(&r);
	assert_int_equal(vk_edit_limine("/Windows\n    protocol: efi\n", NULL, &p, &r), -EOPNOTSUPP);
	vk_edit_result_clear(&r);
	assert_int_equal(vk_edit_limine(CONF, &win, &p, &r), -EOPNOTSUPP);
	vk_edit_result_clear(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(current_format),
	    cmocka_unit_test(old_format),
	    cmocka_unit_test(refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
