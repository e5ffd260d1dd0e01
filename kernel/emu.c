// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * k24emu's engine: a 2.4 kernel's module system calls, served to a traced
 * program from the model (model.h).
 *
 * How a call is served.  The program runs under ptrace with every process and
 * thread it starts (fork, vfork, clone and exec are traced) and stops at each
 * system call's entry and exit.  At the entry of a module call the model does
 * the work, reading and writing the caller's memory through
 * process_vm_readv/writev, one page at a time so that a buffer running into
 * an unmapped page is written up to the fault, as copy_to_user does; the
 * real call is then turned into "no system call" (orig_rax = -1, which the
 * kernel skips), and at its exit the return register gets the model's result:
 * -errno, or for create_module the module's address as is, so that a 32-bit
 * caller gets 0xc4800000 and judges success by errno as on a 2.4 kernel.
 * PTRACE_GET_SYSCALL_INFO says entry or exit and which ABI the call came in
 * by (AUDIT_ARCH_I386 for int 0x80 and 32-bit programs' sysenter); on kernels
 * without it, entries and exits alternate and the code segment tells the
 * ABI.  The numbers are the 2.4 ones: x86_64 create_module 174 to
 * query_module 178; i386 create_module 127, init_module 128, delete_module
 * 129, get_kernel_syms 130, query_module 167.  Buffers hold the model CPU's
 * words, so the model must have the caller's word size and byte order; a
 * call from the wrong kind of program gets ENOSYS and a diagnostic.
 *
 * The /proc files.  Programs read the module list from /proc/modules,
 * /proc/ksyms and /proc/sys/kernel/tainted, which the host kernel does not
 * have (or has in 2.6's format).  When a traced program opens, stats or
 * accesses one of those exact paths, the model's text is written to a fresh
 * file in a private temporary directory and the path argument is pointed at
 * that file's name, written into a page of the caller's own (see
 * need_scratch: the stack below the red zone is not always there); the
 * argument register is restored at the exit (the x86 system call ABIs promise
 * it unchanged), and the file is unlinked there, the new descriptor keeping
 * it alive.  A tainted file opened for writing is kept
 * instead, and what the program wrote is or'ed into the model's taint mask
 * after each close.  uname() is patched at its exit to report the model's
 * release and CPU, as insmod checks the release and modlink derives the
 * kernel's CPU from the machine name.
 *
 * When init_module oopses in the model, 2.4 kills the caller (do_exit with
 * SIGSEGV from the oops handler): the call is turned into
 * rt_sigaction(SIGSEGV, SIG_DFL) and the caller gets an unblocked SIGSEGV at
 * its exit.
 *
 * i386 programs on hosts that cannot run them (ml_host_runs_i386: no IA-32
 * emulation in the kernel, or MODLINK_NO_NATIVE_I386=1).  An execve() of one,
 * by the command or by anything it starts, is turned into one of qemu-i386
 * (serve_exec), with its log of the guest's system calls (-strace) in a file
 * of ours and the guest's memory at a fixed place (-B).  qemu-i386 makes the
 * host's calls for most of the guest's, which k24emu sees as any x86_64
 * program's (the /proc files, uname), but it handles the module calls itself
 * as unknown ones (ENOSYS), without a host call.  Those are served from the
 * log: before handling a call, qemu writes its line ("PID
 * create_module(a0,...,a5)"); at that write the guest's registers are found
 * in qemu's memory (find_env), the call is served in the guest's memory, and
 * qemu is then single-stepped until it stores its ENOSYS into the guest's
 * eax, which is overwritten with the model's result.  An oops kills qemu with
 * SIGSEGV, as the native path kills the caller.
 *
 * Only x86_64 hosts: the register layout is the host's.
 */
#include "kernel/emu.h"
#include "kernel/model.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#if defined(__x86_64__)

#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/user.h>

/* The kernel's PTRACE_GET_SYSCALL_INFO interface (Linux 5.3), declared here
 * so as not to depend on the C library's headers having it. */
#define EMU_GET_SYSCALL_INFO 0x420e
#define EMU_SYSCALL_INFO_ENTRY 1
#define EMU_SYSCALL_INFO_EXIT 2
#define EMU_AUDIT_ARCH_I386 0x40000003u
struct emu_sysinfo {
	uint8_t op;
	uint32_t arch __attribute__((aligned(4)));
	uint64_t ip, sp;
	uint64_t nr, args[6];
	uint32_t pad;
};

enum abi { ABI_X86_64, ABI_I386 };
static const char *const abi_name[] = { "64-bit (x86_64)", "32-bit (i386)" };

enum call {
	C_CREATE, C_INIT, C_DELETE, C_GKS, C_QUERY, /* the module calls */
	C_PATH,   /* a path argument: open, stat, access and their *at forms */
	C_UNAME,
	C_CLOSE,
	C_EXEC,   /* execve: an i386 program is started under qemu-i386 */
	C_WRITE,  /* write: qemu-i386's log of its guest's system calls */
};

/* Where a C_PATH call has its open flags: an argument's index, or one of these. */
#define F_NONE -1 /* not an open */
#define F_CREAT -2 /* creat(): O_WRONLY | O_CREAT | O_TRUNC */
#define F_HOW -3 /* openat2(): in the struct open_how of argument 2 */

struct sysent {
	int nr;
	enum call c;
	const char *name;
	int path, flags; /* C_PATH: the index of the path argument; the open flags */
};

#define MOD(n, c, s) { n, c, s, -1, F_NONE }
#define PATH(n, s, p, f) { n, C_PATH, s, p, f }

static const struct sysent calls_x86_64[] = {
	MOD(174, C_CREATE, "create_module"), MOD(175, C_INIT, "init_module"),
	MOD(176, C_DELETE, "delete_module"), MOD(177, C_GKS, "get_kernel_syms"),
	MOD(178, C_QUERY, "query_module"),
	PATH(2, "open", 0, 1), PATH(4, "stat", 0, F_NONE), PATH(6, "lstat", 0, F_NONE),
	PATH(21, "access", 0, F_NONE), PATH(85, "creat", 0, F_CREAT),
	PATH(257, "openat", 1, 2), PATH(262, "newfstatat", 1, F_NONE),
	PATH(269, "faccessat", 1, F_NONE),
	PATH(332, "statx", 1, F_NONE), PATH(437, "openat2", 1, F_HOW),
	PATH(439, "faccessat2", 1, F_NONE),
	MOD(63, C_UNAME, "uname"), MOD(3, C_CLOSE, "close"),
	MOD(59, C_EXEC, "execve"), MOD(1, C_WRITE, "write"),
};

static const struct sysent calls_i386[] = {
	MOD(127, C_CREATE, "create_module"), MOD(128, C_INIT, "init_module"),
	MOD(129, C_DELETE, "delete_module"), MOD(130, C_GKS, "get_kernel_syms"),
	MOD(167, C_QUERY, "query_module"),
	PATH(5, "open", 0, 1), PATH(8, "creat", 0, F_CREAT),
	PATH(33, "access", 0, F_NONE),
	PATH(106, "stat", 0, F_NONE), PATH(107, "lstat", 0, F_NONE),
	PATH(195, "stat64", 0, F_NONE), PATH(196, "lstat64", 0, F_NONE),
	PATH(295, "openat", 1, 2), PATH(300, "fstatat64", 1, F_NONE),
	PATH(307, "faccessat", 1, F_NONE), PATH(383, "statx", 1, F_NONE),
	PATH(437, "openat2", 1, F_HOW), PATH(439, "faccessat2", 1, F_NONE),
	MOD(122, C_UNAME, "newuname"), MOD(109, C_UNAME, "olduname"),
	MOD(6, C_CLOSE, "close"),
};

static const int rt_sigaction_nr[] = { 13, 174 };

/* The /proc files that show the model; NULL: the release, made here. */
static const struct {
	const char *path, *model, *base;
} proc_files[] = {
	{ "/proc/modules", "modules", "modules" },
	{ "/proc/ksyms", "ksyms", "ksyms" },
	{ "/proc/sys/kernel/tainted", "sys/kernel/tainted", "tainted" },
	{ "/proc/sys/kernel/osrelease", NULL, "osrelease" },
};
#define PROC_PATH_MAX 32 /* longer than any of them */

/* What a stopped system call needs at its exit. */
enum exit_action { X_NONE, X_RESULT, X_PATH, X_UNAME, X_OOPS, X_CLOSE, X_SCRATCH, X_EXEC };

#define SCRATCH_NONE 0   /* not asked for yet */
#define SCRATCH_FAILED 1 /* the mmap failed: the stack it is */

struct tracee {
	pid_t tid;
	bool started;   /* its first stop (the attach SIGSTOP) was seen */
	bool insyscall; /* between entry and exit (without GET_SYSCALL_INFO) */
	enum abi abi;
	enum exit_action x;
	uint64_t rax;   /* X_RESULT: the return register */
	int argi;       /* X_PATH: the argument to restore... */
	uint64_t arg;   /* ...and its value */
	char *snap;     /* X_PATH: the file the path now names */
	bool keep;      /* X_PATH: a tainted file opened for writing */
	uint64_t ubuf;  /* X_UNAME: the struct utsname */
	uint64_t scratch; /* a page of ours in its address space, or SCRATCH_* */
	struct user_regs_struct saved; /* X_SCRATCH: the call to make again */
	uint64_t exec_args[2]; /* X_EXEC: execve's path and argv, to restore */
	uint64_t env;   /* under qemu-i386: its guest CPU's registers, 0 if not found yet */
	bool watch;     /* under qemu-i386: the result is waiting for the store... */
	uint32_t wnr;   /* ...into the guest's eax, which holds this number... */
	uint32_t wres;  /* ...to be overwritten with this */
};

struct taintfile {
	char *path;
	int value; /* what the file held when last looked at */
};

struct emu {
	const struct ml_emu_opts *o;
	struct ml_diags *d;
	struct ml_model *m;
	const struct ml_target *t;
	char *tmp;
	unsigned seq;
	struct tracee **tv;
	size_t ntv;
	struct taintfile *tf;
	size_t ntf;
	pid_t main;
	int status;
	bool sysinfo;
	bool told[2];
	char *qemu;     /* qemu-i386, when i386 programs cannot run natively */
	char *qlog;     /* the log file of the qemu-i386 guests' system calls */
};

/* ---- the caller's memory ---- */

struct mem {
	pid_t tid;
	bool compat;
	uint64_t base; /* where address 0 is: nonzero for a qemu-i386 guest */
};

#define PAGE_SZ 4096ULL

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
			if (ptrace(PTRACE_POKEDATA, x->tid, (void *)(uintptr_t)a,
				   (void *)w))
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
static int mem_rw(const struct mem *x, uint64_t addr, void *lbuf, size_t n, bool write)
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

static int mem_read(void *ctx, uint64_t addr, void *buf, size_t n)
{
	return mem_rw(ctx, addr, buf, n, false);
}

static int mem_write(void *ctx, uint64_t addr, const void *buf, size_t n)
{
	return mem_rw(ctx, addr, (void *)buf, n, true);
}

/* A string of less than max bytes, or -1. */
static int read_str(const struct mem *x, uint64_t addr, char *buf, size_t max)
{
	size_t got = 0;

	while (got < max) {
		size_t k = (size_t)(PAGE_SZ - ((addr + got) & (PAGE_SZ - 1)));

		if (k > max - got)
			k = max - got;
		if (mem_rw(x, addr + got, buf + got, k, false))
			return -1;
		if (memchr(buf + got, 0, k))
			return 0;
		got += k;
	}
	return -1;
}

/* ---- registers ---- */

static unsigned long long *argreg(struct user_regs_struct *r, enum abi abi, int i)
{
	unsigned long long *x64[] = { &r->rdi, &r->rsi, &r->rdx,
				      &r->r10, &r->r8,  &r->r9 };
	unsigned long long *x32[] = { &r->rbx, &r->rcx, &r->rdx,
				      &r->rsi, &r->rdi, &r->rbp };

	return abi == ABI_I386 ? x32[i] : x64[i];
}

static uint64_t arg(struct user_regs_struct *r, enum abi abi, int i)
{
	uint64_t v = *argreg(r, abi, i);

	return abi == ABI_I386 ? (uint32_t)v : v;
}

static int setregs(struct tracee *tr, struct user_regs_struct *r)
{
	return ptrace(PTRACE_SETREGS, tr->tid, NULL, r) ? -errno : 0;
}

/*
 * Memory for what a call of the caller's is to read (a path, a struct
 * sigaction): its own scratch page (see need_scratch), or else its stack,
 * below the red zone that the x86_64 ABI lets leaf functions use.  The stack
 * alone will not do: when the stack pointer is at the lowest address the
 * stack has ever reached, there is no page below it, and only the program's
 * own accesses grow the stack.  The address in *at.
 */
static int place(struct tracee *tr, const struct user_regs_struct *r, const void *data,
		 size_t n, uint64_t *at)
{
	struct mem x = { tr->tid, tr->abi == ABI_I386 };
	uint64_t sp = tr->abi == ABI_I386 ? (uint32_t)r->rsp : r->rsp;

	if (tr->scratch != SCRATCH_NONE && tr->scratch != SCRATCH_FAILED && n <= PAGE_SZ) {
		*at = tr->scratch;
		if (!mem_rw(&x, *at, (void *)data, n, true))
			return 0;
	}
	*at = (sp - 128 - n) & ~15ULL;
	return mem_rw(&x, *at, (void *)data, n, true);
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
static bool need_scratch(struct tracee *tr, struct user_regs_struct *r)
{
	static const int mmap_nr[] = { 9, 192 };
	static const uint64_t a[] = { 0, 4096, 3 /* PROT_READ | PROT_WRITE */,
				      0x22 /* MAP_PRIVATE | MAP_ANONYMOUS */, (uint64_t)-1, 0 };

	if (tr->scratch != SCRATCH_NONE)
		return false;
	tr->saved = *r;
	r->orig_rax = (unsigned long long)mmap_nr[tr->abi];
	for (int i = 0; i < 6; i++)
		*argreg(r, tr->abi, i) = tr->abi == ABI_I386 ? (uint32_t)a[i] : a[i];
	tr->x = X_SCRATCH;
	if (setregs(tr, r)) {
		tr->x = X_NONE;
		tr->scratch = SCRATCH_FAILED;
		return false;
	}
	return true;
}

/* ---- tracees ---- */

static struct tracee *tracee(struct emu *e, pid_t tid, bool add)
{
	struct tracee *tr;

	for (size_t i = 0; i < e->ntv; i++)
		if (e->tv[i]->tid == tid)
			return e->tv[i];
	if (!add)
		return NULL;
	tr = ml_xcalloc(1, sizeof(*tr));
	tr->tid = tid;
	e->tv = ml_xrealloc(e->tv, (e->ntv + 1) * sizeof(*e->tv));
	e->tv[e->ntv++] = tr;
	return tr;
}

static void drop_snap(struct tracee *tr)
{
	if (tr->snap) {
		unlink(tr->snap);
		free(tr->snap);
		tr->snap = NULL;
	}
	tr->x = X_NONE;
}

static void forget(struct emu *e, pid_t tid)
{
	for (size_t i = 0; i < e->ntv; i++) {
		if (e->tv[i]->tid != tid)
			continue;
		drop_snap(e->tv[i]);
		free(e->tv[i]);
		e->tv[i] = e->tv[--e->ntv];
		return;
	}
}

/* ---- /proc/sys/kernel/tainted written by the program ---- */

static int read_int(const char *p, int dflt)
{
	FILE *f = fopen(p, "r");
	int v = dflt;

	if (f) {
		if (fscanf(f, "%d", &v) != 1)
			v = dflt;
		fclose(f);
	}
	return v;
}

static void sync_taint(struct emu *e)
{
	for (size_t i = 0; i < e->ntf; i++) {
		int v = read_int(e->tf[i].path, e->tf[i].value);

		if (v == e->tf[i].value)
			continue;
		ml_model_taint(e->m, v);
		if (e->o->verbose)
			ml_info(e->d, NULL, "tainted: %d written, or'ed into the model", v);
		e->tf[i].value = v;
	}
}

/* ---- serving the calls ---- */

static const struct sysent *lookup(enum abi abi, uint64_t nr)
{
	const struct sysent *v = abi == ABI_I386 ? calls_i386 : calls_x86_64;
	size_t n = abi == ABI_I386 ? ML_ARRAY_SIZE(calls_i386)
				   : ML_ARRAY_SIZE(calls_x86_64);

	for (size_t i = 0; i < n; i++)
		if ((uint64_t)v[i].nr == nr)
			return &v[i];
	return NULL;
}

/* A module call of a program of the given ABI, its memory x. */
static long module_call(struct emu *e, struct mem *x, enum abi abi, const struct sysent *s,
			const uint64_t *a, uint64_t *addr)
{
	const struct ml_uaccess u = { x, mem_read, mem_write };
	bool is64 = abi == ABI_X86_64;

	if (e->t->is64 != is64 || e->t->big) {
		if (!e->told[abi])
			ml_err(e->d, NULL, "pid %d: %s from a %s program, but the model in %s is for %s, with %d-bit %s-endian words: the call got ENOSYS (a 32-bit program needs a model made with 'modlink kernel create DIR --cpu=i386', a 64-bit one --cpu=x86_64)",
			       (int)x->tid, s->name, abi_name[abi], e->o->state,
			       ml_model_cpu(e->m), e->t->is64 ? 64 : 32,
			       e->t->big ? "big" : "little");
		e->told[abi] = true;
		return -ENOSYS;
	}
	sync_taint(e);
	switch (s->c) {
	case C_CREATE:
		return ml_model_create_module(e->m, &u, a[0], a[1], addr);
	case C_INIT:
		return ml_model_init_module(e->m, &u, a[0], a[1]);
	case C_DELETE:
		return ml_model_delete_module(e->m, &u, a[0]);
	case C_GKS:
		return ml_model_get_kernel_syms(e->m, &u, a[0]);
	case C_QUERY: /* which is an int */
		return ml_model_query_module(e->m, &u, a[0], (int32_t)a[1], a[2], a[3],
					     a[4]);
	default:
		return -ENOSYS;
	}
}

/* ---- i386 programs under qemu-i386 (see the comment at the top) ---- */

#define QEMU_GUEST_BASE 0x100000000ULL /* qemu-i386 -B: the guest's address 0 */
#define STEP_MAX 2000000 /* instructions from the log line to the store, at most */

/*
 * The guest's eax is to become v.  qemu handles the call itself, as an
 * unknown one, and stores its result (-ENOSYS) into the guest's eax some
 * thousands of instructions after the log line: from the exit of the write,
 * the thread is single-stepped until that store, and v written over it.
 * (Hardware watchpoints would be cheaper, but virtual machines do not always
 * give them to their guests; stepping works everywhere ptrace does.)
 */
static void qemu_result(struct tracee *tr, uint32_t nr, uint32_t v)
{
	tr->watch = true;
	tr->wnr = nr;
	tr->wres = v;
}

/* At the exit of the log write: step to the store.  False if the thread is gone. */
static bool step_to_store(struct emu *e, struct tracee *tr)
{
	struct mem x = { tr->tid, false, 0 };
	bool done = false;
	int sig = 0;

	tr->watch = false;
	for (long i = 0; i < STEP_MAX; i++) {
		uint32_t eax;
		int st;

		if (ptrace(PTRACE_SINGLESTEP, tr->tid, NULL, (void *)(uintptr_t)sig))
			break;
		sig = 0;
		while (waitpid(tr->tid, &st, __WALL) < 0)
			if (errno != EINTR)
				return false;
		if (WIFEXITED(st) || WIFSIGNALED(st)) {
			if (tr->tid == e->main)
				e->status = st;
			forget(e, tr->tid);
			return false;
		}
		if (WIFSTOPPED(st) && WSTOPSIG(st) != SIGTRAP)
			sig = WSTOPSIG(st); /* passed on with the next step */
		if (mem_rw(&x, tr->env, &eax, sizeof(eax), false))
			break;
		if (eax != tr->wnr) {
			done = !mem_rw(&x, tr->env, &tr->wres, sizeof(tr->wres), true);
			break;
		}
	}
	if (sig)
		kill(tr->tid, sig);
	if (!done)
		ml_err(e->d, NULL, "pid %d: under qemu-i386: qemu's store of the call's result into the guest's eax was not seen: the program got ENOSYS, not the model's result",
		       (int)tr->tid);
	return true;
}

/*
 * Serve the module call s with arguments a, stopped at the entry of the system
 * call r: the call itself, or under qemu-i386 (guest != NULL, its memory) the
 * write of the line that logs the guest's call.
 */
static void serve_module_call(struct emu *e, struct tracee *tr, struct user_regs_struct *r,
			      const struct sysent *s, const uint64_t *a, struct mem *guest)
{
	struct mem x = { tr->tid, tr->abi == ABI_I386, 0 };
	uint64_t addr = 0;
	long res;

	/* init_module may oops, which takes a struct sigaction in its memory */
	if (s->c == C_INIT && need_scratch(tr, r))
		return;
	res = module_call(e, guest ? guest : &x, guest ? ABI_I386 : tr->abi, s, a, &addr);
	if (res == -ML_MODEL_OOPS) {
		/* 2.4 kills the caller: rt_sigaction(SIGSEGV, {SIG_DFL}, NULL, 8)
		 * now, an unblocked SIGSEGV at the exit */
		static const unsigned char dfl[32];
		uint64_t at;

		ml_warn(e->d, NULL, "pid %d: %s oopsed in the model (see 'modlink dmesg'); the caller is killed with SIGSEGV, as 2.4 kills it",
			(int)tr->tid, s->name);
		if (place(tr, r, dfl, sizeof(dfl), &at) == 0) {
			r->orig_rax = (unsigned long long)rt_sigaction_nr[tr->abi];
			*argreg(r, tr->abi, 0) = SIGSEGV;
			*argreg(r, tr->abi, 1) = at;
			*argreg(r, tr->abi, 2) = 0;
			*argreg(r, tr->abi, 3) = 8;
		} else {
			r->orig_rax = -1ULL;
		}
		tr->x = X_OOPS;
		setregs(tr, r);
		return;
	}
	if (s->c == C_CREATE && res == 0)
		tr->rax = addr;
	else
		tr->rax = (uint64_t)(int64_t)res;
	if (guest)
		qemu_result(tr, (uint32_t)s->nr, (uint32_t)tr->rax);
	if (e->o->verbose) {
		if (s->c == C_CREATE && res == 0)
			ml_info(e->d, NULL, "pid %d: %s = 0x%" PRIx64, (int)tr->tid, s->name,
				addr);
		else if (res < 0)
			ml_info(e->d, NULL, "pid %d: %s = -1 (%s)", (int)tr->tid, s->name,
				strerror((int)-res));
		else
			ml_info(e->d, NULL, "pid %d: %s = %ld", (int)tr->tid, s->name, res);
	}
	if (guest)
		return; /* the log line is written; the result waits for qemu's store */
	/* the real call does not happen: -1 is "no system call" to the kernel */
	r->orig_rax = -1ULL;
	tr->x = X_RESULT;
	setregs(tr, r);
}

/* Whether path, as the thread tid would open it, is an i386 program. */
static bool is_i386_program(pid_t tid, const char *path)
{
	unsigned char h[20];
	char *p = path[0] == '/' ? ml_xstrdup(path) : ml_xasprintf("/proc/%d/cwd/%s", (int)tid, path);
	int fd = open(p, O_RDONLY | O_CLOEXEC);
	bool yes = false;

	free(p);
	if (fd < 0)
		return false;
	if (read(fd, h, sizeof(h)) == (ssize_t)sizeof(h))
		yes = !memcmp(h, "\177ELF\1\1", 6) && h[18] == 3 && h[19] == 0; /* EM_386 */
	close(fd);
	return yes;
}

/*
 * execve() of an i386 program where the host cannot run it: the call becomes
 * execve("qemu-i386", { "qemu-i386", "-0", argv[0], "-strace", "-D", LOG, "-B",
 * BASE, "-r", RELEASE, path, argv[1]... }, envp) (qemu's uname() would report at
 * least 2.6.32), the new strings and array written into the
 * caller's scratch page; a failed call gets its registers back at its exit.
 */
static void serve_exec(struct emu *e, struct tracee *tr, struct user_regs_struct *r)
{
	struct mem x = { tr->tid, false, 0 };
	char path[4096], base[24], buf[PAGE_SZ];
	const char *opt[] = { e->qemu, "-0", NULL, "-strace", "-D", e->qlog, "-B", base,
			      "-r", ml_model_release(e->m) };
	uint64_t av[PAGE_SZ / 8], at[ML_ARRAY_SIZE(opt)], argv0 = 0;
	size_t used = 0, n = 0, nav = 0;

	if (!e->qemu || read_str(&x, r->rdi, path, sizeof(path)) || !is_i386_program(tr->tid, path))
		return;
	if (need_scratch(tr, r))
		return;
	snprintf(base, sizeof(base), "0x%llx", QEMU_GUEST_BASE);
	/* the strings of ours first, then the array */
	for (size_t i = 0; i < ML_ARRAY_SIZE(opt); i++) {
		size_t len = opt[i] ? strlen(opt[i]) + 1 : 0;

		if (used + len > sizeof(buf) / 2)
			goto toolong;
		at[i] = tr->scratch + used;
		if (len)
			memcpy(buf + used, opt[i], len);
		used += len;
	}
	used = (used + 7) & ~7ULL;
	for (;; nav++) {
		uint64_t p;

		if (nav >= ML_ARRAY_SIZE(av) || mem_rw(&x, r->rsi + nav * 8, &p, 8, false))
			goto toolong;
		if (!p)
			break;
		av[nav] = p;
	}
	/* ours, the path, argv[1...], NULL */
	if (used + 8 * (ML_ARRAY_SIZE(opt) + nav + 2) > sizeof(buf) || tr->scratch == SCRATCH_FAILED)
		goto toolong;
	argv0 = nav ? av[0] : r->rdi;
	at[2] = argv0;
	for (size_t i = 0; i < ML_ARRAY_SIZE(opt); i++)
		memcpy(buf + used + 8 * n++, &at[i], 8);
	memcpy(buf + used + 8 * n++, &r->rdi, 8);
	for (size_t i = 1; i < nav; i++)
		memcpy(buf + used + 8 * n++, &av[i], 8);
	memcpy(buf + used + 8 * n++, &(uint64_t){ 0 }, 8);
	if (mem_rw(&x, tr->scratch, buf, used + 8 * n, true))
		goto toolong;
	tr->exec_args[0] = r->rdi;
	tr->exec_args[1] = r->rsi;
	r->rdi = at[0];
	r->rsi = tr->scratch + used;
	tr->x = X_EXEC;
	setregs(tr, r);
	if (e->o->verbose)
		ml_info(e->d, NULL, "pid %d: execve(\"%s\"): an i386 program, run under %s", (int)tr->tid,
			path, e->qemu);
	return;
toolong:
	ml_err(e->d, NULL, "pid %d: execve(\"%s\"): cannot start this i386 program under %s (no room for its new arguments in a page of the caller's): it runs natively, if it can",
	       (int)tr->tid, path, e->qemu);
}

/*
 * Find the guest CPU's registers in qemu's memory: its eax holds the call's
 * number and ebx, ecx, edx, esi, edi, ebp the arguments while the call is
 * being handled (qemu's CPUX86State starts with the 8 32-bit registers in
 * the order eax, ecx, edx, ebx, esp, ebp, esi, edi).  Searched once per thread
 * in qemu's writable memory, outside the guest's 4 GiB.
 */
static uint64_t find_env(pid_t tid, uint32_t nr, const uint64_t *a)
{
	const uint32_t want[8] = { nr, (uint32_t)a[1], (uint32_t)a[2], (uint32_t)a[0], 0,
				   (uint32_t)a[5], (uint32_t)a[3], (uint32_t)a[4] };
	char *mp = ml_xasprintf("/proc/%d/maps", (int)tid), line[512];
	FILE *f = fopen(mp, "r");
	struct mem x = { tid, false, 0 };
	static uint32_t chunk[(1 << 20) / 4];
	uint64_t found = 0;

	free(mp);
	while (f && !found && fgets(line, sizeof(line), f)) {
		unsigned long long lo, hi;
		char perm[5];

		if (sscanf(line, "%llx-%llx %4s", &lo, &hi, perm) != 3 || perm[0] != 'r' ||
		    perm[1] != 'w' || perm[2] == 'x' || strstr(line, "[v") ||
		    (lo < QEMU_GUEST_BASE + (1ULL << 32) && hi > QEMU_GUEST_BASE))
			continue;
		for (uint64_t at = lo; at < hi && !found;) {
			size_t k = hi - at < sizeof(chunk) ? (size_t)(hi - at) : sizeof(chunk);

			/* keep 32 bytes of the last chunk: a match may straddle */
			if (mem_rw(&x, at, chunk, k, false))
				break;
			for (size_t i = 0; i + 8 <= k / 4 && !found; i++)
				if (chunk[i] == want[0] && chunk[i + 1] == want[1] &&
				    chunk[i + 2] == want[2] && chunk[i + 3] == want[3] &&
				    chunk[i + 5] == want[5] && chunk[i + 6] == want[6] &&
				    chunk[i + 7] == want[7])
					found = at + i * 4;
			at += k > 32 && at + k < hi ? k - 32 : k;
		}
	}
	if (f)
		fclose(f);
	return found;
}

/* Parse "PID name(a0,a1,a2,a3,a4,a5)", qemu -strace's line of a module call. */
static const struct sysent *parse_log(const char *p, uint64_t *a)
{
	const struct sysent *s = NULL;
	char *end;

	while (*p >= '0' && *p <= '9')
		p++;
	if (*p++ != ' ')
		return NULL;
	for (size_t i = 0; i < ML_ARRAY_SIZE(calls_i386); i++) {
		size_t len = strlen(calls_i386[i].name);

		if (calls_i386[i].c <= C_QUERY && !strncmp(p, calls_i386[i].name, len) &&
		    p[len] == '(') {
			s = &calls_i386[i];
			p += len + 1;
			break;
		}
	}
	for (int i = 0; s && i < 6; i++) {
		a[i] = (uint32_t)strtol(p, &end, 10);
		if (end == p || *end != (i < 5 ? ',' : ')'))
			return NULL;
		p = end + 1;
	}
	return s;
}

/*
 * A write by qemu-i386 to its log (the -D file, which only the qemu-i386 of
 * serve_exec write): the line of a guest's module call, written before qemu
 * handles it (as an unknown call: ENOSYS) is where k24emu serves it.
 */
static void serve_qemu_log(struct emu *e, struct tracee *tr, struct user_regs_struct *r)
{
	struct mem x = { tr->tid, false, 0 }, guest = { tr->tid, true, QEMU_GUEST_BASE };
	char *fdp, target[4096], text[256];
	const struct sysent *s;
	uint64_t a[6];
	ssize_t n;
	size_t len = r->rdx < sizeof(text) - 1 ? (size_t)r->rdx : sizeof(text) - 1;

	if (!e->qlog)
		return;
	fdp = ml_xasprintf("/proc/%d/fd/%d", (int)tr->tid, (int)r->rdi);
	n = readlink(fdp, target, sizeof(target) - 1);
	free(fdp);
	if (n < 0 || (size_t)n != strlen(e->qlog) || memcmp(target, e->qlog, (size_t)n))
		return;
	if (mem_rw(&x, r->rsi, text, len, false))
		return;
	text[len] = 0;
	s = parse_log(text, a);
	if (!s)
		return;
	if (!tr->env)
		tr->env = find_env(tr->tid, (uint32_t)s->nr, a);
	if (!tr->env) {
		ml_err(e->d, NULL, "pid %d: %s under qemu-i386: its registers were not found in qemu's memory: it gets ENOSYS",
		       (int)tr->tid, s->name);
		return;
	}
	/* the registers are the truth: the log prints signed longs */
	{
		uint32_t regs[8];

		if (mem_rw(&x, tr->env, regs, sizeof(regs), false) || regs[0] != (uint32_t)s->nr) {
			/* another thread's, after an exec: look again */
			tr->env = find_env(tr->tid, (uint32_t)s->nr, a);
			if (!tr->env || mem_rw(&x, tr->env, regs, sizeof(regs), false))
				return;
		}
		a[0] = regs[3], a[1] = regs[1], a[2] = regs[2];
		a[3] = regs[6], a[4] = regs[7], a[5] = regs[5];
	}
	serve_module_call(e, tr, r, s, a, &guest);
}

static int write_snapshot(const char *p, const char *text, size_t len, mode_t mode)
{
	int fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	ssize_t w;

	if (fd < 0)
		return -errno;
	w = write(fd, text, len);
	if (close(fd) || w != (ssize_t)len) {
		unlink(p);
		return -EIO;
	}
	return 0;
}

/* The open flags of the call, or 0 (O_RDONLY) when it is no open. */
static uint64_t open_flags(struct tracee *tr, const struct sysent *s,
			   struct user_regs_struct *r)
{
	struct mem x = { tr->tid, tr->abi == ABI_I386 };
	uint64_t how = 0;

	if (s->flags == F_NONE)
		return 0;
	if (s->flags == F_CREAT)
		return O_WRONLY | O_CREAT | O_TRUNC;
	if (s->flags >= 0)
		return arg(r, tr->abi, s->flags);
	/* openat2: struct open_how starts with the 64-bit flags */
	if (mem_rw(&x, arg(r, tr->abi, 2), &how, sizeof(how), false))
		return 0;
	return how;
}

static const char *machine(const char *cpu)
{
	return strcmp(cpu, "i386") ? cpu : "i686";
}

static void serve_path_call(struct emu *e, struct tracee *tr, struct user_regs_struct *r,
			    const struct sysent *s)
{
	struct mem x = { tr->tid, tr->abi == ABI_I386 };
	char path[PROC_PATH_MAX], *text, *snap;
	size_t i, len;
	uint64_t at, flags;
	bool tainted, writing;
	int err;

	if (read_str(&x, arg(r, tr->abi, s->path), path, sizeof(path)))
		return;
	for (i = 0; i < ML_ARRAY_SIZE(proc_files); i++)
		if (!strcmp(path, proc_files[i].path))
			break;
	if (i == ML_ARRAY_SIZE(proc_files) || need_scratch(tr, r))
		return;
	sync_taint(e);
	flags = open_flags(tr, s, r);
	tainted = !strcmp(proc_files[i].base, "tainted");
	writing = (flags & O_ACCMODE) != O_RDONLY;
	if (proc_files[i].model) {
		text = ml_model_proc(e->m, proc_files[i].model, &len);
	} else {
		text = ml_xasprintf("%s\n", ml_model_release(e->m));
		len = strlen(text);
	}
	snap = ml_xasprintf("%s/%u-%s", e->tmp, ++e->seq, proc_files[i].base);
	err = write_snapshot(snap, text, len, tainted ? 0644 : 0444);
	free(text);
	if (!err)
		err = place(tr, r, snap, strlen(snap) + 1, &at);
	if (err) {
		ml_err(e->d, NULL, "pid %d: %s(\"%s\") went to the host's file: cannot show the model's text there: %s",
		       (int)tr->tid, s->name, path, strerror(-err));
		unlink(snap);
		free(snap);
		return;
	}
	if (e->o->verbose)
		ml_info(e->d, NULL, "pid %d: %s(\"%s\") shows the model's text", (int)tr->tid,
			s->name, path);
	tr->x = X_PATH;
	tr->argi = s->path;
	tr->arg = *argreg(r, tr->abi, s->path);
	tr->snap = snap;
	tr->keep = tainted && writing;
	*argreg(r, tr->abi, s->path) = at;
	setregs(tr, r);
}

static void syscall_entry(struct emu *e, struct tracee *tr, struct user_regs_struct *r)
{
	uint64_t nr = tr->abi == ABI_I386 ? (uint32_t)r->orig_rax : r->orig_rax;
	const struct sysent *s = lookup(tr->abi, nr);

	drop_snap(tr);
	if (!s)
		return;
	switch (s->c) {
	case C_PATH:
		serve_path_call(e, tr, r, s);
		break;
	case C_UNAME:
		tr->x = X_UNAME;
		tr->ubuf = arg(r, tr->abi, 0);
		break;
	case C_CLOSE:
		if (e->ntf)
			tr->x = X_CLOSE;
		break;
	case C_EXEC:
		serve_exec(e, tr, r);
		break;
	case C_WRITE:
		serve_qemu_log(e, tr, r);
		break;
	default: {
		uint64_t a[6];

		for (int i = 0; i < 6; i++)
			a[i] = arg(r, tr->abi, i);
		serve_module_call(e, tr, r, s, a, NULL);
		break;
	}
	}
}

/* The signal to deliver on resuming. */
static int syscall_exit(struct emu *e, struct tracee *tr, struct user_regs_struct *r)
{
	struct mem x = { tr->tid, tr->abi == ABI_I386 };
	int sig = 0;

	if (tr->watch && !step_to_store(e, tr))
		return 0;
	switch (tr->x) {
	case X_NONE:
		break;
	case X_RESULT:
		r->rax = tr->rax;
		setregs(tr, r);
		break;
	case X_PATH:
		*argreg(r, tr->abi, tr->argi) = tr->arg;
		setregs(tr, r);
		if (tr->keep && (int64_t)r->rax >= 0) {
			e->tf = ml_xrealloc(e->tf, (e->ntf + 1) * sizeof(*e->tf));
			e->tf[e->ntf].path = tr->snap;
			e->tf[e->ntf++].value = read_int(tr->snap, 0);
			tr->snap = NULL;
		}
		break;
	case X_UNAME:
		if (r->rax == 0) {
			/* struct new_utsname and old_utsname: 65-byte fields, the
			 * release the 3rd, the machine the 5th */
			char f[2][65] = { { 0 } };
			const char *cpu = ml_model_cpu(e->m);

			snprintf(f[0], sizeof(f[0]), "%s", ml_model_release(e->m));
			snprintf(f[1], sizeof(f[1]), "%s", machine(cpu));
			mem_rw(&x, tr->ubuf + 2 * 65, f[0], 65, true);
			mem_rw(&x, tr->ubuf + 4 * 65, f[1], 65, true);
		}
		break;
	case X_OOPS: {
		uint64_t mask;

		if (!ptrace(PTRACE_GETSIGMASK, tr->tid, (void *)sizeof(mask), &mask)) {
			mask &= ~(1ULL << (SIGSEGV - 1));
			ptrace(PTRACE_SETSIGMASK, tr->tid, (void *)sizeof(mask), &mask);
		}
		sig = SIGSEGV;
		break;
	}
	case X_CLOSE:
		sync_taint(e);
		break;
	case X_EXEC: /* it failed: the registers are the caller's again */
		r->rdi = tr->exec_args[0];
		r->rsi = tr->exec_args[1];
		setregs(tr, r);
		break;
	case X_SCRATCH: {
		int64_t v = tr->abi == ABI_I386 ? (int32_t)r->rax : (int64_t)r->rax;

		if (v < 0 && v > -4096)
			tr->scratch = SCRATCH_FAILED;
		else
			tr->scratch = tr->abi == ABI_I386 ? (uint32_t)r->rax : r->rax;
		/* the call again, from its system call instruction */
		*r = tr->saved;
		r->rax = r->orig_rax;
		r->rip -= 2;
		setregs(tr, r);
		break;
	}
	}
	drop_snap(tr);
	return sig;
}

static bool get_sysinfo(pid_t tid, struct emu_sysinfo *si)
{
	return ptrace((enum __ptrace_request)EMU_GET_SYSCALL_INFO, tid,
		      (void *)sizeof(*si), si) > 0;
}

/* A syscall-stop: the signal to resume with. */
static int syscall_stop(struct emu *e, struct tracee *tr)
{
	struct user_regs_struct r;
	struct emu_sysinfo si;
	bool entry;

	if (ptrace(PTRACE_GETREGS, tr->tid, NULL, &r))
		return 0;
	if (e->sysinfo && get_sysinfo(tr->tid, &si) &&
	    (si.op == EMU_SYSCALL_INFO_ENTRY || si.op == EMU_SYSCALL_INFO_EXIT)) {
		entry = si.op == EMU_SYSCALL_INFO_ENTRY;
		if (entry)
			tr->abi = si.arch == EMU_AUDIT_ARCH_I386 ? ABI_I386 : ABI_X86_64;
	} else {
		entry = !tr->insyscall;
		if (entry)
			tr->abi = r.cs == 0x23 ? ABI_I386 : ABI_X86_64;
	}
	tr->insyscall = entry;
	if (entry) {
		syscall_entry(e, tr, &r);
		return 0;
	}
	return syscall_exit(e, tr, &r);
}

/* ---- running the command ---- */

static void remove_tmp(struct emu *e)
{
	DIR *dir = opendir(e->tmp);
	struct dirent *de;

	while (dir && (de = readdir(dir))) {
		char *p;

		if (de->d_name[0] == '.')
			continue;
		p = ml_xasprintf("%s/%s", e->tmp, de->d_name);
		unlink(p);
		free(p);
	}
	if (dir)
		closedir(dir);
	rmdir(e->tmp);
}

/* The program name in PATH, or NULL. */
static char *find_in_path(const char *name)
{
	const char *path = getenv("PATH");
	char *copy = ml_xstrdup(path && *path ? path : "/usr/local/bin:/usr/bin:/bin"), *save = NULL;

	for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		char *p = ml_xasprintf("%s/%s", dir, name);

		if (access(p, X_OK) == 0) {
			free(copy);
			return p;
		}
		free(p);
	}
	free(copy);
	return NULL;
}

static int make_tmp(struct emu *e)
{
	const char *t = getenv("TMPDIR");

	if (!t || t[0] != '/')
		t = "/tmp";
	e->tmp = ml_xasprintf("%s/k24emu.XXXXXX", t);
	if (!mkdtemp(e->tmp)) {
		int err = -errno;

		ml_err(e->d, NULL, "cannot make a temporary directory %s: %s", e->tmp, strerror(errno));
		return err;
	}
	/* traced programs that change their user still read the files */
	chmod(e->tmp, 0755);
	return 0;
}

/* Stopped by a signal: the signal to pass on, 0 for a group-stop or attach stop. */
static int signal_stop(struct tracee *tr, int sig)
{
	siginfo_t si;

	if (!tr->started) {
		tr->started = true;
		if (sig == SIGSTOP)
			return 0;
	}
	if ((sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU) &&
	    ptrace(PTRACE_GETSIGINFO, tr->tid, NULL, &si) && errno == EINVAL)
		return 0; /* group-stop */
	return sig;
}

static void trace_loop(struct emu *e)
{
	for (;;) {
		int st, sig = 0, event;
		pid_t tid = waitpid(-1, &st, __WALL);
		struct tracee *tr;

		if (tid < 0) {
			if (errno == EINTR)
				continue;
			break; /* ECHILD: everyone has exited */
		}
		if (WIFEXITED(st) || WIFSIGNALED(st)) {
			if (tid == e->main)
				e->status = st;
			forget(e, tid);
			sync_taint(e);
			continue;
		}
		if (!WIFSTOPPED(st))
			continue;
		tr = tracee(e, tid, true);
		event = (unsigned)st >> 16;
		if (WSTOPSIG(st) == (SIGTRAP | 0x80)) {
			sig = syscall_stop(e, tr);
		} else if (event == PTRACE_EVENT_EXEC) {
			unsigned long former = 0;

			/* a thread's exec: it goes on as the leader, with its id */
			if (!ptrace(PTRACE_GETEVENTMSG, tid, NULL, &former) &&
			    (pid_t)former != tid)
				forget(e, (pid_t)former);
			drop_snap(tr);
			tr->insyscall = true;
			tr->started = true;
			tr->scratch = SCRATCH_NONE; /* a new address space */
			tr->env = 0;
			tr->watch = false;
		} else if (event) {
			/* fork, vfork, clone: the child shows up by itself */
			tr->started = true;
		} else {
			sig = signal_stop(tr, WSTOPSIG(st));
		}
		ptrace(PTRACE_SYSCALL, tid, NULL, (void *)(uintptr_t)sig);
	}
}

static int start(struct emu *e, int *errpipe)
{
	const long opts = PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK |
			  PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC |
			  PTRACE_O_EXITKILL;
	struct emu_sysinfo si;
	int p[2], st;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC)) {
		ml_err(e->d, NULL, "pipe: %s", strerror(errno));
		return -errno;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		int err = errno;

		ml_err(e->d, NULL, "fork: %s", strerror(err));
		close(p[0]);
		close(p[1]);
		return -err;
	}
	if (pid == 0) {
		int err;

		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) == 0) {
			raise(SIGSTOP);
			execvp(e->o->argv[0], e->o->argv);
		}
		err = errno;
		if (write(p[1], &err, sizeof(err)) < 0)
			_exit(126);
		_exit(err == ENOENT ? 127 : 126);
	}
	close(p[1]);
	*errpipe = p[0];
	e->main = pid;
	while (waitpid(pid, &st, __WALL) < 0)
		if (errno != EINTR)
			break;
	if (!WIFSTOPPED(st) || ptrace(PTRACE_SETOPTIONS, pid, NULL, (void *)opts)) {
		int err = -EPERM;

		if (WIFSTOPPED(st))
			kill(pid, SIGKILL);
		ml_err(e->d, NULL, "cannot trace %s: ptrace is not allowed here (a seccomp policy, or a tracer already attached?)",
		       e->o->argv[0]);
		while (waitpid(pid, &st, __WALL) < 0 && errno == EINTR)
			;
		return err;
	}
	e->sysinfo = get_sysinfo(pid, &si);
	tracee(e, pid, true)->started = true;
	ptrace(PTRACE_SYSCALL, pid, NULL, NULL);
	return 0;
}

int ml_emu_run(const struct ml_emu_opts *o, struct ml_emu_result *r, struct ml_diags *d)
{
	struct emu e = { .o = o, .d = d };
	struct sigaction ign = { .sa_handler = SIG_IGN }, oint, oquit;
	int errpipe = -1, err;

	memset(r, 0, sizeof(*r));
	e.m = ml_model_open(o->state, d);
	if (!e.m)
		return -ENOENT;
	e.t = ml_model_target(e.m);
	err = make_tmp(&e);
	if (err) {
		ml_model_close(e.m);
		free(e.tmp);
		return err;
	}
	if (!ml_host_runs_i386()) {
		e.qemu = find_in_path("qemu-i386");
		e.qlog = ml_xasprintf("%s/qemu-i386.log", e.tmp);
	}
	err = start(&e, &errpipe);
	if (!err) {
		/* the command decides what ^C and ^\ do, as under system() */
		sigaction(SIGINT, &ign, &oint);
		sigaction(SIGQUIT, &ign, &oquit);
		trace_loop(&e);
		sigaction(SIGINT, &oint, NULL);
		sigaction(SIGQUIT, &oquit, NULL);
		r->status = e.status;
		if (read(errpipe, &r->exec_errno, sizeof(r->exec_errno)) !=
		    sizeof(r->exec_errno))
			r->exec_errno = 0;
		sync_taint(&e);
	}
	if (errpipe >= 0)
		close(errpipe);
	for (size_t i = 0; i < e.ntv; i++) {
		drop_snap(e.tv[i]);
		free(e.tv[i]);
	}
	free(e.tv);
	for (size_t i = 0; i < e.ntf; i++)
		free(e.tf[i].path);
	free(e.tf);
	remove_tmp(&e);
	free(e.tmp);
	free(e.qemu);
	free(e.qlog);
	ml_model_close(e.m);
	return err;
}

#else /* !__x86_64__ */

int ml_emu_run(const struct ml_emu_opts *o, struct ml_emu_result *r, struct ml_diags *d)
{
	memset(r, 0, sizeof(*r));
	ml_err(d, NULL, "k24emu runs on x86_64 hosts only (it reads and sets the x86_64 registers of the traced program)");
	return -ENOSYS;
}

#endif
