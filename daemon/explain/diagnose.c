// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The words: one diagnosis sentence with the concrete values, the least-privilege fix for how
 * the process runs (plain binary, systemd unit, container), and a command that validates it.
 * Strings from the event are hostile: they are not escaped here (the sinks do that), but every
 * path or name placed inside a shell command is single-quoted.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "dac.h"
#include "diagnose.h"
#include "fixes.h"
#include "unitmap.h"
#include "names.h"

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

static void fill_who(struct dx *x)
{
	const struct denial *d = x->d;
	const char *exe = d->proc.exe;
	int cl = (int)strnlen(d->ev.comm, EP_COMM_LEN);

	snprintf(x->comm, sizeof(x->comm), "%.*s", cl, d->ev.comm);
	if (exe[0] && strncmp(base_name(exe), x->comm, cl) != 0)
		snprintf(x->who, sizeof(x->who), "%s (pid %u, uid %u, exe %s)", x->comm, d->ev.pid,
			 d->ev.uid, exe);
	else
		snprintf(x->who, sizeof(x->who), "%s (pid %u, uid %u)", x->comm, d->ev.pid,
			 d->ev.uid);
}

static void fill_object(struct dx *x)
{
	const struct denial *d = x->d;

	if (d->path[0])
		x->obj = d->path;
	else if (d->ev.path_len && d->ev.path[0])
		x->obj = d->ev.path;
	else if (d->target[0])
		x->obj = d->target;
	else
		x->obj = "";
	x->target = d->target[0] ? d->target : x->obj;
	sh_quote(x->obj, x->qobj, sizeof(x->qobj));
}

static const char *open_mode(const struct dx *x)
{
	long fl = sc_open_flags(x->d, &x->si);

	if (fl < 0)
		return "";
	if ((fl & 3) == 1)
		return " for writing";
	if ((fl & 3) == 2)
		return " for reading and writing";
	return (fl & 01000) ? " for truncation" : " for reading";
}

/* No sentence loses its object: "write to fd 3 (the file is no longer known)". */
static bool fill_what_unknown(struct dx *x)
{
	const struct denial *d = x->d;
	int fa = (d->ev.flags & EP_F_COMPAT) ? 0 : syscall_fd_arg(d->ev.syscall_nr);
	const char *to = x->si.cls == SC_WRITE ? " to" : x->si.cls == SC_READ ? " from" : "";

	if (x->obj[0])
		return false;
	if (fa >= 1 && fa <= 6)
		snprintf(x->what, sizeof(x->what), "%s%s fd %d (the file is no longer known)",
			 x->si.verb, to, (int)d->ev.args[fa - 1]);
	else
		snprintf(x->what, sizeof(x->what), "%s (the object is not known)", x->si.verb);
	return true;
}

static void fill_what(struct dx *x)
{
	switch (x->si.cls) {
	case SC_OTHER:
		if (x->obj[0])
			snprintf(x->what, sizeof(x->what), "call %s() on %s", x->si.name, x->obj);
		else
			snprintf(x->what, sizeof(x->what), "call %s()", x->si.name);
		return;
	case SC_OPEN:
		if (fill_what_unknown(x))
			return;
		snprintf(x->what, sizeof(x->what), "%s %s%s", x->si.verb, x->obj, open_mode(x));
		return;
	case SC_KILL:
	case SC_PTRACE:
		snprintf(x->what, sizeof(x->what), "%s %s", x->si.verb, x->target);
		return;
	case SC_SOCKET:
		if (sc_ping_socket(x->d, &x->si))
			snprintf(x->what, sizeof(x->what), "create an ICMP (ping) socket");
		else if (x->d->target[0])
			snprintf(x->what, sizeof(x->what), "create a socket (%s)", x->d->target);
		else
			snprintf(x->what, sizeof(x->what), "create a socket");
		return;
	case SC_BIND:
		/* the path of a socket fd is "socket:[ino]": the target says more */
		if (x->d->target[0])
			snprintf(x->what, sizeof(x->what), "bind %s", x->d->target);
		else
			snprintf(x->what, sizeof(x->what), "bind a socket");
		return;
	case SC_HOSTNAME:
	case SC_BPF:
	case SC_PERF:
	case SC_UNSHARE:
	case SC_CLONE:
	case SC_SETID:
	case SC_IOPORT:
	case SC_KEXEC:
	case SC_MODULE:
	case SC_TIME:
	case SC_REBOOT:
	case SC_SETNS:
		snprintf(x->what, sizeof(x->what), "%s", x->si.verb);
		return;
	default:
		if (!fill_what_unknown(x))
			snprintf(x->what, sizeof(x->what), "%s %s", x->si.verb, x->obj);
	}
}

/* ---- per cause ------------------------------------------------------------------------------- */

static void say_unknown(struct dx *x)
{
	const struct denial *d = x->d;
	char q[64];

	DIAG(x,
	     "%s could not %s (%s) and epermd could not name the subsystem: no recorded "
	     "evidence pointed to one.",
	     x->who, x->what, x->errname);
	if (d->ev.ret == -EP_EROFS)
		DIAG(x, " EROFS means a write on a read-only mount or filesystem;");
	else if (x->err == EP_EACCES)
		DIAG(x, " EACCES usually means a permission or policy check on the object;");
	else
		DIAG(x, " EPERM usually means a privilege or a policy, not file permissions;");
	DIAG(x, " see the evidence for what was checked.");
	FIX(x,
	    "Look at what the kernel logged at that time (`journalctl -k --since -10min`, "
	    "`ausearch -m AVC,USER_AVC,SECCOMP -ts recent`), run `epermd --features` to see which "
	    "evidence hooks are off on this kernel, and reproduce under `strace -f -e trace=%s`.",
	    x->si.name);
	if (d->proc.no_new_privs == 1 && x->err == EP_EACCES)
		FIX(x,
		    " The process has NoNewPrivs set: if it sandboxes itself (Landlock), its own "
		    "policy is the place to look.");
	VAL(x,
	    "epermd --features; grep -E 'Seccomp|NoNewPrivs|CapEff' /proc/%u/status; "
	    "pgrep -a %s",
	    d->ev.pid, sh_quote(x->comm, q, sizeof(q)));
}

static void say_capability(struct dx *x)
{
	const struct denial *d = x->d;

	dx_fill_cap(x, d->capability);
	DIAG(x, "%s could not %s: it lacks %s", x->who, x->what, x->cap);
	if (!(d->hooks_active & ((1ull << EP_HK_TP_CAP_CAPABLE) | (1ull << EP_HK_CAP_CAPABLE))))
		DIAG(x,
		     " (inferred from %s(2) and the %s credentials: this kernel reports no "
		     "capability checks)",
		     x->si.name, (d->ev.facts & EP_FACT_CREDS) ? "kernel's" : "process's");
	DIAG(x, "; ");
	if (d->capability == 10 && d->sysctl_name[0])
		DIAG(x, "ports below %s (%s) need it.", d->sysctl_value, d->sysctl_name);
	else
		DIAG(x, "%s.", fix_cap_reason(d->capability));
	fix_grant_cap(x);
	fix_cap_alternative(x);
}

static const char *userns_object(const struct dx *x)
{
	switch (x->si.cls) {
	case SC_HOSTNAME:
		return "the hostname (its UTS namespace)";
	case SC_MOUNT:
		return "the mount namespace";
	case SC_TIME:
		return "the system clock";
	case SC_MODULE:
		return "the kernel";
	default:
		return "the object";
	}
}

/* chown/chmod of a file whose owner is not mapped into the caller's user namespace */
static void say_userns_unmapped(struct dx *x)
{
	const struct denial *d = x->d;

	DIAG(x,
	     "%s could not %s: it holds %s only inside its own user namespace, and the file's "
	     "owner (uid %u, gid %u on the host) is not mapped into that namespace, so the "
	     "capability does not cover the file; root in a container or user namespace is not "
	     "root on the host.",
	     x->who, x->what, x->cap, (unsigned)d->file.uid, (unsigned)d->file.gid);
	FIX(x,
	    "Give the file an owner that the namespace maps (from the host: chown it to a uid and "
	    "gid inside the namespace's range in /proc/%u/uid_map and gid_map), or include its "
	    "owner in the namespace's mapping when the namespace is created (/etc/subuid, "
	    "/etc/subgid, newuidmap). Adding capabilities inside the namespace cannot help.",
	    d->ev.pid);
	VAL(x, "cat /proc/%u/uid_map /proc/%u/gid_map; stat -c '%%u:%%g' %s", d->ev.pid, d->ev.pid,
	    x->qobj);
}

static void say_userns(struct dx *x)
{
	const struct denial *d = x->d;
	const struct ep_evidence *e = NULL;

	for (int i = 0; i < d->ev.n_ev && i < EP_MAX_EV; i++)
		if (d->ev.ev[i].kind == EP_EV_CAP && d->ev.ev[i].ret &&
		    (int)d->ev.ev[i].a[0] == d->capability)
			e = &d->ev.ev[i];
	dx_fill_cap(x, d->capability);
	if (d->userns_unmapped) {
		say_userns_unmapped(x);
		return;
	}
	DIAG(x, "%s could not %s: it holds %s only inside its own user namespace", x->who, x->what,
	     x->cap);
	if (e)
		DIAG(x, " (level %llu), but %s belongs to an ancestor namespace (level %llu)",
		     (unsigned long long)e->a[3], userns_object(x), (unsigned long long)e->a[2]);
	else
		DIAG(x, ", but %s belongs to an ancestor namespace", userns_object(x));
	DIAG(x, "; root in a container or user namespace is not root on the host.");
	FIX(x,
	    "Do it in a namespace that the process's user namespace owns (create it together "
	    "with the user namespace, e.g. `unshare --user --map-root-user --uts --mount --net`), "
	    "or let a component in the owning namespace do it");
	if (d->proc.container[0])
		FIX(x, " (for %s: the runtime's own option such as --hostname or --sysctl)",
		    d->proc.container);
	FIX(x, ". Adding capabilities inside the namespace cannot help.");
	VAL(x, "readlink /proc/%u/ns/user /proc/%u/ns/uts; cat /proc/%u/uid_map", d->ev.pid,
	    d->ev.pid, d->ev.pid);
}

static void say_dac(struct dx *x)
{
	const struct denial *d = x->d;
	fix_dac(x, &d->dac); /* the verdict's DAC check */
}

static void say_immutable(struct dx *x)
{
	fix_immutable(x);
}

static void say_mount(struct dx *x)
{
	if (x->d->ev.ret == -EP_EROFS)
		fix_rofs(x);
	else
		fix_mount(x);
}

static void say_seccomp(struct dx *x)
{
	fix_seccomp(x);
}

static void say_lsm(struct dx *x)
{
	fix_lsm(x);
}

static void say_fanotify(struct dx *x)
{
	fix_fanotify(x);
}

static void say_sysctl(struct dx *x)
{
	fix_sysctl(x);
}

static void say_cgroup(struct dx *x)
{
	fix_cgroup(x);
}

typedef void (*say_fn)(struct dx *x);

static const say_fn sayers[EP_CAUSE__MAX] = {
    [EP_CAUSE_UNKNOWN] = say_unknown,	  [EP_CAUSE_CAPABILITY] = say_capability,
    [EP_CAUSE_USERNS] = say_userns,	  [EP_CAUSE_DAC] = say_dac,
    [EP_CAUSE_IMMUTABLE] = say_immutable, [EP_CAUSE_MOUNT] = say_mount,
    [EP_CAUSE_SECCOMP] = say_seccomp,	  [EP_CAUSE_LSM] = say_lsm,
    [EP_CAUSE_FANOTIFY] = say_fanotify,	  [EP_CAUSE_SYSCTL] = say_sysctl,
    [EP_CAUSE_CGROUP] = say_cgroup,	  [EP_CAUSE_MDWE] = fix_mdwe,
};

void diagnose_denial(struct denial *d)
{
	struct dx x;

	memset(&x, 0, sizeof(x));
	x.d = d;
	d->diagnosis[0] = d->fix[0] = d->validate[0] = d->fix_command[0] = '\0';
	x.si = denial_sc(d); /* the verdict's syscall class */
	x.err = d->ev.ret == -EP_EACCES ? EP_EACCES : EP_EPERM;
	x.errname = d->ev.ret == -EP_EROFS ? "EROFS" : x.err == EP_EACCES ? "EACCES" : "EPERM";
	fill_who(&x);
	fill_object(&x);
	fill_what(&x);
	if (d->unit_directive[0] && !unitmap_rofs_words(d))
		fix_unit(&x);
	else if ((unsigned)d->cause >= EP_CAUSE__MAX || !sayers[d->cause])
		say_unknown(&x);
	else if (d->cause == EP_CAUSE_CAPABILITY && d->capability < 0)
		say_unknown(&x);
	else
		sayers[d->cause](&x);
	if (d->unit_directive[0] && unitmap_rofs_words(d))
		fix_unit_note(&x); /* fix_rofs() already gave the drop-in */
}
