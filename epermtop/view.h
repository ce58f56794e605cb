/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Rendering: the curses screens (table, detail, help) and the plain-text batch form. */
#ifndef EPERMTOP_VIEW_H
#define EPERMTOP_VIEW_H

#include <stdbool.h>
#include <stdio.h>

#include "model.h"

enum pane { PANE_TABLE = 0, PANE_DETAIL, PANE_HELP };

struct view {
	enum pane pane;
	unsigned sel, top; /* selected row, first row shown */
	char sel_key[160]; /* the selected row's incident, kept across re-sorts */
	int scroll;	   /* detail/help pane */
	int scroll_max;
	bool paused;
	bool prompting;
	enum filter_key pfield;
	char pbuf[128];
	char status[512]; /* connection state, shown in the header when set */
	int page;	  /* rows that fit in the table */
};

void view_draw(struct model *m, struct view *v, double now);
/* Keep v->sel on the incident it was on after the rows were rebuilt. */
void view_follow(struct model *m, struct view *v);
void view_batch(FILE *f, struct model *m, double now, int width);

#endif
