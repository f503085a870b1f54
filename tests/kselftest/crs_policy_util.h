/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test helpers for policies and attachments: building CRS_CMD_POLICY_NEW
 * messages rule by rule (so that tests can also build wrong ones), reading
 * policies, rules and attachments back, and making cgroups.
 *
 * A message:
 *	struct ct_msg m;
 *	ct_begin(&m, CRS_XFER_BEGIN | CRS_XFER_END, "web");
 *	nla_put_u8(m.msg, CRS_POLICY_A_MODE, CRS_MODE_ACTIVE);
 *	ct_rule(&m, &(struct ct_rule){ .name = "r", ... });
 *	err = ct_send(&m, 1);		(N_RULES; -1 leaves it out)
 */
#ifndef CRS_POLICY_UTIL_H
#define CRS_POLICY_UTIL_H

#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "crs_test.h"

#define CT_CGROOT "/sys/fs/cgroup"
#define CT_MSG_SIZE (72 * 1024)

struct ct_msg {
	struct nl_msg *msg;
	struct nlattr *pol;
	struct nlattr *rules;
};

struct ct_arg {
	bool no_kind;
	uint8_t kind;
	bool has_int;
	uint64_t ival;
	const char *path;
};

/* Absent unless set: strings NULL, has_* false, no_* true removes. */
struct ct_rule {
	const char *name;
	uint8_t type;
	uint8_t action;
	bool no_type, no_action, disabled;
	const char *program;
	const char *path;
	const uint8_t *addr;
	bool has_prefix;
	uint8_t prefix;
	bool has_port_min, has_port_max;
	uint16_t port_min, port_max;
	bool has_proto;
	uint8_t proto;
	const char *syscall;
	bool has_nr;
	uint32_t nr;
	int nargs;
	struct ct_arg args[5];
};

/* Starts CRS_CMD_POLICY_NEW with NAME (unless NULL) and XFER_FLAGS. */
static inline void ct_begin(struct ct_msg *m, uint32_t flags, const char *name)
{
	/* A CRS_A_POLICY nest holds up to 64 KiB (nla_len is a u16). */
	nlmsg_set_default_size(CT_MSG_SIZE);
	m->msg = crs_msg(CRS_CMD_POLICY_NEW, 0);
	m->pol = nla_nest_start(m->msg, CRS_A_POLICY);
	m->rules = NULL;
	if (name)
		nla_put_string(m->msg, CRS_POLICY_A_NAME, name);
	nla_put_u32(m->msg, CRS_POLICY_A_XFER_FLAGS, flags);
}

static inline void ct_rule(struct ct_msg *m, const struct ct_rule *r)
{
	struct nlattr *rule, *args, *arg;
	int i;

	if (!m->rules)
		m->rules = nla_nest_start(m->msg, CRS_POLICY_A_RULES);
	rule = nla_nest_start(m->msg, CRS_A_RULE);
	if (r->name)
		nla_put_string(m->msg, CRS_RULE_A_NAME, r->name);
	if (!r->no_type)
		nla_put_u8(m->msg, CRS_RULE_A_TYPE, r->type);
	if (!r->no_action)
		nla_put_u8(m->msg, CRS_RULE_A_ACTION, r->action);
	if (r->disabled)
		nla_put_flag(m->msg, CRS_RULE_A_DISABLED);
	if (r->program)
		nla_put_string(m->msg, CRS_RULE_A_PROGRAM, r->program);
	if (r->path)
		nla_put_string(m->msg, CRS_RULE_A_PATH, r->path);
	if (r->addr)
		nla_put(m->msg, CRS_RULE_A_ADDR, 16, r->addr);
	if (r->has_prefix)
		nla_put_u8(m->msg, CRS_RULE_A_PREFIX, r->prefix);
	if (r->has_port_min)
		nla_put_u16(m->msg, CRS_RULE_A_PORT_MIN, r->port_min);
	if (r->has_port_max)
		nla_put_u16(m->msg, CRS_RULE_A_PORT_MAX, r->port_max);
	if (r->has_proto)
		nla_put_u8(m->msg, CRS_RULE_A_PROTOCOL, r->proto);
	if (r->syscall)
		nla_put_string(m->msg, CRS_RULE_A_SYSCALL, r->syscall);
	if (r->has_nr)
		nla_put_u32(m->msg, CRS_RULE_A_SYSCALL_NR, r->nr);
	if (r->nargs) {
		args = nla_nest_start(m->msg, CRS_RULE_A_ARGS);
		for (i = 0; i < r->nargs; i++) {
			arg = nla_nest_start(m->msg, CRS_RULE_A_ARG);
			if (!r->args[i].no_kind)
				nla_put_u8(m->msg, CRS_ARG_A_KIND, r->args[i].kind);
			if (r->args[i].has_int)
				nla_put_u64(m->msg, CRS_ARG_A_INT, r->args[i].ival);
			if (r->args[i].path)
				nla_put_string(m->msg, CRS_ARG_A_PATH, r->args[i].path);
			nla_nest_end(m->msg, arg);
		}
		nla_nest_end(m->msg, args);
	}
	nla_nest_end(m->msg, rule);
}

/* A file-write rule "NAMEi" on "/f/i": cheap, distinct rules for bulk. */
static inline void ct_file_rule(struct ct_msg *m, const char *name, unsigned int i)
{
	char n[64], p[64];

	snprintf(n, sizeof(n), "%s%u", name, i);
	snprintf(p, sizeof(p), "/f/%u", i);
	ct_rule(m, &(struct ct_rule){ .name = n, .type = CRS_RULE_FILE_WRITE,
				      .action = CRS_ACTION_DENY, .path = p });
}

/* Closes the nests and adds N_RULES unless n_rules < 0. */
static inline struct nl_msg *ct_finish(struct ct_msg *m, long n_rules)
{
	if (m->rules)
		nla_nest_end(m->msg, m->rules);
	if (n_rules >= 0)
		nla_put_u32(m->msg, CRS_POLICY_A_N_RULES, n_rules);
	nla_nest_end(m->msg, m->pol);
	return m->msg;
}

/* ct_finish(), then sends it; 0 or -errno, the extack in crs_nl_errmsg. */
static inline int ct_send(struct ct_msg *m, long n_rules)
{
	return crs_nl_request(ct_finish(m, n_rules), NULL, NULL);
}

/* One message: policy NAME in MODE with n file rules. */
static inline int ct_apply(const char *name, uint8_t mode, unsigned int n)
{
	struct ct_msg m;
	unsigned int i;

	ct_begin(&m, CRS_XFER_BEGIN | CRS_XFER_END, name);
	nla_put_u8(m.msg, CRS_POLICY_A_MODE, mode);
	for (i = 0; i < n; i++)
		ct_file_rule(&m, "r", i);
	return ct_send(&m, n);
}

/*
 * Policy NAME (active) with n file rules r0.. sent in messages of part
 * rules each, as a transfer when it takes more than one.
 */
static inline int ct_apply_parts(const char *name, unsigned int n,
				 unsigned int part)
{
	unsigned int i = 0, k;
	uint32_t flags;
	struct ct_msg m;
	int err;

	do {
		flags = (i ? 0 : CRS_XFER_BEGIN) |
			(i + part >= n ? CRS_XFER_END : 0);
		ct_begin(&m, flags, name);
		if (!i)
			nla_put_u8(m.msg, CRS_POLICY_A_MODE, CRS_MODE_ACTIVE);
		for (k = 0; k < part && i < n; k++, i++)
			ct_file_rule(&m, "r", i);
		err = ct_send(&m, flags & CRS_XFER_END ? (long)n : -1);
	} while (!err && i < n);
	return err;
}

struct ct_policy {
	char name[64];
	char description[256];
	uint64_t id, created, modified;
	uint32_t n_rules, n_attach, generation;
	uint8_t mode, def_network, def_file, def_app, compat;
	bool found;
};

static inline int ct_policy_cb(struct nlattr **attrs, struct nlmsghdr *nlh,
			       void *arg)
{
	struct nlattr *tb[CRS_POLICY_A_MAX + 1];
	struct ct_policy *p = arg;
	struct ct_policy tmp = { .found = true };

	(void)nlh;
	if (!attrs[CRS_A_POLICY] ||
	    crs_nla_parse_nested(tb, CRS_POLICY_A_MAX, attrs[CRS_A_POLICY]))
		return -EPROTO;
	if (tb[CRS_POLICY_A_NAME])
		snprintf(tmp.name, sizeof(tmp.name), "%s",
			 nla_get_string(tb[CRS_POLICY_A_NAME]));
	if (tb[CRS_POLICY_A_DESCRIPTION])
		snprintf(tmp.description, sizeof(tmp.description), "%s",
			 nla_get_string(tb[CRS_POLICY_A_DESCRIPTION]));
#define CT_GET(f, t, a) do { if (tb[a]) tmp.f = nla_get_##t(tb[a]); } while (0)
	CT_GET(id, u64, CRS_POLICY_A_ID);
	CT_GET(created, u64, CRS_POLICY_A_CREATED);
	CT_GET(modified, u64, CRS_POLICY_A_MODIFIED);
	CT_GET(n_rules, u32, CRS_POLICY_A_N_RULES);
	CT_GET(n_attach, u32, CRS_POLICY_A_N_ATTACH);
	CT_GET(generation, u32, CRS_POLICY_A_GENERATION);
	CT_GET(mode, u8, CRS_POLICY_A_MODE);
	CT_GET(def_network, u8, CRS_POLICY_A_DEF_NETWORK);
	CT_GET(def_file, u8, CRS_POLICY_A_DEF_FILE);
	CT_GET(def_app, u8, CRS_POLICY_A_DEF_APP);
	CT_GET(compat, u8, CRS_POLICY_A_COMPAT);
#undef CT_GET
	*p = tmp;
	return 0;
}

/* Gets one policy; 0 and p->found, or -errno (-ENOENT: none). */
static inline int ct_policy_get(const char *name, struct ct_policy *p)
{
	struct nl_msg *msg = crs_msg(CRS_CMD_POLICY_GET, 0);
	struct nlattr *nest = nla_nest_start(msg, CRS_A_POLICY);

	memset(p, 0, sizeof(*p));
	nla_put_string(msg, CRS_POLICY_A_NAME, name);
	nla_nest_end(msg, nest);
	return crs_nl_request(msg, ct_policy_cb, p);
}

static int ct_count_cb(struct nlattr **attrs, struct nlmsghdr *nlh, void *arg)
{
	(void)attrs;
	(void)nlh;
	(*(int *)arg)++;
	return 0;
}

/* The number of policies (dump), or -errno. */
static inline int ct_policy_count(void)
{
	int n = 0, err;

	err = crs_nl_request(crs_msg(CRS_CMD_POLICY_GET, NLM_F_DUMP),
			     ct_count_cb, &n);
	return err ? err : n;
}

static inline int ct_policy_del(const char *name)
{
	struct nl_msg *msg = crs_msg(CRS_CMD_POLICY_DEL, 0);
	struct nlattr *nest = nla_nest_start(msg, CRS_A_POLICY);

	nla_put_string(msg, CRS_POLICY_A_NAME, name);
	nla_nest_end(msg, nest);
	return crs_simple(msg);
}

/* mode < 0 and new_name NULL leave them out. */
static inline int ct_policy_set(const char *name, int mode,
				const char *new_name)
{
	struct nl_msg *msg = crs_msg(CRS_CMD_POLICY_SET, 0);
	struct nlattr *nest = nla_nest_start(msg, CRS_A_POLICY);

	nla_put_string(msg, CRS_POLICY_A_NAME, name);
	if (mode >= 0)
		nla_put_u8(msg, CRS_POLICY_A_MODE, mode);
	if (new_name)
		nla_put_string(msg, CRS_POLICY_A_NEW_NAME, new_name);
	nla_nest_end(msg, nest);
	return crs_simple(msg);
}

/* Dumps the rules of name into cb (attrs are the message's CRS_A_*). */
static inline int ct_rule_dump(const char *name, crs_reply_cb cb, void *arg)
{
	struct nl_msg *msg = crs_msg(CRS_CMD_RULE_GET, NLM_F_DUMP);
	struct nlattr *nest = nla_nest_start(msg, CRS_A_POLICY);

	nla_put_string(msg, CRS_POLICY_A_NAME, name);
	nla_nest_end(msg, nest);
	return crs_nl_request(msg, cb, arg);
}

/* Makes CT_CGROOT/rel (mkdir -p of one level) and opens it. */
static inline int ct_cgroup(const char *rel)
{
	char path[256];

	snprintf(path, sizeof(path), CT_CGROOT "/%s", rel);
	if (mkdir(path, 0755) && errno != EEXIST)
		return -1;
	return open(path, O_RDONLY | O_DIRECTORY);
}

static inline int ct_cgroup_rm(const char *rel)
{
	char path[256];

	snprintf(path, sizeof(path), CT_CGROOT "/%s", rel);
	return rmdir(path) ? -errno : 0;
}

/* Moves the calling process into CT_CGROOT/rel ("" is the root). */
static inline int ct_cgroup_enter(const char *rel)
{
	char path[256], pid[32];
	int fd, n, ok;

	snprintf(path, sizeof(path), CT_CGROOT "/%s/cgroup.procs", rel);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	n = snprintf(pid, sizeof(pid), "%d", getpid());
	ok = write(fd, pid, n) == n;
	close(fd);
	return ok ? 0 : -1;
}

typedef int (*op_fn)(const void *arg);

/*
 * Runs fn in a child that joins cgroup rel ("" stays in the root); 0 or
 * the errno it failed with.
 */
static inline int run_in(const char *rel, op_fn fn, const void *arg)
{
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		if (*rel && ct_cgroup_enter(rel))
			_exit(200);
		_exit(fn(arg));
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* mode and events < 0 leave them out; policy NULL too. */
static inline int ct_attach_cmd(uint8_t cmd, int fd, const char *policy,
				int mode, int events)
{
	struct nl_msg *msg = crs_msg(cmd, 0);
	struct nlattr *nest = nla_nest_start(msg, CRS_A_ATTACH);

	if (fd != -1000)
		nla_put_s32(msg, CRS_ATTACH_A_CGROUP_FD, fd);
	if (policy)
		nla_put_string(msg, CRS_ATTACH_A_POLICY, policy);
	if (mode >= 0)
		nla_put_u8(msg, CRS_ATTACH_A_MODE, mode);
	if (events >= 0)
		nla_put_u8(msg, CRS_ATTACH_A_EVENTS, events);
	nla_nest_end(msg, nest);
	return crs_simple(msg);
}

static inline int ct_attach(int fd, const char *policy)
{
	return ct_attach_cmd(CRS_CMD_ATTACH_NEW, fd, policy, -1, -1);
}

static inline int ct_detach(int fd)
{
	return ct_attach_cmd(CRS_CMD_ATTACH_DEL, fd, NULL, -1, -1);
}

struct ct_att {
	uint64_t cgid;
	char cgroup[256];
	char policy[64];
	uint8_t mode, events;
};

struct ct_atts {
	int n;
	struct ct_att a[16];
};

static inline int ct_att_cb(struct nlattr **attrs, struct nlmsghdr *nlh,
			    void *arg)
{
	struct nlattr *tb[CRS_ATTACH_A_MAX + 1];
	struct ct_atts *l = arg;
	struct ct_att *a;

	(void)nlh;
	if (!attrs[CRS_A_ATTACH] ||
	    crs_nla_parse_nested(tb, CRS_ATTACH_A_MAX, attrs[CRS_A_ATTACH]))
		return -EPROTO;
	if (l->n == 16)
		return -E2BIG;
	a = &l->a[l->n++];
	memset(a, 0, sizeof(*a));
	if (tb[CRS_ATTACH_A_CGROUP_ID])
		a->cgid = nla_get_u64(tb[CRS_ATTACH_A_CGROUP_ID]);
	if (tb[CRS_ATTACH_A_CGROUP])
		snprintf(a->cgroup, sizeof(a->cgroup), "%s",
			 nla_get_string(tb[CRS_ATTACH_A_CGROUP]));
	if (tb[CRS_ATTACH_A_POLICY])
		snprintf(a->policy, sizeof(a->policy), "%s",
			 nla_get_string(tb[CRS_ATTACH_A_POLICY]));
	if (tb[CRS_ATTACH_A_MODE])
		a->mode = nla_get_u8(tb[CRS_ATTACH_A_MODE]);
	if (tb[CRS_ATTACH_A_EVENTS])
		a->events = nla_get_u8(tb[CRS_ATTACH_A_EVENTS]);
	return 0;
}

/* Lists attachments, of one policy unless NULL. */
static inline int ct_attach_list(const char *policy, struct ct_atts *l)
{
	struct nl_msg *msg = crs_msg(CRS_CMD_ATTACH_GET, NLM_F_DUMP);
	struct nlattr *nest;

	l->n = 0;
	if (policy) {
		nest = nla_nest_start(msg, CRS_A_ATTACH);
		nla_put_string(msg, CRS_ATTACH_A_POLICY, policy);
		nla_nest_end(msg, nest);
	}
	return crs_nl_request(msg, ct_att_cb, l);
}

struct ct_names {
	int n;
	char name[64][64];
};

static inline int ct_names_cb(struct nlattr **attrs, struct nlmsghdr *nlh,
			      void *arg)
{
	struct ct_names *l = arg;
	struct ct_policy p;

	if (ct_policy_cb(attrs, nlh, &p) || l->n == 64)
		return -EPROTO;
	snprintf(l->name[l->n++], 64, "%s", p.name);
	return 0;
}

/* Detaches and removes every attached cgroup, deletes every policy. */
static inline void ct_cleanup(void)
{
	struct ct_names names = { 0 };
	struct ct_atts atts;
	char path[300];
	int i, fd;

	ct_cgroup_enter("");
	if (!ct_attach_list(NULL, &atts)) {
		for (i = 0; i < atts.n; i++) {
			snprintf(path, sizeof(path), CT_CGROOT "%s",
				 atts.a[i].cgroup);
			fd = open(path, O_RDONLY | O_DIRECTORY);
			if (fd >= 0) {
				ct_detach(fd);
				close(fd);
			}
		}
	}
	if (!crs_nl_request(crs_msg(CRS_CMD_POLICY_GET, NLM_F_DUMP),
			    ct_names_cb, &names))
		for (i = 0; i < names.n; i++)
			ct_policy_del(names.name[i]);
}

static inline int ct_attachments_cb(struct nlattr **attrs,
				    struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *tb[CRS_STATS_A_MAX + 1];

	(void)nlh;
	if (!attrs[CRS_A_STATS] ||
	    crs_nla_parse_nested(tb, CRS_STATS_A_MAX, attrs[CRS_A_STATS]) ||
	    !tb[CRS_STATS_A_ATTACHMENTS])
		return -EPROTO;
	*(int *)arg = nla_get_u32(tb[CRS_STATS_A_ATTACHMENTS]);
	return 0;
}

static inline int ct_event_seq_cb(struct nlattr **attrs,
				  struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *tb[CRS_STATS_A_MAX + 1];

	(void)nlh;
	if (!attrs[CRS_A_STATS] ||
	    crs_nla_parse_nested(tb, CRS_STATS_A_MAX, attrs[CRS_A_STATS]) ||
	    !tb[CRS_STATS_A_EVENT_SEQ])
		return -EPROTO;
	*(uint64_t *)arg = nla_get_u64(tb[CRS_STATS_A_EVENT_SEQ]);
	return 0;
}

/* The status's CRS_STATS_A_EVENT_SEQ (the last event produced): 0 or -errno. */
static inline int ct_event_seq(uint64_t *seq)
{
	return crs_nl_request(crs_msg(CRS_CMD_STATUS_GET, 0), ct_event_seq_cb,
			      seq);
}

/* CRS_STATS_A_ATTACHMENTS of the status, or -errno. */
static inline int ct_status_attachments(void)
{
	int n = -1, err;

	err = crs_nl_request(crs_msg(CRS_CMD_STATUS_GET, 0),
			     ct_attachments_cb, &n);
	return err ? err : n;
}

/* Runs fn in a child without CAP_MAC_ADMIN; returns fn's value or -1000. */
static inline int ct_without_cap(int (*fn)(void *), void *arg)
{
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -1000;
	if (pid == 0) {
		if (crs_drop_cap(CAP_MAC_ADMIN))
			_exit(200);
		_exit(-fn(arg) & 0xff);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1000;
	return -WEXITSTATUS(status);
}

#endif
