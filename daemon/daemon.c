// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The daemon object (daemon.h): its lifecycle, the reader loop on the main thread, the
 * per-second checks (loss, rate limit, metrics, socket stats, watchdog), SIGHUP reloads and
 * the socket's snapshot. The worker and the stage sequence are in pipeline.c.
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
#include "child.h"
#include "clock.h"
#include "counters.h"
#include "daemon.h"
#include "jsonw.h"
#include "fanotify.h"
#include "incident.h"
#include "kfold.h"
#include "metrics.h"
#include "msgids.h"
#include "output.h"
#include "pipeline.h"
#include "prefold.h"
#include "privs.h"
#include "queue.h"
#include "runstate.h"
#include "server.h"
#include "tracer.h"
#include "unitprops.h"

#define JSON_MAX     PIPELINE_JSON_MAX
#define DRAIN_MAX_NS (3ull * 1000000000ull)

struct daemon {
	struct config cfg;
	struct cli cli;
	struct child ch; /* one-command mode: the command, or the -p processes */
	bool oneshot;	 /* one-command mode */
	int ret;	 /* the exit status so far */

	struct tracer *tr;
	struct evqueue *q;
	struct sink *sink;
	struct pipeline pl;	    /* the worker and its stages */
	struct fanotify_index *fan; /* fanotify permission listeners (the enrich stage asks) */
	struct server *srv;
	struct metrics *metrics; /* the textfile for node_exporter */
	uint64_t metrics_last;	 /* CLOCK_MONOTONIC of the last write */
	const struct tracer_features *feat;
	int64_t rt_offset; /* CLOCK_REALTIME - CLOCK_MONOTONIC */
	uint64_t start_mono;
	uint64_t new_mono;   /* daemon_new(): --bench-startup's zero */
	char caps[768];	     /* what is kept after attach, for the start line */
	struct runstate *rs; /* heartbeat for the tracing-gap notice; NULL = off */

	/* the reader loop's state */
	struct flow_counters last; /* at the last loss check */
	uint64_t wd_usec, last_ping, reader_beat, last_reader, last_worker;
	uint64_t last_tick, held_n, held_ns;

	/* ignore rules and rate limit; reloaded on SIGHUP */
	_Atomic(struct filter_policy *) policy;
	struct filter_policy *retired; /* freed once the worker moved on */
	uint64_t retired_beat;
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

int daemon_build_config(const struct cli *cli, struct config *cfg)
{
	char err[512];
	int ret = cli_build_config(cli, cfg, err, sizeof(err));

	if (ret >= 0)
		fprintf(stderr, "epermd: %s\n", err);
	return ret;
}

/* ---- the reader callback: copy and go ---- */

/* A fanotify_mark() with a permission bit succeeded: index the listener now, while it lives
 * (reader thread; one readlink). */
static int on_notice(void *ctx, const struct ep_notice *n)
{
	struct daemon *a = ctx;
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
	struct daemon *a = ctx;

	evq_push(a->q, ev); /* a full queue drops and counts */
	return 0;
}

/* ---- the socket's snapshot ---- */

struct snap_ctx {
	struct daemon *a;
	void (*line)(void *lctx, const char *json);
	void *lctx;
	char *buf;
};

static void snap_one(void *ctx, const struct out_rec *r)
{
	struct snap_ctx *s = ctx;

	if (record_to_json(r, s->buf, JSON_MAX) > 0)
		s->line(s->lctx, s->buf);
}

static void read_counters(struct daemon *a, struct flow_counters *c)
{
	struct ep_counters k = {0};
	struct ep_fold_counters fc = {0};
	struct tracer_sc_stats sc = {0};
	struct sink_counters sk;

	if (a->tr) {
		tracer_counters(a->tr, &k);
		tracer_sc_stats(a->tr, &sc);
		tracer_fold_counters(a->tr, &fc);
	}
	c->seccomp_prog_lost = sc.ship_failed;
	c->seccomp_undecided = sc.missing + sc.malformed;
	c->attempted = k.attempted;
	c->submitted = k.submitted;
	c->reserve_failed = k.reserve_failed;
	c->truncated = k.truncated;
	c->read_fault = k.read_fault;
	c->filtered_self = k.filtered_self;
	c->queue_dropped = a->q ? evq_dropped(a->q) : 0;
	c->sink_dropped = a->sink ? sink_dropped(a->sink) : 0;
	sink_get_counters(a->sink, &sk);
	c->sink_held = sk.held;
	c->sink_outages = sk.unavailable;
	c->delivered = atomic_load(&a->pl.delivered);
	c->ignored = atomic_load(&a->pl.ignored);
	c->rate_limited = atomic_load(&a->pl.rate_limited);
	kfold_flow_counters(a->pl.kf, fc.folded, c);
}

static unsigned counters_stats(const struct flow_counters *c, struct out_stat *st)
{
	unsigned n = 0;

#define STAT(name, final) st[n++] = (struct out_stat){#name, c->name};
	FLOW_COUNTERS(STAT)
#undef STAT
	return n;
}

/* "epermd: final counters attempted=N ..." on stderr, in one write */
static void print_final(const struct flow_counters *c)
{
	char buf[1024];
	size_t used = 0;

#define FINAL(name, final)                                                                         \
	if (final && used < sizeof(buf))                                                           \
		used += (size_t)snprintf(buf + used, sizeof(buf) - used, " %s=%" PRIu64, #name,    \
					 c->name);
	FLOW_COUNTERS(FINAL)
#undef FINAL
	fprintf(stderr, "epermd: final counters%s\n", buf);
}

static int features_json(const struct tracer_features *f, char *buf, size_t n)
{
	struct sbuf b;
	struct jw w;

	sb_init(&b, buf, n);
	jw_init(&w, &b);
	jw_obj(&w);
	jw_kstr(&w, "type", "features");
	jw_kstr(&w, "mode", f->full ? "full" : "tracepoint-only");
	jw_kstr(&w, "exit_hook", f->exit_hook);
	jw_kstr(&w, "seccomp", f->seccomp);
	jw_kstr(&w, "object_lookup", f->obj_lookup);
	jw_kstr(&w, "fold", f->fold);
	jw_key(&w, "hooks");
	jw_arr(&w);
	for (int i = 0; i < f->n_hooks && i < TRACER_MAX_HOOKS; i++) {
		const struct tracer_hook_state *h = &f->hooks[i];

		jw_obj(&w);
		jw_kstr(&w, "name", h->name);
		jw_kbool(&w, "active", h->active);
		/* reasons can quote libbpf and verifier messages */
		if (!h->active)
			jw_kstr_opt(&w, "why", h->why);
		jw_end(&w);
	}
	jw_end(&w);
	jw_end(&w);
	return sb_result(&b);
}

/* The stats line of the snapshot and of the live stream: counters, uptime, socket clients. */
static int stats_line_with(struct daemon *a, char *buf, size_t n, bool with_socket)
{
	struct out_stat st[FLOW_COUNTERS_N + 2];
	struct flow_counters c;
	struct sbuf b;
	struct jw w;
	unsigned k;

	read_counters(a, &c);
	k = counters_stats(&c, st);
	st[k++] = (struct out_stat){"incidents", incidents_count(a->pl.inc)};
	st[k++] = (struct out_stat){"uptime_s",
				    (clock_ns(CLOCK_MONOTONIC) - a->start_mono) / 1000000000ull};
	sb_init(&b, buf, n);
	jw_init(&w, &b);
	stats_open(&w, 0);
	stats_members(&w, st, k);
	if (a->srv && with_socket)
		server_stats_json(a->srv, &w);
	jw_end(&w);
	return sb_result(&b);
}

static int stats_line(struct daemon *a, char *buf, size_t n)
{
	int len = stats_line_with(a, buf, n, true);

	/* very many streaming clients: the line without the socket's members rather than none */
	return len == -ENOSPC ? stats_line_with(a, buf, n, false) : len;
}

static void snapshot(void *ctx, void (*line)(void *lctx, const char *json), void *lctx)
{
	struct daemon *a = ctx;
	struct snap_ctx s = {a, line, lctx, malloc(JSON_MAX)};

	if (!s.buf)
		return;
	if (incidents_foreach(a->pl.inc, snap_one, &s) < 0)
		line(lctx, "{\"type\":\"error\",\"message\":\"snapshot incomplete: out of "
			   "memory\"}");
	if (stats_line(a, s.buf, JSON_MAX) > 0)
		line(lctx, s.buf);
	if (a->feat && features_json(a->feat, s.buf, JSON_MAX) > 0)
		line(lctx, s.buf);
	free(s.buf);
}

/* ---- loss is never silent ---- */

static void check_loss(struct daemon *a, struct flow_counters *last, bool final)
{
	struct flow_counters c;

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
static void check_held(struct daemon *a, uint64_t *last_n, uint64_t *last_ns, bool final)
{
	uint64_t n = atomic_load(&a->pl.rate_limited), now = clock_ns(CLOCK_MONOTONIC);

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
static void reload_config(struct daemon *a)
{
	struct config *nc = malloc(sizeof(*nc));
	struct filter_policy *p = malloc(sizeof(*p));
	char restart[256], live[256], err[512];
	const char *path = a->cli.config_path ? a->cli.config_path : CONFIG_DEFAULT_PATH;

	if (!nc || !p) {
		sink_alarm(a->sink, LOG_ERR, EP_MSGID_RELOAD,
			   "epermd: configuration reload failed: out of memory; keeping the "
			   "running configuration");
		goto out;
	}
	if (cli_build_config(&a->cli, nc, err, sizeof(err)) >= 0) {
		sink_alarm(a->sink, LOG_ERR, EP_MSGID_RELOAD,
			   "epermd: configuration reload failed: %s; keeping the running "
			   "configuration",
			   err);
		goto out;
	}
	config_diff(&a->cfg, nc, false, live, sizeof(live));
	if (config_diff(&a->cfg, nc, true, restart, sizeof(restart)) > 0)
		sink_alarm(a->sink, LOG_WARNING, EP_MSGID_RELOAD,
			   "epermd: configuration reload: %s changed but needs a restart "
			   "(systemctl restart epermd); still running with the old value",
			   restart);
	config_apply_live(&a->cfg, nc);
	config_policy(&a->cfg, p);
	a->retired = atomic_exchange(&a->policy, p);
	tracer_set_fold(a->tr, pipeline_kfold_window(p->fold_window));
	a->retired_beat = atomic_load(&a->pl.worker_beat);
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
static void reap_policy(struct daemon *a, bool now)
{
	if (a->retired && (now || atomic_load(&a->pl.worker_beat) >= a->retired_beat + 2)) {
		free(a->retired);
		a->retired = NULL;
	}
}

/* rewrite the metrics file when due (always when force), by metrics.c's writer thread; the
 * final write stops that thread and writes here. The path and the interval are read from a->cfg
 * each time, so a reloaded config takes effect; failures are reported by metrics.c. */
static void write_metrics(struct daemon *a, bool force, bool final)
{
	uint64_t now = clock_ns(CLOCK_MONOTONIC);
	struct flow_counters c;

	if (!a->metrics ||
	    (!force && now - a->metrics_last < a->cfg.metrics_interval * 1000000000ull))
		return;
	a->metrics_last = now;
	read_counters(a, &c);
	if (!final) {
		metrics_request(a->metrics, a->cfg.metrics_file, &c, audit_status(a->pl.audit));
		return;
	}
	metrics_stop(a->metrics);
	metrics_write(a->metrics, a->cfg.metrics_file, &c, audit_status(a->pl.audit), a->sink);
}

static void print_features(const struct tracer_features *f, FILE *out)
{
	fprintf(out, "mode: %s\n", f->full ? "full" : "tracepoint-only");
	fprintf(out, "exit hook: %s\n", f->exit_hook ? f->exit_hook : "(none)");
	fprintf(out, "seccomp: %s\n", f->seccomp ? f->seccomp : "(none)");
	fprintf(out, "object lookup: %s\n", f->obj_lookup ? f->obj_lookup : "(none)");
	fprintf(out, "fold: %s\n", f->fold ? f->fold : "(none)");
	fprintf(out, "erofs: %s (host mount namespace %u)\n", f->erofs ? f->erofs : "(none)",
		f->host_mntns);
	fprintf(out, "landlock: %s\n",
		f->landlock ? f->landlock
			    : "domain mark only (landlock_restrict_self seen since start)");
	fprintf(out, "landlock domain: %s\n",
		f->landlock_domain ? f->landlock_domain
				   : "landlock_restrict_self seen since start");
	fprintf(out, "mdwe: %s\n", f->mdwe ? f->mdwe : "(none)");
	for (int i = 0; i < f->n_hooks && i < TRACER_MAX_HOOKS; i++)
		fprintf(out, "hook %-36s %s%s%s\n", f->hooks[i].name ? f->hooks[i].name : "?",
			f->hooks[i].active ? "active" : "inactive",
			!f->hooks[i].active && f->hooks[i].why ? ": " : "",
			!f->hooks[i].active && f->hooks[i].why ? f->hooks[i].why : "");
}

static void log_start(struct daemon *a)
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
static void warn_holes(struct daemon *a)
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

	return tracer_counters(((struct daemon *)ctx)->tr, &k);
}

static int drop_privileges(struct daemon *a)
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
static void start_runstate(struct daemon *a)
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
static int start_targets(struct daemon *a)
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
static int track_targets(struct daemon *a)
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

static void sd_watchdog(struct daemon *a)
{
	uint64_t now = clock_ns(CLOCK_MONOTONIC), wb;

	if (!a->wd_usec || now - a->last_ping < a->wd_usec * 1000ull / 2)
		return;
	wb = atomic_load(&a->pl.worker_beat);
	/* alive = the reader loop turned and the worker loop turned since the last ping */
	if (a->reader_beat != a->last_reader && wb != a->last_worker) {
		sd_notify(0, "WATCHDOG=1");
		a->last_ping = now;
		a->last_reader = a->reader_beat;
		a->last_worker = wb;
	}
}

/* ---- the lifecycle ---- */

int daemon_new(const struct cli *cli, const struct config *cfg, struct daemon **out)
{
	struct daemon *a = calloc(1, sizeof(*a));

	if (!a)
		return -ENOMEM;
	a->cli = *cli;
	a->cfg = *cfg;
	a->oneshot = cli_oneshot(&a->cli);
	a->ret = EXIT_FAILURE;
	a->new_mono = clock_ns(CLOCK_MONOTONIC);
	child_init(&a->ch);
	*out = a;
	return 0;
}

/* The fold stage's timing from the configuration. */
static int open_fold(struct daemon *a)
{
	struct incident_opts io = {0};
	int err;

	io.window_ns = a->cfg.fold_window ? a->cfg.fold_window * 1000000000ull : 1;
	io.no_fold = !a->cfg.fold_window;
	io.summary_ns = a->cfg.summary_interval * 1000000000ull;
	err = incidents_new(&io, pipeline_emit, &a->pl, &a->pl.inc);
	if (err) {
		fprintf(stderr, "epermd: incidents: %s\n", strerror(-err));
		return err;
	}
	err = prefold_new(0, 0, &a->pl.pf);
	if (err)
		fprintf(stderr, "epermd: pre-fold cache: %s\n", strerror(-err));
	return err;
}

/* The outputs and the worker's parts, before tracing starts (not for --features). */
static int open_pipeline(struct daemon *a)
{
	/* one-command mode is strace-like: stdout belongs to the command */
	const char *out_path = a->cfg.output[0] ? a->cfg.output : a->oneshot ? SINK_STDERR : NULL;
	int err = sink_open_multi(a->cfg.sinks, out_path, &a->sink);

	if (err) {
		fprintf(stderr, "epermd: cannot open the output %s: %s\n",
			out_path ? out_path : "(stdout)", strerror(-err));
		return err;
	}
	/* the start line and notices only on request; warnings always */
	if (a->oneshot && !a->cli.verbose)
		sink_set_alarm_max(a->sink, LOG_WARNING);
	err = evq_new(a->cfg.queue_size, &a->q);
	if (err) {
		fprintf(stderr, "epermd: queue: %s\n", strerror(-err));
		return err;
	}
	err = open_fold(a);
	if (err)
		return err;
	err = fanotify_index_new("/proc", &a->fan);
	if (err) {
		fprintf(stderr, "epermd: fanotify index: %s\n", strerror(-err));
		return err;
	}
	a->policy = malloc(sizeof(*a->policy));
	if (!a->policy) {
		fprintf(stderr, "epermd: out of memory\n");
		return -ENOMEM;
	}
	config_policy(&a->cfg, a->policy);
	err = metrics_new(&a->metrics);
	if (err)
		fprintf(stderr, "epermd: metrics: %s\n", strerror(-err));
	a->pl.q = a->q;
	a->pl.fan = a->fan;
	a->pl.metrics = a->metrics;
	a->pl.sink = a->sink;
	a->pl.policy = &a->policy;
	return err;
}

/* Attach the BPF side; in one-command mode the command is forked first (held) or the -p
 * processes checked, and followed. */
static int start_tracing(struct daemon *a, bool full_run)
{
	struct tracer_opts to = {0};
	int err;

	to.ring_bytes = a->cfg.ring_size;
	to.tracepoint_only = a->cfg.tracepoint_only;
	to.erofs = a->cfg.erofs;
	to.verbose = a->cli.verbose > 3 ? 3 : a->cli.verbose;
	to.bench_empty = a->cli.bench_empty;
	to.startup_stats = a->cli.bench_startup;
	to.no_cap_capable = a->cli.no_cap_hook;
	to.on_notice = on_notice;
	if (a->oneshot && full_run) {
		err = start_targets(a);
		if (err)
			return err;
		to.target_pid = a->cli.cmd ? a->ch.cmd : a->ch.pid[0];
	}
	err = tracer_new(&to, &a->tr);
	if (!err)
		err = tracer_start(a->tr, on_event, a);
	if (err) {
		char hint[256];

		fprintf(stderr, "epermd: cannot start tracing: %s%s%s\n", strerror(-err),
			privs_bpf_hint(hint, sizeof(hint)) ? ": " : "", hint);
		return err;
	}
	if (to.target_pid > 0 && a->cli.npid && track_targets(a))
		return -ESRCH;
	a->feat = tracer_features(a->tr);
	a->pl.hooks_active = a->feat ? a->feat->hooks_active : 0;
	a->pl.host_mntns = a->feat ? a->feat->host_mntns : 0;
	if (a->metrics && a->feat) {
		struct metrics_info mi = {EPERMD_VERSION, a->feat->full,
					  (unsigned)__builtin_popcountll(a->pl.hooks_active),
					  (unsigned)a->feat->n_hooks};

		metrics_set_info(a->metrics, &mi);
	}
	return 0;
}

/* the drain of the kernel's fold map, then the kernel's folding itself */
static int start_kfold(struct daemon *a)
{
	unsigned max = 0;
	int fd = tracer_fold_map(a->tr, &max), err;

	err = fd < 0 ? fd : kfold_new(fd, max, &a->pl.kf);
	if (err) {
		fprintf(stderr, "epermd: in-kernel folding: %s\n", strerror(-err));
		return err;
	}
	tracer_set_fold(a->tr, pipeline_kfold_window(a->cfg.fold_window));
	return 0;
}

/* The live-view socket; unavailable is a warning, a bad group the configuration's fault. */
static int open_socket(struct daemon *a)
{
	struct server_opts so = {
	    .path = a->cfg.socket[0] ? a->cfg.socket : CONFIG_DEFAULT_SOCKET,
	    .group = a->cfg.socket_group[0] ? a->cfg.socket_group : NULL,
	};
	int err;

	if (a->cfg.no_socket || (a->oneshot && !a->cfg.socket_set))
		return 0;
	err = server_new(&so, snapshot, a, &a->srv);
	if (err == -EINVAL) {
		a->ret = EPERMD_EX_CONFIG;
		return err;
	}
	if (!err)
		err = server_start(a->srv);
	if (err) {
		sink_alarm(a->sink, LOG_WARNING, EP_MSGID_HEALTH,
			   "epermd: live-view socket %s unavailable: %s; continuing without it",
			   so.path, strerror(-err));
		server_free(a->srv);
		a->srv = NULL;
	}
	a->pl.srv = a->srv;
	return 0;
}

/* Traced and hardened: the worker, the start line, run state and metrics, the command. */
static int start_worker(struct daemon *a)
{
	int err = pipeline_start(&a->pl);

	if (err) {
		fprintf(stderr, "epermd: cannot start the worker: %s\n", strerror(-err));
		return err;
	}
	log_start(a);
	if (a->oneshot)
		warn_holes(a);
	start_runstate(a);
	/* the metrics writer thread; without it, writes are synchronous */
	if (metrics_start(a->metrics, a->sink))
		fprintf(stderr, "epermd: metrics: no writer thread\n");
	write_metrics(a, true, false);
	err = child_release(&a->ch);
	if (err)
		fprintf(stderr, "epermd: cannot release %s: %s\n", a->cli.cmd[0], strerror(-err));
	return 0;
}

int daemon_start(struct daemon *a)
{
	bool full_run = !a->cli.features && !a->cli.bench_empty;

	if (full_run && open_pipeline(a))
		return a->ret;
	install_signals();
	if (start_tracing(a, full_run))
		return a->ret;
	if (a->cli.features) {
		print_features(a->feat, stdout);
		return EXIT_SUCCESS;
	}
	if (a->cli.bench_empty) {
		while (!stop_signal)
			pause();
		return EXIT_SUCCESS;
	}
	if (start_kfold(a))
		return a->ret;
	a->start_mono = clock_ns(CLOCK_MONOTONIC);
	a->rt_offset = (int64_t)(clock_ns(CLOCK_REALTIME) - a->start_mono);
	a->pl.rt_offset = a->rt_offset;
	/* H9: the audit join never fails the start; say so when it is off */
	if (audit_new(&a->pl.audit) || audit_start(a->pl.audit, a->cfg.audit_source) < 0 ||
	    a->cli.verbose)
		fprintf(stderr, "epermd: audit join: %s\n", audit_status(a->pl.audit));
	if (open_socket(a))
		return a->ret;
	if (drop_privileges(a)) /* after attach, audit and socket; before the worker */
		return a->ret;
	/* the daemon asks the service manager about units; one command's run does not */
	if (!a->oneshot && unitprops_new(&a->pl.units))
		fprintf(stderr, "epermd: unit settings: out of memory; units are not examined\n");
	if (start_worker(a))
		return a->ret;
	/* ready = attached, hardened, the worker runs and the reader has drained once */
	if (tracer_poll(a->tr, 0) >= 0)
		evq_kick(a->q);
	sd_notify(0, "READY=1");
	if (a->cli.bench_startup)
		fprintf(stderr, "epermd: start-up: READY %.3f s after start\n",
			(clock_ns(CLOCK_MONOTONIC) - a->new_mono) / 1e9);
	if (sd_watchdog_enabled(0, &a->wd_usec) <= 0)
		a->wd_usec = 0;
	return -1;
}

/* Once a second on the main thread: loss, held diagnoses, metrics, socket stats. */
static void tick(struct daemon *a)
{
	char stats_buf[4096];

	if (clock_ns(CLOCK_MONOTONIC) - a->last_tick < 1000000000ull)
		return;
	check_loss(a, &a->last, false);
	runstate_beat(a->rs, clock_ns(CLOCK_REALTIME));
	check_held(a, &a->held_n, &a->held_ns, false);
	write_metrics(a, false, false);
	if (a->srv && stats_line(a, stats_buf, sizeof(stats_buf)) > 0)
		server_publish(a->srv, stats_buf);
	a->last_tick = clock_ns(CLOCK_MONOTONIC);
}

void daemon_loop(struct daemon *a)
{
	a->last_tick = a->held_ns = clock_ns(CLOCK_MONOTONIC);
	while (!stop_signal) {
		int n = tracer_poll(a->tr, 10);

		evq_kick(a->q);
		if (n < 0 && n != -EINTR) {
			sink_alarm(a->sink, LOG_ERR, EP_MSGID_HEALTH,
				   "epermd: reading the ring: %s", strerror(-n));
			break;
		}
		a->reader_beat++;
		if (a->oneshot && (got_sigchld || (a->reader_beat % 10) == 0)) {
			got_sigchld = 0;
			if (child_gone(&a->ch))
				break;
		}
		if (got_sighup && !a->retired) { /* one reload at a time */
			got_sighup = 0;
			reload_config(a);
		}
		reap_policy(a, false);
		tick(a);
		sd_watchdog(a);
	}
}

/* Detach first, then drain the ring until it is empty twice in a row: nothing new comes in,
 * so every submitted record is read and the final counters hold still (attempted = submitted +
 * reserve_failed, submitted = delivered + queue_dropped). Draining while still attached never
 * ends in a storm, and what the time bound left in the ring was lost uncounted. The bound stays
 * for a reader slower than the ring is large. Then the queue. */
static void drain(struct daemon *a)
{
	uint64_t t0;

	tracer_detach(a->tr);
	t0 = clock_ns(CLOCK_MONOTONIC);
	for (int zeros = 0; zeros < 2 && clock_ns(CLOCK_MONOTONIC) - t0 < DRAIN_MAX_NS;) {
		int n = tracer_poll(a->tr, 10);

		evq_kick(a->q);
		zeros = n > 0 ? 0 : zeros + 1;
	}
	pipeline_stop(&a->pl);
	incidents_tick(a->pl.inc, clock_ns(CLOCK_REALTIME), true);
}

int daemon_stop(struct daemon *a)
{
	struct out_stat st[FLOW_COUNTERS_N];
	struct flow_counters fin;

	sd_notify(0, "STOPPING=1");
	drain(a);
	sink_give_up(a->sink); /* what a journal outage keeps queued is counted from here on */
	check_loss(a, &a->last, true);
	check_held(a, &a->held_n, &a->held_ns, true);
	write_metrics(a, true, true);
	read_counters(a, &fin);
	print_final(&fin);
	if (a->cli.verbose) {
		struct prefold_stats ps;

		prefold_get_stats(a->pl.pf, &ps);
		fprintf(stderr,
			"epermd: pre-fold cache hits=%" PRIu64 " misses=%" PRIu64
			" expired=%" PRIu64 "\n",
			ps.hits, ps.misses, ps.expired);
	}
	if (a->cfg.format != OUT_TEXT) /* journal MESSAGE_ID stop */
		sink_final_stats(a->sink, st, counters_stats(&fin, st));
	runstate_stop(a->rs, clock_ns(CLOCK_REALTIME)); /* a clean stop, for the next start */
	/* the command's status; 0 after -p */
	a->ret = a->oneshot ? child_finish(&a->ch, stop_signal) : EXIT_SUCCESS;
	return a->ret;
}

void daemon_free(struct daemon *a)
{
	if (!a)
		return;
	pipeline_stop(&a->pl);
	audit_free(a->pl.audit); /* H9 */
	a->pl.audit = NULL;
	unitprops_free(a->pl.units); /* the worker is gone */
	a->pl.units = NULL;
	kfold_free(a->pl.kf);
	a->pl.kf = NULL;
	/* stop the metrics writer before the sink closes */
	metrics_stop(a->metrics);
	server_free(a->srv);
	tracer_free(a->tr);
	child_abort(&a->ch); /* a failed start: the command must not run untraced */
	if (a->sink) {
		sink_flush(a->sink);
		sink_close(a->sink);
	}
	incidents_free(a->pl.inc);
	prefold_free(a->pl.pf);
	fanotify_index_free(a->fan);
	runstate_free(a->rs);
	evq_free(a->q);
	reap_policy(a, true); /* the worker is gone */
	free(atomic_load(&a->policy));
	metrics_free(a->metrics);
	free(a);
}
