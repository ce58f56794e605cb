// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The kernel audit join (see docs/audit.md). A reader thread subscribes to the audit netlink
 * multicast group (needs CAP_AUDIT_READ and the initial network namespace; works without
 * auditd), or follows the journal's audit transport (journald collects the records; this is
 * the source under the hardened unit, which has no AF_NETLINK), or /dev/kmsg, where the kernel
 * prints audit records while no auditd is registered, and where lockdown prints its
 * "Lockdown: comm: what is restricted" lines. Records that explain a
 * denial are parsed into a bounded ring; the worker joins one with a denial by pid (or tid),
 * syscall number and time. Record text is hostile input: every copy is bounded and printable.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/audit.h>
#include <linux/netlink.h>
#include <poll.h>
#include <stdarg.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "audit_journal.h"
#include "clock.h"
#include "config.h"
#include "names.h"

#ifndef AUDIT_LANDLOCK_ACCESS
#define AUDIT_LANDLOCK_ACCESS 1423
#endif
#ifndef AUDIT_LANDLOCK_DOMAIN
#define AUDIT_LANDLOCK_DOMAIN 1424
#endif
#define AUDIT_APPARMOR_DENIED_T 1503
#ifndef MAX_AUDIT_MESSAGE_LENGTH
#define MAX_AUDIT_MESSAGE_LENGTH 8970 /* the kernel's bound on one record */
#endif

#define SECCOMP_ACTION_MASK 0xffff0000u
#define SECCOMP_ERRNO_ACT   0x00050000u
#define WINDOW_NS	    (500ull * 1000000ull) /* a pid-matched record: +-500 ms */
#define LOOSE_NS	    (100ull * 1000000ull) /* a record without a pid: +-100 ms */
#define NL_BUF		    (MAX_AUDIT_MESSAGE_LENGTH + 256)
#define KMSG_BUF	    8192
#define LL_DOMAINS	    64
#define JOURNAL_BATCH	    256 /* entries per wakeup; more are read on the next, at once */

struct ll_domain {
	char id[32];
	int pid;
};

static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct audit_rec ring[AUDIT_RING];
	unsigned head;	/* next slot */
	unsigned count; /* valid slots */
	uint64_t gen;	/* records fed so far */
	struct ll_domain dom[LL_DOMAINS];
	unsigned dom_next;
	/* the reader */
	pthread_t thread;
	bool running;
	int nl_fd, kmsg_fd, stop_fd;
	struct ajournal *jr; /* the journal source, or NULL */
	int kick_fd;	     /* a join started waiting: poll the journal on the tick */
	unsigned waiters;    /* joins waiting now (atomic) */
	unsigned wait_ms;    /* the source's bound on a join's wait */
	uint64_t lost;	     /* ENOBUFS on the netlink socket */
	char status[320];
} au = {
    .lock = PTHREAD_MUTEX_INITIALIZER,
    .cond = PTHREAD_COND_INITIALIZER,
    .nl_fd = -1,
    .kmsg_fd = -1,
    .stop_fd = -1,
    .kick_fd = -1,
    .wait_ms = AUDIT_WAIT_MS,
    .status = "not started",
};

/* ---- hostile text ----------------------------------------------------------------------- */

/* snprintf that truncates on purpose: record fields are bounded, the output is too */
static void putf(char *out, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void putf(char *out, size_t n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(out, n, fmt, ap);
	va_end(ap);
}

/* copy at most n bytes of s into out (size outn), printable ASCII only */
static void copy_clean(char *out, size_t outn, const char *s, size_t n)
{
	size_t o = 0;

	if (!outn)
		return;
	for (size_t i = 0; i < n && o + 1 < outn; i++)
		out[o++] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
	out[o] = '\0';
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* audit_log_untrustedstring() prints a string with spaces, quotes or control bytes as hex */
static bool copy_hex(char *out, size_t outn, const char *s, size_t n)
{
	size_t o = 0;

	if (!n || (n & 1) || !outn)
		return false;
	for (size_t i = 0; i < n; i++)
		if (hexval(s[i]) < 0)
			return false;
	for (size_t i = 0; i + 1 < n && o + 1 < outn; i += 2) {
		char c = (char)(hexval(s[i]) << 4 | hexval(s[i + 1]));

		out[o++] = (c >= 0x20 && c < 0x7f) ? c : '?';
	}
	out[o] = '\0';
	return true;
}

static bool parse_u64(const char *s, int base, unsigned long long *v)
{
	char *end;

	if (!s[0])
		return false;
	errno = 0;
	*v = strtoull(s, &end, base);
	return !errno && !*end;
}

static bool parse_long(const char *s, long *v)
{
	char *end;

	if (!s[0])
		return false;
	errno = 0;
	*v = strtol(s, &end, 10);
	return !errno && !*end;
}

/* ---- the fields of one record ------------------------------------------------------------ */

struct fields {
	char pid[16], comm[64], exe[AUDIT_FIELD], syscall[16], arch[16], code[16], exit[24];
	char apparmor[16], operation[32], profile[AUDIT_FIELD], name[AUDIT_FIELD];
	char path[AUDIT_FIELD], requested[16], denied[16];
	char scontext[AUDIT_FIELD], tcontext[AUDIT_FIELD], tclass[32], permissive[4];
	char perms[64];
	char resp[8], fan_type[8], fan_info[16], subj_trust[8], obj_trust[8];
	char domain[32], blockers[64], status[16];
	bool avc, denied_word, granted_word;
};

#define F(k, m, hex)                                                                               \
	{                                                                                          \
		k, sizeof(k) - 1, offsetof(struct fields, m), sizeof(((struct fields *)0)->m), hex \
	}

static const struct field_def {
	const char *key;
	size_t klen;
	size_t off, size;
	bool hex; /* printed by audit_log_untrustedstring(): may be hex when unquoted */
} field_defs[] = {
    F("pid", pid, false),
    F("comm", comm, true),
    F("exe", exe, true),
    F("syscall", syscall, false),
    F("arch", arch, false),
    F("code", code, false),
    F("exit", exit, false),
    F("apparmor", apparmor, false),
    F("operation", operation, false),
    F("profile", profile, true),
    F("name", name, true),
    F("path", path, true),
    F("requested_mask", requested, false),
    F("denied_mask", denied, false),
    F("scontext", scontext, false),
    F("tcontext", tcontext, false),
    F("tclass", tclass, false),
    F("permissive", permissive, false),
    F("resp", resp, false),
    F("fan_type", fan_type, false),
    F("fan_info", fan_info, false),
    F("subj_trust", subj_trust, false),
    F("obj_trust", obj_trust, false),
    F("domain", domain, false),
    F("blockers", blockers, false),
    F("status", status, false),
};

static void set_field(struct fields *f, const char *k, size_t kl, const char *v, size_t vl,
		      bool quoted)
{
	for (size_t i = 0; i < sizeof(field_defs) / sizeof(field_defs[0]); i++) {
		const struct field_def *fd = &field_defs[i];
		char *out = (char *)f + fd->off;

		if (fd->klen != kl || memcmp(fd->key, k, kl) != 0)
			continue;
		if (out[0])
			return; /* the first one counts: later ones may be forged in a value */
		if (!quoted && fd->hex && copy_hex(out, fd->size, v, vl))
			return;
		copy_clean(out, fd->size, v, vl);
		return;
	}
}

/* Tokenise "k=v k="v" word { a b } ..." (quotes never nest; an open quote ends the text). */
static void split_fields(const char *s, size_t n, struct fields *f)
{
	size_t i = 0, plen = 0;
	bool in_perms = false;

	while (i < n) {
		const char *k, *v = NULL;
		size_t kl, vl = 0;
		bool quoted = false;

		while (i < n && s[i] == ' ')
			i++;
		if (i >= n)
			break;
		k = s + i;
		while (i < n && s[i] != ' ' && s[i] != '=')
			i++;
		kl = (size_t)(s + i - k);
		if (i < n && s[i] == '=') {
			i++;
			if (i < n && s[i] == '"') {
				quoted = true;
				v = s + ++i;
				while (i < n && s[i] != '"')
					i++;
				vl = (size_t)(s + i - v);
				if (i < n)
					i++;
			} else {
				v = s + i;
				while (i < n && s[i] != ' ')
					i++;
				vl = (size_t)(s + i - v);
			}
			set_field(f, k, kl, v, vl, quoted);
			continue;
		}
		/* a bare word: SELinux "avc:  denied  { read write } for" */
		if (kl == 4 && !memcmp(k, "avc:", 4))
			f->avc = true;
		else if (kl == 6 && !memcmp(k, "denied", 6) && f->avc && !f->perms[0])
			f->denied_word = true;
		else if (kl == 7 && !memcmp(k, "granted", 7) && f->avc)
			f->granted_word = true;
		else if (kl == 1 && k[0] == '{')
			in_perms = true;
		else if (kl == 1 && k[0] == '}')
			in_perms = false;
		else if (in_perms && plen + kl + 2 < sizeof(f->perms)) {
			if (plen)
				f->perms[plen++] = ' ';
			copy_clean(f->perms + plen, sizeof(f->perms) - plen, k, kl);
			plen += kl;
		}
	}
}

/* "audit(1700000000.123:456): " at the start (after an optional "msg="): sets ts and serial,
 * returns the offset of the first field or -EINVAL */
static int parse_stamp(const char *s, size_t n, struct audit_rec *r)
{
	unsigned long long sec = 0;
	unsigned msec = 0, serial = 0;
	char buf[48];
	size_t i = 0, j;

	if (n >= 4 && !memcmp(s, "msg=", 4))
		i = 4;
	if (n - i < 6 || memcmp(s + i, "audit(", 6))
		return -EINVAL;
	i += 6;
	for (j = i; j < n && s[j] != ')' && j - i < sizeof(buf) - 1; j++)
		;
	if (j >= n || s[j] != ')')
		return -EINVAL;
	copy_clean(buf, sizeof(buf), s + i, j - i);
	if (sscanf(buf, "%llu.%3u:%u", &sec, &msec, &serial) != 3 || sec > 4000000000ull ||
	    msec > 999)
		return -EINVAL;
	r->ts_ns = sec * 1000000000ull + msec * 1000000ull;
	r->serial = serial;
	j++;
	if (j < n && s[j] == ':')
		j++;
	return (int)j;
}

static void common(struct audit_rec *r, const struct fields *f)
{
	unsigned long long v;
	long l;

	if (parse_u64(f->pid, 10, &v) && v > 0 && v < 0x40000000)
		r->pid = (int)v;
	if (parse_u64(f->syscall, 10, &v) && v < 4096)
		r->syscall = (int)v;
	if (parse_u64(f->arch, 16, &v))
		r->compat = !(v & 0x80000000ull); /* __AUDIT_ARCH_64BIT */
	if (parse_long(f->exit, &l))
		r->exit = l;
	putf(r->comm, sizeof(r->comm), "%s", f->comm);
	putf(r->name, sizeof(r->name), "%s", f->name[0] ? f->name : f->path);
}

static int rec_apparmor(struct audit_rec *r, const struct fields *f)
{
	if (strcmp(f->apparmor, "DENIED") != 0)
		return -ENOENT; /* ALLOWED (complain), AUDIT, STATUS ... */
	r->kind = DN_AU_APPARMOR;
	putf(r->detail, sizeof(r->detail), "%s", f->profile[0] ? f->profile : "?");
	putf(r->key, sizeof(r->key), "%s", f->profile);
	putf(r->line, sizeof(r->line),
	     "audit: apparmor DENIED operation=%s profile=%s name=%s denied_mask=%s",
	     f->operation[0] ? f->operation : "?", f->profile[0] ? f->profile : "?",
	     r->name[0] ? r->name : "-", f->denied[0] ? f->denied : "?");
	return 0;
}

static int rec_selinux(struct audit_rec *r, const struct fields *f)
{
	if (!f->avc || !f->denied_word || f->granted_word || !strcmp(f->permissive, "1"))
		return f->avc ? -ENOENT : -EINVAL; /* a grant or a permissive denial */
	r->kind = DN_AU_SELINUX;
	putf(r->detail, sizeof(r->detail), "scontext=%s tcontext=%s tclass=%s denied { %s }",
	     f->scontext[0] ? f->scontext : "?", f->tcontext[0] ? f->tcontext : "?",
	     f->tclass[0] ? f->tclass : "?", f->perms[0] ? f->perms : "?");
	putf(r->line, sizeof(r->line),
	     "audit: selinux avc denied { %s } scontext=%s tcontext=%s tclass=%s name=%s",
	     f->perms[0] ? f->perms : "?", f->scontext[0] ? f->scontext : "?",
	     f->tcontext[0] ? f->tcontext : "?", f->tclass[0] ? f->tclass : "?",
	     r->name[0] ? r->name : "-");
	return 0;
}

static int rec_seccomp(struct audit_rec *r, const struct fields *f)
{
	unsigned long long code;
	const char *sn;

	if (!parse_u64(f->code, 0, &code))
		return -EINVAL;
	if (((unsigned)code & SECCOMP_ACTION_MASK) != SECCOMP_ERRNO_ACT)
		return -ENOENT; /* kill/trap/log: not an EPERM/EACCES return */
	r->kind = DN_AU_SECCOMP;
	sn = r->syscall >= 0 && !r->compat ? syscall_name(r->syscall) : NULL;
	putf(r->detail, sizeof(r->detail), "seccomp filter, syscall %d", r->syscall);
	putf(r->line, sizeof(r->line),
	     "audit: seccomp syscall=%d%s%s%s code=0x%llx (errno) comm=%s exe=%s", r->syscall,
	     sn ? " (" : "", sn ? sn : "", sn ? ")" : "", code, r->comm[0] ? r->comm : "?",
	     f->exe[0] ? f->exe : "?");
	return 0;
}

static int rec_fanotify(struct audit_rec *r, const struct fields *f)
{
	unsigned long long resp, info = 0, type = 0;

	if (!parse_u64(f->resp, 10, &resp))
		return -EINVAL;
	if ((resp & 0xff) != 2)
		return -ENOENT; /* FAN_DENY = 2; FAN_ALLOW audited too */
	r->kind = DN_AU_FANOTIFY;
	/* fan_info is printed in hex (%X); with fan_type 1 (FAN_RESPONSE_INFO_AUDIT_RULE) it is
	 * the listener's rule number (fapolicyd: the rules.d line) */
	if (parse_u64(f->fan_type, 10, &type) && type == 1 && parse_u64(f->fan_info, 16, &info))
		putf(r->rule, sizeof(r->rule), "%llu", info);
	putf(r->line, sizeof(r->line),
	     "audit: fanotify resp=2 (deny) fan_type=%s fan_info=%s%s%s%s subj_trust=%s "
	     "obj_trust=%s",
	     f->fan_type[0] ? f->fan_type : "-", f->fan_info[0] ? f->fan_info : "-",
	     r->rule[0] ? " (rule " : "", r->rule, r->rule[0] ? ")" : "",
	     f->subj_trust[0] ? f->subj_trust : "-", f->obj_trust[0] ? f->obj_trust : "-");
	return 0;
}

static int rec_landlock(struct audit_rec *r, const struct fields *f)
{
	if (!f->domain[0] || !f->blockers[0])
		return -EINVAL;
	r->kind = DN_AU_LANDLOCK;
	putf(r->key, sizeof(r->key), "%s", f->domain);
	putf(r->detail, sizeof(r->detail), "domain %s blockers %s", f->domain, f->blockers);
	putf(r->line, sizeof(r->line), "audit: landlock domain=%s blockers=%s path=%s", f->domain,
	     f->blockers, r->name[0] ? r->name : "-");
	return 0;
}

int audit_parse_record(int type, const char *text, size_t len, struct audit_rec *r)
{
	struct fields f;
	int off;

	memset(r, 0, sizeof(*r));
	r->type = type;
	r->syscall = -1;
	if (!text)
		return -EINVAL;
	len = strnlen(text, len);
	if (len > 6 && !memcmp(text, "type=", 5)) { /* "type=N msg=audit(...)" (auditd style) */
		const char *sp = memchr(text, ' ', len);

		if (!sp)
			return -EINVAL;
		len -= (size_t)(sp + 1 - text);
		text = sp + 1;
	}
	off = parse_stamp(text, len, r);
	if (off < 0)
		return off;
	memset(&f, 0, sizeof(f));
	split_fields(text + off, len - (size_t)off, &f);
	common(r, &f);
	switch (type) {
	case AUDIT_AVC:
	case AUDIT_APPARMOR_DENIED_T:
		return f.apparmor[0] ? rec_apparmor(r, &f) : rec_selinux(r, &f);
	case AUDIT_SECCOMP:
		return rec_seccomp(r, &f);
	case AUDIT_FANOTIFY:
		return rec_fanotify(r, &f);
	case AUDIT_LANDLOCK_ACCESS:
		return rec_landlock(r, &f);
	case AUDIT_LANDLOCK_DOMAIN:
		if (!f.domain[0] || strcmp(f.status, "allocated") != 0 || !r->pid)
			return -ENOENT;
		r->kind = AU_LL_DOMAIN;
		putf(r->key, sizeof(r->key), "%s", f.domain);
		return 0;
	case AUDIT_SYSCALL:
		if (r->exit != -1 && r->exit != -13)
			return -ENOENT;
		r->kind = AU_SYSCALL;
		return r->pid && r->syscall >= 0 ? 0 : -EINVAL;
	default:
		return -ENOENT;
	}
}

static const char lockdown_tail[] = " is restricted; see man kernel_lockdown.7";

static int parse_lockdown(const char *m, size_t n, struct audit_rec *r)
{
	size_t tl = sizeof(lockdown_tail) - 1, end, sep = 0;

	while (n && (m[n - 1] == '\n' || m[n - 1] == ' '))
		n--;
	if (n < 10 + tl || memcmp(m + n - tl, lockdown_tail, tl) != 0)
		return -ENOENT;
	end = n - tl;
	/* "Lockdown: <comm>: <what>": the reasons have no ": ", a comm may */
	for (size_t i = 10; i + 1 < end; i++)
		if (m[i] == ':' && m[i + 1] == ' ')
			sep = i;
	if (!sep)
		return -EINVAL;
	r->kind = DN_AU_LOCKDOWN;
	copy_clean(r->comm, sizeof(r->comm), m + 10, sep - 10);
	copy_clean(r->detail, sizeof(r->detail), m + sep + 2, end - sep - 2);
	putf(r->line, sizeof(r->line), "kmsg: Lockdown: %s: %s is restricted", r->comm, r->detail);
	return 0;
}

int audit_parse_kmsg(const char *text, size_t len, bool want_audit, int64_t mono_to_rt_ns,
		     struct audit_rec *r)
{
	unsigned long long usec = 0;
	const char *semi, *m, *nl;
	char head[64];
	size_t n;
	int ret;

	memset(r, 0, sizeof(*r));
	r->syscall = -1;
	if (!text)
		return -EINVAL;
	len = strnlen(text, len);
	semi = memchr(text, ';', len < sizeof(head) ? len : sizeof(head));
	if (!semi)
		return -EINVAL;
	copy_clean(head, sizeof(head), text, (size_t)(semi - text));
	if (sscanf(head, "%*u,%*u,%llu", &usec) != 1)
		return -EINVAL;
	m = semi + 1;
	n = len - (size_t)(m - text);
	nl = memchr(m, '\n', n);
	if (nl)
		n = (size_t)(nl - m);
	if (n > 10 && !memcmp(m, "Lockdown: ", 10)) {
		ret = parse_lockdown(m, n, r);
		r->ts_ns = (uint64_t)((int64_t)(usec * 1000ull) + mono_to_rt_ns);
		return ret;
	}
	if (!want_audit || n < 12 || memcmp(m, "audit: type=", 12) != 0)
		return -ENOENT;
	{
		char tb[8];
		size_t i = 12, j;
		long type;

		for (j = i; j < n && j - i < sizeof(tb) - 1 && m[j] >= '0' && m[j] <= '9'; j++)
			;
		copy_clean(tb, sizeof(tb), m + i, j - i);
		if (j >= n || m[j] != ' ' || !parse_long(tb, &type))
			return -EINVAL;
		return audit_parse_record((int)type, m + j + 1, n - j - 1, r);
	}
}

int audit_parse_journal(const struct audit_jentry *e, int64_t mono_to_rt_ns, struct audit_rec *r)
{
	unsigned long long us, serial = 0;
	char buf[NL_BUF + 64];
	const char *m, *sp;
	size_t n;
	long type;

	memset(r, 0, sizeof(*r));
	r->syscall = -1;
	if (!e || !e->transport || !e->message)
		return -EINVAL;
	m = e->message;
	n = strnlen(m, NL_BUF);
	if (!strcmp(e->transport, "kernel")) {
		int64_t off = mono_to_rt_ns;

		if (n < 10 || memcmp(m, "Lockdown: ", 10) != 0)
			return -ENOENT; /* audit lines come through the audit transport */
		if (!e->source_mono || !parse_u64(e->source_mono, 10, &us)) {
			us = e->realtime_us;
			off = 0;
		}
		putf(buf, sizeof(buf), "5,0,%llu,-;%.*s", us, (int)n, m);
		return audit_parse_kmsg(buf, strlen(buf), false, off, r);
	}
	if (strcmp(e->transport, "audit") != 0)
		return -ENOENT;
	if (!e->type || !parse_long(e->type, &type) || type <= 0 || type > 0xffff)
		return -EINVAL;
	/* _SOURCE_REALTIME_TIMESTAMP is the record's own stamp (sec.msec) in µs */
	if (!e->source_rt || !parse_u64(e->source_rt, 10, &us))
		us = e->realtime_us;
	if (e->id && (!parse_u64(e->id, 10, &serial) || serial > UINT32_MAX))
		return -EINVAL;
	/* journald puts the type name first ("SECCOMP", "AUDIT1423"): a word without '=' */
	sp = memchr(m, ' ', n);
	if (sp && !memchr(m, '=', (size_t)(sp - m))) {
		n -= (size_t)(sp + 1 - m);
		m = sp + 1;
	}
	putf(buf, sizeof(buf), "audit(%llu.%03llu:%llu): %.*s", us / 1000000ull,
	     us / 1000ull % 1000ull, serial, (int)n, m);
	return audit_parse_record((int)type, buf, strlen(buf), r);
}

/* ---- the ring ----------------------------------------------------------------------------- */

void audit_feed(const struct audit_rec *r)
{
	pthread_mutex_lock(&au.lock);
	if (r->kind == AU_LL_DOMAIN) {
		struct ll_domain *dm = &au.dom[au.dom_next++ % LL_DOMAINS];

		putf(dm->id, sizeof(dm->id), "%s", r->key);
		dm->pid = r->pid;
	}
	au.ring[au.head] = *r;
	au.ring[au.head].used = false;
	au.head = (au.head + 1) % AUDIT_RING;
	if (au.count < AUDIT_RING)
		au.count++;
	au.gen++;
	pthread_cond_broadcast(&au.cond);
	pthread_mutex_unlock(&au.lock);
}

void audit_reset(void)
{
	pthread_mutex_lock(&au.lock);
	au.head = au.count = 0;
	au.dom_next = 0;
	memset(au.dom, 0, sizeof(au.dom));
	pthread_mutex_unlock(&au.lock);
}

static const struct audit_rec *by_serial(const struct audit_rec *r)
{
	for (unsigned i = 0; r->serial && i < au.count; i++) {
		const struct audit_rec *s = &au.ring[i];

		if (s->kind == AU_SYSCALL && s->serial == r->serial &&
		    s->ts_ns / 1000000000ull == r->ts_ns / 1000000000ull)
			return s;
	}
	return NULL;
}

static int domain_pid(const char *id)
{
	for (unsigned i = 0; id[0] && i < LL_DOMAINS; i++)
		if (!strcmp(au.dom[i].id, id))
			return au.dom[i].pid;
	return 0;
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

static uint64_t absdiff(uint64_t a, uint64_t b)
{
	return a > b ? a - b : b - a;
}

/* 0 = no match, else the time distance + 1 (smaller is better); caller holds the lock */
static uint64_t score(const struct audit_rec *r, const struct denial *d)
{
	const struct audit_rec *sc;
	uint64_t dt;
	int pid = r->pid, nr = r->syscall;
	bool compat = r->compat;

	if (r->used || r->kind <= DN_AU_NONE || r->kind > DN_AU_LOCKDOWN)
		return 0;
	dt = absdiff(r->ts_ns, d->realtime_ns);
	if (dt > WINDOW_NS)
		return 0;
	/* the SYSCALL record of the same event completes a record without pid or syscall */
	sc = pid && nr >= 0 ? NULL : by_serial(r);
	if (sc) {
		if (sc->exit != d->ev.ret || (pid && pid != sc->pid))
			return 0;
		pid = sc->pid;
		nr = sc->syscall;
		compat = sc->compat;
	}
	if (!pid && r->kind == DN_AU_LANDLOCK)
		pid = domain_pid(r->key); /* the domain's creator: usually the sandboxed process */
	if (pid) {
		if ((unsigned)pid != d->ev.pid && (unsigned)pid != d->ev.tid)
			return 0;
	} else if (r->kind == DN_AU_LOCKDOWN) {
		if (d->ev.ret != -EP_EPERM || strncmp(r->comm, d->ev.comm, EP_COMM_LEN - 1) != 0)
			return 0;
	} else if (r->kind == DN_AU_FANOTIFY) {
		if (d->ev.ret != -EP_EPERM || dt > LOOSE_NS)
			return 0;
	} else if (r->kind == DN_AU_LANDLOCK) {
		bool same =
		    r->name[0] && d->path[0] && !strcmp(base_name(r->name), base_name(d->path));

		if (!same && !(d->proc.no_new_privs == 1 && dt <= LOOSE_NS))
			return 0;
	} else {
		return 0;
	}
	if (nr >= 0 && compat == !!(d->ev.flags & EP_F_COMPAT) && nr != d->ev.syscall_nr)
		return 0;
	return dt + 1;
}

/* caller holds the lock */
static bool join_locked(struct denial *d)
{
	struct audit_rec *best = NULL;
	uint64_t bs = 0;

	for (unsigned i = 0; i < au.count; i++) {
		uint64_t s = score(&au.ring[i], d);

		if (s && (!best || s < bs)) {
			best = &au.ring[i];
			bs = s;
		}
	}
	if (!best)
		return false;
	best->used = true;
	d->audit.kind = best->kind;
	d->audit.type = best->type;
	putf(d->audit.detail, sizeof(d->audit.detail), "%s", best->detail);
	putf(d->audit.rule, sizeof(d->audit.rule), "%s", best->rule);
	putf(d->audit.line, sizeof(d->audit.line), "%s", best->line);
	return true;
}

/* The wait is bounded by the event's age (see audit_annotate), so a worker that falls behind
 * in a storm stops waiting by itself. A seccomp filter's audit record (SECCOMP_FILTER_FLAG_LOG,
 * SECCOMP_RET_LOG) names its action and code: worth the wait even when the kernel already
 * proved seccomp. */
static bool worth_waiting(const struct denial *d)
{
	if (d->cause == EP_CAUSE_UNKNOWN || d->cause == EP_CAUSE_SECCOMP)
		return true;
	if (d->cause == EP_CAUSE_LSM)
		return d->lsm <= EP_LSM_UNKNOWN;
	return d->cause == EP_CAUSE_FANOTIFY && !d->rule[0];
}

bool audit_annotate(struct denial *d, bool wait)
{
	uint64_t deadline = d->realtime_ns + au.wait_ms * 1000000ull, seen, one = 1;
	struct timespec now, ts;
	bool hit;

	if (d->audit.kind)
		return false;
	pthread_mutex_lock(&au.lock);
	if (!wait) {
		hit = join_locked(d);
		pthread_mutex_unlock(&au.lock);
		return hit;
	}
	hit = false;
	if (!au.running || !worth_waiting(d))
		goto out;
	clock_gettime(CLOCK_REALTIME, &now);
	if ((uint64_t)now.tv_sec * 1000000000ull + (uint64_t)now.tv_nsec >= deadline)
		goto out; /* the worker is behind: a late record had its chance */
	ts.tv_sec = (time_t)(deadline / 1000000000ull);
	ts.tv_nsec = (long)(deadline % 1000000000ull);
	seen = au.gen;
	if (__atomic_fetch_add(&au.waiters, 1, __ATOMIC_SEQ_CST) == 0 && au.kick_fd >= 0 &&
	    write(au.kick_fd, &one, sizeof(one)) < 0) {
		/* the counter is set already: the reader ticks from its next wakeup on */
	}
	for (;;) {
		int rc = pthread_cond_timedwait(&au.cond, &au.lock, &ts);

		if (au.gen != seen) {
			seen = au.gen;
			hit = join_locked(d);
			if (hit)
				break;
		}
		if (rc == ETIMEDOUT || !au.running)
			break;
	}
	__atomic_fetch_sub(&au.waiters, 1, __ATOMIC_SEQ_CST);
out:
	pthread_mutex_unlock(&au.lock);
	return hit;
}

/* ---- the reader ----------------------------------------------------------------------------- */

static int64_t mono_to_rt(void)
{
	uint64_t m = clock_ns(CLOCK_MONOTONIC);

	return (int64_t)(clock_ns(CLOCK_REALTIME) - m);
}

int audit_nl_record(const void *buf, size_t n, int *type, const char **text, size_t *len)
{
	struct nlmsghdr h;

	if (n < NLMSG_HDRLEN)
		return -EINVAL;
	memcpy(&h, buf, sizeof(h));
	/* The kernel's audit_log_end() sets nlmsg_len to the payload alone (skb->len -
	 * NLMSG_HDRLEN, "length quirks" in kernel/audit.c), so NLMSG_OK/NLMSG_NEXT walk into the
	 * text. Each multicast datagram carries one record: take the datagram, cut to
	 * nlmsg_len when that is shorter (either reading of it). */
	*len = n - NLMSG_HDRLEN;
	if (h.nlmsg_len < *len)
		*len = h.nlmsg_len;
	*type = h.nlmsg_type;
	*text = (const char *)buf + NLMSG_HDRLEN;
	return 0;
}

static void read_netlink(char *buf)
{
	struct audit_rec r;

	for (int round = 0; round < 64; round++) {
		ssize_t n = recv(au.nl_fd, buf, NL_BUF, MSG_DONTWAIT);
		const char *text;
		size_t len;
		int type;

		if (n < 0) {
			if (errno == ENOBUFS)
				au.lost++;
			return;
		}
		if (audit_nl_record(buf, (size_t)n, &type, &text, &len) == 0 &&
		    audit_parse_record(type, text, len, &r) == 0)
			audit_feed(&r);
	}
}

static void read_kmsg(char *buf, bool want_audit)
{
	struct audit_rec r;
	int64_t off = mono_to_rt();

	for (int round = 0; round < 64; round++) {
		ssize_t n = read(au.kmsg_fd, buf, KMSG_BUF - 1);

		if (n < 0 && errno == EPIPE)
			continue; /* overwritten before we read it: go on with the next */
		if (n <= 0)
			return;
		if (audit_parse_kmsg(buf, (size_t)n, want_audit, off, &r) == 0)
			audit_feed(&r);
	}
}

static void drain(int fd)
{
	uint64_t v;

	if (read(fd, &v, sizeof(v)) < 0) {
		/* EAGAIN: nothing to drain */
	}
}

/* poll()'s timeout: the journal source reads at once after a full batch, on the tick while a
 * join waits, else when journald says (inotify) or sd-journal asks for a timeout */
static int poll_timeout(bool more)
{
	if (!au.jr)
		return -1;
	if (more)
		return 0;
	if (__atomic_load_n(&au.waiters, __ATOMIC_SEQ_CST))
		return AUDIT_JOURNAL_TICK_MS;
	return ajournal_timeout_ms(au.jr);
}

static void *reader_main(void *arg)
{
	char *buf = malloc(NL_BUF > KMSG_BUF ? NL_BUF : KMSG_BUF);
	struct pollfd p[5] = {
	    {.fd = au.stop_fd, .events = POLLIN},
	    {.fd = au.nl_fd, .events = POLLIN},
	    {.fd = au.kmsg_fd, .events = POLLIN},
	    {.fd = au.jr ? ajournal_fd(au.jr) : -1, .events = au.jr ? ajournal_events(au.jr) : 0},
	    {.fd = au.kick_fd, .events = POLLIN},
	};
	bool more = false;

	(void)arg;
	if (!buf)
		return NULL;
	for (;;) {
		int n = poll(p, 5, poll_timeout(more));

		if (n < 0 && errno != EINTR)
			break;
		if (p[0].revents)
			break;
		/* POLLERR: netlink overflow (recv reports ENOBUFS), kmsg overwritten (EPIPE) */
		if (p[1].revents)
			read_netlink(buf);
		if (p[2].revents)
			read_kmsg(buf, au.nl_fd < 0);
		if (p[4].revents)
			drain(au.kick_fd);
		if (au.jr) {
			int got = ajournal_read(au.jr, JOURNAL_BATCH, mono_to_rt());

			more = got >= JOURNAL_BATCH;
			if (got < 0 && got != -EINTR)
				au.lost++;
		}
		for (int i = 1; i < 4; i++)
			if (p[i].revents & (POLLHUP | POLLNVAL))
				p[i].fd = -1;
	}
	free(buf);
	return NULL;
}

/* The kernel multicasts audit records only in the initial network namespace; a socket bound
 * elsewhere (PrivateNetwork=, a container) would stay silent. init_net's nsfs inode number is
 * fixed (PROC_NET_INIT_INO); when /proc cannot say, assume the initial namespace. */
#define NET_INIT_INO 0xEFFFFFF9u

static bool in_init_netns(void)
{
	struct stat st;

	return stat("/proc/self/ns/net", &st) < 0 || st.st_ino == NET_INIT_INO;
}

static int open_netlink(void)
{
	struct sockaddr_nl sa = {
	    .nl_family = AF_NETLINK,
	    .nl_groups = 1u << (AUDIT_NLGRP_READLOG - 1),
	};
	int fd, sz = 1 << 20, err;

	if (!in_init_netns())
		return -ENETUNREACH;
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_AUDIT);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

static const char *nl_why(int err)
{
	switch (err) {
	case -EPERM:
		return "no CAP_AUDIT_READ";
	case -EPROTONOSUPPORT:
		return "kernel without CONFIG_AUDIT";
	case -ENETUNREACH:
		return "not in the initial network namespace";
	case -EAFNOSUPPORT:
		return "AF_NETLINK not allowed (RestrictAddressFamilies=)";
	default:
		return strerror(-err);
	}
}

static int open_kmsg(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC), err;

	if (fd < 0)
		return -errno;
	if (lseek(fd, 0, SEEK_END) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

static const char *jr_why(int err)
{
	switch (err) {
	case -ENOENT:
		return "no readable journal files";
	default:
		return strerror(-err);
	}
}

static void close_fds(void)
{
	if (au.nl_fd >= 0)
		close(au.nl_fd);
	if (au.kmsg_fd >= 0)
		close(au.kmsg_fd);
	if (au.stop_fd >= 0)
		close(au.stop_fd);
	if (au.kick_fd >= 0)
		close(au.kick_fd);
	ajournal_close(au.jr);
	au.jr = NULL;
	au.nl_fd = au.kmsg_fd = au.stop_fd = au.kick_fd = -1;
}

static const char *const source_name[] = {
    [CONFIG_AUDIT_AUTO] = "auto",	[CONFIG_AUDIT_NETLINK] = "netlink",
    [CONFIG_AUDIT_JOURNAL] = "journal", [CONFIG_AUDIT_KMSG] = "kmsg",
    [CONFIG_AUDIT_OFF] = "off",
};

static const char no_audit_yet[] = "; none in the journal yet: does journald collect audit "
				   "(systemd-journald-audit.socket)?";

/* Open the chosen source(s); fills au's descriptors and status. 0 or the -errno of the
 * (last) source tried. */
static int open_sources(int source)
{
	bool any = source == CONFIG_AUDIT_AUTO;
	int nl = -ENOTCONN, jr = -ENOTCONN, km = -ENOTCONN;

	if (any || source == CONFIG_AUDIT_NETLINK) {
		nl = open_netlink();
		if (nl >= 0) {
			au.nl_fd = nl;
			km = open_kmsg(); /* for Lockdown lines only */
			au.kmsg_fd = km >= 0 ? km : -1;
			putf(au.status, sizeof(au.status), "audit netlink multicast%s",
			     km >= 0 ? " + /dev/kmsg (Lockdown lines)" : "");
			return 0;
		}
	}
	if (any || source == CONFIG_AUDIT_JOURNAL) {
		jr = ajournal_open(&au.jr);
		if (jr >= 0) {
			au.wait_ms = AUDIT_JOURNAL_WAIT_MS;
			putf(au.status, sizeof(au.status), "journal (_TRANSPORT=audit%s)%s%s",
			     ajournal_has_audit(au.jr) ? "" : no_audit_yet,
			     any ? "; audit netlink: " : "", any ? nl_why(nl) : "");
			return 0;
		}
	}
	if (any || source == CONFIG_AUDIT_KMSG) {
		km = open_kmsg();
		if (km >= 0) {
			au.kmsg_fd = km;
			if (any)
				putf(au.status, sizeof(au.status),
				     "/dev/kmsg (audit netlink: %s; journal: %s; records seen only "
				     "while no auditd runs)",
				     nl_why(nl), jr_why(jr));
			else
				putf(au.status, sizeof(au.status),
				     "/dev/kmsg (records seen only while no auditd runs)");
			return 0;
		}
	}
	if (any)
		putf(au.status, sizeof(au.status),
		     "unavailable (audit netlink: %s; journal: %s; /dev/kmsg: %s)", nl_why(nl),
		     jr_why(jr), strerror(-km));
	else
		putf(au.status, sizeof(au.status), "unavailable (audit_source = %s: %s)",
		     source_name[source],
		     source == CONFIG_AUDIT_NETLINK   ? nl_why(nl)
		     : source == CONFIG_AUDIT_JOURNAL ? jr_why(jr)
						      : strerror(-km));
	return source == CONFIG_AUDIT_NETLINK ? nl : source == CONFIG_AUDIT_JOURNAL ? jr : km;
}

int audit_start(int source)
{
	int err;

	if (au.running)
		return 0;
	if (source < CONFIG_AUDIT_AUTO || source > CONFIG_AUDIT_OFF)
		return -EINVAL;
	au.wait_ms = AUDIT_WAIT_MS;
	if (source == CONFIG_AUDIT_OFF) {
		putf(au.status, sizeof(au.status), "off (audit_source = off)");
		return 0;
	}
	err = open_sources(source);
	if (err < 0)
		goto cleanup;
	au.stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	au.kick_fd = au.jr ? eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK) : -1;
	if (au.stop_fd < 0 || (au.jr && au.kick_fd < 0)) {
		err = -errno;
		putf(au.status, sizeof(au.status), "unavailable (eventfd: %s)", strerror(-err));
		goto cleanup;
	}
	au.running = true;
	err = -pthread_create(&au.thread, NULL, reader_main, NULL);
	if (err) {
		au.running = false;
		putf(au.status, sizeof(au.status), "unavailable (thread: %s)", strerror(-err));
		goto cleanup;
	}
	return 0;
cleanup:
	close_fds();
	return err;
}

void audit_stop(void)
{
	uint64_t one = 1;

	if (!au.running)
		return;
	if (write(au.stop_fd, &one, sizeof(one)) != sizeof(one))
		pthread_cancel(au.thread);
	pthread_join(au.thread, NULL);
	pthread_mutex_lock(&au.lock);
	au.running = false;
	pthread_cond_broadcast(&au.cond);
	pthread_mutex_unlock(&au.lock);
	close_fds();
	putf(au.status, sizeof(au.status), "stopped");
}

const char *audit_status(void)
{
	return au.status;
}
