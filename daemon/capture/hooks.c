// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The fexit evidence programs of bpf/evidence.bpf.h: decide before load which ones the running
 * kernel can take (one object for every kernel), attach what loaded, and say why the rest is off.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "epermd.h" /* before the skeleton: its globals use the ABI structs */
#include "epermd.skel.h"
#include "btfidx.h"
#include "hooks.h"

enum hook_flags {
	HF_TP = 1 << 0,	  /* tp_btf: the target is a tracepoint, not a function */
	HF_CORE = 1 << 1, /* needed for f->full */
};

struct hook_def {
	const char *prog;   /* program name in the object */
	const char *target; /* kernel function, or tracepoint for HF_TP */
	const char *name;   /* as shown by --features */
	enum ep_hook hook;
	int nargs; /* the arity the program was written for */
	unsigned int flags;
};

#define FX(p, fn, h, n, fl)                                                                        \
	{                                                                                          \
#p, #fn, "fexit/" #fn, h, n, fl                                                    \
	}

/* Variants of one function are adjacent; the one matching the kernel's arity is kept. */
static const struct hook_def hook_defs[] = {
    FX(ep_fx_cap_capable, cap_capable, EP_HK_CAP_CAPABLE, 4, HF_CORE),
    FX(ep_fx_generic_perm, generic_permission, EP_HK_GENERIC_PERMISSION, 3, HF_CORE),
    FX(ep_fx_generic_perm_n2, generic_permission, EP_HK_GENERIC_PERMISSION, 2, HF_CORE),
    FX(ep_fx_inode_perm, inode_permission, EP_HK_INODE_PERMISSION, 3, 0),
    FX(ep_fx_inode_perm_n2, inode_permission, EP_HK_INODE_PERMISSION, 2, 0),
    FX(ep_fx_may_open, may_open, EP_HK_MAY_OPEN, 4, HF_CORE),
    FX(ep_fx_may_open_n3, may_open, EP_HK_MAY_OPEN, 3, HF_CORE),
    FX(ep_fx_may_delete, may_delete, EP_HK_MAY_DELETE, 4, 0),
    FX(ep_fx_may_delete_n3, may_delete, EP_HK_MAY_DELETE, 3, 0),
    FX(ep_fx_notify_change, notify_change, EP_HK_NOTIFY_CHANGE, 4, 0),
    FX(ep_fx_notify_change_n3, notify_change, EP_HK_NOTIFY_CHANGE, 3, 0),
    FX(ep_fx_path_noexec, path_noexec, EP_HK_PATH_NOEXEC, 1, 0),
    FX(ep_fx_sec_file_open, security_file_open, EP_HK_SECURITY_FILE_OPEN, 1, HF_CORE),
    FX(ep_fx_sec_file_perm, security_file_permission, EP_HK_SECURITY_FILE_PERMISSION, 2, 0),
    FX(ep_fx_sec_inode_perm, security_inode_permission, EP_HK_SECURITY_INODE, 2, 0),
    FX(ep_fx_sec_inode_create, security_inode_create, EP_HK_SECURITY_INODE, 3, 0),
    FX(ep_fx_sec_inode_mkdir, security_inode_mkdir, EP_HK_SECURITY_INODE, 3, 0),
    FX(ep_fx_sec_inode_unlink, security_inode_unlink, EP_HK_SECURITY_INODE, 2, 0),
    FX(ep_fx_sec_inode_rmdir, security_inode_rmdir, EP_HK_SECURITY_INODE, 2, 0),
    FX(ep_fx_sec_path_mkdir, security_path_mkdir, EP_HK_SECURITY_PATH, 3, 0),
    FX(ep_fx_sec_path_mknod, security_path_mknod, EP_HK_SECURITY_PATH, 4, 0),
    FX(ep_fx_sec_path_unlink, security_path_unlink, EP_HK_SECURITY_PATH, 2, 0),
    FX(ep_fx_sec_path_rmdir, security_path_rmdir, EP_HK_SECURITY_PATH, 2, 0),
    FX(ep_fx_sec_path_symlink, security_path_symlink, EP_HK_SECURITY_PATH, 3, 0),
    FX(ep_fx_sec_path_link, security_path_link, EP_HK_SECURITY_PATH, 3, 0),
    FX(ep_fx_sec_path_rename, security_path_rename, EP_HK_SECURITY_PATH, 5, 0),
    FX(ep_fx_sec_path_truncate, security_path_truncate, EP_HK_SECURITY_PATH, 1, 0),
    FX(ep_fx_sec_path_chmod, security_path_chmod, EP_HK_SECURITY_PATH, 2, 0),
    FX(ep_fx_sec_path_chown, security_path_chown, EP_HK_SECURITY_PATH, 3, 0),
    FX(ep_fx_sec_ptrace, security_ptrace_access_check, EP_HK_SECURITY_PTRACE, 2, 0),
    FX(ep_fx_sec_task_kill, security_task_kill, EP_HK_SECURITY_TASK_KILL, 4, 0),
    FX(ep_fx_sec_locked_down, security_locked_down, EP_HK_SECURITY_LOCKED_DOWN, 1, 0),
    FX(ep_fx_sec_bprm, security_bprm_check, EP_HK_SECURITY_BPRM, 1, 0),
    FX(ep_fx_aa_audit, aa_audit, EP_HK_APPARMOR, 4, 0),
    FX(ep_fx_aa_file_open, apparmor_file_open, EP_HK_APPARMOR, 1, 0),
    {"ep_tp_selinux_audited", "selinux_audited", "tp_btf/selinux_audited", EP_HK_SELINUX_AVC, 4,
     HF_TP},
    FX(ep_fx_ll_file_open, hook_file_open, EP_HK_LANDLOCK, 1, 0),
    FX(ep_fx_ll_mkdir, hook_path_mkdir, EP_HK_LANDLOCK, 3, 0),
    FX(ep_fx_ll_mknod, hook_path_mknod, EP_HK_LANDLOCK, 4, 0),
    FX(ep_fx_ll_unlink, hook_path_unlink, EP_HK_LANDLOCK, 2, 0),
    FX(ep_fx_ll_rmdir, hook_path_rmdir, EP_HK_LANDLOCK, 2, 0),
    FX(ep_fx_ll_symlink, hook_path_symlink, EP_HK_LANDLOCK, 3, 0),
    FX(ep_fx_ll_link, hook_path_link, EP_HK_LANDLOCK, 3, 0),
    FX(ep_fx_ll_rename, hook_path_rename, EP_HK_LANDLOCK, 5, 0),
    FX(ep_fx_ll_truncate, hook_path_truncate, EP_HK_LANDLOCK, 1, 0),
    FX(ep_fx_ll_file_truncate, hook_file_truncate, EP_HK_LANDLOCK, 1, 0),
    FX(ep_fx_ll_paths, is_access_to_paths_allowed, EP_HK_LANDLOCK, 8, 0),
    FX(ep_fx_ll_bind, hook_socket_bind, EP_HK_LANDLOCK, 3, 0),
    FX(ep_fx_ll_connect, hook_socket_connect, EP_HK_LANDLOCK, 3, 0),
    FX(ep_fx_ll_task_kill, hook_task_kill, EP_HK_LANDLOCK, 4, 0),
    FX(ep_fx_ll_unix_connect, hook_unix_stream_connect, EP_HK_LANDLOCK, 3, 0),
    FX(ep_fx_ll_unix_send, hook_unix_may_send, EP_HK_LANDLOCK, 2, 0),
    FX(ep_fx_yama_ptrace, yama_ptrace_access_check, EP_HK_YAMA, 2, 0),
    FX(ep_fx_yama_traceme, yama_ptrace_traceme, EP_HK_YAMA, 1, 0),
    FX(ep_fx_lockdown, lockdown_is_locked_down, EP_HK_LOCKDOWN, 1, 0),
    FX(ep_fx_bpf_lsm_open, bpf_lsm_file_open, EP_HK_BPF_LSM, 1, 0),
    FX(ep_fx_bpf_lsm_bprm, bpf_lsm_bprm_check_security, EP_HK_BPF_LSM, 1, 0),
    FX(ep_fx_fsnotify_parent, __fsnotify_parent, EP_HK_FSNOTIFY, 4, 0),
    FX(ep_fx_fsnotify, fsnotify, EP_HK_FSNOTIFY, 7, 0),
    FX(ep_fx_seccomp, __seccomp_filter, EP_HK_SECCOMP_FILTER, 3, 0),
    FX(ep_fx_seccomp_n2, __seccomp_filter, EP_HK_SECCOMP_FILTER, 2, 0),
    FX(ep_fx_devcgroup, devcgroup_check_permission, EP_HK_DEVCGROUP, 4, 0),
    FX(ep_fx_check_kill, check_kill_permission, EP_HK_CHECK_KILL, 3, 0),
    FX(ep_fx_ptrace_may, __ptrace_may_access, EP_HK_PTRACE_MAY_ACCESS, 2, 0),
    FX(ep_fx_inet_bind, __inet_bind, EP_HK_INET_BIND, 4, 0),
    FX(ep_fx_inet6_bind, __inet6_bind, EP_HK_INET_BIND, 4, 0),
    FX(ep_fx_ping_init, ping_init_sock, EP_HK_PING_INIT, 1, 0),
    FX(ep_fx_inet_create, inet_create, EP_HK_INET_CREATE, 4, 0),
    FX(ep_fx_inet6_create, inet6_create, EP_HK_INET_CREATE, 4, 0),
};

#define N_DEFS	(sizeof(hook_defs) / sizeof(hook_defs[0]))
#define WHY_LEN HOOKS_WHY_LEN
_Static_assert(N_DEFS <= HOOKS_MAX_DEFS, "struct hooks holds too few definitions");

static const char *const core_names[] = {"cap_capable", "generic_permission", "may_open",
					 "security_file_open"};

static int record(struct tracer_features *f, const struct hook_def *d, bool active, const char *why)
{
	struct tracer_hook_state *h;

	if (f->n_hooks >= TRACER_MAX_HOOKS)
		return -1;
	h = &f->hooks[f->n_hooks];
	h->name = d->name;
	h->active = active;
	h->why = active ? NULL : why;
	return f->n_hooks++;
}

/*
 * A two-instruction program of @type for BTF id @btf_id: can this kernel load (and attach) it?
 * The definitive answer: the program type can be known but refused, and a target can be refused
 * at load (e.g. struct arguments passed by value before v6.1), which would fail the object.
 */
static int probe_load(enum bpf_attach_type type, int btf_id, bool attach, const char *what,
		      char *why)
{
	const struct bpf_insn insns[] = {
	    {.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0},
	    {.code = BPF_JMP | BPF_EXIT},
	};
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = type,
		    .attach_btf_id = btf_id);
	int fd, link, err = 0;

	fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, "ep_probe", "GPL", insns, 2, &opts);
	if (fd < 0) {
		err = -errno;
		snprintf(why, WHY_LEN, "%s refused: %s", what, strerror(-err));
		return err;
	}
	if (!attach)
		goto out;
	link = type == BPF_TRACE_RAW_TP ? bpf_raw_tracepoint_open(NULL, fd)
					: bpf_link_create(fd, 0, type, NULL);
	if (link < 0) {
		err = -errno;
		snprintf(why, WHY_LEN, "attach refused: %s", strerror(-err));
	} else {
		close(link);
	}
out:
	close(fd);
	return err;
}

static bool func_ok(const struct btf *btf, const struct hook_def *d, int *nargs, int *id_out)
{
	const struct btf_type *t;
	int id;

	if (d->flags & HF_TP) {
		char tname[128];

		snprintf(tname, sizeof(tname), "btf_trace_%s", d->target);
		id = btfidx_find(btf, tname, BTF_KIND_TYPEDEF);
		*nargs = d->nargs;
		return id > 0;
	}
	id = btfidx_find(btf, d->target, BTF_KIND_FUNC);
	if (id <= 0)
		return false;
	*id_out = id;
	t = btf__type_by_id(btf, id);
	t = t ? btf__type_by_id(btf, t->type) : NULL;
	*nargs = t && btf_is_func_proto(t) ? btf_vlen(t) : -1;
	return true;
}

static void all_off(struct epermd_bpf *skel, struct tracer_features *f, const char *why)
{
	struct bpf_program *prog;
	size_t i;

	for (i = 0; i < N_DEFS; i++) {
		prog = bpf_object__find_program_by_name(skel->obj, hook_defs[i].prog);
		if (!prog)
			continue;
		bpf_program__set_autoload(prog, false);
		if (i > 0 && !strcmp(hook_defs[i - 1].target, hook_defs[i].target))
			continue;
		record(f, &hook_defs[i], false, why);
	}
}

/* An fexit/LSM program missing from hook_defs would load unprobed and could fail the object. */
static void off_unknown(struct epermd_bpf *skel)
{
	enum bpf_attach_type t;
	struct bpf_program *prog;
	size_t i;

	bpf_object__for_each_program(prog, skel->obj)
	{
		t = bpf_program__expected_attach_type(prog);
		if (t != BPF_TRACE_FEXIT && t != BPF_TRACE_FENTRY && t != BPF_LSM_MAC)
			continue;
		for (i = 0; i < N_DEFS; i++)
			if (!strcmp(bpf_program__name(prog), hook_defs[i].prog))
				break;
		if (i == N_DEFS)
			bpf_program__set_autoload(prog, false);
	}
}

bool hooks_refuse(struct hooks *hs, const char *prog, const char *why)
{
	size_t i;

	if (!prog) {
		hs->refuse_all = true;
		snprintf(hs->refuse_all_why, WHY_LEN, "%s", why);
		return true;
	}
	for (i = 0; i < N_DEFS; i++)
		if (!strcmp(prog, hook_defs[i].prog))
			break;
	if (i == N_DEFS || hs->n_refused >= HOOKS_MAX_REFUSED)
		return false;
	hs->refused[hs->n_refused].prog = hook_defs[i].prog;
	snprintf(hs->refused[hs->n_refused].why, WHY_LEN, "%s", why);
	hs->n_refused++;
	return true;
}

void hooks_refuse_reset(struct hooks *hs)
{
	hs->n_refused = 0;
	hs->refuse_all = false;
}

static const char *refused_why(const struct hooks *hs, const char *prog)
{
	for (int i = 0; i < hs->n_refused; i++)
		if (!strcmp(hs->refused[i].prog, prog))
			return hs->refused[i].why;
	return NULL;
}

/* Can this kernel load fexit and tp_btf programs at all? Each answer's reason goes in @hs. */
static void probe_types(struct hooks *hs, const struct btf *btf, bool *fexit_ok, bool *tp_ok)
{
	int id;

	id = btfidx_find(btf, "cap_capable", BTF_KIND_FUNC);
	*fexit_ok =
	    id > 0 && !probe_load(BPF_TRACE_FEXIT, id, true, "program type", hs->fexit_refused);
	if (id <= 0)
		snprintf(hs->fexit_refused, WHY_LEN,
			 "cap_capable not in kernel BTF: fexit not probed");
	id = btfidx_find(btf, "btf_trace_sys_exit", BTF_KIND_TYPEDEF);
	*tp_ok = id > 0 && !probe_load(BPF_TRACE_RAW_TP, id, true, "program type", hs->tp_refused);
	if (id <= 0)
		snprintf(hs->tp_refused, WHY_LEN, "tp_btf not probed: no btf_trace_sys_exit");
}

/*
 * The variants [i, j) of one target: which one (index into hook_defs) matches the kernel, or
 * N_DEFS with *why set when none can load.
 */
static size_t pick_variant(struct hooks *hs, struct epermd_bpf *skel, const struct btf *btf,
			   size_t i, size_t j, bool fexit_ok, bool tp_ok, const char **why)
{
	const struct hook_def *d = &hook_defs[i];
	size_t pick = N_DEFS;
	int id = 0, nargs = 0, perr;
	bool present;

	present = func_ok(btf, d, &nargs, &id);
	if (!(d->flags & HF_TP) && !fexit_ok)
		*why = hs->fexit_refused;
	else if ((d->flags & HF_TP) && !tp_ok)
		*why = hs->tp_refused;
	else if (!present)
		*why = d->flags & HF_TP ? "tracepoint not in kernel BTF"
					: "function not in kernel BTF";
	if (*why)
		return N_DEFS;
	for (size_t k = i; k < j; k++)
		if (hook_defs[k].nargs == nargs &&
		    bpf_object__find_program_by_name(skel->obj, hook_defs[k].prog))
			pick = k;
	if (pick == N_DEFS) {
		snprintf(hs->def_why[i], WHY_LEN, "kernel prototype has %d arguments, program %d",
			 nargs, d->nargs);
		*why = hs->def_why[i];
	} else if (!(d->flags & HF_TP) &&
		   (perr = probe_load(BPF_TRACE_FEXIT, id, false, "target", hs->def_why[i]))) {
		/*
		 * BTF can keep a function the compiler renamed (foo.isra.0) or inlined everywhere,
		 * and fexit needs the exact symbol: the kernel looks the name up in kallsyms at
		 * load and says ENOENT when it is not there. (Reading /proc/kallsyms instead took
		 * a quarter of a second of every start, and systemd's ProtectKernelTunables= hides
		 * it.)
		 */
		if (perr == -ENOENT)
			snprintf(hs->def_why[i], WHY_LEN,
				 "function not in the kernel symbol list (renamed or inlined)");
		*why = hs->def_why[i];
	} else if (refused_why(hs, hook_defs[pick].prog)) {
		*why = refused_why(hs, hook_defs[pick].prog);
	}
	return *why ? N_DEFS : pick;
}

/* Autoload only @pick of the variants [i, j), and record the target in @f. */
static int keep_variant(struct hooks *hs, struct epermd_bpf *skel, struct tracer_features *f,
			size_t i, size_t j, size_t pick, const char *why)
{
	struct bpf_program *prog;
	int err;

	for (size_t k = i; k < j; k++) {
		prog = bpf_object__find_program_by_name(skel->obj, hook_defs[k].prog);
		if (prog && k != pick) {
			err = bpf_program__set_autoload(prog, false);
			if (err)
				return err;
		}
	}
	if (pick < N_DEFS)
		/* active for now: hooks_attach says otherwise if the attach fails */
		hs->def_slot[pick] = record(f, &hook_defs[pick], true, NULL);
	else if (bpf_object__find_program_by_name(skel->obj, hook_defs[i].prog))
		record(f, &hook_defs[i], false, why);
	return 0;
}

int hooks_prepare(struct hooks *hs, struct epermd_bpf *skel, bool tracepoint_only,
		  const struct btf *btf, struct tracer_features *f)
{
	bool fexit_ok, tp_ok, seccomp_on = false;
	size_t i, j, pick;
	int err = 0;

	for (i = 0; i < N_DEFS; i++)
		hs->def_slot[i] = -1;
	off_unknown(skel);
	if (tracepoint_only) {
		all_off(skel, f, "--tracepoint-only");
		return 0;
	}
	if (hs->refuse_all) {
		all_off(skel, f, hs->refuse_all_why);
		return 0;
	}
	if (!btf) {
		all_off(skel, f, "no kernel BTF");
		return 0;
	}
	probe_types(hs, btf, &fexit_ok, &tp_ok);

	for (i = 0; i < N_DEFS; i = j) {
		const char *why = NULL;

		/* [i, j) are the variants of one target */
		for (j = i + 1; j < N_DEFS && !strcmp(hook_defs[j].target, hook_defs[i].target);
		     j++)
			;
		pick = pick_variant(hs, skel, btf, i, j, fexit_ok, tp_ok, &why);
		err = keep_variant(hs, skel, f, i, j, pick, why);
		if (err)
			goto cleanup;
		if (pick < N_DEFS && hook_defs[pick].hook == EP_HK_SECCOMP_FILTER)
			seccomp_on = true;
	}
	/* __seccomp_filter reports the filter's verdict itself: the exit-without-enter guess of
	 * the tracepoint layer (and its sys_enter hook work) is not needed then. */
	if (seccomp_on)
		skel->rodata->seccomp_by_enter = false;
cleanup:
	return err;
}

static struct bpf_link **skel_link(struct epermd_bpf *skel, const char *name)
{
	const struct bpf_object_skeleton *s = skel->skeleton;
	int i;

	for (i = 0; s && i < s->prog_cnt; i++)
		if (!strcmp(s->progs[i].name, name))
			return s->progs[i].link;
	return NULL;
}

/* The state of fexit/@target as recorded: true if attached, else its reason in *why. */
static bool hook_on(const struct tracer_features *f, const char *target, const char **why)
{
	char name[96];

	snprintf(name, sizeof(name), "fexit/%s", target);
	*why = "not probed";
	for (int i = 0; i < f->n_hooks && i < TRACER_MAX_HOOKS; i++) {
		if (!f->hooks[i].name || strcmp(f->hooks[i].name, name))
			continue;
		*why = f->hooks[i].why ? f->hooks[i].why : "off";
		return f->hooks[i].active;
	}
	return false;
}

/* What of Landlock's refusals full mode sees on this kernel, for --features: the file system
 * with the exact missing rights (is_access_to_paths_allowed, 6.6+ trampolines) or the requested
 * ones (hook_*), TCP bind/connect (ABI 4, 6.7+), scoping of signals and abstract unix sockets
 * (ABI 6, 6.12+). Without them only the restrict_self mark names Landlock. */
static void landlock_summary(struct tracer_features *f)
{
	static char buf[512];
	const char *w_exact, *w_open, *w_mkdir, *w_net, *w_scope;
	bool exact = hook_on(f, "is_access_to_paths_allowed", &w_exact);
	bool open = hook_on(f, "hook_file_open", &w_open);
	bool mkdir = hook_on(f, "hook_path_mkdir", &w_mkdir);
	bool net = hook_on(f, "hook_socket_bind", &w_net);
	bool scope = hook_on(f, "hook_task_kill", &w_scope);

	if (!exact && !open && !mkdir) {
		snprintf(buf, sizeof(buf),
			 "domain mark only (landlock_restrict_self seen since start): no Landlock "
			 "function traced (%s)",
			 w_mkdir);
		f->landlock = buf;
		return;
	}
	snprintf(buf, sizeof(buf), "file system: %s%s%s; network: %s%s; scoping: %s%s",
		 exact ? "the missing rights" : "the requested rights",
		 !exact && !open ? ", open() not seen: " : "", !exact && !open ? w_open : "",
		 net ? "seen" : "not seen: ", net ? "" : w_net,
		 scope ? "seen" : "not seen: ", scope ? "" : w_scope);
	f->landlock = buf;
}

int hooks_attach(struct hooks *hs, struct epermd_bpf *skel, struct tracer_features *f)
{
	int n_core = 0, n_core_on = 0;
	struct bpf_program *prog;
	struct bpf_link *link, **slot;
	size_t i, c;

	for (i = 0; i < N_DEFS; i++) {
		const struct hook_def *d = &hook_defs[i];
		struct tracer_hook_state *h;

		if (hs->def_slot[i] < 0)
			continue;
		h = &f->hooks[hs->def_slot[i]];
		prog = bpf_object__find_program_by_name(skel->obj, d->prog);
		slot = skel_link(skel, d->prog);
		if (!prog || bpf_program__fd(prog) < 0) {
			h->active = false;
			h->why = "not loaded";
			continue;
		}
		link = slot && *slot ? *slot : bpf_program__attach(prog);
		if (!link) {
			h->active = false;
			/* ENOTSUPP (524) is kernel-internal: the trampoline cannot take the call */
			if (errno == 524)
				snprintf(hs->def_why[i], WHY_LEN,
					 "attach failed: trampoline refused "
					 "(ENOTSUPP, too many arguments?)");
			else
				snprintf(hs->def_why[i], WHY_LEN, "attach failed: %s",
					 strerror(errno));
			h->why = hs->def_why[i];
			continue;
		}
		if (slot)
			*slot = link;
		h->active = true;
		h->why = NULL;
		f->hooks_active |= 1ull << d->hook;
	}
	/* Full attribution needs every core function (in whichever variant the kernel has). */
	for (c = 0; c < sizeof(core_names) / sizeof(core_names[0]); c++) {
		n_core++;
		for (i = 0; i < N_DEFS; i++)
			if (hs->def_slot[i] >= 0 && f->hooks[hs->def_slot[i]].active &&
			    !strcmp(hook_defs[i].target, core_names[c])) {
				n_core_on++;
				break;
			}
	}
	f->full = n_core_on == n_core;
	landlock_summary(f);
	return 0;
}
