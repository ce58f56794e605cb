/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Which directive of a systemd unit's sandbox denied a call (pure; tables in unitmap.c).
 * Runs after the cause is decided, on d->unit (filled by unitprops.c in the enrich stage):
 * the seccomp-based directives by the syscall and its arguments, as systemd builds their
 * filters (SystemCallFilter= with the @group or entry that matched, RestrictNamespaces=,
 * MemoryDenyWriteExecute=, RestrictSUIDSGID=, ProtectClock=, ProtectHostname=,
 * ProtectKernelModules=, ProtectKernelLogs=, RestrictRealtime=, LockPersonality=,
 * PrivateDevices=), the capability ones (CapabilityBoundingSet= and the Protect*= settings
 * that shrink it, User=/DynamicUser= without AmbientCapabilities=, NoNewPrivileges= for a
 * set-id or file-capability binary), the cgroup ones (DevicePolicy=, IPAddressDeny=,
 * SocketBindDeny=) and the mount-namespace ones (InaccessiblePaths=, ProtectHome=; for
 * EROFS records ReadOnlyPaths=, ProtectHome=read-only, ProtectControlGroups=,
 * ProtectKernelTunables=, ProtectSystem=).
 */
#ifndef EPERMD_UNITMAP_H
#define EPERMD_UNITMAP_H

#include <stdbool.h>

#include "denial.h"

/* Sets d->unit_directive, unit_directive_value and unit_dropin (all empty when no directive
 * of d->unit explains the denial), keeps every directive that does in d->unit_match[] (the
 * deciding one first) and adds an evidence line for each. May turn an unknown cause into
 * cgroup (IPAddressDeny=/SocketBindDeny= are cgroup BPF programs). Idempotent. The words are
 * explain's (unit_fix.c). */
void unitmap_attribute(struct denial *d);

/* EROFS whose drop-in is the read-only mount's own `ReadWritePaths=DIR`: the EROFS words
 * (explain/rofs_fix.c) give the drop-in, and fix_unit_note() adds the directive behind the
 * read-only view. */
bool unitmap_rofs_words(const struct denial *d);

/* For tests: does systemd's group (e.g. "@mount", "@system-service") contain the syscall? */
bool unitmap_group_has(const char *group, const char *syscall);

#endif
