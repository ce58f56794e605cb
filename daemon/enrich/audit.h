/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The kernel audit join as the daemon owns it: the join (audit_join.h) and the reader thread
 * that feeds it. No auditd: the source is the audit netlink multicast group (CAP_AUDIT_READ),
 * the journal's audit transport (journald collects the records; works under PrivateNetwork=)
 * or /dev/kmsg. Parsing: audit_parse.h.
 */
#ifndef EPERMD_AUDIT_H
#define EPERMD_AUDIT_H

#include "audit_join.h"

struct audit;

/* The audit_source setting (config.h): where audit_start() reads the records from. */
enum config_audit_source {
	CONFIG_AUDIT_AUTO = 0, /* netlink, else the journal's audit transport, else kmsg */
	CONFIG_AUDIT_NETLINK,
	CONFIG_AUDIT_JOURNAL,
	CONFIG_AUDIT_KMSG,
	CONFIG_AUDIT_OFF,
};

/* The join, no reader yet. 0 or -ENOMEM. */
int audit_new(struct audit **out);
struct audit_join *audit_join(struct audit *a); /* NULL for a NULL a */
/* Start the reader on source (enum config_audit_source): auto = netlink multicast if the
 * socket binds, else the journal if a journal file is readable, else /dev/kmsg; an explicit
 * source is tried alone. Never fatal: returns 0 when a source is open (or source is off), a
 * negative errno when the join is unavailable. audit_status() names the active source and
 * why the others were not used. */
int audit_start(struct audit *a, int source);
void audit_stop(struct audit *a);		 /* idempotent */
const char *audit_status(const struct audit *a); /* a may be NULL (no memory) */
void audit_free(struct audit *a);		 /* stops the reader */

#endif
