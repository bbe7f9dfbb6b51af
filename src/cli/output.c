/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Colour, tables (libsmartcols), JSON (json-c), and the root/host set-up every command shares. */
#include <unistd.h>
#include <wchar.h>

#include "cli.h"
#include "lib/util.h"

static bool color_out, color_err;

int vk_cli_set_color(struct vk_cli *cli, const char *when)
{
	int mode;

	if (!when || streq(when, "auto"))
		mode = -1;
	else if (streq(when, "always"))
		mode = 1;
	else if (streq(when, "never"))
		mode = 0;
	else
		return -EINVAL;
	cli->color = mode;
	if (mode < 0) {
		/* https://no-color.org: any non-empty NO_COLOR disables colour. */
		bool allowed = isempty(getenv("NO_COLOR")) && !(getenv("TERM") && streq(getenv("TERM"), "dumb"));

		cli->color_out = allowed && isatty(STDOUT_FILENO);
		cli->color_err = allowed && isatty(STDERR_FILENO);
	} else
		cli->color_out = cli->color_err = mode;
	color_out = cli->color_out;
	color_err = cli->color_err;
	return 0;
}

static const char *const ansi[] = {
	[VK_COLOR_NONE] = "",       [VK_COLOR_GREEN] = "\033[32m", [VK_COLOR_YELLOW] = "\033[33m",
	[VK_COLOR_RED] = "\033[31m", [VK_COLOR_BLUE] = "\033[34m",  [VK_COLOR_BOLD] = "\033[1m",
	[VK_COLOR_DIM] = "\033[2m",
};

/* @cli NULL means stderr. */
const char *vk_color_on(const struct vk_cli *cli, enum vk_color c)
{
	return (cli ? color_out : color_err) ? ansi[c] : "";
}

const char *vk_color_off(const struct vk_cli *cli, enum vk_color c)
{
	return (cli ? color_out : color_err) && c != VK_COLOR_NONE ? "\033[0m" : "";
}

const char *vk_color_scols(const struct vk_cli *cli, enum vk_color c)
{
	static const char *const names[] = {
		[VK_COLOR_NONE] = NULL,      [VK_COLOR_GREEN] = "green", [VK_COLOR_YELLOW] = "yellow",
		[VK_COLOR_RED] = "red",       [VK_COLOR_BLUE] = "blue",   [VK_COLOR_BOLD] = "bold",
		[VK_COLOR_DIM] = "halfbright",
	};
	return cli->color_out ? names[c] : NULL;
}

struct libscols_table *vk_table_new(const struct vk_cli *cli)
{
	struct libscols_table *tb = scols_new_table();

	if (!tb)
		return NULL;
	scols_table_enable_colors(tb, cli->color_out);
	/* A table piped elsewhere is never cut to a terminal's width. */
	scols_table_set_termforce(tb, SCOLS_TERMFORCE_AUTO);
	return tb;
}

int vk_json_print(json_object *obj)
{
	const char *s;

	if (!obj)
		return vk_error(ENOMEM, _("cannot build the JSON output"));
	s = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
							JSON_C_TO_STRING_NOSLASHESCAPE);
	if (!s) {
		json_object_put(obj);
		return vk_error(ENOMEM, _("cannot build the JSON output"));
	}
	fputs(s, stdout);
	fputc('\n', stdout);
	json_object_put(obj);
	return VK_EXIT_OK;
}

void vk_json_print_indented(json_object *obj, unsigned indent)
{
	const char *s = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
								  JSON_C_TO_STRING_NOSLASHESCAPE);

	printf("%*s", (int)indent, "");
	for (; s && *s; s++) {
		fputc(*s, stdout);
		if (*s == '\n')
			printf("%*s", (int)indent, "");
	}
}

json_object *vk_json_str(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

json_object *vk_json_hex(int64_t v, int digits)
{
	char buf[32];

	if (v < 0)
		return NULL;
	snprintf(buf, sizeof(buf), "0x%0*llx", digits, (unsigned long long)v);
	return json_object_new_string(buf);
}

json_object *vk_json_strv(const char *const *l)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; a && l && l[i]; i++)
		json_object_array_add(a, json_object_new_string(l[i]));
	return a;
}

int vk_cli_open_root(struct vk_cli *cli)
{
	int r;

	if (cli->root)
		return 0;
	r = vk_root_open(cli->root_path, &cli->root);
	if (r < 0)
		return vk_error(r, _("cannot open root directory '%s'"), cli->root_path);
	return 0;
}

static void show_new_warnings(struct vk_cli *cli, const struct vk_host *h)
{
	size_t n = strv_length(h->warnings);

	for (size_t i = cli->warnings_shown; i < n; i++)
		vk_warning("%s", h->warnings[i]);
	cli->warnings_shown = n;
}

int vk_cli_load_host(struct vk_cli *cli, unsigned what, struct vk_host **ret)
{
	struct vk_host *h = NULL;
	int r;

	r = vk_cli_open_root(cli);
	if (r != 0)
		return r;
	r = vk_host_load(cli->root, what, &h);
	if (r < 0)
		return vk_error(r, _("cannot read the host under '%s'"), cli->root_path);
	cli->warnings_shown = 0;
	show_new_warnings(cli, h);
	*ret = h;
	return 0;
}

int vk_cli_host_ensure(struct vk_cli *cli, struct vk_host *h, unsigned what)
{
	int r = vk_host_ensure(h, what);

	if (r < 0)
		return vk_error(r, _("cannot read the host under '%s'"), cli->root_path);
	show_new_warnings(cli, h);
	return 0;
}

static size_t display_width(const char *s)
{
	wchar_t *w;
	int width;
	size_t n;

	for (n = 0; s[n] && (unsigned char)s[n] < 0x80; n++)
		;
	if (!s[n])
		return n; /* plain ASCII, the usual case */
	n = mbstowcs(NULL, s, 0);

	if (n == (size_t)-1)
		return strlen(s);
	w = malloc((n + 1) * sizeof(wchar_t));
	if (!w)
		return strlen(s);
	mbstowcs(w, s, n + 1);
	width = wcswidth(w, n);
	free(w);
	return width < 0 ? strlen(s) : (size_t)width;
}

static struct libscols_table *chunk_table(const struct vk_cli *cli, const struct vk_column *cols, size_t ncols)
{
	struct libscols_table *tb = vk_table_new(cli);

	for (size_t k = 0; tb && k < ncols; k++)
		if (!scols_table_new_column(tb, cols[k].name, 0, cols[k].flags)) {
			scols_unref_table(tb);
			return NULL;
		}
	return tb;
}

int vk_print_chunked(const struct vk_cli *cli, const struct vk_column *cols, size_t ncols, size_t nchunks,
		     vk_chunk_fn add_chunk, void *userdata)
{
	_cleanup_free_ size_t *width = calloc(ncols, sizeof(size_t));
	int r;

	if (!width)
		return -ENOMEM;
	for (size_t k = 0; k < ncols; k++)
		width[k] = display_width(cols[k].name);

	/* Pass 1: measure every cell (tree depth adds two columns per level). */
	for (size_t i = 0; i < nchunks; i++) {
		struct libscols_table *tb = chunk_table(cli, cols, ncols);
		struct libscols_iter *it = scols_new_iter(SCOLS_ITER_FORWARD);
		struct libscols_line *ln;

		if (!tb || !it) {
			scols_unref_table(tb);
			scols_free_iter(it);
			return -ENOMEM;
		}
		r = add_chunk(tb, i, userdata);
		while (r >= 0 && scols_table_next_line(tb, it, &ln) == 0) {
			size_t depth = 0;

			for (struct libscols_line *p = scols_line_get_parent(ln); p; p = scols_line_get_parent(p))
				depth++;
			for (size_t k = 0; k < ncols; k++) {
				const char *data = scols_cell_get_data(scols_line_get_cell(ln, k));
				size_t w = data ? display_width(data) : 0;

				if ((cols[k].flags & SCOLS_FL_TREE))
					w += 2 * depth;
				if (w > width[k])
					width[k] = w;
			}
		}
		scols_free_iter(it);
		scols_unref_table(tb);
		if (r < 0)
			return r;
	}

	/* Pass 2: print each chunk with the widths fixed; the header only once. */
	for (size_t i = 0; i < nchunks; i++) {
		struct libscols_table *tb = chunk_table(cli, cols, ncols);

		if (!tb)
			return -ENOMEM;
		for (size_t k = 0; k < ncols; k++) {
			struct libscols_column *cl = scols_table_get_column(tb, k);

			/* libsmartcols 2.38 applies a width hint only when it is larger than the
			 * header, and without STRICTWIDTH it lets the header width win over the
			 * hint; so: strict, and a hint one wider when the header is the widest. */
			if (k + 1 == ncols)
				continue; /* the last column is never padded */
			scols_column_set_flags(cl, cols[k].flags | SCOLS_FL_STRICTWIDTH);
			scols_column_set_whint(cl, (double)(width[k] + (width[k] <= display_width(cols[k].name))));
		}
		if (i > 0)
			scols_table_enable_noheadings(tb, 1);
		r = add_chunk(tb, i, userdata);
		if (r >= 0)
			scols_print_table(tb);
		scols_unref_table(tb);
		if (r < 0)
			return r;
	}
	return 0;
}

void vk_cli_print_help(const struct vk_cmd *cmd)
{
	fputs(_(cmd->usage), stdout);
	printf(_("\nCommon options: --root DIR, --color[=WHEN], -h/--help.\nSee vfiokit-%s(1).\n"), cmd->name);
}
