/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared helpers of the crs kselftests: requests through crsctl's own
 * netlink layer (userspace/nl.c), and ways to lose privilege.
 */
#ifndef CRS_TEST_H
#define CRS_TEST_H

#include <errno.h>
#include <linux/capability.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <netlink/genl/ctrl.h>

#include "nl.h"

/* Drops cap from the effective, permitted and bounding sets. */
static inline int crs_drop_cap(int cap)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data))
		return -errno;
	data[cap / 32].effective &= ~(1U << (cap % 32));
	data[cap / 32].permitted &= ~(1U << (cap % 32));
	data[cap / 32].inheritable &= ~(1U << (cap % 32));
	if (syscall(SYS_capset, &hdr, data))
		return -errno;
	return 0;
}

/* A request with no reply payload; returns 0 or -errno. */
static inline int crs_simple(struct nl_msg *msg)
{
	return crs_nl_request(msg, NULL, NULL);
}

#endif
