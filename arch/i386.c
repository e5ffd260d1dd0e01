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

#ifndef R_386_GOT32X
#define R_386_GOT32X 43
#endif

static const struct ml_reloc_type i386_relocs[] = {
	{ R_386_NONE, "R_386_NONE", 0 },
	{ R_386_32, "R_386_32", 4 },
	{ R_386_PC32, "R_386_PC32", 4 },
	{ R_386_GOT32, "R_386_GOT32", 4 },
	{ R_386_PLT32, "R_386_PLT32", 4 },
	{ R_386_COPY, "R_386_COPY", 4 },
	{ R_386_GLOB_DAT, "R_386_GLOB_DAT", 4 },
	{ R_386_JMP_SLOT, "R_386_JMP_SLOT", 4 },
	{ R_386_RELATIVE, "R_386_RELATIVE", 4 },
	{ R_386_GOTOFF, "R_386_GOTOFF", 4 },
	{ R_386_GOTPC, "R_386_GOTPC", 4 },
	{ R_386_16, "R_386_16", 2 },
	{ R_386_PC16, "R_386_PC16", 2 },
	{ R_386_8, "R_386_8", 1 },
	{ R_386_PC8, "R_386_PC8", 1 },
	{ R_386_GOT32X, "R_386_GOT32X", 4 },
};

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

/* Store a width-byte field, checking that v fits it signed or unsigned. */
static enum ml_reloc_status store_small(struct ml_reloc_ctx *c, unsigned width, bool pcrel)
{
	int64_t v = (int64_t)c->value;
	int64_t lo = pcrel ? -(1LL << (8 * width - 1)) : -(1LL << (8 * width - 1));
	int64_t hi = pcrel ? (1LL << (8 * width - 1)) : (1LL << (8 * width));

	/* Absolute small fields accept both signed and unsigned readings. */
	if (v < lo || v >= hi) {
		c->lo = lo;
		c->hi = hi;
		return ML_RELOC_OVERFLOW;
	}
	c->written = c->value & ((1ULL << (8 * width)) - 1);
	ml_putn(c->t, c->loc, width, c->written);
	return ML_RELOC_OK;
}

static enum ml_reloc_status i386_apply(struct ml_reloc_ctx *c)
{
	const struct ml_reloc_type *rt = ml_arch_reloc(&ml_arch_i386, c->type);
	unsigned width = rt ? rt->width : 4;
	uint32_t S = (uint32_t)c->S, P = (uint32_t)c->P, G = (uint32_t)c->got;
	uint32_t A;

	if (!rt || c->type == R_386_COPY)
		return ML_RELOC_UNHANDLED;
	if (c->type == R_386_NONE) {
		c->formula = "none";
		return ML_RELOC_OK;
	}
	/* REL: the addend is the field's current content, sign-extended. */
	A = (uint32_t)ml_sext(ml_getn(c->t, c->loc, width), 8 * width);
	c->A = (uint64_t)(int64_t)(int32_t)A;

	switch (c->type) {
	case R_386_32:
		c->formula = "S + A";
		c->value = (uint32_t)(S + A);
		break;
	case R_386_PC32:
	case R_386_PLT32:
		c->formula = "S + A - P";
		c->value = (uint32_t)(S + A - P);
		break;
	case R_386_GOT32:
	case R_386_GOT32X:
		c->formula = "G + A";
		c->value = (uint32_t)((uint32_t)c->stub - G + A);
		break;
	case R_386_GLOB_DAT:
	case R_386_JMP_SLOT:
		c->formula = "S";
		c->value = S;
		break;
	case R_386_RELATIVE:
		c->formula = "B + A";
		c->value = (uint32_t)(c->base + A);
		break;
	case R_386_GOTOFF:
		c->formula = "S + A - GOT";
		c->value = (uint32_t)(S + A - G);
		break;
	case R_386_GOTPC:
		c->formula = "GOT + A - P";
		c->value = (uint32_t)(G + A - P);
		break;
	case R_386_16:
	case R_386_8:
		c->formula = "S + A";
		c->value = (uint64_t)(int64_t)(int32_t)(S + A);
		return store_small(c, width, false);
	case R_386_PC16:
	case R_386_PC8:
		c->formula = "S + A - P";
		c->value = (uint64_t)(int64_t)(int32_t)(S + A - P);
		return store_small(c, width, true);
	default:
		return ML_RELOC_UNHANDLED;
	}
	c->written = c->value;
	ml_put32(c->t, c->loc, (uint32_t)c->value);
	return ML_RELOC_OK;
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
