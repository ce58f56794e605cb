// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* seccomp_eval: the classic-BPF interpreter on real filters (the kernel's BPF_STMT/BPF_JUMP
 * macros), the chain's combination, the cache and the evidence it adds to a denial. */
#include <errno.h>
#include <linux/audit.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/syscall.h>

#include "seccomp_eval.h"
#include "unit.h"

#define N(a)   (sizeof(a) / sizeof((a)[0]))
#define LD(f)  BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, f))
#define RET(v) BPF_STMT(BPF_RET | BPF_K, (v))

static struct seccomp_data sd_of(int nr, unsigned long long a0, unsigned long long a1)
{
	struct seccomp_data sd = {.nr = nr, .arch = AUDIT_ARCH_X86_64};

	sd.args[0] = a0;
	sd.args[1] = a1;
	return sd;
}

static uint32_t run1(const struct sock_filter *f, unsigned len, struct seccomp_data sd,
		     unsigned *pc)
{
	uint32_t r = 0xdeadbeef;
	unsigned p = ~0u;

	if (sc_run(f, len, &sd, &r, &p))
		return 0xdeadbeef;
	if (pc)
		*pc = p;
	return r;
}

/* allow read/write/exit, kill everything else (the classic allow-list) */
static const struct sock_filter allow_list[] = {
    LD(arch),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
    RET(SECCOMP_RET_KILL_PROCESS),
    LD(nr),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_read, 3, 0),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_write, 2, 0),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_exit, 1, 0),
    RET(SECCOMP_RET_ERRNO | EPERM),
    RET(SECCOMP_RET_ALLOW),
};

TEST(seccomp_allow_list)
{
	unsigned pc = 0;

	CHECK(sc_validate(allow_list, N(allow_list)) == 0);
	CHECK(run1(allow_list, N(allow_list), sd_of(SYS_read, 0, 0), &pc) == SECCOMP_RET_ALLOW);
	CHECK(pc == 8);
	CHECK(run1(allow_list, N(allow_list), sd_of(SYS_mkdir, 0, 0), &pc) ==
	      (SECCOMP_RET_ERRNO | EPERM));
	CHECK(pc == 7);
	struct seccomp_data i386 = sd_of(SYS_read, 0, 0);
	i386.arch = AUDIT_ARCH_I386;
	CHECK(run1(allow_list, N(allow_list), i386, &pc) == SECCOMP_RET_KILL_PROCESS);
	CHECK(pc == 2);
}

/* deny-list with an argument check: socket(AF_PACKET, ...) and ptrace refused */
static const struct sock_filter deny_args[] = {
    LD(nr),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_ptrace, 4, 0),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_socket, 0, 4),
    LD(args[0]), /* low 32 bits of the first argument (little endian) */
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 17 /* AF_PACKET */, 1, 0),
    RET(SECCOMP_RET_ALLOW),
    RET(SECCOMP_RET_ERRNO | EACCES),
    RET(SECCOMP_RET_ALLOW),
};

TEST(seccomp_deny_list_args)
{
	CHECK(sc_validate(deny_args, N(deny_args)) == 0);
	CHECK(run1(deny_args, N(deny_args), sd_of(SYS_socket, 17, 3), NULL) ==
	      (SECCOMP_RET_ERRNO | EACCES));
	CHECK(run1(deny_args, N(deny_args), sd_of(SYS_socket, 2, 3), NULL) == SECCOMP_RET_ALLOW);
	CHECK(run1(deny_args, N(deny_args), sd_of(SYS_ptrace, 0, 0), NULL) ==
	      (SECCOMP_RET_ERRNO | EACCES));
	CHECK(run1(deny_args, N(deny_args), sd_of(SYS_getpid, 0, 0), NULL) == SECCOMP_RET_ALLOW);
}

/* ALU, scratch memory, X register, JSET/JGT/JGE, BPF_LEN and RET A */
TEST(seccomp_alu_mem_forms)
{
	const struct sock_filter f[] = {
	    LD(args[1]),			       /* A = flags */
	    BPF_STMT(BPF_ST, 3),		       /* M[3] = A */
	    BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0xff), /* A &= 0xff */
	    BPF_STMT(BPF_MISC | BPF_TAX, 0),	       /* X = A */
	    BPF_STMT(BPF_LD | BPF_MEM, 3),	       /* A = M[3] */
	    BPF_STMT(BPF_ALU | BPF_RSH | BPF_K, 8),    /* A >>= 8 */
	    BPF_STMT(BPF_ALU | BPF_ADD | BPF_X, 0),    /* A += X */
	    BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x100, 0, 1),
	    RET(SECCOMP_RET_ERRNO | 22),
	    BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, 100, 0, 2),
	    BPF_STMT(BPF_LDX | BPF_W | BPF_LEN, 0), /* X = 64 */
	    BPF_JUMP(BPF_JMP | BPF_JGE | BPF_X, 0, 0, 1),
	    BPF_STMT(BPF_MISC | BPF_TXA, 0),
	    BPF_STMT(BPF_ALU | BPF_OR | BPF_K, SECCOMP_RET_ERRNO),
	    BPF_STMT(BPF_RET | BPF_A, 0),
	};

	CHECK(sc_validate(f, N(f)) == 0);
	/* 0x0203: (0x02) + 0x03 = 5: no JSET, not > 100 -> A = X (3) -> ERRNO | 3 */
	CHECK(run1(f, N(f), sd_of(0, 0, 0x0203), NULL) == (SECCOMP_RET_ERRNO | 3));
	/* 0xff80: 0xff + 0x80 = 0x17f: JSET 0x100 -> ERRNO(22) */
	CHECK(run1(f, N(f), sd_of(0, 0, 0xff80), NULL) == (SECCOMP_RET_ERRNO | 22));
	/* 0x5050: 0x50 + 0x50 = 160 > 100, 160 >= 64 -> X (64) -> ERRNO | 64 */
	CHECK(run1(f, N(f), sd_of(0, 0, 0x5050), NULL) == (SECCOMP_RET_ERRNO | 64));
	/* division by a zero X: the converted program returns 0 (KILL_THREAD) */
	const struct sock_filter div[] = {
	    BPF_STMT(BPF_LDX | BPF_IMM, 0),
	    BPF_STMT(BPF_LD | BPF_IMM, 7),
	    BPF_STMT(BPF_ALU | BPF_DIV | BPF_X, 0),
	    RET(SECCOMP_RET_ALLOW),
	};
	CHECK(run1(div, N(div), sd_of(0, 0, 0), NULL) == 0);
}

TEST(seccomp_malformed)
{
	const struct sock_filter no_ret[] = {LD(nr), BPF_STMT(BPF_ALU | BPF_NEG, 0)};
	const struct sock_filter jump_out[] = {LD(nr), BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 5, 0),
					       RET(SECCOMP_RET_ALLOW)};
	const struct sock_filter ja_out[] = {BPF_STMT(BPF_JMP | BPF_JA, 0xffffffff),
					     RET(SECCOMP_RET_ALLOW)};
	const struct sock_filter unaligned[] = {BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 2),
						RET(SECCOMP_RET_ALLOW)};
	const struct sock_filter past_end[] = {BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 64),
					       RET(SECCOMP_RET_ALLOW)};
	const struct sock_filter byte_load[] = {BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 0),
						RET(SECCOMP_RET_ALLOW)};
	const struct sock_filter mem_out[] = {BPF_STMT(BPF_ST, 16), RET(SECCOMP_RET_ALLOW)};
	const struct sock_filter div0[] = {BPF_STMT(BPF_ALU | BPF_DIV | BPF_K, 0),
					   RET(SECCOMP_RET_ALLOW)};
	const struct sock_filter shift[] = {BPF_STMT(BPF_ALU | BPF_LSH | BPF_K, 32),
					    RET(SECCOMP_RET_ALLOW)};
	const struct sock_filter mod[] = {BPF_STMT(BPF_ALU | BPF_MOD | BPF_K, 3),
					  RET(SECCOMP_RET_ALLOW)};
	struct seccomp_data sd = sd_of(1, 0, 0);
	uint32_t r;
	unsigned pc = 0;

	CHECK(sc_validate(no_ret, N(no_ret)) == -EINVAL);
	CHECK(sc_validate(jump_out, N(jump_out)) == -EINVAL);
	CHECK(sc_validate(ja_out, N(ja_out)) == -EINVAL);
	CHECK(sc_validate(unaligned, N(unaligned)) == -EINVAL);
	CHECK(sc_validate(past_end, N(past_end)) == -EINVAL);
	CHECK(sc_validate(byte_load, N(byte_load)) == -EINVAL);
	CHECK(sc_validate(mem_out, N(mem_out)) == -EINVAL);
	CHECK(sc_validate(div0, N(div0)) == -EINVAL);
	CHECK(sc_validate(shift, N(shift)) == -EINVAL);
	CHECK(sc_validate(mod, N(mod)) == -EINVAL);
	CHECK(sc_validate(allow_list, 0) == -EINVAL);
	CHECK(sc_validate(NULL, 3) == -EINVAL);
	/* the interpreter refuses on its own too, without a validation first */
	CHECK(sc_run(jump_out, N(jump_out), &sd, &r, &pc) == -EINVAL);
	CHECK(sc_run(no_ret, N(no_ret), &sd, &r, &pc) == -EINVAL);
	CHECK(sc_run(ja_out, N(ja_out), &sd, &r, &pc) == -EINVAL);
	CHECK(sc_run(past_end, N(past_end), &sd, &r, &pc) == -EINVAL);
	CHECK(sc_run(mem_out, N(mem_out), &sd, &r, &pc) == -EINVAL);
}

/* every 8-byte pattern of a few opcodes: no crash, validated programs always run */
TEST(seccomp_random_programs)
{
	struct sock_filter f[6];
	struct seccomp_data sd = sd_of(2, 3, 4);
	unsigned seed = 1, ok = 0;

	for (int n = 0; n < 20000; n++) {
		for (unsigned i = 0; i < N(f); i++) {
			seed = seed * 1103515245u + 12345u;
			f[i].code = (seed >> 8) & 0xff;
			f[i].jt = (seed >> 16) & 3;
			f[i].jf = (seed >> 20) & 3;
			f[i].k = (seed >> 24) & 0x3c;
		}
		f[N(f) - 1] = (struct sock_filter)RET(SECCOMP_RET_ALLOW);
		if (sc_validate(f, N(f)) == 0) {
			uint32_t r;
			unsigned pc;

			CHECK(sc_run(f, N(f), &sd, &r, &pc) == 0);
			CHECK(pc < N(f));
			ok++;
		}
	}
	CHECK(ok > 0);
}

static uint64_t evicted_id;
static void on_evict(void *ctx, uint64_t id)
{
	(void)ctx;
	evicted_id = id;
}

TEST(seccomp_chain_and_event)
{
	const struct sock_filter oldest[] = {
	    LD(nr), BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_rmdir, 0, 1),
	    RET(SECCOMP_RET_ERRNO | EACCES), RET(SECCOMP_RET_ALLOW)};
	const struct sock_filter newest[] = {LD(nr),
					     BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_mkdir, 0, 1),
					     RET(SECCOMP_RET_ERRNO | EPERM), RET(SECCOMP_RET_LOG)};
	/* a third, newer still, that also refuses mkdir but with EACCES: a tie of actions, and
	 * the newer filter's data wins */
	const struct sock_filter tie[] = {LD(nr),
					  BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_mkdir, 0, 1),
					  RET(SECCOMP_RET_ERRNO | EACCES), RET(SECCOMP_RET_ALLOW)};
	struct sc_cache *c = NULL;
	struct ep_event *ev = calloc(1, sizeof(*ev));
	struct seccomp_data sd = sd_of(SYS_mkdir, 0, 0);
	struct sc_verdict v;
	__u64 ids[3] = {0x30, 0x20, 0x10};

	CHECK(ev != NULL);
	if (!ev)
		return;
	CHECK(sc_cache_new(2, on_evict, NULL, &c) == 0);
	CHECK(sc_cache_add(c, 0x10, oldest, N(oldest)) == 0);
	CHECK(sc_cache_add(c, 0x20, newest, N(newest)) == 0);
	CHECK(sc_eval_chain(c, ids + 1, 2, &sd, &v) == 0);
	CHECK(v.ret == (SECCOMP_RET_ERRNO | EPERM) && v.filter == 2 && v.insn == 2 && v.n == 2);
	sd.nr = SYS_rmdir;
	CHECK(sc_eval_chain(c, ids + 1, 2, &sd, &v) == 0);
	CHECK(v.ret == (SECCOMP_RET_ERRNO | EACCES) && v.filter == 1);
	sd.nr = SYS_getpid; /* LOG (newest) beats ALLOW: lower action */
	CHECK(sc_eval_chain(c, ids + 1, 2, &sd, &v) == 0);
	CHECK(v.ret == SECCOMP_RET_LOG && v.filter == 2);
	/* a third program evicts the least recently used one (0x10 was used last by now?) */
	CHECK(sc_cache_add(c, 0x30, tie, N(tie)) == 0);
	CHECK(evicted_id == 0x10 || evicted_id == 0x20);
	CHECK(sc_eval_chain(c, ids, 3, &sd, &v) == -ENOENT);
	CHECK(sc_cache_add(c, 0x40, (const struct sock_filter[]){LD(nr)}, 1) == -EINVAL);
	uint64_t mal, miss;
	sc_cache_stats(c, &mal, &miss);
	CHECK(mal == 1 && miss == 1);
	sc_cache_free(c);

	/* the whole event path: tie -> the newest (3 of 3) decides, with its EACCES */
	CHECK(sc_cache_new(8, NULL, NULL, &c) == 0);
	sc_cache_add(c, 0x10, oldest, N(oldest));
	sc_cache_add(c, 0x20, newest, N(newest));
	sc_cache_add(c, 0x30, tie, N(tie));
	ev->flags = EP_F_SECCOMP_TASK;
	ev->syscall_nr = SYS_mkdir;
	ev->ret = -EACCES;
	ev->n_sc_filter = 3;
	memcpy(ev->sc_filter, ids, sizeof(ids));
	CHECK(sc_eval_event(c, ev) == 1);
	CHECK(ev->n_ev == 1 && ev->ev[0].kind == EP_EV_SECCOMP && ev->ev[0].src == EP_HK_SC_CHAIN);
	CHECK(ev->ev[0].a[1] == EACCES && ev->ev[0].a[0] == (SECCOMP_RET_ERRNO | EACCES));
	CHECK_STR(ev->ev[0].name, "filter 3 of 3, insn 2");
	/* full mode: after fexit __seccomp_filter's record, the chain still names the filter */
	ev->n_ev = 1;
	ev->ev[0].src = EP_HK_SECCOMP_FILTER;
	ev->ev[0].name[0] = 0;
	CHECK(sc_eval_event(c, ev) == 1);
	CHECK(ev->n_ev == 2 && ev->ev[0].src == EP_HK_SECCOMP_FILTER &&
	      ev->ev[1].src == EP_HK_SC_CHAIN);
	CHECK_STR(ev->ev[1].name, "filter 3 of 3, insn 2");
	/* mkdir failing with EPERM: the chain said EACCES, so not seccomp's doing */
	ev->n_ev = 0;
	ev->ret = -EPERM;
	CHECK(sc_eval_event(c, ev) == 0 && ev->n_ev == 0);
	/* an allowed syscall that failed for another reason */
	ev->syscall_nr = SYS_openat;
	ev->ret = -EACCES;
	CHECK(sc_eval_event(c, ev) == 0 && ev->n_ev == 0);
	/* a truncated chain cannot be decided */
	ev->sc_chain_trunc = 1;
	CHECK(sc_eval_event(c, ev) < 0);
	sc_cache_free(c);
	free(ev);
}
