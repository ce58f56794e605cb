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

/*
 * mm_struct.flags: an unsigned long on older kernels, on newer ones (6.18 here) mm_flags_t, a
 * struct holding a bitmap (__mm_flags[], its first word the same bits). CO-RE matches a field
 * only when the types are compatible (both scalars, or both structs), so each flavor exists on
 * its own kernels.
 */
struct ep_mm_flags___bm {
	unsigned long __mm_flags[1];
} __attribute__((preserve_access_index));
struct mm_struct___bm {
	struct ep_mm_flags___bm flags;
} __attribute__((preserve_access_index));
struct mm_struct___ul {
	unsigned long flags;
} __attribute__((preserve_access_index));

/* include/linux/mm_types.h (sched/coredump.h on older kernels): a #define, not in BTF. 28 since
 * MDWE came (6.3); on older kernels bit 28 is another flag (MMF_HAS_PINNED on 5.10), so the
 * loader sets mdwe_ok only where prctl(PR_GET_MDWE) answers. MMF_HAS_MDWE_NO_INHERIT is not
 * read: its number moved (30 in 6.7, 29 later). */
#define EP_MMF_HAS_MDWE 28

static __always_inline int ep_mm_flags(struct task_struct *task, __u64 *flags)
{
	void *mm = BPF_CORE_READ(task, mm);

	if (!mm)
		return -1;
	if (bpf_core_field_exists(struct mm_struct___bm, flags))
		*flags = BPF_CORE_READ((struct mm_struct___bm *)mm, flags.__mm_flags[0]);
	else if (bpf_core_field_exists(struct mm_struct___ul, flags))
		*flags = BPF_CORE_READ((struct mm_struct___ul *)mm, flags);
	else
		return -1;
	return 0;
}

#endif
