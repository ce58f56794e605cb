/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Evidence hooks beyond the tracepoint layer (fexit / BPF-LSM): probe, switch off what is
 * missing before load, attach what loaded. A missing hook degrades attribution, never the start. */
#ifndef EPERMD_HOOKS_H
#define EPERMD_HOOKS_H

#include <stdbool.h>

#include "kfeatures.h" /* not "features.h": glibc has one */

struct btf;
struct epermd_bpf;

#define HOOKS_WHY_LEN	  256
#define HOOKS_MAX_DEFS	  80 /* at least the rows of hooks.c's hook_defs (asserted there) */
#define HOOKS_MAX_REFUSED 8

/* The hooks' state for one tracer (it owns it, zeroed): f->hooks[].why points into it. */
struct hooks {
	/* per definition: the f->hooks index it reports into (-1 none) and its reason's text */
	int def_slot[HOOKS_MAX_DEFS];
	char def_why[HOOKS_MAX_DEFS][HOOKS_WHY_LEN];
	char fexit_refused[HOOKS_WHY_LEN];
	char tp_refused[HOOKS_WHY_LEN];
	/* programs hooks_refuse() switched off for the next hooks_prepare() */
	struct {
		const char *prog;
		char why[HOOKS_WHY_LEN];
	} refused[HOOKS_MAX_REFUSED];
	int n_refused;
	bool refuse_all; /* hooks_refuse(NULL): every fexit/LSM program */
	char refuse_all_why[HOOKS_WHY_LEN];
};

/* After epermd_bpf__open(), before __load(): probe each fexit/LSM hook (BTF function present,
 * program type loadable) and set autoload accordingly; record each in f->hooks and bits in
 * f->hooks_active. tracepoint_only switches all of them off; so does btf (vmlinux BTF, the
 * tracer's) NULL. */
int hooks_prepare(struct hooks *hs, struct epermd_bpf *skel, bool tracepoint_only,
		  const struct btf *btf, struct tracer_features *f);
/* Before hooks_prepare(): keep program @prog (NULL: every fexit/LSM program) off with @why,
 * e.g. because the object failed to load with it. False if @prog is not an evidence program. */
bool hooks_refuse(struct hooks *hs, const char *prog, const char *why);
void hooks_refuse_reset(struct hooks *hs);
/* After load: attach the programs that loaded; a failed attach switches that hook off. */
int hooks_attach(struct hooks *hs, struct epermd_bpf *skel, struct tracer_features *f);

#endif
