// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The struct module insmod puts in front of a 2.4 module: the .this
 * section (created before layout, filled after relocation from the final
 * addresses of the sections and symbols it points at), and __archdata,
 * which struct module points at.  The structure's layout and byte order
 * are common/module24.c's job; this room decides the values.
 */
#include "loader/loader-int.h"

#include <elf.h>
#include <string.h>

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
	if (name && ml_obj_find_section(o, name) >= 0 &&
	    o->secs[sec]->size < 2 * ml_wordsize(&o->tgt))
		ml_obj_extend_section(o, (size_t)sec,
				      2 * ml_wordsize(&o->tgt) - o->secs[sec]->size);
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
