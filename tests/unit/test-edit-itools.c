/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* /etc/initramfs-tools/modules. */
#include "edit-helpers.h"

#define VFIO   STRV("vfio_pci", "vfio", "vfio_iommu_type1")
#define HEADER "# List of modules that you want to include in your initramfs.\n#\n# Syntax:  module_name [args ...]\n\n"

static void check(const char *in, const struct vk_modreq *m, const char *want)
{
	struct vk_edit_result r = {0}, r2 = {0}, r3 = {0};

	assert_string_equal(EDIT_OK(vk_edit_itools(in, m, &r), &r), want);
	assert_string_equal(EDIT_OK(vk_edit_itools(r.text, m, &r2), &r2), want);
	assert_false(r2.changed);
	if (!r.moved[0] && !r.removed[0]) {
		const struct vk_modreq undo = {.remove = (const char *const *)r.added};

		assert_string_equal(EDIT_OK(vk_edit_itools(r.text, &undo, &r3), &r3), strempty(in));
	}
	vk_edit_result_clear(&r);
	vk_edit_result_clear(&r2);
	vk_edit_result_clear(&r3);
}

static void lines(void **state)
{
	const struct vk_modreq m = {.modules = VFIO, .obsolete = STRV("vfio_virqfd")};
	const struct vk_modreq old = {.modules = STRV("vfio_pci", "vfio", "vfio_iommu_type1", "vfio_virqfd")};

	check(HEADER, &m, HEADER "vfio_pci\nvfio\nvfio_iommu_type1\n");
	check(HEADER "vfio-pci\nvfio_iommu_type1\n", &m, HEADER "vfio-pci\nvfio_iommu_type1\nvfio\n");
	/* Before the first GPU driver, comments kept. */
	check(HEADER "virtio\n#atlantic\namdgpu\n", &m,
	      HEADER "virtio\n#atlantic\nvfio_pci\nvfio\nvfio_iommu_type1\namdgpu\n");
	/* Moved ahead of nouveau, with their arguments. */
	check("nouveau\nvfio_pci ids=10de:1401\nvfio\nvfio_iommu_type1\n", &m,
	      "vfio_pci ids=10de:1401\nvfio\nvfio_iommu_type1\nnouveau\n");
	/* vfio_virqfd: gone from 6.2 on, wanted before; no final newline kept. */
	check("vfio\nvfio_iommu_type1\nvfio_pci\nvfio_virqfd", &m, "vfio\nvfio_iommu_type1\nvfio_pci");
	check("vfio\nvfio_iommu_type1\nvfio_pci", &old, "vfio\nvfio_iommu_type1\nvfio_pci\nvfio_virqfd");
	check(NULL, &m, "vfio_pci\nvfio\nvfio_iommu_type1\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(lines),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
