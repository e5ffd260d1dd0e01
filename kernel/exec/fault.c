/*
 * kernel/exec/fault.c -- the exception tables, and faults nothing catches.
 *
 * In 2.4, get_user() and friends are single instructions that may fault on a bad pointer.
 * Each has an entry {insn, fixup} in the __ex_table section of the kernel or of a module,
 * and struct module's ex_table_start/end delimit a module's table.  do_page_fault, on a
 * kernel-mode fault, searches those tables for the faulting instruction's address; on a
 * hit it sets the program counter to the fixup and returns, and the fixup code sets
 * -EFAULT and jumps back.  (32-bit SPARC also knows range entries: {first insn, 0} then
 * {last insn + 4, fixup} cover every instruction in between.)
 *
 * Here the SIGSEGV (and SIGBUS) handler does the same with the context the signal saved:
 * a hit rewrites the saved program counter and returns, so the fixup runs in the module.
 * A miss is an oops: `run` says where it happened on stderr (the faulting address, the
 * program counter and, when it is inside a module, the module and offset) and exits with
 * 128 + the signal number; `call` appends the oops to the kernel log (kmsg) and exits
 * with MLX_EXIT_OOPS.  The handler runs on its own stack (a module overflowing the stack
 * still gets a report) and only uses write(2) and _exit(2).
 *
 * The oops in kmsg is two lines, without a log level:
 *	Unable to handle kernel NULL pointer dereference at virtual address %08lx
 *	(or "Unable to handle kernel paging request at ...", for addresses from 4096 up;
 *	"invalid operand" or "divide error" for SIGILL and SIGFPE)
 *	EIP is at %08lx   (x86; "PC is at %08lx" on the other CPUs)
 *
 * Reading and setting the saved program counter, and finding the faulting address, is
 * the CPU-specific part of the executor:
 *  - with glibc, through ucontext_t: x86 gregs[REG_RIP/REG_EIP], ARM arm_pc, MIPS pc,
 *    PowerPC uc_regs->gregs[32] (PT_NIP), m68k gregs[16] (R_PC); si_addr for the address;
 *  - without (rt-nolibc.c), in the kernel's frames: the x86_64 and SH ucontext (struct
 *    sigcontext after uc_flags, uc_link and a stack_t; rip is its 17th word, SH's sc_pc
 *    its 18th; qemu-user 7 shifts SH's by two words, see there); on 32-bit SPARC the
 *    classic frame, whose second argument points at the
 *    saved {psr, pc, npc, y, g0-g7, o0-o7} (qemu-user 7 has no other).  That frame has no
 *    faulting address, so it is computed from the load or store instruction at pc and
 *    the registers: g and o from the frame, l and i from the window the kernel saved at
 *    the start of the frame, which is the handler's frame pointer.  A fixup on SPARC sets
 *    npc too.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* REG_RIP, REG_EIP, R_PC */
#endif
#include "exec.h"

#include <stdint.h>

#ifndef MLX_NOLIBC
#include <signal.h>
#include <ucontext.h>
#endif

#define MAX_MODULES 64

/* What the handler needs of each module, copied so it never touches anything else. */
static struct {
	unsigned long base, size;
	unsigned long ex_start, ex_end;
	char name[64];
} modules[MAX_MODULES];
static volatile unsigned long nmodules;

static int oops_fd = -1;
static char alt_stack[64 * 1024] __attribute__((aligned(16)));

#ifndef MLX_NOLIBC
#if defined(__x86_64__)
#define SAVED_PC(uc) ((uc)->uc_mcontext.gregs[REG_RIP])
#elif defined(__i386__)
#define SAVED_PC(uc) ((uc)->uc_mcontext.gregs[REG_EIP])
#elif defined(__arm__)
#define SAVED_PC(uc) ((uc)->uc_mcontext.arm_pc)
#elif defined(__mips__)
#define SAVED_PC(uc) ((uc)->uc_mcontext.pc)
#elif defined(__powerpc__) && !defined(__powerpc64__)
#define SAVED_PC(uc) ((uc)->uc_mcontext.uc_regs->gregs[32])
#elif defined(__m68k__)
#define SAVED_PC(uc) ((uc)->uc_mcontext.gregs[16])
#else
#error "modlink-exec: no program counter access for this CPU"
#endif

static unsigned long ctx_pc(void *info, void *ctx)
{
	return (unsigned long)SAVED_PC((ucontext_t *)ctx);
}

static void ctx_set_pc(void *info, void *ctx, unsigned long pc)
{
	SAVED_PC((ucontext_t *)ctx) = pc;
}

static unsigned long fault_addr(void *info, void *ctx, void *frame)
{
	return (unsigned long)((siginfo_t *)info)->si_addr;
}

#elif defined(__x86_64__)
/* ucontext: uc_flags, uc_link, stack_t (24 bytes), then sigcontext: r8-r15, rdi, rsi,
 * rbp, rbx, rdx, rax, rcx, rsp, rip. */
#define PC_WORD (5 + 16)

static unsigned long ctx_pc(void *info, void *ctx)
{
	return ((unsigned long *)ctx)[PC_WORD];
}

static void ctx_set_pc(void *info, void *ctx, unsigned long pc)
{
	((unsigned long *)ctx)[PC_WORD] = pc;
}

static unsigned long fault_addr(void *info, void *ctx, void *frame)
{
	unsigned long a;

	memcpy(&a, (char *)info + 16, sizeof(a)); /* si_addr */
	return a;
}

#elif defined(__sh__)
/*
 * ucontext: uc_flags, uc_link, stack_t {ss_sp, ss_flags, ss_size}, then sigcontext:
 * oldmask, r0-r15, pc.  qemu-user 7 (Debian 12) declares uc_link as a host pointer, so on
 * a 64-bit host its frame has two more words before the stack_t; the stack_t's ss_sp,
 * which is our alternate stack, tells which layout this is.
 */
static unsigned long *sh_sigcontext(void *ctx)
{
	unsigned long *w = ctx;

	if (w[2] != (unsigned long)alt_stack && w[4] == (unsigned long)alt_stack)
		return w + 7;
	return w + 5;
}

static unsigned long ctx_pc(void *info, void *ctx)
{
	return sh_sigcontext(ctx)[17];
}

static void ctx_set_pc(void *info, void *ctx, unsigned long pc)
{
	sh_sigcontext(ctx)[17] = pc;
}

static unsigned long fault_addr(void *info, void *ctx, void *frame)
{
	unsigned long a;

	memcpy(&a, (char *)info + 12, sizeof(a)); /* si_addr */
	return a;
}

#elif defined(__sparc__) && !defined(__arch64__)
/* info: {psr, pc, npc, y, u_regs[16] (g0-g7, o0-o7)}; frame: {locals[8], ins[8]}. */
static unsigned long ctx_pc(void *info, void *ctx)
{
	return ((uint32_t *)info)[1];
}

static void ctx_set_pc(void *info, void *ctx, unsigned long pc)
{
	((uint32_t *)info)[1] = (uint32_t)pc;
	((uint32_t *)info)[2] = (uint32_t)pc + 4;
}

static uint32_t sparc_reg(void *info, void *frame, unsigned int r)
{
	if (r == 0)
		return 0;
	if (r < 16)
		return ((uint32_t *)info)[4 + r];
	return ((uint32_t *)frame)[r - 16];
}

/* The address a format-3 (load/store) instruction accesses: rs1 + (simm13 or rs2). */
static unsigned long fault_addr(void *info, void *ctx, void *frame)
{
	uint32_t insn = *(const uint32_t *)ctx_pc(info, ctx);
	uint32_t rs1 = (insn >> 14) & 31, a;

	if (insn >> 30 != 3)
		return 0;
	a = sparc_reg(info, frame, rs1);
	if (insn & (1u << 13))
		a += (uint32_t)(((int32_t)(insn << 19)) >> 19);
	else
		a += sparc_reg(info, frame, insn & 31);
	return a;
}
#else
#error "modlink-exec: no program counter access for this CPU"
#endif

void mlx_fault_add(const struct mlx_image *im)
{
	unsigned long n = nmodules;

	if (n == MAX_MODULES)
		return;
	modules[n].base = im->base;
	modules[n].size = im->mod.size && im->mod.size <= im->len ? im->mod.size : im->len;
	modules[n].ex_start = im->mod.ex_table_start;
	modules[n].ex_end = im->mod.ex_table_end;
	strncpy(modules[n].name, im->name ? im->name : "?", sizeof(modules[n].name) - 1);
	nmodules = n + 1;
}

/* The fixup for a faulting instruction, or 0.  Linear: module tables are not sorted. */
static unsigned long search_exception_tables(unsigned long pc)
{
	unsigned long i;

	for (i = 0; i < nmodules; i++) {
		const struct mlx_extable_entry *e = (const void *)modules[i].ex_start;
		const struct mlx_extable_entry *end = (const void *)modules[i].ex_end;

		for (; e && e < end; e++) {
#if defined(__sparc__)
			if (e->fixup == 0 && e + 1 < end) {
				if (pc >= e->insn && pc < e[1].insn)
					return e[1].fixup;
				e++;
				continue;
			}
#endif
			if (e->insn == pc)
				return e->fixup;
		}
	}
	return 0;
}

#if defined(__i386__) || defined(__x86_64__)
#define PC_NAME "EIP"
#else
#define PC_NAME "PC"
#endif

/*
 * Only the executor's own code runs here (fmt.c formats without locks or allocation), and
 * the report is one write(2): an oops appended to kmsg is never interleaved.
 */
static void handler(int sig, void *info, void *ctx)
{
	unsigned long pc = ctx_pc(info, ctx), addr = 0, i;
	const char *what = "fatal signal";
	char msg[512], where[128] = "";
	int n;

	if (sig == MLX_SIGSEGV || sig == MLX_SIGBUS) {
		unsigned long fixup = search_exception_tables(pc);

		if (fixup) {
			ctx_set_pc(info, ctx, fixup);
			return;
		}
		addr = fault_addr(info, ctx, __builtin_frame_address(0));
		what = addr < 4096 ? "Unable to handle kernel NULL pointer dereference"
				   : "Unable to handle kernel paging request";
	} else if (sig == MLX_SIGILL) {
		what = "invalid operand";
	} else if (sig == MLX_SIGFPE) {
		what = "divide error";
	}

	if (oops_fd >= 0) {
		/* call: the oops goes to the kernel log, where the model reads it. */
		if (sig == MLX_SIGSEGV || sig == MLX_SIGBUS)
			n = mlx_snprintf(msg, sizeof(msg), "%s at virtual address %08lx\n", what,
					 addr);
		else
			n = mlx_snprintf(msg, sizeof(msg), "%s\n", what);
		n += mlx_snprintf(msg + n, sizeof(msg) - (size_t)n, PC_NAME " is at %08lx\n", pc);
		mlx_puts(oops_fd, msg, (size_t)n);
		mlx_exit(MLX_EXIT_OOPS);
	}
	for (i = 0; i < nmodules; i++) {
		if (pc >= modules[i].base && pc - modules[i].base < modules[i].size) {
			mlx_snprintf(where, sizeof(where), " (%s+%#lx)", modules[i].name,
				     pc - modules[i].base);
			break;
		}
	}
	if (sig == MLX_SIGSEGV || sig == MLX_SIGBUS)
		n = mlx_snprintf(msg, sizeof(msg), "modlink-exec: %s at virtual address %0*lx\n",
				 what, (int)(2 * sizeof(long)), addr);
	else
		n = mlx_snprintf(msg, sizeof(msg), "modlink-exec: %s\n", what);
	n += mlx_snprintf(msg + n, sizeof(msg) - (size_t)n,
			  "modlink-exec: ip %0*lx%s, no exception table entry\n",
			  (int)(2 * sizeof(long)), pc, where);
	mlx_puts(2, msg, (size_t)n);
	mlx_exit(128 + sig);
}

/* Catch faults; oops_fd >= 0 (`call`): report oopses there instead of on stderr. */
int mlx_fault_setup(int fd)
{
	oops_fd = fd;
	return mlx_catch_faults(handler, alt_stack, sizeof(alt_stack));
}
