/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The audit join: the last AUDIT_RING parsed records that explain denials; the worker joins one
 * with each denial by pid, syscall and time. An object the daemon owns (through struct audit,
 * audit.h); the reader thread feeds it.
 */
#ifndef EPERMD_AUDIT_JOIN_H
#define EPERMD_AUDIT_JOIN_H

#include <stdbool.h>

#include "audit_parse.h"
#include "denial.h"

#define AUDIT_RING 1024

/* join wait: see audit_annotate() */
#define AUDIT_WAIT_MS	      50
#define AUDIT_JOURNAL_WAIT_MS 100
#define AUDIT_JOURNAL_TICK_MS 2

struct audit_join;

int audit_join_new(struct audit_join **out);
void audit_join_free(struct audit_join *j);

/* Add a parsed record to the ring (oldest overwritten) and wake a waiting join. */
void audit_feed(struct audit_join *j, const struct audit_rec *r);

/* The reader's state, as the join needs it: running (a wait can end well), the source's bound
 * on a wait, and the eventfd that tells it a join waits (-1: none). Stopping ends every wait. */
void audit_join_source(struct audit_join *j, bool running, unsigned wait_ms, int kick_fd);
/* joins waiting now: the journal reader then polls on the tick */
unsigned audit_join_waiters(struct audit_join *j);

/* Join a record to d (fills d->audit, marks the record used); true when one was joined.
 * wait: only when d->cause is unknown, lsm-unknown or fanotify without a rule, the reader
 * runs and the event is less than the source's wait old, wait for a late record until then:
 * AUDIT_WAIT_MS for netlink and kmsg, AUDIT_JOURNAL_WAIT_MS for the journal (kernel ->
 * journald -> journal file -> our reader, measured in docs/audit.md). While a join waits, the
 * journal reader polls the file every AUDIT_JOURNAL_TICK_MS instead of waiting for journald's
 * change notification (which journald coalesces over 250 ms). */
bool audit_annotate(struct audit_join *j, struct denial *d, bool wait); /* j NULL: false */

/* Tests: forget every record. */
void audit_reset(struct audit_join *j);

#endif
