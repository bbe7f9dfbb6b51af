/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Talking to libvirt through its C API (loaded with dlopen, see virt-dl.h): open a
 * connection, look a domain up, read its persistent XML, define a new one. Errors are
 * negative errnos; vk_virt_error() holds libvirt's own message for the caller to print.
 */
#pragma once

#include <stdbool.h>

struct vk_virt;

/* Opens @uri ("qemu:///system", "qemu:///embed?root=DIR", ...). -EOPNOTSUPP when libvirt
 * cannot be loaded (vk_dlerror()), -EIO when the connection fails (vk_virt_error()). */
int vk_virt_open(const char *uri, struct vk_virt **ret);
void vk_virt_close(struct vk_virt *v);
static inline void vk_virt_closep(struct vk_virt **v)
{
	if (*v)
		vk_virt_close(*v);
}

/* The last libvirt error message ("" if none). */
const char *vk_virt_error(void);

/* The version of libvirt behind the connection (major * 1000000 + minor * 1000 + micro). */
int vk_virt_version(struct vk_virt *v, unsigned long *ret);
/* The version of the libvirt library this process can load, without connecting. */
int vk_virt_library_version(unsigned long *ret);

/* 1 if a domain called @name is defined, 0 if not, or a negative errno. */
int vk_virt_domain_exists(struct vk_virt *v, const char *name);
/* The persistent (inactive) XML of @name, with secure fields (so a redefinition keeps
 * passwords). -ENOENT when there is no such domain. *active says whether it runs. */
int vk_virt_domain_xml(struct vk_virt *v, const char *name, char **ret, bool *active);
/* Defines @xml, validated against libvirt's schema (VIR_DOMAIN_DEFINE_VALIDATE). */
int vk_virt_define(struct vk_virt *v, const char *xml);

/* "9.0.0" from 9000000. */
void vk_virt_version_format(unsigned long v, char buf[32]);
/* Parses "9.0.0" / "5.2" into the libvirt encoding; -EINVAL if it is not a version. */
int vk_virt_version_parse(const char *s, unsigned long *ret);
