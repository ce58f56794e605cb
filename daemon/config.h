/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The daemon's settings: defaults, the config file (key = value) and the command line. */
#ifndef EPERMD_CONFIG_H
#define EPERMD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "audit.h" /* enum config_audit_source */
#include "epermd-socket.h"
#include "filter.h"
#include "parse.h" /* config_parse_uint(), config_parse_size() */

#define EPERMD_EX_USAGE	 64
#define EPERMD_EX_CONFIG 78

#define CONFIG_DEFAULT_SOCKET EPERMD_SOCKET_PATH /* the system daemon's */
#define CONFIG_DEFAULT_PATH   "/etc/epermd/epermd.conf"
#define CONFIG_MAX_FILE	      (64 * 1024)

struct config {
	int format; /* enum out_format, or -1: journal under systemd, else text */
	char output[256];
	size_t ring_size; /* 0 = the tracer's default */
	unsigned queue_size;
	unsigned fold_window;	   /* seconds, 0 = no folding */
	unsigned summary_interval; /* seconds */
	char socket[108];	   /* "" = the mode's default */
	bool socket_set;	   /* given explicitly (file or command line) */
	bool no_socket;
	char socket_group[64];
	bool tracepoint_only;
	char metrics_file[256];	   /* "" = no metrics file */
	unsigned metrics_interval; /* seconds between rewrites */
	char state_dir[256];	   /* "" = $STATE_DIRECTORY, else none (no gap notice) */
	int audit_source;	   /* enum config_audit_source (audit.h) */
	unsigned sinks;		   /* bit (1u << enum out_format) per sink; 0 = from format */
	unsigned rate_limit;	   /* diagnosis records per second to the sinks, 0 = no limit */
	unsigned rate_burst;	   /* records above the rate in a burst, 0 = rate_limit */
	int erofs;		   /* enum tracer_erofs: which EROFS failures are denials */
	struct filter_rules ignore;
};

void config_defaults(struct config *c);
/* Set one key ("ring_size") from its text; on error writes the reason (no location) to err. */
int config_set(struct config *c, const char *key, const char *value, char *err, size_t n);
/* Parse a whole file's text; errors name "name:line". */
int config_parse_text(struct config *c, const char *text, const char *name, char *err, size_t n);
/* Open (O_NOFOLLOW), check owner/mode/type, then parse. 0 or -errno with err filled. */
int config_load(struct config *c, const char *path, char *err, size_t n);
/* --check-config: 0 when the file is valid, EPERMD_EX_CONFIG otherwise (message to stderr). */
int config_check(const char *path);

/* The default file when --config is not given: a missing file is not an error. */
#define CONFIG_OPTIONAL (1u << 0)
/* Like config_load; with CONFIG_OPTIONAL a file that does not exist leaves c as it is and
 * returns 1. */
int config_load_flags(struct config *c, const char *path, unsigned flags, char *err, size_t n);
/* After the file and the options: fill format/sinks from each other and check the sinks can
 * be opened together. */
int config_finish(struct config *c, bool under_systemd, char *err, size_t n);
/* Space-separated names of the keys whose values differ; restart: only those a reload cannot
 * apply (live: only those it does). Returns the number of names. */
int config_diff(const struct config *a, const struct config *b, bool restart, char *buf, size_t n);
/* Copy what a reload applies live (config_diff(restart = false)) from src to dst. */
void config_apply_live(struct config *dst, const struct config *src);
/* The worker's share of a config. */
void config_policy(const struct config *c, struct filter_policy *p);
/* "journal,json" */
void config_sinks_name(unsigned sinks, char *buf, size_t n);

#endif
