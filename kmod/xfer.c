// SPDX-License-Identifier: GPL-2.0
/*
 * CRS_CMD_POLICY_NEW: a policy document, in one message or in parts.
 *
 * A transfer is staged per sending socket (its netlink portid) as a version
 * that nobody can see, validated rule by rule as the parts arrive, and
 * handed to crs_policy_commit() whole by the END message. Any refusal drops
 * the transfer, and so does the socket closing: what was staged is freed
 * and uncharged, and nothing of it was ever visible.
 */

#include <linux/in.h>
#include <linux/jhash.h>
#include <linux/log2.h>
#include <linux/netlink.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <net/net_namespace.h>
#include <asm/unistd.h>
#include "crs.h"

struct crs_xfer {
	struct list_head node;		/* in crs_xfers, under crs_lock */
	u32 portid;
	struct crs_policy_ver *ver;	/* staged; ver->rs grows */
};

/* Open transfers; few at a time, so a list. Under crs_lock. */
static LIST_HEAD(crs_xfers);

static const char * const crs_rule_attr_names[CRS_RULE_A_MAX + 1] = {
	[CRS_RULE_A_PATH]	= "PATH",
	[CRS_RULE_A_ADDR]	= "ADDR",
	[CRS_RULE_A_PREFIX]	= "PREFIX",
	[CRS_RULE_A_PORT_MIN]	= "PORT_MIN",
	[CRS_RULE_A_PORT_MAX]	= "PORT_MAX",
	[CRS_RULE_A_PROTOCOL]	= "PROTOCOL",
	[CRS_RULE_A_SYSCALL]	= "SYSCALL",
	[CRS_RULE_A_SYSCALL_NR]	= "SYSCALL_NR",
	[CRS_RULE_A_ARGS]	= "ARGS",
};

static const u8 crs_file_only[] = { CRS_RULE_A_PATH };
static const u8 crs_net_only[] = {
	CRS_RULE_A_ADDR, CRS_RULE_A_PREFIX, CRS_RULE_A_PORT_MIN,
	CRS_RULE_A_PORT_MAX, CRS_RULE_A_PROTOCOL,
};

static const u8 crs_sys_only[] = {
	CRS_RULE_A_SYSCALL, CRS_RULE_A_SYSCALL_NR, CRS_RULE_A_ARGS,
};

static struct crs_xfer *crs_xfer_find(u32 portid)
{
	struct crs_xfer *x;

	list_for_each_entry(x, &crs_xfers, node)
		if (x->portid == portid)
			return x;
	return NULL;
}

static void crs_xfer_drop(struct crs_xfer *x)
{
	list_del(&x->node);
	crs_ver_put(x->ver);
	kfree(x);
}

/* Grows an array of *cap elements of size to hold one more, charged. */
static int crs_grow(void **arr, u32 *cap, size_t size, u64 *bytes,
		    struct netlink_ext_ack *extack)
{
	u32 ncap = *cap ? *cap * 2 : 256;
	void *n;
	int err;

	if (ncap < *cap) {
		NL_SET_ERR_MSG_MOD(extack, "the policy is too large");
		return -E2BIG;
	}
	err = crs_rule_bytes_charge((u64)(ncap - *cap) * size, extack);
	if (err)
		return err;
	n = kvmalloc_array(ncap, size, GFP_KERNEL_ACCOUNT);
	if (!n) {
		crs_rule_bytes_uncharge((u64)(ncap - *cap) * size);
		return -ENOMEM;
	}
	if (*arr)
		memcpy(n, *arr, (size_t)*cap * size);
	kvfree(*arr);
	*arr = n;
	*bytes += (u64)(ncap - *cap) * size;
	*cap = ncap;
	return 0;
}

/* Appends s (NUL included) to the string table; returns its offset. */
static int crs_str_add(struct crs_ruleset *rs, const struct nlattr *attr,
		       u32 *off, struct netlink_ext_ack *extack)
{
	const char *s = nla_data(attr);
	size_t len = strlen(s) + 1;
	int err;

	while (rs->strtab_cap - rs->strtab_len < len) {
		err = crs_grow((void **)&rs->strtab, &rs->strtab_cap, 1,
			       &rs->bytes, extack);
		if (err)
			return err;
	}
	memcpy(rs->strtab + rs->strtab_len, s, len);
	*off = rs->strtab_len;
	rs->strtab_len += len;
	return 0;
}

static int crs_forbid(struct nlattr **tb, const u8 *attrs, int n, u32 i,
		      const char *what, struct netlink_ext_ack *extack)
{
	int k;

	for (k = 0; k < n; k++) {
		if (tb[attrs[k]]) {
			crs_nl_errf(extack, tb[attrs[k]],
				    "rules[%u]: %s is not allowed in %s rules", i,
				    crs_rule_attr_names[attrs[k]], what);
			return -EINVAL;
		}
	}
	return 0;
}

/*
 * Rules match resolved paths by comparing strings, so a path must be
 * absolute and normal: no empty, "." or ".." component, which could never
 * match and would leave the rule silently unenforced.
 */
static bool crs_path_normal(const char *p)
{
	const char *c;

	if (*p != '/')
		return false;
	for (c = p + 1; *c; c++) {
		if (c[-1] != '/')
			continue;
		if (*c == '/' ||
		    (c[0] == '.' && (c[1] == '/' || !c[1])) ||
		    (c[0] == '.' && c[1] == '.' && (c[2] == '/' || !c[2])))
			return false;
	}
	return true;
}

static int crs_abs_path(struct crs_ruleset *rs, struct nlattr *attr,
			u32 *off, const char *what, u32 i,
			struct netlink_ext_ack *extack)
{
	if (!crs_path_normal(nla_data(attr))) {
		crs_nl_errf(extack, attr,
			    "rules[%u]: %s must be an absolute, normal path", i,
			    what);
		return -EINVAL;
	}
	return crs_str_add(rs, attr, off, extack);
}

static int crs_rule_file(struct crs_ruleset *rs, struct crs_rule *r,
			 struct nlattr **tb, const struct nlattr *nest, u32 i,
			 struct netlink_ext_ack *extack)
{
	int err;

	err = crs_forbid(tb, crs_net_only, ARRAY_SIZE(crs_net_only), i, "file",
			 extack);
	if (!err)
		err = crs_forbid(tb, crs_sys_only, ARRAY_SIZE(crs_sys_only), i,
				 "file", extack);
	if (err)
		return err;
	if (!tb[CRS_RULE_A_PATH]) {
		crs_nl_errf(extack, nest, "rules[%u]: PATH required for file rules",
			    i);
		return -EINVAL;
	}
	return crs_abs_path(rs, tb[CRS_RULE_A_PATH], &r->path, "PATH", i,
			    extack);
}

static int crs_rule_net(struct crs_rule *r, struct nlattr **tb,
			const struct nlattr *nest, u32 i,
			struct netlink_ext_ack *extack)
{
	static const u8 v4mapped[12] = { [10] = 0xff, [11] = 0xff };
	int err, b;

	err = crs_forbid(tb, crs_file_only, ARRAY_SIZE(crs_file_only), i,
			 "network", extack);
	if (!err)
		err = crs_forbid(tb, crs_sys_only, ARRAY_SIZE(crs_sys_only), i,
				 "network", extack);
	if (err)
		return err;

	if (!tb[CRS_RULE_A_ADDR] != !tb[CRS_RULE_A_PREFIX]) {
		crs_nl_errf(extack, nest, "rules[%u]: ADDR and PREFIX go together",
			    i);
		return -EINVAL;
	}
	if (tb[CRS_RULE_A_ADDR]) {
		r->flags |= CRS_RULE_F_ADDR;
		memcpy(r->addr, nla_data(tb[CRS_RULE_A_ADDR]), sizeof(r->addr));
		r->prefix = nla_get_u8(tb[CRS_RULE_A_PREFIX]);
		/* IPv4 lives in ::ffff:0:0/96; its prefixes count from there. */
		if (!memcmp(r->addr, v4mapped, sizeof(v4mapped)) &&
		    r->prefix < 96) {
			crs_nl_errf(extack, tb[CRS_RULE_A_PREFIX],
				    "rules[%u]: PREFIX below 96 for an IPv4 address",
				    i);
			return -EINVAL;
		}
		for (b = r->prefix; b < 128; b++) {
			if (r->addr[b / 8] & (0x80 >> (b % 8))) {
				crs_nl_errf(extack, tb[CRS_RULE_A_ADDR],
					    "rules[%u]: ADDR has bits set beyond PREFIX",
					    i);
				return -EINVAL;
			}
		}
	}

	if (!tb[CRS_RULE_A_PORT_MIN] != !tb[CRS_RULE_A_PORT_MAX]) {
		crs_nl_errf(extack, nest,
			    "rules[%u]: PORT_MIN and PORT_MAX go together", i);
		return -EINVAL;
	}
	if (tb[CRS_RULE_A_PORT_MIN]) {
		r->flags |= CRS_RULE_F_PORTS;
		r->port_min = nla_get_u16(tb[CRS_RULE_A_PORT_MIN]);
		r->port_max = nla_get_u16(tb[CRS_RULE_A_PORT_MAX]);
		if (r->port_min > r->port_max) {
			crs_nl_errf(extack, tb[CRS_RULE_A_PORT_MIN],
				    "rules[%u]: PORT_MIN above PORT_MAX", i);
			return -EINVAL;
		}
	}

	if (tb[CRS_RULE_A_PROTOCOL]) {
		r->flags |= CRS_RULE_F_PROTOCOL;
		r->protocol = nla_get_u8(tb[CRS_RULE_A_PROTOCOL]);
		if (r->protocol != IPPROTO_TCP && r->protocol != IPPROTO_UDP) {
			crs_nl_errf(extack, tb[CRS_RULE_A_PROTOCOL],
				    "rules[%u]: PROTOCOL must be 6 (tcp) or 17 (udp)",
				    i);
			return -EINVAL;
		}
	}
	return 0;
}

static int crs_rule_arg(struct crs_ruleset *rs, struct crs_rule_arg *a,
			struct nlattr *nest, u32 i, int k,
			struct netlink_ext_ack *extack)
{
	struct nlattr *tb[CRS_ARG_A_MAX + 1];
	int err;

	if (nla_type(nest) != CRS_RULE_A_ARG) {
		crs_nl_errf(extack, nest,
			    "rules[%u]: ARGS holds CRS_RULE_A_ARG nests only", i);
		return -EINVAL;
	}
	err = nla_parse_nested(tb, CRS_ARG_A_MAX, nest, NULL, extack);
	if (err)
		return err;
	if (!tb[CRS_ARG_A_KIND]) {
		crs_nl_errf(extack, nest, "rules[%u]: args[%d]: KIND required",
			    i, k);
		return -EINVAL;
	}
	a->kind = nla_get_u8(tb[CRS_ARG_A_KIND]);
	a->path = CRS_STR_NONE;
	if (tb[CRS_ARG_A_INT] && a->kind != CRS_ARG_INT) {
		crs_nl_errf(extack, tb[CRS_ARG_A_INT],
			    "rules[%u]: args[%d]: INT only with KIND INT", i, k);
		return -EINVAL;
	}
	if (tb[CRS_ARG_A_PATH] && a->kind != CRS_ARG_PATH) {
		crs_nl_errf(extack, tb[CRS_ARG_A_PATH],
			    "rules[%u]: args[%d]: PATH only with KIND PATH", i, k);
		return -EINVAL;
	}
	switch (a->kind) {
	case CRS_ARG_INT:
		if (!tb[CRS_ARG_A_INT]) {
			crs_nl_errf(extack, nest,
				    "rules[%u]: args[%d]: INT required", i, k);
			return -EINVAL;
		}
		a->val = nla_get_u64(tb[CRS_ARG_A_INT]);
		break;
	case CRS_ARG_PATH:
		if (!tb[CRS_ARG_A_PATH]) {
			crs_nl_errf(extack, nest,
				    "rules[%u]: args[%d]: PATH required", i, k);
			return -EINVAL;
		}
		return crs_abs_path(rs, tb[CRS_ARG_A_PATH], &a->path,
				    "an argument's PATH", i, extack);
	}
	return 0;
}

static int crs_rule_sys(struct crs_ruleset *rs, struct crs_rule *r,
			struct nlattr **tb, const struct nlattr *nest, u32 i,
			struct netlink_ext_ack *extack)
{
	struct nlattr *arg, *args[CRS_SYSCALL_ARGS];
	int err, rem;

	err = crs_forbid(tb, crs_file_only, ARRAY_SIZE(crs_file_only), i,
			 "syscall", extack);
	if (!err)
		err = crs_forbid(tb, crs_net_only, ARRAY_SIZE(crs_net_only), i,
				 "syscall", extack);
	if (err)
		return err;
	if (!tb[CRS_RULE_A_SYSCALL]) {
		crs_nl_errf(extack, nest,
			    "rules[%u]: SYSCALL required for syscall rules", i);
		return -EINVAL;
	}
	err = crs_str_add(rs, tb[CRS_RULE_A_SYSCALL], &r->syscall, extack);
	if (err)
		return err;

	if (tb[CRS_RULE_A_ARGS]) {
		nla_for_each_nested(arg, tb[CRS_RULE_A_ARGS], rem) {
			if (r->nargs == CRS_SYSCALL_ARGS) {
				crs_nl_errf(extack, arg,
					    "rules[%u]: at most %d ARGS", i,
					    CRS_SYSCALL_ARGS);
				return -EINVAL;
			}
			err = crs_rule_arg(rs, &r->args[r->nargs], arg, i,
					   r->nargs, extack);
			if (err)
				return err;
			args[r->nargs++] = arg;
		}
	}
	/* The kernel is the authority on names, numbers and arguments. */
	return crs_sys_rule_check(r, i, tb[CRS_RULE_A_SYSCALL],
				  tb[CRS_RULE_A_SYSCALL_NR], args, extack);
}

/* Validates one CRS_A_RULE nest and appends it to rs. */
static int crs_rule_add(struct crs_ruleset *rs, struct nlattr *nest,
			struct netlink_ext_ack *extack)
{
	struct nlattr *tb[CRS_RULE_A_MAX + 1];
	unsigned int max_rules = READ_ONCE(crs_max_rules);
	u32 i = rs->n;
	struct crs_rule *r;
	int err;

	if (nla_type(nest) != CRS_A_RULE) {
		crs_nl_errf(extack, nest,
			    "rules[%u]: RULES holds CRS_A_RULE nests only", i);
		return -EINVAL;
	}
	/*
	 * genetlink validated the whole tree against crs_rule_nl_policy and
	 * crs_arg_nl_policy (nested arrays) before this handler ran; parse
	 * without validating it a second time, which 100,000 rules feel.
	 */
	err = nla_parse_nested(tb, CRS_RULE_A_MAX, nest, NULL, extack);
	if (err)
		return err;
	if (i >= max_rules) {
		crs_nl_errf(extack, nest,
			    "rules[%u]: more rules than the module parameter max_rules (%u)",
			    i, max_rules);
		return -ENOSPC;
	}
	if (!tb[CRS_RULE_A_NAME] || !tb[CRS_RULE_A_TYPE] ||
	    !tb[CRS_RULE_A_ACTION]) {
		crs_nl_errf(extack, nest, "rules[%u]: %s required", i,
			    !tb[CRS_RULE_A_NAME] ? "NAME" :
			    !tb[CRS_RULE_A_TYPE] ? "TYPE" : "ACTION");
		return -EINVAL;
	}
	if (!crs_name_valid(nla_data(tb[CRS_RULE_A_NAME]))) {
		crs_nl_errf(extack, tb[CRS_RULE_A_NAME],
			    "rules[%u]: NAME must be 1 to 63 of A-Z a-z 0-9 . _ -",
			    i);
		return -EINVAL;
	}

	if (rs->n == rs->cap) {
		err = crs_grow((void **)&rs->rules, &rs->cap, sizeof(*r),
			       &rs->bytes, extack);
		if (err)
			return err;
	}
	r = &rs->rules[i];
	memset(r, 0, sizeof(*r));
	r->type = nla_get_u8(tb[CRS_RULE_A_TYPE]);
	r->action = nla_get_u8(tb[CRS_RULE_A_ACTION]);
	if (tb[CRS_RULE_A_DISABLED])
		r->flags |= CRS_RULE_F_DISABLED;
	r->program = CRS_STR_NONE;
	r->path = CRS_STR_NONE;
	r->syscall = CRS_STR_NONE;
	err = crs_str_add(rs, tb[CRS_RULE_A_NAME], &r->name, extack);
	if (err)
		return err;
	if (tb[CRS_RULE_A_PROGRAM]) {
		err = crs_abs_path(rs, tb[CRS_RULE_A_PROGRAM], &r->program,
				   "PROGRAM", i, extack);
		if (err)
			return err;
	}

	switch (r->type) {
	case CRS_RULE_FILE_READ:
	case CRS_RULE_FILE_WRITE:
		err = crs_rule_file(rs, r, tb, nest, i, extack);
		break;
	case CRS_RULE_NET_OUT:
	case CRS_RULE_NET_IN:
		err = crs_rule_net(r, tb, nest, i, extack);
		break;
	default:
		err = crs_rule_sys(rs, r, tb, nest, i, extack);
		break;
	}
	if (err)
		return err;
	/* What a rule dump sends back is at most what arrived, and headers. */
	rs->max_msg = max_t(u32, rs->max_msg, nla_len(nest));
	rs->n++;
	return 0;
}

static int crs_rules_add(struct crs_ruleset *rs, struct nlattr *rules,
			 struct netlink_ext_ack *extack)
{
	struct nlattr *rule;
	int err, rem;

	nla_for_each_nested(rule, rules, rem) {
		err = crs_rule_add(rs, rule, extack);
		if (err)
			return err;
	}
	return 0;
}

/* Rule names are unique within a policy: one pass over a hash of indices. */
static int crs_rules_unique(const struct crs_ruleset *rs,
			    struct netlink_ext_ack *extack)
{
	u32 size = roundup_pow_of_two(max_t(u32, rs->n * 2, 16));
	u32 i, h, *slot;
	const char *name;

	slot = kvcalloc(size, sizeof(*slot), GFP_KERNEL_ACCOUNT);
	if (!slot)
		return -ENOMEM;
	for (i = 0; i < rs->n; i++) {
		name = rs->strtab + rs->rules[i].name;
		h = jhash(name, strlen(name), 0) & (size - 1);
		for (; slot[h]; h = (h + 1) & (size - 1)) {
			if (!strcmp(rs->strtab + rs->rules[slot[h] - 1].name,
				    name)) {
				crs_nl_errf(extack, NULL,
					    "rules[%u]: duplicate rule name %s",
					    i, name);
				kvfree(slot);
				return -EEXIST;
			}
		}
		slot[h] = i + 1;
	}
	kvfree(slot);
	return 0;
}

static const u8 crs_header_attrs[] = {
	CRS_POLICY_A_DESCRIPTION, CRS_POLICY_A_MODE, CRS_POLICY_A_DEF_NETWORK,
	CRS_POLICY_A_DEF_FILE, CRS_POLICY_A_DEF_APP, CRS_POLICY_A_COMPAT,
};

static u8 crs_get_u8(struct nlattr **tb, int type, u8 def)
{
	return tb[type] ? nla_get_u8(tb[type]) : def;
}

static struct crs_xfer *crs_xfer_begin(struct nlattr **tb,
				       struct nlattr *nest, u32 portid,
				       struct netlink_ext_ack *extack)
{
	struct crs_policy_ver *ver;
	struct crs_xfer *x;

	if (!tb[CRS_POLICY_A_NAME]) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "NAME required");
		return ERR_PTR(-EINVAL);
	}
	if (!tb[CRS_POLICY_A_MODE]) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "MODE required");
		return ERR_PTR(-EINVAL);
	}
	if (!crs_name_valid(nla_data(tb[CRS_POLICY_A_NAME]))) {
		NL_SET_ERR_MSG_ATTR(extack, tb[CRS_POLICY_A_NAME],
				    "NAME must be 1 to 63 of A-Z a-z 0-9 . _ -");
		return ERR_PTR(-EINVAL);
	}
	x = kzalloc(sizeof(*x), GFP_KERNEL_ACCOUNT);
	ver = kzalloc(sizeof(*ver), GFP_KERNEL_ACCOUNT);
	if (ver)
		ver->rs = crs_ruleset_alloc();
	if (!x || !ver || !ver->rs) {
		if (ver)
			crs_ruleset_put(ver->rs);
		kfree(ver);	/* never published: no grace period needed */
		kfree(x);
		return ERR_PTR(-ENOMEM);
	}
	refcount_set(&ver->ref, 1);
	strscpy(ver->name, nla_data(tb[CRS_POLICY_A_NAME]), sizeof(ver->name));
	if (tb[CRS_POLICY_A_DESCRIPTION])
		strscpy(ver->description,
			nla_data(tb[CRS_POLICY_A_DESCRIPTION]),
			sizeof(ver->description));
	ver->mode = nla_get_u8(tb[CRS_POLICY_A_MODE]);
	ver->def_network = crs_get_u8(tb, CRS_POLICY_A_DEF_NETWORK,
				      CRS_ACTION_ALLOW);
	ver->def_file = crs_get_u8(tb, CRS_POLICY_A_DEF_FILE, CRS_ACTION_ALLOW);
	ver->def_app = crs_get_u8(tb, CRS_POLICY_A_DEF_APP, CRS_ACTION_ALLOW);
	ver->compat = crs_get_u8(tb, CRS_POLICY_A_COMPAT, CRS_COMPAT_DENY);
	x->portid = portid;
	x->ver = ver;
	list_add(&x->node, &crs_xfers);
	return x;
}

/* A later part: the same policy, and nothing but rules. */
static int crs_xfer_continue(struct crs_xfer *x, struct nlattr **tb,
			     struct nlattr *nest,
			     struct netlink_ext_ack *extack)
{
	int k;

	if (!tb[CRS_POLICY_A_NAME]) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "NAME required");
		return -EINVAL;
	}
	if (strcmp(nla_data(tb[CRS_POLICY_A_NAME]), x->ver->name)) {
		crs_nl_errf(extack, tb[CRS_POLICY_A_NAME],
			    "NAME differs from the transfer's (%s)",
			    x->ver->name);
		return -EINVAL;
	}
	for (k = 0; k < ARRAY_SIZE(crs_header_attrs); k++) {
		if (tb[crs_header_attrs[k]]) {
			NL_SET_ERR_MSG_ATTR(extack, tb[crs_header_attrs[k]],
					    "policy fields belong in the BEGIN message");
			return -EINVAL;
		}
	}
	return 0;
}

static int crs_xfer_end(struct crs_xfer *x, struct nlattr **tb,
			struct nlattr *nest, struct netlink_ext_ack *extack)
{
	struct crs_ruleset *rs = x->ver->rs;

	if (!tb[CRS_POLICY_A_N_RULES]) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "N_RULES required in the END message");
		return -EINVAL;
	}
	if (nla_get_u32(tb[CRS_POLICY_A_N_RULES]) != rs->n) {
		crs_nl_errf(extack, tb[CRS_POLICY_A_N_RULES],
			    "N_RULES is %u but %u rules arrived",
			    nla_get_u32(tb[CRS_POLICY_A_N_RULES]), rs->n);
		return -EINVAL;
	}
	return crs_rules_unique(rs, extack);
}

int crs_nl_policy_new(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *nest = info->attrs[CRS_A_POLICY];
	struct nlattr *tb[CRS_POLICY_A_MAX + 1];
	u32 flags = CRS_XFER_BEGIN | CRS_XFER_END;
	struct crs_policy_ver *ver;
	struct crs_xfer *x;
	int err;

	if (!nest) {
		NL_SET_ERR_MSG_MOD(info->extack, "CRS_A_POLICY required");
		return -EINVAL;
	}
	err = nla_parse_nested(tb, CRS_POLICY_A_MAX, nest, crs_policy_nl_policy,
			       info->extack);
	if (err)
		return err;
	if (tb[CRS_POLICY_A_NEW_NAME]) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[CRS_POLICY_A_NEW_NAME],
				    "NEW_NAME is for CRS_CMD_POLICY_SET");
		return -EINVAL;
	}
	if (tb[CRS_POLICY_A_XFER_FLAGS])
		flags = nla_get_u32(tb[CRS_POLICY_A_XFER_FLAGS]);

	mutex_lock(&crs_lock);
	crs_attach_prune();
	x = crs_xfer_find(info->snd_portid);
	if (flags & CRS_XFER_BEGIN) {
		if (x)
			crs_xfer_drop(x);
		x = crs_xfer_begin(tb, nest, info->snd_portid, info->extack);
		if (IS_ERR(x)) {
			err = PTR_ERR(x);
			goto out;
		}
	} else if (!x) {
		NL_SET_ERR_MSG_ATTR(info->extack, nest,
				    "no transfer in progress on this socket (XFER_FLAGS lacks BEGIN)");
		err = -EINVAL;
		goto out;
	} else {
		err = crs_xfer_continue(x, tb, nest, info->extack);
		if (err)
			goto drop;
	}

	if (tb[CRS_POLICY_A_RULES]) {
		err = crs_rules_add(x->ver->rs, tb[CRS_POLICY_A_RULES],
				    info->extack);
		if (err)
			goto drop;
	}
	if (!(flags & CRS_XFER_END))
		goto out;

	err = crs_xfer_end(x, tb, nest, info->extack);
	if (err)
		goto drop;
	ver = x->ver;
	x->ver = NULL;
	crs_xfer_drop(x);
	err = crs_policy_commit(ver, info->extack);
	goto out;

drop:
	crs_xfer_drop(x);
out:
	mutex_unlock(&crs_lock);
	return err;
}

/* A transfer dies with its socket. */
static int crs_xfer_notify(struct notifier_block *nb, unsigned long event,
			   void *ptr)
{
	struct netlink_notify *n = ptr;
	struct crs_xfer *x;

	if (event != NETLINK_URELEASE || n->protocol != NETLINK_GENERIC ||
	    !net_eq(n->net, &init_net))
		return NOTIFY_DONE;
	/*
	 * Every netlink socket of the system passes here. Only the socket
	 * being released could have added its own transfer, and it did so
	 * before this release began, so a lockless look is enough to skip.
	 */
	if (list_empty(&crs_xfers))
		return NOTIFY_DONE;
	mutex_lock(&crs_lock);
	x = crs_xfer_find(n->portid);
	if (x)
		crs_xfer_drop(x);
	mutex_unlock(&crs_lock);
	return NOTIFY_DONE;
}

static struct notifier_block crs_xfer_nb = {
	.notifier_call = crs_xfer_notify,
};

int __init crs_xfer_init(void)
{
	return netlink_register_notifier(&crs_xfer_nb);
}

void crs_xfer_exit(void)
{
	struct crs_xfer *x, *tmp;

	netlink_unregister_notifier(&crs_xfer_nb);
	mutex_lock(&crs_lock);
	list_for_each_entry_safe(x, tmp, &crs_xfers, node)
		crs_xfer_drop(x);
	mutex_unlock(&crs_lock);
}
