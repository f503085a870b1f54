// SPDX-License-Identifier: GPL-2.0
/* Policies attached to cgroups (not implemented yet: every command says so). */
#include "crs.h"

bool crs_current_covered(void)
{
	return false;
}

static int crs_nl_todo(struct genl_info *info)
{
	NL_SET_ERR_MSG_MOD(info->extack, "not implemented yet");
	return -EOPNOTSUPP;
}

int crs_nl_attach_new(struct sk_buff *skb, struct genl_info *info)
{
	return crs_nl_todo(info);
}

int crs_nl_attach_set(struct sk_buff *skb, struct genl_info *info)
{
	return crs_nl_todo(info);
}

int crs_nl_attach_del(struct sk_buff *skb, struct genl_info *info)
{
	return crs_nl_todo(info);
}

int crs_nl_attach_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	return -EOPNOTSUPP;
}

u32 crs_attach_count(void)
{
	return 0;
}

int __init crs_attach_init(void)
{
	return 0;
}

void crs_attach_exit(void)
{
}
