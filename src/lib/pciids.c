/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Reverse lookups in pci.ids for `import` (format: the header of pci.ids itself). */
#include <ctype.h>
#include <fcntl.h>

#include "pciids.h"
#include "util.h"

struct entry {
	uint32_t a, b;  /* vendor/device, or class base/sub (b = 0x100 for a base class line) */
	char *name;
};

struct vk_pciids {
	struct entry *vendors, *devices, *classes;
	size_t n_vendors, n_devices, n_classes;
	char *text; /* names point into it */
};

static int add(struct entry **l, size_t *n, size_t *cap, uint32_t a, uint32_t b, char *name)
{
	if (*n == *cap) {
		struct entry *nl;

		*cap = *cap ? *cap * 2 : 1024;
		nl = realloc(*l, *cap * sizeof(**l));
		if (!nl)
			return -ENOMEM;
		*l = nl;
	}
	(*l)[(*n)++] = (struct entry){ a, b, name };
	return 0;
}

/* "1234  Name" -> id, name; returns false when the line is not of that shape. */
static bool split_id(char *p, unsigned digits, uint32_t *id, char **name)
{
	uint32_t v = 0;

	for (unsigned i = 0; i < digits; i++) {
		if (!isxdigit((unsigned char)p[i]))
			return false;
		v = v * 16 + (uint32_t)(isdigit((unsigned char)p[i]) ? p[i] - '0' : tolower((unsigned char)p[i]) - 'a' + 10);
	}
	if (p[digits] != ' ')
		return false;
	p += digits;
	while (*p == ' ')
		p++;
	*id = v;
	*name = p;
	return true;
}

int vk_pciids_parse(const char *text, struct vk_pciids **ret)
{
	struct vk_pciids *db = calloc(1, sizeof(*db));
	size_t cv = 0, cd = 0, cc = 0;
	uint32_t vendor = 0, base = 0;
	enum { NONE, VENDOR, CLASS } ctx = NONE;
	char *line, *save = NULL;

	if (!db || !(db->text = strdup(text))) {
		free(db);
		return -ENOMEM;
	}
	for (line = strtok_r(db->text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		uint32_t id;
		char *name;
		int r = 0;

		if (line[0] == '#' || line[0] == '\0')
			continue;
		if (line[0] == 'C' && line[1] == ' ') {
			ctx = split_id(line + 2, 2, &id, &name) ? CLASS : NONE;
			if (ctx == CLASS) {
				base = id;
				r = add(&db->classes, &db->n_classes, &cc, id, 0x100, name);
			}
		} else if (line[0] != '\t') {
			ctx = split_id(line, 4, &id, &name) ? VENDOR : NONE;
			if (ctx == VENDOR) {
				vendor = id;
				r = add(&db->vendors, &db->n_vendors, &cv, id, 0, name);
			}
		} else if (line[1] != '\t') {
			if (ctx == VENDOR && split_id(line + 1, 4, &id, &name))
				r = add(&db->devices, &db->n_devices, &cd, vendor, id, name);
			else if (ctx == CLASS && split_id(line + 1, 2, &id, &name))
				r = add(&db->classes, &db->n_classes, &cc, base, id, name);
		}
		if (r < 0) {
			vk_pciids_free(db);
			return r;
		}
	}
	*ret = db;
	return 0;
}

int vk_pciids_load(const struct vk_root *r, struct vk_pciids **ret)
{
	static const char *const paths[] = { "/usr/share/misc/pci.ids", "/usr/share/hwdata/pci.ids", "/usr/share/pci.ids" };
	_cleanup_root_ struct vk_root *host = NULL;
	const struct vk_root *where = r;

	for (int pass = 0; pass < 2; pass++) {
		if (pass == 1) {
			if (vk_root_is_host(r) || vk_root_open("/", &host) < 0)
				break;
			where = host;
		}
		for (size_t i = 0; i < ELEMENTSOF(paths); i++) {
			_cleanup_free_ char *text = NULL;
			int e = vk_root_read_file(where, paths[i], &text, NULL);

			if (e == 0)
				return vk_pciids_parse(text, ret);
			if (e != -ENOENT)
				return e;
		}
	}
	return -ENOENT;
}

void vk_pciids_free(struct vk_pciids *db)
{
	if (!db)
		return;
	free(db->vendors);
	free(db->devices);
	free(db->classes);
	free(db->text);
	free(db);
}

const char *vk_pciids_vendor_name(const struct vk_pciids *db, uint32_t vendor)
{
	for (size_t i = 0; db && i < db->n_vendors; i++)
		if (db->vendors[i].a == vendor)
			return db->vendors[i].name;
	return NULL;
}

const char *vk_pciids_device_name(const struct vk_pciids *db, uint32_t vendor, uint32_t device)
{
	for (size_t i = 0; db && i < db->n_devices; i++)
		if (db->devices[i].a == vendor && db->devices[i].b == device)
			return db->devices[i].name;
	return NULL;
}

const char *vk_pciids_class_name(const struct vk_pciids *db, uint32_t base)
{
	for (size_t i = 0; db && i < db->n_classes; i++)
		if (db->classes[i].a == base && db->classes[i].b == 0x100)
			return db->classes[i].name;
	return NULL;
}

const char *vk_pciids_subclass_name(const struct vk_pciids *db, uint32_t cls16)
{
	for (size_t i = 0; db && i < db->n_classes; i++)
		if (db->classes[i].a == (cls16 >> 8) && db->classes[i].b == (cls16 & 0xff))
			return db->classes[i].name;
	return NULL;
}

int32_t vk_pciids_vendor_prefix(const struct vk_pciids *db, const char *s, size_t *len)
{
	int32_t best = -1;
	size_t best_len = 0;

	for (size_t i = 0; db && i < db->n_vendors; i++) {
		size_t l = strlen(db->vendors[i].name);

		if (l > best_len && strneq(s, db->vendors[i].name, l) && (s[l] == ' ' || s[l] == '\0')) {
			best = (int32_t)db->vendors[i].a;
			best_len = l;
		}
	}
	if (len)
		*len = best_len;
	return best;
}

int32_t vk_pciids_device_by_name(const struct vk_pciids *db, uint32_t vendor, const char *name)
{
	int32_t found = -1;

	for (size_t i = 0; db && i < db->n_devices; i++)
		if (db->devices[i].a == vendor && streq(db->devices[i].name, name)) {
			if (found >= 0)
				return -1; /* ambiguous: two devices share the name */
			found = (int32_t)db->devices[i].b;
		}
	return found;
}

int32_t vk_pciids_class_by_name(const struct vk_pciids *db, const char *name)
{
	for (size_t i = 0; db && i < db->n_classes; i++)
		if (db->classes[i].b != 0x100 && streq(db->classes[i].name, name))
			return (int32_t)(db->classes[i].a << 8 | db->classes[i].b);
	return -1;
}
