// SPDX-License-Identifier: GPL-2.0
/*
 * Syscall rules (SPEC sections 3 and 4).
 *
 * Names are the kernel's: the tracing metadata of each system call
 * (trace_get_event_file("syscalls", "sys_enter_NAME")) gives its number
 * on the 64-bit entry and the types and names of its arguments, which
 * tell a path argument from a file descriptor from an integer.
 *
 * Each call is decided by exactly one mechanism:
 *  - 64-bit entry, a version whose defaults.application is allow: an
 *    ftrace direct hook on __x64_sys_NAME for every call that an attached
 *    version names (all of them share crs_tramp_sys; the handler reads the
 *    number from the registers). A call that no rule names runs no code
 *    of ours at all.
 *  - 64-bit entry, a version with defaults.application deny or monitor (an
 *    allow-list: every call must be decided): the sys_enter tracepoint,
 *    registered while such a version is attached. It puts every task of
 *    the system on the slow system call path; to skip a call it sets the
 *    number to -1 and the return value to -EPERM, which the entry code
 *    leaves alone. It runs with preemption disabled and cannot read a
 *    path from user memory: calls whose rules have path arguments are
 *    left to the __x64_sys_NAME hook.
 *  - The 32-bit entries (int 0x80, sysenter, syscall from 32-bit code):
 *    one hook on every __ia32_sys_* and __ia32_compat_sys_* function,
 *    which denies them all under compat_syscalls "deny" and otherwise
 *    matches by the name of the function it is in. x32 calls that reach
 *    __x64_sys_* carry __X32_SYSCALL_BIT and are treated as compat there.
 *  - execve and execveat: security_bprm_creds_for_exec(), where the file
 *    is open and current still runs the program that called exec.
 *
 * Path arguments. exec's file is checked after the kernel resolved it
 * (bprm->file): it cannot change under the check. Every other path
 * argument is read from user memory at entry and resolved by us before
 * the call runs: another thread can change the string, or a rename the
 * file system, between our check and the call's own lookup. A file
 * descriptor argument is the open file it refers to at entry (fget), and
 * AT_FDCWD is the working directory.
 *
 * Hooks exist only while an attached version needs them: crs_sys_hold()
 * before a version becomes visible to covered processes, crs_sys_release()
 * after it is gone; unused hooks linger a few seconds, as file.c's do.
 */

#include <linux/compat.h>
#include <linux/dcache.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/fs_struct.h>
#include <linux/hashtable.h>
#include <linux/kallsyms.h>
#include <linux/ipc.h>
#include <linux/namei.h>
#include <linux/net.h>
#include <linux/percpu.h>
#include <linux/sort.h>
#include <linux/trace_events.h>
#include <linux/tracepoint.h>
#include <linux/binfmts.h>
#include <linux/uaccess.h>
#include <asm/syscall.h>
#include <asm/unistd.h>
#include <trace/syscall.h>
#include "crs.h"
#include "hook.h"
#include "match.h"

/* What the kernel's metadata says an argument is. */
enum crs_sys_param {
	CRS_SP_INT,		/* compared as an integer only */
	CRS_SP_INT32,		/* an int-sized integer: the low 32 bits */
	CRS_SP_PATH,		/* const char __user *: a path */
	CRS_SP_FD,		/* a file descriptor */
};

#define CRS_SYS_PARAMS	6

/*
 * A system call name, resolved once and kept until module exit: rules
 * name few distinct calls, and 100,000 rules must not each take the
 * tracing event list's mutex.
 */
struct crs_sys_info {
	struct hlist_node node;		/* crs_sys_names, by name */
	int nr;				/* on the 64-bit entry */
	u8 nparams;
	u8 param[CRS_SYS_PARAMS];	/* enum crs_sys_param */
	bool nofollow;			/* lchown and friends */
	char name[CRS_NAME_MAX + 1];	/* as rules name it */
	char mname[CRS_NAME_MAX + 1];	/* the kernel's, without "sys_" */
	char func[CRS_NAME_MAX + 12];	/* __x64_sys_... */
};

static DEFINE_MUTEX(crs_sys_names_lock);
static DEFINE_HASHTABLE(crs_sys_names, 7);
/* The first info resolved for each number; set once, read locklessly. */
static const struct crs_sys_info *crs_sys_by_nr[NR_syscalls];

static bool crs_sys_is_exec(unsigned int nr)
{
	return nr == __NR_execve || nr == __NR_execveat;
}

static bool crs_str_in(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(s, *list))
			return true;
	return false;
}

/* The metadata's type and name strings, as SYSCALL_DEFINEx wrote them. */
static u8 crs_sys_param_kind(const char *type, const char *name)
{
	static const char *const paths[] = {
		"filename", "pathname", "path", "oldname", "newname",
		"specialfile", "dir_name", "new_root", "put_old", "library",
		NULL
	};
	static const char *const ints32[] = {
		"int", "unsigned int", "unsigned", "pid_t", "uid_t", "gid_t",
		"umode_t", "mode_t", "key_serial_t", "u32", "__u32", "s32",
		"clockid_t", "timer_t", "mqd_t", "rwf_t", "qid_t", "old_uid_t",
		"old_gid_t", NULL
	};
	size_t len = strlen(name);
	bool is32 = crs_str_in(type, ints32);

	/* The type as stringified, __user expanded away: "const char *". */
	if (strstr(type, "char") && strchr(type, '*') && crs_str_in(name, paths))
		return CRS_SP_PATH;
	if (is32 && (!strcmp(name, "fd") || !strncmp(name, "fd_", 3) ||
		     (len > 2 && !strcmp(name + len - 2, "fd"))))
		return CRS_SP_FD;
	return is32 ? CRS_SP_INT32 : CRS_SP_INT;
}

static int crs_sys_meta(const char *event, struct crs_sys_info *info)
{
	static const char *const nofollow[] = {
		"lchown", "lsetxattr", "lgetxattr", "lremovexattr",
		"llistxattr", "newlstat", "lstat", NULL
	};
	struct trace_event_file *file;
	struct syscall_metadata *meta;
	int i, err = 0;

	file = trace_get_event_file(NULL, "syscalls", event);
	if (IS_ERR(file))
		return PTR_ERR(file);
	meta = file->event_call->data;
	/* -1: the call exists in the kernel but not on the 64-bit entry. */
	if (!meta || meta->syscall_nr < 0 || meta->syscall_nr >= NR_syscalls ||
	    strncmp(meta->name, "sys_", 4) ||
	    strlen(meta->name) - 4 > CRS_NAME_MAX) {
		err = -ENOENT;
		goto out;
	}
	info->nr = meta->syscall_nr;
	info->nparams = min(meta->nb_args, CRS_SYS_PARAMS);
	for (i = 0; i < info->nparams; i++)
		info->param[i] = crs_sys_param_kind(meta->types[i],
						    meta->args[i]);
	strscpy(info->mname, meta->name + 4, sizeof(info->mname));
	snprintf(info->func, sizeof(info->func), "__x64_%s", meta->name);
	info->nofollow = crs_str_in(info->mname, nofollow);
out:
	trace_put_event_file(file);
	return err;
}

/* The call named name, or NULL; may sleep. */
static const struct crs_sys_info *crs_sys_resolve(const char *name)
{
	struct crs_sys_info *info;
	char event[CRS_NAME_MAX + 16];
	u32 h = full_name_hash(NULL, name, strlen(name));

	if (!*name || strlen(name) > CRS_NAME_MAX)
		return NULL;
	mutex_lock(&crs_sys_names_lock);
	hash_for_each_possible(crs_sys_names, info, node, h)
		if (!strcmp(info->name, name))
			goto out;
	info = kzalloc(sizeof(*info), GFP_KERNEL);
	if (!info)
		goto out;
	strscpy(info->name, name, sizeof(info->name));
	/*
	 * x86-64 kept the old names of calls whose definitions were renamed
	 * ("stat" is sys_newstat): try the kernel's prefix as well.
	 */
	snprintf(event, sizeof(event), "sys_enter_%s", name);
	if (crs_sys_meta(event, info)) {
		snprintf(event, sizeof(event), "sys_enter_new%s", name);
		if (crs_sys_meta(event, info)) {
			kfree(info);
			info = NULL;
			goto out;
		}
	}
	hash_add(crs_sys_names, &info->node, h);
	if (!crs_sys_by_nr[info->nr])
		WRITE_ONCE(crs_sys_by_nr[info->nr], info);
out:
	mutex_unlock(&crs_sys_names_lock);
	return info;
}

int crs_sys_rule_check(struct crs_rule *r, u32 i, const struct nlattr *name,
		       const struct nlattr *nr, struct nlattr *const *args,
		       struct netlink_ext_ack *extack)
{
	const struct crs_sys_info *info;
	const char *s = nla_data(name);
	int k;

	info = crs_sys_resolve(s);
	if (!info) {
		crs_nl_errf(extack, name,
			    "rules[%u].syscall: \"%s\" is not a system call of this kernel",
			    i, s);
		return -EINVAL;
	}
	if (nr && nla_get_u32(nr) != info->nr) {
		crs_nl_errf(extack, nr,
			    "rules[%u]: SYSCALL_NR %u is not %s's number here (%d)",
			    i, nla_get_u32(nr), s, info->nr);
		return -EINVAL;
	}
	r->syscall_nr = info->nr;
	for (k = 0; k < r->nargs; k++) {
		u8 kind = r->args[k].kind;

		if (kind == CRS_ARG_ANY)
			continue;
		/* exec's first argument is the file; the others are not checked. */
		if (crs_sys_is_exec(info->nr)) {
			if (k || kind != CRS_ARG_PATH) {
				crs_nl_errf(extack, args[k],
					    "rules[%u].args[%d]: %s rules take the file executed as a path, and nothing else",
					    i, k, s);
				return -EINVAL;
			}
			continue;
		}
		if (k >= info->nparams) {
			crs_nl_errf(extack, args[k],
				    "rules[%u].args[%d]: %s takes %u arguments",
				    i, k, s, info->nparams);
			return -EINVAL;
		}
		if (kind == CRS_ARG_PATH && info->param[k] != CRS_SP_PATH &&
		    info->param[k] != CRS_SP_FD) {
			crs_nl_errf(extack, args[k],
				    "rules[%u].args[%d]: argument %d of %s is neither a path nor a file descriptor",
				    i, k, k, s);
			return -EINVAL;
		}
	}
	return 0;
}

/*
 * The compiled table: for each number, the enabled rules naming it, most
 * specific first (SPEC section 3), so that the first that matches a call
 * decides. One kvmalloc'd block.
 */
#define CRS_ST_PROG	BIT(0)	/* a candidate names a program */
#define CRS_ST_PATH	BIT(1)	/* a candidate has a path argument */
#define CRS_ST_ARGS	BIT(2)	/* a candidate has an argument not "*" */

struct crs_sys_tab {
	u32 start[NR_syscalls + 1];
	u8 flags[NR_syscalls];
	u32 cand[];
};

static bool crs_rule_is_sys(const struct crs_rule *r)
{
	return r->type == CRS_RULE_SYSCALL && !(r->flags & CRS_RULE_F_DISABLED);
}

static int crs_rank_action(u8 action)
{
	return action == CRS_ACTION_DENY ? 2 : action == CRS_ACTION_MONITOR;
}

/* Program: named 2, directory 1 (then longer first), any 0. */
static void crs_rank_str(const struct crs_ruleset *rs, u32 off, int *rank,
			 size_t *len)
{
	const char *s = crs_rule_str(rs, off);

	*len = s ? strlen(s) : 0;
	*rank = !s ? 0 : s[*len - 1] == '/' ? 1 : 2;
}

static void crs_rank_arg(const struct crs_ruleset *rs,
			 const struct crs_rule_arg *a, int *rank, size_t *len)
{
	*len = 0;
	if (a->kind == CRS_ARG_PATH)
		crs_rank_str(rs, a->path, rank, len);
	else
		*rank = a->kind == CRS_ARG_INT ? 2 : 0;
}

static int crs_nonany(const struct crs_rule *r)
{
	int k, n = 0;

	for (k = 0; k < r->nargs; k++)
		n += r->args[k].kind != CRS_ARG_ANY;
	return n;
}

/* Negative: a before b, the more specific first. */
static int crs_sys_cmp(const void *pa, const void *pb, const void *priv)
{
	const struct crs_ruleset *rs = priv;
	u32 ia = *(const u32 *)pa, ib = *(const u32 *)pb;
	const struct crs_rule *a = &rs->rules[ia], *b = &rs->rules[ib];
	struct crs_rule_arg any = { .kind = CRS_ARG_ANY };
	int ra, rb, k;
	size_t la, lb;

	crs_rank_str(rs, a->program, &ra, &la);
	crs_rank_str(rs, b->program, &rb, &lb);
	if (ra != rb)
		return rb - ra;
	if (la != lb)
		return lb > la ? 1 : -1;
	if (crs_nonany(a) != crs_nonany(b))
		return crs_nonany(b) - crs_nonany(a);
	for (k = 0; k < CRS_SYSCALL_ARGS; k++) {
		crs_rank_arg(rs, k < a->nargs ? &a->args[k] : &any, &ra, &la);
		crs_rank_arg(rs, k < b->nargs ? &b->args[k] : &any, &rb, &lb);
		if (ra != rb)
			return rb - ra;
		if (la != lb)
			return lb > la ? 1 : -1;
	}
	ra = crs_rank_action(a->action);
	rb = crs_rank_action(b->action);
	if (ra != rb)
		return rb - ra;
	return ia < ib ? -1 : ia > ib;
}

static void crs_sys_swap(void *a, void *b, int size, const void *priv)
{
	swap(*(u32 *)a, *(u32 *)b);
}

int crs_sys_compile(struct crs_ruleset *rs)
{
	struct crs_sys_tab *t;
	u32 i, n = 0, nr, *pos;
	int k;

	for (i = 0; i < rs->n; i++)
		n += crs_rule_is_sys(&rs->rules[i]);
	if (!n)
		return 0;
	t = kvzalloc(struct_size(t, cand, n), GFP_KERNEL_ACCOUNT);
	if (!t)
		return -ENOMEM;
	/* Count per number, then place: start[nr + 1] counts first. */
	for (i = 0; i < rs->n; i++)
		if (crs_rule_is_sys(&rs->rules[i]))
			t->start[rs->rules[i].syscall_nr + 1]++;
	for (nr = 0; nr < NR_syscalls; nr++)
		t->start[nr + 1] += t->start[nr];
	pos = kvmalloc_array(NR_syscalls, sizeof(*pos), GFP_KERNEL);
	if (!pos) {
		kvfree(t);
		return -ENOMEM;
	}
	memcpy(pos, t->start, NR_syscalls * sizeof(*pos));
	for (i = 0; i < rs->n; i++) {
		const struct crs_rule *r = &rs->rules[i];

		if (!crs_rule_is_sys(r))
			continue;
		nr = r->syscall_nr;
		t->cand[pos[nr]++] = i;
		if (r->program != CRS_STR_NONE)
			t->flags[nr] |= CRS_ST_PROG;
		if (crs_nonany(r))
			t->flags[nr] |= CRS_ST_ARGS;
		for (k = 0; k < r->nargs; k++)
			if (r->args[k].kind == CRS_ARG_PATH &&
			    !crs_sys_is_exec(nr) && crs_sys_by_nr[nr] &&
			    crs_sys_by_nr[nr]->param[k] == CRS_SP_PATH)
				t->flags[nr] |= CRS_ST_PATH;
	}
	kvfree(pos);
	for (nr = 0; nr < NR_syscalls; nr++)
		sort_r(&t->cand[t->start[nr]], t->start[nr + 1] - t->start[nr],
		       sizeof(u32), crs_sys_cmp, crs_sys_swap, rs);
	rs->tables[CRS_TABLE_SYSCALL] = t;
	return 0;
}

/* CRS_SYS_NONE: a call of another entry that the 64-bit one lacks. */
#define CRS_SYS_NONE	U32_MAX

static u32 crs_sys_ncand(const struct crs_sys_tab *t, u32 nr)
{
	return t && nr < NR_syscalls ? t->start[nr + 1] - t->start[nr] : 0;
}

/* One call as the rules see it. */
struct crs_sys_call {
	const struct crs_sys_info *info;	/* NULL: not a named call */
	const char *sym;	/* its function in the kernel's table */
	const char *name;	/* for events, from sym unless set */
	u32 nr;			/* on the 64-bit entry, or CRS_SYS_NONE */
	bool compat;				/* ia32 or x32 */
	bool exec;
	bool mux;		/* a multiplexer's call, taken apart */
	u64 raw[CRS_SYSCALL_ARGS];
	const char *str[CRS_SYSCALL_ARGS];	/* resolved paths, or NULL */
	const char *asked;			/* exec: the path asked for */
	const char *prog;			/* NULL: none or not needed */
	char *progbuf;				/* where prog can be built */
};

static bool crs_path_match(const char *rule, const char *s)
{
	size_t len = strlen(rule);

	if (!s)
		return false;
	if (rule[len - 1] == '/')
		return !strncmp(rule, s, len) && s[len];
	return !strcmp(rule, s);
}

static bool crs_sys_arg_match(const struct crs_ruleset *rs,
			      const struct crs_rule_arg *a,
			      const struct crs_sys_call *c, int k)
{
	u8 param;

	switch (a->kind) {
	case CRS_ARG_INT:
		param = c->info && k < c->info->nparams ? c->info->param[k] :
			CRS_SP_INT;
		/* int-sized parameters, and every compat one, are 32 bits. */
		if (c->compat || param == CRS_SP_INT32 || param == CRS_SP_FD)
			return (u32)a->val == (u32)c->raw[k];
		return a->val == c->raw[k];
	case CRS_ARG_PATH:
		if (crs_path_match(crs_rule_str(rs, a->path), c->str[k]))
			return true;
		return k == 0 && c->asked &&
		       crs_path_match(crs_rule_str(rs, a->path), c->asked);
	default:
		return true;
	}
}

/* The rule that decides c, or -1. Caller holds rcu_read_lock(). */
static s32 crs_sys_match(const struct crs_ruleset *rs,
			 const struct crs_sys_tab *t,
			 const struct crs_sys_call *c)
{
	const struct crs_rule *r;
	const char *prog;
	u32 i;
	int k;

	if (!crs_sys_ncand(t, c->nr))
		return -1;
	for (i = t->start[c->nr]; i < t->start[c->nr + 1]; i++) {
		r = &rs->rules[t->cand[i]];
		prog = crs_rule_str(rs, r->program);
		if (prog && !crs_path_match(prog, c->prog))
			continue;
		for (k = 0; k < r->nargs; k++)
			if (!crs_sys_arg_match(rs, &r->args[k], c, k))
				break;
		if (k == r->nargs)
			return t->cand[i];
	}
	return -1;
}

static u8 crs_mode_of(struct crs_attach *att, const struct crs_policy_ver *ver)
{
	u8 mode = READ_ONCE(att->mode);

	return mode == CRS_MODE_POLICY ? ver->mode : mode;
}

static const char *crs_sys_program(char *buf);
static const char *crs_sys_tab_name(const char *sym);

/* Whether the compat entries concern ver at all (SPEC section 2). */
static bool crs_sys_ver_active(const struct crs_policy_ver *ver)
{
	return ver->rs->tables[CRS_TABLE_SYSCALL] ||
	       ver->def_app != CRS_ACTION_ALLOW;
}

/*
 * Applies action (rule < 0: the default's) to c: the event, and -EPERM
 * where it is enforced. Caller holds rcu_read_lock().
 */
static int crs_sys_act(struct crs_attach *att, const struct crs_policy_ver *ver,
		       u8 mode, s32 rule, u8 action, struct crs_sys_call *c)
{
	const struct crs_ruleset *rs = ver->rs;
	struct crs_event_info ev;
	int k, n;

	if (action == CRS_ACTION_ALLOW)
		return 0;
	/* Rules without programs did not need it; the event does. */
	if (!c->prog && c->progbuf)
		c->prog = crs_sys_program(c->progbuf);
	memset(&ev, 0, sizeof(ev));
	ev.att = att;
	ev.policy = ver->name;
	ev.rule = rule < 0 ? NULL : crs_rule_str(rs, rs->rules[rule].name);
	ev.program = c->prog;
	ev.type = CRS_RULE_SYSCALL;
	ev.action = action;
	ev.enforced = action == CRS_ACTION_DENY && mode == CRS_MODE_ACTIVE;
	if (!c->name)
		c->name = crs_sys_tab_name(c->sym);
	ev.syscall = rule < 0 ? c->name :
		     crs_rule_str(rs, rs->rules[rule].syscall);
	n = c->exec ? 1 : c->info ? min_t(int, c->info->nparams,
					  CRS_SYSCALL_ARGS) : 0;
	if (c->compat && !c->info)
		n = CRS_SYSCALL_ARGS;
	for (k = 0; k < n; k++) {
		u8 param = c->info && k < c->info->nparams ?
			   c->info->param[k] : CRS_SP_INT;

		if (c->str[k]) {
			ev.args[k].kind = CRS_ARG_PATH;
			ev.args[k].path = c->str[k];
		} else if (param == CRS_SP_PATH || c->exec) {
			ev.args[k].kind = CRS_ARG_ANY;
		} else {
			ev.args[k].kind = CRS_ARG_INT;
			ev.args[k].val = param == CRS_SP_INT ? c->raw[k] :
					 (u64)(s64)(s32)c->raw[k];
		}
	}
	ev.nargs = n;
	crs_event_report(&ev);
	return ev.enforced ? -EPERM : 0;
}

/* Rules, then the default, for a covered call. rcu_read_lock(). */
static int crs_sys_decide(struct crs_attach *att,
			  const struct crs_policy_ver *ver,
			  struct crs_sys_call *c)
{
	const struct crs_ruleset *rs = ver->rs;
	u8 mode = crs_mode_of(att, ver);
	s32 rule;

	if (mode == CRS_MODE_INACTIVE)
		return 0;
	rule = crs_sys_match(rs, rs->tables[CRS_TABLE_SYSCALL], c);
	return crs_sys_act(att, ver, mode, rule,
			   rule < 0 ? ver->def_app : rs->rules[rule].action, c);
}

/* compat_syscalls "deny": the call fails whatever it is. rcu_read_lock(). */
static int crs_sys_compat_deny(struct crs_attach *att,
			       const struct crs_policy_ver *ver,
			       struct crs_sys_call *c)
{
	u8 mode = crs_mode_of(att, ver);

	if (mode == CRS_MODE_INACTIVE)
		return 0;
	return crs_sys_act(att, ver, mode, -1, CRS_ACTION_DENY, c);
}

/*
 * Resolution: buffers of PATH_MAX, the strings at their end (d_path).
 */
static char *crs_sys_path(const struct path *path, char *buf)
{
	u32 len;

	return crs_d_path(path, buf, &len);
}

static const char *crs_sys_program(char *buf)
{
	u32 len;

	return crs_current_program(buf, &len);
}

/*
 * The file fd refers to (AT_FDCWD: the working directory). Does not
 * sleep: the tracepoint calls it with preemption disabled, so the
 * working directory is read under fs->lock rather than referenced (a
 * path_put() could be the last).
 */
static char *crs_sys_fd_path(int fd, char *buf)
{
	struct fs_struct *fs = current->fs;
	struct file *f;
	char *p;

	if (fd == AT_FDCWD) {
		if (!fs)
			return NULL;
		spin_lock(&fs->lock);
		p = crs_sys_path(&fs->pwd, buf);
		spin_unlock(&fs->lock);
		return p;
	}
	f = fget(fd);
	if (!f)
		return NULL;
	p = crs_sys_path(&f->f_path, buf);
	fput(f);
	return p;
}

/*
 * name (in tmp) made absolute against dfd into buf, then resolved as far
 * as it exists: the path of the file, or of its parent directory and the
 * last name. Sleeps.
 */
static char *crs_sys_abs_path(char *tmp, int dfd, bool follow, char *buf)
{
	size_t len, blen;
	struct path path;
	char *p, *last;

	if (tmp[0] != '/') {
		p = crs_sys_fd_path(dfd, buf);
		if (!p)
			return NULL;
		len = strlen(p);
		blen = strlen(tmp);
		if (len + 1 + blen >= PATH_MAX)
			return NULL;
		memmove(buf, p, len);
		if (len > 1)
			buf[len++] = '/';
		memcpy(buf + len, tmp, blen + 1);
		strscpy(tmp, buf, PATH_MAX);
	}
	if (!kern_path(tmp, follow ? LOOKUP_FOLLOW : 0, &path)) {
		p = crs_sys_path(&path, buf);
		path_put(&path);
		return p;
	}
	/* Not there (yet): its directory resolved, and the name. */
	len = strlen(tmp);
	while (len > 1 && tmp[len - 1] == '/')
		tmp[--len] = '\0';
	last = strrchr(tmp, '/');
	if (last && last != tmp) {
		*last = '\0';
		if (!kern_path(tmp, LOOKUP_FOLLOW, &path)) {
			p = crs_sys_path(&path, buf);
			path_put(&path);
			if (p && strlen(p) + strlen(last + 1) + 2 <= PATH_MAX) {
				len = strlen(p);
				memmove(buf, p, len);
				if (len > 1)
					buf[len++] = '/';
				strscpy(buf + len, last + 1, PATH_MAX - len);
				return buf;
			}
		}
		*last = '/';
	}
	strscpy(buf, tmp, PATH_MAX);
	return buf;
}

/* The dfd of an *at call: the descriptor parameter before path k. */
static int crs_sys_dfd(const struct crs_sys_call *c, int k)
{
	return k > 0 && c->info->param[k - 1] == CRS_SP_FD ?
	       (int)c->raw[k - 1] : AT_FDCWD;
}

struct crs_sys_bufs {
	char *prog;
	char *arg[CRS_SYSCALL_ARGS];
	char *tmp;
};

/*
 * Fills c's strings that the call's parameters have, and the program if
 * want_prog. sleep: may read user memory and walk paths (bufs from
 * __getname(), allocated here); else only descriptors (per-CPU bufs).
 */
static void crs_sys_resolve_args(struct crs_sys_call *c,
				 bool want_prog, bool sleep,
				 struct crs_sys_bufs *b)
{
	int k, n = min_t(int, c->info->nparams, CRS_SYSCALL_ARGS);
	long len;

	for (k = 0; k < n; k++) {
		u8 param = c->info->param[k];

		if (param != CRS_SP_FD && (param != CRS_SP_PATH || !sleep))
			continue;
		if (sleep && !b->arg[k])
			b->arg[k] = __getname();
		if (!b->arg[k])
			continue;
		if (param == CRS_SP_FD) {
			c->str[k] = crs_sys_fd_path((int)c->raw[k], b->arg[k]);
			continue;
		}
		if (!b->tmp)
			b->tmp = __getname();
		if (!b->tmp)
			continue;
		len = c->raw[k] ?
		      strncpy_from_user(b->tmp,
					(const char __user *)(uintptr_t)c->raw[k],
					PATH_MAX) : 0;
		/*
		 * An empty or NULL name of a call that takes a directory
		 * descriptor before it (AT_EMPTY_PATH, utimensat()) names
		 * that descriptor's file.
		 */
		if (!len && crs_sys_dfd(c, k) != AT_FDCWD) {
			c->str[k] = crs_sys_fd_path(crs_sys_dfd(c, k),
						    b->arg[k]);
			continue;
		}
		if (len <= 0 || len == PATH_MAX)
			continue;
		c->str[k] = crs_sys_abs_path(b->tmp, crs_sys_dfd(c, k),
					     !c->info->nofollow, b->arg[k]);
	}
	if (sleep && !b->prog)
		b->prog = __getname();
	c->progbuf = b->prog;
	if (want_prog && b->prog)
		c->prog = crs_sys_program(b->prog);
}

static void crs_sys_bufs_free(struct crs_sys_bufs *b)
{
	int k;

	if (b->prog)
		__putname(b->prog);
	if (b->tmp)
		__putname(b->tmp);
	for (k = 0; k < CRS_SYSCALL_ARGS; k++)
		if (b->arg[k])
			__putname(b->arg[k]);
}

/*
 * A call at a hook that may sleep: what it needs is looked at under RCU,
 * resolved without it, then decided under RCU again with what is
 * current then (a policy replaced meanwhile decides with its new rules).
 * fn says whether the version at hand decides this call here, and how.
 */
typedef int (*crs_sys_fn)(struct crs_attach *att,
			  const struct crs_policy_ver *ver,
			  struct crs_sys_call *c, bool *needs);

static int crs_sys_sleepable(struct crs_sys_call *c, crs_sys_fn fn)
{
	struct crs_sys_bufs b = {};
	const struct crs_policy_ver *ver;
	struct crs_attach *att;
	bool needs = false;
	int ret;

	rcu_read_lock();
	att = crs_attach_lookup(task_dfl_cgroup(current));
	if (likely(!att)) {
		rcu_read_unlock();
		return 0;
	}
	ver = rcu_dereference(att->policy->ver);
	ret = fn(att, ver, c, &needs);
	rcu_read_unlock();
	if (!needs)
		return ret;

	crs_hook_sleep_begin();
	if (c->info) {
		crs_sys_resolve_args(c, true, true, &b);
	} else {
		b.prog = __getname();
		c->progbuf = b.prog;
		c->prog = b.prog ? crs_sys_program(b.prog) : NULL;
	}
	rcu_read_lock();
	att = crs_attach_lookup(task_dfl_cgroup(current));
	ret = 0;
	if (att) {
		ver = rcu_dereference(att->policy->ver);
		needs = true;
		ret = fn(att, ver, c, &needs);
	}
	rcu_read_unlock();
	crs_sys_bufs_free(&b);
	crs_hook_sleep_end();
	return ret;
}

/*
 * The kernel's own system call tables, included as it builds its
 * dispatch from them: each number's function, "sys_NAME" or
 * "compat_sys_NAME". They name the calls no rule names (for events),
 * and map the numbers of the 32-bit and x32 entries to the 64-bit one.
 */
#define __SYSCALL(nr, sym) \
	[nr] = #sym,
#define __SYSCALL_NORETURN(nr, sym) \
	[nr] = #sym,
#define __SYSCALL_WITH_COMPAT(nr, native, compat) \
	[nr] = #native,

static const char *const crs_sys_tab64[] = {
#include <asm/syscalls_64.h>
};

static const char *const crs_sys_tab32[] = {
#include <asm/syscalls_32.h>
};

static const char *const crs_sys_tabx32[] = {
#include <asm/syscalls_x32.h>
};

#undef __SYSCALL
#undef __SYSCALL_NORETURN
#undef __SYSCALL_WITH_COMPAT

/* Set once, before any hook or the tracepoint can use them (crs_lock). */
static s16 crs_sys_map32[ARRAY_SIZE(crs_sys_tab32)];
static s16 crs_sys_mapx32[ARRAY_SIZE(crs_sys_tabx32)];

/* "sys_read" is read; unimplemented numbers have no name. */
static const char *crs_sys_tab_name(const char *sym)
{
	if (!sym)
		return NULL;
	if (str_has_prefix(sym, "compat_"))
		sym += strlen("compat_");
	if (!str_has_prefix(sym, "sys_") || !strcmp(sym, "sys_ni_syscall"))
		return NULL;
	return sym + strlen("sys_");
}

/*
 * What c is: the entry (ia32: the thread is in a 32-bit call), the
 * number, its name and its 64-bit counterpart. False: no such call.
 */
static bool crs_sys_classify(struct crs_sys_call *c, unsigned long nr,
			     bool ia32)
{
	int n64;

	if (ia32) {
		if (nr >= ARRAY_SIZE(crs_sys_tab32))
			return false;
		c->compat = true;
		c->sym = crs_sys_tab32[nr];
		n64 = crs_sys_map32[nr];
	} else if (nr & __X32_SYSCALL_BIT) {
		nr &= ~__X32_SYSCALL_BIT;
		if (nr >= ARRAY_SIZE(crs_sys_tabx32))
			return false;
		c->compat = true;
		c->sym = crs_sys_tabx32[nr];
		n64 = crs_sys_mapx32[nr];
	} else {
		if (nr >= ARRAY_SIZE(crs_sys_tab64))
			return false;
		c->sym = crs_sys_tab64[nr];
		n64 = nr;
	}
	c->nr = n64 < 0 ? CRS_SYS_NONE : n64;
	c->info = n64 < 0 ? NULL : READ_ONCE(crs_sys_by_nr[n64]);
	c->exec = n64 >= 0 && crs_sys_is_exec(n64);
	/* Holes in the x32 table; the name is made when an event needs it. */
	return c->sym;
}

/* The arguments rules can name: the first three, as the entry passed them. */
static void crs_sys_raw(const struct pt_regs *regs, bool ia32, u64 *raw)
{
	if (ia32) {
		raw[0] = (u32)regs->bx;
		raw[1] = (u32)regs->cx;
		raw[2] = (u32)regs->dx;
	} else {
		raw[0] = regs->di;
		raw[1] = regs->si;
		raw[2] = regs->dx;
	}
}

/*
 * The 32-bit multiplexers, taken apart into the call they perform (SPEC
 * section 4): socketcall(call, args) by linux/net.h's numbers, reading
 * the arguments from the caller's array as the kernel will; ipc(call,
 * first, second, third, ptr, fifth) as ipc/syscall.c passes them on.
 */
struct crs_sys_mux {
	const char *name;	/* the 64-bit call */
	u8 src[CRS_SYSCALL_ARGS]; /* socketcall: how many; ipc: which, 1..5 */
};

static const struct crs_sys_mux crs_sys_socketcalls[] = {
	[SYS_SOCKET] = { "socket", { 3 } },
	[SYS_BIND] = { "bind", { 3 } },
	[SYS_CONNECT] = { "connect", { 3 } },
	[SYS_LISTEN] = { "listen", { 2 } },
	[SYS_ACCEPT] = { "accept", { 3 } },
	[SYS_GETSOCKNAME] = { "getsockname", { 3 } },
	[SYS_GETPEERNAME] = { "getpeername", { 3 } },
	[SYS_SOCKETPAIR] = { "socketpair", { 3 } },
	[SYS_SEND] = { "sendto", { 3 } },
	[SYS_RECV] = { "recvfrom", { 3 } },
	[SYS_SENDTO] = { "sendto", { 3 } },
	[SYS_RECVFROM] = { "recvfrom", { 3 } },
	[SYS_SHUTDOWN] = { "shutdown", { 2 } },
	[SYS_SETSOCKOPT] = { "setsockopt", { 3 } },
	[SYS_GETSOCKOPT] = { "getsockopt", { 3 } },
	[SYS_SENDMSG] = { "sendmsg", { 3 } },
	[SYS_RECVMSG] = { "recvmsg", { 3 } },
	[SYS_ACCEPT4] = { "accept4", { 3 } },
	[SYS_RECVMMSG] = { "recvmmsg", { 3 } },
	[SYS_SENDMMSG] = { "sendmmsg", { 3 } },
};

static const struct crs_sys_mux crs_sys_ipcs[] = {
	[SEMOP] = { "semop", { 1, 4, 2 } },
	[SEMGET] = { "semget", { 1, 2, 3 } },
	[SEMCTL] = { "semctl", { 1, 2, 3 } },
	[SEMTIMEDOP] = { "semtimedop", { 1, 4, 2 } },
	[MSGSND] = { "msgsnd", { 1, 4, 2 } },
	[MSGRCV] = { "msgrcv", { 1, 4, 2 } },
	[MSGGET] = { "msgget", { 1, 2 } },
	[MSGCTL] = { "msgctl", { 1, 2, 4 } },
	[SHMAT] = { "shmat", { 1, 4, 2 } },
	[SHMDT] = { "shmdt", { 4 } },
	[SHMGET] = { "shmget", { 1, 2, 3 } },
	[SHMCTL] = { "shmctl", { 1, 2, 4 } },
};

/* Their 64-bit numbers, -1 for none; set by crs_sys_prepare(). */
static s16 crs_sys_socketcall_nr[ARRAY_SIZE(crs_sys_socketcalls)];
static s16 crs_sys_ipc_nr[ARRAY_SIZE(crs_sys_ipcs)];

/* Whether c (classified, on the 32-bit entry) is socketcall or ipc. */
static bool crs_sys_is_mux(const struct crs_sys_call *c)
{
	return c->compat && !c->mux && c->sym &&
	       (!strcmp(c->sym, "sys_socketcall") || !strcmp(c->sym, "sys_ipc"));
}

/*
 * Makes c the call the multiplexer performs. May fault in the caller's
 * memory (sleeps); a call it cannot take apart stays the multiplexer,
 * which no rule names.
 */
static void crs_sys_demux(struct crs_sys_call *c, const struct pt_regs *regs)
{
	const u64 ipc_args[] = {
		0, (u32)regs->cx, (u32)regs->dx, (u32)regs->si, (u32)regs->di,
		(u32)regs->bp
	};
	const struct crs_sys_mux *m;
	u32 call = c->raw[0], args[CRS_SYSCALL_ARGS] = {};
	int k, nr;

	if (!strcmp(c->sym, "sys_socketcall")) {
		if (call >= ARRAY_SIZE(crs_sys_socketcalls) ||
		    !crs_sys_socketcalls[call].name)
			return;
		m = &crs_sys_socketcalls[call];
		if (copy_from_user(args, u64_to_user_ptr(c->raw[1]),
				   m->src[0] * sizeof(u32)))
			return;
		nr = crs_sys_socketcall_nr[call];
		for (k = 0; k < CRS_SYSCALL_ARGS; k++)
			c->raw[k] = args[k];
	} else {
		call &= 0xffff;		/* the high half is a version */
		if (call >= ARRAY_SIZE(crs_sys_ipcs) || !crs_sys_ipcs[call].name)
			return;
		m = &crs_sys_ipcs[call];
		nr = crs_sys_ipc_nr[call];
		for (k = 0; k < CRS_SYSCALL_ARGS; k++)
			c->raw[k] = ipc_args[m->src[k]];
	}
	if (nr < 0)
		return;
	c->mux = true;
	c->nr = nr;
	c->name = m->name;
	c->info = READ_ONCE(crs_sys_by_nr[nr]);
}

/*
 * At a system call function (any entry). *needs false on entry: say
 * whether resolving is wanted (and return 0); true: decide with what c
 * holds. Versions with an allow-list are the tracepoint's, but for calls
 * whose rules have path arguments and the multiplexers' calls, which it
 * cannot read.
 */
static int crs_sys_entry_fn(struct crs_attach *att,
			    const struct crs_policy_ver *ver,
			    struct crs_sys_call *c, bool *needs)
{
	const struct crs_sys_tab *t = ver->rs->tables[CRS_TABLE_SYSCALL];
	bool resolved = *needs;

	if (crs_mode_of(att, ver) == CRS_MODE_INACTIVE)
		return 0;
	if (c->compat && crs_sys_ver_active(ver) &&
	    ver->compat == CRS_COMPAT_DENY)
		return ver->def_app == CRS_ACTION_ALLOW ?
		       crs_sys_compat_deny(att, ver, c) : 0;
	/* No 64-bit call of that name: no rule names it. exec: bprm's. */
	if (c->nr == CRS_SYS_NONE || c->exec)
		return 0;
	if (ver->def_app != CRS_ACTION_ALLOW && !c->mux &&
	    !(t && (t->flags[c->nr] & CRS_ST_PATH)))
		return 0;
	if (!crs_sys_ncand(t, c->nr) && ver->def_app == CRS_ACTION_ALLOW)
		return 0;
	if (!resolved) {
		*needs = true;
		return 0;
	}
	return crs_sys_decide(att, ver, c);
}

int crs_hk_sys(const struct pt_regs *regs)
{
	bool ia32 = in_ia32_syscall();
	struct crs_sys_call c = {};

	if (!crs_sys_classify(&c, regs->orig_ax, ia32))
		return 0;
	crs_sys_raw(regs, ia32, c.raw);
	if (crs_sys_is_mux(&c) && crs_current_covered()) {
		crs_hook_sleep_begin();
		crs_sys_demux(&c, regs);
		crs_hook_sleep_end();
	}
	return crs_sys_sleepable(&c, crs_sys_entry_fn);
}

/*
 * exec: decided where the file is open and current still runs the program
 * that called exec. Which call it is comes from the registers; an exec
 * from inside the kernel (no such number) is not a system call.
 */
static int crs_sys_exec_nr(void)
{
	long nr = syscall_get_nr(current, task_pt_regs(current));

	if (in_ia32_syscall())
		return nr == __NR_ia32_execve ? __NR_execve :
		       nr == __NR_ia32_execveat ? __NR_execveat : -1;
	if (nr == __NR_execve || nr == __NR_x32_execve)
		return __NR_execve;
	if (nr == __NR_execveat || nr == __NR_x32_execveat)
		return __NR_execveat;
	return -1;
}

static int crs_sys_exec_fn(struct crs_attach *att,
			   const struct crs_policy_ver *ver,
			   struct crs_sys_call *c, bool *needs)
{
	bool resolved = *needs;

	if (crs_mode_of(att, ver) == CRS_MODE_INACTIVE)
		return 0;
	/* A compat exec under "deny" was refused at its entry. */
	if (!crs_sys_ncand(ver->rs->tables[CRS_TABLE_SYSCALL], c->nr) &&
	    ver->def_app == CRS_ACTION_ALLOW)
		return 0;
	if (!resolved) {
		*needs = true;
		return 0;
	}
	return crs_sys_decide(att, ver, c);
}

/* bprm->filename made absolute against the working directory, in buf. */
static char *crs_sys_asked(const struct linux_binprm *bprm, char *buf)
{
	const char *name = bprm->filename;
	size_t len, nlen;
	char *p;

	/* execveat's "/dev/fd/N/name" names no file: the file path does. */
	if (bprm->fdpath)
		return NULL;
	if (name[0] == '/')
		return strscpy(buf, name, PATH_MAX) < 0 ? NULL : buf;
	while (name[0] == '.' && name[1] == '/')
		name += 2;
	p = crs_sys_fd_path(AT_FDCWD, buf);
	if (!p)
		return NULL;
	len = strlen(p);
	nlen = strlen(name);
	if (len + 1 + nlen >= PATH_MAX)
		return NULL;
	memmove(buf, p, len);
	if (len > 1)
		buf[len++] = '/';
	memcpy(buf + len, name, nlen + 1);
	return buf;
}

int crs_hk_bprm_creds_for_exec(struct linux_binprm *bprm)
{
	struct crs_sys_call c = {};
	char *file = NULL, *asked = NULL;
	int nr, ret;

	if (!crs_current_covered())
		return 0;
	nr = crs_sys_exec_nr();
	if (nr < 0)
		return 0;
	c.nr = nr;
	c.exec = true;
	c.name = nr == __NR_execve ? "execve" : "execveat";
	c.compat = in_compat_syscall();
	crs_hook_sleep_begin();
	file = __getname();
	asked = __getname();
	if (file)
		c.str[0] = crs_sys_path(&bprm->file->f_path, file);
	if (asked)
		c.asked = crs_sys_asked(bprm, asked);
	/* c.info NULL: crs_sys_sleepable() resolves the program alone. */
	c.info = NULL;
	ret = crs_sys_sleepable(&c, crs_sys_exec_fn);
	if (file)
		__putname(file);
	if (asked)
		__putname(asked);
	crs_hook_sleep_end();
	return ret;
}

/*
 * The allow-list: the sys_enter tracepoint, with preemption disabled.
 * Descriptors and the program are resolved into per-CPU buffers.
 */
struct crs_sys_scratch {
	char prog[PATH_MAX];
	char arg[CRS_SYSCALL_ARGS][PATH_MAX];
};

static struct crs_sys_scratch __percpu *crs_sys_scratch;

static void crs_sys_tp(void *data, struct pt_regs *regs, long id)
{
	const struct crs_policy_ver *ver;
	const struct crs_sys_tab *t;
	struct crs_sys_scratch *sc;
	struct crs_sys_bufs b = {};
	struct crs_sys_call c = {};
	struct crs_attach *att;
	bool ia32 = in_ia32_syscall();
	u32 flags;
	int k;

	rcu_read_lock();
	att = crs_attach_lookup(task_dfl_cgroup(current));
	if (likely(!att))
		goto out;
	ver = rcu_dereference(att->policy->ver);
	if (ver->def_app == CRS_ACTION_ALLOW ||
	    crs_mode_of(att, ver) == CRS_MODE_INACTIVE ||
	    !crs_sys_classify(&c, id, ia32))
		goto out;
	crs_sys_raw(regs, ia32, c.raw);
	if (c.compat && ver->compat == CRS_COMPAT_DENY) {
		if (crs_sys_compat_deny(att, ver, &c))
			goto deny;
		goto out;
	}
	/* Taken apart at their function, where user memory can be read. */
	if (crs_sys_is_mux(&c))
		goto out;
	t = ver->rs->tables[CRS_TABLE_SYSCALL];
	flags = c.nr < NR_syscalls && t ? t->flags[c.nr] : 0;
	/* exec is bprm's; path arguments the function hook's. */
	if (c.exec || (flags & CRS_ST_PATH))
		goto out;
	/*
	 * Rules that name neither programs nor arguments: the first (the
	 * strongest action) decides, and an allow needs nothing more. The
	 * common case of an allow-list.
	 */
	if (crs_sys_ncand(t, c.nr) && !(flags & (CRS_ST_PROG | CRS_ST_ARGS)) &&
	    ver->rs->rules[t->cand[t->start[c.nr]]].action == CRS_ACTION_ALLOW)
		goto out;
	sc = this_cpu_ptr(crs_sys_scratch);
	c.progbuf = sc->prog;
	/* Descriptors are resolved for the rules that could look at them. */
	if (crs_sys_ncand(t, c.nr)) {
		b.prog = sc->prog;
		for (k = 0; k < CRS_SYSCALL_ARGS; k++)
			b.arg[k] = sc->arg[k];
		if (c.info)
			crs_sys_resolve_args(&c, flags & CRS_ST_PROG,
					     false, &b);
		else if (flags & CRS_ST_PROG)
			c.prog = crs_sys_program(sc->prog);
	}
	if (!crs_sys_decide(att, ver, &c))
		goto out;
deny:
	/* The entry code skips number -1 and returns ax as it is. */
	regs->orig_ax = -1;
	regs->ax = -EPERM;
out:
	rcu_read_unlock();
}

static struct tracepoint *crs_sys_enter_tp;

static void crs_sys_find_tp(struct tracepoint *tp, void *priv)
{
	if (!strcmp(tp->name, "sys_enter"))
		crs_sys_enter_tp = tp;
}

/*
 * What attached versions need, counted per number and per mechanism, and
 * what is installed. All under crs_lock.
 */
static struct crs_hook *crs_sys_hooks[NR_syscalls];
static u32 crs_sys_nr_users[NR_syscalls];
static bool crs_sys_nr_in[NR_syscalls];
static u32 crs_sys_compat_users, crs_sys_exec_users, crs_sys_tp_users;
static bool crs_sys_compat_in, crs_sys_exec_in, crs_sys_tp_in;
static bool crs_sys_dead;

/*
 * The 32-bit entries' functions. A call without arguments has one
 * function for every entry (__ia32_sys_getpid is __x64_sys_getpid): it
 * is left out, for one function takes one direct hook and the 64-bit
 * one is needed when a rule names the call. Built by crs_sys_prepare().
 */
static const char *const crs_sys_compat_base[] = {
	"__ia32_sys_*", "__ia32_compat_sys_*", "__x32_compat_sys_*"
};

static char **crs_sys_compat_globs;

static struct crs_hook crs_sys_compat_hook = {
	.func = "__ia32_sys_*",
	.tramp = crs_tramp_sys,
};

static struct crs_hook crs_sys_exec_hook =
	CRS_HOOK_INIT("security_bprm_creds_for_exec",
		      crs_tramp_bprm_creds_for_exec);

static bool crs_sys_needs_nr(const struct crs_sys_tab *t, u32 nr)
{
	return crs_sys_ncand(t, nr) && !crs_sys_is_exec(nr);
}

static bool crs_sys_needs_exec(const struct crs_policy_ver *ver,
			       const struct crs_sys_tab *t)
{
	return ver->def_app != CRS_ACTION_ALLOW ||
	       crs_sys_ncand(t, __NR_execve) || crs_sys_ncand(t, __NR_execveat);
}

/*
 * Once, before the first hook: every 64-bit call's metadata (its name
 * in events, its arguments), the other entries' numbers mapped to it,
 * and the compat hook's functions. Sleeps; crs_lock.
 */
static int crs_sys_prepare(void)
{
	const struct crs_sys_info *info;
	const char *name;
	u32 i, j, n = ARRAY_SIZE(crs_sys_compat_base);

	if (crs_sys_compat_globs)
		return 0;
	for (i = 0; i < ARRAY_SIZE(crs_sys_tab64); i++) {
		name = crs_sys_tab_name(crs_sys_tab64[i]);
		if (name)
			crs_sys_resolve(name);
	}
	for (i = 0; i < ARRAY_SIZE(crs_sys_tab32) + ARRAY_SIZE(crs_sys_tabx32);
	     i++) {
		bool x32 = i >= ARRAY_SIZE(crs_sys_tab32);
		u32 k = x32 ? i - ARRAY_SIZE(crs_sys_tab32) : i;
		s16 *map = x32 ? &crs_sys_mapx32[k] : &crs_sys_map32[k];

		name = crs_sys_tab_name(x32 ? crs_sys_tabx32[k] :
					crs_sys_tab32[k]);
		*map = -1;
		for (j = 0; name && j < ARRAY_SIZE(crs_sys_tab64); j++) {
			const char *n64 = crs_sys_tab_name(crs_sys_tab64[j]);

			if (n64 && !strcmp(name, n64)) {
				*map = j;
				break;
			}
		}
	}
	for (i = 0; i < ARRAY_SIZE(crs_sys_socketcalls) + ARRAY_SIZE(crs_sys_ipcs);
	     i++) {
		bool ipc = i >= ARRAY_SIZE(crs_sys_socketcalls);
		u32 k = ipc ? i - ARRAY_SIZE(crs_sys_socketcalls) : i;

		name = ipc ? crs_sys_ipcs[k].name : crs_sys_socketcalls[k].name;
		info = name ? crs_sys_resolve(name) : NULL;
		if (ipc)
			crs_sys_ipc_nr[k] = info ? info->nr : -1;
		else
			crs_sys_socketcall_nr[k] = info ? info->nr : -1;
	}
	crs_sys_compat_globs = kcalloc(ARRAY_SIZE(crs_sys_tab64) + n + 1,
				       sizeof(char *), GFP_KERNEL);
	if (!crs_sys_compat_globs)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		crs_sys_compat_globs[i] = (char *)crs_sys_compat_base[i];
	for (i = 0; i < ARRAY_SIZE(crs_sys_tab64); i++) {
		info = crs_sys_by_nr[i];
		if (!info || info->nparams)
			continue;
		crs_sys_compat_globs[n] = kasprintf(GFP_KERNEL, "!__ia32_sys_%s",
						    info->mname);
		if (crs_sys_compat_globs[n])
			n++;
	}
	crs_sys_compat_hook.globs = (const char *const *)crs_sys_compat_globs;
	return 0;
}

static int crs_sys_tp_install(void)
{
	int err;

	if (!crs_sys_scratch) {
		crs_sys_scratch = alloc_percpu(struct crs_sys_scratch);
		if (!crs_sys_scratch)
			return -ENOMEM;
	}
	if (!crs_sys_enter_tp)
		for_each_kernel_tracepoint(crs_sys_find_tp, NULL);
	if (!crs_sys_enter_tp)
		return -ENOENT;
	err = tracepoint_probe_register(crs_sys_enter_tp, crs_sys_tp, NULL);
	if (!err)
		crs_sys_tp_in = true;
	return err;
}

static void crs_sys_tp_remove(void)
{
	tracepoint_probe_unregister(crs_sys_enter_tp, crs_sys_tp, NULL);
	crs_sys_tp_in = false;
}

static struct crs_hook *crs_sys_hook_of(u32 nr)
{
	struct crs_hook *h = crs_sys_hooks[nr];
	const struct crs_sys_info *info = crs_sys_by_nr[nr];

	if (h || !info)
		return h;
	h = kzalloc(sizeof(*h), GFP_KERNEL);
	if (!h)
		return NULL;
	h->func = info->func;
	h->tramp = crs_tramp_sys;
	crs_sys_hooks[nr] = h;
	return h;
}

static int crs_sys_install(const struct crs_policy_ver *ver,
			   struct netlink_ext_ack *extack)
{
	const struct crs_sys_tab *t = ver->rs->tables[CRS_TABLE_SYSCALL];
	struct crs_hook *h;
	const char *what = "the system call table";
	int err;
	u32 nr;

	/* A version without syscall rules or an allow-list needs nothing. */
	if (!crs_sys_ver_active(ver))
		return 0;
	err = crs_sys_prepare();
	if (err)
		goto fail;
	for (nr = 0; t && nr < NR_syscalls; nr++) {
		if (!crs_sys_needs_nr(t, nr) || crs_sys_nr_in[nr])
			continue;
		h = crs_sys_hook_of(nr);
		what = crs_sys_by_nr[nr] ? crs_sys_by_nr[nr]->func : "?";
		err = h ? crs_hook_get(h) : -ENOMEM;
		if (err)
			goto fail;
		crs_sys_nr_in[nr] = true;
	}
	if (crs_sys_ver_active(ver) && !crs_sys_compat_in) {
		what = "the 32-bit entries";
		err = crs_hook_get(&crs_sys_compat_hook);
		if (err)
			goto fail;
		crs_sys_compat_in = true;
	}
	if (crs_sys_needs_exec(ver, t) && !crs_sys_exec_in) {
		what = crs_sys_exec_hook.func;
		err = crs_hook_get(&crs_sys_exec_hook);
		if (err)
			goto fail;
		crs_sys_exec_in = true;
	}
	if (ver->def_app != CRS_ACTION_ALLOW && !crs_sys_tp_in) {
		what = "sys_enter";
		err = crs_sys_tp_install();
		if (err)
			goto fail;
	}
	return 0;
fail:
	/* What was installed lingers until the idle work finds it unused. */
	crs_nl_errf(extack, NULL, "cannot hook %s: error %d", what, err);
	return err;
}

static void crs_sys_count(const struct crs_policy_ver *ver, int n)
{
	const struct crs_sys_tab *t = ver->rs->tables[CRS_TABLE_SYSCALL];
	u32 nr;

	for (nr = 0; t && nr < NR_syscalls; nr++)
		if (crs_sys_needs_nr(t, nr))
			crs_sys_nr_users[nr] += n;
	if (crs_sys_ver_active(ver))
		crs_sys_compat_users += n;
	if (crs_sys_needs_exec(ver, t))
		crs_sys_exec_users += n;
	if (ver->def_app != CRS_ACTION_ALLOW)
		crs_sys_tp_users += n;
}

#define CRS_SYS_LINGER	(5 * HZ)

static void crs_sys_idle_fn(struct work_struct *work)
{
	u32 nr;

	mutex_lock(&crs_lock);
	if (crs_sys_dead)
		goto out;
	for (nr = 0; nr < NR_syscalls; nr++) {
		if (crs_sys_nr_in[nr] && !crs_sys_nr_users[nr]) {
			crs_hook_put(crs_sys_hooks[nr]);
			crs_sys_nr_in[nr] = false;
		}
	}
	if (crs_sys_compat_in && !crs_sys_compat_users) {
		crs_hook_put(&crs_sys_compat_hook);
		crs_sys_compat_in = false;
	}
	if (crs_sys_exec_in && !crs_sys_exec_users) {
		crs_hook_put(&crs_sys_exec_hook);
		crs_sys_exec_in = false;
	}
	if (crs_sys_tp_in && !crs_sys_tp_users)
		crs_sys_tp_remove();
out:
	mutex_unlock(&crs_lock);
}

static DECLARE_DELAYED_WORK(crs_sys_idle_work, crs_sys_idle_fn);

int crs_sys_hold(const struct crs_policy_ver *ver, u32 n,
		 struct netlink_ext_ack *extack)
{
	int err;

	lockdep_assert_held(&crs_lock);
	if (!n || crs_sys_dead)
		return 0;
	err = crs_sys_install(ver, extack);
	if (err) {
		mod_delayed_work(system_wq, &crs_sys_idle_work, CRS_SYS_LINGER);
		return err;
	}
	crs_sys_count(ver, n);
	return 0;
}

void crs_sys_release(const struct crs_policy_ver *ver, u32 n)
{
	lockdep_assert_held(&crs_lock);
	if (!n || crs_sys_dead)
		return;
	crs_sys_count(ver, -(int)n);
	mod_delayed_work(system_wq, &crs_sys_idle_work, CRS_SYS_LINGER);
}

void crs_sys_stop(void)
{
	mutex_lock(&crs_lock);
	crs_sys_dead = true;
	/* Not a crs_hook: crs_hook_exit() does not know it. */
	if (crs_sys_tp_in)
		crs_sys_tp_remove();
	mutex_unlock(&crs_lock);
	cancel_delayed_work_sync(&crs_sys_idle_work);
	tracepoint_synchronize_unregister();
}

void crs_sys_free(void)
{
	struct crs_sys_info *info;
	struct hlist_node *tmp;
	int bkt;
	u32 nr;

	for (nr = 0; nr < NR_syscalls; nr++) {
		crs_hook_free(crs_sys_hooks[nr]);
		crs_sys_hooks[nr] = NULL;
		crs_sys_by_nr[nr] = NULL;
	}
	ftrace_free_filter(&crs_sys_compat_hook.ops);
	if (crs_sys_compat_globs) {
		for (nr = ARRAY_SIZE(crs_sys_compat_base);
		     crs_sys_compat_globs[nr]; nr++)
			kfree(crs_sys_compat_globs[nr]);
		kfree(crs_sys_compat_globs);
		crs_sys_compat_globs = NULL;
	}
	ftrace_free_filter(&crs_sys_exec_hook.ops);
	hash_for_each_safe(crs_sys_names, bkt, tmp, info, node) {
		hash_del(&info->node);
		kfree(info);
	}
	free_percpu(crs_sys_scratch);
	crs_sys_scratch = NULL;
}
