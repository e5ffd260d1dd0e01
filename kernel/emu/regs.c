// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The traced thread's registers at a system call stop: which register holds
 * which argument in each ABI, and memory of the caller's own for what a call
 * we make it do is to read (a path, a struct sigaction): its scratch page,
 * got by making it call mmap first, or else its stack.
 */
#include "kernel/emu/emu-int.h"

#include <errno.h>
#include <sys/ptrace.h>

#if defined(__x86_64__)

unsigned long long *emu_argreg(struct user_regs_struct *r, enum abi abi, int i)
{
	unsigned long long *x64[] = { &r->rdi, &r->rsi, &r->rdx, &r->r10, &r->r8, &r->r9 };
	unsigned long long *x32[] = { &r->rbx, &r->rcx, &r->rdx, &r->rsi, &r->rdi, &r->rbp };

	return abi == ABI_I386 ? x32[i] : x64[i];
}

uint64_t emu_arg(struct user_regs_struct *r, enum abi abi, int i)
{
	uint64_t v = *emu_argreg(r, abi, i);

	return abi == ABI_I386 ? (uint32_t)v : v;
}

int emu_setregs(struct tracee *tr, struct user_regs_struct *r)
{
	return ptrace(PTRACE_SETREGS, tr->tid, NULL, r) ? -errno : 0;
}

/*
 * Memory for what a call of the caller's is to read (a path, a struct
 * sigaction): its own scratch page (see emu_need_scratch), or else its stack,
 * below the red zone that the x86_64 ABI lets leaf functions use.  The stack
 * alone will not do: when the stack pointer is at the lowest address the
 * stack has ever reached, there is no page below it, and only the program's
 * own accesses grow the stack.  The address in *at.
 */
int emu_place(struct tracee *tr, const struct user_regs_struct *r, const void *data, size_t n,
	      uint64_t *at)
{
	struct mem x = { tr->tid, tr->abi == ABI_I386 };
	uint64_t sp = tr->abi == ABI_I386 ? (uint32_t)r->rsp : r->rsp;

	if (tr->scratch != SCRATCH_NONE && tr->scratch != SCRATCH_FAILED && n <= PAGE_SZ) {
		*at = tr->scratch;
		if (!emu_mem_rw(&x, *at, (void *)data, n, true))
			return 0;
	}
	*at = (sp - 128 - n) & ~15ULL;
	return emu_mem_rw(&x, *at, (void *)data, n, true);
}

/*
 * Give the thread a scratch page first, if it has none: the call becomes
 * mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
 * 0) (mmap2 on i386), and at its exit the registers are put back with the
 * instruction pointer on the system call instruction again (syscall, int
 * 0x80 and the vDSO's sysenter path all restart from 2 bytes back, as the
 * kernel's own restarts do), so that the thread makes the call anew.  True
 * if that was done: the call is served on its next entry.  One page per
 * thread, for the life of its address space.
 */
bool emu_need_scratch(struct tracee *tr, struct user_regs_struct *r)
{
	static const int mmap_nr[] = { 9, 192 };
	static const uint64_t a[] = { 0,
				      4096,
				      3 /* PROT_READ | PROT_WRITE */,
				      0x22 /* MAP_PRIVATE | MAP_ANONYMOUS */,
				      (uint64_t)-1,
				      0 };

	if (tr->scratch != SCRATCH_NONE)
		return false;
	tr->saved = *r;
	r->orig_rax = (unsigned long long)mmap_nr[tr->abi];
	for (int i = 0; i < 6; i++)
		*emu_argreg(r, tr->abi, i) = tr->abi == ABI_I386 ? (uint32_t)a[i] : a[i];
	tr->x = X_SCRATCH;
	if (emu_setregs(tr, r)) {
		tr->x = X_NONE;
		tr->scratch = SCRATCH_FAILED;
		return false;
	}
	return true;
}

#endif
