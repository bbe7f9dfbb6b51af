/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vfiokit vm create | finalize | patch: the guide's §11 VM as a libvirt domain, tuned for
 * passthrough, defined through libvirt's C API; then the post-install clean-up and the
 * "Error 43" edit, on a defined domain or a domain XML file.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <limits.h>
#include <sys/stat.h>

#include "cli.h"
#include "lib/dlopen.h"
#include "lib/domxml.h"
#include "lib/firmware.h"
#include "lib/gpu.h"
#include "lib/topology.h"
#include "lib/util.h"
#include "lib/verdict.h"
#include "lib/virt.h"
#include "lib/vm.h"
#include "pcifmt.h"

#define DEFAULT_URI "qemu:///system"

const struct vk_cmd vk_cmd_vm = {
	.name = "vm",
	.run = cmd_vm,
	.summary = N_("create the guest's libvirt domain, finalize it after install, hide the hypervisor"),
	.usage = N_("Usage: vfiokit vm create NAME --gpu ADDR --disk DEV [OPTIONS]\n"
		    "       vfiokit vm finalize NAME | --xml FILE [-o FILE]\n"
		    "       vfiokit vm patch NAME | --xml FILE [-o FILE] --hide-hypervisor [--vendor-id ID]\n"
		    "       vfiokit vm patch NAME | --xml FILE [-o FILE] --no-hide-hypervisor\n"
		    "\n"
		    "  create    build a passthrough-ready domain (Q35, UEFI, the GPU's functions in one\n"
		    "            guest slot, the host's CPU topology pinned) and define it in libvirt\n"
		    "  finalize  remove the emulated display, video, console and input once the guest's\n"
		    "            GPU driver works (the guide's last step)\n"
		    "  patch     the NVIDIA \"Error 43\" edit: Hyper-V vendor_id and KVM hidden\n"
		    "\n"
		    "'vfiokit vm COMMAND --help' lists each command's options.\n"),
};

static const struct vk_cmd vm_create_help = {
	.name = "vm",
	.usage = N_("Usage: vfiokit vm create NAME --gpu ADDR --disk DEV [OPTIONS]\n"
		    "\n"
		    "Build the guide's VM as a libvirt domain and define it: Q35 with UEFI (OVMF chosen\n"
		    "from the firmware descriptors), every function of the GPU as one multifunction\n"
		    "device, host-passthrough CPU with the host's topology and pinning, the disk by a\n"
		    "stable path (SATA, cache=none, io=native), Hyper-V enlightenments, local time, an\n"
		    "emulated display and tablet for installing, NAT networking with an e1000e card.\n"
		    "\n"
		    "  -g, --gpu ADDR          the GPU to pass; its audio, USB-C and UCSI functions go too\n"
		    "  -d, --disk DEV          a disk or partition for the guest (/dev/sdb2, /dev/disk/by-id/...);\n"
		    "                          refused when mounted, in use or the host's root disk; repeatable\n"
		    "      --disk-bus BUS      sata (default) or virtio (faster; Windows then needs the\n"
		    "                          virtio-win drivers during setup: add their ISO with --iso)\n"
		    "      --iso FILE          the installer, a SATA CD-ROM booted first; repeatable\n"
		    "      --cpus N            vCPUs, in whole cores (default: every core but the host's one)\n"
		    "      --all-cores         give the guest every core, the host's too\n"
		    "  -m, --memory SIZE       guest memory, e.g. 16G (default: half the RAM, at least 8 GiB)\n"
		    "      --hugepages         back the memory with reserved hugepages (checked)\n"
		    "      --usb-controller ADDR  pass a whole USB controller (guide §11); repeatable\n"
		    "      --audio ADDR        pass an HD-audio controller (guide §12)\n"
		    "      --usb-device VID:PID   pass one USB device; repeatable\n"
		    "      --hide-hypervisor   Hyper-V vendor_id and KVM hidden, for NVIDIA drivers older than\n"
		    "                          R465 (Code 43); R465 and later need none of it\n"
		    "      --vendor-id ID      the vendor_id (1 to 12 characters, default vfiokit)\n"
		    "      --secure-boot       a Secure Boot OVMF with Microsoft's keys (Windows 11)\n"
		    "      --graphics KIND     install-time display: spice (default), vnc or none\n"
		    "      --network NET       NAT network NET (default \"default\"), bridge:BRIDGE, user or none\n"
		    "      --domain-type TYPE  kvm (default), or qemu: software emulation without KVM (CPU model\n"
		    "                          'maximum', no Hyper-V enlightenments), for test beds\n"
		    "      --allow-boot-gpu    pass the boot VGA or only GPU anyway (the host loses its screen)\n"
		    "  -c, --connect URI       libvirt to define the domain in (default qemu:///system)\n"
		    "      --libvirt-version V write for libvirt version V instead of the connection's\n"
		    "  -p, --print             print the domain XML instead of defining it\n"),
};

static const struct vk_cmd vm_finalize_help = {
	.name = "vm",
	.usage = N_("Usage: vfiokit vm finalize NAME | --xml FILE [-o FILE]\n"
		    "\n"
		    "After the guest's GPU driver is installed, remove what only the installation needed:\n"
		    "the emulated display (graphics, video), the text console, the tablet and other\n"
		    "emulated USB or virtio input, and what works only over SPICE. Nothing else changes;\n"
		    "a second run changes nothing.\n"
		    "\n"
		    "  -x, --xml FILE          edit a domain XML file ('virsh dumpxml' output; - for stdin)\n"
		    "  -o, --output FILE       write the result there (default: standard output)\n"
		    "  -c, --connect URI       libvirt holding domain NAME (default qemu:///system)\n"),
};

static const struct vk_cmd vm_patch_help = {
	.name = "vm",
	.usage = N_("Usage: vfiokit vm patch NAME | --xml FILE [-o FILE] --hide-hypervisor [--vendor-id ID]\n"
		    "       vfiokit vm patch NAME | --xml FILE [-o FILE] --no-hide-hypervisor\n"
		    "\n"
		    "The guide's \"Error 43\" edit on any domain: a Hyper-V vendor_id and <kvm><hidden>,\n"
		    "for NVIDIA drivers older than R465 (later drivers need none of it). Every other\n"
		    "element, attribute and comment is kept; a second run changes nothing.\n"
		    "\n"
		    "      --hide-hypervisor     add or switch on vendor_id and hidden\n"
		    "      --vendor-id ID        the vendor_id (1 to 12 characters; default: keep the\n"
		    "                            domain's, else vfiokit)\n"
		    "      --no-hide-hypervisor  remove both\n"
		    "  -x, --xml FILE            edit a domain XML file (- for stdin)\n"
		    "  -o, --output FILE         write the result there (default: standard output)\n"
		    "  -c, --connect URI         libvirt holding domain NAME (default qemu:///system)\n"),
};

/* vm create's notes (what it decided, and why) are printed once the domain is made, so a
 * refusal is one error line and nothing else. */
static char **pending_notes;

static void note(const char *fmt, ...) _printf_(1, 2);
static void note(const char *fmt, ...)
{
	char *s = NULL;
	va_list ap;
	int k;

	va_start(ap, fmt);
	k = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (k >= 0)
		(void)strv_push(&pending_notes, s);
}

static void flush_notes(bool print)
{
	for (char **n = pending_notes; print && n && *n; n++)
		vk_note("%s", *n);
	strv_free(pending_notes);
	pending_notes = NULL;
}

static const char *memory_text(uint64_t kib, char buf[32])
{
	if (kib % (1024 * 1024) == 0)
		snprintf(buf, 32, "%llu GiB", (unsigned long long)(kib / (1024 * 1024)));
	else
		snprintf(buf, 32, "%llu MiB", (unsigned long long)(kib / 1024));
	return buf;
}

/* A PCI device named on the command line, or an error. */
static int find_dev(struct vk_cli *cli, const struct vk_host *h, const char *opt, const char *arg,
		    struct vk_pci_dev **ret)
{
	char full[VK_BDF_MAX];

	if (vk_pci_addr_normalize(arg, full) < 0)
		return vk_usage_error("vm create", _("invalid PCI address '%s' for %s (expected 01:00.0 or 0000:01:00.0)"),
				      arg, opt);
	*ret = vk_host_find_pci(h, full);
	if (!*ret)
		return vk_error(0, _("no PCI device '%s' under '%s'"), full, cli->root_path);
	return 0;
}

static int push_dev(struct vk_pci_dev ***l, size_t *n, struct vk_pci_dev *d)
{
	struct vk_pci_dev **nl;

	for (size_t i = 0; i < *n; i++)
		if ((*l)[i] == d)
			return 0;
	nl = realloc(*l, (*n + 1) * sizeof(*nl));
	if (!nl)
		return -ENOMEM;
	nl[(*n)++] = d;
	*l = nl;
	return 0;
}

struct create_opts {
	const char *name, *gpu, *memory, *disk_bus, *graphics, *network, *domain_type, *connect, *libvirt_version,
		*vendor_id, *audio;
	char **disks, **isos, **usb_controllers, **usb_devices;
	unsigned cpus;
	bool all_cores, hugepages, hide, secure_boot, allow_boot_gpu, print;
};

static void create_opts_clear(struct create_opts *o)
{
	strv_free(o->disks);
	strv_free(o->isos);
	strv_free(o->usb_controllers);
	strv_free(o->usb_devices);
}

/* The GPU, its slot's functions, and the other PCI devices, each through the checks
 * 'isolate' makes: present, of the right class, in an IOMMU group whose other endpoints
 * go to the guest too or are off the host already; the boot VGA or only GPU refused. */
static int pick_pci(struct vk_cli *cli, struct vk_host *h, const struct create_opts *o, struct vk_pci_addr **gpu_ret,
		    size_t *n_gpu_ret, struct vk_pci_addr **pci_ret, size_t *n_pci_ret)
{
	struct vk_pci_dev *dev, **passed = NULL, **blockers = NULL;
	size_t n_passed = 0, n_blockers = 0, n_gpus = 0, n_gpu_funcs = 0;
	struct vk_gpu *gpus = NULL, *g;
	struct vk_pci_addr *ga = NULL, *pa = NULL;
	size_t n_pa = 0;
	int r;

	r = find_dev(cli, h, "--gpu", o->gpu, &dev);
	if (r != 0)
		return r;
	if (!vk_pci_is_display(dev))
		return vk_error(0, _("'%s' is not a GPU (PCI class %06x): give the display function's address ('vfiokit gpus' lists them)"),
				dev->name, (unsigned)dev->class);
	if (vk_gpus_list(h, &gpus, &n_gpus) < 0)
		return vk_error(ENOMEM, _("out of memory"));
	g = vk_gpus_find(gpus, n_gpus, dev);
	if (!g) {
		vk_gpus_free(gpus, n_gpus);
		return vk_error(0, _("'%s' is not a GPU"), dev->name);
	}
	if (!o->allow_boot_gpu && (g->boot || n_gpus == 1)) {
		r = vk_error(0, g->boot ? _("'%s' is the boot VGA, the GPU the host shows on: pass the other GPU, or switch the firmware's primary display (or use --allow-boot-gpu)")
					: _("'%s' is the host's only GPU: the host would have no display (use --allow-boot-gpu for a headless host)"),
			     g->dev->name);
		vk_gpus_free(gpus, n_gpus);
		return r;
	}
	n_gpu_funcs = g->n_functions;
	ga = calloc(n_gpu_funcs, sizeof(*ga));
	if (!ga)
		goto oom;
	for (size_t i = 0; i < n_gpu_funcs; i++) {
		ga[i] = g->functions[i]->addr;
		if (push_dev(&passed, &n_passed, g->functions[i]) < 0)
			goto oom;
	}

	for (char **a = o->usb_controllers; a && *a; a++) {
		r = find_dev(cli, h, "--usb-controller", *a, &dev);
		if (r != 0)
			goto out;
		if (!(dev->flags & VK_PCI_USB)) {
			r = vk_error(0, _("'%s' is not a USB controller (PCI class %06x)"), dev->name, (unsigned)dev->class);
			goto out;
		}
		if (push_dev(&passed, &n_passed, dev) < 0)
			goto oom;
	}
	if (o->audio) {
		r = find_dev(cli, h, "--audio", o->audio, &dev);
		if (r != 0)
			goto out;
		if (!(dev->flags & VK_PCI_AUDIO)) {
			r = vk_error(0, _("'%s' is not an audio controller (PCI class %06x)"), dev->name, (unsigned)dev->class);
			goto out;
		}
		if (vk_pci_addr_same_slot(&dev->addr, &g->dev->addr)) {
			r = vk_error(0, _("'%s' is the GPU's own audio function: it goes with --gpu already"), dev->name);
			goto out;
		}
		if (vk_gpus_find(gpus, n_gpus, dev)) {
			r = vk_error(0, _("'%s' is the HDMI audio of another GPU, not the board's sound card"), dev->name);
			goto out;
		}
		if (push_dev(&passed, &n_passed, dev) < 0)
			goto oom;
	}
	for (size_t i = n_gpu_funcs; i < n_passed; i++) {
		struct vk_pci_addr *np = realloc(pa, (n_pa + 1) * sizeof(*pa));

		if (!np)
			goto oom;
		pa = np;
		pa[n_pa++] = passed[i]->addr;
	}

	for (size_t i = 0; i < n_passed; i++)
		if (passed[i]->iommu_group < 0) {
			r = vk_error(0, _("'%s' is not in an IOMMU group, so it cannot be passed"), passed[i]->name);
			goto out;
		}
	if (vk_vm_group_blockers(h, passed, n_passed, &blockers, &n_blockers) < 0)
		goto oom;
	for (size_t i = 0; i < n_blockers; i++) {
		const struct vk_pci_dev *b = blockers[i];

		if (b->boot_vga == 1)
			vk_error(0, _("IOMMU group %d also holds '%s', the host's boot VGA: the group cannot go to a guest"),
				 b->iommu_group, b->name);
		else
			vk_error(0, _("IOMMU group %d also holds '%s' (driver %s): the host would have to give it up too; pass it as well or use another slot"),
				 b->iommu_group, b->name, strempty(b->driver));
	}
	if (n_blockers) {
		r = VK_EXIT_FAILURE;
		goto out;
	}
	for (size_t i = 0; i < n_passed; i++) {
		const struct vk_iommu_group *grp = vk_host_find_group(h, passed[i]->iommu_group);

		for (size_t k = 0; grp && k < grp->n_devs; k++)
			if (vk_pci_binding(grp->devs[k]) == VK_BINDING_UNKNOWN)
				vk_warning(_("the driver of '%s' (IOMMU group %d) is unknown: the group may not be viable"),
					   grp->devs[k]->name, grp->id);
	}
	*gpu_ret = TAKE_PTR(ga);
	*n_gpu_ret = n_gpu_funcs;
	*pci_ret = TAKE_PTR(pa);
	*n_pci_ret = n_pa;
	r = 0;
	goto out;
oom:
	r = vk_error(ENOMEM, _("out of memory"));
out:
	free(ga);
	free(pa);
	free(passed);
	free(blockers);
	vk_gpus_free(gpus, n_gpus);
	return r;
}

static int pick_disks(struct vk_cli *cli, char **args, char ***ret)
{
	_cleanup_strv_free_ char **paths = calloc(1, sizeof(char *));

	if (!paths)
		return vk_error(ENOMEM, _("out of memory"));
	for (char **a = args; a && *a; a++) {
		struct vk_vm_disk d = {0};
		enum vk_disk_problem p;
		_cleanup_free_ char *detail = NULL;
		int r;

		r = vk_vm_disk_resolve(cli->root, *a, &d);
		if (r == -EINVAL)
			return vk_usage_error("vm create", _("'%s' is not a device path under /dev"), *a);
		if (r == -ENODEV)
			return vk_error(0, _("no block device '%s' under '%s'"), *a, cli->root_path);
		if (r < 0)
			return vk_error(r, _("cannot resolve '%s'"), *a);
		r = vk_vm_disk_safety(cli->root, &d, &p, &detail);
		if (r < 0) {
			vk_vm_disk_clear(&d);
			return vk_error(r, _("cannot tell whether '%s' is in use"), *a);
		}
		switch (p) {
		case VK_DISK_SAFE:
			r = 0;
			break;
		case VK_DISK_ROOT:
			r = vk_error(0, _("'%s' is the disk that holds the host's root filesystem"), *a);
			break;
		case VK_DISK_MOUNTED:
			r = vk_error(0, _("'%s' is mounted on '%s'"), *a, detail);
			break;
		case VK_DISK_PART_MOUNTED:
			r = vk_error(0, _("'%s' has a mounted partition (%s)"), *a, detail);
			break;
		case VK_DISK_HELD:
			r = vk_error(0, _("'%s' is in use by '%s' (device mapper, LVM or RAID)"), *a, detail);
			break;
		case VK_DISK_SWAP:
			r = vk_error(0, _("'%s' is in use as swap"), *a);
			break;
		}
		if (r == 0 && !d.stable)
			vk_warning(_("no /dev/disk/by-id or by-uuid link for '%s': the domain names '%s', which can change between boots"),
				   *a, d.path);
		if (r == 0 && strv_contains(paths, d.path))
			r = vk_usage_error("vm create", _("'%s' is given twice"), *a);
		if (r == 0 && strv_extend(&paths, d.path) < 0)
			r = vk_error(ENOMEM, _("out of memory"));
		vk_vm_disk_clear(&d);
		if (r != 0)
			return r;
	}
	*ret = TAKE_PTR(paths);
	return 0;
}

/* Firmware: what the libvirt version and the host's descriptors allow (domain.md §7.1,
 * §11): <os firmware='efi'> from 5.2.0 when descriptors exist, else an explicit pair. */
static int pick_firmware(struct vk_cli *cli, const struct create_opts *o, unsigned long libvirt_version,
			 struct vk_domain_spec *s, struct vk_firmware *chosen)
{
	struct vk_firmware *l = NULL;
	const struct vk_firmware *f;
	size_t n = 0;
	char ver[32];
	int r;

	vk_virt_version_format(libvirt_version, ver);
	r = vk_firmware_list(cli->root, &l, &n);
	if (r < 0)
		return vk_error(r, _("cannot read the firmware descriptors under '%s'"), cli->root_path);
	f = vk_firmware_pick(l, n, o->secure_boot);
	if (f && vk_libvirt_has_firmware_autoselect(libvirt_version)) {
		s->firmware_auto = true;
		s->firmware_features = vk_libvirt_has_firmware_features(libvirt_version);
		if (libvirt_version)
			note(_("firmware: libvirt %s selects OVMF from the descriptors (here '%s'); the guide's qemu.conf nvram line is not needed, and libvirt ignores it when descriptors exist"),
				ver, f->descriptor);
		else
			note(_("firmware: libvirt selects OVMF from the descriptors (here '%s'); the guide's qemu.conf nvram line is not needed, and libvirt ignores it when descriptors exist"),
				f->descriptor);
		vk_firmware_free(l, n);
		return 0;
	}
	if (f) {
		*chosen = (struct vk_firmware){ .descriptor = strdup(f->descriptor), .code = strdup(f->code),
						.vars = strdup(f->vars) };
		if (!chosen->descriptor || !chosen->code || !chosen->vars) {
			vk_firmware_free(l, n);
			return vk_error(ENOMEM, _("out of memory"));
		}
	} else if (vk_firmware_known_paths(cli->root, o->secure_boot, chosen) < 0) {
		vk_firmware_free(l, n);
		if (vk_libvirt_has_firmware_autoselect(libvirt_version)) {
			/* Maybe libvirt knows better (a path we do not): let it try. */
			vk_warning(_("no OVMF firmware under '%s': install the distribution's OVMF package (ovmf, edk2-ovmf)"),
				   cli->root_path);
			s->firmware_auto = true;
			s->firmware_features = vk_libvirt_has_firmware_features(libvirt_version);
			return 0;
		}
		return vk_error(0, _("no OVMF firmware under '%s': install the distribution's OVMF package (ovmf, edk2-ovmf)"),
				cli->root_path);
	}
	vk_firmware_free(l, n);
	s->loader = chosen->code;
	s->nvram_template = chosen->vars;
	if (!vk_libvirt_has_firmware_autoselect(libvirt_version))
		note(_("firmware: libvirt %s predates firmware selection (5.2.0): the domain names '%s' and its template '%s'"),
			ver, chosen->code, chosen->vars);
	else
		note(_("firmware: no firmware descriptors under '%s': the domain names '%s' and its template '%s'"),
			cli->root_path, chosen->code, chosen->vars);
	note(_("for UEFI guests made by other tools, /etc/libvirt/qemu.conf can list the pair: nvram = [ \"%s:%s\" ]"),
		chosen->code, chosen->vars);
	return 0;
}

static int plan_cpus(struct vk_cli *cli, const struct vk_host *h, const struct create_opts *o, struct vk_pin_plan *p)
{
	int r = vk_pin_plan_make(&h->cpu, o->cpus, o->all_cores ? VK_PIN_ALL_CORES : 0, p);

	switch (r) {
	case 0:
		break;
	case -ENODATA:
		return vk_error(0, _("cannot read the host's CPU topology under '%s' (/sys/devices/system/cpu)"),
				cli->root_path);
	case -EINVAL:
		return vk_usage_error("vm create", _("--cpus %u: the guest takes whole cores of %u threads; give a multiple of %u"),
				      o->cpus, p->threads, p->threads);
	case -E2BIG:
		if (o->all_cores)
			return vk_error(0, _("--cpus %u: the host has %u CPUs"), o->cpus, p->max_vcpus);
		return vk_error(0, _("--cpus %u: %u are left once the host keeps one core per socket (--all-cores gives it all)"),
				o->cpus, p->max_vcpus);
	case -EDOM:
		return vk_error(0, _("--cpus %u cannot be split evenly between the host's sockets"), o->cpus);
	default:
		return vk_error(r, _("cannot plan the guest's CPUs"));
	}
	if (p->all_cores_fallback)
		vk_warning(_("a socket has a single core: the guest shares it with the host"));
	if (p->skipped_cores)
		note(_("cpus: %u cores with fewer threads than the others (efficiency cores) are left to the host"),
			p->skipped_cores);
	{
		_cleanup_free_ char *host = format_cpulist(p->host_cpus, p->n_host_cpus);
		_cleanup_free_ unsigned *sorted = malloc(p->n_vcpus * sizeof(unsigned));
		_cleanup_free_ char *guest = NULL;

		if (!sorted)
			return vk_error(ENOMEM, _("out of memory"));
		memcpy(sorted, p->vcpu_cpu, p->n_vcpus * sizeof(unsigned));
		for (unsigned i = 1; i < p->n_vcpus; i++)
			for (unsigned j = i; j > 0 && sorted[j - 1] > sorted[j]; j--) {
				unsigned t = sorted[j];
				sorted[j] = sorted[j - 1], sorted[j - 1] = t;
			}
		guest = format_cpulist(sorted, p->n_vcpus);
		if (p->n_host_cpus)
			note(_("cpus: %u vCPUs as sockets=%u cores=%u threads=%u on host CPUs %s; the host keeps CPUs %s"),
				p->n_vcpus, p->sockets, p->cores, p->threads, strempty(guest), strempty(host));
		else
			note(_("cpus: %u vCPUs as sockets=%u cores=%u threads=%u on host CPUs %s, shared with the host"),
				p->n_vcpus, p->sockets, p->cores, p->threads, strempty(guest));
	}
	return 0;
}

static int check_memory(struct vk_cli *cli, const struct vk_host *h, const struct create_opts *o, uint64_t *mem)
{
	char buf[32], buf2[32];
	int r;

	if (o->memory) {
		r = vk_vm_parse_size(o->memory, mem);
		if (r < 0)
			return vk_usage_error("vm create", _("invalid memory size '%s' (expected e.g. 16G or 8192M)"), o->memory);
		if (h->mem_total_kib && *mem > h->mem_total_kib)
			return vk_error(0, _("--memory %s is more than the host's %s"), o->memory,
					memory_text(h->mem_total_kib / 1024 * 1024, buf));
	} else {
		r = vk_vm_default_memory(h->mem_total_kib, mem);
		if (r == -ENODATA)
			return vk_error(0, _("cannot read the host's memory under '%s': give --memory"), cli->root_path);
		if (r < 0)
			return vk_error(0, _("the host has %s of RAM: too little to give a guest any (the guide asks for 8 GiB for the guest)"),
					memory_text(h->mem_total_kib / 1024 * 1024, buf));
		if (*mem < 8 * 1024 * 1024)
			vk_warning(_("the guest gets %s: the host has %s, and the guide asks for at least 8 GiB"),
				   memory_text(*mem, buf), memory_text(h->mem_total_kib / 1024 * 1024, buf2));
	}
	if (o->hugepages) {
		uint64_t size = h->hugepage_size_kib, need;

		if (!size)
			return vk_error(0, _("--hugepages: cannot read the hugepage size under '%s' (/proc/meminfo)"),
					cli->root_path);
		if (*mem % size)
			return vk_error(0, _("--hugepages: %s is not a whole number of %s pages"), memory_text(*mem, buf),
					memory_text(size, buf2));
		need = *mem / size;
		if (h->hugepages_total < need)
			return vk_error(0, _("--hugepages: %s needs %llu pages of %llu KiB, and %llu are reserved: reserve them with 'sysctl vm.nr_hugepages=%llu' or hugepages=%llu on the kernel command line"),
					memory_text(*mem, buf), (unsigned long long)need, (unsigned long long)size,
					(unsigned long long)h->hugepages_total, (unsigned long long)need,
					(unsigned long long)need);
		if (h->hugepages_free < need)
			vk_warning(_("--hugepages: %llu of the %llu pages are free now; the guest will not start until %llu are"),
				   (unsigned long long)h->hugepages_free, (unsigned long long)h->hugepages_total,
				   (unsigned long long)need);
	}
	note(_("memory: %s%s"), memory_text(*mem, buf), o->hugepages ? _(", in hugepages") : "");
	return 0;
}

static int connect_uri(struct vk_cli *cli, const char *uri, bool explicit, struct vk_virt **ret)
{
	int r;

	if (!explicit && !vk_root_is_host(cli->root))
		return vk_error(0, _("'%s' is not this host: use --print, or --connect to name the libvirt to use"),
				cli->root_path);
	r = vk_virt_open(uri, ret);
	if (r == -EOPNOTSUPP)
		return vk_error(0, _("libvirt is not available: %s"), vk_dlerror());
	if (r < 0)
		return vk_error(0, _("cannot connect to '%s': %s"), uri, vk_virt_error());
	return 0;
}

static int vm_create(struct vk_cli *cli, struct create_opts *o)
{
	_cleanup_host_ struct vk_host *h = NULL;
	_cleanup_(vk_virt_closep) struct vk_virt *virt = NULL;
	_cleanup_(vk_domxml_freep) struct vk_domxml *dx = NULL;
	_cleanup_free_ struct vk_pci_addr *gpu = NULL, *pci = NULL;
	_cleanup_free_ struct vk_usb_id *usb = NULL;
	_cleanup_strv_free_ char **disks = NULL, **isos = calloc(1, sizeof(char *));
	_cleanup_free_ char *xml = NULL, *nvram = NULL;
	struct vk_pin_plan plan = {0};
	struct vk_firmware fw = {0};
	struct vk_domain_spec s = {0};
	size_t n_gpu = 0, n_pci = 0, n_usb = 0;
	unsigned long libvirt_version = 0;
	const char *uri = o->connect ? o->connect : DEFAULT_URI;
	uint64_t mem = 0;
	int r;

	if (!isos)
		return vk_error(ENOMEM, _("out of memory"));
	/* Everything that is a usage error first, before reading the host. */
	if (!vk_vm_name_valid(o->name))
		return vk_usage_error("vm create", _("invalid VM name '%s': 1 to 200 characters, no '/' or control characters"),
				      o->name);
	if (!o->gpu)
		return vk_usage_error("vm create", _("missing --gpu"));
	if (!o->disks)
		return vk_usage_error("vm create", _("missing --disk"));
	if (o->vendor_id && !vk_vendor_id_valid(o->vendor_id))
		return vk_usage_error("vm create", _("invalid --vendor-id '%s': 1 to 12 printable characters, no comma"),
				      o->vendor_id);
	if (o->vendor_id && !o->hide)
		return vk_usage_error("vm create", _("--vendor-id goes with --hide-hypervisor"));
	if (o->disk_bus && !streq(o->disk_bus, "sata") && !streq(o->disk_bus, "virtio"))
		return vk_usage_error("vm create", _("invalid --disk-bus '%s' (expected sata or virtio)"), o->disk_bus);
	if (o->graphics && !streq(o->graphics, "spice") && !streq(o->graphics, "vnc") && !streq(o->graphics, "none"))
		return vk_usage_error("vm create", _("invalid --graphics '%s' (expected spice, vnc or none)"), o->graphics);
	if (o->domain_type && !streq(o->domain_type, "kvm") && !streq(o->domain_type, "qemu"))
		return vk_usage_error("vm create", _("invalid --domain-type '%s' (expected kvm or qemu)"), o->domain_type);
	if (o->libvirt_version && vk_virt_version_parse(o->libvirt_version, &libvirt_version) < 0)
		return vk_usage_error("vm create", _("invalid --libvirt-version '%s' (expected e.g. 9.0.0)"),
				      o->libvirt_version);
	if (strv_length(o->disks) + strv_length(o->isos) > 26)
		return vk_usage_error("vm create", _("too many disks"));
	for (char **u = o->usb_devices; u && *u; u++) {
		struct vk_usb_id *nu = realloc(usb, (n_usb + 1) * sizeof(*usb));

		if (!nu)
			return vk_error(ENOMEM, _("out of memory"));
		usb = nu;
		if (vk_usb_id_parse(*u, &usb[n_usb].vendor, &usb[n_usb].product) < 0)
			return vk_usage_error("vm create", _("invalid USB ID '%s' (expected VID:PID, e.g. 046d:c52b)"), *u);
		n_usb++;
	}
	s.net = VK_VM_NET_NETWORK;
	s.net_source = "default";
	if (o->network) {
		const char *v;

		if (streq(o->network, "none"))
			s.net = VK_VM_NET_NONE;
		else if (streq(o->network, "user"))
			s.net = VK_VM_NET_USER;
		else if ((v = startswith(o->network, "bridge:")) && *v)
			s.net = VK_VM_NET_BRIDGE, s.net_source = v;
		else if ((v = startswith(o->network, "network:")) && *v)
			s.net_source = v;
		else if (!strchr(o->network, ':') && *o->network)
			s.net_source = o->network;
		else
			return vk_usage_error("vm create", _("invalid --network '%s' (expected NAME, bridge:NAME, user or none)"),
					      o->network);
	}
	for (char **i = o->isos; i && *i; i++) {
		char real[PATH_MAX];
		struct stat st;

		/* The installer is the user's file, not a host fact: opened normally. */
		if (!realpath(*i, real) || stat(real, &st) < 0)
			return vk_error(errno, _("cannot use '%s'"), *i);
		if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
			return vk_error(0, _("'%s' is not a file"), *i);
		if (strv_extend(&isos, real) < 0)
			return vk_error(ENOMEM, _("out of memory"));
	}

	r = vk_cli_load_host(cli, VK_LOAD_PCI | VK_LOAD_PCI_DETAILS | VK_LOAD_CPU | VK_LOAD_SYSTEM, &h);
	if (r != 0)
		return r;
	if (!h->have_pci_sysfs)
		return vk_error(0, _("no PCI devices under '%s': '/sys/bus/pci/devices' does not exist"), cli->root_path);
	if (h->n_groups == 0) {
		r = vk_cli_host_ensure(cli, h, VK_LOAD_IOMMU);
		return r != 0 ? r : vk_cli_no_groups(cli, h);
	}
	r = pick_pci(cli, h, o, &gpu, &n_gpu, &pci, &n_pci);
	if (r != 0)
		return r;
	for (size_t i = 0; i < n_usb; i++) {
		int n = vk_vm_usb_count(cli->root, usb[i].vendor, usb[i].product);

		if (n < 0)
			return vk_error(n, _("cannot list USB devices under '%s'"), cli->root_path);
		if (n == 0)
			return vk_error(0, _("no USB device %04x:%04x under '%s'"), usb[i].vendor, usb[i].product,
					cli->root_path);
		if (n > 1)
			vk_warning(_("%d USB devices are %04x:%04x: libvirt passes the first it finds"), n, usb[i].vendor,
				   usb[i].product);
	}
	r = pick_disks(cli, o->disks, &disks);
	if (r != 0)
		return r;
	if (o->disk_bus && streq(o->disk_bus, "virtio"))
		note(_("disk: virtio; Windows Setup needs the virtio-win drivers to see it (add their ISO with a second --iso)"));
	r = check_memory(cli, h, o, &mem);
	if (r != 0)
		return r;
	r = plan_cpus(cli, h, o, &plan);
	if (r != 0)
		goto out;

	if (!o->print) {
		r = connect_uri(cli, uri, o->connect != NULL, &virt);
		if (r != 0)
			goto out;
		r = vk_virt_domain_exists(virt, o->name);
		if (r < 0) {
			r = vk_error(0, _("cannot ask '%s' about '%s': %s"), uri, o->name, vk_virt_error());
			goto out;
		}
		if (r > 0) {
			r = vk_error(0, _("a domain called '%s' already exists on '%s'"), o->name, uri);
			goto out;
		}
		if (!o->libvirt_version && vk_virt_version(virt, &libvirt_version) < 0)
			libvirt_version = 0;
	} else if (!o->libvirt_version && vk_root_is_host(cli->root) && vk_virt_library_version(&libvirt_version) < 0)
		libvirt_version = 0; /* no libvirt here: write for a current one */

	s.name = o->name;
	s.kvm = !o->domain_type || streq(o->domain_type, "kvm");
	s.memory_kib = mem;
	s.hugepages = o->hugepages;
	s.cpu = &plan;
	s.secure_boot = o->secure_boot;
	nvram = xasprintf("/var/lib/libvirt/qemu/nvram/%s_VARS.fd", o->name);
	if (!nvram) {
		r = vk_error(ENOMEM, _("out of memory"));
		goto out;
	}
	s.nvram = nvram;
	r = pick_firmware(cli, o, libvirt_version, &s, &fw);
	if (r != 0)
		goto out;
	s.hide_hypervisor = o->hide;
	s.vendor_id = o->vendor_id;
	s.disks = (const char *const *)disks;
	s.n_disks = strv_length(disks);
	s.disk_virtio = o->disk_bus && streq(o->disk_bus, "virtio");
	s.isos = (const char *const *)isos;
	s.n_isos = strv_length(isos);
	s.gpu = gpu;
	s.n_gpu = n_gpu;
	s.pci = pci;
	s.n_pci = n_pci;
	s.usb = usb;
	s.n_usb = n_usb;
	s.graphics = !o->graphics || streq(o->graphics, "spice") ? VK_VM_GRAPHICS_SPICE
			  : streq(o->graphics, "vnc")                ? VK_VM_GRAPHICS_VNC
								     : VK_VM_GRAPHICS_NONE;

	r = vk_domxml_build(&s, &dx);
	if (r == -EOPNOTSUPP) {
		r = vk_error(0, _("libxml2 is not available: %s"), vk_dlerror());
		goto out;
	}
	if (r < 0 || (r = vk_domxml_format(dx, &xml)) < 0) {
		r = vk_error(r, _("cannot build the domain XML"));
		goto out;
	}
	if (o->print) {
		fputs(xml, stdout);
		r = VK_EXIT_OK;
		goto out;
	}
	r = vk_virt_define(virt, xml);
	if (r < 0) {
		r = vk_error(0, _("libvirt refused the domain: %s"), vk_virt_error());
		goto out;
	}
	printf(_("Defined domain '%s' on %s.\n"
		 "Next: start it ('virsh -c %s start %s'), install the guest on the emulated display,\n"
		 "install the GPU driver, then run 'vfiokit vm finalize %s'.\n"),
	       o->name, uri, uri, o->name, o->name);
	r = VK_EXIT_OK;
out:
	flush_notes(r == VK_EXIT_OK);
	vk_pin_plan_clear(&plan);
	vk_firmware_clear(&fw);
	return r;
}

/* ------------------------------------------------------------------------------------ */
/* finalize and patch: the same input and output handling.                                 */

struct edit_opts {
	const char *name, *xml, *output, *connect, *vendor_id;
	int hide; /* patch: 1 hide, 0 unhide, -1 not given */
};

static int read_input(const char *path, char **ret, size_t *len)
{
	_cleanup_strbuf_ struct strbuf b = STRBUF_INIT;
	_cleanup_close_ int fd = -1;
	char buf[65536];
	ssize_t k;

	/* A domain file is a document the user hands over, not a host fact: opened normally. */
	fd = streq(path, "-") ? dup(STDIN_FILENO) : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return negative_errno();
	while ((k = read(fd, buf, sizeof(buf))) > 0) {
		if (b.len + (size_t)k > 64u << 20)
			return -EFBIG;
		if (strbuf_add(&b, buf, (size_t)k) < 0)
			return -ENOMEM;
	}
	if (k < 0)
		return negative_errno();
	*len = b.len;
	*ret = b.s ? strbuf_detach(&b) : strdup("");
	return *ret ? 0 : -ENOMEM;
}

static int write_output(const char *path, const char *text)
{
	_cleanup_free_ char *tmp = NULL;
	_cleanup_close_ int fd = -1;
	size_t len = strlen(text), off = 0;

	if (!path) {
		fputs(text, stdout);
		return 0;
	}
	/* Next to the target and renamed over it: a failed write never leaves half a domain. */
	tmp = xasprintf("%s.vfiokit-XXXXXX", path);
	if (!tmp)
		return -ENOMEM;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return negative_errno();
	while (off < len) {
		ssize_t k = write(fd, text + off, len - off);

		if (k < 0) {
			int e = negative_errno();
			unlink(tmp);
			return e;
		}
		off += (size_t)k;
	}
	if (fchmod(fd, 0644) < 0 || fsync(fd) < 0 || rename(tmp, path) < 0) {
		int e = negative_errno();
		unlink(tmp);
		return e;
	}
	return 0;
}

static int vm_edit(struct vk_cli *cli, const struct edit_opts *o, bool finalize)
{
	const char *cmdname = finalize ? "vm finalize" : "vm patch";
	_cleanup_(vk_virt_closep) struct vk_virt *virt = NULL;
	_cleanup_(vk_domxml_freep) struct vk_domxml *dx = NULL;
	_cleanup_free_ char *text = NULL, *out = NULL;
	_cleanup_strv_free_ char **changes = NULL;
	const char *uri = o->connect ? o->connect : DEFAULT_URI;
	bool active = false;
	size_t len = 0;
	int r;

	if (!o->name == !o->xml)
		return vk_usage_error(cmdname, o->name ? _("give a domain NAME or --xml FILE, not both")
						       : _("missing domain NAME (or --xml FILE)"));
	if (o->output && !o->xml)
		return vk_usage_error(cmdname, _("--output goes with --xml"));
	if (!finalize && o->hide < 0)
		return vk_usage_error(cmdname, _("missing --hide-hypervisor or --no-hide-hypervisor"));
	if (o->vendor_id && !vk_vendor_id_valid(o->vendor_id))
		return vk_usage_error(cmdname, _("invalid --vendor-id '%s': 1 to 12 printable characters, no comma"),
				      o->vendor_id);
	if (o->vendor_id && o->hide != 1)
		return vk_usage_error(cmdname, _("--vendor-id goes with --hide-hypervisor"));

	if (o->xml) {
		r = read_input(o->xml, &text, &len);
		if (r < 0)
			return vk_error(r, _("cannot read '%s'"), o->xml);
	} else {
		r = vk_cli_open_root(cli);
		if (r != 0)
			return r;
		r = connect_uri(cli, uri, o->connect != NULL, &virt);
		if (r != 0)
			return r;
		r = vk_virt_domain_xml(virt, o->name, &text, &active);
		if (r == -ENOENT)
			return vk_error(0, _("no domain '%s' on '%s'"), o->name, uri);
		if (r < 0)
			return vk_error(0, _("cannot read domain '%s' from '%s': %s"), o->name, uri, vk_virt_error());
		len = strlen(text);
	}
	r = vk_domxml_parse(text, len, &dx);
	if (r == -EOPNOTSUPP)
		return vk_error(0, _("libxml2 is not available: %s"), vk_dlerror());
	if (r == -EBADMSG || r == -EINVAL)
		return vk_error(0, _("'%s' is not a domain: %s"), o->xml ? o->xml : o->name, vk_domxml_error());
	if (r < 0)
		return vk_error(r, _("cannot parse '%s'"), o->xml ? o->xml : o->name);

	r = finalize ? vk_domxml_finalize(dx, &changes) : vk_domxml_hide_hypervisor(dx, o->hide == 1, o->vendor_id, &changes);
	if (r == -ENOTSUP)
		return vk_error(0, _("the domain's Hyper-V mode is 'passthrough', which takes no vendor_id: switch it to 'custom' first"));
	if (r < 0)
		return vk_error(r, _("cannot edit the domain"));
	r = vk_domxml_format(dx, &out);
	if (r < 0)
		return vk_error(r, _("cannot write the domain XML"));

	if (o->xml) {
		for (char **c = changes; *c; c++)
			vk_note(finalize ? _("removed %s") : "%s", *c);
		if (!changes[0])
			vk_note(_("nothing to change"));
		r = write_output(o->output, out);
		if (r < 0)
			return vk_error(r, _("cannot write '%s'"), o->output);
		return VK_EXIT_OK;
	}
	if (!changes[0]) {
		printf(_("Domain '%s': nothing to change.\n"), o->name);
		return VK_EXIT_OK;
	}
	r = vk_virt_define(virt, out);
	if (r < 0)
		return vk_error(0, _("libvirt refused the edited domain: %s"), vk_virt_error());
	for (char **c = changes; *c; c++)
		printf(finalize ? _("Domain '%s': removed %s\n") : _("Domain '%s': %s\n"), o->name, *c);
	if (active)
		vk_note(_("'%s' is running: the changes apply from its next start"), o->name);
	return VK_EXIT_OK;
}

/* ------------------------------------------------------------------------------------ */

enum {
	OPT_DISK_BUS = 0x100,
	OPT_ISO,
	OPT_CPUS,
	OPT_ALL_CORES,
	OPT_HUGEPAGES,
	OPT_USB_CONTROLLER,
	OPT_AUDIO,
	OPT_USB_DEVICE,
	OPT_HIDE,
	OPT_NO_HIDE,
	OPT_VENDOR_ID,
	OPT_SECURE_BOOT,
	OPT_GRAPHICS,
	OPT_NETWORK,
	OPT_DOMAIN_TYPE,
	OPT_ALLOW_BOOT_GPU,
	OPT_LIBVIRT_VERSION,
};

static int cmd_vm_create(struct vk_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		VK_COMMON_LONG_OPTIONS,
		{ "gpu", required_argument, NULL, 'g' },
		{ "disk", required_argument, NULL, 'd' },
		{ "disk-bus", required_argument, NULL, OPT_DISK_BUS },
		{ "iso", required_argument, NULL, OPT_ISO },
		{ "cpus", required_argument, NULL, OPT_CPUS },
		{ "all-cores", no_argument, NULL, OPT_ALL_CORES },
		{ "memory", required_argument, NULL, 'm' },
		{ "hugepages", no_argument, NULL, OPT_HUGEPAGES },
		{ "usb-controller", required_argument, NULL, OPT_USB_CONTROLLER },
		{ "audio", required_argument, NULL, OPT_AUDIO },
		{ "usb-device", required_argument, NULL, OPT_USB_DEVICE },
		{ "hide-hypervisor", no_argument, NULL, OPT_HIDE },
		{ "vendor-id", required_argument, NULL, OPT_VENDOR_ID },
		{ "secure-boot", no_argument, NULL, OPT_SECURE_BOOT },
		{ "graphics", required_argument, NULL, OPT_GRAPHICS },
		{ "network", required_argument, NULL, OPT_NETWORK },
		{ "domain-type", required_argument, NULL, OPT_DOMAIN_TYPE },
		{ "allow-boot-gpu", no_argument, NULL, OPT_ALLOW_BOOT_GPU },
		{ "connect", required_argument, NULL, 'c' },
		{ "libvirt-version", required_argument, NULL, OPT_LIBVIRT_VERSION },
		{ "print", no_argument, NULL, 'p' },
		{},
	};
	struct create_opts o = {0};
	int c, r;

	while ((c = getopt_long(argc, argv, VK_COMMON_SHORT_OPTIONS "g:d:m:c:p", opts, NULL)) >= 0) {
		r = 0;
		switch (c) {
			VK_COMMON_OPTION_CASES(cli, &vm_create_help);
		case 'g':
			if (o.gpu) {
				create_opts_clear(&o);
				return vk_usage_error("vm create", _("--gpu is given twice: one GPU per guest"));
			}
			o.gpu = optarg;
			break;
		case 'd':
			r = strv_extend(&o.disks, optarg);
			break;
		case OPT_DISK_BUS:
			o.disk_bus = optarg;
			break;
		case OPT_ISO:
			r = strv_extend(&o.isos, optarg);
			break;
		case OPT_CPUS: {
			uint32_t v;

			if (safe_atou32(optarg, 10, &v) < 0 || v == 0 || v > 4096) {
				create_opts_clear(&o);
				return vk_usage_error("vm create", _("invalid --cpus '%s'"), optarg);
			}
			o.cpus = v;
			break;
		}
		case OPT_ALL_CORES:
			o.all_cores = true;
			break;
		case 'm':
			o.memory = optarg;
			break;
		case OPT_HUGEPAGES:
			o.hugepages = true;
			break;
		case OPT_USB_CONTROLLER:
			r = strv_extend(&o.usb_controllers, optarg);
			break;
		case OPT_AUDIO:
			o.audio = optarg;
			break;
		case OPT_USB_DEVICE:
			r = strv_extend(&o.usb_devices, optarg);
			break;
		case OPT_HIDE:
			o.hide = true;
			break;
		case OPT_VENDOR_ID:
			o.vendor_id = optarg;
			break;
		case OPT_SECURE_BOOT:
			o.secure_boot = true;
			break;
		case OPT_GRAPHICS:
			o.graphics = optarg;
			break;
		case OPT_NETWORK:
			o.network = optarg;
			break;
		case OPT_DOMAIN_TYPE:
			o.domain_type = optarg;
			break;
		case OPT_ALLOW_BOOT_GPU:
			o.allow_boot_gpu = true;
			break;
		case 'c':
			o.connect = optarg;
			break;
		case OPT_LIBVIRT_VERSION:
			o.libvirt_version = optarg;
			break;
		case 'p':
			o.print = true;
			break;
		}
		if (r < 0) {
			create_opts_clear(&o);
			return vk_error(ENOMEM, _("out of memory"));
		}
	}
	if (optind >= argc) {
		create_opts_clear(&o);
		return vk_usage_error("vm create", _("missing VM name"));
	}
	if (optind + 1 < argc) {
		create_opts_clear(&o);
		return vk_usage_error("vm create", _("unexpected argument '%s'"), argv[optind + 1]);
	}
	o.name = argv[optind];
	r = vk_cli_open_root(cli);
	if (r == 0)
		r = vm_create(cli, &o);
	flush_notes(false); /* what a refusal left unsaid */
	create_opts_clear(&o);
	return r;
}

static int cmd_vm_edit(struct vk_cli *cli, int argc, char **argv, bool finalize)
{
	static const struct option finalize_opts[] = {
		VK_COMMON_LONG_OPTIONS,
		{ "xml", required_argument, NULL, 'x' },
		{ "output", required_argument, NULL, 'o' },
		{ "connect", required_argument, NULL, 'c' },
		{},
	};
	static const struct option patch_opts[] = {
		VK_COMMON_LONG_OPTIONS,
		{ "xml", required_argument, NULL, 'x' },
		{ "output", required_argument, NULL, 'o' },
		{ "connect", required_argument, NULL, 'c' },
		{ "hide-hypervisor", no_argument, NULL, OPT_HIDE },
		{ "no-hide-hypervisor", no_argument, NULL, OPT_NO_HIDE },
		{ "vendor-id", required_argument, NULL, OPT_VENDOR_ID },
		{},
	};
	const struct vk_cmd *help = finalize ? &vm_finalize_help : &vm_patch_help;
	const char *cmdname = finalize ? "vm finalize" : "vm patch";
	struct edit_opts o = { .hide = -1 };
	int c;

	while ((c = getopt_long(argc, argv, VK_COMMON_SHORT_OPTIONS "x:o:c:", finalize ? finalize_opts : patch_opts,
				NULL)) >= 0) {
		switch (c) {
			VK_COMMON_OPTION_CASES(cli, help);
		case 'x':
			o.xml = optarg;
			break;
		case 'o':
			o.output = optarg;
			break;
		case 'c':
			o.connect = optarg;
			break;
		case OPT_HIDE:
		case OPT_NO_HIDE:
			if (o.hide >= 0 && o.hide != (c == OPT_HIDE))
				return vk_usage_error(cmdname, _("--hide-hypervisor and --no-hide-hypervisor exclude each other"));
			o.hide = c == OPT_HIDE;
			break;
		case OPT_VENDOR_ID:
			o.vendor_id = optarg;
			break;
		}
	}
	if (optind < argc)
		o.name = argv[optind++];
	if (optind < argc)
		return vk_usage_error(cmdname, _("unexpected argument '%s'"), argv[optind]);
	return vm_edit(cli, &o, finalize);
}

int cmd_vm(struct vk_cli *cli, int argc, char **argv)
{
	const char *sub;

	/* "vfiokit vm --help", "vfiokit vm [--root R] create ..." */
	if (argc < 2)
		return vk_usage_error("vm", _("missing command (create, finalize or patch)"));
	sub = argv[1];
	if (streq(sub, "--help") || streq(sub, "-h")) {
		vk_cli_print_help(&vk_cmd_vm);
		return VK_EXIT_OK;
	}
	if (streq(sub, "create"))
		return cmd_vm_create(cli, argc - 1, argv + 1);
	if (streq(sub, "finalize"))
		return cmd_vm_edit(cli, argc - 1, argv + 1, true);
	if (streq(sub, "patch"))
		return cmd_vm_edit(cli, argc - 1, argv + 1, false);
	return vk_usage_error("vm", _("unknown command 'vm %s' (expected create, finalize or patch)"), sub);
}
