// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * scstack: install two stacked seccomp filters, then make one call, so the tests know which
 * filter of the chain refused it (tests/host/seccomp-chain.sh).
 *
 *   scstack mkdir PATH    newest filter (2 of 2): mkdir/mkdirat -> ERRNO(EPERM)
 *   scstack rmdir PATH    oldest filter (1 of 2): rmdir/unlinkat -> ERRNO(EACCES)
 *   scstack open PATH     openat is allowed by both: fails only on its own (e.g. DAC)
 *   scstack one ERRNO PATH  one filter only: mkdir -> ERRNO(ERRNO) (a number); the filter has
 *                         the same length for every ERRNO, so processes run one after another
 *                         often get theirs where the previous one's was freed
 *
 * Filter 1 (installed first): rmdir, unlinkat -> ERRNO(EACCES); x32 and foreign arches killed.
 * Filter 2 (installed second): mkdir, mkdirat -> ERRNO(EPERM), with an argument check that
 * never matches (args[5] == 0xdead) to exercise BPF_ABS on the args.
 * Exit status: the call's errno (1 EPERM, 13 EACCES), 0 when it succeeded, 3 other, 64 usage,
 * 70 setup.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define LD_NR BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr))

static int install(struct sock_filter *f, unsigned short n)
{
	struct sock_fprog prog = {.len = n, .filter = f};

	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog)) {
		perror("scstack: seccomp");
		return -1;
	}
	return 0;
}

static int install_both(void)
{
	struct sock_filter oldest[] = {
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
	    LD_NR,
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_rmdir, 1, 0),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_unlinkat, 0, 1),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EACCES),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_filter newest[] = {
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[5])),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0xdead, 0, 1),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EEXIST),
	    LD_NR,
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_mkdir, 1, 0),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_mkdirat, 0, 1),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
		perror("scstack: no_new_privs");
		return -1;
	}
	if (install(oldest, sizeof(oldest) / sizeof(oldest[0])))
		return -1;
	return install(newest, sizeof(newest) / sizeof(newest[0]));
}

/* One filter, its length independent of @err: mkdir/mkdirat -> ERRNO(@err). */
static int install_one(unsigned err)
{
	struct sock_filter f[] = {
	    LD_NR,
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_mkdir, 1, 0),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_mkdirat, 0, 1),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (err & SECCOMP_RET_DATA)),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
		perror("scstack: no_new_privs");
		return -1;
	}
	return install(f, sizeof(f) / sizeof(f[0]));
}

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "";
	int r, fd;

	if (argc == 4 && !strcmp(what, "one")) {
		if (install_one((unsigned)atoi(argv[2])))
			return 70;
		(void)getppid();
		r = mkdir(argv[3], 0755);
		printf("scstack: action=one path=%s errno=%s\n", argv[3],
		       r ? strerror(errno) : "0");
		return !r ? 0 : errno == EPERM || errno == EACCES ? errno : 3;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: scstack mkdir|rmdir|open PATH | one ERRNO PATH\n");
		return 64;
	}
	if (install_both())
		return 70;
	/* a syscall the filters allow first: the thread has been seen before the denial */
	(void)getppid();
	if (!strcmp(what, "mkdir")) {
		r = mkdir(argv[2], 0755);
	} else if (!strcmp(what, "rmdir")) {
		r = rmdir(argv[2]);
	} else if (!strcmp(what, "open")) {
		fd = open(argv[2], O_RDONLY);
		r = fd < 0 ? -1 : close(fd);
	} else {
		fprintf(stderr, "scstack: unknown action '%s'\n", what);
		return 64;
	}
	printf("scstack: action=%s path=%s errno=%s\n", what, argv[2], r ? strerror(errno) : "0");
	if (!r)
		return 0;
	return errno == EPERM || errno == EACCES ? errno : 3;
}
