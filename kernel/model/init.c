// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * init_module(name, image): 2.4's sys_init_module, in its steps.  The user's
 * header (of the size it says, within what this kernel accepts) is copied
 * over the module's, checked (check_header: every pointer inside the
 * module, the same name as created), the rest of the image copied in, the
 * dependencies checked and linked into their refs lists, and the module's
 * init run.  A refused header puts the old one back; a failed init leaves
 * the refs linked, as 2.4 does (modlist.c says what that leads to).
 *
 * With the persistent-data kernel patch (--persist) the same call also
 * reads module memory back (persist_read).
 */
#include "kernel/model/model-int.h"

#include <errno.h>
#include <stdlib.h>

/* mod_bound(p, n, m): p >= m + size_of_struct && p + n <= m + size (n in bytes). */
static bool bound(const struct ml_model *m, uint64_t mod, uint64_t p, uint64_t nbytes)
{
	return p >= mod + mget(m, mod, ML_MF_SIZE_OF_STRUCT) &&
	       p + nbytes <= mod + mget(m, mod, ML_MF_SIZE);
}

/* 2.4's checks of the new header, in its order: the console line of the first that fails. */
static const char *check_header(const struct ml_model *m, uint64_t mod, long namelen,
				uint64_t created_size)
{
	unsigned ws = ml_wordsize(&m->t);
	uint64_t sos = mget(m, mod, ML_MF_SIZE_OF_STRUCT), size = mget(m, mod, ML_MF_SIZE);
	uint64_t exs = mget(m, mod, ML_MF_EX_START), exe = mget(m, mod, ML_MF_EX_END);
	uint64_t nsyms = mget(m, mod, ML_MF_NSYMS), ndeps = mget(m, mod, ML_MF_NDEPS);
	uint64_t init = mget(m, mod, ML_MF_INIT), cleanup = mget(m, mod, ML_MF_CLEANUP);
	static const struct {
		enum ml_modfield s, e;
		const char *oob, *inv;
	} ranges[] = {
		{ ML_MF_KALLSYMS_START, ML_MF_KALLSYMS_END,
		  "init_module: mod->kallsyms out of bounds.",
		  "init_module: mod->kallsyms invalid." },
		{ ML_MF_ARCHDATA_START, ML_MF_ARCHDATA_END,
		  "init_module: mod->archdata out of bounds.",
		  "init_module: mod->archdata invalid." },
	};

	if (size > created_size)
		return "init_module: Size of initialized module exceeds size of created module.";
	if (!bound(m, mod, mget(m, mod, ML_MF_NAME), (uint64_t)namelen))
		return "init_module: mod->name out of bounds.";
	if (nsyms && !bound(m, mod, mget(m, mod, ML_MF_SYMS), nsyms * 2 * ws))
		return "init_module: mod->syms out of bounds.";
	if (ndeps && !bound(m, mod, mget(m, mod, ML_MF_DEPS), ndeps * 3 * ws))
		return "init_module: mod->deps out of bounds.";
	if (init && !bound(m, mod, init, 0))
		return "init_module: mod->init out of bounds.";
	if (cleanup && !bound(m, mod, cleanup, 0))
		return "init_module: mod->cleanup out of bounds.";
	if (exs > exe || (exs && !(exs >= mod + sos && exe < mod + size)) ||
	    ((exs - exe) & (ws == 8 ? ~0ULL : 0xffffffffULL)) % m->arch->ex_entry_size)
		return "init_module: mod->ex_table_* invalid.";
	if (mget(m, mod, ML_MF_FLAGS) & ~(uint64_t)ML_MOD_AUTOCLEAN)
		return "init_module: mod->flags invalid.";
	if (member_present(m, mod, ML_MF_CAN_UNLOAD) && mget(m, mod, ML_MF_CAN_UNLOAD) &&
	    !bound(m, mod, mget(m, mod, ML_MF_CAN_UNLOAD), 0))
		return "init_module: mod->can_unload out of bounds.";
	for (size_t i = 0; i < ML_ARRAY_SIZE(ranges); i++) {
		uint64_t s = mget(m, mod, ranges[i].s), e = mget(m, mod, ranges[i].e);

		if (!member_present(m, mod, ranges[i].e))
			continue;
		if (e && (!bound(m, mod, s, 0) || !bound(m, mod, e, 0)))
			return ranges[i].oob;
		if (s > e)
			return ranges[i].inv;
	}
	if (member_present(m, mod, ML_MF_KERNEL_DATA) && mget(m, mod, ML_MF_KERNEL_DATA))
		return "init_module: mod->kernel_data must be zero.";
	return NULL;
}

/*
 * The persistent-data kernel patch: init_module with size_of_struct =
 * -sizeof(struct module) reads [persist_start, persist_end) of the module's
 * memory into the caller's buffer right after the header.  Mainline 2.4
 * refuses it as an invalid header size; a model made with --persist has it.
 */
static long persist_read(struct ml_model *m, const struct ml_uaccess *u, uint64_t mod,
			 uint64_t image)
{
	unsigned sz = sizeof_module(m);
	unsigned char hdr[256]; /* sizeof(struct module): 96 or 184 */
	uint64_t start, end;
	unsigned char *src;

	if (u->read(u->ctx, image, hdr, sz))
		return -EFAULT;
	start = ml_getword(&m->t, hdr + off(m, ML_MF_PERSIST_START));
	end = ml_getword(&m->t, hdr + off(m, ML_MF_PERSIST_END));
	if (end < start || start < mod || end > mod + mget(m, mod, ML_MF_SIZE))
		return -EINVAL;
	src = kp(m, start, end - start);
	if (!src)
		return -EINVAL;
	return u->write(u->ctx, image + sz, src, end - start) ? -EFAULT : 0;
}

/* The module as it was before the user's header was copied over it. */
struct saved_module {
	unsigned char *kmod; /* the header in kernel memory */
	unsigned char *hdr;  /* its bytes (sizeof(struct module)) */
	char *name;
	uint64_t created, next; /* its size and next pointer */
};

/* Keep the current header and name while the user's header is checked. */
static long save_module(struct ml_model *m, uint64_t mod, uint64_t usize, struct saved_module *s)
{
	unsigned sz = sizeof_module(m);

	s->kmod = kp(m, mod, usize > sz ? usize : sz);
	if (!s->kmod)
		return -EINVAL; /* a header larger than the module itself */
	s->hdr = ml_xmalloc(sz);
	memcpy(s->hdr, s->kmod, sz);
	s->name = ml_xstrdup(mname(m, mod));
	s->created = mget(m, mod, ML_MF_SIZE);
	s->next = mget(m, mod, ML_MF_NEXT);
	return 0;
}

/* A refused header: the old one back, and the name it points to. */
static void restore_module(struct ml_model *m, uint64_t mod, const struct saved_module *s)
{
	unsigned char *np;

	memcpy(s->kmod, s->hdr, sizeof_module(m));
	np = kp(m, mget(m, mod, ML_MF_NAME), strlen(s->name) + 1);
	if (np)
		memcpy(np, s->name, strlen(s->name) + 1);
}

/* The user's header over the module's; its next pointer stays the kernel's.  0 or -EFAULT. */
static long copy_user_header(struct ml_model *m, const struct ml_uaccess *u, uint64_t mod,
			     uint64_t image, uint64_t usize, const struct saved_module *s)
{
	unsigned char *hdr = ml_xmalloc(usize);

	if (u->read(u->ctx, image, hdr, usize)) {
		free(hdr);
		return -EFAULT;
	}
	memcpy(s->kmod, hdr, usize);
	free(hdr);
	mset(m, mod, ML_MF_NEXT, s->next);
	return 0;
}

/*
 * The new header sound and naming the module by its name (read again from
 * the user's image at the same offset); then the rest of the image copied
 * in.  0 or -errno, the reason logged as 2.4 logs it.
 */
static long check_user_image(struct ml_model *m, const struct ml_uaccess *u, uint64_t mod,
			     uint64_t image, uint64_t usize, long namelen,
			     const struct saved_module *s)
{
	const char *why = check_header(m, mod, namelen, s->created);
	uint64_t size;
	unsigned char *rest;
	char *nname;
	long nnamelen;

	if (why) {
		mdl_kmsg(m, "<3>%s\n", why);
		return -EINVAL;
	}
	nnamelen = mdl_get_name(u, mget(m, mod, ML_MF_NAME) - mod + image, &nname);
	if (nnamelen < 0) {
		mdl_kmsg(m, "<3>init_module: get_mod_name failure.\n");
		return nnamelen;
	}
	if (namelen != nnamelen || strcmp(nname, s->name)) {
		mdl_kmsg(m, "<3>init_module: changed module name to `%s' from `%s'\n", nname,
			 s->name);
		free(nname);
		return -EINVAL;
	}
	free(nname);
	size = mget(m, mod, ML_MF_SIZE);
	rest = size > usize ? kp(m, mod + usize, size - usize) : NULL;
	if (size > usize && (!rest || u->read(u->ctx, image + usize, rest, size - usize)))
		return -EFAULT;
	return 0;
}

/* Every dependency a live module (not itself), then each module_ref linked. 0 or -EINVAL. */
static long link_deps(struct ml_model *m, uint64_t mod)
{
	unsigned ws = ml_wordsize(&m->t);
	uint64_t ndeps, deps;

	mset(m, mod, ML_MF_REFS, 0);
	ndeps = mget(m, mod, ML_MF_NDEPS);
	deps = mget(m, mod, ML_MF_DEPS);
	for (uint64_t i = 0; i < ndeps; i++) {
		uint64_t d = kword(m, deps + i * 3 * ws), o = module_list(m);
		int n = 0;

		if (d == mod) {
			mdl_kmsg(m, "<3>init_module: self-referential dependency in mod->deps.\n");
			return -EINVAL;
		}
		while (o != kernel_module(m) && o != d && o && n++ < WALK_MAX)
			o = mget(m, o, ML_MF_NEXT);
		if (o != d) {
			mdl_kmsg(
				m,
				"<3>init_module: found dependency that is (no longer?) a module.\n");
			return -EINVAL;
		}
	}
	for (uint64_t i = 0; i < ndeps; i++) {
		uint64_t ref = deps + i * 3 * ws, d = kword(m, ref);

		kset(m, ref + ws, mod);                        /* dep->ref = mod */
		kset(m, ref + 2 * ws, mget(m, d, ML_MF_REFS)); /* dep->next_ref = d->refs */
		mset(m, d, ML_MF_REFS, ref);                   /* d->refs = dep */
		mset(m, d, ML_MF_FLAGS, mget(m, d, ML_MF_FLAGS) | ML_MOD_USED_ONCE);
	}
	return 0;
}

/* Run the module's init, initializing meanwhile: 0, its error, or -ML_MODEL_OOPS. */
static long run_init(struct ml_model *m, uint64_t mod)
{
	mset(m, mod, ML_MF_UC, 1);
	mset(m, mod, ML_MF_FLAGS, mget(m, mod, ML_MF_FLAGS) | ML_MOD_INITIALIZING);
	if (mget(m, mod, ML_MF_INIT)) {
		long r;

		if (mdl_run_code(m, mget(m, mod, ML_MF_INIT), "init_module", &r))
			return -ML_MODEL_OOPS; /* the caller dies; the module stays initializing */
		if (r) {
			mset(m, mod, ML_MF_UC, 0);
			mset(m, mod, ML_MF_FLAGS,
			     mget(m, mod, ML_MF_FLAGS) & ~(uint64_t)ML_MOD_INITIALIZING);
			return r > 0 ? -EBUSY : r;
		}
	}
	mset(m, mod, ML_MF_UC, (uint64_t)(usecount(m, mod) - 1));
	mset(m, mod, ML_MF_FLAGS,
	     (mget(m, mod, ML_MF_FLAGS) | ML_MOD_RUNNING) & ~(uint64_t)ML_MOD_INITIALIZING);
	return 0;
}

/* The header size the user's image gives (its size_of_struct): 0 or -EFAULT. */
static long user_header_size(struct ml_model *m, const struct ml_uaccess *u, uint64_t image,
			     uint64_t *usize)
{
	unsigned char wb[8];

	if (u->read(u->ctx, image + off(m, ML_MF_SIZE_OF_STRUCT), wb, ml_wordsize(&m->t)))
		return -EFAULT;
	*usize = ml_getword(&m->t, wb);
	return 0;
}

long mdl_sys_init_module(struct ml_model *m, const struct ml_uaccess *u, uint64_t uname,
			 uint64_t image)
{
	unsigned ws = ml_wordsize(&m->t), sz = sizeof_module(m);
	struct saved_module s = { 0 };
	char *name = NULL;
	long namelen, err;
	uint64_t mod, usize;

	namelen = mdl_get_name(u, uname, &name);
	if (namelen < 0)
		return namelen;
	mod = mdl_find_module(m, name);
	if (!mod) {
		err = -ENOENT;
		goto out;
	}
	err = user_header_size(m, u, image, &usize);
	if (err)
		goto out;
	if (m->persist && usize == (((uint64_t)0 - sz) & (ws == 8 ? ~0ULL : 0xffffffffULL))) {
		err = persist_read(m, u, mod, image);
		goto out;
	}
	if (usize < off(m, ML_MF_PERSIST_START) || usize > sz + 16ULL * ws) {
		mdl_kmsg(
			m,
			"<3>init_module: Invalid module header size.\n<3>A new version of the modutils is likely needed.\n");
		err = -EINVAL;
		goto out;
	}
	err = save_module(m, mod, usize, &s);
	if (err)
		goto out;
	err = copy_user_header(m, u, mod, image, usize, &s);
	if (!err)
		err = check_user_image(m, u, mod, image, usize, namelen, &s);
	if (!err)
		err = link_deps(m, mod);
	if (err)
		restore_module(m, mod, &s);
	else
		err = run_init(m, mod);
out:
	free(s.hdr);
	free(s.name);
	free(name);
	return err;
}
