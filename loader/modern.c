// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Modern (2.6 and later) .ko objects, laid out and relocated the way the
 * kernel's own module loader places them in memory, for forensics, teaching
 * and crash analysis: a modern kernel links its modules itself, so nothing
 * here ever hands an image to a kernel.
 *
 * What the kernel (6.1, kernel/module/main.c) does, and we reproduce:
 *  - .modinfo and __versions are read but never loaded (their SHF_ALLOC is
 *    dropped); .data..percpu is not loaded into the module either: it is
 *    copied to a per-CPU allocation, and its relocations are never applied.
 *  - Sections are grouped by flags into two allocations, core and init
 *    (init = names starting ".init"; .exit.* stays in core because Debian
 *    builds with CONFIG_MODULE_UNLOAD).  Within each, the groups are: code
 *    (SHF_EXECINSTR), read-only data (SHF_ALLOC without SHF_WRITE),
 *    ro_after_init (.data..ro_after_init and __jump_table, marked with the
 *    kernel-internal SHF_RO_AFTER_INIT), then writable data.  Sections keep
 *    their index order inside a group, each aligned to its sh_addralign, and
 *    every group boundary is page aligned (CONFIG_STRICT_MODULE_RWX), so
 *    text, rodata and data get separate page permissions.
 *  - Undefined symbols bind to what the kernel and the modules loaded
 *    before export; every undefined symbol must bind (the kernel refuses a
 *    module with any unknown symbol, referenced or not) except weak ones,
 *    which become 0.  COMMON symbols are refused (-fno-common).
 *  - A module's exports are its __ksymtab (and __ksymtab_gpl) entries:
 *    struct kernel_symbol, either absolute {value, name, namespace} words or,
 *    on CPUs with CONFIG_HAVE_ARCH_PREL32_RELOCATIONS (x86_64, arm64, ...),
 *    32-bit place-relative offsets.  Either way each field is written by one
 *    relocation, so the exported value is that relocation's S + A and the
 *    name is the string its second field's relocation points at: read that
 *    way, both forms need no knowledge of the struct's size.
 *
 * The image modlink writes for a module is its core allocation from the base
 * address followed by its init allocation, page aligned: what the kernel
 * holds in two vmalloc areas, side by side.  What we do not reproduce: the
 * kernel's own additions after the sections (the core copy of the symbol
 * table for kallsyms, mod_kallsyms), and the instruction patching done after
 * relocation (alternatives, paravirt, jump labels, static calls, ftrace call
 * sites, return thunks): see tests/e2e/debian-corpus.sh for how .text differs.
 */
#include "loader/loader-int.h"

#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* The kernel's internal flag for ro_after_init sections (include/linux/moduleloader.h). */
#define ML_SHF_RO_AFTER_INIT 0x00200000ULL
#define ML_PAGE 4096ULL

bool ml_obj_is_modern(const struct ml_obj *o)
{
	const char *vm;

	if (ml_obj_find_section(o, ".gnu.linkonce.this_module") >= 0)
		return true;
	vm = ml_modinfo_get(o, "vermagic");
	return vm && *vm;
}

uint64_t ml_modern_default_base(const struct ml_arch *a)
{
	/* x86_64: MODULES_VADDR, the module area right above the kernel image
	 * (without KASLR, as under nokaslr). */
	if (a->machine == EM_X86_64)
		return 0xffffffffc0000000ULL;
	return a->is64 ? 0xffffffffc0000000ULL : 0xbf000000ULL;
}

static bool is_init_section(const char *name)
{
	return !strncmp(name, ".init", 5);
}

/*
 * The kernel keeps, at the end of the core allocation, the symbols kallsyms
 * shows for the module after init: symbol 0 and every named symbol (not a
 * section symbol) defined in a loaded core section or in .data..percpu
 * (Debian builds with CONFIG_KALLSYMS_ALL), as ELF symbols, then their
 * names, then one type byte each; the allocation is then page aligned.
 * Checked against /proc/modules of a 6.1 guest (tests/e2e/debian-corpus.sh).
 */
static void kallsyms_tables(const struct ml_obj *o, struct ml_modern_layout *l)
{
	uint64_t symsize = o->tgt.is64 ? sizeof(Elf64_Sym) : sizeof(Elf32_Sym), names = 0,
		 symalign = 1;
	size_t n = 0;

	for (size_t i = 0; i < o->nfilesyms; i++) {
		const struct ml_symbol *s = &o->syms[i];
		bool core = i == 0;

		if (!core && s->sec >= 0 && !s->unnamed && s->type != STT_SECTION) {
			const struct ml_section *sec = o->secs[s->sec];

			core = s->sec == l->percpu || (sec->load && !is_init_section(sec->name));
		}
		if (core) {
			n++;
			names += strlen(s->name) + 1;
		}
	}
	for (size_t i = 0; i < o->nsecs; i++)
		if (o->secs[i]->type == SHT_SYMTAB)
			symalign = o->secs[i]->align;
	l->ncore_syms = n;
	l->kernel_core_size = ml_align_up(
		ml_align_up(l->core_size, symalign) + n * symsize + names + n, ML_PAGE);
}

/* The kernel refuses COMMON symbols (all listed); true if there were any. */
static bool refuse_commons(const struct ml_obj *o, struct ml_diags *d)
{
	unsigned nerr = d->nerr;

	for (size_t i = 1; i < o->nsyms; i++)
		if (o->syms[i].sec == ML_SEC_COMMON) {
			struct ml_loc loc = { .file = o->fname,
					      .offset = -1,
					      .symbol = o->syms[i].name };

			ml_diag(d, ML_ERR, &loc,
				"COMMON symbol %s: the kernel refuses COMMON symbols; build with -fno-common",
				o->syms[i].name);
		}
	return d->nerr != nerr;
}

/* .modinfo and __versions are not loaded; .data..percpu is copied apart (l->percpu). */
static void set_aside(struct ml_obj *o, struct ml_modern_layout *l)
{
	for (size_t i = 0; i < o->nsecs; i++) {
		struct ml_section *s = o->secs[i];

		if (!s->load)
			continue;
		if (!strcmp(s->name, "__versions") || !strcmp(s->name, ".modinfo")) {
			s->load = false;
		} else if (!strcmp(s->name, ".data..percpu")) {
			s->load = false;
			l->percpu = (int)i;
			l->percpu_size = s->size;
			l->percpu_align = s->align;
			if (s->type == SHT_NOBITS && !s->data) {
				s->data = ml_xcalloc(1, s->size ? s->size : 1);
				s->type = SHT_PROGBITS;
			}
		}
	}
}

/* The layout groups, in order: code, read-only, ro_after_init, writable, the rest
 * (flags that must be set, flags that must not). */
static const uint64_t group_masks[][2] = {
	{ SHF_EXECINSTR | SHF_ALLOC, 0 },
	{ SHF_ALLOC, SHF_WRITE },
	{ ML_SHF_RO_AFTER_INIT | SHF_ALLOC, 0 },
	{ SHF_WRITE | SHF_ALLOC, 0 },
	{ SHF_ALLOC, 0 },
};

/* One allocation (core or init): each group's sections in index order, each
 * aligned, the group ends page aligned where the kernel sets permissions. */
static uint64_t place_allocation(struct ml_obj *o, struct ml_modern_layout *l,
				 const uint64_t *flags, bool *placed, int init, size_t *n)
{
	uint64_t size = 0;

	for (size_t m = 0; m < ML_ARRAY_SIZE(group_masks); m++) {
		for (size_t i = 0; i < o->nsecs; i++) {
			struct ml_section *s = o->secs[i];

			if (!s->load || placed[i] || is_init_section(s->name) != init ||
			    (flags[i] & group_masks[m][0]) != group_masks[m][0] ||
			    (flags[i] & group_masks[m][1]))
				continue;
			size = ml_align_up(size, s->align);
			s->offset = size; /* from the start of its allocation, for now */
			size += s->size;
			placed[i] = true;
			o->order[(*n)++] = i;
		}
		if (m == 0) {
			size = ml_align_up(size, ML_PAGE);
			*(init ? &l->init_text_size : &l->text_size) = size;
		} else if (m == 1) {
			size = ml_align_up(size, ML_PAGE);
			*(init ? &l->init_ro_size : &l->ro_size) = size;
		} else if (m == 2 && !init) {
			size = ml_align_up(size, ML_PAGE);
			l->ro_after_init_size = size;
		} else if (m == 4) {
			size = ml_align_up(size, ML_PAGE);
		}
	}
	return size;
}

/* Core then init, into o->order; then the image offsets: init after core. */
static void place_allocations(struct ml_obj *o, struct ml_modern_layout *l)
{
	uint64_t *flags = ml_xcalloc(o->nsecs + 1, sizeof(*flags));
	bool *placed = ml_xcalloc(o->nsecs + 1, sizeof(*placed));
	size_t n = 0;

	for (size_t i = 0; i < o->nsecs; i++) {
		flags[i] = o->secs[i]->flags;
		if (!strcmp(o->secs[i]->name, ".data..ro_after_init") ||
		    !strcmp(o->secs[i]->name, "__jump_table"))
			flags[i] |= ML_SHF_RO_AFTER_INIT;
	}
	free(o->order);
	o->order = ml_xmalloc((o->nsecs + 1) * sizeof(*o->order));
	l->core_size = place_allocation(o, l, flags, placed, 0, &n);
	l->init_size = place_allocation(o, l, flags, placed, 1, &n);
	o->norder = n;
	free(flags);
	free(placed);
}

int ml_modern_layout(struct ml_obj *o, struct ml_modern_layout *l, struct ml_diags *d)
{
	int err;

	memset(l, 0, sizeof(*l));
	l->percpu = -1;
	if (refuse_commons(o, d))
		return -ENOEXEC;
	set_aside(o, l);
	ml_allocate_commons(o); /* no COMMONs: gives NOBITS sections zeroed bytes */
	err = ml_size_stubs(o, d);
	if (err)
		return err;
	place_allocations(o, l);
	kallsyms_tables(o, l);
	/* The image: core, then init. */
	for (size_t k = 0; k < o->norder; k++) {
		struct ml_section *s = o->secs[o->order[k]];

		if (is_init_section(s->name))
			s->offset += l->core_size;
		l->nrelocs += s->nrels;
	}
	o->size = l->core_size + l->init_size;
	return 0;
}

void ml_modern_place(struct ml_obj *o, const struct ml_modern_layout *l, uint64_t core,
		     uint64_t init, uint64_t percpu)
{
	ml_set_base(o, core);
	for (size_t k = 0; k < o->norder; k++) {
		struct ml_section *s = o->secs[o->order[k]];

		if (is_init_section(s->name))
			s->addr = init + (s->offset - l->core_size);
	}
	if (l->percpu >= 0)
		o->secs[l->percpu]->addr = percpu;
}

uint64_t ml_modern_area_next(const struct ml_modern_layout *l, uint64_t init)
{
	return ml_align_up(init + l->init_size, ML_PAGE);
}

uint64_t ml_modern_percpu_at(const struct ml_modern_layout *l, uint64_t pcpu)
{
	return ml_align_up(pcpu, l->percpu_align);
}

int ml_modern_write(const struct ml_obj *o, const char *img, const char *map, struct ml_diags *d)
{
	struct ml_buf text = { 0 };
	int err = ml_write_image(o, img, d);

	ml_write_map(o, &text);
	if (!err && (err = ml_write_whole(map, text.p, text.len)))
		ml_err(d, NULL, "cannot write %s: %s", map, strerror(-err));
	ml_buf_free(&text);
	return err;
}

/* The licences kernel 6.1 treats as GPL-compatible (license_is_gpl_compatible). */
static bool modern_gpl(const char *license)
{
	return ml_license_is_gpl(license) || (license && !strcmp(license, "Dual MIT/GPL"));
}

int ml_modern_resolve(struct ml_obj *o, struct ml_ksymtab *kt, size_t *nunresolved,
		      struct ml_diags *d)
{
	struct ml_lookup lk = { .prefix = "", .gpl = modern_gpl(ml_modinfo_get(o, "license")) };
	size_t bad = 0;

	for (size_t i = 1; i < o->nsyms; i++) {
		struct ml_symbol *s = &o->syms[i];
		const struct ml_ksym *k;

		if (s->sec != ML_SEC_UNDEF || s->bind == STB_LOCAL || !*s->name)
			continue;
		if (ml_reloc_symbol(o, (uint32_t)i) != i)
			continue; /* another entry of the same name stands for it */
		lk.gplonly_refused = false;
		k = ml_ksymtab_lookup(kt, s->name, &lk);
		if (k) {
			s->sec = ML_SEC_EXTERN;
			s->ext = k;
			if (k->mod >= 0)
				kt->mods[k->mod].used = true;
			continue;
		}
		if (s->bind == STB_WEAK) {
			s->weak_zero = true;
			continue;
		}
		struct ml_loc loc = { .file = o->fname, .offset = -1, .symbol = s->name };

		bad++;
		if (lk.gplonly_refused)
			ml_diag(d, ML_ERR, &loc,
				"unresolved symbol %s (exported GPL-only; this module's license is '%s')",
				s->name,
				ml_modinfo_get(o, "license") ? ml_modinfo_get(o, "license")
							     : "none");
		else
			ml_diag(d, ML_ERR, &loc, "unresolved symbol %s", s->name);
	}
	if (nunresolved)
		*nunresolved = bad;
	return bad ? -ENOENT : 0;
}

/* The relocation that writes offset off of section s, or NULL. */
static const struct ml_reloc *reloc_at(const struct ml_section *s, uint64_t off, size_t *hint)
{
	size_t i = *hint < s->nrels ? *hint : 0;

	/* Entries come in offset order in practice: start where the last search ended. */
	for (size_t k = 0; k < s->nrels; k++, i = i + 1 < s->nrels ? i + 1 : 0)
		if (s->rels[i].offset == off) {
			*hint = i + 1;
			return &s->rels[i];
		}
	return NULL;
}

static uint64_t reloc_target(const struct ml_obj *o, const struct ml_reloc *r)
{
	return ml_obj_symbol_value(o, &o->syms[ml_reloc_symbol(o, r->sym)]) + (uint64_t)r->addend;
}

/* The NUL-terminated string a relocation's target S + A points at, or NULL. */
static const char *reloc_string(const struct ml_obj *o, const struct ml_reloc *r)
{
	const struct ml_symbol *s = &o->syms[ml_reloc_symbol(o, r->sym)];
	const struct ml_section *sec;
	uint64_t off;

	if (s->sec < 0)
		return NULL;
	sec = o->secs[s->sec];
	off = s->value + (uint64_t)r->addend;
	if (!sec->data || off >= sec->size || !memchr(sec->data + off, 0, sec->size - off))
		return NULL;
	return (const char *)sec->data + off;
}

size_t ml_modern_exports(struct ml_obj *o, struct ml_ksymtab *kt, const char *modname)
{
	const struct ml_arch *a = o->arch;
	size_t n = 0, hint = 0;
	struct ml_buf name = { 0 };

	for (size_t i = 1; i < o->nsyms; i++) {
		const struct ml_symbol *s = &o->syms[i];
		const struct ml_section *sec;
		const struct ml_reloc *rv, *rn;
		const struct ml_reloc_type *rt;
		const char *nm;
		bool gpl;

		if (s->sec < 0 || strncmp(s->name, "__ksymtab_", 10) || s->type == STT_SECTION)
			continue;
		sec = o->secs[s->sec];
		if (strncmp(sec->name, "__ksymtab", 9) || !sec->load)
			continue;
		gpl = !strcmp(sec->name, "__ksymtab_gpl");
		rv = reloc_at(sec, s->value, &hint);
		if (!rv || !(rt = ml_arch_reloc(a, rv->type)) || !rt->width)
			continue;
		/* The name field follows the value field, of the same width. */
		rn = reloc_at(sec, s->value + rt->width, &hint);
		nm = rn ? reloc_string(o, rn) : NULL;
		if (!nm || !*nm)
			nm = s->name + 10;
		name.len = 0;
		ml_buf_printf(&name, "%s%s", gpl ? "GPLONLY_" : "", nm);
		ml_ksymtab_add(kt, name.p, reloc_target(o, rv), modname);
		n++;
	}
	ml_buf_free(&name);
	return n;
}
