// SPDX-License-Identifier: GPL-2.0
/*
 * The crs generic netlink family: attribute policies, the operation table,
 * the permission check every operation shares, and the status query. The
 * handlers of each object live with the object (policy.c, attach.c,
 * event.c).
 */

#include <linux/capability.h>
#include <linux/limits.h>
#include <linux/utsname.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include "crs.h"

const struct nla_policy crs_arg_nl_policy[CRS_ARG_A_MAX + 1] = {
	[CRS_ARG_A_KIND]	= NLA_POLICY_MAX(NLA_U8, CRS_ARG_MAX),
	[CRS_ARG_A_INT]		= { .type = NLA_U64 },
	[CRS_ARG_A_PATH]	= { .type = NLA_NUL_STRING, .len = PATH_MAX - 1 },
};

const struct nla_policy crs_rule_nl_policy[CRS_RULE_A_MAX + 1] = {
	[CRS_RULE_A_NAME]	= { .type = NLA_NUL_STRING, .len = CRS_NAME_MAX },
	[CRS_RULE_A_TYPE]	= NLA_POLICY_MAX(NLA_U8, CRS_RULE_MAX),
	[CRS_RULE_A_ACTION]	= NLA_POLICY_MAX(NLA_U8, CRS_ACTION_MAX),
	[CRS_RULE_A_DISABLED]	= { .type = NLA_FLAG },
	[CRS_RULE_A_PROGRAM]	= { .type = NLA_NUL_STRING, .len = PATH_MAX - 1 },
	[CRS_RULE_A_PATH]	= { .type = NLA_NUL_STRING, .len = PATH_MAX - 1 },
	[CRS_RULE_A_ADDR]	= NLA_POLICY_EXACT_LEN(16),
	[CRS_RULE_A_PREFIX]	= NLA_POLICY_MAX(NLA_U8, 128),
	[CRS_RULE_A_PORT_MIN]	= { .type = NLA_U16 },
	[CRS_RULE_A_PORT_MAX]	= { .type = NLA_U16 },
	[CRS_RULE_A_PROTOCOL]	= { .type = NLA_U8 },
	[CRS_RULE_A_SYSCALL]	= { .type = NLA_NUL_STRING, .len = 63 },
	[CRS_RULE_A_SYSCALL_NR]	= { .type = NLA_U32 },
	[CRS_RULE_A_ARGS]	= NLA_POLICY_NESTED_ARRAY(crs_arg_nl_policy),
};

const struct nla_policy crs_policy_nl_policy[CRS_POLICY_A_MAX + 1] = {
	[CRS_POLICY_A_NAME]	= { .type = NLA_NUL_STRING, .len = CRS_NAME_MAX },
	[CRS_POLICY_A_NEW_NAME]	= { .type = NLA_NUL_STRING, .len = CRS_NAME_MAX },
	[CRS_POLICY_A_DESCRIPTION] = { .type = NLA_NUL_STRING, .len = CRS_DESC_MAX },
	[CRS_POLICY_A_MODE]	= NLA_POLICY_MAX(NLA_U8, CRS_MODE_MAX),
	[CRS_POLICY_A_DEF_NETWORK] = NLA_POLICY_MAX(NLA_U8, CRS_ACTION_MAX),
	[CRS_POLICY_A_DEF_FILE]	= NLA_POLICY_MAX(NLA_U8, CRS_ACTION_MAX),
	[CRS_POLICY_A_DEF_APP]	= NLA_POLICY_MAX(NLA_U8, CRS_ACTION_MAX),
	[CRS_POLICY_A_COMPAT]	= NLA_POLICY_MAX(NLA_U8, CRS_COMPAT_MAX),
	[CRS_POLICY_A_XFER_FLAGS] = NLA_POLICY_MASK(NLA_U32,
						    CRS_XFER_BEGIN | CRS_XFER_END),
	[CRS_POLICY_A_N_RULES]	= { .type = NLA_U32 },
	[CRS_POLICY_A_RULES]	= NLA_POLICY_NESTED_ARRAY(crs_rule_nl_policy),
};

const struct nla_policy crs_attach_nl_policy[CRS_ATTACH_A_MAX + 1] = {
	[CRS_ATTACH_A_CGROUP_FD] = { .type = NLA_S32 },
	[CRS_ATTACH_A_POLICY]	= { .type = NLA_NUL_STRING, .len = CRS_NAME_MAX },
	[CRS_ATTACH_A_MODE]	= { .type = NLA_U8 },
	[CRS_ATTACH_A_EVENTS]	= NLA_POLICY_MAX(NLA_U8, CRS_EVENTS_MAX),
};

/* One policy for every command: each takes at most one object nest. */
static const struct nla_policy crs_nl_policy[CRS_A_MAX + 1] = {
	[CRS_A_POLICY]	= NLA_POLICY_NESTED(crs_policy_nl_policy),
	[CRS_A_ATTACH]	= NLA_POLICY_NESTED(crs_attach_nl_policy),
};

/*
 * Everything crs exposes is security state: reading it tells a container
 * what is watched, changing it turns enforcement off. So every command,
 * dumps included, needs CAP_MAC_ADMIN in the initial user namespace (for
 * both the opener of the socket and the sender), and a process that a
 * policy covers may do nothing at all, whatever its capabilities.
 */
int crs_nl_check_perm(struct sk_buff *skb, struct netlink_ext_ack *extack)
{
	if (!netlink_capable(skb, CAP_MAC_ADMIN)) {
		NL_SET_ERR_MSG_MOD(extack, "needs CAP_MAC_ADMIN in the initial user namespace");
		return -EPERM;
	}
	if (crs_current_covered()) {
		NL_SET_ERR_MSG_MOD(extack, "a process covered by a policy may not use crs");
		return -EPERM;
	}
	return 0;
}

/*
 * Refuses any attribute of tb[1..maxtype] that the command does not take
 * (allowed: a mask of attribute types): silently ignoring one would let a
 * caller believe it changed something.
 */
int crs_nl_only(struct nlattr **tb, int maxtype, unsigned long allowed,
		struct netlink_ext_ack *extack)
{
	int type;

	for (type = 1; type <= maxtype; type++) {
		if (tb[type] && !(allowed & BIT(type))) {
			NL_SET_ERR_MSG_ATTR(extack, tb[type],
					    "attribute not taken by this command");
			return -EINVAL;
		}
	}
	return 0;
}

static int crs_nl_pre_doit(const struct crs_genl_pre_ops *ops, struct sk_buff *skb,
			   struct genl_info *info)
{
	return crs_nl_check_perm(skb, info->extack);
}

static int crs_nl_dump_start(struct netlink_callback *cb)
{
	return crs_nl_check_perm(cb->skb, cb->extack);
}

/*
 * Before 6.2 a dump's .start gets no extack (Debian's 6.1 leaves
 * cb->extack NULL there), so a refusal would reach the user without its
 * reason. There the dump starts anyway with the refusal kept in its state,
 * and its first round returns it: the error and the message then travel
 * in NLMSG_DONE. The callback's state is free, since a dump that failed to
 * start has none of its own.
 */
struct crs_nl_refusal {
	long err;
	const char *msg;
	const void *mark;	/* &crs_nl_refusal_mark: a kept refusal */
};

static const char crs_nl_refusal_mark;

/* At the end of the state, away from what the dumps keep at its start. */
static struct crs_nl_refusal *crs_nl_refusal(struct netlink_callback *cb)
{
	BUILD_BUG_ON(sizeof(struct crs_nl_refusal) > sizeof(cb->ctx));
	return (struct crs_nl_refusal *)(cb->ctx + sizeof(cb->ctx) -
					 sizeof(struct crs_nl_refusal));
}

static int crs_nl_start(struct netlink_callback *cb,
			int (*start)(struct netlink_callback *cb))
{
	struct crs_nl_refusal *r = crs_nl_refusal(cb);
	struct netlink_ext_ack extack = {};
	int err;

	if (cb->extack)
		return start(cb);
	cb->extack = &extack;
	err = start(cb);
	cb->extack = NULL;
	if (err) {
		memset(cb->ctx, 0, sizeof(cb->ctx));
		r->err = err;
		r->msg = extack._msg;
		r->mark = &crs_nl_refusal_mark;
	}
	return 0;
}

static int crs_nl_refused(struct netlink_callback *cb)
{
	struct crs_nl_refusal *r = crs_nl_refusal(cb);

	if (r->mark != &crs_nl_refusal_mark)
		return 0;
	/* NL_SET_ERR_MSG() takes literals; the message is one already. */
	if (r->msg && cb->extack)
		cb->extack->_msg = r->msg;
	return r->err;
}

/* name_start and name_dumpit: start and dump with the refusal above. */
#define CRS_NL_DUMP(name, start, dump)					\
static int name##_start(struct netlink_callback *cb)			\
{									\
	return crs_nl_start(cb, start);					\
}									\
static int name##_dumpit(struct sk_buff *skb, struct netlink_callback *cb) \
{									\
	int err = crs_nl_refused(cb);					\
									\
	return err ? err : dump(skb, cb);				\
}

CRS_NL_DUMP(crs_nl_policy, crs_nl_dump_start, crs_nl_policy_dump)
CRS_NL_DUMP(crs_nl_rule, crs_nl_rule_dump_start, crs_nl_rule_dump)
CRS_NL_DUMP(crs_nl_attach, crs_nl_dump_start, crs_nl_attach_dump)
CRS_NL_DUMP(crs_nl_event, crs_nl_event_dump_start, crs_nl_event_dump)

/* A refused rule dump never pinned a version: nothing to release. */
static int crs_nl_rule_done(struct netlink_callback *cb)
{
	return crs_nl_refused(cb) ? 0 : crs_nl_rule_dump_done(cb);
}

static int crs_nl_status_get(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	struct nlattr *nest;
	u32 policies, rules;
	u64 rule_bytes, sent, lost, lost_rate, lost_buffer, lost_nomem, seq;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &crs_genl_family, 0,
				CRS_CMD_STATUS_GET);
	if (!hdr)
		goto nospace;

	crs_policy_stats(&policies, &rules, &rule_bytes);
	crs_event_stats(&sent, &lost);
	crs_event_stats_lost(&lost_rate, &lost_buffer, &lost_nomem, &seq);

	if (nla_put_string(msg, CRS_A_VERSION, CRS_VERSION) ||
	    nla_put_string(msg, CRS_A_KERNEL, init_utsname()->release))
		goto nospace;
	nest = nla_nest_start(msg, CRS_A_STATS);
	if (!nest ||
	    nla_put_u32(msg, CRS_STATS_A_POLICIES, policies) ||
	    nla_put_u32(msg, CRS_STATS_A_RULES, rules) ||
	    nla_put_u32(msg, CRS_STATS_A_ATTACHMENTS, crs_attach_count()) ||
	    nla_put_u64_64bit(msg, CRS_STATS_A_EVENTS_SENT, sent,
			      CRS_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, CRS_STATS_A_EVENTS_LOST, lost,
			      CRS_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, CRS_STATS_A_LOST_RATE, lost_rate,
			      CRS_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, CRS_STATS_A_LOST_BUFFER, lost_buffer,
			      CRS_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, CRS_STATS_A_LOST_NOMEM, lost_nomem,
			      CRS_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, CRS_STATS_A_EVENT_SEQ, seq,
			      CRS_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, CRS_STATS_A_RULE_BYTES, rule_bytes,
			      CRS_STATS_A_PAD))
		goto nospace;
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

nospace:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

static const struct genl_ops crs_nl_ops[] = {
	{
		.cmd	= CRS_CMD_STATUS_GET,
		.doit	= crs_nl_status_get,
	},
	{
		.cmd	= CRS_CMD_POLICY_NEW,
		.doit	= crs_nl_policy_new,
	},
	{
		.cmd	= CRS_CMD_POLICY_GET,
		.doit	= crs_nl_policy_get,
		.start	= crs_nl_policy_start,
		.dumpit	= crs_nl_policy_dumpit,
	},
	{
		.cmd	= CRS_CMD_POLICY_DEL,
		.doit	= crs_nl_policy_del,
	},
	{
		.cmd	= CRS_CMD_POLICY_SET,
		.doit	= crs_nl_policy_set,
	},
	{
		.cmd	= CRS_CMD_RULE_GET,
		.start	= crs_nl_rule_start,
		.dumpit	= crs_nl_rule_dumpit,
		.done	= crs_nl_rule_done,
	},
	{
		.cmd	= CRS_CMD_ATTACH_NEW,
		.doit	= crs_nl_attach_new,
	},
	{
		.cmd	= CRS_CMD_ATTACH_SET,
		.doit	= crs_nl_attach_set,
	},
	{
		.cmd	= CRS_CMD_ATTACH_DEL,
		.doit	= crs_nl_attach_del,
	},
	{
		.cmd	= CRS_CMD_ATTACH_GET,
		.start	= crs_nl_attach_start,
		.dumpit	= crs_nl_attach_dumpit,
	},
	{
		.cmd	= CRS_CMD_EVENT,
		.start	= crs_nl_event_start,
		.dumpit	= crs_nl_event_dumpit,
	},
};

/*
 * Joining needs CAP_SYS_ADMIN in the initial user namespace; genetlink
 * checks it at bind time for us (SPEC section 7).
 */
static const struct genl_multicast_group crs_nl_mcgrps[] = {
	{ .name = CRS_MCGRP_EVENTS, .flags = GENL_MCAST_CAP_SYS_ADMIN },
};

struct genl_family crs_genl_family __ro_after_init = {
	.name		= CRS_GENL_NAME,
	.version	= CRS_GENL_VERSION,
	.maxattr	= CRS_A_MAX,
	.policy		= crs_nl_policy,
	.netnsok	= false,	/* the initial network namespace only */
	.parallel_ops	= false,	/* commands are serialised by genl_mutex */
	.pre_doit	= crs_nl_pre_doit,
	.module		= THIS_MODULE,
	.ops		= crs_nl_ops,
	.n_ops		= ARRAY_SIZE(crs_nl_ops),
	.resv_start_op	= CRS_CMD_MAX + 1,	/* strict checks everywhere */
	.mcgrps		= crs_nl_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(crs_nl_mcgrps),
};

int __init crs_genl_init(void)
{
	int err;

	err = genl_register_family(&crs_genl_family);
	if (!err)
		crs_event_start();
	return err;
}

void crs_genl_exit(void)
{
	/* No multicast may race the group's removal. */
	crs_event_stop();
	genl_unregister_family(&crs_genl_family);
}
