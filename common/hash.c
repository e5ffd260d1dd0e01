// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/common.h"

#include <stdlib.h>
#include <string.h>

/* The System V ELF hash, as modutils uses for its symbol table. */
unsigned long ml_elf_hash(const char *s, size_t n)
{
	unsigned long h = 0, g;

	for (size_t i = 0; i < n; i++) {
		h = (h << 4) + (unsigned char)s[i];
		g = h & 0xf0000000UL;
		if (g)
			h ^= g >> 24;
		h &= ~g;
	}
	return h;
}

void ml_hash_init(struct ml_hash *h, size_t hint)
{
	size_t nb = 64;

	while (nb < hint)
		nb <<= 1;
	h->nb = nb;
	h->n = 0;
	h->b = ml_xcalloc(nb, sizeof(*h->b));
}

static void grow(struct ml_hash *h)
{
	size_t nb = h->nb * 2;
	struct ml_hent **b = ml_xcalloc(nb, sizeof(*b));

	for (size_t i = 0; i < h->nb; i++) {
		struct ml_hent *e = h->b[i], *next;

		for (; e; e = next) {
			size_t k = ml_elf_hash(e->key, e->klen) & (nb - 1);

			next = e->next;
			e->next = b[k];
			b[k] = e;
		}
	}
	free(h->b);
	h->b = b;
	h->nb = nb;
}

void ml_hash_put(struct ml_hash *h, const char *key, size_t klen, void *val)
{
	struct ml_hent *e = ml_xmalloc(sizeof(*e)), **tail;
	size_t k;

	if (h->n + 1 > h->nb)
		grow(h);
	k = ml_elf_hash(key, klen) & (h->nb - 1);
	e->key = key;
	e->klen = klen;
	e->val = val;
	e->next = NULL;
	/* Append, so that entries with the same key keep insertion order. */
	for (tail = &h->b[k]; *tail; tail = &(*tail)->next)
		;
	*tail = e;
	h->n++;
}

struct ml_hent *ml_hash_find(const struct ml_hash *h, const char *key, size_t klen)
{
	struct ml_hent *e;

	if (!h->nb)
		return NULL;
	e = h->b[ml_elf_hash(key, klen) & (h->nb - 1)];
	for (; e; e = e->next)
		if (e->klen == klen && !memcmp(e->key, key, klen))
			return e;
	return NULL;
}

void *ml_hash_get(const struct ml_hash *h, const char *key, size_t klen)
{
	struct ml_hent *e = ml_hash_find(h, key, klen);

	return e ? e->val : NULL;
}

void ml_hash_free(struct ml_hash *h)
{
	for (size_t i = 0; i < h->nb; i++) {
		struct ml_hent *e = h->b[i], *next;

		for (; e; e = next) {
			next = e->next;
			free(e);
		}
	}
	free(h->b);
	memset(h, 0, sizeof(*h));
}
