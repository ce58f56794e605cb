// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* metrics.c: label escaping, the exposition text, the syscall cap, the atomic file writer. */
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "metrics.h"
#include "names.h"
#include "unit.h"

static char *render(struct metrics *m, const struct flow_counters *p, const char *audit)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	if (metrics_format(m, p, audit, 1764140494123456789ull, f)) {
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	return buf;
}

static void deny(struct metrics *m, enum ep_cause cause, int ret, int nr)
{
	static struct denial d;

	d.cause = cause;
	d.ev.ret = ret;
	d.ev.syscall_nr = nr;
	metrics_denial(m, &d);
}

TEST(metrics_escape_label_value)
{
	char out[64];

	CHECK(metrics_escape_label(out, sizeof(out), "plain") == 5);
	CHECK_STR(out, "plain");
	CHECK(metrics_escape_label(out, sizeof(out), "a\\b\"c\nd") == 10);
	CHECK_STR(out, "a\\\\b\\\"c\\nd");
	/* truncation never splits past the buffer and says what it needed */
	CHECK(metrics_escape_label(out, 4, "\"\"\"") == 6);
	CHECK(strlen(out) == 3);
	CHECK(metrics_escape_label(out, sizeof(out), NULL) == 0);
	CHECK_STR(out, "");
}

TEST(metrics_audit_source_names)
{
	CHECK_STR(metrics_audit_source("audit netlink multicast + /dev/kmsg (Lockdown lines)"),
		  "netlink");
	CHECK_STR(metrics_audit_source("/dev/kmsg (audit netlink: EPERM; ...)"), "kmsg");
	CHECK_STR(metrics_audit_source("/dev/kmsg (audit netlink: x; journal: y; records ...)"),
		  "kmsg");
	CHECK_STR(metrics_audit_source("off (audit_source = off)"), "none");
	CHECK_STR(metrics_audit_source("journal (_TRANSPORT=audit)"), "journal");
	CHECK_STR(metrics_audit_source("unavailable (audit netlink: x; /dev/kmsg: y)"), "none");
	CHECK_STR(metrics_audit_source("not started"), "none");
	CHECK_STR(metrics_audit_source(NULL), "none");
}

TEST(metrics_exposition_text)
{
	struct metrics *m = NULL;
	struct flow_counters p = {.attempted = 7,
				  .submitted = 6,
				  .reserve_failed = 1,
				  .queue_dropped = 2,
				  .sink_dropped = 3,
				  .delivered = 6};
	char *t;

	CHECK(metrics_new(&m) == 0);
	if (!m)
		return;
	metrics_set_info(m, &(struct metrics_info){"0.1\"x\n", true, 6, 60});
	deny(m, EP_CAUSE_DAC, -EACCES, syscall_nr("openat"));
	deny(m, EP_CAUSE_DAC, -EACCES, syscall_nr("openat"));
	deny(m, EP_CAUSE_CAPABILITY, -EPERM, syscall_nr("kill"));
	deny(m, EP_CAUSE_UNKNOWN, -ENOENT, -1);
	metrics_incident(m);
	t = render(m, &p, "audit netlink multicast");
	CHECK(t != NULL);
	CHECK_CONTAINS(t, "# HELP epermd_denials_total ");
	CHECK_CONTAINS(t, "# TYPE epermd_denials_total counter\n");
	CHECK_CONTAINS(t, "\nepermd_denials_total{cause=\"dac\",errno=\"EACCES\"} 2\n");
	CHECK_CONTAINS(t, "\nepermd_denials_total{cause=\"capability\",errno=\"EPERM\"} 1\n");
	/* the fixed set is there at zero, so rate() works from the first denial */
	CHECK_CONTAINS(t, "\nepermd_denials_total{cause=\"seccomp\",errno=\"EPERM\"} 0\n");
	CHECK_CONTAINS(t, "\nepermd_denials_total{cause=\"unknown\",errno=\"other\"} 1\n");
	CHECK(!strstr(t, "cause=\"dac\",errno=\"other\""));
	CHECK_CONTAINS(t, "\nepermd_denials_by_syscall_total{syscall=\"openat\"} 2\n");
	CHECK_CONTAINS(t, "\nepermd_denials_by_syscall_total{syscall=\"kill\"} 1\n");
	CHECK_CONTAINS(t, "\nepermd_denials_by_syscall_total{syscall=\"other\"} 1\n");
	CHECK_CONTAINS(t, "\nepermd_incidents_total 1\n");
	CHECK_CONTAINS(t, "\nepermd_info{version=\"0.1\\\"x\\n\",mode=\"full\"} 1\n");
	CHECK_CONTAINS(t, "\nepermd_hooks_active 6\n");
	CHECK_CONTAINS(t, "\nepermd_last_update_time_seconds 1764140494.123\n");
	CHECK_CONTAINS(t, "\nepermd_audit_join_up 1\n");
	CHECK_CONTAINS(t, "\nepermd_audit_join_info{source=\"netlink\"} 1\n");
	CHECK_CONTAINS(t, "\nepermd_lost_events_total{reason=\"reserve_failed\"} 1\n");
	CHECK_CONTAINS(t, "\nepermd_lost_events_total{reason=\"queue_dropped\"} 2\n");
	CHECK_CONTAINS(t, "\nepermd_lost_events_total{reason=\"sink_dropped\"} 3\n");
	CHECK_CONTAINS(t, "\nepermd_events_attempted_total 7\n");
	/* every sample line belongs to a family announced by HELP and TYPE before it */
	if (t) {
		char fam[128] = "";

		CHECK(t[strlen(t) - 1] == '\n');
		for (char *line = strtok(t, "\n"); line; line = strtok(NULL, "\n")) {
			size_t n = strcspn(line, "{ ");

			if (!strncmp(line, "# TYPE ", 7)) {
				snprintf(fam, sizeof(fam), "%.*s", (int)strcspn(line + 7, " "),
					 line + 7);
				continue;
			}
			if (line[0] == '#')
				continue;
			if (n != strlen(fam) || strncmp(line, fam, n) != 0) {
				fprintf(stderr, "  sample '%s' outside family '%s'\n", line, fam);
				CHECK(0);
			}
		}
	}
	free(t);
	metrics_free(m);
}

TEST(metrics_syscall_cap)
{
	struct metrics *m = NULL;
	int named = 0;
	char *t;

	CHECK(metrics_new(&m) == 0);
	if (!m)
		return;
	for (int nr = 0; nr < METRICS_SYSCALL_SLOTS && named < METRICS_MAX_SYSCALLS + 10; nr++) {
		if (!syscall_name(nr))
			continue;
		deny(m, EP_CAUSE_DAC, -EACCES, nr);
		named++;
	}
	t = render(m, NULL, NULL);
	CHECK(t != NULL);
	if (t) {
		int series = 0;

		for (char *p = t; (p = strstr(p, "\nepermd_denials_by_syscall_total{")); p++)
			series++;
		/* the cap, plus "other" holding the 10 past it */
		CHECK(series == METRICS_MAX_SYSCALLS + 1);
		CHECK_CONTAINS(t, "epermd_denials_by_syscall_total{syscall=\"other\"} 10\n");
		CHECK_CONTAINS(t, "epermd_audit_join_up 0\n");
	}
	free(t);
	metrics_free(m);
}

TEST(metrics_write_atomic_file)
{
	char dir[] = "/tmp/epermd-unit-metrics.XXXXXX", path[128], missing[160];
	struct metrics *m = NULL;
	struct stat st;
	mode_t old;

	CHECK(metrics_new(&m) == 0);
	if (!m || !mkdtemp(dir))
		return;
	snprintf(path, sizeof(path), "%s/epermd.prom", dir);
	snprintf(missing, sizeof(missing), "%s/nodir/epermd.prom", dir);
	old = umask(0077);
	CHECK(metrics_write(m, path, NULL, NULL, NULL) == 0);
	umask(old);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 07777) == 0644);
	/* a link left at the temporary name is replaced, never written through */
	{
		char tmp[192], victim[160];
		FILE *f;

		snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid());
		snprintf(victim, sizeof(victim), "%s/victim", dir);
		f = fopen(victim, "w");
		if (f) {
			fputs("keep\n", f);
			fclose(f);
		}
		CHECK(link(victim, tmp) == 0);
		CHECK(metrics_write(m, path, NULL, NULL, NULL) == 0);
		CHECK(stat(victim, &st) == 0 && st.st_size == 5 && st.st_nlink == 1);
		CHECK(access(tmp, F_OK) != 0);
		unlink(victim);
	}
	/* the missing directory fails, counted, and is retried (no crash, no sink needed) */
	CHECK(metrics_write(m, missing, NULL, NULL, NULL) == -ENOENT);
	CHECK(metrics_write(m, missing, NULL, NULL, NULL) == -ENOENT);
	/* the path changed: the file written before is removed, not left stale */
	CHECK(access(path, F_OK) != 0);
	CHECK(metrics_write(m, path, NULL, NULL, NULL) == 0);
	{
		FILE *f = fopen(path, "r");
		char line[256];
		bool seen = false;

		while (f && fgets(line, sizeof(line), f))
			if (!strcmp(line, "epermd_metrics_write_errors_total 2\n"))
				seen = true;
		if (f)
			fclose(f);
		CHECK(seen);
	}
	/* metrics off: the file goes away */
	CHECK(metrics_write(m, "", NULL, NULL, NULL) == 0);
	CHECK(access(path, F_OK) != 0);
	rmdir(dir);
	metrics_free(m);
}
