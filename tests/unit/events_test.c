// SPDX-License-Identifier: GPL-2.0
/*
 * What crsctl events prints for the messages the module sends: datagrams
 * are built here as the kernel builds them (several messages to one,
 * attributes padded to four bytes) and given to events_dgram(), the
 * function the follow loop calls, and the output is compared byte for
 * byte, JSON and text: escapes, IPv4-mapped addresses, a null rule,
 * syscall arguments, lost lines, --count and --cgroup.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "kselftest_harness.h"
#include "cgroupfs.h"
#include "events.h"
#include "nl.h"
#include "print.h"

#define FAMILY	0x1d

/* 2026-11-22T13:45:07.123456Z */
#define T0	1795355107123456789ull

static struct {
	char buf[8192];
	size_t len;
	size_t msg;
	size_t nest[4];
	int depth;
} dg;

static void dg_reset(void)
{
	memset(&dg, 0, sizeof(dg));
}

static void put_attr(int type, const void *data, size_t n)
{
	struct nlattr *a = (struct nlattr *)(dg.buf + dg.len);

	a->nla_type = (uint16_t)type;
	a->nla_len = (uint16_t)(NLA_HDRLEN + n);
	memcpy((char *)a + NLA_HDRLEN, data, n);
	memset((char *)a + NLA_HDRLEN + n, 0, NLA_ALIGN(n) - n);
	dg.len += NLA_ALIGN(NLA_HDRLEN + n);
}

static void put_u8(int type, uint8_t v)
{
	put_attr(type, &v, sizeof(v));
}

static void put_u16(int type, uint16_t v)
{
	put_attr(type, &v, sizeof(v));
}

static void put_u32(int type, uint32_t v)
{
	put_attr(type, &v, sizeof(v));
}

static void put_u64(int type, uint64_t v)
{
	put_attr(type, &v, sizeof(v));
}

static void put_str(int type, const char *s)
{
	put_attr(type, s, strlen(s) + 1);
}

static void nest_start(int type)
{
	struct nlattr *a = (struct nlattr *)(dg.buf + dg.len);

	a->nla_type = (uint16_t)(type | NLA_F_NESTED);
	dg.nest[dg.depth++] = dg.len;
	dg.len += NLA_HDRLEN;
}

static void nest_end(void)
{
	size_t start = dg.nest[--dg.depth];

	((struct nlattr *)(dg.buf + start))->nla_len = (uint16_t)(dg.len - start);
}

/* A message of cmd whose CRS_A_EVENT nest the caller fills. */
static void msg_start(int type, uint8_t cmd)
{
	struct nlmsghdr *h = (struct nlmsghdr *)(dg.buf + dg.len);
	struct genlmsghdr *g = NLMSG_DATA(h);

	memset(h, 0, NLMSG_HDRLEN + GENL_HDRLEN);
	h->nlmsg_type = (uint16_t)type;
	g->cmd = cmd;
	g->version = CRS_GENL_VERSION;
	dg.msg = dg.len;
	dg.len += NLMSG_HDRLEN + GENL_HDRLEN;
	nest_start(CRS_A_EVENT);
}

static void msg_end(void)
{
	nest_end();
	((struct nlmsghdr *)(dg.buf + dg.msg))->nlmsg_len = (uint32_t)(dg.len - dg.msg);
	dg.len = NLMSG_ALIGN(dg.len);
}

/* The attributes every event carries, in the module's order. */
static void event_head(uint64_t seq, uint8_t type, uint8_t action,
		       const char *rule, const char *cgroup)
{
	msg_start(FAMILY, CRS_CMD_EVENT);
	put_u64(CRS_EVENT_A_SEQ, seq);
	put_u64(CRS_EVENT_A_TIME, T0 + (seq - 41) * 1000);
	put_u8(CRS_EVENT_A_TYPE, type);
	put_u8(CRS_EVENT_A_ACTION, action);
	put_u8(CRS_EVENT_A_ENFORCED, action == CRS_ACTION_DENY);
	put_u64(CRS_EVENT_A_CGROUP_ID, 4242);
	put_u32(CRS_EVENT_A_PID, 812);
	put_str(CRS_EVENT_A_POLICY, "web");
	if (rule)
		put_str(CRS_EVENT_A_RULE, rule);
	put_str(CRS_EVENT_A_CGROUP, cgroup);
	put_str(CRS_EVENT_A_COMM, "sh");
	put_str(CRS_EVENT_A_PROGRAM, "/bin/busybox");
}

static void file_event(uint64_t seq, const char *path)
{
	event_head(seq, CRS_RULE_FILE_WRITE, CRS_ACTION_DENY, "hosts-ro", "/web");
	put_str(CRS_EVENT_A_PATH, path);
	msg_end();
}

static void net_event(uint64_t seq, const uint8_t *addr, uint8_t proto)
{
	event_head(seq, CRS_RULE_NET_OUT, CRS_ACTION_MONITOR, NULL, "/web/app");
	put_u8(CRS_EVENT_A_DIRECTION, CRS_DIR_OUTBOUND);
	put_attr(CRS_EVENT_A_ADDR, addr, 16);
	put_u16(CRS_EVENT_A_PORT, 80);
	put_u8(CRS_EVENT_A_PROTOCOL, proto);
	msg_end();
}

static void syscall_event(uint64_t seq)
{
	event_head(seq, CRS_RULE_SYSCALL, CRS_ACTION_DENY, "no-shell", "/web");
	put_str(CRS_EVENT_A_SYSCALL, "execve");
	nest_start(CRS_EVENT_A_ARGS);
	nest_start(CRS_RULE_A_ARG);
	put_u8(CRS_ARG_A_KIND, CRS_ARG_PATH);
	put_str(CRS_ARG_A_PATH, "/bin/sh");
	nest_end();
	nest_start(CRS_RULE_A_ARG);
	put_u8(CRS_ARG_A_KIND, CRS_ARG_INT);
	put_u64(CRS_ARG_A_INT, (uint64_t)-17);
	nest_end();
	nest_start(CRS_RULE_A_ARG);
	put_u8(CRS_ARG_A_KIND, CRS_ARG_ANY);
	nest_end();
	nest_end();
	msg_end();
}

static void sync_msg(uint64_t seq)
{
	msg_start(FAMILY, CRS_CMD_EVENT_SYNC);
	put_u64(CRS_EVENT_A_SEQ, seq);
	put_u64(CRS_EVENT_A_LOST, 0);
	msg_end();
}

static struct events st;
static int stopped;

static void feed(void)
{
	print_batch(true);
	stopped = events_dgram(&st, FAMILY, dg.buf, dg.len);
	print_batch(false);
}

/* Runs feed() with stdout captured into out. */
static void run(bool json, char *out, size_t len)
{
	FILE *f = tmpfile();
	int so = dup(1);
	size_t n;

	print_json = json;
	fflush(stdout);
	dup2(fileno(f), 1);
	feed();
	fflush(stdout);
	dup2(so, 1);
	close(so);
	rewind(f);
	n = fread(out, 1, len - 1, f);
	out[n] = '\0';
	fclose(f);
}

/* The cgroup v2 mount as crsctl puts it before the module's paths. */
static const char *mnt(void)
{
	const char *m = cgroupfs_mount();

	return m && strcmp(m, "/") ? m : "";
}

static char *expand(const char *fmt)
{
	static char buf[8192];
	const char *m = mnt();
	char *o = buf;

	/* @ stands for the mount. */
	for (; *fmt; fmt++) {
		if (*fmt == '@') {
			strcpy(o, m);
			o += strlen(m);
		} else {
			*o++ = *fmt;
		}
	}
	*o = '\0';
	return buf;
}

static void start(uint64_t last)
{
	memset(&st, 0, sizeof(st));
	st.last = last;
	st.have_last = 1;
	dg_reset();
}

TEST(file_event_json_escapes_bytes)
{
	char out[4096];

	start(40);
	file_event(41, "/etc/a\"b\\c\nd\te\x01" "f\xc3\xa9g\xffh/0123456789abcdef");
	run(true, out, sizeof(out));
	EXPECT_STREQ(expand("{\"seq\":41,\"time\":\"2026-11-22T13:45:07.123456Z\","
			    "\"type\":\"file-write\",\"action\":\"deny\",\"enforced\":true,"
			    "\"policy\":\"web\",\"rule\":\"hosts-ro\",\"cgroup\":\"@/web\","
			    "\"pid\":812,\"comm\":\"sh\",\"program\":\"/bin/busybox\","
			    "\"path\":\"/etc/a\\\"b\\\\c\\nd\\te\\u0001f\xc3\xa9g\xef\xbf\xbdh/0123456789abcdef\"}\n"),
		     out);
	EXPECT_EQ(0, stopped);
	EXPECT_EQ(1, st.printed);
}

TEST(file_event_text)
{
	char out[4096];

	start(40);
	file_event(41, "/etc/hosts");
	run(false, out, sizeof(out));
	EXPECT_STREQ(expand("#41 2026-11-22T13:45:07.123456Z file-write deny enforced=true "
			    "policy=web rule=hosts-ro cgroup=@/web pid=812 comm=sh "
			    "program=/bin/busybox path=/etc/hosts \n"), out);
}

static const uint8_t mapped[16] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 169, 254, 169, 254
};
static const uint8_t v6[16] = {
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1
};

TEST(network_events_null_rule_and_mapped_address)
{
	char out[4096];

	start(40);
	net_event(41, mapped, 6);
	net_event(42, v6, 132);
	run(true, out, sizeof(out));
	EXPECT_STREQ(expand("{\"seq\":41,\"time\":\"2026-11-22T13:45:07.123456Z\","
			    "\"type\":\"network-outbound\",\"action\":\"monitor\",\"enforced\":false,"
			    "\"policy\":\"web\",\"rule\":null,\"cgroup\":\"@/web/app\","
			    "\"pid\":812,\"comm\":\"sh\",\"program\":\"/bin/busybox\","
			    "\"direction\":\"outbound\",\"address\":\"169.254.169.254\","
			    "\"port\":80,\"protocol\":\"tcp\"}\n"
			    "{\"seq\":42,\"time\":\"2026-11-22T13:45:07.123457Z\","
			    "\"type\":\"network-outbound\",\"action\":\"monitor\",\"enforced\":false,"
			    "\"policy\":\"web\",\"rule\":null,\"cgroup\":\"@/web/app\","
			    "\"pid\":812,\"comm\":\"sh\",\"program\":\"/bin/busybox\","
			    "\"direction\":\"outbound\",\"address\":\"2001:db8::1\","
			    "\"port\":80,\"protocol\":132}\n"), out);

	start(40);
	net_event(41, mapped, 17);
	run(false, out, sizeof(out));
	EXPECT_STREQ(expand("#41 2026-11-22T13:45:07.123456Z network-outbound monitor "
			    "enforced=false policy=web rule=- cgroup=@/web/app pid=812 "
			    "comm=sh program=/bin/busybox outbound address=169.254.169.254 "
			    "port=80 protocol=udp \n"), out);
}

/* What a module might leave out: each has its place in the line. */
TEST(missing_attributes_print_as_before)
{
	char out[4096];

	start(40);
	msg_start(FAMILY, CRS_CMD_EVENT);
	put_u64(CRS_EVENT_A_SEQ, 41);
	put_u8(CRS_EVENT_A_TYPE, CRS_RULE_NET_IN);
	put_u8(CRS_EVENT_A_ACTION, 77);
	put_u8(CRS_EVENT_A_DIRECTION, CRS_DIR_INBOUND);
	put_u8(CRS_EVENT_A_PROTOCOL, 17);
	msg_end();
	msg_start(FAMILY, CRS_CMD_EVENT);
	put_u64(CRS_EVENT_A_SEQ, 42);
	put_u8(CRS_EVENT_A_TYPE, CRS_RULE_FILE_READ);
	put_str(CRS_EVENT_A_CGROUP, "/");
	msg_end();
	run(true, out, sizeof(out));
	EXPECT_STREQ(expand("{\"seq\":41,\"time\":\"1970-01-01T00:00:00.000000Z\","
			    "\"type\":\"network-inbound\",\"action\":\"unknown\",\"enforced\":false,"
			    "\"policy\":null,\"rule\":null,\"cgroup\":\"\","
			    "\"pid\":0,\"comm\":null,\"program\":null,"
			    "\"direction\":\"inbound\",\"address\":null,"
			    "\"port\":0,\"protocol\":\"udp\"}\n"
			    "{\"seq\":42,\"time\":\"1970-01-01T00:00:00.000000Z\","
			    "\"type\":\"file-read\",\"action\":\"unknown\",\"enforced\":false,"
			    "\"policy\":null,\"rule\":null,\"cgroup\":\"@\","
			    "\"pid\":0,\"comm\":null,\"program\":null,\"path\":null}\n"), out);
}

TEST(syscall_event_args)
{
	char out[4096];

	start(40);
	syscall_event(41);
	run(true, out, sizeof(out));
	EXPECT_STREQ(expand("{\"seq\":41,\"time\":\"2026-11-22T13:45:07.123456Z\","
			    "\"type\":\"syscall\",\"action\":\"deny\",\"enforced\":true,"
			    "\"policy\":\"web\",\"rule\":\"no-shell\",\"cgroup\":\"@/web\","
			    "\"pid\":812,\"comm\":\"sh\",\"program\":\"/bin/busybox\","
			    "\"syscall\":\"execve\",\"args\":[\"/bin/sh\",-17,null]}\n"), out);

	start(40);
	syscall_event(41);
	run(false, out, sizeof(out));
	EXPECT_STREQ(expand("#41 2026-11-22T13:45:07.123456Z syscall deny enforced=true "
			    "policy=web rule=no-shell cgroup=@/web pid=812 comm=sh "
			    "program=/bin/busybox syscall=execve args=[/bin/sh,-17,*] \n"), out);
}

TEST(gaps_are_lost_lines_in_place)
{
	char out[8192];
	const char *o;

	/* 41, then 44 (42 and 43 lost), then a sync at 47 (45 to 47 lost). */
	start(40);
	file_event(41, "/a");
	file_event(44, "/b");
	sync_msg(47);
	file_event(48, "/c");
	run(true, out, sizeof(out));
	o = strstr(out, "\"seq\":41,");
	ASSERT_NE(NULL, o);
	o = strstr(o, "\n{\"type\":\"lost\",\"count\":2}\n{\"seq\":44,");
	ASSERT_NE(NULL, o);
	o = strstr(o, "\n{\"type\":\"lost\",\"count\":3}\n{\"seq\":48,");
	ASSERT_NE(NULL, o);
	EXPECT_EQ(3, st.printed);

	start(40);
	file_event(43, "/a");
	run(false, out, sizeof(out));
	EXPECT_EQ(0, strncmp("lost 2 events\n#43 ", out, 18));

	/* A sync that reveals nothing prints nothing. */
	start(40);
	sync_msg(40);
	run(true, out, sizeof(out));
	EXPECT_STREQ("", out);
}

TEST(count_stops_and_cgroup_filters)
{
	char out[8192];

	start(40);
	st.count = 2;
	file_event(41, "/a");
	file_event(42, "/b");
	file_event(43, "/c");
	run(true, out, sizeof(out));
	EXPECT_EQ(1, stopped);
	EXPECT_EQ(2, st.printed);
	EXPECT_NE(NULL, strstr(out, "\"seq\":42,"));
	EXPECT_EQ(NULL, strstr(out, "\"seq\":43,"));

	/* /web/app is below /web; /webx is not. */
	start(40);
	st.cgroup = "/web";
	net_event(41, mapped, 6);
	event_head(42, CRS_RULE_FILE_READ, CRS_ACTION_DENY, NULL, "/webx");
	put_str(CRS_EVENT_A_PATH, "/x");
	msg_end();
	run(true, out, sizeof(out));
	EXPECT_NE(NULL, strstr(out, "\"seq\":41,"));
	EXPECT_EQ(NULL, strstr(out, "\"seq\":42,"));
	EXPECT_EQ(1, st.printed);
}

TEST(malformed_messages_are_not_trusted)
{
	char out[4096];
	struct nlattr *a;
	size_t at;

	/* A path without its NUL is left out; other families are ignored. */
	start(40);
	event_head(41, CRS_RULE_FILE_READ, CRS_ACTION_DENY, NULL, "/web");
	at = dg.len;
	put_str(CRS_EVENT_A_PATH, "/abc");
	a = (struct nlattr *)(dg.buf + at);
	a->nla_len -= 1;
	msg_end();
	msg_start(FAMILY + 1, CRS_CMD_EVENT);
	put_u64(CRS_EVENT_A_SEQ, 99);
	msg_end();
	run(true, out, sizeof(out));
	EXPECT_NE(NULL, strstr(out, "\"seq\":41,"));
	EXPECT_NE(NULL, strstr(out, "\"path\":null}\n"));
	EXPECT_EQ(NULL, strstr(out, "\"seq\":99"));

	/* A string ends at its first NUL, as a C string does. */
	start(40);
	event_head(41, CRS_RULE_FILE_READ, CRS_ACTION_DENY, NULL, "/web");
	put_attr(CRS_EVENT_A_PATH, "/etc/hosts\0/etc/shadow", 23);
	msg_end();
	run(true, out, sizeof(out));
	EXPECT_NE(NULL, strstr(out, "\"path\":\"/etc/hosts\"}\n"));
	run(false, out, sizeof(out));
	EXPECT_NE(NULL, strstr(out, " path=/etc/hosts \n"));

	/* A seq shorter than a u64 makes no event at all. */
	start(40);
	msg_start(FAMILY, CRS_CMD_EVENT);
	put_u32(CRS_EVENT_A_SEQ, 41);
	msg_end();
	run(true, out, sizeof(out));
	EXPECT_STREQ("", out);
	EXPECT_EQ(0, st.printed);
}

TEST_HARNESS_MAIN
