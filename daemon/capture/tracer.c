// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Loader of the tracepoint layer: probe hooks, set rodata, load, attach, consume the ring. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "capture.h"
#include "dhash.h"
#include "epermd.skel.h"
#include "btfidx.h"
#include "hooks.h"
#include "llcred.h"
#include "loadstats.h"
#include "names.h"
#include "sysclass.h"
#include "seccomp_eval.h"
#include "tracer.h"
#include "uring.h"

/*
 * Repeats fold in the kernel (bpf/fold.bpf.h), so the ring only holds first occurrences between
 * two reads (10 ms): 4 MiB is ~12k records. Its mapping counts twice in RSS (libbpf maps the
 * data pages twice for wrap-around): 16 MiB made 32 MB of the daemon's RSS.
 */
#define TRACER_DEFAULT_RING (4u << 20)
#define TRACER_MAX_PENDING  16
#define TRACER_LOG_MAX	    (4u << 20)
/* object loads with one more failing evidence program off, before tracepoint-only */
#define TRACER_MAX_REFUSE 2

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

enum { HK_EXIT, HK_ENTER, HK_CAP, HK_FORK, HK_TEXIT, HK_URING_SUB, HK_URING_DONE, HK_N };

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
	int uring_form;	     /* enum uring_form: io_uring_complete's prototype */
	bool atomic_fetch;
	bool uring_refused; /* the object did not load with the io_uring programs */
	/* the sys_exit program was too much for this kernel's verifier (5.10 counts every
	 * path): the heavier facts are switched off, one after the other (exit_heavy_off()) */
	int exit_lighter;     /* 0 all on, 1 no in-kernel folding, 2 also no seccomp chain, 3 also
			       * no dcache lookup */
	char exit_why[160];   /* why, for --features */
	char uring_why[200];  /* why, for --features */
	char fold_desc[96];   /* in-kernel folding, for --features */
	bool dhash_refused;   /* the object did not load with the dcache hash probe */
	char lookup_why[200]; /* the object lookup, for --features */
	bool ll_refused;      /* the object did not load with the Landlock credentials probe */
	char ll_why[256];     /* the Landlock domain at the denial, for --features */
	struct hook_pair hk[HK_N];
	bool sc_chain;	     /* seccomp verdicts from the filter chain (no sys_enter program) */
	struct sc_cache *sc; /* the chain's programs, by identity */
	uint64_t sc_evicted; /* programs the cache let go (the kernel ships them again) */
	struct tracer_stats st;
	unsigned long long decode_warned; /* decode_errors when last reported */
	struct ep_event ev;		  /* the record being decoded */
	/* vmlinux BTF for the probes, parsed on demand and freed before each object load: libbpf
	 * parses its own copy there, and two copies were most of the start's peak RSS */
	struct btf *vmlinux;
	bool vmlinux_tried;
	struct hooks hooks;   /* the fexit/LSM evidence hooks' state (hooks.c) */
	struct loadstats *ls; /* --bench-startup, else NULL */
};

static int tracer_verbose;

/*
 * libbpf's messages during one object load, held back while capturing: the verifier log of a
 * load that a retry recovers from is noise. What failed is kept for the reasons and retries.
 */
static struct {
	bool on;
	char *buf;
	size_t len, cap;
	char prog[64];	   /* the program libbpf failed to load */
	char verdict[112]; /* the verifier's last line before "processed N insns" */
} cap;

static void capture_parse(const char *msg)
{
	const char *p, *e, *l;

	p = strstr(msg, "prog '");
	if (p && !cap.prog[0] && strstr(msg, "fail")) {
		p += 6;
		e = strchr(p, '\'');
		if (e && e - p < (long)sizeof(cap.prog))
			snprintf(cap.prog, sizeof(cap.prog), "%.*s", (int)(e - p), p);
	}
	p = strstr(msg, "\nprocessed ");
	if (p && !cap.verdict[0]) {
		/* back to the start of the line that ends at p */
		for (l = p; l > msg && l[-1] != '\n'; l--)
			;
		snprintf(cap.verdict, sizeof(cap.verdict), "%.*s", (int)(p - l), l);
	}
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	va_list aq;
	int n;

	if (level == LIBBPF_DEBUG && tracer_verbose < 3)
		return 0;
	if (level == LIBBPF_INFO && tracer_verbose < 1)
		return 0;
	if (!cap.on || level != LIBBPF_WARN)
		return vfprintf(stderr, fmt, ap);
	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		return n;
	if (cap.len + n + 1 > cap.cap && cap.len + n + 1 <= TRACER_LOG_MAX) {
		size_t sz = cap.len + n + 1 > 2 * cap.cap ? cap.len + n + 1 : 2 * cap.cap;
		char *b = realloc(cap.buf, sz);

		if (b) {
			cap.buf = b;
			cap.cap = sz;
		}
	}
	if (cap.len + n + 1 > cap.cap)
		return vfprintf(stderr, fmt, ap);
	vsnprintf(cap.buf + cap.len, n + 1, fmt, ap);
	capture_parse(cap.buf + cap.len);
	cap.len += n;
	return n;
}

static void capture_start(void)
{
	cap.on = true;
	cap.len = 0;
	cap.prog[0] = 0;
	cap.verdict[0] = 0;
}

/* Stop capturing; print what was held back (a failed load whose log is wanted, or a success) */
static void capture_stop(bool print)
{
	if (print && cap.len)
		fwrite(cap.buf, 1, cap.len, stderr);
	free(cap.buf);
	cap.buf = NULL;
	cap.on = false;
	cap.len = cap.cap = 0;
}

static bool is_pow2(size_t v)
{
	return v && !(v & (v - 1));
}

int tracer_new(const struct tracer_opts *opts, struct tracer **out)
{
	long page = sysconf(_SC_PAGESIZE);
	const char *env;
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
	/* testing the raw_tp programs on a kernel where tp_btf works (tests/host/facts.sh) */
	env = getenv("EPERMD_FORCE_RAW_TP");
	if (env && *env && strcmp(env, "0"))
		t->opts.force_raw_tp = true;
	/* testing the sys_enter inference on a kernel whose filter chain is readable */
	env = getenv("EPERMD_SECCOMP_FALLBACK");
	if (env && *env && strcmp(env, "0"))
		t->opts.no_sc_chain = true;
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
	id = btfidx_find(vmlinux, name, BTF_KIND_TYPEDEF);
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

/* A program left the cache: forget that it was shipped, so the next denial ships it again. */
static void sc_evicted(void *ctx, uint64_t id)
{
	struct tracer *t = ctx;

	t->sc_evicted++;
	if (t->skel)
		bpf_map__delete_elem(t->skel->maps.sc_shipped, &id, sizeof(id), 0);
}

static void on_sc_prog(struct tracer *t, const struct ep_sc_prog *p)
{
	/* a malformed program is counted by the cache and never run */
	if (sc_cache_add(t->sc, p->id, (const struct sock_filter *)p->insn, p->len))
		bpf_map__delete_elem(t->skel->maps.sc_shipped, &p->id, sizeof(p->id), 0);
}

/* The filter chain is readable when the kernel keeps each filter's original instructions
 * (bpf_prog.orig_prog: CONFIG_CHECKPOINT_RESTORE) and the chain's links. */
static bool btf_has_member(const struct btf *btf, const char *type, const char *member)
{
	const struct btf_member *m;
	const struct btf_type *bt;
	int id;

	if (!btf)
		return false;
	id = btfidx_find(btf, type, BTF_KIND_STRUCT);
	if (id <= 0)
		return false;
	bt = btf__type_by_id(btf, id);
	m = btf_members(bt);
	for (int i = 0; i < btf_vlen(bt); i++, m++)
		if (!strcmp(btf__name_by_offset(btf, m->name_off), member))
			return true;
	return false;
}

static bool probe_sc_chain(const struct btf *vmlinux)
{
	return btf_has_member(vmlinux, "bpf_prog", "orig_prog") &&
	       btf_has_member(vmlinux, "seccomp_filter", "prev") &&
	       btf_has_member(vmlinux, "seccomp_filter", "prog") &&
	       btf_has_member(vmlinux, "seccomp", "filter");
}

/* Decode errors are reported, never silent: the first, then at every doubling. */
static void decode_error(struct tracer *t, size_t size)
{
	t->st.decode_errors++;
	if (t->st.decode_errors < 2 * t->decode_warned)
		return;
	t->decode_warned = t->st.decode_errors;
	fprintf(stderr,
		"epermd: warning: a denial record of %zu bytes did not decode; dropped "
		"(%llu so far)\n",
		size, t->st.decode_errors);
}

static int on_sample(void *ctx, void *data, size_t size)
{
	const struct ep_sc_prog *prog;
	struct tracer *t = ctx;
	__u32 type;

	if (size < sizeof(type)) {
		t->st.bad_records++;
		return 0;
	}
	memcpy(&type, data, sizeof(type));
	switch (type) {
	case EP_REC_DENIAL:
		if (capture_decode(data, size, &t->ev)) {
			decode_error(t, size);
			return 0;
		}
		t->st.denials++;
		/* a seccomp task's denial: the chain's verdict goes in as evidence */
		if (t->sc && (t->ev.flags & EP_F_SECCOMP_TASK) && t->ev.n_sc_filter)
			sc_eval_event(t->sc, &t->ev);
		return t->fn(t->ctx, &t->ev);
	case EP_REC_NOTICE:
		if (size < sizeof(struct ep_notice))
			break;
		t->st.notices++;
		return t->opts.on_notice ? t->opts.on_notice(t->ctx, data) : 0;
	case EP_REC_SC_PROG:
		if (capture_sc_prog(data, size, &prog))
			break;
		t->st.sc_progs++;
		if (t->sc)
			on_sc_prog(t, prog);
		return t->opts.on_sc_prog ? t->opts.on_sc_prog(t->ctx, prog) : 0;
	default:
		break;
	}
	t->st.bad_records++;
	return 0;
}

/* DCACHE_MOUNTED from vmlinux BTF (enum dentry_flags, 6.14+); 0 when the kernel has the old
 * #define. Read here rather than by CO-RE, whose search for a missing enum walks module BTF. */
static __u32 dcache_mounted_value(const struct btf *vmlinux)
{
	const struct btf_type *t;
	const struct btf_enum *e;
	__s32 id;

	if (!vmlinux)
		return 0;
	id = btfidx_find(vmlinux, "dentry_flags", BTF_KIND_ENUM);
	if (id < 0 || !(t = btf__type_by_id(vmlinux, id)))
		return 0;
	e = btf_enum(t);
	for (int i = 0; i < btf_vlen(t); i++)
		if (!strcmp(btf__name_by_offset(vmlinux, e[i].name_off), "DCACHE_MOUNTED"))
			return (__u32)e[i].val;
	return 0;
}

/*
 * The kernel's tick in ns (TICK_NSEC) from its CONFIG_HZ (/proc/config.gz, else
 * /boot/config-RELEASE; gzread reads a plain file as is), when bpf_jiffies64() exists: the fold
 * check then times repeats in ticks (bpf/fold.bpf.h, ep_fold_hit()). 0: unknown, the precise
 * clock is read at every repeat.
 */
static __u64 kernel_tick_ns(void)
{
	char path[128], line[128];
	struct utsname u;
	long hz = 0;
	gzFile f;

	if (libbpf_probe_bpf_helper(BPF_PROG_TYPE_RAW_TRACEPOINT, BPF_FUNC_jiffies64, NULL) <= 0)
		return 0;
	f = gzopen("/proc/config.gz", "r");
	if (!f && uname(&u) == 0) {
		snprintf(path, sizeof(path), "/boot/config-%s", u.release);
		f = gzopen(path, "r");
	}
	if (!f)
		return 0;
	while (gzgets(f, line, sizeof(line)))
		if (!strncmp(line, "CONFIG_HZ=", 10)) {
			hz = strtol(line + 10, NULL, 10);
			break;
		}
	gzclose(f);
	if (hz < 24 || hz > 10000)
		return 0;
	return (1000000000ull + hz / 2) / hz;
}

/* The host's mount namespace: PID 1's (the daemon itself may run in a unit's private one),
 * else the daemon's own. */
static unsigned host_mntns(void)
{
	struct stat st;

	if (stat("/proc/1/ns/mnt", &st) == 0 || stat("/proc/self/ns/mnt", &st) == 0)
		return (unsigned)st.st_ino;
	return 0;
}

static void set_erofs(struct tracer *t)
{
	struct epermd_bpf *s = t->skel;

	t->f.host_mntns = host_mntns();
	s->rodata->host_mntns = t->f.host_mntns;
	switch (t->opts.erofs) {
	case TRACER_EROFS_ALL:
		s->rodata->erofs_mode = 2;
		t->f.erofs = "all";
		break;
	case TRACER_EROFS_NEVER:
		t->f.erofs = "never";
		break;
	default:
		/* without the namespace to compare with, "private" would be everything */
		s->rodata->erofs_mode = t->f.host_mntns ? 1 : 0;
		t->f.erofs = t->f.host_mntns ? "private mount namespaces"
					     : "never (the host's mount namespace is unknown)";
	}
}

/* Memory-deny-write-execute (6.3+): PR_GET_MDWE answers (0 or the caller's flags) where the
 * kernel has it and fails with EINVAL where it does not; only then does mm->flags' bit 28 mean
 * MMF_HAS_MDWE (5.10 has another flag there). A probe, not a version check: backports count. */
static void set_mdwe(struct tracer *t)
{
	const int pr_get_mdwe = 66; /* linux/prctl.h, missing from older headers */
	int r = prctl(pr_get_mdwe, 0, 0, 0, 0);

	t->skel->rodata->mdwe_ok = r >= 0;
	t->f.mdwe = r >= 0	      ? "read at the denial (mm->flags MMF_HAS_MDWE)"
		    : errno == EINVAL ? "not in this kernel"
				      : "unknown (prctl PR_GET_MDWE refused)";
}

/* The key of the seccomp filter fingerprints (bpf/seccomp.bpf.h): unknown to the processes
 * whose filters it names. Never 0. */
static __u64 sc_key_new(void)
{
	__u64 k = 0;

	if (getrandom(&k, sizeof(k), GRND_NONBLOCK) != (ssize_t)sizeof(k)) {
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		k = ((__u64)ts.tv_nsec << 32 ^ (__u64)ts.tv_sec ^ (__u64)getpid() << 16) *
		    0x9e3779b97f4a7c15ull;
	}
	return k ? k : 1;
}

static void set_rodata(struct tracer *t, const struct btf *vmlinux, bool use_task_btf)
{
	struct epermd_bpf *s = t->skel;

	s->rodata->self_tgid = getpid();
	s->rodata->filter_tracked = t->opts.target_pid > 0;
	s->rodata->use_task_btf = use_task_btf;
	s->rodata->wake_bytes = t->opts.ring_bytes / 4;
	s->rodata->seccomp_by_enter = !t->opts.bench_empty && !t->sc_chain;
	s->rodata->sc_chain = t->sc_chain;
	s->rodata->sc_key = sc_key_new();
	s->rodata->obj_lookup = t->exit_lighter < 3;
	/* kernels without BPF atomic fetch (before 5.12) get the per-CPU-seq programs, and their
	 * verifier gives up at 1M instructions with the fold and the facts (measured on 5.10): no
	 * fold there rather than a failed load first */
	s->rodata->fold_on = !t->opts.bench_empty && t->atomic_fetch && t->exit_lighter < 1;
	if (s->rodata->fold_on)
		s->rodata->tick_ns = kernel_tick_ns();
	if (s->rodata->tick_ns)
		snprintf(t->fold_desc, sizeof(t->fold_desc),
			 "in the kernel (repeats counted, not shipped; timed in %llu us ticks)",
			 (unsigned long long)s->rodata->tick_ns / 1000);
	else
		snprintf(t->fold_desc, sizeof(t->fold_desc),
			 "in the kernel (repeats counted, not shipped; timed by the clock)");
	s->rodata->dcache_mounted = dcache_mounted_value(vmlinux);
	if (!t->opts.bench_empty)
		set_erofs(t);
	for (int nr = 0; nr < EP_NR_MAX; nr++) {
		s->rodata->path_arg[nr] = syscall_path_arg(nr);
		s->rodata->dirfd_arg[nr] = syscall_dirfd_arg(nr);
		s->rodata->fd_arg[nr] = syscall_fd_arg(nr);
	}
	s->rodata->nr_mmap = syscall_nr("mmap");
	s->rodata->nr_bind = syscall_nr("bind");
	s->rodata->nr_landlock_restrict_self = syscall_nr("landlock_restrict_self");
	s->rodata->nr_fanotify_mark = syscall_nr("fanotify_mark");
	s->rodata->nr_mprotect = syscall_nr("mprotect");
	s->rodata->nr_pkey_mprotect = syscall_nr("pkey_mprotect");
	s->rodata->nr_shmat = syscall_nr("shmat");
	set_mdwe(t);
	for (int op = 0; op < EP_URING_OP_MAX; op++)
		s->rodata->uring_sc[op] = (__s16)(uring_op_syscall(op) + 1);
}

/* io_uring_complete's prototype, after the tracepoint's own "void *__data" (see
 * bpf/iouring.bpf.h): (ctx, req, cqe) or (ctx, req, user_data, res, ...); 5.10's
 * (ctx, user_data, res) has no request. */
enum uring_form { URING_DONE_NONE = 0, URING_DONE_CQE, URING_DONE_RES };

static bool btf_param_is_ptr(const struct btf *btf, const struct btf_type *proto, int i)
{
	int id = btf__resolve_type(btf, btf_params(proto)[i].type);
	const struct btf_type *p = id > 0 ? btf__type_by_id(btf, id) : NULL;

	return p && btf_is_ptr(p);
}

static int uring_form(const struct btf *vmlinux)
{
	const struct btf_type *t;
	int id;

	if (!vmlinux)
		return URING_DONE_NONE;
	id = btfidx_find(vmlinux, "btf_trace_io_uring_complete", BTF_KIND_TYPEDEF);
	if (id <= 0)
		return URING_DONE_NONE;
	t = btf__type_by_id(vmlinux, btf__type_by_id(vmlinux, id)->type); /* pointer */
	t = t && btf_is_ptr(t) ? btf__type_by_id(vmlinux, t->type) : NULL;
	if (!t || !btf_is_func_proto(t) || btf_vlen(t) < 4 || !btf_param_is_ptr(vmlinux, t, 2))
		return URING_DONE_NONE;
	if (btf_vlen(t) == 4 && btf_param_is_ptr(vmlinux, t, 3))
		return URING_DONE_CQE;
	return btf_vlen(t) >= 6 ? URING_DONE_RES : URING_DONE_NONE;
}

#define HOOK(t, n, hk)                                                                             \
	((struct hook_pair){(t)->skel->progs.ep_##n##_btf, (t)->skel->progs.ep_##n##_raw, NULL,    \
			    NULL, NULL, hk, MODE_OFF, -1, &(t)->skel->links.ep_##n##_btf,          \
			    &(t)->skel->links.ep_##n##_raw})

static void hooks_init(struct tracer *t, bool atomic_fetch)
{
	static const char *const names[HK_N][3] = {
	    [HK_EXIT] = {"sys_exit", "tp_btf/sys_exit", "raw_tp/sys_exit"},
	    [HK_ENTER] = {"sys_enter", "tp_btf/sys_enter (seccomp)", "raw_tp/sys_enter (seccomp)"},
	    [HK_CAP] = {"cap_capable", "tp_btf/cap_capable", "raw_tp/cap_capable"},
	    [HK_FORK] = {"sched_process_fork", "tp_btf/sched_process_fork",
			 "raw_tp/sched_process_fork"},
	    [HK_TEXIT] = {"sched_process_exit", "tp_btf/sched_process_exit",
			  "raw_tp/sched_process_exit"},
	    [HK_URING_SUB] = {"io_uring_submit_req", "tp_btf/io_uring_submit_req",
			      "raw_tp/io_uring_submit_req"},
	    [HK_URING_DONE] = {"io_uring_complete", "tp_btf/io_uring_complete",
			       "raw_tp/io_uring_complete"},
	};

	/* the other variant stays off: hook_choose() only sets the chosen pair */
	bpf_program__set_autoload(t->skel->progs.ep_sys_exit_fold_btf, false);
	bpf_program__set_autoload(t->skel->progs.ep_sys_exit_fold_raw, false);
	bpf_program__set_autoload(t->skel->progs.ep_sys_exit_btf, false);
	bpf_program__set_autoload(t->skel->progs.ep_sys_exit_raw, false);
	bpf_program__set_autoload(t->skel->progs.ep_sys_exit_pcpu_btf, false);
	bpf_program__set_autoload(t->skel->progs.ep_sys_exit_pcpu_raw, false);
	/* folding: a program variant of its own (see ep_exit_fail()); exit_lighten() drops it */
	if (atomic_fetch && !t->opts.bench_empty && t->exit_lighter < 1)
		t->hk[HK_EXIT] = HOOK(t, sys_exit_fold, EP_HK_SYS_EXIT);
	else if (atomic_fetch)
		t->hk[HK_EXIT] = HOOK(t, sys_exit, EP_HK_SYS_EXIT);
	else
		t->hk[HK_EXIT] = HOOK(t, sys_exit_pcpu, EP_HK_SYS_EXIT);
	t->hk[HK_ENTER] = HOOK(t, sys_enter, EP_HK_SYS_ENTER);
	t->hk[HK_CAP] = HOOK(t, cap, EP_HK_TP_CAP_CAPABLE);
	t->hk[HK_FORK] = HOOK(t, fork, 0);
	t->hk[HK_TEXIT] = HOOK(t, task_exit, 0);
	t->hk[HK_URING_SUB] = HOOK(t, uring_submit, 0);
	/* the prototype picks the pair (bpf/iouring.bpf.h); hooks_pick() checks it again */
	bpf_program__set_autoload(t->skel->progs.ep_uring_done_btf, false);
	bpf_program__set_autoload(t->skel->progs.ep_uring_done_raw, false);
	bpf_program__set_autoload(t->skel->progs.ep_uring_done_res_btf, false);
	bpf_program__set_autoload(t->skel->progs.ep_uring_done_res_raw, false);
	if (t->uring_form == URING_DONE_RES)
		t->hk[HK_URING_DONE] = HOOK(t, uring_done_res, 0);
	else
		t->hk[HK_URING_DONE] = HOOK(t, uring_done, 0);
	for (int i = 0; i < HK_N; i++) {
		t->hk[i].tp = names[i][0];
		t->hk[i].name_btf = names[i][1];
		t->hk[i].name_raw = names[i][2];
	}
	if (!atomic_fetch) {
		t->hk[HK_EXIT].name_btf = "tp_btf/sys_exit (per-CPU seq)";
		t->hk[HK_EXIT].name_raw = "raw_tp/sys_exit (per-CPU seq)";
	}
}

/* io_uring request failures; both hooks or neither (a failed load retries without them). */
static void uring_choose(struct tracer *t, const struct btf *vmlinux)
{
	bool want = !t->opts.bench_empty && t->atomic_fetch && !t->uring_refused &&
		    t->uring_form != URING_DONE_NONE;
	const char *why = t->opts.bench_empty ? "benchmark baseline"
			  : t->uring_refused  ? t->uring_why
			  : !t->atomic_fetch
			      ? "needs BPF atomic fetch (5.12+)"
			      : "io_uring_complete absent, without the request (5.10) or no BTF";

	hook_choose(t, vmlinux, &t->hk[HK_URING_DONE], want, why);
	hook_choose(t, vmlinux, &t->hk[HK_URING_SUB], t->hk[HK_URING_DONE].mode != MODE_OFF,
		    "io_uring_complete is off");
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
	bpf_program__set_autoload(t->skel->progs.ep_dhash_probe,
				  !bench && !t->dhash_refused && t->exit_lighter < 3);
	bpf_program__set_autoload(t->skel->progs.ep_ll_probe, !bench && !t->ll_refused);
	if (bench) {
		hook_choose(t, vmlinux, &hk[HK_EXIT], false, NULL);
		t->f.hooks[hk[HK_EXIT].idx] = (struct tracer_hook_state){
		    "tp_btf/sys_exit (empty benchmark program)", true, NULL};
	} else {
		hook_choose(t, vmlinux, &hk[HK_EXIT], true, NULL);
	}
	hook_choose(t, vmlinux, &hk[HK_ENTER], !bench && !t->sc_chain,
		    bench ? "benchmark baseline"
			  : "seccomp read from the filter chain at sys_exit");
	hook_choose(t, vmlinux, &hk[HK_CAP], !bench && !t->opts.no_cap_capable,
		    bench ? "benchmark baseline" : "--disable-hook=cap_capable");
	/* children of tracked processes, and Landlock marks, follow fork */
	hook_choose(t, vmlinux, &hk[HK_FORK], !bench, "benchmark baseline");
	hook_choose(t, vmlinux, &hk[HK_TEXIT], !bench, "benchmark baseline");
	uring_choose(t, vmlinux);
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
	/* sys_exit may mark seccomp tasks only while sys_enter can see their next syscall */
	if (!hook_attach(t, &t->hk[HK_ENTER]) && t->hk[HK_ENTER].mode != MODE_OFF && s->bss)
		s->bss->enter_live = true;
	hook_attach(t, &t->hk[HK_CAP]);
	hook_attach(t, &t->hk[HK_TEXIT]);
	/* submission first: a completion without its submission record has no path */
	hook_attach(t, &t->hk[HK_URING_SUB]);
	hook_attach(t, &t->hk[HK_URING_DONE]);
	/* one-command mode cannot follow children without it; Landlock marks can do without */
	err = hook_attach(t, &t->hk[HK_FORK]);
	return t->opts.target_pid > 0 ? err : 0;
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

/* Open the object, pick and probe every program, load. On failure the skeleton is gone. */
/* NULL without vmlinux BTF: then only the raw_tp programs can load */
static const struct btf *tracer_vmlinux(struct tracer *t)
{
	if (!t->vmlinux && !t->vmlinux_tried)
		t->vmlinux = btf__load_vmlinux_btf();
	t->vmlinux_tried = !t->vmlinux;
	return t->vmlinux;
}

static void tracer_vmlinux_free(struct tracer *t)
{
	btfidx_reset();
	btf__free(t->vmlinux);
	t->vmlinux = NULL;
	t->vmlinux_tried = false;
}

static int tracer_load(struct tracer *t, bool tp_only, bool atomic_fetch, bool use_task_btf,
		       int *n_evidence)
{
	const struct btf *vmlinux = tracer_vmlinux(t);
	int err, n0;

	memset(&t->f, 0, sizeof(t->f));
	*n_evidence = 0;
	t->sc_chain = !t->opts.bench_empty && !t->opts.no_sc_chain && t->exit_lighter < 2 &&
		      probe_sc_chain(vmlinux);
	t->skel = epermd_bpf__open();
	if (!t->skel)
		return -errno;
	t->uring_form = uring_form(vmlinux);
	t->atomic_fetch = atomic_fetch;
	/*
	 * The fold variant on every kernel with atomic fetch: since the record builder is global
	 * functions verified once, 6.1's eager checking of every global function takes the fold
	 * with the facts (57k instructions, VM). Refused all the same, exit_lighten() retries
	 * without it.
	 */
	hooks_init(t, atomic_fetch);
	err = hooks_pick(t, vmlinux);
	if (err)
		goto fail;
	err = bpf_map__set_max_entries(t->skel->maps.events, t->opts.ring_bytes);
	if (err)
		goto fail;
	set_rodata(t, vmlinux, use_task_btf);

	n0 = t->f.n_hooks;
	err = hooks_prepare(&t->hooks, t->skel, tp_only, vmlinux, &t->f);
	if (err)
		goto fail;
	for (int i = n0; i < t->f.n_hooks; i++)
		*n_evidence += t->f.hooks[i].active;
	/* the evidence layer may cover seccomp itself (fexit __seccomp_filter) */
	if (!t->skel->rodata->seccomp_by_enter && t->hk[HK_ENTER].mode != MODE_OFF)
		hook_off(t, &t->hk[HK_ENTER], "seccomp covered by fexit __seccomp_filter");

	tracer_vmlinux_free(t);
	err = loadstats_arm(t->ls, t->skel->obj);
	if (err)
		goto fail;
	loadstats_mark(t->ls, LS_PROBE);
	err = epermd_bpf__load(t->skel);
	loadstats_mark(t->ls, LS_LOAD);
	if (!err) {
		t->f.seccomp =
		    t->sc_chain ? "filter chain (exact)"
		    : t->skel->rodata->seccomp_by_enter
			? (t->exit_lighter >= 2 ? "sys_enter inference (fallback: the verifier "
						  "refused the filter-chain reader)"
						: "sys_enter inference (fallback)")
		    : t->opts.bench_empty ? "off (benchmark baseline)"
					  : "fexit __seccomp_filter";
		t->f.obj_lookup =
		    t->exit_lighter >= 3 ? t->exit_why : "on (EPERM and EROFS denials)";
		t->f.fold =
		    t->opts.bench_empty ? "off (benchmark baseline)"
		    : !t->atomic_fetch
			? "off: no BPF atomic fetch here (before 5.12), whose verifier cannot "
			  "take it with the facts; repeats are shipped and folded by the daemon"
		    : t->exit_lighter >= 1 ? "off: the verifier refused the sys_exit program with "
					     "it on this kernel; repeats are shipped and folded by "
					     "the daemon"
					   : t->fold_desc;
		return 0;
	}
fail:
	epermd_bpf__destroy(t->skel);
	t->skel = NULL;
	return err;
}

/*
 * The sys_exit program did not verify (older verifiers explore every path of the loops that
 * read the seccomp chain and look a path up in the dcache, and give up at 1M instructions):
 * switch the heaviest parts off, one at a time, and say so: first the in-kernel fold (5.10
 * needs that: the daemon still folds, each repeat then costs a record), then the facts.
 * Returns true to retry.
 */
static bool exit_lighten(struct tracer *t)
{
	static const char *const what[] = {"in-kernel folding of repeats",
					   "the seccomp filter-chain reader",
					   "the dcache lookup of a path's object (EP_FACT_OBJ)"};

	if (strncmp(cap.prog, "ep_sys_exit", 11) || t->exit_lighter >= 3)
		return false;
	/* the fold was not in the program (no atomic fetch): leaving it out again changes nothing
	 */
	if (!t->exit_lighter && !t->atomic_fetch)
		t->exit_lighter = 1;
	fprintf(stderr,
		"epermd: warning: the sys_exit program did not load (%s); retrying without %s\n",
		cap.verdict[0] ? cap.verdict : "refused", what[t->exit_lighter]);
	snprintf(t->exit_why, sizeof(t->exit_why), "off: %s did not verify on this kernel",
		 what[t->exit_lighter]);
	t->exit_lighter++;
	return true;
}

/* A test-run probe the verifier refused: load again without it (its feature is off). */
static bool probe_refused(struct tracer *t)
{
	if (!strcmp(cap.prog, "ep_ll_probe") && !t->ll_refused)
		return t->ll_refused = true;
	if (!strcmp(cap.prog, "ep_dhash_probe") && !t->dhash_refused)
		return t->dhash_refused = true;
	return false;
}

/*
 * Load the object; a missing hook degrades attribution, never the start. When the object fails
 * to load with its evidence programs, retry without the one the verifier refused (twice at
 * most), then with every fexit/LSM program off; the reason ends up in the features.
 */
static int tracer_load_retry(struct tracer *t)
{
	bool tp_only = t->opts.tracepoint_only || t->opts.bench_empty;
	bool atomic_fetch = probe_atomic_fetch();
	bool use_task_btf = libbpf_probe_bpf_helper(BPF_PROG_TYPE_RAW_TRACEPOINT,
						    BPF_FUNC_get_current_task_btf, NULL) > 0;
	char why[256], prog[64], verdict[112];
	int err, n_ev, n_refused = 0, n_retry = 0;

	hooks_refuse_reset(&t->hooks);
	if (t->opts.no_cap_capable)
		hooks_refuse(&t->hooks, "ep_fx_cap_capable", "--disable-hook=cap_capable");
	for (;;) {
		capture_start();
		err = tracer_load(t, tp_only, atomic_fetch, use_task_btf, &n_ev);
		if (err && !strncmp(cap.prog, "ep_uring_", 9) && !t->uring_refused) {
			fprintf(stderr,
				"epermd: warning: the BPF object did not load (prog '%s': %s); "
				"retrying without the io_uring programs\n",
				cap.prog, cap.verdict[0] ? cap.verdict : strerror(-err));
			snprintf(t->uring_why, sizeof(t->uring_why),
				 "the object did not load with it (prog '%s': %s)", cap.prog,
				 cap.verdict[0] ? cap.verdict : strerror(-err));
			capture_stop(false);
			t->uring_refused = true;
			n_retry++;
			continue;
		}
		if (err && probe_refused(t)) {
			capture_stop(false);
			n_retry++;
			continue;
		}
		if (err && exit_lighten(t)) {
			capture_stop(false);
			n_retry++;
			continue;
		}
		if (!err || !n_ev) {
			/* loaded, or nothing left to switch off: show what libbpf said */
			capture_stop(true);
			break;
		}
		snprintf(prog, sizeof(prog), "%s", cap.prog[0] ? cap.prog : "?");
		snprintf(verdict, sizeof(verdict), "%s",
			 cap.verdict[0] ? cap.verdict : strerror(-err));
		capture_stop(false);
		n_retry++;
		snprintf(why, sizeof(why), "the object did not load with it: %s", verdict);
		if (n_refused < TRACER_MAX_REFUSE && hooks_refuse(&t->hooks, prog, why)) {
			n_refused++;
			fprintf(stderr,
				"epermd: warning: the BPF object did not load (prog '%s': %s); "
				"retrying without that program\n",
				prog, verdict);
			continue;
		}
		snprintf(why, sizeof(why),
			 "the object did not load with the evidence programs (prog '%s': %s)", prog,
			 verdict);
		hooks_refuse(&t->hooks, NULL, why);
		fprintf(stderr,
			"epermd: warning: the BPF object did not load (prog '%s': %s); "
			"retrying without the fexit/LSM evidence programs\n",
			prog, verdict);
	}
	hooks_refuse_reset(&t->hooks);
	if (err && n_retry)
		fprintf(stderr,
			"epermd: the BPF object does not load on this kernel, even without the "
			"fexit/LSM evidence programs: %s\n",
			strerror(-err));
	return err;
}

/*
 * The dcache hash lookup (bpf/dhash.bpf.h): test-run the probe on a few of the daemon's own
 * files, solve for the table (daemon/dhash.c) and hand it to the BPF side. Without it the
 * object lookup falls back to the child scan, for EPERM only; --features says which.
 */
static void dhash_setup(struct tracer *t)
{
	static const char *const files[EP_DH_FDS] = {
	    "/etc/passwd",    "/etc/hostname", "/usr/bin/env", "/usr/lib/os-release",
	    "/usr/share/doc", "/var/lib",      "/usr/sbin",    "/etc/ssl/certs"};
	LIBBPF_OPTS(bpf_test_run_opts, opts);
	struct epermd_bpf *s = t->skel;
	const char *why = "the probe program did not load";
	uint64_t table = 0;
	uint32_t shift = 0;
	int fds[EP_DH_FDS], err = -ENOENT;

	for (int i = 0; i < EP_DH_FDS; i++)
		fds[i] = open(files[i], O_PATH | O_CLOEXEC);
	if (!t->dhash_refused && s->bss) {
		for (int i = 0; i < EP_DH_FDS; i++)
			s->bss->dh_fds[i] = fds[i];
		err = bpf_prog_test_run_opts(bpf_program__fd(s->progs.ep_dhash_probe), &opts);
		why = err ? "the probe did not run" : NULL;
		if (!err)
			err = dhash_solve(s->bss->dh_samples, (int)s->bss->dh_n, &table, &shift,
					  &why);
	}
	for (int i = 0; i < EP_DH_FDS; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	if (!err) {
		s->bss->dhash_shift = shift;
		s->bss->dhash_table = table;
		t->f.obj_lookup = "on (dcache hash, every denial)";
		return;
	}
	snprintf(t->lookup_why, sizeof(t->lookup_why),
		 "on for EPERM and EROFS denials (child scan; dcache hash off: %s)", why);
	t->f.obj_lookup = t->lookup_why;
}

/*
 * A Landlock domain at the denial from the task's credentials (llcred.c): a domain entered
 * before epermd started is seen too. Without the offset only the restrict_self mark is.
 */
static void ll_setup(struct tracer *t)
{
	struct epermd_bpf *s = t->skel;
	const char *why = "the probe program did not load";
	int off = -ENOENT;

	if (!t->ll_refused && s->bss && s->data)
		off =
		    llcred_calibrate(bpf_program__fd(s->progs.ep_ll_probe), s->bss->ll_words, &why);
	if (off >= 0) {
		s->data->ll_cred_off = off;
		snprintf(t->ll_why, sizeof(t->ll_why),
			 "read from the credentials at the denial (LSM blob offset %d)", off);
	} else {
		snprintf(t->ll_why, sizeof(t->ll_why),
			 "landlock_restrict_self seen since start only (%s)", why);
	}
	t->f.landlock_domain = t->ll_why;
}

int tracer_start(struct tracer *t, tracer_event_fn fn, void *ctx)
{
	const struct rlimit rl = {RLIM_INFINITY, RLIM_INFINITY};
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

	if (t->opts.startup_stats && !t->ls && loadstats_new(&t->ls))
		return -ENOMEM;
	loadstats_mark(t->ls, LS_PROBE);
	err = tracer_load_retry(t);
	if (err)
		goto cleanup;
	if (t->sc_chain && !t->sc) {
		err = sc_cache_new(SC_CACHE_DEFAULT, sc_evicted, t, &t->sc);
		if (err)
			goto cleanup;
	}
	loadstats_mark(t->ls, LS_PROBE);
	if (t->exit_lighter < 3 && !t->opts.bench_empty)
		dhash_setup(t);
	if (!t->opts.bench_empty)
		ll_setup(t);
	loadstats_mark(t->ls, LS_DHASH);
	err = hooks_attach_all(t);
	if (err)
		goto cleanup;
	err = hooks_attach(&t->hooks, t->skel, &t->f);
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
	tracer_vmlinux_free(t);
	loadstats_mark(t->ls, LS_ATTACH);
	loadstats_print(t->ls, t->skel->obj, stderr);
	return 0;

cleanup:
	tracer_vmlinux_free(t);
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

int tracer_sc_stats(struct tracer *t, struct tracer_sc_stats *s)
{
	memset(s, 0, sizeof(*s));
	if (!t->skel)
		return -EINVAL;
	if (t->skel->bss)
		s->ship_failed = __atomic_load_n(&t->skel->bss->sc_ship_failed, __ATOMIC_RELAXED);
	sc_cache_stats(t->sc, &s->malformed, &s->missing);
	s->evicted = t->sc_evicted;
	return 0;
}

/* A per-CPU array's only value, one copy per CPU (free() it); NULL with *err set on failure. */
static void *percpu_lookup(struct tracer *t, const struct bpf_map *m, size_t size, int *err)
{
	__u32 zero = 0;
	void *v = calloc(t->ncpus, size);

	*err = v ? bpf_map__lookup_elem(m, &zero, sizeof(zero), v, size * t->ncpus, 0) : -ENOMEM;
	return v;
}

int tracer_stats(struct tracer *t, struct tracer_stats *out)
{
	struct ep_aux_counters *a;
	int err;

	*out = t->st;
	if (!t->skel)
		return 0;
	a = percpu_lookup(t, t->skel->maps.aux_counters, sizeof(*a), &err);
	for (int i = 0; !err && i < t->ncpus; i++) {
		out->notice_lost += a[i].notice_lost;
		out->scratch_busy += a[i].scratch_busy;
	}
	free(a);
	return err;
}

void tracer_detach(struct tracer *t)
{
	if (t && t->skel)
		epermd_bpf__detach(t->skel); /* every link is the skeleton's (hooks.c too) */
}

void tracer_set_fold(struct tracer *t, uint64_t window_ns)
{
	if (t && t->skel && t->skel->bss)
		__atomic_store_n(&t->skel->bss->fold_ns, window_ns, __ATOMIC_RELAXED);
}

int tracer_fold_map(struct tracer *t, unsigned *max_entries)
{
	if (!t || !t->skel)
		return -EINVAL;
	*max_entries = bpf_map__max_entries(t->skel->maps.fold_map);
	return bpf_map__fd(t->skel->maps.fold_map);
}

int tracer_fold_counters(struct tracer *t, struct ep_fold_counters *sum)
{
	struct ep_fold_counters *pc;
	int err;

	memset(sum, 0, sizeof(*sum));
	if (!t || !t->skel)
		return -EINVAL;
	pc = percpu_lookup(t, t->skel->maps.fold_counters, sizeof(*pc), &err);
	for (int i = 0; !err && i < t->ncpus; i++) {
		sum->folded += pc[i].folded;
		sum->created += pc[i].created;
	}
	free(pc);
	return err;
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
	sc_cache_free(t->sc);
	loadstats_free(t->ls);
	free(t->percpu);
	free(t);
}
