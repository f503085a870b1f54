// SPDX-License-Identifier: GPL-2.0
/*
 * ftrace direct-call hooks (see hook.h). A direct call costs a call and
 * the trampoline's pushes, against a full ftrace_ops or kprobe handler
 * dispatch: it is what lets the file checks sit on every read and write.
 */

#include <linux/kprobes.h>
#include <linux/mutex.h>
#include <linux/wait_bit.h>
#include "hook.h"

/* Protects every hook's ip, users and node, and crs_hook_dead. */
static DEFINE_MUTEX(crs_hook_lock);
static bool crs_hook_dead;
/* Installed hooks, for crs_hook_exit(); crs_hook_lock. */
static LIST_HEAD(crs_hook_live);
/* Handlers between crs_hook_sleep_begin() and _end(). */
static atomic_t crs_hook_sleepers = ATOMIC_INIT(0);

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

void crs_hook_sleep_begin(void)
{
	atomic_inc(&crs_hook_sleepers);
}

void crs_hook_sleep_end(void)
{
	if (atomic_dec_and_test(&crs_hook_sleepers))
		wake_up_var(&crs_hook_sleepers);
}

/* Sets the functions ops calls h->tramp for: a name, or globs. */
static int crs_hook_filter(struct crs_hook *h)
{
	const char *const *g;
	int err = -ENOENT;

	if (!h->globs) {
		h->ip = crs_hook_resolve(h->func);
		if (!h->ip)
			return -ENOENT;
		return ftrace_set_filter_ip(&h->ops, h->ip, 0, 0);
	}
	/*
	 * Globs that match nothing on this kernel are left out. The parser
	 * writes into the string it is given: hand it a copy.
	 */
	for (g = h->globs; *g; g++) {
		char buf[KSYM_NAME_LEN];

		strscpy(buf, *g, sizeof(buf));
		if (!ftrace_set_filter(&h->ops, buf, strlen(buf), 0))
			err = 0;
	}
	if (!err)
		h->ip = 1;
	return err;
}

static void crs_hook_remove(struct crs_hook *h)
{
	int err;

	err = crs_unregister_ftrace_direct(&h->ops, (unsigned long)h->tramp);
	if (err)
		pr_err("cannot remove the hook on %s: %d\n", h->func, err);
	list_del(&h->node);
}

int crs_hook_get(struct crs_hook *h)
{
	int err = 0;

	mutex_lock(&crs_hook_lock);
	if (crs_hook_dead || h->users++)
		goto out;
	if (!h->ip) {
		/* The filter stays across unregistering: set it once. */
		err = crs_hook_filter(h);
		if (err) {
			h->ip = 0;
			goto fail;
		}
	}
	err = crs_register_ftrace_direct(&h->ops, (unsigned long)h->tramp);
	if (err)
		goto fail;
	list_add(&h->node, &crs_hook_live);
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

void crs_hook_free(struct crs_hook *h)
{
	if (!h)
		return;
	WARN_ON_ONCE(h->users && !crs_hook_dead);
	ftrace_free_filter(&h->ops);
	kfree(h);
}

void crs_hook_exit(void)
{
	struct crs_hook *h, *tmp;

	mutex_lock(&crs_hook_lock);
	crs_hook_dead = true;
	list_for_each_entry_safe(h, tmp, &crs_hook_live, node)
		crs_hook_remove(h);
	mutex_unlock(&crs_hook_lock);
	/*
	 * A task preempted inside a trampoline or a handler holds no lock
	 * that would tell us; RCU Tasks waits until every task has passed a
	 * voluntary context switch, which none does there, except inside a
	 * sleeping handler's crs_hook_sleep_begin()/_end(). So: once RCU
	 * Tasks has waited, a task still in our text is inside such a
	 * section, and counted; wait for the count, then for RCU Tasks
	 * again, for the instructions after crs_hook_sleep_end(). Waiting
	 * for the count first would miss a task that entered a section
	 * after the count was read. A put that removed a hook earlier needs
	 * no wait: the module text stays until this one.
	 */
	synchronize_rcu_tasks();
	wait_var_event(&crs_hook_sleepers, !atomic_read(&crs_hook_sleepers));
	synchronize_rcu_tasks();
}
