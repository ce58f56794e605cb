// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The traced processes of one-command mode. `-- COMMAND`: a fork held on a pipe until the
 * tracer runs, so its first syscall is seen; its status becomes epermd's. `-p PID`: running
 * processes; the kernel side follows their future children (the tracked map and the
 * sched_process_fork hook), this side finds the ones they already have in /proc and notices
 * when the targets exit (pidfd_open, else /proc/PID/stat).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child.h"
#include "procinfo.h"

#define TREE_PASSES 8

void child_init(struct child *c)
{
	memset(c, 0, sizeof(*c));
	c->release_fd = -1;
	for (int i = 0; i < CHILD_MAX_PIDS; i++)
		c->pidfd[i] = -1;
}

int child_spawn(struct child *c, char **argv)
{
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0) {
		int err = -errno;

		close(p[0]);
		close(p[1]);
		return err;
	}
	if (pid == 0) {
		char ch;
		ssize_t r;

		close(p[1]);
		do
			r = read(p[0], &ch, 1);
		while (r < 0 && errno == EINTR);
		if (r != 1)
			_exit(127); /* epermd could not start tracing */
		close(p[0]);
		signal(SIGPIPE, SIG_DFL);
		execvp(argv[0], argv);
		fprintf(stderr, "epermd: %s: %s\n", argv[0], strerror(errno));
		_exit(errno == ENOENT ? 127 : 126);
	}
	close(p[0]);
	c->cmd = pid;
	c->release_fd = p[1];
	return 0;
}

int child_release(struct child *c)
{
	int err = 0;

	if (c->release_fd < 0)
		return 0;
	if (write(c->release_fd, "x", 1) != 1)
		err = -errno;
	close(c->release_fd);
	c->release_fd = -1;
	return err;
}

static int status_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 1;
}

/* "pid (comm) S ppid ...": the state and the parent; comm may hold ')' and spaces */
int child_parse_stat(const char *text, char *state, pid_t *ppid)
{
	const char *p = strrchr(text, ')');
	int pp;

	if (!p || sscanf(p + 1, " %c %d", state, &pp) != 2)
		return -EINVAL;
	*ppid = pp;
	return 0;
}

static int read_stat(pid_t pid, char *state, pid_t *ppid)
{
	char path[32], buf[512];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	n = read_small_at(AT_FDCWD, path, buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	return child_parse_stat(buf, state, ppid);
}

/* the target has exited: a zombie (nobody reaped it yet) or gone from /proc */
static bool proc_exited(pid_t pid)
{
	char st;
	pid_t pp;

	return read_stat(pid, &st, &pp) < 0 || st == 'Z' || st == 'X';
}

int child_attach(struct child *c, const pid_t *pids, int n, char *err, size_t errn)
{
	for (int i = 0; i < n && i < CHILD_MAX_PIDS; i++) {
		int fd = (int)syscall(SYS_pidfd_open, pids[i], 0);

		if (fd < 0 && errno != ENOSYS) {
			snprintf(err, errn, "-p %d: %s", (int)pids[i],
				 errno == ESRCH ? "no such process" : strerror(errno));
			return -errno;
		}
		/* without pidfd_open: kill(0) tells whether it exists (EPERM: it does) */
		if (fd < 0 && kill(pids[i], 0) && errno == ESRCH) {
			snprintf(err, errn, "-p %d: no such process", (int)pids[i]);
			return -ESRCH;
		}
		if (fd < 0 && proc_exited(pids[i])) {
			snprintf(err, errn, "-p %d: the process has exited", (int)pids[i]);
			return -ESRCH;
		}
		c->pid[c->n] = pids[i];
		c->pidfd[c->n++] = fd;
	}
	return 0;
}

struct proc_ent {
	pid_t pid, ppid;
};

/* every process in /proc with its parent; *n entries in a malloc'd array */
static int proc_snapshot(struct proc_ent **out, size_t *n)
{
	DIR *d = opendir("/proc");
	struct proc_ent *v = NULL;
	size_t cap = 0;
	struct dirent *de;

	*n = 0;
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		char st, *end;
		long pid = strtol(de->d_name, &end, 10);
		pid_t pp;

		if (*end || pid <= 0 || read_stat((pid_t)pid, &st, &pp) < 0)
			continue; /* not a process, or gone since */
		if (*n == cap) {
			struct proc_ent *nv = realloc(v, (cap ? 2 * cap : 512) * sizeof(*v));

			if (!nv) {
				free(v);
				closedir(d);
				return -ENOMEM;
			}
			v = nv;
			cap = cap ? 2 * cap : 512;
		}
		v[(*n)++] = (struct proc_ent){(pid_t)pid, pp};
	}
	closedir(d);
	*out = v;
	return 0;
}

/* One pass: mark the descendants of the marked entries, handing each new one to track. */
static int tree_pass(const struct child *c, struct proc_ent *v, size_t n, bool *in,
		     int (*track)(void *ctx, pid_t pid), void *ctx)
{
	int added = 0, err;
	bool grew = true;

	for (size_t i = 0; i < n; i++)
		for (int k = 0; k < c->n; k++)
			in[i] = in[i] || v[i].pid == c->pid[k];
	while (grew) {
		grew = false;
		for (size_t i = 0; i < n; i++) {
			if (in[i] || v[i].pid == getpid())
				continue;
			for (size_t j = 0; j < n && !in[i]; j++)
				in[i] = in[j] && v[j].pid == v[i].ppid;
			if (!in[i])
				continue;
			grew = true;
			err = track(ctx, v[i].pid);
			if (err && err != -ESRCH && err != -ENOENT)
				return err;
			added++;
		}
	}
	return added;
}

int child_track_tree(const struct child *c, int (*track)(void *ctx, pid_t pid), void *ctx)
{
	pid_t *seen = NULL;
	size_t nseen = 0;
	int total = 0, err = 0;

	/* a later pass finds what was forked by a process not yet tracked during the last one */
	for (int pass = 0; pass < TREE_PASSES; pass++) {
		struct proc_ent *v = NULL;
		size_t n;
		bool *in;
		int added;

		err = proc_snapshot(&v, &n);
		if (err)
			break;
		in = calloc(n ? n : 1, sizeof(*in));
		if (!in) {
			free(v);
			err = -ENOMEM;
			break;
		}
		/* what earlier passes tracked counts as inside: only new ones are handed on */
		for (size_t i = 0; i < n; i++)
			for (size_t k = 0; k < nseen && !in[i]; k++)
				in[i] = v[i].pid == seen[k];
		added = tree_pass(c, v, n, in, track, ctx);
		if (added > 0) {
			pid_t *ns = realloc(seen, (nseen + n) * sizeof(*ns));

			if (!ns) {
				added = -ENOMEM;
			} else {
				seen = ns;
				for (size_t i = 0; i < n; i++)
					if (in[i])
						seen[nseen++] = v[i].pid;
			}
		}
		free(in);
		free(v);
		if (added <= 0) {
			err = added < 0 ? added : 0;
			break;
		}
		total += added;
	}
	free(seen);
	return err ? err : total;
}

static bool targets_gone(struct child *c)
{
	int left = 0;

	for (int i = 0; i < c->n; i++) {
		struct pollfd p = {.fd = c->pidfd[i], .events = POLLIN};

		if (!c->gone[i])
			c->gone[i] = c->pidfd[i] >= 0 ? poll(&p, 1, 0) > 0 : proc_exited(c->pid[i]);
		left += !c->gone[i];
	}
	return c->n && !left;
}

bool child_gone(struct child *c)
{
	int status;

	if (c->n)
		return targets_gone(c);
	if (c->cmd <= 0 || c->done)
		return c->done;
	if (waitpid(c->cmd, &status, WNOHANG) == c->cmd) {
		c->done = true;
		c->status = status_code(status);
	}
	return c->done;
}

static void close_pidfds(struct child *c)
{
	for (int i = 0; i < c->n; i++) {
		if (c->pidfd[i] >= 0)
			close(c->pidfd[i]);
		c->pidfd[i] = -1;
	}
}

int child_finish(struct child *c, int stop_signal)
{
	int status;

	close_pidfds(c);
	if (c->cmd <= 0)
		return 0;
	/* stopped by a signal while the command still runs: pass it on */
	if (!child_gone(c) && stop_signal)
		kill(c->cmd, stop_signal);
	while (!c->done) {
		pid_t r = waitpid(c->cmd, &status, 0);

		if (r == c->cmd) {
			c->done = true;
			c->status = status_code(status);
		} else if (r < 0 && errno != EINTR) {
			break; /* not our child any more: nothing to wait for */
		}
	}
	return c->status;
}

void child_abort(struct child *c)
{
	if (c->release_fd >= 0)
		close(c->release_fd); /* the command sees EOF and exits 127 */
	c->release_fd = -1;
	if (c->cmd > 0 && !c->done) {
		kill(c->cmd, SIGKILL);
		waitpid(c->cmd, NULL, 0);
		c->done = true;
	}
	close_pidfds(c);
}
