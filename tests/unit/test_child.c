// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <sys/wait.h>
#include <unistd.h>

#include "unit.h"
#include "child.h"

TEST(child_stat_parser)
{
	char st = 0;
	pid_t pp = 0;

	CHECK(child_parse_stat("42 (sh) S 7 42 42 0 -1", &st, &pp) == 0);
	CHECK(st == 'S' && pp == 7);
	/* a comm with ") Z 9" inside: the last ')' ends it */
	CHECK(child_parse_stat("43 (a) Z 9 (b) R 1 43 43", &st, &pp) == 0);
	CHECK(st == 'R' && pp == 1);
	CHECK(child_parse_stat("44 (zombie) Z 0 44", &st, &pp) == 0);
	CHECK(st == 'Z' && pp == 0);
	CHECK(child_parse_stat("45 (no close", &st, &pp) < 0);
	CHECK(child_parse_stat("46 (x)", &st, &pp) < 0);
	CHECK(child_parse_stat("", &st, &pp) < 0);
}

static int count_track(void *ctx, pid_t pid)
{
	(void)pid;
	(*(int *)ctx)++;
	return 0;
}

/* hold until p closes; with ready >= 0, fork one more below first and say so on ready */
static void hold(int p[2], int ready)
{
	char b;

	close(p[1]);
	if (ready >= 0 && fork() > 0)
		(void)!write(ready, "r", 1);
	(void)!read(p[0], &b, 1);
	_exit(0);
}

/* a real tree: the target with one child below it, and a sibling that is not */
TEST(child_tree_and_exit)
{
	struct child c;
	pid_t kid[2];
	char err[64], b;
	int n = 0, p[2], r[2];

	child_init(&c);
	CHECK(pipe(p) == 0 && pipe(r) == 0);
	for (int i = 0; i < 2; i++) {
		kid[i] = fork();
		if (kid[i] == 0)
			hold(p, i == 0 ? r[1] : -1);
	}
	close(p[0]);
	CHECK(read(r[0], &b, 1) == 1);
	CHECK(child_attach(&c, kid, 1, err, sizeof(err)) == 0);
	CHECK(child_track_tree(&c, count_track, &n) == 1 && n == 1);
	CHECK(!child_gone(&c));
	close(p[1]);
	for (int i = 0; i < 2; i++)
		waitpid(kid[i], NULL, 0);
	CHECK(child_gone(&c));
	CHECK(child_finish(&c, 0) == 0);
	close(r[0]);
	close(r[1]);
	/* a pid that does not exist */
	child_init(&c);
	kid[0] = 0x3ffffff0;
	CHECK(child_attach(&c, kid, 1, err, sizeof(err)) < 0 && strstr(err, "no such process"));
}
