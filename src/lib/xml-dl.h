/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libxml2, loaded on first use (dlopen.h says why). Only the modules that build or edit
 * documents (domain XML) call vk_xml_load(); the symbols below are NULL until then.
 * Node fields (type, name, children, next, parent, content) are read directly: they are
 * part of libxml2's stable ABI and need no symbol.
 */
#pragma once

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlsave.h>

#include "dlopen.h"

DLSYM_PROTOTYPE(xmlReadMemory);
DLSYM_PROTOTYPE(xmlFreeDoc);
DLSYM_PROTOTYPE(xmlNewDoc);
DLSYM_PROTOTYPE(xmlNewNode);
DLSYM_PROTOTYPE(xmlNewDocNode);
DLSYM_PROTOTYPE(xmlNewText);
DLSYM_PROTOTYPE(xmlNewTextChild);
DLSYM_PROTOTYPE(xmlNewProp);
DLSYM_PROTOTYPE(xmlSetProp);
DLSYM_PROTOTYPE(xmlHasProp);
DLSYM_PROTOTYPE(xmlUnsetProp);
DLSYM_PROTOTYPE(xmlDocGetRootElement);
DLSYM_PROTOTYPE(xmlDocSetRootElement);
DLSYM_PROTOTYPE(xmlAddChild);
DLSYM_PROTOTYPE(xmlAddNextSibling);
DLSYM_PROTOTYPE(xmlAddPrevSibling);
DLSYM_PROTOTYPE(xmlUnlinkNode);
DLSYM_PROTOTYPE(xmlFreeNode);
DLSYM_PROTOTYPE(xmlNodeSetContent);
DLSYM_PROTOTYPE(xmlBufferCreate);
DLSYM_PROTOTYPE(xmlBufferFree);
DLSYM_PROTOTYPE(xmlBufferContent);
DLSYM_PROTOTYPE(xmlBufferLength);
DLSYM_PROTOTYPE(xmlSaveToBuffer);
DLSYM_PROTOTYPE(xmlSaveDoc);
DLSYM_PROTOTYPE(xmlSaveClose);
DLSYM_PROTOTYPE(xmlGetLastError);
DLSYM_PROTOTYPE(xmlResetLastError);
DLSYM_PROTOTYPE(xmlSetGenericErrorFunc);
DLSYM_PROTOTYPE(xmlSetStructuredErrorFunc);

/* Loads libxml2 and resolves the symbols above. 0, or -EOPNOTSUPP (vk_dlerror() says why).
 * Also silences libxml2's default error printing: the library never prints. */
int vk_xml_load(void);

/*
 * An attribute's value without allocating (so without xmlFree, which libxml2 may export
 * as a variable or a macro): the text of the attribute's single text child, or NULL.
 */
const char *vk_xml_attr(const xmlNode *node, const char *name);
/* The first element child of @node named @name, or NULL. */
xmlNode *vk_xml_child(const xmlNode *node, const char *name);
