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
