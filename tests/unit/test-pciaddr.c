/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* PCI addresses as users type them. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "lib/pciaddr.h"

static void parse_short_and_full(void **state)
{
	struct vk_pci_addr a;
	char buf[VK_BDF_MAX];

	assert_int_equal(vk_pci_addr_parse("01:00.0", &a), 0);
	vk_pci_addr_format(&a, buf);
	assert_string_equal(buf, "0000:01:00.0");
	assert_int_equal(vk_pci_addr_parse("0000:0a:1f.7", &a), 0);
	assert_int_equal(a.bus, 0x0a);
	assert_int_equal(a.slot, 0x1f);
	assert_int_equal(a.function, 7);
	assert_int_equal(vk_pci_addr_parse(" 0A:00.1\n", &a), 0);
	vk_pci_addr_format_short(&a, buf);
	assert_string_equal(buf, "0a:00.1");
	/* VMD and other host bridges use domains above 0xffff */
	assert_int_equal(vk_pci_addr_parse("10000:e1:00.0", &a), 0);
	assert_int_equal(a.domain, 0x10000);
	vk_pci_addr_format_short(&a, buf);
	assert_string_equal(buf, "10000:e1:00.0");
	/* libvirt's nodedev names */
	assert_int_equal(vk_pci_addr_parse("pci_0000_01_00_1", &a), 0);
	assert_int_equal(a.function, 1);
}

static void reject_garbage(void **state)
{
	static const char *const bad[] = {
		"", "01:00", "01:00.8", "01:20.0", "100:00.0", "zz:00.0", "01:00.0x", "0000:01:00.0.1",
		"0000:100:00.0", ":00.0", "01-00.0", "pci_01_00_0", "0000:01:00.-1",
	};
	struct vk_pci_addr a;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(vk_pci_addr_parse(bad[i], &a), -EINVAL);
	assert_int_equal(vk_pci_addr_parse(NULL, &a), -EINVAL);
}

static void compare_and_slots(void **state)
{
	struct vk_pci_addr a, b;

	vk_pci_addr_parse("01:00.0", &a);
	vk_pci_addr_parse("01:00.1", &b);
	assert_true(vk_pci_addr_compare(&a, &b) < 0);
	assert_true(vk_pci_addr_same_slot(&a, &b));
	vk_pci_addr_parse("02:00.0", &b);
	assert_false(vk_pci_addr_same_slot(&a, &b));
	assert_true(vk_pci_addr_compare(&b, &a) > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_short_and_full),
		cmocka_unit_test(reject_garbage),
		cmocka_unit_test(compare_and_slots),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
