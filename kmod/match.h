/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Rules compiled into a hash table when a rule set is made (match.c), so
 * that a check costs hash lookups along the ancestors of a path, never a
 * walk over rules.
 *
 * Programs: every distinct program that enabled rules name becomes a
 * class; class 0 is "*". A process's program selects the classes that
 * match it, most specific first (SPEC section 3: the named program, then
 * directories longest first, then "*"). Objects: for each class and rule
 * type, exact paths and directories ("/etc/") are keys of the same table;
 * a check tries the exact path, then each ancestor directory from the
 * longest, class by class, and the first hit decides. Rules with the same
 * program, type and object are merged when compiled: the strongest action
 * (deny, monitor, allow) wins and, among equals, the first in document
 * order gives its name. Network and syscall tables can key their objects
 * the same way and reuse crs_prog_classes() and struct crs_key.
 */
#ifndef _CRS_MATCH_H
#define _CRS_MATCH_H

#include <linux/types.h>

struct crs_ruleset;

/*
 * A string hashed so that the hash of every prefix can be had from the
 * end backwards without storing them: hash = sum of s[i] * B^i mod 2^64,
 * B odd and so invertible (see crs_key_prefixes()).
 */
struct crs_key {
	const char *s;
	u32 len;
	u64 hash;
	u64 top;	/* B^(len - 1) */
};

void crs_key_init(struct crs_key *k, const char *s, u32 len);

struct path;

/*
 * The path of path as current sees it from its root, at the end of buf
 * (PATH_MAX), its length in len; " (deleted)" dropped, as a file unlinked
 * while open is still the file it was. NULL when too long.
 */
char *crs_d_path(const struct path *path, char *buf, u32 *len);
/*
 * current's program (SPEC section 1) the same way: a program upgraded in
 * place is still the program it was. NULL for a kernel thread or a task
 * without an executable.
 */
const char *crs_current_program(char *buf, u32 *len);

/* The program classes a check tries, in this order. */
#define CRS_PROG_CLASSES_MAX	32
struct crs_prog_classes {
	u32 n;
	u32 id[CRS_PROG_CLASSES_MAX];
};

struct crs_mtab;

/* Whether enabled rules of type exist; whether any names a program. */
bool crs_mtab_has(const struct crs_mtab *t, u8 type);
bool crs_mtab_programs(const struct crs_mtab *t);
/* prog NULL (no program, e.g. a kernel thread): only "*" matches. */
void crs_prog_classes(const struct crs_mtab *t, const struct crs_key *prog,
		      struct crs_prog_classes *pc);
/*
 * The rule that decides type on path for those classes: its index in the
 * rule set, or -1 when none does (the default action decides).
 */
s32 crs_mtab_decide(const struct crs_mtab *t, const struct crs_prog_classes *pc,
		    u8 type, const struct crs_key *path);

/*
 * A table of programs alone, for the lookup structures of other kinds of
 * rules, which embed it in their own block: crs_mtab_progs_size(n) bytes,
 * zeroed, hold the classes of up to n rules' programs. Where an entry is
 * a class, crs_mtab_decide() finds nothing: use it with crs_prog_classes().
 */
size_t crs_mtab_progs_size(u32 n);
struct crs_mtab *crs_mtab_progs_init(void *mem, u32 n, const char *strtab);
/* The class of the program at strtab offset program (CRS_STR_NONE: 0). */
u32 crs_mtab_prog_class(struct crs_mtab *t, u32 program);
u32 crs_mtab_nclasses(const struct crs_mtab *t);

/* Fills rs->tables[CRS_TABLE_FILE]; one kvmalloc'd block, or NULL. */
int crs_file_compile(struct crs_ruleset *rs);

#endif /* _CRS_MATCH_H */
