/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * One record to write: a denial, its kind and its fold. Fold (incident.c) makes them, the sinks
 * (fields.c, encode.c, output.c) write them: the type lives here, below both, so that the
 * pipeline runs one way.
 */
#ifndef EPERMD_RECORD_H
#define EPERMD_RECORD_H

#include <stdint.h>

#include "denial.h"

enum out_kind {
	OUT_NEW = 0, /* first occurrence of an incident */
	OUT_SUMMARY, /* an incident's repeats were folded: count, first/last seen */
};

/* One record to write: a denial, its kind, and its fold (the incident's count, first and last
 * seen and id, kept apart from the denial so that a renderer needs no lock on the incident). */
struct out_rec {
	const struct denial *d;
	enum out_kind kind;
	uint64_t count;	   /* 0 = 1 */
	uint64_t first_ns; /* 0 = the denial's time */
	uint64_t last_ns;  /* 0 = the denial's time */
	uint64_t incident;
};

/* the record of d alone, its fold taken from d's count, first/last seen and incident id */
static inline void out_rec_of(struct out_rec *r, const struct denial *d, enum out_kind kind)
{
	*r = (struct out_rec){.d = d,
			      .kind = kind,
			      .count = d->count,
			      .first_ns = d->first_seen_ns,
			      .last_ns = d->last_seen_ns,
			      .incident = d->incident_id};
}

#endif
