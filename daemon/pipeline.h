/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The worker: one thread that takes raw records off the queue and runs the stages in one
 * direction (docs/architecture.md):
 *
 *   capture (queue) -> enrich -> attribute -> late audit (once) -> the words' lookups
 *   (enrich_wanted) -> explain -> fold -> sink
 *
 * The daemon fills the inputs, then pipeline_start(); the worker owns the record, the rate
 * limiter and the JSON buffer; the counters are read by any thread. A policy reload is
 * published through *policy and acknowledged by worker_beat turning.
 */
#ifndef EPERMD_PIPELINE_H
#define EPERMD_PIPELINE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "denial.h"
#include "filter.h"

#define PIPELINE_JSON_MAX (64 * 1024)

struct evqueue;
struct incidents;
struct prefold;
struct fanotify_index;
struct audit;
struct audit_join;
struct out_rec;
struct unitprops;
struct kfold;
struct metrics;
struct sink;
struct server;
struct enrich_cache;

struct pipeline {
	/* inputs, set by the daemon before pipeline_start(), read-only afterwards */
	struct evqueue *q;
	struct incidents *inc;
	struct prefold *pf;
	struct fanotify_index *fan; /* the listener lookup of the enrich stage; NULL = none */
	struct audit *audit;	    /* the kernel audit join (H9); NULL = none */
	struct metrics *metrics;
	struct sink *sink;
	struct server *srv;
	uint64_t hooks_active;
	unsigned host_mntns;	 /* the tracer's: EROFS in another namespace is a policy */
	struct unitprops *units; /* systemd units' sandbox settings; NULL = off */
	struct kfold *kf;	 /* repeats the kernel folded (drained by the worker) */
	int64_t rt_offset;	 /* CLOCK_REALTIME - CLOCK_MONOTONIC */
	_Atomic(struct filter_policy *) *policy; /* the daemon's; replaced on reload */

	/* worker only */
	struct enrich_cache *cache;	     /* the enrich stage's (pipeline_start) */
	const struct filter_policy *wpolicy; /* the one it is using */
	struct ratelimit rl;
	char json[PIPELINE_JSON_MAX];

	/* any thread */
	atomic_uint_fast64_t delivered, ignored, rate_limited;
	atomic_uint_fast64_t worker_beat;
	atomic_bool stop;
	bool kfold_warned; /* worker only: a failing fold-map read was said */
	pthread_t thread;
	bool started;
};

/* the kernel folds repeats for at most this long after the record that heads them, and the
 * worker drains its counts this often (bpf/fold.bpf.h, daemon/fold/kfold.c) */
#define KFOLD_WINDOW_NS (1000ull * 1000000ull)
#define KFOLD_DRAIN_NS	(250ull * 1000000ull)

/* the kernel's fold window for a configured one (seconds; 0 = no folding) */
uint64_t pipeline_kfold_window(unsigned fold_window);

/* The fold stage's output callback (incidents_new): rate limit, sinks, socket. */
void pipeline_emit(void *ctx, const struct out_rec *r);

/* Enrich, attribute, the late-audit retry, the words' lookups and explain for one fresh
 * record (d->ev set, the rest zero or stale); no folding, no output. cache and fan may be
 * NULL. */
void pipeline_decide(struct denial *d, struct enrich_cache *cache, struct fanotify_index *fan,
		     struct audit_join *aj, struct unitprops *units);

int pipeline_start(struct pipeline *p);
/* The reader has stopped: drain the queue, then join; frees what pipeline_start() made.
 * Idempotent. */
void pipeline_stop(struct pipeline *p);

#endif
