// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The first pass over a tree: what ordering needs of each module (its name,
 * the names it leaves undefined, the names it exports), read by
 * ml_modern_scan() from each file without loading it, the files shared out
 * over threads.  Each thread keeps the names it reads in its own string pool,
 * so the threads share nothing but the module array, each writing only its
 * own entries.
 */
#include "batch/batch-int.h"

#include <stdlib.h>
#include <string.h>

char *ml_batch_name_from_path(const char *path)
{
	char *s = ml_module_name_from_path(path);

	for (char *p = s; *p; p++)
		if (*p == '-')
			*p = '_';
	return s;
}

struct scan_job {
	struct bmod *v;
	size_t n, stride, first;
	struct ml_strpool *names; /* the names its modules need and offer */
	struct bmod *m;           /* the module being read */
};

static void push_str(char ***v, size_t *n, struct ml_strpool *pool, const char *s)
{
	/* capacity: 4, then doubled each time n reaches a power of two */
	if (*n == 0 || (*n >= 4 && !(*n & (*n - 1))))
		*v = ml_xrealloc(*v, (*n ? 2 * *n : 4) * sizeof(**v));
	(*v)[(*n)++] = ml_strpool_add(pool, s, strlen(s));
}

static void scan_add(void *arg, bool exported, const char *name)
{
	struct scan_job *j = arg;

	if (exported)
		push_str(&j->m->exports, &j->m->nexports, j->names, name);
	else
		push_str(&j->m->undef, &j->m->nundef, j->names, name);
}

static void *scan_thread(void *arg)
{
	struct scan_job *j = arg;
	struct ml_buf buf = { 0 };

	for (size_t i = j->first; i < j->n; i += j->stride) {
		struct ml_diags md = { 0 };
		struct ml_modern_scan sc = { .add = scan_add, .arg = j };

		j->m = &j->v[i];
		if (ml_modern_scan(j->m->path, &buf, &sc, &md))
			j->m->state = -1; /* reported when its turn comes */
		j->m->name = sc.name;
		ml_diags_free(&md);
	}
	ml_buf_free(&buf);
	return NULL;
}

/* Run fn over jobs[0..n) (each size bytes) with n - 1 extra threads; the caller runs the last. */
static void run_threads(void *(*fn)(void *), void *jobs, size_t size, unsigned n)
{
	pthread_t *t = ml_xcalloc(n, sizeof(*t));
	unsigned started = 0;

	for (unsigned i = 0; i + 1 < n; i++) {
		void *job = (char *)jobs + i * size;

		if (pthread_create(&t[started], NULL, fn, job))
			fn(job); /* no thread to be had: do it here */
		else
			started++;
	}
	fn((char *)jobs + (n - 1) * size);
	for (unsigned i = 0; i < started; i++)
		pthread_join(t[i], NULL);
	free(t);
}

void ml_batch_scan(struct btree *bt, const char *const *paths, size_t n, unsigned jobs)
{
	unsigned nscan = jobs < n ? jobs : n ? (unsigned)n : 1;
	struct scan_job *sj = ml_xcalloc(nscan, sizeof(*sj));

	bt->n = n;
	bt->v = ml_xcalloc(n + 1, sizeof(*bt->v));
	bt->npools = nscan;
	bt->pools = ml_xcalloc(nscan, sizeof(*bt->pools));
	for (size_t i = 0; i < n; i++)
		bt->v[i].path = ml_xstrdup(paths[i]);
	for (unsigned i = 0; i < nscan; i++)
		sj[i] = (struct scan_job){
			.v = bt->v, .n = n, .stride = nscan, .first = i, .names = &bt->pools[i]
		};
	run_threads(scan_thread, sj, sizeof(*sj), nscan);
	free(sj);
	for (size_t i = 0; i < n; i++)
		if (!bt->v[i].name)
			bt->v[i].name = ml_batch_name_from_path(bt->v[i].path);
}

void ml_batch_tree_free(struct btree *bt)
{
	for (size_t i = 0; i < bt->n; i++) {
		struct bmod *m = &bt->v[i];

		free(m->undef);
		free(m->exports);
		free(m->deps);
		free(m->path);
		free(m->name);
	}
	for (unsigned i = 0; i < bt->npools; i++)
		ml_strpool_free(&bt->pools[i]);
	free(bt->pools);
	free(bt->v);
	memset(bt, 0, sizeof(*bt));
}
