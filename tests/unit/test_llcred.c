// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* llcred_solve(): Landlock's domain pointer in the credentials' LSM blob (llcred.h). */
#include <errno.h>
#include <string.h>

#include "llcred.h"
#include "unit.h"

#define DOM  0xffff8881234a5600ull
#define DOM2 0xffff888123400a00ull
#define AA   0xffff888100002000ull /* another LSM's pointer, the same in every task */

TEST(llcred_finds_the_domain_word)
{
	uint64_t plain[2][EP_LL_WORDS], ll[2][EP_LL_WORDS];
	const char *why = "x";

	memset(plain, 0, sizeof(plain));
	memset(ll, 0, sizeof(ll));
	/* AppArmor's label first, Landlock's domain second, then a u16 of its own and garbage
	 * past the blob that differs between tasks */
	for (int i = 0; i < 2; i++) {
		plain[i][0] = ll[i][0] = AA;
		plain[i][4] = 0xffff888100000000ull + (uint64_t)i * 64;
		ll[i][4] = 0;
	}
	ll[0][1] = DOM, ll[1][1] = DOM2;
	ll[0][2] = ll[1][2] = 1;
	CHECK(llcred_solve((const uint64_t(*)[EP_LL_WORDS])plain,
			   (const uint64_t(*)[EP_LL_WORDS])ll, 2, &why) == 8);
	CHECK(!why);
}

TEST(llcred_refuses_what_does_not_hold)
{
	uint64_t plain[2][EP_LL_WORDS], ll[2][EP_LL_WORDS];
	const char *why = NULL;

	memset(plain, 0, sizeof(plain));
	memset(ll, 0, sizeof(ll));
	/* set in only one restricted sample: not the domain */
	ll[0][3] = DOM;
	/* not a kernel pointer */
	ll[0][5] = ll[1][5] = 0x1234;
	/* set in an unrestricted task too */
	plain[1][6] = DOM, ll[0][6] = ll[1][6] = DOM;
	CHECK(llcred_solve((const uint64_t(*)[EP_LL_WORDS])plain,
			   (const uint64_t(*)[EP_LL_WORDS])ll, 2, &why) == -ENOENT);
	CHECK(why != NULL);
	CHECK(llcred_solve((const uint64_t(*)[EP_LL_WORDS])plain,
			   (const uint64_t(*)[EP_LL_WORDS])ll, 0, &why) == -ENOENT);
}
