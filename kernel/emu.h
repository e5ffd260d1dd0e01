/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * k24emu's engine: run a program, and everything it starts, under ptrace and
 * service its 2.2/2.4 module system calls (create_module, init_module,
 * delete_module, get_kernel_syms, query_module) from the model kept in a
 * directory (model.h), so that the very binary that would run on a 2.4
 * kernel runs here.  64-bit callers (syscall) and 32-bit ones (int 0x80, or a
 * 32-bit program's sysenter) are both served; the model's word size and byte
 * order must be the caller's.
 *
 * Around the calls, the traced programs see a 2.4 kernel: opening (or
 * stat-ing) /proc/modules, /proc/ksyms, /proc/sys/kernel/tainted or
 * /proc/sys/kernel/osrelease gives the model's text, what they write into
 * tainted is or'ed into the model's taint mask, and uname() reports the
 * model's release and CPU.
 *
 * Library code: problems go into the diagnostics, nothing is printed.
 */
#ifndef ML_EMU_H
#define ML_EMU_H

#include "common/common.h"

struct ml_emu_opts {
	const char *state; /* the model's directory */
	char *const *argv; /* the command; argv[0] is looked up in PATH */
	bool verbose;      /* a note (ML_INFO) for every call serviced */
};

struct ml_emu_result {
	int status;     /* the command's wait status (waitpid) */
	int exec_errno; /* nonzero: the command could not be run (execvp's errno) */
};

/*
 * Run the command to completion: until it and every process it started
 * under the trace have exited.  0 with *r filled in, or -errno when the
 * command could not be started (no model in opts->state, no ptrace, ...),
 * with diagnostics either way.
 */
int ml_emu_run(const struct ml_emu_opts *opts, struct ml_emu_result *r, struct ml_diags *d);

#endif
