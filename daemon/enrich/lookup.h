/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The lookups the words read and only a database answers: the process's passwd entry, the
 * object's group name, whether the executable is a general-purpose tool (a name list, or a
 * binary of an essential package by dpkg's file lists). The pipeline asks for them after the
 * last attribute pass, only what the verdict's words read (cause_wants(), DN_WANT_*; the
 * group only for an object under /etc), and enrich_wanted() puts the answers in d->lookup;
 * explain reads them and looks nothing up. Worker thread only.
 */
#ifndef EPERMD_LOOKUP_H
#define EPERMD_LOOKUP_H

#include <stdbool.h>

#include "denial.h"

/* dpkg's answer per executable: the package lists are read once per executable (a storm of
 * capability denials comes from few binaries). Owned by the enrich cache. */
struct pkgdb;
int pkgdb_new(struct pkgdb **out);
void pkgdb_free(struct pkgdb *db); /* NULL is a no-op */

/* A shell, interpreter or general-purpose tool (a name list, or a binary of an essential
 * package): never the holder of a file capability. db may be NULL (nothing cached). */
bool exe_general_tool(struct pkgdb *db, const char *exe);

/* Fill d->lookup with the DN_WANT_* lookups in want (db may be NULL). Never fails: a name
 * that cannot be found is left out, and the words say the number instead. */
void lookup_wanted(struct pkgdb *db, struct denial *d, unsigned want);

#endif
