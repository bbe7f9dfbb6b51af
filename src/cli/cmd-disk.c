/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vfiokit disk: choose the guest's raw partition safely (§10), and open it safely on the host (§13). */
#include <fcntl.h>
#include <inttypes.h>
#include <sys/auxv.h>

#include "cli.h"
#include "report.h"
#include "lib/disk.h"
#include "lib/diskmap.h"
#include "lib/util.h"
#include "lib/virt-disk.h"

const struct vk_cmd vk_cmd_disk = {
	.name = "disk",
	.run = cmd_disk,
	.summary = N_("check, list and map the guest's raw disk or partition"),
	.usage = N_("Usage: vfiokit disk check DEV [--connect URI] [--json]\n"
		    "       vfiokit disk list DEV [--json]\n"
		    "       vfiokit disk map DEV [--rw] [--force] [--connect URI]\n"
		    "       vfiokit disk unmap DEV\n"
		    "\n"
		    "DEV is a block device or an image file: a path, a /dev/disk/by-* link,\n"
		    "or UUID=, PARTUUID=, LABEL=, PARTLABEL=.\n"
		    "\n"
		    "  check   whether DEV can be given to a guest: not mounted, not in fstab or\n"
		    "          crypttab, not swap, nothing stacked on it, not the host's system\n"
		    "          disk, no other libvirt domain uses it; its size, its content, and\n"
		    "          the stable path the domain should use\n"
		    "  list    the partition table inside DEV (the guest's own); maps nothing\n"
		    "  map     expose the partitions inside DEV as host block devices, read-only\n"
		    "  unmap   remove exactly what 'map' created, also after a crash\n"
		    "\n"
		    "      --connect URI  libvirt to ask (default qemu:///system)\n"
		    "      --rw           map read-write (only while the guest is shut down)\n"
		    "      --force        map even while a libvirt domain using DEV runs\n"
		    "  -j, --json         print JSON (schema in vfiokit-disk(1))\n"),
};

enum { OPT_CONNECT = 0x100, OPT_RW, OPT_FORCE };

struct disk_args {
	const char *connect;
	bool json, rw, force;
};

static const char *state_dir(void)
{
	/* Tests keep their state out of the host's /run; ignored in privileged runs. */
	const char *e = getenv("VFIOKIT_STATE_DIR");

	return e && e[0] == '/' && getauxval(AT_SECURE) == 0 ? e : VK_DISK_STATE_DIR;
}

/* One line for a device that cannot be resolved; returns the exit code. */
static int resolve_error(struct vk_cli *cli, const char *spec, int r)
{
	if (r == -ENOTBLK)
		return vk_error(0, _("'%s' is neither a block device nor an image file"), spec);
	if (r == -ENOENT && streq(cli->root_path, "/"))
		return vk_error(0, _("'%s' does not exist"), spec);
	if (r == -ENOENT)
		return vk_error(0, _("'%s' does not exist under '%s'"), spec, cli->root_path);
	if (r == -ENODEV)
		return vk_error(0, _("'%s' is a device node that '%s' has no block device for"), spec, cli->root_path);
	return vk_error(r, _("cannot resolve '%s'"), spec);
}

/* ---------------------------------------------------------------------------------------- */
/* disk list                                                                                    */

/* @path NULL: nested in 'disk check' output, without the document's own header. */
static json_object *table_json(const char *path, const struct vk_ptable *t)
{
	json_object *o = json_object_new_object(), *parts = json_object_new_array();

	if (path) {
		json_object_object_add(o, "version", json_object_new_int(1));
		json_object_object_add(o, "device", json_object_new_string(path));
		json_object_object_add(o, "size", json_object_new_int64((int64_t)t->size));
	}
	json_object_object_add(o, "pttype", vk_json_str(t->pttype));
	json_object_object_add(o, "ptuuid", vk_json_str(t->ptuuid));
	/* Without a table: what is there instead (libblkid's TYPE, USAGE, LABEL). */
	json_object_object_add(o, "fstype", vk_json_str(t->fstype));
	json_object_object_add(o, "usage", vk_json_str(t->usage));
	json_object_object_add(o, "label", vk_json_str(t->label));
	for (size_t i = 0; i < t->n_parts; i++) {
		const struct vk_part *p = &t->parts[i];
		json_object *e = json_object_new_object();

		json_object_object_add(e, "number", json_object_new_int((int)p->partno));
		json_object_object_add(e, "start", json_object_new_int64((int64_t)p->start));
		json_object_object_add(e, "size", json_object_new_int64((int64_t)p->size));
		json_object_object_add(e, "type", vk_json_str(p->type));
		json_object_object_add(e, "type_name", vk_json_str(p->type_name));
		json_object_object_add(e, "container", json_object_new_boolean(p->container));
		json_object_object_add(e, "partuuid", vk_json_str(p->uuid));
		json_object_object_add(e, "partlabel", vk_json_str(p->name));
		json_object_object_add(e, "fstype", vk_json_str(p->fstype));
		json_object_object_add(e, "label", vk_json_str(p->label));
		json_object_array_add(parts, e);
	}
	json_object_object_add(o, "partitions", parts);
	return o;
}

static int print_list(struct vk_cli *cli, const struct vk_ptable *t)
{
	struct libscols_table *tb = vk_table_new(cli);

	if (!tb)
		return vk_error(ENOMEM, _("out of memory"));
	scols_table_new_column(tb, "NR", 0, SCOLS_FL_RIGHT);
	scols_table_new_column(tb, "START", 0, SCOLS_FL_RIGHT);
	scols_table_new_column(tb, "SECTORS", 0, SCOLS_FL_RIGHT);
	scols_table_new_column(tb, "SIZE", 0, SCOLS_FL_RIGHT);
	scols_table_new_column(tb, "TYPE", 0, 0);
	scols_table_new_column(tb, "FSTYPE", 0, 0);
	scols_table_new_column(tb, "LABEL", 0, 0);
	scols_table_new_column(tb, "NAME", 0, 0);
	for (size_t i = 0; i < t->n_parts; i++) {
		const struct vk_part *p = &t->parts[i];
		struct libscols_line *l = scols_table_new_line(tb, NULL);
		_cleanup_free_ char *size = vk_format_size(p->size);
		char nr[16], start[32], count[32];

		if (!l || !size) {
			scols_unref_table(tb);
			return vk_error(ENOMEM, _("out of memory"));
		}
		snprintf(nr, sizeof(nr), "%u", p->partno);
		snprintf(start, sizeof(start), "%" PRIu64, p->start / 512);
		snprintf(count, sizeof(count), "%" PRIu64, p->size / 512);
		scols_line_set_data(l, 0, nr);
		scols_line_set_data(l, 1, start);
		scols_line_set_data(l, 2, count);
		scols_line_set_data(l, 3, size);
		scols_line_set_data(l, 4, p->type_name ? p->type_name : p->type);
		scols_line_set_data(l, 5, p->fstype);
		scols_line_set_data(l, 6, p->label);
		scols_line_set_data(l, 7, p->name);
	}
	scols_print_table(tb);
	scols_unref_table(tb);
	return VK_EXIT_OK;
}

/* Prints why there is nothing to list or map; returns the exit code (3: "no"). */
static int no_table(const char *path, const struct vk_ptable *t)
{
	fflush(stdout);
	if (t->fstype && t->label)
		fprintf(stderr, _("vfiokit: no partition table in '%s': it holds a filesystem (%s) labelled '%s'; mount it directly, read-only\n"),
			path, t->fstype, t->label);
	else if (t->fstype)
		fprintf(stderr, _("vfiokit: no partition table in '%s': it holds a filesystem (%s); mount it directly, read-only\n"), path,
			t->fstype);
	else
		fprintf(stderr, _("vfiokit: no partition table in '%s': nothing recognisable is on it (empty or unformatted)\n"), path);
	return VK_EXIT_NOT_READY;
}

static int disk_list(struct vk_cli *cli, const char *spec, const struct disk_args *a)
{
	_cleanup_(vk_blockdev_freep) struct vk_blockdev *dev = NULL;
	_cleanup_ptable_ struct vk_ptable *t = NULL;
	_cleanup_free_ char *why = NULL;
	_cleanup_close_ int fd = -1;
	uint64_t size;
	int r;

	r = vk_blockdev_resolve(cli->root, spec, &dev);
	if (r < 0)
		return resolve_error(cli, spec, r);
	fd = vk_blockdev_open(cli->root, dev, O_RDONLY);
	if (fd < 0)
		return vk_error(fd, _("cannot open '%s'"), dev->path);
	r = vk_fd_size(fd, &size);
	if (r < 0)
		return vk_error(r, _("cannot read the size of '%s'"), dev->path);
	r = vk_ptable_read(fd, size, &t, &why);
	if (r == -EBADMSG)
		return vk_error(0, _("refusing the partition table in '%s': %s"), dev->path, why);
	if (r < 0)
		return vk_error(r, _("cannot read the partition table in '%s'"), dev->path);
	if (!t->pttype) {
		if (a->json && vk_json_print(table_json(dev->path, t)) != VK_EXIT_OK)
			return VK_EXIT_FAILURE;
		return no_table(dev->path, t);
	}
	if (a->json)
		return vk_json_print(table_json(dev->path, t));
	if (t->ptuuid)
		printf(_("%s: %s partition table %s; partitions: %zu\n"), dev->path, vk_ptable_type_name(t->pttype), t->ptuuid,
		       vk_ptable_count(t));
	else
		printf(_("%s: %s partition table; partitions: %zu\n"), dev->path, vk_ptable_type_name(t->pttype), vk_ptable_count(t));
	return print_list(cli, t);
}

/* ---------------------------------------------------------------------------------------- */
/* disk check                                                                                   */

static json_object *report_json(const struct vk_disk_report *rep)
{
	const struct vk_blockdev *d = rep->dev;
	json_object *o = json_object_new_object(), *dev = json_object_new_object(), *checks = json_object_new_array();

	json_object_object_add(o, "version", json_object_new_int(1));
	json_object_object_add(dev, "spec", json_object_new_string(d->spec));
	json_object_object_add(dev, "path", json_object_new_string(d->path));
	json_object_object_add(dev, "kname", vk_json_str(d->kname));
	json_object_object_add(dev, "parent", vk_json_str(d->parent));
	json_object_object_add(dev, "kind", json_object_new_string(d->is_file ? "file" : d->is_partition ? "partition" : "disk"));
	json_object_object_add(dev, "size", json_object_new_int64((int64_t)d->size));
	json_object_object_add(dev, "stable_path", vk_json_str(rep->stable_path));
	json_object_object_add(o, "device", dev);
	json_object_object_add(o, "content", rep->content ? table_json(NULL, rep->content) : NULL);
	json_object_object_add(o, "content_error", vk_json_str(rep->content_error));
	json_object_put(checks);
	json_object_object_add(o, "checks", vk_report_json(&rep->findings));
	json_object_object_add(o, "verdict", json_object_new_string(vk_status_name(vk_report_worst(&rep->findings))));
	return o;
}

static int disk_check(struct vk_cli *cli, const char *spec, const struct disk_args *a)
{
	struct vk_disk_check_opts opts = { .connect = a->connect };
	_cleanup_(vk_disk_report_freep) struct vk_disk_report *rep = NULL;
	size_t failed = 0;
	int r;

	r = vk_disk_check(cli->root, spec, &opts, &rep);
	if (r == -ENOMEM)
		return vk_error(r, _("out of memory"));
	if (r < 0)
		return resolve_error(cli, spec, r);
	for (size_t i = 0; i < rep->findings.n; i++)
		failed += rep->findings.items[i].status == VK_STATUS_FAIL;
	if (a->json) {
		r = vk_json_print(report_json(rep));
		if (r != VK_EXIT_OK)
			return r;
	} else
		vk_report_print(cli, &rep->findings);
	if (failed) {
		fflush(stdout);
		fprintf(stderr,
			failed == 1 ? _("vfiokit: '%s' must not be given to a guest: %zu check failed\n")
				    : _("vfiokit: '%s' must not be given to a guest: %zu checks failed\n"),
			rep->dev->path, failed);
		return VK_EXIT_NOT_READY;
	}
	return VK_EXIT_OK;
}

/* ---------------------------------------------------------------------------------------- */
/* disk map / unmap                                                                             */

/* Refuses a map while a libvirt domain that uses DEV runs. Returns 0 or an exit code. */
static int map_libvirt_gate(struct vk_cli *cli, const struct vk_blockdev *dev, const struct disk_args *a)
{
	_cleanup_free_ char *why = NULL;
	struct vk_virt_users users;
	int r;

	r = vk_virt_disk_users(cli->root, a->connect ? a->connect : "qemu:///system", dev, &users, &why);
	if (r == -ENOMEM)
		return vk_error(r, _("out of memory"));
	if (r < 0) {
		if (a->rw && !a->force)
			return vk_error(0, _("cannot tell whether a VM uses '%s' (%s); refusing to map it read-write without --force"),
					dev->path, why ? why : strerror(-r));
		vk_warning(_("cannot tell whether a VM uses '%s' (%s); mapping it anyway"), dev->path, why ? why : strerror(-r));
		return 0;
	}
	for (size_t i = 0; i < users.n; i++) {
		const struct vk_virt_user *u = &users.items[i];

		if (!u->running)
			continue;
		if (a->force) {
			vk_warning(_("the running domain '%s' uses '%s': what you read may be stale%s"), u->domain, u->source,
				   a->rw ? _(", and writing corrupts it") : "");
			continue;
		}
		r = vk_error(0, _("the running domain '%s' uses '%s' (as %s); shut it down first, or pass --force"), u->domain,
			     u->source, u->target ? u->target : "?");
		vk_virt_users_clear(&users);
		return r;
	}
	vk_virt_users_clear(&users);
	return 0;
}

/* --rw puts the host's hands on the disk: the host must not be using it itself. */
static int map_rw_gate(struct vk_cli *cli, const char *spec, const struct disk_args *a)
{
	static const char *const blocking[] = { "disk.mounted", "disk.fstab", "disk.crypttab", "disk.swap", "disk.holders", "disk.root" };
	struct vk_disk_check_opts opts = { .connect = a->connect };
	_cleanup_(vk_disk_report_freep) struct vk_disk_report *rep = NULL;
	int r;

	r = vk_disk_check(cli->root, spec, &opts, &rep);
	if (r < 0)
		return vk_error(r, _("cannot check '%s'"), spec);
	for (size_t i = 0; i < ELEMENTSOF(blocking); i++) {
		const struct vk_finding *f = vk_report_get(&rep->findings, blocking[i]);

		if (f && f->status == VK_STATUS_FAIL) {
			if (!a->force)
				return vk_error(0, _("refusing to map read-write: %s (%s); --force overrides"), f->message, f->id);
			vk_warning(_("mapping read-write although %s"), f->message);
		}
	}
	return 0;
}

static json_object *mapping_json(const struct vk_disk_mapping *m)
{
	json_object *o = table_json(m->source, m->table), *parts = json_object_object_get(o, "partitions");

	json_object_object_add(o, "loop", json_object_new_string(m->loop));
	json_object_object_add(o, "read_only", json_object_new_boolean(!m->rw));
	for (size_t i = 0, k = 0; i < json_object_array_length(parts); i++) {
		json_object *e = json_object_array_get_idx(parts, i);
		json_object *container = json_object_object_get(e, "container");

		if (json_object_get_boolean(container) || k >= m->n_parts)
			continue;
		json_object_object_add(e, "device", json_object_new_string(m->parts[k].device));
		json_object_object_add(e, "link", json_object_new_string(m->parts[k].link));
		k++;
	}
	return o;
}

static int print_mapping(struct vk_cli *cli, const struct vk_disk_mapping *m)
{
	struct libscols_table *tb = vk_table_new(cli);
	size_t k = 0;

	if (!tb)
		return vk_error(ENOMEM, _("out of memory"));
	scols_table_new_column(tb, "NR", 0, SCOLS_FL_RIGHT);
	scols_table_new_column(tb, "SIZE", 0, SCOLS_FL_RIGHT);
	scols_table_new_column(tb, "FSTYPE", 0, 0);
	scols_table_new_column(tb, "LABEL", 0, 0);
	scols_table_new_column(tb, "DEVICE", 0, 0);
	scols_table_new_column(tb, "LINK", 0, 0);
	for (size_t i = 0; i < m->table->n_parts && k < m->n_parts; i++) {
		const struct vk_part *p = &m->table->parts[i];
		struct libscols_line *l;
		_cleanup_free_ char *size = NULL;
		char nr[16];

		if (p->container)
			continue;
		l = scols_table_new_line(tb, NULL);
		size = vk_format_size(p->size);
		if (!l || !size) {
			scols_unref_table(tb);
			return vk_error(ENOMEM, _("out of memory"));
		}
		snprintf(nr, sizeof(nr), "%u", p->partno);
		scols_line_set_data(l, 0, nr);
		scols_line_set_data(l, 1, size);
		scols_line_set_data(l, 2, p->fstype);
		scols_line_set_data(l, 3, p->label);
		scols_line_set_data(l, 4, m->parts[k].device);
		scols_line_set_data(l, 5, m->parts[k].link);
		k++;
	}
	scols_print_table(tb);
	scols_unref_table(tb);
	return VK_EXIT_OK;
}

static int disk_map(struct vk_cli *cli, const char *spec, const struct disk_args *a)
{
	_cleanup_(vk_blockdev_freep) struct vk_blockdev *dev = NULL;
	_cleanup_(vk_disk_mapping_freep) struct vk_disk_mapping *m = NULL;
	_cleanup_free_ char *why = NULL;
	int r;

	if (!vk_root_is_host(cli->root))
		return vk_usage_error("disk", _("'disk map' acts on the running kernel: it cannot be used with --root '%s'"),
				      cli->root_path);
	r = vk_blockdev_resolve(cli->root, spec, &dev);
	if (r < 0)
		return resolve_error(cli, spec, r);
	r = map_libvirt_gate(cli, dev, a);
	if (r != 0)
		return r;
	if (a->rw && (r = map_rw_gate(cli, spec, a)) != 0)
		return r;

	r = vk_disk_map(cli->root, state_dir(), dev, a->rw ? VK_MAP_RW : 0, &m, &why);
	if (r == -EBADMSG)
		return vk_error(0, _("refusing the partition table in '%s': %s"), dev->path, why);
	if (r == -ENOMEDIUM) {
		fflush(stdout);
		fprintf(stderr, "vfiokit: %s\n", why);
		return VK_EXIT_NOT_READY;
	}
	if (r == -EEXIST)
		return vk_error(0, _("%s; run 'vfiokit disk unmap %s' first"), why, spec);
	if (r == -EPERM || r == -EACCES)
		return vk_error(r, _("cannot map '%s' (run it as root)%s%s"), dev->path, why ? ": " : "", strempty(why));
	if (r < 0 && why)
		return vk_error(0, _("cannot map '%s': %s"), dev->path, why);
	if (r < 0)
		return vk_error(r, _("cannot map '%s'"), dev->path);
	if (a->json)
		return vk_json_print(mapping_json(m));
	r = print_mapping(cli, m);
	if (!m->rw)
		vk_note(_("mapped read-only on '/dev/%s': mount with 'mount -o ro' (ext4: 'ro,noload'); undo with 'vfiokit disk unmap %s'"),
			m->loop, spec);
	else
		vk_note(_("mapped read-write on '/dev/%s': do not start the guest until 'vfiokit disk unmap %s'"), m->loop, spec);
	return r;
}

static int disk_unmap(struct vk_cli *cli, const char *spec, const struct disk_args *a)
{
	_cleanup_(vk_blockdev_freep) struct vk_blockdev *dev = NULL;
	_cleanup_free_ char *key = NULL, *why = NULL;
	bool detached;
	int r;

	if (!vk_root_is_host(cli->root))
		return vk_usage_error("disk", _("'disk unmap' acts on the running kernel: it cannot be used with --root '%s'"),
				      cli->root_path);
	/* An image file may be gone by now: its state is still found by its name. */
	r = vk_blockdev_resolve(cli->root, spec, &dev);
	key = r == 0 ? vk_disk_map_key(dev) : vk_disk_map_key_from_spec(spec);
	if (!key)
		return r < 0 ? resolve_error(cli, spec, r) : vk_error(ENOMEM, _("out of memory"));
	r = vk_disk_unmap(cli->root, state_dir(), key, &detached, &why);
	if (r == -ENOENT) {
		vk_note(_("nothing is mapped for '%s'"), spec);
		return VK_EXIT_OK;
	}
	if (r == -EBUSY)
		return vk_error(0, _("cannot unmap '%s': %s"), spec, why);
	if (r < 0 && why)
		return vk_error(0, _("cannot unmap '%s': %s"), spec, why);
	if (r < 0)
		return vk_error(r, _("cannot unmap '%s'"), spec);
	if (detached)
		printf(_("unmapped '%s'\n"), spec);
	else
		printf(_("unmapped '%s' (its loop device was already gone; removed the leftover state)\n"), spec);
	return VK_EXIT_OK;
}

int cmd_disk(struct vk_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		VK_COMMON_LONG_OPTIONS,
		{ "json", no_argument, NULL, 'j' },
		{ "connect", required_argument, NULL, OPT_CONNECT },
		{ "rw", no_argument, NULL, OPT_RW },
		{ "force", no_argument, NULL, OPT_FORCE },
		{},
	};
	struct disk_args a = {};
	const char *sub, *spec;
	int c, r;

	while ((c = getopt_long(argc, argv, VK_COMMON_SHORT_OPTIONS "j", opts, NULL)) >= 0) {
		switch (c) {
			VK_COMMON_OPTION_CASES(cli, &vk_cmd_disk);
		case 'j':
			a.json = true;
			break;
		case OPT_CONNECT:
			a.connect = optarg;
			break;
		case OPT_RW:
			a.rw = true;
			break;
		case OPT_FORCE:
			a.force = true;
			break;
		}
	}
	if (optind >= argc)
		return vk_usage_error("disk", _("missing subcommand (check, list, map or unmap)"));
	sub = argv[optind++];
	if (!streq(sub, "check") && !streq(sub, "list") && !streq(sub, "map") && !streq(sub, "unmap"))
		return vk_usage_error("disk", _("unknown subcommand '%s' (expected check, list, map or unmap)"), sub);
	if (optind >= argc)
		return vk_usage_error("disk", _("'disk %s' needs a device or image file"), sub);
	spec = argv[optind++];
	if (optind < argc)
		return vk_usage_error("disk", _("unexpected argument '%s'"), argv[optind]);
	if ((a.rw || a.force) && !streq(sub, "map"))
		return vk_usage_error("disk", _("'%s' is an option of 'disk map' only"), a.rw ? "--rw" : "--force");
	if (a.connect && (streq(sub, "list") || streq(sub, "unmap")))
		return vk_usage_error("disk", _("'--connect' is an option of 'disk check' and 'disk map' only"));
	if (a.json && streq(sub, "unmap"))
		return vk_usage_error("disk", _("'--json' is not an option of 'disk unmap'"));

	r = vk_cli_open_root(cli);
	if (r != 0)
		return r;
	if (streq(sub, "check"))
		return disk_check(cli, spec, &a);
	if (streq(sub, "list"))
		return disk_list(cli, spec, &a);
	if (streq(sub, "map"))
		return disk_map(cli, spec, &a);
	return disk_unmap(cli, spec, &a);
}
