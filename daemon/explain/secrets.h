/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Files that hold secrets (password hashes, private keys). For these, "grant the user read
 * access to the file" is the wrong fix: it hands the secret to that user. secret_advice()
 * names what the file holds and the mechanism designed to reach it instead (a helper, or the
 * group the distribution made for that access). Pure: the group's name comes from enrich
 * (d->lookup.group).
 */
#ifndef EPERMD_SECRETS_H
#define EPERMD_SECRETS_H

#include <stdbool.h>
#include <stddef.h>

struct secret_advice {
	char what[64];	 /* "password hashes" */
	char fix[512];	 /* the mechanism to use instead */
	char check[256]; /* a command that shows the mechanism works */
};

/* Is path (a regular file of that mode and owner) a secret? Fills a and returns true if so.
 * group is gid's name, NULL when not known (the advice then names the number). */
bool secret_advice(const char *path, unsigned mode, unsigned uid, unsigned gid, const char *group,
		   struct secret_advice *a);

#endif
