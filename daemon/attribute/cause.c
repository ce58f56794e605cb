// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The cause engine. Kernel evidence first (fexit/LSM/tracepoint records in d->ev.ev[]), then
 * user-space checks on the enrichment (file, mount, proc, sysctls). A rule decides only when
 * its evidence is there; absence of evidence counts only for hooks that were active. When no
 * rule decides, the cause stays 'unknown' and d->evidence says what was checked.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/sysmacros.h>

#include "cause.h"
#include "landlock.h"
#include "unitmap.h"
#include "dac.h"
#include "names.h"
#include "rofs.h"
#include "sysclass.h"

/* capability numbers used by the rules (linux/capability.h) */
enum {
	C_CHOWN = 0,
	C_DAC_OVERRIDE = 1,
	C_DAC_READ_SEARCH = 2,
	C_FOWNER = 3,
	C_KILL = 5,
	C_SETGID = 6,
	C_SETUID = 7,
	C_NET_BIND_SERVICE = 10,
	C_SYS_MODULE = 16,
	C_SYS_RAWIO = 17,
	C_SYS_PTRACE = 19,
	C_SYS_ADMIN = 21,
	C_SYS_BOOT = 22,
	C_SYS_RESOURCE = 24,
	C_PERFMON = 38,
	C_BPF = 39,
};

#define CAP_OPT_NOAUDIT 0x2
#define NO_VALUE	(~0ull)
#define HK(h)		(1ull << (h))

struct cctx {
	struct denial *d;
	struct sc_info si; /* denial_sc(): the verdict's, read back */
	int err;	   /* EP_EPERM or EP_EACCES */
	bool cap_hook;
	const struct ep_evidence *first[EP_EV__MAX];
	const struct ep_evidence *caps[EP_MAX_EV]; /* failed, noise removed */
	int n_caps;
	const struct ep_evidence *cap; /* the one that matters */
	char listener[64];	       /* pre-set by enrichment */
	const struct dac_result *dac;  /* the verdict's (cause_classify) */
};

static const char *capn(int cap, char *buf, size_t n)
{
	const char *s = cap_name(cap);

	if (s)
		return s;
	snprintf(buf, n, "CAP_%d", cap);
	return buf;
}

static const char *hookn(int hook)
{
	const char *s = hook_name(hook);

	return s ? s : "hook";
}

#define sysctl_get denial_sysctl

static long sysctl_num(const struct denial *d, const char *name, long dflt)
{
	const char *v = sysctl_get(d, name);
	char *end;
	long n;

	if (!v)
		return dflt;
	n = strtol(v, &end, 10);
	return end == v ? dflt : n;
}

static bool proc_has_cap(const struct denial *d, int cap)
{
	return dac_has_cap(d, cap) == 1;
}

static const char *const fact_names[DN_FACT__N] = {
    "credentials", "groups", "file",	  "file_flags", "mount",     "base_dir",
    "listener",	   "target", "arguments", "link",	"path_walk", "mdwe",
};

const char *cause_fact_name(unsigned bit)
{
	for (int i = 0; i < DN_FACT__N; i++)
		if (bit == 1u << i)
			return fact_names[i];
	return NULL;
}

/* The verdict rests on something read after the denial: say so in the evidence. */
static void note_later(struct denial *d, unsigned fact, const char *what)
{
	if (d->facts_later & fact)
		denial_add_evidence(d, "observed later: %s", what);
}

static void set_sysctl(struct denial *d, const char *name, const char *value)
{
	snprintf(d->sysctl_name, sizeof(d->sysctl_name), "%s", name);
	snprintf(d->sysctl_value, sizeof(d->sysctl_value), "%s", value ? value : "?");
}

static void decide(struct cctx *c, enum ep_cause cause)
{
	c->d->cause = cause;
}

/* ---- kernel evidence -> evidence strings and the summary ---------------------------------- */

static void note_cap(struct cctx *c, const struct ep_evidence *e)
{
	char b[24];
	const char *how = e->src == EP_HK_TP_CAP_CAPABLE ? "tracepoint" : "fexit";

	if (e->a[2] != NO_VALUE && e->a[3] != NO_VALUE && e->a[2] < e->a[3])
		denial_add_evidence(c->d,
				    "cap_capable: %s %s (%s), target ns level %llu < own %llu",
				    capn((int)e->a[0], b, sizeof(b)), e->ret ? "denied" : "granted",
				    how, (unsigned long long)e->a[2], (unsigned long long)e->a[3]);
	else
		denial_add_evidence(c->d, "cap_capable: %s %s (%s)",
				    capn((int)e->a[0], b, sizeof(b)), e->ret ? "denied" : "granted",
				    how);
}

static void note_ev(struct cctx *c, const struct ep_evidence *e)
{
	struct denial *d = c->d;
	const char *nm = e->name;
	int nl = (int)strnlen(e->name, EP_EV_NAME_LEN);
	unsigned long long a0 = e->a[0], a1 = e->a[1], a2 = e->a[2], a3 = e->a[3];

	switch (e->kind) {
	case EP_EV_CAP:
		note_cap(c, e);
		break;
	case EP_EV_SECCOMP:
		if (e->src == EP_HK_SECCOMP_FILTER)
			denial_add_evidence(d, "__seccomp_filter: syscall refused, errno %llu", a1);
		else if (e->src == EP_HK_SC_CHAIN)
			denial_add_evidence(d, "seccomp filter chain: %.*s returned ERRNO(%llu)",
					    nl, nm, a1);
		else
			denial_add_evidence(d, "no sys_enter before sys_exit (seccomp skipped it)");
		break;
	case EP_EV_DAC:
		denial_add_evidence(d, "%s: %d, mask 0x%llx, mode %04llo uid %llu gid %llu '%.*s'",
				    hookn(e->src), e->ret, a0, a1 & 07777, a2, a3, nl, nm);
		break;
	case EP_EV_INODE_FLAGS:
		denial_add_evidence(d, "%s: %d, i_flags 0x%llx%s%s '%.*s'", hookn(e->src), e->ret,
				    a0, (a0 & 0x8) ? " immutable" : "",
				    (a0 & 0x4) ? " append-only" : "", nl, nm);
		break;
	case EP_EV_MOUNT:
		denial_add_evidence(d, "%s: mount flags 0x%llx (%s) '%.*s'", hookn(e->src), a0,
				    a1 == 1   ? "noexec"
				    : a1 == 2 ? "nosuid"
					      : "?",
				    nl, nm);
		break;
	case EP_EV_LSM:
		denial_add_evidence(d, "%s: %s refused (%d) in %s%s%.*s", hookn(e->src),
				    lsm_name((int)a0) ? lsm_name((int)a0) : "LSM", e->ret,
				    hookn((int)a1), nl ? ", " : "", nl, nm);
		break;
	case EP_EV_FANOTIFY:
		denial_add_evidence(
		    d, "fsnotify: permission event mask 0x%llx denied, listener %llu%s%.*s", a0, a1,
		    nl ? " " : "", nl, nm);
		break;
	case EP_EV_DEVCG:
		denial_add_evidence(d, "devcgroup: %s %llu:%llu access 0x%llx refused",
				    a0 == 1 ? "b" : "c", a1, a2, a3);
		break;
	case EP_EV_LOCKDOWN:
		denial_add_evidence(d, "lockdown: reason %llu refused at level %llu", a0, a1);
		break;
	case EP_EV_SELINUX:
		denial_add_evidence(
		    d, "selinux avc: ssid %llu tsid %llu tclass %llu denied 0x%llx%s%.*s", a0, a1,
		    a2, a3, nl ? " " : "", nl, nm);
		break;
	case EP_EV_YAMA:
		denial_add_evidence(d, "yama: ptrace mode 0x%llx of pid %llu refused (scope %llu)",
				    a0, a1, a2);
		break;
	case EP_EV_SECURITY:
		denial_add_evidence(d, "%s failed: %d (LSM layer)",
				    hookn((int)a0 ? (int)a0 : e->src), e->ret);
		break;
	case EP_EV_FUNC:
		denial_add_evidence(d, "%s failed: %d", hookn((int)a0 ? (int)a0 : e->src), e->ret);
		break;
	default:
		break;
	}
}

/* A failed cap that is known noise: NOAUDIT probes, or CAP_SYS_ADMIN from the overcommit
 * check (vm_enough_memory) when the syscall maps memory. */
static bool cap_is_noise(const struct cctx *c, const struct ep_evidence *e)
{
	if (e->a[1] != NO_VALUE && (e->a[1] & CAP_OPT_NOAUDIT))
		return true;
	return e->a[0] == C_SYS_ADMIN && c->si.cls == SC_MMAP;
}

static int cap_rank(const struct cctx *c, int cap)
{
	if (c->si.cls == SC_SETID && (cap == C_SETUID || cap == C_SETGID))
		return 3;
	if (cap == C_SYS_ADMIN)
		return 0;
	if (cap == C_DAC_OVERRIDE || cap == C_DAC_READ_SEARCH)
		return 1;
	return 2;
}

static void summarise(struct cctx *c)
{
	struct denial *d = c->d;
	int n = d->ev.n_ev < EP_MAX_EV ? d->ev.n_ev : EP_MAX_EV;

	for (int i = 0; i < n; i++) {
		const struct ep_evidence *e = &d->ev.ev[i];

		if (e->kind == EP_EV_NONE || e->kind >= EP_EV__MAX)
			continue;
		note_ev(c, e);
		if (e->kind == EP_EV_CAP) {
			if (!e->ret)
				continue;
			if (cap_is_noise(c, e)) {
				denial_add_evidence(d, "  (ignored: not a denial of this syscall)");
				continue;
			}
			c->caps[c->n_caps++] = e;
			continue;
		}
		if (!c->first[e->kind])
			c->first[e->kind] = e;
	}
	if (d->ev.flags & EP_F_EV_OVERFLOW)
		denial_add_evidence(d, "more evidence than fits one event; the oldest was kept");
	/* the most specific failed capability: a later one of the highest rank */
	for (int i = 0; i < c->n_caps; i++)
		if (!c->cap || cap_rank(c, (int)c->caps[i]->a[0]) >= cap_rank(c, (int)c->cap->a[0]))
			c->cap = c->caps[i];
}

static bool only_dac_caps(const struct cctx *c)
{
	for (int i = 0; i < c->n_caps; i++) {
		int cap = (int)c->caps[i]->a[0];

		/* an owner-override probe (CAP_FOWNER) before a write-permission check that
		 * fails with EACCES: the permission bits decided, not the capability */
		if (cap == C_FOWNER && c->err == EP_EACCES)
			continue;
		if (cap != C_DAC_OVERRIDE && cap != C_DAC_READ_SEARCH && cap != C_SYS_ADMIN)
			return false;
	}
	return c->n_caps > 0 && c->cap->a[0] != C_SYS_ADMIN;
}

static bool have_failed_cap(const struct cctx *c, int cap)
{
	for (int i = 0; i < c->n_caps; i++)
		if ((int)c->caps[i]->a[0] == cap)
			return true;
	return false;
}

/* ---- helpers shared by rules ---------------------------------------------------------------- */

/* The listener is a fact the enrich stage reads only on demand (a /proc scan when the kernel
 * did not notice it): not checked yet, the rule asks for it (want_listener) and goes on as if
 * it could not be checked; the pipeline then enriches and attributes once more. */
static const char *get_listener(struct cctx *c)
{
	struct denial *d = c->d;

	if (c->listener[0])
		return c->listener;
	if (!d->listener_checked) {
		d->want_listener = true;
		return NULL;
	}
	if (!d->listener_found[0])
		return NULL;
	snprintf(c->listener, sizeof(c->listener), "%s", d->listener_found);
	d->facts_later |= d->listener_later ? DN_FACT_LISTENER : 0;
	d->facts_at_denial |= d->listener_later ? 0 : DN_FACT_LISTENER;
	return c->listener;
}

static bool is_devnode(const struct denial *d)
{
	return d->file.valid && (S_ISCHR(d->file.mode) || S_ISBLK(d->file.mode));
}

static const char *walk_errno(int e)
{
	const char *n = e ? errno_name(e) : "ok";

	return n ? n : "error";
}

static void walk_evidence(struct cctx *c)
{
	struct denial *d = c->d;
	const struct dn_walk *w = &d->walk;

	if (!w->done) {
		if (c->err == EP_EACCES && !d->file.valid && !d->path_from_fd && d->path[0])
			denial_add_evidence(d, "path walk not done: the process's root or cwd "
					       "could not be opened");
		return;
	}
	if (w->blocked)
		denial_add_evidence(d, "path walk: %d director%s searchable before %.80s",
				    w->checked, w->checked == 1 ? "y" : "ies", w->dir);
	else if (w->stopped)
		denial_add_evidence(d, "path walk: %d director%s searchable, stopped at %.80s (%s)",
				    w->checked, w->checked == 1 ? "y" : "ies", w->dir,
				    walk_errno(w->err));
	else
		denial_add_evidence(d, "path walk: all %d director%s on the way searchable%s",
				    w->checked, w->checked == 1 ? "y" : "ies",
				    w->at_denial && !w->later ? " (modes at the denial)" : "");
	if (!w->blocked && d->ev.userns_level && !d->proc.idmap_valid &&
	    (dac_has_cap(d, C_DAC_OVERRIDE) == 1 || dac_has_cap(d, C_DAC_READ_SEARCH) == 1))
		denial_add_evidence(d,
				    "path walk counted CAP_DAC_* of its user namespace (level "
				    "%u): uid_map not read (gone); unmapped owners refuse",
				    d->ev.userns_level);
	if (!d->file.valid)
		denial_add_evidence(d, "the object could not be examined as root (%s)",
				    walk_errno(w->obj_err));
	if (w->groups_unknown)
		denial_add_evidence(d, "process gone: supplementary groups not known");
}

/* A refusal despite CAP_DAC_* held in a child user namespace: the inode's owner is not mapped
 * there (the maps are read from /proc later, so said as such) */
static void dac_userns_evidence(struct cctx *c)
{
	struct denial *d = c->d;
	const struct dn_file *f = &d->file;
	uid_t u = c->dac->on_walk ? d->walk.uid : c->dac->on_parent ? f->parent_uid : f->uid;
	gid_t g = c->dac->on_walk ? d->walk.gid : c->dac->on_parent ? f->parent_gid : f->gid;

	if (!c->dac->denied && c->dac->role && !strcmp(c->dac->role, "capability") &&
	    dac_caps_unmapped(d, u, g) < 0) {
		/* the maps were not read (the process was gone): say what the verdict assumed */
		denial_add_evidence(
		    d,
		    "CAP_DAC_* of its user namespace (level %u) counted: uid_map not "
		    "read (gone); it does not apply if %u:%u is unmapped there",
		    d->ev.userns_level, (unsigned)u, (unsigned)g);
		return;
	}
	if (!c->dac->denied || dac_caps_unmapped(d, u, g) != 1 ||
	    (dac_has_cap(d, C_DAC_OVERRIDE) != 1 && dac_has_cap(d, C_DAC_READ_SEARCH) != 1))
		return;
	denial_add_evidence(d,
			    "observed later: its user namespace's uid_map/gid_map: CAP_DAC_* held "
			    "there (level %u) does not cover %u:%u, not mapped",
			    d->ev.userns_level, (unsigned)u, (unsigned)g);
}

static void dac_evidence(struct cctx *c)
{
	struct denial *d = c->d;
	const struct dn_file *f = &d->file;
	char w[4], g[4];

	walk_evidence(c);
	if (!c->dac->decided)
		return;
	if (c->dac->on_walk) {
		const struct dn_walk *w = &d->walk;

		denial_add_evidence(d, "path walk: %.80s mode %04o owner %u:%u%s; %s class lacks x",
				    w->dir, (unsigned)(w->mode & 07777), (unsigned)w->uid,
				    (unsigned)w->gid, w->has_acl ? " +ACL" : "", c->dac->role);
		if (!d->target[0])
			snprintf(d->target, sizeof(d->target), "%.*s", (int)sizeof(d->target) - 1,
				 w->dir);
	} else if (c->dac->on_parent)
		denial_add_evidence(
		    d, "stat: parent dir mode %04o owner %u:%u; %s class grants %s of %s",
		    (unsigned)(f->parent_mode & 07777), (unsigned)f->parent_uid,
		    (unsigned)f->parent_gid, c->dac->role, dac_bits(c->dac->granted, g),
		    dac_bits(c->dac->want, w));
	else
		denial_add_evidence(d, "stat: mode %04o owner %u:%u%s; %s class grants %s of %s",
				    (unsigned)(f->mode & 07777), (unsigned)f->uid, (unsigned)f->gid,
				    f->has_acl ? " +ACL" : "", c->dac->role,
				    dac_bits(c->dac->granted, g), dac_bits(c->dac->want, w));
	denial_add_evidence(d, "DAC %s for fsuid %u fsgid %u", c->dac->denied ? "denies" : "allows",
			    (unsigned)dac_fsuid(d), (unsigned)dac_fsgid(d));
	dac_userns_evidence(c);
}

static bool nonzero(const char *v);

/* ---- capabilities inferred without the cap_capable hook ------------------------------------- */

/* kill_ok_by_cred(): the caller's real or effective uid matches the target's real or saved uid */
static int kill_uids_match(const struct denial *d)
{
	uid_t ru = d->ev.uid, eu = d->ev.euid;

	if (!d->target_valid)
		return -1;
	if (d->ev.facts & EP_FACT_CREDS)
		ru = d->ev.cr.ruid, eu = d->ev.cr.euid;
	return eu == d->target_suid || eu == d->target_ruid || ru == d->target_suid ||
	       ru == d->target_ruid;
}

static bool infer_target(struct cctx *c, char *why, size_t n)
{
	struct denial *d = c->d;
	int m = kill_uids_match(d);

	if (m == 1) {
		denial_add_evidence(d, "the target's uids (%u/%u/%u) match the caller's: not %s",
				    (unsigned)d->target_ruid, (unsigned)d->target_euid,
				    (unsigned)d->target_suid, cap_name(c->si.cap));
		return false;
	}
	if (m < 0)
		snprintf(why, n, "the target's uids not known");
	else
		snprintf(why, n, "the target's uids differ (uid %u)", (unsigned)d->target_ruid);
	return true;
}

/* Does the condition of the syscall's override capability hold (why says which)? */
static bool infer_when(struct cctx *c, char *why, size_t n)
{
	struct denial *d = c->d;
	const __u64 *a = d->ev.args;
	long start;

	switch (c->si.cap_when) {
	case SCW_KILL:
		return (long long)(int)a[0] > 0 && infer_target(c, why, n);
	case SCW_PTRACE:
		return sc_ptrace_attach(d, &c->si) && infer_target(c, why, n);
	case SCW_OWNER:
		if (!d->file.valid || d->file.uid == dac_fsuid(d))
			return false;
		snprintf(why, n, "the file is owned by uid %u, not fsuid %u", (unsigned)d->file.uid,
			 (unsigned)dac_fsuid(d));
		return true;
	case SCW_RAW:
		snprintf(why, n, "a raw or packet socket");
		return ((a[0] == AF_INET || a[0] == AF_INET6) && (a[1] & 0xf) == SOCK_RAW) ||
		       a[0] == AF_PACKET;
	case SCW_BIND:
		start = sysctl_num(d, "net.ipv4.ip_unprivileged_port_start", 1024);
		if (!d->bind_port || (long)d->bind_port >= start)
			return false;
		snprintf(why, n, "port %u below net.ipv4.ip_unprivileged_port_start %ld",
			 d->bind_port, start);
		return true;
	case SCW_DEVNODE:
		snprintf(why, n, "a device node");
		return S_ISCHR(sc_mknod_mode(d, &c->si)) || S_ISBLK(sc_mknod_mode(d, &c->si));
	case SCW_NEWNS:
		snprintf(why, n, "new namespaces other than a user namespace");
		return c->si.flags_arg >= 0 && (a[c->si.flags_arg] & 0x7e020000ull);
	case SCW_RT:
		snprintf(why, n, "a real-time scheduling policy");
		return strcmp(c->si.name, "sched_setscheduler") || a[1] == 1 || a[1] == 2;
	case SCW_RLIMIT:
		snprintf(why, n, "raising a hard limit, or another process's limits");
		return true;
	default:
		return true;
	}
}

static void infer_creds_note(struct cctx *c, int held)
{
	struct denial *d = c->d;
	char b[24];

	if (held < 0)
		denial_add_evidence(d, "capabilities not known: the process was gone and the "
				       "kernel did not record its credentials");
	else
		denial_add_evidence(d, "%s: CapEff %s %s",
				    (d->ev.facts & EP_FACT_CREDS) ? "at the denial"
								  : "observed later",
				    held ? "has" : "lacks", capn(c->si.cap, b, sizeof(b)));
}

/* Kernels without the capability:cap_capable tracepoint (before 6.14 in tracepoint-only mode):
 * the syscall, its arguments and the credentials name the override capability it needed. */
static bool rule_cap_infer(struct cctx *c)
{
	struct denial *d = c->d;
	const struct sc_info *si = &c->si;
	char why[112] = "", b[24];
	int held;

	if (c->cap_hook || si->cap < 0 || c->err != si->cap_err || !infer_when(c, why, sizeof(why)))
		return false;
	held = dac_has_cap(d, si->cap);
	if (d->ev.userns_level > 0 && held != 0) {
		denial_add_evidence(d,
				    "inferred from %s(2): %s, checked against a namespace its "
				    "user namespace (level %u) does not own",
				    si->name, capn(si->cap, b, sizeof(b)), d->ev.userns_level);
		infer_creds_note(c, held);
		d->capability = si->cap;
		/* chown/chmod: the file's owner is not mapped (rule_userns_unmapped) */
		d->userns_unmapped = si->cls == SC_SETATTR && d->file.valid &&
				     (si->cap == C_CHOWN || si->cap == C_FOWNER) &&
				     dac_caps_unmapped(d, d->file.uid, d->file.gid) != 0;
		return decide(c, EP_CAUSE_USERNS), true;
	}
	if (held == 1) {
		denial_add_evidence(d, "%s(2) needs %s%s%s, which the process holds: not it",
				    si->name, capn(si->cap, b, sizeof(b)), why[0] ? " for " : "",
				    why);
		return false;
	}
	denial_add_evidence(d, "inferred from %s(2): %s%s%s", si->name, capn(si->cap, b, sizeof(b)),
			    why[0] ? ", " : "", why);
	infer_creds_note(c, held);
	note_later(d, DN_FACT_TARGET, "the target process's uids");
	d->capability = si->cap;
	if (si->cap == C_NET_BIND_SERVICE)
		set_sysctl(d, "net.ipv4.ip_unprivileged_port_start",
			   sysctl_get(d, "net.ipv4.ip_unprivileged_port_start"));
	return decide(c, EP_CAUSE_CAPABILITY), true;
}

/*
 * chown/chmod/utimes in a child user namespace of a file whose owner is not mapped there: the
 * kernel asks for CAP_CHOWN/CAP_FOWNER in the caller's own namespace, which it holds, and then
 * refuses because privileged_wrt_inode_uidgid() finds the file's uid or gid unmapped. So no
 * capability check fails: with a capability hook active, EPERM, the capability held in its
 * namespace and nothing else refusing, an unmapped owner is what is left.
 */
static bool rule_userns_unmapped(struct cctx *c)
{
	struct denial *d = c->d;
	const struct sc_info *si = &c->si;
	char b[24];

	if (!c->cap_hook || c->n_caps || c->err != EP_EPERM || si->cls != SC_SETATTR ||
	    si->cap_err != EP_EPERM || (si->cap != C_CHOWN && si->cap != C_FOWNER) ||
	    !d->file.valid || d->ev.userns_level == 0 || dac_has_cap(d, si->cap) != 1)
		return false;
	if ((si->cap_when == SCW_OWNER && d->file.uid == dac_fsuid(d)) ||
	    dac_caps_unmapped(d, d->file.uid, d->file.gid) == 0)
		return false; /* the maps, when read, have the owner: something else refused */
	d->capability = si->cap;
	d->userns_unmapped = true;
	denial_add_evidence(d,
			    "%s held in its user namespace (level %u), no capability check failed: "
			    "the file's owner %u:%u is not mapped there",
			    capn(si->cap, b, sizeof(b)), d->ev.userns_level, (unsigned)d->file.uid,
			    (unsigned)d->file.gid);
	infer_creds_note(c, 1);
	note_later(d, DN_FACT_FILE, "the file's owner");
	return decide(c, EP_CAUSE_USERNS), true;
}

/* setrlimit/prlimit64 of RLIMIT_NOFILE above fs.nr_open: EPERM even with CAP_SYS_RESOURCE */
static bool rule_nr_open(struct cctx *c)
{
	struct denial *d = c->d;
	const char *v = sysctl_get(d, "fs.nr_open");
	unsigned long long nr = v ? strtoull(v, NULL, 10) : 0;
	int res_arg = strcmp(c->si.name, "prlimit64") ? 0 : 1;

	if (c->si.cap_when != SCW_RLIMIT || c->err != EP_EPERM || !v || d->ev.args[res_arg] != 7)
		return false;
	if (d->rlim_max && d->rlim_max != ~0ull && d->rlim_max <= nr)
		return false;
	if (!d->rlim_max && dac_has_cap(d, C_SYS_RESOURCE) != 1 && !(c->cap_hook && !c->n_caps))
		return false;
	if (d->rlim_max)
		denial_add_evidence(d, "RLIMIT_NOFILE hard limit %llu asked (observed later)",
				    d->rlim_max);
	else
		denial_add_evidence(d, "RLIMIT_NOFILE refused although CAP_SYS_RESOURCE is held");
	denial_add_evidence(d, "sysctl fs.nr_open = %s", v);
	set_sysctl(d, "fs.nr_open", v);
	return decide(c, EP_CAUSE_SYSCTL), true;
}

/* fs.protected_symlinks: following a link in a sticky world-writable directory whose owner
 * is neither the follower nor the directory's owner (may_follow_link, EACCES) */
static bool rule_protected_symlinks(struct cctx *c)
{
	struct denial *d = c->d;
	const char *v = sysctl_get(d, "fs.protected_symlinks");

	if (c->err != EP_EACCES || !d->link_valid || !v || !nonzero(v))
		return false;
	if (!(d->link_dir_mode & S_ISVTX) || !(d->link_dir_mode & 0002))
		return false;
	if (d->link_uid == dac_fsuid(d) || d->link_uid == d->link_dir_uid)
		return false;
	denial_add_evidence(d,
			    "symlink owned by uid %u in sticky dir mode %04o owned by uid %u; "
			    "follower fsuid %u",
			    (unsigned)d->link_uid, (unsigned)(d->link_dir_mode & 07777),
			    (unsigned)d->link_dir_uid, (unsigned)dac_fsuid(d));
	note_later(d, DN_FACT_LINK, "the link and its directory as they are now");
	denial_add_evidence(d, "sysctl fs.protected_symlinks = %s", v);
	set_sysctl(d, "fs.protected_symlinks", v);
	return decide(c, EP_CAUSE_SYSCTL), true;
}

/* ---- rules on kernel evidence ---------------------------------------------------------------- */

static bool rule_seccomp(struct cctx *c)
{
	struct denial *d = c->d;
	const struct ep_evidence *e = c->first[EP_EV_SECCOMP];
	bool heuristic = !e || (e->src != EP_HK_SECCOMP_FILTER && e->src != EP_HK_SC_CHAIN);
	/* the kernel's word at the time of the syscall; /proc is read later, and all zero once
	 * the process is gone */
	bool task = (d->ev.flags & EP_F_SECCOMP_TASK) || (e && e->a[2] == 2) ||
		    (d->proc.valid && d->proc.seccomp_mode == 2);

	if (!e && !(d->ev.flags & EP_F_NO_ENTER)) {
		if ((d->ev.flags & EP_F_SECCOMP_TASK) && (d->ev.flags & EP_F_FIRST_SEEN))
			denial_add_evidence(d, "seccomp filter on the task, but this is the first "
					       "exit seen on the thread: seccomp not testable");
		return false;
	}
	if (!e)
		denial_add_evidence(d, "no sys_enter before sys_exit");
	if (d->proc.valid && d->proc.seccomp_mode >= 0)
		denial_add_evidence(d, "Seccomp: %d, %d filter%s", d->proc.seccomp_mode,
				    d->proc.seccomp_filters,
				    d->proc.seccomp_filters == 1 ? "" : "s");
	if (!heuristic)
		return decide(c, EP_CAUSE_SECCOMP), true;
	if (d->ev.flags & EP_F_FIRST_SEEN) {
		denial_add_evidence(
		    d, "first exit seen for this thread: exit-without-enter proves nothing");
		return false;
	}
	if (!task) {
		denial_add_evidence(
		    d, "no seccomp filter on the task: exit-without-enter unexplained");
		return false;
	}
	return decide(c, EP_CAUSE_SECCOMP), true;
}

static bool rule_fanotify_ev(struct cctx *c)
{
	const struct ep_evidence *e = c->first[EP_EV_FANOTIFY];
	struct denial *d = c->d;
	int nl;

	if (!e)
		return false;
	nl = (int)strnlen(e->name, EP_EV_NAME_LEN);
	if (e->a[1] && nl)
		snprintf(d->listener, sizeof(d->listener), "%.*s[%llu]", nl, e->name,
			 (unsigned long long)e->a[1]);
	else if (get_listener(c))
		snprintf(d->listener, sizeof(d->listener), "%s", c->listener);
	return decide(c, EP_CAUSE_FANOTIFY), true;
}

static bool rule_devcg_ev(struct cctx *c)
{
	const struct ep_evidence *e = c->first[EP_EV_DEVCG];
	/* DEVCG_ACC_MKNOD 1, DEVCG_ACC_READ 2, DEVCG_ACC_WRITE 4 */
	static const char acc[][4] = {"", "m", "r", "mr", "w", "mw", "rw", "mrw"};

	if (!e)
		return false;
	snprintf(c->d->rule, sizeof(c->d->rule), "%c %llu:%llu %s", e->a[0] == 1 ? 'b' : 'c',
		 (unsigned long long)e->a[1], (unsigned long long)e->a[2], acc[e->a[3] & 7]);
	return decide(c, EP_CAUSE_CGROUP), true;
}

/* The prot bits in the record's words: "PROT_READ|PROT_WRITE|PROT_EXEC" */
static void prot_words(unsigned long long prot, char *buf, size_t n)
{
	snprintf(buf, n, "%s%s%s%s", prot & 1 ? "PROT_READ|" : "", prot & 2 ? "PROT_WRITE|" : "",
		 prot & 4 ? "PROT_EXEC|" : "", (prot & 7) ? "" : "PROT_NONE|");
	buf[strlen(buf) - 1] = '\0';
}

/*
 * The kernel's memory-deny-write-execute (6.3+, prctl PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN;
 * systemd's MemoryDenyWriteExecute= where the kernel has it): map_deny_write_exec() refuses a
 * new mapping that is writable and executable (mmap; shmat with SHM_EXEC and without
 * SHM_RDONLY) and a mapping that gains exec (mprotect, pkey_mprotect) with EACCES, after every
 * LSM and capability check: no hook sees it. Decided only from the kernel's reading of the
 * task's MMF_HAS_MDWE at the denial (EP_FACT_MDWE); the flag is inherited across fork and exec,
 * so the task may not be the one that asked for it.
 */
static bool rule_mdwe(struct cctx *c)
{
	struct denial *d = c->d;
	const unsigned long long *a = (const unsigned long long *)d->ev.args;
	const char *sc = d->sc_name;

	if (c->err != EP_EACCES || !(d->ev.facts & EP_FACT_MDWE))
		return false;
	if (!(d->ev.flags & EP_F_MDWE)) {
		denial_add_evidence(d, "at the denial: memory-deny-write-execute off (MMF_HAS_MDWE "
				       "clear)");
		d->facts_at_denial |= DN_FACT_MDWE;
		return false;
	}
	d->facts_at_denial |= DN_FACT_MDWE;
	denial_add_evidence(d, "at the denial: memory-deny-write-execute on (mm->flags "
			       "MMF_HAS_MDWE, set by prctl PR_SET_MDWE here or in an ancestor)");
	if (!sc_wx_request(sc, a, true))
		return false;
	snprintf(d->rule, sizeof(d->rule), "PR_MDWE_REFUSE_EXEC_GAIN");
	if (!strcmp(sc, "shmat"))
		snprintf(d->target, sizeof(d->target), "shmflg SHM_EXEC");
	else
		prot_words(a[2], d->target, sizeof(d->target));
	return decide(c, EP_CAUSE_MDWE), true;
}

/* enum lockdown_reason values stable from 5.4 to 6.18 (later ones moved between releases) */
static const char *const lockdown_reasons[] = {
    "none",
    "unsigned module loading",
    "/dev/mem,kmem,port",
    "/dev/efi_test access",
    "kexec of unsigned images",
    "hibernation",
    "direct PCI access",
    "raw io port access",
    "raw MSR access",
    "modifying ACPI tables",
};

static void set_lockdown_detail(struct denial *d, unsigned long long reason)
{
	if (reason < sizeof(lockdown_reasons) / sizeof(lockdown_reasons[0]))
		snprintf(d->lsm_detail, sizeof(d->lsm_detail), "%s", lockdown_reasons[reason]);
	else
		snprintf(d->lsm_detail, sizeof(d->lsm_detail), "lockdown reason %llu", reason);
}

static int lsm_of_hook(int hook)
{
	switch (hook) {
	case EP_HK_APPARMOR:
		return EP_LSM_APPARMOR;
	case EP_HK_SELINUX_AVC:
		return EP_LSM_SELINUX;
	case EP_HK_LANDLOCK:
		return EP_LSM_LANDLOCK;
	case EP_HK_YAMA:
		return EP_LSM_YAMA;
	case EP_HK_LOCKDOWN:
	case EP_HK_SECURITY_LOCKED_DOWN:
		return EP_LSM_LOCKDOWN;
	case EP_HK_BPF_LSM:
		return EP_LSM_BPF;
	default:
		return EP_LSM_UNKNOWN;
	}
}

/* The task was in a Landlock domain at the denial (EP_F_LANDLOCKED): its credentials held one
 * (EP_F_LL_CRED, where the daemon found Landlock's place in the LSM blob: any domain, entered
 * before epermd started too), or it (or the thread it descends from) called
 * landlock_restrict_self() successfully since epermd attached (the mark follows fork). */
static bool landlocked(const struct denial *d)
{
	return d->ev.flags & EP_F_LANDLOCKED;
}

static bool landlock_decide(struct cctx *c, const char *how)
{
	struct denial *d = c->d;

	if (d->ev.flags & EP_F_LL_CRED)
		denial_add_evidence(d, "Landlock: the task's credentials held a domain at the "
				       "denial (read by the kernel side)");
	else
		denial_add_evidence(d, "Landlock: the task is in a domain it entered with "
				       "landlock_restrict_self() (seen by epermd, inherited across "
				       "fork)");
	d->lsm = EP_LSM_LANDLOCK;
	snprintf(d->lsm_detail, sizeof(d->lsm_detail), "self-restricted domain (%.200s)", how);
	return decide(c, EP_CAUSE_LSM), true;
}

/* The right the domain refused (lsm_detail) and, for network and scope rules, the object:
 * the port or the abstract socket (a signal's target is already the syscall's). */
static void landlock_detail(struct cctx *c)
{
	struct denial *d = c->d;
	const struct ep_evidence *e = landlock_pick(d);
	char right[160], obj[96];

	if (!landlock_right(e, c->si.cls == SC_OPEN, right, sizeof(right)))
		return;
	snprintf(d->lsm_detail, sizeof(d->lsm_detail), "%s", right);
	landlock_object(e, obj, sizeof(obj));
	/* the kernel's view at the denial wins over /proc read later (a target gone since) */
	if (obj[0])
		snprintf(d->target, sizeof(d->target), "%s", obj);
}

static bool rule_lsm_ev(struct cctx *c)
{
	struct denial *d = c->d;
	const struct ep_evidence *e;

	if ((e = c->first[EP_EV_LOCKDOWN])) {
		d->lsm = EP_LSM_LOCKDOWN;
		set_lockdown_detail(d, e->a[0]);
	} else if ((e = c->first[EP_EV_SELINUX])) {
		d->lsm = EP_LSM_SELINUX;
		snprintf(d->lsm_detail, sizeof(d->lsm_detail), "%.*s tclass %llu denied 0x%llx",
			 (int)strnlen(e->name, EP_EV_NAME_LEN), e->name,
			 (unsigned long long)e->a[2], (unsigned long long)e->a[3]);
	} else if ((e = c->first[EP_EV_YAMA])) {
		d->lsm = EP_LSM_YAMA;
		snprintf(d->lsm_detail, sizeof(d->lsm_detail), "kernel.yama.ptrace_scope=%ld",
			 e->a[2] != NO_VALUE && e->a[2] <= 3
			     ? (long)e->a[2]
			     : sysctl_num(d, "kernel.yama.ptrace_scope", -1));
	} else if ((e = c->first[EP_EV_LSM])) {
		d->lsm = e->a[0] && e->a[0] < EP_LSM__MAX ? (int)e->a[0] : lsm_of_hook(e->src);
		snprintf(d->lsm_detail, sizeof(d->lsm_detail), "%.*s",
			 (int)strnlen(e->name, EP_EV_NAME_LEN), e->name);
	} else {
		return false;
	}
	if (d->lsm == EP_LSM_UNKNOWN && landlocked(d))
		return landlock_decide(c, d->lsm_detail[0] ? d->lsm_detail : "LSM hook");
	if (d->lsm == EP_LSM_LANDLOCK)
		landlock_detail(c);
	if (d->lsm == EP_LSM_APPARMOR && !d->lsm_detail[0] && d->proc.lsm_label[0])
		snprintf(d->lsm_detail, sizeof(d->lsm_detail), "%s", d->proc.lsm_label);
	return decide(c, EP_CAUSE_LSM), true;
}

static bool rule_iflags_ev(struct cctx *c)
{
	const struct ep_evidence *e = c->first[EP_EV_INODE_FLAGS];
	struct denial *d = c->d;

	if (!e || !(e->a[0] & 0xc))
		return false;
	snprintf(d->flag, sizeof(d->flag), "%s", (e->a[0] & 0x8) ? "immutable" : "append-only");
	return decide(c, EP_CAUSE_IMMUTABLE), true;
}

static bool rule_mount_ev(struct cctx *c)
{
	const struct ep_evidence *e = c->first[EP_EV_MOUNT];

	if (!e || e->a[1] != 1)
		return false;
	snprintf(c->d->mount_option, sizeof(c->d->mount_option), "noexec");
	return decide(c, EP_CAUSE_MOUNT), true;
}

static bool rule_dac_ev(struct cctx *c)
{
	const struct ep_evidence *e = c->first[EP_EV_DAC];

	if (!e || (e->ret != -EP_EACCES && !(e->ret == 0 && c->err == EP_EACCES)))
		return false;
	/* may_open() refuses a device node on a nodev mount with the same EACCES as a mode
	 * check: the mount rule names it */
	if (c->si.cls == SC_OPEN && is_devnode(c->d) && c->d->file.mnt_nodev)
		return false;
	dac_evidence(c);
	return decide(c, EP_CAUSE_DAC), true;
}

/* ---- capabilities ---------------------------------------------------------------------------- */

static bool cap_sysctl(struct cctx *c, const char *name, int cap, bool (*cond)(const char *))
{
	const char *v = sysctl_get(c->d, name);

	if (!v || !cond(v))
		return false;
	set_sysctl(c->d, name, v);
	c->d->capability = cap;
	denial_add_evidence(c->d, "sysctl %s = %s", name, v);
	return decide(c, EP_CAUSE_SYSCTL), true;
}

static bool nonzero(const char *v)
{
	return strtol(v, NULL, 10) != 0;
}

static bool is_one(const char *v)
{
	return strtol(v, NULL, 10) >= 1;
}

static bool paranoid(const char *v)
{
	return strtol(v, NULL, 10) >= 2;
}

static bool rule_yama_sysctl(struct cctx *c)
{
	struct denial *d = c->d;
	long scope = sysctl_num(d, "kernel.yama.ptrace_scope", -1);

	if (!sc_ptrace_attach(d, &c->si) || c->err != EP_EPERM || scope < 1)
		return false;
	if (d->hooks_active & HK(EP_HK_YAMA)) {
		denial_add_evidence(d, "yama hook active and silent: not Yama");
		return false;
	}
	if (!c->cap && c->cap_hook && scope < 3)
		return false; /* scope 1/2 would have asked for CAP_SYS_PTRACE */
	if (c->cap && c->cap->a[0] != C_SYS_PTRACE)
		return false;
	denial_add_evidence(d, "sysctl kernel.yama.ptrace_scope = %ld", scope);
	d->lsm = EP_LSM_YAMA;
	d->capability = C_SYS_PTRACE;
	snprintf(d->lsm_detail, sizeof(d->lsm_detail), "kernel.yama.ptrace_scope=%ld", scope);
	set_sysctl(d, "kernel.yama.ptrace_scope", sysctl_get(d, "kernel.yama.ptrace_scope"));
	return decide(c, EP_CAUSE_LSM), true;
}

static bool rule_caps(struct cctx *c)
{
	struct denial *d = c->d;
	const struct ep_evidence *e = c->cap;
	int cap;

	if (!e)
		return false;
	cap = (int)e->a[0];
	if (only_dac_caps(c)) {
		if (c->err != EP_EACCES) {
			d->capability = cap;
			return decide(c, EP_CAUSE_CAPABILITY), true;
		}
		dac_evidence(c);
		return decide(c, EP_CAUSE_DAC), true;
	}
	d->capability = cap;
	if (e->a[2] != NO_VALUE && e->a[3] != NO_VALUE && e->a[2] < e->a[3])
		return decide(c, EP_CAUSE_USERNS), true;
	if (c->si.cls == SC_BPF && (have_failed_cap(c, C_BPF) || cap == C_SYS_ADMIN) &&
	    cap_sysctl(c, "kernel.unprivileged_bpf_disabled", C_BPF, nonzero))
		return true;
	if (c->si.cls == SC_PERF && (have_failed_cap(c, C_PERFMON) || cap == C_SYS_ADMIN) &&
	    cap_sysctl(c, "kernel.perf_event_paranoid", C_PERFMON, paranoid))
		return true;
	if (c->si.cls == SC_LINK && cap == C_FOWNER &&
	    cap_sysctl(c, "fs.protected_hardlinks", C_FOWNER, is_one))
		return true;
	if (c->si.cls == SC_PTRACE && rule_yama_sysctl(c))
		return true;
	if (c->si.cls == SC_BIND && cap == C_NET_BIND_SERVICE) {
		const char *v = sysctl_get(d, "net.ipv4.ip_unprivileged_port_start");

		set_sysctl(d, "net.ipv4.ip_unprivileged_port_start", v ? v : "1024");
	}
	return decide(c, EP_CAUSE_CAPABILITY), true;
}

static bool rule_security_ev(struct cctx *c)
{
	const struct ep_evidence *e = c->first[EP_EV_SECURITY];
	struct denial *d = c->d;
	int hook;

	if (!e)
		return false;
	hook = e->a[0] ? (int)e->a[0] : e->src;
	if ((hook == EP_HK_SECURITY_FILE_OPEN || hook == EP_HK_SECURITY_FILE_PERMISSION) &&
	    c->err == EP_EPERM && !(d->hooks_active & HK(EP_HK_FSNOTIFY))) {
		/* before 6.2 fanotify answers through security_file_open/permission */
		if (get_listener(c)) {
			denial_add_evidence(d, "fanotify permission listener %s", c->listener);
			snprintf(d->listener, sizeof(d->listener), "%s", c->listener);
			return decide(c, EP_CAUSE_FANOTIFY), true;
		}
		if (!d->listener_checked) {
			denial_add_evidence(
			    d, "fanotify listeners not checked: cannot exclude fanotify");
			return false;
		}
		denial_add_evidence(d, "no fanotify permission listener");
	}
	if (landlocked(d))
		return landlock_decide(c, hookn(hook));
	d->lsm = EP_LSM_UNKNOWN;
	snprintf(d->lsm_detail, sizeof(d->lsm_detail), "%s; active LSMs: %s", hookn(hook),
		 d->lsms[0] ? d->lsms : "?");
	return decide(c, EP_CAUSE_LSM), true;
}

/* ---- user-space checks ----------------------------------------------------------------------- */

static bool append_open_ok(const struct cctx *c)
{
	long fl = sc_open_flags(c->d, &c->si);

	return fl >= 0 && (fl & 02000 /* O_APPEND */) && !(fl & 01000 /* O_TRUNC */);
}

static bool flag_hit(struct cctx *c, bool imm, bool app, bool app_denies, const char *what)
{
	struct denial *d = c->d;

	if (!imm && !(app && app_denies))
		return false;
	snprintf(d->flag, sizeof(d->flag), "%s", imm ? "immutable" : "append-only");
	if (d->facts_later & DN_FACT_FLAGS)
		denial_add_evidence(d, "observed later: the current flags of %s (%s)", what,
				    d->flag);
	else if (d->facts_at_denial & DN_FACT_FLAGS)
		denial_add_evidence(d, "at the denial: %s flag set on %s", d->flag, what);
	else
		denial_add_evidence(d, "statx: %s flag set on %s", d->flag, what);
	return decide(c, EP_CAUSE_IMMUTABLE), true;
}

static bool rule_iflags_file(struct cctx *c)
{
	const struct dn_file *f = &c->d->file;
	enum sc_class k = c->si.cls;

	if (c->err != EP_EPERM || !f->flags_valid)
		return false;
	if (f->valid && sc_modifies_file(c->d, &c->si) &&
	    flag_hit(c, f->immutable, f->append_only, k != SC_OPEN || !append_open_ok(c),
		     "the file"))
		return true;
	if (f->valid && (k == SC_UNLINK || k == SC_RMDIR || k == SC_RENAME || k == SC_LINK) &&
	    flag_hit(c, f->immutable, f->append_only, true, "the file"))
		return true;
	if (f->parent_valid && sc_modifies_dir(&c->si) &&
	    flag_hit(c, f->parent_immutable, f->parent_append_only, k != SC_CREATE,
		     "the parent directory"))
		return true;
	return false;
}

static bool rule_mount_file(struct cctx *c)
{
	struct denial *d = c->d;
	const struct dn_file *f = &d->file;
	const char *opt = NULL;

	if (!f->valid && !f->mount_point[0])
		return false;
	if ((c->si.cls == SC_EXEC && c->err == EP_EACCES && f->mnt_noexec) ||
	    (sc_prot_exec(d, &c->si) && c->err == EP_EPERM && f->mnt_noexec))
		opt = "noexec";
	else if (c->si.cls == SC_OPEN && c->err == EP_EACCES && is_devnode(d) && f->mnt_nodev)
		opt = "nodev";
	if (c->si.cls == SC_EXEC && f->mnt_nosuid && (f->mode & (S_ISUID | S_ISGID)))
		denial_add_evidence(d, "mountinfo: %s is nosuid (set-id bits ignored, no denial)",
				    f->mount_point);
	if (!opt)
		return false;
	snprintf(d->mount_option, sizeof(d->mount_option), "%s", opt);
	if (f->mount_gone)
		denial_add_evidence(d,
				    "at the denial: its mount (device %u:%u) was %s; mountinfo no "
				    "longer has it (unmounted since)",
				    major(f->obj_dev), minor(f->obj_dev), opt);
	else
		denial_add_evidence(d, "%s: %s mounted %s",
				    f->from_kernel ? "at the denial" : "mountinfo",
				    f->mount_point[0] ? f->mount_point : "?", opt);
	note_later(d, DN_FACT_MOUNT, "the mount's current options");
	return decide(c, EP_CAUSE_MOUNT), true;
}

static bool gid_in_range(const struct denial *d, long lo, long hi)
{
	gid_t g = d->proc.valid ? d->proc.egid : d->ev.egid;

	if ((long)g >= lo && (long)g <= hi)
		return true;
	for (int i = 0; d->proc.valid && i < d->proc.ngroups && i < DN_MAX_GROUPS; i++)
		if ((long)d->proc.groups[i] >= lo && (long)d->proc.groups[i] <= hi)
			return true;
	return false;
}

static bool has_func(const struct cctx *c, int hook)
{
	const struct denial *d = c->d;

	for (int i = 0; i < d->ev.n_ev && i < EP_MAX_EV; i++)
		if (d->ev.ev[i].kind == EP_EV_FUNC &&
		    (d->ev.ev[i].a[0] == (__u64)hook || d->ev.ev[i].src == hook))
			return true;
	return false;
}

static bool rule_ping(struct cctx *c)
{
	struct denial *d = c->d;
	const char *v = sysctl_get(d, "net.ipv4.ping_group_range");
	long lo, hi;
	char *end;

	if (!sc_ping_socket(d, &c->si) || c->err != EP_EACCES)
		return false;
	if (v) {
		lo = strtol(v, &end, 10);
		hi = strtol(end, NULL, 10);
		if (gid_in_range(d, lo, hi))
			return false;
		denial_add_evidence(
		    d, "sysctl net.ipv4.ping_group_range = %s; gid %u and groups outside", v,
		    (unsigned)(d->proc.valid ? d->proc.egid : d->ev.egid));
	} else if (!has_func(c, EP_HK_PING_INIT)) {
		return false;
	}
	set_sysctl(d, "net.ipv4.ping_group_range", v);
	return decide(c, EP_CAUSE_SYSCTL), true;
}

static bool rule_userns_create(struct cctx *c)
{
	struct denial *d = c->d;
	const char *v;

	if (!sc_new_userns(d, &c->si))
		return false;
	v = sysctl_get(d, "kernel.unprivileged_userns_clone");
	if (v && !nonzero(v) && c->err == EP_EPERM && !proc_has_cap(d, C_SYS_ADMIN)) {
		d->capability = C_SYS_ADMIN;
		denial_add_evidence(d, "sysctl kernel.unprivileged_userns_clone = %s", v);
		set_sysctl(d, "kernel.unprivileged_userns_clone", v);
		return decide(c, EP_CAUSE_SYSCTL), true;
	}
	v = sysctl_get(d, "user.max_user_namespaces");
	if (v && !nonzero(v)) {
		denial_add_evidence(d, "sysctl user.max_user_namespaces = %s", v);
		set_sysctl(d, "user.max_user_namespaces", v);
		return decide(c, EP_CAUSE_SYSCTL), true;
	}
	return false;
}

/* bpf/perf/hardlink without a capability hook: the sysctl and CapEff decide */
static bool rule_sysctl_nocap(struct cctx *c)
{
	struct denial *d = c->d;
	const char *v;

	if (c->cap_hook || !d->proc.valid)
		return false;
	if (c->si.cls == SC_BPF && c->err == EP_EPERM && !proc_has_cap(d, C_BPF) &&
	    !proc_has_cap(d, C_SYS_ADMIN)) {
		denial_add_evidence(d, "CapEff has neither CAP_BPF nor CAP_SYS_ADMIN");
		return cap_sysctl(c, "kernel.unprivileged_bpf_disabled", C_BPF, nonzero);
	}
	if (c->si.cls == SC_PERF && !proc_has_cap(d, C_PERFMON) && !proc_has_cap(d, C_SYS_ADMIN)) {
		denial_add_evidence(d, "CapEff has neither CAP_PERFMON nor CAP_SYS_ADMIN");
		return cap_sysctl(c, "kernel.perf_event_paranoid", C_PERFMON, paranoid);
	}
	v = sysctl_get(d, "fs.protected_hardlinks");
	if (c->si.cls == SC_LINK && c->err == EP_EPERM && v && is_one(v) && d->file.valid &&
	    d->file.uid != dac_fsuid(d) && !proc_has_cap(d, C_FOWNER)) {
		denial_add_evidence(d, "link source owned by uid %u, not the caller",
				    (unsigned)d->file.uid);
		return cap_sysctl(c, "fs.protected_hardlinks", C_FOWNER, is_one);
	}
	return false;
}

/* O_CREAT on someone else's existing file in a sticky, world/group-writable dir */
static bool rule_protected_create(struct cctx *c)
{
	struct denial *d = c->d;
	const struct dn_file *f = &d->file;
	long fl = sc_open_flags(d, &c->si), lvl;
	const char *name;

	if (c->si.cls != SC_OPEN || c->err != EP_EACCES || fl < 0 || !(fl & 0100 /* O_CREAT */))
		return false;
	if (!f->valid || !f->parent_valid || !f->parent_sticky)
		return false;
	if (f->uid == dac_fsuid(d) || f->uid == f->parent_uid)
		return false;
	if (S_ISREG(f->mode))
		name = "fs.protected_regular";
	else if (S_ISFIFO(f->mode))
		name = "fs.protected_fifos";
	else
		return false;
	lvl = sysctl_num(d, name, 0);
	if (!((lvl >= 1 && (f->parent_mode & 0002)) || (lvl >= 2 && (f->parent_mode & 0020))))
		return false;
	denial_add_evidence(d, "O_CREAT on a file of uid %u in sticky dir mode %04o",
			    (unsigned)f->uid, (unsigned)(f->parent_mode & 07777));
	denial_add_evidence(d, "sysctl %s = %ld", name, lvl);
	set_sysctl(d, name, sysctl_get(d, name));
	return decide(c, EP_CAUSE_SYSCTL), true;
}

struct lockdown_row {
	enum sc_class cls;
	int cap;
	int reason;
	bool any_level; /* refused at integrity already */
};

static const struct lockdown_row lockdown_rows[] = {
    {SC_IOPORT, C_SYS_RAWIO, 7, true},
    {SC_KEXEC, C_SYS_BOOT, 4, true},
    {SC_MODULE, C_SYS_MODULE, 1, true},
};

static bool locked_down(const struct denial *d)
{
	const char *l = d->lockdown, *br = strchr(l, '[');

	if (br)
		l = br + 1;
	return !strncmp(l, "integrity", 9) || !strncmp(l, "confidentiality", 15);
}

static bool rule_lockdown(struct cctx *c)
{
	struct denial *d = c->d;
	const struct lockdown_row *r = NULL;
	char b[24];
	int reason;

	for (size_t i = 0; i < sizeof(lockdown_rows) / sizeof(lockdown_rows[0]); i++)
		if (lockdown_rows[i].cls == c->si.cls)
			r = &lockdown_rows[i];
	if (c->si.cls == SC_MODULE && strcmp(c->si.name, "delete_module") == 0)
		r = NULL;
	reason = r ? r->reason : 2;
	if (!r && !(c->si.cls == SC_OPEN &&
		    (!strcmp(d->path, "/dev/mem") || !strcmp(d->path, "/dev/kmem") ||
		     !strcmp(d->path, "/dev/port"))))
		return false;
	if (c->err != EP_EPERM || !locked_down(d))
		return false;
	if (r && !c->cap_hook && !proc_has_cap(d, r->cap)) {
		denial_add_evidence(d, "CapEff lacks %s: lockdown not shown",
				    capn(r->cap, b, sizeof(b)));
		return false;
	}
	denial_add_evidence(d, "securityfs: lockdown %s", d->lockdown);
	d->lsm = EP_LSM_LOCKDOWN;
	set_lockdown_detail(d, (unsigned long long)reason);
	return decide(c, EP_CAUSE_LSM), true;
}

static bool rule_dac_check(struct cctx *c)
{
	if (c->err != EP_EACCES)
		return false;
	dac_evidence(c);
	if (!c->dac->decided || !c->dac->denied)
		return false;
	return decide(c, EP_CAUSE_DAC), true;
}

/* Landlock returns EACCES for file system and network rules and EPERM for its scoping of
 * signals; a marked task whose denial DAC does not explain was refused by its domain. */
static bool rule_landlock_marked(struct cctx *c)
{
	if (!landlocked(c->d))
		return false;
	if (c->err != EP_EACCES && !(c->err == EP_EPERM && c->si.cls == SC_KILL))
		return false;
	return landlock_decide(c, "no other check refused it: DAC allows");
}

/*
 * kernel.io_uring_disabled (6.6+): io_uring_setup() fails with EPERM when it is 2, or 1 and
 * the caller is neither in kernel.io_uring_group nor has CAP_SYS_ADMIN (io_uring_allowed()).
 * Before rule_caps: with 1 the kernel probes CAP_SYS_ADMIN, whose refusal is not the cause.
 */
static bool rule_io_uring_disabled(struct cctx *c)
{
	struct denial *d = c->d;
	long dis = sysctl_num(d, "kernel.io_uring_disabled", 0);
	long grp = sysctl_num(d, "kernel.io_uring_group", -1);

	if (strcmp(c->si.name, "io_uring_setup") || (c->err != EP_EPERM && c->err != EP_EACCES) ||
	    (dis != 1 && dis != 2))
		return false;
	if (dis == 2) {
		denial_add_evidence(d, "sysctl kernel.io_uring_disabled = 2: no process may create "
				       "an io_uring");
	} else {
		if (grp >= 0 && dac_in_groups(d, (gid_t)grp))
			return false; /* in the group: something else refused */
		if (grp >= 0)
			denial_add_evidence(
			    d,
			    "sysctl kernel.io_uring_disabled = 1, kernel.io_uring_group "
			    "= %ld: the caller is not in group %ld",
			    grp, grp);
		else
			denial_add_evidence(d, "sysctl kernel.io_uring_disabled = 1, "
					       "kernel.io_uring_group = -1 (no group allowed)");
		if (dac_has_cap(d, C_SYS_ADMIN) != 1)
			denial_add_evidence(d, "the caller lacks CAP_SYS_ADMIN (not the fix)");
	}
	set_sysctl(d, "kernel.io_uring_disabled", dis == 2 ? "2" : "1");
	return decide(c, EP_CAUSE_SYSCTL), true;
}

/* landlock_restrict_self() needs no_new_privs or CAP_SYS_ADMIN in the task's namespace. */
static bool rule_landlock_self(struct cctx *c)
{
	struct denial *d = c->d;
	int nnp = d->proc.valid ? d->proc.no_new_privs : -1;

	if (c->err != EP_EPERM || !c->si.name || strcmp(c->si.name, "landlock_restrict_self"))
		return false;
	if (d->ev.facts & EP_FACT_CREDS)
		nnp = d->ev.cr.no_new_privs;
	if (nnp == 1)
		return false;
	denial_add_evidence(d,
			    "landlock_restrict_self: no_new_privs is %s and the task lacks "
			    "CAP_SYS_ADMIN",
			    nnp == 0 ? "off" : "unknown");
	d->lsm = EP_LSM_LANDLOCK;
	snprintf(d->lsm_detail, sizeof(d->lsm_detail),
		 "landlock_restrict_self without no_new_privs");
	return decide(c, EP_CAUSE_LSM), true;
}

static bool rule_devcg_container(struct cctx *c)
{
	struct denial *d = c->d;

	if (c->err != EP_EPERM || c->si.cls != SC_OPEN || !is_devnode(d) || !d->proc.container[0])
		return false;
	denial_add_evidence(d, "device node %u:%u opened from container %s", major(d->file.rdev),
			    minor(d->file.rdev), d->proc.container);
	snprintf(d->rule, sizeof(d->rule), "%c %u:%u", S_ISBLK(d->file.mode) ? 'b' : 'c',
		 major(d->file.rdev), minor(d->file.rdev));
	return decide(c, EP_CAUSE_CGROUP), true;
}

static bool rule_fanotify_listener(struct cctx *c)
{
	struct denial *d = c->d;
	enum sc_class k = c->si.cls;

	if (c->err != EP_EPERM || (k != SC_OPEN && k != SC_EXEC && k != SC_READ))
		return false;
	if (d->hooks_active & HK(EP_HK_FSNOTIFY))
		return false; /* the fsnotify hook saw no denial */
	if (!get_listener(c)) {
		denial_add_evidence(d, d->listener_checked ? "no fanotify permission listener"
							   : "fanotify listeners not checked");
		return false;
	}
	denial_add_evidence(d, "fanotify permission listener %s", c->listener);
	snprintf(d->listener, sizeof(d->listener), "%s", c->listener);
	return decide(c, EP_CAUSE_FANOTIFY), true;
}

static void explain_unknown(struct cctx *c)
{
	struct denial *d = c->d;

	if (!d->ev.n_ev)
		denial_add_evidence(d, "no kernel evidence recorded");
	denial_add_evidence(d, "capability events: %s",
			    c->cap_hook ? "hook active, none failed" : "hook not available");
	if (sc_prot_exec(d, &c->si) && c->err == EP_EPERM && !c->n_caps && !d->file.valid)
		denial_add_evidence(d, "PROT_EXEC map refused without a capability failure: "
				       "usually a noexec mount; the mapped file was not resolved");
	if (d->proc.valid && d->proc.no_new_privs == 1)
		denial_add_evidence(d, "NoNewPrivs: 1 (self-sandboxed: seccomp or Landlock)");
	if (d->proc.lsm_label[0])
		denial_add_evidence(d, "LSM label: %s", d->proc.lsm_label);
	if (d->lsms[0])
		denial_add_evidence(d, "active LSMs: %s", d->lsms);
	denial_add_evidence(d, "checked: seccomp, capabilities, DAC, attributes, mount options, "
			       "fanotify, sysctls, lockdown");
}

/* A kernel audit record joined to this denial (audit.c fills d->audit): the kernel's own
 * account of who refused, so it decides first. H9. */
static bool rule_audit(struct cctx *c)
{
	struct denial *d = c->d;
	const struct dn_audit *au = &d->audit;
	int lsm;

	switch (au->kind) {
	case DN_AU_SECCOMP:
	case DN_AU_FANOTIFY:
		lsm = -1;
		break;
	case DN_AU_APPARMOR:
		lsm = EP_LSM_APPARMOR;
		break;
	case DN_AU_SELINUX:
		lsm = EP_LSM_SELINUX;
		break;
	case DN_AU_LANDLOCK:
		lsm = EP_LSM_LANDLOCK;
		break;
	case DN_AU_LOCKDOWN:
		lsm = EP_LSM_LOCKDOWN;
		break;
	default:
		return false;
	}
	denial_add_evidence(d, "%.*s", DN_EVIDENCE_LEN - 1, au->line);
	if (au->kind == DN_AU_SECCOMP)
		return decide(c, EP_CAUSE_SECCOMP), true;
	if (au->kind == DN_AU_FANOTIFY) {
		snprintf(d->rule, sizeof(d->rule), "%.*s", (int)sizeof(d->rule) - 1, au->rule);
		if (get_listener(c))
			snprintf(d->listener, sizeof(d->listener), "%s", c->listener);
		return decide(c, EP_CAUSE_FANOTIFY), true;
	}
	d->lsm = lsm;
	snprintf(d->lsm_detail, sizeof(d->lsm_detail), "%.*s", DN_STR - 1, au->detail);
	return decide(c, EP_CAUSE_LSM), true;
}

typedef bool (*rule_fn)(struct cctx *c);

/* Order matters: kernel evidence, then capabilities, then user-space checks. */
/* clang-format off */
static const rule_fn rules[] = {
	rule_audit,
	rule_seccomp,
	rule_fanotify_ev,
	rule_devcg_ev,
	rule_lsm_ev,
	rule_iflags_ev,
	rule_mount_ev,
	rule_dac_ev,
	rule_landlock_self,
	rule_io_uring_disabled,
	rule_caps,
	rule_security_ev,
	rule_mdwe,
	rule_userns_unmapped,
	rule_iflags_file,
	rule_mount_file,
	rule_ping,
	rule_userns_create,
	rule_sysctl_nocap,
	rule_protected_create,
	rule_lockdown,
	rule_yama_sysctl,
	rule_nr_open,
	rule_protected_symlinks,
	rule_cap_infer,
	rule_dac_check,
	rule_landlock_marked,
	rule_devcg_container,
	rule_fanotify_listener,
};
/* clang-format on */

static void reset(struct denial *d)
{
	d->cause = EP_CAUSE_UNKNOWN;
	d->capability = -1;
	d->lsm = -1;
	d->lsm_detail[0] = d->flag[0] = d->mount_option[0] = '\0';
	d->listener[0] = d->sysctl_name[0] = d->sysctl_value[0] = d->rule[0] = '\0';
	d->n_evidence = 0;
	d->want_listener = false;
	d->userns_unmapped = false;
}

void cause_classify(struct denial *d)
{
	struct sc_info si;

	sc_lookup(d, &d->si, d->sc_name, sizeof(d->sc_name));
	if (d->si.name != d->sc_name)
		snprintf(d->sc_name, sizeof(d->sc_name), "%s", d->si.name);
	d->si.name = NULL; /* a copy of the record must not point into this one: denial_sc() */
	si = denial_sc(d);
	dac_check(d, &si, &d->dac);
	memset(&d->dac_obj, 0, sizeof(d->dac_obj));
	if (d->dac.on_walk)
		dac_check_object(d, &si, &d->dac_obj);
}

/* The object the words name (a path, else the kernel's, else the target) is under /etc. */
static bool under_etc(const struct denial *d)
{
	const char *o = d->target;

	if (d->path[0])
		o = d->path;
	else if (d->ev.path_len && d->ev.path[0])
		o = d->ev.path;
	return !strncmp(o, "/etc/", 5);
}

unsigned cause_wants(const struct denial *d)
{
	/* a unit directive's words (unit_fix.c) read none of them: the same test as
	 * diagnose_denial()'s */
	if (d->unit_directive[0] && !unitmap_rofs_words(d))
		return 0;
	switch (d->cause) {
	case EP_CAUSE_DAC:
		/* the validation runs as the user (setpriv); a private file under /etc names its
		 * group (explain/secrets.c), a lookup as dear as the passwd one (~15 us) */
		return DN_WANT_USER | (under_etc(d) ? DN_WANT_GROUP : 0);
	case EP_CAUSE_CAPABILITY:
	case EP_CAUSE_SYSCTL:
		/* a file capability on the binary of a plain process, unless a general tool */
		if (d->proc.exe[0] && !d->proc.container[0] && !d->proc.unit[0])
			return DN_WANT_EXE;
		return 0;
	default:
		return 0;
	}
}

void cause_decide(struct denial *d)
{
	struct cctx c;
	size_t i;

	memset(&c, 0, sizeof(c));
	c.d = d;
	snprintf(c.listener, sizeof(c.listener), "%s", d->listener);
	reset(d);
	cause_classify(d);
	c.si = denial_sc(d);
	c.dac = &d->dac;
	/* a read-only mount, not a permission check: none of the rules below applies */
	if (d->ev.ret == -EP_EROFS) {
		rofs_decide(d);
		unitmap_attribute(d); /* ProtectSystem=, ReadOnlyPaths=, ... */
		return;
	}
	c.err = d->ev.ret == -EP_EACCES ? EP_EACCES : EP_EPERM;
	c.cap_hook = d->hooks_active & (HK(EP_HK_TP_CAP_CAPABLE) | HK(EP_HK_CAP_CAPABLE));
	summarise(&c);
	for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (rules[i](&c))
			break;
	if (i == sizeof(rules) / sizeof(rules[0]))
		explain_unknown(&c);
	unitmap_attribute(d); /* the unit's directive behind the cause, if it runs in one */
}
