// SPDX-License-Identifier: GPL-2.0
/*
 * File rules (SPEC sections 3 and 4): decisions at the kernel's
 * permission points, where paths are resolved and cannot change under
 * the check, reached through ftrace direct-call hooks (hook.c) on the
 * security_* functions every path into the kernel goes through.
 *
 * The hooks are installed while at least one attachment exists (each
 * attachment takes a reference before it becomes visible, so a covered
 * process never runs unchecked). A process in no attached cgroup leaves
 * after the static key and a hash lookup per cgroup level.
 *
 * Handlers run in the context of the hooked function: they never sleep,
 * take no sleeping lock, and allocate only without sleeping. The policy is
 * read under RCU; the paths are built in a per-CPU buffer with preemption
 * disabled. Where a path cannot be built (longer than PATH_MAX), the
 * operation is not checked: the kernel itself refuses such names.
 *
 * Extended attributes: the kernel's xattr permission points
 * (security_inode_setxattr() and friends) get a dentry without its mount,
 * so no path as the process sees it. A change through a descriptor
 * (fsetxattr, fremovexattr, IORING_OP_FSETXATTR) is checked on the
 * descriptor's file, which is the file changed. A change by name
 * (setxattr, lsetxattr, removexattr, lremovexattr, IORING_OP_SETXATTR) is
 * checked at the permission point, on the dentry the kernel changes and
 * the mount it asked write access to just before (crs_xattr_stash): the
 * name is never read or looked up by this module, so neither a name
 * rewritten by another thread nor a rename or symlink swap can make the
 * kernel change another file than the one decided.
 */

#include <linux/cgroup.h>
#include <linux/dcache.h>
#include <linux/file.h>
#include <linux/fs_struct.h>
#include <linux/fs.h>
#include <linux/hashtable.h>
#include <linux/io_uring.h>
#include <linux/io_uring_types.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/mount.h>
#include <linux/percpu.h>
#include <linux/sched/mm.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <asm/syscall.h>
#include <asm/unistd.h>
#include "crs.h"
#include "hook.h"
#include "match.h"

#define CRS_W	BIT(CRS_RULE_FILE_WRITE)
#define CRS_R	BIT(CRS_RULE_FILE_READ)

/*
 * What the path of an open file depends on: its name (dentry, parent and
 * name hash, mount), the renames so far (any rename in the system bumps
 * rename_lock) and the root it is seen from. Pointers are compared, never
 * followed; the file being checked holds its dentry and mount.
 */
struct crs_name_key {
	const struct vfsmount *mnt;
	const struct dentry *dentry;
	const struct dentry *parent;
	u64 hash_len;
	const struct vfsmount *root_mnt;
	const struct dentry *root;
	unsigned int rename_seq;
};

/*
 * The last check on a file (not an entry being created or removed) that
 * this CPU allowed without an event, and everything its decision depended
 * on besides the name: the program, the attachment, its mode, the policy
 * version and the access asked for. A process writing a file in small
 * pieces, or opening the same file again and again, pays for one decision.
 * Compared field by field before anything else is done, so that a hit
 * costs a few loads; dentry NULL: nothing cached.
 */
struct crs_file_cache {
	const struct dentry *dentry;
	const struct vfsmount *mnt;
	const struct dentry *parent;
	u64 hash_len;
	const struct vfsmount *root_mnt;
	const struct dentry *root;
	const struct mm_struct *mm;
	const struct file *exe;
	const struct crs_attach *att;
	u32 generation;
	unsigned int rename_seq;
	u8 mode;			/* att->mode, not what it resolves to */
	u8 types;
};

/* Only touched with preemption disabled, by the CPU it belongs to. */
static DEFINE_PER_CPU(struct crs_file_cache, crs_file_cache);

struct crs_file_scratch {
	/* path holds the path of the file named by last, when last_ok. */
	struct crs_name_key last;
	struct crs_key last_key;
	bool last_ok;
	char path[PATH_MAX];
	char prog[PATH_MAX];
};

/*
 * The kernel's memcmp() goes byte by byte; these keys are words (their
 * padding zeroed).
 */
static_assert(!(sizeof(struct crs_name_key) % sizeof(long)));

static bool crs_same(const void *a, const void *b, size_t size)
{
	const unsigned long *x = a, *y = b;
	size_t i;

	for (i = 0; i < size / sizeof(long); i++)
		if (x[i] != y[i])
			return false;
	return true;
}

/* False while a rename is under way: then nothing is cached. */
static bool crs_name_key(struct crs_name_key *k, const struct path *path)
{
	const struct dentry *d = path->dentry;
	const struct fs_struct *fs = current->fs;

	/* Compared as words: padding too. */
	memset(k, 0, sizeof(*k));
	k->mnt = path->mnt;
	k->dentry = d;
	k->parent = READ_ONCE(d->d_parent);
	k->hash_len = READ_ONCE(d->d_name.hash_len);
	k->root_mnt = READ_ONCE(fs->root.mnt);
	k->root = READ_ONCE(fs->root.dentry);
	k->rename_seq = raw_read_seqcount(&rename_lock.seqcount);
	return !(k->rename_seq & 1);
}

/* Compared, never followed. */
static const struct file *crs_exe_ptr(const struct mm_struct *mm)
{
	return mm ? rcu_access_pointer(mm->exe_file) : NULL;
}

/*
 * Whether this CPU's cache allowed this check quietly. An odd rename
 * count (a rename under way) never matches: none is stored.
 */
static bool crs_file_cache_hit(const struct crs_file_cache *c,
			       const struct path *path,
			       const struct crs_attach *att, u32 generation,
			       u8 mode, unsigned int types)
{
	const struct dentry *d = path->dentry;
	const struct fs_struct *fs = current->fs;
	const struct mm_struct *mm = current->mm;

	return c->dentry == d && c->mnt == path->mnt && c->att == att &&
	       c->generation == generation && c->mode == mode &&
	       c->types == types &&
	       c->rename_seq == raw_read_seqcount(&rename_lock.seqcount) &&
	       c->parent == READ_ONCE(d->d_parent) &&
	       c->hash_len == READ_ONCE(d->d_name.hash_len) &&
	       c->root_mnt == READ_ONCE(fs->root.mnt) &&
	       c->root == READ_ONCE(fs->root.dentry) &&
	       c->mm == mm && c->exe == crs_exe_ptr(mm);
}

/*
 * Records a quiet allow decided on the name nk. The root is read again:
 * a chroot by another thread sharing current's fs_struct while the path
 * was built leaves nothing behind. A kernel thread's decisions are made
 * without a program (crs_program()), even when it borrows a process's mm:
 * they are not kept, or that process could find one.
 */
static void crs_file_cache_store(struct crs_file_cache *c,
				 const struct crs_name_key *nk,
				 const struct crs_attach *att, u32 generation,
				 u8 mode, unsigned int types)
{
	const struct fs_struct *fs = current->fs;

	c->dentry = NULL;
	if (current->flags & PF_KTHREAD)
		return;
	if (nk->root_mnt != READ_ONCE(fs->root.mnt) ||
	    nk->root != READ_ONCE(fs->root.dentry))
		return;
	c->mnt = nk->mnt;
	c->parent = nk->parent;
	c->hash_len = nk->hash_len;
	c->root_mnt = nk->root_mnt;
	c->root = nk->root;
	c->rename_seq = nk->rename_seq;
	c->mm = current->mm;
	c->exe = crs_exe_ptr(current->mm);
	c->att = att;
	c->generation = generation;
	c->mode = mode;
	c->types = types;
	c->dentry = nk->dentry;
}

/* Allocated with the first attachment, freed at exit; crs_lock. */
static struct crs_file_scratch __percpu *crs_scratch;

/* The current process's program (SPEC section 1) into buf; 0 or -errno. */
static int crs_program(char *buf, struct crs_key *k)
{
	const char *p;
	u32 len;

	p = crs_current_program(buf, &len);
	if (!p)
		return -ENOENT;
	crs_key_init(k, p, len);
	return 0;
}

/*
 * The path of the object as current sees it from its root: path itself,
 * or, with name, the entry name in the directory path (an entry being
 * created, removed or renamed).
 */
static int crs_object(char *buf, const struct path *path,
		      const struct qstr *name, struct crs_key *k)
{
	char *p;
	u32 len;

	p = crs_d_path(path, buf, &len);
	if (!p)
		return -ENAMETOOLONG;
	if (name) {
		if (len + 1 + name->len >= PATH_MAX)
			return -ENAMETOOLONG;
		memmove(buf, p, len);
		p = buf;
		if (len > 1)
			buf[len++] = '/';
		memcpy(buf + len, name->name, name->len);
		len += name->len;
	}
	crs_key_init(k, p, len);
	return 0;
}

/*
 * Only files with a path in a file system: pipes, sockets, anonymous
 * inodes and other objects of the kernel's internal mounts are not.
 */
static bool crs_path_checked(const struct path *path, const struct qstr *name)
{
	const struct inode *inode;

	if (path->mnt->mnt_flags & MNT_INTERNAL)
		return false;
	if (name)
		return true;
	inode = d_backing_inode(path->dentry);
	return !inode || !(S_ISFIFO(inode->i_mode) || S_ISSOCK(inode->i_mode));
}

/* att_mode: the attachment's own setting, read once by the caller. */
static u8 crs_mode_of(u8 att_mode, const struct crs_policy_ver *ver)
{
	return att_mode == CRS_MODE_POLICY ? ver->mode : att_mode;
}

/*
 * A full check, when the cache could not answer: out of line, so that
 * its stack (zeroed by the kernel on every entry) and its canary are not
 * paid for on a hit. Caller holds rcu_read_lock(); att covers current.
 */
static noinline int crs_file_decide(struct crs_attach *att,
				    const struct crs_policy_ver *ver,
				    u8 att_mode, const struct path *path,
				    const struct qstr *name, unsigned int types)
{
	const struct crs_ruleset *rs = ver->rs;
	const struct crs_mtab *t = rs->tables[CRS_TABLE_FILE];
	struct crs_key key, prog, *progp = NULL;
	struct crs_name_key nk;
	struct crs_file_scratch *sc;
	struct crs_prog_classes pc;
	struct crs_event_info ev;
	u8 mode = crs_mode_of(att_mode, ver), type, action;
	bool reported = false, cache;
	int ret = 0;
	s32 rule;

	if (mode == CRS_MODE_INACTIVE)
		return 0;
	/* Neither rules nor a default to apply: no path needed. */
	if (ver->def_file == CRS_ACTION_ALLOW &&
	    !((types & CRS_W) && crs_mtab_has(t, CRS_RULE_FILE_WRITE)) &&
	    !((types & CRS_R) && crs_mtab_has(t, CRS_RULE_FILE_READ)))
		return 0;
	if (!crs_path_checked(path, name))
		return 0;

	sc = get_cpu_ptr(crs_scratch);
	cache = !name && crs_name_key(&nk, path);
	if (cache && sc->last_ok && crs_same(&nk, &sc->last, sizeof(nk))) {
		key = sc->last_key;
	} else {
		sc->last_ok = false;
		if (crs_object(sc->path, path, name, &key))
			goto out;
		if (cache) {
			sc->last = nk;
			sc->last_key = key;
			sc->last_ok = true;
		}
	}
	/* Only rules naming programs need it; "*" alone does not. */
	if (crs_mtab_programs(t) && !crs_program(sc->prog, &prog))
		progp = &prog;
	crs_prog_classes(t, progp, &pc);

	/* Write first: an open for both is denied if either is. */
	for (type = CRS_RULE_FILE_WRITE; type >= CRS_RULE_FILE_READ; type--) {
		if (!(types & BIT(type)))
			continue;
		rule = crs_mtab_decide(t, &pc, type, &key);
		action = rule < 0 ? ver->def_file : rs->rules[rule].action;
		if (action == CRS_ACTION_ALLOW)
			continue;
		reported = true;
		if (!progp && !crs_program(sc->prog, &prog))
			progp = &prog;
		memset(&ev, 0, sizeof(ev));
		ev.att = att;
		ev.policy = ver->name;
		ev.rule = rule < 0 ? NULL :
			  crs_rule_str(rs, rs->rules[rule].name);
		/* The event copies its strings: terminate them in place. */
		if (progp)
			sc->prog[progp->s - sc->prog + progp->len] = '\0';
		sc->path[key.s - sc->path + key.len] = '\0';
		ev.program = progp ? progp->s : NULL;
		ev.path = key.s;
		ev.type = type;
		ev.action = action;
		ev.enforced = action == CRS_ACTION_DENY &&
			      mode == CRS_MODE_ACTIVE;
		crs_event_report(&ev);
		if (ev.enforced) {
			ret = -EACCES;
			break;
		}
	}
	if (cache && !reported)
		crs_file_cache_store(this_cpu_ptr(&crs_file_cache), &nk, att,
				     ver->generation, att_mode, types);
out:
	put_cpu_ptr(crs_scratch);
	return ret;
}

/* Caller holds rcu_read_lock(); att covers current. */
static int crs_file_covered(struct crs_attach *att, const struct path *path,
			    const struct qstr *name, unsigned int types)
{
	const struct crs_policy_ver *ver = rcu_dereference(att->policy->ver);
	u8 att_mode = READ_ONCE(att->mode);
	bool hit;

	/*
	 * Before anything else: a hit stands for every step below, as all
	 * they read (the mode, rules, defaults, the file's mount and type,
	 * its path, the program) is in the key or fixed by it. The key holds
	 * the attachment's own mode setting: what "policy" stands for is
	 * fixed by the version's generation.
	 */
	if (!name) {
		preempt_disable();
		hit = crs_file_cache_hit(this_cpu_ptr(&crs_file_cache), path,
					 att, ver->generation, att_mode, types);
		preempt_enable();
		if (hit)
			return 0;
	}
	return crs_file_decide(att, ver, att_mode, path, name, types);
}

static int crs_file_check(const struct path *path, const struct qstr *name,
			  unsigned int types)
{
	struct crs_attach *att;
	int ret = 0;

	rcu_read_lock();
	att = crs_attach_lookup(task_dfl_cgroup(current));
	if (unlikely(att))
		ret = crs_file_covered(att, path, name, types);
	rcu_read_unlock();
	return ret;
}

/*
 * Opens: for writing, appending or truncating is file-write, for reading
 * file-read. The kernel's opens of a program and its interpreter for exec
 * are not file reads (SPEC section 4). A file this open created was
 * decided as a write when it was created, on the same path.
 */
int crs_hk_file_open(struct file *file)
{
	unsigned int types = 0;

	if (file->f_mode & FMODE_EXEC)
		return 0;
	if (((file->f_mode & FMODE_WRITE) || (file->f_flags & O_TRUNC)) &&
	    !(file->f_mode & FMODE_CREATED))
		types |= CRS_W;
	if (file->f_mode & FMODE_READ)
		types |= CRS_R;
	return types ? crs_file_check(&file->f_path, NULL, types) : 0;
}

/*
 * Every write, splice, copy_file_range, fallocate and io_uring write goes
 * through here (rw_verify_area and friends), also on descriptors opened
 * before the policy. Reads need nothing: file-read is the open.
 */
int crs_hk_file_permission(struct file *file, int mask)
{
	if (likely(!(mask & MAY_WRITE)))
		return 0;
	return crs_file_check(&file->f_path, NULL, CRS_W);
}

int crs_hk_file_truncate(struct file *file)
{
	return crs_file_check(&file->f_path, NULL, CRS_W);
}

int crs_hk_path_truncate(const struct path *path)
{
	return crs_file_check(path, NULL, CRS_W);
}

/* Creation by open(O_CREAT) comes here too, before the file exists. */
int crs_hk_path_mknod(const struct path *dir, struct dentry *dentry,
		      umode_t mode, unsigned int dev)
{
	return crs_file_check(dir, &dentry->d_name, CRS_W);
}

int crs_hk_path_mkdir(const struct path *dir, struct dentry *dentry,
		      umode_t mode)
{
	return crs_file_check(dir, &dentry->d_name, CRS_W);
}

int crs_hk_path_rmdir(const struct path *dir, struct dentry *dentry)
{
	return crs_file_check(dir, &dentry->d_name, CRS_W);
}

int crs_hk_path_unlink(const struct path *dir, struct dentry *dentry)
{
	return crs_file_check(dir, &dentry->d_name, CRS_W);
}

int crs_hk_path_symlink(const struct path *dir, struct dentry *dentry,
			const char *old_name)
{
	return crs_file_check(dir, &dentry->d_name, CRS_W);
}

/* A hard link modifies the file it links to and creates the new name. */
int crs_hk_path_link(struct dentry *old_dentry, const struct path *new_dir,
		     struct dentry *new_dentry)
{
	/* Hard links stay within one mount. */
	struct path old = { .mnt = new_dir->mnt, .dentry = old_dentry };
	int ret;

	ret = crs_file_check(&old, NULL, CRS_W);
	return ret ?: crs_file_check(new_dir, &new_dentry->d_name, CRS_W);
}

/* Both names change (with RENAME_EXCHANGE, both files too). */
int crs_hk_path_rename(const struct path *old_dir, struct dentry *old_dentry,
		       const struct path *new_dir, struct dentry *new_dentry,
		       unsigned int flags)
{
	int ret;

	ret = crs_file_check(old_dir, &old_dentry->d_name, CRS_W);
	return ret ?: crs_file_check(new_dir, &new_dentry->d_name, CRS_W);
}

int crs_hk_path_chmod(const struct path *path, umode_t mode)
{
	return crs_file_check(path, NULL, CRS_W);
}

int crs_hk_path_chown(const struct path *path, kuid_t uid, kgid_t gid)
{
	return crs_file_check(path, NULL, CRS_W);
}

/*
 * A shared writable mapping writes the file without write(2): it is
 * checked when made. Private mappings never reach the file.
 */
int crs_hk_mmap_file(struct file *file, unsigned long prot,
		     unsigned long flags)
{
	u32 type = flags & MAP_TYPE;

	if (!file || !(prot & PROT_WRITE) ||
	    (type != MAP_SHARED && type != MAP_SHARED_VALIDATE))
		return 0;
	return crs_file_check(&file->f_path, NULL, CRS_W);
}

int crs_hk_file_mprotect(struct vm_area_struct *vma, unsigned long reqprot,
			 unsigned long prot)
{
	if (!vma->vm_file || !(vma->vm_flags & VM_SHARED) ||
	    !(reqprot & PROT_WRITE) || (vma->vm_flags & VM_WRITE))
		return 0;
	return crs_file_check(&vma->vm_file->f_path, NULL, CRS_W);
}

/*
 * Extended attributes (see the top of this file). Changing one is a
 * file-write like any other: the per-CPU cache may answer for it, as a
 * write's decision depends on nothing but the path, the program and the
 * policy, and only quiet allows are kept.
 */

enum crs_xattr_call {
	CRS_XATTR_NONE,
	CRS_XATTR_BY_NAME,	/* setxattr, lsetxattr, removexattr, lremovexattr */
	CRS_XATTR_BY_FD,	/* fsetxattr, fremovexattr */
};

/*
 * Which xattr system call current is in, on any entry: the system call
 * being served is in the registers saved at its entry. Kernel threads and
 * io_uring's workers serve none.
 */
static enum crs_xattr_call crs_xattr_syscall(void)
{
	long nr;

	if (current->flags & (PF_KTHREAD | PF_IO_WORKER))
		return CRS_XATTR_NONE;
	nr = syscall_get_nr(current, task_pt_regs(current));
#ifdef CONFIG_IA32_EMULATION
	if (in_ia32_syscall()) {
		switch (nr) {
		case __NR_ia32_setxattr:
		case __NR_ia32_lsetxattr:
		case __NR_ia32_removexattr:
		case __NR_ia32_lremovexattr:
			return CRS_XATTR_BY_NAME;
		case __NR_ia32_fsetxattr:
		case __NR_ia32_fremovexattr:
			return CRS_XATTR_BY_FD;
		}
		return CRS_XATTR_NONE;
	}
#endif
	/* x32 calls the 64-bit functions: same numbers, with a flag. */
	switch (nr & ~__X32_SYSCALL_BIT) {
	case __NR_setxattr:
	case __NR_lsetxattr:
	case __NR_removexattr:
	case __NR_lremovexattr:
		return CRS_XATTR_BY_NAME;
	case __NR_fsetxattr:
	case __NR_fremovexattr:
		return CRS_XATTR_BY_FD;
	}
	return CRS_XATTR_NONE;
}

/*
 * A change by name is decided on the object the kernel changes, not on
 * the name: the name is in user memory, which another thread may rewrite
 * between any lookup of ours and the kernel's, and a rename or a symlink
 * swapped in between makes the name another file. fs/xattr.c's
 * path_setxattr() and path_removexattr() (6.1 to 6.12) look the name up
 * once, then call mnt_want_write(path.mnt), then reach the inode's
 * permission point, security_inode_setxattr() or _removexattr() (from 6.2
 * security_inode_set_acl() or _remove_acl() for POSIX ACLs), with
 * path.dentry, then mnt_drop_write(path.mnt). The permission point has
 * the dentry but not the mount a path is built from: the mount is stashed
 * for current at mnt_want_write() and taken at the first permission point
 * after it, which is the user-visible one (overlayfs sets its own
 * attributes on the upper file system, with its own mount, only after
 * it); a dentry of another super block than the mount's is not the
 * stashed object and is not decided with it.
 *
 * One entry a task, from mnt_want_write() to mnt_drop_write() of the same
 * mount. It holds a reference on the mount: a mnt_want_write() that fails
 * after the handler (a remount read-only in between) is never dropped,
 * and its entry stays until the task's next stash, or until the hooks go.
 * Tasks in such calls at the same time are few; one lock serves them.
 *
 * IORING_OP_SETXATTR (io_setxattr()) looks up the name copied at submission
 * in an io_uring worker, then does the same. Its handler leaves a mark,
 * an entry without a mount, that the worker's next mnt_want_write() turns
 * into a stash. A mark whose lookup failed waits for the worker's next
 * mnt_want_write(), whatever operation that is: only an attribute set on
 * the very super block it asked for write access to is then decided.
 */
struct crs_xattr_stash {
	struct hlist_node node;
	const struct task_struct *task;	/* compared, never followed */
	struct vfsmount *mnt;		/* NULL: an io_uring mark */
	bool uring;			/* made from a mark */
	bool taken;			/* by a permission point */
};

#define CRS_XATTR_BITS	6
static DEFINE_HASHTABLE(crs_xattr_stashes, CRS_XATTR_BITS);
static DEFINE_SPINLOCK(crs_xattr_lock);
/* Entries in the table: lets the handlers leave without the lock. */
static unsigned int crs_xattr_count;

static struct crs_xattr_stash *crs_xattr_find(void)
{
	struct crs_xattr_stash *s;

	lockdep_assert_held(&crs_xattr_lock);
	hash_for_each_possible(crs_xattr_stashes, s, node,
			       (unsigned long)current)
		if (s->task == current)
			return s;
	return NULL;
}

/*
 * Current's entry, made if it has none; NULL when it cannot be. The
 * handlers run in the hooked function's text, where sleeping would let
 * crs_hook_exit() free the module under them: no allocation may sleep.
 */
static struct crs_xattr_stash *crs_xattr_entry(void)
{
	struct crs_xattr_stash *s = crs_xattr_find();

	if (s)
		return s;
	s = kzalloc(sizeof(*s), GFP_NOWAIT | __GFP_NOWARN);
	if (!s)
		return NULL;
	s->task = current;
	hash_add(crs_xattr_stashes, &s->node, (unsigned long)current);
	WRITE_ONCE(crs_xattr_count, crs_xattr_count + 1);
	return s;
}

static void crs_xattr_del(struct crs_xattr_stash *s)
{
	hash_del(&s->node);
	WRITE_ONCE(crs_xattr_count, crs_xattr_count - 1);
}

static bool crs_file_covers_current(void)
{
	bool covered;

	rcu_read_lock();
	covered = crs_attach_lookup(task_dfl_cgroup(current));
	rcu_read_unlock();
	return covered;
}

/*
 * Stashes mnt for current's permission point, in the calls by name and,
 * after a mark, in io_uring's workers. A failure to keep it fails the
 * call: no change by name goes undecided.
 */
int crs_hk_mnt_want_write(struct vfsmount *mnt)
{
	bool by_name = crs_xattr_syscall() == CRS_XATTR_BY_NAME;
	struct crs_xattr_stash *s;
	struct vfsmount *old;
	int ret = 0;

	if (likely(!by_name && !(current->flags & PF_IO_WORKER)))
		return 0;
	if (!by_name && !READ_ONCE(crs_xattr_count))
		return 0;
	if (by_name && !crs_file_covers_current()) {
		/* Nothing left behind for a cgroup attached later. */
		if (!READ_ONCE(crs_xattr_count))
			return 0;
		mnt = NULL;
	}
	/* mnt_want_write() fails there, and no mnt_drop_write() follows. */
	if (mnt && __mnt_is_readonly(mnt))
		mnt = NULL;

	spin_lock(&crs_xattr_lock);
	s = crs_xattr_find();
	/*
	 * After the permission point, a write access taken for the call's
	 * own purposes (overlayfs copying up): the stash is done with.
	 */
	if (s && s->taken)
		goto out;
	if (!mnt) {
		if (!s)
			goto out;
		crs_xattr_del(s);
		goto out_free;
	}
	/* In a worker, only a mark turns into a stash. */
	if (!by_name && (!s || s->mnt))
		goto out;
	if (!s) {
		s = crs_xattr_entry();
		if (!s) {
			ret = -ENOMEM;
			goto out;
		}
	}
	old = s->mnt;
	s->mnt = mntget(mnt);
	s->uring = !by_name;
	s->taken = false;
	spin_unlock(&crs_xattr_lock);
	if (old)
		mntput(old);
	return 0;

out_free:
	spin_unlock(&crs_xattr_lock);
	if (s->mnt)
		mntput(s->mnt);
	kfree(s);
	return 0;
out:
	spin_unlock(&crs_xattr_lock);
	return ret;
}

/* The end of the write access the entry was stashed for. */
int crs_hk_mnt_drop_write(struct vfsmount *mnt)
{
	struct crs_xattr_stash *s;

	if (likely(!READ_ONCE(crs_xattr_count)))
		return 0;
	if (crs_xattr_syscall() != CRS_XATTR_BY_NAME &&
	    !(current->flags & PF_IO_WORKER))
		return 0;
	spin_lock(&crs_xattr_lock);
	s = crs_xattr_find();
	if (s && s->mnt == mnt)
		crs_xattr_del(s);
	else
		s = NULL;
	spin_unlock(&crs_xattr_lock);
	if (s) {
		mntput(s->mnt);
		kfree(s);
	}
	/* mnt_drop_write() returns nothing: it must always run. */
	return 0;
}

/*
 * security_inode_setxattr(), _removexattr(), _set_acl(), _remove_acl():
 * the first argument is the mount's idmapping (6.3 on) or user namespace
 * (before), unused. Decides the change on {stashed mount, dentry}.
 */
int crs_hk_inode_xattr(const void *idmap, struct dentry *dentry)
{
	enum crs_xattr_call call;
	struct crs_xattr_stash *s;
	struct vfsmount *mnt = NULL;
	struct path path;
	int ret;

	if (likely(!READ_ONCE(crs_xattr_count)))
		return 0;
	call = crs_xattr_syscall();
	if (call != CRS_XATTR_BY_NAME && !(current->flags & PF_IO_WORKER))
		return 0;
	spin_lock(&crs_xattr_lock);
	s = crs_xattr_find();
	if (s && s->mnt && !s->taken &&
	    (call == CRS_XATTR_BY_NAME || s->uring)) {
		s->taken = true;
		/* The entry may go once unlocked (the hooks removed). */
		if (dentry->d_sb == s->mnt->mnt_sb)
			mnt = mntget(s->mnt);
	}
	spin_unlock(&crs_xattr_lock);
	if (!mnt)
		return 0;
	path.mnt = mnt;
	path.dentry = dentry;
	ret = crs_file_check(&path, NULL, CRS_W);
	mntput(mnt);
	return ret;
}

/*
 * Every entry. A handler never uses an entry after its unlock, so none
 * is freed under one; one still running when the hooks are removed may
 * add an entry after this: crs_file_free() drains again, after
 * crs_hook_exit().
 */
static void crs_xattr_drain(void)
{
	struct crs_xattr_stash *s;
	struct hlist_node *tmp;
	HLIST_HEAD(dead);
	int bkt;

	spin_lock(&crs_xattr_lock);
	hash_for_each_safe(crs_xattr_stashes, bkt, tmp, s, node) {
		crs_xattr_del(s);
		hlist_add_head(&s->node, &dead);
	}
	spin_unlock(&crs_xattr_lock);
	hlist_for_each_entry_safe(s, tmp, &dead, node) {
		if (s->mnt)
			mntput(s->mnt);
		kfree(s);
	}
}

/*
 * fsetxattr(2) and fremovexattr(2) ask for write access to the mount of
 * the file they change, and nothing else on their way: checked here, on
 * the very file the descriptor gave them (also one opened before the
 * policy), where a descriptor swapped by another thread cannot matter.
 * Other callers (ioctls, fchown, clone ranges) leave at the syscall test.
 */
int crs_hk_mnt_want_write_file(struct file *file)
{
	if (crs_xattr_syscall() != CRS_XATTR_BY_FD)
		return 0;
	return crs_file_check(&file->f_path, NULL, CRS_W);
}

/*
 * Issued without blocking (IO_URING_F_NONBLOCK), IORING_OP_SETXATTR and
 * FSETXATTR only return -EAGAIN, to run again in a worker of the ring's
 * owner (same cgroup, mm and fs_struct): that run is the one checked, so
 * that one event stands for one operation. SETXATTR leaves a mark for
 * the worker's stash (see crs_xattr_stash); failing to, it fails.
 */
int crs_hk_io_setxattr(struct io_kiocb *req, unsigned int issue_flags)
{
	struct crs_xattr_stash *s;
	struct vfsmount *old = NULL;
	int ret = 0;

	if ((issue_flags & IO_URING_F_NONBLOCK) ||
	    !(current->flags & PF_IO_WORKER) || !crs_file_covers_current())
		return 0;
	spin_lock(&crs_xattr_lock);
	s = crs_xattr_entry();
	if (s) {
		old = s->mnt;
		s->mnt = NULL;
		s->uring = true;
		s->taken = false;
	} else {
		ret = -ENOMEM;
	}
	spin_unlock(&crs_xattr_lock);
	if (old)
		mntput(old);
	return ret;
}

int crs_hk_io_fsetxattr(struct io_kiocb *req, unsigned int issue_flags)
{
	if ((issue_flags & IO_URING_F_NONBLOCK) || !req->file)
		return 0;
	return crs_file_check(&req->file->f_path, NULL, CRS_W);
}

#define CRS_FILE_HOOK(name)						\
	static struct crs_hook crs_hook_##name =			\
		CRS_HOOK_INIT("security_" #name, crs_tramp_##name)

CRS_FILE_HOOK(file_open);
CRS_FILE_HOOK(file_permission);
CRS_FILE_HOOK(file_truncate);
CRS_FILE_HOOK(path_truncate);
CRS_FILE_HOOK(path_mknod);
CRS_FILE_HOOK(path_mkdir);
CRS_FILE_HOOK(path_rmdir);
CRS_FILE_HOOK(path_unlink);
CRS_FILE_HOOK(path_symlink);
CRS_FILE_HOOK(path_link);
CRS_FILE_HOOK(path_rename);
CRS_FILE_HOOK(path_chmod);
CRS_FILE_HOOK(path_chown);
CRS_FILE_HOOK(mmap_file);
CRS_FILE_HOOK(file_mprotect);
CRS_FILE_HOOK(inode_setxattr);
CRS_FILE_HOOK(inode_removexattr);
CRS_FILE_HOOK(inode_set_acl);
CRS_FILE_HOOK(inode_remove_acl);

/* Not security_* functions: see "Extended attributes" above. */
#define CRS_XATTR_HOOK(name)						\
	static struct crs_hook crs_hook_##name =			\
		CRS_HOOK_INIT(#name, crs_tramp_##name)

CRS_XATTR_HOOK(mnt_want_write);
CRS_XATTR_HOOK(mnt_drop_write);
CRS_XATTR_HOOK(mnt_want_write_file);
CRS_XATTR_HOOK(io_setxattr);
CRS_XATTR_HOOK(io_fsetxattr);

static const struct {
	struct crs_hook *hook;
	/*
	 * security_file_truncate() exists from 6.2 on; before, ftruncate
	 * goes through security_path_truncate(). Resolving the name is the
	 * feature probe.
	 */
	bool optional;
} crs_file_hooks[] = {
	{ &crs_hook_file_open },
	{ &crs_hook_file_permission },
	{ &crs_hook_file_truncate, true },
	{ &crs_hook_path_truncate },
	{ &crs_hook_path_mknod },
	{ &crs_hook_path_mkdir },
	{ &crs_hook_path_rmdir },
	{ &crs_hook_path_unlink },
	{ &crs_hook_path_symlink },
	{ &crs_hook_path_link },
	{ &crs_hook_path_rename },
	{ &crs_hook_path_chmod },
	{ &crs_hook_path_chown },
	{ &crs_hook_mmap_file },
	{ &crs_hook_file_mprotect },
	/*
	 * What takes a stash (from 6.2 on, POSIX ACLs have their own
	 * permission points) and what ends it are in before what makes
	 * one, and out after it (crs_file_remove() goes backwards): while
	 * stashes are made, they are taken and dropped.
	 */
	{ &crs_hook_inode_setxattr },
	{ &crs_hook_inode_removexattr },
	{ &crs_hook_inode_set_acl, true },
	{ &crs_hook_inode_remove_acl, true },
	{ &crs_hook_mnt_drop_write },
	{ &crs_hook_io_setxattr },
	{ &crs_hook_mnt_want_write },
	{ &crs_hook_mnt_want_write_file },
	{ &crs_hook_io_fsetxattr },
};

/* Which hooks this kernel has, from the first get on. crs_lock. */
static bool crs_file_hooked[ARRAY_SIZE(crs_file_hooks)];
static bool crs_file_probed;
/* Attachments holding the hooks, and whether they are in; crs_lock. */
static u32 crs_file_users;
static bool crs_file_installed;
static bool crs_file_dead;		/* module exit began */

/*
 * Installing and removing a hook patches kernel text and waits for RCU
 * Tasks; the hooks stay a few seconds after the last attachment went, so
 * that detaching and attaching again (a container restarting) costs
 * nothing. A process in no attached cgroup leaves the handlers at the
 * static key meanwhile.
 */
#define CRS_FILE_LINGER	(5 * HZ)

static void crs_file_remove(void)
{
	int i;

	for (i = ARRAY_SIZE(crs_file_hooks) - 1; i >= 0; i--)
		if (crs_file_hooked[i])
			crs_hook_put(crs_file_hooks[i].hook);
	crs_file_installed = false;
	crs_xattr_drain();
}

static void crs_file_idle_fn(struct work_struct *work)
{
	mutex_lock(&crs_lock);
	if (!crs_file_users && crs_file_installed)
		crs_file_remove();
	mutex_unlock(&crs_lock);
}

static DECLARE_DELAYED_WORK(crs_file_idle_work, crs_file_idle_fn);

static int crs_file_install(struct netlink_ext_ack *extack)
{
	int i, err;

	if (!crs_scratch) {
		crs_scratch = alloc_percpu(struct crs_file_scratch);
		if (!crs_scratch)
			return -ENOMEM;
	}
	for (i = 0; i < ARRAY_SIZE(crs_file_hooks); i++) {
		if (crs_file_probed && !crs_file_hooked[i])
			continue;
		err = crs_hook_get(crs_file_hooks[i].hook);
		if (err == -ENOENT && crs_file_hooks[i].optional &&
		    !crs_file_probed)
			continue;
		if (err) {
			crs_nl_errf(extack, NULL, "cannot hook %s: error %d",
				    crs_file_hooks[i].hook->func, err);
			goto err_put;
		}
		crs_file_hooked[i] = true;
	}
	crs_file_probed = true;
	crs_file_installed = true;
	return 0;

err_put:
	while (i--)
		if (crs_file_hooked[i])
			crs_hook_put(crs_file_hooks[i].hook);
	return err;
}

int crs_file_get(struct netlink_ext_ack *extack)
{
	int err;

	lockdep_assert_held(&crs_lock);
	if (!crs_file_installed) {
		err = crs_file_install(extack);
		if (err)
			return err;
	}
	crs_file_users++;
	return 0;
}

void crs_file_put(void)
{
	lockdep_assert_held(&crs_lock);
	if (!WARN_ON_ONCE(!crs_file_users) && !--crs_file_users &&
	    !crs_file_dead)
		mod_delayed_work(system_wq, &crs_file_idle_work,
				 CRS_FILE_LINGER);
}

void crs_file_stop(void)
{
	mutex_lock(&crs_lock);
	crs_file_dead = true;
	mutex_unlock(&crs_lock);
	cancel_delayed_work_sync(&crs_file_idle_work);
}

/* After crs_hook_exit(): no handler runs any more. */
void crs_file_free(void)
{
	crs_xattr_drain();
	free_percpu(crs_scratch);
	crs_scratch = NULL;
}
