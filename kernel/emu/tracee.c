// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The traced threads: one entry per thread id, made at its first stop,
 * dropped when it exits (or when a thread's exec gives its id to the
 * leader), with what its current system call needs at its exit.
 */
#include "kernel/emu/emu-int.h"

#include <stdlib.h>
#include <unistd.h>

#if defined(__x86_64__)

struct tracee *emu_tracee(struct emu *e, pid_t tid, bool add)
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

void emu_drop_snap(struct tracee *tr)
{
	if (tr->snap) {
		unlink(tr->snap);
		free(tr->snap);
		tr->snap = NULL;
	}
	tr->x = X_NONE;
}

void emu_forget(struct emu *e, pid_t tid)
{
	for (size_t i = 0; i < e->ntv; i++) {
		if (e->tv[i]->tid != tid)
			continue;
		emu_drop_snap(e->tv[i]);
		free(e->tv[i]);
		e->tv[i] = e->tv[--e->ntv];
		return;
	}
}

#endif
