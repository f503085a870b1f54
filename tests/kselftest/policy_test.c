// SPDX-License-Identifier: GPL-2.0
/*
 * Policies over netlink: create, replace, transfers in parts, read back,
 * rename, mode, delete, limits, and every refusal with its extack text and
 * proof that nothing changed.
 */
#include <signal.h>
#include <sys/syscall.h>
#include <time.h>

#include "kselftest_harness.h"
#include "crs_policy_util.h"

static const uint8_t v4_10_0_0_0[16] = { [10] = 0xff, [11] = 0xff, 10 };
static const uint8_t v4_10_0_0_1[16] = { [10] = 0xff, [11] = 0xff, 10, 0, 0, 1 };
static const uint8_t v6_2001_db8[16] = { 0x20, 0x01, 0x0d, 0xb8 };

struct stats {
	uint32_t policies, rules;
	uint64_t rule_bytes;
};

static int stats_cb(struct nlattr **attrs, struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *tb[CRS_STATS_A_MAX + 1];
	struct stats *st = arg;

	(void)nlh;
	if (!attrs[CRS_A_STATS] ||
	    crs_nla_parse_nested(tb, CRS_STATS_A_MAX, attrs[CRS_A_STATS]))
		return -EPROTO;
	st->policies = nla_get_u32(tb[CRS_STATS_A_POLICIES]);
	st->rules = nla_get_u32(tb[CRS_STATS_A_RULES]);
	st->rule_bytes = nla_get_u64(tb[CRS_STATS_A_RULE_BYTES]);
	return 0;
}

static struct stats get_stats(void)
{
	struct stats st = { 0 };

	crs_nl_request(crs_msg(CRS_CMD_STATUS_GET, 0), stats_cb, &st);
	return st;
}

/* Rule bytes are uncharged after a grace period: wait for a value. */
static int wait_rule_bytes(uint64_t want)
{
	int i;

	for (i = 0; i < 200; i++) {
		if (get_stats().rule_bytes == want)
			return 0;
		usleep(10000);
	}
	return -1;
}

/* Frees of earlier tests finish after a grace period: wait them out. */
static uint64_t settled_rule_bytes(void)
{
	uint64_t last = get_stats().rule_bytes, now;
	int same = 0, i;

	for (i = 0; i < 300 && same < 5; i++) {
		usleep(20000);
		now = get_stats().rule_bytes;
		same = now == last ? same + 1 : 0;
		last = now;
	}
	return last;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void write_param(const char *name, const char *val)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "/sys/module/crs/parameters/%s", name);
	f = fopen(path, "w");
	if (f) {
		fputs(val, f);
		fclose(f);
	}
}

/* Every test starts from one known policy, "base", with 2 rules. */
static int make_base(struct ct_policy *before)
{
	if (crs_nl_open())
		return -1;
	ct_cleanup();
	return ct_apply("base", CRS_MODE_ACTIVE, 2) ?:
	       ct_policy_get("base", before);
}

static void drop_all(void)
{
	write_param("max_rules", "1048576");
	write_param("max_rule_bytes", "268435456");
	ct_cleanup();
}

FIXTURE(policy) {
	struct ct_policy before;
};

FIXTURE_SETUP(policy)
{
	ASSERT_EQ(0, make_base(&self->before));
}

FIXTURE_TEARDOWN(policy)
{
	drop_all();
}

/* "base" as the fixture made it, and nothing else. */
static int unchanged(struct ct_policy *before)
{
	struct ct_policy now;

	if (ct_policy_get("base", &now) || ct_policy_count() != 1)
		return 0;
	return now.generation == before->generation &&
	       now.modified == before->modified && now.n_rules == 2;
}

struct rules {
	int n;
	int bad;
	uint32_t generation;
	char first[64], last[64];
	char last_path[64];
	int types[8];
};

static int rules_cb(struct nlattr **attrs, struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *tb[CRS_RULE_A_MAX + 1], *pt[CRS_POLICY_A_MAX + 1];
	struct rules *r = arg;
	char want[32];

	(void)nlh;
	if (!attrs[CRS_A_RULE] || !attrs[CRS_A_POLICY] ||
	    crs_nla_parse_nested(tb, CRS_RULE_A_MAX, attrs[CRS_A_RULE]) ||
	    crs_nla_parse_nested(pt, CRS_POLICY_A_MAX, attrs[CRS_A_POLICY]))
		return -EPROTO;
	r->generation = nla_get_u32(pt[CRS_POLICY_A_GENERATION]);
	snprintf(r->last, sizeof(r->last), "%s",
		 nla_get_string(tb[CRS_RULE_A_NAME]));
	r->last_path[0] = '\0';
	if (tb[CRS_RULE_A_PATH])
		snprintf(r->last_path, sizeof(r->last_path), "%s",
			 nla_get_string(tb[CRS_RULE_A_PATH]));
	if (!r->n)
		snprintf(r->first, sizeof(r->first), "%s", r->last);
	if (r->n < 8)
		r->types[r->n] = nla_get_u8(tb[CRS_RULE_A_TYPE]);
	/* Bulk policies are r0, r1, ...: check document order. */
	snprintf(want, sizeof(want), "r%d", r->n);
	if (r->last[0] == 'r' && strcmp(want, r->last))
		r->bad++;
	r->n++;
	return 0;
}

TEST_F(policy, create_reads_back_header_and_defaults)
{
	struct ct_policy p;
	struct ct_msg m;

	ct_begin(&m, CRS_XFER_BEGIN | CRS_XFER_END, "web");
	nla_put_u8(m.msg, CRS_POLICY_A_MODE, CRS_MODE_PERMISSIVE);
	ct_file_rule(&m, "r", 0);
	ASSERT_EQ(0, ct_send(&m, 1));

	ASSERT_EQ(0, ct_policy_get("web", &p));
	EXPECT_STREQ("web", p.name);
	EXPECT_STREQ("", p.description);
	EXPECT_EQ(CRS_MODE_PERMISSIVE, p.mode);
	EXPECT_EQ(CRS_ACTION_ALLOW, p.def_network);
	EXPECT_EQ(CRS_ACTION_ALLOW, p.def_file);
	EXPECT_EQ(CRS_ACTION_ALLOW, p.def_app);
	EXPECT_EQ(CRS_COMPAT_DENY, p.compat);
	EXPECT_EQ(1, p.n_rules);
	EXPECT_EQ(0, p.n_attach);
	EXPECT_EQ(p.created, p.modified);
	EXPECT_LT(self->before.id, p.id);
	EXPECT_LT(self->before.generation, p.generation);
	EXPECT_EQ(2, ct_policy_count());
}

TEST_F(policy, explicit_header_fields_are_kept)
{
	struct ct_policy p;
	struct ct_msg m;

	ct_begin(&m, CRS_XFER_BEGIN | CRS_XFER_END, "db");
	nla_put_u8(m.msg, CRS_POLICY_A_MODE, CRS_MODE_INACTIVE);
	nla_put_string(m.msg, CRS_POLICY_A_DESCRIPTION, "postgres");
	nla_put_u8(m.msg, CRS_POLICY_A_DEF_NETWORK, CRS_ACTION_DENY);
	nla_put_u8(m.msg, CRS_POLICY_A_DEF_FILE, CRS_ACTION_MONITOR);
	nla_put_u8(m.msg, CRS_POLICY_A_DEF_APP, CRS_ACTION_DENY);
	nla_put_u8(m.msg, CRS_POLICY_A_COMPAT, CRS_COMPAT_ALLOW);
	ASSERT_EQ(0, ct_send(&m, 0));

	ASSERT_EQ(0, ct_policy_get("db", &p));
	EXPECT_STREQ("postgres", p.description);
	EXPECT_EQ(CRS_MODE_INACTIVE, p.mode);
	EXPECT_EQ(CRS_ACTION_DENY, p.def_network);
	EXPECT_EQ(CRS_ACTION_MONITOR, p.def_file);
	EXPECT_EQ(CRS_ACTION_DENY, p.def_app);
	EXPECT_EQ(CRS_COMPAT_ALLOW, p.compat);
	EXPECT_EQ(0, p.n_rules);
}

struct rule_fields {
	char program[64], syscall[32], arg_path[64];
	uint64_t arg_int;
	int nargs, disabled, has_addr, prefix, pmin, pmax, proto, nr;
};

static int fields_cb(struct nlattr **attrs, struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *tb[CRS_RULE_A_MAX + 1], *at[CRS_ARG_A_MAX + 1], *a;
	struct rule_fields *f = arg;
	int rem;

	(void)nlh;
	if (crs_nla_parse_nested(tb, CRS_RULE_A_MAX, attrs[CRS_A_RULE]))
		return -EPROTO;
	if (nla_get_u8(tb[CRS_RULE_A_TYPE]) == CRS_RULE_NET_OUT) {
		f->has_addr = !!tb[CRS_RULE_A_ADDR];
		f->prefix = nla_get_u8(tb[CRS_RULE_A_PREFIX]);
		f->pmin = nla_get_u16(tb[CRS_RULE_A_PORT_MIN]);
		f->pmax = nla_get_u16(tb[CRS_RULE_A_PORT_MAX]);
		f->proto = nla_get_u8(tb[CRS_RULE_A_PROTOCOL]);
		f->disabled = !!tb[CRS_RULE_A_DISABLED];
		return 0;
	}
	if (nla_get_u8(tb[CRS_RULE_A_TYPE]) != CRS_RULE_SYSCALL)
		return 0;
	snprintf(f->program, sizeof(f->program), "%s",
		 nla_get_string(tb[CRS_RULE_A_PROGRAM]));
	snprintf(f->syscall, sizeof(f->syscall), "%s",
		 nla_get_string(tb[CRS_RULE_A_SYSCALL]));
	f->nr = nla_get_u32(tb[CRS_RULE_A_SYSCALL_NR]);
	nla_for_each_nested(a, tb[CRS_RULE_A_ARGS], rem) {
		if (crs_nla_parse_nested(at, CRS_ARG_A_MAX, a))
			return -EPROTO;
		if (at[CRS_ARG_A_PATH])
			snprintf(f->arg_path, sizeof(f->arg_path), "%s",
				 nla_get_string(at[CRS_ARG_A_PATH]));
		if (at[CRS_ARG_A_INT])
			f->arg_int = nla_get_u64(at[CRS_ARG_A_INT]);
		f->nargs++;
	}
	return 0;
}

TEST_F(policy, every_rule_type_round_trips)
{
	struct rule_fields f = { 0 };
	struct rules r = { 0 };
	struct ct_msg m;

	ct_begin(&m, CRS_XFER_BEGIN | CRS_XFER_END, "web");
	nla_put_u8(m.msg, CRS_POLICY_A_MODE, CRS_MODE_ACTIVE);
	ct_rule(&m, &(struct ct_rule){ .name = "hosts-ro",
		.type = CRS_RULE_FILE_WRITE, .action = CRS_ACTION_DENY,
		.path = "/etc/hosts" });
	ct_rule(&m, &(struct ct_rule){ .name = "meta",
		.type = CRS_RULE_NET_OUT, .action = CRS_ACTION_DENY,
		.addr = v4_10_0_0_0, .has_prefix = true, .prefix = 104,
		.has_port_min = true, .port_min = 80,
		.has_port_max = true, .port_max = 89,
		.has_proto = true, .proto = 6, .disabled = true });
	ct_rule(&m, &(struct ct_rule){ .name = "v6-in",
		.type = CRS_RULE_NET_IN, .action = CRS_ACTION_MONITOR,
		.addr = v6_2001_db8, .has_prefix = true, .prefix = 32 });
	ct_rule(&m, &(struct ct_rule){ .name = "no-shell",
		.type = CRS_RULE_SYSCALL, .action = CRS_ACTION_DENY,
		.program = "/usr/sbin/nginx", .syscall = "openat",
		.has_nr = true, .nr = 257, .nargs = 3, .args = {
			{ .kind = CRS_ARG_INT, .has_int = true,
			  .ival = (uint64_t)-1 },
			{ .kind = CRS_ARG_PATH, .path = "/bin/sh" },
			{ .kind = CRS_ARG_ANY } } });
	ct_rule(&m, &(struct ct_rule){ .name = "reads",
		.type = CRS_RULE_FILE_READ, .action = CRS_ACTION_ALLOW,
		.program = "/usr/bin/", .path = "/srv/" });
	ASSERT_EQ(0, ct_send(&m, 5));

	ASSERT_EQ(0, ct_rule_dump("web", rules_cb, &r));
	EXPECT_EQ(5, r.n);
	EXPECT_STREQ("hosts-ro", r.first);
	EXPECT_STREQ("reads", r.last);
	EXPECT_STREQ("/srv/", r.last_path);
	EXPECT_EQ(CRS_RULE_FILE_WRITE, r.types[0]);
	EXPECT_EQ(CRS_RULE_NET_OUT, r.types[1]);
	EXPECT_EQ(CRS_RULE_NET_IN, r.types[2]);
	EXPECT_EQ(CRS_RULE_SYSCALL, r.types[3]);
	EXPECT_EQ(CRS_RULE_FILE_READ, r.types[4]);

	ASSERT_EQ(0, ct_rule_dump("web", fields_cb, &f));
	EXPECT_EQ(1, f.has_addr);
	EXPECT_EQ(104, f.prefix);
	EXPECT_EQ(80, f.pmin);
	EXPECT_EQ(89, f.pmax);
	EXPECT_EQ(6, f.proto);
	EXPECT_EQ(1, f.disabled);
	EXPECT_STREQ("/usr/sbin/nginx", f.program);
	EXPECT_STREQ("openat", f.syscall);
	EXPECT_EQ(257, f.nr);
	EXPECT_EQ(3, f.nargs);
	EXPECT_STREQ("/bin/sh", f.arg_path);
	EXPECT_EQ((uint64_t)-1, f.arg_int);
}

/* A good rule, then the variant's bad one at index 1. */
FIXTURE(bad_rule) {
	struct ct_policy before;
};

FIXTURE_SETUP(bad_rule)
{
	ASSERT_EQ(0, make_base(&self->before));
}

FIXTURE_TEARDOWN(bad_rule)
{
	drop_all();
}

FIXTURE_VARIANT(bad_rule) {
	struct ct_rule rule;
	int err;
	const char *msg;
};

#define BAD(vname, errno_, text, ...)					\
	FIXTURE_VARIANT_ADD(bad_rule, vname) {				\
		.rule = { __VA_ARGS__ }, .err = -(errno_), .msg = text,	\
	}

#define FW .type = CRS_RULE_FILE_WRITE, .action = CRS_ACTION_DENY
#define NO .type = CRS_RULE_NET_OUT, .action = CRS_ACTION_DENY
#define SY .type = CRS_RULE_SYSCALL, .action = CRS_ACTION_DENY, \
	   .syscall = "execve", .has_nr = true, .nr = 59

BAD(no_name, EINVAL, "rules[1]: NAME required", FW, .path = "/x");
BAD(no_type, EINVAL, "rules[1]: TYPE required", .name = "b",
    .no_type = true, .action = CRS_ACTION_DENY, .path = "/x");
BAD(no_action, EINVAL, "rules[1]: ACTION required", .name = "b",
    .type = CRS_RULE_FILE_READ, .no_action = true, .path = "/x");
BAD(bad_name, EINVAL, "rules[1]: NAME must be 1 to 63", .name = "a b",
    FW, .path = "/x");
BAD(duplicate_name, EEXIST, "rules[1]: duplicate rule name r0",
    .name = "r0", FW, .path = "/x");
BAD(bad_type, ERANGE, "", .name = "b", .type = 9,
    .action = CRS_ACTION_DENY, .path = "/x");
BAD(relative_program, EINVAL, "rules[1]: PROGRAM must be an absolute, normal path",
    .name = "b", FW, .path = "/x", .program = "nginx");
BAD(file_path_dot_dot, EINVAL, "rules[1]: PATH must be an absolute, normal path",
    .name = "b", FW, .path = "/etc/../etc/hosts");
BAD(file_path_dot, EINVAL, "rules[1]: PATH must be an absolute, normal path",
    .name = "b", FW, .path = "/etc/./hosts");
BAD(file_path_double_slash, EINVAL, "rules[1]: PATH must be an absolute, normal path",
    .name = "b", FW, .path = "/etc//hosts");
BAD(program_trailing_dot_dot, EINVAL, "rules[1]: PROGRAM must be an absolute, normal path",
    .name = "b", FW, .path = "/x", .program = "/usr/..");
BAD(bad_name_latin1, EINVAL, "rules[1]: NAME must be 1 to 63",
    .name = "caf\xe9", FW, .path = "/x");
BAD(file_without_path, EINVAL, "rules[1]: PATH required for file rules",
    .name = "b", FW);
BAD(file_relative_path, EINVAL, "rules[1]: PATH must be an absolute, normal path",
    .name = "b", FW, .path = "etc/hosts");
BAD(file_with_port, EINVAL, "rules[1]: PORT_MIN is not allowed in file rules",
    .name = "b", FW, .path = "/x", .has_port_min = true,
    .has_port_max = true);
BAD(file_with_syscall, EINVAL, "rules[1]: SYSCALL is not allowed in file rules",
    .name = "b", FW, .path = "/x", .syscall = "open");
BAD(net_with_path, EINVAL, "rules[1]: PATH is not allowed in network rules",
    .name = "b", NO, .path = "/x");
BAD(net_addr_without_prefix, EINVAL, "rules[1]: ADDR and PREFIX go together",
    .name = "b", NO, .addr = v4_10_0_0_0);
BAD(net_prefix_out_of_range, ERANGE, "", .name = "b", NO,
    .addr = v6_2001_db8, .has_prefix = true, .prefix = 129);
BAD(net_v4_prefix_below_96, EINVAL, "rules[1]: PREFIX below 96",
    .name = "b", NO, .addr = v4_10_0_0_0, .has_prefix = true, .prefix = 8);
BAD(net_host_bits, EINVAL, "rules[1]: ADDR has bits set beyond PREFIX",
    .name = "b", NO, .addr = v4_10_0_0_1, .has_prefix = true, .prefix = 120);
BAD(net_port_half, EINVAL, "rules[1]: PORT_MIN and PORT_MAX go together",
    .name = "b", NO, .has_port_min = true, .port_min = 80);
BAD(net_port_order, EINVAL, "rules[1]: PORT_MIN above PORT_MAX",
    .name = "b", NO, .has_port_min = true, .port_min = 90,
    .has_port_max = true, .port_max = 80);
BAD(net_protocol, EINVAL, "rules[1]: PROTOCOL must be 6 (tcp) or 17 (udp)",
    .name = "b", NO, .has_proto = true, .proto = 1);
BAD(sys_without_name, EINVAL, "rules[1]: SYSCALL required",
    .name = "b", .type = CRS_RULE_SYSCALL, .action = CRS_ACTION_DENY);
BAD(sys_unknown_name, EINVAL, "rules[1].syscall: \"frobnicate\" is not a system call of this kernel",
    .name = "b", .type = CRS_RULE_SYSCALL, .action = CRS_ACTION_DENY,
    .syscall = "frobnicate");
BAD(sys_nr_not_the_kernels, EINVAL, "rules[1]: SYSCALL_NR 100000 is not execve's number",
    .name = "b", .type = CRS_RULE_SYSCALL, .action = CRS_ACTION_DENY,
    .syscall = "execve", .has_nr = true, .nr = 100000);
BAD(sys_with_path, EINVAL, "rules[1]: PATH is not allowed in syscall rules",
    .name = "b", SY, .path = "/x");
BAD(sys_with_addr, EINVAL, "rules[1]: ADDR is not allowed in syscall rules",
    .name = "b", SY, .addr = v6_2001_db8, .has_prefix = true);
BAD(sys_four_args, EINVAL, "rules[1]: at most 3 ARGS", .name = "b", SY,
    .nargs = 4);
BAD(sys_arg_without_kind, EINVAL, "rules[1]: args[0]: KIND required",
    .name = "b", SY, .nargs = 1,
    .args = { { .no_kind = true, .path = "/bin/sh" } });
BAD(sys_int_arg_without_int, EINVAL, "rules[1]: args[1]: INT required",
    .name = "b", SY, .nargs = 2,
    .args = { { .kind = CRS_ARG_ANY }, { .kind = CRS_ARG_INT } });
BAD(sys_any_arg_with_int, EINVAL, "rules[1]: args[0]: INT only with KIND INT",
    .name = "b", SY, .nargs = 1,
    .args = { { .kind = CRS_ARG_ANY, .has_int = true } });
BAD(sys_path_arg_relative, EINVAL,
    "rules[1]: an argument's PATH must be an absolute, normal path", .name = "b", SY,
    .nargs = 1, .args = { { .kind = CRS_ARG_PATH, .path = "bin/sh" } });

/* Refused as a new policy and as a replacement: nothing changes. */
TEST_F(bad_rule, is_refused_and_changes_nothing)
{
	const char *names[] = { "new", "base" };
	struct ct_msg m;
	int i;

	for (i = 0; i < 2; i++) {
		ct_begin(&m, CRS_XFER_BEGIN | CRS_XFER_END, names[i]);
		nla_put_u8(m.msg, CRS_POLICY_A_MODE, CRS_MODE_ACTIVE);
		ct_file_rule(&m, "r", 0);
		ct_rule(&m, &variant->rule);
		EXPECT_EQ(variant->err, ct_send(&m, 2));
		EXPECT_NE(NULL, strstr(crs_nl_errmsg, variant->msg))
			TH_LOG("extack: \"%s\"", crs_nl_errmsg);
		EXPECT_TRUE(unchanged(&self->before));
	}
}

/* The header checks, one refusal each, nothing created. */
TEST_F(policy, header_refusals)
{
	struct ct_msg m;

	ct_begin(&m, CRS_XFER_BEGIN | CRS_XFER_END, NULL);
	nla_put_u8(m.msg, CRS_POLICY_A_MODE, CRS_MODE_ACTIVE);
	EXPECT_EQ(-EINVAL, ct_send(&m, 0));
	EXPECT_STREQ("NAME required", crs_nl_errmsg);

	ct_begin(&m, CRS_XFER_BEGIN | CRS_XFER_END, "web");
	EXPECT_EQ(-EINVAL, ct_send(&m, 0));
	EXPECT_STREQ("MODE required", crs_nl_errmsg);

	ct_begin(&m, CRS_XFER_BEGIN | CRS_XFER_END, "we/b");
	nla_put_u8(m.msg, CRS_POLICY_A_MODE, CRS_MODE_ACTIVE);
	EXPECT_EQ(-EINVAL, ct_send(&m, 0));
	EXPECT_STREQ("NAME must be 1 to 63 of A-Z a-z 0-9 . _ -", crs_nl_errmsg);

	ct_begin(&m, CRS_XFER_BEGIN | CRS_XFER_END, "web");
	nla_put_u8(m.msg, CRS_POLICY_A_MODE, 3);
	EXPECT_EQ(-ERANGE, ct_send(&m, 0));

	ct_begin(&m, CRS_XFER_BEGIN | CRS_XFER_END, "web");
	nla_put_u8(m.msg, CRS_POLICY_A_MODE, CRS_MODE_ACTIVE);
	EXPECT_EQ(-EINVAL, ct_send(&m, -1));
	EXPECT_STREQ("N_RULES required in the END message", crs_nl_errmsg);

	/* 64 characters: one more than a name may have. */
	ct_begin(&m, CRS_XFER_BEGIN | CRS_XFER_END,
		 "a123456789012345678901234567890123456789012345678901234567890123");
	nla_put_u8(m.msg, CRS_POLICY_A_MODE, CRS_MODE_ACTIVE);
	EXPECT_EQ(-EINVAL, ct_send(&m, 0));

	EXPECT_EQ(-EINVAL, crs_simple(crs_msg(CRS_CMD_POLICY_NEW, 0)));
	EXPECT_STREQ("CRS_A_POLICY required", crs_nl_errmsg);
	EXPECT_TRUE(unchanged(&self->before));
}

TEST_F(policy, transfer_in_parts_is_invisible_until_end)
{
	struct ct_policy p;
	struct rules r = { 0 };
	struct ct_msg m;

	ct_begin(&m, CRS_XFER_BEGIN, "big");
	nla_put_u8(m.msg, CRS_POLICY_A_MODE, CRS_MODE_ACTIVE);
	ct_file_rule(&m, "r", 0);
	ct_file_rule(&m, "r", 1);
	ASSERT_EQ(0, ct_send(&m, -1));
	EXPECT_EQ(-ENOENT, ct_policy_get("big", &p));

	ct_begin(&m, 0, "big");
	ct_file_rule(&m, "r", 2);
	ASSERT_EQ(0, ct_send(&m, -1));
	EXPECT_EQ(-ENOENT, ct_policy_get("big", &p));
	EXPECT_EQ(1, ct_policy_count());

	ct_begin(&m, CRS_XFER_END, "big");
	ct_file_rule(&m, "r", 3);
	ASSERT_EQ(0, ct_send(&m, 4));
	ASSERT_EQ(0, ct_policy_get("big", &p));
	EXPECT_EQ(4, p.n_rules);
	ASSERT_EQ(0, ct_rule_dump("big", rules_cb, &r));
	EXPECT_EQ(4, r.n);
	EXPECT_EQ(0, r.bad);
}

TEST_F(policy, transfer_with_wrong_n_rules_leaves_nothing)
{
	uint64_t bytes = settled_rule_bytes();
	struct ct_policy p;
	struct ct_msg m;

	ct_begin(&m, CRS_XFER_BEGIN, "big");
	nla_put_u8(m.msg, CRS_POLICY_A_MODE, CRS_MODE_ACTIVE);
	ct_file_rule(&m, "r", 0);
	ASSERT_EQ(0, ct_send(&m, -1));
	EXPECT_LT(bytes, get_stats().rule_bytes);

	ct_begin(&m, CRS_XFER_END, "big");
	ct_file_rule(&m, "r", 1);
	EXPECT_EQ(-EINVAL, ct_send(&m, 3));
	EXPECT_STREQ("N_RULES is 3 but 2 rules arrived", crs_nl_errmsg);
	EXPECT_EQ(-ENOENT, ct_policy_get("big", &p));

	/* The transfer is gone: its END cannot be retried. */
	ct_begin(&m, CRS_XFER_END, "big");
	EXPECT_EQ(-EINVAL, ct_send(&m, 2));
	EXPECT_NE(NULL, strstr(crs_nl_errmsg, "no transfer in progress"));
	EXPECT_EQ(0, wait_rule_bytes(bytes));
	EXPECT_TRUE(unchanged(&self->before));
}

TEST_F(policy, transfer_error_in_a_part_drops_it)
{
	struct ct_policy p;
	struct ct_msg m;

	ct_begin(&m, CRS_XFER_BEGIN, "big");
	nla_put_u8(m.msg, CRS_POLICY_A_MODE, CRS_MODE_ACTIVE);
	ct_file_rule(&m, "r", 0);
	ASSERT_EQ(0, ct_send(&m, -1));

	ct_begin(&m, 0, "big");
	ct_rule(&m, &(struct ct_rule){ .name = "b", FW });
	EXPECT_EQ(-EINVAL, ct_send(&m, -1));
	EXPECT_STREQ("rules[1]: PATH required for file rules", crs_nl_errmsg);

	ct_begin(&m, CRS_XFER_END, "big");
	EXPECT_EQ(-EINVAL, ct_send(&m, 1));
	EXPECT_NE(NULL, strstr(crs_nl_errmsg, "no transfer in progress"));
	EXPECT_EQ(-ENOENT, ct_policy_get("big", &p));
}

TEST_F(policy, transfer_part_must_name_the_policy_and_hold_only_rules)
{
	struct ct_policy p;
	struct ct_msg m;

	ct_begin(&m, CRS_XFER_BEGIN, "big");
	nla_put_u8(m.msg, CRS_POLICY_A_MODE, CRS_MODE_ACTIVE);
	ASSERT_EQ(0, ct_send(&m, -1));
	ct_begin(&m, 0, "other");
	EXPECT_EQ(-EINVAL, ct_send(&m, -1));
	EXPECT_STREQ("NAME differs from the transfer's (big)", crs_nl_errmsg);

	ct_begin(&m, CRS_XFER_BEGIN, "big");
	nla_put_u8(m.msg, CRS_POLICY_A_MODE, CRS_MODE_ACTIVE);
	ASSERT_EQ(0, ct_send(&m, -1));
	ct_begin(&m, CRS_XFER_END, "big");
	nla_put_u8(m.msg, CRS_POLICY_A_MODE, CRS_MODE_INACTIVE);
	EXPECT_EQ(-EINVAL, ct_send(&m, 0));
	EXPECT_NE(NULL, strstr(crs_nl_errmsg, "belong in the BEGIN message"));
	EXPECT_EQ(-ENOENT, ct_policy_get("big", &p));
	EXPECT_TRUE(unchanged(&self->before));
}

TEST_F(policy, new_begin_discards_the_open_transfer)
{
	struct ct_policy p;
	struct ct_msg m;

	ct_begin(&m, CRS_XFER_BEGIN, "a");
	nla_put_u8(m.msg, CRS_POLICY_A_MODE, CRS_MODE_ACTIVE);
	ct_file_rule(&m, "r", 0);
	ASSERT_EQ(0, ct_send(&m, -1));
	ct_begin(&m, CRS_XFER_BEGIN | CRS_XFER_END, "b");
	nla_put_u8(m.msg, CRS_POLICY_A_MODE, CRS_MODE_ACTIVE);
	ASSERT_EQ(0, ct_send(&m, 0));
	ct_begin(&m, CRS_XFER_END, "a");
	EXPECT_EQ(-EINVAL, ct_send(&m, 1));
	EXPECT_EQ(-ENOENT, ct_policy_get("a", &p));
	EXPECT_EQ(0, ct_policy_get("b", &p));
}

/* The transfer's socket closes before END: everything staged is freed. */
TEST_F(policy, transfer_dies_with_its_socket)
{
	uint64_t bytes = settled_rule_bytes();
	struct nl_sock *sk;
	struct ct_policy p;
	struct ct_msg m;
	unsigned int i;
	int status;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		sk = nl_socket_alloc();
		if (!sk || genl_connect(sk))
			_exit(2);
		ct_begin(&m, CRS_XFER_BEGIN, "orphan");
		nla_put_u8(m.msg, CRS_POLICY_A_MODE, CRS_MODE_ACTIVE);
		for (i = 0; i < 500; i++)
			ct_file_rule(&m, "r", i);
		if (nl_send_auto(sk, ct_finish(&m, -1)) < 0 ||
		    nl_wait_for_ack(sk) < 0)
			_exit(3);
		/* Staged and charged while the socket lives. */
		_exit(get_stats().rule_bytes > bytes ? 0 : 4);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ(0, wait_rule_bytes(bytes));
	EXPECT_EQ(-ENOENT, ct_policy_get("orphan", &p));
	EXPECT_TRUE(unchanged(&self->before));
}

TEST_F(policy, identical_reapply_keeps_modified_and_generation)
{
	struct ct_policy p;

	usleep(2000);
	ASSERT_EQ(0, ct_apply("base", CRS_MODE_ACTIVE, 2));
	ASSERT_EQ(0, ct_policy_get("base", &p));
	EXPECT_EQ(self->before.modified, p.modified);
	EXPECT_EQ(self->before.generation, p.generation);
	EXPECT_EQ(self->before.id, p.id);
}

TEST_F(policy, replace_keeps_id_and_created_and_updates_modified)
{
	struct ct_policy p;
	struct rules r = { 0 };

	usleep(2000);
	ASSERT_EQ(0, ct_apply("base", CRS_MODE_ACTIVE, 3));
	ASSERT_EQ(0, ct_policy_get("base", &p));
	EXPECT_EQ(self->before.id, p.id);
	EXPECT_EQ(self->before.created, p.created);
	EXPECT_LT(self->before.modified, p.modified);
	EXPECT_LT(self->before.generation, p.generation);
	EXPECT_EQ(3, p.n_rules);
	EXPECT_EQ(1, ct_policy_count());
	ASSERT_EQ(0, ct_rule_dump("base", rules_cb, &r));
	EXPECT_EQ(3, r.n);
	EXPECT_EQ(p.generation, r.generation);
}

TEST_F(policy, rename_keeps_id_and_created)
{
	struct ct_policy p;

	ASSERT_EQ(0, ct_policy_set("base", -1, "web"));
	ASSERT_EQ(0, ct_policy_get("web", &p));
	EXPECT_EQ(self->before.id, p.id);
	EXPECT_EQ(self->before.created, p.created);
	EXPECT_EQ(2, p.n_rules);
	EXPECT_EQ(-ENOENT, ct_policy_get("base", &p));
	EXPECT_STREQ("no policy named base", crs_nl_errmsg);
}

TEST_F(policy, set_refuses_attributes_it_does_not_take)
{
	struct nl_msg *msg = crs_msg(CRS_CMD_POLICY_SET, 0);
	struct nlattr *nest = nla_nest_start(msg, CRS_A_POLICY);

	nla_put_string(msg, CRS_POLICY_A_NAME, "base");
	nla_put_u8(msg, CRS_POLICY_A_MODE, CRS_MODE_INACTIVE);
	nla_put_string(msg, CRS_POLICY_A_DESCRIPTION, "sneaky");
	nla_nest_end(msg, nest);
	EXPECT_EQ(-EINVAL, crs_simple(msg));
	EXPECT_STREQ("attribute not taken by this command", crs_nl_errmsg);
	EXPECT_TRUE(unchanged(&self->before));
}

TEST_F(policy, rename_to_its_own_name_changes_nothing)
{
	EXPECT_EQ(0, ct_policy_set("base", -1, "base"));
	EXPECT_TRUE(unchanged(&self->before));
}

TEST_F(policy, rename_onto_an_existing_name_is_refused)
{
	struct ct_policy p;

	ASSERT_EQ(0, ct_apply("db", CRS_MODE_ACTIVE, 1));
	ASSERT_EQ(0, ct_policy_get("db", &p));
	EXPECT_EQ(-EEXIST, ct_policy_set("base", -1, "db"));
	EXPECT_STREQ("policy db exists", crs_nl_errmsg);
	EXPECT_EQ(-EINVAL, ct_policy_set("base", -1, "d b"));
	EXPECT_NE(NULL, strstr(crs_nl_errmsg, "NEW_NAME must be"));
	ASSERT_EQ(0, ct_policy_get("db", &p));
	EXPECT_EQ(1, p.n_rules);
	EXPECT_EQ(0, ct_policy_del("db"));
	EXPECT_TRUE(unchanged(&self->before));
}

TEST_F(policy, set_mode)
{
	struct ct_policy p;

	usleep(2000);
	ASSERT_EQ(0, ct_policy_set("base", CRS_MODE_PERMISSIVE, NULL));
	ASSERT_EQ(0, ct_policy_get("base", &p));
	EXPECT_EQ(CRS_MODE_PERMISSIVE, p.mode);
	EXPECT_LT(self->before.modified, p.modified);
	EXPECT_EQ(self->before.created, p.created);
	EXPECT_EQ(2, p.n_rules);

	EXPECT_EQ(-EINVAL, ct_policy_set("base", -1, NULL));
	EXPECT_STREQ("MODE or NEW_NAME required", crs_nl_errmsg);
	EXPECT_EQ(-ERANGE, ct_policy_set("base", 7, NULL));
	ASSERT_EQ(0, ct_policy_get("base", &p));
	EXPECT_EQ(CRS_MODE_PERMISSIVE, p.mode);
}

TEST_F(policy, unknown_policy_is_enoent_everywhere)
{
	struct rules r = { 0 };
	struct ct_policy p;

	EXPECT_EQ(-ENOENT, ct_policy_get("nope", &p));
	EXPECT_STREQ("no policy named nope", crs_nl_errmsg);
	EXPECT_EQ(-ENOENT, ct_policy_set("nope", CRS_MODE_ACTIVE, NULL));
	EXPECT_STREQ("no policy named nope", crs_nl_errmsg);
	EXPECT_EQ(-ENOENT, ct_policy_del("nope"));
	EXPECT_STREQ("no policy named nope", crs_nl_errmsg);
	EXPECT_EQ(-ENOENT, ct_rule_dump("nope", rules_cb, &r));
	/* Also on 6.1, whose dump .start gets no extack. */
	EXPECT_STREQ("no policy named nope", crs_nl_errmsg);
	EXPECT_EQ(0, r.n);
	EXPECT_TRUE(unchanged(&self->before));
}

TEST_F(policy, delete)
{
	struct ct_policy p;

	ASSERT_EQ(0, ct_apply("web", CRS_MODE_ACTIVE, 1));
	EXPECT_EQ(2, ct_policy_count());
	EXPECT_EQ(0, ct_policy_del("web"));
	EXPECT_EQ(-ENOENT, ct_policy_get("web", &p));
	EXPECT_TRUE(unchanged(&self->before));
}

TEST_F(policy, status_counts_policies_and_rules)
{
	struct stats st;

	ASSERT_EQ(0, ct_apply("web", CRS_MODE_ACTIVE, 5));
	st = get_stats();
	EXPECT_EQ(2, st.policies);
	EXPECT_EQ(7, st.rules);
	EXPECT_LT(0, st.rule_bytes);
}

TEST_F(policy, max_rules_is_enforced)
{
	write_param("max_rules", "3");
	EXPECT_EQ(0, ct_apply("three", CRS_MODE_ACTIVE, 3));
	EXPECT_EQ(-ENOSPC, ct_apply("four", CRS_MODE_ACTIVE, 4));
	EXPECT_STREQ("rules[3]: more rules than the module parameter max_rules (3)",
		     crs_nl_errmsg);
	EXPECT_EQ(-ENOSPC, ct_apply("base", CRS_MODE_ACTIVE, 4));
	EXPECT_EQ(0, ct_policy_del("three"));
	EXPECT_TRUE(unchanged(&self->before));
}

TEST_F(policy, max_rule_bytes_is_enforced)
{
	uint64_t bytes = settled_rule_bytes();
	char val[32];

	snprintf(val, sizeof(val), "%llu", (unsigned long long)bytes + 4096);
	write_param("max_rule_bytes", val);
	EXPECT_EQ(-ENOSPC, ct_apply("web", CRS_MODE_ACTIVE, 200));
	EXPECT_NE(NULL, strstr(crs_nl_errmsg, "max_rule_bytes"));
	EXPECT_EQ(0, wait_rule_bytes(bytes));
	EXPECT_TRUE(unchanged(&self->before));
}

static int unprivileged_apply(void *arg)
{
	int err = ct_apply("web", CRS_MODE_ACTIVE, 1);

	(void)arg;
	return strstr(crs_nl_errmsg, "CAP_MAC_ADMIN") ? err : -EPROTO;
}

static int unprivileged_read(void *arg)
{
	struct rules r = { 0 };
	int err;

	(void)arg;
	err = ct_policy_count();
	if (err != -EPERM)
		return err < 0 ? err : -EPROTO;
	return ct_rule_dump("base", rules_cb, &r) ?: -EPROTO;
}

static int unprivileged_change(void *arg)
{
	int err;

	(void)arg;
	err = ct_policy_set("base", CRS_MODE_INACTIVE, NULL);
	if (err != -EPERM)
		return err < 0 ? err : -EPROTO;
	return ct_policy_del("base");
}

TEST_F(policy, unprivileged_caller_is_refused)
{
	EXPECT_EQ(-EPERM, ct_without_cap(unprivileged_apply, NULL));
	EXPECT_EQ(-EPERM, ct_without_cap(unprivileged_read, NULL));
	EXPECT_EQ(-EPERM, ct_without_cap(unprivileged_change, NULL));
	EXPECT_TRUE(unchanged(&self->before));
}

/* 100,000 rules in parts of 1,000, timed, read back whole, deleted. */
TEST_F(policy, hundred_thousand_rules)
{
	const unsigned int n = 100000, part = 1000;
	struct nl_msg *msgs[100000 / 1000];
	struct rules r = { 0 };
	long t0, ms, build;
	struct ct_policy p;
	unsigned int i, k;
	struct ct_msg m;
	uint32_t flags;

	/* Build the messages first: the figure is the kernel's side. */
	t0 = now_ms();
	for (i = 0; i < n / part; i++) {
		flags = (i ? 0 : CRS_XFER_BEGIN) |
			(i == n / part - 1 ? CRS_XFER_END : 0);
		ct_begin(&m, flags, "big");
		if (!i)
			nla_put_u8(m.msg, CRS_POLICY_A_MODE, CRS_MODE_ACTIVE);
		for (k = 0; k < part; k++)
			ct_file_rule(&m, "r", i * part + k);
		msgs[i] = ct_finish(&m, flags & CRS_XFER_END ? (long)n : -1);
	}
	build = now_ms() - t0;
	t0 = now_ms();
	for (i = 0; i < n / part; i++)
		ASSERT_EQ(0, crs_nl_request(msgs[i], NULL, NULL))
			TH_LOG("%s", crs_nl_errmsg);
	ms = now_ms() - t0;
	printf("# apply %u rules: %ld ms (%u messages; building them took %ld ms)\n",
	       n, ms, n / part, build);
	fflush(stdout);

	ASSERT_EQ(0, ct_policy_get("big", &p));
	EXPECT_EQ(n, p.n_rules);
	t0 = now_ms();
	ASSERT_EQ(0, ct_rule_dump("big", rules_cb, &r));
	printf("# dump %u rules: %ld ms\n", n, now_ms() - t0);
	fflush(stdout);
	EXPECT_EQ(n, r.n);
	EXPECT_EQ(0, r.bad);
	EXPECT_STREQ("r0", r.first);
	EXPECT_STREQ("r99999", r.last);
	EXPECT_STREQ("/f/99999", r.last_path);
	EXPECT_EQ(0, ct_policy_del("big"));
	EXPECT_TRUE(unchanged(&self->before));
}

/* Replaces the policy from a second socket after the first dumped rule. */
struct race {
	struct rules r;
	struct nl_sock *sk;
	int replaced;
	int intr;
};

static int race_cb(struct nlattr **attrs, struct nlmsghdr *nlh, void *arg)
{
	struct race *race = arg;
	struct ct_msg m;

	race->intr |= !!(nlh->nlmsg_flags & NLM_F_DUMP_INTR);
	if (!race->replaced++) {
		ct_begin(&m, CRS_XFER_BEGIN | CRS_XFER_END, "big");
		nla_put_u8(m.msg, CRS_POLICY_A_MODE, CRS_MODE_ACTIVE);
		ct_file_rule(&m, "other", 0);
		if (nl_send_auto(race->sk, ct_finish(&m, 1)) < 0 ||
		    nl_wait_for_ack(race->sk) < 0)
			return -EIO;
		nlmsg_free(m.msg);
	}
	return rules_cb(attrs, nlh, &race->r);
}

TEST_F(policy, replace_during_rule_dump_sets_dump_intr)
{
	struct race race = { 0 };
	int err;

	ASSERT_EQ(0, ct_apply_parts("big", 5000, 1000));
	race.sk = nl_socket_alloc();
	ASSERT_NE(NULL, race.sk);
	ASSERT_EQ(0, genl_connect(race.sk));
	/*
	 * The kernel flags the first message after the change; crs_nl_request
	 * reports -EINTR when that is the NLMSG_DONE.
	 */
	err = ct_rule_dump("big", race_cb, &race);
	EXPECT_TRUE(err == -EINTR || (!err && race.intr));
	/* What did arrive is the old version, in order. */
	EXPECT_EQ(0, race.r.bad);
	EXPECT_LT(1, race.r.n);
	nl_socket_free(race.sk);
}

TEST_HARNESS_MAIN
