/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What the operator chose not to hear about, and how fast: ignore rules ("ignore =
 * exe:/usr/bin/ping cause:capability", every condition of a rule must hold) and a token-bucket rate
 * limit on the records written to the sinks. Both are pure: the caller counts what they hold back.
 */
#ifndef EPERMD_FILTER_H
#define EPERMD_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "denial.h"

#define FILTER_MAX_RULES 64
#define FILTER_MAX_CONDS 4
#define FILTER_VAL_LEN	 256

enum filter_field {
	FILTER_EXE = 0,	   /* exact path, or an fnmatch(3) pattern ("/usr/lib/jvm/x") */
	FILTER_UID,	   /* the uid of the denied task */
	FILTER_CGROUP,	   /* the cgroup path or a parent of it ("/system.slice/foo.service") */
	FILTER_CONTAINER,  /* prefix of "runtime:id", or of the id alone */
	FILTER_CAUSE,	   /* a cause name as in the JSON output ("dac") */
	FILTER_COMM,	   /* the kernel's comm, or an fnmatch(3) pattern */
	FILTER_FIELD__MAX, /* keep last */
};

struct filter_cond {
	int field;    /* enum filter_field */
	unsigned num; /* FILTER_UID: the uid, FILTER_CAUSE: enum ep_cause */
	char val[FILTER_VAL_LEN];
};

struct filter_rule {
	unsigned n;
	struct filter_cond c[FILTER_MAX_CONDS];
};

struct filter_rules {
	unsigned n;
	struct filter_rule r[FILTER_MAX_RULES];
};

/* Parse one rule ("exe:/usr/bin/ping cause:capability"); on error writes the reason to err. */
int filter_parse_rule(const char *text, struct filter_rule *out, char *err, size_t n);
/* Append a parsed rule; -ENOSPC past FILTER_MAX_RULES. */
int filter_add_rule(struct filter_rules *rs, const char *text, char *err, size_t n);
/* The rule back as text, for logs. */
int filter_rule_format(const struct filter_rule *r, char *buf, size_t n);
bool filter_rule_match(const struct filter_rule *r, const struct denial *d);
/* The index of the first rule that matches d, or -1. */
int filter_match(const struct filter_rules *rs, const struct denial *d);

/* What a reload may change while the daemon runs: built by the main thread, handed to the
 * worker as one immutable object (an atomic pointer swap), freed once the worker moved on. */
struct filter_policy {
	struct filter_rules ignore;
	unsigned rate_limit, rate_burst;
	unsigned fold_window, summary_interval;
};

/* Token bucket: rate records per second, bursts of up to burst (0 = rate); rate 0 = no limit. */
struct ratelimit {
	uint64_t allowance_ns; /* earned time; each record costs 1 s / rate */
	uint64_t last_ns;
	bool started;
};

bool ratelimit_take(struct ratelimit *rl, unsigned rate, unsigned burst, uint64_t now_ns);

#endif
