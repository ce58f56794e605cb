/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Words for a decided denial: one diagnosis sentence, the least-privilege fix, a validation
 * command. */
#ifndef EPERMD_DIAGNOSE_H
#define EPERMD_DIAGNOSE_H

#include "denial.h"

/* Pure: fills d->diagnosis, d->fix and d->validate. Never advises turning a protection off. */
void diagnose_denial(struct denial *d);

#endif
