/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Folding storms: repeats of (exe, syscall, cause, detail, target, container) within a window
 * become one incident with a count, first and last seen. */
#ifndef EPERMD_INCIDENT_H
#define EPERMD_INCIDENT_H

#include <stdbool.h>
#include <stdint.h>

#include "denial.h"
#include "record.h"

struct incidents;

struct incident_opts {
	uint64_t window_ns;	/* a repeat after this starts a new incident; default 60 s */
	uint64_t summary_ns;	/* how often folded repeats are summarised; default 10 s */
	unsigned max_incidents; /* table size; the oldest is flushed when full */
	bool no_fold;		/* --fold-window=0: every denial is its own OUT_NEW, nothing kept */
};

/* Called with the record to write: the incident's first denial, the kind and the fold (count,
 * first/last seen, id). Never under the table lock, on the thread that called incidents_add()
 * or incidents_tick(); it may render and publish, but must not call incidents_*(). */
typedef void (*incident_emit_fn)(void *ctx, const struct out_rec *r);

int incidents_new(const struct incident_opts *o, incident_emit_fn fn, void *ctx,
		  struct incidents **out);
/* Fold one denial (now_ns realtime). Emits OUT_NEW for a first occurrence. */
void incidents_add(struct incidents *in, struct denial *d, uint64_t now_ns);
/*
 * n repeats of incident id that the kernel counted instead of shipping (bpf/fold.bpf.h), the
 * last at last_ns (realtime): they go into its count and its next summary. fn (may be NULL)
 * sees the incident's first denial, with the lock held. False when the incident is gone.
 */
bool incidents_add_repeats(struct incidents *in, uint64_t id, uint64_t n, uint64_t last_ns,
			   void (*fn)(void *ctx, const struct denial *rep, uint64_t n), void *ctx);
/* Emit summaries that are due; at shutdown (final=true) every pending one. */
void incidents_tick(struct incidents *in, uint64_t now_ns, bool final);
/* Every current incident as an OUT_SUMMARY record (for snapshots), oldest activity first. fn
 * runs outside the table lock (any thread). 0, or -ENOMEM with nothing called. */
int incidents_foreach(struct incidents *in, void (*fn)(void *ctx, const struct out_rec *r),
		      void *ctx);
unsigned incidents_count(const struct incidents *in);
/* A configuration reload: new window/summary/no_fold (0 = the defaults). Call it from the
 * thread that calls incidents_add(). */
void incidents_set_timing(struct incidents *in, uint64_t window_ns, uint64_t summary_ns,
			  bool no_fold);
void incidents_free(struct incidents *in);

#endif
