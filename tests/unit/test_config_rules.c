// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* epermd.conf(5), issue 6: sinks, rate limits, ignore rules, reload diffs. Table-driven: every
 * bad line gives its exact message, with the line number. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "filter.h"
#include "output.h"
#include "unit.h"

static struct config *fresh(void)
{
	struct config *c = malloc(sizeof(*c));

	if (c)
		config_defaults(c);
	return c;
}

TEST(config_rules_bad_lines_exact_messages)
{
	static const struct {
		const char *text, *msg;
	} cases[] = {
	    {"# one\nbogus = 1\n", "t.conf:2: unknown key 'bogus'"},
	    {"\n\n\nrate_limit = -1\n", "t.conf:4: rate_limit: '-1' is not a number in 0..1000000"},
	    {"rate_limit = 1000001\n",
	     "t.conf:1: rate_limit: '1000001' is not a number in 0..1000000"},
	    {"rate_burst = x\n", "t.conf:1: rate_burst: 'x' is not a number in 0..1000000"},
	    {"sinks = \n", "t.conf:1: sinks: no sink named (journal, json or text)"},
	    {"sinks = journal,,syslog\n",
	     "t.conf:1: sinks: unknown sink 'syslog' (journal, json or text)"},
	    {"sinks = json text\n",
	     "t.conf:1: sinks: json and text would both write to 'output'; choose one"},
	    {"format = json\nignore =\n",
	     "t.conf:2: ignore: empty rule (e.g. 'exe:/usr/bin/ping cause:capability')"},
	    {"ignore = exe\n", "t.conf:1: ignore: 'exe' is not a condition (exe:, uid:, cgroup:, "
			       "container:, cause: or "
			       "comm:)"},
	    {"ignore = exe:\n", "t.conf:1: ignore: 'exe:' needs a value"},
	    {"ignore = exe:usr/bin/x\n",
	     "t.conf:1: ignore: exe:usr/bin/x: must be an absolute path"},
	    {"ignore = cgroup:system.slice\n",
	     "t.conf:1: ignore: cgroup:system.slice: must be an absolute path"},
	    {"ignore = uid:root\n", "t.conf:1: ignore: uid:root: not a number in 0..4294967294"},
	    {"ignore = uid:4294967295\n",
	     "t.conf:1: ignore: uid:4294967295: not a number in 0..4294967294"},
	    {"ignore = cause:dac uid:1 cause:lsm\n",
	     "t.conf:1: ignore: 'cause:' given twice in one rule (a rule is an AND)"},
	    {"ignore = pid:1\n", "t.conf:1: ignore: unknown condition 'pid' (exe, uid, cgroup, "
				 "container, cause or comm)"},
	    {"ignore = exe:/a uid:1 cgroup:/b comm:c container:d\n",
	     "t.conf:1: ignore: more than 4 conditions in one rule"},
	};
	char err[512];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct config *c = fresh();

		if (!c) {
			CHECK(0);
			return;
		}
		err[0] = '\0';
		CHECK(config_parse_text(c, cases[i].text, "t.conf", err, sizeof(err)) == -EINVAL);
		CHECK_STR(err, cases[i].msg);
		free(c);
	}
}

TEST(config_rules_unknown_cause_lists_the_names)
{
	struct config *c = fresh();
	char err[512];

	CHECK(config_parse_text(c, "ignore = cause:perms\n", "t.conf", err, sizeof(err)) < 0);
	CHECK_CONTAINS(err, "t.conf:1: ignore: cause:perms: unknown cause (unknown, capability, ");
	CHECK_CONTAINS(err, "dac");
	free(c);
}

TEST(config_rules_max_rules)
{
	struct config *c = fresh();
	char text[64 * 32 + 64], err[512];
	size_t used = 0;

	for (int i = 0; i < FILTER_MAX_RULES; i++)
		used += (size_t)snprintf(text + used, sizeof(text) - used, "ignore = uid:%d\n", i);
	CHECK(config_parse_text(c, text, "t.conf", err, sizeof(err)) == 0);
	CHECK(c->ignore.n == FILTER_MAX_RULES);
	snprintf(text + used, sizeof(text) - used, "ignore = uid:99\n");
	config_defaults(c);
	CHECK(config_parse_text(c, text, "t.conf", err, sizeof(err)) == -EINVAL);
	CHECK_STR(err, "t.conf:65: ignore: too many ignore rules (at most 64)");
	free(c);
}

TEST(config_rules_sinks_and_format_alias)
{
	struct config *c = fresh();
	char err[256], name[64];

	CHECK(config_parse_text(c, "sinks = json, journal\n", "t", err, sizeof(err)) == 0);
	CHECK(c->sinks == ((1u << OUT_JSON) | (1u << OUT_JOURNAL)));
	CHECK(c->format == OUT_JOURNAL);
	config_sinks_name(c->sinks, name, sizeof(name));
	CHECK_STR(name, "journal,json");
	/* format is a single-sink alias; the later line wins */
	CHECK(config_parse_text(c, "format = text\n", "t", err, sizeof(err)) == 0);
	CHECK(c->sinks == 1u << OUT_TEXT && c->format == OUT_TEXT);
	/* nothing set: journal under systemd, else text */
	config_defaults(c);
	CHECK(config_finish(c, true, err, sizeof(err)) == 0);
	CHECK(c->sinks == 1u << OUT_JOURNAL && c->format == OUT_JOURNAL);
	config_defaults(c);
	CHECK(config_finish(c, false, err, sizeof(err)) == 0);
	CHECK(c->sinks == 1u << OUT_TEXT);
	/* an option (--format=json) over a file with two sinks */
	config_defaults(c);
	CHECK(config_parse_text(c, "sinks = journal json\n", "t", err, sizeof(err)) == 0);
	CHECK(config_set(c, "format", "json", err, sizeof(err)) == 0);
	CHECK(config_finish(c, true, err, sizeof(err)) == 0);
	CHECK(c->sinks == 1u << OUT_JSON);
	free(c);
}

TEST(config_rules_rate_and_rules_parse)
{
	struct config *c = fresh();
	char err[256], back[512];

	CHECK(c->rate_limit == 0 && c->rate_burst == 0 && c->ignore.n == 0);
	CHECK(config_parse_text(c,
				"rate_limit = 50\nrate_burst=500\n"
				"ignore = exe:/usr/bin/ping   cause:capability\n"
				"ignore = uid:1000\nignore = cgroup:/system.slice/foo.service\n"
				"ignore = container:0123ab\nignore = comm:cron*\n",
				"t", err, sizeof(err)) == 0);
	CHECK(c->rate_limit == 50 && c->rate_burst == 500);
	CHECK(c->ignore.n == 5);
	CHECK(c->ignore.r[0].n == 2);
	CHECK(c->ignore.r[0].c[0].field == FILTER_EXE);
	CHECK(c->ignore.r[0].c[1].field == FILTER_CAUSE);
	CHECK(c->ignore.r[0].c[1].num == EP_CAUSE_CAPABILITY);
	CHECK(c->ignore.r[1].c[0].field == FILTER_UID && c->ignore.r[1].c[0].num == 1000);
	CHECK(filter_rule_format(&c->ignore.r[0], back, sizeof(back)) > 0);
	CHECK_STR(back, "exe:/usr/bin/ping cause:capability");
	free(c);
}

static void mk(struct denial *d, const char *exe, unsigned uid, const char *cg, const char *ct,
	       enum ep_cause cause, const char *comm)
{
	memset(d, 0, sizeof(*d));
	snprintf(d->proc.exe, sizeof(d->proc.exe), "%s", exe);
	d->ev.uid = uid;
	snprintf(d->proc.cgroup, sizeof(d->proc.cgroup), "%s", cg);
	snprintf(d->proc.container, sizeof(d->proc.container), "%s", ct);
	d->cause = cause;
	snprintf(d->ev.comm, sizeof(d->ev.comm), "%s", comm);
}

TEST(filter_matching_table)
{
	static const struct {
		const char *rule;
		bool want;
	} cases[] = {
	    /* the denial below: ping, uid 1000, foo.service, docker:0123abcdef01, capability */
	    {"exe:/usr/bin/ping", true},
	    {"exe:/usr/bin/pin", false},
	    {"exe:/usr/bin/*", true},
	    {"exe:/usr/*", false}, /* FNM_PATHNAME: * stops at / */
	    {"exe:/usr/bin/ping cause:capability", true},
	    {"exe:/usr/bin/ping cause:dac", false}, /* every condition must hold */
	    {"uid:1000", true},
	    {"uid:100", false},
	    {"uid:1000 comm:ping", true},
	    {"comm:pi*", true},
	    {"comm:ping2", false},
	    {"cgroup:/system.slice/foo.service", true},
	    {"cgroup:/system.slice", true},
	    {"cgroup:/system.slice/", true},
	    {"cgroup:/system.slice/foo", false}, /* a path prefix, not a string prefix */
	    {"cgroup:/", true},
	    {"cgroup:/user.slice", false},
	    {"container:0123", true},
	    {"container:docker:0123ab", true},
	    {"container:podman:0123", false},
	    {"container:abc", false},
	    {"cause:capability", true},
	    {"cause:unknown", false},
	};
	struct denial *d = malloc(sizeof(*d));
	struct filter_rules *rs = calloc(1, sizeof(*rs));
	char err[256];

	if (!d || !rs) {
		CHECK(0);
		goto out;
	}
	mk(d, "/usr/bin/ping", 1000, "/system.slice/foo.service/sub", "docker:0123abcdef01",
	   EP_CAUSE_CAPABILITY, "ping");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct filter_rule r;

		CHECK(filter_parse_rule(cases[i].rule, &r, err, sizeof(err)) == 0);
		if (filter_rule_match(&r, d) != cases[i].want) {
			fprintf(stderr, "  rule '%s': want %d\n", cases[i].rule, cases[i].want);
			CHECK(0);
		}
	}
	/* the first matching rule; none = -1; an unknown process (no exe, no cgroup) */
	CHECK(filter_add_rule(rs, "uid:1", err, sizeof(err)) == 0);
	CHECK(filter_match(rs, d) == -1);
	CHECK(filter_add_rule(rs, "comm:ping cause:capability", err, sizeof(err)) == 0);
	CHECK(filter_match(rs, d) == 1);
	CHECK(filter_match(NULL, d) == -1);
	mk(d, "", 1000, "", "", EP_CAUSE_DAC, "x");
	CHECK(filter_add_rule(rs, "exe:/*", err, sizeof(err)) == 0);
	CHECK(filter_add_rule(rs, "cgroup:/", err, sizeof(err)) == 0);
	CHECK(filter_add_rule(rs, "container:a", err, sizeof(err)) == 0);
	CHECK(filter_match(rs, d) == -1);
out:
	free(d);
	free(rs);
}

TEST(ratelimit_token_bucket)
{
	struct ratelimit rl = {0};
	uint64_t t = 5000000000ull;
	int n = 0;

	/* unlimited */
	for (int i = 0; i < 1000; i++)
		n += ratelimit_take(&rl, 0, 0, t);
	CHECK(n == 1000);
	/* 10/s, burst 5: 5 at once, then one per 100 ms */
	n = 0;
	for (int i = 0; i < 100; i++)
		n += ratelimit_take(&rl, 10, 5, t);
	CHECK(n == 5);
	CHECK(!ratelimit_take(&rl, 10, 5, t + 99999999ull));
	CHECK(ratelimit_take(&rl, 10, 5, t + 100000000ull));
	CHECK(!ratelimit_take(&rl, 10, 5, t + 100000000ull));
	/* a long quiet spell refills only up to the burst */
	t += 3600ull * 1000000000ull;
	n = 0;
	for (int i = 0; i < 100; i++)
		n += ratelimit_take(&rl, 10, 5, t);
	CHECK(n == 5);
	/* burst 0 = one second's worth; over 10 s at 10/s: 10 + 100 */
	memset(&rl, 0, sizeof(rl));
	n = 0;
	for (uint64_t ms = 0; ms < 10000; ms++)
		for (int k = 0; k < 3; k++)
			n += ratelimit_take(&rl, 10, 0, t + ms * 1000000ull);
	CHECK(n >= 108 && n <= 110);
	/* lowering the limits (a reload) caps what was earned */
	memset(&rl, 0, sizeof(rl));
	CHECK(ratelimit_take(&rl, 1000, 5000, t)); /* 5 s earned */
	n = 0;
	for (int i = 0; i < 100; i++)
		n += ratelimit_take(&rl, 1, 2, t);
	CHECK(n == 2);
}

TEST(config_rules_diff_for_reload)
{
	struct config *a = fresh(), *b = fresh();
	char err[256], buf[256];

	CHECK(config_parse_text(a, "ring_size = 1M\nignore = uid:1\n", "t", err, sizeof(err)) == 0);
	CHECK(config_parse_text(b,
				"ring_size = 2M\nignore = uid:2\nrate_limit = 5\nsocket = none\n",
				"t", err, sizeof(err)) == 0);
	CHECK(config_diff(a, b, true, buf, sizeof(buf)) == 2);
	CHECK_STR(buf, "ring_size socket");
	CHECK(config_diff(a, b, false, buf, sizeof(buf)) == 2);
	CHECK_STR(buf, "rate_limit ignore");
	config_apply_live(a, b);
	CHECK(a->ring_size == 1u << 20 && a->rate_limit == 5 && a->ignore.r[0].c[0].num == 2);
	CHECK(config_diff(a, b, false, buf, sizeof(buf)) == 0);
	CHECK_STR(buf, "");
	free(a);
	free(b);
}
