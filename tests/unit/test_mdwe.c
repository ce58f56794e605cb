// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The kernel's memory-deny-write-execute (cause.c rule_mdwe): decided only from the task's
 * MMF_HAS_MDWE as the kernel read it at the denial (EP_FACT_MDWE, EP_F_MDWE), for the calls and
 * protections map_deny_write_exec() refuses; the diagnosis and fix for a plain process and the
 * unit's drop-in (unitmap.c), the MESSAGE_ID. */
#include <string.h>

#include "unit.h"
#include "cause.h"
#include "diagnose.h"
#include "msgids.h"
#include "names.h"
#include "unitmap.h"

static struct denial D;

/* a failing @sc with @err, @prot as its third argument, the kernel's MDWE reading @mdwe (-1 not
 * read, 0 off, 1 on), outside any unit */
static void setup(const char *sc, int err, unsigned long long prot, int mdwe)
{
	memset(&D, 0, sizeof(D));
	D.ev.syscall_nr = syscall_nr(sc);
	D.ev.ret = -err;
	D.ev.pid = 4242;
	D.ev.args[1] = 4096;
	D.ev.args[2] = prot;
	snprintf(D.ev.comm, sizeof(D.ev.comm), "jit");
	D.ev.facts = EP_FACT_CREDS | (mdwe >= 0 ? EP_FACT_MDWE : 0);
	D.ev.flags = mdwe > 0 ? EP_F_MDWE : 0;
	D.capability = -1;
	D.lsm = -1;
}

static void run(void)
{
	cause_decide(&D);
	diagnose_denial(&D);
}

static bool has_evidence(const char *needle)
{
	for (int i = 0; i < D.n_evidence; i++)
		if (strstr(D.evidence[i], needle))
			return true;
	return false;
}

TEST(mdwe_mmap_wx)
{
	setup("mmap", EP_EACCES, 7, 1);
	run();
	CHECK_STR(cause_name(D.cause), "mdwe");
	CHECK_STR(D.rule, "PR_MDWE_REFUSE_EXEC_GAIN");
	CHECK_STR(D.target, "PROT_READ|PROT_WRITE|PROT_EXEC");
	CHECK(D.facts_at_denial & DN_FACT_MDWE);
	CHECK_STR(cause_fact_name(DN_FACT_MDWE), "mdwe");
	CHECK(has_evidence("at the denial: memory-deny-write-execute on"));
	CHECK_CONTAINS(D.diagnosis, "could not mmap with PROT_READ|PROT_WRITE|PROT_EXEC");
	CHECK_CONTAINS(D.diagnosis, "PR_MDWE_REFUSE_EXEC_GAIN");
	CHECK_CONTAINS(D.diagnosis, "not knowable");
	CHECK_CONTAINS(D.fix, "Never turn it off for the whole host");
	CHECK(!strstr(D.fix, "MemoryDenyWriteExecute")); /* no unit: no drop-in */
	CHECK_STR(msgid_for_denial(&D), EP_MSGID_MDWE);
	CHECK_STR(D.unit_directive, "");
}

TEST(mdwe_exec_gain)
{
	static const char *const calls[] = {"mprotect", "pkey_mprotect"};

	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		setup(calls[i], EP_EACCES, 5, 1); /* PROT_READ|PROT_EXEC: gains exec */
		run();
		CHECK_STR(cause_name(D.cause), "mdwe");
		CHECK_STR(D.target, "PROT_READ|PROT_EXEC");
	}
	setup("shmat", EP_EACCES, 0100000, 1); /* SHM_EXEC, writable */
	run();
	CHECK_STR(cause_name(D.cause), "mdwe");
	CHECK_STR(D.target, "shmflg SHM_EXEC");
	setup("shmat", EP_EACCES, 0110000, 1); /* SHM_EXEC|SHM_RDONLY: not writable */
	run();
	CHECK_STR(cause_name(D.cause), "unknown");
}

/* what MDWE lets through, MDWE off or not read, EPERM: never this cause */
TEST(mdwe_not)
{
	setup("mmap", EP_EACCES, 5, 1); /* not writable: a new mapping without W passes */
	run();
	CHECK_STR(cause_name(D.cause), "unknown");
	CHECK(has_evidence("memory-deny-write-execute on"));
	setup("mmap", EP_EACCES, 7, 0);
	run();
	CHECK_STR(cause_name(D.cause), "unknown");
	CHECK(has_evidence("at the denial: memory-deny-write-execute off"));
	CHECK(D.facts_at_denial & DN_FACT_MDWE);
	setup("mmap", EP_EACCES, 7, -1); /* a kernel without MDWE, or an older epermd */
	run();
	CHECK_STR(cause_name(D.cause), "unknown");
	CHECK(!(D.facts_at_denial & DN_FACT_MDWE));
	setup("mmap", EP_EPERM, 7, 1);
	run();
	CHECK_STR(cause_name(D.cause), "unknown");
	setup("openat", EP_EACCES, 7, 1);
	run();
	CHECK(D.cause != EP_CAUSE_MDWE);
}

/* kernel evidence of another refusal wins (a seccomp filter returning EACCES) */
TEST(mdwe_evidence_first)
{
	setup("mmap", EP_EACCES, 7, 1);
	D.ev.n_ev = 1;
	D.ev.ev[0].kind = EP_EV_SECCOMP;
	D.ev.ev[0].src = EP_HK_SECCOMP_FILTER;
	D.ev.ev[0].a[0] = 0x00050000; /* SECCOMP_RET_ERRNO */
	D.ev.ev[0].a[1] = EP_EACCES;
	D.ev.ev[0].a[2] = 2;
	D.hooks_active = 1ull << EP_HK_SECCOMP_FILTER;
	run();
	CHECK_STR(cause_name(D.cause), "seccomp");
}

/* in a unit with MemoryDenyWriteExecute=yes: the cause is the kernel's, the words and the
 * drop-in the unit's (unitmap.c), for that unit only */
TEST(mdwe_unit)
{
	setup("mmap", EP_EACCES, 7, 1);
	snprintf(D.proc.unit, sizeof(D.proc.unit), "node-app.service");
	D.proc.valid = true;
	D.unit.valid = true;
	D.unit.ns_allowed = ~0ull;
	D.unit.cap_bnd = ~0ull;
	D.unit.flags = DN_U_MDWE;
	run();
	CHECK_STR(cause_name(D.cause), "mdwe");
	CHECK_STR(D.unit_directive, "MemoryDenyWriteExecute");
	CHECK_STR(D.unit_dropin, "[Service]\nMemoryDenyWriteExecute=no\n");
	CHECK_STR(msgid_for_denial(&D), EP_MSGID_UNIT);
	CHECK_STR(msgid_for_cause(D.cause), EP_MSGID_MDWE);
	/* the unit does not set it: the program or a wrapper did; no drop-in */
	D.unit.flags = 0;
	run();
	CHECK_STR(cause_name(D.cause), "mdwe");
	CHECK_STR(D.unit_directive, "");
	CHECK_CONTAINS(D.diagnosis, "not its unit's MemoryDenyWriteExecute= (off)");
	CHECK(!strstr(D.fix, "MemoryDenyWriteExecute=no"));
	/* its settings could not be read: the drop-in only if the unit sets it */
	D.unit.valid = false;
	run();
	CHECK_STR(cause_name(D.cause), "mdwe");
	CHECK_CONTAINS(D.fix, "If the unit node-app.service sets MemoryDenyWriteExecute=yes");
	CHECK_CONTAINS(D.fix, "Never turn it off for the whole host");
}
