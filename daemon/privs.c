// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Dropping capabilities after attach. The sets live in each thread's credentials, so the main
 * thread reaches the others with a real-time signal whose handler applies the same plan
 * (only async-signal-safe syscalls), waits for every acknowledgement and then reads every
 * thread's /proc/self/task/<tid>/status to check the result rather than trust it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "names.h"
#include "privs.h"
#include "procinfo.h"

#define ACK_TIMEOUT_MS 2000

static struct {
	uint64_t keep;	   /* the final effective = permitted set */
	uint64_t drop_bnd; /* removed from the bounding set, when bnd */
	bool bnd;
	int last;
	atomic_int acks, fails;
} plan;

static int cap_last_cap(void)
{
	char buf[16];
	int last = -1;

	if (read_small_at(AT_FDCWD, "/proc/sys/kernel/cap_last_cap", buf, sizeof(buf)) > 0)
		last = atoi(buf);
	if (last <= 0 || last > 63)
		last = CAP_LAST_CAP;
	return last;
}

static int capget_self(struct __user_cap_data_struct d[2])
{
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3};

	return syscall(SYS_capget, &h, d) ? -errno : 0;
}

static int capset_self(uint64_t eff, uint64_t prm, uint64_t inh)
{
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct d[2] = {
	    {(uint32_t)eff, (uint32_t)prm, (uint32_t)inh},
	    {(uint32_t)(eff >> 32), (uint32_t)(prm >> 32), (uint32_t)(inh >> 32)},
	};

	return syscall(SYS_capset, &h, d) ? -errno : 0;
}

int privs_get(struct privs_sets *s)
{
	struct __user_cap_data_struct d[2];
	int last = cap_last_cap(), err;

	memset(s, 0, sizeof(*s));
	err = capget_self(d);
	if (err)
		return err;
	s->eff = d[0].effective | (uint64_t)d[1].effective << 32;
	s->prm = d[0].permitted | (uint64_t)d[1].permitted << 32;
	s->inh = d[0].inheritable | (uint64_t)d[1].inheritable << 32;
	for (int c = 0; c <= last; c++) {
		if (prctl(PR_CAPBSET_READ, c, 0, 0, 0) == 1)
			s->bnd |= PRIVS_CAP(c);
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, c, 0, 0) == 1)
			s->amb |= PRIVS_CAP(c);
	}
	return 0;
}

const char *privs_names(uint64_t set, char *buf, size_t n)
{
	size_t used = 0;

	if (!n)
		return buf;
	buf[0] = '\0';
	for (int c = 0; c < 64 && used < n; c++) {
		const char *name;
		char num[16];

		if (!(set & PRIVS_CAP(c)))
			continue;
		name = cap_name(c);
		if (!name) {
			snprintf(num, sizeof(num), "cap_%d", c);
			name = num;
		} else {
			name = name + 4; /* the "CAP_" prefix, lowercased below */
		}
		used += (size_t)snprintf(buf + used, n - used, "%scap_", used ? "," : "");
		for (const char *p = name; *p && used + 1 < n; p++)
			buf[used++] = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
		if (used < n)
			buf[used] = '\0';
	}
	if (!buf[0])
		snprintf(buf, n, "none");
	return buf;
}

/* The plan for the calling thread; async-signal-safe. The bounding set needs CAP_SETPCAP in
 * the effective set, so it goes first; no_new_privs keeps an exec from regaining anything. */
static int apply_self(void)
{
	if (plan.bnd)
		for (int c = 0; c <= plan.last; c++)
			if ((plan.drop_bnd & PRIVS_CAP(c)) && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) &&
			    errno != EINVAL)
				return -errno;
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) && errno != EINVAL)
		return -errno;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -errno;
	return capset_self(plan.keep, plan.keep, 0);
}

static void on_signal(int sig)
{
	int saved = errno;

	(void)sig;
	if (apply_self())
		atomic_fetch_add(&plan.fails, 1);
	atomic_fetch_add(&plan.acks, 1);
	errno = saved;
}

static int signal_others(int sig, int *sent, char *err, size_t n)
{
	pid_t self = (pid_t)syscall(SYS_gettid), pid = getpid();
	struct dirent *de;
	DIR *d;

	*sent = 0;
	d = opendir("/proc/self/task");
	if (!d) {
		snprintf(err, n, "cannot list the daemon's threads: %s", strerror(errno));
		return -errno;
	}
	while ((de = readdir(d))) {
		pid_t tid = (pid_t)atoi(de->d_name);

		if (tid <= 0 || tid == self)
			continue;
		if (syscall(SYS_tgkill, pid, tid, sig) == 0)
			(*sent)++;
		else if (errno != ESRCH) { /* ESRCH: the thread is gone */
			int e = errno;

			closedir(d);
			snprintf(err, n, "cannot signal thread %d: %s", (int)tid, strerror(e));
			return -e;
		}
	}
	closedir(d);
	return 0;
}

/* Every thread now shows exactly the plan. */
static int verify_all(char *err, size_t n)
{
	struct dirent *de;
	int ret = 0;
	DIR *d;

	d = opendir("/proc/self/task");
	if (!d) {
		snprintf(err, n, "cannot list the daemon's threads: %s", strerror(errno));
		return -errno;
	}
	while ((de = readdir(d)) && !ret) {
		char path[300], status[4096], comm[32] = "?";
		struct dn_proc st;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/status", de->d_name);
		if (read_small_at(AT_FDCWD, path, status, sizeof(status)) <= 0)
			continue; /* the thread exited */
		/* a line the kernel did not print counts as holding everything */
		memset(&st, 0, sizeof(st));
		st.cap_eff = st.cap_prm = st.cap_amb = st.cap_bnd = ~0ull;
		if (!proc_parse_status(status, &st) && st.cap_eff == plan.keep &&
		    st.cap_prm == plan.keep && st.cap_amb == 0 &&
		    (!plan.bnd || !(st.cap_bnd & plan.drop_bnd)) && st.no_new_privs == 1)
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/comm", de->d_name);
		if (read_small_at(AT_FDCWD, path, comm, sizeof(comm)) > 0)
			comm[strcspn(comm, "\n")] = '\0';
		snprintf(err, n,
			 "thread %s (%s) still holds capabilities (CapEff %016llx CapPrm %016llx "
			 "CapAmb %016llx, want %016llx); does it block signal %d?",
			 de->d_name, comm, (unsigned long long)st.cap_eff,
			 (unsigned long long)st.cap_prm, (unsigned long long)st.cap_amb,
			 (unsigned long long)plan.keep, SIGRTMIN + 5);
		ret = -EPERM;
	}
	closedir(d);
	return ret;
}

int privs_drop(const struct privs_opts *o, struct privs_result *r, char *err, size_t n)
{
	struct sigaction sa = {.sa_handler = on_signal, .sa_flags = SA_RESTART};
	struct timespec tick = {0, 1000000};
	int sig = SIGRTMIN + 5, sent = 0, ret;
	struct privs_sets cur;

	memset(r, 0, sizeof(*r));
	err[0] = '\0';
	ret = privs_get(&cur);
	if (ret) {
		snprintf(err, n, "capget: %s", strerror(-ret));
		return ret;
	}
	r->before = cur.eff;
	plan.last = cap_last_cap();
	plan.keep = cur.prm & o->keep;

	/* Is an optional capability still needed? Try the work with the effective set reduced
	 * to what is kept without it (the kernel checks effective capabilities); the permitted
	 * set still has everything, so it can come back. */
	if (cur.prm & o->optional) {
		/* the effective set it will end with: CAP_SYS_ADMIN would stand in for CAP_BPF */
		ret = capset_self(cur.eff & plan.keep, cur.prm, cur.inh);
		if (ret) {
			snprintf(err, n, "capset: %s", strerror(-ret));
			return ret;
		}
		r->probe_err = o->probe ? o->probe(o->ctx) : 0;
		if (r->probe_err) {
			r->optional_kept = cur.prm & o->optional;
			plan.keep |= r->optional_kept;
		}
		ret = capset_self(cur.eff, cur.prm, cur.inh);
		if (ret) {
			snprintf(err, n, "capset: %s", strerror(-ret));
			return ret;
		}
	}
	plan.bnd = cur.eff & PRIVS_CAP(CAP_SETPCAP);
	plan.drop_bnd = cur.bnd & ~plan.keep;
	atomic_store(&plan.acks, 0);
	atomic_store(&plan.fails, 0);

	/* the handler stays installed: a late delivery only applies the plan again */
	sigemptyset(&sa.sa_mask);
	if (sigaction(sig, &sa, NULL)) {
		ret = -errno;
		snprintf(err, n, "sigaction: %s", strerror(-ret));
		return ret;
	}
	ret = signal_others(sig, &sent, err, n);
	if (ret)
		return ret;
	for (int ms = 0; atomic_load(&plan.acks) < sent && ms < ACK_TIMEOUT_MS; ms++)
		nanosleep(&tick, NULL);
	ret = apply_self();
	if (ret) {
		snprintf(err, n, "dropping capabilities: %s", strerror(-ret));
		return ret;
	}
	if (atomic_load(&plan.fails)) {
		snprintf(err, n, "%d thread(s) could not drop their capabilities",
			 atomic_load(&plan.fails));
		return -EPERM;
	}
	ret = verify_all(err, n);
	if (ret)
		return ret;
	r->after = plan.keep;
	r->bounding = plan.bnd;
	return 0;
}

const char *privs_describe(const struct privs_result *r, char *buf, size_t n)
{
	char kept[256], dropped[512], opt[128];
	int len;

	uint64_t gone = r->before & ~r->after;
	int ngone = __builtin_popcountll(gone);

	privs_names(r->after, kept, sizeof(kept));
	/* running as full root: name the interesting ones, count the rest */
	if (ngone > 8) {
		uint64_t named = gone & (PRIVS_CAP(CAP_BPF) | PRIVS_CAP(CAP_PERFMON) |
					 PRIVS_CAP(CAP_SYS_ADMIN) | PRIVS_CAP(CAP_SYS_RESOURCE) |
					 PRIVS_CAP(CAP_CHOWN) | PRIVS_CAP(CAP_AUDIT_READ));

		privs_names(named, opt, sizeof(opt));
		snprintf(dropped, sizeof(dropped), "%s and %d more", opt,
			 ngone - __builtin_popcountll(named));
	} else {
		privs_names(gone, dropped, sizeof(dropped));
	}
	len = snprintf(buf, n, "%s (dropped after attach: %s%s)", kept, dropped,
		       r->bounding ? ", also from the bounding set" : "");
	if (r->optional_kept && len > 0 && (size_t)len < n)
		snprintf(buf + len, n - (size_t)len,
			 "; kept %s: reading the counter map without it failed (%s), as on "
			 "kernels before 6.5 with kernel.unprivileged_bpf_disabled set",
			 privs_names(r->optional_kept, opt, sizeof(opt)), strerror(-r->probe_err));
	return buf;
}

/* Before 5.11, BPF maps count against RLIMIT_MEMLOCK (measured on Debian's 5.10: a 16 MiB
 * ring needs more than 32 MiB), and raising it takes CAP_SYS_RESOURCE. */
static bool memlock_hint(const struct privs_sets *s, char *buf, size_t n)
{
	struct utsname u;
	struct rlimit rl;
	int maj = 0, min = 0;

	if (uname(&u) || sscanf(u.release, "%d.%d", &maj, &min) != 2 || maj > 5 ||
	    (maj == 5 && min >= 11) || (s->eff & PRIVS_CAP(CAP_SYS_RESOURCE)) ||
	    getrlimit(RLIMIT_MEMLOCK, &rl) || rl.rlim_cur == RLIM_INFINITY)
		return false;
	snprintf(buf, n,
		 "on kernels before 5.11 BPF maps count against RLIMIT_MEMLOCK (now %llu KiB): "
		 "raise it (LimitMEMLOCK= in the unit, ulimit -l) or grant CAP_SYS_RESOURCE",
		 (unsigned long long)rl.rlim_cur / 1024);
	return true;
}

bool privs_bpf_hint(char *buf, size_t n)
{
	struct privs_sets s;
	uint64_t need = PRIVS_CAP(CAP_BPF) | PRIVS_CAP(CAP_PERFMON), missing;
	char names[64];

	buf[0] = '\0';
	if (privs_get(&s) || (s.eff & PRIVS_CAP(CAP_SYS_ADMIN)))
		return false;
	missing = need & ~s.eff;
	if (!missing)
		return memlock_hint(&s, buf, n);
	snprintf(buf, n,
		 "the process lacks %s; loading and attaching the programs needs CAP_BPF and "
		 "CAP_PERFMON (or CAP_SYS_ADMIN)",
		 privs_names(missing, names, sizeof(names)));
	return true;
}
