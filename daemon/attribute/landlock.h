/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Landlock evidence (EP_EV_LSM from EP_HK_LANDLOCK, a[2]/a[3] as in include/epermd.h): the access
 * right the domain refused, in Landlock's own names (write_file, make_reg, bind_tcp, scope
 * signal ...), and the object it was refused on (port, target task, abstract socket).
 */
#ifndef EPERMD_LANDLOCK_H
#define EPERMD_LANDLOCK_H

#include <stdbool.h>
#include <stddef.h>

#include "epermd.h"

struct denial;

/* The Landlock evidence that says most about the denial (an exact missing-rights record
 * first), or NULL. */
const struct ep_evidence *landlock_pick(const struct denial *d);

/*
 * "write_file" / "bind_tcp port 8080" / "scope signal" / "scope abstract_unix_socket": the
 * right @e says was refused. @is_open drops the rights an open() asks for only optionally
 * (truncate, ioctl_dev) when others are missing too. Returns false when @e carries no right.
 */
bool landlock_right(const struct ep_evidence *e, bool is_open, char *out, size_t n);

/* The refused rights as the uapi constants a ruleset names ("LANDLOCK_ACCESS_FS_WRITE_FILE",
 * "LANDLOCK_ACCESS_NET_BIND_TCP", "LANDLOCK_SCOPE_SIGNAL"), "|"-joined; false when none. */
bool landlock_constants(const struct ep_evidence *e, bool is_open, char *out, size_t n);

/* The rights are all about entries of a directory (make_*, remove_*, refer): a path-beneath
 * rule for them goes on the directory that holds the object. */
bool landlock_on_parent(const struct ep_evidence *e);

/* The object of a network or scope denial ("port 8080", "@name (pid 12)"), "" for others. */
void landlock_object(const struct ep_evidence *e, char *out, size_t n);

#endif
