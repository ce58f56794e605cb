// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The audit reader (see docs/audit.md): a thread that subscribes to the audit netlink multicast
 * group (needs CAP_AUDIT_READ and the initial network namespace; works without auditd), or
 * follows the journal's audit transport (journald collects the records; this is the source
 * under the hardened unit, which has no AF_NETLINK), or /dev/kmsg, where the kernel prints audit
 * records while no auditd is registered, and where lockdown prints its "Lockdown: comm: what is
 * restricted" lines. It parses them (audit_parse.c) and feeds the join (audit_join.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/netlink.h>
#include <poll.h>
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

#define KMSG_BUF      8192
#define JOURNAL_BATCH 256 /* entries per wakeup; more are read on the next, at once */

struct audit {
	struct audit_join *join; /* owned */
	pthread_t thread;
	bool running;
	int nl_fd, kmsg_fd, stop_fd;
	struct ajournal *jr; /* the journal source, or NULL */
	int kick_fd;	     /* a join started waiting: poll the journal on the tick */
	unsigned wait_ms;    /* the source's bound on a join's wait */
	uint64_t lost;	     /* ENOBUFS on the netlink socket */
	char status[320];
};

int audit_new(struct audit **out)
{
	struct audit *a = calloc(1, sizeof(*a));
	int err;

	*out = NULL;
	if (!a)
		return -ENOMEM;
	err = audit_join_new(&a->join);
	if (err) {
		free(a);
		return err;
	}
	a->nl_fd = a->kmsg_fd = a->stop_fd = a->kick_fd = -1;
	a->wait_ms = AUDIT_WAIT_MS;
	audit_putf(a->status, sizeof(a->status), "not started");
	*out = a;
	return 0;
}

struct audit_join *audit_join(struct audit *a)
{
	return a ? a->join : NULL;
}

void audit_free(struct audit *a)
{
	if (!a)
		return;
	audit_stop(a);
	audit_join_free(a->join);
	free(a);
}

static int64_t mono_to_rt(void)
{
	uint64_t m = clock_ns(CLOCK_MONOTONIC);

	return (int64_t)(clock_ns(CLOCK_REALTIME) - m);
}

static void read_netlink(struct audit *a, char *buf)
{
	struct audit_rec r;

	for (int round = 0; round < 64; round++) {
		ssize_t n = recv(a->nl_fd, buf, AUDIT_NL_BUF, MSG_DONTWAIT);
		const char *text;
		size_t len;
		int type;

		if (n < 0) {
			if (errno == ENOBUFS)
				a->lost++;
			return;
		}
		if (audit_nl_record(buf, (size_t)n, &type, &text, &len) == 0 &&
		    audit_parse_record(type, text, len, &r) == 0)
			audit_feed(a->join, &r);
	}
}

static void read_kmsg(struct audit *a, char *buf, bool want_audit)
{
	struct audit_rec r;
	int64_t off = mono_to_rt();

	for (int round = 0; round < 64; round++) {
		ssize_t n = read(a->kmsg_fd, buf, KMSG_BUF - 1);

		if (n < 0 && errno == EPIPE)
			continue; /* overwritten before we read it: go on with the next */
		if (n <= 0)
			return;
		if (audit_parse_kmsg(buf, (size_t)n, want_audit, off, &r) == 0)
			audit_feed(a->join, &r);
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
static int poll_timeout(struct audit *a, bool more)
{
	if (!a->jr)
		return -1;
	if (more)
		return 0;
	if (audit_join_waiters(a->join))
		return AUDIT_JOURNAL_TICK_MS;
	return ajournal_timeout_ms(a->jr);
}

static void *reader_main(void *arg)
{
	struct audit *a = arg;
	char *buf = malloc(AUDIT_NL_BUF > KMSG_BUF ? AUDIT_NL_BUF : KMSG_BUF);
	struct pollfd p[5] = {
	    {.fd = a->stop_fd, .events = POLLIN},
	    {.fd = a->nl_fd, .events = POLLIN},
	    {.fd = a->kmsg_fd, .events = POLLIN},
	    {.fd = a->jr ? ajournal_fd(a->jr) : -1, .events = a->jr ? ajournal_events(a->jr) : 0},
	    {.fd = a->kick_fd, .events = POLLIN},
	};
	bool more = false;

	if (!buf)
		return NULL;
	for (;;) {
		int n = poll(p, 5, poll_timeout(a, more));

		if (n < 0 && errno != EINTR)
			break;
		if (p[0].revents)
			break;
		/* POLLERR: netlink overflow (recv reports ENOBUFS), kmsg overwritten (EPIPE) */
		if (p[1].revents)
			read_netlink(a, buf);
		if (p[2].revents)
			read_kmsg(a, buf, a->nl_fd < 0);
		if (p[4].revents)
			drain(a->kick_fd);
		if (a->jr) {
			int got = ajournal_read(a->jr, JOURNAL_BATCH, mono_to_rt(), a->join);

			more = got >= JOURNAL_BATCH;
			if (got < 0 && got != -EINTR)
				a->lost++;
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

static void close_fds(struct audit *a)
{
	if (a->nl_fd >= 0)
		close(a->nl_fd);
	if (a->kmsg_fd >= 0)
		close(a->kmsg_fd);
	if (a->stop_fd >= 0)
		close(a->stop_fd);
	if (a->kick_fd >= 0)
		close(a->kick_fd);
	ajournal_close(a->jr);
	a->jr = NULL;
	a->nl_fd = a->kmsg_fd = a->stop_fd = a->kick_fd = -1;
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
static int open_sources(struct audit *a, int source)
{
	bool any = source == CONFIG_AUDIT_AUTO;
	int nl = -ENOTCONN, jr = -ENOTCONN, km = -ENOTCONN;

	if (any || source == CONFIG_AUDIT_NETLINK) {
		nl = open_netlink();
		if (nl >= 0) {
			a->nl_fd = nl;
			km = open_kmsg(); /* for Lockdown lines only */
			a->kmsg_fd = km >= 0 ? km : -1;
			audit_putf(a->status, sizeof(a->status), "audit netlink multicast%s",
				   km >= 0 ? " + /dev/kmsg (Lockdown lines)" : "");
			return 0;
		}
	}
	if (any || source == CONFIG_AUDIT_JOURNAL) {
		jr = ajournal_open(&a->jr);
		if (jr >= 0) {
			a->wait_ms = AUDIT_JOURNAL_WAIT_MS;
			audit_putf(a->status, sizeof(a->status), "journal (_TRANSPORT=audit%s)%s%s",
				   ajournal_has_audit(a->jr) ? "" : no_audit_yet,
				   any ? "; audit netlink: " : "", any ? nl_why(nl) : "");
			return 0;
		}
	}
	if (any || source == CONFIG_AUDIT_KMSG) {
		km = open_kmsg();
		if (km >= 0) {
			a->kmsg_fd = km;
			if (any)
				audit_putf(
				    a->status, sizeof(a->status),
				    "/dev/kmsg (audit netlink: %s; journal: %s; records seen only "
				    "while no auditd runs)",
				    nl_why(nl), jr_why(jr));
			else
				audit_putf(a->status, sizeof(a->status),
					   "/dev/kmsg (records seen only while no auditd runs)");
			return 0;
		}
	}
	if (any)
		audit_putf(a->status, sizeof(a->status),
			   "unavailable (audit netlink: %s; journal: %s; /dev/kmsg: %s)",
			   nl_why(nl), jr_why(jr), strerror(-km));
	else
		audit_putf(a->status, sizeof(a->status), "unavailable (audit_source = %s: %s)",
			   source_name[source],
			   source == CONFIG_AUDIT_NETLINK   ? nl_why(nl)
			   : source == CONFIG_AUDIT_JOURNAL ? jr_why(jr)
							    : strerror(-km));
	return source == CONFIG_AUDIT_NETLINK ? nl : source == CONFIG_AUDIT_JOURNAL ? jr : km;
}

int audit_start(struct audit *a, int source)
{
	int err;

	if (a->running)
		return 0;
	if (source < CONFIG_AUDIT_AUTO || source > CONFIG_AUDIT_OFF)
		return -EINVAL;
	a->wait_ms = AUDIT_WAIT_MS;
	if (source == CONFIG_AUDIT_OFF) {
		audit_putf(a->status, sizeof(a->status), "off (audit_source = off)");
		return 0;
	}
	err = open_sources(a, source);
	if (err < 0)
		goto cleanup;
	a->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	a->kick_fd = a->jr ? eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK) : -1;
	if (a->stop_fd < 0 || (a->jr && a->kick_fd < 0)) {
		err = -errno;
		audit_putf(a->status, sizeof(a->status), "unavailable (eventfd: %s)",
			   strerror(-err));
		goto cleanup;
	}
	err = -pthread_create(&a->thread, NULL, reader_main, a);
	if (err) {
		audit_putf(a->status, sizeof(a->status), "unavailable (thread: %s)",
			   strerror(-err));
		goto cleanup;
	}
	a->running = true;
	audit_join_source(a->join, true, a->wait_ms, a->kick_fd);
	return 0;
cleanup:
	close_fds(a);
	return err;
}

void audit_stop(struct audit *a)
{
	uint64_t one = 1;

	if (!a->running)
		return;
	if (write(a->stop_fd, &one, sizeof(one)) != sizeof(one))
		pthread_cancel(a->thread);
	pthread_join(a->thread, NULL);
	a->running = false;
	audit_join_source(a->join, false, a->wait_ms, -1); /* ends every wait */
	close_fds(a);
	audit_putf(a->status, sizeof(a->status), "stopped");
}

const char *audit_status(const struct audit *a)
{
	return a ? a->status : "unavailable (out of memory)";
}
