// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "dac.h"
#include "fileinfo.h"
#include "procinfo.h"

#define MOUNTINFO_MAX (4u << 20)

/* Copy one space-separated mountinfo field, decoding the \ooo escapes the kernel writes. */
static const char *mi_field(const char *s, char *out, size_t n)
{
	size_t len = 0;

	while (*s == ' ')
		s++;
	while (*s && *s != ' ' && *s != '\n') {
		char c = *s++;

		if (c == '\\' && s[0] >= '0' && s[0] <= '3' && s[1] >= '0' && s[1] <= '7' &&
		    s[2] >= '0' && s[2] <= '7') {
			c = (char)((s[0] - '0') << 6 | (s[1] - '0') << 3 | (s[2] - '0'));
			s += 3;
		}
		if (len + 1 < n)
			out[len++] = c;
	}
	if (n)
		out[len] = '\0';
	return s;
}

static bool has_opt(const char *opts, const char *opt)
{
	size_t l = strlen(opt);

	for (const char *p = opts; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (!strncmp(p, opt, l) && (p[l] == ',' || p[l] == '\0'))
			return true;
	return false;
}

/* Is mp a mount point that contains path (component-wise prefix)? Returns its length or -1. */
static int mp_prefix(const char *mp, const char *path)
{
	size_t l = strlen(mp);

	if (!strcmp(mp, "/"))
		return path[0] == '/' ? 1 : -1;
	if (strncmp(mp, path, l))
		return -1;
	if (path[l] != '/' && path[l] != '\0')
		return -1;
	return (int)l;
}

int mountinfo_lookup(const char *text, const char *path, int mnt_id, struct dn_file *f)
{
	const char *line = text, *best = NULL;
	int best_len = -1;
	char mp[DN_STR], opts[DN_STR], tmp[DN_STR], fstype[32], super[DN_STR];

	for (int pass = 0; pass < 2 && !best; pass++) {
		for (line = text; line && *line;
		     line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
			const char *s = line;
			int id;

			s = mi_field(s, tmp, sizeof(tmp)); /* mount id */
			id = atoi(tmp);
			s = mi_field(s, tmp, sizeof(tmp)); /* parent id */
			s = mi_field(s, tmp, sizeof(tmp)); /* major:minor */
			s = mi_field(s, tmp, sizeof(tmp)); /* root */
			mi_field(s, mp, sizeof(mp));
			if (pass == 0) {
				if (mnt_id <= 0)
					break;
				if (id == mnt_id) {
					best = line;
					break;
				}
			} else {
				int l = mp_prefix(mp, path);

				if (l >= 0 && l >= best_len) {
					best = line;
					best_len = l;
				}
			}
		}
	}
	if (!best)
		return -ENOENT;

	line = best;
	for (int i = 0; i < 4; i++) {
		unsigned maj, min;

		line = mi_field(line, tmp, sizeof(tmp));
		if (i == 2 && sscanf(tmp, "%u:%u", &maj, &min) == 2) {
			f->mnt_dev = makedev(maj, min);
			f->mnt_dev_valid = true;
		}
	}
	line = mi_field(line, mp, sizeof(mp));
	line = mi_field(line, opts, sizeof(opts));
	/* optional fields up to the "-" separator */
	for (;;) {
		line = mi_field(line, tmp, sizeof(tmp));
		if (!tmp[0] || !strcmp(tmp, "-"))
			break;
	}
	line = mi_field(line, fstype, sizeof(fstype));
	line = mi_field(line, tmp, sizeof(tmp)); /* source */
	mi_field(line, super, sizeof(super));

	snprintf(f->mount_point, sizeof(f->mount_point), "%s", mp);
	snprintf(f->mount_opts, sizeof(f->mount_opts), "%s", opts);
	snprintf(f->fstype, sizeof(f->fstype), "%s", fstype);
	f->mnt_noexec = has_opt(opts, "noexec");
	f->mnt_nosuid = has_opt(opts, "nosuid");
	f->mnt_nodev = has_opt(opts, "nodev");
	f->mnt_ro = has_opt(opts, "ro") || has_opt(super, "ro");
	return 0;
}

/*
 * (fileinfo.h) The mount mountinfo gave for the path later must be the one the kernel's object was
 * on: a tmpfs unmounted right after the denial leaves the path under the mount below it ("/"),
 * which would be named as the noexec mount. @kdev is new_encode_dev(sb->s_dev).
 */
void mountinfo_check_dev(struct dn_file *f, uint64_t kdev)
{
	dev_t dev = makedev((unsigned)((kdev & 0xfff00) >> 8),
			    (unsigned)((kdev & 0xff) | ((kdev >> 12) & 0xfff00)));

	if (!kdev || !f->mount_point[0] || !f->mnt_dev_valid || f->mnt_dev == dev)
		return;
	f->mount_gone = true;
	f->obj_dev = dev;
	f->mount_point[0] = f->mount_opts[0] = f->fstype[0] = '\0';
	f->mnt_dev_valid = false;
}

static void perm_str(unsigned perm, char out[4])
{
	out[0] = perm & 4 ? 'r' : '-';
	out[1] = perm & 2 ? 'w' : '-';
	out[2] = perm & 1 ? 'x' : '-';
	out[3] = '\0';
}

/* The on-disk/xattr layout of a POSIX ACL (little endian): a version, then (tag, perm, id). */
#define ACL_XATTR_VERSION 2
#define ACL_TAG_USER	  0x02
#define ACL_TAG_GROUP	  0x08
#define ACL_TAG_MASK	  0x10

int acl_xattr_to_text(const void *buf, size_t len, char *out, size_t n)
{
	const uint8_t *p = buf;
	size_t used = 0;
	int named = 0;

	if (n)
		out[0] = '\0';
	if (len < 4 || (len - 4) % 8)
		return -EINVAL;
	if ((uint32_t)(p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24) != ACL_XATTR_VERSION)
		return -EINVAL;
	for (size_t off = 4; off < len; off += 8) {
		unsigned tag = p[off] | p[off + 1] << 8;
		unsigned perm = p[off + 2] | p[off + 3] << 8;
		uint32_t id =
		    p[off + 4] | p[off + 5] << 8 | p[off + 6] << 16 | (uint32_t)p[off + 7] << 24;
		char ps[4], ent[48];

		perm_str(perm, ps);
		if (tag == ACL_TAG_USER)
			snprintf(ent, sizeof(ent), "user:%u:%s", id, ps);
		else if (tag == ACL_TAG_GROUP)
			snprintf(ent, sizeof(ent), "group:%u:%s", id, ps);
		else if (tag == ACL_TAG_MASK)
			snprintf(ent, sizeof(ent), "mask::%s", ps);
		else
			continue;
		if (tag != ACL_TAG_MASK)
			named++;
		if (used + strlen(ent) + 2 < n)
			used +=
			    (size_t)snprintf(out + used, n - used, "%s%s", used ? "," : "", ent);
	}
	return named ? 1 : 0;
}

void path_join(const char *base, const char *rel, char *out, size_t n)
{
	size_t bl;

	if (rel[0] == '/' || !base || !base[0]) {
		snprintf(out, n, "%s", rel);
		return;
	}
	while (rel[0] == '.' && (rel[1] == '/' || rel[1] == '\0')) {
		rel += rel[1] ? 2 : 1;
		while (*rel == '/')
			rel++;
	}
	bl = strlen(base);
	while (bl > 1 && base[bl - 1] == '/')
		bl--;
	if (!*rel)
		snprintf(out, n, "%.*s", (int)bl, base);
	else
		snprintf(out, n, "%.*s%s%s", (int)bl, base, (bl == 1 && base[0] == '/') ? "" : "/",
			 rel);
}

bool fs_may_block(const char *t)
{
	static const char *const slow[] = {"fuse", "nfs", "cifs", "smb3",     "smbfs",
					   "ceph", "afs", "9p",	  "glusterfs"};

	for (size_t i = 0; i < sizeof(slow) / sizeof(slow[0]); i++) {
		size_t l = strlen(slow[i]);

		if (!strncmp(t, slow[i], l) &&
		    (t[l] == '\0' || t[l] == '.' || isdigit((unsigned char)t[l]) ||
		     !strcmp(t + l, "blk")))
			return true;
	}
	return false;
}

/* One cached mountinfo per mount namespace for a second: storms would re-read it per denial.
 * Only the worker thread enriches. */
static struct {
	char *text;
	size_t cap;
	unsigned long ns;
	struct timespec at;
} mi_cache;

static const char *mountinfo_text(int pdfd, unsigned long ns, bool fresh)
{
	struct timespec now;
	int fd;
	size_t len = 0;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!fresh && mi_cache.text && mi_cache.ns == ns && ns &&
	    now.tv_sec - mi_cache.at.tv_sec < 1)
		return mi_cache.text;
	if (!mi_cache.text) {
		mi_cache.cap = 64 * 1024;
		mi_cache.text = malloc(mi_cache.cap);
		if (!mi_cache.text)
			return NULL;
	}
	fd = pdfd >= 0 ? openat(pdfd, "mountinfo", O_RDONLY | O_CLOEXEC) : -1;
	if (fd < 0)
		fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	for (;;) {
		ssize_t r;

		if (len + 1 >= mi_cache.cap) {
			char *t;

			if (mi_cache.cap >= MOUNTINFO_MAX)
				break;
			t = realloc(mi_cache.text, mi_cache.cap * 2);
			if (!t)
				break;
			mi_cache.text = t;
			mi_cache.cap *= 2;
		}
		r = read(fd, mi_cache.text + len, mi_cache.cap - 1 - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	mi_cache.text[len] = '\0';
	mi_cache.ns = ns;
	mi_cache.at = now;
	return mi_cache.text;
}

/* Does the mountinfo text have a line for mount id? */
static bool mi_has_id(const char *text, int id)
{
	for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (atoi(l) == id)
			return true;
	return false;
}

/* The mount of an examined object by its id. A mount made within the cache's second (a
 * scratch tmpfs, a unit's mounts) is not in the cached text: read it again. */
static void mount_by_id(const struct file_ctx *c, const char *mi, const char *path, int id,
			struct dn_file *f)
{
	if (!mi_has_id(mi, id))
		mi = mountinfo_text(c->other_mntns ? c->pdfd : -1, c->mntns_ino, true);
	if (mi)
		mountinfo_lookup(mi, path, id, f);
}

static int openat2_path(int dfd, const char *p, bool nofollow, uint64_t resolve)
{
	struct open_how how = {
	    .flags = O_PATH | O_CLOEXEC | (nofollow ? O_NOFOLLOW : 0),
	    .resolve = resolve | RESOLVE_NO_MAGICLINKS,
	};
	long fd = syscall(SYS_openat2, dfd, p, &how, sizeof(how));

	return fd < 0 ? -errno : (int)fd;
}

struct stat_out {
	bool valid, immutable, append_only, flags_valid, acl;
	mode_t mode;
	uid_t uid;
	gid_t gid;
	dev_t rdev;
	int mnt_id;
	char acl_text[DN_STR];
};

static void stat_fd(int fd, bool want_acl, struct stat_out *o)
{
	struct statx stx;
	char self[64];

	memset(o, 0, sizeof(*o));
	/* DONT_SYNC: cached attributes are enough and never wait for a server. */
	if (statx(fd, "", AT_EMPTY_PATH | AT_STATX_DONT_SYNC, STATX_BASIC_STATS | STATX_MNT_ID,
		  &stx))
		return;
	o->valid = true;
	o->mode = stx.stx_mode;
	o->uid = stx.stx_uid;
	o->gid = stx.stx_gid;
	o->rdev = makedev(stx.stx_rdev_major, stx.stx_rdev_minor);
	o->mnt_id = (stx.stx_mask & STATX_MNT_ID) ? (int)stx.stx_mnt_id : 0;
	snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
	if ((stx.stx_attributes_mask & (STATX_ATTR_IMMUTABLE | STATX_ATTR_APPEND)) ==
	    (STATX_ATTR_IMMUTABLE | STATX_ATTR_APPEND)) {
		o->flags_valid = true;
		o->immutable = stx.stx_attributes & STATX_ATTR_IMMUTABLE;
		o->append_only = stx.stx_attributes & STATX_ATTR_APPEND;
	} else if (S_ISREG(stx.stx_mode) || S_ISDIR(stx.stx_mode)) {
		/* Reopen the inode we already checked through our own O_PATH fd: no second
		 * walk, so it cannot have turned into a FIFO or a device meanwhile. */
		int rfd = open(self, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
		int fl = 0;

		if (rfd >= 0) {
			if (!ioctl(rfd, FS_IOC_GETFLAGS, &fl)) {
				o->flags_valid = true;
				o->immutable = fl & FS_IMMUTABLE_FL;
				o->append_only = fl & FS_APPEND_FL;
			}
			close(rfd);
		}
	}
	if (want_acl && !S_ISLNK(stx.stx_mode)) {
		uint8_t x[1024];
		ssize_t n = getxattr(self, "system.posix_acl_access", x, sizeof(x));

		if (n > 0 && acl_xattr_to_text(x, (size_t)n, o->acl_text, sizeof(o->acl_text)) > 0)
			o->acl = true;
	}
}

/* The parent of p as a string ("." for a bare relative name, "/" for "/x"). */
static void parent_of(const char *p, char *out, size_t n)
{
	size_t l = strlen(p);

	while (l > 1 && p[l - 1] == '/')
		l--;
	while (l > 0 && p[l - 1] != '/')
		l--;
	while (l > 1 && p[l - 1] == '/')
		l--;
	if (l == 0)
		snprintf(out, n, ".");
	else
		snprintf(out, n, "%.*s", (int)l, p);
}

/* The name to show for a prefix of the path: absolute as given, else joined to the base. */
static void walk_name(const char *base, const char *prefix, char *out, size_t n)
{
	if (prefix[0] == '/' || !base || base[0] != '/')
		snprintf(out, n, "%s", prefix);
	else
		path_join(base, prefix, out, n);
}

/* The kernel's facts of the walk's directory k (EP_FACT_WALK), or NULL. */
static const struct ep_dir_facts *walk_kdir(const struct denial *d, int k)
{
	if (!(d->ev.facts & EP_FACT_WALK) || k < 0 || k >= d->ev.n_walk ||
	    k >= EP_WIRE_PATH_DEPTH || !d->ev.walk[k].mode)
		return NULL;
	return &d->ev.walk[k];
}

/*
 * Is directory number k of the walk searchable by the process? Its mode and owner as the
 * kernel saw them at the denial when the record has them, else as the directory open at fd is
 * now; its ACL as read now (unless the kernel saw none). false with w->blocked set if not.
 */
static bool walk_dir(struct denial *d, int fd, int k, const char *name, bool link)
{
	const struct ep_dir_facts *kd = walk_kdir(d, k);
	struct dn_walk *w = &d->walk;
	struct stat_out so;

	memset(&so, 0, sizeof(so));
	if (fd >= 0)
		stat_fd(fd, true, &so);
	if (kd) {
		so.valid = true;
		so.mode = kd->mode;
		so.uid = kd->uid;
		so.gid = kd->gid;
		if (!(kd->flags & (EP_DIR_ACL | EP_DIR_ACL_UNKNOWN))) {
			so.acl = false;
			so.acl_text[0] = '\0';
		}
		w->at_denial++;
	} else {
		w->later++;
	}
	if (!so.valid) {
		w->stopped = true;
		w->err = EIO;
		snprintf(w->dir, sizeof(w->dir), "%s", name);
		return false;
	}
	if (!S_ISDIR(so.mode)) {
		w->stopped = true;
		w->err = ENOTDIR;
		snprintf(w->dir, sizeof(w->dir), "%s", name);
		return false;
	}
	if (dac_may_search(d, so.mode, so.uid, so.gid, so.acl, so.acl_text, NULL)) {
		w->checked++;
		return true;
	}
	w->blocked = true;
	w->via_symlink = link;
	w->mode = so.mode;
	w->uid = so.uid;
	w->gid = so.gid;
	w->has_acl = so.acl;
	snprintf(w->acl_text, sizeof(w->acl_text), "%s", so.acl_text);
	snprintf(w->dir, sizeof(w->dir), "%s", name);
	return false;
}

/*
 * EACCES on a path lookup: the failing check may be search (MAY_EXEC) on a directory on the
 * way rather than the object's own mode. Examine, as root and from where the kernel started
 * (the process's root or its cwd/dirfd), the starting directory and then every prefix of the
 * path but the last component, and stop at the first one the process cannot search. A prefix
 * that is a symbolic link is followed, as the kernel does.
 */
static void walk_path(struct denial *d, const char *rel, int startfd, bool in_root,
		      const char *base)
{
	struct dn_walk *w = &d->walk;
	char prefix[EP_PATH_LEN], name[EP_PATH_LEN + 64];
	size_t len = strlen(rel), end, i = 0;
	uint64_t res = in_root ? RESOLVE_IN_ROOT : 0;
	bool link;
	int fd, k = 0;

	memset(w, 0, sizeof(*w));
	if ((startfd < 0 && !walk_kdir(d, 0)) || !len || len >= sizeof(prefix))
		return;
	w->done = true;
	w->groups_unknown = !d->proc.valid;
	walk_name(base, in_root ? "/" : ".", name, sizeof(name));
	if (!walk_dir(d, startfd, k++, name, false))
		return;
	/* the last component is the object: its own check is not a search */
	end = len;
	while (end > 0 && rel[end - 1] == '/')
		end--;
	while (end > 0 && rel[end - 1] != '/')
		end--;
	while (i < end) {
		while (i < end && rel[i] == '/')
			i++;
		if (i >= end)
			break;
		while (i < end && rel[i] != '/')
			i++;
		snprintf(prefix, sizeof(prefix), "%.*s", (int)i, rel);
		walk_name(base, prefix, name, sizeof(name));
		link = false;
		fd = startfd >= 0 ? openat2_path(startfd, prefix, true, res) : -EBADF;
		if (fd >= 0) {
			struct stat st;

			if (!fstatat(fd, "", &st, AT_EMPTY_PATH) && S_ISLNK(st.st_mode)) {
				close(fd);
				link = true;
				fd = openat2_path(startfd, prefix, false, res);
			}
		}
		/* gone since, or renamed: the kernel's facts of it still decide */
		if (fd < 0 && !walk_kdir(d, k)) {
			w->stopped = true;
			w->err = -fd;
			snprintf(w->dir, sizeof(w->dir), "%s", name);
			return;
		}
		if (!walk_dir(d, fd, k++, name, link)) {
			if (fd >= 0)
				close(fd);
			return;
		}
		if (fd >= 0)
			close(fd);
	}
}

/*
 * The object's path into d->path, from the fd (fd/N of the process) or the path argument
 * against its base (cwd or fd/N for a relative one). *fd: the object when it came from an fd,
 * *basefd: the base directory of a relative path (base: its path). Returns 1 for a relative
 * path, 0 otherwise, -1 when there is no file to look at.
 */
static int object_path(struct denial *d, const struct file_ctx *c, char *base, size_t nbase,
		       int *fd, int *basefd)
{
	char name[32];

	if (c->fd >= 0 && (!c->rel || !c->rel[0])) {
		snprintf(name, sizeof(name), "fd/%d", c->fd);
		if (c->pdfd < 0 || readlink_small_at(c->pdfd, name, d->path, sizeof(d->path)) <= 0)
			return -1;
		d->path_from_fd = true;
		/* sockets, pipes and anon inodes have no file to look at */
		if (d->path[0] != '/')
			return -1;
		*fd = openat(c->pdfd, name, O_PATH | O_CLOEXEC);
		return 0;
	}
	if (!c->rel || !c->rel[0])
		return -1;
	if (c->rel[0] == '/') {
		snprintf(d->path, sizeof(d->path), "%s", c->rel);
		return 0;
	}
	if (c->dirfd_arg_val == AT_FDCWD)
		snprintf(name, sizeof(name), "cwd");
	else
		snprintf(name, sizeof(name), "fd/%d", c->dirfd_arg_val);
	base[0] = '\0';
	if (c->pdfd >= 0)
		readlink_small_at(c->pdfd, name, base, nbase);
	if (base[0] == '/')
		path_join(base, c->rel, d->path, sizeof(d->path));
	else
		snprintf(d->path, sizeof(d->path), "%s", c->rel);
	if (c->pdfd >= 0)
		*basefd = openat(c->pdfd, name, O_PATH | O_DIRECTORY | O_CLOEXEC);
	return 1;
}

/* The object's mode, owner, flags, ACL and mount (by its mount id) from its open fd. */
static void stat_object(struct denial *d, const struct file_ctx *c, const char *mi, int fd)
{
	struct dn_file *f = &d->file;
	struct stat_out so;

	stat_fd(fd, true, &so);
	if (!so.valid)
		return;
	f->valid = true;
	f->mode = so.mode;
	f->uid = so.uid;
	f->gid = so.gid;
	f->rdev = so.rdev;
	f->is_dir = S_ISDIR(so.mode);
	f->flags_valid = so.flags_valid;
	f->immutable = so.immutable;
	f->append_only = so.append_only;
	f->has_acl = so.acl;
	snprintf(f->acl_text, sizeof(f->acl_text), "%s", so.acl_text);
	if (mi && so.mnt_id > 0)
		mount_by_id(c, mi, d->path, so.mnt_id, f);
}

/* The parent directory of @rel, resolved from @dir (in_root: as the process's root). */
static void stat_parent(struct dn_file *f, const char *rel, int dir, bool in_root)
{
	char parent[EP_PATH_LEN + 64];
	struct stat_out so;
	int pfd;

	if (dir < 0)
		return;
	parent_of(rel, parent, sizeof(parent));
	pfd = openat2_path(dir, parent, false, in_root ? RESOLVE_IN_ROOT : 0);
	if (pfd < 0)
		return;
	stat_fd(pfd, false, &so);
	if (so.valid && S_ISDIR(so.mode)) {
		f->parent_valid = true;
		f->parent_mode = so.mode;
		f->parent_uid = so.uid;
		f->parent_gid = so.gid;
		f->parent_sticky = so.mode & S_ISVTX;
		f->parent_immutable = so.immutable;
		f->parent_append_only = so.append_only;
	}
	close(pfd);
}

void file_enrich(struct denial *d, const struct file_ctx *c)
{
	struct dn_file *f = &d->file;
	char base[EP_PATH_LEN + 64];
	int rootfd = -1, basefd = -1, fd = -1;
	int obj_err = 0, rel;
	bool relative;
	const char *mi;

	rel = object_path(d, c, base, sizeof(base), &fd, &basefd);
	if (rel < 0)
		return;
	relative = rel;

	mi = NULL;
	if (!c->other_mntns || c->pdfd >= 0)
		mi = mountinfo_text(c->other_mntns ? c->pdfd : -1, c->mntns_ino, false);
	if (mi && d->path[0] == '/')
		mountinfo_lookup(mi, d->path, 0, f);
	if (f->fstype[0] && fs_may_block(f->fstype))
		goto cleanup;

	if (fd < 0 && !relative) {
		if (c->pdfd >= 0)
			rootfd = openat(c->pdfd, "root", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (rootfd < 0 && !c->other_mntns)
			rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (rootfd >= 0)
			fd = openat2_path(rootfd, c->rel, c->nofollow, RESOLVE_IN_ROOT);
		obj_err = rootfd >= 0 && fd < 0 ? -fd : 0;
	} else if (fd < 0 && basefd >= 0) {
		fd = openat2_path(basefd, c->rel, c->nofollow, 0);
		obj_err = fd < 0 ? -fd : 0;
	}
	if (fd >= 0)
		stat_object(d, c, mi, fd);

	if (d->ev.ret == -EP_EACCES && c->rel && c->rel[0] && !d->path_from_fd) {
		walk_path(d, c->rel, relative ? basefd : rootfd, !relative, relative ? base : NULL);
		/* Behind a symbolic link to a directory the process cannot search: the process may
		 * have planted the link after the denial (a path swapped for a link into /root), so
		 * what we found there is not its object; keep its facts out of the record. */
		if (d->walk.blocked && d->walk.via_symlink)
			memset(f, 0, sizeof(*f));
		d->walk.obj_err = f->valid ? 0 : obj_err ? obj_err : EIO;
	}

	if (c->want_parent && c->rel && c->rel[0])
		stat_parent(f, c->rel, relative ? basefd : rootfd, !relative);
cleanup:
	if (fd >= 0)
		close(fd);
	if (basefd >= 0)
		close(basefd);
	if (rootfd >= 0)
		close(rootfd);
}

/* The /dev node of a device number, from /sys/dev/{char,block}/M:m/uevent (DEVNAME=): read
 * only for a device node on a nodev mount, the one denial whose fix names it. */
static void dev_name(struct dn_file *f)
{
	char p[96], buf[512], *s, *e;

	if (!f->valid || !(S_ISCHR(f->mode) || S_ISBLK(f->mode)) || !f->mnt_nodev)
		return;
	snprintf(p, sizeof(p), "/sys/dev/%s/%u:%u/uevent", S_ISCHR(f->mode) ? "char" : "block",
		 major(f->rdev), minor(f->rdev));
	if (read_small_at(AT_FDCWD, p, buf, sizeof(buf)) <= 0)
		return;
	s = strstr(buf, "DEVNAME=");
	if (!s)
		return;
	s += 8;
	e = strchr(s, '\n');
	if (e)
		*e = '\0';
	if (!s[0] || strstr(s, ".."))
		return;
	snprintf(f->dev_name, sizeof(f->dev_name), "/dev/%s", s);
}

void file_apply_facts(struct denial *d)
{
	const struct ep_inode_facts *b = &d->ev.base;
	struct dn_file *f = &d->file;

	/* enrich.c's file_from_kernel() took mode, owner, flags and mount flags from ev.obj */
	if (f->from_kernel) {
		d->facts_at_denial |= DN_FACT_FILE | DN_FACT_FLAGS | DN_FACT_MOUNT;
	} else {
		if (f->valid)
			d->facts_later |= DN_FACT_FILE;
		if (f->valid && f->flags_valid)
			d->facts_later |= DN_FACT_FLAGS;
		if (f->mount_point[0])
			d->facts_later |= DN_FACT_MOUNT;
	}
	if ((d->ev.facts & EP_FACT_PARENT) && !(b->flags & EP_IF_NEGATIVE)) {
		f->parent_valid = true;
		f->parent_mode = b->mode;
		f->parent_uid = b->uid;
		f->parent_gid = b->gid;
		f->parent_sticky = b->mode & S_ISVTX;
		f->parent_immutable = b->i_flags & 0x8;
		f->parent_append_only = b->i_flags & 0x4;
	}
	dev_name(f);
	if (d->ev.facts & EP_FACT_BASE)
		d->facts_at_denial |= DN_FACT_BASE;
	if (d->walk.done && (d->walk.at_denial || d->walk.later)) {
		if (d->walk.later)
			d->facts_later |= DN_FACT_WALK;
		else
			d->facts_at_denial |= DN_FACT_WALK;
	}
}
