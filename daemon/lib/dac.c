// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* DAC re-check for the cause engine: which class (owner/group/other/ACL entry) applies to the
 * process and whether it grants what the syscall wanted. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dac.h"

#define CAP_BIT(c)	     (1ull << (c))
#define CAPN_DAC_OVERRIDE    1
#define CAPN_DAC_READ_SEARCH 2

/* The kernel's credentials at the denial (ev.cr) win over /proc, which is read later. */
static bool cr_at_denial(const struct denial *d)
{
	return d->ev.facts & EP_FACT_CREDS;
}

uid_t dac_fsuid(const struct denial *d)
{
	if (cr_at_denial(d))
		return d->ev.cr.fsuid;
	return d->proc.valid ? d->proc.fsuid : d->ev.fsuid;
}

gid_t dac_fsgid(const struct denial *d)
{
	if (cr_at_denial(d))
		return d->ev.cr.fsgid;
	return d->proc.valid ? d->proc.fsgid : d->ev.egid;
}

int dac_has_cap(const struct denial *d, int cap)
{
	if (cap < 0 || cap > 63)
		return -1;
	if (cr_at_denial(d))
		return !!(d->ev.cr.cap_eff & CAP_BIT(cap));
	if (d->proc.valid)
		return !!(d->proc.cap_eff & CAP_BIT(cap));
	return -1;
}

bool dac_in_groups(const struct denial *d, gid_t g)
{
	if (g == dac_fsgid(d))
		return true;
	if (cr_at_denial(d)) {
		for (int i = 0; i < d->ev.cr.ngroups && i < EP_MAX_GROUPS; i++)
			if (d->ev.cr.groups[i] == g)
				return true;
		if (!(d->ev.facts & EP_FACT_GROUPS_TRUNC))
			return false;
	}
	for (int i = 0; d->proc.valid && i < d->proc.ngroups && i < DN_MAX_GROUPS; i++)
		if (d->proc.groups[i] == g)
			return true;
	return false;
}

const char *dac_bits(int bits, char *buf)
{
	int n = 0;

	if (bits & DAC_R)
		buf[n++] = 'r';
	if (bits & DAC_W)
		buf[n++] = 'w';
	if (bits & DAC_X)
		buf[n++] = 'x';
	if (!n)
		buf[n++] = '-';
	buf[n] = '\0';
	return buf;
}

static int perm_bits(const char *p)
{
	int b = 0;

	for (int i = 0; i < 3 && p[i] && p[i] != ','; i++) {
		if (p[i] == 'r')
			b |= DAC_R;
		else if (p[i] == 'w')
			b |= DAC_W;
		else if (p[i] == 'x')
			b |= DAC_X;
	}
	return b;
}

struct acl_view {
	int mask;		 /* -1 when there is no mask entry */
	int user_perm, user_hit; /* named user entry matching fsuid */
	int group_perm, group_hit;
};

/* Walk "tag:qualifier:perms" entries separated by ',' or newlines. */
static void acl_scan(const struct denial *d, const char *acl, gid_t owner_gid, int group_obj,
		     struct acl_view *v)
{
	const char *p = acl;

	v->mask = -1;
	v->user_hit = v->group_hit = 0;
	v->user_perm = v->group_perm = 0;
	if (dac_in_groups(d, owner_gid)) {
		v->group_hit = 1;
		v->group_perm = group_obj;
	}
	while (p && *p) {
		const char *c1 = strchr(p, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		const char *end = p + strcspn(p, ",\n");
		long q;

		if (!c1 || !c2 || c2 > end)
			goto next;
		q = c1 + 1 == c2 ? -1 : strtol(c1 + 1, NULL, 10);
		if (!strncmp(p, "mask", 4))
			v->mask = perm_bits(c2 + 1);
		else if (!strncmp(p, "user", 4) && q >= 0 && (uid_t)q == dac_fsuid(d)) {
			v->user_hit = 1;
			v->user_perm = perm_bits(c2 + 1);
		} else if (!strncmp(p, "group", 5) && q >= 0 && dac_in_groups(d, (gid_t)q)) {
			v->group_hit = 1;
			v->group_perm |= perm_bits(c2 + 1);
		}
	next:
		p = *end ? end + 1 : end;
	}
}

/* Granted DAC_* bits for the object, without capabilities. */
static int mode_perms(const struct denial *d, mode_t mode, uid_t uid, gid_t gid, bool has_acl,
		      const char *acl, const char **role)
{
	struct acl_view v;

	if (dac_fsuid(d) == uid) {
		*role = "owner";
		return (mode >> 6) & 7;
	}
	if (has_acl && acl && *acl) {
		/* with an ACL, the group bits of the mode are the mask */
		acl_scan(d, acl, gid, (mode >> 3) & 7, &v);
		if (v.mask < 0)
			v.mask = 7;
		if (v.user_hit) {
			*role = "named user";
			return v.user_perm & v.mask;
		}
		if (v.group_hit) {
			*role = "named group";
			return v.group_perm & v.mask;
		}
	} else if (dac_in_groups(d, gid)) {
		*role = "owning group";
		return (mode >> 3) & 7;
	}
	*role = "other";
	return mode & 7;
}

static bool has_cap(const struct denial *d, int cap)
{
	int h = dac_has_cap(d, cap);

	return h < 0 ? dac_fsuid(d) == 0 : h;
}

int dac_caps_unmapped(const struct denial *d, uid_t uid, gid_t gid)
{
	if (!d->ev.userns_level)
		return 0;
	if (!d->proc.idmap_valid)
		return -1;
	return !idmap_has(&d->proc.uid_map, uid) || !idmap_has(&d->proc.gid_map, gid);
}

/* What CAP_DAC_OVERRIDE/CAP_DAC_READ_SEARCH add for an inode of @uid:@gid: nothing in a child
 * user namespace that does not map them (capable_wrt_inode_uidgid()) */
static int cap_perms(const struct denial *d, mode_t mode, uid_t uid, gid_t gid, int want)
{
	int g = 0;

	if (dac_caps_unmapped(d, uid, gid) == 1)
		return 0;

	if (has_cap(d, CAPN_DAC_OVERRIDE)) {
		g |= DAC_R | DAC_W;
		if (S_ISDIR(mode) || (mode & 0111))
			g |= DAC_X;
	}
	if (has_cap(d, CAPN_DAC_READ_SEARCH)) {
		g |= DAC_R;
		if (S_ISDIR(mode))
			g |= DAC_X;
	}
	return g & want;
}

static void check_one(const struct denial *d, mode_t mode, uid_t uid, gid_t gid, bool has_acl,
		      const char *acl, int want, struct dac_result *r)
{
	const char *role = "other";
	int g = mode_perms(d, mode, uid, gid, has_acl, acl, &role) & want;

	r->decided = true;
	r->want = want;
	r->role = role;
	if ((g | cap_perms(d, mode, uid, gid, want)) == want && g != want) {
		r->role = "capability";
		g = want;
	}
	r->granted = g;
	r->denied = g != want;
}

static int open_want(long fl)
{
	int w = 0;

	if ((fl & O_ACCMODE) == O_RDONLY || (fl & O_ACCMODE) == O_RDWR)
		w |= DAC_R;
	if ((fl & O_ACCMODE) != O_RDONLY || (fl & O_TRUNC))
		w |= DAC_W;
	return w;
}

/* What the syscall asks of the object itself (0 = nothing decidable) and of its parent. */
static void wanted(const struct denial *d, const struct sc_info *si, int *obj, int *dir)
{
	long fl;

	*obj = 0;
	*dir = DAC_X; /* path lookup needs search permission */
	/* connect() to an AF_UNIX socket file (the path comes with io_uring CONNECT records):
	 * unix_find_bsd() asks for write permission on the socket inode */
	if (si->name && !strcmp(si->name, "connect") && d->ev.path[0]) {
		*obj = DAC_W;
		return;
	}
	switch (si->cls) {
	case SC_OPEN:
		fl = sc_open_flags(d, si);
		if (fl < 0)
			break;
		if (!d->file.valid && (fl & O_CREAT))
			*dir = DAC_W | DAC_X;
		else
			*obj = open_want(fl);
		break;
	case SC_EXEC:
		*obj = DAC_X;
		break;
	case SC_SETATTR:
		/* utimensat(..., NULL) and utimes/utime(path, NULL), truncate: the write bit */
		if ((!strcmp(si->name, "utimensat") && !d->ev.args[2]) ||
		    (!strcmp(si->name, "futimesat") && !d->ev.args[2]) ||
		    ((!strcmp(si->name, "utimes") || !strcmp(si->name, "utime")) &&
		     !d->ev.args[1]) ||
		    !strcmp(si->name, "truncate"))
			*obj = DAC_W;
		break;
	case SC_ACCESS:
		*obj = (int)(d->ev.args[strcmp(si->name, "access") ? 2 : 1] & 7);
		break;
	case SC_CHDIR:
	case SC_CHROOT:
		*obj = DAC_X;
		break;
	case SC_UNLINK:
	case SC_RMDIR:
	case SC_RENAME:
	case SC_CREATE:
	case SC_LINK:
		*dir = DAC_W | DAC_X;
		break;
	default:
		*dir = 0;
		break;
	}
}

bool dac_may_search(const struct denial *d, mode_t mode, uid_t uid, gid_t gid, bool has_acl,
		    const char *acl, const char **role)
{
	struct dac_result r;

	check_one(d, (mode & 07777) | S_IFDIR, uid, gid, has_acl, acl, DAC_X, &r);
	if (role)
		*role = r.role;
	return !r.denied;
}

void dac_check(const struct denial *d, const struct sc_info *si, struct dac_result *r)
{
	const struct dn_walk *w = &d->walk;

	memset(r, 0, sizeof(*r));
	if (w->done && w->blocked) {
		check_one(d, (w->mode & 07777) | S_IFDIR, w->uid, w->gid, w->has_acl, w->acl_text,
			  DAC_X, r);
		r->on_walk = true;
		return;
	}
	dac_check_object(d, si, r);
}

void dac_check_object(const struct denial *d, const struct sc_info *si, struct dac_result *r)
{
	const struct dn_file *f = &d->file;
	int obj, dir;

	memset(r, 0, sizeof(*r));
	wanted(d, si, &obj, &dir);
	if (dir && f->parent_valid && !d->path_from_fd) {
		check_one(d, f->parent_mode | S_IFDIR, f->parent_uid, f->parent_gid, false, NULL,
			  dir, r);
		r->on_parent = true;
		if (r->denied || !obj)
			return;
	}
	if (obj && f->valid) {
		check_one(d, f->mode, f->uid, f->gid, f->has_acl, f->acl_text, obj, r);
		r->on_parent = false;
		return;
	}
	if (obj)
		memset(r, 0, sizeof(*r));
}
