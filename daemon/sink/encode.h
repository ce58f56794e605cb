/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The record encoders: a denial, an alarm or a stats record as JSON (docs/json.md), a native
 * journal record (docs/journal.md) or text. Denials are written from the field table
 * (fields.h). Pure: a record in, bytes out; the sinks (output.h) and the socket only queue them.
 * Every encoder returns the length written, or -ENOSPC when n is too small.
 */
#ifndef EPERMD_ENCODE_H
#define EPERMD_ENCODE_H

#include <stddef.h>
#include <stdint.h>

#include "denial.h"
#include "fields.h"
#include "jsonw.h"

enum out_format { OUT_TEXT = 0, OUT_JSON, OUT_JOURNAL };

/* an alarm's extra structured fields (journal: NAME=value, NAME like EPERM_GAP_SECONDS;
 * JSON: "gap_seconds":"value"; text: the message only) */
struct out_field {
	const char *name;
	const char *value;
};

/* a {"type":"stats"} member (journal: EPERM_STAT_<NAME>=value) */
struct out_stat {
	const char *name; /* lower_snake_case */
	uint64_t value;
};

/* One record as a JSON object (no newline), the contract in docs/json.md. */
int record_to_json(const struct out_rec *r, char *buf, size_t n);
/* The human form (multi-line, escaped), ending in '\n'. */
int record_to_text(const struct out_rec *r, char *buf, size_t n);
/* The native journal record: "FIELD=value\n" lines (docs/journal.md). */
int record_to_journal(const struct out_rec *r, char *buf, size_t n);
int record_encode(enum out_format fmt, const struct out_rec *r, char *buf, size_t n);
/* The same for a denial alone, its fold from its own fields (out_rec_of()). */
int denial_to_json(const struct denial *d, enum out_kind kind, char *buf, size_t n);
int denial_to_text(const struct denial *d, enum out_kind kind, char *buf, size_t n);
int denial_to_journal(const struct denial *d, enum out_kind kind, char *buf, size_t n);

/* {"type":"alarm"...} and {"type":"stats"...} objects (no newline); realtime_ns 0 = now. */
int alarm_to_json(int prio, const char *msg_id, const char *msg, uint64_t realtime_ns, char *buf,
		  size_t n);
int stats_to_json(const struct out_stat *st, unsigned nst, uint64_t realtime_ns, char *buf,
		  size_t n);
/* {"type":"stats","time":... opened in w (realtime_ns 0 = now); members and jw_end() follow */
void stats_open(struct jw *w, uint64_t realtime_ns);
/* the stats as members of an object the caller has open */
void stats_members(struct jw *w, const struct out_stat *st, unsigned nst);
/* An alarm in any format (prio a syslog priority), with nf extra fields. */
int alarm_encode(enum out_format fmt, int prio, const char *msg_id, const struct out_field *f,
		 unsigned nf, const char *msg, char *buf, size_t n);
/* Stats in any format; lead starts the journal's MESSAGE ("epermd statistics:"). */
int stats_encode(enum out_format fmt, const char *msg_id, const char *lead,
		 const struct out_stat *st, unsigned nst, char *buf, size_t n);

#endif
