// SPDX-License-Identifier: GPL-2.0
/*
 * The policy document without the kernel: every validation error names its
 * field, every value is read as SPEC section 2 says, and the canonical
 * export survives parse -> netlink -> decode -> write byte for byte.
 */
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <netlink/genl/genl.h>

#include "kselftest_harness.h"
#include "crsctl.h"
#include "doc.h"

/* A rule document around one rule's fields, for the tables below. */
#define DOC(rules) "{\"name\": \"p\", \"mode\": \"active\", \"rules\": [" rules "]}"
#define FILE_RULE(extra) "{\"name\": \"r\", \"type\": \"file-read\", \"path\": \"/etc/\", \"action\": \"deny\"" extra "}"
#define NET_RULE(extra) "{\"name\": \"r\", \"type\": \"network-outbound\", \"action\": \"deny\"" extra "}"
#define SYS_RULE(extra) "{\"name\": \"r\", \"type\": \"syscall\", \"syscall\": \"execve\", \"action\": \"deny\"" extra "}"

static int parse(const char *text, struct crs_doc *doc, char *err, size_t len)
{
	json_error_t jerr;
	json_t *root = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);
	int ret;

	if (!root) {
		snprintf(err, len, "JSON: %s", jerr.text);
		return -2;
	}
	ret = doc_from_json(root, doc, err, len);
	json_decref(root);
	return ret;
}

/* The canonical text of a document given as JSON text, or NULL. */
static char *canon(const char *text)
{
	struct crs_doc doc;
	char err[512], *buf = NULL;
	size_t len;
	FILE *f;

	if (parse(text, &doc, err, sizeof(err)))
		return NULL;
	f = open_memstream(&buf, &len);
	doc_write(f, &doc);
	fclose(f);
	doc_free(&doc);
	return buf;
}

/* The first rule of a one-rule document, written canonically. */
static char *canon_rule(const char *text)
{
	char *all = canon(text), *start, *end, *ret;

	if (!all)
		return NULL;
	start = strstr(all, "\n    {");
	end = start ? strstr(start, "}\n  ]") : NULL;
	if (!start || !end) {
		free(all);
		return NULL;
	}
	end[1] = '\0';
	ret = strdup(start + 5);
	free(all);
	return ret;
}

FIXTURE(bad_doc) {
	struct crs_doc doc;
	char err[1024];
};

FIXTURE_VARIANT(bad_doc) {
	const char *text;
	const char *error;	/* the start of the message */
};

FIXTURE_SETUP(bad_doc) { memset(&self->doc, 0, sizeof(self->doc)); }
FIXTURE_TEARDOWN(bad_doc) { }

#define BAD(id, txt, msg) \
	FIXTURE_VARIANT_ADD(bad_doc, id) { .text = txt, .error = msg }

BAD(not_object, "[]", "the document must be a JSON object");
BAD(unknown_top, "{\"name\": \"p\", \"mode\": \"active\", \"colour\": 1}", "colour: unknown field");
BAD(name_missing, "{\"mode\": \"active\"}", "name: missing");
BAD(name_empty, "{\"name\": \"\", \"mode\": \"active\"}", "name: \"\" is not a name");
BAD(name_bad_char, "{\"name\": \"a b\", \"mode\": \"active\"}", "name: \"a b\" is not a name");
BAD(name_slash, "{\"name\": \"a/b\", \"mode\": \"active\"}", "name: \"a/b\" is not a name");
BAD(name_too_long, "{\"name\": \"0123456789012345678901234567890123456789012345678901234567890123\", \"mode\": \"active\"}",
    "name: \"0123456789012345678901234567890123456789012345678901234567890123\" is not a name");
BAD(name_not_string, "{\"name\": 5, \"mode\": \"active\"}", "name: must be a string");
BAD(desc_not_string, "{\"name\": \"p\", \"description\": 1, \"mode\": \"active\"}", "description: must be a string");
BAD(mode_missing, "{\"name\": \"p\"}", "mode: missing");
BAD(mode_bad, "{\"name\": \"p\", \"mode\": \"on\"}",
    "mode: \"on\" is not \"active\", \"permissive\" or \"inactive\"");
BAD(mode_not_string, "{\"name\": \"p\", \"mode\": true}", "mode: must be \"active\"");
BAD(defaults_not_object, "{\"name\": \"p\", \"mode\": \"active\", \"defaults\": \"deny\"}", "defaults: must be an object");
BAD(defaults_unknown, "{\"name\": \"p\", \"mode\": \"active\", \"defaults\": {\"process\": \"deny\"}}", "defaults.process: unknown field");
BAD(defaults_file_bad, "{\"name\": \"p\", \"mode\": \"active\", \"defaults\": {\"file\": \"block\"}}",
    "defaults.file: \"block\" is not \"allow\", \"deny\" or \"monitor\"");
BAD(defaults_network_bad, "{\"name\": \"p\", \"mode\": \"active\", \"defaults\": {\"network\": 0}}", "defaults.network: must be");
BAD(defaults_app_bad, "{\"name\": \"p\", \"mode\": \"active\", \"defaults\": {\"application\": \"Deny\"}}", "defaults.application: \"Deny\"");
BAD(compat_bad, "{\"name\": \"p\", \"mode\": \"active\", \"compat_syscalls\": \"yes\"}",
    "compat_syscalls: \"yes\" is not \"deny\" or \"allow\"");
BAD(rules_not_array, "{\"name\": \"p\", \"mode\": \"active\", \"rules\": {}}", "rules: must be an array");
BAD(rule_not_object, DOC("[]"), "rules[0]: must be an object");
BAD(rule_type_missing, DOC("{\"name\": \"r\", \"action\": \"deny\"}"), "rules[0].type: missing");
BAD(rule_type_bad, DOC("{\"name\": \"r\", \"type\": \"file\", \"action\": \"deny\"}"), "rules[0].type: \"file\" is not");
BAD(rule_name_missing, DOC("{\"type\": \"file-read\", \"path\": \"/a\", \"action\": \"deny\"}"), "rules[0].name: missing");
BAD(rule_name_bad, DOC("{\"name\": \"r!\", \"type\": \"file-read\", \"path\": \"/a\", \"action\": \"deny\"}"), "rules[0].name: \"r!\" is not a name");
BAD(rule_action_missing, DOC("{\"name\": \"r\", \"type\": \"file-read\", \"path\": \"/a\"}"), "rules[0].action: missing");
BAD(rule_action_bad, DOC(FILE_RULE(", \"action\": \"drop\"")), "JSON");
BAD(rule_action_bad2, DOC("{\"name\": \"r\", \"type\": \"file-read\", \"path\": \"/a\", \"action\": \"drop\"}"), "rules[0].action: \"drop\" is not");
BAD(rule_unknown, DOC(FILE_RULE(", \"comment\": \"x\"")), "rules[0].comment: unknown field");
BAD(rule_enabled_bad, DOC(FILE_RULE(", \"enabled\": \"no\"")), "rules[0].enabled: must be true or false");
BAD(rule_dup_name, DOC(FILE_RULE("") ", " FILE_RULE("")), "rules[1].name: \"r\" is also the name of rules[0]");
BAD(program_relative, DOC(FILE_RULE(", \"program\": \"nginx\"")), "rules[0].program: \"nginx\" is not an absolute path");
BAD(program_empty, DOC(FILE_RULE(", \"program\": \"\"")), "rules[0].program: \"\" is not an absolute path");
BAD(program_dotdot, DOC(FILE_RULE(", \"program\": \"/usr/../bin/sh\"")), "rules[0].program: \"/usr/../bin/sh\" is not a normalised path");
BAD(program_dot, DOC(FILE_RULE(", \"program\": \"/usr/./sh\"")), "rules[0].program: \"/usr/./sh\" is not a normalised path");
BAD(program_double_slash, DOC(FILE_RULE(", \"program\": \"/usr//sh\"")), "rules[0].program: \"/usr//sh\" is not a normalised path");
BAD(program_number, DOC(FILE_RULE(", \"program\": 1")), "rules[0].program: must be");
BAD(path_missing, DOC("{\"name\": \"r\", \"type\": \"file-write\", \"action\": \"deny\"}"), "rules[0].path: missing");
BAD(path_relative, DOC("{\"name\": \"r\", \"type\": \"file-write\", \"path\": \"etc/hosts\", \"action\": \"deny\"}"), "rules[0].path: \"etc/hosts\" is not an absolute path");
BAD(path_not_string, DOC("{\"name\": \"r\", \"type\": \"file-write\", \"path\": [], \"action\": \"deny\"}"), "rules[0].path: must be an absolute path");
BAD(path_on_network, DOC(NET_RULE(", \"path\": \"/etc/hosts\"")), "rules[0].path: not a field of a network-outbound rule");
BAD(path_on_syscall, DOC(SYS_RULE(", \"path\": \"/etc/hosts\"")), "rules[0].path: not a field of a syscall rule");
BAD(port_on_file, DOC(FILE_RULE(", \"port\": 80")), "rules[0].port: not a field of a file-read rule");
BAD(address_on_syscall, DOC(SYS_RULE(", \"address\": \"*\"")), "rules[0].address: not a field of a syscall rule");
BAD(protocol_on_file, DOC(FILE_RULE(", \"protocol\": \"tcp\"")), "rules[0].protocol: not a field of a file-read rule");
BAD(syscall_on_net, DOC("{\"name\": \"r\", \"type\": \"network-inbound\", \"syscall\": \"bind\", \"action\": \"deny\"}"), "rules[0].syscall: not a field of a network-inbound rule");
BAD(args_on_file, DOC(FILE_RULE(", \"args\": []")), "rules[0].args: not a field of a file-read rule");
BAD(port_too_big, DOC(NET_RULE(", \"port\": 65536")), "rules[0].port: 65536 is out of range (0 to 65535)");
BAD(port_negative, DOC(NET_RULE(", \"port\": -1")), "rules[0].port: -1 is out of range (0 to 65535)");
BAD(port_real, DOC(NET_RULE(", \"port\": 80.5")), "rules[0].port: must be a number");
BAD(port_word, DOC(NET_RULE(", \"port\": \"http\"")), "rules[0].port: \"http\": a port is a JSON number, a range");
BAD(port_single_string, DOC(NET_RULE(", \"port\": \"80\"")), "rules[0].port: \"80\": a port is a JSON number, a range");
BAD(port_range_reversed, DOC(NET_RULE(", \"port\": \"9000-8000\"")), "rules[0].port: \"9000-8000\": the low end is above the high end");
BAD(port_range_too_big, DOC(NET_RULE(", \"port\": \"8000-70000\"")), "rules[0].port: \"8000-70000\" is out of range");
BAD(port_range_half, DOC(NET_RULE(", \"port\": \"8000-\"")), "rules[0].port: \"8000-\" is not a range");
BAD(port_range_sign, DOC(NET_RULE(", \"port\": \"-1-5\"")), "rules[0].port: \"-1-5\" is not a range");
BAD(port_range_space, DOC(NET_RULE(", \"port\": \"80 - 90\"")), "rules[0].port: \"80 - 90\" is not a range");
BAD(addr_garbage, DOC(NET_RULE(", \"address\": \"example.com\"")), "rules[0].address: \"example.com\" is not an IPv4 or IPv6 address");
BAD(addr_v4_bad, DOC(NET_RULE(", \"address\": \"10.0.0.256\"")), "rules[0].address: \"10.0.0.256\" is not");
BAD(addr_v4_prefix, DOC(NET_RULE(", \"address\": \"10.0.0.0/33\"")), "rules[0].address: \"10.0.0.0/33\": the prefix length must be 0 to 32");
BAD(addr_v6_prefix, DOC(NET_RULE(", \"address\": \"2001:db8::/129\"")), "rules[0].address: \"2001:db8::/129\": the prefix length must be 0 to 128");
BAD(addr_prefix_word, DOC(NET_RULE(", \"address\": \"10.0.0.0/x\"")), "rules[0].address: \"10.0.0.0/x\": the prefix length");
BAD(addr_prefix_empty, DOC(NET_RULE(", \"address\": \"10.0.0.0/\"")), "rules[0].address: \"10.0.0.0/\": the prefix length");
BAD(addr_host_bits_v4, DOC(NET_RULE(", \"address\": \"10.0.0.1/24\"")), "rules[0].address: \"10.0.0.1/24\" has bits set after the prefix length");
BAD(addr_host_bits_v6, DOC(NET_RULE(", \"address\": \"2001:db8::1/64\"")), "rules[0].address: \"2001:db8::1/64\" has bits set");
BAD(addr_number, DOC(NET_RULE(", \"address\": 167772160")), "rules[0].address: must be a string");
BAD(protocol_bad, DOC(NET_RULE(", \"protocol\": \"icmp\"")), "rules[0].protocol: \"icmp\" is not \"tcp\", \"udp\" or \"*\"");
BAD(protocol_number, DOC(NET_RULE(", \"protocol\": 6")), "rules[0].protocol: must be");
BAD(syscall_missing, DOC("{\"name\": \"r\", \"type\": \"syscall\", \"action\": \"deny\"}"), "rules[0].syscall: missing");
BAD(syscall_not_a_name, DOC("{\"name\": \"r\", \"type\": \"syscall\", \"syscall\": \"open at\", \"action\": \"deny\"}"), "rules[0].syscall: \"open at\" is not a system call name");
BAD(syscall_number, DOC("{\"name\": \"r\", \"type\": \"syscall\", \"syscall\": 59, \"action\": \"deny\"}"), "rules[0].syscall: must be a system call name");
BAD(syscall_empty, DOC("{\"name\": \"r\", \"type\": \"syscall\", \"syscall\": \"\", \"action\": \"deny\"}"), "rules[0].syscall: \"\" is not a system call name");
BAD(args_not_array, DOC(SYS_RULE(", \"args\": \"/bin/sh\"")), "rules[0].args: must be an array");
BAD(args_too_many, DOC(SYS_RULE(", \"args\": [1, 2, 3, 4]")), "rules[0].args: has 4 values; at most 3");
BAD(args_relative, DOC(SYS_RULE(", \"args\": [\"*\", \"sh\"]")), "rules[0].args[1]: \"sh\" is not an absolute path");
BAD(args_bool, DOC(SYS_RULE(", \"args\": [true]")), "rules[0].args[0]: must be an absolute path, an integer or \"*\"");
BAD(args_real, DOC(SYS_RULE(", \"args\": [1, 2.5]")), "rules[0].args[1]: must be");
BAD(second_rule_field, DOC(FILE_RULE("") ", " NET_RULE(", \"name\": \"s\"")), "JSON");
BAD(third_rule_port, DOC(FILE_RULE("") ", {\"name\": \"s\", \"type\": \"network-inbound\", \"action\": \"allow\"}, "
			 "{\"name\": \"t\", \"type\": \"network-inbound\", \"port\": 99999, \"action\": \"allow\"}"),
    "rules[2].port: 99999 is out of range");

TEST_F(bad_doc, refused_with_the_field_named)
{
	int ret = parse(variant->text, &self->doc, self->err, sizeof(self->err));

	if (!strcmp(variant->error, "JSON")) {
		/* Duplicate keys: jansson refuses them before we look. */
		EXPECT_EQ(-2, ret);
		return;
	}
	ASSERT_EQ(-1, ret);
	EXPECT_EQ(0, strncmp(variant->error, self->err, strlen(variant->error)))
		TH_LOG("expected \"%s...\", got \"%s\"", variant->error, self->err);
	/* Nothing is left allocated for the caller to free. */
	EXPECT_EQ(NULL, self->doc.rules);
	EXPECT_EQ(NULL, self->doc.name);
}

/* From the text itself, as crsctl reads it: the same messages. */
TEST_F(bad_doc, refused_the_same_by_doc_load)
{
	FILE *f = fmemopen((void *)variant->text, strlen(variant->text), "r");
	int ret;

	ASSERT_NE(NULL, f);
	ret = doc_load(f, &self->doc, self->err, sizeof(self->err));
	fclose(f);
	ASSERT_EQ(-1, ret);
	if (!strcmp(variant->error, "JSON")) {
		EXPECT_EQ(0, strncmp("line 1, column ", self->err, 15)) TH_LOG("%s", self->err);
		EXPECT_NE(NULL, strstr(self->err, ": duplicate object key near '\"")) TH_LOG("%s", self->err);
		return;
	}
	EXPECT_EQ(0, strncmp(variant->error, self->err, strlen(variant->error)))
		TH_LOG("expected \"%s...\", got \"%s\"", variant->error, self->err);
	EXPECT_EQ(NULL, self->doc.rules);
	EXPECT_EQ(NULL, self->doc.name);
}

TEST(description_longer_than_255_bytes_is_refused)
{
	char text[600], err[256];
	struct crs_doc doc;

	snprintf(text, sizeof(text), "{\"name\": \"p\", \"mode\": \"active\", \"description\": \"%0256d\"}", 0);
	EXPECT_EQ(-1, parse(text, &doc, err, sizeof(err)));
	EXPECT_STREQ("description: longer than 255 bytes", err);
	snprintf(text, sizeof(text), "{\"name\": \"p\", \"mode\": \"active\", \"description\": \"%0255d\"}", 0);
	ASSERT_EQ(0, parse(text, &doc, err, sizeof(err)));
	EXPECT_EQ(255, strlen(doc.description));
	doc_free(&doc);
}

TEST(paths_longer_than_path_max_are_refused)
{
	char *text = malloc(2 * PATH_MAX), err[256];
	struct crs_doc doc;
	int n;

	ASSERT_NE(NULL, text);
	n = snprintf(text, 2 * PATH_MAX, DOC(FILE_RULE(", \"program\": \"/%0*d\"")),
		     PATH_MAX - 1, 0);
	ASSERT_GT(2 * PATH_MAX, n);
	EXPECT_EQ(-1, parse(text, &doc, err, sizeof(err)));
	EXPECT_STREQ("rules[0].program: longer than 4095 bytes", err);
	/* One byte less is the longest path there is. */
	snprintf(text, 2 * PATH_MAX, DOC(FILE_RULE(", \"program\": \"/%0*d\"")),
		 PATH_MAX - 2, 0);
	ASSERT_EQ(0, parse(text, &doc, err, sizeof(err))) TH_LOG("%s", err);
	EXPECT_EQ(PATH_MAX - 1, strlen(doc.rules[0].program));
	doc_free(&doc);
	free(text);
}

TEST(a_syscall_name_of_64_bytes_is_refused)
{
	char text[512], err[256];
	struct crs_doc doc;

	snprintf(text, sizeof(text), DOC("{\"name\": \"r\", \"type\": \"syscall\", \"syscall\": \"%064d\", \"action\": \"deny\"}"), 0);
	EXPECT_EQ(-1, parse(text, &doc, err, sizeof(err)));
	EXPECT_EQ(0, strncmp("rules[0].syscall: \"0000", err, 23)) TH_LOG("%s", err);
	/* Names libseccomp does not know are the kernel's to judge. */
	snprintf(text, sizeof(text), DOC(SYS_RULE("") ", {\"name\": \"s\", \"type\": \"syscall\", \"syscall\": \"execvee\", \"action\": \"deny\"}"));
	ASSERT_EQ(0, parse(text, &doc, err, sizeof(err))) TH_LOG("%s", err);
	EXPECT_STREQ("execvee", doc.rules[1].syscall);
	doc_free(&doc);
}

TEST(duplicate_keys_are_refused_by_the_loader)
{
	char err[512];
	struct crs_doc doc;
	FILE *f = fmemopen("{\"name\": \"a\", \"name\": \"b\", \"mode\": \"active\"}", 46, "r");

	ASSERT_NE(NULL, f);
	EXPECT_EQ(-1, doc_load(f, &doc, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "duplicate object key")) TH_LOG("%s", err);
	EXPECT_EQ(0, strncmp("line 1, column", err, 14)) TH_LOG("%s", err);
	fclose(f);
}

TEST(syntax_errors_give_line_and_column)
{
	char err[512];
	struct crs_doc doc;
	FILE *f = fmemopen("{\n\"name\": \"a\",\n}", 16, "r");

	ASSERT_NE(NULL, f);
	EXPECT_EQ(-1, doc_load(f, &doc, err, sizeof(err)));
	EXPECT_EQ(0, strncmp("line 3, column 1:", err, 17)) TH_LOG("%s", err);
	fclose(f);
}

/* Valid values and how they are written back: input -> canonical rule. */
FIXTURE(good_rule) { char *out; };
FIXTURE_VARIANT(good_rule) { const char *text; const char *rule; };
FIXTURE_SETUP(good_rule) { self->out = NULL; }
FIXTURE_TEARDOWN(good_rule) { free(self->out); }

#define GOOD(id, txt, canonical) \
	FIXTURE_VARIANT_ADD(good_rule, id) { .text = DOC(txt), .rule = canonical }

GOOD(net_defaults, NET_RULE(""),
     "{\"name\": \"r\", \"type\": \"network-outbound\", \"program\": \"*\", \"address\": \"*\", \"port\": \"*\", \"protocol\": \"*\", \"action\": \"deny\", \"enabled\": true}");
GOOD(net_v4_host, NET_RULE(", \"address\": \"169.254.169.254\", \"port\": 80"),
     "{\"name\": \"r\", \"type\": \"network-outbound\", \"program\": \"*\", \"address\": \"169.254.169.254\", \"port\": 80, \"protocol\": \"*\", \"action\": \"deny\", \"enabled\": true}");
GOOD(net_v4_cidr_range, NET_RULE(", \"address\": \"10.0.0.0/8\", \"port\": \"8000-8999\", \"protocol\": \"tcp\""),
     "{\"name\": \"r\", \"type\": \"network-outbound\", \"program\": \"*\", \"address\": \"10.0.0.0/8\", \"port\": \"8000-8999\", \"protocol\": \"tcp\", \"action\": \"deny\", \"enabled\": true}");
GOOD(net_v4_slash32, NET_RULE(", \"address\": \"10.0.0.1/32\", \"port\": \"53-53\", \"protocol\": \"udp\""),
     "{\"name\": \"r\", \"type\": \"network-outbound\", \"program\": \"*\", \"address\": \"10.0.0.1\", \"port\": 53, \"protocol\": \"udp\", \"action\": \"deny\", \"enabled\": true}");
GOOD(net_v4_any_prefix, NET_RULE(", \"address\": \"0.0.0.0/0\", \"port\": 0"),
     "{\"name\": \"r\", \"type\": \"network-outbound\", \"program\": \"*\", \"address\": \"0.0.0.0/0\", \"port\": 0, \"protocol\": \"*\", \"action\": \"deny\", \"enabled\": true}");
GOOD(net_v4_mapped, NET_RULE(", \"address\": \"::ffff:192.0.2.7\", \"port\": 65535"),
     "{\"name\": \"r\", \"type\": \"network-outbound\", \"program\": \"*\", \"address\": \"192.0.2.7\", \"port\": 65535, \"protocol\": \"*\", \"action\": \"deny\", \"enabled\": true}");
GOOD(net_v4_mapped_prefix, NET_RULE(", \"address\": \"::ffff:192.0.2.0/120\""),
     "{\"name\": \"r\", \"type\": \"network-outbound\", \"program\": \"*\", \"address\": \"192.0.2.0/24\", \"port\": \"*\", \"protocol\": \"*\", \"action\": \"deny\", \"enabled\": true}");
GOOD(net_v6, NET_RULE(", \"address\": \"2001:DB8:0:0::/32\", \"port\": \"*\", \"protocol\": \"*\""),
     "{\"name\": \"r\", \"type\": \"network-outbound\", \"program\": \"*\", \"address\": \"2001:db8::/32\", \"port\": \"*\", \"protocol\": \"*\", \"action\": \"deny\", \"enabled\": true}");
GOOD(net_v6_host, NET_RULE(", \"address\": \"::1\", \"address\": \"::1\""), NULL);
GOOD(net_v6_any, NET_RULE(", \"address\": \"::/0\", \"program\": \"/usr/sbin/\""),
     "{\"name\": \"r\", \"type\": \"network-outbound\", \"program\": \"/usr/sbin/\", \"address\": \"::/0\", \"port\": \"*\", \"protocol\": \"*\", \"action\": \"deny\", \"enabled\": true}");
GOOD(file_dir_program, FILE_RULE(", \"program\": \"/usr/sbin/nginx\", \"enabled\": false"),
     "{\"name\": \"r\", \"type\": \"file-read\", \"program\": \"/usr/sbin/nginx\", \"path\": \"/etc/\", \"action\": \"deny\", \"enabled\": false}");
GOOD(file_root, "{\"name\": \"r\", \"type\": \"file-write\", \"path\": \"/\", \"action\": \"monitor\", \"program\": \"*\"}",
     "{\"name\": \"r\", \"type\": \"file-write\", \"program\": \"*\", \"path\": \"/\", \"action\": \"monitor\", \"enabled\": true}");
GOOD(syscall_args, SYS_RULE(", \"args\": [\"/usr/bin/\", -1, \"*\"]"),
     "{\"name\": \"r\", \"type\": \"syscall\", \"program\": \"*\", \"syscall\": \"execve\", \"args\": [\"/usr/bin/\", -1, \"*\"], \"action\": \"deny\", \"enabled\": true}");
GOOD(syscall_int, "{\"name\": \"r.1_x-Y\", \"type\": \"syscall\", \"syscall\": \"socket\", \"args\": [17], \"action\": \"allow\"}",
     "{\"name\": \"r.1_x-Y\", \"type\": \"syscall\", \"program\": \"*\", \"syscall\": \"socket\", \"args\": [17], \"action\": \"allow\", \"enabled\": true}");
GOOD(syscall_big_int, SYS_RULE(", \"args\": [9223372036854775807, -9223372036854775808]"),
     "{\"name\": \"r\", \"type\": \"syscall\", \"program\": \"*\", \"syscall\": \"execve\", \"args\": [9223372036854775807, -9223372036854775808], \"action\": \"deny\", \"enabled\": true}");

TEST_F(good_rule, accepted_and_written_canonically)
{
	self->out = canon_rule(variant->text);
	if (!variant->rule) {
		/* A duplicate key: refused before validation. */
		EXPECT_EQ(NULL, self->out);
		return;
	}
	ASSERT_NE(NULL, self->out);
	EXPECT_STREQ(variant->rule, self->out);
}

TEST_F(good_rule, read_the_same_by_doc_load)
{
	FILE *f = fmemopen((void *)variant->text, strlen(variant->text), "r");
	char err[512] = "", *out = NULL;
	struct crs_doc doc;
	size_t len;
	int ret;

	ASSERT_NE(NULL, f);
	ret = doc_load(f, &doc, err, sizeof(err));
	fclose(f);
	if (!variant->rule) {
		EXPECT_EQ(-1, ret);
		EXPECT_NE(NULL, strstr(err, "duplicate object key")) TH_LOG("%s", err);
		return;
	}
	ASSERT_EQ(0, ret) TH_LOG("%s", err);
	f = open_memstream(&out, &len);
	doc_write(f, &doc);
	fclose(f);
	doc_free(&doc);
	self->out = canon_rule(variant->text);
	ASSERT_NE(NULL, self->out);
	EXPECT_NE(NULL, strstr(out, self->out)) TH_LOG("%s", out);
	free(out);
}

TEST(document_defaults_are_written_out)
{
	char *out = canon("{\"name\": \"p\", \"mode\": \"permissive\"}");

	ASSERT_NE(NULL, out);
	EXPECT_STREQ("{\n  \"name\": \"p\",\n  \"description\": \"\",\n  \"mode\": \"permissive\",\n"
		     "  \"defaults\": {\"network\": \"allow\", \"file\": \"allow\", \"application\": \"allow\"},\n"
		     "  \"compat_syscalls\": \"deny\",\n  \"rules\": []\n}\n", out);
	free(out);
}

TEST(description_is_escaped)
{
	char *out = canon("{\"name\": \"p\", \"mode\": \"inactive\", \"description\": \"a \\\"b\\\"\\n\\u00e9\","
			  " \"defaults\": {\"file\": \"monitor\"}, \"compat_syscalls\": \"allow\"}");

	ASSERT_NE(NULL, out);
	EXPECT_NE(NULL, strstr(out, "\"description\": \"a \\\"b\\\"\\n\xc3\xa9\",\n")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "{\"network\": \"allow\", \"file\": \"monitor\", \"application\": \"allow\"}"));
	EXPECT_NE(NULL, strstr(out, "\"compat_syscalls\": \"allow\""));
	free(out);
}

/* Parts of a transfer, captured instead of sent. */
struct parts {
	struct crs_doc doc;	/* what a kernel would put together */
	int n, begin, end;
	size_t max_len;
	uint32_t n_rules_end;
	bool order_ok, header_ok;
};

static struct nl_msg *test_msg(void)
{
	struct nl_msg *msg = nlmsg_alloc();

	genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, 1, 0, 0, CRS_CMD_POLICY_NEW,
		    CRS_GENL_VERSION);
	return msg;
}

static int capture(struct nl_msg *msg, void *arg)
{
	struct nlattr *top[CRS_A_MAX + 1], *tb[CRS_POLICY_A_MAX + 1], *r;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct parts *p = arg;
	uint32_t flags;
	int rem;

	if ((size_t)nlh->nlmsg_len > p->max_len)
		p->max_len = nlh->nlmsg_len;
	if (genlmsg_parse(nlh, 0, top, CRS_A_MAX, NULL) < 0 || !top[CRS_A_POLICY] ||
	    nla_parse_nested(tb, CRS_POLICY_A_MAX, top[CRS_A_POLICY], NULL) < 0)
		return -EPROTO;
	flags = nla_get_u32(tb[CRS_POLICY_A_XFER_FLAGS]);
	if (flags & CRS_XFER_BEGIN) {
		p->begin++;
		p->order_ok = p->n == 0;
		p->header_ok = tb[CRS_POLICY_A_MODE] && tb[CRS_POLICY_A_N_RULES];
		if (doc_get_header(top[CRS_A_POLICY], &p->doc))
			return -EPROTO;
	} else if (tb[CRS_POLICY_A_MODE]) {
		p->header_ok = false;	/* later parts carry only NAME */
	}
	if (!tb[CRS_POLICY_A_NAME] ||
	    strcmp(p->doc.name, nla_get_string(tb[CRS_POLICY_A_NAME])))
		p->order_ok = false;
	if (flags & CRS_XFER_END) {
		p->end++;
		p->n_rules_end = nla_get_u32(tb[CRS_POLICY_A_N_RULES]);
	}
	if (tb[CRS_POLICY_A_RULES]) {
		nla_for_each_nested(r, tb[CRS_POLICY_A_RULES], rem) {
			p->doc.rules = realloc(p->doc.rules, (p->doc.n_rules + 1) *
					       sizeof(*p->doc.rules));
			if (doc_get_rule(r, &p->doc.rules[p->doc.n_rules++]))
				return -EPROTO;
		}
	}
	p->n++;
	nlmsg_free(msg);
	return 0;
}

static char *write_doc(const struct crs_doc *doc)
{
	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);

	doc_write(f, doc);
	fclose(f);
	return buf;
}

/*
 * A file of the repository: from this program's place in build/tests/unit,
 * or else from the working directory (a BUILD outside the repository).
 */
static void repo_path(char *buf, size_t len, const char *rel)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	exe[n < 0 ? 0 : n] = '\0';
	snprintf(buf, len, "%s/../../../%s", dirname(exe), rel);
	if (access(buf, R_OK))
		snprintf(buf, len, "%s", rel);
}

FIXTURE(example) { char path[PATH_MAX]; };
FIXTURE_VARIANT(example) { const char *file; };
FIXTURE_VARIANT_ADD(example, web) { .file = "policies/web.json" };
FIXTURE_VARIANT_ADD(example, database) { .file = "policies/database.json" };
FIXTURE_VARIANT_ADD(example, batch) { .file = "policies/batch.json" };
FIXTURE_SETUP(example) { repo_path(self->path, sizeof(self->path), variant->file); }
FIXTURE_TEARDOWN(example) { }

TEST_F(example, is_canonical_and_survives_netlink)
{
	struct parts p = { .order_ok = true };
	struct crs_doc doc;
	char err[512], *orig, *back;
	FILE *f = fopen(self->path, "r");
	struct stat st;

	ASSERT_NE(NULL, f) TH_LOG("%s", self->path);
	ASSERT_EQ(0, fstat(fileno(f), &st));
	orig = calloc(1, (size_t)st.st_size + 1);
	ASSERT_EQ((size_t)st.st_size, fread(orig, 1, (size_t)st.st_size, f));
	rewind(f);
	ASSERT_EQ(0, doc_load(f, &doc, err, sizeof(err))) TH_LOG("%s", err);
	fclose(f);
	ASSERT_LT(5, doc.n_rules);

	ASSERT_EQ(0, doc_send(&doc, test_msg, capture, &p));
	EXPECT_EQ(1, p.n);	/* a small policy is one message */
	EXPECT_EQ(1, p.begin);
	EXPECT_EQ(1, p.end);
	EXPECT_TRUE(p.header_ok);
	EXPECT_EQ(doc.n_rules, p.n_rules_end);
	back = write_doc(&p.doc);
	EXPECT_STREQ(orig, back);
	free(back);
	free(orig);
	doc_free(&p.doc);
	doc_free(&doc);
}

/* A document of n generated rules of every type, as JSON text. */
static char *big_doc(size_t n, const char *last_name)
{
	char *buf = NULL;
	size_t len, i;
	FILE *f = open_memstream(&buf, &len);

	fputs("{\"name\": \"big\", \"mode\": \"active\", \"rules\": [", f);
	for (i = 0; i < n; i++) {
		const char *sep = i ? ",\n" : "";
		char name[32];

		snprintf(name, sizeof(name), "rule-%zu", i);
		if (i + 1 == n && last_name)
			snprintf(name, sizeof(name), "%s", last_name);
		switch (i % 4) {
		case 0:
			fprintf(f, "%s{\"name\": \"%s\", \"type\": \"file-write\", \"program\": \"/usr/bin/prog%zu\", \"path\": \"/data/dir%zu/file%zu\", \"action\": \"deny\"}",
				sep, name, i % 97, i % 13, i);
			break;
		case 1:
			fprintf(f, "%s{\"name\": \"%s\", \"type\": \"network-outbound\", \"address\": \"10.%zu.%zu.0/24\", \"port\": %zu, \"protocol\": \"tcp\", \"action\": \"deny\"}",
				sep, name, i / 256 % 256, i % 256, i % 65536);
			break;
		case 2:
			fprintf(f, "%s{\"name\": \"%s\", \"type\": \"network-inbound\", \"address\": \"2001:db8:%zx::/48\", \"port\": \"1000-%zu\", \"action\": \"monitor\", \"enabled\": false}",
				sep, name, i % 65536, 1000 + i % 60000);
			break;
		default:
			fprintf(f, "%s{\"name\": \"%s\", \"type\": \"syscall\", \"syscall\": \"openat\", \"args\": [-100, \"/srv/%zu/\", %zu], \"action\": \"deny\"}",
				sep, name, i, i);
		}
	}
	fputs("]}", f);
	fclose(f);
	return buf;
}

/* CPU time: the other programs on a busy host do not count. */
static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

TEST(hundred_thousand_rules_parse_and_transfer_in_parts)
{
	struct parts p = { .order_ok = true };
	char *text = big_doc(100000, NULL), err[512], *a, *b;
	struct crs_doc doc;
	double t0, t1;

	ASSERT_NE(NULL, text);
	t0 = now();
	ASSERT_EQ(0, parse(text, &doc, err, sizeof(err))) TH_LOG("%s", err);
	t1 = now();
	free(text);
	ASSERT_EQ(100000, doc.n_rules);
	TH_LOG("read and validated 100000 rules in %.3f s of CPU", t1 - t0);
	/*
	 * No time limit here (figures belong in benchmarks): a quadratic
	 * check of names would take minutes and hit the runner's timeout.
	 */

	t0 = now();
	ASSERT_EQ(0, doc_send(&doc, test_msg, capture, &p));
	TH_LOG("encoded into %d messages in %.3f s of CPU, largest %zu bytes",
	       p.n, now() - t0, p.max_len);
	EXPECT_LT(1, p.n);
	EXPECT_EQ(1, p.begin);
	EXPECT_EQ(1, p.end);
	EXPECT_TRUE(p.order_ok);
	EXPECT_TRUE(p.header_ok);
	EXPECT_GE(65535, p.max_len);
	EXPECT_EQ(100000, p.n_rules_end);
	ASSERT_EQ(100000, p.doc.n_rules);
	a = write_doc(&doc);
	b = write_doc(&p.doc);
	EXPECT_EQ(0, strcmp(a, b));
	free(a);
	free(b);
	doc_free(&p.doc);
	doc_free(&doc);
}

TEST(duplicate_name_found_among_many_rules)
{
	char *text = big_doc(50001, "rule-123"), err[512];
	struct crs_doc doc;

	ASSERT_EQ(-1, parse(text, &doc, err, sizeof(err)));
	EXPECT_STREQ("rules[50000].name: \"rule-123\" is also the name of rules[123]", err);
	free(text);
}

static int send_fails(struct nl_msg *msg, void *arg)
{
	int *calls = arg;

	nlmsg_free(msg);
	return ++*calls == 2 ? -EPERM : 0;
}

TEST(transfer_stops_at_the_first_refused_part)
{
	char *text = big_doc(20000, NULL), err[512];
	struct crs_doc doc;
	int calls = 0;

	ASSERT_EQ(0, parse(text, &doc, err, sizeof(err)));
	EXPECT_EQ(-EPERM, doc_send(&doc, test_msg, send_fails, &calls));
	EXPECT_EQ(2, calls);
	free(text);
	doc_free(&doc);
}

static struct nl_msg *tiny_msg(void)
{
	struct nl_msg *msg = nlmsg_alloc_size(256);

	genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, 1, 0, 0, CRS_CMD_POLICY_NEW,
		    CRS_GENL_VERSION);
	return msg;
}

TEST(a_rule_that_fits_no_message_is_not_an_errno)
{
	char text[8192], err[512];
	struct crs_doc doc;
	int calls = 0;

	snprintf(text, sizeof(text), DOC(FILE_RULE(", \"program\": \"/%0300d\"")), 0);
	ASSERT_EQ(0, parse(text, &doc, err, sizeof(err))) TH_LOG("%s", err);
	/* Not -ENOSPC: that one the kernel sends when its memory limit is hit. */
	EXPECT_EQ(DOC_SEND_TOO_BIG, doc_send(&doc, tiny_msg, send_fails, &calls));
	EXPECT_EQ(0, calls);
	doc_free(&doc);
}

/* Symbolic links on the host, in a scratch directory. */
struct link_seen {
	int n;
	char field[64], path[PATH_MAX], link[PATH_MAX], target[PATH_MAX];
} seen;

static void on_link(const char *field, const char *path, const char *link,
		    const char *target)
{
	seen.n++;
	snprintf(seen.field, sizeof(seen.field), "%s", field);
	snprintf(seen.path, sizeof(seen.path), "%s", path);
	snprintf(seen.link, sizeof(seen.link), "%s", link);
	snprintf(seen.target, sizeof(seen.target), "%s", target);
}

TEST(paths_through_symbolic_links_are_reported)
{
	char dir[] = "/tmp/crs-doc-test-XXXXXX", sub[PATH_MAX], lnk[PATH_MAX];
	char text[4096], err[512], expect[PATH_MAX];
	struct crs_doc doc;

	ASSERT_NE(NULL, mkdtemp(dir));
	snprintf(sub, sizeof(sub), "%s/real", dir);
	snprintf(lnk, sizeof(lnk), "%s/bin", dir);
	ASSERT_EQ(0, mkdir(sub, 0755));
	ASSERT_EQ(0, symlink("real", lnk));
	snprintf(text, sizeof(text), DOC(
		"{\"name\": \"a\", \"type\": \"file-read\", \"path\": \"%s/real/cat\", \"action\": \"deny\"},"
		"{\"name\": \"b\", \"type\": \"file-read\", \"path\": \"%s/real/cp\", \"program\": \"%s/bin/\", \"action\": \"deny\"},"
		"{\"name\": \"c\", \"type\": \"file-read\", \"path\": \"%s/bin/cat\", \"action\": \"deny\"},"
		"{\"name\": \"d\", \"type\": \"file-read\", \"path\": \"%s/bin/cp\", \"action\": \"deny\"},"
		"{\"name\": \"e\", \"type\": \"syscall\", \"syscall\": \"execve\", \"args\": [\"%s/bin\"], \"action\": \"deny\"}"),
		dir, dir, dir, dir, dir, dir);
	ASSERT_EQ(0, parse(text, &doc, err, sizeof(err))) TH_LOG("%s", err);
	memset(&seen, 0, sizeof(seen));
	doc_check_links(&doc, on_link);
	/* b's program, c's and d's paths (d from the cache), e's argument. */
	EXPECT_EQ(4, seen.n);
	EXPECT_STREQ("rules[4].args[0]", seen.field);
	EXPECT_STREQ(lnk, seen.link);
	EXPECT_STREQ("real", seen.target);
	snprintf(expect, sizeof(expect), "%s/bin", dir);
	EXPECT_STREQ(expect, seen.path);
	doc_free(&doc);
	unlink(lnk);
	rmdir(sub);
	rmdir(dir);
}

TEST(times_are_rfc3339_utc_with_microseconds)
{
	char buf[40];

	format_time(0, buf, sizeof(buf));
	EXPECT_STREQ("1970-01-01T00:00:00.000000Z", buf);
	format_time(1795873507123456789ULL, buf, sizeof(buf));
	EXPECT_STREQ("2026-11-28T13:45:07.123456Z", buf);
}

TEST(network_argument_column)
{
	struct crs_rule r = { .type = CRS_RULE_NET_OUT, .protocol = -1 };
	char buf[128];

	doc_rule_argument(&r, buf, sizeof(buf));
	EXPECT_STREQ("*:*/*", buf);
	r.has_addr = true;
	r.prefix = 120;
	r.addr[10] = r.addr[11] = 0xff;
	r.addr[12] = 10;
	r.has_port = true;
	r.port_min = 8000;
	r.port_max = 8999;
	r.protocol = 6;
	doc_rule_argument(&r, buf, sizeof(buf));
	EXPECT_STREQ("10.0.0.0/24:8000-8999/tcp", buf);
	memset(r.addr, 0, sizeof(r.addr));
	r.addr[0] = 0x20;
	r.addr[1] = 0x01;
	r.prefix = 16;
	r.port_max = 8000;
	r.protocol = 17;
	doc_rule_argument(&r, buf, sizeof(buf));
	EXPECT_STREQ("[2001::/16]:8000/udp", buf);
}

TEST_HARNESS_MAIN
