/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The kernel audit join: a small reader thread keeps the last AUDIT_RING parsed audit records
 * that explain denials (AppArmor/SELinux AVC, SECCOMP, FANOTIFY, Landlock, SYSCALL, kmsg
 * Lockdown lines); the worker joins one with each denial by pid, syscall and time. No auditd:
 * the source is the audit netlink multicast group (CAP_AUDIT_READ), else /dev/kmsg.
 * Record text is hostile: every field is bounded and made printable.
 */
#ifndef EPERMD_AUDIT_H
#define EPERMD_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "denial.h"

#define AUDIT_RING  1024
#define AUDIT_FIELD 128

/* kinds kept only to complete other records (not joined on their own) */
enum {
	AU_SYSCALL = 100, /* SYSCALL 1300 with exit -EPERM/-EACCES: pid/syscall by serial */
	AU_LL_DOMAIN,	  /* LANDLOCK_DOMAIN 1424 status=allocated: the domain's creator pid */
};

struct audit_rec {
	int type;	 /* 1400 ...; 0 for a kmsg Lockdown line */
	int kind;	 /* enum dn_audit_kind or AU_* */
	uint64_t ts_ns;	 /* CLOCK_REALTIME, from audit(sec.msec:serial) or the kmsg stamp */
	uint32_t serial; /* 0 when none */
	int pid;	 /* 0 when the record has none */
	int syscall;	 /* -1 when the record has none */
	bool compat;	 /* arch= names a 32-bit ABI */
	long exit;	 /* SYSCALL: exit= */
	bool used;	 /* already joined with a denial */
	char comm[32];
	char name[AUDIT_FIELD]; /* name= / path= */
	char key[64];		/* AppArmor profile head, Landlock domain id */
	char detail[DN_STR];
	char rule[32];
	char line[DN_EVIDENCE_LEN];
};

/* Parse one record's text as netlink delivers it ("audit(1.2:3): k=v ...", an optional
 * "type=N " / "msg=" prefix is accepted). 0 = a record worth keeping, -ENOENT = not one
 * (a grant, permissive, another type), -EINVAL = malformed. */
int audit_parse_record(int type, const char *text, size_t len, struct audit_rec *r);

/* Parse one /dev/kmsg record ("6,seq,usec,-;text"): "audit: type=N ..." lines when
 * want_audit, "Lockdown: comm: what is restricted" lines always. mono_to_rt_ns converts the
 * kmsg (monotonic) stamp to realtime. Same returns as audit_parse_record(). */
int audit_parse_kmsg(const char *text, size_t len, bool want_audit, int64_t mono_to_rt_ns,
		     struct audit_rec *r);

/* Add a parsed record to the ring (oldest overwritten) and wake a waiting join. */
void audit_feed(const struct audit_rec *r);

/* Start the reader: netlink multicast, else /dev/kmsg. Never fatal: returns 0 when a source
 * is open, a negative errno when the join is unavailable (audit_status() says why). */
int audit_start(void);
void audit_stop(void); /* idempotent */
const char *audit_status(void);

/* Join a record to d (fills d->audit, marks the record used); true when one was joined.
 * wait: only when d->cause is unknown, lsm-unknown or fanotify without a rule, the reader
 * runs and the event is less than AUDIT_WAIT_MS old, wait for a late record until then. */
#define AUDIT_WAIT_MS 50
bool audit_annotate(struct denial *d, bool wait);

/* Tests: forget every record. */
void audit_reset(void);

#endif
