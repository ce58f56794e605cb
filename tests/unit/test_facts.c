// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* enrich_denial() with the kernel's facts (ep_event.facts) for a process that is gone. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "enrich.h"
#include "names.h"
#include "unit.h"

/* A pid that existed and is gone (reaped). */
static pid_t gone_pid(void)
{
	pid_t p = fork();

	if (p == 0)
		_exit(0);
	if (p > 0)
		waitpid(p, NULL, 0);
	return p;
}

static struct denial *gone_denial(const char *sc)
{
	struct denial *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->ev.pid = d->ev.tid = (unsigned)gone_pid();
	d->ev.syscall_nr = syscall_nr(sc);
	d->ev.ret = -1;
	return d;
}

TEST(facts_creds_of_a_gone_process)
{
	struct denial *d = gone_denial("kill");

	if (!d) {
		CHECK(0);
		return;
	}
	d->ev.facts = EP_FACT_CREDS;
	d->ev.cr.ruid = d->ev.cr.euid = d->ev.cr.fsuid = 65534;
	d->ev.cr.rgid = d->ev.cr.egid = d->ev.cr.fsgid = 65534;
	d->ev.cr.ngroups = 2;
	d->ev.cr.groups[0] = 4;
	d->ev.cr.groups[1] = 24;
	d->ev.cr.cap_bnd = 0x1ff;
	d->ev.cr.no_new_privs = 1;
	d->ev.cr.seccomp_mode = 2;
	d->ev.cr.seccomp_filters = 3;
	enrich_denial(NULL, d);
	CHECK(d->proc.valid && d->proc.from_kernel);
	CHECK(d->proc.fsuid == 65534 && d->proc.egid == 65534);
	CHECK(d->proc.ngroups == 2 && d->proc.groups[0] == 4 && d->proc.groups[1] == 24);
	CHECK(d->proc.cap_bnd == 0x1ff && d->proc.cap_eff == 0);
	CHECK(d->proc.no_new_privs == 1 && d->proc.seccomp_mode == 2 &&
	      d->proc.seccomp_filters == 3);
	free(d);
}

TEST(facts_relative_path_against_the_captured_base)
{
	struct denial *d = gone_denial("unlinkat");

	if (!d) {
		CHECK(0);
		return;
	}
	d->ev.args[0] = (unsigned long long)(long long)AT_FDCWD;
	d->ev.path_arg = 2;
	snprintf(d->ev.path, sizeof(d->ev.path), "./sub/f");
	d->ev.facts = EP_FACT_BASE;
	snprintf(d->ev.base.path, sizeof(d->ev.base.path), "/nonexistent-epermd/d");
	enrich_denial(NULL, d);
	CHECK_STR(d->path, "/nonexistent-epermd/d/sub/f");
	free(d);
}

TEST(facts_fd_object_is_the_captured_file)
{
	struct denial *d = gone_denial("write");

	if (!d) {
		CHECK(0);
		return;
	}
	d->ev.args[0] = 3;
	d->ev.facts = EP_FACT_FD;
	snprintf(d->ev.obj.path, sizeof(d->ev.obj.path), "/etc/hostname");
	d->ev.obj.mode = 0100444;
	d->ev.obj.uid = 7;
	d->ev.obj.i_flags = 0x8;
	enrich_denial(NULL, d);
	CHECK_STR(d->path, "/etc/hostname");
	CHECK(d->path_from_fd);
	/* the kernel's mode, owner and flags, not today's stat() */
	CHECK(d->file.valid && d->file.from_kernel && d->file.mode == 0100444 && d->file.uid == 7);
	CHECK(d->file.immutable && !d->file.append_only);
	free(d);

	/* a socket: named by its kind and inode, never by /proc/PID/fd/N */
	d = gone_denial("sendto");
	if (!d) {
		CHECK(0);
		return;
	}
	d->ev.args[0] = 5;
	d->ev.facts = EP_FACT_FD;
	d->ev.obj.mode = 0140777;
	d->ev.obj.ino = 4242;
	d->ev.obj.flags = EP_IF_DETACHED;
	enrich_denial(NULL, d);
	CHECK_STR(d->path, "socket:[4242]");
	CHECK(!d->file.from_kernel);
	free(d);
}
