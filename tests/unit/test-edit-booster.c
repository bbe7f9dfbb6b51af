/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* /etc/booster.yaml modules_force_load. */
#include "edit-helpers.h"

#define VFIO STRV("vfio_pci", "vfio", "vfio_iommu_type1")

static void check(const char *in, const char *want)
{
	const struct vk_modreq m = {.modules = VFIO};
	struct vk_edit_result r = {0}, r2 = {0}, r3 = {0};

	assert_string_equal(EDIT_OK(vk_edit_booster(in, &m, &r), &r), want);
	assert_string_equal(EDIT_OK(vk_edit_booster(r.text, &m, &r2), &r2), want);
	assert_false(r2.changed);
	if (!r.moved[0]) {
		const struct vk_modreq undo = {.remove = (const char *const *)r.added};

		assert_string_equal(EDIT_OK(vk_edit_booster(r.text, &undo, &r3), &r3), strempty(in));
	}
	vk_edit_result_clear(&r);
	vk_edit_result_clear(&r2);
	vk_edit_result_clear(&r3);
}

static void key(void **state)
{
	check("compress: zstd -9 -T0\nmodules_force_load: usbhid\nuniversal: false\n",
	      "compress: zstd -9 -T0\nmodules_force_load: usbhid,vfio_pci,vfio,vfio_iommu_type1\nuniversal: false\n");
	check("modules_force_load: amdgpu, usbhid  # early\n",
	      "modules_force_load: vfio_pci,vfio,vfio_iommu_type1,amdgpu, usbhid  # early\n");
	check("modules_force_load: \"\"\n", "modules_force_load: \"vfio_pci,vfio,vfio_iommu_type1\"\n");
	/* Nothing after the colon: a blank goes before the value (and stays after an undo). */
	{
		const struct vk_modreq m = {.modules = VFIO};
		struct vk_edit_result r = {0};

		assert_string_equal(EDIT_OK(vk_edit_booster("modules_force_load:\n", &m, &r), &r),
				    "modules_force_load: vfio_pci,vfio,vfio_iommu_type1\n");
		vk_edit_result_clear(&r);
	}
	check("network:\n  dhcp: on\n",
	      "network:\n  dhcp: on\n" VK_EDIT_MARKER "\nmodules_force_load: vfio_pci,vfio,vfio_iommu_type1\n");
	check(NULL, VK_EDIT_MARKER "\nmodules_force_load: vfio_pci,vfio,vfio_iommu_type1\n");
	/* A nested key of that name is not booster's. */
	check("x:\n  modules_force_load: a\n",
	      "x:\n  modules_force_load: a\n" VK_EDIT_MARKER "\nmodules_force_load: vfio_pci,vfio,vfio_iommu_type1\n");
}

static void bad_input(void **state)
{
	const struct vk_modreq m = {.modules = VFIO};
	struct vk_edit_result r = {0};

	assert_int_equal(vk_edit_booster("modules_force_load: [a, b]\n", &m, &r), -EBADMSG);
	vk_edit_result_clear(&r);
	assert_int_equal(vk_edit_booster("modules_force_load:\n  - a\n", &m, &r), -EBADMSG);
	vk_edit_result_clear(&r);
	assert_int_equal(vk_edit_booster("a: 1\nmodules_force_load: \"a\n", &m, &r), -EBADMSG);
	assert_int_equal(r.line, 2);
	vk_edit_result_clear(&r);
	assert_int_equal(vk_edit_booster("modules_force_load: a\nmodules_force_load: b\n", &m, &r), -EBADMSG);
	vk_edit_result_clear(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(key),
	    cmocka_unit_test(bad_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
