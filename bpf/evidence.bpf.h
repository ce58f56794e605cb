/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* fexit / BPF-LSM evidence programs, included by epermd.bpf.c after the per-task evidence
 * store and ep_ev_slot() are defined. (Filled in by the kernel evidence layer.) */
