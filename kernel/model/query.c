// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The system calls that only read the module list: query_module(name,
 * which, buf, bufsize, ret) with its five questions (QM_MODULES, QM_DEPS,
 * QM_REFS, QM_SYMBOLS, QM_INFO) and get_kernel_syms(table).  They write into
 * the caller's buffer as 2.4 does: names until one does not fit, then
 * ENOSPC with the size needed in *ret; partial writes up to a fault.
 * Neither writes kernel memory, so they run under the shared lock
 * (syscall.c).
 */
#include "kernel/model/model-int.h"

#include <errno.h>

/* Copy NUL-terminated names until one does not fit; then count what is needed. */
struct namelist {
	const struct ml_model *m;
	const struct ml_uaccess *u;
	uint64_t buf, bufsize, space, count;
	bool full;
};

static int put_name(struct namelist *l, const char *name)
{
	uint64_t len = strlen(name) + 1;

	if (!l->full && len > l->bufsize)
		l->full = true;
	if (l->full) {
		l->space += len;
		return 0;
	}
	if (l->u->write(l->u->ctx, l->buf, name, len))
		return -EFAULT;
	l->buf += len;
	l->bufsize -= len;
	l->space += len;
	l->count++;
	return 0;
}

static long finish_names(struct namelist *l, uint64_t ret)
{
	if (mdl_put_uword(l->m, l->u, ret, l->full ? l->space : l->count))
		return -EFAULT;
	return l->full ? -ENOSPC : 0;
}

/* QM_MODULES: the names on module_list. */
static long qm_modules(struct ml_model *m, struct namelist *l, uint64_t ret)
{
	uint64_t q = module_list(m);
	int n = 0;
	long err = 0;

	for (; q && q != kernel_module(m) && !err && n++ < WALK_MAX; q = mget(m, q, ML_MF_NEXT))
		err = put_name(l, mname(m, q));
	if (!err)
		err = finish_names(l, ret);
	return err;
}

/* QM_DEPS: the names of the modules mod uses. */
static long qm_deps(struct ml_model *m, uint64_t mod, struct namelist *l, uint64_t ret)
{
	unsigned ws = ml_wordsize(&m->t);
	uint64_t nd, deps;
	long err = 0;

	if (mod == kernel_module(m))
		return -EINVAL;
	if (!CAN_QUERY(mget(m, mod, ML_MF_FLAGS)))
		return mdl_put_uword(m, l->u, ret, 0);
	nd = mget(m, mod, ML_MF_NDEPS);
	deps = mget(m, mod, ML_MF_DEPS);
	for (uint64_t i = 0; i < nd && !err; i++)
		err = put_name(l, mname(m, kword(m, deps + i * 3 * ws)));
	if (!err)
		err = finish_names(l, ret);
	return err;
}

/* QM_REFS: the names of the modules that use mod (its refs list). */
static long qm_refs(struct ml_model *m, uint64_t mod, struct namelist *l, uint64_t ret)
{
	unsigned ws = ml_wordsize(&m->t);
	uint64_t r;
	int n = 0;
	long err = 0;

	if (mod == kernel_module(m))
		return -EINVAL;
	if (!CAN_QUERY(mget(m, mod, ML_MF_FLAGS)))
		return mdl_put_uword(m, l->u, ret, 0);
	r = mget(m, mod, ML_MF_REFS);
	for (; r && !err && n++ < WALK_MAX; r = kword(m, r + 2 * ws)) {
		if (!mdl_ref_ok(m, mod, r)) {
			mdl_stale_ref(m, "query_module", mod, r);
			break;
		}
		err = put_name(l, mname(m, kword(m, r + ws)));
	}
	if (!err)
		err = finish_names(l, ret);
	return err;
}

/* QM_SYMBOLS: value/name-offset pairs, the names after them. */
static long qm_symbols(struct ml_model *m, const struct ml_uaccess *u, uint64_t mod, uint64_t buf,
		       uint64_t bufsize, uint64_t ret)
{
	unsigned ws = ml_wordsize(&m->t);
	uint64_t nsyms = mget(m, mod, ML_MF_NSYMS), syms = mget(m, mod, ML_MF_SYMS);
	uint64_t space = nsyms * 2 * ws, i = 0, strings = buf + space;

	if (!CAN_QUERY(mget(m, mod, ML_MF_FLAGS)))
		return mdl_put_uword(m, u, ret, 0);
	if (space <= bufsize) {
		bufsize -= space;
		for (; i < nsyms; i++) {
			uint64_t s = syms + i * 2 * ws;
			const char *name = kstr(m, kword(m, s + ws));
			uint64_t len = strlen(name) + 1;

			if (len > bufsize)
				break;
			if (u->write(u->ctx, strings, name, len) ||
			    mdl_put_uword(m, u, buf + i * 2 * ws, kword(m, s)) ||
			    mdl_put_uword(m, u, buf + i * 2 * ws + ws, space))
				return -EFAULT;
			strings += len;
			bufsize -= len;
			space += len;
		}
		if (i == nsyms)
			return mdl_put_uword(m, u, ret, i);
	}
	for (; i < nsyms; i++)
		space += strlen(kstr(m, kword(m, syms + i * 2 * ws + ws))) + 1;
	return mdl_put_uword(m, u, ret, space) ? -EFAULT : -ENOSPC;
}

/* QM_INFO: address, size, flags and use count (-1 with a can_unload). */
static long qm_info(struct ml_model *m, const struct ml_uaccess *u, uint64_t mod, uint64_t buf,
		    uint64_t bufsize, uint64_t ret)
{
	unsigned ws = ml_wordsize(&m->t);
	long err = 0;

	if (mod == kernel_module(m))
		return -EINVAL;
	if (4 * ws <= bufsize) {
		bool cu = member_present(m, mod, ML_MF_CAN_UNLOAD) &&
			  mget(m, mod, ML_MF_CAN_UNLOAD);
		int64_t uc = cu ? -1 : (int64_t)usecount(m, mod);

		if (mdl_put_uword(m, u, buf, mod) ||
		    mdl_put_uword(m, u, buf + ws, mget(m, mod, ML_MF_SIZE)) ||
		    mdl_put_uword(m, u, buf + 2 * ws, mget(m, mod, ML_MF_FLAGS)) ||
		    mdl_put_uword(m, u, buf + 3 * ws, (uint64_t)uc))
			err = -EFAULT;
	} else {
		err = -ENOSPC;
	}
	if (err != -EFAULT && mdl_put_uword(m, u, ret, 4 * ws))
		err = -EFAULT;
	return err;
}

long mdl_sys_query_module(struct ml_model *m, const struct ml_uaccess *u, uint64_t uname,
			  long which, uint64_t buf, uint64_t bufsize, uint64_t ret)
{
	struct namelist l = { m, u, buf, bufsize, 0, 0, false };
	uint64_t mod;

	if (!uname) {
		mod = kernel_module(m);
	} else {
		long err = mdl_find_user_module(m, u, uname, &mod);

		if (err)
			return err;
	}
	/*
	 * 2.4 holds a use of the module while it looks (atomic_inc ... atomic_dec
	 * around the switch) and QM_INFO reports usecount - 1 to make up for it.
	 * The model does not write kernel memory here, so that query_module can
	 * run under the shared lock (see ml_model_query_module), and QM_INFO
	 * reports the count itself: the same number.
	 */
	switch (which) {
	case 0:
		return 0;
	case QM_MODULES:
		return qm_modules(m, &l, ret);
	case QM_DEPS:
		return qm_deps(m, mod, &l, ret);
	case QM_REFS:
		return qm_refs(m, mod, &l, ret);
	case QM_SYMBOLS:
		return qm_symbols(m, u, mod, buf, bufsize, ret);
	case QM_INFO:
		return qm_info(m, u, mod, buf, bufsize, ret);
	default:
		return -EINVAL;
	}
}

/* ---- get_kernel_syms ---- */

long mdl_sys_get_kernel_syms(struct ml_model *m, const struct ml_uaccess *u, uint64_t table)
{
	unsigned ws = ml_wordsize(&m->t), esz = (ws + 60 + ws - 1) & ~(ws - 1);
	uint64_t mod;
	long i = 0;
	int n = 0;

	for (mod = module_list(m); mod && n++ < WALK_MAX; mod = mget(m, mod, ML_MF_NEXT))
		i += (long)mget(m, mod, ML_MF_NSYMS) + 1;
	if (!table)
		return i;
	i = 0;
	n = 0;
	for (mod = module_list(m); mod && n++ < WALK_MAX; mod = mget(m, mod, ML_MF_NEXT)) {
		uint64_t nsyms = mget(m, mod, ML_MF_NSYMS), syms = mget(m, mod, ML_MF_SYMS);
		unsigned char e[72];

		if (!CAN_QUERY(mget(m, mod, ML_MF_FLAGS)))
			continue;
		memset(e, 0, sizeof(e));
		ml_putword(&m->t, e, mod);
		e[ws] = '#';
		strncpy((char *)e + ws + 1, mname(m, mod), 58);
		if (u->write(u->ctx, table, e, esz))
			return i;
		i++;
		table += esz;
		for (uint64_t j = 0; j < nsyms; j++) {
			memset(e, 0, sizeof(e));
			ml_putword(&m->t, e, kword(m, syms + j * 2 * ws));
			strncpy((char *)e + ws, kstr(m, kword(m, syms + j * 2 * ws + ws)), 59);
			if (u->write(u->ctx, table, e, esz))
				return i;
			i++;
			table += esz;
		}
	}
	return i;
}
