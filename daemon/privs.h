/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Least privilege after attach (docs/capabilities.md): every thread of the daemon drops the
 * capabilities it no longer needs from its effective, permitted, inheritable and ambient sets
 * (and from the bounding set when CAP_SETPCAP allows), and sets no_new_privs so no exec can
 * win them back. Raw capget/capset/prctl, no libcap. Capability sets are per thread: threads
 * that exist when privs_drop() runs are reached with a signal and must not block it.
 */
#ifndef EPERMD_PRIVS_H
#define EPERMD_PRIVS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/capability.h>

#define PRIVS_CAP(c) (1ull << (c))
/* What enrichment needs after attach (measured, docs/capabilities.md): search any directory
 * for the file behind a denial; read another user's /proc/<pid>/cwd, fd/, root. */
#define PRIVS_ENRICH (PRIVS_CAP(CAP_DAC_READ_SEARCH) | PRIVS_CAP(CAP_SYS_PTRACE))

/* The calling thread's sets, as /proc/<pid>/status shows them. */
struct privs_sets {
	uint64_t eff, prm, inh, bnd, amb;
};

int privs_get(struct privs_sets *s);
/* "cap_bpf,cap_perfmon", or "none". Returns buf. */
const char *privs_names(uint64_t set, char *buf, size_t n);

struct privs_opts {
	uint64_t keep; /* still needed (enrichment ...): kept when held */
	/* Kept only if probe() fails with them out of the effective set (CAP_BPF: kernels
	 * before 6.5 check it on every bpf() call while unprivileged BPF is disabled). */
	uint64_t optional;
	int (*probe)(void *ctx); /* 0 = the work still succeeds */
	void *ctx;
};

struct privs_result {
	uint64_t before;	/* effective set at the call */
	uint64_t after;		/* effective = permitted set of every thread afterwards */
	uint64_t optional_kept; /* optional capabilities the probe showed are still needed */
	int probe_err;		/* the probe's error without them (0: they were dropped) */
	bool bounding;		/* the bounding set was reduced too (CAP_SETPCAP was held) */
};

/*
 * Drop everything outside keep (and optional, if the probe needs it) in every thread of the
 * process, then check every thread through /proc/self/task. 0, or -errno with the reason in
 * err. Call before starting threads that block all signals.
 */
int privs_drop(const struct privs_opts *o, struct privs_result *r, char *err, size_t n);
/* "cap_dac_read_search,cap_sys_ptrace (dropped cap_bpf,cap_perfmon; ...)" for the start line. */
const char *privs_describe(const struct privs_result *r, char *buf, size_t n);
/* When the effective set lacks what loading BPF needs (or, before 5.11, the memlock limit is
 * low without CAP_SYS_RESOURCE): true with the reason in buf. */
bool privs_bpf_hint(char *buf, size_t n);

#endif
