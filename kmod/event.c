// SPDX-License-Identifier: GPL-2.0
/*
 * The event stream (SPEC section 5).
 *
 * Producers (enforcement hooks, any context but NMI) encode an event as
 * the netlink attributes it is sent as, straight into a preallocated byte
 * ring under a spinlock, and kick the worker; they never sleep and never
 * allocate. The worker, in process context, copies what the ring holds
 * into CRS_CMD_EVENT messages, many to an skb, multicasts them to the
 * events group, and keeps the most recent ones in a history ring for the
 * CRS_CMD_EVENT dump. Encoding once, where the strings are copied anyway,
 * is what lets one CPU deliver over 200,000 events a second.
 *
 * Every produced event takes the next number of one global sequence, also
 * when it is then dropped (rate limit, full ring, no memory to send), so
 * listeners see every drop as a gap. A periodic CRS_CMD_EVENT_SYNC carries
 * the last number produced, so that a gap at the end of a burst shows even
 * when no later event comes.
 */

#include <linux/irq_work.h>
#include <linux/moduleparam.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>
#include <net/genetlink.h>
#include "crs.h"

/*
 * Per attachment: a container flooding the stream must not starve the
 * others or the host. 10,000 events a second with a burst of 20,000 is far
 * above what a misbehaving but real workload reports worth reading, and
 * well below what the worker can deliver. 0 disables the limit.
 */
static unsigned int event_rate = 10000;
module_param(event_rate, uint, 0644);
MODULE_PARM_DESC(event_rate, "events per second per attachment, 0: no limit (default 10000)");

static unsigned int event_burst = 20000;
module_param(event_burst, uint, 0644);
MODULE_PARM_DESC(event_burst, "events an attachment may report at once (default 20000)");

/* Bytes, powers of two; fixed at load time. */
static unsigned int event_buffer = 4 << 20;
module_param(event_buffer, uint, 0444);
MODULE_PARM_DESC(event_buffer, "bytes of the ring between producers and the sender (default 4 MiB)");

static unsigned int event_history = 4 << 20;
module_param(event_history, uint, 0444);
MODULE_PARM_DESC(event_history, "bytes of recent events kept for the dump (default 4 MiB)");

/*
 * An event as the rings hold it: a header, then the CRS_A_EVENT nest
 * exactly as it goes on the wire, encoded by the producer. The sender and
 * the dump copy it into messages whole, so that what each event costs
 * them is a copy, not an attribute at a time. len 0 marks the unused end
 * of the ring: the next record starts at its beginning.
 */
struct crs_event_rec {
	u32 len;			/* bytes, header included, 8-aligned */
	u32 alen;			/* bytes of attrs */
	u64 seq;
	u8 attrs[];
};

/*
 * A byte ring of records. head and tail count bytes ever written and
 * consumed; the position is the count modulo size.
 */
struct crs_event_ring {
	void *buf;
	u64 size;
	u64 head;
	u64 tail;
};

/* A record never wraps; it needs at most this much beyond the header. */
#define CRS_EV_STR_MAX		(PATH_MAX - 1)
/* Bytes of messages packed into one multicast skb. */
#define CRS_EV_BATCH		(32 * 1024)
/* The sync runs at four times the rate SPEC's one second asks for. */
#define CRS_EV_SYNC_MS		250
/* ... and goes on for two seconds after the numbers stop. */
#define CRS_EV_SYNC_REPEAT	8

static struct {
	/*
	 * Producers serialise on lock, which protects ring.head and the
	 * taking of sequence numbers for events that enter the ring, so
	 * that the ring holds records in increasing seq order. The worker
	 * alone moves ring.tail, outside the lock.
	 */
	spinlock_t lock;
	struct crs_event_ring ring;
	atomic64_t seq;			/* the last number produced */

	atomic64_t lost_rate;
	atomic64_t lost_buffer;
	atomic64_t lost_nomem;
	atomic64_t sent;

	unsigned long kicked;		/* bit 0: the worker is queued */
	struct irq_work irq_work;
	struct work_struct work;
	struct delayed_work sync_work;
	bool live;			/* the family is registered */

	/* Serialises draining; protects live and the sync state below. */
	struct mutex drain_lock;
	u64 synced_seq;
	u64 synced_lost;
	unsigned int sync_repeat;	/* syncs still to send for them */

	/* Protects hist and hist_max, which only process context touches. */
	struct mutex hist_lock;
	struct crs_event_ring hist;
	u32 hist_max;			/* the largest alen it ever held */
} crs_ev;

static u64 crs_event_lost(void)
{
	return atomic64_read(&crs_ev.lost_rate) +
	       atomic64_read(&crs_ev.lost_buffer) +
	       atomic64_read(&crs_ev.lost_nomem);
}

void crs_event_stats(u64 *sent, u64 *lost)
{
	*sent = atomic64_read(&crs_ev.sent);
	*lost = crs_event_lost();
}

void crs_event_stats_lost(u64 *rate, u64 *buffer, u64 *nomem, u64 *seq)
{
	*rate = atomic64_read(&crs_ev.lost_rate);
	*buffer = atomic64_read(&crs_ev.lost_buffer);
	*nomem = atomic64_read(&crs_ev.lost_nomem);
	*seq = atomic64_read(&crs_ev.seq);
}

/*
 * This, crs_event_report() and crs_attach_lookup() are exported only for
 * the test-only trigger module (tests/kmod), which reports events as an
 * enforcement hook would, with an attachment of its own or the writer's;
 * they are not an interface for other modules.
 */
void crs_event_limit_init(struct crs_event_limit *limit)
{
	spin_lock_init(&limit->lock);
	limit->tokens = U64_MAX;	/* full on first use */
	limit->last = 0;
}
EXPORT_SYMBOL_GPL(crs_event_limit_init);

/*
 * Token bucket kept in nanoseconds of credit: an event costs one period
 * (1 s / event_rate) and the bucket holds event_burst periods.
 */
static bool crs_event_limit_pass(struct crs_event_limit *limit)
{
	unsigned int rate = READ_ONCE(event_rate);
	unsigned int burst = READ_ONCE(event_burst);
	u64 cost, cap, now;
	unsigned long flags;
	bool pass;

	if (!rate)
		return true;
	cost = div_u64(NSEC_PER_SEC, rate);
	cap = cost * max(burst, 1U);
	now = ktime_get_ns();

	spin_lock_irqsave(&limit->lock, flags);
	if (limit->tokens > cap)
		limit->tokens = cap;
	if (now > limit->last)
		limit->tokens = min(cap, limit->tokens + (now - limit->last));
	limit->last = now;
	pass = limit->tokens >= cost;
	if (pass)
		limit->tokens -= cost;
	spin_unlock_irqrestore(&limit->lock, flags);
	return pass;
}

/*
 * Netlink attributes written straight into a record, padding zeroed, with
 * plain stores where the size is known: these run on every event.
 */
static void *crs_ev_hdr(void *p, int type, int len)
{
	struct nlattr *nla = p;

	nla->nla_type = type;
	nla->nla_len = NLA_HDRLEN + len;
	return p + NLA_HDRLEN;
}

static void *crs_ev_u8(void *p, int type, u8 v)
{
	p = crs_ev_hdr(p, type, sizeof(u8));
	*(u32 *)p = v;		/* the value and its padding */
	return p + sizeof(u32);
}

static void *crs_ev_u16(void *p, int type, u16 v)
{
	p = crs_ev_hdr(p, type, sizeof(u16));
	*(u32 *)p = v;
	return p + sizeof(u32);
}

static void *crs_ev_u32(void *p, int type, u32 v)
{
	p = crs_ev_hdr(p, type, sizeof(u32));
	*(u32 *)p = v;
	return p + sizeof(u32);
}

/* 64-bit values are 4-aligned, as nla_put_u64_64bit() leaves them here. */
static void *crs_ev_u64(void *p, int type, u64 v)
{
	p = crs_ev_hdr(p, type, sizeof(u64));
	memcpy(p, &v, sizeof(v));
	return p + sizeof(u64);
}

static void *crs_ev_attr(void *p, int type, const void *data, int len)
{
	p = crs_ev_hdr(p, type, len);
	memcpy(p, data, len);
	memset(p + len, 0, nla_padlen(len));
	return p + NLA_ALIGN(len);
}

/* A string of len bytes (its NUL not included), cut to CRS_EV_STR_MAX. */
static void *crs_ev_str(void *p, int type, const char *str, size_t len)
{
	size_t size;

	len = min_t(size_t, len, CRS_EV_STR_MAX);
	size = NLA_ALIGN(len + 1);
	p = crs_ev_hdr(p, type, len + 1);
	if (str == p) {
		/* The cgroup path, written in place. */
		memset(p + len, 0, size - len);
	} else {
		/* The last word holds the NUL and the padding. */
		*(u32 *)(p + size - sizeof(u32)) = 0;
		memcpy(p, str, len);
	}
	return p + size;
}

/* Closes a nest that crs_ev_nest() opened at nla. */
static void *crs_ev_nest_end(struct nlattr *nla, void *end)
{
	nla->nla_len = end - (void *)nla;
	return end;
}

static struct nlattr *crs_ev_nest(void *p, int type)
{
	struct nlattr *nla = p;

	nla->nla_type = type | NLA_F_NESTED;
	return nla;
}

static size_t crs_ev_slen(const char *s)
{
	return s ? strnlen(s, CRS_EV_STR_MAX) : 0;
}

static void crs_event_kick(void)
{
	if (!test_and_set_bit(0, &crs_ev.kicked))
		irq_work_queue(&crs_ev.irq_work);
}

/* Hard interrupt context: the place from which queueing work is safe. */
static void crs_event_irq_work(struct irq_work *w)
{
	queue_work(system_unbound_wq, &crs_ev.work);
}

/*
 * The most a record's attributes take: each string as long as it is, the
 * cgroup path as long as it may be (its length is known only once it is
 * written; the record shrinks to fit).
 */
static size_t crs_ev_need(const struct crs_event_info *ev, const size_t *slen,
			  int nstr, const size_t *alen)
{
	size_t need = NLA_HDRLEN;		/* CRS_A_EVENT */
	int i;

	need += 3 * nla_total_size_64bit(sizeof(u64));	/* seq, time, cgid */
	need += 3 * nla_total_size(sizeof(u8));	/* type, action, enforced */
	need += nla_total_size(sizeof(u32));	/* pid */
	for (i = 0; i < nstr; i++)
		need += nla_total_size(slen[i] + 1);
	need += nla_total_size(CRS_EV_STR_MAX + 1);	/* cgroup */
	if (ev->type == CRS_RULE_NET_OUT || ev->type == CRS_RULE_NET_IN)
		need += 2 * nla_total_size(sizeof(u8)) +
			nla_total_size(sizeof(u16)) + nla_total_size(16);
	if (ev->type == CRS_RULE_SYSCALL) {
		need += NLA_HDRLEN;
		for (i = 0; i < ev->nargs && i < CRS_SYSCALL_ARGS; i++)
			need += NLA_HDRLEN + nla_total_size(sizeof(u8)) +
				nla_total_size(max_t(size_t, sizeof(u64),
						     alen[i] + 1));
	}
	return ALIGN(sizeof(struct crs_event_rec) + need, 8);
}

/* The rest of the event, after the sequence number and the time. */
static void *crs_ev_encode(void *p, const struct crs_event_info *ev,
			   const char *const *strs, const int *types,
			   const size_t *slen, int nstr, const size_t *alen)
{
	bool net = ev->type == CRS_RULE_NET_OUT || ev->type == CRS_RULE_NET_IN;
	struct cgroup *cgrp;
	struct nlattr *nest;
	char *cpath;
	int i, n;
	u32 pid;

	p = crs_ev_u8(p, CRS_EVENT_A_TYPE, ev->type);
	p = crs_ev_u8(p, CRS_EVENT_A_ACTION, ev->action);
	p = crs_ev_u8(p, CRS_EVENT_A_ENFORCED, ev->enforced);

	/* task_dfl_cgroup() needs RCU; cgroup_path() takes only spinlocks. */
	rcu_read_lock();
	cgrp = ev->cgrp ? ev->cgrp : task_dfl_cgroup(current);
	p = crs_ev_u64(p, CRS_EVENT_A_CGROUP_ID, cgroup_id(cgrp));
	pid = ev->cgrp ? ev->pid : task_tgid_nr(current);
	p = crs_ev_u32(p, CRS_EVENT_A_PID, pid);
	for (i = 0; i < nstr; i++) {
		if (types[i] != CRS_EVENT_A_CGROUP) {
			if (strs[i])
				p = crs_ev_str(p, types[i], strs[i], slen[i]);
			continue;
		}
		cpath = p + NLA_HDRLEN;
		cpath[0] = '\0';	/* cgroup_path() may fail before writing */
		n = cgroup_path(cgrp, cpath, CRS_EV_STR_MAX + 1);
		if (n < 0 || n > CRS_EV_STR_MAX)
			n = strnlen(cpath, CRS_EV_STR_MAX);
		p = crs_ev_str(p, CRS_EVENT_A_CGROUP, cpath, n);
	}
	rcu_read_unlock();

	if (net) {
		p = crs_ev_u8(p, CRS_EVENT_A_DIRECTION, ev->direction);
		if (ev->addr)
			p = crs_ev_attr(p, CRS_EVENT_A_ADDR, ev->addr, 16);
		p = crs_ev_u16(p, CRS_EVENT_A_PORT, ev->port);
		p = crs_ev_u8(p, CRS_EVENT_A_PROTOCOL, ev->protocol);
	}
	if (ev->type == CRS_RULE_SYSCALL) {
		nest = crs_ev_nest(p, CRS_EVENT_A_ARGS);
		p += NLA_HDRLEN;
		for (i = 0; i < ev->nargs && i < CRS_SYSCALL_ARGS; i++) {
			const struct crs_event_arg *arg = &ev->args[i];
			struct nlattr *an = crs_ev_nest(p, CRS_RULE_A_ARG);

			p = crs_ev_u8(p + NLA_HDRLEN, CRS_ARG_A_KIND, arg->kind);
			if (arg->kind == CRS_ARG_INT)
				p = crs_ev_u64(p, CRS_ARG_A_INT, arg->val);
			else if (arg->kind == CRS_ARG_PATH && arg->path)
				p = crs_ev_str(p, CRS_ARG_A_PATH, arg->path,
					       alen[i]);
			p = crs_ev_nest_end(an, p);
		}
		p = crs_ev_nest_end(nest, p);
	}
	return p;
}

u64 crs_event_report(const struct crs_event_info *ev)
{
	/* The strings, in the order they go on the wire. */
	static const int types[] = {
		CRS_EVENT_A_POLICY, CRS_EVENT_A_RULE, CRS_EVENT_A_CGROUP,
		CRS_EVENT_A_COMM, CRS_EVENT_A_PROGRAM, CRS_EVENT_A_PATH,
		CRS_EVENT_A_SYSCALL,
	};
	const char *strs[ARRAY_SIZE(types)];
	struct crs_event_ring *ring = &crs_ev.ring;
	size_t slen[ARRAY_SIZE(types)];
	/*
	 * Every length is taken once: the room reserved is what is written,
	 * even were a string to change meanwhile.
	 */
	size_t alen[CRS_SYSCALL_ARGS] = { 0 };
	struct crs_event_rec *rec;
	u64 need, pos, skip, seq;
	unsigned long flags;
	struct nlattr *nest;
	void *p;
	int i;

	/* Neither the ring's lock nor the clock may be taken in NMI. */
	if (in_nmi())
		return 0;
	/*
	 * What the attachment does not want reported is not an event: it
	 * takes no number, so that listeners see no gap for it.
	 */
	if (ev->att) {
		u8 setting = READ_ONCE(ev->att->events);

		if (setting == CRS_EVENTS_NONE ||
		    (setting == CRS_EVENTS_DENY && ev->action != CRS_ACTION_DENY))
			return 0;
		if (!crs_event_limit_pass(&ev->att->limit)) {
			atomic64_inc(&crs_ev.lost_rate);
			seq = atomic64_inc_return(&crs_ev.seq);
			crs_event_kick();	/* the sync tells of the gap */
			return seq;
		}
	}

	strs[0] = ev->policy;
	strs[1] = ev->rule;
	strs[2] = NULL;		/* the cgroup path: written in place */
	strs[3] = ev->cgrp ? ev->comm : current->comm;
	strs[4] = ev->program;
	strs[5] = ev->path;
	strs[6] = ev->syscall;
	for (i = 0; i < ARRAY_SIZE(strs); i++)
		slen[i] = crs_ev_slen(strs[i]);
	for (i = 0; i < ev->nargs && i < CRS_SYSCALL_ARGS; i++)
		if (ev->args[i].kind == CRS_ARG_PATH)
			alen[i] = crs_ev_slen(ev->args[i].path);
	need = crs_ev_need(ev, slen, ARRAY_SIZE(strs), alen);

	spin_lock_irqsave(&crs_ev.lock, flags);
	pos = ring->head & (ring->size - 1);
	skip = pos + need > ring->size ? ring->size - pos : 0;
	seq = atomic64_inc_return(&crs_ev.seq);
	if (ring->head + skip + need - READ_ONCE(ring->tail) > ring->size) {
		spin_unlock_irqrestore(&crs_ev.lock, flags);
		atomic64_inc(&crs_ev.lost_buffer);
		crs_event_kick();
		return seq;
	}
	if (skip) {
		((struct crs_event_rec *)(ring->buf + pos))->len = 0;
		pos = 0;
	}
	rec = ring->buf + pos;
	rec->seq = seq;
	nest = crs_ev_nest(rec->attrs, CRS_A_EVENT);
	p = rec->attrs + NLA_HDRLEN;
	p = crs_ev_u64(p, CRS_EVENT_A_SEQ, seq);
	p = crs_ev_u64(p, CRS_EVENT_A_TIME, ktime_get_real_ns());
	p = crs_ev_encode(p, ev, strs, types, slen, ARRAY_SIZE(strs), alen);
	p = crs_ev_nest_end(nest, p);
	rec->alen = p - (void *)rec->attrs;
	rec->len = ALIGN(p - (void *)rec, 8);
	/* The worker reads the record only after it sees the new head. */
	smp_store_release(&ring->head, ring->head + skip + rec->len);
	spin_unlock_irqrestore(&crs_ev.lock, flags);

	crs_event_kick();
	return seq;
}
EXPORT_SYMBOL_GPL(crs_event_report);

/* One CRS_CMD_EVENT message; on -EMSGSIZE skb is as it was. */
static int crs_event_fill(struct sk_buff *skb, const struct crs_event_rec *rec,
			  u32 portid, u32 nlseq, int flags)
{
	void *hdr;

	hdr = genlmsg_put(skb, portid, nlseq, &crs_genl_family, flags,
			  CRS_CMD_EVENT);
	if (!hdr)
		return -EMSGSIZE;
	if (skb_tailroom(skb) < rec->alen) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	skb_put_data(skb, rec->attrs, rec->alen);
	genlmsg_end(skb, hdr);
	return 0;
}

/* Keeps rec for the dump, forgetting the oldest records to make room. */
static void crs_event_hist_add(const struct crs_event_rec *rec)
{
	struct crs_event_ring *h = &crs_ev.hist;
	u64 pos = h->head & (h->size - 1);
	u64 skip = pos + rec->len > h->size ? h->size - pos : 0;

	while (h->head + skip + rec->len - h->tail > h->size) {
		const struct crs_event_rec *old;

		old = h->buf + (h->tail & (h->size - 1));
		h->tail += old->len ?: h->size - (h->tail & (h->size - 1));
	}
	if (skip) {
		((struct crs_event_rec *)(h->buf + pos))->len = 0;
		pos = 0;
	}
	memcpy(h->buf + pos, rec, rec->len);
	h->head += skip + rec->len;
	crs_ev.hist_max = max(crs_ev.hist_max, rec->alen);
}

static void crs_event_send(struct sk_buff *skb)
{
	/*
	 * -ESRCH: nobody listens any more; -ENOBUFS: a listener overflowed,
	 * which its socket reports to it. Neither is ours to count.
	 */
	genlmsg_multicast(&crs_genl_family, skb, 0, 0, GFP_KERNEL);
}

static struct sk_buff *crs_event_skb(void)
{
	struct sk_buff *skb;

	skb = nlmsg_new(CRS_EV_BATCH, GFP_KERNEL | __GFP_NOWARN);
	if (!skb)
		skb = nlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	return skb;
}

static void crs_event_release(struct crs_event_ring *ring, u64 tail)
{
	/* Producers may overwrite what we read only once they see this. */
	smp_store_release(&ring->tail, tail);
}

/*
 * Sends everything up to head. Runs under drain_lock. Records that cannot
 * be encoded for want of memory are counted lost; they keep their numbers,
 * so listeners see the gap.
 */
static void crs_event_drain_to(u64 head)
{
	struct crs_event_ring *ring = &crs_ev.ring;
	bool listeners = genl_has_listeners(&crs_genl_family, &init_net, 0);
	struct sk_buff *skb = NULL;
	u64 tail = ring->tail;
	u64 sent = 0;

	mutex_lock(&crs_ev.hist_lock);
	while (tail != head) {
		u64 pos = tail & (ring->size - 1);
		struct crs_event_rec *rec = ring->buf + pos;

		if (!rec->len) {
			tail += ring->size - pos;
			continue;
		}
		if (listeners) {
			if (!skb)
				skb = crs_event_skb();
			if (skb && crs_event_fill(skb, rec, 0, 0, 0)) {
				crs_event_send(skb);
				skb = crs_event_skb();
				if (skb && crs_event_fill(skb, rec, 0, 0, 0)) {
					nlmsg_free(skb);
					skb = NULL;
				}
			}
		}
		if (listeners && !skb) {
			atomic64_inc(&crs_ev.lost_nomem);
		} else {
			sent++;
			crs_event_hist_add(rec);
		}
		tail += rec->len;
		/* Give producers room as we go. */
		if (!(sent & 255))
			crs_event_release(ring, tail);
	}
	mutex_unlock(&crs_ev.hist_lock);
	if (skb)
		crs_event_send(skb);
	atomic64_add(sent, &crs_ev.sent);
	crs_event_release(ring, tail);
}

static u64 crs_event_snapshot(u64 *seq)
{
	unsigned long flags;
	u64 head;

	/*
	 * Under the lock, every number up to seq is either in the ring
	 * before head or was dropped: so once the ring is drained up to
	 * head, a sync for seq tells no lie.
	 */
	spin_lock_irqsave(&crs_ev.lock, flags);
	head = crs_ev.ring.head;
	*seq = atomic64_read(&crs_ev.seq);
	spin_unlock_irqrestore(&crs_ev.lock, flags);
	return head;
}

/* Returns false when a listener did not get it. */
static bool crs_event_sync(u64 seq, u64 lost)
{
	struct sk_buff *skb;
	struct nlattr *nest;
	void *hdr;

	if (!genl_has_listeners(&crs_genl_family, &init_net, 0))
		return true;
	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!skb)
		return false;
	hdr = genlmsg_put(skb, 0, 0, &crs_genl_family, 0, CRS_CMD_EVENT_SYNC);
	if (!hdr)
		goto nospace;
	nest = nla_nest_start(skb, CRS_A_EVENT);
	if (!nest ||
	    nla_put_u64_64bit(skb, CRS_EVENT_A_SEQ, seq, CRS_EVENT_A_PAD) ||
	    nla_put_u64_64bit(skb, CRS_EVENT_A_LOST, lost, CRS_EVENT_A_PAD))
		goto nospace;
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	/* -ESRCH with listeners: none had room (they set NO_ENOBUFS). */
	return !genlmsg_multicast(&crs_genl_family, skb, 0, 0, GFP_KERNEL);
nospace:
	nlmsg_free(skb);
	return false;
}

static void crs_event_work(struct work_struct *work)
{
	u64 seq;

	/* Cleared first: a producer after this point queues us again. */
	clear_bit(0, &crs_ev.kicked);
	mutex_lock(&crs_ev.drain_lock);
	if (crs_ev.live)
		crs_event_drain_to(crs_event_snapshot(&seq));
	mutex_unlock(&crs_ev.drain_lock);
}

/* While numbers advance, tells listeners the last one; quiet otherwise. */
static void crs_event_sync_work(struct work_struct *work)
{
	u64 seq, head, lost;

	mutex_lock(&crs_ev.drain_lock);
	if (!crs_ev.live)
		goto out;
	head = crs_event_snapshot(&seq);
	lost = crs_event_lost();
	if (seq != crs_ev.synced_seq || lost != crs_ev.synced_lost) {
		crs_ev.synced_seq = seq;
		crs_ev.synced_lost = lost;
		crs_ev.sync_repeat = CRS_EV_SYNC_REPEAT;
	}
	/*
	 * A sync can miss a listener whose socket is full, and the last one
	 * of a burst is the only word of a trailing gap: repeat it a few
	 * times after the numbers stop, then fall quiet.
	 */
	if (crs_ev.sync_repeat) {
		crs_event_drain_to(head);
		if (crs_event_sync(seq, lost))
			crs_ev.sync_repeat--;
	}
	queue_delayed_work(system_unbound_wq, &crs_ev.sync_work,
			   msecs_to_jiffies(CRS_EV_SYNC_MS));
out:
	mutex_unlock(&crs_ev.drain_lock);
}

int crs_nl_event_dump_start(struct netlink_callback *cb)
{
	int err;

	err = crs_nl_check_perm(cb->skb, cb->extack);
	if (err)
		return err;
	/* The largest event kept must fit in one dump buffer. */
	mutex_lock(&crs_ev.hist_lock);
	cb->min_dump_alloc = max_t(u32, cb->min_dump_alloc,
				   crs_ev.hist_max + NLMSG_HDRLEN + GENL_HDRLEN);
	mutex_unlock(&crs_ev.hist_lock);
	return 0;
}

int crs_nl_event_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct crs_event_ring *h = &crs_ev.hist;
	/* args[0]: the last seq dumped; args[1]: where the next one was. */
	u64 last = cb->args[0];
	u64 pos = cb->args[1];

	mutex_lock(&crs_ev.hist_lock);
	if (pos < h->tail || pos > h->head)
		pos = h->tail;	/* forgotten meanwhile: find our place */
	while (pos != h->head) {
		const struct crs_event_rec *rec;
		u64 off = pos & (h->size - 1);

		rec = h->buf + off;
		if (!rec->len) {
			pos += h->size - off;
			continue;
		}
		if (rec->seq > last) {
			if (crs_event_fill(skb, rec, NETLINK_CB(cb->skb).portid,
					   cb->nlh->nlmsg_seq, NLM_F_MULTI) &&
			    skb->len)
				break;
			/*
			 * Not even alone in a buffer: a record larger than
			 * any when the dump began. Returning nothing would
			 * end the dump; it goes on without that one.
			 */
			last = rec->seq;
		}
		pos += rec->len;
	}
	mutex_unlock(&crs_ev.hist_lock);
	cb->args[0] = last;
	cb->args[1] = pos;
	return skb->len;
}

static int crs_event_ring_init(struct crs_event_ring *ring, unsigned int size,
			       const char *param)
{
	if (!is_power_of_2(size) || size < 64 * 1024) {
		pr_err("%s must be a power of two of at least 64 KiB\n", param);
		return -EINVAL;
	}
	/* Zeroed: no byte of it goes out that an event did not write. */
	ring->buf = vzalloc(size);
	if (!ring->buf)
		return -ENOMEM;
	ring->size = size;
	ring->head = 0;
	ring->tail = 0;
	return 0;
}

int __init crs_event_init(void)
{
	int err;

	spin_lock_init(&crs_ev.lock);
	mutex_init(&crs_ev.drain_lock);
	mutex_init(&crs_ev.hist_lock);
	init_irq_work(&crs_ev.irq_work, crs_event_irq_work);
	INIT_WORK(&crs_ev.work, crs_event_work);
	INIT_DELAYED_WORK(&crs_ev.sync_work, crs_event_sync_work);

	err = crs_event_ring_init(&crs_ev.ring, event_buffer, "event_buffer");
	if (err)
		return err;
	err = crs_event_ring_init(&crs_ev.hist, event_history, "event_history");
	if (err)
		goto err_ring;
	return 0;

err_ring:
	vfree(crs_ev.ring.buf);
	return err;
}

/*
 * The events group exists from here on: send what producers reported so
 * far, and sync periodically.
 */
void crs_event_start(void)
{
	mutex_lock(&crs_ev.drain_lock);
	crs_ev.live = true;
	mutex_unlock(&crs_ev.drain_lock);
	queue_delayed_work(system_unbound_wq, &crs_ev.sync_work, 0);
}

/*
 * Stops sending before the family and its group go away: nothing may be
 * multicast on a group number that another family may get next. What
 * producers leave in the ring is not sent.
 */
void crs_event_stop(void)
{
	mutex_lock(&crs_ev.drain_lock);
	crs_ev.live = false;
	mutex_unlock(&crs_ev.drain_lock);
	irq_work_sync(&crs_ev.irq_work);
	cancel_work_sync(&crs_ev.work);
	cancel_delayed_work_sync(&crs_ev.sync_work);
}

/* Producers are gone by now. */
void crs_event_exit(void)
{
	crs_event_stop();
	vfree(crs_ev.hist.buf);
	vfree(crs_ev.ring.buf);
}
