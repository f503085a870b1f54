// SPDX-License-Identifier: GPL-2.0
/*
 * Network rules (SPEC sections 3 and 4). Where each operation is decided:
 *
 * - Outbound connect and datagrams: security_socket_connect() and
 *   security_socket_sendmsg(), through ftrace direct-call hooks (hook.c).
 *   Every connect, sendto, sendmsg, sendmmsg and io_uring send of every
 *   network namespace passes there in the sender's context, before any
 *   packet is built: a denial is EPERM at once and nothing leaves. A SYN
 *   dropped later (netfilter) would make connect() time out instead.
 * - Source routes (IPv4 LSRR/SSRR options, IPv6 routing headers) send a
 *   packet to hops before its destination: the same two hooks decide every
 *   hop of a route the socket holds (sticky options, flow labels) or the
 *   message carries (control messages, in kernel memory by then), each as
 *   a destination, so a denial is EPERM at once there too; the kept
 *   decisions never answer an operation that may route.
 * - A raw socket writing its own IP header (IP_HDRINCL, IPPROTO_RAW) sends
 *   to the address in that header, which the socket hooks do not see, and
 *   a raw socket of a protocol with ports (IPPROTO_UDP, ...) to the port
 *   in the transport header it writes, not the sockaddr's: a netfilter
 *   LOCAL_OUT hook decides their packets, registered in every namespace,
 *   present and future, through register_pernet_subsys(), once a covered
 *   process has made a raw socket (crs_net_nf_wait()). NF_DROP there makes
 *   the sendmsg() fail with EPERM, before the packet leaves. The same hook
 *   is the backstop for source routes the socket hooks cannot see (a TCP
 *   socket given a route after connect() and rerouted, a segment sent
 *   from a timer): a packet of a covered socket that carries one is
 *   decided on its header's destination and the hops still to come, and
 *   dropped, with an event, if that is denied. It is registered before a
 *   covered socket is given a route (security_socket_setsockopt(), before
 *   the kernel reads the option), or uses one it held before it was
 *   covered.
 * - Inbound TCP: security_inet_conn_request(), where the listener decides
 *   on a SYN (syncookies too): a refusal drops the SYN, so no connection is
 *   ever established and accept() never sees it.
 * - Inbound UDP: security_sock_rcv_skb(), before a datagram is queued on
 *   the socket: a refusal drops it. Only sockets bound to a port by their
 *   process (SOCK_BINDPORT_LOCK): answers to a socket's own sends belong to
 *   the outbound operation (SPEC section 4).
 *
 * Whose socket: SPEC section 1 makes a socket's cgroup and program those
 * of its creator. The cgroup is on the socket (sk_cgrp_data). The program
 * is recorded when a covered process creates an IPv4 or IPv6 socket
 * (security_socket_post_create()) in a table keyed by the socket, dropped
 * at security_sk_free(). Sockets created before the hooks were in have no
 * record: outbound, the program of the process that sends decides (it is
 * their creator's, or one it handed the socket to); inbound, only rules
 * for any program ("*") apply, and events carry pid 0. Accepted sockets
 * need no record: nothing is decided on them (their traffic belongs to the
 * connection the listener accepted).
 *
 * Rules are compiled into one block per rule set (crs_net_compile()): per
 * program class and direction, a hash of (prefix length, masked address)
 * and a bitmap of the prefix lengths present, tried longest first; each
 * entry's rules are sorted by the rest of SPEC section 3 (port, protocol,
 * action). A check costs one hash lookup per prefix length present, never
 * a walk over rules. Outbound checks keep their quiet allows per CPU and
 * socket (struct crs_net_key), valid while the decision state's generation
 * (crs_state_gen) is unchanged: a process sending to the same place again
 * pays a few compares, and no lookup.
 *
 * A socket of the root cgroup leaves after reading its cgroup's level
 * (the root cannot be attached); one of another uncovered cgroup, sending
 * again, after comparing its kept answer; a packet from softirq after the
 * static key and the attachment lookup. Handlers never sleep and allocate
 * only with GFP_ATOMIC; the policy is read under RCU. The functions on
 * the hot paths are notrace: their fentry NOP is an instruction per call
 * on every packet, and tracing them would only show the hooks' own cost.
 */

#include <linux/cgroup.h>
#include <linux/dcache.h>
#include <linux/file.h>
#include <linux/fs_struct.h>
#include <linux/hash.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/percpu.h>
#include <linux/rhashtable.h>
#include <linux/sched/mm.h>
#include <linux/sock_diag.h>
#include <linux/socket.h>
#include <linux/sort.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <linux/workqueue.h>
#include <net/inet_sock.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/net_namespace.h>
#include <net/sock.h>
#include "crs.h"
#include "hook.h"
#include "match.h"
#include "net.h"

/* ---- compiled rules ------------------------------------------------------ */

/* A rule as its entry holds it, sorted most specific first. */
struct crs_nrule {
	u16 port_min;
	u16 port_max;
	u8 ports;		/* port_min and port_max apply */
	u8 protocol;		/* 0: any */
	u8 action;
	u8 pad;
	u32 idx;		/* in the rule set */
};

/* The rules of one class, direction, prefix length and masked address. */
struct crs_nent {
	u64 hi, lo;		/* the address, host order, masked */
	u32 key;		/* class << 9 | direction << 8 | prefix */
	u32 next;		/* index + 1 in ents; 0 ends the chain */
	u32 first;		/* in rules */
	u32 count;
};

/* Prefix lengths 0..128 present: bit p of word p / 64. */
#define CRS_PLEN_WORDS	3

struct crs_ntab {
	const struct crs_mtab *progs;	/* program classes (match.c) */
	u32 nclasses;
	u32 bits;
	u8 dirs;			/* BIT(direction) with rules */
	bool programs;			/* some rule names a program */
	u32 *buckets;			/* index + 1 in ents, 0: empty */
	struct crs_nent *ents;
	struct crs_nrule *rules;
	u64 (*plens)[CRS_PLEN_WORDS];	/* [class * 2 + direction] */
};

static bool crs_rule_is_net(const struct crs_rule *r)
{
	return !(r->flags & CRS_RULE_F_DISABLED) &&
	       (r->type == CRS_RULE_NET_OUT || r->type == CRS_RULE_NET_IN);
}

static u8 crs_rule_dir(const struct crs_rule *r)
{
	return r->type == CRS_RULE_NET_IN ? CRS_DIR_INBOUND : CRS_DIR_OUTBOUND;
}

/*
 * Addresses may sit anywhere in a rule or a header; <linux/unaligned.h>
 * is <asm/unaligned.h> before 6.12, so this is get_unaligned_be64().
 */
struct crs_unaligned_be64 {
	__be64 v;
} __packed;

static u64 crs_be64(const void *p)
{
	return be64_to_cpu(((const struct crs_unaligned_be64 *)p)->v);
}

static void crs_put_be64(u64 x, void *p)
{
	((struct crs_unaligned_be64 *)p)->v = cpu_to_be64(x);
}

/* Eight bytes as they are (get_unaligned()). */
static __always_inline u64 crs_raw64(const void *p)
{
	return (__force u64)((const struct crs_unaligned_be64 *)p)->v;
}

static void crs_addr_mask(u64 *hi, u64 *lo, u8 plen)
{
	if (plen <= 64) {
		*hi = plen ? *hi & (~0ULL << (64 - plen)) : 0;
		*lo = 0;
	} else if (plen < 128) {
		*lo &= ~0ULL << (128 - plen);
	}
}

static u32 crs_nent_hash(const struct crs_ntab *t, u64 hi, u64 lo, u32 key)
{
	return hash_64(hi ^ rol64(lo, 31) ^ ((u64)key << 40) ^ key, t->bits);
}

static const struct crs_nent *crs_nent_find(const struct crs_ntab *t, u64 hi,
					    u64 lo, u32 key)
{
	const struct crs_nent *e;
	u32 i;

	for (i = t->buckets[crs_nent_hash(t, hi, lo, key)]; i; i = e->next) {
		e = &t->ents[i - 1];
		if (e->key == key && e->hi == hi && e->lo == lo)
			return e;
	}
	return NULL;
}

/* deny > monitor > allow among equally specific rules (SPEC section 3). */
static int crs_action_rank(u8 action)
{
	return action == CRS_ACTION_DENY ? 2 :
	       action == CRS_ACTION_MONITOR ? 1 : 0;
}

/*
 * Within one prefix: a single port, then narrower ranges, then any port;
 * then a named protocol before any; then the stronger action; then
 * document order, which names the rule among equals.
 */
static int crs_nrule_cmp(const void *a, const void *b)
{
	const struct crs_nrule *x = a, *y = b;
	u32 wx = x->ports ? x->port_max - x->port_min : U16_MAX + 1;
	u32 wy = y->ports ? y->port_max - y->port_min : U16_MAX + 1;

	if (wx != wy)
		return wx < wy ? -1 : 1;
	if (!x->protocol != !y->protocol)
		return x->protocol ? -1 : 1;
	if (x->action != y->action)
		return crs_action_rank(y->action) - crs_action_rank(x->action);
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* The rule's address, host order; no address is ::/0. */
static void crs_rule_addr(const struct crs_rule *r, u64 *hi, u64 *lo, u8 *plen)
{
	*hi = crs_be64(r->addr);
	*lo = crs_be64(r->addr + 8);
	*plen = r->flags & CRS_RULE_F_ADDR ? r->prefix : 0;
	crs_addr_mask(hi, lo, *plen);
}

/*
 * Two passes: the first finds the program classes, so that the block can
 * be sized for their bitmaps; the second lays everything out in it.
 */
int crs_net_compile(struct crs_ruleset *rs)
{
	u32 n = 0, i, j, nb, nents = 0, nclasses, *cls = NULL, *ent = NULL;
	size_t off_plens, off_buckets, off_ents, off_rules, off_progs, size;
	struct crs_mtab *tmp;
	struct crs_ntab *t;
	int err = -ENOMEM;
	void *mem;

	for (i = 0; i < rs->n; i++)
		n += crs_rule_is_net(&rs->rules[i]);
	if (!n)
		return 0;

	tmp = kvzalloc(crs_mtab_progs_size(n), GFP_KERNEL);
	cls = kvmalloc_array(n, sizeof(*cls), GFP_KERNEL);
	ent = kvmalloc_array(n, sizeof(*ent), GFP_KERNEL);
	if (!tmp || !cls || !ent)
		goto out;
	crs_mtab_progs_init(tmp, n, rs->strtab);
	for (i = 0, j = 0; i < rs->n; i++)
		if (crs_rule_is_net(&rs->rules[i]))
			cls[j++] = crs_mtab_prog_class(tmp, rs->rules[i].program);
	nclasses = crs_mtab_nclasses(tmp);

	nb = roundup_pow_of_two(max(2 * n, 16U));
	off_plens = ALIGN(sizeof(*t), 8);
	off_buckets = off_plens + (size_t)nclasses * 2 * sizeof(*t->plens);
	off_ents = ALIGN(off_buckets + nb * sizeof(u32), 8);
	off_rules = off_ents + (size_t)n * sizeof(struct crs_nent);
	off_progs = ALIGN(off_rules + (size_t)n * sizeof(struct crs_nrule), 8);
	size = off_progs + crs_mtab_progs_size(nclasses - 1);
	mem = kvzalloc(size, GFP_KERNEL_ACCOUNT);
	if (!mem)
		goto out;
	t = mem;
	t->plens = mem + off_plens;
	t->buckets = mem + off_buckets;
	t->ents = mem + off_ents;
	t->rules = mem + off_rules;
	t->bits = ilog2(nb);
	t->nclasses = nclasses;
	/* Added in the same order, the programs get the same classes. */
	t->progs = crs_mtab_progs_init(mem + off_progs, nclasses - 1,
				       rs->strtab);
	for (i = 0; i < rs->n; i++)
		if (crs_rule_is_net(&rs->rules[i]))
			crs_mtab_prog_class((struct crs_mtab *)t->progs,
					    rs->rules[i].program);
	t->programs = crs_mtab_programs(t->progs);

	for (i = 0, j = 0; i < rs->n; i++) {
		const struct crs_rule *r = &rs->rules[i];
		struct crs_nent *e;
		u8 dir, plen;
		u64 hi, lo;
		u32 key, b;

		if (!crs_rule_is_net(r))
			continue;
		dir = crs_rule_dir(r);
		crs_rule_addr(r, &hi, &lo, &plen);
		key = cls[j] << 9 | dir << 8 | plen;
		e = (struct crs_nent *)crs_nent_find(t, hi, lo, key);
		if (!e) {
			e = &t->ents[nents++];
			e->hi = hi;
			e->lo = lo;
			e->key = key;
			b = crs_nent_hash(t, hi, lo, key);
			e->next = t->buckets[b];
			t->buckets[b] = nents;
		}
		e->count++;
		ent[j++] = e - t->ents;
		t->plens[cls[j - 1] * 2 + dir][plen / 64] |= BIT_ULL(plen % 64);
		t->dirs |= BIT(dir);
	}
	for (i = 0, j = 0; i < nents; i++) {
		t->ents[i].first = j;
		j += t->ents[i].count;
		t->ents[i].count = 0;
	}
	for (i = 0, j = 0; i < rs->n; i++) {
		const struct crs_rule *r = &rs->rules[i];
		struct crs_nent *e;
		struct crs_nrule *nr;

		if (!crs_rule_is_net(r))
			continue;
		e = &t->ents[ent[j++]];
		nr = &t->rules[e->first + e->count++];
		nr->ports = !!(r->flags & CRS_RULE_F_PORTS);
		nr->port_min = r->port_min;
		nr->port_max = r->port_max;
		nr->protocol = r->flags & CRS_RULE_F_PROTOCOL ? r->protocol : 0;
		nr->action = r->action;
		nr->idx = i;
	}
	for (i = 0; i < nents; i++)
		if (t->ents[i].count > 1)
			sort(&t->rules[t->ents[i].first], t->ents[i].count,
			     sizeof(struct crs_nrule), crs_nrule_cmp, NULL);
	rs->tables[CRS_TABLE_NET] = t;
	err = 0;
out:
	kvfree(tmp);
	kvfree(cls);
	kvfree(ent);
	return err;
}

/* What a check is about; addresses in the IPv4-mapped space, host order. */
struct crs_net_op {
	u64 hi, lo;
	u16 port;		/* 0 for protocols without ports */
	u8 protocol;
	u8 dir;
};

/* Protocols whose rules' ports mean something. */
static bool crs_proto_ports(u8 protocol)
{
	return protocol == IPPROTO_TCP || protocol == IPPROTO_UDP ||
	       protocol == IPPROTO_UDPLITE || protocol == IPPROTO_SCTP;
}

/* A rule with a port never matches a protocol without ports. */
static bool crs_nrule_match(const struct crs_nrule *r,
			    const struct crs_net_op *op)
{
	if (r->protocol && r->protocol != op->protocol)
		return false;
	return !r->ports || (crs_proto_ports(op->protocol) &&
			     op->port >= r->port_min && op->port <= r->port_max);
}

/* The deciding rule's index, or -1: the default decides. */
static s32 crs_ntab_decide(const struct crs_ntab *t,
			   const struct crs_prog_classes *pc,
			   const struct crs_net_op *op)
{
	const struct crs_nent *e;
	u32 i, k, c, plen;
	int w;

	if (!t || !(t->dirs & BIT(op->dir)))
		return -1;
	for (i = 0; i < pc->n; i++) {
		c = pc->id[i];
		for (w = CRS_PLEN_WORDS - 1; w >= 0; w--) {
			u64 bits = t->plens[c * 2 + op->dir][w];

			while (bits) {
				u64 hi = op->hi, lo = op->lo;

				plen = w * 64 + fls64(bits) - 1;
				bits &= ~BIT_ULL(plen % 64);
				crs_addr_mask(&hi, &lo, plen);
				e = crs_nent_find(t, hi, lo,
						  c << 9 | op->dir << 8 | plen);
				if (!e)
					continue;
				for (k = 0; k < e->count; k++)
					if (crs_nrule_match(&t->rules[e->first + k],
							    op))
						return t->rules[e->first + k].idx;
			}
		}
	}
	return -1;
}

/* ---- socket owners ------------------------------------------------------- */

/*
 * Who created a socket: its program (SPEC section 1) and, for inbound
 * events, which arrive in softirq context, its pid and comm. Freed after a
 * grace period; found under RCU.
 */
struct crs_sk_owner {
	struct rhash_head node;
	const struct sock *sk;
	pid_t pid;
	char comm[TASK_COMM_LEN];
	struct rcu_head rcu;
	u32 len;
	char prog[];		/* len bytes and a NUL; len 0: none */
};

static const struct rhashtable_params crs_owner_params = {
	.key_len = sizeof(const struct sock *),
	.key_offset = offsetof(struct crs_sk_owner, sk),
	.head_offset = offsetof(struct crs_sk_owner, node),
	.automatic_shrinking = true,
};

static struct rhashtable crs_owners;
static bool crs_owners_ready;		/* crs_lock */

/* The netfilter hooks are in; they failed to be (crs_net_nf_wait()). */
static bool crs_net_nf_on;		/* crs_lock; read locklessly */
static bool crs_net_nf_failed;		/* crs_lock; read locklessly */

static struct crs_sk_owner *crs_owner_find(const struct sock *sk)
{
	if (!atomic_read(&crs_owners.nelems))
		return NULL;
	return rhashtable_lookup(&crs_owners, &sk, crs_owner_params);
}

/* ---- the checks ---------------------------------------------------------- */

/*
 * Outbound decisions kept per CPU, a few slots chosen by the socket: the
 * last quiet allow for each, with all the decision depended on, so that a
 * process sending to the same place again pays a few compares and no
 * lookup at all. What every kind depends on: the socket, by its cookie
 * (sk_cookie: 64 bits, never reused, where a freed socket's memory and
 * inode number are; its cgroup is fixed when it is made), and the decision
 * state (crs_state_gen: attachments, policy versions, modes, the owner
 * records). Then, by kind:
 *
 *   CRS_NK_ANY   nothing more: the socket is not covered, or its policy
 *                decides no outbound operation (inactive, or allow by
 *                default with no outbound rule)
 *   CRS_NK_DEST  the destination, as the sockaddr has it (struct
 *                crs_net_dest; the protocol is the socket's)
 *   CRS_NK_PROG  that, and whose program decided, where rules name
 *                programs (the socket's creator is in the owner records,
 *                or the sender decides, see crs_net_decide()): the
 *                sender's mm and executable, and what the executable's
 *                path depends on, as for file rules: the sender's root
 *                and the system's rename count
 *
 * Only touched in task context with preemption disabled, so no update is
 * ever seen half done.
 */
enum { CRS_NK_ANY = 1, CRS_NK_DEST, CRS_NK_PROG };

/*
 * A destination as a sockaddr gives it, unconverted: its first 8 bytes
 * (family, port and, for AF_INET, the address) and, for AF_INET6, the
 * address. Equal destinations give equal words; an IPv4 address and its
 * IPv4-mapped IPv6 form give different ones, and are kept apart.
 */
struct crs_net_dest {
	u64 w0, hi, lo;
};

struct crs_net_key {
	u64 cookie;			/* 0: empty */
	unsigned long gen;
	struct crs_net_dest dest;
	const void *mm;
	const void *exe;
	const void *root_mnt;
	const void *root;
	unsigned int rename_seq;
	u8 kind;
};

#define CRS_NET_CACHE_BITS	2

static DEFINE_PER_CPU(struct crs_net_key [1 << CRS_NET_CACHE_BITS],
		      crs_net_cache);

static __always_inline struct crs_net_key *crs_net_slot(const struct sock *sk)
{
	return this_cpu_ptr(&crs_net_cache[hash_ptr(sk, CRS_NET_CACHE_BITS)]);
}

/* A buffer for the sender's program, PATH_MAX; crs_lock to allocate. */
static char __percpu *crs_net_scratch;

static u8 crs_mode_of(u8 att_mode, const struct crs_policy_ver *ver)
{
	return att_mode == CRS_MODE_POLICY ? ver->mode : att_mode;
}

static struct cgroup *crs_sk_cgroup(const struct sock *sk)
{
	return sock_cgroup_ptr((struct sock_cgroup_data *)&sk->sk_cgrp_data);
}

/*
 * A socket holds its cgroup, and the root cannot be attached: a socket of
 * the root cgroup (the host's, and the kernel's own) leaves here, without
 * RCU or the attachment lookup.
 */
static bool crs_sk_maybe_covered(const struct sock *sk)
{
	return crs_sk_cgroup(sk)->level;
}

static u8 crs_sk_protocol(const struct sock *sk)
{
	/* MPTCP is TCP on the wire. */
	return sk->sk_protocol == IPPROTO_MPTCP ? IPPROTO_TCP : sk->sk_protocol;
}

static bool crs_sk_inet(const struct sock *sk)
{
	return sk && (sk->sk_family == AF_INET || sk->sk_family == AF_INET6);
}

static __always_inline bool crs_sk_hdrincl(const struct sock *sk)
{
#ifdef inet_test_bit
	return sk->sk_type == SOCK_RAW && inet_test_bit(HDRINCL, sk);
#else
	return sk->sk_type == SOCK_RAW && inet_sk(sk)->hdrincl;
#endif
}

/*
 * Whether sk's packets carry, where a decision reads it, a header its
 * process wrote: the IP header (IP_HDRINCL), or the transport header of a
 * raw socket of a protocol with ports, whose port is the one in that
 * header (the kernel ignores the sockaddr's). Netfilter decides them, on
 * the packet (crs_net_nf_out()).
 */
static __always_inline bool crs_sk_own_header(const struct sock *sk)
{
	return sk->sk_type == SOCK_RAW &&
	       (crs_sk_hdrincl(sk) || crs_proto_ports(sk->sk_protocol));
}

/*
 * The destination of a sockaddr the kernel copied in; false for what is
 * not an IPv4 or IPv6 address (the kernel refuses or disconnects).
 */
static __always_inline bool crs_sockaddr_op(const struct sock *sk,
					    const struct sockaddr *sa, int len,
					    struct crs_net_op *op)
{
	const struct sockaddr_in *sin = (const void *)sa;
	const struct sockaddr_in6 *sin6 = (const void *)sa;

	if (!sa || len < (int)sizeof(sa->sa_family))
		return false;
	switch (sa->sa_family) {
	case AF_INET:
		if (len < (int)sizeof(*sin))
			return false;
		op->hi = 0;
		op->lo = 0xffff00000000ULL | be32_to_cpu(sin->sin_addr.s_addr);
		op->port = be16_to_cpu(sin->sin_port);
		break;
	case AF_INET6:
		if (len < SIN6_LEN_RFC2133)
			return false;
		op->hi = crs_be64(&sin6->sin6_addr.s6_addr[0]);
		op->lo = crs_be64(&sin6->sin6_addr.s6_addr[8]);
		op->port = be16_to_cpu(sin6->sin6_port);
		break;
	default:
		return false;
	}
	op->protocol = crs_sk_protocol(sk);
	if (!crs_proto_ports(op->protocol))
		op->port = 0;
	op->dir = CRS_DIR_OUTBOUND;
	return true;
}

static void crs_op_addr(const struct crs_net_op *op, u8 addr[16])
{
	crs_put_be64(op->hi, addr);
	crs_put_be64(op->lo, addr + 8);
}

/* ---- source routes ------------------------------------------------------- */

/*
 * An operation whose packets go through a source route is decided on every
 * address of the route, each by its most specific rule as a destination
 * would be: denied if any is (SPEC section 4: no packet leaves to a denied
 * address). What adds hops to an operation:
 *
 * - IPv4 LSRR or SSRR options, sticky (IP_OPTIONS, inet_opt, compiled by
 *   ip_options_compile(): the first hop moved to faddr) or per message
 *   (an IP_RETOPTS control message, as the sender wrote it): the packets go
 *   to the first hop, the option lists the rest and, in its last slot, the
 *   destination (udp_sendmsg(), raw_sendmsg(), ping_v4_sendmsg(),
 *   tcp_v4_connect(), ip_options_build()).
 * - An IPv6 routing header, sticky (IPV6_RTHDR, IPV6_2292PKTOPTIONS: np->opt)
 *   or per message (IPV6_RTHDR, IPV6_2292RTHDR), or in the options of a flow
 *   label the socket holds: fl6_update_dst() sends to the header's first
 *   address (type 2) or to segments[segments_left] (type 4, whose
 *   segments[0] the kernel fills with the destination).
 *
 * An IPv4 destination (an IPv4-mapped one, on an IPv6 socket) takes the
 * IPv4 options, an IPv6 one the IPv6 headers, as the kernel does. Of a flow
 * label's options the kernel uses those of the label a message names; every
 * label the socket holds is decided, which can refuse a message that names
 * another (a socket holding a label that routes through a denied address).
 *
 * The destination is decided first, then the hops in route order; the
 * first denial, or without one the first monitor, gives the event.
 */
struct crs_net_route {
	const struct sock *sk;		/* its sticky options and flow labels */
	const struct msghdr *msg;	/* its control messages, or NULL */
	const struct sk_buff *skb;	/* a packet: its header's route, alone */
	bool v4;			/* an IPv4 destination */
	bool hops_only;			/* the destination was decided before */
	bool quiet;			/* report only an enforced denial */
};

struct crs_net_judge {
	const struct crs_ruleset *rs;	/* NULL: the hops are only counted */
	const struct crs_ntab *t;
	const struct crs_prog_classes *pc;
	struct crs_net_op op;		/* the address at hand, and the rest */
	u8 def;				/* the default action */
	u8 action;			/* the strongest found */
	bool unseen;			/* control messages not in kernel memory */
	s32 rule;			/* that decided it, or -1 */
	u32 hops;			/* addresses met */
	u64 hi, lo;			/* the address it was found on */
};

/* true: denied, and nothing further can change that. */
static bool crs_judge(struct crs_net_judge *j, u64 hi, u64 lo)
{
	s32 rule;
	u8 action;

	j->hops++;
	if (!j->rs)
		return false;
	j->op.hi = hi;
	j->op.lo = lo;
	rule = crs_ntab_decide(j->t, j->pc, &j->op);
	action = rule < 0 ? j->def : j->rs->rules[rule].action;
	if (crs_action_rank(action) > crs_action_rank(j->action)) {
		j->action = action;
		j->rule = rule;
		j->hi = hi;
		j->lo = lo;
	}
	return j->action == CRS_ACTION_DENY;
}

static bool crs_judge_v4(struct crs_net_judge *j, const void *p)
{
	__be32 a;

	memcpy(&a, p, sizeof(a));
	return crs_judge(j, 0, 0xffff00000000ULL | be32_to_cpu(a));
}

static bool crs_judge_v6(struct crs_net_judge *j, const void *p)
{
	return crs_judge(j, crs_be64(p), crs_be64(p + 8));
}

/*
 * The LSRR and SSRR addresses in IPv4 options p[0..len): from the sender
 * (every slot: the kernel sends to the first, and the destination goes
 * after the last), or of a packet (from the option's pointer on: the
 * header's destination is the hop the packet goes to now).
 */
static bool crs_judge_ip_opts(struct crs_net_judge *j, const u8 *p, int len,
			      bool pkt)
{
	int i = 0, olen, k;

	while (i < len && p[i] != IPOPT_END) {
		if (p[i] == IPOPT_NOOP) {
			i++;
			continue;
		}
		olen = len - i >= 2 ? p[i + 1] : 0;
		if (olen < 2 || olen > len - i)
			break;
		if ((p[i] == IPOPT_LSRR || p[i] == IPOPT_SSRR) && olen >= 3) {
			k = pkt ? max_t(int, p[i + 2], 4) - 1 : 3;
			for (; k + 4 <= olen; k += 4)
				if (crs_judge_v4(j, p + i + k))
					return true;
		}
		i += olen;
	}
	return false;
}

/* The sticky IPv4 options: faddr, then all but the last slot. */
static bool crs_judge_ip_sticky(struct crs_net_judge *j, const struct sock *sk)
{
	const struct ip_options_rcu *o =
		rcu_dereference_sched(inet_sk(sk)->inet_opt);
	const u8 *p;
	int k;

	if (!o || !o->opt.srr)
		return false;
	if (crs_judge_v4(j, &o->opt.faddr))
		return true;
	p = o->opt.__data + o->opt.srr - sizeof(struct iphdr);
	for (k = 3; k + 8 <= p[1]; k += 4)
		if (crs_judge_v4(j, p + k))
			return true;
	return false;
}

/* Addresses in a routing header are 16 bytes each, after 8 of header. */
#define CRS_RTHDR_ADDR(rh, i)	((const u8 *)(rh) + 8 + 16 * (i))

/*
 * A routing header the kernel is to send (len bytes are there): type 0 and
 * 2 go to each address in turn (ipv6_push_rthdr0()), type 4 to
 * segments[segments_left] down to segments[1] (ipv6_push_rthdr4()). The
 * kernel accepts no other type from a socket.
 */
static bool crs_judge_rthdr(struct crs_net_judge *j,
			    const struct ipv6_rt_hdr *rh, u32 len)
{
	u32 i, first = 0, n;

	if (len < sizeof(*rh))
		return false;
	len = min_t(u32, len, (rh->hdrlen + 1) << 3);
	n = (len - sizeof(*rh)) / 16;
	switch (rh->type) {
	case IPV6_SRCRT_TYPE_0:
	case IPV6_SRCRT_STRICT:
	case IPV6_SRCRT_TYPE_2:
		break;
	case IPV6_SRCRT_TYPE_4:
		first = 1;
		n = min_t(u32, n, rh->segments_left + 1);
		break;
	default:
		return false;
	}
	for (i = first; i < n; i++)
		if (crs_judge_v6(j, CRS_RTHDR_ADDR(rh, i)))
			return true;
	return false;
}

/* The sticky IPv6 options, and those of every flow label held. */
static bool crs_judge_ip6_sticky(struct crs_net_judge *j,
				 const struct sock *sk)
{
	const struct ipv6_pinfo *np = inet_sk(sk)->pinet6;
	const struct ipv6_fl_socklist *sfl;
	const struct ipv6_txoptions *opt;

	if (!np)
		return false;
	opt = rcu_dereference_sched(np->opt);
	if (opt && opt->srcrt &&
	    crs_judge_rthdr(j, opt->srcrt, (opt->srcrt->hdrlen + 1) << 3))
		return true;
	for (sfl = rcu_dereference_sched(*crs_sk_fl_list(sk)); sfl;
	     sfl = rcu_dereference_sched(sfl->next)) {
		opt = sfl->fl->opt;
		if (opt && opt->srcrt &&
		    crs_judge_rthdr(j, opt->srcrt,
				    (opt->srcrt->hdrlen + 1) << 3))
			return true;
	}
	return false;
}

/*
 * A message's control messages, which ____sys_sendmsg() copied into the
 * kernel before the hook (sendmsg, sendmmsg and io_uring alike). Only the
 * first 40 bytes of IP_RETOPTS count (ip_cmsg_send()).
 */
static bool crs_judge_cmsgs(struct crs_net_judge *j, const struct msghdr *msg,
			    bool v4)
{
	struct msghdr *m = (struct msghdr *)msg;
	struct cmsghdr *c;
	int len;

	if (!m || !m->msg_controllen)
		return false;
	if (m->msg_control_is_user) {
		j->unseen = true;
		return false;
	}
	for_each_cmsghdr(c, m) {
		if (!CMSG_OK(m, c))
			break;
		len = c->cmsg_len - sizeof(*c);
		if (v4 && c->cmsg_level == SOL_IP && c->cmsg_type == IP_RETOPTS) {
			if (crs_judge_ip_opts(j, CMSG_DATA(c), min(len, 40),
					      false))
				return true;
		} else if (!v4 && c->cmsg_level == SOL_IPV6 &&
			   (c->cmsg_type == IPV6_RTHDR ||
			    c->cmsg_type == IPV6_2292RTHDR)) {
			if (crs_judge_rthdr(j, (void *)CMSG_DATA(c), len))
				return true;
		}
	}
	return false;
}

/*
 * A packet's route, from the hop after the header's destination: IPv4
 * options, or an IPv6 routing header (type 0 and 2 list the hops in order,
 * the last segments_left to come; type 4 lists them backwards, the next at
 * segments_left - 1).
 */
static bool crs_judge_skb(struct crs_net_judge *j, const struct sk_buff *skb,
			  bool v4)
{
	struct ipv6_rt_hdr rbuf;
	const struct ipv6_rt_hdr *rh;
	unsigned int off = 0;
	u8 buf[40], a[16];
	const u8 *p;
	int len, i, n, sl, idx;

	if (v4) {
		len = ip_hdr(skb)->ihl * 4 - (int)sizeof(struct iphdr);
		if (len <= 0)
			return false;
		p = skb_header_pointer(skb, skb_network_offset(skb) +
				       sizeof(struct iphdr), len, buf);
		return p && crs_judge_ip_opts(j, p, len, true);
	}
	if (ipv6_find_hdr(skb, &off, NEXTHDR_ROUTING, NULL, NULL) !=
	    NEXTHDR_ROUTING)
		return false;
	rh = skb_header_pointer(skb, off, sizeof(rbuf), &rbuf);
	if (!rh)
		return false;
	if (rh->type != IPV6_SRCRT_TYPE_0 && rh->type != IPV6_SRCRT_STRICT &&
	    rh->type != IPV6_SRCRT_TYPE_2 && rh->type != IPV6_SRCRT_TYPE_4)
		return false;
	n = rh->hdrlen / 2;
	sl = min_t(int, rh->segments_left, n);
	for (i = 0; i < sl; i++) {
		idx = rh->type == IPV6_SRCRT_TYPE_4 ? sl - 1 - i : n - sl + i;
		p = skb_header_pointer(skb, off + 8 + 16 * idx, sizeof(a), a);
		if (p && crs_judge_v6(j, p))
			return true;
	}
	return false;
}

/* Every hop of route; true when one is denied. */
static bool crs_judge_route(struct crs_net_judge *j,
			    const struct crs_net_route *route)
{
	const struct sock *sk = route->sk;

	if (route->skb)
		return crs_judge_skb(j, route->skb, route->v4);
	if (route->v4 ? crs_judge_ip_sticky(j, sk) :
			sk->sk_family == AF_INET6 && crs_judge_ip6_sticky(j, sk))
		return true;
	return crs_judge_cmsgs(j, route->msg, route->v4);
}

/* Whether route has hops, or ones crs cannot read (then netfilter must). */
static bool crs_net_routed(const struct crs_net_route *route)
{
	struct crs_net_judge j = { };

	crs_judge_route(&j, route);
	return j.hops || j.unseen;
}

/* The address is IPv4 (mapped). */
static bool crs_op_v4(const struct crs_net_op *op)
{
	return !op->hi && op->lo >> 32 == 0xffff;
}

/*
 * Whether an operation of sk may go through a source route: a couple of
 * loads, so that an operation without one can be answered from what was
 * kept (struct crs_net_key), which never covers a route.
 */
static __always_inline bool crs_sk_may_route(const struct sock *sk,
					     const struct msghdr *msg)
{
	const struct ipv6_pinfo *np;

	if ((msg && msg->msg_controllen) ||
	    rcu_access_pointer(inet_sk(sk)->inet_opt))
		return true;
	if (sk->sk_family != AF_INET6)
		return false;
	np = inet_sk(sk)->pinet6;
	return np && (rcu_access_pointer(np->opt) ||
		      rcu_access_pointer(*crs_sk_fl_list(sk)));
}

/*
 * The full decision, when the cache could not answer: out of line, so
 * that its stack is not paid for on a hit. owner is the socket's creator
 * or NULL; from task context, the sender stands in for a creator not
 * known. With keep, which describes the check (cookie 0: nothing is to
 * be kept), a quiet allow is kept in this CPU's slot for the socket. With
 * route, the route's hops are decided too (and nothing is kept).
 */
static noinline int crs_net_decide(struct crs_attach *att,
				   const struct crs_policy_ver *ver,
				   u8 att_mode, const struct sock *sk,
				   const struct crs_sk_owner *owner,
				   const struct crs_net_op *op,
				   const struct crs_net_key *keep,
				   const struct crs_net_route *route)
{
	u8 mode = crs_mode_of(att_mode, ver);
	const struct crs_ruleset *rs = ver->rs;
	const struct crs_ntab *t = rs->tables[CRS_TABLE_NET];
	const struct crs_mtab *progs = t ? t->progs : NULL;
	struct crs_key prog, *progp = NULL;
	const char *program = NULL;
	struct crs_prog_classes pc;
	struct crs_net_judge j = {
		.rs = rs, .t = t, .pc = &pc, .op = *op,
		.def = ver->def_network, .action = CRS_ACTION_ALLOW,
		.rule = -1,
	};
	struct crs_event_info ev;
	char *buf = NULL;
	u8 addr[16];
	u32 len = 0;
	int ret = 0;

	if (owner && owner->len) {
		program = owner->prog;
		len = owner->len;
	} else if (!owner && t && t->programs && in_task() && crs_net_scratch) {
		buf = get_cpu_ptr(crs_net_scratch);
		program = crs_current_program(buf, &len);
	}
	if (program) {
		crs_key_init(&prog, program, len);
		progp = &prog;
	}
	crs_prog_classes(progs, progp, &pc);
	if ((!route || !route->hops_only) && crs_judge(&j, op->hi, op->lo))
		goto decided;
	if (route)
		crs_judge_route(&j, route);
decided:
	if (j.action == CRS_ACTION_ALLOW) {
		if (keep && keep->cookie && !route)
			*crs_net_slot(sk) = *keep;
		goto out;
	}
	if (j.action == CRS_ACTION_DENY && mode == CRS_MODE_ACTIVE)
		ret = -EPERM;
	else if (route && route->quiet)
		goto out;

	/* No rule names a program, but the event does. */
	if (!owner && !buf && in_task() && crs_net_scratch) {
		buf = get_cpu_ptr(crs_net_scratch);
		program = crs_current_program(buf, &len);
	}
	memset(&ev, 0, sizeof(ev));
	ev.att = att;
	ev.policy = ver->name;
	ev.rule = j.rule < 0 ? NULL : crs_rule_str(rs, rs->rules[j.rule].name);
	ev.program = program;
	ev.type = op->dir == CRS_DIR_INBOUND ? CRS_RULE_NET_IN :
					       CRS_RULE_NET_OUT;
	ev.action = j.action;
	ev.enforced = ret == -EPERM;
	ev.direction = op->dir;
	j.op.hi = j.hi;
	j.op.lo = j.lo;
	crs_op_addr(&j.op, addr);
	ev.addr = addr;
	ev.port = op->port;
	ev.protocol = op->protocol;
	/* The socket's cgroup is its creator's (SPEC section 1). */
	ev.cgrp = crs_sk_cgroup(sk);
	/* Netfilter may see a packet of the socket in softirq. */
	if (op->dir == CRS_DIR_OUTBOUND && in_task()) {
		ev.pid = task_tgid_nr(current);
		ev.comm = current->comm;
	} else {
		ev.pid = owner ? owner->pid : 0;
		ev.comm = owner ? owner->comm : "";
	}
	crs_event_report(&ev);
out:
	if (buf)
		put_cpu_ptr(crs_net_scratch);
	return ret;
}

/* 0 until something asked for it (crs_sk_cookie_make()). */
static __always_inline u64 crs_sk_cookie(const struct sock *sk)
{
	return atomic64_read(&sk->sk_cookie);
}

static u64 crs_sk_cookie_make(const struct sock *sk)
{
	u32 c[2];

	/* sock_gen_cookie() is not exported; this calls it. */
	sock_diag_save_cookie((struct sock *)sk, c);
	return (u64)c[1] << 32 | c[0];
}

/*
 * Whether c keeps a decision on sa: c has the socket and the generation,
 * and is not CRS_NK_ANY. Straight from sa's bytes.
 */
static __always_inline bool crs_net_dest_eq(const struct crs_net_key *c,
					    const struct sockaddr *sa, int len)
{
	const struct sockaddr_in6 *sin6 = (const void *)sa;

	if (len < (int)sizeof(struct sockaddr_in) ||
	    c->dest.w0 != crs_raw64(sa))
		return false;
	if (sa->sa_family == AF_INET)
		return true;
	return len >= SIN6_LEN_RFC2133 &&
	       c->dest.hi == crs_raw64(&sin6->sin6_addr.s6_addr[0]) &&
	       c->dest.lo == crs_raw64(&sin6->sin6_addr.s6_addr[8]);
}

/* sa's destination for a kept decision; false for what is not one. */
static __always_inline bool crs_net_dest_of(const struct sockaddr *sa,
					    int len, struct crs_net_dest *d)
{
	const struct sockaddr_in6 *sin6 = (const void *)sa;

	if (len >= (int)sizeof(struct sockaddr_in) &&
	    sa->sa_family == AF_INET) {
		d->w0 = crs_raw64(sa);
		d->hi = 0;
		d->lo = 0;
		return true;
	}
	if (len >= SIN6_LEN_RFC2133 && sa->sa_family == AF_INET6) {
		d->w0 = crs_raw64(sa);
		d->hi = crs_raw64(&sin6->sin6_addr.s6_addr[0]);
		d->lo = crs_raw64(&sin6->sin6_addr.s6_addr[8]);
		return true;
	}
	return false;
}

static __always_inline const struct mm_struct *crs_current_mm(void)
{
	return current->flags & PF_KTHREAD ? NULL : current->mm;
}

/* Whether c's program is still current's (CRS_NK_PROG). */
static __always_inline bool crs_net_prog_eq(const struct crs_net_key *c)
{
	const struct mm_struct *mm = crs_current_mm();
	const struct fs_struct *fs = current->fs;

	return c->mm == mm &&
	       c->exe == (mm ? rcu_access_pointer(mm->exe_file) : NULL) &&
	       c->root_mnt == READ_ONCE(fs->root.mnt) &&
	       c->root == READ_ONCE(fs->root.dentry) &&
	       c->rename_seq == raw_read_seqcount(&rename_lock.seqcount);
}

/*
 * A covered socket's outbound operation, when no kept decision applied.
 * keep as for crs_net_decide(); its kind and what that kind needs are
 * filled in here. With a route, only CRS_NK_ANY is kept: a policy that
 * decides nothing outbound decides no hop either. Caller holds
 * rcu_read_lock_sched(): the attachment and the policy version are freed
 * after a grace period, which waits for it.
 */
static int crs_net_out_covered(struct crs_attach *att, const struct sock *sk,
			       const struct crs_net_op *op,
			       struct crs_net_key *keep,
			       const struct crs_net_route *route)
{
	const struct crs_policy_ver *ver =
		rcu_dereference_sched(att->policy->ver);
	const struct crs_ntab *t = ver->rs->tables[CRS_TABLE_NET];
	u8 att_mode = READ_ONCE(att->mode);
	const struct mm_struct *mm;
	const struct fs_struct *fs;

	if (crs_mode_of(att_mode, ver) == CRS_MODE_INACTIVE ||
	    (ver->def_network == CRS_ACTION_ALLOW &&
	     !(t && (t->dirs & BIT(CRS_DIR_OUTBOUND))))) {
		if (keep->cookie) {
			keep->kind = CRS_NK_ANY;
			*crs_net_slot(sk) = *keep;
		}
		return 0;
	}
	if (keep->cookie) {
		keep->kind = CRS_NK_DEST;
		if (t && t->programs) {
			/* Read before the program's path is made. */
			mm = crs_current_mm();
			fs = current->fs;
			keep->kind = CRS_NK_PROG;
			keep->mm = mm;
			keep->exe = mm ? rcu_access_pointer(mm->exe_file) :
					 NULL;
			keep->root_mnt = READ_ONCE(fs->root.mnt);
			keep->root = READ_ONCE(fs->root.dentry);
			keep->rename_seq =
				raw_read_seqcount(&rename_lock.seqcount);
			/* A rename under way: keep nothing. */
			if (keep->rename_seq & 1)
				keep->cookie = 0;
		}
	}
	return crs_net_decide(att, ver, att_mode, sk, crs_owner_find(sk), op,
			      keep, route);
}

static int crs_net_nf_wait(void);

/*
 * An operation of a covered socket to op with route's hops
 * (crs_net_routed()), decided on all of them; keep as for
 * crs_net_out_covered(), which keeps nothing on a destination with a
 * route. The netfilter hooks come first, once a covered socket may route
 * at all: they decide what no socket hook sees (crs_net_nf_out()), so
 * they must be in before its first packet. Caller holds
 * rcu_read_lock_sched().
 */
static noinline int crs_net_out_route(struct crs_attach *att,
				      const struct sock *sk,
				      const struct crs_net_op *op,
				      struct crs_net_key *keep,
				      const struct crs_net_route *route)
{
	if (!READ_ONCE(crs_net_nf_on))
		return crs_net_nf_wait();
	return crs_net_out_covered(att, sk, op, keep, route);
}

/*
 * What crs_net_out() could not answer from the socket's slot; out of line,
 * so that a hit pays for none of its stack. With keep (task context, and
 * sa a destination crs_net_dest_of() takes), the decision is kept in the
 * slot with gen as crs_net_out() read it, unless msg or the socket's
 * options add hops to it. Caller holds rcu_read_lock_sched().
 */
static noinline int crs_net_out_slow(const struct sock *sk,
				     const struct sockaddr *sa, int len,
				     const struct msghdr *msg, bool keep,
				     unsigned long gen)
{
	struct crs_net_route route = { .sk = sk, .msg = msg };
	struct crs_net_key k = { };
	struct crs_attach *att;
	struct crs_net_op op;
	bool routed;

	if (!crs_sockaddr_op(sk, sa, len, &op))
		return 0;
	route.v4 = crs_op_v4(&op);
	routed = crs_sk_may_route(sk, msg) && crs_net_routed(&route);
	if (keep && crs_net_dest_of(sa, len, &k.dest)) {
		k.cookie = crs_sk_cookie(sk) ?: crs_sk_cookie_make(sk);
		k.gen = gen;
	}
	att = crs_attach_lookup(crs_sk_cgroup(sk));
	if (likely(!att)) {
		if (k.cookie) {
			k.kind = CRS_NK_ANY;
			*crs_net_slot(sk) = k;
		}
		return 0;
	}
	if (routed)
		return crs_net_out_route(att, sk, &op, &k, &route);
	return crs_net_out_covered(att, sk, &op, &k, NULL);
}

/*
 * An outbound operation of sk, a socket of a cgroup that may be covered
 * (crs_sk_maybe_covered()), to sa, with msg's control messages (or NULL).
 * From task context the socket's slot is tried first: a hit costs a
 * handful of loads and compares, with no attachment lookup and nothing of
 * the policy read. A kept decision on a destination covers no route: an
 * operation that may have one (crs_sk_may_route()) goes the slow way. The
 * state's generation is read before anything that is decided on, so that
 * a kept decision is never newer than the generation it is kept with.
 */
static noinline notrace int crs_net_out(const struct sock *sk,
					const struct sockaddr *sa, int len,
					const struct msghdr *msg)
{
	const struct crs_net_key *c;
	unsigned long gen;
	int ret = 0;

	rcu_read_lock_sched();
	if (!in_task()) {
		ret = crs_net_out_slow(sk, sa, len, msg, false, 0);
		goto out;
	}
	gen = crs_state_read();
	c = crs_net_slot(sk);
	/* An empty slot's generation is 0, never the state's. */
	if (c->cookie == crs_sk_cookie(sk) && c->gen == gen) {
		/* Nothing outbound is decided for the socket, routed or not. */
		if (c->kind == CRS_NK_ANY)
			goto out;
		if (likely(!crs_sk_may_route(sk, msg)) &&
		    crs_net_dest_eq(c, sa, len) &&
		    (c->kind == CRS_NK_DEST || crs_net_prog_eq(c)))
			goto out;
	}
	ret = crs_net_out_slow(sk, sa, len, msg, true, gen);
out:
	rcu_read_unlock_sched();
	return ret;
}

/*
 * A send without an address, by a socket that may route: to its peer,
 * which connect() decided, so only the route's hops are. One that is not
 * connected is refused by the kernel.
 */
static noinline int crs_net_out_peer(const struct sock *sk,
				     const struct msghdr *msg)
{
	struct crs_net_route route = { .sk = sk, .msg = msg,
				       .hops_only = true };
	const struct inet_sock *inet = inet_sk(sk);
	struct crs_net_key k = { };
	struct crs_attach *att;
	struct crs_net_op op;
	int ret = 0;

	if (sk->sk_family == AF_INET6) {
		if (ipv6_addr_any(&sk->sk_v6_daddr))
			return 0;
		op.hi = crs_be64(&sk->sk_v6_daddr.s6_addr[0]);
		op.lo = crs_be64(&sk->sk_v6_daddr.s6_addr[8]);
	} else {
		if (!inet->inet_daddr)
			return 0;
		op.hi = 0;
		op.lo = 0xffff00000000ULL | be32_to_cpu(inet->inet_daddr);
	}
	op.protocol = crs_sk_protocol(sk);
	op.port = crs_proto_ports(op.protocol) ?
		  be16_to_cpu(inet->inet_dport) : 0;
	op.dir = CRS_DIR_OUTBOUND;
	route.v4 = crs_op_v4(&op);
	rcu_read_lock_sched();
	att = crs_net_routed(&route) ?
	      crs_attach_lookup(crs_sk_cgroup(sk)) : NULL;
	if (att)
		ret = crs_net_out_route(att, sk, &op, &k, &route);
	rcu_read_unlock_sched();
	return ret;
}

/*
 * A socket whose packets the netfilter hooks must decide, when they are
 * not in: if it is covered, the call waits for them (fail closed). A raw
 * socket that writes its own header, made before any covered raw socket
 * made them come; one being given a source route.
 */
static noinline int crs_net_nf_covered(const struct sock *sk)
{
	bool covered;

	if (!crs_sk_maybe_covered(sk))
		return 0;
	rcu_read_lock();
	covered = crs_attach_lookup(crs_sk_cgroup(sk));
	rcu_read_unlock();
	return covered ? crs_net_nf_wait() : 0;
}

/*
 * connect(), TCP and UDP and raw and ping sockets alike. A sticky source
 * route is decided here too: a TCP SYN dropped later would make connect()
 * time out instead of failing at once.
 */
notrace int crs_hk_socket_connect(struct socket *sock,
				  struct sockaddr *addr, int addrlen)
{
	if (!crs_sk_inet(sock->sk) || !crs_sk_maybe_covered(sock->sk))
		return 0;
	return crs_net_out(sock->sk, addr, addrlen, NULL);
}

/*
 * sendto, sendmsg, sendmmsg and io_uring sends with an address. A stream
 * socket ignores the address, but for TCP Fast Open, which connects to
 * it. A connected socket sending without one was decided at connect(),
 * but for the hops of a source route set since or given with the message.
 * A raw socket writing its own IP header, or the transport header of a
 * protocol with ports, goes where the header says: netfilter decides it
 * (crs_net_nf_out(), crs_sk_own_header()).
 */
notrace int crs_hk_socket_sendmsg(struct socket *sock, struct msghdr *msg,
				  int size)
{
	const struct sockaddr *sa = msg->msg_name;
	int len = msg->msg_namelen;
	struct sock *sk = sock->sk;
	struct sockaddr_in6 own;

	if (likely(!sa))
		goto peer;
	if (!crs_sk_inet(sk) || !crs_sk_maybe_covered(sk))
		return 0;
	if (sk->sk_type == SOCK_STREAM && !(msg->msg_flags & MSG_FASTOPEN))
		goto peer;
	if (crs_sk_own_header(sk))
		return READ_ONCE(crs_net_nf_on) ? 0 : crs_net_nf_covered(sk);
	/*
	 * IPv4 datagram and raw sockets, and IPv6 raw ones, send to an
	 * AF_UNSPEC address as to one of their own family (udp_sendmsg(),
	 * raw_sendmsg(), rawv6_sendmsg()); IPv6 UDP takes it as none, and
	 * sends where connect() said.
	 */
	if (len >= (int)sizeof(sa->sa_family) && sa->sa_family == AF_UNSPEC) {
		if (sk->sk_family == AF_INET6 && sk->sk_type != SOCK_RAW)
			goto peer;
		len = min_t(int, len, sizeof(own));
		memcpy(&own, sa, len);
		own.sin6_family = sk->sk_family;
		sa = (const struct sockaddr *)&own;
	}
	return crs_net_out(sk, sa, len, msg);

peer:
	if (!crs_sk_inet(sk) || likely(!crs_sk_may_route(sk, msg)) ||
	    !crs_sk_maybe_covered(sk) || crs_sk_own_header(sk))
		return 0;
	return crs_net_out_peer(sk, msg);
}

/*
 * setsockopt() of an option that can give a socket a source route, before
 * the kernel reads its value: on a covered socket, the netfilter hooks
 * come first. The socket hooks see a route at the next connect or send
 * only, and another thread can set one between their check and the
 * kernel's use of it; a TCP socket given one after connect() may send
 * nothing more and still have its segments rerouted (crs_net_nf_out()).
 * With the hooks in before any covered socket holds a route, netfilter
 * sees every packet that carries one.
 */
notrace int crs_hk_socket_setsockopt(struct socket *sock, int level,
				     int optname)
{
	struct sock *sk = sock->sk;

	if (level == SOL_IP ? optname != IP_OPTIONS :
	    level != SOL_IPV6 || (optname != IPV6_RTHDR &&
				  optname != IPV6_2292PKTOPTIONS &&
				  optname != IPV6_FLOWLABEL_MGR))
		return 0;
	if (READ_ONCE(crs_net_nf_on) || !crs_sk_inet(sk) ||
	    !crs_sk_maybe_covered(sk))
		return 0;
	return crs_net_nf_covered(sk);
}

/* The peer of an arriving packet; the local port is the socket's. */
static bool crs_skb_peer(const struct sock *sk, const struct sk_buff *skb,
			 u8 protocol, struct crs_net_op *op)
{
	if (skb->protocol == htons(ETH_P_IP)) {
		op->hi = 0;
		op->lo = 0xffff00000000ULL | be32_to_cpu(ip_hdr(skb)->saddr);
	} else if (skb->protocol == htons(ETH_P_IPV6)) {
		const struct in6_addr *a = &ipv6_hdr(skb)->saddr;

		op->hi = crs_be64(&a->s6_addr[0]);
		op->lo = crs_be64(&a->s6_addr[8]);
	} else {
		return false;
	}
	op->port = be16_to_cpu(inet_sk(sk)->inet_sport);
	op->protocol = protocol;
	op->dir = CRS_DIR_INBOUND;
	return true;
}

/* Softirq: no cache, no program of current (it is nobody's). */
static notrace int crs_net_in(const struct sock *sk,
			      const struct sk_buff *skb, u8 protocol)
{
	const struct crs_policy_ver *ver;
	const struct crs_ntab *t;
	struct crs_attach *att;
	struct crs_net_op op;
	int ret = 0;
	u8 att_mode;

	if (!crs_sk_maybe_covered(sk))
		return 0;
	rcu_read_lock();
	att = crs_attach_lookup(crs_sk_cgroup(sk));
	if (likely(!att))
		goto out;
	ver = rcu_dereference(att->policy->ver);
	t = ver->rs->tables[CRS_TABLE_NET];
	att_mode = READ_ONCE(att->mode);
	if (crs_mode_of(att_mode, ver) == CRS_MODE_INACTIVE ||
	    (ver->def_network == CRS_ACTION_ALLOW &&
	     !(t && (t->dirs & BIT(CRS_DIR_INBOUND)))))
		goto out;
	if (crs_skb_peer(sk, skb, protocol, &op))
		ret = crs_net_decide(att, ver, att_mode, sk, crs_owner_find(sk),
				     &op, NULL, NULL);
out:
	rcu_read_unlock();
	return ret;
}

/* A SYN to a listener (syncookies too): a refusal drops it. */
notrace int crs_hk_inet_conn_request(const struct sock *sk,
				     struct sk_buff *skb,
				     struct request_sock *req)
{
	return crs_net_in(sk, skb, IPPROTO_TCP);
}

/*
 * Every packet for every socket comes here before it is queued; only UDP
 * sockets their process bound to a port are decided.
 */
notrace int crs_hk_sock_rcv_skb(struct sock *sk, struct sk_buff *skb)
{
	/* The cheapest test first: most packets are for the host's sockets. */
	if (!crs_sk_maybe_covered(sk) ||
	    likely(sk->sk_protocol != IPPROTO_UDP) ||
	    sk->sk_type != SOCK_DGRAM ||
	    !(sk->sk_userlocks & SOCK_BINDPORT_LOCK) || !crs_sk_inet(sk))
		return 0;
	return crs_net_in(sk, skb, IPPROTO_UDP);
}

/*
 * Records the creator of an IPv4 or IPv6 socket in a covered cgroup; a
 * raw one waits for the netfilter hooks (crs_net_nf_wait()).
 */
notrace int crs_hk_socket_post_create(struct socket *sock, int family,
				      int type, int protocol, int kern)
{
	struct crs_sk_owner *o, *old;
	const char *program = NULL;
	struct sock *sk = sock->sk;
	bool covered;
	u32 len = 0;
	char *buf;

	if (kern || !crs_sk_inet(sk) || !crs_sk_maybe_covered(sk))
		return 0;
	rcu_read_lock();
	covered = crs_attach_lookup(crs_sk_cgroup(sk));
	rcu_read_unlock();
	if (likely(!covered) || !crs_net_scratch)
		return 0;
	if (type == SOCK_RAW && !READ_ONCE(crs_net_nf_on))
		return crs_net_nf_wait();

	buf = get_cpu_ptr(crs_net_scratch);
	program = crs_current_program(buf, &len);
	o = kmalloc(struct_size(o, prog, len + 1), GFP_ATOMIC | __GFP_NOWARN);
	if (o) {
		o->sk = sk;
		o->pid = task_tgid_nr(current);
		get_task_comm(o->comm, current);
		o->len = program ? len : 0;
		if (program)
			memcpy(o->prog, program, len);
		o->prog[o->len] = '\0';
	}
	put_cpu_ptr(crs_net_scratch);
	if (!o)
		return 0;

	rcu_read_lock();
	old = rhashtable_lookup_get_insert_fast(&crs_owners, &o->node,
						crs_owner_params);
	/* A record whose socket went while the hooks were out: replace it. */
	if (old && !IS_ERR(old) &&
	    !rhashtable_replace_fast(&crs_owners, &old->node, &o->node,
				     crs_owner_params)) {
		kfree_rcu(old, rcu);
		old = NULL;
	}
	rcu_read_unlock();
	if (old)
		kfree(o);
	return 0;
}

notrace int crs_hk_sk_free(struct sock *sk)
{
	struct crs_sk_owner *o;

	if (likely(!atomic_read(&crs_owners.nelems)))
		return 0;
	rcu_read_lock();
	o = rhashtable_lookup(&crs_owners, &sk, crs_owner_params);
	if (o && !rhashtable_remove_fast(&crs_owners, &o->node,
					 crs_owner_params))
		kfree_rcu(o, rcu);
	rcu_read_unlock();
	return 0;
}

/* ---- netfilter: own headers, and source routes -------------------------- */

/*
 * A packet of a covered socket, from its header: the destination there and
 * the route's hops after it. One whose header its process wrote
 * (crs_sk_own_header()) is decided as any operation is; a source route of
 * another socket was decided at the socket hooks already, so only what
 * they missed is reported here, as the packet is dropped.
 */
static noinline int crs_net_pkt(const struct sock *sk,
				const struct sk_buff *skb, u8 pf, bool own)
{
	struct crs_net_route route = { .skb = skb, .v4 = pf == NFPROTO_IPV4,
				       .quiet = !own };
	struct crs_net_key k = { };
	struct crs_attach *att;
	struct crs_net_op op;
	__be16 ports[2], *pp;
	__be16 frag = 0;
	int off, ret = 0;
	u8 nh;

	if (route.v4) {
		const struct iphdr *iph = ip_hdr(skb);

		op.hi = 0;
		op.lo = 0xffff00000000ULL | be32_to_cpu(iph->daddr);
		op.protocol = iph->protocol;
		off = skb_network_offset(skb) + iph->ihl * 4;
		frag = iph->frag_off & htons(IP_OFFSET);
	} else {
		const struct ipv6hdr *ip6h = ipv6_hdr(skb);

		op.hi = crs_be64(&ip6h->daddr.s6_addr[0]);
		op.lo = crs_be64(&ip6h->daddr.s6_addr[8]);
		nh = ip6h->nexthdr;
		off = ipv6_skip_exthdr(skb, skb_network_offset(skb) +
				       sizeof(*ip6h), &nh, &frag);
		op.protocol = nh;
	}
	op.port = 0;
	if (crs_proto_ports(op.protocol) && off >= 0 && !frag) {
		pp = skb_header_pointer(skb, off, sizeof(ports), ports);
		if (pp)
			op.port = be16_to_cpu(pp[1]);
	}
	op.dir = CRS_DIR_OUTBOUND;
	rcu_read_lock_sched();
	att = crs_attach_lookup(crs_sk_cgroup(sk));
	if (att)
		ret = crs_net_out_covered(att, sk, &op, &k, &route);
	rcu_read_unlock_sched();
	return ret;
}

/* Whether a packet's header may carry a source route. */
static __always_inline bool crs_skb_may_route(const struct sk_buff *skb,
					      u8 pf)
{
	u8 nh;

	if (pf == NFPROTO_IPV4)
		return ip_hdr(skb)->ihl > 5;
	/* A routing header comes after hop-by-hop and destination options. */
	nh = ipv6_hdr(skb)->nexthdr;
	return nh == NEXTHDR_HOP || nh == NEXTHDR_ROUTING ||
	       nh == NEXTHDR_DEST;
}

/*
 * Every packet a socket of any namespace sends, once the hooks are in: one
 * without options, of a socket that does not write its own headers,
 * leaves after a few loads.
 */
static unsigned int crs_net_nf_out(void *priv, struct sk_buff *skb,
				   const struct nf_hook_state *state)
{
	struct sock *sk = skb->sk;
	bool own;

	if (unlikely(!sk) || !sk_fullsock(sk))
		return NF_ACCEPT;
	own = crs_sk_own_header(sk);
	if ((likely(!own) && likely(!crs_skb_may_route(skb, state->pf))) ||
	    !crs_sk_maybe_covered(sk))
		return NF_ACCEPT;
	return crs_net_pkt(sk, skb, state->pf, own) ? NF_DROP : NF_ACCEPT;
}

static const struct nf_hook_ops crs_net_nf_ops[] = {
	{
		.hook = crs_net_nf_out,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_LOCAL_OUT,
		.priority = NF_IP_PRI_FIRST,
	},
	{
		.hook = crs_net_nf_out,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_LOCAL_OUT,
		.priority = NF_IP6_PRI_FIRST,
	},
};

static int __net_init crs_net_nf_init(struct net *net)
{
	return nf_register_net_hooks(net, crs_net_nf_ops,
				     ARRAY_SIZE(crs_net_nf_ops));
}

static void __net_exit crs_net_nf_exit(struct net *net)
{
	nf_unregister_net_hooks(net, crs_net_nf_ops,
				ARRAY_SIZE(crs_net_nf_ops));
}

/* Every namespace, those created later too. */
static struct pernet_operations crs_net_pernet_ops = {
	.init = crs_net_nf_init,
	.exit = crs_net_nf_exit,
};

/*
 * The netfilter hooks cost every packet of every namespace an indirect
 * call, and only raw sockets and source routes need them: they are
 * registered when a covered process first makes a raw socket or gives a
 * socket a source route, or a covered socket first connects or sends with
 * one, and from then on whenever the socket hooks are in. Registering
 * sleeps, which a handler must not: the call fails with -ERESTARTNOINTR
 * and TIF_NOTIFY_SIGNAL set, so that the kernel restarts it on the way
 * out, until the work below has registered them.
 * A raw socket made before its cgroup was covered waits for them at its
 * first send (crs_net_nf_covered()).
 */
static bool crs_net_nf_wanted;		/* crs_lock */

static int crs_net_nf_register(void)
{
	int err;

	lockdep_assert_held(&crs_lock);
	crs_net_nf_wanted = true;
	err = register_pernet_subsys(&crs_net_pernet_ops);
	WRITE_ONCE(crs_net_nf_on, !err);
	WRITE_ONCE(crs_net_nf_failed, !!err);
	return err;
}

static void crs_net_nf_unregister(void)
{
	lockdep_assert_held(&crs_lock);
	if (crs_net_nf_on)
		unregister_pernet_subsys(&crs_net_pernet_ops);
	WRITE_ONCE(crs_net_nf_on, false);
}

static bool crs_net_installed;
static bool crs_net_dead;

static void crs_net_nf_fn(struct work_struct *work)
{
	mutex_lock(&crs_lock);
	if (crs_net_installed && !crs_net_dead && !crs_net_nf_on)
		crs_net_nf_register();
	mutex_unlock(&crs_lock);
}

static DECLARE_WORK(crs_net_nf_work, crs_net_nf_fn);

static int crs_net_nf_wait(void)
{
	/* Fail closed: without them, raw sockets could not be decided. */
	if (READ_ONCE(crs_net_nf_failed))
		return -ENOBUFS;
	/* Module exit began: the work would outlive the module's text. */
	if (READ_ONCE(crs_net_dead))
		return -EAGAIN;
	queue_work(system_wq, &crs_net_nf_work);
	/* io_uring's workers and kernel threads do not restart calls. */
	if (current->flags & (PF_KTHREAD | PF_IO_WORKER))
		return -EAGAIN;
	set_tsk_thread_flag(current, TIF_NOTIFY_SIGNAL);
	return -ERESTARTNOINTR;
}

/* ---- installing the hooks ------------------------------------------------ */

#define CRS_NET_HOOK(name)						\
	static struct crs_hook crs_hook_##name =			\
		CRS_HOOK_INIT("security_" #name, crs_tramp_##name)

CRS_NET_HOOK(socket_post_create);
CRS_NET_HOOK(sk_free);
CRS_NET_HOOK(socket_connect);
CRS_NET_HOOK(socket_sendmsg);
CRS_NET_HOOK(socket_setsockopt);
CRS_NET_HOOK(inet_conn_request);
CRS_NET_HOOK(sock_rcv_skb);

/* Owners first: a socket is recorded before anything is decided on it. */
static struct crs_hook *const crs_net_hooks[] = {
	&crs_hook_sk_free,
	&crs_hook_socket_post_create,
	&crs_hook_socket_connect,
	&crs_hook_socket_sendmsg,
	&crs_hook_socket_setsockopt,
	&crs_hook_inet_conn_request,
	&crs_hook_sock_rcv_skb,
};

/*
 * Attachments holding the hooks; whether they are in (crs_net_installed)
 * and whether module exit began (crs_net_dead). All crs_lock.
 */
static u32 crs_net_users;

/* As file.c's: a container restarting costs no text patching. */
#define CRS_NET_LINGER	(5 * HZ)

static void crs_net_remove(void)
{
	int i;

	crs_net_nf_unregister();
	for (i = ARRAY_SIZE(crs_net_hooks) - 1; i >= 0; i--)
		crs_hook_put(crs_net_hooks[i]);
	crs_net_installed = false;
}

static void crs_owners_free(void *ptr, void *arg)
{
	kfree(ptr);
}

/*
 * Without the hooks, freed sockets leave their records behind, and a new
 * socket at the same address could inherit one: once no handler can still
 * run, drop them all, unless the hooks came back meanwhile.
 */
static void crs_net_idle_fn(struct work_struct *work)
{
	bool removed = false;

	mutex_lock(&crs_lock);
	if (!crs_net_users && crs_net_installed && !crs_net_dead) {
		crs_net_remove();
		removed = true;
	}
	mutex_unlock(&crs_lock);
	if (!removed)
		return;
	/* Handlers in tasks, then those in softirq (see crs_net_free()). */
	synchronize_rcu_tasks();
	synchronize_rcu();
	mutex_lock(&crs_lock);
	if (!crs_net_installed && !crs_net_dead) {
		rhashtable_free_and_destroy(&crs_owners, crs_owners_free, NULL);
		crs_owners_ready = false;
		/* Kept decisions of sockets whose creators were known. */
		crs_state_changed();
	}
	mutex_unlock(&crs_lock);
}

static DECLARE_DELAYED_WORK(crs_net_idle_work, crs_net_idle_fn);

static int crs_net_install(struct netlink_ext_ack *extack)
{
	int i, err;

	if (!crs_net_scratch) {
		crs_net_scratch = __alloc_percpu(PATH_MAX, 1);
		if (!crs_net_scratch)
			return -ENOMEM;
	}
	if (!crs_owners_ready) {
		err = rhashtable_init(&crs_owners, &crs_owner_params);
		if (err)
			return err;
		crs_owners_ready = true;
	}
	for (i = 0; i < ARRAY_SIZE(crs_net_hooks); i++) {
		err = crs_hook_get(crs_net_hooks[i]);
		if (err) {
			crs_nl_errf(extack, NULL, "cannot hook %s: error %d",
				    crs_net_hooks[i]->func, err);
			goto err_put;
		}
	}
	WRITE_ONCE(crs_net_nf_failed, false);
	if (crs_net_nf_wanted) {
		err = crs_net_nf_register();
		if (err) {
			crs_nl_errf(extack, NULL,
				    "cannot register netfilter hooks: error %d",
				    err);
			goto err_put;
		}
	}
	crs_net_installed = true;
	return 0;

err_put:
	while (i--)
		crs_hook_put(crs_net_hooks[i]);
	return err;
}

int crs_net_get(struct netlink_ext_ack *extack)
{
	int err;

	lockdep_assert_held(&crs_lock);
	if (!crs_net_installed) {
		err = crs_net_install(extack);
		if (err)
			return err;
	}
	crs_net_users++;
	return 0;
}

void crs_net_put(void)
{
	lockdep_assert_held(&crs_lock);
	if (!WARN_ON_ONCE(!crs_net_users) && !--crs_net_users &&
	    !crs_net_dead)
		mod_delayed_work(system_wq, &crs_net_idle_work,
				 CRS_NET_LINGER);
}

/*
 * The netfilter hooks go here, the ftrace ones with every other at
 * crs_hook_exit(); then crs_net_free() frees what their handlers used.
 */
void crs_net_stop(void)
{
	mutex_lock(&crs_lock);
	WRITE_ONCE(crs_net_dead, true);	/* read locklessly by handlers */
	mutex_unlock(&crs_lock);
	cancel_delayed_work_sync(&crs_net_idle_work);
	cancel_work_sync(&crs_net_nf_work);
	mutex_lock(&crs_lock);
	crs_net_nf_unregister();
	mutex_unlock(&crs_lock);
}

void crs_net_free(void)
{
	/*
	 * RCU Tasks (crs_hook_exit()) does not wait for handlers running in
	 * softirq on an idle task; a grace period does.
	 */
	synchronize_rcu();
	/* A handler that saw crs_net_dead false may have queued it again. */
	cancel_work_sync(&crs_net_nf_work);
	if (crs_owners_ready)
		rhashtable_free_and_destroy(&crs_owners, crs_owners_free, NULL);
	crs_owners_ready = false;
	free_percpu(crs_net_scratch);
	crs_net_scratch = NULL;
}
