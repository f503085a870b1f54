/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernels crs supports (Debian's 6.1 and 6.12),
 * force-included into every object so that the rest of kmod/ reads as if
 * there were one kernel. Probe by feature where a macro exists; fall back
 * to the version only where nothing else tells.
 */
#ifndef _CRS_COMPAT_H
#define _CRS_COMPAT_H

/* Before any kernel header, so that every pr_*() is prefixed. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <net/genetlink.h>

/*
 * GENL_MCAST_CAP_SYS_ADMIN makes genetlink check the capability when a
 * socket joins the group. It is in 6.6 and was backported to the 6.1
 * stable series; a kernel without it would let anyone subscribe, so refuse
 * to build there rather than ship an open event stream.
 */
#ifndef GENL_MCAST_CAP_SYS_ADMIN
#error "this kernel lacks GENL_MCAST_CAP_SYS_ADMIN; crs needs it for its events group"
#endif

/*
 * 6.2 gave pre_doit and post_doit a struct genl_split_ops instead of the
 * struct genl_ops. Kbuild probes the header for it (CRS_HAVE_GENL_SPLIT_OPS).
 */
#ifdef CRS_HAVE_GENL_SPLIT_OPS
#define crs_genl_pre_ops genl_split_ops
#else
#define crs_genl_pre_ops genl_ops
#endif

/*
 * 6.3 moved a dump's parsed attributes into a struct genl_info inside
 * struct genl_dumpit_info (CRS_HAVE_GENL_DUMPIT_INFO_INFO, probed by Kbuild).
 */
static inline struct nlattr **crs_dumpit_attrs(struct netlink_callback *cb)
{
#ifdef CRS_HAVE_GENL_DUMPIT_INFO_INFO
	return genl_dumpit_info(cb)->info.attrs;
#else
	return genl_dumpit_info(cb)->attrs;
#endif
}

/*
 * NL_SET_ERR_MSG_FMT (6.3) formats into a buffer inside the extack, which
 * lives until the acknowledgment is built. Without it, crs_nl_errf() keeps
 * its own buffers (see there).
 */
#ifdef NL_SET_ERR_MSG_FMT
#define CRS_EXTACK_MSG_BUF	1
#define CRS_ERRMSG_LEN		NETLINK_MAX_FMTMSG_LEN
#else
#define CRS_ERRMSG_LEN		80
#endif

/*
 * ftrace direct calls: 6.1 has the ops-based interface as the _multi
 * variants (register_ftrace_direct() there takes an ip); 6.5 renamed them
 * and gave unregister a free_filters flag. Kbuild probes ftrace.h
 * (CRS_HAVE_FTRACE_DIRECT_MULTI). The filter is kept across unregistering
 * so that a hook can be installed again.
 */
#ifdef CRS_HAVE_FTRACE_DIRECT_MULTI
#define crs_register_ftrace_direct(ops, addr) \
	register_ftrace_direct_multi(ops, addr)
#define crs_unregister_ftrace_direct(ops, addr) \
	unregister_ftrace_direct_multi(ops, addr)
#else
#define crs_register_ftrace_direct(ops, addr) \
	register_ftrace_direct(ops, addr)
#define crs_unregister_ftrace_direct(ops, addr) \
	unregister_ftrace_direct(ops, addr, false)
#endif

/*
 * A reference on mm's executable without mmap_lock (get_mm_exe_file() is
 * not exported). Until 6.7 files were freed after a grace period and
 * get_file_rcu() was a macro taking the file; since, files are
 * SLAB_TYPESAFE_BY_RCU and get_file_rcu() takes the __rcu pointer and
 * rechecks it (CRS_HAVE_GET_FILE_RCU_MACRO, probed by Kbuild).
 */
#include <linux/fs.h>
#include <linux/mm_types.h>

static inline struct file *crs_mm_exe_file(struct mm_struct *mm)
{
	struct file *f;

	rcu_read_lock();
#ifdef CRS_HAVE_GET_FILE_RCU_MACRO
	f = rcu_dereference(mm->exe_file);
	if (f && !get_file_rcu(f))
		f = NULL;
#else
	f = get_file_rcu(&mm->exe_file);
#endif
	rcu_read_unlock();
	return f;
}

/*
 * The flow labels an IPv6 socket holds (each may carry options, a routing
 * header among them): in struct ipv6_pinfo on 6.1, in struct inet_sock on
 * 6.12 (CRS_HAVE_INET_FL_LIST, probed by Kbuild). For a socket of family
 * AF_INET6.
 */
#include <linux/ipv6.h>
#include <net/inet_sock.h>

static inline struct ipv6_fl_socklist __rcu *const *
crs_sk_fl_list(const struct sock *sk)
{
#ifdef CRS_HAVE_INET_FL_LIST
	return &inet_sk(sk)->ipv6_fl_list;
#else
	return &inet_sk(sk)->pinet6->ipv6_fl_list;
#endif
}

#endif /* _CRS_COMPAT_H */
