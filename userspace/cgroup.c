// SPDX-License-Identifier: GPL-2.0
/* crsctl cgroup: attach, set, detach and list attachments. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "cgroupfs.h"
#include "crsctl.h"
#include "doc.h"
#include "nl.h"
#include "print.h"
#include "table.h"

static void cgroup_usage(FILE *f)
{
	fprintf(f,
		"Usage: crsctl cgroup attach CGROUP|--container ID POLICY [--mode MODE] [--events EVENTS]\n"
		"       crsctl cgroup set CGROUP|--container ID [--mode MODE|policy] [--events EVENTS]\n"
		"       crsctl cgroup detach CGROUP|--container ID\n"
		"       crsctl [-j] cgroup list [--policy NAME]\n"
		"\n"
		"CGROUP is a directory of the cgroup v2 hierarchy, absolute or relative\n"
		"to its mount point. --container finds the cgroup of a Docker\n"
		"(docker-ID.scope), containerd (cri-containerd-ID.scope) or CRI-O\n"
		"(crio-ID.scope) container; ID may be an unambiguous prefix.\n"
		"MODE is active, permissive or inactive (\"policy\": as the policy says);\n"
		"EVENTS is all (denies and monitors, the default), deny or none.\n");
}

/* The arguments of a cgroup command. */
struct cg_args {
	const char *pos[2];
	int npos;
	const char *container;
	const char *policy;	/* list --policy */
	int mode;		/* -1: not given */
	int events;		/* -1: not given */
	char path[4096];	/* the cgroup, absolute */
};

static int parse_args(struct cg_args *a, int argc, char **argv,
		      const char *cmd, int max_pos, bool mode_policy)
{
	int i;

	a->mode = -1;
	a->events = -1;
	for (i = 0; i < argc; i++) {
		const char *o = argv[i];

		if ((matches(o, "--container") || matches(o, "--mode") ||
		     matches(o, "--events") || matches(o, "--policy")) &&
		    i + 1 >= argc)
			return usage_error("cgroup %s: %s needs a value", cmd, o);
		if (matches(o, "--container") && !a->container) {
			a->container = argv[++i];
		} else if (matches(o, "--mode") && a->mode < 0) {
			a->mode = doc_mode_parse(argv[++i]);
			if (mode_policy && matches(argv[i], "policy"))
				a->mode = CRS_MODE_POLICY;
			if (a->mode < 0)
				return usage_error("cgroup %s: \"%s\" is not a mode: active, permissive, inactive%s",
						   cmd, argv[i], mode_policy ? " or policy" : "");
		} else if (matches(o, "--events") && a->events < 0) {
			a->events = doc_events_parse(argv[++i]);
			if (a->events < 0)
				return usage_error("cgroup %s: \"%s\" is not all, deny or none",
						   cmd, argv[i]);
		} else if (matches(o, "--policy") && !strcmp(cmd, "list") &&
			   !a->policy) {
			a->policy = argv[++i];
		} else if (o[0] == '-' && o[1]) {
			return usage_error("cgroup %s: unknown or repeated option \"%s\"",
					   cmd, o);
		} else if (a->npos < max_pos) {
			a->pos[a->npos++] = o;
		} else {
			return usage_error("cgroup %s: unexpected \"%s\"", cmd, o);
		}
	}
	return EXIT_OK;
}

/* Container scopes as the runtimes' systemd drivers name them. */
static const char *const scope_prefixes[] = {
	"docker-", "cri-containerd-", "crio-",
};

#define MAX_CANDIDATES 8

static struct {
	const char *id;
	char *found[MAX_CANDIDATES];
	int n, exact;
} search;

static int scope_cb(const char *path, const struct stat *st, int type,
		    struct FTW *ftw)
{
	const char *base = path + ftw->base, *id;
	size_t i, idlen, blen = strlen(base);
	bool exact;

	(void)st;
	if (type != FTW_D || blen < 7 || strcmp(base + blen - 6, ".scope"))
		return 0;
	for (i = 0; i < sizeof(scope_prefixes) / sizeof(scope_prefixes[0]); i++) {
		size_t plen = strlen(scope_prefixes[i]);

		if (strncmp(base, scope_prefixes[i], plen))
			continue;
		id = base + plen;
		idlen = blen - plen - 6;
		if (idlen < strlen(search.id) || strncmp(id, search.id, strlen(search.id)))
			continue;
		/* A whole ID beats prefixes of longer ones. */
		exact = idlen == strlen(search.id);
		if (exact && !search.exact) {
			while (search.n)
				free(search.found[--search.n]);
			search.exact = 1;
		} else if (!exact && search.exact) {
			continue;
		}
		if (search.n < MAX_CANDIDATES)
			search.found[search.n] = strdup(path);
		search.n++;
	}
	return 0;
}

static int find_container(const char *id, char *out, size_t len)
{
	const char *mnt = cgroupfs_mount();
	char list[1024] = "";
	size_t n = 0;
	int i, ret;

	if (!mnt)
		return fail("no cgroup v2 hierarchy is mounted");
	if (!id[0] || strchr(id, '/'))
		return fail("\"%s\" is not a container ID", id);
	search.id = id;
	if (nftw(mnt, scope_cb, 16, FTW_PHYS) < 0)
		return fail("%s: %s", mnt, strerror(errno));
	if (search.n == 0)
		return fail("no container cgroup (docker-, cri-containerd-, crio-ID.scope) under %s matches \"%s\"",
			    mnt, id);
	for (i = 0; i < search.n && i < MAX_CANDIDATES; i++)
		n += (size_t)snprintf(list + n, n < sizeof(list) ? sizeof(list) - n : 0,
				      "%s%s", i ? ", " : "", search.found[i] ?: "?");
	if (search.n > 1)
		ret = fail("container ID \"%s\" is ambiguous: %s%s", id, list,
			   search.n > MAX_CANDIDATES ? ", ..." : "");
	else
		ret = snprintf(out, len, "%s", search.found[0]) >= (int)len ?
		      fail("%s: path too long", search.found[0]) : EXIT_OK;
	for (i = 0; i < search.n && i < MAX_CANDIDATES; i++)
		free(search.found[i]);
	return ret;
}

/*
 * Opens the cgroup the user named: an absolute path must be in the cgroup
 * v2 hierarchy, a relative one is taken from its mount point. Returns the
 * directory's descriptor, which is how the kernel is told the cgroup, or
 * minus the exit status after printing why.
 */
static int open_cgroup(struct cg_args *a, const char *arg)
{
	const char *mnt = cgroupfs_mount();
	struct statfs sfs;
	int fd;

	if (a->container) {
		if (arg)
			return -usage_error("give either CGROUP or --container");
		if (find_container(a->container, a->path, sizeof(a->path)))
			return -EXIT_FAIL;
	} else if (!arg) {
		return -usage_error("a CGROUP or --container ID is needed");
	} else if (arg[0] == '/') {
		snprintf(a->path, sizeof(a->path), "%s", arg);
	} else if (!mnt) {
		return -fail("no cgroup v2 hierarchy is mounted");
	} else {
		snprintf(a->path, sizeof(a->path), "%s/%s",
			 strcmp(mnt, "/") ? mnt : "", arg);
	}
	fd = open(a->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOTDIR)
			return -fail("%s: not a directory, so not a cgroup", a->path);
		return -fail("%s: %s", a->path, strerror(errno));
	}
	if (fstatfs(fd, &sfs) < 0 || sfs.f_type != CGROUP2_SUPER_MAGIC) {
		close(fd);
		return -fail("%s: not a directory of the cgroup v2 hierarchy (mounted at %s)",
			    a->path, mnt ? mnt : "nowhere");
	}
	return fd;
}

/*
 * The kernel names cgroups by their path below the root of the hierarchy;
 * the user knows them with the mount point in front, as "cgroup list"
 * prints them. Prefixes the mount to every word of the kernel's message
 * that starts with '/'.
 */
void cgroup_prefix_paths(char *msg, size_t len)
{
	const char *mnt = cgroupfs_mount();
	size_t mlen = mnt ? strlen(mnt) : 0;
	char *p;

	if (!mlen || !strcmp(mnt, "/"))
		return;
	for (p = msg; (p = strchr(p, '/')); p += strcspn(p, " ")) {
		if (p != msg && p[-1] != ' ')
			continue;	/* inside a word, as in 10.0.0.0/8 */
		if (strlen(msg) + mlen >= len)
			break;
		memmove(p + mlen, p, strlen(p) + 1);
		memcpy(p, mnt, mlen);
		p += mlen;
	}
}

/* ATTACH_NEW, _SET and _DEL: the cgroup as a descriptor, and the changes. */
static int attach_request(uint8_t cmd, struct cg_args *a, const char *cgroup,
			  const char *policy)
{
	struct nlattr *nest;
	struct nl_msg *msg;
	int fd, err;

	fd = open_cgroup(a, cgroup);
	if (fd < 0)
		return -fd;
	if (crs_nl_open() < 0) {
		close(fd);
		return EXIT_FAIL;
	}
	msg = crs_msg(cmd, 0);
	nest = nla_nest_start(msg, CRS_A_ATTACH);
	nla_put_s32(msg, CRS_ATTACH_A_CGROUP_FD, fd);
	if (policy)
		nla_put_string(msg, CRS_ATTACH_A_POLICY, policy);
	if (a->mode >= 0)
		nla_put_u8(msg, CRS_ATTACH_A_MODE, (uint8_t)a->mode);
	if (a->events >= 0)
		nla_put_u8(msg, CRS_ATTACH_A_EVENTS, (uint8_t)a->events);
	nla_nest_end(msg, nest);
	err = crs_nl_request(msg, NULL, NULL);
	close(fd);
	if (err < 0) {
		cgroup_prefix_paths(crs_nl_errmsg, sizeof(crs_nl_errmsg));
		return crs_nl_perror(a->path, err);
	}
	return EXIT_OK;
}

static int cgroup_attach(int argc, char **argv)
{
	struct cg_args a = { 0 };
	int ret = parse_args(&a, argc, argv, "attach", 2, false);

	if (ret)
		return ret;
	if (a.npos != (a.container ? 1 : 2))
		return usage_error("cgroup attach needs CGROUP (or --container ID) and POLICY");
	if (a.container)
		return attach_request(CRS_CMD_ATTACH_NEW, &a, NULL, a.pos[0]);
	return attach_request(CRS_CMD_ATTACH_NEW, &a, a.pos[0], a.pos[1]);
}

static int cgroup_set(int argc, char **argv)
{
	struct cg_args a = { 0 };
	int ret = parse_args(&a, argc, argv, "set", 1, true);

	if (ret)
		return ret;
	if (a.npos + !!a.container != 1)
		return usage_error("cgroup set needs CGROUP or --container ID");
	if (a.mode < 0 && a.events < 0)
		return usage_error("cgroup set needs --mode or --events");
	return attach_request(CRS_CMD_ATTACH_SET, &a, a.npos ? a.pos[0] : NULL,
			      NULL);
}

static int cgroup_detach(int argc, char **argv)
{
	struct cg_args a = { 0 };
	int ret = parse_args(&a, argc, argv, "detach", 1, false);

	if (ret)
		return ret;
	if (a.mode >= 0 || a.events >= 0)
		return usage_error("cgroup detach takes no --mode or --events");
	if (a.npos + !!a.container != 1)
		return usage_error("cgroup detach needs CGROUP or --container ID");
	return attach_request(CRS_CMD_ATTACH_DEL, &a, a.npos ? a.pos[0] : NULL,
			      NULL);
}

static int list_cb(struct nlattr **attrs, struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *tb[CRS_ATTACH_A_MAX + 1];
	struct table *t = arg;
	char path[4096];
	const char *rel;
	unsigned int mode;

	(void)nlh;
	if (!attrs[CRS_A_ATTACH] ||
	    crs_nla_parse_nested(tb, CRS_ATTACH_A_MAX, attrs[CRS_A_ATTACH]) < 0 ||
	    !tb[CRS_ATTACH_A_CGROUP] || !tb[CRS_ATTACH_A_POLICY])
		return -EPROTO;
	rel = nla_get_string(tb[CRS_ATTACH_A_CGROUP]);
	if (cgroupfs_abs_path(rel, path, sizeof(path)) < 0)
		snprintf(path, sizeof(path), "%s", rel);
	mode = tb[CRS_ATTACH_A_MODE] ? nla_get_u8(tb[CRS_ATTACH_A_MODE]) :
	       CRS_MODE_POLICY;
	table_row(t);
	table_str(t, "cgroup", path);
	table_str(t, "policy", nla_get_string(tb[CRS_ATTACH_A_POLICY]));
	table_str(t, "mode", mode == CRS_MODE_POLICY ? "policy" : doc_mode_name(mode));
	table_str(t, "events", doc_events_name(tb[CRS_ATTACH_A_EVENTS] ?
					       nla_get_u8(tb[CRS_ATTACH_A_EVENTS]) :
					       CRS_EVENTS_ALL));
	return 0;
}

static int cgroup_list(int argc, char **argv)
{
	static const char *const head[] = { "CGROUP", "POLICY", "MODE", "EVENTS" };
	struct cg_args a = { 0 };
	struct nlattr *nest;
	struct nl_msg *msg;
	struct table t;
	int err = parse_args(&a, argc, argv, "list", 0, false);

	if (err)
		return err;
	if (a.container || a.mode >= 0 || a.events >= 0)
		return usage_error("cgroup list takes only --policy NAME");
	if (crs_nl_open() < 0)
		return EXIT_FAIL;
	msg = crs_msg(CRS_CMD_ATTACH_GET, NLM_F_DUMP);
	if (a.policy) {
		nest = nla_nest_start(msg, CRS_A_ATTACH);
		nla_put_string(msg, CRS_ATTACH_A_POLICY, a.policy);
		nla_nest_end(msg, nest);
	}
	table_init(&t, head, 4);
	err = crs_nl_request(msg, list_cb, &t);
	if (err < 0) {
		table_free(&t);
		return crs_nl_perror("cgroup list", err);
	}
	table_print(&t);
	table_free(&t);
	return EXIT_OK;
}

struct path_list {
	char *buf;
	size_t len, used;
};

static int paths_cb(struct nlattr **attrs, struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *tb[CRS_ATTACH_A_MAX + 1];
	struct path_list *l = arg;
	char path[4096];
	const char *rel;
	int n;

	(void)nlh;
	if (!attrs[CRS_A_ATTACH] ||
	    crs_nla_parse_nested(tb, CRS_ATTACH_A_MAX, attrs[CRS_A_ATTACH]) < 0 ||
	    !tb[CRS_ATTACH_A_CGROUP])
		return -EPROTO;
	rel = nla_get_string(tb[CRS_ATTACH_A_CGROUP]);
	if (cgroupfs_abs_path(rel, path, sizeof(path)) < 0)
		snprintf(path, sizeof(path), "%s", rel);
	n = snprintf(l->buf + l->used, l->len - l->used, "%s%s",
		     l->used ? ", " : "", path);
	if (n < 0 || (size_t)n >= l->len - l->used)
		return -ENOSPC;
	l->used += (size_t)n;
	return 0;
}

int cgroup_attached_paths(const char *policy, char *buf, size_t len)
{
	struct path_list l = { .buf = buf, .len = len };
	struct nlattr *nest;
	struct nl_msg *msg;

	buf[0] = '\0';
	msg = crs_msg(CRS_CMD_ATTACH_GET, NLM_F_DUMP);
	nest = nla_nest_start(msg, CRS_A_ATTACH);
	nla_put_string(msg, CRS_ATTACH_A_POLICY, policy);
	nla_nest_end(msg, nest);
	return crs_nl_request(msg, paths_cb, &l);
}

static const struct command cgroup_cmds[] = {
	{ "attach", cgroup_attach },
	{ "set", cgroup_set },
	{ "detach", cgroup_detach },
	{ "list", cgroup_list },
	{ NULL, NULL },
};

int do_cgroup(int argc, char **argv)
{
	return run_command("cgroup", cgroup_cmds, cgroup_usage, argc, argv);
}
