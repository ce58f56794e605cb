/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * One denial as the daemon sees it, in the parts the stages write in turn (docs/architecture.md):
 * capture -> enrich -> attribute (cause.c) -> explain (diagnose.c) -> fold -> sink.
 */
#ifndef EPERMD_DENIAL_H
#define EPERMD_DENIAL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "epermd.h"
#include "verdict.h"

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
	EP_CAUSE_MDWE, /* the kernel's memory-deny-write-execute (prctl PR_SET_MDWE) */
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
	/* a device node on a nodev mount: the /dev node of the same device ("/dev/sda", from
	 * /sys/dev/{char,block}/M:m/uevent), for the fix; "" else */
	char dev_name[128];
	char acl_text[DN_STR]; /* short form, e.g. "user:1000:r--,mask::r--" */
	char mount_point[DN_STR];
	char mount_opts[DN_STR]; /* per-mount options from mountinfo */
	char fstype[32];
	bool mnt_noexec, mnt_nosuid, mnt_nodev, mnt_ro;
	bool mnt_dev_valid; /* mnt_dev: mountinfo's major:minor of the mount found */
	dev_t mnt_dev;
	/* the kernel's object was on a mount that mountinfo no longer has (unmounted after the
	 * denial): mount_point and mount_opts are empty, the mount flags are the kernel's */
	bool mount_gone;
	dev_t obj_dev; /* with mount_gone: the object's filesystem at the denial */
	/* the parent directory, for create/unlink/rename denials */
	bool parent_valid;
	mode_t parent_mode;
	uid_t parent_uid;
	gid_t parent_gid;
	bool parent_sticky;
	bool parent_immutable;
	bool parent_append_only;
};

/* A user namespace's uid_map or gid_map as the initial namespace reads it (lower = kernel id) */
#define DN_IDMAP_MAX 5
struct dn_idmap {
	int n;
	struct {
		uint32_t first, lower, count;
	} e[DN_IDMAP_MAX];
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
	/* uid_map and gid_map of its user namespace, read (later) for a task in a child one */
	bool idmap_valid;
	struct dn_idmap uid_map, gid_map;
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

/* The sandbox settings of the systemd unit the process runs in, as the service manager reports
 * them (daemon/enrich/unitprops.c, enrich stage; D-Bus org.freedesktop.systemd1). Only read when
 * proc.unit is set and the daemon reaches the bus; valid says it answered. */
enum dn_unit_flag {
	DN_U_MDWE = 1u << 0,		/* MemoryDenyWriteExecute=yes */
	DN_U_SUID_SGID = 1u << 1,	/* RestrictSUIDSGID=yes */
	DN_U_CLOCK = 1u << 2,		/* ProtectClock=yes */
	DN_U_HOSTNAME = 1u << 3,	/* ProtectHostname=yes */
	DN_U_KMOD = 1u << 4,		/* ProtectKernelModules=yes */
	DN_U_KLOGS = 1u << 5,		/* ProtectKernelLogs=yes */
	DN_U_REALTIME = 1u << 6,	/* RestrictRealtime=yes */
	DN_U_PERSONALITY = 1u << 7,	/* LockPersonality=yes */
	DN_U_NNP = 1u << 8,		/* NoNewPrivileges=yes */
	DN_U_PRIVATE_DEVICES = 1u << 9, /* PrivateDevices=yes */
	DN_U_DYNAMIC_USER = 1u << 10,	/* DynamicUser=yes */
	DN_U_TUNABLES = 1u << 11,	/* ProtectKernelTunables=yes */
	DN_U_SCF_SET = 1u << 12,	/* SystemCallFilter= is set */
	DN_U_SCF_ALLOW = 1u << 13,	/* ... as an allow-list */
	DN_U_CGROUPS = 1u << 14,	/* ProtectControlGroups=yes */
	/* the manager is built without the BPF framework (Features: -BPF_FRAMEWORK): it accepts
	 * and ignores SocketBindAllow=/SocketBindDeny= and RestrictFileSystems= */
	DN_U_NO_BPF_FW = 1u << 15,
	DN_U_NO_BPF_LSM = 1u << 16, /* the kernel runs without the BPF LSM: RestrictFileSystems=
				     * is ignored too */
	DN_U_RFS_SET = 1u << 17,    /* RestrictFileSystems= is set */
	DN_U_RFS_ALLOW = 1u << 18,  /* ... as an allow-list */
	DN_U_RFS_TRUNC = 1u << 19,  /* ... longer than dn_unit.rfs: names left out */
};

/* literal values, as written in the unit file and its drop-ins (joined by spaces) */
enum dn_unit_lit {
	DN_UL_SCF = 0,	/* SystemCallFilter */
	DN_UL_NS,	/* RestrictNamespaces */
	DN_UL_BND,	/* CapabilityBoundingSet */
	DN_UL_AMB,	/* AmbientCapabilities */
	DN_UL_IPDENY,	/* IPAddressDeny */
	DN_UL_BINDDENY, /* SocketBindDeny */
	DN_UL_INACC,	/* InaccessiblePaths */
	DN_UL_DEVALLOW, /* DeviceAllow */
	DN_UL_RFS,	/* RestrictFileSystems */
	DN_UL__N,
};

#define DN_U_LIT_LEN   160
#define DN_U_MAX_IP    8
#define DN_U_MAX_BIND  8
#define DN_U_MAX_PATHS 8

struct dn_ipnet {
	uint8_t family; /* AF_INET / AF_INET6 */
	uint8_t prefix;
	uint8_t addr[16];
};

struct dn_bindrule {
	int32_t family;	  /* 0 any, AF_INET, AF_INET6 */
	int32_t proto;	  /* 0 any, IPPROTO_TCP, IPPROTO_UDP */
	uint16_t n_ports; /* 0 = every port */
	uint16_t port_min;
};

struct dn_unit {
	bool valid;	     /* the service manager answered for proc.unit */
	int err;	     /* why not valid: -errno of the bus lookup (0 = not asked) */
	bool transient;	     /* its fragment is under /run/systemd/transient (systemd-run) */
	bool exe_privileged; /* the process's binary is set-uid/gid or has file capabilities
			      * (per denial, not cached) */
	bool exe_later;	     /* ... read by its path later: the process was gone */
	uint32_t flags;	     /* DN_U_* */
	uint8_t scf[64];     /* SystemCallFilter=: a bit per syscall number listed */
	uint64_t ns_allowed; /* RestrictNamespaces=: the CLONE_NEW* types allowed */
	uint64_t cap_bnd, cap_amb;
	char user[32];
	char device_policy[16];
	char protect_home[16];
	char protect_system[16];
	int n_ipdeny, n_ipallow, n_bdeny, n_ballow, n_inacc;
	struct dn_ipnet ipdeny[DN_U_MAX_IP], ipallow[DN_U_MAX_IP];
	struct dn_bindrule bdeny[DN_U_MAX_BIND], ballow[DN_U_MAX_BIND];
	char inacc[DN_U_MAX_PATHS][96]; /* InaccessiblePaths= */
	int n_ro;
	char ro[DN_U_MAX_PATHS][96]; /* ReadOnlyPaths= */
	char rfs[256]; /* RestrictFileSystems=: the file system names the manager reports */
	char lit[DN_UL__N][DN_U_LIT_LEN];
};

/* One directive of the unit that explains a denial (unitmap.c): the verdict keeps them for
 * the words (explain/unit_fix.c) */
#define DN_U_MAX_MATCH 3

struct dn_unit_match {
	char dir[32];		/* "SystemCallFilter" */
	char how[56];		/* "a seccomp filter": what enforces it */
	char val[DN_U_LIT_LEN]; /* its current value */
	char why[160];		/* "mount is in @mount, which the list denies" */
};

/* An EROFS denial's read-only mount (rofs.c) */
enum dn_rofs_kind {
	DN_RO_NONE = 0,
	DN_RO_MOUNT,	  /* the mount's own MNT_READONLY: a read-only (bind) mount */
	DN_RO_FILESYSTEM, /* the superblock's SB_RDONLY: every mount of the filesystem */
};

struct dn_rofs {
	int kind;	  /* enum dn_rofs_kind */
	bool from_kernel; /* the mount facts are the kernel's at the denial (EP_FACT_MNT) */
	bool private_ns;  /* the process's mount namespace is not the host's */
	bool locked;	  /* MNT_LOCK_READONLY: inherited read-only into a less privileged ns */
	unsigned mnt_id;  /* as in /proc/PID/mountinfo; 0 unknown */
	/* DN_RO_FILESYSTEM: a filesystem that cannot be written at all ("squashfs"), "" else */
	char ro_only[16];
	char mount_point[EP_FACT_PATH_LEN];
	char dir[EP_PATH_LEN + 64]; /* the narrowest path the fix makes writable */
};

struct dn_sysctl {
	char name[64];
	char value[64];
};

/* A kernel audit record joined to a denial (daemon/enrich/audit.c, H9). audit_annotate() fills it
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

/* The lookups the words read (enrich/lookup.c, after the last attribute pass): only the ones
 * the verdict's words read are made (cause_wants()); done says which. */
enum dn_want {
	DN_WANT_USER = 1u << 0,	 /* fsuid's passwd entry (setpriv --init-groups) */
	DN_WANT_GROUP = 1u << 1, /* the object's group name, under /etc (secrets) */
	DN_WANT_EXE = 1u << 2,	 /* is proc.exe a general-purpose tool (names, dpkg's lists) */
};

struct dn_lookup {
	unsigned done;	   /* DN_WANT_* bits looked up */
	bool fsuid_passwd; /* USER: fsuid (dac_fsuid()) has a passwd entry */
	gid_t gid;	   /* GROUP: the object's group (the file's, else the DAC evidence's) */
	char group[64];	   /* ... its name; "" when the group database has none */
	bool exe_general;  /* EXE: a shell, interpreter or general-purpose tool */
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
	DN_FACT_MDWE = 1u << 11,    /* "mdwe": the task's memory-deny-write-execute flag */
	DN_FACT__N = 12,
};

/*
 * The record's parts, one per stage that writes it (docs/architecture.md). Each part is a
 * named member (d->facts, d->verdict ...) for stage signatures, and its fields are reachable
 * directly (d->path, d->cause ...): an anonymous member of the same type shares its storage
 * (-fms-extensions).
 */

/* capture: the kernel's record, as received (path NUL-terminated), and when and under which
 * hooks it happened. Written by the pipeline before enrich; read-only afterwards. */
struct dn_event {
	struct ep_event ev;
	uint64_t realtime_ns;  /* ev.ts_ns converted to CLOCK_REALTIME */
	uint64_t hooks_active; /* bit (1ull << enum ep_hook) per hook that was attached: what
				* the kernel side could have seen (absence of evidence means
				* something only if its hook was active) */
};

/* enrich: what user space learned about the denial (enrich.c, fileinfo.c, procinfo.c, the
 * audit join). Attribute reads it; it adds only the DN_FACT_* bits it relied on and, for a
 * path walk that blocked, the blocking directory as target. */
struct dn_facts {
	char path[EP_PATH_LEN + 64]; /* absolute when it could be resolved */
	bool path_from_fd;	     /* resolved from /proc/<pid>/fd */
	char target[DN_STR]; /* non-path target: "pid 1 (systemd)", "127.0.0.1:80", "CAP_..." */
	struct dn_file file;
	struct dn_proc proc;
	struct dn_sysctl sysctl[4];
	int n_sysctl;
	char lockdown[32]; /* the lockdown level in force, if securityfs says */
	char lsms[128];	   /* /sys/kernel/security/lsm */

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
	/* the fanotify permission listener (enrich_listener(), asked for by attribute through
	 * want_listener): "comm[pid]", "" when none; later = found by a /proc scan */
	bool listener_checked;
	bool listener_later;
	char listener_found[64];

	/* the systemd unit's sandbox (unitprops.c); the directive that denied it is the
	 * verdict's (unit_directive) */
	struct dn_unit unit;
	/* connect/sendto's destination address ("10.0.0.1"), read later from the live process */
	char peer_addr[48];

	/* the tracer's mount namespace, set with hooks_active (EROFS: the process's own or not) */
	unsigned host_mntns;

	/* what the words read from the user and group databases and dpkg (lookup_wanted()) */
	struct dn_lookup lookup;

	/* kernel audit record joined to this denial (audit.c); keep last: H9 */
	struct dn_audit audit;
};

/* attribute: the verdict (cause.c), pure over event and facts. */
struct dn_verdict {
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
	/* what the syscall was trying to do (sc_lookup); si.name is sc_name once read back
	 * through denial_sc() */
	struct sc_info si;
	char sc_name[40];
	struct dac_result dac;	   /* dac_check() */
	struct dac_result dac_obj; /* dac_check_object(): past a blocking walk, when dac.on_walk */
	bool want_listener; /* a rule asked for the fanotify listener that facts do not have yet */
	bool userns_unmapped; /* cause userns: the file's owner is not mapped in its namespace */

	/* EROFS: the read-only mount (rofs.c) */
	struct dn_rofs rofs;
	/* the directive of the systemd unit that denied it (unitmap.c, after the cause):
	 * "SystemCallFilter", its value and the drop-in that relaxes just this
	 * ("[Service]\nSystemCallFilter=mount\n"); every directive that explains the denial,
	 * the deciding one first, in unit_match[] */
	char unit_directive[32];
	char unit_directive_value[DN_U_LIT_LEN];
	char unit_dropin[256];
	struct dn_unit_match unit_match[DN_U_MAX_MATCH];
	int n_unit_match;
	/* systemd-executor made the call while it set the unit up, not the unit's command: the
	 * directive is named, no drop-in is offered */
	bool unit_by_executor;
};

/* explain: the words (diagnose.c, fixes.c). */
struct dn_words {
	char diagnosis[1024];
	char fix[1024];
	char validate[512];
	/* the fix as one exact shell command (object paths single-quoted) an administrator runs
	 * as is, after which the failing action succeeds; "" when the fix is advice (the
	 * program's own policy, how it is started) rather than one host change */
	char fix_command[768];
};

/* fold: the incident this record belongs to (incident.c). */
struct dn_fold {
	uint64_t count;
	uint64_t first_seen_ns; /* realtime */
	uint64_t last_seen_ns;
	uint64_t incident_id;
};

struct denial {
	union {
		struct dn_event event;
		struct dn_event;
	};
	union {
		struct dn_facts facts;
		struct dn_facts;
	};
	union {
		struct dn_verdict verdict;
		struct dn_verdict;
	};
	union {
		struct dn_words words;
		struct dn_words;
	};
	union {
		struct dn_fold fold;
		struct dn_fold;
	};
};

/* The verdict's syscall information, its name pointing into this record. */
static inline struct sc_info denial_sc(const struct denial *d)
{
	struct sc_info si = d->si;

	si.name = d->sc_name;
	return si;
}

/* Append a formatted, short evidence string; silently counts overflow. */
/* The value of a sysctl enrichment read for this denial (d->sysctl[]), or NULL. */
const char *denial_sysctl(const struct denial *d, const char *name);
void denial_add_evidence(struct denial *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

const char *cause_name(enum ep_cause c);
int cause_from_name(const char *s); /* -1 if unknown */

/* Is kernel id @id inside a uid_map/gid_map (struct dn_idmap)? */
bool idmap_has(const struct dn_idmap *m, uint32_t id);

#endif
