// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The /proc files, as a 2.4 kernel shows them.  Programs read the module list from /proc/modules,
 * /proc/ksyms and /proc/sys/kernel/tainted, which the host kernel does not
 * have (or has in 2.6's format).  When a traced program opens, stats or
 * accesses one of those exact paths, the model's text is written to a fresh
 * file in a private temporary directory and the path argument is pointed at
 * that file's name, written into a page of the caller's own (see
 * regs.c: the stack below the red zone is not always there); the
 * argument register is restored at the exit (the x86 system call ABIs promise
 * it unchanged), and the file is unlinked there, the new descriptor keeping
 * it alive.  A tainted file opened for writing is kept
 * instead, and what the program wrote is or'ed into the model's taint mask
 * after each close.  uname() is patched at its exit to report the model's
 * release and CPU, as insmod checks the release and modlink derives the
 * kernel's CPU from the machine name.
 */
#include "kernel/emu/emu-int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#if defined(__x86_64__)

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

void emu_sync_taint(struct emu *e)
{
	for (size_t i = 0; i < e->ntf; i++) {
		int v = ml_read_int_file(e->tf[i].path, e->tf[i].value);

		if (v == e->tf[i].value)
			continue;
		ml_model_taint(e->m, v);
		if (e->o->verbose)
			ml_info(e->d, NULL, "tainted: %d written, or'ed into the model", v);
		e->tf[i].value = v;
	}
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
static uint64_t open_flags(struct tracee *tr, const struct sysent *s, struct user_regs_struct *r)
{
	struct mem x = { tr->tid, tr->abi == ABI_I386 };
	uint64_t how = 0;

	if (s->flags == F_NONE)
		return 0;
	if (s->flags == F_CREAT)
		return O_WRONLY | O_CREAT | O_TRUNC;
	if (s->flags >= 0)
		return emu_arg(r, tr->abi, s->flags);
	/* openat2: struct open_how starts with the 64-bit flags */
	if (emu_mem_rw(&x, emu_arg(r, tr->abi, 2), &how, sizeof(how), false))
		return 0;
	return how;
}

static const char *machine(const char *cpu)
{
	return strcmp(cpu, "i386") ? cpu : "i686";
}

void emu_serve_path_call(struct emu *e, struct tracee *tr, struct user_regs_struct *r,
			 const struct sysent *s)
{
	struct mem x = { tr->tid, tr->abi == ABI_I386 };
	char path[PROC_PATH_MAX], *text, *snap;
	size_t i, len;
	uint64_t at, flags;
	bool tainted, writing;
	int err;

	if (emu_read_str(&x, emu_arg(r, tr->abi, s->path), path, sizeof(path)))
		return;
	for (i = 0; i < ML_ARRAY_SIZE(proc_files); i++)
		if (!strcmp(path, proc_files[i].path))
			break;
	if (i == ML_ARRAY_SIZE(proc_files) || emu_need_scratch(tr, r))
		return;
	emu_sync_taint(e);
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
		err = emu_place(tr, r, snap, strlen(snap) + 1, &at);
	if (err) {
		ml_err(e->d, NULL,
		       "pid %d: %s(\"%s\") went to the host's file: cannot show the model's text there: %s",
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
	tr->arg = *emu_argreg(r, tr->abi, s->path);
	tr->snap = snap;
	tr->keep = tainted && writing;
	*emu_argreg(r, tr->abi, s->path) = at;
	emu_setregs(tr, r);
}

void emu_path_exit(struct emu *e, struct tracee *tr, struct user_regs_struct *r)
{
	*emu_argreg(r, tr->abi, tr->argi) = tr->arg;
	emu_setregs(tr, r);
	if (tr->keep && (int64_t)r->rax >= 0) {
		e->tf = ml_xrealloc(e->tf, (e->ntf + 1) * sizeof(*e->tf));
		e->tf[e->ntf].path = tr->snap;
		e->tf[e->ntf++].value = ml_read_int_file(tr->snap, 0);
		tr->snap = NULL;
	}
}

void emu_uname_exit(struct emu *e, struct tracee *tr, struct user_regs_struct *r)
{
	struct mem x = { tr->tid, tr->abi == ABI_I386 };

	if (r->rax == 0) {
		/* struct new_utsname and old_utsname: 65-byte fields, the
		 * release the 3rd, the machine the 5th */
		char f[2][65] = { { 0 } };
		const char *cpu = ml_model_cpu(e->m);

		snprintf(f[0], sizeof(f[0]), "%s", ml_model_release(e->m));
		snprintf(f[1], sizeof(f[1]), "%s", machine(cpu));
		emu_mem_rw(&x, tr->ubuf + 2 * 65, f[0], 65, true);
		emu_mem_rw(&x, tr->ubuf + 4 * 65, f[1], 65, true);
	}
}

#endif
