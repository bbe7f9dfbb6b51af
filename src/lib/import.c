/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Reading the listings people paste on forums into a machine description:
 *  - the classic loop, one line per device: "IOMMU Group N BB:DD.F Class [cccc]: ... [vvvv:dddd]";
 *  - the two-line form ("IOMMU Group N:" then indented devices), ls-iommu's "IOMMU Group  N: ...";
 *  - "Group N:\t[vvvv:dddd] [R] BB:DD.F  Class  Name" with "USB:" child lines;
 *  - "### Group N ###" headers over plain `lspci` lines, "IOMMU GROUP N" over "(N) BB:DD.F";
 *  - per-IOMMU-unit trees ("IOMMU: dmar0" / "IOMMU Group: N" / "Group Device: ...");
 *  - lspci -nn, -nnk, -nnkq, -nkk and plain lspci blocks, alone or merged with a group listing.
 * Trailing whitespace, blank lines, '#' comments, shell prompts and a truncated last line
 * are tolerated; anything else unreadable is skipped with a warning naming the line.
 */
#include <ctype.h>

#include "machine.h"
#include "pciids.h"
#include "util.h"

struct lctx {
	struct vk_machine *m;
	const char *name;
	struct vk_pciids *db;
	int group;                /* from the last group header, -1 none */
	struct vk_mdev *dev;      /* the last device line, for its indented detail lines */
	bool kernel_info;         /* this input has lspci -k lines */
	bool continuation;        /* the previous line ended with '\' (a shell command) */
	bool any_ids;             /* some device line in this input carried [vvvv:dddd] */
	size_t first_dev;         /* m->n_devs before this input */
	unsigned n_lines, n_used;
	struct vk_pci_addr *seen; /* devices this input mentioned */
	size_t n_seen;
};

static bool is_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* "[10de:1401]" at @s: fills the IDs and returns the length consumed, 0 if not there. */
static size_t parse_bracket_ids(const char *s, int32_t *v, int32_t *d)
{
	if (s[0] != '[' || !is_hex(s + 1, 4) || s[5] != ':' || !is_hex(s + 6, 4) || s[10] != ']')
		return 0;
	*v = (int32_t)strtol(s + 1, NULL, 16);
	*d = (int32_t)strtol(s + 6, NULL, 16);
	return 11;
}

/* A PCI address at the start of @s, followed by whitespace or the end. */
static size_t parse_addr_prefix(const char *s, struct vk_pci_addr *a)
{
	size_t n = strcspn(s, " \t");
	_cleanup_free_ char *tok = xstrndup(s, n);

	if (!tok || n < 7 || vk_pci_addr_parse(tok, a) < 0)
		return 0;
	return n;
}

static void set_str(char **dst, const char *src)
{
	if (!*dst && src && *src)
		*dst = strdup(src);
}

static void note_seen(struct lctx *c, const struct vk_pci_addr *a)
{
	struct vk_pci_addr *n = realloc(c->seen, (c->n_seen + 1) * sizeof(*n));

	if (n) {
		c->seen = n;
		c->seen[c->n_seen++] = *a;
	}
}

/* Splits "Vendor Device name" using what the system's pci.ids knows of the vendor. */
static void split_names(struct lctx *c, struct vk_mdev *d, const char *s)
{
	const char *vn = d->vendor >= 0 ? vk_pciids_vendor_name(c->db, (uint32_t)d->vendor) : NULL;
	size_t l;

	if (vn && strneq(s, vn, (l = strlen(vn))) && (s[l] == ' ' || s[l] == '\0')) {
		const char *rest = s + l + strspn(s + l, " ");

		set_str(&d->vendor_name, vn);
		/* libpci prints "Device" for an ID its database lacks: not a name. */
		if (streq(rest, "Device"))
			d->device_unnamed = true;
		else if (*rest)
			set_str(&d->device_name, rest);
		return;
	}
	if (endswith(s, " Device")) {
		_cleanup_free_ char *v = xstrndup(s, strlen(s) - strlen(" Device"));

		set_str(&d->vendor_name, v);
		d->device_unnamed = true;
		return;
	}
	if (!streq(s, "Device"))
		/* A vendor the system does not know: the whole string, resolved in fix_vendor_names(). */
		set_str(&d->label, s);
}

/* Names without IDs (plain lspci): find the IDs in pci.ids, but only on an exact match. */
static void resolve_ids_by_name(struct lctx *c, struct vk_mdev *d, const char *s)
{
	size_t len = 0;
	int32_t v;
	const char *rest;

	/* "Intel Corporation Device 7ab0": lspci's form for an ID its database lacks. */
	{
		const char *sp = strrchr(s, ' ');

		if (sp && sp - s > 7 && strneq(sp - 7, " Device", 7) && strlen(sp + 1) == 4 && is_hex(sp + 1, 4)) {
			_cleanup_free_ char *vname = xstrndup(s, (size_t)(sp - 7 - s));

			v = vname ? vk_pciids_vendor_prefix(c->db, vname, &len) : -1;
			if (v >= 0 && len == strlen(vname)) {
				d->vendor = v;
				d->device = (int32_t)strtol(sp + 1, NULL, 16);
				d->device_unnamed = true;
				set_str(&d->vendor_name, vname);
				return;
			}
		}
	}
	v = vk_pciids_vendor_prefix(c->db, s, &len);
	if (v >= 0) {
		int32_t dev;

		rest = s + len + strspn(s + len, " ");
		dev = vk_pciids_device_by_name(c->db, (uint32_t)v, rest);
		if (dev >= 0) {
			d->vendor = v;
			d->device = dev;
			set_str(&d->vendor_name, vk_pciids_vendor_name(c->db, (uint32_t)v));
			set_str(&d->device_name, rest);
			return;
		}
	}
	set_str(&d->label, s);
}

static struct vk_mdev *device_at(struct lctx *c, const struct vk_pci_addr *a, unsigned lineno)
{
	bool created;
	struct vk_mdev *d = vk_machine_dev(c->m, a, &created);

	if (!d)
		return NULL;
	if (created)
		d->line = lineno;
	if (c->group >= 0) {
		if (d->group >= 0 && d->group != c->group) {
			char bdf[VK_BDF_MAX];

			vk_pci_addr_format_short(a, bdf);
			vk_machine_warn(c->m, c->name, lineno, _("'%s' was in group %d before, now in group %d; keeping %d"),
					bdf, d->group, c->group, d->group);
		} else
			d->group = c->group;
		c->m->groups_known = true;
	}
	note_seen(c, a);
	c->dev = d;
	c->n_used++;
	return d;
}

/* "Class name [cccc]: Vendor Device [vvvv:dddd] (rev xx) (prog-if xx [...])", after the address. */
static int parse_device_rest(struct lctx *c, struct vk_mdev *d, char *rest, unsigned lineno, bool last_line)
{
	char *colon, *cls, *name, *p;
	int32_t v = -1, dv = -1, progif = -1;
	uint32_t cls16 = 0;
	bool have_cls = false;

	rest = strstrip(rest);
	/* "- Generic system peripheral [0807]: ..." in per-unit trees */
	if (rest[0] == '-' && rest[1] == ' ')
		rest = strstrip(rest + 2);
	colon = strstr(rest, ": ");
	if (!colon && endswith(rest, ":"))
		colon = rest + strlen(rest) - 1;
	if (!colon) {
		vk_machine_warn(c->m, c->name, lineno, _("no class in device line%s, keeping only the address"),
				last_line ? _(" (truncated line?)") : "");
		return 0;
	}
	*colon = '\0';
	cls = strstrip(rest);
	name = strstrip(colon + 1);

	/* The class: "VGA compatible controller [0300]", or "0300" (lspci -n), or a bare name. */
	p = strrchr(cls, '[');
	if (p && strlen(p) == 6 && p[5] == ']' && is_hex(p + 1, 4)) {
		cls16 = (uint32_t)strtol(p + 1, NULL, 16);
		have_cls = true;
		*p = '\0';
		cls = strstrip(cls);
		set_str(&d->class_name, cls);
	} else if (strlen(cls) == 4 && is_hex(cls, 4)) {
		cls16 = (uint32_t)strtol(cls, NULL, 16);
		have_cls = true;
	} else {
		int32_t k = vk_pciids_class_by_name(c->db, cls);

		set_str(&d->class_name, cls);
		if (k >= 0) {
			cls16 = (uint32_t)k;
			have_cls = true;
		} else
			vk_machine_warn(c->m, c->name, lineno, _("unknown class name '%s', treating the class as unknown"), cls);
	}

	/* Trailing "(prog-if 30 [XHCI])" and "(rev a1)", in either order. */
	for (bool more = true; more;) {
		size_t n = strlen(name);
		char *open = strrchr(name, '(');

		more = false;
		if (!open || name[n - 1] != ')')
			break;
		if (strneq(open, "(rev ", 5) && n - (size_t)(open - name) == 8 && is_hex(open + 5, 2)) {
			d->revision = (int16_t)strtol(open + 5, NULL, 16);
			*open = '\0';
			more = true;
		} else if (strneq(open, "(prog-if ", 9)) {
			/* "(prog-if 30 [XHCI])": the '(' found was inside the brackets' name */
			progif = (int32_t)strtol(open + 9, NULL, 16);
			*open = '\0';
			more = true;
		} else {
			char *pi = strstr(name, " (prog-if ");

			if (pi && is_hex(pi + 10, 2)) {
				progif = (int32_t)strtol(pi + 10, NULL, 16);
				*pi = '\0';
				more = true;
			}
		}
		name = strstrip(name);
	}
	if (have_cls)
		d->class = (int32_t)(cls16 << 8 | (progif >= 0 ? (uint32_t)progif : 0));

	/* "Vendor Device [vvvv:dddd]", or just "vvvv:dddd" (lspci -n) */
	{
		size_t n = strlen(name);

		if (n >= 11 && parse_bracket_ids(name + n - 11, &v, &dv)) {
			name[n - 11] = '\0';
			name = strstrip(name);
		} else if (n == 9 && is_hex(name, 4) && name[4] == ':' && is_hex(name + 5, 4)) {
			v = (int32_t)strtol(name, NULL, 16);
			dv = (int32_t)strtol(name + 5, NULL, 16);
			name[0] = '\0';
		}
	}
	if (v >= 0) {
		if (d->vendor >= 0 && (d->vendor != v || d->device != dv))
			vk_machine_warn(c->m, c->name, lineno, _("conflicting IDs [%04x:%04x] for a device listed as [%04x:%04x], keeping the first"),
					(unsigned)v, (unsigned)dv, (unsigned)d->vendor, (unsigned)d->device);
		else {
			d->vendor = v;
			d->device = dv;
		}
		c->any_ids = true;
		if (*name)
			split_names(c, d, name);
	} else if (*name) {
		if (c->any_ids && last_line)
			vk_machine_warn(c->m, c->name, lineno, _("no [vendor:device] IDs (truncated line?), keeping the name"));
		if (d->vendor < 0)
			resolve_ids_by_name(c, d, name);
	}
	return 0;
}

/* "[8086:43ed]     00:14.0  USB controller      Tiger Lake-H USB 3.2 ..." (r15ch13's iommu.sh) */
static int parse_bracket_line(struct lctx *c, char *s, unsigned lineno)
{
	struct vk_pci_addr a;
	int32_t v, dv;
	size_t n = parse_bracket_ids(s, &v, &dv);
	struct vk_mdev *d;
	char *cls, *name, *gap;

	s += n;
	s += strspn(s, " \t");
	if (strneq(s, "[R]", 3))
		s += 3 + strspn(s + 3, " \t");
	n = parse_addr_prefix(s, &a);
	if (!n)
		return vk_machine_warn(c->m, c->name, lineno, _("no PCI address after the IDs, skipping the line"));
	d = device_at(c, &a, lineno);
	if (!d)
		return -ENOMEM;
	d->vendor = v;
	d->device = dv;
	c->any_ids = true;
	cls = strstrip(s + n);
	/* class and name are columns padded with two or more spaces */
	gap = strstr(cls, "  ");
	name = gap ? strstrip(gap) : NULL;
	if (gap)
		*gap = '\0';
	{
		int32_t k = vk_pciids_class_by_name(c->db, cls);

		set_str(&d->class_name, cls);
		if (k >= 0)
			d->class = k << 8;
		else
			vk_machine_warn(c->m, c->name, lineno, _("unknown class name '%s', treating the class as unknown"), cls);
	}
	if (name && strneq(name, "Device ", 7) && strlen(name) == 11 && is_hex(name + 7, 4))
		d->device_unnamed = true;
	else if (name && *name)
		set_str(&d->device_name, name);
	return 0;
}

/* "USB:\t\t[1d6b:0002]\t\t Bus 001 Device 001    Linux Foundation 2.0 root hub" */
static int parse_usb_line(struct lctx *c, char *s, unsigned lineno)
{
	struct vk_usb_dev u = { .vendor = -1, .product = -1 };
	struct vk_usb_dev *nu;
	size_t n;
	char *p;

	s = strstrip(s + 4);
	n = parse_bracket_ids(s, &u.vendor, &u.product);
	if (!n || !c->dev)
		return vk_machine_warn(c->m, c->name, lineno, _("USB line without a controller before it, skipping"));
	p = strstrip(s + n);
	if (sscanf(p, "Bus %u Device %u", &u.bus, &u.devnum) != 2)
		return vk_machine_warn(c->m, c->name, lineno, _("USB line without 'Bus N Device N', skipping"));
	p = strstr(p, "Device ");
	p += strlen("Device ");
	p += strspn(p, "0123456789");
	p = strstrip(p);
	u.name = *p ? strdup(p) : NULL;
	nu = realloc(c->dev->usb, (c->dev->n_usb + 1) * sizeof(*nu));
	if (!nu) {
		free(u.name);
		return -ENOMEM;
	}
	c->dev->usb = nu;
	c->dev->usb[c->dev->n_usb++] = u;
	c->n_used++;
	return 0;
}

/* Indented lspci -k / -v detail lines under the last device. */
static bool parse_detail_line(struct lctx *c, const char *s)
{
	const char *v;

	if (!c->dev)
		return false;
	if ((v = startswith(s, "Kernel driver in use:"))) {
		_cleanup_free_ char *drv = strdup(v);

		if (!drv)
			return true;
		free(c->dev->driver);
		c->dev->driver = strdup(strstrip(drv));
		c->dev->driver_known = true;
		c->kernel_info = true;
		return true;
	}
	if ((v = startswith(s, "Kernel modules:"))) {
		strv_free(c->dev->modules);
		c->dev->modules = NULL;
		strv_split(v, ", ", &c->dev->modules);
		c->kernel_info = true;
		return true;
	}
	if ((v = startswith(s, "Subsystem:"))) {
		size_t n = strlen(v);
		const char *t = v + strspn(v, " ");

		if (n >= 11 && parse_bracket_ids(v + n - 11, &c->dev->subsys_vendor, &c->dev->subsys_device))
			return true;
		if (strlen(t) == 9 && is_hex(t, 4) && t[4] == ':' && is_hex(t + 5, 4)) {
			c->dev->subsys_vendor = (int32_t)strtol(t, NULL, 16);
			c->dev->subsys_device = (int32_t)strtol(t + 5, NULL, 16);
		}
		return true;
	}
	/* Other lspci -v/-k lines carry nothing vfiokit needs ("DeviceName:", "Flags:",
	 * "Memory at ...", "Capabilities: ..."). */
	return isalpha((unsigned char)s[0]) && strchr(s, ':') != NULL;
}

/* "BOOT_IMAGE=/boot/vmlinuz-6.5.11-8-pve root=... ro quiet": the listing's /proc/cmdline. */
static bool parse_cmdline_line(struct lctx *c, const char *s)
{
	const char *bi = strstr(s, "BOOT_IMAGE=");

	if (!bi && !(strneq(s, "root=", 5) || strstr(s, " root=")))
		return false;
	if (strstr(s, "IOMMU") || strstr(s, "iommu_groups/"))
		return false;
	free(c->m->cmdline);
	c->m->cmdline = strdup(s);
	if (bi && !c->m->kernel_release) {
		const char *img = bi + strlen("BOOT_IMAGE="), *vm = strstr(img, "vmlinuz-");
		size_t n;

		if (vm && vm < img + strcspn(img, " ")) {
			vm += strlen("vmlinuz-");
			n = strcspn(vm, " ");
			/* "vmlinuz-linux" (Arch) names no version: a release starts with a digit */
			if (n && isdigit((unsigned char)vm[0]))
				c->m->kernel_release = xstrndup(vm, n);
		}
	}
	return true;
}

static bool is_prompt_or_command(const char *s)
{
	static const char *const cmds[] = { "for ", "sudo ", "lspci", "bash ", "sh ", "./", "cat ", "ls-iommu",
					    "find ", "echo ", "shopt", "do ", "done" };
	const char *sp = strchr(s, ' ');

	if (strstr(s, "/sys/kernel/iommu_groups"))
		return true;
	/* user@host:~$ cmd, root@host:~# cmd, alex@duo > cmd */
	if (sp && memchr(s, '@', (size_t)(sp - s)) &&
	    (sp[-1] == '$' || sp[-1] == '#' || sp[-1] == '>' || strneq(sp, " > ", 3) || strneq(sp, " $ ", 3)))
		return true;
	if (strneq(s, "$ ", 2) || strneq(s, "# ", 2) || strneq(s, "> ", 2))
		return !strneq(s, "# ", 2) || strstr(s, "lspci") || strstr(s, "iommu");
	for (size_t i = 0; i < ELEMENTSOF(cmds); i++)
		if (strneq(s, cmds[i], strlen(cmds[i])))
			return true;
	return false;
}

/* "IOMMU Group 1", "IOMMU group 1:", "IOMMMU Group 1:", "IOMMU Group: 50", "IOMMU GROUP 3",
 * "Group 3:", "### Group 17 ###". Returns the text after the header, or NULL. */
static char *parse_group_header(char *s, int *group)
{
	char *p = s;
	char *end;
	long g;

	if (strneq(p, "###", 3)) {
		p += 3 + strspn(p + 3, " ");
		if (strncasecmp(p, "group ", 6) != 0)
			return NULL;
		p += 6;
		g = strtol(p, &end, 10);
		if (end == p || g < 0 || g > 0x7fffffff)
			return NULL;
		end += strspn(end, " ");
		while (*end == '#')
			end++;
		*group = (int)g;
		return end;
	}
	if (strncasecmp(p, "IOMM", 4) == 0) {
		p += 4;
		while (*p == 'M' || *p == 'm')
			p++;
		if (*p != 'U' && *p != 'u')
			return NULL;
		p++;
		p += strspn(p, " \t");
	}
	if (strncasecmp(p, "group", 5) != 0)
		return NULL;
	p += 5;
	if (*p == ':')
		p++;
	p += strspn(p, " \t");
	if (!isdigit((unsigned char)*p))
		return NULL;
	g = strtol(p, &end, 10);
	if (g < 0 || g > 0x7fffffff)
		return NULL;
	if (*end == ':')
		end++;
	if (*end && !isspace((unsigned char)*end))
		return NULL;
	*group = (int)g;
	return end + strspn(end, " \t");
}

static int parse_line(struct lctx *c, char *raw, unsigned lineno, bool last_line)
{
	bool indented = raw[0] == ' ' || raw[0] == '\t';
	char *s = strstrip(raw), *hdr;
	const char *rest;
	struct vk_pci_addr a;
	size_t n;
	int g;

	if (c->continuation) {
		c->continuation = endswith(s, "\\");
		return 0;
	}
	if (!*s || strneq(s, "```", 3) || strspn(s, "-=") == strlen(s))
		return 0;
	if (streq(s, "...") || streq(s, "…"))
		return vk_machine_warn(c->m, c->name, lineno, _("the listing leaves lines out here ('...'); devices may be missing"));
	if (s[0] == '#' && !strneq(s, "###", 3))
		return 0; /* a comment, or a markdown note added by hand */
	if (is_prompt_or_command(s)) {
		c->continuation = endswith(s, "\\");
		return 0;
	}
	if (parse_cmdline_line(c, s))
		return 0;
	if (startswith(s, "IOMMU: ")) {
		/* per-unit trees: "IOMMU: dmar3" */
		_cleanup_free_ char *unit = strdup(strstrip(s + strlen("IOMMU: ")));

		if (!unit)
			return -ENOMEM;
		c->group = -1;
		if (!c->m->iommu_units && !(c->m->iommu_units = calloc(1, sizeof(char *))))
			return -ENOMEM;
		if (!strv_contains(c->m->iommu_units, unit))
			return strv_push(&c->m->iommu_units, TAKE_PTR(unit));
		return 0;
	}
	if ((rest = startswith(s, "Group Device:"))) {
		n = parse_addr_prefix(rest + strspn(rest, " "), &a);
		if (!n)
			return vk_machine_warn(c->m, c->name, lineno, _("no PCI address after 'Group Device:', skipping"));
		rest += strspn(rest, " ") + n;
		{
			struct vk_mdev *d = device_at(c, &a, lineno);
			_cleanup_free_ char *copy = strdup(rest);

			if (!d || !copy)
				return -ENOMEM;
			return parse_device_rest(c, d, copy, lineno, last_line);
		}
	}
	if (startswith(s, "USB:"))
		return parse_usb_line(c, s, lineno);

	hdr = parse_group_header(s, &g);
	if (hdr) {
		c->group = g;
		c->dev = NULL;
		c->n_used++;
		s = hdr;
		if (!*s)
			return 0;
		indented = true; /* the device on a header line belongs to that group */
	} else if (!indented && parse_addr_prefix(s, &a))
		c->group = -1; /* a device line at column 0: an lspci block, no group */

	if (s[0] == '(') {
		/* " (3) 01:00.0 ..." */
		char *close = strchr(s, ')');

		if (close && close - s < 8)
			s = strstrip(close + 1);
	}
	if (s[0] == '[' && parse_bracket_ids(s, &(int32_t){0}, &(int32_t){0}))
		return parse_bracket_line(c, s, lineno);
	n = parse_addr_prefix(s, &a);
	if (n) {
		struct vk_mdev *d = device_at(c, &a, lineno);

		if (!d)
			return -ENOMEM;
		return parse_device_rest(c, d, s + n, lineno, last_line);
	}
	if (indented && parse_detail_line(c, s))
		return 0;
	return vk_machine_warn(c->m, c->name, lineno, _("cannot read '%.60s', skipping the line"), s);
}

/* Vendors the system's pci.ids lacks: the words all their names share are the vendor. */
static void fix_vendor_names(struct lctx *c)
{
	for (size_t i = c->first_dev; i < c->m->n_devs; i++) {
		struct vk_mdev *d = &c->m->devs[i];
		_cleanup_free_ char *common = NULL;
		size_t cl;

		if (!d->label || d->vendor < 0 || d->vendor_name)
			continue;
		common = strdup(d->label);
		if (!common)
			return;
		for (size_t k = c->first_dev; k < c->m->n_devs; k++) {
			struct vk_mdev *o = &c->m->devs[k];
			size_t j = 0;

			if (k == i || o->vendor != d->vendor || !o->label)
				continue;
			while (common[j] && common[j] == o->label[j])
				j++;
			common[j] = '\0';
		}
		cl = strlen(common);
		if (cl == strlen(d->label)) {
			/* one name only: the vendor is all but the last word */
			char *sp = strrchr(common, ' ');

			if (!sp)
				continue;
			*sp = '\0';
		} else {
			/* cut back to a word boundary */
			while (cl > 0 && common[cl - 1] != ' ')
				common[--cl] = '\0';
			strstrip(common);
		}
		if (!*common)
			continue;
		set_str(&d->vendor_name, common);
		set_str(&d->device_name, strstrip(d->label + strlen(common)));
		free(d->label);
		d->label = NULL;
	}
}

int vk_machine_parse_listing(struct vk_machine *m, const char *name, const char *text)
{
	struct lctx c = { .m = m, .name = name, .group = -1, .first_dev = m->n_devs };
	_cleanup_free_ char *copy = strdup(text);
	_cleanup_root_ struct vk_root *host = NULL;
	char *line, *next;
	unsigned lineno = 0;
	int r = 0;

	if (!copy)
		return -ENOMEM;
	/* Name lookups use the system's pci.ids: the listing came from another machine. */
	if (vk_root_open("/", &host) == 0)
		(void)vk_pciids_load(host, &c.db);
	for (line = copy; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		r = parse_line(&c, line, lineno, !next || !*next);
		if (r < 0)
			break;
	}
	if (r >= 0) {
		fix_vendor_names(&c);
		/* With lspci -k lines in this input, a device without "Kernel driver in use" has no driver. */
		if (c.kernel_info)
			for (size_t i = 0; i < c.n_seen; i++) {
				struct vk_mdev *d = vk_machine_dev(m, &c.seen[i], NULL);

				if (d)
					d->driver_known = true;
			}
		if (c.n_used == 0 && !m->cmdline)
			r = -EBADMSG;
	}
	free(c.seen);
	vk_pciids_free(c.db);
	return r;
}
