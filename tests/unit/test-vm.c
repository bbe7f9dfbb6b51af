/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vm create's host facts: disks and their safety, firmware descriptors, sizes, names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "lib/firmware.h"
#include "lib/machine.h"
#include "lib/util.h"
#include "lib/virt.h"
#include "lib/vm.h"

static char *tmpdir;

/* Expands fixture machines into a fresh root. */
static struct vk_root *fixture_root(const char *const *machines)
{
	struct vk_machine *m = calloc(1, sizeof(*m));
	_cleanup_free_ char *dir = NULL;
	struct vk_root *r = NULL;

	assert_non_null(m);
	for (const char *const *p = machines; *p; p++) {
		_cleanup_free_ char *path = xasprintf("%s/machines/%s.machine", getenv("VK_FIXTURES"), *p), *text = NULL;
		_cleanup_root_ struct vk_root *host = NULL;

		assert_int_equal(vk_root_open("/", &host), 0);
		assert_int_equal(vk_root_read_file(host, path, &text, NULL), 0);
		assert_int_equal(vk_machine_parse(m, path, text), 0);
	}
	dir = xasprintf("%s/root-%s", tmpdir, machines[0]);
	assert_int_equal(vk_machine_write_root(m, dir, "fixture"), 0);
	vk_machine_free(m);
	assert_int_equal(vk_root_open(dir, &r), 0);
	return r;
}

static int setup(void **state)
{
	tmpdir = strdup("/tmp/vfiokit-test-vm-XXXXXX");
	return tmpdir && mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	rm_rf(tmpdir);
	free(tmpdir);
	return 0;
}

static enum vk_disk_problem safety(struct vk_root *r, const char *arg, const char *want_path, const char *want_detail)
{
	struct vk_vm_disk d;
	enum vk_disk_problem p;
	_cleanup_free_ char *detail = NULL;

	assert_int_equal(vk_vm_disk_resolve(r, arg, &d), 0);
	if (want_path)
		assert_string_equal(d.path, want_path);
	assert_int_equal(vk_vm_disk_safety(r, &d, &p, &detail), 0);
	if (want_detail)
		assert_string_equal(strempty(detail), want_detail);
	vk_vm_disk_clear(&d);
	return p;
}

static void disks(void **state)
{
	static const char *const m[] = { "vm-disks", NULL };
	_cleanup_root_ struct vk_root *r = fixture_root(m);
	struct vk_vm_disk d;

	/* The guest's partition, named by kernel name or by a link: the same stable path. */
	assert_int_equal(safety(r, "/dev/sdb2", "/dev/disk/by-id/ata-WDC_WD20EZAZ-00GGJB0_WD-WXA1A12B3456-part2", NULL),
			 VK_DISK_SAFE);
	assert_int_equal(safety(r, "/dev/disk/by-partuuid/7c1f3a52-02",
				"/dev/disk/by-id/ata-WDC_WD20EZAZ-00GGJB0_WD-WXA1A12B3456-part2", NULL),
			 VK_DISK_SAFE);
	assert_int_equal(vk_vm_disk_resolve(r, "/dev/sdb2", &d), 0);
	assert_string_equal(d.name, "sdb2");
	assert_string_equal(d.parent, "sdb");
	assert_string_equal(d.devnum, "8:18");
	assert_true(d.stable);
	vk_vm_disk_clear(&d);
	assert_int_equal(safety(r, "/dev/sdc", "/dev/disk/by-id/ata-CT1000MX500SSD1_2024E4A1B2C3", NULL), VK_DISK_SAFE);

	/* Refusals. */
	assert_int_equal(safety(r, "/dev/sda", NULL, "/"), VK_DISK_ROOT);
	assert_int_equal(safety(r, "/dev/sda2", NULL, "/"), VK_DISK_MOUNTED);
	assert_int_equal(safety(r, "/dev/sda1", NULL, "/boot/efi"), VK_DISK_MOUNTED);
	assert_int_equal(safety(r, "/dev/sda3", NULL, "sda3"), VK_DISK_SWAP);
	assert_int_equal(safety(r, "/dev/sdb1", NULL, "/mnt/data"), VK_DISK_MOUNTED);
	assert_int_equal(safety(r, "/dev/sdb", NULL, "sdb1 on /mnt/data"), VK_DISK_PART_MOUNTED);
	assert_int_equal(safety(r, "/dev/sdb3", NULL, "dm-0"), VK_DISK_HELD);
	assert_int_equal(safety(r, "/dev/mapper/vg0-srv", "/dev/disk/by-id/dm-name-vg0-srv", "/srv"), VK_DISK_MOUNTED);

	/* No by-id link: the kernel name, flagged as unstable. */
	assert_int_equal(vk_vm_disk_resolve(r, "/dev/vdb", &d), 0);
	assert_string_equal(d.path, "/dev/vdb");
	assert_false(d.stable);
	vk_vm_disk_clear(&d);

	assert_int_equal(vk_vm_disk_resolve(r, "/dev/sdz", &d), -ENODEV);
	assert_int_equal(vk_vm_disk_resolve(r, "sdb2", &d), -EINVAL);
	assert_int_equal(vk_vm_disk_resolve(r, "/dev/../etc/passwd", &d), -EINVAL);
}

static void firmware(void **state)
{
	static const char *const debian[] = { "vm-firmware-debian", NULL }, *const legacy[] = { "vm-firmware-legacy", NULL };
	_cleanup_root_ struct vk_root *r = fixture_root(debian);
	_cleanup_root_ struct vk_root *old = fixture_root(legacy);
	struct vk_firmware *l = NULL, f;
	const struct vk_firmware *p;
	size_t n = 0;

	assert_int_equal(vk_firmware_list(r, &l, &n), 0);
	assert_int_equal(n, 3);
	/* libvirt's order is the file name's. */
	assert_string_equal(l[0].descriptor, "/usr/share/qemu/firmware/40-edk2-x86_64-secure-enrolled.json");
	assert_true(l[0].secure_boot && l[0].enrolled_keys && l[0].requires_smm);
	p = vk_firmware_pick(l, n, false);
	assert_non_null(p);
	assert_string_equal(p->code, "/usr/share/OVMF/OVMF_CODE_4M.fd");
	assert_string_equal(p->vars, "/usr/share/OVMF/OVMF_VARS_4M.fd");
	p = vk_firmware_pick(l, n, true);
	assert_string_equal(p->code, "/usr/share/OVMF/OVMF_CODE_4M.ms.fd");
	vk_firmware_free(l, n);

	assert_int_equal(vk_firmware_list(old, &l, &n), 0);
	assert_int_equal(n, 0);
	free(l);
	assert_int_equal(vk_firmware_known_paths(old, false, &f), 0);
	assert_string_equal(f.code, "/usr/share/edk2-ovmf/x64/OVMF_CODE.fd");
	assert_string_equal(f.vars, "/usr/share/edk2-ovmf/x64/OVMF_VARS.fd");
	vk_firmware_clear(&f);
	assert_int_equal(vk_firmware_known_paths(old, true, &f), -ENOENT);

	assert_true(vk_libvirt_has_firmware_autoselect(5002000));
	assert_false(vk_libvirt_has_firmware_autoselect(5001000));
	assert_true(vk_libvirt_has_firmware_autoselect(0));
	assert_false(vk_libvirt_has_firmware_features(7001000));
}

static void sizes_names_ids(void **state)
{
	uint64_t k;
	uint16_t v, p;
	unsigned long ver;
	char buf[32];

	assert_int_equal(vk_vm_parse_size("16G", &k), 0);
	assert_int_equal(k, 16ull << 20);
	assert_int_equal(vk_vm_parse_size("8192", &k), 0);
	assert_int_equal(k, 8ull << 20);
	assert_int_equal(vk_vm_parse_size("512MiB", &k), 0);
	assert_int_equal(k, 512ull << 10);
	assert_int_equal(vk_vm_parse_size("16GB", &k), -EINVAL);
	assert_int_equal(vk_vm_parse_size("-1G", &k), -EINVAL);
	assert_int_equal(vk_vm_parse_size("0", &k), -ERANGE);

	assert_int_equal(vk_vm_default_memory(16ull << 20, &k), 0);
	assert_int_equal(k, 8ull << 20);
	assert_int_equal(vk_vm_default_memory(64ull << 20, &k), 0);
	assert_int_equal(k, 32ull << 20);
	assert_int_equal(vk_vm_default_memory(10ull << 20, &k), 0);
	assert_int_equal(k, 6ull << 20);
	assert_int_equal(vk_vm_default_memory(4ull << 20, &k), -ERANGE);
	assert_int_equal(vk_vm_default_memory(0, &k), -ENODATA);

	assert_true(vk_vm_name_valid("win10"));
	assert_true(vk_vm_name_valid("a<b>&\"'c d"));
	assert_true(vk_vm_name_valid("gra\xc5\xbc\xc3\xb3\xc5\x82ka"));
	assert_false(vk_vm_name_valid(""));
	assert_false(vk_vm_name_valid("a/b"));
	assert_false(vk_vm_name_valid("a\nb"));
	assert_false(vk_vm_name_valid("\xc0\xaf"));
	assert_false(vk_vm_name_valid("a\xff"));

	assert_int_equal(vk_usb_id_parse("046d:c52b", &v, &p), 0);
	assert_int_equal(v, 0x046d);
	assert_int_equal(p, 0xc52b);
	assert_int_equal(vk_usb_id_parse("46d:c52b", &v, &p), -EINVAL);
	assert_int_equal(vk_usb_id_parse("046dc52b", &v, &p), -EINVAL);

	assert_int_equal(vk_virt_version_parse("9.0.0", &ver), 0);
	assert_int_equal(ver, 9000000);
	assert_int_equal(vk_virt_version_parse("5.2", &ver), 0);
	assert_int_equal(ver, 5002000);
	assert_int_equal(vk_virt_version_parse("5..2", &ver), -EINVAL);
	assert_int_equal(vk_virt_version_parse("x", &ver), -EINVAL);
	vk_virt_version_format(7010002, buf);
	assert_string_equal(buf, "7.10.2");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(disks),
		cmocka_unit_test(firmware),
		cmocka_unit_test(sizes_names_ids),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
