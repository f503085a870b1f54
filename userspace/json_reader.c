// SPDX-License-Identifier: GPL-2.0
/*
 * A pull reader of JSON text; see json_reader.h.
 *
 * Speed matters (a policy of 100,000 rules is read in a slow VM), so the
 * common case is one pass over the bytes, strings eight bytes at a time:
 * strings without escapes stay where they are, NUL-terminated over their
 * closing quote. Lines and columns are counted only when there is an error to
 * report; no newline is ever written into the text, so counting then
 * gives the same answer as the original text would.
 *
 * Syntax error messages follow jansson's wording ("string or '}' expected
 * near '}'"), which crsctl showed before.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_reader.h"

struct jr_chunk {
	struct jr_chunk *next;
	size_t used, cap;
	char data[];
};

#define CHUNK_SIZE	(64 * 1024)
/* jansson leaves out the text of a token longer than this. */
#define NEAR_MAX	20

void jr_init(struct jr *jr, char *buf, size_t len, char *err, size_t errlen)
{
	memset(jr, 0, sizeof(*jr));
	buf[len] = '\0';
	jr->buf = jr->p = buf;
	jr->end = buf + len;
	jr->err = err;
	jr->errlen = errlen;
	if (errlen)
		err[0] = '\0';
}

void jr_release(struct jr *jr)
{
	struct jr_chunk *c;

	while ((c = jr->chunks)) {
		jr->chunks = c->next;
		free(c);
	}
}

static char *chunk_alloc(struct jr *jr, size_t n)
{
	struct jr_chunk *c = jr->chunks;
	size_t cap;

	if (!c || c->cap - c->used < n) {
		cap = n > CHUNK_SIZE ? n : CHUNK_SIZE;
		c = malloc(sizeof(*c) + cap);
		if (!c) {
			fprintf(stderr, "crsctl: out of memory\n");
			exit(1);
		}
		c->next = jr->chunks;
		c->used = 0;
		c->cap = cap;
		jr->chunks = c;
	}
	c->used += n;
	return c->data + c->used - n;
}

/*
 * Records the first syntax error: at is the character it was found at
 * (NULL: before the first one), [near, near_end) the text of the token
 * (none when near is NULL, the end of the file when near is jr->end).
 */
static bool __attribute__((format(printf, 5, 6)))
fail(struct jr *jr, const char *at, const char *near, const char *near_end,
     const char *fmt, ...)
{
	const char *q, *line_start = jr->buf;
	int line = 1, column = 0;
	size_t n;
	va_list ap;

	if (jr->failed)
		return false;
	jr->failed = true;
	if (at && at >= jr->end)
		at = jr->end == jr->buf ? NULL : jr->end - 1;	/* the last one */
	for (q = jr->buf; at && q <= at; q++) {
		if (*q == '\n') {
			line++;
			line_start = q + 1;
		}
	}
	/* Characters, not bytes: skip UTF-8 continuation bytes. */
	for (q = line_start; at && q <= at; q++)
		if ((*q & 0xc0) != 0x80)
			column++;
	n = (size_t)snprintf(jr->err, jr->errlen, "line %d, column %d: ", line, column);
	if (n >= jr->errlen)
		return false;
	va_start(ap, fmt);
	n += (size_t)vsnprintf(jr->err + n, jr->errlen - n, fmt, ap);
	va_end(ap);
	if (n >= jr->errlen)
		return false;
	if (near == jr->end)
		snprintf(jr->err + n, jr->errlen - n, " near end of file");
	else if (near && near_end - near <= NEAR_MAX)
		snprintf(jr->err + n, jr->errlen - n, " near '%.*s'",
			 (int)(near_end - near), near);
	return false;
}

/* Bytes a string cannot just take: '"', '\\', control characters, non-ASCII. */
static const unsigned char special[256] = {
	[0 ... 0x1f] = 1, ['"'] = 1, ['\\'] = 1, [0x80 ... 0xff] = 1,
};

/* The length of the UTF-8 sequence at p (RFC 3629), 0 if it is not one. */
static size_t utf8_len(const unsigned char *p)
{
	unsigned char c = p[0];

	/* A '\0' (the end of the text) is no continuation byte. */
#define CONT(b)	(((b) & 0xc0) == 0x80)
	if (c >= 0xc2 && c <= 0xdf)
		return CONT(p[1]) ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		/* No overlong forms, no surrogates. */
		if ((c == 0xe0 && p[1] < 0xa0) || (c == 0xed && p[1] > 0x9f))
			return 0;
		return CONT(p[1]) && CONT(p[2]) ? 3 : 0;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		/* No overlong forms, nothing above U+10FFFF. */
		if ((c == 0xf0 && p[1] < 0x90) || (c == 0xf4 && p[1] > 0x8f))
			return 0;
		return CONT(p[1]) && CONT(p[2]) && CONT(p[3]) ? 4 : 0;
	}
#undef CONT
	return 0;
}

/* Not isxdigit(): no locale. */
static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The value of the 4 hex digits at p, -1 if they are not. */
static int hex4(const char *p)
{
	int i, d, v = 0;

	for (i = 0; i < 4; i++) {
		d = hex_digit(p[i]);
		if (d < 0)
			return -1;	/* so never past the text's final '\0' */
		v = v << 4 | d;
	}
	return v;
}

static char *put_utf8(char *t, unsigned int cp)
{
	if (cp < 0x80) {
		*t++ = (char)cp;
	} else if (cp < 0x800) {
		*t++ = (char)(0xc0 | cp >> 6);
		*t++ = (char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		*t++ = (char)(0xe0 | cp >> 12);
		*t++ = (char)(0x80 | (cp >> 6 & 0x3f));
		*t++ = (char)(0x80 | (cp & 0x3f));
	} else {
		*t++ = (char)(0xf0 | cp >> 18);
		*t++ = (char)(0x80 | (cp >> 12 & 0x3f));
		*t++ = (char)(0x80 | (cp >> 6 & 0x3f));
		*t++ = (char)(0x80 | (cp & 0x3f));
	}
	return t;
}

/*
 * Invalid UTF-8 right after a token [s, e): jansson reads the byte as the
 * character after the token, and tells it with the token's text.
 */
static bool bad_utf8_after(struct jr *jr, const char *s, const char *e)
{
	if ((unsigned char)*e < 0x80 || utf8_len((const unsigned char *)e))
		return false;
	fail(jr, e - 1, s, e, "unable to decode byte 0x%x", (unsigned char)*e);
	return true;
}

/*
 * A string with escapes, from its opening quote q: checked and decoded
 * into a chunk (decoding never makes it longer). In place it would move
 * bytes about and spoil the columns of later errors.
 */
static bool string_escaped(struct jr *jr, char *q, struct jr_val *v)
{
	char *p = q + 1, *e, *t, *out;
	int cp, lo;
	size_t n;

	/* First find the end, checking everything but \u values. */
	for (;;) {
		while (!special[(unsigned char)*p])
			p++;
		if (*p == '"')
			break;
		if (*p == '\\') {
			p++;
			if (*p == 'u') {
				/* At the first character that is not a hex digit. */
				for (n = 1; n <= 4 && hex_digit(p[n]) >= 0; n++)
					;
				if (n <= 4 && bad_utf8_after(jr, q, p + n))
					return false;
				if (n <= 4)
					return fail(jr, p + n, q, p + n + 1, "invalid escape");
				p += 5;
			} else if (*p && strchr("\"\\/bfnrt", *p)) {
				p++;
			} else if (!bad_utf8_after(jr, q, p)) {
				n = (unsigned char)*p >= 0x80 ? utf8_len((unsigned char *)p) : 1;
				return fail(jr, p, q, p + n, "invalid escape");
			} else {
				return false;
			}
			continue;
		}
		/* As jansson, these are told at the character before. */
		if ((unsigned char)*p >= 0x80) {
			n = utf8_len((unsigned char *)p);
			if (!n)
				return fail(jr, p - 1, q, p, "unable to decode byte 0x%x",
					    (unsigned char)*p);
			p += n;
			continue;
		}
		if (p == jr->end)
			return fail(jr, p - 1, q, p, "premature end of input");
		if (*p == '\n')
			return fail(jr, p - 1, q, p, "unexpected newline");
		return fail(jr, p - 1, q, p, "control character 0x%x", *p);
	}
	/* Errors in \u values are told at the end of the string. */
	e = p;
	out = t = chunk_alloc(jr, (size_t)(p - q));
	for (p = q + 1; *p != '"'; ) {
		if (*p != '\\') {
			*t++ = *p++;
			continue;
		}
		p++;
		switch (*p) {
		case 'b': *t++ = '\b'; p++; continue;
		case 'f': *t++ = '\f'; p++; continue;
		case 'n': *t++ = '\n'; p++; continue;
		case 'r': *t++ = '\r'; p++; continue;
		case 't': *t++ = '\t'; p++; continue;
		case 'u': break;
		default: *t++ = *p++; continue;	/* '"', '\\' or '/' */
		}
		cp = hex4(p + 1);
		if (cp >= 0xd800 && cp <= 0xdbff) {
			/* A UTF-16 surrogate pair: one character. */
			lo = p[5] == '\\' && p[6] == 'u' ? hex4(p + 7) : -1;
			if (lo < 0)
				return fail(jr, e, q, e + 1, "invalid Unicode '\\u%04X'", cp);
			if (lo < 0xdc00 || lo > 0xdfff)
				return fail(jr, e, q, e + 1, "invalid Unicode '\\u%04X\\u%04X'",
					    cp, lo);
			cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			p += 6;
		} else if (cp >= 0xdc00 && cp <= 0xdfff) {
			return fail(jr, e, q, e + 1, "invalid Unicode '\\u%04X'", cp);
		} else if (cp == 0) {
			/* Strings are C strings from here on. */
			return fail(jr, e, q, e + 1, "\\u0000 is not allowed");
		}
		t = put_utf8(t, (unsigned int)cp);
		p += 5;
	}
	*t = '\0';
	v->kind = JR_STRING;
	v->s = out;
	v->len = (size_t)(t - out);
	jr->p = p + 1;
	return true;
}

#define ONES	0x0101010101010101ULL
#define HIGHS	0x8080808080808080ULL

/*
 * The bytes of w (little-endian) that are special[]: equal to '"' or
 * '\\', below 0x20, or with the high bit set, each flagged by its high
 * bit (the zero-byte trick of "Bit Twiddling Hacks"). Borrows can flag a
 * byte after a special one, never one before: the lowest flag is exact.
 */
static uint64_t special8(uint64_t w)
{
	uint64_t q = w ^ (ONES * '"'), b = w ^ (ONES * '\\');

	return (((q - ONES) & ~q) | ((b - ONES) & ~b) |
		((w - ONES * 0x20) & ~w) | w) & HIGHS;
}

/* The end of a string from p on: its closing quote or a special byte. */
static inline char *scan(const struct jr *jr, char *p)
{
	uint64_t w, m;

	for (;;) {
		/* Eight bytes at a time, up to the first special one. */
		if (jr->end - p < 8)
			break;
		memcpy(&w, p, 8);
		m = special8(w);
		if (m)
			return p + (__builtin_ctzll(m) >> 3);
		p += 8;
	}
	while (!special[(unsigned char)*p])
		p++;
	return p;
}

/*
 * The rest of a string from p, a special byte that is not its end:
 * non-ASCII, escapes, errors. Apart, so that string() stays small.
 */
static bool __attribute__((noinline))
string_slow(struct jr *jr, char *q, char *p, struct jr_val *v)
{
	size_t n;

	for (;;) {
		if ((unsigned char)*p >= 0x80 && (n = utf8_len((unsigned char *)p)))
			p = scan(jr, p + n);
		else if (*p == '"')
			break;
		else	/* escapes and errors */
			return string_escaped(jr, q, v);
	}
	*p = '\0';
	v->kind = JR_STRING;
	v->s = q + 1;
	v->len = (size_t)(p - q - 1);
	jr->p = p + 1;
	return true;
}

/* A string at jr->p (its opening quote). */
static inline bool string(struct jr *jr, struct jr_val *v)
{
	char *q = jr->p, *p = scan(jr, q + 1);

	if (__builtin_expect(*p != '"', 0))
		return string_slow(jr, q, p, v);
	*p = '\0';
	v->kind = JR_STRING;
	v->s = q + 1;
	v->len = (size_t)(p - q - 1);
	jr->p = p + 1;
	return true;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/*
 * A number at jr->p ('-' or a digit). A malformed one is told with what
 * ("invalid token" where a value was due), overflow as jansson tells it.
 */
static bool number(struct jr *jr, struct jr_val *v, const char *what)
{
	char *s = jr->p, *p = s;
	bool neg = *p == '-', real = false, bad = true;
	uint64_t u = 0;
	bool over = false;

	/* p ends at the first character that does not fit. */
	if (neg)
		p++;
	if (!is_digit(*p))
		goto end;
	if (*p == '0' && is_digit(p[1])) {
		p++;
		goto end;
	}
	for (; is_digit(*p); p++) {
		unsigned int d = (unsigned int)(*p - '0');

		if (u > (UINT64_MAX - d) / 10)
			over = true;
		else
			u = u * 10 + d;
	}
	if (*p == '.') {
		real = true;
		p++;
		if (!is_digit(*p))
			goto end;
		while (is_digit(*p))
			p++;
	}
	if (*p == 'e' || *p == 'E') {
		real = true;
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!is_digit(*p))
			goto end;
		while (is_digit(*p))
			p++;
	}
	bad = false;
end:
	if (bad_utf8_after(jr, s, p))
		return false;
	/* At the last character that fits, as jansson. */
	if (bad)
		return fail(jr, p - 1, s, p, "%s", what);
	jr->p = p;
	if (real) {
		/*
		 * The schema has no real numbers: only whether it overflows
		 * matters, which jansson refuses. The text is a valid C number
		 * (the C locale: crsctl never sets another).
		 */
		double d;

		errno = 0;
		d = strtod(s, NULL);
		if (errno == ERANGE && isinf(d))
			return fail(jr, p - 1, s, p, "real number overflow");
		v->kind = JR_REAL;
		return true;
	}
	if (over || u > (uint64_t)INT64_MAX + neg)
		return fail(jr, p - 1, s, p, neg ? "too big negative integer" :
			    "too big integer");
	v->kind = JR_INT;
	v->i = neg ? (int64_t)(0 - u) : (int64_t)u;
	return true;
}

static bool bad_token(struct jr *jr, const char *what);

/* Tells the missing ':' after a key, when the value is to be read. */
static char __attribute__((noinline)) peek_stopped(struct jr *jr)
{
	if (!jr->failed)
		bad_token(jr, "':' expected");
	return '\0';
}

static inline char peek(struct jr *jr)
{
	char *p = jr->p;

	if (__builtin_expect(jr->failed || jr->no_colon, 0))
		return peek_stopped(jr);
	while (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')
		p++;
	jr->p = p;
	return *p;
}

char jr_peek(struct jr *jr)
{
	return peek(jr);
}

/* The text of the token at p, for messages: a word or one character. */
/*
 * A token that does not belong where it is. As jansson, it is read whole
 * first, and an error in it (a bad escape, an overflow) is the one told.
 */
static bool bad_token(struct jr *jr, const char *what)
{
	char *p = jr->p, *e = p, near[NEAR_MAX + 1];
	struct jr_val v;
	size_t n;

	if (*p == '\0')	/* the end, or a NUL byte jansson takes for it */
		return fail(jr, p, jr->end, NULL, "%s", what);
	if (*p == '"') {
		if (!string(jr, &v))
			return false;
		e = jr->p;
		/* Its closing quote may be a '\0' now: the text is put back. */
		n = (size_t)(e - p);
		if (n > NEAR_MAX)
			return fail(jr, e - 1, NULL, NULL, "%s", what);
		memcpy(near, p, n - 1);
		near[n - 1] = '"';
		return fail(jr, e - 1, near, near + n, "%s", what);
	}
	if (*p == '-' || is_digit(*p)) {
		if (!number(jr, &v, what))
			return false;
		e = jr->p;
	} else if (is_alpha(*p)) {
		while (is_alpha(*e))
			e++;
		if (bad_utf8_after(jr, p, e))
			return false;
	} else if ((unsigned char)*p >= 0x80) {
		n = utf8_len((unsigned char *)p);
		if (!n)	/* at the character before, as in strings */
			return fail(jr, p > jr->buf ? p - 1 : NULL, NULL, NULL,
				    "unable to decode byte 0x%x", (unsigned char)*p);
		e += n;
	} else {
		e++;
	}
	return fail(jr, e - 1, p, e, "%s", what);
}

/* Enters an object ('{') or an array ('['), within the nesting limit. */
static bool container_begin(struct jr *jr, char open)
{
	if (peek(jr) != open)
		return false;
	if (++jr->depth > JR_MAX_DEPTH)
		return fail(jr, jr->p, jr->p, jr->p + 1, "maximum parsing depth reached");
	jr->p++;
	return true;
}

bool jr_object_begin(struct jr *jr)
{
	return container_begin(jr, '{');
}

bool jr_array_begin(struct jr *jr)
{
	return container_begin(jr, '[');
}

int jr_object_next(struct jr *jr, bool *first, struct jr_val *key)
{
	char c = peek(jr);

	if (jr->failed)
		return -1;
	if (!*first) {
		if (c == '}')
			goto close;
		if (c != ',')
			return bad_token(jr, "'}' expected"), -1;
		jr->p++;
		c = peek(jr);
	} else if (c == '}') {
		goto close;
	}
	*first = false;
	if (c != '"')
		return bad_token(jr, "string or '}' expected"), -1;
	jr->key_start = jr->p;
	if (!string(jr, key))
		return -1;
	jr->key_end = jr->p - 1;
	if (peek(jr) != ':') {
		/*
		 * jansson checks for a duplicate key before the ':': the
		 * caller does, and the error comes when it reads the value.
		 */
		jr->no_colon = true;
		return 1;
	}
	jr->p++;
	return 1;
close:
	jr->p++;
	jr->depth--;
	return 0;
}

int jr_array_next(struct jr *jr, bool *first)
{
	char c = peek(jr);

	if (jr->failed)
		return -1;
	if (*first) {
		*first = false;
		if (c == ']')
			goto close;
		return 1;
	}
	if (c == ']')
		goto close;
	if (c != ',')
		return bad_token(jr, "']' expected"), -1;
	jr->p++;
	return 1;
close:
	jr->p++;
	jr->depth--;
	return 0;
}

void jr_dup_key(struct jr *jr, const struct jr_val *key)
{
	char near[NEAR_MAX + 1];

	size_t n = (size_t)(jr->key_end - jr->key_start);

	(void)key;
	/*
	 * At the key, as jansson. Its closing quote may be gone ('\0'): the
	 * text is put back together.
	 */
	if (n + 1 <= NEAR_MAX) {
		snprintf(near, sizeof(near), "%.*s\"", (int)n, jr->key_start);
		fail(jr, jr->key_end, near, near + n + 1, "duplicate object key");
	} else {
		fail(jr, jr->key_end, NULL, NULL, "duplicate object key");
	}
}

static uint32_t hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;

	while (n--)
		h = (h ^ (uint8_t)*s++) * 16777619u;
	return h;
}

bool jr_keys_add(struct jr *jr, struct jr_keys *ks, const struct jr_val *key)
{
	size_t i, j, mask;

	if (2 * (ks->n + 1) > ks->cap) {
		/* Grow: an open-addressed table, rehashed. */
		struct jr_keys big = { .cap = ks->cap ? 2 * ks->cap : 16 };

		big.k = calloc(big.cap, sizeof(*big.k));
		big.len = calloc(big.cap, sizeof(*big.len));
		if (!big.k || !big.len) {
			fprintf(stderr, "crsctl: out of memory\n");
			exit(1);
		}
		for (i = 0; i < ks->cap; i++) {
			if (!ks->k[i])
				continue;
			j = hash(ks->k[i], ks->len[i]) & (big.cap - 1);
			while (big.k[j])
				j = (j + 1) & (big.cap - 1);
			big.k[j] = ks->k[i];
			big.len[j] = ks->len[i];
		}
		big.n = ks->n;
		jr_keys_free(ks);
		*ks = big;
	}
	mask = ks->cap - 1;
	for (i = hash(key->s, key->len) & mask; ks->k[i]; i = (i + 1) & mask) {
		if (ks->len[i] == key->len && !memcmp(ks->k[i], key->s, key->len)) {
			jr_dup_key(jr, key);
			return false;
		}
	}
	ks->k[i] = key->s;
	ks->len[i] = key->len;
	ks->n++;
	return true;
}

void jr_keys_free(struct jr_keys *ks)
{
	if (!ks->cap)
		return;	/* the common case: no key was added */
	free(ks->k);
	free(ks->len);
	memset(ks, 0, sizeof(*ks));
}

static bool literal(struct jr *jr, struct jr_val *v)
{
	char *p = jr->p, *e = p;

	while (is_alpha(*e))
		e++;
	if (bad_utf8_after(jr, p, e))
		return false;
	if (e - p == 4 && !memcmp(p, "true", 4))
		v->kind = JR_TRUE;
	else if (e - p == 5 && !memcmp(p, "false", 5))
		v->kind = JR_FALSE;
	else if (e - p == 4 && !memcmp(p, "null", 4))
		v->kind = JR_NULL;
	else
		return fail(jr, e - 1, p, e, "invalid token");
	jr->p = e;
	return true;
}

bool jr_value(struct jr *jr, struct jr_val *v)
{
	struct jr_keys keys = { 0 };
	struct jr_val key, child;
	bool first = true;
	int r;

	v->kind = JR_NONE;
	switch (peek(jr)) {
	case '"':
		return string(jr, v);
	case '-': case '0' ... '9':
		return number(jr, v, "invalid token");
	case 'a' ... 'z': case 'A' ... 'Z':
		return literal(jr, v);
	case '{':
		if (!jr_object_begin(jr))
			return false;
		while ((r = jr_object_next(jr, &first, &key)) > 0)
			if (!jr_keys_add(jr, &keys, &key) || !jr_value(jr, &child))
				break;
		jr_keys_free(&keys);
		v->kind = JR_OBJECT;
		return !jr->failed;
	case '[':
		if (!jr_array_begin(jr))
			return false;
		while ((r = jr_array_next(jr, &first)) > 0)
			if (!jr_value(jr, &child))
				break;
		v->kind = JR_ARRAY;
		return !jr->failed;
	default:
		if (jr->failed)
			return false;
		if ((unsigned char)*jr->p >= 0x80 || *jr->p == '\0')
			return bad_token(jr, jr->p == jr->end ? "unexpected token" :
					 "invalid token");
		return bad_token(jr, strchr(",:]}", *jr->p) ? "unexpected token" :
				 "invalid token");
	}
}

bool jr_root(struct jr *jr)
{
	char c = peek(jr);

	if (c == '{' || c == '[')
		return true;
	return bad_token(jr, "'[' or '{' expected");
}

bool jr_end(struct jr *jr)
{
	if (peek(jr) || jr->p != jr->end)
		return jr->failed ? false : bad_token(jr, "end of file expected");
	return !jr->failed;
}
