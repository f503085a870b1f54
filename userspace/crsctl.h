/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CRSCTL_H
#define CRSCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Exit statuses (SPEC section 6). */
#define EXIT_OK		0
#define EXIT_FAIL	1
#define EXIT_USAGE	2

/*
 * Each object's entry point gets the arguments after the object's name
 * (argv[0] is the command, if any) and returns the exit status.
 */
int do_status(int argc, char **argv);
int do_events(int argc, char **argv);
int do_policy(int argc, char **argv);
int do_cgroup(int argc, char **argv);

/* An object's commands (command.c): argv[0] is the command's first argument. */
struct command {
	const char *name;
	int (*run)(int argc, char **argv);
};

/*
 * Runs the command argv[0] of object from cmds (NULL-terminated); "help",
 * -h and --help print usage to stdout. Returns the exit status.
 */
int run_command(const char *object, const struct command *cmds,
		void (*usage)(FILE *f), int argc, char **argv);

/*
 * Writes the cgroups (absolute paths, comma-separated) that policy is
 * attached to into buf. Returns 0 or a negative errno.
 */
int cgroup_attached_paths(const char *policy, char *buf, size_t len);

/* Puts the cgroup v2 mount before the cgroup paths of a kernel message. */
void cgroup_prefix_paths(char *msg, size_t len);

/* Wall-clock nanoseconds as RFC 3339 UTC with microseconds (policy.c). */
void format_time(uint64_t ns, char *buf, size_t len);

/* Prints "crsctl: " and the message to stderr, then returns EXIT_USAGE. */
int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints "crsctl: " and the message to stderr, then returns EXIT_FAIL. */
int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
bool matches(const char *arg, const char *word);

#endif
