// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* dhash_solve(): the dcache hash table from sampled dentries (bpf/dhash.bpf.h). */
#include <errno.h>

#include "dhash.h"
#include "unit.h"

#define TABLE 0xffffc90000400000ull
#define SHIFT 10u /* 2^22 buckets */

static struct ep_dh_sample head_of(uint32_t hash)
{
	return (struct ep_dh_sample){.pprev = TABLE + ((uint64_t)(hash >> SHIFT) << 3),
				     .hash = hash,
				     .mine = hash,
				     .len = 3};
}

TEST(dhash_solves_table_and_shift)
{
	struct ep_dh_sample s[8] = {head_of(0x12345678), head_of(0x9abcdef0), head_of(0x0badcafe),
				    head_of(0xdeadbeef), head_of(0x00c0ffee)};
	const char *why = "x";
	uint64_t table = 0;
	uint32_t shift = 0;

	/* one behind another dentry of its bucket, one unhashed root, one sampled twice */
	s[5] = (struct ep_dh_sample){.pprev = 0xffff888012345690ull, .hash = 7, .mine = 7};
	s[6] = (struct ep_dh_sample){.pprev = 0, .hash = 1, .mine = 2};
	s[7] = s[0];
	CHECK(dhash_solve(s, 8, &table, &shift, &why) == 0);
	CHECK(table == TABLE && shift == SHIFT && !why);
}

TEST(dhash_refuses_what_does_not_hold)
{
	struct ep_dh_sample s[4] = {head_of(0x12345678), head_of(0x9abcdef0), head_of(0x0badcafe),
				    head_of(0xdeadbeef)};
	const char *why = NULL;
	uint64_t table = 0;
	uint32_t shift = 0;

	/* the probe's hash function is not this kernel's: never guess */
	s[2].mine ^= 1;
	CHECK(dhash_solve(s, 4, &table, &shift, &why) == -ENOENT);
	CHECK_CONTAINS(why, "name hash differs");
	/* too few samples */
	s[2].mine ^= 1;
	CHECK(dhash_solve(s, 2, &table, &shift, &why) == -ENOENT);
	CHECK_CONTAINS(why, "too few");
	/* samples that agree on nothing (no common table) */
	for (int i = 0; i < 4; i++)
		s[i].pprev = 0xffff888000000000ull + (uint64_t)i * 0x1238;
	CHECK(dhash_solve(s, 4, &table, &shift, &why) == -ENOENT);
	CHECK_CONTAINS(why, "do not agree");
	CHECK(table == 0);
}
