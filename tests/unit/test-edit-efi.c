/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The kernel parameter engine's edge cases, seen through the plainest editor. */
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

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(engine),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
