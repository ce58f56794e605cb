/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The journal's native protocol, spoken directly (docs/journal.md): one datagram of
 * "FIELD=value\n" lines per record, a sealed memfd for records too big for a datagram. Unlike
 * sd_journal_sendv() this reports a missing or refusing journal as an error instead of success,
 * and the socket path can be changed for tests ($EPERMD_JOURNAL_SOCKET).
 */
#ifndef EPERMD_JOURNAL_H
#define EPERMD_JOURNAL_H

#include <stddef.h>

#define JOURNAL_SOCKET_DEFAULT "/run/systemd/journal/socket"

/* A datagram socket whose sends time out after timeout_ms; returns the fd or -errno. */
int journal_socket(int timeout_ms);
/* Send one record (field lines, each ending in '\n'). 0 or -errno (-ENOENT: no journal). */
int journal_send(int fd, const char *sock_path, const char *rec, size_t len);

#endif
