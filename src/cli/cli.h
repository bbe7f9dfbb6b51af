/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Shared state and helpers of the vfiokit command-line tool. */
#pragma once

#include <getopt.h>
#include <json-c/json.h>
#include <libsmartcols.h>
#include <stdbool.h>

#include "lib/host.h"
#include "lib/macro.h"
#include "lib/root.h"

/* Exit codes, documented in vfiokit(1) under EXIT STATUS. */
enum {
	VK_EXIT_OK = 0,        /* did what was asked; every check passed */
	VK_EXIT_FAILURE = 1,   /* could not do what was asked (I/O, permission, parse error) */
	VK_EXIT_USAGE = 2,     /* bad option, argument or address */
	VK_EXIT_NOT_READY = 3, /* ran fine and the answer is "no": failed checks, no IOMMU groups */
};

struct vk_cli {
	const char *root_path;  /* --root, default "/" */
	struct vk_root *root;   /* opened by vk_cli_open_root() */
	int color;              /* -1 auto, 0 never, 1 always */
	bool color_out, color_err;
	size_t warnings_shown;  /* host warnings already printed */
};

struct vk_cmd {
	const char *name;
	int (*run)(struct vk_cli *cli, int argc, char **argv);
	const char *summary;  /* one line, for the command list */
	const char *usage;    /* synopsis and options, for --help and 'help CMD' */
};

/* Logging to stderr: "vfiokit: error: <message>[: <strerror>]". Return the exit code
 * (or the negative errno) so call sites can "return vk_error(...)". */
int vk_error(int err, const char *fmt, ...) _printf_(2, 3);
void vk_warning(const char *fmt, ...) _printf_(1, 2);
void vk_hint(const char *fmt, ...) _printf_(1, 2);
void vk_note(const char *fmt, ...) _printf_(1, 2);
/* A usage error: the message, then "Try 'vfiokit CMD --help'." Returns VK_EXIT_USAGE. */
int vk_usage_error(const char *cmd, const char *fmt, ...) _printf_(2, 3);

/* Opens --root (once). Logs and returns VK_EXIT_FAILURE on error, else 0. */
int vk_cli_open_root(struct vk_cli *cli);
/* Loads the host model; logs its warnings. Returns 0 or an exit code. */
int vk_cli_load_host(struct vk_cli *cli, unsigned what, struct vk_host **ret);
/* Loads more of the host model; logs the new warnings. Returns 0 or an exit code. */
int vk_cli_host_ensure(struct vk_cli *cli, struct vk_host *h, unsigned what);
void vk_cli_print_help(const struct vk_cmd *cmd);

/* Options every command accepts after its name too (so "vfiokit groups --root R" works). */
#define VK_COMMON_LONG_OPTIONS                                                          \
	{ "root", required_argument, NULL, 'R' }, { "help", no_argument, NULL, 'h' }, \
		{ "color", optional_argument, NULL, 'C' }
#define VK_COMMON_SHORT_OPTIONS ":hR:"
int vk_cli_set_color(struct vk_cli *cli, const char *when);
/* Reports the option getopt_long() rejected; returns VK_EXIT_USAGE. */
int vk_cli_bad_option(const char *cmd, int c, int argc, char **argv);
/* The cases for the common options, inside a command's getopt_long() switch on 'c'. */
#define VK_COMMON_OPTION_CASES(cli, cmd)                                                         \
	case 'h':                                                                                \
		vk_cli_print_help(cmd);                                                          \
		return VK_EXIT_OK;                                                               \
	case 'R':                                                                                \
		(cli)->root_path = optarg;                                                       \
		break;                                                                           \
	case 'C':                                                                                \
		if (vk_cli_set_color(cli, optarg) < 0)                                           \
			return vk_usage_error((cmd)->name, _("invalid --color value '%s'"), optarg); \
		break;                                                                           \
	case '?':                                                                                \
	case ':':                                                                                \
		return vk_cli_bad_option((cmd)->name, c, argc, argv)

/* Colour and tables. */
enum vk_color { VK_COLOR_NONE, VK_COLOR_GREEN, VK_COLOR_YELLOW, VK_COLOR_RED, VK_COLOR_BLUE, VK_COLOR_BOLD, VK_COLOR_DIM };
const char *vk_color_on(const struct vk_cli *cli, enum vk_color c);
const char *vk_color_off(const struct vk_cli *cli, enum vk_color c);
const char *vk_color_scols(const struct vk_cli *cli, enum vk_color c);
struct libscols_table *vk_table_new(const struct vk_cli *cli);

/*
 * Big tree tables, printed one chunk (one tree root and its children) at a time with the
 * column widths fixed in a first pass, so memory stays flat at 10,000 rows instead of
 * holding every line of a libsmartcols table at once. @add_chunk adds chunk @i's lines to
 * @tb; it is called twice per chunk (measure, then print) and must add the same lines.
 */
struct vk_column {
	const char *name;
	int flags;  /* SCOLS_FL_* */
};
typedef int (*vk_chunk_fn)(struct libscols_table *tb, size_t i, void *userdata);
int vk_print_chunked(const struct vk_cli *cli, const struct vk_column *cols, size_t ncols, size_t nchunks,
		     vk_chunk_fn add_chunk, void *userdata);
/* Prints @obj as pretty JSON on stdout and releases it. Returns an exit code. */
int vk_json_print(json_object *obj);
/* Prints @obj pretty, every line indented: for documents streamed one element at a time
 * (10,000 devices would otherwise be one 70 MB json-c tree). Does not release @obj. */
void vk_json_print_indented(json_object *obj, unsigned indent);
/* JSON helpers: NULL-safe strings and "0x%0*x" numbers (null when negative). */
json_object *vk_json_str(const char *s);
json_object *vk_json_hex(int64_t v, int digits);
json_object *vk_json_strv(const char *const *l);

/* The commands. */
int cmd_groups(struct vk_cli *cli, int argc, char **argv);
int cmd_gpus(struct vk_cli *cli, int argc, char **argv);
int cmd_import(struct vk_cli *cli, int argc, char **argv);
int cmd_snapshot(struct vk_cli *cli, int argc, char **argv);
int cmd_check(struct vk_cli *cli, int argc, char **argv);
int cmd_disk(struct vk_cli *cli, int argc, char **argv);
int cmd_vm(struct vk_cli *cli, int argc, char **argv);
extern const struct vk_cmd vk_cmd_groups, vk_cmd_gpus, vk_cmd_import, vk_cmd_snapshot, vk_cmd_check, vk_cmd_disk,
	vk_cmd_vm;
