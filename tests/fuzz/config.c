// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The config file parser and the ignore rules (daemon/config.c, filter.c). Input: a config file's
 * text. Properties: the error message is a terminated string; every ignore rule the file set
 * formats back to text that parses to the same rule; diff/apply between the result and the
 * defaults stay in bounds; the rules match a fixed denial without fault. */
#include "config.h"
#include "fuzz.h"

static void check_rules(const struct filter_rules *rs, const struct denial *d)
{
	char text[FILTER_MAX_CONDS * (FILTER_VAL_LEN + 16)], err[256];
	struct filter_rule back;

	FUZZ_CHECK(rs->n <= FILTER_MAX_RULES);
	for (unsigned i = 0; i < rs->n; i++) {
		const struct filter_rule *r = &rs->r[i];

		FUZZ_CHECK(r->n >= 1 && r->n <= FILTER_MAX_CONDS);
		FUZZ_CHECK(filter_rule_format(r, text, sizeof(text)) >= 0);
		memset(&back, 0, sizeof(back));
		FUZZ_CHECK(filter_parse_rule(text, &back, err, sizeof(err)) == 0);
		FUZZ_CHECK(back.n == r->n);
		for (unsigned k = 0; k < r->n; k++) {
			FUZZ_CHECK(back.c[k].field == r->c[k].field);
			FUZZ_CHECK(back.c[k].num == r->c[k].num);
			FUZZ_CHECK(!strcmp(back.c[k].val, r->c[k].val));
		}
		(void)filter_rule_match(r, d);
	}
	(void)filter_match(rs, d);
}

int fuzz_config(const uint8_t *data, size_t size)
{
	struct config *c = malloc(sizeof(*c)), *def = malloc(sizeof(*def));
	struct denial *d = calloc(1, sizeof(*d));
	char err[512], names[1024];
	char *text = fuzz_cstr(data, size);
	int ret;

	if (!c || !def || !d || !text)
		goto out;
	config_defaults(c);
	config_defaults(def);
	err[0] = '\0';
	ret = config_parse_text(c, text, "fuzz.conf", err, sizeof(err));
	FUZZ_CHECK(strnlen(err, sizeof(err)) < sizeof(err));
	FUZZ_CHECK(ret == 0 || err[0]);
	d->ev.uid = 1000;
	strcpy(d->ev.comm, "ping");
	strcpy(d->proc.exe, "/usr/bin/ping");
	strcpy(d->proc.cgroup, "/system.slice/foo.service");
	strcpy(d->proc.container, "docker:0123456789ab");
	d->cause = EP_CAUSE_CAPABILITY;
	check_rules(&c->ignore, d);
	(void)config_diff(def, c, true, names, sizeof(names));
	(void)config_diff(def, c, false, names, sizeof(names));
	FUZZ_CHECK(strnlen(names, sizeof(names)) < sizeof(names));
	if (!ret)
		(void)config_finish(c, false, err, sizeof(err));
	config_apply_live(def, c);
out:
	free(text);
	free(d);
	free(def);
	free(c);
	return 0;
}
FUZZ_ENTRY(fuzz_config)
