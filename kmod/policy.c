// SPDX-License-Identifier: GPL-2.0
/* Policies and their rules (not implemented yet: every command says so). */
#include "crs.h"

static int crs_nl_todo(struct genl_info *info)
{
	NL_SET_ERR_MSG_MOD(info->extack, "not implemented yet");
	return -EOPNOTSUPP;
}

int crs_nl_policy_new(struct sk_buff *skb, struct genl_info *info)
{
	return crs_nl_todo(info);
}

int crs_nl_policy_get(struct sk_buff *skb, struct genl_info *info)
{
	return crs_nl_todo(info);
}

int crs_nl_policy_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	return -EOPNOTSUPP;
}

int crs_nl_policy_del(struct sk_buff *skb, struct genl_info *info)
{
	return crs_nl_todo(info);
}

int crs_nl_policy_set(struct sk_buff *skb, struct genl_info *info)
{
	return crs_nl_todo(info);
}

int crs_nl_rule_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	return -EOPNOTSUPP;
}

void crs_policy_stats(u32 *policies, u32 *rules, u64 *rule_bytes)
{
	*policies = 0;
	*rules = 0;
	*rule_bytes = 0;
}

int __init crs_policy_init(void)
{
	return 0;
}

void crs_policy_exit(void)
{
}
