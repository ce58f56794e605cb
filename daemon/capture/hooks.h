/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Evidence hooks beyond the tracepoint layer (fexit / BPF-LSM): probe, switch off what is
 * missing before load, attach what loaded. A missing hook degrades attribution, never the start. */
#ifndef EPERMD_HOOKS_H
#define EPERMD_HOOKS_H

#include <stdbool.h>

#include "kfeatures.h" /* not "features.h": glibc has one */

struct btf;
struct epermd_bpf;

/* After epermd_bpf__open(), before __load(): probe each fexit/LSM hook (BTF function present,
 * program type loadable) and set autoload accordingly; record each in f->hooks and bits in
 * f->hooks_active. tracepoint_only switches all of them off; so does btf (vmlinux BTF, the
 * tracer's) NULL. */
int hooks_prepare(struct epermd_bpf *skel, bool tracepoint_only, const struct btf *btf,
		  struct tracer_features *f);
/* Before hooks_prepare(): keep program @prog (NULL: every fexit/LSM program) off with @why,
 * e.g. because the object failed to load with it. False if @prog is not an evidence program. */
bool hooks_refuse(const char *prog, const char *why);
void hooks_refuse_reset(void);
/* After load: attach the programs that loaded; a failed attach switches that hook off. */
int hooks_attach(struct epermd_bpf *skel, struct tracer_features *f);

#endif
