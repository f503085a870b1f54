// SPDX-License-Identifier: GPL-2.0
/* Helpers every object of crsctl shares. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "crsctl.h"

/*
 * An error is one line (SPEC section 6), whatever a document or an
 * argument echoed into it: control characters are printed escaped.
 */
static void print_error(const char *fmt, va_list ap, const char *tail)
{
	char msg[8192];
	const unsigned char *c;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	fputs("crsctl: ", stderr);
	for (c = (const unsigned char *)msg; *c; c++) {
		if (*c == '\n')
			fputs("\\n", stderr);
		else if (*c < 0x20 || *c == 0x7f)
			fprintf(stderr, "\\x%02x", *c);
		else
			fputc(*c, stderr);
	}
	fputs(tail, stderr);
}

int usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	print_error(fmt, ap, " (try \"crsctl --help\")\n");
	va_end(ap);
	return EXIT_USAGE;
}

int fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	print_error(fmt, ap, "\n");
	va_end(ap);
	return EXIT_FAIL;
}

bool matches(const char *arg, const char *word)
{
	return arg && !strcmp(arg, word);
}
