/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The protocol client: connect, send the request, split the stream into lines. */
#ifndef EPERMTOP_CLIENT_H
#define EPERMTOP_CLIENT_H

#include <stddef.h>

struct client {
	int fd;
	char *buf;
	size_t len, cap;
	size_t skipping; /* inside an over-long line: discard up to the next newline */
	unsigned long lines, too_long;
};

/* The request line for a command word: {"cmd":"WORD"}\n. Its length, or -ENOSPC. */
int request_line(const char *request, char *buf, size_t n);
/* 0 or -errno; on failure msg holds a one-line explanation with what to do. */
int client_connect(struct client *c, const char *path, const char *request, char *msg, size_t n);
/* Reads what is available (non-blocking) and calls fn for each complete line.
 * Returns 0, -EAGAIN when nothing more can be read now, or -EPIPE/-errno when the daemon closed
 * the connection. */
int client_read(struct client *c, void (*fn)(void *ctx, const char *line, size_t len), void *ctx);
void client_close(struct client *c);
/* Why the daemon may have hung up right after connect (credentials): a one-line hint. */
void client_hint_closed(const char *path, char *msg, size_t n);

#endif
