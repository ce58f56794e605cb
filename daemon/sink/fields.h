/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The denial record as a table of fields: one row per field with its JSON key, journal field,
 * text label and getter. The three encoders (encode.c: JSON, journal, text) walk this table;
 * adding a field to the output is adding one row in fields.c (and a line in docs/json.md and
 * docs/journal.md).
 *
 * Order: JSON writes the rows in table order. The journal and the text form have their own
 * order (jr, tr): the record layouts predate the table and stay byte for byte what they were.
 */
#ifndef EPERMD_FIELDS_H
#define EPERMD_FIELDS_H

#include <stddef.h>
#include <stdint.h>

#include "denial.h"
#include "jsonw.h"
#include "record.h" /* enum out_kind, struct out_rec */

enum fv_type {
	FV_NONE = 0, /* absent: not written in any format */
	FV_STR,	     /* s */
	FV_U64,	     /* u */
	FV_INT,	     /* i */
	FV_TIME,     /* u: realtime ns, written as RFC 3339 UTC with nanoseconds */
	FV_STRV,     /* n strings at s, each stride bytes apart */
	FV_FACTS,    /* u: DN_FACT_* bits, written as their names */
};

struct fval {
	enum fv_type t;
	const char *s;
	uint64_t u;
	int64_t i;
	unsigned n;
	size_t stride;
	char tmp[48];	/* the getter's own storage for a composed value */
	char line[640]; /* the same, for a composed text line */
};

/* how the text form shows a field */
enum ftx {
	TX_NONE = 0,
	TX_INLINE,   /* on the first line: " label=value" */
	TX_INLINE_Q, /* the same, quoted: " label='value'" */
	TX_DETAIL,   /* "cause: X (value)": the first non-empty one in tr order */
	TX_LINE,     /* its own line "  label: value" (new denials only) */
};

/* row flags */
#define OF_JOPT 0x1 /* JSON: left out when empty */
#define OF_ROPT 0x2 /* journal: left out when empty */
#define OF_TCMD 0x4 /* text: our own sentences and commands (text_escape_cmd) */
#define OF_OPT	(OF_JOPT | OF_ROPT)

struct out_fdef {
	const char *json;    /* key; NULL = not in JSON */
	const char *journal; /* field name; NULL = not in the journal */
	const char *text;    /* label; NULL = not in the text form (or fixed in its layout) */
	unsigned flags;	     /* OF_* */
	short jr;	     /* position in the journal record */
	enum ftx tx;
	short tr; /* position among the text fields of its kind */
	void (*get)(const struct out_rec *r, const struct denial *d, struct fval *v); /* d = r->d */
	/* a structured JSON member (an object or array of its own), instead of get: writes
	 * the key and the value, or nothing when the record has none */
	void (*json_value)(struct jw *w, const char *key, const struct denial *d);
	/* a journal field with a rule of its own, instead of get */
	void (*journal_field)(struct sbuf *b, const struct denial *d);
};

extern const struct out_fdef out_fields[];
extern const unsigned out_nfields;

/* values the encoders' fixed layouts use too */
void fmt_time(char *out, size_t n, uint64_t ns);
const char *dn_syscall(const struct denial *d, char *tmp, size_t n);
const char *dn_errno(const struct denial *d, char *tmp, size_t n);
uint64_t dn_count(const struct out_rec *r);
uint64_t dn_first(const struct out_rec *r);
uint64_t dn_time(const struct out_rec *r);
/* the names of the DN_FACT_* bits in m, sep between them */
void facts_list(struct sbuf *b, unsigned m, const char *sep);

#endif
