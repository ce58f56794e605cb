// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdlib.h>

#include "prefold.h"
#include "unit.h"

#define MS 1000000ull

static void make_event(struct ep_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->ts_ns = 1000;
	ev->seq = 7;
	ev->pid = ev->tid = 4242;
	ev->ppid = 1;
	ev->uid = ev->euid = ev->fsuid = 65534;
	ev->gid = ev->egid = 65534;
	ev->cgroup_id = 99;
	ev->syscall_nr = 2;
	ev->ret = -EP_EACCES;
	ev->args[1] = 0x241;
	ev->path_arg = 1;
	snprintf(ev->path, sizeof(ev->path), "/etc/shadow");
	ev->path_len = 11;
	snprintf(ev->comm, sizeof(ev->comm), "cat");
	ev->exe_depth = 2;
	snprintf(ev->exe_comp[0], EP_EXE_COMP_LEN, "cat");
	snprintf(ev->exe_comp[1], EP_EXE_COMP_LEN, "bin");
	ev->n_ev = 1;
	ev->ev[0].kind = EP_EV_CAP;
	ev->ev[0].src = EP_HK_TP_CAP_CAPABLE;
	ev->ev[0].a[0] = 1; /* CAP_DAC_OVERRIDE */
	ev->ev[0].a[1] = ~0ull;
}

/* A decided denial for ev, as the worker would store it. */
static struct denial *decided(const struct ep_event *ev)
{
	struct denial *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->ev = *ev;
	d->cause = EP_CAUSE_DAC;
	d->capability = -1;
	d->lsm = -1;
	snprintf(d->diagnosis, sizeof(d->diagnosis), "cat cannot read /etc/shadow");
	snprintf(d->fix, sizeof(d->fix), "run it as root");
	snprintf(d->proc.exe, sizeof(d->proc.exe), "/bin/cat");
	return d;
}

TEST(prefold_hit_on_identical_facts)
{
	struct prefold *pf = NULL;
	struct ep_event ev, again;
	struct denial *d, *hit;
	struct prefold_stats st;

	CHECK(prefold_new(0, 0, &pf) == 0 && pf);
	make_event(&ev);
	d = decided(&ev);
	if (!pf || !d)
		goto out;
	CHECK(prefold_lookup(pf, &ev, 10 * MS) == NULL); /* empty */
	prefold_store(pf, d, 10 * MS);

	/* another thread of the same process, later: only the per-event fields differ */
	again = ev;
	again.ts_ns = 5000;
	again.seq = 8;
	again.tid = 4243;
	/* ring memory is not zeroed: bytes after a NUL are not facts */
	again.path[20] = 'x';
	again.exe_comp[0][10] = 'y';
	again.exe_comp[5][0] = 'z'; /* beyond exe_depth */
	again.ev[3].a[0] = 12345;   /* beyond n_ev */
	again.uring_op = 0;	    /* zero on a syscall record */
	hit = prefold_lookup(pf, &again, 20 * MS);
	CHECK(hit != NULL);
	if (hit) {
		CHECK(hit->ev.seq == 8 && hit->ev.tid == 4243 && hit->ev.ts_ns == 5000);
		CHECK(hit->cause == EP_CAUSE_DAC);
		CHECK_STR(hit->diagnosis, "cat cannot read /etc/shadow");
		CHECK_STR(hit->fix, "run it as root");
		CHECK_STR(hit->proc.exe, "/bin/cat");
	}
	prefold_get_stats(pf, &st);
	CHECK(st.hits == 1 && st.misses == 1 && st.expired == 0);
out:
	free(d);
	prefold_free(pf);
}

TEST(prefold_miss_on_different_facts)
{
	struct prefold *pf = NULL;
	struct ep_event ev, other;
	struct denial *d;

	CHECK(prefold_new(0, 0, &pf) == 0 && pf);
	make_event(&ev);
	d = decided(&ev);
	if (!pf || !d)
		goto out;
	prefold_store(pf, d, 0);
	CHECK(prefold_lookup(pf, &ev, 1) != NULL);

	other = ev;
	other.ev[0].a[0] = 2; /* CAP_DAC_READ_SEARCH */
	CHECK(prefold_lookup(pf, &other, 1) == NULL);
	other = ev;
	other.ev[0].src = EP_HK_CAP_CAPABLE;
	CHECK(prefold_lookup(pf, &other, 1) == NULL);
	other = ev;
	other.n_ev = 2; /* one more evidence record, all zero */
	CHECK(prefold_lookup(pf, &other, 1) == NULL);
	other = ev;
	snprintf(other.ev[0].name, EP_EV_NAME_LEN, "shadow");
	CHECK(prefold_lookup(pf, &other, 1) == NULL);
	other = ev;
	snprintf(other.path, sizeof(other.path), "/etc/gshadow");
	CHECK(prefold_lookup(pf, &other, 1) == NULL);
	other = ev;
	other.path[5] = 0; /* "/etc/" */
	CHECK(prefold_lookup(pf, &other, 1) == NULL);
	other = ev;
	other.args[0] = 1; /* e.g. another kill target or fd */
	CHECK(prefold_lookup(pf, &other, 1) == NULL);
	other = ev;
	other.fsuid = 1000;
	CHECK(prefold_lookup(pf, &other, 1) == NULL);
	other = ev;
	other.flags |= EP_F_FIRST_SEEN;
	CHECK(prefold_lookup(pf, &other, 1) == NULL);
	other = ev;
	other.cgroup_id = 100;
	CHECK(prefold_lookup(pf, &other, 1) == NULL);
	other = ev;
	other.pid = 4243;
	CHECK(prefold_lookup(pf, &other, 1) == NULL);
	other = ev;
	snprintf(other.exe_comp[1], EP_EXE_COMP_LEN, "sbin");
	CHECK(prefold_lookup(pf, &other, 1) == NULL);
	/* the original is still there */
	CHECK(prefold_lookup(pf, &ev, 1) != NULL);
out:
	free(d);
	prefold_free(pf);
}

TEST(prefold_ttl_and_collisions)
{
	struct prefold *pf = NULL, *big = NULL;
	struct ep_event ev, other;
	struct denial *d, *d2;
	struct prefold_stats st;

	CHECK(prefold_new(1, 100 * MS, &pf) == 0 && pf); /* one slot: every key collides */
	make_event(&ev);
	d = decided(&ev);
	other = ev;
	snprintf(other.path, sizeof(other.path), "/etc/sudoers");
	d2 = decided(&other);
	if (!pf || !d || !d2)
		goto out;
	prefold_store(pf, d, 1000 * MS);
	CHECK(prefold_lookup(pf, &ev, 1099 * MS) != NULL);
	CHECK(prefold_lookup(pf, &ev, 1100 * MS) == NULL); /* expired */
	CHECK(prefold_lookup(pf, &ev, 1101 * MS) == NULL); /* and dropped */
	CHECK(prefold_lookup(pf, &ev, 999 * MS) == NULL);  /* a clock going back never hits */
	prefold_get_stats(pf, &st);
	CHECK(st.hits == 1 && st.expired == 1 && st.misses == 3);

	/* the same slot: a different key is compared in full, never served the other's denial */
	prefold_store(pf, d, 2000 * MS);
	CHECK(prefold_lookup(pf, &other, 2001 * MS) == NULL);
	prefold_store(pf, d2, 2001 * MS);
	CHECK(prefold_lookup(pf, &ev, 2002 * MS) == NULL);
	CHECK(prefold_lookup(pf, &other, 2002 * MS) != NULL);
	CHECK(prefold_new(1u << 20, 0, &big) == -EINVAL && !big);
out:
	free(d);
	free(d2);
	prefold_free(pf);
}
