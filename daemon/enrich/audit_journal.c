// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The journal as an audit source (see audit_journal.h, docs/audit.md). Entries are read with
 * sd-journal from the tail on; every value is copied bounded and NUL-terminated before the
 * record parser sees it. journald tells readers about appends through inotify only after it
 * coalesced them (up to 250 ms), so the audit thread also calls ajournal_read() on a short
 * tick while a join waits: the file is mapped shared and new entries are visible at once.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-journal.h>
#include <time.h>

#include "audit_journal.h"
#include "audit_parse.h"

#define MSG_MAX 9216 /* the kernel's bound on one audit record, with room */

struct ajournal {
	sd_journal *j;
	bool has_audit;
	char msg[MSG_MAX];
};

/* copy FIELD's value into out (size n); false when the entry lacks it */
static bool get(sd_journal *j, const char *field, char *out, size_t n)
{
	size_t fl = strlen(field), l;
	const void *d;

	if (sd_journal_get_data(j, field, &d, &l) < 0 || l <= fl || ((const char *)d)[fl] != '=')
		return false;
	l -= fl + 1;
	if (l >= n)
		l = n - 1;
	memcpy(out, (const char *)d + fl + 1, l);
	out[l] = '\0';
	/* a NUL inside a (binary) value ends it: the parsers see text only */
	return true;
}

int ajournal_open(struct ajournal **out)
{
	struct ajournal *a = calloc(1, sizeof(*a));
	uint64_t bytes = 0;
	int err;

	*out = NULL;
	if (!a)
		return -ENOMEM;
	err = sd_journal_open(&a->j, SD_JOURNAL_LOCAL_ONLY | SD_JOURNAL_SYSTEM);
	if (err < 0)
		goto cleanup;
	/* sd_journal_open() succeeds without any file, and skips files it may not read */
	if (sd_journal_get_usage(a->j, &bytes) < 0 || !bytes) {
		err = -ENOENT;
		goto cleanup;
	}
	/* does journald collect audit at all? (only said in the status) */
	err = sd_journal_add_match(a->j, "_TRANSPORT=audit", 0);
	if (err < 0)
		goto cleanup;
	if (sd_journal_seek_tail(a->j) >= 0)
		a->has_audit = sd_journal_previous(a->j) > 0;
	sd_journal_flush_matches(a->j);
	/* audit records and kernel lines (Lockdown): one field, so the matches are OR'ed */
	err = sd_journal_add_match(a->j, "_TRANSPORT=audit", 0);
	if (err >= 0)
		err = sd_journal_add_match(a->j, "_TRANSPORT=kernel", 0);
	if (err >= 0)
		err = sd_journal_seek_tail(a->j);
	if (err < 0)
		goto cleanup;
	/* on the last matching entry: the next read returns only newer ones */
	sd_journal_previous(a->j);
	err = sd_journal_get_fd(a->j);
	if (err < 0)
		goto cleanup;
	*out = a;
	return 0;
cleanup:
	if (a->j)
		sd_journal_close(a->j);
	free(a);
	return err;
}

void ajournal_close(struct ajournal *a)
{
	if (!a)
		return;
	sd_journal_close(a->j);
	free(a);
}

int ajournal_fd(struct ajournal *a)
{
	return sd_journal_get_fd(a->j);
}

short ajournal_events(struct ajournal *a)
{
	int ev = sd_journal_get_events(a->j);

	return ev > 0 ? (short)ev : POLLIN;
}

int ajournal_timeout_ms(struct ajournal *a)
{
	uint64_t t = (uint64_t)-1, now;
	struct timespec ts;

	if (sd_journal_get_timeout(a->j, &t) < 0 || t == (uint64_t)-1)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (uint64_t)ts.tv_sec * 1000000ull + (uint64_t)ts.tv_nsec / 1000;
	if (t <= now)
		return 0;
	t = (t - now + 999) / 1000;
	return t > INT_MAX ? INT_MAX : (int)t;
}

bool ajournal_has_audit(const struct ajournal *a)
{
	return a->has_audit;
}

int ajournal_read(struct ajournal *a, unsigned max, int64_t mono_to_rt_ns, struct audit_join *to)
{
	char transport[16], type[16], id[24], srt[24], smono[24];
	struct audit_rec r;
	unsigned n = 0;
	int err;

	sd_journal_process(a->j); /* new, rotated or deleted files; the return is only a hint */
	while (n < max) {
		struct audit_jentry e = {0};

		err = sd_journal_next(a->j);
		if (err < 0)
			return err;
		if (!err)
			break;
		n++;
		if (!get(a->j, "_TRANSPORT", transport, sizeof(transport)) ||
		    !get(a->j, "MESSAGE", a->msg, sizeof(a->msg)))
			continue;
		e.transport = transport;
		e.message = a->msg;
		e.type = get(a->j, "_AUDIT_TYPE", type, sizeof(type)) ? type : NULL;
		e.id = get(a->j, "_AUDIT_ID", id, sizeof(id)) ? id : NULL;
		e.source_rt =
		    get(a->j, "_SOURCE_REALTIME_TIMESTAMP", srt, sizeof(srt)) ? srt : NULL;
		e.source_mono =
		    get(a->j, "_SOURCE_MONOTONIC_TIMESTAMP", smono, sizeof(smono)) ? smono : NULL;
		sd_journal_get_realtime_usec(a->j, &e.realtime_us);
		if (audit_parse_journal(&e, mono_to_rt_ns, &r) == 0)
			audit_feed(to, &r);
	}
	return (int)n;
}
