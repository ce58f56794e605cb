// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <pthread.h>
#include <stdlib.h>

#include "queue.h"
#include "unit.h"

TEST(queue_fifo_and_drop_counting)
{
	struct evqueue *q = NULL;
	struct ep_event ev = {0}, out;
	int ok = 0;

	CHECK(evq_new(0, &q) < 0);
	CHECK(evq_new(10, &q) == 0 && q); /* rounded up to 16 */
	if (!q)
		return;
	for (int i = 0; i < 20; i++) {
		ev.seq = (unsigned)i;
		ok += evq_push(q, &ev);
	}
	CHECK(ok == 16);
	CHECK(evq_dropped(q) == 4);
	CHECK(evq_pushed(q) == 16);
	for (int i = 0; i < 16; i++)
		CHECK(evq_pop(q, &out, 0) && out.seq == (unsigned)i);
	CHECK(!evq_pop(q, &out, 0));
	CHECK(!evq_pop(q, &out, 20)); /* times out */
	evq_free(q);
}

struct prod {
	struct evqueue *q;
	unsigned n;
};

static void *producer(void *arg)
{
	struct prod *p = arg;
	struct ep_event ev = {0};

	for (unsigned i = 0; i < p->n; i++) {
		ev.seq = i;
		evq_push(p->q, &ev);
	}
	return NULL;
}

TEST(queue_concurrent_conservation)
{
	struct prod p = {NULL, 200000};
	struct ep_event out;
	unsigned long got = 0, last = 0;
	bool ordered = true;
	pthread_t t;

	CHECK(evq_new(256, &p.q) == 0);
	if (!p.q)
		return;
	pthread_create(&t, NULL, producer, &p);
	while (got + evq_dropped(p.q) < p.n) {
		if (evq_pop(p.q, &out, 50)) {
			if (got && out.seq <= last)
				ordered = false;
			last = out.seq;
			got++;
		}
	}
	pthread_join(t, NULL);
	while (evq_pop(p.q, &out, 0))
		got++;
	CHECK(ordered);
	CHECK(got + evq_dropped(p.q) == p.n);
	CHECK(got == evq_pushed(p.q));
	evq_free(p.q);
}
