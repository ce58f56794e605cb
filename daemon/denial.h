/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * One denial as the daemon sees it: the raw kernel record, what user space
 * learned about it (enrich.c), the cause (cause.c) and the words (diagnose.c).
 * Pipeline: tracer -> queue -> enrich -> cause -> diagnose -> incident -> sinks.
 */
#ifndef EPERMD_DENIAL_H
#define EPERMD_DENIAL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "epermd.h"

enum ep_cause {
	EP_CAUSE_UNKNOWN = 0,
	EP_CAUSE_CAPABILITY,
	EP_CAUSE_USERNS,
	EP_CAUSE_DAC,
	EP_CAUSE_IMMUTABLE,
	EP_CAUSE_MOUNT,
	EP_CAUSE_SECCOMP,
	EP_CAUSE_LSM,
	EP_CAUSE_FANOTIFY,
	EP_CAUSE_SYSCTL,
	EP_CAUSE_CGROUP,
	EP_CAUSE__MAX,
};

#define DN_STR		256
#define DN_MAX_EVIDENCE 12
#define DN_EVIDENCE_LEN 160
#define DN_MAX_GROUPS	32

struct dn_file {
	bool valid;   /* stat() of the path succeeded */
	bool has_acl; /* an access ACL beyond the mode bits */
	bool immutable;
	bool append_only;
	bool flags_valid; /* FS_IOC_GETFLAGS / statx attributes were read */
	bool is_dir;
	bool from_kernel; /* mode, owner, flags and mount flags are the kernel's facts at the
			   * denial (ep_event.obj), not a later stat() */
	mode_t mode;
	uid_t uid;
	gid_t gid;
	dev_t rdev;
	char acl_text[DN_STR]; /* short form, e.g. "user:1000:r--,mask::r--" */
	char mount_point[DN_STR];
	char mount_opts[DN_STR]; /* per-mount options from mountinfo */
	char fstype[32];
	bool mnt_noexec, mnt_nosuid, mnt_nodev, mnt_ro;
	/* the parent directory, for create/unlink/rename denials */
	bool parent_valid;
	mode_t parent_mode;
	uid_t parent_uid;
	gid_t parent_gid;
	bool parent_sticky;
	bool parent_immutable;
	bool parent_append_only;
};

struct dn_proc {
	bool valid;	  /* /proc/<pid> was still there, or from_kernel */
	bool from_kernel; /* ids, caps, groups, no_new_privs, seccomp came from the kernel's record
			   * (the process was gone); the strings below are then unknown */
	uid_t ruid, euid, suid, fsuid;
	gid_t rgid, egid, sgid, fsgid;
	gid_t groups[DN_MAX_GROUPS];
	int ngroups;
	uint64_t cap_inh, cap_prm, cap_eff, cap_bnd, cap_amb;
	int no_new_privs; /* -1 unknown */
	int seccomp_mode; /* -1 unknown, 0 none, 1 strict, 2 filter */
	int seccomp_filters;
	char exe[DN_STR];
	char cmdline[DN_STR]; /* NULs turned into spaces; still hostile */
	char cgroup[DN_STR];  /* the unified (v2) cgroup path */
	char unit[128];	      /* systemd unit from the cgroup path, if any */
	char container[128];  /* "docker:<id12>", "containerd:<id12>", "podman:<id12>", "k8s:<pod
				 uid>" */
	char container_runtime[16];
	char parent_comm[EP_COMM_LEN];
	char lsm_label[128]; /* /proc/<pid>/attr/current when an LSM sets it */
};

/* The path walk (enrich, EACCES on a path): every directory the lookup passes through (the
 * starting directory, then each prefix), examined as root and checked for search (x) permission
 * with the process's credentials (dac_may_search). */
struct dn_walk {
	bool done;	     /* the walk ran */
	bool blocked;	     /* dir is the first directory the process cannot search */
	bool stopped;	     /* dir could not be examined (err): the walk ended there */
	bool groups_unknown; /* /proc was gone: supplementary groups were not known */
	bool via_symlink;    /* dir is a symbolic link: the check was on the directory it names */
	int checked;	     /* directories examined and searchable before the result */
	int at_denial;	     /* directories examined as the kernel's record has them */
	int later;	     /* directories examined only as they are now */
	int err;	     /* errno where the walk stopped */
	int obj_err;	     /* errno of examining the object itself (0 = it was examined) */
	char dir[EP_PATH_LEN + 64]; /* the blocking directory, or where the walk stopped */
	mode_t mode;		    /* of dir, when blocked */
	uid_t uid;
	gid_t gid;
	bool has_acl;
	char acl_text[DN_STR];
};

struct dn_sysctl {
	char name[64];
	char value[64];
};

/* A kernel audit record joined to a denial (daemon/audit.c, H9). audit_annotate() fills it
 * between enrich and cause; cause.c (rule_audit) turns it into the cause. kind 0 = none. */
enum dn_audit_kind {
	DN_AU_NONE = 0,
	DN_AU_APPARMOR, /* AVC 1400 apparmor="DENIED" */
	DN_AU_SELINUX,	/* AVC 1400 avc: denied */
	DN_AU_LANDLOCK, /* LANDLOCK_ACCESS 1423 */
	DN_AU_SECCOMP,	/* SECCOMP 1326, SECCOMP_RET_ERRNO */
	DN_AU_FANOTIFY, /* FANOTIFY 1331 resp=2 */
	DN_AU_LOCKDOWN, /* kmsg "Lockdown: comm: what is restricted" */
};

struct dn_audit {
	int kind;		    /* enum dn_audit_kind */
	int type;		    /* the record type (1400 ...), 0 for a kmsg line */
	char detail[DN_STR];	    /* -> lsm_detail: profile, contexts, domain + blockers */
	char rule[64];		    /* -> rule: fanotify fan_info (the fapolicyd rule number) */
	char line[DN_EVIDENCE_LEN]; /* the evidence string, "audit: ..." */
};

/* denial.facts_at_denial / facts_later */
enum dn_fact {
	DN_FACT_CREDS = 1u << 0,    /* "credentials": uids, gids, capabilities */
	DN_FACT_GROUPS = 1u << 1,   /* "groups": supplementary groups */
	DN_FACT_FILE = 1u << 2,	    /* "file": mode and owner of the object */
	DN_FACT_FLAGS = 1u << 3,    /* "file_flags": immutable / append-only */
	DN_FACT_MOUNT = 1u << 4,    /* "mount": noexec, nosuid, nodev, ro */
	DN_FACT_BASE = 1u << 5,	    /* "base_dir": cwd or dirfd of a relative path */
	DN_FACT_LISTENER = 1u << 6, /* "listener": the fanotify permission listener */
	DN_FACT_TARGET = 1u << 7,   /* "target": the signalled or traced process's uids */
	DN_FACT_ARGS = 1u << 8,	    /* "arguments": memory behind pointer arguments */
	DN_FACT_LINK = 1u << 9,	    /* "link": the symbolic link the path ends in */
	DN_FACT_WALK = 1u << 10,    /* "path_walk": the directories' modes on the way */
	DN_FACT__N = 11,
};

struct denial {
	struct ep_event ev;    /* as received, path NUL-terminated */
	uint64_t realtime_ns;  /* ev.ts_ns converted to CLOCK_REALTIME */
	uint64_t hooks_active; /* bit (1ull << enum ep_hook) per hook that was attached: what
				* the kernel side could have seen (absence of evidence means
				* something only if its hook was active) */

	/* enrichment */
	char path[EP_PATH_LEN + 64]; /* absolute when it could be resolved */
	bool path_from_fd;	     /* resolved from /proc/<pid>/fd */
	char target[DN_STR]; /* non-path target: "pid 1 (systemd)", "127.0.0.1:80", "CAP_..." */
	struct dn_file file;
	struct dn_proc proc;
	struct dn_sysctl sysctl[4];
	int n_sysctl;
	char lockdown[32]; /* the lockdown level in force, if securityfs says */
	char lsms[128];	   /* /sys/kernel/security/lsm */

	/* the decision */
	enum ep_cause cause;
	int capability;		 /* CAP_* number, -1 when none */
	int lsm;		 /* enum ep_lsm, -1 when none */
	char lsm_detail[DN_STR]; /* profile, contexts, rule ... */
	char flag[16];		 /* "immutable" / "append-only" */
	char mount_option[16];
	char listener[64]; /* "fapolicyd[812]" */
	char sysctl_name[64];
	char sysctl_value[64];
	char rule[64]; /* fapolicyd rule number or similar, when known */
	char evidence[DN_MAX_EVIDENCE][DN_EVIDENCE_LEN];
	int n_evidence;

	/* the words */
	char diagnosis[1024];
	char fix[1024];
	char validate[512];

	/* folding */
	uint64_t count;
	uint64_t first_seen_ns; /* realtime */
	uint64_t last_seen_ns;
	uint64_t incident_id;

	/* added (H3b): the path walk of an EACCES path lookup (enrich); when it finds a
	 * directory the process cannot search, the cause engine also puts it in target */
	struct dn_walk walk;

	/* Which facts the verdict could rest on (DN_FACT_* bits, names in cause_fact_name()):
	 * captured by the kernel at the denial (ev.facts), or read from user space later. */
	unsigned facts_at_denial;
	unsigned facts_later;
	/* the target task of kill/ptrace-like calls, from /proc later (DN_FACT_TARGET) */
	bool target_valid;
	uid_t target_ruid, target_euid, target_suid;
	/* arguments behind user pointers, read later from the live process (DN_FACT_ARGS):
	 * bind's port, setrlimit/prlimit64's new hard limit; 0 = not known */
	unsigned bind_port;
	unsigned long long rlim_max;
	/* the final symbolic link of the path, when the path names one (lstat, later) */
	bool link_valid;
	uid_t link_uid;
	mode_t link_dir_mode;
	uid_t link_dir_uid;

	/* kernel audit record joined to this denial (audit.c); keep last: H9 */
	struct dn_audit audit;
};

/* Append a formatted, short evidence string; silently counts overflow. */
/* The value of a sysctl enrichment read for this denial (d->sysctl[]), or NULL. */
const char *denial_sysctl(const struct denial *d, const char *name);
void denial_add_evidence(struct denial *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

const char *cause_name(enum ep_cause c);
int cause_from_name(const char *s); /* -1 if unknown */

#endif
