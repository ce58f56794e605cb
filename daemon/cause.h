/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The cause engine: kernel evidence first, user-space checks second, 'unknown' rather than a guess. */
#ifndef EPERMD_CAUSE_H
#define EPERMD_CAUSE_H

#include "denial.h"

/* Pure: reads d->ev and the enrichment, writes cause, capability, lsm, flag, mount_option,
 * listener, sysctl_*, rule and evidence[]. */
void cause_decide(struct denial *d);

#endif
