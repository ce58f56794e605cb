// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The socket's request parser (daemon/sink/server.c, server_parse_request()). Input: one request
 * line as the socket hands it over (up to the first NUL or newline). Property: an accepted word is
 * a terminated, non-empty run of 'a'..'z' that fits the buffer. */
#include "fuzz.h"
#include "server.h"

int fuzz_request(const uint8_t *data, size_t size)
{
	char word[16], *req;
	size_t n;

	if (size > 4095) /* REQ_MAX: the socket hangs up on longer requests */
		size = 4095;
	req = fuzz_cstr(data, size);
	if (!req)
		return 0;
	req[strcspn(req, "\n")] = '\0';
	memset(word, 'X', sizeof(word));
	if (server_parse_request(req, word, sizeof(word)) == 0) {
		n = strnlen(word, sizeof(word));
		FUZZ_CHECK(n > 0 && n < sizeof(word));
		for (size_t i = 0; i < n; i++)
			FUZZ_CHECK(word[i] >= 'a' && word[i] <= 'z');
	}
	free(req);
	return 0;
}
FUZZ_ENTRY(fuzz_request)
