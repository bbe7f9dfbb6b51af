/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* QEMU firmware descriptors and known OVMF paths; see firmware.h. */
#include <fnmatch.h>
#include <json-c/json.h>

#include "firmware.h"
#include "util.h"

/* Searched in this order; a file in a later directory with the same name overrides
 * (libvirt's qemu_firmware.c and QEMU's docs/interop/firmware.json: /etc is for the
 * administrator). $XDG_CONFIG_HOME is per user and not a host fact. */
static const char *const descriptor_dirs[] = {
	"/usr/share/qemu/firmware",
	"/etc/qemu/firmware",
};

void vk_firmware_clear(struct vk_firmware *f)
{
	free(f->descriptor);
	free(f->code);
	free(f->vars);
	*f = (struct vk_firmware){0};
}

void vk_firmware_free(struct vk_firmware *f, size_t n)
{
	for (size_t i = 0; f && i < n; i++)
		vk_firmware_clear(&f[i]);
	free(f);
}

static const char *jstr(json_object *o, const char *key)
{
	json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static bool jarray_has(json_object *o, const char *key, const char *word)
{
	json_object *a;

	if (!o || !json_object_object_get_ex(o, key, &a) || !json_object_is_type(a, json_type_array))
		return false;
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		json_object *e = json_object_array_get_idx(a, i);

		if (json_object_is_type(e, json_type_string) && streq(json_object_get_string(e), word))
			return true;
	}
	return false;
}

/* A target entry for x86_64 whose machine globs match a Q35 machine ("pc-q35-*"). */
static bool targets_q35(json_object *o)
{
	json_object *targets;

	if (!json_object_object_get_ex(o, "targets", &targets) || !json_object_is_type(targets, json_type_array))
		return false;
	for (size_t i = 0; i < json_object_array_length(targets); i++) {
		json_object *t = json_object_array_get_idx(targets, i), *machines;
		const char *arch = jstr(t, "architecture");

		if (!arch || !streq(arch, "x86_64") || !json_object_object_get_ex(t, "machines", &machines) ||
		    !json_object_is_type(machines, json_type_array))
			continue;
		for (size_t k = 0; k < json_object_array_length(machines); k++) {
			const char *glob = json_object_get_string(json_object_array_get_idx(machines, k));

			if (glob && (fnmatch(glob, "pc-q35-7.2", 0) == 0 || fnmatch(glob, "q35", 0) == 0))
				return true;
		}
	}
	return false;
}

/* Fills @f from one descriptor; 0 if it is usable, -EINVAL if it describes something else. */
static int parse_descriptor(const char *path, const char *text, struct vk_firmware *f)
{
	json_object *o, *mapping, *exec, *tmpl;
	const char *device, *mode, *code, *vars;
	int r = -EINVAL;

	o = json_tokener_parse(text);
	if (!o)
		return -EBADMSG;
	if (!jarray_has(o, "interface-types", "uefi") || !targets_q35(o) ||
	    !json_object_object_get_ex(o, "mapping", &mapping))
		goto out;
	device = jstr(mapping, "device");
	mode = jstr(mapping, "mode");
	/* Only split flash images: "memory" is for SEV/TDX guests, "stateless" and "combined"
	 * have no separate variable store to copy for the guest. */
	if (!device || !streq(device, "flash") || (mode && !streq(mode, "split")))
		goto out;
	if (!json_object_object_get_ex(mapping, "executable", &exec) ||
	    !json_object_object_get_ex(mapping, "nvram-template", &tmpl))
		goto out;
	code = jstr(exec, "filename");
	vars = jstr(tmpl, "filename");
	if (!code || !vars || (jstr(exec, "format") && !streq(jstr(exec, "format"), "raw")))
		goto out;
	/* Builds only for confidential guests cannot run an ordinary one. */
	if (jarray_has(o, "features", "amd-sev-es") || jarray_has(o, "features", "amd-sev-snp") ||
	    jarray_has(o, "features", "intel-tdx"))
		goto out;
	*f = (struct vk_firmware){
		.descriptor = strdup(path),
		.code = strdup(code),
		.vars = strdup(vars),
		.secure_boot = jarray_has(o, "features", "secure-boot"),
		.enrolled_keys = jarray_has(o, "features", "enrolled-keys"),
		.requires_smm = jarray_has(o, "features", "requires-smm"),
	};
	r = f->descriptor && f->code && f->vars ? 0 : -ENOMEM;
	if (r < 0)
		vk_firmware_clear(f);
out:
	json_object_put(o);
	return r;
}

int vk_firmware_list(struct vk_root *r, struct vk_firmware **ret, size_t *n_ret)
{
	_cleanup_strv_free_ char **names = NULL, **paths = NULL;
	struct vk_firmware *l = NULL;
	size_t n = 0;
	int k;

	/* The merged view: one path per file name, the last directory winning. */
	for (size_t d = 0; d < ELEMENTSOF(descriptor_dirs); d++) {
		_cleanup_strv_free_ char **entries = NULL;

		k = vk_root_list_dir(r, descriptor_dirs[d], &entries);
		if (k == -ENOENT || k == -ENOTDIR)
			continue;
		if (k < 0)
			return k;
		for (char **e = entries; *e; e++) {
			size_t i = 0;

			if (!endswith(*e, ".json"))
				continue;
			for (; names && names[i]; i++)
				if (streq(names[i], *e))
					break;
			if (names && names[i]) {
				free(paths[i]);
				paths[i] = xasprintf("%s/%s", descriptor_dirs[d], *e);
				if (!paths[i])
					return -ENOMEM;
				continue;
			}
			if (strv_extend(&names, *e) < 0 || strv_push(&paths, xasprintf("%s/%s", descriptor_dirs[d], *e)) < 0)
				return -ENOMEM;
		}
	}
	/* libvirt sorts by file name (the priority prefix), not by directory. */
	for (size_t i = 0; names && names[i]; i++)
		for (size_t j = i + 1; names[j]; j++)
			if (strcmp(names[j], names[i]) < 0) {
				char *t = names[i];
				names[i] = names[j], names[j] = t;
				t = paths[i];
				paths[i] = paths[j], paths[j] = t;
			}
	for (size_t i = 0; paths && paths[i]; i++) {
		_cleanup_free_ char *text = NULL;
		struct vk_firmware f, *nl;
		size_t len;

		k = vk_root_read_file(r, paths[i], &text, &len);
		if (k < 0 || len == 0)
			continue; /* unreadable, or empty: masks the one it shadows */
		k = parse_descriptor(paths[i], text, &f);
		if (k == -ENOMEM) {
			vk_firmware_free(l, n);
			return k;
		}
		if (k < 0)
			continue;
		nl = realloc(l, (n + 1) * sizeof(*nl));
		if (!nl) {
			vk_firmware_clear(&f);
			vk_firmware_free(l, n);
			return -ENOMEM;
		}
		l = nl;
		l[n++] = f;
	}
	*ret = l;
	*n_ret = n;
	return 0;
}

const struct vk_firmware *vk_firmware_pick(const struct vk_firmware *l, size_t n, bool secure_boot)
{
	for (size_t i = 0; i < n; i++) {
		if (secure_boot && l[i].secure_boot && l[i].enrolled_keys)
			return &l[i];
		if (!secure_boot && !l[i].secure_boot && !l[i].requires_smm)
			return &l[i];
	}
	return NULL;
}

/* CODE and VARS from the same build and size (2M and 4M stores do not mix), newest
 * layouts first (domain.md §7.2). */
static const struct {
	const char *code, *vars;
	bool secure;
} known[] = {
	{ "/usr/share/OVMF/OVMF_CODE_4M.fd", "/usr/share/OVMF/OVMF_VARS_4M.fd", false },
	{ "/usr/share/OVMF/OVMF_CODE_4M.ms.fd", "/usr/share/OVMF/OVMF_VARS_4M.ms.fd", true },
	{ "/usr/share/edk2/x64/OVMF_CODE.4m.fd", "/usr/share/edk2/x64/OVMF_VARS.4m.fd", false },
	{ "/usr/share/edk2/x64/OVMF_CODE.secboot.4m.fd", "/usr/share/edk2/x64/OVMF_VARS.4m.fd", true },
	{ "/usr/share/edk2/ovmf/OVMF_CODE.fd", "/usr/share/edk2/ovmf/OVMF_VARS.fd", false },
	{ "/usr/share/edk2/ovmf/OVMF_CODE.secboot.fd", "/usr/share/edk2/ovmf/OVMF_VARS.secboot.fd", true },
	{ "/usr/share/edk2-ovmf/x64/OVMF_CODE.fd", "/usr/share/edk2-ovmf/x64/OVMF_VARS.fd", false },
	{ "/usr/share/edk2-ovmf/OVMF_CODE.fd", "/usr/share/edk2-ovmf/OVMF_VARS.fd", false },
	{ "/usr/share/OVMF/OVMF_CODE.fd", "/usr/share/OVMF/OVMF_VARS.fd", false },
	{ "/usr/share/ovmf/x64/OVMF_CODE.fd", "/usr/share/ovmf/x64/OVMF_VARS.fd", false },
	{ "/usr/share/ovmf/ovmf_code_x64.bin", "/usr/share/ovmf/ovmf_vars_x64.bin", false },
};

int vk_firmware_known_paths(struct vk_root *r, bool secure_boot, struct vk_firmware *ret)
{
	for (size_t i = 0; i < ELEMENTSOF(known); i++) {
		if (known[i].secure != secure_boot)
			continue;
		if (vk_root_exists(r, "%s", known[i].code) < 0 || vk_root_exists(r, "%s", known[i].vars) < 0)
			continue;
		*ret = (struct vk_firmware){ .code = strdup(known[i].code), .vars = strdup(known[i].vars),
					     .secure_boot = secure_boot, .enrolled_keys = secure_boot,
					     .requires_smm = secure_boot };
		if (!ret->code || !ret->vars) {
			vk_firmware_clear(ret);
			return -ENOMEM;
		}
		return 0;
	}
	return -ENOENT;
}
