// SPDX-License-Identifier: GPL-2.0
/*
 * crsctl's command line without the kernel: bad usage is exit status 2 with
 * one "crsctl: " line, refusals found before any request are 1, listings
 * print the same fields as text and JSON, and kernel messages get the
 * cgroup mount in front of cgroup paths.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "cgroupfs.h"
#include "crsctl.h"
#include "print.h"
#include "table.h"

/* Runs fn with stdout and stderr captured into out and err. */
static int capture(int (*fn)(int, char **), int argc, char **argv,
		   char *out, char *err, size_t len)
{
	FILE *fo = tmpfile(), *fe = tmpfile();
	int so = dup(1), se = dup(2), ret;
	size_t n;

	fflush(stdout);
	fflush(stderr);
	dup2(fileno(fo), 1);
	dup2(fileno(fe), 2);
	ret = fn(argc, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(so, 1);
	dup2(se, 2);
	close(so);
	close(se);
	rewind(fo);
	rewind(fe);
	n = fread(out, 1, len - 1, fo);
	out[n] = '\0';
	n = fread(err, 1, len - 1, fe);
	err[n] = '\0';
	fclose(fo);
	fclose(fe);
	return ret;
}

static int lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

FIXTURE(usage) { char out[4096], err[4096]; };
FIXTURE_VARIANT(usage) {
	int (*fn)(int, char **);
	int argc;
	char *argv[6];
	int status;
	const char *error;	/* start of the one line on stderr */
};
FIXTURE_SETUP(usage) { }
FIXTURE_TEARDOWN(usage) { }

#define U(id, f, st, msg, ...) \
	FIXTURE_VARIANT_ADD(usage, id) { \
		.fn = f, .status = st, .error = msg, \
		.argc = sizeof((char *[]){ __VA_ARGS__ }) / sizeof(char *), \
		.argv = { __VA_ARGS__ } }

U(policy_nothing, do_policy, 2, "crsctl: policy needs a command", NULL);
U(policy_unknown, do_policy, 2, "crsctl: policy: unknown command \"frob\"", "frob");
U(apply_no_file, do_policy, 2, "crsctl: policy apply needs -f FILE", "apply");
U(apply_f_no_value, do_policy, 2, "crsctl: policy apply: unexpected \"-f\"", "apply", "-f");
U(apply_positional, do_policy, 2, "crsctl: policy apply: unexpected \"x.json\"", "apply", "x.json");
U(apply_twice, do_policy, 2, "crsctl: policy apply: unexpected \"-f\"", "apply", "-f", "a", "-f", "b");
U(apply_missing_file, do_policy, 1, "crsctl: /nonexistent/p.json: No such file or directory", "apply", "-f", "/nonexistent/p.json");
U(list_extra, do_policy, 2, "crsctl: policy list takes no arguments", "list", "x");
U(show_nothing, do_policy, 2, "crsctl: policy show needs NAME", "show");
U(show_two, do_policy, 2, "crsctl: policy show needs NAME", "show", "a", "b");
U(export_nothing, do_policy, 2, "crsctl: policy export needs NAME", "export");
U(delete_nothing, do_policy, 2, "crsctl: policy delete needs NAME", "delete");
U(mode_one, do_policy, 2, "crsctl: policy mode needs NAME and MODE", "mode", "web");
U(mode_bad, do_policy, 2, "crsctl: \"on\" is not a mode", "mode", "web", "on");
U(rename_one, do_policy, 2, "crsctl: policy rename needs NAME and NEW", "rename", "web");
U(rename_bad, do_policy, 1, "crsctl: \"a/b\" is not a policy name", "rename", "web", "a/b");
U(cgroup_nothing, do_cgroup, 2, "crsctl: cgroup needs a command", NULL);
U(cgroup_unknown, do_cgroup, 2, "crsctl: cgroup: unknown command \"bind\"", "bind");
U(attach_one, do_cgroup, 2, "crsctl: cgroup attach needs CGROUP", "attach", "a");
U(attach_three, do_cgroup, 2, "crsctl: cgroup attach: unexpected \"c\"", "attach", "a", "b", "c");
U(attach_mode_bad, do_cgroup, 2, "crsctl: cgroup attach: \"policy\" is not a mode", "attach", "a", "b", "--mode", "policy");
U(attach_events_bad, do_cgroup, 2, "crsctl: cgroup attach: \"some\" is not all, deny or none", "attach", "a", "b", "--events", "some");
U(attach_mode_no_value, do_cgroup, 2, "crsctl: cgroup attach: --mode needs a value", "attach", "a", "b", "--mode");
U(attach_unknown_opt, do_cgroup, 2, "crsctl: cgroup attach: unknown or repeated option \"--force\"", "attach", "a", "b", "--force");
U(attach_repeated_opt, do_cgroup, 2, "crsctl: cgroup attach: unknown or repeated option \"--mode\"", "attach", "a", "--mode", "active", "--mode", "x");
U(attach_both, do_cgroup, 2, "crsctl: cgroup attach needs CGROUP (or --container ID) and POLICY", "attach", "a", "--container", "x", "b");
U(attach_outside, do_cgroup, 1, "crsctl: /proc: not a directory of the cgroup v2 hierarchy", "attach", "/proc", "web");
U(attach_file, do_cgroup, 1, "crsctl: /etc/passwd: not a directory, so not a cgroup", "attach", "/etc/passwd", "web");
U(attach_missing, do_cgroup, 1, "crsctl: /nonexistent: No such file or directory", "attach", "/nonexistent", "web");
U(attach_container_slash, do_cgroup, 1, "crsctl: \"a/b\" is not a container ID", "attach", "--container", "a/b", "web");
U(set_nothing, do_cgroup, 2, "crsctl: cgroup set needs --mode or --events", "set", "a");
U(set_no_cgroup, do_cgroup, 2, "crsctl: cgroup set needs CGROUP or --container ID", "set", "--mode", "active");
U(set_mode_bad, do_cgroup, 2, "crsctl: cgroup set: \"x\" is not a mode: active, permissive, inactive or policy", "set", "a", "--mode", "x");
U(detach_nothing, do_cgroup, 2, "crsctl: cgroup detach needs CGROUP or --container ID", "detach");
U(detach_mode, do_cgroup, 2, "crsctl: cgroup detach takes no --mode or --events", "detach", "a", "--mode", "active");
U(list_positional, do_cgroup, 2, "crsctl: cgroup list: unexpected \"x\"", "list", "x");
U(list_container, do_cgroup, 2, "crsctl: cgroup list takes only --policy NAME", "list", "--container", "x");

TEST_F(usage, one_line_and_the_status)
{
	int argc = variant->argc == 1 && !variant->argv[0] ? 0 : variant->argc;
	char *argv[7] = { NULL };
	int ret;

	memcpy(argv, variant->argv, sizeof(variant->argv));
	ret = capture(variant->fn, argc, argv, self->out, self->err, sizeof(self->out));
	EXPECT_EQ(variant->status, ret);
	EXPECT_EQ(0, strncmp(variant->error, self->err, strlen(variant->error)))
		TH_LOG("expected \"%s...\", got \"%s\"", variant->error, self->err);
	EXPECT_EQ(1, lines(self->err)) TH_LOG("%s", self->err);
	EXPECT_STREQ("", self->out);
}

static int help(int argc, char **argv)
{
	(void)argc;
	return do_policy(1, argv);
}

TEST(help_goes_to_stdout_with_status_0)
{
	char out[4096], err[4096], *argv[] = { "help", NULL };

	EXPECT_EQ(0, capture(help, 1, argv, out, err, sizeof(out)));
	EXPECT_EQ(0, strncmp("Usage: crsctl [-j] policy apply", out, 31));
	EXPECT_STREQ("", err);
	EXPECT_EQ(0, capture(do_cgroup, 1, argv, out, err, sizeof(out)));
	EXPECT_EQ(0, strncmp("Usage: crsctl cgroup attach", out, 27));
}

static int print_table(int argc, char **argv)
{
	static const char *const head[] = { "NAME", "RULES", "SYSCALL" };
	struct table t;

	(void)argc;
	(void)argv;
	table_init(&t, head, 3);
	table_row(&t);
	table_str(&t, "name", "web");
	table_u64(&t, "rules", 15);
	table_str(&t, "syscall", NULL);
	table_row(&t);
	table_str(&t, "name", "a-longer-name");
	table_u64(&t, "rules", 100000);
	table_str(&t, "syscall", "execve");
	table_print(&t);
	table_free(&t);
	return 0;
}

TEST(tables_print_the_same_fields_as_text_and_json)
{
	char out[4096], err[4096];

	print_json = false;
	capture(print_table, 0, NULL, out, err, sizeof(out));
	EXPECT_STREQ("NAME           RULES   SYSCALL\n"
		     "web            15      -\n"
		     "a-longer-name  100000  execve\n", out);
	print_json = true;
	capture(print_table, 0, NULL, out, err, sizeof(out));
	print_json = false;
	EXPECT_STREQ("[{\"name\":\"web\",\"rules\":15,\"syscall\":null},"
		     "{\"name\":\"a-longer-name\",\"rules\":100000,\"syscall\":\"execve\"}]\n", out);
}

static int print_empty(int argc, char **argv)
{
	static const char *const head[] = { "CGROUP", "POLICY" };
	struct table t;

	(void)argc;
	(void)argv;
	table_init(&t, head, 2);
	table_print(&t);
	table_free(&t);
	return 0;
}

TEST(an_empty_table_is_a_heading_or_an_empty_array)
{
	char out[256], err[256];

	print_json = true;
	capture(print_empty, 0, NULL, out, err, sizeof(out));
	print_json = false;
	EXPECT_STREQ("[]\n", out);
	capture(print_empty, 0, NULL, out, err, sizeof(out));
	EXPECT_STREQ("CGROUP  POLICY\n", out);
}

TEST(kernel_messages_get_the_mount_before_cgroup_paths)
{
	const char *mnt = cgroupfs_mount();
	char msg[512], want[512];

	if (!mnt)
		SKIP(return, "no cgroup v2 hierarchy is mounted");
	snprintf(msg, sizeof(msg), "policy web is attached to /a/b, /c and 2 more");
	cgroup_prefix_paths(msg, sizeof(msg));
	snprintf(want, sizeof(want), "policy web is attached to %s/a/b, %s/c and 2 more", mnt, mnt);
	EXPECT_STREQ(want, msg);
	snprintf(msg, sizeof(msg), "/x already has policy 10.0.0.0/8 attached");
	cgroup_prefix_paths(msg, sizeof(msg));
	snprintf(want, sizeof(want), "%s/x already has policy 10.0.0.0/8 attached", mnt);
	EXPECT_STREQ(want, msg);
	/* No room: the message stays as the kernel wrote it. */
	snprintf(msg, 8, "/abcdef");
	cgroup_prefix_paths(msg, 8);
	EXPECT_STREQ("/abcdef", msg);
}

TEST_HARNESS_MAIN
