// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Placeholder until the fexit/LSM evidence layer lands: everything off (tracepoint-only). */
#include "hooks.h"

int hooks_prepare(struct epermd_bpf *skel, bool tracepoint_only, struct tracer_features *f)
{
	(void)skel;
	(void)tracepoint_only;
	f->full = false;
	return 0;
}

int hooks_attach(struct epermd_bpf *skel, struct tracer_features *f)
{
	(void)skel;
	(void)f;
	return 0;
}
