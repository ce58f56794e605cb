/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Seccomp verdicts from the task's filter chain (tracepoint-only mode). The BPF side ships
 * each filter's classic BPF once (struct ep_sc_prog) and names the chain in every denial of a
 * seccomp task (ep_event.sc_filter[], newest first). Here: a bounded cache of the programs by
 * identity, a classic-BPF interpreter for the instructions seccomp accepts, and the kernel's
 * way of combining the filters' results (seccomp_run_filters()).
 */
#ifndef EPERMD_SECCOMP_EVAL_H
#define EPERMD_SECCOMP_EVAL_H

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdbool.h>
#include <stdint.h>

#include "epermd.h"

#define SC_CACHE_DEFAULT 256 /* programs kept; the least recently used goes first */

struct sc_cache;

/* Called when a program leaves the cache, so the kernel side ships it again next time. */
typedef void (*sc_evict_fn)(void *ctx, uint64_t id);

struct sc_verdict {
	uint32_t ret;	 /* the combined SECCOMP_RET_* value the kernel acted on */
	unsigned filter; /* the filter that decided it: 1 = oldest; 0 = none (empty chain) */
	unsigned n;	 /* filters evaluated */
	unsigned insn;	 /* the RET instruction of that filter (0-based) */
};

int sc_cache_new(unsigned cap, sc_evict_fn fn, void *ctx, struct sc_cache **out);
void sc_cache_free(struct sc_cache *c);
/* Validate and keep one program (a copy). -EINVAL: malformed, not kept. */
int sc_cache_add(struct sc_cache *c, uint64_t id, const struct sock_filter *insn, unsigned len);
/* Programs that failed validation, programs missing at evaluation time. */
void sc_cache_stats(const struct sc_cache *c, uint64_t *malformed, uint64_t *missing);

/* The checks the kernel makes (bpf_check_classic + seccomp_check_filter): 0 or -EINVAL. */
int sc_validate(const struct sock_filter *f, unsigned len);
/* Run one validated program; 0 and *ret / *pc (the RET taken), or -EINVAL. */
int sc_run(const struct sock_filter *f, unsigned len, const struct seccomp_data *sd, uint32_t *ret,
	   unsigned *pc);
/*
 * Run the chain ids[0..n) (newest first) and combine as the kernel does: the result whose
 * action (SECCOMP_RET_ACTION_FULL, as signed) is lowest wins; on a tie the newer filter.
 * -ENOENT when a program is not in the cache, -EINVAL when one does not run.
 */
int sc_eval_chain(struct sc_cache *c, const __u64 *ids, unsigned n, const struct seccomp_data *sd,
		  struct sc_verdict *v);
/* The seccomp_data the kernel built for this syscall (x86: AUDIT_ARCH_X86_64 or I386). */
void sc_data_from_event(const struct ep_event *ev, struct seccomp_data *sd);
/*
 * Decide a seccomp task's denial from its chain. When seccomp refused it (SECCOMP_RET_ERRNO
 * with the syscall's errno), append an EP_EV_SECCOMP/EP_HK_SC_CHAIN evidence record and
 * return 1; 0 when the chain allowed it (another subsystem said no); <0 when it cannot tell.
 */
int sc_eval_event(struct sc_cache *c, struct ep_event *ev);

#endif
