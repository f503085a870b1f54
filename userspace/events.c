// SPDX-License-Identifier: GPL-2.0
/*
 * crsctl events: the module's recent events, or the stream of new ones.
 *
 * Every gap in the sequence numbers, whether an event or a sync reveals
 * it, is printed in place as a "lost" line (SPEC section 5): the module
 * numbers each event it produced, dropped ones included, so nothing is
 * lost silently, not even when our own socket overflows (ENOBUFS).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>

#include "cgroupfs.h"
#include "crsctl.h"
#include "doc.h"
#include "events.h"
#include "nl.h"
#include "print.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

/* Bursts of events must fit while we print: ask for 16 MiB. */
#define EVENTS_RCVBUF	(16 << 20)
/* Datagrams read per recvmmsg(); the module packs up to 32 KiB in one. */
#define EVENTS_VLEN	16
#define EVENTS_DGRAM	(64 << 10)

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* Names the module's numbers as the policy document does (doc.c). */
static const char *name_or_unknown(const char *name)
{
	return name ? name : "unknown";
}

static void print_lost(uint64_t n)
{
	print_doc_begin_object();
	print_str("type", NULL, "lost");
	print_u64("count", "lost %" PRIu64 " events\n", n);
	print_doc_end();
}

/* Every number between what we accounted for and seq was dropped. */
static void account(struct events *st, uint64_t seq, int is_sync)
{
	uint64_t next = st->last + (is_sync ? 0 : 1);

	if (st->have_last && seq > next)
		print_lost(seq - next);
	if (!st->have_last || seq > st->last)
		st->last = seq;
	st->have_last = 1;
}

/*
 * What nla_parse() does with a policy, at a fraction of its cost: at
 * hundreds of thousands of events a second, libnl's parser was the largest
 * part of reading one. want[type] is the least payload an attribute of
 * that type needs, or ATTR_STR for a NUL-terminated string; one that does
 * not fit it is left out, as if it had not been sent.
 */
#define ATTR_STR	(-1)

static void attr_table(const struct nlattr **tb, const int8_t *want, int max,
		       const void *head, int len)
{
	const char *p = head, *end = p + (len > 0 ? len : 0);

	memset(tb, 0, sizeof(*tb) * (size_t)(max + 1));
	while (end - p >= NLA_HDRLEN) {
		const struct nlattr *nla = (const struct nlattr *)p;
		int alen = nla->nla_len, type = nla->nla_type & NLA_TYPE_MASK;

		if (alen < NLA_HDRLEN || alen > end - p)
			break;
		/* Type 0 is unused: want[0] is 0 and tb[0] never read. */
		if (type <= max &&
		    (want[type] == ATTR_STR ? alen > NLA_HDRLEN && !p[alen - 1] :
		     alen - NLA_HDRLEN >= want[type]))
			tb[type] = nla;
		p += NLA_ALIGN(alen);
	}
}

static const int8_t top_want[CRS_A_MAX + 1] = {
	[CRS_A_EVENT] = 0,
};

static const int8_t event_want[CRS_EVENT_A_MAX + 1] = {
	[CRS_EVENT_A_SEQ] = 8,
	[CRS_EVENT_A_TIME] = 8,
	[CRS_EVENT_A_TYPE] = 1,
	[CRS_EVENT_A_ACTION] = 1,
	[CRS_EVENT_A_ENFORCED] = 1,
	[CRS_EVENT_A_POLICY] = ATTR_STR,
	[CRS_EVENT_A_RULE] = ATTR_STR,
	[CRS_EVENT_A_CGROUP_ID] = 8,
	[CRS_EVENT_A_CGROUP] = ATTR_STR,
	[CRS_EVENT_A_PID] = 4,
	[CRS_EVENT_A_COMM] = ATTR_STR,
	[CRS_EVENT_A_PROGRAM] = ATTR_STR,
	[CRS_EVENT_A_PATH] = ATTR_STR,
	[CRS_EVENT_A_DIRECTION] = 1,
	[CRS_EVENT_A_ADDR] = 16,
	[CRS_EVENT_A_PORT] = 2,
	[CRS_EVENT_A_PROTOCOL] = 1,
	[CRS_EVENT_A_SYSCALL] = ATTR_STR,
	[CRS_EVENT_A_LOST] = 8,
};

static const int8_t arg_want[CRS_ARG_A_MAX + 1] = {
	[CRS_ARG_A_KIND] = 1,
	[CRS_ARG_A_INT] = 8,
	[CRS_ARG_A_PATH] = ATTR_STR,
};

static const void *attr_data(const struct nlattr *nla)
{
	return (const char *)nla + NLA_HDRLEN;
}

static int attr_len(const struct nlattr *nla)
{
	return nla->nla_len - NLA_HDRLEN;
}

/* The value of an attribute attr_table() kept, or 0 if it is absent. */
static uint8_t get_u8(const struct nlattr *nla)
{
	return nla ? *(const uint8_t *)attr_data(nla) : 0;
}

static uint16_t get_u16(const struct nlattr *nla)
{
	uint16_t v = 0;

	if (nla)
		memcpy(&v, attr_data(nla), sizeof(v));
	return v;
}

static uint32_t get_u32(const struct nlattr *nla)
{
	uint32_t v = 0;

	if (nla)
		memcpy(&v, attr_data(nla), sizeof(v));
	return v;
}

static uint64_t get_u64(const struct nlattr *nla)
{
	uint64_t v = 0;

	/* Eight bytes from a four-byte aligned place: memcpy. */
	if (nla)
		memcpy(&v, attr_data(nla), sizeof(v));
	return v;
}

/*
 * Kernel strings (paths, comm) are bytes, not necessarily UTF-8; print.c
 * makes them valid JSON.
 */
static const char *get_str(const struct nlattr *nla)
{
	return nla ? attr_data(nla) : NULL;
}

static int in_cgroup(const char *path, const char *filter)
{
	size_t n = strlen(filter);

	if (!strcmp(filter, "/"))
		return 1;
	return !strncmp(path, filter, n) && (path[n] == '\0' || path[n] == '/');
}

static void print_args(const struct nlattr *args)
{
	const struct nlattr *arg;
	int rem, i = 0;

	print_open_array("args");
	print_text("args=[");
	if (!args)
		goto out;
	nla_for_each_nested(arg, args, rem) {
		const struct nlattr *tb[CRS_ARG_A_MAX + 1];
		uint8_t kind;

		attr_table(tb, arg_want, CRS_ARG_A_MAX, attr_data(arg),
			   attr_len(arg));
		if (!tb[CRS_ARG_A_KIND])
			continue;
		kind = get_u8(tb[CRS_ARG_A_KIND]);
		if (kind == CRS_ARG_INT && tb[CRS_ARG_A_INT])
			print_s64(NULL, i ? ",%" PRId64 : "%" PRId64,
				  (int64_t)get_u64(tb[CRS_ARG_A_INT]));
		else if (kind == CRS_ARG_PATH && tb[CRS_ARG_A_PATH])
			print_str(NULL, i ? ",%s" : "%s",
				  get_str(tb[CRS_ARG_A_PATH]));
		else
			print_null(NULL, i ? ",*" : "*");
		i++;
	}
out:
	print_text("] ");
	print_close_array();
}

static void print_network(const struct nlattr **tb)
{
	char addr[INET6_ADDRSTRLEN] = "";
	uint8_t proto;

	print_str("direction", "%s ",
		  get_u8(tb[CRS_EVENT_A_DIRECTION]) == CRS_DIR_INBOUND ?
		  "inbound" : "outbound");
	if (tb[CRS_EVENT_A_ADDR] && attr_len(tb[CRS_EVENT_A_ADDR]) == 16)
		doc_ip_str(attr_data(tb[CRS_EVENT_A_ADDR]), addr, sizeof(addr));
	print_str("address", "address=%s ", addr[0] ? addr : NULL);
	print_u64("port", "port=%" PRIu64 " ", get_u16(tb[CRS_EVENT_A_PORT]));
	proto = get_u8(tb[CRS_EVENT_A_PROTOCOL]);
	if (proto == 6)
		print_str("protocol", "protocol=%s ", "tcp");
	else if (proto == 17)
		print_str("protocol", "protocol=%s ", "udp");
	else
		print_u64("protocol", "protocol=%" PRIu64 " ", proto);
}

/* Copies a literal; returns the end. */
#define LIT(o, lit)	((char *)memcpy((o), (lit), sizeof(lit) - 1) + sizeof(lit) - 1)

/* One of crsctl's own words, or a time: nothing in it needs escaping. */
static char *json_word(char *o, const char *word)
{
	size_t n = strlen(word);

	*o++ = '"';
	memcpy(o, word, n);
	o += n;
	*o++ = '"';
	return o;
}

/* A string attribute, or null. */
static char *json_attr(char *o, const struct nlattr *nla)
{
	return nla ? print_json_string(o, get_str(nla)) : LIT(o, "null");
}

/* The room json_attr() may need: the payload bounds the string. */
static size_t attr_room(const struct nlattr *nla)
{
	return PRINT_STRING_ROOM(nla ? (size_t)attr_len(nla) : 4);
}

/*
 * The JSON line of a file or network event, written at once: the same
 * bytes that the print_*() calls of print_event() give (events_test
 * holds both to what crsctl printed before), at a third of their cost.
 * A flood of events is nearly all these.
 */
static void json_event(const struct nlattr **tb, const char *cgroup,
		       uint8_t type, const char *when)
{
	char addr[INET6_ADDRSTRLEN] = "";
	bool net = type == CRS_RULE_NET_OUT || type == CRS_RULE_NET_IN;
	uint8_t proto;
	char *o;

	o = print_line_begin(512 + PRINT_STRING_ROOM(strlen(cgroup)) +
			     attr_room(tb[CRS_EVENT_A_POLICY]) +
			     attr_room(tb[CRS_EVENT_A_RULE]) +
			     attr_room(tb[CRS_EVENT_A_COMM]) +
			     attr_room(tb[CRS_EVENT_A_PROGRAM]) +
			     (net ? 0 : attr_room(tb[CRS_EVENT_A_PATH])));
	o = LIT(o, "{\"seq\":");
	o = print_json_u64(o, get_u64(tb[CRS_EVENT_A_SEQ]));
	o = LIT(o, ",\"time\":");
	o = json_word(o, when);
	o = LIT(o, ",\"type\":");
	o = json_word(o, doc_type_name(type));
	o = LIT(o, ",\"action\":");
	o = json_word(o, name_or_unknown(doc_action_name(tb[CRS_EVENT_A_ACTION] ?
				get_u8(tb[CRS_EVENT_A_ACTION]) : 0xff)));
	if (get_u8(tb[CRS_EVENT_A_ENFORCED]))
		o = LIT(o, ",\"enforced\":true,\"policy\":");
	else
		o = LIT(o, ",\"enforced\":false,\"policy\":");
	o = json_attr(o, tb[CRS_EVENT_A_POLICY]);
	o = LIT(o, ",\"rule\":");
	o = json_attr(o, tb[CRS_EVENT_A_RULE]);
	o = LIT(o, ",\"cgroup\":");
	o = print_json_string(o, cgroup);
	o = LIT(o, ",\"pid\":");
	o = print_json_u64(o, get_u32(tb[CRS_EVENT_A_PID]));
	o = LIT(o, ",\"comm\":");
	o = json_attr(o, tb[CRS_EVENT_A_COMM]);
	o = LIT(o, ",\"program\":");
	o = json_attr(o, tb[CRS_EVENT_A_PROGRAM]);
	if (!net) {
		o = LIT(o, ",\"path\":");
		o = json_attr(o, tb[CRS_EVENT_A_PATH]);
		o = LIT(o, "}\n");
		print_line_end(o);
		return;
	}
	if (get_u8(tb[CRS_EVENT_A_DIRECTION]) == CRS_DIR_INBOUND)
		o = LIT(o, ",\"direction\":\"inbound\",\"address\":");
	else
		o = LIT(o, ",\"direction\":\"outbound\",\"address\":");
	if (tb[CRS_EVENT_A_ADDR] && attr_len(tb[CRS_EVENT_A_ADDR]) == 16)
		doc_ip_str(attr_data(tb[CRS_EVENT_A_ADDR]), addr, sizeof(addr));
	o = addr[0] ? json_word(o, addr) : LIT(o, "null");
	o = LIT(o, ",\"port\":");
	o = print_json_u64(o, get_u16(tb[CRS_EVENT_A_PORT]));
	proto = get_u8(tb[CRS_EVENT_A_PROTOCOL]);
	if (proto == 6) {
		o = LIT(o, ",\"protocol\":\"tcp\"}\n");
	} else if (proto == 17) {
		o = LIT(o, ",\"protocol\":\"udp\"}\n");
	} else {
		o = LIT(o, ",\"protocol\":");
		o = print_json_u64(o, proto);
		o = LIT(o, "}\n");
	}
	print_line_end(o);
}

static void print_event(const struct nlattr **tb, const char *cgroup)
{
	char when[64];
	uint8_t type = tb[CRS_EVENT_A_TYPE] ? get_u8(tb[CRS_EVENT_A_TYPE]) : 0xff;

	format_time(get_u64(tb[CRS_EVENT_A_TIME]), when, sizeof(when));
	switch (print_json ? type : 0xff) {
	case CRS_RULE_FILE_READ:
	case CRS_RULE_FILE_WRITE:
	case CRS_RULE_NET_OUT:
	case CRS_RULE_NET_IN:
		json_event(tb, cgroup, type, when);
		return;
	}
	print_doc_begin_object();
	print_u64("seq", "#%" PRIu64 " ", get_u64(tb[CRS_EVENT_A_SEQ]));
	print_str("time", "%s ", when);
	print_str("type", "%s ", name_or_unknown(doc_type_name(type)));
	print_str("action", "%s ",
		  name_or_unknown(doc_action_name(tb[CRS_EVENT_A_ACTION] ?
			  get_u8(tb[CRS_EVENT_A_ACTION]) : 0xff)));
	print_bool("enforced", "enforced=%s ", get_u8(tb[CRS_EVENT_A_ENFORCED]));
	print_str("policy", "policy=%s ", get_str(tb[CRS_EVENT_A_POLICY]));
	print_str("rule", "rule=%s ", get_str(tb[CRS_EVENT_A_RULE]));
	print_str("cgroup", "cgroup=%s ", cgroup);
	print_u64("pid", "pid=%" PRIu64 " ", get_u32(tb[CRS_EVENT_A_PID]));
	print_str("comm", "comm=%s ", get_str(tb[CRS_EVENT_A_COMM]));
	print_str("program", "program=%s ", get_str(tb[CRS_EVENT_A_PROGRAM]));
	switch (type) {
	case CRS_RULE_FILE_READ:
	case CRS_RULE_FILE_WRITE:
		print_str("path", "path=%s ", get_str(tb[CRS_EVENT_A_PATH]));
		break;
	case CRS_RULE_NET_OUT:
	case CRS_RULE_NET_IN:
		print_network(tb);
		break;
	case CRS_RULE_SYSCALL:
		print_str("syscall", "syscall=%s ", get_str(tb[CRS_EVENT_A_SYSCALL]));
		print_args(tb[CRS_EVENT_A_ARGS]);
		break;
	}
	print_text("\n");
	print_doc_end();
}

/*
 * The absolute path of a cgroup, from its path below the mount. Events
 * come in runs from the same cgroups: the last one is kept.
 */
static const char *abs_cgroup(const char *rel)
{
	static char last_rel[PATH_MAX], abs[PATH_MAX];
	static bool have;
	size_t n = strlen(rel);

	if (n >= sizeof(last_rel))
		return rel;
	if (!have || memcmp(rel, last_rel, n + 1)) {
		have = true;
		if (cgroupfs_abs_path(rel, abs, sizeof(abs)))
			memcpy(abs, rel, n + 1);
		memcpy(last_rel, rel, n + 1);
	}
	return abs;
}

/* One CRS_CMD_EVENT or CRS_CMD_EVENT_SYNC; returns 1 once --count is met. */
static int handle(struct events *st, uint8_t cmd, const struct nlattr *event)
{
	const struct nlattr *tb[CRS_EVENT_A_MAX + 1];
	const char *rel;
	uint64_t seq;

	if (!event)
		return 0;
	attr_table(tb, event_want, CRS_EVENT_A_MAX, attr_data(event),
		   attr_len(event));
	if (!tb[CRS_EVENT_A_SEQ])
		return 0;
	seq = get_u64(tb[CRS_EVENT_A_SEQ]);
	if (cmd == CRS_CMD_EVENT_SYNC) {
		account(st, seq, 1);
		return 0;
	}
	if (cmd != CRS_CMD_EVENT)
		return 0;
	account(st, seq, 0);
	rel = get_str(tb[CRS_EVENT_A_CGROUP]);
	if (st->cgroup && (!rel || !in_cgroup(rel, st->cgroup)))
		return 0;
	print_event(tb, rel ? abs_cgroup(rel) : "");
	st->printed++;
	return st->count && st->printed >= st->count;
}

static int dump_cb(struct nlattr **attrs, struct nlmsghdr *nlh, void *arg)
{
	struct events *st = arg;

	(void)nlh;
	if (st->count && st->printed >= st->count)
		return 0;
	handle(st, CRS_CMD_EVENT, attrs[CRS_A_EVENT]);
	return 0;
}

static int status_seq_cb(struct nlattr **attrs, struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *tb[CRS_STATS_A_MAX + 1];
	struct events *st = arg;

	(void)nlh;
	if (attrs[CRS_A_STATS] &&
	    !crs_nla_parse_nested(tb, CRS_STATS_A_MAX, attrs[CRS_A_STATS]) &&
	    tb[CRS_STATS_A_EVENT_SEQ]) {
		st->last = nla_get_u64(tb[CRS_STATS_A_EVENT_SEQ]);
		st->have_last = 1;
	}
	return 0;
}

int events_dgram(struct events *st, int family, const void *buf, size_t len)
{
	const struct nlmsghdr *nlh;

	for (nlh = buf; NLMSG_OK(nlh, len); nlh = NLMSG_NEXT(nlh, len)) {
		const struct nlattr *attrs[CRS_A_MAX + 1];
		const struct genlmsghdr *g = NLMSG_DATA(nlh);

		if (nlh->nlmsg_type != family ||
		    nlh->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN))
			continue;
		attr_table(attrs, top_want, CRS_A_MAX,
			   (const char *)g + GENL_HDRLEN,
			   (int)(nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN)));
		if (handle(st, g->cmd, attrs[CRS_A_EVENT]))
			return 1;
	}
	return 0;
}

static int join_events(int *fdp)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int size = EVENTS_RCVBUF, one = 1;
	int fd, grp;

	grp = genl_ctrl_resolve_grp(crs_nl_sock(), CRS_GENL_NAME, CRS_MCGRP_EVENTS);
	if (grp < 0)
		return fail("events: cannot find the events group: %s",
			    nl_geterror(grp));
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	/* The kernel's multicast skips port 0, which an unbound socket has. */
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)))
		return fail("events: cannot open a netlink socket: %s",
			    strerror(errno));
	/*
	 * FORCE goes beyond rmem_max for CAP_NET_ADMIN; others get what
	 * rmem_max allows.
	 */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	/*
	 * An overflow shows as a gap in seq anyway. Without this, it would
	 * also mark the socket congested, and the kernel would deliver
	 * nothing more until a read finds the queue empty; in testing, a
	 * subscriber that had caught up stayed starved for good.
	 */
	setsockopt(fd, SOL_NETLINK, NETLINK_NO_ENOBUFS, &one, sizeof(one));
	if (setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &grp, sizeof(grp))) {
		int err = errno;

		close(fd);
		if (err == EPERM)
			return fail("events: joining the events group needs CAP_SYS_ADMIN in the initial user namespace");
		return fail("events: cannot join the events group: %s",
			    strerror(err));
	}
	*fdp = fd;
	return EXIT_OK;
}

/*
 * SIGINT and SIGTERM end the command with status 0 (SPEC section 6). They
 * stay blocked but while it waits in ppoll(), so that one arriving between
 * a check of stop and the wait cannot be lost and leave it blocked.
 */
static sigset_t wait_mask;

static void catch_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };
	sigset_t block;

	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &wait_mask);
	sigdelset(&wait_mask, SIGINT);
	sigdelset(&wait_mask, SIGTERM);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static int follow(struct events *st)
{
	static struct mmsghdr msgs[EVENTS_VLEN];
	static struct iovec iov[EVENTS_VLEN];
	struct pollfd pfd = { .events = POLLIN };
	int family = crs_nl_family();
	int fd = -1, i, n, ret;
	char *bufs;

	ret = join_events(&fd);
	if (ret)
		return ret;
	/*
	 * Count from the last number produced before we joined; without
	 * CAP_MAC_ADMIN to ask, from the first event that arrives.
	 */
	crs_nl_request(crs_msg(CRS_CMD_STATUS_GET, 0), status_seq_cb, st);

	bufs = malloc((size_t)EVENTS_VLEN * EVENTS_DGRAM);
	if (!bufs)
		return fail("out of memory");
	for (i = 0; i < EVENTS_VLEN; i++) {
		iov[i].iov_base = bufs + (size_t)i * EVENTS_DGRAM;
		iov[i].iov_len = EVENTS_DGRAM;
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	pfd.fd = fd;
	print_batch(true);
	for (;;) {
		/* What the last read brought is out before we wait again. */
		print_flush();
		if (stop)
			break;
		if (ppoll(&pfd, 1, NULL, &wait_mask) < 0)
			continue;	/* EINTR: stop is set */
		n = recvmmsg(fd, msgs, EVENTS_VLEN, MSG_DONTWAIT, NULL);
		if (n < 0) {
			/* Overflow: the next event or sync sizes the gap. */
			if (errno == EINTR || errno == ENOBUFS ||
			    errno == EAGAIN)
				continue;
			ret = fail("events: receiving: %s", strerror(errno));
			break;
		}
		for (i = 0; i < n; i++)
			if (events_dgram(st, family, iov[i].iov_base,
					 msgs[i].msg_len))
				goto out;
	}
out:
	print_batch(false);
	free(bufs);
	close(fd);
	return ret;
}

static int resolve_cgroup(const char *arg, char *buf, size_t len)
{
	const char *mnt = cgroupfs_mount();
	size_t n = mnt ? strlen(mnt) : 0;

	/*
	 * Absolute under the mount, or relative to it, as cgroup commands
	 * take it. The cgroup may be gone already: only its path matters.
	 */
	if (arg[0] == '/') {
		if (!mnt || strncmp(arg, mnt, n) || (arg[n] != '/' && arg[n] != '\0'))
			return -1;
		arg += n;
	}
	while (*arg == '/')
		arg++;
	if ((size_t)snprintf(buf, len, "/%s", arg) >= len)
		return -1;
	n = strlen(buf);
	while (n > 1 && buf[n - 1] == '/')
		buf[--n] = '\0';
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: crsctl [-j] events [--follow] [--count N] [--cgroup CGROUP]\n"
		"  without --follow: the module's recent events, then exits\n"
		"  --follow       the events that come after subscribing, until stopped\n"
		"  --count N      stop after N events (lost lines do not count)\n"
		"  --cgroup CGROUP  only that cgroup and its descendants\n");
}

int do_events(int argc, char **argv)
{
	struct events st = { 0 };
	char cgroup[PATH_MAX];
	int follow_mode = 0;
	char *end;
	int i, err;

	for (i = 0; i < argc; i++) {
		if (matches(argv[i], "help") || matches(argv[i], "-h") ||
		    matches(argv[i], "--help")) {
			usage(stdout);
			return EXIT_OK;
		} else if (matches(argv[i], "--follow") || matches(argv[i], "-f")) {
			follow_mode = 1;
		} else if (matches(argv[i], "--count")) {
			if (++i == argc)
				return usage_error("events: --count needs a number");
			errno = 0;
			st.count = strtoull(argv[i], &end, 10);
			if (errno || *end || !*argv[i] || argv[i][0] == '-' ||
			    !st.count)
				return usage_error("events: --count wants a positive number, not \"%s\"",
						   argv[i]);
		} else if (matches(argv[i], "--cgroup")) {
			if (++i == argc)
				return usage_error("events: --cgroup needs a cgroup");
			if (resolve_cgroup(argv[i], cgroup, sizeof(cgroup)))
				return usage_error("events: --cgroup: %s is not a path under the cgroup v2 mount",
						   argv[i]);
			st.cgroup = cgroup;
		} else {
			return usage_error("events: unknown argument \"%s\"", argv[i]);
		}
	}
	catch_signals();
	if (crs_nl_open() < 0)
		return EXIT_FAIL;
	if (follow_mode)
		return follow(&st);
	err = crs_nl_request(crs_msg(CRS_CMD_EVENT, NLM_F_DUMP), dump_cb, &st);
	if (err < 0)
		return crs_nl_perror("events", err);
	return EXIT_OK;
}
