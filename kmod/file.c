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
 * take no sleeping lock, allocate nothing, but for the lookups of names
 * below. The policy is read under RCU; the paths are built in a per-CPU
 * buffer with preemption disabled. Where a path cannot be built (longer
 * than PATH_MAX), the operation is not checked: the kernel itself refuses
 * such names.
 *
 * Extended attributes are the exception to "where paths are resolved":
 * the kernel's xattr permission points (security_inode_setxattr() and
 * security_inode_removexattr()) get a dentry without its mount, so no
 * path as the process sees it. A change through a descriptor (fsetxattr,
 * fremovexattr, IORING_OP_FSETXATTR) is checked on the descriptor's file,
 * which is the file changed. A change by name (setxattr, lsetxattr,
 * removexattr, lremovexattr, IORING_OP_SETXATTR) is checked on the path
 * that this module looks the name up to at the entry of the kernel's own
 * lookup: a rename or a symlink swapped between the two lookups makes the
 * kernel change another file than the one checked. Those handlers sleep
 * (the lookup reads the name from user memory and the disk); see
 * crs_file_srcu for what keeps the module's text alive meanwhile.
 */

#include <linux/cgroup.h>
#include <linux/dcache.h>
#include <linux/file.h>
#include <linux/fs_struct.h>
#include <linux/fs.h>
#include <linux/io_uring.h>
#include <linux/io_uring_types.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/percpu.h>
#include <linux/sched/mm.h>
#include <linux/srcu.h>
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
	struct mm_struct *mm = current->mm;
	struct file *exe;
	char *p;

	if (!mm || (current->flags & PF_KTHREAD))
		return -ENOENT;
	exe = crs_mm_exe_file(mm);
	if (!exe)
		return -ENOENT;
	p = d_path(&exe->f_path, buf, PATH_MAX);
	fput(exe);
	if (IS_ERR(p))
		return PTR_ERR(p);
	crs_key_init(k, p, buf + PATH_MAX - 1 - p);
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
	static const char deleted[] = " (deleted)";
	const size_t dlen = sizeof(deleted) - 1;
	size_t len;
	char *p;

	p = d_path(path, buf, PATH_MAX);
	if (IS_ERR(p))
		return PTR_ERR(p);
	len = buf + PATH_MAX - 1 - p;
	/* A file unlinked while open is still the file it was. */
	if (d_unlinked(path->dentry) && len > dlen &&
	    !memcmp(p + len - dlen, deleted, dlen))
		len -= dlen;
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

/*
 * The handlers that look a name up sleep inside the trampoline, where
 * crs_hook_exit()'s RCU Tasks wait does not see them (a sleep is a
 * voluntary context switch). They run in this SRCU read side instead;
 * crs_file_free() waits for it, then for RCU Tasks again for the few
 * instructions between srcu_read_unlock() and the return to the kernel.
 */
DEFINE_STATIC_SRCU(crs_file_srcu);
/* A sleeping handler was installed; crs_lock. */
static bool crs_file_slept;

static bool crs_file_covers_current(void)
{
	bool covered;

	rcu_read_lock();
	covered = crs_attach_lookup(task_dfl_cgroup(current));
	rcu_read_unlock();
	return covered;
}

/*
 * A write to the file that upath (user memory) or kpath names, looked up
 * as the kernel is about to (lookup_flags: LOOKUP_FOLLOW or not). Where
 * the lookup fails the kernel's own fails too, or finds a file that did
 * not exist a moment ago: the race described at the top of this file.
 */
static int crs_file_check_name(const char __user *upath, const char *kpath,
			       unsigned int lookup_flags)
{
	struct path path;
	int idx, ret;

	/* Lookups only for covered processes: the others are never checked. */
	if (likely(!crs_file_covers_current()))
		return 0;
	idx = srcu_read_lock(&crs_file_srcu);
	if (upath)
		ret = user_path_at(AT_FDCWD, upath, lookup_flags, &path);
	else
		ret = kern_path(kpath, lookup_flags, &path);
	if (!ret) {
		ret = crs_file_check(&path, NULL, CRS_W);
		path_put(&path);
	} else {
		ret = 0;
	}
	srcu_read_unlock(&crs_file_srcu, idx);
	return ret;
}

/*
 * setxattr(2), lsetxattr(2) and their 32-bit entries, with the name still
 * in user memory; lookup_flags says whether the last symlink is followed.
 */
int crs_hk_path_setxattr(const char __user *pathname, const char __user *name,
			 const void __user *value, size_t size, int flags,
			 unsigned int lookup_flags)
{
	return crs_file_check_name(pathname, NULL, lookup_flags & LOOKUP_FOLLOW);
}

/* removexattr(2), lremovexattr(2) and their 32-bit entries. */
int crs_hk_path_removexattr(const char __user *pathname,
			    const char __user *name, unsigned int lookup_flags)
{
	return crs_file_check_name(pathname, NULL, lookup_flags & LOOKUP_FOLLOW);
}

/*
 * Whether current is in fsetxattr(2) or fremovexattr(2), on any entry:
 * the system call being served is in the registers saved at its entry.
 * Kernel threads and io_uring's workers serve none.
 */
static bool crs_in_fxattr_syscall(void)
{
	struct pt_regs *regs;
	long nr;

	if (current->flags & (PF_KTHREAD | PF_IO_WORKER))
		return false;
	regs = task_pt_regs(current);
	nr = syscall_get_nr(current, regs);
#ifdef CONFIG_IA32_EMULATION
	if (in_ia32_syscall())
		return nr == __NR_ia32_fsetxattr || nr == __NR_ia32_fremovexattr;
#endif
	/* x32 calls the 64-bit functions: same numbers, with a flag. */
	nr &= ~__X32_SYSCALL_BIT;
	return nr == __NR_fsetxattr || nr == __NR_fremovexattr;
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
	if (!crs_in_fxattr_syscall())
		return 0;
	return crs_file_check(&file->f_path, NULL, CRS_W);
}

/*
 * io_uring/xattr.c's command of IORING_OP_SETXATTR and FSETXATTR: private
 * to that file, the same from 5.19 to 6.12 (xattr_ctx as fs/internal.h
 * has it). Only the name is read.
 */
struct crs_io_xattr {
	struct file *file;
	struct {
		const void __user *cvalue;
		void *kvalue;
		size_t size;
		void *kname;
		unsigned int flags;
	} ctx;
	struct filename *filename;
};

/*
 * Issued without blocking (IO_URING_F_NONBLOCK), both only return -EAGAIN,
 * to run again in a worker of the ring's owner (same cgroup, mm and
 * fs_struct): that run is the one checked, so that one event stands for
 * one operation.
 */
int crs_hk_io_setxattr(struct io_kiocb *req, unsigned int issue_flags)
{
	const struct crs_io_xattr *ix =
		io_kiocb_to_cmd(req, struct crs_io_xattr);

	if (issue_flags & IO_URING_F_NONBLOCK)
		return 0;
	return crs_file_check_name(NULL, ix->filename->name, LOOKUP_FOLLOW);
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

/* Not security_* functions: see "Extended attributes" above. */
#define CRS_XATTR_HOOK(name)						\
	static struct crs_hook crs_hook_##name =			\
		CRS_HOOK_INIT(#name, crs_tramp_##name)

CRS_XATTR_HOOK(path_setxattr);
CRS_XATTR_HOOK(path_removexattr);
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
	bool sleeps;		/* its handler may sleep: crs_file_srcu */
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
	{ &crs_hook_path_setxattr, .sleeps = true },
	{ &crs_hook_path_removexattr, .sleeps = true },
	{ &crs_hook_mnt_want_write_file },
	{ &crs_hook_io_setxattr, .sleeps = true },
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

	for (i = 0; i < ARRAY_SIZE(crs_file_hooks); i++)
		if (crs_file_hooked[i])
			crs_hook_put(crs_file_hooks[i].hook);
	crs_file_installed = false;
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
		crs_file_slept |= crs_file_hooks[i].sleeps;
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

void crs_file_free(void)
{
	if (crs_file_slept) {
		synchronize_srcu(&crs_file_srcu);
		synchronize_rcu_tasks();
	}
	free_percpu(crs_scratch);
	crs_scratch = NULL;
}
