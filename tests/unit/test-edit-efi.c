/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* kernelstub and EFI stub: commands, not files. */
#include "edit-helpers.h"

static void kernelstub(void **state)
{
	const struct vk_kparams p = {.add = STRV("intel_iommu=on", "iommu=pt"), .remove = STRV("vfio-pci.ids=1:2")};
	const struct vk_kparams none = {0};
	_cleanup_strv_free_ char **apply = NULL, **undo = NULL;

	assert_int_equal(vk_kernelstub_argv(&p, &apply, &undo), 0);
	assert_strv_equal(apply, STRV("kernelstub", "-d", "vfio-pci.ids=1:2", "-a", "intel_iommu=on iommu=pt"));
	assert_strv_equal(undo, STRV("kernelstub", "-d", "intel_iommu=on iommu=pt"));
	assert_int_equal(vk_kernelstub_argv(&none, &apply, &undo), -EINVAL);
}

static void efistub(void **state)
{
	const struct vk_kparams p = {.add = STRV("intel_iommu=on")};
	struct vk_efistub e = {.bootnum = "0003",
			       .disk = "/dev/nvme0n1",
			       .part = 1,
			       .label = "Arch Linux",
			       .loader = "\\vmlinuz-linux",
			       .cmdline = "root=UUID=1 rw initrd=\\initramfs-linux.img"};
	struct vk_edit_result r = {0};

	assert_int_equal(vk_efistub_commands(&e, &p, &r), 0);
	assert_string_equal(
	    r.text,
	    "efibootmgr --bootnum 0003 --delete-bootnum\n"
	    "efibootmgr --create --bootnum 0003 --disk /dev/nvme0n1 --part 1 --label 'Arch Linux' "
	    "--loader '\\vmlinuz-linux' --unicode 'root=UUID=1 rw initrd=\\initramfs-linux.img intel_iommu=on'\n");
	vk_edit_result_clear(&r);
	/* No initramfs: vfio-pci would not be early; refused. */
	e.cmdline = "root=UUID=1 rw";
	assert_int_equal(vk_efistub_commands(&e, &p, &r), -EINVAL);
	vk_edit_result_clear(&r);
	e.cmdline = "initrd=\\i";
	e.bootnum = "3";
	assert_int_equal(vk_efistub_commands(&e, &p, &r), -EINVAL);
	vk_edit_result_clear(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(kernelstub),
	    cmocka_unit_test(efistub),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
