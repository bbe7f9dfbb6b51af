/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* dracut.conf and its drop-ins: force_drivers. */
#include "edit-helpers.h"

#define VFIO STRV("vfio_pci", "vfio", "vfio_iommu_type1")
#define MP   STRV("/etc/modprobe.d/vfiokit.conf")

static const char *dr(const char *in, const struct vk_modreq *m, const struct vk_modreq *items,
		      struct vk_edit_result *r)
{
	return EDIT_OK(vk_edit_dracut(in, m, items, r), r);
}

static void generated_dropin(void **state)
{
	const struct vk_modreq m = {.modules = VFIO}, items = {.modules = MP};
	const struct vk_modreq undo = {.remove = VFIO}, undo_items = {.remove = MP};
	struct vk_edit_result r = {0}, r2 = {0}, r3 = {0};
	const char *out = dr(NULL, &m, &items, &r);

	assert_true(startswith(out, "# "));
	assert_true(endswith(out, "\nforce_drivers+=\" vfio_pci vfio vfio_iommu_type1 \"\n"
				  "install_items+=\" /etc/modprobe.d/vfiokit.conf \"\n"));
	assert_strv_equal(r.added, VFIO);
	assert_string_equal(dr(out, &m, &items, &r2), out);
	assert_false(r2.changed);
	/* Everything taken back: the drop-in goes. */
	assert_int_equal(vk_edit_dracut(out, &undo, &undo_items, &r3), 0);
	assert_null(r3.text);
	assert_true(r3.changed);
	vk_edit_result_clear(&r);
	vk_edit_result_clear(&r2);
	vk_edit_result_clear(&r3);
}

static void existing_files(void **state)
{
	const struct vk_modreq m = {.modules = VFIO, .obsolete = STRV("vfio_virqfd")};
	struct vk_edit_result r = {0}, r2 = {0};
	const char *in = "hostonly=\"yes\"\ncompress=\"zstd\"";

	/* A user's list with a tab before the closing quote, GPU driver last: nothing to do. */
	assert_string_equal(dr("force_drivers+=\" vfio vfio_iommu_type1 vfio_pci amdgpu \t\"\n", &m, NULL, &r),
			    "force_drivers+=\" vfio vfio_iommu_type1 vfio_pci amdgpu \t\"\n");
	assert_false(r.changed);
	vk_edit_result_clear(&r);
	/* GPU driver first: the vfio modules go ahead of it. */
	assert_string_equal(dr("force_drivers+=\" amdgpu \"\n", &m, NULL, &r),
			    "force_drivers+=\" vfio_pci vfio vfio_iommu_type1 amdgpu \"\n");
	vk_edit_result_clear(&r);
	/* Obsolete modules leave every driver list; a new force_drivers line, no final newline kept. */
	assert_string_equal(dr("add_drivers+=\"vfio vfio_iommu_type1 vfio_pci vfio_virqfd\"", &m, NULL, &r),
			    "add_drivers+=\"vfio vfio_iommu_type1 vfio_pci\"\n" VK_EDIT_MARKER
			    "\nforce_drivers+=\" vfio_pci vfio vfio_iommu_type1 \"");
	vk_edit_result_clear(&r);
	assert_string_equal(dr(in, &m, NULL, &r), "hostonly=\"yes\"\ncompress=\"zstd\"\n" VK_EDIT_MARKER
						  "\nforce_drivers+=\" vfio_pci vfio vfio_iommu_type1 \"");
	{
		const struct vk_modreq undo = {.remove = (const char *const *)r.added};

		assert_string_equal(dr(r.text, &undo, NULL, &r2), in);
	}
	vk_edit_result_clear(&r);
	vk_edit_result_clear(&r2);
	/* An undo takes back force_drivers only, not a user's add_drivers. */
	{
		const struct vk_modreq undo = {.remove = VFIO};

		assert_string_equal(dr("add_drivers+=\" vfio_pci \"\nforce_drivers+=\" vfio_pci \"\n", &undo, NULL, &r),
				    "add_drivers+=\" vfio_pci \"\nforce_drivers+=\" \"\n");
		vk_edit_result_clear(&r);
	}
}

static void bad_input(void **state)
{
	const struct vk_modreq m = {.modules = VFIO};
	struct vk_edit_result r = {0};

	assert_int_equal(vk_edit_dracut("hostonly=\"yes\nx=1\n", &m, NULL, &r), -EBADMSG);
	assert_int_equal(r.line, 1);
	vk_edit_result_clear(&r);
	assert_int_equal(vk_edit_dracut("force_drivers=(vfio)\n", &m, NULL, &r), -EBADMSG);
	vk_edit_result_clear(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(generated_dropin),
	    cmocka_unit_test(existing_files),
	    cmocka_unit_test(bad_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
