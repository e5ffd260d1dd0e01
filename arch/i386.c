// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * i386: the CPU 2.4 was written for.
 *
 * gcc compiles 2.4 modules with -fno-pic and the default (cdecl, no
 * regparm) calling convention, so a module's relocations are almost all
 * R_386_32 (absolute addresses in data and in instructions: pointers in
 * tables, addresses of globals and string literals) and R_386_PC32 (calls
 * and jumps to the kernel and between sections).  Newer assemblers write
 * R_386_PLT32 for calls to global functions; with no PLT in a module it is
 * the same computation as PC32.  The GOT forms (GOT32/GOT32X, GOTOFF,
 * GOTPC) only appear in objects built with -fpic by mistake; modutils
 * handled them by building a small .got with one 4-byte slot per symbol,
 * and so do we.  RELATIVE, GLOB_DAT and JMP_SLOT are dynamic-linker
 * relocations that never appear in a relocatable object made by gcc, but
 * modutils accepted them, so we do too.
 *
 * i386 uses REL: the addend sits in the place itself.  Every field is
 * 32 bits wide except the rare 8/16-bit forms, which are range-checked.
 * There is no range problem for 32-bit fields: every address fits.
 *
 * Reference: System V ABI, Intel386 Architecture Processor Supplement,
 * 4th ed., "Relocation Types".
 */
#include "arch/arch.h"

#include <elf.h>

/* Names, widths, formulas and range checks: arch/reloc-i386.def. */
#define ML_RELOC ML_RELOC_ROW
static const struct ml_reloc_type i386_relocs[] = {
#include "arch/reloc-i386.def"
};
#undef ML_RELOC

static enum ml_stub_kind i386_stub_kind(uint32_t type)
{
	return type == R_386_GOT32 || type == R_386_GOT32X ? ML_STUB_GOT : ML_STUB_NONE;
}

static unsigned i386_stub_size(enum ml_stub_kind kind, const struct ml_target *t)
{
	return kind == ML_STUB_GOT ? 4 : 0;
}

static bool i386_needs_got(uint32_t type)
{
	return type == R_386_GOTOFF || type == R_386_GOTPC;
}

/*
 * One case per formula; the type's row (arch/reloc-i386.def) gives the
 * width, the formula --explain prints and the range ml_reloc_store()
 * checks (only the 8- and 16-bit fields have one).
 */
static enum ml_reloc_status i386_apply(struct ml_reloc_ctx *c)
{
	const struct ml_reloc_type *rt = ml_reloc_begin(&ml_arch_i386, c);
	uint32_t S = (uint32_t)c->S, P = (uint32_t)c->P, G = (uint32_t)c->got;
	uint32_t A, v;

	if (!rt)
		return ML_RELOC_UNHANDLED;
	if (c->type == R_386_NONE)
		return ML_RELOC_OK;
	/* REL: the addend is the field's current content, sign-extended. */
	A = (uint32_t)ml_sext(ml_getn(c->t, c->loc, rt->width), 8 * rt->width);
	c->A = (uint64_t)(int64_t)(int32_t)A;

	switch (c->type) {
	case R_386_32:
	case R_386_16:
	case R_386_8:
		v = S + A;
		break;
	case R_386_PC32:
	case R_386_PLT32:
	case R_386_PC16:
	case R_386_PC8:
		v = S + A - P;
		break;
	case R_386_GOT32:
	case R_386_GOT32X:
		v = (uint32_t)c->stub - G + A;
		break;
	case R_386_GLOB_DAT:
	case R_386_JMP_SLOT:
		v = S;
		break;
	case R_386_RELATIVE:
		v = (uint32_t)c->base + A;
		break;
	case R_386_GOTOFF:
		v = S + A - G;
		break;
	case R_386_GOTPC:
		v = G + A - P;
		break;
	default: /* R_386_COPY */
		return ML_RELOC_UNHANDLED;
	}
	/* A 32-bit field takes every address; a small one is checked read signed. */
	c->value = rt->width == 4 ? v : (uint64_t)(int64_t)(int32_t)v;
	return ml_reloc_store(c);
}

const struct ml_arch ml_arch_i386 = {
	.name = "i386",
	.machine = EM_386,
	.is64 = false,
	.allow_le = true,
	.allow_be = false,
	.rela = false,
	.ex_entry_size = 8,
	.relocs = i386_relocs,
	.nrelocs = ML_ARRAY_SIZE(i386_relocs),
	.stub_kind = i386_stub_kind,
	.stub_size = i386_stub_size,
	.needs_got = i386_needs_got,
	.apply = i386_apply,
	.got_align24 = 4, /* modutils: .got, 4-aligned, one word per GOT32 symbol */
};
