// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

#define MAX_DEPTH 16

struct jp {
	const unsigned char *p, *end;
	char *out, *out_end;
};

static void ws(struct jp *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\r' || *j->p == '\n'))
		j->p++;
}

static int put(struct jp *j, const char *s, size_t n)
{
	if ((size_t)(j->out_end - j->out) < n)
		return -E2BIG;
	memcpy(j->out, s, n);
	j->out += n;
	return 0;
}

static int put_cp(struct jp *j, uint32_t cp)
{
	char b[4];
	size_t n;

	if (cp == 0 || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		cp = 0xfffd;
	if (cp < 0x80) {
		b[0] = cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = 0xc0 | (cp >> 6);
		b[1] = 0x80 | (cp & 0x3f);
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = 0xe0 | (cp >> 12);
		b[1] = 0x80 | ((cp >> 6) & 0x3f);
		b[2] = 0x80 | (cp & 0x3f);
		n = 3;
	} else {
		b[0] = 0xf0 | (cp >> 18);
		b[1] = 0x80 | ((cp >> 12) & 0x3f);
		b[2] = 0x80 | ((cp >> 6) & 0x3f);
		b[3] = 0x80 | (cp & 0x3f);
		n = 4;
	}
	return put(j, b, n);
}

static int hex4(struct jp *j, uint32_t *v)
{
	*v = 0;
	if (j->end - j->p < 4)
		return -EINVAL;
	for (int i = 0; i < 4; i++) {
		unsigned c = *j->p++;

		*v <<= 4;
		if (c >= '0' && c <= '9')
			*v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			*v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			*v |= c - 'A' + 10;
		else
			return -EINVAL;
	}
	return 0;
}

/* One raw (unescaped) UTF-8 sequence starting at j->p; invalid bytes become U+FFFD. */
static int raw_utf8(struct jp *j)
{
	const unsigned char *s = j->p;
	size_t left = j->end - s, n;
	uint32_t cp, min;

	if (s[0] < 0x80) {
		j->p++;
		return put(j, (const char *)s, 1);
	}
	if ((s[0] & 0xe0) == 0xc0)
		n = 2, cp = s[0] & 0x1f, min = 0x80;
	else if ((s[0] & 0xf0) == 0xe0)
		n = 3, cp = s[0] & 0x0f, min = 0x800;
	else if ((s[0] & 0xf8) == 0xf0)
		n = 4, cp = s[0] & 0x07, min = 0x10000;
	else
		goto bad;
	if (left < n)
		goto bad;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			goto bad;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if (cp < min)
		goto bad;
	j->p += n;
	return put_cp(j, cp);
bad:
	j->p++;
	return put_cp(j, 0xfffd);
}

/* The character of a one-letter escape at j->p (after the backslash). */
static int escape_one(struct jp *j)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *k = *j->p ? strchr(from, *j->p) : NULL;

	if (!k)
		return -EINVAL;
	j->p++;
	return put(j, &to[k - from], 1);
}

/* A \uXXXX escape after the 'u', with its low surrogate when a high one is followed by one. */
static int escape_u(struct jp *j)
{
	uint32_t cp, lo;
	int err;

	err = hex4(j, &cp);
	if (err)
		return err;
	if (cp >= 0xd800 && cp <= 0xdbff && j->end - j->p >= 6 && j->p[0] == '\\' &&
	    j->p[1] == 'u') {
		const unsigned char *save = j->p;

		j->p += 2;
		if (!hex4(j, &lo) && lo >= 0xdc00 && lo <= 0xdfff)
			cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
		else
			j->p = save;
	}
	return put_cp(j, cp);
}

/* Decodes a string at j->p (on the opening quote) into the arena; no NUL added. */
static int string_body(struct jp *j)
{
	int err;

	if (j->p >= j->end || *j->p != '"')
		return -EINVAL;
	j->p++;
	while (j->p < j->end && *j->p != '"') {
		if (*j->p != '\\') {
			err = raw_utf8(j);
			if (err)
				return err;
			continue;
		}
		if (++j->p >= j->end)
			return -EINVAL;
		if (*j->p == 'u') {
			j->p++;
			err = escape_u(j);
		} else {
			err = escape_one(j);
		}
		if (err)
			return err;
	}
	if (j->p >= j->end)
		return -EINVAL;
	j->p++;
	return 0;
}

static int scalar(struct jp *j)
{
	const unsigned char *s = j->p;

	if (j->p < j->end && *j->p == '"')
		return string_body(j);
	while (j->p < j->end && strchr("+-0123456789.eEtruefalsn", *j->p) && *j->p)
		j->p++;
	if (j->p == s)
		return -EINVAL;
	return put(j, (const char *)s, j->p - s);
}

/* After a member or an element: 1 at a ',' (another follows), 0 at @close (taken), else
 * -EINVAL. */
static int next_or_close(struct jp *j, unsigned char close)
{
	ws(j);
	if (j->p >= j->end)
		return -EINVAL;
	if (*j->p == ',') {
		j->p++;
		return 1;
	}
	return *j->p++ == close ? 0 : -EINVAL;
}

static int skip_value(struct jp *j, int depth)
{
	char *mark = j->out;
	int err = 0;

	if (depth > MAX_DEPTH)
		return -EINVAL;
	ws(j);
	if (j->p >= j->end)
		return -EINVAL;
	if (*j->p == '{' || *j->p == '[') {
		unsigned char close = *j->p == '{' ? '}' : ']';

		j->p++;
		ws(j);
		if (j->p < j->end && *j->p == close) {
			j->p++;
			return 0;
		}
		for (;;) {
			if (close == '}') {
				ws(j);
				err = string_body(j);
				j->out = mark;
				if (err)
					return err;
				ws(j);
				if (j->p >= j->end || *j->p++ != ':')
					return -EINVAL;
			}
			err = skip_value(j, depth + 1);
			if (!err)
				err = next_or_close(j, close);
			if (err <= 0)
				return err;
		}
	}
	err = scalar(j);
	j->out = mark;
	return err;
}

/* A member value: scalars as text, arrays joined with '\n', objects skipped (*skip = true). */
static int value(struct jp *j, bool *skip)
{
	bool first = true;
	int err;

	*skip = false;
	ws(j);
	if (j->p >= j->end)
		return -EINVAL;
	if (*j->p == '{') {
		*skip = true;
		return skip_value(j, 1);
	}
	if (*j->p != '[')
		return scalar(j);
	j->p++;
	ws(j);
	if (j->p < j->end && *j->p == ']') {
		j->p++;
		return 0;
	}
	for (;;) {
		ws(j);
		if (j->p < j->end && (*j->p == '{' || *j->p == '[')) {
			err = skip_value(j, 2);
		} else {
			if (!first && (err = put(j, "\n", 1)))
				return err;
			err = scalar(j);
			first = false;
		}
		if (!err)
			err = next_or_close(j, ']');
		if (err <= 0)
			return err;
	}
}

int jobj_parse(const char *line, size_t len, struct jobj *o)
{
	struct jp j = {.p = (const unsigned char *)line, .end = (const unsigned char *)line + len};
	char *key, *val;
	bool skip;
	int err;

	jobj_free(o);
	if (len > JOBJ_MAX_LINE)
		return -E2BIG;
	o->arena = malloc(len * 2 + 64);
	if (!o->arena)
		return -ENOMEM;
	j.out = o->arena;
	j.out_end = o->arena + len * 2 + 64;
	ws(&j);
	if (j.p >= j.end || *j.p++ != '{') {
		err = -EINVAL;
		goto cleanup;
	}
	ws(&j);
	if (j.p < j.end && *j.p == '}') {
		j.p++;
		goto done;
	}
	for (;;) {
		ws(&j);
		key = j.out;
		err = string_body(&j);
		if (!err)
			err = put(&j, "", 1);
		if (err)
			goto cleanup;
		ws(&j);
		if (j.p >= j.end || *j.p++ != ':') {
			err = -EINVAL;
			goto cleanup;
		}
		val = j.out;
		err = value(&j, &skip);
		if (!err)
			err = put(&j, "", 1);
		if (err)
			goto cleanup;
		if (skip)
			j.out = key;
		else if (o->n < JOBJ_MAX_FIELDS)
			o->f[o->n++] = (struct jfield){key, val};
		ws(&j);
		if (j.p >= j.end) {
			err = -EINVAL;
			goto cleanup;
		}
		if (*j.p == ',') {
			j.p++;
			continue;
		}
		if (*j.p++ != '}') {
			err = -EINVAL;
			goto cleanup;
		}
		break;
	}
done:
	ws(&j);
	if (j.p != j.end) {
		err = -EINVAL;
		goto cleanup;
	}
	return 0;
cleanup:
	jobj_free(o);
	return err;
}

const char *jobj_get(const struct jobj *o, const char *key)
{
	for (int i = 0; i < o->n; i++)
		if (!strcmp(o->f[i].key, key))
			return o->f[i].val;
	return NULL;
}

const char *jobj_str(const struct jobj *o, const char *key)
{
	const char *v = jobj_get(o, key);

	return v ? v : "";
}

double jobj_num(const struct jobj *o, const char *key, double def)
{
	const char *v = jobj_get(o, key);
	char *end;
	double d;

	if (!v || !*v)
		return def;
	d = strtod(v, &end);
	return *end ? def : d;
}

void jobj_free(struct jobj *o)
{
	free(o->arena);
	o->arena = NULL;
	o->n = 0;
}

void jobj_move(struct jobj *dst, struct jobj *src)
{
	jobj_free(dst);
	*dst = *src;
	src->arena = NULL;
	src->n = 0;
}
