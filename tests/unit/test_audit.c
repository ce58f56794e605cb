// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The audit join: record text as the kernel prints it (netlink payloads and /dev/kmsg lines),
 * hostile and truncated input, the join by pid/syscall/time and the cause it leads to. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netlink.h>

#include "unit.h"
#include "audit.h"
#include "cause.h"

/* the join these tests feed (the daemon owns one through struct audit) */
static struct audit_join *tj(void)
{
	static struct audit_join *j;

	if (!j && audit_join_new(&j))
		abort();
	return j;
}

#define T0     1700000000ull
#define T0_NS  (T0 * 1000000000ull)
#define MS(ms) ((uint64_t)(ms)*1000000ull)

static int parse(int type, const char *s, struct audit_rec *r)
{
	return audit_parse_record(type, s, strlen(s), r);
}

TEST(audit_apparmor_denied)
{
	struct audit_rec r;

	CHECK(parse(1400,
		    "audit(1700000000.123:456): apparmor=\"DENIED\" operation=\"open\" "
		    "class=\"file\" profile=\"/usr/bin/foo\" name=\"/etc/shadow\" pid=4242 "
		    "comm=\"foo\" requested_mask=\"r\" denied_mask=\"r\" fsuid=1000 ouid=0",
		    &r) == 0);
	CHECK(r.kind == DN_AU_APPARMOR);
	CHECK(r.pid == 4242);
	CHECK(r.serial == 456);
	CHECK(r.ts_ns == T0_NS + MS(123));
	CHECK_STR(r.detail, "/usr/bin/foo");
	CHECK_STR(r.comm, "foo");
	CHECK_STR(r.name, "/etc/shadow");
	CHECK_CONTAINS(r.line, "audit: apparmor DENIED operation=open profile=/usr/bin/foo");
	CHECK_CONTAINS(r.line, "denied_mask=r");
	/* complain mode and status records are not denials */
	CHECK(parse(1400,
		    "audit(1700000000.123:457): apparmor=\"ALLOWED\" operation=\"open\" "
		    "profile=\"/usr/bin/foo\" name=\"/etc/shadow\" pid=4242",
		    &r) == -ENOENT);
}

TEST(audit_apparmor_hex_fields)
{
	struct audit_rec r;

	/* untrusted strings with spaces are printed in hex: "my prog", "/tmp/a b" */
	CHECK(parse(1400,
		    "audit(1700000000.500:9): apparmor=\"DENIED\" operation=\"mkdir\" "
		    "profile=\"p\" name=2F746D702F612062 pid=7 comm=6D792070726F67 "
		    "requested_mask=\"c\" denied_mask=\"c\"",
		    &r) == 0);
	CHECK_STR(r.name, "/tmp/a b");
	CHECK_STR(r.comm, "my prog");
}

TEST(audit_selinux_avc)
{
	struct audit_rec r;

	CHECK(parse(1400,
		    "audit(1700000000.200:77): avc:  denied  { read open } for  pid=815 "
		    "comm=\"httpd\" name=\"index.html\" dev=\"sda1\" ino=1234 "
		    "scontext=system_u:system_r:httpd_t:s0 "
		    "tcontext=unconfined_u:object_r:user_home_t:s0 tclass=file permissive=0",
		    &r) == 0);
	CHECK(r.kind == DN_AU_SELINUX);
	CHECK(r.pid == 815);
	CHECK_STR(r.detail, "scontext=system_u:system_r:httpd_t:s0 "
			    "tcontext=unconfined_u:object_r:user_home_t:s0 tclass=file "
			    "denied { read open }");
	CHECK_CONTAINS(r.line, "audit: selinux avc denied { read open }");
	CHECK_CONTAINS(r.line, "tclass=file");
	/* permissive: logged, not refused; granted: not a denial */
	CHECK(parse(1400,
		    "audit(1700000000.200:78): avc:  denied  { read } for  pid=815 comm=\"httpd\" "
		    "scontext=a tcontext=b tclass=file permissive=1",
		    &r) == -ENOENT);
	CHECK(parse(1400,
		    "audit(1700000000.200:79): avc:  granted  { setenforce } for  pid=1 "
		    "scontext=a tcontext=b tclass=security",
		    &r) == -ENOENT);
}

TEST(audit_seccomp_record)
{
	struct audit_rec r;

	CHECK(parse(1326,
		    "audit(1700000000.948:2): auid=4294967295 uid=65534 gid=65534 "
		    "ses=4294967295 pid=32384 comm=\"probe\" exe=\"/tmp/h9/probe\" sig=0 "
		    "arch=c000003e syscall=83 compat=0 ip=0x7f7fe91aef37 code=0x50000",
		    &r) == 0);
	CHECK(r.kind == DN_AU_SECCOMP);
	CHECK(r.pid == 32384);
	CHECK(r.syscall == 83);
	CHECK(!r.compat);
	CHECK_CONTAINS(r.line, "audit: seccomp syscall=83 (mkdir) code=0x50000 (errno)");
	CHECK_CONTAINS(r.line, "exe=/tmp/h9/probe");
	/* SECCOMP_RET_LOG / KILL are not EPERM returns */
	CHECK(parse(1326,
		    "audit(1700000000.948:3): pid=1 comm=\"x\" sig=31 arch=c000003e syscall=83 "
		    "code=0x80000000",
		    &r) == -ENOENT);
	/* a 32-bit caller */
	CHECK(parse(1326,
		    "audit(1700000000.948:4): pid=9 comm=\"x\" sig=0 arch=40000003 syscall=39 "
		    "code=0x50001",
		    &r) == 0);
	CHECK(r.compat);
}

TEST(audit_fanotify_rule)
{
	struct audit_rec r;

	CHECK(parse(1331,
		    "audit(1700000000.010:30): resp=2 fan_type=1 fan_info=9 subj_trust=2 "
		    "obj_trust=0",
		    &r) == 0);
	CHECK(r.kind == DN_AU_FANOTIFY);
	CHECK_STR(r.rule, "9");
	CHECK(r.pid == 0);
	CHECK_CONTAINS(r.line, "audit: fanotify resp=2 (deny) fan_type=1 fan_info=9 (rule 9)");
	/* fan_info is hex (%X) */
	CHECK(parse(1331,
		    "audit(1700000000.010:31): resp=2 fan_type=1 fan_info=1A subj_trust=2 "
		    "obj_trust=0",
		    &r) == 0);
	CHECK_STR(r.rule, "26");
	/* before 6.3: no rule */
	CHECK(parse(1331, "audit(1700000000.010:32): resp=2", &r) == 0);
	CHECK_STR(r.rule, "");
	/* allowed */
	CHECK(parse(1331, "audit(1700000000.010:33): resp=1 fan_type=0 fan_info=0", &r) == -ENOENT);
}

TEST(audit_landlock)
{
	struct audit_rec r;

	CHECK(parse(1423,
		    "audit(1700000000.300:40): domain=195ba459b blockers=fs.make_dir "
		    "path=\"/tmp\" dev=\"tmpfs\" ino=1",
		    &r) == 0);
	CHECK(r.kind == DN_AU_LANDLOCK);
	CHECK_STR(r.detail, "domain 195ba459b blockers fs.make_dir");
	CHECK_CONTAINS(r.line, "audit: landlock domain=195ba459b blockers=fs.make_dir path=/tmp");
	CHECK(parse(1424,
		    "audit(1700000000.300:40): domain=195ba459b status=allocated mode=enforcing "
		    "pid=300 uid=0 exe=\"/root/sandboxer\" comm=\"sandboxer\"",
		    &r) == 0);
	CHECK(r.kind == AU_LL_DOMAIN);
	CHECK(r.pid == 300);
	CHECK(parse(1424, "audit(1700000000.300:41): domain=195ba459b status=deallocated denials=3",
		    &r) == -ENOENT);
}

TEST(audit_kmsg_lines)
{
	struct audit_rec r;
	const char *l1 = "5,1234,2019242261,-;audit: type=1326 audit(1700000000.948:2): pid=12 "
			 "comm=\"probe\" sig=0 arch=c000003e syscall=83 code=0x50000\n";
	const char *l2 = "5,1235,4000000,-;Lockdown: dnact: raw io port access is restricted; see "
			 "man kernel_lockdown.7\n";
	const char *l3 = "5,1236,4000000,-;Lockdown: a: b: /dev/mem,kmem,port is restricted; see "
			 "man kernel_lockdown.7\n";

	CHECK(audit_parse_kmsg(l1, strlen(l1), true, 0, &r) == 0);
	CHECK(r.kind == DN_AU_SECCOMP);
	CHECK(r.syscall == 83);
	CHECK(audit_parse_kmsg(l1, strlen(l1), false, 0, &r) == -ENOENT);
	CHECK(audit_parse_kmsg(l2, strlen(l2), false, (int64_t)T0_NS, &r) == 0);
	CHECK(r.kind == DN_AU_LOCKDOWN);
	CHECK_STR(r.comm, "dnact");
	CHECK_STR(r.detail, "raw io port access");
	CHECK(r.ts_ns == T0_NS + 4000000000ull);
	CHECK_CONTAINS(r.line, "Lockdown: dnact: raw io port access");
	/* a comm with ": " in it: the reason is after the last one */
	CHECK(audit_parse_kmsg(l3, strlen(l3), false, 0, &r) == 0);
	CHECK_STR(r.comm, "a: b");
	CHECK_STR(r.detail, "/dev/mem,kmem,port");
}

TEST(audit_hostile_input)
{
	struct audit_rec r;
	char big[4096];
	const char *s;

	/* garbage, empty, truncated stamps */
	CHECK(parse(1400, "", &r) == -EINVAL);
	CHECK(parse(1400, "audit(", &r) == -EINVAL);
	CHECK(parse(1400, "audit(17000000", &r) == -EINVAL);
	CHECK(parse(1400, "audit(x.y:z): apparmor=\"DENIED\"", &r) == -EINVAL);
	CHECK(audit_parse_record(1400, NULL, 10, &r) == -EINVAL);
	/* an unterminated quote ends the text */
	CHECK(parse(1400, "audit(1700000000.1:1): apparmor=\"DENIED\" profile=\"/usr/bin/fo", &r) ==
	      0);
	CHECK_STR(r.detail, "/usr/bin/fo");
	/* a field forged inside a value does not count; the first key wins */
	CHECK(parse(1400,
		    "audit(1700000000.100:1): apparmor=\"DENIED\" operation=\"open\" "
		    "profile=\"a pid=1\" pid=55 pid=1 comm=\"x\"",
		    &r) == 0);
	CHECK(r.pid == 55);
	/* control bytes are made printable; a NUL ends the text */
	CHECK(parse(1400, "audit(1700000000.100:1): apparmor=\"DENIED\" profile=\"a\x1b[2Jb\"",
		    &r) == 0);
	CHECK_STR(r.detail, "a?[2Jb");
	s = "audit(1700000000.100:1): apparmor=\"DENIED\" profile=\"ab\0cd\" pid=3";
	CHECK(audit_parse_record(1400, s, 70, &r) == 0);
	CHECK(r.pid == 0);
	/* huge values are bounded */
	s = "audit(1700000000.100:1): apparmor=\"DENIED\" profile=\"";
	memcpy(big, s, strlen(s));
	memset(big + strlen(s), 'A', sizeof(big) - strlen(s) - 7);
	strcpy(big + sizeof(big) - 7, "\" pid=");
	CHECK(audit_parse_record(1400, big, strlen(big), &r) == 0);
	CHECK(strlen(r.detail) < sizeof(r.detail));
	CHECK(strlen(r.line) < sizeof(r.line));
	/* absurd numbers */
	CHECK(parse(1326, "audit(1700000000.1:1): pid=99999999999999999999 syscall=-5 code=0x50000",
		    &r) == 0);
	CHECK(r.pid == 0 && r.syscall == -1);
	CHECK(parse(1326, "audit(1700000000.1:1): pid=1 code=zzz", &r) == -EINVAL);
	/* kmsg without a prefix, or a lockdown line cut short */
	s = "Lockdown: x";
	CHECK(audit_parse_kmsg(s, strlen(s), true, 0, &r) == -EINVAL);
	s = "5,1,2,-;Lockdown: x is restricted; see man kernel_lockdown.7";
	CHECK(audit_parse_kmsg(s, strlen(s), true, 0, &r) != 0);
	s = "5,1,2,-;audit: type=14";
	CHECK(audit_parse_kmsg(s, strlen(s), true, 0, &r) == -EINVAL);
}

static void mkdenial(struct denial *d, unsigned pid, int nr, int err, uint64_t rt)
{
	memset(d, 0, sizeof(*d));
	d->ev.pid = d->ev.tid = pid;
	d->ev.syscall_nr = nr;
	d->ev.ret = -err;
	snprintf(d->ev.comm, sizeof(d->ev.comm), "probe");
	d->realtime_ns = rt;
	d->capability = -1;
	d->lsm = -1;
	d->proc.no_new_privs = -1;
}

static void feed(int type, const char *s)
{
	struct audit_rec r;

	if (parse(type, s, &r) == 0)
		audit_feed(tj(), &r);
}

TEST(audit_join_seccomp)
{
	struct denial d;

	audit_reset(tj());
	feed(1326, "audit(1700000000.100:2): pid=500 comm=\"probe\" exe=\"/x\" sig=0 "
		   "arch=c000003e syscall=83 code=0x50000");
	/* another pid, another syscall, too far in time: no join */
	mkdenial(&d, 501, 83, 1, T0_NS + MS(100));
	CHECK(!audit_annotate(tj(), &d, false));
	mkdenial(&d, 500, 84, 1, T0_NS + MS(100));
	CHECK(!audit_annotate(tj(), &d, false));
	mkdenial(&d, 500, 83, 1, T0_NS + MS(2000));
	CHECK(!audit_annotate(tj(), &d, false));
	mkdenial(&d, 500, 83, 1, T0_NS + MS(103));
	CHECK(audit_annotate(tj(), &d, false));
	CHECK(d.audit.kind == DN_AU_SECCOMP);
	cause_decide(&d);
	CHECK(d.cause == EP_CAUSE_SECCOMP);
	CHECK_CONTAINS(d.evidence[0], "audit: seccomp syscall=83 (mkdir)");
	/* used once */
	mkdenial(&d, 500, 83, 1, T0_NS + MS(103));
	CHECK(!audit_annotate(tj(), &d, false));
	/* the reader is not running: waiting returns at once */
	mkdenial(&d, 500, 83, 1, T0_NS + MS(103));
	CHECK(!audit_annotate(tj(), &d, true));
}

TEST(audit_join_lsm)
{
	struct denial d;

	audit_reset(tj());
	feed(1400, "audit(1700000000.100:3): apparmor=\"DENIED\" operation=\"open\" "
		   "profile=\"/usr/bin/foo\" name=\"/etc/shadow\" pid=600 comm=\"foo\" "
		   "requested_mask=\"r\" denied_mask=\"r\"");
	feed(1400, "audit(1700000000.100:4): avc:  denied  { write } for  pid=601 comm=\"b\" "
		   "name=\"f\" scontext=s_u:s_r:a_t:s0 tcontext=s_u:o_r:b_t:s0 tclass=file "
		   "permissive=0");
	mkdenial(&d, 600, 257, 13, T0_NS + MS(101));
	CHECK(audit_annotate(tj(), &d, false));
	cause_decide(&d);
	CHECK(d.cause == EP_CAUSE_LSM);
	CHECK(d.lsm == EP_LSM_APPARMOR);
	CHECK_STR(d.lsm_detail, "/usr/bin/foo");
	CHECK_CONTAINS(d.evidence[0], "audit: apparmor DENIED operation=open profile=/usr/bin/foo");

	/* the thread of a process: tid matches */
	mkdenial(&d, 7000, 257, 13, T0_NS + MS(99));
	d.ev.tid = 601;
	CHECK(audit_annotate(tj(), &d, false));
	cause_decide(&d);
	CHECK(d.lsm == EP_LSM_SELINUX);
	CHECK_CONTAINS(d.lsm_detail, "tcontext=s_u:o_r:b_t:s0 tclass=file denied { write }");
}

TEST(audit_join_pidless)
{
	struct denial d;

	audit_reset(tj());
	/* fanotify record: no pid, joined by time (EPERM only, +-100 ms) */
	feed(1331, "audit(1700000000.200:5): resp=2 fan_type=1 fan_info=9 subj_trust=2 "
		   "obj_trust=0");
	mkdenial(&d, 10, 59, 13, T0_NS + MS(200));
	CHECK(!audit_annotate(tj(), &d, false));
	mkdenial(&d, 10, 59, 1, T0_NS + MS(400));
	CHECK(!audit_annotate(tj(), &d, false));
	mkdenial(&d, 10, 59, 1, T0_NS + MS(205));
	CHECK(audit_annotate(tj(), &d, false));
	cause_decide(&d);
	CHECK(d.cause == EP_CAUSE_FANOTIFY);
	CHECK_STR(d.rule, "9");

	/* landlock: the domain record names the creator; the SYSCALL record gives the pid */
	feed(1424, "audit(1700000000.300:6): domain=1a2b status=allocated mode=enforcing pid=77 "
		   "uid=0 exe=\"/s\" comm=\"s\"");
	feed(1423, "audit(1700000000.300:7): domain=1a2b blockers=fs.make_dir path=\"/tmp\"");
	mkdenial(&d, 78, 83, 13, T0_NS + MS(300));
	CHECK(!audit_annotate(tj(), &d, false));
	mkdenial(&d, 77, 83, 13, T0_NS + MS(300));
	CHECK(audit_annotate(tj(), &d, false));
	cause_decide(&d);
	CHECK(d.cause == EP_CAUSE_LSM && d.lsm == EP_LSM_LANDLOCK);
	CHECK_STR(d.lsm_detail, "domain 1a2b blockers fs.make_dir");

	feed(1423, "audit(1700000000.400:8): domain=ffff blockers=fs.read_file path=\"/etc\"");
	feed(1300, "audit(1700000000.400:8): arch=c000003e syscall=257 success=no exit=-13 "
		   "pid=90 comm=\"cat\"");
	mkdenial(&d, 90, 2, 13, T0_NS + MS(400));
	CHECK(!audit_annotate(tj(), &d, false)); /* syscall differs */
	mkdenial(&d, 90, 257, 13, T0_NS + MS(400));
	CHECK(audit_annotate(tj(), &d, false));
	CHECK(d.audit.kind == DN_AU_LANDLOCK);

	/* lockdown: comm and time */
	{
		struct audit_rec r;
		const char *l = "5,1,1000,-;Lockdown: dnact: raw io port access is restricted; "
				"see man kernel_lockdown.7";

		CHECK(audit_parse_kmsg(l, strlen(l), false, (int64_t)(T0_NS + MS(500) - 1000000),
				       &r) == 0);
		audit_feed(tj(), &r);
		mkdenial(&d, 5, 173, 1, T0_NS + MS(500));
		CHECK(!audit_annotate(tj(), &d, false)); /* comm "probe" */
		snprintf(d.ev.comm, sizeof(d.ev.comm), "dnact");
		CHECK(audit_annotate(tj(), &d, false));
		cause_decide(&d);
		CHECK(d.lsm == EP_LSM_LOCKDOWN);
		CHECK_STR(d.lsm_detail, "raw io port access");
	}
	audit_reset(tj());
}

TEST(audit_no_record_no_change)
{
	struct denial d;

	audit_reset(tj());
	mkdenial(&d, 1, 83, 1, T0_NS);
	CHECK(!audit_annotate(tj(), &d, false));
	CHECK(d.audit.kind == DN_AU_NONE);
	cause_decide(&d);
	CHECK(d.cause == EP_CAUSE_UNKNOWN);
}

/* The journal source: entries as journald stores them (fields copied from a real
 * `journalctl -o json _TRANSPORT=audit` of the SECCOMP record tests/host/audit.sh triggers). */
static struct audit_jentry jseccomp(void)
{
	struct audit_jentry e = {
	    .transport = "audit",
	    .type = "1326",
	    .id = "28",
	    .source_rt = "1700000000664000",
	    .message = "SECCOMP auid=4294967295 uid=65534 gid=65534 ses=4294967295 pid=4468 "
		       "comm=\"seclog\" exe=\"/tmp/h6/seclog\" sig=0 arch=c000003e syscall=83 "
		       "compat=0 ip=0x7f795f669f37 code=0x50000",
	    .realtime_us = 1700000000684695ull,
	};
	return e;
}

TEST(audit_journal_seccomp)
{
	struct audit_jentry e = jseccomp();
	struct audit_rec r;
	struct denial d;

	CHECK(audit_parse_journal(&e, 0, &r) == 0);
	CHECK(r.type == 1326);
	CHECK(r.kind == DN_AU_SECCOMP);
	CHECK(r.pid == 4468);
	CHECK(r.syscall == 83);
	CHECK(r.serial == 28);
	/* the record's own stamp, not the time journald wrote the entry */
	CHECK(r.ts_ns == T0_NS + MS(664));
	CHECK_STR(r.comm, "seclog");
	CHECK_CONTAINS(r.line,
		       "audit: seccomp syscall=83 (mkdir) code=0x50000 (errno) comm=seclog");
	CHECK_CONTAINS(r.line, "exe=/tmp/h6/seclog");
	/* the same text as the netlink payload gives */
	{
		struct audit_rec n;

		CHECK(parse(1326,
			    "audit(1700000000.664:28): auid=4294967295 uid=65534 gid=65534 "
			    "ses=4294967295 pid=4468 comm=\"seclog\" exe=\"/tmp/h6/seclog\" sig=0 "
			    "arch=c000003e syscall=83 compat=0 ip=0x7f795f669f37 code=0x50000",
			    &n) == 0);
		CHECK_STR(r.line, n.line);
		CHECK(r.ts_ns == n.ts_ns && r.serial == n.serial && r.pid == n.pid);
	}
	/* and it joins like one */
	audit_reset(tj());
	audit_feed(tj(), &r);
	mkdenial(&d, 4468, 83, 1, T0_NS + MS(665));
	CHECK(audit_annotate(tj(), &d, false));
	cause_decide(&d);
	CHECK(d.cause == EP_CAUSE_SECCOMP);
	CHECK_CONTAINS(d.evidence[0], "audit: seccomp syscall=83 (mkdir)");
}

TEST(audit_journal_fields)
{
	struct audit_jentry e = jseccomp();
	struct audit_rec r;

	/* no source stamp: the entry's time; no id: serial 0 */
	e.source_rt = NULL;
	e.id = NULL;
	CHECK(audit_parse_journal(&e, 0, &r) == 0);
	CHECK(r.ts_ns == T0_NS + MS(684));
	CHECK(r.serial == 0);
	/* a MESSAGE without the type name in front */
	e = jseccomp();
	e.message = "pid=9 comm=\"x\" sig=0 arch=c000003e syscall=83 code=0x50000";
	CHECK(audit_parse_journal(&e, 0, &r) == 0);
	CHECK(r.pid == 9 && r.kind == DN_AU_SECCOMP);
	/* a type journald has no name for: "AUDIT1423" */
	e = jseccomp();
	e.type = "1423";
	e.message = "AUDIT1423 domain=195ba459b blockers=fs.make_dir path=\"/tmp/x\" dev=\"vda\" "
		    "ino=1";
	CHECK(audit_parse_journal(&e, 0, &r) == 0);
	CHECK(r.kind == DN_AU_LANDLOCK);
	CHECK_STR(r.key, "195ba459b");
	CHECK_STR(r.name, "/tmp/x");
	/* SELinux: "AVC avc:  denied  { read } for ..." */
	e = jseccomp();
	e.type = "1400";
	e.message = "AVC avc:  denied  { read } for  pid=77 comm=\"cat\" name=\"shadow\" "
		    "scontext=u:r:a:s0 tcontext=u:object_r:b:s0 tclass=file permissive=0";
	CHECK(audit_parse_journal(&e, 0, &r) == 0);
	CHECK(r.kind == DN_AU_SELINUX && r.pid == 77);
	CHECK_CONTAINS(r.detail, "denied { read }");
	/* a grant or another type is not kept */
	e = jseccomp();
	e.message = "SECCOMP pid=9 syscall=83 code=0x7ffc0000";
	CHECK(audit_parse_journal(&e, 0, &r) == -ENOENT);
	e = jseccomp();
	e.type = "1105";
	e.message = "USER_END pid=1 msg='op=PAM:session_close'";
	CHECK(audit_parse_journal(&e, 0, &r) == -ENOENT);
}

TEST(audit_journal_kernel_lines)
{
	struct audit_jentry e = {
	    .transport = "kernel",
	    .source_mono = "4000000",
	    .message = "Lockdown: dnact: raw io port access is restricted; see man "
		       "kernel_lockdown.7",
	    .realtime_us = 1700000009000000ull,
	};
	struct audit_rec r;

	CHECK(audit_parse_journal(&e, (int64_t)T0_NS, &r) == 0);
	CHECK(r.kind == DN_AU_LOCKDOWN);
	CHECK_STR(r.comm, "dnact");
	CHECK(r.ts_ns == T0_NS + 4000000000ull);
	/* without the monotonic stamp: the entry's realtime */
	e.source_mono = NULL;
	CHECK(audit_parse_journal(&e, (int64_t)T0_NS, &r) == 0);
	CHECK(r.ts_ns == T0_NS + 9000000000ull);
	/* audit lines printed to kmsg come through the audit transport: never twice */
	e.message = "audit: type=1326 audit(1700000000.948:2): pid=12 comm=\"probe\" sig=0 "
		    "arch=c000003e syscall=83 code=0x50000";
	CHECK(audit_parse_journal(&e, 0, &r) == -ENOENT);
	e.message = "usb 1-1: new device";
	CHECK(audit_parse_journal(&e, 0, &r) == -ENOENT);
}

TEST(audit_journal_hostile)
{
	struct audit_jentry e = jseccomp();
	struct audit_rec r;
	static char big[20000];

	CHECK(audit_parse_journal(NULL, 0, &r) == -EINVAL);
	e.message = NULL;
	CHECK(audit_parse_journal(&e, 0, &r) == -EINVAL);
	e = jseccomp();
	e.transport = "stdout";
	CHECK(audit_parse_journal(&e, 0, &r) == -ENOENT);
	e.transport = NULL;
	CHECK(audit_parse_journal(&e, 0, &r) == -EINVAL);
	e = jseccomp();
	e.type = "13x6";
	CHECK(audit_parse_journal(&e, 0, &r) == -EINVAL);
	e.type = "-1";
	CHECK(audit_parse_journal(&e, 0, &r) == -EINVAL);
	e = jseccomp();
	e.id = "99999999999";
	CHECK(audit_parse_journal(&e, 0, &r) == -EINVAL);
	/* a forged stamp inside MESSAGE does not replace the entry's */
	e = jseccomp();
	e.message = "SECCOMP audit(1.000:1): pid=3 syscall=83 code=0x50000";
	CHECK(audit_parse_journal(&e, 0, &r) == 0);
	CHECK(r.ts_ns == T0_NS + MS(664) && r.serial == 28);
	/* over-long text is cut, never overrun; control bytes never reach the line */
	memset(big, 'A', sizeof(big) - 1);
	memcpy(big, "SECCOMP pid=5 comm=\"\x1b[2J\" syscall=83 code=0x50000 x=", 52);
	e = jseccomp();
	e.message = big;
	CHECK(audit_parse_journal(&e, 0, &r) == 0);
	CHECK(!strchr(r.line, '\x1b'));
}

TEST(audit_netlink_length_quirk)
{
	const char txt[] = "audit(1700000000.123:456): apparmor=\"DENIED\" operation=\"open\" "
			   "profile=\"p\" name=\"/etc/shadow\" pid=4242 denied_mask=\"r\"";
	char dg[256];
	struct nlmsghdr h = {.nlmsg_len = sizeof(txt) - 1, .nlmsg_type = 1400};
	const char *text;
	size_t len;
	int type;

	/* as the kernel sends it: nlmsg_len is the payload alone; the whole text is the record */
	memcpy(dg, &h, sizeof(h));
	memcpy(dg + NLMSG_HDRLEN, txt, sizeof(txt) - 1);
	CHECK(audit_nl_record(dg, NLMSG_HDRLEN + sizeof(txt) - 1, &type, &text, &len) == 0);
	CHECK(type == 1400 && len == sizeof(txt) - 1 && text == dg + NLMSG_HDRLEN);
	/* a length past the datagram is cut to it; one shorter than it is honoured */
	h.nlmsg_len = 0xfffffff0;
	memcpy(dg, &h, sizeof(h));
	CHECK(audit_nl_record(dg, NLMSG_HDRLEN + 10, &type, &text, &len) == 0 && len == 10);
	h.nlmsg_len = 5;
	memcpy(dg, &h, sizeof(h));
	CHECK(audit_nl_record(dg, NLMSG_HDRLEN + 10, &type, &text, &len) == 0 && len == 5);
	CHECK(audit_nl_record(dg, NLMSG_HDRLEN - 1, &type, &text, &len) == -EINVAL);
}
