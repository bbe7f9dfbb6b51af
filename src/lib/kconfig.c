/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The running kernel's build configuration: /boot/config-<release>, else /proc/config.gz. */
#include <fcntl.h>
#include <zlib.h>

#include "kconfig.h"
#include "util.h"

static int read_config(const struct vk_host *h, char **ret)
{
	_cleanup_free_ char *path = NULL;
	_cleanup_strbuf_ struct strbuf b = STRBUF_INIT;
	gzFile gz;
	int fd, r;

	if (h->kernel_release) {
		path = xasprintf("/boot/config-%s", h->kernel_release);
		if (!path)
			return -ENOMEM;
		r = vk_root_read_file(h->root, path, ret, NULL);
		if (r != -ENOENT)
			return r;
	}
	fd = vk_root_open_at(h->root, "/proc/config.gz", O_RDONLY, 0);
	if (fd < 0)
		return fd;
	gz = gzdopen(fd, "rb");
	if (!gz) {
		close(fd);
		return -ENOMEM;
	}
	for (;;) {
		char buf[65536];
		int n = gzread(gz, buf, sizeof(buf));

		if (n < 0) {
			gzclose(gz);
			return -EBADMSG;
		}
		if (n == 0)
			break;
		if (strbuf_add(&b, buf, (size_t)n) < 0 || b.len > (16u << 20)) {
			gzclose(gz);
			return -EFBIG;
		}
	}
	gzclose(gz);
	*ret = strbuf_detach(&b);
	return *ret ? 0 : -ENOMEM;
}

int vk_kconfig_get(const struct vk_host *h, const char *option, char **value)
{
	_cleanup_free_ char *data = NULL;
	size_t olen = strlen(option);
	char *line, *save = NULL;
	int r;

	r = read_config(h, &data);
	if (r < 0)
		return r;
	for (line = strtok_r(data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (strneq(line, option, olen) && line[olen] == '=') {
			char *v = line + olen + 1;
			size_t n = strlen(v);

			if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
				v[n - 1] = '\0';
				v++;
			}
			*value = strdup(v);
			return *value ? 1 : -ENOMEM;
		}
	}
	return 0;
}
