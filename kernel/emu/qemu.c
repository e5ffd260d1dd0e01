// SPDX-License-Identifier: GPL-2.0-or-later
/*
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
 */
#include "kernel/emu/emu-int.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#if defined(__x86_64__)

#define STEP_MAX 2000000 /* instructions from the log line to the store, at most */

/* At the exit of the log write: step to the store.  False if the thread is gone. */
bool emu_step_to_store(struct emu *e, struct tracee *tr)
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
			emu_forget(e, tr->tid);
			return false;
		}
		if (WIFSTOPPED(st) && WSTOPSIG(st) != SIGTRAP)
			sig = WSTOPSIG(st); /* passed on with the next step */
		if (emu_mem_rw(&x, tr->env, &eax, sizeof(eax), false))
			break;
		if (eax != tr->wnr) {
			done = !emu_mem_rw(&x, tr->env, &tr->wres, sizeof(tr->wres), true);
			break;
		}
	}
	if (sig)
		kill(tr->tid, sig);
	if (!done)
		ml_err(e->d, NULL,
		       "pid %d: under qemu-i386: qemu's store of the call's result into the guest's eax was not seen: the program got ENOSYS, not the model's result",
		       (int)tr->tid);
	return true;
}

/* Whether path, as the thread tid would open it, is an i386 program. */
static bool is_i386_program(pid_t tid, const char *path)
{
	unsigned char h[20];
	char *p = path[0] == '/' ? ml_xstrdup(path)
				 : ml_xasprintf("/proc/%d/cwd/%s", (int)tid, path);
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
void emu_serve_exec(struct emu *e, struct tracee *tr, struct user_regs_struct *r)
{
	struct mem x = { tr->tid, false, 0 };
	char path[4096], base[24], buf[PAGE_SZ];
	const char *opt[] = { e->qemu, "-0", NULL, "-strace", "-D",
			      e->qlog, "-B", base, "-r",      ml_model_release(e->m) };
	uint64_t av[PAGE_SZ / 8], at[ML_ARRAY_SIZE(opt)], argv0 = 0;
	size_t used = 0, n = 0, nav = 0;

	if (!e->qemu || emu_read_str(&x, r->rdi, path, sizeof(path)) ||
	    !is_i386_program(tr->tid, path))
		return;
	if (emu_need_scratch(tr, r))
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

		if (nav >= ML_ARRAY_SIZE(av) || emu_mem_rw(&x, r->rsi + nav * 8, &p, 8, false))
			goto toolong;
		if (!p)
			break;
		av[nav] = p;
	}
	/* ours, the path, argv[1...], NULL */
	if (used + 8 * (ML_ARRAY_SIZE(opt) + nav + 2) > sizeof(buf) ||
	    tr->scratch == SCRATCH_FAILED)
		goto toolong;
	argv0 = nav ? av[0] : r->rdi;
	at[2] = argv0;
	for (size_t i = 0; i < ML_ARRAY_SIZE(opt); i++)
		memcpy(buf + used + 8 * n++, &at[i], 8);
	memcpy(buf + used + 8 * n++, &r->rdi, 8);
	for (size_t i = 1; i < nav; i++)
		memcpy(buf + used + 8 * n++, &av[i], 8);
	memcpy(buf + used + 8 * n++, &(uint64_t){ 0 }, 8);
	if (emu_mem_rw(&x, tr->scratch, buf, used + 8 * n, true))
		goto toolong;
	tr->exec_args[0] = r->rdi;
	tr->exec_args[1] = r->rsi;
	r->rdi = at[0];
	r->rsi = tr->scratch + used;
	tr->x = X_EXEC;
	emu_setregs(tr, r);
	if (e->o->verbose)
		ml_info(e->d, NULL, "pid %d: execve(\"%s\"): an i386 program, run under %s",
			(int)tr->tid, path, e->qemu);
	return;
toolong:
	ml_err(e->d, NULL,
	       "pid %d: execve(\"%s\"): cannot start this i386 program under %s (no room for its new arguments in a page of the caller's): it runs natively, if it can",
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
	const uint32_t want[8] = { nr, (uint32_t)a[1], (uint32_t)a[2], (uint32_t)a[0],
				   0,  (uint32_t)a[5], (uint32_t)a[3], (uint32_t)a[4] };
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
			if (emu_mem_rw(&x, at, chunk, k, false))
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
	const struct sysent *s;
	size_t len;
	char *end;

	while (*p >= '0' && *p <= '9')
		p++;
	if (*p++ != ' ')
		return NULL;
	s = emu_lookup_logged(p, &len);
	if (s)
		p += len + 1;
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
 * emu_serve_exec write): the line of a guest's module call, written before qemu
 * handles it (as an unknown call: ENOSYS) is where k24emu serves it.
 */
void emu_serve_qemu_log(struct emu *e, struct tracee *tr, struct user_regs_struct *r)
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
	if (emu_mem_rw(&x, r->rsi, text, len, false))
		return;
	text[len] = 0;
	s = parse_log(text, a);
	if (!s)
		return;
	if (!tr->env)
		tr->env = find_env(tr->tid, (uint32_t)s->nr, a);
	if (!tr->env) {
		ml_err(e->d, NULL,
		       "pid %d: %s under qemu-i386: its registers were not found in qemu's memory: it gets ENOSYS",
		       (int)tr->tid, s->name);
		return;
	}
	/* the registers are the truth: the log prints signed longs */
	{
		uint32_t regs[8];

		if (emu_mem_rw(&x, tr->env, regs, sizeof(regs), false) ||
		    regs[0] != (uint32_t)s->nr) {
			/* another thread's, after an exec: look again */
			tr->env = find_env(tr->tid, (uint32_t)s->nr, a);
			if (!tr->env || emu_mem_rw(&x, tr->env, regs, sizeof(regs), false))
				return;
		}
		a[0] = regs[3], a[1] = regs[1], a[2] = regs[2];
		a[3] = regs[6], a[4] = regs[7], a[5] = regs[5];
	}
	emu_serve_module_call(e, tr, r, s, a, &guest);
}

#endif
