// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The batch runs as a pipeline.  What a module needs of no other module
 * (reading the file, parsing it, laying its sections out) is done ahead by
 * loader threads into a ring of slots; what depends on the modules before
 * it (its place in the area, binding to their exports, relocating, adding
 * its own exports: link.c) is done by the calling thread, strictly in load
 * order.  The result does not depend on the number of threads.
 */
#include "batch/batch-int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/utsname.h>
#include <unistd.h>

/* Linux 2.2/2.4 (a retro build's home) cannot run the threads a C library makes today. */
static bool kernel_has_threads(void)
{
	struct utsname u;
	unsigned major = 0, minor = 0;

	if (uname(&u) || sscanf(u.release, "%u.%u", &major, &minor) != 2)
		return true;
	return major > 2 || (major == 2 && minor >= 6);
}

unsigned ml_batch_jobs(unsigned jobs)
{
	long n = jobs ? (long)jobs : sysconf(_SC_NPROCESSORS_ONLN);

	if (n > 1 && !kernel_has_threads())
		n = 1;
	return n < 1 ? 1 : n > 64 ? 64 : (unsigned)n;
}

/* The order-independent part: read, parse, lay out. */
static void batch_load(struct bmod *m, struct bslot *sl)
{
	int err;

	/* The slot's last object is freed here, by the thread that allocated it:
	 * freeing memory of another thread's malloc arena costs that arena's lock. */
	ml_obj_free(sl->o);
	sl->o = NULL;
	err = ml_obj_load_into(m->path, &sl->file, &sl->o, &sl->md);

	if (!err && !ml_obj_is_modern(sl->o)) {
		ml_err(&sl->md, NULL,
		       "%s: not a modern (2.6 or later) module: no .gnu.linkonce.this_module and no vermagic",
		       m->path);
		err = -ENOEXEC;
	}
	if (!err)
		err = ml_modern_layout(sl->o, &sl->l, &sl->md);
	sl->err = err;
}

/*
 * With the lock held: claim the next module to load if its slot is free,
 * load it (lock dropped meanwhile) and mark it ready.  false: nothing to do.
 */
static bool load_next(struct bpipe *p)
{
	struct bslot *sl;
	size_t k = p->next;

	if (k >= p->norder || p->slots[k % p->nslots].state != SLOT_FREE)
		return false;
	p->next++;
	sl = &p->slots[k % p->nslots];
	sl->state = SLOT_BUSY;
	sl->k = k;
	pthread_mutex_unlock(&p->mu);
	batch_load(&p->v[p->order[k]], sl);
	pthread_mutex_lock(&p->mu);
	sl->state = SLOT_READY;
	pthread_cond_broadcast(&p->cv);
	return true;
}

static void *loader_thread(void *arg)
{
	struct bpipe *p = arg;

	pthread_mutex_lock(&p->mu);
	while (p->next < p->norder)
		if (!load_next(p))
			pthread_cond_wait(&p->cv, &p->mu);
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

void ml_bpipe_start(struct bpipe *p, struct bmod *v, const size_t *order, size_t norder,
		    unsigned jobs)
{
	unsigned nloaders = jobs > 1 ? jobs - 1 : 0;

	*p = (struct bpipe){ .norder = norder, .order = order, .v = v };
	p->threads = ml_xcalloc(nloaders + 1, sizeof(*p->threads));
	/* Enough slots that loaders run ahead while this thread relocates. */
	p->nslots = nloaders ? 2 * (size_t)nloaders + 2 : 1;
	p->slots = ml_xcalloc(p->nslots, sizeof(*p->slots));
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	for (unsigned i = 0; i < nloaders; i++)
		if (!pthread_create(&p->threads[p->started], NULL, loader_thread, p))
			p->started++;
}

struct bslot *ml_bpipe_wait(struct bpipe *p, size_t k, double *waited)
{
	struct bslot *sl = &p->slots[k % p->nslots];
	double w;

	if (!p->started) {
		batch_load(&p->v[p->order[k]], sl);
		return sl;
	}
	w = ml_now();
	/* Rather than wait for module k, load one further on. */
	pthread_mutex_lock(&p->mu);
	while (sl->state != SLOT_READY || sl->k != k)
		if (!load_next(p))
			pthread_cond_wait(&p->cv, &p->mu);
	pthread_mutex_unlock(&p->mu);
	*waited += ml_now() - w;
	return sl;
}

void ml_bpipe_release(struct bpipe *p, struct bslot *sl)
{
	if (!p->started)
		return;
	pthread_mutex_lock(&p->mu);
	sl->state = SLOT_FREE;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

void ml_bpipe_stop(struct bpipe *p)
{
	for (unsigned i = 0; i < p->started; i++)
		pthread_join(p->threads[i], NULL);
	for (size_t i = 0; i < p->nslots; i++) {
		ml_obj_free(p->slots[i].o);
		ml_buf_free(&p->slots[i].file);
	}
	free(p->slots);
	free(p->threads);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv);
}
