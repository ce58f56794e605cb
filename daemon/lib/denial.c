// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "denial.h"

static const char *const cause_names[EP_CAUSE__MAX] = {
    [EP_CAUSE_UNKNOWN] = "unknown",	[EP_CAUSE_CAPABILITY] = "capability",
    [EP_CAUSE_USERNS] = "userns",	[EP_CAUSE_DAC] = "dac",
    [EP_CAUSE_IMMUTABLE] = "immutable", [EP_CAUSE_MOUNT] = "mount",
    [EP_CAUSE_SECCOMP] = "seccomp",	[EP_CAUSE_LSM] = "lsm",
    [EP_CAUSE_FANOTIFY] = "fanotify",	[EP_CAUSE_SYSCTL] = "sysctl",
    [EP_CAUSE_CGROUP] = "cgroup",	[EP_CAUSE_MDWE] = "mdwe",
};

const char *cause_name(enum ep_cause c)
{
	if ((unsigned)c >= EP_CAUSE__MAX)
		return "unknown";
	return cause_names[c];
}

int cause_from_name(const char *s)
{
	for (int i = 0; i < EP_CAUSE__MAX; i++)
		if (strcmp(s, cause_names[i]) == 0)
			return i;
	return -1;
}

const char *denial_sysctl(const struct denial *d, const char *name)
{
	for (int i = 0; i < d->n_sysctl && i < 4; i++)
		if (strcmp(d->sysctl[i].name, name) == 0)
			return d->sysctl[i].value;
	return NULL;
}

void denial_add_evidence(struct denial *d, const char *fmt, ...)
{
	va_list ap;

	if (d->n_evidence >= DN_MAX_EVIDENCE)
		return;
	va_start(ap, fmt);
	vsnprintf(d->evidence[d->n_evidence], DN_EVIDENCE_LEN, fmt, ap);
	va_end(ap);
	d->n_evidence++;
}

bool idmap_has(const struct dn_idmap *m, uint32_t id)
{
	for (int i = 0; i < m->n && i < DN_IDMAP_MAX; i++)
		if (id >= m->e[i].lower && id - m->e[i].lower < m->e[i].count)
			return true;
	return false;
}
