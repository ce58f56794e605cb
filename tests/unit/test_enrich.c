// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "enrich.h"
#include "fileinfo.h"
#include "names.h"
#include "procinfo.h"
#include "sysclass.h" /* syscall_fd_arg */
#include "unit.h"

TEST(enrich_container_ids)
{
	char id[128], rt[16];
	static const char *const hex =
	    "3f1c2b4a5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7a8";
	char cg[512];

	snprintf(cg, sizeof(cg), "/system.slice/docker-%s.scope", hex);
	cgroup_container(cg, id, sizeof(id), rt, sizeof(rt));
	CHECK_STR(id, "docker:3f1c2b4a5d6e");
	CHECK_STR(rt, "docker");

	snprintf(cg, sizeof(cg), "/docker/%s", hex);
	cgroup_container(cg, id, sizeof(id), rt, sizeof(rt));
	CHECK_STR(id, "docker:3f1c2b4a5d6e");

	snprintf(cg, sizeof(cg),
		 "/kubepods.slice/kubepods-burstable.slice/"
		 "kubepods-burstable-pod1b2c3d4e_5f60_7182_93a4_b5c6d7e8f901.slice/"
		 "cri-containerd-%s.scope",
		 hex);
	cgroup_container(cg, id, sizeof(id), rt, sizeof(rt));
	CHECK_STR(id, "containerd:3f1c2b4a5d6e");
	CHECK_STR(rt, "containerd");

	cgroup_container("/kubepods.slice/kubepods-besteffort.slice/"
			 "kubepods-besteffort-pod1b2c3d4e_5f60_7182_93a4_b5c6d7e8f901.slice",
			 id, sizeof(id), rt, sizeof(rt));
	CHECK_STR(id, "k8s:1b2c3d4e-5f60-7182-93a4-b5c6d7e8f901");
	CHECK_STR(rt, "kubernetes");

	cgroup_container("/kubepods/burstable/pod1b2c3d4e-5f60-7182-93a4-b5c6d7e8f901/", id,
			 sizeof(id), rt, sizeof(rt));
	CHECK_STR(id, "k8s:1b2c3d4e-5f60-7182-93a4-b5c6d7e8f901");

	snprintf(cg, sizeof(cg), "/machine.slice/libpod-%s.scope/container", hex);
	cgroup_container(cg, id, sizeof(id), rt, sizeof(rt));
	CHECK_STR(id, "podman:3f1c2b4a5d6e");

	snprintf(cg, sizeof(cg), "/machine.slice/crio-%s.scope", hex);
	cgroup_container(cg, id, sizeof(id), rt, sizeof(rt));
	CHECK_STR(id, "crio:3f1c2b4a5d6e");

	/* not containers */
	cgroup_container("/system.slice/docker.service", id, sizeof(id), rt, sizeof(rt));
	CHECK_STR(id, "");
	cgroup_container("/user.slice/user-1000.slice/session-2.scope", id, sizeof(id), rt,
			 sizeof(rt));
	CHECK_STR(id, "");
	cgroup_container("/system.slice/docker-nothex.scope", id, sizeof(id), rt, sizeof(rt));
	CHECK_STR(id, "");
	cgroup_container("/lxc.payload.web1/init.scope", id, sizeof(id), rt, sizeof(rt));
	CHECK_STR(id, "lxc:web1");
}

TEST(enrich_cgroup_unit)
{
	char u[128], cg[256];

	cgroup_unit("/system.slice/nginx.service", u, sizeof(u));
	CHECK_STR(u, "nginx.service");
	cgroup_unit("/user.slice/user-1000.slice/user@1000.service/app.slice/foo.service", u,
		    sizeof(u));
	CHECK_STR(u, "foo.service");
	cgroup_unit("/user.slice/user-1000.slice/session-3.scope", u, sizeof(u));
	CHECK_STR(u, "session-3.scope");
	cgroup_unit("/", u, sizeof(u));
	CHECK_STR(u, "");
	cgroup_unit("/init.scope/x.servicex", u, sizeof(u));
	CHECK_STR(u, "init.scope");
	CHECK(cgroup_v2_path("12:pids:/x\n0::/system.slice/a.service\n", cg, sizeof(cg)) == 0);
	CHECK_STR(cg, "/system.slice/a.service");
	CHECK(cgroup_v2_path("1:name=systemd:/x\n", cg, sizeof(cg)) < 0);
}

static const char status_text[] = "Name:\tcat\n"
				  "Umask:\t0022\n"
				  "State:\tR (running)\n"
				  "PPid:\t812\n"
				  "Uid:\t65534\t65534\t65534\t65534\n"
				  "Gid:\t65534\t65534\t65534\t65533\n"
				  "Groups:\t4 24 27 \n"
				  "CapInh:\t0000000000000000\n"
				  "CapPrm:\t0000000000000000\n"
				  "CapEff:\t0000000000000400\n"
				  "CapBnd:\t000001ffffffffff\n"
				  "CapAmb:\t0000000000000000\n"
				  "NoNewPrivs:\t1\n"
				  "Seccomp:\t2\n"
				  "Seccomp_filters:\t3\n";

TEST(enrich_status_parse)
{
	struct dn_proc p = {0};

	CHECK(proc_parse_status(status_text, &p) == 0);
	CHECK(p.ruid == 65534 && p.euid == 65534 && p.suid == 65534 && p.fsuid == 65534);
	CHECK(p.rgid == 65534 && p.fsgid == 65533);
	CHECK(p.ngroups == 3 && p.groups[0] == 4 && p.groups[2] == 27);
	CHECK(p.cap_eff == 0x400);
	CHECK(p.cap_bnd == 0x1ffffffffffULL);
	CHECK(p.cap_prm == 0 && p.cap_amb == 0);
	CHECK(p.no_new_privs == 1);
	CHECK(p.seccomp_mode == 2);
	CHECK(p.seccomp_filters == 3);

	memset(&p, 0, sizeof(p));
	CHECK(proc_parse_status("Name:\tx\nUid:\tgarbage\n", &p) < 0);
	CHECK(p.seccomp_mode == -1 && p.no_new_privs == -1);
}

static const char mountinfo_text[] =
    "22 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw,errors=remount-ro\n"
    "23 22 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw\n"
    "30 22 0:25 / /tmp rw,nosuid,nodev shared:5 - tmpfs tmpfs rw,size=1g\n"
    "31 22 254:2 / /srv/data ro,nosuid,noexec - xfs /dev/vdb ro\n"
    "32 22 0:26 / /srv/dat rw - tmpfs tmpfs rw\n"
    "33 22 0:27 / /mnt/with\\040space rw,nodev - tmpfs tmpfs rw\n"
    "34 30 0:28 / /tmp rw,noexec - tmpfs tmpfs rw\n"
    "35 22 0:29 / /media/f rw - fuse.sshfs host:/ rw\n";

/* The kernel's object was on a tmpfs unmounted right after the denial: the path now falls to
 * the mount below ("/"), which must not be named as the object's mount. */
TEST(enrich_mountinfo_check_dev)
{
	static const char mi_big[] = "22 1 254:1 / / rw - ext4 /dev/vda1 rw\n"
				     "40 22 0:300 / /big rw,noexec - tmpfs tmpfs rw\n";
	struct dn_file f;

	memset(&f, 0, sizeof(f));
	CHECK(mountinfo_lookup(mountinfo_text, "/tmp/a.sh", 0, &f) == 0);
	mountinfo_check_dev(&f, 28); /* new_encode_dev(0:28): the stacked /tmp */
	CHECK(!f.mount_gone);
	CHECK_STR(f.mount_point, "/tmp");

	memset(&f, 0, sizeof(f));
	CHECK(mountinfo_lookup(mountinfo_text, "/gone/t", 0, &f) == 0);
	CHECK_STR(f.mount_point, "/");
	mountinfo_check_dev(&f, 57); /* 0:57, no longer mounted */
	CHECK(f.mount_gone);
	CHECK_STR(f.mount_point, "");
	CHECK_STR(f.fstype, "");
	CHECK(major(f.obj_dev) == 0 && minor(f.obj_dev) == 57);

	memset(&f, 0, sizeof(f));
	CHECK(mountinfo_lookup(mountinfo_text, "/srv/data/x", 0, &f) == 0);
	mountinfo_check_dev(&f, (254u << 8) | 2); /* 254:2 */
	CHECK(!f.mount_gone);
	CHECK_STR(f.mount_point, "/srv/data");

	/* a minor above 255: new_encode_dev puts its high bits above the major */
	memset(&f, 0, sizeof(f));
	CHECK(mountinfo_lookup(mi_big, "/big/t", 0, &f) == 0);
	mountinfo_check_dev(&f, (300u & 0xff) | ((300u & ~0xffu) << 12));
	CHECK(!f.mount_gone);
	CHECK_STR(f.mount_point, "/big");

	/* no kernel device (0): nothing to compare */
	mountinfo_check_dev(&f, 0);
	CHECK(!f.mount_gone);
}

TEST(enrich_idmap_parse)
{
	struct dn_idmap m;

	CHECK(proc_parse_idmap("         0      65534          1\n", &m) == 0);
	CHECK(m.n == 1 && idmap_has(&m, 65534) && !idmap_has(&m, 0) && !idmap_has(&m, 65535));
	CHECK(proc_parse_idmap("0 100000 65536\n65536 1000 1\n", &m) == 0);
	CHECK(m.n == 2 && idmap_has(&m, 165535) && !idmap_has(&m, 165536) && idmap_has(&m, 1000));
	CHECK(proc_parse_idmap("0 4294967295 1\n", &m) == 0 && idmap_has(&m, 4294967295u));
	CHECK(proc_parse_idmap("x\n", &m) == -EINVAL);
	CHECK(proc_parse_idmap("0 1 0\n", &m) == -EINVAL);
	CHECK(proc_parse_idmap("", &m) == 0 && m.n == 0 && !idmap_has(&m, 0));
}

TEST(enrich_mountinfo_longest_prefix)
{
	struct dn_file f;

	memset(&f, 0, sizeof(f));
	CHECK(mountinfo_lookup(mountinfo_text, "/etc/shadow", 0, &f) == 0);
	CHECK_STR(f.mount_point, "/");
	CHECK_STR(f.fstype, "ext4");
	CHECK(!f.mnt_noexec && !f.mnt_ro);

	memset(&f, 0, sizeof(f));
	CHECK(mountinfo_lookup(mountinfo_text, "/srv/data/x/y", 0, &f) == 0);
	CHECK_STR(f.mount_point, "/srv/data");
	CHECK_STR(f.mount_opts, "ro,nosuid,noexec");
	CHECK(f.mnt_ro && f.mnt_nosuid && f.mnt_noexec && !f.mnt_nodev);

	/* "/srv/dat" is not a prefix of "/srv/data" component-wise, but is of itself */
	memset(&f, 0, sizeof(f));
	CHECK(mountinfo_lookup(mountinfo_text, "/srv/dat", 0, &f) == 0);
	CHECK_STR(f.mount_point, "/srv/dat");
	memset(&f, 0, sizeof(f));
	CHECK(mountinfo_lookup(mountinfo_text, "/srv/datum", 0, &f) == 0);
	CHECK_STR(f.mount_point, "/");

	/* stacked: the later /tmp mount is on top */
	memset(&f, 0, sizeof(f));
	CHECK(mountinfo_lookup(mountinfo_text, "/tmp/a.sh", 0, &f) == 0);
	CHECK(f.mnt_noexec && !f.mnt_nosuid);

	memset(&f, 0, sizeof(f));
	CHECK(mountinfo_lookup(mountinfo_text, "/mnt/with space/f", 0, &f) == 0);
	CHECK_STR(f.mount_point, "/mnt/with space");
	CHECK(f.mnt_nodev);

	/* by mount id (statx), whatever the string says */
	memset(&f, 0, sizeof(f));
	CHECK(mountinfo_lookup(mountinfo_text, "/whatever", 23, &f) == 0);
	CHECK_STR(f.mount_point, "/proc");
	CHECK(fs_may_block("fuse.sshfs") && fs_may_block("nfs4") && fs_may_block("fuseblk"));
	CHECK(!fs_may_block("ext4") && !fs_may_block("tmpfs") && !fs_may_block("nfsd"));
	CHECK(mountinfo_lookup("", "/x", 0, &f) < 0);
}

TEST(enrich_acl_xattr)
{
	/* version 2; user_obj rw-, user 1000 r--, group_obj r--, mask r--, other --- */
	static const uint8_t x[] = {
	    2, 0,    0,	   0,	 1,    0,    6,	   0, 0xff, 0xff, 0xff, 0xff, 2,    0,	  4,
	    0, 0xe8, 3,	   0,	 0,    4,    0,	   4, 0,    0xff, 0xff, 0xff, 0xff, 0x10, 0,
	    4, 0,    0xff, 0xff, 0xff, 0xff, 0x20, 0, 0,    0,	  0xff, 0xff, 0xff, 0xff};
	char out[256];

	CHECK(acl_xattr_to_text(x, sizeof(x), out, sizeof(out)) == 1);
	CHECK_STR(out, "user:1000:r--,mask::r--");
	CHECK(acl_xattr_to_text(x, 4 + 8, out, sizeof(out)) == 0);
	CHECK(acl_xattr_to_text(x, 7, out, sizeof(out)) < 0);
	CHECK(acl_xattr_to_text("\1\0\0\0", 4, out, sizeof(out)) < 0);
}

TEST(enrich_path_join)
{
	char out[128];

	path_join("/home/u", "a/b", out, sizeof(out));
	CHECK_STR(out, "/home/u/a/b");
	path_join("/", "x", out, sizeof(out));
	CHECK_STR(out, "/x");
	path_join("/d/", "./x", out, sizeof(out));
	CHECK_STR(out, "/d/x");
	path_join("/d", ".", out, sizeof(out));
	CHECK_STR(out, "/d");
	path_join("/d", "/abs", out, sizeof(out));
	CHECK_STR(out, "/abs");
}

/* A live denial of this very process: relative path against cwd, parent directory. */
TEST(enrich_live_self)
{
	char dir[] = "/tmp/epermd-enrich-XXXXXX", old[512];
	struct denial *d = calloc(1, sizeof(*d));
	int fd, nr = syscall_nr("openat");

	if (!d || !mkdtemp(dir) || !getcwd(old, sizeof(old)) || nr < 0) {
		CHECK(0);
		free(d);
		return;
	}
	CHECK(chdir(dir) == 0);
	fd = open("secret", O_CREAT | O_WRONLY, 0640);
	CHECK(fd >= 0);
	fchmod(fd, 0640);
	close(fd);
	CHECK(chmod(dir, 01777) == 0);

	d->ev.pid = (unsigned)getpid();
	d->ev.ppid = (unsigned)getppid();
	d->ev.syscall_nr = nr;
	d->ev.args[0] = (unsigned long long)(long long)AT_FDCWD;
	d->ev.args[2] = O_RDWR | O_CREAT;
	d->ev.path_arg = 2;
	snprintf(d->ev.path, sizeof(d->ev.path), "secret");
	enrich_denial(NULL, d);
	CHECK(d->proc.valid);
	CHECK(d->proc.exe[0] == '/');
	CHECK(d->proc.euid == geteuid());
	CHECK(strstr(d->path, dir) == d->path);
	CHECK_CONTAINS(d->path, "/secret");
	CHECK(d->file.valid);
	CHECK((d->file.mode & 07777) == 0640);
	CHECK(d->file.uid == geteuid());
	CHECK(d->file.parent_valid && d->file.parent_sticky);
	CHECK_STR(d->file.mount_point[0] ? "ok" : "", "ok");
	CHECK(d->n_sysctl >= 1);

	/* fd-based: fchmod(fd) resolves through /proc/<pid>/fd */
	memset(d, 0, sizeof(*d));
	fd = open("secret", O_RDONLY);
	d->ev.pid = (unsigned)getpid();
	d->ev.syscall_nr = syscall_nr("fchmod");
	d->ev.args[0] = (unsigned)fd;
	enrich_denial(NULL, d);
	if (syscall_fd_arg(d->ev.syscall_nr) == 1) {
		CHECK(d->path_from_fd);
		CHECK_CONTAINS(d->path, "/secret");
		CHECK(d->file.valid && (d->file.mode & 07777) == 0640);
	}
	close(fd);

	/* kill target */
	memset(d, 0, sizeof(*d));
	d->ev.pid = (unsigned)getpid();
	d->ev.syscall_nr = syscall_nr("kill");
	d->ev.args[0] = 1;
	enrich_denial(NULL, d);
	CHECK_CONTAINS(d->target, "pid 1");

	unlink("secret");
	CHECK(chdir(old) == 0);
	rmdir(dir);
	free(d);
}

/* The kernel's inode facts replace what stat() saw later, and the marks say which is which. */
TEST(enrich_facts_at_denial)
{
	static struct denial d;

	/* absent: what enrichment stat()ed is "later" */
	memset(&d, 0, sizeof(d));
	d.file.valid = d.file.flags_valid = true;
	d.file.mode = S_IFREG | 0644;
	d.file.immutable = true;
	snprintf(d.file.mount_point, sizeof(d.file.mount_point), "/");
	file_apply_facts(&d);
	CHECK(d.facts_later == (DN_FACT_FILE | DN_FACT_FLAGS | DN_FACT_MOUNT));
	CHECK(d.facts_at_denial == 0);
	CHECK(d.file.immutable);
	/* present (file_from_kernel took the object from ev.obj): at the denial; the parent
	 * was sticky */
	memset(&d, 0, sizeof(d));
	d.file.valid = d.file.flags_valid = d.file.from_kernel = true;
	d.ev.facts = EP_FACT_OBJ | EP_FACT_PARENT | EP_FACT_BASE;
	d.ev.base.mode = S_IFDIR | 01777;
	d.ev.base.uid = 0;
	file_apply_facts(&d);
	CHECK(d.facts_at_denial == (DN_FACT_FILE | DN_FACT_FLAGS | DN_FACT_MOUNT | DN_FACT_BASE));
	CHECK(d.facts_later == 0);
	CHECK(d.file.parent_valid && d.file.parent_sticky);
	/* a negative parent is no parent */
	memset(&d, 0, sizeof(d));
	d.ev.facts = EP_FACT_PARENT;
	d.ev.base.flags = EP_IF_NEGATIVE;
	file_apply_facts(&d);
	CHECK(!d.file.parent_valid && d.facts_at_denial == 0);
}

/* A device node on a nodev mount: enrich names the /dev node of the same device (the fix
 * bind-mounts it; explain does no I/O). /dev/null is 1:3 on every Linux host. */
TEST(enrich_dev_name_nodev)
{
	static struct denial d;

	memset(&d, 0, sizeof(d));
	d.file.valid = d.file.mnt_nodev = true;
	d.file.mode = S_IFCHR | 0666;
	d.file.rdev = makedev(1, 3);
	file_apply_facts(&d);
	CHECK_STR(d.file.dev_name, "/dev/null");
	/* on a mount that allows devices nothing is read: no fix needs it */
	memset(&d, 0, sizeof(d));
	d.file.valid = true;
	d.file.mode = S_IFCHR | 0666;
	d.file.rdev = makedev(1, 3);
	file_apply_facts(&d);
	CHECK_STR(d.file.dev_name, "");
	/* not a device node */
	memset(&d, 0, sizeof(d));
	d.file.valid = d.file.mnt_nodev = true;
	d.file.mode = S_IFREG | 0644;
	file_apply_facts(&d);
	CHECK_STR(d.file.dev_name, "");
}

/* The lookups the words read (lookup.c): only the wanted ones, from the real databases. */
TEST(enrich_wanted_lookups)
{
	static struct denial d;
	struct enrich_cache *c;

	CHECK(enrich_cache_new(&c) == 0);
	memset(&d, 0, sizeof(d));
	d.proc.valid = true;
	d.proc.fsuid = 0;
	d.file.valid = true;
	d.file.gid = 0;
	snprintf(d.proc.exe, sizeof(d.proc.exe), "/usr/bin/kill");
	enrich_wanted(c, &d, 0); /* nothing wanted, nothing looked up */
	CHECK(!d.lookup.done && !d.lookup.fsuid_passwd && !d.lookup.group[0]);
	CHECK(!d.lookup.exe_general);
	enrich_wanted(c, &d, DN_WANT_USER | DN_WANT_GROUP | DN_WANT_EXE);
	CHECK(d.lookup.done == (DN_WANT_USER | DN_WANT_GROUP | DN_WANT_EXE));
	CHECK(d.lookup.fsuid_passwd); /* root has a passwd entry */
	CHECK(d.lookup.gid == 0);
	CHECK_STR(d.lookup.group, "root");
	CHECK(d.lookup.exe_general);
	/* no passwd entry, no such group; the file not examined: the kernel's DAC evidence */
	memset(&d, 0, sizeof(d));
	d.proc.valid = true;
	d.proc.fsuid = 3999999;
	d.ev.n_ev = 1;
	d.ev.ev[0].kind = EP_EV_DAC;
	d.ev.ev[0].a[3] = 3999998;
	snprintf(d.proc.exe, sizeof(d.proc.exe), "/usr/local/sbin/appd");
	enrich_wanted(c, &d, DN_WANT_USER | DN_WANT_GROUP | DN_WANT_EXE);
	CHECK(!d.lookup.fsuid_passwd);
	CHECK(d.lookup.gid == 3999998);
	CHECK_STR(d.lookup.group, "");
	CHECK(!d.lookup.exe_general);
	enrich_cache_free(c);
}

/* bind()'s port as the kernel read it at the exit (EP_FACT_PORT): known when the caller is gone
 * (a cgroup BPF program such as systemd's SocketBindDeny= refuses before __inet_bind()) */
TEST(enrich_bind_port_from_the_kernel)
{
	static struct denial d;

	memset(&d, 0, sizeof(d));
	d.ev.pid = 0x3ffffff0; /* no such process */
	d.ev.syscall_nr = syscall_nr("bind");
	d.ev.args[0] = 3;
	d.ev.args[2] = 16;
	d.ev.facts = EP_FACT_PORT;
	d.ev.bind_port = 8089;
	enrich_denial(NULL, &d);
	CHECK(!d.proc.valid);
	CHECK(d.bind_port == 8089);
	CHECK_STR(d.target, "port 8089");
	CHECK(d.facts_at_denial & DN_FACT_ARGS);
	/* without the fact: nothing to read from a gone process */
	memset(&d, 0, sizeof(d));
	d.ev.pid = 0x3ffffff0;
	d.ev.syscall_nr = syscall_nr("bind");
	d.ev.args[0] = 3;
	d.ev.bind_port = 8089; /* stale, not marked */
	enrich_denial(NULL, &d);
	CHECK(d.bind_port == 0);
	CHECK_STR(d.target, "socket fd 3");
}

/* the process executed another program after the denial (systemd-executor, then the unit's
 * command): the record names the one that made the call, the kernel's */
TEST(enrich_exe_replaced_since_the_denial)
{
	static const char *const comps[] = {"systemd-executor", "systemd", "lib", "usr"};
	static struct denial d;
	char self[256];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	CHECK(n > 0);
	self[n > 0 ? n : 0] = '\0';
	memset(&d, 0, sizeof(d));
	d.ev.pid = (unsigned)getpid();
	d.ev.syscall_nr = syscall_nr("getpid");
	d.ev.facts = EP_FACT_EXE;
	d.ev.exe_depth = 4;
	for (int i = 0; i < 4; i++)
		snprintf(d.ev.exe_comp[i], EP_EXE_COMP_LEN, "%s", comps[i]);
	enrich_denial(NULL, &d);
	CHECK_STR(d.proc.exe, "/usr/lib/systemd/systemd-executor");
	CHECK_CONTAINS(d.evidence[0], "executed it after the denial");
	/* the same program: /proc's path stays */
	memset(&d, 0, sizeof(d));
	d.ev.pid = (unsigned)getpid();
	d.ev.syscall_nr = syscall_nr("getpid");
	d.ev.facts = EP_FACT_EXE;
	d.ev.exe_depth = 1;
	snprintf(d.ev.exe_comp[0], EP_EXE_COMP_LEN, "%s", strrchr(self, '/') + 1);
	enrich_denial(NULL, &d);
	CHECK_STR(d.proc.exe, self);
	CHECK(d.n_evidence == 0);
}
