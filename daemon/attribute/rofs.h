/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * EROFS ("Read-only file system") as a denial: which flag made the mount read-only (the mount's
 * own MNT_READONLY, a read-only bind mount, vs the superblock's SB_RDONLY), from the kernel's
 * facts at the denial (ep_event.mnt), and the words for it.
 */
#ifndef EPERMD_ROFS_H
#define EPERMD_ROFS_H

#include "denial.h"
#include "fixes.h"

/* Pure: the cause of an EROFS denial (d->ev.ret == -EROFS): mount with mount_option "ro" and
 * d->rofs filled, or unknown with the evidence of what the mount said. */
void rofs_decide(struct denial *d);

/* "mount" / "filesystem" for d->rofs.kind, NULL when none */
const char *rofs_kind_name(int kind);

/* DIAG + FIX + VAL of an EROFS denial decided as mount (diagnose.c). */
void fix_rofs(struct dx *x);

/*
 * FIX + VAL for a read-only bind mount in a systemd unit's mount namespace: a drop-in that makes
 * just d->rofs.dir writable. The one place that names the unit's directive (to be extended
 * with the unit's real settings: ProtectSystem=, ReadOnlyPaths=, ProtectKernelTunables= ...).
 */
void rofs_unit_fix(struct dx *x, const char *qdir);

#endif
