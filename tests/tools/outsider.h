/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A process outside the Landlock domain its parent enters next (shared by llock and the VM's
 * vmtrig): the child waits on a pipe and exits when the parent closes *release.
 */
#ifndef EPERMD_TEST_OUTSIDER_H
#define EPERMD_TEST_OUTSIDER_H

#include <sys/types.h>
#include <unistd.h>

/* Returns the child's pid, or -1. The caller closes *release, then waitpid()s the child. */
static inline pid_t outsider_fork(int *release)
{
	int p[2];
	pid_t child;
	char c;

	if (pipe(p))
		return -1;
	child = fork();
	if (child == 0) {
		close(p[1]);
		(void)!read(p[0], &c, 1);
		_exit(0);
	}
	close(p[0]);
	*release = p[1];
	return child;
}

#endif
