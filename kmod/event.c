// SPDX-License-Identifier: GPL-2.0
/* The event stream (not implemented yet: every command says so). */
#include "crs.h"

int crs_nl_event_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	return -EOPNOTSUPP;
}

void crs_event_stats(u64 *sent, u64 *lost)
{
	*sent = 0;
	*lost = 0;
}

int __init crs_event_init(void)
{
	return 0;
}

void crs_event_exit(void)
{
}
