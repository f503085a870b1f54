// SPDX-License-Identifier: GPL-2.0
/* Harness self-test only: a module that can put a WARN in the kernel log. */
#include <linux/module.h>
#include <linux/bug.h>

static bool warn;
module_param(warn, bool, 0444);
MODULE_PARM_DESC(warn, "WARN_ON(1) while loading, to test splat detection");

static int __init warnmod_init(void)
{
	WARN_ON(warn);
	return 0;
}

static void __exit warnmod_exit(void)
{
}

module_init(warnmod_init);
module_exit(warnmod_exit);
MODULE_DESCRIPTION("crs test harness self-test: WARN on demand");
MODULE_LICENSE("GPL");
