// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The worker thread and the stage sequence. Each stage reads what the ones before it wrote
 * and never asks a later one: enrich does every read of /proc, /sys and the file system,
 * attribute (cause.c) is pure and stores its verdict, one bounded wait for a late audit
 * record may send the record through attribute once more, enrich looks up what the final
 * verdict's words read (cause_wants(), enrich_wanted(): passwd, group, dpkg), explain
 * (diagnose.c) words the stored verdict, fold (prefold.c, incident.c) and the sinks come last.
 */
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "audit.h"
#include "cause.h"
#include "clock.h"
#include "diagnose.h"
#include "enrich.h"
#include "fanotify.h"
#include "incident.h"
#include "metrics.h"
#include "output.h"
#include "pipeline.h"
#include "prefold.h"
#include "kfold.h"
#include "msgids.h"
#include "queue.h"
#include "unitprops.h"
#include "server.h"

/* Outside the incident lock: the JSON form is rendered once for a JSON sink and the socket. */
void pipeline_emit(void *ctx, const struct out_rec *r)
{
	struct pipeline *p = ctx;
	int jlen = -1;

	if (r->kind == OUT_NEW)
		metrics_incident(p->metrics);
	if (p->srv || sink_has_format(p->sink, OUT_JSON))
		jlen = record_to_json(r, p->json, sizeof(p->json));
	/* rate_limit holds records back from the sinks (counted, reported by the daemon) */
	if (!p->wpolicy || ratelimit_take(&p->rl, p->wpolicy->rate_limit, p->wpolicy->rate_burst,
					  clock_ns(CLOCK_MONOTONIC)))
		sink_record(p->sink, r, jlen > 0 ? p->json : NULL, jlen);
	else
		atomic_fetch_add(&p->rate_limited, 1);
	if (p->srv && jlen > 0)
		server_publish(p->srv, p->json);
}

/* an ignore rule matches: counted, never reported */
static bool ignored(struct pipeline *p, const struct denial *d)
{
	if (!p->wpolicy || filter_match(&p->wpolicy->ignore, d) < 0)
		return false;
	atomic_fetch_add(&p->ignored, 1);
	return true;
}

/* The per-event fields of a denial; the rest comes from the decision. */
static void stamp(const struct pipeline *p, struct denial *d)
{
	uint64_t rt = d->ev.ts_ns + (uint64_t)p->rt_offset;

	d->realtime_ns = rt;
	d->count = 1;
	d->first_seen_ns = d->last_seen_ns = rt;
	d->incident_id = 0;
}

/* Attribute, and once more with the listener fact if a rule asked for it. The second pass
 * starts from the facts as the first found them: what the first pass added (DN_FACT_* bits, a
 * blocking directory as target) came from rules the listener may now pre-empt. */
static void attribute(struct denial *d, struct fanotify_index *fan)
{
	unsigned at = d->facts_at_denial, later = d->facts_later;
	bool had_target = d->target[0];

	cause_decide(d);
	if (!d->want_listener || d->listener_checked || !fan)
		return;
	d->facts_at_denial = at;
	d->facts_later = later;
	if (!had_target)
		d->target[0] = '\0';
	enrich_listener(d, fanotify_lookup_cb, fan);
	cause_decide(d);
}

/* Is a kernel audit record that has not come yet worth a bounded wait? The verdict says
 * who refused only in general terms: unknown, an LSM it could not name, seccomp (its audit
 * record names the filter's action and code), fanotify without the listener's rule. */
static bool late_audit_worth(const struct denial *d)
{
	if (d->audit.kind)
		return false; /* joined already */
	if (d->cause == EP_CAUSE_UNKNOWN || d->cause == EP_CAUSE_SECCOMP)
		return true;
	if (d->cause == EP_CAUSE_LSM)
		return d->lsm <= EP_LSM_UNKNOWN;
	return d->cause == EP_CAUSE_FANOTIFY && !d->rule[0];
}

void pipeline_decide(struct denial *d, struct enrich_cache *cache, struct fanotify_index *fan,
		     struct audit_join *aj, struct unitprops *units)
{
	enrich_denial(cache, d);
	unitprops_fill(units, d);     /* the unit's sandbox, for unitmap.c in attribute */
	audit_annotate(aj, d, false); /* H9: join a kernel audit record, if one came */
	attribute(d, fan);
	/* the one step back: a late audit record (bounded wait) sends the record through
	 * attribute again */
	if (late_audit_worth(d) && audit_annotate(aj, d, true))
		attribute(d, fan);
	/* what the words read and only a database answers (passwd, group, dpkg): explain
	 * looks nothing up */
	enrich_wanted(cache, d, cause_wants(d));
	diagnose_denial(d);
}

/* the kernel folds repeats of a fold head: they go to the same incident (or are ignored) */
static void note_head(struct pipeline *p, const struct ep_event *ev, const struct denial *x,
		      bool ign)
{
	if (ev->flags & EP_F_FOLD_HEAD)
		kfold_note_head(p->kf, ev->seq, ign ? 0 : x->incident_id, ign);
}

/* the fold stage for a decided record: ignore rules, metrics, incidents, the kernel's fold */
static void fold(struct pipeline *p, struct denial *x, __u32 head)
{
	bool ign = ignored(p, x);

	if (!ign) {
		metrics_denial(p->metrics, x);
		incidents_add(p->inc, x, clock_ns(CLOCK_REALTIME));
	}
	x->ev.flags |= head;
	note_head(p, &x->ev, x, ign);
}

static void process(struct pipeline *p, struct denial *d, uint64_t mono)
{
	struct ep_event *ev = &d->ev;
	__u32 head = ev->flags & EP_F_FOLD_HEAD;
	struct denial *hit;

	/* not a fact about the denial: the facts of a head and of a lone record are the same */
	ev->flags &= ~EP_F_FOLD_HEAD;
	hit = prefold_lookup(p->pf, ev, mono);
	/* the same facts decided less than a TTL ago: that decision, with this event's times */
	if (hit) {
		stamp(p, hit);
		fold(p, hit, head);
		return;
	}
	/* everything after the raw record starts fresh */
	memset((char *)d + offsetof(struct denial, realtime_ns), 0,
	       sizeof(*d) - offsetof(struct denial, realtime_ns));
	stamp(p, d);
	d->hooks_active = p->hooks_active;
	d->host_mntns = p->host_mntns;
	d->capability = -1;
	d->lsm = -1;
	pipeline_decide(d, p->cache, p->fan, audit_join(p->audit), p->units);
	prefold_store(p->pf, d, mono);
	fold(p, d, head);
}

static void count_repeats(void *ctx, const struct denial *rep, uint64_t n)
{
	metrics_denials(((struct pipeline *)ctx)->metrics, rep, n);
}

static bool add_repeats(void *ctx, uint64_t id, uint64_t n, uint64_t last_mono_ns)
{
	struct pipeline *p = ctx;

	return id && incidents_add_repeats(p->inc, id, n, last_mono_ns + (uint64_t)p->rt_offset,
					   count_repeats, p);
}

/* take the kernel's folded counts; a failing read is said once (the counts stay fold_lost) */
static void drain_kfold(struct pipeline *p, bool final)
{
	int err = kfold_drain(p->kf, add_repeats, p, final);

	if (err && !p->kfold_warned) {
		p->kfold_warned = true;
		sink_alarm(p->sink, LOG_WARNING, EP_MSGID_LOSS,
			   "epermd: cannot read the kernel's fold map: %s; repeats it counted "
			   "stay in fold_lost",
			   strerror(-err));
	}
}

uint64_t pipeline_kfold_window(unsigned fold_window)
{
	uint64_t ns = fold_window * 1000000000ull;

	return ns < KFOLD_WINDOW_NS ? ns : KFOLD_WINDOW_NS;
}

static void *worker_main(void *arg)
{
	struct pipeline *p = arg;
	uint64_t last_tick = clock_ns(CLOCK_MONOTONIC), last_drain = last_tick;
	struct denial *d;
	sigset_t all;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	d = calloc(1, sizeof(*d));
	if (!d) {
		fprintf(stderr, "epermd: worker: out of memory\n");
		return NULL;
	}
	for (;;) {
		const struct filter_policy *pol = atomic_load(p->policy);
		bool got = evq_pop(p->q, &d->ev, 100);
		uint64_t now;

		if (pol != p->wpolicy) { /* a reload; worker_beat below acknowledges it */
			p->wpolicy = pol;
			incidents_set_timing(p->inc, pol->fold_window * 1000000000ull,
					     pol->summary_interval * 1000000000ull,
					     !pol->fold_window);
		}
		if (got) {
			process(p, d, clock_ns(CLOCK_MONOTONIC));
			atomic_fetch_add(&p->delivered, 1);
		} else if (atomic_load(&p->stop)) {
			/* the reader has stopped: an empty pop means the queue is drained */
			break;
		}
		atomic_fetch_add(&p->worker_beat, 1);
		now = clock_ns(CLOCK_MONOTONIC);
		if (now - last_drain >= KFOLD_DRAIN_NS) {
			drain_kfold(p, false);
			last_drain = now;
		}
		if (now - last_tick >= 1000000000ull) {
			incidents_tick(p->inc, clock_ns(CLOCK_REALTIME), false);
			unitprops_tick(p->units);
			last_tick = now;
		}
	}
	/* the ring and the queue are drained: every head is decided */
	drain_kfold(p, true);
	free(d);
	return NULL;
}

int pipeline_start(struct pipeline *p)
{
	int err = enrich_cache_new(&p->cache);

	if (err)
		return err;
	err = pthread_create(&p->thread, NULL, worker_main, p);
	if (err) {
		enrich_cache_free(p->cache);
		p->cache = NULL;
		return -err;
	}
	p->started = true;
	return 0;
}

void pipeline_stop(struct pipeline *p)
{
	if (!p->started)
		return;
	atomic_store(&p->stop, true);
	evq_wake(p->q);
	pthread_join(p->thread, NULL);
	p->started = false;
	enrich_cache_free(p->cache);
	p->cache = NULL;
}
