// SPDX-License-Identifier: GPL-2.0
/*
 * The printing path behind print.h. JSON is written as it is emitted, as
 * iproute2's json_writer does, into a line buffer that print_doc_end()
 * writes with one call: `crsctl events -j` prints hundreds of thousands of
 * lines a second, and building a DOM per line cost ten times the rest.
 */
#include <assert.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "print.h"

bool print_json;

#define PRINT_DEPTH 16

static struct {
	char *buf;
	size_t len, cap;
	size_t doc;	/* where the document being built starts */
	/* Per open container: nothing in it yet (no comma needed). */
	bool first[PRINT_DEPTH];
	int depth;
	bool batch;	/* print_batch(): print_flush() writes */
} out;

static void grow_slow(size_t need)
{
	size_t cap = out.cap ? out.cap : 4096;

	while (cap < out.len + need)
		cap *= 2;
	if (cap == out.cap)
		return;
	out.buf = realloc(out.buf, cap);
	if (!out.buf) {
		fputs("crsctl: out of memory\n", stderr);
		exit(1);
	}
	out.cap = cap;
}

/* Room for need more bytes; the common case is a compare. */
static inline void grow(size_t need)
{
	if (out.len + need > out.cap)
		grow_slow(need);
}

static void put(const char *s, size_t n)
{
	grow(n);
	memcpy(out.buf + out.len, s, n);
	out.len += n;
}

static void putc_(char c)
{
	grow(1);
	out.buf[out.len++] = c;
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	size_t len, i;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* Overlong forms, UTF-16 surrogates and beyond U+10FFFF. */
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

/*
 * A JSON string. Paths and names come from the kernel as bytes; what is
 * not valid UTF-8 becomes U+FFFD rather than invalid JSON. Room for the
 * worst case (every byte escaped) is made once, then bytes are copied.
 */
static void put_string(const char *str)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)str;
	size_t n = strlen(str), i = 0, seq;
	char *o;

	grow(6 * n + 2);
	o = out.buf + out.len;
	*o++ = '"';
	while (i < n) {
		unsigned char c = s[i];
		size_t run;

		/* Paths and names are mostly plain: copy runs at once. */
		for (run = i; run < n && s[run] >= 0x20 && s[run] < 0x80 &&
		     s[run] != '"' && s[run] != '\\'; run++)
			;
		if (run > i) {
			memcpy(o, s + i, run - i);
			o += run - i;
			i = run;
			continue;
		}
		if (c >= 0x80) {
			seq = utf8_seq(s + i, n - i);
			if (seq) {
				memcpy(o, s + i, seq);
				o += seq;
				i += seq;
			} else {
				memcpy(o, "\xef\xbf\xbd", 3);	/* U+FFFD */
				o += 3;
				i++;
			}
			continue;
		}
		*o++ = '\\';
		switch (c) {
		case '"':
		case '\\':
			*o++ = (char)c;
			break;
		case '\n':
			*o++ = 'n';
			break;
		case '\t':
			*o++ = 't';
			break;
		case '\r':
			*o++ = 'r';
			break;
		default:
			memcpy(o, "u00", 3);
			o[3] = hex[c >> 4];
			o[4] = hex[c & 15];
			o += 5;
		}
		i++;
	}
	*o++ = '"';
	out.len = (size_t)(o - out.buf);
}

static void put_u64(uint64_t v)
{
	char num[20];
	int i = sizeof(num);

	do {
		num[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	put(num + i, sizeof(num) - i);
}

/* The separator and key before a value in the innermost container. */
static void member(const char *key)
{
	assert(out.depth > 0);
	if (!out.first[out.depth - 1])
		putc_(',');
	out.first[out.depth - 1] = false;
	/* Keys are crsctl's own words: nothing in them needs escaping. */
	if (key) {
		size_t n = strlen(key);

		grow(n + 3);
		out.buf[out.len++] = '"';
		memcpy(out.buf + out.len, key, n);
		out.len += n;
		out.buf[out.len++] = '"';
		out.buf[out.len++] = ':';
	}
}

static void open_(const char *key, char c)
{
	if (out.depth)
		member(key);
	assert(out.depth < PRINT_DEPTH);
	out.first[out.depth++] = true;
	putc_(c);
}

static void close_(char c)
{
	assert(out.depth > 0);
	out.depth--;
	putc_(c);
}

void print_doc_begin_object(void)
{
	if (print_json) {
		assert(out.depth == 0);
		out.doc = out.len;
		open_(NULL, '{');
	}
}

void print_doc_begin_array(void)
{
	if (print_json) {
		assert(out.depth == 0);
		out.doc = out.len;
		open_(NULL, '[');
	}
}

void print_flush(void)
{
	if (out.len)
		fwrite(out.buf, 1, out.len, stdout);
	out.len = 0;
	fflush(stdout);
}

void print_batch(bool on)
{
	print_flush();
	out.batch = on;
}

void print_doc_end(void)
{
	if (print_json) {
		assert(out.depth == 1);
		close_(out.buf[out.doc] == '{' ? '}' : ']');
		putc_('\n');
	}
	if (!out.batch)
		print_flush();
}

void print_open_object(const char *key)
{
	if (print_json)
		open_(key, '{');
}

void print_close_object(void)
{
	if (print_json)
		close_('}');
}

void print_open_array(const char *key)
{
	if (print_json)
		open_(key, '[');
}

void print_close_array(void)
{
	if (print_json)
		close_(']');
}

void print_str(const char *key, const char *fmt, const char *val)
{
	if (print_json) {
		member(key);
		if (val)
			put_string(val);
		else
			put("null", 4);
	} else if (fmt) {
		printf(fmt, val ? val : "-");
	}
}

void print_u64(const char *key, const char *fmt, uint64_t val)
{
	if (print_json) {
		member(key);
		put_u64(val);
	} else if (fmt) {
		printf(fmt, val);
	}
}

void print_s64(const char *key, const char *fmt, int64_t val)
{
	if (print_json) {
		member(key);
		if (val < 0)
			putc_('-');
		put_u64(val < 0 ? -(uint64_t)val : (uint64_t)val);
	} else if (fmt) {
		printf(fmt, val);
	}
}

void print_bool(const char *key, const char *fmt, bool val)
{
	if (print_json) {
		member(key);
		if (val)
			put("true", 4);
		else
			put("false", 5);
	} else if (fmt) {
		printf(fmt, val ? "true" : "false");
	}
}

void print_null(const char *key, const char *fmt)
{
	if (print_json) {
		member(key);
		put("null", 4);
	} else if (fmt) {
		fputs(fmt, stdout);
	}
}

void print_text(const char *fmt, ...)
{
	va_list ap;

	if (print_json)
		return;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}
