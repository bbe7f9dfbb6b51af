/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Which libvirt domains use a disk (virt-disk.h). */
#include <stdarg.h>

#include "util.h"
#include "virt-disk.h"
#include "virt-dl.h"
#include "xml-dl.h"

void vk_virt_users_clear(struct vk_virt_users *u)
{
	for (size_t i = 0; i < u->n; i++) {
		free(u->items[i].domain);
		free(u->items[i].source);
		free(u->items[i].target);
	}
	free(u->items);
	u->items = NULL;
	u->n = 0;
}

static int set_why(char **why, const char *fmt, ...) _printf_(2, 3);
static int set_why(char **why, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(why, fmt, ap);
	va_end(ap);
	if (n < 0)
		*why = NULL;
	return n < 0 ? -ENOMEM : 0;
}

/* Does a domain's disk source name @dev, a partition of it, or the disk it is on? */
static bool source_matches(struct vk_root *root, const char *source, const struct vk_blockdev *dev)
{
	_cleanup_blockdev_ struct vk_blockdev *s = NULL;

	if (vk_blockdev_resolve(root, source, &s) < 0)
		return false; /* a source that does not exist here is not this device */
	if (vk_blockdev_same(s, dev))
		return true;
	if (s->kname && dev->kname) {
		/* The domain uses a partition of DEV, or something stacked on DEV ... */
		if (vk_blockdev_under(root, s->kname, dev))
			return true;
		/* ... or the whole disk DEV is a partition of. */
		if (dev->parent && streq(dev->parent, s->kname))
			return true;
	}
	return false;
}

static int add_user(struct vk_virt_users *u, const char *domain, bool running, const char *source, const char *target)
{
	struct vk_virt_user *n = realloc(u->items, (u->n + 1) * sizeof(*n));

	if (!n)
		return -ENOMEM;
	u->items = n;
	n = &u->items[u->n];
	*n = (struct vk_virt_user){ .running = running };
	n->domain = strdup(domain);
	n->source = strdup(source);
	n->target = target ? strdup(target) : NULL;
	u->n++;
	if (!n->domain || !n->source || (target && !n->target))
		return -ENOMEM;
	return 0;
}

/* Walks <domain><devices><disk><source dev|file>; the XML comes from libvirt itself. */
static int scan_domain(struct vk_root *root, const char *xml, const char *name, bool running,
		       const struct vk_blockdev *dev, struct vk_virt_users *ret)
{
	xmlDoc *doc;
	xmlNode *top, *devices;
	int r = 0;

	doc = sym_xmlReadMemory(xml, (int)strlen(xml), "domain.xml", NULL,
				XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc)
		return 0; /* libvirt gave XML it cannot parse: nothing to match */
	top = sym_xmlDocGetRootElement(doc);
	devices = top ? vk_xml_child(top, "devices") : NULL;
	for (xmlNode *d = devices ? devices->children : NULL; d && r >= 0; d = d->next) {
		xmlNode *src, *tgt;
		const char *path;

		if (d->type != XML_ELEMENT_NODE || strcmp((const char *)d->name, "disk") != 0)
			continue;
		src = vk_xml_child(d, "source");
		if (!src)
			continue;
		path = vk_xml_attr(src, "dev");
		if (!path)
			path = vk_xml_attr(src, "file");
		if (!path || path[0] != '/')
			continue;
		if (!source_matches(root, path, dev))
			continue;
		tgt = vk_xml_child(d, "target");
		r = add_user(ret, name, running, path, tgt ? vk_xml_attr(tgt, "dev") : NULL);
	}
	sym_xmlFreeDoc(doc);
	return r;
}

int vk_virt_disk_users(struct vk_root *root, const char *uri, const struct vk_blockdev *dev,
		       struct vk_virt_users *ret, char **why)
{
	virConnectPtr conn;
	virDomainPtr *doms = NULL;
	int n, r = 0;

	*why = NULL;
	*ret = (struct vk_virt_users){};
	if (vk_virt_load() < 0 || vk_xml_load() < 0) {
		r = set_why(why, _("libvirt cannot be used: %s"), vk_dlerror());
		return r < 0 ? r : -EOPNOTSUPP;
	}
	/* Read-only: listing domains and reading their XML needs nothing more, and works for
	 * users that polkit would not let manage domains. */
	conn = sym_virConnectOpenReadOnly(uri);
	if (!conn) {
		_cleanup_free_ char *what = xasprintf("%s (%s)", uri, strempty(sym_virGetLastErrorMessage()));

		r = set_why(why, _("cannot connect to libvirt at %s"), what ? what : uri);
		return r < 0 ? r : -ECONNREFUSED;
	}
	n = sym_virConnectListAllDomains(conn, &doms, 0);
	if (n < 0) {
		r = set_why(why, _("libvirt cannot list the domains: %s"), strempty(sym_virGetLastErrorMessage()));
		sym_virConnectClose(conn);
		return r < 0 ? r : -EIO;
	}
	for (int i = 0; i < n; i++) {
		const char *name = sym_virDomainGetName(doms[i]);
		char *xml = r >= 0 && name ? sym_virDomainGetXMLDesc(doms[i], 0) : NULL;

		if (xml) {
			r = scan_domain(root, xml, name, sym_virDomainIsActive(doms[i]) == 1, dev, ret);
			free(xml); /* libvirt's strings are malloc()ed */
		}
		sym_virDomainFree(doms[i]);
	}
	free(doms);
	sym_virConnectClose(conn);
	if (r < 0)
		vk_virt_users_clear(ret);
	return r;
}
