/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ftrace direct-call trampolines (see hook.h). The hooked function's
 * fentry call lands here with its arguments still in registers.
 */
#include <linux/linkage.h>
#include <asm/nospec-branch.h>
#include <asm/unwind_hints.h>

#ifndef CRS_HAVE_CALL_DEPTH_ACCOUNT
.macro CALL_DEPTH_ACCOUNT
.endm
#endif

/*
 * CRS_TRAMP name, handler: calls handler with the hooked function's first
 * six arguments. A zero return resumes the function with its arguments
 * restored; a non-zero one (an -errno) returns to the function's caller
 * without running the function, as BPF's fmod_ret does.
 */
.macro CRS_TRAMP name, handler
SYM_FUNC_START(\name)
	pushq	%rbp
	movq	%rsp, %rbp
	CALL_DEPTH_ACCOUNT
	pushq	%rdi
	pushq	%rsi
	pushq	%rdx
	pushq	%rcx
	pushq	%r8
	pushq	%r9
	call	\handler
	testl	%eax, %eax
	jnz	1f
	popq	%r9
	popq	%r8
	popq	%rcx
	popq	%rdx
	popq	%rsi
	popq	%rdi
	leave
	RET
1:
	movslq	%eax, %rax
	leave
	/* Drop the return into the hooked function: go to its caller. */
	addq	$8, %rsp
	UNWIND_HINT_FUNC
	RET
SYM_FUNC_END(\name)
.endm

CRS_TRAMP crs_tramp_file_open, crs_hk_file_open
CRS_TRAMP crs_tramp_file_permission, crs_hk_file_permission
CRS_TRAMP crs_tramp_file_truncate, crs_hk_file_truncate
CRS_TRAMP crs_tramp_path_truncate, crs_hk_path_truncate
CRS_TRAMP crs_tramp_path_mknod, crs_hk_path_mknod
CRS_TRAMP crs_tramp_path_mkdir, crs_hk_path_mkdir
CRS_TRAMP crs_tramp_path_rmdir, crs_hk_path_rmdir
CRS_TRAMP crs_tramp_path_unlink, crs_hk_path_unlink
CRS_TRAMP crs_tramp_path_symlink, crs_hk_path_symlink
CRS_TRAMP crs_tramp_path_link, crs_hk_path_link
CRS_TRAMP crs_tramp_path_rename, crs_hk_path_rename
CRS_TRAMP crs_tramp_path_chmod, crs_hk_path_chmod
CRS_TRAMP crs_tramp_path_chown, crs_hk_path_chown
CRS_TRAMP crs_tramp_mmap_file, crs_hk_mmap_file
CRS_TRAMP crs_tramp_file_mprotect, crs_hk_file_mprotect
