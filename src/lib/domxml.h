/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libvirt domain XML, built and edited with libxml2 (loaded with dlopen, xml-dl.h):
 *  - vk_domxml_build(): a passthrough-ready domain from a resolved spec (vm.h fills it
 *    from the host); deterministic, two-space indented output;
 *  - vk_domxml_finalize(): the guide's §11 clean-up once the guest's GPU driver runs:
 *    the emulated display, video, text console and emulated input (kept when evdev input needs it) go;
 *  - vk_domxml_hide_hypervisor(): the "Error 43" edit (Hyper-V vendor_id, KVM hidden).
 * Edits work on any domain, keep every other node (comments and whitespace included)
 * and are idempotent: a second run changes nothing and reports nothing.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pciaddr.h"
#include "topology.h"

enum vk_vm_graphics {
	VK_VM_GRAPHICS_SPICE,
	VK_VM_GRAPHICS_VNC,
	VK_VM_GRAPHICS_NONE,
};

enum vk_vm_net {
	VK_VM_NET_NETWORK, /* a libvirt network (NAT "default") */
	VK_VM_NET_BRIDGE,  /* a host bridge */
	VK_VM_NET_USER,    /* QEMU's user-mode networking (no libvirt network needed) */
	VK_VM_NET_NONE,
};

struct vk_usb_id {
	uint16_t vendor, product;
};

/* Everything decided; the builder reads no host files. Arrays may be empty. */
struct vk_domain_spec {
	const char *name;
	bool kvm;                          /* domain type kvm; false: qemu (TCG, no KVM) */
	uint64_t memory_kib;
	bool hugepages;
	const struct vk_pin_plan *cpu;     /* topology and pinning; vcpu_cpu NULL: no pinning */
	unsigned vcpus;                    /* used when @cpu is NULL */

	/* Firmware: <os firmware='efi'> (optionally with feature requests, libvirt >= 7.2),
	 * or an explicit loader/NVRAM pair for libvirt < 5.2 or a host without descriptors. */
	bool firmware_auto;
	bool firmware_features;
	bool secure_boot;
	const char *loader, *nvram_template, *nvram;

	bool hide_hypervisor;
	const char *vendor_id;             /* at most 12 characters */

	const char *const *disks;          /* stable host paths of block devices */
	size_t n_disks;
	bool disk_virtio;                  /* virtio-blk (with an I/O thread) instead of SATA */
	const char *const *isos;           /* the first one is the installer and boots first */
	size_t n_isos;

	const struct vk_pci_addr *gpu;     /* the GPU's functions, one guest slot */
	size_t n_gpu;
	const struct vk_pci_addr *pci;     /* other PCI devices (USB controllers, audio) */
	size_t n_pci;
	const struct vk_usb_id *usb;
	size_t n_usb;

	enum vk_vm_graphics graphics;
	enum vk_vm_net net;
	const char *net_source;            /* network or bridge name */
};

struct vk_domxml;

int vk_domxml_build(const struct vk_domain_spec *s, struct vk_domxml **ret);
/* Parses a domain document. -EBADMSG (vk_domxml_error() says why), -EINVAL when the root
 * element is not <domain>. -EOPNOTSUPP when libxml2 cannot be loaded (vk_dlerror()). */
int vk_domxml_parse(const char *text, size_t len, struct vk_domxml **ret);
void vk_domxml_free(struct vk_domxml *d);
static inline void vk_domxml_freep(struct vk_domxml **d)
{
	if (*d)
		vk_domxml_free(*d);
}
/* The document as text, without an XML declaration, ending in a newline. Built documents
 * are indented by two spaces; parsed ones keep their own layout. */
int vk_domxml_format(struct vk_domxml *d, char **ret);
/* The <name> text, or NULL. */
const char *vk_domxml_name(struct vk_domxml *d);
const char *vk_domxml_error(void);

/* Removes the emulated display (graphics, video), the text console (console, pty
 * serial), emulated input (tablet, USB and virtio mouse/keyboard; PS/2 stays: the
 * machine has it anyway and libvirt adds it back), and what works only over SPICE
 * (spicevmc channels and redirection, SPICE audio). *removed lists what went ("graphics
 * type='spice'"), NULL-terminated (empty when nothing did). */
int vk_domxml_finalize(struct vk_domxml *d, char ***removed);

/* With @hide: <hyperv><vendor_id state='on' value=.../> (the existing value kept unless
 * @vendor_id is given or it is invalid; "vfiokit" for a new one) and <kvm><hidden
 * state='on'/>. Without: both go (and <kvm> if it is left empty). *changes lists what
 * changed. -EINVAL for a vendor_id longer than 12 characters or empty. */
int vk_domxml_hide_hypervisor(struct vk_domxml *d, bool hide, const char *vendor_id, char ***changes);

/* A vendor_id libvirt accepts: 1 to 12 characters (the schema's limit, domain.md §7.3),
 * printable ASCII. */
bool vk_vendor_id_valid(const char *s);
#define VK_DEFAULT_VENDOR_ID "vfiokit"
