// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * probe: makes the 2.4 module system calls directly, with syscall() and the
 * 2.4 numbers of the CPU it is built for (x86_64, or i386 through int 0x80),
 * and prints what came back in the format of the probe behind the golden
 * transcripts of a real 2.4.37 kernel: return value, errno, *ret, and hex
 * dumps of the buffers.
 * Built once 64-bit and once 32-bit; tests/e2e/k24emu.sh runs both under
 * k24emu and compares the lines.
 *
 *   probe create NAME SIZE          create_module
 *   probe init NAME FILE            init_module with FILE's bytes as the image
 *   probe delete NAME               delete_module (NAME "-": NULL)
 *   probe qm NAME WHICH BUFSIZE [dump] [buf=bad] [ret=bad]
 *                                   query_module; the buffer ends at a
 *                                   PROT_NONE page and is pre-filled with 0xee
 *   probe gks [table=bad]           get_kernel_syms(NULL), then into a table
 *   probe open PATH | openat PATH   copy a file to stdout (open by hand / openat)
 *   probe taint N                   write N into /proc/sys/kernel/tainted
 *   probe uname                     the release and machine uname() reports
 *
 * NAME "@bad" is a pointer into a PROT_NONE page.  Exit status 0 whatever the
 * calls returned, 2 on a usage or host error.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#if defined(__x86_64__)
#define NR_CREATE 174
#define NR_INIT 175
#define NR_DELETE 176
#define NR_GKS 177
#define NR_QUERY 178
#elif defined(__i386__)
#define NR_CREATE 127
#define NR_INIT 128
#define NR_DELETE 129
#define NR_GKS 130
#define NR_QUERY 167
#else
#error "x86_64 or i386 only"
#endif

#define SENTINEL ((size_t)0x5eed5eedUL)

static char *bad; /* a PROT_NONE page */

static const char *ename(int e)
{
	static const struct {
		int e;
		const char *n;
	} v[] = {
		{ EPERM, "EPERM" },   { ENOENT, "ENOENT" },
		{ ENOMEM, "ENOMEM" }, { EFAULT, "EFAULT" },
		{ EBUSY, "EBUSY" },   { EEXIST, "EEXIST" },
		{ EINVAL, "EINVAL" }, { ENOSPC, "ENOSPC" },
		{ ENOSYS, "ENOSYS" }, { ENAMETOOLONG, "ENAMETOOLONG" },
	};

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		if (v[i].e == e)
			return v[i].n;
	return "E?";
}

static void dump(const unsigned char *p, size_t n)
{
	for (size_t o = 0; o < n; o += 16) {
		printf("  %04zx: ", o);
		for (size_t i = o; i < o + 16; i++)
			if (i < n)
				printf("%02x ", p[i]);
			else
				printf("   ");
		printf(" |");
		for (size_t i = o; i < o + 16 && i < n; i++)
			putchar(p[i] >= 0x20 && p[i] < 0x7f ? p[i] : '.');
		printf("|\n");
	}
}

/* A name argument: "-" NULL, "@bad" unreadable, else the string. */
static const char *name_arg(const char *s)
{
	if (!strcmp(s, "-"))
		return NULL;
	if (!strcmp(s, "@bad"))
		return bad;
	return s;
}

static const char *shown(const char *s)
{
	return !strcmp(s, "-") ? "NULL" : s;
}

/* errno is cleared first: a 32-bit kernel address can look negative */
static long call(long nr, long a, long b, long c, long d, long e)
{
	errno = 0;
	return syscall(nr, a, b, c, d, e);
}

static void result(long r)
{
	if (r == -1 && errno)
		printf(" = -1 errno=%d %s", errno, ename(errno));
	else
		printf(" = %ld", r);
}

static int do_create(char **argv)
{
	unsigned long size = strtoul(argv[1], NULL, 0);
	long r = call(NR_CREATE, (long)name_arg(argv[0]), (long)size, 0, 0, 0);

	printf("create_module(\"%s\", %lu)", argv[0], size);
	if (r == -1 && errno)
		result(r);
	else
		printf(" -> 0x%lx", (unsigned long)r);
	printf("\n");
	return 0;
}

static int do_init(char **argv)
{
	const char *image = bad;
	long r;

	if (strcmp(argv[1], "@bad")) {
		int fd = open(argv[1], O_RDONLY);
		struct stat st;
		char *p;

		if (fd < 0 || fstat(fd, &st) || !(p = malloc((size_t)st.st_size + 1)) ||
		    read(fd, p, (size_t)st.st_size) != st.st_size) {
			perror(argv[1]);
			return 2;
		}
		close(fd);
		image = p;
	}
	r = call(NR_INIT, (long)name_arg(argv[0]), (long)image, 0, 0, 0);
	printf("init_module(\"%s\", %s)", argv[0], argv[1]);
	result(r);
	printf("\n");
	return 0;
}

static int do_delete(char **argv)
{
	long r = call(NR_DELETE, (long)name_arg(argv[0]), 0, 0, 0, 0);

	printf("delete_module(%s)", shown(argv[0]));
	result(r);
	printf("\n");
	return 0;
}

static const char *const qm_names[] = { "0",       "QM_MODULES", "QM_DEPS",
					"QM_REFS", "QM_SYMBOLS", "QM_INFO" };

static void print_names(const char *buf, size_t n)
{
	printf("  names:");
	for (size_t i = 0; i < n; i++, buf += strlen(buf) + 1)
		printf(" \"%s\"", buf);
	printf("\n");
}

static size_t print_symbols(const unsigned char *buf, size_t n)
{
	const unsigned long *v = (const unsigned long *)buf;
	size_t used = n * 2 * sizeof(long);

	for (size_t i = 0; i < n; i++) {
		const char *s = (const char *)buf + v[2 * i + 1];

		printf("  [%zu] value=0x%lx name_off=%lu \"%s\"\n", i, v[2 * i], v[2 * i + 1], s);
		if (v[2 * i + 1] + strlen(s) + 1 > used)
			used = v[2 * i + 1] + strlen(s) + 1;
	}
	printf("  bytes used: %zu\n", used);
	return used;
}

static size_t print_info(const unsigned char *buf)
{
	static const char *const flag[] = { "RUNNING",   "DELETED",    "AUTOCLEAN",   "VISITED",
					    "USED_ONCE", "JUST_FREED", "INITIALIZING" };
	const unsigned long *v = (const unsigned long *)buf;

	printf("  addr=0x%lx size=%lu flags=0x%lx =", v[0], v[1], v[2]);
	if (!v[2])
		printf(" UNINITIALIZED");
	for (int i = 0; i < 7; i++)
		if (v[2] & (1UL << i))
			printf(" %s", flag[i]);
	printf(" usecount=%ld\n", (long)v[3]);
	return 4 * sizeof(long);
}

static int do_qm(int argc, char **argv)
{
	long which = strtol(argv[1], NULL, 0);
	size_t bufsize = strtoul(argv[2], NULL, 0);
	size_t have = bufsize > 65536 ? 65536 : bufsize;
	size_t ret = SENTINEL, *retp = &ret, pages = (have + 4095) / 4096 + 1, used = 0;
	int want_dump = 0;
	unsigned char *area, *buf;
	long r;
	int err;

	for (int i = 3; i < argc; i++) {
		if (!strcmp(argv[i], "dump"))
			want_dump = 1;
		else if (!strcmp(argv[i], "ret=bad"))
			retp = (size_t *)bad;
		else if (strcmp(argv[i], "buf=bad"))
			return 2;
	}
	/* the buffer's end touches a PROT_NONE page: a write past bufsize faults */
	area = mmap(NULL, pages * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED || mprotect(area + (pages - 1) * 4096, 4096, PROT_NONE))
		return 2;
	buf = area + (pages - 1) * 4096 - have;
	memset(buf, 0xee, have);
	for (int i = 3; i < argc; i++)
		if (!strcmp(argv[i], "buf=bad"))
			buf = (unsigned char *)bad;
	r = call(NR_QUERY, (long)name_arg(argv[0]), which, (long)buf, (long)bufsize, (long)retp);
	err = r == -1 ? errno : 0;
	printf("query_module(%s, %s, buf, %zu, &ret)", shown(argv[0]),
	       which >= 0 && which <= 5 ? qm_names[which] : "?", bufsize);
	result(r);
	if (ret == SENTINEL)
		printf(" ret=(unchanged)\n");
	else
		printf(" ret=%zu\n", ret);
	if (buf == (unsigned char *)bad)
		return 0;
	if (err == ENOSPC && want_dump) {
		printf("  buffer after the call (pre-filled with 0xee):\n");
		dump(buf, have);
		return 0;
	}
	if (err || ret == SENTINEL)
		return 0;
	switch (which) {
	case 1:
	case 2:
	case 3:
		print_names((const char *)buf, ret);
		for (size_t i = 0; i < ret; i++)
			used += strlen((const char *)buf + used) + 1;
		break;
	case 4:
		used = print_symbols(buf, ret);
		break;
	case 5:
		used = print_info(buf);
		break;
	default:
		return 0;
	}
	if (want_dump)
		dump(buf, used);
	return 0;
}

struct ksym {
	unsigned long value;
	char name[60];
};

static int do_gks(int argc, char **argv)
{
	long n = call(NR_GKS, 0, 0, 0, 0, 0), r;
	struct ksym *t;

	printf("get_kernel_syms(NULL) = %ld\n", n);
	if (n < 0)
		return 0;
	if (argc > 0 && !strcmp(argv[0], "table=bad")) {
		r = call(NR_GKS, (long)bad, 0, 0, 0, 0);
		printf("get_kernel_syms(bad)");
		result(r);
		printf("\n");
		return 0;
	}
	t = calloc((size_t)n + 1, sizeof(*t));
	memset(t, 0xee, ((size_t)n + 1) * sizeof(*t));
	r = call(NR_GKS, (long)t, 0, 0, 0, 0);
	printf("get_kernel_syms(table) = %ld (entries are {unsigned long value; char name[60];} = %zu bytes)\n",
	       r, sizeof(*t));
	for (long i = 0; i < r; i++)
		printf("  [%ld] 0x%lx %.60s\n", i, t[i].value, t[i].name);
	for (long i = 0; i < r; i++) {
		if (t[i].name[0] != '#' || !t[i].name[1])
			continue; /* the kernel's "#": its address is nowhere else */
		printf("  hexdump of entry [%ld]:\n", i);
		dump((const unsigned char *)&t[i], sizeof(*t));
	}
	printf("  the entry after the last:\n");
	dump((const unsigned char *)&t[r], sizeof(*t));
	return 0;
}

/*
 * open(path, O_RDONLY) made by hand: the system call ABIs keep the argument
 * registers, and compiled code counts on it, so the register that held the
 * path must hold it again afterwards (k24emu points it elsewhere meanwhile).
 */
static long raw_open(const char *path)
{
	const char *reg = path;
	long r;

#if defined(__x86_64__)
	register long flags __asm__("rsi") = O_RDONLY;

	r = SYS_open;
	__asm__ volatile("syscall" : "+a"(r), "+D"(reg), "+r"(flags) : : "rcx", "r11", "memory");
#else
	r = SYS_open;
	__asm__ volatile("int $0x80" : "+a"(r), "+b"(reg) : "c"(O_RDONLY) : "memory");
#endif
	if (reg != path)
		printf("open: the path's register changed in the call\n");
	if (r < 0 && r > -4096) {
		errno = (int)-r;
		return -1;
	}
	return r;
}

static int do_open(char **argv, int at)
{
	char b[4096];
	ssize_t n;
	long fd = at ? syscall(SYS_openat, AT_FDCWD, argv[0], O_RDONLY) : raw_open(argv[0]);

	if (fd < 0) {
		printf("%s(\"%s\") = -1 errno=%d %s\n", at ? "openat" : "open", argv[0], errno,
		       ename(errno));
		return 0;
	}
	while ((n = read((int)fd, b, sizeof(b))) > 0)
		if (fwrite(b, 1, (size_t)n, stdout) != (size_t)n)
			return 2;
	close((int)fd);
	return 0;
}

static int do_taint(char **argv)
{
	int fd = open("/proc/sys/kernel/tainted", O_WRONLY);
	char b[32];
	int n = snprintf(b, sizeof(b), "%s\n", argv[0]);

	if (fd < 0 || write(fd, b, (size_t)n) != n || close(fd)) {
		printf("taint: %s\n", strerror(errno));
		return 0;
	}
	printf("tainted <- %s\n", argv[0]);
	return 0;
}

int main(int argc, char **argv)
{
	struct utsname u;

	bad = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (bad == MAP_FAILED || argc < 2)
		return 2;
	setvbuf(stdout, NULL, _IOLBF, 0);
	argc -= 2;
	if (!strcmp(argv[1], "create") && argc == 2)
		return do_create(argv + 2);
	if (!strcmp(argv[1], "init") && argc == 2)
		return do_init(argv + 2);
	if (!strcmp(argv[1], "delete") && argc == 1)
		return do_delete(argv + 2);
	if (!strcmp(argv[1], "qm") && argc >= 3)
		return do_qm(argc, argv + 2);
	if (!strcmp(argv[1], "gks"))
		return do_gks(argc, argv + 2);
	if ((!strcmp(argv[1], "open") || !strcmp(argv[1], "openat")) && argc == 1)
		return do_open(argv + 2, argv[1][4] == 'a');
	if (!strcmp(argv[1], "taint") && argc == 1)
		return do_taint(argv + 2);
	if (!strcmp(argv[1], "uname") && argc == 0 && uname(&u) == 0) {
		printf("%s %s\n", u.release, u.machine);
		return 0;
	}
	fprintf(stderr, "probe: bad arguments\n");
	return 2;
}
