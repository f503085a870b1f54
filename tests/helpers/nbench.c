// SPDX-License-Identifier: GPL-2.0
/*
 * nbench OP ADDR PORT N [CGROUP]: runs OP N times towards ADDR:PORT (IPv4
 * or IPv6) on one UDP socket and prints the guest nanoseconds per
 * operation (under QEMU -icount shift=0: instructions), after a warm-up of
 * N / 10. A UDP socket bound to ADDR:PORT, made before anything else,
 * takes the datagrams. With CGROUP (relative to /sys/fs/cgroup), joins it
 * after that, so that the sending socket, made next, is covered and the
 * receiving one is not. OP: connect (the same socket connected again and
 * again), sendto (one byte).
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

static int run(int connect_op, int fd, const struct sockaddr *sa,
	       socklen_t len, long n)
{
	long i;

	for (i = 0; i < n; i++) {
		if (connect_op) {
			if (connect(fd, sa, len))
				return -1;
		} else if (sendto(fd, "x", 1, 0, sa, len) != 1) {
			return -1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_storage ss;
	struct sockaddr_in6 *s6 = (void *)&ss;
	struct sockaddr_in *s4 = (void *)&ss;
	unsigned long long t0, t1;
	int fd, rfd, connect_op;
	socklen_t len;
	long n;

	if (argc < 5 || argc > 6 ||
	    (strcmp(argv[1], "connect") && strcmp(argv[1], "sendto"))) {
		fprintf(stderr, "usage: nbench connect|sendto ADDR PORT N [CGROUP]\n");
		return 2;
	}
	connect_op = !strcmp(argv[1], "connect");
	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, argv[2], &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(atoi(argv[3]));
		len = sizeof(*s4);
	} else if (inet_pton(AF_INET6, argv[2], &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(atoi(argv[3]));
		len = sizeof(*s6);
	} else {
		fprintf(stderr, "nbench: bad address %s\n", argv[2]);
		return 2;
	}
	n = atol(argv[4]);
	rfd = socket(ss.ss_family, SOCK_DGRAM, 0);
	if (rfd < 0 || bind(rfd, (void *)&ss, len)) {
		perror("nbench: receiver");
		return 1;
	}
	if (argc == 6 && join(argv[5])) {
		perror("nbench: cgroup");
		return 1;
	}
	fd = socket(ss.ss_family, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("nbench: socket");
		return 1;
	}
	if (run(connect_op, fd, (void *)&ss, len, n / 10 + 1)) {
		perror("nbench: warm-up");
		return 1;
	}
	t0 = now_ns();
	if (run(connect_op, fd, (void *)&ss, len, n)) {
		perror("nbench");
		return 1;
	}
	t1 = now_ns();
	printf("%.1f\n", (double)(t1 - t0) / n);
	close(fd);
	close(rfd);
	return 0;
}
