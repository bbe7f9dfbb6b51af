/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* PCI addresses as users type them: "01:00.0" (as lspci prints) or "0000:01:00.0". */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct vk_pci_addr {
	uint32_t domain;
	uint8_t bus, slot, function;
};

#define VK_BDF_MAX 24 /* "ffffffff:ff:1f.7" plus slack */

/* Parses a full or short address. Returns 0 or -EINVAL. Case-insensitive, surrounding
 * whitespace allowed; a "pci_0000_01_00_0" libvirt nodedev name is accepted too. */
int vk_pci_addr_parse(const char *s, struct vk_pci_addr *ret);
/* "0000:01:00.0" */
void vk_pci_addr_format(const struct vk_pci_addr *a, char buf[VK_BDF_MAX]);
/* "01:00.0" when the domain is 0, else the full form (what lspci prints). */
void vk_pci_addr_format_short(const struct vk_pci_addr *a, char buf[VK_BDF_MAX]);
int vk_pci_addr_compare(const struct vk_pci_addr *a, const struct vk_pci_addr *b);
bool vk_pci_addr_same_slot(const struct vk_pci_addr *a, const struct vk_pci_addr *b);
/* Normalises whatever the user typed to the full form; -EINVAL if it is not an address. */
int vk_pci_addr_normalize(const char *s, char buf[VK_BDF_MAX]);
