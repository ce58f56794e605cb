// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The field table of the denial record (fields.h): what each output format calls a field and
 * where its value comes from. Getters only read the denial; they never format for a sink.
 */
#include <inttypes.h>
#include <stdio.h>
#include <time.h>

#include "cause.h"
#include "fields.h"
#include "escape.h"
#include "names.h"
#include "rofs.h"
#include "uring.h"

/* ---- values shared with the encoders' fixed layouts ---- */

void fmt_time(char *out, size_t n, uint64_t ns)
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

const char *dn_syscall(const struct denial *d, char *tmp, size_t n)
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

const char *dn_errno(const struct denial *d, char *tmp, size_t n)
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

uint64_t dn_count(const struct out_rec *r)
{
	return r->count ? r->count : 1;
}

uint64_t dn_first(const struct out_rec *r)
{
	return r->first_ns ? r->first_ns : r->d->realtime_ns;
}

static uint64_t dn_last(const struct out_rec *r)
{
	return r->last_ns ? r->last_ns : r->d->realtime_ns;
}

uint64_t dn_time(const struct out_rec *r)
{
	return r->kind == OUT_SUMMARY ? dn_last(r) : r->d->realtime_ns;
}

void facts_list(struct sbuf *b, unsigned m, const char *sep)
{
	const char *s = "";

	for (int i = 0; i < DN_FACT__N; i++) {
		if (!(m & (1u << i)))
			continue;
		sb_puts(b, s);
		sb_puts(b, cause_fact_name(1u << i));
		s = sep;
	}
}

/* ---- getters ---- */

#define GET(name)                                                                                  \
	static void get_##name(const struct out_rec *r, const struct denial *d, struct fval *v)
#define GET_STR(name, expr)                                                                        \
	GET(name)                                                                                  \
	{                                                                                          \
		(void)r;                                                                           \
		(void)d;                                                                           \
		v->t = FV_STR;                                                                     \
		v->s = (expr);                                                                     \
	}
#define GET_U64(name, expr)                                                                        \
	GET(name)                                                                                  \
	{                                                                                          \
		(void)r;                                                                           \
		(void)d;                                                                           \
		v->t = FV_U64;                                                                     \
		v->u = (expr);                                                                     \
	}

#define GET_TIME(name, expr)                                                                       \
	GET(name)                                                                                  \
	{                                                                                          \
		(void)d;                                                                           \
		v->t = FV_TIME;                                                                    \
		v->u = (expr);                                                                     \
	}

GET_U64(seq, d->ev.seq)
GET_U64(pid, d->ev.pid)
GET_U64(tid, d->ev.tid)
GET_U64(ppid, d->ev.ppid)
GET_U64(uid, d->ev.uid)
GET_U64(gid, d->ev.gid)
GET_U64(count, dn_count(r))
GET_U64(incident, r->incident)
GET_STR(comm, d->ev.comm)
GET_STR(exe, d->proc.exe)
GET_STR(container, d->proc.container)
GET_STR(unit, d->proc.unit)
GET_STR(path, d->path[0] ? d->path : d->ev.path)
GET_STR(target, d->target)
GET_STR(cause, cause_name(d->cause))
GET_STR(lsm_detail, d->lsm_detail)
GET_STR(flag, d->flag)
GET_STR(mount_option, d->mount_option)
GET_STR(listener, d->listener)
GET_STR(sysctl, d->sysctl_name)
GET_STR(sysctl_value, d->sysctl_value)
GET_STR(rule, d->rule)
GET_STR(diagnosis, d->diagnosis)
GET_STR(fix, d->fix)
GET_STR(validate, d->validate)
GET_STR(fix_command, d->fix_command)
GET_STR(unit_directive, d->unit_directive)
GET_STR(unit_directive_value, d->unit_directive_value)
GET_STR(unit_dropin, d->unit_dropin)

/* the text form's cause detail of an EROFS denial: which kind of read-only */
GET(rofs_detail)
{
	(void)r;
	v->t = FV_STR;
	v->s = "";
	if (d->ev.ret == -EP_EROFS && d->rofs.kind)
		v->s = d->rofs.kind == DN_RO_MOUNT ? "read-only mount" : "read-only filesystem";
}

/* the text form's line "unit: UNIT denies it with DIRECTIVE=VALUE" */
GET(unit_line)
{
	(void)r;
	v->t = FV_STR;
	v->s = "";
	if (!d->unit_directive[0])
		return;
	snprintf(v->line, sizeof(v->line), "%s denies it with %s=%s", d->proc.unit,
		 d->unit_directive, d->unit_directive_value);
	v->s = v->line;
}

GET_TIME(time, dn_time(r))
GET_TIME(first_seen, dn_first(r))
GET_TIME(last_seen, dn_last(r))

GET(syscall)
{
	(void)r;
	v->t = FV_STR;
	v->s = dn_syscall(d, v->tmp, sizeof(v->tmp));
}

GET(syscall_nr)
{
	(void)r;
	v->t = FV_INT;
	v->i = d->ev.syscall_nr;
}

GET(errno)
{
	(void)r;
	v->t = FV_STR;
	v->s = dn_errno(d, v->tmp, sizeof(v->tmp));
}

GET(capability)
{
	(void)r;
	v->t = FV_STR;
	if (d->capability < 0)
		return;
	v->s = cap_name(d->capability);
	if (!v->s) {
		snprintf(v->tmp, sizeof(v->tmp), "CAP_%d", d->capability);
		v->s = v->tmp;
	}
}

GET(lsm)
{
	(void)r;
	v->t = FV_STR;
	if (d->lsm < 0)
		return;
	v->s = lsm_name(d->lsm);
	if (!v->s)
		v->s = "unknown";
}

GET(evidence)
{
	(void)r;
	v->t = FV_STRV;
	v->s = d->evidence[0];
	v->stride = sizeof(d->evidence[0]);
	v->n = d->n_evidence < 0		 ? 0
	       : d->n_evidence > DN_MAX_EVIDENCE ? DN_MAX_EVIDENCE
						 : (unsigned)d->n_evidence;
}

GET(facts_later)
{
	(void)r;
	v->t = FV_FACTS;
	v->u = d->facts_later;
}

GET(facts_at_denial)
{
	(void)r;
	v->t = FV_FACTS;
	v->u = d->facts_at_denial;
}

/* ---- structured JSON values ---- */

/* What stat, the ACL xattr and mountinfo said about the path, when it could be examined. */
static void json_file(struct jw *w, const char *key, const struct denial *d)
{
	const struct dn_file *f = &d->file;
	char mode[8];

	if (!f->valid)
		return;
	snprintf(mode, sizeof(mode), "%04o", (unsigned)(f->mode & 07777));
	jw_key(w, key);
	jw_obj(w);
	jw_kstr(w, "mode", mode);
	jw_ku64(w, "uid", f->uid);
	jw_ku64(w, "gid", f->gid);
	jw_kbool(w, "acl", f->has_acl);
	jw_kstr_opt(w, "acl_text", f->acl_text);
	if (f->flags_valid) {
		jw_kbool(w, "immutable", f->immutable);
		jw_kbool(w, "append_only", f->append_only);
	}
	jw_kstr_opt(w, "mount_point", f->mount_point);
	jw_kstr_opt(w, "mount_options", f->mount_opts);
	jw_kstr_opt(w, "fstype", f->fstype);
	jw_end(w);
}

/* "io_uring":{"op":"OPENAT","opcode":18,"user_data":N,"thread":TID,"worker":BOOL} */
static void json_uring(struct jw *w, const char *key, const struct denial *d)
{
	const struct ep_event *ev = &d->ev;
	const char *op = uring_op_name(ev->uring_op);

	if (!(ev->flags & EP_F_IOURING))
		return;
	jw_key(w, key);
	jw_obj(w);
	jw_kstr(w, "op", op ? op : "UNKNOWN");
	jw_ku64(w, "opcode", ev->uring_op);
	jw_ku64(w, "user_data", ev->uring_user_data);
	jw_ku64(w, "thread", ev->uring_tid);
	jw_kbool(w, "worker", ev->uring_tid && ev->uring_tid != ev->tid);
	jw_end(w);
}

static void json_fact_names(struct jw *w, unsigned m)
{
	jw_arr(w);
	for (int i = 0; i < DN_FACT__N; i++)
		if (m & (1u << i))
			jw_str(w, cause_fact_name(1u << i));
	jw_end(w);
}

static void json_facts(struct jw *w, const char *key, const struct denial *d)
{
	jw_key(w, key);
	jw_obj(w);
	jw_key(w, "at_denial");
	json_fact_names(w, d->facts_at_denial);
	jw_key(w, "later");
	json_fact_names(w, d->facts_later);
	jw_end(w);
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

static void json_flags(struct jw *w, const char *key, const struct denial *d)
{
	jw_key(w, key);
	jw_arr(w);
	for (size_t i = 0; i < sizeof(flag_names) / sizeof(flag_names[0]); i++)
		if (d->ev.flags & flag_names[i].bit)
			jw_str(w, flag_names[i].name);
	jw_end(w);
}

static void json_args(struct jw *w, const char *key, const struct denial *d)
{
	jw_key(w, key);
	jw_arr(w);
	for (int i = 0; i < 6; i++)
		jw_u64(w, d->ev.args[i]);
	jw_end(w);
}

/* the journal has EPERM_FLAGS only when the record is incomplete (io_uring alone is not) */
static void journal_flags(struct sbuf *b, const struct denial *d)
{
	const char *sep = "";

	if (!(d->ev.flags & (EP_F_PATH_TRUNC | EP_F_PATH_FAULT | EP_F_EV_OVERFLOW)))
		return;
	sb_puts(b, "EPERM_FLAGS=");
	for (size_t i = 0; i < sizeof(flag_names) / sizeof(flag_names[0]); i++) {
		if (!(d->ev.flags & flag_names[i].bit))
			continue;
		sb_puts(b, sep);
		sb_puts(b, flag_names[i].name);
		sep = " ";
	}
	sb_raw(b, "\n", 1);
}

/* An EROFS denial's mount: "readonly", "mount_point", "mount_id", "mntns", "mntns_private" */
static void json_rofs(struct jw *w, const char *key, const struct denial *d)
{
	const struct dn_rofs *ro = &d->rofs;

	if (d->ev.ret != -EP_EROFS)
		return;
	jw_kstr_opt(w, key, rofs_kind_name(ro->kind));
	jw_kstr_opt(w, "mount_point", ro->mount_point);
	if (ro->mnt_id)
		jw_ku64(w, "mount_id", ro->mnt_id);
	if (d->ev.mntns_ino) {
		jw_ku64(w, "mntns", d->ev.mntns_ino);
		jw_kbool(w, "mntns_private", ro->private_ns);
	}
}

static void journal_str(struct sbuf *b, const char *name, const char *val)
{
	if (!val || !*val)
		return;
	sb_puts(b, name);
	sb_raw(b, "=", 1);
	sb_esc(b, val, json_escape);
	sb_raw(b, "\n", 1);
}

static void journal_rofs(struct sbuf *b, const struct denial *d)
{
	const struct dn_rofs *ro = &d->rofs;

	if (d->ev.ret != -EP_EROFS)
		return;
	journal_str(b, "EPERM_READONLY", rofs_kind_name(ro->kind));
	journal_str(b, "EPERM_MOUNT_POINT", ro->mount_point);
	if (ro->mnt_id)
		sb_printf(b, "EPERM_MOUNT_ID=%" PRIu64 "\n", (uint64_t)ro->mnt_id);
	if (d->ev.mntns_ino)
		sb_printf(b, "EPERM_MNTNS=%" PRIu64 "\nEPERM_MNTNS_PRIVATE=%u\n",
			  (uint64_t)d->ev.mntns_ino, ro->private_ns ? 1u : 0u);
}

/* ---- the table ---- */

#define ROW(j, r, f, jr_, g)                                                                       \
	{                                                                                          \
		.json = j, .journal = r, .flags = f, .jr = jr_, .get = get_##g                     \
	}
#define TROW(j, r, f, jr_, tx_, tl, tr_, g)                                                        \
	{                                                                                          \
		.json = j, .journal = r, .text = tl, .flags = f, .jr = jr_, .tx = tx_, .tr = tr_,  \
		.get = get_##g                                                                     \
	}

const struct out_fdef out_fields[] = {
    /* JSON key      journal field        flags  jr  [text kind, label, tr]  getter */
    ROW("time", NULL, 0, 0, time),
    ROW("seq", "EPERM_SEQ", 0, 60, seq),
    ROW("pid", "EPERM_PID", 0, 70, pid),
    ROW("tid", "EPERM_TID", 0, 80, tid),
    ROW("ppid", "EPERM_PPID", 0, 90, ppid),
    ROW("uid", "EPERM_UID", 0, 100, uid),
    ROW("gid", "EPERM_GID", 0, 110, gid),
    ROW("comm", "EPERM_COMM", 0, 120, comm),
    ROW("exe", "EPERM_EXE", 0, 130, exe), /* always, even when unknown */
    TROW("container", "EPERM_CONTAINER", OF_OPT, 160, TX_INLINE, "container", 3, container),
    TROW("unit", "EPERM_UNIT", OF_OPT, 170, TX_INLINE, "unit", 4, unit),
    ROW("syscall", "EPERM_SYSCALL", 0, 20, syscall),
    ROW("syscall_nr", "EPERM_SYSCALL_NR", 0, 30, syscall_nr),
    {.json = "io_uring", .json_value = json_uring},
    ROW("errno", "EPERM_ERRNO", 0, 40, errno),
    TROW("path", "EPERM_PATH", OF_OPT, 140, TX_INLINE_Q, "path", 1, path),
    TROW("target", "EPERM_TARGET", OF_OPT, 150, TX_INLINE_Q, "target", 2, target),
    {.json = "file", .json_value = json_file},
    ROW("cause", "EPERM_CAUSE", 0, 10, cause),
    TROW("capability", "EPERM_CAPABILITY", OF_OPT, 180, TX_DETAIL, NULL, 10, capability),
    TROW("lsm", "EPERM_LSM", OF_OPT, 190, TX_DETAIL, NULL, 20, lsm),
    ROW("lsm_detail", "EPERM_LSM_DETAIL", OF_OPT, 200, lsm_detail),
    TROW("flag", "EPERM_FLAG", OF_OPT, 210, TX_DETAIL, NULL, 30, flag),
    TROW("mount_option", "EPERM_MOUNT_OPTION", OF_OPT, 220, TX_DETAIL, NULL, 40, mount_option),
    {.json = "readonly", .jr = 225, .json_value = json_rofs, .journal_field = journal_rofs},
    TROW(NULL, NULL, 0, 0, TX_DETAIL, NULL, 25, rofs_detail),
    TROW("listener", "EPERM_LISTENER", OF_OPT, 230, TX_DETAIL, NULL, 60, listener),
    TROW("sysctl", "EPERM_SYSCTL", OF_OPT, 240, TX_DETAIL, NULL, 50, sysctl),
    ROW("sysctl_value", "EPERM_SYSCTL_VALUE", OF_OPT, 250, sysctl_value),
    ROW("rule", "EPERM_RULE", OF_OPT, 260, rule),
    ROW("unit_directive", "EPERM_UNIT_DIRECTIVE", OF_OPT, 261, unit_directive),
    ROW("unit_directive_value", "EPERM_UNIT_DIRECTIVE_VALUE", OF_OPT, 262, unit_directive_value),
    ROW("unit_dropin", "EPERM_UNIT_DROPIN", OF_OPT, 263, unit_dropin),
    TROW(NULL, NULL, 0, 0, TX_LINE, "unit", 0, unit_line),
    TROW("evidence", "EPERM_EVIDENCE", OF_TCMD, 270, TX_LINE, "evidence", 3, evidence),
    {.json = "facts", .json_value = json_facts},
    TROW(NULL, "EPERM_FACTS_LATER", OF_ROPT, 280, TX_LINE, "observed later", 4, facts_later),
    ROW(NULL, "EPERM_FACTS_AT_DENIAL", OF_ROPT, 290, facts_at_denial),
    ROW("diagnosis", NULL, 0, 0, diagnosis), /* the text form and MESSAGE= have it fixed */
    TROW("fix", "EPERM_FIX", OF_ROPT | OF_TCMD, 300, TX_LINE, "fix", 1, fix),
    TROW("validate", "EPERM_VALIDATE", OF_ROPT | OF_TCMD, 310, TX_LINE, "check", 2, validate),
    ROW("fix_command", "EPERM_FIX_COMMAND", OF_OPT, 315, fix_command),
    ROW("count", "EPERM_COUNT", 0, 320, count),
    ROW("first_seen", "EPERM_FIRST_SEEN", 0, 330, first_seen),
    ROW("last_seen", "EPERM_LAST_SEEN", 0, 340, last_seen),
    ROW("incident", "EPERM_INCIDENT", 0, 350, incident),
    {.json = "flags", .jr = 360, .json_value = json_flags, .journal_field = journal_flags},
    {.json = "args", .json_value = json_args},
};

const unsigned out_nfields = sizeof(out_fields) / sizeof(out_fields[0]);
