/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * loader: the object model and the pipeline from object file to module
 * image: load, resolve, lay out, relocate, build the 2.4 struct module.
 */
#ifndef ML_LOADER_H
#define ML_LOADER_H

#include "arch/arch.h"
#include "common/common.h"
#include "common/module24.h"
#include "symbols/symbols.h"

/* Pseudo section indexes of a symbol. */
#define ML_SEC_UNDEF (-1)
#define ML_SEC_ABS (-2)
#define ML_SEC_COMMON (-3)
#define ML_SEC_EXTERN (-4) /* bound to a kernel or module export */

struct ml_reloc {
	uint64_t offset;
	uint32_t type;
	uint32_t sym;
	int64_t addend;
};

struct ml_section {
	char *name;
	uint32_t type;
	uint64_t flags;
	uint64_t size, align, entsize;
	uint32_t link, info;
	unsigned char *data; /* size bytes; NULL for NOBITS until allocated */
	bool borrowed;       /* data points into the object's file image (not freed) */
	bool rels_borrowed;  /* so does rels (loader/obj.c: rels_in_place) */
	bool name_borrowed;  /* and name (the file's section name table) */
	bool in_block;       /* allocated in the object's secblock */
	bool load;           /* part of the image */
	int prio;            /* load order priority, as read or created (+1; 0: not yet set) */
	bool was_nobits;     /* NOBITS until ml_allocate_commons() gave it zeroed bytes */
	uint64_t offset;     /* from the image start, after layout */
	uint64_t addr;       /* final address */
	/* relocations that patch this section */
	struct ml_reloc *rels;
	size_t nrels;
};

struct ml_symbol {
	char *name; /* owned, unless it points into the file image (name_borrowed) */
	bool name_borrowed;
	uint64_t value, size;
	unsigned char bind, type;
	int sec;                   /* section index or ML_SEC_* */
	const struct ml_ksym *ext; /* for ML_SEC_EXTERN */
	bool referenced;           /* by some relocation */
	bool weak_zero;            /* weak undefined bound to 0 */
	bool unnamed;              /* st_name 0 in the file (the name above is its section's) */
	unsigned seq;              /* insertion order into the name table */
};

/* A reserved GOT slot or PLT entry. */
struct ml_stub {
	uint32_t sym;
	int64_t addend;
	enum ml_stub_kind kind;
	uint64_t off; /* within its section */
	char *key;    /* its key in stubidx */
};

/* A word to write after relocation: a string's or a symbol's address. */
struct ml_patch {
	size_t sec;
	uint64_t off;
	bool is_string;
	uint64_t str_off; /* offset in .kstrtab */
	uint32_t sym;
};

struct ml_obj {
	char *path;
	const char *fname; /* name used in messages */
	unsigned char *file;
	size_t filelen;
	bool file_mapped;   /* file is a private (copy-on-write) mapping, not malloc'd */
	bool file_borrowed; /* file is the caller's buffer (ml_obj_load_into): not freed */
	void *out_map;      /* the staged image (ml_image_stage), an anonymous mapping, or NULL */
	size_t out_len;
	struct ml_target tgt;
	const struct ml_arch *arch;
	struct ml_section **secs;
	size_t nsecs, seccap;
	struct ml_section *secblock; /* the file's sections, in one allocation */
	/* noted while reading the relocations: the file's symbol indexes referenced
	 * (one byte each, nfilesyms of them), relocation types present (< 256) */
	uint32_t *nameent; /* per file symbol: its entry in names + 1 (0: none) */
	unsigned char *relref;
	uint64_t reltypes[4];
	bool reltypes_big;
	size_t nsecblock, secblockcap;
	struct ml_symbol *syms;
	size_t nsyms, symcap, nlocals;
	struct ml_hash names; /* non-local name -> symbol index + 1 */
	uint32_t *canon;      /* cache of ml_reloc_symbol() per index (ml_obj_canon_build) */
	size_t ncanon;
	struct ml_hash locals; /* named local (non-section) symbol -> index + 1, first wins;
				* built on first use, from the file's nfilesyms symbols */
	size_t nfilesyms;
	bool locals_built;
	unsigned seq;
	struct ml_stub *stubs;
	size_t nstubs;
	struct ml_hash stubidx;
	int got_sec, plt_sec, this_sec, kstrtab_sec;
	struct ml_patch *patches;
	size_t npatches;
	size_t *order;
	size_t norder;
	uint64_t base, size;
	/* .modinfo, NUL-separated key=value strings (copied) */
	char *modinfo;
	size_t modinfo_len;
	bool has_modinfo;
	/*
	 * A 2.4 module linked as modutils' insmod links it (ml_insmod sets
	 * mu24): its load order, stub sections and COMMON order.  mu_ncv and
	 * mu_prefix: names compared without their CRCs (module and kernel
	 * disagree about versions), which reorders modutils' symbol hash.
	 */
	bool mu24, mu_ncv;
	const char *mu_prefix;
	size_t mu_converted; /* sections that existed when NOBITS became data (0: not yet) */
};

/* ---- read.c: reading an object (readsym.c: its symbols and relocations) ---- */
int ml_obj_load(const char *path, struct ml_obj **out, struct ml_diags *d);
/*
 * The same, reading the file into buf (reused from object to object, as a
 * batch does): the object uses buf's bytes in place, so buf must stay
 * untouched until the object is freed.
 */
int ml_obj_load_into(const char *path, struct ml_buf *buf, struct ml_obj **out, struct ml_diags *d);
/* Build from bytes already in memory (takes ownership of data). */
int ml_obj_load_mem(const char *path, unsigned char *data, size_t len, struct ml_obj **out,
		    struct ml_diags *d);

/* ---- obj.c: the object model and its edits ---- */
void ml_obj_free(struct ml_obj *o);
int ml_obj_find_section(const struct ml_obj *o, const char *name);
/* Symbol by name, or -1: a global first, else a local (modutils hashes both). */
long ml_obj_find_symbol(const struct ml_obj *o, const char *name);
size_t ml_obj_add_section(struct ml_obj *o, const char *name, uint32_t type, uint64_t flags,
			  uint64_t align, uint64_t size);
/* Grow a section by n zero bytes; returns the old size (offset of the new bytes). */
uint64_t ml_obj_extend_section(struct ml_obj *o, size_t sec, uint64_t n);
/* Define (or redefine) a non-local symbol. */
uint32_t ml_obj_add_symbol(struct ml_obj *o, const char *name, int sec, uint64_t value,
			   unsigned char bind, unsigned char type, uint64_t size);
/* Append a string to .kstrtab (created if absent); returns its offset. */
uint64_t ml_obj_add_string(struct ml_obj *o, const char *s);
void ml_obj_patch_string(struct ml_obj *o, size_t sec, uint64_t off, const char *s);
void ml_obj_patch_symbol(struct ml_obj *o, size_t sec, uint64_t off, uint32_t sym);
/* Final value of a symbol (after layout). */
uint64_t ml_obj_symbol_value(const struct ml_obj *o, const struct ml_symbol *s);

/* ---- symtab.c: the symbol table as later steps read it ---- */
/* Cache the canonical symbol of every index (relocations look it up per entry);
 * dropped whenever a symbol is added. */
void ml_obj_canon_build(struct ml_obj *o);

/* ---- modinfo.c ---- */
/* Value of a .modinfo tag; NULL if absent. "key" alone matches with "". */
const char *ml_modinfo_get(const struct ml_obj *o, const char *key);
/* Iterate: *pos starts at 0; returns the next "key=value" string or NULL. */
const char *ml_modinfo_next(const struct ml_obj *o, size_t *pos);
bool ml_license_is_gpl(const char *license);
/* CONFIG_MODVERSIONS state (modutils' rules) of a module and of a kernel's symbols. */
bool ml_module_uses_crcs(const struct ml_obj *o);
bool ml_kernel_uses_crcs(const struct ml_ksymtab *kt);

/* ---- layout.c ---- */
/* Allocate COMMON symbols into the first NOBITS section; NOBITS become data. */
void ml_allocate_commons(struct ml_obj *o);
/* Reserve GOT/PLT stubs the relocations need; creates .got/.plt. */
int ml_size_stubs(struct ml_obj *o, struct ml_diags *d);
/* Load order and offsets; sets o->size (m_size). */
void ml_layout(struct ml_obj *o);
/* Give every loaded section its final address. */
void ml_set_base(struct ml_obj *o, uint64_t base);

/* ---- reloc.c ---- */
struct ml_explain; /* output of --explain, one line per relocation */
int ml_relocate(struct ml_obj *o, struct ml_buf *explain, struct ml_diags *d);

/* ---- params.c ---- */
/* A MODULE_PARM type: "[min[-max]]T[N][p]". */
struct ml_parm_type {
	long min, max; /* element counts (max 0 = unlimited, for objects without .modinfo) */
	char t;        /* b h i l s c */
	long csize;    /* N of c<N> */
	bool persist;  /* 'p' suffix */
};
/* Parse a type; NULL, or why it is bad (*bad = the offending character, if any). */
const char *ml_parm_type_parse(const char *fmt, struct ml_parm_type *pt, char *bad);
/* Bytes of one element on this target (b 1, h 2, i 4, l/s a word, c N). */
unsigned ml_parm_type_size(const struct ml_target *t, const struct ml_parm_type *pt);
/*
 * Apply "name=value" module parameters.  Required mode (command line)
 * rejects unknown names; optional mode (persist files) ignores them.
 */
int ml_params_check(struct ml_obj *o, struct ml_diags *d);
int ml_param_apply(struct ml_obj *o, const char *arg, bool required, struct ml_diags *d);

/* ---- ksymoops.c: the __insmod_* symbols insmod adds ---- */
/* ksymoops symbol names, in modutils' exact formats. */
char *ml_ksymoops_obj_name(const struct ml_target *t, const char *modname, const char *path,
			   uint64_t mtime, long version);
char *ml_ksymoops_sec_name(const char *modname, const char *section, uint64_t size);
char *ml_ksymoops_persist_name(const char *modname, const char *persist);
/* ---- modern.c: 2.6+ .ko objects, laid out as the kernel lays them out ---- */
/* Sizes of the kernel's two allocations; each boundary is page aligned. */
struct ml_modern_layout {
	uint64_t text_size, ro_size, ro_after_init_size, core_size; /* ends, from core start */
	uint64_t init_text_size, init_ro_size, init_size;           /* ends, from init start */
	int percpu; /* .data..percpu (placed apart), or -1 */
	uint64_t percpu_size, percpu_align;
	size_t nrelocs; /* relocation entries applied to the image */
	/* The core allocation's size as the kernel reports it (/proc/modules once
	 * init is done): the core sections, then its copy of the core symbols for
	 * kallsyms (symbols, their names, their types), page aligned. */
	uint64_t kernel_core_size;
	size_t ncore_syms;
};
/* A .gnu.linkonce.this_module section, or a vermagic= in .modinfo. */
bool ml_obj_is_modern(const struct ml_obj *o);
/* Where the CPU's module area starts without KASLR (x86_64: 0xffffffffc0000000). */
uint64_t ml_modern_default_base(const struct ml_arch *a);
/* Drop what the kernel does not load, then order and size core and init;
 * o->order/o->size then describe the image: core, then init. */
int ml_modern_layout(struct ml_obj *o, struct ml_modern_layout *l, struct ml_diags *d);
/* Final addresses: core and init allocations, the per-CPU copy. */
void ml_modern_place(struct ml_obj *o, const struct ml_modern_layout *l, uint64_t core,
		     uint64_t init, uint64_t percpu);
/* Bind undefined symbols; every non-weak one left is an error (all listed). */
int ml_modern_resolve(struct ml_obj *o, struct ml_ksymtab *kt, size_t *nunresolved,
		      struct ml_diags *d);
/* Add the module's __ksymtab/__ksymtab_gpl exports (after placement) to kt. */
size_t ml_modern_exports(struct ml_obj *o, struct ml_ksymtab *kt, const char *modname);
/* A module area filled one module after another: where the next module goes after
 * one whose init allocation starts at init (page aligned), and where a per-CPU copy
 * goes at or after pcpu (aligned as .data..percpu asks). */
uint64_t ml_modern_area_next(const struct ml_modern_layout *l, uint64_t init);
uint64_t ml_modern_percpu_at(const struct ml_modern_layout *l, uint64_t pcpu);
/* Write the image (core, then init, as laid out and placed) to img and the -m map to map;
 * 0 or -errno, reported. */
int ml_modern_write(const struct ml_obj *o, const char *img, const char *map, struct ml_diags *d);
/* What a load order needs of a module, read from its file without loading it (modern-scan.c). */
struct ml_modern_scan {
	char *name; /* .modinfo's name= (malloc'd; the caller frees it), or NULL */
	/* called for each non-weak undefined symbol (exported false) and for the
	 * NAME of each __ksymtab_NAME (exported true), in symbol table order */
	void (*add)(void *arg, bool exported, const char *name);
	void *arg;
};
/* buf: reused from call to call for compressed files; libelf must be initialised
 * (elf_version) by the caller, once, before any thread calls this. */
int ml_modern_scan(const char *path, struct ml_buf *buf, struct ml_modern_scan *sc,
		   struct ml_diags *d);

#endif
