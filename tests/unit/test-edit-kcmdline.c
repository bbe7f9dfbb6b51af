/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* /etc/kernel/cmdline. */
#include "edit-helpers.h"

static void kernel_cmdline(void **state)
{
	const struct vk_kparams p = {.add = STRV("intel_iommu=on", "vfio-pci.ids=10de:1401")};
	struct vk_edit_result r = {0}, r2 = {0}, r3 = {0};
	const char *in = "root=ZFS=rpool/ROOT/pve-1 boot=zfs intel_iommu=on iommu=pt\n";

	assert_string_equal(EDIT_OK(vk_edit_kcmdline(in, &p, &r), &r),
			    "root=ZFS=rpool/ROOT/pve-1 boot=zfs intel_iommu=on iommu=pt vfio-pci.ids=10de:1401\n");
	assert_strv_equal(r.added, STRV("vfio-pci.ids=10de:1401"));
	assert_string_equal(EDIT_OK(vk_edit_kcmdline(r.text, &p, &r2), &r2), r.text);
	assert_false(r2.changed);
	{
		const struct vk_kparams undo = {.remove = (const char *const *)r.added};

		assert_string_equal(EDIT_OK(vk_edit_kcmdline(r.text, &undo, &r3), &r3), in);
	}
	vk_edit_result_clear(&r);
	vk_edit_result_clear(&r2);
	vk_edit_result_clear(&r3);
	/* No final newline, several lines: kept as they are. */
	assert_string_equal(EDIT_OK(vk_edit_kcmdline("root=/dev/sda1\nquiet", &p, &r), &r),
			    "root=/dev/sda1\nquiet intel_iommu=on vfio-pci.ids=10de:1401");
	vk_edit_result_clear(&r);
	/* Init's arguments after "--" stay after it. */
	assert_string_equal(EDIT_OK(vk_edit_kcmdline("root=/dev/sda1 -- single\n", &p, &r), &r),
			    "root=/dev/sda1 intel_iommu=on vfio-pci.ids=10de:1401 -- single\n");
	vk_edit_result_clear(&r);
	assert_int_equal(vk_edit_kcmdline(NULL, &p, &r), -ENOENT);
	assert_non_null(r.error);
	vk_edit_result_clear(&r);
}

static void from_proc(void **state)
{
	_cleanup_free_ char *c =
	    vk_kcmdline_from_proc("BOOT_IMAGE=/vmlinuz-6.1 root=UUID=1 ro initrd=\\initrd.img quiet\n");

	assert_string_equal(c, "root=UUID=1 ro quiet\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(kernel_cmdline),
	    cmocka_unit_test(from_proc),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
