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
#include <unistd.h>

#include "clock.h"
#include "fanotify.h"
#include "procinfo.h"

#define CACHE_NS (2ull * 1000000000ull)

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
	char p[300], link[64], info[4096];
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

int fanotify_scan(const char *root, char *buf, size_t n)
{
	char best[64] = "", p[300], comm[32];
	struct dirent *e;
	DIR *dir = opendir(root);

	if (!dir)
		return 0;
	while ((e = readdir(dir))) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9' || !pid_listens(root, e->d_name))
			continue;
		snprintf(p, sizeof(p), "%s/%s/comm", root, e->d_name);
		if (read_small_at(AT_FDCWD, p, comm, sizeof(comm)) <= 0)
			snprintf(comm, sizeof(comm), "?");
		comm[strcspn(comm, "\n")] = '\0';
		if (!best[0] || strcmp(comm, "fapolicyd") == 0)
			snprintf(best, sizeof(best), "%s[%.12s]", comm, e->d_name);
		if (strcmp(comm, "fapolicyd") == 0)
			break;
	}
	closedir(dir);
	return snprintf(buf, n, "%s", best) >= 0 ? (int)strnlen(buf, n) : 0;
}

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long long cache_at;
static char cache_val[64];

int fanotify_perm_listener(char *buf, size_t n)
{
	unsigned long long now = clock_ns(CLOCK_MONOTONIC);

	pthread_mutex_lock(&cache_lock);
	if (!cache_at || now - cache_at > CACHE_NS) {
		fanotify_scan("/proc", cache_val, sizeof(cache_val));
		cache_at = now;
	}
	snprintf(buf, n, "%s", cache_val);
	pthread_mutex_unlock(&cache_lock);
	return (int)strnlen(buf, n);
}
