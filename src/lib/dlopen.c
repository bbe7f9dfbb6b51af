/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Optional libraries loaded at run time; see dlopen.h for why. */
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>

#include "dlopen.h"

static char last_error[512];

const char *vk_dlerror(void)
{
	return last_error;
}

int vk_dlopen(void **handle, const char *soname, const struct vk_dlsym *syms)
{
	void *h;

	if (*handle)
		return 0;
	h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		snprintf(last_error, sizeof(last_error), "%s is not installed or cannot be loaded (%s)", soname, dlerror());
		return -EOPNOTSUPP;
	}
	for (const struct vk_dlsym *s = syms; s->name; s++) {
		*s->ptr = dlsym(h, s->name);
		if (!*s->ptr) {
			snprintf(last_error, sizeof(last_error), "%s lacks the symbol %s (too old?)", soname, s->name);
			for (const struct vk_dlsym *t = syms; t != s; t++)
				*t->ptr = NULL;
			dlclose(h);
			return -EOPNOTSUPP;
		}
	}
	*handle = h;
	return 0;
}
