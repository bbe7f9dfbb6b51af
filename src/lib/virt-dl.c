/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The libvirt symbols vfiokit uses; see virt-dl.h. */
#include <errno.h>

#include "macro.h"
#include "virt-dl.h"

DLSYM_DEFINE(virGetVersion);
DLSYM_DEFINE(virInitialize);
DLSYM_DEFINE(virEventRegisterDefaultImpl);
DLSYM_DEFINE(virSetErrorFunc);
DLSYM_DEFINE(virGetLastError);
DLSYM_DEFINE(virGetLastErrorMessage);
DLSYM_DEFINE(virResetLastError);
DLSYM_DEFINE(virConnectOpen);
DLSYM_DEFINE(virConnectOpenReadOnly);
DLSYM_DEFINE(virConnectListAllDomains);
DLSYM_DEFINE(virConnectClose);
DLSYM_DEFINE(virConnectGetLibVersion);
DLSYM_DEFINE(virConnectGetURI);
DLSYM_DEFINE(virDomainLookupByName);
DLSYM_DEFINE(virDomainGetName);
DLSYM_DEFINE(virDomainGetXMLDesc);
DLSYM_DEFINE(virDomainDefineXMLFlags);
DLSYM_DEFINE(virDomainIsActive);
DLSYM_DEFINE(virDomainFree);

static void *virt_handle;

static void quiet(void *userdata, virErrorPtr err)
{
	/* libvirt keeps the error for virGetLastErrorMessage(); the caller reports it. */
}

int vk_virt_load(void)
{
	static const struct vk_dlsym syms[] = {
		DLSYM_ARG(virGetVersion),
		DLSYM_ARG(virInitialize),
		DLSYM_ARG(virEventRegisterDefaultImpl),
		DLSYM_ARG(virSetErrorFunc),
		DLSYM_ARG(virGetLastError),
		DLSYM_ARG(virGetLastErrorMessage),
		DLSYM_ARG(virResetLastError),
		DLSYM_ARG(virConnectOpen),
		DLSYM_ARG(virConnectOpenReadOnly),
		DLSYM_ARG(virConnectListAllDomains),
		DLSYM_ARG(virConnectClose),
		DLSYM_ARG(virConnectGetLibVersion),
		DLSYM_ARG(virConnectGetURI),
		DLSYM_ARG(virDomainLookupByName),
		DLSYM_ARG(virDomainGetName),
		DLSYM_ARG(virDomainGetXMLDesc),
		DLSYM_ARG(virDomainDefineXMLFlags),
		DLSYM_ARG(virDomainIsActive),
		DLSYM_ARG(virDomainFree),
		{},
	};
	bool first = !virt_handle;
	int r;

	r = vk_dlopen(&virt_handle, LIBVIRT_SONAME, syms);
	if (r < 0)
		return r;
	if (first) {
		if (sym_virInitialize() < 0)
			return -EIO;
		sym_virSetErrorFunc(NULL, quiet);
	}
	return 0;
}
