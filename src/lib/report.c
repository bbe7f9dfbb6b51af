/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Findings: the shape every diagnosis has. */
#include <stdarg.h>

#include "report.h"
#include "util.h"

int vk_report_add(struct vk_report *r, const char *id, const char *title, enum vk_status status, json_object *facts,
		  const char *remedy, const char *fmt, ...)
{
	struct vk_finding *n, *f;
	va_list ap;
	int k;

	n = realloc(r->items, (r->n + 1) * sizeof(*n));
	if (!n) {
		json_object_put(facts);
		return -ENOMEM;
	}
	r->items = n;
	f = &r->items[r->n];
	*f = (struct vk_finding){ .status = status, .facts = facts ? facts : json_object_new_object() };
	va_start(ap, fmt);
	k = vasprintf(&f->message, fmt, ap);
	va_end(ap);
	f->id = strdup(id);
	f->title = strdup(title);
	f->remedy = remedy ? strdup(remedy) : NULL;
	r->n++;
	if (k < 0 || !f->id || !f->title || (remedy && !f->remedy) || !f->facts)
		return -ENOMEM;
	return 0;
}

void vk_report_clear(struct vk_report *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->items[i].id);
		free(r->items[i].title);
		free(r->items[i].message);
		free(r->items[i].remedy);
		json_object_put(r->items[i].facts);
	}
	free(r->items);
	r->items = NULL;
	r->n = 0;
}

const char *vk_status_name(enum vk_status s)
{
	static const char *const names[] = { "pass", "warn", "fail", "skip" };
	return names[s];
}

enum vk_status vk_status_worst(enum vk_status a, enum vk_status b)
{
	static const int rank[] = { [VK_STATUS_PASS] = 0, [VK_STATUS_SKIP] = 1, [VK_STATUS_WARN] = 2,
				    [VK_STATUS_FAIL] = 3 };
	return rank[a] >= rank[b] ? a : b;
}

enum vk_status vk_report_worst(const struct vk_report *r)
{
	enum vk_status w = VK_STATUS_PASS;

	for (size_t i = 0; i < r->n; i++)
		w = vk_status_worst(w, r->items[i].status);
	return w;
}

const struct vk_finding *vk_report_get(const struct vk_report *r, const char *id)
{
	for (size_t i = 0; i < r->n; i++)
		if (streq(r->items[i].id, id))
			return &r->items[i];
	return NULL;
}

size_t vk_report_count(const struct vk_report *r, enum vk_status s)
{
	size_t n = 0;

	for (size_t i = 0; i < r->n; i++)
		n += r->items[i].status == s;
	return n;
}
