// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The /proc and filesystem text parsers: /proc/<pid>/status, /proc/<pid>/cgroup and the unit /
 * container names taken from it, mountinfo, fanotify fdinfo, the POSIX ACL xattr and path_join
 * (daemon/enrich/procinfo.c, fileinfo.c, fanotify.c). Input: byte 0 picks the parser, the rest is
 * the file (for mountinfo: the looked-up path on the first line, then the table; byte 1 the mount
 * id). Property: every string written is terminated inside its buffer. */
#include "fanotify.h"
#include "fileinfo.h"
#include "fuzz.h"
#include "procinfo.h"

#define TERMINATED(a) FUZZ_CHECK(strnlen((a), sizeof(a)) < sizeof(a))

static void status(const char *t)
{
	struct dn_proc p;

	memset(&p, 0, sizeof(p));
	(void)proc_parse_status(t, &p);
	FUZZ_CHECK(p.ngroups >= 0 && p.ngroups <= DN_MAX_GROUPS);
}

static void cgroup(const char *t)
{
	char path[DN_STR], unit[128], id[128], rt[16];

	if (cgroup_v2_path(t, path, sizeof(path)))
		snprintf(path, sizeof(path), "%s", t);
	TERMINATED(path);
	cgroup_unit(path, unit, sizeof(unit));
	TERMINATED(unit);
	cgroup_container(path, id, sizeof(id), rt, sizeof(rt));
	TERMINATED(id);
	TERMINATED(rt);
}

static void mountinfo(const char *t, int mnt_id)
{
	const char *nl = strchr(t, '\n');
	char path[DN_STR];
	struct dn_file f;

	if (!nl)
		return;
	snprintf(path, sizeof(path), "%.*s", (int)(nl - t), t);
	memset(&f, 0, sizeof(f));
	if (mountinfo_lookup(nl + 1, path, mnt_id, &f) == 0) {
		TERMINATED(f.mount_point);
		TERMINATED(f.mount_opts);
		TERMINATED(f.fstype);
	}
	(void)fs_may_block(f.fstype);
}

static void joined(const char *t)
{
	const char *nl = strchr(t, '\n');
	char base[DN_STR], out[DN_STR];

	snprintf(base, sizeof(base), "%.*s", nl ? (int)(nl - t) : 0, t);
	path_join(base, nl ? nl + 1 : t, out, sizeof(out));
	TERMINATED(out);
}

int fuzz_procinfo(const uint8_t *data, size_t size)
{
	char *t, out[DN_STR];

	if (size < 2)
		return 0;
	if (data[0] % 6 == 4) { /* binary: exactly the bytes */
		void *x = malloc(size - 2 ? size - 2 : 1);

		if (x) {
			memcpy(x, data + 2, size - 2);
			if (acl_xattr_to_text(x, size - 2, out, sizeof(out)) >= 0)
				TERMINATED(out);
		}
		free(x);
		return 0;
	}
	t = fuzz_cstr(data + 2, size - 2);
	if (!t)
		return 0;
	switch (data[0] % 6) {
	case 0:
		status(t);
		break;
	case 1:
		cgroup(t);
		break;
	case 2:
		mountinfo(t, data[1] & 0x80 ? data[1] & 0x7f : 0);
		break;
	case 3:
		(void)fanotify_fdinfo_has_perm(t);
		break;
	default:
		joined(t);
		break;
	}
	free(t);
	return 0;
}
FUZZ_ENTRY(fuzz_procinfo)
