// SPDX-License-Identifier: GPL-2.0
/* Network rules (SPEC sections 3 and 4): not enforced yet. */

#include "crs.h"

int crs_net_compile(struct crs_ruleset *rs)
{
	return 0;
}

int crs_net_get(struct netlink_ext_ack *extack)
{
	return 0;
}

void crs_net_put(void)
{
}

void crs_net_stop(void)
{
}

void crs_net_free(void)
{
}
