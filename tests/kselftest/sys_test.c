// SPDX-License-Identifier: GPL-2.0
/*
 * Syscall rules (SPEC sections 3 and 4): path, descriptor and integer
 * arguments and "*", in each mode; exec rules for a named parent and for
 * any program; the 32-bit entry under compat_syscalls deny and allow; an
 * allow-list under which busybox runs; events; refusals; a process in no
 * attached cgroup; and the hooks gone after the last detach. The parent
 * applies policies and stays uncovered; each call runs in a child that
 * joins the covered cgroup, and its errno comes back as the exit status.
 */
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>

#include "kselftest_harness.h"
#include "crs_policy_util.h"

#define D	"/tmp/crss"
#define CG	"crss"
#define BUSYBOX	"/bin/busybox"

#define DENY	CRS_ACTION_DENY
#define MON	CRS_ACTION_MONITOR
#define ALLOW	CRS_ACTION_ALLOW

/* ---- events -------------------------------------------------------------- */

struct sev {
	uint64_t seq;		/* of the last one: how many were produced */
	uint8_t type, action, enforced;
	int has_rule;
	char rule[64], syscall[64], program[PATH_MAX];
	int nargs;
	uint8_t kind[CRS_SYSCALL_ARGS];
	int64_t ival[CRS_SYSCALL_ARGS];
	char path[CRS_SYSCALL_ARGS][PATH_MAX];
	/* Every syscall name seen after since, space-separated. */
	uint64_t since;
	char names[8192];
};

static void add_name(struct sev *e, const char *name)
{
	char word[80];
	size_t len = strlen(e->names);

	snprintf(word, sizeof(word), " %s ", name);
	if (strstr(e->names, word) || len + strlen(word) >= sizeof(e->names))
		return;
	snprintf(e->names + len, sizeof(e->names) - len, "%s ",
		 len ? name : word);
}

static int sev_cb(struct nlattr **attrs, struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *tb[CRS_EVENT_A_MAX + 1], *ta[CRS_ARG_A_MAX + 1], *a;
	struct sev *e = arg;
	uint64_t seq;
	int rem, k = 0;

	(void)nlh;
	if (!attrs[CRS_A_EVENT] ||
	    crs_nla_parse_nested(tb, CRS_EVENT_A_MAX, attrs[CRS_A_EVENT]) ||
	    !tb[CRS_EVENT_A_SEQ])
		return -EPROTO;
	seq = nla_get_u64(tb[CRS_EVENT_A_SEQ]);
	if (seq > e->since && tb[CRS_EVENT_A_SYSCALL])
		add_name(e, nla_get_string(tb[CRS_EVENT_A_SYSCALL]));
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
	snprintf(e->syscall, sizeof(e->syscall), "%s",
		 tb[CRS_EVENT_A_SYSCALL] ?
		 nla_get_string(tb[CRS_EVENT_A_SYSCALL]) : "");
	snprintf(e->program, sizeof(e->program), "%s",
		 tb[CRS_EVENT_A_PROGRAM] ?
		 nla_get_string(tb[CRS_EVENT_A_PROGRAM]) : "");
	memset(e->kind, 0, sizeof(e->kind));
	memset(e->path, 0, sizeof(e->path));
	if (tb[CRS_EVENT_A_ARGS]) {
		nla_for_each_nested(a, tb[CRS_EVENT_A_ARGS], rem) {
			if (k == CRS_SYSCALL_ARGS ||
			    crs_nla_parse_nested(ta, CRS_ARG_A_MAX, a))
				break;
			e->kind[k] = ta[CRS_ARG_A_KIND] ?
				     nla_get_u8(ta[CRS_ARG_A_KIND]) : 255;
			if (ta[CRS_ARG_A_INT])
				e->ival[k] = (int64_t)nla_get_u64(ta[CRS_ARG_A_INT]);
			if (ta[CRS_ARG_A_PATH])
				snprintf(e->path[k], sizeof(e->path[k]), "%s",
					 nla_get_string(ta[CRS_ARG_A_PATH]));
			k++;
		}
	}
	e->nargs = k;
	return 0;
}

/* The last event produced, once it reached the ring; names after since. */
static int events_since(struct sev *e, uint64_t since)
{
	uint64_t last;
	int err, i;

	err = ct_event_seq(&last);
	for (i = 0; !err && i < 300; i++) {
		memset(e, 0, sizeof(*e));
		e->since = since;
		err = crs_nl_request(crs_msg(CRS_CMD_EVENT, NLM_F_DUMP),
				     sev_cb, e);
		if (err || e->seq >= last)
			break;
		usleep(10000);
	}
	return err ?: e->seq >= last ? 0 : -ETIMEDOUT;
}

static int events(struct sev *e)
{
	return events_since(e, UINT64_MAX);
}

/* ---- the covered child --------------------------------------------------- */

#define RUN(fn, arg)	run_in(CG, fn, arg)

static int ret_errno(long ret)
{
	return ret < 0 ? errno : 0;
}

static int op_mkdir(const void *p)
{
	return ret_errno(syscall(SYS_mkdir, p, 0755));
}

/* mkdir relative to the working directory D. */
static int op_mkdir_rel(const void *p)
{
	if (chdir(D))
		return 201;
	return ret_errno(syscall(SYS_mkdir, p, 0755));
}

/* mkdirat relative to a descriptor of D, from the root. */
static int op_mkdirat(const void *p)
{
	int dfd = open(D, O_RDONLY | O_DIRECTORY);

	if (dfd < 0 || chdir("/"))
		return 201;
	return ret_errno(syscall(SYS_mkdirat, dfd, p, 0755));
}

static int op_ftruncate(const void *p)
{
	int fd = open(p, O_WRONLY);

	if (fd < 0)
		return 201;
	return ret_errno(syscall(SYS_ftruncate, fd, 0));
}

/* fchownat() of an open file by an empty name (AT_EMPTY_PATH). */
static int op_fchownat_empty(const void *p)
{
	int fd = open(p, O_RDONLY);

	if (fd < 0)
		return 201;
	return ret_errno(syscall(SYS_fchownat, fd, "", 1234, 1234,
				 AT_EMPTY_PATH));
}

static uid_t owner_of(const char *p)
{
	struct stat st;

	return stat(p, &st) ? (uid_t)-1 : st.st_uid;
}

static int op_kill0(const void *p)
{
	(void)p;
	return ret_errno(syscall(SYS_kill, getpid(), 0));
}

static int op_kill_init0(const void *p)
{
	(void)p;
	return ret_errno(syscall(SYS_kill, 1, 0));
}

static int op_kill_cont(const void *p)
{
	(void)p;
	return ret_errno(syscall(SYS_kill, getpid(), SIGCONT));
}

static int op_personality(const void *p)
{
	return ret_errno(syscall(SYS_personality, *(const unsigned int *)p));
}

static int op_umask(const void *p)
{
	(void)p;
	return ret_errno(syscall(SYS_umask, 022));
}

/* argv[0] picks busybox's applet; the status is the program's. */
static int op_exec(const void *p)
{
	const char *const *argv = p;

	execv(argv[0], (char *const *)argv + 1);
	return errno;
}

static int op_sysinfo(const void *p)
{
	struct sysinfo si;

	(void)p;
	return ret_errno(syscall(SYS_sysinfo, &si));
}

/*
 * The 32-bit entry from this 64-bit program: int $0x80 takes 32-bit
 * pointers, so the path lives in a mapping below 4 GiB. i386 numbers.
 */
#define NR32_GETPID	20
#define NR32_MKDIR	39
#define NR32_UMASK	60
#define NR32_SOCKETCALL	102
#define NR32_IPC	117

static long int80(long nr, long a, long b, long c)
{
	long ret;

	asm volatile("int $0x80"
		     : "=a"(ret)
		     : "a"(nr), "b"(a), "c"(b), "d"(c)
		     : "memory", "r8", "r9", "r10", "r11");
	return ret;
}

static int op_int80_getpid(const void *p)
{
	long ret = int80(NR32_GETPID, 0, 0, 0);

	(void)p;
	return ret < 0 ? (int)-ret : 0;
}

static int op_int80_umask(const void *p)
{
	long ret = int80(NR32_UMASK, 022, 0, 0);

	(void)p;
	return ret < 0 ? (int)-ret : 0;
}

static int op_int80_mkdir(const void *p)
{
	char *low = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	long ret;

	if (low == MAP_FAILED)
		return 201;
	snprintf(low, 4096, "%s", (const char *)p);
	ret = int80(NR32_MKDIR, (long)low, 0755, 0);
	return ret < 0 ? (int)-ret : 0;
}

/* socketcall(SYS_SOCKET, {family, SOCK_RAW or DGRAM, 0}) on the 32-bit entry. */
static int op_int80_socket(const void *p)
{
	int family = *(const int *)p;
	unsigned int *low = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	long ret;

	if (low == MAP_FAILED)
		return 201;
	low[0] = family;
	low[1] = family == AF_PACKET ? SOCK_RAW : SOCK_DGRAM;
	low[2] = 0;
	ret = int80(NR32_SOCKETCALL, 1 /* SYS_SOCKET */, (long)low, 0);
	return ret < 0 ? (int)-ret : 0;
}

/* ipc(MSGGET, key, IPC_CREAT | 0600) on the 32-bit entry. */
static int op_int80_msgget(const void *p)
{
	long ret = int80(NR32_IPC, 13 /* MSGGET */, *(const int *)p,
			 01000 | 0600);

	return ret < 0 ? (int)-ret : 0;
}

static const char *self_exe(void)
{
	static char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	exe[n > 0 ? n : 0] = '\0';
	return exe;
}

static int exists(const char *path)
{
	struct stat st;

	return !lstat(path, &st);
}

static void put_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd >= 0) {
		if (write(fd, text, strlen(text)) < 0)
			perror(path);
		close(fd);
	}
}

static off_t size_of(const char *path)
{
	struct stat st;

	return stat(path, &st) ? -1 : st.st_size;
}

static int copy(const char *from, const char *to)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "cp %s %s && chmod 755 %s", from, to, to);
	return system(cmd);
}

static void make_tree(void)
{
	if (system("rm -rf " D))
		perror("rm");
	mkdir(D, 0755);
	mkdir(D "/ro", 0755);
	mkdir(D "/real", 0755);
	symlink(D "/ro", D "/link");
	put_file(D "/deny", "orig");
	put_file(D "/free", "orig");
	mkdir(D "/fd", 0755);
	put_file(D "/fd/x", "orig");
	put_file(D "/fd/ok", "orig");
	put_file(D "/fd/mon", "orig");
	copy(BUSYBOX, D "/nginx");
	copy(BUSYBOX, D "/forbidden");
}

/* ---- policies ------------------------------------------------------------ */

#define ANY		{ .kind = CRS_ARG_ANY }
#define INT(v)		{ .kind = CRS_ARG_INT, .has_int = true, .ival = (uint64_t)(v) }
#define PATH(p)		{ .kind = CRS_ARG_PATH, .path = (p) }

struct srule {
	const char *name, *sys, *program;
	uint8_t action;
	int nargs;
	struct ct_arg args[3];
};

#define SR(n, s, a, prog, na, ...) \
	{ .name = n, .sys = s, .action = a, .program = prog, .nargs = na, \
	  .args = { __VA_ARGS__ } }

static int apply(const char *name, uint8_t mode, uint8_t def_app,
		 uint8_t compat, const struct srule *r, int n)
{
	struct ct_msg m;
	int i;

	ct_begin(&m, CRS_XFER_BEGIN | CRS_XFER_END, name);
	nla_put_u8(m.msg, CRS_POLICY_A_MODE, mode);
	nla_put_u8(m.msg, CRS_POLICY_A_DEF_APP, def_app);
	nla_put_u8(m.msg, CRS_POLICY_A_COMPAT, compat);
	for (i = 0; i < n; i++) {
		struct ct_rule cr = {
			.name = r[i].name, .type = CRS_RULE_SYSCALL,
			.action = r[i].action, .program = r[i].program,
			.syscall = r[i].sys, .nargs = r[i].nargs,
		};

		memcpy(cr.args, r[i].args, sizeof(r[i].args));
		ct_rule(&m, &cr);
	}
	return ct_send(&m, n);
}

static const struct srule base_rules[] = {
	/* path: exact, a directory, and an exact allow inside it */
	SR("mk-nope", "mkdir", DENY, NULL, 1, PATH(D "/nope")),
	SR("mk-watch", "mkdir", MON, NULL, 1, PATH(D "/watch")),
	SR("mk-ro", "mkdir", DENY, NULL, 1, PATH(D "/ro/")),
	SR("mk-ro-ok", "mkdir", ALLOW, NULL, 2, PATH(D "/ro/ok"), ANY),
	SR("mkat-nope", "mkdirat", DENY, NULL, 2, ANY, PATH(D "/nope")),
	/* descriptor: exact, a directory, an exact allow inside it, monitor */
	SR("ftr-deny", "ftruncate", DENY, NULL, 1, PATH(D "/deny")),
	SR("ftr-fd", "ftruncate", DENY, NULL, 1, PATH(D "/fd/")),
	SR("ftr-fd-ok", "ftruncate", ALLOW, NULL, 1, PATH(D "/fd/ok")),
	SR("ftr-mon", "ftruncate", MON, NULL, 1, PATH(D "/fd/mon")),
	/* an empty name: the directory descriptor's file */
	SR("chown-empty", "fchownat", DENY, NULL, 2, ANY, PATH(D "/deny")),
	/* integers: kill's signal 0; personality's 32-bit -1 */
	SR("kill0", "kill", DENY, NULL, 2, ANY, INT(0)),
	SR("kill-1-0", "kill", ALLOW, NULL, 2, INT(1), INT(0)),
	SR("kill-cont", "kill", MON, NULL, 2, ANY, INT(SIGCONT)),
	SR("pers", "personality", DENY, NULL, 1, INT(-1)),
	SR("packet", "socket", DENY, NULL, 1, INT(17)),
	/* "*" */
	SR("umask", "umask", DENY, NULL, 1, ANY),
	/* a call that only the 32-bit entry multiplexes */
	SR("msgget", "msgget", DENY, NULL, 1, INT(0x1234)),
	/* exec: nginx may not start a shell; nobody may run forbidden */
	SR("no-shell", "execve", DENY, D "/nginx", 1, PATH("/bin/sh")),
	SR("no-forbidden", "execve", DENY, NULL, 1, PATH(D "/forbidden")),
};

/* ---- operations in each mode --------------------------------------------- */

FIXTURE(ops) {
	int cg;
	struct sev before;
};

FIXTURE_VARIANT(ops) {
	uint8_t policy_mode;
	int attach_mode;	/* -1: follow the policy */
	bool denies;
	bool reports;
};

FIXTURE_VARIANT_ADD(ops, active) {
	.policy_mode = CRS_MODE_ACTIVE, .attach_mode = -1,
	.denies = true, .reports = true,
};

FIXTURE_VARIANT_ADD(ops, permissive) {
	.policy_mode = CRS_MODE_PERMISSIVE, .attach_mode = -1,
	.denies = false, .reports = true,
};

FIXTURE_VARIANT_ADD(ops, inactive) {
	.policy_mode = CRS_MODE_INACTIVE, .attach_mode = -1,
	.denies = false, .reports = false,
};

FIXTURE_VARIANT_ADD(ops, attachment_makes_inactive_active) {
	.policy_mode = CRS_MODE_INACTIVE, .attach_mode = CRS_MODE_ACTIVE,
	.denies = true, .reports = true,
};

FIXTURE_SETUP(ops)
{
	ASSERT_EQ(0, crs_nl_open());
	ct_cleanup();
	make_tree();
	ASSERT_EQ(0, apply("sys", variant->policy_mode, ALLOW, CRS_COMPAT_DENY,
			   base_rules, ARRAY_SIZE(base_rules)))
		TH_LOG("%s", crs_nl_errmsg);
	self->cg = ct_cgroup(CG);
	ASSERT_LE(0, self->cg);
	ASSERT_EQ(0, ct_attach_cmd(CRS_CMD_ATTACH_NEW, self->cg, "sys",
				   variant->attach_mode, -1))
		TH_LOG("%s", crs_nl_errmsg);
	ASSERT_EQ(0, events(&self->before));
}

FIXTURE_TEARDOWN(ops)
{
	ct_cleanup();
	close(self->cg);
	ct_cgroup_rm(CG);
	if (system("rm -rf " D))
		perror("rm");
}

/*
 * One call that rule decided with action: its errno (EPERM when a deny
 * is enforced), the event it produced (or that none was), and that a
 * refused call changed nothing (_unch true).
 */
#define EXPECT_DECIDED(_ret, _act, _rule, _sys, _unch) do {		\
	struct sev __e;							\
	bool __deny = (_act) == DENY && variant->denies;		\
	EXPECT_EQ(__deny ? EPERM : 0, _ret);				\
	if (__deny)							\
		EXPECT_TRUE(_unch);					\
	ASSERT_EQ(0, events(&__e));					\
	EXPECT_EQ(self->before.seq + (variant->reports ? 1 : 0), __e.seq); \
	if (variant->reports && __e.seq > self->before.seq) {		\
		EXPECT_EQ(CRS_RULE_SYSCALL, __e.type);			\
		EXPECT_EQ(_act, __e.action);				\
		EXPECT_EQ(__deny, __e.enforced);			\
		EXPECT_STREQ(_rule, __e.rule);				\
		EXPECT_STREQ(_sys, __e.syscall);			\
	}								\
	self->before = __e;						\
} while (0)

#define EXPECT_QUIET(_ret) do {						\
	struct sev __e;							\
	EXPECT_EQ(0, _ret);						\
	ASSERT_EQ(0, events(&__e));					\
	EXPECT_EQ(self->before.seq, __e.seq);				\
} while (0)

TEST_F(ops, path_argument_exact)
{
	struct sev e;

	EXPECT_DECIDED(RUN(op_mkdir, D "/nope"), DENY, "mk-nope", "mkdir",
		       !exists(D "/nope"));
	if (!variant->reports)
		return;
	/* The event carries the path as resolved, and the mode as an integer. */
	ASSERT_EQ(0, events(&e));
	EXPECT_EQ(2, e.nargs);
	EXPECT_EQ(CRS_ARG_PATH, e.kind[0]);
	EXPECT_STREQ(D "/nope", e.path[0]);
	EXPECT_EQ(CRS_ARG_INT, e.kind[1]);
	EXPECT_EQ(0755, e.ival[1]);
	EXPECT_STREQ(self_exe(), e.program);
}

TEST_F(ops, path_argument_made_absolute)
{
	EXPECT_DECIDED(RUN(op_mkdir_rel, "nope"), DENY, "mk-nope", "mkdir",
		       !exists(D "/nope"));
}

TEST_F(ops, path_argument_of_an_at_call_against_its_dirfd)
{
	EXPECT_DECIDED(RUN(op_mkdirat, "nope"), DENY, "mkat-nope", "mkdirat",
		       !exists(D "/nope"));
}

TEST_F(ops, empty_path_argument_is_the_descriptors_file)
{
	EXPECT_DECIDED(RUN(op_fchownat_empty, D "/deny"), DENY, "chown-empty",
		       "fchownat", owner_of(D "/deny") == 0);
}

TEST_F(ops, path_argument_in_a_directory)
{
	EXPECT_DECIDED(RUN(op_mkdir, D "/ro/x"), DENY, "mk-ro", "mkdir",
		       !exists(D "/ro/x"));
}

TEST_F(ops, path_argument_through_a_symlink)
{
	EXPECT_DECIDED(RUN(op_mkdir, D "/link/x"), DENY, "mk-ro", "mkdir",
		       !exists(D "/ro/x"));
}

TEST_F(ops, exact_path_beats_directory)
{
	EXPECT_QUIET(RUN(op_mkdir, D "/ro/ok"));
	EXPECT_TRUE(exists(D "/ro/ok"));
}

TEST_F(ops, path_argument_monitored)
{
	EXPECT_DECIDED(RUN(op_mkdir, D "/watch"), MON, "mk-watch", "mkdir", 1);
	EXPECT_TRUE(exists(D "/watch"));
}

TEST_F(ops, path_argument_not_named)
{
	EXPECT_QUIET(RUN(op_mkdir, D "/real/other"));
	EXPECT_TRUE(exists(D "/real/other"));
}

TEST_F(ops, fd_argument)
{
	struct sev e;

	EXPECT_DECIDED(RUN(op_ftruncate, D "/deny"), DENY, "ftr-deny",
		       "ftruncate", size_of(D "/deny") == 4);
	if (variant->reports) {
		ASSERT_EQ(0, events(&e));
		EXPECT_EQ(CRS_ARG_PATH, e.kind[0]);
		EXPECT_STREQ(D "/deny", e.path[0]);
	}
	EXPECT_QUIET(RUN(op_ftruncate, D "/free"));
	EXPECT_EQ(0, size_of(D "/free"));
}

TEST_F(ops, fd_argument_in_a_directory_allowed_and_monitored)
{
	EXPECT_DECIDED(RUN(op_ftruncate, D "/fd/x"), DENY, "ftr-fd",
		       "ftruncate", size_of(D "/fd/x") == 4);
	/* The exact allow beats the directory. */
	EXPECT_QUIET(RUN(op_ftruncate, D "/fd/ok"));
	EXPECT_EQ(0, size_of(D "/fd/ok"));
	EXPECT_DECIDED(RUN(op_ftruncate, D "/fd/mon"), MON, "ftr-mon",
		       "ftruncate", 1);
	EXPECT_EQ(0, size_of(D "/fd/mon"));
}

TEST_F(ops, integer_argument)
{
	unsigned int query = 0xffffffff;

	EXPECT_DECIDED(RUN(op_kill0, NULL), DENY, "kill0", "kill", 1);
	/* Two integers beat one: kill(1, 0) is allowed. */
	EXPECT_QUIET(RUN(op_kill_init0, NULL));
	EXPECT_DECIDED(RUN(op_kill_cont, NULL), MON, "kill-cont", "kill", 1);
	/* A 32-bit parameter matches -1 as 0xffffffff. */
	EXPECT_DECIDED(RUN(op_personality, &query), DENY, "pers",
		       "personality", 1);
}

static int op_packet(const void *p)
{
	int fd;

	(void)p;
	fd = socket(AF_PACKET, SOCK_RAW, 0);
	if (fd >= 0)
		close(fd);
	return fd < 0 ? errno : 0;
}

TEST_F(ops, integer_argument_packet_socket)
{
	int ret = RUN(op_packet, NULL);
	struct sev e;

	/* Without packet sockets in the kernel the call fails its own way. */
	if (variant->denies) {
		EXPECT_EQ(EPERM, ret);
	} else {
		EXPECT_NE(EPERM, ret);
	}
	ASSERT_EQ(0, events(&e));
	EXPECT_EQ(self->before.seq + (variant->reports ? 1 : 0), e.seq);
	if (variant->reports)
		EXPECT_STREQ("packet", e.rule);
}

TEST_F(ops, any_argument)
{
	EXPECT_DECIDED(RUN(op_umask, NULL), DENY, "umask", "umask", 1);
}

TEST_F(ops, exec_by_a_named_parent)
{
	static const char *const nginx[] = {
		D "/nginx", "sh", "-c", "/bin/sh -c 'exit 7'", NULL
	};
	static const char *const sh[] = {
		"/bin/sh", "sh", "-c", "/bin/sh -c 'exit 7'", NULL
	};
	struct sev e;
	int ret;

	/* The shell that nginx starts cannot start another; busybox says 126. */
	ret = RUN(op_exec, nginx);
	EXPECT_EQ(variant->denies ? 126 : 7, ret);
	ASSERT_EQ(0, events(&e));
	EXPECT_EQ(self->before.seq + (variant->reports ? 1 : 0), e.seq);
	if (variant->reports) {
		EXPECT_STREQ("no-shell", e.rule);
		EXPECT_STREQ("execve", e.syscall);
		EXPECT_STREQ(D "/nginx", e.program);
		EXPECT_EQ(CRS_ARG_PATH, e.kind[0]);
		EXPECT_STREQ(BUSYBOX, e.path[0]);
	}
	self->before = e;
	/* A shell started otherwise runs one. */
	EXPECT_QUIET(RUN(op_exec, sh) == 7 ? 0 : -1);
}

TEST_F(ops, exec_for_any_program)
{
	static const char *const forbidden[] = {
		D "/forbidden", "true", NULL
	};

	EXPECT_DECIDED(RUN(op_exec, forbidden), DENY, "no-forbidden",
		       "execve", 1);
}

TEST_F(ops, compat_entry_denied)
{
	struct sev e;
	int ret = RUN(op_int80_umask, NULL);

	EXPECT_EQ(variant->denies ? EPERM : 0, ret);
	ASSERT_EQ(0, events(&e));
	EXPECT_EQ(self->before.seq + (variant->reports ? 1 : 0), e.seq);
	if (variant->reports) {
		EXPECT_FALSE(e.has_rule);
		EXPECT_EQ(DENY, e.action);
		EXPECT_STREQ("umask", e.syscall);
		EXPECT_EQ(022, e.ival[0]);
	}
}

TEST_F(ops, process_in_no_attached_cgroup)
{
	EXPECT_QUIET(run_in("", op_mkdir, D "/nope"));
	EXPECT_TRUE(exists(D "/nope"));
	EXPECT_QUIET(run_in("", op_umask, NULL));
	EXPECT_QUIET(run_in("", op_int80_getpid, NULL));
}

/* ---- the 32-bit entry under compat_syscalls allow ------------------------ */

FIXTURE(one) {
	int cg;
};

FIXTURE_SETUP(one)
{
	ASSERT_EQ(0, crs_nl_open());
	ct_cleanup();
	make_tree();
	self->cg = ct_cgroup(CG);
	ASSERT_LE(0, self->cg);
}

FIXTURE_TEARDOWN(one)
{
	ct_cleanup();
	close(self->cg);
	ct_cgroup_rm(CG);
	if (system("rm -rf " D))
		perror("rm");
}

TEST_F(one, compat_entry_matched_by_name)
{
	ASSERT_EQ(0, apply("sys", CRS_MODE_ACTIVE, ALLOW, CRS_COMPAT_ALLOW,
			   base_rules, ARRAY_SIZE(base_rules)))
		TH_LOG("%s", crs_nl_errmsg);
	ASSERT_EQ(0, ct_attach(self->cg, "sys")) TH_LOG("%s", crs_nl_errmsg);
	EXPECT_EQ(EPERM, RUN(op_int80_mkdir, D "/nope"));
	EXPECT_FALSE(exists(D "/nope"));
	EXPECT_EQ(0, RUN(op_int80_mkdir, D "/real/x"));
	EXPECT_TRUE(exists(D "/real/x"));
	EXPECT_EQ(0, RUN(op_int80_getpid, NULL));
}

TEST_F(one, compat_multiplexers_matched_as_their_calls)
{
	int packet = AF_PACKET, inet = AF_INET, key = 0x1234, other = 0;
	struct sev e;

	ASSERT_EQ(0, apply("sys", CRS_MODE_ACTIVE, ALLOW, CRS_COMPAT_ALLOW,
			   base_rules, ARRAY_SIZE(base_rules)))
		TH_LOG("%s", crs_nl_errmsg);
	ASSERT_EQ(0, ct_attach(self->cg, "sys")) TH_LOG("%s", crs_nl_errmsg);
	EXPECT_EQ(EPERM, RUN(op_int80_socket, &packet));
	ASSERT_EQ(0, events(&e));
	EXPECT_STREQ("packet", e.rule);
	EXPECT_STREQ("socket", e.syscall);
	EXPECT_EQ(17, e.ival[0]);
	EXPECT_EQ(0, RUN(op_int80_socket, &inet));
	EXPECT_EQ(EPERM, RUN(op_int80_msgget, &key));
	ASSERT_EQ(0, events(&e));
	EXPECT_STREQ("msgget", e.rule);
	EXPECT_EQ(0, RUN(op_int80_msgget, &other));
	/* Under compat_syscalls deny, both are refused whatever they do. */
	ASSERT_EQ(0, apply("sys", CRS_MODE_ACTIVE, ALLOW, CRS_COMPAT_DENY,
			   base_rules, ARRAY_SIZE(base_rules)));
	EXPECT_EQ(EPERM, RUN(op_int80_socket, &inet));
	EXPECT_EQ(EPERM, RUN(op_int80_msgget, &other));
}

/* ---- an allow-list ------------------------------------------------------- */

static int set_param(const char *name, const char *val)
{
	char path[128];
	int fd, ok;

	snprintf(path, sizeof(path), "/sys/module/crs/parameters/%s", name);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -1;
	ok = write(fd, val, strlen(val)) == (ssize_t)strlen(val);
	close(fd);
	return ok ? 0 : -1;
}

/* busybox sh running a few commands, as the covered child. */
static const char *const busybox_run[] = {
	BUSYBOX, "sh", "-c",
	"ls / >/dev/null && mkdir " D "/real/made && echo hi >" D "/real/f && cat " D "/real/f >/dev/null",
	NULL
};

TEST_F(one, allow_list_lets_busybox_run)
{
	struct srule rules[200];
	char names[8192], *name, *save;
	struct sev e;
	int n = 0;

	/* Every event of the learning run is needed: no rate limit. */
	ASSERT_EQ(0, set_param("event_rate", "0"));
	ASSERT_EQ(0, apply("al", CRS_MODE_ACTIVE, MON, CRS_COMPAT_DENY,
			   NULL, 0)) TH_LOG("%s", crs_nl_errmsg);
	ASSERT_EQ(0, ct_attach(self->cg, "al")) TH_LOG("%s", crs_nl_errmsg);
	ASSERT_EQ(0, events(&e));
	EXPECT_EQ(0, RUN(op_exec, busybox_run));
	ASSERT_EQ(0, events_since(&e, e.seq));
	TH_LOG("learned: %s", e.names);
	/* execve was reported by the exec hook, the others by the tracepoint. */
	EXPECT_NE(NULL, strstr(e.names, " execve "));
	EXPECT_NE(NULL, strstr(e.names, " mkdir "));
	EXPECT_EQ(NULL, strstr(e.names, " sysinfo "));
	/*
	 * What a run may or may not do depending on timing (a signal's
	 * return, the wait for a child), added by hand.
	 */
	add_name(&e, "rt_sigreturn");
	add_name(&e, "rt_sigprocmask");
	add_name(&e, "wait4");
	add_name(&e, "exit");
	add_name(&e, "exit_group");
	snprintf(names, sizeof(names), "%s", e.names);
	for (name = strtok_r(names, " ", &save); name && n < 200;
	     name = strtok_r(NULL, " ", &save))
		rules[n++] = (struct srule){ .name = strdup(name),
					     .sys = strdup(name),
					     .action = ALLOW };
	ASSERT_EQ(0, apply("al", CRS_MODE_ACTIVE, DENY, CRS_COMPAT_DENY,
			   rules, n)) TH_LOG("%s", crs_nl_errmsg);
	if (system("rm -rf " D "/real/made " D "/real/f"))
		perror("rm");

	ASSERT_EQ(0, events(&e));
	EXPECT_EQ(0, RUN(op_exec, busybox_run));
	EXPECT_TRUE(exists(D "/real/made"));
	ASSERT_EQ(0, events_since(&e, e.seq));
	EXPECT_STREQ("", e.names) TH_LOG("denied under the allow-list");
	/* A call outside the list fails, reported by its name. */
	EXPECT_EQ(EPERM, RUN(op_sysinfo, NULL));
	ASSERT_EQ(0, events(&e));
	EXPECT_STREQ("sysinfo", e.syscall);
	EXPECT_FALSE(e.has_rule);
	EXPECT_EQ(DENY, e.action);
	EXPECT_EQ(1, e.enforced);
	/* And an uncovered process calls it. */
	EXPECT_EQ(0, run_in("", op_sysinfo, NULL));
	/* Monitor instead of deny: the call runs and is reported. */
	ASSERT_EQ(0, apply("al", CRS_MODE_ACTIVE, MON, CRS_COMPAT_DENY,
			   rules, n)) TH_LOG("%s", crs_nl_errmsg);
	EXPECT_EQ(0, RUN(op_sysinfo, NULL));
	ASSERT_EQ(0, events(&e));
	EXPECT_STREQ("sysinfo", e.syscall);
	EXPECT_EQ(MON, e.action);
	set_param("event_rate", "1000");
}

/* ---- refusals ------------------------------------------------------------ */

TEST_F(one, unknown_names_and_bad_arguments_are_refused)
{
	static const struct srule good[] = {
		SR("g", "mkdir", DENY, NULL, 1, PATH(D "/nope")),
	};
	static const struct srule unknown[] = {
		SR("g", "mkdir", DENY, NULL, 0),
		SR("u", "frobnicate", DENY, NULL, 0),
	};
	static const struct srule not_x86_64[] = {
		SR("u", "socketcall", DENY, NULL, 0),
	};
	static const struct srule path_for_int[] = {
		SR("k", "kill", DENY, NULL, 2, ANY, PATH("/x")),
	};
	static const struct srule too_many[] = {
		SR("k", "getpid", DENY, NULL, 1, INT(1)),
	};
	struct ct_policy p;

	ASSERT_EQ(0, apply("sys", CRS_MODE_ACTIVE, ALLOW, CRS_COMPAT_DENY,
			   good, 1));
	ASSERT_EQ(0, ct_policy_get("sys", &p));

	EXPECT_EQ(-EINVAL, apply("sys", CRS_MODE_ACTIVE, ALLOW,
				 CRS_COMPAT_DENY, unknown, 2));
	EXPECT_NE(NULL, strstr(crs_nl_errmsg, "rules[1].syscall"))
		TH_LOG("%s", crs_nl_errmsg);
	EXPECT_EQ(-EINVAL, apply("sys", CRS_MODE_ACTIVE, ALLOW,
				 CRS_COMPAT_DENY, not_x86_64, 1));
	EXPECT_NE(NULL, strstr(crs_nl_errmsg, "rules[0].syscall"))
		TH_LOG("%s", crs_nl_errmsg);
	EXPECT_EQ(-EINVAL, apply("sys", CRS_MODE_ACTIVE, ALLOW,
				 CRS_COMPAT_DENY, path_for_int, 1));
	EXPECT_NE(NULL, strstr(crs_nl_errmsg, "rules[0].args[1]"))
		TH_LOG("%s", crs_nl_errmsg);
	EXPECT_EQ(-EINVAL, apply("sys", CRS_MODE_ACTIVE, ALLOW,
				 CRS_COMPAT_DENY, too_many, 1));
	EXPECT_NE(NULL, strstr(crs_nl_errmsg, "rules[0].args[0]"))
		TH_LOG("%s", crs_nl_errmsg);
	EXPECT_EQ(-EINVAL, apply("new", CRS_MODE_ACTIVE, ALLOW,
				 CRS_COMPAT_DENY, unknown, 2));

	/* Nothing changed: the first version stands, no new policy. */
	{
		struct ct_policy q;

		ASSERT_EQ(0, ct_policy_get("sys", &q));
		EXPECT_EQ(p.generation, q.generation);
		EXPECT_EQ(1, q.n_rules);
		EXPECT_EQ(-ENOENT, ct_policy_get("new", &q));
	}
	/* And it still decides as before. */
	ASSERT_EQ(0, ct_attach(self->cg, "sys"));
	EXPECT_EQ(EPERM, RUN(op_mkdir, D "/nope"));
}

/* ---- hooks only while needed --------------------------------------------- */

/* Whether enabled_functions lists a function named fn. */
static int hooked(const char *fn)
{
	char line[512], word[128];
	FILE *f = fopen("/sys/kernel/tracing/enabled_functions", "r");
	int found = 0;

	if (!f)
		f = fopen("/sys/kernel/debug/tracing/enabled_functions", "r");
	if (!f)
		return -1;
	snprintf(word, sizeof(word), "%s ", fn);
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, word, strlen(word)))
			found = 1;
	fclose(f);
	return found;
}

TEST_F(one, hooks_installed_while_needed)
{
	int i;

	ASSERT_EQ(0, apply("sys", CRS_MODE_ACTIVE, ALLOW, CRS_COMPAT_DENY,
			   base_rules, ARRAY_SIZE(base_rules)));
	if (hooked("__x64_sys_mkdir") < 0)
		SKIP(return, "no enabled_functions");
	/* Earlier tests' hooks linger a few seconds. */
	for (i = 0; i < 100 && hooked("__x64_sys_mkdir"); i++)
		usleep(100000);
	/* Applied but not attached: nothing. */
	EXPECT_EQ(0, hooked("__x64_sys_mkdir"));
	ASSERT_EQ(0, ct_attach(self->cg, "sys"));
	EXPECT_EQ(1, hooked("__x64_sys_mkdir"));
	EXPECT_EQ(1, hooked("__x64_sys_kill"));
	EXPECT_EQ(1, hooked("__ia32_sys_umask"));
	EXPECT_EQ(1, hooked("security_bprm_creds_for_exec"));
	/* A call no rule names is not hooked. */
	EXPECT_EQ(0, hooked("__x64_sys_getpid"));
	ASSERT_EQ(0, ct_detach(self->cg));
	/*
	 * Gone after lingering a few seconds, one after the other: wait
	 * for the last of them.
	 */
	for (i = 0; i < 100 && (hooked("__x64_sys_mkdir") ||
				hooked("__x64_sys_kill") ||
				hooked("__ia32_sys_umask") ||
				hooked("security_bprm_creds_for_exec")); i++)
		usleep(100000);
	EXPECT_EQ(0, hooked("__x64_sys_mkdir"));
	EXPECT_EQ(0, hooked("__x64_sys_kill"));
	EXPECT_EQ(0, hooked("__ia32_sys_umask"));
	EXPECT_EQ(0, hooked("security_bprm_creds_for_exec"));
}

TEST_F(one, replacing_an_attached_policy_moves_the_hooks)
{
	static const struct srule only_kill[] = {
		SR("kill0", "kill", DENY, NULL, 2, ANY, INT(0)),
	SR("kill-1-0", "kill", ALLOW, NULL, 2, INT(1), INT(0)),
	SR("kill-cont", "kill", MON, NULL, 2, ANY, INT(SIGCONT)),
	};
	int i;

	ASSERT_EQ(0, apply("sys", CRS_MODE_ACTIVE, ALLOW, CRS_COMPAT_DENY,
			   base_rules, ARRAY_SIZE(base_rules)));
	ASSERT_EQ(0, ct_attach(self->cg, "sys"));
	EXPECT_EQ(EPERM, RUN(op_mkdir, D "/nope"));
	ASSERT_EQ(0, apply("sys", CRS_MODE_ACTIVE, ALLOW, CRS_COMPAT_DENY,
			   only_kill, 1));
	/* The new version decides at once; the old one's hooks go. */
	EXPECT_EQ(0, RUN(op_mkdir, D "/nope"));
	EXPECT_EQ(EPERM, RUN(op_kill0, NULL));
	if (hooked("__x64_sys_mkdir") < 0)
		return;
	for (i = 0; i < 100 && hooked("__x64_sys_mkdir"); i++)
		usleep(100000);
	EXPECT_EQ(0, hooked("__x64_sys_mkdir"));
	EXPECT_EQ(1, hooked("__x64_sys_kill"));
}

TEST_HARNESS_MAIN
