// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * factsprobe: denials whose objects user space would misname after the fact, for the facts
 * the kernel captures at the denial (tests/host/facts.sh).
 *
 *   factsprobe fdreuse [FILE [VALUE [OTHER]]]
 *	Opens FILE (default /proc/self/oom_score_adj) for writing, writes VALUE (default -1000:
 *	EACCES without CAP_SYS_RESOURCE), closes it, opens OTHER (default /etc/hostname) on the
 *	same fd number and exits at once: /proc/PID/fd/N would name OTHER.
 *   factsprobe cwdmove NAME [MS]
 *	unlink(NAME) relative to the cwd, then chdir("/") and stay MS ms (default 500):
 *	/proc/PID/cwd would name "/".
 *   factsprobe dirfd DIR NAME [MS]
 *	unlinkat(dirfd of DIR, NAME), closes the dirfd, opens "/" on the same fd number and stays
 *	MS ms (default 500): /proc/PID/fd/N would name "/".
 *   factsprobe noexec DIR
 *	Mounts a noexec tmpfs on DIR, copies /bin/true there, execs it (EACCES) and unmounts DIR
 *	(MNT_DETACH) at once, microseconds after the denial, and stays 500 ms: its mountinfo no
 *	longer has the mount when the tracer looks, and DIR's path falls to the mount below it.
 *
 * Prints "factsprobe: pid=P errno=E ..." and exits with the errno of the failing call (13
 * EACCES, 1 EPERM), 0 if it succeeded, 64 for a usage error, 70 on a setup failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mount.h>
#include <unistd.h>

static int status(int err)
{
	return err == EACCES || err == EPERM ? err : err ? 70 : 0;
}

static int fdreuse(int argc, char **argv)
{
	const char *file = argc > 2 ? argv[2] : "/proc/self/oom_score_adj";
	const char *val = argc > 3 ? argv[3] : "-1000";
	const char *other = argc > 4 ? argv[4] : "/etc/hostname";
	int fd, fd2, err = 0;

	fd = open(file, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "factsprobe: open %s: %s\n", file, strerror(errno));
		return 70;
	}
	if (write(fd, val, strlen(val)) < 0)
		err = errno;
	close(fd);
	fd2 = open(other, O_RDONLY | O_CLOEXEC);
	printf("factsprobe: pid=%d errno=%d fd=%d reused=%d\n", (int)getpid(), err, fd, fd2 == fd);
	fflush(stdout);
	return status(err);
}

static int cwdmove(int argc, char **argv)
{
	long ms = argc > 3 ? atol(argv[3]) : 500;
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
	int err = 0;

	if (argc < 3)
		return 64;
	if (unlink(argv[2]) < 0)
		err = errno;
	if (chdir("/") < 0)
		return 70;
	printf("factsprobe: pid=%d errno=%d\n", (int)getpid(), err);
	fflush(stdout);
	nanosleep(&ts, NULL);
	return status(err);
}

static int dirfd_reuse(int argc, char **argv)
{
	long ms = argc > 4 ? atol(argv[4]) : 500;
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
	int dfd, fd2, err = 0;

	if (argc < 4)
		return 64;
	dfd = open(argv[2], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return 70;
	if (unlinkat(dfd, argv[3], 0) < 0)
		err = errno;
	close(dfd);
	fd2 = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	printf("factsprobe: pid=%d errno=%d fd=%d reused=%d\n", (int)getpid(), err, dfd,
	       fd2 == dfd);
	fflush(stdout);
	nanosleep(&ts, NULL);
	return status(err);
}

static int noexec_gone(int argc, char **argv)
{
	static char *const args[] = {"t", NULL};
	struct timespec ts = {0, 500000000};
	char path[4096], buf[65536];
	int in, out, err = 0;
	ssize_t n;

	if (argc < 3 || snprintf(path, sizeof(path), "%s/t", argv[2]) >= (int)sizeof(path))
		return 64;
	if (mount("epermd-ne", argv[2], "tmpfs", MS_NOEXEC, "size=4m"))
		return 70;
	in = open("/bin/true", O_RDONLY | O_CLOEXEC);
	out = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0755);
	while (in >= 0 && out >= 0 && (n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			break;
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	execv(path, args);
	err = errno;
	umount2(argv[2], MNT_DETACH);
	printf("factsprobe: pid=%d errno=%d\n", (int)getpid(), err);
	fflush(stdout);
	nanosleep(&ts, NULL); /* alive: the tracer reads its mountinfo, without the mount */
	return status(err);
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "fdreuse"))
		return fdreuse(argc, argv);
	if (argc > 1 && !strcmp(argv[1], "cwdmove"))
		return cwdmove(argc, argv);
	if (argc > 1 && !strcmp(argv[1], "dirfd"))
		return dirfd_reuse(argc, argv);
	if (argc > 1 && !strcmp(argv[1], "noexec"))
		return noexec_gone(argc, argv);
	fprintf(stderr, "usage: factsprobe fdreuse [FILE [VALUE [OTHER]]] | cwdmove NAME [MS] | "
			"dirfd DIR NAME [MS] | noexec DIR\n");
	return 64;
}
