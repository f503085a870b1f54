// SPDX-License-Identifier: GPL-2.0
/*
 * The printing path behind print.h. Both outputs are built in one buffer
 * that is written with write(2): JSON as it is emitted, as iproute2's
 * json_writer does, and text with a small formatter that knows the few
 * conversions crsctl's formats use, falling back to vsnprintf() for the
 * rest. `crsctl events` prints hundreds of thousands of lines a second:
 * building a DOM per line cost ten times the rest, and printf() per field
 * about as much as everything else together.
 */
#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
	bool in_doc;	/* between print_doc_begin_*() and print_doc_end() */
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

#define BYTES(c)	(0x0101010101010101ull * (uint8_t)(c))

/*
 * Whether any of the eight bytes in v is more than a copy in a JSON
 * string: a control character, '"', '\\', or part of a multibyte
 * sequence. Bytes below 0x20 borrow into their top bit when 0x20 is
 * subtracted, '"' and '\\' when they are made zero and 1 is subtracted;
 * a borrow carries on only from such a byte, and bytes with the top bit
 * set are caught by "v |" (the bit-twiddling "haszero" idiom).
 */
static inline bool special8(uint64_t v)
{
	return (v | (v - BYTES(0x20)) | ((v ^ BYTES('"')) - BYTES(1)) |
		((v ^ BYTES('\\')) - BYTES(1))) & BYTES(0x80);
}

/* Bytes that a JSON string holds as they are. */
static inline bool plain(unsigned char c)
{
	return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

/*
 * The r < 8 bytes at s in the low end of a word (x86 is little-endian),
 * the rest spaces: the tail of a string, checked and copied at once.
 */
static inline uint64_t load_short(const unsigned char *s, size_t r)
{
	unsigned int shift = 0;
	uint64_t v = 0;
	uint32_t w4;
	uint16_t w2;

	if (r & 4) {
		memcpy(&w4, s, 4);
		v = w4;
		shift = 32;
		s += 4;
	}
	if (r & 2) {
		memcpy(&w2, s, 2);
		v |= (uint64_t)w2 << shift;
		shift += 16;
		s += 2;
	}
	if (r & 1) {
		v |= (uint64_t)*s << shift;
		shift += 8;
	}
	return v | BYTES(' ') << shift;
}

/*
 * A JSON string of the n bytes at str, written at o; returns its end.
 * Paths and names come from the kernel as bytes; what is not valid UTF-8
 * becomes U+FFFD rather than invalid JSON. The caller has made room for
 * the worst case, PRINT_STRING_ROOM(n) (every byte escaped, and a whole
 * word stored at the end); plain bytes, nearly all of them, are copied a
 * word at a time.
 */
static char *put_string(char *o, const char *str, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, seq;

	*o++ = '"';
	while (i < n) {
		unsigned char c;
		uint64_t v;

		while (n - i >= 8) {
			memcpy(&v, s + i, 8);
			if (special8(v))
				break;
			memcpy(o, &v, 8);
			o += 8;
			i += 8;
		}
		if (n - i < 8) {
			v = load_short(s + i, n - i);
			if (!special8(v)) {
				memcpy(o, &v, 8);
				o += n - i;
				break;
			}
		}
		c = s[i];
		if (plain(c)) {
			*o++ = (char)c;
			i++;
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
	return o;
}

/* v in decimal at o, two digits at a time; returns the end. */
static char *put_u64(char *o, uint64_t v)
{
	static const char pairs[] =
		"00010203040506070809101112131415161718192021222324"
		"25262728293031323334353637383940414243444546474849"
		"50515253545556575859606162636465666768697071727374"
		"75767778798081828384858687888990919293949596979899";
	uint64_t t = v;
	char *end, *p;
	int n = 1;

	while (t >= 10) {
		t /= 10;
		n++;
	}
	end = o + n;
	p = end;
	while (v >= 100) {
		p -= 2;
		memcpy(p, pairs + 2 * (v % 100), 2);
		v /= 100;
	}
	if (v >= 10) {
		p -= 2;
		memcpy(p, pairs + 2 * v, 2);
	} else {
		*--p = (char)('0' + v);
	}
	return end;
}

static char *put_s64(char *o, int64_t v)
{
	if (v < 0)
		*o++ = '-';
	return put_u64(o, v < 0 ? -(uint64_t)v : (uint64_t)v);
}

static void put_vprintf(const char *fmt, va_list ap)
{
	va_list aq;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(out.buf ? out.buf + out.len : NULL, out.cap - out.len,
		      fmt, aq);
	va_end(aq);
	if (n < 0)
		return;
	if ((size_t)n >= out.cap - out.len) {
		grow((size_t)n + 1);
		vsnprintf(out.buf + out.len, (size_t)n + 1, fmt, ap);
	}
	out.len += (size_t)n;
}

static void put_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	put_vprintf(fmt, ap);
	va_end(ap);
}

/*
 * Outside a document, text is written at once, as printf() to a line
 * buffered stdout would be; within one, print_doc_end() writes it.
 */
static void text_done(void)
{
	if (!out.in_doc && !out.batch)
		print_flush();
}

enum conv { CONV_STR, CONV_U64, CONV_S64 };

/*
 * Text: fmt with its one conversion applied to the value, without
 * printf() for what events print ("%s", PRIu64, PRId64, "%%"); anything
 * else (widths, flags) goes to vsnprintf() as before.
 */
static void put_fmt(const char *fmt, enum conv conv, const char *s,
		    uint64_t u)
{
	size_t slen = conv == CONV_STR ? strlen(s) : 0;
	const char *p = fmt;
	bool used = false;
	char *o;

	/* Room for the format's bytes and for one value. */
	grow(strlen(fmt) + (conv == CONV_STR ? slen : PRINT_NUM_ROOM));
	o = out.buf + out.len;
	for (;;) {
		if (!*p) {
			out.len = (size_t)(o - out.buf);
			return;
		}
		if (*p != '%') {
			*o++ = *p++;
		} else if (p[1] == '%') {
			*o++ = '%';
			p += 2;
		} else if (used) {
			break;
		} else if (p[1] == 's' && conv == CONV_STR) {
			memcpy(o, s, slen);
			o += slen;
			p += 2;
			used = true;
		} else if (p[1] == 'l' && p[2] == 'u' && conv == CONV_U64 &&
			   !strcmp(PRIu64, "lu")) {
			o = put_u64(o, u);
			p += 3;
			used = true;
		} else if (p[1] == 'l' && p[2] == 'd' && conv == CONV_S64 &&
			   !strcmp(PRId64, "ld")) {
			o = put_s64(o, (int64_t)u);
			p += 3;
			used = true;
		} else {
			break;
		}
	}
	if (conv == CONV_STR)
		put_printf(fmt, s);
	else if (conv == CONV_U64)
		put_printf(fmt, u);
	else
		put_printf(fmt, (int64_t)u);
}

/*
 * Starts a value in the innermost container: writes the separator and
 * the key, with room for vmax bytes of value after them, and returns
 * where the value goes. The caller sets out.len to the value's end.
 */
static inline char *member(const char *key, size_t klen, size_t vmax)
{
	bool *first;
	char *o;

	assert(out.depth > 0);
	first = &out.first[out.depth - 1];
	grow(1 + klen + 3 + vmax);
	o = out.buf + out.len;
	if (!*first)
		*o++ = ',';
	*first = false;
	/* Keys are crsctl's own words: nothing in them needs escaping. */
	if (key) {
		*o++ = '"';
		memcpy(o, key, klen);
		o += klen;
		*o++ = '"';
		*o++ = ':';
	}
	return o;
}

/* Ends a value that member() started. */
static inline void member_end(char *o)
{
	out.len = (size_t)(o - out.buf);
}

/* A literal value: null, true, false. */
static void put_word(const char *key, size_t klen, const char *word, size_t n)
{
	char *o = member(key, klen, n);

	memcpy(o, word, n);
	member_end(o + n);
}

static void open_(const char *key, size_t klen, char c)
{
	char *o;

	if (out.depth) {
		o = member(key, klen, 1);
		member_end(o);
	}
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
	out.in_doc = true;
	if (print_json) {
		assert(out.depth == 0);
		out.doc = out.len;
		open_(NULL, 0, '{');
	}
}

void print_doc_begin_array(void)
{
	out.in_doc = true;
	if (print_json) {
		assert(out.depth == 0);
		out.doc = out.len;
		open_(NULL, 0, '[');
	}
}

/*
 * One write(2) for everything held; what went to stdout through stdio
 * (usage, version) goes first, as it was printed first.
 */
void print_flush(void)
{
	size_t off = 0;
	ssize_t n;

	fflush(stdout);
	while (off < out.len) {
		n = write(STDOUT_FILENO, out.buf + off, out.len - off);
		if (n < 0 && errno == EINTR)
			continue;
		/* Like stdio: a failed write loses the output, not the run. */
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	out.len = 0;
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
	out.in_doc = false;
	if (!out.batch)
		print_flush();
}

char *print_line_begin(size_t n)
{
	assert(out.depth == 0);
	grow(n);
	return out.buf + out.len;
}

void print_line_end(char *end)
{
	out.len = (size_t)(end - out.buf);
	if (!out.batch)
		print_flush();
}

char *print_json_string(char *o, const char *s)
{
	return put_string(o, s, strlen(s));
}

char *print_json_u64(char *o, uint64_t v)
{
	return put_u64(o, v);
}

void print_open_object_k(const char *key, size_t klen)
{
	if (print_json)
		open_(key, klen, '{');
}

void print_close_object(void)
{
	if (print_json)
		close_('}');
}

void print_open_array_k(const char *key, size_t klen)
{
	if (print_json)
		open_(key, klen, '[');
}

void print_close_array(void)
{
	if (print_json)
		close_(']');
}

void print_str_k(const char *key, size_t klen, const char *fmt,
		 const char *val)
{
	size_t n;
	char *o;

	if (print_json) {
		if (!val) {
			put_word(key, klen, "null", 4);
			return;
		}
		n = strlen(val);
		o = member(key, klen, PRINT_STRING_ROOM(n));
		member_end(put_string(o, val, n));
	} else if (fmt) {
		put_fmt(fmt, CONV_STR, val ? val : "-", 0);
		text_done();
	}
}

void print_u64_k(const char *key, size_t klen, const char *fmt, uint64_t val)
{
	if (print_json) {
		member_end(put_u64(member(key, klen, PRINT_NUM_ROOM), val));
	} else if (fmt) {
		put_fmt(fmt, CONV_U64, NULL, val);
		text_done();
	}
}

void print_s64_k(const char *key, size_t klen, const char *fmt, int64_t val)
{
	if (print_json) {
		member_end(put_s64(member(key, klen, PRINT_NUM_ROOM), val));
	} else if (fmt) {
		put_fmt(fmt, CONV_S64, NULL, (uint64_t)val);
		text_done();
	}
}

void print_bool_k(const char *key, size_t klen, const char *fmt, bool val)
{
	if (print_json) {
		if (val)
			put_word(key, klen, "true", 4);
		else
			put_word(key, klen, "false", 5);
	} else if (fmt) {
		put_fmt(fmt, CONV_STR, val ? "true" : "false", 0);
		text_done();
	}
}

void print_null_k(const char *key, size_t klen, const char *fmt)
{
	if (print_json) {
		put_word(key, klen, "null", 4);
	} else if (fmt) {
		put(fmt, strlen(fmt));
		text_done();
	}
}

void print_text(const char *fmt, ...)
{
	va_list ap;

	if (print_json)
		return;
	if (!strchr(fmt, '%')) {
		put(fmt, strlen(fmt));
	} else {
		va_start(ap, fmt);
		put_vprintf(fmt, ap);
		va_end(ap);
	}
	text_done();
}
