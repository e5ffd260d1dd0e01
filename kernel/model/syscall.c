// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The system calls' entry (model.h): each under the big kernel lock, on
 * fresh mappings of kernel memory.
 *
 * Locking: one flock on DIR/lock plays the big kernel lock.  A system call
 * holds it exclusively; while a module's init or cleanup runs (in the
 * executor, modcode.c) it is held shared, as 2.4 drops the BKL when init
 * sleeps, so another process can read /proc/modules and see
 * "(initializing)", or ask query_module (which takes the lock shared: it
 * only reads).
 */
#include "kernel/model/model-int.h"

#include <errno.h>
#include <sys/file.h>

static bool bkl(struct ml_model *m)
{
	flock(m->lockfd, LOCK_EX);
	return mdl_sync_regions(m) == 0 && kp(m, m->kaddr, KOFF_MODULE);
}

#define UNDER_BKL(call)                    \
	do {                               \
		long r_ = -EIO;            \
		if (bkl(m))                \
			r_ = (call);       \
		flock(m->lockfd, LOCK_UN); \
		return r_;                 \
	} while (0)

/*
 * query_module and get_kernel_syms only read kernel memory, so they take the
 * lock shared, like a /proc read: 2.4 answers them while another process's
 * init_module or delete_module sleeps in the module's code with the big
 * kernel lock dropped (golden24/proc-modules.txt steps 13 and 14: QM_INFO,
 * QM_MODULES and QM_SYMBOLS of "slow" while its init and its cleanup run).
 * Under the exclusive lock they would wait for the module's code to return.
 */
#define UNDER_SHARED_LOCK(call)                                               \
	do {                                                                  \
		long r_ = -EIO;                                               \
		flock(m->lockfd, LOCK_SH);                                    \
		if (mdl_sync_regions(m) == 0 && kp(m, m->kaddr, KOFF_MODULE)) \
			r_ = (call);                                          \
		flock(m->lockfd, LOCK_UN);                                    \
		return r_;                                                    \
	} while (0)

long ml_model_create_module(struct ml_model *m, const struct ml_uaccess *u, uint64_t name,
			    uint64_t size, uint64_t *addr)
{
	UNDER_BKL(mdl_sys_create_module(m, u, name, size, addr));
}

long ml_model_init_module(struct ml_model *m, const struct ml_uaccess *u, uint64_t name,
			  uint64_t image)
{
	UNDER_BKL(mdl_sys_init_module(m, u, name, image));
}

long ml_model_delete_module(struct ml_model *m, const struct ml_uaccess *u, uint64_t name)
{
	UNDER_BKL(mdl_sys_delete_module(m, u, name));
}

long ml_model_query_module(struct ml_model *m, const struct ml_uaccess *u, uint64_t name,
			   long which, uint64_t buf, uint64_t bufsize, uint64_t ret)
{
	UNDER_SHARED_LOCK(mdl_sys_query_module(m, u, name, which, buf, bufsize, ret));
}

long ml_model_get_kernel_syms(struct ml_model *m, const struct ml_uaccess *u, uint64_t table)
{
	UNDER_SHARED_LOCK(mdl_sys_get_kernel_syms(m, u, table));
}
