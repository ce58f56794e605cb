// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Landlock's access rights by name, from the evidence the BPF side records at the Landlock
 * function that refused (bpf/evidence.bpf.h). The names are those of the uapi constants
 * (LANDLOCK_ACCESS_FS_WRITE_FILE -> write_file), which is what a ruleset author writes.
 */
#include <stdio.h>
#include <string.h>

#include "denial.h"
#include "landlock.h"

static const char *const fs_names[] = {
    "execute",	 "write_file", "read_file", "read_dir",	 "remove_dir", "remove_file",
    "make_char", "make_dir",   "make_reg",  "make_sock", "make_fifo",  "make_block",
    "make_sym",	 "refer",      "truncate",  "ioctl_dev",
};
static const char *const net_names[] = {"bind_tcp", "connect_tcp"};
static const char *const scope_names[] = {"abstract_unix_socket", "signal"};

#define LL_OPTIONAL_OPEN ((1u << 14) | (1u << 15)) /* truncate, ioctl_dev */
#define LL_DIR_ENTRY	 0x3ff0u		   /* remove_dir .. refer */
#define N(a)		 (sizeof(a) / sizeof((a)[0]))

static unsigned ll_class(const struct ep_evidence *e)
{
	return (unsigned)(e->a[2] >> EP_LL_CLASS_SHIFT);
}

static bool is_landlock(const struct ep_evidence *e)
{
	return e->kind == EP_EV_LSM && e->src == EP_HK_LANDLOCK && e->a[0] == EP_LSM_LANDLOCK;
}

const struct ep_evidence *landlock_pick(const struct denial *d)
{
	const struct ep_evidence *best = NULL;
	int n = d->ev.n_ev < EP_MAX_EV ? d->ev.n_ev : EP_MAX_EV;

	for (int i = 0; i < n; i++) {
		const struct ep_evidence *e = &d->ev.ev[i];

		if (!is_landlock(e))
			continue;
		if ((e->a[2] & EP_LL_MISSING) && (e->a[2] & EP_LL_ACCESS_MASK))
			return e;
		if (!best || (!(best->a[2] & EP_LL_ACCESS_MASK) && (e->a[2] & EP_LL_ACCESS_MASK)))
			best = e;
	}
	return best;
}

/* The class's names and the access bits that matter for this call; NULL when none. */
static const char *const *class_names(const struct ep_evidence *e, bool is_open, unsigned *bits,
				      size_t *n_names, const char **prefix)
{
	*bits = e ? (unsigned)(e->a[2] & EP_LL_ACCESS_MASK) : 0;
	if (!*bits)
		return NULL;
	switch (ll_class(e)) {
	case EP_LL_FS:
		if (is_open && (*bits & ~LL_OPTIONAL_OPEN))
			*bits &= ~LL_OPTIONAL_OPEN;
		*n_names = N(fs_names);
		*prefix = "LANDLOCK_ACCESS_FS_";
		return fs_names;
	case EP_LL_NET:
		*n_names = N(net_names);
		*prefix = "LANDLOCK_ACCESS_NET_";
		return net_names;
	case EP_LL_SCOPE:
		*n_names = N(scope_names);
		*prefix = "LANDLOCK_SCOPE_";
		return scope_names;
	default:
		return NULL;
	}
}

/* names[i] of each bit i, after @prefix (upper-cased with it when @upper), joined by @sep */
static void join_bits(unsigned bits, const char *const *names, size_t n_names, const char *sep,
		      const char *prefix, bool upper, char *out, size_t n)
{
	size_t used = 0;
	char name[64];

	out[0] = '\0';
	for (size_t i = 0; i < 32 && used < n; i++) {
		if (!(bits & (1u << i)))
			continue;
		if (i < n_names)
			snprintf(name, sizeof(name), "%s", names[i]);
		else
			snprintf(name, sizeof(name), "bit%zu", i);
		for (char *c = name; upper && *c; c++)
			if (*c >= 'a' && *c <= 'z')
				*c = (char)(*c - 'a' + 'A');
		used += (size_t)snprintf(out + used, n - used, "%s%s%s", used ? sep : "",
					 upper ? prefix : "", name);
	}
}

bool landlock_right(const struct ep_evidence *e, bool is_open, char *out, size_t n)
{
	const char *prefix;
	unsigned bits;
	size_t nn;
	const char *const *names = class_names(e, is_open, &bits, &nn, &prefix);
	char b[160];

	out[0] = '\0';
	if (!names)
		return false;
	join_bits(bits, names, nn, ",", "", false, b, sizeof(b));
	if (ll_class(e) == EP_LL_NET)
		snprintf(out, n, "%s port %llu", b, (unsigned long long)(e->a[3] & 0xffff));
	else if (ll_class(e) == EP_LL_SCOPE)
		snprintf(out, n, "scope %s", b);
	else
		snprintf(out, n, "%s%s", b, e->a[2] & EP_LL_MISSING ? "" : " (requested)");
	return true;
}

bool landlock_constants(const struct ep_evidence *e, bool is_open, char *out, size_t n)
{
	const char *prefix;
	unsigned bits;
	size_t nn;
	const char *const *names = class_names(e, is_open, &bits, &nn, &prefix);

	out[0] = '\0';
	if (!names)
		return false;
	join_bits(bits, names, nn, "|", prefix, true, out, n);
	return true;
}

bool landlock_on_parent(const struct ep_evidence *e)
{
	unsigned bits = e ? (unsigned)(e->a[2] & EP_LL_ACCESS_MASK) : 0;

	return e && ll_class(e) == EP_LL_FS && bits && !(bits & ~LL_DIR_ENTRY);
}

void landlock_object(const struct ep_evidence *e, char *out, size_t n)
{
	int nl = (int)strnlen(e->name, EP_EV_NAME_LEN);

	out[0] = '\0';
	switch (ll_class(e)) {
	case EP_LL_NET:
		snprintf(out, n, "port %llu", (unsigned long long)(e->a[3] & 0xffff));
		break;
	case EP_LL_SCOPE:
		if (e->a[2] & (1u << 1)) /* signal */
			snprintf(out, n, "pid %llu (%.*s)", (unsigned long long)e->a[3], nl,
				 e->name);
		else if (e->a[3])
			snprintf(out, n, "%.*s (pid %llu)", nl, e->name,
				 (unsigned long long)e->a[3]);
		else
			snprintf(out, n, "%.*s", nl, e->name);
		break;
	default:
		break;
	}
}
