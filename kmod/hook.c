// SPDX-License-Identifier: GPL-2.0
/*
 * ftrace direct-call hooks (see hook.h). A direct call costs a call and
 * the trampoline's pushes, against a full ftrace_ops or kprobe handler
 * dispatch: it is what lets the file checks sit on every read and write.
 */

#include <linux/kprobes.h>
#include <linux/mutex.h>
#include "hook.h"

/* Protects every hook's ip and users, and crs_hook_dead. */
static DEFINE_MUTEX(crs_hook_lock);
static bool crs_hook_dead;
/* Installed hooks, for crs_hook_exit(); crs_hook_lock. */
#define CRS_HOOK_MAX	64
static struct crs_hook *crs_hook_live[CRS_HOOK_MAX];

/*
 * kallsyms_lookup_name() is not exported; a kprobe resolves the name to
 * the function's entry the same way, and is removed at once.
 */
static unsigned long crs_hook_resolve(const char *func)
{
	struct kprobe kp = { .symbol_name = func };
	unsigned long addr;

	if (register_kprobe(&kp))
		return 0;
	addr = (unsigned long)kp.addr;
	unregister_kprobe(&kp);
	return addr;
}

static void crs_hook_track(struct crs_hook *h, bool live)
{
	int i;

	for (i = 0; i < CRS_HOOK_MAX; i++) {
		if (live && !crs_hook_live[i]) {
			crs_hook_live[i] = h;
			return;
		}
		if (!live && crs_hook_live[i] == h) {
			crs_hook_live[i] = NULL;
			return;
		}
	}
}

static void crs_hook_remove(struct crs_hook *h)
{
	int err;

	err = crs_unregister_ftrace_direct(&h->ops, (unsigned long)h->tramp);
	if (err)
		pr_err("cannot remove the hook on %s: %d\n", h->func, err);
	crs_hook_track(h, false);
}

int crs_hook_get(struct crs_hook *h)
{
	int err = 0;

	mutex_lock(&crs_hook_lock);
	if (crs_hook_dead || h->users++)
		goto out;
	if (!h->ip) {
		h->ip = crs_hook_resolve(h->func);
		if (!h->ip) {
			err = -ENOENT;
			goto fail;
		}
		/* The filter stays across unregistering: set it once. */
		err = ftrace_set_filter_ip(&h->ops, h->ip, 0, 0);
		if (err) {
			h->ip = 0;
			goto fail;
		}
	}
	err = crs_register_ftrace_direct(&h->ops, (unsigned long)h->tramp);
	if (err)
		goto fail;
	crs_hook_track(h, true);
	goto out;
fail:
	h->users--;
out:
	mutex_unlock(&crs_hook_lock);
	return err;
}

void crs_hook_put(struct crs_hook *h)
{
	mutex_lock(&crs_hook_lock);
	if (!crs_hook_dead && !WARN_ON_ONCE(!h->users) && !--h->users)
		crs_hook_remove(h);
	mutex_unlock(&crs_hook_lock);
}

void crs_hook_exit(void)
{
	int i;

	mutex_lock(&crs_hook_lock);
	crs_hook_dead = true;
	for (i = 0; i < CRS_HOOK_MAX; i++)
		if (crs_hook_live[i])
			crs_hook_remove(crs_hook_live[i]);
	mutex_unlock(&crs_hook_lock);
	/*
	 * A task preempted inside a trampoline or a handler holds no lock
	 * that would tell us; RCU Tasks waits until every task has passed a
	 * voluntary context switch, which none does inside either. A put
	 * that removed a hook earlier needs no wait: the module text stays
	 * until this one.
	 */
	synchronize_rcu_tasks();
}
