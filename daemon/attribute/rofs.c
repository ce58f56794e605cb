// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * EROFS ("Read-only file system") as a denial. The kernel refuses a write on a read-only mount
 * in mnt_want_write(): __mnt_is_readonly() is true when the mount itself carries MNT_READONLY
 * (a read-only bind mount: what systemd's ProtectSystem=, ReadOnlyPaths=,
 * ProtectKernelTunables= and ProtectControlGroups= and container runtimes make in the
 * process's own mount namespace) or when the superblock is SB_RDONLY (the filesystem: every
 * mount of it, in every namespace). The BPF side captured both flags, the mount id and the
 * mount point at the denial (ep_event.mnt, EP_FACT_MNT), so the answer holds even when the
 * mount or the namespace is gone a moment later.
 *
 * Only private mount namespaces are captured by default (config key erofs): there a read-only
 * view is somebody's policy; in the host's namespace EROFS mostly means a read-only disk,
 * which is not a permission question.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "rofs.h"
#include "sysclass.h"

/* Filesystems that cannot be written at all (their superblock is always SB_RDONLY). */
static const char *ro_only_fs(unsigned long long magic)
{
	switch (magic) {
	case 0x73717368:
		return "squashfs";
	case 0xe0f5e1e2:
		return "erofs";
	case 0x9660:
		return "iso9660";
	case 0x28cd3d45:
		return "cramfs";
	case 0x7275:
		return "romfs";
	default:
		return NULL;
	}
}

static unsigned long long obj_magic(const struct denial *d)
{
	if (d->ev.facts & (EP_FACT_FD | EP_FACT_OBJ))
		return d->ev.obj.fs_magic;
	if (d->ev.facts & EP_FACT_PARENT)
		return d->ev.base.fs_magic;
	return 0;
}

const char *rofs_kind_name(int kind)
{
	return kind == DN_RO_MOUNT ? "mount" : kind == DN_RO_FILESYSTEM ? "filesystem" : NULL;
}

/* The narrowest path a fix opens: an existing object the call changes in place (a write,
 * chmod), else the directory that holds it (creat, mkdir, unlink, rename). */
static void pick_dir(struct denial *d)
{
	struct dn_rofs *r = &d->rofs;
	struct sc_info si;
	char buf[40], *slash;

	sc_lookup(d, &si, buf, sizeof(buf));
	if (d->path[0] != '/' || strstr(d->path, "...")) {
		snprintf(r->dir, sizeof(r->dir), "%s", r->mount_point);
		return;
	}
	snprintf(r->dir, sizeof(r->dir), "%s", d->path);
	if (d->file.valid && !sc_modifies_dir(&si))
		return;
	slash = strrchr(r->dir, '/');
	if (slash && slash != r->dir)
		*slash = '\0';
	else if (slash)
		slash[1] = '\0';
}

/* The kernel's mount facts at the denial; false when the record has none. */
static bool from_kernel(struct denial *d)
{
	const struct ep_mount_facts *m = &d->ev.mnt;
	struct dn_rofs *r = &d->rofs;

	if (!(d->ev.facts & EP_FACT_MNT))
		return false;
	r->from_kernel = true;
	r->mnt_id = m->mnt_id;
	r->locked = m->mnt_flags & EP_MNT_LOCK_READONLY;
	snprintf(r->mount_point, sizeof(r->mount_point), "%s", m->path);
	if (m->sb_flags & EP_SB_RDONLY)
		r->kind = DN_RO_FILESYSTEM;
	else if (m->mnt_flags & EP_MNT_RDONLY)
		r->kind = DN_RO_MOUNT;
	/* the verdict rests on the kernel's flags, not on mountinfo read later */
	d->facts_at_denial |= DN_FACT_MOUNT;
	d->facts_later &= ~DN_FACT_MOUNT;
	denial_add_evidence(d, "mount %u at %s: %s, superblock %s%s", m->mnt_id,
			    m->path[0] ? m->path : "(not reachable from the process's root)",
			    (m->mnt_flags & EP_MNT_RDONLY) ? "MNT_READONLY" : "mount writable",
			    (m->sb_flags & EP_SB_RDONLY) ? "SB_RDONLY" : "writable",
			    r->locked ? ", read-only flag locked" : "");
	return true;
}

void rofs_decide(struct denial *d)
{
	struct dn_rofs *r = &d->rofs;

	memset(r, 0, sizeof(*r));
	d->cause = EP_CAUSE_UNKNOWN;
	r->private_ns = d->ev.mntns_ino && d->host_mntns && d->ev.mntns_ino != d->host_mntns;
	if (!from_kernel(d) && d->file.mount_point[0] && d->file.mnt_ro) {
		/* mountinfo's per-mount options, read later: the mount's own flag */
		r->kind = DN_RO_MOUNT;
		snprintf(r->mount_point, sizeof(r->mount_point), "%s", d->file.mount_point);
		denial_add_evidence(d, "mountinfo: %s mounted ro", d->file.mount_point);
		if (d->facts_later & DN_FACT_MOUNT)
			denial_add_evidence(d, "observed later: the mount's current options");
	}
	if (d->ev.mntns_ino)
		denial_add_evidence(d, "mount namespace %u: %s (host %u)", d->ev.mntns_ino,
				    r->private_ns ? "the process's own" : "the host's",
				    d->host_mntns);
	if (r->kind == DN_RO_NONE) {
		denial_add_evidence(
		    d, r->from_kernel ? "the mount is writable: the filesystem itself refused"
				      : "the mount was not captured (a path the dcache did not "
					"hold) and could not be read later");
		return;
	}
	pick_dir(d);
	snprintf(d->mount_option, sizeof(d->mount_option), "ro");
	d->cause = EP_CAUSE_MOUNT;
}

/* ---- the words ------------------------------------------------------------------------------ */

void rofs_unit_fix(struct dx *x, const char *qdir)
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
		rofs_unit_fix(x, qdir);
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
	const char *fs = ro_only_fs(obj_magic(x->d));

	if (fs) {
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
