// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Landlock's domain pointer in the credentials' LSM blob (llcred.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/landlock.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "llcred.h"

#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#define SYS_landlock_restrict_self  446
#endif

#define LL_SAMPLES 2
/* the lowest kernel address on x86-64 with 5-level paging (0xffff800000000000 with 4 levels;
 * QEMU's guests run with 5: their slab pointers are 0xff4a...) */
#define KERNEL_PTR_MIN 0xff00000000000000ull

int llcred_solve(const uint64_t plain[][EP_LL_WORDS], const uint64_t ll[][EP_LL_WORDS], int k,
		 const char **why)
{
	for (int w = 0; w < EP_LL_WORDS; w++) {
		int ok = k > 0;

		for (int i = 0; ok && i < k; i++)
			ok = !plain[i][w] && ll[i][w] >= KERNEL_PTR_MIN && !(ll[i][w] & 7);
		if (ok) {
			*why = NULL;
			return w * 8;
		}
	}
	*why = "no word of the credentials' LSM blob holds a domain only when restricted";
	return -ENOENT;
}

/* In a child: enter a Landlock domain that refuses only mknod of block devices. 0, or the
 * errno of the call that failed (ENOSYS/EOPNOTSUPP: no Landlock; EPERM: a seccomp filter, as
 * a unit's SystemCallFilter= without the landlock calls). */
static int ll_enter(void)
{
	struct landlock_ruleset_attr attr = {.handled_access_fs = LANDLOCK_ACCESS_FS_MAKE_BLOCK};
	long fd = syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr), 0);

	if (fd < 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    syscall(SYS_landlock_restrict_self, (int)fd, 0))
		return errno > 0 && errno < 100 ? errno : EIO;
	return 0;
}

/* One sample in a forked child, restricted or not, copied from @words into @out. */
static int ll_sample(int prog_fd, volatile __u64 *words, int restricted, uint64_t out[EP_LL_WORDS])
{
	LIBBPF_OPTS(bpf_test_run_opts, opts);
	int st = 0;
	pid_t pid;

	for (int i = 0; i < EP_LL_WORDS; i++)
		words[i] = ~0ull;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int e = restricted ? ll_enter() : 0;

		_exit(e ? 100 + e : bpf_prog_test_run_opts(prog_fd, &opts) ? 3 : 0);
	}
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -ECHILD;
	if (WEXITSTATUS(st) > 100)
		return -(WEXITSTATUS(st) - 100) - 1000; /* -1000 - errno: Landlock refused */
	if (WEXITSTATUS(st))
		return -EIO;
	for (int i = 0; i < EP_LL_WORDS; i++)
		out[i] = words[i];
	return 0;
}

int llcred_calibrate(int prog_fd, volatile __u64 *words, const char **why)
{
	static char refused[128];
	uint64_t plain[LL_SAMPLES][EP_LL_WORDS], ll[LL_SAMPLES][EP_LL_WORDS];
	int err = 0;

	for (int i = 0; !err && i < LL_SAMPLES; i++) {
		err = ll_sample(prog_fd, words, 0, plain[i]);
		if (!err)
			err = ll_sample(prog_fd, words, 1, ll[i]);
	}
	if (err == -1000 - ENOSYS || err == -1000 - EOPNOTSUPP) {
		*why = "Landlock is not enabled in this kernel";
	} else if (err <= -1000) {
		snprintf(
		    refused, sizeof(refused), "entering a Landlock domain failed in a child: %s%s",
		    strerror(-err - 1000),
		    -err - 1000 == EPERM ? " (a seccomp filter refuses the landlock calls)" : "");
		*why = refused;
	} else if (err) {
		*why = "the probe did not run";
	}
	if (err)
		return err < -1000 ? -EOPNOTSUPP : err;
	return llcred_solve((const uint64_t(*)[EP_LL_WORDS])plain,
			    (const uint64_t(*)[EP_LL_WORDS])ll, LL_SAMPLES, why);
}
