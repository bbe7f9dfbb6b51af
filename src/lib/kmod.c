/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Kernel modules through libkmod, loaded with dlopen (see dlopen.h). */
#include <libkmod.h>

#include "cmdline.h"
#include "dlopen.h"
#include "kmod.h"
#include "util.h"

DLSYM_DEFINE(kmod_new);
DLSYM_DEFINE(kmod_unref);
DLSYM_DEFINE(kmod_set_log_fn);
DLSYM_DEFINE(kmod_list_next);
DLSYM_DEFINE(kmod_module_new_from_lookup);
DLSYM_DEFINE(kmod_module_get_module);
DLSYM_DEFINE(kmod_module_get_name);
DLSYM_DEFINE(kmod_module_get_path);
DLSYM_DEFINE(kmod_module_unref_list);
DLSYM_DEFINE(kmod_module_unref);
DLSYM_DEFINE(kmod_config_get_options);
DLSYM_DEFINE(kmod_config_iter_next);
DLSYM_DEFINE(kmod_config_iter_get_key);
DLSYM_DEFINE(kmod_config_iter_get_value);
DLSYM_DEFINE(kmod_config_iter_free_iter);

static void *handle;

struct vk_kmod {
	struct kmod_ctx *ctx;
	struct kmod_ctx *cmdline_ctx; /* no configuration at all: only what libkmod takes from /proc/cmdline */
};

static void quiet_log(void *data, int priority, const char *file, int line, const char *fn, const char *format,
		      va_list args)
{
	/* libkmod logs missing indexes and bad config lines to stderr; vfiokit reports what matters itself. */
}

static int load(void)
{
	static const struct vk_dlsym syms[] = {
		DLSYM_ARG(kmod_new),
		DLSYM_ARG(kmod_unref),
		DLSYM_ARG(kmod_set_log_fn),
		DLSYM_ARG(kmod_list_next),
		DLSYM_ARG(kmod_module_new_from_lookup),
		DLSYM_ARG(kmod_module_get_module),
		DLSYM_ARG(kmod_module_get_name),
		DLSYM_ARG(kmod_module_get_path),
		DLSYM_ARG(kmod_module_unref_list),
		DLSYM_ARG(kmod_module_unref),
		DLSYM_ARG(kmod_config_get_options),
		DLSYM_ARG(kmod_config_iter_next),
		DLSYM_ARG(kmod_config_iter_get_key),
		DLSYM_ARG(kmod_config_iter_get_value),
		DLSYM_ARG(kmod_config_iter_free_iter),
		{},
	};
	return vk_dlopen(&handle, LIBKMOD_SONAME, syms);
}

struct vk_kmod *vk_kmod_free(struct vk_kmod *k)
{
	if (!k)
		return NULL;
	if (k->ctx)
		sym_kmod_unref(k->ctx);
	if (k->cmdline_ctx)
		sym_kmod_unref(k->cmdline_ctx);
	free(k);
	return NULL;
}

int vk_kmod_open(const struct vk_host *h, struct vk_kmod **ret)
{
	static const char *const confdirs[] = { "/etc/modprobe.d", "/run/modprobe.d", "/usr/local/lib/modprobe.d",
						"/usr/lib/modprobe.d", "/lib/modprobe.d" };
	const char *root = vk_root_is_host(h->root) ? "" : vk_root_path(h->root);
	_cleanup_free_ char *dir = NULL;
	char *paths[ELEMENTSOF(confdirs) + 1] = {0};
	const char *none[] = { "/nonexistent/vfiokit", NULL };
	struct vk_kmod *k;
	int r;

	if (!h->kernel_release)
		return -ENOENT;
	r = load();
	if (r < 0)
		return r;
	if (vk_root_exists(h->root, "/lib/modules/%s", h->kernel_release) < 0)
		return -ENOENT;
	dir = xasprintf("%s/lib/modules/%s", root, h->kernel_release);
	if (!dir)
		return -ENOMEM;
	for (size_t i = 0; i < ELEMENTSOF(confdirs); i++)
		if (!(paths[i] = xasprintf("%s%s", root, confdirs[i])))
			r = -ENOMEM;
	k = calloc(1, sizeof(*k));
	if (r < 0 || !k) {
		for (size_t i = 0; i < ELEMENTSOF(confdirs); i++)
			free(paths[i]);
		free(k);
		return -ENOMEM;
	}
	k->ctx = sym_kmod_new(dir, (const char *const *)paths);
	k->cmdline_ctx = sym_kmod_new(dir, none);
	for (size_t i = 0; i < ELEMENTSOF(confdirs); i++)
		free(paths[i]);
	if (!k->ctx || !k->cmdline_ctx) {
		vk_kmod_free(k);
		return -ENOMEM;
	}
	sym_kmod_set_log_fn(k->ctx, quiet_log, NULL);
	sym_kmod_set_log_fn(k->cmdline_ctx, quiet_log, NULL);
	*ret = k;
	return 0;
}

int vk_kmod_module_kind(struct vk_kmod *k, const char *name, enum vk_module_kind *ret)
{
	struct kmod_list *list = NULL, *l;
	int r;

	*ret = VK_MODULE_ABSENT;
	r = sym_kmod_module_new_from_lookup(k->ctx, name, &list);
	if (r < 0)
		return r;
	/* A lookup finds loadable modules (modules.dep) and built-in ones (modules.builtin);
	 * only a loadable one has a path. get_initstate() is not used: it reads the live
	 * /sys/module, which is not this root's. */
	for (l = list; l; l = sym_kmod_list_next(list, l)) {
		struct kmod_module *m = sym_kmod_module_get_module(l);

		if (vk_cmdline_name_eq(sym_kmod_module_get_name(m), name))
			*ret = sym_kmod_module_get_path(m) ? VK_MODULE_LOADABLE : VK_MODULE_BUILTIN;
		sym_kmod_module_unref(m);
	}
	sym_kmod_module_unref_list(list);
	return 0;
}

int vk_kmod_modalias_modules(struct vk_kmod *k, const char *modalias, char ***ret)
{
	_cleanup_strv_free_ char **names = calloc(1, sizeof(char *));
	struct kmod_list *list = NULL, *l;
	int r;

	if (!names)
		return -ENOMEM;
	r = sym_kmod_module_new_from_lookup(k->ctx, modalias, &list);
	if (r < 0)
		return r;
	for (l = list; l; l = sym_kmod_list_next(list, l)) {
		struct kmod_module *m = sym_kmod_module_get_module(l);
		const char *n = sym_kmod_module_get_name(m);

		if (!strv_contains(names, n) && strv_extend(&names, n) < 0)
			r = -ENOMEM;
		sym_kmod_module_unref(m);
	}
	sym_kmod_module_unref_list(list);
	if (r < 0)
		return r;
	strv_sort(names);
	*ret = TAKE_PTR(names);
	return 0;
}

static int collect_options(struct kmod_ctx *ctx, const char *module, char ***out)
{
	struct kmod_config_iter *it = sym_kmod_config_get_options(ctx);

	if (!it)
		return 0;
	while (sym_kmod_config_iter_next(it)) {
		const char *key = sym_kmod_config_iter_get_key(it), *val = sym_kmod_config_iter_get_value(it);

		if (key && vk_cmdline_name_eq(key, module) && strv_extend(out, val ? val : "") < 0) {
			sym_kmod_config_iter_free_iter(it);
			return -ENOMEM;
		}
	}
	sym_kmod_config_iter_free_iter(it);
	return 0;
}

int vk_kmod_config_options(struct vk_kmod *k, const char *module, char ***ret)
{
	_cleanup_strv_free_ char **all = calloc(1, sizeof(char *)), **from_cmdline = calloc(1, sizeof(char *));
	_cleanup_strv_free_ char **out = calloc(1, sizeof(char *));
	int r;

	if (!all || !from_cmdline || !out)
		return -ENOMEM;
	/* libkmod appends the running kernel's "module.param=" words to the options it read
	 * from modprobe.d. A context with no configuration yields exactly those; take them
	 * out, so a root that is not this host is not mixed with this host's command line. */
	r = collect_options(k->ctx, module, &all);
	if (r >= 0)
		r = collect_options(k->cmdline_ctx, module, &from_cmdline);
	if (r < 0)
		return r;
	{
		size_t nc = strv_length(from_cmdline);
		_cleanup_free_ bool *used = calloc(nc + 1, sizeof(bool));

		if (!used)
			return -ENOMEM;
		for (char **a = all; *a; a++) {
			bool skip = false;

			/* each command-line entry cancels one copy */
			for (size_t c = 0; c < nc && !skip; c++)
				if (!used[c] && streq(*a, from_cmdline[c]))
					skip = used[c] = true;
			if (!skip && strv_extend(&out, *a) < 0)
				return -ENOMEM;
		}
	}
	*ret = TAKE_PTR(out);
	return 0;
}
