// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The local read-only socket (docs/socket.md): one thread, one epoll loop.
 *
 * Security: a pathname socket bound inside a private 0700 directory, chown/chmod'ed and listening
 * before it is renamed into place, so it is never reachable with the wrong mode. Every accepted
 * peer is checked again with SO_PEERCRED/SO_PEERGROUPS (uid 0 or the configured group).
 *
 * Slow clients: server_publish() copies a line once (reference counted) into the bounded queue of
 * each streaming client under s->lock and wakes the thread through an eventfd; a full queue drops
 * and counts, and the client is told with a gap marker as soon as it has room again.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pthread.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "server.h"

#define DEF_MAX_CLIENTS 32
#define DEF_QUEUE	1024
#define DEF_IDLE_S	300
#define REQ_MAX		4096	  /* request bytes without a newline before we hang up */
#define REQ_TIMEOUT_S	10	  /* a client must send its request within this */
#define LINE_MAX_LEN	(1 << 20) /* longer lines are never queued */
#define IOV_BATCH	64
#define MAX_GROUPS	65536

struct msg {
	unsigned refs; /* under s->lock */
	size_t len;    /* including the trailing '\n' */
	char data[];
};

struct slot {
	struct msg *m;
	bool live; /* counts against client_queue */
};

enum cstate {
	C_REQ,	  /* waiting for the request line */
	C_STREAM, /* snapshot sent or queued, then every published line */
	C_FLUSH,  /* snapshot or error queued: close once written */
};

struct client {
	struct client *next;
	int fd;
	enum cstate st;
	pid_t pid;
	uid_t uid;
	bool dead;	/* closed; freed after the current epoll batch */
	bool rd_closed; /* peer half-closed: no more EPOLLIN */
	bool out_armed;
	char req[REQ_MAX];
	size_t req_len;
	size_t extra_in; /* bytes received after the request */
	struct slot *q;
	size_t qcap, qhead, qlen;
	size_t off; /* bytes of the head message already written */
	unsigned n_live;
	uint64_t dropped, missed;
	time_t since;	      /* connect time */
	time_t stalled_since; /* first EAGAIN without progress since; 0 = not stalled */
};

struct server {
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char dir[PATH_MAX];
	gid_t gid;
	bool has_group;
	char group[64];
	unsigned max_clients, client_queue, idle_timeout_s;
	bool world_writable;
	server_snapshot_fn snap;
	void *snap_ctx;

	int lfd, efd, epfd;
	ino_t sock_ino;
	dev_t sock_dev;
	pthread_t thread;
	bool started;
	int stop; /* __atomic: set by server_free */

	pthread_mutex_t lock; /* clients list, queues, stats */
	struct client *clients;
	struct client *graveyard; /* closed, not yet freed (server thread only) */
	unsigned n_clients;
	bool accept_paused; /* out of file descriptors: listening fd taken out of epoll */
	bool path_lost;	    /* the socket path vanished; said once, re-created when possible */
	struct server_stats st;

	/* rate-limited rejection log */
	time_t log_window;
	unsigned log_n, log_suppressed;
};

static void slog(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void slog(const char *fmt, ...)
{
	va_list ap;

	fputs("epermd: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static time_t now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static struct msg *msg_new(const char *json, size_t len)
{
	struct msg *m = malloc(sizeof(*m) + len + 1);

	if (!m)
		return NULL;
	m->refs = 1;
	m->len = len + 1;
	memcpy(m->data, json, len);
	m->data[len] = '\n';
	return m;
}

static void msg_put(struct msg *m)
{
	if (m && --m->refs == 0)
		free(m);
}

/* Queue helpers; the caller holds s->lock (or owns the client exclusively). */
static int q_grow(struct client *c)
{
	size_t ncap = c->qcap ? c->qcap * 2 : 16;
	struct slot *nq = malloc(ncap * sizeof(*nq));

	if (!nq)
		return -ENOMEM;
	for (size_t i = 0; i < c->qlen; i++)
		nq[i] = c->q[(c->qhead + i) % c->qcap];
	free(c->q);
	c->q = nq;
	c->qcap = ncap;
	c->qhead = 0;
	return 0;
}

static int q_push(struct client *c, struct msg *m, bool live)
{
	if (c->qlen == c->qcap && q_grow(c))
		return -ENOMEM;
	c->q[(c->qhead + c->qlen) % c->qcap] = (struct slot){m, live};
	c->qlen++;
	m->refs++;
	if (live)
		c->n_live++;
	return 0;
}

static void q_pop(struct client *c)
{
	struct slot *sl = &c->q[c->qhead];

	if (sl->live)
		c->n_live--;
	msg_put(sl->m);
	c->qhead = (c->qhead + 1) % c->qcap;
	c->qlen--;
	c->off = 0;
}

static int q_push_text(struct client *c, const char *json)
{
	struct msg *m = msg_new(json, strlen(json));
	int err;

	if (!m)
		return -ENOMEM;
	err = q_push(c, m, false);
	msg_put(m);
	return err;
}

static int q_push_gap(struct server *s, struct client *c)
{
	char buf[64];
	struct sbuf b;
	struct jw w;
	int err;

	sb_init(&b, buf, sizeof(buf));
	jw_init(&w, &b);
	jw_obj(&w);
	jw_kstr(&w, "type", "gap");
	jw_ku64(&w, "missed", c->missed);
	jw_end(&w);
	err = q_push_text(c, buf);
	if (!err) {
		c->missed = 0;
		s->st.gaps++;
	}
	return err;
}

static void ep_set(struct server *s, struct client *c)
{
	struct epoll_event ev = {.data.ptr = c};
	bool want_out = c->qlen > 0;

	if (!c->rd_closed)
		ev.events |= EPOLLIN | EPOLLRDHUP;
	if (want_out)
		ev.events |= EPOLLOUT;
	c->out_armed = want_out;
	epoll_ctl(s->epfd, EPOLL_CTL_MOD, c->fd, &ev);
}

/* Caller holds s->lock. */
static void client_close(struct server *s, struct client *c)
{
	struct client **pp;

	for (pp = &s->clients; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	epoll_ctl(s->epfd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	while (c->qlen)
		q_pop(c);
	free(c->q);
	c->q = NULL;
	s->n_clients--;
	if (c->st == C_STREAM)
		s->st.streaming--;
	c->dead = true;
	c->next = s->graveyard;
	s->graveyard = c;
}

static void bury(struct server *s)
{
	struct client *c;

	while ((c = s->graveyard)) {
		s->graveyard = c->next;
		free(c);
	}
}

static void reject_log(struct server *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void reject_log(struct server *s, const char *fmt, ...)
{
	time_t now = now_s();
	va_list ap;

	if (now - s->log_window >= 10) {
		if (s->log_suppressed)
			slog("socket: %u more refused connections not logged", s->log_suppressed);
		s->log_window = now;
		s->log_n = 0;
		s->log_suppressed = 0;
	}
	if (s->log_n >= 5) {
		s->log_suppressed++;
		return;
	}
	s->log_n++;
	fputs("epermd: socket: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static bool user_in_group(uid_t uid, gid_t gid)
{
	struct passwd pw, *res = NULL;
	char buf[4096];
	gid_t groups[256];
	int n = 256;

	if (getpwuid_r(uid, &pw, buf, sizeof(buf), &res) || !res)
		return false;
	if (pw.pw_gid == gid)
		return true;
	if (getgrouplist(pw.pw_name, pw.pw_gid, groups, &n) < 0)
		return false; /* more than 256 groups: refuse rather than guess */
	for (int i = 0; i < n; i++)
		if (groups[i] == gid)
			return true;
	return false;
}

/* SO_PEERCRED is the peer as of connect(); authorise by uid and gids, never by pid. */
static bool peer_allowed(struct server *s, int fd, struct ucred *uc)
{
	socklen_t len = sizeof(*uc);
	gid_t small[64], *gids = small;
	bool ok = false;
	int n;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, uc, &len) || len != sizeof(*uc))
		return false;
	if (uc->uid == 0)
		return true;
	if (!s->has_group)
		return false;
	if (uc->gid == s->gid)
		return true;
	len = sizeof(small);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, gids, &len)) {
		if (errno == ERANGE && len <= MAX_GROUPS * sizeof(gid_t)) {
			gids = malloc(len);
			if (!gids)
				return false;
			if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, gids, &len))
				goto cleanup;
		} else if (errno == ENOPROTOOPT) {
			return user_in_group(uc->uid, s->gid); /* kernel < 4.13 */
		} else {
			return false;
		}
	}
	n = len / sizeof(gid_t);
	for (int i = 0; i < n; i++) {
		if (gids[i] == s->gid) {
			ok = true;
			break;
		}
	}
cleanup:
	if (gids != small)
		free(gids);
	return ok;
}

static void do_accept(struct server *s)
{
	static const char full[] = "{\"type\":\"error\",\"message\":\"too many clients\"}\n";
	struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP};
	struct client *c;
	struct ucred uc;
	int fd;

	for (;;) {
		fd = accept4(s->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE || errno == ENOMEM ||
			    errno == ENOBUFS) {
				/* level-triggered: stop listening for a second, don't spin */
				epoll_ctl(s->epfd, EPOLL_CTL_DEL, s->lfd, NULL);
				s->accept_paused = true;
				reject_log(s, "accept: %s; pausing for a second", strerror(errno));
			}
			return;
		}
		memset(&uc, 0, sizeof(uc));
		if (!peer_allowed(s, fd, &uc)) {
			pthread_mutex_lock(&s->lock);
			s->st.rejected++;
			pthread_mutex_unlock(&s->lock);
			reject_log(s,
				   "refused uid %u gid %u (pid %d): not root and not in group %s",
				   uc.uid, uc.gid, uc.pid, s->has_group ? s->group : "(none)");
			close(fd);
			continue;
		}
		if (s->n_clients >= s->max_clients) {
			pthread_mutex_lock(&s->lock);
			s->st.refused_full++;
			pthread_mutex_unlock(&s->lock);
			if (send(fd, full, sizeof(full) - 1, MSG_DONTWAIT | MSG_NOSIGNAL) < 0) {
				/* best effort */
			}
			reject_log(s, "refused uid %u (pid %d): %u clients already", uc.uid, uc.pid,
				   s->n_clients);
			close(fd);
			continue;
		}
		c = calloc(1, sizeof(*c));
		if (!c) {
			close(fd);
			continue;
		}
		c->fd = fd;
		c->st = C_REQ;
		c->pid = uc.pid;
		c->uid = uc.uid;
		c->since = now_s();
		ev.data.ptr = c;
		if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev)) {
			close(fd);
			free(c);
			continue;
		}
		pthread_mutex_lock(&s->lock);
		c->next = s->clients;
		s->clients = c;
		s->n_clients++;
		s->st.accepted++;
		pthread_mutex_unlock(&s->lock);
	}
}

/* Writes as much as the socket takes. Caller holds s->lock. Returns -1 if c was closed. */
static int client_flush(struct server *s, struct client *c)
{
	struct iovec iov[IOV_BATCH];
	struct msghdr mh = {.msg_iov = iov};
	ssize_t n;
	size_t k;

	for (;;) {
		if (!c->qlen && c->missed && c->st == C_STREAM && q_push_gap(s, c))
			break;
		if (!c->qlen)
			break;
		for (k = 0; k < c->qlen && k < IOV_BATCH; k++) {
			struct msg *m = c->q[(c->qhead + k) % c->qcap].m;

			iov[k].iov_base = m->data + (k ? 0 : c->off);
			iov[k].iov_len = m->len - (k ? 0 : c->off);
		}
		mh.msg_iovlen = k;
		n = sendmsg(c->fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				if (!c->stalled_since)
					c->stalled_since = now_s();
				break;
			}
			client_close(s, c);
			return -1;
		}
		c->stalled_since = 0;
		while (n > 0) {
			size_t left = c->q[c->qhead].m->len - c->off;

			if ((size_t)n < left) {
				c->off += n;
				break;
			}
			n -= left;
			q_pop(c);
		}
	}
	if (!c->qlen && c->st == C_FLUSH) {
		client_close(s, c);
		return -1;
	}
	if (c->out_armed != (c->qlen > 0))
		ep_set(s, c);
	return 0;
}

struct snap_buf {
	struct msg **v;
	size_t n, cap;
	bool oom;
};

static void snap_line(void *lctx, const char *json)
{
	struct snap_buf *b = lctx;
	size_t len = json ? strlen(json) : 0;
	struct msg *m;

	if (!len || len > LINE_MAX_LEN || b->oom)
		return;
	if (b->n == b->cap) {
		size_t ncap = b->cap ? b->cap * 2 : 64;
		struct msg **nv = realloc(b->v, ncap * sizeof(*nv));

		if (!nv) {
			b->oom = true;
			return;
		}
		b->v = nv;
		b->cap = ncap;
	}
	m = msg_new(json, len);
	if (!m) {
		b->oom = true;
		return;
	}
	b->v[b->n++] = m;
}

int server_parse_request(char *req, char *word, size_t wn)
{
	char *p = req, *e;
	size_t len;

	while (*p == ' ' || *p == '\t')
		p++;
	e = p + strlen(p);
	while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	if (*p == '{') {
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (strncmp(p, "\"cmd\"", 5))
			return -EINVAL;
		p += 5;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p++ != ':')
			return -EINVAL;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p++ != '"')
			return -EINVAL;
		e = strchr(p, '"');
		if (!e)
			return -EINVAL;
		*e++ = '\0';
		while (*e == ' ' || *e == '\t')
			e++;
		if (strcmp(e, "}"))
			return -EINVAL;
	}
	len = strlen(p);
	if (!len || len >= wn)
		return -EINVAL;
	for (size_t i = 0; i < len; i++)
		if (p[i] < 'a' || p[i] > 'z')
			return -EINVAL;
	memcpy(word, p, len + 1);
	return 0;
}

/* Caller does not hold s->lock: the snapshot callback takes the daemon's own locks, and
 * server_publish() may be called with those held. */
static int client_request(struct server *s, struct client *c)
{
	struct snap_buf b = {0};
	char word[16];
	const char *err_line = NULL;
	bool stream;
	int ret = 0;

	c->req[c->req_len] = '\0';
	if (server_parse_request(c->req, word, sizeof(word)))
		err_line = "{\"type\":\"error\",\"message\":\"invalid request\"}";
	else if (strcmp(word, "snapshot") && strcmp(word, "stream"))
		err_line = "{\"type\":\"error\",\"message\":\"unknown command\"}";
	if (err_line) {
		pthread_mutex_lock(&s->lock);
		s->st.bad_requests++;
		c->st = C_FLUSH;
		if (q_push_text(c, err_line)) {
			client_close(s, c);
			ret = -1;
		} else {
			ret = client_flush(s, c);
		}
		pthread_mutex_unlock(&s->lock);
		return ret;
	}
	stream = !strcmp(word, "stream");

	/* Subscribe first so nothing published while the snapshot is taken is lost. */
	pthread_mutex_lock(&s->lock);
	c->st = stream ? C_STREAM : C_FLUSH;
	if (stream)
		s->st.streaming++;
	pthread_mutex_unlock(&s->lock);

	if (s->snap)
		s->snap(s->snap_ctx, snap_line, &b);
	snap_line(&b,
		  b.oom ? "{\"type\":\"error\",\"message\":\"snapshot incomplete: out of memory\"}"
			: "{\"type\":\"end\"}");

	pthread_mutex_lock(&s->lock);
	{
		/* snapshot lines, the end marker, then whatever was published meanwhile */
		struct client tmp = {0};
		bool oom = false;

		for (size_t i = 0; i < b.n && !oom; i++)
			oom = q_push(&tmp, b.v[i], false) != 0;
		while (c->qlen && !oom) {
			struct slot sl = c->q[c->qhead];

			oom = q_push(&tmp, sl.m, sl.live) != 0;
			q_pop(c);
		}
		free(c->q);
		c->q = tmp.q;
		c->qcap = tmp.qcap;
		c->qhead = tmp.qhead;
		c->qlen = tmp.qlen;
		c->n_live = tmp.n_live;
		c->off = 0;
		if (oom) {
			client_close(s, c);
			ret = -1;
		} else {
			ret = client_flush(s, c);
		}
	}
	pthread_mutex_unlock(&s->lock);
	for (size_t i = 0; i < b.n; i++)
		msg_put(b.v[i]); /* safe: refs only change under s->lock, and we hold the last */
	free(b.v);
	return ret;
}

/* Called without s->lock. Returns -1 if c was closed. */
static int client_read(struct server *s, struct client *c)
{
	char junk[1024];
	ssize_t n;
	char *nl;

	for (;;) {
		if (c->st == C_REQ) {
			n = recv(c->fd, c->req + c->req_len, REQ_MAX - 1 - c->req_len, 0);
		} else {
			n = recv(c->fd, junk, sizeof(junk), 0);
		}
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			goto drop;
		}
		if (n == 0) {
			if (c->st == C_REQ && c->req_len)
				return client_request(s, c); /* "snapshot" then half-close */
			if (c->st == C_REQ)
				goto drop;
			pthread_mutex_lock(&s->lock);
			c->rd_closed = true;
			ep_set(s, c);
			pthread_mutex_unlock(&s->lock);
			return 0;
		}
		if (c->st != C_REQ) {
			c->extra_in += n;
			if (c->extra_in > REQ_MAX)
				goto bad;
			continue;
		}
		nl = memchr(c->req + c->req_len, '\n', n);
		c->req_len += n;
		if (nl) {
			c->extra_in = c->req + c->req_len - nl - 1;
			*nl = '\0';
			c->req_len = nl - c->req;
			if (memchr(c->req, '\0', c->req_len))
				goto bad;
			if (client_request(s, c))
				return -1;
			continue;
		}
		if (c->req_len >= REQ_MAX - 1)
			goto bad;
	}
bad:
	pthread_mutex_lock(&s->lock);
	s->st.bad_requests++;
	client_close(s, c);
	pthread_mutex_unlock(&s->lock);
	return -1;
drop:
	pthread_mutex_lock(&s->lock);
	client_close(s, c);
	pthread_mutex_unlock(&s->lock);
	return -1;
}

static void check_timeouts(struct server *s)
{
	time_t now = now_s();
	struct client *c, *next;

	if (s->accept_paused) {
		struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &s->lfd};

		if (!epoll_ctl(s->epfd, EPOLL_CTL_ADD, s->lfd, &ev))
			s->accept_paused = false;
	}
	pthread_mutex_lock(&s->lock);
	for (c = s->clients; c; c = next) {
		next = c->next;
		if (c->st == C_REQ && now - c->since >= REQ_TIMEOUT_S) {
			s->st.bad_requests++;
			client_close(s, c);
		} else if (c->stalled_since &&
			   now - c->stalled_since >= (time_t)s->idle_timeout_s &&
			   (c->st != C_STREAM || c->n_live >= s->client_queue)) {
			s->st.slow_disconnects++;
			reject_log(
			    s, "disconnected pid %d uid %u: not reading for %u s (%llu dropped)",
			    c->pid, c->uid, s->idle_timeout_s, (unsigned long long)c->dropped);
			client_close(s, c);
		}
	}
	pthread_mutex_unlock(&s->lock);
}

static int prepare_dir(struct server *s, const char *sock_name);
static int bind_socket(struct server *s);

/*
 * Once a second: is the socket still where clients look for it? A removed path (or its whole
 * directory, e.g. rm -rf /run/epermd) leaves the daemon listening on an unreachable inode, so
 * bind a fresh one the same way as at start and swap it in; connected clients keep streaming.
 * A path that now holds someone else's file is left alone. Said once per loss, once when back.
 */
static void check_path(struct server *s)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &s->lfd};
	int old = s->lfd, err;
	struct stat st;

	if (!stat(s->path, &st))
		return; /* ours, or replaced by something else: not ours to touch */
	if (errno != ENOENT && errno != ENOTDIR)
		return;
	err = prepare_dir(s, strrchr(s->path, '/') + 1);
	if (!err)
		err = bind_socket(s); /* sets s->lfd on success */
	if (err) {
		if (!s->path_lost)
			slog("socket: %s was removed and cannot be re-created (%s); clients cannot "
			     "connect until it can, retrying every second",
			     s->path, strerror(-err));
		s->path_lost = true;
		return;
	}
	if (!s->accept_paused) {
		epoll_ctl(s->epfd, EPOLL_CTL_DEL, old, NULL);
		if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, s->lfd, &ev))
			s->accept_paused = true; /* check_timeouts adds it again */
	}
	close(old);
	slog("socket: %s was removed under the daemon; re-created it (connected clients kept)",
	     s->path);
	s->path_lost = false;
}

static void *server_thread(void *arg)
{
	struct server *s = arg;
	struct epoll_event evs[32];
	time_t last_check = 0;
	uint64_t v;
	int n;

	while (!__atomic_load_n(&s->stop, __ATOMIC_RELAXED)) {
		n = epoll_wait(s->epfd, evs, 32, 1000);
		if (n < 0 && errno != EINTR)
			break;
		for (int i = 0; i < n && !__atomic_load_n(&s->stop, __ATOMIC_RELAXED); i++) {
			void *p = evs[i].data.ptr;
			struct client *c = p;
			uint32_t e = evs[i].events;

			if (p == &s->lfd) {
				do_accept(s);
				continue;
			}
			if (p == &s->efd) {
				if (read(s->efd, &v, sizeof(v)) < 0) {
					/* EAGAIN: already drained */
				}
				pthread_mutex_lock(&s->lock);
				for (struct client *x = s->clients, *nx; x; x = nx) {
					nx = x->next;
					if (x->qlen || x->missed)
						client_flush(s, x);
				}
				pthread_mutex_unlock(&s->lock);
				continue;
			}
			if (c->dead) /* closed earlier in this batch */
				continue;
			if (e & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
				if (client_read(s, c))
					continue;
			}
			if (e & (EPOLLHUP | EPOLLERR)) {
				pthread_mutex_lock(&s->lock);
				client_close(s, c);
				pthread_mutex_unlock(&s->lock);
				continue;
			}
			if (e & EPOLLOUT) {
				pthread_mutex_lock(&s->lock);
				client_flush(s, c);
				pthread_mutex_unlock(&s->lock);
			}
		}
		if (now_s() != last_check) {
			last_check = now_s();
			check_timeouts(s);
			check_path(s);
		}
		bury(s);
	}
	return NULL;
}

void server_publish(struct server *s, const char *json)
{
	size_t len = json ? strlen(json) : 0;
	uint64_t one = 1;
	bool wake = false;
	struct msg *m;

	if (!s || !len || len > LINE_MAX_LEN)
		return;
	m = msg_new(json, len);
	pthread_mutex_lock(&s->lock);
	for (struct client *c = s->clients; c; c = c->next) {
		if (c->st != C_STREAM)
			continue;
		if (!m || c->n_live >= s->client_queue) {
			c->dropped++;
			c->missed++;
			s->st.dropped++;
			continue;
		}
		if (c->missed && q_push_gap(s, c)) {
			c->dropped++;
			c->missed++;
			s->st.dropped++;
			continue;
		}
		if (q_push(c, m, true)) {
			c->dropped++;
			c->missed++;
			s->st.dropped++;
			continue;
		}
		wake = true;
	}
	if (m)
		msg_put(m);
	pthread_mutex_unlock(&s->lock);
	if (wake && write(s->efd, &one, sizeof(one)) < 0) {
		/* EAGAIN: the counter is saturated, the thread is awake anyway */
	}
}

void server_get_stats(struct server *s, struct server_stats *st)
{
	memset(st, 0, sizeof(*st));
	if (!s)
		return;
	pthread_mutex_lock(&s->lock);
	*st = s->st;
	st->clients = s->n_clients;
	pthread_mutex_unlock(&s->lock);
}

void server_stats_json(struct server *s, struct jw *w)
{
	struct server_stats st;
	char drop[96];

	server_get_stats(s, &st);
	jw_ku64(w, "socket_clients", st.clients);
	jw_ku64(w, "socket_streaming", st.streaming);
	jw_ku64(w, "socket_accepted", st.accepted);
	jw_ku64(w, "socket_rejected", st.rejected);
	jw_ku64(w, "socket_refused_full", st.refused_full);
	jw_ku64(w, "socket_bad_requests", st.bad_requests);
	jw_ku64(w, "socket_slow_disconnects", st.slow_disconnects);
	jw_ku64(w, "socket_dropped", st.dropped);
	jw_ku64(w, "socket_gaps", st.gaps);
	jw_key(w, "socket_client_drops");
	jw_arr(w);
	if (s) {
		pthread_mutex_lock(&s->lock);
		for (struct client *c = s->clients; c; c = c->next) {
			if (c->st != C_STREAM)
				continue;
			snprintf(drop, sizeof(drop), "pid=%d uid=%u dropped=%llu", c->pid, c->uid,
				 (unsigned long long)c->dropped);
			jw_str(w, drop);
		}
		pthread_mutex_unlock(&s->lock);
	}
	jw_end(w);
}

static int lookup_group(const char *name, gid_t *gid)
{
	struct group gr, *res = NULL;
	size_t sz = 4096;
	char *buf = NULL;
	int err;

	for (;;) {
		char *nb = realloc(buf, sz);

		if (!nb) {
			err = -ENOMEM;
			goto cleanup;
		}
		buf = nb;
		err = getgrnam_r(name, &gr, buf, sz, &res);
		if (err != ERANGE || sz >= (1 << 20))
			break;
		sz *= 2;
	}
	if (err) {
		err = -err;
		goto cleanup;
	}
	if (!res) {
		err = -ENOENT;
		goto cleanup;
	}
	*gid = gr.gr_gid;
cleanup:
	free(buf);
	return err;
}

/* The directory is ours to manage if we created it or it holds nothing but our own leftovers. */
static bool dir_is_ours(int dfd, const char *sock_name)
{
	DIR *d;
	struct dirent *de;
	bool ours = true;
	int fd = dup(dfd);

	if (fd < 0)
		return false;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return false;
	}
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
		    !strcmp(de->d_name, sock_name) || !strncmp(de->d_name, ".epermd-", 8))
			continue;
		ours = false;
		break;
	}
	closedir(d);
	return ours;
}

static int prepare_dir(struct server *s, const char *sock_name)
{
	bool created = false;
	struct stat st;
	int fd = -1, err = 0;

	if (mkdir(s->dir, 0700) == 0)
		created = true;
	else if (errno != EEXIST) {
		err = -errno;
		slog("cannot create socket directory %s: %s", s->dir, strerror(-err));
		goto cleanup;
	}
	fd = open(s->dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		err = -errno;
		slog("cannot open socket directory %s: %s", s->dir, strerror(-err));
		goto cleanup;
	}
	if (st.st_uid != geteuid() || (st.st_mode & (S_IWGRP | S_IWOTH | S_ISVTX))) {
		err = -EINVAL;
		slog("socket directory %s must be owned by root and writable by root only "
		     "(use a private directory such as /run/epermd)",
		     s->dir);
		goto cleanup;
	}
	if (created || dir_is_ours(fd, sock_name)) {
		mode_t want = s->world_writable ? 0755 : 0750;

		if (s->has_group && st.st_gid != s->gid && fchown(fd, -1, s->gid)) {
			err = -errno;
			slog("cannot give %s to group %s: %s (the daemon needs membership of the "
			     "group or CAP_CHOWN)",
			     s->dir, s->group, strerror(-err));
			goto cleanup;
		}
		/* leave a setgid bit alone (and the mode, when it is already right) */
		if ((st.st_mode & 07777 & ~(mode_t)S_ISGID) != want && fchmod(fd, want)) {
			err = -errno;
			slog("cannot chmod %s: %s", s->dir, strerror(-err));
			goto cleanup;
		}
	} else if (s->has_group && (st.st_mode & 0011) != 0011 && st.st_gid != s->gid) {
		slog("warning: members of %s may not be able to reach %s (directory %s is mode "
		     "%04o); point --socket at a private directory",
		     s->group, s->path, s->dir, (unsigned)(st.st_mode & 07777));
	}
cleanup:
	if (fd >= 0)
		close(fd);
	return err;
}

/* Another daemon still serving the path? */
static bool path_is_live(const struct sockaddr_un *sa)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool live;

	if (fd < 0)
		return false;
	live = connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0;
	close(fd);
	return live;
}

/* The new socket at path (still private): its group, its mode, listening. */
static int sock_setup(struct server *s, int fd, const char *path)
{
	mode_t mode = s->world_writable ? 0666 : s->has_group ? 0660 : 0600;
	struct stat st;
	int err;

	/* Without CAP_CHOWN: the owner may chgrp to a group it is a member of (the unit's
	 * SupplementaryGroups=), and a setgid directory hands the group down by itself. */
	if (s->has_group && (stat(path, &st) || st.st_gid != s->gid) &&
	    chown(path, (uid_t)-1, s->gid)) {
		err = -errno;
		slog("cannot give the socket to group %s: %s (needs membership of the group, "
		     "e.g. SupplementaryGroups=%s, or CAP_CHOWN)",
		     s->group, strerror(-err), s->group);
		return err;
	}
	if (chmod(path, mode)) {
		err = -errno;
		slog("cannot chmod the socket: %s", strerror(-err));
		return err;
	}
	if (listen(fd, 64)) {
		err = -errno;
		slog("listen: %s", strerror(-err));
		return err;
	}
	return 0;
}

static int bind_socket(struct server *s)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct sockaddr_un final = {.sun_family = AF_UNIX};
	char tmpdir[PATH_MAX];
	bool have_tmp = false, have_sock = false;
	struct stat st;
	int fd = -1, err = 0;

	if ((size_t)snprintf(tmpdir, sizeof(tmpdir), "%s/.epermd-XXXXXX", s->dir) >=
		sizeof(tmpdir) ||
	    strlen(tmpdir) + 3 > sizeof(sa.sun_path)) {
		err = -EINVAL;
		slog("socket path %s is too long (the limit is %zu bytes)", s->path,
		     sizeof(sa.sun_path) - 20);
		goto cleanup;
	}
	if (!mkdtemp(tmpdir)) { /* 0700: nobody else can reach what is inside */
		err = -errno;
		slog("cannot create a private directory in %s: %s", s->dir, strerror(-err));
		goto cleanup;
	}
	have_tmp = true;
	if ((size_t)snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/s", tmpdir) >=
	    sizeof(sa.sun_path)) {
		err = -EINVAL;
		goto cleanup;
	}
	memcpy(final.sun_path, s->path, strlen(s->path) + 1);

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		err = -errno;
		slog("cannot bind %s: %s", sa.sun_path, strerror(-err));
		goto cleanup;
	}
	have_sock = true;
	err = sock_setup(s, fd, sa.sun_path);
	if (err)
		goto cleanup;
	if (path_is_live(&final)) {
		err = -EADDRINUSE;
		slog("another daemon is serving %s", s->path);
		goto cleanup;
	}
	if (lstat(s->path, &st) == 0 && !S_ISSOCK(st.st_mode)) {
		err = -EINVAL;
		slog("%s exists and is not a socket; refusing to replace it", s->path);
		goto cleanup;
	}
	if (rename(sa.sun_path, s->path)) {
		err = -errno;
		slog("cannot move the socket to %s: %s", s->path, strerror(-err));
		goto cleanup;
	}
	have_sock = false;
	if (stat(s->path, &st) == 0) {
		s->sock_ino = st.st_ino;
		s->sock_dev = st.st_dev;
	}
	s->lfd = fd;
	fd = -1;
cleanup:
	if (have_sock)
		unlink(sa.sun_path);
	if (have_tmp)
		rmdir(tmpdir);
	if (fd >= 0)
		close(fd);
	return err;
}

/* The group allowed besides root: it must exist (a configuration error otherwise). */
static int set_group(struct server *s, const char *group)
{
	int err;

	if (strlen(group) >= sizeof(s->group)) {
		slog("socket group name '%.64s...' is too long", group);
		return -EINVAL;
	}
	strcpy(s->group, group);
	err = lookup_group(group, &s->gid);
	if (err == -ENOENT) {
		slog("socket group '%s' does not exist: create it (groupadd --system %s) "
		     "or change the socket group setting; refusing to start",
		     group, group);
		return -EINVAL;
	}
	if (err) {
		slog("cannot look up socket group '%s': %s", group, strerror(-err));
		return err;
	}
	s->has_group = true;
	return 0;
}

/* The wakeup eventfd and the epoll set of the listening socket and it. */
static int open_events(struct server *s)
{
	struct epoll_event ev = {.events = EPOLLIN};

	s->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	s->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (s->efd < 0 || s->epfd < 0)
		return -errno;
	ev.data.ptr = &s->lfd;
	if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, s->lfd, &ev))
		return -errno;
	ev.data.ptr = &s->efd;
	if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, s->efd, &ev))
		return -errno;
	return 0;
}

int server_new(const struct server_opts *o, server_snapshot_fn snap, void *ctx, struct server **out)
{
	const char *path = o && o->path ? o->path : EPERMD_SOCKET_PATH;
	const char *env = getenv("EPERMD_SOCKET_TEST_MODE");
	struct server *s;
	char *slash;
	int err;

	*out = NULL;
	if (path[0] != '/' || strlen(path) >= sizeof(s->path) - 20 || !strrchr(path, '/')[1]) {
		slog("socket path '%s' must be absolute and shorter than %zu bytes", path,
		     sizeof(s->path) - 20);
		return -EINVAL;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->lfd = s->efd = s->epfd = -1;
	pthread_mutex_init(&s->lock, NULL);
	memcpy(s->path, path, strlen(path) + 1);
	memcpy(s->dir, path, strlen(path) + 1);
	slash = strrchr(s->dir, '/');
	if (slash == s->dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	s->max_clients = o && o->max_clients ? o->max_clients : DEF_MAX_CLIENTS;
	s->client_queue = o && o->client_queue ? o->client_queue : DEF_QUEUE;
	env = getenv("EPERMD_SOCKET_CLIENT_QUEUE"); /* tests: slow builds fill a queue sooner */
	if (!(o && o->client_queue) && env && atoi(env) > 0 && atoi(env) <= 1 << 20)
		s->client_queue = atoi(env);
	env = getenv("EPERMD_SOCKET_TEST_MODE");
	s->idle_timeout_s = o && o->idle_timeout_s ? o->idle_timeout_s : DEF_IDLE_S;
	s->world_writable = (o && o->test_world_writable) || (env && !strcmp(env, "1"));
	s->snap = snap;
	s->snap_ctx = ctx;

	if (o && o->group && o->group[0]) {
		err = set_group(s, o->group);
		if (err)
			goto cleanup;
	}
	if (s->world_writable)
		slog("warning: socket test mode: %s is mode 0666; only the credential check "
		     "protects it",
		     s->path);

	err = prepare_dir(s, strrchr(path, '/') + 1);
	if (err)
		goto cleanup;
	err = bind_socket(s);
	if (err)
		goto cleanup;
	err = open_events(s);
	if (err)
		goto cleanup;
	*out = s;
	return 0;
cleanup:
	server_free(s);
	return err;
}

int server_start(struct server *s)
{
	int err;

	if (!s || s->started)
		return -EINVAL;
	err = pthread_create(&s->thread, NULL, server_thread, s);
	if (err)
		return -err;
	s->started = true;
	return 0;
}

void server_free(struct server *s)
{
	uint64_t one = 1;
	struct stat st;

	if (!s)
		return;
	if (s->started) {
		__atomic_store_n(&s->stop, 1, __ATOMIC_RELAXED);
		if (write(s->efd, &one, sizeof(one)) < 0) {
			/* the 1 s epoll timeout notices stop anyway */
		}
		pthread_join(s->thread, NULL);
	}
	pthread_mutex_lock(&s->lock);
	while (s->clients)
		client_close(s, s->clients);
	bury(s);
	pthread_mutex_unlock(&s->lock);
	if (s->lfd >= 0) {
		/* remove the path only if it is still ours, not a successor's */
		if (stat(s->path, &st) == 0 && st.st_ino == s->sock_ino && st.st_dev == s->sock_dev)
			unlink(s->path);
		close(s->lfd);
	}
	if (s->efd >= 0)
		close(s->efd);
	if (s->epfd >= 0)
		close(s->epfd);
	pthread_mutex_destroy(&s->lock);
	free(s);
}
