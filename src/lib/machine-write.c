/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Writing a machine description out as a root: the sysfs, procfs and /etc files vfiokit
 * reads, laid out as the kernel lays them out (relative symlinks included), so the same
 * code reads a live host, a fixture and an imported listing.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <sys/stat.h>

#include "machine.h"
#include "pciids.h"
#include "util.h"

struct writer {
	struct vk_root *root;
	const struct vk_machine *m;
	char **paths; /* per device: its directory under /sys ("devices/pci0000:00/0000:00:01.0") */
	bool native;
};

static int put(struct writer *w, const char *path, const void *data, size_t len, mode_t mode)
{
	return vk_root_write_atomic(w->root, path, data, len, mode, VK_WRITE_MKDIR | VK_WRITE_NOSYNC);
}

static int putf(struct writer *w, const char *path, const char *fmt, ...) _printf_(3, 4);
static int putf(struct writer *w, const char *path, const char *fmt, ...)
{
	_cleanup_free_ char *s = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -ENOMEM;
	return put(w, path, s, (size_t)n, 0644);
}

/* A symlink at /sys/<from> (a path relative to /sys) to /sys/<to>, written relative, as
 * sysfs writes them ("../../../bus/pci/drivers/nvme"). */
static int syslink(struct writer *w, const char *from, const char *to)
{
	_cleanup_strbuf_ struct strbuf t = STRBUF_INIT;
	_cleanup_free_ char *path = NULL, *dir = NULL;
	char *slash;

	for (const char *p = from; *p; p++)
		if (*p == '/' && strbuf_adds(&t, "../") < 0)
			return -ENOMEM;
	if (strbuf_adds(&t, to) < 0)
		return -ENOMEM;
	path = xasprintf("/sys/%s", from);
	dir = path ? strdup(path) : NULL;
	if (!dir)
		return -ENOMEM;
	slash = strrchr(dir, '/');
	*slash = '\0';
	if (vk_root_mkdir_p(w->root, dir, 0755) < 0)
		return -EIO;
	return vk_root_symlink(w->root, t.s, path);
}

static int cmp_mdev(const void *a, const void *b)
{
	return vk_pci_addr_compare(&((const struct vk_mdev *)a)->addr, &((const struct vk_mdev *)b)->addr);
}

void vk_machine_sort(struct vk_machine *m)
{
	if (m->n_devs > 1)
		qsort(m->devs, m->n_devs, sizeof(*m->devs), cmp_mdev);
}

/* Devices are sorted (vk_machine_sort), so lookups are binary searches. */
static const struct vk_mdev *find_dev(const struct vk_machine *m, const char *addr)
{
	struct vk_mdev key;

	if (vk_pci_addr_parse(addr, &key.addr) < 0)
		return NULL;
	return bsearch(&key, m->devs, m->n_devs, sizeof(*m->devs), cmp_mdev);
}

/* The device's directory under /sys: nested under its parent bridge when known. */
static char *device_path(const struct vk_machine *m, const struct vk_mdev *d, unsigned depth)
{
	char bdf[VK_BDF_MAX];
	const struct vk_mdev *p = d->parent ? find_dev(m, d->parent) : NULL;

	vk_pci_addr_format(&d->addr, bdf);
	if (p && p != d && depth < 32) {
		_cleanup_free_ char *pp = device_path(m, p, depth + 1);

		return pp ? xasprintf("%s/%s", pp, bdf) : NULL;
	}
	return xasprintf("devices/pci%04x:00/%s", d->addr.domain, bdf);
}

static bool slot_has_siblings(const struct vk_machine *m, const struct vk_mdev *d)
{
	size_t i = (size_t)(d - m->devs);

	return (i > 0 && vk_pci_addr_same_slot(&m->devs[i - 1].addr, &d->addr)) ||
	       (i + 1 < m->n_devs && vk_pci_addr_same_slot(&m->devs[i + 1].addr, &d->addr));
}

static void put16(unsigned char *b, unsigned off, int32_t v)
{
	uint16_t x = v < 0 ? 0xffff : (uint16_t)v;

	b[off] = (unsigned char)(x & 0xff);
	b[off + 1] = (unsigned char)(x >> 8);
}

/* The first 64 bytes of config space, consistent with the attributes (lspci reads them). */
static int write_config(struct writer *w, const char *dir, const struct vk_mdev *d, size_t idx)
{
	unsigned char cfg[64] = {0};
	_cleanup_free_ char *path = xasprintf("/sys/%s/config", dir);
	uint32_t cls = d->class < 0 ? 0xffffff : (uint32_t)d->class;
	unsigned base = cls >> 16, sub = (cls >> 8) & 0xff;
	unsigned header = base == 0x06 && (sub == 0x04 || sub == 0x09) ? 1 : base == 0x06 && sub == 0x07 ? 2 : 0;

	if (!path)
		return -ENOMEM;
	/* A virtual function's config header reads 0xffff for its IDs (PCIe SR-IOV spec);
	 * the kernel shows the real ones in the vendor/device attributes. */
	put16(cfg, 0x00, d->physfn ? -1 : d->vendor);
	put16(cfg, 0x02, d->physfn ? -1 : d->device);
	cfg[0x04] = 0x07; /* I/O, memory, bus master */
	cfg[0x08] = d->revision < 0 ? 0 : (unsigned char)d->revision;
	cfg[0x09] = (unsigned char)(cls & 0xff);
	cfg[0x0a] = (unsigned char)sub;
	cfg[0x0b] = (unsigned char)base;
	cfg[0x0e] = (unsigned char)(header | (slot_has_siblings(w->m, d) ? 0x80 : 0));
	if (header == 0) {
		put16(cfg, 0x2c, d->subsys_vendor < 0 ? 0 : d->subsys_vendor);
		put16(cfg, 0x2e, d->subsys_device < 0 ? 0 : d->subsys_device);
	} else if (header == 1) {
		/* primary/secondary/subordinate bus: the buses of the children we know of */
		unsigned lo = 0x100, hi = 0;
		char me[VK_BDF_MAX];

		vk_pci_addr_format(&d->addr, me);
		for (size_t i = 0; i < w->m->n_devs; i++) {
			const struct vk_mdev *c = &w->m->devs[i];

			if (c->parent && streq(c->parent, me)) {
				lo = MIN(lo, c->addr.bus);
				hi = MAX(hi, c->addr.bus);
			}
		}
		cfg[0x18] = d->addr.bus;
		cfg[0x19] = lo <= 0xff ? (unsigned char)lo : 0;
		cfg[0x1a] = lo <= 0xff ? (unsigned char)hi : 0;
	}
	(void)idx;
	return put(w, path, cfg, sizeof(cfg), 0644);
}

static int write_usb(struct writer *w, const char *dir, const struct vk_mdev *d)
{
	unsigned next_port[256] = {0};

	for (size_t i = 0; i < d->n_usb; i++) {
		const struct vk_usb_dev *u = &d->usb[i];
		bool roothub = u->vendor == 0x1d6b && u->devnum == 1;
		_cleanup_free_ char *name = NULL, *rel = NULL, *busl = NULL, *target = NULL;
		int r = 0;

		if (roothub)
			name = xasprintf("usb%u", u->bus);
		else if (u->port)
			name = strdup(u->port);
		else
			name = xasprintf("%u-%u", u->bus, ++next_port[u->bus & 0xff]);
		if (!name)
			return -ENOMEM;
		rel = roothub ? xasprintf("%s/%s", dir, name) : xasprintf("%s/usb%u/%s", dir, u->bus, name);
		if (!rel)
			return -ENOMEM;
#define USBATTR(attr, ...)                                                          \
	do {                                                                        \
		_cleanup_free_ char *p_ = xasprintf("/sys/%s/" attr, rel);          \
		if (r >= 0)                                                         \
			r = p_ ? putf(w, p_, __VA_ARGS__) : -ENOMEM;                \
	} while (0)
		if (u->vendor >= 0) {
			USBATTR("idVendor", "%04x\n", (unsigned)u->vendor);
			USBATTR("idProduct", "%04x\n", (unsigned)u->product);
		}
		USBATTR("busnum", "%u\n", u->bus);
		USBATTR("devnum", "%u\n", u->devnum);
		if (u->name)
			USBATTR("product", "%s\n", u->name);
		if (u->ifclass) {
			_cleanup_free_ char *ifrel = xasprintf("%s/%s:1.0", rel, name);
			_cleanup_free_ char *p = ifrel ? xasprintf("/sys/%s/bInterfaceClass", ifrel) : NULL;

			if (r >= 0)
				r = p ? putf(w, p, "%s\n", u->ifclass) : -ENOMEM;
		}
#undef USBATTR
		if (r < 0)
			return r;
		busl = xasprintf("bus/usb/devices/%s", name);
		if (!busl)
			return -ENOMEM;
		r = syslink(w, busl, rel);
		if (r < 0 && r != -EEXIST)
			return r;
	}
	return 0;
}

static int write_device(struct writer *w, size_t idx)
{
	const struct vk_mdev *d = &w->m->devs[idx];
	const char *dir = w->paths[idx];
	char bdf[VK_BDF_MAX];
	_cleanup_free_ char *p = NULL;
	int r = 0;

	vk_pci_addr_format(&d->addr, bdf);
#define ATTR(name, ...)                                                     \
	do {                                                                \
		free(p);                                                    \
		p = xasprintf("/sys/%s/" name, dir);                        \
		if (r >= 0)                                                 \
			r = p ? putf(w, p, __VA_ARGS__) : -ENOMEM;          \
	} while (0)
	if (d->vendor >= 0 && d->device >= 0) {
		ATTR("vendor", "0x%04x\n", (unsigned)d->vendor);
		ATTR("device", "0x%04x\n", (unsigned)d->device);
	}
	if (d->class >= 0)
		ATTR("class", "0x%06x\n", (unsigned)d->class);
	if (d->revision >= 0)
		ATTR("revision", "0x%02x\n", (unsigned)d->revision);
	if (d->subsys_vendor >= 0 && d->subsys_device >= 0) {
		ATTR("subsystem_vendor", "0x%04x\n", (unsigned)d->subsys_vendor);
		ATTR("subsystem_device", "0x%04x\n", (unsigned)d->subsys_device);
	}
	if (d->boot_vga >= 0 && d->class >= 0 && ((unsigned)d->class >> 8) == 0x0300)
		ATTR("boot_vga", "%d\n", d->boot_vga);
	if (d->driver_override || w->native)
		ATTR("driver_override", "%s\n", d->driver_override ? d->driver_override : "(null)");
	if (d->reset_method)
		ATTR("reset_method", "%s\n", d->reset_method);
	if (d->vendor >= 0 && d->device >= 0 && d->class >= 0 && d->subsys_vendor >= 0 && d->subsys_device >= 0)
		ATTR("modalias", "pci:v%08Xd%08Xsv%08Xsd%08Xbc%02Xsc%02Xi%02X\n", (unsigned)d->vendor, (unsigned)d->device,
		     (unsigned)d->subsys_vendor, (unsigned)d->subsys_device, ((unsigned)d->class >> 16) & 0xff,
		     ((unsigned)d->class >> 8) & 0xff, (unsigned)d->class & 0xff);
	if (d->sriov_numvfs >= 0) {
		unsigned total = 0;

		for (size_t i = 0; i < w->m->n_devs; i++)
			if (w->m->devs[i].physfn && streq(w->m->devs[i].physfn, bdf))
				total++;
		ATTR("sriov_numvfs", "%d\n", d->sriov_numvfs);
		ATTR("sriov_totalvfs", "%u\n", MAX(total, (unsigned)d->sriov_numvfs));
	}
#undef ATTR
	if (r < 0)
		return r;
	r = write_config(w, dir, d, idx);
	if (r < 0)
		return r;

	/* /sys/bus/pci/devices/<bdf> -> ../../../devices/... */
	free(p);
	p = xasprintf("bus/pci/devices/%s", bdf);
	if (!p || (r = syslink(w, p, dir)) < 0)
		return p ? r : -ENOMEM;

	if (d->physfn) {
		const struct vk_mdev *pf = find_dev(w->m, d->physfn);

		if (pf) {
			_cleanup_free_ char *from = xasprintf("%s/physfn", dir);

			if (!from || (r = syslink(w, from, w->paths[pf - w->m->devs])) < 0)
				return from ? r : -ENOMEM;
		}
	}
	if (d->sriov_numvfs >= 0) {
		unsigned n = 0;

		for (size_t i = 0; i < w->m->n_devs; i++) {
			_cleanup_free_ char *from = NULL;

			if (!w->m->devs[i].physfn || !streq(w->m->devs[i].physfn, bdf))
				continue;
			from = xasprintf("%s/virtfn%u", dir, n++);
			if (!from || (r = syslink(w, from, w->paths[i])) < 0)
				return from ? r : -ENOMEM;
		}
	}
	if (d->group >= 0) {
		_cleanup_free_ char *from = xasprintf("%s/iommu_group", dir), *grp = xasprintf("kernel/iommu_groups/%d", d->group),
				    *member = xasprintf("kernel/iommu_groups/%d/devices/%s", d->group, bdf);

		if (!from || !grp || !member)
			return -ENOMEM;
		if ((r = syslink(w, from, grp)) < 0 || (r = syslink(w, member, dir)) < 0)
			return r;
	}
	if (d->driver) {
		_cleanup_free_ char *from = xasprintf("%s/driver", dir), *drv = xasprintf("bus/pci/drivers/%s", d->driver),
				    *back = xasprintf("bus/pci/drivers/%s/%s", d->driver, bdf);

		if (!from || !drv || !back)
			return -ENOMEM;
		if ((r = syslink(w, from, drv)) < 0 || (r = syslink(w, back, dir)) < 0)
			return r;
	}
	return write_usb(w, dir, d);
}

static int write_cpu(struct writer *w)
{
	const struct vk_machine *m = w->m;
	unsigned sockets = m->sockets ? m->sockets : 1, cores = m->cores ? m->cores : 1, threads = m->threads ? m->threads : 1;
	unsigned n = sockets * cores * threads;
	_cleanup_strbuf_ struct strbuf info = STRBUF_INIT;
	int r;

	if (!m->cpu_vendor && !m->cpu_flags && !m->cores)
		return 0;
	for (unsigned cpu = 0; cpu < n; cpu++) {
		/* Interleaved (Intel, most AMD): siblings are N and N+cores. Adjacent: 2k, 2k+1. */
		unsigned core, socket;
		_cleanup_free_ char *dir = NULL, *sib = NULL;

		if (m->siblings_adjacent) {
			core = (cpu / threads) % cores;
			socket = cpu / (threads * cores);
		} else {
			socket = (cpu % (sockets * cores)) / cores;
			core = cpu % cores;
		}
		strbuf_addf(&info,
			    "processor\t: %u\nvendor_id\t: %s\nmodel name\t: %s\nphysical id\t: %u\nsiblings\t: %u\n"
			    "core id\t\t: %u\ncpu cores\t: %u\nflags\t\t: %s\n\n",
			    cpu, strempty(m->cpu_vendor), strempty(m->cpu_model), socket, cores * threads, core, cores,
			    strempty(m->cpu_flags));
		{
			_cleanup_strbuf_ struct strbuf s = STRBUF_INIT;

			for (unsigned t = 0; t < threads; t++) {
				unsigned id = m->siblings_adjacent ? (socket * cores + core) * threads + t
								   : t * sockets * cores + socket * cores + core;
				strbuf_addf(&s, t ? ",%u" : "%u", id);
			}
			sib = strbuf_detach(&s);
		}
		dir = xasprintf("/sys/devices/system/cpu/cpu%u/topology", cpu);
		if (!dir || !sib)
			return -ENOMEM;
#define TOPO(name, ...)                                                                 \
	do {                                                                            \
		_cleanup_free_ char *p_ = xasprintf("%s/" name, dir);                   \
		if ((r = p_ ? putf(w, p_, __VA_ARGS__) : -ENOMEM) < 0)                  \
			return r;                                                       \
	} while (0)
		TOPO("physical_package_id", "%u\n", socket);
		TOPO("die_id", "0\n");
		TOPO("core_id", "%u\n", core);
		TOPO("thread_siblings_list", "%s\n", sib);
		TOPO("core_cpus_list", "%s\n", sib);
#undef TOPO
	}
	if ((r = putf(w, "/sys/devices/system/cpu/online", "0-%u\n", n - 1)) < 0)
		return r;
	return put(w, "/proc/cpuinfo", info.s ? info.s : "", info.len, 0444);
}

static const struct vk_machine *sort_m;

static int cmp_ids(const void *a, const void *b)
{
	const struct vk_mdev *x = &sort_m->devs[*(const size_t *)a], *y = &sort_m->devs[*(const size_t *)b];

	if (x->vendor != y->vendor)
		return x->vendor < y->vendor ? -1 : 1;
	if (x->device != y->device)
		return x->device < y->device ? -1 : 1;
	return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

static int cmp_class(const void *a, const void *b)
{
	const struct vk_mdev *x = &sort_m->devs[*(const size_t *)a], *y = &sort_m->devs[*(const size_t *)b];
	int32_t cx = x->class < 0 ? -1 : x->class >> 8, cy = y->class < 0 ? -1 : y->class >> 8;

	if (cx != cy)
		return cx < cy ? -1 : 1;
	return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

/* The names the input used become the root's pci.ids, completed from the system's database
 * for IDs the input did not name, so libpci (and lspci -i) print what the listing printed. */
static int write_names(struct writer *w)
{
	const struct vk_machine *m = w->m;
	_cleanup_strbuf_ struct strbuf out = STRBUF_INIT;
	_cleanup_free_ size_t *idx = NULL;
	struct vk_pciids *host = NULL;
	_cleanup_root_ struct vk_root *hostroot = NULL;
	bool any = false;
	int r;

	for (size_t i = 0; i < m->n_devs; i++)
		any |= m->devs[i].vendor_name || m->devs[i].device_name || m->devs[i].class_name;
	if (!any)
		return 0;
	idx = calloc(m->n_devs + 1, sizeof(size_t));
	if (!idx)
		return -ENOMEM;
	for (size_t i = 0; i < m->n_devs; i++)
		idx[i] = i;
	if (vk_root_open("/", &hostroot) == 0)
		(void)vk_pciids_load(hostroot, &host);
	sort_m = m;

	strbuf_adds(&out, "# pci.ids written by 'vfiokit import': the names the imported listing used\n");
	/* Vendors, then their devices, in ID order, each once; the first name given wins. */
	qsort(idx, m->n_devs, sizeof(size_t), cmp_ids);
	for (size_t i = 0; i < m->n_devs;) {
		int32_t v = m->devs[idx[i]].vendor;
		const char *vname = NULL;
		size_t end = i;

		while (end < m->n_devs && m->devs[idx[end]].vendor == v) {
			if (!vname)
				vname = m->devs[idx[end]].vendor_name;
			end++;
		}
		if (v >= 0 && !vname)
			vname = vk_pciids_vendor_name(host, (uint32_t)v);
		if (v >= 0 && vname) {
			strbuf_addf(&out, "%04x  %s\n", (unsigned)v, vname);
			for (size_t k = i; k < end;) {
				int32_t d = m->devs[idx[k]].device;
				const char *dname = NULL;
				bool unnamed = false;

				for (; k < end && m->devs[idx[k]].device == d; k++) {
					if (!dname)
						dname = m->devs[idx[k]].device_name;
					unnamed |= m->devs[idx[k]].device_unnamed;
				}
				/* The listing printed "Device": its database did not name it, so neither do we. */
				if (d >= 0 && !dname && !unnamed)
					dname = vk_pciids_device_name(host, (uint32_t)v, (uint32_t)d);
				if (d >= 0 && dname)
					strbuf_addf(&out, "\t%04x  %s\n", (unsigned)d, dname);
			}
		}
		i = end;
	}
	/* Classes: "C 03  Display controller", then "\t00  VGA compatible controller". */
	qsort(idx, m->n_devs, sizeof(size_t), cmp_class);
	for (size_t i = 0, last_base = 0x100; i < m->n_devs;) {
		int32_t c = m->devs[idx[i]].class < 0 ? -1 : m->devs[idx[i]].class >> 8;
		const char *cname = NULL;

		for (; i < m->n_devs && (m->devs[idx[i]].class < 0 ? -1 : m->devs[idx[i]].class >> 8) == c; i++)
			if (!cname)
				cname = m->devs[idx[i]].class_name;
		if (c < 0)
			continue;
		if ((size_t)(c >> 8) != last_base) {
			const char *bn = vk_pciids_class_name(host, (uint32_t)c >> 8);

			last_base = (size_t)(c >> 8);
			if (bn)
				strbuf_addf(&out, "C %02x  %s\n", (unsigned)c >> 8, bn);
			else
				strbuf_addf(&out, "C %02x  Class %02x\n", (unsigned)c >> 8, (unsigned)c >> 8);
		}
		if (!cname)
			cname = vk_pciids_subclass_name(host, (uint32_t)c);
		if (cname)
			strbuf_addf(&out, "\t%02x  %s\n", (unsigned)c & 0xff, cname);
	}
	vk_pciids_free(host);
	if (!out.s)
		return -ENOMEM;
	r = put(w, "/usr/share/misc/pci.ids", out.s, out.len, 0644);
	return r;
}

static int write_manifest(struct writer *w, const char *kind)
{
	const struct vk_machine *m = w->m;
	_cleanup_strbuf_ struct strbuf s = STRBUF_INIT;
	bool first = true;

	strbuf_addf(&s,
		    "# A root written by vfiokit %s. Facts the input did not give are absent, not guessed.\n"
		    "source=%s\n",
		    PACKAGE_VERSION, kind);
	for (char **src = m->sources; src && *src; src++)
		strbuf_addf(&s, "input=%s\n", *src);
	for (size_t i = 0; i < m->n_devs; i++) {
		char bdf[VK_BDF_MAX];

		if (m->devs[i].driver_known)
			continue;
		vk_pci_addr_format(&m->devs[i].addr, bdf);
		strbuf_addf(&s, "%s%s", first ? "unknown-driver=" : " ", bdf);
		first = false;
	}
	if (!first)
		strbuf_addc(&s, '\n');
	for (size_t i = 0; i < m->n_devs; i++) {
		char bdf[VK_BDF_MAX];

		if (!m->devs[i].label || (m->devs[i].vendor >= 0 && m->devs[i].device >= 0))
			continue;
		vk_pci_addr_format(&m->devs[i].addr, bdf);
		strbuf_addf(&s, "label.%s=%s\n", bdf, m->devs[i].label);
	}
	if (!s.s)
		return -ENOMEM;
	return put(w, "/.vfiokit-root", s.s, s.len, 0644);
}

static int write_system(struct writer *w)
{
	const struct vk_machine *m = w->m;
	int r = 0;

	if (m->kernel_release && (r = putf(w, "/proc/sys/kernel/osrelease", "%s\n", m->kernel_release)) < 0)
		return r;
	if (m->cmdline && (r = putf(w, "/proc/cmdline", "%s\n", m->cmdline)) < 0)
		return r;
	if (m->mem_kib) {
		_cleanup_strbuf_ struct strbuf s = STRBUF_INIT;

		strbuf_addf(&s, "MemTotal:       %llu kB\n", (unsigned long long)m->mem_kib);
		strbuf_addf(&s, "HugePages_Total: %llu\nHugePages_Free: %llu\nHugepagesize:   %llu kB\n",
			    (unsigned long long)m->hugepages_total, (unsigned long long)m->hugepages_free,
			    (unsigned long long)(m->hugepage_kib ? m->hugepage_kib : 2048));
		if (!s.s || (r = put(w, "/proc/meminfo", s.s, s.len, 0444)) < 0)
			return s.s ? r : -ENOMEM;
	}
	if (m->acpi_tables) {
		if ((r = vk_root_mkdir_p(w->root, "/sys/firmware/acpi/tables", 0755)) < 0)
			return r;
		for (char **t = m->acpi_tables; *t; t++) {
			_cleanup_free_ char *p = xasprintf("/sys/firmware/acpi/tables/%s", *t);

			if (!p || (r = put(w, p, "", 0, 0400)) < 0)
				return p ? r : -ENOMEM;
		}
	}
	for (char **u = m->iommu_units; u && *u; u++) {
		_cleanup_free_ char *from = xasprintf("class/iommu/%s", *u), *to = xasprintf("devices/virtual/iommu/%s", *u),
				    *dir = xasprintf("/sys/devices/virtual/iommu/%s/devices", *u);

		if (!from || !to || !dir)
			return -ENOMEM;
		if ((r = vk_root_mkdir_p(w->root, dir, 0755)) < 0 || (r = syslink(w, from, to)) < 0)
			return r;
	}
	if (m->iommu_units && !m->iommu_units[0] && (r = vk_root_mkdir_p(w->root, "/sys/class/iommu", 0755)) < 0)
		return r;
	return write_cpu(w);
}

static int write_tree(struct vk_machine *m, const char *dir, const char *source_kind);

int vk_machine_write_root(struct vk_machine *m, const char *dir, const char *source_kind)
{
	_cleanup_root_ struct vk_root *target = NULL;
	_cleanup_strv_free_ char **existing = NULL;
	_cleanup_free_ char *tmp = NULL;
	int r;

	/* The tree is written next to @dir and renamed into place at the end, so a failure
	 * (a full disk, a bad input) never leaves half a root behind. */
	r = vk_root_open(dir, &target);
	if (r == 0) {
		if (vk_root_is_host(target))
			return -EPERM; /* never write a machine over the live "/" */
		r = vk_root_list_dir(target, "/", &existing);
		if (r < 0)
			return r;
		if (existing[0])
			return -ENOTEMPTY;
	} else if (r != -ENOENT)
		return r;
	{
		size_t n = strlen(dir);

		while (n > 1 && dir[n - 1] == '/')
			n--; /* "out/" must not put the temporary tree inside "out" */
		tmp = xasprintf("%.*s.vfiokit-XXXXXX", (int)n, dir);
	}
	if (!tmp)
		return -ENOMEM;
	if (!mkdtemp(tmp))
		return negative_errno();
	r = write_tree(m, tmp, source_kind);
	if (r >= 0 && chmod(tmp, 0755) < 0)
		r = negative_errno();
	if (r >= 0 && rename(tmp, dir) < 0)
		r = negative_errno();
	if (r < 0)
		(void)rm_rf(tmp);
	return r;
}

static int write_tree(struct vk_machine *m, const char *dir, const char *source_kind)
{
	_cleanup_root_ struct vk_root *root = NULL;
	struct writer w = { .m = m, .native = m->native };
	int r;

	r = vk_root_open(dir, &root);
	if (r < 0)
		return r;
	w.root = root;
	vk_machine_sort(m);

	w.paths = calloc(m->n_devs + 1, sizeof(char *));
	if (!w.paths)
		return -ENOMEM;
	for (size_t i = 0; i < m->n_devs; i++)
		if (!(w.paths[i] = device_path(m, &m->devs[i], 0))) {
			r = -ENOMEM;
			goto out;
		}

	/* The directories that exist on any Linux host with sysfs. */
	if ((r = vk_root_mkdir_p(root, "/sys/bus/pci/devices", 0755)) < 0 ||
	    (r = vk_root_mkdir_p(root, "/sys/bus/pci/drivers", 0755)) < 0)
		goto out;
	if ((m->groups_known || m->iommu_off) && (r = vk_root_mkdir_p(root, "/sys/kernel/iommu_groups", 0755)) < 0)
		goto out;
	for (size_t i = 0; i < m->n_devs; i++)
		if ((r = write_device(&w, i)) < 0)
			goto out;
	for (char **t = m->group_types; t && *t; t++) {
		_cleanup_free_ char *id = strdup(*t), *p = NULL;
		char *eq = id ? strchr(id, '=') : NULL;

		if (!eq) {
			r = -ENOMEM;
			goto out;
		}
		*eq = '\0';
		p = xasprintf("/sys/kernel/iommu_groups/%s/type", id);
		if (!p || (r = putf(&w, p, "%s\n", eq + 1)) < 0)
			goto out;
	}
	if ((r = write_system(&w)) < 0 || (r = write_names(&w)) < 0)
		goto out;
	for (size_t i = 0; i < m->n_files; i++) {
		const struct vk_mfile *f = &m->files[i];

		if (f->link) {
			_cleanup_free_ char *parent = strdup(f->path);
			char *slash = parent ? strrchr(parent, '/') : NULL;

			if (slash && slash != parent) {
				*slash = '\0';
				vk_root_mkdir_p(root, parent, 0755);
			}
			r = vk_root_symlink(root, f->link, f->path);
		} else if (f->data)
			r = put(&w, f->path, f->data, f->len, f->mode);
		else
			r = vk_root_mkdir_p(root, f->path, 0755);
		if (r < 0)
			goto out;
	}
	r = write_manifest(&w, source_kind);
out:
	strv_free(w.paths);
	return r;
}
