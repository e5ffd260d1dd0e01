// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The load map (insmod -m): the sections in load order with their sizes,
 * addresses and alignments, then the symbols by address, nm-style.  A 2.4
 * module's is modutils' own (its symbol hash, its types); a modern .ko
 * keeps a map of its own symbol table.
 */
#include "loader/loader-int.h"

#include <ctype.h>
#include <elf.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* ARM's mapping symbols ($a, $d, $t, $a.1 ...) mark code and data, not names. */
static bool mapping_symbol(const struct ml_symbol *s)
{
	return s->name[0] == '$' && strchr("adtx", s->name[1]) &&
	       (!s->name[2] || s->name[2] == '.');
}

/* By address, then by index. */
static int cmp_addr(const void *a, const void *b, void *arg)
{
	int c = ml_sym_cmp_value(a, b, arg);

	return c ? c : *(const uint32_t *)a < *(const uint32_t *)b ? -1 : 1;
}

static int log2u(uint64_t a)
{
	int n = 0;

	while (a > 1) {
		a >>= 1;
		n++;
	}
	return n;
}

static char nm_type(const struct ml_obj *o, const struct ml_symbol *s)
{
	char c;

	if (s->sec == ML_SEC_ABS) {
		c = 'a';
	} else {
		const struct ml_section *sec = o->secs[s->sec];

		if (sec->flags & SHF_EXECINSTR)
			c = 't';
		else if (!(sec->flags & SHF_WRITE))
			c = 'r';
		else if (sec->prio && ((sec->prio - 1) & 4) == 0)
			c = 'b'; /* was NOBITS when loaded */
		else
			c = 'd';
	}
	return s->bind == STB_LOCAL ? c : (char)toupper((unsigned char)c);
}

/* The section lines: load order, then sections placed outside the image. */
/* The map's symbol part: v (n indexes, sorted), each with its type letter. */
static void map_symbols(const struct ml_obj *o, struct ml_buf *b, int w, const uint32_t *v,
			size_t n, char (*type)(const struct ml_obj *, const struct ml_symbol *))
{
	ml_buf_printf(b, "\nSymbols:\n");
	for (size_t i = 0; i < n; i++) {
		const struct ml_symbol *s = &o->syms[v[i]];

		ml_buf_printf(b, "%0*" PRIx64 " %c %s\n", w, ml_obj_symbol_value(o, s), type(o, s),
			      s->name);
	}
}

static void map_sections(const struct ml_obj *o, struct ml_buf *b, int w)
{
	ml_buf_printf(b, "Sections:       Size      %-*s  Align\n", w, "Address");
	for (size_t i = 0; i < o->norder; i++) {
		const struct ml_section *s = o->secs[o->order[i]];

		ml_buf_printf(b, "%-15s %08" PRIx64 "  %0*" PRIx64 "  2**%d\n", s->name, s->size, w,
			      s->addr, log2u(s->align));
	}
}

void ml_write_map(const struct ml_obj *o, struct ml_buf *b)
{
	int w = (int)(2 * ml_wordsize(&o->tgt));
	uint32_t *v;
	size_t n = 0;

	map_sections(o, b, w);
	/* Sections placed outside the image (a modern module's per-CPU data). */
	for (size_t i = 0; i < o->nsecs; i++) {
		const struct ml_section *s = o->secs[i];

		if (!s->load && s->addr)
			ml_buf_printf(b, "%-15s %08" PRIx64 "  %0*" PRIx64 "  2**%d\n", s->name,
				      s->size, w, s->addr, log2u(s->align));
	}
	v = ml_xmalloc((o->nsyms + 1) * sizeof(*v));
	for (size_t i = 1; i < o->nsyms; i++) {
		const struct ml_symbol *s = &o->syms[i];

		if (!*s->name || s->type == STT_SECTION || s->type == STT_FILE || mapping_symbol(s))
			continue;
		if (s->bind != STB_LOCAL && ml_obj_find_symbol(o, s->name) != (long)i)
			continue;
		if (s->sec == ML_SEC_ABS ||
		    (s->sec >= 0 && (o->secs[s->sec]->load || o->secs[s->sec]->addr)))
			v[n++] = (uint32_t)i;
	}
	ml_sym_sort(v, n, cmp_addr, (void *)o);
	map_symbols(o, b, w, v, n, nm_type);
	free(v);
}

/*
 * A 2.4 module's map, as modutils' insmod -m prints it: every entry of
 * its symbol hash (ml_obj_mu_walk) in an allocated section or absolute --
 * file names, section symbols and the first of each local name included
 * -- sorted by address with a stable sort, so equal addresses keep the
 * hash's order.  Types: A absolute (a weak undefined symbol is absolute 0
 * by then), T code, D writable (.bss included: it is data by then), R
 * read-only; lower case for locals.
 */
static char mu_type(const struct ml_obj *o, const struct ml_symbol *s)
{
	char c = 'A';

	if (s->sec >= 0) {
		const struct ml_section *sec = o->secs[s->sec];

		c = sec->flags & SHF_EXECINSTR ? 'T' : sec->flags & SHF_WRITE ? 'D' : 'R';
	}
	return s->bind == STB_LOCAL ? (char)tolower((unsigned char)c) : c;
}

void ml_write_map24(const struct ml_obj *o, struct ml_buf *b)
{
	int w = (int)(2 * ml_wordsize(&o->tgt));
	uint32_t *v;
	size_t n = ml_obj_mu_walk(o, &v), k = 0;

	map_sections(o, b, w);
	for (size_t i = 0; i < n; i++) {
		const struct ml_symbol *s = &o->syms[v[i]];

		if (s->sec == ML_SEC_ABS || s->weak_zero || (s->sec >= 0 && o->secs[s->sec]->load))
			v[k++] = v[i];
	}
	ml_sym_sort(v, k, ml_sym_cmp_value, (void *)o);
	map_symbols(o, b, w, v, k, mu_type);
	free(v);
}
