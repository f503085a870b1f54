// SPDX-License-Identifier: GPL-2.0
/* The family, its status query, and who may use it. */
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "crs_test.h"

struct status {
	char version[64];
	char kernel[128];
	int has_stats;
};

static int status_cb(struct nlattr **attrs, struct nlmsghdr *nlh, void *arg)
{
	struct status *st = arg;

	(void)nlh;
	if (attrs[CRS_A_VERSION])
		snprintf(st->version, sizeof(st->version), "%s",
			 nla_get_string(attrs[CRS_A_VERSION]));
	if (attrs[CRS_A_KERNEL])
		snprintf(st->kernel, sizeof(st->kernel), "%s",
			 nla_get_string(attrs[CRS_A_KERNEL]));
	st->has_stats = !!attrs[CRS_A_STATS];
	return 0;
}

TEST(status_reports_module_version_and_kernel)
{
	struct status st = { 0 };
	struct utsname u;

	ASSERT_EQ(0, crs_nl_open());
	ASSERT_EQ(0, crs_nl_request(crs_msg(CRS_CMD_STATUS_GET, 0),
				    status_cb, &st));
	ASSERT_EQ(0, uname(&u));
	EXPECT_STREQ(CRS_VERSION, st.version);
	EXPECT_STREQ(u.release, st.kernel);
	EXPECT_TRUE(st.has_stats);
}

TEST(status_refused_without_cap_mac_admin)
{
	struct status st = { 0 };
	int status;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (crs_drop_cap(CAP_MAC_ADMIN) || crs_nl_open())
			_exit(2);
		if (crs_nl_request(crs_msg(CRS_CMD_STATUS_GET, 0), status_cb,
				   &st) != -EPERM)
			_exit(3);
		if (!strstr(crs_nl_errmsg, "CAP_MAC_ADMIN"))
			_exit(4);
		_exit(st.version[0] ? 5 : 0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

TEST(family_exists_only_in_initial_netns)
{
	struct nl_sock *sk;
	int status;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (unshare(CLONE_NEWNET))
			_exit(2);
		sk = nl_socket_alloc();
		if (!sk || genl_connect(sk))
			_exit(3);
		_exit(genl_ctrl_resolve(sk, CRS_GENL_NAME) == -NLE_OBJ_NOTFOUND ? 0 : 4);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

TEST_HARNESS_MAIN
