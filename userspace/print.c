// SPDX-License-Identifier: GPL-2.0
#include <assert.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "print.h"

bool print_json;

#define PRINT_DEPTH 16

static json_t *stack[PRINT_DEPTH];
static int depth;

static void add(const char *key, json_t *val)
{
	json_t *top;

	if (!val) {
		fprintf(stderr, "crsctl: out of memory\n");
		exit(1);
	}
	assert(depth > 0);
	top = stack[depth - 1];
	if (json_is_array(top))
		json_array_append_new(top, val);
	else
		json_object_set_new(top, key, val);
}

static void push(const char *key, json_t *val)
{
	assert(depth < PRINT_DEPTH);
	if (depth)
		add(key, json_incref(val));
	stack[depth++] = val;
}

static void pop(void)
{
	assert(depth > 0);
	json_decref(stack[--depth]);
}

void print_doc_begin_object(void)
{
	if (print_json)
		push(NULL, json_object());
}

void print_doc_begin_array(void)
{
	if (print_json)
		push(NULL, json_array());
}

void print_doc_end(void)
{
	if (!print_json) {
		fflush(stdout);
		return;
	}
	assert(depth == 1);
	json_dumpf(stack[0], stdout, JSON_COMPACT | JSON_PRESERVE_ORDER |
		   JSON_ENCODE_ANY);
	fputc('\n', stdout);
	fflush(stdout);
	pop();
}

void print_open_object(const char *key)
{
	if (print_json)
		push(key, json_object());
}

void print_close_object(void)
{
	if (print_json)
		pop();
}

void print_open_array(const char *key)
{
	if (print_json)
		push(key, json_array());
}

void print_close_array(void)
{
	if (print_json)
		pop();
}

void print_str(const char *key, const char *fmt, const char *val)
{
	if (print_json)
		add(key, val ? json_string(val) : json_null());
	else if (fmt)
		printf(fmt, val ? val : "-");
}

void print_u64(const char *key, const char *fmt, uint64_t val)
{
	if (print_json)
		add(key, json_integer((json_int_t)val));
	else if (fmt)
		printf(fmt, val);
}

void print_s64(const char *key, const char *fmt, int64_t val)
{
	if (print_json)
		add(key, json_integer(val));
	else if (fmt)
		printf(fmt, val);
}

void print_bool(const char *key, const char *fmt, bool val)
{
	if (print_json)
		add(key, json_boolean(val));
	else if (fmt)
		printf(fmt, val ? "true" : "false");
}

void print_null(const char *key, const char *fmt)
{
	if (print_json)
		add(key, json_null());
	else if (fmt)
		fputs(fmt, stdout);
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
