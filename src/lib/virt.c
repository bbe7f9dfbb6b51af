/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Connection helpers over libvirt's C API; see virt.h. */
#include <stdio.h>

#include "util.h"
#include "virt-dl.h"
#include "virt.h"

struct vk_virt {
	virConnectPtr conn;
};

static char last_error[1024];

const char *vk_virt_error(void)
{
	return last_error;
}

/* Keeps libvirt's message: the next libvirt call may reset it. */
static int fail(int r)
{
	const char *m = sym_virGetLastErrorMessage ? sym_virGetLastErrorMessage() : NULL;

	snprintf(last_error, sizeof(last_error), "%s", m ? m : "unknown libvirt error");
	return r;
}

int vk_virt_open(const char *uri, struct vk_virt **ret)
{
	static bool event_loop;
	struct vk_virt *v;
	int r;

	last_error[0] = '\0';
	r = vk_virt_load();
	if (r < 0)
		return r;
	/* The embedded QEMU driver (qemu:///embed) runs inside this process and needs an
	 * event loop registered before the connection opens (libvirt's embedded driver docs). */
	if (!event_loop) {
		if (sym_virEventRegisterDefaultImpl() < 0)
			return fail(-EIO);
		event_loop = true;
	}
	v = calloc(1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	v->conn = sym_virConnectOpen(uri);
	if (!v->conn) {
		free(v);
		return fail(-EIO);
	}
	*ret = v;
	return 0;
}

void vk_virt_close(struct vk_virt *v)
{
	if (!v)
		return;
	if (v->conn)
		sym_virConnectClose(v->conn);
	free(v);
}

int vk_virt_version(struct vk_virt *v, unsigned long *ret)
{
	if (sym_virConnectGetLibVersion(v->conn, ret) < 0)
		return fail(-EIO);
	return 0;
}

int vk_virt_library_version(unsigned long *ret)
{
	int r = vk_virt_load();

	if (r < 0)
		return r;
	if (sym_virGetVersion(ret, NULL, NULL) < 0)
		return fail(-EIO);
	return 0;
}

static virDomainPtr lookup(struct vk_virt *v, const char *name, int *r)
{
	virDomainPtr d;
	virErrorPtr e;

	sym_virResetLastError();
	d = sym_virDomainLookupByName(v->conn, name);
	if (d) {
		*r = 0;
		return d;
	}
	e = sym_virGetLastError();
	*r = e && e->code == VIR_ERR_NO_DOMAIN ? -ENOENT : fail(-EIO);
	return NULL;
}

int vk_virt_domain_exists(struct vk_virt *v, const char *name)
{
	virDomainPtr d;
	int r;

	d = lookup(v, name, &r);
	if (!d)
		return r == -ENOENT ? 0 : r;
	sym_virDomainFree(d);
	return 1;
}

int vk_virt_domain_xml(struct vk_virt *v, const char *name, char **ret, bool *active)
{
	virDomainPtr d;
	char *xml;
	int r;

	d = lookup(v, name, &r);
	if (!d)
		return r;
	xml = sym_virDomainGetXMLDesc(d, VIR_DOMAIN_XML_INACTIVE | VIR_DOMAIN_XML_SECURE);
	if (!xml) {
		fail(0);
		sym_virDomainFree(d);
		return -EIO;
	}
	if (active)
		*active = sym_virDomainIsActive(d) == 1;
	sym_virDomainFree(d);
	*ret = xml;
	return 0;
}

int vk_virt_define(struct vk_virt *v, const char *xml)
{
	virDomainPtr d;

	d = sym_virDomainDefineXMLFlags(v->conn, xml, VIR_DOMAIN_DEFINE_VALIDATE);
	if (!d)
		return fail(-EIO);
	sym_virDomainFree(d);
	return 0;
}

void vk_virt_version_format(unsigned long v, char buf[32])
{
	snprintf(buf, 32, "%lu.%lu.%lu", v / 1000000, (v / 1000) % 1000, v % 1000);
}

int vk_virt_version_parse(const char *s, unsigned long *ret)
{
	_cleanup_strv_free_ char **parts = NULL;
	unsigned long v = 0;
	size_t n;

	if (isempty(s) || s[strlen(s) - 1] == '.' || s[0] == '.' || strstr(s, ".."))
		return -EINVAL;
	if (strv_split(s, ".", &parts) < 0)
		return -ENOMEM;
	n = strv_length(parts);
	if (n < 1 || n > 3)
		return -EINVAL;
	for (size_t i = 0; i < 3; i++) {
		uint32_t x = 0;

		if (i < n && (safe_atou32(parts[i], 10, &x) < 0 || x > 999))
			return -EINVAL;
		v = v * 1000 + x;
	}
	*ret = v;
	return 0;
}
