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

int cgroupfs_abs_path(const char *rel, char *buf, size_t len)
{
	const char *mnt = cgroupfs_mount();
	int n;

	if (!mnt)
		return -1;
	if (!strcmp(rel, "/"))
		rel = "";
	/* A hierarchy mounted at "/" would otherwise give "//a". */
	if (!strcmp(mnt, "/"))
		mnt = "";
	n = snprintf(buf, len, "%s%s", mnt, rel[0] ? rel : (mnt[0] ? "" : "/"));
	return n < 0 || (size_t)n >= len ? -1 : 0;
}
