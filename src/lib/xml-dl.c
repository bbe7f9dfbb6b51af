/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The libxml2 symbols vfiokit uses; see xml-dl.h. */
#include <errno.h>

#include "macro.h"
#include <string.h>

#include "xml-dl.h"

DLSYM_DEFINE(xmlReadMemory);
DLSYM_DEFINE(xmlFreeDoc);
DLSYM_DEFINE(xmlNewDoc);
DLSYM_DEFINE(xmlNewNode);
DLSYM_DEFINE(xmlNewDocNode);
DLSYM_DEFINE(xmlNewText);
DLSYM_DEFINE(xmlNewTextChild);
DLSYM_DEFINE(xmlNewProp);
DLSYM_DEFINE(xmlSetProp);
DLSYM_DEFINE(xmlHasProp);
DLSYM_DEFINE(xmlUnsetProp);
DLSYM_DEFINE(xmlDocGetRootElement);
DLSYM_DEFINE(xmlDocSetRootElement);
DLSYM_DEFINE(xmlAddChild);
DLSYM_DEFINE(xmlAddNextSibling);
DLSYM_DEFINE(xmlAddPrevSibling);
DLSYM_DEFINE(xmlUnlinkNode);
DLSYM_DEFINE(xmlFreeNode);
DLSYM_DEFINE(xmlNodeSetContent);
DLSYM_DEFINE(xmlBufferCreate);
DLSYM_DEFINE(xmlBufferFree);
DLSYM_DEFINE(xmlBufferContent);
DLSYM_DEFINE(xmlBufferLength);
DLSYM_DEFINE(xmlSaveToBuffer);
DLSYM_DEFINE(xmlSaveDoc);
DLSYM_DEFINE(xmlSaveClose);
DLSYM_DEFINE(xmlGetLastError);
DLSYM_DEFINE(xmlResetLastError);
DLSYM_DEFINE(xmlSetGenericErrorFunc);
DLSYM_DEFINE(xmlSetStructuredErrorFunc);

static void *xml_handle;

static void quiet_generic(void *ctx, const char *msg, ...)
{
}

static void quiet_structured(void *ctx, xmlErrorPtr error)
{
	/* Kept by libxml2 for xmlGetLastError(); the caller turns it into a message. */
}

int vk_xml_load(void)
{
	static const struct vk_dlsym syms[] = {
		DLSYM_ARG(xmlReadMemory),
		DLSYM_ARG(xmlFreeDoc),
		DLSYM_ARG(xmlNewDoc),
		DLSYM_ARG(xmlNewNode),
		DLSYM_ARG(xmlNewDocNode),
		DLSYM_ARG(xmlNewText),
		DLSYM_ARG(xmlNewTextChild),
		DLSYM_ARG(xmlNewProp),
		DLSYM_ARG(xmlSetProp),
		DLSYM_ARG(xmlHasProp),
		DLSYM_ARG(xmlUnsetProp),
		DLSYM_ARG(xmlDocGetRootElement),
		DLSYM_ARG(xmlDocSetRootElement),
		DLSYM_ARG(xmlAddChild),
		DLSYM_ARG(xmlAddNextSibling),
		DLSYM_ARG(xmlAddPrevSibling),
		DLSYM_ARG(xmlUnlinkNode),
		DLSYM_ARG(xmlFreeNode),
		DLSYM_ARG(xmlNodeSetContent),
		DLSYM_ARG(xmlBufferCreate),
		DLSYM_ARG(xmlBufferFree),
		DLSYM_ARG(xmlBufferContent),
		DLSYM_ARG(xmlBufferLength),
		DLSYM_ARG(xmlSaveToBuffer),
		DLSYM_ARG(xmlSaveDoc),
		DLSYM_ARG(xmlSaveClose),
		DLSYM_ARG(xmlGetLastError),
		DLSYM_ARG(xmlResetLastError),
		DLSYM_ARG(xmlSetGenericErrorFunc),
		DLSYM_ARG(xmlSetStructuredErrorFunc),
		{},
	};
	bool first = !xml_handle;
	int r;

	r = vk_dlopen(&xml_handle, LIBXML2_SONAME, syms);
	if (r < 0)
		return r;
	if (first) {
		/* libxml2 prints parse errors on stderr by default; vfiokit reports them itself. */
		sym_xmlSetGenericErrorFunc(NULL, quiet_generic);
		sym_xmlSetStructuredErrorFunc(NULL, quiet_structured);
	}
	return 0;
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
