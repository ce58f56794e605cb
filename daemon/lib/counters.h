/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The loss and flow counters of the pipeline, one row each: the struct, the stats record
 * (socket, journal stop record), the metrics file and the "final counters" line are all made
 * from this table. attempted == submitted + reserve_failed (docs/reliability.md).
 */
#ifndef EPERMD_COUNTERS_H
#define EPERMD_COUNTERS_H

#include <stdint.h>

/* X(name, final): name is the field and the stats key; final = on the "final counters" line
 * and in the metrics file. Order = the order of the stats record. */
#define FLOW_COUNTERS(X)                                                                           \
	X(attempted, 1)                                                                            \
	X(submitted, 1)                                                                            \
	X(reserve_failed, 1)                                                                       \
	X(truncated, 1)                                                                            \
	X(read_fault, 1)                                                                           \
	X(filtered_self, 1)                                                                        \
	X(queue_dropped, 1)                                                                        \
	X(sink_dropped, 1)                                                                         \
	X(sink_held, 0)	   /* waiting in the sink queue for journald to come back */               \
	X(sink_outages, 0) /* times journald became unavailable */                                 \
	X(delivered, 1)                                                                            \
	X(ignored, 1)	   /* an ignore rule matched */                                            \
	X(rate_limited, 1) /* held back from the output */                                         \
	X(seccomp_prog_lost, 0)                                                                    \
	X(seccomp_undecided, 0)                                                                    \
	/* attempted == submitted + reserve_failed + folded; folded == fold_drained + fold_lost */ \
	X(folded, 1)		/* repeats counted in the kernel, not shipped */                   \
	X(fold_drained, 1)	/* drained into their incidents */                                 \
	X(fold_unattributed, 1) /* drained, their first record never reached an incident */        \
	X(fold_lost, 1)		/* evicted from the fold map, or not drained yet */

#define FLOW_COUNTER_FIELD(name, final) uint64_t name;
struct flow_counters {
	FLOW_COUNTERS(FLOW_COUNTER_FIELD)
};
#undef FLOW_COUNTER_FIELD

#define FLOW_COUNTER_ONE(name, final) +1
enum { FLOW_COUNTERS_N = 0 FLOW_COUNTERS(FLOW_COUNTER_ONE) };
#undef FLOW_COUNTER_ONE

#endif
