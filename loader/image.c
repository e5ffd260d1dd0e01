// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What insmod adds to a 2.4 module before the kernel sees it: the .this
 * section holding struct module, exports in __ksymtab, dependencies in
 * .kmodtab, the ksymoops __insmod_* symbols, __kallsyms, and finally the
 * image itself, the load map and the blob.
 *
 * struct module's layout and byte order are common/module24.c's job.
 */
#include "loader/loader-int.h"

#include <ctype.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- .this ---- */

void ml_create_this(struct ml_obj *o, const char *modname)
{
	unsigned sz = ml_module_struct_size(&o->tgt);
	size_t sec = ml_obj_add_section(o, ".this", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE,
					ml_wordsize(&o->tgt), sz);

	o->this_sec = (int)sec;
	ml_obj_add_symbol(o, "__this_module", (int)sec, 0, STB_LOCAL, STT_OBJECT, sz);
	ml_obj_patch_string(o, sec, ml_module_field_off(&o->tgt, ML_MF_NAME), modname);
}

/* ---- exports ---- */

static int ksymtab_section(struct ml_obj *o)
{
	int sec = ml_obj_find_section(o, "__ksymtab");

	if (sec >= 0 && !o->secs[sec]->load) {
		/* EXPORT_NO_SYMBOLS: keep it out of the way, as modutils does. */
		o->secs[sec]->name[0] = 'x';
		sec = -1;
	}
	/* modutils makes it read-only data: it sorts before .data */
	if (sec < 0)
		sec = (int)ml_obj_add_section(o, "__ksymtab", SHT_PROGBITS, SHF_ALLOC, ml_wordsize(&o->tgt), 0);
	return sec;
}

static void add_ksymtab(struct ml_obj *o, uint32_t sym)
{
	int sec = ksymtab_section(o);
	unsigned ws = ml_wordsize(&o->tgt);
	uint64_t off = ml_obj_extend_section(o, (size_t)sec, 2 * ws);

	ml_obj_patch_symbol(o, (size_t)sec, off, sym);
	ml_obj_patch_string(o, (size_t)sec, off + ws, o->syms[sym].name);
}

static bool has_alloc_ksymtab(const struct ml_obj *o)
{
	int sec = ml_obj_find_section(o, "__ksymtab");

	return sec >= 0 && o->secs[sec]->load;
}

/* Section names tagged with _S<name>_L<len> symbols for ksymoops. */
static const char *const tagged_sections[] = { ".text", ".rodata", ".data", ".bss" };

char *ml_ksymoops_obj_name(const struct ml_target *t, const char *modname, const char *path,
			   uint64_t mtime, long version)
{
	/* mtime: upper-case hex, two digits per byte of the target's time_t (a long). */
	return ml_xasprintf("__insmod_%s_O%s_M%0*" PRIX64 "_V%ld", modname, path,
			    (int)(2 * ml_wordsize(t)), mtime, version);
}

char *ml_ksymoops_sec_name(const char *modname, const char *section, uint64_t size)
{
	return ml_xasprintf("__insmod_%s_S%s_L%" PRIu64, modname, section, size);
}

char *ml_ksymoops_persist_name(const char *modname, const char *persist)
{
	return ml_xasprintf("__insmod_%s_P%s", modname, persist);
}

void ml_add_ksymoops(struct ml_obj *o, const char *modname, const char *realpath_,
		     uint64_t mtime, long version, const char *persist, bool export_all)
{
	bool use_ksymtab = ml_obj_find_section(o, "__ksymtab") >= 0 || !export_all;
	char *name;
	uint32_t sym;

	name = ml_ksymoops_obj_name(&o->tgt, modname, realpath_, mtime, version);
	sym = ml_obj_add_symbol(o, name, o->this_sec, 0, STB_GLOBAL, STT_NOTYPE, 0);
	free(name);
	if (use_ksymtab)
		add_ksymtab(o, sym);
	if (persist) {
		name = ml_ksymoops_persist_name(modname, persist);
		sym = ml_obj_add_symbol(o, name, o->this_sec, 0, STB_GLOBAL, STT_NOTYPE, 0);
		free(name);
		if (use_ksymtab)
			add_ksymtab(o, sym);
	}
	for (size_t i = 0; i < ML_ARRAY_SIZE(tagged_sections); i++) {
		int sec = ml_obj_find_section(o, tagged_sections[i]);

		if (sec < 0 || !o->secs[sec]->load || !o->secs[sec]->size)
			continue;
		name = ml_ksymoops_sec_name(modname, tagged_sections[i], o->secs[sec]->size);
		sym = ml_obj_add_symbol(o, name, sec, 0, STB_GLOBAL, STT_NOTYPE, 0);
		free(name);
		if (use_ksymtab)
			add_ksymtab(o, sym);
	}
}

void ml_build_exports(struct ml_obj *o, const struct ml_ksymtab *kt, bool export_all, bool weak_undef)
{
	unsigned ws = ml_wordsize(&o->tgt);
	size_t nused = 0;
	uint32_t *v = NULL;
	size_t n = 0;

	for (size_t i = 0; i < kt->nmods; i++)
		nused += kt->mods[i].used;
	if (nused) {
		/* read-only data, as modutils makes it */
		size_t sec = ml_obj_add_section(o, ".kmodtab", SHT_PROGBITS, SHF_ALLOC, ws, 3 * ws * nused);
		uint64_t off = 0;
		long self = ml_obj_find_symbol(o, "__this_module");

		for (size_t i = 0; i < kt->nmods; i++) {
			if (!kt->mods[i].used)
				continue;
			ml_putword(&o->tgt, o->secs[sec]->data + off, kt->mods[i].addr);
			if (self >= 0)
				ml_obj_patch_symbol(o, sec, off + ws, (uint32_t)self);
			off += 3 * ws;
		}
	}
	if (!export_all || has_alloc_ksymtab(o) || ml_obj_find_section(o, "__ksymtab") >= 0) {
		/* An explicit __ksymtab (even an empty EXPORT_NO_SYMBOLS one) wins. */
		return;
	}
	/*
	 * modutils exports every global of a loaded section or absolute, in
	 * the order it walks its symbol hash; a weak undefined symbol is
	 * absolute 0 by then, and exported too (unless weak_undef is false).
	 */
	n = ml_obj_mu_walk(o, &v);
	for (size_t i = 0; i < n; i++) {
		const struct ml_symbol *s = &o->syms[v[i]];

		if (s->bind == STB_LOCAL)
			continue;
		if (s->sec == ML_SEC_ABS || (s->sec >= 0 && o->secs[s->sec]->load) ||
		    (s->weak_zero && weak_undef))
			add_ksymtab(o, v[i]);
	}
	free(v);
}

/* Hide init_module, cleanup_module and kernel_version: never exported. */
void ml_hide_specials(struct ml_obj *o)
{
	static const char *const specials[] = { "cleanup_module", "init_module", "kernel_version" };

	for (size_t i = 0; i < ML_ARRAY_SIZE(specials); i++) {
		long s = ml_obj_find_symbol(o, specials[i]);

		if (s >= 0)
			o->syms[s].bind = STB_LOCAL;
	}
}

/* ---- __kallsyms ---- */

/* ARM's mapping symbols ($a, $d, $t, $a.1 ...) mark code and data, not names. */
static bool mapping_symbol(const struct ml_symbol *s)
{
	return s->name[0] == '$' && strchr("adtx", s->name[1]) && (!s->name[2] || s->name[2] == '.');
}

static int cmp_addr(const void *a, const void *b, void *arg)
{
	const struct ml_obj *o = arg;
	uint64_t x = ml_obj_symbol_value(o, &o->syms[*(const uint32_t *)a]);
	uint64_t y = ml_obj_symbol_value(o, &o->syms[*(const uint32_t *)b]);

	if (x != y)
		return x < y ? -1 : 1;
	return *(const uint32_t *)a < *(const uint32_t *)b ? -1 : 1;
}

/* By address only: a stable sort keeps the given order among equals. */
static int cmp_value(const void *a, const void *b, void *arg)
{
	const struct ml_obj *o = arg;
	uint64_t x = ml_obj_symbol_value(o, &o->syms[*(const uint32_t *)a]);
	uint64_t y = ml_obj_symbol_value(o, &o->syms[*(const uint32_t *)b]);

	return x < y ? -1 : x > y;
}

/* kallsyms: by address, then by name. */
static int cmp_addr_name(const void *a, const void *b, void *arg)
{
	const struct ml_obj *o = arg;
	int c = cmp_value(a, b, arg);

	return c ? c : strcmp(o->syms[*(const uint32_t *)a].name, o->syms[*(const uint32_t *)b].name);
}

/* A stable merge sort: symbol tables can be large. */
static void sort_by(uint32_t *v, size_t n, int (*cmp)(const void *, const void *, void *), void *arg)
{
	uint32_t *tmp;

	if (n < 2)
		return;
	tmp = ml_xmalloc(n * sizeof(*tmp));
	for (size_t w = 1; w < n; w *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * w) {
			size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
			size_t i = lo, j = mid, k = lo;

			while (i < mid && j < hi)
				tmp[k++] = cmp(&v[j], &v[i], arg) < 0 ? v[j++] : v[i++];
			while (i < mid)
				tmp[k++] = v[i++];
			while (j < hi)
				tmp[k++] = v[j++];
		}
		memcpy(v, tmp, n * sizeof(*v));
	}
	free(tmp);
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
	uint32_t *v;            /* the symbols, in hash order */
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

void ml_kallsyms_fill(struct ml_obj *o, int kasec)
{
	const struct ml_target *t = &o->tgt;
	struct ml_section *ks = o->secs[kasec];
	unsigned char *p = ks->data;
	struct ka_layout k;
	bool w64 = t->is64;
	unsigned ws = w64 ? 8 : 4;
	uint64_t secoff, symoff, stroff, str = 0, *secentry;
	uint64_t *name_off;
	size_t si = 0;
	uint64_t start = ~0ULL, end = 0;

	ka_measure(o, &k);
	secoff = k.hdr;
	symoff = secoff + k.nsec * k.sec;
	stroff = symoff + k.nsym * k.sym;
	memset(p, 0, ks->size);
	secentry = ml_xcalloc(o->nsecs + 1, sizeof(*secentry));
	for (size_t i = 0; i < o->nsecs; i++) {
		const struct ml_section *s = o->secs[i];
		unsigned char *e = p + secoff + si * k.sec;
		size_t nl = strlen(s->name) + 1;

		if (!s->load)
			continue;
		secentry[i] = si * k.sec;
		ml_putword(t, e, s->addr);
		ml_put32(t, e + ws, (uint32_t)s->size);
		ml_putword(t, e + (w64 ? 16 : 8), str);
		ml_put32(t, e + (w64 ? 24 : 12), (uint32_t)s->flags);
		memcpy(p + stroff + str, s->name, nl);
		str += nl;
		si++;
		if (s->addr < start)
			start = s->addr;
		if (s->addr + s->size > end)
			end = s->addr + s->size;
	}
	/* The names go in hash order; the entries are then sorted. */
	name_off = ml_xcalloc(o->nsyms + 1, sizeof(*name_off));
	for (size_t i = 0; i < k.nsym; i++) {
		const char *nm = o->syms[k.v[i]].name;
		size_t nl = strlen(nm) + 1;

		name_off[k.v[i]] = str;
		memcpy(p + stroff + str, nm, nl);
		str += nl;
	}
	sort_by(k.v, k.nsym, cmp_addr_name, o);
	for (size_t i = 0; i < k.nsym; i++) {
		const struct ml_symbol *s = &o->syms[k.v[i]];
		unsigned char *e = p + symoff + i * k.sym;

		ml_putword(t, e, secentry[s->sec]);
		ml_putword(t, e + ws, ml_obj_symbol_value(o, s));
		ml_putword(t, e + 2 * ws, name_off[k.v[i]]);
	}
	/* header */
	ml_put32(t, p + 0, k.hdr);
	ml_put32(t, p + 4, (uint32_t)ks->size);
	ml_put32(t, p + 8, (uint32_t)si);
	if (w64) {
		ml_put64(t, p + 16, secoff);
		ml_put32(t, p + 24, k.sec);
		ml_put32(t, p + 28, (uint32_t)k.nsym);
		ml_put64(t, p + 32, symoff);
		ml_put32(t, p + 40, k.sym);
		ml_put64(t, p + 48, stroff);
		ml_put64(t, p + 56, start);
		ml_put64(t, p + 64, end);
	} else {
		ml_put32(t, p + 12, (uint32_t)secoff);
		ml_put32(t, p + 16, k.sec);
		ml_put32(t, p + 20, (uint32_t)k.nsym);
		ml_put32(t, p + 24, (uint32_t)symoff);
		ml_put32(t, p + 28, k.sym);
		ml_put32(t, p + 32, (uint32_t)stroff);
		ml_put32(t, p + 36, (uint32_t)start);
		ml_put32(t, p + 40, (uint32_t)end);
	}
	free(k.v);
	free(name_off);
	free(secentry);
}

/* ---- __archdata ---- */

/*
 * modutils gives every module an __archdata section, 16-aligned, on every
 * CPU: empty, but where the CPU has arch data (MIPS __dbe_table, PPC
 * __ftr_fixup) and the module has that section, the two words { start,
 * end } of it.  struct module points at it only when it is not empty.
 */
int ml_archdata_reserve(struct ml_obj *o)
{
	const char *name = o->arch->archdata_section;
	int sec = ml_obj_find_section(o, "__archdata");

	if (sec < 0 || !o->secs[sec]->load)
		sec = (int)ml_obj_add_section(o, "__archdata", SHT_PROGBITS, SHF_ALLOC, 16, 0);
	if (name && ml_obj_find_section(o, name) >= 0 && o->secs[sec]->size < 2 * ml_wordsize(&o->tgt))
		ml_obj_extend_section(o, (size_t)sec, 2 * ml_wordsize(&o->tgt) - o->secs[sec]->size);
	return sec;
}

void ml_archdata_fill(struct ml_obj *o, int adsec)
{
	const char *name = o->arch->archdata_section;
	int from = name ? ml_obj_find_section(o, name) : -1;
	unsigned char *p = o->secs[adsec]->data;

	if (from < 0 || o->secs[adsec]->size < 2 * ml_wordsize(&o->tgt))
		return;
	ml_putword(&o->tgt, p, o->secs[from]->addr);
	ml_putword(&o->tgt, p + ml_wordsize(&o->tgt), o->secs[from]->addr + o->secs[from]->size);
}

/* ---- struct module ---- */

static uint64_t sym_final(const struct ml_obj *o, const char *name)
{
	long s = ml_obj_find_symbol(o, name);

	if (s < 0) {
		/* init_module/cleanup_module were hidden (made local): search all. */
		for (size_t i = 1; i < o->nsyms; i++)
			if (!strcmp(o->syms[i].name, name) && o->syms[i].sec >= 0 &&
			    o->syms[i].type != STT_SECTION)
				return ml_obj_symbol_value(o, &o->syms[i]);
		return 0;
	}
	return o->syms[s].sec == ML_SEC_UNDEF ? 0 : ml_obj_symbol_value(o, &o->syms[s]);
}

static void section_range(const struct ml_obj *o, const char *secname, uint64_t *start,
			  uint64_t *end, bool even_empty)
{
	int sec = ml_obj_find_section(o, secname);

	if (sec < 0 || !o->secs[sec]->load || (!even_empty && !o->secs[sec]->size))
		return;
	*start = o->secs[sec]->addr;
	*end = o->secs[sec]->addr + o->secs[sec]->size;
}

void ml_fill_module(struct ml_obj *o, size_t ndeps, bool autoclean)
{
	const struct ml_target *t = &o->tgt;
	unsigned char *m = o->secs[o->this_sec]->data;
	unsigned ws = ml_wordsize(t);
	struct ml_module_hdr h;
	int sec;

	/* The name pointer was patched during relocation: keep it. */
	ml_module_header_read(t, m, &h);
	h.size_of_struct = ml_module_struct_size(t);
	h.size = o->size;
	h.flags = autoclean ? ML_MOD_AUTOCLEAN : 0;
	sec = ml_obj_find_section(o, "__ksymtab");
	if (sec >= 0 && o->secs[sec]->load && o->secs[sec]->size) {
		h.syms = o->secs[sec]->addr;
		h.nsyms = (uint32_t)(o->secs[sec]->size / (2 * ws));
	}
	sec = ml_obj_find_section(o, ".kmodtab");
	if (sec >= 0 && ndeps) {
		h.deps = o->secs[sec]->addr;
		h.ndeps = (uint32_t)ndeps;
	}
	h.init = sym_final(o, "init_module");
	h.cleanup = sym_final(o, "cleanup_module");
	section_range(o, "__ex_table", &h.ex_table_start, &h.ex_table_end, true);
	for (int i = 0; i < 2; i++) {
		sec = ml_obj_find_section(o, i ? ".data.init" : ".text.init");
		if (sec >= 0 && o->secs[sec]->load) {
			uint64_t r = o->secs[sec]->addr - o->base;

			if (!h.runsize || r < h.runsize)
				h.runsize = r;
		}
	}
	section_range(o, "__kallsyms", &h.kallsyms_start, &h.kallsyms_end, false);
	section_range(o, "__archdata", &h.archdata_start, &h.archdata_end, false);
	ml_module_header_write(t, &h, m);
}

unsigned char *ml_build_image(const struct ml_obj *o)
{
	unsigned char *img = ml_xcalloc(1, o->size);

	for (size_t i = 0; i < o->norder; i++) {
		const struct ml_section *s = o->secs[o->order[i]];

		if (s->size)
			memcpy(img + s->offset, s->data, s->size);
	}
	return img;
}

/* pwrite all of it, or an errno. */
static int pwrite_all(int fd, const unsigned char *p, uint64_t n, uint64_t off)
{
	uint64_t done = 0;

	while (done < n) {
		ssize_t w = pwrite(fd, p + done, n - done, (off_t)(off + done));

		if (w > 0)
			done += (uint64_t)w;
		else if (w == 0 || errno != EINTR)
			return w ? errno : EIO;
	}
	return 0;
}

/* The sections into fd at their offsets, the gaps left as holes (they read as zeros). */
static int write_sections(const struct ml_obj *o, int fd)
{
	int err = 0;

	for (size_t i = 0; i < o->norder && !err; i++) {
		const struct ml_section *s = o->secs[o->order[i]];

		if (s->size)
			err = pwrite_all(fd, s->data, s->size, s->offset);
	}
	if (!err && ftruncate(fd, (off_t)o->size))
		err = errno;
	return err;
}

/*
 * The same image written straight to a file: the staged buffer
 * (ml_image_stage) in one call, else each section at its offset.  No copy
 * of the whole image is made, which matters for a module of tens of
 * megabytes.
 */
int ml_write_image(const struct ml_obj *o, const char *path, struct ml_diags *d)
{
	struct stat in, out;
	int fd, err;

	/* The module's own file may be mapped: truncating it would pull its pages away. */
	if (!stat(o->path, &in) && !stat(path, &out) && in.st_dev == out.st_dev && in.st_ino == out.st_ino) {
		ml_err(d, NULL, "cannot write the image to %s: it is the module being read", path);
		return -EINVAL;
	}
	if (o->out_map) {
		err = -ml_write_whole(path, o->out_map, o->size);
	} else {
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		err = fd < 0 ? errno : write_sections(o, fd);
		if (fd >= 0 && close(fd) && !err)
			err = errno;
	}
	if (err) {
		ml_err(d, NULL, "cannot write %s: %s", path, strerror(err));
		return -err;
	}
	return 0;
}

/*
 * Memory for a staged image of size bytes (*len: what to unmap).  Small
 * ones are populated at once; from a few huge pages on, the mapping is
 * aligned to them and the kernel asked for transparent huge pages, so an
 * image of tens of megabytes costs a handful of page allocations, not
 * thousands (where THP is off this is an ordinary mapping).
 */
#define ML_HUGE (2ULL << 20)
static unsigned char *stage_alloc(uint64_t size, size_t *len)
{
	unsigned char *p;

	if (size < 2 * ML_HUGE) {
		*len = size;
		p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		return p == MAP_FAILED ? NULL : p;
	}
	size_t want = (size + ML_HUGE - 1) & ~(ML_HUGE - 1), head;

	p = mmap(NULL, want + ML_HUGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	head = (size_t)(((uintptr_t)p + ML_HUGE - 1) & ~(uintptr_t)(ML_HUGE - 1)) - (size_t)(uintptr_t)p;
	if (head)
		munmap(p, head);
	if (ML_HUGE - head)
		munmap(p + head + want, ML_HUGE - head);
	p += head;
#ifdef MADV_HUGEPAGE
	madvise(p, want, MADV_HUGEPAGE);
#endif
	*len = want;
	return p;
}

int ml_image_stage(struct ml_obj *o, struct ml_diags *d)
{
	unsigned char *img;
	int srcfd = -1, err = 0;

	if (!o->size)
		return 0;
	img = stage_alloc(o->size, &o->out_len);
	if (!img) {
		ml_err(d, NULL, "%s: cannot allocate a %" PRIu64 "-byte image: %s", o->fname, o->size, strerror(errno));
		return -ENOMEM;
	}
	if (o->file_mapped)
		srcfd = open(o->path, O_RDONLY | O_CLOEXEC);
	for (size_t i = 0; i < o->norder; i++) {
		struct ml_section *s = o->secs[o->order[i]];
		uint64_t done = 0;

		/* A section still in the file's mapping is read from the file. */
		if (srcfd >= 0 && s->borrowed && s->size && s->data >= o->file &&
		    s->data + s->size <= o->file + o->filelen) {
			off_t at = (off_t)(s->data - o->file);

			while (done < s->size) {
				ssize_t r = pread(srcfd, img + s->offset + done, s->size - done, at + (off_t)done);

				if (r <= 0 && !(r < 0 && errno == EINTR))
					break; /* copy what is left from memory */
				if (r > 0)
					done += (uint64_t)r;
			}
		}
		if (done < s->size && s->type != SHT_NOBITS)
			memcpy(img + s->offset + done, s->data + done, s->size - done);
		if (!s->borrowed)
			free(s->data);
		s->data = img + s->offset;
		s->borrowed = true;
	}
	if (srcfd >= 0)
		close(srcfd);
	o->out_map = img;
	return err;
}

/* ---- load map (-m) ---- */

static int log2u(uint64_t a)
{
	int n = 0;

	while (a > 1) {
		a >>= 1;
		n++;
	}
	return n;
}

static char nm_type(const struct ml_obj *o, const struct ml_symbol *s)
{
	char c;

	if (s->sec == ML_SEC_ABS) {
		c = 'a';
	} else {
		const struct ml_section *sec = o->secs[s->sec];

		if (sec->flags & SHF_EXECINSTR)
			c = 't';
		else if (!(sec->flags & SHF_WRITE))
			c = 'r';
		else if (sec->prio && ((sec->prio - 1) & 4) == 0)
			c = 'b'; /* was NOBITS when loaded */
		else
			c = 'd';
	}
	return s->bind == STB_LOCAL ? c : (char)toupper((unsigned char)c);
}

/* The section lines: load order, then sections placed outside the image. */
static void map_sections(const struct ml_obj *o, struct ml_buf *b, int w)
{
	ml_buf_printf(b, "Sections:       Size      %-*s  Align\n", w, "Address");
	for (size_t i = 0; i < o->norder; i++) {
		const struct ml_section *s = o->secs[o->order[i]];

		ml_buf_printf(b, "%-15s %08" PRIx64 "  %0*" PRIx64 "  2**%d\n", s->name, s->size, w,
			      s->addr, log2u(s->align));
	}
}

void ml_write_map(const struct ml_obj *o, struct ml_buf *b)
{
	int w = (int)(2 * ml_wordsize(&o->tgt));
	uint32_t *v;
	size_t n = 0;

	map_sections(o, b, w);
	/* Sections placed outside the image (a modern module's per-CPU data). */
	for (size_t i = 0; i < o->nsecs; i++) {
		const struct ml_section *s = o->secs[i];

		if (!s->load && s->addr)
			ml_buf_printf(b, "%-15s %08" PRIx64 "  %0*" PRIx64 "  2**%d\n", s->name, s->size, w,
				      s->addr, log2u(s->align));
	}
	v = ml_xmalloc((o->nsyms + 1) * sizeof(*v));
	for (size_t i = 1; i < o->nsyms; i++) {
		const struct ml_symbol *s = &o->syms[i];

		if (!*s->name || s->type == STT_SECTION || s->type == STT_FILE || mapping_symbol(s))
			continue;
		if (s->bind != STB_LOCAL && ml_obj_find_symbol(o, s->name) != (long)i)
			continue;
		if (s->sec == ML_SEC_ABS || (s->sec >= 0 && (o->secs[s->sec]->load || o->secs[s->sec]->addr)))
			v[n++] = (uint32_t)i;
	}
	sort_by(v, n, cmp_addr, (void *)o);
	ml_buf_printf(b, "\nSymbols:\n");
	for (size_t i = 0; i < n; i++) {
		const struct ml_symbol *s = &o->syms[v[i]];

		ml_buf_printf(b, "%0*" PRIx64 " %c %s\n", w, ml_obj_symbol_value(o, s), nm_type(o, s),
			      s->name);
	}
	free(v);
}

/*
 * A 2.4 module's map, as modutils' insmod -m prints it: every entry of
 * its symbol hash (ml_obj_mu_walk) in an allocated section or absolute --
 * file names, section symbols and the first of each local name included
 * -- sorted by address with a stable sort, so equal addresses keep the
 * hash's order.  Types: A absolute (a weak undefined symbol is absolute 0
 * by then), T code, D writable (.bss included: it is data by then), R
 * read-only; lower case for locals.
 */
static char mu_type(const struct ml_obj *o, const struct ml_symbol *s)
{
	char c = 'A';

	if (s->sec >= 0) {
		const struct ml_section *sec = o->secs[s->sec];

		c = sec->flags & SHF_EXECINSTR ? 'T' : sec->flags & SHF_WRITE ? 'D' : 'R';
	}
	return s->bind == STB_LOCAL ? (char)tolower((unsigned char)c) : c;
}

void ml_write_map24(const struct ml_obj *o, struct ml_buf *b)
{
	int w = (int)(2 * ml_wordsize(&o->tgt));
	uint32_t *v;
	size_t n = ml_obj_mu_walk(o, &v), k = 0;

	map_sections(o, b, w);
	for (size_t i = 0; i < n; i++) {
		const struct ml_symbol *s = &o->syms[v[i]];

		if (s->sec == ML_SEC_ABS || s->weak_zero || (s->sec >= 0 && o->secs[s->sec]->load))
			v[k++] = v[i];
	}
	sort_by(v, k, cmp_value, (void *)o);
	ml_buf_printf(b, "\nSymbols:\n");
	for (size_t i = 0; i < k; i++) {
		const struct ml_symbol *s = &o->syms[v[i]];

		ml_buf_printf(b, "%0*" PRIx64 " %c %s\n", w, ml_obj_symbol_value(o, s), mu_type(o, s), s->name);
	}
	free(v);
}
