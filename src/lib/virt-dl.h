/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libvirt, loaded on first use (dlopen.h says why): the symbols vfiokit calls. Add to this
 * table rather than opening libvirt a second time elsewhere.
 */
#pragma once

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "dlopen.h"

DLSYM_PROTOTYPE(virConnectOpenReadOnly);
DLSYM_PROTOTYPE(virConnectClose);
DLSYM_PROTOTYPE(virConnectListAllDomains);
DLSYM_PROTOTYPE(virDomainGetName);
DLSYM_PROTOTYPE(virDomainGetXMLDesc);
DLSYM_PROTOTYPE(virDomainIsActive);
DLSYM_PROTOTYPE(virDomainFree);
DLSYM_PROTOTYPE(virGetLastErrorMessage);
DLSYM_PROTOTYPE(virSetErrorFunc);

/* Returns 0, or -EOPNOTSUPP when libvirt is missing (vk_dlerror() says why). Also turns
 * off libvirt's default error printing: the library never prints. */
int vk_virt_load(void);
