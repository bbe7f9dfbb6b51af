/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libxml2 loaded with dlopen(): the symbols vfiokit uses (xml-dl.h). */
#include <stddef.h>
#include <string.h>

#include "xml-dl.h"

DLSYM_DEFINE(xmlReadMemory);
DLSYM_DEFINE(xmlFreeDoc);
DLSYM_DEFINE(xmlDocGetRootElement);

static void *xml_handle;

int vk_xml_load(void)
{
	static const struct vk_dlsym syms[] = {
		DLSYM_ARG(xmlReadMemory),
		DLSYM_ARG(xmlFreeDoc),
		DLSYM_ARG(xmlDocGetRootElement),
		{},
	};

	return vk_dlopen(&xml_handle, LIBXML2_SONAME, syms);
}

const char *vk_xml_attr(const xmlNode *node, const char *name)
{
	for (const xmlAttr *a = node->properties; a; a = a->next)
		if (a->name && strcmp((const char *)a->name, name) == 0) {
			if (a->children && a->children->type == XML_TEXT_NODE && !a->children->next)
				return (const char *)a->children->content;
			return NULL;
		}
	return NULL;
}

xmlNode *vk_xml_child(const xmlNode *node, const char *name)
{
	for (xmlNode *c = node->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && c->name && strcmp((const char *)c->name, name) == 0)
			return c;
	return NULL;
}
