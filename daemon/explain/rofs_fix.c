// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The words of an EROFS denial decided as a read-only mount (attribute/rofs.c decided which
 * flag made it read-only, d->rofs): the diagnosis, the narrowest fix for who made the view
 * read-only (a systemd unit, a container, a sandbox, the host's fstab) and how to check it.
 */
#include <stdio.h>
#include <string.h>

#include "fixes.h"

/*
 * FIX + VAL for a read-only bind mount in a systemd unit's mount namespace: a drop-in that makes
 * just d->rofs.dir writable. The one place that names the unit's directive (to be extended
 * with the unit's real settings: ProtectSystem=, ReadOnlyPaths=, ProtectKernelTunables= ...).
 */
static void unit_dropin_fix(struct dx *x, const char *qdir)
{
	const struct denial *d = x->d;
	char qu[2 * sizeof(d->proc.unit)];

	sh_quote(d->proc.unit, qu, sizeof(qu));
	FIX(x,
	    "Make just %s writable for the unit with a drop-in: `systemctl edit %s`, add "
	    "`[Service]` and `ReadWritePaths=%s`, then `systemctl restart %s`. Keep "
	    "ProtectSystem=/ReadOnlyPaths= as they are: the drop-in opens only this path%s.",
	    qdir, qu, d->rofs.dir, qu,
	    d->file.valid && !d->file.is_dir
		? " (a program that replaces the file by renaming a new one over it needs its "
		  "directory instead)"
		: "");
	VAL(x,
	    "systemctl show -p ReadWritePaths -p ReadOnlyPaths -p ProtectSystem %s; nsenter -t "
	    "\"$(systemctl show -p MainPID --value %s)\" -m findmnt -no TARGET,OPTIONS -T %s",
	    qu, qu, qdir);
}

static void container_fix(struct dx *x, const char *qdir)
{
	const struct dn_rofs *r = &x->d->rofs;

	if (!strcmp(r->mount_point, "/"))
		FIX(x,
		    "The container's root filesystem is read-only (--read-only, "
		    "readOnlyRootFilesystem: true): give %s a writable volume of its own "
		    "(`--tmpfs %s`, or an emptyDir volume mounted there) rather than making the "
		    "whole root writable.",
		    qdir, qdir);
	else
		FIX(x,
		    "The container's volume at %s is mounted read-only (`-v SRC:%s:ro`, "
		    "readOnly: true): if the container is meant to write there, mount it "
		    "read-write (drop `:ro`, readOnly: false), or mount just %s as a writable "
		    "volume of its own.",
		    r->mount_point, r->mount_point, qdir);
	VAL(x, "nsenter -t %u -m findmnt -no TARGET,OPTIONS -T %s", x->d->ev.pid, qdir);
}

static void bind_fix(struct dx *x, const char *qdir, const char *qmp)
{
	const struct denial *d = x->d;

	if (d->proc.unit[0] && !d->proc.container[0] && d->rofs.private_ns) {
		unit_dropin_fix(x, qdir);
		return;
	}
	if (d->proc.container[0]) {
		container_fix(x, qdir);
		return;
	}
	if (d->rofs.private_ns) {
		FIX(x,
		    "Have whoever creates that namespace bind %s read-write (bwrap --bind instead "
		    "of --ro-bind, firejail --read-write=, or the launcher's own mount list), or "
		    "write under a directory that is writable there; do not make the whole view "
		    "writable.",
		    qdir);
		VAL(x, "nsenter -t %u -m findmnt -no TARGET,OPTIONS -T %s", d->ev.pid, qdir);
		return;
	}
	FIX(x,
	    "Write somewhere writable instead. If %s is meant to be writable, change its fstab "
	    "entry or mount unit; `mount -o remount,bind,rw %s` lifts the protection for "
	    "everything under it: a decision for the administrator, not the default fix.",
	    qmp, qmp);
	VAL(x, "findmnt -no TARGET,OPTIONS -T %s", qdir);
}

static void fs_fix(struct dx *x, const char *qdir, const char *qmp)
{
	const char *fs = x->d->rofs.ro_only;

	if (fs[0]) {
		DIAG(x, " It is a %s filesystem, which cannot be written at all.", fs);
		FIX(x,
		    "Keep writable data on another filesystem: mount a writable volume or tmpfs "
		    "on %s (for a unit: StateDirectory= or TemporaryFileSystem=) instead.",
		    qdir);
		VAL(x, "findmnt -no TARGET,FSTYPE,OPTIONS -T %s", qdir);
		return;
	}
	FIX(x,
	    "Find out why it is read-only before writing: a filesystem remounts itself read-only "
	    "after errors (`dmesg | grep -i 'read-only'`: repair it with fsck first), or it is "
	    "mounted ro on purpose (fstab, a mount unit). Only when it is neither: `mount -o "
	    "remount,rw %s` on the host.",
	    qmp);
	VAL(x, "findmnt -no TARGET,SOURCE,OPTIONS -T %s", qdir);
}

void fix_rofs(struct dx *x)
{
	const struct denial *d = x->d;
	const struct dn_rofs *r = &d->rofs;
	const char *mp = r->mount_point[0] ? r->mount_point : "its mount";
	char qdir[2 * sizeof(r->dir)], qmp[2 * sizeof(r->mount_point)], id[32] = "";

	sh_quote(r->dir[0] ? r->dir : mp, qdir, sizeof(qdir));
	sh_quote(mp, qmp, sizeof(qmp));
	if (r->mnt_id)
		snprintf(id, sizeof(id), " (mount %u)", r->mnt_id);
	if (r->kind == DN_RO_FILESYSTEM) {
		DIAG(x,
		     "%s could not %s (EROFS): the filesystem at %s%s is read-only itself "
		     "(SB_RDONLY), so every mount of it refuses writes, in every namespace.",
		     x->who, x->what, mp, id);
		fs_fix(x, qdir, qmp);
		return;
	}
	DIAG(x, "%s could not %s (EROFS): %s%s is a read-only mount", x->who, x->what, mp, id);
	if (r->private_ns)
		DIAG(x,
		     " in the process's own mount namespace: a read-only bind mount, the policy of "
		     "whoever set up that namespace (%s), not a read-only disk;",
		     d->proc.container[0] ? d->proc.container
		     : d->proc.unit[0]	  ? "the sandboxing of the systemd unit: ProtectSystem=, "
					    "ReadOnlyPaths=, ProtectKernelTunables= or "
					    "ProtectControlGroups="
					  : "a sandbox or a launcher that ran unshare --mount");
	else
		DIAG(x, " in the host's mount namespace, made read-only on purpose;");
	DIAG(x, " the filesystem itself is writable.");
	if (r->locked)
		DIAG(x, " The read-only flag is locked: it came read-only from a more privileged "
			"namespace and cannot be lifted from inside.");
	bind_fix(x, qdir, qmp);
}
