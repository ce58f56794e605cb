// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <langinfo.h>
#include <ncurses.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>

#include "term.h"

static int utf8_locale = -1;
static bool colors;
static bool active;

static bool is_utf8(void)
{
	if (utf8_locale < 0) {
		const char *cs = nl_langinfo(CODESET);

		utf8_locale =
		    MB_CUR_MAX > 1 && cs && (!strcasecmp(cs, "UTF-8") || !strcasecmp(cs, "utf8"));
	}
	return utf8_locale;
}

static bool dangerous_cp(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9f) ||	 /* C1 controls: 0x9b is CSI */
	       (cp >= 0x200b && cp <= 0x200f) || /* zero width, LRM/RLM */
	       (cp >= 0x2028 && cp <= 0x202e) || /* separators, bidi embeddings/overrides */
	       (cp >= 0x2060 && cp <= 0x2069) || /* word joiner, bidi isolates */
	       cp == 0x061c || cp == 0xfeff || (cp >= 0xfff9 && cp <= 0xfffb);
}

/* Decodes one strict UTF-8 sequence; returns its length, 0 when invalid. */
static size_t utf8_dec(const unsigned char *s, uint32_t *cp)
{
	size_t n;
	uint32_t min;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0) {
		n = 2;
		*cp = s[0] & 0x1f;
		min = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3;
		*cp = s[0] & 0x0f;
		min = 0x800;
	} else if ((s[0] & 0xf8) == 0xf0) {
		n = 4;
		*cp = s[0] & 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		*cp = (*cp << 6) | (s[i] & 0x3f);
	}
	if (*cp < min || *cp > 0x10ffff || (*cp >= 0xd800 && *cp <= 0xdfff))
		return 0;
	return n;
}

size_t term_escape(char *dst, size_t n, const char *src)
{
	const unsigned char *s = (const unsigned char *)(src ? src : "");
	size_t len = 0;

	if (!n)
		return 0;
	while (*s) {
		char piece[16];
		size_t pl, k;
		uint32_t cp;

		k = utf8_dec(s, &cp);
		if (!k) {
			pl = snprintf(piece, sizeof(piece), "\\x%02x", s[0]);
			k = 1;
		} else if (cp < 0x20 || cp == 0x7f) {
			pl = snprintf(piece, sizeof(piece), "\\x%02x", (unsigned)cp);
		} else if (cp == '\\') {
			pl = snprintf(piece, sizeof(piece), "\\\\");
		} else if (cp >= 0x80 &&
			   (!is_utf8() || dangerous_cp(cp) || wcwidth((wchar_t)cp) < 0)) {
			pl = snprintf(piece, sizeof(piece), "\\u{%04x}", (unsigned)cp);
		} else {
			memcpy(piece, s, k);
			pl = k;
		}
		if (len + pl + 1 > n)
			break;
		memcpy(dst + len, piece, pl);
		len += pl;
		s += k;
	}
	dst[len] = '\0';
	return len;
}

int term_width(const char *s)
{
	wchar_t w[1024];
	size_t n = mbstowcs(w, s, 1023);
	int width = 0;

	if (n == (size_t)-1)
		return (int)strlen(s);
	for (size_t i = 0; i < n; i++) {
		int cw = wcwidth(w[i]);

		width += cw > 0 ? cw : 0;
	}
	return width;
}

int term_init(void)
{
	if (!newterm(NULL, stdout, stdin))
		return -ENOTTY;
	active = true;
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	colors = has_colors() && !getenv("NO_COLOR");
	if (colors && start_color() == OK) {
		use_default_colors();
		init_pair(CL_HEADER, COLOR_CYAN, -1);
		init_pair(CL_TITLE, COLOR_BLACK, COLOR_GREEN);
		init_pair(CL_SELECT, COLOR_BLACK, COLOR_CYAN);
		init_pair(CL_WARN, COLOR_YELLOW, -1);
		init_pair(CL_DIM, COLOR_BLUE, -1);
		init_pair(CL_CAUSE_CAP, COLOR_RED, -1);
		init_pair(CL_CAUSE_DAC, COLOR_YELLOW, -1);
		init_pair(CL_CAUSE_LSM, COLOR_MAGENTA, -1);
		init_pair(CL_CAUSE_SECCOMP, COLOR_BLUE, -1);
		init_pair(CL_CAUSE_OTHER, COLOR_GREEN, -1);
	} else {
		colors = false;
	}
	return 0;
}

void term_fini(void)
{
	if (!active)
		return;
	endwin();
	active = false;
}

bool term_colors(void)
{
	return colors;
}

int term_attr(enum color c)
{
	if (c == CL_NORMAL)
		return A_NORMAL;
	if (colors)
		return COLOR_PAIR(c) | (c == CL_HEADER || c == CL_WARN ? A_BOLD : 0);
	switch (c) {
	case CL_TITLE:
	case CL_SELECT:
		return A_REVERSE;
	case CL_HEADER:
	case CL_WARN:
		return A_BOLD;
	default:
		return A_NORMAL;
	}
}

void term_put_escaped(int y, int x, int width, const char *esc, int attr)
{
	wchar_t w[1024];
	size_t n = mbstowcs(w, esc, 1023);
	int used = 0;

	if (width <= 0)
		return;
	if (n == (size_t)-1)
		n = 0; /* cannot happen: esc is valid in this locale */
	attron(attr);
	move(y, x);
	for (size_t i = 0; i < n; i++) {
		int cw = wcwidth(w[i]);

		if (cw < 0)
			continue;
		if (used + cw > width)
			break;
		addnwstr(&w[i], 1);
		used += cw;
	}
	for (; used < width; used++)
		addch(' ');
	attroff(attr);
}

void term_put(int y, int x, int width, const char *src, int attr)
{
	char esc[2048];

	term_escape(esc, sizeof(esc), src);
	term_put_escaped(y, x, width, esc, attr);
}

void term_printf(int y, int x, int width, int attr, const char *fmt, ...)
{
	char raw[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	term_put(y, x, width, raw, attr);
}

int term_getkey(void)
{
	return getch();
}

void term_cell(char *out, size_t n, const char *esc, int width, bool pad)
{
	mbstate_t st = {0};
	size_t len = 0, left = strlen(esc);
	const char *p = esc;
	int used = 0;

	while (left && width > used) {
		wchar_t wc;
		size_t k = mbrtowc(&wc, p, left, &st);
		int cw;

		if (k == (size_t)-1 || k == (size_t)-2 || k == 0)
			break;
		cw = wcwidth(wc);
		if (cw < 0)
			cw = 0;
		if (used + cw > width || len + k + 1 > n)
			break;
		memcpy(out + len, p, k);
		len += k;
		used += cw;
		p += k;
		left -= k;
	}
	while (pad && used < width && len + 2 <= n) {
		out[len++] = ' ';
		used++;
	}
	out[len] = '\0';
}
