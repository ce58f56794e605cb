// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The run-state file (daemon/runstate.c) and the capability names of daemon/privs.c. */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "unit.h"
#include "privs.h"
#include "runstate.h"

TEST(runstate_parse_running)
{
	struct runstate_prev p;

	CHECK(runstate_parse("# c\npid=42\nstarted=10\nheartbeat=20\nstate=running\n", &p) == 0);
	CHECK(p.found && !p.clean && p.pid == 42 && p.last_ns == 20);
}

TEST(runstate_parse_clean)
{
	struct runstate_prev p;

	CHECK(runstate_parse("pid=7\nheartbeat=20\nstate=clean\nstopped=25\n", &p) == 0);
	CHECK(p.found && p.clean && p.pid == 7 && p.last_ns == 25);
	/* "clean" without a stop time is half a record: abnormal, from the heartbeat */
	CHECK(runstate_parse("pid=7\nheartbeat=20\nstate=clean\n", &p) == 0);
	CHECK(!p.clean && p.last_ns == 20);
	CHECK(runstate_parse("pid=7\nheartbeat=20\nstate=cleanish\nstopped=25\n", &p) == 0);
	CHECK(!p.clean);
}

TEST(runstate_parse_garbage)
{
	struct runstate_prev p;

	CHECK(runstate_parse("", &p) == -EINVAL && !p.found);
	CHECK(runstate_parse("pid=0\nheartbeat=20\n", &p) == -EINVAL);
	CHECK(runstate_parse("pid=5\n", &p) == -EINVAL);
	CHECK(runstate_parse("\x01\xff=\n\n", &p) == -EINVAL);
}

TEST(runstate_dir_choice)
{
	setenv("STATE_DIRECTORY", "/var/lib/epermd:/var/lib/other", 1);
	CHECK_STR(runstate_dir("/etc/x"), "/etc/x");
	CHECK_STR(runstate_dir(""), "/var/lib/epermd");
	setenv("STATE_DIRECTORY", "relative", 1);
	CHECK(runstate_dir(NULL) == NULL);
	unsetenv("STATE_DIRECTORY");
	CHECK(runstate_dir("") == NULL);
}

TEST(runstate_file_roundtrip)
{
	char dir[] = "/tmp/epermd-unit-rs.XXXXXX", path[64];
	struct runstate_prev prev;
	struct runstate *rs = NULL;

	if (!mkdtemp(dir)) {
		CHECK(0);
		return;
	}
	snprintf(path, sizeof(path), "%s/runstate", dir);
	CHECK(runstate_open(dir, 1000, &prev, &rs) == 0 && rs && !prev.found);
	CHECK(runstate_beat(rs, 2000) == 0); /* too soon: no write */
	CHECK(runstate_beat(rs, 1000 + RUNSTATE_BEAT_NS) == 0);
	CHECK(runstate_stop(rs, 1000 + RUNSTATE_BEAT_NS + 7) == 0);
	runstate_free(rs);
	rs = NULL;
	CHECK(runstate_open(dir, 1000 + 2 * RUNSTATE_BEAT_NS, &prev, &rs) == 0);
	CHECK(prev.found && prev.clean && prev.pid == (long)getpid() &&
	      prev.last_ns == 1000 + RUNSTATE_BEAT_NS + 7);
	runstate_free(rs);
	unlink(path);
	rmdir(dir);
}

TEST(privs_names_list)
{
	char buf[128];

	CHECK_STR(privs_names(0, buf, sizeof(buf)), "none");
	CHECK_STR(privs_names(PRIVS_ENRICH, buf, sizeof(buf)),
		  "cap_dac_read_search,cap_sys_ptrace");
	CHECK_STR(privs_names(PRIVS_CAP(CAP_BPF) | PRIVS_CAP(CAP_PERFMON), buf, sizeof(buf)),
		  "cap_perfmon,cap_bpf");
}
