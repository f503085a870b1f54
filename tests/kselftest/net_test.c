// SPDX-License-Identifier: GPL-2.0
/*
 * Network rules (SPEC sections 3 and 4, issue 6). A socket belongs to the
 * process that created it (SPEC section 1): covered sockets are made by a
 * child that joins the covered cgroup (and, for the container cases, the
 * network namespace "C", reached from the initial one over a veth pair),
 * then handed to the test over SCM_RIGHTS. The test, outside any attached
 * cgroup, then connects, sends and listens with them; its own sockets are
 * never checked. Every refusal is seen as its errno and as nothing having
 * arrived on the other side.
 *
 * Addresses: lo in the initial namespace (127.0.0.0/8, ::1); the veth pair
 * crsh (initial: 10.9.0.1, .3, .4 and fd00::1, ::3, ::4) - crsc (in C:
 * 10.9.0.2, fd00::2).
 *
 * Where nothing can arrive (a packet with a source route is dropped by a
 * host that does not route), a packet socket on the interface sees what
 * left (tap(), tapped()).
 */
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/io_uring.h>
#include <linux/limits.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip6.h>
#include <netinet/udp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "kselftest_harness.h"
#include "crs_policy_util.h"
#include "net_util.h"

#define CG	"crsn"
#define POL	"net"

/* ---- commands, the namespace and the veth pair --------------------------- */

static int sh(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The holder of namespace C, and C itself; 0 and -1 without it. */
static pid_t ns_holder;
static int ns_fd = -1;

static void net_down(void)
{
	if (ns_holder > 0) {
		sh("ip link del crsh 2>/dev/null");
		kill(ns_holder, SIGKILL);
		waitpid(ns_holder, NULL, 0);
	}
	if (ns_fd >= 0)
		close(ns_fd);
	ns_holder = 0;
	ns_fd = -1;
}

static int net_up(void)
{
	char path[64], c;
	int p[2], i;

	if (pipe(p))
		return -1;
	ns_holder = fork();
	if (ns_holder < 0)
		return -1;
	if (!ns_holder) {
		if (unshare(CLONE_NEWNET) || sh("ip link set lo up"))
			_exit(1);
		if (write(p[1], "x", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(p[1]);
	if (read(p[0], &c, 1) != 1)
		return -1;
	close(p[0]);
	snprintf(path, sizeof(path), "/proc/%d/ns/net", ns_holder);
	ns_fd = open(path, O_RDONLY);
	/* busybox ip names the peer itself (veth0). */
	if (ns_fd < 0 || sh("ip link add crsh type veth") ||
	    sh("ip link set veth0 name crsc") ||
	    sh("ip link set crsc netns %d", ns_holder) ||
	    sh("echo 0 >/proc/sys/net/ipv6/conf/crsh/accept_dad") ||
	    sh("ip addr add 10.9.0.1/24 dev crsh && ip addr add 10.9.0.3/24 dev crsh && ip addr add 10.9.0.4/24 dev crsh") ||
	    sh("ip -6 addr add fd00::1/64 dev crsh && ip -6 addr add fd00::3/64 dev crsh && ip -6 addr add fd00::4/64 dev crsh") ||
	    sh("ip link set crsh up") ||
	    sh("nsenter -t %d -n sh -c 'echo 0 >/proc/sys/net/ipv6/conf/crsc/accept_dad && "
	       "ip addr add 10.9.0.2/24 dev crsc && ip -6 addr add fd00::2/64 dev crsc && "
	       "ip link set crsc up'", ns_holder))
		return -1;
	/* The carrier comes up a moment later. */
	for (i = 0; i < 300; i++) {
		if (!sh("grep -q up /sys/class/net/crsh/operstate"))
			return 0;
		usleep(10000);
	}
	return -1;
}

/* ---- addresses and sockets ----------------------------------------------- */

static socklen_t mkaddr(struct sockaddr_storage *ss, const char *addr, int port)
{
	struct sockaddr_in6 *s6 = (void *)ss;
	struct sockaddr_in *s4 = (void *)ss;

	memset(ss, 0, sizeof(*ss));
	if (strchr(addr, ':')) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		inet_pton(AF_INET6, addr, &s6->sin6_addr);
		return sizeof(*s6);
	}
	s4->sin_family = AF_INET;
	s4->sin_port = htons(port);
	inet_pton(AF_INET, addr, &s4->sin_addr);
	return sizeof(*s4);
}

struct sockspec {
	const char *cg;		/* NULL: made by the test itself */
	bool in_ns;		/* made in namespace C */
	int family, type, proto;
	const char *bind;	/* NULL: not bound */
	int port;
	bool listen;
	bool hdrincl;
};

static int make_sock(const struct sockspec *s)
{
	struct sockaddr_storage ss;
	int fd, one = 1;

	fd = socket(s->family, s->type, s->proto);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	/* IPv6 addresses of a link just brought up may still be tentative. */
	setsockopt(fd, IPPROTO_IP, IP_FREEBIND, &one, sizeof(one));
	if (s->hdrincl &&
	    setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &one, sizeof(one)))
		return -1;
	if (s->bind && bind(fd, (void *)&ss, mkaddr(&ss, s->bind, s->port)))
		return -1;
	if (s->listen && listen(fd, 16))
		return -1;
	return fd;
}

/*
 * The socket s describes, made by a child in cgroup s->cg (and namespace
 * C) when asked, so that it is that child's. Returns the descriptor, or
 * -1; *creator is the child's pid.
 */
static int sock_of(const struct sockspec *s, pid_t *creator)
{
	char cbuf[CMSG_SPACE(sizeof(int))], c = 0;
	struct iovec iov = { &c, 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = cbuf,
			    .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm;
	int sp[2], fd = -1, st;
	pid_t pid;

	if (!s->cg && !s->in_ns)
		return make_sock(s);
	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sp))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		if ((s->cg && ct_cgroup_enter(s->cg)) ||
		    (s->in_ns && setns(ns_fd, CLONE_NEWNET)))
			_exit(1);
		fd = make_sock(s);
		if (fd < 0)
			_exit(2);
		cm = CMSG_FIRSTHDR(&m);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &fd, sizeof(int));
		_exit(sendmsg(sp[1], &m, 0) == 1 ? 0 : 3);
	}
	close(sp[1]);
	if (waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
	    !WEXITSTATUS(st) && recvmsg(sp[0], &m, MSG_DONTWAIT) == 1) {
		cm = CMSG_FIRSTHDR(&m);
		if (cm && cm->cmsg_type == SCM_RIGHTS)
			memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	}
	close(sp[0]);
	if (creator)
		*creator = pid;
	return fd;
}

#define COVERED(...)	sock_of(&(struct sockspec){ .cg = CG, __VA_ARGS__ }, NULL)
#define COVERED_NS(...)	sock_of(&(struct sockspec){ .cg = CG, .in_ns = true, \
						    __VA_ARGS__ }, NULL)
#define OWN(...)	sock_of(&(struct sockspec){ __VA_ARGS__ }, NULL)
#define TCP4		.family = AF_INET, .type = SOCK_STREAM
#define TCP6		.family = AF_INET6, .type = SOCK_STREAM
#define UDP4		.family = AF_INET, .type = SOCK_DGRAM
#define UDP6		.family = AF_INET6, .type = SOCK_DGRAM

/*
 * Connects fd; a stream connection that is not established within a
 * second is ETIMEDOUT (a SYN that was dropped). 0 or the errno.
 */
static int do_connect(int fd, const char *addr, int port)
{
	struct sockaddr_storage ss;
	struct pollfd p = { .fd = fd, .events = POLLOUT };
	int err = 0, type;
	socklen_t len = sizeof(type);

	getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len);
	if (type == SOCK_STREAM)
		fcntl(fd, F_SETFL, O_NONBLOCK);
	if (!connect(fd, (void *)&ss, mkaddr(&ss, addr, port)))
		return 0;
	if (errno != EINPROGRESS)
		return errno;
	if (poll(&p, 1, 1000) != 1)
		return ETIMEDOUT;
	len = sizeof(err);
	getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
	return err;
}

/* Connects a new socket of the test's own (uncovered) from src. */
static int own_connect(const char *src, const char *addr, int port)
{
	int fd = OWN(.family = strchr(addr, ':') ? AF_INET6 : AF_INET,
		     .type = SOCK_STREAM, .bind = src, .port = 0);
	int err;

	if (fd < 0)
		return -1;
	err = do_connect(fd, addr, port);
	close(fd);
	return err;
}

/* What is sent: an ICMP echo request's header, for raw ICMP sockets. */
static const char dgram[8] = { 8 };

static int do_sendto(int fd, const char *addr, int port)
{
	struct sockaddr_storage ss;

	return sendto(fd, dgram, sizeof(dgram), 0, (void *)&ss,
		      mkaddr(&ss, addr, port)) == sizeof(dgram) ? 0 : errno;
}

/* As do_sendto(), with AF_UNSPEC in the address's family. */
static int do_sendto_unspec(int fd, const char *addr, int port)
{
	struct sockaddr_storage ss;
	socklen_t len = mkaddr(&ss, addr, port);

	ss.ss_family = AF_UNSPEC;
	return sendto(fd, dgram, sizeof(dgram), 0, (void *)&ss, len) ==
	       sizeof(dgram) ? 0 : errno;
}

static int do_sendmsg(int fd, const char *addr, int port)
{
	struct sockaddr_storage ss;
	struct iovec iov = { "x", 1 };
	struct msghdr m = { .msg_name = &ss, .msg_iov = &iov,
			    .msg_iovlen = 1 };

	m.msg_namelen = mkaddr(&ss, addr, port);
	return sendmsg(fd, &m, 0) == 1 ? 0 : errno;
}

/* Two datagrams in one sendmmsg: both sent (0), or the errno of the first. */
static int do_sendmmsg(int fd, const char *addr, int port)
{
	struct sockaddr_storage ss;
	struct iovec iov = { "x", 1 };
	struct mmsghdr mm[2];
	int i, n;

	memset(mm, 0, sizeof(mm));
	for (i = 0; i < 2; i++) {
		mm[i].msg_hdr.msg_name = &ss;
		mm[i].msg_hdr.msg_namelen = mkaddr(&ss, addr, port);
		mm[i].msg_hdr.msg_iov = &iov;
		mm[i].msg_hdr.msg_iovlen = 1;
	}
	n = sendmmsg(fd, mm, 2, 0);
	return n == 2 ? 0 : n < 0 ? errno : EIO;
}

/*
 * One io_uring operation on fd (IORING_OP_SENDMSG with msg, or
 * IORING_OP_CONNECT to sa): its result, -errno; -1000 if io_uring is not
 * there.
 */
static int uring_op(uint8_t opcode, int fd, struct msghdr *msg,
		    struct sockaddr_storage *sa, socklen_t salen)
{
	struct io_uring_params p;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	unsigned int *tail, mask;
	size_t sqlen, cqlen;
	void *sq, *cq, *sqes;
	int ring, res = -1000;

	memset(&p, 0, sizeof(p));
	ring = syscall(__NR_io_uring_setup, 4, &p);
	if (ring < 0)
		return -1000;
	sqlen = p.sq_off.array + p.sq_entries * sizeof(unsigned int);
	cqlen = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
	sq = mmap(NULL, sqlen, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
		  ring, IORING_OFF_SQ_RING);
	cq = mmap(NULL, cqlen, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
		  ring, IORING_OFF_CQ_RING);
	sqes = mmap(NULL, p.sq_entries * sizeof(*sqe), PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_POPULATE, ring, IORING_OFF_SQES);
	if (sq == MAP_FAILED || cq == MAP_FAILED || sqes == MAP_FAILED)
		goto out;
	tail = sq + p.sq_off.tail;
	mask = *(unsigned int *)(sq + p.sq_off.ring_mask);
	sqe = (struct io_uring_sqe *)sqes + (*tail & mask);
	memset(sqe, 0, sizeof(*sqe));
	sqe->opcode = opcode;
	sqe->fd = fd;
	if (opcode == IORING_OP_SENDMSG) {
		sqe->addr = (uintptr_t)msg;
		sqe->len = 1;
	} else {
		sqe->addr = (uintptr_t)sa;
		sqe->off = salen;
	}
	((unsigned int *)(sq + p.sq_off.array))[*tail & mask] = *tail & mask;
	__atomic_store_n(tail, *tail + 1, __ATOMIC_RELEASE);
	if (syscall(__NR_io_uring_enter, ring, 1, 1, IORING_ENTER_GETEVENTS,
		    NULL, 0) != 1)
		goto out;
	cqe = (struct io_uring_cqe *)(cq + p.cq_off.cqes) +
	      (*(unsigned int *)(cq + p.cq_off.head) &
	       *(unsigned int *)(cq + p.cq_off.ring_mask));
	res = cqe->res;
out:
	close(ring);
	return res;
}

static int uring_sendto(int fd, const char *addr, int port)
{
	struct sockaddr_storage ss;
	struct iovec iov = { (void *)dgram, sizeof(dgram) };
	struct msghdr m = { .msg_name = &ss, .msg_iov = &iov,
			    .msg_iovlen = 1 };

	m.msg_namelen = mkaddr(&ss, addr, port);
	return uring_op(IORING_OP_SENDMSG, fd, &m, NULL, 0);
}

static int uring_connect(int fd, const char *addr, int port)
{
	struct sockaddr_storage ss;

	return uring_op(IORING_OP_CONNECT, fd, NULL, &ss,
			mkaddr(&ss, addr, port));
}

/* Connections waiting in a listener's queue (accepted and closed). */
static int pending(int lfd)
{
	int n = 0, fd;

	usleep(50000);
	fcntl(lfd, F_SETFL, O_NONBLOCK);
	while ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
		close(fd);
		n++;
	}
	return n;
}

/* Datagrams that arrived on fd (read), after a moment. */
static int received(int fd)
{
	char buf[256];
	int n = 0;

	usleep(100000);
	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) >= 0)
		n++;
	return n;
}

/* ---- policies ------------------------------------------------------------ */

struct nr {
	const char *name;
	uint8_t type;		/* CRS_RULE_NET_OUT or CRS_RULE_NET_IN */
	uint8_t action;
	const char *addr;	/* NULL: any */
	int prefix;		/* 0: the whole address */
	int pmin, pmax;		/* pmax 0: pmin alone; both 0: any */
	int proto;		/* 0: any */
	const char *program;
	bool disabled;
};

#define OUT	.type = CRS_RULE_NET_OUT
#define IN	.type = CRS_RULE_NET_IN
#define DENY	.action = CRS_ACTION_DENY
#define ALLOW	.action = CRS_ACTION_ALLOW
#define MONITOR	.action = CRS_ACTION_MONITOR

static void nr_put(struct ct_msg *m, const struct nr *r)
{
	struct ct_rule cr = { .name = r->name, .type = r->type,
			      .action = r->action, .program = r->program,
			      .disabled = r->disabled };
	uint8_t a[16] = { 0 };
	bool v6;

	if (r->addr) {
		v6 = strchr(r->addr, ':');
		if (v6) {
			inet_pton(AF_INET6, r->addr, a);
		} else {
			a[10] = a[11] = 0xff;
			inet_pton(AF_INET, r->addr, a + 12);
		}
		cr.addr = a;
		cr.has_prefix = true;
		cr.prefix = (v6 ? 0 : 96) + (r->prefix ? r->prefix : v6 ? 128 : 32);
	}
	if (r->pmin || r->pmax) {
		cr.has_port_min = cr.has_port_max = true;
		cr.port_min = r->pmin;
		cr.port_max = r->pmax ? r->pmax : r->pmin;
	}
	if (r->proto) {
		cr.has_proto = true;
		cr.proto = r->proto;
	}
	ct_rule(m, &cr);
}

static int apply_def(uint8_t mode, uint8_t def, const struct nr *rules, int n)
{
	struct ct_msg m;
	int i;

	ct_begin(&m, CRS_XFER_BEGIN | CRS_XFER_END, POL);
	nla_put_u8(m.msg, CRS_POLICY_A_MODE, mode);
	nla_put_u8(m.msg, CRS_POLICY_A_DEF_NETWORK, def);
	for (i = 0; i < n; i++)
		nr_put(&m, &rules[i]);
	return ct_send(&m, n);
}

#define APPLY(mode, ...) ({						\
	const struct nr _r[] = { __VA_ARGS__ };				\
	int _e = apply_def(mode, CRS_ACTION_ALLOW, _r,			\
			   sizeof(_r) / sizeof(_r[0]));			\
	if (_e)								\
		TH_LOG("apply: %s", crs_nl_errmsg);			\
	_e; })

/* ---- events -------------------------------------------------------------- */

struct nev {
	uint64_t seq;
	uint8_t type, action, enforced, direction, protocol;
	uint16_t port;
	uint8_t addr[16];
	int has_rule, has_addr;
	uint32_t pid;
	char rule[64], program[PATH_MAX], cgroup[256];
};

static int nev_cb(struct nlattr **attrs, struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *tb[CRS_EVENT_A_MAX + 1];
	struct nev *e = arg;
	uint64_t seq;

	(void)nlh;
	if (!attrs[CRS_A_EVENT] ||
	    crs_nla_parse_nested(tb, CRS_EVENT_A_MAX, attrs[CRS_A_EVENT]) ||
	    !tb[CRS_EVENT_A_SEQ])
		return -EPROTO;
	seq = nla_get_u64(tb[CRS_EVENT_A_SEQ]);
	if (seq < e->seq)
		return 0;
	memset(e, 0, sizeof(*e));
	e->seq = seq;
#define NG(f, t, a, d) (e->f = tb[a] ? nla_get_##t(tb[a]) : (d))
	NG(type, u8, CRS_EVENT_A_TYPE, 255);
	NG(action, u8, CRS_EVENT_A_ACTION, 255);
	NG(enforced, u8, CRS_EVENT_A_ENFORCED, 255);
	NG(direction, u8, CRS_EVENT_A_DIRECTION, 255);
	NG(protocol, u8, CRS_EVENT_A_PROTOCOL, 255);
	NG(port, u16, CRS_EVENT_A_PORT, 0);
	NG(pid, u32, CRS_EVENT_A_PID, 0);
#undef NG
	e->has_addr = !!tb[CRS_EVENT_A_ADDR];
	if (e->has_addr)
		memcpy(e->addr, nla_data(tb[CRS_EVENT_A_ADDR]), 16);
	e->has_rule = !!tb[CRS_EVENT_A_RULE];
	snprintf(e->rule, sizeof(e->rule), "%s",
		 tb[CRS_EVENT_A_RULE] ? nla_get_string(tb[CRS_EVENT_A_RULE]) : "");
	snprintf(e->program, sizeof(e->program), "%s",
		 tb[CRS_EVENT_A_PROGRAM] ?
		 nla_get_string(tb[CRS_EVENT_A_PROGRAM]) : "");
	snprintf(e->cgroup, sizeof(e->cgroup), "%s",
		 tb[CRS_EVENT_A_CGROUP] ?
		 nla_get_string(tb[CRS_EVENT_A_CGROUP]) : "");
	return 0;
}

/* Events produced before the test began. */
static uint64_t ev_base;

static uint64_t abs_seq(void)
{
	uint64_t last = 0;

	ct_event_seq(&last);
	return last;
}

/* Events the test produced so far. */
static uint64_t nseq(void)
{
	return abs_seq() - ev_base;
}

/*
 * The last event, once the ring has it; its seq counts from the test's
 * start, 0 if none came.
 */
static void last_event(struct nev *e)
{
	uint64_t last = abs_seq();
	int i;

	memset(e, 0, sizeof(*e));
	for (i = 0; last && i < 300; i++) {
		memset(e, 0, sizeof(*e));
		if (crs_nl_request(crs_msg(CRS_CMD_EVENT, NLM_F_DUMP),
				   nev_cb, e) || e->seq >= last)
			break;
		usleep(10000);
	}
	e->seq = e->seq > ev_base ? e->seq - ev_base : 0;
}

/* Whether e names addr (as text, IPv4 as mapped). */
static bool ev_addr_is(const struct nev *e, const char *addr)
{
	uint8_t a[16] = { 0 };

	if (strchr(addr, ':')) {
		inet_pton(AF_INET6, addr, a);
	} else {
		a[10] = a[11] = 0xff;
		inet_pton(AF_INET, addr, a + 12);
	}
	return e->has_addr && !memcmp(a, e->addr, 16);
}

/* ---- fixtures ------------------------------------------------------------ */

static int cg_fd = -1;

static void env_up(struct __test_metadata *_metadata, bool with_ns)
{
	ASSERT_EQ(0, crs_nl_open());
	ct_cleanup();
	cg_fd = ct_cgroup(CG);
	ASSERT_LE(0, cg_fd);
	ev_base = abs_seq();
	if (with_ns)
		ASSERT_EQ(0, net_up());
}

static void env_down(void)
{
	net_down();
	ct_cleanup();
	if (cg_fd >= 0)
		close(cg_fd);
	cg_fd = -1;
	ct_cgroup_rm(CG);
}

FIXTURE(lo) {
	int dummy;
};

FIXTURE_SETUP(lo)
{
	env_up(_metadata, false);
}

FIXTURE_TEARDOWN(lo)
{
	env_down();
}

FIXTURE(veth) {
	int dummy;
};

FIXTURE_SETUP(veth)
{
	env_up(_metadata, true);
}

FIXTURE_TEARDOWN(veth)
{
	env_down();
}

#define ATTACH()	ASSERT_EQ(0, ct_attach(cg_fd, POL))

/* ---- outbound ------------------------------------------------------------ */

static int raw_udp(int fd, const char *dst, int port, const char *hop);

/*
 * First in the file: no covered raw socket was made yet in this load of
 * the module, so the netfilter hooks that decide own headers are not in.
 */
TEST_F(lo, own_headers_of_a_raw_socket_made_before_the_policy)
{
	int r = OWN(UDP4, .bind = "127.0.0.3", .port = 4000);
	int fd = COVERED(.family = AF_INET, .type = SOCK_RAW,
			 .proto = IPPROTO_RAW);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, APPLY(CRS_MODE_ACTIVE, { "all", OUT, DENY, "127.0.0.3" }));
	ATTACH();
	EXPECT_EQ(EPERM, raw_udp(fd, "127.0.0.3", 4000, NULL));
	EXPECT_EQ(0, received(r));
	close(fd);
}

TEST_F(lo, tcp_connect_denied_fails_at_once_and_nothing_arrives)
{
	int l1 = OWN(TCP4, .bind = "127.0.0.1", .port = 8080, .listen = true);
	int l2 = OWN(TCP4, .bind = "127.0.0.1", .port = 9090, .listen = true);
	struct nev e;
	int fd;

	ASSERT_EQ(0, APPLY(CRS_MODE_ACTIVE,
			   { "web", OUT, DENY, "127.0.0.1", 0, 8000, 8999,
			     IPPROTO_TCP }));
	ATTACH();
	fd = COVERED(TCP4);
	ASSERT_LE(0, fd);
	EXPECT_EQ(EPERM, do_connect(fd, "127.0.0.1", 8080));
	EXPECT_EQ(0, pending(l1));
	last_event(&e);
	EXPECT_EQ(1, e.seq);
	EXPECT_EQ(CRS_RULE_NET_OUT, e.type);
	EXPECT_EQ(CRS_ACTION_DENY, e.action);
	EXPECT_EQ(1, e.enforced);
	EXPECT_EQ(CRS_DIR_OUTBOUND, e.direction);
	EXPECT_TRUE(ev_addr_is(&e, "127.0.0.1"));
	EXPECT_EQ(8080, e.port);
	EXPECT_EQ(IPPROTO_TCP, e.protocol);
	EXPECT_STREQ("web", e.rule);
	EXPECT_EQ(getpid(), e.pid);
	EXPECT_STREQ("/" CG, e.cgroup);
	close(fd);

	fd = COVERED(TCP4);
	EXPECT_EQ(0, do_connect(fd, "127.0.0.1", 9090));
	EXPECT_EQ(1, pending(l2));
	close(fd);
	/* The test's own socket is in no attached cgroup. */
	fd = OWN(TCP4);
	EXPECT_EQ(0, do_connect(fd, "127.0.0.1", 8080));
	EXPECT_EQ(1, pending(l1));
	close(fd);
	EXPECT_EQ(1, nseq());
}

TEST_F(lo, udp_sends_and_connect_denied)
{
	int r1 = OWN(UDP4, .bind = "127.0.0.1", .port = 5353);
	int r2 = OWN(UDP4, .bind = "127.0.0.1", .port = 5354);
	int fd;

	ASSERT_EQ(0, APPLY(CRS_MODE_ACTIVE,
			   { "dns", OUT, DENY, "127.0.0.1", 0, 5353, 0,
			     IPPROTO_UDP }));
	ATTACH();
	fd = COVERED(UDP4);
	ASSERT_LE(0, fd);
	EXPECT_EQ(EPERM, do_sendto(fd, "127.0.0.1", 5353));
	EXPECT_EQ(EPERM, do_sendmsg(fd, "127.0.0.1", 5353));
	EXPECT_EQ(EPERM, do_sendmmsg(fd, "127.0.0.1", 5353));
	EXPECT_EQ(EPERM, do_connect(fd, "127.0.0.1", 5353));
	EXPECT_EQ(0, received(r1));
	EXPECT_EQ(4, nseq());
	/* udp_sendmsg() sends to an AF_UNSPEC address as to an IPv4 one. */
	EXPECT_EQ(EPERM, do_sendto_unspec(fd, "127.0.0.1", 5353));
	EXPECT_EQ(0, received(r1));
	EXPECT_EQ(5, nseq());

	EXPECT_EQ(0, do_sendto(fd, "127.0.0.1", 5354));
	EXPECT_EQ(0, do_sendmsg(fd, "127.0.0.1", 5354));
	EXPECT_EQ(0, do_sendmmsg(fd, "127.0.0.1", 5354));
	EXPECT_EQ(4, received(r2));
	/* Connected to an allowed place, a denied address still fails. */
	EXPECT_EQ(0, do_connect(fd, "127.0.0.1", 5354));
	EXPECT_EQ(EPERM, do_sendto(fd, "127.0.0.1", 5353));
	EXPECT_EQ(1, send(fd, "x", 1, 0));
	EXPECT_EQ(0, received(r1));
	EXPECT_EQ(1, received(r2));
	close(fd);
}

TEST_F(lo, io_uring_sends_and_connects)
{
	int r = OWN(UDP4, .bind = "127.0.0.1", .port = 5353);
	int l = OWN(TCP4, .bind = "127.0.0.1", .port = 5353, .listen = true);
	int fd;

	ASSERT_EQ(0, APPLY(CRS_MODE_ACTIVE,
			   { "dns", OUT, DENY, "127.0.0.1", 0, 5353 }));
	ATTACH();
	fd = COVERED(UDP4);
	if (uring_sendto(fd, "127.0.0.1", 5354) == -1000)
		SKIP(return, "no io_uring");
	EXPECT_EQ(-EPERM, uring_sendto(fd, "127.0.0.1", 5353));
	EXPECT_EQ(0, received(r));
	EXPECT_EQ(sizeof(dgram), uring_sendto(fd, "127.0.0.2", 5353));
	close(fd);
	fd = COVERED(TCP4);
	EXPECT_EQ(-EPERM, uring_connect(fd, "127.0.0.1", 5353));
	EXPECT_EQ(0, pending(l));
	close(fd);
	EXPECT_EQ(2, nseq());
}

TEST_F(lo, ipv6_and_ipv4_mapped)
{
	int l6 = OWN(TCP6, .bind = "::1", .port = 8443, .listen = true);
	int r = OWN(UDP4, .bind = "127.0.0.1", .port = 6000);
	int r6 = OWN(UDP6, .bind = "::1", .port = 6000);
	struct nev e;
	int fd;

	ASSERT_EQ(0, APPLY(CRS_MODE_ACTIVE,
			   { "v6", OUT, DENY, "::1" },
			   { "v4", OUT, DENY, "127.0.0.2" }));
	ATTACH();
	fd = COVERED(TCP6);
	EXPECT_EQ(EPERM, do_connect(fd, "::1", 8443));
	EXPECT_EQ(0, pending(l6));
	last_event(&e);
	EXPECT_TRUE(ev_addr_is(&e, "::1"));
	EXPECT_EQ(8443, e.port);
	close(fd);

	fd = COVERED(UDP6);
	EXPECT_EQ(EPERM, do_sendto(fd, "::1", 6000));
	EXPECT_EQ(0, received(r6));
	/* An IPv4-mapped address is the IPv4 address. */
	EXPECT_EQ(EPERM, do_sendto(fd, "::ffff:127.0.0.2", 6000));
	last_event(&e);
	EXPECT_TRUE(ev_addr_is(&e, "127.0.0.2"));
	EXPECT_EQ(0, do_sendto(fd, "::ffff:127.0.0.1", 6000));
	EXPECT_EQ(1, received(r));
	close(fd);
	fd = COVERED(UDP4);
	EXPECT_EQ(EPERM, do_sendto(fd, "127.0.0.2", 6000));
	close(fd);
}

/* ---- specificity --------------------------------------------------------- */

TEST_F(lo, longest_prefix_decides)
{
	int fd;

	ASSERT_EQ(0, APPLY(CRS_MODE_ACTIVE,
			   { "lo8", OUT, DENY, "127.0.0.0", 8 },
			   { "lo24", OUT, ALLOW, "127.0.0.0", 24 },
			   { "lo25", OUT, DENY, "127.0.0.128", 25 },
			   { "v6", OUT, DENY, "fd00::", 16 },
			   { "v6b", OUT, ALLOW, "fd00:1::", 32 }));
	ATTACH();
	fd = COVERED(UDP6);
	EXPECT_EQ(0, do_sendto(fd, "::ffff:127.0.0.1", 7));
	EXPECT_EQ(EPERM, do_sendto(fd, "::ffff:127.0.0.200", 7));
	EXPECT_EQ(EPERM, do_sendto(fd, "::ffff:127.0.1.1", 7));
	EXPECT_EQ(EPERM, do_sendto(fd, "::ffff:127.255.0.1", 7));
	EXPECT_EQ(EPERM, do_connect(fd, "fd00:2::1", 7));
	EXPECT_EQ(ENETUNREACH, do_sendto(fd, "fd00:1::1", 7));
	EXPECT_EQ(ENETUNREACH, do_sendto(fd, "fd01::1", 7));
	close(fd);
}

TEST_F(lo, single_port_beats_narrower_range_beats_wider_beats_any)
{
	int r = OWN(UDP4, .bind = "127.0.0.1", .port = 7150);
	int fd;

	ASSERT_EQ(0, APPLY(CRS_MODE_ACTIVE,
			   { "any", OUT, DENY, "127.0.0.1" },
			   { "wide", OUT, ALLOW, "127.0.0.1", 0, 7000, 7999 },
			   { "narrow", OUT, DENY, "127.0.0.1", 0, 7100, 7199 },
			   { "one", OUT, ALLOW, "127.0.0.1", 0, 7150 }));
	ATTACH();
	fd = COVERED(UDP4);
	EXPECT_EQ(0, do_sendto(fd, "127.0.0.1", 7050));
	EXPECT_EQ(EPERM, do_sendto(fd, "127.0.0.1", 7120));
	EXPECT_EQ(0, do_sendto(fd, "127.0.0.1", 7150));
	EXPECT_EQ(1, received(r));
	EXPECT_EQ(EPERM, do_sendto(fd, "127.0.0.1", 8000));
	close(fd);
}

TEST_F(lo, named_protocol_beats_any_and_ports_never_match_icmp)
{
	int l = OWN(TCP4, .bind = "127.0.0.1", .port = 7000, .listen = true);
	int fd;

	ASSERT_EQ(0, APPLY(CRS_MODE_ACTIVE,
			   { "all", OUT, DENY, "127.0.0.1", 0, 7000 },
			   { "tcp", OUT, ALLOW, "127.0.0.1", 0, 7000, 0,
			     IPPROTO_TCP },
			   { "icmp-port", OUT, DENY, "127.0.0.4", 0, 1, 65535 }));
	ATTACH();
	fd = COVERED(TCP4);
	EXPECT_EQ(0, do_connect(fd, "127.0.0.1", 7000));
	EXPECT_EQ(1, pending(l));
	close(fd);
	fd = COVERED(UDP4);
	EXPECT_EQ(EPERM, do_sendto(fd, "127.0.0.1", 7000));
	close(fd);
	/* ICMP has no ports: a rule with ports does not cover it. */
	fd = COVERED(.family = AF_INET, .type = SOCK_RAW, .proto = IPPROTO_ICMP);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, do_sendto(fd, "127.0.0.4", 0));
	close(fd);
}

TEST_F(lo, deny_beats_monitor_beats_allow)
{
	struct nev e;
	int fd;

	ASSERT_EQ(0, APPLY(CRS_MODE_ACTIVE,
			   { "a1", OUT, ALLOW, "127.0.0.1", 0, 1000 },
			   { "d1", OUT, DENY, "127.0.0.1", 0, 1000 },
			   { "a2", OUT, ALLOW, "127.0.0.1", 0, 2000 },
			   { "m2", OUT, MONITOR, "127.0.0.1", 0, 2000 },
			   { "d2", OUT, DENY, "127.0.0.1", 0, 2000,
			     .disabled = true }));
	ATTACH();
	fd = COVERED(UDP4);
	EXPECT_EQ(EPERM, do_sendto(fd, "127.0.0.1", 1000));
	last_event(&e);
	EXPECT_STREQ("d1", e.rule);
	EXPECT_EQ(0, do_sendto(fd, "127.0.0.1", 2000));
	last_event(&e);
	EXPECT_EQ(2, e.seq);
	EXPECT_STREQ("m2", e.rule);
	EXPECT_EQ(CRS_ACTION_MONITOR, e.action);
	EXPECT_EQ(0, e.enforced);
	close(fd);
}

TEST_F(lo, program_of_the_creator_decides)
{
	char exe[PATH_MAX], dir[PATH_MAX];
	struct nev e;
	ssize_t n;
	int fd;

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	ASSERT_LT(0, n);
	exe[n] = '\0';
	snprintf(dir, sizeof(dir), "%s", exe);
	*(strrchr(dir, '/') + 1) = '\0';

	/* A named program beats its directory, which beats "*". */
	ASSERT_EQ(0, APPLY(CRS_MODE_ACTIVE,
			   { "any", OUT, DENY, "127.0.0.1", 0, 1000, .program = NULL },
			   { "dir", OUT, ALLOW, "127.0.0.1", 0, 1000, .program = dir },
			   { "dir2", OUT, DENY, "127.0.0.1", 0, 2000, .program = dir },
			   { "me", OUT, ALLOW, "127.0.0.1", 0, 2000, .program = exe },
			   { "other", OUT, DENY, "127.0.0.1", 0, 3000,
			     .program = "/bin/busybox" },
			   { "dir3", OUT, DENY, "127.0.0.1", 0, 4000,
			     .program = dir }));
	ATTACH();
	fd = COVERED(UDP4);
	EXPECT_EQ(0, do_sendto(fd, "127.0.0.1", 1000));
	EXPECT_EQ(0, do_sendto(fd, "127.0.0.1", 2000));
	EXPECT_EQ(0, do_sendto(fd, "127.0.0.1", 3000));
	EXPECT_EQ(EPERM, do_sendto(fd, "127.0.0.1", 4000));
	last_event(&e);
	EXPECT_STREQ("dir3", e.rule);
	EXPECT_STREQ(exe, e.program);
	close(fd);
}

/*
 * A program's path is as its process sees it from its root: a kept
 * decision on the sender's program must not outlive a chroot. The socket
 * is made before the policy, so that no record of its creator is kept
 * and the sender's program decides.
 */
TEST_F(lo, a_kept_program_follows_the_senders_root)
{
	int r = OWN(UDP4, .bind = "127.0.0.1", .port = 1200);
	char exe[PATH_MAX], top[PATH_MAX], *inner;
	cpu_set_t cpus;
	int fd, st;
	ssize_t n;
	pid_t pid;

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	ASSERT_LT(0, n);
	exe[n] = '\0';
	/* /crs/kselftest/net_test is /kselftest/net_test from /crs. */
	inner = strchr(exe + 1, '/');
	ASSERT_NE(NULL, inner);
	snprintf(top, sizeof(top), "%.*s", (int)(inner - exe), exe);
	fd = COVERED(UDP4);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, APPLY(CRS_MODE_ACTIVE,
			   { "jailed", OUT, DENY, "127.0.0.1", 0, 1200,
			     .program = inner }));
	ATTACH();
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		CPU_ZERO(&cpus);
		CPU_SET(0, &cpus);
		if (sched_setaffinity(0, sizeof(cpus), &cpus))
			_exit(10);
		if (do_sendto(fd, "127.0.0.1", 1200) ||
		    do_sendto(fd, "127.0.0.1", 1200))
			_exit(11);
		if (chroot(top) || chdir("/"))
			_exit(12);
		_exit(do_sendto(fd, "127.0.0.1", 1200) == EPERM ? 0 : 13);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_TRUE(WIFEXITED(st));
	EXPECT_EQ(0, WEXITSTATUS(st));
	EXPECT_EQ(2, received(r));
	close(fd);
}

/* ---- modes and defaults -------------------------------------------------- */

TEST_F(lo, modes)
{
	int r = OWN(UDP4, .bind = "127.0.0.1", .port = 1000);
	const struct nr rule = { "d", OUT, DENY, "127.0.0.1", 0, 1000 };
	struct nev e;
	int fd;

	ASSERT_EQ(0, apply_def(CRS_MODE_PERMISSIVE, CRS_ACTION_ALLOW, &rule, 1));
	ATTACH();
	fd = COVERED(UDP4);
	EXPECT_EQ(0, do_sendto(fd, "127.0.0.1", 1000));
	EXPECT_EQ(1, received(r));
	last_event(&e);
	EXPECT_EQ(1, e.seq);
	EXPECT_EQ(CRS_ACTION_DENY, e.action);
	EXPECT_EQ(0, e.enforced);

	ASSERT_EQ(0, ct_policy_set(POL, CRS_MODE_INACTIVE, NULL));
	EXPECT_EQ(0, do_sendto(fd, "127.0.0.1", 1000));
	EXPECT_EQ(1, received(r));
	EXPECT_EQ(1, nseq());

	ASSERT_EQ(0, ct_policy_set(POL, CRS_MODE_ACTIVE, NULL));
	EXPECT_EQ(EPERM, do_sendto(fd, "127.0.0.1", 1000));
	EXPECT_EQ(0, received(r));
	EXPECT_EQ(2, nseq());

	/* The attachment's own mode overrides the policy's. */
	ASSERT_EQ(0, ct_attach_cmd(CRS_CMD_ATTACH_SET, cg_fd, NULL,
				   CRS_MODE_PERMISSIVE, -1));
	EXPECT_EQ(0, do_sendto(fd, "127.0.0.1", 1000));
	EXPECT_EQ(1, received(r));
	ASSERT_EQ(0, ct_attach_cmd(CRS_CMD_ATTACH_SET, cg_fd, NULL,
				   CRS_MODE_INACTIVE, -1));
	EXPECT_EQ(0, do_sendto(fd, "127.0.0.1", 1000));
	ASSERT_EQ(0, ct_attach_cmd(CRS_CMD_ATTACH_SET, cg_fd, NULL,
				   CRS_MODE_POLICY, -1));
	EXPECT_EQ(EPERM, do_sendto(fd, "127.0.0.1", 1000));
	EXPECT_EQ(1, received(r));
	EXPECT_EQ(4, nseq());

	/* Detached: nothing is checked. */
	ASSERT_EQ(0, ct_detach(cg_fd));
	EXPECT_EQ(0, do_sendto(fd, "127.0.0.1", 1000));
	EXPECT_EQ(1, received(r));
	EXPECT_EQ(4, nseq());
	close(fd);
}

/*
 * Outbound decisions are kept per CPU and per socket (kmod/net.c, struct
 * crs_net_key): on one CPU, so that every send after the first is
 * answered from what was kept, each change must still be seen by the next
 * send of the same socket, and a new socket where an old one was freed
 * (the same memory, often) is decided on its own.
 */
TEST_F(lo, kept_decisions_follow_every_change)
{
	const struct nr d1100 = { "d", OUT, DENY, "127.0.0.1", 0, 1100 };
	const struct nr d1101 = { "d", OUT, DENY, "127.0.0.1", 0, 1101 };
	int r = OWN(UDP4, .bind = "127.0.0.1", .port = 1100);
	cpu_set_t cpus;
	int fd, i, other;

	CPU_ZERO(&cpus);
	CPU_SET(0, &cpus);
	ASSERT_EQ(0, sched_setaffinity(0, sizeof(cpus), &cpus));
	fd = COVERED(UDP4);
	ASSERT_LE(0, fd);

	/* Not covered yet, then attached to a policy that denies. */
	EXPECT_EQ(0, do_sendto(fd, "127.0.0.1", 1100));
	EXPECT_EQ(0, do_sendto(fd, "127.0.0.1", 1100));
	ASSERT_EQ(0, apply_def(CRS_MODE_ACTIVE, CRS_ACTION_ALLOW, &d1100, 1));
	ATTACH();
	EXPECT_EQ(EPERM, do_sendto(fd, "127.0.0.1", 1100));
	EXPECT_EQ(2, received(r));

	/* Replaced by a version that allows, and back. */
	ASSERT_EQ(0, apply_def(CRS_MODE_ACTIVE, CRS_ACTION_ALLOW, &d1101, 1));
	EXPECT_EQ(0, do_sendto(fd, "127.0.0.1", 1100));
	EXPECT_EQ(0, do_sendto(fd, "127.0.0.1", 1100));
	EXPECT_EQ(0, do_connect(fd, "127.0.0.1", 1100));
	EXPECT_EQ(0, do_connect(fd, "127.0.0.1", 1100));
	ASSERT_EQ(0, apply_def(CRS_MODE_ACTIVE, CRS_ACTION_ALLOW, &d1100, 1));
	EXPECT_EQ(EPERM, do_sendto(fd, "127.0.0.1", 1100));
	EXPECT_EQ(EPERM, do_connect(fd, "127.0.0.1", 1100));
	EXPECT_EQ(2, received(r));

	/* Allowed by an inactive attachment, then enforced again. */
	ASSERT_EQ(0, ct_attach_cmd(CRS_CMD_ATTACH_SET, cg_fd, NULL,
				   CRS_MODE_INACTIVE, -1));
	EXPECT_EQ(0, do_sendto(fd, "127.0.0.1", 1100));
	EXPECT_EQ(0, do_sendto(fd, "127.0.0.1", 1100));
	ASSERT_EQ(0, ct_attach_cmd(CRS_CMD_ATTACH_SET, cg_fd, NULL,
				   CRS_MODE_POLICY, -1));
	EXPECT_EQ(EPERM, do_sendto(fd, "127.0.0.1", 1100));
	EXPECT_EQ(2, received(r));
	close(fd);

	/*
	 * A socket of a cgroup no policy covers sends (and its answer is
	 * kept) and goes; the covered socket made next must be refused.
	 */
	other = ct_cgroup(CG "-other");
	ASSERT_LE(0, other);
	for (i = 0; i < 20; i++) {
		fd = sock_of(&(struct sockspec){ .cg = CG "-other", UDP4 },
			     NULL);
		ASSERT_LE(0, fd);
		EXPECT_EQ(0, do_sendto(fd, "127.0.0.1", 1100));
		EXPECT_EQ(0, do_sendto(fd, "127.0.0.1", 1100));
		close(fd);
		fd = COVERED(UDP4);
		ASSERT_LE(0, fd);
		EXPECT_EQ(EPERM, do_sendto(fd, "127.0.0.1", 1100));
		close(fd);
	}
	EXPECT_EQ(40, received(r));
	close(other);
	ct_cgroup_rm(CG "-other");
}

TEST_F(lo, default_network_deny)
{
	const struct nr rule = { "ok", OUT, ALLOW, "127.0.0.1", 0, 1000 };
	struct nev e;
	int fd;

	ASSERT_EQ(0, apply_def(CRS_MODE_ACTIVE, CRS_ACTION_DENY, &rule, 1));
	ATTACH();
	fd = COVERED(UDP4);
	EXPECT_EQ(0, do_sendto(fd, "127.0.0.1", 1000));
	EXPECT_EQ(EPERM, do_sendto(fd, "127.0.0.1", 1001));
	last_event(&e);
	EXPECT_EQ(0, e.has_rule);
	EXPECT_EQ(1, e.enforced);
	close(fd);

	/* Defaults apply to policies without network rules too. */
	ASSERT_EQ(0, apply_def(CRS_MODE_ACTIVE, CRS_ACTION_DENY, NULL, 0));
	fd = COVERED(UDP4);
	EXPECT_EQ(EPERM, do_sendto(fd, "127.0.0.1", 1000));
	close(fd);
}

/* ---- raw sockets ---------------------------------------------------------- */

/*
 * A UDP datagram to dst:port in an IPv4 header of the caller's own, through
 * hop (a loose source route in the header's options) unless NULL. 0 or
 * the errno.
 */
static int raw_udp(int fd, const char *dst, int port, const char *hop)
{
	int olen = hop ? 8 : 0, len = 20 + olen + 8 + 1;
	unsigned char pkt[20 + 8 + 8 + 1] = { 0 };
	struct udphdr *udp = (void *)(pkt + 20 + olen);
	struct iphdr *ip = (void *)pkt;
	struct sockaddr_storage ss;

	ip->version = 4;
	ip->ihl = 5 + olen / 4;
	ip->ttl = 64;
	ip->protocol = IPPROTO_UDP;
	ip->tot_len = htons(len);
	inet_pton(AF_INET, "127.0.0.1", &ip->saddr);
	inet_pton(AF_INET, dst, &ip->daddr);
	if (hop)
		lsrr(pkt + 20, hop);
	udp->dest = htons(port);
	udp->source = htons(999);
	udp->len = htons(8 + 1);
	/* The header's destination, not this one, is where it goes. */
	return sendto(fd, pkt, len, 0, (void *)&ss,
		      mkaddr(&ss, "127.0.0.9", 0)) == len ? 0 : errno;
}

/*
 * A raw UDP socket writes the UDP header: its packets go to the port
 * there, whatever the sockaddr's (which the kernel ignores).
 */
static int raw_udp_payload(int fd, const char *dst, int port, int sa_port)
{
	struct {
		struct udphdr udp;
		char data[1];
	} __attribute__((packed)) pkt = {
		.udp = { .source = htons(999), .dest = htons(port),
			 .len = htons(sizeof(pkt)) },
	};
	struct sockaddr_storage ss;

	return sendto(fd, &pkt, sizeof(pkt), 0, (void *)&ss,
		      mkaddr(&ss, dst, sa_port)) == sizeof(pkt) ? 0 : errno;
}

TEST_F(lo, raw_socket_of_a_protocol_with_ports_by_the_port_it_writes)
{
	int r = OWN(UDP4, .bind = "127.0.0.1", .port = 5353);
	int r2 = OWN(UDP4, .bind = "127.0.0.1", .port = 5354);
	struct nev e;
	int fd;

	ASSERT_EQ(0, APPLY(CRS_MODE_ACTIVE,
			   { "dns", OUT, DENY, "127.0.0.1", 0, 5353, 0,
			     IPPROTO_UDP }));
	ATTACH();
	fd = COVERED(.family = AF_INET, .type = SOCK_RAW, .proto = IPPROTO_UDP);
	ASSERT_LE(0, fd);
	/* The sockaddr says 5354 (or nothing); the header says 5353. */
	EXPECT_EQ(EPERM, raw_udp_payload(fd, "127.0.0.1", 5353, 5354));
	EXPECT_EQ(EPERM, raw_udp_payload(fd, "127.0.0.1", 5353, 0));
	EXPECT_EQ(0, received(r));
	last_event(&e);
	EXPECT_EQ(5353, e.port);
	EXPECT_EQ(IPPROTO_UDP, e.protocol);
	EXPECT_STREQ("dns", e.rule);
	/* And the other way round. */
	EXPECT_EQ(0, raw_udp_payload(fd, "127.0.0.1", 5354, 5353));
	EXPECT_EQ(1, received(r2));
	EXPECT_EQ(2, nseq());
	close(fd);
}

TEST_F(lo, any_protocol_covers_raw_icmp_and_own_headers)
{
	int r = OWN(UDP4, .bind = "127.0.0.5", .port = 4000);
	int r3 = OWN(UDP4, .bind = "127.0.0.3", .port = 4000);
	int fd;

	ASSERT_EQ(0, APPLY(CRS_MODE_ACTIVE,
			   { "all", OUT, DENY, "127.0.0.3" },
			   { "udp", OUT, DENY, "127.0.0.6", 0, 0, 0,
			     IPPROTO_UDP }));
	ATTACH();
	fd = COVERED(.family = AF_INET, .type = SOCK_RAW, .proto = IPPROTO_ICMP);
	ASSERT_LE(0, fd);
	EXPECT_EQ(EPERM, do_sendto(fd, "127.0.0.3", 0));
	EXPECT_EQ(EPERM, do_connect(fd, "127.0.0.3", 0));
	/* tcp or udp rules do not cover other protocols. */
	EXPECT_EQ(0, do_sendto(fd, "127.0.0.6", 0));
	close(fd);

	fd = COVERED(.family = AF_INET, .type = SOCK_RAW, .proto = IPPROTO_RAW);
	ASSERT_LE(0, fd);
	EXPECT_EQ(EPERM, raw_udp(fd, "127.0.0.3", 4000, NULL));
	EXPECT_EQ(EPERM, raw_udp(fd, "127.0.0.6", 4000, NULL));
	EXPECT_EQ(0, received(r3));
	EXPECT_EQ(0, raw_udp(fd, "127.0.0.5", 4000, NULL));
	EXPECT_EQ(1, received(r));
	close(fd);
}

/* ---- inbound ------------------------------------------------------------- */

TEST_F(lo, inbound_tcp_and_udp_in_the_initial_namespace)
{
	int l, u, fd;
	pid_t creator;
	struct nev e;

	ASSERT_EQ(0, APPLY(CRS_MODE_ACTIVE,
			   { "in", IN, DENY, "127.0.0.1", 0, 8081 },
			   { "out", OUT, DENY, "127.0.0.1", 0, 8081 }));
	ATTACH();
	l = sock_of(&(struct sockspec){ .cg = CG, TCP4, .bind = "0.0.0.0",
					.port = 8081, .listen = true },
		    &creator);
	ASSERT_LE(0, l);
	EXPECT_EQ(ETIMEDOUT, own_connect("127.0.0.1", "127.0.0.1", 8081));
	EXPECT_EQ(0, pending(l));
	last_event(&e);
	EXPECT_EQ(CRS_RULE_NET_IN, e.type);
	EXPECT_EQ(CRS_DIR_INBOUND, e.direction);
	EXPECT_TRUE(ev_addr_is(&e, "127.0.0.1"));
	EXPECT_EQ(8081, e.port);
	EXPECT_EQ(IPPROTO_TCP, e.protocol);
	EXPECT_EQ((uint32_t)creator, e.pid);
	EXPECT_STREQ("in", e.rule);
	EXPECT_STREQ("/" CG, e.cgroup);
	EXPECT_EQ(0, own_connect("127.0.0.2", "127.0.0.1", 8081));
	EXPECT_EQ(1, pending(l));
	close(l);

	u = COVERED(UDP4, .bind = "0.0.0.0", .port = 8081);
	fd = OWN(UDP4, .bind = "127.0.0.1");
	EXPECT_EQ(0, do_sendto(fd, "127.0.0.1", 8081));
	close(fd);
	fd = OWN(UDP4, .bind = "127.0.0.2");
	EXPECT_EQ(0, do_sendto(fd, "127.0.0.1", 8081));
	close(fd);
	EXPECT_EQ(1, received(u));
	close(u);
}

/* ---- a container: its own namespace, over veth -------------------------- */

TEST_F(veth, outbound_from_own_namespace)
{
	int l = OWN(TCP4, .bind = "10.9.0.1", .port = 80, .listen = true);
	int l3 = OWN(TCP4, .bind = "10.9.0.3", .port = 80, .listen = true);
	int l6 = OWN(TCP6, .bind = "fd00::1", .port = 80, .listen = true);
	int r = OWN(UDP4, .bind = "10.9.0.1", .port = 53);
	int r3 = OWN(UDP4, .bind = "10.9.0.3", .port = 53);
	int fd;

	ASSERT_EQ(0, APPLY(CRS_MODE_ACTIVE,
			   { "meta", OUT, DENY, "10.9.0.1" },
			   { "meta6", OUT, DENY, "fd00::1", 0, 80 }));
	ATTACH();
	fd = COVERED_NS(TCP4);
	ASSERT_LE(0, fd);
	EXPECT_EQ(EPERM, do_connect(fd, "10.9.0.1", 80));
	EXPECT_EQ(0, pending(l));
	close(fd);
	fd = COVERED_NS(TCP4);
	EXPECT_EQ(0, do_connect(fd, "10.9.0.3", 80));
	EXPECT_EQ(1, pending(l3));
	close(fd);
	fd = COVERED_NS(TCP6);
	EXPECT_EQ(EPERM, do_connect(fd, "fd00::1", 80));
	EXPECT_EQ(0, pending(l6));
	close(fd);
	fd = COVERED_NS(UDP4);
	EXPECT_EQ(EPERM, do_sendto(fd, "10.9.0.1", 53));
	EXPECT_EQ(0, do_sendto(fd, "10.9.0.3", 53));
	EXPECT_EQ(0, received(r));
	EXPECT_EQ(1, received(r3));
	close(fd);
	/* A socket of the namespace's that no covered process made. */
	fd = sock_of(&(struct sockspec){ .in_ns = true, UDP4 }, NULL);
	EXPECT_EQ(0, do_sendto(fd, "10.9.0.1", 53));
	EXPECT_EQ(1, received(r));
	close(fd);
}

TEST_F(veth, inbound_tcp_to_a_listener_in_own_namespace)
{
	int l4, l6;

	ASSERT_EQ(0, APPLY(CRS_MODE_ACTIVE,
			   { "in4", IN, DENY, "10.9.0.0", 24, 8080, 0,
			     IPPROTO_TCP },
			   { "in4ok", IN, ALLOW, "10.9.0.3", 0, 8080 },
			   { "in6", IN, DENY, "fd00::1", 0, 8000, 8999 }));
	ATTACH();
	l4 = COVERED_NS(TCP4, .bind = "10.9.0.2", .port = 8080, .listen = true);
	l6 = COVERED_NS(TCP6, .bind = "fd00::2", .port = 8080, .listen = true);
	ASSERT_LE(0, l4);
	ASSERT_LE(0, l6);
	EXPECT_EQ(ETIMEDOUT, own_connect("10.9.0.1", "10.9.0.2", 8080));
	EXPECT_EQ(ETIMEDOUT, own_connect("10.9.0.4", "10.9.0.2", 8080));
	EXPECT_EQ(0, pending(l4));
	EXPECT_EQ(0, own_connect("10.9.0.3", "10.9.0.2", 8080));
	EXPECT_EQ(1, pending(l4));
	EXPECT_EQ(ETIMEDOUT, own_connect("fd00::1", "fd00::2", 8080));
	EXPECT_EQ(0, pending(l6));
	EXPECT_EQ(0, own_connect("fd00::3", "fd00::2", 8080));
	EXPECT_EQ(1, pending(l6));
	close(l4);
	close(l6);
}

TEST_F(veth, inbound_udp_only_to_sockets_bound_by_their_process)
{
	int u, c, peer, fd;
	struct sockaddr_storage ss;
	char buf[8];

	ASSERT_EQ(0, APPLY(CRS_MODE_ACTIVE,
			   { "in", IN, DENY, "10.9.0.1", 0, 0, 0, IPPROTO_UDP },
			   { "in6", IN, DENY, "fd00::", 16 }));
	ATTACH();
	u = COVERED_NS(UDP4, .bind = "10.9.0.2", .port = 5000);
	ASSERT_LE(0, u);
	fd = OWN(UDP4, .bind = "10.9.0.1");
	EXPECT_EQ(0, do_sendto(fd, "10.9.0.2", 5000));
	close(fd);
	EXPECT_EQ(0, received(u));
	fd = OWN(UDP4, .bind = "10.9.0.3");
	EXPECT_EQ(0, do_sendto(fd, "10.9.0.2", 5000));
	close(fd);
	EXPECT_EQ(1, received(u));
	close(u);

	u = COVERED_NS(UDP6, .bind = "fd00::2", .port = 5000);
	fd = OWN(UDP6, .bind = "fd00::3");
	EXPECT_EQ(0, do_sendto(fd, "fd00::2", 5000));
	close(fd);
	EXPECT_EQ(0, received(u));
	close(u);

	/* An answer to the socket's own send is not inbound. */
	peer = OWN(UDP4, .bind = "10.9.0.1", .port = 5001);
	c = COVERED_NS(UDP4);
	EXPECT_EQ(0, do_sendto(c, "10.9.0.1", 5001));
	usleep(100000);
	{
		socklen_t len = sizeof(ss);

		ASSERT_EQ(sizeof(dgram), recvfrom(peer, buf, sizeof(buf), MSG_DONTWAIT,
				      (void *)&ss, &len));
		ASSERT_EQ(1, sendto(peer, "y", 1, 0, (void *)&ss, len));
	}
	EXPECT_EQ(1, received(c));
	close(c);
	close(peer);
}

/* Namespaces made after the policy took effect are covered too. */
TEST_F(lo, namespace_created_after_the_policy)
{
	int fd;

	ASSERT_EQ(0, APPLY(CRS_MODE_ACTIVE,
			   { "meta", OUT, DENY, "10.9.0.1" }));
	ATTACH();
	ASSERT_EQ(0, net_up());
	fd = COVERED_NS(UDP4);
	EXPECT_EQ(EPERM, do_sendto(fd, "10.9.0.1", 53));
	EXPECT_EQ(0, do_sendto(fd, "10.9.0.3", 53));
	close(fd);
	fd = COVERED_NS(.family = AF_INET, .type = SOCK_RAW,
			.proto = IPPROTO_RAW);
	ASSERT_LE(0, fd);
	EXPECT_EQ(EPERM, raw_udp(fd, "10.9.0.1", 53, NULL));
	close(fd);
}

/* ---- source routes ------------------------------------------------------- */

#ifndef IPV6_FLOWLABEL_MGR
#define IPV6_FLOWLABEL_MGR	32
#endif
#ifndef IPV6_FLOWINFO_SEND
#define IPV6_FLOWINFO_SEND	33
#endif

/* Sticky options on fd: a route through hop, or none (NULL). */
static int set_lsrr(int fd, const char *hop)
{
	uint8_t opt[8];

	if (!hop)
		return setsockopt(fd, IPPROTO_IP, IP_OPTIONS, NULL, 0);
	lsrr(opt, hop);
	return setsockopt(fd, IPPROTO_IP, IP_OPTIONS, opt, sizeof(opt));
}

/* sendmsg() to addr:port with one control message: 0 or the errno. */
static int sendmsg_cmsg(int fd, const char *addr, int port, int level,
			int type, const void *data, size_t len)
{
	char cbuf[CMSG_SPACE(64)];
	struct sockaddr_storage ss;
	struct iovec iov = { "x", 1 };
	struct msghdr m = { .msg_name = &ss, .msg_iov = &iov,
			    .msg_iovlen = 1, .msg_control = cbuf,
			    .msg_controllen = CMSG_SPACE(len) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&m);

	memset(cbuf, 0, sizeof(cbuf));
	cm->cmsg_level = level;
	cm->cmsg_type = type;
	cm->cmsg_len = CMSG_LEN(len);
	memcpy(CMSG_DATA(cm), data, len);
	m.msg_namelen = mkaddr(&ss, addr, port);
	return sendmsg(fd, &m, 0) == 1 ? 0 : errno;
}

/* A non-blocking connect: 0 once the SYN is out (EINPROGRESS), or errno. */
static int connect_nb(int fd, const char *addr, int port)
{
	struct sockaddr_storage ss;

	fcntl(fd, F_SETFL, O_NONBLOCK);
	if (!connect(fd, (void *)&ss, mkaddr(&ss, addr, port)))
		return 0;
	return errno == EINPROGRESS ? 0 : errno;
}

/*
 * A segment routing header (type 4) to send through hop: the kernel sends
 * to segments[segments_left], puts the destination in segments[0].
 */
struct srh {
	uint8_t nexthdr, hdrlen, type, segments_left, first_segment, flags;
	uint16_t tag;
	struct in6_addr seg[2];
};

static void srh_via(struct srh *h, const char *hop, const char *last)
{
	memset(h, 0, sizeof(*h));
	h->hdrlen = 4;
	h->type = 4;
	h->segments_left = 1;
	h->first_segment = 1;
	inet_pton(AF_INET6, hop, &h->seg[1]);
	if (last)
		inet_pton(AF_INET6, last, &h->seg[0]);
}

/* A type 2 routing header (Mobile IPv6): to addr, then the destination. */
struct rt2 {
	uint8_t nexthdr, hdrlen, type, segments_left;
	uint32_t reserved;
	struct in6_addr addr;
};

static void rt2_via(struct rt2 *h, const char *hop)
{
	memset(h, 0, sizeof(*h));
	h->hdrlen = 2;
	h->type = 2;
	h->segments_left = 1;
	inet_pton(AF_INET6, hop, &h->addr);
}

TEST_F(lo, sticky_source_route_through_a_denied_hop)
{
	int r = OWN(UDP4, .bind = "127.0.0.1", .port = 5353);
	int t = tap("lo", false);
	struct nev e;
	int fd;

	ASSERT_LE(0, t);
	ASSERT_EQ(0, APPLY(CRS_MODE_ACTIVE, { "hop", OUT, DENY, "127.0.0.3" }));
	ATTACH();
	fd = COVERED(UDP4);
	ASSERT_LE(0, fd);
	/* Allowed, and kept: a route set since must still be decided. */
	EXPECT_EQ(0, do_sendto(fd, "127.0.0.1", 5353));
	EXPECT_EQ(0, do_sendto(fd, "127.0.0.1", 5353));
	EXPECT_EQ(2, received(r));
	ASSERT_EQ(0, set_lsrr(fd, "127.0.0.3"));
	EXPECT_EQ(EPERM, do_sendto(fd, "127.0.0.1", 5353));
	EXPECT_EQ(EPERM, do_sendmsg(fd, "127.0.0.1", 5353));
	EXPECT_EQ(0, tapped(t, "127.0.0.3"));
	last_event(&e);
	EXPECT_EQ(2, e.seq);
	EXPECT_TRUE(ev_addr_is(&e, "127.0.0.3"));
	EXPECT_EQ(5353, e.port);
	EXPECT_EQ(IPPROTO_UDP, e.protocol);
	EXPECT_STREQ("hop", e.rule);
	EXPECT_EQ(1, e.enforced);
	/* Connected where it may go, its sends still go through the hop. */
	ASSERT_EQ(0, set_lsrr(fd, NULL));
	EXPECT_EQ(0, do_connect(fd, "127.0.0.1", 5353));
	ASSERT_EQ(0, set_lsrr(fd, "127.0.0.3"));
	EXPECT_EQ(-1, send(fd, "x", 1, 0));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(0, tapped(t, "127.0.0.3"));
	/* Without the route, the same sends go. */
	ASSERT_EQ(0, set_lsrr(fd, NULL));
	EXPECT_EQ(1, send(fd, "x", 1, 0));
	EXPECT_EQ(0, do_sendto(fd, "127.0.0.1", 5353));
	EXPECT_EQ(2, received(r));
	close(fd);

	/* Through an allowed hop, the packet leaves. */
	fd = COVERED(UDP4);
	ASSERT_EQ(0, set_lsrr(fd, "127.0.0.4"));
	EXPECT_EQ(0, do_sendto(fd, "127.0.0.1", 5353));
	EXPECT_LT(0, tapped(t, "127.0.0.4"));
	close(fd);
	EXPECT_EQ(3, nseq());
	close(t);
}

TEST_F(lo, source_route_of_one_message_through_a_denied_hop)
{
	int t = tap("lo", false);
	uint8_t opt[8];
	struct nev e;
	int fd;

	ASSERT_LE(0, t);
	ASSERT_EQ(0, APPLY(CRS_MODE_ACTIVE, { "hop", OUT, DENY, "127.0.0.3" }));
	ATTACH();
	fd = COVERED(UDP4);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, do_sendmsg(fd, "127.0.0.1", 5353));
	lsrr(opt, "127.0.0.3");
	EXPECT_EQ(EPERM, sendmsg_cmsg(fd, "127.0.0.1", 5353, IPPROTO_IP,
				      IP_RETOPTS, opt, sizeof(opt)));
	EXPECT_EQ(0, tapped(t, "127.0.0.3"));
	last_event(&e);
	EXPECT_TRUE(ev_addr_is(&e, "127.0.0.3"));
	lsrr(opt, "127.0.0.4");
	EXPECT_EQ(0, sendmsg_cmsg(fd, "127.0.0.1", 5353, IPPROTO_IP,
				  IP_RETOPTS, opt, sizeof(opt)));
	EXPECT_LT(0, tapped(t, "127.0.0.4"));
	EXPECT_EQ(1, nseq());
	close(fd);
	close(t);
}

/* Monitored hops are reported once per operation, the denied one first. */
TEST_F(lo, source_route_denied_beats_monitored_and_monitor_reports)
{
	int t = tap("lo", false);
	uint8_t opt[12] = { IPOPT_LSRR, 11, 4 };
	struct nev e;
	int fd;

	ASSERT_LE(0, t);
	ASSERT_EQ(0, APPLY(CRS_MODE_ACTIVE,
			   { "mon", OUT, MONITOR, "127.0.0.4" },
			   { "hop", OUT, DENY, "127.0.0.3" }));
	ATTACH();
	fd = COVERED(UDP4);
	ASSERT_LE(0, fd);
	/* 127.0.0.4 first, then 127.0.0.3. */
	inet_pton(AF_INET, "127.0.0.4", opt + 3);
	inet_pton(AF_INET, "127.0.0.3", opt + 7);
	ASSERT_EQ(0, setsockopt(fd, IPPROTO_IP, IP_OPTIONS, opt, sizeof(opt)));
	EXPECT_EQ(EPERM, do_sendto(fd, "127.0.0.1", 5353));
	last_event(&e);
	EXPECT_EQ(1, e.seq);
	EXPECT_STREQ("hop", e.rule);
	EXPECT_TRUE(ev_addr_is(&e, "127.0.0.3"));
	EXPECT_EQ(0, tapped(t, "127.0.0.4"));

	ASSERT_EQ(0, set_lsrr(fd, "127.0.0.4"));
	EXPECT_EQ(0, do_sendto(fd, "127.0.0.1", 5353));
	last_event(&e);
	EXPECT_EQ(2, e.seq);
	EXPECT_STREQ("mon", e.rule);
	EXPECT_EQ(CRS_ACTION_MONITOR, e.action);
	EXPECT_TRUE(ev_addr_is(&e, "127.0.0.4"));
	EXPECT_LT(0, tapped(t, "127.0.0.4"));
	close(fd);
	close(t);
}

TEST_F(lo, tcp_connect_through_a_denied_hop_fails_at_once)
{
	int l = OWN(TCP4, .bind = "127.0.0.1", .port = 8080, .listen = true);
	int t = tap("lo", false);
	struct nev e;
	int fd;

	ASSERT_LE(0, t);
	ASSERT_EQ(0, APPLY(CRS_MODE_ACTIVE, { "hop", OUT, DENY, "127.0.0.3" }));
	ATTACH();
	fd = COVERED(TCP4);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, set_lsrr(fd, "127.0.0.3"));
	EXPECT_EQ(EPERM, connect_nb(fd, "127.0.0.1", 8080));
	EXPECT_EQ(0, tapped(t, "127.0.0.3"));
	EXPECT_EQ(0, pending(l));
	last_event(&e);
	EXPECT_TRUE(ev_addr_is(&e, "127.0.0.3"));
	EXPECT_EQ(8080, e.port);
	EXPECT_EQ(IPPROTO_TCP, e.protocol);
	close(fd);

	/* Through an allowed hop, the SYN leaves (and goes no further). */
	fd = COVERED(TCP4);
	ASSERT_EQ(0, set_lsrr(fd, "127.0.0.4"));
	EXPECT_EQ(0, connect_nb(fd, "127.0.0.1", 8080));
	EXPECT_LT(0, tapped(t, "127.0.0.4"));
	close(fd);
	close(t);
}

/*
 * A route given to a connected TCP socket: its sends are refused, and
 * once the kernel reroutes it (the routing cache flushed), the segments it
 * sends by itself (acknowledgments) go to the first hop: netfilter drops
 * them.
 */
static void tcp_routed_after_connect(struct __test_metadata *_metadata,
				     int t, int port, const char *hop,
				     bool denied)
{
	int l = OWN(TCP4, .bind = "127.0.0.1", .port = port, .listen = true);
	int fd = COVERED(TCP4), a;
	uint64_t before;

	ASSERT_LE(0, l);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, do_connect(fd, "127.0.0.1", port));
	a = accept(l, NULL, NULL);
	ASSERT_LE(0, a);
	ASSERT_EQ(0, set_lsrr(fd, hop));
	if (denied) {
		EXPECT_EQ(-1, send(fd, "x", 1, 0));
		EXPECT_EQ(EPERM, errno);
	}
	before = nseq();
	ASSERT_EQ(0, sh("echo 1 >/proc/sys/net/ipv4/route/flush"));
	ASSERT_EQ(1, send(a, "y", 1, 0));
	if (denied) {
		EXPECT_EQ(0, tapped(t, hop));
		EXPECT_LT(before, nseq());
	} else {
		EXPECT_LT(0, tapped(t, hop));
	}
	close(a);
	close(fd);
	close(l);
}

TEST_F(lo, tcp_segments_rerouted_through_a_denied_hop_are_dropped)
{
	int t = tap("lo", false);
	struct nev e;

	ASSERT_LE(0, t);
	ASSERT_EQ(0, APPLY(CRS_MODE_ACTIVE, { "hop", OUT, DENY, "127.0.0.3" }));
	ATTACH();
	tcp_routed_after_connect(_metadata, t, 8091, "127.0.0.3", true);
	last_event(&e);
	EXPECT_TRUE(ev_addr_is(&e, "127.0.0.3"));
	EXPECT_EQ(1, e.enforced);
	/* Through an allowed hop, they leave. */
	tcp_routed_after_connect(_metadata, t, 8092, "127.0.0.4", false);
	close(t);
}

TEST_F(lo, own_header_with_a_source_route_through_a_denied_hop)
{
	int t = tap("lo", false);
	struct nev e;
	int fd;

	ASSERT_LE(0, t);
	ASSERT_EQ(0, APPLY(CRS_MODE_ACTIVE, { "hop", OUT, DENY, "127.0.0.3" }));
	ATTACH();
	fd = COVERED(.family = AF_INET, .type = SOCK_RAW, .proto = IPPROTO_RAW);
	ASSERT_LE(0, fd);
	EXPECT_EQ(EPERM, raw_udp(fd, "127.0.0.5", 4000, "127.0.0.3"));
	EXPECT_EQ(0, tapped(t, "127.0.0.5"));
	last_event(&e);
	EXPECT_TRUE(ev_addr_is(&e, "127.0.0.3"));
	EXPECT_EQ(0, raw_udp(fd, "127.0.0.5", 4000, "127.0.0.4"));
	EXPECT_LT(0, tapped(t, "127.0.0.5"));
	close(fd);
	close(t);
}

TEST_F(veth, ipv6_routing_headers_through_a_denied_hop)
{
	int t = tap("crsh", true);
	struct srh srh;
	struct rt2 rt2;
	struct nev e;
	int fd;

	ASSERT_LE(0, t);
	ASSERT_EQ(0, APPLY(CRS_MODE_ACTIVE, { "hop", OUT, DENY, "fd00::1" }));
	ATTACH();

	/* Sticky, a segment routing header: sends and connects. */
	fd = COVERED_NS(UDP6);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, do_sendto(fd, "fd00::3", 53));
	srh_via(&srh, "fd00::1", NULL);
	ASSERT_EQ(0, setsockopt(fd, IPPROTO_IPV6, IPV6_RTHDR, &srh,
				sizeof(srh)));
	EXPECT_EQ(EPERM, do_sendto(fd, "fd00::3", 53));
	EXPECT_EQ(EPERM, do_connect(fd, "fd00::3", 53));
	last_event(&e);
	EXPECT_TRUE(ev_addr_is(&e, "fd00::1"));
	EXPECT_EQ(53, e.port);
	close(fd);
	fd = COVERED_NS(TCP6);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, setsockopt(fd, IPPROTO_IPV6, IPV6_RTHDR, &srh,
				sizeof(srh)));
	EXPECT_EQ(EPERM, connect_nb(fd, "fd00::3", 80));
	close(fd);

	/* One message's, a type 2 header. */
	fd = COVERED_NS(UDP6);
	rt2_via(&rt2, "fd00::1");
	EXPECT_EQ(EPERM, sendmsg_cmsg(fd, "fd00::3", 53, IPPROTO_IPV6,
				      IPV6_RTHDR, &rt2, sizeof(rt2)));
	close(fd);
	EXPECT_EQ(0, tapped(t, "fd00::1"));

	/* Through an allowed hop, the packets leave. */
	fd = COVERED_NS(UDP6);
	srh_via(&srh, "fd00::4", NULL);
	ASSERT_EQ(0, setsockopt(fd, IPPROTO_IPV6, IPV6_RTHDR, &srh,
				sizeof(srh)));
	EXPECT_EQ(0, do_sendto(fd, "fd00::3", 53));
	rt2_via(&rt2, "fd00::4");
	ASSERT_EQ(0, setsockopt(fd, IPPROTO_IPV6, IPV6_RTHDR, NULL, 0));
	EXPECT_EQ(0, sendmsg_cmsg(fd, "fd00::3", 53, IPPROTO_IPV6,
				  IPV6_RTHDR, &rt2, sizeof(rt2)));
	EXPECT_EQ(2, tapped(t, "fd00::4"));
	close(fd);
	close(t);
}

/* The options of a flow label the socket holds: a type 2 header. */
static int flowlabel_via(int fd, uint32_t label, const char *dst,
			 const char *hop)
{
	struct {
		struct in6_addr flr_dst;
		uint32_t flr_label;
		uint8_t flr_action, flr_share;
		uint16_t flr_flags, flr_expires, flr_linger;
		uint32_t pad;
		char cmsg[CMSG_SPACE(sizeof(struct rt2))];
	} req;
	struct cmsghdr *cm = (struct cmsghdr *)req.cmsg;
	int one = 1;

	memset(&req, 0, sizeof(req));
	inet_pton(AF_INET6, dst, &req.flr_dst);
	req.flr_label = htonl(label);
	req.flr_action = 0;		/* IPV6_FL_A_GET */
	req.flr_share = 1;		/* IPV6_FL_S_EXCL */
	req.flr_flags = 3;		/* IPV6_FL_F_CREATE | IPV6_FL_F_EXCL */
	cm->cmsg_level = IPPROTO_IPV6;
	cm->cmsg_type = IPV6_RTHDR;
	cm->cmsg_len = CMSG_LEN(sizeof(struct rt2));
	rt2_via((struct rt2 *)CMSG_DATA(cm), hop);
	if (setsockopt(fd, IPPROTO_IPV6, IPV6_FLOWLABEL_MGR, &req, sizeof(req)))
		return errno;
	return setsockopt(fd, IPPROTO_IPV6, IPV6_FLOWINFO_SEND, &one,
			  sizeof(one)) ? errno : 0;
}

static int sendto_label(int fd, const char *addr, int port, uint32_t label)
{
	struct sockaddr_in6 s6;

	mkaddr((void *)&s6, addr, port);
	s6.sin6_flowinfo = htonl(label);
	return sendto(fd, "x", 1, 0, (void *)&s6, sizeof(s6)) == 1 ? 0 : errno;
}

TEST_F(veth, flow_label_routing_through_a_denied_hop)
{
	int t = tap("crsh", true);
	int fd;

	ASSERT_LE(0, t);
	ASSERT_EQ(0, APPLY(CRS_MODE_ACTIVE, { "hop", OUT, DENY, "fd00::1" }));
	ATTACH();
	fd = COVERED_NS(UDP6);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, flowlabel_via(fd, 0x12345, "fd00::3", "fd00::1"));
	EXPECT_EQ(EPERM, sendto_label(fd, "fd00::3", 53, 0x12345));
	EXPECT_EQ(0, tapped(t, "fd00::1"));
	close(fd);
	fd = COVERED_NS(UDP6);
	ASSERT_EQ(0, flowlabel_via(fd, 0x12346, "fd00::3", "fd00::4"));
	EXPECT_EQ(0, sendto_label(fd, "fd00::3", 53, 0x12346));
	EXPECT_LT(0, tapped(t, "fd00::4"));
	close(fd);
	close(t);
}

/*
 * A raw socket's own IPv6 header and segment routing header, to fd00::3
 * and then hop: netfilter decides it.
 */
static int raw6_srh(int fd, const char *hop)
{
	struct {
		struct ip6_hdr ip6;
		struct srh srh;
		struct udphdr udp;
		char data[1];
	} pkt;
	const size_t len = offsetof(typeof(pkt), data) + 1;
	struct sockaddr_storage ss;

	memset(&pkt, 0, sizeof(pkt));
	pkt.ip6.ip6_vfc = 0x60;
	pkt.ip6.ip6_plen = htons(len - sizeof(pkt.ip6));
	pkt.ip6.ip6_nxt = IPPROTO_ROUTING;
	pkt.ip6.ip6_hlim = 64;
	inet_pton(AF_INET6, "fd00::2", &pkt.ip6.ip6_src);
	inet_pton(AF_INET6, "fd00::3", &pkt.ip6.ip6_dst);
	srh_via(&pkt.srh, "fd00::3", hop);
	pkt.srh.nexthdr = IPPROTO_UDP;
	pkt.udp.dest = htons(53);
	pkt.udp.source = htons(999);
	pkt.udp.len = htons(sizeof(pkt.udp) + 1);
	return sendto(fd, &pkt, len, 0, (void *)&ss,
		      mkaddr(&ss, "fd00::3", 0)) == (ssize_t)len ? 0 : errno;
}

TEST_F(veth, own_ipv6_header_with_a_routing_header_through_a_denied_hop)
{
	int t = tap("crsh", true);
	struct nev e;
	int fd;

	ASSERT_LE(0, t);
	ASSERT_EQ(0, APPLY(CRS_MODE_ACTIVE, { "hop", OUT, DENY, "fd00::1" }));
	ATTACH();
	fd = COVERED_NS(.family = AF_INET6, .type = SOCK_RAW,
			.proto = IPPROTO_RAW);
	ASSERT_LE(0, fd);
	EXPECT_EQ(EPERM, raw6_srh(fd, "fd00::1"));
	EXPECT_EQ(0, tapped(t, "fd00::3"));
	last_event(&e);
	EXPECT_TRUE(ev_addr_is(&e, "fd00::1"));
	EXPECT_EQ(53, e.port);
	EXPECT_EQ(IPPROTO_UDP, e.protocol);
	EXPECT_EQ(0, raw6_srh(fd, "fd00::4"));
	EXPECT_LT(0, tapped(t, "fd00::3"));
	close(fd);
	close(t);
}

TEST_HARNESS_MAIN
