// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <pthread.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "incident.h"
#include "output.h"
#include "unit.h"

#define SEC 1000000000ull
#define T0  (1795675814ull * SEC)

struct rec {
	int n_new, n_summary;
	uint64_t last_count, max_count;
	uint64_t last_id;
	char last_path[64];
};

static void on_emit(void *ctx, const struct out_rec *o)
{
	struct rec *r = ctx;

	if (o->kind == OUT_NEW)
		r->n_new++;
	else
		r->n_summary++;
	r->last_count = o->count;
	if (o->count > r->max_count)
		r->max_count = o->count;
	r->last_id = o->incident;
	snprintf(r->last_path, sizeof(r->last_path), "%.60s", o->d->path);
}

static void fill(struct denial *d, const char *path, uint64_t t)
{
	memset(d, 0, sizeof(*d));
	d->ev.pid = 77;
	d->ev.syscall_nr = __NR_kill;
	d->ev.ret = -EP_EPERM;
	strcpy(d->ev.comm, "storm");
	strcpy(d->proc.exe, "/usr/bin/storm");
	strcpy(d->path, path);
	d->cause = EP_CAUSE_CAPABILITY;
	d->capability = 5;
	d->lsm = -1;
	d->realtime_ns = t;
}

TEST(incident_storm_folds)
{
	struct incident_opts o = {.window_ns = 60 * SEC, .summary_ns = 10 * SEC};
	struct denial *d = malloc(sizeof(*d));
	struct incidents *in = NULL;
	struct rec r = {0};
	uint64_t t = T0;

	if (!d || incidents_new(&o, on_emit, &r, &in)) {
		CHECK(0);
		free(d);
		return;
	}
	/* 100 000 identical denials over 30 s, ticking every 100 ms as the daemon would */
	for (int i = 0; i < 100000; i++) {
		t = T0 + (uint64_t)i * 300000ull;
		fill(d, "", t);
		incidents_add(in, d, t);
		if (i % 333 == 0)
			incidents_tick(in, t, false);
	}
	CHECK(d->count == 100000);
	incidents_tick(in, t + 1, true);
	CHECK(r.n_new == 1);
	CHECK(r.n_summary >= 2 && r.n_summary <= 5);
	CHECK(r.last_count == 100000);
	CHECK(r.max_count == 100000);
	CHECK(incidents_count(in) == 0);
	incidents_free(in);
	free(d);
}

TEST(incident_distinct_keys)
{
	struct denial *d = malloc(sizeof(*d));
	struct incidents *in = NULL;
	struct rec r = {0};

	if (!d || incidents_new(NULL, on_emit, &r, &in)) {
		CHECK(0);
		free(d);
		return;
	}
	fill(d, "/a", T0);
	incidents_add(in, d, T0);
	fill(d, "/b", T0);
	incidents_add(in, d, T0);
	fill(d, "/a", T0);
	d->capability = 6; /* another capability: another incident */
	incidents_add(in, d, T0);
	fill(d, "/a", T0);
	strcpy(d->proc.container, "docker:0123456789ab");
	incidents_add(in, d, T0);
	fill(d, "/a", T0 + 1);
	d->ev.pid = 78; /* another pid of the same exe folds */
	incidents_add(in, d, T0 + 1);
	CHECK(r.n_new == 4);
	CHECK(incidents_count(in) == 4);
	CHECK(d->count == 2);
	incidents_tick(in, T0 + 2, true);
	CHECK(r.n_summary == 1 && r.last_count == 2);
	incidents_free(in);
	free(d);
}

static void count_cb(void *ctx, const struct out_rec *o)
{
	*(uint64_t *)ctx += o->count;
}

TEST(incident_window_expiry)
{
	struct incident_opts o = {.window_ns = 60 * SEC, .summary_ns = 10 * SEC};
	struct denial *d = malloc(sizeof(*d));
	struct incidents *in = NULL;
	struct rec r = {0};
	uint64_t sum = 0;

	if (!d || incidents_new(&o, on_emit, &r, &in)) {
		CHECK(0);
		free(d);
		return;
	}
	/* no repeats: retired silently, a later occurrence is new again */
	fill(d, "/x", T0);
	incidents_add(in, d, T0);
	fill(d, "/x", T0 + 61 * SEC);
	incidents_add(in, d, T0 + 61 * SEC);
	CHECK(r.n_new == 2 && r.n_summary == 0);
	CHECK(r.last_id == 2);
	/* one repeat, then quiet: the tick after the window summarises and retires it */
	fill(d, "/x", T0 + 62 * SEC);
	incidents_add(in, d, T0 + 62 * SEC);
	incidents_foreach(in, count_cb, &sum);
	CHECK(sum == 2);
	incidents_tick(in, T0 + 63 * SEC, false);
	CHECK(r.n_summary == 0); /* summary_ns not reached since the NEW */
	incidents_tick(in, T0 + 72 * SEC, false);
	CHECK(r.n_summary == 1 && r.last_count == 2);
	incidents_tick(in, T0 + 100 * SEC, false);
	CHECK(incidents_count(in) == 1);
	incidents_tick(in, T0 + 123 * SEC, false);
	CHECK(incidents_count(in) == 0);
	CHECK(r.n_summary == 1); /* nothing new since the last summary */
	incidents_free(in);
	free(d);
}

TEST(incident_table_full)
{
	struct incident_opts o = {.max_incidents = 2};
	struct denial *d = malloc(sizeof(*d));
	struct incidents *in = NULL;
	struct rec r = {0};

	if (!d || incidents_new(&o, on_emit, &r, &in)) {
		CHECK(0);
		free(d);
		return;
	}
	fill(d, "/1", T0);
	incidents_add(in, d, T0);
	fill(d, "/2", T0);
	incidents_add(in, d, T0);
	fill(d, "/1", T0 + 1);
	incidents_add(in, d, T0 + 1); /* /1 is now the most recent */
	fill(d, "/2", T0 + 2);
	incidents_add(in, d, T0 + 2);
	fill(d, "/2", T0 + 3);
	incidents_add(in, d, T0 + 3); /* /2: count 3, /1: count 2, /1 oldest */
	fill(d, "/3", T0 + 4);
	incidents_add(in, d, T0 + 4); /* evicts /1 with its summary */
	CHECK(r.n_new == 3);
	CHECK(r.n_summary == 1);
	CHECK(incidents_count(in) == 2);
	incidents_tick(in, T0 + 5, true);
	CHECK(r.n_summary == 2 && r.last_count == 3);
	CHECK_STR(r.last_path, "/2");
	incidents_free(in);
	free(d);
}

TEST(incident_no_fold)
{
	struct incident_opts o = {.no_fold = true};
	struct denial *d = malloc(sizeof(*d));
	struct incidents *in = NULL;
	struct rec r = {0};

	if (!d || incidents_new(&o, on_emit, &r, &in)) {
		CHECK(0);
		free(d);
		return;
	}
	for (int i = 0; i < 5; i++) {
		fill(d, "/same", T0 + (uint64_t)i);
		incidents_add(in, d, T0 + (uint64_t)i);
	}
	incidents_tick(in, T0 + 100 * SEC, true);
	CHECK(r.n_new == 5 && r.n_summary == 0 && r.last_count == 1);
	CHECK(incidents_count(in) == 0);
	incidents_free(in);
	free(d);
}

TEST(incident_exe_gone)
{
	struct denial *d = malloc(sizeof(*d));
	struct incidents *in = NULL;
	struct rec r = {0};

	if (!d || incidents_new(NULL, on_emit, &r, &in)) {
		CHECK(0);
		free(d);
		return;
	}
	/* the process exited before its later repeats were enriched: still one incident */
	fill(d, "", T0);
	incidents_add(in, d, T0);
	fill(d, "", T0 + 1);
	d->proc.exe[0] = '\0';
	incidents_add(in, d, T0 + 1);
	CHECK(r.n_new == 1 && d->count == 2);
	/* the exe unknown first, known later: the same */
	fill(d, "/p", T0 + 2);
	d->proc.exe[0] = '\0';
	incidents_add(in, d, T0 + 2);
	fill(d, "/p", T0 + 3);
	incidents_add(in, d, T0 + 3);
	CHECK(r.n_new == 2 && d->count == 2);
	/* two known, different executables with the same comm: two incidents */
	fill(d, "/p", T0 + 4);
	strcpy(d->proc.exe, "/usr/bin/other");
	incidents_add(in, d, T0 + 4);
	CHECK(r.n_new == 3);
	incidents_tick(in, T0 + 5, true);
	incidents_free(in);
	free(d);
}

/* ---- nothing is rendered under the table lock ---- */

struct lockprobe {
	struct incidents *in;
	int done; /* __atomic: the other thread got through the table lock */
	int seen; /* callbacks that saw it get through */
	int calls;
	pthread_t t[4]; /* joined after the call that ran the callback (no deadlock if it was
			 * under the lock) */
	int nt;
};

static void *probe_snapshot(void *arg)
{
	struct lockprobe *p = arg;
	uint64_t sum = 0;

	incidents_foreach(p->in, count_cb, &sum);
	__atomic_store_n(&p->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void *probe_timing(void *arg)
{
	struct lockprobe *p = arg;

	incidents_set_timing(p->in, 60 * SEC, 10 * SEC, false);
	__atomic_store_n(&p->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* Inside a callback: another thread takes the table lock; wait up to 2 s for it. */
static void probe(struct lockprobe *p, void *(*fn)(void *))
{
	p->calls++;
	__atomic_store_n(&p->done, 0, __ATOMIC_RELAXED);
	if (p->nt >= 4 || pthread_create(&p->t[p->nt], NULL, fn, p))
		return;
	p->nt++;
	for (int i = 0; i < 2000 && !__atomic_load_n(&p->done, __ATOMIC_ACQUIRE); i++)
		usleep(1000);
	if (__atomic_load_n(&p->done, __ATOMIC_ACQUIRE))
		p->seen++;
}

static void probe_join(struct lockprobe *p)
{
	for (int i = 0; i < p->nt; i++)
		pthread_join(p->t[i], NULL);
	p->nt = 0;
}

static void on_emit_probe(void *ctx, const struct out_rec *o)
{
	(void)o;
	probe(ctx, probe_snapshot);
}

static void on_snapshot_probe(void *ctx, const struct out_rec *o)
{
	(void)o;
	probe(ctx, probe_timing);
}

TEST(incident_callbacks_outside_the_lock)
{
	struct incident_opts o = {.window_ns = 60 * SEC, .summary_ns = 10 * SEC};
	struct denial *d = malloc(sizeof(*d));
	struct lockprobe p = {0};

	if (!d || incidents_new(&o, on_emit_probe, &p, &p.in)) {
		CHECK(0);
		free(d);
		return;
	}
	fill(d, "/a", T0);
	incidents_add(p.in, d, T0); /* OUT_NEW */
	probe_join(&p);
	fill(d, "/a", T0 + 1);
	incidents_add(p.in, d, T0 + 1);
	incidents_tick(p.in, T0 + 20 * SEC, false); /* OUT_SUMMARY */
	probe_join(&p);
	CHECK(p.calls == 2 && p.seen == 2);
	p.calls = p.seen = 0;
	CHECK(incidents_foreach(p.in, on_snapshot_probe, &p) == 0);
	probe_join(&p);
	CHECK(p.calls == 1 && p.seen == 1);
	incidents_free(p.in);
	free(d);
}

struct seen {
	uint64_t n;
	char path[64];
};

static void count_rep(void *ctx, const struct denial *rep, uint64_t n)
{
	struct seen *s = ctx;

	s->n += n;
	snprintf(s->path, sizeof(s->path), "%.60s", rep->path);
}

/* Repeats the kernel folded go to the incident named by id, never to another; a retired
 * incident's id is refused. */
TEST(incident_add_repeats)
{
	struct incident_opts o = {
	    .window_ns = 60 * SEC, .summary_ns = 10 * SEC, .max_incidents = 2};
	struct denial *d = malloc(sizeof(*d));
	struct incidents *in = NULL;
	struct rec r = {0};
	struct seen seen = {0};
	uint64_t ida, idb;

	if (!d || incidents_new(&o, on_emit, &r, &in)) {
		CHECK(0);
		free(d);
		return;
	}
	fill(d, "/a", T0);
	incidents_add(in, d, T0);
	ida = d->incident_id;
	fill(d, "/b", T0);
	incidents_add(in, d, T0);
	idb = d->incident_id;
	CHECK(ida && idb && ida != idb);
	CHECK(incidents_add_repeats(in, ida, 999, T0 + 5 * SEC, count_rep, &seen));
	CHECK(seen.n == 999);
	CHECK_STR(seen.path, "/a");
	incidents_tick(in, T0 + 11 * SEC, false); /* the summary of /a carries the repeats */
	CHECK(r.n_summary == 1 && r.last_count == 1000 && r.last_id == ida);
	CHECK_STR(r.last_path, "/a");
	fill(d, "/c", T0 + 12 * SEC); /* the table holds two: /b, the oldest, is retired */
	incidents_add(in, d, T0 + 12 * SEC);
	CHECK(!incidents_add_repeats(in, idb, 5, T0 + 12 * SEC, NULL, NULL));
	CHECK(incidents_add_repeats(in, ida, 1, T0 + 13 * SEC, NULL, NULL));
	incidents_tick(in, T0 + 14 * SEC, true);
	CHECK(r.max_count == 1001);
	incidents_free(in);
	free(d);
}
