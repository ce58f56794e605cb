// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Storm folding. An incident is one key (exe, syscall, cause, detail, target, container, unit
 * and its directive: two units refused alike need two drop-ins) with a
 * copy of its first denial, a count and first/last seen. A hash table finds it; a list in
 * order of last activity makes "retire the oldest" O(1) when the table is full.
 *
 * Nothing is rendered under the table lock. The first denial of an incident (its "rep") is
 * reference counted and never changed while anyone else holds it (copy on write). Emissions
 * decided under the lock are queued with a reference and the fold numbers of that moment, and
 * handed to the emit callback after the unlock; a snapshot takes references under the lock and
 * renders after it. Only one thread adds and ticks (the pending queue is that thread's).
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "incident.h"

#define INC_KEY_MAX 2048

/* the first occurrence of an incident, shared with the renderers */
struct inc_rep {
	unsigned refs; /* __atomic: the table's, and one per pending emission or snapshot */
	struct denial d;
};

/* an emission decided under the lock, made after it */
struct pending {
	struct inc_rep *rep;
	struct out_rec r;
};

struct incident {
	struct incident *hnext;	      /* hash chain */
	struct incident *inext;	      /* chain of the id hash (repeats folded in the kernel) */
	struct incident *prev, *next; /* activity list, oldest first */
	uint64_t hash;
	size_t key_len;
	char *key;
	char exe[DN_STR];		/* outside the hashed key: see key_build() */
	struct inc_rep *rep;		/* the first occurrence, as emitted */
	uint64_t count, reported;	/* total; total at the last emission */
	uint64_t first_seen, last_seen; /* event times */
	uint64_t last_emit;		/* scheduling time of the last emission */
	uint64_t id;
};

struct incidents {
	struct incident_opts o;
	incident_emit_fn fn;
	void *ctx;
	pthread_mutex_t lock;
	struct incident **buckets;
	struct incident **ibuckets; /* by id, nbuckets of them */
	size_t nbuckets;	    /* power of two */
	struct incident *oldest, *newest;
	unsigned n;
	uint64_t next_id;
	struct pending *pend; /* the adding thread's: filled under the lock, emitted after */
	unsigned npend, pend_cap;
};

struct inc_key {
	char buf[INC_KEY_MAX];
	size_t len;
};

static void key_add(struct inc_key *k, const char *s)
{
	size_t l = strnlen(s, INC_KEY_MAX);

	if (k->len + l + 1 > sizeof(k->buf))
		l = sizeof(k->buf) - k->len - 1;
	memcpy(k->buf + k->len, s, l);
	k->len += l;
	k->buf[k->len++] = '\0'; /* the separator: no field contains a NUL */
}

/*
 * The hashed key starts with the kernel's comm; the exe is compared next to it (exe_match())
 * because it can be missing: a process that exits while its denials still wait in the queue
 * has no /proc/PID/exe any more, and its late repeats must still fold into its incident.
 */
static void key_build(const struct denial *d, struct inc_key *k)
{
	char num[64];

	k->len = 0;
	key_add(k, d->ev.comm);
	/* an io_uring request is not its equivalent syscall (and several ops have none) */
	snprintf(num, sizeof(num), "%d/%d/%d/%d/%d/%d", d->ev.syscall_nr, d->ev.ret, (int)d->cause,
		 d->capability, d->lsm, (d->ev.flags & EP_F_IOURING) ? (int)d->ev.uring_op + 1 : 0);
	key_add(k, num);
	key_add(k, d->flag);
	key_add(k, d->mount_option);
	key_add(k, d->sysctl_name);
	key_add(k, d->listener);
	key_add(k, d->path[0] ? d->path : d->ev.path);
	key_add(k, d->target);
	key_add(k, d->proc.container);
	key_add(k, d->proc.unit);
	key_add(k, d->unit_directive);
}

static uint64_t key_hash(const struct inc_key *k)
{
	uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a */

	for (size_t i = 0; i < k->len; i++) {
		h ^= (unsigned char)k->buf[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

static void list_unlink(struct incidents *in, struct incident *x)
{
	if (x->prev)
		x->prev->next = x->next;
	else
		in->oldest = x->next;
	if (x->next)
		x->next->prev = x->prev;
	else
		in->newest = x->prev;
	x->prev = x->next = NULL;
}

static void list_append(struct incidents *in, struct incident *x)
{
	x->prev = in->newest;
	x->next = NULL;
	if (in->newest)
		in->newest->next = x;
	else
		in->oldest = x;
	in->newest = x;
}

static struct inc_rep *rep_get(struct inc_rep *p)
{
	__atomic_add_fetch(&p->refs, 1, __ATOMIC_RELAXED);
	return p;
}

static void rep_put(struct inc_rep *p)
{
	if (p && __atomic_sub_fetch(&p->refs, 1, __ATOMIC_ACQ_REL) == 0)
		free(p);
}

/* The rep about to change (caller holds the lock): its own copy if a renderer holds it. */
static int rep_writable(struct incident *x)
{
	struct inc_rep *c;

	if (__atomic_load_n(&x->rep->refs, __ATOMIC_ACQUIRE) == 1)
		return 0;
	c = malloc(sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->refs = 1;
	c->d = x->rep->d;
	rep_put(x->rep);
	x->rep = c;
	return 0;
}

static void rec_of(struct out_rec *r, const struct incident *x, int kind)
{
	*r = (struct out_rec){.d = &x->rep->d,
			      .kind = (enum out_kind)kind,
			      .count = x->count,
			      .first_ns = x->first_seen,
			      .last_ns = x->last_seen,
			      .incident = x->id};
}

static bool pend_reserve(struct incidents *in)
{
	struct pending *p;
	unsigned cap;

	if (in->npend < in->pend_cap)
		return true;
	cap = in->pend_cap ? 2 * in->pend_cap : 16;
	p = realloc(in->pend, cap * sizeof(*p));
	if (!p)
		return false;
	in->pend = p;
	in->pend_cap = cap;
	return true;
}

/* Caller holds the lock: the emission is queued for emit_pending(). */
static void emit(struct incidents *in, struct incident *x, int kind, uint64_t now)
{
	struct out_rec r;

	x->reported = x->count;
	x->last_emit = now;
	if (!in->fn)
		return;
	rec_of(&r, x, kind);
	if (!pend_reserve(in)) {
		in->fn(in->ctx, &r); /* out of memory: render under the lock rather than lose it */
		return;
	}
	in->pend[in->npend++] = (struct pending){rep_get(x->rep), r};
}

/* After the unlock: the queued emissions, in order. */
static void emit_pending(struct incidents *in)
{
	for (unsigned i = 0; i < in->npend; i++) {
		in->fn(in->ctx, &in->pend[i].r);
		rep_put(in->pend[i].rep);
	}
	in->npend = 0;
}

/* a denial on its own (no folding, or no memory to fold it) */
static void emit_alone(struct incidents *in, struct denial *d, uint64_t ts, uint64_t id)
{
	struct out_rec r;

	d->count = 1;
	d->first_seen_ns = d->last_seen_ns = ts;
	d->incident_id = id;
	if (!in->fn)
		return;
	out_rec_of(&r, d, OUT_NEW);
	in->fn(in->ctx, &r);
}

/* Unlink, summarise what was not reported yet, free. */
static void retire(struct incidents *in, struct incident *x, uint64_t now)
{
	struct incident **pp = &in->buckets[x->hash & (in->nbuckets - 1)];

	while (*pp && *pp != x)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = x->hnext;
	pp = &in->ibuckets[x->id & (in->nbuckets - 1)];
	while (*pp && *pp != x)
		pp = &(*pp)->inext;
	if (*pp)
		*pp = x->inext;
	list_unlink(in, x);
	__atomic_sub_fetch(&in->n, 1, __ATOMIC_RELAXED); /* incidents_count() reads it unlocked */
	if (x->count > x->reported)
		emit(in, x, OUT_SUMMARY, now);
	rep_put(x->rep);
	free(x->key);
	free(x);
}

int incidents_new(const struct incident_opts *o, incident_emit_fn fn, void *ctx,
		  struct incidents **out)
{
	struct incidents *in;
	int err = 0;

	*out = NULL;
	in = calloc(1, sizeof(*in));
	if (!in)
		return -ENOMEM;
	if (o)
		in->o = *o;
	if (!in->o.window_ns)
		in->o.window_ns = 60ull * 1000000000ull;
	if (!in->o.summary_ns)
		in->o.summary_ns = 10ull * 1000000000ull;
	if (!in->o.max_incidents)
		in->o.max_incidents = 4096;
	if (in->o.max_incidents > (1u << 24)) {
		err = -EINVAL;
		goto cleanup;
	}
	in->nbuckets = 16;
	while (in->nbuckets < 2ull * in->o.max_incidents)
		in->nbuckets <<= 1;
	in->buckets = calloc(in->nbuckets, sizeof(*in->buckets));
	in->ibuckets = calloc(in->nbuckets, sizeof(*in->ibuckets));
	if (!in->buckets || !in->ibuckets) {
		err = -ENOMEM;
		goto cleanup;
	}
	pthread_mutex_init(&in->lock, NULL);
	in->fn = fn;
	in->ctx = ctx;
	*out = in;
	return 0;
cleanup:
	free(in->buckets);
	free(in->ibuckets);
	free(in);
	return err;
}

static bool exe_match(const char *a, const char *b)
{
	return !*a || !*b || !strcmp(a, b);
}

static struct incident *lookup(struct incidents *in, const struct inc_key *k, uint64_t h,
			       const char *exe)
{
	struct incident *x = in->buckets[h & (in->nbuckets - 1)];

	for (; x; x = x->hnext)
		if (x->hash == h && x->key_len == k->len && !memcmp(x->key, k->buf, k->len) &&
		    exe_match(x->exe, exe))
			return x;
	return NULL;
}

/* A repeat of x (caller holds the lock). */
static void fold_into(struct incident *x, struct denial *d, uint64_t ts)
{
	x->count++;
	if (ts > x->last_seen)
		x->last_seen = ts;
	/* the first one came after its process had exited: the exe is known now */
	if (!x->exe[0] && d->proc.exe[0] && !rep_writable(x)) {
		snprintf(x->exe, sizeof(x->exe), "%s", d->proc.exe);
		snprintf(x->rep->d.proc.exe, sizeof(x->rep->d.proc.exe), "%s", d->proc.exe);
	}
	d->count = x->count;
	d->first_seen_ns = x->first_seen;
	d->last_seen_ns = x->last_seen;
	d->incident_id = x->id;
}

/* A new incident for d (caller holds the lock); NULL when out of memory. */
static struct incident *incident_new(struct incidents *in, const struct inc_key *k, uint64_t h,
				     const struct denial *d, uint64_t ts)
{
	struct incident *x = calloc(1, sizeof(*x));

	if (x) {
		x->rep = malloc(sizeof(*x->rep));
		x->key = malloc(k->len);
	}
	if (!x || !x->rep || !x->key) {
		if (x) {
			free(x->rep);
			free(x->key);
			free(x);
		}
		return NULL;
	}
	memcpy(x->key, k->buf, k->len);
	x->key_len = k->len;
	snprintf(x->exe, sizeof(x->exe), "%s", d->proc.exe);
	x->hash = h;
	x->count = 1;
	x->first_seen = x->last_seen = ts;
	x->id = ++in->next_id;
	x->rep->refs = 1;
	x->rep->d = *d;
	x->hnext = in->buckets[h & (in->nbuckets - 1)];
	in->buckets[h & (in->nbuckets - 1)] = x;
	x->inext = in->ibuckets[x->id & (in->nbuckets - 1)];
	in->ibuckets[x->id & (in->nbuckets - 1)] = x;
	list_append(in, x);
	__atomic_add_fetch(&in->n, 1, __ATOMIC_RELAXED);
	return x;
}

void incidents_add(struct incidents *in, struct denial *d, uint64_t now_ns)
{
	uint64_t ts = d->realtime_ns ? d->realtime_ns : now_ns, id;
	struct incident *x;
	struct inc_key *k;
	uint64_t h;

	if (in->o.no_fold) {
		pthread_mutex_lock(&in->lock);
		id = ++in->next_id;
		pthread_mutex_unlock(&in->lock);
		emit_alone(in, d, ts, id);
		return;
	}
	k = malloc(sizeof(*k));
	if (!k)
		goto unfolded;
	key_build(d, k);
	h = key_hash(k);

	pthread_mutex_lock(&in->lock);
	x = lookup(in, k, h, d->proc.exe);
	if (x && ts >= x->last_seen && ts - x->last_seen > in->o.window_ns) {
		retire(in, x, now_ns); /* quiet for a whole window: this is a new incident */
		x = NULL;
	}
	if (x) {
		list_unlink(in, x);
		list_append(in, x);
		fold_into(x, d, ts);
	} else {
		if (in->n >= in->o.max_incidents && in->oldest)
			retire(in, in->oldest, now_ns);
		x = incident_new(in, k, h, d, ts);
		if (x) {
			emit(in, x, OUT_NEW, now_ns);
			d->count = 1;
			d->first_seen_ns = d->last_seen_ns = ts;
			d->incident_id = x->id;
		}
	}
	pthread_mutex_unlock(&in->lock);
	free(k);
	emit_pending(in);
	if (x)
		return;
unfolded:
	/* out of memory: report the denial on its own rather than lose it */
	emit_alone(in, d, ts, 0);
}

bool incidents_add_repeats(struct incidents *in, uint64_t id, uint64_t n, uint64_t last_ns,
			   void (*fn)(void *ctx, const struct denial *rep, uint64_t n), void *ctx)
{
	struct incident *x;

	pthread_mutex_lock(&in->lock);
	for (x = in->ibuckets[id & (in->nbuckets - 1)]; x && x->id != id; x = x->inext)
		;
	if (x) {
		x->count += n;
		if (last_ns > x->last_seen)
			x->last_seen = last_ns;
		list_unlink(in, x);
		list_append(in, x);
		if (fn)
			fn(ctx, &x->rep->d, n);
	}
	pthread_mutex_unlock(&in->lock);
	return x != NULL;
}

void incidents_tick(struct incidents *in, uint64_t now_ns, bool final)
{
	struct incident *x, *next;

	pthread_mutex_lock(&in->lock);
	for (x = in->oldest; x; x = next) {
		next = x->next;
		if (final || (now_ns >= x->last_seen && now_ns - x->last_seen > in->o.window_ns))
			retire(in, x, now_ns);
		else if (x->count > x->reported && now_ns >= x->last_emit &&
			 now_ns - x->last_emit >= in->o.summary_ns)
			emit(in, x, OUT_SUMMARY, now_ns);
	}
	pthread_mutex_unlock(&in->lock);
	emit_pending(in);
}

int incidents_foreach(struct incidents *in, void (*fn)(void *ctx, const struct out_rec *r),
		      void *ctx)
{
	struct pending *p;
	unsigned n = 0, cap;

	/* references and fold numbers under the lock; the callback (rendering) after it */
	pthread_mutex_lock(&in->lock);
	cap = in->n;
	p = malloc((cap ? cap : 1) * sizeof(*p));
	for (struct incident *x = in->oldest; p && x && n < cap; x = x->next) {
		rec_of(&p[n].r, x, OUT_SUMMARY);
		p[n++].rep = rep_get(x->rep);
	}
	pthread_mutex_unlock(&in->lock);
	if (!p)
		return -ENOMEM;
	for (unsigned i = 0; i < n; i++) {
		fn(ctx, &p[i].r);
		rep_put(p[i].rep);
	}
	free(p);
	return 0;
}

unsigned incidents_count(const struct incidents *in)
{
	return __atomic_load_n(&in->n, __ATOMIC_RELAXED);
}

void incidents_set_timing(struct incidents *in, uint64_t window_ns, uint64_t summary_ns,
			  bool no_fold)
{
	pthread_mutex_lock(&in->lock);
	in->o.window_ns = window_ns ? window_ns : 60ull * 1000000000ull;
	in->o.summary_ns = summary_ns ? summary_ns : 10ull * 1000000000ull;
	in->o.no_fold = no_fold;
	pthread_mutex_unlock(&in->lock);
}

void incidents_free(struct incidents *in)
{
	struct incident *x, *next;

	if (!in)
		return;
	for (x = in->oldest; x; x = next) {
		next = x->next;
		rep_put(x->rep);
		free(x->key);
		free(x);
	}
	free(in->pend);
	free(in->buckets);
	free(in->ibuckets);
	pthread_mutex_destroy(&in->lock);
	free(in);
}
