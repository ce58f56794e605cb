/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Metrics for alerting, in the Prometheus text exposition format, written to a file for
 * node_exporter's textfile collector (no listening socket). The worker counts denials and
 * incidents (lock-free, relaxed atomics); the main thread renders the file every
 * metrics_interval: "<file>.tmp.<pid>" in the same directory, fsync, rename() over the target.
 * Series are bounded: causes and errnos are fixed sets, syscalls are capped (METRICS_MAX_SYSCALLS
 * distinct names, the rest as syscall="other"). docs/metrics.md lists every metric.
 */
#ifndef EPERMD_METRICS_H
#define EPERMD_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "counters.h"
#include "denial.h"

#define METRICS_SYSCALL_SLOTS 1024 /* syscall numbers tracked one by one */
#define METRICS_MAX_SYSCALLS  64   /* distinct syscall label values before "other" */

struct metrics;
struct sink;

/* Facts known once tracing is attached; set before the worker starts. */
struct metrics_info {
	const char *version;
	bool full; /* fexit/LSM evidence available, else tracepoint-only */
	unsigned hooks_active;
	unsigned hooks_total;
};

int metrics_new(struct metrics **out);
void metrics_free(struct metrics *m);
void metrics_set_info(struct metrics *m, const struct metrics_info *info);

/* Worker: one denial (after its cause is known) and one incident opened. NULL m is a no-op. */
void metrics_denial(struct metrics *m, const struct denial *d);
/* n denials like d (repeats the kernel folded) */
void metrics_denials(struct metrics *m, const struct denial *d, uint64_t n);
void metrics_incident(struct metrics *m);

/* The whole exposition to f; now_ns is CLOCK_REALTIME. 0 or -errno. */
int metrics_format(struct metrics *m, const struct flow_counters *p, const char *audit_status,
		   uint64_t now_ns, FILE *f);

/*
 * Render and replace path atomically (mode 0644). path "" = metrics off; a file this module
 * wrote at a previous path is removed when the path changes, so a stale file does not keep
 * being scraped. A failure is reported once through sink_alarm (HEALTH, WARNING) until a write
 * succeeds again, and is never fatal: the next call retries. Main thread only. 0 or -errno.
 */
int metrics_write(struct metrics *m, const char *path, const struct flow_counters *p,
		  const char *audit_status, struct sink *sink);

/*
 * The writer thread, so a slow disk (fsync) never holds up the main thread's ring reading.
 * metrics_request() hands it a snapshot and returns at once (a request not yet taken is
 * replaced by the newer one); without a running thread it writes synchronously. Stop the
 * thread before the sink is closed; metrics_write() after metrics_stop() is the final write.
 */
int metrics_start(struct metrics *m, struct sink *sink);
void metrics_request(struct metrics *m, const char *path, const struct flow_counters *p,
		     const char *audit_status);
void metrics_stop(struct metrics *m); /* idempotent; NULL m is a no-op */

/* Label value escaping of the exposition format: '\\' '"' and newline. Always NUL-terminates;
 * returns the length it would have needed (like snprintf). */
size_t metrics_escape_label(char *dst, size_t n, const char *src);

/* The audit join's source from audit_status() text: "netlink", "journal", "kmsg" or "none". */
const char *metrics_audit_source(const char *audit_status);

#endif
