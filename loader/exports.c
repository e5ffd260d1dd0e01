// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A 2.4 module's exports as insmod makes them: __ksymtab (the module's
 * own, or one insmod builds by walking modutils' symbol hash when the
 * module exports everything), the .kmodtab of the modules it uses, and the
 * names it never exports.  Each entry is a pair of patches (the symbol's
 * address, its name in .kstrtab), written after relocation.
 */
#include "loader/loader-int.h"

#include <elf.h>
#include <stdlib.h>
#include <string.h>

/* The section __ksymtab entries go in (created on first need). */
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
		sec = (int)ml_obj_add_section(o, "__ksymtab", SHT_PROGBITS, SHF_ALLOC,
					      ml_wordsize(&o->tgt), 0);
	return sec;
}

/* Export sym: one __ksymtab entry, its address and name patched in after relocation. */
void ml_export_symbol(struct ml_obj *o, uint32_t sym)
{
	int sec = ksymtab_section(o);
	unsigned ws = ml_wordsize(&o->tgt);
	uint64_t off = ml_obj_extend_section(o, (size_t)sec, 2 * ws);

	ml_obj_patch_symbol(o, (size_t)sec, off, sym);
	ml_obj_patch_string(o, (size_t)sec, off + ws, o->syms[sym].name);
}

/* .kmodtab: a struct module_ref per module this one uses (dep, ref = this module, next_ref). */
static void build_kmodtab(struct ml_obj *o, const struct ml_ksymtab *kt)
{
	unsigned ws = ml_wordsize(&o->tgt);
	size_t nused = 0;

	for (size_t i = 0; i < kt->nmods; i++)
		nused += kt->mods[i].used;
	if (nused) {
		/* read-only data, as modutils makes it */
		size_t sec = ml_obj_add_section(o, ".kmodtab", SHT_PROGBITS, SHF_ALLOC, ws,
						3 * ws * nused);
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
}

/*
 * modutils exports every global of a loaded section or absolute, in the
 * order it walks its symbol hash; a weak undefined symbol is absolute 0 by
 * then, and exported too (unless weak_undef is false).
 */
static void export_all_globals(struct ml_obj *o, bool weak_undef)
{
	uint32_t *v = NULL;
	size_t n = ml_obj_mu_walk(o, &v);

	for (size_t i = 0; i < n; i++) {
		const struct ml_symbol *s = &o->syms[v[i]];

		if (s->bind == STB_LOCAL)
			continue;
		if (s->sec == ML_SEC_ABS || (s->sec >= 0 && o->secs[s->sec]->load) ||
		    (s->weak_zero && weak_undef))
			ml_export_symbol(o, v[i]);
	}
	free(v);
}

void ml_build_exports(struct ml_obj *o, const struct ml_ksymtab *kt, bool export_all,
		      bool weak_undef)
{
	build_kmodtab(o, kt);
	/* An explicit __ksymtab (even an empty EXPORT_NO_SYMBOLS one) wins. */
	if (export_all && ml_obj_find_section(o, "__ksymtab") < 0)
		export_all_globals(o, weak_undef);
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
