/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* A tiny JSON Lines reader for the daemon's flat objects: strings, numbers, literals and arrays
 * (joined with '\n'). Nested objects are skipped. Input is hostile: lengths and depth are bounded
 * and decoded strings are valid UTF-8 without NULs (they can still hold control bytes: escape
 * before display). */
#ifndef EPERMTOP_JSON_H
#define EPERMTOP_JSON_H

#include <stddef.h>
#include <stdint.h>

#define JOBJ_MAX_FIELDS 96
#define JOBJ_MAX_LINE	(1 << 20)

struct jfield {
	const char *key;
	const char *val;
};

struct jobj {
	struct jfield f[JOBJ_MAX_FIELDS];
	int n;
	char *arena; /* owns every key and value */
};

/* 0, or -EINVAL for malformed input, -E2BIG for too long, -ENOMEM. o is reset first and left
 * empty on error; jobj_free() it either way. */
int jobj_parse(const char *line, size_t len, struct jobj *o);
const char *jobj_get(const struct jobj *o, const char *key); /* NULL when absent */
const char *jobj_str(const struct jobj *o, const char *key); /* "" when absent */
/* Numeric value; def when absent or not a number. */
double jobj_num(const struct jobj *o, const char *key, double def);
void jobj_free(struct jobj *o);
void jobj_move(struct jobj *dst, struct jobj *src); /* dst freed, src left empty */

#endif
