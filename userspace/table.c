// SPDX-License-Identifier: GPL-2.0
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "print.h"
#include "table.h"

void table_init(struct table *t, const char *const *head, int ncols)
{
	memset(t, 0, sizeof(*t));
	t->head = head;
	t->ncols = ncols;
}

static struct table_cell *next_cell(struct table *t, const char *key)
{
	struct table_cell *c;

	c = &t->cells[(t->nrows - 1) * (size_t)t->ncols + (size_t)t->col++];
	c->key = key;
	return c;
}

void table_row(struct table *t)
{
	if (t->nrows == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 16;
		t->cells = realloc(t->cells, t->cap * (size_t)t->ncols *
				   sizeof(*t->cells));
		if (!t->cells) {
			fprintf(stderr, "crsctl: out of memory\n");
			exit(1);
		}
	}
	memset(&t->cells[t->nrows * (size_t)t->ncols], 0,
	       (size_t)t->ncols * sizeof(*t->cells));
	t->nrows++;
	t->col = 0;
}

static void set_text(struct table_cell *c, const char *val)
{
	if (!val)
		return;		/* "-" in text, null in JSON */
	c->text = strdup(val);
	if (!c->text) {
		fprintf(stderr, "crsctl: out of memory\n");
		exit(1);
	}
}

void table_str(struct table *t, const char *key, const char *val)
{
	set_text(next_cell(t, key), val);
}

void table_u64(struct table *t, const char *key, uint64_t val)
{
	struct table_cell *c = next_cell(t, key);
	char buf[24];

	snprintf(buf, sizeof(buf), "%" PRIu64, val);
	set_text(c, buf);
	c->is_num = 1;
	c->num = val;
}

void table_print(struct table *t)
{
	size_t *width = calloc((size_t)t->ncols, sizeof(*width)), r;
	char fmt[32];
	int i;

	if (!width) {
		fprintf(stderr, "crsctl: out of memory\n");
		exit(1);
	}
	for (i = 0; i < t->ncols; i++)
		width[i] = strlen(t->head[i]);
	for (r = 0; r < t->nrows; r++)
		for (i = 0; i < t->ncols; i++) {
			const char *s = t->cells[r * (size_t)t->ncols + (size_t)i].text;
			size_t n = s ? strlen(s) : 1;

			if (n > width[i])
				width[i] = n;
		}
	for (i = 0; i < t->ncols; i++)
		if (i + 1 < t->ncols)
			print_text("%-*s  ", (int)width[i], t->head[i]);
		else
			print_text("%s\n", t->head[i]);
	if (t->key)
		print_open_array(t->key);
	else
		print_doc_begin_array();
	for (r = 0; r < t->nrows; r++) {
		print_open_object(NULL);
		for (i = 0; i < t->ncols; i++) {
			const struct table_cell *c = &t->cells[r * (size_t)t->ncols + (size_t)i];

			if (i + 1 < t->ncols)
				snprintf(fmt, sizeof(fmt), "%%-%zus  ", width[i]);
			else
				snprintf(fmt, sizeof(fmt), "%%s\n");
			if (c->is_num) {
				/* Text shows the same digits as for a string. */
				print_u64(c->key, NULL, c->num);
				print_text(fmt, c->text);
			} else {
				print_str(c->key, fmt, c->text);
			}
		}
		print_close_object();
	}
	if (t->key)
		print_close_array();
	else
		print_doc_end();
	free(width);
}

void table_free(struct table *t)
{
	size_t i;

	for (i = 0; i < t->nrows * (size_t)t->ncols; i++)
		free(t->cells[i].text);
	free(t->cells);
	memset(t, 0, sizeof(*t));
}
