/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The root layer: links resolve inside the root, with openat2() and with the fallback. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "lib/root.h"
#include "lib/util.h"

static char tmpl[] = "/tmp/vk-test-root-XXXXXX";
static char *dir;

static void put(const char *rel, const char *data)
{
	_cleanup_free_ char *p = xasprintf("%s/%s", dir, rel);
	FILE *f = fopen(p, "we");

	assert_non_null(f);
	fputs(data, f);
	fclose(f);
}

static void mk(const char *rel)
{
	_cleanup_free_ char *p = xasprintf("%s/%s", dir, rel);
	assert_int_equal(mkdir(p, 0755), 0);
}

static void ln(const char *target, const char *rel)
{
	_cleanup_free_ char *p = xasprintf("%s/%s", dir, rel);
	assert_int_equal(symlink(target, p), 0);
}

static int setup(void **state)
{
	dir = mkdtemp(tmpl);
	assert_non_null(dir);
	mk("sys");
	mk("sys/devices");
	mk("sys/devices/pci0000:00");
	mk("sys/devices/pci0000:00/0000:01:00.0");
	put("sys/devices/pci0000:00/0000:01:00.0/vendor", "0x10de\n");
	mk("sys/bus");
	mk("sys/bus/pci");
	mk("sys/bus/pci/devices");
	ln("../../../devices/pci0000:00/0000:01:00.0", "sys/bus/pci/devices/0000:01:00.0");
	mk("sys/bus/pci/drivers");
	mk("sys/bus/pci/drivers/vfio-pci");
	ln("../../../bus/pci/drivers/vfio-pci", "sys/devices/pci0000:00/0000:01:00.0/driver");
	mk("etc");
	put("etc/os-release", "ID=fixture\n");
	/* Links that try to leave the root: absolute, and too many "..". */
	ln("/etc/os-release", "etc/abs-link");
	ln("../../../../../../../../etc/os-release", "sys/escape");
	ln("loop2", "etc/loop1");
	ln("loop1", "etc/loop2");
	put("etc/config", "old\n");
	{
		_cleanup_free_ char *config = xasprintf("%s/etc/config", dir);

		assert_int_equal(chmod(config, 0640), 0);
	}
	return 0;
}

static int teardown(void **state)
{
	rm_rf(dir);
	return 0;
}

static void reads_through_links(void **state)
{
	_cleanup_root_ struct vk_root *r = NULL;
	_cleanup_free_ char *v = NULL, *drv = NULL;

	assert_int_equal(vk_root_open(dir, &r), 0);
	assert_false(vk_root_is_host(r));
	assert_int_equal(vk_root_read_line(r, &v, "/sys/bus/pci/devices/%s/vendor", "0000:01:00.0"), 0);
	assert_string_equal(v, "0x10de");
	assert_int_equal(vk_root_readlink_base(r, &drv, "/sys/bus/pci/devices/0000:01:00.0/driver"), 0);
	assert_string_equal(drv, "vfio-pci");
	assert_int_equal(vk_root_exists(r, "/sys/bus/pci/devices/0000:01:00.0/driver"), 0);
	assert_int_equal(vk_root_exists(r, "/sys/bus/pci/devices/0000:02:00.0"), -ENOENT);
}

static void links_stay_inside(void **state)
{
	_cleanup_root_ struct vk_root *r = NULL;
	_cleanup_free_ char *a = NULL, *b = NULL;
	char *c = NULL;

	assert_int_equal(vk_root_open(dir, &r), 0);
	/* "/etc/os-release" inside the root, never the host's */
	assert_int_equal(vk_root_read_line(r, &a, "/etc/abs-link"), 0);
	assert_string_equal(a, "ID=fixture");
	assert_int_equal(vk_root_read_line(r, &b, "/sys/escape"), 0);
	assert_string_equal(b, "ID=fixture");
	assert_int_equal(vk_root_read_line(r, &c, "/../../../etc/os-release"), 0);
	assert_string_equal(c, "ID=fixture");
	free(c);
	assert_int_equal(vk_root_read_line(r, &c, "/etc/loop1"), -ELOOP);
}

static void atomic_writes(void **state)
{
	_cleanup_root_ struct vk_root *r = NULL;
	_cleanup_free_ char *v = NULL, *path = xasprintf("%s/etc/config", dir);
	_cleanup_strv_free_ char **names = NULL;
	struct stat st;

	assert_int_equal(vk_root_open(dir, &r), 0);
	assert_int_equal(vk_root_write_atomic(r, "/etc/config", "new\n", 4, 0644, 0), 0);
	assert_int_equal(vk_root_read_line(r, &v, "/etc/config"), 0);
	assert_string_equal(v, "new");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640); /* the old mode is kept */
	/* a symlink is refused, not followed */
	assert_int_equal(vk_root_write_atomic(r, "/etc/abs-link", "x", 1, 0644, 0), -ELOOP);
	assert_int_equal(vk_root_write_atomic(r, "/new/dir/file", "x", 1, 0600, VK_WRITE_MKDIR), 0);
	/* no temporary files are left behind */
	assert_int_equal(vk_root_list_dir(r, "/etc", &names), 0);
	for (char **n = names; *n; n++)
		assert_null(strstr(*n, ".vfiokit-"));
}

static void fallback_reads_through_links(void **state)
{
	vk_root_force_fallback(true);
	reads_through_links(state);
	links_stay_inside(state);
	vk_root_force_fallback(false);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reads_through_links),
		cmocka_unit_test(links_stay_inside),
		cmocka_unit_test(fallback_reads_through_links),
		cmocka_unit_test(atomic_writes),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
