// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdbool.h>
#include <stdlib.h>

#include "escape.h"
#include "unit.h"

static const char *jesc(char *buf, size_t n, const char *s)
{
	json_escape(buf, n, s);
	return buf;
}

static const char *tesc(char *buf, size_t n, const char *s)
{
	text_escape(buf, n, s);
	return buf;
}

/* Well-formed UTF-8 with no control byte (C0, DEL) at all. */
static bool clean_utf8(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	while (*s) {
		int k = 0;

		if (*s < 0x20 || *s == 0x7f)
			return false;
		if (*s < 0x80) {
			s++;
			continue;
		}
		if (*s >= 0xc2 && *s <= 0xdf)
			k = 1;
		else if (*s >= 0xe0 && *s <= 0xef)
			k = 2;
		else if (*s >= 0xf0 && *s <= 0xf4)
			k = 3;
		else
			return false;
		for (int i = 1; i <= k; i++)
			if ((s[i] & 0xc0) != 0x80)
				return false;
		s += k + 1;
	}
	return true;
}

TEST(json_escape_basics)
{
	char b[256];

	CHECK_STR(jesc(b, sizeof(b), "a\nb"), "a\\u000ab");
	CHECK_STR(jesc(b, sizeof(b), "\x1b[2J"), "\\u001b[2J");
	CHECK_STR(jesc(b, sizeof(b), "say \"hi\" \\o/"), "say \\\"hi\\\" \\\\o/");
	CHECK_STR(jesc(b, sizeof(b), "tab\tdel\x7f"), "tab\\u0009del\\u007f");
	CHECK_STR(jesc(b, sizeof(b), ""), "");
	CHECK_STR(jesc(b, sizeof(b), NULL), "");
	/* valid UTF-8 passes: é, €, an emoji */
	CHECK_STR(jesc(b, sizeof(b), "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"),
		  "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
	/* C1 control (CSI as UTF-8) is escaped as its code point */
	CHECK_STR(jesc(b, sizeof(b),
		       "\xc2\x9b"
		       "2J"),
		  "\\u009b2J");
}

TEST(json_escape_invalid_utf8)
{
	char b[256];

	CHECK_STR(jesc(b, sizeof(b), "\xff\xc3\x28"), "\\u00ff\\u00c3(");
	/* overlong '/' in 2, 3 and 4 bytes */
	CHECK_STR(jesc(b, sizeof(b), "\xc0\xaf"), "\\u00c0\\u00af");
	CHECK_STR(jesc(b, sizeof(b), "\xe0\x80\xaf"), "\\u00e0\\u0080\\u00af");
	CHECK_STR(jesc(b, sizeof(b), "\xf0\x80\x80\xaf"), "\\u00f0\\u0080\\u0080\\u00af");
	/* a surrogate, above U+10FFFF, truncated sequences */
	CHECK_STR(jesc(b, sizeof(b), "\xed\xa0\x80"), "\\u00ed\\u00a0\\u0080");
	CHECK_STR(jesc(b, sizeof(b), "\xf4\x90\x80\x80"), "\\u00f4\\u0090\\u0080\\u0080");
	CHECK_STR(jesc(b, sizeof(b), "x\xe2\x82"), "x\\u00e2\\u0082");
	CHECK(clean_utf8(jesc(b, sizeof(b), "\xff\xfe\xc3\x28\xe2\x28\xa1")));
}

TEST(json_escape_truncation)
{
	char *big = malloc(4097), b[4096], full[8192];
	const char *mixed = "ab\n\"\xc3\xa9\xff\xf0\x9f\x98\x80\\\x1b[2Jz";
	size_t need;

	if (!big) {
		CHECK(0);
		return;
	}
	memset(big, 'a', 4096);
	big[4096] = '\0';
	memset(b, 'X', sizeof(b));
	need = json_escape(b, sizeof(b), big);
	CHECK(need == 4096);
	CHECK(strlen(b) == 4095);
	/* an escape that does not fit is left out whole */
	need = json_escape(b, 10, "a\nb");
	CHECK(need == 8);
	CHECK_STR(b, "a\\u000ab");
	need = json_escape(b, 8, "a\nb");
	CHECK(need == 8);
	CHECK_STR(b, "a\\u000a");
	json_escape(b, 6, "a\nb");
	CHECK_STR(b, "a");
	CHECK(json_escape(NULL, 0, "\n") == 6);
	/* every size yields a NUL-terminated prefix that ends on a unit boundary */
	need = json_escape(full, sizeof(full), mixed);
	for (size_t n = 1; n <= need + 1; n++) {
		size_t l;

		memset(b, 'X', sizeof(b));
		CHECK(json_escape(b, n, mixed) == need);
		l = strlen(b);
		CHECK(l < n);
		CHECK(strncmp(b, full, l) == 0);
		CHECK(clean_utf8(b));
		/* a unit boundary: the rest of the full output starts a new unit */
		CHECK(l == 0 || l == need || full[l] == '\\' || (unsigned char)full[l] < 0x80 ||
		      ((unsigned char)full[l] & 0xc0) == 0xc0);
		if (l >= 1 && b[l - 1] == '\\') {
			size_t bs = 0;

			for (size_t i = l; i > 0 && b[i - 1] == '\\'; i--)
				bs++;
			CHECK(bs % 2 == 0); /* never a dangling backslash */
		}
	}
	free(big);
}

TEST(text_escape_basics)
{
	char b[256];

	CHECK_STR(tesc(b, sizeof(b), "\x1b[2J"), "\\x1b[2J");
	CHECK_STR(tesc(b, sizeof(b), "a\nFAKE: root login"), "a\\x0aFAKE: root login");
	CHECK_STR(tesc(b, sizeof(b), "back\\slash"), "back\\\\slash");
	CHECK_STR(tesc(b, sizeof(b), "it's"), "it\\'s");
	CHECK_STR(tesc(b, sizeof(b), "\xff\xc3\x28"), "\\xff\\xc3(");
	CHECK_STR(tesc(b, sizeof(b), "\xc0\xaf"), "\\xc0\\xaf");
	CHECK_STR(tesc(b, sizeof(b), "caf\xc3\xa9"), "caf\xc3\xa9");
	/* C1 CSI and a right-to-left override are escaped byte by byte */
	CHECK_STR(tesc(b, sizeof(b), "\xc2\x9b"), "\\xc2\\x9b");
	CHECK_STR(tesc(b, sizeof(b),
		       "a\xe2\x80\xae"
		       "b"),
		  "a\\xe2\\x80\\xaeb");
	CHECK_STR(tesc(b, sizeof(b), "%n%s"), "%n%s");
	CHECK(text_escape(b, 5, "\x1b\x1b") == 8);
	CHECK_STR(b, "\\x1b");
}

TEST(escape_random_bytes)
{
	char in[64], j[64 * 6 + 1], t[64 * 4 + 1];
	unsigned seed = 12345;

	for (int it = 0; it < 20000; it++) {
		int len = (int)(rand_r(&seed) % 63);

		for (int i = 0; i < len; i++) {
			in[i] = (char)(rand_r(&seed) % 255 + 1);
		}
		in[len] = '\0';
		CHECK(json_escape(j, sizeof(j), in) < sizeof(j));
		CHECK(text_escape(t, sizeof(t), in) < sizeof(t));
		if (!clean_utf8(j) || !clean_utf8(t)) {
			CHECK(0);
			break;
		}
	}
}

TEST(text_escape_cmd_keeps_shell_quoting)
{
	char b[128];

	text_escape_cmd(b, sizeof(b), "chattr -i 'it'\\''s'\x1b");
	CHECK_STR(b, "chattr -i 'it'\\''s'\\x1b");
}
