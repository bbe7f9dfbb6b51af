/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libxml2, loaded on first use (dlopen.h says why). One table for every module that
 * parses XML (libvirt domain descriptions): add the symbols you need here, call
 * vk_xml_load() once, then sym_<function>().
 */
#pragma once

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "dlopen.h"

DLSYM_PROTOTYPE(xmlReadMemory);
DLSYM_PROTOTYPE(xmlFreeDoc);
DLSYM_PROTOTYPE(xmlDocGetRootElement);

/* Returns 0, or -EOPNOTSUPP when libxml2 is missing (vk_dlerror() says why). */
int vk_xml_load(void);

/*
 * An attribute's value without allocating (so without xmlFree, which libxml2 may export
 * as a variable or a macro): the text of the attribute's single text child, or NULL.
 */
const char *vk_xml_attr(const xmlNode *node, const char *name);
/* The first element child of @node named @name, or NULL. */
xmlNode *vk_xml_child(const xmlNode *node, const char *name);
