/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Writing files whole: every byte, and atomically replacing a file readers poll. */
#ifndef EPERMD_FILEIO_H
#define EPERMD_FILEIO_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* write(2) until len bytes are written (EINTR retried). 0 or -errno. */
int write_all(int fd, const char *buf, size_t len);
/*
 * Replace path with buf: a new "<path>.tmp.<pid>" (never written through a link left at that
 * name), mode set whatever the umask, fsync'ed when sync, renamed over path. A reader sees the
 * old file or the new one, never a partial one. 0 or -errno; the temporary file never stays.
 */
int replace_file(const char *path, const char *buf, size_t len, mode_t mode, bool sync);

#endif
