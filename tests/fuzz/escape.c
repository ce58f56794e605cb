// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The escaping functions (daemon/lib/escape.c) and the three record writers that use them
 * (output.c). Input: a hostile string (to the first NUL); byte 0 sizes a short buffer.
 * Properties:
 *  - json_escape/text_escape/text_escape_cmd output is valid UTF-8 with no raw C0 control byte,
 *    the text forms also no DEL, C1 or bidi/invisible format character; always terminated, and
 * returns the length it needed (a short buffer gets a prefix of the full output);
 *  - JSON output read back with epermtop's reader gives the original string (valid UTF-8 in);
 *  - a denial carrying the string in every text field makes a journal record of NAME=value
 *    lines with as many lines as the same denial with a tame string (a value never splits a
 *    record), JSON that parses back to the same path, and text with as many lines. */
#include "escape.h"
#include "fuzz.h"
#include "json.h"
#include "output.h"

/* text: no C0, DEL, C1 or format character; JSON (!text): valid UTF-8 without C0 */
static void check_clean(const char *s, size_t n, int text)
{
	const unsigned char *u = (const unsigned char *)s;

	FUZZ_CHECK(fuzz_utf8_valid(s, n));
	for (size_t i = 0; i < n; i++) {
		FUZZ_CHECK(u[i] >= 0x20);
		if (!text)
			continue;
		FUZZ_CHECK(u[i] != 0x7f);
		FUZZ_CHECK(!(u[i] == 0xc2 && i + 1 < n && u[i + 1] < 0xa0)); /* C1 */
		if (u[i] == 0xe2 && i + 2 < n) {
			unsigned cp =
			    ((u[i] & 0x0fu) << 12) | ((u[i + 1] & 0x3fu) << 6) | (u[i + 2] & 0x3fu);

			FUZZ_CHECK(!(cp >= 0x200b && cp <= 0x200f) &&
				   !(cp >= 0x2028 && cp <= 0x202e) &&
				   !(cp >= 0x2066 && cp <= 0x2069));
		}
		FUZZ_CHECK(!(u[i] == 0xef && i + 2 < n && u[i + 1] == 0xbb && u[i + 2] == 0xbf));
	}
}

typedef size_t (*esc_fn)(char *, size_t, const char *);

static char *escape_all(esc_fn fn, const char *s, size_t small)
{
	size_t need = fn(NULL, 0, s);
	char *out = malloc(need + 1), *part = malloc(small + 1);

	FUZZ_CHECK(out && part);
	FUZZ_CHECK(fn(out, need + 1, s) == need && strlen(out) == need);
	FUZZ_CHECK(fn(part, small, s) == need);
	if (small) {
		FUZZ_CHECK(strlen(part) < small);
		FUZZ_CHECK(!strncmp(part, out, strlen(part)));
	}
	free(part);
	return out;
}

static void json_roundtrip(const char *s)
{
	char *esc = escape_all(json_escape, s, 0), *line;
	size_t n = strlen(esc) + 16;
	struct jobj o = {0};

	check_clean(esc, strlen(esc), 0);
	line = malloc(n);
	FUZZ_CHECK(line);
	n = (size_t)snprintf(line, n, "{\"k\":\"%s\"}", esc);
	FUZZ_CHECK(jobj_parse(line, n, &o) == 0 || n > JOBJ_MAX_LINE);
	if (n <= JOBJ_MAX_LINE && fuzz_utf8_valid(s, strlen(s)))
		FUZZ_CHECK(jobj_get(&o, "k") && !strcmp(jobj_get(&o, "k"), s));
	jobj_free(&o);
	free(line);
	free(esc);
}

static void fill(struct denial *d, const char *s)
{
	memset(d, 0, sizeof(*d));
	d->ev.pid = 42;
	d->ev.syscall_nr = 257;
	d->ev.ret = -13;
	d->realtime_ns = 1795675814123456789ull;
	d->cause = EP_CAUSE_DAC;
	d->capability = -1;
	d->lsm = -1;
	snprintf(d->ev.comm, sizeof(d->ev.comm), "%s", s);
	snprintf(d->path, sizeof(d->path), "/tmp/%s", s);
	snprintf(d->proc.exe, sizeof(d->proc.exe), "%s", s);
	snprintf(d->proc.cmdline, sizeof(d->proc.cmdline), "%s", s);
	snprintf(d->proc.unit, sizeof(d->proc.unit), "%s", s);
	snprintf(d->lsm_detail, sizeof(d->lsm_detail), "%s", s);
	snprintf(d->diagnosis, sizeof(d->diagnosis), "cat cannot open %s", s);
	snprintf(d->fix, sizeof(d->fix), "chmod o+r %s", s);
	snprintf(d->validate, sizeof(d->validate), "cat %s", s);
	denial_add_evidence(d, "%s", s);
}

static int lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static void records(const char *s)
{
	static char buf[3][65536];
	struct denial *d = malloc(sizeof(*d));
	struct jobj o = {0};
	int len[3], tame[3];

	FUZZ_CHECK(d);
	fill(d, *s ? "x" : "");
	tame[0] = denial_to_journal(d, OUT_NEW, buf[0], sizeof(buf[0]));
	tame[1] = denial_to_text(d, OUT_NEW, buf[1], sizeof(buf[1]));
	FUZZ_CHECK(tame[0] > 0 && tame[1] > 0);
	tame[0] = lines(buf[0]);
	tame[1] = lines(buf[1]);
	fill(d, s);
	len[0] = denial_to_journal(d, OUT_NEW, buf[0], sizeof(buf[0]));
	len[1] = denial_to_text(d, OUT_NEW, buf[1], sizeof(buf[1]));
	len[2] = denial_to_json(d, OUT_NEW, buf[2], sizeof(buf[2]));
	FUZZ_CHECK(len[0] > 0 && len[1] > 0 && len[2] > 0);
	FUZZ_CHECK(lines(buf[0]) == tame[0]);
	for (char *l = buf[0]; *l; l = strchr(l, '\n') + 1) {
		size_t k = strspn(l, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");

		FUZZ_CHECK(k > 0 && l[k] == '=' && l[0] != '_');
		FUZZ_CHECK(strchr(l, '\n'));
	}
	FUZZ_CHECK(lines(buf[1]) == tame[1]);
	for (int i = 0; i < len[1]; i++)
		FUZZ_CHECK(((unsigned char)buf[1][i] >= 0x20 || buf[1][i] == '\n') &&
			   buf[1][i] != 0x7f);
	FUZZ_CHECK(!strchr(buf[2], '\n'));
	FUZZ_CHECK(jobj_parse(buf[2], (size_t)len[2], &o) == 0);
	if (fuzz_utf8_valid(d->path, strlen(d->path)))
		FUZZ_CHECK(!strcmp(jobj_str(&o, "path"), d->path));
	jobj_free(&o);
	free(d);
}

int fuzz_escape(const uint8_t *data, size_t size)
{
	char *s, *t;

	if (size < 1)
		return 0;
	s = fuzz_cstr(data + 1, size - 1);
	if (!s)
		return 0;
	json_roundtrip(s);
	t = escape_all(text_escape, s, data[0] % 64);
	check_clean(t, strlen(t), 1);
	for (char *q = strchr(t, '\''); q; q = strchr(q + 1, '\''))
		FUZZ_CHECK(q > t && q[-1] == '\\'); /* the text form quotes paths with ' */
	free(t);
	t = escape_all(text_escape_cmd, s, data[0] % 64);
	check_clean(t, strlen(t), 1);
	free(t);
	records(s);
	free(s);
	return 0;
}
FUZZ_ENTRY(fuzz_escape)
