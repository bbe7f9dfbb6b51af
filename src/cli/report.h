/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Printing findings (check, verify, disk check): the readable shape and JSON. */
#pragma once

#include "cli.h"
#include "lib/report.h"

/* "Checking X ....... PASS", then the ID and why, then the remedy when not PASS. */
void vk_report_print(const struct vk_cli *cli, const struct vk_report *r);
/* The closing line: "READY (0 failed, 2 warnings)" or "NOT READY: ids (...)". */
void vk_report_print_result(const struct vk_cli *cli, const struct vk_report *r, bool strict, const char *ok_word,
			    const char *no_word);
json_object *vk_report_json(const struct vk_report *r);
json_object *vk_report_summary_json(const struct vk_report *r);
/* 0 when nothing failed (and, with @strict, nothing warned), else VK_EXIT_NOT_READY. */
int vk_report_exit_status(const struct vk_report *r, bool strict);
