// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Single producer (the ring reader), single consumer (the worker). The producer never takes a
 * lock and never waits: it publishes with a release store and pokes a non-blocking eventfd
 * only when the consumer said it is about to sleep, once per reader batch (evq_kick) or when
 * the queue is a quarter full.
 */
#include <errno.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "queue.h"

struct evqueue {
	_Alignas(64) _Atomic uint64_t head; /* next slot to read (consumer) */
	_Alignas(64) _Atomic uint64_t tail; /* next slot to write (producer) */
	_Atomic uint64_t dropped;
	_Atomic uint64_t pushed;
	_Alignas(64) _Atomic int sleeping;
	int efd;
	unsigned mask;
	struct ep_event *slots;
};

int evq_new(unsigned capacity, struct evqueue **out)
{
	struct evqueue *q;
	unsigned cap = 16;
	int err = 0;

	*out = NULL;
	if (capacity == 0 || capacity > (1u << 24))
		return -EINVAL;
	while (cap < capacity)
		cap <<= 1;
	q = calloc(1, sizeof(*q));
	if (!q)
		return -ENOMEM;
	q->efd = -1;
	q->slots = calloc(cap, sizeof(*q->slots));
	if (!q->slots) {
		err = -ENOMEM;
		goto cleanup;
	}
	q->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (q->efd < 0) {
		err = -errno;
		goto cleanup;
	}
	q->mask = cap - 1;
	*out = q;
	return 0;
cleanup:
	evq_free(q);
	return err;
}

static void wake(struct evqueue *q)
{
	uint64_t one = 1;
	ssize_t r;

	/* EAGAIN means the counter is already non-zero: the consumer will wake anyway. */
	r = write(q->efd, &one, sizeof(one));
	(void)r;
}

bool evq_push(struct evqueue *q, const struct ep_event *ev)
{
	uint64_t tail = atomic_load_explicit(&q->tail, memory_order_relaxed);
	uint64_t head = atomic_load_explicit(&q->head, memory_order_acquire);

	if (tail - head > q->mask) {
		atomic_fetch_add_explicit(&q->dropped, 1, memory_order_relaxed);
		return false;
	}
	memcpy(&q->slots[tail & q->mask], ev, sizeof(*ev));
	atomic_store_explicit(&q->tail, tail + 1, memory_order_release);
	atomic_fetch_add_explicit(&q->pushed, 1, memory_order_relaxed);
	/* One wake per reader batch (evq_kick), unless the queue is filling up meanwhile. */
	if (tail + 1 - head >= (q->mask + 1) / 4)
		evq_kick(q);
	return true;
}

void evq_kick(struct evqueue *q)
{
	/* Pairs with the fence in evq_pop: either it sees the new tail or we see it sleeping. */
	atomic_thread_fence(memory_order_seq_cst);
	if (atomic_load_explicit(&q->sleeping, memory_order_relaxed) &&
	    atomic_load_explicit(&q->tail, memory_order_relaxed) !=
		atomic_load_explicit(&q->head, memory_order_relaxed))
		wake(q);
}

static bool try_pop(struct evqueue *q, struct ep_event *ev)
{
	uint64_t head = atomic_load_explicit(&q->head, memory_order_relaxed);
	uint64_t tail = atomic_load_explicit(&q->tail, memory_order_acquire);

	if (head == tail)
		return false;
	memcpy(ev, &q->slots[head & q->mask], sizeof(*ev));
	atomic_store_explicit(&q->head, head + 1, memory_order_release);
	return true;
}

bool evq_pop(struct evqueue *q, struct ep_event *ev, int timeout_ms)
{
	struct pollfd pfd = {.fd = q->efd, .events = POLLIN};
	uint64_t cnt;
	bool got;
	ssize_t r;

	if (try_pop(q, ev))
		return true;
	if (timeout_ms == 0)
		return false;
	atomic_store_explicit(&q->sleeping, 1, memory_order_relaxed);
	atomic_thread_fence(memory_order_seq_cst);
	got = try_pop(q, ev);
	if (!got) {
		while (poll(&pfd, 1, timeout_ms) < 0 && errno == EINTR)
			;
		r = read(q->efd, &cnt, sizeof(cnt));
		(void)r;
		got = try_pop(q, ev);
	}
	atomic_store_explicit(&q->sleeping, 0, memory_order_relaxed);
	return got;
}

uint64_t evq_dropped(const struct evqueue *q)
{
	return atomic_load_explicit(&((struct evqueue *)q)->dropped, memory_order_relaxed);
}

uint64_t evq_pushed(const struct evqueue *q)
{
	return atomic_load_explicit(&((struct evqueue *)q)->pushed, memory_order_relaxed);
}

void evq_wake(struct evqueue *q)
{
	wake(q);
}

void evq_free(struct evqueue *q)
{
	if (!q)
		return;
	if (q->efd >= 0)
		close(q->efd);
	free(q->slots);
	free(q);
}
