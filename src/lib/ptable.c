/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A guest's partition table, read with libblkid and checked as untrusted input (ptable.h). */
#include <blkid/blkid.h>
#include <inttypes.h>
#include <stdarg.h>
#include <strings.h>
#include <zlib.h>

#include "ptable.h"
#include "util.h"

static const struct {
	const char *type, *name;
} type_names[] = {
	/* GPT type GUIDs (UEFI 2.10 table 5.7, Microsoft's "PARTITION_INFORMATION_GPT",
	 * the Discoverable Partitions Specification), as libblkid prints them. */
	{ "c12a7328-f81f-11d2-ba4b-00a0c93ec93b", "EFI System" },
	{ "e3c9e316-0b5c-4db8-817d-f92df00215ae", "Microsoft reserved" },
	{ "ebd0a0a2-b9e5-4433-87c0-68b6b72699c7", "Microsoft basic data" },
	{ "de94bba4-06d1-4d40-a16a-bfd50179d6ac", "Windows recovery environment" },
	{ "5808c8aa-7e8f-42e0-85d2-e1e90434cfb3", "Microsoft LDM metadata" },
	{ "af9b60a0-1431-4f62-bc68-3311714a69ad", "Microsoft LDM data" },
	{ "0fc63daf-8483-4772-8e79-3d69d8477de4", "Linux filesystem" },
	{ "4f68bce3-e8cd-4db1-96e7-fbcaf984b709", "Linux root (x86-64)" },
	{ "0657fd6d-a4ab-43c4-84e5-0933c84b4f4f", "Linux swap" },
	{ "e6d6d379-f507-44c2-a23c-238f2a3df928", "Linux LVM" },
	{ "a19d880f-05fc-4d3b-a006-743f0f84911e", "Linux RAID" },
	{ "bc13c2ff-59e6-4262-a352-b275fd6f7172", "Linux extended boot" },
	{ "21686148-6449-6e6f-744e-656564454649", "BIOS boot" },
	/* MBR system IDs (util-linux's include/pt-mbr-partnames.h). */
	{ "0x01", "FAT12" },
	{ "0x04", "FAT16 <32M" },
	{ "0x05", "Extended" },
	{ "0x06", "FAT16" },
	{ "0x07", "HPFS/NTFS/exFAT" },
	{ "0x0b", "W95 FAT32" },
	{ "0x0c", "W95 FAT32 (LBA)" },
	{ "0x0e", "W95 FAT16 (LBA)" },
	{ "0x0f", "W95 Ext'd (LBA)" },
	{ "0x27", "Hidden NTFS WinRE" },
	{ "0x82", "Linux swap" },
	{ "0x83", "Linux" },
	{ "0x85", "Linux extended" },
	{ "0x8e", "Linux LVM" },
	{ "0xef", "EFI (FAT-12/16/32)" },
	{ "0xfd", "Linux raid autodetect" },
};

static const char *type_name(const char *type)
{
	for (size_t i = 0; i < ELEMENTSOF(type_names); i++)
		if (strcasecmp(type_names[i].type, type) == 0)
			return type_names[i].name;
	return NULL;
}

const char *vk_ptable_type_name(const char *pttype)
{
	if (!pttype)
		return NULL;
	if (streq(pttype, "gpt"))
		return "GPT";
	if (streq(pttype, "dos"))
		return "MBR";
	return pttype;
}

void vk_ptable_free(struct vk_ptable *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n_parts; i++) {
		free(t->parts[i].type);
		free(t->parts[i].uuid);
		free(t->parts[i].name);
		free(t->parts[i].fstype);
		free(t->parts[i].label);
	}
	free(t->parts);
	free(t->pttype);
	free(t->ptuuid);
	free(t->fstype);
	free(t->usage);
	free(t->label);
	free(t->uuid);
	free(t);
}

size_t vk_ptable_count(const struct vk_ptable *t)
{
	size_t n = 0;

	for (size_t i = 0; i < t->n_parts; i++)
		n += !t->parts[i].container;
	return n;
}

VK_DEFINE_CLEANUP(blkid_probe, blkid_free_probe);
#define _cleanup_probe_ _cleanup_(blkid_free_probep)

static char *probe_value(blkid_probe pr, const char *name)
{
	const char *v;

	if (blkid_probe_lookup_value(pr, name, &v, NULL) < 0 || !v)
		return NULL;
	return strdup(v);
}

/* Every refusal goes through here: one translated line in *why, -EBADMSG. */
static int refuse(char **why, const char *fmt, ...) _printf_(2, 3);
static int refuse(char **why, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(why, fmt, ap);
	va_end(ap);
	if (n < 0) {
		*why = NULL;
		return -ENOMEM;
	}
	return -EBADMSG;
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

static int pread_exact(int fd, void *buf, size_t len, uint64_t off)
{
	size_t done = 0;

	while (done < len) {
		ssize_t k = pread(fd, (char *)buf + done, len - done, (off_t)(off + done));

		if (k < 0) {
			if (errno == EINTR)
				continue;
			return negative_errno();
		}
		if (k == 0)
			return -ENODATA; /* short: the device ends here */
		done += (size_t)k;
	}
	return 0;
}

/*
 * Re-reads the GPT header at @lba and its entry array with every size bounded, and checks
 * each used entry against the usable area. Returns the number of used entries, or a
 * refusal. @ss is the logical sector size libblkid used.
 */
static int gpt_check(int fd, uint64_t size, unsigned ss, uint64_t lba, char **why)
{
	_cleanup_free_ uint8_t *hdr = NULL, *array = NULL;
	uint64_t sectors = size / ss, my_lba, fu, lu, array_lba, array_bytes, array_sectors;
	uint32_t hsize, crc, n, esz, acrc;
	unsigned used = 0;
	int r;

	if (ss < 512 || ss > 65536 || (ss & (ss - 1)))
		return refuse(why, _("unusable logical sector size %u"), ss);
	hdr = malloc(ss);
	if (!hdr)
		return -ENOMEM;
	if (lba >= sectors)
		return refuse(why, _("the GPT header (sector %" PRIu64 ") lies past the end of the device (%" PRIu64
				     " sectors): the image is truncated"),
			      lba, sectors);
	r = pread_exact(fd, hdr, ss, lba * ss);
	if (r == -ENODATA)
		return refuse(why, _("the GPT header (sector %" PRIu64 ") is cut short: the image is truncated"), lba);
	if (r < 0)
		return r;
	if (memcmp(hdr, "EFI PART", 8) != 0)
		return refuse(why, _("a protective MBR announces a GPT, but sector %" PRIu64 " holds no GPT header"), lba);
	hsize = le32(hdr + 12);
	if (hsize < 92 || hsize > ss)
		return refuse(why, _("the GPT header size %" PRIu32 " is out of range (92 to %u bytes)"), hsize, ss);
	crc = le32(hdr + 16);
	memset(hdr + 16, 0, 4);
	if ((uint32_t)crc32(0, hdr, hsize) != crc)
		return refuse(why, _("the GPT header at sector %" PRIu64 " is damaged (checksum mismatch)"), lba);
	my_lba = le64(hdr + 24);
	fu = le64(hdr + 40);
	lu = le64(hdr + 48);
	array_lba = le64(hdr + 72);
	n = le32(hdr + 80);
	esz = le32(hdr + 84);
	acrc = le32(hdr + 88);

	if (my_lba != lba)
		return refuse(why, _("the GPT header at sector %" PRIu64 " says it is at sector %" PRIu64), lba, my_lba);
	if (n == 0 || n > VK_GPT_MAX_ENTRIES)
		return refuse(why, _("the GPT header claims %" PRIu32 " partition entries; vfiokit accepts 1 to %u"), n,
			      VK_GPT_MAX_ENTRIES);
	if (esz != 128)
		return refuse(why, _("the GPT entry size is %" PRIu32 " bytes; only 128 is supported"), esz);
	array_bytes = (uint64_t)n * esz;
	array_sectors = (array_bytes + ss - 1) / ss;
	if (array_lba >= sectors || array_sectors > sectors - array_lba)
		return refuse(why, _("the GPT entry array (sectors %" PRIu64 "-%" PRIu64 ") runs past the end of the device (%" PRIu64
				     " sectors): the image is truncated or the table was written for a bigger disk"),
			      array_lba, array_lba + array_sectors - 1, sectors);
	if (fu > lu || lu >= sectors)
		return refuse(why, _("the GPT's usable area (sectors %" PRIu64 "-%" PRIu64 ") does not fit in the device (%" PRIu64
				     " sectors): the image is truncated or the table was written for a bigger disk"),
			      fu, lu, sectors);
	array = malloc(array_bytes);
	if (!array)
		return -ENOMEM;
	r = pread_exact(fd, array, array_bytes, array_lba * ss);
	if (r == -ENODATA)
		return refuse(why, _("the GPT entry array is cut short: the image is truncated"));
	if (r < 0)
		return r;
	if ((uint32_t)crc32(0, array, (uInt)array_bytes) != acrc)
		return refuse(why, _("the GPT entry array is damaged (checksum mismatch)"));

	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *e = array + (size_t)i * esz;
		static const uint8_t zero[16];
		uint64_t first = le64(e + 32), last = le64(e + 40);

		if (memcmp(e, zero, 16) == 0)
			continue; /* an unused slot */
		if (last < first)
			return refuse(why, _("GPT entry %" PRIu32 " ends (sector %" PRIu64 ") before it starts (sector %" PRIu64 ")"),
				      i + 1, last, first);
		if (first < fu || last > lu)
			return refuse(why, _("GPT entry %" PRIu32 " (sectors %" PRIu64 "-%" PRIu64 ") lies outside the usable area (sectors %" PRIu64
					     "-%" PRIu64 ")"),
				      i + 1, first, last, fu, lu);
		if (i + 1 > VK_PTABLE_MAX_PARTNO)
			return refuse(why, _("GPT entry %" PRIu32 " is beyond the %u partitions the kernel can expose on one disk"),
				      i + 1, VK_PTABLE_MAX_PARTNO);
		used++;
	}
	return (int)used;
}

/* Why libblkid found a protective MBR but no usable GPT: our own reading of the primary. */
static int explain_pmbr(int fd, uint64_t size, unsigned ss, char **why)
{
	int r = gpt_check(fd, size, ss, 1, why);

	if (r < 0)
		return r;
	return refuse(why, _("the GPT is damaged: only its protective MBR can be read"));
}

static int probe_content(int fd, uint64_t off, uint64_t len, char **fstype, char **label)
{
	_cleanup_probe_ blkid_probe pr = blkid_new_probe();

	if (!pr)
		return -ENOMEM;
	/* Bounded to the partition: libblkid reads nothing outside [off, off + len). */
	if (blkid_probe_set_device(pr, fd, (blkid_loff_t)off, (blkid_loff_t)len) < 0)
		return -EIO;
	blkid_probe_enable_superblocks(pr, 1);
	blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_TYPE | BLKID_SUBLKS_LABEL);
	blkid_probe_enable_partitions(pr, 0);
	if (blkid_do_safeprobe(pr) == 0) {
		*fstype = probe_value(pr, "TYPE");
		*label = probe_value(pr, "LABEL");
	}
	return 0;
}

static int cmp_start(const void *a, const void *b)
{
	const struct vk_part *x = *(const struct vk_part *const *)a, *y = *(const struct vk_part *const *)b;

	return x->start < y->start ? -1 : x->start > y->start;
}

static int cmp_partno(const void *a, const void *b)
{
	const struct vk_part *x = a, *y = b;

	return x->partno < y->partno ? -1 : x->partno > y->partno;
}

static int validate(struct vk_ptable *t, char **why)
{
	_cleanup_free_ struct vk_part **by_start = NULL;
	const struct vk_part *container = NULL;
	size_t n = 0;

	for (size_t i = 0; i < t->n_parts; i++) {
		const struct vk_part *p = &t->parts[i];
		uint64_t first = p->start / 512, count = p->size / 512;

		if (p->partno == 0 || p->partno > VK_PTABLE_MAX_PARTNO)
			return refuse(why, _("partition %u: partition numbers above %u cannot be exposed by the kernel"),
				      p->partno, VK_PTABLE_MAX_PARTNO);
		if (i > 0 && t->parts[i - 1].partno == p->partno)
			return refuse(why, _("partition number %u appears twice"), p->partno);
		if (p->start == 0)
			return refuse(why, _("partition %u starts at sector 0, on top of the partition table"), p->partno);
		if (p->start > t->size || p->size > t->size - p->start)
			return refuse(why, _("partition %u (sectors %" PRIu64 "-%" PRIu64 ") runs past the end of the device (%" PRIu64
					     " sectors)"),
				      p->partno, first, first + count - 1, t->size / 512);
		if (p->container) {
			if (container)
				return refuse(why, _("the MBR holds two extended partitions (%u and %u)"), container->partno,
					      p->partno);
			container = p;
		}
	}
	by_start = calloc(t->n_parts + 1, sizeof(*by_start));
	if (!by_start)
		return -ENOMEM;
	for (size_t i = 0; i < t->n_parts; i++) {
		const struct vk_part *p = &t->parts[i];

		if (p->container)
			continue;
		/* MBR logical partitions (5 and up) must lie inside the extended partition. */
		if (streq(t->pttype, "dos") && p->partno > 4 &&
		    (!container || p->start < container->start ||
		     p->start + p->size > container->start + container->size))
			return refuse(why, _("logical partition %u (sectors %" PRIu64 "-%" PRIu64 ") lies outside its extended partition"),
				      p->partno, p->start / 512, (p->start + p->size) / 512 - 1);
		by_start[n++] = &t->parts[i];
	}
	qsort(by_start, n, sizeof(*by_start), cmp_start);
	for (size_t i = 1; i < n; i++) {
		const struct vk_part *a = by_start[i - 1], *b = by_start[i];

		if (a->start + a->size > b->start) {
			const struct vk_part *lo = a->partno < b->partno ? a : b, *hi = lo == a ? b : a;

			return refuse(why, _("partitions %u (sectors %" PRIu64 "-%" PRIu64 ") and %u (sectors %" PRIu64 "-%" PRIu64
					     ") overlap"),
				      lo->partno, lo->start / 512, (lo->start + lo->size) / 512 - 1, hi->partno, hi->start / 512,
				      (hi->start + hi->size) / 512 - 1);
		}
	}
	return 0;
}

int vk_ptable_read(int fd, uint64_t size, struct vk_ptable **ret, char **why)
{
	_cleanup_probe_ blkid_probe pr = NULL;
	_cleanup_ptable_ struct vk_ptable *t = NULL;
	blkid_partlist ls;
	blkid_parttable top;
	unsigned ss;
	int r, n;

	*why = NULL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->size = size;
	pr = blkid_new_probe();
	if (!pr)
		return -ENOMEM;
	if (blkid_probe_set_device(pr, fd, 0, (blkid_loff_t)size) < 0)
		return -EIO;
	blkid_probe_enable_superblocks(pr, 1);
	blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_TYPE | BLKID_SUBLKS_LABEL | BLKID_SUBLKS_UUID |
						      BLKID_SUBLKS_USAGE);
	blkid_probe_enable_partitions(pr, 1);
	blkid_probe_set_partitions_flags(pr, BLKID_PARTS_ENTRY_DETAILS);
	r = blkid_do_safeprobe(pr);
	if (r == -2)
		return refuse(why, _("several signatures (partition table and filesystem) were found at once; refusing to "
				     "guess which one is real"));
	if (r < 0)
		return -EIO;
	ss = blkid_probe_get_sectorsize(pr);
	t->pttype = probe_value(pr, "PTTYPE");
	if (!t->pttype) {
		/* No partition table: say what is there instead. */
		t->fstype = probe_value(pr, "TYPE");
		t->usage = probe_value(pr, "USAGE");
		t->label = probe_value(pr, "LABEL");
		t->uuid = probe_value(pr, "UUID");
		*ret = TAKE_PTR(t);
		return 0;
	}
	if (streq(t->pttype, "PMBR"))
		return explain_pmbr(fd, size, ss, why);
	if (!streq(t->pttype, "gpt") && !streq(t->pttype, "dos"))
		return refuse(why, _("the partition table is of type '%s'; vfiokit maps GPT and MBR tables only"), t->pttype);
	t->ptuuid = probe_value(pr, "PTUUID");

	ls = blkid_probe_get_partitions(pr);
	if (!ls)
		return refuse(why, _("libblkid cannot list the partitions of this %s table"), vk_ptable_type_name(t->pttype));
	top = blkid_partlist_get_table(ls);
	n = blkid_partlist_numof_partitions(ls);
	if (n < 0)
		return -EIO;
	t->parts = calloc((size_t)n + 1, sizeof(*t->parts));
	if (!t->parts)
		return -ENOMEM;
	for (int i = 0; i < n; i++) {
		blkid_partition p = blkid_partlist_get_partition(ls, i);
		struct vk_part *v;
		blkid_loff_t start, len;
		int partno;

		if (!p)
			return -EIO;
		/* Nested tables (a BSD label inside an MBR partition) belong to their partition:
		 * they are the partition's content, not entries of this table. */
		if (blkid_partition_get_table(p) != top)
			continue;
		start = blkid_partition_get_start(p);
		len = blkid_partition_get_size(p);
		partno = blkid_partition_get_partno(p);
		if (len <= 0)
			continue;
		if (start < 0 || partno < 0 || (uint64_t)start > UINT64_MAX / 512 || (uint64_t)len > UINT64_MAX / 512)
			return refuse(why, _("partition %d has an impossible position"), partno);
		v = &t->parts[t->n_parts++];
		v->partno = (unsigned)partno;
		v->start = (uint64_t)start * 512; /* libblkid counts 512-byte sectors */
		v->size = (uint64_t)len * 512;
		v->container = blkid_partition_is_extended(p);
		if (streq(t->pttype, "gpt")) {
			const char *s = blkid_partition_get_type_string(p);

			v->type = s ? strdup_lower(s) : NULL;
		} else
			v->type = xasprintf("0x%02x", (unsigned)blkid_partition_get_type(p));
		v->type_name = v->type ? type_name(v->type) : NULL;
		if (blkid_partition_get_uuid(p))
			v->uuid = strdup(blkid_partition_get_uuid(p));
		if (blkid_partition_get_name(p))
			v->name = strdup(blkid_partition_get_name(p));
	}
	qsort(t->parts, t->n_parts, sizeof(*t->parts), cmp_partno);
	r = validate(t, why);
	if (r < 0)
		return r;
	if (streq(t->pttype, "gpt")) {
		blkid_loff_t off = blkid_parttable_get_offset(top);
		size_t used = 0;

		if (off < 0 || ss == 0 || (uint64_t)off % ss)
			return refuse(why, _("libblkid reports the GPT at an impossible offset"));
		r = gpt_check(fd, size, ss, (uint64_t)off / ss, why);
		if (r < 0)
			return r;
		for (size_t i = 0; i < t->n_parts; i++)
			used += !t->parts[i].container;
		if ((size_t)r != used)
			return refuse(why, _("the GPT has %d used entries but only %zu could be read; refusing a partial table"), r,
				      used);
	}
	for (size_t i = 0; i < t->n_parts; i++) {
		struct vk_part *p = &t->parts[i];

		if (!p->container && (r = probe_content(fd, p->start, p->size, &p->fstype, &p->label)) < 0)
			return r;
	}
	*ret = TAKE_PTR(t);
	return 0;
}
