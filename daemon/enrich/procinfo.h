/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* What /proc says about a process: credentials, capabilities, seccomp, exe, cgroup, container. */
#ifndef EPERMD_PROCINFO_H
#define EPERMD_PROCINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "denial.h"

/* Bounded reads that never block: O_NONBLOCK|O_NOFOLLOW|O_NOCTTY, at most n - 1 bytes, NUL
 * terminated. Return the length or -errno. */
ssize_t read_small_at(int dfd, const char *name, char *buf, size_t n);
ssize_t readlink_small_at(int dfd, const char *name, char *buf, size_t n);

/* O_PATH directory fd of /proc/<pid>, or -errno. */
int proc_open_pid(pid_t pid);

/* Pure parsers (unit-tested). */
int proc_parse_status(const char *text, struct dn_proc *p);
/* The unified-hierarchy path from /proc/<pid>/cgroup text ("0::/..."); 0 or -ENOENT. */
int cgroup_v2_path(const char *text, char *out, size_t n);
/* Innermost *.service or *.scope component of a cgroup path. */
void cgroup_unit(const char *cg, char *out, size_t n);
/* Container id and runtime from a cgroup path; both "" when none. */
void cgroup_container(const char *cg, char *id, size_t idlen, char *runtime, size_t rtlen);

/* /proc/<pid>/uid_map or gid_map text ("first lower count" lines); 0 or -EINVAL. */
int proc_parse_idmap(const char *text, struct dn_idmap *m);

/* Fill p from /proc/<pid> (pdfd from proc_open_pid, may be < 0) and ppid; @idmaps: also its
 * user namespace's uid_map and gid_map (a task in a child user namespace). */
void proc_enrich(int pdfd, pid_t ppid, struct dn_proc *p, bool idmaps);

#endif
