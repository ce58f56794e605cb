// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * workload: the syscall loops of the overhead benchmark (bench/run.sh).
 *
 *   workload [--reps N] [--ms MS] [--warm MS] [--total 1] LOOP...
 *                                                          LOOP = ok | eperm | eperm1 |
 *                                                          seccomp | okfilt | eacces |
 *                                                          mdwe
 *   workload storm N                                       N x kill(1, 0) as uid 65534
 *
 * Each loop runs in its own child (dropping the uid or installing a seccomp filter cannot be
 * undone): a warm-up, then N repetitions of MS milliseconds each, timed in-process with
 * CLOCK_MONOTONIC in batches of 200 calls. One line per repetition:
 *   LOOP REP NS_PER_CALL CALLS
 * and with --total 1 a last line per loop, LOOP total CALLS: every call of the loop, warm-up
 * included (bench/run.sh divides the kernel's BPF run time by it).
 * ok      = syscall(SYS_getppid), succeeds
 * eperm   = kill(1, 0) after dropping to uid/gid 65534: a real permission check, EPERM; the
 *           same denial again and again (the kernel folds the repeats)
 * eperm1  = setuid(U) as 65534 with U new at every call: EPERM, every denial a first
 *           occurrence (a new object for the fold map, a full record)
 * seccomp = getppid refused by a SECCOMP_RET_ERRNO(EPERM) filter
 * okfilt  = getppid, succeeds, in a task whose seccomp filter refuses only mkdir: the
 *           successful path of a seccomp-filtered task
 * eacces  = open("/etc/shadow", O_RDONLY) as uid 65534: a path lookup and a DAC check, EACCES
 *           (the record carries the path's dentry from the dcache, EP_FACT_OBJ)
 * mdwe    = mmap(PROT_READ|PROT_WRITE|PROT_EXEC) after prctl(PR_SET_MDWE): EACCES from
 *           map_deny_write_exec(), the address hint new at every call (every denial a
 *           first occurrence: a full record, the task's MDWE flag read, EP_FACT_MDWE)
 * Pinning is the caller's business (taskset).
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BATCH 200

static int total; /* --total: print every call the loop made, warm-up included */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void drop_to_nobody(void)
{
	if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
	    setresuid(65534, 65534, 65534)) {
		perror("workload: dropping to uid 65534");
		exit(70);
	}
}

static void deny_syscall(int nr)
{
	struct sock_filter f[] = {
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, nr, 0, 1),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {.len = sizeof(f) / sizeof(f[0]), .filter = f};

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog)) {
		perror("workload: seccomp");
		exit(70);
	}
}

/* One batch of the loop; returns the number of calls that did not behave as expected. */
static unsigned batch(int loop)
{
	unsigned bad = 0;

	static unsigned long uid = 1;

	for (int i = 0; i < BATCH; i++) {
		long r;

		if (loop == 1)
			r = kill(1, 0);
		else if (loop == 4) /* 60000 uids, far more than the fold map holds; never 65534 */
			r = syscall(SYS_setuid, uid = uid % 60000 + 1);
		else if (loop == 5)
			r = open("/etc/shadow", O_RDONLY | O_CLOEXEC);
		else if (loop == 6) /* 60000 hints: not folded; refused, so nothing to unmap */
			r = mmap((void *)((uid = uid % 60000 + 1) << 24), 4096,
				 PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS,
				 -1, 0) == MAP_FAILED
				? -1
				: 0;
		else
			r = syscall(SYS_getppid);
		if (loop == 0 || loop == 3   ? r < 0
		    : loop == 5 || loop == 6 ? (r != -1 || errno != EACCES)
					     : (r != -1 || errno != EPERM))
			bad++;
	}
	return bad;
}

static void run_loop(const char *name, int loop, int reps, int ms, int warm)
{
	uint64_t calls, t0, t1, bad = 0, all = 0;

	if (loop == 1 || loop == 4 || loop == 5)
		drop_to_nobody();
	else if (loop == 2)
		deny_syscall(SYS_getppid);
	else if (loop == 3)
		deny_syscall(SYS_mkdir);
	else if (loop == 6 && prctl(65 /* PR_SET_MDWE */, 1 /* REFUSE_EXEC_GAIN */, 0, 0, 0)) {
		perror("workload: PR_SET_MDWE");
		exit(70);
	}
	t0 = now_ns();
	while (now_ns() - t0 < (uint64_t)warm * 1000000ull) {
		bad += batch(loop);
		all += BATCH;
	}
	for (int rep = 0; rep < reps; rep++) {
		calls = 0;
		t0 = now_ns();
		do {
			bad += batch(loop);
			calls += BATCH;
			t1 = now_ns();
		} while (t1 - t0 < (uint64_t)ms * 1000000ull);
		printf("%s %d %.1f %llu\n", name, rep, (double)(t1 - t0) / (double)calls,
		       (unsigned long long)calls);
		fflush(stdout);
		all += calls;
	}
	if (total)
		printf("%s total %llu\n", name, (unsigned long long)all);
	if (bad) {
		fprintf(stderr, "workload: %s: %llu calls did not behave as expected\n", name,
			(unsigned long long)bad);
		exit(1);
	}
	exit(0);
}

static int storm(unsigned long long n)
{
	unsigned long long eperm = 0;
	uint64_t t0, t1;

	drop_to_nobody();
	t0 = now_ns();
	for (unsigned long long i = 0; i < n; i++)
		if (kill(1, 0) < 0 && errno == EPERM)
			eperm++;
	t1 = now_ns();
	printf("storm calls=%llu eperm=%llu seconds=%.3f rate=%.0f\n", n, eperm,
	       (double)(t1 - t0) / 1e9, (double)n * 1e9 / (double)(t1 - t0));
	return eperm == n ? 0 : 1;
}

int main(int argc, char **argv)
{
	int reps = 5, ms = 200, warm = 50, i = 1, status = 0;

	if (argc == 3 && strcmp(argv[1], "storm") == 0)
		return storm(strtoull(argv[2], NULL, 10));
	for (; i + 1 < argc && strncmp(argv[i], "--", 2) == 0; i += 2) {
		if (strcmp(argv[i], "--reps") == 0)
			reps = atoi(argv[i + 1]);
		else if (strcmp(argv[i], "--ms") == 0)
			ms = atoi(argv[i + 1]);
		else if (strcmp(argv[i], "--warm") == 0)
			warm = atoi(argv[i + 1]);
		else if (strcmp(argv[i], "--total") == 0)
			total = atoi(argv[i + 1]);
		else
			break;
	}
	if (i >= argc || reps < 1 || ms < 1) {
		fprintf(stderr, "usage: workload [--reps N] [--ms MS] [--warm MS] [--total 1] "
				"ok|eperm|eperm1|seccomp|okfilt|eacces|mdwe...\n"
				"       workload storm N\n");
		return 64;
	}
	for (; i < argc; i++) {
		int loop = !strcmp(argv[i], "ok")	 ? 0
			   : !strcmp(argv[i], "eperm")	 ? 1
			   : !strcmp(argv[i], "seccomp") ? 2
			   : !strcmp(argv[i], "okfilt")	 ? 3
			   : !strcmp(argv[i], "eperm1")	 ? 4
			   : !strcmp(argv[i], "eacces")	 ? 5
			   : !strcmp(argv[i], "mdwe")	 ? 6
							 : -1;
		pid_t pid;
		int st;

		if (loop < 0) {
			fprintf(stderr, "workload: unknown loop '%s'\n", argv[i]);
			return 64;
		}
		fflush(stdout);
		pid = fork();
		if (pid < 0) {
			perror("workload: fork");
			return 70;
		}
		if (pid == 0)
			run_loop(argv[i], loop, reps, ms, warm);
		if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
			status = 1;
	}
	return status;
}
