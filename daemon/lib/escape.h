/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Every string from the kernel or /proc is hostile: escape before it reaches a terminal, JSON or
 * the journal. */
#ifndef EPERMD_ESCAPE_H
#define EPERMD_ESCAPE_H

#include <stddef.h>

/* JSON string body (no quotes): control bytes as \uXXXX, '"' and '\\' escaped, invalid UTF-8
 * bytes as \u00XX of the byte (so the output is always valid UTF-8). Always NUL-terminates;
 * returns the length it would have needed (like snprintf). */
size_t json_escape(char *dst, size_t n, const char *src);
/* Terminal/text: printable ASCII and valid UTF-8 pass, everything else as \xHH, '\\' as "\\\\".
 * The single quote becomes \' (the text form quotes paths with it); C1 controls and the
 * invisible/bidi format characters (U+200B..U+200F, U+2028..U+202E, U+2066..U+2069, U+FEFF)
 * count as "everything else": each of their bytes as \xHH. */
size_t text_escape(char *dst, size_t n, const char *src);
/* The same for the sentences and shell commands we composed (diagnosis, fix, validate,
 * evidence), which are not delimited by quotes in the text form: quotes and backslashes pass, since
 * the hostile parts inside are already shell-quoted; control and unsafe bytes are still \xHH. */
size_t text_escape_cmd(char *dst, size_t n, const char *src);

#endif
