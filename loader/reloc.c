// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The relocation driver: for every entry, validate it, decode S, A and P,
 * find its stub, call the arch hook, and turn the hook's answer into one
 * message with the whole location.  All bad entries are reported, then the
 * call fails; nothing is written to a kernel before that.
 */
#include "loader/loader-int.h"

#include <elf.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static const char *status_text(enum ml_reloc_status st)
{
	switch (st) {
	case ML_RELOC_OVERFLOW:
		return "Relocation overflow";
	case ML_RELOC_DANGEROUS:
		return "Dangerous relocation";
	case ML_RELOC_UNHANDLED:
		return "Unhandled relocation";
	case ML_RELOC_BADLOC:
		return "Relocation outside its section";
	default:
		return "Relocation ok";
	}
}

static void fmt_signed(char *buf, size_t n, int64_t v)
{
	if (v < 0)
		snprintf(buf, n, "-0x%" PRIx64, (uint64_t)0 - (uint64_t)v);
	else
		snprintf(buf, n, "0x%" PRIx64, (uint64_t)v);
}

static void report(const struct ml_obj *o, const struct ml_section *s, const struct ml_reloc *r,
		   const struct ml_symbol *sym, const char *rname, enum ml_reloc_status st,
		   const struct ml_reloc_ctx *c, struct ml_diags *d)
{
	struct ml_loc loc = { .file = o->fname,
			      .section = s->name,
			      .offset = (long long)r->offset,
			      .symbol = sym->name,
			      .reloc = rname };
	char v[40], lo[40], hi[40];
	const char *hint = o->arch->overflow_hint ? o->arch->overflow_hint(r->type) : NULL;

	switch (st) {
	case ML_RELOC_OVERFLOW:
		if (c->range_unsigned) {
			snprintf(v, sizeof(v), "0x%" PRIx64, c->value);
			snprintf(lo, sizeof(lo), "0x%" PRIx64, (uint64_t)c->lo);
			snprintf(hi, sizeof(hi), "0x%" PRIx64, (uint64_t)c->hi);
		} else {
			fmt_signed(v, sizeof(v), (int64_t)c->value);
			fmt_signed(lo, sizeof(lo), c->lo);
			fmt_signed(hi, sizeof(hi), c->hi);
		}
		ml_diag(d, ML_ERR, &loc,
			"%s against '%s': relocation overflow: %s = %s not in [%s, %s)%s%s", rname,
			sym->name, c->formula ? c->formula : "value", v, lo, hi,
			hint ? "; hint: " : "", hint ? hint : "");
		break;
	case ML_RELOC_DANGEROUS:
		ml_diag(d, ML_ERR, &loc,
			"%s against '%s': dangerous relocation: value 0x%" PRIx64 " is misaligned",
			rname, sym->name, c->value);
		break;
	default:
		/* The arch's hint also says why a type is refused (Thumb, PIC). */
		ml_diag(d, ML_ERR, &loc, "%s against '%s': %s (type %u) not supported for %s%s%s",
			rname, sym->name, status_text(st), r->type, o->arch->name,
			hint ? "; hint: " : "", hint ? hint : "");
		break;
	}
}

/* One --explain line: the entry, its row's name, and the formula with its inputs and result. */
static void explain_line(struct ml_buf *e, const struct ml_obj *o, const struct ml_section *s,
			 const struct ml_reloc *r, const struct ml_symbol *sym,
			 const struct ml_reloc_type *rt, const struct ml_reloc_ctx *c)
{
	unsigned w = ml_wordsize(&o->tgt) * 2;
	char a[40];

	fmt_signed(a, sizeof(a), (int64_t)c->A);
	ml_buf_printf(e,
		      "%s+0x%" PRIx64 ": %-22s %-24s S=0x%0*" PRIx64 " A=%s P=0x%0*" PRIx64
		      " %s = 0x%" PRIx64 " -> 0x%" PRIx64 "\n",
		      s->name, r->offset, rt->name, sym->name, w, c->S, a, w, c->P,
		      c->formula ? c->formula : rt->formula, c->value, c->written);
}

static void apply_patches(struct ml_obj *o)
{
	const struct ml_target *t = &o->tgt;
	uint64_t strbase = o->kstrtab_sec >= 0 ? o->secs[o->kstrtab_sec]->addr : 0;

	for (size_t i = 0; i < o->npatches; i++) {
		struct ml_patch *p = &o->patches[i];
		uint64_t v = p->is_string ? strbase + p->str_off
					  : ml_obj_symbol_value(o, &o->syms[p->sym]);

		ml_putword(t, o->secs[p->sec]->data + p->off, v);
	}
}

static void fill_stubs(struct ml_obj *o)
{
	for (size_t i = 0; i < o->nstubs; i++) {
		struct ml_stub *st = &o->stubs[i];
		uint64_t target = ml_obj_symbol_value(o, &o->syms[st->sym]) + (uint64_t)st->addend;

		if (st->kind == ML_STUB_GOT) {
			ml_putword(&o->tgt, o->secs[o->got_sec]->data + st->off, target);
		} else if (o->arch->write_plt) {
			struct ml_section *plt = o->secs[o->plt_sec];

			o->arch->write_plt(&o->tgt, plt->data + st->off, plt->addr + st->off,
					   target);
		}
	}
}

/*
 * One object's relocation run: what stays the same for all its entries.
 * sinfo holds S and the name for every symbol index an entry may name,
 * computed once: a large module has ten times more entries than symbols,
 * and reading the symbol (and its kernel symbol) per entry costs cache
 * misses.  name NULL: undefined and not weak (reported as unresolved).
 */
struct reloc_run {
	struct ml_obj *o;
	const struct ml_arch *a;
	struct ml_buf *explain;
	struct ml_diags *d;
	uint64_t got;
	void *state;
	struct sinfo {
		uint64_t S;
		const char *name;
	} * sinfo;
	/* --explain wants every entry's formula and value: apply() then, always */
	bool (*fast)(uint32_t, uint64_t, uint64_t, unsigned char *);
	struct ml_rtc rtc;
};

static void symbol_values(struct reloc_run *run)
{
	struct ml_obj *o = run->o;

	ml_obj_canon_build(o); /* names are final: one lookup per symbol, not per entry */
	run->sinfo = ml_xmalloc((o->nsyms ? o->nsyms : 1) * sizeof(*run->sinfo));
	for (size_t i = 0; i < o->nsyms; i++) {
		const struct ml_symbol *sym = &o->syms[o->canon[i]];
		bool unresolved = sym->sec == ML_SEC_UNDEF && !sym->weak_zero;

		run->sinfo[i].S = unresolved ? 0 : ml_obj_symbol_value(o, sym);
		run->sinfo[i].name = unresolved ? NULL : sym->name;
	}
}

/*
 * An entry the arch is not asked about: a type it does not know, a place
 * past the section's end, or an unresolved symbol (reported before we got
 * here).  True if the entry is bad, after reporting it.
 */
static bool bad_entry(const struct reloc_run *run, const struct ml_section *s,
		      const struct ml_reloc *r, const struct ml_reloc_type *rt,
		      struct ml_reloc_ctx *c)
{
	const struct ml_obj *o = run->o;
	const struct ml_symbol *sym;
	char nbuf[32];

	if (rt && r->offset <= s->size && rt->width <= s->size - r->offset &&
	    run->sinfo[r->sym].name)
		return false;
	sym = &o->syms[o->canon[r->sym]];
	c->type = r->type;
	c->symname = sym->name;
	c->offset = r->offset;
	if (!rt) {
		report(o, s, r, sym, ml_arch_reloc_name(run->a, r->type, nbuf), ML_RELOC_UNHANDLED,
		       c, run->d);
	} else if (run->sinfo[r->sym].name) {
		struct ml_loc loc = { .file = o->fname,
				      .section = s->name,
				      .offset = (long long)r->offset,
				      .symbol = sym->name,
				      .reloc = rt->name };

		ml_diag(run->d, ML_ERR, &loc,
			"%s against '%s': r_offset 0x%" PRIx64
			" + %u bytes is past the end of %s (size 0x%" PRIx64 ")",
			rt->name, sym->name, r->offset, rt->width, s->name, s->size);
	}
	return true;
}

/* The address of the entry's GOT slot or PLT entry, 0 if it has none. */
static uint64_t stub_address(const struct ml_obj *o, const struct ml_reloc *r,
			     enum ml_stub_kind kind)
{
	long sti = ml_find_stub(o, o->canon[r->sym], r->addend, kind);

	if (sti < 0)
		return 0;
	return o->secs[kind == ML_STUB_GOT ? o->got_sec : o->plt_sec]->addr + o->stubs[sti].off;
}

static void relocate_section(struct reloc_run *run, struct ml_section *s)
{
	struct ml_obj *o = run->o;
	/*
	 * The inputs that stay the same for every entry of the section; the
	 * others are set field by field (copying a whole context per entry
	 * costs more than the relocation itself).
	 */
	struct ml_reloc_ctx c = { .t = &o->tgt,
				  .rela = run->a->rela,
				  .got = run->got,
				  .base = o->base,
				  .state = run->state,
				  .secname = s->name };

	for (size_t j = 0; j < s->nrels; j++) {
		const struct ml_reloc *r = &s->rels[j];
		const struct ml_rtc_entry *te = ml_rtc_get(&run->rtc, r->type);
		const struct sinfo *si = &run->sinfo[r->sym];
		enum ml_reloc_status st;

		if (bad_entry(run, s, r, te->rt, &c))
			continue;
		if (run->fast && te->kind == ML_STUB_NONE &&
		    run->fast(r->type, si->S + (uint64_t)r->addend, s->addr + r->offset,
			      s->data + r->offset))
			continue;
		c.type = r->type;
		c.rt = te->rt;
		c.symname = si->name;
		c.offset = r->offset;
		c.S = si->S;
		c.A = (uint64_t)r->addend;
		c.P = s->addr + r->offset;
		c.loc = s->data + r->offset;
		c.stub = te->kind != ML_STUB_NONE ? stub_address(o, r, (enum ml_stub_kind)te->kind)
						  : 0;
		st = run->a->apply(&c);
		if (st != ML_RELOC_OK)
			report(o, s, r, &o->syms[o->canon[r->sym]], te->rt->name, st, &c, run->d);
		else if (run->explain)
			explain_line(run->explain, o, s, r, &o->syms[o->canon[r->sym]], te->rt, &c);
	}
}

int ml_relocate(struct ml_obj *o, struct ml_buf *explain, struct ml_diags *d)
{
	const struct ml_arch *a = o->arch;
	unsigned nerr = d->nerr;
	struct reloc_run run = { .o = o,
				 .a = a,
				 .explain = explain,
				 .d = d,
				 .got = o->got_sec >= 0 ? o->secs[o->got_sec]->addr : 0,
				 .state = a->state_new ? a->state_new() : NULL,
				 .fast = explain ? NULL : a->apply_fast };

	ml_rtc_init(&run.rtc, a);
	symbol_values(&run);
	for (size_t k = 0; k < o->norder; k++)
		relocate_section(&run, o->secs[o->order[k]]);
	free(run.sinfo);
	if (a->finish)
		a->finish(run.state, o->fname, d);
	if (a->state_free)
		a->state_free(run.state);
	if (d->nerr != nerr)
		return -ENOEXEC;
	apply_patches(o);
	fill_stubs(o);
	return 0;
}
