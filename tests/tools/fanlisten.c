// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * A fanotify permission listener that lives just long enough: marks PATH with FAN_OPEN_PERM,
 * creates READYFILE, denies the first open of PATH, prints its pid and exits at once. The
 * host test tests/host/fanotify.sh checks that epermd still names it afterwards.
 * usage: fanlisten PATH READYFILE     exit: 0 after one denial, 70 setup failure
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/fanotify.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct fanotify_event_metadata ev;
	struct fanotify_response resp;
	int fd, rfd;

	if (argc != 3) {
		fputs("usage: fanlisten PATH READYFILE\n", stderr);
		return 64;
	}
	fd = fanotify_init(FAN_CLASS_CONTENT | FAN_CLOEXEC, O_RDONLY);
	if (fd < 0 || fanotify_mark(fd, FAN_MARK_ADD, FAN_OPEN_PERM, AT_FDCWD, argv[1])) {
		perror("fanlisten: fanotify");
		return 70;
	}
	rfd = open(argv[2], O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (rfd < 0) {
		perror("fanlisten: ready file");
		return 70;
	}
	close(rfd);
	for (;;) {
		ssize_t n = read(fd, &ev, sizeof(ev));

		if (n < (ssize_t)sizeof(ev) || ev.vers != FANOTIFY_METADATA_VERSION) {
			perror("fanlisten: read");
			return 70;
		}
		if (ev.fd < 0)
			continue;
		resp.fd = ev.fd;
		resp.response = FAN_DENY;
		if (write(fd, &resp, sizeof(resp)) != sizeof(resp)) {
			perror("fanlisten: write");
			return 70;
		}
		close(ev.fd);
		break;
	}
	printf("fanlisten pid %d denied one open\n", (int)getpid());
	return 0;
}
