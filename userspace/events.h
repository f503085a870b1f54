/* SPDX-License-Identifier: GPL-2.0 */
/* crsctl events: how a stream of event messages is accounted and printed. */
#ifndef CRSCTL_EVENTS_H
#define CRSCTL_EVENTS_H

#include <stddef.h>
#include <stdint.h>

struct events {
	uint64_t count;		/* stop after this many; 0: no limit */
	uint64_t printed;
	const char *cgroup;	/* path below the cgroup root, or NULL */
	uint64_t last;		/* the highest seq accounted for */
	int have_last;
};

/*
 * Prints the events of one datagram as it came from the socket: netlink
 * messages of the crs family (number family), CRS_CMD_EVENT and
 * CRS_CMD_EVENT_SYNC; a gap in their sequence numbers is printed as a
 * "lost" line in its place. Returns 1 once st->count events are printed.
 */
int events_dgram(struct events *st, int family, const void *buf, size_t len);

#endif
