/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* edit.c: the kernel parameter engine (seen through the plainest editor) and the module list helpers. */
#include "edit-helpers.h"

static char *kc(const char *in, const char *const *add, const char *const *rm)
{
	const struct vk_kparams p = {.add = add, .remove = rm};
	struct vk_edit_result r = {0};
	char *t;

	if (vk_edit_kcmdline(in, &p, &r) < 0)
		fail_msg("%s", strempty(r.error));
	t = TAKE_PTR(r.text);
	vk_edit_result_clear(&r);
	return t;
}

static void engine(void **state)
{
	_cleanup_free_ char *a = kc("", STRV("a=1", "b"), NOSTRV);
	_cleanup_free_ char *b = kc("  \n", STRV("a=1"), NOSTRV);
	_cleanup_free_ char *c = kc("x y z\n", NOSTRV, STRV("x", "z"));
	_cleanup_free_ char *d = kc("x=1 y x=2\n", STRV("x=3"), STRV("x"));
	_cleanup_free_ char *e = kc("x=\"a b\" y\n", STRV("x=\"a b\""), NOSTRV);
	_cleanup_free_ char *f = kc("x=1 x=1 y\n", STRV("x=1"), STRV("x"));
	_cleanup_free_ char *g = kc("y vfio-pci.ids=1\n", STRV("intel_iommu=on"), STRV("vfio_pci.ids"));
	_cleanup_free_ char *h = kc("vfio-pci.ids=1\n", STRV("intel_iommu=on"), STRV("vfio_pci.ids"));
	_cleanup_free_ char *i = kc("quiet=1 quiet\n", NOSTRV, STRV("quiet=1"));

	assert_string_equal(a, "a=1 b");
	assert_string_equal(b, "   a=1\n"); /* blanks only: appended after them */
	assert_string_equal(c, "y\n");
	assert_string_equal(d, "x=3 y\n");	 /* the first takes the new value, the second goes */
	assert_string_equal(e, "x=\"a b\" y\n"); /* kernel quotes group; present already */
	assert_string_equal(f, "x=1 y\n");	 /* a duplicate of a replaced parameter goes */
	assert_string_equal(g, "y intel_iommu=on\n");
	assert_string_equal(h, "intel_iommu=on\n"); /* all removed, the add takes the place */
	assert_string_equal(i, "quiet\n");
}

static void vfio_modules_by_kernel(void **state)
{
	_cleanup_strv_free_ char **m = NULL, **o = NULL, **m2 = NULL, **o2 = NULL;

	assert_int_equal(vk_vfio_modules("6.1.0-18-amd64", &m, &o), 0);
	assert_strv_equal(m, STRV("vfio_pci", "vfio", "vfio_iommu_type1", "vfio_virqfd"));
	assert_strv_equal(o, NOSTRV);
	assert_int_equal(vk_vfio_modules("6.12.9-arch1-1", &m2, &o2), 0);
	assert_strv_equal(m2, STRV("vfio_pci", "vfio", "vfio_iommu_type1"));
	assert_strv_equal(o2, STRV("vfio_virqfd"));
	strv_free(m2);
	strv_free(o2);
	assert_int_equal(vk_vfio_modules("6.2-rc1", &m2, &o2), 0);
	assert_strv_equal(o2, STRV("vfio_virqfd"));
	strv_free(m2);
	strv_free(o2);
	m2 = o2 = NULL;
	assert_int_equal(vk_vfio_modules("5.15.0-91-generic", &m2, NULL), 0);
	assert_int_equal(strv_length(m2), 4);
	assert_int_equal(vk_vfio_modules("linux", &m2, &o2), -EINVAL);
	assert_int_equal(vk_vfio_modules("6", &m2, &o2), -EINVAL);
	assert_true(vk_module_is_gpu_driver("nvidia_drm"));
	assert_true(vk_module_is_gpu_driver("amdgpu"));
	assert_true(vk_module_is_gpu_driver("i915"));
	assert_false(vk_module_is_gpu_driver("snd_hda_intel"));
	assert_false(vk_module_is_gpu_driver("vfio_pci"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(engine),
	    cmocka_unit_test(vfio_modules_by_kernel),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
