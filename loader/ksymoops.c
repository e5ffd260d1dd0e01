// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The ksymoops symbols insmod adds to a 2.4 module, in modutils' exact
 * formats: __insmod_<mod>_O<path>_M<mtime>_V<version> (the object),
 * _P<file> (its persistent data) and _S<section>_L<size> (the tagged
 * sections), so that ksymoops can map an oops back to the object file.
 * They are exported like any other symbol (loader/exports.c).
 */
#include "loader/loader-int.h"

#include <elf.h>
#include <inttypes.h>
#include <stdlib.h>

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

void ml_add_ksymoops(struct ml_obj *o, const char *modname, const char *realpath_, uint64_t mtime,
		     long version, const char *persist, bool export_all)
{
	bool use_ksymtab = ml_obj_find_section(o, "__ksymtab") >= 0 || !export_all;
	char *name;
	uint32_t sym;

	name = ml_ksymoops_obj_name(&o->tgt, modname, realpath_, mtime, version);
	sym = ml_obj_add_symbol(o, name, o->this_sec, 0, STB_GLOBAL, STT_NOTYPE, 0);
	free(name);
	if (use_ksymtab)
		ml_export_symbol(o, sym);
	if (persist) {
		name = ml_ksymoops_persist_name(modname, persist);
		sym = ml_obj_add_symbol(o, name, o->this_sec, 0, STB_GLOBAL, STT_NOTYPE, 0);
		free(name);
		if (use_ksymtab)
			ml_export_symbol(o, sym);
	}
	for (size_t i = 0; i < ML_ARRAY_SIZE(tagged_sections); i++) {
		int sec = ml_obj_find_section(o, tagged_sections[i]);

		if (sec < 0 || !o->secs[sec]->load || !o->secs[sec]->size)
			continue;
		name = ml_ksymoops_sec_name(modname, tagged_sections[i], o->secs[sec]->size);
		sym = ml_obj_add_symbol(o, name, sec, 0, STB_GLOBAL, STT_NOTYPE, 0);
		free(name);
		if (use_ksymtab)
			ml_export_symbol(o, sym);
	}
}
