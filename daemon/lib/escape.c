// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Escaping of hostile strings. Both escapers walk the input one unit at a time (a byte, or one
 * whole valid UTF-8 sequence) and copy a unit only when all of it fits, so a truncated result
 * never ends in half an escape or half a character.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "escape.h"

struct esc_out {
	char *dst;
	size_t n;
	size_t pos;  /* bytes written */
	size_t need; /* bytes the whole output needs */
	bool full;   /* a unit did not fit: write nothing more */
};

static void esc_put(struct esc_out *o, const char *s, size_t len)
{
	o->need += len;
	if (o->full)
		return;
	if (o->pos + len >= o->n) {
		o->full = true;
		return;
	}
	memcpy(o->dst + o->pos, s, len);
	o->pos += len;
}

static size_t esc_end(struct esc_out *o)
{
	if (o->n)
		o->dst[o->pos] = '\0';
	return o->need;
}

/*
 * Length of the well-formed UTF-8 sequence at s (RFC 3629: no overlong forms, no surrogates,
 * nothing above U+10FFFF), 0 if the byte at s does not start one. *cp gets the code point.
 */
static size_t utf8_seq(const unsigned char *s, uint32_t *cp)
{
	unsigned char c = s[0];
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len;
	uint32_t v;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		v = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		v = c & 0x0f;
		if (c == 0xe0)
			lo = 0xa0; /* overlong */
		else if (c == 0xed)
			hi = 0x9f; /* UTF-16 surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		v = c & 0x07;
		if (c == 0xf0)
			lo = 0x90; /* overlong */
		else if (c == 0xf4)
			hi = 0x8f; /* above U+10FFFF */
	} else {
		return 0; /* a continuation byte, 0xc0/0xc1 (overlong) or 0xf5..0xff */
	}
	for (size_t i = 1; i < len; i++) {
		unsigned char b = s[i]; /* a NUL stops here: it is never a continuation */

		if (b < lo || b > hi)
			return 0;
		lo = 0x80;
		hi = 0xbf;
		v = (v << 6) | (b & 0x3f);
	}
	*cp = v;
	return len;
}

static const char hexdig[] = "0123456789abcdef";

size_t json_escape(char *dst, size_t n, const char *src)
{
	struct esc_out o = {.dst = dst, .n = n};
	const unsigned char *s = (const unsigned char *)(src ? src : "");

	while (*s) {
		uint32_t cp;
		size_t len = utf8_seq(s, &cp);
		char u[6] = {'\\', 'u', '0', '0', 0, 0};

		if (len == 0 || cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f)) {
			/* invalid bytes are escaped one by one as \u00XX of the byte value;
			 * controls (C0, DEL, C1) as their code point, which is < 0x100 too */
			unsigned v = len ? cp : *s;

			u[4] = hexdig[v >> 4];
			u[5] = hexdig[v & 0xf];
			esc_put(&o, u, sizeof(u));
			s += len ? len : 1;
		} else if (cp == '"' || cp == '\\') {
			u[1] = (char)cp;
			esc_put(&o, u, 2);
			s++;
		} else {
			esc_put(&o, (const char *)s, len);
			s += len;
		}
	}
	return esc_end(&o);
}

/* Code points that reorder or hide text on a terminal ("Trojan Source") or separate lines. */
static bool text_unsafe_cp(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || (cp >= 0x200b && cp <= 0x200f) ||
	       (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0xfeff;
}

static size_t text_escape_mode(char *dst, size_t n, const char *src, bool quotes)
{
	struct esc_out o = {.dst = dst, .n = n};
	const unsigned char *s = (const unsigned char *)(src ? src : "");

	while (*s) {
		uint32_t cp;
		size_t len = utf8_seq(s, &cp);

		if (quotes && len == 1 && cp == '\\') {
			esc_put(&o, "\\\\", 2);
		} else if (quotes && len == 1 && cp == '\'') {
			esc_put(&o, "\\'", 2);
		} else if (len == 1 && cp >= 0x20 && cp < 0x7f) {
			esc_put(&o, (const char *)s, 1);
		} else if (len > 1 && !text_unsafe_cp(cp)) {
			esc_put(&o, (const char *)s, len);
		} else {
			/* controls, unsafe code points and invalid bytes: every byte as \xHH */
			size_t k = len ? len : 1;
			char x[4 * 4];

			for (size_t i = 0; i < k; i++) {
				x[4 * i] = '\\';
				x[4 * i + 1] = 'x';
				x[4 * i + 2] = hexdig[s[i] >> 4];
				x[4 * i + 3] = hexdig[s[i] & 0xf];
			}
			esc_put(&o, x, 4 * k);
		}
		s += len ? len : 1;
	}
	return esc_end(&o);
}

size_t text_escape(char *dst, size_t n, const char *src)
{
	return text_escape_mode(dst, n, src, true);
}

size_t text_escape_cmd(char *dst, size_t n, const char *src)
{
	return text_escape_mode(dst, n, src, false);
}
