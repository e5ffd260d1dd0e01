// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The load order of a tree: every module after the modules it needs, as
 * modprobe would load them.  What a module needs comes from modules.dep when
 * one is given (read by modconf/'s reader, the one the 2.4 tools use: kmod's
 * "path: dep dep ..." lines are a case of modutils' rules), else from the
 * symbols: a module needs the modules that export what it leaves undefined,
 * unless the kernel proper has it.  Modules are matched by name (name= of
 * .modinfo, else the file's), as the kernel knows them; the first module of a
 * name and the first exporter of a symbol count.
 */
#include "batch/batch-int.h"
#include "modconf/modconf.h"

#include <stdlib.h>
#include <string.h>

static void add_dep(struct bmod *m, size_t dep)
{
	for (size_t i = 0; i < m->ndeps; i++)
		if (m->deps[i] == dep)
			return;
	m->deps = ml_xrealloc(m->deps, (m->ndeps + 1) * sizeof(*m->deps));
	m->deps[m->ndeps++] = dep;
}

/* The module a modules.dep path names (index + 1), or 0. */
static uintptr_t module_of_path(const struct ml_hash *byname, const char *path)
{
	char *name = ml_batch_name_from_path(path);
	void *mi = ml_hash_get(byname, name, strlen(name));

	free(name);
	return (uintptr_t)mi;
}

/* modules.dep: paths relative to the tree's root; a module not in the tree is ignored. */
static int deps_from_file(struct btree *bt, const struct ml_hash *byname, const char *path,
			  struct ml_diags *d)
{
	struct ml_depfile df = { .lenient = true };
	unsigned char *text;
	size_t len;
	int err = ml_read_file(path, &text, &len, d);

	if (err)
		return err;
	err = ml_depfile_parse(&df, path, (const char *)text, len, d);
	free(text);
	for (size_t i = 0; !err && i < df.n; i++) {
		const struct ml_dep_entry *e = &df.v[i];
		uintptr_t mi = module_of_path(byname, e->path);

		if (!mi)
			continue;
		for (size_t k = 0; k < e->deps.n; k++) {
			uintptr_t di = module_of_path(byname, e->deps.v[k]);

			if (di && di != mi)
				add_dep(&bt->v[mi - 1], di - 1);
		}
	}
	ml_depfile_free(&df);
	return err;
}

/* The modules that export what each module leaves undefined, unless the kernel has it. */
static void deps_from_symbols(struct btree *bt, const struct ml_hash *provider,
			      struct ml_ksymtab *ksyms)
{
	for (size_t i = 0; i < bt->n; i++)
		for (size_t k = 0; k < bt->v[i].nundef; k++) {
			const char *s = bt->v[i].undef[k];
			void *p = ml_hash_get(provider, s, strlen(s));
			uint64_t val;

			if (p && (uintptr_t)p - 1 != i && !ml_ksymtab_value(ksyms, s, &val))
				add_dep(&bt->v[i], (uintptr_t)p - 1);
		}
}

static void visit(struct bmod *v, size_t i, size_t *order, size_t *n)
{
	if (v[i].state)
		return; /* done, or a cycle: broken here */
	v[i].state = 1;
	for (size_t k = 0; k < v[i].ndeps; k++)
		visit(v, v[i].deps[k], order, n);
	v[i].state = 2;
	order[(*n)++] = i;
}

int ml_batch_order(struct btree *bt, const char *modules_dep, struct ml_ksymtab *ksyms,
		   size_t *order, size_t *norder, struct ml_diags *d)
{
	struct ml_hash byname, provider;
	struct bmod *v = bt->v;
	int err = 0;

	ml_hash_init(&byname, bt->n);
	ml_hash_init(&provider, 4 * bt->n);
	for (size_t i = 0; i < bt->n; i++) {
		if (!ml_hash_get(&byname, v[i].name, strlen(v[i].name)))
			ml_hash_put(&byname, v[i].name, strlen(v[i].name),
				    (void *)(uintptr_t)(i + 1));
		for (size_t k = 0; k < v[i].nexports; k++)
			if (!ml_hash_get(&provider, v[i].exports[k], strlen(v[i].exports[k])))
				ml_hash_put(&provider, v[i].exports[k], strlen(v[i].exports[k]),
					    (void *)(uintptr_t)(i + 1));
	}
	if (modules_dep)
		err = deps_from_file(bt, &byname, modules_dep, d);
	else
		deps_from_symbols(bt, &provider, ksyms);
	ml_hash_free(&byname);
	ml_hash_free(&provider);
	if (err)
		return err;
	*norder = 0;
	for (size_t i = 0; i < bt->n; i++) {
		if (v[i].state < 0) { /* unreadable: it fails when its turn comes */
			v[i].state = 0;
			v[i].nexports = 0;
		}
		visit(v, i, order, norder);
	}
	return 0;
}
