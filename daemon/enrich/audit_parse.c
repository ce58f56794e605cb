// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The audit record parser (audit_parse.h): netlink datagrams, /dev/kmsg lines and journal
 * entries into struct audit_rec. Pure; record text is hostile input: every copy is bounded and
 * printable.
 */
#include <errno.h>
#include <linux/netlink.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit_parse.h"
#include "names.h"

#ifndef AUDIT_LANDLOCK_ACCESS
#define AUDIT_LANDLOCK_ACCESS 1423
#endif
#ifndef AUDIT_LANDLOCK_DOMAIN
#define AUDIT_LANDLOCK_DOMAIN 1424
#endif
#define AUDIT_APPARMOR_DENIED_T 1503

#define SECCOMP_ACTION_MASK 0xffff0000u
#define SECCOMP_ERRNO_ACT   0x00050000u

/* ---- hostile text ----------------------------------------------------------------------- */

void audit_putf(char *out, size_t n, const char *fmt, ...)
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
	audit_putf(r->comm, sizeof(r->comm), "%s", f->comm);
	audit_putf(r->name, sizeof(r->name), "%s", f->name[0] ? f->name : f->path);
}

static int rec_apparmor(struct audit_rec *r, const struct fields *f)
{
	if (strcmp(f->apparmor, "DENIED") != 0)
		return -ENOENT; /* ALLOWED (complain), AUDIT, STATUS ... */
	r->kind = DN_AU_APPARMOR;
	audit_putf(r->detail, sizeof(r->detail), "%s", f->profile[0] ? f->profile : "?");
	audit_putf(r->key, sizeof(r->key), "%s", f->profile);
	audit_putf(r->line, sizeof(r->line),
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
	audit_putf(r->detail, sizeof(r->detail), "scontext=%s tcontext=%s tclass=%s denied { %s }",
		   f->scontext[0] ? f->scontext : "?", f->tcontext[0] ? f->tcontext : "?",
		   f->tclass[0] ? f->tclass : "?", f->perms[0] ? f->perms : "?");
	audit_putf(r->line, sizeof(r->line),
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
	audit_putf(r->detail, sizeof(r->detail), "seccomp filter, syscall %d", r->syscall);
	audit_putf(r->line, sizeof(r->line),
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
		audit_putf(r->rule, sizeof(r->rule), "%llu", info);
	audit_putf(r->line, sizeof(r->line),
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
	audit_putf(r->key, sizeof(r->key), "%s", f->domain);
	audit_putf(r->detail, sizeof(r->detail), "domain %s blockers %s", f->domain, f->blockers);
	audit_putf(r->line, sizeof(r->line), "audit: landlock domain=%s blockers=%s path=%s",
		   f->domain, f->blockers, r->name[0] ? r->name : "-");
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
		audit_putf(r->key, sizeof(r->key), "%s", f.domain);
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
	audit_putf(r->line, sizeof(r->line), "kmsg: Lockdown: %s: %s is restricted", r->comm,
		   r->detail);
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
	char buf[AUDIT_NL_BUF + 64];
	const char *m, *sp;
	size_t n;
	long type;

	memset(r, 0, sizeof(*r));
	r->syscall = -1;
	if (!e || !e->transport || !e->message)
		return -EINVAL;
	m = e->message;
	n = strnlen(m, AUDIT_NL_BUF);
	if (!strcmp(e->transport, "kernel")) {
		int64_t off = mono_to_rt_ns;

		if (n < 10 || memcmp(m, "Lockdown: ", 10) != 0)
			return -ENOENT; /* audit lines come through the audit transport */
		if (!e->source_mono || !parse_u64(e->source_mono, 10, &us)) {
			us = e->realtime_us;
			off = 0;
		}
		audit_putf(buf, sizeof(buf), "5,0,%llu,-;%.*s", us, (int)n, m);
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
	audit_putf(buf, sizeof(buf), "audit(%llu.%03llu:%llu): %.*s", us / 1000000ull,
		   us / 1000ull % 1000ull, serial, (int)n, m);
	return audit_parse_record((int)type, buf, strlen(buf), r);
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
