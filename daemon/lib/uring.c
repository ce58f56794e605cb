// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The one io_uring opcode table: name and equivalent syscall. The loader copies the syscall
 * numbers into the BPF program (uring_sc[]), which lays a failed request's arguments out as
 * that syscall's, so the cause engine handles an IORING_OP_OPENAT like an openat().
 * Opcode numbers are UAPI (include/uapi/linux/io_uring.h) and never change.
 * OPENAT2 maps to openat: the request carries how.flags/how.mode, not a user struct open_how.
 */
#include <stddef.h>

#include "epermd.h"
#include "names.h"
#include "uring.h"

struct uring_op {
	const char *name;
	const char *syscall; /* NULL: no equivalent */
};

static const struct uring_op uring_ops[] = {
    [0] = {"NOP", NULL},
    [1] = {"READV", "preadv"},
    [2] = {"WRITEV", "pwritev"},
    [3] = {"FSYNC", "fsync"},
    [4] = {"READ_FIXED", "pread64"},
    [5] = {"WRITE_FIXED", "pwrite64"},
    [6] = {"POLL_ADD", "poll"},
    [7] = {"POLL_REMOVE", NULL},
    [8] = {"SYNC_FILE_RANGE", "sync_file_range"},
    [9] = {"SENDMSG", "sendmsg"},
    [10] = {"RECVMSG", "recvmsg"},
    [11] = {"TIMEOUT", NULL},
    [12] = {"TIMEOUT_REMOVE", NULL},
    [13] = {"ACCEPT", "accept4"},
    [14] = {"ASYNC_CANCEL", NULL},
    [15] = {"LINK_TIMEOUT", NULL},
    [16] = {"CONNECT", "connect"},
    [17] = {"FALLOCATE", "fallocate"},
    [18] = {"OPENAT", "openat"},
    [19] = {"CLOSE", "close"},
    [20] = {"FILES_UPDATE", NULL},
    [21] = {"STATX", "statx"},
    [22] = {"READ", "pread64"},
    [23] = {"WRITE", "pwrite64"},
    [24] = {"FADVISE", "fadvise64"},
    [25] = {"MADVISE", "madvise"},
    [26] = {"SEND", "sendto"},
    [27] = {"RECV", "recvfrom"},
    [28] = {"OPENAT2", "openat"},
    [29] = {"EPOLL_CTL", "epoll_ctl"},
    [30] = {"SPLICE", "splice"},
    [31] = {"PROVIDE_BUFFERS", NULL},
    [32] = {"REMOVE_BUFFERS", NULL},
    [33] = {"TEE", "tee"},
    [34] = {"SHUTDOWN", "shutdown"},
    [35] = {"RENAMEAT", "renameat2"},
    [36] = {"UNLINKAT", "unlinkat"},
    [37] = {"MKDIRAT", "mkdirat"},
    [38] = {"SYMLINKAT", "symlinkat"},
    [39] = {"LINKAT", "linkat"},
    [40] = {"MSG_RING", NULL},
    [41] = {"FSETXATTR", "fsetxattr"},
    [42] = {"SETXATTR", "setxattr"},
    [43] = {"FGETXATTR", "fgetxattr"},
    [44] = {"GETXATTR", "getxattr"},
    [45] = {"SOCKET", "socket"},
    [46] = {"URING_CMD", "ioctl"},
    [47] = {"SEND_ZC", "sendto"},
    [48] = {"SENDMSG_ZC", "sendmsg"},
    [49] = {"READ_MULTISHOT", "read"},
    [50] = {"WAITID", "waitid"},
    [51] = {"FUTEX_WAIT", "futex"},
    [52] = {"FUTEX_WAKE", "futex"},
    [53] = {"FUTEX_WAITV", "futex_waitv"},
    [54] = {"FIXED_FD_INSTALL", NULL},
    [55] = {"FTRUNCATE", "ftruncate"},
    [56] = {"BIND", "bind"},
    [57] = {"LISTEN", "listen"},
    [58] = {"RECV_ZC", "recvmsg"},
    [59] = {"EPOLL_WAIT", "epoll_wait"},
    [60] = {"READV_FIXED", "preadv"},
    [61] = {"WRITEV_FIXED", "pwritev"},
    [62] = {"PIPE", "pipe2"},
};

_Static_assert(sizeof(uring_ops) / sizeof(uring_ops[0]) <= EP_URING_OP_MAX, "uring_ops size");

const char *uring_op_name(unsigned int op)
{
	if (op >= sizeof(uring_ops) / sizeof(uring_ops[0]))
		return NULL;
	return uring_ops[op].name;
}

int uring_op_syscall(unsigned int op)
{
	if (op >= sizeof(uring_ops) / sizeof(uring_ops[0]) || !uring_ops[op].syscall)
		return -1;
	return syscall_nr(uring_ops[op].syscall);
}
