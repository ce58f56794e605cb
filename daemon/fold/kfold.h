/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Draining the kernel's fold map (bpf/fold.bpf.h): repeats the kernel counted instead of
 * shipping go into the incident of the record that heads them (EP_F_FOLD_HEAD). Worker
 * thread only, except kfold_get_stats(), which any thread may call.
 */
#ifndef EPERMD_KFOLD_H
#define EPERMD_KFOLD_H

#include <stdbool.h>
#include <stdint.h>

struct flow_counters;
struct kfold;

struct kfold_stats {
	uint64_t drained; /* repeats taken from the fold map */
	uint64_t
	    unattributed; /* of those, repeats whose head record never reached an incident
			   * (its record dropped, or its incident retired): counted only here */
	uint64_t ignored; /* of those, repeats of a denial an ignore rule matched */
};

/*
 * Called for n repeats of the head decided as incident_id, the last at last_mono_ns
 * (CLOCK_MONOTONIC). Returns false when the incident is gone (counted as unattributed).
 */
typedef bool (*kfold_add_fn)(void *ctx, uint64_t incident_id, uint64_t n, uint64_t last_mono_ns);

/* map_fd: the fold map; max_entries: its size. */
int kfold_new(int map_fd, unsigned max_entries, struct kfold **out);
/* A record with EP_F_FOLD_HEAD was decided: incident_id (0 with ignored: an ignore rule). */
void kfold_note_head(struct kfold *kf, uint64_t seq, uint64_t incident_id, bool ignored);
/*
 * Take what the kernel counted since the last drain. Counts whose head is not decided yet
 * wait for the next drain, unless final (then they are unattributed). Returns 0 or -errno.
 */
int kfold_drain(struct kfold *kf, kfold_add_fn fn, void *ctx, bool final);
/* The same over entries already read (the map's values, in any order): tests and fuzzing. */
struct ep_fold_val;
int kfold_drain_vals(struct kfold *kf, const struct ep_fold_val *vals, unsigned n, kfold_add_fn fn,
		     void *ctx, bool final);
void kfold_get_stats(const struct kfold *kf, struct kfold_stats *st);
/*
 * The flow's fold counters (counters.h) from the kernel's count of folded repeats:
 * folded == fold_drained + fold_lost, where until the final drain fold_lost includes the
 * repeats not drained yet; the drained repeats of ignored denials are added to c->ignored.
 */
void kfold_flow_counters(const struct kfold *kf, uint64_t kernel_folded, struct flow_counters *c);
void kfold_free(struct kfold *kf);

#endif
