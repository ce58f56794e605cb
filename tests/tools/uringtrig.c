// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * uringtrig: submit one io_uring request and print its completion, for the io_uring host test.
 * Raw io_uring_setup/io_uring_enter and mmap of the rings (no liburing).
 *
 *   uringtrig openat PATH      IORING_OP_OPENAT, O_RDONLY
 *   uringtrig mkdirat PATH     IORING_OP_MKDIRAT, mode 0755
 *   uringtrig unlinkat PATH    IORING_OP_UNLINKAT
 *   uringtrig connect PATH     IORING_OP_CONNECT of an AF_UNIX stream socket to PATH
 *   uringtrig openat PATH N    N OPENAT requests one after the other (each fd closed), then
 *                              "ns_per_req=X": the cost of a successful request, for a
 *                              same-run comparison with and without epermd
 *
 * Prints "res=N (errno name)" and "user_data=0x..."; exits 0 when the request completed (even
 * when it failed: the failure is the point), 2 on a usage error, 3 when io_uring itself failed
 * (io_uring_setup's errno is printed: EPERM when kernel.io_uring_disabled says so).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define UT_USER_DATA 0x7572696e67ull /* "uring" */

struct ring {
	int fd;
	void *sq, *cq;
	size_t sq_len, cq_len;
	struct io_uring_sqe *sqes;
	size_t sqes_len;
	struct io_uring_params p;
};

static int ring_open(struct ring *r)
{
	memset(r, 0, sizeof(*r));
	r->fd = (int)syscall(__NR_io_uring_setup, 4, &r->p);
	if (r->fd < 0)
		return -errno;
	r->sq_len = r->p.sq_off.array + r->p.sq_entries * sizeof(__u32);
	r->cq_len = r->p.cq_off.cqes + r->p.cq_entries * sizeof(struct io_uring_cqe);
	r->sqes_len = r->p.sq_entries * sizeof(struct io_uring_sqe);
	r->sq = mmap(NULL, r->sq_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd,
		     IORING_OFF_SQ_RING);
	r->cq = mmap(NULL, r->cq_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd,
		     IORING_OFF_CQ_RING);
	r->sqes = mmap(NULL, r->sqes_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd,
		       IORING_OFF_SQES);
	if (r->sq == MAP_FAILED || r->cq == MAP_FAILED || r->sqes == MAP_FAILED)
		return -errno;
	return 0;
}

#define RING_U32(base, off) ((volatile __u32 *)((char *)(base) + (off)))

/* Queue one SQE, enter with wait for one completion, return the CQE. */
static int ring_run(struct ring *r, const struct io_uring_sqe *sqe, struct io_uring_cqe *out)
{
	__u32 mask = *RING_U32(r->sq, r->p.sq_off.ring_mask);
	__u32 tail = *RING_U32(r->sq, r->p.sq_off.tail);
	__u32 cmask = *RING_U32(r->cq, r->p.cq_off.ring_mask);
	__u32 head;
	struct io_uring_cqe *cqes;

	r->sqes[tail & mask] = *sqe;
	RING_U32(r->sq, r->p.sq_off.array)[tail & mask] = tail & mask;
	__atomic_store_n(RING_U32(r->sq, r->p.sq_off.tail), tail + 1, __ATOMIC_RELEASE);
	if (syscall(__NR_io_uring_enter, r->fd, 1, 1, IORING_ENTER_GETEVENTS, NULL, 0) < 0)
		return -errno;
	head = *RING_U32(r->cq, r->p.cq_off.head);
	if (head == __atomic_load_n(RING_U32(r->cq, r->p.cq_off.tail), __ATOMIC_ACQUIRE))
		return -EAGAIN;
	cqes = (struct io_uring_cqe *)((char *)r->cq + r->p.cq_off.cqes);
	*out = cqes[head & cmask];
	__atomic_store_n(RING_U32(r->cq, r->p.cq_off.head), head + 1, __ATOMIC_RELEASE);
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: uringtrig openat|mkdirat|unlinkat|connect PATH\n"
			"       uringtrig openat PATH N\n");
	return 2;
}

static int repeat_openat(const char *path, long n)
{
	struct io_uring_sqe sqe = {.opcode = IORING_OP_OPENAT, .fd = AT_FDCWD};
	struct io_uring_cqe cqe;
	struct timespec a, b;
	struct ring r;
	int err;

	if (n <= 0)
		return usage();
	sqe.addr = (__u64)(uintptr_t)path;
	sqe.open_flags = O_RDONLY | O_CLOEXEC;
	err = ring_open(&r);
	if (err) {
		fprintf(stderr, "uringtrig: io_uring_setup: %s\n", strerror(-err));
		return 3;
	}
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (long i = 0; i < n; i++) {
		err = ring_run(&r, &sqe, &cqe);
		if (err || cqe.res < 0) {
			fprintf(stderr, "uringtrig: request %ld: %s\n", i,
				strerror(err ? -err : -cqe.res));
			return 3;
		}
		close(cqe.res);
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("ns_per_req=%.0f\n",
	       ((b.tv_sec - a.tv_sec) * 1e9 + (double)(b.tv_nsec - a.tv_nsec)) / (double)n);
	return 0;
}

int main(int argc, char **argv)
{
	static struct sockaddr_un sun = {.sun_family = AF_UNIX};
	struct io_uring_sqe sqe = {0};
	struct io_uring_cqe cqe;
	struct ring r;
	const char *op, *path;
	int err, sfd = -1;

	if (argc == 4 && !strcmp(argv[1], "openat"))
		return repeat_openat(argv[2], strtol(argv[3], NULL, 10));
	if (argc != 3)
		return usage();
	op = argv[1];
	path = argv[2];
	sqe.user_data = UT_USER_DATA;
	sqe.fd = AT_FDCWD;
	sqe.addr = (__u64)(uintptr_t)path;
	if (!strcmp(op, "openat")) {
		sqe.opcode = IORING_OP_OPENAT;
		sqe.open_flags = O_RDONLY | O_CLOEXEC;
	} else if (!strcmp(op, "mkdirat")) {
		sqe.opcode = IORING_OP_MKDIRAT;
		sqe.len = 0755;
	} else if (!strcmp(op, "unlinkat")) {
		sqe.opcode = IORING_OP_UNLINKAT;
	} else if (!strcmp(op, "connect")) {
		if (strlen(path) >= sizeof(sun.sun_path))
			return usage();
		memcpy(sun.sun_path, path, strlen(path) + 1);
		sfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (sfd < 0) {
			perror("uringtrig: socket");
			return 3;
		}
		sqe.opcode = IORING_OP_CONNECT;
		sqe.fd = sfd;
		sqe.addr = (__u64)(uintptr_t)&sun;
		sqe.off = sizeof(sun); /* addrlen */
	} else {
		return usage();
	}
	err = ring_open(&r);
	if (err) {
		fprintf(stderr, "uringtrig: io_uring_setup: %s\n", strerror(-err));
		return 3;
	}
	err = ring_run(&r, &sqe, &cqe);
	if (err) {
		fprintf(stderr, "uringtrig: io_uring_enter: %s\n", strerror(-err));
		return 3;
	}
	printf("pid=%d op=%s res=%d (%s) user_data=0x%llx\n", getpid(), op, cqe.res,
	       cqe.res < 0 ? strerror(-cqe.res) : "ok", (unsigned long long)cqe.user_data);
	if (cqe.res >= 0 && sqe.opcode == IORING_OP_OPENAT)
		close(cqe.res);
	if (sfd >= 0)
		close(sfd);
	return 0;
}
