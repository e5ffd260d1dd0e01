/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers shared inside loader/ only. */
#ifndef ML_LOADER_INT_H
#define ML_LOADER_INT_H

#include "loader/loader.h"

/* The symbol a relocation's index stands for: globals go by name. */
uint32_t ml_reloc_symbol(const struct ml_obj *o, uint32_t idx);
/* Index of the stub for (sym, addend, kind), or -1. */
long ml_find_stub(const struct ml_obj *o, uint32_t sym, int64_t addend, enum ml_stub_kind k);
/*
 * modutils' symbol hash, walked as its insmod walks it (521 chains in
 * order, newest name first within a chain): for each distinct name, the
 * index of the symbol that stands for it (a global over the locals before
 * it; else the first local, section and file symbols included).  *out is
 * malloc'd; returns the count.  Exports, the load map, __kallsyms and the
 * COMMON order all follow this walk.
 */
size_t ml_obj_mu_walk(const struct ml_obj *o, uint32_t **out);
/* Give every section its load-order priority (once, as read or created). */
void ml_compute_priorities(struct ml_obj *o);

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


/* image.c */
void ml_create_this(struct ml_obj *o, const char *modname);
void ml_add_ksymoops(struct ml_obj *o, const char *modname, const char *realpath_,
		     uint64_t mtime, long version, const char *persist, bool export_all);
/* weak_undef: export weak undefined symbols (absolute 0), as modutils did. */
void ml_build_exports(struct ml_obj *o, const struct ml_ksymtab *kt, bool export_all, bool weak_undef);
void ml_hide_specials(struct ml_obj *o);
int ml_kallsyms_reserve(struct ml_obj *o);
int ml_archdata_reserve(struct ml_obj *o);
void ml_archdata_fill(struct ml_obj *o, int adsec);
void ml_kallsyms_fill(struct ml_obj *o, int kasec);
void ml_fill_module(struct ml_obj *o, size_t ndeps, bool autoclean);
unsigned char *ml_build_image(const struct ml_obj *o);
/* Write the image (as ml_build_image() lays it out; the staged one if any) to path; 0 or -errno, reported. */
int ml_write_image(const struct ml_obj *o, const char *path, struct ml_diags *d);
/* Before relocation: move the sections into one image buffer (o->out_map). */
int ml_image_stage(struct ml_obj *o, struct ml_diags *d);
/* The load map (-m): a modern module's, and a 2.4 module's as modutils prints it. */
void ml_write_map(const struct ml_obj *o, struct ml_buf *b);
void ml_write_map24(const struct ml_obj *o, struct ml_buf *b);

#endif
