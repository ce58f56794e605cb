/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Name tables: syscalls (generated from the UAPI headers), errno, capabilities, LSMs, hooks. */
#ifndef EPERMD_NAMES_H
#define EPERMD_NAMES_H

const char *syscall_name(int nr);    /* NULL when unknown */
int syscall_nr(const char *name);    /* -1 when unknown */
const char *errno_name(int err);     /* "EPERM"; NULL when unknown */
const char *cap_name(int cap);	     /* "CAP_CHOWN"; NULL when out of range */
int cap_from_name(const char *name); /* accepts "CAP_CHOWN" or "chown"; -1 */
int cap_last(void);		     /* highest capability number known */
const char *lsm_name(int lsm);	     /* enum ep_lsm -> "selinux" ... */
const char *hook_name(int hook);     /* enum ep_hook -> "cap_capable" ... */
const char *ev_kind_name(int kind);  /* enum ep_ev_kind -> "cap" ... */

#endif
