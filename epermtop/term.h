/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The terminal: curses setup, colours, safe drawing of hostile strings, keys and prompts. */
#ifndef EPERMTOP_TERM_H
#define EPERMTOP_TERM_H

#include <stdbool.h>
#include <stddef.h>

enum color {
	CL_NORMAL = 0,
	CL_HEADER,
	CL_TITLE, /* the table's column titles */
	CL_SELECT,
	CL_WARN,
	CL_DIM,
	CL_CAUSE_CAP,
	CL_CAUSE_DAC,
	CL_CAUSE_LSM,
	CL_CAUSE_SECCOMP,
	CL_CAUSE_OTHER,
	CL__MAX,
};

#define KEY_ESCAPE 27

/* Every string from the daemon goes through this before any output: control bytes, C1 controls,
 * bidi overrides and invalid UTF-8 become \xHH or \u{HHHH}, '\\' becomes "\\\\"; valid printable
 * UTF-8 passes only in a UTF-8 locale. Always NUL-terminates; returns the length written. */
size_t term_escape(char *dst, size_t n, const char *src);

int term_init(void); /* 0 or -errno (no terminal) */
void term_fini(void);
bool term_colors(void);
int term_attr(enum color c); /* attribute for c (colour pair or bold/reverse) */
/* Draw src (already hostile-escaped by this function) at (y, x) in exactly width columns,
 * truncating or padding. */
void term_put(int y, int x, int width, const char *src, int attr);
/* The same for trusted text we generate ourselves (escaped anyway). */
void term_printf(int y, int x, int width, int attr, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Draw text that already went through term_escape(). */
void term_put_escaped(int y, int x, int width, const char *esc, int attr);
/* Copy at most width columns of an escaped string into out, padded with spaces when pad. */
void term_cell(char *out, size_t n, const char *esc, int width, bool pad);
/* Width in columns of an escaped string. */
int term_width(const char *s);
int term_getkey(void); /* ERR when none */

#endif
