/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A small JSON writer on an sbuf: compact output (no blanks), commas placed by the writer,
 * string values escaped with json_escape() (escape.h), so hostile text can never break a
 * record. Keys are the program's own lower_snake_case names and are written as they are.
 * Used by the record encoders, the daemon's stats and features lines, the socket and epermtop.
 *
 *	jw_obj(&w);  jw_kstr(&w, "type", "stats");  jw_ku64(&w, "n", 3);  jw_end(&w);
 *
 * gives {"type":"stats","n":3}. Nesting is bounded (JW_DEPTH); deeper or unbalanced use marks
 * the buffer over, like running out of room: sb_result() then says -ENOSPC.
 */
#ifndef EPERMD_JSONW_H
#define EPERMD_JSONW_H

#include <stdbool.h>
#include <stdint.h>

#include "sbuf.h"

#define JW_DEPTH 16

struct jw {
	struct sbuf *b;
	unsigned depth;
	bool after_key;		   /* the next value completes a member: no comma */
	bool items[JW_DEPTH + 1];  /* the container at each depth has an item already */
	char closer[JW_DEPTH + 1]; /* '}' or ']' */
};

void jw_init(struct jw *w, struct sbuf *b);
void jw_obj(struct jw *w); /* a value: '{' */
void jw_arr(struct jw *w); /* a value: '[' */
void jw_end(struct jw *w); /* closes the innermost object or array */
void jw_key(struct jw *w, const char *key);
void jw_key_esc(struct jw *w, const char *key); /* a key from elsewhere: escaped like a value */
void jw_str(struct jw *w, const char *s);	/* NULL writes "" */
void jw_u64(struct jw *w, uint64_t v);
void jw_i64(struct jw *w, int64_t v);
void jw_bool(struct jw *w, bool v);
/* members: key and value */
void jw_kstr(struct jw *w, const char *key, const char *s);
void jw_kstr_opt(struct jw *w, const char *key, const char *s); /* left out when NULL or "" */
void jw_ku64(struct jw *w, const char *key, uint64_t v);
void jw_ki64(struct jw *w, const char *key, int64_t v);
void jw_kbool(struct jw *w, const char *key, bool v);

#endif
