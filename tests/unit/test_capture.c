// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* capture_decode(): the compact ring record, good and hostile. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/filter.h>
#include <linux/seccomp.h>

#include "capture.h"
#include "seccomp_eval.h"
#include "unit.h"

/* A record as the BPF side writes it: 2 evidence, 3 groups, base and obj, path, exe. */
struct rec {
	unsigned char b[EP_WIRE_MAX];
	size_t len;
	size_t base_at, obj_at; /* offsets of the inode sections */
};

static void put(struct rec *r, const void *p, size_t n)
{
	memcpy(r->b + r->len, p, n);
	r->len += n;
}

/* walk: a path's lookup instead of an fd (EP_FACT_OBJ) with two directories searched; sc_id: a
 * seccomp task's denial whose chain is that one filter (0: not a seccomp task) */
static void build_rec(struct rec *r, bool walk, __u64 sc_id)
{
	struct ep_dir_facts dirs[2] = {{.mode = 040755}, {.mode = 040700, .uid = 7, .gid = 8}};
	struct ep_wire_hdr h = {0};
	struct ep_evidence ev[2] = {{.kind = EP_EV_CAP, .src = EP_HK_TP_CAP_CAPABLE, .a = {21}},
				    {.kind = EP_EV_DAC, .src = EP_HK_SYS_EXIT, .name = "f"}};
	__u32 groups[4] = {4, 24, 100, 0};
	struct ep_wire_inode base = {
	    .dev = 0x801, .ino = 12, .mode = 040755, .path_len = 6, .depth = 2};
	struct ep_wire_inode obj = {
	    .dev = 0x801, .ino = 13, .mode = 0100644, .i_flags = 0x8, .path_len = 8, .depth = 3};

	memset(r, 0, sizeof(*r));
	h.rec_type = EP_REC_DENIAL;
	h.pid = 42;
	h.tid = 43;
	h.syscall_nr = 263;
	h.ret = -1;
	h.facts = EP_FACT_CREDS | EP_FACT_BASE | EP_FACT_FD | EP_FACT_EXE;
	memcpy(h.comm, "rm", 3);
	h.cr.ruid = 1000;
	h.cr.euid = 1001;
	h.cr.fsuid = 1002;
	h.cr.rgid = 100;
	h.cr.egid = 101;
	h.cr.cap_eff = 1ull << 21;
	h.cr.ngroups = 3;
	h.cr.no_new_privs = 1;
	h.cr.seccomp_mode = 2;
	h.n_ev = 2;
	h.n_groups = 3;
	h.path_len = 1;
	h.path_arg = 2;
	h.exe_depth = 3;
	h.exe_len = 11; /* "rm\0bin\0usr\0" */
	r->len = sizeof(h);
	put(r, ev, sizeof(ev));
	put(r, groups, 16);
	if (sc_id) {
		h.flags |= EP_F_SECCOMP_TASK;
		h.n_sc_filter = 1;
		put(r, &sc_id, sizeof(sc_id));
	}
	put(r, "f", 1);
	put(r, "rm\0bin\0usr\0", 11);
	r->len = (r->len + 7) & ~(size_t)7; /* padding before an inode section */
	r->base_at = r->len;
	put(r, &base, sizeof(base));
	put(r, "d\0tmp\0", 6);
	if (walk) {
		h.facts = (h.facts & ~EP_FACT_FD) | EP_FACT_OBJ | EP_FACT_WALK;
		h.n_walk = 2;
		r->len = (r->len + 7) & ~(size_t)7;
		put(r, dirs, sizeof(dirs));
	}
	r->len = (r->len + 7) & ~(size_t)7;
	r->obj_at = r->len;
	put(r, &obj, sizeof(obj));
	put(r, "f\0d\0tmp\0", 8);
	h.size = (__u32)r->len;
	memcpy(r->b, &h, sizeof(h));
}

#define build_walk(r, walk) build_rec(r, walk, 0)
#define build(r)	    build_rec(r, false, 0)

static struct ep_event ev;

/* An EROFS record (mkdir of a name the dcache did not hold): the parent as the base
 * (EP_FACT_PARENT) and the mount section (EP_FACT_MNT). mnt_at: the mount section's offset. */
static void build_rofs(struct rec *r)
{
	struct ep_wire_hdr h = {0};
	struct ep_wire_inode parent = {
	    .dev = 0x801, .ino = 12, .mode = 040755, .path_len = 12, .depth = 3};
	struct ep_wire_mount m = {.mnt_id = 70,
				  .mnt_flags = EP_MNT_RDONLY | EP_MNT_LOCK_READONLY,
				  .mnt_ns = 4026532178u,
				  .dev = 0x801,
				  .path_len = 12,
				  .depth = 3};

	memset(r, 0, sizeof(*r));
	h.rec_type = EP_REC_DENIAL;
	h.pid = 7;
	h.tid = 7;
	h.syscall_nr = 83;
	h.ret = -EP_EROFS;
	h.mntns_ino = 4026532178u;
	h.facts = EP_FACT_BASE | EP_FACT_PARENT | EP_FACT_MNT;
	h.path_len = 14;
	r->len = sizeof(h);
	put(r, "/var/lib/app/d", 14);
	r->len = (r->len + 7) & ~(size_t)7;
	r->base_at = r->len;
	put(r, &parent, sizeof(parent));
	put(r, "app\0lib\0var\0", 12);
	r->len = (r->len + 7) & ~(size_t)7;
	r->obj_at = r->len; /* the mount section */
	put(r, &m, sizeof(m));
	put(r, "app\0lib\0var\0", 12);
	h.size = (__u32)r->len;
	memcpy(r->b, &h, sizeof(h));
}

TEST(capture_erofs_mount_section)
{
	static struct rec r;
	struct ep_wire_hdr h;
	struct ep_wire_mount m;

	build_rofs(&r);
	CHECK(capture_decode(r.b, r.len, &ev) == 0);
	CHECK(ev.ret == -EP_EROFS && ev.facts == (EP_FACT_BASE | EP_FACT_PARENT | EP_FACT_MNT));
	CHECK_STR(ev.base.path, "/var/lib/app");
	CHECK_STR(ev.mnt.path, "/var/lib/app");
	CHECK(ev.mnt.mnt_id == 70 && ev.mnt.mnt_ns == 4026532178u && ev.mnt.path_len == 12);
	CHECK(ev.mnt.mnt_flags == (EP_MNT_RDONLY | EP_MNT_LOCK_READONLY) && ev.mnt.sb_flags == 0);
	/* every shorter buffer fails */
	for (size_t n = 0; n < r.len; n++)
		CHECK(capture_decode(r.b, n, &ev) == -EINVAL);
	/* the parent flag without a base section */
	memcpy(&h, r.b, sizeof(h));
	h.facts = EP_FACT_PARENT | EP_FACT_MNT;
	memcpy(r.b, &h, sizeof(h));
	CHECK(capture_decode(r.b, r.len, &ev) == -EINVAL);
	CHECK(ev.mnt.mnt_id == 0);
	/* a mount path longer than its section, and one of more names than it holds */
	build_rofs(&r);
	memcpy(&m, r.b + r.obj_at, sizeof(m));
	m.path_len = 13;
	memcpy(r.b + r.obj_at, &m, sizeof(m));
	CHECK(capture_decode(r.b, r.len, &ev) == -EINVAL);
	m.path_len = 12;
	m.depth = 4;
	memcpy(r.b + r.obj_at, &m, sizeof(m));
	CHECK(capture_decode(r.b, r.len, &ev) == -EINVAL);
	/* a mount not reachable from the task's root: no path, no names */
	m.depth = 0;
	m.path_len = 0;
	m.flags = EP_IF_DETACHED;
	build_rofs(&r);
	memcpy(r.b + r.obj_at, &m, sizeof(m));
	memcpy(&h, r.b, sizeof(h));
	h.size = (__u32)(r.obj_at + sizeof(m));
	memcpy(r.b, &h, sizeof(h));
	CHECK(capture_decode(r.b, h.size, &ev) == 0);
	CHECK(ev.mnt.path[0] == '\0' && ev.mnt.mnt_id == 70);
}

TEST(capture_walk_section)
{
	struct ep_wire_hdr *h;
	struct rec r;

	build_walk(&r, true);
	CHECK(capture_decode(r.b, r.len, &ev) == 0);
	CHECK(ev.n_walk == 2 && ev.walk[0].mode == 040755 && ev.walk[1].mode == 040700 &&
	      ev.walk[1].uid == 7 && ev.walk[1].gid == 8);
	CHECK_STR(ev.obj.path, "/tmp/d/f");
	/* a count without the fact bit, or beyond the depth, is a lie */
	h = (struct ep_wire_hdr *)r.b;
	h->facts &= ~EP_FACT_WALK;
	CHECK(capture_decode(r.b, r.len, &ev) == -EINVAL);
	build_walk(&r, true);
	h->n_walk = 3;
	CHECK(capture_decode(r.b, r.len, &ev) == -EINVAL);
	build_walk(&r, true);
	h->n_walk = 0;
	CHECK(capture_decode(r.b, r.len, &ev) == -EINVAL);
}

TEST(capture_good_record)
{
	struct rec r;

	build(&r);
	CHECK(capture_decode(r.b, r.len, &ev) == 0);
	CHECK(ev.pid == 42 && ev.tid == 43 && ev.syscall_nr == 263 && ev.ret == -1);
	CHECK(ev.uid == 1000 && ev.euid == 1001 && ev.fsuid == 1002 && ev.gid == 100 &&
	      ev.egid == 101);
	CHECK(ev.cr.cap_eff == 1ull << 21 && ev.cr.no_new_privs == 1 && ev.cr.seccomp_mode == 2);
	CHECK(ev.cr.ngroups == 3 && ev.cr.groups[0] == 4 && ev.cr.groups[1] == 24 &&
	      ev.cr.groups[2] == 100);
	CHECK(ev.n_ev == 2 && ev.ev[0].kind == EP_EV_CAP && ev.ev[0].a[0] == 21 &&
	      ev.ev[1].kind == EP_EV_DAC);
	CHECK_STR(ev.path, "f");
	CHECK(ev.path_len == 1 && ev.path_arg == 2);
	CHECK(ev.exe_depth == 3);
	CHECK_STR(ev.exe_comp[0], "rm");
	CHECK_STR(ev.exe_comp[2], "usr");
	CHECK_STR(ev.base.path, "/tmp/d");
	CHECK(ev.base.mode == 040755 && ev.base.ino == 12 && ev.base.path_len == 6);
	CHECK_STR(ev.obj.path, "/tmp/d/f");
	CHECK(ev.obj.i_flags == 0x8 && ev.obj.ino == 13);
	CHECK(ev.facts == (EP_FACT_CREDS | EP_FACT_BASE | EP_FACT_FD | EP_FACT_EXE));
	CHECK_STR(ev.comm, "rm");
}

TEST(capture_every_truncation_fails)
{
	struct rec r;
	int bad = 0;

	build(&r);
	/* the header says its size: every shorter buffer is an error, none is read past */
	for (size_t n = 0; n < r.len; n++) {
		unsigned char *copy = malloc(n ? n : 1);

		memcpy(copy, r.b, n);
		if (capture_decode(copy, n, &ev) != -EINVAL)
			bad++;
		free(copy);
	}
	CHECK(bad == 0);
	/* and a header that agrees with the short length: a section runs past the end */
	for (size_t n = sizeof(struct ep_wire_hdr); n < r.len; n++) {
		struct ep_wire_hdr *h = (struct ep_wire_hdr *)r.b;

		build(&r);
		h->size = (__u32)n;
		if (capture_decode(r.b, n, &ev) != -EINVAL)
			bad++;
	}
	CHECK(bad == 0);
}

TEST(capture_lying_lengths_fail)
{
	struct ep_wire_hdr *h;
	struct rec r;

#define LIE(stmt)                                                                                  \
	do {                                                                                       \
		build(&r);                                                                         \
		h = (struct ep_wire_hdr *)r.b;                                                     \
		stmt;                                                                              \
		CHECK(capture_decode(r.b, r.len, &ev) == -EINVAL);                                 \
		CHECK(ev.pid == 0);                                                                \
	} while (0)
	LIE(h->rec_type = EP_REC_NOTICE);
	LIE(h->size = (__u32)r.len + 1);
	LIE(h->size = sizeof(*h) - 1);
	LIE(h->n_ev = EP_MAX_EV + 1);
	LIE(h->n_ev = 3);
	LIE(h->n_groups = 2);
	LIE(h->n_groups = 200);
	LIE(h->cr.ngroups = 40);
	LIE(h->n_sc_filter = 1);
	LIE(h->path_len = 2);
	LIE(h->path_len = 0);
	LIE(h->path_len = 0xffff);
	LIE(h->exe_len = 0xffff);
	LIE(h->exe_depth = 2);
	LIE(h->exe_depth = 4);
	LIE(h->facts &= ~EP_FACT_BASE);
	LIE(h->facts |= EP_FACT_OBJ);
	LIE(((struct ep_wire_inode *)(r.b + r.base_at))->path_len = 7);
	LIE(((struct ep_wire_inode *)(r.b + r.base_at))->depth = 3);
	LIE(((struct ep_wire_inode *)(r.b + r.obj_at))->path_len = 0xffff);
	LIE(((struct ep_wire_inode *)(r.b + r.obj_at))->flags = EP_IF_DETACHED);
	/* a name without its NUL at the end of the section */
	LIE(r.b[r.len - 1] = 'x');
	/* bytes the header counts but no section claims */
	LIE((r.b[r.len] = 0, r.len++, h->size++));
#undef LIE
}

TEST(capture_minimal_and_detached)
{
	struct ep_wire_hdr h = {.rec_type = EP_REC_DENIAL, .size = sizeof(h), .pid = 7};
	struct ep_wire_inode obj = {.mode = 0140777, .flags = EP_IF_DETACHED};
	unsigned char b[sizeof(h) + sizeof(obj)];

	CHECK(capture_decode(&h, sizeof(h), &ev) == 0);
	CHECK(ev.pid == 7 && ev.path[0] == 0 && ev.facts == 0);
	CHECK(capture_decode(NULL, 0, &ev) == -EINVAL);
	/* a socket: the mode, no path */
	h.facts = EP_FACT_FD;
	h.size = sizeof(b);
	memcpy(b, &h, sizeof(h));
	memcpy(b + sizeof(h), &obj, sizeof(obj));
	CHECK(capture_decode(b, sizeof(b), &ev) == 0);
	CHECK(ev.obj.mode == 0140777 && ev.obj.path[0] == 0 && (ev.obj.flags & EP_IF_DETACHED));
	/* the root directory: no names */
	obj.flags = 0;
	obj.mode = 040755;
	memcpy(b + sizeof(h), &obj, sizeof(obj));
	CHECK(capture_decode(b, sizeof(b), &ev) == 0);
	CHECK_STR(ev.obj.path, "/");
}

TEST(capture_longest_path_fits)
{
	static unsigned char b[EP_WIRE_MAX];
	struct ep_wire_hdr h = {.rec_type = EP_REC_DENIAL, .facts = EP_FACT_FD};
	struct ep_wire_inode obj = {.mode = 0100644};
	size_t len = sizeof(h) + sizeof(obj), names = 0;

	/* 2 names of 255 characters: 512 bytes with their NULs, one more than allowed */
	memset(b + len, 'a', 255);
	b[len + 255] = 0;
	memset(b + len + 256, 'b', 254);
	b[len + 510] = 0;
	names = 511;
	obj.path_len = (__u16)names;
	obj.depth = 2;
	h.size = (__u32)(len + names);
	memcpy(b, &h, sizeof(h));
	memcpy(b + sizeof(h), &obj, sizeof(obj));
	CHECK(capture_decode(b, h.size, &ev) == 0);
	CHECK(strlen(ev.obj.path) == 511 && ev.obj.path[0] == '/' && ev.obj.path[1] == 'b');
	/* one byte more does not fit the expanded path: refused */
	b[len + 510] = 'b';
	b[len + 511] = 0;
	obj.path_len = 512;
	h.size++;
	memcpy(b, &h, sizeof(h));
	memcpy(b + sizeof(h), &obj, sizeof(obj));
	CHECK(capture_decode(b, h.size, &ev) == -EINVAL);
}

/* An io_uring record: its section follows the header; without it the record is short. */
TEST(capture_iouring_section)
{
	struct ep_wire_hdr h = {.rec_type = EP_REC_DENIAL, .pid = 7, .tid = 7, .uring_op = 18};
	struct ep_wire_uring u = {.user_data = 0x7572696e67, .tid = 9};
	struct ep_evidence e = {.kind = EP_EV_CAP, .a = {1}};
	unsigned char b[sizeof(h) + sizeof(u) + sizeof(e)];

	h.flags = EP_F_IOURING;
	h.n_ev = 1;
	h.size = sizeof(b);
	memcpy(b, &h, sizeof(h));
	memcpy(b + sizeof(h), &u, sizeof(u));
	memcpy(b + sizeof(h) + sizeof(u), &e, sizeof(e));
	CHECK(capture_decode(b, sizeof(b), &ev) == 0);
	CHECK(ev.uring_user_data == 0x7572696e67 && ev.uring_tid == 9 && ev.uring_op == 18);
	CHECK(ev.n_ev == 1 && ev.ev[0].kind == EP_EV_CAP && ev.ev[0].a[0] == 1);
	/* the same bytes without the flag: evidence would start at the section */
	h.flags = 0;
	memcpy(b, &h, sizeof(h));
	CHECK(capture_decode(b, sizeof(b), &ev) == -EINVAL);
	/* the flag with no room for the section */
	h.flags = EP_F_IOURING;
	h.n_ev = 0;
	h.size = sizeof(h) + 8;
	memcpy(b, &h, sizeof(h));
	CHECK(capture_decode(b, sizeof(h) + 8, &ev) == -EINVAL);
}

#define SEED_SC_PROG                                                                               \
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0), BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 263, 0, 1),     \
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 1),                                      \
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)

/* Two records of the seccomp harness's stream (u16 length, bytes): the filter id's program
 * (unlinkat -> SECCOMP_RET_ERRNO | EPERM, else allow), then the denial r. */
static int put_sc_stream(FILE *f, __u64 id, const struct rec *r)
{
	static const struct sock_filter prog[] = {SEED_SC_PROG};
	struct {
		__u32 rec_type, len;
		__u64 id;
		struct sock_filter insn[4];
	} p = {EP_REC_SC_PROG, 4, id, {prog[0], prog[1], prog[2], prog[3]}};
	__u16 n = sizeof(p);

	if (fwrite(&n, 2, 1, f) != 1 || fwrite(&p, sizeof(p), 1, f) != 1)
		return -EIO;
	n = (__u16)r->len;
	if (fwrite(&n, 2, 1, f) != 1 || fwrite(r->b, 1, r->len, f) != r->len)
		return -EIO;
	return 0;
}

/* The seed's filter program decides the seed's denial: 1 (seccomp said EPERM). */
static int sc_seed_decides(struct ep_event *e)
{
	static const struct sock_filter prog[] = {SEED_SC_PROG};
	struct sc_cache *c;
	int r;

	if (sc_cache_new(4, NULL, NULL, &c))
		return -ENOMEM;
	r = sc_cache_add(c, 0x5eccull, prog, 4);
	if (!r)
		r = sc_eval_event(c, e);
	sc_cache_free(c);
	return r;
}

/* EPERMD_CAPTURE_SEED=FILE: write the good record as a seed for the capture fuzz harness
 * (tests/fuzz/corpus/capture/); otherwise nothing. EPERMD_CAPTURE_SEED_KIND: erofs (the mount
 * section), walk (the walk section, EP_FACT_OBJ), fold (a fold head, EP_F_FOLD_HEAD), else the
 * good record. */
TEST(capture_seed_writer)
{
	const char *out = getenv("EPERMD_CAPTURE_SEED");
	const char *kind = getenv("EPERMD_CAPTURE_SEED_KIND");
	static struct rec r;
	FILE *f;

	kind = kind ? kind : "";
	if (!strcmp(kind, "erofs"))
		build_rofs(&r);
	else
		build_rec(&r, !strcmp(kind, "walk"), !strcmp(kind, "seccomp") ? 0x5eccull : 0);
	if (!strcmp(kind, "fold")) {
		struct ep_wire_hdr h;

		memcpy(&h, r.b, sizeof(h));
		h.flags |= EP_F_FOLD_HEAD;
		h.seq = 77;
		memcpy(r.b, &h, sizeof(h));
	}
	CHECK(capture_decode(r.b, r.len, &ev) == 0);
	CHECK(!strcmp(kind, "walk") ? ev.n_walk == 2 : ev.n_walk == 0);
	if (!strcmp(kind, "seccomp"))
		CHECK(sc_seed_decides(&ev) == 1); /* the seed reaches the chain's verdict */
	if (!out)
		return;
	f = fopen(out, "wb");
	CHECK(f != NULL);
	if (!f)
		return;
	/* seccomp: the harness's stream (tests/fuzz/seccomp.c), the filter's record first */
	if (!strcmp(kind, "seccomp"))
		CHECK(put_sc_stream(f, 0x5eccull, &r) == 0);
	else
		CHECK(fwrite(r.b, 1, r.len, f) == r.len);
	fclose(f);
}
