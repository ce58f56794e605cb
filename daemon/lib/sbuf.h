/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A bounded string builder over a caller's buffer. Appends never overrun: the first one that
 * does not fit marks the builder "over" and every later append is a no-op, so a caller builds the
 * whole record and checks once. The buffer is always NUL-terminated.
 */
#ifndef EPERMD_SBUF_H
#define EPERMD_SBUF_H

#include <stdbool.h>
#include <stddef.h>

struct sbuf {
	char *p;
	size_t n;
	size_t len;
	bool over;
};

/* n may be 0 (then the builder is over at once) */
void sb_init(struct sbuf *b, char *buf, size_t n);
void sb_raw(struct sbuf *b, const char *s, size_t len);
void sb_puts(struct sbuf *b, const char *s);
void sb_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* s through an escaper with snprintf's contract (escape.h) */
void sb_esc(struct sbuf *b, const char *s, size_t (*esc)(char *, size_t, const char *));
/* the length, or -ENOSPC when something did not fit */
int sb_result(const struct sbuf *b);

#endif
