// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The symbol table as the later steps read it: which symbol a name stands
 * for (a relocation's index, canonicalised: globals go by name, as in
 * modutils), the order in which modutils' insmod walked its symbol hash
 * (exports, the load map, __kallsyms and the COMMON order follow it), and
 * lists of symbols sorted by their final address.  It reads the object
 * model (loader/obj.c) and changes nothing in it but its own cache.
 */
#include "loader/loader-int.h"

#include <elf.h>
#include <stdlib.h>
#include <string.h>

/* ---- the symbol a relocation's index stands for ---- */

/* Canonical symbol a relocation refers to: globals by name, as modutils does. */
uint32_t ml_reloc_symbol(const struct ml_obj *o, uint32_t idx)
{
	const struct ml_symbol *s = &o->syms[idx];
	long c;

	if (o->canon && idx < o->ncanon)
		return o->canon[idx];
	if (idx < o->nlocals || s->bind == STB_LOCAL || !*s->name)
		return idx;
	c = ml_obj_find_symbol(o, s->name);
	return c >= 0 ? (uint32_t)c : idx;
}

void ml_obj_canon_build(struct ml_obj *o)
{
	if (o->canon && o->ncanon == o->nsyms)
		return; /* still valid: adding a symbol drops it */
	free(o->canon);
	o->canon = NULL; /* ml_reloc_symbol() must not read a half-built cache */
	o->ncanon = 0;
	uint32_t *c = ml_xmalloc((o->nsyms ? o->nsyms : 1) * sizeof(*c));

	/* A file's global: its name's entry, noted when it was entered, says who stands for it. */
	for (size_t i = 0; i < o->nsyms; i++)
		c[i] = o->nameent && i >= o->nlocals && i < o->nfilesyms && o->nameent[i]
			       ? (uint32_t)((uintptr_t)o->names.e[o->nameent[i] - 1].val - 1)
			       : ml_reloc_symbol(o, (uint32_t)i);
	o->canon = c;
	o->ncanon = o->nsyms;
}

/* ---- modutils' symbol hash order (2.4) ---- */

#define MU_BUCKETS 521 /* modutils' HASH_BUCKETS */

/* One chain, oldest entry first (modutils pushes at the head: walk it backwards). */
struct mu_chain {
	uint32_t *v;
	size_t n, cap;
};

static void mu_push(struct mu_chain *c, uint32_t x)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 4;
		c->v = ml_xrealloc(c->v, c->cap * sizeof(*c->v));
	}
	c->v[c->n++] = x;
}

/* modutils' bucket of a name; ncv: without its _R<prefix><crc> tail. */
static size_t mu_bucket(const struct ml_obj *o, const char *name, bool ncv)
{
	size_t len = strlen(name), pl = o->mu_prefix ? strlen(o->mu_prefix) : 0;

	if (ncv && len > 10 + pl && name[len - 10 - pl] == '_' && name[len - 9 - pl] == 'R' &&
	    (!pl || !strncmp(name + len - 8 - pl, o->mu_prefix, pl)))
		len -= 10 + pl;
	return ml_elf_hash(name, len) % MU_BUCKETS;
}

/*
 * The symbol modutils' entry for the name first seen at index first ends
 * up as: a global replaces the locals before it, unless it is weak or
 * undefined (then the local stays, as in modutils' obj_add_symbol).
 */
static uint32_t mu_rep(const struct ml_obj *o, uint32_t first)
{
	const struct ml_symbol *f = &o->syms[first];
	void *v = ml_hash_get(&o->names, f->name, strlen(f->name));
	const struct ml_symbol *g;

	if (!v)
		return first;
	g = &o->syms[(uintptr_t)v - 1];
	if (f->bind == STB_LOCAL &&
	    (g->bind == STB_WEAK || g->sec == ML_SEC_UNDEF || g->sec == ML_SEC_EXTERN))
		return first;
	return (uint32_t)((uintptr_t)v - 1);
}

size_t ml_obj_mu_walk(const struct ml_obj *o, uint32_t **out)
{
	struct mu_chain *ch = ml_xcalloc(MU_BUCKETS, sizeof(*ch));
	struct ml_hash seen;
	bool ncv = false;
	size_t n = 0;

	ml_hash_init(&seen, o->nsyms);
	for (size_t i = 1; i <= o->nsyms; i++) {
		/*
		 * modutils rehashes when it learns the names are compared
		 * without CRCs: after reading the file, before adding any
		 * symbol of its own.  Each chain is walked newest first and
		 * every entry pushed on its new chain's head.
		 */
		if (o->mu_ncv && !ncv && i >= o->nfilesyms) {
			struct mu_chain *nc = ml_xcalloc(MU_BUCKETS, sizeof(*nc));

			for (size_t b = 0; b < MU_BUCKETS; b++) {
				for (size_t k = ch[b].n; k-- > 0;)
					mu_push(&nc[mu_bucket(o, o->syms[ch[b].v[k]].name, true)],
						ch[b].v[k]);
				free(ch[b].v);
			}
			free(ch);
			ch = nc;
			ncv = true;
		}
		if (i == o->nsyms)
			break;
		const char *name = o->syms[i].name;
		size_t len = strlen(name);

		if (!len || ml_hash_get(&seen, name, len))
			continue;
		ml_hash_put(&seen, name, len, (void *)1);
		mu_push(&ch[mu_bucket(o, name, ncv)], (uint32_t)i);
	}
	*out = ml_xmalloc((seen.n + 1) * sizeof(**out));
	for (size_t b = 0; b < MU_BUCKETS; b++) {
		for (size_t k = ch[b].n; k-- > 0;)
			(*out)[n++] = mu_rep(o, ch[b].v[k]);
		free(ch[b].v);
	}
	free(ch);
	ml_hash_free(&seen);
	return n;
}

/* ---- lists by address ---- */

int ml_sym_cmp_value(const void *a, const void *b, void *arg)
{
	const struct ml_obj *o = arg;
	uint64_t x = ml_obj_symbol_value(o, &o->syms[*(const uint32_t *)a]);
	uint64_t y = ml_obj_symbol_value(o, &o->syms[*(const uint32_t *)b]);

	return x < y ? -1 : x > y;
}

/* A stable merge sort: symbol tables can be large. */
void ml_sym_sort(uint32_t *v, size_t n, int (*cmp)(const void *, const void *, void *), void *arg)
{
	uint32_t *tmp;

	if (n < 2)
		return;
	tmp = ml_xmalloc(n * sizeof(*tmp));
	for (size_t w = 1; w < n; w *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * w) {
			size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
			size_t i = lo, j = mid, k = lo;

			while (i < mid && j < hi)
				tmp[k++] = cmp(&v[j], &v[i], arg) < 0 ? v[j++] : v[i++];
			while (i < mid)
				tmp[k++] = v[i++];
			while (j < hi)
				tmp[k++] = v[j++];
		}
		memcpy(v, tmp, n * sizeof(*v));
	}
	free(tmp);
}
