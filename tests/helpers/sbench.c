// SPDX-License-Identifier: GPL-2.0
/*
 * sbench N [CGROUP]: makes the getpid system call N times (the raw call:
 * no library caching) and prints the guest nanoseconds per call (under
 * QEMU -icount shift=0: instructions), after a warm-up of N / 10. With
 * CGROUP (relative to /sys/fs/cgroup), joins it first. The time comes
 * from the vDSO and the result is printed after the loop: under an
 * allow-list the process needs getpid, write and exit_group, and little
 * else.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

static int run(long n)
{
	long i;

	for (i = 0; i < n; i++)
		if (syscall(SYS_getpid) <= 0)
			return -1;
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long long t0, t1;
	char out[64];
	long n;
	int len;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: sbench N [CGROUP]\n");
		return 2;
	}
	n = atol(argv[1]);
	if (n <= 0)
		return 2;
	if (argc == 3 && join(argv[2])) {
		perror("sbench: cgroup");
		return 1;
	}
	if (run(n / 10))
		return 1;
	t0 = now_ns();
	if (run(n))
		return 1;
	t1 = now_ns();
	/* One write, nothing buffered: stdio may need more calls. */
	len = snprintf(out, sizeof(out), "%llu.%llu\n", (t1 - t0) / n,
		       (t1 - t0) * 10 / n % 10);
	return write(1, out, len) == len ? 0 : 1;
}
