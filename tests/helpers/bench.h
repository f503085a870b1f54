/* SPDX-License-Identifier: GPL-2.0 */
/* What the benchmark helpers (fbench, nbench, sbench) share. */
#ifndef CRS_BENCH_H
#define CRS_BENCH_H

#include <fcntl.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

/* Guest nanoseconds: instructions under QEMU -icount shift=0. */
static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* Moves the caller into cg, relative to /sys/fs/cgroup; 0 or -1. */
static int join(const char *cg)
{
	char path[512], pid[32];
	int fd, n, ok;

	snprintf(path, sizeof(path), "/sys/fs/cgroup/%s/cgroup.procs", cg);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -1;
	n = snprintf(pid, sizeof(pid), "%d", getpid());
	ok = write(fd, pid, n) == n;
	close(fd);
	return ok ? 0 : -1;
}

#endif
