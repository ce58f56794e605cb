// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Seccomp verdicts from the task's filter chain: program cache, classic-BPF interpreter, chain
 * combination. See seccomp_eval.h. The programs come from the kernel (bpf_prog->orig_prog, the
 * instructions as the task passed them, before the kernel's own rewriting), so they are
 * checked again here as the kernel checked them: nothing in them is trusted.
 */
#include <errno.h>
#include <linux/audit.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "seccomp_eval.h"

#define SC_MEMWORDS  16 /* BPF_MEMWORDS */
#define SC_MAX_ERRNO 4095

struct sc_entry {
	uint64_t id;
	uint64_t used; /* cache clock at the last use; 0 = free slot */
	unsigned len;
	struct sock_filter *insn;
};

struct sc_cache {
	unsigned cap;
	uint64_t clock;
	uint64_t malformed, missing;
	sc_evict_fn evict;
	void *ctx;
	struct sc_entry e[];
};

int sc_cache_new(unsigned cap, sc_evict_fn fn, void *ctx, struct sc_cache **out)
{
	struct sc_cache *c;

	*out = NULL;
	if (!cap || cap > 65536)
		return -EINVAL;
	c = calloc(1, sizeof(*c) + cap * sizeof(c->e[0]));
	if (!c)
		return -ENOMEM;
	c->cap = cap;
	c->evict = fn;
	c->ctx = ctx;
	*out = c;
	return 0;
}

void sc_cache_free(struct sc_cache *c)
{
	if (!c)
		return;
	for (unsigned i = 0; i < c->cap; i++)
		free(c->e[i].insn);
	free(c);
}

void sc_cache_stats(const struct sc_cache *c, uint64_t *malformed, uint64_t *missing)
{
	/* read from the stats thread while the reader thread counts */
	*malformed = c ? __atomic_load_n(&c->malformed, __ATOMIC_RELAXED) : 0;
	*missing = c ? __atomic_load_n(&c->missing, __ATOMIC_RELAXED) : 0;
}

static struct sc_entry *cache_find(struct sc_cache *c, uint64_t id)
{
	for (unsigned i = 0; i < c->cap; i++)
		if (c->e[i].used && c->e[i].id == id)
			return &c->e[i];
	return NULL;
}

/* A free slot, or the least recently used one, emptied (and the kernel side told). */
static struct sc_entry *cache_slot(struct sc_cache *c)
{
	struct sc_entry *lru = &c->e[0];

	for (unsigned i = 0; i < c->cap; i++) {
		if (!c->e[i].used)
			return &c->e[i];
		if (c->e[i].used < lru->used)
			lru = &c->e[i];
	}
	if (c->evict)
		c->evict(c->ctx, lru->id);
	free(lru->insn);
	memset(lru, 0, sizeof(*lru));
	return lru;
}

int sc_cache_add(struct sc_cache *c, uint64_t id, const struct sock_filter *insn, unsigned len)
{
	struct sc_entry *e;
	struct sock_filter *copy;

	if (sc_validate(insn, len)) {
		__atomic_fetch_add(&c->malformed, 1, __ATOMIC_RELAXED);
		return -EINVAL;
	}
	copy = malloc(len * sizeof(*copy));
	if (!copy)
		return -ENOMEM;
	memcpy(copy, insn, len * sizeof(*copy));
	e = cache_find(c, id);
	if (e)
		free(e->insn);
	else
		e = cache_slot(c);
	e->id = id;
	e->insn = copy;
	e->len = len;
	e->used = ++c->clock;
	return 0;
}

/* The opcodes seccomp_check_filter() lets through (after bpf_check_classic()). */
static bool sc_opcode_ok(const struct sock_filter *f)
{
	switch (f->code) {
	case BPF_LD | BPF_W | BPF_ABS:
		/* a 32-bit aligned word of struct seccomp_data */
		return f->k < sizeof(struct seccomp_data) && !(f->k & 3);
	case BPF_LD | BPF_W | BPF_LEN:
	case BPF_LDX | BPF_W | BPF_LEN:
	case BPF_RET | BPF_K:
	case BPF_RET | BPF_A:
	case BPF_ALU | BPF_ADD | BPF_K:
	case BPF_ALU | BPF_ADD | BPF_X:
	case BPF_ALU | BPF_SUB | BPF_K:
	case BPF_ALU | BPF_SUB | BPF_X:
	case BPF_ALU | BPF_MUL | BPF_K:
	case BPF_ALU | BPF_MUL | BPF_X:
	case BPF_ALU | BPF_DIV | BPF_X:
	case BPF_ALU | BPF_AND | BPF_K:
	case BPF_ALU | BPF_AND | BPF_X:
	case BPF_ALU | BPF_OR | BPF_K:
	case BPF_ALU | BPF_OR | BPF_X:
	case BPF_ALU | BPF_XOR | BPF_K:
	case BPF_ALU | BPF_XOR | BPF_X:
	case BPF_ALU | BPF_LSH | BPF_X:
	case BPF_ALU | BPF_RSH | BPF_X:
	case BPF_ALU | BPF_NEG:
	case BPF_LD | BPF_IMM:
	case BPF_LDX | BPF_IMM:
	case BPF_MISC | BPF_TAX:
	case BPF_MISC | BPF_TXA:
	case BPF_JMP | BPF_JA:
	case BPF_JMP | BPF_JEQ | BPF_K:
	case BPF_JMP | BPF_JEQ | BPF_X:
	case BPF_JMP | BPF_JGE | BPF_K:
	case BPF_JMP | BPF_JGE | BPF_X:
	case BPF_JMP | BPF_JGT | BPF_K:
	case BPF_JMP | BPF_JGT | BPF_X:
	case BPF_JMP | BPF_JSET | BPF_K:
	case BPF_JMP | BPF_JSET | BPF_X:
		return true;
	case BPF_ALU | BPF_DIV | BPF_K:
		return f->k != 0;
	case BPF_ALU | BPF_LSH | BPF_K:
	case BPF_ALU | BPF_RSH | BPF_K:
		return f->k < 32;
	case BPF_LD | BPF_MEM:
	case BPF_LDX | BPF_MEM:
	case BPF_ST:
	case BPF_STX:
		return f->k < SC_MEMWORDS;
	default:
		return false;
	}
}

int sc_validate(const struct sock_filter *f, unsigned len)
{
	if (!f || !len || len > EP_SC_MAX_INSNS)
		return -EINVAL;
	for (unsigned pc = 0; pc < len; pc++) {
		const struct sock_filter *i = &f[pc];

		if (!sc_opcode_ok(i))
			return -EINVAL;
		if (BPF_CLASS(i->code) != BPF_JMP)
			continue;
		/* every jump lands inside the program (forward only: no loops) */
		if (BPF_OP(i->code) == BPF_JA) {
			if (i->k >= len - pc - 1)
				return -EINVAL;
		} else if (pc + i->jt + 1 >= len || pc + i->jf + 1 >= len) {
			return -EINVAL;
		}
	}
	/* the last instruction returns: every path ends in a RET */
	return BPF_CLASS(f[len - 1].code) == BPF_RET ? 0 : -EINVAL;
}

static uint32_t sc_word(const struct seccomp_data *sd, uint32_t k)
{
	uint32_t w;

	memcpy(&w, (const char *)sd + k, sizeof(w));
	return w;
}

/* 32-bit ALU as the kernel's converted program computes it. -1: division by zero (the
 * converted program then returns 0). */
static int sc_alu(const struct sock_filter *i, uint32_t *a, uint32_t x)
{
	uint32_t v = BPF_SRC(i->code) == BPF_X ? x : i->k;

	switch (BPF_OP(i->code)) {
	case BPF_ADD:
		*a += v;
		break;
	case BPF_SUB:
		*a -= v;
		break;
	case BPF_MUL:
		*a *= v;
		break;
	case BPF_DIV:
		if (!v)
			return -1;
		*a /= v;
		break;
	case BPF_AND:
		*a &= v;
		break;
	case BPF_OR:
		*a |= v;
		break;
	case BPF_XOR:
		*a ^= v;
		break;
	case BPF_LSH:
		*a <<= v & 31;
		break;
	case BPF_RSH:
		*a >>= v & 31;
		break;
	case BPF_NEG:
		*a = -*a;
		break;
	}
	return 0;
}

static bool sc_jump_taken(const struct sock_filter *i, uint32_t a, uint32_t x)
{
	uint32_t v = BPF_SRC(i->code) == BPF_X ? x : i->k;

	switch (BPF_OP(i->code)) {
	case BPF_JEQ:
		return a == v;
	case BPF_JGE:
		return a >= v;
	case BPF_JGT:
		return a > v;
	default:
		return (a & v) != 0; /* BPF_JSET */
	}
}

int sc_run(const struct sock_filter *f, unsigned len, const struct seccomp_data *sd, uint32_t *ret,
	   unsigned *pc_out)
{
	uint32_t a = 0, x = 0, mem[SC_MEMWORDS] = {0};
	unsigned pc = 0;

	/* forward jumps only: at most len steps; the bounds are checked at every step anyway */
	while (pc < len) {
		const struct sock_filter *i = &f[pc];

		if (!sc_opcode_ok(i))
			return -EINVAL;
		switch (BPF_CLASS(i->code)) {
		case BPF_LD:
			if (BPF_MODE(i->code) == BPF_ABS)
				a = sc_word(sd, i->k);
			else if (BPF_MODE(i->code) == BPF_LEN)
				a = sizeof(*sd);
			else if (BPF_MODE(i->code) == BPF_MEM)
				a = mem[i->k];
			else
				a = i->k;
			break;
		case BPF_LDX:
			if (BPF_MODE(i->code) == BPF_LEN)
				x = sizeof(*sd);
			else if (BPF_MODE(i->code) == BPF_MEM)
				x = mem[i->k];
			else
				x = i->k;
			break;
		case BPF_ST:
			mem[i->k] = a;
			break;
		case BPF_STX:
			mem[i->k] = x;
			break;
		case BPF_ALU:
			if (sc_alu(i, &a, x)) {
				*ret = 0;
				*pc_out = pc;
				return 0;
			}
			break;
		case BPF_MISC:
			if (BPF_MISCOP(i->code) == BPF_TAX)
				x = a;
			else
				a = x;
			break;
		case BPF_JMP:
			if (BPF_OP(i->code) == BPF_JA) {
				if (i->k >= len - pc - 1)
					return -EINVAL;
				pc += i->k;
			} else {
				pc += sc_jump_taken(i, a, x) ? i->jt : i->jf;
			}
			break;
		case BPF_RET:
			*ret = BPF_RVAL(i->code) == BPF_A ? a : i->k;
			*pc_out = pc;
			return 0;
		}
		pc++;
	}
	return -EINVAL;
}

static int32_t sc_action(uint32_t ret)
{
	return (int32_t)(ret & SECCOMP_RET_ACTION_FULL);
}

int sc_eval_chain(struct sc_cache *c, const __u64 *ids, unsigned n, const struct seccomp_data *sd,
		  struct sc_verdict *v)
{
	*v = (struct sc_verdict){.ret = SECCOMP_RET_ALLOW, .n = n};
	for (unsigned k = 0; k < n; k++) {
		struct sc_entry *e = cache_find(c, ids[k]);
		uint32_t r;
		unsigned pc;

		if (!e) {
			__atomic_fetch_add(&c->missing, 1, __ATOMIC_RELAXED);
			return -ENOENT;
		}
		e->used = ++c->clock;
		if (sc_run(e->insn, e->len, sd, &r, &pc))
			return -EINVAL;
		/* seccomp_run_filters(): strictly lower wins, so a tie keeps the newer filter */
		if (sc_action(r) < sc_action(v->ret) ||
		    (!v->filter && sc_action(r) == sc_action(v->ret))) {
			v->ret = r;
			v->filter = n - k; /* counted from the oldest */
			v->insn = pc;
		}
	}
	return 0;
}

void sc_data_from_event(const struct ep_event *ev, struct seccomp_data *sd)
{
	memset(sd, 0, sizeof(*sd));
	sd->nr = ev->syscall_nr;
	sd->arch = (ev->flags & EP_F_COMPAT) ? AUDIT_ARCH_I386 : AUDIT_ARCH_X86_64;
	sd->instruction_pointer = ev->ip;
	for (int i = 0; i < 6; i++)
		sd->args[i] = ev->args[i];
}

/* Append one evidence record; a full array drops its oldest record, as the kernel side does. */
static void ev_append(struct ep_event *ev, const struct ep_evidence *rec)
{
	if (ev->n_ev >= EP_MAX_EV) {
		memmove(&ev->ev[0], &ev->ev[1], sizeof(ev->ev[0]) * (EP_MAX_EV - 1));
		ev->n_ev = EP_MAX_EV - 1;
		ev->flags |= EP_F_EV_OVERFLOW;
	}
	ev->ev[ev->n_ev++] = *rec;
}

int sc_eval_event(struct sc_cache *c, struct ep_event *ev)
{
	struct ep_evidence rec = {.kind = EP_EV_SECCOMP, .src = EP_HK_SC_CHAIN};
	unsigned n = ev->n_sc_filter, err = -ev->ret;
	struct seccomp_data sd;
	struct sc_verdict v;
	int r;

	if (!(ev->flags & EP_F_SECCOMP_TASK) || !n || n > EP_MAX_SC_FILTERS)
		return -ENOENT;
	/* filters beyond EP_MAX_SC_FILTERS may have refused it: the verdict would be a guess */
	if (ev->sc_chain_trunc)
		return -E2BIG;
	sc_data_from_event(ev, &sd);
	r = sc_eval_chain(c, ev->sc_filter, n, &sd, &v);
	if (r)
		return r;
	if ((v.ret & SECCOMP_RET_ACTION_FULL) != SECCOMP_RET_ERRNO)
		return 0;
	/* the kernel caps the filter's errno at MAX_ERRNO */
	if ((v.ret & SECCOMP_RET_DATA) != err &&
	    !((v.ret & SECCOMP_RET_DATA) > SC_MAX_ERRNO && err == SC_MAX_ERRNO))
		return 0;
	/* also next to the kernel's own word (fexit __seccomp_filter, full mode): that one says
	 * seccomp refused the call, only the chain names the filter and its rule */
	rec.ret = ev->ret;
	rec.a[0] = v.ret;
	rec.a[1] = err;
	rec.a[2] = SECCOMP_MODE_FILTER;
	rec.a[3] = (uint64_t)v.n << 48 | (uint64_t)v.filter << 32 | v.insn;
	snprintf(rec.name, sizeof(rec.name), "filter %u of %u, insn %u", v.filter, v.n, v.insn);
	ev_append(ev, &rec);
	return 1;
}
