// SPDX-License-Identifier: GPL-2.0
/*
 * File rules through io_uring (SPEC section 4: file-read and file-write
 * name it): each operation submitted by a process in a covered cgroup
 * completes with -EACCES in its CQE when denied, and changes nothing,
 * with the same event a system call gets; allowed ones succeed; in
 * permissive mode denies are reported and not enforced; a process outside
 * attached cgroups is not checked. The ring is made with the raw system
 * calls: the child that joined the cgroup sets it up, so that io_uring's
 * workers, created by it, are covered as it is.
 */
#include <fcntl.h>
#include <limits.h>
#include <linux/io_uring.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/xattr.h>

#include "kselftest_harness.h"
#include "file_util.h"

#define D	"/tmp/crsu"
#define CG	"crsu"
#define XA	"trusted.crs"
/* A descriptor the parent opened before the child joined the cgroup. */
#define FD	100

/* ---- a ring of one entry at a time ------------------------------------- */

struct ring {
	int fd;
	unsigned int *sq_tail, *sq_mask, *sq_array;
	unsigned int *cq_head, *cq_tail, *cq_mask;
	struct io_uring_sqe *sqes;
	struct io_uring_cqe *cqes;
};

static void *ring_map(int fd, size_t len, off_t off)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_POPULATE, fd, off);

	return p == MAP_FAILED ? NULL : p;
}

/* 0 or an errno. */
static int ring_init(struct ring *r)
{
	struct io_uring_params p;
	char *sq, *cq;

	memset(&p, 0, sizeof(p));
	r->fd = syscall(__NR_io_uring_setup, 4, &p);
	if (r->fd < 0)
		return errno;
	sq = ring_map(r->fd, p.sq_off.array + p.sq_entries * sizeof(unsigned int),
		      IORING_OFF_SQ_RING);
	cq = ring_map(r->fd, p.cq_off.cqes +
		      p.cq_entries * sizeof(struct io_uring_cqe),
		      IORING_OFF_CQ_RING);
	r->sqes = ring_map(r->fd, p.sq_entries * sizeof(struct io_uring_sqe),
			   IORING_OFF_SQES);
	if (!sq || !cq || !r->sqes)
		return errno;
	r->sq_tail = (unsigned int *)(sq + p.sq_off.tail);
	r->sq_mask = (unsigned int *)(sq + p.sq_off.ring_mask);
	r->sq_array = (unsigned int *)(sq + p.sq_off.array);
	r->cq_head = (unsigned int *)(cq + p.cq_off.head);
	r->cq_tail = (unsigned int *)(cq + p.cq_off.tail);
	r->cq_mask = (unsigned int *)(cq + p.cq_off.ring_mask);
	r->cqes = (struct io_uring_cqe *)(cq + p.cq_off.cqes);
	return 0;
}

/*
 * Sets up a ring, submits sqe and waits for its completion: 0, or the
 * errno of the CQE (or of the ring's system calls).
 */
static int uring_run(const struct io_uring_sqe *sqe)
{
	unsigned int tail, idx, head;
	struct ring r = { .fd = -1 };
	int err, res;

	err = ring_init(&r);
	if (err)
		return err;
	tail = *r.sq_tail;
	idx = tail & *r.sq_mask;
	r.sqes[idx] = *sqe;
	r.sq_array[idx] = idx;
	__atomic_store_n(r.sq_tail, tail + 1, __ATOMIC_RELEASE);
	if (syscall(__NR_io_uring_enter, r.fd, 1, 1, IORING_ENTER_GETEVENTS,
		    NULL, 0) != 1)
		return errno;
	head = *r.cq_head;
	if (__atomic_load_n(r.cq_tail, __ATOMIC_ACQUIRE) == head)
		return EPROTO;
	res = r.cqes[head & *r.cq_mask].res;
	__atomic_store_n(r.cq_head, head + 1, __ATOMIC_RELEASE);
	close(r.fd);
	return res < 0 ? -res : 0;
}

/* ---- the operations, each in a child -------------------------------------- */

struct open_arg {
	const char *path;
	int flags;
};

#define OPEN(p, f)	(&(const struct open_arg){ .path = (p), .flags = (f) })

static int op_openat(const void *p)
{
	const struct open_arg *a = p;
	struct io_uring_sqe sqe = {
		.opcode = IORING_OP_OPENAT,
		.fd = AT_FDCWD,
		.addr = (uintptr_t)a->path,
		.len = 0644,
		.open_flags = a->flags,
	};

	return uring_run(&sqe);
}

static int op_fd_write(const void *p)
{
	struct io_uring_sqe sqe = {
		.opcode = IORING_OP_WRITE,
		.fd = FD,
		.addr = (uintptr_t)"X",
		.len = 1,
	};

	(void)p;
	return uring_run(&sqe);
}

/* Renames p to D "/moved". */
static int op_renameat(const void *p)
{
	struct io_uring_sqe sqe = {
		.opcode = IORING_OP_RENAMEAT,
		.fd = AT_FDCWD,
		.addr = (uintptr_t)p,
		.len = AT_FDCWD,
		.addr2 = (uintptr_t)D "/moved",
	};

	return uring_run(&sqe);
}

static int op_unlinkat(const void *p)
{
	struct io_uring_sqe sqe = {
		.opcode = IORING_OP_UNLINKAT,
		.fd = AT_FDCWD,
		.addr = (uintptr_t)p,
	};

	return uring_run(&sqe);
}

static int op_setxattr(const void *p)
{
	struct io_uring_sqe sqe = {
		.opcode = IORING_OP_SETXATTR,
		.addr = (uintptr_t)XA,
		.addr2 = (uintptr_t)"v",
		.addr3 = (uintptr_t)p,
		.len = 1,
	};

	return uring_run(&sqe);
}

static int op_fd_fsetxattr(const void *p)
{
	struct io_uring_sqe sqe = {
		.opcode = IORING_OP_FSETXATTR,
		.fd = FD,
		.addr = (uintptr_t)XA,
		.addr2 = (uintptr_t)"v",
		.len = 1,
	};

	(void)p;
	return uring_run(&sqe);
}

/* Runs fn in rel with FD open on path (flags), opened while uncovered. */
static int run_fd_in(const char *rel, const char *path, int flags, op_fn fn)
{
	int fd = open(path, flags), ret;

	if (fd < 0 || dup2(fd, FD) != FD)
		return -1;
	close(fd);
	ret = run_in(rel, fn, NULL);
	close(FD);
	return ret;
}

#define RUN(fn, arg)		run_in(CG, fn, arg)
#define RUN_FD(p, f, fn)	run_fd_in(CG, p, f, fn)

static int has_xattr(const char *path)
{
	char v[8];

	return getxattr(path, XA, v, sizeof(v)) >= 0;
}

/* ---- the tests ------------------------------------------------------------ */

static const struct frule rules[] = {
	FR("w-deny", W, DENY, NULL, D "/deny"),
	FR("r-deny", R, DENY, NULL, D "/secret"),
	FR("ro-dir", W, DENY, NULL, D "/ro/"),
	FR("ro-ok", W, ALLOW, NULL, D "/ro/ok"),
};

static void remove_tree(void)
{
	if (system("rm -rf " D))
		perror("rm");
}

FIXTURE(uring) {
	int cg;
	struct fev before;
};

FIXTURE_VARIANT(uring) {
	uint8_t mode;
	bool denies;
};

FIXTURE_VARIANT_ADD(uring, active) {
	.mode = CRS_MODE_ACTIVE, .denies = true,
};

FIXTURE_VARIANT_ADD(uring, permissive) {
	.mode = CRS_MODE_PERMISSIVE, .denies = false,
};

FIXTURE_SETUP(uring)
{
	ASSERT_EQ(0, crs_nl_open());
	ct_cleanup();
	remove_tree();
	ASSERT_EQ(0, mkdir(D, 0755));
	ASSERT_EQ(0, mkdir(D "/ro", 0755));
	put_file(D "/deny", "orig");
	put_file(D "/secret", "orig");
	put_file(D "/free", "orig");
	put_file(D "/ro/file", "orig");
	put_file(D "/ro/ok", "orig");
	ASSERT_EQ(0, apply("uring", variant->mode, ALLOW, rules,
			   ARRAY_SIZE(rules))) TH_LOG("%s", crs_nl_errmsg);
	self->cg = ct_cgroup(CG);
	ASSERT_LE(0, self->cg);
	ASSERT_EQ(0, ct_attach(self->cg, "uring")) TH_LOG("%s", crs_nl_errmsg);
	ASSERT_EQ(0, events(&self->before));
}

FIXTURE_TEARDOWN(uring)
{
	ct_cleanup();
	close(self->cg);
	ct_cgroup_rm(CG);
	remove_tree();
}

/*
 * A denied operation: EACCES and unchanged (active), or done (permissive);
 * one event, from rule on path, for this program. Done, it may go on to a
 * second check that reports again (an O_TRUNC open truncates): n events.
 */
#define EXPECT_DENIED(_ret, _rule, _type, _path, _unch)			\
	EXPECT_DENIED_N(1, _ret, _rule, _type, _path, _unch)

#define EXPECT_DENIED_N(_n, _ret, _rule, _type, _path, _unch) do {	\
	struct fev __e;							\
	EXPECT_EQ(variant->denies ? EACCES : 0, _ret);			\
	if (variant->denies)						\
		EXPECT_TRUE(_unch);					\
	ASSERT_EQ(0, events(&__e));					\
	EXPECT_EQ(self->before.seq + (variant->denies ? 1 : (_n)), __e.seq); \
	EXPECT_EQ(_type, __e.type);					\
	EXPECT_EQ(DENY, __e.action);					\
	EXPECT_EQ(variant->denies, __e.enforced);			\
	EXPECT_STREQ(_rule, __e.rule);					\
	EXPECT_STREQ(_path, __e.path);					\
	EXPECT_STREQ(self_exe(), __e.program);				\
} while (0)

/* An allowed operation: done, and no event. */
#define EXPECT_ALLOWED(_ret) do {					\
	struct fev __e;							\
	EXPECT_EQ(0, _ret);						\
	ASSERT_EQ(0, events(&__e));					\
	EXPECT_EQ(self->before.seq, __e.seq);				\
} while (0)

TEST_F(uring, openat_for_write)
{
	EXPECT_DENIED(RUN(op_openat, OPEN(D "/deny", O_WRONLY)), "w-deny", W,
		      D "/deny", 1);
}

TEST_F(uring, openat_with_o_trunc)
{
	EXPECT_DENIED_N(2, RUN(op_openat, OPEN(D "/deny", O_WRONLY | O_TRUNC)),
			"w-deny", W, D "/deny",
			!strcmp("orig", content(D "/deny")));
}

TEST_F(uring, openat_creating_in_a_denied_directory)
{
	EXPECT_DENIED(RUN(op_openat, OPEN(D "/ro/new", O_WRONLY | O_CREAT)),
		      "ro-dir", W, D "/ro/new", !exists(D "/ro/new"));
}

TEST_F(uring, openat_for_read)
{
	EXPECT_DENIED(RUN(op_openat, OPEN(D "/secret", O_RDONLY)), "r-deny", R,
		      D "/secret", 1);
}

TEST_F(uring, openat_allowed)
{
	EXPECT_ALLOWED(RUN(op_openat, OPEN(D "/free", O_RDWR)));
	EXPECT_ALLOWED(RUN(op_openat, OPEN(D "/deny", O_RDONLY)));
}

TEST_F(uring, write_on_a_descriptor_opened_before)
{
	EXPECT_DENIED(RUN_FD(D "/deny", O_WRONLY, op_fd_write), "w-deny", W,
		      D "/deny", !strcmp("orig", content(D "/deny")));
}

TEST_F(uring, write_allowed)
{
	EXPECT_ALLOWED(RUN_FD(D "/free", O_WRONLY, op_fd_write));
	EXPECT_STREQ("Xrig", content(D "/free"));
}

TEST_F(uring, renameat_from)
{
	EXPECT_DENIED(RUN(op_renameat, D "/deny"), "w-deny", W, D "/deny",
		      exists(D "/deny") && !exists(D "/moved"));
}

TEST_F(uring, renameat_allowed)
{
	EXPECT_ALLOWED(RUN(op_renameat, D "/free"));
	EXPECT_TRUE(exists(D "/moved"));
}

TEST_F(uring, unlinkat)
{
	EXPECT_DENIED(RUN(op_unlinkat, D "/ro/file"), "ro-dir", W,
		      D "/ro/file", exists(D "/ro/file"));
}

TEST_F(uring, unlinkat_allowed)
{
	EXPECT_ALLOWED(RUN(op_unlinkat, D "/ro/ok"));
	EXPECT_FALSE(exists(D "/ro/ok"));
}

TEST_F(uring, setxattr)
{
	EXPECT_DENIED(RUN(op_setxattr, D "/deny"), "w-deny", W, D "/deny",
		      !has_xattr(D "/deny"));
}

TEST_F(uring, setxattr_allowed)
{
	EXPECT_ALLOWED(RUN(op_setxattr, D "/free"));
	EXPECT_TRUE(has_xattr(D "/free"));
}

TEST_F(uring, fsetxattr_on_a_descriptor_opened_before)
{
	EXPECT_DENIED(RUN_FD(D "/deny", O_RDONLY, op_fd_fsetxattr), "w-deny",
		      W, D "/deny", !has_xattr(D "/deny"));
}

TEST_F(uring, fsetxattr_allowed)
{
	EXPECT_ALLOWED(RUN_FD(D "/free", O_RDONLY, op_fd_fsetxattr));
	EXPECT_TRUE(has_xattr(D "/free"));
}

TEST_F(uring, uncovered_process_is_not_checked)
{
	EXPECT_ALLOWED(run_in("", op_openat, OPEN(D "/deny", O_WRONLY)));
	EXPECT_ALLOWED(run_in("", op_setxattr, D "/deny"));
	EXPECT_ALLOWED(run_fd_in("", D "/deny", O_WRONLY, op_fd_write));
	EXPECT_ALLOWED(run_in("", op_unlinkat, D "/ro/file"));
	EXPECT_TRUE(has_xattr(D "/deny"));
	EXPECT_STREQ("Xrig", content(D "/deny"));
	EXPECT_FALSE(exists(D "/ro/file"));
}

TEST_HARNESS_MAIN
