/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The run-state file behind the "tracing gap" notice. While the daemon runs it refreshes a
 * realtime heartbeat in <dir>/runstate (tmp + rename) every few seconds; a clean stop records
 * "clean". At the next start the previous file says how long nothing was traced: since the
 * last heartbeat when the previous daemon died (WARNING), since its clean stop otherwise
 * (NOTICE). Directory: the state_dir setting, else $STATE_DIRECTORY (systemd StateDirectory=);
 * with neither the feature is off.
 */
#ifndef EPERMD_RUNSTATE_H
#define EPERMD_RUNSTATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "output.h"

#define RUNSTATE_FILE	 "runstate"
#define RUNSTATE_BEAT_NS (5ull * 1000000000ull)

struct runstate_prev {
	bool found;	  /* a previous run left a state file */
	bool clean;	  /* and it recorded a clean stop */
	long pid;	  /* its pid */
	uint64_t last_ns; /* realtime: its clean stop, or its last heartbeat */
};

struct runstate;

/* The directory to use: cfg_dir if set, else the first of $STATE_DIRECTORY, else NULL. */
const char *runstate_dir(const char *cfg_dir);
/* Parse a state file's text. 0 or -EINVAL. */
int runstate_parse(const char *text, struct runstate_prev *p);
/* Read the previous state into prev, then record this run (pid, now_ns, "running"). -EBUSY
 * when another live epermd owns the directory. */
int runstate_open(const char *dir, uint64_t now_ns, struct runstate_prev *prev,
		  struct runstate **out);
/* Refresh the heartbeat when RUNSTATE_BEAT_NS have passed since the last one. */
int runstate_beat(struct runstate *rs, uint64_t now_ns);
/* Record a clean stop at now_ns. */
int runstate_stop(struct runstate *rs, uint64_t now_ns);
void runstate_free(struct runstate *rs);
/* Log the gap (WARNING after an abnormal end, NOTICE after a clean stop, nothing on a first
 * start) with EPERM_GAP_SECONDS, EPERM_GAP_FROM, EPERM_GAP_TO and EPERM_PREV_PID. */
void runstate_notice(const struct runstate_prev *p, uint64_t now_ns, struct sink *s);

#endif
