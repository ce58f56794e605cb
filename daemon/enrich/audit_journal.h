/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The journal as an audit source. journald collects the kernel's audit records itself
 * (systemd-journald-audit.socket: _TRANSPORT=audit), so a daemon without AF_NETLINK or
 * /dev/kmsg (PrivateNetwork=, RestrictAddressFamilies=AF_UNIX, ProtectKernelLogs=) still sees
 * them. The reader follows the local system journal from its tail, matching _TRANSPORT=audit
 * and _TRANSPORT=kernel (for Lockdown lines), and feeds every entry audit_parse_journal()
 * accepts to audit_feed() of the join it is given. Not thread-safe: one thread uses a handle after
 * ajournal_open().
 */
#ifndef EPERMD_AUDIT_JOURNAL_H
#define EPERMD_AUDIT_JOURNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "audit_join.h"

struct ajournal;

/* Open the local system journal at its tail. 0, -ENOENT when no journal file is there or
 * none is readable, another -errno. */
int ajournal_open(struct ajournal **out);
void ajournal_close(struct ajournal *j);

/* The descriptor to poll (journal file changes) and its events. */
int ajournal_fd(struct ajournal *j);
short ajournal_events(struct ajournal *j);
/* How long poll() may sleep before ajournal_read() must run anyway (-1 = forever). */
int ajournal_timeout_ms(struct ajournal *j);

/* Process change notifications and read at most max new entries, feeding each record to the
 * join. Returns the number of entries read (max: call again soon) or -errno. */
int ajournal_read(struct ajournal *j, unsigned max, int64_t mono_to_rt_ns, struct audit_join *to);

/* At open: the journal already holds an audit-transport entry (journald collects audit). */
bool ajournal_has_audit(const struct ajournal *j);

#endif
