// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * vmtrig: performs one named denial (or a setup step) inside the test VMs.
 * Static, no dependencies. Every action prints one line
 *   vmtrig: <action> ret=<r> errno=<n> (<name>)
 * and exits 0 when the call failed with the errno the caller expects (-e), 1 otherwise.
 * usage: vmtrig [-e EPERM|EACCES|0] [-u UID[:GID]] ACTION ARGS...
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/audit.h>
#include <linux/fanotify.h>
#include <linux/filter.h>
#include <linux/fs.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fanotify.h>
#include <sys/io.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <time.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "../../tools/outsider.h"

static int expect = -1; /* -1: any failure counts */

static const char *errname(int e)
{
	switch (e) {
	case 0:
		return "OK";
	case EPERM:
		return "EPERM";
	case EACCES:
		return "EACCES";
	case ENOENT:
		return "ENOENT";
	case EINVAL:
		return "EINVAL";
	case ENOSYS:
		return "ENOSYS";
	case EOPNOTSUPP:
		return "EOPNOTSUPP";
	case EROFS:
		return "EROFS";
	case EEXIST:
		return "EEXIST";
	default:
		return "E?";
	}
}

static int report(const char *what, long ret, int err)
{
	if (ret >= 0)
		err = 0;
	printf("vmtrig: %s ret=%ld errno=%d (%s)\n", what, ret, err, errname(err));
	fflush(stdout);
	if (expect < 0)
		return ret < 0 ? 0 : 1;
	return err == expect ? 0 : 1;
}

/* evaluate the call before reading errno (argument evaluation order is unspecified) */
#define TRY(what, call)                                                                            \
	({                                                                                         \
		long r_ = (long)(call);                                                            \
		int e_ = errno;                                                                    \
		report((what), r_, e_);                                                            \
	})

static int parse_errno(const char *s)
{
	if (!strcmp(s, "EPERM"))
		return EPERM;
	if (!strcmp(s, "EACCES"))
		return EACCES;
	if (!strcmp(s, "EROFS"))
		return EROFS;
	return atoi(s);
}

/* become UID:GID with no supplementary groups and no capabilities left */
static void become(const char *spec)
{
	unsigned uid = 0, gid;
	char *colon;

	uid = strtoul(spec, &colon, 10);
	gid = *colon == ':' ? strtoul(colon + 1, NULL, 10) : uid;
	if (setgroups(0, NULL) || setresgid(gid, gid, gid) || setresuid(uid, uid, uid)) {
		perror("vmtrig: become");
		exit(2);
	}
}

/* seccomp: fail syscall NR with ERR, allow everything else */
static int seccomp_errno(int nr, int err)
{
	struct sock_filter f[] = {
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)nr, 0, 1),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (err & SECCOMP_RET_DATA)),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	/*
	 * The EPERM and EACCES filters have the same length on purpose: under the shared daemon
	 * the second one is often allocated where the first was freed, and epermd must still tell
	 * them apart (a filter's identity holds a fingerprint of its instructions).
	 */
	struct sock_fprog prog = {.len = sizeof(f) / sizeof(f[0]), .filter = f};

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -1;
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0);
}

/* Landlock without the uapi header (bookworm's headers know ABI 1 only; keep it explicit) */
#define LL_CREATE_RULESET_VERSION (1U << 0)
#define LL_ACCESS_FS_EXECUTE	  (1ULL << 0)
#define LL_ACCESS_FS_WRITE_FILE	  (1ULL << 1)
#define LL_ACCESS_FS_READ_FILE	  (1ULL << 2)
#define LL_ACCESS_FS_READ_DIR	  (1ULL << 3)
#define LL_ACCESS_FS_MAKE_DIR	  (1ULL << 7)
#define LL_RULE_PATH_BENEATH	  1
#ifndef __NR_landlock_create_ruleset
#define __NR_landlock_create_ruleset 444
#define __NR_landlock_add_rule	     445
#define __NR_landlock_restrict_self  446
#endif
#define LL_ACCESS_FS_MAKE_REG	  (1ULL << 8)
#define LL_ACCESS_NET_BIND_TCP	  (1ULL << 0)
#define LL_ACCESS_NET_CONNECT_TCP (1ULL << 1)
#define LL_SCOPE_ABSTRACT_UNIX	  (1ULL << 0)
#define LL_SCOPE_SIGNAL		  (1ULL << 1)
struct ll_ruleset_attr {
	uint64_t handled_access_fs;
};
/* the attribute as of ABI 6 (handled_access_net: ABI 4, scoped: ABI 6) */
struct ll_ruleset_attr6 {
	uint64_t handled_access_fs;
	uint64_t handled_access_net;
	uint64_t scoped;
};
struct ll_path_beneath_attr {
	uint64_t allowed_access;
	int32_t parent_fd;
} __attribute__((packed));

/* handle MAKE_DIR and READ_FILE; allow READ_FILE|EXECUTE|READ_DIR beneath ALLOW (if given) */
static int landlock_restrict(const char *allow)
{
	struct ll_ruleset_attr ra = {.handled_access_fs =
					 LL_ACCESS_FS_MAKE_DIR | LL_ACCESS_FS_READ_FILE};
	int abi = syscall(__NR_landlock_create_ruleset, NULL, 0, LL_CREATE_RULESET_VERSION);
	int fd;

	printf("vmtrig: landlock abi=%d\n", abi);
	if (abi < 0)
		return -1;
	fd = syscall(__NR_landlock_create_ruleset, &ra, sizeof(ra), 0);
	if (fd < 0)
		return -1;
	if (allow) {
		struct ll_path_beneath_attr pb = {.allowed_access = LL_ACCESS_FS_READ_FILE};

		pb.parent_fd = open(allow, O_PATH | O_CLOEXEC);
		if (pb.parent_fd < 0 ||
		    syscall(__NR_landlock_add_rule, fd, LL_RULE_PATH_BENEATH, &pb, 0))
			return -1;
		close(pb.parent_fd);
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -1;
	if (syscall(__NR_landlock_restrict_self, fd, 0))
		return -1;
	close(fd);
	return 0;
}

static int landlock_abi(void)
{
	return (int)syscall(__NR_landlock_create_ruleset, NULL, 0, LL_CREATE_RULESET_VERSION);
}

/* Enter a domain that handles @fs, @net and scopes @scoped, with no rule: every handled access
 * is refused. Exit 3 when the kernel's Landlock ABI is below @need (feature absent). */
static void landlock_enter(int need, uint64_t fs, uint64_t net, uint64_t scoped)
{
	struct ll_ruleset_attr6 ra = {fs, net, scoped};
	int abi = landlock_abi(), fd;

	printf("vmtrig: landlock abi=%d\n", abi);
	if (abi < need) {
		printf("vmtrig: landlock ABI %d needed, kernel has %d\n", need, abi);
		exit(3);
	}
	fd = (int)syscall(__NR_landlock_create_ruleset, &ra, sizeof(ra), 0);
	if (fd < 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    syscall(__NR_landlock_restrict_self, fd, 0)) {
		report("landlock", -1, errno);
		exit(2);
	}
	close(fd);
}

static int landlock_net(const char *how, const char *port)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(port))};
	int s, bind_it = !strcmp(how, "bind");

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	landlock_enter(4, 0, LL_ACCESS_NET_BIND_TCP | LL_ACCESS_NET_CONNECT_TCP, 0);
	s = socket(AF_INET, SOCK_STREAM, 0);
	if (s < 0)
		return report("socket", -1, errno);
	if (bind_it)
		return TRY("bind", bind(s, (struct sockaddr *)&sin, sizeof(sin)));
	return TRY("connect", connect(s, (struct sockaddr *)&sin, sizeof(sin)));
}

/* A child forked before the domain is outside it: signalling it is refused under the
 * signal scope. The child exits when the pipe closes. */
static int landlock_signal(void)
{
	int release, r;
	pid_t child = outsider_fork(&release);

	if (child < 0)
		return 2;
	printf("vmtrig: target pid=%d\n", (int)child);
	landlock_enter(6, 0, 0, LL_SCOPE_SIGNAL);
	r = TRY("kill", kill(child, 0));
	close(release);
	waitpid(child, NULL, 0);
	return r;
}

/* A listener bound to an abstract name before the domain is outside it. */
static int landlock_unix(const char *name)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name));
	int l, s;

	if (strlen(name) >= sizeof(sun.sun_path) - 1)
		return 2;
	memcpy(sun.sun_path + 1, name, strlen(name));
	l = socket(AF_UNIX, SOCK_STREAM, 0);
	if (l < 0 || bind(l, (struct sockaddr *)&sun, len) || listen(l, 1)) {
		report("listen", -1, errno);
		return 2;
	}
	printf("vmtrig: listener pid=%d\n", (int)getpid());
	landlock_enter(6, 0, 0, LL_SCOPE_ABSTRACT_UNIX);
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	return TRY("connect", connect(s, (struct sockaddr *)&sun, len));
}

/* fanotify permission listener: deny open/exec of PATH, allow the rest; writes READY when armed */
static int fan_listen(const char *path, const char *ready)
{
	int fd = fanotify_init(FAN_CLASS_CONTENT | FAN_CLOEXEC, O_RDONLY | O_LARGEFILE);
	char buf[4096];
	struct stat target;

	if (fd < 0 || stat(path, &target)) {
		report("fanotify_init", -1, errno);
		return 2;
	}
	if (fanotify_mark(fd, FAN_MARK_ADD, FAN_OPEN_PERM | FAN_OPEN_EXEC_PERM, AT_FDCWD, path) &&
	    fanotify_mark(fd, FAN_MARK_ADD, FAN_OPEN_PERM, AT_FDCWD, path)) {
		perror("vmtrig: fanotify_mark");
		return 2;
	}
	if (ready) {
		int r = open(ready, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (r >= 0)
			close(r);
	}
	printf("vmtrig: fan-listen armed on %s\n", path);
	fflush(stdout);
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		struct fanotify_event_metadata *m = (void *)buf;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return 1;
		for (; FAN_EVENT_OK(m, n); m = FAN_EVENT_NEXT(m, n)) {
			struct fanotify_response resp = {.fd = m->fd, .response = FAN_ALLOW};
			struct stat st;

			if (m->fd >= 0 && !fstat(m->fd, &st) && st.st_ino == target.st_ino &&
			    st.st_dev == target.st_dev)
				resp.response = FAN_DENY;
			if (m->mask & (FAN_OPEN_PERM | FAN_OPEN_EXEC_PERM | FAN_ACCESS_PERM)) {
				if (write(fd, &resp, sizeof(resp)) < 0)
					perror("vmtrig: fanotify response");
				printf("vmtrig: fan-listen pid=%d mask=0x%llx -> %s\n", m->pid,
				       (unsigned long long)m->mask,
				       resp.response == FAN_DENY ? "DENY" : "ALLOW");
				fflush(stdout);
			}
			if (m->fd >= 0)
				close(m->fd);
		}
	}
}

static int set_flags(const char *path, const char *spec)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK);
	int flags = 0, bit;

	if (fd < 0)
		return report("setflags-open", -1, errno);
	if (ioctl(fd, FS_IOC_GETFLAGS, &flags))
		return report("FS_IOC_GETFLAGS", -1, errno);
	bit = strchr(spec, 'i') ? FS_IMMUTABLE_FL : FS_APPEND_FL;
	if (spec[0] == '-')
		flags &= ~bit;
	else
		flags |= bit;
	expect = -1;
	if (ioctl(fd, FS_IOC_SETFLAGS, &flags))
		return report("FS_IOC_SETFLAGS", -1, errno);
	close(fd);
	printf("vmtrig: setflags %s %s ok\n", spec, path);
	return 0;
}

static void usage(void)
{
	fputs(
	    "usage: vmtrig [-e ERRNO] [-u UID[:GID]] ACTION ARGS\n"
	    "actions: kill PID SIG | open PATH r|w|a | unlink PATH | chown PATH UID | mkdir PATH\n"
	    "  exec PATH ARGS | userns-sethostname NAME | seccomp-mkdir ERRNO PATH\n"
	    "  seccomp-chain PATH\n"
	    "  landlock-mkdir PATH | landlock-wait GO PATH | landlock-open ALLOWDIR PATH\n"
	    "  ptrace PID | iopl | ioperm\n"
	    "  landlock-abi | landlock-fs write|create PATH | landlock-bind|landlock-connect PORT\n"
	    "  landlock-signal | landlock-unix NAME | landlock-nonnp (restrict_self without\n"
	    "  no_new_privs: EPERM unless CAP_SYS_ADMIN); exit 3: the Landlock ABI is too old\n"
	    "  fan-listen PATH READYFILE | setflags PATH +i|-i|+a|-a | run CMD ARGS\n"
	    "  setxattr PATH | removexattr PATH (user.epermd)\n"
	    "  now (prints CLOCK_REALTIME as epermd's JSON \"time\": "
	    "YYYY-MM-DDTHH:MM:SS.NNNNNNNNNZ)\n",
	    stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	const char *act;
	int opt;
	long r;

	while ((opt = getopt(argc, argv, "+e:u:")) != -1) {
		if (opt == 'e')
			expect = parse_errno(optarg);
		else if (opt == 'u')
			become(optarg);
		else
			usage();
	}
	argv += optind;
	argc -= optind;
	if (argc < 1)
		usage();
	act = argv[0];
#define NEED(n)                                                                                    \
	do {                                                                                       \
		if (argc < (n) + 1)                                                                \
			usage();                                                                   \
	} while (0)
	if (!strcmp(act, "kill")) {
		NEED(2);
		r = kill(atoi(argv[1]), atoi(argv[2]));
		return TRY("kill", r);
	}
	if (!strcmp(act, "open")) {
		int fl;

		NEED(2);
		fl = argv[2][0] == 'w'	 ? O_WRONLY
		     : argv[2][0] == 'a' ? O_WRONLY | O_APPEND
					 : O_RDONLY;
		r = open(argv[1], fl);
		return TRY("open", r);
	}
	if (!strcmp(act, "unlink")) {
		NEED(1);
		return TRY("unlink", unlink(argv[1]));
	}
	if (!strcmp(act, "setxattr")) {
		NEED(1);
		return TRY("setxattr", setxattr(argv[1], "user.epermd", "1", 1, 0));
	}
	if (!strcmp(act, "removexattr")) {
		NEED(1);
		return TRY("removexattr", removexattr(argv[1], "user.epermd"));
	}
	if (!strcmp(act, "mkdir")) {
		NEED(1);
		return TRY("mkdir", mkdir(argv[1], 0755));
	}
	if (!strcmp(act, "chown")) {
		NEED(2);
		return TRY("chown", chown(argv[1], atoi(argv[2]), -1));
	}
	if (!strcmp(act, "exec")) {
		NEED(1);
		execv(argv[1], argv + 1);
		return report("execve", -1, errno);
	}
	if (!strcmp(act, "now")) {
		struct timespec ts;
		struct tm tm;
		char buf[32];

		clock_gettime(CLOCK_REALTIME, &ts);
		gmtime_r(&ts.tv_sec, &tm);
		strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
		printf("%s.%09ldZ\n", buf, ts.tv_nsec);
		return 0;
	}
	if (!strcmp(act, "run")) {
		NEED(1);
		execvp(argv[1], argv + 1);
		perror("vmtrig: run");
		return 127;
	}
	if (!strcmp(act, "userns-sethostname")) {
		NEED(1);
		if (unshare(CLONE_NEWUSER)) {
			report("unshare", -1, errno);
			return 2;
		}
		return TRY("sethostname", sethostname(argv[1], strlen(argv[1])));
	}
	if (!strcmp(act, "seccomp-mkdir")) {
		NEED(2);
		if (seccomp_errno(SYS_mkdir, parse_errno(argv[1]))) {
			report("seccomp", -1, errno);
			return 2;
		}
		return TRY("mkdir", syscall(SYS_mkdir, argv[2], 0755));
	}
	if (!strcmp(act, "seccomp-chain")) {
		/* two stacked filters of the same length both refuse mkdir: the oldest with EACCES,
		 * the newest with EPERM. Equal actions: the kernel keeps the newest's errno, and
		 * epermd must name filter 2 of 2 (insn 5), not the oldest. */
		NEED(1);
		if (seccomp_errno(SYS_mkdir, EACCES) || seccomp_errno(SYS_mkdir, EPERM)) {
			report("seccomp", -1, errno);
			return 2;
		}
		return TRY("mkdir", syscall(SYS_mkdir, argv[1], 0755));
	}
	if (!strcmp(act, "landlock-mkdir")) {
		NEED(1);
		if (landlock_restrict(NULL)) {
			report("landlock", -1, errno);
			return 2;
		}
		return TRY("mkdir", mkdir(argv[1], 0755));
	}
	if (!strcmp(act, "landlock-wait")) {
		/* a domain entered before the tracer starts: restrict (as landlock-mkdir), then
		 * wait for GO to exist, then mkdir PATH */
		NEED(2);
		if (landlock_restrict(NULL)) {
			report("landlock", -1, errno);
			return 2;
		}
		printf("vmtrig: restricted, waiting for %s\n", argv[1]);
		fflush(stdout);
		while (access(argv[1], F_OK))
			usleep(20000);
		return TRY("mkdir", mkdir(argv[2], 0755));
	}
	if (!strcmp(act, "landlock-open")) {
		NEED(2);
		if (landlock_restrict(argv[1])) {
			report("landlock", -1, errno);
			return 2;
		}
		return TRY("open", open(argv[2], O_RDONLY));
	}
	if (!strcmp(act, "landlock-abi")) {
		printf("%d\n", landlock_abi());
		return 0;
	}
	if (!strcmp(act, "landlock-fs")) {
		NEED(2);
		landlock_enter(1,
			       LL_ACCESS_FS_WRITE_FILE | LL_ACCESS_FS_READ_FILE |
				   LL_ACCESS_FS_MAKE_REG | LL_ACCESS_FS_MAKE_DIR,
			       0, 0);
		if (!strcmp(argv[1], "create"))
			return TRY("open", open(argv[2], O_WRONLY | O_CREAT | O_EXCL, 0644));
		return TRY("open", open(argv[2], O_WRONLY));
	}
	if (!strcmp(act, "landlock-bind") || !strcmp(act, "landlock-connect")) {
		NEED(1);
		return landlock_net(act + 9, argv[1]);
	}
	if (!strcmp(act, "landlock-signal"))
		return landlock_signal();
	if (!strcmp(act, "landlock-unix")) {
		NEED(1);
		return landlock_unix(argv[1]);
	}
	if (!strcmp(act, "landlock-nonnp")) {
		struct ll_ruleset_attr ra = {.handled_access_fs = LL_ACCESS_FS_MAKE_DIR};
		int fd = (int)syscall(__NR_landlock_create_ruleset, &ra, sizeof(ra), 0);

		if (fd < 0) {
			report("landlock", -1, errno);
			return 2;
		}
		return TRY("landlock_restrict_self", syscall(__NR_landlock_restrict_self, fd, 0));
	}
	if (!strcmp(act, "ptrace")) {
		NEED(1);
		r = ptrace(PTRACE_ATTACH, atoi(argv[1]), NULL, NULL);
		return TRY("ptrace-attach", r);
	}
	if (!strcmp(act, "iopl"))
		return TRY("iopl", iopl(3));
	if (!strcmp(act, "ioperm"))
		return TRY("ioperm", ioperm(0x80, 1, 1));
	if (!strcmp(act, "fan-listen")) {
		NEED(2);
		return fan_listen(argv[1], argv[2]);
	}
	if (!strcmp(act, "setflags")) {
		NEED(2);
		return set_flags(argv[1], argv[2]);
	}
	usage();
	return 2;
}
