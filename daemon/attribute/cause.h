/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The cause engine: kernel evidence first, user-space checks second, 'unknown' rather than a guess.
 */
#ifndef EPERMD_CAUSE_H
#define EPERMD_CAUSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "denial.h"

/* The attribute stage. Pure: reads the event and the facts (d->ev, the enrichment, d->audit),
 * writes the verdict: cause_classify()'s part, then cause, capability, lsm, flag,
 * mount_option, listener, sysctl_*, rule and evidence[]; adds the DN_FACT_* bits it relied on.
 * When a rule needs the fanotify listener and the facts do not have it (listener_checked
 * false), it sets want_listener and decides without it: the caller may enrich_listener() and
 * decide again. */
void cause_decide(struct denial *d);

/* The part of the verdict the explain stage reads instead of computing it again: the
 * syscall's class (d->si, d->sc_name; read it through denial_sc()) and the DAC check
 * (d->dac, d->dac_obj). cause_decide() calls it; a test that edits a decided record calls it
 * again. */
void cause_classify(struct denial *d);

/* Pure: the lookups (DN_WANT_*) the words of this verdict read that only a database answers
 * (a passwd entry, a group name, dpkg's lists): the pipeline has enrich make them
 * (lookup_wanted()) after the last cause_decide(), explain reads d->lookup. */
unsigned cause_wants(const struct denial *d);

/* "credentials", "file_flags" ... for one DN_FACT_* bit; NULL if not one. */
const char *cause_fact_name(unsigned bit);

#endif
