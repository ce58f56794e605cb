// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The ring-record decoder (daemon/capture/capture.c, capture_decode()). Input: the bytes of one
 * ring record, lengths that lie included, with every section (io_uring, evidence, groups, seccomp
 * chain, path, exe, base, walk, obj, mount; fold heads). Properties: a rejected record leaves the
 * event zeroed; an accepted one has every count within its array, every string terminated in its
 * buffer with the length it claims, and a walk or mount section only with its fact bit. */
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
	/* the walk section (EP_FACT_WALK): present with the flag only, within its array */
	FUZZ_CHECK(ev.n_walk <= EP_WIRE_PATH_DEPTH);
	FUZZ_CHECK(!(ev.facts & EP_FACT_WALK) == !ev.n_walk);
	/* the mount section (EP_FACT_MNT): its path terminated within its buffer, empty if absent
	 */
	FUZZ_CHECK(ev.mnt.path_len < EP_FACT_PATH_LEN && terminated(ev.mnt.path, EP_FACT_PATH_LEN));
	FUZZ_CHECK((ev.facts & EP_FACT_MNT) || (!ev.mnt.path[0] && !ev.mnt.mnt_id));
	FUZZ_CHECK(strlen(ev.mnt.path) == ev.mnt.path_len &&
		   strlen(ev.obj.path) == ev.obj.path_len);
	FUZZ_CHECK(strlen(ev.base.path) == ev.base.path_len && strlen(ev.path) <= ev.path_len);
	for (int i = 0; i < EP_EXE_DEPTH && i < ev.exe_depth; i++)
		FUZZ_CHECK(terminated(ev.exe_comp[i], EP_EXE_COMP_LEN));
	return 0;
}
FUZZ_ENTRY(fuzz_capture)
