/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hooks on kernel functions through ftrace direct calls, with fmod_ret
 * semantics: the trampoline (tramp.inc) calls a C handler with the
 * hooked function's first six arguments; a zero return runs the function,
 * an -errno returns that to the function's caller without running it.
 *
 * A hook is installed while it has users (crs_hook_get/crs_hook_put, which
 * may sleep) and removed when the last one goes. Handlers run in the
 * context of the hooked function: they must not sleep, and what they read
 * of crs state is reached under RCU.
 */
#ifndef _CRS_HOOK_H
#define _CRS_HOOK_H

#include <linux/ftrace.h>
#include <linux/types.h>

/*
 * One ftrace_ops: the function func, or every function matching one of
 * the NULL-terminated globs (then func only names the hook in messages).
 * Several hooks may share a trampoline.
 */
struct crs_hook {
	const char *func;	/* the hooked function */
	const char *const *globs;
	void (*tramp)(void);	/* its trampoline, from a *_tramp.S */
	struct ftrace_ops ops;
	unsigned long ip;	/* resolved at the first get; crs_hook_lock */
	unsigned int users;	/* crs_hook_lock */
	struct list_head node;	/* while installed; crs_hook_lock */
};

#define CRS_HOOK_INIT(_func, _tramp) { .func = _func, .tramp = _tramp }

int crs_hook_get(struct crs_hook *h);
void crs_hook_put(struct crs_hook *h);
/* A kmalloc'd hook, once it is out (put, or after crs_hook_exit()). */
void crs_hook_free(struct crs_hook *h);
/*
 * A handler that may sleep brackets what sleeps with these, so that
 * crs_hook_exit() can wait for it: RCU Tasks alone would not.
 */
void crs_hook_sleep_begin(void);
void crs_hook_sleep_end(void);
/*
 * Removes every hook whatever its users, then waits until no task runs in
 * a trampoline or a handler: after it, module text may go away. Later gets
 * and puts do nothing.
 */
void crs_hook_exit(void);

/*
 * file.c's handlers, called from file_tramp.S with the hooked function's
 * arguments: 0 lets it run, an -errno is what it returns instead.
 */
struct dentry;
struct file;
struct io_kiocb;
struct path;
struct vfsmount;
struct vm_area_struct;

int crs_hk_file_open(struct file *file);
int crs_hk_file_permission(struct file *file, int mask);
int crs_hk_file_truncate(struct file *file);
int crs_hk_path_truncate(const struct path *path);
int crs_hk_path_mknod(const struct path *dir, struct dentry *dentry,
		      umode_t mode, unsigned int dev);
int crs_hk_path_mkdir(const struct path *dir, struct dentry *dentry,
		      umode_t mode);
int crs_hk_path_rmdir(const struct path *dir, struct dentry *dentry);
int crs_hk_path_unlink(const struct path *dir, struct dentry *dentry);
int crs_hk_path_symlink(const struct path *dir, struct dentry *dentry,
			const char *old_name);
int crs_hk_path_link(struct dentry *old_dentry, const struct path *new_dir,
		     struct dentry *new_dentry);
int crs_hk_path_rename(const struct path *old_dir, struct dentry *old_dentry,
		       const struct path *new_dir, struct dentry *new_dentry,
		       unsigned int flags);
int crs_hk_path_chmod(const struct path *path, umode_t mode);
int crs_hk_path_chown(const struct path *path, kuid_t uid, kgid_t gid);
int crs_hk_mmap_file(struct file *file, unsigned long prot,
		     unsigned long flags);
int crs_hk_file_mprotect(struct vm_area_struct *vma, unsigned long reqprot,
			 unsigned long prot);
/*
 * security_inode_setxattr(), _removexattr(), _set_acl() and _remove_acl()
 * share one handler: idmap is a struct mnt_idmap (6.3 on) or a struct
 * user_namespace (before).
 */
int crs_hk_inode_xattr(const void *idmap, struct dentry *dentry);
/*
 * Not security_* functions (file.c says why): mnt_want_write(),
 * mnt_drop_write() (whose handler must return 0: it returns nothing),
 * mnt_want_write_file(), and io_uring's io_setxattr() and io_fsetxattr().
 */
int crs_hk_mnt_want_write(struct vfsmount *mnt);
int crs_hk_mnt_drop_write(struct vfsmount *mnt);
int crs_hk_mnt_want_write_file(struct file *file);
int crs_hk_io_setxattr(struct io_kiocb *req, unsigned int issue_flags);
int crs_hk_io_fsetxattr(struct io_kiocb *req, unsigned int issue_flags);

/* The trampolines, one a hooked function. */
void crs_tramp_file_open(void);
void crs_tramp_file_permission(void);
void crs_tramp_file_truncate(void);
void crs_tramp_path_truncate(void);
void crs_tramp_path_mknod(void);
void crs_tramp_path_mkdir(void);
void crs_tramp_path_rmdir(void);
void crs_tramp_path_unlink(void);
void crs_tramp_path_symlink(void);
void crs_tramp_path_link(void);
void crs_tramp_path_rename(void);
void crs_tramp_path_chmod(void);
void crs_tramp_path_chown(void);
void crs_tramp_mmap_file(void);
void crs_tramp_file_mprotect(void);
void crs_tramp_inode_setxattr(void);
void crs_tramp_inode_removexattr(void);
void crs_tramp_inode_set_acl(void);
void crs_tramp_inode_remove_acl(void);
void crs_tramp_mnt_want_write(void);
void crs_tramp_mnt_drop_write(void);
void crs_tramp_mnt_want_write_file(void);
void crs_tramp_io_setxattr(void);
void crs_tramp_io_fsetxattr(void);

/*
 * sys.c's handlers. Every system call function hooked, of any entry,
 * shares crs_tramp_sys: the argument is the call's registers, which
 * say the number and, with the thread's state, the entry.
 */
struct pt_regs;
struct linux_binprm;

int crs_hk_sys(const struct pt_regs *regs);
int crs_hk_bprm_creds_for_exec(struct linux_binprm *bprm);
void crs_tramp_sys(void);
void crs_tramp_bprm_creds_for_exec(void);

#endif /* _CRS_HOOK_H */
