/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The kernel command line: tokens split on whitespace, with double quotes grouping
 * ("param=\"a b\""), as the kernel's next_arg() does. '-' and '_' in parameter names are
 * equivalent (kernel/params.c parameq), so lookups normalise them.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* Splits @s into tokens; quotes are kept in the tokens. Everything after a bare "--"
 * belongs to init, not the kernel, and is dropped. */
int vk_cmdline_split(const char *s, char ***ret);
/* Compares parameter names the way the kernel does ('-' == '_'). */
bool vk_cmdline_name_eq(const char *a, const char *b);
/* The name part of a token ("intel_iommu" of "intel_iommu=on"), copied to @buf. */
const char *vk_cmdline_token_name(const char *tok, char *buf, size_t size);
/* The value of a token, unquoted, or NULL if it has no '='. Points into @tok or @buf. */
const char *vk_cmdline_token_value(const char *tok, char *buf, size_t size);
/* The value of the last occurrence of @name (the kernel applies parameters in order),
 * copied into a new string; NULL if absent. @found tells a bare flag ("quiet") apart. */
char *vk_cmdline_get(char *const *tokens, const char *name, bool *found);
/* All values of @name in order (e.g. several "vfio-pci.ids="). */
int vk_cmdline_get_all(char *const *tokens, const char *name, char ***ret);
