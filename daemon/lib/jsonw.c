// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The JSON writer (jsonw.h). */
#include <inttypes.h>

#include "escape.h"
#include "jsonw.h"

void jw_init(struct jw *w, struct sbuf *b)
{
	*w = (struct jw){.b = b};
}

/* before a value or a key: the comma that separates it from the previous item */
static void jw_sep(struct jw *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->items[w->depth])
		sb_raw(w->b, ",", 1);
	w->items[w->depth] = true;
}

static void jw_open(struct jw *w, char open, char close)
{
	jw_sep(w);
	if (w->depth >= JW_DEPTH) {
		w->b->over = true;
		return;
	}
	sb_raw(w->b, &open, 1);
	w->depth++;
	w->items[w->depth] = false;
	w->closer[w->depth] = close;
}

void jw_obj(struct jw *w)
{
	jw_open(w, '{', '}');
}

void jw_arr(struct jw *w)
{
	jw_open(w, '[', ']');
}

void jw_end(struct jw *w)
{
	if (!w->depth || w->after_key) {
		w->b->over = true;
		return;
	}
	sb_raw(w->b, &w->closer[w->depth], 1);
	w->depth--;
}

void jw_key(struct jw *w, const char *key)
{
	jw_sep(w);
	sb_raw(w->b, "\"", 1);
	sb_puts(w->b, key); /* the program's own name: not escaped (jsonw.h) */
	sb_raw(w->b, "\":", 2);
	w->after_key = true;
}

void jw_key_esc(struct jw *w, const char *key)
{
	jw_sep(w);
	sb_raw(w->b, "\"", 1);
	sb_esc(w->b, key, json_escape);
	sb_raw(w->b, "\":", 2);
	w->after_key = true;
}

void jw_str(struct jw *w, const char *s)
{
	jw_sep(w);
	sb_raw(w->b, "\"", 1);
	sb_esc(w->b, s ? s : "", json_escape);
	sb_raw(w->b, "\"", 1);
}

void jw_u64(struct jw *w, uint64_t v)
{
	jw_sep(w);
	sb_printf(w->b, "%" PRIu64, v);
}

void jw_i64(struct jw *w, int64_t v)
{
	jw_sep(w);
	sb_printf(w->b, "%" PRId64, v);
}

void jw_bool(struct jw *w, bool v)
{
	jw_sep(w);
	sb_puts(w->b, v ? "true" : "false");
}

void jw_kstr(struct jw *w, const char *key, const char *s)
{
	jw_key(w, key);
	jw_str(w, s);
}

void jw_kstr_opt(struct jw *w, const char *key, const char *s)
{
	if (s && *s)
		jw_kstr(w, key, s);
}

void jw_ku64(struct jw *w, const char *key, uint64_t v)
{
	jw_key(w, key);
	jw_u64(w, v);
}

void jw_ki64(struct jw *w, const char *key, int64_t v)
{
	jw_key(w, key);
	jw_i64(w, v);
}

void jw_kbool(struct jw *w, const char *key, bool v)
{
	jw_key(w, key);
	jw_bool(w, v);
}
