// SPDX-License-Identifier: GPL-2.0
/*
 * Compiled lookup tables for rules (see match.h). One table holds program
 * keys and object keys: an entry is found by a 64-bit key mixing the
 * string's hash with its kind, class and rule type, and confirmed by
 * comparing the string in the rule set's string table. The table is one
 * kvmalloc'd block, immutable once made, freed with its rule set; checks
 * read it under RCU through the policy version that holds the rule set.
 */

#include <linux/hash.h>
#include <linux/log2.h>
#include <linux/dcache.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "crs.h"
#include "match.h"

#define CRS_KEY_B	0x100000001b3ULL
#define CRS_KEY_BINV	0xce965057aff6957bULL	/* B * BINV = 1 mod 2^64 */
#define CRS_KEY_MIX	0x9e3779b97f4a7c15ULL

enum crs_mkind {
	CRS_MK_EXACT,		/* an object path */
	CRS_MK_DIR,		/* an object directory, ending in '/' */
	CRS_MK_PROG,		/* a program */
	CRS_MK_PROG_DIR,	/* a directory of programs */
};

struct crs_ment {
	u64 key;
	u32 next;		/* index + 1 in ents; 0 ends the chain */
	u32 str;		/* offset in the rule set's strtab */
	u32 len;
	u32 val;		/* objects: the rule; programs: the class */
	u8 action;		/* objects: the merged action */
};

struct crs_mtab {
	const char *strtab;	/* the rule set's */
	u32 bits;
	u32 n;
	u32 nclasses;		/* class 0 is "*" */
	u32 types;		/* BIT(type) for each type with rules */
	u32 *buckets;		/* index + 1 in ents, 0: empty */
	struct crs_ment *ents;
};

void crs_key_init(struct crs_key *k, const char *s, u32 len)
{
	u64 h = 0, p = 1;
	u32 i;

	for (i = 0; i < len; i++) {
		h += (u8)s[i] * p;
		p *= CRS_KEY_B;
	}
	k->s = s;
	k->len = len;
	k->hash = h;
	k->top = p * CRS_KEY_BINV;
}

static u64 crs_mkey(u64 hash, u8 kind, u32 class, u8 type)
{
	return hash + (((u64)class << 16 | kind << 8 | type) + 1) * CRS_KEY_MIX;
}

static const struct crs_ment *crs_mtab_find(const struct crs_mtab *t, u64 key,
					    const char *s, u32 len)
{
	const struct crs_ment *e;
	u32 i;

	for (i = t->buckets[hash_64(key, t->bits)]; i; i = e->next) {
		e = &t->ents[i - 1];
		if (e->key == key && e->len == len &&
		    !memcmp(t->strtab + e->str, s, len))
			return e;
	}
	return NULL;
}

char *crs_d_path(const struct path *path, char *buf, u32 *len)
{
	static const char deleted[] = " (deleted)";
	const size_t dlen = sizeof(deleted) - 1;
	char *p;

	p = d_path(path, buf, PATH_MAX);
	if (IS_ERR(p))
		return NULL;
	*len = buf + PATH_MAX - 1 - p;
	/* A file unlinked while open is still the file it was. */
	if (d_unlinked(path->dentry) && *len > dlen &&
	    !memcmp(p + *len - dlen, deleted, dlen)) {
		*len -= dlen;
		p[*len] = '\0';
	}
	return p;
}

const char *crs_current_program(char *buf, u32 *len)
{
	struct mm_struct *mm = current->mm;
	struct file *exe;
	char *p;

	if (!mm || (current->flags & PF_KTHREAD))
		return NULL;
	exe = crs_mm_exe_file(mm);
	if (!exe)
		return NULL;
	p = crs_d_path(&exe->f_path, buf, len);
	fput(exe);
	return p;
}

/*
 * Steps to the next shorter prefix of k that ends in '/' (shorter than k
 * itself): false when there is none. Longest first, as specificity wants;
 * each prefix hash comes from the one before by taking the last
 * character's term off, so nothing is stored and nothing rehashed.
 */
struct crs_key_iter {
	u64 hash;
	u64 pow;
	u32 len;
};

static void crs_key_iter_init(const struct crs_key *k, struct crs_key_iter *it)
{
	it->hash = k->hash;
	it->pow = k->top;
	it->len = k->len;
}

static bool crs_key_prev_dir(const struct crs_key *k, struct crs_key_iter *it)
{
	while (it->len > 1) {
		it->len--;
		it->hash -= (u8)k->s[it->len] * it->pow;
		it->pow *= CRS_KEY_BINV;
		if (k->s[it->len - 1] == '/')
			return true;
	}
	return false;
}

bool crs_mtab_has(const struct crs_mtab *t, u8 type)
{
	return t && (t->types & BIT(type));
}

bool crs_mtab_programs(const struct crs_mtab *t)
{
	return t && t->nclasses > 1;
}

void crs_prog_classes(const struct crs_mtab *t, const struct crs_key *prog,
		      struct crs_prog_classes *pc)
{
	const struct crs_ment *e;
	struct crs_key_iter it;

	pc->n = 0;
	if (prog && crs_mtab_programs(t)) {
		e = crs_mtab_find(t, crs_mkey(prog->hash, CRS_MK_PROG, 0, 0),
				  prog->s, prog->len);
		if (e)
			pc->id[pc->n++] = e->val;
		crs_key_iter_init(prog, &it);
		/* More matching program directories than this: cut. */
		while (pc->n < CRS_PROG_CLASSES_MAX - 1 &&
		       crs_key_prev_dir(prog, &it)) {
			e = crs_mtab_find(t, crs_mkey(it.hash, CRS_MK_PROG_DIR,
						      0, 0),
					  prog->s, it.len);
			if (e)
				pc->id[pc->n++] = e->val;
		}
	}
	pc->id[pc->n++] = 0;
}

s32 crs_mtab_decide(const struct crs_mtab *t, const struct crs_prog_classes *pc,
		    u8 type, const struct crs_key *path)
{
	const struct crs_ment *e;
	struct crs_key_iter it;
	u32 i, c;

	if (!crs_mtab_has(t, type))
		return -1;
	for (i = 0; i < pc->n; i++) {
		c = pc->id[i];
		e = crs_mtab_find(t, crs_mkey(path->hash, CRS_MK_EXACT, c, type),
				  path->s, path->len);
		if (e)
			return e->val;
		crs_key_iter_init(path, &it);
		while (crs_key_prev_dir(path, &it)) {
			e = crs_mtab_find(t, crs_mkey(it.hash, CRS_MK_DIR, c, type),
					  path->s, it.len);
			if (e)
				return e->val;
		}
	}
	return -1;
}

/* deny > monitor > allow among equally specific rules (SPEC section 3). */
static int crs_action_rank(u8 action)
{
	switch (action) {
	case CRS_ACTION_DENY:
		return 2;
	case CRS_ACTION_MONITOR:
		return 1;
	default:
		return 0;
	}
}

static bool crs_rule_is_file(const struct crs_rule *r)
{
	return !(r->flags & CRS_RULE_F_DISABLED) &&
	       (r->type == CRS_RULE_FILE_READ || r->type == CRS_RULE_FILE_WRITE);
}

/* Finds or adds the entry for (key, string); *added tells which. */
static struct crs_ment *crs_mtab_add(struct crs_mtab *t, u64 key, u32 str,
				     bool *added)
{
	const char *s = t->strtab + str;
	u32 len = strlen(s), b;
	struct crs_ment *e;

	e = (struct crs_ment *)crs_mtab_find(t, key, s, len);
	*added = !e;
	if (e)
		return e;
	e = &t->ents[t->n++];
	e->key = key;
	e->str = str;
	e->len = len;
	b = hash_64(key, t->bits);
	e->next = t->buckets[b];
	t->buckets[b] = t->n;
	return e;
}

static u64 crs_str_hash(const char *s, u8 *kind_dir)
{
	struct crs_key k;
	u32 len = strlen(s);

	crs_key_init(&k, s, len);
	*kind_dir = len && s[len - 1] == '/';
	return k.hash;
}

size_t crs_mtab_progs_size(u32 n)
{
	u32 nb = roundup_pow_of_two(max(2 * n, 16U));

	return ALIGN(sizeof(struct crs_mtab) + nb * sizeof(u32) +
		     (size_t)n * sizeof(struct crs_ment), sizeof(u64));
}

struct crs_mtab *crs_mtab_progs_init(void *mem, u32 n, const char *strtab)
{
	u32 nb = roundup_pow_of_two(max(2 * n, 16U));
	struct crs_mtab *t = mem;

	t->buckets = (u32 *)(t + 1);
	t->ents = (struct crs_ment *)(t->buckets + nb);
	t->bits = ilog2(nb);
	t->strtab = strtab;
	t->nclasses = 1;
	return t;
}

u32 crs_mtab_prog_class(struct crs_mtab *t, u32 program)
{
	struct crs_ment *e;
	bool added;
	u8 dir;
	u64 h;

	if (program == CRS_STR_NONE)
		return 0;
	h = crs_str_hash(t->strtab + program, &dir);
	e = crs_mtab_add(t, crs_mkey(h, dir ? CRS_MK_PROG_DIR : CRS_MK_PROG,
				     0, 0),
			 program, &added);
	if (added)
		e->val = t->nclasses++;
	return e->val;
}

u32 crs_mtab_nclasses(const struct crs_mtab *t)
{
	return t->nclasses;
}

int crs_file_compile(struct crs_ruleset *rs)
{
	struct crs_ment *e;
	struct crs_mtab *t;
	u32 i, n = 0, nb, class;
	size_t size;
	bool added;
	u8 dir;
	u64 h;

	for (i = 0; i < rs->n; i++)
		n += crs_rule_is_file(&rs->rules[i]);
	if (!n)
		return 0;
	/* At most one object and one program entry a rule. */
	nb = roundup_pow_of_two(max(2 * n, 16U));
	size = sizeof(*t) + nb * sizeof(u32) + 2 * (size_t)n * sizeof(*e);
	t = kvzalloc(size, GFP_KERNEL_ACCOUNT);
	if (!t)
		return -ENOMEM;
	t->buckets = (u32 *)(t + 1);
	t->ents = (struct crs_ment *)(t->buckets + nb);
	t->bits = ilog2(nb);
	t->strtab = rs->strtab;
	t->nclasses = 1;

	for (i = 0; i < rs->n; i++) {
		const struct crs_rule *r = &rs->rules[i];

		if (!crs_rule_is_file(r))
			continue;
		class = 0;
		if (r->program != CRS_STR_NONE) {
			h = crs_str_hash(rs->strtab + r->program, &dir);
			e = crs_mtab_add(t, crs_mkey(h, dir ? CRS_MK_PROG_DIR :
						     CRS_MK_PROG, 0, 0),
					 r->program, &added);
			if (added)
				e->val = t->nclasses++;
			class = e->val;
		}
		h = crs_str_hash(rs->strtab + r->path, &dir);
		e = crs_mtab_add(t, crs_mkey(h, dir ? CRS_MK_DIR : CRS_MK_EXACT,
					     class, r->type),
				 r->path, &added);
		if (added || crs_action_rank(r->action) >
			     crs_action_rank(e->action)) {
			e->val = i;
			e->action = r->action;
		}
		t->types |= BIT(r->type);
	}
	rs->tables[CRS_TABLE_FILE] = t;
	return 0;
}
