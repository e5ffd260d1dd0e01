/*
 * kernel/exec/fault.c -- the exception tables, and faults nothing catches.
 *
 * In 2.4, get_user() and friends are single instructions that may fault on a bad pointer.
 * Each has an entry {insn, fixup} in the __ex_table section of the kernel or of a module,
 * and struct module's ex_table_start/end delimit a module's table.  do_page_fault, on a
 * kernel-mode fault, searches those tables for the faulting instruction pointer; on a hit
 * it sets the instruction pointer to the fixup and returns, and the fixup code sets
 * -EFAULT and jumps back.
 *
 * Here the SIGSEGV (and SIGBUS) handler does the same with the saved user context: a hit
 * rewrites the saved instruction pointer and returns, so the fixup runs in the module.  A
 * miss is an oops: say where it happened (the faulting address, the instruction pointer
 * and, when it is inside a module, the module and offset) and exit with 128 + the signal
 * number.  The handler runs on its own stack (a module overflowing the stack still gets a
 * report) and only uses write(2) and _exit(2).
 *
 * Reading the saved instruction pointer is the only CPU-specific code of the executor.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* MAP_FIXED_NOREPLACE, REG_RIP/REG_EIP, strndup */
#endif
#include "exec.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>

#if defined(__x86_64__)
#define SAVED_IP(uc) ((uc)->uc_mcontext.gregs[REG_RIP])
#elif defined(__i386__)
#define SAVED_IP(uc) ((uc)->uc_mcontext.gregs[REG_EIP])
#else
#error "modlink-exec: no instruction pointer access for this CPU"
#endif

#define MAX_MODULES 64

/* What the handler needs of each module, copied so it never touches the heap. */
static struct {
	unsigned long base, size;
	unsigned long ex_start, ex_end;
	char name[64];
} modules[MAX_MODULES];
static volatile size_t nmodules;

static char alt_stack[64 * 1024];

void mlx_fault_add(const struct mlx_image *im)
{
	size_t n = nmodules;

	if (n == MAX_MODULES)
		return;
	modules[n].base = im->base;
	modules[n].size = im->mod.size;
	modules[n].ex_start = im->mod.ex_table_start;
	modules[n].ex_end = im->mod.ex_table_end;
	strncpy(modules[n].name, im->name, sizeof(modules[n].name) - 1);
	nmodules = n + 1;
}

/* The fixup for a faulting instruction, or 0.  Linear: module tables are not sorted. */
static unsigned long search_exception_tables(unsigned long ip)
{
	size_t i;

	for (i = 0; i < nmodules; i++) {
		const struct mlx_extable_entry *e = (const void *)modules[i].ex_start;
		const struct mlx_extable_entry *end = (const void *)modules[i].ex_end;

		for (; e && e < end; e++)
			if (e->insn == ip)
				return e->fixup;
	}
	return 0;
}

/* Async-signal-safe output. */
static void put(const char *s)
{
	size_t n = strlen(s);

	while (n) {
		ssize_t w = write(STDERR_FILENO, s, n);

		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

/* v in hex: all 2 * sizeof(long) digits (the kernel's %08lx), or no leading zeros. */
static void put_hex(unsigned long v, int full)
{
	char buf[2 * sizeof(v) + 1];
	int i, first = 2 * sizeof(v) - 1;

	for (i = 2 * sizeof(v) - 1; i >= 0; i--, v >>= 4) {
		buf[i] = "0123456789abcdef"[v & 15];
		if (v & 15)
			first = i;
	}
	buf[2 * sizeof(v)] = '\0';
	put(full ? buf : buf + first);
}

static void handler(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;
	unsigned long ip = (unsigned long)SAVED_IP(uc);
	unsigned long addr = (unsigned long)si->si_addr;
	size_t i;

	if (sig == SIGSEGV || sig == SIGBUS) {
		unsigned long fixup = search_exception_tables(ip);

		if (fixup) {
			SAVED_IP(uc) = (greg_t)fixup;
			return;
		}
	}

	put("modlink-exec: ");
	switch (sig) {
	case SIGSEGV:
	case SIGBUS:
		put(addr < 4096 ? "Unable to handle kernel NULL pointer dereference"
				: "Unable to handle kernel paging request");
		put(" at virtual address ");
		put_hex(addr, 1);
		break;
	case SIGILL:
		put("invalid operand");
		break;
	case SIGFPE:
		put("divide error");
		break;
	default:
		put("fatal signal");
		break;
	}
	put("\nmodlink-exec: ip ");
	put_hex(ip, 1);
	for (i = 0; i < nmodules; i++) {
		if (ip >= modules[i].base && ip - modules[i].base < modules[i].size) {
			put(" (");
			put(modules[i].name);
			put("+0x");
			put_hex(ip - modules[i].base, 0);
			put(")");
			break;
		}
	}
	put(", no exception table entry\n");
	_exit(128 + sig);
}

int mlx_fault_setup(void)
{
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE };
	struct sigaction sa;
	stack_t ss;
	size_t i;

	ss.ss_sp = alt_stack;
	ss.ss_size = sizeof(alt_stack);
	ss.ss_flags = 0;
	if (sigaltstack(&ss, NULL) < 0)
		return -1;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = handler;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (sigaction(sigs[i], &sa, NULL) < 0)
			return -1;
	return 0;
}
