// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The words of a denial that a systemd unit's sandbox explains: attribute/unitmap.c decided
 * the directives (d->unit_match[], the deciding one first in d->unit_directive) and the drop-in
 * that relaxes just this (d->unit_dropin); here the diagnosis, the fix and its check say them.
 */
#include <stdio.h>
#include <string.h>

#include "fixes.h"

/* `A` and `B` (the drop-in's lines, without the section header) */
static void say_lines(struct dx *x, const char *dropin)
{
	const char *p = strchr(dropin, '\n');
	bool first = true;

	while (p && p[1]) {
		const char *e = strchr(p + 1, '\n');
		int n = e ? (int)(e - p - 1) : (int)strlen(p + 1);

		FIX(x, "%s`%.*s`", first ? "" : " and ", n, p + 1);
		first = false;
		p = e;
	}
}

void fix_unit(struct dx *x)
{
	const struct denial *d = x->d;
	const struct dn_unit_match *m = d->unit_match;
	int n = d->n_unit_match;
	char q[2 * DN_STR];

	sh_quote(d->proc.unit, q, sizeof(q));
	DIAG(x, "%s could not %s: the sandbox of the systemd unit %s refused it", x->who, x->what,
	     d->proc.unit);
	for (int i = 0; i < n; i++)
		DIAG(x, "%s %s=%s (%s, enforced by %s)", i ? "; also" : ": it sets", m[i].dir,
		     m[i].val, m[i].why, m[i].how);
	DIAG(x, ". The call failed with %s.", x->errname);
	if (d->unit_dropin[0]) {
		FIX(x,
		    "Relax just this for %s with a drop-in: `systemctl edit %s`, add `[Service]` "
		    "and ",
		    d->proc.unit, q);
		say_lines(x, d->unit_dropin);
		FIX(x, ", then `systemctl restart %s`. Keep the rest of its sandbox.", q);
		if (n && strstr(d->unit_dropin, "=no\n"))
			FIX(x,
			    " %s= has no finer setting: `%s=no` turns off that one protection for "
			    "this unit, nothing else.",
			    m[0].dir, m[0].dir);
		if (d->unit.transient)
			FIX(x, " (A transient unit from systemd-run: pass the same line with -p "
			       "to systemd-run.)");
	} else if (d->unit_by_executor) {
		FIX(x,
		    "Nothing to relax for %s: the call came from systemd-executor, the service "
		    "manager's helper that sets the unit up and then runs its command, not from "
		    "the "
		    "command (on Debian 13 it tries /dev/console for its own messages and goes "
		    "on). "
		    "Allowing the device would widen the sandbox for nothing; if the unit's "
		    "command "
		    "fails, its own record names what to change.",
		    d->proc.unit);
	} else if (!strcmp(d->unit_directive, "IPAddressDeny")) {
		FIX(x,
		    "Allow just this destination for %s: `systemctl edit %s`, add `[Service]` and "
		    "`IPAddressAllow=` with the address it must reach, then `systemctl restart "
		    "%s`. "
		    "Keep the rest of its sandbox.",
		    d->proc.unit, q, q);
	} else if (strstr(d->unit_directive, "Device")) { /* no device numbers in the record */
		FIX(x,
		    "Allow just this device for %s: `systemctl edit %s`, add `[Service]` and "
		    "`DeviceAllow=/dev/block/MAJOR:MINOR r` (or /dev/char/..., with the access it "
		    "needs), then `systemctl restart %s`. Keep the rest of its sandbox.",
		    d->proc.unit, q, q);
	} else {
		FIX(x,
		    "Relax just this for %s with a drop-in (`systemctl edit %s`) that allows the "
		    "one value this call needs (the record does not carry it), then `systemctl "
		    "restart %s`. Keep the rest of its sandbox.",
		    d->proc.unit, q, q);
	}
	if (n && !strcmp(m[0].dir, "MemoryDenyWriteExecute"))
		FIX(x,
		    " Better, if the program allows it: turn off its JIT or code generation, and "
		    "keep the protection.");
	VAL(x,
	    "systemctl show -p %s %s; systemd-analyze security %s | grep -F %s; then run the "
	    "failing action again",
	    d->unit_directive, q, q, d->unit_directive);
}

void fix_unit_note(struct dx *x)
{
	const struct denial *d = x->d;
	char q[2 * DN_STR];

	sh_quote(d->proc.unit, q, sizeof(q));
	DIAG(x, " The read-only view is the unit's %s=%s (%s).", d->unit_directive,
	     d->unit_directive_value, d->proc.unit);
	VAL(x, "; systemd-analyze security %s | grep -F %s", q, d->unit_directive);
}
