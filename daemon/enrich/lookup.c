// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The user and group databases and dpkg's file lists, for the words (lookup.h). */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dac.h"
#include "lookup.h"

/* Shells and script interpreters: a file capability there reaches every script. */
static bool is_interpreter(const char *exe)
{
	static const char *const names[] = {"sh",   "dash", "bash", "zsh",     "ksh",	"mksh",
					    "fish", "csh",  "tcsh", "busybox", "perl",	"python",
					    "ruby", "node", "php",  "lua",     "tclsh", "java",
					    "env",  "awk",  "gawk", "mawk",    "bun",	"deno"};
	const char *b = strrchr(exe, '/');

	b = b ? b + 1 : exe;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		size_t l = strlen(names[i]);

		/* python3, python3.11, perl5.36, php8.2, lua5.4 ... */
		if (!strncmp(b, names[i], l) &&
		    (b[l] == '\0' || (b[l] >= '0' && b[l] <= '9') || b[l] == '.'))
			return true;
	}
	return false;
}

/* General-purpose tools every user runs: a file capability on one gives it to everybody for
 * every purpose (kill with CAP_KILL signals any process). */
static const char *const general_tools[] = {
    "kill",	"pkill",   "killall", "cat",	 "cp",	      "mv",	 "rm",	   "ln",
    "ls",	"dd",	   "tee",     "install", "chown",     "chgrp",	 "chmod",  "touch",
    "mkdir",	"mknod",   "date",    "nice",	 "renice",    "timeout", "nohup",  "chroot",
    "stdbuf",	"find",	   "xargs",   "tar",	 "cpio",      "rsync",	 "sudo",   "doas",
    "pkexec",	"su",	   "runuser", "setpriv", "nsenter",   "unshare", "mount",  "umount",
    "hostname", "prlimit", "taskset", "chrt",	 "ionice",    "sed",	 "grep",   "vi",
    "vim",	"nano",	   "less",    "more",	 "ssh",	      "scp",	 "curl",   "wget",
    "nc",	"ncat",	   "socat",   "ip",	 "gdb",	      "strace",	 "toybox", "systemd-run",
    "setsid",	"flock",   "script",  "watch",	 "ssh-agent", "screen",	 "tmux",   "make",
};

/* Packages whose every binary is a general-purpose tool (Debian's essential set and the like). */
static const char *const general_pkgs[] = {
    "coreutils", "util-linux", "procps", "findutils", "tar",	     "bash",	 "dash",
    "busybox",	 "sudo",       "sed",	 "grep",      "diffutils",   "bsdutils", "mount",
    "login",	 "passwd",     "psmisc", "iproute2",  "debianutils", "hostname", "toybox",
};

static bool in_pkg_list(const char *pkg, const char *exe)
{
	char path[128], buf[65536], *hit;
	size_t l = strlen(exe);
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/var/lib/dpkg/info/%s.list", pkg);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	for (hit = strstr(buf, exe); hit; hit = strstr(hit + 1, exe))
		if ((hit == buf || hit[-1] == '\n') && (hit[l] == '\n' || hit[l] == '\0'))
			return true;
	return false;
}

#define PKGDB_SLOTS 16

struct pkgdb {
	struct {
		char exe[128];
		bool hit;
	} ent[PKGDB_SLOTS];
	unsigned next;
};

int pkgdb_new(struct pkgdb **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : -ENOMEM;
}

void pkgdb_free(struct pkgdb *db)
{
	free(db);
}

static bool in_general_pkg(struct pkgdb *db, const char *exe)
{
	bool hit = false;

	for (size_t i = 0; db && i < PKGDB_SLOTS; i++)
		if (db->ent[i].exe[0] && !strcmp(db->ent[i].exe, exe))
			return db->ent[i].hit;
	/* merged /usr: dpkg lists /bin/x for /usr/bin/x and the other way round */
	for (size_t i = 0; !hit && i < sizeof(general_pkgs) / sizeof(general_pkgs[0]); i++)
		hit = in_pkg_list(general_pkgs[i], exe) ||
		      (!strncmp(exe, "/usr/", 5) && in_pkg_list(general_pkgs[i], exe + 4));
	if (db && strlen(exe) < sizeof(db->ent[0].exe)) {
		snprintf(db->ent[db->next].exe, sizeof(db->ent[0].exe), "%s", exe);
		db->ent[db->next].hit = hit;
		db->next = (db->next + 1) % PKGDB_SLOTS;
	}
	return hit;
}

bool exe_general_tool(struct pkgdb *db, const char *exe)
{
	const char *b = strrchr(exe, '/');

	b = b ? b + 1 : exe;
	if (is_interpreter(exe))
		return true;
	for (size_t i = 0; i < sizeof(general_tools) / sizeof(general_tools[0]); i++)
		if (!strcmp(b, general_tools[i]))
			return true;
	return in_general_pkg(db, exe);
}

/* The object's group as the words name it: the file's, else the kernel's DAC evidence's (mode,
 * uid, gid of the inode it checked); false when neither is known. */
static bool object_gid(const struct denial *d, gid_t *gid)
{
	if (d->file.valid) {
		*gid = d->file.gid;
		return true;
	}
	for (int i = 0; i < d->ev.n_ev && i < EP_MAX_EV; i++)
		if (d->ev.ev[i].kind == EP_EV_DAC) {
			*gid = (gid_t)d->ev.ev[i].a[3];
			return true;
		}
	return false;
}

void lookup_wanted(struct pkgdb *db, struct denial *d, unsigned want)
{
	struct dn_lookup *l = &d->lookup;
	/* the sizes the words had when explain looked these up itself: an entry that does not
	 * fit (ERANGE) counts as none, as it did */
	char buf[1024];

	if (want & DN_WANT_USER) {
		struct passwd pw, *res = NULL;

		/* setpriv --init-groups needs a passwd entry */
		l->fsuid_passwd = !getpwuid_r(dac_fsuid(d), &pw, buf, sizeof(buf), &res) && res;
	}
	if ((want & DN_WANT_GROUP) && object_gid(d, &l->gid)) {
		struct group g, *res = NULL;

		if (!getgrgid_r(l->gid, &g, buf, sizeof(buf), &res) && res)
			snprintf(l->group, sizeof(l->group), "%s", g.gr_name);
	}
	if ((want & DN_WANT_EXE) && d->proc.exe[0])
		l->exe_general = exe_general_tool(db, d->proc.exe);
	l->done |= want;
}
