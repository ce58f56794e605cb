// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The seccomp filter records and their evaluation (tracepoint-only mode): what the reader does
 * with a stream of ring records (daemon/capture/tracer.c on_sample). Input: up to 16 records,
 * each a little-endian u16 length and that many bytes, in place of what the kernel ships:
 * EP_REC_SC_PROG records (capture_sc_prog() -> sc_cache_add(), a cache of 4 to exercise
 * eviction) and EP_REC_DENIAL records (capture_decode() -> sc_eval_event() for a seccomp task).
 * Properties: a program is kept iff it validates, and then runs to a RET inside it on the
 * event's seccomp_data; a denial gains at most one evidence record, never more than
 * EP_MAX_EV, and a seccomp one only when the chain returned SECCOMP_RET_ERRNO. */
#include <errno.h>

#include "capture.h"
#include "fuzz.h"
#include "seccomp_eval.h"

#define FUZZ_SC_CACHE 4
#define FUZZ_SC_RECS  16

static unsigned evicted;

static void on_evict(void *ctx, uint64_t id)
{
	(void)ctx;
	(void)id;
	evicted++;
}

static void one_prog(struct sc_cache *c, const uint8_t *rec, size_t len)
{
	static const struct seccomp_data sd = {.nr = 263, .arch = 0xc000003e};
	const struct ep_sc_prog *p;
	uint32_t ret;
	unsigned pc;
	int valid;

	if (capture_sc_prog(rec, len, &p))
		return;
	FUZZ_CHECK(p->len <= EP_SC_MAX_INSNS);
	valid = !sc_validate((const struct sock_filter *)p->insn, p->len);
	FUZZ_CHECK((sc_cache_add(c, p->id, (const struct sock_filter *)p->insn, p->len) == 0) ==
		   valid);
	if (!valid)
		return;
	FUZZ_CHECK(!sc_run((const struct sock_filter *)p->insn, p->len, &sd, &ret, &pc));
	FUZZ_CHECK(pc < p->len);
}

static void one_denial(struct sc_cache *c, const uint8_t *rec, size_t len)
{
	static struct ep_event ev;
	unsigned n_ev;
	int r;

	if (capture_decode(rec, len, &ev))
		return;
	n_ev = ev.n_ev;
	r = sc_eval_event(c, &ev);
	FUZZ_CHECK(ev.n_ev <= EP_MAX_EV);
	/* added even next to the kernel's own seccomp record (full mode): only the chain names
	 * the filter and its rule */
	if (r != 1) {
		FUZZ_CHECK(ev.n_ev == n_ev); /* nothing added */
		return;
	}
	FUZZ_CHECK(ev.n_ev == (n_ev < EP_MAX_EV ? n_ev + 1 : EP_MAX_EV));
	FUZZ_CHECK(ev.ev[ev.n_ev - 1].kind == EP_EV_SECCOMP);
	FUZZ_CHECK((ev.ev[ev.n_ev - 1].a[0] & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_ERRNO);
	FUZZ_CHECK(memchr(ev.ev[ev.n_ev - 1].name, '\0', sizeof(ev.ev[0].name)) != NULL);
}

int fuzz_seccomp(const uint8_t *data, size_t size)
{
	/* the records are copied to aligned storage, as the ring's are */
	static uint64_t rec[65536 / 8];
	struct sc_cache *c;
	size_t off = 0;

	if (sc_cache_new(FUZZ_SC_CACHE, on_evict, NULL, &c))
		return 0;
	for (unsigned k = 0; k < FUZZ_SC_RECS && size - off >= 2; k++) {
		size_t len = (size_t)data[off] | (size_t)data[off + 1] << 8;
		__u32 type = 0;

		off += 2;
		if (len > size - off)
			len = size - off;
		memcpy(rec, data + off, len);
		off += len;
		if (len >= sizeof(type))
			memcpy(&type, rec, sizeof(type));
		if (type == EP_REC_SC_PROG)
			one_prog(c, (const uint8_t *)rec, len);
		else
			one_denial(c, (const uint8_t *)rec, len);
	}
	sc_cache_free(c);
	return 0;
}
FUZZ_ENTRY(fuzz_seccomp)
