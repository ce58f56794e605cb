// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The run-state file and the tracing-gap notice (runstate.h). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "fileio.h"
#include "msgids.h"
#include "procinfo.h"
#include "runstate.h"

struct runstate {
	char path[320];
	long pid;
	uint64_t started_ns, last_beat_ns;
};

const char *runstate_dir(const char *cfg_dir)
{
	static char env_dir[256];
	const char *e;

	if (cfg_dir && cfg_dir[0])
		return cfg_dir;
	e = getenv("STATE_DIRECTORY"); /* "a:b" when the unit lists several */
	if (!e || e[0] != '/' || strcspn(e, ":") >= sizeof(env_dir))
		return NULL;
	snprintf(env_dir, sizeof(env_dir), "%.*s", (int)strcspn(e, ":"), e);
	return env_dir;
}

int runstate_parse(const char *text, struct runstate_prev *p)
{
	uint64_t beat = 0, stopped = 0;
	bool have_pid = false;
	const char *line = text;

	memset(p, 0, sizeof(*p));
	while (line && *line) {
		const char *nl = strchr(line, '\n');
		char *end;

		if (!strncmp(line, "pid=", 4)) {
			p->pid = strtol(line + 4, &end, 10);
			have_pid = p->pid > 0;
		} else if (!strncmp(line, "heartbeat=", 10)) {
			beat = strtoull(line + 10, &end, 10);
		} else if (!strncmp(line, "stopped=", 8)) {
			stopped = strtoull(line + 8, &end, 10);
		} else if (!strncmp(line, "state=clean", 11) && (!line[11] || line[11] == '\n')) {
			p->clean = true;
		}
		line = nl ? nl + 1 : NULL;
	}
	if (!have_pid || !beat)
		return -EINVAL;
	if (p->clean && !stopped)
		p->clean = false; /* half a record: treat as abnormal */
	p->last_ns = p->clean ? stopped : beat;
	p->found = true;
	return 0;
}

static int write_state(struct runstate *rs, uint64_t now_ns, bool clean)
{
	char buf[256];
	int len;

	len = snprintf(buf, sizeof(buf),
		       "# epermd run state: the tracing-gap notice reads it at the next start\n"
		       "pid=%ld\nstarted=%" PRIu64 "\nheartbeat=%" PRIu64 "\nstate=%s\n",
		       rs->pid, rs->started_ns, now_ns, clean ? "clean" : "running");
	if (clean && len > 0 && (size_t)len < sizeof(buf))
		len +=
		    snprintf(buf + len, sizeof(buf) - (size_t)len, "stopped=%" PRIu64 "\n", now_ns);
	if (len < 0 || (size_t)len >= sizeof(buf))
		return -ENOSPC;
	/* a heartbeat that never reaches the disk only makes a later gap look longer */
	return replace_file(rs->path, buf, (size_t)len, 0600, clean);
}

/* Is pid another epermd that is still running? */
static bool other_daemon_alive(long pid)
{
	char path[64], comm[32];

	if (pid <= 0 || pid == (long)getpid() || (kill((pid_t)pid, 0) && errno == ESRCH))
		return false;
	snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
	if (read_small_at(AT_FDCWD, path, comm, sizeof(comm)) <= 0)
		return false;
	return !strncmp(comm, "epermd", 6) && (comm[6] == '\n' || !comm[6]);
}

int runstate_open(const char *dir, uint64_t now_ns, struct runstate_prev *prev,
		  struct runstate **out)
{
	struct runstate *rs;
	char text[512];
	int err;

	*out = NULL;
	memset(prev, 0, sizeof(*prev));
	if (!dir || !dir[0])
		return 0;
	rs = calloc(1, sizeof(*rs));
	if (!rs)
		return -ENOMEM;
	if ((size_t)snprintf(rs->path, sizeof(rs->path), "%s/" RUNSTATE_FILE, dir) >=
	    sizeof(rs->path)) {
		err = -ENAMETOOLONG;
		goto fail;
	}
	rs->pid = (long)getpid();
	rs->started_ns = now_ns;
	if (read_small_at(AT_FDCWD, rs->path, text, sizeof(text)) > 0 &&
	    !runstate_parse(text, prev) && !prev->clean && other_daemon_alive(prev->pid)) {
		err = -EBUSY;
		goto fail;
	}
	err = write_state(rs, now_ns, false);
	if (err)
		goto fail;
	rs->last_beat_ns = now_ns;
	*out = rs;
	return 0;
fail:
	free(rs);
	return err;
}

int runstate_beat(struct runstate *rs, uint64_t now_ns)
{
	int err;

	if (!rs || now_ns - rs->last_beat_ns < RUNSTATE_BEAT_NS)
		return 0;
	err = write_state(rs, now_ns, false);
	rs->last_beat_ns = now_ns; /* on failure too: retry at the next interval, not at once */
	return err;
}

int runstate_stop(struct runstate *rs, uint64_t now_ns)
{
	return rs ? write_state(rs, now_ns, true) : 0;
}

void runstate_free(struct runstate *rs)
{
	free(rs);
}

static void fmt_utc(char *out, size_t n, uint64_t ns)
{
	time_t t = (time_t)(ns / 1000000000ull);
	struct tm tm;

	if (!gmtime_r(&t, &tm) || !strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(out, n, "%" PRIu64, ns / UINT64_C(1000000000));
}

static void fmt_duration(char *out, size_t n, uint64_t ns)
{
	uint64_t s = ns / UINT64_C(1000000000);

	if (s < 60)
		snprintf(out, n, "%.1f s", (double)ns / 1e9);
	else if (s < 3600)
		snprintf(out, n, "%" PRIu64 " min %02" PRIu64 " s", s / 60, s % 60);
	else
		snprintf(out, n, "%" PRIu64 " h %02" PRIu64 " min", s / 3600, s / 60 % 60);
}

void runstate_notice(const struct runstate_prev *p, uint64_t now_ns, struct sink *s)
{
	char from[32], to[32], dur[48], secs[32], pid[24];
	const struct out_field f[] = {
	    {"EPERM_GAP_SECONDS", secs},
	    {"EPERM_GAP_FROM", from},
	    {"EPERM_GAP_TO", to},
	    {"EPERM_PREV_PID", pid},
	    {"EPERM_GAP_CLEAN", p->clean ? "1" : "0"},
	};
	uint64_t gap;

	if (!p->found || !s)
		return;
	gap = now_ns > p->last_ns ? now_ns - p->last_ns : 0;
	fmt_utc(from, sizeof(from), p->last_ns);
	fmt_utc(to, sizeof(to), now_ns);
	fmt_duration(dur, sizeof(dur), gap);
	snprintf(secs, sizeof(secs), "%.3f", (double)gap / 1e9);
	snprintf(pid, sizeof(pid), "%ld", p->pid);
	if (p->clean)
		sink_alarm_fields(s, LOG_NOTICE, EP_MSGID_GAP, f, sizeof(f) / sizeof(f[0]),
				  "tracing gap: the previous epermd (pid %ld) stopped cleanly at "
				  "%s, tracing again at %s: denials during %s were not traced",
				  p->pid, from, to, dur);
	else
		sink_alarm_fields(s, LOG_WARNING, EP_MSGID_GAP, f, sizeof(f) / sizeof(f[0]),
				  "tracing gap: the previous epermd (pid %ld) ended abnormally; "
				  "last seen alive at %s, tracing again at %s: denials during %s "
				  "were not traced",
				  p->pid, from, to, dur);
}
