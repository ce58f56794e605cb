/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The local read-only socket for epermtop and scripts (docs/socket.md). */
#ifndef EPERMD_SERVER_H
#define EPERMD_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "denial.h"

struct server;

struct server_opts {
	const char *path;   /* default /run/epermd/epermd.sock */
	const char *group;  /* group allowed besides root; NULL = root only; missing group = error */
	unsigned max_clients;      /* default 32 */
	unsigned client_queue;     /* messages queued per client before gaps; default 1024 */
	unsigned idle_timeout_s;   /* default 300 */
	bool test_world_writable;  /* tests only: chmod 0666 to prove the credential check */
};

/* The snapshot source: called on the server thread; writes JSON Lines into fd-less buffer. */
typedef void (*server_snapshot_fn)(void *ctx, void (*line)(void *lctx, const char *json), void *lctx);

int server_new(const struct server_opts *o, server_snapshot_fn snap, void *ctx, struct server **out);
int server_start(struct server *s);   /* its own thread */
/* Broadcast one JSON line (no newline) to every streaming client; never blocks. */
void server_publish(struct server *s, const char *json);
void server_free(struct server *s);

#endif
