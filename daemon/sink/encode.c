// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The three encoders. Denials walk the field table (fields.c): JSON in table order, the journal
 * and the text form in their own orders (out_fdef.jr, .tr), sorted once. Alarms and stats are
 * small fixed records and are written here directly.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "clock.h"
#include "cause.h"
#include "encode.h"
#include "escape.h"
#include "msgids.h"
#include "uring.h"

#define OUT_FIELDS_MAX 96

/* ---- the journal's and the text form's field orders ---- */

static unsigned jr_order[OUT_FIELDS_MAX], n_jr;
static unsigned tx_order[OUT_FIELDS_MAX], n_tx;
static pthread_once_t order_once = PTHREAD_ONCE_INIT;

static int by_jr(const void *a, const void *b)
{
	const struct out_fdef *x = &out_fields[*(const unsigned *)a];
	const struct out_fdef *y = &out_fields[*(const unsigned *)b];

	return x->jr - y->jr;
}

/* the place in the text form: quoted and bare inline fields share one order */
static int tx_place(const struct out_fdef *f)
{
	return (f->tx == TX_INLINE_Q ? TX_INLINE : (int)f->tx) * 1000 + f->tr;
}

static int by_tx(const void *a, const void *b)
{
	return tx_place(&out_fields[*(const unsigned *)a]) -
	       tx_place(&out_fields[*(const unsigned *)b]);
}

static void order_init(void)
{
	for (unsigned i = 0; i < out_nfields && i < OUT_FIELDS_MAX; i++) {
		if (out_fields[i].journal || out_fields[i].journal_field)
			jr_order[n_jr++] = i;
		if (out_fields[i].tx != TX_NONE)
			tx_order[n_tx++] = i;
	}
	qsort(jr_order, n_jr, sizeof(jr_order[0]), by_jr);
	qsort(tx_order, n_tx, sizeof(tx_order[0]), by_tx);
}

static bool fv_empty(const struct fval *v)
{
	switch (v->t) {
	case FV_STR:
		return !v->s || !*v->s;
	case FV_STRV:
		return !v->n;
	case FV_FACTS:
		return !v->u;
	case FV_NONE:
		return true;
	default:
		return false;
	}
}

static void fv_get(const struct out_fdef *f, const struct out_rec *r, struct fval *v)
{
	v->t = FV_NONE;
	v->s = NULL;
	v->n = 0;
	f->get(r, r->d, v);
}

static const char *fv_strv(const struct fval *v, unsigned i)
{
	return v->s + i * v->stride;
}

/* ---- JSON ---- */

static void json_member(struct jw *w, const struct out_fdef *f, const struct fval *v)
{
	char t[48];

	if ((f->flags & OF_JOPT) && fv_empty(v))
		return;
	switch (v->t) {
	case FV_STR:
		jw_kstr(w, f->json, v->s);
		break;
	case FV_U64:
		jw_ku64(w, f->json, v->u);
		break;
	case FV_INT:
		jw_ki64(w, f->json, v->i);
		break;
	case FV_TIME:
		fmt_time(t, sizeof(t), v->u);
		jw_kstr(w, f->json, t);
		break;
	case FV_STRV:
		jw_key(w, f->json);
		jw_arr(w);
		for (unsigned i = 0; i < v->n; i++)
			jw_str(w, fv_strv(v, i));
		jw_end(w);
		break;
	case FV_FACTS:
		jw_key(w, f->json);
		jw_arr(w);
		for (int i = 0; i < DN_FACT__N; i++)
			if (v->u & (1u << i))
				jw_str(w, cause_fact_name(1u << i));
		jw_end(w);
		break;
	case FV_NONE:
		break;
	}
}

int record_to_json(const struct out_rec *r, char *buf, size_t n)
{
	struct sbuf b;
	struct jw w;
	struct fval v;

	sb_init(&b, buf, n);
	jw_init(&w, &b);
	jw_obj(&w);
	jw_kstr(&w, "type", r->kind == OUT_SUMMARY ? "summary" : "denial");
	for (unsigned i = 0; i < out_nfields; i++) {
		const struct out_fdef *f = &out_fields[i];

		if (!f->json)
			continue;
		if (f->json_value) {
			f->json_value(&w, f->json, r->d);
			continue;
		}
		fv_get(f, r, &v);
		json_member(&w, f, &v);
	}
	jw_end(&w);
	return sb_result(&b);
}

/* ---- journal native records: "FIELD=value\n", values escaped like JSON bodies ---- */

static void jr_field(struct sbuf *b, const char *name, const char *val)
{
	sb_puts(b, name);
	sb_raw(b, "=", 1);
	sb_esc(b, val ? val : "", json_escape);
	sb_raw(b, "\n", 1);
}

static void jr_head(struct sbuf *b, int prio, const char *msg_id, const char *type)
{
	sb_printf(b, "PRIORITY=%d\nSYSLOG_IDENTIFIER=epermd\n", prio);
	if (msg_id && *msg_id)
		jr_field(b, "MESSAGE_ID", msg_id);
	jr_field(b, "EPERM_TYPE", type);
}

static void jr_member(struct sbuf *b, const struct out_fdef *f, const struct fval *v)
{
	char t[48];

	if ((f->flags & OF_ROPT) && fv_empty(v))
		return;
	switch (v->t) {
	case FV_STR:
		jr_field(b, f->journal, v->s);
		break;
	case FV_U64:
		sb_printf(b, "%s=%" PRIu64 "\n", f->journal, v->u);
		break;
	case FV_INT:
		sb_printf(b, "%s=%" PRId64 "\n", f->journal, v->i);
		break;
	case FV_TIME:
		fmt_time(t, sizeof(t), v->u);
		jr_field(b, f->journal, t);
		break;
	case FV_STRV:
		for (unsigned i = 0; i < v->n; i++)
			jr_field(b, f->journal, fv_strv(v, i));
		break;
	case FV_FACTS:
		sb_puts(b, f->journal);
		sb_raw(b, "=", 1);
		facts_list(b, (unsigned)v->u, ",");
		sb_raw(b, "\n", 1);
		break;
	case FV_NONE:
		break;
	}
}

/* MESSAGE=: the diagnosis, or a line of its own; a summary adds its repeats */
static void jr_message(struct sbuf *b, const struct out_rec *r)
{
	const struct denial *d = r->d;
	char t1[32], t2[32], first[48], msg[1400];

	if (d->diagnosis[0])
		snprintf(msg, sizeof(msg), "%s", d->diagnosis);
	else
		snprintf(msg, sizeof(msg), "%s[%u]: %s failed with %s (cause: %s)", d->ev.comm,
			 d->ev.pid, dn_syscall(d, t1, sizeof(t1)), dn_errno(d, t2, sizeof(t2)),
			 cause_name(d->cause));
	if (r->kind == OUT_SUMMARY) {
		size_t l = strlen(msg);

		fmt_time(first, sizeof(first), dn_first(r));
		snprintf(msg + l, sizeof(msg) - l, " [repeated %" PRIu64 " times since %s]",
			 dn_count(r), first);
	}
	jr_field(b, "MESSAGE", msg);
}

int record_to_journal(const struct out_rec *r, char *buf, size_t n)
{
	bool summary = r->kind == OUT_SUMMARY;
	struct sbuf b;
	struct fval v;

	pthread_once(&order_once, order_init);
	sb_init(&b, buf, n);
	jr_head(&b, summary ? LOG_NOTICE : LOG_INFO, msgid_for_denial(r->d),
		summary ? "summary" : "denial");
	jr_message(&b, r);
	for (unsigned i = 0; i < n_jr; i++) {
		const struct out_fdef *f = &out_fields[jr_order[i]];

		if (f->journal_field) {
			f->journal_field(&b, r->d);
			continue;
		}
		fv_get(f, r, &v);
		jr_member(&b, f, &v);
	}
	return sb_result(&b);
}

/* ---- text ---- */

static void t_val(struct sbuf *b, const struct out_fdef *f, const char *s)
{
	sb_esc(b, s, (f->flags & OF_TCMD) ? text_escape_cmd : text_escape);
}

/* "TIME ERRNO SYSCALL (io_uring OP) COMM[PID] uid=UID" and the TX_INLINE fields */
static void text_head(struct sbuf *b, const struct out_rec *r)
{
	const struct denial *d = r->d;
	char t[48], tmp[32];
	struct fval v;

	fmt_time(t, sizeof(t), dn_time(r));
	sb_printf(b, "%s %s ", t, dn_errno(d, tmp, sizeof(tmp)));
	sb_puts(b, dn_syscall(d, tmp, sizeof(tmp)));
	if ((d->ev.flags & EP_F_IOURING) && uring_op_name(d->ev.uring_op))
		sb_printf(b, " (io_uring %s)", uring_op_name(d->ev.uring_op));
	sb_raw(b, " ", 1);
	sb_esc(b, d->ev.comm, text_escape);
	sb_printf(b, "[%u] uid=%u", d->ev.pid, d->ev.uid);
	for (unsigned i = 0; i < n_tx; i++) {
		const struct out_fdef *f = &out_fields[tx_order[i]];
		bool q = f->tx == TX_INLINE_Q;

		if (f->tx != TX_INLINE && !q)
			continue;
		fv_get(f, r, &v);
		if (fv_empty(&v))
			continue;
		sb_printf(b, " %s=%s", f->text, q ? "'" : "");
		t_val(b, f, v.s);
		if (q)
			sb_raw(b, "'", 1);
	}
}

/* "  cause: NAME (detail) — diagnosis": the detail is the first TX_DETAIL field with a value */
static void text_cause(struct sbuf *b, const struct out_rec *r)
{
	const struct denial *d = r->d;
	struct fval v;

	sb_puts(b, "\n  cause: ");
	sb_puts(b, cause_name(d->cause));
	for (unsigned i = 0; i < n_tx; i++) {
		const struct out_fdef *f = &out_fields[tx_order[i]];

		if (f->tx != TX_DETAIL)
			continue;
		fv_get(f, r, &v);
		if (fv_empty(&v))
			continue;
		sb_puts(b, " (");
		t_val(b, f, v.s);
		sb_raw(b, ")", 1);
		break;
	}
	if (d->diagnosis[0]) {
		sb_puts(b, " \xe2\x80\x94 "); /* em dash */
		sb_esc(b, d->diagnosis, text_escape_cmd);
	}
	sb_raw(b, "\n", 1);
}

/* "  label: value" lines; a list joined with "; ", facts with ", " */
static void text_lines(struct sbuf *b, const struct out_rec *r)
{
	struct fval v;

	for (unsigned i = 0; i < n_tx; i++) {
		const struct out_fdef *f = &out_fields[tx_order[i]];

		if (f->tx != TX_LINE)
			continue;
		fv_get(f, r, &v);
		if (fv_empty(&v))
			continue;
		sb_printf(b, "  %s: ", f->text);
		if (v.t == FV_STRV) {
			for (unsigned k = 0; k < v.n; k++) {
				sb_puts(b, k ? "; " : "");
				t_val(b, f, fv_strv(&v, k));
			}
		} else if (v.t == FV_FACTS) {
			facts_list(b, (unsigned)v.u, ", ");
		} else {
			t_val(b, f, v.s);
		}
		sb_raw(b, "\n", 1);
	}
}

int record_to_text(const struct out_rec *r, char *buf, size_t n)
{
	struct sbuf b;
	char t[48];

	pthread_once(&order_once, order_init);
	sb_init(&b, buf, n);
	text_head(&b, r);
	text_cause(&b, r);
	if (r->kind == OUT_SUMMARY) {
		fmt_time(t, sizeof(t), dn_first(r));
		sb_printf(&b, "  repeated: %" PRIu64 " times since %s (incident %" PRIu64 ")\n",
			  dn_count(r), t, r->incident);
	} else {
		text_lines(&b, r);
	}
	return sb_result(&b);
}

int record_encode(enum out_format fmt, const struct out_rec *r, char *buf, size_t n)
{
	switch (fmt) {
	case OUT_JSON:
		return record_to_json(r, buf, n);
	case OUT_JOURNAL:
		return record_to_journal(r, buf, n);
	default:
		return record_to_text(r, buf, n);
	}
}

int denial_to_json(const struct denial *d, enum out_kind kind, char *buf, size_t n)
{
	struct out_rec r;

	out_rec_of(&r, d, kind);
	return record_to_json(&r, buf, n);
}

int denial_to_text(const struct denial *d, enum out_kind kind, char *buf, size_t n)
{
	struct out_rec r;

	out_rec_of(&r, d, kind);
	return record_to_text(&r, buf, n);
}

int denial_to_journal(const struct denial *d, enum out_kind kind, char *buf, size_t n)
{
	struct out_rec r;

	out_rec_of(&r, d, kind);
	return record_to_journal(&r, buf, n);
}

/* ---- alarms and stats ---- */

static void jw_time(struct jw *w, const char *key, uint64_t realtime_ns)
{
	char t[48];

	fmt_time(t, sizeof(t), realtime_ns ? realtime_ns : clock_ns(CLOCK_REALTIME));
	jw_kstr(w, key, t);
}

/* an extra field's JSON key: EPERM_GAP_SECONDS -> gap_seconds */
static void field_json_key(char *out, size_t n, const char *name)
{
	size_t k = 0;

	if (!strncmp(name, "EPERM_", 6))
		name += 6;
	for (const char *c = name; *c && k + 1 < n; c++) {
		char l = *c >= 'A' && *c <= 'Z' ? (char)(*c - 'A' + 'a') : *c;

		out[k++] = (l >= 'a' && l <= 'z') || (l >= '0' && l <= '9') ? l : '_';
	}
	out[k] = '\0';
}

static int alarm_json(int prio, const char *msg_id, const struct out_field *f, unsigned nf,
		      const char *msg, uint64_t realtime_ns, char *buf, size_t n)
{
	struct sbuf b;
	struct jw w;
	char key[128];

	sb_init(&b, buf, n);
	jw_init(&w, &b);
	jw_obj(&w);
	jw_kstr(&w, "type", "alarm");
	jw_time(&w, "time", realtime_ns);
	jw_ku64(&w, "priority", (uint64_t)(prio < 0 ? 0 : prio));
	jw_kstr_opt(&w, "message_id", msg_id);
	jw_kstr(&w, "message", msg);
	for (unsigned i = 0; i < nf; i++) {
		field_json_key(key, sizeof(key), f[i].name);
		jw_kstr(&w, key, f[i].value);
	}
	jw_end(&w);
	return sb_result(&b);
}

int alarm_to_json(int prio, const char *msg_id, const char *msg, uint64_t realtime_ns, char *buf,
		  size_t n)
{
	return alarm_json(prio, msg_id, NULL, 0, msg, realtime_ns, buf, n);
}

static const char *prio_name(int prio)
{
	static const char *const names[] = {"emerg",   "alert",	 "crit", "err",
					    "warning", "notice", "info", "debug"};

	return prio >= 0 && prio <= 7 ? names[prio] : "warning";
}

int alarm_encode(enum out_format fmt, int prio, const char *msg_id, const struct out_field *f,
		 unsigned nf, const char *msg, char *buf, size_t n)
{
	struct sbuf b;
	char t[48];

	if (fmt == OUT_JSON)
		return alarm_json(prio, msg_id, f, nf, msg, 0, buf, n);
	sb_init(&b, buf, n);
	if (fmt == OUT_JOURNAL) {
		jr_head(&b, prio, msg_id, "alarm");
		jr_field(&b, "MESSAGE", msg);
		for (unsigned i = 0; i < nf; i++)
			jr_field(&b, f[i].name, f[i].value);
	} else {
		fmt_time(t, sizeof(t), clock_ns(CLOCK_REALTIME));
		sb_printf(&b, "%s ALARM %s: ", t, prio_name(prio));
		sb_esc(&b, msg, text_escape);
		sb_raw(&b, "\n", 1);
	}
	return sb_result(&b);
}

void stats_members(struct jw *w, const struct out_stat *st, unsigned nst)
{
	for (unsigned i = 0; i < nst; i++) {
		jw_key_esc(w, st[i].name);
		jw_u64(w, st[i].value);
	}
}

void stats_open(struct jw *w, uint64_t realtime_ns)
{
	jw_obj(w);
	jw_kstr(w, "type", "stats");
	jw_time(w, "time", realtime_ns);
}

int stats_to_json(const struct out_stat *st, unsigned nst, uint64_t realtime_ns, char *buf,
		  size_t n)
{
	struct sbuf b;
	struct jw w;

	sb_init(&b, buf, n);
	jw_init(&w, &b);
	stats_open(&w, realtime_ns);
	stats_members(&w, st, nst);
	jw_end(&w);
	return sb_result(&b);
}

/* EPERM_STAT_<NAME>=value: the name upper-cased, anything else '_' */
static void jr_stat(struct sbuf *b, const struct out_stat *st)
{
	sb_puts(b, "EPERM_STAT_");
	for (const char *c = st->name; *c && b->len + 1 < b->n; c++) {
		char u = *c >= 'a' && *c <= 'z' ? (char)(*c - 'a' + 'A') : *c;

		if (!((u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9')))
			u = '_';
		sb_raw(b, &u, 1);
	}
	sb_printf(b, "=%" PRIu64 "\n", st->value);
}

int stats_encode(enum out_format fmt, const char *msg_id, const char *lead,
		 const struct out_stat *st, unsigned nst, char *buf, size_t n)
{
	struct sbuf b;
	char t[48];

	if (fmt == OUT_JSON)
		return stats_to_json(st, nst, 0, buf, n);
	sb_init(&b, buf, n);
	if (fmt == OUT_JOURNAL) {
		jr_head(&b, LOG_INFO, msg_id, "stats");
		sb_puts(&b, "MESSAGE=");
		sb_puts(&b, lead);
		for (unsigned i = 0; i < nst; i++) {
			sb_raw(&b, " ", 1);
			sb_esc(&b, st[i].name, json_escape);
			sb_printf(&b, "=%" PRIu64, st[i].value);
		}
		sb_raw(&b, "\n", 1);
		for (unsigned i = 0; i < nst; i++)
			jr_stat(&b, &st[i]);
	} else {
		fmt_time(t, sizeof(t), clock_ns(CLOCK_REALTIME));
		sb_printf(&b, "%s stats:", t);
		for (unsigned i = 0; i < nst; i++) {
			sb_raw(&b, " ", 1);
			sb_esc(&b, st[i].name, text_escape);
			sb_printf(&b, "=%" PRIu64, st[i].value);
		}
		sb_raw(&b, "\n", 1);
	}
	return sb_result(&b);
}
