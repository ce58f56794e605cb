// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The metrics registry and its textfile writer (metrics.h). Counters are relaxed atomics: one
 * writer (the worker), one reader (the writer thread rendering the file), and every value is a
 * monotonic count, so a render may be a few events behind but never torn. The final write runs
 * after the worker has been joined, so its counts are exact.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "fileio.h"
#include "metrics.h"
#include "msgids.h"
#include "names.h"
#include "output.h"

enum { ERR_EPERM = 0, ERR_EACCES, ERR_EROFS, ERR_OTHER, ERR__MAX };

static const char *const err_label[ERR__MAX] = {"EPERM", "EACCES", "EROFS", "other"};

struct metrics {
	atomic_uint_fast64_t denials[EP_CAUSE__MAX][ERR__MAX];
	atomic_uint_fast64_t by_syscall[METRICS_SYSCALL_SLOTS];
	atomic_uint_fast64_t syscall_other; /* unknown number, or past the cap */
	unsigned n_syscalls;		    /* distinct syscalls counted one by one (worker) */
	atomic_uint_fast64_t incidents;
	uint64_t write_errors;
	uint64_t start_ns; /* CLOCK_REALTIME */
	char version[32];
	bool full;
	unsigned hooks_active, hooks_total;

	/* the file writer: the writer thread, or the caller once it is stopped */
	char written[PATH_MAX]; /* the file we last wrote, "" = none */
	char path[PATH_MAX];	/* the path of the last call */
	int reported_err;	/* the failure already reported for path, 0 = none */

	/* the writer thread and its one pending request */
	pthread_t thread;
	bool running, stopping, pending;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct sink *sink;
	char req_path[PATH_MAX];
	char req_audit[256];
	struct flow_counters req;
};

int metrics_new(struct metrics **out)
{
	struct metrics *m = calloc(1, sizeof(*m));

	if (!m)
		return -ENOMEM;
	m->start_ns = clock_ns(CLOCK_REALTIME);
	pthread_mutex_init(&m->lock, NULL);
	pthread_cond_init(&m->cond, NULL);
	snprintf(m->version, sizeof(m->version), "unknown");
	*out = m;
	return 0;
}

void metrics_free(struct metrics *m)
{
	if (!m)
		return;
	metrics_stop(m);
	pthread_cond_destroy(&m->cond);
	pthread_mutex_destroy(&m->lock);
	free(m);
}

void metrics_set_info(struct metrics *m, const struct metrics_info *info)
{
	if (!m || !info)
		return;
	snprintf(m->version, sizeof(m->version), "%s", info->version ? info->version : "unknown");
	m->full = info->full;
	m->hooks_active = info->hooks_active;
	m->hooks_total = info->hooks_total;
}

static void inc(atomic_uint_fast64_t *c)
{
	atomic_fetch_add_explicit(c, 1, memory_order_relaxed);
}

static void add(atomic_uint_fast64_t *c, uint64_t n)
{
	atomic_fetch_add_explicit(c, n, memory_order_relaxed);
}

static uint64_t get(atomic_uint_fast64_t *c)
{
	return atomic_load_explicit(c, memory_order_relaxed);
}

void metrics_denial(struct metrics *m, const struct denial *d)
{
	metrics_denials(m, d, 1);
}

void metrics_denials(struct metrics *m, const struct denial *d, uint64_t n)
{
	unsigned cause = (unsigned)d->cause < EP_CAUSE__MAX ? (unsigned)d->cause : EP_CAUSE_UNKNOWN;
	int nr = d->ev.syscall_nr;
	int e = d->ev.ret == -EPERM    ? ERR_EPERM
		: d->ev.ret == -EACCES ? ERR_EACCES
		: d->ev.ret == -EROFS  ? ERR_EROFS
				       : ERR_OTHER;

	if (!m)
		return;
	add(&m->denials[cause][e], n);
	if (nr < 0 || nr >= METRICS_SYSCALL_SLOTS || !syscall_name(nr)) {
		add(&m->syscall_other, n);
		return;
	}
	if (!get(&m->by_syscall[nr])) {
		/* a new label value: bounded, the rest share "other" */
		if (m->n_syscalls >= METRICS_MAX_SYSCALLS) {
			add(&m->syscall_other, n);
			return;
		}
		m->n_syscalls++;
	}
	add(&m->by_syscall[nr], n);
}

void metrics_incident(struct metrics *m)
{
	if (m)
		inc(&m->incidents);
}

size_t metrics_escape_label(char *dst, size_t n, const char *src)
{
	size_t len = 0;

	for (const char *p = src ? src : ""; *p; p++) {
		const char *rep = *p == '\\'   ? "\\\\"
				  : *p == '"'  ? "\\\""
				  : *p == '\n' ? "\\n"
					       : NULL;
		char one[2] = {*p, '\0'};

		for (const char *r = rep ? rep : one; *r; r++, len++)
			if (n && len < n - 1)
				dst[len] = *r;
	}
	if (n)
		dst[len < n ? len : n - 1] = '\0';
	return len;
}

const char *metrics_audit_source(const char *s)
{
	if (!s || !*s || !strncmp(s, "unavailable", 11) || !strncmp(s, "not started", 11) ||
	    !strncmp(s, "stopped", 7) || !strncmp(s, "off", 3))
		return "none";
	/* the status names the source first; what follows may name the others */
	if (!strncmp(s, "audit netlink", 13))
		return "netlink";
	if (!strncmp(s, "journal", 7))
		return "journal";
	if (!strncmp(s, "/dev/kmsg", 9))
		return "kmsg";
	return "none";
}

static void head(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void one(FILE *f, const char *name, const char *type, const char *help, uint64_t v)
{
	head(f, name, type, help);
	fprintf(f, "%s %llu\n", name, (unsigned long long)v);
}

static void seconds(FILE *f, const char *name, const char *help, uint64_t ns)
{
	head(f, name, "gauge", help);
	fprintf(f, "%s %llu.%03llu\n", name, (unsigned long long)(ns / 1000000000ull),
		(unsigned long long)(ns % 1000000000ull / 1000000ull));
}

/* what epermd is and how it runs */
static void format_info(const struct metrics *m, const char *src, uint64_t now_ns, FILE *f)
{
	char ver[2 * sizeof(m->version)];

	metrics_escape_label(ver, sizeof(ver), m->version);
	head(f, "epermd_info", "gauge", "epermd version and tracing mode (always 1).");
	fprintf(f, "epermd_info{version=\"%s\",mode=\"%s\"} 1\n", ver,
		m->full ? "full" : "tracepoint-only");
	one(f, "epermd_hooks_active", "gauge", "Kernel hooks attached.", m->hooks_active);
	one(f, "epermd_hooks_total", "gauge", "Kernel hooks epermd knows (active or not).",
	    m->hooks_total);
	seconds(f, "epermd_start_time_seconds", "When epermd started, seconds since the epoch.",
		m->start_ns);
	seconds(f, "epermd_last_update_time_seconds",
		"When this file was written, seconds since the epoch.", now_ns);
	one(f, "epermd_audit_join_up", "gauge",
	    "1 when kernel audit records are joined to denials (LSM detail), else 0.",
	    strcmp(src, "none") != 0);
	head(f, "epermd_audit_join_info", "gauge",
	     "Where audit records come from: netlink, journal, kmsg or none (always 1).");
	fprintf(f, "epermd_audit_join_info{source=\"%s\"} 1\n", src);
}

/* the pipeline's flow and loss counters (counters.h) */
static void format_flow(const struct flow_counters *p, FILE *f)
{
	one(f, "epermd_events_attempted_total", "counter",
	    "Failing syscalls (EPERM/EACCES) the kernel side saw, before the ring.", p->attempted);
	one(f, "epermd_events_submitted_total", "counter", "Records committed to the kernel ring.",
	    p->submitted);
	one(f, "epermd_events_delivered_total", "counter",
	    "Records the worker decided (enriched, cause named).", p->delivered);
	one(f, "epermd_events_filtered_self_total", "counter",
	    "epermd's own failing syscalls, never sent.", p->filtered_self);
	one(f, "epermd_events_path_truncated_total", "counter",
	    "Records delivered with a truncated path.", p->truncated);
	one(f, "epermd_events_path_read_fault_total", "counter",
	    "Records delivered without their path (the read faulted).", p->read_fault);
	one(f, "epermd_events_ignored_total", "counter",
	    "Denials an ignore rule matched: counted here only, never reported.", p->ignored);
	one(f, "epermd_events_rate_limited_total", "counter",
	    "Reports held back from the output by rate_limit (the live view still has them).",
	    p->rate_limited);
	one(f, "epermd_events_folded_total", "counter",
	    "Repeats the kernel counted in its fold map instead of shipping a record "
	    "(attempted = submitted + reserve_failed + folded).",
	    p->folded);
	one(f, "epermd_events_fold_drained_total", "counter",
	    "Folded repeats the daemon drained into their incidents.", p->fold_drained);
	one(f, "epermd_events_fold_unattributed_total", "counter",
	    "Drained repeats whose first record never reached an incident.", p->fold_unattributed);
	head(f, "epermd_lost_events_total", "counter",
	     "Denials lost, by where: ring full (reserve_failed), queue full (queue_dropped), "
	     "output could not take it (sink_dropped), folded repeats not drained (fold_lost).");
	fprintf(f, "epermd_lost_events_total{reason=\"reserve_failed\"} %llu\n",
		(unsigned long long)p->reserve_failed);
	fprintf(f, "epermd_lost_events_total{reason=\"queue_dropped\"} %llu\n",
		(unsigned long long)p->queue_dropped);
	fprintf(f, "epermd_lost_events_total{reason=\"sink_dropped\"} %llu\n",
		(unsigned long long)p->sink_dropped);
	fprintf(f, "epermd_lost_events_total{reason=\"fold_lost\"} %llu\n",
		(unsigned long long)p->fold_lost);
}

/* denials by cause and errno, by syscall; incidents; the file's own write errors */
static void format_denials(struct metrics *m, FILE *f)
{
	head(f, "epermd_denials_total", "counter",
	     "Denials diagnosed, by cause and errno (every one, folded or not).");
	for (int c = 0; c < EP_CAUSE__MAX; c++)
		for (int e = 0; e < ERR__MAX; e++) {
			uint64_t v = get(&m->denials[c][e]);

			/* EROFS (private mount namespaces) and other: only once they happen */
			if (e >= ERR_EROFS && !v)
				continue;
			fprintf(f, "epermd_denials_total{cause=\"%s\",errno=\"%s\"} %llu\n",
				cause_name((enum ep_cause)c), err_label[e], (unsigned long long)v);
		}
	head(f, "epermd_denials_by_syscall_total", "counter",
	     "Denials diagnosed, by syscall (at most 64 names, then syscall=\"other\").");
	for (int nr = 0; nr < METRICS_SYSCALL_SLOTS; nr++) {
		uint64_t v = get(&m->by_syscall[nr]);
		char name[64];

		if (!v)
			continue;
		metrics_escape_label(name, sizeof(name), syscall_name(nr));
		fprintf(f, "epermd_denials_by_syscall_total{syscall=\"%s\"} %llu\n", name,
			(unsigned long long)v);
	}
	if (get(&m->syscall_other))
		fprintf(f, "epermd_denials_by_syscall_total{syscall=\"other\"} %llu\n",
			(unsigned long long)get(&m->syscall_other));
	one(f, "epermd_incidents_total", "counter",
	    "Incidents opened (first occurrences; repeats within the fold window are folded).",
	    get(&m->incidents));
	one(f, "epermd_metrics_write_errors_total", "counter",
	    "Failed attempts to write this file since start.", m->write_errors);
}

int metrics_format(struct metrics *m, const struct flow_counters *p, const char *audit_status,
		   uint64_t now_ns, FILE *f)
{
	static const struct flow_counters zero;

	format_info(m, metrics_audit_source(audit_status), now_ns, f);
	format_flow(p ? p : &zero, f);
	format_denials(m, f);
	return ferror(f) ? -EIO : 0;
}

int metrics_write(struct metrics *m, const char *path, const struct flow_counters *p,
		  const char *audit_status, struct sink *sink)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int err;

	if (!m)
		return 0;
	if (!path)
		path = "";
	if (strcmp(m->path, path) != 0) {
		/* the path changed (reload): no stale file left to scrape, a new report */
		if (m->written[0])
			unlink(m->written);
		m->written[0] = '\0';
		m->reported_err = 0;
		snprintf(m->path, sizeof(m->path), "%s", path);
	}
	if (!*path)
		return 0;
	f = open_memstream(&buf, &len);
	if (!f)
		return -errno;
	err = metrics_format(m, p, audit_status, clock_ns(CLOCK_REALTIME), f);
	if (fclose(f) && !err)
		err = -errno;
	if (!err)
		/* 0644 whatever the unit's UMask: node_exporter runs as another user */
		err = replace_file(path, buf, len, 0644, true);
	free(buf);
	if (!err) {
		snprintf(m->written, sizeof(m->written), "%s", path);
		m->reported_err = 0;
		return 0;
	}
	m->write_errors++;
	if (err != m->reported_err) {
		if (sink)
			sink_alarm(sink, LOG_WARNING, EP_MSGID_HEALTH,
				   "epermd: cannot write the metrics file %s: %s; retrying every "
				   "interval (reported once)",
				   path, strerror(-err));
		m->reported_err = err;
	}
	return err;
}

static void *writer_main(void *arg)
{
	struct metrics *m = arg;
	struct flow_counters p;
	char *path = malloc(PATH_MAX), *audit = malloc(sizeof(m->req_audit));

	pthread_mutex_lock(&m->lock);
	for (;;) {
		while (!m->pending && !m->stopping)
			pthread_cond_wait(&m->cond, &m->lock);
		if (m->stopping)
			break;
		m->pending = false;
		p = m->req;
		if (path && audit) {
			memcpy(path, m->req_path, PATH_MAX);
			memcpy(audit, m->req_audit, sizeof(m->req_audit));
		}
		pthread_mutex_unlock(&m->lock);
		if (path && audit)
			metrics_write(m, path, &p, audit, m->sink);
		pthread_mutex_lock(&m->lock);
	}
	pthread_mutex_unlock(&m->lock);
	free(path);
	free(audit);
	return NULL;
}

int metrics_start(struct metrics *m, struct sink *sink)
{
	sigset_t all, old;
	int err;

	if (!m || m->running)
		return 0;
	m->sink = sink;
	m->stopping = false;
	/* signals stay with the main thread */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	err = -pthread_create(&m->thread, NULL, writer_main, m);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!err)
		m->running = true;
	return err;
}

void metrics_request(struct metrics *m, const char *path, const struct flow_counters *p,
		     const char *audit_status)
{
	if (!m)
		return;
	if (!m->running) {
		metrics_write(m, path, p, audit_status, m->sink);
		return;
	}
	pthread_mutex_lock(&m->lock);
	snprintf(m->req_path, sizeof(m->req_path), "%s", path ? path : "");
	snprintf(m->req_audit, sizeof(m->req_audit), "%s", audit_status ? audit_status : "");
	m->req = p ? *p : (struct flow_counters){0};
	m->pending = true;
	pthread_cond_signal(&m->cond);
	pthread_mutex_unlock(&m->lock);
}

void metrics_stop(struct metrics *m)
{
	if (!m || !m->running)
		return;
	pthread_mutex_lock(&m->lock);
	m->stopping = true;
	pthread_cond_signal(&m->cond);
	pthread_mutex_unlock(&m->lock);
	pthread_join(m->thread, NULL);
	m->running = false;
	m->pending = false;
}
