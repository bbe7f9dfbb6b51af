/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* `check`: is this host ready for GPU passthrough? (see check.h and domain.md §1-§4, §8) */
#include <fcntl.h>
#include <inttypes.h>

#include "check.h"
#include "cmdline.h"
#include "distro.h"
#include "gpu.h"
#include "kmod.h"
#include "dlopen.h"
#include "quirks.h"
#include "util.h"
#include "verdict.h"

#define GIB (1024ull * 1024ull)

struct ctx {
	struct vk_host *h;
	struct vk_report *r;
	struct vk_distro distro;
	struct vk_usage usage;
	char **cmdline;    /* tokens */
	enum vk_iommu_state iommu;
	char *iommu_token;
};

static json_object *jstr(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static json_object *facts(const char *k1, json_object *v1, ...)
{
	json_object *o = json_object_new_object();
	va_list ap;
	const char *k = k1;
	json_object *v = v1;

	va_start(ap, v1);
	while (k) {
		json_object_object_add(o, k, v);
		k = va_arg(ap, const char *);
		if (k)
			v = va_arg(ap, json_object *);
	}
	va_end(ap);
	return o;
}

int vk_kernel_version(const char *release)
{
	unsigned major, minor;

	if (!release || sscanf(release, "%u.%u", &major, &minor) != 2)
		return -1;
	return (int)(major * 100 + minor);
}

/* cpu.virt ------------------------------------------------------------------------- */

static int check_cpu(struct ctx *c)
{
	const struct vk_cpuinfo *ci = &c->h->cpuinfo;
	const char *title = _("for hardware virtualization (VT-x/AMD-V)");
	json_object *f;

	if (!ci->vendor_id && !ci->count)
		return vk_report_add(c->r, "cpu.virt", title, VK_STATUS_SKIP, NULL, NULL,
				     _("cannot tell: /proc/cpuinfo is missing or unreadable"));
	f = facts("vendor", jstr(ci->vendor_id), "model", jstr(ci->model_name), "vmx", json_object_new_boolean(ci->vmx),
		  "svm", json_object_new_boolean(ci->svm), "hypervisor", json_object_new_boolean(ci->hypervisor), NULL);
	if (ci->vmx)
		return vk_report_add(c->r, "cpu.virt", title, VK_STATUS_PASS, f, NULL, _("Intel VT-x (vmx) is available"));
	if (ci->svm)
		return vk_report_add(c->r, "cpu.virt", title, VK_STATUS_PASS, f, NULL, _("AMD-V (svm) is available"));
	if (ci->hypervisor)
		return vk_report_add(c->r, "cpu.virt", title, VK_STATUS_FAIL, f,
				     _("enable nested virtualization on the hypervisor that runs this machine, or use bare metal"),
				     _("no vmx or svm flag: this is a virtual machine whose CPU has no virtualization extensions"));
	return vk_report_add(c->r, "cpu.virt", title, VK_STATUS_FAIL, f,
			     _("enable Intel VT-x or AMD SVM in the firmware setup"),
			     _("no vmx or svm flag in /proc/cpuinfo: virtualization is off in the firmware, or unsupported"));
}

/* kvm.device ----------------------------------------------------------------------- */

static int check_kvm(struct ctx *c)
{
	const char *title = _("that /dev/kvm exists and is usable");
	const char *vendor = vk_host_cpu_vendor(c->h);
	_cleanup_free_ char *remedy = NULL;
	int fd, err;

	if (vk_root_exists(c->h->root, "/dev/kvm") < 0) {
		remedy = (c->h->cpuinfo.vmx || c->h->cpuinfo.svm)
				 ? xasprintf(_("load the KVM module: 'modprobe %s'"),
					     vendor && streq(vendor, "amd") ? "kvm_amd" : "kvm_intel")
				 : strdup(_("turn CPU virtualization on first (see cpu.virt); /dev/kvm appears once KVM can load"));
		return vk_report_add(c->r, "kvm.device", title, VK_STATUS_FAIL, facts("exists", json_object_new_boolean(false), NULL),
				     remedy, _("/dev/kvm does not exist: KVM is not loaded"));
	}
	if (!vk_root_is_host(c->h->root)) {
		/* A snapshot records whether it opened on the host it was taken on. */
		const char *kvm = vk_host_manifest_get(c->h, "dev-kvm");

		if (!kvm || !(streq(kvm, "usable") || streq(kvm, "denied")))
			return vk_report_add(c->r, "kvm.device", title, VK_STATUS_PASS,
					     facts("exists", json_object_new_boolean(true), NULL), NULL,
					     _("/dev/kvm exists (whether it opens can only be tested on the live host)"));
		err = streq(kvm, "usable") ? 0 : -EACCES;
	} else {
		fd = vk_root_open_at(c->h->root, "/dev/kvm", O_RDWR, 0);
		err = fd < 0 ? fd : 0;
		if (fd >= 0)
			close(fd);
	}
	if (err < 0)
		return vk_report_add(c->r, "kvm.device", title, VK_STATUS_WARN,
				     facts("exists", json_object_new_boolean(true), "usable", json_object_new_boolean(false), NULL),
				     _("add your user to the 'kvm' group (libvirt's system instance does not need this)"),
				     _("/dev/kvm exists, but this user cannot open it: %s"), strerror(-err));
	return vk_report_add(c->r, "kvm.device", title, VK_STATUS_PASS,
			     facts("exists", json_object_new_boolean(true), "usable", json_object_new_boolean(true), NULL), NULL,
			     _("/dev/kvm exists and opens"));
}


/* iommu.firmware, iommu.kernel, iommu.mode ------------------------------------------- */

static int check_iommu_firmware(struct ctx *c)
{
	const char *title = _("for an IOMMU in the firmware (ACPI DMAR/IVRS)");
	const char *vendor = vk_host_cpu_vendor(c->h);
	json_object *f;

	if (!c->h->acpi_tables_readable)
		return vk_report_add(c->r, "iommu.firmware", title, VK_STATUS_SKIP, NULL, NULL,
				     _("cannot tell: this root has no /sys/firmware/acpi/tables"));
	f = facts("dmar", json_object_new_boolean(c->h->acpi_dmar), "ivrs", json_object_new_boolean(c->h->acpi_ivrs), NULL);
	if (c->h->acpi_dmar)
		return vk_report_add(c->r, "iommu.firmware", title, VK_STATUS_PASS, f, NULL,
				     _("the ACPI DMAR table is present: the firmware announces Intel VT-d"));
	if (c->h->acpi_ivrs)
		return vk_report_add(c->r, "iommu.firmware", title, VK_STATUS_PASS, f, NULL,
				     _("the ACPI IVRS table is present: the firmware announces AMD-Vi"));
	if (c->h->cpuinfo.hypervisor)
		return vk_report_add(c->r, "iommu.firmware", title, VK_STATUS_FAIL, f,
				     _("give this virtual machine a virtual IOMMU (QEMU: -device intel-iommu,intremap=on, with q35)"),
				     _("no ACPI DMAR or IVRS table: this virtual machine has no virtual IOMMU"));
	return vk_report_add(c->r, "iommu.firmware", title, VK_STATUS_FAIL, f,
			     vendor && streq(vendor, "amd") ? _("enable IOMMU (AMD-Vi, sometimes \"SVM\" and \"IOMMU\" separately) in the firmware setup")
							    : _("enable VT-d (sometimes \"Intel Virtualization Technology for Directed I/O\") in the firmware setup"),
			     _("no ACPI DMAR or IVRS table: the IOMMU is off in the firmware, or the platform has none"));
}

static int check_iommu_kernel(struct ctx *c)
{
	const char *title = _("that the kernel enabled the IOMMU");
	const char *why, *next;
	_cleanup_free_ char *units = strv_join((const char *const *)c->h->iommu_units, ", "), *remedy = NULL;
	json_object *f = facts("units", json_object_new_int((int)strv_length(c->h->iommu_units)), "groups",
			       json_object_new_int((int)c->h->n_groups), "state", json_object_new_string(vk_iommu_state_id(c->iommu)),
			       NULL);

	if (c->iommu == VK_IOMMU_ON) {
		if (units && *units)
			return vk_report_add(c->r, "iommu.kernel", title, VK_STATUS_PASS, f, NULL,
					     _("%zu IOMMU groups from %zu IOMMU units (%s)"), c->h->n_groups,
					     strv_length(c->h->iommu_units), units);
		return vk_report_add(c->r, "iommu.kernel", title, VK_STATUS_PASS, f, NULL, _("%zu IOMMU groups"), c->h->n_groups);
	}
	vk_iommu_state_describe(c->h, c->iommu, c->iommu_token, &why, &next);
	if (c->iommu == VK_IOMMU_OFF_NOT_ENABLED)
		remedy = vk_distro_cmdline_hint(&c->distro, "intel_iommu=on");
	else if (c->iommu == VK_IOMMU_OFF_CMDLINE)
		remedy = xasprintf(_("remove '%s' from the kernel command line"), strempty(c->iommu_token));
	return vk_report_add(c->r, "iommu.kernel", title, c->iommu == VK_IOMMU_OFF_UNKNOWN ? VK_STATUS_SKIP : VK_STATUS_FAIL,
			     f, remedy ? remedy : next, _("no IOMMU groups: %s"), why);
}

static int check_iommu_mode(struct ctx *c)
{
	const char *title = _("the IOMMU's default domain for host devices");
	size_t translated = 0, identity = 0;

	for (size_t i = 0; i < c->h->n_groups; i++) {
		const char *t = c->h->groups[i].type;

		if (!t)
			continue;
		if (streq(t, "identity"))
			identity++;
		else if (startswith(t, "DMA"))
			translated++;
	}
	if (!translated && !identity)
		return vk_report_add(c->r, "iommu.mode", title, VK_STATUS_SKIP, NULL, NULL,
				     c->h->n_groups ? _("cannot tell: the groups do not say their type")
						    : _("no IOMMU groups"));
	if (identity > translated)
		return vk_report_add(c->r, "iommu.mode", title, VK_STATUS_PASS,
				     facts("mode", json_object_new_string("passthrough"), NULL), NULL,
				     _("passthrough (identity; iommu=pt): host devices skip translation, devices given to a VM are translated anyway"));
	return vk_report_add(c->r, "iommu.mode", title, VK_STATUS_PASS, facts("mode", json_object_new_string("translated"), NULL),
			     NULL, _("translated (DMA): host devices go through the IOMMU too; iommu=pt would save that, and is optional"));
}

/* iommu.cmdline: a lint of the running command line (domain.md §4, §11) --------------- */

struct lint {
	enum vk_status status;
	struct strbuf msg, remedy;
};

static void lint_add(struct lint *l, enum vk_status s, const char *msg, const char *remedy)
{
	l->status = vk_status_worst(l->status, s);
	if (l->msg.len)
		strbuf_adds(&l->msg, "; ");
	strbuf_adds(&l->msg, msg);
	if (remedy) {
		if (l->remedy.len)
			strbuf_adds(&l->remedy, "; ");
		strbuf_adds(&l->remedy, remedy);
	}
}

static char **split_ids(const char *list)
{
	char **ids = NULL;

	if (strv_split(list, ",", &ids) < 0)
		return NULL;
	strv_sort(ids);
	return ids;
}

static int check_cmdline(struct ctx *c)
{
	const char *title = _("the kernel command line");
	const char *vendor = vk_host_cpu_vendor(c->h);
	struct lint l = { .status = VK_STATUS_PASS, .msg = STRBUF_INIT, .remedy = STRBUF_INIT };
	_cleanup_free_ char *intel = NULL, *amd = NULL, *iommu = NULL, *acs = NULL;
	_cleanup_strv_free_ char **ids = NULL, **conf = NULL;
	bool have_acs;
	json_object *f;
	int r;

	if (!c->h->cmdline) {
		strbuf_release(&l.msg);
		strbuf_release(&l.remedy);
		return vk_report_add(c->r, "iommu.cmdline", title, VK_STATUS_SKIP, NULL, NULL,
				     _("cannot tell: /proc/cmdline is missing or unreadable"));
	}
	intel = vk_cmdline_get(c->cmdline, "intel_iommu", NULL);
	amd = vk_cmdline_get(c->cmdline, "amd_iommu", NULL);
	iommu = vk_cmdline_get(c->cmdline, "iommu", NULL);
	acs = vk_cmdline_get(c->cmdline, "pcie_acs_override", &have_acs);
	vk_cmdline_get_all(c->cmdline, "vfio-pci.ids", &ids);

	if (amd && (streq(amd, "on") || strstr(amd, "on,") == amd))
		lint_add(&l, VK_STATUS_WARN,
			 _("'amd_iommu=on' is not an option: the kernel ignores it (AMD-Vi is on whenever the firmware has an IVRS table)"),
			 _("remove 'amd_iommu=on'"));
	if (intel && (streq(intel, "on") || startswith(intel, "on,"))) {
		int def = vk_kernel_intel_iommu_default_on(c->h);

		if (vendor && streq(vendor, "amd"))
			lint_add(&l, VK_STATUS_WARN, _("'intel_iommu=on' does nothing on an AMD CPU"), _("remove 'intel_iommu=on'"));
		else if (def == 1)
			lint_add(&l, VK_STATUS_PASS, _("'intel_iommu=on' is harmless but not needed: this kernel enables VT-d by default"),
				 NULL);
		else if (def == 0)
			lint_add(&l, VK_STATUS_PASS, _("'intel_iommu=on' is needed: this kernel leaves VT-d off by default"), NULL);
		else
			lint_add(&l, VK_STATUS_PASS, _("'intel_iommu=on' turns VT-d on"), NULL);
	} else if (vendor && streq(vendor, "intel") && c->h->acpi_dmar && c->iommu == VK_IOMMU_OFF_NOT_ENABLED) {
		_cleanup_free_ char *hint = vk_distro_cmdline_hint(&c->distro, "intel_iommu=on");

		lint_add(&l, VK_STATUS_FAIL, _("'intel_iommu=on' is missing, and this kernel leaves VT-d off without it"), hint);
	}
	if (iommu && streq(iommu, "pt"))
		lint_add(&l, VK_STATUS_PASS,
			 _("'iommu=pt' gives host devices an identity mapping (less overhead); it is optional and does not affect a VM's devices"),
			 NULL);
	if (have_acs)
		lint_add(&l, VK_STATUS_WARN,
			 _("'pcie_acs_override' (an out-of-tree patch) makes the kernel pretend devices are isolated: peer-to-peer DMA can bypass the IOMMU, and the groups shown are optimistic"),
			 _("move the card to a slot with its own group instead, if the board has one"));
	if (strv_length(ids) > 1)
		lint_add(&l, VK_STATUS_WARN, _("'vfio-pci.ids=' is given more than once; only the last one counts"),
			 _("merge them into one 'vfio-pci.ids='"));
	if (ids && ids[0]) {
		_cleanup_strv_free_ char **list = split_ids(ids[strv_length(ids) - 1]);

		for (size_t i = 1; list && list[i]; i++)
			if (streq(list[i], list[i - 1])) {
				lint_add(&l, VK_STATUS_WARN, _("'vfio-pci.ids=' lists an ID twice"), NULL);
				break;
			}
	}
	/* The same parameter in modprobe.d: the command line's comes last and wins. */
	{
		_cleanup_(vk_kmod_freep) struct vk_kmod *k = NULL;

		if (ids && ids[0] && vk_kmod_open(c->h, &k) == 0 && vk_kmod_config_options(k, "vfio_pci", &conf) == 0) {
			for (char **o = conf; *o; o++) {
				_cleanup_strv_free_ char **words = NULL;

				if (strv_split(*o, " \t", &words) < 0)
					continue;
				for (char **w = words; *w; w++) {
					const char *v = startswith(*w, "ids=");
					_cleanup_strv_free_ char **a = NULL, **b = NULL;
					_cleanup_free_ char *ja = NULL, *jb = NULL;

					if (!v)
						continue;
					a = split_ids(v);
					b = split_ids(ids[strv_length(ids) - 1]);
					ja = strv_join((const char *const *)a, ",");
					jb = strv_join((const char *const *)b, ",");
					if (ja && jb && !streq(ja, jb))
						lint_add(&l, VK_STATUS_WARN,
							 _("'vfio-pci.ids=' on the command line and 'options vfio-pci ids=' in modprobe.d differ; the command line wins"),
							 _("keep the IDs in one place"));
				}
			}
		}
	}
	if (!l.msg.len)
		lint_add(&l, VK_STATUS_PASS, _("nothing to change"), NULL);

	f = facts("cmdline", json_object_new_string(c->h->cmdline), "intel_iommu", jstr(intel), "amd_iommu", jstr(amd),
		  "iommu", jstr(iommu), "pcie_acs_override", have_acs ? json_object_new_string(strempty(acs)) : NULL,
		  "vfio_pci_ids", json_object_new_int((int)strv_length(ids)), NULL);
	r = vk_report_add(c->r, "iommu.cmdline", title, l.status, f, l.remedy.len ? l.remedy.s : NULL, "%s", l.msg.s);
	strbuf_release(&l.msg);
	strbuf_release(&l.remedy);
	return r;
}

/* iommu.irq_remap --------------------------------------------------------------------- */

static int check_irq_remap(struct ctx *c)
{
	const char *title = _("for interrupt remapping");
	_cleanup_free_ char *irqs = NULL, *unsafe = NULL;
	int r;

	if (c->iommu != VK_IOMMU_ON)
		return vk_report_add(c->r, "iommu.irq_remap", title, VK_STATUS_SKIP, NULL, NULL, _("the IOMMU is off"));
	(void)vk_root_read_line(c->h->root, &unsafe, "/sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts");
	r = vk_root_read_file(c->h->root, "/proc/interrupts", &irqs, NULL);
	if (r < 0)
		return vk_report_add(c->r, "iommu.irq_remap", title, VK_STATUS_SKIP, NULL, NULL,
				     _("cannot tell: /proc/interrupts is missing or unreadable"));
	/* With remapping on, the MSI and IO-APIC interrupt chips are the "IR-" ones
	 * (IR-PCI-MSI, IR-IO-APIC) on Intel and AMD alike. */
	if (strstr(irqs, "IR-PCI-MSI") || strstr(irqs, "IR-IO-APIC")) {
		if (unsafe && streq(unsafe, "Y"))
			return vk_report_add(c->r, "iommu.irq_remap", title, VK_STATUS_WARN,
					     facts("remapping", json_object_new_boolean(true), NULL),
					     _("remove 'allow_unsafe_interrupts' from modprobe.d and the command line"),
					     _("interrupt remapping is on, yet vfio_iommu_type1 allow_unsafe_interrupts=Y is set: it is not needed"));
		return vk_report_add(c->r, "iommu.irq_remap", title, VK_STATUS_PASS,
				     facts("remapping", json_object_new_boolean(true), NULL), NULL,
				     _("interrupt remapping is on (IR- interrupt chips in /proc/interrupts)"));
	}
	if (strstr(irqs, "PCI-MSI") || strstr(irqs, "IO-APIC"))
		return vk_report_add(c->r, "iommu.irq_remap", title, VK_STATUS_WARN,
				     facts("remapping", json_object_new_boolean(false), NULL),
				     _("enable interrupt remapping (x2APIC) in the firmware; 'options vfio_iommu_type1 allow_unsafe_interrupts=1' is the unsafe last resort"),
				     _("interrupt remapping is off: vfio_iommu_type1 refuses to attach devices without it"));
	return vk_report_add(c->r, "iommu.irq_remap", title, VK_STATUS_SKIP, NULL, NULL,
			     _("cannot tell from /proc/interrupts"));
}

/* mem.total --------------------------------------------------------------------------- */

static int check_mem(struct ctx *c)
{
	const char *title = _("memory (the guide asks for at least 10 GiB)");
	uint64_t kib = c->h->mem_total_kib;
	double gib = (double)kib / (double)GIB;
	json_object *f = facts("mem_total_kib", json_object_new_int64((int64_t)kib), NULL);

	if (!kib) {
		json_object_put(f);
		return vk_report_add(c->r, "mem.total", title, VK_STATUS_SKIP, NULL, NULL,
				     _("cannot tell: /proc/meminfo is missing or unreadable"));
	}
	if (kib >= 10 * GIB - 512 * 1024)
		return vk_report_add(c->r, "mem.total", title, VK_STATUS_PASS, f, NULL,
				     _("%.1f GiB: enough for the host and an 8 GiB guest"), gib);
	if (kib >= 8 * GIB - 512 * 1024)
		return vk_report_add(c->r, "mem.total", title, VK_STATUS_WARN, f,
				     _("give the guest 6 GiB at most, or add memory"),
				     _("%.1f GiB: an 8 GiB guest would leave the host too little"), gib);
	return vk_report_add(c->r, "mem.total", title, VK_STATUS_FAIL, f, _("add memory: Windows with games wants 8 GiB of its own"),
			     _("%.1f GiB: too little for the host and a Windows guest"), gib);
}

/* gpu.inventory and the per-card checks ------------------------------------------------ */

static int check_inventory(struct ctx *c, struct vk_gpu *gpus, size_t n)
{
	const char *title = _("the GPUs, and which one the host keeps");
	const struct vk_pci_dev *boot = vk_host_boot_gpu(c->h);
	_cleanup_strbuf_ struct strbuf twins = STRBUF_INIT;
	json_object *arr = json_object_new_array();
	json_object *f;

	for (size_t i = 0; i < n; i++) {
		json_object_array_add(arr, json_object_new_string(gpus[i].dev->bdf));
		if (gpus[i].n_twins && gpus[i].dev < gpus[i].twins[0])
			strbuf_addf(&twins, "%s%s = %s", twins.len ? ", " : "", gpus[i].dev->name, gpus[i].twins[0]->name);
	}
	f = facts("gpus", arr, "host_gpu", boot ? json_object_new_string(boot->bdf) : NULL, NULL);
	if (n == 0)
		return vk_report_add(c->r, "gpu.inventory", title, VK_STATUS_FAIL, f,
				     _("install a second GPU for the guest (or use the CPU's integrated graphics for the host)"),
				     _("no GPU (no display-class PCI device)"));
	if (n == 1)
		return vk_report_add(c->r, "gpu.inventory", title, VK_STATUS_WARN, f,
				     _("use the CPU's integrated graphics or a second card for the host, as the guide does"),
				     _("one GPU (%s): the host would lose its only display to the guest (single-GPU passthrough needs scripts that hand it back, and often fails to)"),
				     gpus[0].dev->name);
	if (twins.len)
		return vk_report_add(c->r, "gpu.inventory", title, VK_STATUS_WARN, f,
				     _("isolate binds identical cards by address (driver_override), not by 'ids='"),
				     _("%zu GPUs, with identical cards (%s): 'vfio-pci.ids=' would take both"), n, twins.s);
	if (!boot)
		return vk_report_add(c->r, "gpu.inventory", title, VK_STATUS_PASS, f, NULL,
				     _("%zu GPUs; which one the firmware shows on is unknown (no boot_vga)"), n);
	return vk_report_add(c->r, "gpu.inventory", title, VK_STATUS_PASS, f, NULL,
			     _("%zu GPUs: the host keeps %s (the boot VGA)"), n, boot->name);
}

static char *check_id(const struct vk_pci_dev *d, const char *what)
{
	return xasprintf("gpu.%s.%s", d->bdf, what);
}

int vk_check_gpu_boot(const struct vk_host *h, const struct vk_pci_dev *gpu, struct vk_report *r)
{
	_cleanup_free_ char *id = check_id(gpu, "boot"), *title = xasprintf(_("whether %s is the host's display"), gpu->name);
	struct vk_gpu *gpus = NULL;
	size_t n = 0;
	int k;

	if (!id || !title || vk_gpus_list(h, &gpus, &n) < 0)
		return -ENOMEM;
	vk_gpus_free(gpus, n);
	if (n == 1)
		k = vk_report_add(r, id, title, VK_STATUS_FAIL, facts("boot_vga", json_object_new_boolean(gpu->boot_vga == 1), NULL),
				  _("add a GPU for the host (or use the CPU's integrated graphics) before giving this one away"),
				  _("%s is the only display: the host would have no screen, and a broken boot would leave no way to see why"),
				  gpu->name);
	else if (gpu->boot_vga == 1)
		k = vk_report_add(r, id, title, VK_STATUS_FAIL, facts("boot_vga", json_object_new_boolean(true), NULL),
				  _("make another GPU the primary display in the firmware setup (or plug the monitor into the iGPU), then pass this one"),
				  _("%s is the boot VGA: the firmware and the host show on it, and its ROM and framebuffer are in use"),
				  gpu->name);
	else
		k = vk_report_add(r, id, title, VK_STATUS_PASS, facts("boot_vga", json_object_new_boolean(false), NULL), NULL,
				  _("%s is not the boot VGA"), gpu->name);
	return k;
}

int vk_check_gpu_group(const struct vk_host *h, const struct vk_usage *u, const struct vk_pci_dev *gpu,
		       struct vk_report *r)
{
	_cleanup_free_ char *id = check_id(gpu, "group"), *title = xasprintf(_("the IOMMU group of %s"), gpu->name);
	_cleanup_free_ struct vk_pci_dev **fns = NULL;
	_cleanup_strbuf_ struct strbuf blocking = STRBUF_INIT, inert = STRBUF_INIT, danger = STRBUF_INIT,
				       groups = STRBUF_INIT;
	json_object *others = json_object_new_array(), *grp = json_object_new_array();
	enum vk_status s = VK_STATUS_PASS;
	bool in_group = false;
	size_t nf = 0;
	int seen[8], nseen = 0;

	if (!id || !title || vk_host_slot_functions(h, gpu, &fns, &nf) < 0) {
		json_object_put(others);
		json_object_put(grp);
		return -ENOMEM;
	}
	for (size_t i = 0; i < nf; i++) {
		const struct vk_iommu_group *g;
		struct vk_group_report rep;
		bool dup = false;

		if (fns[i]->iommu_group < 0)
			continue;
		in_group = true;
		for (int k = 0; k < nseen; k++)
			dup |= seen[k] == fns[i]->iommu_group;
		if (dup || nseen == 8)
			continue;
		seen[nseen++] = fns[i]->iommu_group;
		json_object_array_add(grp, json_object_new_int(fns[i]->iommu_group));
		strbuf_addf(&groups, "%s%d", groups.len ? ", " : "", fns[i]->iommu_group);
		g = vk_host_find_group(h, fns[i]->iommu_group);
		if (!g || vk_group_analyze(g, gpu, &rep) < 0)
			continue;
		for (size_t k = 0; k < rep.n_others; k++) {
			const struct vk_pci_dev *o = rep.others[k];
			const char *why = u ? vk_usage_reason(u, o->bdf) : NULL;
			enum vk_binding b = vk_pci_binding(o);

			json_object_array_add(others, json_object_new_string(o->bdf));
			if (why)
				strbuf_addf(&danger, "%s%s %s", danger.len ? ", " : "", o->name, why);
			else if (b == VK_BINDING_HOST)
				strbuf_addf(&blocking, "%s%s (%s)", blocking.len ? ", " : "", o->name, o->driver);
			else if (b == VK_BINDING_UNKNOWN)
				/* A listing cannot show it unbound: it goes with the card, or the group fails. */
				strbuf_addf(&blocking, "%s%s (%s)", blocking.len ? ", " : "", o->name, _("driver unknown"));
			else
				strbuf_addf(&inert, "%s%s", inert.len ? ", " : "", o->name);
		}
		vk_group_report_clear(&rep);
	}
	if (!in_group) {
		json_object_put(others);
		json_object_put(grp);
		return vk_report_add(r, id, title, VK_STATUS_SKIP, NULL, NULL,
				     h->n_groups ? _("%s is in no IOMMU group") : _("no IOMMU groups: see iommu.kernel"), gpu->name);
	}
	{
		json_object *f = facts("groups", grp, "others", others, NULL);

		const char *g = nseen > 1 ? _("groups") : _("group");

		if (danger.len)
			return vk_report_add(r, id, title, VK_STATUS_FAIL, f,
					     _("move the card to another slot (one whose root port gives it its own group)"),
					     _("%s %s also holds what the host cannot lose: %s"), g, groups.s, danger.s);
		if (blocking.len) {
			s = VK_STATUS_FAIL;
			return vk_report_add(r, id, title, s, f,
					     _("pass those devices to the VM too (bind them to vfio-pci), or move the card to a slot with its own group"),
					     _("%s %s: not viable: it also holds %s, which would have to go with the card"), g,
					     groups.s, blocking.s);
		}
		if (inert.len)
			return vk_report_add(r, id, title, VK_STATUS_PASS, f, NULL,
					     _("%s %s: viable; it also holds %s (no host driver), which goes with the card"), g,
					     groups.s, inert.s);
		return vk_report_add(r, id, title, VK_STATUS_PASS, f, NULL,
				     nseen > 1 ? _("groups %s hold only this card (bridges do not count)")
					       : _("group %s holds only this card (bridges do not count)"),
				     groups.s);
	}
}

static int check_gpu_driver(const struct vk_host *h, const struct vk_pci_dev *gpu, struct vk_report *r)
{
	_cleanup_free_ char *id = check_id(gpu, "driver"), *title = xasprintf(_("which drivers hold %s"), gpu->name),
			    *remedy = NULL;
	_cleanup_free_ struct vk_pci_dev **fns = NULL;
	_cleanup_strbuf_ struct strbuf list = STRBUF_INIT;
	json_object *drivers = json_object_new_object();
	size_t nf = 0, host = 0, unknown = 0;

	if (!id || !title || vk_host_slot_functions(h, gpu, &fns, &nf) < 0) {
		json_object_put(drivers);
		return -ENOMEM;
	}
	for (size_t i = 0; i < nf; i++) {
		enum vk_binding b = vk_pci_binding(fns[i]);

		json_object_object_add(drivers, fns[i]->bdf, jstr(fns[i]->driver));
		strbuf_addf(&list, "%s%s %s", list.len ? ", " : "", fns[i]->name,
			    b == VK_BINDING_UNKNOWN ? "?" : fns[i]->driver ? fns[i]->driver : _("no driver"));
		host += b == VK_BINDING_HOST;
		unknown += b == VK_BINDING_UNKNOWN;
	}
	if (unknown == nf)
		return vk_report_add(r, id, title, VK_STATUS_SKIP, facts("drivers", drivers, NULL), NULL,
				     _("unknown: the listing does not say"));
	if (host) {
		remedy = xasprintf(_("'vfiokit isolate %s' hands every function to vfio-pci at boot; 'vfiokit bind %s' does it now"),
				   gpu->name, gpu->name);
		return vk_report_add(r, id, title, VK_STATUS_WARN, facts("drivers", drivers, NULL), remedy,
				     _("host drivers hold the card: %s"), list.s);
	}
	return vk_report_add(r, id, title, VK_STATUS_PASS, facts("drivers", drivers, NULL), NULL, "%s", list.s);
}

int vk_check_gpu_reset(const struct vk_host *h, const struct vk_pci_dev *gpu, struct vk_report *r)
{
	_cleanup_free_ char *id = check_id(gpu, "reset"), *title = xasprintf(_("how %s can be reset"), gpu->name);
	const char *family = vk_quirk_reset_bug(gpu->vendor, gpu->device);
	json_object *f;

	if (!id || !title)
		return -ENOMEM;
	f = facts("reset_method", jstr(gpu->reset_method), "reset_bug_family", jstr(family), NULL);
	if (family) {
		if (gpu->reset_method && startswith(gpu->reset_method, "device_specific"))
			return vk_report_add(r, id, title, VK_STATUS_PASS, f, NULL,
					     _("AMD %s has the reset bug, and vendor-reset's device-specific reset comes first (%s)"),
					     family, gpu->reset_method);
		return vk_report_add(r, id, title, VK_STATUS_WARN, f,
				     _("install gnif/vendor-reset, load it early (/etc/modules-load.d), and write 'device_specific' to /sys/bus/pci/devices/<card>/reset_method (its udev rule does this)"),
				     _("AMD %s has the reset bug: the second start of a VM may fail until the host reboots"), family);
	}
	if (!gpu->reset_method) {
		if (vk_host_is_import(h) || vk_kernel_version(h->kernel_release) < 515)
			return vk_report_add(r, id, title, VK_STATUS_SKIP, f, NULL,
					     _("unknown: no reset_method attribute (it exists since Linux 5.15)"));
		return vk_report_add(r, id, title, VK_STATUS_WARN, f,
				     _("expect to reboot the host between VM runs; some cards reset with a bus reset if they are alone on their bus"),
				     _("the card has no reset method: it cannot be reset between VM runs"));
	}
	if (strstr(gpu->reset_method, "flr"))
		return vk_report_add(r, id, title, VK_STATUS_PASS, f, NULL, _("function level reset is available (%s)"),
				     gpu->reset_method);
	return vk_report_add(r, id, title, VK_STATUS_PASS, f, NULL, _("reset methods: %s"), gpu->reset_method);
}

/* The card's memory BARs from the "resource" file: "start end flags" per BAR. */
static int read_bars(const struct vk_host *h, const struct vk_pci_dev *d, uint64_t (*bars)[2], size_t max, size_t *n)
{
	_cleanup_free_ char *data = NULL, *path = xasprintf("/sys/bus/pci/devices/%s/resource", d->bdf);
	char *line, *save = NULL;
	int r;

	*n = 0;
	if (!path)
		return -ENOMEM;
	r = vk_root_read_file(h->root, path, &data, NULL);
	if (r < 0)
		return r;
	for (line = strtok_r(data, "\n", &save); line && *n < max; line = strtok_r(NULL, "\n", &save)) {
		unsigned long long s, e, fl;

		/* IORESOURCE_MEM = 0x200 */
		if (sscanf(line, "%llx %llx %llx", &s, &e, &fl) == 3 && e > s && (fl & 0x200)) {
			bars[*n][0] = s;
			bars[*n][1] = e;
			(*n)++;
		}
	}
	return 0;
}

int vk_check_gpu_framebuffer(const struct vk_host *h, const struct vk_pci_dev *gpu, struct vk_report *r)
{
	_cleanup_free_ char *id = check_id(gpu, "framebuffer"), *title = xasprintf(_("for a boot framebuffer on %s"), gpu->name);
	_cleanup_free_ char *iomem = NULL;
	uint64_t bars[12][2];
	size_t nbars = 0;
	char *line, *save = NULL;
	bool zeros = true;
	int k;

	if (!id || !title)
		return -ENOMEM;
	if (read_bars(h, gpu, bars, ELEMENTSOF(bars), &nbars) < 0 || nbars == 0)
		return vk_report_add(r, id, title, VK_STATUS_SKIP, NULL, NULL, _("cannot tell: the card's BARs are unknown"));
	if (vk_root_read_file(h->root, "/proc/iomem", &iomem, NULL) < 0)
		return vk_report_add(r, id, title, VK_STATUS_SKIP, NULL, NULL, _("cannot tell: /proc/iomem is unreadable"));
	/* "  e0000000-e02fffff : BOOTFB" (efifb, simple-framebuffer, vesafb likewise) */
	for (line = strtok_r(iomem, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		unsigned long long s, e;
		char *name = strstr(line, " : ");

		if (!name || sscanf(line, " %llx-%llx", &s, &e) != 2)
			continue;
		zeros &= s == 0 && e == 0;
		name += 3;
		if (!strstr(name, "BOOTFB") && !strstr(name, "efifb") && !strstr(name, "simple-framebuffer") &&
		    !strstr(name, "vesafb") && !strstr(name, "simpledrm"))
			continue;
		for (size_t b = 0; b < nbars; b++)
			if (s <= bars[b][1] && e >= bars[b][0]) {
				bool auto_handoff = vk_kernel_version(h->kernel_release) >= 600;

				k = vk_report_add(r, id, title, auto_handoff ? VK_STATUS_WARN : VK_STATUS_FAIL,
						  facts("framebuffer", json_object_new_string(name), NULL),
						  auto_handoff ? _("vfio-pci (Linux 6.0 and later) removes the framebuffer when it binds; if the guest shows nothing, add 'initcall_blacklist=sysfb_init'")
							       : _("add 'video=efifb:off' (or 'initcall_blacklist=sysfb_init' with simpledrm) to the kernel command line"),
						  _("a boot framebuffer (%s) holds the card's memory at %llx-%llx"), name, s, e);
				return k;
			}
	}
	if (zeros)
		return vk_report_add(r, id, title, VK_STATUS_SKIP, NULL, _("run 'vfiokit check' as root"),
				     _("cannot tell: /proc/iomem hides addresses from this user"));
	return vk_report_add(r, id, title, VK_STATUS_PASS, NULL, NULL, _("no boot framebuffer holds the card's memory"));
}

/* vfio.modules ------------------------------------------------------------------------- */

static int check_vfio_modules(struct ctx *c)
{
	const char *title = _("for the vfio-pci module of the running kernel");
	_cleanup_(vk_kmod_freep) struct vk_kmod *k = NULL;
	enum vk_module_kind pci, virqfd;
	int ver = vk_kernel_version(c->h->kernel_release), r;
	json_object *f;

	if (!c->h->kernel_release)
		return vk_report_add(c->r, "vfio.modules", title, VK_STATUS_SKIP, NULL, NULL,
				     _("cannot tell: the kernel release is unknown"));
	r = vk_kmod_open(c->h, &k);
	if (r == -EOPNOTSUPP)
		return vk_report_add(c->r, "vfio.modules", title, VK_STATUS_SKIP, NULL, _("install libkmod"),
				     _("cannot tell: %s"), vk_dlerror());
	if (r == -ENOENT)
		return vk_report_add(c->r, "vfio.modules", title, VK_STATUS_SKIP, NULL, NULL,
				     _("cannot tell: no /lib/modules/%s in this root"), c->h->kernel_release);
	if (r < 0)
		return r;
	if (vk_kmod_module_kind(k, "vfio_pci", &pci) < 0 || vk_kmod_module_kind(k, "vfio_virqfd", &virqfd) < 0)
		return vk_report_add(c->r, "vfio.modules", title, VK_STATUS_SKIP, NULL, NULL,
				     _("cannot tell: the module indexes of %s are unreadable"), c->h->kernel_release);
	f = facts("vfio_pci", json_object_new_string(pci == VK_MODULE_BUILTIN ? "builtin" : pci == VK_MODULE_LOADABLE ? "module" : "absent"),
		  "vfio_virqfd", json_object_new_string(virqfd == VK_MODULE_BUILTIN ? "builtin" : virqfd == VK_MODULE_LOADABLE ? "module" : "absent"),
		  "kernel", json_object_new_string(c->h->kernel_release), NULL);
	if (pci == VK_MODULE_ABSENT)
		return vk_report_add(c->r, "vfio.modules", title, VK_STATUS_FAIL, f,
				     _("use a kernel built with CONFIG_VFIO_PCI (every major distribution's is)"),
				     _("kernel %s has no vfio-pci, neither as a module nor built in"), c->h->kernel_release);
	if (ver >= 602)
		return vk_report_add(c->r, "vfio.modules", title, VK_STATUS_PASS, f, NULL,
				     pci == VK_MODULE_BUILTIN ? _("vfio-pci is built into %s; vfio_virqfd is part of vfio since 6.2, so initramfs lists must not name it")
							      : _("vfio-pci is a module of %s; vfio_virqfd is part of vfio since 6.2, so initramfs lists must not name it"),
				     c->h->kernel_release);
	return vk_report_add(c->r, "vfio.modules", title, VK_STATUS_PASS, f, NULL,
			     pci == VK_MODULE_BUILTIN ? _("vfio-pci is built into %s (before 6.2: vfio_virqfd is still a module of its own)")
						      : _("vfio-pci is a module of %s (before 6.2: vfio_virqfd is still a module of its own)"),
			     c->h->kernel_release);
}

/* virt.tools: QEMU, libvirt, OVMF through the firmware descriptors ----------------------- */

static bool program_exists(const struct vk_host *h, const char *name)
{
	static const char *const dirs[] = { "/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin", "/usr/libexec",
					    "/bin", "/sbin" };

	for (size_t i = 0; i < ELEMENTSOF(dirs); i++)
		if (vk_root_exists(h->root, "%s/%s", dirs[i], name) == 0)
			return true;
	return false;
}

/* A descriptor in /usr/share/qemu/firmware (or /etc/qemu/firmware) for UEFI on x86_64 whose
 * executable exists (QEMU's docs/interop/firmware.json). */
static char *find_ovmf(const struct vk_host *h)
{
	static const char *const dirs[] = { "/etc/qemu/firmware", "/usr/share/qemu/firmware" };

	for (size_t d = 0; d < ELEMENTSOF(dirs); d++) {
		_cleanup_strv_free_ char **names = NULL;

		if (vk_root_list_dir(h->root, dirs[d], &names) < 0)
			continue;
		for (char **n = names; *n; n++) {
			_cleanup_free_ char *path = xasprintf("%s/%s", dirs[d], *n), *text = NULL;
			json_object *doc, *v, *exe, *fname;
			bool uefi = false, x86 = false;
			char *found = NULL;

			if (!path || !endswith(*n, ".json") || vk_root_read_file(h->root, path, &text, NULL) < 0)
				continue;
			doc = json_tokener_parse(text);
			if (!doc)
				continue;
			if (json_object_object_get_ex(doc, "interface-types", &v) && json_object_is_type(v, json_type_array))
				for (size_t i = 0; i < json_object_array_length(v); i++)
					uefi |= streq(json_object_get_string(json_object_array_get_idx(v, i)), "uefi");
			if (json_object_object_get_ex(doc, "targets", &v) && json_object_is_type(v, json_type_array))
				for (size_t i = 0; i < json_object_array_length(v); i++) {
					json_object *t = json_object_array_get_idx(v, i), *arch;

					if (json_object_object_get_ex(t, "architecture", &arch))
						x86 |= streq(json_object_get_string(arch), "x86_64");
				}
			if (uefi && x86 && json_object_object_get_ex(doc, "mapping", &v) &&
			    json_object_object_get_ex(v, "executable", &exe) &&
			    json_object_object_get_ex(exe, "filename", &fname) &&
			    vk_root_exists(h->root, "%s", json_object_get_string(fname)) == 0)
				found = strdup(json_object_get_string(fname));
			json_object_put(doc);
			if (found)
				return found;
		}
	}
	return NULL;
}

static bool service_enabled(const struct vk_host *h, const char *unit)
{
	static const char *const wants[] = { "multi-user.target.wants", "sockets.target.wants" };

	/* The wants link itself; its target may live on another (not captured) file system. */
	for (size_t i = 0; i < ELEMENTSOF(wants); i++) {
		_cleanup_free_ char *p = xasprintf("/etc/systemd/system/%s/%s", wants[i], unit);
		struct stat st;

		if (p && vk_root_stat(h->root, p, &st, false) == 0)
			return true;
	}
	return false;
}

static int check_tools(struct ctx *c)
{
	const char *title = _("for QEMU, libvirt and UEFI firmware (OVMF)");
	bool qemu = program_exists(c->h, "qemu-system-x86_64") || program_exists(c->h, "qemu-kvm");
	bool libvirtd = program_exists(c->h, "libvirtd"), virtqemud = program_exists(c->h, "virtqemud");
	bool enabled = service_enabled(c->h, "libvirtd.service") || service_enabled(c->h, "libvirtd.socket") ||
		       service_enabled(c->h, "virtqemud.socket") || service_enabled(c->h, "virtqemud.service");
	_cleanup_free_ char *ovmf = find_ovmf(c->h), *missing = NULL, *remedy = NULL;
	_cleanup_strbuf_ struct strbuf m = STRBUF_INIT;
	const char *install = vk_family_install_command(c->distro.family), *pkgs = vk_family_virt_packages(c->distro.family);
	json_object *f = facts("qemu", json_object_new_boolean(qemu), "libvirt", json_object_new_boolean(libvirtd || virtqemud),
			       "ovmf", jstr(ovmf), "libvirt_enabled", json_object_new_boolean(enabled), NULL);

	if (!qemu)
		strbuf_adds(&m, "QEMU");
	if (!libvirtd && !virtqemud)
		strbuf_addf(&m, "%slibvirt", m.len ? ", " : "");
	if (!ovmf)
		strbuf_addf(&m, "%sOVMF (no UEFI firmware descriptor for x86_64)", m.len ? ", " : "");
	if (m.len) {
		remedy = install && pkgs ? xasprintf(_("install them: '%s %s'"), install, pkgs)
					 : strdup(_("install QEMU, libvirt and OVMF with your distribution's package manager"));
		return vk_report_add(c->r, "virt.tools", title, VK_STATUS_FAIL, f, remedy, _("missing: %s"), m.s);
	}
	if (!enabled)
		return vk_report_add(c->r, "virt.tools", title, VK_STATUS_WARN, f,
				     virtqemud ? _("run 'systemctl enable --now virtqemud.socket virtlogd.socket'")
					       : _("run 'systemctl enable --now libvirtd.socket'"),
				     _("QEMU, libvirt and OVMF (%s) are installed, but libvirt's daemon is not enabled"), ovmf);
	return vk_report_add(c->r, "virt.tools", title, VK_STATUS_PASS, f, NULL,
			     _("QEMU, libvirt (enabled) and OVMF (%s, from its firmware descriptor) are installed"), ovmf);
}

/* The whole check ---------------------------------------------------------------------- */

int vk_check_host(struct vk_host *h, const struct vk_check_opts *o, struct vk_report *ret)
{
	struct vk_report r = {0};
	struct ctx c = { .h = h, .r = &r };
	struct vk_gpu *gpus = NULL;
	const struct vk_pci_dev *only = NULL;
	size_t n = 0;
	int k;

	if (o && o->gpu) {
		only = vk_host_find_pci(h, o->gpu);
		if (!only || !vk_pci_is_display(only))
			return -ENODEV;
	}
	vk_distro_detect(h, &c.distro);
	k = vk_usage_scan(h, &c.usage);
	if (k < 0)
		return k;
	if (h->cmdline)
		vk_cmdline_split(h->cmdline, &c.cmdline);
	c.iommu = vk_iommu_state(h, &c.iommu_token);

	k = check_cpu(&c);
	if (k >= 0)
		k = check_kvm(&c);
	if (k >= 0)
		k = check_iommu_firmware(&c);
	if (k >= 0)
		k = check_iommu_kernel(&c);
	if (k >= 0)
		k = check_iommu_mode(&c);
	if (k >= 0)
		k = check_cmdline(&c);
	if (k >= 0)
		k = check_irq_remap(&c);
	if (k >= 0)
		k = check_mem(&c);
	if (k >= 0)
		k = vk_gpus_list(h, &gpus, &n);
	if (k >= 0)
		k = check_inventory(&c, gpus, n);
	for (size_t i = 0; k >= 0 && i < n; i++) {
		const struct vk_pci_dev *g = gpus[i].dev;

		if (only ? !vk_pci_addr_same_slot(&only->addr, &g->addr) : gpus[i].boot)
			continue;
		/* Details (reset_method) are read for the cards checked, not for every function. */
		k = vk_pci_ensure_details(h, vk_host_find_pci(h, g->bdf));
		if (k >= 0 && (only || n == 1))
			k = vk_check_gpu_boot(h, g, &r);
		if (k >= 0)
			k = vk_check_gpu_group(h, &c.usage, g, &r);
		if (k >= 0)
			k = check_gpu_driver(h, g, &r);
		if (k >= 0)
			k = vk_check_gpu_reset(h, g, &r);
		if (k >= 0)
			k = vk_check_gpu_framebuffer(h, g, &r);
	}
	if (k >= 0)
		k = check_vfio_modules(&c);
	if (k >= 0)
		k = check_tools(&c);

	vk_gpus_free(gpus, n);
	vk_usage_clear(&c.usage);
	strv_free(c.cmdline);
	free(c.iommu_token);
	if (k < 0) {
		vk_report_clear(&r);
		return k;
	}
	*ret = r;
	return 0;
}
