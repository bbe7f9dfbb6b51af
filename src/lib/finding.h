/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Check findings: what 'disk check' prints, what 'vm create' refuses on, and what any other
 * checking module reports, in one shape. A finding has a stable ID for scripts ("disk.fstab";
 * never translated), a status, and two translated sentences: what was found, and what to do.
 */
#pragma once

#include <stddef.h>

#include "macro.h"

enum vk_status {
	VK_STATUS_PASS,
	VK_STATUS_WARN,
	VK_STATUS_FAIL,
	VK_STATUS_SKIP, /* could not be checked (libvirt missing, not the live host): never a pass */
};

struct vk_finding {
	const char *id;    /* static string, e.g. "disk.mounted" */
	enum vk_status status;
	char *message;     /* translated, one line, no full stop */
	char *remedy;      /* translated; NULL when there is nothing to do */
};

struct vk_findings {
	struct vk_finding *items;
	size_t n;
};

/* Appends a finding; @remedy may be NULL. Returns 0 or -ENOMEM. */
int vk_findings_add(struct vk_findings *f, const char *id, enum vk_status status, const char *remedy,
		    const char *fmt, ...) _printf_(5, 6);
void vk_findings_clear(struct vk_findings *f);
/* The worst status among the findings (SKIP counts below WARN, above PASS). */
enum vk_status vk_findings_worst(const struct vk_findings *f);
const struct vk_finding *vk_findings_get(const struct vk_findings *f, const char *id);
/* "pass", "warn", "fail", "skip": for JSON and scripts (never translated). */
const char *vk_status_id(enum vk_status s);
