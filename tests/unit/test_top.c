// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* epermtop's JSON Lines reader (epermtop/json.c) and its model (epermtop/model.c), fed with what
 * the daemon's own encoders write. */
#include <errno.h>
#include <stdlib.h>

#include "json.h"
#include "model.h"
#include "output.h"
#include "unit.h"

static int parse(const char *s, struct jobj *o)
{
	return jobj_parse(s, strlen(s), o);
}

TEST(top_json_values)
{
	struct jobj o = {0};

	CHECK(parse("{\"s\":\"a\\\"b\\u00e9\\n\",\"n\":-12.5e1,\"t\":true,\"z\":null,"
		    "\"arr\":[\"x\",\"y\"],\"obj\":{\"in\":[1,{\"deep\":2}]},\"last\":\"L\"}",
		    &o) == 0);
	CHECK_STR(jobj_str(&o, "s"), "a\"b\xc3\xa9\n");
	CHECK(jobj_num(&o, "n", 0) == -125);
	CHECK(jobj_num(&o, "s", 7) == 7); /* not a number */
	CHECK(jobj_num(&o, "absent", 3) == 3);
	CHECK_STR(jobj_str(&o, "arr"), "x\ny");
	CHECK(jobj_get(&o, "obj") == NULL); /* nested objects are skipped */
	CHECK(jobj_get(&o, "in") == NULL);
	CHECK_STR(jobj_str(&o, "last"), "L");
	CHECK_STR(jobj_str(&o, "absent"), "");
	jobj_free(&o);
}

TEST(top_json_hostile_input)
{
	static const char *const bad[] = {
	    "",
	    "{",
	    "{\"a\":}",
	    "{\"a\":1,}",
	    "[1]",
	    "{\"a\":\"x\"} trailing",
	    "{\"a\":\"open}",
	    "{\"a\":\"\\q\"}",
	};
	/* NULs, lone surrogates and invalid bytes are never passed on: U+FFFD instead */
	static const char *const replaced[] = {"{\"a\":\"\\u0000\"}", "{\"a\":\"\\ud800\"}",
					       "{\"a\":\"\xff\"}"};
	struct jobj o = {0};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (parse(bad[i], &o) == 0)
			fprintf(stderr, "  accepted: '%s'\n", bad[i]);
		CHECK(parse(bad[i], &o) < 0);
		CHECK(o.n == 0); /* left empty on error */
	}
	for (size_t i = 0; i < sizeof(replaced) / sizeof(replaced[0]); i++) {
		CHECK(parse(replaced[i], &o) == 0);
		CHECK_STR(jobj_str(&o, "a"), "\xef\xbf\xbd");
	}
	jobj_free(&o);
}

TEST(top_json_bounds)
{
	size_t n = JOBJ_MAX_LINE + 16;
	char *big = malloc(n + 1), *deep = malloc(4096);
	struct jobj o = {0};
	size_t k = 0;

	CHECK(big && deep);
	if (!big || !deep)
		goto cleanup;
	memset(big, ' ', n);
	memcpy(big, "{\"a\":1}", 7);
	big[n] = '\0';
	CHECK(jobj_parse(big, n, &o) == -E2BIG);
	/* nesting deeper than any daemon line: refused, not a stack overflow */
	k += (size_t)snprintf(deep, 4096, "{\"a\":");
	for (int i = 0; i < 1000; i++)
		deep[k++] = '[';
	for (int i = 0; i < 1000; i++)
		deep[k++] = ']';
	deep[k++] = '}';
	deep[k] = '\0';
	CHECK(jobj_parse(deep, k, &o) < 0);
	/* more members than the reader keeps */
	k = (size_t)snprintf(deep, 4096, "{");
	for (int i = 0; i < JOBJ_MAX_FIELDS + 4; i++)
		k += (size_t)snprintf(deep + k, 4096 - k, "%s\"k%d\":%d", i ? "," : "", i, i);
	snprintf(deep + k, 4096 - k, "}");
	CHECK(parse(deep, &o) <= 0);
	CHECK(o.n <= JOBJ_MAX_FIELDS);
cleanup:
	jobj_free(&o);
	free(big);
	free(deep);
}

static void sample(struct denial *d, const char *comm, const char *path, uint64_t count,
		   uint64_t id)
{
	memset(d, 0, sizeof(*d));
	d->ev.pid = 4242;
	d->ev.uid = 1000;
	d->ev.syscall_nr = 257; /* openat */
	d->ev.ret = -EP_EACCES;
	snprintf(d->ev.comm, sizeof(d->ev.comm), "%s", comm);
	snprintf(d->proc.exe, sizeof(d->proc.exe), "/usr/bin/%s", comm);
	snprintf(d->path, sizeof(d->path), "%s", path);
	d->cause = EP_CAUSE_DAC;
	d->capability = -1;
	d->lsm = -1;
	d->realtime_ns = 1700000000000000000ull;
	d->count = count;
	d->incident_id = id;
}

/* The daemon's own lines through the model: incidents fold by key, stats, gaps, end, errors. */
TEST(top_model_daemon_lines)
{
	struct denial *d = calloc(1, sizeof(*d));
	struct model *m = calloc(1, sizeof(*m));
	struct out_stat st[] = {{"delivered", 10}, {"queue_dropped", 3}};
	char buf[16384];
	int len;

	CHECK(d && m);
	if (!d || !m)
		goto cleanup;
	model_init(m, 100);
	sample(d, "cat", "/etc/shadow", 1, 7);
	len = denial_to_json(d, OUT_NEW, buf, sizeof(buf));
	CHECK(len > 0 && model_line(m, buf, (size_t)len, 100) == 'i');
	sample(d, "cat", "/etc/shadow", 5, 7);
	len = denial_to_json(d, OUT_SUMMARY, buf, sizeof(buf));
	CHECK(len > 0 && model_line(m, buf, (size_t)len, 101) == 'i');
	CHECK(m->n_inc == 1);
	if (m->n_inc == 1) {
		CHECK(m->inc[0]->count == 5);
		CHECK_STR(inc_target(m->inc[0]), "/etc/shadow");
		CHECK_STR(jobj_str(&m->inc[0]->obj, "cause"), "dac");
	}
	sample(d, "vim", "/etc/passwd", 1, 8);
	len = denial_to_json(d, OUT_NEW, buf, sizeof(buf));
	CHECK(len > 0 && model_line(m, buf, (size_t)len, 102) == 'i');
	CHECK(m->n_inc == 2);
	len = stats_to_json(st, 2, 0, buf, sizeof(buf));
	CHECK(len > 0 && model_line(m, buf, (size_t)len, 103) == 's');
	CHECK(jobj_num(&m->stats, "queue_dropped", -1) == 3);
	len = snprintf(buf, sizeof(buf), "{\"type\":\"gap\",\"missed\":4}");
	CHECK(model_line(m, buf, (size_t)len, 104) == 'g');
	CHECK(m->gaps == 1 && m->missed == 4);
	CHECK(model_line(m, "{\"type\":\"end\"}", 14, 104) == 'e' && m->snapshot_done);
	len = snprintf(buf, sizeof(buf), "{\"type\":\"error\",\"message\":\"unknown command\"}");
	CHECK(model_line(m, buf, (size_t)len, 105) == 'E');
	CHECK_STR(m->error, "unknown command");
	CHECK(model_line(m, "not json", 8, 106) == '?');
	CHECK(m->bad_lines == 1);
	model_rows(m);
	CHECK(m->n_rows == 2);
	model_free(m);
cleanup:
	free(m);
	free(d);
}
