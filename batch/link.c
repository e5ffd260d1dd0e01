// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The order-dependent part of the batch, one module at a time on the calling
 * thread, in load order: the module's place (the module area's cursor, or
 * where --at says a kernel put it), binding to the kernel's and the earlier
 * modules' exports, relocation, then its own exports for the modules after
 * it and its files in --out.  Only a module that loads moves the cursor: the
 * kernel frees a failed one's memory, and refuses a second module of a name.
 */
#include "batch/batch-int.h"

#include <errno.h>
#include <string.h>

static const struct ml_batch_place *find_place(const struct ml_batch_opts *bo, const char *name)
{
	for (size_t i = 0; i < bo->nplace; i++)
		if (!strcmp(bo->place[i].name, name))
			return &bo->place[i];
	return NULL;
}

/* Where the module goes (res), and where the cursors go if it loads (*next, *next_pcpu). */
static void place_module(const struct blink *lk, const struct ml_modern_layout *l,
			 struct ml_batch_module *res, uint64_t *next, uint64_t *next_pcpu)
{
	const struct ml_batch_place *pl = find_place(lk->bo, res->name);

	*next = lk->cursor;
	*next_pcpu = lk->pcpu;
	if (pl) {
		res->core = pl->core;
		res->init = pl->have_init ? pl->init : res->core + l->core_size;
	} else {
		res->core = lk->cursor;
		res->init = res->core + l->core_size;
		*next = ml_modern_area_next(l, res->init);
	}
	res->percpu = 0;
	if (l->percpu >= 0 && pl && pl->have_percpu) {
		res->percpu = pl->percpu;
	} else if (l->percpu >= 0) {
		res->percpu = ml_modern_percpu_at(l, lk->pcpu);
		*next_pcpu = res->percpu + l->percpu_size;
	}
	res->core_size = l->core_size;
	res->init_size = l->init_size;
	res->kernel_core_size = l->kernel_core_size;
	res->percpu_size = l->percpu_size;
	res->nrelocs = l->nrelocs;
}

/* Place, bind, relocate; then move the cursors, export, write the files. */
static int link_module(struct blink *lk, struct bslot *sl, struct ml_batch_module *res)
{
	const struct ml_batch_opts *bo = lk->bo;
	struct ml_obj *o = sl->o;
	uint64_t next, next_pcpu;
	int err;

	if (bo->outdir && !ml_batch_file_name_ok(res->name)) {
		ml_err(&sl->md, NULL,
		       "%s: module name '%s' (.modinfo) is not a plain file name (empty, '.', '..', a '/', a blank or a control character): nothing written to %s",
		       res->path, res->name, bo->outdir);
		return -EINVAL;
	}
	place_module(lk, &sl->l, res, &next, &next_pcpu);
	ml_modern_place(o, &sl->l, res->core, res->init, res->percpu);
	err = ml_modern_resolve(o, bo->ksyms, &res->nunresolved, &sl->md);
	if (err)
		return err;
	err = ml_relocate(o, NULL, &sl->md);
	if (err)
		return err;
	lk->cursor = next;
	lk->pcpu = next_pcpu;
	res->nexports = ml_modern_exports(o, bo->ksyms, res->name);
	if (bo->outdir)
		err = ml_batch_write_module(o, bo->outdir, res->name, &sl->md);
	return err;
}

void ml_batch_link(struct blink *lk, const struct btree *bt, size_t idx, struct bslot *sl,
		   struct ml_batch_module *res)
{
	const struct bmod *m = &bt->v[idx];
	size_t first = (uintptr_t)ml_hash_get(&lk->loaded, m->name, strlen(m->name));

	/* One module of a name, as the kernel: a second is refused (its files in
	 * --out would replace the first's). */
	if (!sl->err && first) {
		ml_err(&sl->md, NULL, "%s: a module named %s is already loaded, from %s", m->path,
		       m->name, bt->v[first - 1].path);
		sl->err = -EEXIST;
	}
	/* the object is freed when the slot is next loaded */
	res->err = sl->err ? sl->err : link_module(lk, sl, res);
	if (!res->err)
		ml_hash_put(&lk->loaded, m->name, strlen(m->name), (void *)(uintptr_t)(idx + 1));
}
