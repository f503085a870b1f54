// SPDX-License-Identifier: GPL-2.0
/* crsctl policy: apply, list, show, export, mode, rename, delete. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crsctl.h"
#include "doc.h"
#include "nl.h"
#include "print.h"
#include "table.h"

static void policy_usage(FILE *f)
{
	fprintf(f,
		"Usage: crsctl [-j] policy apply -f FILE|-\n"
		"       crsctl [-j] policy list\n"
		"       crsctl [-j] policy show NAME\n"
		"       crsctl policy export NAME\n"
		"       crsctl policy mode NAME active|permissive|inactive\n"
		"       crsctl policy rename NAME NEW\n"
		"       crsctl policy delete NAME\n"
		"\n"
		"\"policy show\" prints the rules as STATUS NAME TYPE PROGRAM SYSCALL\n"
		"ARGUMENT ACTION. ARGUMENT is the path of a file rule, the arguments\n"
		"of a syscall rule, and ADDRESS:PORT/PROTOCOL for a network rule,\n"
		"IPv6 addresses in brackets and \"*\" for any.\n");
}

/* What the kernel says about a policy besides its document. */
struct policy_info {
	struct crs_doc doc;
	uint64_t id;
	uint32_t n_rules, n_attach;
	uint32_t generation;	/* of the version the header is of */
	uint64_t created, modified;
};

/* RFC 3339 UTC with microseconds, as "crsctl events" prints times. */
void format_time(uint64_t ns, char *buf, size_t len)
{
	/* Events come many a second: the seconds are formatted once. */
	static time_t last = -1;
	static char s[32];
	time_t t = (time_t)(ns / 1000000000);
	unsigned int us = (unsigned int)(ns % 1000000000 / 1000);
	struct tm tm;
	size_t n;
	int i;

	if (t != last) {
		gmtime_r(&t, &tm);
		strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%S", &tm);
		last = t;
	}
	n = strlen(s);
	if (len < n + 9) {
		snprintf(buf, len, "%s", s);
		return;
	}
	memcpy(buf, s, n);
	buf[n] = '.';
	for (i = 6; i >= 1; i--, us /= 10)
		buf[n + i] = (char)('0' + us % 10);
	buf[n + 7] = 'Z';
	buf[n + 8] = '\0';
}

static int get_info(struct nlattr *policy, struct policy_info *pi)
{
	struct nlattr *tb[CRS_POLICY_A_MAX + 1];

	if (doc_get_header(policy, &pi->doc) < 0 ||
	    nla_parse_nested(tb, CRS_POLICY_A_MAX, policy, NULL) < 0)
		return -EPROTO;
	pi->id = tb[CRS_POLICY_A_ID] ? nla_get_u64(tb[CRS_POLICY_A_ID]) : 0;
	pi->n_rules = tb[CRS_POLICY_A_N_RULES] ?
		      nla_get_u32(tb[CRS_POLICY_A_N_RULES]) : 0;
	pi->n_attach = tb[CRS_POLICY_A_N_ATTACH] ?
		       nla_get_u32(tb[CRS_POLICY_A_N_ATTACH]) : 0;
	pi->created = tb[CRS_POLICY_A_CREATED] ?
		      nla_get_u64(tb[CRS_POLICY_A_CREATED]) : 0;
	pi->modified = tb[CRS_POLICY_A_MODIFIED] ?
		       nla_get_u64(tb[CRS_POLICY_A_MODIFIED]) : 0;
	pi->generation = tb[CRS_POLICY_A_GENERATION] ?
			 nla_get_u32(tb[CRS_POLICY_A_GENERATION]) : 0;
	return 0;
}

struct info_list {
	struct policy_info *v;
	size_t n, cap;
};

static int info_cb(struct nlattr **attrs, struct nlmsghdr *nlh, void *arg)
{
	struct info_list *l = arg;

	(void)nlh;
	if (!attrs[CRS_A_POLICY])
		return -EPROTO;
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 16;
		l->v = realloc(l->v, l->cap * sizeof(*l->v));
		if (!l->v) {
			fprintf(stderr, "crsctl: out of memory\n");
			exit(1);
		}
	}
	memset(&l->v[l->n], 0, sizeof(l->v[l->n]));
	if (get_info(attrs[CRS_A_POLICY], &l->v[l->n]) < 0)
		return -EPROTO;
	l->n++;
	return 0;
}

static void info_list_free(struct info_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		doc_free(&l->v[i].doc);
	free(l->v);
}

static int rule_cb(struct nlattr **attrs, struct nlmsghdr *nlh, void *arg)
{
	struct policy_info *pi = arg;
	struct crs_doc *doc = &pi->doc;
	struct nlattr *tb[CRS_POLICY_A_MAX + 1];
	static size_t cap;

	(void)nlh;
	if (!attrs[CRS_A_RULE])
		return -EPROTO;
	/*
	 * The header came from an earlier request: rules of another
	 * version would print a mix. -EINTR makes fetch() read both again.
	 */
	if (attrs[CRS_A_POLICY] &&
	    !nla_parse_nested(tb, CRS_POLICY_A_MAX, attrs[CRS_A_POLICY], NULL) &&
	    tb[CRS_POLICY_A_GENERATION] &&
	    nla_get_u32(tb[CRS_POLICY_A_GENERATION]) != pi->generation)
		return -EINTR;
	if (!doc->rules)
		cap = 0;
	if (doc->n_rules == cap) {
		cap = cap ? 2 * cap : 64;
		doc->rules = realloc(doc->rules, cap * sizeof(*doc->rules));
		if (!doc->rules) {
			fprintf(stderr, "crsctl: out of memory\n");
			exit(1);
		}
	}
	if (doc_get_rule(attrs[CRS_A_RULE], &doc->rules[doc->n_rules]) < 0) {
		doc_rule_free(&doc->rules[doc->n_rules]);
		return -EPROTO;
	}
	doc->n_rules++;
	return 0;
}

static void put_name(struct nl_msg *msg, const char *name)
{
	struct nlattr *pol = nla_nest_start(msg, CRS_A_POLICY);

	nla_put_string(msg, CRS_POLICY_A_NAME, name);
	nla_nest_end(msg, pol);
}

/*
 * The policy and its rules. A rule dump that raced a change of the policy
 * is read again, so that what is printed is one version.
 */
static int fetch(const char *name, struct policy_info *pi)
{
	struct info_list l = { 0 };
	struct nl_msg *msg;
	int err, tries;

	for (tries = 0; tries < 5; tries++) {
		msg = crs_msg(CRS_CMD_POLICY_GET, 0);
		put_name(msg, name);
		err = crs_nl_request(msg, info_cb, &l);
		if (err < 0)
			return crs_nl_perror(name, err);
		if (l.n != 1) {
			info_list_free(&l);
			return fail("%s: the kernel's reply has no policy", name);
		}
		*pi = l.v[0];
		free(l.v);
		l = (struct info_list){ 0 };

		msg = crs_msg(CRS_CMD_RULE_GET, NLM_F_DUMP);
		put_name(msg, name);
		err = crs_nl_request(msg, rule_cb, pi);
		if (err != -EINTR)
			break;
		doc_free(&pi->doc);
	}
	if (err < 0) {
		doc_free(&pi->doc);
		return crs_nl_perror(name, err);
	}
	return EXIT_OK;
}

static void warn_link(const char *field, const char *path, const char *link,
		      const char *target)
{
	fprintf(stderr, "crsctl: warning: %s: %s passes through a symbolic link (%s -> %s); rules match resolved paths\n",
		field, path, link, target);
}

static struct nl_msg *new_msg(void)
{
	return crs_msg(CRS_CMD_POLICY_NEW, 0);
}

static int send_part(struct nl_msg *msg, void *arg)
{
	(void)arg;
	return crs_nl_request(msg, NULL, NULL);
}

static int policy_apply(int argc, char **argv)
{
	const char *file = NULL;
	char err[1024];
	struct crs_doc doc;
	FILE *f;
	int i, ret;

	for (i = 0; i < argc; i++) {
		if ((matches(argv[i], "-f") || matches(argv[i], "--file")) &&
		    i + 1 < argc && !file)
			file = argv[++i];
		else
			return usage_error("policy apply: unexpected \"%s\"", argv[i]);
	}
	if (!file)
		return usage_error("policy apply needs -f FILE (\"-\" for standard input)");
	f = strcmp(file, "-") ? fopen(file, "r") : stdin;
	if (!f)
		return fail("%s: %s", file, strerror(errno));
	ret = doc_load(f, &doc, err, sizeof(err));
	if (f != stdin)
		fclose(f);
	if (ret)
		return fail("%s: %s", strcmp(file, "-") ? file : "standard input", err);
	if (crs_nl_open() < 0) {
		doc_free(&doc);
		return EXIT_FAIL;
	}
	/* On an error, closing the socket at exit discards the transfer. */
	ret = doc_send(&doc, new_msg, send_part, NULL);
	if (ret == DOC_SEND_TOO_BIG)
		ret = fail("%s: a rule does not fit in a netlink message", doc.name);
	else if (ret < 0)
		ret = crs_nl_perror(doc.name, ret);
	else	/* applied: a refusal stays the one line on stderr */
		doc_check_links(&doc, warn_link);
	doc_free(&doc);
	return ret;
}

static int policy_list(int argc, char **argv)
{
	static const char *const head[] = {
		"NAME", "MODE", "RULES", "ATTACHMENTS", "CREATED", "MODIFIED",
	};
	struct info_list l = { 0 };
	struct table t;
	char created[40], modified[40];
	size_t i;
	int err;

	(void)argv;
	if (argc > 0)
		return usage_error("policy list takes no arguments");
	if (crs_nl_open() < 0)
		return EXIT_FAIL;
	err = crs_nl_request(crs_msg(CRS_CMD_POLICY_GET, NLM_F_DUMP), info_cb, &l);
	if (err < 0) {
		info_list_free(&l);
		return crs_nl_perror("policy list", err);
	}
	table_init(&t, head, 6);
	for (i = 0; i < l.n; i++) {
		const struct policy_info *pi = &l.v[i];

		format_time(pi->created, created, sizeof(created));
		format_time(pi->modified, modified, sizeof(modified));
		table_row(&t);
		table_str(&t, "name", pi->doc.name);
		table_str(&t, "mode", doc_mode_name(pi->doc.mode));
		table_u64(&t, "rules", pi->n_rules);
		table_u64(&t, "attachments", pi->n_attach);
		table_str(&t, "created", created);
		table_str(&t, "modified", modified);
	}
	table_print(&t);
	table_free(&t);
	info_list_free(&l);
	return EXIT_OK;
}

static int one_name(int argc, char **argv, const char *cmd)
{
	if (argc != 1)
		return usage_error("policy %s needs NAME", cmd);
	(void)argv;
	return EXIT_OK;
}

/* "policy CMD NAME": the policy NAME and its rules, or the exit status. */
static int fetch_arg(int argc, char **argv, const char *cmd,
		     struct policy_info *pi)
{
	int ret = one_name(argc, argv, cmd);

	if (ret)
		return ret;
	if (crs_nl_open() < 0)
		return EXIT_FAIL;
	return fetch(argv[0], pi);
}

static void print_rules(const struct crs_doc *doc)
{
	static const char *const head[] = {
		"STATUS", "NAME", "TYPE", "PROGRAM", "SYSCALL", "ARGUMENT", "ACTION",
	};
	char arg[PATH_MAX * CRS_SYSCALL_ARGS + 8];
	struct table t;
	size_t i;

	table_init(&t, head, 7);
	t.key = "rules";
	for (i = 0; i < doc->n_rules; i++) {
		const struct crs_rule *r = &doc->rules[i];

		doc_rule_argument(r, arg, sizeof(arg));
		table_row(&t);
		table_str(&t, "status", r->enabled ? "Enabled" : "Disabled");
		table_str(&t, "name", r->name);
		table_str(&t, "type", doc_type_name(r->type));
		table_str(&t, "program", r->program ? r->program : "*");
		table_str(&t, "syscall", r->syscall);	/* "-", null in JSON */
		table_str(&t, "argument", arg);
		table_str(&t, "action", doc_action_name(r->action));
	}
	table_print(&t);
	table_free(&t);
}

static int policy_show(int argc, char **argv)
{
	struct policy_info pi;
	char created[40], modified[40];
	int ret = fetch_arg(argc, argv, "show", &pi);

	if (ret)
		return ret;
	format_time(pi.created, created, sizeof(created));
	format_time(pi.modified, modified, sizeof(modified));

	print_doc_begin_object();
	print_str("name", "name             %s\n", pi.doc.name);
	print_u64("id", "id               %" PRIu64 "\n", pi.id);
	print_str("description", "description      %s\n", pi.doc.description);
	print_str("mode", "mode             %s\n", doc_mode_name(pi.doc.mode));
	print_open_object("defaults");
	print_str("network", "defaults         network %s", doc_action_name(pi.doc.def_network));
	print_str("file", ", file %s", doc_action_name(pi.doc.def_file));
	print_str("application", ", application %s\n", doc_action_name(pi.doc.def_app));
	print_close_object();
	print_str("compat_syscalls", "compat_syscalls  %s\n",
		  doc_compat_name(pi.doc.compat));
	print_u64("attachments", "attachments      %" PRIu64 "\n", pi.n_attach);
	print_str("created", "created          %s\n", created);
	print_str("modified", "modified         %s\n", modified);
	print_text("rules            %zu\n\n", pi.doc.n_rules);
	print_rules(&pi.doc);
	print_doc_end();
	doc_free(&pi.doc);
	return EXIT_OK;
}

static int policy_export(int argc, char **argv)
{
	struct policy_info pi;
	int ret = fetch_arg(argc, argv, "export", &pi);

	if (ret)
		return ret;
	if (doc_write(stdout, &pi.doc) || fflush(stdout))
		ret = fail("export: %s", strerror(errno));
	doc_free(&pi.doc);
	return ret;
}

/* POLICY_SET and POLICY_DEL: a name and at most one change. */
static int policy_change(uint8_t cmd, const char *name, int attr,
			 const char *new_name, int mode)
{
	struct nlattr *pol;
	struct nl_msg *msg;
	int err;

	if (crs_nl_open() < 0)
		return EXIT_FAIL;
	msg = crs_msg(cmd, 0);
	pol = nla_nest_start(msg, CRS_A_POLICY);
	nla_put_string(msg, CRS_POLICY_A_NAME, name);
	if (attr == CRS_POLICY_A_NEW_NAME)
		nla_put_string(msg, attr, new_name);
	else if (attr == CRS_POLICY_A_MODE)
		nla_put_u8(msg, attr, (uint8_t)mode);
	nla_nest_end(msg, pol);
	err = crs_nl_request(msg, NULL, NULL);
	if (err == -EBUSY && cmd == CRS_CMD_POLICY_DEL) {
		/*
		 * Still attached. The kernel's message has room for a few
		 * short paths only; a container's scope is longer, so list
		 * them all here.
		 */
		static char paths[8192];

		if (!cgroup_attached_paths(name, paths, sizeof(paths)) && paths[0])
			return fail("%s: policy %s is attached to %s", name, name,
				    paths);
		cgroup_prefix_paths(crs_nl_errmsg, sizeof(crs_nl_errmsg));
	}
	if (err < 0)
		return crs_nl_perror(name, err);
	return EXIT_OK;
}

static int policy_mode(int argc, char **argv)
{
	int mode;

	if (argc != 2)
		return usage_error("policy mode needs NAME and MODE");
	mode = doc_mode_parse(argv[1]);
	if (mode < 0)
		return usage_error("\"%s\" is not a mode: active, permissive or inactive",
				   argv[1]);
	return policy_change(CRS_CMD_POLICY_SET, argv[0], CRS_POLICY_A_MODE,
			     NULL, mode);
}

static int policy_rename(int argc, char **argv)
{
	if (argc != 2)
		return usage_error("policy rename needs NAME and NEW");
	if (!doc_valid_name(argv[1]))
		return fail("\"%s\" is not a policy name: 1 to %d of A-Z a-z 0-9 . _ -",
			    argv[1], CRS_NAME_MAX);
	return policy_change(CRS_CMD_POLICY_SET, argv[0], CRS_POLICY_A_NEW_NAME,
			     argv[1], 0);
}

static int policy_delete(int argc, char **argv)
{
	int ret = one_name(argc, argv, "delete");

	if (ret)
		return ret;
	return policy_change(CRS_CMD_POLICY_DEL, argv[0], 0, NULL, 0);
}

static const struct command policy_cmds[] = {
	{ "apply", policy_apply },
	{ "list", policy_list },
	{ "show", policy_show },
	{ "export", policy_export },
	{ "mode", policy_mode },
	{ "rename", policy_rename },
	{ "delete", policy_delete },
	{ NULL, NULL },
};

int do_policy(int argc, char **argv)
{
	return run_command("policy", policy_cmds, policy_usage, argc, argv);
}
