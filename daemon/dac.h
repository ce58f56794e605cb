/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The DAC check done again in user space: mode bits, POSIX ACL, the process's fsuid/fsgid/groups
 * and DAC capabilities, against what the failing syscall asked for. */
#ifndef EPERMD_DAC_H
#define EPERMD_DAC_H

#include <stdbool.h>

#include "denial.h"
#include "sysclass.h"

#define DAC_R 4
#define DAC_W 2
#define DAC_X 1

struct dac_result {
	bool decided;	/* enough was known to check */
	bool denied;	/* DAC would refuse */
	bool on_parent; /* the refused check is on the parent directory */
	int want;	/* DAC_* bits asked for on the object checked */
	int granted;	/* the subset of want that DAC grants */
	const char
	    *role; /* "owner", "named user", "owning group", "named group", "other", "capability" */
};

/* The credentials DAC uses: fsuid, fsgid and supplementary groups (from /proc, else the event). */
uid_t dac_fsuid(const struct denial *d);
gid_t dac_fsgid(const struct denial *d);

/* Check d->file (and its parent) for the access the syscall asked for. */
void dac_check(const struct denial *d, const struct sc_info *si, struct dac_result *r);
/* "r", "w", "x", "rw", "wx" ... of DAC_* bits into buf (>= 4 bytes). */
const char *dac_bits(int bits, char *buf);

#endif
