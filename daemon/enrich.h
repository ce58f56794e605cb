/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* What user space can see about a denial: process, container, file, mount, sysctls. */
#ifndef EPERMD_ENRICH_H
#define EPERMD_ENRICH_H

#include "denial.h"

/* Fill path, target, file, proc, sysctl, lockdown and lsms of d from d->ev. Never fails:
 * what cannot be read stays invalid. Must not follow attacker symlinks into loops or block. */
void enrich_denial(struct denial *d);

#endif
