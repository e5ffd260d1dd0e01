// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ml_batch_relocate(): a whole tree in one process, in three steps.
 *  1. scan (scan.c): what each module needs and offers, read over threads;
 *  2. order (order.c): its dependencies and a load order;
 *  3. link (pipeline.c, link.c): each module read and laid out ahead by loader
 *     threads, then placed, bound, relocated and exported in load order by
 *     this thread, reported to the caller as it goes.
 */
#include "batch/batch-int.h"

#include <errno.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>

/* What the caller's totals take of one module's outcome. */
static void tally(struct ml_batch_totals *t, const struct ml_batch_module *res)
{
	t->modules++;
	if (res->err)
		t->failed++;
	t->relocs += res->err ? 0 : res->nrelocs;
	t->unresolved += res->nunresolved;
	t->exports += res->nexports;
	t->bytes += res->err ? 0 : res->core_size + res->init_size;
}

/* Step 3: every module of the order, loaded ahead by jobs - 1 threads, linked here. */
static void link_all(const struct ml_batch_opts *bo, const struct btree *bt, const size_t *order,
		     size_t norder, struct ml_batch_totals *t)
{
	struct blink lk = { .bo = bo, .cursor = bo->base, .pcpu = bo->percpu };
	struct bpipe p;

	ml_hash_init(&lk.loaded, bt->n);
	ml_bpipe_start(&p, bt->v, order, norder, t->jobs);
	for (size_t k = 0; k < norder; k++) {
		const struct bmod *m = &bt->v[order[k]];
		struct bslot *sl = ml_bpipe_wait(&p, k, &t->t_wait);
		struct ml_batch_module res = {
			.path = m->path, .name = m->name, .index = k, .total = bt->n
		};

		ml_batch_link(&lk, bt, order[k], sl, &res);
		tally(t, &res);
		if (bo->report)
			bo->report(bo->arg, &res, &sl->md);
		ml_diags_free(&sl->md);
		ml_bpipe_release(&p, sl);
	}
	ml_bpipe_stop(&p);
	ml_hash_free(&lk.loaded);
	t->area_end = lk.cursor;
}

int ml_batch_relocate(const struct ml_batch_opts *bo, struct ml_batch_totals *t, struct ml_diags *d)
{
	struct btree bt;
	size_t *order = ml_xmalloc((bo->npaths + 1) * sizeof(*order)), norder = 0;
	double t0, t1;
	int err;

	memset(t, 0, sizeof(*t));
	t->jobs = ml_batch_jobs(bo->jobs);
	t0 = ml_now();
	elf_version(EV_CURRENT); /* once, before any thread uses libelf */
	ml_batch_scan(&bt, bo->paths, bo->npaths, t->jobs);
	err = ml_batch_order(&bt, bo->modules_dep, bo->ksyms, order, &norder, d);
	t1 = ml_now();
	t->t_scan = t1 - t0;
	if (!err) {
		link_all(bo, &bt, order, norder, t);
		t->t_link = ml_now() - t1;
	}
	free(order);
	ml_batch_tree_free(&bt);
	return err ? err : t->failed ? -ENOEXEC : 0;
}
