// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * k24emu's engine: a 2.4 kernel's module system calls, served to a traced
 * program from the model (model.h); kernel/emu/emu-int.h lists its rooms.
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
 * This room holds the trace itself: starting the command, the wait loop
 * (thread creation, exec, signals), and each system call's entry (what is
 * served) and exit (what the caller gets).
 */
#include "kernel/emu/emu-int.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#if defined(__x86_64__)

static void syscall_entry(struct emu *e, struct tracee *tr, struct user_regs_struct *r)
{
	uint64_t nr = tr->abi == ABI_I386 ? (uint32_t)r->orig_rax : r->orig_rax;
	const struct sysent *s = emu_lookup(tr->abi, nr);

	emu_drop_snap(tr);
	if (!s)
		return;
	switch (s->c) {
	case C_PATH:
		emu_serve_path_call(e, tr, r, s);
		break;
	case C_UNAME:
		tr->x = X_UNAME;
		tr->ubuf = emu_arg(r, tr->abi, 0);
		break;
	case C_CLOSE:
		if (e->ntf)
			tr->x = X_CLOSE;
		break;
	case C_EXEC:
		emu_serve_exec(e, tr, r);
		break;
	case C_WRITE:
		emu_serve_qemu_log(e, tr, r);
		break;
	default: {
		uint64_t a[6];

		for (int i = 0; i < 6; i++)
			a[i] = emu_arg(r, tr->abi, i);
		emu_serve_module_call(e, tr, r, s, a, NULL);
		break;
	}
	}
}

/* The signal to deliver on resuming. */
static int syscall_exit(struct emu *e, struct tracee *tr, struct user_regs_struct *r)
{
	int sig = 0;

	if (tr->watch && !emu_step_to_store(e, tr))
		return 0;
	switch (tr->x) {
	case X_NONE:
		break;
	case X_RESULT:
		r->rax = tr->rax;
		emu_setregs(tr, r);
		break;
	case X_PATH:
		emu_path_exit(e, tr, r);
		break;
	case X_UNAME:
		emu_uname_exit(e, tr, r);
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
		emu_sync_taint(e);
		break;
	case X_EXEC: /* it failed: the registers are the caller's again */
		r->rdi = tr->exec_args[0];
		r->rsi = tr->exec_args[1];
		emu_setregs(tr, r);
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
		emu_setregs(tr, r);
		break;
	}
	}
	emu_drop_snap(tr);
	return sig;
}

static bool emu_get_sysinfo(pid_t tid, struct emu_sysinfo *si)
{
	return ptrace((enum __ptrace_request)EMU_GET_SYSCALL_INFO, tid, (void *)sizeof(*si), si) >
	       0;
}

/* A syscall-stop: the signal to resume with. */
static int syscall_stop(struct emu *e, struct tracee *tr)
{
	struct user_regs_struct r;
	struct emu_sysinfo si;
	bool entry;

	if (ptrace(PTRACE_GETREGS, tr->tid, NULL, &r))
		return 0;
	if (e->sysinfo && emu_get_sysinfo(tr->tid, &si) &&
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

void emu_trace_loop(struct emu *e)
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
			emu_forget(e, tid);
			emu_sync_taint(e);
			continue;
		}
		if (!WIFSTOPPED(st))
			continue;
		tr = emu_tracee(e, tid, true);
		event = (unsigned)st >> 16;
		if (WSTOPSIG(st) == (SIGTRAP | 0x80)) {
			sig = syscall_stop(e, tr);
		} else if (event == PTRACE_EVENT_EXEC) {
			unsigned long former = 0;

			/* a thread's exec: it goes on as the leader, with its id */
			if (!ptrace(PTRACE_GETEVENTMSG, tid, NULL, &former) && (pid_t)former != tid)
				emu_forget(e, (pid_t)former);
			emu_drop_snap(tr);
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

int emu_start(struct emu *e, int *errpipe)
{
	const long opts = PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |
			  PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL;
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
		ml_err(e->d, NULL,
		       "cannot trace %s: ptrace is not allowed here (a seccomp policy, or a tracer already attached?)",
		       e->o->argv[0]);
		while (waitpid(pid, &st, __WALL) < 0 && errno == EINTR)
			;
		return err;
	}
	e->sysinfo = emu_get_sysinfo(pid, &si);
	emu_tracee(e, pid, true)->started = true;
	ptrace(PTRACE_SYSCALL, pid, NULL, NULL);
	return 0;
}

#endif
