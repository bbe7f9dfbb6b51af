/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* refind_linux.conf: the default entry, or a labelled second entry. */
#include "edit-helpers.h"

#define CONF                                                                                                           \
	"\"Boot with standard options\"  \"ro root=PARTUUID=1 initrd=boot\\amd-ucode.img\"\n"                          \
	"\"Boot to single-user mode\"    \"ro root=PARTUUID=1 single\"\n"                                              \
	"# a comment\n"

static const char *rf(const char *in, const struct vk_entry_opts *o, const char *const *add, const char *const *rm,
		      struct vk_edit_result *r)
{
	const struct vk_kparams p = {.add = add, .remove = rm};

	return EDIT_OK(vk_edit_refind(in, o, &p, r), r);
}

static void default_entry(void **state)
{
	struct vk_edit_result r = {0}, r2 = {0}, r3 = {0};
	const char *out = rf(CONF, NULL, STRV("intel_iommu=on", "vfio-pci.ids=10de:1401"), NOSTRV, &r);

	assert_string_equal(out, "\"Boot with standard options\"  \"ro root=PARTUUID=1 initrd=boot\\amd-ucode.img "
				 "intel_iommu=on vfio-pci.ids=10de:1401\"\n"
				 "\"Boot to single-user mode\"    \"ro root=PARTUUID=1 single\"\n# a comment\n");
	assert_string_equal(rf(out, NULL, STRV("intel_iommu=on", "vfio-pci.ids=10de:1401"), NOSTRV, &r2), out);
	assert_false(r2.changed);
	assert_string_equal(rf(out, NULL, NOSTRV, (const char *const *)r.added, &r3), CONF);
	vk_edit_result_clear(&r);
	vk_edit_result_clear(&r2);
	vk_edit_result_clear(&r3);
}

static void labelled_entry(void **state)
{
	const struct vk_entry_opts o = {.label = "Boot with VFIO"}, drop = {.label = "Boot with VFIO", .drop = true};
	struct vk_edit_result r = {0}, r2 = {0}, r3 = {0};
	const char *out = rf(CONF, &o, STRV("vfio-pci.ids=10de:1401"), NOSTRV, &r);

	/* A second entry; the default one boots as before. */
	assert_string_equal(
	    out, "\"Boot with standard options\"  \"ro root=PARTUUID=1 initrd=boot\\amd-ucode.img\"\n"
		 "\"Boot with VFIO\"  \"ro root=PARTUUID=1 initrd=boot\\amd-ucode.img vfio-pci.ids=10de:1401\"\n"
		 "\"Boot to single-user mode\"    \"ro root=PARTUUID=1 single\"\n# a comment\n");
	assert_strv_equal(r.added, STRV("Boot with VFIO"));
	/* Again: the entry exists and has the parameter. */
	assert_string_equal(rf(out, &o, STRV("vfio-pci.ids=10de:1401"), NOSTRV, &r2), out);
	assert_false(r2.changed);
	assert_string_equal(rf(out, &drop, NOSTRV, NOSTRV, &r3), CONF);
	vk_edit_result_clear(&r);
	vk_edit_result_clear(&r2);
	vk_edit_result_clear(&r3);
}

static void bad_lines(void **state)
{
	const struct vk_kparams p = {.add = STRV("a=1")};
	const struct vk_kparams q = {.add = STRV("a=\"b c\"")};
	struct vk_edit_result r = {0};

	assert_int_equal(vk_edit_refind("\"A\" \"ro\"\n\"B\" \"ro\n", NULL, &p, &r), -EBADMSG);
	assert_int_equal(r.line, 2);
	vk_edit_result_clear(&r);
	assert_int_equal(vk_edit_refind("\"A\" ro quiet\n", NULL, &p, &r), -EBADMSG);
	vk_edit_result_clear(&r);
	assert_int_equal(vk_edit_refind("# only a comment\n", NULL, &p, &r), -EBADMSG);
	vk_edit_result_clear(&r);
	/* rEFInd has no escape for a quote inside quotes. */
	assert_int_equal(vk_edit_refind("\"A\" \"ro\"\n", NULL, &q, &r), -EINVAL);
	vk_edit_result_clear(&r);
	/* Unquoted options gain quotes when they gain a word. */
	assert_string_equal(EDIT_OK(vk_edit_refind("\"A\" ro\n", NULL, &p, &r), &r), "\"A\" \"ro a=1\"\n");
	vk_edit_result_clear(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(default_entry),
	    cmocka_unit_test(labelled_entry),
	    cmocka_unit_test(bad_lines),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
