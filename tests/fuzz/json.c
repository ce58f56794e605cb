// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* epermtop's JSON Lines reader and its model (epermtop/json.c, model.c). Input: the daemon's
 * stream as a client reads it, lines separated by '\n'; byte 0 picks sort, group and a filter.
 * Each line is handed over as exactly its bytes (no terminator). Properties: every decoded key
 * and value is valid UTF-8 without an embedded NUL; the model folds, ticks and builds rows
 * without fault and its counts stay bounded. */
#include "fuzz.h"
#include "model.h"

static void check_obj(const struct jobj *o)
{
	FUZZ_CHECK(o->n >= 0 && o->n <= JOBJ_MAX_FIELDS);
	for (int i = 0; i < o->n; i++) {
		FUZZ_CHECK(fuzz_utf8_valid(o->f[i].key, strlen(o->f[i].key)));
		FUZZ_CHECK(fuzz_utf8_valid(o->f[i].val, strlen(o->f[i].val)));
	}
}

int fuzz_json(const uint8_t *data, size_t size)
{
	struct model *m = calloc(1, sizeof(*m));
	const uint8_t *p, *end = data + size;
	char buf[256];
	double now = 1000;

	if (!m || !size)
		goto out;
	model_init(m, now);
	m->sort = data[0] % SORT__MAX;
	m->group = (data[0] >> 2) % GROUP__MAX;
	if (data[0] & 0x80)
		snprintf(m->filter[(data[0] >> 5) & 3], sizeof(m->filter[0]), "%s", "a");
	for (p = data + 1; p < end;) {
		const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = (size_t)((nl ? nl : end) - p);
		char *line = malloc(len ? len : 1);
		struct jobj o = {0};

		if (!line)
			break;
		memcpy(line, p, len);
		if (jobj_parse(line, len, &o) == 0)
			check_obj(&o);
		jobj_free(&o);
		(void)model_line(m, line, len, now);
		free(line);
		now += 0.25;
		if ((p - data) % 3 == 0)
			model_tick(m);
		p += len + 1;
	}
	FUZZ_CHECK(m->n_inc <= MAX_INCIDENTS);
	model_rows(m);
	FUZZ_CHECK(m->n_rows <= m->n_inc);
	for (unsigned i = 0; i < m->n_rows; i++) {
		const struct incident *inc = m->rows[i].inc;

		(void)inc_rate(inc);
		(void)inc_detail(inc, buf, sizeof(buf));
		FUZZ_CHECK(strnlen(buf, sizeof(buf)) < sizeof(buf));
		(void)inc_target(inc);
		for (int g = 0; g < GROUP__MAX; g++)
			(void)inc_group_value(inc, (enum group_key)g);
	}
	(void)model_total(m);
	(void)model_mode(m);
	model_losses(m, buf, sizeof(buf));
	FUZZ_CHECK(strnlen(buf, sizeof(buf)) < sizeof(buf));
	(void)model_uptime(m, now);
	model_free(m);
out:
	free(m);
	return 0;
}
FUZZ_ENTRY(fuzz_json)
