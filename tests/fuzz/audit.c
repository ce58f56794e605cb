// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The audit record parser: netlink text, /dev/kmsg lines and journal entries
 * (daemon/enrich/audit_parse.c). Input: byte 0 picks the source, byte 1 the record type; the rest
 * is the record (netlink and kmsg: exactly that many bytes, no terminator, so a read past the end
 * is caught), a whole netlink datagram (header with a length that may lie, then the text) or, for
 * the journal, its fields separated by '\n' (_TRANSPORT, _AUDIT_TYPE, _AUDIT_ID,
 * _SOURCE_REALTIME_TIMESTAMP, _SOURCE_MONOTONIC_TIMESTAMP, MESSAGE). Property: an accepted
 * record's strings are terminated inside their fields and hold no control byte. */
#include <errno.h>

#include "audit_parse.h"
#include "fuzz.h"

static const int types[] = {1300, 1326, 1331, 1400, 1423, 1424, 1107, 1327, 0, 65535};

static void check_str(const char *s, size_t cap)
{
	size_t n = strnlen(s, cap);

	FUZZ_CHECK(n < cap);
	for (size_t i = 0; i < n; i++)
		FUZZ_CHECK((unsigned char)s[i] >= 0x20 && s[i] != 0x7f);
}

static void check_rec(int ret, const struct audit_rec *r)
{
	FUZZ_CHECK(ret == 0 || ret == -ENOENT || ret == -EINVAL);
	if (ret)
		return;
	check_str(r->comm, sizeof(r->comm));
	check_str(r->name, sizeof(r->name));
	check_str(r->key, sizeof(r->key));
	check_str(r->detail, sizeof(r->detail));
	check_str(r->rule, sizeof(r->rule));
	check_str(r->line, sizeof(r->line));
}

/* the next '\n'-separated field of [*p, end) as a new string; NULL when empty */
static char *next_field(const uint8_t **p, const uint8_t *end)
{
	const uint8_t *s = *p, *nl;

	if (s >= end)
		return NULL;
	nl = memchr(s, '\n', (size_t)(end - s));
	if (!nl)
		nl = end;
	*p = nl + 1;
	if (nl == s)
		return NULL;
	return fuzz_cstr(s, (size_t)(nl - s));
}

static void journal(const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size;
	char *f[6];
	struct audit_jentry e = {.realtime_us = 1700000000000000ull};
	struct audit_rec r;

	for (int i = 0; i < 6; i++)
		f[i] = next_field(&p, end);
	e.transport = f[0];
	e.type = f[1];
	e.id = f[2];
	e.source_rt = f[3];
	e.source_mono = f[4];
	e.message = f[5];
	check_rec(audit_parse_journal(&e, 12345, &r), &r);
	for (int i = 0; i < 6; i++)
		free(f[i]);
}

int fuzz_audit(const uint8_t *data, size_t size)
{
	struct audit_rec r;
	char *text;

	if (size < 2)
		return 0;
	if (data[0] % 4 == 2) {
		journal(data + 2, size - 2);
		return 0;
	}
	/* exactly size - 2 bytes: the parser must honour len */
	text = malloc(size - 2 ? size - 2 : 1);
	if (!text)
		return 0;
	memcpy(text, data + 2, size - 2);
	if (data[0] % 4 == 0) {
		check_rec(audit_parse_record(types[data[1] % 10], text, size - 2, &r), &r);
	} else if (data[0] % 4 == 3) {
		const char *rec;
		size_t len;
		int type;

		if (audit_nl_record(text, size - 2, &type, &rec, &len) == 0) {
			FUZZ_CHECK(rec >= text && rec + len <= text + (size - 2));
			check_rec(audit_parse_record(type, rec, len, &r), &r);
		}
	} else {
		check_rec(audit_parse_kmsg(text, size - 2, data[1] & 1, 1000, &r), &r);
	}
	free(text);
	return 0;
}
FUZZ_ENTRY(fuzz_audit)
