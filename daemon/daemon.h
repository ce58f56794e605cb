/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The daemon object: everything one run owns (configuration, the one-command child, tracer,
 * queue, pipeline, sinks, socket, metrics, run state, the reload policy). Main thread only.
 *
 *   daemon_new() -> daemon_start() -> daemon_loop() -> daemon_stop() -> daemon_free()
 *
 * The reader (main thread) only copies ring records into the queue; the worker (pipeline.c)
 * does the rest; sinks, the socket and the metrics writer have their own threads. Shutdown
 * drains every stage before the final counters are printed.
 */
#ifndef EPERMD_DAEMON_H
#define EPERMD_DAEMON_H

#include "cli.h"
#include "config.h"

struct daemon;

/* Takes copies of cli and cfg (cfg complete: defaults, file, command line). 0 or -errno. */
int daemon_new(const struct cli *cli, const struct config *cfg, struct daemon **out);
/* Open the outputs, attach tracing, drop privileges, start the worker; READY=1.
 * -1 when running, else the exit status (--features and --bench-empty end here). */
int daemon_start(struct daemon *d);
/* Read the ring until a stop signal, the end of the traced command, or a ring error. */
void daemon_loop(struct daemon *d);
/* Drain every stage, report the final counters. Returns the exit status. */
int daemon_stop(struct daemon *d);
/* Releases everything; kills a held command that never ran. NULL is a no-op. */
void daemon_free(struct daemon *d);

/* The configuration from cli: defaults, the file, then the command line. -1 when cfg is
 * complete, else the exit status (the reason printed to stderr). */
int daemon_build_config(const struct cli *cli, struct config *cfg);

#endif
