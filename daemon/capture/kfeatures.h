/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* What the kernel side could attach: filled by the tracer and the evidence hooks (hooks.c),
 * read by the daemon (--features, the start line, the socket's features line). */
#ifndef EPERMD_KFEATURES_H
#define EPERMD_KFEATURES_H

#include <stdbool.h>

struct tracer_hook_state {
	const char *name; /* e.g. "tp_btf/sys_exit", "fexit/cap_capable" */
	bool active;
	const char *why; /* why it is off, when it is */
};

#define TRACER_MAX_HOOKS 96

struct tracer_features {
	bool full;			 /* fexit/LSM evidence available */
	unsigned long long hooks_active; /* bit (1ull << enum ep_hook) per attached hook */
	const char *exit_hook;		 /* "tp_btf" or "raw_tp" */
	const char *seccomp;		 /* how seccomp denials are recognised */
	const char *obj_lookup;		 /* the dcache lookup of a path's object: "on" or why off */
	const char *fold;		 /* in-kernel folding of repeats: on, or why off */
	const char *erofs;		 /* which EROFS failures are captured */
	unsigned host_mntns;		 /* the mount namespace EROFS is a read-only disk in */
	const char *landlock; /* which Landlock refusals full mode sees (hooks.c); NULL: none */
	const char *landlock_domain; /* how a task's Landlock domain is known (tracer.c) */
	const char *mdwe;	     /* whether a task's MDWE state is read at a denial */
	int n_hooks;
	struct tracer_hook_state hooks[TRACER_MAX_HOOKS];
};

#endif
