// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Storm folding. An incident is one key (exe, syscall, cause, detail, target, container) with a
 * copy of its first denial, a count and first/last seen. A hash table finds it; a list in
 * order of last activity makes "retire the oldest" O(1) when the table is full.
 * The emit callback runs with the table lock held: it must not call incidents_*().
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "incident.h"
#include "output.h"

#define INC_KEY_MAX 2048

struct incident {
	struct incident *hnext;	      /* hash chain */
	struct incident *inext;	      /* chain of the id hash (repeats folded in the kernel) */
	struct incident *prev, *next; /* activity list, oldest first */
	uint64_t hash;
	size_t key_len;
	char *key;
	char exe[DN_STR];		/* outside the hashed key: see key_build() */
	struct denial *rep;		/* the first occurrence, as emitted */
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

static void emit(struct incidents *in, struct incident *x, int kind, uint64_t now)
{
	x->rep->count = x->count;
	x->rep->first_seen_ns = x->first_seen;
	x->rep->last_seen_ns = x->last_seen;
	x->rep->incident_id = x->id;
	x->reported = x->count;
	x->last_emit = now;
	if (in->fn)
		in->fn(in->ctx, x->rep, kind);
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
	in->n--;
	if (x->count > x->reported)
		emit(in, x, OUT_SUMMARY, now);
	free(x->rep);
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

void incidents_add(struct incidents *in, struct denial *d, uint64_t now_ns)
{
	uint64_t ts = d->realtime_ns ? d->realtime_ns : now_ns;
	struct incident *x;
	struct inc_key *k;
	uint64_t h;

	if (in->o.no_fold) {
		pthread_mutex_lock(&in->lock);
		d->incident_id = ++in->next_id;
		pthread_mutex_unlock(&in->lock);
		d->count = 1;
		d->first_seen_ns = d->last_seen_ns = ts;
		if (in->fn)
			in->fn(in->ctx, d, OUT_NEW);
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
		x->count++;
		if (ts > x->last_seen)
			x->last_seen = ts;
		if (!x->exe[0] && d->proc.exe[0]) {
			snprintf(x->exe, sizeof(x->exe), "%s", d->proc.exe);
			snprintf(x->rep->proc.exe, sizeof(x->rep->proc.exe), "%s", d->proc.exe);
		}
		list_unlink(in, x);
		list_append(in, x);
		d->count = x->count;
		d->first_seen_ns = x->first_seen;
		d->last_seen_ns = x->last_seen;
		d->incident_id = x->id;
		pthread_mutex_unlock(&in->lock);
		free(k);
		return;
	}
	if (in->n >= in->o.max_incidents && in->oldest)
		retire(in, in->oldest, now_ns);
	x = calloc(1, sizeof(*x));
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
		pthread_mutex_unlock(&in->lock);
		free(k);
		goto unfolded;
	}
	memcpy(x->key, k->buf, k->len);
	x->key_len = k->len;
	snprintf(x->exe, sizeof(x->exe), "%s", d->proc.exe);
	x->hash = h;
	x->count = 1;
	x->first_seen = x->last_seen = ts;
	x->id = ++in->next_id;
	*x->rep = *d;
	x->hnext = in->buckets[h & (in->nbuckets - 1)];
	in->buckets[h & (in->nbuckets - 1)] = x;
	x->inext = in->ibuckets[x->id & (in->nbuckets - 1)];
	in->ibuckets[x->id & (in->nbuckets - 1)] = x;
	list_append(in, x);
	in->n++;
	emit(in, x, OUT_NEW, now_ns);
	d->count = 1;
	d->first_seen_ns = d->last_seen_ns = ts;
	d->incident_id = x->id;
	pthread_mutex_unlock(&in->lock);
	free(k);
	return;

unfolded:
	/* out of memory: report the denial on its own rather than lose it */
	d->count = 1;
	d->first_seen_ns = d->last_seen_ns = ts;
	d->incident_id = 0;
	if (in->fn)
		in->fn(in->ctx, d, OUT_NEW);
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
			fn(ctx, x->rep, n);
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
}

void incidents_foreach(struct incidents *in, void (*fn)(void *ctx, const struct denial *d),
		       void *ctx)
{
	pthread_mutex_lock(&in->lock);
	for (struct incident *x = in->oldest; x; x = x->next) {
		x->rep->count = x->count;
		x->rep->first_seen_ns = x->first_seen;
		x->rep->last_seen_ns = x->last_seen;
		x->rep->incident_id = x->id;
		fn(ctx, x->rep);
	}
	pthread_mutex_unlock(&in->lock);
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
		free(x->rep);
		free(x->key);
		free(x);
	}
	free(in->buckets);
	free(in->ibuckets);
	pthread_mutex_destroy(&in->lock);
	free(in);
}
