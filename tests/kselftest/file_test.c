// SPDX-License-Identifier: GPL-2.0
/*
 * File rules (SPEC sections 3 and 4): each operation decided at the
 * kernel's permission points for a process in a covered cgroup, in each
 * mode; specificity (program, then object, then action); defaults;
 * symlinks; descendant cgroups; a descriptor opened before the policy;
 * and a process outside any attached cgroup. The parent applies policies
 * and stays uncovered; each operation runs in a child that joins the
 * covered cgroup, and its errno comes back as the exit status.
 */
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>

#include "kselftest_harness.h"
#include "crs_policy_util.h"

#define D	"/tmp/crsf"
#define CG	"crsf"

/* ---- events -------------------------------------------------------------- */

struct fev {
	int n;			/* events in the ring */
	uint64_t seq;		/* of the last one: how many were produced */
	uint8_t type, action, enforced;
	int has_rule;
	char rule[64], path[PATH_MAX], program[PATH_MAX];
};

static int fev_cb(struct nlattr **attrs, struct nlmsghdr *nlh, void *arg)
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

static int seq_cb(struct nlattr **attrs, struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *tb[CRS_STATS_A_MAX + 1];

	(void)nlh;
	if (!attrs[CRS_A_STATS] ||
	    crs_nla_parse_nested(tb, CRS_STATS_A_MAX, attrs[CRS_A_STATS]) ||
	    !tb[CRS_STATS_A_EVENT_SEQ])
		return -EPROTO;
	*(uint64_t *)arg = nla_get_u64(tb[CRS_STATS_A_EVENT_SEQ]);
	return 0;
}

/*
 * The last event produced (its seq counts them all: every test program
 * starts with a fresh module). Events reach the ring after a moment, so
 * wait until the one the status names as the last produced is there.
 */
static int events(struct fev *e)
{
	uint64_t last;
	int err, i;

	err = crs_nl_request(crs_msg(CRS_CMD_STATUS_GET, 0), seq_cb, &last);
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

static void put_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd >= 0) {
		if (write(fd, text, strlen(text)) < 0)
			perror(path);
		close(fd);
	}
}

/* The file's content ("" when missing, "?" when unreadable). */
static const char *content(const char *path)
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

static int exists(const char *path)
{
	struct stat st;

	return !lstat(path, &st);
}

typedef int (*op_fn)(const void *arg);

/*
 * Runs fn in a child that joins cgroup rel ("" stays in the root); 0 or
 * the errno it failed with.
 */
static int run_in(const char *rel, op_fn fn, const void *arg)
{
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		if (*rel && ct_cgroup_enter(rel))
			_exit(200);
		_exit(fn(arg));
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

#define RUN(fn, arg)	run_in(CG, fn, arg)

/* Opens and closes path with flags: RUN(op_open, OPEN(path, flags)). */
struct open_arg {
	const char *path;
	int flags;
};

#define OPEN(p, f)	(&(const struct open_arg){ .path = (p), .flags = (f) })

static int op_open(const void *p)
{
	const struct open_arg *a = p;
	int fd = open(a->path, a->flags, 0644);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static int op_append(const void *p)
{
	int fd = open(p, O_WRONLY | O_APPEND);

	if (fd < 0)
		return errno;
	if (write(fd, "+", 1) != 1)
		return errno;
	close(fd);
	return 0;
}

static int op_unlink(const void *p)
{
	return unlink(p) ? errno : 0;
}

static int op_truncate(const void *p)
{
	return truncate(p, 0) ? errno : 0;
}

static int op_chmod(const void *p)
{
	return chmod(p, 0600) ? errno : 0;
}

static int op_chown(const void *p)
{
	return chown(p, 1, 1) ? errno : 0;
}

static int op_mkdir(const void *p)
{
	return mkdir(p, 0755) ? errno : 0;
}

static int op_symlink(const void *p)
{
	return symlink("/nowhere", p) ? errno : 0;
}

/* Renames/links p to p + "2" ("x" -> "x2") or from it. */
static int op_rename_from(const void *p)
{
	char to[PATH_MAX];

	snprintf(to, sizeof(to), "%s", (const char *)p);
	snprintf(to + strlen(to) - strlen(basename(to)), 32, "moved");
	return rename(p, to) ? errno : 0;
}

static int op_rename_to(const void *p)
{
	return rename(D "/free", p) ? errno : 0;
}

static int op_link_to(const void *p)
{
	return link(p, D "/hardlink") ? errno : 0;
}

static int op_link_at(const void *p)
{
	return link(D "/free", p) ? errno : 0;
}

/*
 * Descriptor operations on FD, opened by the parent before the child
 * joined the cgroup (high, clear of the netlink socket).
 */
#define FD	100
static int op_fd_write(const void *p)
{
	(void)p;
	return write(FD, "X", 1) == 1 ? 0 : errno;
}

static int op_fd_pwrite(const void *p)
{
	(void)p;
	return pwrite(FD, "X", 1, 0) == 1 ? 0 : errno;
}

static int op_fd_ftruncate(const void *p)
{
	(void)p;
	return ftruncate(FD, 0) ? errno : 0;
}

static int op_fd_fallocate(const void *p)
{
	(void)p;
	return fallocate(FD, 0, 0, 4096) ? errno : 0;
}

static int op_fd_copy_file_range(const void *p)
{
	int in = open(D "/free", O_RDONLY);

	(void)p;
	if (in < 0)
		return errno;
	return copy_file_range(in, NULL, FD, NULL, 4, 0) == 4 ? 0 : errno;
}

static int op_fd_sendfile(const void *p)
{
	int in = open(D "/free", O_RDONLY);

	(void)p;
	if (in < 0)
		return errno;
	return sendfile(FD, in, NULL, 4) == 4 ? 0 : errno;
}

static int op_fd_splice(const void *p)
{
	int fds[2];

	(void)p;
	if (pipe(fds) || write(fds[1], "XYZW", 4) != 4)
		return errno;
	return splice(fds[0], NULL, FD, NULL, 4, 0) == 4 ? 0 : errno;
}

/* Maps FD writable with type (MAP_SHARED or MAP_PRIVATE). */
static int fd_mmap(int type)
{
	void *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, type, FD, 0);

	if (m == MAP_FAILED)
		return errno;
	munmap(m, 4096);
	return 0;
}

static int op_fd_mmap_shared(const void *p)
{
	(void)p;
	return fd_mmap(MAP_SHARED);
}

static int op_fd_mmap_private(const void *p)
{
	(void)p;
	return fd_mmap(MAP_PRIVATE);
}

static int op_fd_read(const void *p)
{
	char c;

	(void)p;
	return pread(FD, &c, 1, 0) >= 0 ? 0 : errno;
}

static int op_pipe_write(const void *p)
{
	int fds[2];

	(void)p;
	if (pipe(fds))
		return errno;
	return write(fds[1], "x", 1) == 1 ? 0 : errno;
}

/* Runs fn with FD open on path (flags), opened while uncovered. */
static int run_fd(const char *path, int flags, op_fn fn)
{
	int fd = open(path, flags), ret;

	if (fd < 0 || dup2(fd, FD) != FD)
		return -1;
	close(fd);
	ret = RUN(fn, NULL);
	close(FD);
	return ret;
}

static const char *self_exe(void)
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

static int apply(const char *name, uint8_t mode, uint8_t def_file,
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

static void make_tree(void)
{
	mkdir(D, 0755);
	mkdir(D "/ro", 0755);
	mkdir(D "/sub", 0755);
	put_file(D "/deny", "orig");
	put_file(D "/secret", "orig");
	put_file(D "/mon", "orig");
	put_file(D "/free", "orig");
	put_file(D "/ro/file", "orig");
	put_file(D "/ro/ok", "orig");
	put_file(D "/sub/file", "orig");
	symlink(D "/deny", D "/link");
}

static void remove_tree(void)
{
	if (system("rm -rf " D))
		perror("rm");
}

/* ---- operations in each mode --------------------------------------------- */

static const struct frule base_rules[] = {
	FR("w-deny", W, DENY, NULL, D "/deny"),
	FR("r-deny", R, DENY, NULL, D "/secret"),
	FR("ro-dir", W, DENY, NULL, D "/ro/"),
	FR("ro-ok", W, ALLOW, NULL, D "/ro/ok"),
	FR("w-mon", W, MON, NULL, D "/mon"),
};

FIXTURE(ops) {
	int cg;
	struct fev before;
};

FIXTURE_VARIANT(ops) {
	uint8_t policy_mode;
	int attach_mode;	/* -1: follow the policy */
	int events;		/* -1: default (all) */
	bool denies;		/* a deny fails the operation */
	bool reports_deny;
	bool reports_monitor;
};

FIXTURE_VARIANT_ADD(ops, active) {
	.policy_mode = CRS_MODE_ACTIVE, .attach_mode = -1, .events = -1,
	.denies = true, .reports_deny = true, .reports_monitor = true,
};

FIXTURE_VARIANT_ADD(ops, permissive) {
	.policy_mode = CRS_MODE_PERMISSIVE, .attach_mode = -1, .events = -1,
	.denies = false, .reports_deny = true, .reports_monitor = true,
};

FIXTURE_VARIANT_ADD(ops, inactive) {
	.policy_mode = CRS_MODE_INACTIVE, .attach_mode = -1, .events = -1,
	.denies = false, .reports_deny = false, .reports_monitor = false,
};

FIXTURE_VARIANT_ADD(ops, attachment_makes_inactive_active) {
	.policy_mode = CRS_MODE_INACTIVE, .attach_mode = CRS_MODE_ACTIVE,
	.events = -1,
	.denies = true, .reports_deny = true, .reports_monitor = true,
};

FIXTURE_VARIANT_ADD(ops, attachment_makes_active_permissive) {
	.policy_mode = CRS_MODE_ACTIVE, .attach_mode = CRS_MODE_PERMISSIVE,
	.events = -1,
	.denies = false, .reports_deny = true, .reports_monitor = true,
};

FIXTURE_VARIANT_ADD(ops, active_reporting_denies_only) {
	.policy_mode = CRS_MODE_ACTIVE, .attach_mode = -1,
	.events = CRS_EVENTS_DENY,
	.denies = true, .reports_deny = true, .reports_monitor = false,
};

FIXTURE_VARIANT_ADD(ops, active_reporting_nothing) {
	.policy_mode = CRS_MODE_ACTIVE, .attach_mode = -1,
	.events = CRS_EVENTS_NONE,
	.denies = true, .reports_deny = false, .reports_monitor = false,
};

FIXTURE_SETUP(ops)
{
	ASSERT_EQ(0, crs_nl_open());
	ct_cleanup();
	remove_tree();
	make_tree();
	ASSERT_EQ(0, apply("files", variant->policy_mode, ALLOW, base_rules,
			   ARRAY_SIZE(base_rules))) TH_LOG("%s", crs_nl_errmsg);
	self->cg = ct_cgroup(CG);
	ASSERT_LE(0, self->cg);
	ASSERT_LE(0, ct_cgroup(CG "/child"));
	ASSERT_EQ(0, ct_attach_cmd(CRS_CMD_ATTACH_NEW, self->cg, "files",
				   variant->attach_mode, variant->events))
		TH_LOG("%s", crs_nl_errmsg);
	ASSERT_EQ(0, events(&self->before));
}

FIXTURE_TEARDOWN(ops)
{
	ct_cleanup();
	close(self->cg);
	ct_cgroup_rm(CG "/child");
	ct_cgroup_rm(CG);
	remove_tree();
}

/*
 * Checks the outcome of one operation that rule decides with action:
 * its errno, the event it produced (or that none was), and that a
 * refused operation changed nothing (unchanged() true).
 */
#define EXPECT_DECIDED(_ret, _act, _rule, _type, _path, _unch)		\
	EXPECT_DECIDED_N(1, _ret, _act, _rule, _type, _path, _unch)

/*
 * An operation allowed despite a deny (permissive) may go on to a second
 * check that reports again (an O_TRUNC open truncates, an append writes):
 * n events then; n < 0: one or more (the kernel splits a copy into as
 * many writes as it likes, 6.1 more than 6.12).
 */
#define EXPECT_DECIDED_N(n, _ret, _act, _rule, _type, _path, _unch) do { \
	struct fev __e;							\
	bool __deny = (_act) == DENY;					\
	bool __rep = __deny ? variant->reports_deny :			\
		     (_act) == MON ? variant->reports_monitor : false; \
	int __n = __deny && variant->denies ? 1 : (n);			\
	EXPECT_EQ(__deny && variant->denies ? EACCES : 0, _ret);		\
	if (__deny && variant->denies)					\
		EXPECT_TRUE(_unch);					\
	ASSERT_EQ(0, events(&__e));					\
	if (__n < 0 && __rep) {						\
		EXPECT_LE(self->before.seq + 1, __e.seq);		\
	} else {							\
		EXPECT_EQ(self->before.seq + (__rep ? __n : 0), __e.seq); \
	}								\
	if (__rep && __e.seq > self->before.seq) {				\
		EXPECT_EQ(_type, __e.type);				\
		EXPECT_EQ(_act, __e.action);				\
		EXPECT_EQ(__deny && variant->denies, __e.enforced);	\
		EXPECT_STREQ(_rule, __e.rule);				\
		EXPECT_STREQ(_path, __e.path);				\
		EXPECT_STREQ(self_exe(), __e.program);			\
	}								\
} while (0)

TEST_F(ops, open_for_write)
{
	EXPECT_DECIDED(RUN(op_open, OPEN(D "/deny", O_WRONLY)), DENY, "w-deny", W,
		       D "/deny", 1);
}

TEST_F(ops, open_for_read_and_write)
{
	EXPECT_DECIDED(RUN(op_open, OPEN(D "/deny", O_RDWR)), DENY, "w-deny", W,
		       D "/deny", 1);
}

TEST_F(ops, open_with_o_trunc_is_a_write)
{
	EXPECT_DECIDED_N(2, RUN(op_open, OPEN(D "/deny", O_RDONLY | O_TRUNC)), DENY, "w-deny", W,
		       D "/deny", !strcmp("orig", content(D "/deny")));
}

TEST_F(ops, open_for_append)
{
	EXPECT_DECIDED_N(2, RUN(op_append, D "/deny"), DENY, "w-deny", W,
		       D "/deny", !strcmp("orig", content(D "/deny")));
}

TEST_F(ops, open_for_read)
{
	EXPECT_DECIDED(RUN(op_open, OPEN(D "/secret", O_RDONLY)), DENY, "r-deny", R,
		       D "/secret", 1);
}

TEST_F(ops, read_rule_does_not_cover_writes)
{
	EXPECT_DECIDED(RUN(op_open, OPEN(D "/secret", O_WRONLY)), ALLOW, "", W, "", 1);
}

TEST_F(ops, write_rule_does_not_cover_reads)
{
	EXPECT_DECIDED(RUN(op_open, OPEN(D "/deny", O_RDONLY)), ALLOW, "", R, "", 1);
}

TEST_F(ops, creation_leaves_no_file)
{
	EXPECT_DECIDED(RUN(op_open, OPEN(D "/ro/new", O_WRONLY | O_CREAT | O_EXCL)), DENY, "ro-dir", W,
		       D "/ro/new", !exists(D "/ro/new"));
}

TEST_F(ops, unlink)
{
	EXPECT_DECIDED(RUN(op_unlink, D "/ro/file"), DENY, "ro-dir", W,
		       D "/ro/file", exists(D "/ro/file"));
}

TEST_F(ops, truncate)
{
	EXPECT_DECIDED(RUN(op_truncate, D "/deny"), DENY, "w-deny", W,
		       D "/deny", !strcmp("orig", content(D "/deny")));
}

TEST_F(ops, chmod)
{
	struct stat st;

	EXPECT_DECIDED(RUN(op_chmod, D "/deny"), DENY, "w-deny", W, D "/deny",
		       !stat(D "/deny", &st) && (st.st_mode & 0777) == 0644);
}

TEST_F(ops, chown)
{
	struct stat st;

	EXPECT_DECIDED(RUN(op_chown, D "/deny"), DENY, "w-deny", W, D "/deny",
		       !stat(D "/deny", &st) && st.st_uid == 0);
}

TEST_F(ops, mkdir_in_a_denied_directory)
{
	EXPECT_DECIDED(RUN(op_mkdir, D "/ro/d"), DENY, "ro-dir", W, D "/ro/d",
		       !exists(D "/ro/d"));
}

TEST_F(ops, symlink_in_a_denied_directory)
{
	EXPECT_DECIDED(RUN(op_symlink, D "/ro/l"), DENY, "ro-dir", W,
		       D "/ro/l", !exists(D "/ro/l"));
}

TEST_F(ops, rename_from)
{
	EXPECT_DECIDED(RUN(op_rename_from, D "/deny"), DENY, "w-deny", W,
		       D "/deny", exists(D "/deny") && !exists(D "/moved"));
}

TEST_F(ops, rename_to)
{
	EXPECT_DECIDED(RUN(op_rename_to, D "/deny"), DENY, "w-deny", W,
		       D "/deny", !strcmp("orig", content(D "/deny")) &&
		       exists(D "/free"));
}

TEST_F(ops, hard_link_to_it)
{
	EXPECT_DECIDED(RUN(op_link_to, D "/deny"), DENY, "w-deny", W,
		       D "/deny", !exists(D "/hardlink"));
}

TEST_F(ops, hard_link_into_a_denied_directory)
{
	EXPECT_DECIDED(RUN(op_link_at, D "/ro/hl"), DENY, "ro-dir", W,
		       D "/ro/hl", !exists(D "/ro/hl"));
}

TEST_F(ops, write_on_a_descriptor_opened_before)
{
	EXPECT_DECIDED(run_fd(D "/deny", O_WRONLY, op_fd_write), DENY,
		       "w-deny", W, D "/deny",
		       !strcmp("orig", content(D "/deny")));
}

TEST_F(ops, pwrite_on_a_descriptor_opened_before)
{
	EXPECT_DECIDED(run_fd(D "/deny", O_WRONLY, op_fd_pwrite), DENY,
		       "w-deny", W, D "/deny",
		       !strcmp("orig", content(D "/deny")));
}

TEST_F(ops, ftruncate_on_a_descriptor_opened_before)
{
	EXPECT_DECIDED(run_fd(D "/deny", O_WRONLY, op_fd_ftruncate), DENY,
		       "w-deny", W, D "/deny",
		       !strcmp("orig", content(D "/deny")));
}

TEST_F(ops, fallocate_on_a_descriptor_opened_before)
{
	struct stat st;

	EXPECT_DECIDED(run_fd(D "/deny", O_WRONLY, op_fd_fallocate), DENY,
		       "w-deny", W, D "/deny",
		       !stat(D "/deny", &st) && st.st_size == 4);
}

TEST_F(ops, copy_file_range_into_it)
{
	EXPECT_DECIDED_N(-1, run_fd(D "/deny", O_WRONLY, op_fd_copy_file_range),
		       DENY, "w-deny", W, D "/deny",
		       !strcmp("orig", content(D "/deny")));
}

TEST_F(ops, sendfile_into_it)
{
	EXPECT_DECIDED_N(-1, run_fd(D "/deny", O_WRONLY, op_fd_sendfile),
		       DENY, "w-deny", W, D "/deny",
		       !strcmp("orig", content(D "/deny")));
}

TEST_F(ops, splice_into_it)
{
	EXPECT_DECIDED_N(-1, run_fd(D "/deny", O_WRONLY, op_fd_splice),
		       DENY, "w-deny", W, D "/deny",
		       !strcmp("orig", content(D "/deny")));
}

TEST_F(ops, shared_writable_mapping)
{
	EXPECT_DECIDED(run_fd(D "/deny", O_RDWR, op_fd_mmap_shared), DENY,
		       "w-deny", W, D "/deny", 1);
}

TEST_F(ops, private_mapping_is_not_a_write)
{
	EXPECT_DECIDED(run_fd(D "/deny", O_RDONLY, op_fd_mmap_private), ALLOW,
		       "", W, "", 1);
}

TEST_F(ops, reads_on_a_descriptor_are_not_checked)
{
	EXPECT_DECIDED(run_fd(D "/secret", O_RDONLY, op_fd_read), ALLOW,
		       "", R, "", 1);
}

TEST_F(ops, exact_path_beats_its_directory)
{
	EXPECT_DECIDED(RUN(op_open, OPEN(D "/ro/ok", O_WRONLY)), ALLOW, "", W, "", 1);
}

TEST_F(ops, monitor_allows_and_reports)
{
	/* One open, one event; each write would be one more. */
	EXPECT_DECIDED(RUN(op_open, OPEN(D "/mon", O_WRONLY)), MON, "w-mon", W, D "/mon", 1);
}

TEST_F(ops, symlink_is_matched_as_its_target)
{
	EXPECT_DECIDED(RUN(op_open, OPEN(D "/link", O_WRONLY)), DENY, "w-deny", W,
		       D "/deny", 1);
}

TEST_F(ops, descendant_cgroup_is_covered)
{
	EXPECT_DECIDED(run_in(CG "/child", op_open, OPEN(D "/deny", O_WRONLY)), DENY,
		       "w-deny", W, D "/deny", 1);
}

TEST_F(ops, pipes_are_never_checked)
{
	EXPECT_DECIDED(RUN(op_pipe_write, NULL), ALLOW, "", W, "", 1);
}

TEST_F(ops, uncovered_process_is_not_checked)
{
	struct fev e;

	EXPECT_EQ(0, run_in("", op_open, OPEN(D "/deny", O_WRONLY)));
	EXPECT_EQ(0, run_in("", op_unlink, D "/ro/file"));
	EXPECT_FALSE(exists(D "/ro/file"));
	ASSERT_EQ(0, events(&e));
	EXPECT_EQ(self->before.seq, e.seq);
}

/* ---- specificity and defaults (active) ----------------------------------- */

FIXTURE(spec) {
	int cg;
	char exe[PATH_MAX], exedir[PATH_MAX], exeparent[PATH_MAX];
};

FIXTURE_SETUP(spec)
{
	char *slash;

	ASSERT_EQ(0, crs_nl_open());
	ct_cleanup();
	remove_tree();
	make_tree();
	snprintf(self->exe, sizeof(self->exe), "%s", self_exe());
	/* "/crs/kselftest/file_test": "/crs/kselftest/" and "/crs/". */
	snprintf(self->exedir, sizeof(self->exedir), "%s", self->exe);
	slash = strrchr(self->exedir, '/');
	ASSERT_NE(NULL, slash);
	slash[1] = '\0';
	snprintf(self->exeparent, sizeof(self->exeparent), "%s", self->exedir);
	self->exeparent[strlen(self->exeparent) - 1] = '\0';
	slash = strrchr(self->exeparent, '/');
	ASSERT_NE(NULL, slash);
	slash[1] = '\0';
	self->cg = ct_cgroup(CG);
	ASSERT_LE(0, self->cg);
}

FIXTURE_TEARDOWN(spec)
{
	ct_cleanup();
	close(self->cg);
	ct_cgroup_rm(CG);
	remove_tree();
}

static int apply_attach(struct __test_metadata *_metadata, int cg,
			uint8_t def, const struct frule *r, int n)
{
	int err = apply("spec", CRS_MODE_ACTIVE, def, r, n);

	if (!err)
		err = ct_attach(cg, "spec");
	if (err)
		TH_LOG("%s", crs_nl_errmsg);
	return err;
}

TEST_F(spec, named_program_beats_any)
{
	const struct frule r[] = {
		FR("any", W, DENY, NULL, D "/free"),
		FR("me", W, ALLOW, self->exe, D "/free"),
	};

	ASSERT_EQ(0, apply_attach(_metadata, self->cg, ALLOW, r, 2));
	EXPECT_EQ(0, RUN(op_open, OPEN(D "/free", O_WRONLY)));
}

TEST_F(spec, program_beats_object_specificity)
{
	/* A program directory with a directory object beats "*" exact. */
	const struct frule r[] = {
		FR("any-exact", W, ALLOW, NULL, D "/free"),
		FR("dir-dir", W, DENY, self->exedir, D "/"),
	};
	struct fev e;

	ASSERT_EQ(0, apply_attach(_metadata, self->cg, ALLOW, r, 2));
	EXPECT_EQ(EACCES, RUN(op_open, OPEN(D "/free", O_WRONLY)));
	ASSERT_EQ(0, events(&e));
	EXPECT_STREQ("dir-dir", e.rule);
}

TEST_F(spec, named_program_beats_its_directory)
{
	const struct frule r[] = {
		FR("dir", W, ALLOW, self->exedir, D "/free"),
		FR("me", W, DENY, self->exe, D "/"),
	};

	ASSERT_EQ(0, apply_attach(_metadata, self->cg, ALLOW, r, 2));
	EXPECT_EQ(EACCES, RUN(op_open, OPEN(D "/free", O_WRONLY)));
}

TEST_F(spec, longer_program_directory_beats_shorter)
{
	const struct frule r[] = {
		FR("short", W, DENY, self->exeparent, D "/free"),
		FR("long", W, ALLOW, self->exedir, D "/free"),
	};

	ASSERT_NE(0, strcmp(self->exedir, self->exeparent));
	ASSERT_EQ(0, apply_attach(_metadata, self->cg, ALLOW, r, 2));
	EXPECT_EQ(0, RUN(op_open, OPEN(D "/free", O_WRONLY)));
}

TEST_F(spec, other_program_is_not_matched)
{
	const struct frule r[] = {
		FR("other", W, DENY, "/usr/bin/other", D "/free"),
		FR("otherdir", W, DENY, "/nonexistent/", D "/"),
	};

	ASSERT_EQ(0, apply_attach(_metadata, self->cg, ALLOW, r, 2));
	EXPECT_EQ(0, RUN(op_open, OPEN(D "/free", O_WRONLY)));
}

TEST_F(spec, longer_directory_beats_shorter)
{
	const struct frule r[] = {
		FR("top", W, ALLOW, NULL, D "/"),
		FR("sub", W, DENY, NULL, D "/sub/"),
	};

	ASSERT_EQ(0, apply_attach(_metadata, self->cg, ALLOW, r, 2));
	EXPECT_EQ(EACCES, RUN(op_open, OPEN(D "/sub/file", O_WRONLY)));
	EXPECT_EQ(0, RUN(op_open, OPEN(D "/free", O_WRONLY)));
}

TEST_F(spec, root_directory_rule_covers_everything)
{
	const struct frule r[] = {
		FR("all", W, DENY, NULL, "/"),
	};

	ASSERT_EQ(0, apply_attach(_metadata, self->cg, ALLOW, r, 1));
	EXPECT_EQ(EACCES, RUN(op_open, OPEN(D "/sub/file", O_WRONLY)));
	EXPECT_EQ(0, RUN(op_open, OPEN(D "/sub/file", O_RDONLY)));
}

TEST_F(spec, deny_beats_monitor_beats_allow_among_equals)
{
	const struct frule r[] = {
		FR("a", W, ALLOW, NULL, D "/free"),
		FR("m", W, MON, NULL, D "/free"),
		FR("a2", W, ALLOW, NULL, D "/mon"),
		FR("m2", W, MON, NULL, D "/mon"),
		FR("d", W, DENY, NULL, D "/free"),
	};
	struct fev e;

	ASSERT_EQ(0, apply_attach(_metadata, self->cg, ALLOW, r, 5));
	EXPECT_EQ(EACCES, RUN(op_open, OPEN(D "/free", O_WRONLY)));
	ASSERT_EQ(0, events(&e));
	EXPECT_STREQ("d", e.rule);
	EXPECT_EQ(0, RUN(op_open, OPEN(D "/mon", O_WRONLY)));
	ASSERT_EQ(0, events(&e));
	EXPECT_STREQ("m2", e.rule);
	EXPECT_EQ(MON, e.action);
}

TEST_F(spec, disabled_rule_is_ignored)
{
	const struct frule r[] = {
		{ .name = "off", .type = W, .action = DENY, .program = NULL, .path = D "/free",
		  .disabled = true },
	};

	ASSERT_EQ(0, apply_attach(_metadata, self->cg, ALLOW, r, 1));
	EXPECT_EQ(0, RUN(op_open, OPEN(D "/free", O_WRONLY)));
}

TEST_F(spec, default_decides_without_a_candidate)
{
	const struct frule r[] = {
		FR("ok", R, ALLOW, NULL, D "/free"),
	};
	struct fev before, e;

	ASSERT_EQ(0, apply_attach(_metadata, self->cg, DENY, r, 1));
	ASSERT_EQ(0, events(&before));
	EXPECT_EQ(0, RUN(op_open, OPEN(D "/free", O_RDONLY)));
	EXPECT_EQ(EACCES, RUN(op_open, OPEN(D "/secret", O_RDONLY)));
	ASSERT_EQ(0, events(&e));
	EXPECT_EQ(before.seq + 1, e.seq);
	EXPECT_FALSE(e.has_rule);
	EXPECT_STREQ(D "/secret", e.path);
	EXPECT_EQ(R, e.type);
}

TEST_F(spec, default_monitor_reports_without_a_rule)
{
	struct fev e;

	ASSERT_EQ(0, apply_attach(_metadata, self->cg, MON, NULL, 0));
	EXPECT_EQ(0, RUN(op_open, OPEN(D "/free", O_RDONLY)));
	ASSERT_EQ(0, events(&e));
	EXPECT_LE(1, e.seq);
	EXPECT_EQ(MON, e.action);
	EXPECT_FALSE(e.has_rule);
}

TEST_F(spec, replacing_the_policy_takes_effect_at_once)
{
	const struct frule r[] = {
		FR("d", W, DENY, NULL, D "/free"),
	};

	ASSERT_EQ(0, apply_attach(_metadata, self->cg, ALLOW, r, 1));
	EXPECT_EQ(EACCES, RUN(op_open, OPEN(D "/free", O_WRONLY)));
	ASSERT_EQ(0, apply("spec", CRS_MODE_ACTIVE, ALLOW, NULL, 0));
	EXPECT_EQ(0, RUN(op_open, OPEN(D "/free", O_WRONLY)));
	ASSERT_EQ(0, apply("spec", CRS_MODE_ACTIVE, ALLOW, r, 1));
	EXPECT_EQ(EACCES, RUN(op_open, OPEN(D "/free", O_WRONLY)));
	ASSERT_EQ(0, ct_policy_set("spec", CRS_MODE_PERMISSIVE, NULL));
	EXPECT_EQ(0, RUN(op_open, OPEN(D "/free", O_WRONLY)));
	ASSERT_EQ(0, ct_policy_set("spec", CRS_MODE_ACTIVE, NULL));
	EXPECT_EQ(EACCES, RUN(op_open, OPEN(D "/free", O_WRONLY)));
	ASSERT_EQ(0, ct_detach(self->cg));
	EXPECT_EQ(0, RUN(op_open, OPEN(D "/free", O_WRONLY)));
}

TEST_F(spec, program_rule_does_not_follow_exec)
{
	/* The rule names this test's program: busybox is another one. */
	const struct frule r[] = {
		FR("me", W, DENY, self->exe, D "/free"),
	};
	char cmd[256];
	int st;

	ASSERT_EQ(0, apply_attach(_metadata, self->cg, ALLOW, r, 1));
	EXPECT_EQ(EACCES, RUN(op_open, OPEN(D "/free", O_WRONLY)));
	snprintf(cmd, sizeof(cmd),
		 "echo $$ > " CT_CGROOT "/" CG "/cgroup.procs && echo x >> " D "/free");
	st = system(cmd);
	EXPECT_EQ(0, st);
	EXPECT_STREQ("origx\n", content(D "/free"));
}

TEST_HARNESS_MAIN
