// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The command line: options, --help, --check-config, and the configuration they build. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "epermd.h"

static void usage(FILE *f)
{
	fprintf(
	    f,
	    "Usage: epermd [OPTIONS]                     trace the whole host (the service)\n"
	    "       epermd [OPTIONS] -- COMMAND [ARG...] trace one command and its descendants\n"
	    "       epermd [OPTIONS] -p PID [-p PID...]  trace running processes and their\n"
	    "                                            descendants until they exit or ^C\n"
	    "Explain every EPERM/EACCES returned by a syscall on this host.\n"
	    "\n"
	    "With a COMMAND epermd exits with its status. With a COMMAND or -p the report goes to\n"
	    "stderr (or -o FILE) like strace's, never to stdout: the command's output stays its\n"
	    "own.\n"
	    "\n"
	    "  -p, --pid=PID               trace the running process PID, its threads and its\n"
	    "                              descendants, old and new (repeatable)\n"
	    "  --format=text|json|journal  report format (default: journal under systemd, else "
	    "text)\n"
	    "  -o, --output=PATH           write the report to PATH (default: stdout, or stderr\n"
	    "                              with a COMMAND or -p; not journal)\n"
	    "  --tracepoint-only           never load fexit/LSM evidence programs\n"
	    "  --features                  print the mode and every hook, then exit\n"
	    "  --disable-hook=cap_capable  testing: run without capability events, as kernels\n"
	    "                              before 6.14 in tracepoint-only mode (inference)\n"
	    "  --ring-size=BYTES           kernel ring size, power of two >= 4096, K/M suffix\n"
	    "  --queue-size=N              records queued between reader and worker (default "
	    "4096)\n"
	    "  --fold-window=SEC           fold repeats within SEC (default 60; 0 = no folding)\n"
	    "  --summary-interval=SEC      summarise folded repeats every SEC (default 10)\n"
	    "  --socket=PATH               live-view socket (default %s;\n"
	    "                              off with a COMMAND or -p unless given)\n"
	    "  --no-socket                 no live-view socket\n"
	    "  --socket-group=NAME         group allowed on the socket besides root\n"
	    "  --state-dir=DIR             keep the run state for the tracing-gap notice in DIR\n"
	    "                              (default $STATE_DIRECTORY; none without it)\n"
	    "  --config=FILE               read settings from FILE (default " CONFIG_DEFAULT_PATH
	    "\n"
	    "                              if it exists; 'none' = no file); options override it\n"
	    "  --check-config              validate the config file and exit (0, or 78)\n"
	    "  -v, --verbose               more detail (repeatable); with a COMMAND or -p also\n"
	    "                              the start line and notices\n"
	    "  --version                   print the version and exit\n"
	    "  -h, --help                  this help\n",
	    CONFIG_DEFAULT_SOCKET);
}

enum {
	OPT_FORMAT = 256,
	OPT_OUTPUT,
	OPT_TP_ONLY,
	OPT_FEATURES,
	OPT_RING,
	OPT_QUEUE,
	OPT_FOLD,
	OPT_SUMMARY,
	OPT_SOCKET,
	OPT_NO_SOCKET,
	OPT_GROUP,
	OPT_CONFIG,
	OPT_CHECK,
	OPT_VERSION,
	OPT_BENCH,
	OPT_BENCH_STARTUP,
	OPT_STATE_DIR,
	OPT_PID,
	OPT_DISABLE_HOOK,
};

static const struct option long_opts[] = {
    {"format", required_argument, NULL, OPT_FORMAT},
    {"output", required_argument, NULL, OPT_OUTPUT},
    {"tracepoint-only", no_argument, NULL, OPT_TP_ONLY},
    {"features", no_argument, NULL, OPT_FEATURES},
    {"ring-size", required_argument, NULL, OPT_RING},
    {"queue-size", required_argument, NULL, OPT_QUEUE},
    {"fold-window", required_argument, NULL, OPT_FOLD},
    {"summary-interval", required_argument, NULL, OPT_SUMMARY},
    {"socket", required_argument, NULL, OPT_SOCKET},
    {"no-socket", no_argument, NULL, OPT_NO_SOCKET},
    {"socket-group", required_argument, NULL, OPT_GROUP},
    {"config", required_argument, NULL, OPT_CONFIG},
    {"check-config", no_argument, NULL, OPT_CHECK},
    {"verbose", no_argument, NULL, 'v'},
    {"version", no_argument, NULL, OPT_VERSION},
    {"help", no_argument, NULL, 'h'},
    {"bench-empty-hook", no_argument, NULL, OPT_BENCH},
    {"bench-startup", no_argument, NULL, OPT_BENCH_STARTUP},
    {"state-dir", required_argument, NULL, OPT_STATE_DIR},
    {"disable-hook", required_argument, NULL, OPT_DISABLE_HOOK},
    {"pid", required_argument, NULL, OPT_PID},
    {NULL, 0, NULL, 0},
};

static const char *opt_name(int opt)
{
	for (const struct option *o = long_opts; o->name; o++)
		if (o->val == opt)
			return o->name;
	return "?";
}

static const char *opt_key(int opt)
{
	switch (opt) {
	case OPT_FORMAT:
		return "format";
	case OPT_OUTPUT:
		return "output";
	case OPT_RING:
		return "ring_size";
	case OPT_QUEUE:
		return "queue_size";
	case OPT_FOLD:
		return "fold_window";
	case OPT_SUMMARY:
		return "summary_interval";
	case OPT_SOCKET:
		return "socket";
	case OPT_GROUP:
		return "socket_group";
	case OPT_STATE_DIR:
		return "state_dir";
	default:
		return NULL;
	}
}

int cli_build_config(const struct cli *a, struct config *c, char *err, size_t n)
{
	const char *path = a->config_path ? a->config_path : CONFIG_DEFAULT_PATH;

	config_defaults(c);
	if (!(a->config_path && !strcmp(a->config_path, "none")) &&
	    config_load_flags(c, path, a->config_path ? 0 : CONFIG_OPTIONAL, err, n) < 0)
		return EPERMD_EX_CONFIG;
	for (int i = 0; i < a->nset; i++) {
		const struct cli_set *o = &a->set[i];
		char why[384];

		if (config_set(c, opt_key(o->opt), o->val, why, sizeof(why))) {
			snprintf(err, n, "--%s=%s: %s", opt_name(o->opt), o->val, why);
			return o->opt == OPT_GROUP ? EPERMD_EX_CONFIG : EPERMD_EX_USAGE;
		}
	}
	if (a->tp_only)
		c->tracepoint_only = true;
	if (a->no_socket)
		c->no_socket = true;
	if (config_finish(c, getenv("JOURNAL_STREAM") || getenv("INVOCATION_ID"), err, n))
		return EPERMD_EX_CONFIG;
	return -1;
}

/* -p PID: a positive number */
static int add_pid(struct cli *a, const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v <= 0 || v > 0x3fffffff) {
		fprintf(stderr, "epermd: -p '%s': not a process id\n", s);
		return EPERMD_EX_USAGE;
	}
	if (a->npid >= (int)(sizeof(a->pid) / sizeof(a->pid[0]))) {
		fprintf(stderr, "epermd: -p: at most %zu processes\n",
			sizeof(a->pid) / sizeof(a->pid[0]));
		return EPERMD_EX_USAGE;
	}
	a->pid[a->npid++] = (pid_t)v;
	return -1;
}

/* getopt's '?' (unknown option, or an argument given to a flag) or ':' (argument missing);
 * @arg is the word it stopped at. */
static int bad_option(int opt, const char *arg)
{
	if (opt == ':')
		fprintf(stderr, "epermd: option '%s' needs an argument\n", arg);
	else if (optopt && !strncmp(arg, "--", 2) && strchr(arg, '='))
		fprintf(stderr, "epermd: option '%.*s' takes no argument\n", (int)strcspn(arg, "="),
			arg);
	else if (optopt)
		fprintf(stderr, "epermd: unknown option '-%c' (see --help)\n", optopt);
	else
		fprintf(stderr, "epermd: unknown option '%s' (see --help)\n", arg);
	return EPERMD_EX_USAGE;
}

/* An option that sets a configuration key, applied over the file in cli_build_config(). */
static int add_set(struct cli *a, int opt, const char *val)
{
	if (a->nset >= (int)(sizeof(a->set) / sizeof(a->set[0]))) {
		fprintf(stderr, "epermd: too many options\n");
		return EPERMD_EX_USAGE;
	}
	a->set[a->nset].opt = opt;
	a->set[a->nset++].val = val;
	return -1;
}

/* --check-config: 0 when the file (or its absence) is fine. */
static int check_config(const struct cli *a)
{
	if (a->config_path && !strcmp(a->config_path, "none")) {
		printf("no configuration file (--config=none): ok\n");
		return 0;
	}
	if (!a->config_path && access(CONFIG_DEFAULT_PATH, F_OK) && errno == ENOENT) {
		printf("%s: not present, the defaults apply: ok\n", CONFIG_DEFAULT_PATH);
		return 0;
	}
	return config_check(a->config_path ? a->config_path : CONFIG_DEFAULT_PATH);
}

/* What follows "--" is the command to run; -1 when the arguments are fine, else an exit code. */
static int take_command(struct cli *a, int argc, char **argv)
{
	if (optind < argc) {
		if (strcmp(argv[optind - 1], "--") != 0) {
			fprintf(stderr,
				"epermd: unexpected argument '%s' (a command goes after --)\n",
				argv[optind]);
			return EPERMD_EX_USAGE;
		}
		a->cmd = &argv[optind];
	}
	if (a->cmd && a->npid) {
		fprintf(stderr, "epermd: -p and a COMMAND exclude each other\n");
		return EPERMD_EX_USAGE;
	}
	return -1;
}

int cli_parse(struct cli *a, int argc, char **argv)
{
	int opt, ret;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:vhp:o:", long_opts, NULL)) != -1) {
		switch (opt) {
		case 'p':
		case OPT_PID:
			ret = add_pid(a, optarg);
			if (ret >= 0)
				return ret;
			break;

		case 'h':
			usage(stdout);
			return 0;
		case OPT_VERSION:
			printf("epermd %s (ABI %d)\n", EPERMD_VERSION, EP_ABI_VERSION);
			return 0;
		case 'v':
			a->verbose++;
			break;
		case OPT_TP_ONLY:
			a->tp_only = true;
			break;
		case OPT_FEATURES:
			a->features = true;
			break;
		case OPT_NO_SOCKET:
			a->no_socket = true;
			break;
		case OPT_CONFIG:
			a->config_path = optarg;
			break;
		case OPT_CHECK:
			a->check_config = true;
			break;
		case OPT_BENCH:
			a->bench_empty = true;
			break;
		case OPT_BENCH_STARTUP:
			a->bench_startup = true;
			break;
		case OPT_DISABLE_HOOK:
			if (strcmp(optarg, "cap_capable")) {
				fprintf(stderr, "epermd: --disable-hook: only cap_capable can be "
						"disabled\n");
				return EPERMD_EX_USAGE;
			}
			a->no_cap_hook = true;
			break;
		case '?':
		case ':':
			return bad_option(opt, argv[optind - 1]);
		case 'o':
			opt = OPT_OUTPUT;
			__attribute__((fallthrough));
		default:
			ret = add_set(a, opt, optarg);
			if (ret >= 0)
				return ret;
			break;
		}
	}
	ret = take_command(a, argc, argv);
	if (ret >= 0)
		return ret;
	return a->check_config ? check_config(a) : -1;
}
