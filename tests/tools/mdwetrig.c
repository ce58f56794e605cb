// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Memory-deny-write-execute trigger (tests/host/mdwe.sh): optionally sets the kernel's MDWE
 * with prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN) (what systemd's MemoryDenyWriteExecute=
 * does on 6.3+), optionally forks (the flag is inherited) and then asks for memory that is
 * writable and executable, and exits at once with what the call returned.
 *
 *   mdwetrig [--set] [--fork] mmap-wx|mprotect-x|none
 *
 * Exit status: 0 the call succeeded, 13 EACCES, 1 another error, 2 usage or setup, 77 the
 * kernel has no MDWE (PR_SET_MDWE fails with EINVAL).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef PR_SET_MDWE
#define PR_SET_MDWE 65
#endif
#ifndef PR_MDWE_REFUSE_EXEC_GAIN
#define PR_MDWE_REFUSE_EXEC_GAIN 1
#endif

static int attempt(const char *what)
{
	void *p;

	if (!strcmp(what, "mmap-wx")) {
		p = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p != MAP_FAILED)
			return 0;
	} else if (!strcmp(what, "mprotect-x")) {
		p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return 2;
		if (!mprotect(p, 4096, PROT_READ | PROT_EXEC))
			return 0;
	} else if (!strcmp(what, "none")) {
		return 0; /* a probe: does PR_SET_MDWE work here? */
	} else {
		return 2;
	}
	return errno == EACCES ? 13 : 1;
}

int main(int argc, char **argv)
{
	int set = 0, fork_first = 0, i = 1, st;
	pid_t pid;

	for (; i < argc && !strncmp(argv[i], "--", 2); i++) {
		if (!strcmp(argv[i], "--set"))
			set = 1;
		else if (!strcmp(argv[i], "--fork"))
			fork_first = 1;
		else
			return 2;
	}
	if (i != argc - 1)
		return fprintf(stderr,
			       "usage: mdwetrig [--set] [--fork] mmap-wx|mprotect-x|none\n"),
		       2;
	if (set && prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN, 0, 0, 0))
		return errno == EINVAL ? 77 : 2;
	if (!fork_first)
		return attempt(argv[i]);
	pid = fork();
	if (pid < 0)
		return 2;
	if (!pid)
		_exit(attempt(argv[i]));
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return 2;
	return WEXITSTATUS(st);
}
