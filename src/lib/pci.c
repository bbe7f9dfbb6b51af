/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * PCI functions and IOMMU groups from /sys/bus/pci/devices and /sys/kernel/iommu_groups.
 * Attribute formats: Documentation/ABI/testing/sysfs-bus-pci and drivers/pci/pci-sysfs.c.
 */
#include <fcntl.h>
#include <limits.h>
#include <search.h>

#include "host.h"
#include "util.h"

unsigned vk_pci_class_flags(int32_t class_code)
{
	unsigned base, sub, f = 0;

	if (class_code < 0)
		return 0;
	base = ((unsigned)class_code >> 16) & 0xff;
	sub = ((unsigned)class_code >> 8) & 0xff;
	if (base == 0x03)
		f |= VK_PCI_DISPLAY;
	else if (base == 0x04 && (sub == 0x01 || sub == 0x03))
		f |= VK_PCI_AUDIO;
	else if (base == 0x0c && sub == 0x03)
		f |= VK_PCI_USB;
	else if (base == 0x0c && sub == 0x80)
		f |= VK_PCI_UCSI;
	else if (base == 0x06 && (sub == 0x04 || sub == 0x07 || sub == 0x09))
		f |= VK_PCI_BRIDGE;
	else if (base == 0x06 && sub == 0x00)
		f |= VK_PCI_HOST_BRIDGE;
	else if (base == 0x06 && sub == 0x01)
		f |= VK_PCI_ISA_BRIDGE;
	else if (base == 0x02)
		f |= VK_PCI_NET;
	else if (base == 0x01)
		f |= VK_PCI_STORAGE;
	return f;
}

struct scan_ctx {
	struct vk_host *h;
	char **drivers;     /* sorted names in /sys/bus/pci/drivers */
	char **group_dirs;  /* sorted names in /sys/kernel/iommu_groups */
	char **unknown_drivers; /* from the root manifest */
	size_t n_drivers, n_group_dirs, n_unknown_drivers;
	int busfd;          /* /sys/bus/pci/devices */
	bool details;       /* VK_LOAD_PCI_DETAILS */
};

static bool sorted_contains(char **l, size_t n, const char *s)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(l[mid], s);

		if (c == 0)
			return true;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* Reads a hex attribute ("0x10de"); a missing file is silent, a garbled one is a warning. */
static int32_t read_hex_attr(struct scan_ctx *c, int dfd, const char *bdf, const char *name, uint32_t max,
			     bool warn_missing)
{
	char buf[64];
	ssize_t n = vk_dirfd_read(dfd, name, buf, sizeof(buf));
	uint32_t v;

	if (n < 0) {
		/* An imported listing may not give IDs at all: absent is its way of saying "unknown". */
		if (n == -ENOENT && vk_host_is_import(c->h))
			return -1;
		if (n != -ENOENT || warn_missing)
			vk_host_warn(c->h, _("cannot read '/sys/bus/pci/devices/%s/%s': %s, treating it as unknown"), bdf,
				     name, strerror((int)-n));
		return -1;
	}
	if (parse_hex_u32(buf, max, &v) < 0) {
		vk_host_warn(c->h, _("garbled value '%.32s' in '/sys/bus/pci/devices/%s/%s', treating it as unknown"),
			     buf, bdf, name);
		return -1;
	}
	return (int32_t)v;
}

static char *read_str_attr(int dfd, const char *name)
{
	char buf[512];
	ssize_t n = vk_dirfd_read(dfd, name, buf, sizeof(buf));

	if (n < 0)
		return NULL;
	return strdup(buf);
}

/* "../../../devices/pci0000:00/0000:00:01.0/0000:01:00.0" -> "0000:00:01.0" */
static char *parent_from_link(const char *target)
{
	const char *end = strrchr(target, '/'), *start;
	struct vk_pci_addr a;
	char buf[VK_BDF_MAX];
	_cleanup_free_ char *comp = NULL;

	if (!end || end == target)
		return NULL;
	start = end - 1;
	while (start > target && *start != '/')
		start--;
	if (*start == '/')
		start++;
	comp = xstrndup(start, (size_t)(end - start));
	if (!comp || vk_pci_addr_parse(comp, &a) < 0 || strchr(comp, ':') == strrchr(comp, ':'))
		return NULL; /* "pci0000:00" (a host bridge's bus) or anything that is not a full address */
	vk_pci_addr_format(&a, buf);
	return strdup(buf);
}

/* The attributes VK_LOAD_PCI_DETAILS adds: the upstream bridge, driver_override,
 * reset_method and modalias. @busfd is /sys/bus/pci/devices, @dfd the device's directory. */
static void read_details(int busfd, const char *entry, int dfd, struct vk_pci_dev *d)
{
	char buf[PATH_MAX];

	if (vk_dirfd_readlink(busfd, entry, buf, sizeof(buf)) >= 0)
		d->parent = parent_from_link(buf);
	d->driver_override = read_str_attr(dfd, "driver_override");
	/* Unset reads "(null)" on the kernels we know; a newer driver-core helper may
	 * print an empty line (domain.md §1.1). Both mean "unset". */
	if (d->driver_override && (isempty(d->driver_override) || streq(d->driver_override, "(null)"))) {
		free(d->driver_override);
		d->driver_override = NULL;
	}
	d->reset_method = read_str_attr(dfd, "reset_method");
	d->modalias = read_str_attr(dfd, "modalias");
	d->flags |= VK_PCI_HAVE_DETAILS;
}

int vk_pci_ensure_details(struct vk_host *h, struct vk_pci_dev *d)
{
	_cleanup_close_ int busfd = -1, dfd = -1;

	if (d->flags & VK_PCI_HAVE_DETAILS)
		return 0;
	busfd = vk_root_openf(h->root, O_PATH | O_DIRECTORY, "/sys/bus/pci/devices");
	if (busfd < 0)
		return busfd;
	dfd = vk_root_openf(h->root, O_PATH | O_DIRECTORY, "/sys/bus/pci/devices/%s", d->bdf);
	if (dfd < 0)
		return dfd;
	read_details(busfd, d->bdf, dfd, d);
	return 0;
}

static int scan_one(struct scan_ctx *c, const char *entry, struct vk_pci_dev *d)
{
	struct vk_host *h = c->h;
	_cleanup_close_ int dfd = -1;
	char buf[PATH_MAX];
	ssize_t n;
	int32_t v;

	*d = (struct vk_pci_dev){ .vendor = -1, .device = -1, .subsys_vendor = -1, .subsys_device = -1,
				  .class = -1, .revision = -1, .header_type = -1, .boot_vga = -1,
				  .iommu_group = -1, .sriov_numvfs = -1 };
	if (vk_pci_addr_parse(entry, &d->addr) < 0 || !strchr(entry, ':') || strchr(entry, ':') == strrchr(entry, ':')) {
		vk_host_warn(h, _("'/sys/bus/pci/devices/%s' is not a PCI address, skipping"), entry);
		return 0;
	}
	vk_pci_addr_format(&d->addr, d->bdf);
	vk_pci_addr_format_short(&d->addr, d->name);

	dfd = vk_root_openf(h->root, O_PATH | O_DIRECTORY, "/sys/bus/pci/devices/%s", entry);
	if (dfd < 0) {
		vk_host_warn(h, _("cannot open '/sys/bus/pci/devices/%s': %s, skipping"), entry, strerror(-dfd));
		return 0;
	}
	d->class = read_hex_attr(c, dfd, d->bdf, "class", 0xffffff, true);

	/*
	 * IDs, revision, header type and subsystem come from the first 64 bytes of config space,
	 * which any user may read (lspci reads them too): one file instead of six. The header
	 * type (byte 0x0e) is VFIO's test for a bridge. An SR-IOV virtual function reads
	 * 0xffff there (PCIe spec: VF vendor/device IDs are not in its config header), and a
	 * short or missing config falls back to the attribute files.
	 */
	{
		_cleanup_close_ int cfd = openat(dfd, "config", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		unsigned char cfg[64];
		ssize_t got = cfd >= 0 ? pread(cfd, cfg, sizeof(cfg), 0) : -1;

		/* An imported listing's config space is vfiokit's own invention: only the
		 * attribute files (present where the listing gave the fact) count there. */
		if (got >= 0x30 && (cfg[0] | cfg[1] << 8) != 0xffff && !vk_host_is_import(h)) {
			d->vendor = cfg[0] | cfg[1] << 8;
			d->device = cfg[2] | cfg[3] << 8;
			d->revision = cfg[0x08];
			d->header_type = (int8_t)(cfg[0x0e] & 0x7f);
			if (d->header_type == 0) {
				d->subsys_vendor = cfg[0x2c] | cfg[0x2d] << 8;
				d->subsys_device = cfg[0x2e] | cfg[0x2f] << 8;
			}
		} else {
			if (got >= 0x10)
				d->header_type = (int8_t)(cfg[0x0e] & 0x7f);
			d->vendor = read_hex_attr(c, dfd, d->bdf, "vendor", 0xffff, true);
			d->device = read_hex_attr(c, dfd, d->bdf, "device", 0xffff, true);
			v = read_hex_attr(c, dfd, d->bdf, "revision", 0xff, false);
			d->revision = (int16_t)(v >= 0 ? v : got >= 0x10 ? cfg[0x08] : -1);
			d->subsys_vendor = read_hex_attr(c, dfd, d->bdf, "subsystem_vendor", 0xffff, false);
			d->subsys_device = read_hex_attr(c, dfd, d->bdf, "subsystem_device", 0xffff, false);
			/* A VF (0xffff in config) gets its IDs from sysfs; its PF from physfn. */
			if (got >= 0x10 && vk_dirfd_readlink(dfd, "physfn", buf, sizeof(buf)) >= 0) {
				const char *b = strrchr(buf, '/');
				char full[VK_BDF_MAX];

				if (vk_pci_addr_normalize(b ? b + 1 : buf, full) == 0)
					d->physfn = strdup(full);
			}
		}
	}

	/* boot_vga is only visible on VGA-class devices (pci-sysfs.c is_visible). */
	n = d->class < 0 || ((unsigned)d->class >> 8) == 0x0300 ? vk_dirfd_read(dfd, "boot_vga", buf, sizeof(buf)) : -ENOENT;
	if (n >= 0) {
		if (streq(buf, "1"))
			d->boot_vga = 1;
		else if (streq(buf, "0"))
			d->boot_vga = 0;
		else
			vk_host_warn(h, _("garbled value '%.32s' in '/sys/bus/pci/devices/%s/boot_vga', treating it as unknown"),
				     buf, d->bdf);
	}

	if (c->details)
		read_details(c->busfd, entry, dfd, d);

	/* SR-IOV physical functions: network, storage, display, processing accelerators,
	 * co-processors. Other classes never have sriov_numvfs; they skip the lookup. */
	n = -ENOENT;
	if (d->class < 0 || (unsigned)d->class >> 16 == 0x02 || (unsigned)d->class >> 16 == 0x01 ||
	    (unsigned)d->class >> 16 == 0x03 || (unsigned)d->class >> 16 == 0x12 || (unsigned)d->class >> 16 == 0x0b)
		n = vk_dirfd_read(dfd, "sriov_numvfs", buf, sizeof(buf));
	if (n >= 0) {
		int nv;

		if (safe_atoi(buf, &nv) == 0 && nv >= 0)
			d->sriov_numvfs = nv;
		else
			vk_host_warn(h, _("garbled value '%.32s' in '/sys/bus/pci/devices/%s/sriov_numvfs', ignoring"), buf,
				     d->bdf);
	}
	n = vk_dirfd_readlink(dfd, "driver", buf, sizeof(buf));
	if (n >= 0) {
		const char *b = strrchr(buf, '/');

		b = b ? b + 1 : buf;
		if (!*b || !sorted_contains(c->drivers, c->n_drivers, b)) {
			vk_host_warn(h, _("'/sys/bus/pci/devices/%s/driver' points to a driver that does not exist ('%s'), treating the driver as unknown"),
				     d->bdf, buf);
			d->flags |= VK_PCI_DRIVER_UNKNOWN;
		} else
			d->driver = strdup(b);
	} else if (n != -ENOENT) {
		vk_host_warn(h, _("cannot read '/sys/bus/pci/devices/%s/driver': %s, treating the driver as unknown"),
			     d->bdf, strerror((int)-n));
		d->flags |= VK_PCI_DRIVER_UNKNOWN;
	} else if (sorted_contains(c->unknown_drivers, c->n_unknown_drivers, d->bdf))
		d->flags |= VK_PCI_DRIVER_UNKNOWN;

	n = vk_dirfd_readlink(dfd, "iommu_group", buf, sizeof(buf));
	if (n >= 0) {
		const char *b = strrchr(buf, '/');
		int g;

		b = b ? b + 1 : buf;
		if (safe_atoi(b, &g) < 0 || g < 0) {
			vk_host_warn(h, _("garbled link '%s' in '/sys/bus/pci/devices/%s/iommu_group', treating the group as unknown"),
				     buf, d->bdf);
			d->flags |= VK_PCI_GROUP_UNKNOWN;
		} else if (!sorted_contains(c->group_dirs, c->n_group_dirs, b)) {
			vk_host_warn(h, _("'/sys/bus/pci/devices/%s/iommu_group' points to group %d, which does not exist; treating the group as unknown"),
				     d->bdf, g);
			d->flags |= VK_PCI_GROUP_UNKNOWN;
		} else
			d->iommu_group = g;
	}

	d->flags |= vk_pci_class_flags(d->class);
	/* A non-normal header is a bridge whatever its class says (vfio-pci refuses it). */
	if (d->header_type == 1 || d->header_type == 2)
		d->flags |= VK_PCI_BRIDGE;
	else if (d->header_type == 0)
		d->flags &= ~VK_PCI_BRIDGE;
	if (d->boot_vga == 1)
		d->flags |= VK_PCI_BOOT_VGA;
	if (d->physfn)
		d->flags |= VK_PCI_VF;
	if (d->sriov_numvfs >= 0)
		d->flags |= VK_PCI_PF;
	return 1;
}

static int cmp_dev(const void *a, const void *b)
{
	return vk_pci_addr_compare(&((const struct vk_pci_dev *)a)->addr, &((const struct vk_pci_dev *)b)->addr);
}

static int cmp_group(const void *a, const void *b)
{
	int x = ((const struct vk_iommu_group *)a)->id, y = ((const struct vk_iommu_group *)b)->id;
	return x < y ? -1 : x > y;
}

static int build_groups(struct vk_host *h, char **group_dirs)
{
	size_t n = strv_length(group_dirs);

	h->groups = calloc(n ? n : 1, sizeof(struct vk_iommu_group));
	if (!h->groups)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		struct vk_iommu_group *g = &h->groups[h->n_groups];
		char buf[64];
		int id;

		if (safe_atoi(group_dirs[i], &id) < 0 || id < 0) {
			vk_host_warn(h, _("'/sys/kernel/iommu_groups/%s' is not a group number, skipping"), group_dirs[i]);
			continue;
		}
		g->id = id;
		{
			_cleanup_close_ int gfd = vk_root_openf(h->root, O_PATH | O_DIRECTORY, "/sys/kernel/iommu_groups/%s",
								group_dirs[i]);

			if (gfd >= 0 && vk_dirfd_read(gfd, "type", buf, sizeof(buf)) > 0)
				g->type = strdup(buf);
		}
		h->n_groups++;
	}
	qsort(h->groups, h->n_groups, sizeof(struct vk_iommu_group), cmp_group);

	/* Members come from each device's iommu_group link; devices are sorted, so are members. */
	for (size_t i = 0; i < h->n_pci; i++) {
		struct vk_pci_dev *d = &h->pci[i];
		struct vk_iommu_group *g;
		struct vk_pci_dev **nd;

		if (d->iommu_group < 0)
			continue;
		g = vk_host_find_group(h, d->iommu_group);
		if (!g)
			continue;
		nd = realloc(g->devs, (g->n_devs + 1) * sizeof(*nd));
		if (!nd)
			return -ENOMEM;
		g->devs = nd;
		g->devs[g->n_devs++] = d;
	}
	return 0;
}

static int read_manifest_lists(struct vk_host *h, char ***unknown_drivers)
{
	_cleanup_free_ char *data = NULL;
	_cleanup_strv_free_ char **lines = NULL;
	int r;

	r = vk_root_read_file(h->root, "/.vfiokit-root", &data, NULL);
	if (r < 0)
		return r == -ENOENT ? 0 : r;
	r = strv_split(data, "\n", &lines);
	if (r < 0)
		return r;
	for (char **l = lines; *l; l++) {
		const char *v;

		if ((v = startswith(*l, "unknown-driver="))) {
			strv_free(*unknown_drivers);
			r = strv_split(v, " ", unknown_drivers);
			if (r < 0)
				return r;
			strv_sort(*unknown_drivers);
		}
	}
	return 0;
}

static void apply_manifest_labels(struct vk_host *h)
{
	_cleanup_free_ char *data = NULL;
	char *line, *save = NULL;

	if (vk_root_read_file(h->root, "/.vfiokit-root", &data, NULL) < 0)
		return;
	for (line = strtok_r(data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		const char *v = startswith(line, "label.");
		char *eq;
		struct vk_pci_dev *d;

		if (!v || !(eq = strchr(v, '=')))
			continue;
		*eq = '\0';
		d = vk_host_find_pci(h, v);
		if (d && !d->label)
			d->label = strdup(eq + 1);
	}
}

int vk_pci_scan(struct vk_host *h, bool details)
{
	_cleanup_strv_free_ char **entries = NULL;
	struct scan_ctx c = { .h = h, .busfd = -1, .details = details };
	int r;

	r = read_manifest_lists(h, &c.unknown_drivers);
	if (r < 0)
		vk_host_warn(h, _("cannot read the root's manifest '/.vfiokit-root': %s, ignoring"), strerror(-r));

	r = vk_root_list_dir(h->root, "/sys/bus/pci/devices", &entries);
	if (r == -ENOENT) {
		h->have_pci_sysfs = false;
		r = 0;
		goto out;
	}
	if (r < 0)
		goto out;
	h->have_pci_sysfs = true;
	c.busfd = vk_root_open_at(h->root, "/sys/bus/pci/devices", O_PATH | O_DIRECTORY, 0);
	if (c.busfd < 0) {
		r = c.busfd;
		goto out;
	}

	if (vk_root_list_dir(h->root, "/sys/bus/pci/drivers", &c.drivers) < 0)
		c.drivers = NULL;
	r = vk_root_list_dir(h->root, "/sys/kernel/iommu_groups", &c.group_dirs);
	if (r == -ENOENT) {
		h->have_groups_dir = false;
		c.group_dirs = NULL;
	} else if (r < 0) {
		vk_host_warn(h, _("cannot read '/sys/kernel/iommu_groups': %s, treating groups as unknown"), strerror(-r));
		c.group_dirs = NULL;
	} else
		h->have_groups_dir = true;
	r = 0;

	c.n_drivers = strv_length(c.drivers);
	c.n_group_dirs = strv_length(c.group_dirs);
	c.n_unknown_drivers = strv_length(c.unknown_drivers);
	h->pci = calloc(strv_length(entries) + 1, sizeof(struct vk_pci_dev));
	if (!h->pci) {
		r = -ENOMEM;
		goto out;
	}
	for (char **e = entries; *e; e++) {
		int k = scan_one(&c, *e, &h->pci[h->n_pci]);

		if (k < 0) {
			r = k;
			goto out;
		}
		if (k > 0)
			h->n_pci++;
	}
	qsort(h->pci, h->n_pci, sizeof(struct vk_pci_dev), cmp_dev);
	/* Two sysfs entries naming the same address (e.g. "1:00.0" and "0000:01:00.0"): keep one. */
	for (size_t i = 1; i < h->n_pci;) {
		if (cmp_dev(&h->pci[i - 1], &h->pci[i]) != 0) {
			i++;
			continue;
		}
		vk_host_warn(h, _("'%s' appears twice in '/sys/bus/pci/devices', ignoring the copy"), h->pci[i].bdf);
		vk_pci_dev_clear(&h->pci[i]);
		memmove(&h->pci[i], &h->pci[i + 1], (h->n_pci - i - 1) * sizeof(struct vk_pci_dev));
		h->n_pci--;
	}
	apply_manifest_labels(h);
	r = build_groups(h, c.group_dirs);
out:
	strv_free(c.drivers);
	strv_free(c.group_dirs);
	strv_free(c.unknown_drivers);
	if (c.busfd >= 0)
		close(c.busfd);
	return r;
}
