// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The sinks. Callers only format a record and queue it; one writer thread per sink does the
 * write()/sendto(), so a stalled terminal, pipe or journald can stall that thread but never the
 * pipeline. A full queue drops the record and counts it; a write the target refuses is counted
 * too. Alarms have a few queue slots of their own, so a diagnosis flood cannot crowd them out.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "escape.h"
#include "journal.h"
#include "msgids.h"
#include "names.h"
#include "cause.h"
#include "output.h"
#include "rofs.h"
#include "uring.h"
#include "clock.h"

#define SINK_QUEUE_CAP	      4096	 /* records waiting for the writer */
#define SINK_ALARM_RESERVE    64	 /* extra slots only alarms may use */
#define SINK_REC_MAX	      (64 << 10) /* worst case: every string field fully \u-escaped */
#define SINK_SEND_TIMEOUT_MS  1000
#define SINK_FLUSH_TIMEOUT_MS 2000
#define SINK_CLOSE_TIMEOUT_MS 3000

struct qent {
	char *buf;
	size_t len;
};

struct sink {
	enum out_format fmt;
	int fd;
	bool own_fd;
	char sock_path[108];

	pthread_t thread;
	bool thread_started;
	pthread_mutex_t lock;
	pthread_cond_t cv_work; /* writer waits for records */
	pthread_cond_t cv_idle; /* flush waits for an empty queue */
	struct qent q[SINK_QUEUE_CAP + SINK_ALARM_RESERVE];
	unsigned head, count;
	bool busy, stop;

	uint64_t written, dropped, refused, unavailable; /* __atomic */

	/* a fan-out (sink_open_multi): no queue or thread of its own, every call goes to each */
	bool multi;
	struct sink *sub[3];
	unsigned nsub;

	int alarm_max; /* alarms of a lower priority (a higher number) are not written */
};

/* ---- bounded string building ---- */

struct sbuf {
	char *p;
	size_t n;
	size_t len;
	bool over;
};

static void sb_raw(struct sbuf *b, const char *s, size_t len)
{
	if (b->over || b->len + len >= b->n) {
		b->over = true;
		return;
	}
	memcpy(b->p + b->len, s, len);
	b->len += len;
	b->p[b->len] = '\0';
}

static void sb_puts(struct sbuf *b, const char *s)
{
	sb_raw(b, s, strlen(s));
}

__attribute__((format(printf, 2, 3))) static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	size_t avail = b->n - b->len;
	va_list ap;
	int r;

	if (b->over)
		return;
	va_start(ap, fmt);
	r = vsnprintf(b->p + b->len, avail, fmt, ap);
	va_end(ap);
	if (r < 0 || (size_t)r >= avail) {
		b->p[b->len] = '\0';
		b->over = true;
		return;
	}
	b->len += (size_t)r;
}

static void sb_esc(struct sbuf *b, const char *s, size_t (*esc)(char *, size_t, const char *))
{
	size_t avail = b->n - b->len, need;

	if (b->over)
		return;
	need = esc(b->p + b->len, avail, s);
	if (need >= avail) {
		b->p[b->len] = '\0';
		b->over = true;
		return;
	}
	b->len += need;
}

/* ---- shared field helpers ---- */

static void fmt_time(char *out, size_t n, uint64_t ns)
{
	time_t sec = (time_t)(ns / 1000000000ull);
	struct tm tm;

	if (!gmtime_r(&sec, &tm)) {
		snprintf(out, n, "1970-01-01T00:00:00.000000000Z");
		return;
	}
	snprintf(out, n, "%04d-%02d-%02dT%02d:%02d:%02d.%09" PRIu64 "Z", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		 (uint64_t)(ns % 1000000000ull));
}

static const char *dn_syscall(const struct denial *d, char *tmp, size_t n)
{
	const char *s = syscall_name(d->ev.syscall_nr);

	if (s)
		return s;
	/* an io_uring operation without an equivalent syscall (NOP, MSG_RING ...) */
	if ((d->ev.flags & EP_F_IOURING) && uring_op_name(d->ev.uring_op)) {
		snprintf(tmp, n, "io_uring_%s", uring_op_name(d->ev.uring_op));
		return tmp;
	}
	snprintf(tmp, n, "syscall_%d", d->ev.syscall_nr);
	return tmp;
}

static const char *dn_errno(const struct denial *d, char *tmp, size_t n)
{
	const char *s;

	if (d->ev.ret == -EP_EPERM)
		return "EPERM";
	if (d->ev.ret == -EP_EACCES)
		return "EACCES";
	s = errno_name(-d->ev.ret);
	if (s)
		return s;
	snprintf(tmp, n, "errno_%d", -d->ev.ret);
	return tmp;
}

static const char *dn_cap(const struct denial *d, char *tmp, size_t n)
{
	const char *s;

	if (d->capability < 0)
		return NULL;
	s = cap_name(d->capability);
	if (s)
		return s;
	snprintf(tmp, n, "CAP_%d", d->capability);
	return tmp;
}

static const char *dn_lsm(const struct denial *d)
{
	const char *s;

	if (d->lsm < 0)
		return NULL;
	s = lsm_name(d->lsm);
	return s ? s : "unknown";
}

static const char *dn_path(const struct denial *d)
{
	return d->path[0] ? d->path : d->ev.path;
}

static uint64_t dn_count(const struct denial *d)
{
	return d->count ? d->count : 1;
}

static uint64_t dn_first(const struct denial *d)
{
	return d->first_seen_ns ? d->first_seen_ns : d->realtime_ns;
}

static uint64_t dn_last(const struct denial *d)
{
	return d->last_seen_ns ? d->last_seen_ns : d->realtime_ns;
}

static uint64_t dn_time(const struct denial *d, enum out_kind kind)
{
	return kind == OUT_SUMMARY ? dn_last(d) : d->realtime_ns;
}

static const struct {
	uint32_t bit;
	const char *name;
} flag_names[] = {
    {EP_F_PATH_TRUNC, "path_truncated"},
    {EP_F_PATH_FAULT, "path_fault"},
    {EP_F_EV_OVERFLOW, "evidence_overflow"},
    {EP_F_IOURING, "io_uring"},
};

/* ---- JSON ---- */

static void j_key(struct sbuf *b, const char *key)
{
	sb_puts(b, ",\"");
	sb_puts(b, key);
	sb_puts(b, "\":");
}

static void j_str(struct sbuf *b, const char *key, const char *val)
{
	j_key(b, key);
	sb_raw(b, "\"", 1);
	sb_esc(b, val ? val : "", json_escape);
	sb_raw(b, "\"", 1);
}

static void j_opt(struct sbuf *b, const char *key, const char *val)
{
	if (val && *val)
		j_str(b, key, val);
}

static void j_u64(struct sbuf *b, const char *key, uint64_t v)
{
	j_key(b, key);
	sb_printf(b, "%" PRIu64, v);
}

static void j_time(struct sbuf *b, const char *key, uint64_t ns)
{
	char t[48];

	fmt_time(t, sizeof(t), ns);
	j_str(b, key, t);
}

static void j_bool(struct sbuf *b, const char *key, bool v)
{
	j_key(b, key);
	sb_puts(b, v ? "true" : "false");
}

/* What stat, the ACL xattr and mountinfo said about the path, when it could be examined. */
static void j_file(struct sbuf *b, const struct dn_file *f)
{
	char mode[8];

	if (!f->valid)
		return;
	snprintf(mode, sizeof(mode), "%04o", (unsigned)(f->mode & 07777));
	j_key(b, "file");
	sb_puts(b, "{\"mode\":\"");
	sb_puts(b, mode);
	sb_puts(b, "\"");
	j_u64(b, "uid", f->uid);
	j_u64(b, "gid", f->gid);
	j_bool(b, "acl", f->has_acl);
	j_opt(b, "acl_text", f->acl_text);
	if (f->flags_valid) {
		j_bool(b, "immutable", f->immutable);
		j_bool(b, "append_only", f->append_only);
	}
	j_opt(b, "mount_point", f->mount_point);
	j_opt(b, "mount_options", f->mount_opts);
	j_opt(b, "fstype", f->fstype);
	sb_raw(b, "}", 1);
}

/* "name","name" of the DN_FACT_* bits in m; sep between them */
static void facts_list(struct sbuf *b, unsigned m, const char *q, const char *sep)
{
	const char *s = "";

	for (int i = 0; i < DN_FACT__N; i++) {
		if (!(m & (1u << i)))
			continue;
		sb_printf(b, "%s%s%s%s", s, q, cause_fact_name(1u << i), q);
		s = sep;
	}
}

static void j_facts(struct sbuf *b, const struct denial *d)
{
	j_key(b, "facts");
	sb_puts(b, "{\"at_denial\":[");
	facts_list(b, d->facts_at_denial, "\"", ",");
	sb_puts(b, "],\"later\":[");
	facts_list(b, d->facts_later, "\"", ",");
	sb_puts(b, "]}");
}

/* An EROFS denial's mount: "readonly", "mount_point", "mount_id", "mntns", "mntns_private" */
static void j_rofs(struct sbuf *b, const struct denial *d)
{
	const struct dn_rofs *r = &d->rofs;

	if (d->ev.ret != -EP_EROFS)
		return;
	j_opt(b, "readonly", rofs_kind_name(r->kind));
	j_opt(b, "mount_point", r->mount_point);
	if (r->mnt_id)
		j_u64(b, "mount_id", r->mnt_id);
	if (d->ev.mntns_ino) {
		j_u64(b, "mntns", d->ev.mntns_ino);
		j_bool(b, "mntns_private", r->private_ns);
	}
}

/* "io_uring":{"op":"OPENAT","opcode":18,"user_data":N,"thread":TID,"worker":BOOL} */
static void j_uring(struct sbuf *b, const struct ep_event *ev)
{
	const char *op = uring_op_name(ev->uring_op);
	bool worker = ev->uring_tid && ev->uring_tid != ev->tid;

	if (!(ev->flags & EP_F_IOURING))
		return;
	j_key(b, "io_uring");
	sb_raw(b, "{", 1);
	sb_printf(b, "\"op\":\"%s\",\"opcode\":%u,\"user_data\":%llu,\"thread\":%u,\"worker\":%s}",
		  op ? op : "UNKNOWN", ev->uring_op, (unsigned long long)ev->uring_user_data,
		  ev->uring_tid, worker ? "true" : "false");
}

int denial_to_json(const struct denial *d, enum out_kind kind, char *buf, size_t n)
{
	struct sbuf b = {.p = buf, .n = n};
	char t1[32], t2[32], t3[32];
	const char *sep = "";

	if (n == 0)
		return -ENOSPC;
	buf[0] = '\0';
	sb_puts(&b, kind == OUT_SUMMARY ? "{\"type\":\"summary\"" : "{\"type\":\"denial\"");
	j_time(&b, "time", dn_time(d, kind));
	j_u64(&b, "seq", d->ev.seq);
	j_u64(&b, "pid", d->ev.pid);
	j_u64(&b, "tid", d->ev.tid);
	j_u64(&b, "ppid", d->ev.ppid);
	j_u64(&b, "uid", d->ev.uid);
	j_u64(&b, "gid", d->ev.gid);
	j_str(&b, "comm", d->ev.comm);
	j_str(&b, "exe", d->proc.exe);
	j_opt(&b, "container", d->proc.container);
	j_opt(&b, "unit", d->proc.unit);
	j_str(&b, "syscall", dn_syscall(d, t1, sizeof(t1)));
	j_key(&b, "syscall_nr");
	sb_printf(&b, "%d", d->ev.syscall_nr);
	j_uring(&b, &d->ev);
	j_str(&b, "errno", dn_errno(d, t2, sizeof(t2)));
	j_opt(&b, "path", dn_path(d));
	j_opt(&b, "target", d->target);
	j_file(&b, &d->file);
	j_str(&b, "cause", cause_name(d->cause));
	j_opt(&b, "capability", dn_cap(d, t3, sizeof(t3)));
	j_opt(&b, "lsm", dn_lsm(d));
	j_opt(&b, "lsm_detail", d->lsm_detail);
	j_opt(&b, "flag", d->flag);
	j_opt(&b, "mount_option", d->mount_option);
	j_rofs(&b, d);
	j_opt(&b, "listener", d->listener);
	j_opt(&b, "sysctl", d->sysctl_name);
	j_opt(&b, "sysctl_value", d->sysctl_value);
	j_opt(&b, "rule", d->rule);
	j_opt(&b, "unit_directive", d->unit_directive);
	j_opt(&b, "unit_directive_value", d->unit_directive_value);
	j_opt(&b, "unit_dropin", d->unit_dropin);
	j_key(&b, "evidence");
	sb_raw(&b, "[", 1);
	for (int i = 0; i < d->n_evidence && i < DN_MAX_EVIDENCE; i++) {
		sb_puts(&b, i ? ",\"" : "\"");
		sb_esc(&b, d->evidence[i], json_escape);
		sb_raw(&b, "\"", 1);
	}
	sb_raw(&b, "]", 1);
	j_facts(&b, d);
	j_str(&b, "diagnosis", d->diagnosis);
	j_str(&b, "fix", d->fix);
	j_str(&b, "validate", d->validate);
	j_u64(&b, "count", dn_count(d));
	j_time(&b, "first_seen", dn_first(d));
	j_time(&b, "last_seen", dn_last(d));
	j_u64(&b, "incident", d->incident_id);
	j_key(&b, "flags");
	sb_raw(&b, "[", 1);
	for (size_t i = 0; i < sizeof(flag_names) / sizeof(flag_names[0]); i++) {
		if (!(d->ev.flags & flag_names[i].bit))
			continue;
		sb_printf(&b, "%s\"%s\"", sep, flag_names[i].name);
		sep = ",";
	}
	sb_raw(&b, "]", 1);
	j_key(&b, "args");
	sb_printf(&b, "[%llu,%llu,%llu,%llu,%llu,%llu]}", (unsigned long long)d->ev.args[0],
		  (unsigned long long)d->ev.args[1], (unsigned long long)d->ev.args[2],
		  (unsigned long long)d->ev.args[3], (unsigned long long)d->ev.args[4],
		  (unsigned long long)d->ev.args[5]);
	if (b.over)
		return -ENOSPC;
	return (int)b.len;
}

int alarm_to_json(int prio, const char *msg_id, const char *msg, uint64_t realtime_ns, char *buf,
		  size_t n)
{
	struct sbuf b = {.p = buf, .n = n};

	if (n == 0)
		return -ENOSPC;
	buf[0] = '\0';
	sb_puts(&b, "{\"type\":\"alarm\"");
	j_time(&b, "time", realtime_ns ? realtime_ns : clock_ns(CLOCK_REALTIME));
	j_u64(&b, "priority", (uint64_t)(prio < 0 ? 0 : prio));
	j_opt(&b, "message_id", msg_id);
	j_str(&b, "message", msg);
	sb_raw(&b, "}", 1);
	return b.over ? -ENOSPC : (int)b.len;
}

int stats_to_json(const struct out_stat *st, unsigned nst, uint64_t realtime_ns, char *buf,
		  size_t n)
{
	struct sbuf b = {.p = buf, .n = n};

	if (n == 0)
		return -ENOSPC;
	buf[0] = '\0';
	sb_puts(&b, "{\"type\":\"stats\"");
	j_time(&b, "time", realtime_ns ? realtime_ns : clock_ns(CLOCK_REALTIME));
	for (unsigned i = 0; i < nst; i++) {
		sb_puts(&b, ",\"");
		sb_esc(&b, st[i].name, json_escape);
		sb_printf(&b, "\":%" PRIu64, st[i].value);
	}
	sb_raw(&b, "}", 1);
	return b.over ? -ENOSPC : (int)b.len;
}

/* ---- text ---- */

static void t_str(struct sbuf *b, const char *s)
{
	sb_esc(b, s, text_escape);
}

int denial_to_text(const struct denial *d, enum out_kind kind, char *buf, size_t n)
{
	struct sbuf b = {.p = buf, .n = n};
	char t[48], tmp[32];
	const char *detail;

	if (n == 0)
		return -ENOSPC;
	buf[0] = '\0';
	fmt_time(t, sizeof(t), dn_time(d, kind));
	sb_printf(&b, "%s %s ", t, dn_errno(d, tmp, sizeof(tmp)));
	sb_puts(&b, dn_syscall(d, tmp, sizeof(tmp)));
	if ((d->ev.flags & EP_F_IOURING) && uring_op_name(d->ev.uring_op))
		sb_printf(&b, " (io_uring %s)", uring_op_name(d->ev.uring_op));
	sb_raw(&b, " ", 1);
	t_str(&b, d->ev.comm);
	sb_printf(&b, "[%u] uid=%u", d->ev.pid, d->ev.uid);
	if (dn_path(d)[0]) {
		sb_puts(&b, " path='");
		t_str(&b, dn_path(d));
		sb_raw(&b, "'", 1);
	}
	if (d->target[0]) {
		sb_puts(&b, " target='");
		t_str(&b, d->target);
		sb_raw(&b, "'", 1);
	}
	if (d->proc.container[0]) {
		sb_puts(&b, " container=");
		t_str(&b, d->proc.container);
	}
	if (d->proc.unit[0]) {
		sb_puts(&b, " unit=");
		t_str(&b, d->proc.unit);
	}
	sb_puts(&b, "\n  cause: ");
	sb_puts(&b, cause_name(d->cause));
	detail = dn_cap(d, tmp, sizeof(tmp));
	if (!detail)
		detail = d->lsm >= 0 ? dn_lsm(d) : NULL;
	if (!detail || !*detail)
		detail = d->flag[0] ? d->flag : d->mount_option;
	if (d->ev.ret == -EP_EROFS && d->rofs.kind)
		detail = d->rofs.kind == DN_RO_MOUNT ? "read-only mount" : "read-only filesystem";
	if (!*detail)
		detail = d->sysctl_name[0] ? d->sysctl_name : d->listener;
	if (*detail) {
		sb_puts(&b, " (");
		t_str(&b, detail);
		sb_raw(&b, ")", 1);
	}
	if (d->diagnosis[0]) {
		sb_puts(&b, " \xe2\x80\x94 "); /* em dash */
		sb_esc(&b, d->diagnosis, text_escape_cmd);
	}
	sb_raw(&b, "\n", 1);
	if (kind == OUT_SUMMARY) {
		fmt_time(t, sizeof(t), dn_first(d));
		sb_printf(&b, "  repeated: %" PRIu64 " times since %s (incident %" PRIu64 ")\n",
			  dn_count(d), t, d->incident_id);
		goto out;
	}
	if (d->unit_directive[0]) {
		sb_puts(&b, "  unit: ");
		t_str(&b, d->proc.unit);
		sb_puts(&b, " denies it with ");
		t_str(&b, d->unit_directive);
		sb_raw(&b, "=", 1);
		t_str(&b, d->unit_directive_value);
		sb_raw(&b, "\n", 1);
	}
	if (d->fix[0]) {
		sb_puts(&b, "  fix: ");
		sb_esc(&b, d->fix, text_escape_cmd);
		sb_raw(&b, "\n", 1);
	}
	if (d->validate[0]) {
		sb_puts(&b, "  check: ");
		sb_esc(&b, d->validate, text_escape_cmd);
		sb_raw(&b, "\n", 1);
	}
	for (int i = 0; i < d->n_evidence && i < DN_MAX_EVIDENCE; i++) {
		sb_puts(&b, i ? "; " : "  evidence: ");
		sb_esc(&b, d->evidence[i], text_escape_cmd);
		if (i + 1 == d->n_evidence || i + 1 == DN_MAX_EVIDENCE)
			sb_raw(&b, "\n", 1);
	}
	if (d->facts_later) {
		sb_puts(&b, "  observed later: ");
		facts_list(&b, d->facts_later, "", ", ");
		sb_raw(&b, "\n", 1);
	}
out:
	return b.over ? -ENOSPC : (int)b.len;
}

/* ---- journal native records: "FIELD=value\n", values escaped like JSON bodies ---- */

static void jr_field(struct sbuf *b, const char *name, const char *val)
{
	sb_puts(b, name);
	sb_raw(b, "=", 1);
	sb_esc(b, val ? val : "", json_escape);
	sb_raw(b, "\n", 1);
}

static void jr_opt(struct sbuf *b, const char *name, const char *val)
{
	if (val && *val)
		jr_field(b, name, val);
}

static void jr_u64(struct sbuf *b, const char *name, uint64_t v)
{
	sb_printf(b, "%s=%" PRIu64 "\n", name, v);
}

static void jr_time(struct sbuf *b, const char *name, uint64_t ns)
{
	char t[48];

	fmt_time(t, sizeof(t), ns);
	jr_field(b, name, t);
}

static void jr_head(struct sbuf *b, int prio, const char *msg_id, const char *type)
{
	sb_printf(b, "PRIORITY=%d\nSYSLOG_IDENTIFIER=epermd\n", prio);
	if (msg_id && *msg_id)
		jr_field(b, "MESSAGE_ID", msg_id);
	jr_field(b, "EPERM_TYPE", type);
}

int denial_to_journal(const struct denial *d, enum out_kind kind, char *buf, size_t n)
{
	struct sbuf b = {.p = buf, .n = n};
	char t1[32], t2[32], t3[32], first[48], msg[1400];
	const char *sc = dn_syscall(d, t1, sizeof(t1)), *err = dn_errno(d, t2, sizeof(t2));
	const char *sep = "";

	if (n == 0)
		return -ENOSPC;
	buf[0] = '\0';
	jr_head(&b, kind == OUT_SUMMARY ? LOG_NOTICE : LOG_INFO, msgid_for_denial(d),
		kind == OUT_SUMMARY ? "summary" : "denial");
	if (d->diagnosis[0])
		snprintf(msg, sizeof(msg), "%s", d->diagnosis);
	else
		snprintf(msg, sizeof(msg), "%s[%u]: %s failed with %s (cause: %s)", d->ev.comm,
			 d->ev.pid, sc, err, cause_name(d->cause));
	if (kind == OUT_SUMMARY) {
		size_t l = strlen(msg);

		fmt_time(first, sizeof(first), dn_first(d));
		snprintf(msg + l, sizeof(msg) - l, " [repeated %" PRIu64 " times since %s]",
			 dn_count(d), first);
	}
	jr_field(&b, "MESSAGE", msg);
	jr_field(&b, "EPERM_CAUSE", cause_name(d->cause));
	jr_field(&b, "EPERM_SYSCALL", sc);
	sb_printf(&b, "EPERM_SYSCALL_NR=%d\n", d->ev.syscall_nr);
	jr_field(&b, "EPERM_ERRNO", err);
	jr_u64(&b, "EPERM_SEQ", d->ev.seq);
	jr_u64(&b, "EPERM_PID", d->ev.pid);
	jr_u64(&b, "EPERM_TID", d->ev.tid);
	jr_u64(&b, "EPERM_PPID", d->ev.ppid);
	jr_u64(&b, "EPERM_UID", d->ev.uid);
	jr_u64(&b, "EPERM_GID", d->ev.gid);
	jr_field(&b, "EPERM_COMM", d->ev.comm);
	jr_field(&b, "EPERM_EXE", d->proc.exe); /* always, like "exe" in JSON */
	jr_opt(&b, "EPERM_PATH", dn_path(d));
	jr_opt(&b, "EPERM_TARGET", d->target);
	jr_opt(&b, "EPERM_CONTAINER", d->proc.container);
	jr_opt(&b, "EPERM_UNIT", d->proc.unit);
	jr_opt(&b, "EPERM_CAPABILITY", dn_cap(d, t3, sizeof(t3)));
	jr_opt(&b, "EPERM_LSM", dn_lsm(d));
	jr_opt(&b, "EPERM_LSM_DETAIL", d->lsm_detail);
	jr_opt(&b, "EPERM_FLAG", d->flag);
	jr_opt(&b, "EPERM_MOUNT_OPTION", d->mount_option);
	if (d->ev.ret == -EP_EROFS) {
		jr_opt(&b, "EPERM_READONLY", rofs_kind_name(d->rofs.kind));
		jr_opt(&b, "EPERM_MOUNT_POINT", d->rofs.mount_point);
		if (d->rofs.mnt_id)
			jr_u64(&b, "EPERM_MOUNT_ID", d->rofs.mnt_id);
		if (d->ev.mntns_ino) {
			jr_u64(&b, "EPERM_MNTNS", d->ev.mntns_ino);
			jr_u64(&b, "EPERM_MNTNS_PRIVATE", d->rofs.private_ns);
		}
	}
	jr_opt(&b, "EPERM_LISTENER", d->listener);
	jr_opt(&b, "EPERM_SYSCTL", d->sysctl_name);
	jr_opt(&b, "EPERM_SYSCTL_VALUE", d->sysctl_value);
	jr_opt(&b, "EPERM_RULE", d->rule);
	jr_opt(&b, "EPERM_UNIT_DIRECTIVE", d->unit_directive);
	jr_opt(&b, "EPERM_UNIT_DIRECTIVE_VALUE", d->unit_directive_value);
	jr_opt(&b, "EPERM_UNIT_DROPIN", d->unit_dropin);
	for (int i = 0; i < d->n_evidence && i < DN_MAX_EVIDENCE; i++)
		jr_field(&b, "EPERM_EVIDENCE", d->evidence[i]);
	if (d->facts_later) {
		sb_puts(&b, "EPERM_FACTS_LATER=");
		facts_list(&b, d->facts_later, "", ",");
		sb_raw(&b, "\n", 1);
	}
	if (d->facts_at_denial) {
		sb_puts(&b, "EPERM_FACTS_AT_DENIAL=");
		facts_list(&b, d->facts_at_denial, "", ",");
		sb_raw(&b, "\n", 1);
	}
	jr_opt(&b, "EPERM_FIX", d->fix);
	jr_opt(&b, "EPERM_VALIDATE", d->validate);
	jr_u64(&b, "EPERM_COUNT", dn_count(d));
	jr_time(&b, "EPERM_FIRST_SEEN", dn_first(d));
	jr_time(&b, "EPERM_LAST_SEEN", dn_last(d));
	jr_u64(&b, "EPERM_INCIDENT", d->incident_id);
	if (d->ev.flags & (EP_F_PATH_TRUNC | EP_F_PATH_FAULT | EP_F_EV_OVERFLOW)) {
		sb_puts(&b, "EPERM_FLAGS=");
		for (size_t i = 0; i < sizeof(flag_names) / sizeof(flag_names[0]); i++) {
			if (!(d->ev.flags & flag_names[i].bit))
				continue;
			sb_printf(&b, "%s%s", sep, flag_names[i].name);
			sep = " ";
		}
		sb_raw(&b, "\n", 1);
	}
	return b.over ? -ENOSPC : (int)b.len;
}

/* ---- the sink object ---- */

static uint64_t ld(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static void inc(uint64_t *p)
{
	__atomic_add_fetch(p, 1, __ATOMIC_RELAXED);
}

static int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t w = write(fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

static void sink_write_one(struct sink *s, const struct qent *e)
{
	int err;

	if (s->fmt == OUT_JOURNAL) {
		err = journal_send(s->fd, s->sock_path, e->buf, e->len);
	} else {
		err = write_all(s->fd, e->buf, e->len);
		if (err == -EPIPE) {
			/* consume the SIGPIPE this thread has blocked */
			sigset_t set;
			struct timespec zero = {0, 0};

			sigemptyset(&set);
			sigaddset(&set, SIGPIPE);
			(void)sigtimedwait(&set, NULL, &zero);
		}
	}
	if (!err) {
		inc(&s->written);
		return;
	}
	inc(&s->refused);
	if (err == -ENOENT || err == -ECONNREFUSED || err == -ENOTCONN)
		inc(&s->unavailable);
}

static void *sink_thread(void *arg)
{
	struct sink *s = arg;
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL);

	pthread_mutex_lock(&s->lock);
	for (;;) {
		struct qent e;
		unsigned cap = SINK_QUEUE_CAP + SINK_ALARM_RESERVE;

		while (!s->count && !s->stop)
			pthread_cond_wait(&s->cv_work, &s->lock);
		if (!s->count)
			break;
		e = s->q[s->head];
		s->head = (s->head + 1) % cap;
		s->count--;
		s->busy = true;
		pthread_mutex_unlock(&s->lock);

		/* the only place a stuck target can hold us: let sink_close cancel it */
		pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, NULL);
		sink_write_one(s, &e);
		pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL);
		free(e.buf);

		pthread_mutex_lock(&s->lock);
		s->busy = false;
		if (!s->count)
			pthread_cond_broadcast(&s->cv_idle);
	}
	s->busy = false;
	pthread_cond_broadcast(&s->cv_idle);
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

/* Takes ownership of buf. Returns 0 or -ENOBUFS (dropped, counted). */
static int sink_push(struct sink *s, char *buf, size_t len, bool alarm)
{
	unsigned cap = SINK_QUEUE_CAP + SINK_ALARM_RESERVE;
	unsigned limit = alarm ? cap : SINK_QUEUE_CAP;
	int err = 0;

	pthread_mutex_lock(&s->lock);
	if (s->count >= limit || s->stop) {
		err = -ENOBUFS;
		goto cleanup;
	}
	s->q[(s->head + s->count) % cap] = (struct qent){.buf = buf, .len = len};
	s->count++;
	buf = NULL;
	pthread_cond_signal(&s->cv_work);
cleanup:
	pthread_mutex_unlock(&s->lock);
	if (err) {
		free(buf);
		inc(&s->dropped);
	}
	return err;
}

/* Format with fn into a fresh buffer and queue it; the JSON forms get their newline here. */
static int sink_emit(struct sink *s, int len, char *buf, bool alarm)
{
	char *shrunk;

	if (len < 0) {
		free(buf);
		inc(&s->dropped);
		return len;
	}
	if (s->fmt == OUT_JSON)
		buf[len++] = '\n'; /* the formatters leave room: they stop at n - 1 */
	shrunk = realloc(buf, (size_t)len + 1);
	if (shrunk)
		buf = shrunk;
	return sink_push(s, buf, (size_t)len, alarm);
}

static char *rec_alloc(struct sink *s)
{
	char *buf = malloc(SINK_REC_MAX);

	if (!buf)
		inc(&s->dropped);
	return buf;
}

int sink_denial(struct sink *s, const struct denial *d, enum out_kind kind)
{
	char *buf;
	int len, ret = 0;

	if (s->nsub) {
		for (unsigned i = 0; i < s->nsub; i++) {
			len = sink_denial(s->sub[i], d, kind);
			if (len && !ret)
				ret = len;
		}
		return ret;
	}
	buf = rec_alloc(s);
	if (!buf)
		return -ENOMEM;
	switch (s->fmt) {
	case OUT_JSON:
		len = denial_to_json(d, kind, buf, SINK_REC_MAX - 1);
		break;
	case OUT_JOURNAL:
		len = denial_to_journal(d, kind, buf, SINK_REC_MAX);
		break;
	default:
		len = denial_to_text(d, kind, buf, SINK_REC_MAX);
		break;
	}
	return sink_emit(s, len, buf, false);
}

static const char *prio_name(int prio)
{
	static const char *const names[] = {"emerg",   "alert",	 "crit", "err",
					    "warning", "notice", "info", "debug"};

	return prio >= 0 && prio <= 7 ? names[prio] : "warning";
}

/* an extra field's JSON key: EPERM_GAP_SECONDS -> gap_seconds */
static void j_field_key(struct sbuf *b, const char *name)
{
	if (!strncmp(name, "EPERM_", 6))
		name += 6;
	sb_puts(b, ",\"");
	for (const char *c = name; *c; c++) {
		char l = *c >= 'A' && *c <= 'Z' ? (char)(*c - 'A' + 'a') : *c;

		if (!((l >= 'a' && l <= 'z') || (l >= '0' && l <= '9')))
			l = '_';
		sb_raw(b, &l, 1);
	}
	sb_puts(b, "\":");
}

static int alarm_emit(struct sink *s, int prio, const char *msg_id, const struct out_field *f,
		      unsigned nf, const char *msg)
{
	char *buf, t[48];
	struct sbuf b;
	int len, ret = 0;

	if (prio > s->alarm_max)
		return 0;
	if (s->nsub) {
		for (unsigned i = 0; i < s->nsub; i++) {
			len = alarm_emit(s->sub[i], prio, msg_id, f, nf, msg);
			if (len && !ret)
				ret = len;
		}
		return ret;
	}
	buf = rec_alloc(s);
	if (!buf)
		return -ENOMEM;
	b = (struct sbuf){.p = buf, .n = SINK_REC_MAX};
	switch (s->fmt) {
	case OUT_JSON:
		len = alarm_to_json(prio, msg_id, msg, 0, buf, SINK_REC_MAX - 1);
		if (len > 0 && nf) {
			/* the fields go in before the closing brace */
			b.len = (size_t)len - 1;
			b.n = SINK_REC_MAX - 1;
			for (unsigned i = 0; i < nf; i++) {
				j_field_key(&b, f[i].name);
				sb_raw(&b, "\"", 1);
				sb_esc(&b, f[i].value ? f[i].value : "", json_escape);
				sb_raw(&b, "\"", 1);
			}
			sb_raw(&b, "}", 1);
			len = b.over ? -ENOSPC : (int)b.len;
		}
		break;
	case OUT_JOURNAL:
		jr_head(&b, prio, msg_id, "alarm");
		jr_field(&b, "MESSAGE", msg);
		for (unsigned i = 0; i < nf; i++)
			jr_field(&b, f[i].name, f[i].value);
		len = b.over ? -ENOSPC : (int)b.len;
		break;
	default:
		fmt_time(t, sizeof(t), clock_ns(CLOCK_REALTIME));
		sb_printf(&b, "%s ALARM %s: ", t, prio_name(prio));
		t_str(&b, msg);
		sb_raw(&b, "\n", 1);
		len = b.over ? -ENOSPC : (int)b.len;
		break;
	}
	return sink_emit(s, len, buf, true);
}

int sink_alarm(struct sink *s, int prio, const char *msg_id, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return alarm_emit(s, prio, msg_id, NULL, 0, msg);
}

void sink_set_alarm_max(struct sink *s, int prio)
{
	s->alarm_max = prio;
}

int sink_alarm_fields(struct sink *s, int prio, const char *msg_id, const struct out_field *f,
		      unsigned nf, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return alarm_emit(s, prio, msg_id, f, nf, msg);
}

static int stats_emit(struct sink *s, const char *msg_id, const char *lead,
		      const struct out_stat *st, unsigned nst)
{
	char *buf, t[48];
	struct sbuf b;
	int len, ret = 0;

	if (s->nsub) {
		for (unsigned i = 0; i < s->nsub; i++) {
			len = stats_emit(s->sub[i], msg_id, lead, st, nst);
			if (len && !ret)
				ret = len;
		}
		return ret;
	}
	buf = rec_alloc(s);
	if (!buf)
		return -ENOMEM;
	b = (struct sbuf){.p = buf, .n = SINK_REC_MAX};
	switch (s->fmt) {
	case OUT_JSON:
		len = stats_to_json(st, nst, 0, buf, SINK_REC_MAX - 1);
		break;
	case OUT_JOURNAL:
		jr_head(&b, LOG_INFO, msg_id, "stats");
		sb_puts(&b, "MESSAGE=");
		sb_puts(&b, lead);
		for (unsigned i = 0; i < nst; i++) {
			sb_raw(&b, " ", 1);
			sb_esc(&b, st[i].name, json_escape);
			sb_printf(&b, "=%" PRIu64, st[i].value);
		}
		sb_raw(&b, "\n", 1);
		for (unsigned i = 0; i < nst; i++) {
			sb_puts(&b, "EPERM_STAT_");
			for (const char *c = st[i].name; *c && b.len + 1 < b.n; c++) {
				char u = *c >= 'a' && *c <= 'z' ? (char)(*c - 'a' + 'A') : *c;

				if (!((u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9')))
					u = '_';
				sb_raw(&b, &u, 1);
			}
			sb_printf(&b, "=%" PRIu64 "\n", st[i].value);
		}
		len = b.over ? -ENOSPC : (int)b.len;
		break;
	default:
		fmt_time(t, sizeof(t), clock_ns(CLOCK_REALTIME));
		sb_printf(&b, "%s stats:", t);
		for (unsigned i = 0; i < nst; i++) {
			sb_raw(&b, " ", 1);
			t_str(&b, st[i].name);
			sb_printf(&b, "=%" PRIu64, st[i].value);
		}
		sb_raw(&b, "\n", 1);
		len = b.over ? -ENOSPC : (int)b.len;
		break;
	}
	return sink_emit(s, len, buf, true);
}

int sink_stats(struct sink *s, const struct out_stat *st, unsigned nst)
{
	return stats_emit(s, EP_MSGID_STATS, "epermd statistics:", st, nst);
}

int sink_final_stats(struct sink *s, const struct out_stat *st, unsigned nst)
{
	return stats_emit(s, EP_MSGID_STOP, "epermd stopped; final counters:", st, nst);
}

int out_format_from_name(const char *s)
{
	if (!s)
		return -1;
	if (!strcmp(s, "text"))
		return OUT_TEXT;
	if (!strcmp(s, "json"))
		return OUT_JSON;
	if (!strcmp(s, "journal"))
		return OUT_JOURNAL;
	return -1;
}

int sink_open(enum out_format fmt, const char *path, struct sink **out)
{
	pthread_condattr_t ca;
	struct sink *s;
	const char *sp;
	int err;

	*out = NULL;
	if (fmt != OUT_TEXT && fmt != OUT_JSON && fmt != OUT_JOURNAL)
		return -EINVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->fmt = fmt;
	s->fd = -1;
	s->alarm_max = LOG_DEBUG;
	pthread_mutex_init(&s->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->cv_work, &ca);
	pthread_cond_init(&s->cv_idle, &ca);
	pthread_condattr_destroy(&ca);

	if (fmt == OUT_JOURNAL) {
		sp = getenv("EPERMD_JOURNAL_SOCKET");
		if (!sp || !*sp)
			sp = JOURNAL_SOCKET_DEFAULT;
		if (strlen(sp) >= sizeof(s->sock_path)) {
			err = -ENAMETOOLONG;
			goto cleanup;
		}
		strcpy(s->sock_path, sp);
		s->fd = journal_socket(SINK_SEND_TIMEOUT_MS);
		if (s->fd < 0) {
			err = s->fd;
			goto cleanup;
		}
		s->own_fd = true;
	} else if (!path || !strcmp(path, "-")) {
		s->fd = STDOUT_FILENO;
	} else if (!strcmp(path, SINK_STDERR)) {
		s->fd = STDERR_FILENO; /* never reopened: that would truncate a 2>>log */
	} else {
		s->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, 0640);
		if (s->fd < 0) {
			err = -errno;
			goto cleanup;
		}
		s->own_fd = true;
	}
	err = -pthread_create(&s->thread, NULL, sink_thread, s);
	if (err)
		goto cleanup;
	s->thread_started = true;
	*out = s;
	return 0;
cleanup:
	sink_close(s);
	return err;
}

int sink_open_multi(unsigned sinks, const char *path, struct sink **out)
{
	enum out_format order[] = {OUT_JOURNAL, OUT_JSON, OUT_TEXT};
	struct sink *s;
	unsigned n = 0;
	int err = 0;

	*out = NULL;
	if (!sinks || (sinks & ~((1u << OUT_TEXT) | (1u << OUT_JSON) | (1u << OUT_JOURNAL))))
		return -EINVAL;
	for (unsigned i = 0; i < 3; i++)
		n += !!(sinks & (1u << order[i]));
	if (n == 1)
		return sink_open((enum out_format)__builtin_ctz(sinks), path, out);
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->fd = -1;
	s->alarm_max = LOG_DEBUG;
	s->multi = true;
	for (unsigned i = 0; i < 3; i++) {
		if (!(sinks & (1u << order[i])))
			continue;
		err = sink_open(order[i], path, &s->sub[s->nsub]);
		if (err)
			goto cleanup;
		if (!s->nsub)
			s->fmt = order[i];
		s->nsub++;
	}
	*out = s;
	return 0;
cleanup:
	sink_close(s);
	return err;
}

static void deadline_in(struct timespec *ts, int ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

/* Wait until the writer has nothing left; false on timeout. Called with the lock held. */
static bool sink_wait_idle(struct sink *s, int ms)
{
	struct timespec ts;

	deadline_in(&ts, ms);
	while (s->count || s->busy)
		if (pthread_cond_timedwait(&s->cv_idle, &s->lock, &ts) == ETIMEDOUT)
			return !(s->count || s->busy);
	return true;
}

void sink_flush(struct sink *s)
{
	if (s && s->nsub)
		for (unsigned i = 0; i < s->nsub; i++)
			sink_flush(s->sub[i]);
	if (!s || !s->thread_started)
		return;
	pthread_mutex_lock(&s->lock);
	sink_wait_idle(s, SINK_FLUSH_TIMEOUT_MS);
	pthread_mutex_unlock(&s->lock);
}

void sink_close(struct sink *s)
{
	unsigned cap = SINK_QUEUE_CAP + SINK_ALARM_RESERVE;

	if (!s)
		return;
	if (s->multi) {
		for (unsigned i = 0; i < s->nsub; i++)
			sink_close(s->sub[i]);
		free(s);
		return;
	}
	if (s->thread_started) {
		pthread_mutex_lock(&s->lock);
		sink_wait_idle(s, SINK_CLOSE_TIMEOUT_MS);
		s->stop = true;
		pthread_cond_broadcast(&s->cv_work);
		if (s->busy) /* stuck in write(): cancellation is enabled only there */
			pthread_cancel(s->thread);
		pthread_mutex_unlock(&s->lock);
		pthread_join(s->thread, NULL);
	}
	/* whatever the writer could not take is lost: count it */
	for (; s->count; s->count--, s->head = (s->head + 1) % cap) {
		free(s->q[s->head].buf);
		inc(&s->dropped);
	}
	if (s->own_fd && s->fd >= 0)
		close(s->fd);
	pthread_cond_destroy(&s->cv_work);
	pthread_cond_destroy(&s->cv_idle);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

uint64_t sink_dropped(const struct sink *s)
{
	uint64_t sum = 0;

	if (s && s->multi) {
		for (unsigned i = 0; i < s->nsub; i++)
			sum += sink_dropped(s->sub[i]);
		return sum;
	}
	return s ? ld(&s->dropped) + ld(&s->refused) : 0;
}

void sink_get_counters(const struct sink *s, struct sink_counters *c)
{
	memset(c, 0, sizeof(*c));
	if (!s)
		return;
	if (s->multi) {
		for (unsigned i = 0; i < s->nsub; i++) {
			struct sink_counters one;

			sink_get_counters(s->sub[i], &one);
			c->written += one.written;
			c->dropped += one.dropped;
			c->refused += one.refused;
			c->unavailable += one.unavailable;
		}
		return;
	}
	c->written = ld(&s->written);
	c->dropped = ld(&s->dropped);
	c->refused = ld(&s->refused);
	c->unavailable = ld(&s->unavailable);
}
