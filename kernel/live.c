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

#define QM_MODULES 1
#define QM_SYMBOLS 4
#define QM_INFO 5

static long sys_query_module(const char *name, int which, void *buf, size_t n, size_t *ret)
{
#ifdef SYS_query_module
	return syscall(SYS_query_module, name, which, buf, n, ret);
#else
	errno = ENOSYS;
	return -1;
#endif
}

/* query_module with the ENOSPC protocol: grow the buffer to *ret and retry. */
static int query(const char *name, int which, char **buf, size_t *count, size_t start)
{
	size_t n = start, ret = 0;

	*buf = ml_xmalloc(n);
	for (;;) {
		if (sys_query_module(name, which, *buf, n, &ret) == 0) {
			*count = ret;
			return 0;
		}
		if (errno != ENOSPC) {
			int e = errno;

			free(*buf);
			*buf = NULL;
			return -e;
		}
		n = ret > n ? ret : 2 * n;
		*buf = ml_xrealloc(*buf, n);
	}
}

static void add_symbols(struct ml_ksymtab *t, const char *mod, const char *buf, size_t nsyms)
{
	/* pairs of native unsigned longs {value, name offset from buf} */
	const unsigned long *pairs = (const unsigned long *)buf;

	for (size_t i = 0; i < nsyms; i++)
		ml_ksymtab_add(t, buf + pairs[2 * i + 1], pairs[2 * i], mod);
}

static int live_get_symbols(struct ml_kernel *k, struct ml_ksymtab *t, struct ml_diags *d)
{
	char *mods, *buf;
	size_t nmods, n;
	int err;

	if (sys_query_module(NULL, 0, NULL, 0, NULL) != 0) {
		err = errno;
		ml_err(d, NULL, "this kernel has no 2.2/2.4 module interface (query_module: %s); give the kernel symbols with --ksyms, --kallsyms or --system-map and use -n or --base, or use --kernel=sim:DIR",
		       strerror(err));
		return -err;
	}
	err = query(NULL, QM_MODULES, &mods, &nmods, 256);
	if (err) {
		ml_err(d, NULL, "QM_MODULES: %s", strerror(-err));
		return err;
	}
	const char *m = mods;

	t->crc_source = true;
	for (size_t i = 0; i < nmods; i++, m += strlen(m) + 1) {
		unsigned long info[4];
		size_t ret;
		int mi = ml_ksymtab_module(t, m);

		if (sys_query_module(m, QM_INFO, info, sizeof(info), &ret) == 0) {
			t->mods[mi].addr = info[0];
			t->mods[mi].have_addr = true;
		}
		if (query(m, QM_SYMBOLS, &buf, &n, 1024) == 0) {
			add_symbols(t, m, buf, n);
			free(buf);
		}
	}
	free(mods);
	err = query(NULL, QM_SYMBOLS, &buf, &n, 16384);
	if (err) {
		ml_err(d, NULL, "QM_SYMBOLS: %s", strerror(-err));
		return err;
	}
	add_symbols(t, NULL, buf, n);
	free(buf);
	return 0;
}

static int live_module_exists(struct ml_kernel *k, const char *name)
{
	unsigned long info[4];
	size_t ret;

	if (sys_query_module(name, QM_INFO, info, sizeof(info), &ret) == 0)
		return 1;
	return errno == ENOENT ? 0 : -errno;
}

static int live_create_module(struct ml_kernel *k, const char *name, uint64_t size, uint64_t *addr)
{
#ifdef SYS_create_module
	long r;

	errno = 0;
	r = syscall(SYS_create_module, name, (size_t)size);
	if (r == -1 && errno && errno <= 125)
		return -errno;
	*addr = (uint64_t)(unsigned long)r;
	return 0;
#else
	return -ENOSYS;
#endif
}

static int live_init_module(struct ml_kernel *k, const char *name, const void *image, size_t size)
{
	return syscall(SYS_init_module, name, image) == 0 ? 0 : -errno;
}

static int live_delete_module(struct ml_kernel *k, const char *name)
{
	return syscall(SYS_delete_module, name) == 0 ? 0 : -errno;
}

static int live_release(struct ml_kernel *k, char *buf, size_t n)
{
	struct utsname u;

	if (uname(&u))
		return -errno;
	snprintf(buf, n, "%s", u.release);
	return 0;
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
	.name = "live",
	.get_symbols = live_get_symbols,
	.module_exists = live_module_exists,
	.create_module = live_create_module,
	.init_module = live_init_module,
	.delete_module = live_delete_module,
	.release = live_release,
	.taint = live_taint,
};

int ml_kernel_open(const char *spec, struct ml_kernel **k, struct ml_diags *d)
{
	if (!spec || !strcmp(spec, "live")) {
		*k = ml_xcalloc(1, sizeof(**k));
		(*k)->ops = &live_ops;
		return 0;
	}
	ml_err(d, NULL, "unknown kernel '%s' (known: live)", spec);
	return -EINVAL;
}

void ml_kernel_close(struct ml_kernel *k)
{
	if (k && k->ops->close)
		k->ops->close(k);
	free(k);
}
