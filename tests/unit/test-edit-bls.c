/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Boot Loader Specification entries: the options lines. */
#include "edit-helpers.h"

static const char *bls(const char *in, const char *const *add, const char *const *rm, struct vk_edit_result *r)
{
	const struct vk_kparams p = {.add = add, .remove = rm};

	return EDIT_OK(vk_edit_bls(in, &p, r), r);
}

static void check(const char *in, const char *const *add, const char *const *rm, const char *want)
{
	struct vk_edit_result r = {0}, r2 = {0}, r3 = {0};
	const char *out = bls(in, add, rm, &r);

	assert_string_equal(out, want);
	assert_string_equal(bls(out, add, rm, &r2), out);
	assert_false(r2.changed);
	if (!r.removed[0])
		assert_string_equal(bls(out, NOSTRV, (const char *const *)r.added, &r3), in);
	vk_edit_result_clear(&r);
	vk_edit_result_clear(&r2);
	vk_edit_result_clear(&r3);
}

static void options_lines(void **state)
{
	/* Tabs stay tabs, the key column stays aligned. */
	check("title\tArch\nlinux\t/vmlinuz-linux\ninitrd\t/initramfs-linux.img\noptions\troot=/dev/sda2 rw\n",
	      STRV("intel_iommu=on", "iommu=pt"), NOSTRV,
	      "title\tArch\nlinux\t/vmlinuz-linux\ninitrd\t/initramfs-linux.img\noptions\troot=/dev/sda2 rw "
	      "intel_iommu=on iommu=pt\n");
	/* Several options lines are one command line: adds go last, a parameter anywhere counts. */
	check("title A\nlinux /v\noptions root=/dev/sda2 intel_iommu=on\noptions quiet\n",
	      STRV("intel_iommu=on", "iommu=pt"), NOSTRV,
	      "title A\nlinux /v\noptions root=/dev/sda2 intel_iommu=on\noptions quiet iommu=pt\n");
	/* Comments after the entry (an IOMMU listing pasted there) are kept; no final newline kept. */
	check("linux /v\noptions rw\n\n#IOMMU Group 14 07:00.0 VGA\n", STRV("iommu=pt"), NOSTRV,
	      "linux /v\noptions rw iommu=pt\n\n#IOMMU Group 14 07:00.0 VGA\n");
	check("linux /v\noptions rw", STRV("iommu=pt"), NOSTRV, "linux /v\noptions rw iommu=pt");
}

static void no_options_line(void **state)
{
	check("title X\nlinux\t\t/vmlinuz\ninitrd\t\t/i\n# end\n", STRV("intel_iommu=on"), NOSTRV,
	      "title X\nlinux\t\t/vmlinuz\ninitrd\t\t/i\n" VK_EDIT_MARKER "\noptions\t\tintel_iommu=on\n# end\n");
	check("linux /vmlinuz", STRV("intel_iommu=on"), NOSTRV,
	      "linux /vmlinuz\n" VK_EDIT_MARKER "\noptions intel_iommu=on");
}

static void replace_and_refuse(void **state)
{
	const struct vk_kparams p = {.add = STRV("iommu=pt")};
	struct vk_edit_result r = {0};

	assert_string_equal(bls("linux /v\noptions a vfio-pci.ids=1:2,3:4 b\noptions vfio_pci.ids=5:6\n",
				STRV("vfio-pci.ids=10de:1401"), STRV("vfio-pci.ids"), &r),
			    "linux /v\noptions a vfio-pci.ids=10de:1401 b\noptions \n");
	assert_strv_equal(r.removed, STRV("vfio-pci.ids=1:2,3:4", "vfio_pci.ids=5:6"));
	vk_edit_result_clear(&r);
	/* An EFI chainloader entry has no kernel command line. */
	assert_int_equal(vk_edit_bls("title Windows\nefi /shellx64.efi\noptions -nomap FS0:EFI\\x.efi\n", &p, &r),
			 -EOPNOTSUPP);
	assert_null(r.text);
	vk_edit_result_clear(&r);
	assert_int_equal(vk_edit_bls(NULL, &p, &r), -ENOENT);
	vk_edit_result_clear(&r);
}

static void copy(void **state)
{
	const struct vk_kparams p = {.add = STRV("vfio-pci.ids=10de:1401")};
	struct vk_edit_result r = {0};
	_cleanup_free_ char *n1 = vk_bls_copy_name("arch.conf", "vfio"),
			    *n2 = vk_bls_copy_name("fedora-6.1+3-0.conf", "vfio"),
			    *n3 = vk_bls_copy_name("x+y.conf", "vfio");

	assert_int_equal(vk_bls_copy("title   Arch Linux\nlinux   /vmlinuz-linux\noptions rw\n", "(VFIO)", &p, &r), 0);
	assert_string_equal(r.text,
			    "title   Arch Linux (VFIO)\nlinux   /vmlinuz-linux\noptions rw vfio-pci.ids=10de:1401\n");
	assert_true(r.changed);
	vk_edit_result_clear(&r);
	assert_string_equal(n1, "arch-vfio.conf");
	assert_string_equal(n2, "fedora-6.1-vfio.conf");
	assert_string_equal(n3, "x+y-vfio.conf");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(options_lines),
	    cmocka_unit_test(no_options_line),
	    cmocka_unit_test(replace_and_refuse),
	    cmocka_unit_test(copy),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
