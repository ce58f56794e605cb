// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "procinfo.h"

ssize_t read_small_at(int dfd, const char *name, char *buf, size_t n)
{
	size_t len = 0;
	int fd;

	if (n == 0)
		return -EINVAL;
	buf[0] = '\0';
	fd = openat(dfd, name, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (len < n - 1) {
		ssize_t r = read(fd, buf + len, n - 1 - len);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int err = -errno;

			close(fd);
			buf[0] = '\0';
			return err;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	buf[len] = '\0';
	return (ssize_t)len;
}

ssize_t readlink_small_at(int dfd, const char *name, char *buf, size_t n)
{
	ssize_t r;

	if (n == 0)
		return -EINVAL;
	r = readlinkat(dfd, name, buf, n - 1);
	if (r < 0) {
		buf[0] = '\0';
		return -errno;
	}
	buf[r] = '\0';
	return r;
}

int proc_open_pid(pid_t pid)
{
	char p[32];
	int fd;

	if (pid <= 0)
		return -EINVAL;
	snprintf(p, sizeof(p), "/proc/%d", (int)pid);
	fd = open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

static int parse_ids(const char *s, unsigned long v[4])
{
	char *end;

	for (int i = 0; i < 4; i++) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (!isdigit((unsigned char)*s))
			return -EINVAL;
		v[i] = strtoul(s, &end, 10);
		s = end;
	}
	return 0;
}

static uint64_t parse_hex(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return strtoull(s, NULL, 16);
}

static int parse_int(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	if (!isdigit((unsigned char)*s))
		return -1;
	return (int)strtol(s, NULL, 10);
}

int proc_parse_status(const char *text, struct dn_proc *p)
{
	const char *line = text;
	int seen = 0;

	p->no_new_privs = -1;
	p->seccomp_mode = -1;
	p->seccomp_filters = -1;
	while (line && *line) {
		const char *nl = strchr(line, '\n');
		const char *colon = strchr(line, ':');
		unsigned long v[4];
		size_t klen;
		const char *val;

		if (!colon || (nl && colon > nl))
			goto next;
		klen = (size_t)(colon - line);
		val = colon + 1;
#define KEY(k) (klen == sizeof(k) - 1 && !strncmp(line, k, klen))
		if (KEY("Uid") && !parse_ids(val, v)) {
			p->ruid = v[0], p->euid = v[1], p->suid = v[2], p->fsuid = v[3];
			seen++;
		} else if (KEY("Gid") && !parse_ids(val, v)) {
			p->rgid = v[0], p->egid = v[1], p->sgid = v[2], p->fsgid = v[3];
			seen++;
		} else if (KEY("Groups")) {
			const char *s = val;
			char *end;

			p->ngroups = 0;
			while (p->ngroups < DN_MAX_GROUPS) {
				while (*s == ' ' || *s == '\t')
					s++;
				if (!isdigit((unsigned char)*s))
					break;
				p->groups[p->ngroups++] = (gid_t)strtoul(s, &end, 10);
				s = end;
			}
		} else if (KEY("CapInh")) {
			p->cap_inh = parse_hex(val);
		} else if (KEY("CapPrm")) {
			p->cap_prm = parse_hex(val);
		} else if (KEY("CapEff")) {
			p->cap_eff = parse_hex(val);
			seen++;
		} else if (KEY("CapBnd")) {
			p->cap_bnd = parse_hex(val);
		} else if (KEY("CapAmb")) {
			p->cap_amb = parse_hex(val);
		} else if (KEY("NoNewPrivs")) {
			p->no_new_privs = parse_int(val);
		} else if (KEY("Seccomp")) {
			p->seccomp_mode = parse_int(val);
		} else if (KEY("Seccomp_filters")) {
			p->seccomp_filters = parse_int(val);
		}
#undef KEY
	next:
		line = nl ? nl + 1 : NULL;
	}
	return seen >= 2 ? 0 : -EINVAL;
}

int cgroup_v2_path(const char *text, char *out, size_t n)
{
	const char *line = text;

	out[0] = '\0';
	while (line && *line) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);

		if (len >= 3 && !strncmp(line, "0::", 3)) {
			len -= 3;
			if (len >= n)
				len = n - 1;
			memcpy(out, line + 3, len);
			out[len] = '\0';
			return 0;
		}
		line = nl ? nl + 1 : NULL;
	}
	return -ENOENT;
}

/* The component of cg that contains pos: [*start, *end). */
static void component(const char *cg, const char *pos, const char **start, const char **end)
{
	const char *s = pos, *e = pos;

	while (s > cg && s[-1] != '/')
		s--;
	while (*e && *e != '/')
		e++;
	*start = s;
	*end = e;
}

void cgroup_unit(const char *cg, char *out, size_t n)
{
	const char *s = cg, *best = NULL;
	size_t best_len = 0;

	out[0] = '\0';
	while (*s) {
		const char *e;
		size_t len;

		while (*s == '/')
			s++;
		e = strchr(s, '/');
		len = e ? (size_t)(e - s) : strlen(s);
		if ((len > 8 && !strncmp(s + len - 8, ".service", 8)) ||
		    (len > 6 && !strncmp(s + len - 6, ".scope", 6))) {
			best = s;
			best_len = len;
		}
		s += len;
	}
	if (best && best_len < n) {
		memcpy(out, best, best_len);
		out[best_len] = '\0';
	}
}

/* A container id: at least 12 hex digits, ended by end of component or ".scope". */
static size_t hex_id(const char *s, const char *end)
{
	size_t n = 0;

	while (s + n < end && isxdigit((unsigned char)s[n]))
		n++;
	if (n < 12 || n > 128)
		return 0;
	if (s + n == end || !strncmp(s + n, ".scope", 6))
		return n;
	return 0;
}

static const struct {
	const char *prefix; /* at the start of a component */
	const char *runtime;
	bool whole; /* the component after "prefix/" (cgroupfs driver) */
} runtimes[] = {
    {"docker-", "docker", false},
    {"docker", "docker", true},
    {"cri-containerd-", "containerd", false},
    {"crio-", "crio", false},
    {"crio", "crio", true},
    {"libpod-", "podman", false},
    {"libpod_parent", "podman", true},
};

static bool find_container(const char *cg, char *id, size_t idlen, char *rt, size_t rtlen)
{
	const char *s = cg;
	bool found = false;

	/* The innermost match wins: keep scanning. */
	while (*s) {
		const char *st, *e;

		while (*s == '/')
			s++;
		if (!*s)
			break;
		component(cg, s, &st, &e);
		for (size_t i = 0; i < sizeof(runtimes) / sizeof(runtimes[0]); i++) {
			size_t pl = strlen(runtimes[i].prefix), n;
			const char *idp, *ide;

			if ((size_t)(e - st) < pl || strncmp(st, runtimes[i].prefix, pl))
				continue;
			if (runtimes[i].whole) {
				if ((size_t)(e - st) != pl || *e != '/')
					continue;
				idp = e + 1;
				ide = strchrnul(idp, '/');
				/* "libpod_parent/libpod-<id>": handled by the next component */
				if (!strncmp(idp, "libpod-", 7))
					continue;
			} else {
				idp = st + pl;
				ide = e;
			}
			n = hex_id(idp, ide);
			if (!n)
				continue;
			if (n > 12)
				n = 12;
			snprintf(id, idlen, "%s:%.*s", runtimes[i].runtime, (int)n, idp);
			snprintf(rt, rtlen, "%s", runtimes[i].runtime);
			found = true;
			break;
		}
		s = e;
	}
	return found;
}

/* kubepods: ".../kubepods-burstable-pod<uid_with_underscores>.slice" or ".../pod<uid>/" */
static bool find_pod(const char *cg, char *id, size_t idlen)
{
	const char *k = strstr(cg, "kubepods"), *p;
	char uid[64];
	size_t n = 0;

	if (!k)
		return false;
	for (p = k; (p = strstr(p, "pod")) != NULL; p += 3) {
		const char *u = p + 3;

		if (p > cg && p[-1] != '/' && p[-1] != '-')
			continue;
		n = 0;
		while ((isxdigit((unsigned char)u[n]) || u[n] == '-' || u[n] == '_') &&
		       n < sizeof(uid) - 1) {
			uid[n] = u[n] == '_' ? '-' : u[n];
			n++;
		}
		if (n >= 32 && (u[n] == '/' || u[n] == '\0' || !strncmp(u + n, ".slice", 6))) {
			uid[n] = '\0';
			snprintf(id, idlen, "k8s:%s", uid);
			return true;
		}
	}
	return false;
}

void cgroup_container(const char *cg, char *id, size_t idlen, char *rt, size_t rtlen)
{
	id[0] = '\0';
	rt[0] = '\0';
	if (find_container(cg, id, idlen, rt, rtlen))
		return;
	if (find_pod(cg, id, idlen)) {
		snprintf(rt, rtlen, "kubernetes");
		return;
	}
	if (!strncmp(cg, "/lxc.payload.", 13) || !strncmp(cg, "/lxc/", 5)) {
		const char *name = cg[4] == '/' ? cg + 5 : cg + 13;
		size_t n = strcspn(name, "/");

		snprintf(id, idlen, "lxc:%.*s", (int)(n > 64 ? 64 : n), name);
		snprintf(rt, rtlen, "lxc");
	}
}

static void strip_nl(char *s)
{
	size_t n = strlen(s);

	while (n && (s[n - 1] == '\n' || s[n - 1] == ' '))
		s[--n] = '\0';
}

int proc_parse_idmap(const char *text, struct dn_idmap *m)
{
	const char *s = text;

	m->n = 0;
	while (s && *s) {
		unsigned long a, b, c;
		char *end;

		a = strtoul(s, &end, 10);
		b = strtoul(end, &end, 10);
		c = strtoul(end, &end, 10);
		if (end == s || m->n >= DN_IDMAP_MAX || !c || a > UINT32_MAX || b > UINT32_MAX ||
		    c > UINT32_MAX)
			return -EINVAL;
		m->e[m->n].first = (uint32_t)a;
		m->e[m->n].lower = (uint32_t)b;
		m->e[m->n].count = (uint32_t)c;
		m->n++;
		s = strchr(end, '\n');
		s = s ? s + 1 : NULL;
	}
	return 0;
}

static void proc_idmaps(int pdfd, struct dn_proc *p)
{
	char buf[512];

	p->idmap_valid = read_small_at(pdfd, "uid_map", buf, sizeof(buf)) > 0 &&
			 !proc_parse_idmap(buf, &p->uid_map) &&
			 read_small_at(pdfd, "gid_map", buf, sizeof(buf)) > 0 &&
			 !proc_parse_idmap(buf, &p->gid_map);
}

void proc_enrich(int pdfd, pid_t ppid, struct dn_proc *p, bool idmaps)
{
	char buf[4096], path[32];
	ssize_t n;

	if (pdfd < 0)
		return;
	/* exe first: short-lived processes are the norm, and it disappears at exit. */
	readlink_small_at(pdfd, "exe", p->exe, sizeof(p->exe));
	if (read_small_at(pdfd, "status", buf, sizeof(buf)) > 0 && !proc_parse_status(buf, p))
		p->valid = true;
	n = read_small_at(pdfd, "cmdline", p->cmdline, sizeof(p->cmdline));
	for (ssize_t i = 0; i < n; i++)
		if (p->cmdline[i] == '\0')
			p->cmdline[i] = ' ';
	strip_nl(p->cmdline);
	if (read_small_at(pdfd, "cgroup", buf, sizeof(buf)) > 0 &&
	    !cgroup_v2_path(buf, p->cgroup, sizeof(p->cgroup))) {
		cgroup_unit(p->cgroup, p->unit, sizeof(p->unit));
		cgroup_container(p->cgroup, p->container, sizeof(p->container),
				 p->container_runtime, sizeof(p->container_runtime));
	}
	if (idmaps)
		proc_idmaps(pdfd, p);
	if (read_small_at(pdfd, "attr/current", p->lsm_label, sizeof(p->lsm_label)) > 0)
		strip_nl(p->lsm_label);
	else
		p->lsm_label[0] = '\0';
	if (ppid > 0) {
		snprintf(path, sizeof(path), "/proc/%d/comm", (int)ppid);
		if (read_small_at(AT_FDCWD, path, p->parent_comm, sizeof(p->parent_comm)) > 0)
			strip_nl(p->parent_comm);
	}
}
