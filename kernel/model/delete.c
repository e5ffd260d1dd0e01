// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * delete_module(name): 2.4's sys_delete_module.  A named module that nobody
 * refers to and that is not in use (__MOD_IN_USE, which may run its
 * can_unload) is marked deleted and freed: its cleanup run if it was
 * running, its module_refs taken off its dependencies' refs lists, itself
 * off module_list, its memory file removed.  Without a name, the autoclean
 * modules are reaped, with the second chance 2.4 gives VISITED modules.
 */
#include "kernel/model/model-int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <unistd.h>

/*
 * Its module_refs (ndeps at deps, as they were before its cleanup ran) off
 * each dependency's refs list; tag_freed: mark those left unused.
 */
static void unlink_refs(struct ml_model *m, uint64_t mod, uint64_t ndeps, uint64_t deps,
			bool tag_freed)
{
	unsigned ws = ml_wordsize(&m->t);

	for (uint64_t i = 0; i < ndeps; i++) {
		uint64_t ref = deps + i * 3 * ws, d = kword(m, ref);
		uint64_t pp = d + off(m, ML_MF_REFS);
		int n = 0;

		while (kword(m, pp) != ref && kword(m, pp) && n++ < WALK_MAX)
			pp = kword(m, pp) + 2 * ws;
		if (kword(m, pp) == ref)
			kset(m, pp, kword(m, ref + 2 * ws));
		else
			mdl_kmsg(
				m,
				"<1>modlink: module_ref of %s not on %s's refs list (2.4 would oops here)\n",
				mname(m, mod), mname(m, d));
		if (tag_freed && !mget(m, d, ML_MF_REFS))
			mset(m, d, ML_MF_FLAGS, mget(m, d, ML_MF_FLAGS) | ML_MOD_JUST_FREED);
	}
}

static void free_module(struct ml_model *m, uint64_t mod, bool tag_freed)
{
	uint64_t ndeps = mget(m, mod, ML_MF_NDEPS), deps = mget(m, mod, ML_MF_DEPS);
	char *p;

	if (mget(m, mod, ML_MF_FLAGS) & ML_MOD_RUNNING) {
		long r;

		if (mget(m, mod, ML_MF_CLEANUP))
			mdl_run_code(m, mget(m, mod, ML_MF_CLEANUP), "cleanup_module", &r);
		mset(m, mod, ML_MF_FLAGS, mget(m, mod, ML_MF_FLAGS) & ~(uint64_t)ML_MOD_RUNNING);
	}
	unlink_refs(m, mod, ndeps, deps, tag_freed);
	if (module_list(m) == mod) {
		kset(m, m->kaddr, mget(m, mod, ML_MF_NEXT));
	} else {
		uint64_t q = module_list(m);
		int n = 0;

		while (q && mget(m, q, ML_MF_NEXT) != mod && n++ < WALK_MAX)
			q = mget(m, q, ML_MF_NEXT);
		if (q)
			mset(m, q, ML_MF_NEXT, mget(m, mod, ML_MF_NEXT));
	}
	p = mdl_path(m, "mem/%" PRIx64, mod);
	unlink(p);
	free(p);
	mdl_sync_regions(m);
}

/* delete_module(NULL): automatic reaping, with the second chance for VISITED modules. */
static long reap_autoclean(struct ml_model *m)
{
	uint64_t mod, next;
	bool changed;
	long v;

	do {
		changed = false;
		for (mod = module_list(m); mod && mod != kernel_module(m); mod = next) {
			uint64_t fl = mget(m, mod, ML_MF_FLAGS);

			next = mget(m, mod, ML_MF_NEXT);
			if (mget(m, mod, ML_MF_REFS) || !(fl & ML_MOD_AUTOCLEAN) ||
			    !(fl & ML_MOD_RUNNING) || (fl & ML_MOD_DELETED) ||
			    !(fl & ML_MOD_USED_ONCE))
				continue;
			if (mdl_in_use(m, mod, &v) || v)
				continue;
			if ((fl & ML_MOD_VISITED) && !(fl & ML_MOD_JUST_FREED)) {
				mset(m, mod, ML_MF_FLAGS, fl & ~(uint64_t)ML_MOD_VISITED);
			} else {
				mset(m, mod, ML_MF_FLAGS, fl | ML_MOD_DELETED);
				free_module(m, mod, true);
				changed = true;
			}
		}
	} while (changed);
	for (mod = module_list(m); mod && mod != kernel_module(m); mod = mget(m, mod, ML_MF_NEXT))
		mset(m, mod, ML_MF_FLAGS, mget(m, mod, ML_MF_FLAGS) & ~(uint64_t)ML_MOD_JUST_FREED);
	return 0;
}

long mdl_sys_delete_module(struct ml_model *m, const struct ml_uaccess *u, uint64_t uname)
{
	uint64_t mod;
	long err, v;

	if (!uname)
		return reap_autoclean(m);
	err = mdl_find_user_module(m, u, uname, &mod);
	if (err)
		return err;
	if (mget(m, mod, ML_MF_REFS))
		return -EBUSY;
	if (mdl_in_use(m, mod, &v) || v)
		return -EBUSY;
	mset(m, mod, ML_MF_FLAGS, mget(m, mod, ML_MF_FLAGS) | ML_MOD_DELETED);
	free_module(m, mod, false);
	return 0;
}
