// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The audit join (audit_join.h): a bounded ring of parsed records that explain denials; the
 * worker joins one with a denial by pid (or tid), syscall number and time, waiting a bounded
 * time for a late record while the reader runs.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit_join.h"

#define WINDOW_NS  (500ull * 1000000ull) /* a pid-matched record: +-500 ms */
#define LOOSE_NS   (100ull * 1000000ull) /* a record without a pid: +-100 ms */
#define LL_DOMAINS 64

struct ll_domain {
	char id[32];
	int pid;
};

struct audit_join {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct audit_rec ring[AUDIT_RING];
	unsigned head;	/* next slot */
	unsigned count; /* valid slots */
	uint64_t gen;	/* records fed so far */
	struct ll_domain dom[LL_DOMAINS];
	unsigned dom_next;
	/* the reader, as audit_join_source() says */
	bool running;
	int kick_fd;	  /* a join started waiting: poll the journal on the tick */
	unsigned waiters; /* joins waiting now (atomic) */
	unsigned wait_ms; /* the source's bound on a join's wait */
};

int audit_join_new(struct audit_join **out)
{
	struct audit_join *j = calloc(1, sizeof(*j));

	*out = NULL;
	if (!j)
		return -ENOMEM;
	pthread_mutex_init(&j->lock, NULL);
	pthread_cond_init(&j->cond, NULL);
	j->kick_fd = -1;
	j->wait_ms = AUDIT_WAIT_MS;
	*out = j;
	return 0;
}

void audit_join_free(struct audit_join *j)
{
	if (!j)
		return;
	pthread_cond_destroy(&j->cond);
	pthread_mutex_destroy(&j->lock);
	free(j);
}

void audit_join_source(struct audit_join *j, bool running, unsigned wait_ms, int kick_fd)
{
	pthread_mutex_lock(&j->lock);
	j->running = running;
	j->wait_ms = wait_ms;
	j->kick_fd = kick_fd;
	pthread_cond_broadcast(&j->cond); /* a stopping reader ends every wait */
	pthread_mutex_unlock(&j->lock);
}

unsigned audit_join_waiters(struct audit_join *j)
{
	return __atomic_load_n(&j->waiters, __ATOMIC_SEQ_CST);
}

void audit_feed(struct audit_join *j, const struct audit_rec *r)
{
	pthread_mutex_lock(&j->lock);
	if (r->kind == AU_LL_DOMAIN) {
		struct ll_domain *dm = &j->dom[j->dom_next++ % LL_DOMAINS];

		audit_putf(dm->id, sizeof(dm->id), "%s", r->key);
		dm->pid = r->pid;
	}
	j->ring[j->head] = *r;
	j->ring[j->head].used = false;
	j->head = (j->head + 1) % AUDIT_RING;
	if (j->count < AUDIT_RING)
		j->count++;
	j->gen++;
	pthread_cond_broadcast(&j->cond);
	pthread_mutex_unlock(&j->lock);
}

void audit_reset(struct audit_join *j)
{
	pthread_mutex_lock(&j->lock);
	j->head = j->count = 0;
	j->dom_next = 0;
	memset(j->dom, 0, sizeof(j->dom));
	pthread_mutex_unlock(&j->lock);
}

static const struct audit_rec *by_serial(const struct audit_join *j, const struct audit_rec *r)
{
	for (unsigned i = 0; r->serial && i < j->count; i++) {
		const struct audit_rec *s = &j->ring[i];

		if (s->kind == AU_SYSCALL && s->serial == r->serial &&
		    s->ts_ns / 1000000000ull == r->ts_ns / 1000000000ull)
			return s;
	}
	return NULL;
}

static int domain_pid(const struct audit_join *j, const char *id)
{
	for (unsigned i = 0; id[0] && i < LL_DOMAINS; i++)
		if (!strcmp(j->dom[i].id, id))
			return j->dom[i].pid;
	return 0;
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

static uint64_t absdiff(uint64_t a, uint64_t b)
{
	return a > b ? a - b : b - a;
}

/* 0 = no match, else the time distance + 1 (smaller is better); caller holds the lock */
static uint64_t score(const struct audit_join *j, const struct audit_rec *r, const struct denial *d)
{
	const struct audit_rec *sc;
	uint64_t dt;
	int pid = r->pid, nr = r->syscall;
	bool compat = r->compat;

	if (r->used || r->kind <= DN_AU_NONE || r->kind > DN_AU_LOCKDOWN)
		return 0;
	dt = absdiff(r->ts_ns, d->realtime_ns);
	if (dt > WINDOW_NS)
		return 0;
	/* the SYSCALL record of the same event completes a record without pid or syscall */
	sc = pid && nr >= 0 ? NULL : by_serial(j, r);
	if (sc) {
		if (sc->exit != d->ev.ret || (pid && pid != sc->pid))
			return 0;
		pid = sc->pid;
		nr = sc->syscall;
		compat = sc->compat;
	}
	if (!pid && r->kind == DN_AU_LANDLOCK)
		pid =
		    domain_pid(j, r->key); /* the domain's creator: usually the sandboxed process */
	if (pid) {
		if ((unsigned)pid != d->ev.pid && (unsigned)pid != d->ev.tid)
			return 0;
	} else if (r->kind == DN_AU_LOCKDOWN) {
		if (d->ev.ret != -EP_EPERM || strncmp(r->comm, d->ev.comm, EP_COMM_LEN - 1) != 0)
			return 0;
	} else if (r->kind == DN_AU_FANOTIFY) {
		if (d->ev.ret != -EP_EPERM || dt > LOOSE_NS)
			return 0;
	} else if (r->kind == DN_AU_LANDLOCK) {
		bool same =
		    r->name[0] && d->path[0] && !strcmp(base_name(r->name), base_name(d->path));

		if (!same && !(d->proc.no_new_privs == 1 && dt <= LOOSE_NS))
			return 0;
	} else {
		return 0;
	}
	if (nr >= 0 && compat == !!(d->ev.flags & EP_F_COMPAT) && nr != d->ev.syscall_nr)
		return 0;
	return dt + 1;
}

/* caller holds the lock */
static bool join_locked(struct audit_join *j, struct denial *d)
{
	struct audit_rec *best = NULL;
	uint64_t bs = 0;

	for (unsigned i = 0; i < j->count; i++) {
		uint64_t s = score(j, &j->ring[i], d);

		if (s && (!best || s < bs)) {
			best = &j->ring[i];
			bs = s;
		}
	}
	if (!best)
		return false;
	best->used = true;
	d->audit.kind = best->kind;
	d->audit.type = best->type;
	audit_putf(d->audit.detail, sizeof(d->audit.detail), "%s", best->detail);
	audit_putf(d->audit.rule, sizeof(d->audit.rule), "%s", best->rule);
	audit_putf(d->audit.line, sizeof(d->audit.line), "%s", best->line);
	return true;
}

/* The wait is bounded by the event's age (see audit_annotate), so a worker that falls behind
 * in a storm stops waiting by itself. A seccomp filter's audit record (SECCOMP_FILTER_FLAG_LOG,
 * SECCOMP_RET_LOG) names its action and code: worth the wait even when the kernel already
 * proved seccomp. */
static bool worth_waiting(const struct denial *d)
{
	if (d->cause == EP_CAUSE_UNKNOWN || d->cause == EP_CAUSE_SECCOMP)
		return true;
	if (d->cause == EP_CAUSE_LSM)
		return d->lsm <= EP_LSM_UNKNOWN;
	return d->cause == EP_CAUSE_FANOTIFY && !d->rule[0];
}

bool audit_annotate(struct audit_join *j, struct denial *d, bool wait)
{
	uint64_t deadline, seen, one = 1;
	struct timespec now, ts;
	bool hit;

	if (!j || d->audit.kind)
		return false;
	pthread_mutex_lock(&j->lock);
	deadline = d->realtime_ns + j->wait_ms * 1000000ull;
	if (!wait) {
		hit = join_locked(j, d);
		pthread_mutex_unlock(&j->lock);
		return hit;
	}
	hit = false;
	if (!j->running || !worth_waiting(d))
		goto out;
	clock_gettime(CLOCK_REALTIME, &now);
	if ((uint64_t)now.tv_sec * 1000000000ull + (uint64_t)now.tv_nsec >= deadline)
		goto out; /* the worker is behind: a late record had its chance */
	ts.tv_sec = (time_t)(deadline / 1000000000ull);
	ts.tv_nsec = (long)(deadline % 1000000000ull);
	seen = j->gen;
	if (__atomic_fetch_add(&j->waiters, 1, __ATOMIC_SEQ_CST) == 0 && j->kick_fd >= 0 &&
	    write(j->kick_fd, &one, sizeof(one)) < 0) {
		/* the counter is set already: the reader ticks from its next wakeup on */
	}
	for (;;) {
		int rc = pthread_cond_timedwait(&j->cond, &j->lock, &ts);

		if (j->gen != seen) {
			seen = j->gen;
			hit = join_locked(j, d);
			if (hit)
				break;
		}
		if (rc == ETIMEDOUT || !j->running)
			break;
	}
	__atomic_fetch_sub(&j->waiters, 1, __ATOMIC_SEQ_CST);
out:
	pthread_mutex_unlock(&j->lock);
	return hit;
}
