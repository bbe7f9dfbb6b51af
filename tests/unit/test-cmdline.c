/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Kernel command line tokens, looked up the way the kernel does. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "lib/cmdline.h"
#include "lib/util.h"

static void split_with_quotes(void **state)
{
	_cleanup_strv_free_ char **t = NULL;

	assert_int_equal(vk_cmdline_split("  root=UUID=1 ro  quiet param=\"a b\" -- init-arg\n", &t), 0);
	assert_int_equal(strv_length(t), 4);
	assert_string_equal(t[0], "root=UUID=1");
	assert_string_equal(t[3], "param=\"a b\"");
}

static void lookups_treat_dash_as_underscore(void **state)
{
	_cleanup_strv_free_ char **t = NULL, **all = NULL;
	_cleanup_free_ char *v = NULL, *w = NULL;
	bool found;

	assert_int_equal(vk_cmdline_split("vfio-pci.ids=10de:1401 quiet vfio_pci.ids=10de:0fba intel_iommu=on", &t), 0);
	v = vk_cmdline_get(t, "vfio_pci.ids", &found);
	assert_true(found);
	assert_string_equal(v, "10de:0fba"); /* the last one wins */
	assert_int_equal(vk_cmdline_get_all(t, "vfio-pci.ids", &all), 0);
	assert_int_equal(strv_length(all), 2);
	w = vk_cmdline_get(t, "quiet", &found);
	assert_true(found);
	assert_null(w);
	assert_null(vk_cmdline_get(t, "amd_iommu", &found));
	assert_false(found);
	assert_true(vk_cmdline_name_eq("vfio-pci", "vfio_pci"));
	assert_false(vk_cmdline_name_eq("vfio-pci", "vfio_pc"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(split_with_quotes),
		cmocka_unit_test(lookups_treat_dash_as_underscore),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
