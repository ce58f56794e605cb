// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Decoder of the compact denial record the BPF side writes (layout: include/epermd.h, above
 * struct ep_wire_hdr). The record comes from the kernel, but it is still input: a length or
 * count that does not fit the bytes received makes the whole record invalid (-EINVAL), which
 * the tracer counts as a decode error. The rest of the daemon sees only struct ep_event.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "capture.h"

/* A cursor over the record: take() hands out the next n bytes, or NULL past the end. */
struct cur {
	const unsigned char *p;
	size_t left;
};

static const void *take(struct cur *c, size_t n)
{
	const void *r = c->p;

	if (n > c->left)
		return NULL;
	c->p += n;
	c->left -= n;
	return r;
}

/* n NUL-terminated names of at most max - 1 characters each, exactly filling len bytes. */
static int names_check(const char *s, size_t len, unsigned n, size_t max)
{
	unsigned k = 0;
	size_t i = 0;

	while (i < len) {
		size_t l = strnlen(s + i, len - i);

		if (i + l == len || l + 1 > max)
			return -EINVAL;
		i += l + 1;
		k++;
	}
	return k == n ? 0 : -EINVAL;
}

static int exe_decode(struct ep_event *ev, const char *s, size_t len, unsigned depth)
{
	size_t i = 0;

	if (depth > EP_EXE_DEPTH || len > EP_EXE_DEPTH * EP_EXE_COMP_LEN ||
	    names_check(s, len, depth, EP_EXE_COMP_LEN))
		return -EINVAL;
	for (unsigned k = 0; k < depth; k++) {
		size_t l = strlen(s + i);

		memcpy(ev->exe_comp[k], s + i, l + 1);
		i += l + 1;
	}
	return 0;
}

/* Join names given innermost first into "/a/b/c" (the root alone is "/"); path holds
 * EP_FACT_PATH_LEN bytes, *path_len gets the length. DETACHED (flags): no path, no names. */
static int path_join_rev(char *path, __u16 *path_len, __u16 flags, const char *s, size_t len,
			 unsigned depth)
{
	const char *name[EP_WIRE_PATH_DEPTH];
	size_t used = 0, i = 0;

	if (depth > EP_WIRE_PATH_DEPTH || len > EP_FACT_PATH_LEN - 1 ||
	    names_check(s, len, depth, EP_WIRE_NAME_MAX))
		return -EINVAL;
	for (unsigned k = 0; k < depth; k++) {
		name[k] = s + i;
		i += strlen(s + i) + 1;
	}
	if (flags & EP_IF_DETACHED) {
		/* no path from the task's root: only the facts */
		if (depth)
			return -EINVAL;
		path[0] = '\0';
		return 0;
	}
	if (!depth)
		path[used++] = '/';
	for (unsigned k = depth; k-- > 0;) {
		size_t l = strlen(name[k]);

		/* names and their NULs fit EP_FACT_PATH_LEN - 1 bytes: the joined path fits too */
		path[used++] = '/';
		memcpy(path + used, name[k], l);
		used += l;
	}
	path[used] = '\0';
	*path_len = (__u16)used;
	return 0;
}

static void inode_copy(struct ep_inode_facts *f, const struct ep_wire_inode *w)
{
	f->dev = w->dev;
	f->ino = w->ino;
	f->fs_magic = w->fs_magic;
	f->mode = w->mode;
	f->uid = w->uid;
	f->gid = w->gid;
	f->i_flags = w->i_flags;
	f->mnt_flags = w->mnt_flags;
	f->rdev = w->rdev;
	f->flags = w->flags;
}

static void hdr_copy(struct ep_event *ev, const struct ep_wire_hdr *h)
{
	ev->ts_ns = h->ts_ns;
	ev->seq = h->seq;
	ev->cgroup_id = h->cgroup_id;
	memcpy(ev->args, h->args, sizeof(ev->args));
	ev->pid = h->pid;
	ev->tid = h->tid;
	ev->ppid = h->ppid;
	ev->userns_ino = h->userns_ino;
	ev->mntns_ino = h->mntns_ino;
	ev->userns_level = h->userns_level;
	ev->syscall_nr = h->syscall_nr;
	ev->ret = h->ret;
	ev->flags = h->flags;
	ev->facts = h->facts;
	memcpy(ev->comm, h->comm, EP_COMM_LEN);
	ev->comm[EP_COMM_LEN - 1] = '\0';
	ev->path_arg = h->path_arg;
	ev->n_ev = h->n_ev;
	ev->exe_depth = h->exe_depth;
	ev->exe_flags = h->exe_flags;
	ev->uring_op = h->uring_op;
	ev->n_sc_filter = h->n_sc_filter;
	ev->sc_chain_trunc = h->sc_chain_trunc;
	ev->ip = h->ip;
	ev->bind_port = (h->facts & EP_FACT_PORT) ? h->bind_port : 0;
	_Static_assert(sizeof(h->cr) <= sizeof(ev->cr), "creds prefix");
	memcpy(&ev->cr, &h->cr, sizeof(h->cr));
	/* the credential summary every consumer of ep_event reads */
	ev->uid = h->cr.ruid;
	ev->gid = h->cr.rgid;
	ev->euid = h->cr.euid;
	ev->egid = h->cr.egid;
	ev->fsuid = h->cr.fsuid;
}

static int hdr_check(const struct ep_wire_hdr *h, size_t size)
{
	if (h->rec_type != EP_REC_DENIAL || h->size < sizeof(*h) || h->size > size ||
	    h->size > EP_WIRE_MAX)
		return -EINVAL;
	if (h->n_ev > EP_MAX_EV || h->n_groups > EP_MAX_GROUPS ||
	    h->n_sc_filter > EP_MAX_SC_FILTERS || h->path_len > EP_PATH_LEN - 1)
		return -EINVAL;
	if (!(h->facts & EP_FACT_CREDS) && (h->n_groups || (h->facts & EP_FACT_GROUPS_TRUNC)))
		return -EINVAL;
	if ((h->facts & EP_FACT_CREDS) &&
	    (h->n_groups > h->cr.ngroups ||
	     h->n_groups != (h->cr.ngroups > EP_MAX_GROUPS ? EP_MAX_GROUPS : h->cr.ngroups) ||
	     (h->cr.ngroups > EP_MAX_GROUPS && !(h->facts & EP_FACT_GROUPS_TRUNC))))
		return -EINVAL;
	if ((h->facts & EP_FACT_FD) && (h->facts & EP_FACT_OBJ))
		return -EINVAL;
	if ((h->facts & EP_FACT_PARENT) && !(h->facts & EP_FACT_BASE))
		return -EINVAL;
	if (!(h->facts & EP_FACT_WALK) != !h->n_walk)
		return -EINVAL;
	return 0;
}

/* The fixed-size sections after the header: io_uring, evidence, groups, seccomp chain. */
static int fixed_decode(struct ep_event *ev, const struct ep_wire_hdr *h, struct cur *c)
{
	size_t gbytes = ((size_t)h->n_groups * 4 + 7) & ~(size_t)7;
	const void *p;

	if (h->flags & EP_F_IOURING) {
		struct ep_wire_uring u;

		if (!(p = take(c, sizeof(u))))
			return -EINVAL;
		memcpy(&u, p, sizeof(u));
		ev->uring_user_data = u.user_data;
		ev->uring_tid = u.tid;
	}
	if (!(p = take(c, (size_t)h->n_ev * sizeof(struct ep_evidence))))
		return -EINVAL;
	memcpy(ev->ev, p, (size_t)h->n_ev * sizeof(struct ep_evidence));
	if (!(p = take(c, gbytes)))
		return -EINVAL;
	memcpy(ev->cr.groups, p, (size_t)h->n_groups * 4);
	if (!(p = take(c, (size_t)h->n_sc_filter * 8)))
		return -EINVAL;
	memcpy(ev->sc_filter, p, (size_t)h->n_sc_filter * 8);
	return 0;
}

/* A section that starts at the record's next multiple of 8: its first n bytes, or NULL. */
static const void *take_aligned(struct cur *c, const unsigned char *rec, size_t n)
{
	if (!take(c, (8 - (size_t)(c->p - rec) % 8) % 8))
		return NULL;
	return take(c, n);
}

/* The path section after an inode or mount section's facts. */
static int take_path(struct cur *c, char *path, __u16 *path_len, __u16 flags, size_t len,
		     unsigned depth)
{
	const char *s = take(c, len);

	return s ? path_join_rev(path, path_len, flags, s, len, depth) : -EINVAL;
}

/* An inode section: padding to the record's next multiple of 8, the facts, their names. */
static int inode_decode(struct ep_inode_facts *f, const unsigned char *rec, struct cur *c)
{
	struct ep_wire_inode w;
	const void *p;

	if (!(p = take_aligned(c, rec, sizeof(w))))
		return -EINVAL;
	memcpy(&w, p, sizeof(w));
	inode_copy(f, &w);
	return take_path(c, f->path, &f->path_len, f->flags, w.path_len, w.depth);
}

/* The mount section (EP_FACT_MNT): the same layout with struct ep_wire_mount. */
static int mount_decode(struct ep_mount_facts *f, const unsigned char *rec, struct cur *c)
{
	struct ep_wire_mount w;
	const void *p;

	if (!(p = take_aligned(c, rec, sizeof(w))))
		return -EINVAL;
	memcpy(&w, p, sizeof(w));
	f->mnt_id = w.mnt_id;
	f->mnt_flags = w.mnt_flags;
	f->sb_flags = w.sb_flags;
	f->mnt_ns = w.mnt_ns;
	f->dev = w.dev;
	f->flags = w.flags;
	return take_path(c, f->path, &f->path_len, f->flags, w.path_len, w.depth);
}

/* The walk section: padding to the record's next multiple of 8, n_walk directories. */
static int walk_decode(struct ep_event *ev, const struct ep_wire_hdr *h, const unsigned char *rec,
		       struct cur *c)
{
	const void *p;

	if (!h->n_walk || h->n_walk > EP_WIRE_PATH_DEPTH ||
	    !take(c, (8 - (size_t)(c->p - rec) % 8) % 8) ||
	    !(p = take(c, (size_t)h->n_walk * sizeof(struct ep_dir_facts))))
		return -EINVAL;
	memcpy(ev->walk, p, (size_t)h->n_walk * sizeof(struct ep_dir_facts));
	ev->n_walk = h->n_walk;
	return 0;
}

int capture_decode(const void *data, size_t size, struct ep_event *out)
{
	const unsigned char *rec = data;
	struct ep_wire_hdr h;
	struct cur c;
	const char *s;
	int err;

	memset(out, 0, sizeof(*out));
	if (!data || size < sizeof(h))
		return -EINVAL;
	memcpy(&h, data, sizeof(h));
	err = hdr_check(&h, size);
	if (err)
		return err;
	c = (struct cur){rec + sizeof(h), h.size - sizeof(h)};
	hdr_copy(out, &h);
	if (fixed_decode(out, &h, &c))
		goto fail;
	if (!(s = take(&c, h.path_len)))
		goto fail;
	memcpy(out->path, s, h.path_len);
	out->path[h.path_len] = '\0';
	out->path_len = h.path_len;
	if (!(s = take(&c, h.exe_len)) || exe_decode(out, s, h.exe_len, h.exe_depth))
		goto fail;
	if ((h.facts & EP_FACT_BASE) && inode_decode(&out->base, rec, &c))
		goto fail;
	if ((h.facts & EP_FACT_WALK) && walk_decode(out, &h, rec, &c))
		goto fail;
	if ((h.facts & (EP_FACT_FD | EP_FACT_OBJ)) && inode_decode(&out->obj, rec, &c))
		goto fail;
	if ((h.facts & EP_FACT_MNT) && mount_decode(&out->mnt, rec, &c))
		goto fail;
	/* bytes the header counts but no section claims: the lengths lie */
	if (c.left)
		goto fail;
	return 0;
fail:
	memset(out, 0, sizeof(*out));
	return -EINVAL;
}

int capture_sc_prog(const void *data, size_t size, const struct ep_sc_prog **out)
{
	__u32 type, len;

	*out = NULL;
	if (!data || size < offsetof(struct ep_sc_prog, insn))
		return -EINVAL;
	memcpy(&type, data, sizeof(type));
	memcpy(&len, (const char *)data + offsetof(struct ep_sc_prog, len), sizeof(len));
	if (type != EP_REC_SC_PROG || len > EP_SC_MAX_INSNS ||
	    size < offsetof(struct ep_sc_prog, insn) + 8 * (size_t)len)
		return -EINVAL;
	*out = data;
	return 0;
}
