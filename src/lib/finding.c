/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Check findings in one shape for every checking module. */
#include <stdarg.h>

#include "finding.h"
#include "util.h"

int vk_findings_add(struct vk_findings *f, const char *id, enum vk_status status, const char *remedy,
		    const char *fmt, ...)
{
	struct vk_finding *n;
	char *msg = NULL, *rem = NULL;
	va_list ap;
	int k;

	va_start(ap, fmt);
	k = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (k < 0)
		return -ENOMEM;
	if (remedy && !(rem = strdup(remedy))) {
		free(msg);
		return -ENOMEM;
	}
	n = realloc(f->items, (f->n + 1) * sizeof(*n));
	if (!n) {
		free(msg);
		free(rem);
		return -ENOMEM;
	}
	f->items = n;
	f->items[f->n++] = (struct vk_finding){ .id = id, .status = status, .message = msg, .remedy = rem };
	return 0;
}

void vk_findings_clear(struct vk_findings *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->items[i].message);
		free(f->items[i].remedy);
	}
	free(f->items);
	f->items = NULL;
	f->n = 0;
}

static int rank(enum vk_status s)
{
	switch (s) {
	case VK_STATUS_PASS:
		return 0;
	case VK_STATUS_SKIP:
		return 1;
	case VK_STATUS_WARN:
		return 2;
	case VK_STATUS_FAIL:
		return 3;
	}
	return 3;
}

enum vk_status vk_findings_worst(const struct vk_findings *f)
{
	enum vk_status w = VK_STATUS_PASS;

	for (size_t i = 0; i < f->n; i++)
		if (rank(f->items[i].status) > rank(w))
			w = f->items[i].status;
	return w;
}

const struct vk_finding *vk_findings_get(const struct vk_findings *f, const char *id)
{
	for (size_t i = 0; i < f->n; i++)
		if (streq(f->items[i].id, id))
			return &f->items[i];
	return NULL;
}

const char *vk_status_id(enum vk_status s)
{
	static const char *const ids[] = {
		[VK_STATUS_PASS] = "pass",
		[VK_STATUS_WARN] = "warn",
		[VK_STATUS_FAIL] = "fail",
		[VK_STATUS_SKIP] = "skip",
	};
	return (unsigned)s < ELEMENTSOF(ids) ? ids[s] : "fail";
}
