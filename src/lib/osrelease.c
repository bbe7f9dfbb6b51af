/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* os-release(5): /etc/os-release, falling back to /usr/lib/os-release. */
#include "osrelease.h"
#include "util.h"

static char *unquote(const char *v)
{
	_cleanup_strbuf_ struct strbuf b = STRBUF_INIT;
	char q = 0;

	for (const char *p = v; *p; p++) {
		if (q == 0 && (*p == '"' || *p == '\'')) {
			q = *p;
			continue;
		}
		if (q && *p == q) {
			q = 0;
			continue;
		}
		if (q != '\'' && *p == '\\' && p[1]) {
			p++;
		} else if (q == 0 && (*p == ' ' || *p == '\t' || *p == '#'))
			break;
		if (strbuf_addc(&b, *p) < 0)
			return NULL;
	}
	return strbuf_detach(&b);
}

int vk_os_release_parse(const char *text, struct vk_os_release *ret)
{
	_cleanup_strv_free_ char **lines = NULL;
	int r = strv_split(text, "\n", &lines);

	if (r < 0)
		return r;
	for (char **l = lines; *l; l++) {
		char *line = strstrip(*l), *eq = strchr(line, '='), **dst = NULL;

		if (!eq || line[0] == '#')
			continue;
		*eq = '\0';
		if (streq(line, "ID"))
			dst = &ret->id;
		else if (streq(line, "ID_LIKE"))
			dst = &ret->id_like;
		else if (streq(line, "PRETTY_NAME"))
			dst = &ret->pretty_name;
		else if (streq(line, "VERSION_ID"))
			dst = &ret->version_id;
		if (!dst)
			continue;
		free(*dst);
		*dst = unquote(eq + 1);
		if (!*dst)
			return -ENOMEM;
	}
	return 0;
}

int vk_os_release_read(const struct vk_root *r, struct vk_os_release *ret)
{
	_cleanup_free_ char *data = NULL;
	int e;

	e = vk_root_read_file(r, "/etc/os-release", &data, NULL);
	if (e == -ENOENT)
		e = vk_root_read_file(r, "/usr/lib/os-release", &data, NULL);
	if (e < 0)
		return e;
	return vk_os_release_parse(data, ret);
}

void vk_os_release_clear(struct vk_os_release *o)
{
	free(o->id);
	free(o->id_like);
	free(o->pretty_name);
	free(o->version_id);
	*o = (struct vk_os_release){0};
}

bool vk_os_release_is_like(const char *os_id, const char *os_id_like, const char *id)
{
	_cleanup_strv_free_ char **like = NULL;

	if (os_id && streq(os_id, id))
		return true;
	if (!os_id_like || strv_split(os_id_like, " \t", &like) < 0)
		return false;
	return strv_contains(like, id);
}
