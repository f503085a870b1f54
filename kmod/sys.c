// SPDX-License-Identifier: GPL-2.0
/* Syscall rules (SPEC sections 3 and 4): not enforced yet. */

#include "crs.h"

int crs_sys_compile(struct crs_ruleset *rs)
{
	return 0;
}

void crs_sys_stop(void)
{
}

void crs_sys_free(void)
{
}
