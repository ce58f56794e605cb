// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * A test client for the epermd socket (docs/socket.md). Prints every line received.
 *
 *   sockclient [-s PATH] [-r REQUEST] [-R RAW] [-g BYTES] [-t SECONDS] [-u TYPE] [-q]
 *
 * -r sends REQUEST plus a newline (default "snapshot"); -R sends RAW as is (\n and \xHH
 * decoded); -g sends BYTES random bytes; -u stops after a line of that "type"; -t gives up.
 * Exit: 0 the server closed or -u matched, 2 connect failed (message on stderr), 3 timeout,
 * 4 other error.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "epermd-socket.h"

static size_t unescape(const char *in, char *out)
{
	size_t n = 0;

	while (*in) {
		if (in[0] == '\\' && in[1] == 'n') {
			out[n++] = '\n';
			in += 2;
		} else if (in[0] == '\\' && in[1] == 'x' && in[2] && in[3]) {
			char hex[3] = {in[2], in[3], 0};

			out[n++] = (char)strtoul(hex, NULL, 16);
			in += 4;
		} else {
			out[n++] = *in++;
		}
	}
	return n;
}

static int send_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		buf += n;
		len -= n;
	}
	return 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	const char *path = EPERMD_SOCKET_PATH, *req = "snapshot", *raw = NULL, *until = NULL;
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	size_t garbage = 0, len = 0;
	double timeout = 10, start;
	char buf[65536], *line = NULL;
	size_t line_len = 0;
	int fd, opt, ret = 4;
	bool quiet = false;

	while ((opt = getopt(argc, argv, "s:r:R:g:t:u:q")) != -1) {
		switch (opt) {
		case 's':
			path = optarg;
			break;
		case 'r':
			req = optarg;
			break;
		case 'R':
			raw = optarg;
			break;
		case 'g':
			garbage = strtoul(optarg, NULL, 0);
			break;
		case 't':
			timeout = strtod(optarg, NULL);
			break;
		case 'u':
			until = optarg;
			break;
		case 'q':
			quiet = true;
			break;
		default:
			fprintf(stderr,
				"usage: %s [-s PATH] [-r REQ] [-R RAW] [-g N] [-t S] [-u TYPE]\n",
				argv[0]);
			return 4;
		}
	}
	if (strlen(path) >= sizeof(sa.sun_path))
		return 4;
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		fprintf(stderr, "connect: %s\n", strerror(errno));
		return 2;
	}
	if (garbage) {
		FILE *r = fopen("/dev/urandom", "r");

		while (garbage && r) {
			size_t k = garbage < sizeof(buf) ? garbage : sizeof(buf);

			if (fread(buf, 1, k, r) != k || send_all(fd, buf, k))
				break;
			garbage -= k;
		}
		if (r)
			fclose(r);
	} else if (raw) {
		char *tmp = malloc(strlen(raw) + 1);

		if (tmp) {
			len = unescape(raw, tmp);
			send_all(fd, tmp, len);
			free(tmp);
		}
	} else {
		snprintf(buf, sizeof(buf), "%s\n", req);
		send_all(fd, buf, strlen(buf));
	}
	start = now();
	for (;;) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		double left = timeout - (now() - start);
		ssize_t n;

		if (left <= 0) {
			ret = 3;
			break;
		}
		if (poll(&pfd, 1, (int)(left * 1000) + 1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (!pfd.revents)
			continue;
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n < 0)
				fprintf(stderr, "recv: %s\n", strerror(errno));
			ret = 0;
			break;
		}
		for (ssize_t i = 0; i < n; i++) {
			char *nl;

			if (buf[i] != '\n') {
				nl = realloc(line, line_len + 2);
				if (!nl)
					goto out;
				line = nl;
				line[line_len++] = buf[i];
				continue;
			}
			if (!line && !(line = malloc(1)))
				goto out;
			line[line_len] = '\0';
			if (!quiet)
				printf("%s\n", line);
			fflush(stdout);
			if (until) {
				char pat[80];

				snprintf(pat, sizeof(pat), "\"type\":\"%s\"", until);
				if (strstr(line, pat)) {
					ret = 0;
					goto out;
				}
			}
			line_len = 0;
		}
	}
out:
	free(line);
	close(fd);
	return ret;
}
