/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mkbadtable KIND OUT: writes a small disk image whose partition table is hostile in one
 * precise way, with every checksum right, so that the table gets past libblkid's CRC checks
 * and reaches vfiokit's own validation. sfdisk refuses to write any of these, hence this tool.
 *
 * The GPT layout follows the UEFI specification (2.10, section 5.3): protective MBR in LBA
 * 0, header in LBA 1, entry array from LBA 2, backup entries and header at the end; header
 * and entry-array CRC32s are zlib's crc32 (the same polynomial).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#define SECTOR 512u

struct gpt_entry_spec {
	uint32_t index; /* 0-based slot in the entry array */
	uint64_t first, last;
};

static void put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put_le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* "Microsoft basic data" EBD0A0A2-B9E5-4433-87C0-68B6B72699C7 in the on-disk mixed-endian form. */
static const uint8_t basic_data[16] = { 0xa2, 0xa0, 0xd0, 0xeb, 0xe5, 0xb9, 0x33, 0x44,
					0x87, 0xc0, 0x68, 0xb6, 0xb7, 0x26, 0x99, 0xc7 };

static void mbr_entry(uint8_t *mbr, int slot, uint8_t type, uint32_t start, uint32_t count)
{
	uint8_t *e = mbr + 446 + 16 * slot;

	memset(e, 0, 16);
	e[4] = type;
	put_le32(e + 8, start);
	put_le32(e + 12, count);
}

static void mbr_signature(uint8_t *sector)
{
	sector[510] = 0x55;
	sector[511] = 0xaa;
}

/*
 * Writes a GPT into @img (@sectors long): @n_entries slots of 128 bytes, the given entries,
 * @claimed_entries in the header (normally n_entries), first/last usable LBAs as given.
 * @backup: also write the backup header and entries at the end.
 */
static void write_gpt(uint8_t *img, uint64_t sectors, uint32_t n_entries, uint32_t claimed_entries,
		      uint64_t first_usable, uint64_t last_usable, const struct gpt_entry_spec *e, size_t n_e,
		      int backup)
{
	uint64_t array_sectors = ((uint64_t)n_entries * 128 + SECTOR - 1) / SECTOR;
	uint8_t *array = calloc(array_sectors, SECTOR);
	uint8_t *h = img + SECTOR;
	uint32_t array_crc;

	if (!array)
		exit(1);
	mbr_entry(img, 0, 0xee, 1, sectors - 1 > 0xffffffffu ? 0xffffffffu : (uint32_t)(sectors - 1));
	mbr_signature(img);

	for (size_t i = 0; i < n_e; i++) {
		uint8_t *p = array + 128 * (size_t)e[i].index;

		memcpy(p, basic_data, 16);
		for (int k = 0; k < 16; k++)
			p[16 + k] = (uint8_t)(0x11 * (i + 1) + k); /* unique partition GUID */
		put_le64(p + 32, e[i].first);
		put_le64(p + 40, e[i].last);
		put_le16(p + 56, 'x');
	}
	array_crc = (uint32_t)crc32(0, array, (uInt)((uint64_t)n_entries * 128));

	memset(h, 0, SECTOR);
	memcpy(h, "EFI PART", 8);
	put_le32(h + 8, 0x00010000);
	put_le32(h + 12, 92);
	put_le64(h + 24, 1);
	put_le64(h + 32, sectors - 1);
	put_le64(h + 40, first_usable);
	put_le64(h + 48, last_usable);
	for (int k = 0; k < 16; k++)
		h[56 + k] = (uint8_t)(0xa0 + k);
	put_le64(h + 72, 2);
	put_le32(h + 80, claimed_entries);
	put_le32(h + 84, 128);
	put_le32(h + 88, array_crc);
	put_le32(h + 16, (uint32_t)crc32(0, h, 92));
	if (2 + array_sectors <= sectors)
		memcpy(img + 2 * SECTOR, array, array_sectors * SECTOR);

	if (backup && sectors > array_sectors + 1) {
		uint8_t *bh = img + (sectors - 1) * SECTOR;
		uint64_t barray = sectors - 1 - array_sectors;

		memcpy(img + barray * SECTOR, array, array_sectors * SECTOR);
		memcpy(bh, h, SECTOR);
		put_le32(bh + 16, 0);
		put_le64(bh + 24, sectors - 1);
		put_le64(bh + 32, 1);
		put_le64(bh + 72, barray);
		put_le32(bh + 16, (uint32_t)crc32(0, bh, 92));
	}
	free(array);
}

static int write_image(const char *out, const uint8_t *img, size_t len, uint64_t file_size)
{
	int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0 || write(fd, img, len) != (ssize_t)len || ftruncate(fd, (off_t)file_size) < 0 || close(fd) < 0) {
		perror(out);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	/* 8 MiB images: 16384 sectors; the last usable LBA of a 128-entry GPT is 16350. */
	const uint64_t sectors = 16384;
	const uint64_t lu = sectors - 34;
	size_t len = sectors * SECTOR;
	uint64_t file_size = len;
	uint8_t *img;
	const char *kind;

	if (argc != 3) {
		fprintf(stderr, "usage: mkbadtable KIND OUT\n");
		return 2;
	}
	kind = argv[1];
	img = calloc(1, len);
	if (!img)
		return 1;

	if (!strcmp(kind, "gpt-overlap")) {
		/* Entries 1 and 2 share sectors 8192-10239. */
		const struct gpt_entry_spec e[] = { { 0, 2048, 10239 }, { 1, 8192, 12287 } };
		write_gpt(img, sectors, 128, 128, 34, lu, e, 2, 1);
	} else if (!strcmp(kind, "gpt-outside-usable")) {
		/* Entry 2 ends in the backup entry array, past the header's last usable LBA. */
		const struct gpt_entry_spec e[] = { { 0, 2048, 4095 }, { 1, 4096, sectors - 2 } };
		write_gpt(img, sectors, 128, 128, 34, lu, e, 2, 1);
	} else if (!strcmp(kind, "gpt-past-end")) {
		/* A header written for a 1 TiB disk on an 8 MiB device: the usable area and
		 * entry 2 run far past the end (what a truncated image or a table copied
		 * from a bigger disk looks like). */
		const uint64_t big = 2147483648ull;
		const struct gpt_entry_spec e[] = { { 0, 2048, 4095 }, { 1, 4096, big - 100 } };
		write_gpt(img, sectors, 128, 128, 34, big - 34, e, 2, 0);
	} else if (!strcmp(kind, "gpt-huge-count")) {
		/* The header claims 2^31 - 1 entries (256 GiB of entry array); the array CRC
		 * covers only what is there, so only a reader that trusts the count goes astray. */
		const struct gpt_entry_spec e[] = { { 0, 2048, 4095 } };
		write_gpt(img, sectors, 128, 0x7fffffff, 34, lu, e, 1, 0);
	} else if (!strcmp(kind, "gpt-truncated")) {
		/* A whole valid GPT for 8 MiB, cut after 4 KiB: the entry array is cut short. */
		const struct gpt_entry_spec e[] = { { 0, 2048, 4095 }, { 1, 4096, 8191 } };
		write_gpt(img, sectors, 128, 128, 34, lu, e, 2, 1);
		len = file_size = 4096;
	} else if (!strcmp(kind, "gpt-partno-high")) {
		/* 512 slots, one used at slot 300: partition number 301, past what the
		 * kernel allows on one disk (DISK_MAX_PARTS = 256). */
		const struct gpt_entry_spec e[] = { { 300, 2048, 4095 } };
		write_gpt(img, sectors, 512, 512, 130, sectors - 130, e, 1, 1);
	} else if (!strcmp(kind, "mbr-overlap")) {
		mbr_entry(img, 0, 0x07, 2048, 8192);
		mbr_entry(img, 1, 0x83, 8192, 4096);
		mbr_signature(img);
	} else if (!strcmp(kind, "mbr-past-end")) {
		mbr_entry(img, 0, 0x07, 2048, 4096);
		mbr_entry(img, 1, 0x83, 8192, 0xfffff000u);
		mbr_signature(img);
	} else if (!strcmp(kind, "mbr-logical-outside")) {
		/* An extended partition at 4096-8191 whose first EBR describes a logical
		 * partition reaching 2048 sectors past the container's end. */
		uint8_t *ebr = img + 4096 * SECTOR;

		mbr_entry(img, 0, 0x07, 2048, 2048);
		mbr_entry(img, 1, 0x05, 4096, 4096);
		mbr_signature(img);
		mbr_entry(ebr, 0, 0x83, 2048, 4096);
		mbr_signature(ebr);
	} else if (!strcmp(kind, "mbr-ebr-loop")) {
		/* An EBR chain that points back at itself: a reader without a limit loops
		 * forever; libblkid stops, and vfiokit must say what it found. */
		uint8_t *ebr = img + 4096 * SECTOR;

		mbr_entry(img, 0, 0x05, 4096, 8192);
		mbr_signature(img);
		mbr_entry(ebr, 0, 0x83, 64, 1024);
		mbr_entry(ebr, 1, 0x05, 0, 8192);
		mbr_signature(ebr);
	} else {
		fprintf(stderr, "mkbadtable: unknown kind '%s'\n", kind);
		return 2;
	}
	{
		int r = write_image(argv[2], img, len, file_size);

		free(img);
		return r;
	}
}
