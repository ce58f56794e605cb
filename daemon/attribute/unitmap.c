// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * A denial -> the directive of its systemd unit that caused it (see unitmap.h).
 * The seccomp rows follow systemd's own filters (src/shared/seccomp-util.c, exec-invoke.c):
 * each Protect*=/Restrict*= setting installs its own filter that returns EPERM for its
 * syscalls, or for its argument values (unshare's namespace flags, mprotect's PROT_EXEC,
 * chmod's S_ISUID/S_ISGID, the real-time scheduling policies, personality's value). The
 * groups of SystemCallFilter= come from `systemd-analyze syscall-filter` (unit_groups.inc).
 * A drop-in line relaxes only what denied: SystemCallFilter=NAME adds NAME to an allow-list
 * and removes it from a deny-list (systemd.exec(5)), RestrictNamespaces=TYPE ORs TYPE into
 * the allowed types, CapabilityBoundingSet=CAP ORs CAP into the set.
 */
#include <stdio.h>
#include <string.h>

#include "names.h"
#include "sysclass.h"
#include "unitmap.h"

static const char *const sd_groups[][2] = {
#include "unit_groups.inc"
};

#define CAP_SYS_MODULE_ 16
#define CAP_SYS_RAWIO_	17
#define CAP_SYS_TIME_	25
#define CAP_MKNOD_	27
#define CAP_SYSLOG_	34
#define CAP_WAKE_ALARM_ 35

static bool list_has(const char *list, const char *sc, int depth);

static bool group_has(const char *group, const char *sc, int depth)
{
	if (depth > 4)
		return false;
	for (size_t i = 0; i < sizeof(sd_groups) / sizeof(sd_groups[0]); i++)
		if (!strcmp(sd_groups[i][0], group))
			return list_has(sd_groups[i][1], sc, depth + 1);
	return false;
}

/* one word of a list: "~@mount", "mount:EPERM" -> does it name sc? */
static bool word_has(const char *w, size_t n, const char *sc, int depth)
{
	char t[64];
	char *colon;

	if (n && w[0] == '~')
		w++, n--;
	if (!n || n >= sizeof(t))
		return false;
	memcpy(t, w, n);
	t[n] = '\0';
	colon = strchr(t, ':');
	if (colon)
		*colon = '\0';
	return t[0] == '@' ? group_has(t, sc, depth) : !strcmp(t, sc);
}

/* the first word of a space-separated list that names sc, copied to out */
static bool list_find(const char *list, const char *sc, int depth, char *out, size_t on)
{
	for (const char *p = list; *p;) {
		size_t n = strcspn(p, " ");

		if (word_has(p, n, sc, depth)) {
			if (out)
				snprintf(out, on, "%.*s", (int)n, p[0] == '~' ? p + 1 : p);
			return true;
		}
		p += n;
		p += strspn(p, " ");
	}
	return false;
}

static bool list_has(const char *list, const char *sc, int depth)
{
	return list_find(list, sc, depth, NULL, 0);
}

bool unitmap_group_has(const char *group, const char *syscall)
{
	return group_has(group, syscall, 0);
}

/* ---- candidates ------------------------------------------------------------------------------ */

#define UM_MAX DN_U_MAX_MATCH

struct um {
	const char *dir;	/* "SystemCallFilter" */
	const char *how;	/* "a seccomp filter" */
	char val[DN_U_LIT_LEN]; /* its current value */
	char line[128];		/* the drop-in line that relaxes it */
	char why[160];		/* "mount is in @mount" */
};

struct umctx {
	struct denial *d;
	const struct dn_unit *u;
	const char *sc; /* syscall name */
	const unsigned long long *a;
	int n;
	struct um m[UM_MAX];
};

static struct um *add(struct umctx *c, const char *dir, const char *how)
{
	struct um *m;

	if (c->n >= UM_MAX)
		return NULL;
	m = &c->m[c->n++];
	memset(m, 0, sizeof(*m));
	m->dir = dir;
	m->how = how;
	return m;
}

static bool sc_is(const struct umctx *c, const char *const *names)
{
	for (; *names; names++)
		if (!strcmp(c->sc, *names))
			return true;
	return false;
}

static int popcount8(const uint8_t *b, size_t n)
{
	int k = 0;

	for (size_t i = 0; i < n; i++)
		k += __builtin_popcount(b[i]);
	return k;
}

/* does the unit's SystemCallFilter= refuse syscall number nr? */
static bool scf_denies(const struct dn_unit *u, int nr)
{
	bool listed;

	if (!(u->flags & DN_U_SCF_SET) || nr < 0 || nr >= (int)sizeof(u->scf) * 8)
		return false;
	listed = u->scf[nr / 8] & (1u << (nr % 8));
	return listed != !!(u->flags & DN_U_SCF_ALLOW);
}

/* The new mount API is one operation in several calls: mount(8) of util-linux 2.39+ (Debian
 * 13) mounts with fsopen, fsconfig, fsmount and move_mount (open_tree for a bind, mount_setattr
 * for the flags), and a filter that refuses the first refuses the rest (@mount holds them all):
 * allowing only the call that failed moves the failure to the next one. So the line names
 * every call of the API the filter refuses, and nothing outside it (not mount(2) itself). */
static const char *const mount_api[] = {"fsopen",    "fsconfig", "fsmount",	  "move_mount",
					"open_tree", "fspick",	 "mount_setattr", NULL};

static void scf_line(struct umctx *c, struct um *m)
{
	size_t l = (size_t)snprintf(m->line, sizeof(m->line), "SystemCallFilter=");
	bool api = sc_is(c, mount_api), first = true;

	for (const char *const *p = mount_api; api && *p && l < sizeof(m->line); p++) {
		/* fspick reconfigures a mounted file system (a remount): only when it failed */
		if (!strcmp(*p, "fspick") && strcmp(c->sc, "fspick"))
			continue;
		if (!strcmp(*p, c->sc) || scf_denies(c->u, syscall_nr(*p))) {
			l += (size_t)snprintf(m->line + l, sizeof(m->line) - l, "%s%s",
					      first ? "" : " ", *p);
			first = false;
		}
	}
	if (!api)
		snprintf(m->line + l, sizeof(m->line) - l, "%s", c->sc);
}

static void scf_match(struct umctx *c)
{
	const struct dn_unit *u = c->u;
	bool allow = u->flags & DN_U_SCF_ALLOW;
	struct um *m;
	char w[64] = "";

	if (!scf_denies(u, c->d->ev.syscall_nr) ||
	    !(m = add(c, "SystemCallFilter", "a seccomp filter")))
		return;
	if (u->lit[DN_UL_SCF][0])
		snprintf(m->val, sizeof(m->val), "%s", u->lit[DN_UL_SCF]);
	else
		snprintf(m->val, sizeof(m->val), "%s%d system calls", allow ? "" : "~",
			 popcount8(u->scf, sizeof(u->scf)));
	if (!allow && list_find(u->lit[DN_UL_SCF], c->sc, 0, w, sizeof(w)))
		snprintf(m->why, sizeof(m->why), "%s is in %s, which the list denies", c->sc, w);
	else if (allow)
		snprintf(m->why, sizeof(m->why), "%s is not in the allow-list", c->sc);
	else
		snprintf(m->why, sizeof(m->why), "%s is in the deny-list", c->sc);
	scf_line(c, m);
	if (strchr(m->line, ' ')) /* the mount API: said why the line names more than one */
		snprintf(w, sizeof(w), "%s", "; the new mount API's calls go together");
	else
		w[0] = '\0';
	strncat(m->why, w, sizeof(m->why) - strlen(m->why) - 1);
}

static const struct {
	unsigned long long flag;
	const char *name;
} ns_types[] = {
    {0x00020000ull, "mnt"}, {0x02000000ull, "cgroup"}, {0x04000000ull, "uts"},
    {0x08000000ull, "ipc"}, {0x10000000ull, "user"},   {0x20000000ull, "pid"},
    {0x40000000ull, "net"},
};

static void ns_names(unsigned long long flags, char *out, size_t n)
{
	size_t l = 0;

	out[0] = '\0';
	for (size_t i = 0; i < sizeof(ns_types) / sizeof(ns_types[0]) && l < n; i++)
		if (flags & ns_types[i].flag)
			l += (size_t)snprintf(out + l, n - l, "%s%s", l ? " " : "",
					      ns_types[i].name);
}

static void ns_match(struct umctx *c)
{
	static const char *const calls[] = {"unshare", "clone", "setns", NULL};
	unsigned long long all = 0, want, bad;
	char names[96];
	struct um *m;

	for (size_t i = 0; i < sizeof(ns_types) / sizeof(ns_types[0]); i++)
		all |= ns_types[i].flag;
	if ((c->u->ns_allowed & all) == all || !sc_is(c, calls))
		return;
	want = (!strcmp(c->sc, "setns") ? c->a[1] : c->a[0]) & all;
	bad = want & ~c->u->ns_allowed;
	if (!bad || !(m = add(c, "RestrictNamespaces", "a seccomp filter")))
		return;
	if (c->u->lit[DN_UL_NS][0])
		snprintf(m->val, sizeof(m->val), "%s", c->u->lit[DN_UL_NS]);
	else if (!(c->u->ns_allowed & all))
		snprintf(m->val, sizeof(m->val), "yes");
	else
		ns_names(c->u->ns_allowed & all, m->val, sizeof(m->val));
	ns_names(bad, names, sizeof(names));
	snprintf(m->why, sizeof(m->why),
		 "%s() asked for a new %s namespace, which it does not allow", c->sc, names);
	snprintf(m->line, sizeof(m->line), "RestrictNamespaces=%s", names);
}

/* MemoryDenyWriteExecute=: what systemd's seccomp filter refuses (sysclass.c) */
static bool mdwe_hit(const struct umctx *c)
{
	return sc_wx_request(c->sc, c->a, false);
}

/* RestrictSUIDSGID=: a mode with S_ISUID or S_ISGID given to chmod, open with O_CREAT,
 * mkdir or mknod */
static bool suid_hit(const struct umctx *c)
{
	static const struct {
		const char *sc;
		int mode, flags; /* argument index, -1 none */
	} t[] = {
	    {"chmod", 1, -1}, {"fchmod", 1, -1},  {"fchmodat", 2, -1}, {"fchmodat2", 2, -1},
	    {"mkdir", 1, -1}, {"mkdirat", 2, -1}, {"mknod", 1, -1},    {"mknodat", 2, -1},
	    {"open", 2, 1},   {"openat", 3, 2},	  {"creat", 1, -1},
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (!strcmp(c->sc, t[i].sc))
			return (c->a[t[i].mode] & 06000) &&
			       (t[i].flags < 0 || (c->a[t[i].flags] & 0100));
	return false;
}

static bool rt_hit(const struct umctx *c)
{
	unsigned long long pol = c->a[1] & ~0x40000000ull; /* SCHED_RESET_ON_FORK */

	return !strcmp(c->sc, "sched_setscheduler") && pol != 0 && pol != 3 && pol != 5;
}

/* systemd locks the personality to the unit's (PER_LINUX unless Personality= is set): any
 * other value is refused, the 0xffffffff query included (seccomp_lock_personality) */
static bool pers_hit(const struct umctx *c)
{
	return !strcmp(c->sc, "personality") && (unsigned)c->a[0] != 0;
}

static bool in_group(const struct umctx *c, const char *g)
{
	return group_has(g, c->sc, 0);
}

static bool clock_hit(const struct umctx *c)
{
	return in_group(c, "@clock");
}

static bool host_hit(const struct umctx *c)
{
	static const char *const host[] = {"sethostname", "setdomainname", NULL};

	return sc_is(c, host);
}

static bool kmod_hit(const struct umctx *c)
{
	return in_group(c, "@module");
}

static bool klogs_hit(const struct umctx *c)
{
	return !strcmp(c->sc, "syslog");
}

static bool rawio_hit(const struct umctx *c)
{
	return in_group(c, "@raw-io");
}

/* the boolean directives that install a filter of their own: (flag, directive, what the
 * filter matches, what it refuses) */
static const struct {
	uint32_t flag;
	const char *dir;
	bool (*hit)(const struct umctx *c);
	const char *why;
} bool_rows[] = {
    {DN_U_MDWE, "MemoryDenyWriteExecute", mdwe_hit,
     "memory that is writable and executable, or made executable later, is refused"},
    {DN_U_SUID_SGID, "RestrictSUIDSGID", suid_hit,
     "creating or chmod'ing a file with the set-user-ID or set-group-ID bit is refused"},
    {DN_U_CLOCK, "ProtectClock", clock_hit, "setting the system clock is refused"},
    {DN_U_HOSTNAME, "ProtectHostname", host_hit, "changing the hostname is refused"},
    {DN_U_KMOD, "ProtectKernelModules", kmod_hit,
     "loading and unloading kernel modules is refused"},
    {DN_U_KLOGS, "ProtectKernelLogs", klogs_hit, "reading the kernel log buffer is refused"},
    {DN_U_REALTIME, "RestrictRealtime", rt_hit, "real-time scheduling policies are refused"},
    {DN_U_PERSONALITY, "LockPersonality", pers_hit,
     "changing the execution domain (personality) is refused"},
    {DN_U_PRIVATE_DEVICES, "PrivateDevices", rawio_hit,
     "raw I/O port and PCI configuration calls are refused"},
};

/* MemoryDenyWriteExecute= without seccomp: systemd 254+ sets the kernel's own MDWE with
 * prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN) where the kernel has it (6.3+) and installs the
 * seccomp filter only where it does not. mmap/mprotect then fail with EACCES from
 * map_deny_write_exec(), no hook and no filter in sight. The kernel side reads the task's MDWE
 * bit at the denial (cause mdwe, cause.c rule_mdwe); where it did not, the cause stays unknown
 * and the directive is inferred: the unit sets it, EACCES, and the call asks for what MDWE
 * refuses (the bit is not in /proc/PID/status, PR_GET_MDWE answers only for the caller). */
static void mdwe_kernel_match(struct umctx *c)
{
	struct um *m;

	if (!(c->u->flags & DN_U_MDWE) || c->d->ev.ret != -EP_EACCES || !mdwe_hit(c) ||
	    !(m = add(c, "MemoryDenyWriteExecute", "the kernel's MDWE (prctl PR_SET_MDWE)")))
		return;
	snprintf(m->val, sizeof(m->val), "yes");
	snprintf(m->why, sizeof(m->why), "%s", bool_rows[0].why);
	snprintf(m->line, sizeof(m->line), "MemoryDenyWriteExecute=no");
}

static void seccomp_matches(struct umctx *c)
{
	struct um *m;

	scf_match(c);
	ns_match(c);
	for (size_t i = 0; i < sizeof(bool_rows) / sizeof(bool_rows[0]); i++) {
		if (!(c->u->flags & bool_rows[i].flag) || !bool_rows[i].hit(c) ||
		    !(m = add(c, bool_rows[i].dir, "a seccomp filter")))
			continue;
		snprintf(m->val, sizeof(m->val), "yes");
		snprintf(m->why, sizeof(m->why), "%s", bool_rows[i].why);
		snprintf(m->line, sizeof(m->line), "%s=no", bool_rows[i].dir);
	}
}

/* ---- capabilities ---------------------------------------------------------------------------- */

static bool runs_unprivileged(const struct denial *d)
{
	return (d->proc.valid ? d->proc.euid : d->ev.uid) != 0;
}

static void caps_text(uint64_t set, char *out, size_t n)
{
	size_t l = 0;
	int absent = 0, last = cap_last();

	for (int i = 0; i <= last && i < 64; i++)
		absent += !(set & (1ull << i));
	out[0] = '\0';
	if (absent < last / 2 && l < n) /* mostly full: name what is missing */
		l += (size_t)snprintf(out, n, "~");
	for (int i = 0; i <= last && i < 64 && l < n; i++)
		if (!(set & (1ull << i)) == (absent < last / 2) && cap_name(i))
			l +=
			    (size_t)snprintf(out + l, n - l, "%s%s", l > 1 ? " " : "", cap_name(i));
}

/* the Protect*=/PrivateDevices= setting that took cap out of the bounding set, if any */
static const char *bnd_owner(const struct dn_unit *u, int cap)
{
	if ((cap == CAP_SYS_TIME_ || cap == CAP_WAKE_ALARM_) && (u->flags & DN_U_CLOCK))
		return "ProtectClock";
	if (cap == CAP_SYS_MODULE_ && (u->flags & DN_U_KMOD))
		return "ProtectKernelModules";
	if (cap == CAP_SYSLOG_ && (u->flags & DN_U_KLOGS))
		return "ProtectKernelLogs";
	if ((cap == CAP_MKNOD_ || cap == CAP_SYS_RAWIO_) && (u->flags & DN_U_PRIVATE_DEVICES))
		return "PrivateDevices";
	return NULL;
}

static void cap_matches(struct umctx *c)
{
	const struct dn_unit *u = c->u;
	int cap = c->d->capability;
	const char *cn = cap_name(cap), *owner;
	bool unpriv = runs_unprivileged(c->d);
	struct um *m;

	if (cap < 0 || cap >= 64 || !cn)
		return;
	if (!(u->cap_bnd & (1ull << cap))) {
		owner = bnd_owner(u, cap);
		if (!(m = add(c, owner ? owner : "CapabilityBoundingSet", "the bounding set")))
			return;
		if (owner)
			snprintf(m->val, sizeof(m->val), "yes");
		else if (u->lit[DN_UL_BND][0])
			snprintf(m->val, sizeof(m->val), "%s", u->lit[DN_UL_BND]);
		else
			caps_text(u->cap_bnd, m->val, sizeof(m->val));
		snprintf(m->why, sizeof(m->why), "%s is not in the unit's capability bounding set",
			 cn);
		if (owner)
			snprintf(m->line, sizeof(m->line), "%s=no", owner);
		else if (unpriv)
			snprintf(m->line, sizeof(m->line),
				 "CapabilityBoundingSet=%s\nAmbientCapabilities=%s", cn, cn);
		else
			snprintf(m->line, sizeof(m->line), "CapabilityBoundingSet=%s", cn);
		return;
	}
	if (!unpriv || (u->cap_amb & (1ull << cap)) ||
	    (!u->user[0] && !(u->flags & DN_U_DYNAMIC_USER)))
		return; /* root, or the unit grants it: not the unit's doing */
	if ((u->flags & DN_U_NNP) && u->exe_privileged)
		m = add(c, "NoNewPrivileges", "no_new_privs");
	else if (u->cap_amb)
		m = add(c, "AmbientCapabilities", "the ambient set");
	else
		m = add(c, (u->flags & DN_U_DYNAMIC_USER) ? "DynamicUser" : "User",
			"the unit's user");
	if (!m)
		return;
	if (!strcmp(m->dir, "NoNewPrivileges") || !strcmp(m->dir, "DynamicUser"))
		snprintf(m->val, sizeof(m->val), "yes");
	else if (!strcmp(m->dir, "AmbientCapabilities"))
		snprintf(m->val, sizeof(m->val), "%s", u->lit[DN_UL_AMB]);
	else
		snprintf(m->val, sizeof(m->val), "%s", u->user);
	if (!strcmp(m->dir, "NoNewPrivileges"))
		snprintf(m->why, sizeof(m->why),
			 "the binary's set-user-ID bit or file capabilities%s do not apply under "
			 "no_new_privs, so it never gets %s",
			 u->exe_later ? " (read later by its path)" : "", cn);
	else
		snprintf(
		    m->why, sizeof(m->why),
		    "the unit runs as an unprivileged user and does not grant %s as an ambient "
		    "capability",
		    cn);
	snprintf(m->line, sizeof(m->line), "AmbientCapabilities=%s", cn);
}

/* ---- cgroup BPF and the device policy ---------------------------------------------------------
 */

/* DeviceAllow= takes only paths below /dev (valid_device_node_path()); a node elsewhere (the
 * private /dev of PrivateDevices= has none of the disks) by its numbers: /dev/block/M:m and
 * /dev/char/M:m, which the manager parses without a node there. "" when the rule has none. */
static void dev_node(const struct denial *d, char *out, size_t n)
{
	unsigned maj, min;
	char t;

	out[0] = '\0';
	if (!strncmp(d->path, "/dev/", 5) && !strstr(d->path, "/../"))
		snprintf(out, n, "%.100s", d->path);
	else if (sscanf(d->rule, "%c %u:%u", &t, &maj, &min) == 3 && (t == 'b' || t == 'c'))
		snprintf(out, n, "/dev/%s/%u:%u", t == 'b' ? "block" : "char", maj, min);
}

/* systemd-executor (systemd 255+) sets the unit up in the unit's cgroup and namespaces, then
 * executes the unit's command in the same process: a denial while it prepares (on Debian 13 it
 * opens /dev/console under a closed device policy, and goes on) is the manager's own, not the
 * command's. The kernel's record names the program that made the call; /proc/PID/exe may
 * already be the command (enrich.c then takes the record's). */
static bool by_executor(const struct denial *d)
{
	const char *base = strrchr(d->proc.exe, '/');

	if ((d->ev.facts & EP_FACT_EXE) && d->ev.exe_depth)
		return !strcmp(d->ev.exe_comp[0], "systemd-executor");
	return base && !strcmp(base + 1, "systemd-executor");
}

static void dev_match(struct umctx *c)
{
	const struct dn_unit *u = c->u;
	const char *acc = strstr(c->d->rule, " rw") ? "rw" : strstr(c->d->rule, " w") ? "w" : "r";
	bool pdev = u->flags & DN_U_PRIVATE_DEVICES, listed = u->lit[DN_UL_DEVALLOW][0];
	char node[128];
	struct um *m;

	if (c->d->cause != EP_CAUSE_CGROUP || !c->d->path[0] || c->d->path[0] != '/')
		return;
	if (strcmp(u->device_policy, "strict") && strcmp(u->device_policy, "closed") && !pdev)
		return;
	/* PrivateDevices= first (it sets the closed policy); then the list the operator wrote */
	if (!(m = add(c,
		      pdev     ? "PrivateDevices"
		      : listed ? "DeviceAllow"
			       : "DevicePolicy",
		      "the device cgroup")))
		return;
	snprintf(m->val, sizeof(m->val), "%s",
		 pdev	  ? "yes"
		 : listed ? u->lit[DN_UL_DEVALLOW]
			  : u->device_policy);
	snprintf(m->why, sizeof(m->why), "%.70s is not in the unit's DeviceAllow= list%s",
		 c->d->path, pdev ? " (PrivateDevices= implies DevicePolicy=closed)" : "");
	if (by_executor(c->d)) { /* no line: the unit's command did not ask for the device */
		c->d->unit_by_executor = true;
		snprintf(m->why, sizeof(m->why),
			 "systemd-executor, not the unit's command, opened %.60s (not allowed)",
			 c->d->path);
		return;
	}
	dev_node(c->d, node, sizeof(node));
	if (node[0])
		snprintf(m->line, sizeof(m->line), "DeviceAllow=%s %s", node, acc);
}

static bool is_any(const struct dn_ipnet *n)
{
	return n->prefix == 0;
}

static void ip_match(struct umctx *c)
{
	static const char *const calls[] = {"connect", "sendto", "sendmsg", "sendmmsg", NULL};
	const struct dn_unit *u = c->u;
	struct um *m;
	bool any = false;

	if (!u->n_ipdeny || c->d->ev.ret != -EP_EPERM || !sc_is(c, calls) ||
	    (c->d->cause != EP_CAUSE_UNKNOWN && c->d->cause != EP_CAUSE_CGROUP))
		return;
	if (!(m = add(c, "IPAddressDeny", "a cgroup BPF program")))
		return;
	for (int i = 0; i < u->n_ipdeny; i++)
		any |= is_any(&u->ipdeny[i]);
	snprintf(m->val, sizeof(m->val), "%s",
		 u->lit[DN_UL_IPDENY][0] ? u->lit[DN_UL_IPDENY]
		 : any			 ? "any"
					 : "(a list)");
	snprintf(m->why, sizeof(m->why), "no IPAddressAllow= entry lets packets to %s out",
		 c->d->peer_addr[0] ? c->d->peer_addr : "this address");
	if (c->d->peer_addr[0])
		snprintf(m->line, sizeof(m->line), "IPAddressAllow=%s", c->d->peer_addr);
}

/* The manager accepts the directive but cannot enforce it (unitprops.c: manager_limits()):
 * never the culprit; the evidence says why it was not named. */
static void unenforced(struct umctx *c, const char *dir)
{
	denial_add_evidence(c->d,
			    "unit %s sets %s=, which this service manager does not enforce (%s): "
			    "not its doing",
			    c->d->proc.unit, dir,
			    (c->u->flags & DN_U_NO_BPF_FW) ? "built without BPF_FRAMEWORK"
							   : "the kernel runs without the BPF LSM");
}

static void bind_match(struct umctx *c)
{
	const struct dn_unit *u = c->u;
	struct um *m;

	if (!u->n_bdeny || strcmp(c->sc, "bind") || c->d->ev.ret != -EP_EPERM ||
	    (c->d->cause != EP_CAUSE_UNKNOWN && c->d->cause != EP_CAUSE_CGROUP))
		return;
	if (u->flags & DN_U_NO_BPF_FW)
		return unenforced(c, "SocketBindDeny");
	if (!(m = add(c, "SocketBindDeny", "a cgroup BPF program")))
		return;
	snprintf(m->val, sizeof(m->val), "%s",
		 u->lit[DN_UL_BINDDENY][0] ? u->lit[DN_UL_BINDDENY] : "(a list)");
	snprintf(m->why, sizeof(m->why), "no SocketBindAllow= entry allows port %u",
		 c->d->bind_port);
	if (c->d->bind_port)
		snprintf(m->line, sizeof(m->line), "SocketBindAllow=%u", c->d->bind_port);
}

/* ---- RestrictFileSystems= (a BPF LSM program on file_open) ----------------------------------
 * systemd's program looks up the superblock's magic of every opened file in a map built from
 * the names (src/basic/filesystems-gperf.gperf): names that share a magic (ext2/ext3/ext4,
 * tmpfs/devtmpfs) are allowed or denied together. A magic not in this table: not named. */
static const struct {
	const char *name;
	unsigned long long magic;
} fs_magics[] = {
    {"ext4", 0xef53},		{"ext3", 0xef53},
    {"ext2", 0xef53},		{"tmpfs", 0x01021994},
    {"devtmpfs", 0x01021994},	{"proc", 0x9fa0},
    {"sysfs", 0x62656572},	{"cgroup2", 0x63677270},
    {"cgroup", 0x27e0eb},	{"devpts", 0x1cd1},
    {"mqueue", 0x19800202},	{"hugetlbfs", 0x958458f6},
    {"ramfs", 0x858458f6},	{"xfs", 0x58465342},
    {"btrfs", 0x9123683e},	{"vfat", 0x4d44},
    {"msdos", 0x4d44},		{"overlay", 0x794c7630},
    {"squashfs", 0x73717368},	{"erofs", 0xe0f5e1e2},
    {"iso9660", 0x9660},	{"nfs", 0x6969},
    {"nfs4", 0x6969},		{"fuse", 0x65735546},
    {"fuseblk", 0x65735546},	{"bpf", 0xcafe4a11},
    {"debugfs", 0x64626720},	{"tracefs", 0x74726163},
    {"securityfs", 0x73636673}, {"configfs", 0x62656570},
    {"pstore", 0x6165676c},	{"binfmt_misc", 0x42494e4d},
    {"autofs", 0x0187},		{"efivarfs", 0xde5e81e4},
    {"f2fs", 0xf2f52010},	{"9p", 0x01021997},
    {"cifs", 0xff534d42},	{"smb3", 0xfe534d42},
    {"nsfs", 0x6e736673},
};

/* the names of the list (space-separated) that have magic, joined into out; how many */
static int rfs_names(const char *list, unsigned long long magic, char *out, size_t n)
{
	size_t l = 0;
	int k = 0;

	out[0] = '\0';
	for (size_t i = 0; i < sizeof(fs_magics) / sizeof(fs_magics[0]); i++) {
		const char *p = list, *nm = fs_magics[i].name;
		size_t nl = strlen(nm);
		bool in = false;

		if (fs_magics[i].magic != magic)
			continue;
		while (!in && (p = strstr(p, nm))) {
			in = (p == list || p[-1] == ' ') && (p[nl] == ' ' || !p[nl]);
			p += nl;
		}
		if (in && l < n) {
			l += (size_t)snprintf(out + l, n - l, "%s%s", k ? " " : "", nm);
			k++;
		}
	}
	return k;
}

static const char *rfs_name_of(unsigned long long magic)
{
	for (size_t i = 0; i < sizeof(fs_magics) / sizeof(fs_magics[0]); i++)
		if (fs_magics[i].magic == magic)
			return fs_magics[i].name;
	return NULL;
}

static void rfs_match(struct umctx *c)
{
	const struct denial *d = c->d;
	const struct dn_unit *u = c->u;
	bool allow = u->flags & DN_U_RFS_ALLOW;
	unsigned long long magic = d->ev.obj.fs_magic;
	const char *name = rfs_name_of(magic);
	char hit[96];
	struct sc_info si;
	char buf[40];
	struct um *m;

	if (!(u->flags & DN_U_RFS_SET) || d->ev.ret != -EP_EPERM ||
	    !(d->ev.facts & (EP_FACT_OBJ | EP_FACT_FD)) || !name ||
	    (d->cause == EP_CAUSE_LSM && d->lsm != EP_LSM_BPF) ||
	    (d->cause != EP_CAUSE_LSM && d->cause != EP_CAUSE_UNKNOWN))
		return;
	sc_lookup(d, &si, buf, sizeof(buf)); /* only now: most records have no such unit */
	if (si.cls != SC_OPEN && si.cls != SC_EXEC)
		return;
	if ((rfs_names(u->rfs, magic, hit, sizeof(hit)) > 0) == allow)
		return; /* allowed: not this directive */
	if (allow && (u->flags & DN_U_RFS_TRUNC))
		return; /* the name may be in the part of the list that did not fit */
	if (u->flags & (DN_U_NO_BPF_FW | DN_U_NO_BPF_LSM))
		return unenforced(c, "RestrictFileSystems");
	if (!(m = add(c, "RestrictFileSystems", "a BPF LSM program (file_open)")))
		return;
	snprintf(m->val, sizeof(m->val), "%.*s", (int)sizeof(m->val) - 1,
		 u->lit[DN_UL_RFS][0] ? u->lit[DN_UL_RFS] : u->rfs);
	snprintf(m->why, sizeof(m->why), "the file is on %s (magic 0x%llx), which the %s", name,
		 magic, allow ? "allow-list does not name" : "deny-list names");
	/* allow-list: one name of the magic adds it; deny-list: every listed name of it goes */
	snprintf(m->line, sizeof(m->line), "RestrictFileSystems=%s", allow ? name : hit);
}

/* ---- the mount namespace ----------------------------------------------------------------------
 */

static bool under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	while (n > 1 && dir[n - 1] == '/')
		n--;
	return !strncmp(path, dir, n) && (path[n] == '/' || path[n] == '\0');
}

static bool wants_write(const struct umctx *c)
{
	struct sc_info si;
	char buf[40];
	long fl;

	sc_lookup(c->d, &si, buf, sizeof(buf));
	fl = sc_open_flags(c->d, &si);
	return si.cls != SC_OPEN && si.cls != SC_EXEC && si.cls != SC_STAT && si.cls != SC_CHDIR &&
		       si.cls != SC_ACCESS && si.cls != SC_READ
		   ? true
		   : si.cls == SC_OPEN && fl >= 0 && (fl & 3);
}

static void inacc_add(struct umctx *c, const char *p)
{
	struct um *m = add(c, "InaccessiblePaths", "the unit's mount namespace");
	size_t l;

	if (!m)
		return;
	snprintf(m->val, sizeof(m->val), "%s",
		 c->u->lit[DN_UL_INACC][0] ? c->u->lit[DN_UL_INACC] : p);
	snprintf(m->why, sizeof(m->why), "%.80s is replaced by an inaccessible node", p);
	/* an empty assignment resets the list; then every other entry again */
	l = (size_t)snprintf(m->line, sizeof(m->line), "InaccessiblePaths=");
	for (int j = 0; j < c->u->n_inacc && l < sizeof(m->line); j++)
		if (strcmp(c->u->inacc[j], p))
			l += (size_t)snprintf(m->line + l, sizeof(m->line) - l,
					      "\nInaccessiblePaths=-%s", c->u->inacc[j]);
}

static void mount_matches(struct umctx *c)
{
	static const char *const home[] = {"/home", "/root", "/run/user"};
	const char *p = c->d->path;
	struct um *m;

	if (c->d->ev.ret != -EP_EACCES || p[0] != '/')
		return;
	for (int i = 0; i < c->u->n_inacc; i++)
		if (under(p, c->u->inacc[i]))
			return inacc_add(c, c->u->inacc[i]);
	if (strcmp(c->u->protect_home, "yes"))
		return;
	for (size_t i = 0; i < sizeof(home) / sizeof(home[0]); i++) {
		if (!under(p, home[i]) ||
		    !(m = add(c, "ProtectHome", "the unit's mount namespace")))
			continue;
		snprintf(m->val, sizeof(m->val), "yes");
		snprintf(m->why, sizeof(m->why), "%s is hidden (an inaccessible directory)",
			 home[i]);
		if (wants_write(c))
			snprintf(m->line, sizeof(m->line),
				 "ProtectHome=read-only\nReadWritePaths=%.90s", p);
		else
			snprintf(m->line, sizeof(m->line), "ProtectHome=read-only");
		return;
	}
}

/* ---- read-only views (EROFS, rofs.c decided a read-only mount)
 * ------------------------------------ */

/* the ProtectSystem= level that makes path read-only: strict everything but the API file
 * systems, full also /etc, yes /usr, /boot and /efi */
static bool psys_covers(const char *level, const char *path)
{
	static const char *const yes[] = {"/usr", "/boot", "/efi"};
	bool hit = false;

	if (!strcmp(level, "strict"))
		return !under(path, "/dev") && !under(path, "/proc") && !under(path, "/sys");
	if (strcmp(level, "yes") && strcmp(level, "full"))
		return false;
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		hit |= under(path, yes[i]);
	return hit || (!strcmp(level, "full") && under(path, "/etc"));
}

static struct um *ro_add(struct umctx *c, const char *dir, const char *val, const char *why)
{
	struct um *m = add(c, dir, "the unit's mount namespace (a read-only bind mount)");
	const char *w = c->d->rofs.dir[0] ? c->d->rofs.dir : c->d->path;

	if (!m)
		return NULL;
	snprintf(m->val, sizeof(m->val), "%s", val);
	snprintf(m->why, sizeof(m->why), "%s", why);
	snprintf(m->line, sizeof(m->line), "ReadWritePaths=%.100s", w);
	return m;
}

/* ReadWritePaths= wins only below a ReadOnlyPaths= entry, not on the entry itself: then the
 * entry goes (an empty assignment resets the list, every other entry again) */
static void ro_paths(struct umctx *c, int i, const char *why)
{
	const struct dn_unit *u = c->u;
	const char *w = c->d->rofs.dir[0] ? c->d->rofs.dir : c->d->path;
	struct um *m = ro_add(c, "ReadOnlyPaths", u->ro[i], why);
	size_t l;

	if (!m || (strcmp(w, u->ro[i]) && !under(u->ro[i], w)))
		return;
	l = (size_t)snprintf(m->line, sizeof(m->line), "ReadOnlyPaths=");
	for (int j = 0; j < u->n_ro && l < sizeof(m->line); j++)
		if (j != i)
			l += (size_t)snprintf(m->line + l, sizeof(m->line) - l,
					      "\nReadOnlyPaths=-%s", u->ro[j]);
}

static void erofs_matches(struct umctx *c)
{
	static const char *const home[] = {"/home", "/root", "/run/user"};
	const struct dn_unit *u = c->u;
	const char *p = c->d->path;
	char why[160];

	if (c->d->rofs.kind != DN_RO_MOUNT || p[0] != '/')
		return;
	snprintf(why, sizeof(why), "%.80s is in a read-only view of the file system", p);
	for (int i = 0; i < u->n_ro; i++)
		if (under(p, u->ro[i]))
			return ro_paths(c, i, why);
	for (size_t i = 0; i < sizeof(home) / sizeof(home[0]); i++)
		if (!strcmp(u->protect_home, "read-only") && under(p, home[i]))
			return (void)ro_add(c, "ProtectHome", "read-only", why);
	if ((u->flags & DN_U_CGROUPS) && under(p, "/sys/fs/cgroup"))
		return (void)ro_add(c, "ProtectControlGroups", "yes", why);
	if ((u->flags & DN_U_TUNABLES) && (under(p, "/proc/sys") || under(p, "/sys")))
		return (void)ro_add(c, "ProtectKernelTunables", "yes", why);
	if (psys_covers(u->protect_system, p))
		ro_add(c, "ProtectSystem", u->protect_system, why);
}

/* ---- the verdict ----------------------------------------------------------------------------- */

static void clear(struct denial *d)
{
	d->unit_directive[0] = d->unit_directive_value[0] = d->unit_dropin[0] = '\0';
	memset(d->unit_match, 0, sizeof(d->unit_match));
	d->n_unit_match = 0;
	d->unit_by_executor = false;
}

/* the directives for the words (explain/unit_fix.c), which say them as decided here */
static void keep(struct denial *d, const struct umctx *c)
{
	for (int i = 0; i < c->n; i++) {
		struct dn_unit_match *k = &d->unit_match[i];

		snprintf(k->dir, sizeof(k->dir), "%s", c->m[i].dir);
		snprintf(k->how, sizeof(k->how), "%s", c->m[i].how);
		snprintf(k->val, sizeof(k->val), "%s", c->m[i].val);
		snprintf(k->why, sizeof(k->why), "%s", c->m[i].why);
	}
	d->n_unit_match = c->n;
}

/* every directive of d->unit that explains the denial, the deciding one first */
static void collect(struct denial *d, struct umctx *c)
{
	memset(c, 0, sizeof(*c));
	c->d = d;
	c->u = &d->unit;
	c->a = (const unsigned long long *)d->ev.args;
	c->sc = syscall_name(d->ev.syscall_nr);
	if (!d->unit.valid || !d->proc.unit[0] || !c->sc || (d->ev.flags & EP_F_COMPAT))
		return;
	if (d->ev.ret == -EP_EROFS)
		erofs_matches(c);
	else if (d->cause == EP_CAUSE_SECCOMP)
		seccomp_matches(c);
	else if (d->cause == EP_CAUSE_CAPABILITY)
		cap_matches(c);
	else if (d->cause == EP_CAUSE_CGROUP)
		dev_match(c);
	else if (d->cause == EP_CAUSE_DAC)
		mount_matches(c);
	else if (d->cause == EP_CAUSE_UNKNOWN || d->cause == EP_CAUSE_MDWE)
		mdwe_kernel_match(c);
	if (d->cause == EP_CAUSE_UNKNOWN || d->cause == EP_CAUSE_CGROUP) {
		ip_match(c);
		bind_match(c);
	}
	if (d->cause == EP_CAUSE_UNKNOWN || d->cause == EP_CAUSE_LSM)
		rfs_match(c);
}

void unitmap_attribute(struct denial *d)
{
	struct umctx c;
	size_t l;

	clear(d);
	if (d->unit.err && d->proc.unit[0])
		denial_add_evidence(d,
				    "unit %s: its settings could not be read from the service "
				    "manager (%s)",
				    d->proc.unit, strerror(-d->unit.err));
	collect(d, &c);
	if (!c.n)
		return;
	if (d->cause == EP_CAUSE_UNKNOWN && !strcmp(c.m[0].dir, "RestrictFileSystems")) {
		d->cause = EP_CAUSE_LSM; /* the unit's BPF LSM program refused the open */
		d->lsm = EP_LSM_BPF;
		snprintf(d->lsm_detail, sizeof(d->lsm_detail), "systemd RestrictFileSystems=");
	} else if (d->cause == EP_CAUSE_UNKNOWN && strcmp(c.m[0].dir, "MemoryDenyWriteExecute")) {
		/* the unit's cgroup BPF program refused it (the kernel's MDWE is neither a hook
		 * nor a filter: that cause stays unknown) */
		d->cause = EP_CAUSE_CGROUP;
		snprintf(d->rule, sizeof(d->rule), "%s", c.m[0].dir);
	}
	keep(d, &c);
	snprintf(d->unit_directive, sizeof(d->unit_directive), "%s", c.m[0].dir);
	snprintf(d->unit_directive_value, sizeof(d->unit_directive_value), "%s", c.m[0].val);
	l = (size_t)snprintf(d->unit_dropin, sizeof(d->unit_dropin), "[Service]\n");
	for (int i = 0; i < c.n; i++) {
		denial_add_evidence(d, "unit %s: %s=%s: %s (from the service manager)",
				    d->proc.unit, c.m[i].dir, c.m[i].val, c.m[i].why);
		if (c.m[i].line[0] && l < sizeof(d->unit_dropin))
			l += (size_t)snprintf(d->unit_dropin + l, sizeof(d->unit_dropin) - l,
					      "%s\n", c.m[i].line);
	}
	if (!strchr(d->unit_dropin, '=')) /* no line that would work: say so, offer none */
		d->unit_dropin[0] = '\0';
}

bool unitmap_rofs_words(const struct denial *d)
{
	char want[sizeof(d->unit_dropin)];

	if (d->ev.ret != -EP_EROFS || !d->rofs.dir[0])
		return false;
	snprintf(want, sizeof(want), "[Service]\nReadWritePaths=%.200s\n", d->rofs.dir);
	return !strcmp(want, d->unit_dropin);
}
