/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * btf__find_by_name_kind() with an index: libbpf searches linearly (126k types in 6.18's
 * vmlinux BTF, about a millisecond a lookup) and the start looks up some eighty names (every
 * fexit target, tracepoint typedefs, feature probes). The index is built at the first lookup in
 * one pass and kept for that BTF until btfidx_reset().
 */
#ifndef EPERMD_BTFIDX_H
#define EPERMD_BTFIDX_H

#include <linux/types.h>

struct btf;

/* The id of the type @name of @kind (BTF_KIND_*), or -ENOENT, as btf__find_by_name_kind(). */
int btfidx_find(const struct btf *btf, const char *name, __u32 kind);
/* Forget the index: call before the BTF it was built for is freed. */
void btfidx_reset(void);

#endif
