// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <ncurses.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "term.h"
#include "view.h"

#define HEADER_ROWS 3

enum col {
	COL_GROUP,
	COL_N,
	COL_RATE,
	COL_COUNT,
	COL_CAUSE,
	COL_DETAIL,
	COL_COMM,
	COL_EXE,
	COL_UID,
	COL_SYSCALL,
	COL_TARGET,
	COL_CONTAINER,
	COL_LAST,
	COL__MAX
};

static const char *const col_title[COL__MAX] = {"GROUP",  "N",	       "RATE/s", "COUNT", "CAUSE",
						"DETAIL", "COMM",      "EXE",	 "UID",	  "SYSCALL",
						"TARGET", "CONTAINER", "LAST"};

/* Column widths for a screen width; 0 hides a column. */
static void layout(int width, bool grouped, int w[COL__MAX])
{
	static const int fixed[COL__MAX] = {
	    [COL_RATE] = 7,	[COL_COUNT] = 8,      [COL_CAUSE] = 10,
	    [COL_DETAIL] = 20,	[COL_COMM] = 15,      [COL_UID] = 6,
	    [COL_SYSCALL] = 13, [COL_CONTAINER] = 16, [COL_LAST] = 5};
	int used = 0, flex;

	memcpy(w, fixed, sizeof(fixed));
	if (grouped) {
		w[COL_GROUP] = 24;
		w[COL_N] = 4;
	}
	for (int c = 0; c < COL__MAX; c++)
		used += w[c] ? w[c] + 1 : 0;
	flex = width - used;
	if (flex < 40) {
		flex += w[COL_CONTAINER] + 1;
		w[COL_CONTAINER] = 0;
	}
	if (flex < 30) {
		flex += w[COL_DETAIL] + 1 - 12;
		w[COL_DETAIL] = 11;
	}
	if (flex < 30) {
		w[COL_EXE] = 0;
		w[COL_TARGET] = flex > 8 ? flex : 8;
		return;
	}
	w[COL_EXE] = (flex - 2) * 2 / 5;
	w[COL_TARGET] = flex - 2 - w[COL_EXE];
}

static void fmt_age(char *buf, size_t n, double age)
{
	if (age < 0)
		age = 0;
	if (age < 1)
		snprintf(buf, n, "<1s");
	else if (age < 100)
		snprintf(buf, n, "%ds", (int)age);
	else if (age < 6000)
		snprintf(buf, n, "%dm", (int)(age / 60));
	else if (age < 3600 * 48)
		snprintf(buf, n, "%dh", (int)(age / 3600));
	else
		snprintf(buf, n, "%dd", (int)(age / 86400));
}

static void fmt_uptime(char *buf, size_t n, double s)
{
	long t = (long)s;

	if (s < 0)
		snprintf(buf, n, "-");
	else if (t < 3600)
		snprintf(buf, n, "%ldm%02lds", t / 60, t % 60);
	else if (t < 86400)
		snprintf(buf, n, "%ldh%02ldm", t / 3600, (t % 3600) / 60);
	else
		snprintf(buf, n, "%ldd%02ldh", t / 86400, (t % 86400) / 3600);
}

/* Cell texts for one row, raw (escaped when drawn). */
static void row_cells(const struct model *m, const struct row *r, double now,
		      char cells[COL__MAX][256])
{
	const struct incident *in = r->inc;
	const struct jobj *o = &in->obj;
	const char *c;

	snprintf(cells[COL_GROUP], 256, "%s", r->group);
	snprintf(cells[COL_N], 256, "%u", r->members);
	snprintf(cells[COL_RATE], 256, "%.1f", r->rate);
	snprintf(cells[COL_COUNT], 256, "%llu", (unsigned long long)r->count);
	snprintf(cells[COL_CAUSE], 256, "%s", jobj_str(o, "cause"));
	inc_detail(in, cells[COL_DETAIL], 256);
	snprintf(cells[COL_COMM], 256, "%s", jobj_str(o, "comm"));
	snprintf(cells[COL_EXE], 256, "%s", jobj_str(o, "exe"));
	snprintf(cells[COL_UID], 256, "%s", jobj_str(o, "uid"));
	snprintf(cells[COL_SYSCALL], 256, "%s", jobj_str(o, "syscall"));
	snprintf(cells[COL_TARGET], 256, "%s", inc_target(in));
	c = jobj_str(o, "container");
	snprintf(cells[COL_CONTAINER], 256, "%s", *c ? c : "-");
	fmt_age(cells[COL_LAST], 256, now - r->last_seen);
	(void)m;
}

static enum color cause_color(const char *cause)
{
	if (!strcmp(cause, "capability") || !strcmp(cause, "userns"))
		return CL_CAUSE_CAP;
	if (!strcmp(cause, "dac") || !strcmp(cause, "immutable") || !strcmp(cause, "mount"))
		return CL_CAUSE_DAC;
	if (!strcmp(cause, "lsm") || !strcmp(cause, "fanotify"))
		return CL_CAUSE_LSM;
	if (!strcmp(cause, "seccomp"))
		return CL_CAUSE_SECCOMP;
	return CL_CAUSE_OTHER;
}

static void header_lines(const struct model *m, const struct view *v, double now, char l1[512],
			 char l2[512], char l3[512])
{
	char up[32], loss[300], filt[400] = "";
	size_t fl = 0;

	double rate = m->total_rate;

	if (!(m->prev_stats_at > 0 && now - m->stats_at < 30)) {
		/* no recent pair of stats lines: the sum of the incidents' rates */
		rate = 0;
		for (unsigned i = 0; i < m->n_inc; i++)
			rate += inc_rate(m->inc[i]);
	}
	fmt_uptime(up, sizeof(up), model_uptime(m, now));
	snprintf(l1, 512,
		 "epermd  denials: %.0f  rate: %.1f/s  mode: %s  uptime: %s  incidents: %u",
		 model_total(m), rate, model_mode(m), up, m->n_inc);
	model_losses(m, loss, sizeof(loss));
	snprintf(l2, 512, "loss: %s  |  this view: gaps %llu, missed %llu%s", loss,
		 (unsigned long long)m->gaps, (unsigned long long)m->missed,
		 m->bad_lines ? "  bad lines" : "");
	for (int f = 0; f < FILT__MAX; f++) {
		if (!m->filter[f][0] || fl + 2 >= sizeof(filt))
			continue;
		fl += snprintf(filt + fl, sizeof(filt) - fl, "%s%s=%s", fl ? " " : "",
			       filter_name(f), m->filter[f]);
	}
	if (fl >= sizeof(filt))
		fl = sizeof(filt) - 1;
	snprintf(l3, 512, "sort: %s  group: %s  filter: %s  rows: %u%s", sort_name(m->sort),
		 group_name(m->group), fl ? filt : "none", m->n_rows,
		 v && v->paused ? "  [PAUSED]" : "");
}

static void draw_table(struct model *m, struct view *v, double now)
{
	int H = LINES, W = COLS, w[COL__MAX], x;
	char l1[512], l2[512], l3[512];
	bool grouped = m->group != GROUP_NONE;

	header_lines(m, v, now, l1, l2, l3);
	term_put(0, 0, W, l1, term_attr(CL_HEADER));
	term_put(1, 0, W, l2, m->missed || strstr(l2, "=") ? term_attr(CL_WARN) : (int)A_NORMAL);
	if (v->status[0])
		term_put(2, 0, W, v->status, term_attr(CL_WARN));
	else
		term_put(2, 0, W, l3, A_NORMAL);

	layout(W, grouped, w);
	x = 0;
	move(HEADER_ROWS, 0);
	attron(term_attr(CL_TITLE));
	for (int c = 0; c < W; c++)
		addch(' ');
	attroff(term_attr(CL_TITLE));
	for (int c = 0; c < COL__MAX; c++) {
		if (!w[c] || x >= W)
			continue;
		term_put(HEADER_ROWS, x, w[c] < W - x ? w[c] : W - x, col_title[c],
			 term_attr(CL_TITLE));
		x += w[c] + 1;
	}

	v->page = H - HEADER_ROWS - 2;
	if (v->page < 1)
		v->page = 1;
	if (v->sel >= m->n_rows)
		v->sel = m->n_rows ? m->n_rows - 1 : 0;
	if (v->sel < v->top)
		v->top = v->sel;
	if (v->sel >= v->top + v->page)
		v->top = v->sel - v->page + 1;
	for (int i = 0; i < v->page; i++) {
		unsigned ri = v->top + i;
		int y = HEADER_ROWS + 1 + i;
		char cells[COL__MAX][256];
		bool sel = ri == v->sel;

		move(y, 0);
		clrtoeol();
		if (ri >= m->n_rows)
			continue;
		row_cells(m, &m->rows[ri], now, cells);
		x = 0;
		for (int c = 0; c < COL__MAX; c++) {
			int attr = sel ? term_attr(CL_SELECT) : (int)A_NORMAL;

			if (!w[c] || x >= W)
				continue;
			if (!sel && c == COL_CAUSE)
				attr = term_attr(cause_color(cells[c]));
			term_put(y, x, w[c] < W - x ? w[c] : W - x, cells[c], attr);
			x += w[c];
			if (x < W) {
				if (sel)
					attron(term_attr(CL_SELECT));
				mvaddch(y, x, ' ');
				if (sel)
					attroff(term_attr(CL_SELECT));
			}
			x++;
		}
	}
	if (!m->n_rows) {
		const char *msg = m->n_inc ? "no incident matches the filters (x clears them)"
				  : m->snapshot_done ? "no denials yet"
						     : "waiting for the daemon...";

		term_put(HEADER_ROWS + 2, 2, W - 2, msg, term_attr(CL_DIM));
	}
}

/* The detail pane, as a list of already-escaped lines. */
struct doc {
	char **line;
	int *attr;
	int n, cap, width;
};

static void doc_add(struct doc *d, const char *esc, int attr)
{
	if (d->n == d->cap) {
		int cap = d->cap ? d->cap * 2 : 64;
		char **nl = realloc(d->line, cap * sizeof(*nl));
		int *na;

		if (!nl)
			return;
		d->line = nl;
		na = realloc(d->attr, cap * sizeof(*na));
		if (!na)
			return;
		d->attr = na;
		d->cap = cap;
	}
	d->line[d->n] = strdup(esc);
	if (!d->line[d->n])
		return;
	d->attr[d->n++] = attr;
}

/* label + value, value split on '\n' and wrapped; every piece escaped. */
static void doc_field(struct doc *d, const char *label, const char *value, int attr)
{
	char esc[8192], piece[8192], out[8192];
	const char *v = value ? value : "";
	bool first = true;

	do {
		const char *nl = strchr(v, '\n');
		size_t len = nl ? (size_t)(nl - v) : strlen(v);
		const char *p;

		if (len >= sizeof(piece))
			len = sizeof(piece) - 1;
		memcpy(piece, v, len);
		piece[len] = '\0';
		term_escape(esc, sizeof(esc), piece);
		p = esc;
		do {
			char lab[64];
			int lw = 14, avail = d->width - lw;

			snprintf(lab, sizeof(lab), "%-*s", lw, first ? label : "");
			term_cell(out, sizeof(out), p, avail > 10 ? avail : 10, false);
			if (!*out && *p)
				break;
			p += strlen(out);
			{
				char full[8300];

				snprintf(full, sizeof(full), "%s%s", lab, out);
				doc_add(d, full, first ? attr : (int)A_NORMAL);
			}
			first = false;
		} while (*p);
		v = nl ? nl + 1 : NULL;
	} while (v);
}

static void doc_free(struct doc *d)
{
	for (int i = 0; i < d->n; i++)
		free(d->line[i]);
	free(d->line);
	free(d->attr);
}

static void build_detail(const struct model *m, const struct row *r, double now, struct doc *d)
{
	const struct incident *in = r->inc;
	const struct jobj *o = &in->obj;
	static const char *const shown[] = {
	    "cause",	 "comm",	 "exe",	     "pid",	   "uid",	"gid",
	    "syscall",	 "errno",	 "path",     "target",	   "container", "unit",
	    "diagnosis", "fix",		 "validate", "evidence",   "count",	"first_seen",
	    "last_seen", "capability",	 "lsm",	     "lsm_detail", "flag",	"mount_option",
	    "sysctl",	 "sysctl_value", "listener", "rule",	   "type"};
	char buf[512], det[256], age[32];
	int bold = A_BOLD;

	inc_detail(in, det, sizeof(det));
	if (r->members > 1) {
		snprintf(buf, sizeof(buf), "%s=%s: %u incidents, %llu denials; showing the largest",
			 group_name(m->group), r->group, r->members, (unsigned long long)r->count);
		doc_field(d, "group:", buf, term_attr(CL_WARN));
	}
	snprintf(buf, sizeof(buf), "%s (%s)", jobj_str(o, "cause"), det);
	doc_field(d, "cause:", buf, bold);
	snprintf(buf, sizeof(buf), "%s  exe %s  pid %s  uid %s  gid %s", jobj_str(o, "comm"),
		 jobj_str(o, "exe"), jobj_str(o, "pid"), jobj_str(o, "uid"), jobj_str(o, "gid"));
	doc_field(d, "process:", buf, bold);
	snprintf(buf, sizeof(buf), "%s -> %s", jobj_str(o, "syscall"), jobj_str(o, "errno"));
	doc_field(d, "syscall:", buf, bold);
	doc_field(d, "target:", inc_target(in), bold);
	doc_field(d, "container:", *jobj_str(o, "container") ? jobj_str(o, "container") : "host",
		  bold);
	fmt_age(age, sizeof(age), now - in->last_seen);
	snprintf(buf, sizeof(buf), "%llu (%.1f/s)  first %s  last %s (%s ago)",
		 (unsigned long long)in->count, inc_rate(in), jobj_str(o, "first_seen"),
		 jobj_str(o, "last_seen"), age);
	doc_field(d, "count:", buf, bold);
	doc_add(d, "", A_NORMAL);
	doc_field(d, "diagnosis:", jobj_str(o, "diagnosis"), term_attr(CL_HEADER));
	doc_field(d, "fix:", jobj_str(o, "fix"), term_attr(CL_HEADER));
	doc_field(d, "validate:", jobj_str(o, "validate"), term_attr(CL_HEADER));
	doc_field(d, "evidence:", jobj_str(o, "evidence"), term_attr(CL_HEADER));
	doc_add(d, "", A_NORMAL);
	doc_add(d, "other fields:", A_BOLD);
	for (int i = 0; i < o->n; i++) {
		bool seen = false;

		for (size_t k = 0; k < sizeof(shown) / sizeof(shown[0]) && !seen; k++)
			seen = !strcmp(shown[k], o->f[i].key);
		if (seen)
			continue;
		snprintf(buf, sizeof(buf), "%.60s:", o->f[i].key);
		doc_field(d, buf, o->f[i].val, A_NORMAL);
	}
}

static void draw_doc(struct view *v, struct doc *d, const char *title, const char *footer)
{
	int H = LINES, W = COLS, body = H - 2;

	erase();
	term_put(0, 0, W, title, term_attr(CL_TITLE));
	v->scroll_max = d->n > body ? d->n - body : 0;
	if (v->scroll > v->scroll_max)
		v->scroll = v->scroll_max;
	if (v->scroll < 0)
		v->scroll = 0;
	for (int i = 0; i < body && v->scroll + i < d->n; i++)
		term_put_escaped(1 + i, 0, W, d->line[v->scroll + i], d->attr[v->scroll + i]);
	term_put(H - 1, 0, W, footer, term_attr(CL_TITLE));
}

static const char *const help_text[] = {
    "epermtop: live EPERM/EACCES incidents from epermd",
    "",
    "  Up/Down j/k  select a row          PgUp/PgDn Home/End  move by page / to the ends",
    "  Enter        details: diagnosis, fix, validation command, evidence",
    "  s            cycle the sort: rate -> count -> recent",
    "  r / c / l    sort by rate (last 10 s) / count / last seen",
    "  g            cycle grouping: none -> process -> cause -> container -> syscall",
    "  /            filter by text (any column, the diagnosis too)",
    "  f            filter by cause (prefix: cap, dac, lsm, seccomp ...)",
    "  u            filter by uid",
    "  C            filter by container (\"host\" for none)",
    "  x            clear every filter",
    "  p            pause / resume the display (data keeps arriving)",
    "  ?            this help          q  quit (closes a pane first)",
    "",
    "Header: denials and rate come from the daemon's stats line; 'loss' lists every non-zero",
    "drop/lost/failed counter; 'gaps'/'missed' count lines this view lost because it read",
    "too slowly (the daemon's queue for it was full).",
    "Every string from the daemon is shown escaped: control bytes as \\xHH.",
};

static void footer(struct model *m, struct view *v)
{
	char buf[512];

	if (v->prompting) {
		snprintf(buf, sizeof(buf),
			 "filter %s: %s_   (Enter apply, Esc cancel, empty clears)",
			 filter_name(v->pfield), v->pbuf);
		term_put(LINES - 1, 0, COLS, buf, term_attr(CL_TITLE));
		return;
	}
	snprintf(buf, sizeof(buf),
		 "q quit  Enter detail  s/r/c/l sort:%s  g group:%s  / text  f cause  u uid  "
		 "C container  x clear  p %s  ? help",
		 sort_name(m->sort), group_name(m->group), v->paused ? "resume" : "pause");
	term_put(LINES - 1, 0, COLS, buf, term_attr(CL_TITLE));
}

void view_draw(struct model *m, struct view *v, double now)
{
	struct doc d = {.width = COLS};

	if (v->pane == PANE_DETAIL && v->sel < m->n_rows) {
		build_detail(m, &m->rows[v->sel], now, &d);
		draw_doc(v, &d, " incident detail ",
			 "Esc/q close  Up/Down PgUp/PgDn scroll  (all text escaped)");
		doc_free(&d);
	} else if (v->pane == PANE_HELP) {
		for (size_t i = 0; i < sizeof(help_text) / sizeof(help_text[0]); i++) {
			char esc[512];

			term_escape(esc, sizeof(esc), help_text[i]);
			doc_add(&d, esc, i ? A_NORMAL : A_BOLD);
		}
		draw_doc(v, &d, " help ", "Esc/q/? close");
		doc_free(&d);
	} else {
		v->pane = PANE_TABLE;
		erase();
		draw_table(m, v, now);
		footer(m, v);
	}
	refresh();
}

void view_follow(struct model *m, struct view *v)
{
	if (!v->sel_key[0])
		goto remember;
	for (unsigned i = 0; i < m->n_rows; i++) {
		if (!strcmp(m->rows[i].inc->key, v->sel_key) ||
		    (m->group != GROUP_NONE && !strcmp(m->rows[i].group, v->sel_key))) {
			v->sel = i;
			break;
		}
	}
remember:
	if (v->sel < m->n_rows)
		snprintf(v->sel_key, sizeof(v->sel_key), "%.159s",
			 m->group != GROUP_NONE ? m->rows[v->sel].group : m->rows[v->sel].inc->key);
}

void view_batch(FILE *f, struct model *m, double now, int width)
{
	char l1[512], l2[512], l3[512], esc[2048], cell[2048];
	char cells[COL__MAX][256];
	int w[COL__MAX];

	header_lines(m, NULL, now, l1, l2, l3);
	term_escape(esc, sizeof(esc), l1);
	fprintf(f, "%s\n", esc);
	term_escape(esc, sizeof(esc), l2);
	fprintf(f, "%s\n", esc);
	term_escape(esc, sizeof(esc), l3);
	fprintf(f, "%s\n", esc);
	layout(width, m->group != GROUP_NONE, w);
	for (int c = 0; c < COL__MAX; c++) {
		if (!w[c])
			continue;
		term_cell(cell, sizeof(cell), col_title[c], w[c], true);
		fprintf(f, "%s ", cell);
	}
	fputc('\n', f);
	for (unsigned r = 0; r < m->n_rows; r++) {
		row_cells(m, &m->rows[r], now, cells);
		for (int c = 0; c < COL__MAX; c++) {
			if (!w[c])
				continue;
			term_escape(esc, sizeof(esc), cells[c]);
			term_cell(cell, sizeof(cell), esc, w[c], true);
			fprintf(f, "%s ", cell);
		}
		fputc('\n', f);
	}
	fputc('\n', f);
	fflush(f);
}
