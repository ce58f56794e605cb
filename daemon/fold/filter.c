// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"
#include "parse.h"

static const char *const field_names[FILTER_FIELD__MAX] = {
    [FILTER_EXE] = "exe",	[FILTER_UID] = "uid",
    [FILTER_CGROUP] = "cgroup", [FILTER_CONTAINER] = "container",
    [FILTER_CAUSE] = "cause",	[FILTER_COMM] = "comm",
};

static int parse_cond(const char *word, size_t len, struct filter_cond *c, char *err, size_t n)
{
	const char *colon = memchr(word, ':', len);
	const char *v;
	size_t klen, vlen;
	unsigned long long x;

	if (!colon) {
		snprintf(err, n,
			 "'%.*s' is not a condition (exe:, uid:, cgroup:, container:, "
			 "cause: or comm:)",
			 (int)(len > 64 ? 64 : len), word);
		return -EINVAL;
	}
	klen = (size_t)(colon - word);
	v = colon + 1;
	vlen = len - klen - 1;
	memset(c, 0, sizeof(*c));
	c->field = -1;
	for (int i = 0; i < FILTER_FIELD__MAX; i++)
		if (strlen(field_names[i]) == klen && !memcmp(field_names[i], word, klen))
			c->field = i;
	if (c->field < 0) {
		snprintf(err, n,
			 "unknown condition '%.*s' (exe, uid, cgroup, container, cause or comm)",
			 (int)(klen > 32 ? 32 : klen), word);
		return -EINVAL;
	}
	if (!vlen) {
		snprintf(err, n, "'%s:' needs a value", field_names[c->field]);
		return -EINVAL;
	}
	if (vlen >= sizeof(c->val)) {
		snprintf(err, n, "%s value too long (at most %zu bytes)", field_names[c->field],
			 sizeof(c->val) - 1);
		return -EINVAL;
	}
	memcpy(c->val, v, vlen);
	c->val[vlen] = '\0';
	switch (c->field) {
	case FILTER_EXE:
	case FILTER_CGROUP:
		if (c->val[0] != '/') {
			snprintf(err, n, "%s:%.64s: must be an absolute path",
				 field_names[c->field], c->val);
			return -EINVAL;
		}
		break;
	case FILTER_UID:
		if (config_parse_uint(c->val, 4294967294ull, &x)) {
			snprintf(err, n, "uid:%.32s: not a number in 0..4294967294", c->val);
			return -EINVAL;
		}
		c->num = (unsigned)x;
		break;
	case FILTER_CAUSE: {
		int cause = cause_from_name(c->val);

		if (cause < 0) {
			char list[256];
			size_t used = 0;

			list[0] = '\0';
			for (int i = 0; i < EP_CAUSE__MAX && used < sizeof(list); i++)
				used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s",
							 i ? ", " : "", cause_name(i));
			snprintf(err, n, "cause:%.32s: unknown cause (%s)", c->val, list);
			return -EINVAL;
		}
		c->num = (unsigned)cause;
		break;
	}
	default:
		break;
	}
	return 0;
}

int filter_parse_rule(const char *text, struct filter_rule *out, char *err, size_t n)
{
	const char *p = text;
	int ret;

	memset(out, 0, sizeof(*out));
	for (;;) {
		size_t len;

		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		len = strcspn(p, " \t");
		if (out->n >= FILTER_MAX_CONDS) {
			snprintf(err, n, "more than %d conditions in one rule", FILTER_MAX_CONDS);
			return -EINVAL;
		}
		for (size_t i = 0; i < len; i++) {
			if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f) {
				snprintf(err, n, "control character in rule");
				return -EINVAL;
			}
		}
		ret = parse_cond(p, len, &out->c[out->n], err, n);
		if (ret)
			return ret;
		for (unsigned i = 0; i < out->n; i++) {
			if (out->c[i].field == out->c[out->n].field) {
				snprintf(err, n, "'%s:' given twice in one rule (a rule is an AND)",
					 field_names[out->c[i].field]);
				return -EINVAL;
			}
		}
		out->n++;
		p += len;
	}
	if (!out->n) {
		snprintf(err, n, "empty rule (e.g. 'exe:/usr/bin/ping cause:capability')");
		return -EINVAL;
	}
	return 0;
}

int filter_add_rule(struct filter_rules *rs, const char *text, char *err, size_t n)
{
	int ret;

	if (rs->n >= FILTER_MAX_RULES) {
		snprintf(err, n, "too many ignore rules (at most %d)", FILTER_MAX_RULES);
		return -ENOSPC;
	}
	ret = filter_parse_rule(text, &rs->r[rs->n], err, n);
	if (!ret)
		rs->n++;
	return ret;
}

int filter_rule_format(const struct filter_rule *r, char *buf, size_t n)
{
	size_t used = 0;

	if (!n)
		return -ENOSPC;
	buf[0] = '\0';
	for (unsigned i = 0; i < r->n; i++) {
		int w = snprintf(buf + used, n - used, "%s%s:%s", i ? " " : "",
				 field_names[r->c[i].field], r->c[i].val);

		if (w < 0 || (size_t)w >= n - used)
			return -ENOSPC;
		used += (size_t)w;
	}
	return (int)used;
}

/* "/a/b" matches "/a/b" and "/a/b/c", not "/a/bc"; "/" matches everything. */
static bool path_prefix(const char *pfx, const char *path)
{
	size_t l = strlen(pfx);

	while (l > 1 && pfx[l - 1] == '/')
		l--;
	if (l == 1 && pfx[0] == '/')
		return path[0] == '/';
	return !strncmp(pfx, path, l) && (path[l] == '\0' || path[l] == '/');
}

static bool container_match(const char *want, const char *have)
{
	const char *id;

	if (!*have)
		return false;
	if (strchr(want, ':'))
		return !strncmp(have, want, strlen(want));
	id = strchr(have, ':');
	id = id ? id + 1 : have;
	return !strncmp(id, want, strlen(want));
}

static bool cond_match(const struct filter_cond *c, const struct denial *d)
{
	switch (c->field) {
	case FILTER_EXE:
		return d->proc.exe[0] && !fnmatch(c->val, d->proc.exe, FNM_PATHNAME);
	case FILTER_UID:
		return d->ev.uid == c->num;
	case FILTER_CGROUP:
		return d->proc.cgroup[0] && path_prefix(c->val, d->proc.cgroup);
	case FILTER_CONTAINER:
		return container_match(c->val, d->proc.container);
	case FILTER_CAUSE:
		return (unsigned)d->cause == c->num;
	case FILTER_COMM:
		return !fnmatch(c->val, d->ev.comm, 0);
	default:
		return false;
	}
}

bool filter_rule_match(const struct filter_rule *r, const struct denial *d)
{
	if (!r->n)
		return false;
	for (unsigned i = 0; i < r->n; i++)
		if (!cond_match(&r->c[i], d))
			return false;
	return true;
}

int filter_match(const struct filter_rules *rs, const struct denial *d)
{
	if (!rs)
		return -1;
	for (unsigned i = 0; i < rs->n && i < FILTER_MAX_RULES; i++)
		if (filter_rule_match(&rs->r[i], d))
			return (int)i;
	return -1;
}

bool ratelimit_take(struct ratelimit *rl, unsigned rate, unsigned burst, uint64_t now_ns)
{
	uint64_t cost, cap;

	if (!rate)
		return true;
	cost = 1000000000ull / rate;
	if (!cost)
		cost = 1;
	cap = (uint64_t)(burst ? burst : rate) * cost;
	if (!rl->started) {
		rl->started = true;
		rl->allowance_ns = cap;
		rl->last_ns = now_ns;
	}
	if (now_ns > rl->last_ns) {
		uint64_t dt = now_ns - rl->last_ns;

		rl->allowance_ns = dt >= cap ? cap : rl->allowance_ns + dt;
		rl->last_ns = now_ns;
	}
	if (rl->allowance_ns > cap)
		rl->allowance_ns = cap; /* the limits were lowered by a reload */
	if (rl->allowance_ns >= cost) {
		rl->allowance_ns -= cost;
		return true;
	}
	return false;
}
