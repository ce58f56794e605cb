/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* CO-RE shims and the kernel constants vmlinux.h does not carry (it has types, not macros). */
#ifndef EPERMD_COMPAT_BPF_H
#define EPERMD_COMPAT_BPF_H

#include <bpf/bpf_core_read.h>

/*
 * A per-CPU buffer of one slot (room off the 512-byte BPF stack) and its accessor, which
 * returns NULL only if the map is missing.
 */
#define EP_PERCPU_SLOT(map, vtype, accessor)                                                       \
	struct {                                                                                   \
		__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);                                           \
		__uint(max_entries, 1);                                                            \
		__type(key, __u32);                                                                \
		__type(value, vtype);                                                              \
	} map SEC(".maps");                                                                        \
	static __always_inline vtype *accessor(void)                                               \
	{                                                                                          \
		__u32 zero = 0;                                                                    \
                                                                                                   \
		return bpf_map_lookup_elem(&map, &zero);                                           \
	}

#define EPERM  1
#define EACCES 13
#define EROFS  30

#define PF_EXITING 0x00000004
#define PF_KTHREAD 0x00200000

#define SECCOMP_MODE_FILTER 2

/*
 * The two forms of a program on a tracepoint whose first argument is all it takes: NAME_btf
 * (tp_btf, typed arguments) and NAME_raw (raw_tracepoint, the same pointer from ctx->args[0]).
 * The loader keeps one of the two (tracer.c).
 */
#define EP_TP_ARG0(tp, name, type, fn)                                                             \
	SEC("tp_btf/" #tp)                                                                         \
	int BPF_PROG(name##_btf, type arg0)                                                        \
	{                                                                                          \
		return fn(arg0);                                                                   \
	}                                                                                          \
	SEC("raw_tracepoint/" #tp)                                                                 \
	int name##_raw(struct bpf_raw_tracepoint_args *ctx)                                        \
	{                                                                                          \
		return fn((type)ctx->args[0]);                                                     \
	}

/* arch/x86/include/asm/thread_info.h: set while a 32-bit syscall runs on a 64-bit kernel */
#define TS_COMPAT 0x0002

/*
 * bpf_get_current_task_btf() arrived in 5.11; older kernels reject the helper id even in a
 * branch the program never takes unless the branch is provably dead. The loader sets
 * ep_use_task_btf from a helper probe, so the verifier prunes the other side.
 */
static __always_inline int ep_task_seccomp_mode(bool use_task_btf)
{
	if (use_task_btf)
		return bpf_get_current_task_btf()->seccomp.mode;
	return BPF_CORE_READ((struct task_struct *)bpf_get_current_task(), seccomp.mode);
}

/*
 * x86: thread_info lives in task_struct (THREAD_INFO_IN_TASK) and carries TS_COMPAT in
 * ->status. Kernels without the field report every syscall as native.
 */
static __always_inline bool ep_task_compat(struct task_struct *task, const bool btf)
{
	if (!bpf_core_field_exists(struct thread_info, status))
		return false;
	/* @btf: @task is bpf_get_current_task_btf()'s: a plain load, not a helper call */
	if (btf)
		return task->thread_info.status & TS_COMPAT;
	return BPF_CORE_READ(task, thread_info.status) & TS_COMPAT;
}

#endif
