// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "model.h"

static const char *const sort_names[SORT__MAX] = {"rate", "count", "recent"};
static const char *const group_names[GROUP__MAX] = {"none", "process", "cause", "container",
						    "syscall"};
static const char *const filter_names[FILT__MAX] = {"text", "cause", "uid", "container"};

const char *sort_name(enum sort_key k)
{
	return (unsigned)k < SORT__MAX ? sort_names[k] : "?";
}

const char *group_name(enum group_key k)
{
	return (unsigned)k < GROUP__MAX ? group_names[k] : "?";
}

const char *filter_name(enum filter_key k)
{
	return (unsigned)k < FILT__MAX ? filter_names[k] : "?";
}

void model_init(struct model *m, double now)
{
	memset(m, 0, sizeof(*m));
	m->connected_at = now;
}

static void drop_incidents(struct model *m)
{
	for (unsigned i = 0; i < m->n_inc; i++) {
		jobj_free(&m->inc[i]->obj);
		free(m->inc[i]);
	}
	m->n_inc = 0;
	m->n_rows = 0;
}

void model_reset(struct model *m, double now)
{
	drop_incidents(m);
	jobj_free(&m->stats);
	jobj_free(&m->features);
	m->snapshot_done = false;
	m->stats_at = m->prev_stats_at = 0;
	m->prev_total = m->total_rate = 0;
	m->connected_at = now;
}

void model_free(struct model *m)
{
	drop_incidents(m);
	jobj_free(&m->stats);
	jobj_free(&m->features);
	free(m->rows);
	m->rows = NULL;
	m->rows_cap = 0;
}

/* "2025-11-26T07:01:02.123456789Z" -> epoch seconds; 0 when it does not parse. */
static double parse_time(const char *s)
{
	struct tm tm = {0};
	const char *rest;
	double frac = 0;

	if (!s || !*s)
		return 0;
	rest = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!rest)
		return 0;
	if (*rest == '.')
		frac = strtod(rest, NULL);
	return (double)timegm(&tm) + (frac > 0 && frac < 1 ? frac : 0);
}

const char *inc_target(const struct incident *i)
{
	const char *p = jobj_str(&i->obj, "path");

	return *p ? p : jobj_str(&i->obj, "target");
}

const char *inc_detail(const struct incident *i, char *buf, size_t n)
{
	static const char *const keys[] = {"capability", "lsm",	     "flag", "mount_option",
					   "sysctl",	 "listener", "rule", "errno"};
	const struct jobj *o = &i->obj;

	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		const char *v = jobj_str(o, keys[k]);

		if (!*v)
			continue;
		if (!strcmp(keys[k], "lsm") && *jobj_str(o, "lsm_detail"))
			snprintf(buf, n, "%s:%s", v, jobj_str(o, "lsm_detail"));
		else if (!strcmp(keys[k], "sysctl") && *jobj_str(o, "sysctl_value"))
			snprintf(buf, n, "%s=%s", v, jobj_str(o, "sysctl_value"));
		else
			snprintf(buf, n, "%s", v);
		return buf;
	}
	snprintf(buf, n, "-");
	return buf;
}

const char *inc_group_value(const struct incident *i, enum group_key g)
{
	const char *v;

	switch (g) {
	case GROUP_PROCESS:
		v = jobj_str(&i->obj, "exe");
		return *v ? v : jobj_str(&i->obj, "comm");
	case GROUP_CAUSE:
		return jobj_str(&i->obj, "cause");
	case GROUP_CONTAINER:
		v = jobj_str(&i->obj, "container");
		return *v ? v : "host";
	case GROUP_SYSCALL:
		return jobj_str(&i->obj, "syscall");
	default:
		return "";
	}
}

double inc_rate(const struct incident *i)
{
	if (i->count <= i->hist[0])
		return 0;
	return (double)(i->count - i->hist[0]) / RATE_WIN;
}

static void incident_key(const struct jobj *o, char *key, size_t n)
{
	const char *id = jobj_get(o, "incident");
	unsigned long h = 5381;
	char det[64];
	struct incident tmp = {.obj = *o};

	if (!id)
		id = jobj_get(o, "incident_id");
	if (id && *id && strcmp(id, "0")) {
		snprintf(key, n, "id:%.80s", id);
		return;
	}
	/* no id: fold by the daemon's signature (exe, syscall, cause, detail, target, container) */
	const char *parts[] = {jobj_str(o, "exe"),
			       jobj_str(o, "comm"),
			       jobj_str(o, "syscall"),
			       jobj_str(o, "cause"),
			       inc_detail(&tmp, det, sizeof(det)),
			       inc_target(&tmp),
			       jobj_str(o, "container")};
	for (size_t k = 0; k < sizeof(parts) / sizeof(parts[0]); k++) {
		for (const unsigned char *p = (const unsigned char *)parts[k]; *p; p++)
			h = h * 33 + *p;
		h = h * 33 + 0xff;
	}
	snprintf(key, n, "sig:%lx", h);
}

static struct incident *find_incident(struct model *m, const char *key)
{
	for (unsigned i = 0; i < m->n_inc; i++)
		if (!strcmp(m->inc[i]->key, key))
			return m->inc[i];
	return NULL;
}

static struct incident *new_incident(struct model *m, const char *key)
{
	struct incident *in;
	unsigned victim = 0;

	if (m->n_inc == MAX_INCIDENTS && m->frozen) {
		m->evicted++;
		return NULL;
	}
	if (m->n_inc == MAX_INCIDENTS) {
		/* the least recently seen goes; rows are rebuilt after every update */
		for (unsigned i = 1; i < m->n_inc; i++)
			if (m->inc[i]->last_seen < m->inc[victim]->last_seen)
				victim = i;
		jobj_free(&m->inc[victim]->obj);
		free(m->inc[victim]);
		m->inc[victim] = m->inc[--m->n_inc];
		m->evicted++;
	}
	in = calloc(1, sizeof(*in));
	if (!in)
		return NULL;
	snprintf(in->key, sizeof(in->key), "%s", key);
	m->inc[m->n_inc++] = in;
	return in;
}

static void on_incident(struct model *m, struct jobj *o, double now)
{
	const char *type = jobj_str(o, "type");
	double cnt = jobj_num(o, "count", 1), seen;
	uint64_t c = cnt >= 1 && cnt < 1e18 ? (uint64_t)cnt : 1;
	struct incident *in;
	char key[96];
	bool fresh;

	incident_key(o, key, sizeof(key));
	in = find_incident(m, key);
	fresh = !in;
	if (fresh) {
		in = new_incident(m, key);
		if (!in)
			return;
	}
	if (!fresh && !strcmp(type, "denial"))
		c = c > in->count + 1 ? c : in->count + 1; /* one more occurrence */
	else if (!fresh && c < in->count)
		c = in->count; /* counts only grow within an incident */
	in->count = c;
	seen = parse_time(jobj_get(o, "last_seen"));
	if (!seen)
		seen = parse_time(jobj_get(o, "time"));
	in->last_seen = seen ? seen : now;
	if (fresh) {
		/* before the snapshot's end the count is history, not a rate */
		uint64_t base = m->snapshot_done ? 0 : c;

		for (int k = 0; k <= RATE_WIN; k++)
			in->hist[k] = base;
	}
	jobj_move(&in->obj, o);
}

static const char *const total_keys[] = {"denials",   "denials_total", "diagnosed",
					 "submitted", "events",	       "received"};

static double stats_total(const struct jobj *st)
{
	for (size_t k = 0; k < sizeof(total_keys) / sizeof(total_keys[0]); k++) {
		double v = jobj_num(st, total_keys[k], -1);

		if (v >= 0)
			return v;
	}
	return -1;
}

static double incidents_total(const struct model *m)
{
	double t = 0;

	for (unsigned i = 0; i < m->n_inc; i++)
		t += m->inc[i]->count;
	return t;
}

double model_total(const struct model *m)
{
	double v = m->stats.n ? stats_total(&m->stats) : -1;

	return v >= 0 ? v : incidents_total(m);
}

int model_line(struct model *m, const char *line, size_t len, double now)
{
	struct jobj o = {0};
	const char *type;
	int ret = '?';

	if (jobj_parse(line, len, &o)) {
		m->bad_lines++;
		goto cleanup;
	}
	type = jobj_str(&o, "type");
	if (!strcmp(type, "stats")) {
		double total = stats_total(&o);

		if (total >= 0 && m->stats_at > 0 && now > m->stats_at && total >= m->prev_total)
			m->total_rate = (total - m->prev_total) / (now - m->stats_at);
		if (total >= 0)
			m->prev_total = total;
		m->prev_stats_at = m->stats_at;
		m->stats_at = now;
		jobj_move(&m->stats, &o);
		ret = 's';
	} else if (!strcmp(type, "features")) {
		jobj_move(&m->features, &o);
		ret = 'f';
	} else if (!strcmp(type, "end")) {
		m->snapshot_done = true;
		ret = 'e';
	} else if (!strcmp(type, "gap")) {
		double missed = jobj_num(&o, "missed", 0);

		m->gaps++;
		if (missed > 0 && missed < 1e18)
			m->missed += (uint64_t)missed;
		ret = 'g';
	} else if (!strcmp(type, "error")) {
		snprintf(m->error, sizeof(m->error), "%s", jobj_str(&o, "message"));
		ret = 'E';
	} else if (jobj_get(&o, "cause") || jobj_get(&o, "syscall")) {
		/* "denial", "summary", "incident", or anything else that looks like one */
		on_incident(m, &o, now);
		ret = 'i';
	}
cleanup:
	jobj_free(&o);
	return ret;
}

void model_tick(struct model *m)
{
	for (unsigned i = 0; i < m->n_inc; i++) {
		struct incident *in = m->inc[i];

		memmove(in->hist, in->hist + 1, RATE_WIN * sizeof(in->hist[0]));
		in->hist[RATE_WIN] = in->count;
	}
}

static bool contains_ci(const char *hay, const char *needle)
{
	return strcasestr(hay, needle) != NULL;
}

static bool match(const struct model *m, const struct incident *in)
{
	const struct jobj *o = &in->obj;
	const char *f;
	char det[160];

	f = m->filter[FILT_CAUSE];
	if (*f && strncasecmp(jobj_str(o, "cause"), f, strlen(f)))
		return false;
	f = m->filter[FILT_UID];
	if (*f && strcmp(jobj_str(o, "uid"), f))
		return false;
	f = m->filter[FILT_CONTAINER];
	if (*f) {
		const char *c = jobj_str(o, "container");

		if (!*c)
			c = "host";
		if (!contains_ci(c, f))
			return false;
	}
	f = m->filter[FILT_TEXT];
	if (*f) {
		static const char *const keys[] = {"cause",   "comm",	   "exe",	"uid",
						   "syscall", "container", "diagnosis", "unit"};

		if (contains_ci(inc_detail(in, det, sizeof(det)), f) ||
		    contains_ci(inc_target(in), f))
			return true;
		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
			if (contains_ci(jobj_str(o, keys[k]), f))
				return true;
		return false;
	}
	return true;
}

static int cmp_rows(const void *a, const void *b, void *arg)
{
	const struct row *x = a, *y = b;
	const struct model *m = arg;

	switch (m->sort) {
	case SORT_RATE:
		if (x->rate != y->rate)
			return x->rate < y->rate ? 1 : -1;
		break;
	case SORT_RECENT:
		if (x->last_seen != y->last_seen)
			return x->last_seen < y->last_seen ? 1 : -1;
		break;
	default:
		break;
	}
	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	if (x->last_seen != y->last_seen)
		return x->last_seen < y->last_seen ? 1 : -1;
	return strcmp(x->inc->key, y->inc->key);
}

void model_rows(struct model *m)
{
	m->n_rows = 0;
	if (m->rows_cap < m->n_inc) {
		struct row *nr = realloc(m->rows, m->n_inc * sizeof(*nr));

		if (!nr)
			return;
		m->rows = nr;
		m->rows_cap = m->n_inc;
	}
	for (unsigned i = 0; i < m->n_inc; i++) {
		struct incident *in = m->inc[i];
		const char *gv = inc_group_value(in, m->group);
		struct row *r = NULL;
		double rate = inc_rate(in);

		if (!match(m, in))
			continue;
		if (m->group != GROUP_NONE) {
			for (unsigned k = 0; k < m->n_rows; k++) {
				if (!strncmp(m->rows[k].group, gv, sizeof(r->group) - 1)) {
					r = &m->rows[k];
					break;
				}
			}
		}
		if (!r) {
			r = &m->rows[m->n_rows++];
			memset(r, 0, sizeof(*r));
			r->inc = in;
			snprintf(r->group, sizeof(r->group), "%s", gv);
		} else if (in->count > r->inc->count) {
			r->inc = in;
		}
		r->members++;
		r->count += in->count;
		r->rate += rate;
		if (in->last_seen > r->last_seen)
			r->last_seen = in->last_seen;
	}
	if (m->n_rows > 1)
		qsort_r(m->rows, m->n_rows, sizeof(*m->rows), cmp_rows, m);
}

const char *model_mode(const struct model *m)
{
	const char *v = jobj_get(&m->features, "mode");

	if (!v)
		v = jobj_get(&m->stats, "mode");
	if (v && *v)
		return v;
	v = jobj_get(&m->features, "tracepoint_only");
	if (v)
		return !strcmp(v, "true") || !strcmp(v, "1") ? "tracepoint-only" : "full";
	return m->features.n ? "?" : "-";
}

void model_losses(const struct model *m, char *buf, size_t n)
{
	static const char *const words[] = {"drop", "lost", "fail", "missed", "overflow"};
	size_t len = 0;

	buf[0] = '\0';
	for (int i = 0; i < m->stats.n; i++) {
		const char *k = m->stats.f[i].key, *v = m->stats.f[i].val;
		bool loss = false;
		char *end;
		double d;

		for (size_t w = 0; w < sizeof(words) / sizeof(words[0]); w++)
			loss |= strstr(k, words[w]) != NULL;
		d = strtod(v, &end);
		if (!loss || *end || end == v || d <= 0)
			continue;
		if (len + 1 < n) {
			int r = snprintf(buf + len, n - len, "%s%s=%s", len ? " " : "", k, v);

			if (r < 0 || (size_t)r >= n - len)
				break;
			len += r;
		}
	}
	if (!len)
		snprintf(buf, n, "%s", m->stats.n ? "none" : "-");
}

double model_uptime(const struct model *m, double now)
{
	static const char *const keys[] = {"uptime_s", "uptime", "uptime_sec"};

	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		double v = jobj_num(&m->stats, keys[k], -1);

		if (v >= 0)
			return v + (m->stats_at > 0 && now > m->stats_at ? now - m->stats_at : 0);
	}
	return -1;
}
