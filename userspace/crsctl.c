// SPDX-License-Identifier: GPL-2.0
/*
 * crsctl: manage crs policies, attachments and events.
 *
 *   crsctl [-j|--json] [-V|--version] [-h|--help] OBJECT COMMAND [ARGS]
 *
 * One dispatcher; each object has a file of its own with its command table
 * and help.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "crsctl.h"
#include "print.h"

struct object {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *help;
};

static const struct object objects[] = {
	{ "status", do_status, "module version and counters" },
	{ "events", do_events, "the module's events, recent or as they come" },
	{ "policy", do_policy, "policies: apply, list, show, export, mode, rename, delete" },
	{ "cgroup", do_cgroup, "attachments of policies to cgroups" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f,
		"Usage: crsctl [-j|--json] [-V|--version] [-h|--help] OBJECT COMMAND [ARGS]\n"
		"\n"
		"Objects:\n");
	for (i = 0; i < sizeof(objects) / sizeof(objects[0]); i++)
		fprintf(f, "  %-8s %s\n", objects[i].name, objects[i].help);
	fprintf(f,
		"\n"
		"Options:\n"
		"  -j, --json     print JSON\n"
		"  -V, --version  print the version of crsctl\n"
		"  -h, --help     print this help\n"
		"\n"
		"\"crsctl OBJECT help\" describes an object's commands.\n");
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json",    no_argument, NULL, 'j' },
		{ "version", no_argument, NULL, 'V' },
		{ "help",    no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	size_t i;
	int c;

	opterr = 0;
	/* '+': stop at the object, whose commands take options of their own. */
	while ((c = getopt_long(argc, argv, "+jVh", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			print_json = true;
			break;
		case 'V':
			printf("crsctl %s\n", CRS_VERSION);
			return EXIT_OK;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		default:
			return usage_error("unknown option \"%s\"",
					   argv[optind - 1]);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		usage(stderr);
		return EXIT_USAGE;
	}
	for (i = 0; i < sizeof(objects) / sizeof(objects[0]); i++)
		if (matches(argv[0], objects[i].name))
			return objects[i].run(argc - 1, argv + 1);
	if (matches(argv[0], "help")) {
		usage(stdout);
		return EXIT_OK;
	}
	return usage_error("unknown object \"%s\"", argv[0]);
}
