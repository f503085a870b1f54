// SPDX-License-Identifier: GPL-2.0
#include <mntent.h>
#include <stdio.h>
#include <string.h>

#include "cgroupfs.h"

const char *cgroupfs_mount(void)
{
	static char mnt[4096];
	static int looked;
	struct mntent *m;
	FILE *f;

	if (looked)
		return mnt[0] ? mnt : NULL;
	looked = 1;
	f = setmntent("/proc/self/mounts", "r");
	if (!f)
		return NULL;
	while ((m = getmntent(f))) {
		if (!strcmp(m->mnt_type, "cgroup2")) {
			snprintf(mnt, sizeof(mnt), "%s", m->mnt_dir);
			break;
		}
	}
	endmntent(f);
	return mnt[0] ? mnt : NULL;
}

/* Called for every event crsctl prints: no printf. */
int cgroupfs_abs_path(const char *rel, char *buf, size_t len)
{
	const char *mnt = cgroupfs_mount();
	size_t m, r;

	if (!mnt)
		return -1;
	if (!strcmp(rel, "/"))
		rel = "";
	/* A hierarchy mounted at "/" would otherwise give "//a". */
	if (!strcmp(mnt, "/"))
		mnt = "";
	if (!rel[0] && !mnt[0])
		rel = "/";
	m = strlen(mnt);
	r = strlen(rel);
	if (m + r >= len)
		return -1;
	memcpy(buf, mnt, m);
	memcpy(buf + m, rel, r + 1);
	return 0;
}
