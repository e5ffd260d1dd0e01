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

/*
 * The table's own hash: eight bytes at a time, multiplied and folded, then
 * a final avalanche.  Only this process ever sees its values.
 */
static uint32_t key_hash(const char *s, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ n, w;

	for (; n >= 8; s += 8, n -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	if (n) {
		w = 0;
		for (size_t i = 0; i < n; i++)
			w |= (uint64_t)(unsigned char)s[i] << (8 * i);
		h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return (uint32_t)h;
}

void ml_hash_init(struct ml_hash *h, size_t hint)
{
	size_t nb = 64;

	while (nb < hint)
		nb <<= 1;
	memset(h, 0, sizeof(*h));
	h->nb = nb;
	h->b = ml_xcalloc(nb, sizeof(*h->b));
	h->cap = hint;
	h->e = hint ? ml_xmalloc(hint * sizeof(*h->e)) : NULL;
}

/* Rebuild the chains for nb buckets, keeping insertion order within each. */
static void rechain(struct ml_hash *h, size_t nb)
{
	free(h->b);
	h->b = ml_xcalloc(nb, sizeof(*h->b));
	h->nb = nb;
	/* Entries pushed on the front newest first leave each chain oldest first. */
	for (size_t i = h->n; i-- > 0;) {
		uint32_t *head = &h->b[h->e[i].hash & (nb - 1)];

		h->e[i].next = *head;
		*head = (uint32_t)(i + 1);
	}
}

void ml_hash_reserve(struct ml_hash *h, size_t n)
{
	size_t nb;

	if (!h->nb)
		ml_hash_init(h, 0);
	nb = h->nb;
	if (n > h->cap) {
		h->cap = n;
		h->e = ml_xrealloc(h->e, h->cap * sizeof(*h->e));
	}
	while (nb < n)
		nb <<= 1;
	if (nb != h->nb)
		rechain(h, nb);
}

/* Append an entry (hash already computed) at the end of its chain: equal keys keep insertion order. */
static struct ml_hent *append(struct ml_hash *h, const char *key, size_t klen, void *val,
			      uint32_t hash)
{
	struct ml_hent *e;
	uint32_t *link;

	if (!h->nb)
		ml_hash_init(h, 0);
	if (h->n == h->cap) {
		h->cap = h->cap ? 2 * h->cap : 64;
		h->e = ml_xrealloc(h->e, h->cap * sizeof(*h->e));
	}
	e = &h->e[h->n++];
	*e = (struct ml_hent){ .key = key, .klen = (uint32_t)klen, .val = val, .hash = hash };
	if (h->n > h->nb) {
		rechain(h, h->nb * 2);
		return e;
	}
	for (link = &h->b[hash & (h->nb - 1)]; *link; link = &h->e[*link - 1].next)
		;
	*link = (uint32_t)h->n;
	return e;
}

void ml_hash_put(struct ml_hash *h, const char *key, size_t klen, void *val)
{
	append(h, key, klen, val, key_hash(key, klen));
}

static struct ml_hent *walk(const struct ml_hash *h, uint32_t i, const char *key, size_t klen,
			    uint32_t hash)
{
	while (i) {
		struct ml_hent *e = &h->e[i - 1];

		if (e->hash == hash && e->klen == klen && !memcmp(e->key, key, klen))
			return e;
		i = e->next;
	}
	return NULL;
}

struct ml_hent *ml_hash_intern(struct ml_hash *h, const char *key, size_t klen, void *val,
			       bool *found)
{
	uint32_t hash = key_hash(key, klen);
	struct ml_hent *e = h->n ? walk(h, h->b[hash & (h->nb - 1)], key, klen, hash) : NULL;

	*found = e != NULL;
	return e ? e : append(h, key, klen, val, hash);
}

struct ml_hent *ml_hash_find(const struct ml_hash *h, const char *key, size_t klen)
{
	uint32_t hash;

	if (!h->n)
		return NULL;
	hash = key_hash(key, klen);
	return walk(h, h->b[hash & (h->nb - 1)], key, klen, hash);
}

struct ml_hent *ml_hash_next(const struct ml_hash *h, const struct ml_hent *e)
{
	return walk(h, e->next, e->key, e->klen, e->hash);
}

void *ml_hash_get(const struct ml_hash *h, const char *key, size_t klen)
{
	struct ml_hent *e = ml_hash_find(h, key, klen);

	return e ? e->val : NULL;
}

void ml_hash_free(struct ml_hash *h)
{
	free(h->e);
	free(h->b);
	memset(h, 0, sizeof(*h));
}
