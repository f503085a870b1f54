// SPDX-License-Identifier: GPL-2.0
/*
 * The policy document: validation with messages that name the field, the
 * netlink encoding of include/uapi/linux/crs.h, and the canonical JSON.
 *
 * crsctl validates everything it can so that a user reads "rules[3].port"
 * rather than an attribute number; the kernel validates again and trusts
 * nothing from here.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <netlink/attr.h>

#include "doc.h"
#include "json_reader.h"

static const char *const mode_names[] = {
	[CRS_MODE_ACTIVE] = "active",
	[CRS_MODE_PERMISSIVE] = "permissive",
	[CRS_MODE_INACTIVE] = "inactive",
};

static const char *const action_names[] = {
	[CRS_ACTION_ALLOW] = "allow",
	[CRS_ACTION_DENY] = "deny",
	[CRS_ACTION_MONITOR] = "monitor",
};

static const char *const type_names[] = {
	[CRS_RULE_NET_OUT] = "network-outbound",
	[CRS_RULE_NET_IN] = "network-inbound",
	[CRS_RULE_FILE_READ] = "file-read",
	[CRS_RULE_FILE_WRITE] = "file-write",
	[CRS_RULE_SYSCALL] = "syscall",
};

static const char *const compat_names[] = {
	[CRS_COMPAT_DENY] = "deny",
	[CRS_COMPAT_ALLOW] = "allow",
};

static const char *const events_names[] = {
	[CRS_EVENTS_ALL] = "all",
	[CRS_EVENTS_DENY] = "deny",
	[CRS_EVENTS_NONE] = "none",
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *name_of(const char *const *names, size_t n, unsigned int v)
{
	return v < n ? names[v] : NULL;
}

static int lookup(const char *const *names, size_t n, const char *s)
{
	size_t i;

	/* Not strcmp(): a call for a few bytes, several times a rule. */
	for (i = 0; i < n; i++) {
		const char *a = names[i], *b = s;

		if (*a != *b)
			continue;
		while (*a && *a == *b)
			a++, b++;
		if (*a == *b)
			return (int)i;
	}
	return -1;
}

const char *doc_mode_name(unsigned int v)
{
	return name_of(mode_names, ARRAY_SIZE(mode_names), v);
}

const char *doc_action_name(unsigned int v)
{
	return name_of(action_names, ARRAY_SIZE(action_names), v);
}

const char *doc_type_name(unsigned int v)
{
	return name_of(type_names, ARRAY_SIZE(type_names), v);
}

const char *doc_compat_name(unsigned int v)
{
	return name_of(compat_names, ARRAY_SIZE(compat_names), v);
}

const char *doc_events_name(unsigned int v)
{
	return name_of(events_names, ARRAY_SIZE(events_names), v);
}

int doc_mode_parse(const char *s)
{
	return lookup(mode_names, ARRAY_SIZE(mode_names), s);
}

int doc_events_parse(const char *s)
{
	return lookup(events_names, ARRAY_SIZE(events_names), s);
}

static bool is_net(unsigned int type)
{
	return type == CRS_RULE_NET_OUT || type == CRS_RULE_NET_IN;
}

static bool is_file(unsigned int type)
{
	return type == CRS_RULE_FILE_READ || type == CRS_RULE_FILE_WRITE;
}

/*
 * Validation state. Documents are read in one pass (json_reader.h), but
 * the messages are those of checking the fields in a fixed order: unknown
 * top-level fields, then name, description, mode, defaults,
 * compat_syscalls, rules, whatever order the text has them in. So each
 * error has a rank, the order its check comes in, and the one of the
 * lowest rank is kept (the first found among equals). A syntax error
 * anywhere wins over all of them, as when the whole text was parsed
 * before anything was checked.
 */
enum rank {
	R_UNKNOWN, R_NAME, R_DESC, R_MODE, R_DEFAULTS, R_COMPAT, R_RULES,
	R_NONE,
};

struct ctx {
	struct jr *jr;
	char *err;
	size_t errlen;
	long rule;		/* the rule looked at, -1 for the top level */
	enum rank rank;		/* of the error in err, R_NONE: none yet */
	enum rank cur;		/* of the check being made */
};

static int __attribute__((format(printf, 3, 4)))
bad(struct ctx *c, const char *key, const char *fmt, ...)
{
	size_t n;
	va_list ap;

	if (c->cur >= c->rank || jr_error(c->jr))
		return -1;
	c->rank = c->cur;
	/* Formatted only now: "rules[12345]" costs time for every rule. */
	if (c->rule >= 0 && key)
		n = (size_t)snprintf(c->err, c->errlen, "rules[%ld].%s: ", c->rule, key);
	else if (c->rule >= 0)
		n = (size_t)snprintf(c->err, c->errlen, "rules[%ld]: ", c->rule);
	else
		n = (size_t)snprintf(c->err, c->errlen, "%s: ", key);
	if (n >= c->errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(c->err + n, c->errlen - n, fmt, ap);
	va_end(ap);
	return -1;
}

static char *xstrdup(const char *s)
{
	char *d = strdup(s);

	if (!d) {
		fprintf(stderr, "crsctl: out of memory\n");
		exit(1);
	}
	return d;
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p) {
		fprintf(stderr, "crsctl: out of memory\n");
		exit(1);
	}
	return p;
}

/* The characters of a name; a table, as names are checked for every rule. */
static const bool name_char[256] = {
	['A' ... 'Z'] = true, ['a' ... 'z'] = true, ['0' ... '9'] = true,
	['.'] = true, ['_'] = true, ['-'] = true,
};

bool doc_valid_name(const char *s)
{
	size_t n;

	for (n = 0; s[n]; n++)
		if (!name_char[(unsigned char)s[n]])
			return false;
	return n >= 1 && n <= CRS_NAME_MAX;
}

static bool is_str(const struct jr_val *v)
{
	return v->kind == JR_STRING;
}

/* A copy of a string whose length is known. */
static char *xmemdup(const char *s, size_t len)
{
	char *d = malloc(len + 1);

	if (!d) {
		fprintf(stderr, "crsctl: out of memory\n");
		exit(1);
	}
	memcpy(d, s, len + 1);
	return d;
}

static int get_name(struct ctx *c, const char *key, const struct jr_val *v,
		    char **out)
{
	if (!is_str(v))
		return bad(c, key, "must be a string");
	if (!doc_valid_name(v->s))
		return bad(c, key, "\"%s\" is not a name: 1 to %d of A-Z a-z 0-9 . _ -",
			   v->s, CRS_NAME_MAX);
	*out = xmemdup(v->s, v->len);
	return 0;
}

static int get_enum(struct ctx *c, const char *key, const struct jr_val *v,
		    const char *const *names, size_t n, uint8_t *out)
{
	char alt[128];
	size_t i, len = 0;
	int r;

	if (is_str(v)) {
		r = lookup(names, n, v->s);
		if (r >= 0) {
			*out = (uint8_t)r;
			return 0;
		}
	}
	alt[0] = '\0';
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(alt + len, sizeof(alt) - len, "%s\"%s\"",
					i ? (i + 1 == n ? " or " : ", ") : "",
					names[i]);
	if (is_str(v))
		return bad(c, key, "\"%s\" is not %s", v->s, alt);
	return bad(c, key, "must be %s", alt);
}

/*
 * An absolute path, or a directory ending in '/'. Paths are compared as
 * strings in the kernel, so only the one spelling of each is accepted:
 * no empty, "." or ".." components.
 */
static int get_path(struct ctx *c, const char *key, const char *s, char **out)
{
	const char *p, *comp = s + 1;
	bool normal = true;
	size_t n, l;

	if (s[0] != '/')
		return bad(c, key, "\"%s\" is not an absolute path", s);
	/* One pass: each component is looked at where it ends. */
	for (p = s + 1; ; p++) {
		if (*p && *p != '/')
			continue;
		l = (size_t)(p - comp);
		if ((l == 0 && *p == '/') || (l == 1 && comp[0] == '.') ||
		    (l == 2 && comp[0] == '.' && comp[1] == '.'))
			normal = false;
		if (!*p)
			break;
		comp = p + 1;
	}
	n = (size_t)(p - s);
	if (n > PATH_MAX - 1)
		return bad(c, key, "longer than %d bytes", PATH_MAX - 1);
	if (!normal)
		return bad(c, key, "\"%s\" is not a normalised path (\"//\", \".\" or \"..\")",
			   s);
	*out = xmemdup(s, n);
	return 0;
}

/* "*" is NULL, any program. */
static int get_program(struct ctx *c, const char *key, const struct jr_val *v,
		       char **out)
{
	if (!is_str(v))
		return bad(c, key, "must be \"*\" or an absolute path");
	if (!strcmp(v->s, "*")) {
		*out = NULL;
		return 0;
	}
	return get_path(c, key, v->s, out);
}

static bool parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	char *end;

	if (s[0] < '0' || s[0] > '9')
		return false;
	errno = 0;
	*out = strtoul(s, &end, 10);
	return !errno && !*end && *out <= max;
}

static bool is_mapped(const uint8_t *a)
{
	static const uint8_t pfx[12] = { [10] = 0xff, [11] = 0xff };

	return !memcmp(a, pfx, sizeof(pfx));
}

static int get_address(struct ctx *c, const struct jr_val *v, struct crs_rule *r)
{
	char buf[INET6_ADDRSTRLEN + 8], *slash;
	const char *s;
	unsigned long plen;
	struct in_addr a4;
	unsigned int i;
	bool v4;

	if (!is_str(v))
		return bad(c, "address", "must be a string: an address, a CIDR prefix or \"*\"");
	s = v->s;
	if (!strcmp(s, "*")) {
		r->has_addr = false;
		return 0;
	}
	if (strlen(s) >= sizeof(buf))
		return bad(c, "address", "\"%s\" is not an IPv4 or IPv6 address", s);
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (slash)
		*slash++ = '\0';
	memset(r->addr, 0, sizeof(r->addr));
	if (inet_pton(AF_INET, buf, &a4) == 1) {
		v4 = true;
		r->addr[10] = r->addr[11] = 0xff;
		memcpy(r->addr + 12, &a4, 4);
	} else if (inet_pton(AF_INET6, buf, r->addr) == 1) {
		/* An IPv4-mapped address is the IPv4 address (SPEC 4). */
		v4 = false;
	} else {
		return bad(c, "address", "\"%s\" is not an IPv4 or IPv6 address", s);
	}
	if (!slash) {
		plen = v4 ? 32 : 128;
	} else if (!parse_uint(slash, v4 ? 32 : 128, &plen)) {
		return bad(c, "address", "\"%s\": the prefix length must be 0 to %d",
			   s, v4 ? 32 : 128);
	}
	r->prefix = (uint8_t)(v4 ? plen + 96 : plen);
	for (i = r->prefix; i < 128; i++)
		if (r->addr[i / 8] & (0x80 >> (i % 8)))
			return bad(c, "address", "\"%s\" has bits set after the prefix length",
				   s);
	r->has_addr = true;
	return 0;
}

static int get_port(struct ctx *c, const struct jr_val *v, struct crs_rule *r)
{
	unsigned long lo, hi;
	const char *s, *dash;
	char buf[16];

	if (v->kind == JR_INT) {
		if (v->i < 0 || v->i > 65535)
			return bad(c, "port", "%" PRId64 " is out of range (0 to 65535)",
				   v->i);
		r->has_port = true;
		r->port_min = r->port_max = (uint16_t)v->i;
		return 0;
	}
	if (!is_str(v))
		return bad(c, "port", "must be a number, a range \"LOW-HIGH\" or \"*\"");
	s = v->s;
	if (!strcmp(s, "*")) {
		r->has_port = false;
		return 0;
	}
	dash = strchr(s, '-');
	if (!dash || (size_t)(dash - s) >= sizeof(buf))
		return bad(c, "port", "\"%s\": a port is a JSON number, a range \"LOW-HIGH\" or \"*\"",
			   s);
	memcpy(buf, s, (size_t)(dash - s));
	buf[dash - s] = '\0';
	if (!parse_uint(buf, ULONG_MAX, &lo) || !parse_uint(dash + 1, ULONG_MAX, &hi))
		return bad(c, "port", "\"%s\" is not a range \"LOW-HIGH\"", s);
	if (lo > 65535 || hi > 65535)
		return bad(c, "port", "\"%s\" is out of range (0 to 65535)", s);
	if (lo > hi)
		return bad(c, "port", "\"%s\": the low end is above the high end", s);
	r->has_port = true;
	r->port_min = (uint16_t)lo;
	r->port_max = (uint16_t)hi;
	return 0;
}

static int get_protocol(struct ctx *c, const struct jr_val *v, struct crs_rule *r)
{
	const char *s = is_str(v) ? v->s : NULL;

	if (s && !strcmp(s, "tcp"))
		r->protocol = IPPROTO_TCP;
	else if (s && !strcmp(s, "udp"))
		r->protocol = IPPROTO_UDP;
	else if (s && !strcmp(s, "*"))
		r->protocol = -1;
	else if (s)
		return bad(c, "protocol", "\"%s\" is not \"tcp\", \"udp\" or \"*\"", s);
	else
		return bad(c, "protocol", "must be \"tcp\", \"udp\" or \"*\"");
	return 0;
}

/*
 * A name of the running kernel's (SPEC 2): the module resolves it, and
 * refuses what it does not know, naming the field. Here only what could
 * never be a name is refused.
 */
static int get_syscall(struct ctx *c, const struct jr_val *v, struct crs_rule *r)
{
	const char *s;
	size_t len;

	if (!is_str(v))
		return bad(c, "syscall", "must be a system call name");
	s = v->s;
	len = strlen(s);
	if (!len || len > 63 || strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_") != len)
		return bad(c, "syscall", "\"%s\" is not a system call name", s);
	r->syscall = xstrdup(s);
	return 0;
}

/* The fields of a rule, as rule_slots holds them. */
enum {
	F_NAME, F_TYPE, F_ACTION, F_ENABLED, F_PROGRAM, F_ADDRESS, F_PORT,
	F_PROTOCOL, F_PATH, F_SYSCALL, F_ARGS, N_FIELDS,
};

/* Which rule fields each type takes; the common ones take every type. */
enum { T_ALL = 0x1f, T_NET = 0x3, T_FILE = 0xc, T_SYS = 0x10 };

static const struct {
	const char *key;
	unsigned int types;	/* 1 << enum crs_rule_type */
} rule_fields[N_FIELDS] = {
	[F_NAME] = { "name", T_ALL }, [F_TYPE] = { "type", T_ALL },
	[F_ACTION] = { "action", T_ALL }, [F_ENABLED] = { "enabled", T_ALL },
	[F_PROGRAM] = { "program", T_ALL },
	[F_ADDRESS] = { "address", T_NET }, [F_PORT] = { "port", T_NET },
	[F_PROTOCOL] = { "protocol", T_NET },
	[F_PATH] = { "path", T_FILE },
	[F_SYSCALL] = { "syscall", T_SYS }, [F_ARGS] = { "args", T_SYS },
};

/* A switch rather than a loop of strcmp(): this runs for every key. */
static int rule_field(const struct jr_val *key)
{
	const char *s = key->s;

#define IS(k)	(!memcmp(s, k, sizeof(k) - 1))
	switch (key->len) {
	case 4:
		return IS("name") ? F_NAME : IS("type") ? F_TYPE :
		       IS("path") ? F_PATH : IS("port") ? F_PORT :
		       IS("args") ? F_ARGS : -1;
	case 6:
		return IS("action") ? F_ACTION : -1;
	case 7:
		return IS("program") ? F_PROGRAM : IS("enabled") ? F_ENABLED :
		       IS("address") ? F_ADDRESS : IS("syscall") ? F_SYSCALL : -1;
	case 8:
		return IS("protocol") ? F_PROTOCOL : -1;
	}
#undef IS
	return -1;
}

/*
 * A rule object as read, before it is checked: the type decides which
 * fields belong and may come last, and the checks go in a fixed order.
 */
struct rule_slots {
	unsigned int seen;		/* 1 << F_* */
	unsigned int order[N_FIELDS];	/* where each key came */
	struct jr_val v[N_FIELDS];
	const char *unknown;		/* the first unknown key */
	unsigned int unknown_order;
	size_t nargs;			/* args: how many values */
	struct jr_val args[CRS_SYSCALL_ARGS];	/* the first ones */
};

/* The values of "args", when an array: all read, the first ones kept. */
static void read_args(struct jr *jr, struct rule_slots *s)
{
	struct jr_val *v = &s->v[F_ARGS], skip;
	bool first = true;

	if (!jr_array_begin(jr)) {
		jr_value(jr, v);
		return;
	}
	v->kind = JR_ARRAY;
	while (jr_array_next(jr, &first) > 0) {
		if (!jr_value(jr, s->nargs < CRS_SYSCALL_ARGS ?
			      &s->args[s->nargs] : &skip))
			return;
		s->nargs++;
	}
}

static int get_args(struct ctx *c, const struct rule_slots *s, struct crs_rule *r)
{
	/* Not snprintf() for each argument: it was a tenth of the time. */
	static const char *const keys[] = { "args[0]", "args[1]", "args[2]" };
	size_t i;

	_Static_assert(ARRAY_SIZE(keys) == CRS_SYSCALL_ARGS, "a key for each argument");

	if (s->v[F_ARGS].kind != JR_ARRAY)
		return bad(c, "args", "must be an array of at most %d values",
			   CRS_SYSCALL_ARGS);
	if (s->nargs > CRS_SYSCALL_ARGS)
		return bad(c, "args", "has %zu values; at most %d are allowed",
			   s->nargs, CRS_SYSCALL_ARGS);
	for (i = 0; i < s->nargs; i++) {
		const struct jr_val *a = &s->args[i];
		struct crs_arg *arg = &r->args[i];
		const char *key = keys[i];

		r->nargs = (int)i + 1;
		if (a->kind == JR_INT) {
			arg->kind = CRS_ARG_INT;
			arg->val = a->i;
		} else if (is_str(a) && !strcmp(a->s, "*")) {
			arg->kind = CRS_ARG_ANY;
		} else if (is_str(a)) {
			arg->kind = CRS_ARG_PATH;
			if (get_path(c, key, a->s, &arg->path))
				return -1;
		} else {
			return bad(c, key, "must be an absolute path, an integer or \"*\"");
		}
	}
	return 0;
}

/* The fields a rule of this type takes, as 1 << F_*: rule_fields[] by type. */
#define COMMON	(1U << F_NAME | 1U << F_TYPE | 1U << F_ACTION | \
		 1U << F_ENABLED | 1U << F_PROGRAM)
static const unsigned int type_fields[] = {
	[CRS_RULE_NET_OUT] = COMMON | 1U << F_ADDRESS | 1U << F_PORT | 1U << F_PROTOCOL,
	[CRS_RULE_NET_IN] = COMMON | 1U << F_ADDRESS | 1U << F_PORT | 1U << F_PROTOCOL,
	[CRS_RULE_FILE_READ] = COMMON | 1U << F_PATH,
	[CRS_RULE_FILE_WRITE] = COMMON | 1U << F_PATH,
	[CRS_RULE_SYSCALL] = COMMON | 1U << F_SYSCALL | 1U << F_ARGS,
};
#undef COMMON

static int check_rule(struct ctx *c, const struct rule_slots *s,
		      struct crs_rule *r)
{
	const struct jr_val *v = s->v;
	unsigned int first = UINT_MAX;
	const char *key = NULL;
	int i;

	/* The type first: it decides which other fields belong. */
	if (!(s->seen & 1U << F_TYPE))
		return bad(c, "type", "missing");
	if (get_enum(c, "type", &v[F_TYPE], type_names, ARRAY_SIZE(type_names),
		     &r->type))
		return -1;

	/* The first key, in the text's order, that is not one of this type's. */
	if (s->unknown) {
		first = s->unknown_order;
		key = s->unknown;
	}
	/* Most rules have neither: no need to look for the first. */
	for (i = 0; (key || (s->seen & ~type_fields[r->type])) && i < N_FIELDS; i++) {
		if ((s->seen & 1U << i) && !(rule_fields[i].types & 1U << r->type) &&
		    s->order[i] < first) {
			first = s->order[i];
			key = rule_fields[i].key;
		}
	}
	if (key && key == s->unknown)
		return bad(c, key, "unknown field");
	if (key)
		return bad(c, key, "not a field of a %s rule", type_names[r->type]);

	if (!(s->seen & 1U << F_NAME))
		return bad(c, "name", "missing");
	if (get_name(c, "name", &v[F_NAME], &r->name))
		return -1;
	if (!(s->seen & 1U << F_ACTION))
		return bad(c, "action", "missing");
	if (get_enum(c, "action", &v[F_ACTION], action_names,
		     ARRAY_SIZE(action_names), &r->action))
		return -1;
	if (s->seen & 1U << F_ENABLED) {
		if (v[F_ENABLED].kind != JR_TRUE && v[F_ENABLED].kind != JR_FALSE)
			return bad(c, "enabled", "must be true or false");
		r->enabled = v[F_ENABLED].kind == JR_TRUE;
	}
	if ((s->seen & 1U << F_PROGRAM) &&
	    get_program(c, "program", &v[F_PROGRAM], &r->program))
		return -1;

	if (is_net(r->type)) {
		if ((s->seen & 1U << F_ADDRESS) && get_address(c, &v[F_ADDRESS], r))
			return -1;
		if ((s->seen & 1U << F_PORT) && get_port(c, &v[F_PORT], r))
			return -1;
		if ((s->seen & 1U << F_PROTOCOL) && get_protocol(c, &v[F_PROTOCOL], r))
			return -1;
	} else if (is_file(r->type)) {
		if (!(s->seen & 1U << F_PATH))
			return bad(c, "path", "missing");
		if (!is_str(&v[F_PATH]))
			return bad(c, "path", "must be an absolute path");
		if (get_path(c, "path", v[F_PATH].s, &r->path))
			return -1;
	} else {
		if (!(s->seen & 1U << F_SYSCALL))
			return bad(c, "syscall", "missing");
		if (get_syscall(c, &v[F_SYSCALL], r))
			return -1;
		if ((s->seen & 1U << F_ARGS) && get_args(c, s, r))
			return -1;
	}
	return 0;
}

/* Reads one element of "rules" into r and checks it. */
static int read_rule(struct ctx *c, struct crs_rule *r)
{
	struct jr *jr = c->jr;
	struct jr_keys unknown = { 0 };
	struct rule_slots s;
	struct jr_val key, skip;
	unsigned int n = 0;
	bool first = true;
	int f;

	r->enabled = true;
	r->protocol = -1;
	if (!jr_object_begin(jr)) {
		if (jr_value(jr, &skip))
			bad(c, NULL, "must be an object");
		return -1;
	}
	s.seen = 0;
	s.unknown = NULL;
	s.nargs = 0;
	while (jr_object_next(jr, &first, &key) > 0) {
		f = rule_field(&key);
		if (f < 0) {
			if (!jr_keys_add(jr, &unknown, &key))
				break;
			if (!s.unknown) {
				s.unknown = key.s;
				s.unknown_order = n;
			}
			jr_value(jr, &skip);
		} else if (s.seen & 1U << f) {
			jr_dup_key(jr, &key);
		} else {
			s.seen |= 1U << f;
			s.order[f] = n;
			if (f == F_ARGS)
				read_args(jr, &s);
			else
				jr_value(jr, &s.v[f]);
		}
		n++;
	}
	jr_keys_free(&unknown);
	if (jr_error(jr))
		return -1;
	return check_rule(c, &s, r);
}

/* FNV-1a; the set of rule names is an open-addressed table of indices. */
static uint32_t hash_str(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s)
		h = (h ^ (uint8_t)*s++) * 16777619u;
	return h;
}

/* Returns the index of an earlier rule with the same name, or -1. */
static long name_seen(size_t *table, size_t mask, struct crs_rule *rules,
		      size_t idx)
{
	size_t i = hash_str(rules[idx].name) & mask;

	while (table[i]) {
		size_t other = table[i] - 1;

		if (!strcmp(rules[other].name, rules[idx].name))
			return (long)other;
		i = (i + 1) & mask;
	}
	table[i] = idx + 1;
	return -1;
}

/*
 * Finds the first rule, of the n that passed their checks, whose name an
 * earlier one has: the rule that failed its checks comes after it.
 */
static void check_names(struct ctx *c, struct crs_doc *doc, size_t n)
{
	size_t i, mask, *table;
	long other;

	for (mask = 1; mask < 2 * n; mask <<= 1)
		;
	table = calloc(mask, sizeof(*table));
	if (!table) {
		fprintf(stderr, "crsctl: out of memory\n");
		exit(1);
	}
	mask--;
	for (i = 0; i < n; i++) {
		other = name_seen(table, mask, doc->rules, i);
		if (other >= 0) {
			if (c->rank == R_RULES)
				c->rank = R_NONE;
			c->rule = (long)i;
			bad(c, "name", "\"%s\" is also the name of rules[%ld]",
			    doc->rules[i].name, other);
			c->rule = -1;
			break;
		}
	}
	free(table);
}

static void read_rules(struct ctx *c, struct crs_doc *doc)
{
	struct jr *jr = c->jr;
	size_t cap = 0, n_ok = 0;
	struct jr_val skip;
	bool first = true;

	c->cur = R_RULES;
	if (!jr_array_begin(jr)) {
		if (jr_value(jr, &skip))
			bad(c, "rules", "must be an array");
		return;
	}
	while (jr_array_next(jr, &first) > 0) {
		struct crs_rule *r;

		/* After an error only the syntax is checked. */
		if (c->rank <= R_RULES) {
			if (!jr_value(jr, &skip))
				return;
			continue;
		}
		if (doc->n_rules == UINT32_MAX) {
			if (c->rank == R_RULES)
				c->rank = R_NONE;
			bad(c, "rules", "too many rules");
			continue;
		}
		if (doc->n_rules == cap) {
			cap = cap ? 2 * cap : 64;
			doc->rules = xrealloc(doc->rules, cap * sizeof(*doc->rules));
		}
		r = &doc->rules[doc->n_rules];
		memset(r, 0, sizeof(*r));
		/* Counted before it is checked: doc_free() frees what it got. */
		c->rule = (long)doc->n_rules++;
		if (!read_rule(c, r))
			n_ok++;
		c->rule = -1;
		c->cur = R_RULES;
	}
	if (!jr_error(jr) && c->rank >= R_RULES)
		check_names(c, doc, n_ok);
}

static const char *const top_fields[] = {
	"name", "description", "mode", "defaults", "compat_syscalls", "rules",
};

static const char *const default_fields[] = {
	"network", "file", "application",
};

static void read_defaults(struct ctx *c, struct crs_doc *doc)
{
	uint8_t *dst[] = { &doc->def_network, &doc->def_file, &doc->def_app };
	struct jr *jr = c->jr;
	struct jr_keys unknown = { 0 };
	struct jr_val k, v;
	unsigned int seen = 0;
	bool first = true;
	char key[32];
	int i;

	c->cur = R_DEFAULTS;
	if (!jr_object_begin(jr)) {
		if (jr_value(jr, &v))
			bad(c, "defaults", "must be an object");
		return;
	}
	while (jr_object_next(jr, &first, &k) > 0) {
		i = lookup(default_fields, ARRAY_SIZE(default_fields), k.s);
		snprintf(key, sizeof(key), "defaults.%.20s", k.s);
		if (i < 0) {
			if (!jr_keys_add(jr, &unknown, &k))
				break;
			bad(c, key, "unknown field");
		} else if (seen & 1U << i) {
			jr_dup_key(jr, &k);
			break;
		}
		if (!jr_value(jr, &v))
			break;
		if (i >= 0) {
			seen |= 1U << i;
			get_enum(c, key, &v, action_names, ARRAY_SIZE(action_names),
				 dst[i]);
		}
	}
	jr_keys_free(&unknown);
}

/* Reads and checks the document in jr; 0 or -1 with the message in err. */
static int read_doc(struct jr *jr, struct crs_doc *doc, char *err, size_t errlen)
{
	enum { T_NAME, T_DESC, T_MODE, T_DEFAULTS, T_COMPAT, T_RULES };
	struct ctx c = {
		.jr = jr, .err = err, .errlen = errlen, .rule = -1,
		.rank = R_NONE,
	};
	struct jr_val top[ARRAY_SIZE(top_fields)], k, skip;
	struct jr_keys unknown = { 0 };
	unsigned int seen = 0;
	bool first = true;
	int i;

	memset(doc, 0, sizeof(*doc));
	if (!jr_root(jr))
		return -1;
	if (!jr_object_begin(jr)) {
		if (jr_value(jr, &skip) && jr_end(jr))
			snprintf(err, errlen, "the document must be a JSON object");
		return -1;
	}
	while (jr_object_next(jr, &first, &k) > 0) {
		i = lookup(top_fields, ARRAY_SIZE(top_fields), k.s);
		if (i < 0) {
			if (!jr_keys_add(jr, &unknown, &k))
				break;
			c.cur = R_UNKNOWN;
			bad(&c, k.s, "unknown field");
			jr_value(jr, &skip);
			continue;
		}
		if (seen & 1U << i) {
			jr_dup_key(jr, &k);
			break;
		}
		seen |= 1U << i;
		if (i == T_DEFAULTS)
			read_defaults(&c, doc);
		else if (i == T_RULES)
			read_rules(&c, doc);
		else
			jr_value(jr, &top[i]);
	}
	jr_keys_free(&unknown);
	if (!jr_end(jr))
		goto err;

	/* The fields of the top level, in the order their checks come in. */
	c.cur = R_NAME;
	if (!(seen & 1U << T_NAME))
		bad(&c, "name", "missing");
	else
		get_name(&c, "name", &top[T_NAME], &doc->name);
	c.cur = R_DESC;
	if (!(seen & 1U << T_DESC))
		doc->description = xstrdup("");
	else if (!is_str(&top[T_DESC]))
		bad(&c, "description", "must be a string");
	else if (top[T_DESC].len > CRS_DESC_MAX)
		bad(&c, "description", "longer than %d bytes", CRS_DESC_MAX);
	else
		doc->description = xstrdup(top[T_DESC].s);
	c.cur = R_MODE;
	if (!(seen & 1U << T_MODE))
		bad(&c, "mode", "missing");
	else
		get_enum(&c, "mode", &top[T_MODE], mode_names,
			 ARRAY_SIZE(mode_names), &doc->mode);
	c.cur = R_COMPAT;
	if (seen & 1U << T_COMPAT)
		get_enum(&c, "compat_syscalls", &top[T_COMPAT], compat_names,
			 ARRAY_SIZE(compat_names), &doc->compat);
	if (c.rank == R_NONE)
		return 0;
err:
	doc_free(doc);
	return -1;
}

/* Reads a document from buf, len bytes and one to spare. */
static int doc_read(char *buf, size_t len, struct crs_doc *doc, char *err,
		    size_t errlen)
{
	struct jr jr;
	int ret;

	jr_init(&jr, buf, len, err, errlen);
	ret = read_doc(&jr, doc, err, errlen);
	jr_release(&jr);
	return ret;
}

/*
 * For callers holding a tree: its text goes through the same reader, so
 * there is one set of checks and messages.
 */
int doc_from_json(const json_t *root, struct crs_doc *doc,
		  char *err, size_t errlen)
{
	char *text;
	int ret;

	memset(doc, 0, sizeof(*doc));
	if (!json_is_object(root)) {
		snprintf(err, errlen, "the document must be a JSON object");
		return -1;
	}
	/* Keys come out in the order they went in. */
	text = json_dumps(root, JSON_COMPACT);
	if (!text) {
		fprintf(stderr, "crsctl: out of memory\n");
		exit(1);
	}
	ret = doc_read(text, strlen(text), doc, err, errlen);
	free(text);
	return ret;
}

int doc_load(FILE *f, struct crs_doc *doc, char *err, size_t errlen)
{
	char *buf = NULL;
	size_t len = 0, cap = 0, n;
	int ret;

	memset(doc, 0, sizeof(*doc));
	/* All of it first: the reader wants the text in one piece. */
	do {
		if (len + 1 >= cap) {	/* and a byte for the reader's '\0' */
			cap = cap ? 2 * cap : 1 << 16;
			buf = xrealloc(buf, cap);
		}
		n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
	} while (n);
	if (ferror(f)) {
		snprintf(err, errlen, "%s", strerror(errno));
		free(buf);
		return -1;
	}
	ret = doc_read(buf, len, doc, err, errlen);
	free(buf);
	return ret;
}

void doc_rule_free(struct crs_rule *r)
{
	int i;

	free(r->name);
	free(r->program);
	free(r->path);
	free(r->syscall);
	for (i = 0; i < r->nargs; i++)
		free(r->args[i].path);
	memset(r, 0, sizeof(*r));
}

void doc_free(struct crs_doc *doc)
{
	size_t i;

	for (i = 0; i < doc->n_rules; i++)
		doc_rule_free(&doc->rules[i]);
	free(doc->rules);
	free(doc->name);
	free(doc->description);
	memset(doc, 0, sizeof(*doc));
}

void doc_ip_str(const uint8_t *addr, char *buf, size_t len)
{
	if (is_mapped(addr))
		inet_ntop(AF_INET, addr + 12, buf, (socklen_t)len);
	else
		inet_ntop(AF_INET6, addr, buf, (socklen_t)len);
}

void doc_addr_str(const struct crs_rule *r, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];
	/* A mapped address under a prefix shorter than 96 is not IPv4. */
	bool v4 = r->has_addr && is_mapped(r->addr) && r->prefix >= 96;
	unsigned int prefix = v4 ? r->prefix - 96u : r->prefix;

	if (!r->has_addr) {
		snprintf(buf, len, "*");
		return;
	}
	if (v4)
		doc_ip_str(r->addr, a, sizeof(a));
	else
		inet_ntop(AF_INET6, r->addr, a, sizeof(a));
	if (prefix == (v4 ? 32u : 128u))
		snprintf(buf, len, "%s", a);
	else
		snprintf(buf, len, "%s/%u", a, prefix);
}

static void port_str(const struct crs_rule *r, char *buf, size_t len)
{
	if (!r->has_port)
		snprintf(buf, len, "*");
	else if (r->port_min == r->port_max)
		snprintf(buf, len, "%u", r->port_min);
	else
		snprintf(buf, len, "%u-%u", r->port_min, r->port_max);
}

static const char *protocol_str(const struct crs_rule *r, char *buf, size_t len)
{
	if (r->protocol < 0)
		return "*";
	if (r->protocol == IPPROTO_TCP)
		return "tcp";
	if (r->protocol == IPPROTO_UDP)
		return "udp";
	snprintf(buf, len, "%d", r->protocol);
	return buf;
}

/*
 * The ARGUMENT column of "policy show":
 *   file rules     the path
 *   network rules  ADDRESS:PORT/PROTOCOL, IPv6 in brackets, "*" for any:
 *                  "169.254.169.254:80/tcp", "[2001:db8::/32]:443/udp", "*:* any"
 *   syscall rules  the arguments, comma-separated ("*" without any)
 */
void doc_rule_argument(const struct crs_rule *r, char *buf, size_t len)
{
	char addr[INET6_ADDRSTRLEN + 8], port[16], proto[12];
	size_t n = 0;
	int i;

	if (is_file(r->type)) {
		snprintf(buf, len, "%s", r->path ? r->path : "-");
	} else if (is_net(r->type)) {
		doc_addr_str(r, addr, sizeof(addr));
		port_str(r, port, sizeof(port));
		snprintf(buf, len, strchr(addr, ':') ? "[%s]:%s/%s" : "%s:%s/%s",
			 addr, port, protocol_str(r, proto, sizeof(proto)));
	} else {
		snprintf(buf, len, "*");
		for (i = 0; i < r->nargs && n < len; i++) {
			const struct crs_arg *a = &r->args[i];
			const char *sep = i ? "," : "";

			if (a->kind == CRS_ARG_INT)
				n += (size_t)snprintf(buf + n, len - n, "%s%" PRId64,
						      sep, a->val);
			else if (a->kind == CRS_ARG_PATH)
				n += (size_t)snprintf(buf + n, len - n, "%s%s",
						      sep, a->path);
			else
				n += (size_t)snprintf(buf + n, len - n, "%s*", sep);
		}
	}
}

static json_t *rule_json(const struct crs_rule *r)
{
	char addr[INET6_ADDRSTRLEN + 8], port[16], proto[12];
	json_t *o = json_object(), *args;
	int i;

	json_object_set_new(o, "name", json_string(r->name));
	json_object_set_new(o, "type", json_string(doc_type_name(r->type)));
	json_object_set_new(o, "program", json_string(r->program ? r->program : "*"));
	if (is_file(r->type)) {
		json_object_set_new(o, "path", json_string(r->path));
	} else if (is_net(r->type)) {
		doc_addr_str(r, addr, sizeof(addr));
		json_object_set_new(o, "address", json_string(addr));
		if (r->has_port && r->port_min == r->port_max) {
			json_object_set_new(o, "port", json_integer(r->port_min));
		} else {
			port_str(r, port, sizeof(port));
			json_object_set_new(o, "port", json_string(port));
		}
		if (r->protocol < 0 || r->protocol == IPPROTO_TCP ||
		    r->protocol == IPPROTO_UDP)
			json_object_set_new(o, "protocol",
					    json_string(protocol_str(r, proto, sizeof(proto))));
		else
			json_object_set_new(o, "protocol", json_integer(r->protocol));
	} else {
		json_object_set_new(o, "syscall", json_string(r->syscall));
		args = json_array();
		for (i = 0; i < r->nargs; i++) {
			const struct crs_arg *a = &r->args[i];

			if (a->kind == CRS_ARG_INT)
				json_array_append_new(args, json_integer(a->val));
			else if (a->kind == CRS_ARG_PATH)
				json_array_append_new(args, json_string(a->path));
			else
				json_array_append_new(args, json_string("*"));
		}
		json_object_set_new(o, "args", args);
	}
	json_object_set_new(o, "action", json_string(doc_action_name(r->action)));
	json_object_set_new(o, "enabled", json_boolean(r->enabled));
	return o;
}

/* Writes a JSON string value, escaped as jansson does. */
static int put_json(FILE *f, json_t *v)
{
	int ret;

	if (!v)
		return -1;
	ret = json_dumpf(v, f, JSON_ENCODE_ANY | JSON_PRESERVE_ORDER);
	json_decref(v);
	return ret;
}

int doc_write(FILE *f, const struct crs_doc *doc)
{
	size_t i;

	fputs("{\n  \"name\": ", f);
	put_json(f, json_string(doc->name));
	fputs(",\n  \"description\": ", f);
	put_json(f, json_string(doc->description ? doc->description : ""));
	fprintf(f, ",\n  \"mode\": \"%s\",\n", doc_mode_name(doc->mode));
	fprintf(f, "  \"defaults\": {\"network\": \"%s\", \"file\": \"%s\", \"application\": \"%s\"},\n",
		doc_action_name(doc->def_network), doc_action_name(doc->def_file),
		doc_action_name(doc->def_app));
	fprintf(f, "  \"compat_syscalls\": \"%s\",\n", doc_compat_name(doc->compat));
	fputs("  \"rules\": [", f);
	for (i = 0; i < doc->n_rules; i++) {
		fputs(i ? ",\n    " : "\n    ", f);
		put_json(f, rule_json(&doc->rules[i]));
	}
	fputs(doc->n_rules ? "\n  ]\n}\n" : "]\n}\n", f);
	return ferror(f) ? -1 : 0;
}

/*
 * Whether the first n bytes of buf name a symbolic link (1; then says
 * where it points), something else (0), or nothing at all (-1).
 */
static int is_link(char *buf, size_t n, char *link, char *target, size_t len)
{
	char save = buf[n];
	struct stat st;
	int ret = 0;
	ssize_t r;

	buf[n] = '\0';
	if (lstat(buf, &st)) {
		ret = -1;
	} else if (S_ISLNK(st.st_mode)) {
		r = readlink(buf, target, len - 1);
		target[r < 0 ? 0 : r] = '\0';
		snprintf(link, len, "%s", buf);
		ret = 1;
	}
	buf[n] = save;
	return ret;
}

/*
 * Finds the first component of path that is a symbolic link on this host.
 * The answer for the last directory looked at is kept: the rules of a
 * large policy tend to share their directories.
 */
static bool find_link(const char *path, char *link, char *target, size_t len)
{
	static char last_dir[PATH_MAX], last_link[PATH_MAX], last_target[PATH_MAX];
	static int last;	/* is_link() of the directory's first link */
	static bool last_valid;
	size_t plen = strlen(path), dlen, i;
	char buf[PATH_MAX];

	if (plen >= sizeof(buf) || path[0] != '/')
		return false;
	memcpy(buf, path, plen + 1);
	dlen = (size_t)(strrchr(buf, '/') - buf);
	if (!last_valid || strlen(last_dir) != dlen || strncmp(last_dir, buf, dlen)) {
		memcpy(last_dir, buf, dlen);
		last_dir[dlen] = '\0';
		last_valid = true;
		last = 0;
		for (i = 1; i <= dlen && !last; i++)
			if (i == dlen || buf[i] == '/')
				last = is_link(buf, i, last_link, last_target,
					       sizeof(last_link));
	}
	if (last > 0) {
		snprintf(link, len, "%s", last_link);
		snprintf(target, len, "%s", last_target);
		return true;
	}
	/* Where the directory does not exist, neither does the file. */
	return last == 0 && dlen + 1 < plen &&
	       is_link(buf, plen, link, target, len) > 0;
}

void doc_check_links(const struct crs_doc *doc, doc_link_cb warn)
{
	char field[64], link[PATH_MAX], target[PATH_MAX];
	size_t i;
	int a;

	for (i = 0; i < doc->n_rules; i++) {
		const struct crs_rule *r = &doc->rules[i];

		if (r->program && find_link(r->program, link, target, sizeof(link))) {
			snprintf(field, sizeof(field), "rules[%zu].program", i);
			warn(field, r->program, link, target);
		}
		if (r->path && find_link(r->path, link, target, sizeof(link))) {
			snprintf(field, sizeof(field), "rules[%zu].path", i);
			warn(field, r->path, link, target);
		}
		for (a = 0; a < r->nargs; a++) {
			if (r->args[a].kind != CRS_ARG_PATH ||
			    !find_link(r->args[a].path, link, target, sizeof(link)))
				continue;
			snprintf(field, sizeof(field), "rules[%zu].args[%d]", i, a);
			warn(field, r->args[a].path, link, target);
		}
	}
}

int doc_put_header(struct nl_msg *msg, const struct crs_doc *doc)
{
	if (nla_put_string(msg, CRS_POLICY_A_NAME, doc->name) ||
	    nla_put_string(msg, CRS_POLICY_A_DESCRIPTION,
			   doc->description ? doc->description : "") ||
	    nla_put_u8(msg, CRS_POLICY_A_MODE, doc->mode) ||
	    nla_put_u8(msg, CRS_POLICY_A_DEF_NETWORK, doc->def_network) ||
	    nla_put_u8(msg, CRS_POLICY_A_DEF_FILE, doc->def_file) ||
	    nla_put_u8(msg, CRS_POLICY_A_DEF_APP, doc->def_app) ||
	    nla_put_u8(msg, CRS_POLICY_A_COMPAT, doc->compat))
		return -1;
	return 0;
}

int doc_put_rule(struct nl_msg *msg, const struct crs_rule *r)
{
	struct nlattr *rule, *args, *arg;
	int i;

	rule = nla_nest_start(msg, CRS_A_RULE);
	if (!rule)
		return -1;
	if (nla_put_string(msg, CRS_RULE_A_NAME, r->name) ||
	    nla_put_u8(msg, CRS_RULE_A_TYPE, r->type) ||
	    nla_put_u8(msg, CRS_RULE_A_ACTION, r->action) ||
	    (!r->enabled && nla_put_flag(msg, CRS_RULE_A_DISABLED)) ||
	    (r->program && nla_put_string(msg, CRS_RULE_A_PROGRAM, r->program)) ||
	    (r->path && nla_put_string(msg, CRS_RULE_A_PATH, r->path)))
		goto cancel;
	if (r->has_addr &&
	    (nla_put(msg, CRS_RULE_A_ADDR, sizeof(r->addr), r->addr) ||
	     nla_put_u8(msg, CRS_RULE_A_PREFIX, r->prefix)))
		goto cancel;
	if (r->has_port &&
	    (nla_put_u16(msg, CRS_RULE_A_PORT_MIN, r->port_min) ||
	     nla_put_u16(msg, CRS_RULE_A_PORT_MAX, r->port_max)))
		goto cancel;
	if (r->protocol >= 0 &&
	    nla_put_u8(msg, CRS_RULE_A_PROTOCOL, (uint8_t)r->protocol))
		goto cancel;
	if (r->syscall && nla_put_string(msg, CRS_RULE_A_SYSCALL, r->syscall))
		goto cancel;
	if (r->nargs) {
		args = nla_nest_start(msg, CRS_RULE_A_ARGS);
		if (!args)
			goto cancel;
		for (i = 0; i < r->nargs; i++) {
			const struct crs_arg *a = &r->args[i];

			arg = nla_nest_start(msg, CRS_RULE_A_ARG);
			if (!arg || nla_put_u8(msg, CRS_ARG_A_KIND, a->kind) ||
			    (a->kind == CRS_ARG_INT &&
			     nla_put_u64(msg, CRS_ARG_A_INT, (uint64_t)a->val)) ||
			    (a->kind == CRS_ARG_PATH &&
			     nla_put_string(msg, CRS_ARG_A_PATH, a->path)))
				goto cancel;
			nla_nest_end(msg, arg);
		}
		nla_nest_end(msg, args);
	}
	nla_nest_end(msg, rule);
	return 0;
cancel:
	nla_nest_cancel(msg, rule);
	return -1;
}

static uint8_t get_u8(struct nlattr *a, uint8_t def)
{
	return a ? nla_get_u8(a) : def;
}

int doc_get_header(struct nlattr *policy, struct crs_doc *doc)
{
	struct nlattr *tb[CRS_POLICY_A_MAX + 1];

	memset(doc, 0, sizeof(*doc));
	if (nla_parse_nested(tb, CRS_POLICY_A_MAX, policy, NULL) < 0 ||
	    !tb[CRS_POLICY_A_NAME])
		return -EPROTO;
	doc->name = xstrdup(nla_get_string(tb[CRS_POLICY_A_NAME]));
	doc->description = xstrdup(tb[CRS_POLICY_A_DESCRIPTION] ?
				   nla_get_string(tb[CRS_POLICY_A_DESCRIPTION]) : "");
	doc->mode = get_u8(tb[CRS_POLICY_A_MODE], 0);
	doc->def_network = get_u8(tb[CRS_POLICY_A_DEF_NETWORK], 0);
	doc->def_file = get_u8(tb[CRS_POLICY_A_DEF_FILE], 0);
	doc->def_app = get_u8(tb[CRS_POLICY_A_DEF_APP], 0);
	doc->compat = get_u8(tb[CRS_POLICY_A_COMPAT], 0);
	if (!doc_mode_name(doc->mode) || !doc_action_name(doc->def_network) ||
	    !doc_action_name(doc->def_file) || !doc_action_name(doc->def_app) ||
	    !doc_compat_name(doc->compat))
		return -EPROTO;
	return 0;
}

static int get_arg(struct nlattr *nest, struct crs_arg *a)
{
	struct nlattr *tb[CRS_ARG_A_MAX + 1];

	if (nla_parse_nested(tb, CRS_ARG_A_MAX, nest, NULL) < 0 ||
	    !tb[CRS_ARG_A_KIND])
		return -EPROTO;
	a->kind = nla_get_u8(tb[CRS_ARG_A_KIND]);
	if (a->kind == CRS_ARG_INT && tb[CRS_ARG_A_INT])
		a->val = (int64_t)nla_get_u64(tb[CRS_ARG_A_INT]);
	else if (a->kind == CRS_ARG_PATH && tb[CRS_ARG_A_PATH])
		a->path = xstrdup(nla_get_string(tb[CRS_ARG_A_PATH]));
	else if (a->kind != CRS_ARG_ANY)
		return -EPROTO;
	return 0;
}

int doc_get_rule(struct nlattr *rule, struct crs_rule *r)
{
	struct nlattr *tb[CRS_RULE_A_MAX + 1], *a;
	int rem;

	memset(r, 0, sizeof(*r));
	r->protocol = -1;
	if (nla_parse_nested(tb, CRS_RULE_A_MAX, rule, NULL) < 0 ||
	    !tb[CRS_RULE_A_NAME] || !tb[CRS_RULE_A_TYPE] || !tb[CRS_RULE_A_ACTION])
		return -EPROTO;
	r->name = xstrdup(nla_get_string(tb[CRS_RULE_A_NAME]));
	r->type = nla_get_u8(tb[CRS_RULE_A_TYPE]);
	r->action = nla_get_u8(tb[CRS_RULE_A_ACTION]);
	if (!doc_type_name(r->type) || !doc_action_name(r->action))
		return -EPROTO;
	r->enabled = !tb[CRS_RULE_A_DISABLED];
	if (tb[CRS_RULE_A_PROGRAM])
		r->program = xstrdup(nla_get_string(tb[CRS_RULE_A_PROGRAM]));
	if (tb[CRS_RULE_A_PATH])
		r->path = xstrdup(nla_get_string(tb[CRS_RULE_A_PATH]));
	if (tb[CRS_RULE_A_ADDR] && nla_len(tb[CRS_RULE_A_ADDR]) == 16) {
		r->has_addr = true;
		memcpy(r->addr, nla_data(tb[CRS_RULE_A_ADDR]), 16);
		r->prefix = get_u8(tb[CRS_RULE_A_PREFIX], 128);
	}
	if (tb[CRS_RULE_A_PORT_MIN] && tb[CRS_RULE_A_PORT_MAX]) {
		r->has_port = true;
		r->port_min = nla_get_u16(tb[CRS_RULE_A_PORT_MIN]);
		r->port_max = nla_get_u16(tb[CRS_RULE_A_PORT_MAX]);
	}
	if (tb[CRS_RULE_A_PROTOCOL])
		r->protocol = nla_get_u8(tb[CRS_RULE_A_PROTOCOL]);
	if (tb[CRS_RULE_A_SYSCALL])
		r->syscall = xstrdup(nla_get_string(tb[CRS_RULE_A_SYSCALL]));
	if (tb[CRS_RULE_A_ARGS]) {
		nla_for_each_nested(a, tb[CRS_RULE_A_ARGS], rem) {
			if (r->nargs == CRS_SYSCALL_ARGS ||
			    get_arg(a, &r->args[r->nargs]))
				return -EPROTO;
			r->nargs++;
		}
	}
	if ((is_file(r->type) && !r->path) ||
	    (r->type == CRS_RULE_SYSCALL && !r->syscall))
		return -EPROTO;
	return 0;
}

/*
 * A transfer message carries at most this much of RULES. A netlink
 * attribute's length is 16 bits, so the CRS_A_POLICY nest around RULES and
 * the header fields must stay under 64 KiB; a message then also stays far
 * below the sending socket's buffer (net.core.wmem_default, 208 KiB), the
 * most the kernel takes from one sendmsg().
 */
#define XFER_RULES_MAX	(60 * 1024)

int doc_send(const struct crs_doc *doc, struct nl_msg *(*new_msg)(void),
	     doc_send_cb send, void *arg)
{
	struct nlattr *pol, *rules, *flags;
	struct nl_msg *msg;
	bool first = true;
	size_t i = 0;
	int err;

	nlmsg_set_default_size(DOC_MSG_SIZE);
	do {
		msg = new_msg();
		pol = nla_nest_start(msg, CRS_A_POLICY);
		if (!pol || (first ? doc_put_header(msg, doc) :
			     nla_put_string(msg, CRS_POLICY_A_NAME, doc->name)) ||
		    (first && nla_put_u32(msg, CRS_POLICY_A_N_RULES,
					  (uint32_t)doc->n_rules)) ||
		    nla_put_u32(msg, CRS_POLICY_A_XFER_FLAGS, 0))
			goto nospace;
		/* Set below, once it is known whether this is the last part. */
		flags = (struct nlattr *)((char *)nlmsg_tail(nlmsg_hdr(msg)) -
					  nla_total_size(sizeof(uint32_t)));
		if (doc->n_rules) {
			size_t start = i;

			rules = nla_nest_start(msg, CRS_POLICY_A_RULES);
			if (!rules)
				goto nospace;
			for (; i < doc->n_rules; i++) {
				void *before = nlmsg_tail(nlmsg_hdr(msg));

				if (doc_put_rule(msg, &doc->rules[i]) < 0)
					break;
				if ((char *)nlmsg_tail(nlmsg_hdr(msg)) -
				    (char *)rules > XFER_RULES_MAX) {
					nla_nest_cancel(msg, before);
					break;
				}
			}
			if (i == start)
				goto nospace;
			nla_nest_end(msg, rules);
		}
		*(uint32_t *)nla_data(flags) = (first ? CRS_XFER_BEGIN : 0) |
			(i == doc->n_rules ? CRS_XFER_END : 0);
		if (!first && i == doc->n_rules &&
		    nla_put_u32(msg, CRS_POLICY_A_N_RULES, (uint32_t)doc->n_rules))
			goto nospace;
		nla_nest_end(msg, pol);
		err = send(msg, arg);
		if (err < 0)
			return err;
		first = false;
	} while (i < doc->n_rules);
	return 0;
nospace:
	nlmsg_free(msg);
	return DOC_SEND_TOO_BIG;
}
