// SPDX-License-Identifier: GPL-2.0
/*
 * Policies and their rules: the stable policy objects, their immutable
 * versions, and the commands that read, rename, re-mode and delete them.
 * Documents arrive through xfer.c, which hands a complete version to
 * crs_policy_commit().
 */

#include <linux/atomic.h>
#include <linux/ctype.h>
#include <linux/list.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include "crs.h"
#include "match.h"

/* See crs.h: every control-plane change, and the prune work. */
DEFINE_MUTEX(crs_lock);

unsigned int crs_max_rules = 1048576;
module_param_named(max_rules, crs_max_rules, uint, 0644);
MODULE_PARM_DESC(max_rules, "most rules in one policy");

static unsigned long crs_max_rule_bytes = 256UL << 20;
module_param_named(max_rule_bytes, crs_max_rule_bytes, ulong, 0644);
MODULE_PARM_DESC(max_rule_bytes,
		 "most memory for rules, over all policies and transfers");

/* Policies in creation order, so that a dump can resume by id. crs_lock. */
static LIST_HEAD(crs_policies);
static u64 crs_policy_last_id;		/* crs_lock */
/* Bumped by every new version and every deletion; crs_lock. */
static u32 crs_generation;
static atomic64_t crs_rule_bytes = ATOMIC64_INIT(0);
/* Frees rule sets outside RCU callbacks: they may be large (vmalloc). */
static struct workqueue_struct *crs_free_wq;

#ifndef CRS_EXTACK_MSG_BUF
/*
 * This kernel's extack holds only a pointer, which netlink_ack() follows
 * after the handler returned and genl_mutex was dropped, so the text must
 * outlive the handler. It goes to the next slot of a ring: a slot is
 * rewritten only after CRS_ERRMSG_SLOTS later formatted refusals, each of
 * which takes a full command under genl_mutex from a privileged caller,
 * while the acknowledgment that reads it is built microseconds after its
 * own command returned.
 */
#define CRS_ERRMSG_SLOTS	64
static char crs_errmsg_ring[CRS_ERRMSG_SLOTS][CRS_ERRMSG_LEN];
static atomic_t crs_errmsg_next = ATOMIC_INIT(0);
#endif

void crs_nl_errf(struct netlink_ext_ack *extack, const struct nlattr *attr,
		 const char *fmt, ...)
{
	va_list args;
	char *buf;

	if (!extack)
		return;
#ifdef CRS_EXTACK_MSG_BUF
	buf = extack->_msg_buf;
#else
	buf = crs_errmsg_ring[(unsigned int)atomic_inc_return(&crs_errmsg_next) %
			      CRS_ERRMSG_SLOTS];
#endif
	va_start(args, fmt);
	vsnprintf(buf, CRS_ERRMSG_LEN, fmt, args);
	va_end(args);
	extack->_msg = buf;
	if (attr)
		extack->bad_attr = attr;
}

int crs_rule_bytes_charge(u64 bytes, struct netlink_ext_ack *extack)
{
	if (atomic64_add_return(bytes, &crs_rule_bytes) >
	    READ_ONCE(crs_max_rule_bytes)) {
		atomic64_sub(bytes, &crs_rule_bytes);
		NL_SET_ERR_MSG_MOD(extack,
				   "rules would exceed the module parameter max_rule_bytes");
		return -ENOSPC;
	}
	return 0;
}

void crs_rule_bytes_uncharge(u64 bytes)
{
	atomic64_sub(bytes, &crs_rule_bytes);
}

/* Enforcement fills rs->tables[] here (match.c and the like). */
int crs_ruleset_compile(struct crs_ruleset *rs)
{
	int err;

	err = crs_file_compile(rs);
	if (!err)
		err = crs_net_compile(rs);
	if (!err)
		err = crs_sys_compile(rs);
	return err;
}

void crs_ruleset_free_tables(struct crs_ruleset *rs)
{
	int i;

	for (i = 0; i < CRS_TABLE_MAX; i++) {
		kvfree(rs->tables[i]);
		rs->tables[i] = NULL;
	}
}

static void crs_ruleset_free_work(struct work_struct *work)
{
	struct crs_ruleset *rs = container_of(work, struct crs_ruleset,
					      free_work);

	crs_ruleset_free_tables(rs);
	kvfree(rs->rules);
	kvfree(rs->strtab);
	crs_rule_bytes_uncharge(rs->bytes);
	kfree(rs);
}

struct crs_ruleset *crs_ruleset_alloc(void)
{
	struct crs_ruleset *rs;

	rs = kzalloc(sizeof(*rs), GFP_KERNEL_ACCOUNT);
	if (!rs)
		return NULL;
	refcount_set(&rs->ref, 1);
	INIT_WORK(&rs->free_work, crs_ruleset_free_work);
	return rs;
}

/* May be called from an RCU callback: the freeing itself is deferred. */
void crs_ruleset_put(struct crs_ruleset *rs)
{
	if (rs && refcount_dec_and_test(&rs->ref))
		queue_work(crs_free_wq, &rs->free_work);
}

static void crs_ver_free_rcu(struct rcu_head *head)
{
	struct crs_policy_ver *ver = container_of(head, struct crs_policy_ver,
						  rcu);

	crs_ruleset_put(ver->rs);
	kfree(ver);
}

/*
 * Readers reach a version through policy->ver under RCU without taking a
 * reference, so even the last put waits for a grace period.
 */
void crs_ver_put(struct crs_policy_ver *ver)
{
	if (ver && refcount_dec_and_test(&ver->ref))
		call_rcu(&ver->rcu, crs_ver_free_rcu);
}

static struct crs_policy_ver *crs_ver_of(struct crs_policy *p)
{
	return rcu_dereference_protected(p->ver, lockdep_is_held(&crs_lock));
}

void crs_policy_put(struct crs_policy *p)
{
	if (!refcount_dec_and_test(&p->ref))
		return;
	crs_ver_put(rcu_dereference_protected(p->ver, true));
	kfree_rcu(p, rcu);
}

struct crs_policy *crs_policy_find(const char *name)
{
	struct crs_policy *p;

	lockdep_assert_held(&crs_lock);
	list_for_each_entry(p, &crs_policies, node)
		if (!strcmp(crs_ver_of(p)->name, name))
			return p;
	return NULL;
}

/*
 * Takes crs_lock, prunes, and looks NAME up. On success the lock is held;
 * on failure it is not, and the extack says why.
 */
static struct crs_policy *crs_policy_lock_lookup(struct nlattr **tb,
						 struct nlattr *nest,
						 struct netlink_ext_ack *extack)
{
	struct crs_policy *p;

	if (!tb[CRS_POLICY_A_NAME]) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "NAME required");
		return ERR_PTR(-EINVAL);
	}
	mutex_lock(&crs_lock);
	crs_attach_prune();
	p = crs_policy_find(nla_data(tb[CRS_POLICY_A_NAME]));
	if (!p) {
		mutex_unlock(&crs_lock);
		crs_nl_errf(extack, tb[CRS_POLICY_A_NAME], "no policy named %s",
			    (char *)nla_data(tb[CRS_POLICY_A_NAME]));
		return ERR_PTR(-ENOENT);
	}
	return p;
}

static bool crs_ver_same(const struct crs_policy_ver *a,
			 const struct crs_policy_ver *b)
{
	const struct crs_ruleset *ra = a->rs, *rb = b->rs;

	if (a->mode != b->mode || a->def_network != b->def_network ||
	    a->def_file != b->def_file || a->def_app != b->def_app ||
	    a->compat != b->compat ||
	    strcmp(a->description, b->description))
		return false;
	if (ra == rb)
		return true;
	return ra->n == rb->n && ra->strtab_len == rb->strtab_len &&
	       !memcmp(ra->rules, rb->rules, sizeof(*ra->rules) * ra->n) &&
	       !memcmp(ra->strtab, rb->strtab, ra->strtab_len);
}

/*
 * The attachments of p hold what its new version needs before it is
 * visible, and let go of what the old one needed after. Takes ver, also
 * on failure.
 */
static int crs_policy_replace(struct crs_policy *p, struct crs_policy_ver *ver,
			      struct netlink_ext_ack *extack)
{
	struct crs_policy_ver *old = crs_ver_of(p);
	int err;

	err = crs_sys_hold(ver, p->n_attach, extack);
	if (err) {
		crs_ver_put(ver);
		return err;
	}
	ver->generation = ++crs_generation;
	rcu_assign_pointer(p->ver, ver);
	if (p->n_attach)
		crs_state_changed();
	crs_sys_release(old, p->n_attach);
	crs_ver_put(old);
	return 0;
}

int crs_policy_commit(struct crs_policy_ver *ver,
		      struct netlink_ext_ack *extack)
{
	struct crs_policy *p;
	int err;

	lockdep_assert_held(&crs_lock);
	p = crs_policy_find(ver->name);
	if (p && crs_ver_same(crs_ver_of(p), ver)) {
		/* Applying what is there changes nothing, modified included. */
		crs_ver_put(ver);
		return 0;
	}
	err = crs_ruleset_compile(ver->rs);
	if (err) {
		NL_SET_ERR_MSG_MOD(extack, "cannot compile the rules");
		crs_ver_put(ver);
		return err;
	}
	ver->modified = ktime_get_real_ns();
	if (p)
		return crs_policy_replace(p, ver, extack);

	p = kzalloc(sizeof(*p), GFP_KERNEL_ACCOUNT);
	if (!p) {
		crs_ver_put(ver);
		return -ENOMEM;
	}
	refcount_set(&p->ref, 1);
	p->id = ++crs_policy_last_id;
	p->created = ver->modified;
	ver->generation = ++crs_generation;
	RCU_INIT_POINTER(p->ver, ver);
	list_add_tail(&p->node, &crs_policies);
	return 0;
}

/* CRS_A_POLICY into tb, refusing attributes outside allowed (a mask). */
static int crs_policy_parse(struct genl_info *info, struct nlattr **tb,
			    unsigned long allowed)
{
	struct nlattr *nest = info->attrs[CRS_A_POLICY];
	int err;

	if (!nest) {
		NL_SET_ERR_MSG_MOD(info->extack, "CRS_A_POLICY required");
		return -EINVAL;
	}
	err = nla_parse_nested(tb, CRS_POLICY_A_MAX, nest,
			       crs_policy_nl_policy, info->extack);
	return err ? err : crs_nl_only(tb, CRS_POLICY_A_MAX, allowed,
				       info->extack);
}

static int crs_policy_fill(struct sk_buff *skb, struct crs_policy *p)
{
	struct crs_policy_ver *ver = crs_ver_of(p);
	struct nlattr *nest;

	nest = nla_nest_start(skb, CRS_A_POLICY);
	if (!nest ||
	    nla_put_string(skb, CRS_POLICY_A_NAME, ver->name) ||
	    nla_put_u64_64bit(skb, CRS_POLICY_A_ID, p->id, CRS_POLICY_A_PAD) ||
	    nla_put_string(skb, CRS_POLICY_A_DESCRIPTION, ver->description) ||
	    nla_put_u8(skb, CRS_POLICY_A_MODE, ver->mode) ||
	    nla_put_u8(skb, CRS_POLICY_A_DEF_NETWORK, ver->def_network) ||
	    nla_put_u8(skb, CRS_POLICY_A_DEF_FILE, ver->def_file) ||
	    nla_put_u8(skb, CRS_POLICY_A_DEF_APP, ver->def_app) ||
	    nla_put_u8(skb, CRS_POLICY_A_COMPAT, ver->compat) ||
	    nla_put_u32(skb, CRS_POLICY_A_N_RULES, ver->rs->n) ||
	    nla_put_u32(skb, CRS_POLICY_A_N_ATTACH, p->n_attach) ||
	    nla_put_u64_64bit(skb, CRS_POLICY_A_CREATED, p->created,
			      CRS_POLICY_A_PAD) ||
	    nla_put_u64_64bit(skb, CRS_POLICY_A_MODIFIED, ver->modified,
			      CRS_POLICY_A_PAD) ||
	    nla_put_u32(skb, CRS_POLICY_A_GENERATION, ver->generation))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

int crs_nl_policy_get(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[CRS_POLICY_A_MAX + 1];
	struct crs_policy *p;
	struct sk_buff *msg;
	void *hdr;
	int err;

	err = crs_policy_parse(info, tb, BIT(CRS_POLICY_A_NAME));
	if (err)
		return err;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	p = crs_policy_lock_lookup(tb, info->attrs[CRS_A_POLICY], info->extack);
	if (IS_ERR(p)) {
		nlmsg_free(msg);
		return PTR_ERR(p);
	}
	hdr = genlmsg_put_reply(msg, info, &crs_genl_family, 0,
				CRS_CMD_POLICY_GET);
	err = !hdr || crs_policy_fill(msg, p);
	mutex_unlock(&crs_lock);
	if (err) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/* cb->args[0]: the id of the last policy sent (ids only grow). */
int crs_nl_policy_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct crs_policy *p;
	void *hdr;

	mutex_lock(&crs_lock);
	crs_attach_prune();
	cb->seq = crs_generation;
	list_for_each_entry(p, &crs_policies, node) {
		if (p->id <= (u64)cb->args[0])
			continue;
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &crs_genl_family,
				  NLM_F_MULTI, CRS_CMD_POLICY_GET);
		if (!hdr)
			break;
		nl_dump_check_consistent(cb, nlmsg_hdr(skb));
		if (crs_policy_fill(skb, p)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		cb->args[0] = p->id;
	}
	mutex_unlock(&crs_lock);
	return skb->len;
}

int crs_nl_policy_del(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[CRS_POLICY_A_MAX + 1];
	char where[CRS_ERRMSG_LEN];
	struct crs_policy *p;
	int budget, err;

	err = crs_policy_parse(info, tb, BIT(CRS_POLICY_A_NAME));
	if (err)
		return err;

	p = crs_policy_lock_lookup(tb, info->attrs[CRS_A_POLICY], info->extack);
	if (IS_ERR(p))
		return PTR_ERR(p);
	if (p->n_attach) {
		/* As many cgroups as fit in the message, then "and N more". */
		budget = CRS_ERRMSG_LEN - (int)sizeof("policy  is attached to ") -
			 (int)strlen(crs_ver_of(p)->name);
		crs_attach_describe(p, where, max(budget, 24));
		crs_nl_errf(info->extack, tb[CRS_POLICY_A_NAME],
			    "policy %s is attached to %s", crs_ver_of(p)->name,
			    where);
		err = -EBUSY;
		goto out;
	}
	/* Empty, so that a rule dump that pinned it sees it is gone. */
	list_del_init(&p->node);
	crs_generation++;
	crs_policy_put(p);
out:
	mutex_unlock(&crs_lock);
	return err;
}

bool crs_name_valid(const char *s)
{
	if (!*s)
		return false;
	/* ASCII only: the kernel's isalnum() also takes Latin-1 letters. */
	for (; *s; s++)
		if (!isascii(*s) || (!isalnum(*s) && *s != '.' && *s != '_' &&
				     *s != '-'))
			return false;
	return true;
}

/* A copy of ver sharing its rules: a mode change or a rename. */
static struct crs_policy_ver *crs_ver_clone(const struct crs_policy_ver *ver)
{
	struct crs_policy_ver *nv;

	nv = kmemdup(ver, sizeof(*ver), GFP_KERNEL_ACCOUNT);
	if (!nv)
		return NULL;
	refcount_set(&nv->ref, 1);
	refcount_inc(&nv->rs->ref);
	return nv;
}

int crs_nl_policy_set(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[CRS_POLICY_A_MAX + 1];
	struct crs_policy_ver *ver, *nv;
	struct nlattr *new_name;
	struct crs_policy *p;
	int err;

	err = crs_policy_parse(info, tb, BIT(CRS_POLICY_A_NAME) |
			       BIT(CRS_POLICY_A_MODE) |
			       BIT(CRS_POLICY_A_NEW_NAME));
	if (err)
		return err;
	new_name = tb[CRS_POLICY_A_NEW_NAME];
	if (!tb[CRS_POLICY_A_MODE] && !new_name) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[CRS_A_POLICY],
				    "MODE or NEW_NAME required");
		return -EINVAL;
	}
	if (new_name && !crs_name_valid(nla_data(new_name))) {
		NL_SET_ERR_MSG_ATTR(info->extack, new_name,
				    "NEW_NAME must be 1 to 63 of A-Z a-z 0-9 . _ -");
		return -EINVAL;
	}

	p = crs_policy_lock_lookup(tb, info->attrs[CRS_A_POLICY], info->extack);
	if (IS_ERR(p))
		return PTR_ERR(p);
	/* Renaming a policy to its own name changes nothing. */
	if (new_name && !strcmp(nla_data(new_name), crs_ver_of(p)->name)) {
		new_name = NULL;
		if (!tb[CRS_POLICY_A_MODE])
			goto out;
	}
	if (new_name && crs_policy_find(nla_data(new_name))) {
		crs_nl_errf(info->extack, new_name, "policy %s exists",
			    (char *)nla_data(new_name));
		err = -EEXIST;
		goto out;
	}
	ver = crs_ver_of(p);
	if (!new_name && nla_get_u8(tb[CRS_POLICY_A_MODE]) == ver->mode)
		goto out;	/* nothing changes, modified included */
	nv = crs_ver_clone(ver);
	if (!nv) {
		err = -ENOMEM;
		goto out;
	}
	if (tb[CRS_POLICY_A_MODE])
		nv->mode = nla_get_u8(tb[CRS_POLICY_A_MODE]);
	if (new_name)
		strscpy(nv->name, nla_data(new_name), sizeof(nv->name));
	nv->modified = ktime_get_real_ns();
	err = crs_policy_replace(p, nv, info->extack);
out:
	mutex_unlock(&crs_lock);
	return err;
}

/*
 * A rule dump pins the version it started with, so that it sends one
 * version whole however many rounds it takes; cb->seq follows the
 * policy's current generation, so a change in between sets
 * NLM_F_DUMP_INTR.
 */
struct crs_rule_dump {
	struct crs_policy *p;
	struct crs_policy_ver *ver;
	u32 next;
};

int crs_nl_rule_dump_start(struct netlink_callback *cb)
{
	struct crs_rule_dump *d = (struct crs_rule_dump *)cb->ctx;
	struct nlattr **attrs = crs_dumpit_attrs(cb);
	struct nlattr *tb[CRS_POLICY_A_MAX + 1];
	struct crs_policy *p;
	int err;

	BUILD_BUG_ON(sizeof(*d) > sizeof(cb->ctx));
	err = crs_nl_check_perm(cb->skb, cb->extack);
	if (err)
		return err;
	if (!attrs[CRS_A_POLICY]) {
		NL_SET_ERR_MSG_MOD(cb->extack, "CRS_A_POLICY required");
		return -EINVAL;
	}
	err = nla_parse_nested(tb, CRS_POLICY_A_MAX, attrs[CRS_A_POLICY],
			       crs_policy_nl_policy, cb->extack);
	if (err)
		return err;

	p = crs_policy_lock_lookup(tb, attrs[CRS_A_POLICY], cb->extack);
	if (IS_ERR(p))
		return PTR_ERR(p);
	refcount_inc(&p->ref);
	d->p = p;
	d->ver = crs_ver_of(p);
	refcount_inc(&d->ver->ref);
	d->next = 0;
	mutex_unlock(&crs_lock);
	/* The largest rule must fit in one dump buffer. */
	cb->min_dump_alloc = max_t(u32, cb->min_dump_alloc,
				   d->ver->rs->max_msg + 1024);
	return 0;
}

int crs_nl_rule_dump_done(struct netlink_callback *cb)
{
	struct crs_rule_dump *d = (struct crs_rule_dump *)cb->ctx;

	if (d->p) {
		mutex_lock(&crs_lock);
		crs_ver_put(d->ver);
		crs_policy_put(d->p);
		mutex_unlock(&crs_lock);
	}
	return 0;
}

static int crs_put_str(struct sk_buff *skb, int type,
		       const struct crs_ruleset *rs, u32 off)
{
	if (off == CRS_STR_NONE)
		return 0;
	return nla_put_string(skb, type, rs->strtab + off);
}

static int crs_rule_fill_args(struct sk_buff *skb, const struct crs_ruleset *rs,
			      const struct crs_rule *r)
{
	struct nlattr *args, *arg;
	int i;

	args = nla_nest_start(skb, CRS_RULE_A_ARGS);
	if (!args)
		return -EMSGSIZE;
	for (i = 0; i < r->nargs; i++) {
		const struct crs_rule_arg *a = &r->args[i];

		arg = nla_nest_start(skb, CRS_RULE_A_ARG);
		if (!arg || nla_put_u8(skb, CRS_ARG_A_KIND, a->kind))
			return -EMSGSIZE;
		if (a->kind == CRS_ARG_INT &&
		    nla_put_u64_64bit(skb, CRS_ARG_A_INT, a->val,
				      CRS_ARG_A_PAD))
			return -EMSGSIZE;
		if (a->kind == CRS_ARG_PATH &&
		    crs_put_str(skb, CRS_ARG_A_PATH, rs, a->path))
			return -EMSGSIZE;
		nla_nest_end(skb, arg);
	}
	nla_nest_end(skb, args);
	return 0;
}

/* Sends the rule back as it arrived: what was absent stays absent. */
static int crs_rule_fill(struct sk_buff *skb, const struct crs_ruleset *rs,
			 const struct crs_rule *r)
{
	struct nlattr *nest;

	nest = nla_nest_start(skb, CRS_A_RULE);
	if (!nest ||
	    crs_put_str(skb, CRS_RULE_A_NAME, rs, r->name) ||
	    nla_put_u8(skb, CRS_RULE_A_TYPE, r->type) ||
	    nla_put_u8(skb, CRS_RULE_A_ACTION, r->action) ||
	    ((r->flags & CRS_RULE_F_DISABLED) &&
	     nla_put_flag(skb, CRS_RULE_A_DISABLED)) ||
	    crs_put_str(skb, CRS_RULE_A_PROGRAM, rs, r->program) ||
	    crs_put_str(skb, CRS_RULE_A_PATH, rs, r->path))
		return -EMSGSIZE;
	if ((r->flags & CRS_RULE_F_ADDR) &&
	    (nla_put(skb, CRS_RULE_A_ADDR, sizeof(r->addr), r->addr) ||
	     nla_put_u8(skb, CRS_RULE_A_PREFIX, r->prefix)))
		return -EMSGSIZE;
	if ((r->flags & CRS_RULE_F_PORTS) &&
	    (nla_put_u16(skb, CRS_RULE_A_PORT_MIN, r->port_min) ||
	     nla_put_u16(skb, CRS_RULE_A_PORT_MAX, r->port_max)))
		return -EMSGSIZE;
	if ((r->flags & CRS_RULE_F_PROTOCOL) &&
	    nla_put_u8(skb, CRS_RULE_A_PROTOCOL, r->protocol))
		return -EMSGSIZE;
	if (r->type == CRS_RULE_SYSCALL &&
	    (crs_put_str(skb, CRS_RULE_A_SYSCALL, rs, r->syscall) ||
	     nla_put_u32(skb, CRS_RULE_A_SYSCALL_NR, r->syscall_nr) ||
	     (r->nargs && crs_rule_fill_args(skb, rs, r))))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

int crs_nl_rule_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct crs_rule_dump *d = (struct crs_rule_dump *)cb->ctx;
	const struct crs_ruleset *rs = d->ver->rs;
	struct nlattr *nest;
	void *hdr;

	mutex_lock(&crs_lock);
	crs_attach_prune();
	/* Deleted or replaced since the dump began: say so. */
	cb->seq = list_empty(&d->p->node) ? U32_MAX :
		  crs_ver_of(d->p)->generation;
	mutex_unlock(&crs_lock);

	for (; d->next < rs->n; d->next++) {
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &crs_genl_family,
				  NLM_F_MULTI, CRS_CMD_RULE_GET);
		if (!hdr)
			break;
		nl_dump_check_consistent(cb, nlmsg_hdr(skb));
		nest = nla_nest_start(skb, CRS_A_POLICY);
		if (!nest ||
		    nla_put_string(skb, CRS_POLICY_A_NAME, d->ver->name) ||
		    nla_put_u64_64bit(skb, CRS_POLICY_A_ID, d->p->id,
				      CRS_POLICY_A_PAD) ||
		    nla_put_u32(skb, CRS_POLICY_A_GENERATION,
				d->ver->generation)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		nla_nest_end(skb, nest);
		if (crs_rule_fill(skb, rs, &rs->rules[d->next])) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
	}
	/* Not even one rule fitted into an empty buffer: do not loop. */
	if (d->next < rs->n && !skb->len)
		return -EMSGSIZE;
	return skb->len;
}

void crs_policy_stats(u32 *policies, u32 *rules, u64 *rule_bytes)
{
	struct crs_policy *p;

	*policies = 0;
	*rules = 0;
	mutex_lock(&crs_lock);
	list_for_each_entry(p, &crs_policies, node) {
		(*policies)++;
		*rules += crs_ver_of(p)->rs->n;
	}
	mutex_unlock(&crs_lock);
	*rule_bytes = atomic64_read(&crs_rule_bytes);
}

int __init crs_policy_init(void)
{
	int err;

	crs_free_wq = alloc_workqueue("crs_free", WQ_UNBOUND, 0);
	if (!crs_free_wq)
		return -ENOMEM;
	err = crs_xfer_init();
	if (err)
		destroy_workqueue(crs_free_wq);
	return err;
}

/* Attachments are gone by now (crs_attach_exit() runs first). */
void crs_policy_exit(void)
{
	struct crs_policy *p, *tmp;

	crs_xfer_exit();
	mutex_lock(&crs_lock);
	list_for_each_entry_safe(p, tmp, &crs_policies, node) {
		list_del_init(&p->node);
		crs_policy_put(p);
	}
	mutex_unlock(&crs_lock);
	/* Wait for the version callbacks, then for the frees they queued. */
	rcu_barrier();
	destroy_workqueue(crs_free_wq);
}
