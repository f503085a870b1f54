/* SPDX-License-Identifier: GPL-2.0 */
/* The trampolines of the net hooks (net.c). */
#include "tramp.inc"

CRS_TRAMP crs_tramp_socket_connect, crs_hk_socket_connect
CRS_TRAMP crs_tramp_socket_sendmsg, crs_hk_socket_sendmsg
CRS_TRAMP crs_tramp_inet_conn_request, crs_hk_inet_conn_request
CRS_TRAMP crs_tramp_sock_rcv_skb, crs_hk_sock_rcv_skb
CRS_TRAMP crs_tramp_socket_post_create, crs_hk_socket_post_create
CRS_TRAMP crs_tramp_sk_free, crs_hk_sk_free
