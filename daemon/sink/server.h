/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The local read-only socket for epermtop and scripts (docs/socket.md). */
#ifndef EPERMD_SERVER_H
#define EPERMD_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "denial.h"
#include "epermd-socket.h"
#include "jsonw.h"

struct server;

struct server_opts {
	const char *path;  /* default EPERMD_SOCKET_PATH */
	const char *group; /* group allowed besides root; NULL = root only; missing group = error */
	unsigned max_clients;	  /* default 32 */
	unsigned client_queue;	  /* messages queued per client before gaps; default 1024 */
	unsigned idle_timeout_s;  /* default 300 */
	bool test_world_writable; /* tests only: chmod 0666 to prove the credential check */
};

/* The snapshot source: called on the server thread; writes JSON Lines into fd-less buffer. */
typedef void (*server_snapshot_fn)(void *ctx, void (*line)(void *lctx, const char *json),
				   void *lctx);

/* Binds the socket (permissions in place before listen()). -EINVAL: a configuration error
 * (unknown group, relative or too long path, shared directory): exit 78 (EX_CONFIG); the message
 * is already on stderr. Other negative errno: runtime failure. EPERMD_SOCKET_TEST_MODE=1 in the
 * environment has the same effect as test_world_writable. */
int server_new(const struct server_opts *o, server_snapshot_fn snap, void *ctx,
	       struct server **out);
int server_start(struct server *s); /* its own thread */
/* Broadcast one JSON line (no newline) to every streaming client; never blocks. */
void server_publish(struct server *s, const char *json);
void server_free(struct server *s);

/* Counters for the stats line. */
struct server_stats {
	unsigned clients;	   /* connected now (any state) */
	unsigned streaming;	   /* of which streaming */
	uint64_t accepted;	   /* connections that passed the credential check */
	uint64_t rejected;	   /* refused by the credential check */
	uint64_t refused_full;	   /* closed because max_clients was reached */
	uint64_t bad_requests;	   /* invalid, unknown or oversized requests, request timeouts */
	uint64_t slow_disconnects; /* streaming clients dropped after idle_timeout_s stalled */
	uint64_t dropped;	   /* lines dropped for full client queues, all clients ever */
	uint64_t gaps;		   /* gap markers sent */
};
/* One request line (NUL-terminated, no newline; modified in place): strictly a bare lower-case
 * word, or exactly {"cmd":"WORD"} with optional blanks. 0 with the word in word (wn bytes), or
 * -EINVAL. The socket calls it on every request; pure, so it is fuzzed (tests/fuzz). */
int server_parse_request(char *req, char *word, size_t wn);

void server_get_stats(struct server *s, struct server_stats *st);
/* The same as members of the JSON object w has open, for the daemon's stats line:
 * "socket_clients":N,...,"socket_client_drops":["pid=P uid=U dropped=D",...]. Running out of
 * room shows in w's buffer (sb_result). */
void server_stats_json(struct server *s, struct jw *w);

#endif
