// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Reading a relocatable object into the object model.  libelf parses the
 * headers, symbols and relocations (translating byte order); section bytes
 * are copied raw and only ever touched through the target access helpers.
 * The input may be hostile: every index and size is checked before use, and
 * every problem found is reported, not only the first.
 */
#include "loader/loader-int.h"

#include <elf.h>
#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static void sec_free(struct ml_section *s)
{
	if (!s)
		return;
	if (!s->name_borrowed)
		free(s->name);
	if (!s->borrowed)
		free(s->data);
	if (!s->rels_borrowed)
		free(s->rels);
	if (!s->in_block)
		free(s);
}

void ml_obj_free(struct ml_obj *o)
{
	if (!o)
		return;
	for (size_t i = 0; i < o->nsecs; i++)
		sec_free(o->secs[i]);
	if (o->out_map)
		munmap(o->out_map, o->out_len);
	for (size_t i = 0; i < o->nsyms; i++)
		if (!o->syms[i].name_borrowed)
			free(o->syms[i].name);
	free(o->canon);
	free(o->nameent);
	free(o->relref);
	free(o->secs);
	free(o->secblock);
	free(o->syms);
	for (size_t i = 0; i < o->nstubs; i++)
		free(o->stubs[i].key);
	free(o->stubs);
	free(o->patches);
	free(o->order);
	free(o->modinfo);
	if (o->file_mapped)
		munmap(o->file, o->filelen);
	else if (!o->file_borrowed)
		free(o->file);
	free(o->path);
	ml_hash_free(&o->names);
	ml_hash_free(&o->locals);
	ml_hash_free(&o->stubidx);
	free(o);
}

int ml_obj_find_section(const struct ml_obj *o, const char *name)
{
	for (size_t i = 0; i < o->nsecs; i++)
		if (o->secs[i] && o->secs[i]->name && !strcmp(o->secs[i]->name, name))
			return (int)i;
	return -1;
}

long ml_obj_find_symbol(const struct ml_obj *o, const char *name)
{
	void *v = ml_hash_get(&o->names, name, strlen(name));

	if (!v && !o->locals_built) {
		/* A cache: built once, on the first miss (most lookups are of globals). */
		struct ml_obj *w = (struct ml_obj *)o;

		ml_hash_init(&w->locals, o->nlocals);
		for (size_t i = 1; i < o->nfilesyms; i++) {
			const struct ml_symbol *s = &o->syms[i];

			if (s->bind == STB_LOCAL && *s->name && s->type != STT_SECTION && s->type != STT_FILE &&
			    !ml_hash_get(&w->locals, s->name, strlen(s->name)))
				ml_hash_put(&w->locals, s->name, strlen(s->name), (void *)(uintptr_t)(i + 1));
		}
		w->locals_built = true;
	}
	if (!v && o->locals.nb)
		v = ml_hash_get(&o->locals, name, strlen(name));
	return v ? (long)((uintptr_t)v - 1) : -1;
}

/* Is p a string inside the file image?  (Then it lives as long as the object.) */
static bool in_file(const struct ml_obj *o, const void *p)
{
	return (const unsigned char *)p >= o->file && (const unsigned char *)p < o->file + o->filelen;
}

/* A new section named name (copied, unless it lies in the file image). */
static struct ml_section *new_section(struct ml_obj *o, const char *name)
{
	struct ml_section *s;

	/* The file's sections come from one block (read_sections sizes it). */
	if (o->nsecblock < o->secblockcap) {
		s = &o->secblock[o->nsecblock++];
		s->in_block = true;
	} else {
		s = ml_xcalloc(1, sizeof(*s));
	}
	s->name_borrowed = in_file(o, name);
	s->name = s->name_borrowed ? (char *)name : ml_xstrdup(name);
	if (o->nsecs == o->seccap) {
		o->seccap = o->seccap ? 2 * o->seccap : 16;
		o->secs = ml_xrealloc(o->secs, o->seccap * sizeof(*o->secs));
	}
	o->secs[o->nsecs++] = s;
	return s;
}

size_t ml_obj_add_section(struct ml_obj *o, const char *name, uint32_t type, uint64_t flags,
			  uint64_t align, uint64_t size)
{
	struct ml_section *s = new_section(o, name);

	s->type = type;
	s->flags = flags;
	s->align = align ? align : 1;
	s->size = size;
	s->data = ml_xcalloc(1, size);
	s->load = (flags & SHF_ALLOC) != 0;
	ml_compute_priorities(o);
	return o->nsecs - 1;
}

uint64_t ml_obj_extend_section(struct ml_obj *o, size_t sec, uint64_t n)
{
	struct ml_section *s = o->secs[sec];
	uint64_t old = s->size;

	if (s->borrowed) {
		unsigned char *own = ml_xmalloc(old + n ? old + n : 1);

		memcpy(own, s->data, old);
		s->data = own;
		s->borrowed = false;
	}
	s->data = ml_xrealloc(s->data, old + n ? old + n : 1);
	memset(s->data + old, 0, n);
	s->size = old + n;
	return old;
}

static uint32_t push_symbol(struct ml_obj *o)
{
	if (o->nsyms == o->symcap) {
		o->symcap = o->symcap ? 2 * o->symcap : 64;
		o->syms = ml_xrealloc(o->syms, o->symcap * sizeof(*o->syms));
	}
	memset(&o->syms[o->nsyms], 0, sizeof(*o->syms));
	return (uint32_t)o->nsyms++;
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
	struct ml_hent *e = ml_hash_intern(&o->names, s->name, strlen(s->name), (void *)(uintptr_t)(idx + 1),
					   &found);

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

uint32_t ml_obj_add_symbol(struct ml_obj *o, const char *name, int sec, uint64_t value,
			   unsigned char bind, unsigned char type, uint64_t size)
{
	void *v = ml_hash_get(&o->names, name, strlen(name));
	long old = v ? (long)((uintptr_t)v - 1) : -1;
	uint32_t idx;

	free(o->canon); /* the name table changes */
	o->canon = NULL;
	o->ncanon = 0;
	if (old >= 0 && o->syms[old].sec == ML_SEC_UNDEF) {
		/* Defining a name the object left undefined. */
		idx = (uint32_t)old;
	} else {
		idx = push_symbol(o);
		o->syms[idx].name = ml_xstrdup(name);
	}
	o->syms[idx].sec = sec;
	o->syms[idx].value = value;
	o->syms[idx].bind = bind;
	o->syms[idx].type = type;
	o->syms[idx].size = size;
	if (old < 0) {
		/* Newest first within a bucket, as modutils' chains are. */
		o->syms[idx].seq = ++o->seq;
		ml_hash_put(&o->names, o->syms[idx].name, strlen(name), (void *)(uintptr_t)(idx + 1));
	}
	return idx;
}

uint64_t ml_obj_add_string(struct ml_obj *o, const char *s)
{
	size_t n = strlen(s) + 1;
	uint64_t off;

	if (o->kstrtab_sec < 0) {
		o->kstrtab_sec = ml_obj_find_section(o, ".kstrtab");
		if (o->kstrtab_sec >= 0 && !o->secs[o->kstrtab_sec]->load)
			o->kstrtab_sec = -1;
	}
	if (o->kstrtab_sec < 0)
		o->kstrtab_sec = (int)ml_obj_add_section(o, ".kstrtab", SHT_PROGBITS, SHF_ALLOC, 1, 0);
	off = ml_obj_extend_section(o, (size_t)o->kstrtab_sec, n);
	memcpy(o->secs[o->kstrtab_sec]->data + off, s, n);
	return off;
}

static struct ml_patch *new_patch(struct ml_obj *o, size_t sec, uint64_t off)
{
	struct ml_patch *p;

	o->patches = ml_xrealloc(o->patches, (o->npatches + 1) * sizeof(*o->patches));
	p = &o->patches[o->npatches++];
	memset(p, 0, sizeof(*p));
	p->sec = sec;
	p->off = off;
	return p;
}

void ml_obj_patch_string(struct ml_obj *o, size_t sec, uint64_t off, const char *s)
{
	uint64_t so = ml_obj_add_string(o, s);
	struct ml_patch *p = new_patch(o, sec, off);

	p->is_string = true;
	p->str_off = so;
}

void ml_obj_patch_symbol(struct ml_obj *o, size_t sec, uint64_t off, uint32_t sym)
{
	new_patch(o, sec, off)->sym = sym;
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
	if (f->bind == STB_LOCAL && (g->bind == STB_WEAK || g->sec == ML_SEC_UNDEF || g->sec == ML_SEC_EXTERN))
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
					mu_push(&nc[mu_bucket(o, o->syms[ch[b].v[k]].name, true)], ch[b].v[k]);
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

uint64_t ml_obj_symbol_value(const struct ml_obj *o, const struct ml_symbol *s)
{
	if (s->sec >= 0)
		return o->secs[s->sec]->addr + s->value;
	if (s->sec == ML_SEC_EXTERN)
		return s->ext->value;
	if (s->sec == ML_SEC_ABS)
		return s->value;
	return 0; /* undefined weak */
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

static bool check_elf_header(struct ml_obj *o, const unsigned char *b, size_t len,
			     struct ml_diags *d)
{
	const char *f = o->fname;
	unsigned char cls, data;
	uint16_t type, machine;

	if (len < EI_NIDENT || memcmp(b, ELFMAG, SELFMAG)) {
		ml_err(d, NULL, "%s is not an ELF file", f);
		return false;
	}
	cls = b[EI_CLASS];
	data = b[EI_DATA];
	if ((cls != ELFCLASS32 && cls != ELFCLASS64) || (data != ELFDATA2LSB && data != ELFDATA2MSB) ||
	    b[EI_VERSION] != EV_CURRENT) {
		ml_err(d, NULL, "ELF file %s not for this architecture (bad class, byte order or version in e_ident)", f);
		return false;
	}
	if (len < (cls == ELFCLASS32 ? sizeof(Elf32_Ehdr) : sizeof(Elf64_Ehdr))) {
		ml_err(d, NULL, "cannot read ELF header from %s (file is %zu bytes)", f, len);
		return false;
	}
	o->tgt.is64 = cls == ELFCLASS64;
	o->tgt.big = data == ELFDATA2MSB;
	type = ml_get16(&o->tgt, b + 16);
	machine = ml_get16(&o->tgt, b + 18);
	o->arch = ml_arch_find(machine, o->tgt.is64);
	if (!o->arch) {
		const struct ml_arch *other = ml_arch_find(machine, !o->tgt.is64);

		if (other)
			ml_err(d, NULL, "ELF file %s not for this architecture: %s objects must be ELFCLASS%d, this one is ELFCLASS%d", f,
			       other->name, other->is64 ? 64 : 32, o->tgt.is64 ? 64 : 32);
		else
			ml_err(d, NULL, "ELF file %s not for this architecture: machine %u is not supported", f, machine);
		return false;
	}
	if ((o->tgt.big && !o->arch->allow_be) || (!o->tgt.big && !o->arch->allow_le)) {
		ml_err(d, NULL, "ELF file %s not for this architecture: %s-endian %s objects are not supported", f,
		       o->tgt.big ? "big" : "little", o->arch->name);
		return false;
	}
	if (type != ET_REL) {
		ml_err(d, NULL, "ELF file %s not a relocatable object (e_type %u%s)", f, type,
		       type == ET_EXEC ? ", an executable" : type == ET_DYN ? ", a shared object" : "");
		return false;
	}
	return true;
}

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

static bool read_symbols(struct ml_obj *o, Elf *elf, size_t symidx, struct ml_diags *d)
{
	Elf_Scn *scn = elf_getscn(elf, symidx);
	GElf_Shdr sh;
	Elf_Data *data;
	size_t n, nsecs_elf = o->nsecs;
	struct ml_loc loc = { .file = o->fname, .section = o->secs[symidx]->name, .offset = -1 };
	struct ml_strtab strtab;

	if (!gelf_getshdr(scn, &sh) || !(data = elf_getdata(scn, NULL))) {
		ml_diag(d, ML_ERR, &loc, "cannot read the symbol table: %s", elf_errmsg(-1));
		return false;
	}
	if (sh.sh_entsize != (o->tgt.is64 ? sizeof(Elf64_Sym) : sizeof(Elf32_Sym))) {
		ml_diag(d, ML_ERR, &loc, "symbol size mismatch: %llu != %zu",
			(unsigned long long)sh.sh_entsize,
			o->tgt.is64 ? sizeof(Elf64_Sym) : sizeof(Elf32_Sym));
		return false;
	}
	if (sh.sh_link == 0 || sh.sh_link >= nsecs_elf || o->secs[sh.sh_link]->type != SHT_STRTAB) {
		ml_diag(d, ML_ERR, &loc, "symbol table's string table index %u is not a string table", sh.sh_link);
		return false;
	}
	n = sh.sh_size / sh.sh_entsize;
	if (sh.sh_info > n) {
		ml_diag(d, ML_ERR, &loc, "sh_info %u (first global) exceeds the %zu symbols", sh.sh_info, n);
		return false;
	}
	if (data->d_size < n * sh.sh_entsize) {
		ml_diag(d, ML_ERR, &loc, "cannot read the symbol table: %zu bytes for %zu symbols", data->d_size, n);
		return false;
	}
	o->nlocals = sh.sh_info;
	ml_strtab_get(elf, sh.sh_link, &strtab);
	ml_hash_init(&o->names, n - o->nlocals);
	o->nfilesyms = n;
	o->nameent = ml_xcalloc(n ? n : 1, sizeof(*o->nameent));
	o->relref = ml_xcalloc(n ? n : 1, 1); /* the file's symbols: all a relocation may name */
	o->symcap = n ? n : 1;
	o->syms = ml_xrealloc(o->syms, o->symcap * sizeof(*o->syms));
	for (size_t i = 0; i < n; i++) {
		GElf_Sym es;
		uint32_t idx = push_symbol(o);
		struct ml_symbol *s = &o->syms[idx];
		const char *name;

		/* elf_getdata() gave the table in host form: read it in place. */
		if (o->tgt.is64) {
			const Elf64_Sym *e = (const Elf64_Sym *)data->d_buf + i;

			es.st_name = e->st_name;
			es.st_info = e->st_info;
			es.st_shndx = e->st_shndx;
			es.st_value = e->st_value;
			es.st_size = e->st_size;
		} else {
			const Elf32_Sym *e = (const Elf32_Sym *)data->d_buf + i;

			es.st_name = e->st_name;
			es.st_info = e->st_info;
			es.st_shndx = e->st_shndx;
			es.st_value = e->st_value;
			es.st_size = e->st_size;
		}
		name = ml_strtab_at(elf, sh.sh_link, &strtab, es.st_name);
		if (!name) {
			loc.offset = (long long)(i * sh.sh_entsize);
			ml_diag(d, ML_ERR, &loc, "symbol %zu: name offset 0x%x outside the string table", i, es.st_name);
			name = "";
		}
		s->value = es.st_value;
		s->size = es.st_size;
		s->bind = GELF_ST_BIND(es.st_info);
		s->type = GELF_ST_TYPE(es.st_info);
		switch (es.st_shndx) {
		case SHN_UNDEF:
			s->sec = ML_SEC_UNDEF;
			break;
		case SHN_ABS:
			s->sec = ML_SEC_ABS;
			break;
		case SHN_COMMON:
			s->sec = ML_SEC_COMMON;
			break;
		default:
			if (es.st_shndx >= nsecs_elf || es.st_shndx >= SHN_LORESERVE) {
				loc.offset = (long long)(i * sh.sh_entsize);
				ml_diag(d, ML_ERR, &loc, "symbol %zu '%s': section index %u out of range (%zu sections)", i,
					name, es.st_shndx, nsecs_elf);
				s->sec = ML_SEC_ABS;
			} else {
				s->sec = es.st_shndx;
			}
		}
		/* Unnamed symbols (sections) take a copy of their section's name. */
		s->unnamed = !*name;
		if (!*name && s->sec >= 0)
			name = o->secs[s->sec]->name;
		/* Names in the file's string table are used in place. */
		s->name_borrowed = in_file(o, name);
		s->name = s->name_borrowed ? (char *)name : ml_xstrdup(name);
		if (i == 0)
			continue;
		if (i < o->nlocals && s->bind != STB_LOCAL) {
			loc.offset = (long long)(i * sh.sh_entsize);
			ml_diag(d, ML_ERR, &loc, "symbol %zu '%s' is global but precedes sh_info %zu", i, name, o->nlocals);
		}
		if (s->bind != STB_LOCAL && *name)
			name_insert(o, idx, d); /* locals: on first use (ml_obj_find_symbol) */
	}
	return true;
}

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
_Static_assert(offsetof(struct ml_reloc, type) == offsetof(Elf64_Rela, r_info), "type: low half of r_info");
_Static_assert(offsetof(struct ml_reloc, sym) == offsetof(Elf64_Rela, r_info) + 4, "sym: high half of r_info");
_Static_assert(offsetof(struct ml_reloc, addend) == offsetof(Elf64_Rela, r_addend), "addend");

static bool rels_in_place(struct ml_obj *o, struct ml_section *target, const void *buf, size_t n,
			  bool rela)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	const struct ml_reloc *v = buf;

	const unsigned char *lo = buf, *hi = lo + n * sizeof(*v);

	if (!rela || !o->tgt.is64 || o->tgt.big || target->rels || !n || !in_file(o, buf) ||
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

static void read_relocs(struct ml_obj *o, Elf *elf, size_t relidx, struct ml_diags *d)
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
			ml_diag(d, ML_ERR, &loc, "%s relocations not supported on this architecture (%s uses %s)",
				rela ? "RELA" : "REL", o->arch->name, o->arch->rela ? "RELA" : "REL");
		return;
	}
	if (sh.sh_info == 0 || sh.sh_info >= o->nsecs) {
		ml_diag(d, ML_ERR, &loc, "relocation section applies to section index %u, out of range", sh.sh_info);
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
			const Elf64_Rela *ra = (const Elf64_Rela *)((const char *)data->d_buf + i * esz);

			r->offset = ra->r_offset;
			r->sym = (uint32_t)ELF64_R_SYM(ra->r_info);
			r->type = (uint32_t)ELF64_R_TYPE(ra->r_info);
			r->addend = rela ? ra->r_addend : 0;
		} else {
			const Elf32_Rela *ra = (const Elf32_Rela *)((const char *)data->d_buf + i * esz);

			r->offset = ra->r_offset;
			r->sym = ELF32_R_SYM(ra->r_info);
			r->type = ELF32_R_TYPE(ra->r_info);
			r->addend = rela ? ra->r_addend : 0;
		}
		if (r->sym >= o->nsyms) {
			loc.offset = (long long)(i * esz);
			ml_diag(d, ML_ERR, &loc, "Bad symbol index: %08x >= %08zx (relocation %zu for %s+0x%llx)",
				r->sym, o->nsyms, i, target->name, (unsigned long long)r->offset);
			continue;
		}
		note_reloc(o, r);
		target->nrels++;
	}
}

static void read_modinfo(struct ml_obj *o)
{
	int mi = ml_obj_find_section(o, ".modinfo");

	if (mi < 0 || !o->secs[mi]->data)
		return;
	o->has_modinfo = true;
	o->modinfo_len = o->secs[mi]->size;
	o->modinfo = ml_xmalloc(o->modinfo_len + 1);
	memcpy(o->modinfo, o->secs[mi]->data, o->modinfo_len);
	o->modinfo[o->modinfo_len] = 0;
}

static int cmp_data(const void *a, const void *b)
{
	const unsigned char *x = (*(struct ml_section *const *)a)->data;
	const unsigned char *y = (*(struct ml_section *const *)b)->data;

	return x < y ? -1 : x > y;
}

/*
 * Sections used in place must not share bytes (a hostile file may make them
 * overlap): relocating one would change the other.  Such sections get copies.
 */
static void unshare_overlaps(struct ml_obj *o)
{
	struct ml_section **v = ml_xmalloc((o->nsecs + 1) * sizeof(*v));
	size_t n = 0;
	const unsigned char *end = NULL;

	for (size_t i = 0; i < o->nsecs; i++)
		if (o->secs[i]->borrowed)
			v[n++] = o->secs[i];
	qsort(v, n, sizeof(*v), cmp_data);
	for (size_t i = 0; i < n; i++) {
		struct ml_section *s = v[i];
		const unsigned char *e = s->data + s->size;

		if (end && s->data < end) {
			unsigned char *own = ml_xmalloc(s->size);

			memcpy(own, s->data, s->size);
			s->data = own;
			s->borrowed = false; /* the earlier one keeps the file's bytes */
		}
		if (!end || e > end)
			end = e;
	}
	free(v);
}

static bool read_sections(struct ml_obj *o, Elf *elf, struct ml_diags *d)
{
	size_t shnum, shstrndx, symidx = 0;

	if (elf_getshdrnum(elf, &shnum) || elf_getshdrstrndx(elf, &shstrndx)) {
		ml_err(d, NULL, "error reading ELF section headers %s: %s", o->fname, elf_errmsg(-1));
		return false;
	}
	if (shnum == 0) {
		ml_err(d, NULL, "error reading ELF section headers %s: no sections", o->fname);
		return false;
	}
	o->secblock = ml_xcalloc(shnum, sizeof(*o->secblock));
	o->secblockcap = shnum;
	o->seccap = shnum + 4; /* room for the sections insmod adds */
	o->secs = ml_xrealloc(o->secs, o->seccap * sizeof(*o->secs));
	for (size_t i = 0; i < shnum; i++) {
		Elf_Scn *scn = elf_getscn(elf, i);
		GElf_Shdr sh;
		const char *name;
		struct ml_section *s;

		if (!scn || !gelf_getshdr(scn, &sh)) {
			ml_err(d, NULL, "error reading ELF section headers %s: section %zu: %s", o->fname, i, elf_errmsg(-1));
			return false;
		}
		name = i ? elf_strptr(elf, shstrndx, sh.sh_name) : "";
		if (!name) {
			ml_err(d, NULL, "%s: section %zu: name offset 0x%x outside the section name table", o->fname, i,
			       sh.sh_name);
			name = "?";
		}
		s = new_section(o, name);
		s->type = sh.sh_type;
		s->flags = sh.sh_flags;
		s->size = sh.sh_size;
		s->align = sh.sh_addralign ? sh.sh_addralign : 1;
		s->entsize = sh.sh_entsize;
		s->link = sh.sh_link;
		s->info = sh.sh_info;
		if (s->align & (s->align - 1)) {
			ml_err(d, NULL, "%s: section %s: alignment %llu is not a power of two", o->fname, name,
			       (unsigned long long)s->align);
			s->align = 1;
		}
		/* .modinfo and .modstring are never loaded, whatever their flags. */
		if (!strcmp(name, ".modinfo") || !strcmp(name, ".modstring"))
			s->flags &= ~(uint64_t)SHF_ALLOC;
		switch (sh.sh_type) {
		case SHT_NULL:
		case SHT_GROUP:
			continue;
		case SHT_SYMTAB:
			if (symidx) {
				ml_err(d, NULL, "%s: more than one symbol table", o->fname);
				return false;
			}
			symidx = i;
			continue;
		case SHT_REL:
		case SHT_RELA:
		case SHT_STRTAB:
			continue;
		case SHT_NOBITS:
			s->load = (s->flags & SHF_ALLOC) != 0;
			if (s->load && s->size > (1ULL << 30)) {
				ml_err(d, NULL, "%s: section %s: size 0x%llx is absurd", o->fname, name,
				       (unsigned long long)s->size);
				return false;
			}
			continue;
		default:
			break;
		}
		s->load = (s->flags & SHF_ALLOC) != 0;
		if (!s->load && strcmp(name, ".modinfo") && strcmp(name, "__ksymtab"))
			continue; /* debug info, comments: never needed */
		Elf_Data *data = elf_rawdata(scn, NULL);

		if (!data || (sh.sh_size && (!data->d_buf || data->d_size != sh.sh_size))) {
			ml_err(d, NULL, "error reading ELF section data %s: section %s (offset 0x%llx, size 0x%llx): %s",
			       o->fname, name, (unsigned long long)sh.sh_offset, (unsigned long long)sh.sh_size,
			       data ? "truncated" : elf_errmsg(-1));
			return false;
		}
		if (s->size && in_file(o, data->d_buf) &&
		    (const unsigned char *)data->d_buf + s->size <= o->file + o->filelen) {
			/* Used in place: the file image is ours (copy-on-write if mapped). */
			s->data = data->d_buf;
			s->borrowed = true;
		} else {
			s->data = ml_xmalloc(s->size ? s->size : 1);
			if (s->size)
				memcpy(s->data, data->d_buf, s->size);
		}
	}
	unshare_overlaps(o);
	if (!symidx) {
		ml_err(d, NULL, "%s: no symbol table", o->fname);
		return false;
	}
	if (!read_symbols(o, elf, symidx, d))
		return false;
	for (size_t i = 0; i < shnum; i++)
		if (o->secs[i]->type == SHT_REL || o->secs[i]->type == SHT_RELA)
			read_relocs(o, elf, i, d);
	read_modinfo(o);
	ml_compute_priorities(o);
	return true;
}

/* Who frees the file's bytes when the object goes. */
enum file_owner { FILE_OWNED, FILE_MAPPED, FILE_BORROWED };

static int load_image(const char *path, unsigned char *data, size_t len, enum file_owner how,
		      struct ml_obj **out, struct ml_diags *d)
{
	struct ml_obj *o = ml_xcalloc(1, sizeof(*o));
	unsigned nerr = d->nerr;
	Elf *elf;

	o->path = ml_xstrdup(path);
	o->fname = o->path;
	o->file = data;
	o->filelen = len;
	o->file_mapped = how == FILE_MAPPED;
	o->file_borrowed = how == FILE_BORROWED;
	o->got_sec = o->plt_sec = o->this_sec = o->kstrtab_sec = -1;
	*out = NULL;
	if (!check_elf_header(o, data, len, d)) {
		ml_obj_free(o);
		return -ENOEXEC;
	}
	elf_version(EV_CURRENT);
	elf = elf_memory((char *)data, len);
	if (!elf) {
		ml_err(d, NULL, "cannot read ELF header from %s: %s", o->fname, elf_errmsg(-1));
		ml_obj_free(o);
		return -ENOEXEC;
	}
	read_sections(o, elf, d);
	elf_end(elf);
	if (d->nerr != nerr) {
		ml_obj_free(o);
		return -ENOEXEC;
	}
	*out = o;
	return 0;
}

int ml_obj_load_mem(const char *path, unsigned char *data, size_t len, struct ml_obj **out,
		    struct ml_diags *d)
{
	return load_image(path, data, len, FILE_OWNED, out, d);
}

/*
 * A plain (uncompressed) file is mapped privately rather than read: the
 * sections the kernel never loads (debug info, BTF, symbol and relocation
 * tables once parsed) are then never copied, and relocation writes only
 * the pages it touches (copy-on-write).  Compressed files are read and
 * decompressed whole.
 */
static unsigned char *map_plain(const char *path, size_t *len)
{
	static const unsigned char xz[] = { 0xfd, '7', 'z', 'X', 'Z', 0 }, zst[] = { 0x28, 0xb5, 0x2f, 0xfd };
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	unsigned char *p;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size < 16) {
		close(fd);
		return NULL;
	}
	p = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return NULL;
	if (!memcmp(p, xz, sizeof(xz)) || !memcmp(p, zst, sizeof(zst)) || (p[0] == 0x1f && p[1] == 0x8b)) {
		munmap(p, (size_t)st.st_size);
		return NULL;
	}
	*len = (size_t)st.st_size;
	return p;
}

int ml_obj_load(const char *path, struct ml_obj **out, struct ml_diags *d)
{
	unsigned char *data;
	size_t len;
	int err;

	*out = NULL;
	data = map_plain(path, &len);
	if (data)
		return load_image(path, data, len, FILE_MAPPED, out, d);
	err = ml_read_file(path, &data, &len, d);
	if (err)
		return err;
	return load_image(path, data, len, FILE_OWNED, out, d);
}

int ml_obj_load_into(const char *path, struct ml_buf *buf, struct ml_obj **out, struct ml_diags *d)
{
	unsigned char *data;
	size_t len;
	bool owned;
	int err;

	*out = NULL;
	err = ml_read_file_into(path, buf, &data, &len, &owned, d);
	if (err)
		return err;
	return load_image(path, data, len, owned ? FILE_OWNED : FILE_BORROWED, out, d);
}
