// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The ring-record decoder (daemon/capture/capture.c, capture_decode()). Input: the bytes of one ring
 * record, lengths that lie included. Properties: a rejected record leaves the event zeroed; an
 * accepted one has every count within its array and every string terminated in its buffer. */
#include "capture.h"
#include "fuzz.h"

static int terminated(const char *s, size_t n)
{
	return memchr(s, '\0', n) != NULL;
}

int fuzz_capture(const uint8_t *data, size_t size)
{
	static struct ep_event ev;
	static const struct ep_event zero;

	memset(&ev, 0x5a, sizeof(ev));
	if (capture_decode(data, size, &ev)) {
		FUZZ_CHECK(!memcmp(&ev, &zero, sizeof(ev)));
		return 0;
	}
	FUZZ_CHECK(ev.n_ev <= EP_MAX_EV);
	FUZZ_CHECK(ev.path_len < EP_PATH_LEN && terminated(ev.path, EP_PATH_LEN));
	FUZZ_CHECK(ev.exe_depth <= EP_EXE_DEPTH);
	FUZZ_CHECK(ev.n_sc_filter <= EP_MAX_SC_FILTERS);
	FUZZ_CHECK(terminated(ev.base.path, EP_FACT_PATH_LEN));
	FUZZ_CHECK(terminated(ev.obj.path, EP_FACT_PATH_LEN));
	FUZZ_CHECK(ev.base.path_len < EP_FACT_PATH_LEN && ev.obj.path_len < EP_FACT_PATH_LEN);
	for (int i = 0; i < EP_EXE_DEPTH && i < ev.exe_depth; i++)
		FUZZ_CHECK(terminated(ev.exe_comp[i], EP_EXE_COMP_LEN));
	return 0;
}
FUZZ_ENTRY(fuzz_capture)
