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
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <libelf.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

/* The kernel's internal flag for ro_after_init sections (include/linux/moduleloader.h). */
#define ML_SHF_RO_AFTER_INIT 0x00200000ULL
#define ML_PAGE 4096ULL

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return a > 1 ? (v + a - 1) & ~(a - 1) : v;
}

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
	uint64_t symsize = o->tgt.is64 ? sizeof(Elf64_Sym) : sizeof(Elf32_Sym), names = 0, symalign = 1;
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
	l->kernel_core_size = align_up(align_up(l->core_size, symalign) + n * symsize + names + n, ML_PAGE);
}

int ml_modern_layout(struct ml_obj *o, struct ml_modern_layout *l, struct ml_diags *d)
{
	static const uint64_t masks[][2] = {
		{ SHF_EXECINSTR | SHF_ALLOC, 0 },
		{ SHF_ALLOC, SHF_WRITE },
		{ ML_SHF_RO_AFTER_INIT | SHF_ALLOC, 0 },
		{ SHF_WRITE | SHF_ALLOC, 0 },
		{ SHF_ALLOC, 0 },
	};
	unsigned nerr = d->nerr;
	uint64_t *flags;
	bool *placed;
	size_t n = 0;
	int err;

	memset(l, 0, sizeof(*l));
	l->percpu = -1;
	for (size_t i = 1; i < o->nsyms; i++)
		if (o->syms[i].sec == ML_SEC_COMMON) {
			struct ml_loc loc = { .file = o->fname, .offset = -1, .symbol = o->syms[i].name };

			ml_diag(d, ML_ERR, &loc, "COMMON symbol %s: the kernel refuses COMMON symbols; build with -fno-common",
				o->syms[i].name);
		}
	if (d->nerr != nerr)
		return -ENOEXEC;
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
	ml_allocate_commons(o); /* no COMMONs: gives NOBITS sections zeroed bytes */
	err = ml_size_stubs(o, d);
	if (err)
		return err;

	flags = ml_xcalloc(o->nsecs + 1, sizeof(*flags));
	placed = ml_xcalloc(o->nsecs + 1, sizeof(*placed));
	for (size_t i = 0; i < o->nsecs; i++) {
		flags[i] = o->secs[i]->flags;
		if (!strcmp(o->secs[i]->name, ".data..ro_after_init") ||
		    !strcmp(o->secs[i]->name, "__jump_table"))
			flags[i] |= ML_SHF_RO_AFTER_INIT;
	}
	free(o->order);
	o->order = ml_xmalloc((o->nsecs + 1) * sizeof(*o->order));
	for (int init = 0; init < 2; init++) {
		uint64_t size = 0;

		for (size_t m = 0; m < ML_ARRAY_SIZE(masks); m++) {
			for (size_t i = 0; i < o->nsecs; i++) {
				struct ml_section *s = o->secs[i];

				if (!s->load || placed[i] || is_init_section(s->name) != init ||
				    (flags[i] & masks[m][0]) != masks[m][0] || (flags[i] & masks[m][1]))
					continue;
				size = align_up(size, s->align);
				s->offset = size; /* from the start of its allocation, for now */
				size += s->size;
				placed[i] = true;
				o->order[n++] = i;
			}
			if (m == 0) {
				size = align_up(size, ML_PAGE);
				*(init ? &l->init_text_size : &l->text_size) = size;
			} else if (m == 1) {
				size = align_up(size, ML_PAGE);
				*(init ? &l->init_ro_size : &l->ro_size) = size;
			} else if (m == 2 && !init) {
				size = align_up(size, ML_PAGE);
				l->ro_after_init_size = size;
			} else if (m == 4) {
				size = align_up(size, ML_PAGE);
			}
		}
		*(init ? &l->init_size : &l->core_size) = size;
	}
	o->norder = n;
	kallsyms_tables(o, l);
	/* The image: core, then init. */
	for (size_t k = 0; k < n; k++) {
		struct ml_section *s = o->secs[o->order[k]];

		if (is_init_section(s->name))
			s->offset += l->core_size;
		l->nrelocs += s->nrels;
	}
	o->size = l->core_size + l->init_size;
	free(flags);
	free(placed);
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
			ml_diag(d, ML_ERR, &loc, "unresolved symbol %s (exported GPL-only; this module's license is '%s')",
				s->name, ml_modinfo_get(o, "license") ? ml_modinfo_get(o, "license") : "none");
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

/* ---- batch: a whole tree in one process ---- */

struct bmod {
	char *path, *name;
	char **undef, **exports; /* names */
	size_t nundef, nexports;
	size_t *deps;
	size_t ndeps;
	int state; /* 0 new, 1 visiting, 2 done */
};

static void bmod_free(struct bmod *m)
{
	/* the names themselves live in the scan threads' string pools */
	free(m->undef);
	free(m->exports);
	free(m->deps);
	free(m->path);
	free(m->name);
}

static void push_str(char ***v, size_t *n, struct ml_strpool *pool, const char *s)
{
	/* capacity: 4, then doubled each time n reaches a power of two */
	if (*n == 0 || (*n >= 4 && !(*n & (*n - 1))))
		*v = ml_xrealloc(*v, (*n ? 2 * *n : 4) * sizeof(**v));
	(*v)[(*n)++] = ml_strpool_add(pool, s, strlen(s));
}

/*
 * What ordering needs of a module, read straight from its file: its name,
 * the names it leaves undefined and the names it exports (__ksymtab_*).
 */
static int scan_module(struct bmod *m, struct ml_buf *buf, struct ml_strpool *pool, struct ml_diags *d)
{
	unsigned char *data = NULL, magic[4];
	size_t len = 0, shnum, shstrndx;
	bool owned = false;
	Elf *elf = NULL;
	Elf_Scn *scn = NULL;
	int err = 0, fd;

	/*
	 * A plain ELF file is opened with ELF_C_READ: libelf then reads only the
	 * headers and the sections asked for (the symbol and string tables,
	 * .modinfo), a tenth of a typical module.  A compressed one is read and
	 * decompressed whole.  (elf_version(): once, by ml_batch_relocate().)
	 */
	fd = open(m->path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0 && pread(fd, magic, 4, 0) == 4 && !memcmp(magic, ELFMAG, SELFMAG)) {
		elf = elf_begin(fd, ELF_C_READ, NULL);
	} else {
		if (fd >= 0)
			close(fd);
		fd = -1;
		if ((err = ml_read_file_into(m->path, buf, &data, &len, &owned, d)))
			return err;
		elf = elf_memory((char *)data, len);
	}
	if (!elf || elf_kind(elf) != ELF_K_ELF || elf_getshdrnum(elf, &shnum) ||
	    elf_getshdrstrndx(elf, &shstrndx)) {
		ml_err(d, NULL, "%s: not an ELF object", m->path);
		err = -ENOEXEC;
		goto out;
	}
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *ed;
		const char *sn;

		if (!gelf_getshdr(scn, &sh))
			continue;
		sn = elf_strptr(elf, shstrndx, sh.sh_name);
		if (sn && !strcmp(sn, ".modinfo") && sh.sh_type == SHT_PROGBITS && !m->name &&
		    (ed = elf_rawdata(scn, NULL)) && ed->d_buf) {
			const char *p = ed->d_buf, *e = p + ed->d_size;

			/* An empty name= is no name: the file's (name_from_path). */
			for (; p < e; p += strnlen(p, (size_t)(e - p)) + 1)
				if (memchr(p, 0, (size_t)(e - p)) && !strncmp(p, "name=", 5) && p[5])
					m->name = ml_xstrdup(p + 5);
		}
		if (sh.sh_type != SHT_SYMTAB || !(ed = elf_getdata(scn, NULL)) || !sh.sh_entsize)
			continue;
		struct ml_strtab strtab;

		ml_strtab_get(elf, sh.sh_link, &strtab);
		for (size_t i = 1; i < sh.sh_size / sh.sh_entsize; i++) {
			GElf_Sym es;
			const char *nm;

			if (!gelf_getsym(ed, (int)i, &es) || !es.st_name)
				continue;
			if (GELF_ST_BIND(es.st_info) == STB_LOCAL && es.st_shndx == SHN_UNDEF)
				continue;
			nm = ml_strtab_at(elf, sh.sh_link, &strtab, es.st_name);
			if (!nm)
				continue;
			if (es.st_shndx == SHN_UNDEF && GELF_ST_BIND(es.st_info) != STB_WEAK)
				push_str(&m->undef, &m->nundef, pool, nm);
			else if (es.st_shndx != SHN_UNDEF && !strncmp(nm, "__ksymtab_", 10))
				push_str(&m->exports, &m->nexports, pool, nm + 10);
		}
	}
out:
	if (elf)
		elf_end(elf);
	if (fd >= 0)
		close(fd);
	if (owned)
		free(data);
	return err;
}

/* The kernel's name for a module without name=: KBUILD_MODNAME, the file name with '-' as '_'. */
static char *name_from_path(const char *path)
{
	char *s = ml_module_name_from_path(path);

	for (char *p = s; *p; p++)
		if (*p == '-')
			*p = '_';
	return s;
}

static void add_dep(struct bmod *m, size_t dep)
{
	for (size_t i = 0; i < m->ndeps; i++)
		if (m->deps[i] == dep)
			return;
	m->deps = ml_xrealloc(m->deps, (m->ndeps + 1) * sizeof(*m->deps));
	m->deps[m->ndeps++] = dep;
}

/* modules.dep: "path: dep dep ...", paths relative to the tree's root. */
static int read_modules_dep(struct bmod *v, size_t n, const struct ml_hash *byname,
			    const char *path, struct ml_diags *d)
{
	unsigned char *text;
	size_t len;
	int err = ml_read_file(path, &text, &len, d);
	char *p, *save = NULL;

	if (err)
		return err;
	text = ml_xrealloc(text, len + 1);
	text[len] = 0;
	for (p = strtok_r((char *)text, "\n", &save); p; p = strtok_r(NULL, "\n", &save)) {
		char *colon = strchr(p, ':'), *tok, *s2 = NULL, *name;
		void *mi;

		if (!colon)
			continue;
		*colon = 0;
		name = name_from_path(p);
		mi = ml_hash_get(byname, name, strlen(name));
		free(name);
		if (!mi)
			continue;
		for (tok = strtok_r(colon + 1, " \t", &s2); tok; tok = strtok_r(NULL, " \t", &s2)) {
			void *di;

			name = name_from_path(tok);
			di = ml_hash_get(byname, name, strlen(name));
			free(name);
			if (di && di != mi)
				add_dep(&v[(uintptr_t)mi - 1], (uintptr_t)di - 1);
		}
	}
	free(text);
	(void)n;
	return 0;
}

static void visit(struct bmod *v, size_t i, size_t *order, size_t *n)
{
	if (v[i].state)
		return; /* done, or a cycle: broken here */
	v[i].state = 1;
	for (size_t k = 0; k < v[i].ndeps; k++)
		visit(v, v[i].deps[k], order, n);
	v[i].state = 2;
	order[(*n)++] = i;
}

static const struct ml_batch_place *find_place(const struct ml_batch_opts *bo, const char *name)
{
	for (size_t i = 0; i < bo->nplace; i++)
		if (!strcmp(bo->place[i].name, name))
			return &bo->place[i];
	return NULL;
}

/*
 * The batch runs as a pipeline.  What a module needs of no other module
 * (reading the file, parsing it, laying its sections out) is done ahead by
 * loader threads into a ring of slots; what depends on the modules before
 * it (its place in the area, binding to their exports, relocating, adding
 * its own exports) is done by the calling thread, strictly in load order.
 * The result does not depend on the number of threads.
 */
enum { SLOT_FREE, SLOT_BUSY, SLOT_READY };

struct bslot {
	size_t k;                 /* position in the load order */
	int state;
	struct ml_obj *o;
	struct ml_modern_layout l;
	struct ml_diags md;
	int err;
	struct ml_buf file;       /* the file's bytes, reused from module to module */
};

struct bpipe {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct bslot *slots;
	size_t nslots, next, norder;
	const size_t *order;
	struct bmod *v;
};

/* The order-independent part: read, parse, lay out. */
static void batch_load(struct bmod *m, struct bslot *sl)
{
	int err;

	/* The slot's last object is freed here, by the thread that allocated it:
	 * freeing memory of another thread's malloc arena costs that arena's lock. */
	ml_obj_free(sl->o);
	sl->o = NULL;
	err = ml_obj_load_into(m->path, &sl->file, &sl->o, &sl->md);

	if (!err && !ml_obj_is_modern(sl->o)) {
		ml_err(&sl->md, NULL, "%s: not a modern (2.6 or later) module: no .gnu.linkonce.this_module and no vermagic", m->path);
		err = -ENOEXEC;
	}
	if (!err)
		err = ml_modern_layout(sl->o, &sl->l, &sl->md);
	sl->err = err;
}

/*
 * With the lock held: claim the next module to load if its slot is free,
 * load it (lock dropped meanwhile) and mark it ready.  false: nothing to do.
 */
static bool load_next(struct bpipe *p)
{
	struct bslot *sl;
	size_t k = p->next;

	if (k >= p->norder || p->slots[k % p->nslots].state != SLOT_FREE)
		return false;
	p->next++;
	sl = &p->slots[k % p->nslots];
	sl->state = SLOT_BUSY;
	sl->k = k;
	pthread_mutex_unlock(&p->mu);
	batch_load(&p->v[p->order[k]], sl);
	pthread_mutex_lock(&p->mu);
	sl->state = SLOT_READY;
	pthread_cond_broadcast(&p->cv);
	return true;
}

static void *loader_thread(void *arg)
{
	struct bpipe *p = arg;

	pthread_mutex_lock(&p->mu);
	while (p->next < p->norder)
		if (!load_next(p))
			pthread_cond_wait(&p->cv, &p->mu);
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

/*
 * A module's name names its files in --out, and .modinfo's name= can hold
 * anything (forensics reads hostile modules): only a plain file name will do,
 * with nothing that breaks modules.index's lines either.
 */
static bool file_name_ok(const char *n)
{
	if (!*n || !strcmp(n, ".") || !strcmp(n, ".."))
		return false;
	for (; *n; n++)
		if (*n == '/' || (unsigned char)*n <= ' ' || *n == 0x7f)
			return false;
	return true;
}

/* The order-dependent part: place at the area's cursor, resolve, relocate, export. */
static void batch_finish(const struct ml_batch_opts *bo, struct bslot *sl, uint64_t *cursor,
			 uint64_t *pcpu, struct ml_batch_module *res, struct ml_diags *d)
{
	struct ml_obj *o = sl->o;
	const struct ml_modern_layout *l = &sl->l;
	const struct ml_batch_place *pl;
	uint64_t core, init, pc = 0, next = *cursor, next_pcpu = *pcpu;
	int err = sl->err;

	if (err)
		goto out;
	if (bo->outdir && !file_name_ok(res->name)) {
		ml_err(d, NULL, "%s: module name '%s' (.modinfo) is not a plain file name (empty, '.', '..', a '/', a blank or a control character): nothing written to %s",
		       res->path, res->name, bo->outdir);
		err = -EINVAL;
		goto out;
	}
	pl = find_place(bo, res->name);
	if (pl) {
		core = pl->core;
		init = pl->have_init ? pl->init : core + l->core_size;
	} else {
		core = *cursor;
		init = core + l->core_size;
		next = align_up(init + l->init_size, ML_PAGE);
	}
	if (l->percpu >= 0 && pl && pl->have_percpu) {
		pc = pl->percpu;
	} else if (l->percpu >= 0) {
		pc = align_up(*pcpu, l->percpu_align);
		next_pcpu = pc + l->percpu_size;
	}
	res->core = core;
	res->init = init;
	res->core_size = l->core_size;
	res->init_size = l->init_size;
	res->kernel_core_size = l->kernel_core_size;
	res->percpu = pc;
	res->percpu_size = l->percpu_size;
	res->nrelocs = l->nrelocs;
	ml_modern_place(o, l, core, init, pc);
	err = ml_modern_resolve(o, bo->ksyms, &res->nunresolved, d);
	if (err)
		goto out;
	err = ml_relocate(o, NULL, d);
	if (err)
		goto out;
	/* Only a module that loads keeps its place: the kernel frees a failed one's memory. */
	*cursor = next;
	*pcpu = next_pcpu;
	res->nexports = ml_modern_exports(o, bo->ksyms, res->name);
	if (bo->outdir) {
		char *ip = ml_xasprintf("%s/%s.img", bo->outdir, res->name);
		char *mp = ml_xasprintf("%s/%s.map", bo->outdir, res->name);
		struct ml_buf map = { 0 };

		err = ml_write_image(o, ip, d);
		ml_write_map(o, &map);
		if (!err && (err = ml_write_whole(mp, map.p, map.len)))
			ml_err(d, NULL, "cannot write %s: %s", mp, strerror(-err));
		free(ip);
		free(mp);
		ml_buf_free(&map);
	}
out:
	res->err = err; /* the object is freed when the slot is next loaded */
}

/* Linux 2.2/2.4 (a retro build's home) cannot run the threads a C library makes today. */
static bool kernel_has_threads(void)
{
	struct utsname u;
	unsigned major = 0, minor = 0;

	if (uname(&u) || sscanf(u.release, "%u.%u", &major, &minor) != 2)
		return true;
	return major > 2 || (major == 2 && minor >= 6);
}

static unsigned batch_jobs(const struct ml_batch_opts *bo)
{
	long n = bo->jobs ? (long)bo->jobs : sysconf(_SC_NPROCESSORS_ONLN);

	if (n > 1 && !kernel_has_threads())
		n = 1;
	return n < 1 ? 1 : n > 64 ? 64 : (unsigned)n;
}

/* The first pass (names, undefined symbols, exports) split over threads. */
struct scan_job {
	struct bmod *v;
	size_t n, stride, first;
	struct ml_strpool names; /* the names its modules need and offer */
};

static void *scan_thread(void *arg)
{
	struct scan_job *j = arg;
	struct ml_buf buf = { 0 };

	for (size_t i = j->first; i < j->n; i += j->stride) {
		struct ml_diags md = { 0 };

		if (scan_module(&j->v[i], &buf, &j->names, &md))
			j->v[i].state = -1; /* reported when its turn comes */
		ml_diags_free(&md);
	}
	ml_buf_free(&buf);
	return NULL;
}

/* Run fn over jobs[0..n) with n - 1 extra threads (the caller runs the last). */
static void run_threads(void *(*fn)(void *), void *jobs, size_t size, unsigned n)
{
	pthread_t *t = ml_xcalloc(n, sizeof(*t));
	unsigned started = 0;

	for (unsigned i = 0; i + 1 < n; i++) {
		void *job = (char *)jobs + i * size;

		if (pthread_create(&t[started], NULL, fn, job))
			fn(job); /* no thread to be had: do it here */
		else
			started++;
	}
	fn((char *)jobs + (n - 1) * size);
	for (unsigned i = 0; i < started; i++)
		pthread_join(t[i], NULL);
	free(t);
}

int ml_batch_relocate(const struct ml_batch_opts *bo, struct ml_batch_totals *t,
		      struct ml_diags *d)
{
	size_t n = bo->npaths, *order, norder = 0;
	struct bmod *v = ml_xcalloc(n + 1, sizeof(*v));
	struct ml_hash byname, provider, loaded; /* loaded: names of the modules loaded so far */
	uint64_t cursor = bo->base, pcpu = bo->percpu;
	unsigned jobs = batch_jobs(bo), nscan;
	struct scan_job *sj;
	int err = 0;

	memset(t, 0, sizeof(*t));
	t->jobs = jobs;
	double t0 = ml_now();
	ml_hash_init(&byname, n);
	ml_hash_init(&provider, 4 * n);
	ml_hash_init(&loaded, n);
	/* What each module needs and offers, for the order. */
	elf_version(EV_CURRENT); /* once, before any thread uses libelf */
	for (size_t i = 0; i < n; i++)
		v[i].path = ml_xstrdup(bo->paths[i]);
	nscan = jobs < n ? jobs : n ? (unsigned)n : 1;
	sj = ml_xcalloc(nscan, sizeof(*sj));
	for (unsigned i = 0; i < nscan; i++)
		sj[i] = (struct scan_job){ .v = v, .n = n, .stride = nscan, .first = i };
	run_threads(scan_thread, sj, sizeof(*sj), nscan);
	for (size_t i = 0; i < n; i++) {
		if (!v[i].name)
			v[i].name = name_from_path(v[i].path);
		if (!ml_hash_get(&byname, v[i].name, strlen(v[i].name)))
			ml_hash_put(&byname, v[i].name, strlen(v[i].name), (void *)(uintptr_t)(i + 1));
		for (size_t k = 0; k < v[i].nexports; k++)
			if (!ml_hash_get(&provider, v[i].exports[k], strlen(v[i].exports[k])))
				ml_hash_put(&provider, v[i].exports[k], strlen(v[i].exports[k]),
					    (void *)(uintptr_t)(i + 1));
	}
	if (bo->modules_dep) {
		err = read_modules_dep(v, n, &byname, bo->modules_dep, d);
		if (err)
			goto out;
	} else {
		/* Computed from symbols: a module needs the modules that export what it
		 * leaves undefined, unless the kernel proper has it. */
		for (size_t i = 0; i < n; i++)
			for (size_t k = 0; k < v[i].nundef; k++) {
				const char *s = v[i].undef[k];
				void *p = ml_hash_get(&provider, s, strlen(s));
				uint64_t val;

				if (p && (uintptr_t)p - 1 != i && !ml_ksymtab_value(bo->ksyms, s, &val))
					add_dep(&v[i], (uintptr_t)p - 1);
			}
	}
	order = ml_xmalloc((n + 1) * sizeof(*order));
	double t1 = ml_now();

	t->t_scan = t1 - t0;
	for (size_t i = 0; i < n; i++) {
		if (v[i].state < 0) {
			v[i].state = 0;
			v[i].nexports = 0;
		}
		visit(v, i, order, &norder);
	}
	{
		struct bpipe p = { .norder = norder, .order = order, .v = v };
		unsigned nloaders = jobs > 1 ? jobs - 1 : 0, started = 0;
		pthread_t *th = ml_xcalloc(nloaders + 1, sizeof(*th));

		/* Enough slots that loaders run ahead while this thread relocates. */
		p.nslots = nloaders ? 2 * (size_t)nloaders + 2 : 1;
		p.slots = ml_xcalloc(p.nslots, sizeof(*p.slots));
		pthread_mutex_init(&p.mu, NULL);
		pthread_cond_init(&p.cv, NULL);
		for (unsigned i = 0; i < nloaders; i++)
			if (!pthread_create(&th[started], NULL, loader_thread, &p))
				started++;
		for (size_t k = 0; k < norder; k++) {
			struct bmod *m = &v[order[k]];
			struct bslot *sl = &p.slots[k % p.nslots];
			struct ml_batch_module res = { .path = m->path, .name = m->name, .index = k, .total = n };
			size_t first;

			if (started) {
				double w = ml_now();

				/* Rather than wait for module k, load one further on. */
				pthread_mutex_lock(&p.mu);
				while (sl->state != SLOT_READY || sl->k != k)
					if (!load_next(&p))
						pthread_cond_wait(&p.cv, &p.mu);
				pthread_mutex_unlock(&p.mu);
				t->t_wait += ml_now() - w;
			} else {
				batch_load(m, sl);
			}
			/* One module of a name, as the kernel: a second is refused (its
			 * files in --out would replace the first's). */
			first = (uintptr_t)ml_hash_get(&loaded, m->name, strlen(m->name));
			if (!sl->err && first) {
				ml_err(&sl->md, NULL, "%s: a module named %s is already loaded, from %s", m->path,
				       m->name, v[first - 1].path);
				sl->err = -EEXIST;
			}
			batch_finish(bo, sl, &cursor, &pcpu, &res, &sl->md);
			if (!res.err)
				ml_hash_put(&loaded, m->name, strlen(m->name), (void *)(uintptr_t)(order[k] + 1));
			t->modules++;
			if (res.err)
				t->failed++;
			t->relocs += res.err ? 0 : res.nrelocs;
			t->unresolved += res.nunresolved;
			t->exports += res.nexports;
			t->bytes += res.err ? 0 : res.core_size + res.init_size;
			if (bo->report)
				bo->report(bo->arg, &res, &sl->md);
			ml_diags_free(&sl->md);
			if (started) {
				pthread_mutex_lock(&p.mu);
				sl->state = SLOT_FREE;
				pthread_cond_broadcast(&p.cv);
				pthread_mutex_unlock(&p.mu);
			}
		}
		for (unsigned i = 0; i < started; i++)
			pthread_join(th[i], NULL);
		t->t_link = ml_now() - t1;
		for (size_t i = 0; i < p.nslots; i++) {
			ml_obj_free(p.slots[i].o);
			ml_buf_free(&p.slots[i].file);
		}
		free(p.slots);
		free(th);
		pthread_mutex_destroy(&p.mu);
		pthread_cond_destroy(&p.cv);
	}
	t->area_end = cursor;
	free(order);
out:
	for (size_t i = 0; i < n; i++)
		bmod_free(&v[i]);
	for (unsigned i = 0; i < nscan; i++)
		ml_strpool_free(&sj[i].names);
	free(sj);
	free(v);
	ml_hash_free(&byname);
	ml_hash_free(&provider);
	ml_hash_free(&loaded);
	return err ? err : t->failed ? -ENOEXEC : 0;
}
