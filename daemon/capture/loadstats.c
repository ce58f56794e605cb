// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* --bench-startup: phase times of the tracer's start and each program's verifier statistics. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "clock.h"
#include "loadstats.h"

#define LS_LOG	   16384 /* the statistics, and a line per global function */
#define LS_PROGS   128
#define BPF_LOG_ST 4 /* BPF_LOG_STATS */

struct ls_prog {
	char name[64];
	unsigned usec;	    /* "verification time N usec" */
	unsigned processed; /* "processed N insns" */
	unsigned xlated;    /* instructions after the verifier's rewrites */
};

struct loadstats {
	uint64_t last, ns[LS_N];
	unsigned n_loads;
	char (*log)[LS_LOG];
	int n_log;
	struct ls_prog p[LS_PROGS];
	int n;
};

int loadstats_new(struct loadstats **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : -ENOMEM;
}

void loadstats_mark(struct loadstats *ls, enum loadstats_phase ph)
{
	uint64_t now = clock_ns(CLOCK_MONOTONIC);

	if (!ls)
		return;
	if (ls->last)
		ls->ns[ph] += now - ls->last;
	if (ph == LS_LOAD && ls->last)
		ls->n_loads++;
	ls->last = now;
}

int loadstats_arm(struct loadstats *ls, struct bpf_object *obj)
{
	struct bpf_program *prog;
	int i = 0;

	if (!ls)
		return 0;
	if (!ls->log) {
		ls->log = calloc(LS_PROGS, LS_LOG);
		if (!ls->log)
			return -ENOMEM;
	}
	bpf_object__for_each_program(prog, obj)
	{
		if (!bpf_program__autoload(prog) || i >= LS_PROGS)
			continue;
		ls->log[i][0] = 0;
		bpf_program__set_log_buf(prog, ls->log[i], LS_LOG);
		bpf_program__set_log_level(prog, BPF_LOG_ST);
		i++;
	}
	ls->n_log = i;
	return 0;
}

static void parse_prog(struct ls_prog *p, const char *log, int fd)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);
	const char *s;

	s = strstr(log, "verification time ");
	p->usec = s ? (unsigned)strtoul(s + 18, NULL, 10) : 0;
	s = strstr(log, "processed ");
	p->processed = s ? (unsigned)strtoul(s + 10, NULL, 10) : 0;
	memset(&info, 0, sizeof(info));
	if (!bpf_obj_get_info_by_fd(fd, &info, &len))
		p->xlated = info.xlated_prog_len / 8;
}

static int by_time(const void *a, const void *b)
{
	const struct ls_prog *x = a, *y = b;

	return x->usec < y->usec ? 1 : x->usec > y->usec ? -1 : strcmp(x->name, y->name);
}

void loadstats_print(struct loadstats *ls, struct bpf_object *obj, FILE *f)
{
	static const char *const names[LS_N] = {"probes", "load", "dhash", "attach"};
	struct bpf_program *prog;
	unsigned long long sum = 0;
	int i = 0;

	if (!ls)
		return;
	ls->n = 0;
	bpf_object__for_each_program(prog, obj)
	{
		if (!bpf_program__autoload(prog) || i >= ls->n_log)
			continue;
		if (bpf_program__fd(prog) >= 0 && ls->n < LS_PROGS) {
			struct ls_prog *p = &ls->p[ls->n++];

			snprintf(p->name, sizeof(p->name), "%s", bpf_program__name(prog));
			parse_prog(p, ls->log[i], bpf_program__fd(prog));
			sum += p->usec;
		}
		i++;
	}
	qsort(ls->p, ls->n, sizeof(ls->p[0]), by_time);
	fprintf(f, "epermd: start-up:");
	for (int k = 0; k < LS_N; k++)
		fprintf(f, " %s %.3f s%s", names[k], ls->ns[k] / 1e9, k + 1 < LS_N ? "," : "");
	fprintf(f, " (%u object load%s; verifier %.3f s over %d programs)\n", ls->n_loads,
		ls->n_loads == 1 ? "" : "s", sum / 1e6, ls->n);
	for (int k = 0; k < ls->n; k++)
		fprintf(f,
			"epermd: start-up: prog %-24s verify %8.3f ms, %7u insns processed, %5u "
			"xlated\n",
			ls->p[k].name, ls->p[k].usec / 1e3, ls->p[k].processed, ls->p[k].xlated);
}

void loadstats_free(struct loadstats *ls)
{
	if (!ls)
		return;
	free(ls->log);
	free(ls);
}
