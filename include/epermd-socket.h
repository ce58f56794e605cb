/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The daemon's local socket (docs/socket.md): shared by epermd, epermtop and the test client. */
#ifndef EPERMD_SOCKET_H
#define EPERMD_SOCKET_H

#define EPERMD_SOCKET_PATH "/run/epermd/epermd.sock"

#endif
