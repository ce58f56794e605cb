/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The compact ring record (include/epermd.h, struct ep_wire_hdr) expanded into struct ep_event. */
#ifndef EPERMD_CAPTURE_H
#define EPERMD_CAPTURE_H

#include <stddef.h>

#include "epermd.h"

/*
 * Decode one EP_REC_DENIAL record of size bytes into *out (fully overwritten). Every count and
 * length is checked against the record: 0, or -EINVAL when the record is short, of another
 * type, or claims more than it holds (out is then zeroed). Never reads outside data.
 */
int capture_decode(const void *data, size_t size, struct ep_event *out);
/* An EP_REC_SC_PROG record of size bytes: 0 and *out = data when its instruction count fits
 * the record (the instructions are validated by the seccomp cache), else -EINVAL. data must be
 * aligned for struct ep_sc_prog (the ring's records are). */
int capture_sc_prog(const void *data, size_t size, const struct ep_sc_prog **out);

#endif
