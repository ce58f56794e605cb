/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The kernel side as an object: probe, load, attach, consume the ring, read counters. */
#ifndef EPERMD_TRACER_H
#define EPERMD_TRACER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "epermd.h"
#include "kfeatures.h"

struct tracer;

/* Optional consumers of the non-denial records; called on the reader thread with the
 * tracer_start() ctx. Return 0, or <0 to stop. */
typedef int (*tracer_notice_fn)(void *ctx, const struct ep_notice *n);
typedef int (*tracer_sc_prog_fn)(void *ctx, const struct ep_sc_prog *p);

/* tracer_opts.erofs (the config key erofs): EROFS failures captured as denials */
enum tracer_erofs {
	TRACER_EROFS_PRIVATE = 0, /* in mount namespaces other than PID 1's (the default) */
	TRACER_EROFS_ALL,	  /* everywhere, read-only disks included */
	TRACER_EROFS_NEVER,
};

struct tracer_opts {
	size_t ring_bytes;    /* power of two, >= page size; 0 = default (4 MiB) */
	int poll_ms;	      /* timed consume interval; 0 = default (10 ms) */
	bool tracepoint_only; /* never load fexit/LSM programs */
	pid_t target_pid;     /* > 0: only this process and its descendants (one-command mode) */
	int verbose;	      /* 0..3; libbpf debug output at 3 */
	bool bench_empty;     /* benchmark baseline: attach only an empty sys_exit program */
	bool force_raw_tp;    /* testing: use the raw_tp programs even where tp_btf works */
	bool no_sc_chain;     /* testing: seccomp by sys_enter inference even where the filter
			       * chain is readable (EPERMD_SECCOMP_FALLBACK=1) */
	bool no_cap_capable;  /* testing (--disable-hook=cap_capable): neither the cap_capable
			       * tracepoint nor fexit, as on kernels before 6.14 in tracepoint-only
			       * mode */
	int erofs;	      /* enum tracer_erofs: which EROFS failures are denials */
	bool startup_stats;   /* --bench-startup: phase times and each program's verifier
			       * statistics on stderr */
	tracer_notice_fn on_notice;   /* EP_REC_NOTICE; NULL = count and ignore */
	tracer_sc_prog_fn on_sc_prog; /* EP_REC_SC_PROG; NULL = count and ignore */
};

/* What the reader made of the ring's records (user-space side; ep_counters is the BPF side). */
struct tracer_stats {
	unsigned long long denials;	  /* decoded and passed on */
	unsigned long long decode_errors; /* denial records that did not decode: dropped */
	unsigned long long notices;	  /* EP_REC_NOTICE records read */
	unsigned long long notice_lost;	  /* notices the ring had no room for (BPF side) */
	unsigned long long sc_progs;	  /* EP_REC_SC_PROG records read */
	unsigned long long bad_records;	  /* too short, or of an unknown type: dropped */
	unsigned long long scratch_busy;  /* denials lost to a busy record buffer (also in
					   * ep_counters.reserve_failed) */
};

/* Called for each record on the reader thread; must not block. Return 0, or <0 to stop. */
typedef int (*tracer_event_fn)(void *ctx, const struct ep_event *ev);

int tracer_new(const struct tracer_opts *opts, struct tracer **out);
/* Probe, load and attach; evidence hooks that are missing are switched off, never fatal. */
int tracer_start(struct tracer *t, tracer_event_fn fn, void *ctx);
/* Consume what is in the ring, waiting up to timeout_ms. Returns records consumed or -errno. */
int tracer_poll(struct tracer *t, int timeout_ms);
/* Sum of the per-CPU counters. */
int tracer_counters(struct tracer *t, struct ep_counters *sum);
const struct tracer_features *tracer_features(struct tracer *t);

/* Seccomp filter-chain accounting (tracepoint-only attribution). */
struct tracer_sc_stats {
	uint64_t ship_failed; /* programs the kernel side could not ship (ring full): retried */
	uint64_t malformed;   /* programs that failed validation here: never run */
	uint64_t missing;     /* denials whose chain had a program not (yet) here: undecided */
	uint64_t evicted;     /* programs the bounded cache let go (shipped again when needed) */
};
int tracer_sc_stats(struct tracer *t, struct tracer_sc_stats *s);
/* The reader's counts, with the BPF side's notice accounting. */
int tracer_stats(struct tracer *t, struct tracer_stats *out);
/* In-kernel folding (bpf/fold.bpf.h): the window in ns (0 = off; takes effect at once), the
 * fold map (fd and size, for daemon/fold/kfold.c) and the per-CPU counters summed. */
void tracer_set_fold(struct tracer *t, uint64_t window_ns);
int tracer_fold_map(struct tracer *t, unsigned *max_entries);
int tracer_fold_counters(struct tracer *t, struct ep_fold_counters *sum);
/* Track one more process (and its future children) in one-command mode. */
int tracer_track_pid(struct tracer *t, pid_t pid);
/* Stop tracing: every program detached (in-flight runs finish first), the ring stays readable.
 * After it, a drain ends and the counters no longer move. */
void tracer_detach(struct tracer *t);
void tracer_free(struct tracer *t);

#endif
