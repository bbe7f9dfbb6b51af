/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* PCI names through libpci (pci_lookup_name), with the database resolved inside the root. */
#include <fcntl.h>
#include <pci/pci.h>
#include <stdarg.h>

#include "names.h"
#include "util.h"

struct vk_names {
	struct pci_access *pacc;
	int fd;          /* the database, opened through the root layer */
	char *source;    /* its path, for messages */
	char *fdpath;    /* "/proc/self/fd/N": how libpci opens it */
	unsigned flags;  /* extra lookup flags */
};

static const char *const db_paths[] = {
	"/usr/share/misc/pci.ids",
	"/usr/share/hwdata/pci.ids",
	"/usr/share/pci.ids",
};

/* libpci reports unreadable or broken databases through this; keep quiet, names just
 * fall back to numbers. The error hook is only called on allocation failure. */
static void PCI_PRINTF(1, 2) names_warning(char *msg, ...)
{
}

/* pci_init() would install defaults; names never call it (no bus scan), so every hook
 * libpci may call (the hwdb lookup logs through ->debug) is set here. */
static void PCI_PRINTF(1, 2) names_debug(char *msg, ...)
{
}

static void PCI_PRINTF(1, 2) PCI_NONRET names_error(char *msg, ...)
{
	abort();
}

int vk_names_new(const struct vk_root *r, struct vk_names **ret)
{
	_cleanup_root_ struct vk_root *host = NULL;
	struct vk_names *n;
	const struct vk_root *where = r;

	n = calloc(1, sizeof(*n));
	if (!n)
		return -ENOMEM;
	n->fd = -1;
	for (int pass = 0; pass < 2 && n->fd < 0; pass++) {
		if (pass == 1) {
			if (vk_root_is_host(r) || vk_root_open("/", &host) < 0)
				break;
			where = host;
		}
		for (size_t i = 0; i < ELEMENTSOF(db_paths) && n->fd < 0; i++) {
			n->fd = vk_root_open_at(where, db_paths[i], O_RDONLY, 0);
			if (n->fd >= 0)
				n->source = pass == 0 && !vk_root_is_host(r) ? xasprintf("%s%s", vk_root_path(r), db_paths[i])
									       : strdup(db_paths[i]);
		}
	}

	n->pacc = pci_alloc();
	if (!n->pacc) {
		vk_names_free(n);
		return -ENOMEM;
	}
	n->pacc->warning = names_warning;
	n->pacc->error = names_error;
	n->pacc->debug = names_debug;
	/* No ~/.pciids-cache and no DNS: only the database below. udev's hwdb belongs to the
	 * running system, so it is consulted (as lspci does) only when the root is the host. */
	n->pacc->id_lookup_mode = 0;
	n->flags = vk_root_is_host(r) ? 0 : PCI_LOOKUP_NO_HWDB;
	if (n->fd >= 0) {
		n->fdpath = xasprintf("/proc/self/fd/%d", n->fd);
		if (!n->fdpath) {
			vk_names_free(n);
			return -ENOMEM;
		}
		pci_set_name_list_path(n->pacc, n->fdpath, 0);
	} else {
		/* Nothing to read: a path that cannot exist, so every lookup is numeric. */
		static char nowhere[] = "/nonexistent/vfiokit/pci.ids";

		pci_set_name_list_path(n->pacc, nowhere, 0);
		n->flags |= PCI_LOOKUP_NO_HWDB;
	}
	*ret = n;
	return 0;
}

struct vk_names *vk_names_free(struct vk_names *n)
{
	if (!n)
		return NULL;
	if (n->pacc)
		pci_cleanup(n->pacc);
	if (n->fd >= 0)
		close(n->fd);
	free(n->fdpath);
	free(n->source);
	free(n);
	return NULL;
}

const char *vk_names_source(const struct vk_names *n)
{
	return n->source;
}

const char *vk_names_class_mixed(struct vk_names *n, int32_t class_code, char *buf, size_t size)
{
	if (class_code < 0) {
		snprintf(buf, size, "%s", _("Unknown class [????]"));
		return buf;
	}
	pci_lookup_name(n->pacc, buf, (int)size, PCI_LOOKUP_CLASS | PCI_LOOKUP_MIXED | (int)n->flags,
			(int)((unsigned)class_code >> 8));
	return buf;
}

const char *vk_names_device_mixed(struct vk_names *n, int32_t vendor, int32_t device, char *buf, size_t size)
{
	if (vendor < 0 || device < 0) {
		snprintf(buf, size, "%s", _("Unknown device [????:????]"));
		return buf;
	}
	pci_lookup_name(n->pacc, buf, (int)size, PCI_LOOKUP_VENDOR | PCI_LOOKUP_DEVICE | PCI_LOOKUP_MIXED | (int)n->flags,
			vendor, device);
	return buf;
}

const char *vk_names_subsystem_mixed(struct vk_names *n, int32_t vendor, int32_t device, int32_t sv, int32_t sd,
				     char *buf, size_t size)
{
	if (sv < 0 || sd < 0)
		return NULL;
	pci_lookup_name(n->pacc, buf, (int)size,
			PCI_LOOKUP_SUBSYSTEM | PCI_LOOKUP_VENDOR | PCI_LOOKUP_DEVICE | PCI_LOOKUP_MIXED | (int)n->flags, vendor,
			device, sv, sd);
	return buf;
}

const char *vk_names_vendor(struct vk_names *n, int32_t vendor, char *buf, size_t size)
{
	if (vendor < 0)
		return NULL;
	return pci_lookup_name(n->pacc, buf, (int)size, PCI_LOOKUP_VENDOR | PCI_LOOKUP_NO_NUMBERS | (int)n->flags, vendor);
}

const char *vk_names_device(struct vk_names *n, int32_t vendor, int32_t device, char *buf, size_t size)
{
	if (vendor < 0 || device < 0)
		return NULL;
	return pci_lookup_name(n->pacc, buf, (int)size, PCI_LOOKUP_DEVICE | PCI_LOOKUP_NO_NUMBERS | (int)n->flags, vendor,
			       device);
}

const char *vk_names_class(struct vk_names *n, int32_t class_code, char *buf, size_t size)
{
	if (class_code < 0)
		return NULL;
	return pci_lookup_name(n->pacc, buf, (int)size, PCI_LOOKUP_CLASS | PCI_LOOKUP_NO_NUMBERS | (int)n->flags,
			       (int)((unsigned)class_code >> 8));
}

#include "host.h"

void vk_names_describe(struct vk_names *n, const struct vk_pci_dev *d, char *cls, size_t clsz, char *dev,
		       size_t devsz)
{
	size_t len;

	vk_names_class_mixed(n, d->class, cls, clsz);
	if ((d->vendor < 0 || d->device < 0) && d->label)
		snprintf(dev, devsz, "%s", d->label);
	else
		vk_names_device_mixed(n, d->vendor, d->device, dev, devsz);
	/* lspci prints the revision only when it is not zero. */
	len = strlen(dev);
	if (d->revision > 0) {
		char rev[16];
		size_t rl = (size_t)snprintf(rev, sizeof(rev), " (rev %02x)", (unsigned)(d->revision & 0xff));

		if (len + rl < devsz)
			memcpy(dev + len, rev, rl + 1);
	}
}
