// SPDX-License-Identifier: GPL-2.0
/* The command table of an object: "crsctl OBJECT COMMAND [ARGS]". */
#include <stdio.h>

#include "crsctl.h"

static bool is_help(const char *arg)
{
	return matches(arg, "help") || matches(arg, "-h") || matches(arg, "--help");
}

int run_command(const char *object, const struct command *cmds,
		void (*usage)(FILE *f), int argc, char **argv)
{
	const struct command *c;

	if (argc < 1)
		return usage_error("%s needs a command (\"crsctl %s help\" lists them)",
				   object, object);
	if (is_help(argv[0])) {
		usage(stdout);
		return EXIT_OK;
	}
	for (c = cmds; c->name; c++) {
		if (!matches(argv[0], c->name))
			continue;
		if (argc > 1 && is_help(argv[1])) {
			usage(stdout);
			return EXIT_OK;
		}
		return c->run(argc - 1, argv + 1);
	}
	return usage_error("%s: unknown command \"%s\"", object, argv[0]);
}
