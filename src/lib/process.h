/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* External commands: posix_spawn with a fixed argv, never a shell. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

enum {
	VK_SPAWN_QUIET = 1 << 0,      /* stdout and stderr to /dev/null */
	VK_SPAWN_STDOUT_FD = 1 << 1,  /* stdout to @out_fd */
};

/*
 * Runs argv[0] (looked up in PATH) with @argv and waits. Returns the exit status (0-255),
 * 128+signal when it was killed, or a negative errno when it could not be started
 * (-ENOENT: no such program).
 */
int vk_spawn(const char *const *argv, unsigned flags, int out_fd);
/* Whether @name is an executable in PATH (or a path that is executable). */
bool vk_have_program(const char *name);
