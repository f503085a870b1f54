// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>

#include "crsctl.h"
#include "nl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

char crs_nl_errmsg[512];

static struct nl_sock *sock;
static int family = -1;

int crs_nl_open(void)
{
	int one = 1;
	int err;

	if (sock)
		return 0;
	sock = nl_socket_alloc();
	if (!sock) {
		fprintf(stderr, "crsctl: out of memory\n");
		return -1;
	}
	err = genl_connect(sock);
	if (err < 0) {
		fprintf(stderr, "crsctl: cannot open a generic netlink socket: %s\n",
			nl_geterror(err));
		goto err;
	}
	/* The kernel's reason for a refusal is what the user needs to read. */
	setsockopt(nl_socket_get_fd(sock), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	/* Large policies come back in large dumps. */
	nl_socket_set_buffer_size(sock, 1 << 20, 1 << 20);
	nl_socket_set_msg_buf_size(sock, 1 << 16);

	family = genl_ctrl_resolve(sock, CRS_GENL_NAME);
	if (family < 0) {
		if (family == -NLE_OBJ_NOTFOUND)
			fprintf(stderr, "crsctl: the crs kernel module is not loaded (modprobe crs)\n");
		else
			fprintf(stderr, "crsctl: cannot find the crs netlink family: %s\n",
				nl_geterror(family));
		goto err;
	}
	return 0;
err:
	nl_socket_free(sock);
	sock = NULL;
	return -1;
}

struct nl_sock *crs_nl_sock(void)
{
	return sock;
}

int crs_nl_family(void)
{
	return family;
}

struct nl_msg *crs_msg(uint8_t cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg || !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0,
				 flags, cmd, CRS_GENL_VERSION)) {
		fprintf(stderr, "crsctl: out of memory\n");
		exit(1);
	}
	return msg;
}

struct request {
	crs_reply_cb cb;
	void *arg;
	int err;
	int done;
	int intr;	/* NLM_F_DUMP_INTR seen */
};

static int valid_cb(struct nl_msg *msg, void *data)
{
	struct request *req = data;
	struct nlattr *attrs[CRS_A_MAX + 1];
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	int err;

	/*
	 * The kernel flags the first message of a dump after a racing
	 * change, not necessarily the NLMSG_DONE.
	 */
	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		req->intr = 1;
	/*
	 * After a callback failed, the rest of a dump is still read (and
	 * ignored), so that it cannot be taken for the next request's reply.
	 */
	if (!req->cb || req->err)
		return NL_OK;
	err = genlmsg_parse(nlh, 0, attrs, CRS_A_MAX, NULL);
	if (err < 0) {
		req->err = -EPROTO;
		return NL_OK;
	}
	err = req->cb(attrs, nlh, req->arg);
	if (err < 0)
		req->err = err;
	return NL_OK;
}

/* The kernel's message, as the user reads it. */
static void set_errmsg(const char *s)
{
	/* NL_SET_ERR_MSG_MOD's "crs: " says nothing to our user. */
	if (!strncmp(s, CRS_GENL_NAME ": ", strlen(CRS_GENL_NAME) + 2))
		s += strlen(CRS_GENL_NAME) + 2;
	snprintf(crs_nl_errmsg, sizeof(crs_nl_errmsg), "%s", s);
}

static void extack_done(struct nlmsghdr *nlh);

static int finish_cb(struct nl_msg *msg, void *data)
{
	struct request *req = data;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);

	/*
	 * A dump that fails after it started ends with NLMSG_DONE carrying
	 * the error (and the kernel's message, as an ack's TLVs would).
	 */
	if (nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(int))) {
		int derr = *(int *)nlmsg_data(nlh);

		if (derr < 0 && !req->err) {
			req->err = derr;
			extack_done(nlh);
		}
	}

	/* NLM_F_DUMP_INTR: the kernel says the dump raced a change. */
	if (req->intr || (nlmsg_hdr(msg)->nlmsg_flags & NLM_F_DUMP_INTR))
		req->err = -EINTR;
	req->done = 1;
	return NL_STOP;
}

static int ack_cb(struct nl_msg *msg, void *data)
{
	struct request *req = data;

	(void)msg;
	req->done = 1;
	return NL_STOP;
}

/* Pulls NLMSGERR_ATTR_MSG out of the extended acknowledgement. */
static void extack_msg(struct nlmsghdr *nlh, struct nlmsgerr *e)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	unsigned int off = sizeof(*e);
	struct nlattr *attrs;
	int len;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	len = (int)nlh->nlmsg_len - NLMSG_HDRLEN - (int)off;
	if (len <= 0)
		return;
	attrs = (struct nlattr *)((char *)nlmsg_data(nlh) + off);
	if (nla_parse(tb, NLMSGERR_ATTR_MAX, attrs, len, NULL) < 0)
		return;
	if (tb[NLMSGERR_ATTR_MSG])
		set_errmsg(nla_get_string(tb[NLMSGERR_ATTR_MSG]));
}

/* The TLVs after NLMSG_DONE's error code. */
static void extack_done(struct nlmsghdr *nlh)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	int len = (int)nlh->nlmsg_len - (int)NLMSG_LENGTH(sizeof(int));

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || len <= 0)
		return;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX,
		      (struct nlattr *)((char *)nlmsg_data(nlh) + sizeof(int)),
		      len, NULL) < 0 || !tb[NLMSGERR_ATTR_MSG])
		return;
	set_errmsg(nla_get_string(tb[NLMSGERR_ATTR_MSG]));
}

static int error_cb(struct sockaddr_nl *nla, struct nlmsgerr *e, void *data)
{
	struct request *req = data;
	struct nlmsghdr *nlh = (struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);

	(void)nla;
	req->err = e->error;
	req->done = 1;
	extack_msg(nlh, e);
	return NL_STOP;
}

int crs_nl_request(struct nl_msg *msg, crs_reply_cb cb, void *arg)
{
	struct request req = { .cb = cb, .arg = arg };
	struct nl_cb *nlcb;
	int err;

	crs_nl_errmsg[0] = '\0';
	nlcb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!nlcb) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	nl_cb_set(nlcb, NL_CB_VALID, NL_CB_CUSTOM, valid_cb, &req);
	nl_cb_set(nlcb, NL_CB_FINISH, NL_CB_CUSTOM, finish_cb, &req);
	nl_cb_set(nlcb, NL_CB_ACK, NL_CB_CUSTOM, ack_cb, &req);
	nl_cb_err(nlcb, NL_CB_CUSTOM, error_cb, &req);

	err = nl_send_auto(sock, msg);
	nlmsg_free(msg);
	if (err < 0) {
		nl_cb_put(nlcb);
		return err == -NLE_MSGSIZE ? -EMSGSIZE : -EIO;
	}
	while (!req.done) {
		err = nl_recvmsgs(sock, nlcb);
		if (err < 0 && !req.done) {
			if (!req.err)
				req.err = err == -NLE_NOMEM ? -ENOMEM : -EIO;
			break;
		}
	}
	nl_cb_put(nlcb);
	return req.err;
}

int crs_nl_perror(const char *what, int err)
{
	return fail("%s: %s", what,
		    crs_nl_errmsg[0] ? crs_nl_errmsg : strerror(-err));
}

int crs_nla_parse_nested(struct nlattr **tb, int maxtype, struct nlattr *nla)
{
	return nla_parse_nested(tb, maxtype, nla, NULL);
}
