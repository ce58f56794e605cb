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
	const char *fs;

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
	fs = r->kind == DN_RO_FILESYSTEM ? ro_only_fs(obj_magic(d)) : NULL;
	if (fs) /* it cannot be written at all: no remount makes it writable */
		snprintf(r->ro_only, sizeof(r->ro_only), "%s", fs);
	pick_dir(d);
	snprintf(d->mount_option, sizeof(d->mount_option), "ro");
	d->cause = EP_CAUSE_MOUNT;
}
