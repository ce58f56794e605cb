/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* What the filesystem says about a denied path: mode, owner, flags, ACL, parent, mount. */
#ifndef EPERMD_FILEINFO_H
#define EPERMD_FILEINFO_H

#include <stdbool.h>
#include <stddef.h>

#include "denial.h"

/* Pure parsers (unit-tested). */
/* Find the mount of path in mountinfo text: by mount id when mnt_id > 0 and present, else by
 * the longest mount-point prefix (the last one wins on equal length: it is on top). 0 or -ENOENT.
 */
int mountinfo_lookup(const char *text, const char *path, int mnt_id, struct dn_file *f);
/* The mount mountinfo_lookup() found is the kernel object's only when its major:minor is
 * @kdev (new_encode_dev(sb->s_dev), from ep_inode_facts.dev); else the mount is gone since
 * the denial: f->mount_gone, and the mount point, options and type are cleared. */
void mountinfo_check_dev(struct dn_file *f, uint64_t kdev);
/* system.posix_acl_access xattr -> "user:1000:r--,mask::r--" (named entries and mask only);
 * returns 1 when the ACL has named entries, 0 when it is only the mode bits, -EINVAL if bad. */
int acl_xattr_to_text(const void *buf, size_t len, char *out, size_t n);
/* Make a path absolute: base + "/" + rel, with "." components dropped. */
void path_join(const char *base, const char *rel, char *out, size_t n);
/* Is this a filesystem whose stat may wait on a remote or user-space server? */
bool fs_may_block(const char *fstype);

struct file_ctx {
	int pdfd;		 /* /proc/<pid> (O_PATH), or -1 */
	bool other_mntns;	 /* the process is not in our mount namespace */
	unsigned long mntns_ino; /* its mount namespace (caches mountinfo per namespace) */
	const char *rel;	 /* the path as the process gave it */
	int dirfd_arg_val;	 /* the dirfd it was relative to (AT_FDCWD for cwd) */
	bool nofollow;		 /* the syscall does not follow a final symlink */
	bool want_parent;	 /* create/unlink/rename: look at the parent directory too */
	int fd;			 /* fd-based call: the fd, else -1 */
};

/* Resolve d->path and fill d->file. */
void file_enrich(struct denial *d, const struct file_ctx *c);

/* After file_enrich (and enrich.c's file_from_kernel): the parent directory from ev.base when
 * it is the target's parent (EP_FACT_PARENT) replaces what stat() saw later; marks
 * d->facts_at_denial / facts_later for the file, its flags, its mount and the base directory;
 * names the /dev node of a device node on a nodev mount (d->file.dev_name). */
void file_apply_facts(struct denial *d);

#endif
