/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libvfiokit: what the vfiokit tool knows about a host, for other programs (installers,
 * GUIs, scripts in C). Every fact is read through a root directory: "/" for the running
 * system, or an unpacked `vfiokit snapshot`, a test fixture, an imported listing.
 *
 * Conventions: functions that can fail return 0 (or a count) on success and a negative
 * errno on failure. Objects are opaque; *_free() accepts NULL and returns NULL. Strings
 * returned by accessors belong to the object and live as long as it does.
 *
 * The library never prints and never exits. It is versioned with a symbol map
 * (LIBVFIOKIT_0); link with `pkg-config --cflags --libs vfiokit`.
 */
#ifndef VFIOKIT_VFIOKIT_H
#define VFIOKIT_VFIOKIT_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct vk_root;
struct vk_host;
struct vk_pci_dev;
struct vk_report;

/* The library's version, "0.1.0". */
const char *vk_version(void);

/* Roots --------------------------------------------------------------------------------- */

/* Opens @path as the root every read goes through. Returns 0 or a negative errno. */
int vk_root_open(const char *path, struct vk_root **ret);
struct vk_root *vk_root_free(struct vk_root *r);

/* The host model ---------------------------------------------------------------------------- */

/* What vk_host_load() reads; OR them together. */
enum vk_load {
	VK_LOAD_PCI = 1u << 0,         /* PCI functions and IOMMU groups */
	VK_LOAD_IOMMU = 1u << 1,       /* IOMMU units, ACPI tables */
	VK_LOAD_CPU = 1u << 2,         /* /proc/cpuinfo and the CPU topology */
	VK_LOAD_SYSTEM = 1u << 3,      /* memory, kernel release, command line, os-release */
	VK_LOAD_PCI_DETAILS = 1u << 4, /* also subsystem IDs, driver_override, reset_method, modalias */
	VK_LOAD_ALL = 0x0fu,           /* all of the above but VK_LOAD_PCI_DETAILS */
};

/*
 * Reads the host under @root (which must outlive the host). Unreadable or garbled values
 * become "unknown" (-1 or NULL below), never an error; an error means the root itself
 * could not be read (or out of memory).
 */
int vk_host_load(struct vk_root *root, unsigned what, struct vk_host **ret);
struct vk_host *vk_host_free(struct vk_host *h);

/* PCI functions, sorted by address. */
size_t vk_host_pci_count(const struct vk_host *h);
const struct vk_pci_dev *vk_host_pci(const struct vk_host *h, size_t i);
/* @addr as lspci prints it ("01:00.0") or in full ("0000:01:00.0"); NULL if absent. */
struct vk_pci_dev *vk_host_find_pci(const struct vk_host *h, const char *addr);

/* IOMMU groups, sorted by number. */
size_t vk_host_group_count(const struct vk_host *h);
int vk_host_group_id(const struct vk_host *h, size_t i);
size_t vk_host_group_size(const struct vk_host *h, size_t i);
const struct vk_pci_dev *vk_host_group_device(const struct vk_host *h, size_t i, size_t k);
/* 1 when VFIO could use group @i now under the kernel's rules (every endpoint on a vfio
 * driver, pci-stub or no driver; bridges exempt), 0 when not, -1 when drivers are unknown. */
int vk_host_group_viable(const struct vk_host *h, size_t i);

/* A PCI function. Numbers are -1 when unknown. */
const char *vk_pci_dev_address(const struct vk_pci_dev *d);   /* "0000:01:00.0" */
int vk_pci_dev_vendor(const struct vk_pci_dev *d);
int vk_pci_dev_device(const struct vk_pci_dev *d);
int vk_pci_dev_class(const struct vk_pci_dev *d);             /* 24 bits: 0x030000 */
const char *vk_pci_dev_driver(const struct vk_pci_dev *d);    /* NULL: none (or unknown) */
int vk_pci_dev_iommu_group(const struct vk_pci_dev *d);
int vk_pci_dev_is_bridge(const struct vk_pci_dev *d);         /* exempt from viability */
int vk_pci_dev_is_display(const struct vk_pci_dev *d);        /* class 03xx */
int vk_pci_dev_is_boot_vga(const struct vk_pci_dev *d);       /* 1, 0, or -1 unknown */

/* Readiness checks (`vfiokit check`) ---------------------------------------------------- */

enum vk_status {
	VK_STATUS_PASS,
	VK_STATUS_WARN,
	VK_STATUS_FAIL,
	VK_STATUS_SKIP, /* could not be decided */
};

/*
 * Runs every check of `vfiokit check` on @h, loading what is missing. @gpu (any address
 * form) narrows the card checks to one card; NULL checks every GPU the host does not keep.
 * -ENODEV: @gpu is not a GPU.
 */
int vk_check_run(struct vk_host *h, const char *gpu, struct vk_report **ret);
struct vk_report *vk_report_free(struct vk_report *r);
size_t vk_report_size(const struct vk_report *r);
const char *vk_report_id(const struct vk_report *r, size_t i);      /* "iommu.kernel" */
enum vk_status vk_report_status(const struct vk_report *r, size_t i);
const char *vk_report_message(const struct vk_report *r, size_t i); /* one line: why */
const char *vk_report_remedy(const struct vk_report *r, size_t i);  /* NULL: nothing to do */

#ifdef __cplusplus
}
#endif

#endif
