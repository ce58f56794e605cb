// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Find fanotify permission listeners: /proc/<pid>/fd/<n> -> "anon_inode:[fanotify]", then the
 * fdinfo "fanotify ... mask:<hex>" lines say whether a mark asks for permission events. */
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <errno.h>
#include <stdint.h>
#include <unistd.h>

#include "clock.h"
#include "fanotify.h"
#include "procinfo.h"

int fanotify_fdinfo_has_perm(const char *t)
{
	for (const char *l = t; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		const char *m;

		if (strncmp(l, "fanotify ", 9) != 0)
			continue;
		m = strstr(l, " mask:");
		if (m && (!strchr(l, '\n') || m < strchr(l, '\n')) &&
		    (strtoull(m + 6, NULL, 16) & FAN_PERM_MASK))
			return 1;
	}
	return 0;
}

static bool pid_listens(const char *root, const char *pid)
{
	char p[800], link[64], info[4096];
	struct dirent *e;
	bool hit = false;
	DIR *dir;

	snprintf(p, sizeof(p), "%s/%s/fd", root, pid);
	dir = opendir(p);
	if (!dir)
		return false;
	while (!hit && (e = readdir(dir))) {
		ssize_t r;

		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s/fd/%s", root, pid, e->d_name);
		r = readlink(p, link, sizeof(link) - 1);
		if (r <= 0)
			continue;
		link[r] = '\0';
		if (strcmp(link, "anon_inode:[fanotify]") != 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s/fdinfo/%s", root, pid, e->d_name);
		if (read_small_at(AT_FDCWD, p, info, sizeof(info)) > 0 &&
		    fanotify_fdinfo_has_perm(info))
			hit = true;
	}
	closedir(dir);
	return hit;
}

/* ---- the index of permission listeners -------------------------------------------------- */

#define FI_MAX	       32
#define FI_EXITED_KEEP (60ull * 1000000000ull) /* a listener that exited still names denials */

struct fi_ent {
	pid_t pid;
	char comm[EP_COMM_LEN];
	char exe[128];
	uint64_t mask;
	uint64_t first_seen; /* CLOCK_MONOTONIC ns, as ep_event.ts_ns */
	uint64_t exited_at;  /* 0 while alive */
	bool noticed;	     /* from the kernel's notice at fanotify_mark(), not a /proc scan */
};

struct fanotify_index {
	pthread_mutex_t lock;
	char root[128];
	int n;
	struct fi_ent e[FI_MAX];
};

int fanotify_index_new(const char *proc_root, struct fanotify_index **out)
{
	struct fanotify_index *x = calloc(1, sizeof(*x));

	if (!x)
		return -ENOMEM;
	pthread_mutex_init(&x->lock, NULL);
	snprintf(x->root, sizeof(x->root), "%s", proc_root ? proc_root : "/proc");
	*out = x;
	return 0;
}

void fanotify_index_free(struct fanotify_index *x)
{
	if (!x)
		return;
	pthread_mutex_destroy(&x->lock);
	free(x);
}

static struct fi_ent *fi_slot(struct fanotify_index *x, pid_t pid, uint64_t now)
{
	struct fi_ent *old = NULL;

	for (int i = 0; i < x->n; i++)
		if (x->e[i].pid == pid && !x->e[i].exited_at)
			return &x->e[i];
	if (x->n < FI_MAX)
		return memset(&x->e[x->n++], 0, sizeof(x->e[0]));
	/* full: reuse the entry that exited first, else the oldest */
	for (int i = 0; i < x->n; i++)
		if (!old ||
		    (x->e[i].exited_at &&
		     (!old->exited_at || x->e[i].exited_at < old->exited_at)) ||
		    (!old->exited_at && !x->e[i].exited_at && x->e[i].first_seen < old->first_seen))
			old = &x->e[i];
	(void)now;
	return memset(old, 0, sizeof(*old));
}

static void fi_add(struct fanotify_index *x, pid_t pid, const char *comm, const char *exe,
		   uint64_t mask, uint64_t at, bool noticed)
{
	struct fi_ent *e = fi_slot(x, pid, at);

	if (!e->pid) {
		e->pid = pid;
		e->first_seen = at;
	}
	e->mask |= mask;
	e->noticed |= noticed;
	if (comm && comm[0])
		snprintf(e->comm, sizeof(e->comm), "%s", comm);
	if (exe && exe[0])
		snprintf(e->exe, sizeof(e->exe), "%s", exe);
}

void fanotify_index_note(struct fanotify_index *x, const struct ep_notice *nt, const char *exe)
{
	char comm[EP_COMM_LEN + 1];

	if (!x || !nt || nt->kind != EP_NOTE_FANOTIFY_MARK)
		return;
	/* fanotify_mark(fd, flags, mask, dirfd, path): args[2] is the mask */
	if (!(nt->args[2] & FAN_PERM_MASK))
		return;
	snprintf(comm, sizeof(comm), "%.*s", EP_COMM_LEN, nt->comm);
	pthread_mutex_lock(&x->lock);
	fi_add(x, (pid_t)nt->pid, comm, exe, nt->args[2], nt->ts_ns, true);
	pthread_mutex_unlock(&x->lock);
}

/* exited listeners: mark them, forget them 60 s later */
static void fi_reap(struct fanotify_index *x, uint64_t now)
{
	char p[300];

	for (int i = 0; i < x->n; i++) {
		struct fi_ent *e = &x->e[i];

		if (!e->exited_at) {
			snprintf(p, sizeof(p), "%s/%d", x->root, (int)e->pid);
			if (access(p, F_OK))
				e->exited_at = now;
			continue;
		}
		if (now - e->exited_at > FI_EXITED_KEEP) {
			x->e[i--] = x->e[--x->n];
		}
	}
}

static void fi_scan(struct fanotify_index *x, uint64_t now)
{
	char p[420], comm[32], exe[128];
	struct dirent *de;
	DIR *dir = opendir(x->root);
	ssize_t r;

	if (!dir)
		return;
	while ((de = readdir(dir))) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9' || !pid_listens(x->root, de->d_name))
			continue;
		snprintf(p, sizeof(p), "%s/%s/comm", x->root, de->d_name);
		if (read_small_at(AT_FDCWD, p, comm, sizeof(comm)) <= 0)
			snprintf(comm, sizeof(comm), "?");
		comm[strcspn(comm, "\n")] = '\0';
		snprintf(p, sizeof(p), "%s/%s/exe", x->root, de->d_name);
		r = readlink(p, exe, sizeof(exe) - 1);
		exe[r > 0 ? r : 0] = '\0';
		fi_add(x, (pid_t)atoi(de->d_name), comm, exe, FAN_PERM_MASK, now, false);
	}
	closedir(dir);
}

/* noticed by the kernel first (known to live at the denial), then fapolicyd */
static int fi_rank(const struct fi_ent *e)
{
	return (e->noticed ? 2 : 0) + !strcmp(e->comm, "fapolicyd");
}

/* the best entry for a denial at at_ns: alive then, by rank, else the newest */
static const struct fi_ent *fi_pick(const struct fanotify_index *x, uint64_t at_ns)
{
	const struct fi_ent *best = NULL;

	for (int i = 0; i < x->n; i++) {
		const struct fi_ent *e = &x->e[i];

		if (e->exited_at && at_ns && e->exited_at < at_ns)
			continue; /* gone before the denial */
		if (e->noticed && at_ns && e->first_seen > at_ns)
			continue; /* marked after the denial */
		if (!best || fi_rank(e) > fi_rank(best) ||
		    (fi_rank(e) == fi_rank(best) && e->first_seen > best->first_seen))
			best = e;
	}
	return best;
}

int fanotify_index_lookup(struct fanotify_index *x, uint64_t at_ns, char *buf, size_t n,
			  bool *later)
{
	uint64_t now = clock_ns(CLOCK_MONOTONIC);
	const struct fi_ent *e;

	buf[0] = '\0';
	if (!x)
		return 0;
	pthread_mutex_lock(&x->lock);
	fi_reap(x, now);
	e = fi_pick(x, at_ns);
	if (!e || e->exited_at) {
		/* no live entry: the listener may predate the daemon; never cache "none" */
		fi_scan(x, now);
		e = fi_pick(x, at_ns) ? fi_pick(x, at_ns) : e;
	}
	if (e) {
		snprintf(buf, n, "%s[%d]", e->comm[0] ? e->comm : "?", (int)e->pid);
		if (later)
			*later = !e->noticed;
	}
	pthread_mutex_unlock(&x->lock);
	return (int)strnlen(buf, n);
}

int fanotify_lookup_cb(void *ctx, uint64_t at_ns, char *buf, size_t n, bool *later)
{
	return fanotify_index_lookup(ctx, at_ns, buf, n, later);
}
