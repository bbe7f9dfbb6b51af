/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The disk checks as 'vm create' will call them: vk_disk_check() on the disk-host fixture
 * machine, findings by ID and status; name resolution; libvirt asked through its test
 * driver; sizes and map keys.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "lib/disk.h"
#include "lib/diskmap.h"
#include "lib/machine.h"
#include "lib/util.h"

static char tmpl[] = "/tmp/vk-test-disk-XXXXXX";
static char *dir, *rootdir, *node_xml;
static struct vk_root *root;

static int setup(void **state)
{
	_cleanup_free_ char *path = NULL, *text = NULL;
	_cleanup_root_ struct vk_root *any = NULL;
	const char *fixtures = getenv("VK_FIXTURES");
	struct vk_machine *m;

	assert_non_null(fixtures);
	dir = mkdtemp(tmpl);
	assert_non_null(dir);
	rootdir = xasprintf("%s/root", dir);
	path = xasprintf("%s/machines/disk-host.machine", fixtures);
	assert_int_equal(vk_root_open("/", &any), 0);
	assert_int_equal(vk_root_read_file(any, path, &text, NULL), 0);
	m = calloc(1, sizeof(*m));
	assert_non_null(m);
	assert_int_equal(vk_machine_parse(m, "disk-host.machine", text), 0);
	assert_int_equal(vk_machine_write_root(m, rootdir, "fixture"), 0);
	vk_machine_free(m);
	assert_int_equal(vk_root_open(rootdir, &root), 0);
	node_xml = xasprintf("test://%s/../cli/disk-check-libvirt/node.xml", fixtures);
	return 0;
}

static int teardown(void **state)
{
	vk_root_free(root);
	rm_rf(dir);
	free(rootdir);
	free(node_xml);
	return 0;
}

static struct vk_disk_report *check(const char *spec, const struct vk_disk_check_opts *opts)
{
	struct vk_disk_report *rep = NULL;

	assert_int_equal(vk_disk_check(root, spec, opts, &rep), 0);
	assert_non_null(rep);
	/* Every check answers, in the documented order. */
	{
		static const char *const ids[] = { "disk.mounted", "disk.fstab", "disk.crypttab", "disk.swap", "disk.holders",
						   "disk.root",    "disk.libvirt", "disk.size",   "disk.content", "disk.path" };

		assert_int_equal(rep->findings.n, ELEMENTSOF(ids));
		for (size_t i = 0; i < ELEMENTSOF(ids); i++) {
			assert_string_equal(rep->findings.items[i].id, ids[i]);
			assert_non_null(rep->findings.items[i].message);
			if (rep->findings.items[i].status == VK_STATUS_FAIL)
				assert_non_null(rep->findings.items[i].remedy);
		}
	}
	return rep;
}

static enum vk_status status(const struct vk_disk_report *rep, const char *id)
{
	const struct vk_finding *f = vk_report_get(&rep->findings, id);

	assert_non_null(f);
	return f->status;
}

static void clean_partition(void **state)
{
	struct vk_disk_report *rep = check("/dev/sdb2", NULL);

	assert_int_equal(vk_report_worst(&rep->findings), VK_STATUS_SKIP); /* only libvirt: not asked */
	assert_int_equal(status(rep, "disk.libvirt"), VK_STATUS_SKIP);
	assert_string_equal(rep->dev->kname, "sdb2");
	assert_string_equal(rep->dev->parent, "sdb");
	assert_true(rep->dev->is_partition);
	assert_int_equal(rep->dev->size, 500000000000ull);
	/* by-id before the WWN link, never by-uuid */
	assert_string_equal(rep->stable_path, "/dev/disk/by-id/ata-WDC_WD20EZBX-00AYRA0_WD-WX12A3456789-part2");
	vk_disk_report_free(rep);
}

static void each_way_of_being_used(void **state)
{
	static const struct {
		const char *spec, *id;
	} cases[] = {
		{ "/dev/sdb1", "disk.fstab" },   { "/dev/sdb3", "disk.mounted" }, { "/dev/sdb4", "disk.holders" },
		{ "/dev/sdb4", "disk.mounted" }, /* through the LV mounted on /srv/vms */
		{ "/dev/sdb5", "disk.crypttab" }, { "/dev/sda3", "disk.swap" },   { "/dev/sda2", "disk.root" },
		{ "/dev/sda", "disk.root" },     /* the whole disk under / */
		{ "/dev/sda", "disk.swap" },     { "/dev/sdb6", "disk.size" },
	};

	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		struct vk_disk_report *rep = check(cases[i].spec, NULL);

		if (status(rep, cases[i].id) != VK_STATUS_FAIL)
			fail_msg("%s: %s is not a failure: %s", cases[i].spec, cases[i].id,
				 vk_report_get(&rep->findings, cases[i].id)->message);
		vk_disk_report_free(rep);
	}
}

static void names_resolve_to_one_device(void **state)
{
	static const char *const specs[] = {
		"/dev/sdb2",
		"PARTUUID=8a1b2c3d-0002-4c5d-9e6f-7a8b9c0d1e02",
		"PARTUUID=8A1B2C3D-0002-4C5D-9E6F-7A8B9C0D1E02",
		"/dev/disk/by-id/wwn-0x50014ee2b1234567-part2",
		"/dev/disk/by-id/../by-id/ata-WDC_WD20EZBX-00AYRA0_WD-WX12A3456789-part2",
		"dev/sdb2", /* relative: to the root's "/" when the root is not the host */
	};

	for (size_t i = 0; i < ELEMENTSOF(specs); i++) {
		_cleanup_(vk_blockdev_freep) struct vk_blockdev *d = NULL;

		assert_int_equal(vk_blockdev_resolve(root, specs[i], &d), 0);
		assert_string_equal(d->kname, "sdb2");
		assert_string_equal(d->path, "/dev/sdb2");
		assert_int_equal(d->major, 8);
		assert_int_equal(d->minor, 18);
	}
	{
		_cleanup_(vk_blockdev_freep) struct vk_blockdev *d = NULL;

		assert_int_equal(vk_blockdev_resolve(root, "/dev/sdz9", &d), -ENOENT);
		assert_int_equal(vk_blockdev_resolve(root, "/sys/class/block/sdb", &d), -ENOTBLK);
		assert_int_equal(vk_blockdev_resolve(root, "UUID=nope", &d), -ENOENT);
		assert_int_equal(vk_blockdev_resolve(root, "", &d), -EINVAL);
		/* The LV name resolves to dm-0, and sdb4 is below it. */
		assert_int_equal(vk_blockdev_resolve(root, "/dev/mapper/vgdata-vms", &d), 0);
		assert_string_equal(d->kname, "dm-0");
	}
	{
		_cleanup_(vk_blockdev_freep) struct vk_blockdev *pv = NULL;

		assert_int_equal(vk_blockdev_resolve(root, "/dev/sdb4", &pv), 0);
		assert_true(vk_blockdev_under(root, "dm-0", pv));
		assert_true(vk_blockdev_under(root, "sdb4", pv));
		assert_false(vk_blockdev_under(root, "sdb3", pv));
	}
}

static void libvirt_is_asked(void **state)
{
	struct vk_disk_check_opts opts = { .connect = node_xml };
	struct vk_disk_report *rep;

	/* win11 runs on sdb2 (named by its by-id link in the domain XML). */
	rep = check("/dev/sdb2", &opts);
	assert_int_equal(status(rep, "disk.libvirt"), VK_STATUS_FAIL);
	assert_non_null(strstr(vk_report_get(&rep->findings, "disk.libvirt")->message, "'win11' (running"));
	vk_disk_report_free(rep);

	/* The whole disk sdb holds what win11 uses. */
	rep = check("/dev/sdb", &opts);
	assert_int_equal(status(rep, "disk.libvirt"), VK_STATUS_FAIL);
	vk_disk_report_free(rep);

	/* vm create re-checking win11's own disk: its own use does not count. */
	opts.own_domain = "win11";
	rep = check("/dev/sdb2", &opts);
	assert_int_equal(status(rep, "disk.libvirt"), VK_STATUS_PASS);
	vk_disk_report_free(rep);

	/* A shut-off domain's disk is still taken. */
	opts.own_domain = NULL;
	rep = check("/dev/nvme0n1", &opts);
	assert_int_equal(status(rep, "disk.libvirt"), VK_STATUS_FAIL);
	assert_non_null(strstr(vk_report_get(&rep->findings, "disk.libvirt")->message, "shut off"));
	vk_disk_report_free(rep);

	/* A libvirt that cannot be reached is a skip with the reason, never a pass. */
	opts.connect = "test:///nonexistent/node.xml";
	rep = check("/dev/sdb2", &opts);
	assert_int_equal(status(rep, "disk.libvirt"), VK_STATUS_SKIP);
	assert_non_null(strstr(vk_report_get(&rep->findings, "disk.libvirt")->message, "cannot connect to libvirt"));
	vk_disk_report_free(rep);
}

static void mounts_are_parsed(void **state)
{
	struct vk_mount *m = NULL;
	size_t n = 0;
	bool found = false;

	assert_int_equal(vk_mounts_read(root, &m, &n), 0);
	for (size_t i = 0; i < n; i++)
		if (streq(m[i].target, "/mnt/my games")) { /* \040 unescaped */
			found = true;
			assert_int_equal(m[i].major, 8);
			assert_int_equal(m[i].minor, 19);
			assert_string_equal(m[i].fstype, "ext4");
		}
	assert_true(found);
	vk_mounts_free(m, n);
}

static void sizes(void **state)
{
	static const struct {
		uint64_t bytes;
		const char *text;
	} cases[] = {
		{ 0, "0B" },          { 512, "512B" },         { 1024, "1K" },
		{ 1536, "1.5K" },     { 16ull << 20, "16M" },  { 500000000000ull, "465.7G" },
		{ 2ull << 40, "2T" }, { 1023, "1023B" },       { UINT64_MAX, "16E" },
	};

	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		_cleanup_free_ char *s = vk_format_size(cases[i].bytes);

		assert_string_equal(s, cases[i].text);
	}
}

static void map_keys(void **state)
{
	static const struct {
		const char *spec, *key;
	} cases[] = {
		{ "/dev/sdb2", "sdb2" },
		{ "/var/lib/libvirt/images/win 11.img", "win_11.img" },
		{ "../.hidden", "_hidden" },
		{ "a/b/c$(rm -rf)", "c__rm_-rf_" },
		{ "..", NULL },
		{ "/", NULL },
	};

	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		_cleanup_free_ char *k = vk_disk_map_key_from_spec(cases[i].spec);

		if (cases[i].key)
			assert_string_equal(k, cases[i].key);
		else
			assert_null(k);
	}
}

static void map_needs_the_live_host(void **state)
{
	_cleanup_(vk_blockdev_freep) struct vk_blockdev *d = NULL;
	struct vk_disk_mapping *m = NULL;
	char *why = NULL;

	assert_int_equal(vk_blockdev_resolve(root, "/dev/sdb2", &d), 0);
	assert_int_equal(vk_disk_map(root, "/run/vfiokit/disk", d, 0, &m, &why), -EXDEV);
	assert_null(m);
	assert_int_equal(vk_disk_unmap(root, "/run/vfiokit/disk", "sdb2", NULL, &why), -EXDEV);
	free(why);
}

static void findings(void **state)
{
	struct vk_report f = {};

	assert_int_equal(vk_report_worst(&f), VK_STATUS_PASS);
	assert_int_equal(vk_report_add(&f, "a", "title", VK_STATUS_PASS, NULL, NULL, "x %d", 1), 0);
	assert_int_equal(vk_report_add(&f, "b", "title", VK_STATUS_SKIP, NULL, NULL, "y"), 0);
	assert_int_equal(vk_report_worst(&f), VK_STATUS_SKIP);
	assert_int_equal(vk_report_add(&f, "c", "title", VK_STATUS_WARN, NULL, "do", "z"), 0);
	assert_int_equal(vk_report_worst(&f), VK_STATUS_WARN);
	assert_int_equal(vk_report_add(&f, "d", "title", VK_STATUS_FAIL, NULL, "do", "w"), 0);
	assert_int_equal(vk_report_worst(&f), VK_STATUS_FAIL);
	assert_string_equal(vk_report_get(&f, "a")->message, "x 1");
	assert_null(vk_report_get(&f, "e"));
	assert_string_equal(vk_status_name(VK_STATUS_SKIP), "skip");
	vk_report_clear(&f);
	assert_int_equal(f.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(clean_partition),
		cmocka_unit_test(each_way_of_being_used),
		cmocka_unit_test(names_resolve_to_one_device),
		cmocka_unit_test(libvirt_is_asked),
		cmocka_unit_test(mounts_are_parsed),
		cmocka_unit_test(sizes),
		cmocka_unit_test(map_keys),
		cmocka_unit_test(map_needs_the_live_host),
		cmocka_unit_test(findings),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
