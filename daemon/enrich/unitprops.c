// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The sandbox settings of systemd units over D-Bus (see unitprops.h). One GetAll of the unit
 * type's interface (Service, Socket, ...) gives the effective settings; FragmentPath and
 * DropInPaths give the files, whose lines give the values as the operator wrote them
 * (SystemCallFilter=~@mount: the manager itself reports the expanded list of syscalls).
 * The connection is opened lazily by the worker, and again after a failure at most every
 * UP_RETRY_S seconds.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/xattr.h>

#include <systemd/sd-bus.h>

#include "clock.h"
#include "names.h"
#include "unitprops.h"

#define UP_MAX	    32
#define UP_TTL_S    300
#define UP_RETRY_S  2
#define UP_FILE_MAX 65536

#define SD_DEST	     "org.freedesktop.systemd1"
#define SD_PATH	     "/org/freedesktop/systemd1"
#define SD_MANAGER   "org.freedesktop.systemd1.Manager"
#define SD_UNIT_PATH "/org/freedesktop/systemd1/unit"

struct up_entry {
	bool used;
	uint64_t at_ns;
	char path[256]; /* the unit's object path */
	struct dn_unit u;
};

struct unitprops {
	sd_bus *bus;
	uint32_t mgr_flags; /* DN_U_NO_BPF_FW, DN_U_NO_BPF_LSM: what this manager cannot enforce */
	uint64_t retry_ns;
	unsigned next;
	unsigned long hits, asked, failed;
	struct up_entry e[UP_MAX];
	/* cgroup id -> unit ("" = none) for processes that are gone: a cgroup's id is never
	 * reused, so an answer stays true */
	struct {
		uint64_t id;
		char unit[128];
	} cg[UP_MAX];
	unsigned cg_next;
	char cgroot[128]; /* the cgroup2 mount: /sys/fs/cgroup (tests: a directory tree) */
};

/* ---- literal values from the unit files ------------------------------------------------------ */

static const char *const lit_keys[DN_UL__N] = {
    [DN_UL_SCF] = "SystemCallFilter",	   [DN_UL_NS] = "RestrictNamespaces",
    [DN_UL_BND] = "CapabilityBoundingSet", [DN_UL_AMB] = "AmbientCapabilities",
    [DN_UL_IPDENY] = "IPAddressDeny",	   [DN_UL_BINDDENY] = "SocketBindDeny",
    [DN_UL_INACC] = "InaccessiblePaths",   [DN_UL_DEVALLOW] = "DeviceAllow",
    [DN_UL_RFS] = "RestrictFileSystems",
};

static void lit_assign(struct dn_unit *u, int k, const char *v, size_t n)
{
	char *dst = u->lit[k];
	size_t l = strlen(dst);

	if (!n) { /* an empty assignment resets the list */
		dst[0] = '\0';
		return;
	}
	/* RestrictNamespaces= with a boolean replaces what came before */
	if (k == DN_UL_NS && (!strncmp(v, "yes", n) || !strncmp(v, "no", n)))
		l = 0;
	snprintf(dst + l, DN_U_LIT_LEN - l, "%s%.*s", l ? " " : "", (int)n, v);
}

static void parse_line(struct dn_unit *u, const char *s, size_t n)
{
	while (n && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	for (int k = 0; k < DN_UL__N; k++) {
		size_t kl = strlen(lit_keys[k]);
		const char *v;

		if (n <= kl || strncmp(s, lit_keys[k], kl))
			continue;
		v = s + kl;
		while (v < s + n && (*v == ' ' || *v == '\t'))
			v++;
		if (v >= s + n || *v != '=')
			continue;
		v++;
		while (v < s + n && (*v == ' ' || *v == '\t'))
			v++;
		lit_assign(u, k, v, (size_t)(s + n - v));
	}
}

void unitprops_parse_file(struct dn_unit *u, const char *text)
{
	bool in_unit = false; /* [Unit] and [Install] hold no sandboxing */

	for (const char *p = text; p && *p;) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p);

		if (n && p[0] == '[')
			in_unit = !strncmp(p, "[Unit]", 6) || !strncmp(p, "[Install]", 9);
		else if (n && !in_unit && p[0] != '#' && p[0] != ';')
			parse_line(u, p, n);
		p = e ? e + 1 : NULL;
	}
}

static void read_unit_file(struct dn_unit *u, const char *path)
{
	char *buf = malloc(UP_FILE_MAX);
	ssize_t n;
	int fd;

	if (!buf)
		return;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd >= 0) {
		n = read(fd, buf, UP_FILE_MAX - 1);
		if (n >= 0) {
			buf[n] = '\0';
			unitprops_parse_file(u, buf);
		}
		close(fd);
	}
	free(buf);
}

/* ---- D-Bus properties ------------------------------------------------------------------------ */

typedef int (*prop_fn)(sd_bus_message *m, struct dn_unit *u);

/* (bas): an allow-list flag and a list of names (SystemCallFilter=, RestrictFileSystems=); each
 * name goes to add(). Sets set_flag, and allow_flag for an allow-list, when the list is set. */
static int p_list(sd_bus_message *m, struct dn_unit *u, void (*add)(struct dn_unit *, const char *),
		  uint32_t set_flag, uint32_t allow_flag)
{
	char **l = NULL;
	int allow = 0, r;

	r = sd_bus_message_enter_container(m, 'r', "bas");
	if (r >= 0)
		r = sd_bus_message_read(m, "b", &allow);
	if (r >= 0)
		r = sd_bus_message_read_strv(m, &l);
	if (r >= 0)
		r = sd_bus_message_exit_container(m);
	for (char **p = l; r >= 0 && p && *p; p++)
		add(u, *p);
	if (r >= 0 && (allow || (l && l[0])))
		u->flags |= set_flag | (allow ? allow_flag : 0);
	for (char **p = l; p && *p; p++)
		free(*p);
	free(l);
	return r;
}

static void scf_add(struct dn_unit *u, const char *name)
{
	int nr = syscall_nr(name);

	if (nr >= 0 && nr < (int)sizeof(u->scf) * 8)
		u->scf[nr / 8] |= (uint8_t)(1u << (nr % 8));
}

static int p_scf(sd_bus_message *m, struct dn_unit *u)
{
	return p_list(m, u, scf_add, DN_U_SCF_SET, DN_U_SCF_ALLOW);
}

/* RestrictFileSystems=: file system names (the manager expands the groups) */
static void rfs_add(struct dn_unit *u, const char *name)
{
	size_t n = strlen(u->rfs);

	if (n + strlen(name) + 2 <= sizeof(u->rfs))
		snprintf(u->rfs + n, sizeof(u->rfs) - n, "%s%s", n ? " " : "", name);
	else
		u->flags |= DN_U_RFS_TRUNC;
}

static int p_rfs(sd_bus_message *m, struct dn_unit *u)
{
	return p_list(m, u, rfs_add, DN_U_RFS_SET, DN_U_RFS_ALLOW);
}

static int p_u64(sd_bus_message *m, uint64_t *v)
{
	return sd_bus_message_read(m, "t", v);
}

static int p_ns(sd_bus_message *m, struct dn_unit *u)
{
	return p_u64(m, &u->ns_allowed);
}

static int p_bnd(sd_bus_message *m, struct dn_unit *u)
{
	return p_u64(m, &u->cap_bnd);
}

static int p_amb(sd_bus_message *m, struct dn_unit *u)
{
	return p_u64(m, &u->cap_amb);
}

static int p_str(sd_bus_message *m, char *dst, size_t n)
{
	const char *s = NULL;
	int r = sd_bus_message_read(m, "s", &s);

	if (r >= 0)
		snprintf(dst, n, "%s", s ? s : "");
	return r;
}

static int p_user(sd_bus_message *m, struct dn_unit *u)
{
	return p_str(m, u->user, sizeof(u->user));
}

static int p_devpol(sd_bus_message *m, struct dn_unit *u)
{
	return p_str(m, u->device_policy, sizeof(u->device_policy));
}

static int p_phome(sd_bus_message *m, struct dn_unit *u)
{
	return p_str(m, u->protect_home, sizeof(u->protect_home));
}

static int p_psys(sd_bus_message *m, struct dn_unit *u)
{
	return p_str(m, u->protect_system, sizeof(u->protect_system));
}

static int p_ipnets(sd_bus_message *m, struct dn_ipnet *v, int *n)
{
	int r = sd_bus_message_enter_container(m, 'a', "(iayu)");

	while (r >= 0) {
		int32_t fam = 0;
		const void *a = NULL;
		size_t al = 0;
		uint32_t plen = 0;

		r = sd_bus_message_enter_container(m, 'r', "iayu");
		if (r <= 0)
			break;
		r = sd_bus_message_read(m, "i", &fam);
		if (r >= 0)
			r = sd_bus_message_read_array(m, 'y', &a, &al);
		if (r >= 0)
			r = sd_bus_message_read(m, "u", &plen);
		if (r >= 0)
			r = sd_bus_message_exit_container(m);
		if (r >= 0 && *n < DN_U_MAX_IP && al <= 16) {
			v[*n].family = (uint8_t)fam;
			v[*n].prefix = (uint8_t)plen;
			memcpy(v[*n].addr, a, al);
			(*n)++;
		}
	}
	return r < 0 ? r : sd_bus_message_exit_container(m);
}

static int p_ipdeny(sd_bus_message *m, struct dn_unit *u)
{
	return p_ipnets(m, u->ipdeny, &u->n_ipdeny);
}

static int p_ipallow(sd_bus_message *m, struct dn_unit *u)
{
	return p_ipnets(m, u->ipallow, &u->n_ipallow);
}

static int p_binds(sd_bus_message *m, struct dn_bindrule *v, int *n)
{
	int r = sd_bus_message_enter_container(m, 'a', "(iiqq)");

	while (r >= 0) {
		int32_t fam = 0, proto = 0;
		uint16_t np = 0, pmin = 0;

		r = sd_bus_message_read(m, "(iiqq)", &fam, &proto, &np, &pmin);
		if (r <= 0)
			break;
		if (*n < DN_U_MAX_BIND)
			v[(*n)++] = (struct dn_bindrule){fam, proto, np, pmin};
	}
	return r < 0 ? r : sd_bus_message_exit_container(m);
}

static int p_bdeny(sd_bus_message *m, struct dn_unit *u)
{
	return p_binds(m, u->bdeny, &u->n_bdeny);
}

static int p_ballow(sd_bus_message *m, struct dn_unit *u)
{
	return p_binds(m, u->ballow, &u->n_ballow);
}

static void add_path(char (*v)[96], int *n, const char *p)
{
	while (*p == '-' || *p == '+') /* ignore-if-missing and similar prefixes */
		p++;
	if (*n < DN_U_MAX_PATHS && *p)
		snprintf(v[(*n)++], sizeof(v[0]), "%s", p);
}

static int p_paths(sd_bus_message *m, char (*v)[96], int *n)
{
	char **l = NULL;
	int r = sd_bus_message_read_strv(m, &l);

	for (char **p = l; p && *p; p++) {
		if (r >= 0)
			add_path(v, n, *p);
		free(*p);
	}
	free(l);
	return r;
}

static int p_inacc(sd_bus_message *m, struct dn_unit *u)
{
	return p_paths(m, u->inacc, &u->n_inacc);
}

static int p_ro(sd_bus_message *m, struct dn_unit *u)
{
	return p_paths(m, u->ro, &u->n_ro);
}

/* clang-format off */
static const struct up_prop {
	const char *name;
	const char *sig;
	prop_fn fn;	/* NULL: a boolean that sets flag */
	uint32_t flag;
} up_props[] = {
	{"SystemCallFilter", "(bas)", p_scf, 0},
	{"RestrictFileSystems", "(bas)", p_rfs, 0},
	{"RestrictNamespaces", "t", p_ns, 0},
	{"CapabilityBoundingSet", "t", p_bnd, 0},
	{"AmbientCapabilities", "t", p_amb, 0},
	{"User", "s", p_user, 0},
	{"DevicePolicy", "s", p_devpol, 0},
	{"ProtectHome", "s", p_phome, 0},
	{"ProtectSystem", "s", p_psys, 0},
	{"IPAddressDeny", "a(iayu)", p_ipdeny, 0},
	{"IPAddressAllow", "a(iayu)", p_ipallow, 0},
	{"SocketBindDeny", "a(iiqq)", p_bdeny, 0},
	{"SocketBindAllow", "a(iiqq)", p_ballow, 0},
	{"InaccessiblePaths", "as", p_inacc, 0},
	{"ReadOnlyPaths", "as", p_ro, 0},
	{"ProtectControlGroups", "b", NULL, DN_U_CGROUPS},
	{"MemoryDenyWriteExecute", "b", NULL, DN_U_MDWE},
	{"RestrictSUIDSGID", "b", NULL, DN_U_SUID_SGID},
	{"ProtectClock", "b", NULL, DN_U_CLOCK},
	{"ProtectHostname", "b", NULL, DN_U_HOSTNAME},
	{"ProtectKernelModules", "b", NULL, DN_U_KMOD},
	{"ProtectKernelLogs", "b", NULL, DN_U_KLOGS},
	{"ProtectKernelTunables", "b", NULL, DN_U_TUNABLES},
	{"RestrictRealtime", "b", NULL, DN_U_REALTIME},
	{"LockPersonality", "b", NULL, DN_U_PERSONALITY},
	{"NoNewPrivileges", "b", NULL, DN_U_NNP},
	{"PrivateDevices", "b", NULL, DN_U_PRIVATE_DEVICES},
	{"DynamicUser", "b", NULL, DN_U_DYNAMIC_USER},
};
/* clang-format on */

/* One property of GetAll's a{sv}: parsed when known and of the expected type, else skipped. */
static int read_prop(sd_bus_message *m, struct dn_unit *u, const char *name)
{
	const char *contents = NULL;
	char type = 0;
	int r, b = 0;

	for (size_t i = 0; i < sizeof(up_props) / sizeof(up_props[0]); i++) {
		const struct up_prop *p = &up_props[i];

		if (strcmp(name, p->name))
			continue;
		r = sd_bus_message_peek_type(m, &type, &contents);
		if (r < 0 || type != 'v' || !contents || strcmp(contents, p->sig))
			break; /* another systemd version's type: leave it */
		r = sd_bus_message_enter_container(m, 'v', p->sig);
		if (r >= 0 && p->fn)
			r = p->fn(m, u);
		else if (r >= 0 && (r = sd_bus_message_read(m, "b", &b)) >= 0 && b)
			u->flags |= p->flag;
		return r < 0 ? r : sd_bus_message_exit_container(m);
	}
	return sd_bus_message_skip(m, "v");
}

static int read_all(sd_bus_message *m, struct dn_unit *u)
{
	int r = sd_bus_message_enter_container(m, 'a', "{sv}");

	while (r >= 0) {
		const char *name = NULL;

		r = sd_bus_message_enter_container(m, 'e', "sv");
		if (r <= 0)
			break;
		r = sd_bus_message_read(m, "s", &name);
		if (r >= 0)
			r = read_prop(m, u, name);
		if (r >= 0)
			r = sd_bus_message_exit_container(m);
	}
	return r < 0 ? r : sd_bus_message_exit_container(m);
}

/* "nginx.service" -> "org.freedesktop.systemd1.Service"; NULL for types without sandboxing */
static const char *unit_iface(const char *unit)
{
	static const char *const t[][2] = {
	    {".service", SD_DEST ".Service"}, {".socket", SD_DEST ".Socket"},
	    {".mount", SD_DEST ".Mount"},     {".swap", SD_DEST ".Swap"},
	    {".scope", SD_DEST ".Scope"},
	};
	const char *dot = strrchr(unit, '.');

	for (size_t i = 0; dot && i < sizeof(t) / sizeof(t[0]); i++)
		if (!strcmp(dot, t[i][0]))
			return t[i][1];
	return NULL;
}

static void read_files(sd_bus *bus, const char *path, struct dn_unit *u)
{
	char *frag = NULL, **drop = NULL;

	if (sd_bus_get_property_string(bus, SD_DEST, path, SD_DEST ".Unit", "FragmentPath", NULL,
				       &frag) >= 0 &&
	    frag && frag[0]) {
		u->transient = !strncmp(frag, "/run/systemd/transient/", 23);
		read_unit_file(u, frag);
	}
	if (sd_bus_get_property_strv(bus, SD_DEST, path, SD_DEST ".Unit", "DropInPaths", NULL,
				     &drop) >= 0)
		for (char **p = drop; p && *p; p++)
			read_unit_file(u, *p);
	for (char **p = drop; p && *p; p++)
		free(*p);
	free(drop);
	free(frag);
}

static int ask(struct unitprops *up, const char *unit, const char *path, struct dn_unit *u)
{
	sd_bus *bus = up->bus;
	sd_bus_error err = SD_BUS_ERROR_NULL;
	sd_bus_message *reply = NULL;
	const char *iface = unit_iface(unit);
	int r;

	if (!iface)
		return -EOPNOTSUPP;
	memset(u, 0, sizeof(*u));
	r = sd_bus_call_method(bus, SD_DEST, path, "org.freedesktop.DBus.Properties", "GetAll",
			       &err, &reply, "s", iface);
	if (r >= 0)
		r = read_all(reply, u);
	if (r >= 0) {
		read_files(bus, path, u);
		u->flags |= up->mgr_flags;
		u->valid = true;
	}
	sd_bus_message_unref(reply);
	sd_bus_error_free(&err);
	return r;
}

/* ---- invalidation ---------------------------------------------------------------------------- */

static void drop_path(struct unitprops *up, const char *path)
{
	for (int i = 0; i < UP_MAX; i++)
		if (up->e[i].used && (!path || !strcmp(up->e[i].path, path)))
			up->e[i].used = false;
}

static int on_reloading(sd_bus_message *m, void *ud, sd_bus_error *e)
{
	(void)m, (void)e;
	drop_path(ud, NULL);
	return 0;
}

static int on_unit_removed(sd_bus_message *m, void *ud, sd_bus_error *e)
{
	const char *name = NULL, *path = NULL;

	(void)e;
	if (sd_bus_message_read(m, "so", &name, &path) >= 0 && path)
		drop_path(ud, path);
	return 0;
}

static int on_props_changed(sd_bus_message *m, void *ud, sd_bus_error *e)
{
	const char *path = sd_bus_message_get_path(m);

	(void)e;
	if (path)
		drop_path(ud, path);
	return 0;
}

static int subscribe(struct unitprops *up)
{
	int r;

	r = sd_bus_match_signal(up->bus, NULL, SD_DEST, SD_PATH, SD_MANAGER, "Reloading",
				on_reloading, up);
	if (r >= 0)
		r = sd_bus_match_signal(up->bus, NULL, SD_DEST, SD_PATH, SD_MANAGER, "UnitRemoved",
					on_unit_removed, up);
	if (r >= 0)
		r = sd_bus_add_match(up->bus, NULL,
				     "type='signal',sender='" SD_DEST "',"
				     "interface='org.freedesktop.DBus.Properties',"
				     "member='PropertiesChanged',path_namespace='" SD_UNIT_PATH "'",
				     on_props_changed, up);
	/* the manager sends unit signals only to subscribed clients */
	if (r >= 0)
		r = sd_bus_call_method(up->bus, SD_DEST, SD_PATH, SD_MANAGER, "Subscribe", NULL,
				       NULL, NULL);
	return r;
}

/* What the manager cannot enforce: systemd built without its BPF framework (Debian 12's 252)
 * accepts SocketBindAllow=/SocketBindDeny= and RestrictFileSystems= and ignores them; without
 * the BPF LSM in the kernel's active list it ignores RestrictFileSystems= (it logs that only
 * at debug level). An older manager without the Features property: assume it enforces. */
static uint32_t manager_limits(sd_bus *bus)
{
	char *feat = NULL, lsm[256] = "";
	uint32_t f = 0;
	ssize_t n;
	int fd;

	if (sd_bus_get_property_string(bus, SD_DEST, SD_PATH, SD_MANAGER, "Features", NULL,
				       &feat) >= 0 &&
	    feat && strstr(feat, "-BPF_FRAMEWORK"))
		f |= DN_U_NO_BPF_FW;
	free(feat);
	fd = open("/sys/kernel/security/lsm", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, lsm, sizeof(lsm) - 1);
		if (n > 0) {
			lsm[n] = '\0';
			if (!strstr(lsm, "bpf"))
				f |= DN_U_NO_BPF_LSM;
		}
		close(fd);
	}
	return f;
}

static int connect_bus(struct unitprops *up)
{
	uint64_t now = clock_ns(CLOCK_MONOTONIC);
	int r;

	if (up->bus && sd_bus_is_open(up->bus) > 0)
		return 0;
	if (up->bus) { /* lost: everything cached may be stale */
		up->bus = sd_bus_flush_close_unref(up->bus);
		drop_path(up, NULL);
	}
	if (now < up->retry_ns)
		return -EAGAIN;
	up->retry_ns = now + UP_RETRY_S * 1000000000ull;
	r = sd_bus_open_system(&up->bus);
	if (r >= 0)
		r = sd_bus_set_method_call_timeout(up->bus, 3000000);
	if (r >= 0)
		r = subscribe(up);
	if (r >= 0)
		up->mgr_flags = manager_limits(up->bus);
	if (r < 0)
		up->bus = sd_bus_flush_close_unref(up->bus);
	return r;
}

/* ---- the cache ------------------------------------------------------------------------------- */

int unitprops_new(struct unitprops **out)
{
	struct unitprops *up = calloc(1, sizeof(*up));

	if (!up)
		return -ENOMEM;
	snprintf(up->cgroot, sizeof(up->cgroot), "/sys/fs/cgroup");
	*out = up;
	return 0;
}

void unitprops_set_cgroot(struct unitprops *up, const char *root)
{
	snprintf(up->cgroot, sizeof(up->cgroot), "%s", root);
}

void unitprops_free(struct unitprops *up)
{
	if (!up)
		return;
	sd_bus_flush_close_unref(up->bus);
	free(up);
}

void unitprops_tick(struct unitprops *up)
{
	if (!up || !up->bus)
		return;
	while (sd_bus_process(up->bus, NULL) > 0)
		;
}

static struct up_entry *lookup(struct unitprops *up, const char *path, uint64_t now)
{
	for (int i = 0; i < UP_MAX; i++) {
		struct up_entry *e = &up->e[i];

		if (e->used && !strcmp(e->path, path) && now - e->at_ns < UP_TTL_S * 1000000000ull)
			return e;
	}
	return NULL;
}

static bool privileged_file(const char *p, const struct stat *st)
{
	return (st->st_mode & (S_ISUID | S_ISGID)) ||
	       getxattr(p, "security.capability", NULL, 0) > 0;
}

/* a set-id binary or one with file capabilities: what NoNewPrivileges= voids. A process that
 * is gone (a short-lived command of a unit): its binary by the kernel's path, read now. */
static bool exe_privileged(struct denial *d)
{
	char p[64];
	struct stat st;

	snprintf(p, sizeof(p), "/proc/%u/exe", d->ev.pid);
	if (!stat(p, &st))
		return privileged_file(p, &st);
	if (d->proc.exe[0] != '/' || stat(d->proc.exe, &st) || !privileged_file(d->proc.exe, &st))
		return false;
	d->unit.exe_later = true; /* unitmap.c says so in the evidence */
	return true;
}

/* The process is gone (a short-lived command of a unit): its cgroup from the kernel's
 * cgroup id, the inode of its directory in cgroupfs; units live in slices one or two
 * levels down (system.slice/x.service, system.slice/x.service/sub). */
static bool unit_from_cgroup_id(const char *root, uint64_t id, char *unit, size_t n)
{
	static const char *const slices[] = {"system.slice", "user.slice"};
	bool found = false;

	for (size_t i = 0; !found && id && i < sizeof(slices) / sizeof(slices[0]); i++) {
		char sp[256];
		DIR *dir;

		snprintf(sp, sizeof(sp), "%s/%s", root, slices[i]);
		dir = opendir(sp);
		struct dirent *e;

		while (dir && !found && (e = readdir(dir))) {
			char p[512];
			struct stat st;

			if (e->d_type != DT_DIR || e->d_name[0] == '.')
				continue;
			snprintf(p, sizeof(p), "%s/%s", sp, e->d_name);
			if (!stat(p, &st) && (uint64_t)st.st_ino == id && unit_iface(e->d_name)) {
				snprintf(unit, n, "%.*s", (int)n - 1, e->d_name);
				found = true;
			}
		}
		if (dir)
			closedir(dir);
	}
	return found;
}

static bool unit_of_cgroup(struct unitprops *up, uint64_t id, char *unit, size_t n)
{
	unsigned i;

	if (!id)
		return false;
	for (i = 0; i < UP_MAX; i++)
		if (up->cg[i].id == id) {
			snprintf(unit, n, "%s", up->cg[i].unit);
			return unit[0] != '\0';
		}
	i = up->cg_next;
	up->cg_next = (up->cg_next + 1) % UP_MAX;
	up->cg[i].id = id;
	up->cg[i].unit[0] = '\0';
	if (!unit_from_cgroup_id(up->cgroot, id, up->cg[i].unit, sizeof(up->cg[i].unit)))
		return false;
	snprintf(unit, n, "%s", up->cg[i].unit);
	return true;
}

void unitprops_fill(struct unitprops *up, struct denial *d)
{
	uint64_t now = clock_ns(CLOCK_MONOTONIC);
	struct up_entry *e;
	char *path = NULL;
	int r;

	if (!up)
		return;
	if (!d->proc.unit[0] && !d->proc.container[0] && !d->proc.cgroup[0] &&
	    unit_of_cgroup(up, d->ev.cgroup_id, d->proc.unit, sizeof(d->proc.unit)))
		denial_add_evidence(d, "unit %s from the kernel's cgroup id (the process is gone)",
				    d->proc.unit);
	if (!d->proc.unit[0] || !unit_iface(d->proc.unit))
		return;
	r = connect_bus(up);
	if (r < 0) {
		d->unit.err = r; /* the evidence comes with the verdict (unitmap.c) */
		return;
	}
	unitprops_tick(up); /* apply pending invalidations first */
	if (sd_bus_path_encode(SD_UNIT_PATH, d->proc.unit, &path) < 0 ||
	    strlen(path) >= sizeof(up->e[0].path))
		goto out;
	e = lookup(up, path, now);
	if (e) {
		up->hits++;
		d->unit = e->u;
		goto out;
	}
	up->asked++;
	e = &up->e[up->next];
	r = ask(up, d->proc.unit, path, &e->u);
	/* a manager busy starting many units at once answers late: once more (seen at boot
	 * under load, and in the systemd VM with 27 units started together) */
	if (r == -ETIMEDOUT)
		r = ask(up, d->proc.unit, path, &e->u);
	if (r < 0) {
		up->failed++;
		e->used = false;
		d->unit.err = r;
		goto out;
	}
	snprintf(e->path, sizeof(e->path), "%s", path);
	e->at_ns = now;
	e->used = true;
	up->next = (up->next + 1) % UP_MAX;
	d->unit = e->u;
out:
	if (d->unit.valid)
		d->unit.exe_privileged = exe_privileged(d);
	free(path);
}

void unitprops_stats(const struct unitprops *up, unsigned long *hits, unsigned long *asked,
		     unsigned long *failed)
{
	*hits = up ? up->hits : 0;
	*asked = up ? up->asked : 0;
	*failed = up ? up->failed : 0;
}
