/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Listings: rows of named cells, printed through print.h as aligned text
 * columns under a heading, or (-j) as an array of objects whose keys are
 * the cells' names. The rows are kept until table_print() because a text
 * column is as wide as its widest cell.
 */
#ifndef CRSCTL_TABLE_H
#define CRSCTL_TABLE_H

#include <stddef.h>
#include <stdint.h>

struct table_cell {
	const char *key;
	char *text;
	uint64_t num;
	int is_num;
};

struct table {
	const char *const *head;
	int ncols;
	/* NULL: the table is the whole document; else its key in it. */
	const char *key;
	struct table_cell *cells;
	size_t nrows, cap;
	int col;
};

void table_init(struct table *t, const char *const *head, int ncols);
void table_row(struct table *t);
void table_str(struct table *t, const char *key, const char *val);
void table_u64(struct table *t, const char *key, uint64_t val);
void table_print(struct table *t);
void table_free(struct table *t);

#endif
