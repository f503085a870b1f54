/* SPDX-License-Identifier: GPL-2.0 */
/* The trampolines of the net hooks (net.c). */
#include "tramp.inc"

/*
 * CRS_TRAMP_N name, handler, nregs: CRS_TRAMP (tramp.inc) for a hooked
 * function of nregs arguments, which saves and restores those registers
 * alone: the function reads nothing from the others, and some of these
 * hooks are hit by every packet. The kernel keeps its stack 8-byte
 * aligned, so any count will do.
 */
.macro CRS_TRAMP_N name, handler, nregs
SYM_FUNC_START(\name)
	pushq	%rbp
	movq	%rsp, %rbp
	CALL_DEPTH_ACCOUNT
	pushq	%rdi
.if \nregs > 1
	pushq	%rsi
.endif
.if \nregs > 2
	pushq	%rdx
.endif
.if \nregs > 3
	pushq	%rcx
.endif
.if \nregs > 4
	pushq	%r8
.endif
	call	\handler
	testl	%eax, %eax
	jnz	1f
.if \nregs > 4
	popq	%r8
.endif
.if \nregs > 3
	popq	%rcx
.endif
.if \nregs > 2
	popq	%rdx
.endif
.if \nregs > 1
	popq	%rsi
.endif
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

CRS_TRAMP_N crs_tramp_socket_connect, crs_hk_socket_connect, 3
CRS_TRAMP_N crs_tramp_socket_sendmsg, crs_hk_socket_sendmsg, 3
CRS_TRAMP_N crs_tramp_socket_setsockopt, crs_hk_socket_setsockopt, 3
CRS_TRAMP_N crs_tramp_inet_conn_request, crs_hk_inet_conn_request, 3
CRS_TRAMP_N crs_tramp_sock_rcv_skb, crs_hk_sock_rcv_skb, 2
CRS_TRAMP_N crs_tramp_socket_post_create, crs_hk_socket_post_create, 5
CRS_TRAMP_N crs_tramp_sk_free, crs_hk_sk_free, 1
