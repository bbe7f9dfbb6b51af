/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The host model: what vfiokit knows about a machine, read from a root (sysfs, procfs,
 * /etc). Missing or garbled values become "unknown" plus a warning, never a crash.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <vfiokit/vfiokit.h>

#include "pciaddr.h"
#include "root.h"

enum vk_pci_flags {
	VK_PCI_DISPLAY = 1u << 0,       /* class 0x03xxxx: VGA, 3D, other display */
	VK_PCI_AUDIO = 1u << 1,         /* class 0x0401/0x0403 */
	VK_PCI_USB = 1u << 2,           /* class 0x0c03 */
	VK_PCI_BRIDGE = 1u << 3,        /* PCI-to-PCI / CardBus bridge: never bound to vfio-pci */
	VK_PCI_HOST_BRIDGE = 1u << 4,   /* class 0x0600 */
	VK_PCI_BOOT_VGA = 1u << 5,      /* boot_vga reads 1 */
	VK_PCI_VF = 1u << 6,            /* SR-IOV virtual function (has physfn) */
	VK_PCI_PF = 1u << 7,            /* SR-IOV capable physical function */
	VK_PCI_NET = 1u << 8,           /* class 0x02 */
	VK_PCI_STORAGE = 1u << 9,       /* class 0x01 */
	VK_PCI_UCSI = 1u << 10,         /* class 0x0c80: USB-C UCSI function of a GPU */
	VK_PCI_ISA_BRIDGE = 1u << 11,   /* class 0x0601 (LPC): chipset glue */
	VK_PCI_DRIVER_UNKNOWN = 1u << 16, /* an imported listing did not say */
	VK_PCI_GROUP_UNKNOWN = 1u << 17,  /* a dangling or garbled iommu_group link */
	VK_PCI_HAVE_DETAILS = 1u << 18,   /* parent, driver_override, reset_method, modalias read */
};

struct vk_pci_dev {
	struct vk_pci_addr addr;
	char bdf[VK_BDF_MAX];       /* "0000:01:00.0" */
	char name[VK_BDF_MAX];      /* "01:00.0" (full form when the domain is not 0) */
	int32_t vendor, device;     /* -1: unknown */
	int32_t subsys_vendor, subsys_device;
	int32_t class;              /* 24 bits, -1 unknown */
	int16_t revision;           /* -1 unknown */
	int8_t header_type;         /* config byte 0x0e & 0x7f, -1 unknown */
	int8_t boot_vga;            /* -1: no boot_vga attribute */
	int iommu_group;            /* -1: none */
	char *driver;               /* NULL: no driver bound (or unknown, see flags) */
	char *driver_override;      /* NULL: unset */
	char *reset_method;         /* NULL: no reset_method file */
	char *modalias;
	char *physfn;               /* for a VF: the PF's full address */
	int sriov_numvfs;           /* -1: not SR-IOV capable */
	char *parent;               /* upstream bridge's full address; NULL on a root bus or unknown */
	char *label;                /* name given by an imported listing whose IDs are unknown */
	unsigned flags;
};

struct vk_iommu_group {
	int id;
	char *type;                 /* "DMA", "identity", ... NULL if unknown */
	size_t n_devs;
	struct vk_pci_dev **devs;   /* sorted by address; points into vk_host.pci */
};

struct vk_cpu {
	unsigned logical;           /* CPUs online */
	unsigned *ids;              /* online CPU numbers */
	int *package, *die, *core;  /* per index in ids; -1 unknown */
	char **siblings;            /* thread_siblings_list per CPU */
};

struct vk_cpuinfo {
	char *vendor_id;            /* "GenuineIntel", "AuthenticAMD" */
	char *model_name;
	bool vmx, svm, hypervisor, pdpe1gb, x2apic;
	unsigned count;             /* processor entries */
};


struct vk_host {
	struct vk_root *root;       /* not owned */
	unsigned loaded;

	struct vk_pci_dev *pci;
	size_t n_pci;
	bool have_pci_sysfs;        /* /sys/bus/pci/devices exists */
	struct vk_iommu_group *groups;
	size_t n_groups;
	bool have_groups_dir;       /* /sys/kernel/iommu_groups exists */

	char **iommu_units;         /* names in /sys/class/iommu */
	bool acpi_dmar, acpi_ivrs, acpi_tables_readable;

	struct vk_cpuinfo cpuinfo;
	struct vk_cpu cpu;

	uint64_t mem_total_kib;     /* 0: unknown */
	uint64_t hugepages_total, hugepages_free, hugepage_size_kib;
	char *kernel_release;       /* /proc/sys/kernel/osrelease */
	char *cmdline;              /* /proc/cmdline */
	char *os_id, *os_id_like, *os_pretty_name, *os_version_id;

	/* From the root's manifest (.vfiokit-root), when it is an imported listing or snapshot. */
	char *root_source;          /* "import", "snapshot", "description" or NULL for a live root */
	char **manifest;            /* the manifest's KEY=VALUE lines */

	char **warnings;            /* things that were unreadable or garbled */
};

int vk_host_load(struct vk_root *root, unsigned what, struct vk_host **ret);
/* Loads what @what adds to what is already loaded (PCI is read once: ask for
 * VK_LOAD_PCI_DETAILS together with VK_LOAD_PCI). */
int vk_host_ensure(struct vk_host *h, unsigned what);
struct vk_host *vk_host_free(struct vk_host *h);
static inline void vk_host_freep(struct vk_host **h)
{
	vk_host_free(*h);
}
#define _cleanup_host_ _cleanup_(vk_host_freep)

/* True for a root written by 'vfiokit import': files it lacks are facts the listing did not
 * give, so their absence is "unknown", not something to warn about. */
bool vk_host_is_import(const struct vk_host *h);
/* A value from the root's manifest (/.vfiokit-root), or NULL. */
const char *vk_host_manifest_get(const struct vk_host *h, const char *key);

/* Records a warning ("cannot read ..., ignoring"). Returns 0 or -ENOMEM. */
int vk_host_warn(struct vk_host *h, const char *fmt, ...) _printf_(2, 3);

/* Lookups. @addr may be short or full; returns NULL if absent. */
struct vk_pci_dev *vk_host_find_pci(const struct vk_host *h, const char *addr);
struct vk_iommu_group *vk_host_find_group(const struct vk_host *h, int id);

/* Class helpers. */
static inline bool vk_pci_is_display(const struct vk_pci_dev *d)
{
	return d->flags & VK_PCI_DISPLAY;
}
static inline bool vk_pci_is_bridge(const struct vk_pci_dev *d)
{
	return d->flags & VK_PCI_BRIDGE;
}
/* Endpoints are everything VFIO's viability rule counts: not a PCI bridge. */
static inline bool vk_pci_is_endpoint(const struct vk_pci_dev *d)
{
	return !(d->flags & VK_PCI_BRIDGE);
}
unsigned vk_pci_class_flags(int32_t class_code);

/* The other functions in @d's slot (same domain/bus/device), sorted; NULL-terminated. */
int vk_host_slot_functions(const struct vk_host *h, const struct vk_pci_dev *d,
			   struct vk_pci_dev ***ret, size_t *n);
/* Upstream bridges from @d's parent to the root port; NULL-terminated, nearest first. */
int vk_host_upstream_chain(const struct vk_host *h, const struct vk_pci_dev *d,
			   struct vk_pci_dev ***ret, size_t *n);

/* The host's CPU vendor as a short word: "intel", "amd" or NULL. */
const char *vk_host_cpu_vendor(const struct vk_host *h);

/* Sysfs reading (pci.c, iommu.c, cpu.c, system.c). */
int vk_pci_scan(struct vk_host *h, bool details);
int vk_iommu_scan(struct vk_host *h);
int vk_cpu_scan(struct vk_host *h);
int vk_system_scan(struct vk_host *h);

/* Reads one device's details (what VK_LOAD_PCI_DETAILS reads for all) if not read yet: for
 * commands that need them for a few devices of thousands. Returns 0 or a negative errno. */
int vk_pci_ensure_details(struct vk_host *h, struct vk_pci_dev *d);

/* Frees the strings a vk_pci_dev owns (not the struct). */
void vk_pci_dev_clear(struct vk_pci_dev *d);

/* Short words for a device's flags ("gpu", "boot-vga", "audio", "usb", "bridge", "vf",
 * "sriov-pf", "net", "storage"), as used in tables and JSON. NULL-terminated, static strings. */
size_t vk_pci_flag_words(const struct vk_pci_dev *d, const char *words[16]);

/* Why the IOMMU is off (domain.md §4.4), decided from the effective state first. */
enum vk_iommu_state {
	VK_IOMMU_ON,                /* groups exist */
	VK_IOMMU_OFF_NO_FIRMWARE,   /* no ACPI DMAR/IVRS: off in firmware or unsupported */
	VK_IOMMU_OFF_CMDLINE,       /* disabled by intel_iommu=off, amd_iommu=off or iommu=off */
	VK_IOMMU_OFF_NOT_ENABLED,   /* Intel table present, kernel default off, no intel_iommu=on */
	VK_IOMMU_OFF_NO_DRIVER,     /* table present but the kernel did not bring it up */
	VK_IOMMU_OFF_UNKNOWN,       /* not enough facts (e.g. an imported listing) */
};
/* Needs VK_LOAD_PCI | VK_LOAD_IOMMU | VK_LOAD_SYSTEM (and VK_LOAD_CPU for the vendor).
 * @token receives the disabling command-line token for VK_IOMMU_OFF_CMDLINE (caller frees). */
enum vk_iommu_state vk_iommu_state(const struct vk_host *h, char **token);
/* Whether the running kernel turns the Intel IOMMU on by itself: 1 yes, 0 no, -1 unknown.
 * Read from /boot/config-<release> or /proc/config.gz (CONFIG_INTEL_IOMMU_DEFAULT_ON). */
int vk_kernel_intel_iommu_default_on(const struct vk_host *h);
/* A stable word for scripts: "on", "off-no-firmware", "off-cmdline", "off-not-enabled",
 * "off-no-driver", "unknown". */
const char *vk_iommu_state_id(enum vk_iommu_state s);
/* One clause saying why (translated, static or in *buf) and one saying what to do next. */
void vk_iommu_state_describe(const struct vk_host *h, enum vk_iommu_state s, const char *token, const char **why,
			     const char **next);
