// SPDX-License-Identifier: GPL-2.0
/*
 * fxattr_block PATH READY RELEASE: calls setxattr(PATH, "trusted.crs")
 * with the value in a page that is not there yet (userfaultfd), so that
 * the call sleeps in the kernel where it copies the value: after it asked
 * for write access to PATH's mount (where crs stashes it), before the
 * permission point (where crs decides). Creates the file READY once the
 * call sleeps, supplies the page once the file RELEASE exists, then prints
 * the call's result (0 or its errno) and whether PATH has the attribute
 * afterwards (1 or 0). Exit status 77 where userfaultfd is not available.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

#define XA	"trusted.crs"

static const char *path;
static char *page;
static int result;

static void *call(void *arg)
{
	(void)arg;
	result = setxattr(path, XA, page, 1, 0) ? errno : 0;
	return NULL;
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

int main(int argc, char **argv)
{
	long psz = sysconf(_SC_PAGESIZE);
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg;
	struct uffdio_copy copy;
	struct uffd_msg msg;
	struct stat st;
	pthread_t t;
	char *src, v[8];
	int uffd;

	if (argc != 4) {
		fprintf(stderr, "usage: fxattr_block PATH READY RELEASE\n");
		return 2;
	}
	path = argv[1];
	uffd = syscall(SYS_userfaultfd, O_CLOEXEC);
	if (uffd < 0) {
		perror("userfaultfd");
		return 77;
	}
	if (ioctl(uffd, UFFDIO_API, &api))
		die("UFFDIO_API");
	page = mmap(NULL, psz, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	src = mmap(NULL, psz, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED || src == MAP_FAILED)
		die("mmap");
	memset(&reg, 0, sizeof(reg));
	reg.range.start = (unsigned long)page;
	reg.range.len = psz;
	reg.mode = UFFDIO_REGISTER_MODE_MISSING;
	if (ioctl(uffd, UFFDIO_REGISTER, &reg))
		die("UFFDIO_REGISTER");
	if (pthread_create(&t, NULL, call, NULL))
		die("pthread_create");

	/* The call's read of the value faults: it sleeps from here. */
	if (read(uffd, &msg, sizeof(msg)) != sizeof(msg) ||
	    msg.event != UFFD_EVENT_PAGEFAULT)
		die("read userfaultfd");
	if (close(open(argv[2], O_WRONLY | O_CREAT, 0644)))
		die(argv[2]);
	while (stat(argv[3], &st))
		usleep(10000);

	src[0] = 'v';
	memset(&copy, 0, sizeof(copy));
	copy.dst = (unsigned long)page;
	copy.src = (unsigned long)src;
	copy.len = psz;
	if (ioctl(uffd, UFFDIO_COPY, &copy))
		die("UFFDIO_COPY");
	pthread_join(t, NULL);
	printf("%d %d\n", result, getxattr(path, XA, v, sizeof(v)) >= 0);
	return 0;
}
