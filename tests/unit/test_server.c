// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The socket's request parser (daemon/sink/server.c, server_parse_request(); docs/socket.md). */
#include <errno.h>

#include "server.h"
#include "unit.h"

/* parse a copy of req (the parser writes into its input) */
static int parse(const char *req, char *word, size_t wn)
{
	char buf[256];

	snprintf(buf, sizeof(buf), "%s", req);
	return server_parse_request(buf, word, wn);
}

TEST(server_request_accepted_forms)
{
	static const char *const ok[] = {
	    "snapshot",
	    "  stream\t",
	    "stream\r",
	    "{\"cmd\":\"snapshot\"}",
	    "{ \"cmd\" : \"stream\" }",
	    "\t{\"cmd\":\"stats\"}  \r",
	};
	static const char *const want[] = {"snapshot", "stream", "stream",
					   "snapshot", "stream", "stats"};
	char word[16];

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		CHECK(parse(ok[i], word, sizeof(word)) == 0);
		CHECK_STR(word, want[i]);
	}
}

TEST(server_request_refused_forms)
{
	static const char *const bad[] = {
	    "",
	    "   ",
	    "Snapshot",			    /* lower case only */
	    "snap shot",		    /* one word */
	    "snapshot!",		    /* letters only */
	    "{\"cmd\":\"snapshot\"",	    /* unterminated object */
	    "{\"cmd\":\"snapshot\"} x",	    /* trailing text */
	    "{\"cmd\":snapshot}",	    /* not a string */
	    "{\"command\":\"snapshot\"}",   /* the wrong key */
	    "{\"cmd\":\"snap\\\"shot\"}",   /* escapes are not words */
	    "{\"cmd\":\"\"}",		    /* empty */
	    "{\"x\":1,\"cmd\":\"stream\"}", /* exactly one member */
	    "{\"cmd\":\"stream\",\"x\":1}",
	};
	char word[16];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(word, 'X', sizeof(word));
		if (parse(bad[i], word, sizeof(word)) != -EINVAL)
			fprintf(stderr, "  accepted: '%s'\n", bad[i]);
		CHECK(parse(bad[i], word, sizeof(word)) == -EINVAL);
	}
}

TEST(server_request_word_must_fit)
{
	char word[8];

	CHECK(parse("abcdefg", word, sizeof(word)) == 0); /* 7 letters and the NUL */
	CHECK_STR(word, "abcdefg");
	CHECK(parse("abcdefgh", word, sizeof(word)) == -EINVAL);
	CHECK(parse("{\"cmd\":\"abcdefgh\"}", word, sizeof(word)) == -EINVAL);
}
