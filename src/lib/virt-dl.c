/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libvirt loaded with dlopen(): the symbols vfiokit uses (virt-dl.h). */
#include <stdbool.h>
#include <stddef.h>

#include "virt-dl.h"

DLSYM_DEFINE(virConnectOpenReadOnly);
DLSYM_DEFINE(virConnectClose);
DLSYM_DEFINE(virConnectListAllDomains);
DLSYM_DEFINE(virDomainGetName);
DLSYM_DEFINE(virDomainGetXMLDesc);
DLSYM_DEFINE(virDomainIsActive);
DLSYM_DEFINE(virDomainFree);
DLSYM_DEFINE(virGetLastErrorMessage);
DLSYM_DEFINE(virSetErrorFunc);

static void *virt_handle;

/* libvirt prints every error on stderr unless a handler is set; we read them with
 * virGetLastErrorMessage() instead. */
static void quiet(void *userdata, virErrorPtr error)
{
}

int vk_virt_load(void)
{
	static const struct vk_dlsym syms[] = {
		DLSYM_ARG(virConnectOpenReadOnly),
		DLSYM_ARG(virConnectClose),
		DLSYM_ARG(virConnectListAllDomains),
		DLSYM_ARG(virDomainGetName),
		DLSYM_ARG(virDomainGetXMLDesc),
		DLSYM_ARG(virDomainIsActive),
		DLSYM_ARG(virDomainFree),
		DLSYM_ARG(virGetLastErrorMessage),
		DLSYM_ARG(virSetErrorFunc),
		{},
	};
	bool first = !virt_handle;
	int r = vk_dlopen(&virt_handle, LIBVIRT_SONAME, syms);

	if (r == 0 && first)
		sym_virSetErrorFunc(NULL, quiet);
	return r;
}
