// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * llock: restrict itself with Landlock, then perform one action, so the test suite can provoke
 * Landlock denials (raw syscalls 444-446: Debian 12's libc has no wrappers).
 *
 *   llock [--no-nnp] [--fork] [--wait FILE] ACTION PATH
 *
 * ACTION: open (read), mkdir, or restrict (only landlock_restrict_self: with --no-nnp and no
 * CAP_SYS_ADMIN it fails with EPERM); also "bind PORT" (TCP bind refused: Landlock ABI 4) and
 * "signal" (kill of a child forked before the domain, refused by the signal scope: ABI 6),
 * which print "llock: target pid=N" first for signal. The ruleset handles READ_FILE and MAKE_DIR
 * and grants nothing, so every handled access is denied. --fork performs the action in a child,
 * which inherits the domain. --wait FILE: after entering the domain, print "llock: restricted"
 * and wait until FILE exists (a tracer started later sees a task restricted before it). Prints
 * "llock: ACTION ret=R errno=N" and exits 0 iff the action failed with EACCES (EPERM for restrict),
 * 2 when Landlock is unavailable, 64 on a usage error.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "outsider.h"

#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#define SYS_landlock_restrict_self  446
#endif

static int act(const char *what, const char *path)
{
	int r, e;

	if (!strcmp(what, "open"))
		r = open(path, O_RDONLY);
	else
		r = mkdir(path, 0755);
	e = errno;
	printf("llock: %s ret=%d errno=%d\n", what, r < 0 ? -1 : 0, r < 0 ? e : 0);
	fflush(stdout);
	return r < 0 && e == EACCES ? 0 : 1;
}

/* The ruleset attribute as of Landlock ABI 6 (Debian 12's uapi header knows ABI 1 only) */
struct ll_attr6 {
	__u64 handled_access_fs, handled_access_net, scoped;
};

/* bind PORT: TCP bind handled, no port granted (ABI 4). signal: a child forked before the
 * domain is outside it, and the signal scope refuses kill(child, 0) (ABI 6). */
static int net_or_signal(const char *what, const char *arg)
{
	int is_bind = !strcmp(what, "bind"), abi, fd, r, e, release = -1;
	struct ll_attr6 a = {0, is_bind ? 1 /* BIND_TCP */ : 0, is_bind ? 0 : 2 /* SIGNAL */};
	struct sockaddr_in sin = {.sin_family = AF_INET};
	pid_t child = -1;

	abi = syscall(SYS_landlock_create_ruleset, NULL, 0, 1 /* VERSION */);
	if (abi < (is_bind ? 4 : 6)) {
		printf("llock: landlock ABI %d too old for %s\n", abi, what);
		return 2;
	}
	if (!is_bind) {
		child = outsider_fork(&release);
		if (child < 0)
			return 70;
		printf("llock: target pid=%d\n", (int)child);
	}
	fd = syscall(SYS_landlock_create_ruleset, &a, sizeof(a), 0);
	if (fd < 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    syscall(SYS_landlock_restrict_self, fd, 0))
		return 70;
	if (is_bind) {
		sin.sin_port = htons((unsigned short)atoi(arg));
		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		r = bind(socket(AF_INET, SOCK_STREAM, 0), (struct sockaddr *)&sin, sizeof(sin));
	} else {
		r = kill(child, 0);
	}
	e = errno;
	printf("llock: %s ret=%d errno=%d\n", what, r < 0 ? -1 : 0, r < 0 ? e : 0);
	fflush(stdout);
	if (!is_bind) {
		close(release);
		waitpid(child, NULL, 0);
	}
	return r < 0 && e == (is_bind ? EACCES : EPERM) ? 0 : 1;
}

int main(int argc, char **argv)
{
	struct landlock_ruleset_attr attr = {
	    .handled_access_fs = LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_MAKE_DIR,
	};
	int nnp = 1, fork_child = 0, i = 1, fd, st;
	const char *wait_file = NULL;
	pid_t pid;

	for (; i < argc && !strncmp(argv[i], "--", 2); i++) {
		if (!strcmp(argv[i], "--no-nnp"))
			nnp = 0;
		else if (!strcmp(argv[i], "--fork"))
			fork_child = 1;
		else if (!strcmp(argv[i], "--wait") && i + 1 < argc)
			wait_file = argv[++i];
		else
			return 64;
	}
	if (argc - i == 2 && !strcmp(argv[i], "bind"))
		return net_or_signal("bind", argv[i + 1]);
	if (argc - i == 1 && !strcmp(argv[i], "signal"))
		return net_or_signal("signal", NULL);
	if (argc - i != 2 ||
	    (strcmp(argv[i], "open") && strcmp(argv[i], "mkdir") && strcmp(argv[i], "restrict")))
		return 64;
	fd = syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr), 0);
	if (fd < 0) {
		printf("llock: landlock unavailable: %s\n", strerror(errno));
		return 2;
	}
	if (nnp && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return 70;
	if (syscall(SYS_landlock_restrict_self, fd, 0)) {
		int e = errno;

		printf("llock: restrict ret=-1 errno=%d\n", e);
		return !strcmp(argv[i], "restrict") && e == EPERM ? 0 : 1;
	}
	close(fd);
	if (!strcmp(argv[i], "restrict"))
		return 1; /* it should have failed */
	if (wait_file) {
		printf("llock: restricted\n");
		fflush(stdout);
		while (access(wait_file, F_OK))
			usleep(20000);
	}
	if (!fork_child)
		return act(argv[i], argv[i + 1]);
	pid = fork();
	if (pid == 0)
		_exit(act(argv[i], argv[i + 1]));
	if (pid < 0 || waitpid(pid, &st, 0) < 0)
		return 70;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 70;
}
