/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* PCI addresses as users type them: "01:00.0" (as lspci prints) or "0000:01:00.0". */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "macro.h"
#include "pciaddr.h"

static int hexfield(const char **p, unsigned maxdigits, uint32_t *ret)
{
	uint32_t v = 0;
	unsigned n = 0;

	while (isxdigit((unsigned char)**p)) {
		if (++n > maxdigits)
			return -EINVAL;
		v = v * 16 + (uint32_t)(isdigit((unsigned char)**p) ? **p - '0' : (tolower((unsigned char)**p) - 'a' + 10));
		(*p)++;
	}
	if (n == 0)
		return -EINVAL;
	*ret = v;
	return 0;
}

int vk_pci_addr_parse(const char *s, struct vk_pci_addr *ret)
{
	uint32_t f1, f2, f3, f4 = 0;
	const char *p = s;
	bool full = false;
	char sep = ':';

	if (!s)
		return -EINVAL;
	while (isspace((unsigned char)*p))
		p++;
	/* libvirt nodedev names: pci_0000_01_00_0 */
	if (strneq(p, "pci_", 4)) {
		p += 4;
		sep = '_';
	}
	if (hexfield(&p, 8, &f1) < 0 || *p != sep)
		return -EINVAL;
	p++;
	if (hexfield(&p, 2, &f2) < 0)
		return -EINVAL;
	if (*p == sep) {
		/* domain:bus:slot.fn */
		p++;
		full = true;
		if (hexfield(&p, 2, &f3) < 0)
			return -EINVAL;
	}
	if (*p != (sep == '_' ? '_' : '.'))
		return -EINVAL;
	p++;
	if (!isdigit((unsigned char)*p) || p[0] > '7')
		return -EINVAL;
	f4 = (uint32_t)(*p++ - '0');
	while (isspace((unsigned char)*p))
		p++;
	if (*p != '\0')
		return -EINVAL;
	if (sep == '_' && !full)
		return -EINVAL;
	if (full) {
		if (f2 > 0xff || f3 > 0x1f)
			return -EINVAL;
		*ret = (struct vk_pci_addr){ .domain = f1, .bus = (uint8_t)f2, .slot = (uint8_t)f3, .function = (uint8_t)f4 };
	} else {
		if (f1 > 0xff || f2 > 0x1f)
			return -EINVAL;
		*ret = (struct vk_pci_addr){ .domain = 0, .bus = (uint8_t)f1, .slot = (uint8_t)f2, .function = (uint8_t)f4 };
	}
	return 0;
}

void vk_pci_addr_format(const struct vk_pci_addr *a, char buf[VK_BDF_MAX])
{
	snprintf(buf, VK_BDF_MAX, "%04x:%02x:%02x.%x", a->domain, a->bus, a->slot, a->function);
}

void vk_pci_addr_format_short(const struct vk_pci_addr *a, char buf[VK_BDF_MAX])
{
	if (a->domain == 0)
		snprintf(buf, VK_BDF_MAX, "%02x:%02x.%x", a->bus, a->slot, a->function);
	else
		vk_pci_addr_format(a, buf);
}

int vk_pci_addr_compare(const struct vk_pci_addr *a, const struct vk_pci_addr *b)
{
	if (a->domain != b->domain)
		return a->domain < b->domain ? -1 : 1;
	if (a->bus != b->bus)
		return a->bus < b->bus ? -1 : 1;
	if (a->slot != b->slot)
		return a->slot < b->slot ? -1 : 1;
	if (a->function != b->function)
		return a->function < b->function ? -1 : 1;
	return 0;
}

bool vk_pci_addr_same_slot(const struct vk_pci_addr *a, const struct vk_pci_addr *b)
{
	return a->domain == b->domain && a->bus == b->bus && a->slot == b->slot;
}

int vk_pci_addr_normalize(const char *s, char buf[VK_BDF_MAX])
{
	struct vk_pci_addr a;
	int r = vk_pci_addr_parse(s, &a);

	if (r < 0)
		return r;
	vk_pci_addr_format(&a, buf);
	return 0;
}
