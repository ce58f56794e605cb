// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "fileio.h"
#include "journal.h"

int journal_socket(int timeout_ms)
{
	struct timeval tv = {.tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000};
	int sndbuf = 8 << 20;
	int fd;

	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* best effort: a larger buffer absorbs bursts while journald is busy */
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

static int set_addr(struct sockaddr_un *sa, const char *path)
{
	size_t len = strlen(path);

	if (len == 0 || len >= sizeof(sa->sun_path))
		return -ENAMETOOLONG;
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	memcpy(sa->sun_path, path, len);
	return 0;
}

/* journald accepts an over-sized record as a sealed memfd passed with SCM_RIGHTS. */
static int send_memfd(int fd, const struct sockaddr_un *sa, const char *rec, size_t len)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct msghdr mh = {0};
	struct cmsghdr *c;
	int err = 0, mfd;

	mfd = memfd_create("epermd-journal", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (mfd < 0)
		return -errno;
	err = write_all(mfd, rec, len);
	if (err)
		goto cleanup;
	if (fcntl(mfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0) {
		err = -errno;
		goto cleanup;
	}
	memset(&ctl, 0, sizeof(ctl));
	mh.msg_name = (void *)sa;
	mh.msg_namelen = sizeof(*sa);
	mh.msg_control = ctl.buf;
	mh.msg_controllen = sizeof(ctl.buf);
	c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &mfd, sizeof(int));
	while (sendmsg(fd, &mh, MSG_NOSIGNAL) < 0) {
		if (errno != EINTR) {
			err = -errno;
			goto cleanup;
		}
	}
cleanup:
	close(mfd);
	return err;
}

int journal_send(int fd, const char *sock_path, const char *rec, size_t len)
{
	struct sockaddr_un sa;
	int err;

	err = set_addr(&sa, sock_path ? sock_path : JOURNAL_SOCKET_DEFAULT);
	if (err)
		return err;
	for (;;) {
		if (sendto(fd, rec, len, MSG_NOSIGNAL, (struct sockaddr *)&sa, sizeof(sa)) >= 0)
			return 0;
		if (errno == EINTR)
			continue;
		if (errno == EMSGSIZE || errno == ENOBUFS)
			return send_memfd(fd, &sa, rec, len);
		return -errno;
	}
}
