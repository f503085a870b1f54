// SPDX-License-Identifier: GPL-2.0
/* Helpers every object of crsctl shares. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "crsctl.h"

int usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("crsctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (try \"crsctl --help\")\n", stderr);
	return EXIT_USAGE;
}

int fail(const char *fmt, ...)
{
	va_list ap;

	fputs("crsctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_FAIL;
}

bool matches(const char *arg, const char *word)
{
	return arg && !strcmp(arg, word);
}
