/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR MIT) */
/*
 * crs: container runtime security - generic netlink interface.
 *
 * Family CRS_GENL_NAME, version CRS_GENL_VERSION, initial network namespace
 * only. Every command needs CAP_MAC_ADMIN in the initial user namespace and
 * a caller that no crs policy covers; joining the multicast group
 * CRS_MCGRP_EVENTS needs CAP_SYS_ADMIN in the initial user namespace.
 * Numbers are only ever appended.
 *
 * Strings are NUL-terminated (NLA_NUL_STRING). Times are u64 nanoseconds
 * since the Unix epoch (CLOCK_REALTIME). Addresses are 16 bytes in network
 * order; IPv4 is carried IPv4-mapped (::ffff:a.b.c.d) with the prefix length
 * counted in that 128-bit space (a.b.c.d/24 is ::ffff:a.b.c.d/120).
 *
 * Attribute tree:
 *
 * CRS_CMD_STATUS_GET (do)
 *   reply: CRS_A_VERSION, CRS_A_KERNEL, CRS_A_STATS { CRS_STATS_A_* }
 *
 * CRS_CMD_POLICY_NEW (do): create or replace a policy, atomically
 *   CRS_A_POLICY {
 *     NAME, DESCRIPTION, MODE, DEF_NETWORK, DEF_FILE, DEF_APP, COMPAT,
 *     XFER_FLAGS, N_RULES,
 *     RULES { RULE { CRS_RULE_A_* } ... }
 *   }
 *   A document too large for one message is sent as a transfer: the first
 *   message carries CRS_XFER_BEGIN and every policy field, the following
 *   ones NAME and further RULES, and the last CRS_XFER_END and N_RULES, the
 *   total, which must match what arrived. Nothing is visible until the END
 *   message is accepted; a transfer is bound to the sending socket and is
 *   discarded when that socket closes, when the same socket begins another
 *   transfer, or on any error in one of its messages. A single message
 *   carries BEGIN|END; XFER_FLAGS absent means BEGIN|END, 0 a middle part.
 *   N_RULES is required with END, also in a single message. RULES holds
 *   CRS_A_RULE nests, ARGS CRS_RULE_A_ARG nests, in document order.
 *   Since nla_len is 16 bits, one message's CRS_A_POLICY nest (and so its
 *   RULES) is below 64 KiB: larger documents must be transfers.
 *   Refusals name the rule by its index over the whole transfer, as
 *   "rules[3]: PATH required for file rules". Applying a document equal to
 *   the current version (fields and rules) changes nothing, MODIFIED and
 *   GENERATION included. The module parameters max_rules (per policy) and
 *   max_rule_bytes (all rules, transfers included) refuse with ENOSPC.
 *
 * CRS_CMD_POLICY_GET (do: NAME; dump: every policy)
 *   reply: CRS_A_POLICY { NAME, ID, DESCRIPTION, MODE, DEF_*, COMPAT,
 *                         N_RULES, N_ATTACH, CREATED, MODIFIED,
 *                         GENERATION }
 *
 * CRS_CMD_POLICY_DEL (do): CRS_A_POLICY { NAME }; refused while attached
 *   (EBUSY, the extack names the cgroups).
 * CRS_CMD_POLICY_SET (do): CRS_A_POLICY { NAME, [MODE], [NEW_NAME] }, one
 *   of them at least; NEW_NAME must not exist (EEXIST). ID and CREATED
 *   stay. An unknown NAME is ENOENT for every command.
 *
 * CRS_CMD_RULE_GET (dump): CRS_A_POLICY { NAME }
 *   one message per rule: CRS_A_POLICY { NAME, ID, GENERATION },
 *   CRS_A_RULE { CRS_RULE_A_* }, each rule with the attributes it was
 *   given. The dump sends one version whole; if the policy changes or is
 *   deleted meanwhile, NLM_F_DUMP_INTR is set on the next message sent
 *   (check every message, not only NLMSG_DONE).
 *
 * CRS_CMD_ATTACH_NEW (do): CRS_A_ATTACH { CGROUP_FD, POLICY, [MODE], [EVENTS] }
 * CRS_CMD_ATTACH_SET (do): CRS_A_ATTACH { CGROUP_FD, [MODE], [EVENTS] }
 * CRS_CMD_ATTACH_DEL (do): CRS_A_ATTACH { CGROUP_FD }
 *   CGROUP_FD is an open directory of the cgroup v2 hierarchy in the
 *   sender's file table (else EBADF); the root cgroup is refused, and so
 *   is a cgroup with an attachment (EEXIST). ATTACH_NEW's MODE defaults
 *   to CRS_MODE_POLICY, EVENTS to CRS_EVENTS_ALL; ATTACH_SET needs one of
 *   them. An attachment disappears with its cgroup (rmdir).
 * CRS_CMD_ATTACH_GET (dump): optional CRS_A_ATTACH { POLICY }
 *   reply: CRS_A_ATTACH { CGROUP_ID, CGROUP, POLICY, MODE, EVENTS }
 *   CGROUP is the path below the cgroup v2 root, starting with '/'.
 *
 * CRS_CMD_EVENT (multicast on CRS_MCGRP_EVENTS; dump: the recent ring)
 *   CRS_A_EVENT { SEQ, TIME, TYPE, ACTION, ENFORCED, POLICY, [RULE],
 *                 CGROUP_ID, CGROUP, PID, COMM, PROGRAM,
 *                 file: PATH; network: DIRECTION, ADDR, PORT, PROTOCOL;
 *                 syscall: SYSCALL, ARGS { CRS_RULE_A_ARG { KIND,
 *                                          [INT | PATH] } ... } }
 *   Many events travel in one datagram. SEQ increases by one for every
 *   event produced; a number that never arrives is an event dropped (rate
 *   limit, full buffer, no memory), counted in CRS_STATS_A_LOST_*. PID is
 *   the thread group id in the initial PID namespace. The dump holds the
 *   recent events, oldest first (at least the last 1,024 for events of
 *   under 4 KiB).
 * CRS_CMD_EVENT_SYNC (multicast): CRS_A_EVENT { SEQ, LOST }, the last
 *   sequence number produced and the count of drops so far, sent every
 *   250 ms while numbers advance and for two seconds after, so that a
 *   listener learns of dropped events even when no later event follows;
 *   quiet otherwise. Every event numbered up to SEQ that was not dropped
 *   was multicast before the sync.
 *   CRS_STATS_A_EVENT_SEQ in the status reply is the last number produced,
 *   for a listener to start counting from.
 */
#ifndef _UAPI_LINUX_CRS_H
#define _UAPI_LINUX_CRS_H

#define CRS_GENL_NAME		"crs"
#define CRS_GENL_VERSION	1
#define CRS_MCGRP_EVENTS	"events"

#define CRS_NAME_MAX		63	/* policy and rule names, without NUL */
#define CRS_DESC_MAX		255	/* description, bytes, without NUL */
#define CRS_SYSCALL_ARGS	3

enum crs_cmd {
	CRS_CMD_UNSPEC,
	CRS_CMD_STATUS_GET,
	CRS_CMD_POLICY_NEW,
	CRS_CMD_POLICY_GET,
	CRS_CMD_POLICY_DEL,
	CRS_CMD_POLICY_SET,
	CRS_CMD_RULE_GET,
	CRS_CMD_ATTACH_NEW,
	CRS_CMD_ATTACH_SET,
	CRS_CMD_ATTACH_DEL,
	CRS_CMD_ATTACH_GET,
	CRS_CMD_EVENT,
	CRS_CMD_EVENT_SYNC,

	__CRS_CMD_MAX,
	CRS_CMD_MAX = __CRS_CMD_MAX - 1
};

enum crs_attr {
	CRS_A_UNSPEC,
	CRS_A_PAD,
	CRS_A_VERSION,		/* string: module version */
	CRS_A_KERNEL,		/* string: release of the running kernel */
	CRS_A_STATS,		/* nest: CRS_STATS_A_* */
	CRS_A_POLICY,		/* nest: CRS_POLICY_A_* */
	CRS_A_RULE,		/* nest: CRS_RULE_A_* */
	CRS_A_ATTACH,		/* nest: CRS_ATTACH_A_* */
	CRS_A_EVENT,		/* nest: CRS_EVENT_A_* */

	__CRS_A_MAX,
	CRS_A_MAX = __CRS_A_MAX - 1
};

enum crs_stats_attr {
	CRS_STATS_A_UNSPEC,
	CRS_STATS_A_PAD,
	CRS_STATS_A_POLICIES,		/* u32 */
	CRS_STATS_A_RULES,		/* u32: rules over all policies */
	CRS_STATS_A_ATTACHMENTS,	/* u32 */
	CRS_STATS_A_EVENTS_SENT,	/* u64: events produced and delivered */
	CRS_STATS_A_EVENTS_LOST,	/* u64: events produced and dropped */
	CRS_STATS_A_LOST_RATE,		/* u64: of those, by the rate limit */
	CRS_STATS_A_LOST_BUFFER,	/* u64: of those, by a full buffer */
	CRS_STATS_A_LOST_NOMEM,		/* u64: of those, no memory to send */
	CRS_STATS_A_RULE_BYTES,		/* u64: memory held by rules */
	CRS_STATS_A_EVENT_SEQ,		/* u64: the last event seq produced */

	__CRS_STATS_A_MAX,
	CRS_STATS_A_MAX = __CRS_STATS_A_MAX - 1
};

enum crs_mode {
	CRS_MODE_ACTIVE,
	CRS_MODE_PERMISSIVE,
	CRS_MODE_INACTIVE,

	__CRS_MODE_MAX,
	CRS_MODE_MAX = __CRS_MODE_MAX - 1
};

/* An attachment's CRS_ATTACH_A_MODE may also be this: follow the policy. */
#define CRS_MODE_POLICY		255

enum crs_action {
	CRS_ACTION_ALLOW,
	CRS_ACTION_DENY,
	CRS_ACTION_MONITOR,

	__CRS_ACTION_MAX,
	CRS_ACTION_MAX = __CRS_ACTION_MAX - 1
};

enum crs_rule_type {
	CRS_RULE_NET_OUT,
	CRS_RULE_NET_IN,
	CRS_RULE_FILE_READ,
	CRS_RULE_FILE_WRITE,
	CRS_RULE_SYSCALL,

	__CRS_RULE_MAX,
	CRS_RULE_MAX = __CRS_RULE_MAX - 1
};

enum crs_compat {
	CRS_COMPAT_DENY,
	CRS_COMPAT_ALLOW,

	__CRS_COMPAT_MAX,
	CRS_COMPAT_MAX = __CRS_COMPAT_MAX - 1
};

enum crs_events_setting {
	CRS_EVENTS_ALL,		/* denies and monitors */
	CRS_EVENTS_DENY,	/* denies only */
	CRS_EVENTS_NONE,

	__CRS_EVENTS_MAX,
	CRS_EVENTS_MAX = __CRS_EVENTS_MAX - 1
};

/* CRS_POLICY_A_XFER_FLAGS */
#define CRS_XFER_BEGIN		(1U << 0)
#define CRS_XFER_END		(1U << 1)

enum crs_policy_attr {
	CRS_POLICY_A_UNSPEC,
	CRS_POLICY_A_PAD,
	CRS_POLICY_A_NAME,		/* string, 1..CRS_NAME_MAX */
	CRS_POLICY_A_NEW_NAME,		/* string, 1..CRS_NAME_MAX */
	CRS_POLICY_A_ID,		/* u64, stable across replace and rename */
	CRS_POLICY_A_DESCRIPTION,	/* string, 0..CRS_DESC_MAX */
	CRS_POLICY_A_MODE,		/* u8: enum crs_mode */
	CRS_POLICY_A_DEF_NETWORK,	/* u8: enum crs_action */
	CRS_POLICY_A_DEF_FILE,		/* u8: enum crs_action */
	CRS_POLICY_A_DEF_APP,		/* u8: enum crs_action */
	CRS_POLICY_A_COMPAT,		/* u8: enum crs_compat */
	CRS_POLICY_A_XFER_FLAGS,	/* u32: CRS_XFER_* */
	CRS_POLICY_A_N_RULES,		/* u32 */
	CRS_POLICY_A_RULES,		/* nest of CRS_A_RULE nests */
	CRS_POLICY_A_N_ATTACH,		/* u32 */
	CRS_POLICY_A_CREATED,		/* u64 */
	CRS_POLICY_A_MODIFIED,		/* u64 */
	CRS_POLICY_A_GENERATION,	/* u32: changes with every version */

	__CRS_POLICY_A_MAX,
	CRS_POLICY_A_MAX = __CRS_POLICY_A_MAX - 1
};

enum crs_arg_kind {
	CRS_ARG_ANY,
	CRS_ARG_INT,
	CRS_ARG_PATH,		/* exact path, or a directory ending in '/' */

	__CRS_ARG_MAX,
	CRS_ARG_MAX = __CRS_ARG_MAX - 1
};

enum crs_rule_attr {
	CRS_RULE_A_UNSPEC,
	CRS_RULE_A_PAD,
	CRS_RULE_A_NAME,	/* string, 1..CRS_NAME_MAX */
	CRS_RULE_A_TYPE,	/* u8: enum crs_rule_type */
	CRS_RULE_A_ACTION,	/* u8: enum crs_action */
	CRS_RULE_A_DISABLED,	/* flag: the rule is present but not enabled */
	CRS_RULE_A_PROGRAM,	/* string: absolute path, directory ending in
				 * '/', or absent for any program
				 */
	CRS_RULE_A_PATH,	/* string: file rules, as PROGRAM, required */
	CRS_RULE_A_ADDR,	/* binary[16]: network rules */
	CRS_RULE_A_PREFIX,	/* u8 0..128; ADDR and PREFIX absent: any */
	CRS_RULE_A_PORT_MIN,	/* u16; PORT_MIN/MAX absent: any port */
	CRS_RULE_A_PORT_MAX,	/* u16 */
	CRS_RULE_A_PROTOCOL,	/* u8 IP protocol; absent: any */
	CRS_RULE_A_SYSCALL,	/* string: system call name */
	CRS_RULE_A_SYSCALL_NR,	/* u32: its number on the 64-bit entry;
				 * optional, the kernel resolves SYSCALL
				 * (if given, it must agree)
				 */
	CRS_RULE_A_ARGS,	/* nest of CRS_RULE_A_ARG, at most 3 */
	CRS_RULE_A_ARG,		/* nest: CRS_ARG_A_* */

	__CRS_RULE_A_MAX,
	CRS_RULE_A_MAX = __CRS_RULE_A_MAX - 1
};

enum crs_arg_attr {
	CRS_ARG_A_UNSPEC,
	CRS_ARG_A_PAD,
	CRS_ARG_A_KIND,		/* u8: enum crs_arg_kind */
	CRS_ARG_A_INT,		/* u64 (s64 values as two's complement) */
	CRS_ARG_A_PATH,		/* string */

	__CRS_ARG_A_MAX,
	CRS_ARG_A_MAX = __CRS_ARG_A_MAX - 1
};

enum crs_attach_attr {
	CRS_ATTACH_A_UNSPEC,
	CRS_ATTACH_A_PAD,
	CRS_ATTACH_A_CGROUP_FD,	/* s32: a cgroup v2 directory */
	CRS_ATTACH_A_CGROUP_ID,	/* u64: kernfs id of the cgroup */
	CRS_ATTACH_A_CGROUP,	/* string: path below the cgroup v2 root */
	CRS_ATTACH_A_POLICY,	/* string: policy name */
	CRS_ATTACH_A_MODE,	/* u8: enum crs_mode or CRS_MODE_POLICY */
	CRS_ATTACH_A_EVENTS,	/* u8: enum crs_events_setting */

	__CRS_ATTACH_A_MAX,
	CRS_ATTACH_A_MAX = __CRS_ATTACH_A_MAX - 1
};

enum crs_direction {
	CRS_DIR_OUTBOUND,
	CRS_DIR_INBOUND,
};

enum crs_event_attr {
	CRS_EVENT_A_UNSPEC,
	CRS_EVENT_A_PAD,
	CRS_EVENT_A_SEQ,	/* u64 */
	CRS_EVENT_A_TIME,	/* u64 */
	CRS_EVENT_A_TYPE,	/* u8: enum crs_rule_type */
	CRS_EVENT_A_ACTION,	/* u8: enum crs_action */
	CRS_EVENT_A_ENFORCED,	/* u8: 0 or 1 */
	CRS_EVENT_A_POLICY,	/* string */
	CRS_EVENT_A_RULE,	/* string; absent: a default action decided */
	CRS_EVENT_A_CGROUP_ID,	/* u64 */
	CRS_EVENT_A_CGROUP,	/* string: path below the cgroup v2 root */
	CRS_EVENT_A_PID,	/* u32: in the initial PID namespace */
	CRS_EVENT_A_COMM,	/* string */
	CRS_EVENT_A_PROGRAM,	/* string */
	CRS_EVENT_A_PATH,	/* string: file events */
	CRS_EVENT_A_DIRECTION,	/* u8: enum crs_direction */
	CRS_EVENT_A_ADDR,	/* binary[16] */
	CRS_EVENT_A_PORT,	/* u16 */
	CRS_EVENT_A_PROTOCOL,	/* u8 */
	CRS_EVENT_A_SYSCALL,	/* string */
	CRS_EVENT_A_ARGS,	/* nest of CRS_RULE_A_ARG nests (CRS_ARG_A_*) */
	CRS_EVENT_A_LOST,	/* u64: CRS_CMD_EVENT_SYNC, events dropped */

	__CRS_EVENT_A_MAX,
	CRS_EVENT_A_MAX = __CRS_EVENT_A_MAX - 1
};

#endif /* _UAPI_LINUX_CRS_H */
