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
 * Kernel symbols come from the kernel (its own exports) or from a file (-F), read by
 * the symbol-file reader insmod uses; the device tables and map files are
 * devtables.c's.
 */
#include "modconf/modconf-int.h"
#include "kernel/kernel.h"

#include <ctype.h>
#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

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

/*
 * The entries of t that are the kernel's own (not a loaded module's) into dm->kernel:
 * what its modules can link against.  Returns how many.
 */
static size_t add_kernel_exports(struct ml_depmod *dm, const struct ml_ksymtab *t)
{
	size_t n = 0;

	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].mod < 0) {
			char *name = t->v[i].gplonly ? ml_xasprintf("GPLONLY_%s", t->v[i].name)
						     : ml_xstrdup(t->v[i].name);

			ml_ksymtab_add(&dm->kernel, name, t->v[i].value, NULL);
			free(name);
			n++;
		}
	return n;
}

enum { FORMAT_EMPTY = -1, FORMAT_NONE = -2 };

/* Blanks between the words of a symbol file's line; a CR (a copy made on another
 * system) is one too. */
static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/*
 * Which of its two formats a -F file is in; the file itself is then read by the
 * symbol-file reader every tool uses (symbols/sources.c).  The first line that reads
 * as one decides: "ADDR T NAME" is a System.map (or kallsyms copy), of which the
 * exports count; "ADDR NAME" a /proc/ksyms copy.  Lines naming a [module] decide
 * nothing.  FORMAT_EMPTY: no line has a word; FORMAT_NONE: no line reads as either.
 */
static int kernel_file_format(const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	int format = FORMAT_EMPTY;

	while (p < end) {
		const char *line = p, *le = memchr(p, '\n', (size_t)(end - p)), *s;
		size_t w[3] = { 0 }, nw = 0, hex = 0;

		le = le ? le : end;
		p = le + 1;
		if (memchr(line, '[', (size_t)(le - line)))
			continue; /* a module's symbol */
		for (s = line; s < le;) {
			const char *start;

			while (s < le && blank(*s))
				s++;
			if (s == le)
				break;
			for (start = s; s < le && !blank(*s); s++)
				;
			if (nw < 3)
				w[nw] = (size_t)(s - start);
			nw++;
		}
		if (!nw)
			continue;
		format = FORMAT_NONE;
		while (hex < w[0] && line[hex] && strchr("0123456789abcdefABCDEF", line[hex]))
			hex++;
		if (blank(*line) || hex != w[0] || nw < 2)
			continue; /* no address first */
		if (w[1] == 1 && nw >= 3)
			return ML_SRC_SYSMAP_EXPORTS;
		if (nw == 2)
			return ML_SRC_KSYMS;
	}
	return format;
}

int ml_depmod_kernel_file(struct ml_depmod *dm, const char *path, struct ml_diags *d)
{
	unsigned char *data;
	size_t len;
	struct ml_ksymtab t;
	int err = ml_read_file(path, &data, &len, d), format;
	size_t found = 0;

	if (err)
		return err;
	format = kernel_file_format((const char *)data, len);
	if (format == FORMAT_EMPTY) {
		free(data);
		ml_err(d, NULL, "premature EOF on %s", path);
		return -EINVAL;
	}
	ml_ksymtab_init(&t);
	if (format != FORMAT_NONE)
		err = ml_ksyms_parse(&t, (enum ml_ksym_source)format, path, (const char *)data, len,
				     d);
	free(data);
	if (!err)
		found = add_kernel_exports(dm, &t);
	ml_ksymtab_free(&t);
	if (err)
		return err;
	if (!found) {
		/* every module would be reported unresolved: say what is wrong instead */
		ml_err(d, NULL,
		       "%s: no exported kernel symbols (a 2.2/2.4 System.map names them __kstrtab_NAME; a /proc/ksyms copy has one per line)",
		       path);
		return -EINVAL;
	}
	if (format == ML_SRC_KSYMS)
		dm->kernel.crc_source = true;
	else
		dm->kernel.nocrc_source = true;
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
	if (!err)
		add_kernel_exports(dm, &t);
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
	bool is22 = ksymtab >= 0 || o->has_modinfo || ml_obj_find_symbol(o, "__this_module") >= 0;
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
	ml_depmod_device_tables(m, o, d);
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
static void find_loops(struct ml_depmod *dm, size_t i, unsigned char *color, size_t *stack,
		       size_t depth)
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

static const char *skipped(const char *p, size_t skip)
{
	return strlen(p) >= skip ? p + skip : p;
}

void ml_depmod_write(const struct ml_depmod *dm, enum ml_genfile which, size_t skip,
		     struct ml_buf *out)
{
	if (which != ML_GEN_DEP) {
		ml_buf_printf(out, "%s", ml_depmod_map_header(which));
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
