// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "output.h"
#include "unit.h"

/* ---- a tiny strict JSON (RFC 8259) checker ---- */

static const char *jv_value(const char *p, int depth);

static const char *jv_ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

static const char *jv_string(const char *p)
{
	if (*p++ != '"')
		return NULL;
	while (*p != '"') {
		unsigned char c = (unsigned char)*p;

		if (c < 0x20)
			return NULL; /* raw control bytes (and the terminating NUL) */
		if (c == '\\') {
			p++;
			if (*p == 'u') {
				for (int i = 1; i <= 4; i++)
					if (!strchr("0123456789abcdefABCDEF", p[i]) || !p[i])
						return NULL;
				p += 5;
			} else if (*p && strchr("\"\\/bfnrt", *p)) {
				p++;
			} else {
				return NULL;
			}
			continue;
		}
		if (c >= 0x80) {
			int k = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc2 ? 1 : -1;

			if (k < 0 || c > 0xf4)
				return NULL;
			for (int i = 1; i <= k; i++)
				if (((unsigned char)p[i] & 0xc0) != 0x80)
					return NULL;
			p += k + 1;
			continue;
		}
		p++;
	}
	return p + 1;
}

static const char *jv_number(const char *p)
{
	const char *s = p;

	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (*p >= '1' && *p <= '9')
		while (*p >= '0' && *p <= '9')
			p++;
	else
		return NULL;
	if (*p == '.') {
		if (!(*++p >= '0' && *p <= '9'))
			return NULL;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	return p > s ? p : NULL;
}

static const char *jv_container(const char *p, int depth, char close, bool obj)
{
	p = jv_ws(p + 1);
	if (*p == close)
		return p + 1;
	for (;;) {
		if (obj) {
			p = jv_string(jv_ws(p));
			if (!p)
				return NULL;
			p = jv_ws(p);
			if (*p++ != ':')
				return NULL;
		}
		p = jv_value(p, depth + 1);
		if (!p)
			return NULL;
		p = jv_ws(p);
		if (*p == close)
			return p + 1;
		if (*p++ != ',')
			return NULL;
	}
}

static const char *jv_value(const char *p, int depth)
{
	if (depth > 32)
		return NULL;
	p = jv_ws(p);
	switch (*p) {
	case '{':
		return jv_container(p, depth, '}', true);
	case '[':
		return jv_container(p, depth, ']', false);
	case '"':
		return jv_string(p);
	case 't':
		return strncmp(p, "true", 4) ? NULL : p + 4;
	case 'f':
		return strncmp(p, "false", 5) ? NULL : p + 5;
	case 'n':
		return strncmp(p, "null", 4) ? NULL : p + 4;
	default:
		return jv_number(p);
	}
}

static bool json_valid(const char *s)
{
	const char *e = jv_value(s, 0);

	return e && *jv_ws(e) == '\0';
}

/* ---- fixtures ---- */

static struct denial *hostile_denial(void)
{
	struct denial *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->ev.seq = 42;
	d->ev.pid = 1234;
	d->ev.tid = 1235;
	d->ev.ppid = 1;
	d->ev.uid = 65534;
	d->ev.gid = 65534;
	d->ev.syscall_nr = __NR_openat;
	d->ev.ret = -EP_EACCES;
	d->ev.flags = EP_F_PATH_TRUNC | EP_F_EV_OVERFLOW;
	d->ev.args[0] = (uint64_t)-100;
	d->ev.args[1] = 0x7ffc0000;
	strcpy(d->ev.comm, "c\"a\x1b[2Jt");
	d->realtime_ns = 1795675814123456789ull; /* 2026-11-26T06:50:14.123456789Z */
	strcpy(d->path, "/tmp/d/a\nFAKE: root login\x1b[2J\xff\xc3\x28");
	strcpy(d->proc.exe, "/usr/bin/cat");
	strcpy(d->proc.unit, "x.service");
	d->cause = EP_CAUSE_DAC;
	d->capability = -1;
	d->lsm = -1;
	denial_add_evidence(d, "mode=0600 owner=0 \"quoted\"");
	denial_add_evidence(d, "uid 65534 not owner\\");
	strcpy(d->diagnosis, "cat cannot open '/tmp/d/a\nFAKE' for reading");
	strcpy(d->fix, "setfacl -m u:65534:r /tmp/d/a");
	strcpy(d->validate, "sudo -u nobody cat /tmp/d/a");
	strcpy(d->fix_command, "setfacl -m u:65534:r '/tmp/d/a\nFAKE'");
	return d;
}

TEST(json_denial_valid)
{
	struct denial *d = hostile_denial();
	char buf[65536];
	int len;

	if (!d) {
		CHECK(0);
		return;
	}
	len = denial_to_json(d, OUT_NEW, buf, sizeof(buf));
	CHECK(len > 0 && (size_t)len == strlen(buf));
	CHECK(json_valid(buf));
	CHECK(!strchr(buf, '\n') && !strchr(buf, '\x1b'));
	CHECK_CONTAINS(buf, "{\"type\":\"denial\",\"time\":\"2026-11-26T06:50:14.123456789Z\"");
	CHECK_CONTAINS(buf, "\"syscall\":\"openat\"");
	CHECK_CONTAINS(buf, "\"errno\":\"EACCES\"");
	CHECK_CONTAINS(buf, "\"cause\":\"dac\"");
	CHECK_CONTAINS(buf, "\"comm\":\"c\\\"a\\u001b[2Jt\"");
	CHECK_CONTAINS(buf, "a\\u000aFAKE: root login\\u001b[2J\\u00ff\\u00c3(\"");
	CHECK_CONTAINS(buf, "\"flags\":[\"path_truncated\",\"evidence_overflow\"]");
	CHECK_CONTAINS(buf, "\"args\":[18446744073709551516,2147221504,0,0,0,0]");
	CHECK_CONTAINS(buf, "\"count\":1,\"first_seen\":\"2026-11-26T06:50:14.123456789Z\"");
	CHECK_CONTAINS(buf, "\"unit\":\"x.service\"");
	CHECK_CONTAINS(buf, "\"fix_command\":\"setfacl -m u:65534:r '/tmp/d/a\\u000aFAKE'\"");
	CHECK(!strstr(buf, "\"capability\"") && !strstr(buf, "\"lsm\"") &&
	      !strstr(buf, "\"container\""));

	d->ev.syscall_nr = 9999;
	d->cause = EP_CAUSE_CAPABILITY;
	d->capability = 0;
	d->count = 100000;
	d->first_seen_ns = d->realtime_ns;
	d->last_seen_ns = d->realtime_ns + 2000000000ull;
	len = denial_to_json(d, OUT_SUMMARY, buf, sizeof(buf));
	CHECK(len > 0 && json_valid(buf));
	CHECK_CONTAINS(buf, "{\"type\":\"summary\",\"time\":\"2026-11-26T06:50:16.123456789Z\"");
	CHECK_CONTAINS(buf, "\"syscall\":\"syscall_9999\"");
	CHECK_CONTAINS(buf, "\"capability\":\"CAP_CHOWN\"");
	CHECK_CONTAINS(buf, "\"count\":100000");

	CHECK(denial_to_json(d, OUT_NEW, buf, 100) == -ENOSPC);
	CHECK(strlen(buf) < 100);
	free(d);
}

/* Every string member full of control bytes (each escaped to six): the record still fits the
 * sinks' 64 KiB, fix_command included. */
#define FILL(a) memset((a), 1, sizeof(a) - 1)
TEST(json_worst_case_fits)
{
	struct denial *d = hostile_denial();
	static char buf[64 << 10];
	int len;

	if (!d) {
		CHECK(0);
		return;
	}
	FILL(d->ev.comm), FILL(d->path), FILL(d->target), FILL(d->proc.exe);
	FILL(d->proc.unit), FILL(d->proc.container), FILL(d->file.acl_text);
	FILL(d->file.mount_point), FILL(d->file.mount_opts), FILL(d->file.fstype);
	FILL(d->lsm_detail), FILL(d->flag), FILL(d->mount_option), FILL(d->listener);
	FILL(d->sysctl_name), FILL(d->sysctl_value), FILL(d->rule), FILL(d->diagnosis);
	FILL(d->fix), FILL(d->validate), FILL(d->fix_command);
	d->file.valid = true;
	d->cause = EP_CAUSE_LSM;
	d->lsm = 0;
	for (int i = 0; i < DN_MAX_EVIDENCE; i++)
		FILL(d->evidence[i]);
	d->n_evidence = DN_MAX_EVIDENCE;
	len = denial_to_json(d, OUT_NEW, buf, sizeof(buf) - 1);
	CHECK(len > 0 && json_valid(buf));
	CHECK_CONTAINS(buf, "\"fix_command\":\"\\u0001\\u0001");
	free(d);
}

TEST(json_alarm_stats_valid)
{
	struct out_stat st[] = {{"received", 10}, {"dropped\"x", 2}};
	char buf[4096];

	CHECK(alarm_to_json(4, "cef1425855f942cea43e79c310afad00", "lost 5\n\x1b", 0, buf,
			    sizeof(buf)) > 0);
	CHECK(json_valid(buf));
	CHECK_CONTAINS(buf, "{\"type\":\"alarm\"");
	CHECK_CONTAINS(buf, "\"priority\":4");
	CHECK_CONTAINS(buf, "\"message\":\"lost 5\\u000a\\u001b\"");
	CHECK(stats_to_json(st, 2, 1, buf, sizeof(buf)) > 0);
	CHECK(json_valid(buf));
	CHECK_CONTAINS(buf, "\"received\":10,\"dropped\\\"x\":2}");
	CHECK(!json_valid("{\"a\":\"\x01\"}") && !json_valid("{\"a\":1,}") &&
	      !json_valid("{\"a\":\"\xff\"}"));
}

TEST(text_denial_clean)
{
	struct denial *d = hostile_denial();
	char buf[65536];
	int len;

	if (!d) {
		CHECK(0);
		return;
	}
	len = denial_to_text(d, OUT_NEW, buf, sizeof(buf));
	CHECK(len > 0 && buf[len - 1] == '\n');
	CHECK_CONTAINS(buf, "2026-11-26T06:50:14.123456789Z EACCES openat c\"a\\x1b[2Jt[1234] "
			    "uid=65534 path='/tmp/d/a\\x0aFAKE: root login\\x1b[2J\\xff\\xc3("
			    "'");
	CHECK_CONTAINS(buf, "\n  cause: dac \xe2\x80\x94 cat cannot open '/tmp/d/a\\x0aFAKE'");
	CHECK_CONTAINS(buf, "\n  fix: setfacl");
	CHECK_CONTAINS(buf, "\n  check: sudo");
	CHECK_CONTAINS(buf, "\n  evidence: mode=0600 owner=0 \"quoted\"; uid 65534 not owner\\\n");
	for (int i = 0; i < len; i++)
		if (((unsigned char)buf[i] < 0x20 && buf[i] != '\n') || buf[i] == 0x7f) {
			CHECK(0);
			break;
		}
	free(d);
}

TEST(journal_record_fields)
{
	struct denial *d = hostile_denial();
	char buf[65536], *line, *save = NULL;
	int len, n = 0, ev = 0;

	if (!d) {
		CHECK(0);
		return;
	}
	d->count = 7;
	len = denial_to_journal(d, OUT_SUMMARY, buf, sizeof(buf));
	CHECK(len > 0 && buf[len - 1] == '\n');
	CHECK_CONTAINS(buf, "PRIORITY=5\n");
	CHECK_CONTAINS(buf, "SYSLOG_IDENTIFIER=epermd\n");
	CHECK_CONTAINS(buf, "MESSAGE_ID=55861ab55223468883022d2d66cd5283\n");
	CHECK_CONTAINS(buf, "EPERM_TYPE=summary\n");
	CHECK_CONTAINS(buf, "EPERM_COUNT=7\n");
	CHECK_CONTAINS(buf,
		       "EPERM_PATH=/tmp/d/a\\u000aFAKE: root login\\u001b[2J\\u00ff\\u00c3(\n");
	CHECK_CONTAINS(buf, "EPERM_FLAGS=path_truncated evidence_overflow\n");
	CHECK_CONTAINS(buf, "EPERM_FIX_COMMAND=setfacl -m u:65534:r '/tmp/d/a\\u000aFAKE'\n");
	/* every line is NAME=value with a well-formed field name */
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		size_t k = strspn(line, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");

		n++;
		CHECK(k > 0 && line[k] == '=' && line[0] != '_');
		if (!strncmp(line, "EPERM_EVIDENCE=", 15))
			ev++;
		if (!strncmp(line, "EPERM_", 6) && !strncmp(line, "MESSAGE", 7) && k == 0)
			CHECK(0);
	}
	CHECK(ev == 2);
	CHECK(n > 20);
	d->cause = EP_CAUSE_CAPABILITY;
	d->capability = 5;
	len = denial_to_journal(d, OUT_NEW, buf, sizeof(buf));
	CHECK(len > 0);
	CHECK_CONTAINS(buf, "PRIORITY=6\n");
	CHECK_CONTAINS(buf, "MESSAGE_ID=d00f3c5e3cc0408e9b76be6933286664\n");
	CHECK_CONTAINS(buf, "EPERM_CAPABILITY=CAP_KILL\n");
	free(d);
}

TEST(out_format_names)
{
	CHECK(out_format_from_name("text") == OUT_TEXT);
	CHECK(out_format_from_name("json") == OUT_JSON);
	CHECK(out_format_from_name("journal") == OUT_JOURNAL);
	CHECK(out_format_from_name("xml") == -1);
}

TEST(sink_json_file)
{
	char path[] = "/tmp/epermd-unit-sinkXXXXXX", buf[65536];
	struct denial *d = hostile_denial();
	struct sink_counters c;
	struct sink *s = NULL;
	int fd, lines = 0;
	ssize_t r;

	fd = mkstemp(path);
	if (!d || fd < 0) {
		CHECK(0);
		free(d);
		return;
	}
	close(fd);
	CHECK(sink_open(OUT_JSON, path, &s) == 0);
	if (!s)
		goto out;
	CHECK(sink_denial(s, d, OUT_NEW) == 0);
	CHECK(sink_alarm(s, 4, "cef1425855f942cea43e79c310afad00", "lost %d", 3) == 0);
	CHECK(sink_stats(s, (struct out_stat[]){{"received", 1}}, 1) == 0);
	sink_flush(s);
	sink_get_counters(s, &c);
	CHECK(c.written == 3 && c.dropped == 0 && c.refused == 0);
	CHECK(sink_dropped(s) == 0);
	sink_close(s);
	fd = open(path, O_RDONLY);
	r = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	CHECK(r > 0);
	buf[r > 0 ? r : 0] = '\0';
	for (char *p = buf, *nl; (nl = strchr(p, '\n')); p = nl + 1) {
		*nl = '\0';
		CHECK(json_valid(p));
		lines++;
	}
	CHECK(lines == 3);
	if (fd >= 0)
		close(fd);
out:
	unlink(path);
	free(d);
}

/* Stopping during an outage: sink_give_up() counts what waits before the final counters are
 * read, and drops later records at once (counted), instead of losing them after. */
TEST(sink_journal_give_up)
{
	char dir[] = "/tmp/epermd-unit-gXXXXXX", path[64];
	struct sink_counters c = {0};
	struct sink *s = NULL;

	if (!mkdtemp(dir)) {
		CHECK(0);
		return;
	}
	snprintf(path, sizeof(path), "%s/socket", dir); /* nobody there */
	setenv("EPERMD_JOURNAL_SOCKET", path, 1);
	CHECK(sink_open(OUT_JOURNAL, NULL, &s) == 0);
	if (!s)
		goto out;
	for (int i = 0; i < 3; i++)
		CHECK(sink_alarm(s, 4, NULL, "waiting-%d", i) == 0);
	for (int i = 0; i < 100 && !c.unavailable; i++) { /* the writer's first attempt */
		usleep(20 * 1000);
		sink_get_counters(s, &c);
	}
	CHECK(c.unavailable == 1 && c.dropped == 0);
	sink_give_up(s);
	sink_get_counters(s, &c);
	CHECK(c.dropped == 3 && c.written == 0 && c.held == 0); /* counted now, not at close */
	CHECK(sink_alarm(s, 4, NULL, "after") == -ENOBUFS);
	CHECK(sink_dropped(s) == 4);
	sink_close(s);
out:
	unsetenv("EPERMD_JOURNAL_SOCKET");
	rmdir(dir);
}

TEST(sink_journal_socket)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	char dir[] = "/tmp/epermd-unit-jXXXXXX", buf[65536];
	struct denial *d = hostile_denial();
	struct sink_counters c;
	struct sink *s = NULL;
	int fd = -1;
	ssize_t r;

	if (!d || !mkdtemp(dir)) {
		CHECK(0);
		free(d);
		return;
	}
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/socket", dir);
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	CHECK(fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0);
	setenv("EPERMD_JOURNAL_SOCKET", sa.sun_path, 1);
	CHECK(sink_open(OUT_JOURNAL, NULL, &s) == 0);
	if (!s)
		goto out;
	CHECK(sink_denial(s, d, OUT_NEW) == 0);
	sink_flush(s);
	r = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);
	CHECK(r > 0);
	buf[r > 0 ? r : 0] = '\0';
	CHECK_CONTAINS(buf, "MESSAGE_ID=55861ab55223468883022d2d66cd5283\n");
	CHECK_CONTAINS(buf, "EPERM_PID=1234\n");
	/* nobody listening any more: the record waits (an outage, never success, never lost) */
	close(fd);
	fd = -1;
	unlink(sa.sun_path);
	CHECK(sink_alarm(s, 4, NULL, "held-alarm") == 0);
	for (int i = 0; i < 100; i++) { /* the writer's first attempt; slow under load */
		sink_get_counters(s, &c);
		if (c.unavailable)
			break;
		usleep(50 * 1000);
	}
	CHECK(c.written == 1 && c.refused == 0 && c.unavailable == 1 && c.held == 0);
	CHECK(sink_dropped(s) == 0);
	/* the journal is back: the held record arrives first, then one "was unavailable" alarm */
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	CHECK(fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0);
	for (int i = 0; i < 100; i++) { /* the next retry: at most 1 s away */
		sink_get_counters(s, &c);
		if (c.held)
			break;
		usleep(50 * 1000);
	}
	sink_flush(s);
	r = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);
	CHECK(r > 0);
	buf[r > 0 ? r : 0] = '\0';
	CHECK_CONTAINS(buf, "MESSAGE=held-alarm\n");
	r = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);
	CHECK(r > 0);
	buf[r > 0 ? r : 0] = '\0';
	CHECK_CONTAINS(buf, "the journal was unavailable for ");
	CHECK_CONTAINS(buf, ": 1 records waited");
	sink_get_counters(s, &c);
	CHECK(c.written == 3 && c.refused == 0 && c.unavailable == 1 && c.held == 1);
	/* gone again and the sink closed meanwhile: what is left is dropped and counted */
	close(fd);
	fd = -1;
	unlink(sa.sun_path);
	CHECK(sink_alarm(s, 4, NULL, "lost-alarm") == 0);
	usleep(200 * 1000);
	sink_close(s);
	s = NULL;
out:
	unsetenv("EPERMD_JOURNAL_SOCKET");
	if (fd >= 0)
		close(fd);
	unlink(sa.sun_path);
	rmdir(dir);
	free(d);
}

/* facts at the denial and observed later, in all three formats */
TEST(json_facts_field)
{
	struct denial *d = hostile_denial();
	char buf[65536];

	if (!d) {
		CHECK(0);
		return;
	}
	d->facts_at_denial = DN_FACT_CREDS | DN_FACT_GROUPS;
	d->facts_later = DN_FACT_FLAGS | DN_FACT_MOUNT;
	CHECK(denial_to_json(d, OUT_NEW, buf, sizeof(buf)) > 0 && json_valid(buf));
	CHECK_CONTAINS(buf, "\"facts\":{\"at_denial\":[\"credentials\",\"groups\"],"
			    "\"later\":[\"file_flags\",\"mount\"]}");
	CHECK(denial_to_journal(d, OUT_NEW, buf, sizeof(buf)) > 0);
	CHECK_CONTAINS(buf, "\nEPERM_FACTS_LATER=file_flags,mount\n");
	CHECK_CONTAINS(buf, "\nEPERM_FACTS_AT_DENIAL=credentials,groups\n");
	CHECK(denial_to_text(d, OUT_NEW, buf, sizeof(buf)) > 0);
	CHECK_CONTAINS(buf, "  observed later: file_flags, mount\n");
	d->facts_at_denial = d->facts_later = 0;
	CHECK(denial_to_json(d, OUT_NEW, buf, sizeof(buf)) > 0 && json_valid(buf));
	CHECK_CONTAINS(buf, "\"facts\":{\"at_denial\":[],\"later\":[]}");
	free(d);
}

/* A record rendered once (record_to_json, as the daemon does for the socket) and handed to the
 * JSON and text sinks: the JSON sink writes exactly those bytes, the text sink renders its own;
 * a rendering that would not fit the sink is refused and counted, not cut. */
TEST(sink_record_rendered_once)
{
	char jpath[] = "/tmp/epermd-unit-onceXXXXXX", tpath[] = "/tmp/epermd-unit-onceXXXXXX";
	char *json = malloc(65536), *got = malloc(65536), *txt = malloc(65536);
	struct denial *d = hostile_denial();
	struct sink *sj = NULL, *st = NULL;
	struct sink_counters c;
	struct out_rec r;
	int jlen = -1, tlen = -1, fd;
	int jfd = mkstemp(jpath), tfd = mkstemp(tpath);
	ssize_t n;

	if (jfd >= 0)
		close(jfd);
	if (tfd >= 0)
		close(tfd);
	if (!d || !json || !got || !txt || jfd < 0 || tfd < 0) {
		CHECK(0);
		goto out;
	}
	out_rec_of(&r, d, OUT_SUMMARY);
	r.count = 9; /* the fold comes with the record, not from the denial */
	r.incident = 42;
	jlen = record_to_json(&r, json, 65536);
	tlen = record_to_text(&r, txt, 65536);
	CHECK(jlen > 0 && tlen > 0 && strstr(json, "\"count\":9,") && strstr(txt, "incident 42"));
	CHECK(sink_open(OUT_JSON, jpath, &sj) == 0 && sink_open(OUT_TEXT, tpath, &st) == 0);
	if (!sj || !st)
		goto out;
	CHECK(sink_record(sj, &r, json, jlen) == 0);
	CHECK(sink_record(st, &r, json, jlen) == 0);
	CHECK(sink_record(sj, &r, json, 65535) == -ENOSPC); /* does not fit with its newline */
	sink_flush(sj);
	sink_flush(st);
	sink_get_counters(sj, &c);
	CHECK(c.written == 1 && c.dropped == 1);
	fd = open(jpath, O_RDONLY);
	n = fd >= 0 ? read(fd, got, 65535) : -1;
	CHECK(n == jlen + 1 && !memcmp(got, json, (size_t)jlen) && got[jlen] == '\n');
	if (fd >= 0)
		close(fd);
	fd = open(tpath, O_RDONLY);
	n = fd >= 0 ? read(fd, got, 65535) : -1;
	CHECK(n == tlen && !memcmp(got, txt, (size_t)tlen));
	if (fd >= 0)
		close(fd);
out:
	sink_close(sj);
	sink_close(st);
	unlink(jpath);
	unlink(tpath);
	free(json);
	free(got);
	free(txt);
	free(d);
}
