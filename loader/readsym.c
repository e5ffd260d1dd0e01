// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Reading an object's symbol table and relocation tables into the object
 * model (loader/read.c reads the file and its sections, then calls these).
 * Every name offset, section index and symbol index is checked before use
 * and every problem reported; the tables are read in place wherever the
 * file's bytes can serve as they are (see rels_in_place).
 */
#include "loader/loader-int.h"

#include <elf.h>
#include <gelf.h>
#include <libelf.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* ---- string tables ---- */

void ml_strtab_get(Elf *elf, size_t idx, struct ml_strtab *t)
{
	Elf_Scn *scn = elf_getscn(elf, idx);
	Elf_Data *data = scn ? elf_rawdata(scn, NULL) : NULL;

	t->p = NULL;
	t->n = 0;
	if (data && data->d_buf && data->d_size && !((const char *)data->d_buf)[data->d_size - 1]) {
		t->p = data->d_buf;
		t->n = data->d_size;
	}
}

const char *ml_strtab_at(Elf *elf, size_t idx, const struct ml_strtab *t, uint32_t off)
{
	if (!t->p)
		return elf_strptr(elf, idx, off);
	return off < t->n ? t->p + off : NULL;
}

/*
 * Enter a non-local symbol in the name table, following modutils' rules
 * when a name is seen twice: a definition replaces an undefined entry,
 * strong beats weak, and otherwise the first one stays.
 */
static void name_insert(struct ml_obj *o, uint32_t idx, struct ml_diags *d)
{
	struct ml_symbol *s = &o->syms[idx];
	bool found;
	struct ml_hent *e = ml_hash_intern(&o->names, s->name, strlen(s->name),
					   (void *)(uintptr_t)(idx + 1), &found);

	s->seq = ++o->seq;
	if (o->nameent && idx < o->nfilesyms)
		o->nameent[idx] = (uint32_t)(e - o->names.e) + 1; /* for ml_obj_canon_build() */
	if (!found)
		return;
	struct ml_symbol *old = &o->syms[(uintptr_t)e->val - 1];
	bool old_def = old->sec != ML_SEC_UNDEF, new_def = s->sec != ML_SEC_UNDEF;

	if (!new_def)
		return;
	if (old_def && old->sec != ML_SEC_COMMON && s->sec != ML_SEC_COMMON) {
		if (old->bind == STB_WEAK && s->bind != STB_WEAK) {
			e->val = (void *)(uintptr_t)(idx + 1);
			return;
		}
		if (s->bind != STB_WEAK && old->bind != STB_WEAK)
			ml_err(d, o->fname, "%s multiply defined", s->name);
		return;
	}
	if (old_def && s->sec == ML_SEC_COMMON)
		return; /* a definition beats a COMMON */
	e->val = (void *)(uintptr_t)(idx + 1);
}

/* ---- the symbol table ---- */

/*
 * The table's header checked: entry size, string table, first global, and
 * that the data holds every entry.  Returns the number of symbols, or -1
 * (reported).
 */
static long symtab_check(const struct ml_obj *o, Elf_Scn *scn, GElf_Shdr *sh, Elf_Data **data,
			 const struct ml_loc *loc, struct ml_diags *d)
{
	size_t n, nsecs_elf = o->nsecs;

	if (!gelf_getshdr(scn, sh) || !(*data = elf_getdata(scn, NULL))) {
		ml_diag(d, ML_ERR, loc, "cannot read the symbol table: %s", elf_errmsg(-1));
		return -1;
	}
	if (sh->sh_entsize != (o->tgt.is64 ? sizeof(Elf64_Sym) : sizeof(Elf32_Sym))) {
		ml_diag(d, ML_ERR, loc, "symbol size mismatch: %llu != %zu",
			(unsigned long long)sh->sh_entsize,
			o->tgt.is64 ? sizeof(Elf64_Sym) : sizeof(Elf32_Sym));
		return -1;
	}
	if (sh->sh_link == 0 || sh->sh_link >= nsecs_elf ||
	    o->secs[sh->sh_link]->type != SHT_STRTAB) {
		ml_diag(d, ML_ERR, loc,
			"symbol table's string table index %u is not a string table", sh->sh_link);
		return -1;
	}
	n = sh->sh_size / sh->sh_entsize;
	if (sh->sh_info > n) {
		ml_diag(d, ML_ERR, loc, "sh_info %u (first global) exceeds the %zu symbols",
			sh->sh_info, n);
		return -1;
	}
	if ((*data)->d_size < n * sh->sh_entsize) {
		ml_diag(d, ML_ERR, loc, "cannot read the symbol table: %zu bytes for %zu symbols",
			(*data)->d_size, n);
		return -1;
	}
	return (long)n;
}

/* Room for the file's n symbols and what is noted per symbol while reading. */
static void symtab_alloc(struct ml_obj *o, size_t n, size_t nlocals)
{
	o->nlocals = nlocals;
	ml_hash_init(&o->names, n - o->nlocals);
	o->nfilesyms = n;
	o->nameent = ml_xcalloc(n ? n : 1, sizeof(*o->nameent));
	o->relref = ml_xcalloc(n ? n : 1, 1); /* the file's symbols: all a relocation may name */
	o->symcap = n ? n : 1;
	o->syms = ml_xrealloc(o->syms, o->symcap * sizeof(*o->syms));
}

/* Entry i: elf_getdata() gave the table in host form, so it is read in place. */
static inline void sym_entry(const struct ml_obj *o, const Elf_Data *data, size_t i, GElf_Sym *es)
{
	if (o->tgt.is64) {
		const Elf64_Sym *e = (const Elf64_Sym *)data->d_buf + i;

		es->st_name = e->st_name;
		es->st_info = e->st_info;
		es->st_shndx = e->st_shndx;
		es->st_value = e->st_value;
		es->st_size = e->st_size;
	} else {
		const Elf32_Sym *e = (const Elf32_Sym *)data->d_buf + i;

		es->st_name = e->st_name;
		es->st_info = e->st_info;
		es->st_shndx = e->st_shndx;
		es->st_value = e->st_value;
		es->st_size = e->st_size;
	}
}

/* The model's section of entry i (a section index, or ML_SEC_*); a bad index is reported. */
static inline int sym_section(const GElf_Sym *es, size_t i, const char *name, size_t nsecs_elf,
			      struct ml_loc *loc, uint64_t entsize, struct ml_diags *d)
{
	switch (es->st_shndx) {
	case SHN_UNDEF:
		return ML_SEC_UNDEF;
	case SHN_ABS:
		return ML_SEC_ABS;
	case SHN_COMMON:
		return ML_SEC_COMMON;
	default:
		if (es->st_shndx >= nsecs_elf || es->st_shndx >= SHN_LORESERVE) {
			loc->offset = (long long)(i * entsize);
			ml_diag(d, ML_ERR, loc,
				"symbol %zu '%s': section index %u out of range (%zu sections)", i,
				name, es->st_shndx, nsecs_elf);
			return ML_SEC_ABS;
		}
		return es->st_shndx;
	}
}

bool ml_read_symbols(struct ml_obj *o, Elf *elf, size_t symidx, struct ml_diags *d)
{
	GElf_Shdr sh;
	Elf_Data *data;
	size_t nsecs_elf = o->nsecs;
	struct ml_loc loc = { .file = o->fname, .section = o->secs[symidx]->name, .offset = -1 };
	struct ml_strtab strtab;
	long n = symtab_check(o, elf_getscn(elf, symidx), &sh, &data, &loc, d);

	if (n < 0)
		return false;
	symtab_alloc(o, (size_t)n, sh.sh_info);
	ml_strtab_get(elf, sh.sh_link, &strtab);
	for (size_t i = 0; i < (size_t)n; i++) {
		GElf_Sym es;
		uint32_t idx = ml_obj_push_symbol(o);
		struct ml_symbol *s = &o->syms[idx];
		const char *name;

		sym_entry(o, data, i, &es);
		name = ml_strtab_at(elf, sh.sh_link, &strtab, es.st_name);
		if (!name) {
			loc.offset = (long long)(i * sh.sh_entsize);
			ml_diag(d, ML_ERR, &loc,
				"symbol %zu: name offset 0x%x outside the string table", i,
				es.st_name);
			name = "";
		}
		s->value = es.st_value;
		s->size = es.st_size;
		s->bind = GELF_ST_BIND(es.st_info);
		s->type = GELF_ST_TYPE(es.st_info);
		s->sec = sym_section(&es, i, name, nsecs_elf, &loc, sh.sh_entsize, d);
		/* Unnamed symbols (sections) take a copy of their section's name. */
		s->unnamed = !*name;
		if (!*name && s->sec >= 0)
			name = o->secs[s->sec]->name;
		/* Names in the file's string table are used in place. */
		s->name_borrowed = ml_obj_in_file(o, name);
		s->name = s->name_borrowed ? (char *)name : ml_xstrdup(name);
		if (i == 0)
			continue;
		if (i < o->nlocals && s->bind != STB_LOCAL) {
			loc.offset = (long long)(i * sh.sh_entsize);
			ml_diag(d, ML_ERR, &loc,
				"symbol %zu '%s' is global but precedes sh_info %zu", i, name,
				o->nlocals);
		}
		if (s->bind != STB_LOCAL && *name)
			name_insert(o, idx, d); /* locals: on first use (ml_obj_find_symbol) */
	}
	return true;
}

/* ---- relocation tables ---- */

/*
 * What ml_size_stubs() needs of the entries, noted as they are read (the
 * table is in cache then): which symbol indexes are referenced (relref,
 * sized by read_symbols) and which relocation types occur.  r->sym is in
 * range: the callers check it first.
 */
static inline void note_reloc(struct ml_obj *o, const struct ml_reloc *r)
{
	o->relref[r->sym] = 1;
	if (r->type < 256)
		o->reltypes[r->type / 64] |= 1ULL << (r->type % 64);
	else
		o->reltypes_big = true;
}

/*
 * On a little-endian host, an ELF64 little-endian RELA entry {r_offset,
 * r_info = sym << 32 | type, r_addend} has exactly struct ml_reloc's bytes:
 * such a table is used where it lies in the file image, unconverted and
 * uncopied (a large module has hundreds of thousands of entries), provided
 * it is aligned and every symbol index is in range.
 */
_Static_assert(sizeof(struct ml_reloc) == sizeof(Elf64_Rela), "struct ml_reloc is an Elf64_Rela");
_Static_assert(offsetof(struct ml_reloc, type) == offsetof(Elf64_Rela, r_info),
	       "type: low half of r_info");
_Static_assert(offsetof(struct ml_reloc, sym) == offsetof(Elf64_Rela, r_info) + 4,
	       "sym: high half of r_info");
_Static_assert(offsetof(struct ml_reloc, addend) == offsetof(Elf64_Rela, r_addend), "addend");

static bool rels_in_place(struct ml_obj *o, struct ml_section *target, const void *buf, size_t n,
			  bool rela)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	const struct ml_reloc *v = buf;

	const unsigned char *lo = buf, *hi = lo + n * sizeof(*v);

	if (!rela || !o->tgt.is64 || o->tgt.big || target->rels || !n || !ml_obj_in_file(o, buf) ||
	    hi > o->file + o->filelen || (uintptr_t)buf % _Alignof(struct ml_reloc))
		return false;
	/* Relocating a section must not rewrite the table (a hostile file may overlap them). */
	for (size_t i = 0; i < o->nsecs; i++) {
		const struct ml_section *s = o->secs[i];

		if (s->borrowed && s->size && s->data < hi && s->data + s->size > lo)
			return false;
	}
	/* Every symbol index in range (else the copying path reports it), noted as checked. */
	for (size_t i = 0; i < n; i++) {
		if (v[i].sym >= o->nsyms)
			return false;
		note_reloc(o, &v[i]);
	}
	target->rels = (struct ml_reloc *)v;
	target->nrels = n;
	target->rels_borrowed = true;
	return true;
#else
	return false;
#endif
}

void ml_read_relocs(struct ml_obj *o, Elf *elf, size_t relidx, struct ml_diags *d)
{
	Elf_Scn *scn = elf_getscn(elf, relidx);
	struct ml_section *rs = o->secs[relidx], *target;
	GElf_Shdr sh;
	Elf_Data *data;
	bool rela = rs->type == SHT_RELA;
	size_t esz, n;
	struct ml_loc loc = { .file = o->fname, .section = rs->name, .offset = -1 };

	if (!gelf_getshdr(scn, &sh))
		return;
	if (rela != o->arch->rela) {
		if (sh.sh_size)
			ml_diag(d, ML_ERR, &loc,
				"%s relocations not supported on this architecture (%s uses %s)",
				rela ? "RELA" : "REL", o->arch->name,
				o->arch->rela ? "RELA" : "REL");
		return;
	}
	if (sh.sh_info == 0 || sh.sh_info >= o->nsecs) {
		ml_diag(d, ML_ERR, &loc,
			"relocation section applies to section index %u, out of range", sh.sh_info);
		return;
	}
	target = o->secs[sh.sh_info];
	if (!(target->flags & SHF_ALLOC) || !target->load)
		return; /* debug info and the like: never loaded, never relocated */
	esz = rela ? (o->tgt.is64 ? sizeof(Elf64_Rela) : sizeof(Elf32_Rela))
		   : (o->tgt.is64 ? sizeof(Elf64_Rel) : sizeof(Elf32_Rel));
	if (sh.sh_entsize != esz) {
		ml_diag(d, ML_ERR, &loc, "relocation entry size mismatch: %llu != %zu",
			(unsigned long long)sh.sh_entsize, esz);
		return;
	}
	data = elf_getdata(scn, NULL);
	if (!data) {
		ml_diag(d, ML_ERR, &loc, "error reading ELF section data: %s", elf_errmsg(-1));
		return;
	}
	n = sh.sh_size / esz;
	if (data->d_size < n * esz)
		n = data->d_size / esz;
	if (rels_in_place(o, target, data->d_buf, n, rela))
		return;
	target->rels = ml_xrealloc(target->rels, (target->nrels + n) * sizeof(*target->rels));
	for (size_t i = 0; i < n; i++) {
		struct ml_reloc *r = &target->rels[target->nrels];

		/* elf_getdata() gave the entries in host form: read them in place. */
		if (o->tgt.is64) {
			const Elf64_Rela *ra = (const Elf64_Rela *)((const char *)data->d_buf +
								    i * esz);

			r->offset = ra->r_offset;
			r->sym = (uint32_t)ELF64_R_SYM(ra->r_info);
			r->type = (uint32_t)ELF64_R_TYPE(ra->r_info);
			r->addend = rela ? ra->r_addend : 0;
		} else {
			const Elf32_Rela *ra = (const Elf32_Rela *)((const char *)data->d_buf +
								    i * esz);

			r->offset = ra->r_offset;
			r->sym = ELF32_R_SYM(ra->r_info);
			r->type = ELF32_R_TYPE(ra->r_info);
			r->addend = rela ? ra->r_addend : 0;
		}
		if (r->sym >= o->nsyms) {
			loc.offset = (long long)(i * esz);
			ml_diag(d, ML_ERR, &loc,
				"Bad symbol index: %08x >= %08zx (relocation %zu for %s+0x%llx)",
				r->sym, o->nsyms, i, target->name, (unsigned long long)r->offset);
			continue;
		}
		note_reloc(o, r);
		target->nrels++;
	}
}
