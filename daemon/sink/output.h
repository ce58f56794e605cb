/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Sinks: text, JSON Lines and the native journal. Writing never blocks the pipeline. */
#ifndef EPERMD_OUTPUT_H
#define EPERMD_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "denial.h"
#include "encode.h" /* the records: enum out_format, out_kind, out_field, out_stat */

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
/* One record to every sink. json/json_len: the record already rendered by record_to_json()
 * (shared with the socket), used by a JSON sink instead of rendering it again; NULL = none. */
int sink_record(struct sink *s, const struct out_rec *r, const char *json, int json_len);
int sink_denial(struct sink *s, const struct denial *d, enum out_kind kind); /* its own fold */
bool sink_has_format(const struct sink *s, enum out_format fmt);
/* Health and loss alarms: prio is a syslog priority (LOG_WARNING ...). */
int sink_alarm(struct sink *s, int prio, const char *msg_id, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Alarms of priority prio (LOG_WARNING ...) and more urgent are written, the rest skipped
 * (default: all). */
void sink_set_alarm_max(struct sink *s, int prio);
/* an alarm with extra structured fields (struct out_field, encode.h) */
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
int sink_stats(struct sink *s, const struct out_stat *st, unsigned n);
/* The same at stop: journal MESSAGE_ID stop (EP_MSGID_STOP), "epermd stopped; final ...". */
int sink_final_stats(struct sink *s, const struct out_stat *st, unsigned n);
void sink_flush(struct sink *s);
/* At exit, before the final counters: waits for the queue (a journal outage: one more retry);
 * if the journal is still unavailable, what is queued and every later record is dropped and
 * counted in sink_dropped at once, said once on stderr. Only the stop record, made from the
 * counters, can be lost after them. */
void sink_give_up(struct sink *s);
void sink_close(struct sink *s);

#endif
