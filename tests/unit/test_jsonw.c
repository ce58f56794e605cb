// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The JSON writer (daemon/lib/jsonw.c) and the field table's invariants (daemon/sink/fields.c). */
#include <errno.h>
#include <stdlib.h>

#include "encode.h"
#include "jsonw.h"
#include "unit.h"

TEST(jsonw_commas_nesting_escaping)
{
	char buf[256];
	struct sbuf b;
	struct jw w;

	sb_init(&b, buf, sizeof(buf));
	jw_init(&w, &b);
	jw_obj(&w);
	jw_kstr(&w, "type", "x\"y\n");
	jw_kstr_opt(&w, "absent", "");
	jw_kstr_opt(&w, "absent2", NULL);
	jw_ki64(&w, "neg", -5);
	jw_key(&w, "a");
	jw_arr(&w);
	jw_u64(&w, 1);
	jw_obj(&w);
	jw_kbool(&w, "t", true);
	jw_end(&w);
	jw_arr(&w);
	jw_end(&w);
	jw_str(&w, NULL);
	jw_end(&w);
	jw_key(&w, "e");
	jw_obj(&w);
	jw_end(&w);
	jw_key_esc(&w, "k\"");
	jw_u64(&w, 0);
	jw_end(&w);
	CHECK(sb_result(&b) > 0);
	CHECK_STR(buf, "{\"type\":\"x\\\"y\\u000a\",\"neg\":-5,\"a\":[1,{\"t\":true},[],\"\"],"
		       "\"e\":{},\"k\\\"\":0}");
}

TEST(jsonw_overflow_and_misuse)
{
	char buf[16];
	struct sbuf b;
	struct jw w;

	sb_init(&b, buf, sizeof(buf));
	jw_init(&w, &b);
	jw_obj(&w);
	jw_kstr(&w, "key", "a value that does not fit");
	jw_end(&w);
	CHECK(sb_result(&b) == -ENOSPC);
	CHECK(strlen(buf) < sizeof(buf)); /* still terminated */
	/* closing what was never opened, or a key without its value */
	sb_init(&b, buf, sizeof(buf));
	jw_init(&w, &b);
	jw_end(&w);
	CHECK(sb_result(&b) == -ENOSPC);
	sb_init(&b, buf, sizeof(buf));
	jw_init(&w, &b);
	jw_obj(&w);
	jw_key(&w, "k");
	jw_end(&w);
	CHECK(sb_result(&b) == -ENOSPC);
	/* nesting is bounded */
	sb_init(&b, buf, sizeof(buf));
	jw_init(&w, &b);
	for (int i = 0; i <= JW_DEPTH; i++)
		jw_arr(&w);
	CHECK(sb_result(&b) == -ENOSPC);
	/* a zero-sized buffer is over at once */
	sb_init(&b, buf, 0);
	CHECK(sb_result(&b) == -ENOSPC);
}

/* Every row is reachable, its names unique, and it has a way to produce its value. */
TEST(fields_table_invariants)
{
	for (unsigned i = 0; i < out_nfields; i++) {
		const struct out_fdef *f = &out_fields[i];

		CHECK(f->json || f->journal || f->journal_field || f->tx != TX_NONE);
		CHECK(f->get || f->json_value || f->journal_field);
		CHECK(!f->json_value || f->json);
		CHECK(f->tx == TX_NONE || f->tx == TX_DETAIL || f->text);
		if ((f->journal && !f->journal_field) || f->tx != TX_NONE)
			CHECK(f->get);
		if (f->journal || f->journal_field)
			CHECK(f->jr > 0);
		for (unsigned k = i + 1; k < out_nfields; k++) {
			const struct out_fdef *g = &out_fields[k];

			CHECK(!f->json || !g->json || strcmp(f->json, g->json));
			CHECK(!f->journal || !g->journal || strcmp(f->journal, g->journal));
			if ((f->journal || f->journal_field) && (g->journal || g->journal_field))
				CHECK(f->jr != g->jr);
		}
	}
}
