// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "client.h"
#include "json.h"
#include "jsonw.h"

/* The group that may use the socket: the socket's, else its directory's (a 0750 directory
 * hides the socket from the very users who need the name), else the packaged default. */
static void socket_group(const char *path, char *grp, size_t n)
{
	char dir[PATH_MAX], *slash;
	struct group *g;
	struct stat st;

	snprintf(grp, n, "epermd");
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir)
		*slash = '\0';
	if ((stat(path, &st) || st.st_gid == 0) && (!slash || stat(dir, &st) || st.st_gid == 0))
		return;
	g = getgrgid(st.st_gid);
	if (g)
		snprintf(grp, n, "%s", g->gr_name);
}

static const char *user_name(void)
{
	struct passwd *pw = getpwuid(getuid());

	return pw ? pw->pw_name : "USER";
}

void client_hint_closed(const char *path, char *msg, size_t n)
{
	char grp[64];

	socket_group(path, grp, sizeof(grp));
	snprintf(msg, n,
		 "epermtop: the daemon at %s closed the connection: uid %u is not allowed — ask "
		 "an admin to add you to the '%s' group (usermod -aG %s %s) or run as root",
		 path, (unsigned)getuid(), grp, grp, user_name());
}

/* {"cmd":"WORD"} and a newline (docs/socket.md); -ENOSPC when it does not fit */
int request_line(const char *request, char *buf, size_t n)
{
	struct sbuf b;
	struct jw w;

	sb_init(&b, buf, n);
	jw_init(&w, &b);
	jw_obj(&w);
	jw_kstr(&w, "cmd", request);
	jw_end(&w);
	sb_raw(&b, "\n", 1);
	return sb_result(&b);
}

int client_connect(struct client *c, const char *path, const char *request, char *msg, size_t n)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	char grp[64], req[64];
	int err = 0;

	memset(c, 0, sizeof(*c));
	c->fd = -1;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(msg, n, "epermtop: socket path too long: %s", path);
		return -ENAMETOOLONG;
	}
	strcpy(sa.sun_path, path);
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0 || connect(c->fd, (struct sockaddr *)&sa, sizeof(sa))) {
		err = -errno;
		if (err == -ENOENT || err == -ECONNREFUSED) {
			snprintf(msg, n,
				 "epermtop: cannot connect to %s: %s — the epermd daemon is not "
				 "running: start it (systemctl start epermd) or pass --socket=PATH",
				 path, strerror(-err));
		} else if (err == -EACCES || err == -EPERM) {
			socket_group(path, grp, sizeof(grp));
			snprintf(msg, n,
				 "epermtop: cannot connect to %s: permission denied — ask an admin "
				 "to add you to the '%s' group (usermod -aG %s %s) or run as root",
				 path, grp, grp, user_name());
		} else {
			snprintf(msg, n, "epermtop: cannot connect to %s: %s", path,
				 strerror(-err));
		}
		goto cleanup;
	}
	if (request_line(request, req, sizeof(req)) < 0) {
		err = -EINVAL;
		snprintf(msg, n, "epermtop: request too long");
		goto cleanup;
	}
	if (send(c->fd, req, strlen(req), MSG_NOSIGNAL) != (ssize_t)strlen(req)) {
		err = -errno;
		client_hint_closed(path, msg, n);
		goto cleanup;
	}
	if (fcntl(c->fd, F_SETFL, O_NONBLOCK)) {
		err = -errno;
		snprintf(msg, n, "epermtop: fcntl: %s", strerror(-err));
		goto cleanup;
	}
	return 0;
cleanup:
	client_close(c);
	return err;
}

int client_read(struct client *c, void (*fn)(void *ctx, const char *line, size_t len), void *ctx)
{
	char tmp[65536];
	ssize_t n;

	for (int rounds = 0; rounds < 64; rounds++) {
		n = recv(c->fd, tmp, sizeof(tmp), 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno == EAGAIN || errno == EWOULDBLOCK ? -EAGAIN : -errno;
		}
		if (n == 0)
			return -EPIPE;
		for (ssize_t i = 0; i < n;) {
			char *nl = memchr(tmp + i, '\n', n - i);
			size_t chunk = (nl ? nl - tmp : n) - i;

			if (c->skipping) {
				if (nl)
					c->skipping = 0;
			} else if (c->len + chunk > JOBJ_MAX_LINE) {
				c->too_long++;
				c->len = 0;
				c->skipping = !nl;
			} else {
				if (c->len + chunk + 1 > c->cap) {
					size_t cap = (c->len + chunk + 1) * 2;
					char *nb = realloc(c->buf, cap);

					if (!nb)
						return -ENOMEM;
					c->buf = nb;
					c->cap = cap;
				}
				memcpy(c->buf + c->len, tmp + i, chunk);
				c->len += chunk;
				if (nl) {
					c->buf[c->len] = '\0';
					c->lines++;
					fn(ctx, c->buf, c->len);
					c->len = 0;
				}
			}
			i += chunk + (nl ? 1 : 0);
		}
	}
	return 0;
}

void client_close(struct client *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	free(c->buf);
	c->buf = NULL;
	c->len = c->cap = 0;
}
