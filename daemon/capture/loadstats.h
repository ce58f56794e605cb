/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * --bench-startup: where the start-up time goes. Phase times of the tracer's start, and each
 * loaded program's verifier statistics (log level BPF_LOG_STATS: verification time, processed
 * instructions) read back after the load.
 */
#ifndef EPERMD_LOADSTATS_H
#define EPERMD_LOADSTATS_H

#include <stdint.h>
#include <stdio.h>

struct bpf_object;

enum loadstats_phase {
	LS_PROBE = 0, /* vmlinux BTF, feature and hook probes, opening the object */
	LS_LOAD,      /* bpf_object__load(): relocations, map creation, the verifier */
	LS_DHASH,     /* the dcache hash probe's test run and solve */
	LS_ATTACH,    /* attaching every program, the ring's reader */
	LS_N,
};

struct loadstats;

int loadstats_new(struct loadstats **out);
/* Time spent since the previous mark goes to @ph (the first mark starts the clock). */
void loadstats_mark(struct loadstats *ls, enum loadstats_phase ph);
/* Before a load: every program to load logs its statistics into a buffer of its own. */
int loadstats_arm(struct loadstats *ls, struct bpf_object *obj);
/* After a successful load: the phases and one line per program, slowest first. */
void loadstats_print(struct loadstats *ls, struct bpf_object *obj, FILE *f);
void loadstats_free(struct loadstats *ls);

#endif
