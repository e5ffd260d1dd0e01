// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The traced caller's memory, as the kernel's user copies reach it:
 * process_vm_readv/writev one page at a time, so that a buffer running into
 * an unmapped page is moved up to the fault, as copy_to_user does (with a
 * word-wise ptrace fallback for kernels without process_vm_*).  Addresses
 * are the caller's: a 32-bit caller's stop at 4 GiB, and a qemu-i386
 * guest's are offset by where qemu put the guest (struct mem).
 */
#include "kernel/emu/emu-int.h"

#include <errno.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/uio.h>

#if defined(__x86_64__)

static bool user_range(const struct mem *x, uint64_t addr, size_t n)
{
	uint64_t lim = x->compat ? 1ULL << 32 : ~0ULL;

	return addr < lim && n <= lim - addr;
}

/* Word-wise fallback for kernels without process_vm_readv/writev. */
static int peek(const struct mem *x, uint64_t addr, void *buf, size_t n, const void *src)
{
	unsigned char *out = buf;
	const unsigned char *in = src;

	addr += x->base;
	while (n) {
		uint64_t a = addr & ~7ULL, off = addr - a;
		size_t k = 8 - off < n ? 8 - off : n;
		long w;

		errno = 0;
		w = ptrace(PTRACE_PEEKDATA, x->tid, (void *)(uintptr_t)a, NULL);
		if (errno)
			return -EFAULT;
		if (in) {
			memcpy((unsigned char *)&w + off, in, k);
			if (ptrace(PTRACE_POKEDATA, x->tid, (void *)(uintptr_t)a, (void *)w))
				return -EFAULT;
			in += k;
		} else {
			memcpy(out, (unsigned char *)&w + off, k);
			out += k;
		}
		addr += k;
		n -= k;
	}
	return 0;
}

/*
 * One page at a time: a transfer that runs into an unmapped page moves the
 * bytes before it, as the kernel's user copies do, and then fails.
 */
int emu_mem_rw(const struct mem *x, uint64_t addr, void *lbuf, size_t n, bool write)
{
	unsigned char *p = lbuf;

	if (!user_range(x, addr, n))
		return -EFAULT;
	while (n) {
		size_t k = (size_t)(PAGE_SZ - (addr & (PAGE_SZ - 1)));
		struct iovec l, r;
		ssize_t got;

		if (k > n)
			k = n;
		l = (struct iovec){ p, k };
		r = (struct iovec){ (void *)(uintptr_t)(addr + x->base), k };
		got = write ? process_vm_writev(x->tid, &l, 1, &r, 1, 0)
			    : process_vm_readv(x->tid, &l, 1, &r, 1, 0);
		if (got < 0 && (errno == ENOSYS || errno == EPERM)) {
			/* PTRACE_POKEDATA writes even read-only pages: a
			 * difference from the kernel only without process_vm_* */
			if (peek(x, addr, write ? NULL : p, k, write ? p : NULL))
				return -EFAULT;
			got = (ssize_t)k;
		}
		if (got != (ssize_t)k)
			return -EFAULT;
		addr += k;
		p += k;
		n -= k;
	}
	return 0;
}

int emu_mem_read(void *ctx, uint64_t addr, void *buf, size_t n)
{
	return emu_mem_rw(ctx, addr, buf, n, false);
}

int emu_mem_write(void *ctx, uint64_t addr, const void *buf, size_t n)
{
	return emu_mem_rw(ctx, addr, (void *)buf, n, true);
}

/* A string of less than max bytes, or -1. */
int emu_read_str(const struct mem *x, uint64_t addr, char *buf, size_t max)
{
	size_t got = 0;

	while (got < max) {
		size_t k = (size_t)(PAGE_SZ - ((addr + got) & (PAGE_SZ - 1)));

		if (k > max - got)
			k = max - got;
		if (emu_mem_rw(x, addr + got, buf + got, k, false))
			return -1;
		if (memchr(buf + got, 0, k))
			return 0;
		got += k;
	}
	return -1;
}

#endif
