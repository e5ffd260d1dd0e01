/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Inside k24emu's engine (kernel/emu/ only; the rest of the house sees
 * kernel/emu.h).  The engine is split by job:
 *   trace.c    starting the command under ptrace, the wait loop, each
 *              system call's entry and exit (how a call is served: there)
 *   tracee.c   the table of traced threads
 *   calls.c    the system call numbers k24emu looks at, per ABI
 *   mem.c      the caller's memory (process_vm_readv/writev, page by page)
 *   regs.c     the caller's registers, and a scratch page in its memory
 *   module.c   the module calls, served from the model (and the oops)
 *   procfs.c   /proc files, the taint mask and uname, as a 2.4 kernel shows them
 *   qemu.c     i386 programs under qemu-i386 on hosts that cannot run them
 *   session.c  ml_emu_run: the temporary directory, qemu-i386, the whole run
 *
 * Only x86_64 hosts: the register layout is the host's (session.c has the
 * stub for other hosts).
 */
#ifndef ML_EMU_INT_H
#define ML_EMU_INT_H

#include "kernel/emu.h"
#include "kernel/model.h"

#if defined(__x86_64__)

#include <sys/types.h>
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

enum call {
	C_CREATE,
	C_INIT,
	C_DELETE,
	C_GKS,
	C_QUERY, /* the module calls */
	C_PATH,  /* a path argument: open, stat, access and their *at forms */
	C_UNAME,
	C_CLOSE,
	C_EXEC,  /* execve: an i386 program is started under qemu-i386 */
	C_WRITE, /* write: qemu-i386's log of its guest's system calls */
};

/* Where a C_PATH call has its open flags: an argument's index, or one of these. */
#define F_NONE -1  /* not an open */
#define F_CREAT -2 /* creat(): O_WRONLY | O_CREAT | O_TRUNC */
#define F_HOW -3   /* openat2(): in the struct open_how of argument 2 */

struct sysent {
	int nr;
	enum call c;
	const char *name;
	int path, flags; /* C_PATH: the index of the path argument; the open flags */
};

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
	uint64_t rax;                  /* X_RESULT: the return register */
	int argi;                      /* X_PATH: the argument to restore... */
	uint64_t arg;                  /* ...and its value */
	char *snap;                    /* X_PATH: the file the path now names */
	bool keep;                     /* X_PATH: a tainted file opened for writing */
	uint64_t ubuf;                 /* X_UNAME: the struct utsname */
	uint64_t scratch;              /* a page of ours in its address space, or SCRATCH_* */
	struct user_regs_struct saved; /* X_SCRATCH: the call to make again */
	uint64_t exec_args[2];         /* X_EXEC: execve's path and argv, to restore */
	uint64_t env;  /* under qemu-i386: its guest CPU's registers, 0 if not found yet */
	bool watch;    /* under qemu-i386: the result is waiting for the store... */
	uint32_t wnr;  /* ...into the guest's eax, which holds this number... */
	uint32_t wres; /* ...to be overwritten with this */
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
	char *qemu; /* qemu-i386, when i386 programs cannot run natively */
	char *qlog; /* the log file of the qemu-i386 guests' system calls */
};

/* The caller's memory: its thread, its ABI, and where its address 0 is. */
struct mem {
	pid_t tid;
	bool compat;
	uint64_t base; /* where address 0 is: nonzero for a qemu-i386 guest */
};

#define PAGE_SZ 4096ULL
#define QEMU_GUEST_BASE 0x100000000ULL /* qemu-i386 -B: the guest's address 0 */

/* ---- mem.c ---- */

/* Read (write false) or write n bytes at addr, page by page: 0 or -EFAULT. */
int emu_mem_rw(const struct mem *x, uint64_t addr, void *lbuf, size_t n, bool write);
/* The ml_uaccess functions (model.h), ctx a struct mem. */
int emu_mem_read(void *ctx, uint64_t addr, void *buf, size_t n);
int emu_mem_write(void *ctx, uint64_t addr, const void *buf, size_t n);
/* A string of less than max bytes, or -1. */
int emu_read_str(const struct mem *x, uint64_t addr, char *buf, size_t max);

/* ---- regs.c ---- */

/* The register of the i-th system call argument, and its value. */
unsigned long long *emu_argreg(struct user_regs_struct *r, enum abi abi, int i);
uint64_t emu_arg(struct user_regs_struct *r, enum abi abi, int i);
int emu_setregs(struct tracee *tr, struct user_regs_struct *r);
/* n bytes of data in the caller's memory for a call of its to read; the address in *at. */
int emu_place(struct tracee *tr, const struct user_regs_struct *r, const void *data, size_t n,
	      uint64_t *at);
/* True if the call was turned into the mmap of a scratch page (see regs.c). */
bool emu_need_scratch(struct tracee *tr, struct user_regs_struct *r);

/* ---- calls.c ---- */

/* The entry of system call nr of the ABI that k24emu looks at, or NULL. */
const struct sysent *emu_lookup(enum abi abi, uint64_t nr);
/* The i386 module call whose name and '(' start p (qemu's log line); *len its name's length. */
const struct sysent *emu_lookup_logged(const char *p, size_t *len);

/* ---- tracee.c ---- */

/* The thread tid's entry (added if add), or NULL. */
struct tracee *emu_tracee(struct emu *e, pid_t tid, bool add);
/* Forget the /proc snapshot the thread's call was pointed at (and the exit action). */
void emu_drop_snap(struct tracee *tr);
/* The thread is gone. */
void emu_forget(struct emu *e, pid_t tid);

/* ---- procfs.c ---- */

/* What the programs wrote into tainted files, or'ed into the model. */
void emu_sync_taint(struct emu *e);
/* Entry of a call with a path argument: a /proc file of the model's, shown. */
void emu_serve_path_call(struct emu *e, struct tracee *tr, struct user_regs_struct *r,
			 const struct sysent *s);
/* Exit of that call (X_PATH): the argument back; a tainted file kept for writing. */
void emu_path_exit(struct emu *e, struct tracee *tr, struct user_regs_struct *r);
/* Exit of uname (X_UNAME): the model's release and machine. */
void emu_uname_exit(struct emu *e, struct tracee *tr, struct user_regs_struct *r);

/* ---- module.c ---- */

/* Serve the module call s (arguments a), or under qemu-i386 (guest: its memory) its log line. */
void emu_serve_module_call(struct emu *e, struct tracee *tr, struct user_regs_struct *r,
			   const struct sysent *s, const uint64_t *a, struct mem *guest);

/* ---- qemu.c ---- */

/* execve() of an i386 program where the host cannot run it: under qemu-i386. */
void emu_serve_exec(struct emu *e, struct tracee *tr, struct user_regs_struct *r);
/* A write by qemu-i386 to its log: a guest's module call, served. */
void emu_serve_qemu_log(struct emu *e, struct tracee *tr, struct user_regs_struct *r);
/* At the exit of the log write: step to qemu's store of the result.  False if the thread is gone. */
bool emu_step_to_store(struct emu *e, struct tracee *tr);

/* ---- trace.c ---- */

/* Start the command, stopped and traced; *errpipe reports a failed execvp. */
int emu_start(struct emu *e, int *errpipe);
/* Serve every traced thread until all have exited. */
void emu_trace_loop(struct emu *e);

#endif /* __x86_64__ */

#endif
