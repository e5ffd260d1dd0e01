/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers shared inside loader/ only. */
#ifndef ML_LOADER_INT_H
#define ML_LOADER_INT_H

#include "loader/loader.h"

#include <string.h>

/*
 * The loader's rooms, lowest first (each uses only those above it here):
 *   obj.c       the object model and its edits
 *   symtab.c    the symbol table as later steps read it (canonical symbol,
 *               modutils' hash walk, lists by address)
 *   readsym.c   reading the symbol and relocation tables into the model
 *   read.c      reading a file and its sections into the model (ml_obj_load*)
 *   layout.c    COMMONs, GOT/PLT stubs, load order, addresses
 *   exports.c   __ksymtab and .kmodtab;  ksymoops.c  the __insmod_* symbols
 *   kallsyms.c  __kallsyms;  modstruct.c  .this (struct module) and __archdata
 *   map.c       the load map (-m);  image.c  the image in memory and on disk
 *   params.c, modinfo.c, reloc.c, then modern.c and insmod.c on top.
 */

/* ---- obj.c: the object model ---- */

/* Is p inside the file image?  (Then it lives as long as the object.) */
static inline bool ml_obj_in_file(const struct ml_obj *o, const void *p)
{
	return (const unsigned char *)p >= o->file &&
	       (const unsigned char *)p < o->file + o->filelen;
}

/* A new, zeroed symbol at the end of the table; returns its index. */
static inline uint32_t ml_obj_push_symbol(struct ml_obj *o)
{
	if (o->nsyms == o->symcap) {
		o->symcap = o->symcap ? 2 * o->symcap : 64;
		o->syms = ml_xrealloc(o->syms, o->symcap * sizeof(*o->syms));
	}
	memset(&o->syms[o->nsyms], 0, sizeof(*o->syms));
	return (uint32_t)o->nsyms++;
}

/* A new section named name (copied, unless it lies in the file image); fields zero. */
struct ml_section *ml_obj_new_section(struct ml_obj *o, const char *name);
/* Give every section its load-order priority (once, as read or created). */
void ml_compute_priorities(struct ml_obj *o);

/* ---- symtab.c: the symbol table as later steps read it ---- */

/* The symbol a relocation's index stands for: globals go by name. */
uint32_t ml_reloc_symbol(const struct ml_obj *o, uint32_t idx);
/*
 * modutils' symbol hash, walked as its insmod walks it (521 chains in
 * order, newest name first within a chain): for each distinct name, the
 * index of the symbol that stands for it (a global over the locals before
 * it; else the first local, section and file symbols included).  *out is
 * malloc'd; returns the count.  Exports, the load map, __kallsyms and the
 * COMMON order all follow this walk.
 */
size_t ml_obj_mu_walk(const struct ml_obj *o, uint32_t **out);
/* Symbol indexes by final address (-1, 0, 1; arg is the object). */
int ml_sym_cmp_value(const void *a, const void *b, void *arg);
/* A stable sort of symbol indexes (equal ones keep their order). */
void ml_sym_sort(uint32_t *v, size_t n, int (*cmp)(const void *, const void *, void *), void *arg);

/* ---- readsym.c: symbol and relocation tables ---- */

/*
 * A string table read in place: when its last byte is a NUL, every offset
 * below its size names a NUL-terminated string, so a name costs a compare
 * instead of a libelf call per symbol.  NULL p: use elf_strptr() instead.
 */
struct ml_strtab {
	const char *p;
	size_t n;
};
struct Elf;
void ml_strtab_get(struct Elf *elf, size_t idx, struct ml_strtab *t);
/* The name at off, or NULL (outside the table); t from ml_strtab_get(). */
const char *ml_strtab_at(struct Elf *elf, size_t idx, const struct ml_strtab *t, uint32_t off);
/* The file's symbol table (section symidx) into o; false: unusable (reported). */
bool ml_read_symbols(struct ml_obj *o, struct Elf *elf, size_t symidx, struct ml_diags *d);
/* The relocation section relidx into its target section's table (problems reported). */
void ml_read_relocs(struct ml_obj *o, struct Elf *elf, size_t relidx, struct ml_diags *d);

/* ---- layout.c ---- */

/* Index of the stub for (sym, addend, kind), or -1. */
long ml_find_stub(const struct ml_obj *o, uint32_t sym, int64_t addend, enum ml_stub_kind k);

/* ---- exports.c ---- */
/* weak_undef: export weak undefined symbols (absolute 0), as modutils did. */
void ml_build_exports(struct ml_obj *o, const struct ml_ksymtab *kt, bool export_all,
		      bool weak_undef);
/* One __ksymtab entry for sym (the section made on first need). */
void ml_export_symbol(struct ml_obj *o, uint32_t sym);
void ml_hide_specials(struct ml_obj *o);

/* ---- ksymoops.c ---- */
void ml_add_ksymoops(struct ml_obj *o, const char *modname, const char *realpath_, uint64_t mtime,
		     long version, const char *persist, bool export_all);

/* ---- kallsyms.c: reserved before layout, filled after relocation ---- */
int ml_kallsyms_reserve(struct ml_obj *o);
void ml_kallsyms_fill(struct ml_obj *o, int kasec);

/* ---- modstruct.c: .this (struct module) and __archdata ---- */
void ml_create_this(struct ml_obj *o, const char *modname);
int ml_archdata_reserve(struct ml_obj *o);
void ml_archdata_fill(struct ml_obj *o, int adsec);
void ml_fill_module(struct ml_obj *o, size_t ndeps, bool autoclean);

/* ---- image.c ---- */
unsigned char *ml_build_image(const struct ml_obj *o);
/* Write the image (as ml_build_image() lays it out; the staged one if any) to path; 0 or -errno, reported. */
int ml_write_image(const struct ml_obj *o, const char *path, struct ml_diags *d);
/* Before relocation: move the sections into one image buffer (o->out_map). */
int ml_image_stage(struct ml_obj *o, struct ml_diags *d);

/* ---- map.c: the load map (-m): a modern module's, and a 2.4 module's as modutils prints it ---- */
void ml_write_map(const struct ml_obj *o, struct ml_buf *b);
void ml_write_map24(const struct ml_obj *o, struct ml_buf *b);

#endif
