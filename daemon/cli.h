/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The command line of epermd. */
#ifndef EPERMD_CLI_H
#define EPERMD_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "config.h"

#define EPERMD_VERSION "0.1"

/* a command-line option, kept to be applied again over a reloaded file */
struct cli_set {
	int opt;
	const char *val;
};

struct cli {
	const char *config_path; /* --config; NULL = CONFIG_DEFAULT_PATH if it exists */
	struct cli_set set[64];
	int nset;
	bool tp_only, no_socket;
	bool no_cap_hook; /* --disable-hook=cap_capable (testing) */
	int verbose;
	bool features, check_config, bench_empty;
	bool bench_startup; /* print where the start-up time goes (stderr) */
	char **cmd;	    /* after --, or NULL */
	pid_t pid[16];	    /* -p, --pid: running processes to trace */
	int npid;
};

/* one-command mode: a command (--) or running processes (-p); the report goes to stderr */
static inline bool cli_oneshot(const struct cli *a)
{
	return a->cmd || a->npid;
}

/* Parse argv into a. Returns -1 to go on, else the exit status (--help, --version,
 * --check-config, a usage error: the message is on stderr already). */
int cli_parse(struct cli *a, int argc, char **argv);
/* Defaults, then the file, then the options. Returns -1 when c is complete, else the exit
 * status (78 config, 64 usage) with the reason in err. */
int cli_build_config(const struct cli *a, struct config *c, char *err, size_t n);

#endif
