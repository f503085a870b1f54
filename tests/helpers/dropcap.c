// SPDX-License-Identifier: GPL-2.0
/*
 * dropcap CAP COMMAND [ARGS...]: runs COMMAND without the capability CAP
 * (a number, or a name such as CAP_MAC_ADMIN or mac_admin), even as root.
 * Busybox has no capsh; the shell tests use this for SPEC section 7.
 *
 * The capability leaves the bounding set first, so that exec cannot give
 * it back to a root process, then the ambient, inheritable, permitted and
 * effective sets.
 */
#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static const struct {
	const char *name;
	int cap;
} caps[] = {
	{ "net_admin", CAP_NET_ADMIN },
	{ "sys_admin", CAP_SYS_ADMIN },
	{ "mac_admin", CAP_MAC_ADMIN },
	{ "mac_override", CAP_MAC_OVERRIDE },
};

static int cap_number(const char *s)
{
	size_t i;
	char *end;
	long n;

	if (!strncasecmp(s, "cap_", 4))
		s += 4;
	for (i = 0; i < sizeof(caps) / sizeof(caps[0]); i++)
		if (!strcasecmp(s, caps[i].name))
			return caps[i].cap;
	n = strtol(s, &end, 10);
	if (*s && !*end && n >= 0 && n <= CAP_LAST_CAP)
		return (int)n;
	return -1;
}

int main(int argc, char **argv)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];
	int cap;

	if (argc < 3) {
		fprintf(stderr, "usage: dropcap CAP COMMAND [ARGS...]\n");
		return 2;
	}
	cap = cap_number(argv[1]);
	if (cap < 0) {
		fprintf(stderr, "dropcap: unknown capability \"%s\"\n", argv[1]);
		return 2;
	}
	if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) ||
	    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_LOWER, cap, 0, 0) ||
	    syscall(SYS_capget, &hdr, data)) {
		fprintf(stderr, "dropcap: %s\n", strerror(errno));
		return 1;
	}
	data[cap / 32].effective &= ~(1U << (cap % 32));
	data[cap / 32].permitted &= ~(1U << (cap % 32));
	data[cap / 32].inheritable &= ~(1U << (cap % 32));
	if (syscall(SYS_capset, &hdr, data)) {
		fprintf(stderr, "dropcap: capset: %s\n", strerror(errno));
		return 1;
	}
	execvp(argv[2], argv + 2);
	fprintf(stderr, "dropcap: %s: %s\n", argv[2], strerror(errno));
	return 127;
}
