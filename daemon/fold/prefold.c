// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Pre-fold cache, direct-mapped. The kernel record is serialised into a canonical key first:
 * ring memory is not zeroed, so strings count only up to their NUL and unused evidence and
 * executable components are left out; the per-event fields (ts_ns, seq, tid) are never part
 * of it. All six syscall arguments are, because the rules read flags, fds, pids and modes
 * from them and the daemon has no per-syscall arity table.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "prefold.h"

/* fixed part + comm + exe components + evidence + path, each string with its length */
#define PF_KEY_MAX 2048

struct pf_hdr {
	__u64 cgroup_id;
	__u64 args[6];
	__u32 pid, ppid, uid, gid, euid, egid, fsuid;
	__u32 userns_ino, mntns_ino, userns_level;
	__s32 syscall_nr, ret;
	__u32 flags;
	__u16 path_len;
	__u8 path_arg, n_ev, exe_depth, exe_flags;
	__u16 uring_op; /* EP_F_IOURING: the IORING_OP_* */
	__u8 _pad[4];
	char comm[EP_COMM_LEN];
};

struct pf_ev {
	__u16 kind, src;
	__s32 ret;
	__u64 a[4];
};

_Static_assert(sizeof(struct pf_hdr) == 136, "pf_hdr has no hidden padding");
_Static_assert(sizeof(struct pf_ev) == 40, "pf_ev has no hidden padding");
_Static_assert(sizeof(struct pf_hdr) + EP_EXE_DEPTH * (1 + EP_EXE_COMP_LEN) +
		       EP_MAX_EV * (sizeof(struct pf_ev) + 1 + EP_EV_NAME_LEN) + 2 + EP_PATH_LEN <=
		   PF_KEY_MAX,
	       "PF_KEY_MAX holds the largest key");

struct pf_key {
	size_t len;
	unsigned char buf[PF_KEY_MAX];
};

struct pf_slot {
	bool used;
	uint64_t hash;
	uint64_t stored_at;
	struct pf_key key;
	struct denial d;
};

struct prefold {
	struct pf_slot *slots;
	unsigned mask;
	uint64_t ttl_ns;
	struct prefold_stats st;
	struct pf_key scratch;
};

static void key_put(struct pf_key *k, const void *p, size_t n)
{
	memcpy(k->buf + k->len, p, n);
	k->len += n;
}

/* A string of at most max bytes, prefixed by its length so that fields cannot run together. */
static void key_str(struct pf_key *k, const char *s, size_t max)
{
	size_t n = strnlen(s, max);
	__u16 l = (__u16)n;

	key_put(k, &l, sizeof(l));
	key_put(k, s, n);
}

static void key_build(const struct ep_event *ev, struct pf_key *k)
{
	unsigned depth = ev->exe_depth < EP_EXE_DEPTH ? ev->exe_depth : EP_EXE_DEPTH;
	unsigned n_ev = ev->n_ev < EP_MAX_EV ? ev->n_ev : EP_MAX_EV;
	struct pf_hdr h;

	memset(&h, 0, sizeof(h));
	h.cgroup_id = ev->cgroup_id;
	memcpy(h.args, ev->args, sizeof(h.args));
	h.pid = ev->pid;
	h.ppid = ev->ppid;
	h.uid = ev->uid;
	h.gid = ev->gid;
	h.euid = ev->euid;
	h.egid = ev->egid;
	h.fsuid = ev->fsuid;
	h.userns_ino = ev->userns_ino;
	h.mntns_ino = ev->mntns_ino;
	h.userns_level = ev->userns_level;
	h.syscall_nr = ev->syscall_nr;
	h.ret = ev->ret;
	h.flags = ev->flags;
	h.path_len = ev->path_len;
	h.path_arg = ev->path_arg;
	h.n_ev = (__u8)n_ev;
	h.exe_depth = ev->exe_depth;
	h.exe_flags = ev->exe_flags;
	h.uring_op = (ev->flags & EP_F_IOURING) ? ev->uring_op : 0;
	memcpy(h.comm, ev->comm, strnlen(ev->comm, EP_COMM_LEN));

	k->len = 0;
	key_put(k, &h, sizeof(h));
	for (unsigned i = 0; i < depth; i++)
		key_str(k, ev->exe_comp[i], EP_EXE_COMP_LEN);
	for (unsigned i = 0; i < n_ev; i++) {
		const struct ep_evidence *e = &ev->ev[i];
		struct pf_ev x = {.kind = e->kind, .src = e->src, .ret = e->ret};

		memcpy(x.a, e->a, sizeof(x.a));
		key_put(k, &x, sizeof(x));
		key_str(k, e->name, EP_EV_NAME_LEN);
	}
	key_str(k, ev->path, EP_PATH_LEN);
}

/* Eight bytes at a time; the key is at most a couple of KiB and usually a few hundred bytes. */
static uint64_t key_hash(const struct pf_key *k)
{
	uint64_t h = 0x9e3779b97f4a7c15ull ^ k->len, w;
	size_t i;

	for (i = 0; i + 8 <= k->len; i += 8) {
		memcpy(&w, k->buf + i, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
	}
	if (i < k->len) {
		w = 0;
		memcpy(&w, k->buf + i, k->len - i);
		h = (h ^ w) * 0xff51afd7ed558ccdull;
	}
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return h;
}

int prefold_new(unsigned slots, uint64_t ttl_ns, struct prefold **out)
{
	struct prefold *pf;
	unsigned n = 1;
	int err = 0;

	*out = NULL;
	if (!slots)
		slots = PREFOLD_DEFAULT_SLOTS;
	if (slots > (1u << 16))
		return -EINVAL;
	while (n < slots)
		n <<= 1;
	pf = calloc(1, sizeof(*pf));
	if (!pf)
		return -ENOMEM;
	pf->slots = calloc(n, sizeof(*pf->slots));
	if (!pf->slots) {
		err = -ENOMEM;
		goto cleanup;
	}
	pf->mask = n - 1;
	pf->ttl_ns = ttl_ns ? ttl_ns : PREFOLD_DEFAULT_TTL_NS;
	*out = pf;
	return 0;
cleanup:
	prefold_free(pf);
	return err;
}

struct denial *prefold_lookup(struct prefold *pf, const struct ep_event *ev, uint64_t now_ns)
{
	struct pf_key *k = &pf->scratch;
	struct pf_slot *s;
	uint64_t h;

	key_build(ev, k);
	h = key_hash(k);
	s = &pf->slots[h & pf->mask];
	if (!s->used || s->hash != h || s->key.len != k->len ||
	    memcmp(s->key.buf, k->buf, k->len)) {
		pf->st.misses++;
		return NULL;
	}
	if (now_ns < s->stored_at || now_ns - s->stored_at >= pf->ttl_ns) {
		s->used = false;
		pf->st.expired++;
		pf->st.misses++;
		return NULL;
	}
	pf->st.hits++;
	memcpy(&s->d.ev, ev, sizeof(s->d.ev));
	return &s->d;
}

void prefold_store(struct prefold *pf, const struct denial *d, uint64_t now_ns)
{
	struct pf_key *k = &pf->scratch;
	struct pf_slot *s;
	uint64_t h;

	key_build(&d->ev, k);
	h = key_hash(k);
	s = &pf->slots[h & pf->mask];
	if (&s->d != d)
		memcpy(&s->d, d, sizeof(s->d));
	s->key.len = k->len;
	memcpy(s->key.buf, k->buf, k->len);
	s->hash = h;
	s->stored_at = now_ns;
	s->used = true;
}

void prefold_get_stats(const struct prefold *pf, struct prefold_stats *st)
{
	*st = pf->st;
}

void prefold_free(struct prefold *pf)
{
	if (!pf)
		return;
	free(pf->slots);
	free(pf);
}
