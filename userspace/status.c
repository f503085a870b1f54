// SPDX-License-Identifier: GPL-2.0
/* crsctl status: the module's version and counters. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include "crsctl.h"
#include "nl.h"
#include "print.h"

static int status_cb(struct nlattr **attrs, struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *st[CRS_STATS_A_MAX + 1] = { NULL };

	(void)nlh;
	(void)arg;
	if (attrs[CRS_A_STATS] &&
	    crs_nla_parse_nested(st, CRS_STATS_A_MAX, attrs[CRS_A_STATS]) < 0)
		return -EPROTO;

	print_doc_begin_object();
	print_str("version", "version     %s\n",
		  attrs[CRS_A_VERSION] ? nla_get_string(attrs[CRS_A_VERSION]) : NULL);
	print_str("kernel", "kernel      %s\n",
		  attrs[CRS_A_KERNEL] ? nla_get_string(attrs[CRS_A_KERNEL]) : NULL);
	print_u64("policies", "policies    %" PRIu64 "\n",
		  st[CRS_STATS_A_POLICIES] ? nla_get_u32(st[CRS_STATS_A_POLICIES]) : 0);
	print_u64("rules", "rules       %" PRIu64 "\n",
		  st[CRS_STATS_A_RULES] ? nla_get_u32(st[CRS_STATS_A_RULES]) : 0);
	print_u64("attachments", "attachments %" PRIu64 "\n",
		  st[CRS_STATS_A_ATTACHMENTS] ? nla_get_u32(st[CRS_STATS_A_ATTACHMENTS]) : 0);
	print_u64("events_sent", "events sent %" PRIu64 "\n",
		  st[CRS_STATS_A_EVENTS_SENT] ? nla_get_u64(st[CRS_STATS_A_EVENTS_SENT]) : 0);
	print_u64("events_lost", "events lost %" PRIu64,
		  st[CRS_STATS_A_EVENTS_LOST] ? nla_get_u64(st[CRS_STATS_A_EVENTS_LOST]) : 0);
	/* Why they were lost: the administrator's next question. */
	print_u64("events_lost_rate", " (rate limit %" PRIu64,
		  st[CRS_STATS_A_LOST_RATE] ? nla_get_u64(st[CRS_STATS_A_LOST_RATE]) : 0);
	print_u64("events_lost_buffer", ", buffer full %" PRIu64,
		  st[CRS_STATS_A_LOST_BUFFER] ? nla_get_u64(st[CRS_STATS_A_LOST_BUFFER]) : 0);
	print_u64("events_lost_nomem", ", no memory %" PRIu64 ")\n",
		  st[CRS_STATS_A_LOST_NOMEM] ? nla_get_u64(st[CRS_STATS_A_LOST_NOMEM]) : 0);
	print_doc_end();
	return 0;
}

int do_status(int argc, char **argv)
{
	int err;

	if (argc > 0 && (matches(argv[0], "help") || matches(argv[0], "-h") ||
			 matches(argv[0], "--help"))) {
		printf("Usage: crsctl [-j] status\n");
		return EXIT_OK;
	}
	if (argc > 0)
		return usage_error("status takes no arguments");
	if (crs_nl_open() < 0)
		return EXIT_FAIL;
	err = crs_nl_request(crs_msg(CRS_CMD_STATUS_GET, 0), status_cb, NULL);
	if (err < 0)
		return crs_nl_perror("status", err);
	return EXIT_OK;
}
