// SPDX-License-Identifier: GPL-2.0
/*
 * The one printing path: the same calls give a text line and a JSON line,
 * and the JSON is valid whatever bytes the kernel sends in a string.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "print.h"

/* Runs fn with stdout captured into out. */
static void capture(void (*fn)(void), char *out, size_t len)
{
	FILE *f = tmpfile();
	int so = dup(1);
	size_t n;

	fflush(stdout);
	dup2(fileno(f), 1);
	fn();
	fflush(stdout);
	dup2(so, 1);
	close(so);
	rewind(f);
	n = fread(out, 1, len - 1, f);
	out[n] = '\0';
	fclose(f);
}

static void event_like(void)
{
	print_doc_begin_object();
	print_u64("seq", "%" PRIu64 " ", 41);
	print_str("type", "%s ", "file-write");
	print_bool("enforced", "enforced=%s ", true);
	print_str("rule", "rule=%s ", NULL);
	print_s64("port", "port=%" PRId64 " ", -1);
	print_open_array("args");
	print_str(NULL, "%s", "/bin/sh");
	print_u64(NULL, ",%" PRIu64, 17);
	print_null(NULL, ",*");
	print_close_array();
	print_open_object("defaults");
	print_str("file", " file=%s", "deny");
	print_close_object();
	print_text("\n");
	print_doc_end();
}

TEST(json_line_has_every_field_in_order)
{
	char out[512];

	print_json = true;
	capture(event_like, out, sizeof(out));
	EXPECT_STREQ("{\"seq\":41,\"type\":\"file-write\",\"enforced\":true,"
		     "\"rule\":null,\"port\":-1,\"args\":[\"/bin/sh\",17,null],"
		     "\"defaults\":{\"file\":\"deny\"}}\n", out);
}

TEST(text_line_uses_the_formats)
{
	char out[512];

	print_json = false;
	capture(event_like, out, sizeof(out));
	EXPECT_STREQ("41 file-write enforced=true rule=- port=-1 /bin/sh,17,* file=deny\n",
		     out);
}

static void text_formats(void)
{
	/* Outside a document, text is out before what stdio prints next. */
	print_text("%-4s|", "ab");
	printf("stdio|");
	print_doc_begin_object();
	print_str("a", "%s 100%% ", "x");
	print_u64("b", "%5" PRIu64 "|", 42);
	print_s64("c", "%" PRId64 "|", INT64_MIN);
	print_u64("d", "%" PRIu64 "|", UINT64_MAX);
	print_bool("e", "<%s>", false);
	print_null("f", "%s-as-is|");
	print_text("%zu\n", (size_t)7);
	print_doc_end();
}

TEST(text_formats_fast_and_slow)
{
	char out[512];

	print_json = false;
	capture(text_formats, out, sizeof(out));
	EXPECT_STREQ("ab  |stdio|x 100%    42|-9223372036854775808|"
		     "18446744073709551615|<false>%s-as-is|7\n", out);
}

static void strings(void)
{
	print_doc_begin_array();
	print_str(NULL, NULL, "quote\" backslash\\ nl\n tab\t ctl\x01");
	print_str(NULL, NULL, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xa7");
	/* Invalid: a lone continuation byte, a truncated sequence, an overlong '/'. */
	print_str(NULL, NULL, "a\x80" "b\xc3" "c\xc0\xaf");
	print_doc_end();
}

TEST(strings_are_escaped_and_invalid_utf8_replaced)
{
	char out[512];

	print_json = true;
	capture(strings, out, sizeof(out));
	EXPECT_STREQ("[\"quote\\\" backslash\\\\ nl\\n tab\\t ctl\\u0001\","
		     "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xa7\","
		     "\"a\xef\xbf\xbd" "b\xef\xbf\xbd" "c\xef\xbf\xbd\xef\xbf\xbd\"]\n", out);
}

/*
 * Strings are scanned a word at a time: every byte that needs care is
 * tried alone at every position of strings of every length up to 24, so
 * that it falls in a whole word, in the tail and at the edges of both.
 */
static const char *const specials[] = {
	"\"", "\\", "\n", "\x01", "\x1f", "\xc3\xa9", "\xff",
};
static const char *const escaped[] = {
	"\\\"", "\\\\", "\\n", "\\u0001", "\\u001f", "\xc3\xa9", "\xef\xbf\xbd",
};
static char one_in[64];

static void one_string(void)
{
	print_doc_begin_array();
	print_str(NULL, NULL, one_in);
	print_doc_end();
}

TEST(every_special_byte_at_every_position)
{
	char out[256], want[256];
	size_t k, len, pos;

	print_json = true;
	for (k = 0; k < sizeof(specials) / sizeof(specials[0]); k++)
		for (len = 0; len <= 24; len++)
			for (pos = 0; pos <= len; pos++) {
				memset(one_in, 'a', len);
				strcpy(one_in + pos, specials[k]);
				memset(one_in + pos + strlen(specials[k]), 'b', len - pos);
				one_in[len + strlen(specials[k])] = '\0';
				snprintf(want, sizeof(want), "[\"%.*s%s%.*s\"]\n",
					 (int)pos, one_in, escaped[k], (int)(len - pos),
					 one_in + pos + strlen(specials[k]));
				capture(one_string, out, sizeof(out));
				ASSERT_STREQ(want, out) {
					TH_LOG("special %zu at %zu of %zu", k, pos, len);
				}
			}
}

static void two_docs(void)
{
	print_doc_begin_object();
	print_u64("a", NULL, 1);
	print_doc_end();
	print_doc_begin_array();
	print_doc_end();
}

TEST(documents_are_one_line_each)
{
	char out[64];

	print_json = true;
	capture(two_docs, out, sizeof(out));
	EXPECT_STREQ("{\"a\":1}\n[]\n", out);
}

static char held[64];

static void batched(void)
{
	FILE *f;

	print_batch(true);
	two_docs();
	/* Nothing is written before print_flush(). */
	fflush(stdout);
	f = fdopen(dup(1), "r");
	rewind(f);
	held[fread(held, 1, sizeof(held) - 1, f)] = '\0';
	fclose(f);
	print_flush();
	print_batch(false);
}

TEST(batch_holds_documents_until_flush)
{
	char out[64];

	print_json = true;
	capture(batched, out, sizeof(out));
	EXPECT_STREQ("", held);
	EXPECT_STREQ("{\"a\":1}\n[]\n", out);
}

TEST_HARNESS_MAIN
