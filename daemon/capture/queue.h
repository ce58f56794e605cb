/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* A bounded single-producer single-consumer queue of kernel records; a full queue drops and counts.
 */
#ifndef EPERMD_QUEUE_H
#define EPERMD_QUEUE_H

#include <stdbool.h>
#include <stdint.h>

#include "epermd.h"

struct evqueue;

int evq_new(unsigned capacity, struct evqueue **out); /* capacity rounded up to a power of two */
bool evq_push(struct evqueue *q,
	      const struct ep_event *ev); /* never blocks; false = dropped (counted) */
/* End of a producer batch: wake a sleeping consumer if anything is queued. */
void evq_kick(struct evqueue *q);
/* Wait up to timeout_ms for a record; true with *ev filled. */
bool evq_pop(struct evqueue *q, struct ep_event *ev, int timeout_ms);
uint64_t evq_dropped(const struct evqueue *q);
uint64_t evq_pushed(const struct evqueue *q);
void evq_wake(struct evqueue *q); /* wake a waiting consumer (shutdown) */
void evq_free(struct evqueue *q);

#endif
