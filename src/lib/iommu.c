/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * IOMMU hardware units (/sys/class/iommu: dmarN, ivhdN) and the ACPI tables that announce
 * them (DMAR for Intel VT-d, IVRS for AMD-Vi). The tables are mode 0400, so only their
 * presence is tested, as virt-host-validate does (domain.md §1.3).
 */
#include "host.h"
#include "util.h"

int vk_iommu_scan(struct vk_host *h)
{
	int r;

	r = vk_root_list_dir(h->root, "/sys/class/iommu", &h->iommu_units);
	if (r < 0) {
		if (r != -ENOENT)
			vk_host_warn(h, _("cannot read '/sys/class/iommu': %s, treating it as empty"), strerror(-r));
		h->iommu_units = calloc(1, sizeof(char *));
		if (!h->iommu_units)
			return -ENOMEM;
	}
	h->acpi_tables_readable = vk_root_exists(h->root, "/sys/firmware/acpi/tables") == 0;
	h->acpi_dmar = vk_root_exists(h->root, "/sys/firmware/acpi/tables/DMAR") == 0;
	h->acpi_ivrs = vk_root_exists(h->root, "/sys/firmware/acpi/tables/IVRS") == 0;
	return 0;
}

#include "cmdline.h"
#include "kconfig.h"

int vk_kernel_intel_iommu_default_on(const struct vk_host *h)
{
	_cleanup_free_ char *v = NULL;
	int r = vk_kconfig_get(h, "CONFIG_INTEL_IOMMU_DEFAULT_ON", &v);

	if (r < 0)
		return -1;
	return r > 0 && streq(v, "y");
}

enum vk_iommu_state vk_iommu_state(const struct vk_host *h, char **token)
{
	_cleanup_strv_free_ char **toks = NULL;
	const char *vendor = vk_host_cpu_vendor(h);

	if (h->n_groups > 0)
		return VK_IOMMU_ON;
	if (h->cmdline && vk_cmdline_split(h->cmdline, &toks) == 0) {
		/* The last occurrence wins, as the kernel parses them in order. */
		static const char *const names[] = { "intel_iommu", "amd_iommu", "iommu" };

		for (size_t i = 0; i < ELEMENTSOF(names); i++) {
			_cleanup_free_ char *v = vk_cmdline_get(toks, names[i], NULL);

			if (streq(names[i], "intel_iommu") && vendor && !streq(vendor, "intel"))
				continue;
			if (streq(names[i], "amd_iommu") && vendor && !streq(vendor, "amd"))
				continue;
			/* intel_iommu=off,sm_on: options are comma-separated */
			if (v && (streq(v, "off") || startswith(v, "off,") || strstr(v, ",off"))) {
				if (token)
					*token = xasprintf("%s=%s", names[i], v);
				return VK_IOMMU_OFF_CMDLINE;
			}
		}
	}
	if (!h->acpi_tables_readable)
		return VK_IOMMU_OFF_UNKNOWN;
	if (!h->acpi_dmar && !h->acpi_ivrs)
		return VK_IOMMU_OFF_NO_FIRMWARE;
	if (h->acpi_dmar && !h->acpi_ivrs) {
		bool on = false;

		if (toks) {
			_cleanup_free_ char *v = vk_cmdline_get(toks, "intel_iommu", NULL);
			on = v && (streq(v, "on") || startswith(v, "on,"));
		}
		if (!on && vk_kernel_intel_iommu_default_on(h) != 1)
			return VK_IOMMU_OFF_NOT_ENABLED;
	}
	return VK_IOMMU_OFF_NO_DRIVER;
}

void vk_iommu_state_describe(const struct vk_host *h, enum vk_iommu_state s, const char *token, const char **why,
			     const char **next)
{
	static char buf[256];

	switch (s) {
	case VK_IOMMU_ON:
		*why = _("the IOMMU is on");
		*next = _("nothing to do");
		return;
	case VK_IOMMU_OFF_NO_FIRMWARE:
		*why = _("the firmware announces no IOMMU (no ACPI DMAR or IVRS table)");
		*next = h->cpuinfo.hypervisor
				? _("this is a virtual machine: its hypervisor must provide a virtual IOMMU (QEMU: -device intel-iommu)")
				: _("enable VT-d (Intel) or AMD-Vi/IOMMU (AMD) in the firmware setup");
		return;
	case VK_IOMMU_OFF_CMDLINE:
		snprintf(buf, sizeof(buf), _("the kernel command line disables it ('%s')"), token ? token : "off");
		*why = buf;
		*next = _("remove that parameter from the kernel command line and reboot");
		return;
	case VK_IOMMU_OFF_NOT_ENABLED:
		*why = _("the firmware has an Intel IOMMU (DMAR) but this kernel does not turn it on by default");
		*next = _("add intel_iommu=on to the kernel command line ('vfiokit isolate' does it) and reboot");
		return;
	case VK_IOMMU_OFF_NO_DRIVER:
		*why = _("the firmware announces an IOMMU but the kernel did not bring it up");
		*next = _("look for DMAR or AMD-Vi errors in the kernel log and check the kernel's IOMMU support");
		return;
	case VK_IOMMU_OFF_UNKNOWN:
	default:
		*why = _("this root has no IOMMU groups and does not say why");
		*next = _("capture the host with 'vfiokit snapshot' rather than a listing");
		return;
	}
}

const char *vk_iommu_state_id(enum vk_iommu_state s)
{
	switch (s) {
	case VK_IOMMU_ON:
		return "on";
	case VK_IOMMU_OFF_NO_FIRMWARE:
		return "off-no-firmware";
	case VK_IOMMU_OFF_CMDLINE:
		return "off-cmdline";
	case VK_IOMMU_OFF_NOT_ENABLED:
		return "off-not-enabled";
	case VK_IOMMU_OFF_NO_DRIVER:
		return "off-no-driver";
	case VK_IOMMU_OFF_UNKNOWN:
	default:
		return "unknown";
	}
}
