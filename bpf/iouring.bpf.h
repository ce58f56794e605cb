/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * io_uring requests that fail with EPERM/EACCES. Such a request completes in a CQE while
 * io_uring_enter() itself succeeds, so sys_exit never sees it; this file turns the failing
 * completion into a denial record like a failing syscall's (ep_emit(), the same compact wire
 * record): EP_F_IOURING, uring_op = the IORING_OP_*, syscall_nr = the equivalent syscall
 * (uring_sc[], set by the loader from daemon/lib/uring.c), args laid out as that syscall's, the
 * submitter's tid and comm, the running thread's creds, facts and evidence. ep_build() takes
 * them from struct ep_uring_pre (ep_uring_preset()) instead of pt_regs, and the files from the
 * request (ep_uring_files()) after ep_pick_files() did the dirfd/cwd part.
 *
 * Where the kernel is odd (read in io_uring/ of 6.1, 6.12 and 6.18):
 *  - Path operations (OPENAT, MKDIRAT, ...) copy the path into a struct filename at prep and
 *    putname() it before the completion is posted, so the completion cannot read it. The
 *    io_uring_submit_req tracepoint fires after prep (io_submit_sqe -> io_init_req -> ->prep):
 *    it stores filename->uptr (the user pointer getname() copied from) in uring_sub, an LRU
 *    hash keyed by the request, deleted at completion. The path is then read from user memory
 *    at completion, as sys_exit reads a syscall's path argument after the kernel used it.
 *  - req->cqe.fd (the SQE's fd) shares a union with cqe.flags, which io_req_set_res()
 *    overwrites before completion: fd operations capture it at submission too.
 *  - The permission checks run in the submitter (inline issue) or in an io-wq worker
 *    (PF_IO_WORKER, a thread of the submitting process sharing its mm and credentials; MKDIRAT,
 *    UNLINKAT, RENAMEAT, LINKAT, SYMLINKAT always go there: REQ_F_FORCE_ASYNC), or in the
 *    SQPOLL thread. The evidence ep_ev_slot() gathers lands in that thread's task_state. The
 *    completion is posted by the same thread (inline: flushed before io_uring_enter returns;
 *    io-wq: io_req_complete_post() in the worker), so it takes that thread's evidence and
 *    clears it; a worker never reaches sys_exit, so its successful completions discard
 *    evidence too. Exception: rings with IORING_SETUP_DEFER_TASKRUN (ctx->lockless_cq) post an
 *    io-wq request's completion from task_work in the submitter: that record has no kernel
 *    evidence (the daemon's re-check still names DAC/cause), and the worker's leftovers are
 *    dropped when it exits.
 *  - Evidence is per thread, not per request: when one io_uring_enter() issues several
 *    requests inline that all fail, the first completion flushed takes the evidence of all of
 *    them (the others have none; the daemon's re-check still gives their cause).
 *  - Credentials: a request with a personality (or any request punted to io-wq) runs its
 *    check under req->creds; the record has the completing thread's creds, which differ only
 *    when the program registered a personality or changed its ids after the ring's workers
 *    were created.
 *  - Submission-time failures (io_init_req: a registered restriction's EACCES, prep errors)
 *    fire io_uring_req_failed and then complete through the same flush, so io_uring_complete
 *    sees them too (without uring_sub: no path).
 *  - io_uring_complete's prototype: 5.10 (ctx, user_data, res, ...) has no request and cannot
 *    be used (the opcode is unknown; the loader leaves the hook off); 5.15..6.x
 *    (ctx, req, user_data, res, cflags[, extra1, extra2]): ep_uring_done_res_*; newer
 *    (ctx, req, cqe): ep_uring_done_*. The loader reads the prototype from BTF.
 *    io_uring_submit_req is 6.0+ (5.15 has io_uring_submit_sqe): without it no path.
 */
#ifndef EPERMD_IOURING_BPF_H
#define EPERMD_IOURING_BPF_H

#define EP_AF_UNIX   1
#define PF_IO_WORKER 0x00000010 /* io-wq worker or SQPOLL thread */

/* Set by the loader: the equivalent syscall's number + 1 per IORING_OP_* (0 = none). */
const volatile __s16 uring_sc[EP_URING_OP_MAX] = {};

#define EP_OPBIT(op) (1ull << (op))
/* operations whose path or fd must be captured at submission */
#define EP_URING_CAPTURE                                                                           \
	(EP_OPBIT(IORING_OP_OPENAT) | EP_OPBIT(IORING_OP_OPENAT2) | EP_OPBIT(IORING_OP_STATX) |    \
	 EP_OPBIT(IORING_OP_MKDIRAT) | EP_OPBIT(IORING_OP_UNLINKAT) |                              \
	 EP_OPBIT(IORING_OP_RENAMEAT) | EP_OPBIT(IORING_OP_SYMLINKAT) |                            \
	 EP_OPBIT(IORING_OP_LINKAT) | EP_OPBIT(IORING_OP_SETXATTR) |                               \
	 EP_OPBIT(IORING_OP_GETXATTR) | EP_OPBIT(IORING_OP_FSETXATTR) |                            \
	 EP_OPBIT(IORING_OP_FGETXATTR) | EP_OPBIT(IORING_OP_CONNECT) | EP_OPBIT(IORING_OP_BIND) |  \
	 EP_OPBIT(IORING_OP_LISTEN) | EP_OPBIT(IORING_OP_ACCEPT) | EP_OPBIT(IORING_OP_FTRUNCATE) | \
	 EP_OPBIT(IORING_OP_FALLOCATE))

/* operations that name a path (their req->file is unused) */
#define EP_URING_PATH_OPS                                                                          \
	(EP_OPBIT(IORING_OP_OPENAT) | EP_OPBIT(IORING_OP_OPENAT2) | EP_OPBIT(IORING_OP_STATX) |    \
	 EP_OPBIT(IORING_OP_MKDIRAT) | EP_OPBIT(IORING_OP_UNLINKAT) |                              \
	 EP_OPBIT(IORING_OP_RENAMEAT) | EP_OPBIT(IORING_OP_SYMLINKAT) |                            \
	 EP_OPBIT(IORING_OP_LINKAT) | EP_OPBIT(IORING_OP_SETXATTR) | EP_OPBIT(IORING_OP_GETXATTR))

struct ep_uring_sub {
	__u64 path[2]; /* user pointers the prep's getname() copied from (old, new) */
	__s32 fd;      /* the SQE's fd */
	__u32 _pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, struct ep_uring_sub);
} uring_sub SEC(".maps");

/* req->task until 6.12; later kernels reach it through req->tctx */
struct io_kiocb___task {
	struct task_struct *task;
} __attribute__((preserve_access_index));

static __always_inline bool ep_uring_captured(__u32 op)
{
	return op < 64 && ((EP_URING_CAPTURE >> op) & 1);
}

static __always_inline __u64 ep_fname_uptr(struct filename *f)
{
	if (!f || !bpf_core_field_exists(f->uptr))
		return 0;
	return (__u64)BPF_CORE_READ(f, uptr);
}

static __always_inline int ep_uring_submit(struct io_kiocb *req)
{
	struct ep_uring_sub s = {};
	__u64 key = (__u64)req;
	__u32 op = BPF_CORE_READ(req, opcode);

	if (!ep_uring_captured(op) || !ep_tgid_wanted(bpf_get_current_pid_tgid() >> 32))
		return 0;
	s.fd = BPF_CORE_READ(req, cqe.fd);
	switch (op) {
	case IORING_OP_OPENAT:
	case IORING_OP_OPENAT2:
		s.path[0] = ep_fname_uptr(BPF_CORE_READ((struct io_open *)req, filename));
		break;
	case IORING_OP_STATX:
		s.path[0] = ep_fname_uptr(BPF_CORE_READ((struct io_statx *)req, filename));
		break;
	case IORING_OP_MKDIRAT:
		s.path[0] = ep_fname_uptr(BPF_CORE_READ((struct io_mkdir *)req, filename));
		break;
	case IORING_OP_UNLINKAT:
		s.path[0] = ep_fname_uptr(BPF_CORE_READ((struct io_unlink *)req, filename));
		break;
	case IORING_OP_RENAMEAT:
		s.path[0] = ep_fname_uptr(BPF_CORE_READ((struct io_rename *)req, oldpath));
		s.path[1] = ep_fname_uptr(BPF_CORE_READ((struct io_rename *)req, newpath));
		break;
	case IORING_OP_SYMLINKAT:
	case IORING_OP_LINKAT:
		/* struct io_hardlink before 6.0 */
		if (!bpf_core_type_exists(struct io_link))
			break;
		s.path[0] = ep_fname_uptr(BPF_CORE_READ((struct io_link *)req, oldpath));
		s.path[1] = ep_fname_uptr(BPF_CORE_READ((struct io_link *)req, newpath));
		break;
	case IORING_OP_SETXATTR:
	case IORING_OP_GETXATTR:
		if (bpf_core_type_exists(struct io_xattr))
			s.path[0] = ep_fname_uptr(BPF_CORE_READ((struct io_xattr *)req, filename));
		break;
	}
	bpf_map_update_elem(&uring_sub, &key, &s, BPF_ANY);
	return 0;
}

/* The equivalent syscall's arguments, from the request (the prep's copy of the SQE). */
static __always_inline void ep_uring_args(__u64 *a, struct io_kiocb *req, __u32 op,
					  const struct ep_uring_sub *s)
{
	switch (op) {
	case IORING_OP_OPENAT:
	case IORING_OP_OPENAT2: /* the daemon's table maps OPENAT2 to openat: how.flags */
		a[0] = (__s64)BPF_CORE_READ((struct io_open *)req, dfd);
		a[1] = s->path[0];
		a[2] = BPF_CORE_READ((struct io_open *)req, how.flags);
		a[3] = BPF_CORE_READ((struct io_open *)req, how.mode);
		break;
	case IORING_OP_STATX:
		a[0] = (__s64)BPF_CORE_READ((struct io_statx *)req, dfd);
		a[1] = s->path[0];
		a[2] = BPF_CORE_READ((struct io_statx *)req, flags);
		a[3] = BPF_CORE_READ((struct io_statx *)req, mask);
		a[4] = (__u64)BPF_CORE_READ((struct io_statx *)req, buffer);
		break;
	case IORING_OP_MKDIRAT:
		a[0] = (__s64)BPF_CORE_READ((struct io_mkdir *)req, dfd);
		a[1] = s->path[0];
		a[2] = BPF_CORE_READ((struct io_mkdir *)req, mode);
		break;
	case IORING_OP_UNLINKAT:
		a[0] = (__s64)BPF_CORE_READ((struct io_unlink *)req, dfd);
		a[1] = s->path[0];
		a[2] = BPF_CORE_READ((struct io_unlink *)req, flags);
		break;
	case IORING_OP_RENAMEAT:
		a[0] = (__s64)BPF_CORE_READ((struct io_rename *)req, old_dfd);
		a[1] = s->path[0];
		a[2] = (__s64)BPF_CORE_READ((struct io_rename *)req, new_dfd);
		a[3] = s->path[1];
		a[4] = BPF_CORE_READ((struct io_rename *)req, flags);
		break;
	case IORING_OP_LINKAT:
		if (!bpf_core_type_exists(struct io_link))
			break;
		a[0] = (__s64)BPF_CORE_READ((struct io_link *)req, old_dfd);
		a[1] = s->path[0];
		a[2] = (__s64)BPF_CORE_READ((struct io_link *)req, new_dfd);
		a[3] = s->path[1];
		a[4] = BPF_CORE_READ((struct io_link *)req, flags);
		break;
	case IORING_OP_SYMLINKAT: /* symlinkat(target, newdfd, linkpath) */
		if (!bpf_core_type_exists(struct io_link))
			break;
		a[0] = s->path[0];
		a[1] = (__s64)BPF_CORE_READ((struct io_link *)req, new_dfd);
		a[2] = s->path[1];
		break;
	case IORING_OP_SETXATTR:
	case IORING_OP_GETXATTR:
		a[0] = s->path[0];
		break;
	case IORING_OP_CONNECT:
		a[0] = (__s64)s->fd;
		a[1] = (__u64)BPF_CORE_READ((struct io_connect *)req, addr);
		a[2] = BPF_CORE_READ((struct io_connect *)req, addr_len);
		break;
	case IORING_OP_SOCKET:
		if (bpf_core_type_exists(struct io_socket)) {
			a[0] = BPF_CORE_READ((struct io_socket *)req, domain);
			a[1] = BPF_CORE_READ((struct io_socket *)req, type);
			a[2] = BPF_CORE_READ((struct io_socket *)req, protocol);
		}
		break;
	default:
		/* fd operations: the fd when captured; -1 says "not known" */
		a[0] = ep_uring_captured(op) ? (__s64)s->fd : (__u64)-1;
		break;
	}
}

/* What the record of a failed request takes from the request instead of pt_regs. */
struct ep_uring_pre {
	__u64 args[6];
	__u64 user_data;
	struct file *file; /* req->file: the request's file, fixed (registered) or not */
	__s32 syscall_nr;
	__u32 sub_tid; /* the submitter */
	__u32 run_tid; /* the thread whose completion reported it */
	__u16 op;
	__u8 unix_path; /* CONNECT/BIND: args[1] is a sockaddr_un with a path */
	__u8 _pad;
	char comm[EP_COMM_LEN]; /* the submitter's */
};

/* The request being reported (ep_uring_fail()): off the stack, for ep_build_uring(). */
EP_PERCPU_SLOT(uring_pre, struct ep_uring_pre, ep_uring_pre_buf)

static __always_inline bool ep_uring_path_op(__u32 op)
{
	return op < 64 && ((EP_URING_PATH_OPS >> op) & 1);
}

/* Called by ep_build() in place of ep_fill_regs(), after ep_fill_hdr(). */
static __always_inline void ep_uring_preset(struct ep_wire_hdr *h, const struct ep_uring_pre *pre)
{
	/* the record's io_uring section follows the header (include/epermd.h) */
	struct ep_wire_uring *u = (struct ep_wire_uring *)(h + 1);

	u->user_data = pre->user_data;
	u->tid = pre->run_tid;
	u->_pad = 0;
	__builtin_memcpy(h->args, pre->args, sizeof(h->args));
	h->syscall_nr = pre->syscall_nr;
	h->uring_op = pre->op;
	if (pre->sub_tid) {
		h->tid = pre->sub_tid;
		__builtin_memcpy(h->comm, pre->comm, sizeof(h->comm));
	}
}

/*
 * Called by ep_build() after ep_pick_files(). An fd operation's object is req->file (a fixed
 * file's index is no fd, and the fd may be closed by now); a CONNECT/BIND to a unix socket
 * path names the socket file, not the socket.
 */
static __always_inline void ep_uring_files(struct ep_wire_hdr *h, const struct ep_uring_pre *pre,
					   struct ep_files *fl)
{
	/* a local copy: BPF_CORE_READ(pre->file, ...) would relocate pre's own field */
	struct file *f = pre->file;

	if (pre->unix_path) {
		fl->uptr = (const char *)pre->args[1] + 2; /* sun_path */
		h->path_arg = 2;
		fl->obj_d = NULL;
		fl->obj_m = NULL;
		h->facts &= ~EP_FACT_FD;
		return;
	}
	if (!f || ep_uring_path_op(pre->op))
		return;
	fl->obj_d = BPF_CORE_READ(f, f_path.dentry);
	fl->obj_m = BPF_CORE_READ(f, f_path.mnt);
	if (fl->obj_d)
		h->facts |= EP_FACT_FD;
}

static __always_inline struct task_struct *ep_uring_submitter(struct io_kiocb *req)
{
	struct io_kiocb___task *old = (void *)req;

	if (bpf_core_field_exists(old->task))
		return BPF_CORE_READ(old, task);
	if (bpf_core_field_exists(req->tctx))
		return BPF_CORE_READ(req, tctx, task);
	return NULL;
}

static __always_inline void ep_uring_pre_fill(struct ep_uring_pre *pre, struct io_kiocb *req,
					      __u32 op, const struct ep_uring_sub *s)
{
	struct task_struct *sub = ep_uring_submitter(req);
	__u16 family = 0;

	pre->op = op;
	pre->syscall_nr = op < EP_URING_OP_MAX ? uring_sc[op & (EP_URING_OP_MAX - 1)] - 1 : -1;
	pre->run_tid = (__u32)bpf_get_current_pid_tgid();
	pre->file = BPF_CORE_READ(req, file);
	ep_uring_args(pre->args, req, op, s);
	if (sub) {
		pre->sub_tid = BPF_CORE_READ(sub, pid);
		bpf_probe_read_kernel_str(pre->comm, sizeof(pre->comm), &sub->comm);
	}
	if ((op == IORING_OP_CONNECT || op == IORING_OP_BIND) && pre->args[1] &&
	    !bpf_probe_read_user(&family, sizeof(family), (void *)pre->args[1]) &&
	    family == EP_AF_UNIX) {
		char c0 = 0;

		/* an abstract name (leading NUL) has no file */
		pre->unix_path = !bpf_probe_read_user(&c0, 1, (char *)pre->args[1] + 2) && c0;
	}
}

static __always_inline int ep_emit(struct pt_regs *regs, const struct ep_uring_pre *pre,
				   struct ep_task_state *st, struct ep_counters *c, long ret,
				   __u32 flags, const bool fetch, __u8 n_sc, __u8 sc_trunc,
				   const bool fold);

static __always_inline int ep_uring_fail(struct io_kiocb *req, int res, __u32 op,
					 const struct ep_uring_sub *s, __u64 user_data)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id, tgid = id >> 32, flags = EP_F_IOURING;
	struct ep_task_state *st = bpf_map_lookup_elem(&task_state, &tid);
	struct ep_counters *c = ep_counters();
	struct ep_uring_pre *pre = ep_uring_pre_buf();

	if (!c || !pre)
		goto out_clear;
	if (tgid == self_tgid) {
		c->filtered_self++;
		goto out_clear;
	}
	if (filter_tracked && !bpf_map_lookup_elem(&tracked, &tgid))
		goto out_clear;
	__builtin_memset(pre, 0, sizeof(*pre));
	pre->user_data = user_data;
	ep_uring_pre_fill(pre, req, op, s);
	/* io-wq workers are forked from a thread of the process: they carry its Landlock mark */
	if (landlock_marks && bpf_map_lookup_elem(&landlocked, &tid))
		flags |= EP_F_LANDLOCKED;
	/* no seccomp flags: seccomp filters never see io_uring requests */
	return ep_emit(NULL, pre, st, c, res, flags, true, 0, 0,
		       false); /* seccomp never sees a request */

out_clear:
	ep_state_clear(st);
	return 0;
}

static __always_inline int ep_uring_done(struct io_kiocb *req, int res, __u64 user_data)
{
	struct ep_uring_sub s = {}, *sp;
	__u64 key = (__u64)req;
	__u32 op = BPF_CORE_READ(req, opcode), tid;
	struct task_struct *task;

	if (ep_uring_captured(op)) {
		sp = bpf_map_lookup_elem(&uring_sub, &key);
		if (sp) {
			s = *sp;
			bpf_map_delete_elem(&uring_sub, &key);
		}
	}
	if (res == -EPERM || res == -EACCES)
		return ep_uring_fail(req, res, op, &s, user_data);
	if (!pending_tasks)
		return 0;
	/* an io-wq worker or the SQPOLL thread never reaches sys_exit: drop this request's
	 * evidence here (the submitter's is dropped at its sys_exit) */
	task = (struct task_struct *)bpf_get_current_task();
	if (!(BPF_CORE_READ(task, flags) & PF_IO_WORKER))
		return 0;
	tid = (__u32)bpf_get_current_pid_tgid();
	ep_discard(bpf_map_lookup_elem(&task_state, &tid));
	return 0;
}

EP_TP_ARG0(io_uring_submit_req, ep_uring_submit, struct io_kiocb *, ep_uring_submit)

/* (ctx, req, cqe) */
SEC("tp_btf/io_uring_complete")
int BPF_PROG(ep_uring_done_btf, void *ring, void *req, struct io_uring_cqe *cqe)
{
	return ep_uring_done((struct io_kiocb *)req, BPF_CORE_READ(cqe, res),
			     BPF_CORE_READ(cqe, user_data));
}

SEC("raw_tracepoint/io_uring_complete")
int ep_uring_done_raw(struct bpf_raw_tracepoint_args *ctx)
{
	struct io_uring_cqe *cqe = (struct io_uring_cqe *)ctx->args[2];

	return ep_uring_done((struct io_kiocb *)ctx->args[1], BPF_CORE_READ(cqe, res),
			     BPF_CORE_READ(cqe, user_data));
}

/* (ctx, req, user_data, res, cflags[, extra1, extra2]): 5.15 .. 6.x */
SEC("tp_btf/io_uring_complete")
int ep_uring_done_res_btf(__u64 *ctx)
{
	return ep_uring_done((struct io_kiocb *)ctx[1], (int)ctx[3], ctx[2]);
}

SEC("raw_tracepoint/io_uring_complete")
int ep_uring_done_res_raw(struct bpf_raw_tracepoint_args *ctx)
{
	return ep_uring_done((struct io_kiocb *)ctx->args[1], (int)ctx->args[3], ctx->args[2]);
}

#endif
