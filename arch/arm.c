// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * arm: 32-bit ARM, little-endian, ARM (not Thumb) instruction set.
 *
 * 2.4 ARM kernels (NAS boxes, handhelds, StrongARM and XScale boards) were
 * built with -marm and no PIC, and modules with them.  What gcc and gas emit
 * for such a module, and what we therefore meet:
 *
 *  - R_ARM_ABS32 for every pointer in data and for the literal-pool words
 *    that instructions load addresses from (ldr rN, =sym).  With
 *    -mlong-calls every call is such a literal plus "blx rN" or "mov lr,
 *    pc; ldr pc, [...]", so an -mlong-calls module has no branch
 *    relocations at all; on ARMv7 (-march=armv7-a) gcc 12 builds the address
 *    with a MOVW/MOVT pair instead (R_ARM_MOVW_ABS_NC, R_ARM_MOVT_ABS).
 *  - R_ARM_CALL (bl) and R_ARM_JUMP24 (b, conditional bl, tail calls) for
 *    direct branches; old (pre-EABI) assemblers wrote R_ARM_PC24 and
 *    R_ARM_PLT32 for the same instructions.  The field is a signed 24-bit
 *    word offset from P + 8: the target must lie in [P + 8 - 32 MiB,
 *    P + 8 + 32 MiB).
 *  - R_ARM_REL32 for "sym - ." words (position-independent tables).
 *  - With -fpic by mistake: R_ARM_GOT_BREL (GOT32), R_ARM_GOTOFF32,
 *    R_ARM_BASE_PREL (GOTPC, against _GLOBAL_OFFSET_TABLE_), R_ARM_GOT_PREL.
 *
 * ARM uses REL: the addend is in the place, in the place's own encoding
 * (a whole word; imm24 << 2 of a branch, normally -8 for the PC bias; the
 * signed imm4:imm12 of MOVW/MOVT; 31 bits of a PREL31 word).
 *
 * Why stubs exist.  The kernel sits at 0xc0000000 and 2.4 ARM put modules
 * in vmalloc space, often more than 32 MiB away, so a "bl printk" cannot
 * reach.  Like modutils, we reserve one 8-byte veneer per branched-to symbol
 * before layout (a .plt section: "ldr pc, [pc, #-4]" and the target word)
 * and send a branch through it only when the target itself is out of range;
 * a branch in range goes direct and its veneer stays unused.  A veneer
 * jumps to the symbol itself, so only a branch aimed exactly at its symbol
 * (addend -8, the PC bias) may use it; any other out-of-range branch is
 * reported.  A veneer is ARM code, so it cannot enter Thumb code (the
 * kernel of that era had none).
 *
 * Rejected: every R_ARM_THM_* type (Thumb code; 2.4 never had Thumb in the
 * kernel, and the veneers and branches here are ARM-only: build with
 * -marm), a BLX immediate under R_ARM_CALL (a call into Thumb), TLS types,
 * and big-endian objects: BE-8 objects (ARMv6+) keep instructions
 * little-endian in the final image while data is big-endian, so a
 * big-endian .o must be byte-swapped per mapping symbol ($a/$d) as the
 * linker does with --be8; we do not do that, so only little-endian objects
 * are accepted.  R_ARM_V4BX marks a "bx rN" that a linker may rewrite to
 * "mov pc, rN" for ARMv4 cores without BX (ld --fix-v4bx); GNU ld leaves it
 * alone by default and so do we: any core that runs EABI code has BX.
 * R_ARM_PREL31 belongs to .ARM.exidx unwind tables; 2.4 kernels used the
 * old APCS ABI with no such sections (and the fixtures are built with
 * -fno-asynchronous-unwind-tables), but if one is present we relocate it.
 *
 * 2.4 quirks: modutils handled only ABS32, GOT32, GOTPC, GOTOFF, PC24 and
 * PLT32 (the pre-EABI names; an EABI assembler writes CALL and JUMP24 for
 * the same branches), and printed "unhandled reloc" for anything else.
 * Like modutils we reserve a veneer for every branched-to symbol, even one
 * inside the module that a branch always reaches (the stub hook sees only
 * the type), and refuse a branch whose target is not a whole word as
 * dangerous (it would be silently rounded down).  Unlike modutils we also
 * range-check the branch through the veneer and the small fields.
 *
 * Reference: ELF for the ARM Architecture (ARM IHI 0044), §5.6
 * "Relocation codes" and §5.6.1.1 "Addends and PC-bias compensation".
 */
#include "arch/arch.h"

#include <elf.h>

#define ARM_PC_BIAS 8 /* the PC reads as the instruction + 8 */

/*
 * Names (AAELF's), widths, formulas and range checks: arch/reloc-arm.def.
 * A branch's row says signed 24 bits of words: +-32 MiB from P + 8.
 */
#define ML_RELOC ML_RELOC_ROW
static const struct ml_reloc_type arm_relocs[] = {
#include "arch/reloc-arm.def"
};
#undef ML_RELOC

static bool arm_is_branch(uint32_t type)
{
	return type == R_ARM_PC24 || type == R_ARM_CALL || type == R_ARM_JUMP24 ||
	       type == R_ARM_PLT32;
}

static bool arm_is_thumb(uint32_t type)
{
	switch (type) {
	case R_ARM_THM_ABS5:
	case R_ARM_THM_CALL:
	case R_ARM_THM_PC8:
	case R_ARM_THM_JUMP24:
	case R_ARM_THM_MOVW_ABS_NC:
	case R_ARM_THM_MOVT_ABS:
	case R_ARM_THM_MOVW_PREL_NC:
	case R_ARM_THM_MOVT_PREL:
	case R_ARM_THM_JUMP19:
	case R_ARM_THM_JUMP11:
	case R_ARM_THM_JUMP8:
		return true;
	default:
		return false;
	}
}

static enum ml_stub_kind arm_stub_kind(uint32_t type)
{
	if (arm_is_branch(type))
		return ML_STUB_PLT;
	if (type == R_ARM_GOT_BREL || type == R_ARM_GOT_PREL)
		return ML_STUB_GOT;
	return ML_STUB_NONE;
}

static unsigned arm_stub_size(enum ml_stub_kind kind, const struct ml_target *t)
{
	return kind == ML_STUB_PLT ? 8 : kind == ML_STUB_GOT ? 4 : 0;
}

static bool arm_needs_got(uint32_t type)
{
	return type == R_ARM_GOTOFF32 || type == R_ARM_BASE_PREL;
}

/* The veneer: "ldr pc, [pc, #-4]" (the PC reads 8 ahead: the next word), the target. */
static void arm_write_plt(const struct ml_target *t, unsigned char *p, uint64_t at, uint64_t target)
{
	ml_put32(t, p, 0xe51ff004);
	ml_put32(t, p + 4, (uint32_t)target);
}

/* The value as a signed 32-bit quantity: addresses wrap on a 32-bit CPU. */
static uint64_t s32(uint32_t v)
{
	return (uint64_t)(int64_t)(int32_t)v;
}

/* B, BL (and BLX register-free forms): imm24 is a signed word offset from P + 8. */
static enum ml_reloc_status arm_branch(struct ml_reloc_ctx *c, uint32_t insn)
{
	uint32_t A = (uint32_t)ml_sext((insn & 0x00ffffff) << 2, 26);
	uint32_t P = (uint32_t)c->P;
	enum ml_reloc_status st;

	c->A = s32(A);
	if (c->type == R_ARM_CALL && (insn >> 28) == 0xf)
		return ML_RELOC_UNHANDLED; /* BLX <imm>: a call into Thumb code */
	c->value = s32((uint32_t)c->S + A - P);
	if (c->value & 3) {
		c->value = (uint32_t)c->value; /* printed as the 32-bit offset */
		return ML_RELOC_DANGEROUS;
	}
	st = ml_reloc_check(c);
	if (st != ML_RELOC_OK) {
		/*
		 * Out of reach: through the symbol's veneer, which jumps to S
		 * itself, so only a branch aimed at S (A = -8) may use it.
		 */
		if (!c->stub || (int32_t)A != -ARM_PC_BIAS)
			return st;
		c->formula = "veneer + A - P";
		c->value = s32((uint32_t)c->stub + A - P);
		st = ml_reloc_check(c);
		if (st != ML_RELOC_OK)
			return st;
	}
	ml_reloc_patch(c, 0x00ffffff, c->value >> 2);
	return ML_RELOC_OK;
}

/* MOVW/MOVT: a 16-bit immediate split as imm4 (bits 19:16) and imm12 (bits 11:0). */
static uint32_t movw_imm(uint32_t insn)
{
	return ((insn >> 4) & 0xf000) | (insn & 0x0fff);
}

static enum ml_reloc_status arm_movw(struct ml_reloc_ctx *c, uint32_t insn, bool top, bool pcrel)
{
	uint32_t A = (uint32_t)ml_sext(movw_imm(insn), 16);
	uint32_t v = (uint32_t)c->S + A - (pcrel ? (uint32_t)c->P : 0);
	uint32_t imm = top ? v >> 16 : v & 0xffff;

	c->A = s32(A);
	c->value = v;
	ml_reloc_patch(c, 0x000f0fff, ((imm & 0xf000) << 4) | (imm & 0x0fff));
	return ML_RELOC_OK;
}

/* ABS16/ABS8: S + A must fit the field read signed or unsigned (the row's check). */
static enum ml_reloc_status arm_small(struct ml_reloc_ctx *c, unsigned width)
{
	uint32_t A = (uint32_t)ml_sext(ml_getn(c->t, c->loc, width), 8 * width);

	c->A = s32(A);
	c->value = s32((uint32_t)c->S + A);
	return ml_reloc_store(c);
}

/*
 * One case per relocation type (or per group of types with one formula),
 * which is why it is ~80 lines; the type's row (arch/reloc-arm.def) gives
 * the formula and the range.
 */
static enum ml_reloc_status arm_apply(struct ml_reloc_ctx *c)
{
	uint32_t S = (uint32_t)c->S, P = (uint32_t)c->P, GOT = (uint32_t)c->got;
	uint32_t insn, A, v;

	if (!ml_reloc_begin(&ml_arch_arm, c) || arm_is_thumb(c->type))
		return ML_RELOC_UNHANDLED;
	switch (c->type) {
	case R_ARM_NONE:
	case R_ARM_GNU_VTENTRY:
	case R_ARM_GNU_VTINHERIT:
		return ML_RELOC_OK;
	case R_ARM_V4BX: /* "bx rN" stays as it is (see the top of the file) */
		c->written = ml_get32(c->t, c->loc);
		return ML_RELOC_OK;
	case R_ARM_PC24:
	case R_ARM_CALL:
	case R_ARM_JUMP24:
	case R_ARM_PLT32:
		return arm_branch(c, ml_get32(c->t, c->loc));
	case R_ARM_MOVW_ABS_NC:
	case R_ARM_MOVT_ABS:
	case R_ARM_MOVW_PREL_NC:
	case R_ARM_MOVT_PREL:
		return arm_movw(c, ml_get32(c->t, c->loc),
				c->type == R_ARM_MOVT_ABS || c->type == R_ARM_MOVT_PREL,
				c->type == R_ARM_MOVW_PREL_NC || c->type == R_ARM_MOVT_PREL);
	case R_ARM_ABS16:
		return arm_small(c, 2);
	case R_ARM_ABS8:
		return arm_small(c, 1);
	case R_ARM_PREL31:
		insn = ml_get32(c->t, c->loc);
		A = (uint32_t)ml_sext(insn, 31);
		c->A = s32(A);
		c->value = s32(S + A - P);
		if (ml_reloc_check(c) != ML_RELOC_OK)
			return ML_RELOC_OVERFLOW;
		ml_reloc_patch(c, 0x7fffffff, c->value);
		return ML_RELOC_OK;
	default:
		break;
	}

	/* The rest are whole words whose addend is the word itself. */
	A = ml_get32(c->t, c->loc);
	c->A = s32(A);
	switch (c->type) {
	case R_ARM_ABS32:
	case R_ARM_TARGET1: /* Linux: the same as ABS32 (.init_array entries) */
	case R_ARM_GLOB_DAT:
	case R_ARM_JUMP_SLOT:
		v = S + A;
		break;
	case R_ARM_REL32:
		v = S + A - P;
		break;
	case R_ARM_RELATIVE:
		v = (uint32_t)c->base + A;
		break;
	case R_ARM_GOTOFF32:
		v = S + A - GOT;
		break;
	case R_ARM_BASE_PREL:
		/* Against _GLOBAL_OFFSET_TABLE_: what matters is the GOT, not S. */
		v = GOT + A - P;
		break;
	case R_ARM_GOT_BREL:
		v = (uint32_t)c->stub - GOT + A;
		break;
	case R_ARM_GOT_PREL:
		v = (uint32_t)c->stub + A - P;
		break;
	default:
		return ML_RELOC_UNHANDLED;
	}
	c->value = v;
	return ml_reloc_store(c);
}

static const char *arm_overflow_hint(uint32_t type)
{
	if (arm_is_thumb(type))
		return "Thumb code is not supported: build the module with -marm";
	if (arm_is_branch(type))
		return "ARM branches reach +-32 MiB: build with -mlong-calls";
	if (type == R_ARM_PREL31)
		return "an unwind table entry reaches +-1 GiB";
	return NULL;
}

const struct ml_arch ml_arch_arm = {
	.name = "arm",
	.machine = EM_ARM,
	.is64 = false,
	.allow_le = true,
	.allow_be = false,
	.rela = false,
	.ex_entry_size = 8,
	.overflow_hint = arm_overflow_hint,
	.relocs = arm_relocs,
	.nrelocs = ML_ARRAY_SIZE(arm_relocs),
	.stub_kind = arm_stub_kind,
	.stub_size = arm_stub_size,
	.needs_got = arm_needs_got,
	.write_plt = arm_write_plt,
	.apply = arm_apply,
	/* modutils: .got and .plt 8-aligned; 8-byte veneers, one per branch target */
	.got_align24 = 8,
	.plt_align24 = 8,
	.got_reserve24 = true,
};
