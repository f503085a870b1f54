/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal interfaces between the parts of crs.ko. Every non-static symbol
 * carries the crs_ prefix.
 */
#ifndef _CRS_H
#define _CRS_H

#include <linux/types.h>
#include <net/genetlink.h>
#include <uapi/linux/crs.h>

/* netlink.c */
extern struct genl_family crs_genl_family;
int crs_genl_init(void);
void crs_genl_exit(void);
int crs_nl_check_perm(struct sk_buff *skb, struct netlink_ext_ack *extack);

/* policy.c: policies, their rules, and the policy commands */
int crs_policy_init(void);
void crs_policy_exit(void);
int crs_nl_policy_new(struct sk_buff *skb, struct genl_info *info);
int crs_nl_policy_get(struct sk_buff *skb, struct genl_info *info);
int crs_nl_policy_dump(struct sk_buff *skb, struct netlink_callback *cb);
int crs_nl_policy_del(struct sk_buff *skb, struct genl_info *info);
int crs_nl_policy_set(struct sk_buff *skb, struct genl_info *info);
int crs_nl_rule_dump(struct sk_buff *skb, struct netlink_callback *cb);
void crs_policy_stats(u32 *policies, u32 *rules, u64 *rule_bytes);

/* attach.c: policies bound to cgroups */
int crs_attach_init(void);
void crs_attach_exit(void);
bool crs_current_covered(void);
int crs_nl_attach_new(struct sk_buff *skb, struct genl_info *info);
int crs_nl_attach_set(struct sk_buff *skb, struct genl_info *info);
int crs_nl_attach_del(struct sk_buff *skb, struct genl_info *info);
int crs_nl_attach_dump(struct sk_buff *skb, struct netlink_callback *cb);
u32 crs_attach_count(void);

/* event.c: the event stream */
int crs_event_init(void);
void crs_event_exit(void);
int crs_nl_event_dump(struct sk_buff *skb, struct netlink_callback *cb);
void crs_event_stats(u64 *sent, u64 *lost);

#endif /* _CRS_H */
