// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The bounded string builder (sbuf.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sbuf.h"

void sb_init(struct sbuf *b, char *buf, size_t n)
{
	*b = (struct sbuf){.p = buf, .n = n, .over = n == 0};
	if (n)
		buf[0] = '\0';
}

void sb_raw(struct sbuf *b, const char *s, size_t len)
{
	if (b->over || b->len + len >= b->n) {
		b->over = true;
		return;
	}
	memcpy(b->p + b->len, s, len);
	b->len += len;
	b->p[b->len] = '\0';
}

void sb_puts(struct sbuf *b, const char *s)
{
	sb_raw(b, s, strlen(s));
}

void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	size_t avail = b->n - b->len;
	va_list ap;
	int r;

	if (b->over)
		return;
	va_start(ap, fmt);
	r = vsnprintf(b->p + b->len, avail, fmt, ap);
	va_end(ap);
	if (r < 0 || (size_t)r >= avail) {
		b->p[b->len] = '\0';
		b->over = true;
		return;
	}
	b->len += (size_t)r;
}

void sb_esc(struct sbuf *b, const char *s, size_t (*esc)(char *, size_t, const char *))
{
	size_t avail = b->n - b->len, need;

	if (b->over)
		return;
	need = esc(b->p + b->len, avail, s);
	if (need >= avail) {
		b->p[b->len] = '\0';
		b->over = true;
		return;
	}
	b->len += need;
}

int sb_result(const struct sbuf *b)
{
	return b->over ? -ENOSPC : (int)b->len;
}
