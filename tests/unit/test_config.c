// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "tracer.h"
#include "output.h"
#include "unit.h"

static int parse(const char *text, struct config *c, char *err, size_t n)
{
	config_defaults(c);
	return config_parse_text(c, text, "t.conf", err, n);
}

TEST(config_parses_every_key)
{
	struct config c;
	char err[256] = "";

	CHECK(parse("# comment\n\nformat = json\noutput=/tmp/x.jsonl\nring_size = 64K\n"
		    "queue_size=100\nfold_window = 0\nsummary_interval=5\n"
		    "socket = /run/x.sock\nsocket_group = root\ntracepoint_only = yes\n",
		    &c, err, sizeof(err)) == 0);
	CHECK_STR(err, "");
	CHECK(c.format == OUT_JSON);
	CHECK_STR(c.output, "/tmp/x.jsonl");
	CHECK(c.ring_size == 65536);
	CHECK(c.queue_size == 100);
	CHECK(c.fold_window == 0);
	CHECK(c.summary_interval == 5);
	CHECK_STR(c.socket, "/run/x.sock");
	CHECK(c.socket_set && !c.no_socket);
	CHECK_STR(c.socket_group, "root");
	CHECK(c.tracepoint_only);
}

TEST(config_erofs)
{
	struct config a, b;
	char err[256] = "", buf[128];

	CHECK(parse("# nothing\n", &a, err, sizeof(err)) == 0);
	CHECK(a.erofs == TRACER_EROFS_PRIVATE); /* the default */
	CHECK(parse("erofs = all\n", &b, err, sizeof(err)) == 0 && b.erofs == TRACER_EROFS_ALL);
	/* a load-time constant of the BPF program: a reload cannot apply it */
	CHECK(config_diff(&a, &b, true, buf, sizeof(buf)) == 1);
	CHECK_STR(buf, "erofs");
	CHECK(parse("erofs = never\n", &b, err, sizeof(err)) == 0 && b.erofs == TRACER_EROFS_NEVER);
	CHECK(parse("erofs = private\n", &b, err, sizeof(err)) == 0 &&
	      b.erofs == TRACER_EROFS_PRIVATE);
	CHECK(parse("erofs = yes\n", &b, err, sizeof(err)) == -EINVAL);
	CHECK_CONTAINS(err, "t.conf:1: erofs");
	CHECK_CONTAINS(err, "private, all or never");
}

TEST(config_unknown_key_names_file_and_line)
{
	struct config c;
	char err[256];

	CHECK(parse("format = text\n\nbogus = 1\n", &c, err, sizeof(err)) == -EINVAL);
	CHECK_CONTAINS(err, "t.conf:3");
	CHECK_CONTAINS(err, "unknown key 'bogus'");
}

TEST(config_bad_values)
{
	struct config c;
	char err[256];

	CHECK(parse("ring_size = 5000\n", &c, err, sizeof(err)) == -EINVAL);
	CHECK_CONTAINS(err, "t.conf:1: ring_size");
	CHECK_CONTAINS(err, "power of two");
	CHECK(parse("ring_size = 2048\n", &c, err, sizeof(err)) == -EINVAL);
	CHECK(parse("ring_size = 1X\n", &c, err, sizeof(err)) == -EINVAL);
	CHECK(parse("ring_size = 99999999G\n", &c, err, sizeof(err)) == -EINVAL);
	CHECK(parse("queue_size = -1\n", &c, err, sizeof(err)) == -EINVAL);
	CHECK(parse("queue_size = 12abc\n", &c, err, sizeof(err)) == -EINVAL);
	CHECK(parse("format = xml\n", &c, err, sizeof(err)) == -EINVAL);
	CHECK_CONTAINS(err, "unknown format");
	CHECK(parse("tracepoint_only = maybe\n", &c, err, sizeof(err)) == -EINVAL);
	CHECK(parse("socket = relative.sock\n", &c, err, sizeof(err)) == -EINVAL);
	CHECK(parse("socket_group = no-such-group-epermd\n", &c, err, sizeof(err)) == -EINVAL);
	CHECK_CONTAINS(err, "does not exist");
	CHECK(parse("just a line\n", &c, err, sizeof(err)) == -EINVAL);
	CHECK_CONTAINS(err, "t.conf:1");
	CHECK(parse(" = x\n", &c, err, sizeof(err)) == -EINVAL);
	CHECK(parse("socket = none\n", &c, err, sizeof(err)) == 0 && c.no_socket);
}

TEST(config_sizes)
{
	size_t sz = 0;

	CHECK(config_parse_size("4096", &sz) == 0 && sz == 4096);
	CHECK(config_parse_size("16M", &sz) == 0 && sz == 16u << 20);
	CHECK(config_parse_size("1g", &sz) == 0 && sz == 1u << 30);
	CHECK(config_parse_size("", &sz) < 0);
	CHECK(config_parse_size("K", &sz) < 0);
	CHECK(config_parse_size("4KB", &sz) < 0);
}

static void write_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	if (fd >= 0) {
		if (write(fd, text, strlen(text)) < 0)
			perror("write");
		fchmod(fd, mode);
		close(fd);
	}
}

TEST(config_file_checks_and_exit_codes)
{
	char dir[] = "/tmp/epermd-unit-XXXXXX", good[64], bad[64], lnk[64], ww[64], err[256];
	struct config c;

	if (!mkdtemp(dir)) {
		CHECK(0);
		return;
	}
	snprintf(good, sizeof(good), "%s/good.conf", dir);
	snprintf(bad, sizeof(bad), "%s/bad.conf", dir);
	snprintf(lnk, sizeof(lnk), "%s/link.conf", dir);
	snprintf(ww, sizeof(ww), "%s/ww.conf", dir);
	write_file(good, "format = json\n", 0644);
	write_file(bad, "# x\nfrobnicate = 1\n", 0644);
	write_file(ww, "format = json\n", 0666);
	if (symlink(good, lnk))
		perror("symlink");

	if (geteuid() == 0) {
		CHECK(config_check(good) == 0);
		config_defaults(&c);
		CHECK(config_load(&c, good, err, sizeof(err)) == 0 && c.format == OUT_JSON);
		CHECK(config_check(bad) == EPERMD_EX_CONFIG);
		CHECK(config_load(&c, bad, err, sizeof(err)) < 0);
		CHECK_CONTAINS(err, "bad.conf:2: unknown key 'frobnicate'");
		CHECK(config_load(&c, ww, err, sizeof(err)) < 0);
		CHECK_CONTAINS(err, "writable by group or others");
		CHECK(chown(good, 65534, 65534) == 0);
		CHECK(config_load(&c, good, err, sizeof(err)) < 0);
		CHECK_CONTAINS(err, "must be owned by root");
	}
	CHECK(config_check(lnk) == EPERMD_EX_CONFIG);
	CHECK(config_load(&c, lnk, err, sizeof(err)) < 0);
	CHECK_CONTAINS(err, "symbolic link");
	CHECK(config_load(&c, dir, err, sizeof(err)) < 0);
	CHECK_CONTAINS(err, "not a regular file");
	CHECK(config_check("/nonexistent/epermd.conf") == EPERMD_EX_CONFIG);

	unlink(lnk);
	unlink(good);
	unlink(bad);
	unlink(ww);
	rmdir(dir);
}
