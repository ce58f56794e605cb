/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* epermtop's data: incidents folded from the daemon's lines, rates, the daemon's stats, and the
 * view-model (filtered, grouped, sorted rows). Pure: no terminal, no socket. */
#ifndef EPERMTOP_MODEL_H
#define EPERMTOP_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "json.h"

#define RATE_WIN      10 /* seconds */
#define MAX_INCIDENTS 4096

enum sort_key { SORT_RATE = 0, SORT_COUNT, SORT_RECENT, SORT__MAX };
enum group_key {
	GROUP_NONE = 0,
	GROUP_PROCESS,
	GROUP_CAUSE,
	GROUP_CONTAINER,
	GROUP_SYSCALL,
	GROUP__MAX
};
enum filter_key { FILT_TEXT = 0, FILT_CAUSE, FILT_UID, FILT_CONTAINER, FILT__MAX };

struct incident {
	char key[96];
	struct jobj obj; /* the latest line for it */
	uint64_t count;
	uint64_t hist[RATE_WIN + 1]; /* count at each of the last RATE_WIN + 1 ticks */
	double last_seen;	     /* epoch seconds */
};

struct row {
	struct incident *inc; /* representative: the one with the highest count */
	char group[160];      /* the group's value ("" when not grouped) */
	unsigned members;
	uint64_t count;
	double rate;
	double last_seen;
};

struct model {
	struct incident *inc[MAX_INCIDENTS];
	unsigned n_inc;
	bool snapshot_done; /* the "end" marker arrived */
	bool frozen;	    /* rows point at incidents: never evict (paused display) */
	struct jobj stats, features;
	double stats_at, prev_stats_at;
	double prev_total, total_rate;
	uint64_t gaps, missed, bad_lines, evicted;
	char error[256]; /* the daemon's last error line */
	double connected_at;

	enum sort_key sort;
	enum group_key group;
	char filter[FILT__MAX][128];

	struct row *rows;
	unsigned n_rows, rows_cap;
};

void model_init(struct model *m, double now);
void model_reset(struct model *m, double now); /* keeps sort, group and filters */
void model_free(struct model *m);
/* One line from the daemon. Returns the line's type: 'i' incident, 's' stats, 'f' features,
 * 'e' end, 'g' gap, 'E' error, '?' ignored or bad. */
int model_line(struct model *m, const char *line, size_t len, double now);
void model_tick(struct model *m); /* once a second: rate history */
void model_rows(struct model *m); /* rebuild m->rows from the incidents */

double inc_rate(const struct incident *i);
const char *inc_detail(const struct incident *i, char *buf, size_t n);
const char *inc_target(const struct incident *i);
const char *inc_group_value(const struct incident *i, enum group_key g);

/* Header figures from the stats line (fallbacks from the incidents). */
double model_total(const struct model *m);
const char *model_mode(const struct model *m);
/* "reserve_failed=0 queue_dropped=3 ..." for the loss counters in the stats line. */
void model_losses(const struct model *m, char *buf, size_t n);
double model_uptime(const struct model *m, double now);

const char *sort_name(enum sort_key k);
const char *group_name(enum group_key k);
const char *filter_name(enum filter_key k);

#endif
