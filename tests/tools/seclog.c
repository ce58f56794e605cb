// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * seclog DIR: drop to uid/gid 65534, install a seccomp filter with SECCOMP_FILTER_FLAG_LOG that
 * refuses mkdir with EPERM, and mkdir DIR once. The flag makes the kernel log a SECCOMP audit
 * record (type 1326) for the ERRNO action (SECCOMP_RET_ERRNO alone logs nothing), which the
 * audit tests (tests/host/audit*.sh) expect epermd to join with the denial.
 * Exit status: 1 on EPERM (the expected denial), 0 if mkdir succeeded, 2-4 on setup errors.
 */
#include <errno.h>
#include <grp.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sock_filter f[] = {
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_mkdir, 0, 1),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {sizeof(f) / sizeof(f[0]), f};

	if (argc != 2) {
		fprintf(stderr, "usage: seclog DIR\n");
		return 2;
	}
	if (setgroups(0, NULL) || setgid(65534) || setuid(65534)) {
		perror("seclog: drop to 65534");
		return 2;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_LOG, &prog)) {
		perror("seclog: seccomp");
		return 3;
	}
	if (mkdir(argv[1], 0700) == 0)
		return 0;
	return errno == EPERM ? 1 : 4;
}
