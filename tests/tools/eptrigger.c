// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * eptrigger: perform exactly one permission denial (or a counted storm of them) so the test
 * suite knows what epermd must report.
 *
 *   eptrigger [--raw] [--drop-cap=CAP] [--quiet] [--linger=MS] ACTION [ARGS...]
 *
 * By default the action goes through the libc wrapper; --raw issues syscall(__NR_...) itself,
 * using the other member of the syscall family where there is one (open -> SYS_open when libc
 * uses openat, unlink -> SYS_unlinkat when libc uses unlink, ...), so both numbers get covered.
 * The line printed names the syscall actually issued:
 *
 *   eptrigger: action=open-read syscall=openat path=/x errno=EACCES
 *
 * --linger=MS stays alive MS ms after the call, so a tracer can still resolve an fd argument
 * through /proc/<pid>/fd (mmap of a file).
 * Exit status: the errno of the failing call (1 = EPERM, 13 = EACCES), 0 when the call
 * succeeded, 3 for any other errno, 64 for a usage error, 70 for a setup failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/openat2.h>
#include <linux/perf_event.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <signal.h>
#include <stdbool.h>

#ifndef __NR_faccessat2
#define __NR_faccessat2 439
#endif
#ifndef __NR_openat2
#define __NR_openat2 437
#endif

#define EX_USAGE_ 64
#define EX_SETUP  70

static bool raw_mode;
static bool quiet;
static unsigned linger_ms; /* keep fds open after the call (fd-based paths resolve via /proc) */
static const char *action_name;

static const char *const cap_names[] = {
    "chown",
    "dac_override",
    "dac_read_search",
    "fowner",
    "fsetid",
    "kill",
    "setgid",
    "setuid",
    "setpcap",
    "linux_immutable",
    "net_bind_service",
    "net_broadcast",
    "net_admin",
    "net_raw",
    "ipc_lock",
    "ipc_owner",
    "sys_module",
    "sys_rawio",
    "sys_chroot",
    "sys_ptrace",
    "sys_pacct",
    "sys_admin",
    "sys_boot",
    "sys_nice",
    "sys_resource",
    "sys_time",
    "sys_tty_config",
    "mknod",
    "lease",
    "audit_write",
    "audit_control",
    "setfcap",
    "mac_override",
    "mac_admin",
    "syslog",
    "wake_alarm",
    "block_suspend",
    "audit_read",
    "perfmon",
    "bpf",
    "checkpoint_restore",
};

static void usage(void)
{
	fprintf(
	    stderr,
	    "usage: eptrigger [--raw] [--drop-cap=CAP] [--quiet] [--linger=MS] ACTION [ARGS]\n"
	    "actions: open-read P, open-write P, openat2 P, access P, faccessat P, faccessat2 P,\n"
	    "  creat P, unlink P, rename A B, mkdir P, rmdir P, chmod P MODE, chown P UID,\n"
	    "  truncate P, link A B, symlink A B, utimes P, setxattr P, exec P, mmap-exec P,\n"
	    "  kill PID, sethostname NAME, setuid UID, bind-low PORT, ping-socket, raw-socket,\n"
	    "  bpf-map, perf-open, userns-sethostname, seccomp-EPERM [mkdir|getppid] [P],\n"
	    "  seccomp-EACCES [mkdir|getppid] [P], storm N, storm-open N DIR K\n"
	    "exit status: the errno of the denial (1 EPERM, 13 EACCES), 0 on success,\n"
	    "  3 on another errno, 64 usage, 70 setup failure\n");
	exit(EX_USAGE_);
}

static const char *errno_name(int e)
{
	switch (e) {
	case 0:
		return "0";
	case EPERM:
		return "EPERM";
	case EACCES:
		return "EACCES";
	case ENOENT:
		return "ENOENT";
	case EEXIST:
		return "EEXIST";
	case EINVAL:
		return "EINVAL";
	case ENOSYS:
		return "ENOSYS";
	default:
		return "other";
	}
}

/* Report one call: ret < 0 means it failed with errno e. Never returns. */
static void finish(const char *sys, const char *what, long ret, int e)
{
	int st;

	if (ret >= 0)
		e = 0;
	if (!quiet)
		printf("eptrigger: action=%s syscall=%s%s%s%s errno=%s (%s)\n", action_name, sys,
		       raw_mode ? " raw=1" : "", what ? " target=" : "", what ? what : "",
		       errno_name(e), e ? strerror(e) : "success");
	fflush(stdout);
	if (linger_ms)
		usleep(linger_ms * 1000u);
	st = e == 0 ? 0 : (e == EPERM || e == EACCES) ? e : 3;
	_exit(st);
}

static void need(int argc, int n)
{
	if (argc < n)
		usage();
}

static int cap_from_name(const char *s)
{
	char *end;
	long v;

	if (strncasecmp(s, "cap_", 4) == 0)
		s += 4;
	for (size_t i = 0; i < sizeof(cap_names) / sizeof(cap_names[0]); i++)
		if (strcasecmp(s, cap_names[i]) == 0)
			return (int)i;
	v = strtol(s, &end, 10);
	if (*s && !*end && v >= 0 && v <= CAP_LAST_CAP)
		return (int)v;
	return -1;
}

/* Remove one capability from the bounding, permitted, effective and inheritable sets. */
static void drop_cap(const char *name)
{
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct data[2];
	int cap = cap_from_name(name);

	if (cap < 0) {
		fprintf(stderr, "eptrigger: unknown capability '%s'\n", name);
		exit(EX_USAGE_);
	}
	if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) && errno != EINVAL) {
		perror("eptrigger: PR_CAPBSET_DROP");
		exit(EX_SETUP);
	}
	if (syscall(SYS_capget, &hdr, data)) {
		perror("eptrigger: capget");
		exit(EX_SETUP);
	}
	data[cap / 32].effective &= ~(1u << (cap % 32));
	data[cap / 32].permitted &= ~(1u << (cap % 32));
	data[cap / 32].inheritable &= ~(1u << (cap % 32));
	if (syscall(SYS_capset, &hdr, data)) {
		perror("eptrigger: capset");
		exit(EX_SETUP);
	}
}

static void install_seccomp(int err, int nr_a, int nr_b)
{
	struct sock_filter f[] = {
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)nr_a, 1, 0),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)nr_b, 0, 1),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (unsigned)err),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {.len = sizeof(f) / sizeof(f[0]), .filter = f};

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
		perror("eptrigger: PR_SET_NO_NEW_PRIVS");
		exit(EX_SETUP);
	}
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog)) {
		perror("eptrigger: seccomp");
		exit(EX_SETUP);
	}
	/* As in real programs (a runtime installs the filter, then execs), the thread makes an
	 * allowed syscall under the filter before the denied one: exit-without-enter detection
	 * needs one sys_enter seen in filter mode to trust the absence of the next. */
	syscall(SYS_getpid);
}

static void do_seccomp(int err, int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "mkdir";
	const char *path = argc > 2 ? argv[2] : "/tmp/eptrigger-seccomp-dir";
	long r;

	if (strcmp(what, "getppid") == 0) {
		install_seccomp(err, SYS_getppid, SYS_getppid);
		r = syscall(SYS_getppid);
		finish("getppid", NULL, r, errno);
	}
	if (strcmp(what, "mkdir") != 0)
		usage();
	install_seccomp(err, SYS_mkdir, SYS_mkdirat);
	if (raw_mode) {
		r = syscall(SYS_mkdirat, AT_FDCWD, path, 0700);
		finish("mkdirat", path, r, errno);
	}
	r = mkdir(path, 0700);
	finish("mkdir", path, r, errno);
}

static void do_storm(const char *arg)
{
	char *end;
	unsigned long long n = strtoull(arg, &end, 10), eperm = 0, other = 0;

	if (!*arg || *end)
		usage();
	for (unsigned long long i = 0; i < n; i++) {
		long r = raw_mode ? syscall(SYS_kill, 1, 0) : kill(1, 0);

		if (r < 0 && errno == EPERM)
			eperm++;
		else
			other++;
	}
	if (!quiet)
		printf("eptrigger: action=storm syscall=kill calls=%llu eperm=%llu other=%llu\n", n,
		       eperm, other);
	fflush(stdout);
	_exit(other ? 3 : 0);
}

/* N opens of DIR/f0 .. DIR/f<K-1> in turn (read-only): K distinct objects, N/K denials each. */
static void do_storm_open(const char *ns, const char *dir, const char *ks)
{
	char *end, path[4096];
	unsigned long long n = strtoull(ns, &end, 10), k, denied = 0, other = 0;

	if (!*ns || *end)
		usage();
	k = strtoull(ks, &end, 10);
	if (!*ks || *end || !k)
		usage();
	for (unsigned long long i = 0; i < n; i++) {
		int fd;

		snprintf(path, sizeof(path), "%s/f%llu", dir, i % k);
		fd = open(path, O_RDONLY);
		if (fd < 0 && (errno == EACCES || errno == EPERM)) {
			denied++;
		} else {
			other++;
			if (fd >= 0)
				close(fd);
		}
	}
	if (!quiet)
		printf("eptrigger: action=storm-open syscall=openat calls=%llu denied=%llu "
		       "other=%llu\n",
		       n, denied, other);
	fflush(stdout);
	_exit(other ? 3 : 0);
}

static void do_socket_bind(const char *port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(port))};
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	long r;

	if (fd < 0) {
		perror("eptrigger: socket");
		exit(EX_SETUP);
	}
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (raw_mode)
		r = syscall(SYS_bind, fd, &a, sizeof(a));
	else
		r = bind(fd, (struct sockaddr *)&a, sizeof(a));
	finish("bind", port, r, errno);
}

static void do_socket(int type, int proto)
{
	long r;

	if (raw_mode)
		r = syscall(SYS_socket, AF_INET, type, proto);
	else
		r = socket(AF_INET, type, proto);
	finish("socket", NULL, r, errno);
}

static void do_bpf_map(void)
{
	union bpf_attr attr;
	long r;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_ARRAY;
	attr.key_size = 4;
	attr.value_size = 8;
	attr.max_entries = 1;
	r = syscall(SYS_bpf, BPF_MAP_CREATE, &attr, sizeof(attr));
	finish("bpf", NULL, r, errno);
}

static void do_perf_open(void)
{
	struct perf_event_attr attr;
	long r;

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_SOFTWARE;
	attr.config = PERF_COUNT_SW_CPU_CLOCK;
	attr.exclude_kernel = 0; /* kernel profiling: refused when perf_event_paranoid >= 2 */
	attr.disabled = 1;
	r = syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0);
	finish("perf_event_open", NULL, r, errno);
}

static void do_userns_sethostname(void)
{
	long r;

	if (unshare(CLONE_NEWUSER)) {
		perror("eptrigger: unshare(CLONE_NEWUSER)");
		exit(EX_SETUP);
	}
	/* Full capabilities in the new user namespace, but the UTS namespace is the parent's. */
	if (raw_mode)
		r = syscall(SYS_sethostname, "eptrigger", 9);
	else
		r = sethostname("eptrigger", 9);
	finish("sethostname", NULL, r, errno);
}

static void do_exec(const char *path)
{
	char *const av[] = {(char *)path, NULL};
	extern char **environ;
	long r;

	fflush(stdout);
	if (raw_mode) {
		r = syscall(SYS_execveat, AT_FDCWD, path, av, environ, 0);
		finish("execveat", path, r, errno);
	}
	r = execve(path, av, environ);
	finish("execve", path, r, errno);
}

static void do_mmap_exec(const char *path)
{
	int fd = open(path, O_RDONLY);
	void *p;

	if (fd < 0) {
		perror("eptrigger: open");
		exit(EX_SETUP);
	}
	if (raw_mode)
		p = (void *)syscall(SYS_mmap, NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd,
				    0);
	else
		p = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
	finish("mmap", path, p == MAP_FAILED ? -1 : 0, errno);
}

int main(int argc, char **argv)
{
	const char *a;
	long r;
	int i = 1;

	for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
		if (strcmp(argv[i], "--raw") == 0)
			raw_mode = true;
		else if (strcmp(argv[i], "--quiet") == 0)
			quiet = true;
		else if (strncmp(argv[i], "--linger=", 9) == 0)
			linger_ms = (unsigned)strtoul(argv[i] + 9, NULL, 10);
		else if (strncmp(argv[i], "--drop-cap=", 11) == 0)
			drop_cap(argv[i] + 11);
		else if (strcmp(argv[i], "--help") == 0)
			usage();
		else
			usage();
	}
	argc -= i;
	argv += i;
	need(argc, 1);
	a = action_name = argv[0];

	/* Paths: libc wrapper first, then the raw syscall of the other family member. */
	if (strcmp(a, "open-read") == 0 || strcmp(a, "open-write") == 0) {
		int fl = a[5] == 'r' ? O_RDONLY : O_WRONLY;

		need(argc, 2);
		if (raw_mode) {
			r = syscall(SYS_open, argv[1], fl);
			finish("open", argv[1], r, errno);
		}
		r = open(argv[1], fl);
		finish("openat", argv[1], r, errno);
	} else if (strcmp(a, "openat2") == 0) {
		struct open_how how = {.flags = O_RDONLY};

		need(argc, 2);
		/* no libc wrapper in glibc 2.36: always raw */
		r = syscall(__NR_openat2, AT_FDCWD, argv[1], &how, sizeof(how));
		finish("openat2", argv[1], r, errno);
	} else if (strcmp(a, "access") == 0) {
		need(argc, 2);
		r = raw_mode ? syscall(SYS_access, argv[1], R_OK) : access(argv[1], R_OK);
		finish("access", argv[1], r, errno);
	} else if (strcmp(a, "faccessat") == 0) {
		need(argc, 2);
		if (raw_mode) {
			r = syscall(SYS_faccessat, AT_FDCWD, argv[1], R_OK);
			finish("faccessat", argv[1], r, errno);
		}
		/* glibc 2.36 implements faccessat() with the faccessat2 syscall */
		r = faccessat(AT_FDCWD, argv[1], R_OK, 0);
		finish("faccessat2", argv[1], r, errno);
	} else if (strcmp(a, "faccessat2") == 0) {
		need(argc, 2);
		r = syscall(__NR_faccessat2, AT_FDCWD, argv[1], R_OK, 0);
		finish("faccessat2", argv[1], r, errno);
	} else if (strcmp(a, "creat") == 0) {
		need(argc, 2);
		if (raw_mode) {
			r = syscall(SYS_openat, AT_FDCWD, argv[1], O_CREAT | O_WRONLY | O_TRUNC,
				    0600);
			finish("openat", argv[1], r, errno);
		}
		r = creat(argv[1], 0600);
		finish("creat", argv[1], r, errno);
	} else if (strcmp(a, "unlink") == 0) {
		need(argc, 2);
		if (raw_mode) {
			r = syscall(SYS_unlinkat, AT_FDCWD, argv[1], 0);
			finish("unlinkat", argv[1], r, errno);
		}
		r = unlink(argv[1]);
		finish("unlink", argv[1], r, errno);
	} else if (strcmp(a, "rename") == 0) {
		need(argc, 3);
		if (raw_mode) {
			r = syscall(SYS_renameat2, AT_FDCWD, argv[1], AT_FDCWD, argv[2], 0);
			finish("renameat2", argv[1], r, errno);
		}
		r = rename(argv[1], argv[2]);
		finish("rename", argv[1], r, errno);
	} else if (strcmp(a, "mkdir") == 0) {
		need(argc, 2);
		if (raw_mode) {
			r = syscall(SYS_mkdirat, AT_FDCWD, argv[1], 0700);
			finish("mkdirat", argv[1], r, errno);
		}
		r = mkdir(argv[1], 0700);
		finish("mkdir", argv[1], r, errno);
	} else if (strcmp(a, "rmdir") == 0) {
		need(argc, 2);
		if (raw_mode) {
			r = syscall(SYS_unlinkat, AT_FDCWD, argv[1], AT_REMOVEDIR);
			finish("unlinkat", argv[1], r, errno);
		}
		r = rmdir(argv[1]);
		finish("rmdir", argv[1], r, errno);
	} else if (strcmp(a, "chmod") == 0) {
		mode_t m;

		need(argc, 3);
		m = (mode_t)strtoul(argv[2], NULL, 8);
		if (raw_mode) {
			r = syscall(SYS_fchmodat, AT_FDCWD, argv[1], m);
			finish("fchmodat", argv[1], r, errno);
		}
		r = chmod(argv[1], m);
		finish("chmod", argv[1], r, errno);
	} else if (strcmp(a, "chown") == 0) {
		uid_t u;

		need(argc, 3);
		u = (uid_t)strtoul(argv[2], NULL, 10);
		if (raw_mode) {
			r = syscall(SYS_fchownat, AT_FDCWD, argv[1], u, (gid_t)-1, 0);
			finish("fchownat", argv[1], r, errno);
		}
		r = chown(argv[1], u, (gid_t)-1);
		finish("chown", argv[1], r, errno);
	} else if (strcmp(a, "truncate") == 0) {
		need(argc, 2);
		r = raw_mode ? syscall(SYS_truncate, argv[1], 0L) : truncate(argv[1], 0);
		finish("truncate", argv[1], r, errno);
	} else if (strcmp(a, "link") == 0) {
		need(argc, 3);
		if (raw_mode) {
			r = syscall(SYS_linkat, AT_FDCWD, argv[1], AT_FDCWD, argv[2], 0);
			finish("linkat", argv[1], r, errno);
		}
		r = link(argv[1], argv[2]);
		finish("link", argv[1], r, errno);
	} else if (strcmp(a, "symlink") == 0) {
		need(argc, 3);
		if (raw_mode) {
			r = syscall(SYS_symlinkat, argv[1], AT_FDCWD, argv[2]);
			finish("symlinkat", argv[2], r, errno);
		}
		r = symlink(argv[1], argv[2]);
		finish("symlink", argv[2], r, errno);
	} else if (strcmp(a, "utimes") == 0) {
		struct timeval tv[2] = {{1, 0}, {1, 0}};

		need(argc, 2);
		if (raw_mode) {
			r = syscall(SYS_utimes, argv[1], tv);
			finish("utimes", argv[1], r, errno);
		}
		/* glibc 2.36 implements utimes() with utimensat */
		r = utimes(argv[1], tv);
		finish("utimensat", argv[1], r, errno);
	} else if (strcmp(a, "setxattr") == 0) {
		need(argc, 2);
		if (raw_mode)
			r = syscall(SYS_setxattr, argv[1], "user.eptrigger", "x", 1, 0);
		else
			r = setxattr(argv[1], "user.eptrigger", "x", 1, 0);
		finish("setxattr", argv[1], r, errno);
	} else if (strcmp(a, "exec") == 0) {
		need(argc, 2);
		do_exec(argv[1]);
	} else if (strcmp(a, "mmap-exec") == 0) {
		need(argc, 2);
		do_mmap_exec(argv[1]);
	} else if (strcmp(a, "kill") == 0) {
		pid_t p;

		need(argc, 2);
		p = (pid_t)atoi(argv[1]);
		r = raw_mode ? syscall(SYS_kill, p, 0) : kill(p, 0);
		finish("kill", argv[1], r, errno);
	} else if (strcmp(a, "sethostname") == 0) {
		need(argc, 2);
		if (raw_mode)
			r = syscall(SYS_sethostname, argv[1], strlen(argv[1]));
		else
			r = sethostname(argv[1], strlen(argv[1]));
		finish("sethostname", argv[1], r, errno);
	} else if (strcmp(a, "setuid") == 0) {
		uid_t u;

		need(argc, 2);
		u = (uid_t)strtoul(argv[1], NULL, 10);
		r = raw_mode ? syscall(SYS_setuid, u) : setuid(u);
		finish("setuid", argv[1], r, errno);
	} else if (strcmp(a, "bind-low") == 0) {
		need(argc, 2);
		do_socket_bind(argv[1]);
	} else if (strcmp(a, "ping-socket") == 0) {
		do_socket(SOCK_DGRAM, IPPROTO_ICMP);
	} else if (strcmp(a, "raw-socket") == 0) {
		do_socket(SOCK_RAW, IPPROTO_ICMP);
	} else if (strcmp(a, "bpf-map") == 0) {
		do_bpf_map();
	} else if (strcmp(a, "perf-open") == 0) {
		do_perf_open();
	} else if (strcmp(a, "userns-sethostname") == 0) {
		do_userns_sethostname();
	} else if (strcmp(a, "seccomp-EPERM") == 0) {
		do_seccomp(EPERM, argc, argv);
	} else if (strcmp(a, "seccomp-EACCES") == 0) {
		do_seccomp(EACCES, argc, argv);
	} else if (strcmp(a, "storm") == 0) {
		need(argc, 2);
		do_storm(argv[1]);
	} else if (strcmp(a, "storm-open") == 0) {
		need(argc, 4);
		do_storm_open(argv[1], argv[2], argv[3]);
	}
	usage();
	return EX_USAGE_;
}
