/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Every stderr line is "vfiokit: <level>: <message>[: <strerror>]". */
#include <stdarg.h>

#include "cli.h"

static void vlog(const char *level, enum vk_color color, int err, const char *fmt, va_list ap)
{
	/* stdout and stderr may share a terminal: keep their order. */
	fflush(stdout);
	fprintf(stderr, "vfiokit: %s%s%s: ", vk_color_on(NULL, color), level, vk_color_off(NULL, color));
	vfprintf(stderr, fmt, ap);
	if (err != 0)
		fprintf(stderr, ": %s", strerror(abs(err)));
	fputc('\n', stderr);
}

int vk_error(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(_("error"), VK_COLOR_RED, err, fmt, ap);
	va_end(ap);
	return VK_EXIT_FAILURE;
}

void vk_warning(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(_("warning"), VK_COLOR_YELLOW, 0, fmt, ap);
	va_end(ap);
}

void vk_hint(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(_("hint"), VK_COLOR_BLUE, 0, fmt, ap);
	va_end(ap);
}

void vk_note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(_("note"), VK_COLOR_NONE, 0, fmt, ap);
	va_end(ap);
}

int vk_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(_("error"), VK_COLOR_RED, 0, fmt, ap);
	va_end(ap);
	if (cmd)
		fprintf(stderr, _("Try 'vfiokit %s --help'.\n"), cmd);
	else
		fprintf(stderr, _("Try 'vfiokit --help'.\n"));
	return VK_EXIT_USAGE;
}

int vk_cli_bad_option(const char *cmd, int c, int argc, char **argv)
{
	const char *bad = optind > 0 && optind <= argc ? argv[optind - 1] : "?";

	/* getopt_long() runs with opterr = 0 and a leading ':' in the option string, so it
	 * returns ':' for a missing argument and '?' for an unknown option. */
	if (c == ':') {
		if (optopt && !(bad[0] == '-' && bad[1] == '-'))
			return vk_usage_error(cmd, _("option '-%c' needs an argument"), optopt);
		return vk_usage_error(cmd, _("option '%s' needs an argument"), bad);
	}
	if (optopt)
		return vk_usage_error(cmd, _("unknown option '-%c'"), optopt);
	return vk_usage_error(cmd, _("unknown option '%s'"), bad);
}
