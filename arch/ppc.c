// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ppc: 32-bit PowerPC, big-endian.
 *
 * 2.4 PowerPC modules are built with -fno-pic -msoft-float, and with
 * -mno-sdata -G 0 (no small-data area: nobody sets up an _SDA_BASE_ for a
 * module and r2 holds the kernel's current task, so the EABI SDA21/SDAREL
 * forms must never appear), and without -mlongcall.
 * What gcc 12 then emits, per fixture:
 *  - R_PPC_ADDR16_HA / R_PPC_ADDR16_LO for every address it builds
 *    (lis rX,sym@ha; addi/lwz/stw ...,sym@l(rX)): the _HA half carries one
 *    when the low half, sign-extended by addi, is negative;
 *  - R_PPC_REL24 for every call (bl) and tail call (b), to the kernel and
 *    between the module's own sections (a .fixup stub's "b 2b" back into
 *    .text);
 *  - R_PPC_ADDR32 for pointers in data (tables, __ex_table, __ksymtab);
 *  - R_PPC_REL32 for "sym - ." in data.
 * ADDR16_HI, plain ADDR16, ADDR24, ADDR14 and REL14 (with their branch
 * prediction variants) are part of the same family and handled, though
 * gcc keeps conditional branches inside a function.  UADDR32/UADDR16 are
 * the unaligned ADDR32/ADDR16.
 *
 * Why stubs: a bl reaches +-32 MiB.  The kernel sits at 0xc0000000 and
 * 2.4 put modules in vmalloc space far above it, so a call to printk is
 * usually out of reach.  Before layout, one 16-byte trampoline is reserved
 * in .plt per distinct (symbol, addend) a REL24 branches to:
 *	lis   r11, T@ha
 *	addi  r11, r11, T@l
 *	mtctr r11
 *	bctr
 * and a REL24 goes through it only when its target is out of reach, so
 * the branches that reach (within the module, or a module loaded near the
 * kernel) are exactly what GNU ld would write.  r11 and ctr are volatile
 * across calls in the SVR4 ABI, so the trampoline may clobber them (GNU
 * ld's own long-branch stubs, with --relax, are the same with r12).
 *
 * PowerPC uses RELA: the addend is in the entry and the field is
 * overwritten (only the instruction's other bits are kept).  Every field
 * narrower than 32 bits is range-checked; modutils checked none but the
 * REL24 one.  The PIC and small-data forms (GOT16*, PLTREL24, PLT*,
 * LOCAL24PC, REL16*, SDAREL16, EMB_SDA21 ...) are refused with a hint
 * naming -fno-pic / -mno-sdata -G 0.
 *
 * 2.4 extra: if the module has __ftr_fixup (CPU feature fixups, patched by
 * the kernel at load), insmod makes __archdata = { start, end } of it for
 * struct module.
 *
 * References: System V ABI, PowerPC Processor Supplement (Sept. 1995),
 * ch. 4 "Relocation Types"; modutils 2.4 obj_ppc.c behaviour as in
 * ../shared/abi/modutils24.md §3.
 */
#include "arch/arch.h"

#include <elf.h>

/* Names, widths, formulas and range checks: arch/reloc-ppc.def. */
#define ML_RELOC ML_RELOC_ROW
static const struct ml_reloc_type ppc_relocs[] = {
#include "arch/reloc-ppc.def"
};
#undef ML_RELOC

#define REL24_MASK 0x03fffffcu /* LI, bits 6-29 */
#define BD_MASK 0x0000fffcu    /* BD, bits 16-29 */
#define Y_BIT 0x00200000u      /* BO's branch-prediction bit */

static enum ml_stub_kind ppc_stub_kind(uint32_t type)
{
	return type == R_PPC_REL24 ? ML_STUB_PLT : ML_STUB_NONE;
}

static unsigned ppc_stub_size(enum ml_stub_kind kind, const struct ml_target *t)
{
	return kind == ML_STUB_PLT ? 16 : 0;
}

static void ppc_write_plt(const struct ml_target *t, unsigned char *p, uint64_t at, uint64_t target)
{
	uint32_t T = (uint32_t)target;

	ml_put32(t, p, 0x3d600000u | ((T + 0x8000) >> 16)); /* lis r11, T@ha */
	ml_put32(t, p + 4, 0x396b0000u | (T & 0xffff));     /* addi r11, r11, T@l */
	ml_put32(t, p + 8, 0x7d6903a6u);                    /* mtctr r11 */
	ml_put32(t, p + 12, 0x4e800420u);                   /* bctr */
}

/*
 * Merge a branch displacement (or absolute target) into the instruction's
 * field, after checking its alignment and the row's range; 'ymask' bits of
 * the instruction are replaced by 'y' (the branch-prediction bit).
 */
static enum ml_reloc_status put_branch(struct ml_reloc_ctx *c, int64_t v, uint32_t mask,
				       uint32_t ymask, uint32_t y)
{
	c->value = (uint64_t)v;
	if (v & 3)
		return ML_RELOC_DANGEROUS;
	if (ml_reloc_check(c) != ML_RELOC_OK)
		return ML_RELOC_OVERFLOW;
	ml_reloc_patch(c, mask | ymask, y | ((uint32_t)v & mask));
	return ML_RELOC_OK;
}

/*
 * The _BRTAKEN/_BRNTAKEN forms set BO's y bit so that the static
 * prediction says taken (or not taken).  y reverses the default, which is
 * "taken" for a backward branch, so its value depends on the sign of the
 * displacement S + A - P.
 */
static uint32_t y_bit(uint32_t type, int64_t disp, uint32_t *ymask)
{
	bool taken = type == R_PPC_ADDR14_BRTAKEN || type == R_PPC_REL14_BRTAKEN;
	bool hinted = taken || type == R_PPC_ADDR14_BRNTAKEN || type == R_PPC_REL14_BRNTAKEN;

	*ymask = hinted ? Y_BIT : 0;
	return hinted && taken != (disp < 0) ? Y_BIT : 0;
}

/* A 16-bit half of an address: no range to check. */
static enum ml_reloc_status put_half(struct ml_reloc_ctx *c, uint32_t v, uint32_t half)
{
	c->value = v;
	ml_reloc_patch(c, 0xffff, half);
	return ML_RELOC_OK;
}

/*
 * One case per relocation type (or per group of types with one formula);
 * the type's row (arch/reloc-ppc.def) gives the formula and the range.
 */
static enum ml_reloc_status ppc_apply(struct ml_reloc_ctx *c)
{
	uint32_t S = (uint32_t)c->S, A = (uint32_t)c->A, P = (uint32_t)c->P;
	uint32_t v = S + A, ymask, y;
	int64_t d;

	if (!ml_reloc_begin(&ml_arch_ppc, c))
		return ML_RELOC_UNHANDLED;
	switch (c->type) {
	case R_PPC_NONE:
		return ML_RELOC_OK;
	case R_PPC_ADDR32:
	case R_PPC_UADDR32:
		c->value = v;
		return ml_reloc_store(c);
	case R_PPC_REL32:
		c->value = (uint32_t)(v - P);
		return ml_reloc_store(c);
	case R_PPC_ADDR16:
	case R_PPC_UADDR16:
		c->value = (uint64_t)(int64_t)(int32_t)v;
		return ml_reloc_store(c);
	case R_PPC_ADDR16_LO:
		return put_half(c, v, v);
	case R_PPC_ADDR16_HI:
		return put_half(c, v, v >> 16);
	case R_PPC_ADDR16_HA:
		return put_half(c, v, (v + 0x8000) >> 16);
	case R_PPC_ADDR24:
		return put_branch(c, (int32_t)v, REL24_MASK, 0, 0);
	case R_PPC_ADDR14:
	case R_PPC_ADDR14_BRTAKEN:
	case R_PPC_ADDR14_BRNTAKEN:
		y = y_bit(c->type, (int32_t)(v - P), &ymask);
		return put_branch(c, (int32_t)v, BD_MASK, ymask, y);
	case R_PPC_REL14:
	case R_PPC_REL14_BRTAKEN:
	case R_PPC_REL14_BRNTAKEN:
		d = (int32_t)(v - P);
		y = y_bit(c->type, d, &ymask);
		return put_branch(c, d, BD_MASK, ymask, y);
	case R_PPC_REL24:
		d = (int32_t)(v - P);
		c->value = (uint64_t)d;
		if (v & 3)
			return ML_RELOC_DANGEROUS;
		if (ml_reloc_check(c) != ML_RELOC_OK && c->stub) {
			/* Out of reach: branch to the trampoline for (S, A) instead. */
			c->formula = "trampoline - P";
			d = (int32_t)((uint32_t)c->stub - P);
		}
		return put_branch(c, d, REL24_MASK, 0, 0);
	default:
		return ML_RELOC_UNHANDLED;
	}
}

static const char *ppc_overflow_hint(uint32_t type)
{
	switch (type) {
	case R_PPC_REL24:
		return "even the trampoline is out of reach: the module is larger than 32 MiB";
	case R_PPC_REL14:
	case R_PPC_REL14_BRTAKEN:
	case R_PPC_REL14_BRNTAKEN:
		return "a conditional branch reaches only +-32 KiB";
	case R_PPC_ADDR16:
	case R_PPC_UADDR16:
	case R_PPC_ADDR24:
	case R_PPC_ADDR14:
	case R_PPC_ADDR14_BRTAKEN:
	case R_PPC_ADDR14_BRNTAKEN:
		return "an absolute address in a 16/24-bit field only reaches the first or last 32 KiB/32 MiB of the address space; build the module with -fno-pic and no -mrelocatable";
	case R_PPC_SDAREL16:
	case R_PPC_EMB_SDA21:
		return "small data does not exist for modules: build with -mno-sdata -G 0";
	case R_PPC_GOT16:
	case R_PPC_GOT16_LO:
	case R_PPC_GOT16_HI:
	case R_PPC_GOT16_HA:
	case R_PPC_PLTREL24:
	case R_PPC_PLT32:
	case R_PPC_PLTREL32:
	case R_PPC_PLT16_LO:
	case R_PPC_PLT16_HI:
	case R_PPC_PLT16_HA:
	case R_PPC_LOCAL24PC:
	case R_PPC_REL16:
	case R_PPC_REL16_LO:
	case R_PPC_REL16_HI:
	case R_PPC_REL16_HA:
		return "PIC code (a GOT or PLT) cannot be loaded as a 2.4 module: build with -fno-pic";
	default:
		return NULL;
	}
}

const struct ml_arch ml_arch_ppc = {
	.name = "ppc",
	.machine = EM_PPC,
	.is64 = false,
	.allow_le = false,
	.allow_be = true,
	.rela = true,
	.ex_entry_size = 8,
	.overflow_hint = ppc_overflow_hint,
	.relocs = ppc_relocs,
	.nrelocs = ML_ARRAY_SIZE(ppc_relocs),
	.stub_kind = ppc_stub_kind,
	.stub_size = ppc_stub_size,
	.write_plt = ppc_write_plt,
	.apply = ppc_apply,
	.archdata_section = "__ftr_fixup",
	/* modutils: a .plt always (empty if no REL24), 16-aligned, 16 bytes per target and addend */
	.plt_align24 = 16,
	.plt_always24 = true,
};
