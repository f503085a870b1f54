/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One printing path for text and JSON (-j), in the manner of iproute2's
 * json_print: every field is emitted once, with its JSON key and its text
 * format, so the two outputs cannot drift apart.
 */
#ifndef CRSCTL_PRINT_H
#define CRSCTL_PRINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

extern bool print_json;

/*
 * A document is one JSON value printed on one line. In text mode the
 * functions print their fmt (a printf format for the value; NULL: nothing)
 * and ignore the key; in JSON mode they add key (NULL inside an array) to
 * the innermost open object or array and ignore fmt.
 */
void print_doc_begin_object(void);
void print_doc_begin_array(void);
void print_doc_end(void);

/*
 * print_doc_end() writes each document as it ends, text outside one is
 * written at once, and stdio's stdout is flushed before either, so that
 * what went there first comes first. Between
 * print_batch(true) and print_batch(false) the documents are kept until
 * print_flush() writes them with one call: crsctl events prints what one
 * read brought and flushes before it waits again, so that no line ever
 * waits for the next event.
 */
void print_batch(bool on);
void print_flush(void);

/*
 * The *_k functions take the key's length (0 for NULL) besides the key;
 * the inline wrappers below pass it, worked out by the compiler for the
 * literal keys crsctl uses, so that no line counts its keys again.
 */
void print_open_object_k(const char *key, size_t klen);
void print_close_object(void);
void print_open_array_k(const char *key, size_t klen);
void print_close_array(void);

void print_str_k(const char *key, size_t klen, const char *fmt,
		 const char *val);
void print_u64_k(const char *key, size_t klen, const char *fmt, uint64_t val);
void print_s64_k(const char *key, size_t klen, const char *fmt, int64_t val);
void print_bool_k(const char *key, size_t klen, const char *fmt, bool val);
void print_null_k(const char *key, size_t klen, const char *fmt);

static inline size_t print_klen(const char *key)
{
	return key ? strlen(key) : 0;
}

static inline void print_open_object(const char *key)
{
	print_open_object_k(key, print_klen(key));
}

static inline void print_open_array(const char *key)
{
	print_open_array_k(key, print_klen(key));
}

static inline void print_str(const char *key, const char *fmt, const char *val)
{
	print_str_k(key, print_klen(key), fmt, val);
}

static inline void print_u64(const char *key, const char *fmt, uint64_t val)
{
	print_u64_k(key, print_klen(key), fmt, val);
}

static inline void print_s64(const char *key, const char *fmt, int64_t val)
{
	print_s64_k(key, print_klen(key), fmt, val);
}

static inline void print_bool(const char *key, const char *fmt, bool val)
{
	print_bool_k(key, print_klen(key), fmt, val);
}

static inline void print_null(const char *key, const char *fmt)
{
	print_null_k(key, print_klen(key), fmt);
}

/*
 * For the one caller that writes whole JSON lines itself, crsctl events
 * -j at hundreds of thousands of lines a second: print_line_begin() makes
 * room for n bytes and returns where they go; print_line_end() takes the
 * end of what was written there and writes it as print_doc_end() would.
 * print_json_string() writes s as a JSON string, quotes included, in at
 * most PRINT_STRING_ROOM(strlen(s)) bytes; print_json_u64() writes at
 * most PRINT_NUM_ROOM. Both return the end.
 */
#define PRINT_STRING_ROOM(n)	(6 * (n) + 2 + 8)
#define PRINT_NUM_ROOM		21
char *print_line_begin(size_t n);
void print_line_end(char *end);
char *print_json_string(char *o, const char *s);
char *print_json_u64(char *o, uint64_t v);

/* Text only: free text such as separators and newlines. */
void print_text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
