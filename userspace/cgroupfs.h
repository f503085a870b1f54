/* SPDX-License-Identifier: GPL-2.0 */
/* Where the cgroup v2 hierarchy is mounted, and paths within it. */
#ifndef CRSCTL_CGROUPFS_H
#define CRSCTL_CGROUPFS_H

#include <stddef.h>

/*
 * The mount point of the cgroup v2 hierarchy in this mount namespace
 * (usually /sys/fs/cgroup), or NULL when none is mounted.
 */
const char *cgroupfs_mount(void);

/*
 * Writes the absolute path of a cgroup whose path below the root of the
 * hierarchy is rel ("/" for the root, "/a/b" below it) to buf.
 * Returns 0, or -1 when no hierarchy is mounted or buf is too small.
 */
int cgroupfs_abs_path(const char *rel, char *buf, size_t len);

#endif
