// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <linux/capability.h>
#include <sys/syscall.h>

#include "unit.h"
#include "epermd.h"
#include "names.h"
#include "sysclass.h" /* syscall_path_arg ... */

TEST(names_syscalls)
{
	CHECK_STR(syscall_name(SYS_read), "read");
	CHECK_STR(syscall_name(SYS_openat), "openat");
	CHECK_STR(syscall_name(SYS_kill), "kill");
	CHECK_STR(syscall_name(SYS_mkdir), "mkdir");
	CHECK(syscall_name(-1) == NULL);
	CHECK(syscall_name(100000) == NULL);
	CHECK(syscall_nr("openat") == SYS_openat);
	CHECK(syscall_nr("execve") == SYS_execve);
	CHECK(syscall_nr("no_such_call") == -1);
	CHECK(syscall_nr(NULL) == -1);
	/* every known number round-trips */
	for (int nr = 0; nr < 1024; nr++) {
		const char *n = syscall_name(nr);

		if (n)
			CHECK(syscall_nr(n) == nr);
	}
}

TEST(names_syscall_args)
{
	CHECK(syscall_path_arg(SYS_open) == 1);
	CHECK(syscall_path_arg(SYS_openat) == 2);
	CHECK(syscall_dirfd_arg(SYS_openat) == 1);
	CHECK(syscall_path_arg(SYS_mkdir) == 1);
	CHECK(syscall_path_arg(SYS_execve) == 1);
	CHECK(syscall_path_arg(SYS_symlink) == 2);
	CHECK(syscall_path_arg(SYS_symlinkat) == 3);
	CHECK(syscall_dirfd_arg(SYS_symlinkat) == 2);
	CHECK(syscall_path_arg(SYS_linkat) == 2);
	CHECK(syscall_path_arg(SYS_rename) == 1);
	CHECK(syscall_path_arg(SYS_mount) == 2);
	CHECK(syscall_path_arg(SYS_fanotify_mark) == 5);
	CHECK(syscall_dirfd_arg(SYS_fanotify_mark) == 4);
	CHECK(syscall_path_arg(SYS_kill) == 0);
	CHECK(syscall_path_arg(SYS_read) == 0);
	CHECK(syscall_fd_arg(SYS_read) == 1);
	CHECK(syscall_fd_arg(SYS_mmap) == 5);
	CHECK(syscall_fd_arg(SYS_fchmod) == 1);
	CHECK(syscall_fd_arg(SYS_openat) == 0);
	CHECK(syscall_path_arg(-1) == 0);
	CHECK(syscall_path_arg(100000) == 0);
	/* the BPF side indexes its path table by nr < EP_NR_MAX with 1..6 */
	for (int nr = 0; nr < EP_NR_MAX; nr++) {
		CHECK(syscall_path_arg(nr) >= 0 && syscall_path_arg(nr) <= 6);
		CHECK(syscall_dirfd_arg(nr) >= 0 && syscall_dirfd_arg(nr) <= 6);
	}
}

TEST(names_errno)
{
	CHECK_STR(errno_name(EPERM), "EPERM");
	CHECK_STR(errno_name(EACCES), "EACCES");
	CHECK_STR(errno_name(ENOENT), "ENOENT");
	CHECK_STR(errno_name(EAGAIN), "EAGAIN");
	CHECK(errno_name(0) == NULL);
	CHECK(errno_name(-1) == NULL);
	CHECK(errno_name(100000) == NULL);
}

TEST(names_caps)
{
	CHECK_STR(cap_name(CAP_CHOWN), "CAP_CHOWN");
	CHECK_STR(cap_name(CAP_KILL), "CAP_KILL");
	CHECK_STR(cap_name(CAP_SYS_ADMIN), "CAP_SYS_ADMIN");
	CHECK(cap_name(-1) == NULL);
	CHECK(cap_name(cap_last() + 1) == NULL);
	CHECK(cap_last() >= CAP_LAST_CAP);
	CHECK(cap_from_name("CAP_KILL") == CAP_KILL);
	CHECK(cap_from_name("kill") == CAP_KILL);
	CHECK(cap_from_name("cap_dac_override") == CAP_DAC_OVERRIDE);
	CHECK(cap_from_name("sys_admin") == CAP_SYS_ADMIN);
	CHECK(cap_from_name("nonsense") == -1);
	CHECK(cap_from_name("") == -1);
	CHECK(cap_from_name(NULL) == -1);
	for (int c = 0; c <= cap_last(); c++) {
		CHECK(cap_name(c) != NULL);
		CHECK(cap_from_name(cap_name(c)) == c);
	}
}

TEST(names_enums)
{
	CHECK_STR(lsm_name(EP_LSM_SELINUX), "selinux");
	CHECK_STR(lsm_name(EP_LSM_LANDLOCK), "landlock");
	CHECK(lsm_name(EP_LSM__MAX) == NULL);
	CHECK(lsm_name(-1) == NULL);
	CHECK_STR(hook_name(EP_HK_CAP_CAPABLE), "cap_capable");
	CHECK_STR(hook_name(EP_HK_SYS_EXIT), "sys_exit");
	CHECK(hook_name(EP_HK__MAX) == NULL);
	CHECK_STR(ev_kind_name(EP_EV_CAP), "cap");
	CHECK_STR(ev_kind_name(EP_EV_SECCOMP), "seccomp");
	CHECK(ev_kind_name(EP_EV__MAX) == NULL);
	/* no hole in any enum table */
	for (int i = 0; i < EP_LSM__MAX; i++)
		CHECK(lsm_name(i) != NULL);
	for (int i = 0; i < EP_HK__MAX; i++)
		CHECK(hook_name(i) != NULL);
	for (int i = 0; i < EP_EV__MAX; i++)
		CHECK(ev_kind_name(i) != NULL);
}

/* syscall_rows.inc: one row per name, each row coherent with itself */
TEST(names_syscall_rows)
{
	const struct sc_row *r, *q;
	size_t i, j, n = 0, native = 0;

	for (i = 0; (r = sc_row_at(i)); i++, n++) {
		CHECK(r->name && r->name[0]);
		for (j = 0; (q = sc_row_at(j)) && j < i; j++)
			CHECK(strcmp(q->name, r->name) != 0);
		CHECK(sc_row_of(r->name) == r);
		CHECK((r->cls == SC_OTHER) == (r->verb == NULL));
		CHECK(r->flags <= 6 && r->path <= 6 && r->dirfd <= 6 && r->fd <= 6);
		CHECK(r->at_nofollow <= 6 && r->at_follow <= 6);
		CHECK(!(r->at_nofollow && r->at_follow));
		CHECK(!r->open_flags || r->flags);
		CHECK(!r->dirfd || r->path || r->fd);
		CHECK(!r->ovr.set || (r->ovr.cap >= 0 && r->ovr.cap <= cap_last()));
		CHECK(!r->ovr.set || r->ovr.err == EP_EPERM || r->ovr.err == EP_EACCES);
		if (syscall_nr(r->name) >= 0)
			native++;
	}
	CHECK(n > 100);
	/* a few rows name calls another architecture has (stime): most are native */
	CHECK(native + 8 > n);
	CHECK(sc_row_of("no_such_call") == NULL && sc_row_of(NULL) == NULL);
	/* the index by number is the table by name */
	for (int nr = -1; nr < 1100; nr++)
		CHECK(sc_row_nr(nr) == sc_row_of(syscall_name(nr)));
}
