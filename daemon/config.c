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

void config_defaults(struct config *c)
{
	memset(c, 0, sizeof(*c));
	c->format = -1;
	c->queue_size = 4096;
	c->fold_window = 60;
	c->summary_interval = 10;
	c->metrics_interval = 15;
}

int config_parse_uint(const char *s, unsigned long long max, unsigned long long *out)
{
	unsigned long long v;
	char *end;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end)
		return -EINVAL;
	if (v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int config_parse_size(const char *s, size_t *out)
{
	unsigned long long v, mul = 1;
	char *end;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -ERANGE;
	switch (*end) {
	case '\0':
		break;
	case 'k':
	case 'K':
		mul = 1ULL << 10;
		end++;
		break;
	case 'm':
	case 'M':
		mul = 1ULL << 20;
		end++;
		break;
	case 'g':
	case 'G':
		mul = 1ULL << 30;
		end++;
		break;
	default:
		return -EINVAL;
	}
	if (*end)
		return -EINVAL;
	if (v > (1ULL << 30) / mul)
		return -ERANGE;
	*out = v * mul;
	return 0;
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

static int set_audit_source(struct config *c, const char *v, char *err, size_t n)
{
	static const char *const names[] = {
	    [CONFIG_AUDIT_AUTO] = "auto",	[CONFIG_AUDIT_NETLINK] = "netlink",
	    [CONFIG_AUDIT_JOURNAL] = "journal", [CONFIG_AUDIT_KMSG] = "kmsg",
	    [CONFIG_AUDIT_OFF] = "off",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcmp(v, names[i])) {
			c->audit_source = (int)i;
			return 0;
		}
	}
	snprintf(err, n, "unknown audit source '%.32s' (auto, netlink, journal, kmsg or off)", v);
	return -EINVAL;
}

int config_set(struct config *c, const char *key, const char *v, char *err, size_t n)
{
	int err_ = 0;

	if (!strcmp(key, "format"))
		return set_format(c, v, err, n);
	if (!strcmp(key, "output"))
		return set_string(c->output, sizeof(c->output), v, err, n);
	if (!strcmp(key, "ring_size")) {
		size_t sz;

		err_ = config_parse_size(v, &sz);
		if (err_) {
			snprintf(err, n, "'%.32s' is not a size (bytes, or with a K/M/G suffix)",
				 v);
			return -EINVAL;
		}
		if (sz < 4096 || (sz & (sz - 1))) {
			snprintf(err, n, "%zu is not a power of two of at least 4096", sz);
			return -EINVAL;
		}
		c->ring_size = sz;
		return 0;
	}
	if (!strcmp(key, "queue_size"))
		return set_uint(&c->queue_size, v, 16, 1u << 20, err, n);
	if (!strcmp(key, "fold_window"))
		return set_uint(&c->fold_window, v, 0, 86400, err, n);
	if (!strcmp(key, "summary_interval"))
		return set_uint(&c->summary_interval, v, 1, 86400, err, n);
	if (!strcmp(key, "socket")) {
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
		err_ = set_string(c->socket, sizeof(c->socket), v, err, n);
		if (!err_) {
			c->socket_set = true;
			c->no_socket = false;
		}
		return err_;
	}
	if (!strcmp(key, "socket_group")) {
		err_ = set_string(c->socket_group, sizeof(c->socket_group), v, err, n);
		if (!err_ && *v && !getgrnam(v)) {
			snprintf(err, n, "group '%.32s' does not exist", v);
			return -EINVAL;
		}
		return err_;
	}
	if (!strcmp(key, "tracepoint_only")) {
		if (parse_bool(v, &c->tracepoint_only)) {
			snprintf(err, n, "'%.32s' is not a boolean (yes/no, true/false, 1/0)", v);
			return -EINVAL;
		}
		return 0;
	}
	if (!strcmp(key, "metrics_file") || !strcmp(key, "state_dir")) {
		bool m = key[0] == 'm';

		if (*v && v[0] != '/') {
			snprintf(err, n, "%s must be an absolute path", key);
			return -EINVAL;
		}
		return m ? set_string(c->metrics_file, sizeof(c->metrics_file), v, err, n)
			 : set_string(c->state_dir, sizeof(c->state_dir), v, err, n);
	}
	if (!strcmp(key, "metrics_interval"))
		return set_uint(&c->metrics_interval, v, 1, 3600, err, n);
	if (!strcmp(key, "audit_source"))
		return set_audit_source(c, v, err, n);
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
	char *buf = NULL;
	struct stat st;
	size_t len = 0;
	int fd, ret = 0;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		ret = -errno;
		if (errno == ELOOP)
			snprintf(err, n, "%s: is a symbolic link (refused)", path);
		else
			snprintf(err, n, "%s: %s", path, strerror(errno));
		return ret;
	}
	if (fstat(fd, &st)) {
		ret = -errno;
		snprintf(err, n, "%s: %s", path, strerror(errno));
		goto cleanup;
	}
	if (!S_ISREG(st.st_mode)) {
		ret = -EINVAL;
		snprintf(err, n, "%s: not a regular file", path);
		goto cleanup;
	}
	if (st.st_uid != 0) {
		ret = -EPERM;
		snprintf(err, n, "%s: owned by uid %u, must be owned by root", path,
			 (unsigned)st.st_uid);
		goto cleanup;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		ret = -EPERM;
		snprintf(err, n, "%s: writable by group or others (mode %04o); chmod go-w it", path,
			 (unsigned)(st.st_mode & 07777));
		goto cleanup;
	}
	if (st.st_size > CONFIG_MAX_FILE) {
		ret = -EFBIG;
		snprintf(err, n, "%s: larger than %d bytes", path, CONFIG_MAX_FILE);
		goto cleanup;
	}
	buf = malloc(CONFIG_MAX_FILE + 1);
	if (!buf) {
		ret = -ENOMEM;
		snprintf(err, n, "%s: out of memory", path);
		goto cleanup;
	}
	for (;;) {
		ssize_t r = read(fd, buf + len, CONFIG_MAX_FILE + 1 - len);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			ret = -errno;
			snprintf(err, n, "%s: %s", path, strerror(errno));
			goto cleanup;
		}
		if (r == 0)
			break;
		len += (size_t)r;
		if (len > CONFIG_MAX_FILE) {
			ret = -EFBIG;
			snprintf(err, n, "%s: larger than %d bytes", path, CONFIG_MAX_FILE);
			goto cleanup;
		}
	}
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
	struct config c;
	char err[512];

	config_defaults(&c);
	if (config_load(&c, path, err, sizeof(err))) {
		fprintf(stderr, "epermd: %s\n", err);
		return EPERMD_EX_CONFIG;
	}
	return 0;
}
