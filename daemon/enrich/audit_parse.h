/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Kernel audit records (AppArmor/SELinux AVC, SECCOMP, FANOTIFY, Landlock, SYSCALL, kmsg
 * Lockdown lines) parsed from a netlink datagram, a /dev/kmsg line or a journal entry. Pure.
 * Record text is hostile: every field is bounded and made printable.
 */
#ifndef EPERMD_AUDIT_PARSE_H
#define EPERMD_AUDIT_PARSE_H

#include <linux/audit.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "denial.h"

#ifndef MAX_AUDIT_MESSAGE_LENGTH
#define MAX_AUDIT_MESSAGE_LENGTH 8970 /* the kernel's bound on one record */
#endif
#define AUDIT_NL_BUF (MAX_AUDIT_MESSAGE_LENGTH + 256)

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

/* The record in one audit netlink datagram of n bytes: its type and text (not terminated).
 * 0, or -EINVAL when n is too short for a header. */
int audit_nl_record(const void *buf, size_t n, int *type, const char **text, size_t *len);

/* Parse one /dev/kmsg record ("6,seq,usec,-;text"): "audit: type=N ..." lines when
 * want_audit, "Lockdown: comm: what is restricted" lines always. mono_to_rt_ns converts the
 * kmsg (monotonic) stamp to realtime. Same returns as audit_parse_record(). */
int audit_parse_kmsg(const char *text, size_t len, bool want_audit, int64_t mono_to_rt_ns,
		     struct audit_rec *r);

/* One journal entry, as the journal source reads it (values without the "FIELD=" prefix,
 * NUL-terminated, NULL when the entry lacks the field). journald stores an audit record as
 * _TRANSPORT=audit, _AUDIT_TYPE=1326, _AUDIT_ID=<serial>, _SOURCE_REALTIME_TIMESTAMP=<the
 * record's stamp in µs> and MESSAGE="<TYPE_NAME> <the fields>"; kernel log lines as
 * _TRANSPORT=kernel with _SOURCE_MONOTONIC_TIMESTAMP. */
struct audit_jentry {
	const char *transport;	 /* _TRANSPORT */
	const char *type;	 /* _AUDIT_TYPE */
	const char *id;		 /* _AUDIT_ID */
	const char *source_rt;	 /* _SOURCE_REALTIME_TIMESTAMP, µs */
	const char *source_mono; /* _SOURCE_MONOTONIC_TIMESTAMP, µs (kernel lines) */
	const char *message;	 /* MESSAGE */
	uint64_t realtime_us;	 /* the entry's own time, when the source stamp is missing */
};

/* Rebuild the record text from an entry ("audit(<sec>.<msec>:<id>): <fields>", or a kmsg
 * line for a kernel "Lockdown:" line) and parse it with audit_parse_record() /
 * audit_parse_kmsg(). Same returns; -ENOENT for other transports. */
int audit_parse_journal(const struct audit_jentry *e, int64_t mono_to_rt_ns, struct audit_rec *r);

/* snprintf that truncates on purpose: record fields are bounded, the output is too */
void audit_putf(char *out, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
