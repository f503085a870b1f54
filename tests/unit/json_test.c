// SPDX-License-Identifier: GPL-2.0
/*
 * The JSON reader under doc_load(): what RFC 8259 allows and refuses in
 * strings, numbers and structure, as a policy document sees it. Syntax
 * errors start "line L, column C: "; a value of the wrong kind is the
 * field's own error ("rules[0].port: must be ...").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "doc.h"

#define DOC(rules) "{\"name\": \"p\", \"mode\": \"active\", \"rules\": [" rules "]}"
#define NET_RULE(extra) "{\"name\": \"r\", \"type\": \"network-outbound\", \"action\": \"deny\"" extra "}"
#define SYS_RULE(extra) "{\"name\": \"r\", \"type\": \"syscall\", \"syscall\": \"execve\", \"action\": \"deny\"" extra "}"
/* A document with a description, for what strings may hold. */
#define DESC(text) "{\"name\": \"p\", \"mode\": \"active\", \"description\": \"" text "\"}"

/* doc_load() of len bytes of text; the document is freed unless kept. */
static int load_n(const char *text, size_t len, struct crs_doc *doc,
		  char *err, size_t errlen)
{
	FILE *f = len ? fmemopen((void *)text, len, "r") : fopen("/dev/null", "r");
	int ret;

	if (!f)
		return -2;
	ret = doc_load(f, doc, err, errlen);
	fclose(f);
	return ret;
}

static int load(const char *text, struct crs_doc *doc, char *err, size_t errlen)
{
	return load_n(text, strlen(text), doc, err, errlen);
}

FIXTURE(json_bad) {
	struct crs_doc doc;
	char err[1024];
};

FIXTURE_VARIANT(json_bad) {
	const char *text;
	size_t len;		/* 0: strlen(text) */
	const char *error;	/* the start of the message */
};

FIXTURE_SETUP(json_bad) { memset(&self->doc, 0, sizeof(self->doc)); }
FIXTURE_TEARDOWN(json_bad) { }

#define BAD(id, txt, msg) \
	FIXTURE_VARIANT_ADD(json_bad, id) { .text = txt, .error = msg }

/* Structure. */
BAD(empty, "", "line 1, column 0: '[' or '{' expected near end of file");
BAD(blank, " \n ", "line 2, column 1: '[' or '{' expected near end of file");
BAD(scalar_root, "5", "line 1, column 1: '[' or '{' expected near '5'");
BAD(array_root, "[1, 2]", "the document must be a JSON object");
BAD(trailing_garbage, "{\"name\": \"p\", \"mode\": \"active\"} x",
    "line 1, column 33: end of file expected near 'x'");
BAD(two_documents, "{\"name\": \"p\", \"mode\": \"active\"}{}",
    "line 1, column 32: end of file expected near '{'");
BAD(unclosed, "{\"name\": \"p\"", "line 1, column 12: '}' expected near end of file");
BAD(trailing_comma_object, "{\"name\": \"p\",}", "line 1, column 14: string or '}' expected near '}'");
BAD(trailing_comma_array, DOC(NET_RULE("") ","), "line 1, column 103: unexpected token near ']'");
BAD(missing_colon, "{\"name\" \"p\"}", "line 1, column 11: ':' expected near '\"p\"'");
BAD(missing_comma, "{\"name\": \"p\" \"mode\": \"active\"}", "line 1, column 19: '}' expected near '\"mode\"'");
BAD(single_quotes, "{'name': 'p'}", "line 1, column 2: string or '}' expected near '''");
BAD(bad_literal, DOC(NET_RULE(", \"enabled\": tru")), "line 1, column 116: invalid token near 'tru'");
BAD(capital_literal, DOC(NET_RULE(", \"enabled\": True")), "line 1, column 117: invalid token near 'True'");
BAD(comment, "{\"name\": \"p\", /* x */ \"mode\": \"active\"}", "line 1, column 15: string or '}' expected near '/'");
BAD(line_and_column, "{\n  \"name\": \"p\",\n  \"mode\": \"active\",\n  \"rules\": [}\n}",
    "line 4, column 13: unexpected token near '}'");
/* Columns count characters, not bytes. */
BAD(column_in_characters, "{\"description\": \"\xc3\xa9\xc3\xa9\", x}",
    "line 1, column 23: string or '}' expected near 'x'");

/* Strings. */
BAD(invalid_escape, DESC("a\\x"), "line 1, column 51: invalid escape near '\"a\\x'");
BAD(short_unicode_escape, DESC("\\u12"), "line 1, column 53: invalid escape near '\"\\u12\"'");
BAD(lone_high_surrogate, DESC("\\ud83d."), "line 1, column 56: invalid Unicode '\\uD83D' near '\"\\ud83d.\"'");
BAD(lone_low_surrogate, DESC("\\ude00"), "line 1, column 55: invalid Unicode '\\uDE00' near '\"\\ude00\"'");
BAD(high_then_not_low, DESC("\\ud83d\\u0041"), "line 1, column 61: invalid Unicode '\\uD83D\\u0041' near '\"\\ud83d\\u0041\"'");
BAD(nul_escape, DESC("a\\u0000b"), "line 1, column 57: \\u0000 is not allowed near '\"a\\u0000b\"'");
BAD(raw_newline, DESC("a\nb"), "line 1, column 49: unexpected newline near '\"a'");
BAD(raw_tab, DESC("a\tb"), "line 1, column 49: control character 0x9 near '\"a'");
/* A NUL byte in the text: the length is given. */
FIXTURE_VARIANT_ADD(json_bad, raw_nul) {
	.text = DESC("a\0b"), .len = sizeof(DESC("a\0b")) - 1,
	.error = "line 1, column 49: control character 0x0 near '\"a'",
};
FIXTURE_VARIANT_ADD(json_bad, nul_outside_string) {
	.text = "{\0}", .len = 3,
	.error = "line 1, column 2: string or '}' expected",
};
BAD(unterminated, "{\"name\": \"p", "line 1, column 11: premature end of input near '\"p'");
BAD(utf8_bad_byte, DESC("\xff"), "line 1, column 48: unable to decode byte 0xff near '\"'");
BAD(utf8_continuation_alone, DESC("\x80"), "line 1, column 48: unable to decode byte 0x80 near '\"'");
BAD(utf8_overlong, DESC("\xc0\xaf"), "line 1, column 48: unable to decode byte 0xc0 near '\"'");
BAD(utf8_overlong3, DESC("\xe0\x80\xaf"), "line 1, column 48: unable to decode byte 0xe0 near '\"'");
BAD(utf8_surrogate, DESC("\xed\xa0\x80"), "line 1, column 48: unable to decode byte 0xed near '\"'");
BAD(utf8_truncated, DESC("\xe2\x82"), "line 1, column 48: unable to decode byte 0xe2 near '\"'");
BAD(utf8_above_10ffff, DESC("\xf4\x90\x80\x80"), "line 1, column 48: unable to decode byte 0xf4 near '\"'");
BAD(utf8_f5, DESC("\xf5\x80\x80\x80"), "line 1, column 48: unable to decode byte 0xf5 near '\"'");
BAD(utf8_in_key, "{\"\xff\": 1}", "line 1, column 2: unable to decode byte 0xff near '\"'");
BAD(utf8_escaped_string, DESC("\\n\xff"), "line 1, column 50: unable to decode byte 0xff near '\"\\n'");
BAD(utf8_outside_string, "{\xc3\xa9}", "line 1, column 2: string or '}' expected near '\xc3\xa9'");

/* Numbers: integers only where the schema takes them. */
BAD(leading_zero, DOC(NET_RULE(", \"port\": 01")), "line 1, column 111: invalid token near '0'");
BAD(leading_zero_negative, DOC(NET_RULE(", \"port\": -01")), "line 1, column 112: invalid token near '-0'");
BAD(lone_minus, DOC(NET_RULE(", \"port\": -")), "line 1, column 111: invalid token near '-'");
BAD(plus_sign, DOC(NET_RULE(", \"port\": +1")), "line 1, column 111: invalid token near '+'");
BAD(dot_no_digits, DOC(NET_RULE(", \"port\": 1.")), "line 1, column 112: invalid token near '1.'");
BAD(leading_dot, DOC(NET_RULE(", \"port\": .5")), "line 1, column 111: invalid token near '.'");
BAD(exponent_no_digits, DOC(NET_RULE(", \"port\": 1e")), "line 1, column 112: invalid token near '1e'");
BAD(exponent_sign_only, DOC(NET_RULE(", \"port\": 1e+")), "line 1, column 113: invalid token near '1e+'");
BAD(hex, DOC(NET_RULE(", \"port\": 0x50")), "line 1, column 112: '}' expected near 'x'");
BAD(too_big_integer, DOC(SYS_RULE(", \"args\": [9223372036854775808]")),
    "line 1, column 142: too big integer near '9223372036854775808'");
BAD(too_big_negative_integer, DOC(SYS_RULE(", \"args\": [-9223372036854775809]")),
    "line 1, column 143: too big negative integer near '-9223372036854775809'");
BAD(huge_integer, DOC(SYS_RULE(", \"args\": [123456789012345678901234567890]")),
    "line 1, column 153: too big integer");
BAD(real_overflow, DOC(NET_RULE(", \"port\": 1e400")), "line 1, column 115: real number overflow near '1e400'");
BAD(exponent_is_real, DOC(NET_RULE(", \"port\": 1e3")), "rules[0].port: must be a number, a range \"LOW-HIGH\" or \"*\"");
BAD(fraction_is_real, DOC(NET_RULE(", \"port\": 1.0")), "rules[0].port: must be a number, a range \"LOW-HIGH\" or \"*\"");
BAD(negative_zero_real, DOC(NET_RULE(", \"port\": -0.0")), "rules[0].port: must be a number, a range \"LOW-HIGH\" or \"*\"");
BAD(real_arg, DOC(SYS_RULE(", \"args\": [1E2]")), "rules[0].args[0]: must be an absolute path, an integer or \"*\"");
BAD(null_enabled, DOC(NET_RULE(", \"enabled\": null")), "rules[0].enabled: must be true or false");
BAD(number_name, "{\"name\": 1e2, \"mode\": \"active\"}", "name: must be a string");

/* Nesting: at most 2048 arrays and objects, as jansson. */
#define A8	"[[[[[[[["
#define A64	A8 A8 A8 A8 A8 A8 A8 A8
#define A512	A64 A64 A64 A64 A64 A64 A64 A64
#define Z8	"]]]]]]]]"
#define Z64	Z8 Z8 Z8 Z8 Z8 Z8 Z8 Z8
#define Z512	Z64 Z64 Z64 Z64 Z64 Z64 Z64 Z64
/* The document is one level: 2047 more are allowed. */
BAD(deep_at_limit, "{\"x\": " A512 A512 A512 A512 "}", "line 1, column 2054: maximum parsing depth reached near '['");
BAD(deep_below_limit, "{\"x\": " A512 A512 A512 A64 A64 A64 A64 A64 A64 A64
    A8 A8 A8 A8 A8 A8 A8 "[[[[[[[" Z512 Z512 Z512 Z64 Z64 Z64 Z64 Z64 Z64 Z64
    Z8 Z8 Z8 Z8 Z8 Z8 Z8 "]]]]]]]" "}", "x: unknown field");

/* Duplicate keys, at every level, win over everything but syntax. */
BAD(dup_top, "{\"name\": \"p\", \"mode\": \"active\", \"name\": \"q\"}",
    "line 1, column 38: duplicate object key near '\"name\"'");
BAD(dup_unknown_top, "{\"x\": 1, \"x\": 2}", "line 1, column 12: duplicate object key near '\"x\"'");
BAD(dup_defaults, "{\"name\": \"p\", \"mode\": \"active\", \"defaults\": {\"file\": \"deny\", \"file\": \"deny\"}}",
    "line 1, column 67: duplicate object key near '\"file\"'");
BAD(dup_unknown_defaults, "{\"defaults\": {\"x\": 1, \"x\": 1}}", "line 1, column 25: duplicate object key near '\"x\"'");
BAD(dup_rule, DOC(NET_RULE(", \"port\": 1, \"port\": 2")), "line 1, column 119: duplicate object key near '\"port\"'");
BAD(dup_unknown_rule, DOC(NET_RULE(", \"x\": 1, \"x\": 2")), "line 1, column 113: duplicate object key near '\"x\"'");
BAD(dup_nested, "{\"name\": \"p\", \"mode\": \"active\", \"x\": [{\"a\": {\"b\": 1, \"b\": 2}}]}",
    "line 1, column 56: duplicate object key near '\"b\"'");
BAD(dup_escaped, "{\"name\": \"p\", \"n\\u0061me\": \"q\"}", "line 1, column 25: duplicate object key near '\"n\\u0061me\"'");
BAD(dup_after_bad_rule, DOC(NET_RULE(", \"port\": 99999") ", " NET_RULE(", \"x\": 1, \"x\": 2")),
    "line 1, column 189: duplicate object key near '\"x\"'");
BAD(dup_in_skipped_rule, "{\"rules\": [1, {\"a\": 1, \"a\": 1}]}", "line 1, column 26: duplicate object key near '\"a\"'");
BAD(syntax_after_bad_rule, DOC(NET_RULE(", \"port\": 99999") ", x"), "line 1, column 119: invalid token near 'x'");

/* The order of the checks, not of the text. */
BAD(unknown_after_rules, DOC(NET_RULE(", \"port\": 99999")) "x",
    "line 1, column 119: end of file expected near 'x'");
BAD(unknown_top_after_bad_rule, "{\"rules\": [1], \"name\": \"p\", \"mode\": \"active\", \"colour\": 1}",
    "colour: unknown field");
BAD(name_after_bad_rule, "{\"rules\": [1], \"mode\": \"active\", \"name\": \"a b\"}", "name: \"a b\" is not a name: 1 to 63 of A-Z a-z 0-9 . _ -");
BAD(mode_after_defaults, "{\"defaults\": {\"file\": 1}, \"name\": \"p\", \"mode\": 1}", "mode: must be \"active\", \"permissive\" or \"inactive\"");
BAD(defaults_before_compat, "{\"compat_syscalls\": 1, \"name\": \"p\", \"mode\": \"active\", \"defaults\": 1}",
    "defaults: must be an object");
BAD(type_after_fields, DOC("{\"port\": 1, \"name\": \"r\", \"action\": \"deny\", \"type\": \"file-read\", \"path\": \"/a\"}"),
    "rules[0].port: not a field of a file-read rule");
BAD(unknown_before_foreign, DOC("{\"x\": 1, \"port\": 1, \"name\": \"r\", \"action\": \"deny\", \"type\": \"file-read\"}"),
    "rules[0].x: unknown field");
BAD(foreign_before_unknown, DOC("{\"port\": 1, \"x\": 1, \"name\": \"r\", \"action\": \"deny\", \"type\": \"file-read\"}"),
    "rules[0].port: not a field of a file-read rule");
BAD(dup_name_before_bad_rule, DOC(NET_RULE("") ", " NET_RULE("") ", " NET_RULE(", \"port\": -5")),
    "rules[1].name: \"r\" is also the name of rules[0]");
BAD(bad_rule_before_dup_name, DOC(NET_RULE("") ", " NET_RULE(", \"port\": -5") ", " NET_RULE("")),
    "rules[1].port: -5 is out of range (0 to 65535)");

TEST_F(json_bad, refused)
{
	size_t len = variant->len ? variant->len : strlen(variant->text);
	int ret;

	ret = load_n(variant->text, len, &self->doc, self->err, sizeof(self->err));
	ASSERT_EQ(-1, ret);
	EXPECT_EQ(0, strncmp(variant->error, self->err, strlen(variant->error)))
		TH_LOG("expected \"%s...\", got \"%s\"", variant->error, self->err);
	EXPECT_EQ(NULL, self->doc.rules);
	EXPECT_EQ(NULL, self->doc.name);
	EXPECT_EQ(NULL, self->doc.description);
}

TEST(escapes_are_decoded)
{
	struct crs_doc doc;
	char err[512];

	ASSERT_EQ(0, load(DESC("q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t \\u0041\\u00e9\\u20AC \\ud83d\\ude00 \\uFFFF"),
			  &doc, err, sizeof(err))) TH_LOG("%s", err);
	EXPECT_STREQ("q\" b\\ s/ \b\f\n\r\t A\xc3\xa9\xe2\x82\xac \xf0\x9f\x98\x80 \xef\xbf\xbf",
		     doc.description);
	doc_free(&doc);
}

TEST(raw_utf8_is_kept)
{
	struct crs_doc doc;
	char err[512];

	ASSERT_EQ(0, load(DESC("\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf \xed\x9f\xbf"),
			  &doc, err, sizeof(err))) TH_LOG("%s", err);
	EXPECT_STREQ("\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf \xed\x9f\xbf",
		     doc.description);
	doc_free(&doc);
}

TEST(escaped_keys_and_values_are_read_as_their_text)
{
	struct crs_doc doc;
	char err[512];

	ASSERT_EQ(0, load("{\"n\\u0061me\": \"p\\u002dq\", \"mode\": \"\\u0061ctive\", \"rules\": ["
			  "{\"name\": \"r\", \"type\": \"file-read\", \"p\\u0061th\": \"\\/etc\\/\", \"action\": \"deny\"}]}",
			  &doc, err, sizeof(err))) TH_LOG("%s", err);
	EXPECT_STREQ("p-q", doc.name);
	EXPECT_EQ(CRS_MODE_ACTIVE, doc.mode);
	EXPECT_STREQ("/etc/", doc.rules[0].path);
	doc_free(&doc);
}

TEST(description_length_counts_bytes_after_decoding)
{
	char text[2048], desc[1024];
	struct crs_doc doc;
	char err[512];
	int i;

	/* 85 times "\u20ac" is 255 bytes of UTF-8 from 510 of text. */
	for (i = 0; i < 85; i++)
		memcpy(desc + 6 * i, "\\u20ac", 6);
	desc[6 * 85] = '\0';
	snprintf(text, sizeof(text), DESC("%s"), desc);
	ASSERT_EQ(0, load(text, &doc, err, sizeof(err))) TH_LOG("%s", err);
	EXPECT_EQ(255, strlen(doc.description));
	doc_free(&doc);
	snprintf(text, sizeof(text), DESC("%sx"), desc);
	EXPECT_EQ(-1, load(text, &doc, err, sizeof(err)));
	EXPECT_STREQ("description: longer than 255 bytes", err);
}

TEST(integers_at_the_edges)
{
	struct crs_doc doc;
	char err[512];

	ASSERT_EQ(0, load(DOC(SYS_RULE(", \"args\": [9223372036854775807, -9223372036854775808, -0]")),
			  &doc, err, sizeof(err))) TH_LOG("%s", err);
	EXPECT_EQ(INT64_MAX, doc.rules[0].args[0].val);
	EXPECT_EQ(INT64_MIN, doc.rules[0].args[1].val);
	EXPECT_EQ(0, doc.rules[0].args[2].val);
	EXPECT_EQ(CRS_ARG_INT, doc.rules[0].args[2].kind);
	doc_free(&doc);
	/* -0 is the integer 0. */
	ASSERT_EQ(0, load(DOC(NET_RULE(", \"port\": -0")), &doc, err, sizeof(err))) TH_LOG("%s", err);
	EXPECT_TRUE(doc.rules[0].has_port);
	EXPECT_EQ(0, doc.rules[0].port_max);
	doc_free(&doc);
}

TEST(values_of_unknown_fields_are_checked_as_json_only)
{
	struct crs_doc doc;
	char err[512];

	/* Every kind of value, well-formed: the field is the error. */
	EXPECT_EQ(-1, load("{\"name\": \"p\", \"mode\": \"active\", \"x\": [1, -2.5e-3, 0.0, \"s\\n\", true, false, null,"
			   " {}, [], {\"a\": [{}], \"b\": {\"c\": null}}, 1E+2, 1e-400]}", &doc, err, sizeof(err)));
	EXPECT_STREQ("x: unknown field", err);
}

TEST(white_space_around_tokens)
{
	struct crs_doc doc;
	char err[512];

	ASSERT_EQ(0, load(" \t\r\n{ \"name\" :\"p\"\r\n,\t\"mode\"\n:\n\"active\" , \"rules\" : [ ] } \n\t",
			  &doc, err, sizeof(err))) TH_LOG("%s", err);
	EXPECT_STREQ("p", doc.name);
	EXPECT_EQ(0, doc.n_rules);
	doc_free(&doc);
}

TEST(long_token_is_not_quoted)
{
	struct crs_doc doc;
	char err[512];

	/* jansson's rule: no "near" for a token longer than 20 characters. */
	EXPECT_EQ(-1, load("{\"name\": \"p\", \"mode\": \"active\"} abcdefghijklmnopqrstuvwxyz",
			   &doc, err, sizeof(err)));
	EXPECT_STREQ("line 1, column 58: end of file expected", err);
}

TEST(dup_long_key_is_found)
{
	struct crs_doc doc;
	char err[512];

	EXPECT_EQ(-1, load("{\"a-key-that-is-longer-than-twenty\": 1, \"a-key-that-is-longer-than-twenty\": 2}",
			   &doc, err, sizeof(err)));
	EXPECT_STREQ("line 1, column 74: duplicate object key", err);
}

TEST(many_unknown_keys_are_told_apart)
{
	char *text = malloc(1 << 20), err[512];
	struct crs_doc doc;
	size_t n = 0;
	int i;

	/* Enough keys for the set of keys to grow a few times. */
	ASSERT_NE(NULL, text);
	n += (size_t)sprintf(text + n, "{\"x\": {");
	for (i = 0; i < 5000; i++)
		n += (size_t)sprintf(text + n, "\"k%d\": %d, ", i, i);
	sprintf(text + n, "\"k4321\": 0}}");
	EXPECT_EQ(-1, load(text, &doc, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "duplicate object key near '\"k4321\"'")) TH_LOG("%s", err);
	text[n - 2] = '}';
	text[n - 1] = '}';
	text[n] = '\0';
	EXPECT_EQ(-1, load(text, &doc, err, sizeof(err)));
	EXPECT_STREQ("x: unknown field", err) TH_LOG("%s", err);
	free(text);
}

TEST_HARNESS_MAIN
