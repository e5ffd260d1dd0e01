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
 * glibc's <elf.h> puts R_SH_SWITCH8, R_SH_GNU_VTINHERIT and R_SH_GNU_VTENTRY
 * at 33, 34 and 35, but binutils (gas, ld, readelf) numbers them 24, 22 and
 * 23, and those are the numbers in the objects.
 */
#undef R_SH_SWITCH8
#undef R_SH_GNU_VTINHERIT
#undef R_SH_GNU_VTENTRY
#define R_SH_GNU_VTINHERIT 22
#define R_SH_GNU_VTENTRY 23
#define R_SH_SWITCH8 24

static const struct ml_reloc_type sh_relocs[] = {
	{ R_SH_NONE, "R_SH_NONE", 0 },
	{ R_SH_DIR32, "R_SH_DIR32", 4 },
	{ R_SH_REL32, "R_SH_REL32", 4 },
	{ R_SH_DIR8WPN, "R_SH_DIR8WPN", 2 },
	{ R_SH_IND12W, "R_SH_IND12W", 2 },
	{ R_SH_DIR8WPL, "R_SH_DIR8WPL", 2 },
	{ R_SH_DIR8WPZ, "R_SH_DIR8WPZ", 2 },
	{ R_SH_DIR8BP, "R_SH_DIR8BP", 2 },
	{ R_SH_DIR8W, "R_SH_DIR8W", 2 },
	{ R_SH_DIR8L, "R_SH_DIR8L", 2 },
	{ R_SH_GNU_VTINHERIT, "R_SH_GNU_VTINHERIT", 0 },
	{ R_SH_GNU_VTENTRY, "R_SH_GNU_VTENTRY", 0 },
	{ R_SH_SWITCH8, "R_SH_SWITCH8", 0 },
	{ R_SH_SWITCH16, "R_SH_SWITCH16", 0 },
	{ R_SH_SWITCH32, "R_SH_SWITCH32", 0 },
	{ R_SH_USES, "R_SH_USES", 0 },
	{ R_SH_COUNT, "R_SH_COUNT", 0 },
	{ R_SH_ALIGN, "R_SH_ALIGN", 0 },
	{ R_SH_CODE, "R_SH_CODE", 0 },
	{ R_SH_DATA, "R_SH_DATA", 0 },
	{ R_SH_LABEL, "R_SH_LABEL", 0 },
	{ R_SH_TLS_GD_32, "R_SH_TLS_GD_32", 4 },
	{ R_SH_TLS_LD_32, "R_SH_TLS_LD_32", 4 },
	{ R_SH_TLS_LDO_32, "R_SH_TLS_LDO_32", 4 },
	{ R_SH_TLS_IE_32, "R_SH_TLS_IE_32", 4 },
	{ R_SH_TLS_LE_32, "R_SH_TLS_LE_32", 4 },
	{ R_SH_TLS_DTPMOD32, "R_SH_TLS_DTPMOD32", 4 },
	{ R_SH_TLS_DTPOFF32, "R_SH_TLS_DTPOFF32", 4 },
	{ R_SH_TLS_TPOFF32, "R_SH_TLS_TPOFF32", 4 },
	{ R_SH_GOT32, "R_SH_GOT32", 4 },
	{ R_SH_PLT32, "R_SH_PLT32", 4 },
	{ R_SH_COPY, "R_SH_COPY", 4 },
	{ R_SH_GLOB_DAT, "R_SH_GLOB_DAT", 4 },
	{ R_SH_JMP_SLOT, "R_SH_JMP_SLOT", 4 },
	{ R_SH_RELATIVE, "R_SH_RELATIVE", 4 },
	{ R_SH_GOTOFF, "R_SH_GOTOFF", 4 },
	{ R_SH_GOTPC, "R_SH_GOTPC", 4 },
};

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
	uint16_t insn = ml_get16(c->t, c->loc);
	int64_t v;

	c->formula = "S + A - P";
	c->value = (uint64_t)(int64_t)(int32_t)(uint32_t)(c->S + c->A - c->P);
	v = (int64_t)c->value;
	if (v & 1) {
		c->value = (uint32_t)v;
		return ML_RELOC_DANGEROUS;
	}
	if (v < -4096 || v >= 4096) {
		c->lo = -4096;
		c->hi = 4096;
		return ML_RELOC_OVERFLOW;
	}
	c->written = (insn & 0xf000) | (((uint64_t)v >> 1) & 0x0fff);
	ml_put16(c->t, c->loc, (uint16_t)c->written);
	return ML_RELOC_OK;
}

static enum ml_reloc_status sh_apply(struct ml_reloc_ctx *c)
{
	uint32_t S = (uint32_t)c->S, P = (uint32_t)c->P, GOT = (uint32_t)c->got;
	uint32_t A, v;

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
		c->formula = "none";
		return ML_RELOC_OK;
	case R_SH_DIR8WPN:
	case R_SH_DIR8WPZ:
	case R_SH_DIR8WPL:
		/* a relaxation note on a field gas filled: own section only */
		if (c->S != c->P - c->offset)
			return ML_RELOC_UNHANDLED;
		c->formula = "none";
		c->written = ml_get16(c->t, c->loc);
		return ML_RELOC_OK;
	case R_SH_IND12W:
		return sh_ind12w(c);
	case R_SH_DIR32:
	case R_SH_REL32:
	case R_SH_GOT32:
	case R_SH_PLT32:
	case R_SH_GLOB_DAT:
	case R_SH_JMP_SLOT:
	case R_SH_RELATIVE:
	case R_SH_GOTOFF:
	case R_SH_GOTPC:
		break;
	default:
		return ML_RELOC_UNHANDLED;
	}

	/* The addend is the field plus r_addend (see the top of this file). */
	A = ml_get32(c->t, c->loc) + (uint32_t)c->A;
	c->A = (uint64_t)(int64_t)(int32_t)A;
	switch (c->type) {
	case R_SH_DIR32:
	case R_SH_GLOB_DAT:
	case R_SH_JMP_SLOT:
		c->formula = "S + A";
		v = S + A;
		break;
	case R_SH_REL32:
	case R_SH_PLT32:
		c->formula = "S + A - P";
		v = S + A - P;
		break;
	case R_SH_RELATIVE:
		c->formula = "B + A";
		v = (uint32_t)c->base + A;
		break;
	case R_SH_GOT32:
		c->formula = "G + A";
		v = (uint32_t)c->stub - GOT + A;
		break;
	case R_SH_GOTOFF:
		c->formula = "S + A - GOT";
		v = S + A - GOT;
		break;
	default: /* R_SH_GOTPC */
		c->formula = "GOT + A - P";
		v = GOT + A - P;
		break;
	}
	c->value = v;
	c->written = v;
	ml_put32(c->t, c->loc, v);
	return ML_RELOC_OK;
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
