// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "output.h"
#include "tracer.h"

void config_defaults(struct config *c)
{
	memset(c, 0, sizeof(*c));
	c->format = -1;
	c->queue_size = 4096;
	c->fold_window = 60;
	c->summary_interval = 10;
	c->metrics_interval = 15;
}

static int parse_bool(const char *s, bool *out)
{
	if (!strcmp(s, "1") || !strcasecmp(s, "yes") || !strcasecmp(s, "true") ||
	    !strcasecmp(s, "on")) {
		*out = true;
		return 0;
	}
	if (!strcmp(s, "0") || !strcasecmp(s, "no") || !strcasecmp(s, "false") ||
	    !strcasecmp(s, "off")) {
		*out = false;
		return 0;
	}
	return -EINVAL;
}

static int set_string(char *dst, size_t dstlen, const char *v, char *err, size_t n)
{
	size_t len = strlen(v);

	if (len >= dstlen) {
		snprintf(err, n, "value too long (at most %zu bytes)", dstlen - 1);
		return -EINVAL;
	}
	for (size_t i = 0; i < len; i++) {
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f) {
			snprintf(err, n, "control character in value");
			return -EINVAL;
		}
	}
	memcpy(dst, v, len + 1);
	return 0;
}

static int set_format(struct config *c, const char *v, char *err, size_t n)
{
	if (!strcmp(v, "text"))
		c->format = OUT_TEXT;
	else if (!strcmp(v, "json"))
		c->format = OUT_JSON;
	else if (!strcmp(v, "journal"))
		c->format = OUT_JOURNAL;
	else {
		snprintf(err, n, "unknown format '%.32s' (text, json or journal)", v);
		return -EINVAL;
	}
	c->sinks = 1u << c->format; /* format is a single-sink alias of sinks */
	return 0;
}

static const char *const sink_names[] = {
    [OUT_TEXT] = "text",
    [OUT_JSON] = "json",
    [OUT_JOURNAL] = "journal",
};

void config_sinks_name(unsigned sinks, char *buf, size_t n)
{
	size_t used = 0;

	if (!n)
		return;
	buf[0] = '\0';
	/* journal first: the order of the documentation */
	for (int i = OUT_JOURNAL; i >= OUT_TEXT && used < n; i--)
		if (sinks & (1u << i))
			used += (size_t)snprintf(buf + used, n - used, "%s%s", used ? "," : "",
						 sink_names[i]);
}

/* The format that speaks for a set of sinks (alarms, the final stats record). */
static int primary_format(unsigned sinks)
{
	if (sinks & (1u << OUT_JOURNAL))
		return OUT_JOURNAL;
	if (sinks & (1u << OUT_JSON))
		return OUT_JSON;
	return OUT_TEXT;
}

static int set_sinks(struct config *c, const char *v, char *err, size_t n)
{
	unsigned sinks = 0;
	const char *p = v;

	for (;;) {
		size_t len;
		int f = -1;

		p += strspn(p, " \t,");
		if (!*p)
			break;
		len = strcspn(p, " \t,");
		for (int i = OUT_TEXT; i <= OUT_JOURNAL; i++)
			if (strlen(sink_names[i]) == len && !memcmp(sink_names[i], p, len))
				f = i;
		if (f < 0) {
			snprintf(err, n, "unknown sink '%.*s' (journal, json or text)",
				 (int)(len > 32 ? 32 : len), p);
			return -EINVAL;
		}
		sinks |= 1u << f;
		p += len;
	}
	if (!sinks) {
		snprintf(err, n, "no sink named (journal, json or text)");
		return -EINVAL;
	}
	if ((sinks & (1u << OUT_JSON)) && (sinks & (1u << OUT_TEXT))) {
		snprintf(err, n, "json and text would both write to 'output'; choose one");
		return -EINVAL;
	}
	c->sinks = sinks;
	c->format = primary_format(sinks);
	return 0;
}

static int set_uint(unsigned *dst, const char *v, unsigned long long lo, unsigned long long hi,
		    char *err, size_t n)
{
	unsigned long long x;

	if (config_parse_uint(v, hi, &x) || x < lo) {
		snprintf(err, n, "'%.32s' is not a number in %llu..%llu", v, lo, hi);
		return -EINVAL;
	}
	*dst = (unsigned)x;
	return 0;
}

/* The index of v among n names, or -1. */
static int name_index(const char *const *names, size_t n, const char *v)
{
	for (size_t i = 0; i < n; i++)
		if (names[i] && !strcmp(v, names[i]))
			return (int)i;
	return -1;
}

static int set_audit_source(struct config *c, const char *v, char *err, size_t n)
{
	static const char *const names[] = {
	    [CONFIG_AUDIT_AUTO] = "auto",	[CONFIG_AUDIT_NETLINK] = "netlink",
	    [CONFIG_AUDIT_JOURNAL] = "journal", [CONFIG_AUDIT_KMSG] = "kmsg",
	    [CONFIG_AUDIT_OFF] = "off",
	};
	int i = name_index(names, sizeof(names) / sizeof(names[0]), v);

	if (i < 0) {
		snprintf(err, n,
			 "unknown audit source '%.32s' (auto, netlink, journal, kmsg or off)", v);
		return -EINVAL;
	}
	c->audit_source = i;
	return 0;
}

/* Which EROFS failures are denials (tracer.h, enum tracer_erofs) */
static int set_erofs(struct config *c, const char *v, char *err, size_t n)
{
	static const char *const names[] = {
	    [TRACER_EROFS_PRIVATE] = "private",
	    [TRACER_EROFS_ALL] = "all",
	    [TRACER_EROFS_NEVER] = "never",
	};
	int i = name_index(names, sizeof(names) / sizeof(names[0]), v);

	if (i < 0) {
		snprintf(err, n, "unknown erofs setting '%.32s' (private, all or never)", v);
		return -EINVAL;
	}
	c->erofs = i;
	return 0;
}

static int set_ring_size(struct config *c, const char *v, char *err, size_t n)
{
	size_t sz;

	if (config_parse_size(v, &sz)) {
		snprintf(err, n, "'%.32s' is not a size (bytes, or with a K/M/G suffix)", v);
		return -EINVAL;
	}
	if (sz < 4096 || (sz & (sz - 1))) {
		snprintf(err, n, "%zu is not a power of two of at least 4096", sz);
		return -EINVAL;
	}
	c->ring_size = sz;
	return 0;
}

static int set_socket(struct config *c, const char *v, char *err, size_t n)
{
	int ret;

	if (!strcmp(v, "none") || !*v) {
		c->no_socket = true;
		c->socket[0] = '\0';
		c->socket_set = true;
		return 0;
	}
	if (v[0] != '/') {
		snprintf(err, n, "socket path must be absolute");
		return -EINVAL;
	}
	ret = set_string(c->socket, sizeof(c->socket), v, err, n);
	if (!ret) {
		c->socket_set = true;
		c->no_socket = false;
	}
	return ret;
}

static int set_socket_group(struct config *c, const char *v, char *err, size_t n)
{
	int ret = set_string(c->socket_group, sizeof(c->socket_group), v, err, n);

	if (!ret && *v && !getgrnam(v)) {
		snprintf(err, n, "group '%.32s' does not exist", v);
		return -EINVAL;
	}
	return ret;
}

/* An absolute path, or empty (off). */
static int set_abs_path(char *dst, size_t size, const char *key, const char *v, char *err, size_t n)
{
	if (*v && v[0] != '/') {
		snprintf(err, n, "%s must be an absolute path", key);
		return -EINVAL;
	}
	return set_string(dst, size, v, err, n);
}

int config_set(struct config *c, const char *key, const char *v, char *err, size_t n)
{
	if (!strcmp(key, "format"))
		return set_format(c, v, err, n);
	if (!strcmp(key, "output"))
		return set_string(c->output, sizeof(c->output), v, err, n);
	if (!strcmp(key, "ring_size"))
		return set_ring_size(c, v, err, n);
	if (!strcmp(key, "queue_size"))
		return set_uint(&c->queue_size, v, 16, 1u << 20, err, n);
	if (!strcmp(key, "fold_window"))
		return set_uint(&c->fold_window, v, 0, 86400, err, n);
	if (!strcmp(key, "summary_interval"))
		return set_uint(&c->summary_interval, v, 1, 86400, err, n);
	if (!strcmp(key, "socket"))
		return set_socket(c, v, err, n);
	if (!strcmp(key, "socket_group"))
		return set_socket_group(c, v, err, n);
	if (!strcmp(key, "tracepoint_only")) {
		if (parse_bool(v, &c->tracepoint_only)) {
			snprintf(err, n, "'%.32s' is not a boolean (yes/no, true/false, 1/0)", v);
			return -EINVAL;
		}
		return 0;
	}
	if (!strcmp(key, "metrics_file"))
		return set_abs_path(c->metrics_file, sizeof(c->metrics_file), key, v, err, n);
	if (!strcmp(key, "state_dir"))
		return set_abs_path(c->state_dir, sizeof(c->state_dir), key, v, err, n);
	if (!strcmp(key, "metrics_interval"))
		return set_uint(&c->metrics_interval, v, 1, 3600, err, n);
	if (!strcmp(key, "audit_source"))
		return set_audit_source(c, v, err, n);
	if (!strcmp(key, "erofs"))
		return set_erofs(c, v, err, n);
	if (!strcmp(key, "sinks"))
		return set_sinks(c, v, err, n);
	if (!strcmp(key, "rate_limit"))
		return set_uint(&c->rate_limit, v, 0, 1000000, err, n);
	if (!strcmp(key, "rate_burst"))
		return set_uint(&c->rate_burst, v, 0, 1000000, err, n);
	if (!strcmp(key, "ignore"))
		return filter_add_rule(&c->ignore, v, err, n) ? -EINVAL : 0;
	snprintf(err, n, "unknown key '%.64s'", key);
	return -ENOENT;
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

int config_parse_text(struct config *c, const char *text, const char *name, char *err, size_t n)
{
	char line[1024], why[256];
	const char *p = text;
	int lineno = 0, ret = 0;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char *s, *eq, *key, *val;

		lineno++;
		if (len >= sizeof(line)) {
			snprintf(err, n, "%s:%d: line too long", name, lineno);
			return -EINVAL;
		}
		memcpy(line, p, len);
		line[len] = '\0';
		p += len + (nl ? 1 : 0);

		s = trim(line);
		if (!*s || *s == '#')
			continue;
		eq = strchr(s, '=');
		if (!eq) {
			snprintf(err, n, "%s:%d: expected 'key = value'", name, lineno);
			return -EINVAL;
		}
		*eq = '\0';
		key = trim(s);
		val = trim(eq + 1);
		if (!*key) {
			snprintf(err, n, "%s:%d: missing key before '='", name, lineno);
			return -EINVAL;
		}
		ret = config_set(c, key, val, why, sizeof(why));
		if (ret) {
			snprintf(err, n, "%s:%d: %s%s%s", name, lineno, ret == -ENOENT ? "" : key,
				 ret == -ENOENT ? "" : ": ", why);
			return -EINVAL;
		}
	}
	return 0;
}

int config_load(struct config *c, const char *path, char *err, size_t n)
{
	return config_load_flags(c, path, 0, err, n);
}

/* The configuration file must be a regular file of root, not writable by others, not large. */
static int check_file(int fd, const char *path, char *err, size_t n)
{
	struct stat st;
	int ret;

	if (fstat(fd, &st)) {
		ret = -errno;
		snprintf(err, n, "%s: %s", path, strerror(errno));
		return ret;
	}
	if (!S_ISREG(st.st_mode)) {
		ret = -EINVAL;
		snprintf(err, n, "%s: not a regular file", path);
		return ret;
	}
	if (st.st_uid != 0) {
		ret = -EPERM;
		snprintf(err, n, "%s: owned by uid %u, must be owned by root", path,
			 (unsigned)st.st_uid);
		return ret;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		ret = -EPERM;
		snprintf(err, n, "%s: writable by group or others (mode %04o); chmod go-w it", path,
			 (unsigned)(st.st_mode & 07777));
		return ret;
	}
	if (st.st_size > CONFIG_MAX_FILE) {
		ret = -EFBIG;
		snprintf(err, n, "%s: larger than %d bytes", path, CONFIG_MAX_FILE);
		return ret;
	}
	return 0;
}

/* Reads all of fd into buf (CONFIG_MAX_FILE + 1 bytes): -EFBIG if it holds more. */
static int read_capped(int fd, const char *path, char *buf, size_t *lenp, char *err, size_t n)
{
	size_t len = 0;
	int ret;

	for (;;) {
		ssize_t r = read(fd, buf + len, CONFIG_MAX_FILE + 1 - len);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			ret = -errno;
			snprintf(err, n, "%s: %s", path, strerror(errno));
			return ret;
		}
		if (r == 0)
			break;
		len += (size_t)r;
		if (len > CONFIG_MAX_FILE) {
			ret = -EFBIG;
			snprintf(err, n, "%s: larger than %d bytes", path, CONFIG_MAX_FILE);
			return ret;
		}
	}
	*lenp = len;
	return 0;
}

int config_load_flags(struct config *c, const char *path, unsigned flags, char *err, size_t n)
{
	char *buf = NULL;
	size_t len = 0;
	int fd, ret = 0;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		ret = -errno;
		if (errno == ENOENT && (flags & CONFIG_OPTIONAL))
			return 1;
		if (errno == ELOOP)
			snprintf(err, n, "%s: is a symbolic link (refused)", path);
		else
			snprintf(err, n, "%s: %s", path, strerror(errno));
		return ret;
	}
	ret = check_file(fd, path, err, n);
	if (ret)
		goto cleanup;
	buf = malloc(CONFIG_MAX_FILE + 1);
	if (!buf) {
		ret = -ENOMEM;
		snprintf(err, n, "%s: out of memory", path);
		goto cleanup;
	}
	ret = read_capped(fd, path, buf, &len, err, n);
	if (ret)
		goto cleanup;
	buf[len] = '\0';
	if (strlen(buf) != len) {
		ret = -EINVAL;
		snprintf(err, n, "%s: contains a NUL byte", path);
		goto cleanup;
	}
	ret = config_parse_text(c, buf, path, err, n);
cleanup:
	free(buf);
	close(fd);
	return ret;
}

int config_check(const char *path)
{
	struct config *c = malloc(sizeof(*c));
	char err[512];
	int ret = 0;

	if (!c) {
		fprintf(stderr, "epermd: out of memory\n");
		return EPERMD_EX_CONFIG;
	}
	config_defaults(c);
	if (config_load(c, path, err, sizeof(err)) || config_finish(c, false, err, sizeof(err))) {
		fprintf(stderr, "epermd: %s\n", err);
		ret = EPERMD_EX_CONFIG;
	} else {
		printf("%s: ok\n", path);
	}
	free(c);
	return ret;
}

int config_finish(struct config *c, bool under_systemd, char *err, size_t n)
{
	if (!c->sinks) {
		if (c->format < 0)
			c->format = under_systemd ? OUT_JOURNAL : OUT_TEXT;
		c->sinks = 1u << c->format;
	}
	if ((c->sinks & (1u << OUT_JSON)) && (c->sinks & (1u << OUT_TEXT))) {
		snprintf(err, n, "sinks: json and text would both write to 'output'; choose one");
		return -EINVAL;
	}
	c->format = primary_format(c->sinks);
	return 0;
}

static bool rules_equal(const struct filter_rules *a, const struct filter_rules *b)
{
	if (a->n != b->n)
		return false;
	for (unsigned i = 0; i < a->n && i < FILTER_MAX_RULES; i++) {
		char x[FILTER_MAX_CONDS * (FILTER_VAL_LEN + 16)];
		char y[FILTER_MAX_CONDS * (FILTER_VAL_LEN + 16)];

		filter_rule_format(&a->r[i], x, sizeof(x));
		filter_rule_format(&b->r[i], y, sizeof(y));
		if (strcmp(x, y))
			return false;
	}
	return true;
}

int config_diff(const struct config *a, const struct config *b, bool restart, char *buf, size_t n)
{
	struct {
		const char *key;
		bool changed, restart;
	} k[] = {
	    {"sinks", a->sinks != b->sinks, true},
	    {"output", strcmp(a->output, b->output) != 0, true},
	    {"ring_size", a->ring_size != b->ring_size, true},
	    {"queue_size", a->queue_size != b->queue_size, true},
	    {"socket",
	     a->no_socket != b->no_socket || strcmp(a->socket, b->socket) != 0 ||
		 a->socket_set != b->socket_set,
	     true},
	    {"socket_group", strcmp(a->socket_group, b->socket_group) != 0, true},
	    {"tracepoint_only", a->tracepoint_only != b->tracepoint_only, true},
	    {"state_dir", strcmp(a->state_dir, b->state_dir) != 0, true},
	    {"audit_source", a->audit_source != b->audit_source, true},
	    {"erofs", a->erofs != b->erofs, true},
	    {"fold_window", a->fold_window != b->fold_window, false},
	    {"summary_interval", a->summary_interval != b->summary_interval, false},
	    {"rate_limit", a->rate_limit != b->rate_limit, false},
	    {"rate_burst", a->rate_burst != b->rate_burst, false},
	    {"ignore", !rules_equal(&a->ignore, &b->ignore), false},
	    {"metrics_file", strcmp(a->metrics_file, b->metrics_file) != 0, false},
	    {"metrics_interval", a->metrics_interval != b->metrics_interval, false},
	};
	size_t used = 0;
	int count = 0;

	if (n)
		buf[0] = '\0';
	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
		if (!k[i].changed || k[i].restart != restart)
			continue;
		count++;
		if (used < n)
			used += (size_t)snprintf(buf + used, n - used, "%s%s", used ? " " : "",
						 k[i].key);
	}
	return count;
}

void config_apply_live(struct config *dst, const struct config *src)
{
	dst->fold_window = src->fold_window;
	dst->summary_interval = src->summary_interval;
	dst->rate_limit = src->rate_limit;
	dst->rate_burst = src->rate_burst;
	dst->ignore = src->ignore;
	memcpy(dst->metrics_file, src->metrics_file, sizeof(dst->metrics_file));
	dst->metrics_interval = src->metrics_interval;
}

void config_policy(const struct config *c, struct filter_policy *p)
{
	p->ignore = c->ignore;
	p->rate_limit = c->rate_limit;
	p->rate_burst = c->rate_burst;
	p->fold_window = c->fold_window;
	p->summary_interval = c->summary_interval;
}
