// SPDX-License-Identifier: GPL-2.0
/*
 * fbench OP PATH N [CGROUP]: runs OP N times on PATH and prints the guest
 * nanoseconds per operation (under QEMU -icount shift=0: instructions),
 * after a warm-up of N / 10. With CGROUP (relative to /sys/fs/cgroup),
 * joins it first. OP: open (open + close for reading), pread, pwrite (one
 * byte at offset 0 of a descriptor opened once).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

static int run(const char *op, const char *path, long n, int fd)
{
	char c = 'x';
	long i;
	int f;

	for (i = 0; i < n; i++) {
		if (!strcmp(op, "open")) {
			f = open(path, O_RDONLY);
			if (f < 0)
				return -1;
			close(f);
		} else if (!strcmp(op, "pread")) {
			if (pread(fd, &c, 1, 0) != 1)
				return -1;
		} else if (pwrite(fd, &c, 1, 0) != 1) {
			return -1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long long t0, t1;
	long n;
	int fd = -1;

	if (argc < 4 || argc > 5) {
		fprintf(stderr, "usage: fbench open|pread|pwrite PATH N [CGROUP]\n");
		return 2;
	}
	n = atol(argv[3]);
	if (argc == 5 && join(argv[4])) {
		perror("fbench: cgroup");
		return 1;
	}
	if (strcmp(argv[1], "open")) {
		fd = open(argv[2], O_RDWR);
		if (fd < 0) {
			perror("fbench: open");
			return 1;
		}
	}
	if (run(argv[1], argv[2], n / 10, fd)) {
		perror("fbench");
		return 1;
	}
	t0 = now_ns();
	if (run(argv[1], argv[2], n, fd)) {
		perror("fbench");
		return 1;
	}
	t1 = now_ns();
	printf("%llu.%llu\n", (t1 - t0) / n, (t1 - t0) * 10 / n % 10);
	return 0;
}
