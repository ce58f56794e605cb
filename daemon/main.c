// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * epermd: the lifecycle. The main thread reads the ring and only copies records into the
 * bounded queue; a worker enriches, decides, words and folds them; sinks and the socket have
 * their own threads. Shutdown drains every stage before the final counters are printed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <syslog.h>
#include <systemd/sd-daemon.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "clock.h"
#include "cause.h"
#include "child.h"
#include "cli.h"
#include "config.h"
#include "diagnose.h"
#include "enrich.h"
#include "escape.h"
#include "fanotify.h"
#include "incident.h"
#include "kfold.h"
#include "metrics.h"
#include "msgids.h"
#include "output.h"
#include "prefold.h"
#include "privs.h"
#include "runstate.h"
#include "queue.h"
#include "server.h"
#include "tracer.h"

#define JSON_MAX     (64 * 1024)
#define DRAIN_MAX_NS (3ull * 1000000000ull)
/* the kernel folds repeats for at most this long after the record that heads them, and the
 * worker drains its counts this often (bpf/fold.bpf.h, daemon/kfold.c) */
#define KFOLD_WINDOW_NS (1000ull * 1000000ull)
#define KFOLD_DRAIN_NS	(250ull * 1000000ull)

struct app {
	struct config cfg;
	struct cli cli;
	struct child ch; /* one-command mode: the command, or the -p processes */

	struct tracer *tr;
	struct evqueue *q;
	struct sink *sink;
	struct incidents *inc;
	struct prefold *pf;	    /* worker only */
	struct kfold *kf;	    /* worker only: repeats the kernel folded */
	struct fanotify_index *fan; /* fanotify permission listeners (cause.c asks) */
	struct server *srv;
	struct metrics *metrics; /* the textfile for node_exporter */
	uint64_t metrics_last;	 /* CLOCK_MONOTONIC of the last write */
	const struct tracer_features *feat;
	uint64_t hooks_active;
	int64_t rt_offset; /* CLOCK_REALTIME - CLOCK_MONOTONIC */
	uint64_t start_mono;
	char caps[768];	     /* what is kept after attach, for the start line */
	struct runstate *rs; /* heartbeat for the tracing-gap notice; NULL = off */

	pthread_t worker;
	bool worker_started;
	atomic_bool worker_stop;
	atomic_uint_fast64_t delivered;
	atomic_uint_fast64_t worker_beat;
	char json[JSON_MAX]; /* worker only */

	/* ignore rules and rate limit; reloaded on SIGHUP */
	_Atomic(struct filter_policy *) policy;
	const struct filter_policy *wpolicy; /* worker only: the one it is using */
	struct filter_policy *retired;	     /* main only: freed once the worker moved on */
	uint64_t retired_beat;
	struct ratelimit rl; /* worker only */
	atomic_uint_fast64_t ignored, rate_limited;
};

static volatile sig_atomic_t stop_signal;
static volatile sig_atomic_t got_sigchld;
static volatile sig_atomic_t got_sighup;

static void on_hup(int sig)
{
	(void)sig;
	got_sighup = 1;
}

static void on_stop(int sig)
{
	stop_signal = sig;
}

static void on_chld(int sig)
{
	(void)sig;
	got_sigchld = 1;
}

/*
 * The configuration: defaults, the file, then the command line. Returns -1 when c is complete,
 * else the exit status; the reason goes to stderr, or, with to_stderr false, to the sink (a
 * reload: the daemon keeps running).
 */
static int build_config(struct app *a, struct config *c, bool to_stderr)
{
	char err[512];
	int ret = cli_build_config(&a->cli, c, err, sizeof(err));

	if (ret >= 0 && to_stderr)
		fprintf(stderr, "epermd: %s\n", err);
	else if (ret >= 0)
		sink_alarm(a->sink, LOG_ERR, EP_MSGID_RELOAD,
			   "epermd: configuration reload failed: %s; keeping the running "
			   "configuration",
			   err);
	return ret;
}

/* ---- the reader callback: copy and go ---- */

/* A fanotify_mark() with a permission bit succeeded: index the listener now, while it lives
 * (reader thread; one readlink). */
static int on_notice(void *ctx, const struct ep_notice *n)
{
	struct app *a = ctx;
	char p[48], exe[128];
	ssize_t r;

	if (n->kind != EP_NOTE_FANOTIFY_MARK || !a->fan)
		return 0;
	snprintf(p, sizeof(p), "/proc/%u/exe", n->pid);
	r = readlink(p, exe, sizeof(exe) - 1);
	exe[r > 0 ? r : 0] = '\0';
	fanotify_index_note(a->fan, n, exe);
	return 0;
}

static int on_event(void *ctx, const struct ep_event *ev)
{
	struct app *a = ctx;

	evq_push(a->q, ev); /* a full queue drops and counts */
	return 0;
}

/* ---- the worker ---- */

static void emit(void *ctx, const struct denial *d, int kind)
{
	struct app *a = ctx;

	if (kind == OUT_NEW)
		metrics_incident(a->metrics);
	/* rate_limit holds records back from the sinks (counted, reported by check_held) */
	if (!a->wpolicy || ratelimit_take(&a->rl, a->wpolicy->rate_limit, a->wpolicy->rate_burst,
					  clock_ns(CLOCK_MONOTONIC)))
		sink_denial(a->sink, d, (enum out_kind)kind);
	else
		atomic_fetch_add(&a->rate_limited, 1);
	if (a->srv && denial_to_json(d, (enum out_kind)kind, a->json, sizeof(a->json)) > 0)
		server_publish(a->srv, a->json);
}

/* an ignore rule matches: counted, never reported */
static bool ignored(struct app *a, const struct denial *d)
{
	if (!a->wpolicy || filter_match(&a->wpolicy->ignore, d) < 0)
		return false;
	atomic_fetch_add(&a->ignored, 1);
	return true;
}

/* The per-event fields of a denial; the rest comes from the decision. */
static void stamp(struct app *a, struct denial *d)
{
	uint64_t rt = d->ev.ts_ns + (uint64_t)a->rt_offset;

	d->realtime_ns = rt;
	d->count = 1;
	d->first_seen_ns = d->last_seen_ns = rt;
	d->incident_id = 0;
}

/* the kernel folds repeats of a fold head: they go to the same incident (or are ignored) */
static void note_head(struct app *a, const struct ep_event *ev, const struct denial *x, bool ign)
{
	if (ev->flags & EP_F_FOLD_HEAD)
		kfold_note_head(a->kf, ev->seq, ign ? 0 : x->incident_id, ign);
}

static void process(struct app *a, struct denial *d, uint64_t mono)
{
	struct ep_event *ev = &d->ev;
	struct denial *hit;
	__u32 head = ev->flags & EP_F_FOLD_HEAD;
	bool ign;

	/* not a fact about the denial: the facts of a head and of a lone record are the same */
	ev->flags &= ~EP_F_FOLD_HEAD;
	hit = prefold_lookup(a->pf, ev, mono);
	/* the same facts decided less than a TTL ago: that decision, with this event's times */
	if (hit) {
		stamp(a, hit);
		ign = ignored(a, hit);
		if (!ign) {
			metrics_denial(a->metrics, hit);
			incidents_add(a->inc, hit, clock_ns(CLOCK_REALTIME));
		}
		hit->ev.flags |= head;
		note_head(a, &hit->ev, hit, ign);
		return;
	}
	/* everything after the raw record starts fresh */
	memset((char *)d + offsetof(struct denial, realtime_ns), 0,
	       sizeof(*d) - offsetof(struct denial, realtime_ns));
	stamp(a, d);
	d->hooks_active = a->hooks_active;
	d->capability = -1;
	d->lsm = -1;
	enrich_denial(d);
	audit_annotate(d, false); /* H9: join a kernel audit record, if one came */
	cause_decide(d);
	if (audit_annotate(d, true)) /* unexplained: a late record may still come (bounded) */
		cause_decide(d);
	diagnose_denial(d);
	prefold_store(a->pf, d, mono);
	ign = ignored(a, d);
	if (!ign) {
		metrics_denial(a->metrics, d);
		incidents_add(a->inc, d, clock_ns(CLOCK_REALTIME));
	}
	ev->flags |= head;
	note_head(a, ev, d, ign);
}

static void count_repeats(void *ctx, const struct denial *rep, uint64_t n)
{
	metrics_denials(((struct app *)ctx)->metrics, rep, n);
}

static bool add_repeats(void *ctx, uint64_t id, uint64_t n, uint64_t last_mono_ns)
{
	struct app *a = ctx;

	return id && incidents_add_repeats(a->inc, id, n, last_mono_ns + (uint64_t)a->rt_offset,
					   count_repeats, a);
}

/* take the kernel's folded counts; a failing read is said once (the counts stay fold_lost) */
static void drain_kfold(struct app *a, bool final)
{
	static bool warned;
	int err = kfold_drain(a->kf, add_repeats, a, final);

	if (err && !warned) {
		warned = true;
		sink_alarm(a->sink, LOG_WARNING, EP_MSGID_LOSS,
			   "epermd: cannot read the kernel's fold map: %s; repeats it counted "
			   "stay in fold_lost",
			   strerror(-err));
	}
}

/* the kernel's fold window for a configured one (seconds; 0 = no folding) */
static uint64_t kfold_window(unsigned fold_window)
{
	uint64_t ns = fold_window * 1000000000ull;

	return ns < KFOLD_WINDOW_NS ? ns : KFOLD_WINDOW_NS;
}

static void *worker_main(void *arg)
{
	struct app *a = arg;
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
		const struct filter_policy *p = atomic_load(&a->policy);
		bool got = evq_pop(a->q, &d->ev, 100);
		uint64_t now;

		if (p != a->wpolicy) { /* a reload; worker_beat below acknowledges it */
			a->wpolicy = p;
			incidents_set_timing(a->inc, p->fold_window * 1000000000ull,
					     p->summary_interval * 1000000000ull, !p->fold_window);
			tracer_set_fold(a->tr, kfold_window(p->fold_window));
		}
		if (got) {
			process(a, d, clock_ns(CLOCK_MONOTONIC));
			atomic_fetch_add(&a->delivered, 1);
		} else if (atomic_load(&a->worker_stop)) {
			/* the reader has stopped: an empty pop means the queue is drained */
			break;
		}
		atomic_fetch_add(&a->worker_beat, 1);
		now = clock_ns(CLOCK_MONOTONIC);
		if (now - last_drain >= KFOLD_DRAIN_NS) {
			drain_kfold(a, false);
			last_drain = now;
		}
		if (now - last_tick >= 1000000000ull) {
			incidents_tick(a->inc, clock_ns(CLOCK_REALTIME), false);
			last_tick = now;
		}
	}
	/* the ring and the queue are drained: every head is decided */
	drain_kfold(a, true);
	free(d);
	return NULL;
}

/* ---- the socket's snapshot ---- */

struct snap_ctx {
	struct app *a;
	void (*line)(void *lctx, const char *json);
	void *lctx;
	char *buf;
};

static void snap_one(void *ctx, const struct denial *d)
{
	struct snap_ctx *s = ctx;

	if (denial_to_json(d, OUT_SUMMARY, s->buf, JSON_MAX) > 0)
		s->line(s->lctx, s->buf);
}

struct counters {
	uint64_t attempted, submitted, reserve_failed, truncated, read_fault, filtered_self;
	uint64_t queue_dropped, sink_dropped, delivered;
	uint64_t ignored, rate_limited;
	uint64_t sc_prog_lost, sc_undecided;
	/* attempted == submitted + reserve_failed + folded; folded == fold_drained + fold_lost */
	uint64_t folded, fold_drained, fold_unattributed, fold_lost;
};

/* until the final drain, fold_lost includes the repeats not drained yet */
static void read_fold_counters(struct app *a, struct counters *c)
{
	struct ep_fold_counters fc = {0};
	struct kfold_stats ks;

	if (a->tr)
		tracer_fold_counters(a->tr, &fc);
	kfold_get_stats(a->kf, &ks);
	c->folded = fc.folded;
	c->fold_drained = ks.drained;
	c->fold_unattributed = ks.unattributed;
	c->fold_lost = fc.folded > ks.drained ? fc.folded - ks.drained : 0;
	c->ignored += ks.ignored;
}

static void read_counters(struct app *a, struct counters *c)
{
	struct ep_counters k = {0};
	struct tracer_sc_stats sc = {0};

	if (a->tr) {
		tracer_counters(a->tr, &k);
		tracer_sc_stats(a->tr, &sc);
	}
	c->sc_prog_lost = sc.ship_failed;
	c->sc_undecided = sc.missing + sc.malformed;
	c->attempted = k.attempted;
	c->submitted = k.submitted;
	c->reserve_failed = k.reserve_failed;
	c->truncated = k.truncated;
	c->read_fault = k.read_fault;
	c->filtered_self = k.filtered_self;
	c->queue_dropped = a->q ? evq_dropped(a->q) : 0;
	c->sink_dropped = a->sink ? sink_dropped(a->sink) : 0;
	c->delivered = atomic_load(&a->delivered);
	c->ignored = atomic_load(&a->ignored);
	c->rate_limited = atomic_load(&a->rate_limited);
	read_fold_counters(a, c);
}

static unsigned counters_stats(const struct counters *c, struct out_stat *st)
{
	unsigned n = 0;

	st[n++] = (struct out_stat){"attempted", c->attempted};
	st[n++] = (struct out_stat){"submitted", c->submitted};
	st[n++] = (struct out_stat){"reserve_failed", c->reserve_failed};
	st[n++] = (struct out_stat){"truncated", c->truncated};
	st[n++] = (struct out_stat){"read_fault", c->read_fault};
	st[n++] = (struct out_stat){"filtered_self", c->filtered_self};
	st[n++] = (struct out_stat){"queue_dropped", c->queue_dropped};
	st[n++] = (struct out_stat){"sink_dropped", c->sink_dropped};
	st[n++] = (struct out_stat){"delivered", c->delivered};
	st[n++] = (struct out_stat){"ignored", c->ignored};
	st[n++] = (struct out_stat){"rate_limited", c->rate_limited};
	st[n++] = (struct out_stat){"seccomp_prog_lost", c->sc_prog_lost};
	st[n++] = (struct out_stat){"seccomp_undecided", c->sc_undecided};
	st[n++] = (struct out_stat){"folded", c->folded};
	st[n++] = (struct out_stat){"fold_drained", c->fold_drained};
	st[n++] = (struct out_stat){"fold_unattributed", c->fold_unattributed};
	st[n++] = (struct out_stat){"fold_lost", c->fold_lost};
	return n;
}

static int features_json(const struct tracer_features *f, char *buf, size_t n)
{
	size_t used;
	int r;

	r = snprintf(buf, n,
		     "{\"type\":\"features\",\"mode\":\"%s\",\"exit_hook\":\"%s\","
		     "\"seccomp\":\"%s\",\"object_lookup\":\"%s\",\"fold\":\"%s\",\"hooks\":[",
		     f->full ? "full" : "tracepoint-only", f->exit_hook ? f->exit_hook : "",
		     f->seccomp ? f->seccomp : "", f->obj_lookup ? f->obj_lookup : "",
		     f->fold ? f->fold : "");
	if (r < 0 || (size_t)r >= n)
		return -ENOSPC;
	used = (size_t)r;
	for (int i = 0; i < f->n_hooks && i < TRACER_MAX_HOOKS; i++) {
		const struct tracer_hook_state *h = &f->hooks[i];
		char why[256];

		/* reasons can quote libbpf and verifier messages */
		json_escape(why, sizeof(why), !h->active && h->why ? h->why : "");
		r = snprintf(buf + used, n - used, "%s{\"name\":\"%s\",\"active\":%s%s%s%s}",
			     i ? "," : "", h->name ? h->name : "", h->active ? "true" : "false",
			     why[0] ? ",\"why\":\"" : "", why, why[0] ? "\"" : "");
		if (r < 0 || (size_t)r >= n - used)
			return -ENOSPC;
		used += (size_t)r;
	}
	r = snprintf(buf + used, n - used, "]}");
	if (r < 0 || (size_t)r >= n - used)
		return -ENOSPC;
	return (int)(used + (size_t)r);
}

/* The stats line of the snapshot and of the live stream: counters, uptime, socket clients. */
static int stats_line(struct app *a, char *buf, size_t n)
{
	struct out_stat st[24];
	struct counters c;
	unsigned k;
	int len, r;

	read_counters(a, &c);
	k = counters_stats(&c, st);
	st[k++] = (struct out_stat){"incidents", incidents_count(a->inc)};
	st[k++] = (struct out_stat){"uptime_s",
				    (clock_ns(CLOCK_MONOTONIC) - a->start_mono) / 1000000000ull};
	len = stats_to_json(st, k, 0, buf, n);
	if (len <= 0 || !a->srv || (size_t)len + 2 >= n)
		return len;
	/* splice the socket's own members in before the closing brace */
	buf[len - 1] = ',';
	r = server_stats_json(a->srv, buf + len, n - (size_t)len - 1);
	if (r <= 0) {
		buf[len - 1] = '}';
		return len;
	}
	len += r;
	buf[len++] = '}';
	buf[len] = '\0';
	return len;
}

static void snapshot(void *ctx, void (*line)(void *lctx, const char *json), void *lctx)
{
	struct app *a = ctx;
	struct snap_ctx s = {a, line, lctx, malloc(JSON_MAX)};

	if (!s.buf)
		return;
	incidents_foreach(a->inc, snap_one, &s);
	if (stats_line(a, s.buf, JSON_MAX) > 0)
		line(lctx, s.buf);
	if (a->feat && features_json(a->feat, s.buf, JSON_MAX) > 0)
		line(lctx, s.buf);
	free(s.buf);
}

/* ---- loss is never silent ---- */

static void check_loss(struct app *a, struct counters *last, bool final)
{
	struct counters c;

	read_counters(a, &c);
	if (c.reserve_failed > last->reserve_failed || c.truncated > last->truncated ||
	    c.read_fault > last->read_fault || c.queue_dropped > last->queue_dropped ||
	    c.sink_dropped > last->sink_dropped) {
		sink_alarm(a->sink, LOG_WARNING, EP_MSGID_LOSS,
			   "epermd: denials lost%s: ring full +%" PRIu64 " (total %" PRIu64
			   "), queue full +%" PRIu64 " (total %" PRIu64
			   "), output dropped +%" PRIu64 " (total %" PRIu64
			   "); paths truncated +%" PRIu64 ", path read faults +%" PRIu64
			   "; consider a larger --ring-size/--queue-size",
			   final ? " before exit" : " in the last second",
			   c.reserve_failed - last->reserve_failed, c.reserve_failed,
			   c.queue_dropped - last->queue_dropped, c.queue_dropped,
			   c.sink_dropped - last->sink_dropped, c.sink_dropped,
			   c.truncated - last->truncated, c.read_fault - last->read_fault);
	}
	*last = c;
}

/* diagnoses held back by rate_limit are reported once per summary interval, and at exit */
static void check_held(struct app *a, uint64_t *last_n, uint64_t *last_ns, bool final)
{
	uint64_t n = atomic_load(&a->rate_limited), now = clock_ns(CLOCK_MONOTONIC);

	if (n == *last_n || (!final && now - *last_ns < a->cfg.summary_interval * 1000000000ull))
		return;
	sink_alarm(a->sink, LOG_WARNING, EP_MSGID_LOSS,
		   "epermd: %" PRIu64 " diagnoses held back by rate_limit (%u/s, burst %u)%s "
		   "(total %" PRIu64 "); counted as rate_limited, the live view still shows "
		   "them; raise rate_limit to see them here",
		   n - *last_n, a->cfg.rate_limit,
		   a->cfg.rate_burst ? a->cfg.rate_burst : a->cfg.rate_limit,
		   final ? " before exit" : " since the last report", n);
	*last_n = n;
	*last_ns = now;
}

/* SIGHUP. The new file must parse completely, else nothing changes; what needs a restart
 * is named, the rest goes to the worker as a fresh policy object. */
static void reload_config(struct app *a)
{
	struct config *nc = malloc(sizeof(*nc));
	struct filter_policy *p = malloc(sizeof(*p));
	char restart[256], live[256];
	const char *path = a->cli.config_path ? a->cli.config_path : CONFIG_DEFAULT_PATH;

	if (!nc || !p) {
		sink_alarm(a->sink, LOG_ERR, EP_MSGID_RELOAD,
			   "epermd: configuration reload failed: out of memory; keeping the "
			   "running configuration");
		goto out;
	}
	if (build_config(a, nc, false) >= 0)
		goto out;
	config_diff(&a->cfg, nc, false, live, sizeof(live));
	if (config_diff(&a->cfg, nc, true, restart, sizeof(restart)) > 0)
		sink_alarm(a->sink, LOG_WARNING, EP_MSGID_RELOAD,
			   "epermd: configuration reload: %s changed but needs a restart "
			   "(systemctl restart epermd); still running with the old value",
			   restart);
	config_apply_live(&a->cfg, nc);
	config_policy(&a->cfg, p);
	a->retired = atomic_exchange(&a->policy, p);
	a->retired_beat = atomic_load(&a->worker_beat);
	p = NULL;
	sink_alarm(a->sink, LOG_NOTICE, EP_MSGID_RELOAD,
		   "epermd: configuration reloaded from %s: %s%s; %u ignore rules, rate_limit %u/s",
		   strcmp(path, "none") ? path : "(no file)",
		   live[0] ? "applied " : "nothing to apply", live, a->cfg.ignore.n,
		   a->cfg.rate_limit);
out:
	free(nc);
	free(p);
}

/* free the policy a reload replaced once the worker has turned its loop twice */
static void reap_policy(struct app *a, bool now)
{
	if (a->retired && (now || atomic_load(&a->worker_beat) >= a->retired_beat + 2)) {
		free(a->retired);
		a->retired = NULL;
	}
}

/* rewrite the metrics file when due (always when force), by metrics.c's writer thread; the
 * final write stops that thread and writes here. The path and the interval are read from a->cfg
 * each time, so a reloaded config takes effect; failures are reported by metrics.c. */
static void write_metrics(struct app *a, bool force, bool final)
{
	uint64_t now = clock_ns(CLOCK_MONOTONIC);
	struct metrics_pipeline p;
	struct counters c;

	if (!a->metrics ||
	    (!force && now - a->metrics_last < a->cfg.metrics_interval * 1000000000ull))
		return;
	a->metrics_last = now;
	read_counters(a, &c);
	p = (struct metrics_pipeline){
	    .attempted = c.attempted,
	    .submitted = c.submitted,
	    .reserve_failed = c.reserve_failed,
	    .truncated = c.truncated,
	    .read_fault = c.read_fault,
	    .filtered_self = c.filtered_self,
	    .queue_dropped = c.queue_dropped,
	    .sink_dropped = c.sink_dropped,
	    .delivered = c.delivered,
	    .ignored = c.ignored,
	    .rate_limited = c.rate_limited,
	    .folded = c.folded,
	    .fold_drained = c.fold_drained,
	    .fold_unattributed = c.fold_unattributed,
	    .fold_lost = c.fold_lost,
	};
	if (!final) {
		metrics_request(a->metrics, a->cfg.metrics_file, &p, audit_status());
		return;
	}
	metrics_stop(a->metrics);
	metrics_write(a->metrics, a->cfg.metrics_file, &p, audit_status(), a->sink);
}

static void print_features(const struct tracer_features *f, FILE *out)
{
	fprintf(out, "mode: %s\n", f->full ? "full" : "tracepoint-only");
	fprintf(out, "exit hook: %s\n", f->exit_hook ? f->exit_hook : "(none)");
	fprintf(out, "seccomp: %s\n", f->seccomp ? f->seccomp : "(none)");
	fprintf(out, "object lookup: %s\n", f->obj_lookup ? f->obj_lookup : "(none)");
	fprintf(out, "fold: %s\n", f->fold ? f->fold : "(none)");
	for (int i = 0; i < f->n_hooks && i < TRACER_MAX_HOOKS; i++)
		fprintf(out, "hook %-36s %s%s%s\n", f->hooks[i].name ? f->hooks[i].name : "?",
			f->hooks[i].active ? "active" : "inactive",
			!f->hooks[i].active && f->hooks[i].why ? ": " : "",
			!f->hooks[i].active && f->hooks[i].why ? f->hooks[i].why : "");
}

static void log_start(struct app *a)
{
	const struct tracer_features *f = a->feat;
	char buf[4096];
	size_t used;
	int on = 0, off = 0;

	for (int i = 0; i < f->n_hooks && i < TRACER_MAX_HOOKS; i++)
		f->hooks[i].active ? on++ : off++;
	/* the summary first: the hook list is long in full mode and may be cut */
	used =
	    (size_t)snprintf(buf, sizeof(buf),
			     "epermd %s started: mode=%s exit_hook=%s; %d hooks active, %d "
			     "inactive (see --features); capabilities: %s;%s active=",
			     EPERMD_VERSION, f->full ? "full" : "tracepoint-only",
			     f->exit_hook ? f->exit_hook : "?", on, off, a->caps[0] ? a->caps : "?",
			     a->cli.cmd	   ? " tracing one command;"
			     : a->cli.npid ? " tracing -p processes;"
					   : "");
	on = 0;
	for (int i = 0; i < f->n_hooks && i < TRACER_MAX_HOOKS && used < sizeof(buf); i++) {
		if (!f->hooks[i].active)
			continue;
		used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s%s", on++ ? "," : "",
					 f->hooks[i].name);
	}
	if (used >= sizeof(buf))
		memcpy(buf + sizeof(buf) - 4, "...", 4);
	sink_alarm(a->sink, LOG_INFO, EP_MSGID_START, "%s", buf);
	if (a->cli.verbose)
		print_features(f, stderr);
}

/* One-command mode shows no start line without -v: hooks that failed to attach (a hole in
 * the evidence, not an expected absence) get one short warning instead. */
static void warn_holes(struct app *a)
{
	const struct tracer_features *f = a->feat;
	char names[512];
	size_t used = 0;
	int n = 0;

	names[0] = '\0';
	for (int i = 0; f && i < f->n_hooks && i < TRACER_MAX_HOOKS; i++) {
		if (f->hooks[i].active || !f->hooks[i].why ||
		    strcmp(f->hooks[i].why, "attach failed"))
			continue;
		if (used < sizeof(names))
			used += (size_t)snprintf(names + used, sizeof(names) - used, "%s%s",
						 n ? ", " : "", f->hooks[i].name);
		n++;
	}
	if (n)
		sink_alarm(a->sink, LOG_WARNING, EP_MSGID_HEALTH,
			   "epermd: %d hook%s failed to attach (%s); what %s would show is "
			   "inferred (see --features)",
			   n, n > 1 ? "s" : "", names, n > 1 ? "they" : "it");
}

/* ---- least privilege after attach (daemon/privs.c, docs/capabilities.md) ---- */

/* Does reading the counter map still work? (CAP_BPF on kernels before 6.5.) */
static int counters_probe(void *ctx)
{
	struct ep_counters k;

	return tracer_counters(((struct app *)ctx)->tr, &k);
}

static int drop_privileges(struct app *a)
{
	struct privs_opts po = {
	    /* one-command mode: pass a stop signal on to a command that changed its uid */
	    .keep = PRIVS_ENRICH | (a->cli.cmd ? PRIVS_CAP(CAP_KILL) : 0),
	    .optional = PRIVS_CAP(CAP_BPF),
	    .probe = counters_probe,
	    .ctx = a,
	};
	struct privs_result r;
	char err[512];
	int ret = privs_drop(&po, &r, err, sizeof(err));

	if (ret) {
		fprintf(stderr,
			"epermd: cannot drop capabilities: %s; not running with more than it "
			"needs\n",
			err);
		return ret;
	}
	privs_describe(&r, a->caps, sizeof(a->caps));
	return 0;
}

/* the tracing-gap notice about the previous run, then this run's state file. Not in
 * one-command mode: there is no service whose gaps would matter. */
static void start_runstate(struct app *a)
{
	const char *dir = cli_oneshot(&a->cli) ? NULL : runstate_dir(a->cfg.state_dir);
	uint64_t since = a->start_mono + (uint64_t)a->rt_offset; /* tracing since */
	struct runstate_prev prev;
	int err = runstate_open(dir, since, &prev, &a->rs);

	if (err) {
		sink_alarm(a->sink, LOG_WARNING, EP_MSGID_HEALTH,
			   "epermd: run state in %s unavailable: %s; the next start cannot tell "
			   "how long tracing stopped",
			   dir, strerror(-err));
		return;
	}
	runstate_notice(&prev, since, a->sink);
}

/* ---- one-command mode (daemon/child.c) ---- */

_Static_assert(sizeof(((struct cli *)0)->pid) / sizeof(pid_t) <= CHILD_MAX_PIDS,
	       "every -p fits in struct child");

/* fork the command (held until tracing runs), or check the -p processes exist */
static int start_targets(struct app *a)
{
	char why[128];
	int err;

	if (a->cli.cmd) {
		err = child_spawn(&a->ch, a->cli.cmd);
		if (err)
			fprintf(stderr, "epermd: cannot start %s: %s\n", a->cli.cmd[0],
				strerror(-err));
		return err;
	}
	err = child_attach(&a->ch, a->cli.pid, a->cli.npid, why, sizeof(why));
	if (err)
		fprintf(stderr, "epermd: %s\n", why);
	return err;
}

static int track_one(void *ctx, pid_t pid)
{
	return tracer_track_pid(ctx, pid);
}

/* -p: the other targets, then what they already have below them (the first is target_pid) */
static int track_targets(struct app *a)
{
	int err = 0;

	for (int i = 1; i < a->ch.n && !err; i++)
		err = tracer_track_pid(a->tr, a->ch.pid[i]);
	if (!err)
		err = child_track_tree(&a->ch, track_one, a->tr);
	if (err < 0)
		fprintf(stderr, "epermd: cannot follow the processes below -p: %s\n",
			strerror(-err));
	else if (a->cli.verbose)
		fprintf(stderr, "epermd: -p: %d processes below the targets followed\n", err);
	return err < 0 ? err : 0;
}

static void install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_stop;
	sa.sa_flags = SA_RESETHAND; /* a second ^C kills */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = on_chld;
	sa.sa_flags = SA_NOCLDSTOP;
	sigaction(SIGCHLD, &sa, NULL);
	sa.sa_handler = on_hup; /* reload the configuration */
	sa.sa_flags = 0;
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sa.sa_flags = 0;
	sigaction(SIGPIPE, &sa, NULL);
}

static void sd_watchdog(uint64_t *last_ping, uint64_t interval, uint64_t *reader_beat,
			uint64_t *last_reader, struct app *a, uint64_t *last_worker)
{
	uint64_t now = clock_ns(CLOCK_MONOTONIC), wb;

	if (!interval || now - *last_ping < interval / 2)
		return;
	wb = atomic_load(&a->worker_beat);
	/* alive = the reader loop turned and the worker loop turned since the last ping */
	if (*reader_beat != *last_reader && wb != *last_worker) {
		sd_notify(0, "WATCHDOG=1");
		*last_ping = now;
		*last_reader = *reader_beat;
		*last_worker = wb;
	}
}

/* the drain of the kernel's fold map, then the kernel's folding itself */
static int start_kfold(struct app *a)
{
	unsigned max = 0;
	int fd = tracer_fold_map(a->tr, &max), err;

	err = fd < 0 ? fd : kfold_new(fd, max, &a->kf);
	if (err) {
		fprintf(stderr, "epermd: in-kernel folding: %s\n", strerror(-err));
		return err;
	}
	tracer_set_fold(a->tr, kfold_window(a->cfg.fold_window));
	return 0;
}

static int run(struct app *a)
{
	struct tracer_opts to = {0};
	struct incident_opts io = {0};
	struct counters last = {0}, fin;
	char stats_buf[4096];
	struct out_stat st[24];
	uint64_t wd_usec = 0, last_ping = 0, reader_beat = 0, last_reader = 0, last_worker = 0;
	uint64_t last_tick, t0, rt0, held_n = 0, held_ns = 0;
	int err = 0, ret = EXIT_FAILURE, zeros;
	bool oneshot = cli_oneshot(&a->cli);
	/* one-command mode is strace-like: stdout belongs to the command */
	const char *out_path = a->cfg.output[0] ? a->cfg.output : oneshot ? SINK_STDERR : NULL;
	bool want_socket;

	to.ring_bytes = a->cfg.ring_size;
	to.tracepoint_only = a->cfg.tracepoint_only;
	to.verbose = a->cli.verbose > 3 ? 3 : a->cli.verbose;
	to.bench_empty = a->cli.bench_empty;
	to.no_cap_capable = a->cli.no_cap_hook;
	to.on_notice = on_notice;

	if (!a->cli.features && !a->cli.bench_empty) {
		err = sink_open_multi(a->cfg.sinks, out_path, &a->sink);
		if (err) {
			fprintf(stderr, "epermd: cannot open the output %s: %s\n",
				out_path ? out_path : "(stdout)", strerror(-err));
			goto cleanup;
		}
		/* the start line and notices only on request; warnings always */
		if (oneshot && !a->cli.verbose)
			sink_set_alarm_max(a->sink, LOG_WARNING);
		err = evq_new(a->cfg.queue_size, &a->q);
		if (err) {
			fprintf(stderr, "epermd: queue: %s\n", strerror(-err));
			goto cleanup;
		}
		io.window_ns = a->cfg.fold_window ? a->cfg.fold_window * 1000000000ull : 1;
		io.no_fold = !a->cfg.fold_window;
		io.summary_ns = a->cfg.summary_interval * 1000000000ull;
		err = incidents_new(&io, emit, a, &a->inc);
		if (err) {
			fprintf(stderr, "epermd: incidents: %s\n", strerror(-err));
			goto cleanup;
		}
		err = prefold_new(0, 0, &a->pf);
		if (err) {
			fprintf(stderr, "epermd: pre-fold cache: %s\n", strerror(-err));
			goto cleanup;
		}
		err = fanotify_index_new("/proc", &a->fan);
		if (err) {
			fprintf(stderr, "epermd: fanotify index: %s\n", strerror(-err));
			goto cleanup;
		}
		cause_set_listener_lookup(fanotify_lookup_cb, a->fan);
		a->policy = malloc(sizeof(*a->policy));
		if (!a->policy) {
			fprintf(stderr, "epermd: out of memory\n");
			goto cleanup;
		}
		config_policy(&a->cfg, a->policy);
		err = metrics_new(&a->metrics);
		if (err) {
			fprintf(stderr, "epermd: metrics: %s\n", strerror(-err));
			goto cleanup;
		}
	}

	install_signals();
	if (oneshot && !a->cli.features && !a->cli.bench_empty) {
		err = start_targets(a);
		if (err)
			goto cleanup;
		to.target_pid = a->cli.cmd ? a->ch.cmd : a->ch.pid[0];
	}

	err = tracer_new(&to, &a->tr);
	if (!err)
		err = tracer_start(a->tr, on_event, a);
	if (err) {
		char hint[256];

		fprintf(stderr, "epermd: cannot start tracing: %s%s%s\n", strerror(-err),
			privs_bpf_hint(hint, sizeof(hint)) ? ": " : "", hint);
		goto cleanup;
	}
	if (to.target_pid > 0 && a->cli.npid && track_targets(a))
		goto cleanup;
	a->feat = tracer_features(a->tr);
	a->hooks_active = a->feat ? a->feat->hooks_active : 0;
	if (a->metrics && a->feat) {
		struct metrics_info mi = {EPERMD_VERSION, a->feat->full,
					  (unsigned)__builtin_popcountll(a->hooks_active),
					  (unsigned)a->feat->n_hooks};

		metrics_set_info(a->metrics, &mi);
	}
	if (a->cli.features) {
		print_features(a->feat, stdout);
		ret = EXIT_SUCCESS;
		goto cleanup;
	}
	if (a->cli.bench_empty) {
		while (!stop_signal)
			pause();
		ret = EXIT_SUCCESS;
		goto cleanup;
	}

	if (start_kfold(a))
		goto cleanup;
	t0 = clock_ns(CLOCK_MONOTONIC);
	rt0 = clock_ns(CLOCK_REALTIME);
	a->rt_offset = (int64_t)(rt0 - t0);
	a->start_mono = t0;
	/* H9: the audit join never fails the start; say so when it is off */
	if (audit_start(a->cfg.audit_source) < 0 || a->cli.verbose)
		fprintf(stderr, "epermd: audit join: %s\n", audit_status());

	want_socket = !a->cfg.no_socket && (!oneshot || a->cfg.socket_set);
	if (want_socket) {
		struct server_opts so = {
		    .path = a->cfg.socket[0] ? a->cfg.socket : CONFIG_DEFAULT_SOCKET,
		    .group = a->cfg.socket_group[0] ? a->cfg.socket_group : NULL,
		};

		err = server_new(&so, snapshot, a, &a->srv);
		if (err == -EINVAL) {
			ret = EPERMD_EX_CONFIG;
			goto cleanup;
		}
		if (!err)
			err = server_start(a->srv);
		if (err) {
			sink_alarm(
			    a->sink, LOG_WARNING, EP_MSGID_HEALTH,
			    "epermd: live-view socket %s unavailable: %s; continuing without it",
			    so.path, strerror(-err));
			server_free(a->srv);
			a->srv = NULL;
		}
	}

	if (drop_privileges(a)) /* after attach, audit and socket; before the worker */
		goto cleanup;
	err = pthread_create(&a->worker, NULL, worker_main, a);
	if (err) {
		fprintf(stderr, "epermd: cannot start the worker: %s\n", strerror(err));
		goto cleanup;
	}
	a->worker_started = true;
	log_start(a);
	if (oneshot)
		warn_holes(a);
	start_runstate(a);
	/* the metrics writer thread; without it, writes are synchronous */
	if (metrics_start(a->metrics, a->sink))
		fprintf(stderr, "epermd: metrics: no writer thread\n");
	write_metrics(a, true, false);

	err = child_release(&a->ch);
	if (err)
		fprintf(stderr, "epermd: cannot release %s: %s\n", a->cli.cmd[0], strerror(-err));
	/* ready = attached, hardened, the worker runs and the reader has drained once */
	if (tracer_poll(a->tr, 0) >= 0)
		evq_kick(a->q);
	sd_notify(0, "READY=1");
	if (sd_watchdog_enabled(0, &wd_usec) <= 0)
		wd_usec = 0;

	last_tick = clock_ns(CLOCK_MONOTONIC);
	held_ns = last_tick;
	while (!stop_signal) {
		int n = tracer_poll(a->tr, 10);

		evq_kick(a->q);

		if (n < 0 && n != -EINTR) {
			sink_alarm(a->sink, LOG_ERR, EP_MSGID_HEALTH,
				   "epermd: reading the ring: %s", strerror(-n));
			break;
		}
		reader_beat++;
		if (oneshot && (got_sigchld || (reader_beat % 10) == 0)) {
			got_sigchld = 0;
			if (child_gone(&a->ch))
				break;
		}
		if (got_sighup && !a->retired) { /* one reload at a time */
			got_sighup = 0;
			reload_config(a);
		}
		reap_policy(a, false);
		if (clock_ns(CLOCK_MONOTONIC) - last_tick >= 1000000000ull) {
			check_loss(a, &last, false);
			runstate_beat(a->rs, clock_ns(CLOCK_REALTIME));
			check_held(a, &held_n, &held_ns, false);
			write_metrics(a, false, false);
			if (a->srv && stats_line(a, stats_buf, sizeof(stats_buf)) > 0)
				server_publish(a->srv, stats_buf);
			last_tick = clock_ns(CLOCK_MONOTONIC);
		}
		sd_watchdog(&last_ping, wd_usec * 1000ull, &reader_beat, &last_reader, a,
			    &last_worker);
	}
	sd_notify(0, "STOPPING=1");
	/* nothing is counted after this: the final counters and the fold drain are exact */
	tracer_detach(a->tr);

	/* Drain: the ring until it is empty twice in a row (bounded: others keep failing). */
	t0 = clock_ns(CLOCK_MONOTONIC);
	for (zeros = 0; zeros < 2 && clock_ns(CLOCK_MONOTONIC) - t0 < DRAIN_MAX_NS;) {
		int n = tracer_poll(a->tr, 10);

		evq_kick(a->q);

		zeros = n > 0 ? 0 : zeros + 1;
	}
	atomic_store(&a->worker_stop, true);
	evq_wake(a->q);
	pthread_join(a->worker, NULL);
	a->worker_started = false;
	incidents_tick(a->inc, clock_ns(CLOCK_REALTIME), true);
	check_loss(a, &last, true);
	check_held(a, &held_n, &held_ns, true);
	write_metrics(a, true, true);

	read_counters(a, &fin);
	fprintf(
	    stderr,
	    "epermd: final counters attempted=%" PRIu64 " submitted=%" PRIu64
	    " reserve_failed=%" PRIu64 " truncated=%" PRIu64 " read_fault=%" PRIu64
	    " filtered_self=%" PRIu64 " queue_dropped=%" PRIu64 " sink_dropped=%" PRIu64
	    " delivered=%" PRIu64 " ignored=%" PRIu64 " rate_limited=%" PRIu64 " folded=%" PRIu64
	    " fold_drained=%" PRIu64 " fold_unattributed=%" PRIu64 " fold_lost=%" PRIu64 "\n",
	    fin.attempted, fin.submitted, fin.reserve_failed, fin.truncated, fin.read_fault,
	    fin.filtered_self, fin.queue_dropped, fin.sink_dropped, fin.delivered, fin.ignored,
	    fin.rate_limited, fin.folded, fin.fold_drained, fin.fold_unattributed, fin.fold_lost);
	if (a->cli.verbose) {
		struct prefold_stats ps;

		prefold_get_stats(a->pf, &ps);
		fprintf(stderr,
			"epermd: pre-fold cache hits=%" PRIu64 " misses=%" PRIu64
			" expired=%" PRIu64 "\n",
			ps.hits, ps.misses, ps.expired);
	}
	if (a->cfg.format != OUT_TEXT) /* journal MESSAGE_ID stop */
		sink_final_stats(a->sink, st, counters_stats(&fin, st));
	runstate_stop(a->rs, clock_ns(CLOCK_REALTIME)); /* a clean stop, for the next start */
	/* the command's status; 0 after -p */
	ret = oneshot ? child_finish(&a->ch, stop_signal) : EXIT_SUCCESS;

cleanup:
	if (a->worker_started) {
		atomic_store(&a->worker_stop, true);
		evq_wake(a->q);
		pthread_join(a->worker, NULL);
	}
	audit_stop(); /* H9 */
	/* stop the metrics writer before the sink closes */
	metrics_stop(a->metrics);
	server_free(a->srv);
	tracer_free(a->tr);
	child_abort(&a->ch); /* a failed start: the command must not run untraced */
	if (a->sink) {
		sink_flush(a->sink);
		sink_close(a->sink);
	}
	incidents_free(a->inc);
	prefold_free(a->pf);
	kfold_free(a->kf);
	cause_set_listener_lookup(NULL, NULL);
	fanotify_index_free(a->fan);
	runstate_free(a->rs);
	evq_free(a->q);
	reap_policy(a, true); /* the worker is gone */
	free(atomic_load(&a->policy));
	metrics_free(a->metrics);
	return ret;
}

int main(int argc, char **argv)
{
	static struct app a;
	int ret;

	child_init(&a.ch);
	ret = cli_parse(&a.cli, argc, argv);
	if (ret < 0)
		ret = build_config(&a, &a.cfg, true);
	if (ret >= 0)
		return ret;
	return run(&a);
}
