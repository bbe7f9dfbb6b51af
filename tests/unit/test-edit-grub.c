/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* /etc/default/grub: edits inside the existing quotes of the last assignment. */
#include "edit-helpers.h"

static char *grub(const char *in, enum vk_grub_var v, const char *const *add, const char *const *rm,
		  struct vk_edit_result *r)
{
	const struct vk_kparams p = {.add = add, .remove = rm};

	return EDIT_OK(vk_edit_grub(in, v, &p, r), r);
}

/* Applies, checks the expected text, idempotence, and that removing what was added restores
 * the input. */
static void check(const char *in, enum vk_grub_var v, const char *const *add, const char *const *rm, const char *want)
{
	struct vk_edit_result r = {0}, r2 = {0}, r3 = {0};
	const char *out = grub(in, v, add, rm, &r);

	assert_string_equal(out, want);
	assert_true(r.changed == !streq(strempty(in), want));
	assert_string_equal(grub(out, v, add, rm, &r2), out);
	assert_false(r2.changed);
	if (r.removed[0] == NULL)
		assert_string_equal(grub(out, v, NOSTRV, (const char *const *)r.added, &r3), strempty(in));
	vk_edit_result_clear(&r);
	vk_edit_result_clear(&r2);
	vk_edit_result_clear(&r3);
}

static void double_quotes(void **state)
{
	check("# comment\nGRUB_DEFAULT=0\nGRUB_CMDLINE_LINUX_DEFAULT=\"quiet splash\"\nGRUB_CMDLINE_LINUX=\"\"\n",
	      VK_GRUB_CMDLINE_LINUX_DEFAULT, STRV("intel_iommu=on", "iommu=pt"), NOSTRV,
	      "# comment\nGRUB_DEFAULT=0\nGRUB_CMDLINE_LINUX_DEFAULT=\"quiet splash intel_iommu=on iommu=pt\"\n"
	      "GRUB_CMDLINE_LINUX=\"\"\n");
	/* An empty value, trailing blanks kept where they were. */
	check("GRUB_CMDLINE_LINUX_DEFAULT=\"\"\n", VK_GRUB_CMDLINE_LINUX_DEFAULT, STRV("intel_iommu=on"), NOSTRV,
	      "GRUB_CMDLINE_LINUX_DEFAULT=\"intel_iommu=on\"\n");
	check("GRUB_CMDLINE_LINUX_DEFAULT=\"quiet  \"\n", VK_GRUB_CMDLINE_LINUX_DEFAULT, STRV("intel_iommu=on"), NOSTRV,
	      "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet intel_iommu=on  \"\n");
}

static void single_quotes_and_unquoted(void **state)
{
	struct vk_edit_result r = {0}, r2 = {0};

	check("GRUB_CMDLINE_LINUX_DEFAULT='quiet'\n", VK_GRUB_CMDLINE_LINUX_DEFAULT, STRV("intel_iommu=on"), NOSTRV,
	      "GRUB_CMDLINE_LINUX_DEFAULT='quiet intel_iommu=on'\n");
	/* Unquoted: a second word needs quotes; they stay after the removal (same shell value). */
	assert_string_equal(grub("GRUB_CMDLINE_LINUX_DEFAULT=quiet\n", VK_GRUB_CMDLINE_LINUX_DEFAULT,
				 STRV("intel_iommu=on"), NOSTRV, &r),
			    "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet intel_iommu=on\"\n");
	assert_string_equal(grub(r.text, VK_GRUB_CMDLINE_LINUX_DEFAULT, NOSTRV, (const char *const *)r.added, &r2),
			    "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n");
	vk_edit_result_clear(&r);
	vk_edit_result_clear(&r2);
	/* Unquoted and empty: one word needs no quotes. */
	check("GRUB_CMDLINE_LINUX_DEFAULT=\nX=1\n", VK_GRUB_CMDLINE_LINUX_DEFAULT, STRV("intel_iommu=on"), NOSTRV,
	      "GRUB_CMDLINE_LINUX_DEFAULT=intel_iommu=on\nX=1\n");
	/* A parameter with a kernel-quoted blank is escaped for the shell's double quotes. */
	check("GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n", VK_GRUB_CMDLINE_LINUX_DEFAULT,
	      STRV("acpi_osi=\"Windows 2015\""), NOSTRV,
	      "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet acpi_osi=\\\"Windows 2015\\\"\"\n");
}

static void last_assignment_wins(void **state)
{
	check("GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n#GRUB_CMDLINE_LINUX_DEFAULT=\"x\"\nGRUB_TIMEOUT=5\n"
	      "export GRUB_CMDLINE_LINUX_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT splash\"\n",
	      VK_GRUB_CMDLINE_LINUX_DEFAULT, STRV("intel_iommu=on"), NOSTRV,
	      "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n#GRUB_CMDLINE_LINUX_DEFAULT=\"x\"\nGRUB_TIMEOUT=5\n"
	      "export GRUB_CMDLINE_LINUX_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT splash intel_iommu=on\"\n");
	/* Command substitutions are single words, whatever blanks they hold. */
	check("GRUB_DISTRIBUTOR=`lsb_release -i -s 2> /dev/null || echo Debian`\n"
	      "GRUB_CMDLINE_LINUX_DEFAULT=\"$(echo a b) quiet\"\n",
	      VK_GRUB_CMDLINE_LINUX_DEFAULT, STRV("intel_iommu=on"), NOSTRV,
	      "GRUB_DISTRIBUTOR=`lsb_release -i -s 2> /dev/null || echo Debian`\n"
	      "GRUB_CMDLINE_LINUX_DEFAULT=\"$(echo a b) quiet intel_iommu=on\"\n");
}

static void absent_variable(void **state)
{
	check("GRUB_TIMEOUT=5\n", VK_GRUB_CMDLINE_LINUX_DEFAULT, STRV("intel_iommu=on", "iommu=pt"), NOSTRV,
	      "GRUB_TIMEOUT=5\n" VK_EDIT_MARKER "\nGRUB_CMDLINE_LINUX_DEFAULT=\"intel_iommu=on iommu=pt\"\n");
	/* No final newline: none added, so the removal gives back the same bytes. */
	check("GRUB_TIMEOUT=5", VK_GRUB_CMDLINE_LINUX_DEFAULT, STRV("intel_iommu=on"), NOSTRV,
	      "GRUB_TIMEOUT=5\n" VK_EDIT_MARKER "\nGRUB_CMDLINE_LINUX_DEFAULT=\"intel_iommu=on\"");
	check(NULL, VK_GRUB_CMDLINE_LINUX, STRV("intel_iommu=on"), NOSTRV,
	      VK_EDIT_MARKER "\nGRUB_CMDLINE_LINUX=\"intel_iommu=on\"\n");
}

static void linux_vs_default(void **state)
{
	const char *in = "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet iommu=pt\"\nGRUB_CMDLINE_LINUX=\"intel_iommu=on\"\n";

	/* Present in _LINUX: the default entries have it already. */
	check(in, VK_GRUB_CMDLINE_LINUX_DEFAULT, STRV("intel_iommu=on", "iommu=pt"), NOSTRV, in);
	/* Present only in _DEFAULT: recovery entries do not have it. */
	check(in, VK_GRUB_CMDLINE_LINUX, STRV("iommu=pt"), NOSTRV,
	      "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet iommu=pt\"\nGRUB_CMDLINE_LINUX=\"intel_iommu=on iommu=pt\"\n");
}

static void replace_and_remove(void **state)
{
	struct vk_edit_result r = {0};

	/* The new ids take the old ones' place; '-' and '_' are one in names. */
	check("GRUB_CMDLINE_LINUX_DEFAULT=\"quiet vfio_pci.ids=10de:2206 splash\"\n", VK_GRUB_CMDLINE_LINUX_DEFAULT,
	      STRV("vfio-pci.ids=10de:1401,10de:0fba"), STRV("vfio-pci.ids"),
	      "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet vfio-pci.ids=10de:1401,10de:0fba splash\"\n");
	/* Removals reach every assignment of both variables, comments are left alone. */
	assert_string_equal(
	    grub("GRUB_CMDLINE_LINUX=\"a vfio-pci.ids=1 b\"\n# GRUB_CMDLINE_LINUX=\"vfio-pci.ids=1\"\n"
		 "GRUB_CMDLINE_LINUX_DEFAULT=\"vfio-pci.ids=2\"\n",
		 VK_GRUB_CMDLINE_LINUX_DEFAULT, NOSTRV, STRV("vfio-pci.ids"), &r),
	    "GRUB_CMDLINE_LINUX=\"a b\"\n# GRUB_CMDLINE_LINUX=\"vfio-pci.ids=1\"\nGRUB_CMDLINE_LINUX_DEFAULT=\"\"\n");
	assert_strv_equal(r.removed, STRV("vfio-pci.ids=1", "vfio-pci.ids=2"));
	vk_edit_result_clear(&r);
	/* A whole parameter removes only that value. */
	assert_string_equal(grub("GRUB_CMDLINE_LINUX_DEFAULT=\"iommu=pt iommu=1\"\n", VK_GRUB_CMDLINE_LINUX_DEFAULT,
				 NOSTRV, STRV("iommu=pt"), &r),
			    "GRUB_CMDLINE_LINUX_DEFAULT=\"iommu=1\"\n");
	vk_edit_result_clear(&r);
}

static void refuses_bad_input(void **state)
{
	const struct vk_kparams p = {.add = STRV("intel_iommu=on")};
	struct vk_edit_result r = {0};

	assert_int_equal(vk_edit_grub("GRUB_TIMEOUT=5\nGRUB_CMDLINE_LINUX_DEFAULT=\"quiet\nGRUB_X=1\n",
				      VK_GRUB_CMDLINE_LINUX_DEFAULT, &p, &r),
			 -EBADMSG);
	assert_null(r.text);
	assert_int_equal(r.line, 2);
	assert_string_equal(r.error, "unterminated double quote");
	vk_edit_result_clear(&r);
	assert_int_equal(vk_edit_grub("GRUB_CMDLINE_LINUX='a\n", VK_GRUB_CMDLINE_LINUX_DEFAULT, &p, &r), -EBADMSG);
	assert_int_equal(r.line, 1);
	vk_edit_result_clear(&r);
	assert_int_equal(vk_edit_grub("A=$(echo\nGRUB_CMDLINE_LINUX=''\n", VK_GRUB_CMDLINE_LINUX_DEFAULT, &p, &r),
			 -EBADMSG);
	vk_edit_result_clear(&r);
	/* Valid shell, but no place to edit safely. */
	assert_int_equal(vk_edit_grub("GRUB_CMDLINE_LINUX_DEFAULT=\"a\"'b c'\n", VK_GRUB_CMDLINE_LINUX_DEFAULT, &p, &r),
			 -EBADMSG);
	vk_edit_result_clear(&r);
	/* A parameter single quotes cannot hold. */
	{
		const struct vk_kparams q = {.add = STRV("x='y'")};

		assert_int_equal(
		    vk_edit_grub("GRUB_CMDLINE_LINUX_DEFAULT='a'\n", VK_GRUB_CMDLINE_LINUX_DEFAULT, &q, &r), -EINVAL);
		vk_edit_result_clear(&r);
	}
	{
		const struct vk_kparams q = {.add = STRV("a b")};

		assert_int_equal(vk_edit_grub("", VK_GRUB_CMDLINE_LINUX_DEFAULT, &q, &r), -EINVAL);
		vk_edit_result_clear(&r);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(double_quotes),	    cmocka_unit_test(single_quotes_and_unquoted),
	    cmocka_unit_test(last_assignment_wins), cmocka_unit_test(absent_variable),
	    cmocka_unit_test(linux_vs_default),	    cmocka_unit_test(replace_and_remove),
	    cmocka_unit_test(refuses_bad_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
