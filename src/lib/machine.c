/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Machine descriptions: the model, the native format, and writing one out as a root. */
#include <ctype.h>
#include <fcntl.h>
#include <stdarg.h>
#include <sys/stat.h>

#include "machine.h"
#include "pciids.h"
#include "util.h"

static void usb_clear(struct vk_usb_dev *u)
{
	free(u->port);
	free(u->name);
	free(u->ifclass);
}

static void mdev_clear(struct vk_mdev *d)
{
	free(d->driver);
	free(d->class_name);
	free(d->vendor_name);
	free(d->device_name);
	free(d->label);
	free(d->reset_method);
	free(d->driver_override);
	free(d->parent);
	free(d->physfn);
	strv_free(d->modules);
	for (size_t i = 0; i < d->n_usb; i++)
		usb_clear(&d->usb[i]);
	free(d->usb);
}

void vk_machine_free(struct vk_machine *m)
{
	for (size_t i = 0; i < m->n_devs; i++)
		mdev_clear(&m->devs[i]);
	free(m->devs);
	for (size_t i = 0; i < m->n_files; i++) {
		free(m->files[i].path);
		free(m->files[i].data);
		free(m->files[i].link);
	}
	free(m->files);
	strv_free(m->group_types);
	free(m->kernel_release);
	free(m->cmdline);
	free(m->cpu_vendor);
	free(m->cpu_model);
	free(m->cpu_flags);
	strv_free(m->acpi_tables);
	strv_free(m->iommu_units);
	strv_free(m->sources);
	strv_free(m->warnings);
	free(m);
}

int vk_machine_warn(struct vk_machine *m, const char *file, unsigned line, const char *fmt, ...)
{
	_cleanup_free_ char *msg = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -ENOMEM;
	return line ? strv_push(&m->warnings, xasprintf("%s:%u: %s", file, line, msg))
		    : strv_push(&m->warnings, xasprintf("%s: %s", file, msg));
}

struct vk_mdev *vk_machine_dev(struct vk_machine *m, const struct vk_pci_addr *addr, bool *created)
{
	struct vk_mdev *nd;

	for (size_t i = 0; i < m->n_devs; i++)
		if (vk_pci_addr_compare(&m->devs[i].addr, addr) == 0) {
			if (created)
				*created = false;
			return &m->devs[i];
		}
	nd = realloc(m->devs, (m->n_devs + 1) * sizeof(*nd));
	if (!nd)
		return NULL;
	m->devs = nd;
	nd = &m->devs[m->n_devs++];
	*nd = (struct vk_mdev){ .addr = *addr, .vendor = -1, .device = -1, .subsys_vendor = -1, .subsys_device = -1,
				.class = -1, .revision = -1, .group = -1, .boot_vga = -1, .sriov_numvfs = -1 };
	if (created)
		*created = true;
	return nd;
}

static struct vk_mfile *new_file(struct vk_machine *m, const char *path)
{
	struct vk_mfile *nf = realloc(m->files, (m->n_files + 1) * sizeof(*nf));

	if (!nf)
		return NULL;
	m->files = nf;
	nf = &m->files[m->n_files];
	*nf = (struct vk_mfile){ .path = strdup(path), .mode = 0644 };
	if (!nf->path)
		return NULL;
	m->n_files++;
	return nf;
}

int vk_machine_add_file(struct vk_machine *m, const char *path, const char *data, size_t len, mode_t mode)
{
	struct vk_mfile *f = new_file(m, path);

	if (!f)
		return -ENOMEM;
	f->data = malloc(len + 1);
	if (!f->data)
		return -ENOMEM;
	memcpy(f->data, data, len);
	f->data[len] = '\0';
	f->len = len;
	f->mode = mode;
	return 0;
}

int vk_machine_add_link(struct vk_machine *m, const char *path, const char *target)
{
	struct vk_mfile *f = new_file(m, path);

	if (!f || !(f->link = strdup(target)))
		return -ENOMEM;
	return 0;
}

int vk_machine_add_dir(struct vk_machine *m, const char *path)
{
	return new_file(m, path) ? 0 : -ENOMEM;
}

bool vk_machine_is_native(const char *text)
{
	const char *p = text;

	/* Leading comments and blank lines are allowed before the magic line. */
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		if (*p != '#')
			break;
		p = strchr(p, '\n');
		if (!p)
			return false;
	}
	return strneq(p, "vfiokit-machine 1", 17) && (p[17] == '\n' || p[17] == '\0' || isspace((unsigned char)p[17]));
}

int vk_machine_parse(struct vk_machine *m, const char *name, const char *text)
{
	if (strv_extend(&m->sources, name) < 0)
		return -ENOMEM;
	if (vk_machine_is_native(text)) {
		m->native = true;
		return vk_machine_parse_native(m, name, text);
	}
	return vk_machine_parse_listing(m, name, text);
}

/* ------------------------------------------------------------------------------------ */
/* The native format (vfiokit-import(1), "MACHINE DESCRIPTIONS").                          */

/* Splits "key=value key2=\"quoted value\"" words; quotes group, backslash escapes. */
static int split_words(const char *s, char ***ret)
{
	_cleanup_strv_free_ char **l = calloc(1, sizeof(char *));
	const char *p = s;

	if (!l)
		return -ENOMEM;
	while (*p) {
		_cleanup_strbuf_ struct strbuf w = STRBUF_INIT;
		char q = 0;

		while (isspace((unsigned char)*p))
			p++;
		if (!*p || *p == '#')
			break;
		for (; *p && (q || !isspace((unsigned char)*p)); p++) {
			if (!q && (*p == '"' || *p == '\'')) {
				q = *p;
				continue;
			}
			if (q && *p == q) {
				q = 0;
				continue;
			}
			if (*p == '\\' && p[1])
				p++;
			if (strbuf_addc(&w, *p) < 0)
				return -ENOMEM;
		}
		if (q)
			return -EINVAL;
		if (strv_push(&l, strbuf_detach(&w)) < 0)
			return -ENOMEM;
	}
	*ret = TAKE_PTR(l);
	return 0;
}

static int parse_id_pair(const char *s, int32_t *a, int32_t *b)
{
	uint32_t x, y;
	const char *colon = strchr(s, ':');
	_cleanup_free_ char *first = NULL;

	if (!colon)
		return -EINVAL;
	first = xstrndup(s, (size_t)(colon - s));
	if (!first || parse_hex_u32(first, 0xffff, &x) < 0 || parse_hex_u32(colon + 1, 0xffff, &y) < 0)
		return -EINVAL;
	*a = (int32_t)x;
	*b = (int32_t)y;
	return 0;
}

static int parse_size_kib(const char *s, uint64_t *ret)
{
	char *end;
	double v;
	uint64_t mult = 1;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || v < 0)
		return -EINVAL;
	switch (toupper((unsigned char)*end)) {
	case 'K':
		mult = 1;
		break;
	case 'M':
		mult = 1024;
		break;
	case 'G':
		mult = 1024 * 1024;
		break;
	case 'T':
		mult = 1024ull * 1024 * 1024;
		break;
	case '\0':
		mult = 1;
		break;
	default:
		return -EINVAL;
	}
	*ret = (uint64_t)(v * (double)mult);
	return 0;
}

static int native_pci(struct vk_machine *m, const char *name, unsigned lineno, char **w)
{
	struct vk_pci_addr a;
	struct vk_mdev *d;
	bool created;

	if (!w[1] || vk_pci_addr_parse(w[1], &a) < 0)
		return vk_machine_warn(m, name, lineno, _("'pci' needs a PCI address, skipping the line"));
	d = vk_machine_dev(m, &a, &created);
	if (!d)
		return -ENOMEM;
	d->line = lineno;
	d->driver_known = true;
	for (char **p = w + 2; *p; p++) {
		char *eq = strchr(*p, '='), *v;
		uint32_t x;
		int bad = 0;

		if (!eq) {
			vk_machine_warn(m, name, lineno, _("'%s' is not key=value, ignoring it"), *p);
			continue;
		}
		*eq = '\0';
		v = eq + 1;
		if (streq(*p, "id"))
			bad = parse_id_pair(v, &d->vendor, &d->device);
		else if (streq(*p, "sub"))
			bad = parse_id_pair(v, &d->subsys_vendor, &d->subsys_device);
		else if (streq(*p, "class")) {
			bad = parse_hex_u32(v, 0xffffff, &x);
			/* "0300" is base+sub; "030000" adds the programming interface */
			d->class = (int32_t)(strlen(v) <= 4 ? x << 8 : x);
		} else if (streq(*p, "rev")) {
			bad = parse_hex_u32(v, 0xff, &x);
			d->revision = (int16_t)x;
		} else if (streq(*p, "group")) {
			int g;

			bad = safe_atoi(v, &g) < 0 || g < 0 ? -EINVAL : 0;
			d->group = g;
			m->groups_known = true;
		} else if (streq(*p, "driver")) {
			free(d->driver);
			d->driver = streq(v, "-") ? NULL : strdup(v);
			d->driver_known = !streq(v, "?");
			if (streq(v, "?")) {
				free(d->driver);
				d->driver = NULL;
			}
		} else if (streq(*p, "parent")) {
			char full[VK_BDF_MAX];

			bad = vk_pci_addr_normalize(v, full);
			if (!bad) {
				free(d->parent);
				d->parent = strdup(full);
			}
		} else if (streq(*p, "physfn")) {
			char full[VK_BDF_MAX];

			bad = vk_pci_addr_normalize(v, full);
			if (!bad) {
				free(d->physfn);
				d->physfn = strdup(full);
			}
		} else if (streq(*p, "numvfs"))
			bad = safe_atoi(v, &d->sriov_numvfs);
		else if (streq(*p, "boot_vga"))
			d->boot_vga = (int8_t)(streq(v, "1") ? 1 : streq(v, "0") ? 0 : (bad = -EINVAL, -1));
		else if (streq(*p, "reset")) {
			free(d->reset_method);
			d->reset_method = strdup(v);
		} else if (streq(*p, "override")) {
			free(d->driver_override);
			d->driver_override = strdup(v);
		} else if (streq(*p, "label")) {
			free(d->label);
			d->label = strdup(v);
		} else
			vk_machine_warn(m, name, lineno, _("unknown key '%s', ignoring it"), *p);
		if (bad)
			vk_machine_warn(m, name, lineno, _("invalid value '%s' for '%s', ignoring it"), v, *p);
	}
	return 0;
}

static int native_usb(struct vk_machine *m, const char *name, unsigned lineno, char **w)
{
	/* usb CONTROLLER BUS:DEVNUM VID:PID ["name"] [class=03] */
	struct vk_pci_addr a;
	struct vk_mdev *d;
	struct vk_usb_dev *u;
	unsigned bus, dev;

	if (!w[1] || !w[2] || !w[3] || vk_pci_addr_parse(w[1], &a) < 0 || sscanf(w[2], "%u:%u", &bus, &dev) != 2)
		return vk_machine_warn(m, name, lineno, _("'usb' needs CONTROLLER BUS:DEVICE VID:PID, skipping the line"));
	d = vk_machine_dev(m, &a, NULL);
	if (!d)
		return -ENOMEM;
	u = realloc(d->usb, (d->n_usb + 1) * sizeof(*u));
	if (!u)
		return -ENOMEM;
	d->usb = u;
	u = &d->usb[d->n_usb++];
	*u = (struct vk_usb_dev){ .bus = bus, .devnum = dev, .vendor = -1, .product = -1 };
	if (parse_id_pair(w[3], &u->vendor, &u->product) < 0)
		vk_machine_warn(m, name, lineno, _("invalid USB ID '%s'"), w[3]);
	for (char **p = w + 4; *p; p++) {
		const char *v;

		if ((v = startswith(*p, "class=")))
			u->ifclass = strdup(v);
		else if ((v = startswith(*p, "port=")))
			u->port = strdup(v);
		else if (!u->name)
			u->name = strdup(*p);
	}
	return 0;
}

static int native_cpu(struct vk_machine *m, const char *name, unsigned lineno, char **w)
{
	for (char **p = w + 1; *p; p++) {
		const char *v;
		int n;

		if ((v = startswith(*p, "vendor=")))
			free(m->cpu_vendor), m->cpu_vendor = strdup(v);
		else if ((v = startswith(*p, "model=")))
			free(m->cpu_model), m->cpu_model = strdup(v);
		else if ((v = startswith(*p, "flags="))) {
			_cleanup_strv_free_ char **f = NULL;

			if (strv_split(v, ",", &f) < 0)
				return -ENOMEM;
			free(m->cpu_flags);
			m->cpu_flags = strv_join((const char *const *)f, " ");
		} else if ((v = startswith(*p, "sockets=")) && safe_atoi(v, &n) == 0 && n > 0)
			m->sockets = (unsigned)n;
		else if ((v = startswith(*p, "cores=")) && safe_atoi(v, &n) == 0 && n > 0)
			m->cores = (unsigned)n;
		else if ((v = startswith(*p, "threads=")) && safe_atoi(v, &n) == 0 && n > 0)
			m->threads = (unsigned)n;
		else if (streq(*p, "siblings=adjacent"))
			m->siblings_adjacent = true;
		else if (streq(*p, "siblings=interleaved"))
			m->siblings_adjacent = false;
		else
			vk_machine_warn(m, name, lineno, _("unknown cpu attribute '%s', ignoring it"), *p);
	}
	return 0;
}

int vk_machine_parse_native(struct vk_machine *m, const char *name, const char *text)
{
	_cleanup_free_ char *copy = strdup(text);
	char *line, *next;
	unsigned lineno = 0;
	int r;

	if (!copy)
		return -ENOMEM;
	for (line = copy; line; line = next) {
		_cleanup_strv_free_ char **w = NULL;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		if (split_words(line, &w) < 0) {
			vk_machine_warn(m, name, lineno, _("unbalanced quotes, skipping the line"));
			continue;
		}
		if (!w[0] || streq(w[0], "vfiokit-machine"))
			continue;
		if (streq(w[0], "pci"))
			r = native_pci(m, name, lineno, w);
		else if (streq(w[0], "usb"))
			r = native_usb(m, name, lineno, w);
		else if (streq(w[0], "cpu"))
			r = native_cpu(m, name, lineno, w);
		else if (streq(w[0], "kernel") && w[1]) {
			free(m->kernel_release);
			r = (m->kernel_release = strdup(w[1])) ? 0 : -ENOMEM;
		} else if (streq(w[0], "cmdline")) {
			/* the rest of the line, verbatim */
			const char *rest = line + strspn(line, " \t") + strlen("cmdline");

			free(m->cmdline);
			m->cmdline = strdup(rest + strspn(rest, " \t"));
			r = m->cmdline ? 0 : -ENOMEM;
		} else if (streq(w[0], "mem") && w[1]) {
			r = parse_size_kib(w[1], &m->mem_kib);
			if (r < 0)
				r = vk_machine_warn(m, name, lineno, _("invalid memory size '%s'"), w[1]);
		} else if (streq(w[0], "hugepages")) {
			r = 0;
			for (char **p = w + 1; *p; p++) {
				const char *v;
				uint64_t x;

				if ((v = startswith(*p, "total=")) && safe_atou64(v, 10, &x) == 0)
					m->hugepages_total = x;
				else if ((v = startswith(*p, "free=")) && safe_atou64(v, 10, &x) == 0)
					m->hugepages_free = x;
				else if ((v = startswith(*p, "size=")) && parse_size_kib(v, &x) == 0)
					m->hugepage_kib = x;
				else
					vk_machine_warn(m, name, lineno, _("invalid hugepages attribute '%s'"), *p);
			}
		} else if (streq(w[0], "acpi")) {
			strv_free(m->acpi_tables);
			m->acpi_tables = calloc(1, sizeof(char *));
			r = m->acpi_tables ? 0 : -ENOMEM;
			for (char **p = w + 1; r == 0 && *p; p++)
				r = strv_extend(&m->acpi_tables, *p);
		} else if (streq(w[0], "iommu")) {
			r = 0;
			if (!m->iommu_units && !(m->iommu_units = calloc(1, sizeof(char *))))
				r = -ENOMEM;
			for (char **p = w + 1; r == 0 && *p; p++)
				r = strv_extend(&m->iommu_units, *p);
		} else if (streq(w[0], "groups") && w[1] && streq(w[1], "none")) {
			m->iommu_off = true;
			r = 0;
		} else if (streq(w[0], "group") && w[1]) {
			int g;

			r = 0;
			m->groups_known = true;
			if (safe_atoi(w[1], &g) < 0 || g < 0)
				vk_machine_warn(m, name, lineno, _("invalid group number '%s'"), w[1]);
			else
				for (char **p = w + 2; r == 0 && *p; p++)
					if (startswith(*p, "type="))
						r = strv_push(&m->group_types, xasprintf("%d=%s", g, *p + 5));
		} else if (streq(w[0], "file") && w[1]) {
			/* file PATH [mode=0600] <<EOF ... EOF */
			_cleanup_strbuf_ struct strbuf body = STRBUF_INIT;
			const char *term = NULL;
			uint32_t mode = 0644;
			bool closed = false;

			for (char **p = w + 2; *p; p++) {
				if (startswith(*p, "<<"))
					term = *p + 2;
				else if (startswith(*p, "mode=")) {
					char *end;
					unsigned long v = strtoul(*p + 5, &end, 8);

					if (*end || v > 07777)
						vk_machine_warn(m, name, lineno, _("invalid mode '%s', using 0644"), *p + 5);
					else
						mode = (uint32_t)v;
				}
			}
			if (!term || !*term) {
				vk_machine_warn(m, name, lineno, _("'file' needs a here-document ('<<EOF'), skipping it"));
				continue;
			}
			while (next) {
				char *l = next;

				next = strchr(l, '\n');
				if (next)
					*next++ = '\0';
				lineno++;
				if (streq(l, term)) {
					closed = true;
					break;
				}
				if (strbuf_adds(&body, l) < 0 || strbuf_addc(&body, '\n') < 0)
					return -ENOMEM;
			}
			if (!closed)
				vk_machine_warn(m, name, lineno, _("here-document for '%s' is not closed by '%s'"), w[1], term);
			r = vk_machine_add_file(m, w[1], body.s ? body.s : "", body.len, (mode_t)mode);
		} else if (streq(w[0], "include") && w[1]) {
			/* include FILE: another description, relative to this one's directory */
			_cleanup_free_ char *dir = strdup(name), *path = NULL, *inc = NULL;
			char *slash = dir ? strrchr(dir, '/') : NULL;
			FILE *f;

			if (!dir)
				return -ENOMEM;
			if (slash)
				*slash = '\0';
			path = w[1][0] == '/' || !slash ? strdup(w[1]) : xasprintf("%s/%s", dir, w[1]);
			if (!path)
				return -ENOMEM;
			f = fopen(path, "re");
			if (!f) {
				vk_machine_warn(m, name, lineno, _("cannot open included '%s': %s"), path, strerror(errno));
				continue;
			}
			{
				_cleanup_strbuf_ struct strbuf b = STRBUF_INIT;
				char buf[4096];
				size_t k;

				while ((k = fread(buf, 1, sizeof(buf), f)) > 0)
					if (strbuf_add(&b, buf, k) < 0) {
						fclose(f);
						return -ENOMEM;
					}
				fclose(f);
				inc = strbuf_detach(&b);
			}
			r = inc ? vk_machine_parse_native(m, path, inc) : -ENOMEM;
		} else if (streq(w[0], "symlink") && w[1] && w[2])
			r = vk_machine_add_link(m, w[1], w[2]);
		else if (streq(w[0], "dir") && w[1])
			r = vk_machine_add_dir(m, w[1]);
		else
			r = vk_machine_warn(m, name, lineno, _("unknown directive '%s', skipping the line"), w[0]);
		if (r < 0)
			return r;
	}
	return 0;
}
