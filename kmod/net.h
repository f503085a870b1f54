/* SPDX-License-Identifier: GPL-2.0 */
/*
 * net.c's hook handlers, called from net_tramp.S with the hooked
 * function's arguments: 0 lets it run, an -errno is what it returns
 * instead (see hook.h).
 */
#ifndef _CRS_NET_H
#define _CRS_NET_H

struct msghdr;
struct request_sock;
struct sk_buff;
struct sock;
struct sockaddr;
struct socket;

int crs_hk_socket_connect(struct socket *sock, struct sockaddr *addr,
			  int addrlen);
int crs_hk_socket_sendmsg(struct socket *sock, struct msghdr *msg, int size);
int crs_hk_socket_setsockopt(struct socket *sock, int level, int optname);
int crs_hk_inet_conn_request(const struct sock *sk, struct sk_buff *skb,
			     struct request_sock *req);
int crs_hk_sock_rcv_skb(struct sock *sk, struct sk_buff *skb);
int crs_hk_socket_post_create(struct socket *sock, int family, int type,
			      int protocol, int kern);
int crs_hk_sk_free(struct sock *sk);

void crs_tramp_socket_connect(void);
void crs_tramp_socket_sendmsg(void);
void crs_tramp_socket_setsockopt(void);
void crs_tramp_inet_conn_request(void);
void crs_tramp_sock_rcv_skb(void);
void crs_tramp_socket_post_create(void);
void crs_tramp_sk_free(void);

#endif /* _CRS_NET_H */
