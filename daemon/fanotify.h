/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Who answers fanotify permission events on this host (fapolicyd, antivirus ...), from /proc. */
#ifndef EPERMD_FANOTIFY_H
#define EPERMD_FANOTIFY_H

#include <stddef.h>

#define FAN_PERM_MASK 0x70000ull /* FAN_OPEN_PERM | FAN_ACCESS_PERM | FAN_OPEN_EXEC_PERM */

/* "comm[pid]" of a process holding a fanotify fd with a permission mark (fapolicyd preferred)
 * into buf; returns its length, 0 when there is none. The /proc scan is cached ~2 s.
 * Thread-safe. */
int fanotify_perm_listener(char *buf, size_t n);

/* Scan a /proc-like tree now (no cache): for tests. */
int fanotify_scan(const char *proc_root, char *buf, size_t n);

/* Does one fdinfo text carry a fanotify mark with a permission bit? */
int fanotify_fdinfo_has_perm(const char *fdinfo);

#endif
