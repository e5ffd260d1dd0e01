// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * x86_64: 2.4.x ran on AMD64 from 2.4.19 on.
 *
 * Kernel code is compiled with -mcmodel=kernel -mno-red-zone: code and
 * static data are assumed to sit in the top (negative) 2 GiB of the address
 * space, so absolute addresses in instructions are R_X86_64_32S (a 32-bit
 * field sign-extended to 64 bits by the CPU) and calls are R_X86_64_PC32 or
 * R_X86_64_PLT32 (newer assemblers).  Pointers in data are R_X86_64_64.
 * R_X86_64_32 (zero-extended) appears in code built with -mcmodel=small,
 * which only works if the module lands below 4 GiB: a 2.4 module area never
 * does, so the range check catches it and the hint names -mcmodel=kernel.
 *
 * x86_64 uses RELA: addends are in the relocation entries, and the place
 * is overwritten.  Unlike modutils 2.4, which stored truncated values
 * without checking, every 32-bit and smaller field is range-checked here:
 * a silently wrapped call is a crash in kernel mode.
 *
 * GOT forms (GOTPCREL, GOTPCRELX, REX_GOTPCRELX, GOT32, GOTPC32, GOTOFF64)
 * come from -fpic objects; we build a .got with one 8-byte slot per
 * (symbol, addend) and do not relax the instructions.
 *
 * Reference: System V ABI, AMD64 Architecture Processor Supplement, §4.4.
 */
#include "arch/arch.h"

#include <elf.h>
#include <stdint.h>
#include <string.h>

/* Names, widths, formulas and range checks: arch/reloc-x86_64.def. */
#define ML_RELOC ML_RELOC_ROW
static const struct ml_reloc_type x86_64_relocs[] = {
#include "arch/reloc-x86_64.def"
};
#undef ML_RELOC

static enum ml_stub_kind x86_64_stub_kind(uint32_t type)
{
	switch (type) {
	case R_X86_64_GOT32:
	case R_X86_64_GOTPCREL:
	case R_X86_64_GOTPCRELX:
	case R_X86_64_REX_GOTPCRELX:
		return ML_STUB_GOT;
	default:
		return ML_STUB_NONE;
	}
}

static unsigned x86_64_stub_size(enum ml_stub_kind kind, const struct ml_target *t)
{
	return kind == ML_STUB_GOT ? 8 : 0;
}

static bool x86_64_needs_got(uint32_t type)
{
	return type == R_X86_64_GOTOFF64 || type == R_X86_64_GOTPC32;
}

/*
 * One case per formula; the row of the type (arch/reloc-x86_64.def) gives
 * the width, the formula --explain prints and the range ml_reloc_store()
 * checks: 32 zero-extends, 32S and the PC-relative ones sign-extend.
 */
static enum ml_reloc_status x86_64_apply(struct ml_reloc_ctx *c)
{
	uint64_t S = c->S, A = c->A, P = c->P, GOT = c->got;

	if (!ml_reloc_begin(&ml_arch_x86_64, c))
		return ML_RELOC_UNHANDLED;
	switch (c->type) {
	case R_X86_64_NONE:
		return ML_RELOC_OK;
	case R_X86_64_64:
	case R_X86_64_32:
	case R_X86_64_32S:
	case R_X86_64_16:
	case R_X86_64_8:
		c->value = S + A;
		break;
	case R_X86_64_GLOB_DAT:
	case R_X86_64_JUMP_SLOT:
		c->value = S;
		break;
	case R_X86_64_RELATIVE:
		c->value = c->base + A;
		break;
	case R_X86_64_PC32:
	case R_X86_64_PLT32:
	case R_X86_64_PC16:
	case R_X86_64_PC8:
	case R_X86_64_PC64:
		c->value = S + A - P;
		break;
	case R_X86_64_GOT32:
		c->value = c->stub - GOT + A;
		break;
	case R_X86_64_GOTPCREL:
	case R_X86_64_GOTPCRELX:
	case R_X86_64_REX_GOTPCRELX:
		c->value = c->stub + A - P;
		break;
	case R_X86_64_GOTOFF64:
		c->value = S + A - GOT;
		break;
	case R_X86_64_GOTPC32:
		c->value = GOT + A - P;
		break;
	default:
		return ML_RELOC_UNHANDLED;
	}
	return ml_reloc_store(c);
}

/* The common types, stored little-endian in place (apply() does the rest, and big-endian hosts). */
static bool x86_64_apply_fast(uint32_t type, uint64_t SA, uint64_t P, unsigned char *loc)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	int64_t v;
	int32_t w;

	switch (type) {
	case R_X86_64_64:
		memcpy(loc, &SA, 8);
		return true;
	case R_X86_64_PC64:
		SA -= P;
		memcpy(loc, &SA, 8);
		return true;
	case R_X86_64_32:
		if (SA > 0xffffffffULL)
			return false;
		w = (int32_t)(uint32_t)SA;
		memcpy(loc, &w, 4);
		return true;
	case R_X86_64_PC32:
	case R_X86_64_PLT32:
		v = (int64_t)(SA - P);
		break;
	case R_X86_64_32S:
		v = (int64_t)SA;
		break;
	default:
		return false;
	}
	if (v < INT32_MIN || v > INT32_MAX)
		return false;
	w = (int32_t)v;
	memcpy(loc, &w, 4);
	return true;
#else
	return false;
#endif
}

static const char *x86_64_overflow_hint(uint32_t type)
{
	switch (type) {
	case R_X86_64_32:
	case R_X86_64_32S:
	case R_X86_64_16:
	case R_X86_64_8:
		return "build the module with -mcmodel=kernel and load it in the top 2 GiB";
	case R_X86_64_PC32:
	case R_X86_64_PLT32:
		return "the module must lie within 2 GiB of what it calls (check --base)";
	default:
		return NULL;
	}
}

const struct ml_arch ml_arch_x86_64 = {
	.name = "x86_64",
	.machine = EM_X86_64,
	.is64 = true,
	.allow_le = true,
	.allow_be = false,
	.rela = true,
	.ex_entry_size = 16,
	.overflow_hint = x86_64_overflow_hint,
	.relocs = x86_64_relocs,
	.nrelocs = ML_ARRAY_SIZE(x86_64_relocs),
	.stub_kind = x86_64_stub_kind,
	.stub_size = x86_64_stub_size,
	.needs_got = x86_64_needs_got,
	.apply = x86_64_apply,
	.apply_fast = x86_64_apply_fast,
};
