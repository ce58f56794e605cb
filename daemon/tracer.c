// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Loader of the tracepoint layer: probe hooks, set rodata, load, attach, consume the ring. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "epermd.skel.h"
#include "hooks.h"
#include "names.h"
#include "tracer.h"

#define TRACER_DEFAULT_RING (16u << 20)
#define TRACER_MAX_PENDING  16

enum hook_mode {
	MODE_OFF = 0,
	MODE_BTF,
	MODE_RAW,
};

struct hook_pair {
	struct bpf_program *btf, *raw;
	const char *tp;
	const char *name_btf, *name_raw;
	int ep_hook; /* enum ep_hook bit for hooks_active, 0 = none */
	enum hook_mode mode;
	int idx;
	struct bpf_link **link_btf, **link_raw;
};

enum { HK_EXIT, HK_ENTER, HK_CAP, HK_FORK, HK_TEXIT, HK_N };

struct tracer {
	struct tracer_opts opts;
	struct epermd_bpf *skel;
	struct ring_buffer *rb;
	tracer_event_fn fn;
	void *ctx;
	int ncpus;
	struct ep_counters *percpu;
	struct tracer_features f;
	pid_t pending[TRACER_MAX_PENDING];
	int n_pending;
	enum hook_mode mode; /* tp_btf or raw_tp for every tracepoint program */
	struct hook_pair hk[HK_N];
};

static int tracer_verbose;

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG && tracer_verbose < 3)
		return 0;
	if (level == LIBBPF_INFO && tracer_verbose < 1)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static bool is_pow2(size_t v)
{
	return v && !(v & (v - 1));
}

int tracer_new(const struct tracer_opts *opts, struct tracer **out)
{
	long page = sysconf(_SC_PAGESIZE);
	struct tracer *t;

	*out = NULL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	if (opts)
		t->opts = *opts;
	if (!t->opts.ring_bytes)
		t->opts.ring_bytes = TRACER_DEFAULT_RING;
	if (!t->opts.poll_ms)
		t->opts.poll_ms = 10;
	if (!is_pow2(t->opts.ring_bytes) || t->opts.ring_bytes < (size_t)page ||
	    t->opts.ring_bytes > (1u << 30) || t->opts.poll_ms < 0) {
		free(t);
		return -EINVAL;
	}
	*out = t;
	return 0;
}

/* A two-instruction program: "r0 = 0; exit". */
static int load_trivial(enum bpf_prog_type type, const struct bpf_prog_load_opts *opts)
{
	const struct bpf_insn insns[] = {
	    {.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0},
	    {.code = BPF_JMP | BPF_EXIT},
	};

	return bpf_prog_load(type, NULL, "GPL", insns, 2, opts);
}

/* tp_btf works when the kernel has the btf_trace_<tp> typedef and accepts the program. */
static bool probe_tp_btf(const struct btf *vmlinux, const char *tp)
{
	char name[128];
	int id, fd;

	if (!vmlinux)
		return false;
	snprintf(name, sizeof(name), "btf_trace_%s", tp);
	id = btf__find_by_name_kind(vmlinux, name, BTF_KIND_TYPEDEF);
	if (id <= 0)
		return false;
	LIBBPF_OPTS(bpf_prog_load_opts, o, .expected_attach_type = BPF_TRACE_RAW_TP,
		    .attach_btf_id = id);
	fd = load_trivial(BPF_PROG_TYPE_TRACING, &o);
	if (fd < 0)
		return false;
	close(fd);
	return true;
}

/* BPF_ATOMIC with BPF_FETCH (5.12): the event sequence needs the old value back. */
static bool probe_atomic_fetch(void)
{
	const struct bpf_insn insns[] = {
	    {.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_1, .imm = 0},
	    {.code = BPF_STX | BPF_MEM | BPF_DW,
	     .dst_reg = BPF_REG_10,
	     .src_reg = BPF_REG_1,
	     .off = -8},
	    {.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_1, .imm = 1},
	    {.code = BPF_STX | BPF_ATOMIC | BPF_DW,
	     .dst_reg = BPF_REG_10,
	     .src_reg = BPF_REG_1,
	     .off = -8,
	     .imm = BPF_ADD | BPF_FETCH},
	    {.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0},
	    {.code = BPF_JMP | BPF_EXIT},
	};
	int fd = bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, NULL, "GPL", insns,
			       sizeof(insns) / sizeof(insns[0]), NULL);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

/* The raw tracepoint exists when a trivial program attaches to it. */
static bool probe_raw_tp(const char *tp)
{
	int fd, lfd;

	fd = load_trivial(BPF_PROG_TYPE_RAW_TRACEPOINT, NULL);
	if (fd < 0)
		return false;
	lfd = bpf_raw_tracepoint_open(tp, fd);
	if (lfd >= 0)
		close(lfd);
	close(fd);
	return lfd >= 0;
}

static int add_hook(struct tracer_features *f, const char *name, bool active, const char *why)
{
	if (f->n_hooks >= TRACER_MAX_HOOKS)
		return -1;
	f->hooks[f->n_hooks] = (struct tracer_hook_state){name, active, active ? NULL : why};
	return f->n_hooks++;
}

/* Pick tp_btf or raw_tp for one tracepoint; switch both off when unwanted or absent. */
static void hook_choose(struct tracer *t, const struct btf *vmlinux, struct hook_pair *h, bool want,
			const char *why_off)
{
	h->mode = MODE_OFF;
	if (want) {
		if (t->mode == MODE_BTF && probe_tp_btf(vmlinux, h->tp))
			h->mode = MODE_BTF;
		else if (probe_raw_tp(h->tp))
			h->mode = MODE_RAW;
		else
			why_off = "tracepoint not in this kernel";
	}
	bpf_program__set_autoload(h->btf, h->mode == MODE_BTF);
	bpf_program__set_autoload(h->raw, h->mode == MODE_RAW);
	h->idx = add_hook(&t->f, h->mode == MODE_RAW ? h->name_raw : h->name_btf,
			  h->mode != MODE_OFF, why_off);
}

static void hook_off(struct tracer *t, struct hook_pair *h, const char *why)
{
	h->mode = MODE_OFF;
	bpf_program__set_autoload(h->btf, false);
	bpf_program__set_autoload(h->raw, false);
	if (h->idx >= 0) {
		t->f.hooks[h->idx].active = false;
		t->f.hooks[h->idx].why = why;
	}
}

static int hook_attach(struct tracer *t, struct hook_pair *h)
{
	struct bpf_program *p = h->mode == MODE_BTF ? h->btf : h->raw;
	struct bpf_link **slot = h->mode == MODE_BTF ? h->link_btf : h->link_raw;
	struct bpf_link *l;

	if (h->mode == MODE_OFF)
		return 0;
	l = bpf_program__attach(p);
	if (!l) {
		int err = -errno;

		if (h->idx >= 0) {
			t->f.hooks[h->idx].active = false;
			t->f.hooks[h->idx].why = "attach failed";
		}
		h->mode = MODE_OFF;
		return err;
	}
	*slot = l;
	if (h->ep_hook)
		t->f.hooks_active |= 1ull << h->ep_hook;
	return 0;
}

static int on_sample(void *ctx, void *data, size_t size)
{
	struct tracer *t = ctx;

	if (size < sizeof(struct ep_event))
		return 0;
	return t->fn(t->ctx, data);
}

static void set_rodata(struct tracer *t, bool use_task_btf)
{
	struct epermd_bpf *s = t->skel;

	s->rodata->self_tgid = getpid();
	s->rodata->filter_tracked = t->opts.target_pid > 0;
	s->rodata->use_task_btf = use_task_btf;
	s->rodata->has_atomic_fetch = probe_atomic_fetch();
	s->rodata->wake_bytes = t->opts.ring_bytes / 4;
	s->rodata->seccomp_by_enter = !t->opts.bench_empty;
	for (int nr = 0; nr < EP_NR_MAX; nr++)
		s->rodata->path_arg[nr] = syscall_path_arg(nr);
}

#define HOOK(t, n, hk)                                                                             \
	((struct hook_pair){(t)->skel->progs.ep_##n##_btf, (t)->skel->progs.ep_##n##_raw, NULL,    \
			    NULL, NULL, hk, MODE_OFF, -1, &(t)->skel->links.ep_##n##_btf,          \
			    &(t)->skel->links.ep_##n##_raw})

static void hooks_init(struct tracer *t)
{
	static const char *const names[HK_N][3] = {
	    [HK_EXIT] = {"sys_exit", "tp_btf/sys_exit", "raw_tp/sys_exit"},
	    [HK_ENTER] = {"sys_enter", "tp_btf/sys_enter (seccomp)", "raw_tp/sys_enter (seccomp)"},
	    [HK_CAP] = {"cap_capable", "tp_btf/cap_capable", "raw_tp/cap_capable"},
	    [HK_FORK] = {"sched_process_fork", "tp_btf/sched_process_fork",
			 "raw_tp/sched_process_fork"},
	    [HK_TEXIT] = {"sched_process_exit", "tp_btf/sched_process_exit",
			  "raw_tp/sched_process_exit"},
	};

	t->hk[HK_EXIT] = HOOK(t, sys_exit, EP_HK_SYS_EXIT);
	t->hk[HK_ENTER] = HOOK(t, sys_enter, EP_HK_SYS_ENTER);
	t->hk[HK_CAP] = HOOK(t, cap, EP_HK_TP_CAP_CAPABLE);
	t->hk[HK_FORK] = HOOK(t, fork, 0);
	t->hk[HK_TEXIT] = HOOK(t, task_exit, 0);
	for (int i = 0; i < HK_N; i++) {
		t->hk[i].tp = names[i][0];
		t->hk[i].name_btf = names[i][1];
		t->hk[i].name_raw = names[i][2];
	}
}

/* Decide tp_btf vs raw_tp once (from sys_exit), then which tracepoint programs load. */
static int hooks_pick(struct tracer *t, const struct btf *vmlinux)
{
	struct hook_pair *hk = t->hk;
	bool bench = t->opts.bench_empty;

	if (!t->opts.force_raw_tp && probe_tp_btf(vmlinux, "sys_exit"))
		t->mode = MODE_BTF;
	else if (!bench && probe_raw_tp("sys_exit"))
		t->mode = MODE_RAW;
	else
		return -EOPNOTSUPP;
	t->f.exit_hook = t->mode == MODE_BTF ? "tp_btf" : "raw_tp";

	bpf_program__set_autoload(t->skel->progs.ep_bench_empty, bench);
	if (bench) {
		hook_choose(t, vmlinux, &hk[HK_EXIT], false, NULL);
		t->f.hooks[hk[HK_EXIT].idx] = (struct tracer_hook_state){
		    "tp_btf/sys_exit (empty benchmark program)", true, NULL};
	} else {
		hook_choose(t, vmlinux, &hk[HK_EXIT], true, NULL);
	}
	hook_choose(t, vmlinux, &hk[HK_ENTER], !bench, "benchmark baseline");
	hook_choose(t, vmlinux, &hk[HK_CAP], !bench, "benchmark baseline");
	hook_choose(t, vmlinux, &hk[HK_FORK], !bench && t->opts.target_pid > 0,
		    "not in one-command mode");
	hook_choose(t, vmlinux, &hk[HK_TEXIT], !bench, "benchmark baseline");
	if (!bench && hk[HK_EXIT].mode == MODE_OFF)
		return -EOPNOTSUPP;
	return 0;
}

static int hooks_attach_all(struct tracer *t)
{
	struct epermd_bpf *s = t->skel;
	int err;

	if (t->opts.bench_empty) {
		s->links.ep_bench_empty = bpf_program__attach(s->progs.ep_bench_empty);
		return s->links.ep_bench_empty ? 0 : -errno;
	}
	err = hook_attach(t, &t->hk[HK_EXIT]);
	if (err)
		return err;
	hook_attach(t, &t->hk[HK_ENTER]);
	hook_attach(t, &t->hk[HK_CAP]);
	hook_attach(t, &t->hk[HK_TEXIT]);
	/* one-command mode cannot follow children without it */
	return hook_attach(t, &t->hk[HK_FORK]);
}

static int track_initial(struct tracer *t)
{
	int err = 0;

	if (t->opts.target_pid > 0)
		err = tracer_track_pid(t, t->opts.target_pid);
	for (int i = 0; !err && i < t->n_pending; i++)
		err = tracer_track_pid(t, t->pending[i]);
	t->n_pending = 0;
	return err;
}

int tracer_start(struct tracer *t, tracer_event_fn fn, void *ctx)
{
	const struct rlimit rl = {RLIM_INFINITY, RLIM_INFINITY};
	struct btf *vmlinux = NULL;
	bool use_task_btf;
	int err;

	if (!fn || t->skel)
		return -EINVAL;
	t->fn = fn;
	t->ctx = ctx;
	tracer_verbose = t->opts.verbose;
	libbpf_set_print(libbpf_print);
	/* kernels with memcg accounting ignore it; without CAP_SYS_RESOURCE it fails: fine */
	setrlimit(RLIMIT_MEMLOCK, &rl);

	t->ncpus = libbpf_num_possible_cpus();
	if (t->ncpus <= 0)
		return t->ncpus ? t->ncpus : -EINVAL;
	free(t->percpu);
	t->percpu = calloc(t->ncpus, sizeof(*t->percpu));
	if (!t->percpu)
		return -ENOMEM;

	t->skel = epermd_bpf__open();
	if (!t->skel)
		return -errno;
	/* NULL without vmlinux BTF: then only the raw_tp programs can load */
	vmlinux = btf__load_vmlinux_btf();
	hooks_init(t);
	err = hooks_pick(t, vmlinux);
	if (err)
		goto cleanup;
	use_task_btf = libbpf_probe_bpf_helper(BPF_PROG_TYPE_RAW_TRACEPOINT,
					       BPF_FUNC_get_current_task_btf, NULL) > 0;
	err = bpf_map__set_max_entries(t->skel->maps.events, t->opts.ring_bytes);
	if (err)
		goto cleanup;
	set_rodata(t, use_task_btf);

	err = hooks_prepare(t->skel, t->opts.tracepoint_only || t->opts.bench_empty, &t->f);
	if (err)
		goto cleanup;
	/* the evidence layer may cover seccomp itself (fexit __seccomp_filter) */
	if (!t->skel->rodata->seccomp_by_enter && t->hk[HK_ENTER].mode != MODE_OFF)
		hook_off(t, &t->hk[HK_ENTER], "seccomp covered by fexit __seccomp_filter");

	err = epermd_bpf__load(t->skel);
	if (err)
		goto cleanup;
	err = hooks_attach_all(t);
	if (err)
		goto cleanup;
	err = hooks_attach(t->skel, &t->f);
	if (err)
		goto cleanup;
	err = track_initial(t);
	if (err)
		goto cleanup;
	t->rb = ring_buffer__new(bpf_map__fd(t->skel->maps.events), on_sample, t, NULL);
	if (!t->rb) {
		err = -errno;
		goto cleanup;
	}
	btf__free(vmlinux);
	return 0;

cleanup:
	btf__free(vmlinux);
	epermd_bpf__destroy(t->skel);
	t->skel = NULL;
	return err;
}

/*
 * Records are submitted without wakeup (a wakeup per event costs microseconds in the
 * offending task), so the epoll wait only ends early when the ring passes 1/4 full:
 * always consume after it.
 */
int tracer_poll(struct tracer *t, int timeout_ms)
{
	int n, m;

	if (!t->rb)
		return -EINVAL;
	n = ring_buffer__poll(t->rb, timeout_ms);
	if (n < 0 && n != -EINTR)
		return n;
	m = ring_buffer__consume(t->rb);
	if (m < 0)
		return m;
	if (n < 0 && !m)
		return n;
	return (n > 0 ? n : 0) + m;
}

int tracer_counters(struct tracer *t, struct ep_counters *sum)
{
	__u32 zero = 0;
	int err;

	memset(sum, 0, sizeof(*sum));
	if (!t->skel)
		return -EINVAL;
	err = bpf_map__lookup_elem(t->skel->maps.counters, &zero, sizeof(zero), t->percpu,
				   sizeof(*t->percpu) * t->ncpus, 0);
	if (err)
		return err;
	for (int i = 0; i < t->ncpus; i++) {
		const struct ep_counters *c = &t->percpu[i];

		sum->attempted += c->attempted;
		sum->submitted += c->submitted;
		sum->reserve_failed += c->reserve_failed;
		sum->truncated += c->truncated;
		sum->read_fault += c->read_fault;
		sum->filtered_self += c->filtered_self;
		sum->ev_overflow += c->ev_overflow;
		sum->ev_discarded += c->ev_discarded;
	}
	return 0;
}

const struct tracer_features *tracer_features(struct tracer *t)
{
	return &t->f;
}

int tracer_track_pid(struct tracer *t, pid_t pid)
{
	__u32 key = pid;
	__u8 one = 1;

	if (pid <= 0 || t->opts.target_pid <= 0)
		return -EINVAL;
	if (!t->skel) {
		if (t->n_pending >= TRACER_MAX_PENDING)
			return -ENOSPC;
		t->pending[t->n_pending++] = pid;
		return 0;
	}
	return bpf_map__update_elem(t->skel->maps.tracked, &key, sizeof(key), &one, sizeof(one),
				    BPF_ANY);
}

void tracer_free(struct tracer *t)
{
	if (!t)
		return;
	ring_buffer__free(t->rb);
	epermd_bpf__destroy(t->skel);
	free(t->percpu);
	free(t);
}
