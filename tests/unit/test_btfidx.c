// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* btfidx_find(): the same answers as libbpf's linear btf__find_by_name_kind(). */
#include <errno.h>
#include <stdio.h>

#include <bpf/btf.h>

#include "btfidx.h"
#include "unit.h"

TEST(btfidx_matches_linear_search)
{
	static const char *const names[] = {"a", "b", "task_struct", "cap_capable", "x", "none"};
	static const __u32 kinds[] = {BTF_KIND_INT, BTF_KIND_STRUCT, BTF_KIND_TYPEDEF,
				      BTF_KIND_FUNC};
	struct btf *btf = btf__new_empty();
	char name[32];
	int i_int;

	CHECK(btf != NULL);
	if (!btf)
		return;
	i_int = btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
	/* the same name as several kinds, and twice as one kind: the lowest id wins */
	btf__add_struct(btf, "task_struct", 8);
	btf__add_typedef(btf, "task_struct", i_int);
	btf__add_struct(btf, "task_struct", 16);
	btf__add_func_proto(btf, i_int);
	btf__add_func(btf, "cap_capable", BTF_FUNC_GLOBAL, btf__type_cnt(btf) - 1);
	/* enough names to fill probe chains */
	for (int i = 0; i < 3000; i++) {
		snprintf(name, sizeof(name), "t%d", i);
		btf__add_typedef(btf, name, i_int);
	}
	btf__add_typedef(btf, "x", i_int);
	for (size_t n = 0; n < sizeof(names) / sizeof(names[0]); n++)
		for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
			CHECK(btfidx_find(btf, names[n], kinds[k]) ==
			      btf__find_by_name_kind(btf, names[n], kinds[k]));
	for (int i = 0; i < 3000; i += 7) {
		snprintf(name, sizeof(name), "t%d", i);
		CHECK(btfidx_find(btf, name, BTF_KIND_TYPEDEF) ==
		      btf__find_by_name_kind(btf, name, BTF_KIND_TYPEDEF));
	}
	CHECK(btfidx_find(btf, "task_struct", BTF_KIND_STRUCT) == 2);
	CHECK(btfidx_find(btf, "t1", BTF_KIND_STRUCT) == -ENOENT);
	btfidx_reset();
	btf__free(btf);
}

TEST(btfidx_follows_the_btf_it_is_given)
{
	struct btf *a = btf__new_empty(), *b = btf__new_empty();

	CHECK(a && b);
	if (!a || !b)
		goto out;
	btf__add_int(a, "only_in_a", 4, 0);
	btf__add_int(b, "pad", 4, 0);
	btf__add_int(b, "only_in_b", 4, 0);
	CHECK(btfidx_find(a, "only_in_a", BTF_KIND_INT) == 1);
	CHECK(btfidx_find(b, "only_in_a", BTF_KIND_INT) == -ENOENT);
	CHECK(btfidx_find(b, "only_in_b", BTF_KIND_INT) == 2);
	CHECK(btfidx_find(NULL, "x", BTF_KIND_INT) == -EINVAL);
out:
	btfidx_reset();
	btf__free(a);
	btf__free(b);
}
