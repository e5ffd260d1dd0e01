// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The live kernel: 2.2/2.4's module system calls made directly, since libc
 * has no wrappers.  create_module returns a kernel address that looks like
 * a negative number on 32-bit CPUs, so success is judged by errno (cleared
 * first), never by the sign of the return value.
 */
#include "kernel/kernel.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

static long sys(long nr, long a, long b, long c, long d, long e)
{
	long r;

	errno = 0;
	r = syscall(nr, a, b, c, d, e);
	/* a kernel address may look like -1..-4095 only if errno says so */
	if (r == -1 && errno)
		return -errno;
	return r;
}

#ifndef SYS_create_module
#define SYS_create_module -1
#define SYS_query_module -1
#endif

static long live_create(struct ml_kernel *k, const char *name, uint64_t size, uint64_t *addr)
{
	long r;

	if (SYS_create_module < 0)
		return -ENOSYS;
	errno = 0;
	r = syscall(SYS_create_module, name, (size_t)size);
	if (r == -1 && errno && errno <= 125)
		return -errno;
	*addr = (uint64_t)(unsigned long)r;
	return 0;
}

static long live_init(struct ml_kernel *k, const char *name, const void *image, size_t size)
{
	return sys(SYS_init_module, (long)name, (long)image, 0, 0, 0) < 0 ? -errno : 0;
}

static long live_delete(struct ml_kernel *k, const char *name)
{
	return sys(SYS_delete_module, (long)name, 0, 0, 0, 0) < 0 ? -errno : 0;
}

static long live_query(struct ml_kernel *k, const char *name, int which, void *buf, size_t bufsize,
		       size_t *ret)
{
	if (SYS_query_module < 0)
		return -ENOSYS;
	return sys(SYS_query_module, (long)name, which, (long)buf, (long)bufsize, (long)ret) < 0
		       ? -errno
		       : 0;
}

static int live_release(struct ml_kernel *k, char *buf, size_t n)
{
	struct utsname u;

	if (uname(&u))
		return -errno;
	snprintf(buf, n, "%s", u.release);
	return 0;
}

static char *live_proc(struct ml_kernel *k, const char *name, size_t *len, int *err)
{
	char *p = ml_xasprintf("/proc/%s", name);
	unsigned char *data;
	struct ml_diags d = { 0 };

	*err = ml_read_file(p, &data, len, &d);
	ml_diags_free(&d);
	free(p);
	return *err ? NULL : (char *)data;
}

static int live_taint(struct ml_kernel *k, int bits, int *old)
{
	FILE *f = fopen("/proc/sys/kernel/tainted", "r+");
	int v = 0;

	if (!f)
		return errno == EACCES ? 0 : -errno;
	if (fscanf(f, "%d", &v) != 1)
		v = 0;
	*old = v;
	if (bits && (v | bits) != v) {
		rewind(f);
		fprintf(f, "%d\n", v | bits);
	}
	fclose(f);
	return 0;
}

static const struct ml_kernel_ops live_ops = {
	.create_module = live_create,
	.init_module = live_init,
	.delete_module = live_delete,
	.query_module = live_query,
	.release = live_release,
	.proc = live_proc,
	.taint = live_taint,
};

/* The kernel's CPU from uname's machine (UNAME_MACHINE overrides, as in modutils). */
static const char *host_cpu(void)
{
	static const struct {
		const char *prefix, *cpu;
	} map[] = {
		{ "x86_64", "x86_64" }, { "i", "i386" }, { "arm", "arm" },   { "mips", "mips" },
		{ "ppc", "ppc" },       { "sh", "sh" },  { "m68k", "m68k" }, { "sparc", "sparc" },
	};
	static struct utsname u;
	const char *m = getenv("UNAME_MACHINE");

	if (!m)
		m = uname(&u) == 0 ? u.machine : "";
	for (size_t i = 0; i < ML_ARRAY_SIZE(map); i++)
		if (!strncmp(m, map[i].prefix, strlen(map[i].prefix)))
			return map[i].cpu;
	return m;
}

int ml_kernel_open_live(struct ml_kernel **k, struct ml_diags *d)
{
	*k = ml_xcalloc(1, sizeof(**k));
	(*k)->ops = &live_ops;
	(*k)->name = "live";
	(*k)->cpu = host_cpu();
	(*k)->t.is64 = sizeof(long) == 8;
	(*k)->t.big = __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__;
	return 0;
}
