/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Internal to explain/ (diagnose.c, fixes.c, rofs_fix.c, unit_fix.c): the per-cause words
 * (diagnosis, fix, validation). */
#ifndef EPERMD_FIXES_H
#define EPERMD_FIXES_H

#include <stdbool.h>
#include <stddef.h>

#include "dac.h"
#include "denial.h"
#include "sysclass.h"

struct dx {
	struct denial *d;
	struct sc_info si;   /* denial_sc(): the verdict's */
	int err;	     /* EP_EPERM / EP_EACCES */
	const char *errname; /* "EPERM" / "EACCES" */
	char comm[EP_COMM_LEN + 1];
	char who[DN_STR + 64];	      /* "nginx (pid 812, uid 33)" */
	const char *obj;	      /* path or target, "" */
	const char *target;	      /* target, else obj */
	char qobj[2 * EP_PATH_LEN];   /* obj single-quoted for the shell */
	char what[EP_PATH_LEN + 128]; /* "bind 127.0.0.1:80" */
	char cap[32], cap_short[32], cap_lower[32];
};

void dx_put(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#define DIAG(x, ...) dx_put((x)->d->diagnosis, sizeof((x)->d->diagnosis), __VA_ARGS__)
#define FIX(x, ...)  dx_put((x)->d->fix, sizeof((x)->d->fix), __VA_ARGS__)
#define VAL(x, ...)  dx_put((x)->d->validate, sizeof((x)->d->validate), __VA_ARGS__)
/* d->fix_command, whole or not at all: a truncated command would be a wrong one */
void dx_cmd(struct dx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define CMD(x, ...) dx_cmd((x), __VA_ARGS__)

/* s in single quotes, embedded ' as '\'' (truncated to fit n). Returns dst. */
const char *sh_quote(const char *s, char *dst, size_t n);

/* x->cap "CAP_X", cap_short "X", cap_lower "cap_x" */
void dx_fill_cap(struct dx *x, int cap);
const char *fix_cap_reason(int cap);
void fix_grant_cap(struct dx *x);	/* FIX + VAL: grant x->cap the way the process runs */
void fix_cap_alternative(struct dx *x); /* FIX: a way around needing the cap at all */
void fix_dac(struct dx *x, const struct dac_result *r);
void fix_immutable(struct dx *x);
void fix_mount(struct dx *x);
void fix_seccomp(struct dx *x);
void fix_lsm(struct dx *x);
void fix_fanotify(struct dx *x);
void fix_sysctl(struct dx *x);
void fix_cgroup(struct dx *x);
void fix_mdwe(struct dx *x);
/* DIAG + FIX + VAL of an EROFS denial decided as mount (rofs_fix.c) */
void fix_rofs(struct dx *x);
/* DIAG + FIX + VAL of a denial with a unit directive (unit_fix.c) */
void fix_unit(struct dx *x);
/* DIAG + VAL: the unit directive behind an EROFS read-only view fix_rofs() worded */
void fix_unit_note(struct dx *x);

#endif
