// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Replays every fuzz harness's regression inputs (tests/fuzz/regress/NAME/, crashes found and
 * fixed) and seed corpus (tests/fuzz/corpus/NAME/) through the same harness functions libFuzzer
 * runs, so a fixed crash cannot come back unnoticed (under SAN=1 this catches memory errors, not
 * only aborts). A broken property aborts the run. $EPERMD_SRCDIR overrides the source tree. */
#include <dirent.h>
#include <stdint.h>
#include <stdlib.h>

#include "fuzz.h"
#include "unit.h"

/* the ring-record harness exists only once daemon/capture/capture.c does */
int fuzz_capture(const uint8_t *data, size_t size) __attribute__((weak));
int fuzz_seccomp(const uint8_t *data, size_t size) __attribute__((weak));

static const struct {
	const char *name;
	int (*fn)(const uint8_t *, size_t);
} harness[] = {
    {"audit", fuzz_audit},     {"config", fuzz_config},	    {"request", fuzz_request},
    {"json", fuzz_json},       {"procinfo", fuzz_procinfo}, {"escape", fuzz_escape},
    {"capture", fuzz_capture}, {"seccomp", fuzz_seccomp},   {"kfold", fuzz_kfold},
};

/* Run fn on every file in dir; the number run, or -1 when dir cannot be read. */
static int replay_dir(const char *dir, int (*fn)(const uint8_t *, size_t))
{
	struct dirent *de;
	DIR *dp = opendir(dir);
	int n = 0;

	if (!dp)
		return -1;
	while ((de = readdir(dp))) {
		char path[4096];
		uint8_t *buf;
		FILE *f;
		long len;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		f = fopen(path, "rb");
		if (!f)
			continue;
		if (fseek(f, 0, SEEK_END) || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
			fclose(f);
			continue;
		}
		buf = malloc((size_t)len + 1);
		if (buf && fread(buf, 1, (size_t)len, f) == (size_t)len) {
			fn(buf, (size_t)len);
			n++;
		}
		free(buf);
		fclose(f);
	}
	closedir(dp);
	return n;
}

TEST(fuzz_replay)
{
	const char *src = getenv("EPERMD_SRCDIR") ? getenv("EPERMD_SRCDIR") : EPERMD_SRCDIR;
	char dir[4096];

	for (size_t i = 0; i < sizeof(harness) / sizeof(harness[0]); i++) {
		if (!harness[i].fn)
			continue;
		snprintf(dir, sizeof(dir), "%s/tests/fuzz/corpus/%s", src, harness[i].name);
		CHECK(replay_dir(dir, harness[i].fn) > 0); /* every harness has seeds */
		snprintf(dir, sizeof(dir), "%s/tests/fuzz/regress/%s", src, harness[i].name);
		(void)replay_dir(dir, harness[i].fn); /* may not exist: nothing found yet */
	}
}
