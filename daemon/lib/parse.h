/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Numbers in configuration text: the config file, the command line and filter rules. Strict:
 * decimal digits only, no sign, no blanks, nothing after the number. */
#ifndef EPERMD_PARSE_H
#define EPERMD_PARSE_H

#include <stddef.h>

/* 0, -EINVAL for anything but digits, -ERANGE above max */
int config_parse_uint(const char *s, unsigned long long max, unsigned long long *out);
/* digits with an optional K, M or G suffix (powers of 1024), at most 1 GiB */
int config_parse_size(const char *s, size_t *out);

#endif
