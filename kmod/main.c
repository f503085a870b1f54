// SPDX-License-Identifier: GPL-2.0
/*
 * crs: container runtime security. Init and exit only; each part of the
 * module lives in a file of its own.
 */

#include <linux/module.h>
#include "crs.h"
#include "hook.h"

static int __init crs_init(void)
{
	int err;

	err = crs_policy_init();
	if (err)
		return err;
	err = crs_attach_init();
	if (err)
		goto err_policy;
	err = crs_event_init();
	if (err)
		goto err_attach;
	err = crs_genl_init();
	if (err)
		goto err_event;

	pr_info("version %s loaded\n", CRS_VERSION);
	return 0;

err_event:
	crs_event_exit();
err_attach:
	crs_attach_exit();
err_policy:
	crs_policy_exit();
	return err;
}

static void __exit crs_exit(void)
{
	crs_genl_exit();
	/*
	 * Enforcement stops taking new users, every hook goes and its
	 * handlers finish, then what they used is freed.
	 */
	crs_file_stop();
	crs_net_stop();
	crs_sys_stop();
	crs_hook_exit();
	crs_file_free();
	crs_net_free();
	crs_sys_free();
	crs_event_exit();
	crs_attach_exit();
	crs_policy_exit();
	pr_info("unloaded\n");
}

module_init(crs_init);
module_exit(crs_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("crs: container runtime security");
MODULE_VERSION(CRS_VERSION);
MODULE_ALIAS_GENL_FAMILY(CRS_GENL_NAME);
