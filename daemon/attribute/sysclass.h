/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* What a failing syscall was trying to do, by name (portable across architectures): the class
 * the cause rules and the diagnosis words key on, and decoders for the few arguments they read. */
#ifndef EPERMD_SYSCLASS_H
#define EPERMD_SYSCLASS_H

#include <stdbool.h>

#include "denial.h"
#include "verdict.h"

/* Classify d->ev.syscall_nr (compat syscalls are not classified). name points into a static
 * table or into buf. */
void sc_lookup(const struct denial *d, struct sc_info *out, char *buf, int n);

/* The mode argument of mknod/mknodat; 0 when not one of them. */
unsigned sc_mknod_mode(const struct denial *d, const struct sc_info *si);

/* Open flags of an open-like call; -1 when not decodable (openat2 passes a pointer). */
long sc_open_flags(const struct denial *d, const struct sc_info *si);
/* The call would modify the file itself (open for write/O_TRUNC, set attributes). */
bool sc_modifies_file(const struct denial *d, const struct sc_info *si);
/* The call modifies the parent directory (create, delete, rename, link). */
bool sc_modifies_dir(const struct sc_info *si);
/* mmap/mprotect asking for PROT_EXEC. */
bool sc_prot_exec(const struct denial *d, const struct sc_info *si);
/* unshare/clone with CLONE_NEWUSER. */
bool sc_new_userns(const struct denial *d, const struct sc_info *si);
/* ptrace(PTRACE_ATTACH/SEIZE) or process_vm_readv/writev. */
bool sc_ptrace_attach(const struct denial *d, const struct sc_info *si);
/* socket(AF_INET/AF_INET6, SOCK_DGRAM, IPPROTO_ICMP/ICMPV6). */
bool sc_ping_socket(const struct denial *d, const struct sc_info *si);

#endif
