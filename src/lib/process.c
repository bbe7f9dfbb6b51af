/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* External commands: posix_spawn with a fixed argv, never a shell. */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "macro.h"
#include "process.h"
#include "util.h"

extern char **environ;

int vk_spawn(const char *const *argv, unsigned flags, int out_fd)
{
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int status, r;

	if (posix_spawn_file_actions_init(&fa) != 0)
		return -ENOMEM;
	if (flags & VK_SPAWN_QUIET) {
		posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
		posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
	} else if (flags & VK_SPAWN_STDOUT_FD)
		posix_spawn_file_actions_adddup2(&fa, out_fd, STDOUT_FILENO);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	/* posix_spawnp's argv is not const-qualified, but it does not modify it. */
	r = posix_spawnp(&pid, argv[0], &fa, NULL, (char *const *)(uintptr_t)argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (r != 0)
		return -r;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return negative_errno();
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}

bool vk_have_program(const char *name)
{
	_cleanup_free_ char *path = NULL;
	const char *p;

	if (strchr(name, '/'))
		return access(name, X_OK) == 0;
	p = getenv("PATH");
	path = strdup(p ? p : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	if (!path)
		return false;
	for (char *save = NULL, *dir = strtok_r(path, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		_cleanup_free_ char *full = xasprintf("%s/%s", dir, name);
		struct stat st;

		if (full && stat(full, &st) == 0 && S_ISREG(st.st_mode) && access(full, X_OK) == 0)
			return true;
	}
	return false;
}
