/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The DAC check done again in user space: mode bits, POSIX ACL, the process's fsuid/fsgid/groups
 * and DAC capabilities, against what the failing syscall asked for. */
#ifndef EPERMD_DAC_H
#define EPERMD_DAC_H

#include <stdbool.h>

#include "denial.h"
#include "sysclass.h"

/* The credentials DAC uses: fsuid, fsgid and supplementary groups (from /proc, else the event). */
uid_t dac_fsuid(const struct denial *d);
gid_t dac_fsgid(const struct denial *d);

/* Does the process hold cap in its effective set: 1, 0, or -1 when not known (the
 * kernel's ev.cr first, then /proc). */
int dac_has_cap(const struct denial *d, int cap);
/* A task in a child user namespace: 1 when @uid or @gid is not mapped there (its capabilities
 * do not cover such an inode), 0 when both are or it is in the initial namespace, -1 when the
 * maps are not known (read from /proc later: the process was gone). */
int dac_caps_unmapped(const struct denial *d, uid_t uid, gid_t gid);
/* fsgid or a supplementary group (ev.cr first, then /proc). */
bool dac_in_groups(const struct denial *d, gid_t g);

/* Search (x) permission on a directory for the process; role as in dac_result. */
bool dac_may_search(const struct denial *d, mode_t mode, uid_t uid, gid_t gid, bool has_acl,
		    const char *acl, const char **role);
/* Check the path walk (d->walk), then d->file (and its parent) for the access the syscall
 * asked for. A directory on the way that refuses search decides first: the kernel never
 * reached the object. */
void dac_check(const struct denial *d, const struct sc_info *si, struct dac_result *r);
/* The same without the path walk: the object (and its parent) only. */
void dac_check_object(const struct denial *d, const struct sc_info *si, struct dac_result *r);
/* "r", "w", "x", "rw", "wx" ... of DAC_* bits into buf (>= 4 bytes). */
const char *dac_bits(int bits, char *buf);

#endif
