// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <sys/stat.h>

#include "secrets.h"
#include "unit.h"

TEST(secrets_known_files)
{
	struct secret_advice a;

	CHECK(secret_advice("/etc/shadow", S_IFREG | 0640, 0, 42, NULL, &a));
	CHECK(strstr(a.what, "password") && strstr(a.fix, "unix_chkpwd"));
	CHECK(secret_advice("/etc/gshadow", S_IFREG | 0640, 0, 42, NULL, &a));
	CHECK(secret_advice("/etc/ssl/private/site.key", S_IFREG | 0640, 0, 110, NULL, &a));
	CHECK(strstr(a.fix, "ssl-cert") != NULL);
	CHECK(secret_advice("/etc/ssh/ssh_host_ed25519_key", S_IFREG | 0600, 0, 0, NULL, &a));
	CHECK(strstr(a.fix, "ssh-keysign") != NULL);
	/* the public half is no secret */
	CHECK(!secret_advice("/etc/ssh/ssh_host_ed25519_key.pub", S_IFREG | 0644, 0, 0, NULL, &a));
	/* nor is the directory itself */
	CHECK(!secret_advice("/etc/ssl/private/", S_IFDIR | 0710, 0, 110, NULL, &a));
}

TEST(secrets_private_etc_files)
{
	struct secret_advice a;

	/* 0640 root:<system group>: the group is the designed access path, named */
	CHECK(secret_advice("/etc/app/db.conf", S_IFREG | 0640, 0, 0, NULL, &a) == false);
	CHECK(secret_advice("/etc/app/db.conf", S_IFREG | 0640, 0, 42, NULL, &a));
	CHECK(strstr(a.fix, "usermod -aG") != NULL &&
	      strstr(a.fix, "SupplementaryGroups=") != NULL);
	CHECK(strstr(a.fix, "`usermod -aG 42 SERVICE_USER`") != NULL); /* no name: the number */
	/* the name enrich found for the group (d->lookup.group) */
	CHECK(secret_advice("/etc/app/db.conf", S_IFREG | 0640, 0, 42, "shadow", &a));
	CHECK(strstr(a.fix, "Its group `shadow` is") &&
	      strstr(a.fix, "SupplementaryGroups=shadow"));
	CHECK(!strcmp(a.check, "getent group shadow"));
	CHECK(secret_advice("/etc/app/token", S_IFREG | 0600, 0, 0, NULL, &a));
	CHECK(strstr(a.fix, "as root") != NULL);
	/* world-readable, user-owned or outside /etc: ordinary files */
	CHECK(!secret_advice("/etc/hostname", S_IFREG | 0644, 0, 0, NULL, &a));
	CHECK(!secret_advice("/etc/app/x", S_IFREG | 0600, 1000, 1000, NULL, &a));
	CHECK(!secret_advice("/srv/data/x", S_IFREG | 0600, 0, 0, NULL, &a));
	CHECK(!secret_advice("relative", S_IFREG | 0600, 0, 0, NULL, &a));
	CHECK(!secret_advice(NULL, 0, 0, 0, NULL, &a));
}
