// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sparc: 32-bit SPARC (sun4c, sun4d, sun4m, and v8plus objects, whose
 * EM_SPARC32PLUS arch.c maps here).
 *
 * What gcc emits for a module.  With -fno-pic, the address of anything is
 * built in two instructions, "sethi %hi(sym), %g1" then "or %g1, %lo(sym),
 * %g1" (or a load/store with [%g1 + %lo(sym)]): R_SPARC_HI22 puts bits
 * 31..10 of S + A into sethi's 22-bit immediate and R_SPARC_LO10 bits 9..0
 * into the 13-bit immediate.  %lo is never negative, so unlike MIPS's
 * HI16/LO16 the two halves need no carry adjustment and no pairing: each is
 * computed alone.  Calls are "call sym", R_SPARC_WDISP30, a word
 * displacement of 30 bits: on a 32-bit CPU it reaches the whole address
 * space, so a module never needs a trampoline or a PLT.  Pointers in data
 * (__ksymtab, __ex_table, function tables) are R_SPARC_32; hand-written
 * ".word a - b" is R_SPARC_DISP32.  Branches inside a section are resolved
 * by the assembler; a branch to another section ("b 2b" from .fixup back
 * into .text in every get_user) is R_SPARC_WDISP22, 22 bits of words, which
 * reaches 8 MiB either way: plenty inside one module, not enough to reach
 * the kernel, and the range check says so.  v8plus/v9 code adds the
 * predicted branches: R_SPARC_WDISP19 (bpcc) and R_SPARC_WDISP16 (brz and
 * friends, whose field is split into bits 21..20 and 13..0).  Unaligned
 * data (.uaword, packed structures) is R_SPARC_UA32/UA16, stored byte by
 * byte like everything here.  The small immediates (13, 10, 11, 22 and the
 * 5-, 6- and 7-bit shift and trap fields) and DISP8/DISP16/PC10/PC22 come
 * only from hand-written assembler.
 *
 * Fields and checks are the psABI's: a "V-" field is verified, a "T-"
 * field truncated.  HI22, LO10 and PC10 truncate by design.  Displacements
 * (DISPn, WDISPn, PC22) and the simm immediates (13, 10, 11) are signed;
 * the imm22 of R_SPARC_22 and the 5/6/7-bit fields are unsigned; the 8- and
 * 16-bit data fields accept a value that fits read either way, as GNU ld
 * does.  Word displacements must be multiples of 4, else the relocation is
 * dangerous (modutils' rule).  An overflow is reported with the byte value
 * and the byte range, and only the field's bits of the place are replaced:
 * an instruction keeps its opcode and registers.  modutils read every
 * field as unsigned; here each is read the way the CPU reads it.
 *
 * -fpic objects (GOT13/GOT10/GOT22, GOTDATA_OP*, WPLT30 calls, PC22/PC10
 * against _GLOBAL_OFFSET_TABLE_) were never 2.4 modules: the GOT and PLT
 * forms are rejected with a hint to rebuild -fno-pic.  COPY, GLOB_DAT and
 * JMP_SLOT belong to shared objects; RELATIVE (B + A) is accepted.
 *
 * 2.4 quirks.  Big-endian only.  An __ex_table entry is {insn, fixup},
 * 4 + 4 bytes (2.4 sparc32 also let a pair of entries whose first fixup is
 * 0 describe a range: still just relocated words to insmod).  There is no
 * __archdata on sparc.  sun4m puts modules in vmalloc space near the top
 * of the 4 GiB, where an address read as signed is small and negative: the
 * signed checks work on the 32-bit value for that reason.
 *
 * c->value is the value of the formula (sign-extended where the field is
 * checked signed, so a report shows -0x900000, not 0xff700000); c->written
 * is the whole place after patching, as objdump shows it.
 *
 * Reference: System V ABI, SPARC Processor Supplement, 3rd ed., "Relocation
 * Types" (the field names word32, disp30, disp22, imm22, simm13, T-simm13);
 * SPARC Compliance Definition 2.4.1, for WDISP16/WDISP19 and 5/6/7.
 */
#include "arch/arch.h"

#include <elf.h>

/*
 * Names, widths, formulas, and each field's check, bits and shift:
 * arch/reloc-sparc.def.  A word displacement (WDISPn) is the row with
 * shift 2: its low two bits must be 0.
 */
#define ML_RELOC ML_RELOC_ROW
static const struct ml_reloc_type sparc_relocs[] = {
#include "arch/reloc-sparc.def"
};
#undef ML_RELOC

/*
 * One case per formula; the type's row then says which bits of the value
 * go where (shift, bits) and how they are checked.  The GOT/PLT and
 * dynamic types fall to the default: never in a 2.4 module.
 */
static enum ml_reloc_status sparc_apply(struct ml_reloc_ctx *c)
{
	const struct ml_reloc_type *rt = ml_reloc_begin(&ml_arch_sparc, c);
	uint32_t v, field, mask;
	enum ml_reloc_status st;

	if (!rt)
		return ML_RELOC_UNHANDLED;
	switch (c->type) {
	case R_SPARC_NONE:
		return ML_RELOC_OK;
	case R_SPARC_8:
	case R_SPARC_16:
	case R_SPARC_32:
	case R_SPARC_HI22:
	case R_SPARC_22:
	case R_SPARC_13:
	case R_SPARC_LO10:
	case R_SPARC_UA32:
	case R_SPARC_10:
	case R_SPARC_11:
	case R_SPARC_7:
	case R_SPARC_5:
	case R_SPARC_6:
	case R_SPARC_UA16:
		v = (uint32_t)(c->S + c->A);
		break;
	case R_SPARC_DISP8:
	case R_SPARC_DISP16:
	case R_SPARC_DISP32:
	case R_SPARC_WDISP30:
	case R_SPARC_WDISP22:
	case R_SPARC_PC10:
	case R_SPARC_PC22:
	case R_SPARC_WDISP16:
	case R_SPARC_WDISP19:
		v = (uint32_t)(c->S + c->A - c->P);
		break;
	case R_SPARC_RELATIVE:
		v = (uint32_t)(c->base + c->A);
		break;
	default:
		return ML_RELOC_UNHANDLED;
	}
	c->value = v;
	if (rt->shift == 2 && (v & 3))
		return ML_RELOC_DANGEROUS;
	if (rt->check != ML_CHECK_NONE) {
		/* Addresses are 32 bits: check the reduced value, signed unless imm. */
		c->value = rt->check == ML_CHECK_UNSIGNED ? v : (uint64_t)ml_sext(v, 32);
		st = ml_reloc_check(c);
		if (st != ML_RELOC_OK)
			return st;
	}
	/* shift + bits <= 32 for every type, so a logical shift loses no field bit. */
	mask = rt->bits == 32 ? 0xffffffffu : (1u << rt->bits) - 1;
	field = (v >> rt->shift) & mask;
	if (c->type == R_SPARC_WDISP16) { /* d16hi in bits 21..20, d16lo in bits 13..0 */
		field = (field >> 14) << 20 | (field & 0x3fff);
		mask = 0x303fff;
	}
	ml_reloc_patch(c, mask, field);
	return ML_RELOC_OK;
}

static const char *sparc_overflow_hint(uint32_t type)
{
	switch (type) {
	case R_SPARC_GOT10:
	case R_SPARC_GOT13:
	case R_SPARC_GOT22:
	case R_SPARC_WPLT30:
	case R_SPARC_COPY:
	case R_SPARC_GLOB_DAT:
	case R_SPARC_JMP_SLOT:
	case R_SPARC_PLT32:
	case R_SPARC_HIPLT22:
	case R_SPARC_LOPLT10:
	case R_SPARC_PCPLT32:
	case R_SPARC_PCPLT22:
	case R_SPARC_PCPLT10:
	case R_SPARC_GOTDATA_HIX22:
	case R_SPARC_GOTDATA_LOX10:
	case R_SPARC_GOTDATA_OP_HIX22:
	case R_SPARC_GOTDATA_OP_LOX10:
	case R_SPARC_GOTDATA_OP:
		return "GOT/PLT relocations come from -fpic code: build 2.4 modules with -fno-pic";
	case R_SPARC_WDISP22:
	case R_SPARC_WDISP19:
	case R_SPARC_WDISP16:
		return "a conditional branch reaches only nearby code: use call to reach the kernel";
	case R_SPARC_13:
	case R_SPARC_10:
	case R_SPARC_11:
		return "a simm immediate holds only small constants: build addresses with %hi()/%lo()";
	default:
		return NULL;
	}
}

const struct ml_arch ml_arch_sparc = {
	.name = "sparc",
	.machine = EM_SPARC,
	.is64 = false,
	.allow_le = false,
	.allow_be = true,
	.rela = true,
	.ex_entry_size = 8,
	.overflow_hint = sparc_overflow_hint,
	.relocs = sparc_relocs,
	.nrelocs = ML_ARRAY_SIZE(sparc_relocs),
	.apply = sparc_apply,
};
