/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The sandbox settings of systemd units, read from the service manager over D-Bus
 * (org.freedesktop.systemd1) for denials of processes that run in a unit (enrich stage).
 * Cached per unit; an entry is dropped when the manager reloads (Reloading), removes the unit
 * (UnitRemoved) or changes its properties (PropertiesChanged), and after UP_TTL_S at the
 * latest. Owned by the daemon; every call but unitprops_new/free comes from the worker
 * thread. Without a bus (no systemd, a container, one-command mode) the daemon has no
 * unitprops and denials carry no unit settings: everything else works as before.
 */
#ifndef EPERMD_UNITPROPS_H
#define EPERMD_UNITPROPS_H

#include "denial.h"

struct unitprops;

/* Connects to the system bus and subscribes to the manager's signals. 0 or -errno. */
int unitprops_new(struct unitprops **out);
void unitprops_free(struct unitprops *up);

/* Fills d->unit for d->proc.unit (from the cache, or one round of bus calls). Never fails:
 * d->unit.valid stays false when the manager does not answer. up may be NULL. */
void unitprops_fill(struct unitprops *up, struct denial *d);

/* Drains the manager's signals (invalidation) so they do not pile up; called once a second. */
void unitprops_tick(struct unitprops *up);

/* Counters for the status line: lookups answered from the cache, asked, failed. */
void unitprops_stats(const struct unitprops *up, unsigned long *hits, unsigned long *asked,
		     unsigned long *failed);

/* For tests: where the cgroup2 hierarchy is mounted (default /sys/fs/cgroup); the unit of a
 * process that is gone is found there by the kernel's cgroup id (the directory's inode). */
void unitprops_set_cgroot(struct unitprops *up, const char *root);

/* Pure (unit tests): parse the literal values of the sandbox directives from one unit file's
 * text into u->lit (a later assignment is appended, an empty one resets). */
void unitprops_parse_file(struct dn_unit *u, const char *text);

#endif
