/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Findings: the shape every diagnosis has (check, verify, disk check). Each finding has a
 * stable ID that scripts grep for, a status, one line that says why, a remedy written for
 * this host, and the facts it was decided from.
 */
#pragma once

#include <json-c/json.h>
#include <vfiokit/vfiokit.h>
#include <stdbool.h>
#include <stddef.h>

#include "macro.h"


struct vk_finding {
	char *id;            /* "cpu.virt", "gpu.0000:01:00.0.group": never translated */
	char *title;         /* what is checked, for "Checking ..." */
	enum vk_status status;
	char *message;       /* one line: why */
	char *remedy;        /* what to do, for this host; NULL when nothing */
	json_object *facts;  /* what the decision used (an object) */
};

struct vk_report {
	struct vk_finding *items;
	size_t n;
};

/* Adds a finding; takes ownership of @facts (may be NULL). Returns 0 or -ENOMEM. */
int vk_report_add(struct vk_report *r, const char *id, const char *title, enum vk_status status, json_object *facts,
		  const char *remedy, const char *fmt, ...) _printf_(7, 8);
void vk_report_clear(struct vk_report *r);
const char *vk_status_name(enum vk_status s);   /* "pass", "warn", "fail", "skip" */
/* The worst status: FAIL > WARN > SKIP > PASS (what could not be checked is never a pass). */
enum vk_status vk_status_worst(enum vk_status a, enum vk_status b);
/* The worst status of all findings; PASS for none. */
enum vk_status vk_report_worst(const struct vk_report *r);
size_t vk_report_count(const struct vk_report *r, enum vk_status s);
/* The finding with @id, or NULL. */
const struct vk_finding *vk_report_get(const struct vk_report *r, const char *id);
