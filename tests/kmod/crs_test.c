// SPDX-License-Identifier: GPL-2.0
/*
 * crs_test: a test-only trigger for crs.ko's event stream. Not shipped.
 *
 * Writing a line of KEY=VALUE words to /sys/kernel/debug/crs_test/trigger
 * reports count events for the writing process, as an enforcement hook
 * would:
 *
 *   count=N type=file-read|file-write|network-outbound|network-inbound|
 *   syscall action=deny|monitor enforced=0|1 policy=S rule=S program=S
 *   path=S addr=IPv4|IPv6 port=N protocol=N syscall=S arg=i:N|p:PATH|*
 *   (up to three) att=cgroup|none|fake events=all|deny|none reset=1
 *
 * Defaults: one file-read deny, enforced, of policy "test" by program
 * "/crs/test" on path "/" (file events only), no rule.
 *
 * att=cgroup (the default) takes the attachment covering the writer's
 * cgroup, as a hook does; att=none reports without one; att=fake uses an
 * attachment of this module's own whose events setting is events= and
 * whose rate limit persists across writes until reset=1, so that filtering
 * and rate limits can be tested without attaching a policy.
 *
 * Reading the file gives "PRODUCED FIRST LAST NS" for the last write: the
 * events that took a number, the first and last numbers, and the time
 * spent inside crs_event_report() in nanoseconds.
 */

#include <linux/debugfs.h>
#include <linux/inet.h>
#include <linux/kstrtox.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include "crs.h"

static struct dentry *crs_test_dir;
static DEFINE_MUTEX(crs_test_lock);	/* protects everything below */
static struct crs_attach crs_test_att;
static u64 crs_test_result[4];

enum { ATT_CGROUP, ATT_NONE, ATT_FAKE };

static const char * const crs_test_types[] = {
	[CRS_RULE_NET_OUT]	= "network-outbound",
	[CRS_RULE_NET_IN]	= "network-inbound",
	[CRS_RULE_FILE_READ]	= "file-read",
	[CRS_RULE_FILE_WRITE]	= "file-write",
	[CRS_RULE_SYSCALL]	= "syscall",
};

static int crs_test_parse(char *line, struct crs_event_info *ev, u64 *count,
			  int *att, u8 *addr)
{
	char *word, *val;
	int err = 0;

	while ((word = strsep(&line, " \t\n")) && !err) {
		if (!*word)
			continue;
		val = strchr(word, '=');
		if (!val)
			return -EINVAL;
		*val++ = '\0';
		if (!strcmp(word, "count")) {
			err = kstrtou64(val, 0, count);
		} else if (!strcmp(word, "type")) {
			err = match_string(crs_test_types,
					   ARRAY_SIZE(crs_test_types), val);
			if (err >= 0) {
				ev->type = err;
				err = 0;
			}
			ev->direction = ev->type == CRS_RULE_NET_IN ?
					CRS_DIR_INBOUND : CRS_DIR_OUTBOUND;
		} else if (!strcmp(word, "action")) {
			if (!strcmp(val, "deny"))
				ev->action = CRS_ACTION_DENY;
			else if (!strcmp(val, "monitor"))
				ev->action = CRS_ACTION_MONITOR;
			else
				err = -EINVAL;
		} else if (!strcmp(word, "enforced")) {
			err = kstrtobool(val, &ev->enforced);
		} else if (!strcmp(word, "policy")) {
			ev->policy = val;
		} else if (!strcmp(word, "rule")) {
			ev->rule = val;
		} else if (!strcmp(word, "program")) {
			ev->program = val;
		} else if (!strcmp(word, "path")) {
			ev->path = val;
		} else if (!strcmp(word, "syscall")) {
			ev->syscall = val;
		} else if (!strcmp(word, "port")) {
			err = kstrtou16(val, 0, &ev->port);
		} else if (!strcmp(word, "protocol")) {
			err = kstrtou8(val, 0, &ev->protocol);
		} else if (!strcmp(word, "addr")) {
			memset(addr, 0, 16);
			if (in4_pton(val, -1, addr + 12, -1, NULL)) {
				addr[10] = 0xff;
				addr[11] = 0xff;
			} else if (!in6_pton(val, -1, addr, -1, NULL)) {
				err = -EINVAL;
			}
			ev->addr = addr;
		} else if (!strcmp(word, "arg")) {
			struct crs_event_arg *a = &ev->args[ev->nargs];

			if (ev->nargs >= CRS_SYSCALL_ARGS || strlen(val) < 2 ||
			    val[1] != ':')
				return -EINVAL;
			if (val[0] == 'i') {
				s64 v;

				a->kind = CRS_ARG_INT;
				err = kstrtos64(val + 2, 0, &v);
				a->val = v;
			} else if (val[0] == 'p') {
				a->kind = CRS_ARG_PATH;
				a->path = val + 2;
			} else if (val[0] == '*') {
				a->kind = CRS_ARG_ANY;
			} else {
				err = -EINVAL;
			}
			ev->nargs++;
		} else if (!strcmp(word, "att")) {
			if (!strcmp(val, "cgroup"))
				*att = ATT_CGROUP;
			else if (!strcmp(val, "none"))
				*att = ATT_NONE;
			else if (!strcmp(val, "fake"))
				*att = ATT_FAKE;
			else
				err = -EINVAL;
		} else if (!strcmp(word, "events")) {
			if (!strcmp(val, "all"))
				crs_test_att.events = CRS_EVENTS_ALL;
			else if (!strcmp(val, "deny"))
				crs_test_att.events = CRS_EVENTS_DENY;
			else if (!strcmp(val, "none"))
				crs_test_att.events = CRS_EVENTS_NONE;
			else
				err = -EINVAL;
		} else if (!strcmp(word, "reset")) {
			crs_event_limit_init(&crs_test_att.limit);
		} else {
			err = -EINVAL;
		}
	}
	return err;
}

static ssize_t crs_test_trigger_write(struct file *file, const char __user *ubuf,
				      size_t len, loff_t *ppos)
{
	struct crs_event_info ev = {
		.policy = "test", .program = "/crs/test", .type = CRS_RULE_FILE_READ,
		.action = CRS_ACTION_DENY, .enforced = true,
	};
	u64 count = 1, i, seq, first = 0, last = 0, produced = 0, ns = 0, t;
	int att = ATT_CGROUP;
	u8 addr[16];
	char *line;
	int err;

	if (len > 4 * PATH_MAX)
		return -E2BIG;
	line = memdup_user_nul(ubuf, len);
	if (IS_ERR(line))
		return PTR_ERR(line);
	mutex_lock(&crs_test_lock);
	err = crs_test_parse(line, &ev, &count, &att, addr);
	if (err)
		goto out;
	/* A file event always has a path; no other kind has one. */
	if (ev.type == CRS_RULE_FILE_READ || ev.type == CRS_RULE_FILE_WRITE)
		ev.path = ev.path ?: "/";
	else
		ev.path = NULL;
	for (i = 0; i < count; i++) {
		/* Chunks between reschedules: the worker needs the CPU too. */
		if (!(i & 255)) {
			cond_resched();
			if (fatal_signal_pending(current)) {
				err = -EINTR;
				break;
			}
		}
		t = ktime_get_ns();
		rcu_read_lock();
		if (att == ATT_CGROUP)
			ev.att = crs_attach_lookup(task_dfl_cgroup(current));
		else
			ev.att = att == ATT_FAKE ? &crs_test_att : NULL;
		seq = crs_event_report(&ev);
		rcu_read_unlock();
		ns += ktime_get_ns() - t;
		if (!seq)
			continue;
		if (!first)
			first = seq;
		last = seq;
		produced++;
	}
	crs_test_result[0] = produced;
	crs_test_result[1] = first;
	crs_test_result[2] = last;
	crs_test_result[3] = ns;
out:
	mutex_unlock(&crs_test_lock);
	kfree(line);
	return err ?: len;
}

static ssize_t crs_test_trigger_read(struct file *file, char __user *ubuf,
				     size_t len, loff_t *ppos)
{
	char buf[96];
	int n;

	mutex_lock(&crs_test_lock);
	n = scnprintf(buf, sizeof(buf), "%llu %llu %llu %llu\n",
		      crs_test_result[0], crs_test_result[1],
		      crs_test_result[2], crs_test_result[3]);
	mutex_unlock(&crs_test_lock);
	return simple_read_from_buffer(ubuf, len, ppos, buf, n);
}

static const struct file_operations crs_test_trigger_fops = {
	.owner	= THIS_MODULE,
	.read	= crs_test_trigger_read,
	.write	= crs_test_trigger_write,
};

static int __init crs_test_init(void)
{
	crs_event_limit_init(&crs_test_att.limit);
	crs_test_att.events = CRS_EVENTS_ALL;
	crs_test_dir = debugfs_create_dir("crs_test", NULL);
	debugfs_create_file("trigger", 0600, crs_test_dir, NULL,
			    &crs_test_trigger_fops);
	return 0;
}

static void __exit crs_test_exit(void)
{
	debugfs_remove_recursive(crs_test_dir);
}

module_init(crs_test_init);
module_exit(crs_test_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("crs: test-only event trigger");
