/* SPDX-License-Identifier: GPL-2.0 */
/* Talking to the crs generic netlink family with libnl. */
#ifndef CRSCTL_NL_H
#define CRSCTL_NL_H

#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include <linux/crs.h>

/* Called for each reply message; attrs are the top-level CRS_A_* ones. */
typedef int (*crs_reply_cb)(struct nlattr **attrs, struct nlmsghdr *nlh,
			    void *arg);

/*
 * Opens the socket and resolves the family once. Prints one line and
 * returns -1 when the module is not loaded or the socket cannot be had.
 */
int crs_nl_open(void);
struct nl_sock *crs_nl_sock(void);
int crs_nl_family(void);

/* A request for cmd; flags such as NLM_F_DUMP. Exits on ENOMEM. */
struct nl_msg *crs_msg(uint8_t cmd, int flags);

/*
 * Sends msg (and frees it), calls cb for each reply and waits for the
 * acknowledgement or the end of the dump. Returns 0 or a negative errno;
 * on error the kernel's extack message, if any, is in crs_nl_errmsg.
 * A dump that raced a change returns -EINTR.
 */
int crs_nl_request(struct nl_msg *msg, crs_reply_cb cb, void *arg);
extern char crs_nl_errmsg[512];

/*
 * Prints "crsctl: WHAT: REASON" where REASON is the kernel's extack text,
 * or strerror(-err) when there is none. Returns 1, the exit status.
 */
int crs_nl_perror(const char *what, int err);

/* Parses a nest with the given maximum type, for reply callbacks. */
int crs_nla_parse_nested(struct nlattr **tb, int maxtype, struct nlattr *nla);

#endif
