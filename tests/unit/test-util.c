/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* String vectors, buffers, strict number parsers and CPU lists. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "lib/util.h"

static void numbers_are_strict(void **state)
{
	uint32_t v;
	int i;

	assert_int_equal(parse_hex_u32("0x10de\n", 0xffff, &v), 0);
	assert_int_equal(v, 0x10de);
	assert_int_equal(parse_hex_u32("10DE", 0xffff, &v), 0);
	assert_int_equal(parse_hex_u32("0x10000", 0xffff, &v), -ERANGE);
	assert_int_equal(parse_hex_u32("zz", 0xffff, &v), -EINVAL);
	assert_int_equal(parse_hex_u32("", 0xffff, &v), -EINVAL);
	assert_int_equal(parse_hex_u32("0x", 0xffff, &v), -EINVAL);
	assert_int_equal(parse_hex_u32("-1", 0xffff, &v), -EINVAL);
	assert_int_equal(parse_hex_u32("0x0x12", 0xffff, &v), -EINVAL);
	assert_int_equal(parse_hex_u32("12 34", 0xffff, &v), -EINVAL);
	assert_int_equal(safe_atoi(" 42 ", &i), 0);
	assert_int_equal(i, 42);
	assert_int_equal(safe_atoi("4x2", &i), -EINVAL);
	assert_int_equal(safe_atoi("99999999999", &i), -ERANGE);
}

static void cpulists(void **state)
{
	_cleanup_free_ unsigned *c = NULL;
	_cleanup_free_ char *s = NULL;
	size_t n;

	assert_int_equal(parse_cpulist("0-3,8-11\n", &c, &n), 0);
	assert_int_equal(n, 8);
	assert_int_equal(c[4], 8);
	s = format_cpulist(c, n);
	assert_string_equal(s, "0-3,8-11");
	free(c);
	c = NULL;
	assert_int_equal(parse_cpulist("3-1", &c, &n), -EINVAL);
	assert_int_equal(parse_cpulist("a", &c, &n), -EINVAL);
}

static void strv_and_strbuf(void **state)
{
	_cleanup_strv_free_ char **l = NULL;
	_cleanup_strbuf_ struct strbuf b = STRBUF_INIT;
	_cleanup_free_ char *j = NULL;

	assert_int_equal(strv_split("  a b\tc  ", " \t", &l), 0);
	assert_int_equal(strv_length(l), 3);
	j = strv_join((const char *const *)l, ",");
	assert_string_equal(j, "a,b,c");
	assert_true(strv_contains(l, "b"));
	strbuf_addf(&b, "%d-%s", 7, "x");
	strbuf_addc(&b, '!');
	assert_string_equal(b.s, "7-x!");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(numbers_are_strict),
		cmocka_unit_test(cpulists),
		cmocka_unit_test(strv_and_strbuf),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
