// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Per-cause words for diagnose.c. Every fix is the least-privilege one for how the process
 * runs and never turns a protection off; paths inside commands are single-quoted.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fixes.h"
#include "landlock.h"
#include "secrets.h"
#include "names.h"

void dx_put(char *buf, size_t n, const char *fmt, ...)
{
	size_t len = strnlen(buf, n);
	va_list ap;

	if (len + 1 >= n)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + len, n - len, fmt, ap);
	va_end(ap);
}

void dx_cmd(struct dx *x, const char *fmt, ...)
{
	char *c = x->d->fix_command;
	size_t n = sizeof(x->d->fix_command);
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vsnprintf(c, n, fmt, ap);
	va_end(ap);
	/* nor a command on a path the kernel cut or could not read */
	if (r < 0 || (size_t)r >= n || (x->d->ev.flags & (EP_F_PATH_TRUNC | EP_F_PATH_FAULT)))
		c[0] = '\0';
}

const char *sh_quote(const char *s, char *dst, size_t n)
{
	size_t o = 0;

	if (n < 8) {
		snprintf(dst, n, "''");
		return dst;
	}
	dst[o++] = '\'';
	for (; *s && o + 6 < n; s++) {
		if (*s == '\'') {
			memcpy(dst + o, "'\\''", 4);
			o += 4;
		} else {
			dst[o++] = *s;
		}
	}
	dst[o++] = '\'';
	dst[o] = '\0';
	return dst;
}

static void dir_of(const char *p, char *dst, size_t n)
{
	const char *s = strrchr(p, '/');

	if (!s)
		snprintf(dst, n, ".");
	else if (s == p)
		snprintf(dst, n, "/");
	else
		snprintf(dst, n, "%.*s", (int)(s - p), p);
}

void dx_fill_cap(struct dx *x, int cap)
{
	const char *n = cap_name(cap);

	if (n)
		snprintf(x->cap, sizeof(x->cap), "%s", n);
	else
		snprintf(x->cap, sizeof(x->cap), "CAP_%d", cap);
	snprintf(x->cap_short, sizeof(x->cap_short), "%s",
		 strncmp(x->cap, "CAP_", 4) ? x->cap : x->cap + 4);
	for (size_t i = 0; x->cap[i] && i + 1 < sizeof(x->cap_lower); i++) {
		char ch = x->cap[i];

		x->cap_lower[i] = ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch;
		x->cap_lower[i + 1] = '\0';
	}
}

static unsigned pid_of(const struct dx *x)
{
	return x->d->ev.pid;
}

/* ---- capabilities ---------------------------------------------------------------------------- */

struct cap_words {
	int cap;
	const char *reason;
	const char *alternative;
};

static const struct cap_words cap_words[] = {
    {0, "changing the owner of a file needs it",
     " Alternatively let the file's owner or an administrator change the ownership."},
    {1, "bypassing file permission checks needs it", NULL},
    {2, "bypassing read and search permission checks needs it", NULL},
    {3, "acting on a file owned by another user needs it",
     " Alternatively run the operation as the file's owner."},
    {4, "keeping set-id bits on a file needs it", NULL},
    {5, "signalling a process of another user needs it",
     " Alternatively send the signal as the target's owner (same uid)."},
    {6, "changing to another group id needs it",
     " Alternatively start the program as the target group (Group= in a unit, runuser -g)."},
    {7, "changing to another user id needs it",
     " Alternatively start the program as the target user (User= in a unit, runuser -u)."},
    {8, "changing capability sets needs it", NULL},
    {9, "changing the immutable and append-only attributes needs it", NULL},
    {12, "network configuration needs it", NULL},
    {13, "raw and packet sockets need it",
     " For ping alone, net.ipv4.ping_group_range can allow ICMP sockets without it."},
    {14, "locking memory beyond RLIMIT_MEMLOCK needs it",
     " Alternatively raise the memlock limit (LimitMEMLOCK= in a unit)."},
    {16, "loading and unloading kernel modules needs it", NULL},
    {17, "raw I/O (ioperm, iopl, /dev/mem) needs it", NULL},
    {18, "chroot needs it", NULL},
    {19, "tracing a process it does not own, or a more privileged one, needs it",
     " Alternatively start the target under the tracer, as the same user."},
    {21, "this administrative operation (mount, namespaces, hostname and more) needs it", NULL},
    {22, "reboot and kexec need it", NULL},
    {23, "raising priority or real-time scheduling needs it",
     " Alternatively allow it through limits (LimitRTPRIO=/LimitNICE= in a unit)."},
    {24, "going beyond resource limits needs it", NULL},
    {25, "setting the system clock needs it",
     " Usually time belongs to one daemon (systemd-timesyncd, chrony) that already has it."},
    {27, "creating device nodes needs it", NULL},
    {38, "performance monitoring needs it", NULL},
    {39, "loading BPF programs and maps needs it", NULL},
};

static const struct cap_words *cap_row(int cap)
{
	for (size_t i = 0; i < sizeof(cap_words) / sizeof(cap_words[0]); i++)
		if (cap_words[i].cap == cap)
			return &cap_words[i];
	return NULL;
}

const char *fix_cap_reason(int cap)
{
	const struct cap_words *w = cap_row(cap);

	return w ? w->reason : "the kernel requires it for this operation";
}

void fix_cap_alternative(struct dx *x)
{
	const struct cap_words *w = cap_row(x->d->capability);

	if (x->d->capability == 10)
		FIX(x,
		    " Alternatively listen on a port at or above %s (behind a proxy, or with "
		    "systemd socket activation passing the socket in).",
		    x->d->sysctl_value[0] ? x->d->sysctl_value : "1024");
	else if (w && w->alternative)
		FIX(x, "%s", w->alternative);
}

static const char *runtime_of(const struct denial *d)
{
	if (d->proc.container_runtime[0])
		return d->proc.container_runtime;
	if (!strncmp(d->proc.container, "k8s:", 4))
		return "k8s";
	if (!strncmp(d->proc.container, "podman:", 7))
		return "podman";
	if (!strncmp(d->proc.container, "containerd:", 11))
		return "containerd";
	return "docker";
}

static void grant_container(struct dx *x)
{
	const char *rt = runtime_of(x->d);

	if (!strcmp(rt, "k8s") || strstr(x->d->proc.container, "k8s"))
		FIX(x,
		    "Add only this capability to the container (%s): in the pod spec set "
		    "securityContext.capabilities.add: [\"%s\"] and keep drop: [\"ALL\"] for the "
		    "rest.",
		    x->d->proc.container, x->cap_short);
	else if (!strcmp(rt, "containerd"))
		FIX(x,
		    "Add only %s to the container's capability sets in its spec (%s); keep the "
		    "others dropped.",
		    x->cap, x->d->proc.container);
	else
		FIX(x,
		    "Add only this capability to the container (%s): `%s run --cap-add=%s ...` "
		    "(compose: cap_add: [%s]); keep the other capabilities dropped.",
		    x->d->proc.container, !strcmp(rt, "podman") ? "podman" : "docker", x->cap_short,
		    x->cap_short);
	VAL(x,
	    "grep CapEff /proc/1/status inside the container, then capsh --decode=<CapEff> "
	    "lists %s",
	    x->cap_lower);
}

/* A file capability cannot reach a process whose bounding set lacks the capability or that
 * runs with no_new_privs (execve then ignores file capabilities): say what stops it (FIX)
 * and return true. The kernel's credentials at the denial first, then /proc. */
static bool file_cap_blocked(struct dx *x)
{
	const struct denial *d = x->d;
	bool kern = d->ev.facts & EP_FACT_CREDS;
	uint64_t bnd;
	int nnp;

	if (!kern && !d->proc.valid)
		return false;
	bnd = kern ? d->ev.cr.cap_bnd : d->proc.cap_bnd;
	nnp = kern ? d->ev.cr.no_new_privs : d->proc.no_new_privs;
	if (d->capability < 0 || d->capability > 63)
		return false;
	/* an empty set is taken as not read (no task starts with nothing in it by default) */
	if (bnd && !(bnd & (1ull << d->capability))) {
		FIX(x,
		    "%s is not in the process's capability bounding set, so no file capability or "
		    "ambient set can give it back: whatever started it removed it (`setpriv "
		    "--bounding-set`, `capsh --drop`, a unit's CapabilityBoundingSet=, a container "
		    "runtime). Start the program without dropping %s from the bounding set, and "
		    "grant it to this program only.",
		    x->cap, x->cap);
		return true;
	}
	if (nnp == 1) {
		FIX(x,
		    "The process runs with no_new_privs, under which execve ignores file "
		    "capabilities: give %s to this program from its launcher instead (a unit's "
		    "AmbientCapabilities=, `setpriv --inh-caps=+%s --ambient-caps=+%s`).",
		    x->cap, x->cap_lower + 4, x->cap_lower + 4);
		return true;
	}
	return false;
}

void fix_grant_cap(struct dx *x)
{
	const struct denial *d = x->d;
	char q[DN_STR * 2], qc[64];

	if (d->proc.container[0]) {
		grant_container(x);
	} else if (d->proc.unit[0]) {
		sh_quote(d->proc.unit, q, sizeof(q));
		FIX(x,
		    "In the unit %s add `AmbientCapabilities=%s` (and list it in "
		    "CapabilityBoundingSet= if that is set): `systemctl edit %s`, then "
		    "`systemctl restart %s`.",
		    d->proc.unit, x->cap, q, q);
		VAL(x, "systemctl show -p AmbientCapabilities %s; getpcaps $(pgrep -x %s)", q,
		    sh_quote(x->comm, qc, sizeof(qc)));
	} else if (d->proc.exe[0] && d->lookup.exe_general) { /* enrich looked it up */
		FIX(x,
		    "%s is a shell, interpreter or general-purpose tool: a file capability on it "
		    "would give %s to every user and script that runs it. Run just this task "
		    "as the right user, or with the capability: a systemd unit "
		    "with `AmbientCapabilities=%s` (or `systemd-run -p AmbientCapabilities=%s "
		    "...`), "
		    "a narrow sudo rule for the one command, or a small dedicated binary that "
		    "holds "
		    "the file capability.",
		    d->proc.exe, x->cap, x->cap, x->cap);
		VAL(x, "grep CapEff /proc/%u/status", pid_of(x));
	} else if (d->proc.exe[0] && file_cap_blocked(x)) {
		VAL(x, "grep -E 'CapBnd|NoNewPrivs' /proc/%u/status", pid_of(x));
	} else if (d->proc.exe[0]) {
		sh_quote(d->proc.exe, q, sizeof(q));
		FIX(x,
		    "Grant only this capability to the binary instead of running it as root: "
		    "`setcap %s=+ep %s` (file capabilities need a real binary, not a script, and "
		    "are lost when the file is replaced).",
		    x->cap_lower, q);
		CMD(x, "setcap %s=+ep %s", x->cap_lower, q);
		/* getcap exits 0 with no capability too: the grep makes the check tell */
		VAL(x, "getcap %s | grep -w %s", q, x->cap_lower);
	} else {
		FIX(x,
		    "Grant %s to this process only (a file capability on its binary, "
		    "AmbientCapabilities= in its unit, or --cap-add for its container) rather than "
		    "running it as root.",
		    x->cap);
		VAL(x, "grep CapEff /proc/%u/status", pid_of(x));
	}
}

/* ---- DAC ------------------------------------------------------------------------------------- */

static const struct ep_evidence *find_ev(const struct denial *d, int kind)
{
	for (int i = 0; i < d->ev.n_ev && i < EP_MAX_EV; i++)
		if (d->ev.ev[i].kind == kind)
			return &d->ev.ev[i];
	return NULL;
}

/* The DAC_* bits the class the user fell in grants (owner, group or other of the mode); for
 * an ACL entry only what was seen granted. */
static int class_bits(unsigned mode, const char *role, int granted)
{
	if (!role)
		return granted;
	if (!strcmp(role, "owner"))
		return (mode >> 6) & 7;
	if (!strcmp(role, "owning group"))
		return (mode >> 3) & 7;
	if (!strcmp(role, "other"))
		return mode & 7;
	return granted;
}

/* Run a command as the process's fsuid and fsgid with that user's groups: util-linux's
 * setpriv is on every Debian host (sudo is not). --init-groups needs a passwd entry, which
 * enrich looked up (d->lookup.fsuid_passwd). */
static const char *as_user(const struct denial *d, char *buf, size_t n)
{
	snprintf(buf, n, "setpriv --reuid=%u --regid=%u --%s-groups", (unsigned)dac_fsuid(d),
		 (unsigned)dac_fsgid(d), d->lookup.fsuid_passwd ? "init" : "clear");
	return buf;
}

static char first_bit(int bits)
{
	return (bits & DAC_R) ? 'r' : (bits & DAC_W) ? 'w' : 'x';
}

static const char *err_text(int e)
{
	switch (e) {
	case ENOENT:
		return "it does not exist as seen by root";
	case ENOTDIR:
		return "a component is not a directory";
	case ELOOP:
		return "too many symbolic links";
	case EXDEV:
		return "it leads outside the process's root";
	default:
		return "it could not be opened";
	}
}

/* A file that holds a secret: never grant the user the file; name the designed mechanism. */
static bool fix_secret(struct dx *x, const char *q, unsigned mode, unsigned uid, unsigned gid)
{
	const struct dn_lookup *l = &x->d->lookup; /* the group's name, as enrich found it */
	bool named = (l->done & DN_WANT_GROUP) && l->gid == gid && l->group[0];
	struct secret_advice sa;

	if (!secret_advice(x->obj, mode, uid, gid, named ? l->group : NULL, &sa))
		return false;
	FIX(x,
	    "%s holds %s: giving this user read access to the file (setfacl, chmod, chgrp) would "
	    "hand them the secret, so that is the wrong fix. %s.",
	    q, sa.what, sa.fix);
	VAL(x, "%s", sa.check);
	return true;
}

/* A directory on the way refuses search: the kernel never reached the object. */
static void dac_walk(struct dx *x, const struct dac_result *r)
{
	const struct denial *d = x->d;
	const struct dn_walk *w = &d->walk;
	const struct dn_file *f = &d->file;
	unsigned fsuid = dac_fsuid(d);
	char q[2 * (EP_PATH_LEN + 64)], qo[2 * (EP_PATH_LEN + 64)], who[96];
	const struct dac_result *o = &d->dac_obj; /* the verdict's, past the walk */
	char ob[4];

	sh_quote(w->dir, q, sizeof(q));
	DIAG(x,
	     "%s could not %s: the directory %s%s, on the way, is mode %04o owned by uid %u gid "
	     "%u%s, and fsuid %u (gid %u) falls in its '%s' class, which does not grant x "
	     "(search), so the kernel could not look up anything below it (EACCES). ",
	     x->who, x->what, w->dir,
	     w->via_symlink ? " (through the symbolic link of that name)" : "",
	     (unsigned)(w->mode & 07777), (unsigned)w->uid, (unsigned)w->gid,
	     w->has_acl ? " with an ACL" : "", fsuid, (unsigned)dac_fsgid(d), r->role);
	if (f->valid && o->decided && o->denied && !o->on_parent)
		DIAG(x,
		     "Once past it, the object's own mode (%04o, owner %u:%u) would refuse %s as "
		     "well.",
		     (unsigned)(f->mode & 07777), (unsigned)f->uid, (unsigned)f->gid,
		     dac_bits(o->want & ~o->granted, ob));
	else if (f->valid && o->decided && o->denied)
		DIAG(x, "Once past it, its parent directory would refuse %s as well.",
		     dac_bits(o->want & ~o->granted, ob));
	else if (f->valid)
		DIAG(x, "The object's own mode (%04o, owner %u:%u) was not what refused it.",
		     (unsigned)(f->mode & 07777), (unsigned)f->uid, (unsigned)f->gid);
	else
		DIAG(x, "The object itself could not be examined (%s).", err_text(w->obj_err));
	/* a secret behind a private directory (/etc/ssl/private): search on it is no fix */
	sh_quote(x->obj[0] ? x->obj : w->dir, qo, sizeof(qo));
	if (x->obj[0] && fix_secret(x, qo, f->valid ? f->mode : 0, f->uid, f->gid))
		return;
	if (w->has_acl && w->acl_text[0])
		FIX(x, "The directory's ACL (%s) is part of the check. ", w->acl_text);
	dac_bits(class_bits(w->mode, r->role, r->granted) | DAC_X, ob);
	FIX(x,
	    "Let this user pass through the directory (search only, no listing): `setfacl -m "
	    "u:%u:%s %s`; or, if every user may pass through it, `chmod o+x %s` (search, not "
	    "read); or move the file to a directory the program can reach. Keep the directory "
	    "unreadable (no r) if its contents are private.",
	    fsuid, ob, q, q);
	CMD(x, "setfacl -m u:%u:%s %s", fsuid, ob, q);
	VAL(x, "namei -l %s; %s test -x %s && echo allowed", qo, as_user(d, who, sizeof(who)), q);
}

/* The grant for the object (or its directory, q quoted) of this mode and owner: the
 * missing bits to this user, a group, or the owner; the decided case as fix_command. */
static void dac_grant(struct dx *x, const struct dac_result *r, const char *q, unsigned mode,
		      unsigned uid, int missing)
{
	unsigned fsuid = dac_fsuid(x->d);
	char miss[4], acl[4], who[96];

	dac_bits(missing, miss);
	/* a named-user entry replaces the class the user fell in: keep what that class gave */
	dac_bits(class_bits(mode, r->role, r->granted) | missing, acl);
	FIX(x,
	    "Grant just the missing access to this user: `setfacl -m u:%u:%s %s`; or, if a group "
	    "should have it, give it that group (chgrp) and `chmod g+%s %s` with the user in the "
	    "group; or run the program as the owner (uid %u). Do not open it to everyone "
	    "(o+%s or 777).",
	    fsuid, acl, q, miss, q, uid, miss);
	if (r->decided && r->denied)
		CMD(x, "setfacl -m u:%u:%s %s", fsuid, acl, q);
	VAL(x, "namei -l %s; %s test -%c %s && echo allowed", q, as_user(x->d, who, sizeof(who)),
	    first_bit(missing), q);
}

/*
 * The mode is the kernel's (evidence) but the path is not in the record: an io_uring request
 * on a kernel without the io_uring_submit_req tracepoint (6.1), a path that could not be read.
 * No command on an empty path.
 */
static void dac_no_path(struct dx *x, unsigned mode, unsigned uid, unsigned gid, unsigned fsuid)
{
	DIAG(x,
	     "%s could not %s: the object (its path is not in the record) is mode %04o "
	     "owned by uid %u gid %u, and the kernel's permission check refused fsuid %u "
	     "(EACCES: a file-permission check, not a missing privilege).",
	     x->who, x->what, mode & 07777, uid, gid, fsuid);
	FIX(x,
	    "Find the file the program opens (its configuration, `strace -f -e "
	    "trace=%%file` "
	    "or the io_uring request's path) and grant only what is missing to this user "
	    "(`setfacl -m u:%u:...` on that file); do not open it to everyone (o+ or 777).",
	    fsuid);
}

/* The object could not be examined: never invent a mode for a path that could not be stat'ed. */
static void dac_unknown(struct dx *x, const char *p, const char *q, unsigned fsuid)
{
	const struct dn_walk *w = &x->d->walk;

	DIAG(x,
	     "%s could not %s: a file-permission check refused fsuid %u (EACCES), but %s "
	     "could not be examined",
	     x->who, x->what, fsuid, p[0] ? p : "the object");
	if (w->done)
		DIAG(x,
		     " (%s); the %d director%s on the way that could be examined allow "
		     "search",
		     err_text(w->obj_err), w->checked, w->checked == 1 ? "y" : "ies");
	DIAG(x, ". It may have been removed or changed since, or be reachable only "
		"through the process's own view (its mount namespace or file "
		"descriptors).");
	FIX(x,
	    "Check the path as that user while the problem happens (`namei -l %s`): "
	    "every directory needs x for the user and the file itself the access asked "
	    "for; "
	    "grant only what is missing, to this user (`setfacl -m u:%u:...`).",
	    q, fsuid);
	VAL(x, "namei -l %s", q);
}

void fix_dac(struct dx *x, const struct dac_result *r)
{
	const struct denial *d = x->d;
	const struct dn_file *f = &d->file;
	const struct ep_evidence *e = find_ev(d, EP_EV_DAC);
	char dir[EP_PATH_LEN + 64], q[2 * (EP_PATH_LEN + 64)], wantb[4];
	const char *p = x->obj;
	unsigned mode = f->mode, uid = f->uid, gid = f->gid, fsuid = dac_fsuid(d);
	bool known = f->valid;
	int missing;

	if (r->on_walk) {
		dac_walk(x, r);
		return;
	}
	if (r->decided && r->on_parent) {
		dir_of(x->obj, dir, sizeof(dir));
		p = dir;
		mode = f->parent_mode, uid = f->parent_uid, gid = f->parent_gid;
		known = true;
	} else if (!f->valid && e) {
		mode = (unsigned)e->a[1], uid = (unsigned)e->a[2], gid = (unsigned)e->a[3];
		known = true;
	}
	missing = r->decided ? (r->want & ~r->granted) : DAC_R;
	if (!missing)
		missing = r->want ? r->want : DAC_R;
	sh_quote(p, q, sizeof(q));
	if (known && !p[0]) {
		dac_no_path(x, mode, uid, gid, fsuid);
		return;
	}
	if (!known) {
		dac_unknown(x, p, q, fsuid);
		return;
	}
	DIAG(x, "%s could not %s: %s%s is mode %04o owned by uid %u gid %u%s%s", x->who, x->what,
	     r->on_parent ? "its directory " : "", p, mode & 07777, uid, gid,
	     (!r->on_parent && f->has_acl) ? " with an ACL" : "",
	     (d->facts_later & DN_FACT_FILE) && !e ? " (observed after the denial)" : "");
	if (r->decided && r->denied)
		DIAG(x, ", and fsuid %u (gid %u) falls in its '%s' class, which does not grant %s",
		     fsuid, (unsigned)dac_fsgid(d), r->role, dac_bits(r->want, wantb));
	else if (r->decided)
		DIAG(x,
		     ", which grants %s to fsuid %u ('%s' class) as examined now, and the "
		     "directories on the way allow search; yet the kernel's permission check "
		     "refused it, so the permissions probably changed after the denial",
		     dac_bits(r->want, wantb), fsuid, r->role);
	else
		DIAG(x, ", and the kernel's permission check refused fsuid %u", fsuid);
	DIAG(x, ". EACCES means a file-permission check failed, not a missing privilege.");
	if (!r->on_parent && fix_secret(x, q, mode, uid, gid))
		return;
	if (!r->on_parent && f->has_acl && f->acl_text[0])
		FIX(x, "The ACL (%s) is part of the check. ", f->acl_text);
	dac_grant(x, r, q, mode, uid, missing);
}

/* Files of the operating system and its configuration. */
static bool system_path(const char *p)
{
	static const char *const sys[] = {"/etc/", "/usr/",	"/boot/",    "/bin/", "/sbin/",
					  "/lib",  "/var/lib/", "/var/log/", "/opt/"};

	for (size_t i = 0; i < sizeof(sys) / sizeof(sys[0]); i++)
		if (!strncmp(p, sys[i], strlen(sys[i])))
			return true;
	return p[0] != '/';
}

/* ---- immutable / append-only ----------------------------------------------------------------- */

void fix_immutable(struct dx *x)
{
	const struct denial *d = x->d;
	const struct dn_file *f = &d->file;
	bool imm = !strcmp(d->flag, "immutable");
	/* the verdict rests on the flags as read after the denial, not the kernel's record */
	bool later = (d->facts_later & DN_FACT_FLAGS) && !find_ev(d, EP_EV_INODE_FLAGS);
	char dir[EP_PATH_LEN + 64], q[2 * (EP_PATH_LEN + 64)];
	const char *p = x->obj;

	if (!(f->valid && (f->immutable || f->append_only)) && f->parent_valid &&
	    (f->parent_immutable || f->parent_append_only)) {
		dir_of(x->obj, dir, sizeof(dir));
		p = dir;
	}
	sh_quote(p, q, sizeof(q));
	if (imm)
		DIAG(x,
		     "%s could not %s: %s %s the immutable attribute (chattr +i)%s, so the kernel "
		     "refuses to modify, rename, link or delete it with EPERM for every user, root "
		     "included.",
		     x->who, x->what, p, later ? "is immutable now: it has" : "has",
		     later ? " (observed after the denial)" : "");
	else
		DIAG(x,
		     "%s could not %s: %s has the append-only attribute (chattr +a)%s: it can only "
		     "be opened for appending, and truncating, rewriting, renaming or deleting it "
		     "fails with EPERM for every user, root included.",
		     x->who, x->what, p, later ? " now (observed after the denial)" : "");
	FIX(x, "The attribute is almost always set on purpose (a pinned /etc/resolv.conf, audit "
	       "logs, hardened configuration): find out who set it and why before touching it. ");
	if (!imm)
		FIX(x, "If the program only needs to add data, open with O_APPEND (>> in a shell) "
		       "and keep the attribute. ");
	/* on a system file the attribute is a hardening decision, never a one-command fix */
	if (system_path(p)) {
		FIX(x,
		    "%s is a system file: whoever pinned it (its package, the tool that manages "
		    "it, an administrator) decides whether it may change; they clear the "
		    "attribute for that one change and set it again. Do not remove it to make a "
		    "program's write succeed.",
		    p);
		VAL(x, "lsattr -d %s", q);
		return;
	}
	FIX(x,
	    "If the change is intended, clear it only for the change and restore it: "
	    "`chattr -%c %s`, make the change, then `chattr +%c %s`.",
	    imm ? 'i' : 'a', q, imm ? 'i' : 'a', q);
	CMD(x, "chattr -%c %s", imm ? 'i' : 'a', q);
	/* succeeds once the attribute is off (lowercase i / a is only immutable / append) */
	VAL(x, "lsattr -d %s | grep -v '^[^ ]*%c'", q, imm ? 'i' : 'a');
}

/* ---- mount options --------------------------------------------------------------------------- */

/* A device node on a nodev mount: the node of the same device from devtmpfs, bind-mounted
 * over it, carries /dev's permissions and mount flags; the filesystem stays nodev. */
static void fix_dev_node(struct dx *x, const char *q)
{
	const char *node = x->d->file.dev_name; /* enrich read it */
	char qn[300];

	if (x->obj[0] != '/' || !node[0])
		return;
	sh_quote(node, qn, sizeof(qn));
	FIX(x,
	    " The node is device %s: `mount --bind %s %s` puts /dev's node (and its "
	    "permissions) there.",
	    node, qn, q);
	CMD(x, "mount --bind %s %s", qn, q);
}

void fix_mount(struct dx *x)
{
	const struct denial *d = x->d;
	const char *mp = d->file.mount_point[0] ? d->file.mount_point : "its filesystem";
	char qmp[2 * DN_STR], q[2 * EP_PATH_LEN];

	sh_quote(mp, qmp, sizeof(qmp));
	sh_quote(x->obj, q, sizeof(q));
	if (!strcmp(d->mount_option, "nodev")) {
		DIAG(x,
		     "%s could not %s: %s is mounted nodev, so device nodes on it cannot be "
		     "opened (EACCES), whatever their mode.",
		     x->who, x->what, mp);
		FIX(x,
		    "Open the device through /dev (devtmpfs), or bind-mount that device node "
		    "where it is needed, instead of using a device node on %s. Remounting with "
		    "dev is a decision for the administrator, not the default fix.",
		    mp);
		fix_dev_node(x, q);
	} else if (d->file.mount_gone) {
		/* the kernel saw noexec on the object's mount, which is gone by now: nothing
		 * to bind or remount, and no mount point to name */
		DIAG(x,
		     "%s could not %s: the filesystem it was on was mounted noexec at the denial "
		     "(that mount is gone now), so nothing on it could be executed or mapped "
		     "executable, whatever the file's mode.",
		     x->who, x->what);
		FIX(x, "Run the program from a filesystem that allows execution (e.g. "
		       "/usr/local/bin or /opt), or mount the filesystem it is on without noexec "
		       "where it is mounted again: a deliberate decision, not the default fix.");
	} else {
		DIAG(x,
		     "%s could not %s: %s is mounted noexec, so nothing on it may be executed or "
		     "mapped executable (execve gets EACCES, mmap with PROT_EXEC gets EPERM), "
		     "whatever the file's mode.",
		     x->who, x->what, mp);
		FIX(x, "Install the program on a filesystem that allows execution (e.g. "
		       "/usr/local/bin or /opt) and run it from there. ");
		if (x->obj[0] == '/' && d->file.valid && S_ISREG(d->file.mode)) {
			/* a bind mount of the one file, remounted exec: what systemd's ExecPaths=
			 * does; the rest of the filesystem stays noexec */
			FIX(x,
			    "Or make just this file executable where it is: `mount --bind %s %s && "
			    "mount -o remount,bind,exec %s` (an /etc/fstab bind entry with exec, "
			    "or "
			    "ExecPaths= in a unit, to keep it). ",
			    q, q, q);
			CMD(x, "mount --bind %s %s && mount -o remount,bind,exec %s", q, q, q);
		}
		if (d->file.mount_point[0])
			FIX(x,
			    "Remounting %s with exec lifts the protection for everything on that "
			    "filesystem: ",
			    mp);
		else
			FIX(x, "Remounting that filesystem with exec lifts the protection for "
			       "everything on it: ");
		FIX(x, "a deliberate decision, not the default fix.");
	}
	/* succeeds once the object's mount allows it */
	VAL(x, "findmnt -no TARGET,OPTIONS -T %s | grep -vw %s", x->obj[0] ? q : qmp,
	    !strcmp(d->mount_option, "nodev") ? "nodev" : "noexec");
}

/* ---- seccomp --------------------------------------------------------------------------------- */

void fix_seccomp(struct dx *x)
{
	const struct denial *d = x->d;
	const char *nm = x->si.name;
	char q[300];

	DIAG(x, "%s was refused %s() by a seccomp filter", x->who, nm);
	if (d->proc.valid && d->proc.seccomp_mode >= 0)
		DIAG(x, " (Seccomp: %d, %d filter%s)", d->proc.seccomp_mode,
		     d->proc.seccomp_filters, d->proc.seccomp_filters == 1 ? "" : "s");
	DIAG(x, ": the filter failed the call with %s before the kernel ran it; ", x->errname);
	if (d->proc.container[0]) {
		DIAG(x, "the filter is the container runtime's seccomp profile for %s.",
		     d->proc.container);
		FIX(x,
		    "Give the container a custom seccomp profile that adds %s to the allowed "
		    "syscalls (start from the runtime's default profile; Docker/Podman: "
		    "--security-opt seccomp=/path/to/profile.json; Kubernetes: "
		    "securityContext.seccompProfile of type Localhost). Keep filtering on.",
		    nm);
	} else if (d->proc.unit[0]) {
		sh_quote(d->proc.unit, q, sizeof(q));
		DIAG(x,
		     "the filter comes from the systemd unit %s (SystemCallFilter= or a related "
		     "sandboxing option).",
		     d->proc.unit);
		FIX(x,
		    "Allow this syscall in %s: `systemctl edit %s`, add `SystemCallFilter=%s` "
		    "(or the @group that contains it, see `systemd-analyze syscall-filter`), then "
		    "`systemctl restart %s`. Keep the rest of the filter.",
		    d->proc.unit, q, nm, q);
	} else {
		DIAG(x, "no unit or container set it, so the program or its launcher installed it "
			"itself");
		if (d->proc.valid && d->proc.no_new_privs >= 0)
			DIAG(x, " (NoNewPrivs: %d%s%s)", d->proc.no_new_privs,
			     d->proc.parent_comm[0] ? ", parent " : "", d->proc.parent_comm);
		else if (d->proc.parent_comm[0])
			DIAG(x, " (parent %s)", d->proc.parent_comm);
		DIAG(x, ".");
		FIX(x,
		    "Allow %s in the program's own sandbox policy (its seccomp allowlist or "
		    "sandbox option), or report it to its authors if the call is legitimate. Keep "
		    "the filter.",
		    nm);
	}
	VAL(x, "grep Seccomp /proc/%u/status", pid_of(x));
	if (d->proc.unit[0] && !d->proc.container[0])
		VAL(x, "; systemctl show -p SystemCallFilter %s", q);
}

/* ---- LSMs ------------------------------------------------------------------------------------ */

static const char *aa_perm(const struct dx *x)
{
	long fl = sc_open_flags(x->d, &x->si);

	if (x->si.cls == SC_EXEC)
		return "ix";
	if (x->si.cls == SC_OPEN && fl >= 0 && (fl & 3) == 0)
		return "r";
	if (x->si.cls == SC_OPEN && fl >= 0 && (fl & 3) == 2)
		return "rw";
	return "w";
}

static void say_apparmor(struct dx *x)
{
	const struct denial *d = x->d;
	const char *prof = d->lsm_detail[0] ? d->lsm_detail : "?";
	char file[DN_STR];
	const char *rule;
	size_t i, o = 0;

	/* /usr/sbin/nginx -> usr.sbin.nginx, the usual profile file name */
	for (i = prof[0] == '/' ? 1 : 0; prof[i] && prof[i] != ' ' && o + 1 < sizeof(file); i++)
		file[o++] = prof[i] == '/' ? '.' : prof[i];
	file[o] = '\0';
	rule = x->obj[0] && !strpbrk(x->obj, "\"\n") ? x->obj : "<path>";
	DIAG(x,
	     "%s could not %s: the AppArmor profile '%s' does not allow it (%s from the "
	     "security module, not from file permissions).",
	     x->who, x->what, prof, x->errname);
	FIX(x,
	    "Find the DENIED record (`journalctl -k | grep 'apparmor=\"DENIED\"'` or "
	    "/var/log/audit/audit.log) and add the narrowest rule to the profile, e.g. "
	    "`\"%s\" %s,` in /etc/apparmor.d/local/%s; `aa-logprof` proposes such rules from the "
	    "log. Reload with `apparmor_parser -r /etc/apparmor.d/%s`; keep the profile "
	    "enforcing.",
	    rule, aa_perm(x), file, file);
	VAL(x, "aa-status | grep -F -- %s; journalctl -k --since -5min | grep -c apparmor=",
	    sh_quote(prof, file, sizeof(file)));
}

static void say_selinux(struct dx *x)
{
	DIAG(x, "%s could not %s: SELinux policy denied it (%s).", x->who, x->what,
	     x->d->lsm_detail[0] ? x->d->lsm_detail : "see the AVC record");
	FIX(x,
	    "Read the AVC (`ausearch -m AVC -ts recent`, or `sealert -a "
	    "/var/log/audit/audit.log` for setroubleshoot's advice). If the file has the wrong "
	    "label, fix the label: `semanage fcontext -a -t <type> %s` then `restorecon -v %s`. "
	    "Check for a boolean that allows it (`getsebool -a`). Only if the access is "
	    "legitimate and nothing covers it, review `audit2allow -a` and load a local module "
	    "(`audit2allow -a -M local_fix && semodule -i local_fix.pp`).",
	    x->qobj, x->qobj);
	VAL(x, "ls -Z %s; ausearch -m AVC -ts recent", x->qobj);
}

/* A file system rule's fix: the uapi rights on the object, or on its directory for the rights
 * about directory entries (make_*, remove_*, refer). */
static void fix_landlock_fs(struct dx *x, const struct ep_evidence *e, const char *right)
{
	char consts[256], dir[EP_PATH_LEN];
	const char *obj = x->obj[0] ? x->obj : "the object", *slash = strrchr(obj, '/');

	if (!landlock_constants(e, x->si.cls == SC_OPEN, consts, sizeof(consts)))
		snprintf(consts, sizeof(consts), "the access it needs");
	if (landlock_on_parent(e) && slash && slash != obj) {
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - obj), obj);
		FIX(x,
		    "Grant %s on %s (the directory it is created in or removed from) with a "
		    "path-beneath rule in the sandboxing program's own ruleset (its configuration "
		    "or "
		    "the launcher that applies it). There is nothing to change system-wide.",
		    consts, dir);
		return;
	}
	FIX(x,
	    "Grant %s%s on %s (or a directory above it) with a path-beneath rule in the "
	    "sandboxing program's own ruleset (its configuration or the launcher that applies "
	    "it). There is nothing to change system-wide.",
	    consts, strstr(right, "(requested)") ? " (the rights this call asks for)" : "", obj);
}

/* A domain's refusal: the right (lsm_detail, daemon/attribute/landlock.c) and the rule or scope
 * that would allow it, in the sandboxing program's own policy. */
static void say_landlock_rule(struct dx *x)
{
	const struct denial *d = x->d;
	const struct ep_evidence *e = landlock_pick(d);
	unsigned cls = e ? (unsigned)(e->a[2] >> EP_LL_CLASS_SHIFT) : 0;
	const char *right = e && d->lsm_detail[0] ? d->lsm_detail : "this access";
	const char *obj = d->target[0] ? d->target : "the object";
	char consts[128];

	if (cls == EP_LL_NET) {
		landlock_constants(e, false, consts, sizeof(consts));
		/* x->what names the socket's inode ("call connect() on socket:[N]"): say the port
		 */
		DIAG(x,
		     "%s could not %s %s: its Landlock domain handles %s and none of its rules "
		     "allows it.",
		     x->who, strstr(consts, "BIND") ? "bind" : "connect to", obj, consts);
		FIX(x,
		    "Add a LANDLOCK_RULE_NET_PORT rule granting %s on %s to the sandboxing "
		    "program's own ruleset (its configuration or the launcher that applies it). "
		    "There is nothing to change system-wide.",
		    consts, obj);
	} else if (cls == EP_LL_SCOPE && (e->a[2] & 2)) {
		DIAG(
		    x,
		    "%s could not signal %s: its Landlock domain is scoped for signals "
		    "(LANDLOCK_SCOPE_SIGNAL), so it may signal only processes in its own domain or "
		    "one nested in it, and the target is outside.",
		    x->who, obj);
		FIX(x,
		    "Send the signal from outside the sandbox (the launcher or a supervisor), "
		    "start the target inside the same domain, or leave LANDLOCK_SCOPE_SIGNAL out "
		    "of the ruleset's scoped set if signalling outsiders is part of the job.");
	} else if (cls == EP_LL_SCOPE) {
		DIAG(
		    x,
		    "%s could not connect to the abstract unix socket %s: its Landlock domain is "
		    "scoped for abstract unix sockets (LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET), so it "
		    "may reach only sockets created inside its domain, and this one is outside.",
		    x->who, obj);
		FIX(x, "Give the service a pathname socket that a path rule of the ruleset allows, "
		       "create the listener inside the same domain, or leave "
		       "LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET out of the scoped set if this service "
		       "must be reachable.");
	} else {
		DIAG(x,
		     "%s could not %s: it runs in a Landlock sandbox whose rules do not grant %s "
		     "here; Landlock rules are set by the process itself (or its launcher) and no "
		     "host setting overrides them.",
		     x->who, x->what, right);
		if (e)
			fix_landlock_fs(x, e, right);
		else
			FIX(x,
			    "Add %s, with the access it needs, to the sandboxing program's own "
			    "policy (its configuration or the launcher that applies the ruleset). "
			    "There is nothing to change system-wide.",
			    x->obj[0] ? x->obj : "the object");
	}
	VAL(x, "grep NoNewPrivs /proc/%u/status", pid_of(x));
}

static void say_landlock(struct dx *x)
{
	if (!strncmp(x->d->lsm_detail, "landlock_restrict_self without", 30)) {
		DIAG(x,
		     "%s could not enter a Landlock domain: no_new_privs is not set and the task "
		     "lacks CAP_SYS_ADMIN in its user namespace, and landlock_restrict_self() "
		     "requires one of them (so that a sandboxed program cannot gain privileges "
		     "through set-id executables later).",
		     x->who);
		FIX(x, "Set no_new_privs first: the program calls prctl(PR_SET_NO_NEW_PRIVS, 1, 0, "
		       "0, 0) before landlock_restrict_self(), or its launcher does "
		       "(`setpriv --no-new-privs`, NoNewPrivileges=yes in a systemd unit). Do not "
		       "grant CAP_SYS_ADMIN for this.");
		VAL(x, "grep NoNewPrivs /proc/%u/status", pid_of(x));
		return;
	}
	say_landlock_rule(x);
}

static void say_yama(struct dx *x)
{
	const struct denial *d = x->d;
	const char *s = strchr(d->lsm_detail, '=');
	long scope = s ? strtol(s + 1, NULL, 10) : -1;

	DIAG(x, "%s could not %s: Yama (kernel.yama.ptrace_scope=%ld) ", x->who, x->what, scope);
	if (scope >= 3) {
		DIAG(x, "forbids every ptrace attach, root included, until reboot.");
		FIX(x, "Attach is off by design on this host; debug through core dumps or logs, or "
		       "reboot with a different setting if the administrator decides to.");
	} else if (scope == 2) {
		DIAG(x, "allows ptrace attach only to processes with CAP_SYS_PTRACE.");
		FIX(x, "Run the debugger with CAP_SYS_PTRACE for this session only (e.g. through "
		       "sudo), or start the program under the debugger.");
	} else {
		DIAG(x, "allows ptrace attach only to a process's ancestors, so a debugger may not "
			"attach to an unrelated process even of the same user.");
		FIX(x, "Start the program under the debugger (`gdb --args PROGRAM`, `strace "
		       "PROGRAM`) so the debugger is its parent, let the target allow it "
		       "(prctl(PR_SET_PTRACER)), or grant the debugger CAP_SYS_PTRACE for this "
		       "session.");
	}
	FIX(x, " Lowering kernel.yama.ptrace_scope weakens every process on the host and is not "
	       "the fix.");
	VAL(x, "sysctl kernel.yama.ptrace_scope");
}

static void say_lockdown(struct dx *x)
{
	const struct denial *d = x->d;
	const char *r = d->lsm_detail[0] ? d->lsm_detail : "this operation";

	DIAG(x,
	     "%s could not %s: the kernel is locked down (%s) and refuses %s to every process, "
	     "root included.",
	     x->who, x->what, d->lockdown[0] ? d->lockdown : "integrity", r);
	if (strstr(r, "module"))
		FIX(x,
		    "Load a module signed with a key the kernel trusts (sign it with the kernel's "
		    "sign-file and enroll the key with `mokutil --import`, or let DKMS sign it). ");
	else if (strstr(r, "kexec"))
		FIX(x, "Use kexec_file_load with a signed kernel image (`kexec -s`). ");
	else
		FIX(x, "Use the kernel's driver interface for the device instead of raw port or "
		       "memory access. ");
	FIX(x, "Lockdown has no runtime switch; it is set by boot policy (Secure Boot, the "
	       "lockdown= kernel parameter), which is a deliberate decision.");
	VAL(x, "cat /sys/kernel/security/lockdown; dmesg | grep -i lockdown");
}

static void say_other_lsm(struct dx *x)
{
	const struct denial *d = x->d;
	const char *n = d->lsm > 0 ? lsm_name(d->lsm) : NULL;

	DIAG(x, "%s could not %s: a Linux security module%s%s refused it (%s).", x->who, x->what,
	     n ? " " : "", n ? n : "", d->lsm_detail[0] ? d->lsm_detail : "no detail");
	FIX(x,
	    "Find which module and rule in the kernel and audit logs (`journalctl -k --since "
	    "-10min`, `ausearch -ts recent`); BPF-LSM programs are listed by `bpftool prog show` "
	    "(type lsm). Change that module's policy for this one access.");
	VAL(x, "cat /sys/kernel/security/lsm");
}

void fix_lsm(struct dx *x)
{
	switch (x->d->lsm) {
	case EP_LSM_APPARMOR:
		say_apparmor(x);
		break;
	case EP_LSM_SELINUX:
		say_selinux(x);
		break;
	case EP_LSM_LANDLOCK:
		say_landlock(x);
		break;
	case EP_LSM_YAMA:
		say_yama(x);
		break;
	case EP_LSM_LOCKDOWN:
		say_lockdown(x);
		break;
	default:
		say_other_lsm(x);
		break;
	}
}

/* ---- fanotify / fapolicyd -------------------------------------------------------------------- */

static bool writable_place(const struct denial *d, const char *p)
{
	static const char *const tmp[] = {"/tmp/", "/var/tmp/", "/dev/shm/", "/run/user/",
					  "/home/"};

	if (d->file.parent_valid && (d->file.parent_mode & 0002))
		return true;
	for (size_t i = 0; i < sizeof(tmp) / sizeof(tmp[0]); i++)
		if (!strncmp(p, tmp[i], strlen(tmp[i])))
			return true;
	return false;
}

void fix_fanotify(struct dx *x)
{
	const struct denial *d = x->d;
	const char *l = d->listener[0] ? d->listener : "a fanotify permission listener";
	bool fapd = !strncmp(d->listener, "fapolicyd", 9);

	if (fapd) {
		DIAG(x,
		     "%s could not %s: %s, the application allowlisting daemon, answered the "
		     "fanotify permission event with deny, so the kernel returned EPERM.",
		     x->who, x->what, l);
		FIX(x,
		    "Check the decision (`journalctl -u fapolicyd | grep dec=deny` or "
		    "/var/log/fapolicyd-access.log): trust=0 means the file is not in the trust "
		    "database; if it was trusted before, it changed (an update without "
		    "re-trust). If the file is legitimate, trust it: `fapolicyd-cli --file add %s` "
		    "then `fapolicyd-cli --update`; for a set of scripts write a narrow rule in "
		    "/etc/fapolicyd/rules.d/ and run `fapolicyd-cli --update`.",
		    x->qobj);
		if (writable_place(d, x->obj))
			FIX(x,
			    " %s is in a writable directory: a file written and then executed from "
			    "there is exactly what allowlisting blocks, so install it properly "
			    "(package, /usr/local) instead of trusting that path.",
			    x->obj);
		VAL(x,
		    "fapolicyd-cli --dump-db | grep -F -- %s; journalctl -u fapolicyd --since "
		    "-5min | grep dec=",
		    x->qobj);
		return;
	}
	DIAG(x,
	     "%s could not %s: the fanotify permission listener %s (a file-access policy "
	     "daemon such as an antivirus or allowlisting agent) denied it, so the kernel returned "
	     "EPERM.",
	     x->who, x->what, l);
	FIX(x,
	    "Allow %s in that program's own policy; it decides every access it watches. "
	    "`ls -l /proc/<pid>/exe` of the listener names its binary.",
	    x->obj[0] ? x->obj : "the file");
	VAL(x, "grep -l '^fanotify' /proc/[0-9]*/fdinfo/* 2>/dev/null");
}

/* ---- sysctls --------------------------------------------------------------------------------- */

static void sysctl_ping(struct dx *x)
{
	const struct denial *d = x->d;
	unsigned g = d->proc.valid ? d->proc.egid : d->ev.egid;
	long lo = -1, hi = -1;
	char *end;

	if (d->sysctl_value[0] != '?') {
		lo = strtol(d->sysctl_value, &end, 10);
		hi = strtol(end, NULL, 10);
	}
	DIAG(x,
	     "%s could not %s: gid %u is outside net.ipv4.ping_group_range (%s), the groups "
	     "allowed to open ICMP sockets without privilege (EACCES).",
	     x->who, x->what, g, d->sysctl_value);
	if (lo > hi || lo < 0) {
		FIX(x,
		    "Allow this group only: `sysctl -w net.ipv4.ping_group_range='%u %u'` and "
		    "persist it in /etc/sysctl.d/. ",
		    g, g);
		if (lo > hi)
			CMD(x, "sysctl -w net.ipv4.ping_group_range='%u %u'", g, g);
	} else {
		lo = (long)g < lo ? (long)g : lo;
		hi = (long)g > hi ? (long)g : hi;
		/* a range: every gid between the old bounds and this one gets in too, so
		 * it is the administrator's call, not a one-command fix */
		FIX(x,
		    "Extend the range just enough to include gid %u: `sysctl -w "
		    "net.ipv4.ping_group_range='%ld %ld'` (every gid in between gets ICMP sockets "
		    "too; persist it in /etc/sysctl.d/). ",
		    g, lo, hi);
	}
	FIX(x, "Alternatively give ping its own capability: `setcap cap_net_raw=+ep "
	       "/usr/bin/ping`.");
	VAL(x, "sysctl net.ipv4.ping_group_range | awk '{ print; exit !($3 <= %u && %u <= $4) }'",
	    g, g);
}

static void sysctl_cap(struct dx *x, const char *why)
{
	const struct denial *d = x->d;

	dx_fill_cap(x, d->capability);
	DIAG(x, "%s could not %s: %s=%s %s, unless the process has %s.", x->who, x->what,
	     d->sysctl_name, d->sysctl_value, why, x->cap);
	/* the grant's check last: its status is the validation's */
	VAL(x, "sysctl %s; ", d->sysctl_name);
	fix_grant_cap(x);
	FIX(x, " Do not lower %s host-wide; it exists to shrink the kernel's attack surface.",
	    d->sysctl_name);
}

static void sysctl_hardlink(struct dx *x)
{
	char q[2 * EP_PATH_LEN];

	sh_quote(x->obj, q, sizeof(q));
	DIAG(x,
	     "%s could not %s: fs.protected_hardlinks=%s refuses hard links to a file the "
	     "caller does not own and cannot read and write (EPERM); it stops link attacks in "
	     "shared directories.",
	     x->who, x->what, x->d->sysctl_value);
	FIX(x, "Create the link as the file's owner, copy the file instead, or use a symbolic "
	       "link; a service that must do this needs CAP_FOWNER.");
	VAL(x, "sysctl fs.protected_hardlinks; stat -c '%%U %%a' %s", q);
}

static void sysctl_sticky(struct dx *x)
{
	const struct denial *d = x->d;
	char q[2 * EP_PATH_LEN];

	sh_quote(x->obj, q, sizeof(q));
	DIAG(x,
	     "%s could not %s: %s=%s refuses O_CREAT opens of an existing file owned by another "
	     "user in a sticky, shared-writable directory (EACCES); it stops spoofing in /tmp.",
	     x->who, x->what, d->sysctl_name, d->sysctl_value);
	FIX(x, "Use a unique name (mkstemp, mktemp) or open without O_CREAT; if the file is stale, "
	       "its owner should remove it.");
	VAL(x, "ls -l %s; sysctl %s", q, d->sysctl_name);
}

static void sysctl_userns(struct dx *x)
{
	const struct denial *d = x->d;

	DIAG(x,
	     "%s could not create a user namespace: %s=%s disables unprivileged user namespaces "
	     "on this host.",
	     x->who, d->sysctl_name, d->sysctl_value);
	FIX(x, "This is host policy: run the tool in a way that needs no new user namespace (a "
	       "rootful runtime or its setuid helper), or have the administrator decide whether "
	       "this workload may create user namespaces.");
	VAL(x, "sysctl %s", d->sysctl_name);
}

static void sysctl_symlinks(struct dx *x)
{
	const struct denial *d = x->d;
	char q[2 * EP_PATH_LEN];

	sh_quote(x->obj, q, sizeof(q));
	DIAG(x,
	     "%s could not %s: it ends in a symbolic link owned by uid %u in a sticky, "
	     "world-writable directory (owner uid %u), and %s=%s refuses to follow such a link "
	     "unless the follower or the directory's owner owns it, root included (EACCES); it "
	     "stops symlink attacks in /tmp.",
	     x->who, x->what, (unsigned)d->link_uid, (unsigned)d->link_dir_uid, d->sysctl_name,
	     d->sysctl_value);
	FIX(x,
	    "Keep the protection. Have the link created by the user that follows it (uid %u) or "
	    "by the directory's owner, or move it (or the program's working files) out of the "
	    "sticky directory, e.g. to a private directory such as $XDG_RUNTIME_DIR; or use the "
	    "target path directly.",
	    (unsigned)dac_fsuid(d));
	VAL(x, "ls -l %s; sysctl %s", q, d->sysctl_name);
}

static void sysctl_nr_open(struct dx *x)
{
	const struct denial *d = x->d;

	DIAG(x,
	     "%s could not %s: a hard limit on open files above %s (%s) is refused with EPERM "
	     "for every process, root included.",
	     x->who, x->what, d->sysctl_name, d->sysctl_value);
	FIX(x,
	    "Ask for at most %s open files (LimitNOFILE= in a unit, `ulimit -Hn %s`); a program "
	    "rarely needs more. Raising fs.nr_open itself is a host-wide decision for the "
	    "administrator.",
	    d->sysctl_value, d->sysctl_value);
	VAL(x, "sysctl fs.nr_open; grep 'open files' /proc/%u/limits", pid_of(x));
}

/* kernel.io_uring_disabled: the group, never the knob nor CAP_SYS_ADMIN */
static void sysctl_io_uring(struct dx *x)
{
	const struct denial *d = x->d;
	const char *g = denial_sysctl(d, "kernel.io_uring_group");
	bool two = !strcmp(d->sysctl_value, "2");

	if (two) {
		DIAG(
		    x,
		    "%s could not %s: kernel.io_uring_disabled=2 refuses io_uring_setup() to every "
		    "process, root included (EPERM).",
		    x->who, x->what);
		FIX(x,
		    "Keep io_uring disabled where the administrator chose so: run the program "
		    "with its non-io_uring backend (most fall back on EPERM, or have an option "
		    "for epoll/threads). Only if this host must allow it: "
		    "kernel.io_uring_disabled=1 with a dedicated kernel.io_uring_group, never 0.");
		VAL(x, "sysctl kernel.io_uring_disabled kernel.io_uring_group");
		return;
	}
	DIAG(x,
	     "%s could not %s: kernel.io_uring_disabled=1 allows io_uring_setup() only to members "
	     "of kernel.io_uring_group (%s) and to CAP_SYS_ADMIN; the process is neither (EPERM).",
	     x->who, x->what, g && strcmp(g, "-1") ? g : "-1: no group");
	if (g && strcmp(g, "-1"))
		FIX(x,
		    "Add the service to group %s: SupplementaryGroups= in its unit, or `usermod "
		    "-aG` "
		    "for its user. Never grant CAP_SYS_ADMIN for it, nor set the knob to 0.",
		    g);
	else
		FIX(x,
		    "Create a dedicated group (`groupadd --system io_uring`), allow it with "
		    "`sysctl -w kernel.io_uring_group=GID` (persist it in /etc/sysctl.d/) and add "
		    "the service to it (SupplementaryGroups=io_uring in its unit). Never grant "
		    "CAP_SYS_ADMIN for it, nor set kernel.io_uring_disabled to 0.");
	VAL(x, "sysctl kernel.io_uring_disabled kernel.io_uring_group; id");
}

void fix_sysctl(struct dx *x)
{
	const char *n = x->d->sysctl_name;

	if (!strcmp(n, "net.ipv4.ping_group_range"))
		sysctl_ping(x);
	else if (!strcmp(n, "kernel.unprivileged_bpf_disabled"))
		sysctl_cap(x, "restricts bpf() to privileged processes (it guards against verifier "
			      "and speculative-execution bugs)");
	else if (!strcmp(n, "kernel.perf_event_paranoid"))
		sysctl_cap(x, "restricts perf_event_open for unprivileged processes");
	else if (!strcmp(n, "fs.protected_hardlinks"))
		sysctl_hardlink(x);
	else if (!strcmp(n, "fs.protected_regular") || !strcmp(n, "fs.protected_fifos"))
		sysctl_sticky(x);
	else if (!strcmp(n, "fs.protected_symlinks"))
		sysctl_symlinks(x);
	else if (!strcmp(n, "fs.nr_open"))
		sysctl_nr_open(x);
	else if (!strcmp(n, "kernel.io_uring_disabled"))
		sysctl_io_uring(x);
	else
		sysctl_userns(x);
}

/* ---- device cgroup --------------------------------------------------------------------------- */

void fix_cgroup(struct dx *x)
{
	const struct denial *d = x->d;
	const char *who = d->proc.container[0] ? d->proc.container : d->proc.cgroup;
	char p[DN_STR + 32], q[2 * (DN_STR + 32)];

	DIAG(x,
	     "%s could not %s: the device cgroup of %s does not allow device %s, so the kernel "
	     "returned EPERM, even for root.",
	     x->who, x->what, who[0] ? who : "its cgroup", d->rule[0] ? d->rule : "?");
	if (d->proc.container[0])
		FIX(x,
		    "Expose this device to the container explicitly (`docker run --device=%s`, "
		    "or --device-cgroup-rule='%s'; Kubernetes: a device plugin) rather than "
		    "making it privileged.",
		    x->obj, d->rule);
	else if (d->proc.unit[0])
		FIX(x,
		    "Allow the device in the unit %s: `DeviceAllow=%s rw` (with its "
		    "DevicePolicy=).",
		    d->proc.unit, x->obj);
	else
		FIX(x, "Allow this one device in the cgroup's device policy.");
	snprintf(p, sizeof(p), "/sys/fs/cgroup%s", d->proc.cgroup);
	if (d->proc.cgroup[0])
		VAL(x, "bpftool cgroup show %s", sh_quote(p, q, sizeof(q)));
	else
		VAL(x, "bpftool cgroup tree");
}

/* The kernel's memory-deny-write-execute (cause.c rule_mdwe). A unit whose settings say
 * MemoryDenyWriteExecute=yes gets fix_unit()'s drop-in (unitmap.c names the directive); here a
 * process outside a unit, in a unit whose settings could not be read, or in a unit that does not
 * set it (the program or a wrapper under the unit did). */
void fix_mdwe(struct dx *x)
{
	const struct denial *d = x->d;
	/* the unit may set it: its settings were not read */
	bool unit_maybe = d->proc.unit[0] && !d->unit.valid;

	DIAG(x,
	     "%s could not %s with %s: memory-deny-write-execute is on for this process (the "
	     "kernel's MMF_HAS_MDWE, read at the denial; set by prctl(PR_SET_MDWE, "
	     "PR_MDWE_REFUSE_EXEC_GAIN)), so the kernel refuses memory that is writable and "
	     "executable, or that becomes executable later, with EACCES. The flag is inherited "
	     "across fork and exec and cannot be cleared: this process or one of its ancestors set "
	     "it%s%s.",
	     x->who, d->sc_name[0] ? d->sc_name : "map memory", x->target,
	     unit_maybe ? " (its unit's MemoryDenyWriteExecute=yes does, where the kernel has "
			  "MDWE; the unit's settings could not be read)"
			: "",
	     unit_maybe ? ""
	     : d->proc.unit[0]
		 ? "; not its unit's MemoryDenyWriteExecute= (off): the program or a wrapper it "
		   "runs "
		   "under did"
		 : "; which one is not knowable from here (it is not in /proc, and PR_GET_MDWE "
		   "answers only for the caller)");
	if (unit_maybe)
		FIX(x,
		    "If the unit %s sets MemoryDenyWriteExecute=yes: a drop-in for that unit only "
		    "(`systemctl edit %s`, `[Service]` `MemoryDenyWriteExecute=no`), then "
		    "`systemctl restart %s`; better, the program's mode without a JIT, or a JIT "
		    "that maps its code twice (a memfd read-write and read-execute). Never turn it "
		    "off for the whole host.",
		    d->proc.unit, d->proc.unit, d->proc.unit);
	else
		FIX(x, "Start this one program without the setting (find the launcher or sandbox "
		       "wrapper above it that calls prctl(PR_SET_MDWE)), or use the program's mode "
		       "without a JIT (a JIT that maps its code twice, a memfd read-write and "
		       "read-execute, works under it). Never turn it off for the whole host.");
	VAL(x, "started the same way: perl -e 'exit(syscall(9,0,4096,7,0x22,-1,0) == -1)' && echo "
	       "writable+executable memory allowed");
}
