// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * __kallsyms, the symbol table modutils' insmod gives a 2.4 module so
 * that the kernel (and ksymoops) can name its addresses: reserved before
 * layout at its final size, filled after relocation from the final
 * addresses.
 */
#include "loader/loader-int.h"

#include <elf.h>
#include <stdlib.h>
#include <string.h>

/* kallsyms: by address, then by name. */
static int cmp_addr_name(const void *a, const void *b, void *arg)
{
	const struct ml_obj *o = arg;
	int c = ml_sym_cmp_value(a, b, arg);

	return c ? c
		 : strcmp(o->syms[*(const uint32_t *)a].name, o->syms[*(const uint32_t *)b].name);
}

/*
 * modutils' kallsyms (obj_kallsyms.c; format: its kallsyms.h): a header,
 * one entry per allocated section in section index order, one per symbol
 * sorted by address then name, then the strings: the section names and
 * the symbol names, in the order they were met (no leading empty
 * string).  The symbols are those of its symbol hash (ml_obj_mu_walk) in
 * an allocated section -- section symbols too -- but gcc2_compiled. and
 * insmod's own __insmod_* tags.
 */
struct ka_layout {
	unsigned hdr, sec, sym; /* entry sizes */
	uint64_t nsec, nsym, strsize;
	uint32_t *v; /* the symbols, in hash order */
};

static bool ka_symbol_wanted(const struct ml_obj *o, const struct ml_symbol *s)
{
	return s->sec >= 0 && o->secs[s->sec]->load && strcmp(s->name, "gcc2_compiled.") &&
	       strncmp(s->name, "__insmod_", 9);
}

static void ka_measure(const struct ml_obj *o, struct ka_layout *k)
{
	bool w64 = o->tgt.is64;
	size_t n;

	k->hdr = w64 ? 72 : 44;
	k->sec = w64 ? 32 : 16;
	k->sym = w64 ? 24 : 12;
	k->nsec = k->nsym = 0;
	k->strsize = 0;
	for (size_t i = 0; i < o->nsecs; i++)
		if (o->secs[i]->load) {
			k->nsec++;
			k->strsize += strlen(o->secs[i]->name) + 1;
		}
	n = ml_obj_mu_walk(o, &k->v);
	for (size_t i = 0; i < n; i++)
		if (ka_symbol_wanted(o, &o->syms[k->v[i]])) {
			k->v[k->nsym++] = k->v[i];
			k->strsize += strlen(o->syms[k->v[i]].name) + 1;
		}
}

int ml_kallsyms_reserve(struct ml_obj *o)
{
	struct ka_layout k;
	/* Itself one of the sections it describes; 4-aligned (an Elf word), as modutils makes it. */
	int sec = (int)ml_obj_add_section(o, "__kallsyms", SHT_PROGBITS, SHF_ALLOC, 4, 0);

	ka_measure(o, &k);
	free(k.v);
	ml_obj_extend_section(o, (size_t)sec, k.hdr + k.nsec * k.sec + k.nsym * k.sym + k.strsize);
	return sec;
}

/* Where the parts of the section go while it is filled. */
struct ka_fill {
	const struct ml_target *t;
	unsigned char *p;                /* the section's bytes */
	uint64_t secoff, symoff, stroff; /* the three tables, from p */
	uint64_t str;                    /* next free string offset */
	uint64_t *secentry;  /* per section index: its entry's offset in the section table */
	size_t nsec;         /* section entries written */
	uint64_t start, end; /* lowest and highest address of the loaded sections */
};

/* One entry per loaded section, in section index order, and the section names. */
static void ka_sections(const struct ml_obj *o, const struct ka_layout *k, struct ka_fill *f)
{
	bool w64 = f->t->is64;
	unsigned ws = w64 ? 8 : 4;

	for (size_t i = 0; i < o->nsecs; i++) {
		const struct ml_section *s = o->secs[i];
		unsigned char *e = f->p + f->secoff + f->nsec * k->sec;
		size_t nl = strlen(s->name) + 1;

		if (!s->load)
			continue;
		f->secentry[i] = f->nsec * k->sec;
		ml_putword(f->t, e, s->addr);
		ml_put32(f->t, e + ws, (uint32_t)s->size);
		ml_putword(f->t, e + (w64 ? 16 : 8), f->str);
		ml_put32(f->t, e + (w64 ? 24 : 12), (uint32_t)s->flags);
		memcpy(f->p + f->stroff + f->str, s->name, nl);
		f->str += nl;
		f->nsec++;
		if (s->addr < f->start)
			f->start = s->addr;
		if (s->addr + s->size > f->end)
			f->end = s->addr + s->size;
	}
}

/* The symbol names in hash order, then the entries sorted by address and name. */
static void ka_symbols(struct ml_obj *o, struct ka_layout *k, struct ka_fill *f)
{
	unsigned ws = f->t->is64 ? 8 : 4;
	uint64_t *name_off = ml_xcalloc(o->nsyms + 1, sizeof(*name_off));

	for (size_t i = 0; i < k->nsym; i++) {
		const char *nm = o->syms[k->v[i]].name;
		size_t nl = strlen(nm) + 1;

		name_off[k->v[i]] = f->str;
		memcpy(f->p + f->stroff + f->str, nm, nl);
		f->str += nl;
	}
	ml_sym_sort(k->v, k->nsym, cmp_addr_name, o);
	for (size_t i = 0; i < k->nsym; i++) {
		const struct ml_symbol *s = &o->syms[k->v[i]];
		unsigned char *e = f->p + f->symoff + i * k->sym;

		ml_putword(f->t, e, f->secentry[s->sec]);
		ml_putword(f->t, e + ws, ml_obj_symbol_value(o, s));
		ml_putword(f->t, e + 2 * ws, name_off[k->v[i]]);
	}
	free(name_off);
}

/* The header: sizes, counts and where each table starts; the address range. */
static void ka_header(const struct ka_layout *k, const struct ka_fill *f, uint64_t size)
{
	const struct ml_target *t = f->t;
	unsigned char *p = f->p;

	ml_put32(t, p + 0, k->hdr);
	ml_put32(t, p + 4, (uint32_t)size);
	ml_put32(t, p + 8, (uint32_t)f->nsec);
	if (t->is64) {
		ml_put64(t, p + 16, f->secoff);
		ml_put32(t, p + 24, k->sec);
		ml_put32(t, p + 28, (uint32_t)k->nsym);
		ml_put64(t, p + 32, f->symoff);
		ml_put32(t, p + 40, k->sym);
		ml_put64(t, p + 48, f->stroff);
		ml_put64(t, p + 56, f->start);
		ml_put64(t, p + 64, f->end);
	} else {
		ml_put32(t, p + 12, (uint32_t)f->secoff);
		ml_put32(t, p + 16, k->sec);
		ml_put32(t, p + 20, (uint32_t)k->nsym);
		ml_put32(t, p + 24, (uint32_t)f->symoff);
		ml_put32(t, p + 28, k->sym);
		ml_put32(t, p + 32, (uint32_t)f->stroff);
		ml_put32(t, p + 36, (uint32_t)f->start);
		ml_put32(t, p + 40, (uint32_t)f->end);
	}
}

void ml_kallsyms_fill(struct ml_obj *o, int kasec)
{
	struct ml_section *ks = o->secs[kasec];
	struct ka_layout k;
	struct ka_fill f = { .t = &o->tgt, .p = ks->data, .start = ~0ULL };

	ka_measure(o, &k);
	f.secoff = k.hdr;
	f.symoff = f.secoff + k.nsec * k.sec;
	f.stroff = f.symoff + k.nsym * k.sym;
	memset(f.p, 0, ks->size);
	f.secentry = ml_xcalloc(o->nsecs + 1, sizeof(*f.secentry));
	ka_sections(o, &k, &f);
	ka_symbols(o, &k, &f);
	ka_header(&k, &f, ks->size);
	free(k.v);
	free(f.secentry);
}
