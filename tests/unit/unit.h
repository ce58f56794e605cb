/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* A minimal unit-test harness: TEST() registers, CHECK() records. Output: "ok - name" lines
 * and a final "N passed, N failed". */
#ifndef EPERMD_UNIT_H
#define EPERMD_UNIT_H

#include <stdio.h>
#include <string.h>

struct unit_test {
	const char *name;
	void (*fn)(int *failed);
	struct unit_test *next;
};

void unit_register(struct unit_test *t);

#define TEST(tname)                                                                                \
	static void tname(int *unit_failed_);                                                      \
	static struct unit_test unit_##tname = {#tname, tname, NULL};                              \
	__attribute__((constructor)) static void unit_reg_##tname(void)                            \
	{                                                                                          \
		unit_register(&unit_##tname);                                                      \
	}                                                                                          \
	static void tname(int *unit_failed_)

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "  %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
			(*unit_failed_)++;                                                         \
		}                                                                                  \
	} while (0)

#define CHECK_STR(a, b)                                                                            \
	do {                                                                                       \
		const char *unit_a_ = (a), *unit_b_ = (b);                                         \
		if (!unit_a_ || !unit_b_ || strcmp(unit_a_, unit_b_) != 0) {                       \
			fprintf(stderr, "  %s:%d: '%s' != '%s'\n", __FILE__, __LINE__,             \
				unit_a_ ? unit_a_ : "(null)", unit_b_ ? unit_b_ : "(null)");       \
			(*unit_failed_)++;                                                         \
		}                                                                                  \
	} while (0)

#define CHECK_CONTAINS(hay, needle)                                                                \
	do {                                                                                       \
		const char *unit_h_ = (hay), *unit_n_ = (needle);                                  \
		if (!unit_h_ || !strstr(unit_h_, unit_n_)) {                                       \
			fprintf(stderr, "  %s:%d: '%s' does not contain '%s'\n", __FILE__,         \
				__LINE__, unit_h_ ? unit_h_ : "(null)", unit_n_);                  \
			(*unit_failed_)++;                                                         \
		}                                                                                  \
	} while (0)

#endif
