/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The host model: loading, lookups and lifetime. */
#include <stdarg.h>

#include "host.h"
#include "util.h"

int vk_host_warn(struct vk_host *h, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -ENOMEM;
	return strv_push(&h->warnings, s);
}

void vk_pci_dev_clear(struct vk_pci_dev *d)
{
	free(d->driver);
	free(d->driver_override);
	free(d->reset_method);
	free(d->modalias);
	free(d->physfn);
	free(d->parent);
	free(d->label);
}

struct vk_host *vk_host_free(struct vk_host *h)
{
	if (!h)
		return NULL;
	for (size_t i = 0; i < h->n_pci; i++)
		vk_pci_dev_clear(&h->pci[i]);
	free(h->pci);
	for (size_t i = 0; i < h->n_groups; i++) {
		free(h->groups[i].type);
		free(h->groups[i].devs);
	}
	free(h->groups);
	strv_free(h->iommu_units);
	free(h->cpuinfo.vendor_id);
	free(h->cpuinfo.model_name);
	free(h->cpu.ids);
	free(h->cpu.package);
	free(h->cpu.die);
	free(h->cpu.core);
	strv_free(h->cpu.siblings);
	free(h->kernel_release);
	free(h->cmdline);
	free(h->os_id);
	free(h->os_id_like);
	free(h->os_pretty_name);
	free(h->os_version_id);
	free(h->root_source);
	strv_free(h->manifest);
	strv_free(h->warnings);
	free(h);
	return NULL;
}

int vk_host_ensure(struct vk_host *h, unsigned what)
{
	unsigned todo = what & ~h->loaded;
	int r;

	if (todo & VK_LOAD_PCI) {
		r = vk_pci_scan(h, what & VK_LOAD_PCI_DETAILS);
		if (r < 0)
			return r;
		h->loaded |= VK_LOAD_PCI | (what & VK_LOAD_PCI_DETAILS);
	}
	if (todo & VK_LOAD_IOMMU) {
		r = vk_iommu_scan(h);
		if (r < 0)
			return r;
		h->loaded |= VK_LOAD_IOMMU;
	}
	if (todo & VK_LOAD_CPU) {
		r = vk_cpu_scan(h);
		if (r < 0)
			return r;
		h->loaded |= VK_LOAD_CPU;
	}
	if (todo & VK_LOAD_SYSTEM) {
		r = vk_system_scan(h);
		if (r < 0)
			return r;
		h->loaded |= VK_LOAD_SYSTEM;
	}
	return 0;
}

bool vk_host_is_import(const struct vk_host *h)
{
	return h->root_source && streq(h->root_source, "import");
}

/* The manifest a root written by import or snapshot carries ("source=import"). */
static void read_source(struct vk_host *h)
{
	_cleanup_free_ char *data = NULL;
	char *line, *save = NULL;

	if (vk_root_read_file(h->root, "/.vfiokit-root", &data, NULL) < 0)
		return;
	for (line = strtok_r(data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		const char *v = startswith(line, "source=");

		if (line[0] == '#' || !strchr(line, '='))
			continue;
		if (v && !h->root_source)
			h->root_source = strdup(v);
		(void)strv_extend(&h->manifest, line);
	}
}

const char *vk_host_manifest_get(const struct vk_host *h, const char *key)
{
	size_t n = strlen(key);

	for (char **l = h->manifest; l && *l; l++)
		if (strneq(*l, key, n) && (*l)[n] == '=')
			return *l + n + 1;
	return NULL;
}

int vk_host_load(struct vk_root *root, unsigned what, struct vk_host **ret)
{
	_cleanup_host_ struct vk_host *h = NULL;
	int r;

	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	h->root = root;
	read_source(h);
	r = vk_host_ensure(h, what);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(h);
	return 0;
}

struct vk_pci_dev *vk_host_find_pci(const struct vk_host *h, const char *addr)
{
	struct vk_pci_addr a;
	size_t lo = 0, hi = h->n_pci;

	if (vk_pci_addr_parse(addr, &a) < 0)
		return NULL;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = vk_pci_addr_compare(&h->pci[mid].addr, &a);

		if (c == 0)
			return &h->pci[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

struct vk_iommu_group *vk_host_find_group(const struct vk_host *h, int id)
{
	size_t lo = 0, hi = h->n_groups;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (h->groups[mid].id == id)
			return &h->groups[mid];
		if (h->groups[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

int vk_host_slot_functions(const struct vk_host *h, const struct vk_pci_dev *d, struct vk_pci_dev ***ret,
			   size_t *n)
{
	struct vk_pci_dev **l;
	size_t k = 0, first;

	/* Devices are sorted by address, so a slot's functions are adjacent. */
	first = (size_t)(d - h->pci);
	while (first > 0 && vk_pci_addr_same_slot(&h->pci[first - 1].addr, &d->addr))
		first--;
	l = calloc(9, sizeof(*l));
	if (!l)
		return -ENOMEM;
	for (size_t i = first; i < h->n_pci && vk_pci_addr_same_slot(&h->pci[i].addr, &d->addr) && k < 8; i++)
		l[k++] = &h->pci[i];
	*ret = l;
	if (n)
		*n = k;
	return 0;
}

int vk_host_upstream_chain(const struct vk_host *h, const struct vk_pci_dev *d, struct vk_pci_dev ***ret,
			   size_t *n)
{
	struct vk_pci_dev **l = NULL;
	size_t k = 0;

	for (const struct vk_pci_dev *cur = d; cur->parent && k < 256;) {
		struct vk_pci_dev *p = vk_host_find_pci(h, cur->parent), **nl;

		if (!p)
			break;
		nl = realloc(l, (k + 2) * sizeof(*nl));
		if (!nl) {
			free(l);
			return -ENOMEM;
		}
		l = nl;
		l[k++] = p;
		l[k] = NULL;
		cur = p;
	}
	if (!l && !(l = calloc(1, sizeof(*l))))
		return -ENOMEM;
	*ret = l;
	if (n)
		*n = k;
	return 0;
}

const char *vk_host_cpu_vendor(const struct vk_host *h)
{
	const char *v = h->cpuinfo.vendor_id;

	if (!v)
		return NULL;
	if (streq(v, "GenuineIntel"))
		return "intel";
	if (streq(v, "AuthenticAMD") || streq(v, "HygonGenuine"))
		return "amd";
	return NULL;
}

size_t vk_pci_flag_words(const struct vk_pci_dev *d, const char *words[16])
{
	static const struct {
		unsigned flag;
		const char *word;
	} map[] = {
		{ VK_PCI_DISPLAY, "gpu" },   { VK_PCI_BOOT_VGA, "boot-vga" }, { VK_PCI_AUDIO, "audio" },
		{ VK_PCI_USB, "usb" },       { VK_PCI_UCSI, "usb-c" },        { VK_PCI_BRIDGE, "bridge" },
		{ VK_PCI_VF, "sriov-vf" },   { VK_PCI_PF, "sriov-pf" },       { VK_PCI_NET, "net" },
		{ VK_PCI_STORAGE, "storage" },
	};
	size_t n = 0;

	for (size_t i = 0; i < ELEMENTSOF(map) && n < 15; i++)
		if (d->flags & map[i].flag)
			words[n++] = map[i].word;
	words[n] = NULL;
	return n;
}
