/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libvirt, loaded on first use (dlopen.h says why): one table for every module that talks
 * to libvirt (virt.c, virt-disk.c). Add to it rather than opening libvirt a second time. */
#pragma once

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "dlopen.h"

DLSYM_PROTOTYPE(virGetVersion);
DLSYM_PROTOTYPE(virInitialize);
DLSYM_PROTOTYPE(virEventRegisterDefaultImpl);
DLSYM_PROTOTYPE(virSetErrorFunc);
DLSYM_PROTOTYPE(virGetLastError);
DLSYM_PROTOTYPE(virGetLastErrorMessage);
DLSYM_PROTOTYPE(virResetLastError);
DLSYM_PROTOTYPE(virConnectOpen);
DLSYM_PROTOTYPE(virConnectOpenReadOnly);
DLSYM_PROTOTYPE(virConnectListAllDomains);
DLSYM_PROTOTYPE(virConnectClose);
DLSYM_PROTOTYPE(virConnectGetLibVersion);
DLSYM_PROTOTYPE(virConnectGetURI);
DLSYM_PROTOTYPE(virDomainLookupByName);
DLSYM_PROTOTYPE(virDomainGetName);
DLSYM_PROTOTYPE(virDomainGetXMLDesc);
DLSYM_PROTOTYPE(virDomainDefineXMLFlags);
DLSYM_PROTOTYPE(virDomainIsActive);
DLSYM_PROTOTYPE(virDomainFree);

/* Loads libvirt and resolves the symbols above. 0, or -EOPNOTSUPP (vk_dlerror() says why).
 * Also replaces libvirt's default error printer: the library never prints. */
int vk_virt_load(void);
