/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The traced processes of one-command mode: the command epermd starts (-- COMMAND), held
 * until tracing runs, or the running processes it attaches to (-p PID), with their existing
 * descendants, until they exit.
 */
#ifndef EPERMD_CHILD_H
#define EPERMD_CHILD_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define CHILD_MAX_PIDS 16

struct child {
	pid_t cmd;	/* the command started; 0 = none */
	int release_fd; /* the command waits for a byte on it before exec; -1 = released */
	int status;	/* its exit status, as a shell gives it (128 + signal) */
	bool done;	/* reaped */

	int n; /* -p targets */
	pid_t pid[CHILD_MAX_PIDS];
	int pidfd[CHILD_MAX_PIDS]; /* -1: pidfd_open is missing, /proc tells instead */
	bool gone[CHILD_MAX_PIDS];
};

void child_init(struct child *c);
/* Fork argv, held before exec until child_release(). */
int child_spawn(struct child *c, char **argv);
/* Let the command exec; 0 or -errno. */
int child_release(struct child *c);
/* Check that every pid exists, and watch for its exit. On failure err says which and why
 * (ESRCH: no such process, EPERM: not permitted). */
int child_attach(struct child *c, const pid_t *pids, int n, char *err, size_t errn);
/* Every process below the -p targets now (from /proc), handed to track(ctx, pid); repeated
 * until a pass finds nothing new, since they fork meanwhile. Returns how many, or -errno. */
int child_track_tree(const struct child *c, int (*track)(void *ctx, pid_t pid), void *ctx);
/* The command was reaped, or every -p target has exited. */
bool child_gone(struct child *c);
/* At the end: pass a stop signal on to a command that still runs, wait for it. Returns
 * epermd's exit status: the command's, or 0 for -p. */
int child_finish(struct child *c, int stop_signal);
/* "pid (comm) S ppid ..." of /proc/PID/stat: the state letter and the parent (unit-tested) */
int child_parse_stat(const char *text, char *state, pid_t *ppid);
/* A failed start: kill and reap the command, close everything. */
void child_abort(struct child *c);

#endif
