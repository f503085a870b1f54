// SPDX-License-Identifier: GPL-2.0
/*
 * Policies attached to cgroups.
 *
 * One RCU hash table keyed by cgroup id; hot paths walk a cgroup's
 * ancestors through it under rcu_read_lock(), writers hold crs_lock. An
 * attachment holds a reference on its cgroup, so the id cannot be reused
 * while it exists. The cgroup core offers modules no notification of
 * rmdir, so an attachment whose cgroup went offline is pruned at the start
 * of every command and dump (no caller ever sees one) and by a work item
 * every second while attachments exist (nothing lingers). A removed cgroup
 * has no tasks and no children, so until then no check can reach it.
 */

#include <linux/hashtable.h>
#include <linux/jump_label.h>
#include <linux/limits.h>
#include <linux/slab.h>
#include "crs.h"

#define CRS_ATTACH_HASH_BITS	8

static DEFINE_HASHTABLE(crs_attach_table, CRS_ATTACH_HASH_BITS);
static u32 crs_attach_n;	/* attachments; crs_lock */
static u32 crs_attach_gen = 1;	/* bumped by every change; crs_lock */
unsigned long crs_state_gen = 1;
/* Off while nothing is attached: hot paths return at once. */
static DEFINE_STATIC_KEY_FALSE(crs_attach_any);
static void crs_attach_prune_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(crs_attach_prune_work, crs_attach_prune_fn);

struct crs_attach *crs_attach_lookup(struct cgroup *cgrp)
{
	struct crs_attach *att;
	int level;
	u64 id;

	if (!static_branch_unlikely(&crs_attach_any))
		return NULL;
	/* Nearest first; the root (level 0) cannot be attached. */
	for (level = cgrp->level; level >= 1; level--) {
		id = cgroup_id(cgrp->ancestors[level]);
		hash_for_each_possible_rcu(crs_attach_table, att, node, id)
			if (att->cgid == id)
				return att;
	}
	return NULL;
}
EXPORT_SYMBOL_GPL(crs_attach_lookup);	/* for tests/kmod; see event.c */

bool crs_current_covered(void)
{
	bool covered;

	if (!static_branch_unlikely(&crs_attach_any))
		return false;
	rcu_read_lock();
	covered = crs_attach_lookup(task_dfl_cgroup(current));
	rcu_read_unlock();
	return covered;
}

static const char *crs_attach_policy_name(const struct crs_attach *att)
{
	return rcu_dereference_protected(att->policy->ver,
					 lockdep_is_held(&crs_lock))->name;
}

void crs_state_changed(void)
{
	lockdep_assert_held(&crs_lock);
	/* After the change: who reads the new value sees the change. */
	smp_store_release(&crs_state_gen, crs_state_gen + 1);
}

static struct crs_attach *crs_attach_find(u64 cgid)
{
	struct crs_attach *att;

	hash_for_each_possible(crs_attach_table, att, node, cgid)
		if (att->cgid == cgid)
			return att;
	return NULL;
}

static void crs_attach_free_rcu(struct rcu_head *head)
{
	struct crs_attach *att = container_of(head, struct crs_attach, rcu);

	cgroup_put(att->cgrp);
	crs_policy_put(att->policy);
	kfree(att);
}

static void crs_attach_remove(struct crs_attach *att)
{
	lockdep_assert_held(&crs_lock);
	hash_del_rcu(&att->node);
	att->policy->n_attach--;
	crs_attach_n--;
	crs_attach_gen++;
	crs_state_changed();
	static_branch_dec(&crs_attach_any);
	crs_sys_release(rcu_dereference_protected(att->policy->ver,
						  lockdep_is_held(&crs_lock)), 1);
	crs_net_put();
	crs_file_put();
	call_rcu(&att->rcu, crs_attach_free_rcu);
}

/* rmdir clears CSS_ONLINE on the cgroup's own css under cgroup_mutex. */
static bool crs_cgroup_gone(const struct cgroup *cgrp)
{
	return !(READ_ONCE(cgrp->self.flags) & CSS_ONLINE);
}

void crs_attach_prune(void)
{
	struct crs_attach *att;
	struct hlist_node *tmp;
	int bkt;

	lockdep_assert_held(&crs_lock);
	if (!crs_attach_n)
		return;
	hash_for_each_safe(crs_attach_table, bkt, tmp, att, node)
		if (crs_cgroup_gone(att->cgrp))
			crs_attach_remove(att);
}

static void crs_attach_prune_fn(struct work_struct *work)
{
	mutex_lock(&crs_lock);
	crs_attach_prune();
	if (crs_attach_n)
		schedule_delayed_work(&crs_attach_prune_work, HZ);
	mutex_unlock(&crs_lock);
}

u32 crs_attach_count(void)
{
	u32 n;

	mutex_lock(&crs_lock);
	crs_attach_prune();
	n = crs_attach_n;
	mutex_unlock(&crs_lock);
	return n;
}

static void crs_cgroup_path(struct cgroup *cgrp, char *buf, size_t len)
{
	if (cgroup_path(cgrp, buf, len) < 0)
		strscpy(buf, "?", len);
}

void crs_attach_describe(struct crs_policy *p, char *buf, size_t len)
{
	/* Room kept for " and 4294967295 more". */
	const size_t tail = 21;
	struct crs_attach *att;
	size_t used = 0, plen;
	u32 shown = 0;
	char *path;
	int bkt;

	lockdep_assert_held(&crs_lock);
	buf[0] = '\0';
	path = kmalloc(PATH_MAX, GFP_KERNEL);
	if (path) {
		hash_for_each(crs_attach_table, bkt, att, node) {
			if (att->policy != p)
				continue;
			crs_cgroup_path(att->cgrp, path, PATH_MAX);
			plen = strlen(path) + (shown ? 2 : 0);
			if (used + plen + tail >= len)
				break;
			used += scnprintf(buf + used, len - used, "%s%s",
					  shown ? ", " : "", path);
			shown++;
		}
		kfree(path);
	}
	if (!shown)
		scnprintf(buf, len, "%u cgroups", p->n_attach);
	else if (shown < p->n_attach)
		scnprintf(buf + used, len - used, " and %u more",
			  p->n_attach - shown);
}

/* CRS_A_ATTACH into tb, refusing attributes outside allowed (a mask). */
static int crs_attach_parse(struct genl_info *info, struct nlattr **tb,
			    unsigned long allowed)
{
	struct nlattr *nest = info->attrs[CRS_A_ATTACH];
	int err;

	if (!nest) {
		NL_SET_ERR_MSG_MOD(info->extack, "CRS_A_ATTACH required");
		return -EINVAL;
	}
	err = nla_parse_nested(tb, CRS_ATTACH_A_MAX, nest,
			       crs_attach_nl_policy, info->extack);
	if (!err)
		err = crs_nl_only(tb, CRS_ATTACH_A_MAX, allowed, info->extack);
	if (err)
		return err;
	if (!tb[CRS_ATTACH_A_CGROUP_FD]) {
		NL_SET_ERR_MSG_ATTR(info->extack, nest, "CGROUP_FD required");
		return -EINVAL;
	}
	/* A u8 that is either an enum crs_mode or CRS_MODE_POLICY. */
	if (tb[CRS_ATTACH_A_MODE] &&
	    nla_get_u8(tb[CRS_ATTACH_A_MODE]) > CRS_MODE_MAX &&
	    nla_get_u8(tb[CRS_ATTACH_A_MODE]) != CRS_MODE_POLICY) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[CRS_ATTACH_A_MODE],
				    "MODE must be a crs_mode or CRS_MODE_POLICY");
		return -EINVAL;
	}
	return 0;
}

static struct cgroup *crs_attach_cgroup(struct nlattr **tb,
					struct netlink_ext_ack *extack)
{
	struct cgroup *cgrp;

	cgrp = cgroup_get_from_fd(nla_get_s32(tb[CRS_ATTACH_A_CGROUP_FD]));
	if (IS_ERR(cgrp)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[CRS_ATTACH_A_CGROUP_FD],
				    "CGROUP_FD is not a cgroup v2 directory");
		return ERR_PTR(-EBADF);
	}
	return cgrp;
}

int crs_nl_attach_new(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[CRS_ATTACH_A_MAX + 1];
	struct crs_attach *att, *old;
	struct crs_policy *p;
	struct cgroup *cgrp;
	char *path;
	int err;

	err = crs_attach_parse(info, tb, BIT(CRS_ATTACH_A_CGROUP_FD) |
			       BIT(CRS_ATTACH_A_POLICY) | BIT(CRS_ATTACH_A_MODE) |
			       BIT(CRS_ATTACH_A_EVENTS));
	if (err)
		return err;
	if (!tb[CRS_ATTACH_A_POLICY]) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[CRS_A_ATTACH],
				    "POLICY required");
		return -EINVAL;
	}
	cgrp = crs_attach_cgroup(tb, info->extack);
	if (IS_ERR(cgrp))
		return PTR_ERR(cgrp);
	if (!cgroup_parent(cgrp)) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[CRS_ATTACH_A_CGROUP_FD],
				    "the root cgroup cannot be attached");
		err = -EINVAL;
		goto err_put;
	}
	att = kzalloc(sizeof(*att), GFP_KERNEL_ACCOUNT);
	if (!att) {
		err = -ENOMEM;
		goto err_put;
	}

	mutex_lock(&crs_lock);
	crs_attach_prune();
	p = crs_policy_find(nla_data(tb[CRS_ATTACH_A_POLICY]));
	if (!p) {
		crs_nl_errf(info->extack, tb[CRS_ATTACH_A_POLICY],
			    "no policy named %s",
			    (char *)nla_data(tb[CRS_ATTACH_A_POLICY]));
		err = -ENOENT;
		goto err_unlock;
	}
	old = crs_attach_find(cgroup_id(cgrp));
	if (old) {
		path = kmalloc(PATH_MAX, GFP_KERNEL);
		if (path)
			crs_cgroup_path(cgrp, path, PATH_MAX);
		crs_nl_errf(info->extack, tb[CRS_ATTACH_A_CGROUP_FD],
			    "%s already has policy %s attached",
			    path ? path : "the cgroup",
			    crs_attach_policy_name(old));
		kfree(path);
		err = -EEXIST;
		goto err_unlock;
	}

	/* Hooks first: a covered process never runs unchecked. */
	err = crs_file_get(info->extack);
	if (err)
		goto err_unlock;
	err = crs_net_get(info->extack);
	if (err) {
		crs_file_put();
		goto err_unlock;
	}
	err = crs_sys_hold(rcu_dereference_protected(p->ver,
						     lockdep_is_held(&crs_lock)),
			   1, info->extack);
	if (err) {
		crs_net_put();
		crs_file_put();
		goto err_unlock;
	}
	att->cgid = cgroup_id(cgrp);
	att->cgrp = cgrp;
	refcount_inc(&p->ref);
	att->policy = p;
	att->mode = tb[CRS_ATTACH_A_MODE] ?
		    nla_get_u8(tb[CRS_ATTACH_A_MODE]) : CRS_MODE_POLICY;
	att->events = tb[CRS_ATTACH_A_EVENTS] ?
		      nla_get_u8(tb[CRS_ATTACH_A_EVENTS]) : CRS_EVENTS_ALL;
	crs_event_limit_init(&att->limit);
	p->n_attach++;
	crs_attach_n++;
	crs_attach_gen++;
	static_branch_inc(&crs_attach_any);
	hash_add_rcu(crs_attach_table, &att->node, att->cgid);
	crs_state_changed();
	schedule_delayed_work(&crs_attach_prune_work, HZ);
	mutex_unlock(&crs_lock);
	return 0;

err_unlock:
	mutex_unlock(&crs_lock);
	kfree(att);
err_put:
	cgroup_put(cgrp);
	return err;
}

/* The attachment of CGROUP_FD's cgroup, with the extack set if none. */
static struct crs_attach *crs_attach_of_fd(struct nlattr **tb,
					   struct netlink_ext_ack *extack)
{
	struct crs_attach *att;
	struct cgroup *cgrp;
	char *path;

	cgrp = crs_attach_cgroup(tb, extack);
	if (IS_ERR(cgrp))
		return ERR_CAST(cgrp);
	att = crs_attach_find(cgroup_id(cgrp));
	if (!att) {
		path = kmalloc(PATH_MAX, GFP_KERNEL);
		if (path)
			crs_cgroup_path(cgrp, path, PATH_MAX);
		crs_nl_errf(extack, tb[CRS_ATTACH_A_CGROUP_FD],
			    "%s has no policy attached",
			    path ? path : "the cgroup");
		kfree(path);
		att = ERR_PTR(-ENOENT);
	}
	cgroup_put(cgrp);
	return att;
}

int crs_nl_attach_set(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[CRS_ATTACH_A_MAX + 1];
	struct crs_attach *att;
	int err;

	err = crs_attach_parse(info, tb, BIT(CRS_ATTACH_A_CGROUP_FD) |
			       BIT(CRS_ATTACH_A_MODE) | BIT(CRS_ATTACH_A_EVENTS));
	if (err)
		return err;
	if (!tb[CRS_ATTACH_A_MODE] && !tb[CRS_ATTACH_A_EVENTS]) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[CRS_A_ATTACH],
				    "MODE or EVENTS required");
		return -EINVAL;
	}
	mutex_lock(&crs_lock);
	crs_attach_prune();
	att = crs_attach_of_fd(tb, info->extack);
	if (IS_ERR(att)) {
		err = PTR_ERR(att);
		goto out;
	}
	/* Hot paths read these without the lock. */
	if (tb[CRS_ATTACH_A_MODE])
		WRITE_ONCE(att->mode, nla_get_u8(tb[CRS_ATTACH_A_MODE]));
	if (tb[CRS_ATTACH_A_EVENTS])
		WRITE_ONCE(att->events, nla_get_u8(tb[CRS_ATTACH_A_EVENTS]));
	crs_attach_gen++;
	crs_state_changed();
out:
	mutex_unlock(&crs_lock);
	return err;
}

int crs_nl_attach_del(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[CRS_ATTACH_A_MAX + 1];
	struct crs_attach *att;
	int err;

	err = crs_attach_parse(info, tb, BIT(CRS_ATTACH_A_CGROUP_FD));
	if (err)
		return err;
	mutex_lock(&crs_lock);
	crs_attach_prune();
	att = crs_attach_of_fd(tb, info->extack);
	if (IS_ERR(att))
		err = PTR_ERR(att);
	else
		crs_attach_remove(att);
	mutex_unlock(&crs_lock);
	return err;
}

static int crs_attach_fill(struct sk_buff *skb, struct crs_attach *att,
			   char *path)
{
	struct nlattr *nest;

	crs_cgroup_path(att->cgrp, path, PATH_MAX);
	nest = nla_nest_start(skb, CRS_A_ATTACH);
	if (!nest ||
	    nla_put_u64_64bit(skb, CRS_ATTACH_A_CGROUP_ID, att->cgid,
			      CRS_ATTACH_A_PAD) ||
	    nla_put_string(skb, CRS_ATTACH_A_CGROUP, path) ||
	    nla_put_string(skb, CRS_ATTACH_A_POLICY,
			   crs_attach_policy_name(att)) ||
	    nla_put_u8(skb, CRS_ATTACH_A_MODE, att->mode) ||
	    nla_put_u8(skb, CRS_ATTACH_A_EVENTS, att->events))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* cb->args[0]: how many (matching) attachments were sent. */
int crs_nl_attach_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct nlattr **attrs = crs_dumpit_attrs(cb);
	struct nlattr *tb[CRS_ATTACH_A_MAX + 1] = {};
	const char *filter = NULL;
	struct crs_attach *att;
	long idx = 0;
	char *path;
	void *hdr;
	int bkt, err;

	if (attrs[CRS_A_ATTACH]) {
		err = nla_parse_nested(tb, CRS_ATTACH_A_MAX, attrs[CRS_A_ATTACH],
				       crs_attach_nl_policy, cb->extack);
		if (err)
			return err;
		if (tb[CRS_ATTACH_A_POLICY])
			filter = nla_data(tb[CRS_ATTACH_A_POLICY]);
	}
	path = kmalloc(PATH_MAX, GFP_KERNEL);
	if (!path)
		return -ENOMEM;

	mutex_lock(&crs_lock);
	crs_attach_prune();
	cb->seq = crs_attach_gen;
	hash_for_each(crs_attach_table, bkt, att, node) {
		if (filter && strcmp(filter, crs_attach_policy_name(att)))
			continue;
		if (idx < cb->args[0]) {
			idx++;
			continue;
		}
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &crs_genl_family,
				  NLM_F_MULTI, CRS_CMD_ATTACH_GET);
		if (!hdr)
			break;
		nl_dump_check_consistent(cb, nlmsg_hdr(skb));
		if (crs_attach_fill(skb, att, path)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		cb->args[0] = ++idx;
	}
	mutex_unlock(&crs_lock);
	kfree(path);
	return skb->len;
}

int __init crs_attach_init(void)
{
	return 0;
}

void crs_attach_exit(void)
{
	struct crs_attach *att;
	struct hlist_node *tmp;
	int bkt;

	cancel_delayed_work_sync(&crs_attach_prune_work);
	mutex_lock(&crs_lock);
	hash_for_each_safe(crs_attach_table, bkt, tmp, att, node)
		crs_attach_remove(att);
	mutex_unlock(&crs_lock);
	/* The frees drop policy references, which crs_policy_exit() needs. */
	rcu_barrier();
}
