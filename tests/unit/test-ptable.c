/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The guest's partition table as untrusted input: the images from make-images.sh, tables
 * built here byte by byte, and a seeded fuzz loop over a real GPT. Every table that is
 * accepted must be inside the device and free of overlaps; everything else must be one
 * -EBADMSG with a reason, never a crash (run under ASan/UBSan in the build-asan variant).
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <zlib.h>
#include <cmocka.h>

#include "lib/ptable.h"
#include "lib/util.h"

static const char *images;

/* Reads an image from make-images.sh; NULL (and the test skipped) when it was not made. */
static int open_image(const char *name)
{
	_cleanup_free_ char *p = NULL;

	if (!images)
		return -1;
	p = xasprintf("%s/%s", images, name);
	return open(p, O_RDONLY | O_CLOEXEC);
}

static int read_image(const char *name, struct vk_ptable **t, char **why)
{
	_cleanup_close_ int fd = open_image(name);
	struct stat st;

	if (fd < 0)
		return -ENOENT;
	assert_int_equal(fstat(fd, &st), 0);
	return vk_ptable_read(fd, (uint64_t)st.st_size, t, why);
}

#define NEED_IMAGE(name)                                               \
	do {                                                           \
		_cleanup_close_ int _fd = open_image(name);            \
		if (_fd < 0) {                                         \
			skip();                                        \
		}                                                      \
	} while (0)

/* The invariants of an accepted table. */
static void assert_sane(const struct vk_ptable *t)
{
	for (size_t i = 0; i < t->n_parts; i++) {
		const struct vk_part *a = &t->parts[i];

		assert_true(a->partno >= 1 && a->partno <= VK_PTABLE_MAX_PARTNO);
		assert_true(a->size > 0);
		assert_true(a->start > 0);
		assert_true(a->start <= t->size && a->size <= t->size - a->start);
		for (size_t k = i + 1; k < t->n_parts; k++) {
			const struct vk_part *b = &t->parts[k];

			assert_true(a->partno < b->partno);
			if (a->container || b->container)
				continue;
			assert_true(a->start + a->size <= b->start || b->start + b->size <= a->start);
		}
	}
}

static void good_gpt(void **state)
{
	_cleanup_ptable_ struct vk_ptable *t = NULL;
	_cleanup_free_ char *why = NULL;

	NEED_IMAGE("gpt.img");
	assert_int_equal(read_image("gpt.img", &t, &why), 0);
	assert_null(why);
	assert_string_equal(t->pttype, "gpt");
	assert_string_equal(t->ptuuid, "6b3e0c1a-2f4d-4c5b-9a8e-1d2c3b4a5f60");
	assert_int_equal(t->n_parts, 3);
	assert_int_equal(vk_ptable_count(t), 3);
	assert_int_equal(t->parts[1].partno, 2);
	assert_int_equal(t->parts[1].start, 34816ull * 512);
	assert_int_equal(t->parts[1].size, 65536ull * 512);
	assert_string_equal(t->parts[1].type_name, "Linux filesystem");
	assert_string_equal(t->parts[1].name, "root");
	assert_string_equal(t->parts[1].uuid, "11111111-2222-4333-8444-555555555502");
	if (t->parts[1].fstype) {
		assert_string_equal(t->parts[1].fstype, "ext4");
		assert_string_equal(t->parts[1].label, "guestroot");
	}
	assert_sane(t);
}

static void good_mbr_with_logicals(void **state)
{
	_cleanup_ptable_ struct vk_ptable *t = NULL;
	_cleanup_free_ char *why = NULL;

	NEED_IMAGE("mbr.img");
	assert_int_equal(read_image("mbr.img", &t, &why), 0);
	assert_string_equal(t->pttype, "dos");
	assert_int_equal(t->n_parts, 4);
	assert_true(t->parts[1].container);
	assert_int_equal(vk_ptable_count(t), 3);
	assert_int_equal(t->parts[2].partno, 5);
	assert_int_equal(t->parts[3].partno, 6);
	assert_string_equal(t->parts[3].type, "0x82");
	assert_sane(t);
}

static void windows_layout(void **state)
{
	_cleanup_ptable_ struct vk_ptable *t = NULL;
	_cleanup_free_ char *why = NULL;

	NEED_IMAGE("win.img");
	assert_int_equal(read_image("win.img", &t, &why), 0);
	assert_int_equal(t->n_parts, 4);
	assert_string_equal(t->parts[0].type_name, "EFI System");
	assert_string_equal(t->parts[1].type_name, "Microsoft reserved");
	assert_null(t->parts[1].fstype);
	assert_string_equal(t->parts[2].fstype, "ntfs");
	assert_string_equal(t->parts[2].label, "Windows");
	assert_string_equal(t->parts[3].type_name, "Windows recovery environment");
	assert_string_equal(t->parts[3].label, "Recovery");
}

static void no_table(void **state)
{
	_cleanup_ptable_ struct vk_ptable *t = NULL, *f = NULL;
	_cleanup_free_ char *why = NULL;

	NEED_IMAGE("empty.img");
	assert_int_equal(read_image("empty.img", &t, &why), 0);
	assert_null(t->pttype);
	assert_null(t->fstype);
	assert_int_equal(t->n_parts, 0);
	NEED_IMAGE("fs.img");
	assert_int_equal(read_image("fs.img", &f, &why), 0);
	assert_null(f->pttype);
	assert_string_equal(f->fstype, "ext4");
	assert_string_equal(f->usage, "filesystem");
	assert_string_equal(f->label, "games");
}

static void hostile_tables(void **state)
{
	static const struct {
		const char *image, *reason;
	} cases[] = {
		{ "bad-gpt-overlap.img", "partitions 1 (sectors 2048-10239) and 2 (sectors 8192-12287) overlap" },
		{ "bad-gpt-outside-usable.img", "GPT entry 2 (sectors 4096-16382) lies outside the usable area (sectors 34-16350)" },
		{ "bad-gpt-past-end.img", "does not fit in the device (16384 sectors)" },
		{ "bad-gpt-huge-count.img", "claims 2147483647 partition entries" },
		{ "bad-gpt-truncated.img", "runs past the end of the device (8 sectors)" },
		{ "bad-gpt-partno-high.img", "partition 301" },
		{ "bad-mbr-overlap.img", "overlap" },
		{ "bad-mbr-past-end.img", "partition 2 (sectors 8192-4294971391) runs past the end of the device (16384 sectors)" },
		{ "bad-mbr-logical-outside.img", "logical partition 5" },
	};

	NEED_IMAGE("bad-gpt-overlap.img");
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		_cleanup_ptable_ struct vk_ptable *t = NULL;
		_cleanup_free_ char *why = NULL;

		assert_int_equal(read_image(cases[i].image, &t, &why), -EBADMSG);
		assert_null(t);
		assert_non_null(why);
		if (!strstr(why, cases[i].reason))
			fail_msg("%s: '%s' does not say '%s'", cases[i].image, why, cases[i].reason);
		assert_null(strchr(why, '\n'));
	}
}

static void ebr_loop_stops(void **state)
{
	_cleanup_ptable_ struct vk_ptable *t = NULL;
	_cleanup_free_ char *why = NULL;

	NEED_IMAGE("bad-mbr-ebr-loop.img");
	assert_int_equal(read_image("bad-mbr-ebr-loop.img", &t, &why), 0);
	assert_int_equal(vk_ptable_count(t), 1);
	assert_sane(t);
}

/* ---- tables built here ---- */

static int memfile(const uint8_t *data, size_t len, uint64_t size)
{
	int fd = memfd_create("vk-ptable", MFD_CLOEXEC);

	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)size), 0);
	assert_int_equal(pwrite(fd, data, len, 0), (ssize_t)len);
	return fd;
}

static void mbr_entry(uint8_t *s, int slot, uint8_t type, uint32_t start, uint32_t count)
{
	uint8_t *e = s + 446 + 16 * slot;

	e[4] = type;
	for (int i = 0; i < 4; i++) {
		e[8 + i] = (uint8_t)(start >> (8 * i));
		e[12 + i] = (uint8_t)(count >> (8 * i));
	}
	s[510] = 0x55;
	s[511] = 0xaa;
}

static int read_mem(const uint8_t *data, size_t len, uint64_t size, struct vk_ptable **t, char **why)
{
	_cleanup_close_ int fd = memfile(data, len, size);

	return vk_ptable_read(fd, size, t, why);
}

static void mbr_built(void **state)
{
	uint8_t s[512] = {};
	struct vk_ptable *t = NULL;
	char *why = NULL;

	/* A plain valid one. */
	mbr_entry(s, 0, 0x07, 2048, 4096);
	mbr_entry(s, 1, 0x83, 8192, 4096);
	assert_int_equal(read_mem(s, sizeof(s), 16384 * 512, &t, &why), 0);
	assert_int_equal(vk_ptable_count(t), 2);
	assert_string_equal(t->parts[0].type_name, "HPFS/NTFS/exFAT");
	vk_ptable_free(t);
	t = NULL;

	/* Exactly up to the last sector is fine; one more is not. */
	memset(s, 0, sizeof(s));
	mbr_entry(s, 0, 0x83, 2048, 16384 - 2048);
	assert_int_equal(read_mem(s, sizeof(s), 16384 * 512, &t, &why), 0);
	vk_ptable_free(t);
	t = NULL;
	mbr_entry(s, 0, 0x83, 2048, 16384 - 2048 + 1);
	assert_int_equal(read_mem(s, sizeof(s), 16384 * 512, &t, &why), -EBADMSG);
	assert_non_null(strstr(why, "runs past the end"));
	free(why);
	why = NULL;

	/* A partition at sector 0 sits on the table itself. libblkid may drop it; if it
	 * does not, vfiokit refuses it. Either way nothing covers sector 0. */
	memset(s, 0, sizeof(s));
	mbr_entry(s, 0, 0x83, 0, 4096);
	mbr_entry(s, 1, 0x83, 8192, 1024);
	if (read_mem(s, sizeof(s), 16384 * 512, &t, &why) == 0) {
		for (size_t i = 0; i < t->n_parts; i++)
			assert_true(t->parts[i].start > 0);
		vk_ptable_free(t);
		t = NULL;
	} else
		assert_non_null(why);
	free(why);
	why = NULL;

	/* Entries of 32-bit extremes: start + count overflows 32 bits. */
	memset(s, 0, sizeof(s));
	mbr_entry(s, 0, 0x83, 0xffffff00u, 0xffffff00u);
	assert_int_equal(read_mem(s, sizeof(s), 16384 * 512, &t, &why), -EBADMSG);
	free(why);
}

static uint32_t rnd_state = 0x9e3779b9u;
static uint32_t rnd(void)
{
	/* xorshift32: a fixed sequence, so a failure is reproducible. */
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 17;
	rnd_state ^= rnd_state << 5;
	return rnd_state;
}

static void fix_gpt_crcs(uint8_t *img, size_t len)
{
	uint32_t n, esz, hsize;
	uint64_t array;

	if (len < 1024 || memcmp(img + 512, "EFI PART", 8) != 0)
		return;
	hsize = img[512 + 12] | img[512 + 13] << 8;
	n = (uint32_t)img[512 + 80] | (uint32_t)img[512 + 81] << 8 | (uint32_t)img[512 + 82] << 16 | (uint32_t)img[512 + 83] << 24;
	esz = (uint32_t)img[512 + 84] | (uint32_t)img[512 + 85] << 8;
	array = (uint64_t)img[512 + 72] | (uint64_t)img[512 + 73] << 8;
	if (esz && n && array * 512 + (uint64_t)n * esz <= len) {
		uint32_t c = (uint32_t)crc32(0, img + array * 512, (uInt)((uint64_t)n * esz));

		for (int i = 0; i < 4; i++)
			img[512 + 88 + i] = (uint8_t)(c >> (8 * i));
	}
	if (hsize >= 92 && hsize <= 512) {
		uint32_t c;

		memset(img + 512 + 16, 0, 4);
		c = (uint32_t)crc32(0, img + 512, hsize);
		for (int i = 0; i < 4; i++)
			img[512 + 16 + i] = (uint8_t)(c >> (8 * i));
	}
}

/*
 * Mutates the first 17 KiB of gpt.img (protective MBR, header, entry array) 3000 times:
 * random bytes, then CRCs fixed half of the time so the damage reaches the entries. Each
 * result is either refused with a reason or an accepted table that keeps the invariants.
 */
static void fuzz_gpt(void **state)
{
	_cleanup_close_ int src = open_image("gpt.img");
	uint8_t base[17408], img[17408];
	const uint64_t size = 64ull << 20;
	unsigned accepted = 0, refused = 0;

	if (src < 0)
		skip();
	assert_int_equal(pread(src, base, sizeof(base), 0), (ssize_t)sizeof(base));
	for (int iter = 0; iter < 3000; iter++) {
		struct vk_ptable *t = NULL;
		char *why = NULL;
		unsigned flips = 1 + rnd() % 8;
		int r;

		memcpy(img, base, sizeof(img));
		for (unsigned k = 0; k < flips; k++) {
			/* Aim at the interesting bytes: MBR entries, header fields, entry starts/ends. */
			static const unsigned hot[] = { 446, 454, 458, 512 + 12, 512 + 24, 512 + 40, 512 + 48, 512 + 72, 512 + 80,
							512 + 84, 1024 + 32, 1024 + 40, 1024 + 128 + 32, 1024 + 128 + 40, 1024 + 256 + 40 };
			unsigned pos = rnd() % 2 ? hot[rnd() % ELEMENTSOF(hot)] + rnd() % 8 : rnd() % (unsigned)sizeof(img);

			img[pos] = (uint8_t)rnd();
		}
		if (rnd() % 2)
			fix_gpt_crcs(img, sizeof(img));
		r = read_mem(img, sizeof(img), size, &t, &why);
		if (r == 0) {
			assert_sane(t);
			accepted++;
		} else {
			assert_true(r == -EBADMSG || r == -EIO);
			if (r == -EBADMSG) {
				assert_non_null(why);
				refused++;
			}
		}
		vk_ptable_free(t);
		free(why);
	}
	/* Both outcomes happen, or the fuzzing aimed nowhere. */
	assert_true(accepted > 0);
	assert_true(refused > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good_gpt),       cmocka_unit_test(good_mbr_with_logicals), cmocka_unit_test(windows_layout),
		cmocka_unit_test(no_table),       cmocka_unit_test(hostile_tables),         cmocka_unit_test(ebr_loop_stops),
		cmocka_unit_test(mbr_built),      cmocka_unit_test(fuzz_gpt),
	};

	images = getenv("VK_TEST_IMAGES");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
