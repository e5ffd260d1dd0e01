// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Layout: COMMON allocation, GOT/PLT sizing and the load order of modutils
 * 2.4, so that the image is laid out as its insmod laid it out.  It edits
 * the object model (loader/obj.c) and reads its symbols through
 * loader/symtab.c; the section priorities it orders by were fixed by the
 * model when each section was read or created.
 */
#include "loader/loader-int.h"

#include <elf.h>
#include <stdlib.h>
#include <string.h>

static int cmp_common(const void *a, const void *b, void *arg)
{
	const struct ml_obj *o = arg;
	const struct ml_symbol *x = &o->syms[*(const uint32_t *)a];
	const struct ml_symbol *y = &o->syms[*(const uint32_t *)b];

	if (x->size != y->size)
		return x->size < y->size ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/*
 * modutils' COMMON order: its symbol hash walked (ml_obj_mu_walk), each
 * COMMON put before the first already listed that is not smaller, so by
 * size, and among equal sizes the one walked last first.
 */
static size_t mu_commons(const struct ml_obj *o, uint32_t **out)
{
	uint32_t *w, *c;
	size_t nw = ml_obj_mu_walk(o, &w), nc = 0;

	c = ml_xmalloc((nw + 1) * sizeof(*c));
	for (size_t i = 0; i < nw; i++) {
		const struct ml_symbol *s = &o->syms[w[i]];
		size_t k = 0;

		if (s->sec != ML_SEC_COMMON || s->bind == STB_LOCAL)
			continue;
		while (k < nc && s->size > o->syms[c[k]].size)
			k++;
		memmove(c + k + 1, c + k, (nc - k) * sizeof(*c));
		c[k] = w[i];
		nc++;
	}
	free(w);
	*out = c;
	return nc;
}

void ml_allocate_commons(struct ml_obj *o)
{
	uint32_t *c = NULL;
	size_t nc = 0;
	int bss = -1;

	if (o->mu24)
		nc = mu_commons(o, &c);
	for (size_t i = 1; i < o->nsyms && !o->mu24; i++) {
		struct ml_symbol *s = &o->syms[i];

		if (s->sec == ML_SEC_COMMON && s->bind != STB_LOCAL &&
		    ml_obj_find_symbol(o, s->name) == (long)i) {
			c = ml_xrealloc(c, (nc + 1) * sizeof(*c));
			c[nc++] = (uint32_t)i;
		}
	}
	for (size_t i = 0; i < o->nsecs; i++)
		if (o->secs[i]->type == SHT_NOBITS && o->secs[i]->load) {
			bss = (int)i;
			break;
		}
	if (nc) {
		struct ml_section *s;

		if (bss < 0)
			bss = (int)ml_obj_add_section(o, ".bss", SHT_NOBITS, SHF_ALLOC | SHF_WRITE,
						      1, 0);
		s = o->secs[bss];
		if (!o->mu24)
			ml_sym_sort(c, nc, cmp_common, o);
		for (size_t i = 0; i < nc; i++) {
			struct ml_symbol *sym = &o->syms[c[i]];
			uint64_t a = sym->value ? sym->value : 1; /* COMMON: value = alignment */

			if (a & (a - 1))
				a = 1;
			s->size = ml_align_up(s->size, a);
			if (a > s->align)
				s->align = a;
			sym->sec = bss;
			sym->value = s->size;
			s->size += sym->size;
		}
	}
	free(c);
	/*
	 * Every NOBITS section now gets real, zeroed contents, and is data from
	 * now on: sections modutils creates after this sort as if .bss had
	 * always been data (ml_layout).
	 */
	for (size_t i = 0; i < o->nsecs; i++) {
		struct ml_section *s = o->secs[i];

		if (s->type == SHT_NOBITS && s->load) {
			free(s->data);
			s->data = ml_xcalloc(1, s->size);
			s->type = SHT_PROGBITS;
			s->was_nobits = true;
		}
	}
	o->mu_converted = o->nsecs;
}

static char *stub_key(uint32_t sym, int64_t addend, enum ml_stub_kind k, size_t *len)
{
	char *key = ml_xasprintf("%u:%lld:%d", sym, (long long)addend, (int)k);

	*len = strlen(key);
	return key;
}

long ml_find_stub(const struct ml_obj *o, uint32_t sym, int64_t addend, enum ml_stub_kind k)
{
	size_t len;
	char *key;
	void *v;

	if (k == ML_STUB_GOT)
		addend = 0; /* a GOT slot holds S; the addend applies at the place */
	key = stub_key(sym, addend, k, &len);
	v = ml_hash_get(&o->stubidx, key, len);
	free(key);
	return v ? (long)((uintptr_t)v - 1) : -1;
}

/*
 * The .got or .plt, created on first need.  A 2.4 module gets modutils'
 * (the CPU's alignments, both writable data); a modern one a .got of words
 * and a 16-aligned code .plt.
 */
static size_t stub_section(struct ml_obj *o, enum ml_stub_kind k)
{
	const struct ml_arch *a = o->arch;
	unsigned ws = ml_wordsize(&o->tgt);

	if (k == ML_STUB_GOT) {
		if (o->got_sec < 0)
			o->got_sec = (int)ml_obj_add_section(
				o, ".got", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE,
				o->mu24 && a->got_align24 ? a->got_align24 : ws, 0);
		return (size_t)o->got_sec;
	}
	if (o->plt_sec < 0)
		o->plt_sec = (int)ml_obj_add_section(
			o, ".plt", SHT_PROGBITS, SHF_ALLOC | (o->mu24 ? SHF_WRITE : SHF_EXECINSTR),
			o->mu24 && a->plt_align24 ? a->plt_align24 : 16, 0);
	return (size_t)o->plt_sec;
}

/* A new stub for (sym, add, k) at the end of its section, entered in the index. */
static void add_stub(struct ml_obj *o, uint32_t sym, int64_t add, enum ml_stub_kind k)
{
	size_t sec = stub_section(o, k), len;
	struct ml_stub *st;
	char *key;

	o->stubs = ml_xrealloc(o->stubs, (o->nstubs + 1) * sizeof(*o->stubs));
	st = &o->stubs[o->nstubs++];
	st->sym = sym;
	st->addend = add;
	st->kind = k;
	st->off = ml_obj_extend_section(o, sec, o->arch->stub_size(k, &o->tgt));
	key = stub_key(sym, add, k, &len);
	st->key = key; /* freed with the object */
	ml_hash_put(&o->stubidx, key, len, (void *)(uintptr_t)o->nstubs);
}

/* The reader noted the relocation types present: does one of them need a stub or a .got? */
static bool stubs_needed(const struct ml_obj *o, struct ml_rtc *rtc)
{
	bool walk = o->reltypes_big;

	for (uint32_t t = 0; t < 256 && !walk; t++)
		if (o->reltypes[t / 64] >> (t % 64) & 1) {
			const struct ml_rtc_entry *te = ml_rtc_get(rtc, t);

			walk = te->kind != ML_STUB_NONE || te->needs_got;
		}
	return walk;
}

/* The .got and the stubs one relocation needs. */
static void reloc_stubs(struct ml_obj *o, const struct ml_reloc *r, const struct ml_rtc_entry *te)
{
	enum ml_stub_kind k = (enum ml_stub_kind)te->kind;
	int64_t add = k == ML_STUB_GOT ? 0 : r->addend;
	uint32_t sym;

	if (te->needs_got) {
		size_t g = stub_section(o, ML_STUB_GOT);

		/* modutils on ARM: a GOTOFF/GOTPC before any GOT32 takes the first word */
		if (o->mu24 && o->arch->got_reserve24 && !o->secs[g]->size)
			ml_obj_extend_section(o, g, 4);
	}
	if (k == ML_STUB_NONE)
		return;
	sym = o->canon[r->sym];
	if (ml_find_stub(o, sym, add, k) < 0)
		add_stub(o, sym, add, k);
}

/*
 * PIC code finds its GOT through _GLOBAL_OFFSET_TABLE_ (i386 GOTPC
 * against it); as a static linker would, define it as the start of the
 * .got we build.  A kernel never exports it.
 */
static void define_got_symbol(struct ml_obj *o)
{
	/* An undefined name is a global: no need to search (and index) the locals. */
	static const char got_name[] = "_GLOBAL_OFFSET_TABLE_";
	void *v = ml_hash_get(&o->names, got_name, sizeof(got_name) - 1);
	long g = v ? (long)((uintptr_t)v - 1) : -1;

	if (g >= 0 && o->syms[g].sec == ML_SEC_UNDEF && o->syms[g].referenced)
		ml_obj_add_symbol(o, "_GLOBAL_OFFSET_TABLE_", (int)stub_section(o, ML_STUB_GOT), 0,
				  STB_LOCAL, STT_OBJECT, 0);
}

int ml_size_stubs(struct ml_obj *o, struct ml_diags *d)
{
	struct ml_rtc rtc;

	ml_rtc_init(&rtc, o->arch);
	if (!o->stubidx.nb)
		ml_hash_init(&o->stubidx, 64);
	ml_obj_canon_build(o);
	/* The entries are walked only if a type present needs a stub or a .got. */
	if (stubs_needed(o, &rtc))
		for (size_t i = 0; i < o->nsecs; i++)
			for (size_t j = 0; j < o->secs[i]->nrels; j++) {
				const struct ml_reloc *r = &o->secs[i]->rels[j];

				reloc_stubs(o, r, ml_rtc_get(&rtc, r->type));
			}
	if (o->mu24 && o->arch->plt_always24)
		stub_section(o, ML_STUB_PLT);
	for (size_t i = 0; o->relref && i < o->nfilesyms; i++)
		if (o->relref[i])
			o->syms[o->canon[i]].referenced = true;
	define_got_symbol(o);
	return 0;
}

/*
 * The priority section s had when the section with index at was created:
 * a section that was NOBITS counts as data for those created after
 * ml_allocate_commons() made it so (modutils recomputes the priorities of
 * the sections already placed each time it places one).
 */
static int prio_at(const struct ml_obj *o, const struct ml_section *s, size_t at)
{
	int p = s->prio - 1;

	if (s->was_nobits && o->mu_converted && at >= o->mu_converted)
		p |= 4;
	return p;
}

/*
 * modutils' load order, replayed: every allocated section is placed when
 * it is read (in index order) or created, before the first section placed
 * so far whose priority (at that moment) is lower; .this goes first and
 * is never compared.  Sections indexes are creation order, so walking
 * them is the replay.
 */
static size_t mu_order(struct ml_obj *o)
{
	size_t n = 0, start = 0;

	for (size_t i = 0; i < o->nsecs; i++) {
		size_t k;

		if (!o->secs[i]->load)
			continue;
		if ((int)i == o->this_sec) {
			k = 0;
			start = 1;
		} else {
			int p = o->secs[i]->prio - 1;

			for (k = start; k < n && prio_at(o, o->secs[o->order[k]], i) >= p; k++)
				;
		}
		memmove(o->order + k + 1, o->order + k, (n - k) * sizeof(*o->order));
		o->order[k] = i;
		n++;
	}
	return n;
}

void ml_layout(struct ml_obj *o)
{
	uint64_t dot = 0;
	size_t n = 0;

	ml_compute_priorities(o);
	free(o->order);
	o->order = ml_xmalloc((o->nsecs + 1) * sizeof(*o->order));
	if (o->mu24) {
		n = mu_order(o);
		goto place;
	}
	if (o->this_sec >= 0)
		o->order[n++] = (size_t)o->this_sec;
	for (size_t i = 0; i < o->nsecs; i++)
		if (o->secs[i]->load && (int)i != o->this_sec)
			o->order[n++] = i;
	/* Stable insertion sort by priority, highest first. */
	for (size_t i = (o->this_sec >= 0) + 1; i < n; i++) {
		size_t x = o->order[i], j = i;

		while (j > (size_t)(o->this_sec >= 0) &&
		       o->secs[o->order[j - 1]]->prio < o->secs[x]->prio) {
			o->order[j] = o->order[j - 1];
			j--;
		}
		o->order[j] = x;
	}
place:
	o->norder = n;
	for (size_t i = 0; i < n; i++) {
		struct ml_section *s = o->secs[o->order[i]];

		dot = ml_align_up(dot, s->align);
		s->offset = dot;
		dot += s->size;
	}
	o->size = dot;
}

void ml_set_base(struct ml_obj *o, uint64_t base)
{
	o->base = base;
	for (size_t i = 0; i < o->nsecs; i++)
		o->secs[i]->addr = o->secs[i]->load ? base + o->secs[i]->offset : 0;
}
