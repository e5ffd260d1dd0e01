// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The module system calls, served from the model: the caller's memory is
 * its own (mem.c, through an ml_uaccess), the numbers and buffers the model
 * CPU's, so the model must have the caller's word size and byte order; a
 * call from the wrong kind of program gets ENOSYS and a diagnostic.  The
 * real call is turned into "no system call" and its return register gets
 * the model's result at the exit (trace.c); under qemu-i386 the result
 * waits for qemu's own store of it (qemu.c).
 *
 * When init_module oopses in the model, 2.4 kills the caller (do_exit with
 * SIGSEGV from the oops handler): the call is turned into
 * rt_sigaction(SIGSEGV, SIG_DFL) and the caller gets an unblocked SIGSEGV at
 * its exit.
 */
#include "kernel/emu/emu-int.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <string.h>

#if defined(__x86_64__)

static const char *const abi_name[] = { "64-bit (x86_64)", "32-bit (i386)" };
static const int rt_sigaction_nr[] = { 13, 174 };

/* A module call of a program of the given ABI, its memory x. */
static long module_call(struct emu *e, struct mem *x, enum abi abi, const struct sysent *s,
			const uint64_t *a, uint64_t *addr)
{
	const struct ml_uaccess u = { x, emu_mem_read, emu_mem_write };
	bool is64 = abi == ABI_X86_64;

	if (e->t->is64 != is64 || e->t->big) {
		if (!e->told[abi])
			ml_err(e->d, NULL,
			       "pid %d: %s from a %s program, but the model in %s is for %s, with %d-bit %s-endian words: the call got ENOSYS (a 32-bit program needs a model made with 'modlink kernel create DIR --cpu=i386', a 64-bit one --cpu=x86_64)",
			       (int)x->tid, s->name, abi_name[abi], e->o->state, ml_model_cpu(e->m),
			       e->t->is64 ? 64 : 32, e->t->big ? "big" : "little");
		e->told[abi] = true;
		return -ENOSYS;
	}
	emu_sync_taint(e);
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
		return ml_model_query_module(e->m, &u, a[0], (int32_t)a[1], a[2], a[3], a[4]);
	default:
		return -ENOSYS;
	}
}

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

/*
 * Serve the module call s with arguments a, stopped at the entry of the system
 * call r: the call itself, or under qemu-i386 (guest != NULL, its memory) the
 * write of the line that logs the guest's call.
 */
void emu_serve_module_call(struct emu *e, struct tracee *tr, struct user_regs_struct *r,
			   const struct sysent *s, const uint64_t *a, struct mem *guest)
{
	struct mem x = { tr->tid, tr->abi == ABI_I386, 0 };
	uint64_t addr = 0;
	long res;

	/* init_module may oops, which takes a struct sigaction in its memory */
	if (s->c == C_INIT && emu_need_scratch(tr, r))
		return;
	res = module_call(e, guest ? guest : &x, guest ? ABI_I386 : tr->abi, s, a, &addr);
	if (res == -ML_MODEL_OOPS) {
		/* 2.4 kills the caller: rt_sigaction(SIGSEGV, {SIG_DFL}, NULL, 8)
		 * now, an unblocked SIGSEGV at the exit */
		static const unsigned char dfl[32];
		uint64_t at;

		ml_warn(e->d, NULL,
			"pid %d: %s oopsed in the model (see 'modlink dmesg'); the caller is killed with SIGSEGV, as 2.4 kills it",
			(int)tr->tid, s->name);
		if (emu_place(tr, r, dfl, sizeof(dfl), &at) == 0) {
			r->orig_rax = (unsigned long long)rt_sigaction_nr[tr->abi];
			*emu_argreg(r, tr->abi, 0) = SIGSEGV;
			*emu_argreg(r, tr->abi, 1) = at;
			*emu_argreg(r, tr->abi, 2) = 0;
			*emu_argreg(r, tr->abi, 3) = 8;
		} else {
			r->orig_rax = -1ULL;
		}
		tr->x = X_OOPS;
		emu_setregs(tr, r);
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
			ml_info(e->d, NULL, "pid %d: %s = 0x%" PRIx64, (int)tr->tid, s->name, addr);
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
	emu_setregs(tr, r);
}

#endif
