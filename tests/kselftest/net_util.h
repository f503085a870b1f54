/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the network kselftests share to see packets leave: a packet socket
 * on an interface, and IPv4 source-route options.
 */
#ifndef _CRS_NET_UTIL_H
#define _CRS_NET_UTIL_H

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/ip.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* A packet socket that sees the IPv4 (or IPv6) packets on ifname. */
static int tap(const char *ifname, bool v6)
{
	struct sockaddr_ll ll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(v6 ? ETH_P_IPV6 : ETH_P_IP),
		.sll_ifindex = if_nametoindex(ifname),
	};
	int fd = socket(AF_PACKET, SOCK_DGRAM, ll.sll_protocol);

	if (fd >= 0 && bind(fd, (void *)&ll, sizeof(ll))) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/*
 * Packets with destination addr in their IP header that fd saw so far
 * (read), after a moment; a packet on lo is seen going and coming.
 */
static int tapped(int fd, const char *addr)
{
	unsigned char buf[2048], a[16];
	bool v6 = strchr(addr, ':');
	ssize_t len;
	int n = 0;

	inet_pton(v6 ? AF_INET6 : AF_INET, addr, a);
	usleep(100000);
	while ((len = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) >= 0)
		if (v6 ? len >= 40 && !memcmp(buf + 24, a, 16) :
			 len >= 20 && !memcmp(buf + 16, a, 4))
			n++;
	return n;
}

/* IPv4 options: a loose source route through hop, as the sender writes it. */
static void lsrr(uint8_t opt[8], const char *hop)
{
	opt[0] = IPOPT_NOP;
	opt[1] = IPOPT_LSRR;
	opt[2] = 7;
	opt[3] = 4;
	inet_pton(AF_INET, hop, opt + 4);
}

#endif /* _CRS_NET_UTIL_H */
