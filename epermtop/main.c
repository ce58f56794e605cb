// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* epermtop: a top-like live view of the EPERM/EACCES incidents epermd explains. */
#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <ncurses.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "client.h"
#include "epermd-socket.h"
#include "model.h"
#include "term.h"
#include "view.h"

static volatile sig_atomic_t got_signal;

struct opts {
	const char *socket;
	bool batch;
	long iterations;
	double interval;
	int width;
};

struct app {
	struct opts o;
	struct model m;
	struct view v;
	struct client c;
	bool connected;
	bool dirty;
	double reconnect_at;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void on_signal(int sig)
{
	got_signal = sig;
}

static void on_line(void *ctx, const char *line, size_t len)
{
	struct app *a = ctx;

	model_line(&a->m, line, len, now_s());
	if (!a->v.paused)
		a->dirty = true;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: epermtop [OPTIONS]\n"
		"Live view of the EPERM/EACCES incidents explained by epermd.\n\n"
		"  --socket=PATH     the daemon's socket (default " EPERMD_SOCKET_PATH ")\n"
		"  -b, --batch       print plain-text snapshots instead of the interactive view\n"
		"  -n, --iterations=N  with --batch: print N snapshots and exit (default 1)\n"
		"  -d, --interval=S  seconds between snapshots (default 1)\n"
		"  -s, --sort=KEY    rate, count or recent\n"
		"  -g, --group=KEY   none, process, cause, container or syscall\n"
		"      --filter=TEXT, --cause=CAUSE, --uid=UID, --container=NAME\n"
		"  -w, --width=COLS  batch line width (default 160)\n"
		"  -h, --help\n\n"
		"Keys: ? in the view. Exit status: 0, or 1 when the daemon cannot be reached.\n");
}

/* --sort=NAME (sort) or --group=NAME */
static int sort_or_group(struct app *a, bool sort, const char *name)
{
	int k, max = sort ? SORT__MAX : GROUP__MAX;

	for (k = 0; k < max; k++)
		if (!strcmp(name, sort ? sort_name(k) : group_name(k)))
			break;
	if (k == max) {
		fprintf(stderr, "epermtop: unknown %s '%s'\n", sort ? "sort key" : "grouping",
			name);
		return -EINVAL;
	}
	if (sort)
		a->m.sort = k;
	else
		a->m.group = k;
	return 0;
}

static int parse_args(int argc, char **argv, struct app *a)
{
	static const struct option lo[] = {{"socket", required_argument, NULL, 'S'},
					   {"batch", no_argument, NULL, 'b'},
					   {"iterations", required_argument, NULL, 'n'},
					   {"interval", required_argument, NULL, 'd'},
					   {"sort", required_argument, NULL, 's'},
					   {"group", required_argument, NULL, 'g'},
					   {"filter", required_argument, NULL, 'F'},
					   {"cause", required_argument, NULL, 'c'},
					   {"uid", required_argument, NULL, 'u'},
					   {"container", required_argument, NULL, 'C'},
					   {"width", required_argument, NULL, 'w'},
					   {"help", no_argument, NULL, 'h'},
					   {0}};
	char *end;
	int opt, k;

	a->o.socket = EPERMD_SOCKET_PATH;
	a->o.iterations = 1;
	a->o.interval = 1;
	a->o.width = 160;
	while ((opt = getopt_long(argc, argv, "bn:d:s:g:w:h", lo, NULL)) != -1) {
		switch (opt) {
		case 'S':
			a->o.socket = optarg;
			break;
		case 'b':
			a->o.batch = true;
			break;
		case 'n':
			a->o.iterations = strtol(optarg, &end, 10);
			if (*end || a->o.iterations < 1) {
				fprintf(stderr, "epermtop: -n wants a positive number\n");
				return -EINVAL;
			}
			break;
		case 'd':
			a->o.interval = strtod(optarg, &end);
			if (*end || a->o.interval < 0.1 || a->o.interval > 3600) {
				fprintf(stderr, "epermtop: --interval wants 0.1 to 3600 seconds\n");
				return -EINVAL;
			}
			break;
		case 'w':
			a->o.width = (int)strtol(optarg, &end, 10);
			if (*end || a->o.width < 40 || a->o.width > 1000) {
				fprintf(stderr, "epermtop: --width wants 40 to 1000\n");
				return -EINVAL;
			}
			break;
		case 's':
		case 'g':
			if (sort_or_group(a, opt == 's', optarg))
				return -EINVAL;
			break;
		case 'F':
		case 'c':
		case 'u':
		case 'C':
			k = opt == 'F'	 ? FILT_TEXT
			    : opt == 'c' ? FILT_CAUSE
			    : opt == 'u' ? FILT_UID
					 : FILT_CONTAINER;
			snprintf(a->m.filter[k], sizeof(a->m.filter[k]), "%s", optarg);
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "epermtop: unexpected argument '%s'\n", argv[optind]);
		return -EINVAL;
	}
	return 0;
}

/* Wait for the first line: a daemon that refuses our credentials hangs up without one. */
static int first_contact(struct app *a, char *msg, size_t n)
{
	double deadline = now_s() + 3;
	int r;

	while (!a->c.lines) {
		struct pollfd p = {.fd = a->c.fd, .events = POLLIN};
		double left = deadline - now_s();

		if (left <= 0 || got_signal)
			return 0; /* a slow daemon: go on and wait in the view */
		if (poll(&p, 1, (int)(left * 1000) + 1) < 0 && errno != EINTR)
			return -errno;
		r = client_read(&a->c, on_line, a);
		if (r == -EAGAIN || !r)
			continue;
		if (a->c.lines == 0) {
			client_hint_closed(a->o.socket, msg, n);
			return -EACCES;
		}
	}
	if (a->m.error[0]) {
		char esc[300];

		term_escape(esc, sizeof(esc), a->m.error);
		snprintf(msg, n, "epermtop: the daemon refused the request: %s", esc);
		return -EBUSY;
	}
	return 0;
}

static int run_batch(struct app *a)
{
	double start = now_s(), next_tick = start + 1, next_print = start + a->o.interval;
	long printed = 0;
	int r;

	while (printed < a->o.iterations && !got_signal) {
		struct pollfd p = {.fd = a->c.fd, .events = POLLIN};
		double t = now_s(), wake = next_tick < next_print ? next_tick : next_print;

		if (!printed && a->m.snapshot_done && wake > t)
			wake = t; /* the first snapshot as soon as it is complete */
		if (poll(&p, 1, wake > t ? (int)((wake - t) * 1000) + 1 : 0) < 0 && errno != EINTR)
			return -errno;
		if (p.revents) {
			r = client_read(&a->c, on_line, a);
			if (r && r != -EAGAIN) {
				fprintf(stderr, "epermtop: lost the connection to %s\n",
					a->o.socket);
				return -EPIPE;
			}
		}
		t = now_s();
		if (t >= next_tick) {
			model_tick(&a->m);
			next_tick += 1;
		}
		if (t >= next_print || (!printed && a->m.snapshot_done)) {
			model_rows(&a->m);
			view_batch(stdout, &a->m, t, a->o.width);
			printed++;
			next_print = t + a->o.interval;
		}
	}
	return 0;
}

static void rebuild(struct app *a)
{
	model_rows(&a->m);
	view_follow(&a->m, &a->v);
	a->dirty = true;
}

static void start_prompt(struct app *a, enum filter_key f)
{
	a->v.prompting = true;
	a->v.pfield = f;
	snprintf(a->v.pbuf, sizeof(a->v.pbuf), "%s", a->m.filter[f]);
}

static void prompt_key(struct app *a, int ch)
{
	size_t len = strlen(a->v.pbuf);

	if (ch == KEY_ESCAPE) {
		a->v.prompting = false;
	} else if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
		snprintf(a->m.filter[a->v.pfield], sizeof(a->m.filter[0]), "%s", a->v.pbuf);
		a->v.prompting = false;
		a->v.sel = 0;
		a->v.sel_key[0] = '\0';
		rebuild(a);
	} else if (ch == KEY_BACKSPACE || ch == 127 || ch == 8) {
		if (len)
			a->v.pbuf[len - 1] = '\0';
	} else if (ch >= 0x20 && ch < 0x7f && len + 1 < sizeof(a->v.pbuf)) {
		a->v.pbuf[len] = (char)ch;
		a->v.pbuf[len + 1] = '\0';
	}
}

static void move_sel(struct app *a, long delta)
{
	long sel = (long)a->v.sel + delta;

	if (sel >= (long)a->m.n_rows)
		sel = (long)a->m.n_rows - 1;
	if (sel < 0)
		sel = 0;
	a->v.sel = (unsigned)sel;
	a->v.sel_key[0] = '\0';
	view_follow(&a->m, &a->v);
}

/* a key in the detail or help pane: scrolling, or back to the table */
static void pane_key(struct view *v, int ch)
{
	if (ch == 'q' || ch == KEY_ESCAPE || (ch == '?' && v->pane == PANE_HELP))
		v->pane = PANE_TABLE;
	else if (ch == KEY_UP || ch == 'k')
		v->scroll--;
	else if (ch == KEY_DOWN || ch == 'j')
		v->scroll++;
	else if (ch == KEY_PPAGE)
		v->scroll -= LINES - 3;
	else if (ch == KEY_NPAGE || ch == ' ')
		v->scroll += LINES - 3;
	if (v->scroll < 0)
		v->scroll = 0;
}

/* the table's selection keys; false when ch is not one */
static bool move_key(struct app *a, int ch)
{
	switch (ch) {
	case KEY_UP:
	case 'k':
		move_sel(a, -1);
		return true;
	case KEY_DOWN:
	case 'j':
		move_sel(a, 1);
		return true;
	case KEY_PPAGE:
		move_sel(a, -(long)a->v.page);
		return true;
	case KEY_NPAGE:
		move_sel(a, a->v.page);
		return true;
	case KEY_HOME:
		move_sel(a, -(long)a->m.n_rows);
		return true;
	case KEY_END:
		move_sel(a, a->m.n_rows);
		return true;
	default:
		return false;
	}
}

/* Returns false to quit. */
static bool handle_key(struct app *a, int ch)
{
	struct view *v = &a->v;

	a->dirty = true;
	if (ch == KEY_RESIZE) {
		clear();
		return true;
	}
	if (v->prompting) {
		prompt_key(a, ch);
		return true;
	}
	if (v->pane != PANE_TABLE) {
		pane_key(v, ch);
		return true;
	}
	if (move_key(a, ch))
		return true;
	switch (ch) {
	case 'q':
		return false;
	case '\n':
	case '\r':
	case KEY_ENTER:
		if (a->m.n_rows) {
			v->pane = PANE_DETAIL;
			v->scroll = 0;
		}
		break;
	case 's':
		a->m.sort = (a->m.sort + 1) % SORT__MAX;
		rebuild(a);
		break;
	case 'r':
	case 'c':
	case 'l':
		a->m.sort = ch == 'r' ? SORT_RATE : ch == 'c' ? SORT_COUNT : SORT_RECENT;
		rebuild(a);
		break;
	case 'g':
		a->m.group = (a->m.group + 1) % GROUP__MAX;
		v->sel = 0;
		v->sel_key[0] = '\0';
		rebuild(a);
		break;
	case '/':
		start_prompt(a, FILT_TEXT);
		break;
	case 'f':
		start_prompt(a, FILT_CAUSE);
		break;
	case 'u':
		start_prompt(a, FILT_UID);
		break;
	case 'C':
		start_prompt(a, FILT_CONTAINER);
		break;
	case 'x':
		memset(a->m.filter, 0, sizeof(a->m.filter));
		rebuild(a);
		break;
	case 'p':
		v->paused = !v->paused;
		a->m.frozen = v->paused;
		if (!v->paused)
			rebuild(a);
		break;
	case '?':
		v->pane = PANE_HELP;
		v->scroll = 0;
		break;
	default:
		break;
	}
	return true;
}

static void try_reconnect(struct app *a, double t)
{
	char msg[512];

	if (t < a->reconnect_at)
		return;
	a->reconnect_at = t + 2;
	if (client_connect(&a->c, a->o.socket, "stream", msg, sizeof(msg)))
		return;
	a->connected = true;
	model_reset(&a->m, t);
	a->v.status[0] = '\0';
	rebuild(a);
}

static int run_ui(struct app *a)
{
	double next_tick = now_s() + 1, last_draw = 0;
	bool running = true, key;
	int ch, r;

	rebuild(a);
	while (running && !got_signal) {
		struct pollfd p[2] = {{.fd = 0, .events = POLLIN},
				      {.fd = a->c.fd, .events = POLLIN}};
		double t = now_s();
		int np = a->connected ? 2 : 1;

		if (poll(p, np, 200) < 0 && errno != EINTR)
			return -errno;
		if (a->connected && p[1].revents) {
			r = client_read(&a->c, on_line, a);
			if (r && r != -EAGAIN) {
				client_close(&a->c);
				a->connected = false;
				a->reconnect_at = now_s() + 2;
				snprintf(a->v.status, sizeof(a->v.status),
					 "lost the connection to %s; reconnecting every 2 s "
					 "(q quits)",
					 a->o.socket);
			}
			if (!a->v.paused)
				rebuild(a);
		}
		if (!a->connected)
			try_reconnect(a, now_s());
		key = false;
		while (running && (ch = term_getkey()) != ERR) {
			running = handle_key(a, ch);
			key = true;
		}
		t = now_s();
		if (t >= next_tick) {
			model_tick(&a->m);
			next_tick = t + 1;
			if (!a->v.paused)
				rebuild(a);
			a->dirty = true;
		}
		if (a->dirty && (key || t - last_draw >= 0.2)) {
			view_draw(&a->m, &a->v, t);
			last_draw = t;
			a->dirty = false;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct sigaction sa = {.sa_handler = on_signal};
	struct app *a;
	char msg[1024];
	int err;

	setlocale(LC_ALL, "");
	a = calloc(1, sizeof(*a));
	if (!a)
		return 1;
	model_init(&a->m, now_s());
	a->c.fd = -1;
	err = parse_args(argc, argv, a);
	if (err)
		goto cleanup;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	err = client_connect(&a->c, a->o.socket, "stream", msg, sizeof(msg));
	if (!err)
		err = first_contact(a, msg, sizeof(msg));
	if (err) {
		fprintf(stderr, "%s\n", msg);
		goto cleanup;
	}
	a->connected = true;
	if (a->o.batch) {
		err = run_batch(a);
		goto cleanup;
	}
	if (!isatty(0) || !isatty(1) || term_init()) {
		fprintf(stderr, "epermtop: not a terminal; use --batch for plain text\n");
		err = -ENOTTY;
		goto cleanup;
	}
	err = run_ui(a);
	term_fini();
cleanup:
	client_close(&a->c);
	model_free(&a->m);
	free(a);
	return err ? 1 : 0;
}
