// SPDX-License-Identifier: GPL-2.0
/*
 * Attachments: attach, set, detach, list; every refusal with its extack
 * text and an unchanged list; a removed cgroup takes its attachment with
 * it; and a process that an attachment covers, directly or from an
 * ancestor, may change and read nothing.
 */
#include <sys/stat.h>

#include "kselftest_harness.h"
#include "crs_policy_util.h"

FIXTURE(attach) {
	int a1, a2;
	struct ct_atts before;
};

FIXTURE_SETUP(attach)
{
	ASSERT_EQ(0, crs_nl_open());
	ct_cleanup();
	ASSERT_EQ(0, ct_apply("web", CRS_MODE_ACTIVE, 1));
	ASSERT_EQ(0, ct_apply("db", CRS_MODE_PERMISSIVE, 1));
	self->a1 = ct_cgroup("a1");
	self->a2 = ct_cgroup("a2");
	ASSERT_LE(0, self->a1);
	ASSERT_LE(0, self->a2);
	/* a1 carries web; a2 is free. */
	ASSERT_EQ(0, ct_attach(self->a1, "web"));
	ASSERT_EQ(0, ct_attach_list(NULL, &self->before));
	ASSERT_EQ(1, self->before.n);
}

FIXTURE_TEARDOWN(attach)
{
	ct_cgroup_enter("");
	ct_cleanup();
	close(self->a1);
	close(self->a2);
	ct_cgroup_rm("a1/child");
	ct_cgroup_rm("a1");
	ct_cgroup_rm("a2");
}

static int same_list(const struct ct_atts *before)
{
	struct ct_atts now;

	if (ct_attach_list(NULL, &now) || now.n != before->n)
		return 0;
	return !memcmp(&now, before, sizeof(now.n) + now.n * sizeof(now.a[0]));
}

TEST_F(attach, attach_lists_and_counts)
{
	struct ct_policy p;
	struct ct_att *a = &self->before.a[0];
	struct stat st;

	ASSERT_EQ(0, fstat(self->a1, &st));
	EXPECT_EQ(st.st_ino, a->cgid);
	EXPECT_STREQ("/a1", a->cgroup);
	EXPECT_STREQ("web", a->policy);
	EXPECT_EQ(CRS_MODE_POLICY, a->mode);
	EXPECT_EQ(CRS_EVENTS_ALL, a->events);
	ASSERT_EQ(0, ct_policy_get("web", &p));
	EXPECT_EQ(1, p.n_attach);
	EXPECT_EQ(1, ct_status_attachments());
}

TEST_F(attach, attach_with_mode_and_events_and_filter)
{
	struct ct_atts l;

	ASSERT_EQ(0, ct_attach_cmd(CRS_CMD_ATTACH_NEW, self->a2, "db",
				   CRS_MODE_INACTIVE, CRS_EVENTS_NONE));
	ASSERT_EQ(0, ct_attach_list("db", &l));
	ASSERT_EQ(1, l.n);
	EXPECT_STREQ("/a2", l.a[0].cgroup);
	EXPECT_EQ(CRS_MODE_INACTIVE, l.a[0].mode);
	EXPECT_EQ(CRS_EVENTS_NONE, l.a[0].events);
	ASSERT_EQ(0, ct_attach_list(NULL, &l));
	EXPECT_EQ(2, l.n);
	ASSERT_EQ(0, ct_attach_list("nope", &l));
	EXPECT_EQ(0, l.n);
}

TEST_F(attach, set_changes_mode_and_events)
{
	struct ct_atts l;

	ASSERT_EQ(0, ct_attach_cmd(CRS_CMD_ATTACH_SET, self->a1, NULL,
				   CRS_MODE_PERMISSIVE, -1));
	ASSERT_EQ(0, ct_attach_cmd(CRS_CMD_ATTACH_SET, self->a1, NULL, -1,
				   CRS_EVENTS_DENY));
	ASSERT_EQ(0, ct_attach_list(NULL, &l));
	EXPECT_EQ(CRS_MODE_PERMISSIVE, l.a[0].mode);
	EXPECT_EQ(CRS_EVENTS_DENY, l.a[0].events);
	ASSERT_EQ(0, ct_attach_cmd(CRS_CMD_ATTACH_SET, self->a1, NULL,
				   CRS_MODE_POLICY, -1));
	ASSERT_EQ(0, ct_attach_list(NULL, &l));
	EXPECT_EQ(CRS_MODE_POLICY, l.a[0].mode);
}

TEST_F(attach, detach)
{
	struct ct_policy p;
	struct ct_atts l;

	ASSERT_EQ(0, ct_detach(self->a1));
	ASSERT_EQ(0, ct_attach_list(NULL, &l));
	EXPECT_EQ(0, l.n);
	ASSERT_EQ(0, ct_policy_get("web", &p));
	EXPECT_EQ(0, p.n_attach);
	EXPECT_EQ(0, ct_policy_del("web"));
}

TEST_F(attach, refusals_change_nothing)
{
	int root, notcg;

	root = open(CT_CGROOT, O_RDONLY | O_DIRECTORY);
	notcg = open("/tmp", O_RDONLY | O_DIRECTORY);
	ASSERT_LE(0, root);
	ASSERT_LE(0, notcg);

	EXPECT_EQ(-EINVAL, ct_attach(root, "web"));
	EXPECT_STREQ("the root cgroup cannot be attached", crs_nl_errmsg);
	EXPECT_EQ(-EBADF, ct_attach(notcg, "web"));
	EXPECT_STREQ("CGROUP_FD is not a cgroup v2 directory", crs_nl_errmsg);
	EXPECT_EQ(-EBADF, ct_attach(-1, "web"));
	EXPECT_STREQ("CGROUP_FD is not a cgroup v2 directory", crs_nl_errmsg);
	EXPECT_EQ(-EEXIST, ct_attach(self->a1, "db"));
	EXPECT_STREQ("/a1 already has policy web attached", crs_nl_errmsg);
	EXPECT_EQ(-ENOENT, ct_attach(self->a2, "nope"));
	EXPECT_STREQ("no policy named nope", crs_nl_errmsg);
	EXPECT_EQ(-EINVAL, ct_attach(self->a2, NULL));
	EXPECT_STREQ("POLICY required", crs_nl_errmsg);
	EXPECT_EQ(-EINVAL, ct_attach_cmd(CRS_CMD_ATTACH_NEW, -1000, "web",
					 -1, -1));
	EXPECT_STREQ("CGROUP_FD required", crs_nl_errmsg);
	EXPECT_EQ(-EINVAL, ct_attach_cmd(CRS_CMD_ATTACH_NEW, self->a2, "web",
					 7, -1));
	EXPECT_STREQ("MODE must be a crs_mode or CRS_MODE_POLICY",
		     crs_nl_errmsg);
	EXPECT_EQ(-ERANGE, ct_attach_cmd(CRS_CMD_ATTACH_NEW, self->a2, "web",
					 -1, 3));
	EXPECT_EQ(-EINVAL, crs_simple(crs_msg(CRS_CMD_ATTACH_NEW, 0)));
	EXPECT_STREQ("CRS_A_ATTACH required", crs_nl_errmsg);

	EXPECT_EQ(-ENOENT, ct_detach(self->a2));
	EXPECT_STREQ("/a2 has no policy attached", crs_nl_errmsg);
	EXPECT_EQ(-ENOENT, ct_attach_cmd(CRS_CMD_ATTACH_SET, self->a2, NULL,
					 CRS_MODE_ACTIVE, -1));
	EXPECT_STREQ("/a2 has no policy attached", crs_nl_errmsg);
	EXPECT_EQ(-EINVAL, ct_attach_cmd(CRS_CMD_ATTACH_SET, self->a1, NULL,
					 -1, -1));
	EXPECT_STREQ("MODE or EVENTS required", crs_nl_errmsg);
	/* Attributes a command does not take are refused, not ignored. */
	EXPECT_EQ(-EINVAL, ct_attach_cmd(CRS_CMD_ATTACH_DEL, self->a1, NULL,
					 CRS_MODE_ACTIVE, -1));
	EXPECT_STREQ("attribute not taken by this command", crs_nl_errmsg);
	EXPECT_EQ(-EINVAL, ct_attach_cmd(CRS_CMD_ATTACH_SET, self->a1, "db",
					 CRS_MODE_ACTIVE, -1));
	EXPECT_STREQ("attribute not taken by this command", crs_nl_errmsg);
	EXPECT_TRUE(same_list(&self->before));
	close(root);
	close(notcg);
}

TEST_F(attach, delete_of_an_attached_policy_names_the_cgroups)
{
	struct ct_policy p;

	ASSERT_EQ(0, ct_attach(self->a2, "web"));
	EXPECT_EQ(-EBUSY, ct_policy_del("web"));
	EXPECT_NE(NULL, strstr(crs_nl_errmsg, "policy web is attached to "))
		TH_LOG("%s", crs_nl_errmsg);
	EXPECT_NE(NULL, strstr(crs_nl_errmsg, "/a1"));
	EXPECT_NE(NULL, strstr(crs_nl_errmsg, "/a2"));
	ASSERT_EQ(0, ct_policy_get("web", &p));
	EXPECT_EQ(2, p.n_attach);
}

TEST_F(attach, delete_refusal_says_how_many_more)
{
	char name[64];
	int i, fd;

	for (i = 0; i < 8; i++) {
		snprintf(name, sizeof(name), "a1/long-cgroup-name-%d", i);
		fd = ct_cgroup(name);
		ASSERT_LE(0, fd);
		ASSERT_EQ(0, ct_attach(fd, "web"));
		close(fd);
	}
	EXPECT_EQ(-EBUSY, ct_policy_del("web"));
	EXPECT_NE(NULL, strstr(crs_nl_errmsg, "more")) TH_LOG("%s", crs_nl_errmsg);
	EXPECT_NE(NULL, strstr(crs_nl_errmsg, "policy web is attached to /a1"));
	ct_cleanup();
	for (i = 0; i < 8; i++) {
		snprintf(name, sizeof(name), "a1/long-cgroup-name-%d", i);
		EXPECT_EQ(0, ct_cgroup_rm(name));
	}
}

TEST_F(attach, removing_the_cgroup_removes_the_attachment)
{
	struct ct_policy p;
	struct ct_atts l;
	int fd;

	fd = ct_cgroup("gone");
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ct_attach(fd, "db"));
	close(fd);
	ASSERT_EQ(0, ct_policy_get("db", &p));
	EXPECT_EQ(1, p.n_attach);
	EXPECT_EQ(2, ct_status_attachments());
	ASSERT_EQ(0, ct_cgroup_rm("gone"));
	EXPECT_EQ(1, ct_status_attachments());
	ASSERT_EQ(0, ct_attach_list("db", &l));
	EXPECT_EQ(0, l.n);
	ASSERT_EQ(0, ct_policy_get("db", &p));
	EXPECT_EQ(0, p.n_attach);
	EXPECT_EQ(0, ct_policy_del("db"));
	EXPECT_TRUE(same_list(&self->before));
}

static int nr_dying(void)
{
	char line[128];
	int n = -1;
	FILE *f;

	f = fopen(CT_CGROOT "/cgroup.stat", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		sscanf(line, "nr_dying_descendants %d", &n);
	fclose(f);
	return n;
}

/*
 * With no command to prune it, the work that runs every second lets go
 * of a removed cgroup: it stops being a dying descendant.
 */
TEST_F(attach, removed_cgroup_is_released_without_any_command)
{
	int fd, before, i;

	fd = ct_cgroup("gone");
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ct_attach(fd, "db"));
	close(fd);
	for (i = 0; i < 100 && nr_dying() > 0; i++)
		usleep(20000);
	before = nr_dying();
	ASSERT_LE(0, before);
	ASSERT_EQ(0, ct_cgroup_rm("gone"));
	EXPECT_EQ(before + 1, nr_dying());
	for (i = 0; i < 150 && nr_dying() > before; i++)
		usleep(20000);
	EXPECT_EQ(before, nr_dying());
}

FIXTURE(covered) {
	int fd;
};

FIXTURE_VARIANT(covered) {
	const char *where;	/* the cgroup the test process enters */
};

FIXTURE_VARIANT_ADD(covered, attached_cgroup) {
	.where = "c1",
};

FIXTURE_VARIANT_ADD(covered, descendant) {
	.where = "c1/child/grandchild",
};

FIXTURE_SETUP(covered)
{
	ASSERT_EQ(0, crs_nl_open());
	ct_cleanup();
	ASSERT_EQ(0, ct_apply("web", CRS_MODE_INACTIVE, 1));
	self->fd = ct_cgroup("c1");
	ASSERT_LE(0, self->fd);
	ASSERT_LE(0, ct_cgroup("c1/child"));
	ASSERT_LE(0, ct_cgroup("c1/child/grandchild"));
	ASSERT_EQ(0, ct_attach(self->fd, "web"));
}

FIXTURE_TEARDOWN(covered)
{
	ct_cgroup_enter("");
	ct_cleanup();
	close(self->fd);
	ct_cgroup_rm("c1/child/grandchild");
	ct_cgroup_rm("c1/child");
	ct_cgroup_rm("c1");
}

/* Even in an inactive policy, with every capability. */
TEST_F(covered, process_may_change_and_read_nothing)
{
	struct ct_policy p;
	struct ct_atts l;
	int del, get, list, apply;

	ASSERT_EQ(0, ct_cgroup_enter(variant->where));
	del = ct_policy_del("web");
	get = ct_policy_get("web", &p);
	list = ct_attach_list(NULL, &l);
	apply = ct_apply("evil", CRS_MODE_ACTIVE, 0);
	ASSERT_EQ(0, ct_cgroup_enter(""));

	EXPECT_EQ(-EPERM, del);
	EXPECT_EQ(-EPERM, get);
	EXPECT_EQ(-EPERM, list);
	EXPECT_EQ(-EPERM, apply);
	EXPECT_NE(NULL, strstr(crs_nl_errmsg, "covered"));
	/* Back outside: everything is as it was. */
	ASSERT_EQ(0, ct_policy_get("web", &p));
	EXPECT_EQ(1, p.n_attach);
	EXPECT_EQ(1, ct_policy_count());
	ASSERT_EQ(0, ct_attach_list(NULL, &l));
	EXPECT_EQ(1, l.n);
}

TEST_F(covered, detached_cgroup_is_free_again)
{
	struct ct_policy p;

	ASSERT_EQ(0, ct_detach(self->fd));
	ASSERT_EQ(0, ct_cgroup_enter(variant->where));
	EXPECT_EQ(0, ct_policy_get("web", &p));
	ASSERT_EQ(0, ct_cgroup_enter(""));
}

static int unprivileged_attach(void *arg)
{
	int fd = *(int *)arg, err;
	struct ct_atts l;

	err = ct_attach_list(NULL, &l);
	if (err != -EPERM)
		return err < 0 ? err : -EPROTO;
	err = ct_detach(fd);
	if (err != -EPERM)
		return err < 0 ? err : -EPROTO;
	return ct_attach(fd, "web");
}

TEST_F(attach, unprivileged_caller_is_refused)
{
	EXPECT_EQ(-EPERM, ct_without_cap(unprivileged_attach, &self->a1));
	EXPECT_EQ(-EPERM, ct_without_cap(unprivileged_attach, &self->a2));
	EXPECT_TRUE(same_list(&self->before));
}

/*
 * Runs last: leaves policies, an attachment and an open transfer behind,
 * for the runner's rmmod to free (it checks the unload and the log).
 */
TEST(zz_state_is_left_for_module_unload)
{
	struct ct_msg m;
	int fd;

	ASSERT_EQ(0, crs_nl_open());
	ASSERT_EQ(0, ct_apply_parts("left", 3000, 1000));
	ASSERT_EQ(0, ct_apply("left2", CRS_MODE_ACTIVE, 1));
	fd = ct_cgroup("left");
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ct_attach(fd, "left"));
	ct_begin(&m, CRS_XFER_BEGIN, "pending");
	nla_put_u8(m.msg, CRS_POLICY_A_MODE, CRS_MODE_ACTIVE);
	ct_file_rule(&m, "r", 0);
	ASSERT_EQ(0, ct_send(&m, -1));
	close(fd);
}

TEST_HARNESS_MAIN
