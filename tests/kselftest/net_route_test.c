// SPDX-License-Identifier: GPL-2.0
/*
 * The netfilter backstop for source routes (kmod/net.c), in a load of the
 * module of its own, so that nothing made its netfilter hooks come before
 * (net_test.c makes raw sockets, which do). A covered TCP socket connects
 * where it may, is then given a route through a hop, and sends nothing
 * more: no socket hook sees the route. Once the kernel reroutes the
 * socket (the routing cache flushed), the acknowledgments it sends by
 * itself go to the hop. Through a denied hop they must not leave: the
 * hooks came when the route was given (security_socket_setsockopt()).
 */
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <signal.h>
#include <sys/socket.h>

#include "kselftest_harness.h"
#include "crs_policy_util.h"
#include "net_util.h"

#define CG	"crsr"
#define POL	"route"

static struct sockaddr_in lo_addr(const char *addr, int port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(port) };

	inet_pton(AF_INET, addr, &sin.sin_addr);
	return sin;
}

/*
 * A child in CG whose TCP socket connects to 127.0.0.1:port and is then
 * given a loose source route through hop; it holds the socket until it is
 * killed. Its pid, or -1.
 */
static pid_t routed_child(int port, const char *hop)
{
	struct sockaddr_in sin = lo_addr("127.0.0.1", port);
	uint8_t opt[8];
	int p[2], fd;
	pid_t pid;
	char c;

	lsrr(opt, hop);
	if (pipe(p))
		return -1;
	pid = fork();
	if (!pid) {
		if (ct_cgroup_enter(CG))
			_exit(1);
		fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd < 0 || connect(fd, (void *)&sin, sizeof(sin)) ||
		    setsockopt(fd, IPPROTO_IP, IP_OPTIONS, opt, sizeof(opt)) ||
		    write(p[1], "x", 1) != 1)
			_exit(2);
		pause();
		_exit(0);
	}
	close(p[1]);
	if (pid > 0 && read(p[0], &c, 1) != 1) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		pid = -1;
	}
	close(p[0]);
	return pid;
}

/* What leaves to hop once the child's connection to port is rerouted. */
static int rerouted(struct __test_metadata *_metadata, int port,
		    const char *hop)
{
	struct sockaddr_in sin = lo_addr("127.0.0.1", port);
	int l = socket(AF_INET, SOCK_STREAM, 0), t = tap("lo", false), a, one = 1, n;
	pid_t child;

	ASSERT_LE(0, l);
	ASSERT_LE(0, t);
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	ASSERT_EQ(0, bind(l, (void *)&sin, sizeof(sin)));
	ASSERT_EQ(0, listen(l, 1));
	child = routed_child(port, hop);
	ASSERT_LT(0, child);
	a = accept(l, NULL, NULL);
	ASSERT_LE(0, a);
	tapped(t, hop);
	ASSERT_EQ(0, system("echo 1 >/proc/sys/net/ipv4/route/flush"));
	ASSERT_EQ(1, send(a, "y", 1, 0));
	n = tapped(t, hop);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	close(a);
	close(l);
	close(t);
	return n;
}

TEST(route_given_after_connect_is_decided_on_rerouted_segments)
{
	const uint8_t hop[16] = { [10] = 0xff, [11] = 0xff, 127, 0, 0, 3 };
	const struct ct_rule r = { .name = "hop", .type = CRS_RULE_NET_OUT,
				   .action = CRS_ACTION_DENY, .addr = hop,
				   .has_prefix = true, .prefix = 128 };
	struct ct_msg m;
	int cg;

	ASSERT_EQ(0, crs_nl_open());
	ct_cleanup();
	cg = ct_cgroup(CG);
	ASSERT_LE(0, cg);
	ct_begin(&m, CRS_XFER_BEGIN | CRS_XFER_END, POL);
	nla_put_u8(m.msg, CRS_POLICY_A_MODE, CRS_MODE_ACTIVE);
	ct_rule(&m, &r);
	ASSERT_EQ(0, ct_send(&m, 1));
	ASSERT_EQ(0, ct_attach(cg, POL));

	EXPECT_EQ(0, rerouted(_metadata, 8096, "127.0.0.3"));
	/* Through an allowed hop, they leave. */
	EXPECT_LT(0, rerouted(_metadata, 8097, "127.0.0.4"));

	ct_cleanup();
	close(cg);
	ct_cgroup_rm(CG);
}

TEST_HARNESS_MAIN
