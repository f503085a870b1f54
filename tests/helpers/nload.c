// SPDX-License-Identifier: GPL-2.0
/*
 * nload SECONDS PORT: network traffic for stress tests, for SECONDS (or
 * until the file /tmp/nload.stop exists). Binds a UDP socket and a TCP
 * listener to 127.0.0.1:PORT, then, again and again, makes new UDP and
 * TCP sockets that send to and connect to 127.0.0.1 and 127.0.0.2 on
 * PORT, and takes what arrives. Whatever is refused is counted, not
 * fatal: the point is to keep every network check busy while policies
 * change. Prints "sent N refused M" at the end.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static struct sockaddr_in addr(const char *a, int port)
{
	struct sockaddr_in s = { .sin_family = AF_INET,
				 .sin_port = htons(port) };

	inet_pton(AF_INET, a, &s.sin_addr);
	return s;
}

int main(int argc, char **argv)
{
	static const char *const dst[] = { "127.0.0.1", "127.0.0.2" };
	long sent = 0, refused = 0;
	struct sockaddr_in s;
	int port, u, l, fd, i, one = 1;
	char buf[64];
	time_t end;

	if (argc != 3) {
		fprintf(stderr, "usage: nload SECONDS PORT\n");
		return 2;
	}
	end = time(NULL) + atoi(argv[1]);
	port = atoi(argv[2]);
	s = addr("127.0.0.1", port);
	u = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	l = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (u < 0 || l < 0 || bind(u, (void *)&s, sizeof(s)) ||
	    bind(l, (void *)&s, sizeof(s)) || listen(l, 64)) {
		perror("nload");
		return 1;
	}
	while (time(NULL) < end && access("/tmp/nload.stop", F_OK)) {
		for (i = 0; i < 2; i++) {
			s = addr(dst[i], port);
			fd = socket(AF_INET, SOCK_DGRAM, 0);
			if (fd < 0)
				return 1;
			if (sendto(fd, "x", 1, 0, (void *)&s, sizeof(s)) == 1)
				sent++;
			else
				refused += errno == EPERM;
			if (connect(fd, (void *)&s, sizeof(s)))
				refused += errno == EPERM;
			close(fd);
			fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
			if (fd < 0)
				return 1;
			if (connect(fd, (void *)&s, sizeof(s)) &&
			    errno == EPERM)
				refused++;
			close(fd);
		}
		while (recv(u, buf, sizeof(buf), 0) > 0)
			;
		while ((fd = accept(l, NULL, NULL)) >= 0)
			close(fd);
		/* Busy, but leaving the control plane some of the CPU. */
		usleep(100);
	}
	printf("sent %ld refused %ld\n", sent, refused);
	return 0;
}
