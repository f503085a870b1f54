/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A pull reader of JSON text (RFC 8259) for documents read once: the
 * caller walks objects and arrays itself and takes scalars as they come,
 * so nothing is built that the caller does not keep. doc.c reads policy
 * documents with it; a tree (jansson) cost 18,000 instructions a rule.
 *
 * Strict: UTF-8 only, every escape including surrogate pairs, control
 * characters refused in strings, the number grammar (integers are int64_t,
 * with overflow refused as jansson does), no trailing garbage, duplicate
 * keys refused in the objects the reader skips (callers check theirs with
 * jr_dup_key()), at most JR_MAX_DEPTH nested arrays and objects.
 *
 * The first syntax error stops the reader: every later call fails at
 * once, and jr_error() says "line L, column C: what near 'token'".
 */
#ifndef CRSCTL_JSON_READER_H
#define CRSCTL_JSON_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JR_MAX_DEPTH	2048	/* as jansson's JSON_PARSER_MAX_DEPTH */

enum jr_kind {
	JR_NONE, JR_STRING, JR_INT, JR_REAL, JR_TRUE, JR_FALSE, JR_NULL,
	JR_ARRAY, JR_OBJECT,
};

/* A value; s (NUL-terminated, len bytes) lives as long as the reader. */
struct jr_val {
	enum jr_kind kind;
	const char *s;		/* JR_STRING */
	size_t len;
	int64_t i;		/* JR_INT */
};

struct jr_chunk;

struct jr {
	char *p, *end;		/* *end is '\0' */
	char *buf;
	char *key_start, *key_end;	/* the last key's quotes */
	int depth;
	bool no_colon;		/* after the last key: a syntax error */
	bool failed;
	char *err;
	size_t errlen;
	struct jr_chunk *chunks;	/* strings with escapes, decoded */
};

/*
 * buf holds len bytes of text and one more, which the reader sets to '\0';
 * it writes into buf (a '\0' over the closing quote of each string).
 */
void jr_init(struct jr *jr, char *buf, size_t len, char *err, size_t errlen);
void jr_release(struct jr *jr);

/* The next character that is not white space, '\0' at the end. */
char jr_peek(struct jr *jr);

/* Reads a value; arrays and objects are skipped (and checked). */
bool jr_value(struct jr *jr, struct jr_val *v);

/*
 * Objects: jr_object_begin() takes the '{' (false if it is not there);
 * then jr_object_next() gives 1 with the next key (its ':' taken, the
 * value next), 0 at the closing '}', -1 on an error.
 */
bool jr_object_begin(struct jr *jr);
int jr_object_next(struct jr *jr, bool *first, struct jr_val *key);
/* Arrays: the same, 1 when a value comes next. */
bool jr_array_begin(struct jr *jr);
int jr_array_next(struct jr *jr, bool *first);

/* A key the caller has already seen in this object: a syntax error. */
void jr_dup_key(struct jr *jr, const struct jr_val *key);

/*
 * The set of keys of one object, for objects whose keys the caller does
 * not know in advance. jr_keys_add() fails (a syntax error) on a repeat.
 */
struct jr_keys {
	const char **k;
	size_t *len;
	size_t n, cap;	/* cap a power of 2, 0 until the first key */
};
bool jr_keys_add(struct jr *jr, struct jr_keys *ks, const struct jr_val *key);
void jr_keys_free(struct jr_keys *ks);

/* Checks that the document starts with '{' or '[', as jansson wants. */
bool jr_root(struct jr *jr);
/* Checks that only white space is left; false (an error) otherwise. */
bool jr_end(struct jr *jr);

/* Whether a syntax error was found; the message is in err. */
static inline bool jr_error(const struct jr *jr)
{
	return jr->failed;
}

#endif
