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

enum sparc_calc {
	SP_NONE,
	SP_ABS,    /* S + A */
	SP_PCREL,  /* S + A - P */
	SP_BASE,   /* B + A */
	SP_REJECT, /* GOT/PLT/dynamic: never in a 2.4 module */
};

enum sparc_check {
	SP_TRUNC,    /* T-: truncated, or a 32-bit field that every value fits */
	SP_SIGNED,   /* V-disp, V-simm */
	SP_UNSIGNED, /* V-imm */
	SP_EITHER,   /* V-byte8, V-half16: fits read signed or unsigned */
};

enum sparc_flags {
	SP_WORD = 1,    /* a word displacement: the low two bits must be 0 */
	SP_SPLIT16 = 2, /* WDISP16: d16hi in bits 21..20, d16lo in bits 13..0 */
};

/*
 * The relocation list, once: name, bytes at P, computation, right shift,
 * field bits, check, flags.  Expanded into the name table and, in the same
 * order, the field recipes.
 */
#define SPARC_RELOCS(X)                                            \
	X(NONE, 0, SP_NONE, 0, 0, SP_TRUNC, 0)                     \
	X(8, 1, SP_ABS, 0, 8, SP_EITHER, 0)                        \
	X(16, 2, SP_ABS, 0, 16, SP_EITHER, 0)                      \
	X(32, 4, SP_ABS, 0, 32, SP_TRUNC, 0)                       \
	X(DISP8, 1, SP_PCREL, 0, 8, SP_SIGNED, 0)                  \
	X(DISP16, 2, SP_PCREL, 0, 16, SP_SIGNED, 0)                \
	X(DISP32, 4, SP_PCREL, 0, 32, SP_TRUNC, 0)                 \
	X(WDISP30, 4, SP_PCREL, 2, 30, SP_SIGNED, SP_WORD)         \
	X(WDISP22, 4, SP_PCREL, 2, 22, SP_SIGNED, SP_WORD)         \
	X(HI22, 4, SP_ABS, 10, 22, SP_TRUNC, 0)                    \
	X(22, 4, SP_ABS, 0, 22, SP_UNSIGNED, 0)                    \
	X(13, 4, SP_ABS, 0, 13, SP_SIGNED, 0)                      \
	X(LO10, 4, SP_ABS, 0, 10, SP_TRUNC, 0)                     \
	X(GOT10, 4, SP_REJECT, 0, 0, SP_TRUNC, 0)                  \
	X(GOT13, 4, SP_REJECT, 0, 0, SP_TRUNC, 0)                  \
	X(GOT22, 4, SP_REJECT, 0, 0, SP_TRUNC, 0)                  \
	X(PC10, 4, SP_PCREL, 0, 10, SP_TRUNC, 0)                   \
	X(PC22, 4, SP_PCREL, 10, 22, SP_SIGNED, 0)                 \
	X(WPLT30, 4, SP_REJECT, 0, 0, SP_TRUNC, 0)                 \
	X(COPY, 4, SP_REJECT, 0, 0, SP_TRUNC, 0)                   \
	X(GLOB_DAT, 4, SP_REJECT, 0, 0, SP_TRUNC, 0)               \
	X(JMP_SLOT, 4, SP_REJECT, 0, 0, SP_TRUNC, 0)               \
	X(RELATIVE, 4, SP_BASE, 0, 32, SP_TRUNC, 0)                \
	X(UA32, 4, SP_ABS, 0, 32, SP_TRUNC, 0)                     \
	X(PLT32, 4, SP_REJECT, 0, 0, SP_TRUNC, 0)                  \
	X(HIPLT22, 4, SP_REJECT, 0, 0, SP_TRUNC, 0)                \
	X(LOPLT10, 4, SP_REJECT, 0, 0, SP_TRUNC, 0)                \
	X(PCPLT32, 4, SP_REJECT, 0, 0, SP_TRUNC, 0)                \
	X(PCPLT22, 4, SP_REJECT, 0, 0, SP_TRUNC, 0)                \
	X(PCPLT10, 4, SP_REJECT, 0, 0, SP_TRUNC, 0)                \
	X(10, 4, SP_ABS, 0, 10, SP_SIGNED, 0)                      \
	X(11, 4, SP_ABS, 0, 11, SP_SIGNED, 0)                      \
	X(WDISP16, 4, SP_PCREL, 2, 16, SP_SIGNED, SP_WORD | SP_SPLIT16) \
	X(WDISP19, 4, SP_PCREL, 2, 19, SP_SIGNED, SP_WORD)         \
	X(7, 4, SP_ABS, 0, 7, SP_UNSIGNED, 0)                      \
	X(5, 4, SP_ABS, 0, 5, SP_UNSIGNED, 0)                      \
	X(6, 4, SP_ABS, 0, 6, SP_UNSIGNED, 0)                      \
	X(UA16, 2, SP_ABS, 0, 16, SP_EITHER, 0)                    \
	X(GOTDATA_HIX22, 4, SP_REJECT, 0, 0, SP_TRUNC, 0)          \
	X(GOTDATA_LOX10, 4, SP_REJECT, 0, 0, SP_TRUNC, 0)          \
	X(GOTDATA_OP_HIX22, 4, SP_REJECT, 0, 0, SP_TRUNC, 0)       \
	X(GOTDATA_OP_LOX10, 4, SP_REJECT, 0, 0, SP_TRUNC, 0)       \
	X(GOTDATA_OP, 4, SP_REJECT, 0, 0, SP_TRUNC, 0)

#define SPARC_NAME(n, w, calc, shift, bits, check, flags) \
	{ R_SPARC_##n, "R_SPARC_" #n, w },
static const struct ml_reloc_type sparc_relocs[] = { SPARC_RELOCS(SPARC_NAME) };

struct sparc_recipe {
	unsigned char calc, shift, bits, check, flags;
};

#define SPARC_RECIPE(n, w, calc, shift, bits, check, flags) \
	{ calc, shift, bits, check, flags },
static const struct sparc_recipe sparc_recipes[] = { SPARC_RELOCS(SPARC_RECIPE) };

static const struct sparc_recipe *recipe_of(uint32_t type,
					    const struct ml_reloc_type **rtp)
{
	const struct ml_reloc_type *rt = ml_arch_reloc(&ml_arch_sparc, type);

	if (rtp)
		*rtp = rt;
	return rt ? &sparc_recipes[rt - sparc_relocs] : NULL;
}

/* The byte range [lo, hi) a checked field accepts; false for a truncated one. */
static bool field_range(const struct sparc_recipe *r, int64_t *lo, int64_t *hi)
{
	int64_t half = 1LL << (r->bits - 1);

	switch (r->check) {
	case SP_SIGNED:
		*lo = -half * (1LL << r->shift);
		*hi = half * (1LL << r->shift);
		return true;
	case SP_UNSIGNED:
		*lo = 0;
		*hi = (2 * half) << r->shift;
		return true;
	case SP_EITHER:
		*lo = -half;
		*hi = 2 * half;
		return true;
	default:
		return false;
	}
}

static enum ml_reloc_status sparc_apply(struct ml_reloc_ctx *c)
{
	const struct ml_reloc_type *rt;
	const struct sparc_recipe *r = recipe_of(c->type, &rt);
	uint32_t v, field, mask, place;
	int64_t lo, hi;

	if (!r)
		return ML_RELOC_UNHANDLED;
	switch (r->calc) {
	case SP_NONE:
		c->formula = "none";
		return ML_RELOC_OK;
	case SP_ABS:
		c->formula = "S + A";
		v = (uint32_t)(c->S + c->A);
		break;
	case SP_PCREL:
		c->formula = "S + A - P";
		v = (uint32_t)(c->S + c->A - c->P);
		break;
	case SP_BASE:
		c->formula = "B + A";
		v = (uint32_t)(c->base + c->A);
		break;
	default:
		return ML_RELOC_UNHANDLED;
	}
	c->value = v;
	if ((r->flags & SP_WORD) && (v & 3))
		return ML_RELOC_DANGEROUS;
	if (field_range(r, &lo, &hi)) {
		/* Addresses are 32 bits: check the reduced value, signed unless imm. */
		int64_t sv = r->check == SP_UNSIGNED ? (int64_t)v : ml_sext(v, 32);

		c->value = (uint64_t)sv;
		if (sv < lo || sv >= hi) {
			c->lo = lo;
			c->hi = hi;
			c->range_unsigned = r->check == SP_UNSIGNED;
			return ML_RELOC_OVERFLOW;
		}
	}
	/* shift + bits <= 32 for every type, so a logical shift loses no field bit. */
	mask = r->bits == 32 ? 0xffffffffu : (1u << r->bits) - 1;
	field = (v >> r->shift) & mask;
	if (r->flags & SP_SPLIT16) {
		field = (field >> 14) << 20 | (field & 0x3fff);
		mask = 0x303fff;
	}
	place = (uint32_t)ml_getn(c->t, c->loc, rt->width);
	place = (place & ~mask) | field;
	c->written = place;
	ml_putn(c->t, c->loc, rt->width, place);
	return ML_RELOC_OK;
}

static const char *sparc_overflow_hint(uint32_t type)
{
	const struct sparc_recipe *r = recipe_of(type, NULL);

	if (r && r->calc == SP_REJECT)
		return "GOT/PLT relocations come from -fpic code: build 2.4 modules with -fno-pic";
	switch (type) {
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
