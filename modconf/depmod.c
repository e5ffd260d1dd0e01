// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * depmod's core: which module needs which.
 *
 * Each object is read with the loader.  What it offers: with a __ksymtab section (2.2
 * and later, EXPORT_SYMBOL), the names of the __ksymtab_NAME symbols in it (an empty
 * one, EXPORT_NO_SYMBOLS, offers nothing); without one, a 2.2/2.4 object (.modinfo or
 * __this_module) offers its global symbols, as insmod exports them; a 2.0 object every
 * symbol it defines.  What it needs: every undefined, non-weak symbol a relocation
 * refers to.
 *
 * A need is met by the kernel first, then by the first module (in scan order) that
 * offers the name; the module that meets it becomes a dependency.  Names are compared
 * as insmod compares them (ml_ksymtab_lookup): exactly, and when the kernel symbols
 * carry no CRCs (System.map, kallsyms) or the module and the kernel disagree about
 * versioning, also without the _R[prefix]<crc> suffix.  What nothing meets is
 * reported as unresolved.
 *
 * Device tables (MODULE_DEVICE_TABLE: __module_<type>_table pointing at an array of
 * <type>_id structures, __module_<type>_size giving their size) are read, as modutils
 * did, from a pseudo-relocated image: undefined symbols count as 0, the image sits at
 * 0x1000, and the arrays are decoded in the module's own word size and byte order.
 */
#include "modconf/modconf-int.h"
#include "kernel/kernel.h"

#include <ctype.h>
#include <elf.h>
#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>

#define PSEUDO_BASE 0x1000

void ml_depmod_init(struct ml_depmod *dm)
{
	memset(dm, 0, sizeof(*dm));
	ml_ksymtab_init(&dm->kernel);
}

void ml_depmod_free(struct ml_depmod *dm)
{
	for (size_t i = 0; i < dm->n; i++) {
		struct ml_depmod_mod *m = &dm->v[i];

		free(m->path);
		ml_words_free(&m->exports);
		ml_words_free(&m->undefs);
		ml_words_free(&m->unresolved);
		for (int j = 0; j < ML_GEN_COUNT; j++)
			ml_words_free(&m->maps[j]);
		free(m->deps);
	}
	free(dm->v);
	ml_ksymtab_free(&dm->kernel);
	ml_words_free(&dm->loops);
	memset(dm, 0, sizeof(*dm));
}

/* insmod's helpers give every module these two. */
static void kernel_fakes(struct ml_depmod *dm)
{
	ml_ksymtab_add(&dm->kernel, "mod_use_count_", 0, NULL);
	ml_ksymtab_add(&dm->kernel, "__this_module", 0, NULL);
	dm->kernel_crcs = ml_kernel_uses_crcs(&dm->kernel);
}

/* A word of a symbol file line; a CR (a copy made on another system) is blank too. */
static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static char *tok(char **p)
{
	char *s = *p, *start;

	while (blank(*s))
		s++;
	if (!*s)
		return NULL;
	start = s;
	while (*s && !blank(*s))
		s++;
	if (*s)
		*s++ = 0;
	*p = s;
	return start;
}

/* An address column: hex digits only (System.map, /proc/ksyms, kallsyms all agree). */
static bool hexword(const char *s)
{
	size_t n = strspn(s, "0123456789abcdefABCDEF");

	return n && !s[n];
}

/* A System.map name that is an export: __kstrtab_NAME (and sparc's spellings). */
static const char *map_export(char *name)
{
	if (!strncmp(name, "__kstrtab___dot_", 16)) {
		name += 15;
		*name = '.';
		return name;
	}
	if (!strncmp(name, "__kstrtab___sparc_dot_", 22)) {
		name += 21;
		*name = '.';
		return name;
	}
	if (!strncmp(name, "__kstrtab_", 10))
		return name + 10;
	if (!strncmp(name, "__export_priv_", 14)) {
		name += 12;
		*name = '_';
		return name;
	}
	return NULL;
}

int ml_depmod_kernel_file(struct ml_depmod *dm, const char *path, struct ml_diags *d)
{
	unsigned char *data;
	size_t len;
	int err = ml_read_file(path, &data, &len, d), map = -1;
	size_t found = 0, lines = 0;
	char *text, *save = NULL;

	if (err)
		return err;
	text = ml_xstrndup((const char *)data, len);
	free(data);
	for (char *line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *p = line, *a, *b, *c;
		const char *name;

		if (strchr(line, '['))
			continue; /* a module's symbol */
		a = blank(*line) ? NULL : tok(&p);
		b = tok(&p);
		if (a || b)
			lines++;
		if (!b || (a && !hexword(a)))
			continue; /* not a symbol line (modutils took any first word) */
		c = tok(&p);
		if (map < 0)
			map = strlen(b) == 1 && c; /* the first symbol line decides the format */
		if (map) {
			if (strlen(b) != 1 || !c || !(name = map_export(c)))
				continue;
		} else {
			if (c)
				continue;
			name = b;
		}
		ml_ksymtab_add(&dm->kernel, name, 0, NULL);
		found++;
	}
	free(text);
	if (!lines) {
		ml_err(d, NULL, "premature EOF on %s", path);
		return -EINVAL;
	}
	if (!found) {
		/* every module would be reported unresolved: say what is wrong instead */
		ml_err(d, NULL,
		       "%s: no exported kernel symbols (a 2.2/2.4 System.map names them __kstrtab_NAME; a /proc/ksyms copy has one per line)",
		       path);
		return -EINVAL;
	}
	if (map)
		dm->kernel.nocrc_source = true;
	else
		dm->kernel.crc_source = true;
	kernel_fakes(dm);
	return 0;
}

int ml_depmod_kernel(struct ml_depmod *dm, struct ml_kernel *k, struct ml_diags *d)
{
	struct ml_ksymtab t;
	int err;

	ml_ksymtab_init(&t);
	err = ml_kernel_get_symbols(k, &t, d);
	/* the kernel's own exports; loaded modules are silently left out */
	for (size_t i = 0; !err && i < t.n; i++)
		if (t.v[i].mod < 0) {
			char *n = t.v[i].gplonly ? ml_xasprintf("GPLONLY_%s", t.v[i].name)
						 : ml_xstrdup(t.v[i].name);

			ml_ksymtab_add(&dm->kernel, n, t.v[i].value, NULL);
			free(n);
		}
	ml_ksymtab_free(&t);
	dm->kernel.crc_source = true;
	kernel_fakes(dm);
	return err;
}

/* ---- one object ---- */

static bool canonical(const struct ml_obj *o, size_t i)
{
	return ml_obj_find_symbol(o, o->syms[i].name) == (long)i;
}

static void collect_symbols(struct ml_depmod_mod *m, struct ml_obj *o)
{
	int ksymtab = ml_obj_find_section(o, "__ksymtab");
	bool is22 = ksymtab >= 0 || o->has_modinfo ||
		    ml_obj_find_symbol(o, "__this_module") >= 0;
	bool *refd = ml_xcalloc(o->nsyms ? o->nsyms : 1, sizeof(*refd));

	for (size_t i = 0; i < o->nsecs; i++)
		for (size_t j = 0; j < o->secs[i]->nrels; j++) {
			const struct ml_reloc *r = &o->secs[i]->rels[j];
			long s = r->sym;

			if (!r->type || s <= 0)
				continue;
			if (o->syms[s].bind != STB_LOCAL && *o->syms[s].name)
				s = ml_obj_find_symbol(o, o->syms[s].name);
			if (s > 0)
				refd[s] = true;
		}
	for (size_t i = 1; i < o->nsyms; i++) {
		const struct ml_symbol *s = &o->syms[i];

		if (!*s->name || s->type == STT_SECTION || s->type == STT_FILE)
			continue;
		if (s->sec == ML_SEC_UNDEF) {
			if (s->bind != STB_WEAK && s->bind != STB_LOCAL && refd[i] &&
			    canonical(o, i) && !ml_words_has(&m->undefs, s->name))
				ml_words_add(&m->undefs, s->name);
			continue;
		}
		if (ksymtab >= 0) {
			if (s->sec == ksymtab && s->bind == STB_GLOBAL &&
			    !strncmp(s->name, "__ksymtab_", 10))
				ml_words_add(&m->exports, s->name + 10);
		} else if (is22) {
			if (s->bind == STB_GLOBAL && canonical(o, i))
				ml_words_add(&m->exports, s->name);
		} else if (s->sec >= 0) {
			ml_words_add(&m->exports, s->name);
		}
	}
	free(refd);
}

/* .modstring: generic strings, NUL-separated; not kept by the loader, read here. */
static void generic_strings(struct ml_depmod_mod *m, const struct ml_obj *o,
			    const char *sn, struct ml_diags *d)
{
	Elf *elf;
	Elf_Scn *scn = NULL;
	size_t shstrndx;

	elf_version(EV_CURRENT);
	elf = elf_memory((char *)o->file, o->filelen);
	if (!elf)
		return;
	if (elf_getshdrstrndx(elf, &shstrndx) == 0) {
		while ((scn = elf_nextscn(elf, scn))) {
			GElf_Shdr sh;
			const char *name;
			Elf_Data *data;

			if (!gelf_getshdr(scn, &sh) || sh.sh_type == SHT_NOBITS)
				continue;
			name = elf_strptr(elf, shstrndx, sh.sh_name);
			if (!name || strcmp(name, ".modstring"))
				continue;
			data = elf_rawdata(scn, NULL);
			if (!data || !data->d_buf)
				break;
			const char *p = data->d_buf, *end = p + data->d_size;

			while (p < end) {
				const char *z = memchr(p, 0, (size_t)(end - p));

				if (!z) {
					ml_err(d, o->fname,
					       "unterminated generic string '%.*s'",
					       (int)(end - p), p);
					break;
				}
				if (z > p) {
					char *line = ml_xasprintf("%-20s %s\n", sn, p);

					ml_words_add(&m->maps[ML_GEN_GENERIC_STRING],
						     line);
					free(line);
				}
				p = z + 1;
			}
			break;
		}
	}
	elf_end(elf);
}

/* The bytes at image address a, n of them, or NULL if outside every loaded section. */
static const unsigned char *at(const struct ml_obj *o, uint64_t a, uint64_t n)
{
	for (size_t i = 0; i < o->nsecs; i++) {
		const struct ml_section *s = o->secs[i];

		if (!s->load || !s->data || a < s->addr || n > s->size ||
		    a - s->addr > s->size - n)
			continue;
		return s->data + (a - s->addr);
	}
	return NULL;
}

/* Device tables: the field sizes of each <type>_id (0 = an unsigned long/pointer). */
struct table {
	const char *type;
	enum ml_genfile file;
	unsigned char fields[24];
	size_t nfields;
};

static const struct table tables[] = {
	{ "pci_device", ML_GEN_PCIMAP, { 4, 4, 4, 4, 4, 4, 0 }, 7 },
	{ "isapnp_device", ML_GEN_ISAPNPMAP, { 2, 2, 2, 2, 0 }, 5 },
	{ "isapnp_card",
	  ML_GEN_ISAPNPMAP,
	  { 0, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2 },
	  19 },
	{ "usb_device", ML_GEN_USBMAP, { 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 0 }, 12 },
	{ "parport_device", ML_GEN_PARPORTMAP, { 0 }, 1 },
	{ "ieee1394_device", ML_GEN_IEEE1394MAP, { 4, 4, 4, 4, 4, 0 }, 6 },
	{ "pnpbios_device", ML_GEN_PNPBIOSMAP, { 1, 1, 1, 1, 1, 1, 1, 1, 0 }, 9 },
};

static const char has_kernel_changed[] =
	"\n\tIt is likely that the kernel structure has changed, if so then\n\tyou probably need a new version of modutils to handle this kernel.\n\tCheck linux/Documentation/Changes.";

static uint64_t struct_layout(const struct table *t, unsigned ws, uint64_t *off)
{
	uint64_t o = 0, maxal = 1;

	for (size_t i = 0; i < t->nfields; i++) {
		unsigned sz = t->fields[i] ? t->fields[i] : ws;

		o = (o + sz - 1) & ~(uint64_t)(sz - 1);
		off[i] = o;
		o += sz;
		if (sz > maxal)
			maxal = sz;
	}
	return (o + maxal - 1) & ~(maxal - 1);
}

static bool table_end(const struct table *t, const uint64_t *v)
{
	switch (t->file) {
	case ML_GEN_USBMAP: return !v[1] && !v[5] && !v[8] && !v[11];
	case ML_GEN_ISAPNPMAP: return t->fields[0] == 0 ? !v[1] : !v[0];
	default: return !v[0];
	}
}

static void table_line(const struct table *t, const struct ml_obj *o, const char *sn,
		       const uint64_t *v, struct ml_buf *b)
{
	int w = (int)(2 * ml_wordsize(&o->tgt));

	switch (t->file) {
	case ML_GEN_PCIMAP:
		ml_buf_printf(
			b, "%-20s 0x%08x 0x%08x 0x%08x 0x%08x 0x%08x 0x%08x 0x%0*llx\n",
			sn, (unsigned)v[0], (unsigned)v[1], (unsigned)v[2],
			(unsigned)v[3], (unsigned)v[4], (unsigned)v[5], w,
			(unsigned long long)v[6]);
		break;
	case ML_GEN_ISAPNPMAP:
		if (t->fields[0]) {
			ml_buf_printf(
				b,
				"%-20s 0x%04x     0x%04x     0x%0*llx  0x%04x     0x%04x\n",
				sn, (unsigned)v[0], (unsigned)v[1], w,
				(unsigned long long)v[4], (unsigned)v[2], (unsigned)v[3]);
			break;
		}
		ml_buf_printf(b, "%-20s 0x%04x     0x%04x     0x%0*llx ", sn,
			      (unsigned)v[1], (unsigned)v[2], w,
			      (unsigned long long)v[0]);
		for (size_t i = 0; i < 8; i++)
			if (v[3 + 2 * i])
				ml_buf_printf(b, " 0x%04x     0x%04x    ",
					      (unsigned)v[3 + 2 * i],
					      (unsigned)v[4 + 2 * i]);
		ml_buf_printf(b, "\n");
		break;
	case ML_GEN_USBMAP:
		ml_buf_printf(
			b,
			"%-20s 0x%04x      0x%04x   0x%04x    0x%04x       0x%04x       0x%02x         0x%02x            0x%02x            0x%02x            0x%02x               0x%02x               0x%0*llx\n",
			sn, (unsigned)v[0], (unsigned)v[1], (unsigned)v[2],
			(unsigned)v[3], (unsigned)v[4], (unsigned)v[5], (unsigned)v[6],
			(unsigned)v[7], (unsigned)v[8], (unsigned)v[9], (unsigned)v[10],
			w, (unsigned long long)v[11]);
		break;
	case ML_GEN_PARPORTMAP: {
		const unsigned char *s = at(o, v[0], 1);
		size_t n = 0;

		if (s)
			while (at(o, v[0] + n, 1) && s[n])
				n++;
		ml_buf_printf(b, "%-20s %.*s\n", sn, (int)(s ? n : 26),
			      s ? (const char *)s : "Start address of out range");
		break;
	}
	case ML_GEN_IEEE1394MAP:
		ml_buf_printf(b, "%-20s 0x%08x  0x%06x  0x%06x 0x%06x     0x%06x\n", sn,
			      (unsigned)v[0], (unsigned)v[1], (unsigned)v[2],
			      (unsigned)v[3], (unsigned)v[4]);
		break;
	case ML_GEN_PNPBIOSMAP: {
		char id[9];

		for (int i = 0; i < 8; i++)
			id[i] = (char)v[i];
		id[8] = 0;
		ml_buf_printf(b, "%-20s %s\n", sn, id);
		break;
	}
	default: break;
	}
}

/* The word a (local or global) symbol's value points at, in the pseudo image. */
static bool symbol_word(const struct ml_obj *o, const char *name, uint64_t *v)
{
	long s = ml_obj_find_symbol(o, name);
	const unsigned char *p;

	if (s < 0 || o->syms[s].sec < 0)
		return false;
	p = at(o, ml_obj_symbol_value(o, &o->syms[s]), ml_wordsize(&o->tgt));
	if (!p)
		return false;
	*v = ml_getword(&o->tgt, p);
	return true;
}

static void extract_table(struct ml_depmod_mod *m, const struct ml_obj *o, const char *sn,
			  const struct table *t, struct ml_diags *d)
{
	char *tn = ml_xasprintf("__module_%s_table", t->type);
	char *zn = ml_xasprintf("__module_%s_size", t->type);
	unsigned ws = ml_wordsize(&o->tgt);
	uint64_t off[24], size, given, addr;
	struct ml_buf b = { 0 };

	size = struct_layout(t, ws, off);
	if (!symbol_word(o, tn, &addr))
		goto out;
	if (symbol_word(o, zn, &given) && given != size) {
		ml_err(d, NULL, "Unexpected value (%llu) in '%s' for %s_size%s",
		       (unsigned long long)given, o->fname, t->type, has_kernel_changed);
		goto out;
	}
	for (unsigned n = 0; n < 100000; n++, addr += size) {
		const unsigned char *p = at(o, addr, size);
		uint64_t v[24];

		if (!p)
			break;
		for (size_t i = 0; i < t->nfields; i++)
			v[i] = ml_getn(&o->tgt, p + off[i],
				       t->fields[i] ? t->fields[i] : ws);
		if (table_end(t, v))
			break;
		b.len = 0;
		table_line(t, o, sn, v, &b);
		ml_buf_add(&b, "", 1);
		ml_words_add(&m->maps[t->file], b.p);
	}
out:
	ml_buf_free(&b);
	free(tn);
	free(zn);
}

static void device_tables(struct ml_depmod_mod *m, struct ml_obj *o, struct ml_diags *d)
{
	char *sn = ml_modname(m->path);
	bool any = false;
	struct ml_diags quiet = { 0 };

	generic_strings(m, o, sn, d);
	for (size_t i = 0; i < ML_ARRAY_SIZE(tables); i++) {
		char *tn = ml_xasprintf("__module_%s_table", tables[i].type);

		any = any || ml_obj_find_symbol(o, tn) >= 0;
		free(tn);
	}
	if (!any)
		goto out;
	/* modutils' pseudo relocation: undefined symbols are 0, the image at 0x1000 */
	for (size_t i = 1; i < o->nsyms; i++)
		if (o->syms[i].sec == ML_SEC_UNDEF) {
			o->syms[i].sec = ML_SEC_ABS;
			o->syms[i].value = 0;
		}
	if (ml_size_stubs(o, &quiet))
		goto fail;
	ml_allocate_commons(o);
	ml_layout(o);
	ml_set_base(o, PSEUDO_BASE);
	if (ml_relocate(o, NULL, &quiet))
		goto fail;
	for (size_t i = 0; i < ML_ARRAY_SIZE(tables); i++)
		extract_table(m, o, sn, &tables[i], d);
	goto out;
fail:
	ml_err(d, NULL, "%s: depmod obj_relocate failed", m->path);
out:
	ml_diags_free(&quiet);
	free(sn);
}

int ml_depmod_add(struct ml_depmod *dm, const char *path, struct ml_diags *d)
{
	struct ml_depmod_mod *m;
	struct ml_obj *o;
	int err;

	dm->v = ml_xrealloc(dm->v, (dm->n + 1) * sizeof(*dm->v));
	m = &dm->v[dm->n++];
	memset(m, 0, sizeof(*m));
	m->path = ml_xstrdup(path);
	err = ml_obj_load(path, &o, d);
	if (err)
		return err;
	m->loaded = true;
	m->crcs = ml_module_uses_crcs(o);
	collect_symbols(m, o);
	device_tables(m, o, d);
	ml_obj_free(o);
	return 0;
}

/* ---- resolution ---- */

/* The genksyms prefix of a versioned name ("smp_" of foo_Rsmp_12345678), or NULL. */
static char *name_prefix(const char *name)
{
	const char *r = NULL, *p = name;
	size_t tail;

	while ((p = strstr(p, "_R"))) {
		r = p;
		p += 2;
	}
	if (!r)
		return NULL;
	tail = strlen(r + 2);
	if (tail < 8)
		return NULL;
	for (size_t i = tail - 8; i < tail; i++)
		if (!isxdigit((unsigned char)r[2 + i]))
			return NULL;
	return ml_xstrndup(r + 2, tail - 8);
}

static const struct ml_ksym *find(struct ml_ksymtab *t, const char *name, bool ncv,
				  const char *kprefix)
{
	struct ml_lookup lk = { .gpl = true, .prefix = "" };
	const struct ml_ksym *k = ml_ksymtab_lookup(t, name, &lk);
	char *pfx;

	if (k || !ncv)
		return k;
	pfx = name_prefix(name);
	lk.ncv = true;
	lk.prefix = pfx ? pfx : kprefix ? kprefix : "";
	k = ml_ksymtab_lookup(t, name, &lk);
	free(pfx);
	return k;
}

static void add_dep(struct ml_depmod_mod *m, size_t j)
{
	for (size_t i = 0; i < m->ndeps; i++)
		if (m->deps[i] == j)
			return;
	m->deps = ml_xrealloc(m->deps, (m->ndeps + 1) * sizeof(*m->deps));
	m->deps[m->ndeps++] = j;
}

/* Depth-first search; every edge back onto the path closes a loop. */
static void find_loops(struct ml_depmod *dm, size_t i, unsigned char *color,
		       size_t *stack, size_t depth)
{
	color[i] = 1;
	stack[depth] = i;
	for (size_t k = 0; k < dm->v[i].ndeps; k++) {
		size_t j = dm->v[i].deps[k];

		if (color[j] == 1) {
			struct ml_buf b = { 0 };
			size_t from = depth;

			while (stack[from] != j)
				from--;
			for (size_t s = from; s <= depth; s++)
				ml_buf_printf(&b, "%s -> ", dm->v[stack[s]].path);
			ml_buf_printf(&b, "%s", dm->v[j].path);
			ml_words_add(&dm->loops, b.p);
			ml_buf_free(&b);
		} else if (color[j] == 0) {
			find_loops(dm, j, color, stack, depth + 1);
		}
	}
	color[i] = 2;
}

void ml_depmod_resolve(struct ml_depmod *dm)
{
	struct ml_ksymtab mods;
	char *kprefix = ml_ksymtab_prefix(&dm->kernel);

	ml_ksymtab_init(&mods);
	/* module index i is the symbol table's module i */
	for (size_t i = 0; i < dm->n; i++)
		ml_ksymtab_module(&mods, dm->v[i].path);
	for (size_t i = 0; i < dm->n; i++)
		for (size_t j = 0; j < dm->v[i].exports.n; j++)
			ml_ksymtab_add(&mods, dm->v[i].exports.v[j], 0, dm->v[i].path);
	for (size_t i = 0; i < dm->n; i++) {
		struct ml_depmod_mod *m = &dm->v[i];
		bool ncv = dm->kernel.nocrc_source || m->crcs != dm->kernel_crcs;

		for (size_t j = 0; j < m->undefs.n; j++) {
			const char *name = m->undefs.v[j];
			const struct ml_ksym *k = find(&dm->kernel, name, ncv, kprefix);

			if (k)
				continue;
			k = find(&mods, name, ncv, kprefix);
			if (k && k->mod >= 0 && (size_t)k->mod != i)
				add_dep(m, (size_t)k->mod);
			else if (!k)
				ml_words_add(&m->unresolved, name);
		}
	}
	ml_ksymtab_free(&mods);
	free(kprefix);
	if (dm->n) {
		unsigned char *color = ml_xcalloc(dm->n, 1);
		size_t *stack = ml_xcalloc(dm->n, sizeof(*stack));

		for (size_t i = 0; i < dm->n; i++)
			if (!color[i])
				find_loops(dm, i, color, stack, 0);
		free(color);
		free(stack);
	}
}

static const char *const map_headers[ML_GEN_COUNT] = {
	[ML_GEN_GENERIC_STRING] = "# module             id=string\n",
	[ML_GEN_PCIMAP] =
		"# pci module         vendor     device     subvendor  subdevice  class      class_mask driver_data\n",
	[ML_GEN_ISAPNPMAP] =
		"# isapnp module      cardvendor carddevice driver_data vendor     function   ...\n",
	[ML_GEN_USBMAP] =
		"# usb module         match_flags idVendor idProduct bcdDevice_lo bcdDevice_hi bDeviceClass bDeviceSubClass bDeviceProtocol bInterfaceClass bInterfaceSubClass bInterfaceProtocol driver_info\n",
	[ML_GEN_PARPORTMAP] = "# module             pattern\n",
	[ML_GEN_IEEE1394MAP] =
		"# ieee1394 module    match_flags vendor_id model_id specifier_id version\n",
	[ML_GEN_PNPBIOSMAP] = "# module             id\n",
};

static const char *skipped(const char *p, size_t skip)
{
	return strlen(p) >= skip ? p + skip : p;
}

void ml_depmod_write(const struct ml_depmod *dm, enum ml_genfile which, size_t skip,
		     struct ml_buf *out)
{
	if (which != ML_GEN_DEP) {
		ml_buf_printf(out, "%s", map_headers[which]);
		for (size_t i = 0; i < dm->n; i++)
			for (size_t j = 0; j < dm->v[i].maps[which].n; j++)
				ml_buf_printf(out, "%s", dm->v[i].maps[which].v[j]);
		return;
	}
	for (size_t i = 0; i < dm->n; i++) {
		const struct ml_depmod_mod *m = &dm->v[i];
		const char **deps;

		if (!m->loaded)
			continue;
		deps = ml_xcalloc(m->ndeps + 1, sizeof(*deps));
		for (size_t j = 0; j < m->ndeps; j++)
			deps[j] = skipped(dm->v[m->deps[j]].path, skip);
		ml_depfile_format(out, skipped(m->path, skip), deps, m->ndeps);
		free(deps);
	}
}
