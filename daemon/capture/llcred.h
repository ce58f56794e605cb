/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Where Landlock keeps a task's domain in its credentials' LSM blob (cred->security): the
 * offset depends on which LSMs the kernel was booted with, and no interface says it. The
 * ep_ll_probe program samples the blob of an unrestricted and of a Landlock-restricted child;
 * the domain pointer is the word that is 0 in the first and a kernel pointer in the second.
 */
#ifndef EPERMD_LLCRED_H
#define EPERMD_LLCRED_H

#include <stdint.h>

#include "epermd.h"

/*
 * The byte offset of the domain pointer from the samples: @plain[k] of k unrestricted tasks,
 * @ll[k] of k restricted ones (EP_LL_WORDS words each). The first word that is 0 in every
 * plain sample and a kernel pointer in every restricted one. Returns it, or -ENOENT with *why.
 */
int llcred_solve(const uint64_t plain[][EP_LL_WORDS], const uint64_t ll[][EP_LL_WORDS], int k,
		 const char **why);

/*
 * Run the probe (@prog_fd) in forked children, two restricted with a Landlock ruleset that
 * handles only LANDLOCK_ACCESS_FS_MAKE_BLOCK and two not, reading @words (the probe's
 * ll_words in the object's .bss) after each. Returns the offset, or a negative errno with
 * *why set (Landlock not in the kernel, the probe did not run, the samples did not agree).
 */
int llcred_calibrate(int prog_fd, volatile __u64 *words, const char **why);

#endif /* EPERMD_LLCRED_H */
