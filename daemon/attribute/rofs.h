/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * EROFS ("Read-only file system") as a denial: which flag made the mount read-only (the mount's
 * own MNT_READONLY, a read-only bind mount, vs the superblock's SB_RDONLY), from the kernel's
 * facts at the denial (ep_event.mnt). The words are explain's (rofs_fix.c).
 */
#ifndef EPERMD_ROFS_H
#define EPERMD_ROFS_H

#include "denial.h"

/* Pure: the cause of an EROFS denial (d->ev.ret == -EROFS): mount with mount_option "ro" and
 * d->rofs filled, or unknown with the evidence of what the mount said. */
void rofs_decide(struct denial *d);

/* "mount" / "filesystem" for d->rofs.kind, NULL when none */
const char *rofs_kind_name(int kind);

#endif
