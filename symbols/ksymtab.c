// SPDX-License-Identifier: GPL-2.0-or-later
#include "symbols/symbols.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

void ml_ksymtab_init(struct ml_ksymtab *t)
{
	memset(t, 0, sizeof(*t));
	ml_hash_init(&t->exact, 1024);
}

void ml_ksymtab_free(struct ml_ksymtab *t)
{
	ml_strpool_free(&t->names);
	for (size_t i = 0; i < t->nmods; i++)
		free(t->mods[i].name);
	free(t->v);
	free(t->mods);
	ml_hash_free(&t->exact);
	ml_hash_free(&t->base);
	free(t->base_prefix);
	free(t->wide_where);
	memset(t, 0, sizeof(*t));
}

int ml_ksymtab_fit32(struct ml_ksymtab *t, struct ml_diags *d)
{
	if (t->nwide_bad) {
		if (t->nwide_bad == 1)
			ml_err(d, NULL,
			       "%s: address %#" PRIx64
			       " does not fit a 32-bit target (symbols of a 64-bit kernel?)",
			       t->wide_where, t->wide_value);
		else
			ml_err(d, NULL,
			       "%s: address %#" PRIx64
			       " does not fit a 32-bit target, nor do %zu more (symbols of a 64-bit kernel?)",
			       t->wide_where, t->wide_value, t->nwide_bad - 1);
		return -EINVAL;
	}
	if (!t->nwide)
		return 0;
	/* Only file entries can be wide; the kernel's words already fit. */
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].value >> 31 == 0x1ffffffffULL)
			t->v[i].value &= 0xffffffffULL;
	for (size_t i = 0; i < t->nmods; i++)
		if (t->mods[i].addr >> 31 == 0x1ffffffffULL)
			t->mods[i].addr &= 0xffffffffULL;
	t->nwide = 0;
	return 0;
}

int ml_ksymtab_module(struct ml_ksymtab *t, const char *modname)
{
	/* Symbols of one module come together: try the last one first. */
	if (t->nmods && !strcmp(t->mods[t->nmods - 1].name, modname))
		return (int)t->nmods - 1;
	for (size_t i = 0; i < t->nmods; i++)
		if (!strcmp(t->mods[i].name, modname))
			return (int)i;
	t->mods = ml_xrealloc(t->mods, (t->nmods + 1) * sizeof(*t->mods));
	memset(&t->mods[t->nmods], 0, sizeof(*t->mods));
	t->mods[t->nmods].name = ml_xstrdup(modname);
	return (int)t->nmods++;
}

/*
 * A CRC is 8 hex digits.  modutils did not check the digits, so an ordinary
 * name such as set_RTC_alarm looked versioned to it and could not bind
 * across versioned and unversioned names; we insist on hex.
 */
static bool crc_suffix(const char *s, size_t n)
{
	if (n != 8)
		return false;
	for (size_t i = 0; i < 8; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

size_t ml_ksym_base_len(const char *name, const char *prefix)
{
	size_t n = strlen(name), plen = prefix ? strlen(prefix) : 0;

	if (n < 10 + plen + 1)
		return n;
	size_t at = n - 10 - plen;
	if (name[at] != '_' || name[at + 1] != 'R')
		return n;
	if (plen && strncmp(name + at + 2, prefix, plen))
		return n;
	if (!crc_suffix(name + at + 2 + plen, 8))
		return n;
	return at;
}

bool ml_ksym_ncv_equal(const char *a, const char *b, const char *prefix)
{
	size_t la = strlen(a), lb = strlen(b), plen = prefix ? strlen(prefix) : 0;

	if (lb == la + 10 + plen && ml_ksym_base_len(b, prefix) == la)
		return !strncmp(a, b, la);
	if (la == lb + 10 + plen && ml_ksym_base_len(a, prefix) == lb)
		return !strncmp(a, b, lb);
	return !strcmp(a, b);
}

void ml_ksymtab_reserve(struct ml_ksymtab *t, size_t n)
{
	if (t->n + n > t->cap) {
		t->cap = t->n + n;
		t->v = ml_xrealloc(t->v, t->cap * sizeof(*t->v));
	}
	ml_hash_reserve(&t->exact, t->n + n);
}

void ml_ksymtab_add(struct ml_ksymtab *t, const char *name, uint64_t value, const char *modname)
{
	struct ml_ksym *k;
	bool gplonly = !strncmp(name, "GPLONLY_", 8);

	if (gplonly)
		name += 8;
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 256;
		t->v = ml_xrealloc(t->v, t->cap * sizeof(*t->v));
	}
	k = &t->v[t->n];
	size_t len = strlen(name);

	k->name = ml_strpool_add(&t->names, name, len);
	k->value = value;
	k->mod = modname ? ml_ksymtab_module(t, modname) : -1;
	k->gplonly = gplonly;
	t->n++;
	/*
	 * The index keeps every entry; lookups walk entries of equal key in
	 * insertion order and prefer modules to the kernel.  Values are index+1
	 * stored in the pointer, as the array may move.
	 */
	ml_hash_put(&t->exact, k->name, len, (void *)(uintptr_t)t->n);
	if (t->base_prefix) {
		/* A stale versionless index is rebuilt by the next ncv lookup. */
		free(t->base_prefix);
		t->base_prefix = NULL;
	}
	/* A module's struct address is the value of its __insmod_<mod>_O symbol. */
	if (k->mod >= 0 && !strncmp(name, "__insmod_", 9)) {
		struct ml_kmodule *m = &t->mods[k->mod];
		size_t ml = strlen(m->name);

		if (!strncmp(name + 9, m->name, ml) && !strncmp(name + 9 + ml, "_O", 2)) {
			m->addr = value;
			m->have_addr = true;
		}
	}
}

static bool better(const struct ml_ksym *cand, const struct ml_ksym *best)
{
	/* Modules loaded before win over the kernel; otherwise first seen. */
	return !best || (best->mod < 0 && cand->mod >= 0);
}

static void build_base_index(struct ml_ksymtab *t, const char *prefix)
{
	if (t->base_prefix && !strcmp(t->base_prefix, prefix))
		return;
	ml_hash_free(&t->base);
	ml_hash_init(&t->base, t->n);
	for (size_t i = 0; i < t->n; i++)
		ml_hash_put(&t->base, t->v[i].name, ml_ksym_base_len(t->v[i].name, prefix),
			    (void *)(uintptr_t)(i + 1));
	free(t->base_prefix);
	t->base_prefix = ml_xstrdup(prefix);
}

const struct ml_ksym *ml_ksymtab_lookup(struct ml_ksymtab *t, const char *name, struct ml_lookup *l)
{
	const struct ml_ksym *best = NULL;
	const char *prefix = l->prefix ? l->prefix : "";
	const struct ml_hash *h = &t->exact;
	size_t klen = strlen(name);
	struct ml_hent *e;

	if (l->ncv) {
		build_base_index(t, prefix);
		h = &t->base;
		klen = ml_ksym_base_len(name, prefix);
	}
	for (e = ml_hash_find(h, name, klen); e; e = ml_hash_next(h, e)) {
		const struct ml_ksym *k;

		k = &t->v[(uintptr_t)e->val - 1];
		/* The exact index's key is the whole name: equal keys are equal names. */
		if (l->ncv && !ml_ksym_ncv_equal(name, k->name, l->prefix))
			continue;
		if (k->gplonly && !l->gpl) {
			l->gplonly_refused = true;
			continue;
		}
		if (better(k, best))
			best = k;
	}
	return best;
}

bool ml_ksymtab_value(const struct ml_ksymtab *t, const char *name, uint64_t *v)
{
	struct ml_hent *e = ml_hash_find(&t->exact, name, strlen(name));

	if (!e)
		return false;
	*v = t->v[(uintptr_t)e->val - 1].value;
	return true;
}

char *ml_ksymtab_prefix(const struct ml_ksymtab *t)
{
	static const char *const probes[] = { "get_module_symbol_R", "inter_module_get_R" };

	for (size_t i = 0; i < t->n; i++) {
		const char *n = t->v[i].name;

		if (t->v[i].mod >= 0)
			continue;
		for (size_t j = 0; j < ML_ARRAY_SIZE(probes); j++) {
			size_t pl = strlen(probes[j]), nl = strlen(n);

			if (!strncmp(n, probes[j], pl) && nl >= pl + 8) {
				bool hex = true;

				for (size_t k = nl - 8; k < nl; k++)
					hex = hex && isxdigit((unsigned char)n[k]);
				if (hex)
					return ml_xstrndup(n + pl, nl - pl - 8);
			}
		}
	}
	return NULL;
}
