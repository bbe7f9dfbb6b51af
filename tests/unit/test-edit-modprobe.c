/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* modprobe.d: options and softdep lines. */
#include "edit-helpers.h"

static void own_file(void **state)
{
	const struct vk_modprobe_req q = {.module = "vfio-pci",
					  .options = STRV("ids=10de:1401,10de:0fba", "disable_vga=1"),
					  .softdep_pre = STRV("nouveau", "snd_hda_intel")};
	const struct vk_modprobe_req undo = {.module = "vfio-pci",
					     .remove_options = STRV("ids", "disable_vga"),
					     .remove_softdeps = STRV("nouveau", "snd_hda_intel")};
	struct vk_edit_result r = {0}, r2 = {0}, r3 = {0};

	assert_string_equal(EDIT_OK(vk_edit_modprobe(NULL, &q, &r), &r),
			    VK_MODPROBE_HEADER "\noptions vfio-pci ids=10de:1401,10de:0fba disable_vga=1\n"
					       "softdep nouveau pre: vfio-pci\nsoftdep snd_hda_intel pre: vfio-pci\n");
	assert_string_equal(EDIT_OK(vk_edit_modprobe(r.text, &q, &r2), &r2), r.text);
	assert_false(r2.changed);
	assert_int_equal(vk_edit_modprobe(r.text, &undo, &r3), 0);
	assert_null(r3.text); /* nothing but the header left: the file goes */
	vk_edit_result_clear(&r);
	vk_edit_result_clear(&r2);
	vk_edit_result_clear(&r3);
}

static void user_files(void **state)
{
	const struct vk_modprobe_req q = {
	    .module = "vfio-pci", .options = STRV("ids=10de:1401"), .softdep_pre = STRV("nvidia")};
	struct vk_edit_result r = {0}, r2 = {0};
	const char *in =
	    "#pass through\noptions vfio_pci ids=1002:683d,1002:aab0 disable_vga=1\nsoftdep nvidia post: x";

	/* ids replaced in place (vfio_pci == vfio-pci); the softdep line extended, not doubled
	 * (kmod reads only the first softdep line of a module). */
	assert_string_equal(
	    EDIT_OK(vk_edit_modprobe(in, &q, &r), &r),
	    "#pass through\noptions vfio_pci ids=10de:1401 disable_vga=1\nsoftdep nvidia pre: vfio-pci post: x");
	assert_strv_equal(r.removed, STRV("ids=1002:683d,1002:aab0"));
	vk_edit_result_clear(&r);
	{
		const char *in2 = "softdep nvidia pre: foo post: x\n# c\n";
		const struct vk_modprobe_req undo = {
		    .module = "vfio-pci", .remove_softdeps = STRV("nvidia"), .remove_options = STRV("ids")};

		assert_string_equal(EDIT_OK(vk_edit_modprobe(in2, &q, &r), &r),
				    "softdep nvidia pre: foo vfio-pci post: x\n# c\noptions vfio-pci ids=10de:1401\n");
		assert_string_equal(EDIT_OK(vk_edit_modprobe(r.text, &undo, &r2), &r2), in2);
		vk_edit_result_clear(&r);
		vk_edit_result_clear(&r2);
	}
	/* A parameter set twice: the second copy goes. */
	assert_string_equal(
	    EDIT_OK(vk_edit_modprobe("options vfio-pci ids=1\noptions vfio-pci ids=2 x=1\n", &q, &r), &r),
	    "options vfio-pci ids=10de:1401\noptions vfio-pci x=1\nsoftdep nvidia pre: vfio-pci\n");
	vk_edit_result_clear(&r);
	assert_string_equal(
	    EDIT_OK(vk_edit_modprobe("options vfio-pci ids=10de:1401\noptions vfio-pci ids=2\n", &q, &r), &r),
	    "options vfio-pci ids=10de:1401\nsoftdep nvidia pre: vfio-pci\n");
	vk_edit_result_clear(&r);
}

static void bad_input(void **state)
{
	const struct vk_modprobe_req q = {.module = "vfio-pci", .options = STRV("ids=1 2")};
	const struct vk_modprobe_req q2 = {.module = "vfio-pci", .options = STRV("ids=1")};
	struct vk_edit_result r = {0};

	assert_int_equal(vk_edit_modprobe(NULL, &q, &r), -EINVAL);
	vk_edit_result_clear(&r);
	assert_int_equal(vk_edit_modprobe("options vfio-pci \\\n ids=2\n", &q2, &r), -EOPNOTSUPP);
	assert_int_equal(r.line, 1);
	vk_edit_result_clear(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(own_file),
	    cmocka_unit_test(user_files),
	    cmocka_unit_test(bad_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
