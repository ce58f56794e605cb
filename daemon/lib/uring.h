/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* io_uring opcodes: their names and the syscall each one is the equivalent of. */
#ifndef EPERMD_URING_H
#define EPERMD_URING_H

/* "OPENAT" for IORING_OP_OPENAT; NULL when unknown. */
const char *uring_op_name(unsigned int op);
/* The equivalent syscall's number, -1 when the operation has none (NOP, TIMEOUT, ...). */
int uring_op_syscall(unsigned int op);

#endif
