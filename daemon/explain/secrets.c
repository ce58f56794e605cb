// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "secrets.h"

struct secret_row {
	const char *path; /* exact path, or a prefix ending in '/' or '_' */
	const char *what;
	const char *fix;
	const char *check;
};

/* Debian's own mechanisms for each kind of secret. */
static const struct secret_row rows[] = {
    {"/etc/shadow", "password hashes",
     "To check a user's password, use PAM (pam_unix runs the set-gid `unix_chkpwd` helper, "
     "which only verifies the calling user's own password); to read password ageing use "
     "`chage -l USER` or `passwd -S USER` as root; tools that must read the file belong to the "
     "`shadow` group through their packaging, never an ordinary user",
     "ls -l /sbin/unix_chkpwd; getent group shadow"},
    {"/etc/gshadow", "group password hashes",
     "Use `gpasswd`/`newgrp` (set-uid helpers) for group passwords; the file is for the "
     "`shadow` group's tools only",
     "getent group shadow"},
    {"/etc/ssl/private/", "TLS private keys",
     "Give the service (not a person) access through Debian's `ssl-cert` group: "
     "`usermod -aG ssl-cert SERVICE_USER` (or SupplementaryGroups=ssl-cert in its unit), or "
     "install a key of its own with `install -m 0640 -o root -g SERVICE_GROUP`",
     "getent group ssl-cert"},
    {"/etc/ssh/ssh_host_", "SSH host private keys",
     "Only sshd and the set-uid `ssh-keysign` helper (host-based authentication) need them; "
     "configure `EnableSSHKeysign yes` in ssh_config instead of reading the key",
     "ls -l /usr/lib/openssh/ssh-keysign"},
};

static bool row_match(const struct secret_row *r, const char *path)
{
	size_t n = strlen(r->path);
	char last = r->path[n - 1];

	if (last == '/' || last == '_')
		return !strncmp(path, r->path, n) && path[n] &&
		       (last == '/' || !strstr(path + n, ".pub"));
	return !strcmp(path, r->path);
}

/* A private file under /etc owned by root, readable at most by a system group. */
static bool etc_private(const char *path, unsigned mode, unsigned uid, unsigned gid)
{
	if (strncmp(path, "/etc/", 5) || !S_ISREG(mode) || uid != 0)
		return false;
	if (mode & 0007)
		return false;
	if ((mode & 0777) == 0600)
		return true;
	return (mode & 0777) == 0640 && gid != 0 && gid < 1000;
}

bool secret_advice(const char *path, unsigned mode, unsigned uid, unsigned gid, const char *group,
		   struct secret_advice *a)
{
	char name[64];

	if (!path || path[0] != '/')
		return false;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		if (!row_match(&rows[i], path))
			continue;
		snprintf(a->what, sizeof(a->what), "%s", rows[i].what);
		snprintf(a->fix, sizeof(a->fix), "%s", rows[i].fix);
		snprintf(a->check, sizeof(a->check), "%s", rows[i].check);
		return true;
	}
	if (!etc_private(path, mode, uid, gid))
		return false;
	snprintf(a->what, sizeof(a->what), "a private configuration file (mode %04o)",
		 mode & 07777);
	if ((mode & 0777) == 0600) {
		snprintf(a->fix, sizeof(a->fix),
			 "Only root is meant to read it: run the step that needs it as root (a "
			 "narrow sudo rule for that one command, or the service's own privileged "
			 "helper)");
		snprintf(a->check, sizeof(a->check), "sudo -l");
		return true;
	}
	if (group)
		snprintf(name, sizeof(name), "%s", group);
	else
		snprintf(name, sizeof(name), "%u", gid);
	snprintf(
	    a->fix, sizeof(a->fix),
	    "Its group `%s` is the access path the package designed: add the service account "
	    "that needs it (not a login user) to that group (`usermod -aG %s SERVICE_USER`, or "
	    "SupplementaryGroups=%s in its unit)",
	    name, name, name);
	snprintf(a->check, sizeof(a->check), "getent group %s", name);
	return true;
}
