/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CRSCTL_H
#define CRSCTL_H

#include <stdbool.h>

/* Exit statuses (SPEC section 6). */
#define EXIT_OK		0
#define EXIT_FAIL	1
#define EXIT_USAGE	2

/*
 * Each object's entry point gets the arguments after the object's name
 * (argv[0] is the command, if any) and returns the exit status.
 */
int do_status(int argc, char **argv);

/* Prints "crsctl: " and the message to stderr, then returns EXIT_USAGE. */
int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints "crsctl: " and the message to stderr, then returns EXIT_FAIL. */
int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
bool matches(const char *arg, const char *word);

#endif
