/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the file rule tests (file_test.c, file_uring_test.c): the
 * last event, files and their content, running an operation in a child
 * that joins a covered cgroup, and file policies.
 */
#ifndef CRS_FILE_UTIL_H
#define CRS_FILE_UTIL_H

#include <limits.h>

#include "crs_policy_util.h"

/* ---- events -------------------------------------------------------------- */

struct fev {
	int n;			/* events in the ring */
	uint64_t seq;		/* of the last one: how many were produced */
	uint8_t type, action, enforced;
	int has_rule;
	char rule[64], path[PATH_MAX], program[PATH_MAX];
};

static inline int fev_cb(struct nlattr **attrs, struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *tb[CRS_EVENT_A_MAX + 1];
	struct fev *e = arg;
	uint64_t seq;

	(void)nlh;
	if (!attrs[CRS_A_EVENT] ||
	    crs_nla_parse_nested(tb, CRS_EVENT_A_MAX, attrs[CRS_A_EVENT]) ||
	    !tb[CRS_EVENT_A_SEQ])
		return -EPROTO;
	e->n++;
	seq = nla_get_u64(tb[CRS_EVENT_A_SEQ]);
	if (seq < e->seq)
		return 0;
	e->seq = seq;
	e->type = tb[CRS_EVENT_A_TYPE] ? nla_get_u8(tb[CRS_EVENT_A_TYPE]) : 255;
	e->action = tb[CRS_EVENT_A_ACTION] ?
		    nla_get_u8(tb[CRS_EVENT_A_ACTION]) : 255;
	e->enforced = tb[CRS_EVENT_A_ENFORCED] ?
		      nla_get_u8(tb[CRS_EVENT_A_ENFORCED]) : 255;
	e->has_rule = !!tb[CRS_EVENT_A_RULE];
	snprintf(e->rule, sizeof(e->rule), "%s",
		 tb[CRS_EVENT_A_RULE] ? nla_get_string(tb[CRS_EVENT_A_RULE]) : "");
	snprintf(e->path, sizeof(e->path), "%s",
		 tb[CRS_EVENT_A_PATH] ? nla_get_string(tb[CRS_EVENT_A_PATH]) : "");
	snprintf(e->program, sizeof(e->program), "%s",
		 tb[CRS_EVENT_A_PROGRAM] ?
		 nla_get_string(tb[CRS_EVENT_A_PROGRAM]) : "");
	return 0;
}

/*
 * The last event produced (its seq counts them all: every test program
 * starts with a fresh module). Events reach the ring after a moment, so
 * wait until the one the status names as the last produced is there.
 */
static inline int events(struct fev *e)
{
	uint64_t last;
	int err, i;

	err = ct_event_seq(&last);
	for (i = 0; !err && i < 300; i++) {
		memset(e, 0, sizeof(*e));
		err = crs_nl_request(crs_msg(CRS_CMD_EVENT, NLM_F_DUMP),
				     fev_cb, e);
		if (err || e->seq >= last)
			break;
		usleep(10000);
	}
	return err ?: e->seq >= last ? 0 : -ETIMEDOUT;
}

/* ---- files and the covered child ---------------------------------------- */

static inline void put_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd >= 0) {
		if (write(fd, text, strlen(text)) < 0)
			perror(path);
		close(fd);
	}
}

/* The file's content ("" when missing, "?" when unreadable). */
static inline const char *content(const char *path)
{
	static char buf[256];
	ssize_t n;
	int fd;

	buf[0] = '\0';
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return errno == ENOENT ? "" : "?";
	n = read(fd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	close(fd);
	return buf;
}

static inline int exists(const char *path)
{
	struct stat st;

	return !lstat(path, &st);
}

static inline const char *self_exe(void)
{
	static char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	exe[n > 0 ? n : 0] = '\0';
	return exe;
}

/* ---- policies ------------------------------------------------------------ */

#define W	CRS_RULE_FILE_WRITE
#define R	CRS_RULE_FILE_READ
#define DENY	CRS_ACTION_DENY
#define MON	CRS_ACTION_MONITOR
#define ALLOW	CRS_ACTION_ALLOW

struct frule {
	const char *name;
	uint8_t type, action;
	const char *program, *path;
	bool disabled;
};

#define FR(n, t, a, prog, p) \
	{ .name = n, .type = t, .action = a, .program = prog, .path = p }

static inline int apply(const char *name, uint8_t mode, uint8_t def_file,
			const struct frule *r, int n)
{
	struct ct_msg m;
	int i;

	ct_begin(&m, CRS_XFER_BEGIN | CRS_XFER_END, name);
	nla_put_u8(m.msg, CRS_POLICY_A_MODE, mode);
	nla_put_u8(m.msg, CRS_POLICY_A_DEF_FILE, def_file);
	for (i = 0; i < n; i++)
		ct_rule(&m, &(struct ct_rule){
			.name = r[i].name, .type = r[i].type,
			.action = r[i].action, .program = r[i].program,
			.path = r[i].path, .disabled = r[i].disabled });
	return ct_send(&m, n);
}

#endif
