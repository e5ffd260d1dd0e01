// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sh: SuperH SH-3/SH-4, 32-bit, either byte order (-ml / -mb).
 *
 * 2.4 ran on SH set-top boxes and appliances (the Dreamcast, HP Jornada,
 * Renesas boards).  SH instructions are 16 bits wide and have no room for
 * an address: a module's code loads every address it needs (functions it
 * calls, globals, strings) from a literal pool word with mov.l @(disp,PC)
 * and calls through a register (jsr @rN).  The assembler resolves the
 * pool loads and short branches inside a section itself, so a -fno-pic
 * module compiled by gcc carries almost nothing but R_SH_DIR32 (pool words,
 * pointers in data, __ex_table entries) plus R_SH_REL32 for "sym - ."
 * words.  There are no branch ranges to worry about and no stubs to build.
 *
 * The quirk: SH is RELA in name only.  Every 32-bit SH howto in binutils
 * is "partial in place": gas writes the addend into the place and leaves
 * r_addend 0 (".long sym+16" assembles to the word 16 with r_addend 0), and
 * ld -r keeps it that way when it merges sections.  So the field's content
 * is part of the addend.  modutils 2.4 did "*loc += v" for DIR32 and REL32
 * for this reason; we use A = field + r_addend for every 32-bit type,
 * which gives the bytes GNU ld gives for everything gcc and gas produce
 * (ld reads the field and ignores r_addend for DIR32/REL32/PLT32, adds
 * both for GOTOFF/GOTPC, and writes GOT32 as the bare slot offset; gas's
 * r_addend is always 0 and a GOT32 field always 0, so these agree).
 *
 * The GOT forms come from -fpic objects: R_SH_GOT32 (offset of the
 * symbol's slot from the GOT), R_SH_GOTOFF (S + A - GOT), R_SH_GOTPC
 * (GOT + A - P, the word after "mova" in the GOT set-up sequence) and
 * R_SH_PLT32 for calls through bsrf (a module has no PLT: S + A - P).  As
 * on i386 we build a small .got with one 4-byte slot per symbol.
 * GLOB_DAT, JMP_SLOT and RELATIVE are dynamic relocations that a .o never
 * holds; modutils accepted them, so we do too.
 *
 * gcc -mrelax (a link-time relaxation request, unusual for modules) adds
 * markers for the linker's relaxation pass (R_SH_USES, COUNT, ALIGN, CODE,
 * DATA, LABEL, SWITCH8/16/32) and re-states pool loads and short branches
 * that the assembler has already resolved (R_SH_DIR8WPN/WPZ/WPL against
 * the start of their own section).  We do not relax, so those are no-ops;
 * R_SH_IND12W (bra/bsr, a signed 12-bit halfword offset from P + 4, with
 * the 4 folded into the addend by gas) is computed and range-checked, and
 * a DIR8W* against any other symbol is refused.
 *
 * Reference: SH-4 Software Manual (instruction formats); the SH ELF
 * relocation numbers and their in-place convention as implemented by GNU
 * binutils (no formal SH psABI document was ever published).
 */
#include "arch/arch.h"

#include <elf.h>

/*
 * Names, widths, formulas and range checks: arch/reloc-sh.def, which also
 * gives binutils' numbers where glibc's <elf.h> differs.
 */
#define ML_RELOC ML_RELOC_ROW
static const struct ml_reloc_type sh_relocs[] = {
#include "arch/reloc-sh.def"
};
#undef ML_RELOC

static enum ml_stub_kind sh_stub_kind(uint32_t type)
{
	return type == R_SH_GOT32 ? ML_STUB_GOT : ML_STUB_NONE;
}

static unsigned sh_stub_size(enum ml_stub_kind kind, const struct ml_target *t)
{
	return kind == ML_STUB_GOT ? 4 : 0;
}

static bool sh_needs_got(uint32_t type)
{
	return type == R_SH_GOTOFF || type == R_SH_GOTPC;
}

/*
 * bra/bsr: the target is P + 4 + 2 * disp12.  gas folds the -4 into the
 * addend (a branch to .text+0x6c carries .text+0x68), so the field is
 * (S + A - P) / 2, which must be even and fit 12 signed bits.
 */
static enum ml_reloc_status sh_ind12w(struct ml_reloc_ctx *c)
{
	enum ml_reloc_status st;

	c->value = (uint64_t)(int64_t)(int32_t)(uint32_t)(c->S + c->A - c->P);
	if (c->value & 1) {
		c->value = (uint32_t)c->value;
		return ML_RELOC_DANGEROUS;
	}
	st = ml_reloc_check(c); /* the row: 12 signed bits of halfwords */
	if (st == ML_RELOC_OK)
		ml_reloc_patch(c, 0x0fff, c->value >> 1);
	return st;
}

/*
 * One case per relocation type (or per group of types with one formula);
 * the type's row (arch/reloc-sh.def) gives the formula and the range.
 */
static enum ml_reloc_status sh_apply(struct ml_reloc_ctx *c)
{
	uint32_t S = (uint32_t)c->S, P = (uint32_t)c->P, GOT = (uint32_t)c->got;
	uint32_t A = 0;

	if (!ml_reloc_begin(&ml_arch_sh, c))
		return ML_RELOC_UNHANDLED;
	switch (c->type) {
	case R_SH_DIR32:
	case R_SH_REL32:
	case R_SH_GOT32:
	case R_SH_PLT32:
	case R_SH_GLOB_DAT:
	case R_SH_JMP_SLOT:
	case R_SH_RELATIVE:
	case R_SH_GOTOFF:
	case R_SH_GOTPC:
		/* The addend is the field plus r_addend (see the top of this file). */
		A = ml_get32(c->t, c->loc) + (uint32_t)c->A;
		c->A = (uint64_t)(int64_t)(int32_t)A;
		break;
	default:
		break;
	}
	switch (c->type) {
	case R_SH_NONE:
	case R_SH_SWITCH8:
	case R_SH_SWITCH16:
	case R_SH_SWITCH32:
	case R_SH_USES:
	case R_SH_COUNT:
	case R_SH_ALIGN:
	case R_SH_CODE:
	case R_SH_DATA:
	case R_SH_LABEL:
	case R_SH_GNU_VTINHERIT:
	case R_SH_GNU_VTENTRY:
		return ML_RELOC_OK;
	case R_SH_DIR8WPN:
	case R_SH_DIR8WPZ:
	case R_SH_DIR8WPL:
		/* a relaxation note on a field gas filled: own section only */
		if (c->S != c->P - c->offset)
			return ML_RELOC_UNHANDLED;
		c->written = ml_get16(c->t, c->loc);
		return ML_RELOC_OK;
	case R_SH_IND12W:
		return sh_ind12w(c);
	case R_SH_DIR32:
	case R_SH_GLOB_DAT:
	case R_SH_JMP_SLOT:
		c->value = S + A;
		break;
	case R_SH_REL32:
	case R_SH_PLT32:
		c->value = (uint32_t)(S + A - P);
		break;
	case R_SH_RELATIVE:
		c->value = (uint32_t)((uint32_t)c->base + A);
		break;
	case R_SH_GOT32:
		c->value = (uint32_t)((uint32_t)c->stub - GOT + A);
		break;
	case R_SH_GOTOFF:
		c->value = (uint32_t)(S + A - GOT);
		break;
	case R_SH_GOTPC:
		c->value = (uint32_t)(GOT + A - P);
		break;
	default:
		return ML_RELOC_UNHANDLED;
	}
	return ml_reloc_store(c);
}

static const char *sh_overflow_hint(uint32_t type)
{
	if (type == R_SH_IND12W)
		return "bra/bsr reach +-4 KiB; build the module without -mrelax";
	return NULL;
}

const struct ml_arch ml_arch_sh = {
	.name = "sh",
	.machine = EM_SH,
	.is64 = false,
	.allow_le = true,
	.allow_be = true,
	.rela = true,
	.ex_entry_size = 8,
	.overflow_hint = sh_overflow_hint,
	.relocs = sh_relocs,
	.nrelocs = ML_ARRAY_SIZE(sh_relocs),
	.stub_kind = sh_stub_kind,
	.stub_size = sh_stub_size,
	.needs_got = sh_needs_got,
	.apply = sh_apply,
};
