/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers shared inside batch/ only: the modules as the first pass saw them, the
 * load order, the loader threads' pipeline and the linking of one module in order. */
#ifndef ML_BATCH_INT_H
#define ML_BATCH_INT_H

#include "batch/batch.h"
#include "loader/loader.h"

#include <pthread.h>

/* One module of the tree. */
struct bmod {
	char *path, *name;
	char **undef, **exports; /* names, in the scan threads' string pools */
	size_t nundef, nexports;
	size_t *deps; /* indexes of the modules it needs */
	size_t ndeps;
	int state; /* 0 new, 1 visiting, 2 done (order); -1 unreadable (scan) */
};
/* The tree: what the first pass found of each module. */
struct btree {
	struct bmod *v;
	size_t n;
	struct ml_strpool *pools; /* one per scan thread: the names of undef and exports */
	unsigned npools;
};

/* ---- scan.c: the first pass, split over threads ---- */
/* Names, undefined symbols and exports of every path; a module without name=
 * is named after its file (as KBUILD_MODNAME). */
void ml_batch_scan(struct btree *bt, const char *const *paths, size_t n, unsigned jobs);
void ml_batch_tree_free(struct btree *bt);
/* The kernel's name for a module without name=: the file name with '-' as '_'. */
char *ml_batch_name_from_path(const char *path);

/* ---- order.c: the load order ---- */
/* Each module's dependencies (from modules_dep, else from the symbols) and an order
 * in which every module comes after those it needs (a cycle is broken where met):
 * order[0..*norder) of bt->v's indexes; order holds bt->n entries. */
int ml_batch_order(struct btree *bt, const char *modules_dep, struct ml_ksymtab *ksyms,
		   size_t *order, size_t *norder, struct ml_diags *d);

/* ---- pipeline.c: loader threads reading ahead of the relocating thread ---- */
enum { SLOT_FREE, SLOT_BUSY, SLOT_READY };

/* A module read, parsed and laid out (the order-independent part). */
struct bslot {
	size_t k; /* position in the load order */
	int state;
	struct ml_obj *o;
	struct ml_modern_layout l;
	struct ml_diags md;
	int err;
	struct ml_buf file; /* the file's bytes, reused from module to module */
};
struct bpipe {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct bslot *slots;
	size_t nslots, next, norder;
	const size_t *order;
	struct bmod *v;
	pthread_t *threads;
	unsigned started; /* loader threads running (0: the caller loads) */
};
/* Threads: jobs, else one per online CPU; one on a kernel older than 2.6. */
unsigned ml_batch_jobs(unsigned jobs);
/* jobs - 1 loader threads start reading modules in order[] ahead. */
void ml_bpipe_start(struct bpipe *p, struct bmod *v, const size_t *order, size_t norder,
		    unsigned jobs);
/* Module k of the order, loaded (here if no thread has it); *waited += the seconds spent. */
struct bslot *ml_bpipe_wait(struct bpipe *p, size_t k, double *waited);
/* Done with the slot: the loaders may reuse it. */
void ml_bpipe_release(struct bpipe *p, struct bslot *sl);
/* Join the loaders, free the slots. */
void ml_bpipe_stop(struct bpipe *p);

/* ---- link.c: the order-dependent part, one module at a time ---- */
struct blink {
	const struct ml_batch_opts *bo;
	uint64_t cursor, pcpu; /* where the next module and its per-CPU copy go */
	struct ml_hash loaded; /* names of the modules loaded so far: index + 1 */
};
/* Place the slot's module at the cursor (or where --at says), bind, relocate, add its
 * exports, write its files; res says how it went (diagnostics in sl->md). */
void ml_batch_link(struct blink *lk, const struct btree *bt, size_t idx, struct bslot *sl,
		   struct ml_batch_module *res);

/* ---- output.c: the files of --out ---- */
/* NAME.img and NAME.map in outdir; 0 or -errno, reported. */
int ml_batch_write_module(const struct ml_obj *o, const char *outdir, const char *name,
			  struct ml_diags *d);
/* A module name usable as a file name in outdir (and a modules.index word). */
bool ml_batch_file_name_ok(const char *name);

#endif
