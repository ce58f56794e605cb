// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * epermd: parse the command line and the configuration, then run the daemon object
 * (daemon.h): new, start, loop, stop, free. --features and --bench-empty end at start.
 */
#include <stdlib.h>

#include "cli.h"
#include "config.h"
#include "daemon.h"

int main(int argc, char **argv)
{
	static struct cli cli;
	static struct config cfg;
	struct daemon *d = NULL;
	int ret = cli_parse(&cli, argc, argv);

	if (ret < 0)
		ret = daemon_build_config(&cli, &cfg);
	if (ret >= 0)
		return ret;
	if (daemon_new(&cli, &cfg, &d))
		return EXIT_FAILURE;
	ret = daemon_start(d);
	if (ret < 0) {
		daemon_loop(d);
		ret = daemon_stop(d);
	}
	daemon_free(d);
	return ret;
}
