// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* An open-addressing index of a BTF's named types by (name, kind); see btfidx.h. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "btfidx.h"

static struct {
	const struct btf *btf; /* the BTF indexed, NULL = none */
	__u32 *slot;	       /* type ids, 0 = empty */
	__u32 mask;
} ix;

static __u32 name_hash(const char *s, __u32 kind)
{
	__u32 h = 2166136261u ^ kind;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

static int build(const struct btf *btf)
{
	__u32 n = btf__type_cnt(btf), size = 1024;

	while (size < 2 * n)
		size <<= 1;
	ix.slot = calloc(size, sizeof(*ix.slot));
	if (!ix.slot)
		return -ENOMEM;
	ix.mask = size - 1;
	for (__u32 id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const char *name = t ? btf__name_by_offset(btf, t->name_off) : NULL;
		__u32 i;

		if (!name || !*name)
			continue;
		i = name_hash(name, btf_kind(t)) & ix.mask;
		while (ix.slot[i])
			i = (i + 1) & ix.mask;
		ix.slot[i] = id;
	}
	ix.btf = btf;
	return 0;
}

int btfidx_find(const struct btf *btf, const char *name, __u32 kind)
{
	__u32 i;

	if (!btf || !name)
		return -EINVAL;
	if (ix.btf != btf) {
		btfidx_reset();
		if (build(btf)) /* without memory, the linear search */
			return btf__find_by_name_kind(btf, name, kind);
	}
	/* ids are in insertion order along each probe sequence: the first match is the lowest
	 * id, as libbpf's search returns */
	for (i = name_hash(name, kind) & ix.mask; ix.slot[i]; i = (i + 1) & ix.mask) {
		const struct btf_type *t = btf__type_by_id(btf, ix.slot[i]);

		if (btf_kind(t) == kind && !strcmp(btf__name_by_offset(btf, t->name_off), name))
			return (int)ix.slot[i];
	}
	return -ENOENT;
}

void btfidx_reset(void)
{
	free(ix.slot);
	ix.slot = NULL;
	ix.btf = NULL;
	ix.mask = 0;
}
