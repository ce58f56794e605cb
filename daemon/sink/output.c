// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The sinks. Callers only format a record and queue it; one writer thread per sink does the
 * write()/sendto(), so a stalled terminal, pipe or journald can stall that thread but never the
 * pipeline. A full queue drops the record and counts it; a write the target refuses is counted
 * too. Alarms have a few queue slots of their own, so a diagnosis flood cannot crowd them out.
 *
 * The journal may go away for a while (journald stopped, restarted, or stalled with a full
 * socket queue): then the record stays at the head of the queue, the writer retries with a
 * backoff, later records wait behind it (the queue bounds them; beyond it they are dropped and
 * counted), and the outage is said once on stderr when it starts and once in the journal when it
 * ends, with how long it lasted, how many records waited and how many were lost.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "journal.h"
#include "msgids.h"
#include "clock.h"
#include "output.h"

#define SINK_QUEUE_CAP	      4096	 /* records waiting for the writer */
#define SINK_ALARM_RESERVE    64	 /* extra slots only alarms may use */
#define SINK_REC_MAX	      (64 << 10) /* worst case: every string field fully \u-escaped */
#define SINK_SEND_TIMEOUT_MS  1000
#define SINK_FLUSH_TIMEOUT_MS 2000
#define SINK_CLOSE_TIMEOUT_MS 3000
#define SINK_RETRY_MIN_MS     100 /* journal outage: first retry, doubled up to the max */
#define SINK_RETRY_MAX_MS     1000

struct qent {
	char *buf;
	size_t len;
};

struct sink {
	enum out_format fmt;
	int fd;
	bool own_fd;
	char sock_path[108];

	pthread_t thread;
	bool thread_started;
	pthread_mutex_t lock;
	pthread_cond_t cv_work; /* writer waits for records */
	pthread_cond_t cv_idle; /* flush waits for an empty queue */
	struct qent q[SINK_QUEUE_CAP + SINK_ALARM_RESERVE];
	unsigned head, count;
	bool busy, stop;
	bool give_up; /* exiting (sink_give_up): an outage sheds the queue, counted */

	uint64_t written, dropped, refused, unavailable; /* __atomic */
	uint64_t held;					 /* __atomic: written after an outage */

	/* journal outage (writer thread only): since when, why, drops before it */
	bool down;
	int down_err;
	uint64_t down_since_ns, down_dropped;
	int retry_ms;

	/* a fan-out (sink_open_multi): no queue or thread of its own, every call goes to each */
	bool multi;
	struct sink *sub[3];
	unsigned nsub;

	int alarm_max; /* alarms of a lower priority (a higher number) are not written */
};

/* ---- the sink object ---- */

static void deadline_in(struct timespec *ts, int ms);

static uint64_t ld(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static void inc(uint64_t *p)
{
	__atomic_add_fetch(p, 1, __ATOMIC_RELAXED);
}

static int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t w = write(fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

/* Returns 0 or the target's -errno; counting is the caller's (an outage is not a loss). */
static int sink_write_one(struct sink *s, const struct qent *e)
{
	int err;

	if (s->fmt == OUT_JOURNAL)
		return journal_send(s->fd, s->sock_path, e->buf, e->len);
	err = write_all(s->fd, e->buf, e->len);
	if (err == -EPIPE) {
		/* consume the SIGPIPE this thread has blocked */
		sigset_t set;
		struct timespec zero = {0, 0};

		sigemptyset(&set);
		sigaddset(&set, SIGPIPE);
		(void)sigtimedwait(&set, NULL, &zero);
	}
	return err;
}

/* The journal is away but may come back: no socket file (journald stopped), nobody bound to it
 * (killed, restarting), or a send timed out on a full socket queue (stalled, or restarting under
 * systemd, which keeps the socket). Other errors refuse this one record. */
static bool journal_outage(const struct sink *s, int err)
{
	return s->fmt == OUT_JOURNAL && (err == -ENOENT || err == -ECONNREFUSED ||
					 err == -ENOTCONN || err == -EAGAIN || err == -ETIMEDOUT);
}

/* First failure of an outage (lock held): the thread says it once, on stderr (the journal is
 * the one that is away), after unlocking. */
static void outage_begin(struct sink *s, int err)
{
	s->down = true;
	s->down_err = -err;
	s->down_since_ns = clock_ns(CLOCK_MONOTONIC);
	s->down_dropped = ld(&s->dropped);
	s->retry_ms = SINK_RETRY_MIN_MS;
	inc(&s->unavailable);
}

/* Called with the lock held; waits out one backoff step unless the sink is stopping. */
static void outage_wait(struct sink *s)
{
	struct timespec ts;

	deadline_in(&ts, s->retry_ms);
	while (!s->stop && !s->give_up)
		if (pthread_cond_timedwait(&s->cv_work, &s->lock, &ts) == ETIMEDOUT)
			break;
	s->retry_ms = s->retry_ms * 2 > SINK_RETRY_MAX_MS ? SINK_RETRY_MAX_MS : s->retry_ms * 2;
}

/* The first record after an outage went through: everything queued now waited for it. Called
 * without the lock; the alarm queues behind those records. */
static void outage_end(struct sink *s, unsigned waited)
{
	uint64_t secs = (clock_ns(CLOCK_MONOTONIC) - s->down_since_ns) / 1000000ull;
	uint64_t lost = ld(&s->dropped) - s->down_dropped;

	fprintf(stderr, "epermd: the journal is back after %" PRIu64 ".%03" PRIu64 " s\n",
		secs / 1000, secs % 1000);
	sink_alarm(s, LOG_WARNING, EP_MSGID_HEALTH,
		   "epermd: the journal was unavailable for %" PRIu64 ".%03" PRIu64
		   " s (%s): %u records waited and are delivered late (their EPERM_FIRST_SEEN is "
		   "the time of the denial), %" PRIu64 " lost because the queue of %u was full",
		   secs / 1000, secs % 1000, strerror(s->down_err), waited, lost, SINK_QUEUE_CAP);
	/* after the alarm is queued: whoever sees the count can flush and find it */
	__atomic_add_fetch(&s->held, waited, __ATOMIC_RELAXED);
}

/* After a write of the head record (lock held): false when it stays queued for a retry. */
static bool sink_settle(struct sink *s, int err, unsigned *waited)
{
	if (journal_outage(s, err)) {
		if (!s->down)
			outage_begin(s, err);
		return false;
	}
	if (s->down && !err) {
		*waited = s->count;
		s->down = false;
	}
	if (!err)
		inc(&s->written);
	else
		inc(&s->refused);
	return true;
}

/* Exiting in an outage (lock held, the writer not busy): everything queued is dropped and
 * counted now, so the final counters include it, and said once on stderr after unlocking. */
static void sink_shed(struct sink *s)
{
	unsigned cap = SINK_QUEUE_CAP + SINK_ALARM_RESERVE, n = s->count;

	for (; s->count; s->count--, s->head = (s->head + 1) % cap) {
		free(s->q[s->head].buf);
		inc(&s->dropped);
	}
	pthread_cond_broadcast(&s->cv_idle);
	pthread_mutex_unlock(&s->lock);
	fprintf(stderr,
		"epermd: %u records could not be written before exit (the journal is unavailable): "
		"%s; counted in sink_dropped\n",
		n, strerror(s->down_err));
	pthread_mutex_lock(&s->lock);
}

static void *sink_thread(void *arg)
{
	struct sink *s = arg;
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL);

	pthread_mutex_lock(&s->lock);
	for (;;) {
		unsigned cap = SINK_QUEUE_CAP + SINK_ALARM_RESERVE, waited = 0;
		struct qent e;
		int err;

		while (!s->count && !s->stop)
			pthread_cond_wait(&s->cv_work, &s->lock);
		if (!s->count)
			break;
		/* the record stays queued while it is written: an outage keeps it there */
		e = s->q[s->head];
		s->busy = true;
		pthread_mutex_unlock(&s->lock);

		/* the only place a stuck target can hold us: let sink_close cancel it */
		pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, NULL);
		err = sink_write_one(s, &e);
		pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL);

		pthread_mutex_lock(&s->lock);
		s->busy = false;
		if (!sink_settle(s, err, &waited)) {
			if (s->stop) /* stopping: sink_close counts what is left */
				break;
			if (s->give_up) {
				sink_shed(s);
				continue;
			}
			if (s->retry_ms == SINK_RETRY_MIN_MS) {
				pthread_mutex_unlock(&s->lock);
				fprintf(
				    stderr,
				    "epermd: the journal is unavailable (%s): holding up to %u "
				    "records until it is back, dropping and counting the rest\n",
				    strerror(-err), SINK_QUEUE_CAP);
				pthread_mutex_lock(&s->lock);
			}
			outage_wait(s);
			continue;
		}
		s->head = (s->head + 1) % cap;
		s->count--;
		free(e.buf);
		if (!s->count)
			pthread_cond_broadcast(&s->cv_idle);
		if (waited) {
			pthread_mutex_unlock(&s->lock);
			outage_end(s, waited);
			pthread_mutex_lock(&s->lock);
		}
	}
	s->busy = false;
	pthread_cond_broadcast(&s->cv_idle);
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

/* Takes ownership of buf. Returns 0 or -ENOBUFS (dropped, counted). */
static int sink_push(struct sink *s, char *buf, size_t len, bool alarm)
{
	unsigned cap = SINK_QUEUE_CAP + SINK_ALARM_RESERVE;
	unsigned limit = alarm ? cap : SINK_QUEUE_CAP;
	int err = 0;

	pthread_mutex_lock(&s->lock);
	/* exiting in an outage: dropped and counted here, not queued behind a dead journal */
	if (s->count >= limit || s->stop || (s->give_up && s->down)) {
		err = -ENOBUFS;
		goto cleanup;
	}
	s->q[(s->head + s->count) % cap] = (struct qent){.buf = buf, .len = len};
	s->count++;
	buf = NULL;
	pthread_cond_signal(&s->cv_work);
cleanup:
	pthread_mutex_unlock(&s->lock);
	if (err) {
		free(buf);
		inc(&s->dropped);
	}
	return err;
}

/* Format with fn into a fresh buffer and queue it; the JSON forms get their newline here. */
static int sink_emit(struct sink *s, int len, char *buf, bool alarm)
{
	char *shrunk;

	if (len < 0) {
		free(buf);
		inc(&s->dropped);
		return len;
	}
	if (s->fmt == OUT_JSON)
		buf[len++] = '\n'; /* the formatters leave room: they stop at n - 1 */
	shrunk = realloc(buf, (size_t)len + 1);
	if (shrunk)
		buf = shrunk;
	return sink_push(s, buf, (size_t)len, alarm);
}

static char *rec_alloc(struct sink *s)
{
	char *buf = malloc(SINK_REC_MAX);

	if (!buf)
		inc(&s->dropped);
	return buf;
}

/* the bytes a record may take: JSON leaves room for its '\n' */
static size_t rec_room(const struct sink *s)
{
	return s->fmt == OUT_JSON ? SINK_REC_MAX - 1 : SINK_REC_MAX;
}

/* A fan-out sink passes a record to each of its sinks: the first non-zero result is its. */
static int sink_each(struct sink *s, int (*fn)(struct sink *, const void *), const void *arg)
{
	int len, ret = 0;

	for (unsigned i = 0; i < s->nsub; i++) {
		len = fn(s->sub[i], arg);
		if (len && !ret)
			ret = len;
	}
	return ret;
}

struct record_args {
	const struct out_rec *r;
	const char *json; /* the record already rendered as JSON, or NULL */
	int json_len;
};

static int record_one(struct sink *s, const void *arg)
{
	const struct record_args *a = arg;
	const char *json = a->json;
	int json_len = a->json_len;
	char *buf;
	int len;

	if (s->nsub)
		return sink_each(s, record_one, a);
	buf = rec_alloc(s);
	if (!buf)
		return -ENOMEM;
	if (s->fmt == OUT_JSON && json) {
		/* rendered once by the caller; the same room as rendering it here */
		len = json_len >= 0 && (size_t)json_len < rec_room(s) ? json_len : -ENOSPC;
		if (len >= 0)
			memcpy(buf, json, (size_t)len + 1);
	} else {
		len = record_encode(s->fmt, a->r, buf, rec_room(s));
	}
	return sink_emit(s, len, buf, false);
}

int sink_record(struct sink *s, const struct out_rec *r, const char *json, int json_len)
{
	const struct record_args a = {.r = r, .json = json, .json_len = json_len};

	return record_one(s, &a);
}

int sink_denial(struct sink *s, const struct denial *d, enum out_kind kind)
{
	struct out_rec r;

	out_rec_of(&r, d, kind);
	return sink_record(s, &r, NULL, -1);
}

bool sink_has_format(const struct sink *s, enum out_format fmt)
{
	for (unsigned i = 0; i < s->nsub; i++)
		if (s->sub[i]->fmt == fmt)
			return true;
	return !s->nsub && s->fmt == fmt;
}

struct alarm_args {
	int prio;
	const char *msg_id;
	const struct out_field *f;
	unsigned nf;
	const char *msg;
};

static int alarm_one(struct sink *s, const void *arg)
{
	const struct alarm_args *a = arg;
	char *buf;
	int len;

	if (a->prio > s->alarm_max)
		return 0;
	if (s->nsub)
		return sink_each(s, alarm_one, a);
	buf = rec_alloc(s);
	if (!buf)
		return -ENOMEM;
	len = alarm_encode(s->fmt, a->prio, a->msg_id, a->f, a->nf, a->msg, buf, rec_room(s));
	return sink_emit(s, len, buf, true);
}

static int alarm_emit(struct sink *s, int prio, const char *msg_id, const struct out_field *f,
		      unsigned nf, const char *msg)
{
	const struct alarm_args a = {.prio = prio, .msg_id = msg_id, .f = f, .nf = nf, .msg = msg};

	return alarm_one(s, &a);
}

int sink_alarm(struct sink *s, int prio, const char *msg_id, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return alarm_emit(s, prio, msg_id, NULL, 0, msg);
}

void sink_set_alarm_max(struct sink *s, int prio)
{
	s->alarm_max = prio;
}

int sink_alarm_fields(struct sink *s, int prio, const char *msg_id, const struct out_field *f,
		      unsigned nf, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return alarm_emit(s, prio, msg_id, f, nf, msg);
}

struct stats_args {
	const char *msg_id;
	const char *lead;
	const struct out_stat *st;
	unsigned nst;
};

static int stats_one(struct sink *s, const void *arg)
{
	const struct stats_args *a = arg;
	char *buf;
	int len;

	if (s->nsub)
		return sink_each(s, stats_one, a);
	buf = rec_alloc(s);
	if (!buf)
		return -ENOMEM;
	len = stats_encode(s->fmt, a->msg_id, a->lead, a->st, a->nst, buf, rec_room(s));
	return sink_emit(s, len, buf, true);
}

static int stats_emit(struct sink *s, const char *msg_id, const char *lead,
		      const struct out_stat *st, unsigned nst)
{
	const struct stats_args a = {.msg_id = msg_id, .lead = lead, .st = st, .nst = nst};

	return stats_one(s, &a);
}

int sink_stats(struct sink *s, const struct out_stat *st, unsigned nst)
{
	return stats_emit(s, EP_MSGID_STATS, "epermd statistics:", st, nst);
}

int sink_final_stats(struct sink *s, const struct out_stat *st, unsigned nst)
{
	return stats_emit(s, EP_MSGID_STOP, "epermd stopped; final counters:", st, nst);
}

int out_format_from_name(const char *s)
{
	if (!s)
		return -1;
	if (!strcmp(s, "text"))
		return OUT_TEXT;
	if (!strcmp(s, "json"))
		return OUT_JSON;
	if (!strcmp(s, "journal"))
		return OUT_JOURNAL;
	return -1;
}

int sink_open(enum out_format fmt, const char *path, struct sink **out)
{
	pthread_condattr_t ca;
	struct sink *s;
	const char *sp;
	int err;

	*out = NULL;
	if (fmt != OUT_TEXT && fmt != OUT_JSON && fmt != OUT_JOURNAL)
		return -EINVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->fmt = fmt;
	s->fd = -1;
	s->alarm_max = LOG_DEBUG;
	pthread_mutex_init(&s->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->cv_work, &ca);
	pthread_cond_init(&s->cv_idle, &ca);
	pthread_condattr_destroy(&ca);

	if (fmt == OUT_JOURNAL) {
		sp = getenv("EPERMD_JOURNAL_SOCKET");
		if (!sp || !*sp)
			sp = JOURNAL_SOCKET_DEFAULT;
		if (strlen(sp) >= sizeof(s->sock_path)) {
			err = -ENAMETOOLONG;
			goto cleanup;
		}
		strcpy(s->sock_path, sp);
		s->fd = journal_socket(SINK_SEND_TIMEOUT_MS);
		if (s->fd < 0) {
			err = s->fd;
			goto cleanup;
		}
		s->own_fd = true;
	} else if (!path || !strcmp(path, "-")) {
		s->fd = STDOUT_FILENO;
	} else if (!strcmp(path, SINK_STDERR)) {
		s->fd = STDERR_FILENO; /* never reopened: that would truncate a 2>>log */
	} else {
		s->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, 0640);
		if (s->fd < 0) {
			err = -errno;
			goto cleanup;
		}
		s->own_fd = true;
	}
	err = -pthread_create(&s->thread, NULL, sink_thread, s);
	if (err)
		goto cleanup;
	s->thread_started = true;
	*out = s;
	return 0;
cleanup:
	sink_close(s);
	return err;
}

int sink_open_multi(unsigned sinks, const char *path, struct sink **out)
{
	enum out_format order[] = {OUT_JOURNAL, OUT_JSON, OUT_TEXT};
	struct sink *s;
	unsigned n = 0;
	int err = 0;

	*out = NULL;
	if (!sinks || (sinks & ~((1u << OUT_TEXT) | (1u << OUT_JSON) | (1u << OUT_JOURNAL))))
		return -EINVAL;
	for (unsigned i = 0; i < 3; i++)
		n += !!(sinks & (1u << order[i]));
	if (n == 1)
		return sink_open((enum out_format)__builtin_ctz(sinks), path, out);
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->fd = -1;
	s->alarm_max = LOG_DEBUG;
	s->multi = true;
	for (unsigned i = 0; i < 3; i++) {
		if (!(sinks & (1u << order[i])))
			continue;
		err = sink_open(order[i], path, &s->sub[s->nsub]);
		if (err)
			goto cleanup;
		if (!s->nsub)
			s->fmt = order[i];
		s->nsub++;
	}
	*out = s;
	return 0;
cleanup:
	sink_close(s);
	return err;
}

static void deadline_in(struct timespec *ts, int ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

/* Wait until the writer has nothing left; false on timeout. Called with the lock held. */
static bool sink_wait_idle(struct sink *s, int ms)
{
	struct timespec ts;

	deadline_in(&ts, ms);
	while (s->count || s->busy)
		if (pthread_cond_timedwait(&s->cv_idle, &s->lock, &ts) == ETIMEDOUT)
			return !(s->count || s->busy);
	return true;
}

void sink_flush(struct sink *s)
{
	if (s && s->nsub)
		for (unsigned i = 0; i < s->nsub; i++)
			sink_flush(s->sub[i]);
	if (!s || !s->thread_started)
		return;
	pthread_mutex_lock(&s->lock);
	sink_wait_idle(s, SINK_FLUSH_TIMEOUT_MS);
	pthread_mutex_unlock(&s->lock);
}

void sink_give_up(struct sink *s)
{
	if (s && s->multi)
		for (unsigned i = 0; i < s->nsub; i++)
			sink_give_up(s->sub[i]);
	if (!s || s->multi || !s->thread_started)
		return;
	pthread_mutex_lock(&s->lock);
	/* a journal outage gets one more retry, then the writer sheds the queue; a sink that
	 * is up is flushed by sink_close as before */
	if (s->down)
		sink_wait_idle(s, SINK_RETRY_MAX_MS + 100);
	s->give_up = true;
	pthread_cond_broadcast(&s->cv_work);
	if (s->count && s->down) /* the writer may be in a send: its timeout, then the shed */
		sink_wait_idle(s, SINK_SEND_TIMEOUT_MS + 200);
	pthread_mutex_unlock(&s->lock);
}

void sink_close(struct sink *s)
{
	unsigned cap = SINK_QUEUE_CAP + SINK_ALARM_RESERVE;

	if (!s)
		return;
	if (s->multi) {
		for (unsigned i = 0; i < s->nsub; i++)
			sink_close(s->sub[i]);
		free(s);
		return;
	}
	if (s->thread_started) {
		pthread_mutex_lock(&s->lock);
		/* a journal outage gets one more retry, not the whole wait */
		sink_wait_idle(s, s->down ? SINK_RETRY_MAX_MS + 100 : SINK_CLOSE_TIMEOUT_MS);
		s->stop = true;
		pthread_cond_broadcast(&s->cv_work);
		if (s->busy) /* stuck in write(): cancellation is enabled only there */
			pthread_cancel(s->thread);
		pthread_mutex_unlock(&s->lock);
		pthread_join(s->thread, NULL);
	}
	/* whatever the writer could not take is lost: count it, and say it (the final counters
	 * were written before) */
	if (s->count)
		fprintf(stderr, "epermd: %u records could not be written before exit%s\n", s->count,
			s->down ? " (the journal is unavailable)" : "");
	for (; s->count; s->count--, s->head = (s->head + 1) % cap) {
		free(s->q[s->head].buf);
		inc(&s->dropped);
	}
	if (s->own_fd && s->fd >= 0)
		close(s->fd);
	pthread_cond_destroy(&s->cv_work);
	pthread_cond_destroy(&s->cv_idle);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

uint64_t sink_dropped(const struct sink *s)
{
	uint64_t sum = 0;

	if (s && s->multi) {
		for (unsigned i = 0; i < s->nsub; i++)
			sum += sink_dropped(s->sub[i]);
		return sum;
	}
	return s ? ld(&s->dropped) + ld(&s->refused) : 0;
}

void sink_get_counters(const struct sink *s, struct sink_counters *c)
{
	memset(c, 0, sizeof(*c));
	if (!s)
		return;
	if (s->multi) {
		for (unsigned i = 0; i < s->nsub; i++) {
			struct sink_counters one;

			sink_get_counters(s->sub[i], &one);
			c->written += one.written;
			c->dropped += one.dropped;
			c->refused += one.refused;
			c->unavailable += one.unavailable;
			c->held += one.held;
		}
		return;
	}
	c->written = ld(&s->written);
	c->dropped = ld(&s->dropped);
	c->refused = ld(&s->refused);
	c->unavailable = ld(&s->unavailable);
	c->held = ld(&s->held);
}
