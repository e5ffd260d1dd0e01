/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * batch: a whole tree of modern (2.6+) .ko modules linked in one process, one
 * after another in a module area, in dependency order, as a kernel loading
 * them one by one would place them.  The single-module steps (lay out, place,
 * resolve, relocate, export) are the loader's (loader/modern.c); this room adds
 * what only a tree has: the load order (from modules.dep, read by modconf/, or
 * from the symbols), the threads that read modules ahead of the one relocating
 * thread, and the files a run leaves (NAME.img, NAME.map, modules.index).
 */
#ifndef ML_BATCH_H
#define ML_BATCH_H

#include "common/common.h"
#include "symbols/symbols.h"

#include <stdio.h>

/* Where a kernel put a module (--at): it is not placed at the area's cursor. */
struct ml_batch_place {
	const char *name;    /* module name */
	uint64_t core, init; /* where the kernel put it (e.g. from /sys/module) */
	uint64_t percpu;     /* its .data..percpu copy (e.g. from /proc/kallsyms) */
	bool have_init, have_percpu;
};
/* One module's outcome, reported in load order. */
struct ml_batch_module {
	const char *path, *name;
	size_t index, total; /* position in the load order */
	int err;             /* 0, or -errno (diagnostics in the report's list) */
	uint64_t core, init, core_size, init_size, percpu, percpu_size;
	uint64_t kernel_core_size; /* what /proc/modules will say (layout) */
	size_t nrelocs, nunresolved, nexports;
};
struct ml_batch_opts {
	struct ml_ksymtab *ksyms; /* kernel symbols; module exports are added */
	const char *const *paths;
	size_t npaths;
	const char *modules_dep; /* order from this file, else from symbols */
	uint64_t base;           /* start of the module area */
	uint64_t percpu;         /* start of the per-CPU area for modules */
	const char *outdir;      /* NAME.img and NAME.map, or NULL */
	unsigned jobs;           /* threads (1: none); 0: one per online CPU */
	const struct ml_batch_place *place;
	size_t nplace;
	/* called once per module, in load order, with its own diagnostics */
	void (*report)(void *arg, const struct ml_batch_module *m, const struct ml_diags *d);
	void *arg;
};
struct ml_batch_totals {
	size_t modules, failed, relocs, unresolved, exports;
	uint64_t bytes, area_end;
	unsigned jobs; /* threads used */
	/* seconds: the first pass (names, symbols, order), the second (load and
	 * relocate), and how long the relocating thread waited for loaders */
	double t_scan, t_link, t_wait;
};
/* 0, or a negative errno when some module failed or the order could not be read. */
int ml_batch_relocate(const struct ml_batch_opts *o, struct ml_batch_totals *t, struct ml_diags *d);

/* ---- output.c: modules.index, the list of what --out holds ---- */
/* mkdir DIR (it may exist) and open DIR/modules.index for writing; NULL: reported. */
FILE *ml_batch_index_open(const char *outdir, struct ml_diags *d);
/* One line for a module that loaded: NAME PATH CORE CORE_SIZE INIT INIT_SIZE KERNEL_SIZE. */
void ml_batch_index_line(FILE *f, const struct ml_batch_module *m);
/* fclose; 0, or -EIO (reported: the lines may not all be there). */
int ml_batch_index_close(FILE *f, const char *outdir, struct ml_diags *d);

#endif
