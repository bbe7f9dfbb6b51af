/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Snapshots: exactly the files vfiokit reads, copied from a root (normally the live "/")
 * into a new directory that works as a root itself ("attach this to your bug report").
 * The list below is an allow-list: nothing else is copied, so no keys, no /etc/shadow, no
 * home directories. Symlinks are copied as links (sysfs is made of them), ACPI tables as
 * empty files (their names matter, not their contents), device nodes as empty files.
 */
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdarg.h>
#include <json-c/json.h>
#include <time.h>

#include "snapshot.h"
#include "util.h"

struct snap {
	const struct vk_root *src;
	struct vk_root *dst;
	char **warnings;
	char *kernel;
};

static void warn(struct snap *s, const char *fmt, ...) _printf_(2, 3);
static void warn(struct snap *s, const char *fmt, ...)
{
	va_list ap;
	char *m;

	va_start(ap, fmt);
	if (vasprintf(&m, fmt, ap) >= 0)
		strv_push(&s->warnings, m);
	va_end(ap);
}

/* Copies one regular file (at most @max bytes; 0: all). Missing files are not an error. */
static int copy_file_max(struct snap *s, const char *path, size_t max)
{
	_cleanup_free_ char *data = NULL;
	size_t len;
	int r;

	r = vk_root_read_file(s->src, path, &data, &len);
	if (r == -ENOENT || r == -EISDIR || r == -ENOTDIR)
		return 0;
	if (r < 0) {
		/* e.g. an attribute that needs root to read (reset_method, config beyond 64 bytes) */
		warn(s, _("cannot read '%s': %s, leaving it out"), path, strerror(-r));
		return 0;
	}
	if (max && len > max)
		len = max;
	r = vk_root_write_atomic(s->dst, path, data, len, 0644, VK_WRITE_MKDIR | VK_WRITE_NOSYNC);
	if (r < 0 && r != -EEXIST)
		return r;
	return 0;
}

static int copy_file(struct snap *s, const char *path)
{
	return copy_file_max(s, path, 0);
}

/* Copies a symlink as a symlink (the target text unchanged). */
static int copy_link(struct snap *s, const char *path)
{
	_cleanup_free_ char *target = NULL, *dir = NULL;
	char *slash;
	int r;

	r = vk_root_readlink(s->src, &target, "%s", path);
	if (r == -ENOENT || r == -EINVAL)
		return 0;
	if (r < 0)
		return r;
	dir = strdup(path);
	if (!dir)
		return -ENOMEM;
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		r = vk_root_mkdir_p(s->dst, dir, 0755);
		if (r < 0)
			return r;
	}
	r = vk_root_symlink(s->dst, target, path);
	return r == -EEXIST ? 0 : r;
}

/* An empty placeholder: for ACPI tables and device nodes, only their existence matters. */
static int copy_presence(struct snap *s, const char *path, mode_t mode)
{
	if (vk_root_exists(s->src, "%s", path) < 0)
		return 0;
	return vk_root_write_atomic(s->dst, path, "", 0, mode, VK_WRITE_MKDIR | VK_WRITE_NOSYNC);
}

/* The entries of @dir matching @pattern (fnmatch), as full paths. */
static int list_matching(struct snap *s, const char *dir, const char *pattern, char ***ret)
{
	_cleanup_strv_free_ char **names = NULL, **out = NULL;
	int r;

	out = calloc(1, sizeof(char *));
	if (!out)
		return -ENOMEM;
	r = vk_root_list_dir(s->src, dir, &names);
	if (r < 0 && r != -ENOENT && r != -ENOTDIR)
		return r;
	for (char **n = names; n && *n; n++)
		if (fnmatch(pattern, *n, 0) == 0 && strv_push(&out, xasprintf("%s/%s", dir, *n)) < 0)
			return -ENOMEM;
	*ret = TAKE_PTR(out);
	return 0;
}

/* Copies the regular files matching @dir/@pattern, and symlinks as links. */
static int copy_glob(struct snap *s, const char *dir, const char *pattern)
{
	_cleanup_strv_free_ char **paths = NULL;
	int r = list_matching(s, dir, pattern, &paths);

	for (char **p = paths; r >= 0 && *p; p++) {
		struct stat st;

		if (vk_root_stat(s->src, *p, &st, false) < 0)
			continue;
		if (S_ISLNK(st.st_mode))
			r = copy_link(s, *p);
		else if (S_ISREG(st.st_mode))
			r = copy_file(s, *p);
	}
	return r;
}

/* "../../../devices/pci0000:00/0000:01:00.0" seen from @from_dir -> "/sys/devices/..." */
static char *resolve_lexically(const char *from_dir, const char *target)
{
	_cleanup_strv_free_ char **parts = NULL, **t = NULL;
	_cleanup_strbuf_ struct strbuf b = STRBUF_INIT;
	size_t n;

	if (strv_split(target[0] == '/' ? "" : from_dir, "/", &parts) < 0 || strv_split(target, "/", &t) < 0)
		return NULL;
	for (char **c = t; *c; c++) {
		n = strv_length(parts);
		if (streq(*c, "."))
			continue;
		if (streq(*c, "..")) {
			if (n > 0) {
				free(parts[n - 1]);
				parts[n - 1] = NULL;
			}
			continue;
		}
		if (strv_extend(&parts, *c) < 0)
			return NULL;
	}
	for (char **c = parts; *c; c++)
		if (strbuf_addc(&b, '/') < 0 || strbuf_adds(&b, *c) < 0)
			return NULL;
	return strbuf_detach(&b);
}

/* A sysfs device directory reached through a class or bus link: the link, then the
 * attributes in @attrs and the links in @links of its real directory. */
static int copy_sysfs_entry(struct snap *s, const char *linkdir, const char *name, const char *const *attrs,
			    const char *const *links, char **real_ret)
{
	_cleanup_free_ char *link = xasprintf("%s/%s", linkdir, name), *target = NULL, *real = NULL;
	int r;

	if (!link)
		return -ENOMEM;
	r = vk_root_readlink(s->src, &target, "%s", link);
	if (r == -EINVAL) {
		/* not a link (a plain directory, as in some fixtures): copy it in place */
		real = strdup(link);
	} else if (r < 0)
		return r == -ENOENT ? 0 : r;
	else {
		r = copy_link(s, link);
		if (r < 0)
			return r;
		real = resolve_lexically(linkdir, target);
	}
	if (!real)
		return -ENOMEM;
	r = vk_root_mkdir_p(s->dst, real, 0755);
	for (const char *const *a = attrs; r >= 0 && a && *a; a++) {
		_cleanup_free_ char *p = xasprintf("%s/%s", real, *a);

		/* config space: the 64 bytes any user may read (lspci and the header type) */
		r = p ? copy_file_max(s, p, streq(*a, "config") ? 64 : 0) : -ENOMEM;
	}
	for (const char *const *l = links; r >= 0 && l && *l; l++) {
		_cleanup_strv_free_ char **matches = NULL;

		r = list_matching(s, real, *l, &matches);
		for (char **m = matches; r >= 0 && *m; m++)
			r = copy_link(s, *m);
	}
	if (r >= 0 && real_ret)
		*real_ret = TAKE_PTR(real);
	return r;
}

static int copy_pci(struct snap *s)
{
	static const char *const attrs[] = {
		"vendor", "device", "class", "revision", "subsystem_vendor", "subsystem_device", "config",
		"boot_vga", "boot_display", "driver_override", "reset_method", "modalias", "sriov_numvfs",
		"sriov_totalvfs", "numa_node", "local_cpulist", "irq", "resource", "enable", NULL,
	};
	static const char *const links[] = { "driver", "iommu_group", "physfn", "virtfn*", NULL };
	_cleanup_strv_free_ char **devs = NULL, **drivers = NULL, **groups = NULL;
	int r;

	r = vk_root_list_dir(s->src, "/sys/bus/pci/devices", &devs);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	r = vk_root_mkdir_p(s->dst, "/sys/bus/pci/devices", 0755);
	for (char **d = devs; r >= 0 && *d; d++)
		r = copy_sysfs_entry(s, "/sys/bus/pci/devices", *d, attrs, links, NULL);
	if (r < 0)
		return r;

	/* Driver directories (their names tell a dangling driver link from a real one). */
	r = vk_root_mkdir_p(s->dst, "/sys/bus/pci/drivers", 0755);
	if (r >= 0 && vk_root_list_dir(s->src, "/sys/bus/pci/drivers", &drivers) == 0)
		for (char **d = drivers; r >= 0 && *d; d++) {
			_cleanup_free_ char *p = xasprintf("/sys/bus/pci/drivers/%s", *d);

			r = p ? vk_root_mkdir_p(s->dst, p, 0755) : -ENOMEM;
		}
	if (r < 0)
		return r;

	/* IOMMU groups: members (links) and the default domain type. */
	r = vk_root_list_dir(s->src, "/sys/kernel/iommu_groups", &groups);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	r = vk_root_mkdir_p(s->dst, "/sys/kernel/iommu_groups", 0755);
	for (char **g = groups; r >= 0 && *g; g++) {
		_cleanup_free_ char *dir = xasprintf("/sys/kernel/iommu_groups/%s", *g), *devdir = NULL;

		if (!dir)
			return -ENOMEM;
		devdir = xasprintf("%s/devices", dir);
		r = devdir ? vk_root_mkdir_p(s->dst, devdir, 0755) : -ENOMEM;
		if (r >= 0)
			r = copy_glob(s, devdir, "*");
		if (r >= 0)
			r = copy_glob(s, dir, "type");
		if (r >= 0)
			r = copy_glob(s, dir, "reserved_regions");
	}
	return r;
}

static int copy_class(struct snap *s, const char *dir, const char *const *attrs, const char *const *links)
{
	_cleanup_strv_free_ char **names = NULL;
	int r = vk_root_list_dir(s->src, dir, &names);

	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	r = vk_root_mkdir_p(s->dst, dir, 0755);
	for (char **n = names; r >= 0 && *n; n++)
		r = copy_sysfs_entry(s, dir, *n, attrs, links, NULL);
	return r;
}

static int copy_block(struct snap *s)
{
	static const char *const attrs[] = { "size", "partition", "start", "ro", "removable", "dev", "dm/name", "dm/uuid",
					     "queue/logical_block_size", NULL };
	static const char *const links[] = { "device", "holders/*", "slaves/*", NULL };
	_cleanup_strv_free_ char **names = NULL;
	int r = copy_class(s, "/sys/class/block", attrs, NULL);

	/* holders/ and slaves/ are directories of links: copy them one level down. */
	if (r < 0 || vk_root_list_dir(s->src, "/sys/class/block", &names) < 0)
		return r;
	for (char **n = names; r >= 0 && *n; n++) {
		_cleanup_free_ char *link = xasprintf("/sys/class/block/%s", *n), *target = NULL, *real = NULL;

		if (!link)
			return -ENOMEM;
		if (vk_root_readlink(s->src, &target, "%s", link) < 0)
			continue;
		real = resolve_lexically("/sys/class/block", target);
		if (!real)
			return -ENOMEM;
		for (const char *const *l = links; r >= 0 && *l; l++) {
			_cleanup_free_ char *sub = strdup(*l);
			char *slash = sub ? strchr(sub, '/') : NULL;

			if (!sub)
				return -ENOMEM;
			if (slash) {
				_cleanup_free_ char *d = NULL;

				*slash = '\0';
				d = xasprintf("%s/%s", real, sub);
				if (!d)
					return -ENOMEM;
				if (vk_root_exists(s->src, "%s", d) == 0)
					r = vk_root_mkdir_p(s->dst, d, 0755);
				if (r >= 0)
					r = copy_glob(s, d, slash + 1);
			} else {
				_cleanup_free_ char *p = xasprintf("%s/%s", real, sub);

				r = p ? copy_link(s, p) : -ENOMEM;
			}
		}
	}
	return r;
}

static int copy_cpu(struct snap *s)
{
	_cleanup_strv_free_ char **cpus = NULL;
	int r;

	r = copy_file(s, "/sys/devices/system/cpu/online");
	if (r < 0 || list_matching(s, "/sys/devices/system/cpu", "cpu[0-9]*", &cpus) < 0)
		return r;
	for (char **c = cpus; r >= 0 && *c; c++) {
		static const char *const topo[] = { "physical_package_id", "die_id", "core_id", "thread_siblings_list",
						    "core_cpus_list", "core_siblings_list", "package_cpus_list" };

		for (size_t i = 0; r >= 0 && i < ELEMENTSOF(topo); i++) {
			_cleanup_free_ char *p = xasprintf("%s/topology/%s", *c, topo[i]);

			r = p ? copy_file(s, p) : -ENOMEM;
		}
		if (r >= 0) {
			_cleanup_free_ char *p = xasprintf("%s/cache/index3/shared_cpu_list", *c);

			r = p ? copy_file(s, p) : -ENOMEM;
		}
	}
	return r;
}

static int copy_placeholders(struct snap *s, const char *dir, const char *pattern, mode_t mode)
{
	_cleanup_strv_free_ char **paths = NULL;
	int r = list_matching(s, dir, pattern, &paths);

	for (char **p = paths; r >= 0 && *p; p++) {
		struct stat st;

		if (vk_root_stat(s->src, *p, &st, false) == 0 && S_ISDIR(st.st_mode))
			continue;
		r = copy_presence(s, *p, mode);
	}
	return r;
}

static int copy_modules(struct snap *s)
{
	/* The binary indexes libkmod reads for lookups, and modprobe.d-style softdeps: the
	 * text twins, modules.symbols.bin and modules.order are not needed. */
	static const char *const files[] = {
		"modules.alias.bin", "modules.builtin.alias.bin", "modules.builtin.bin", "modules.dep.bin",
		"modules.softdep",
	};
	int r = 0;

	if (!s->kernel)
		return 0;
	for (size_t i = 0; r >= 0 && i < ELEMENTSOF(files); i++) {
		_cleanup_free_ char *p = xasprintf("/lib/modules/%s/%s", s->kernel, files[i]);

		r = p ? copy_file(s, p) : -ENOMEM;
	}
	return r;
}

/* Configuration vfiokit reads or edits: boot loaders, initramfs generators, modprobe. */
static int copy_config(struct snap *s)
{
	static const struct {
		const char *dir, *pattern;
	} globs[] = {
		{ "/etc", "os-release" },           { "/usr/lib", "os-release" },
		{ "/etc", "fstab" },                { "/etc", "crypttab" },
		{ "/etc/default", "grub" },         { "/etc/default/grub.d", "*.cfg" },
		{ "/etc/kernel", "cmdline" },       { "/etc/kernel", "install.conf" },
		{ "/etc/cmdline.d", "*.conf" },     { "/etc", "mkinitcpio.conf" },
		{ "/etc/mkinitcpio.conf.d", "*" },  { "/etc/mkinitcpio.d", "*.preset" },
		{ "/etc", "dracut.conf" },          { "/etc/dracut.conf.d", "*" },
		{ "/etc/initramfs-tools", "modules" }, { "/etc/initramfs-tools", "initramfs.conf" },
		{ "/etc/initramfs-tools/conf.d", "*" }, { "/etc", "booster.yaml" },
		{ "/etc/modprobe.d", "*" },         { "/usr/lib/modprobe.d", "*" },
		{ "/lib/modprobe.d", "*" },         { "/etc", "modules" },
		{ "/etc/modules-load.d", "*" },     { "/etc/kernelstub", "configuration" },
		{ "/boot/loader/entries", "*.conf" }, { "/boot/loader", "loader.conf" },
		{ "/efi/loader/entries", "*.conf" }, { "/boot/efi/loader/entries", "*.conf" },
		{ "/boot", "refind_linux.conf" },   { "/boot", "limine.conf" },
		{ "/boot", "limine.cfg" },          { "/boot/limine", "limine.conf" },
		{ "/boot/efi", "limine.conf" },     { "/efi", "limine.conf" },
		{ "/etc/default", "limine" },       { "/boot", "config-*" },
		{ "/boot/grub", "grub.cfg" },       { "/boot/grub2", "grub.cfg" },
		{ "/usr/share/qemu/firmware", "*.json" }, { "/etc/qemu/firmware", "*.json" },
		{ "/etc/libvirt", "qemu.conf" },    { "/usr/share/misc", "pci.ids" },
		{ "/usr/share/hwdata", "pci.ids" }, { "/usr/share/misc", "usb.ids" },
		{ "/usr/share/hwdata", "usb.ids" }, { "/var/lib/vfiokit", "*" },
	};
	int r = 0;

	for (size_t i = 0; r >= 0 && i < ELEMENTSOF(globs); i++)
		r = copy_glob(s, globs[i].dir, globs[i].pattern);
	return r;
}

/* What `check` looks for by existence only: the programs, the services' wants links and the
 * firmware files the QEMU descriptors name. Empty placeholders keep their names. */
static int copy_tools(struct snap *s)
{
	static const char *const dirs[] = { "/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin", "/usr/libexec",
					    "/bin", "/sbin" };
	static const char *const programs[] = { "qemu-system-x86_64", "qemu-kvm", "libvirtd", "virtqemud" };
	static const char *const wants[] = { "/etc/systemd/system/multi-user.target.wants",
					     "/etc/systemd/system/sockets.target.wants" };
	static const char *const descdirs[] = { "/usr/share/qemu/firmware", "/etc/qemu/firmware" };
	int r = 0;

	for (size_t d = 0; r >= 0 && d < ELEMENTSOF(dirs); d++)
		for (size_t p = 0; r >= 0 && p < ELEMENTSOF(programs); p++) {
			_cleanup_free_ char *path = xasprintf("%s/%s", dirs[d], programs[p]);
			struct stat st;

			/* /bin may be a link to usr/bin: a placeholder per real file only */
			if (!path)
				return -ENOMEM;
			if (vk_root_stat(s->src, path, &st, false) == 0 && S_ISREG(st.st_mode))
				r = copy_presence(s, path, 0755);
		}
	for (size_t w = 0; r >= 0 && w < ELEMENTSOF(wants); w++)
		r = copy_glob(s, wants[w], "*");
	for (size_t d = 0; r >= 0 && d < ELEMENTSOF(descdirs); d++) {
		_cleanup_strv_free_ char **names = NULL;

		if (vk_root_list_dir(s->src, descdirs[d], &names) < 0)
			continue;
		for (char **n = names; r >= 0 && *n; n++) {
			_cleanup_free_ char *path = xasprintf("%s/%s", descdirs[d], *n), *text = NULL;
			json_object *doc, *mapping, *part, *file;
			static const char *const parts[] = { "executable", "nvram-template" };

			if (!path)
				return -ENOMEM;
			if (vk_root_read_file(s->src, path, &text, NULL) < 0 || !(doc = json_tokener_parse(text)))
				continue;
			if (json_object_object_get_ex(doc, "mapping", &mapping))
				for (size_t i = 0; r >= 0 && i < ELEMENTSOF(parts); i++)
					if (json_object_object_get_ex(mapping, parts[i], &part) &&
					    json_object_object_get_ex(part, "filename", &file) && json_object_get_string(file))
						r = copy_presence(s, json_object_get_string(file), 0644);
			json_object_put(doc);
		}
	}
	return r;
}

static int copy_proc(struct snap *s)
{
	static const char *const files[] = {
		"/proc/cmdline", "/proc/cpuinfo",     "/proc/meminfo",           "/proc/sys/kernel/osrelease",
		"/proc/swaps",   "/proc/net/route",   "/proc/self/mountinfo",    "/proc/modules",
		"/proc/iomem",   "/proc/config.gz",   "/proc/interrupts",
	};
	int r = 0;

	for (size_t i = 0; r >= 0 && i < ELEMENTSOF(files); i++)
		r = copy_file(s, files[i]);
	return r;
}

int vk_snapshot_capture(const struct vk_root *src, const char *dest, char ***warnings)
{
	_cleanup_root_ struct vk_root *dst = NULL;
	struct snap s = { .src = src };
	_cleanup_strv_free_ char **existing = NULL;
	_cleanup_strbuf_ struct strbuf manifest = STRBUF_INIT;
	static const char *const iommu_links[] = { NULL };
	static const char *const net_links[] = { "device", NULL };
	/* Not "product" or "manufacturer": reading them takes the USB device lock, and a hung
	 * hub (seen under QEMU's emulated AMD IOMMU) blocks the read forever. The IDs come from
	 * the cached descriptors and never block; names come from usb.ids. */
	static const char *const usb_attrs[] = { "idVendor", "idProduct", "busnum", "devnum", "bDeviceClass",
						 "bInterfaceClass", "speed", NULL };
	time_t now = time(NULL);
	struct tm tm;
	char date[32];
	int r;

	if (mkdir(dest, 0755) < 0 && errno != EEXIST)
		return negative_errno();
	r = vk_root_open(dest, &dst);
	if (r < 0)
		return r;
	if (vk_root_is_host(dst))
		return -EPERM;
	r = vk_root_list_dir(dst, "/", &existing);
	if (r < 0)
		return r;
	if (existing[0])
		return -ENOTEMPTY;
	s.dst = dst;
	(void)vk_root_read_line(src, &s.kernel, "/proc/sys/kernel/osrelease");

	r = copy_pci(&s);
	if (r >= 0)
		r = copy_class(&s, "/sys/class/iommu", NULL, iommu_links);
	if (r >= 0)
		r = copy_class(&s, "/sys/bus/usb/devices", usb_attrs, NULL);
	if (r >= 0)
		r = copy_class(&s, "/sys/class/net", NULL, net_links);
	if (r >= 0)
		r = copy_block(&s);
	if (r >= 0)
		r = copy_cpu(&s);
	if (r >= 0)
		r = copy_placeholders(&s, "/sys/firmware/acpi/tables", "*", 0400);
	if (r >= 0 && vk_root_exists(src, "/sys/firmware/acpi/tables") == 0)
		r = vk_root_mkdir_p(dst, "/sys/firmware/acpi/tables", 0755);
	if (r >= 0 && vk_root_exists(src, "/sys/firmware/efi") == 0) {
		r = vk_root_mkdir_p(dst, "/sys/firmware/efi/efivars", 0755);
		if (r >= 0)
			r = copy_glob(&s, "/sys/firmware/efi/efivars", "Loader*-4a67b082-0a4c-41cf-b6c7-440b29bb8c4f");
	}
	if (r >= 0)
		r = copy_glob(&s, "/sys/module/vfio_pci/parameters", "*");
	if (r >= 0)
		r = copy_placeholders(&s, "/dev", "kvm", 0600);
	if (r >= 0)
		r = copy_placeholders(&s, "/dev/vfio", "*", 0600);
	if (r >= 0) {
		/* stable names for disk commands: links only */
		static const char *const dirs[] = { "/dev/disk/by-id", "/dev/disk/by-uuid", "/dev/disk/by-partuuid",
						    "/dev/disk/by-path", "/dev/mapper" };

		for (size_t i = 0; r >= 0 && i < ELEMENTSOF(dirs); i++) {
			_cleanup_strv_free_ char **paths = NULL;

			r = list_matching(&s, dirs[i], "*", &paths);
			for (char **p = paths; r >= 0 && *p; p++) {
				struct stat st;

				if (vk_root_stat(src, *p, &st, false) == 0 && S_ISLNK(st.st_mode))
					r = copy_link(&s, *p);
			}
		}
	}
	if (r >= 0)
		r = copy_proc(&s);
	if (r >= 0)
		r = copy_modules(&s);
	if (r >= 0)
		r = copy_config(&s);
	if (r >= 0)
		r = copy_tools(&s);

	if (r >= 0) {
		gmtime_r(&now, &tm);
		strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", &tm);
		strbuf_addf(&manifest,
			    "# A root written by vfiokit %s: the files vfiokit reads, copied from '%s'.\n"
			    "source=snapshot\ncreated=%s\nkernel=%s\n",
			    PACKAGE_VERSION, vk_root_path(src), date, strempty(s.kernel));
		/* Whether /dev/kvm opened: a fact about the live host that a file cannot carry. */
		if (vk_root_is_host(src) && vk_root_exists(src, "/dev/kvm") == 0) {
			int fd = vk_root_open_at(src, "/dev/kvm", O_RDWR, 0);

			strbuf_addf(&manifest, "dev-kvm=%s\n", fd >= 0 ? "usable" : "denied");
			if (fd >= 0)
				close(fd);
		}
		r = manifest.s ? vk_root_write_atomic(dst, "/.vfiokit-root", manifest.s, manifest.len, 0644, VK_WRITE_NOSYNC)
			       : -ENOMEM;
	}
	free(s.kernel);
	if (warnings)
		*warnings = TAKE_PTR(s.warnings);
	strv_free(s.warnings);
	return r;
}
