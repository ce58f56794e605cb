/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Sinks: text, JSON Lines and the native journal. Writing never blocks the pipeline. */
#ifndef EPERMD_OUTPUT_H
#define EPERMD_OUTPUT_H

#include <stddef.h>
#include <stdint.h>

#include "denial.h"

enum out_format { OUT_TEXT = 0, OUT_JSON, OUT_JOURNAL };

enum out_kind {
	OUT_NEW = 0, /* first occurrence of an incident */
	OUT_SUMMARY, /* an incident's repeats were folded: count, first/last seen */
};

struct sink;

int out_format_from_name(const char *s); /* -1 when unknown */
/* the path of the standard error: written to as it is, never opened (no truncation) */
#define SINK_STDERR "/dev/stderr"

/* path NULL or "-" = stdout, SINK_STDERR = stderr; journal ignores path (uses
 * $EPERMD_JOURNAL_SOCKET if set). */
int sink_open(enum out_format fmt, const char *path, struct sink **out);
/* Several sinks at once: sinks has bit (1u << fmt) per format; every record goes to each
 * (json/text to path). One bit is plain sink_open(). */
int sink_open_multi(unsigned sinks, const char *path, struct sink **out);
int sink_denial(struct sink *s, const struct denial *d, enum out_kind kind);
/* Health and loss alarms: prio is a syslog priority (LOG_WARNING ...). */
int sink_alarm(struct sink *s, int prio, const char *msg_id, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Alarms of priority prio (LOG_WARNING ...) and more urgent are written, the rest skipped
 * (default: all). */
void sink_set_alarm_max(struct sink *s, int prio);
/* an alarm with extra structured fields (journal: NAME=value, NAME like EPERM_GAP_SECONDS;
 * JSON: "gap_seconds":"value"; text: the message only). */
struct out_field {
	const char *name;
	const char *value;
};
int sink_alarm_fields(struct sink *s, int prio, const char *msg_id, const struct out_field *f,
		      unsigned nf, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
uint64_t sink_dropped(const struct sink *s); /* records that could not be written */
/* The breakdown: dropped = queue full (or no memory, or left queued at close), refused = the
 * target said no. sink_dropped() = dropped + refused. unavailable = journal outages (no socket,
 * nobody listening, a send timed out): the records wait and are retried, not lost; held = records
 * written late, after an outage. */
struct sink_counters {
	uint64_t written, dropped, refused, unavailable, held;
};
void sink_get_counters(const struct sink *s, struct sink_counters *c);
/* A {"type":"stats"} record (journal: MESSAGE_ID stats, EPERM_STAT_<NAME>=value, INFO). */
struct out_stat {
	const char *name; /* lower_snake_case */
	uint64_t value;
};
int sink_stats(struct sink *s, const struct out_stat *st, unsigned n);
/* The same at stop: journal MESSAGE_ID stop (EP_MSGID_STOP), "epermd stopped; final ...". */
int sink_final_stats(struct sink *s, const struct out_stat *st, unsigned n);
void sink_flush(struct sink *s);
void sink_close(struct sink *s);

/* One denial as a JSON object (no newline), the contract in docs/json.md. Returns the length
 * written, or -ENOSPC if n is too small. Shared by the JSON sink and the socket. */
int denial_to_json(const struct denial *d, enum out_kind kind, char *buf, size_t n);
/* The human form (multi-line, escaped), ending in '\n'. */
int denial_to_text(const struct denial *d, enum out_kind kind, char *buf, size_t n);
/* The native journal record: "FIELD=value\n" lines (docs/journal.md). */
int denial_to_journal(const struct denial *d, enum out_kind kind, char *buf, size_t n);
/* {"type":"alarm"...} and {"type":"stats"...} objects (no newline) for the socket; realtime_ns
 * 0 = now. Same return convention as denial_to_json. */
int alarm_to_json(int prio, const char *msg_id, const char *msg, uint64_t realtime_ns, char *buf,
		  size_t n);
int stats_to_json(const struct out_stat *st, unsigned nst, uint64_t realtime_ns, char *buf,
		  size_t n);

#endif
