/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal interfaces between the parts of crs.ko. Every non-static symbol
 * carries the crs_ prefix.
 */
#ifndef _CRS_H
#define _CRS_H

#include <linux/cgroup.h>
#include <linux/mutex.h>
#include <linux/refcount.h>
#include <linux/workqueue.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <net/genetlink.h>
#include <uapi/linux/crs.h>

/* netlink.c */
extern struct genl_family crs_genl_family;
int crs_genl_init(void);
void crs_genl_exit(void);
int crs_nl_check_perm(struct sk_buff *skb, struct netlink_ext_ack *extack);
int crs_nl_only(struct nlattr **tb, int maxtype, unsigned long allowed,
		struct netlink_ext_ack *extack);

/* netlink.c: attribute policies shared with the handlers that re-parse */
extern const struct nla_policy crs_policy_nl_policy[CRS_POLICY_A_MAX + 1];
extern const struct nla_policy crs_rule_nl_policy[CRS_RULE_A_MAX + 1];
extern const struct nla_policy crs_arg_nl_policy[CRS_ARG_A_MAX + 1];
extern const struct nla_policy crs_attach_nl_policy[CRS_ATTACH_A_MAX + 1];

/*
 * The control-plane lock: serialises every change to policies, transfers
 * and attachments. Commands already run under genl_mutex, but the prune
 * work and module exit do not. Readers on hot paths take none of it: they
 * use RCU.
 */
extern struct mutex crs_lock;

/*
 * Sets a formatted extack message (at most CRS_ERRMSG_LEN - 1 bytes, cut
 * beyond) and, when attr is given, the offending attribute.
 */
__printf(3, 4)
void crs_nl_errf(struct netlink_ext_ack *extack, const struct nlattr *attr,
		 const char *fmt, ...);

/*
 * The in-kernel policy. A struct crs_policy is the stable identity (id,
 * created time, attachments); what it says is an immutable struct
 * crs_policy_ver behind an RCU pointer, replaced whole: a reader that
 * rcu_dereference()s ver once sees one version, never a mix. Rules are a
 * flat array of fixed-size records in document order plus one string table;
 * a rule set is shared (refcounted) by the versions a mode change or a
 * rename makes.
 */
#define CRS_STR_NONE	U32_MAX		/* string offset: attribute absent */

#define CRS_RULE_F_DISABLED	BIT(0)
#define CRS_RULE_F_ADDR		BIT(1)	/* addr and prefix are set */
#define CRS_RULE_F_PORTS	BIT(2)	/* port_min and port_max are set */
#define CRS_RULE_F_PROTOCOL	BIT(3)

struct crs_rule_arg {
	u64 val;		/* CRS_ARG_INT */
	u32 path;		/* CRS_ARG_PATH: offset in strtab */
	u8 kind;		/* enum crs_arg_kind */
	u8 pad[3];
};

/* Padding is zeroed: rule sets compare byte for byte. */
struct crs_rule {
	u32 name;		/* offsets into the rule set's strtab */
	u32 program;		/* CRS_STR_NONE: any program */
	u32 path;		/* file rules */
	u32 syscall;		/* syscall rules: the name */
	u32 syscall_nr;
	u8 type;		/* enum crs_rule_type */
	u8 action;		/* enum crs_action */
	u8 flags;		/* CRS_RULE_F_* */
	u8 prefix;		/* 0..128, in the IPv4-mapped space */
	u8 protocol;
	u8 nargs;
	u16 port_min;
	u16 port_max;
	u8 pad[2];
	u8 addr[16];		/* network order, IPv4-mapped for IPv4 */
	struct crs_rule_arg args[CRS_SYSCALL_ARGS];
};

/*
 * Lookup structures that later enforcement code compiles from the rules
 * when a rule set is made (crs_ruleset_compile()) and frees with it.
 */
enum crs_table {
	CRS_TABLE_FILE,
	CRS_TABLE_NET,
	CRS_TABLE_SYSCALL,
	CRS_TABLE_MAX
};

struct crs_ruleset {
	refcount_t ref;
	u32 n;			/* rules in use */
	u32 cap;		/* rules allocated */
	u32 strtab_len;		/* bytes in use */
	u32 strtab_cap;
	u32 max_msg;		/* bound on one rule's size as a netlink nest */
	u64 bytes;		/* charged against max_rule_bytes */
	struct crs_rule *rules;	/* kvmalloc'd, GFP_KERNEL_ACCOUNT */
	char *strtab;
	void *tables[CRS_TABLE_MAX];
	struct work_struct free_work;
};

static inline const char *crs_rule_str(const struct crs_ruleset *rs, u32 off)
{
	return off == CRS_STR_NONE ? NULL : rs->strtab + off;
}

struct crs_policy_ver {
	refcount_t ref;		/* the policy's, and each dump's */
	u32 generation;		/* global, increases with every version */
	u64 modified;		/* CLOCK_REALTIME ns */
	u8 mode;		/* enum crs_mode */
	u8 def_network;		/* enum crs_action */
	u8 def_file;
	u8 def_app;
	u8 compat;		/* enum crs_compat */
	char name[CRS_NAME_MAX + 1];
	char description[CRS_DESC_MAX + 1];
	struct crs_ruleset *rs;
	struct rcu_head rcu;
};

struct crs_policy {
	struct list_head node;		/* in the policy list, under crs_lock */
	refcount_t ref;			/* the list's and each attachment's */
	u64 id;
	u64 created;			/* CLOCK_REALTIME ns */
	u32 n_attach;			/* under crs_lock */
	struct crs_policy_ver __rcu *ver;
	struct rcu_head rcu;
};

/* policy.c: policies, their rules, and the policy commands */
int crs_policy_init(void);
void crs_policy_exit(void);
int crs_nl_policy_new(struct sk_buff *skb, struct genl_info *info);
int crs_nl_policy_get(struct sk_buff *skb, struct genl_info *info);
int crs_nl_policy_dump(struct sk_buff *skb, struct netlink_callback *cb);
int crs_nl_policy_del(struct sk_buff *skb, struct genl_info *info);
int crs_nl_policy_set(struct sk_buff *skb, struct genl_info *info);
int crs_nl_rule_dump_start(struct netlink_callback *cb);
int crs_nl_rule_dump(struct sk_buff *skb, struct netlink_callback *cb);
int crs_nl_rule_dump_done(struct netlink_callback *cb);
void crs_policy_stats(u32 *policies, u32 *rules, u64 *rule_bytes);
/* Under crs_lock. */
struct crs_policy *crs_policy_find(const char *name);
/* 1..CRS_NAME_MAX of A-Z a-z 0-9 . _ - (the length is the nla policy's). */
bool crs_name_valid(const char *s);
/* From any context but NMI: the freeing waits for a grace period. */
void crs_policy_put(struct crs_policy *p);
/* Hook points for compiled lookup tables. */
int crs_ruleset_compile(struct crs_ruleset *rs);
void crs_ruleset_free_tables(struct crs_ruleset *rs);
struct crs_ruleset *crs_ruleset_alloc(void);
void crs_ruleset_put(struct crs_ruleset *rs);
void crs_ver_put(struct crs_policy_ver *ver);
/*
 * Rule memory, staged or stored, counts against max_rule_bytes: charge
 * before allocating, uncharge after freeing.
 */
extern unsigned int crs_max_rules;
int crs_rule_bytes_charge(u64 bytes, struct netlink_ext_ack *extack);
void crs_rule_bytes_uncharge(u64 bytes);
/*
 * Creates the policy ver->name or replaces its version with ver; takes
 * ver in every case. Under crs_lock.
 */
int crs_policy_commit(struct crs_policy_ver *ver,
		      struct netlink_ext_ack *extack);

/* xfer.c: documents sent in parts, bound to the sending socket */
int crs_xfer_init(void);
void crs_xfer_exit(void);

/* event.c: the per-attachment rate limit of the event stream */
struct crs_event_limit {
	spinlock_t lock;	/* protects tokens and last */
	u64 tokens;		/* in nanoseconds of credit */
	u64 last;		/* ktime_get_ns() of the last refill */
};

void crs_event_limit_init(struct crs_event_limit *limit);

struct crs_policy;

/*
 * A policy bound to a cgroup. Found under RCU from the hot paths by the id
 * of the cgroup or of its nearest attached ancestor; freed after a grace
 * period. mode and events are written under the control-plane lock and
 * read locklessly (READ_ONCE).
 */
struct crs_attach {
	struct hlist_node node;		/* in the table, by cgid */
	u64 cgid;			/* kernfs id of cgrp */
	struct cgroup *cgrp;		/* holds a reference */
	struct crs_policy *policy;	/* holds a reference */
	u8 mode;			/* enum crs_mode or CRS_MODE_POLICY */
	u8 events;			/* enum crs_events_setting */
	struct crs_event_limit limit;
	struct rcu_head rcu;
};

/* attach.c: policies bound to cgroups */
/*
 * The decision state's generation: it increases after every change that
 * can change what an operation is decided to be: an attachment made,
 * removed or changed, an attached policy's version replaced, net.c's
 * socket owner records dropped. A hot path may keep a decision with the
 * value it read before deciding, and reuse it while the value is
 * unchanged. crs_state_changed() under crs_lock.
 */
extern unsigned long crs_state_gen;
void crs_state_changed(void);

static inline unsigned long crs_state_read(void)
{
	/* Pairs with crs_state_changed(): the change is seen with it. */
	return smp_load_acquire(&crs_state_gen);
}

/* Drops attachments whose cgroup was removed. Under crs_lock. */
void crs_attach_prune(void);
/* "/a, /b and 3 more" into buf: the cgroups p is attached to. crs_lock. */
void crs_attach_describe(struct crs_policy *p, char *buf, size_t len);
/* The attachment covering cgrp, or NULL. Caller holds rcu_read_lock(). */
struct crs_attach *crs_attach_lookup(struct cgroup *cgrp);
int crs_attach_init(void);
void crs_attach_exit(void);
bool crs_current_covered(void);
int crs_nl_attach_new(struct sk_buff *skb, struct genl_info *info);
int crs_nl_attach_set(struct sk_buff *skb, struct genl_info *info);
int crs_nl_attach_del(struct sk_buff *skb, struct genl_info *info);
int crs_nl_attach_dump(struct sk_buff *skb, struct netlink_callback *cb);
u32 crs_attach_count(void);

/*
 * event.c: the event stream. An enforcement point that decided deny or
 * monitor describes what happened here and calls crs_event_report() from
 * any context but NMI: it neither sleeps nor allocates, and copies every
 * string before it returns. Time, pid, comm and the cgroup are taken from
 * current, unless the operation is another task's (a packet arriving for
 * a socket): then pid, comm and cgrp say whose.
 */
struct crs_event_arg {
	u8 kind;		/* enum crs_arg_kind */
	u64 val;		/* CRS_ARG_INT */
	const char *path;	/* CRS_ARG_PATH */
};

struct crs_event_info {
	struct crs_attach *att;	/* the attachment that covers current */
	const char *policy;	/* policy name */
	const char *rule;	/* NULL: a default action decided */
	const char *program;	/* the program of current (SPEC section 1) */
	u8 type;		/* enum crs_rule_type */
	u8 action;		/* CRS_ACTION_DENY or CRS_ACTION_MONITOR */
	bool enforced;
	/* file rules */
	const char *path;
	/* network rules */
	u8 direction;		/* enum crs_direction */
	const u8 *addr;		/* 16 bytes, IPv4-mapped for IPv4 */
	u16 port;
	u8 protocol;
	/* syscall rules */
	const char *syscall;
	u8 nargs;
	struct crs_event_arg args[CRS_SYSCALL_ARGS];
	/* Set all three, or none: current's. */
	pid_t pid;		/* in the initial PID namespace */
	const char *comm;
	struct cgroup *cgrp;	/* valid for the call */
};

/*
 * Reports an event unless the attachment's events setting excludes it.
 * Returns its sequence number, or 0 when none was produced. A produced
 * event that is then dropped (rate limit, full buffer) still consumes its
 * number, so that listeners see the gap.
 */
u64 crs_event_report(const struct crs_event_info *ev);
int crs_event_init(void);
void crs_event_start(void);
void crs_event_stop(void);
void crs_event_exit(void);
int crs_nl_event_dump_start(struct netlink_callback *cb);
int crs_nl_event_dump(struct sk_buff *skb, struct netlink_callback *cb);
void crs_event_stats(u64 *sent, u64 *lost);
void crs_event_stats_lost(u64 *rate, u64 *buffer, u64 *nomem, u64 *seq);

/*
 * Enforcement, one file for each kind of rule. At module exit, _stop()
 * makes later gets do nothing; then crs_hook_exit() removes every hook
 * and waits for the handlers; then _free() releases what they used.
 *
 * file.c: file rules. An attachment holds the file hooks from before it is
 * visible until after it is gone (crs_lock).
 */
int crs_file_get(struct netlink_ext_ack *extack);
void crs_file_put(void);
void crs_file_stop(void);
void crs_file_free(void);

/* net.c: network rules; an attachment holds them as it holds file.c's. */
int crs_net_compile(struct crs_ruleset *rs);
int crs_net_get(struct netlink_ext_ack *extack);
void crs_net_put(void);
void crs_net_stop(void);
void crs_net_free(void);

/*
 * sys.c: syscall rules. crs_sys_rule_check() resolves a rule's name
 * against the running kernel (and so may sleep) and checks its
 * arguments; name and nr are its SYSCALL and SYSCALL_NR, args its ARG
 * nests (for the extack). An attached version holds what it needs: n
 * holds for n attachments, taken before it is visible (crs_lock),
 * released after it is gone.
 */
int crs_sys_rule_check(struct crs_rule *r, u32 i, const struct nlattr *name,
		       const struct nlattr *nr, struct nlattr *const *args,
		       struct netlink_ext_ack *extack);
int crs_sys_hold(const struct crs_policy_ver *ver, u32 n,
		 struct netlink_ext_ack *extack);
void crs_sys_release(const struct crs_policy_ver *ver, u32 n);
int crs_sys_compile(struct crs_ruleset *rs);
void crs_sys_stop(void);
void crs_sys_free(void);

#endif /* _CRS_H */
