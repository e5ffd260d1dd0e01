// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * module_list, as 2.4's find_module walks it, and the refs lists hanging
 * from its modules, checked before they are followed: where the real kernel
 * would oops on a stale module_ref, the model logs and cuts the walk.
 */
#include "kernel/model/model-int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>

uint64_t mdl_find_module(const struct ml_model *m, const char *name)
{
	uint64_t mod = module_list(m);

	for (int n = 0; mod && n < WALK_MAX; n++, mod = mget(m, mod, ML_MF_NEXT)) {
		if (mget(m, mod, ML_MF_FLAGS) & ML_MOD_DELETED)
			continue;
		if (!strcmp(mname(m, mod), name))
			return mod;
	}
	return 0;
}

long mdl_find_user_module(const struct ml_model *m, const struct ml_uaccess *u, uint64_t uname,
			  uint64_t *mod)
{
	char *name;
	long err = mdl_get_name(u, uname, &name);

	if (err < 0)
		return err;
	*mod = mdl_find_module(m, name);
	free(name);
	return *mod ? 0 : -ENOENT;
}

/*
 * A module_ref on mod's refs list is sound if it lies in kernel memory, its
 * dep is mod and its ref is a module on module_list.  A failed init leaves
 * its refs linked (2.4 does not unlink them); re-initialize that module
 * without deps and delete it, and the dependency's refs list points into
 * freed memory: 2.4 oopses at the next walk of it (NULL dereference reading
 * ref->ref->name, golden24/init-module-errors.txt, second boot).  The model
 * checks each ref before following it, and logs instead of oopsing.
 */
bool mdl_ref_ok(const struct ml_model *m, uint64_t mod, uint64_t ref)
{
	unsigned ws = ml_wordsize(&m->t);
	uint64_t who, q = module_list(m);
	int n = 0;

	if (!kp(m, ref, 3ULL * ws) || kword(m, ref) != mod)
		return false;
	who = kword(m, ref + ws);
	for (; q && q != kernel_module(m) && n++ < WALK_MAX; q = mget(m, q, ML_MF_NEXT))
		if (q == who)
			return true;
	return false;
}

void mdl_stale_ref(struct ml_model *m, const char *where, uint64_t mod, uint64_t ref)
{
	mdl_kmsg(m,
		 "<1>modlink: %s: %s's refs list holds a stale module_ref at 0x%" PRIx64
		 " (its module was freed); 2.4 would oops here, the list is cut\n",
		 where, mname(m, mod), ref);
}
