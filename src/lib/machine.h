/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A machine description: what a listing, a native description or a test fixture says
 * about a host, before it is written out as a root that every command can read. Unknown
 * facts stay unknown (-1 / NULL): the writer leaves the matching sysfs files out.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "pciaddr.h"
#include "root.h"

struct vk_usb_dev {
	unsigned bus, devnum;     /* "Bus 001 Device 003" */
	char *port;               /* sysfs name such as "1-2", NULL to derive one */
	int32_t vendor, product;
	char *name;               /* "Logitech, Inc. Unifying Receiver" */
	char *ifclass;            /* bInterfaceClass of interface 0 ("03" = HID), NULL unknown */
};

struct vk_mdev {
	struct vk_pci_addr addr;
	int32_t vendor, device, subsys_vendor, subsys_device;
	int32_t class;            /* 24 bits; -1 unknown */
	int16_t revision;
	int group;                /* -1: none or unknown */
	char *driver;             /* NULL: no driver (if driver_known) */
	bool driver_known;
	char *class_name;         /* names as the listing printed them, for the root's pci.ids: */
	char *vendor_name;        /* "NVIDIA Corporation" */
	char *device_name;        /* "GM206 [GeForce GTX 960]" */
	char *label;              /* the whole name when the IDs are unknown */
	bool device_unnamed;      /* the listing printed "Device": its pci.ids did not know the device */
	int8_t boot_vga;          /* -1 unknown */
	char *reset_method;
	char *driver_override;
	char *parent;             /* full address of the upstream bridge */
	char *physfn;
	int sriov_numvfs;         /* -1 */
	char **modules;           /* "Kernel modules:" */
	struct vk_usb_dev *usb;   /* devices behind this USB controller */
	size_t n_usb;
	unsigned line;            /* where it was described, for messages */
};

struct vk_mfile {
	char *path;
	char *data;               /* NULL: a directory */
	char *link;               /* non-NULL: a symlink to this target */
	size_t len;
	mode_t mode;
};

struct vk_machine {
	struct vk_mdev *devs;
	size_t n_devs;
	bool groups_known;        /* the input said which group each device is in */
	bool iommu_off;           /* the input says there are no groups (native "groups none") */
	char **group_types;       /* "N=DMA" pairs from native descriptions */
	char *kernel_release;
	char *cmdline;
	char *cpu_vendor, *cpu_model, *cpu_flags; /* flags space-separated */
	unsigned sockets, cores, threads;         /* 0: unknown */
	bool siblings_adjacent;   /* SMT siblings numbered 0/1 rather than 0/N */
	uint64_t mem_kib;
	uint64_t hugepages_total, hugepages_free, hugepage_kib;
	char **acpi_tables;       /* NULL: unknown; empty: the directory exists without them */
	char **iommu_units;
	struct vk_mfile *files;
	size_t n_files;
	char **sources;           /* input files, for the manifest */
	bool native;              /* some input was a native description */
	char **warnings;          /* "FILE:LINE: message" */
};

void vk_machine_free(struct vk_machine *m);
static inline void vk_machine_freep(struct vk_machine **m)
{
	if (*m)
		vk_machine_free(*m);
}

/* Finds or adds the device at @addr. Returns NULL on ENOMEM. */
struct vk_mdev *vk_machine_dev(struct vk_machine *m, const struct vk_pci_addr *addr, bool *created);
int vk_machine_warn(struct vk_machine *m, const char *file, unsigned line, const char *fmt, ...) _printf_(4, 5);
int vk_machine_add_file(struct vk_machine *m, const char *path, const char *data, size_t len, mode_t mode);
int vk_machine_add_link(struct vk_machine *m, const char *path, const char *target);
int vk_machine_add_dir(struct vk_machine *m, const char *path);

/*
 * Parses one input (a native description or any listing format vfiokit imports) and
 * merges it into @m. @name is used in messages. Unreadable lines become warnings with
 * their line number; only an input with nothing usable at all is an error (-EBADMSG).
 */
int vk_machine_parse(struct vk_machine *m, const char *name, const char *text);
/* True if @text starts like a native description ("vfiokit-machine 1"). */
bool vk_machine_is_native(const char *text);
int vk_machine_parse_native(struct vk_machine *m, const char *name, const char *text);
int vk_machine_parse_listing(struct vk_machine *m, const char *name, const char *text);

/*
 * Writes @m as a root under @dir (which must be empty or absent): sysfs (PCI devices with
 * config space, drivers, IOMMU groups, CPU topology), procfs files, the names the input
 * used as the root's own pci.ids, the listed files, and the manifest /.vfiokit-root.
 * Refuses a directory that is not empty (-ENOTEMPTY) and the live "/" (-EPERM).
 */
int vk_machine_write_root(struct vk_machine *m, const char *dir, const char *source_kind);
/* Sorts the devices by address (the writer does it too). */
void vk_machine_sort(struct vk_machine *m);
