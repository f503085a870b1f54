/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The policy document (SPEC section 2): parsed and validated from JSON,
 * encoded to and decoded from netlink, and written back as canonical JSON.
 *
 * Canonical form: a fixed key order, every field present (defaults made
 * explicit), the header pretty-printed with a 2-space indent and one rule a
 * line. Exporting a policy, applying that and exporting again gives the same
 * bytes.
 */
#ifndef CRSCTL_DOC_H
#define CRSCTL_DOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>
#include <netlink/msg.h>

#include <linux/crs.h>

struct crs_arg {
	uint8_t kind;		/* enum crs_arg_kind */
	int64_t val;		/* CRS_ARG_INT */
	char *path;		/* CRS_ARG_PATH */
};

struct crs_rule {
	char *name;
	uint8_t type;		/* enum crs_rule_type */
	uint8_t action;		/* enum crs_action */
	bool enabled;
	char *program;		/* NULL: any program ("*") */
	char *path;		/* file rules */
	bool has_addr;		/* network rules; false: any address */
	uint8_t addr[16];	/* IPv4 is IPv4-mapped */
	uint8_t prefix;		/* in the 128-bit space */
	bool has_port;		/* false: any port */
	uint16_t port_min, port_max;
	int protocol;		/* IP protocol, -1: any */
	char *syscall;		/* syscall rules: the kernel resolves it */
	int nargs;
	struct crs_arg args[CRS_SYSCALL_ARGS];
};

struct crs_doc {
	char *name;
	char *description;
	uint8_t mode;		/* enum crs_mode */
	uint8_t def_network, def_file, def_app;	/* enum crs_action */
	uint8_t compat;		/* enum crs_compat */
	size_t n_rules;
	struct crs_rule *rules;
};

/* Names of the enums as the document spells them; NULL when out of range. */
const char *doc_mode_name(unsigned int mode);
const char *doc_action_name(unsigned int action);
const char *doc_type_name(unsigned int type);
const char *doc_compat_name(unsigned int compat);
const char *doc_events_name(unsigned int events);
/* Policy and rule names: 1 to CRS_NAME_MAX of A-Z a-z 0-9 . _ - */
bool doc_valid_name(const char *s);
/* The reverse; -1 when s is none of them. */
int doc_mode_parse(const char *s);
int doc_events_parse(const char *s);

/*
 * Parses and validates a document. Returns 0, or -1 with a message in err
 * that starts with the field it is about ("rules[3].port: ..."). The tree
 * is written out as text and read as doc_load() reads: one set of checks.
 */
int doc_from_json(const json_t *root, struct crs_doc *doc,
		  char *err, size_t errlen);
/*
 * Reads a document from f in one pass (json_reader.h), no tree built;
 * err also carries JSON syntax errors ("line 3, column 1: ...").
 */
int doc_load(FILE *f, struct crs_doc *doc, char *err, size_t errlen);
void doc_free(struct crs_doc *doc);
void doc_rule_free(struct crs_rule *r);

/* Writes the canonical document. Returns 0 or -1 on a write error. */
int doc_write(FILE *f, const struct crs_doc *doc);

/* A rule's ARGUMENT column of "policy show" (see doc.c); buf >= PATH_MAX. */
void doc_rule_argument(const struct crs_rule *r, char *buf, size_t len);
/* Address as the document writes it: "*", "10.0.0.0/8", "2001:db8::1". */
void doc_addr_str(const struct crs_rule *r, char *buf, size_t len);
/* A 16-byte address; IPv4-mapped ones print as IPv4 (SPEC section 5). */
void doc_ip_str(const uint8_t *addr, char *buf, size_t len);

/*
 * Calls warn(field, path, link, target) for each program, path and path
 * argument that passes through a symbolic link on this host.
 */
typedef void (*doc_link_cb)(const char *field, const char *path,
			    const char *link, const char *target);
void doc_check_links(const struct crs_doc *doc, doc_link_cb warn);

/*
 * Netlink: the policy's header fields (without RULES), one rule as a
 * CRS_A_RULE nest. Return 0, or -1 when msg has no room left.
 */
int doc_put_header(struct nl_msg *msg, const struct crs_doc *doc);
int doc_put_rule(struct nl_msg *msg, const struct crs_rule *r);
/*
 * Decodes the attributes of a CRS_A_POLICY nest into doc (rules excluded)
 * and of a CRS_A_RULE nest into r. Return 0 or -EPROTO.
 */
int doc_get_header(struct nlattr *policy, struct crs_doc *doc);
int doc_get_rule(struct nlattr *rule, struct crs_rule *r);

/*
 * Sends doc as CRS_CMD_POLICY_NEW messages made by new_msg (a genetlink
 * header, nothing else): one with CRS_XFER_BEGIN|END when it fits, else a
 * transfer of parts, each with at most 60 KiB of rules and under 64 KiB
 * in all. send takes the message and returns 0 or a negative errno.
 * Returns 0, send's error, or DOC_SEND_TOO_BIG when a rule fits in no
 * message (positive: no errno, which the kernel could also send).
 */
#define DOC_MSG_SIZE	(72 * 1024)
#define DOC_SEND_TOO_BIG	1
typedef int (*doc_send_cb)(struct nl_msg *msg, void *arg);
int doc_send(const struct crs_doc *doc, struct nl_msg *(*new_msg)(void),
	     doc_send_cb send, void *arg);

#endif
