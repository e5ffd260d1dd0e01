// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * m68k: Linux/m68k 2.4 ran on Amigas, Ataris, Macs, Sun-3s and VME boards,
 * 68020 to 68060 (and 68000-class CPUs in the uClinux fork).
 *
 * What gcc emits for a module.  Modules are built -fno-pic, and gcc for a
 * 68020 or later addresses everything absolutely: a call to printk is
 * "jsr printk" or "lea printk,%a2; jsr (%a2)", a global is "move.l
 * jiffies,%d0", a string is "pea .LC0": all absolute long operands, all
 * R_68K_32, as are the pointers in data (__ksymtab, __ex_table, function
 * tables).  Within a function gcc and gas resolve branches themselves; a
 * switch is a table of 16-bit offsets from the jump, also resolved.  What
 * is left PC-relative crosses sections: "jra 2b" from .fixup back into
 * .text becomes bra.l with R_68K_PC32 (a 68000 has no bra.l, and gas writes
 * "jmp 2b" with R_68K_32 instead), and hand-written ".long a - b" words are
 * R_68K_PC32 too.  R_68K_PC16 comes from -mpcrel code, which reaches data
 * through (d16,%pc): only 32 KiB either way, so a module built that way
 * cannot reach the kernel and the range check says so.  PC8 and the 8/16-bit
 * absolute forms only come from hand-written assembler (".word sym",
 * "move.l sym.w,%d0", a bra.s to another section).  The field of a
 * PC-relative operand is the extension word, and the 68k's PC at that point
 * is the extension word's own address, so S + A - P with the addend the
 * assembler chose is exactly what the CPU adds; the 8-bit displacement of
 * bra.s is the opcode's low byte, and gas writes the -1 into the addend.
 *
 * Why no stubs.  An absolute long address and a bra.l/bsr.l reach the whole
 * 4 GiB space, so a module never needs a trampoline or a PLT, and -fno-pic
 * code needs no GOT.  -fpic/-fPIC objects (R_68K_GOT16O/GOT32O through
 * %a5, R_68K_PLT32 calls, R_68K_GOT32 against _GLOBAL_OFFSET_TABLE_) were
 * never a 2.4 module: they are rejected, with a hint to rebuild -fno-pic.
 * COPY, GLOB_DAT and JMP_SLOT are for shared objects; RELATIVE (B + A) is
 * accepted because modutils did.
 *
 * Range checks, which modutils did as plain errors: PC8 and PC16 are signed
 * displacements.  The 8- and 16-bit absolute fields accept a value that
 * fits either read (signed or unsigned), as GNU ld does: ".word" data may
 * hold either, and an abs.w address is sign-extended by the CPU, so
 * 0xffff8000 is as valid as 0x7fff.  modutils only accepted unsigned values.
 *
 * 2.4 quirks.  Big-endian only.  The m68k ABI aligns int, long and pointers
 * to 2 bytes, so a 32-bit place may sit at any even offset (stores here are
 * byte-wise anyway).  An __ex_table entry is {insn, fixup}, 4 + 4 bytes;
 * m68k has no __archdata.  2.4's get_user used moves (through the user
 * address space selected by SFC/DFC), which changes nothing for the linker.
 *
 * Reference: System V ABI, Motorola 68000 Processor Family Supplement,
 * "Relocation Types"; the GOT/PLT numbering is that of the GNU m68k ELF
 * implementation, which the Linux/m68k toolchain defined.
 */
#include "arch/arch.h"

#include <elf.h>

/* Names, widths, formulas and range checks: arch/reloc-m68k.def. */
#define ML_RELOC ML_RELOC_ROW
static const struct ml_reloc_type m68k_relocs[] = {
#include "arch/reloc-m68k.def"
};
#undef ML_RELOC

/*
 * One case per formula; the type's row (arch/reloc-m68k.def) gives the
 * width and the range ml_reloc_store() checks.  The GOT/PLT and dynamic
 * types fall to the default: never in a 2.4 module.
 */
static enum ml_reloc_status m68k_apply(struct ml_reloc_ctx *c)
{
	const struct ml_reloc_type *rt = ml_reloc_begin(&ml_arch_m68k, c);
	uint32_t v;

	if (!rt)
		return ML_RELOC_UNHANDLED;
	switch (c->type) {
	case R_68K_NONE:
		return ML_RELOC_OK;
	case R_68K_32:
	case R_68K_16:
	case R_68K_8:
		v = (uint32_t)(c->S + c->A);
		break;
	case R_68K_PC32:
	case R_68K_PC16:
	case R_68K_PC8:
		v = (uint32_t)(c->S + c->A - c->P);
		break;
	case R_68K_RELATIVE:
		v = (uint32_t)(c->base + c->A);
		break;
	default:
		return ML_RELOC_UNHANDLED;
	}
	/* Addresses are 32 bits: reduce first, then read the value signed to check it. */
	c->value = rt->check == ML_CHECK_NONE ? v : (uint64_t)ml_sext(v, 32);
	return ml_reloc_store(c);
}

static const char *m68k_overflow_hint(uint32_t type)
{
	switch (type) {
	case R_68K_GOT32:
	case R_68K_GOT16:
	case R_68K_GOT8:
	case R_68K_GOT32O:
	case R_68K_GOT16O:
	case R_68K_GOT8O:
	case R_68K_PLT32:
	case R_68K_PLT16:
	case R_68K_PLT8:
	case R_68K_PLT32O:
	case R_68K_PLT16O:
	case R_68K_PLT8O:
	case R_68K_COPY:
	case R_68K_GLOB_DAT:
	case R_68K_JMP_SLOT:
		return "GOT/PLT relocations come from -fpic code: build 2.4 modules with -fno-pic";
	case R_68K_PC16:
		return "(d16,%pc) reaches only 32 KiB: was the module built with -mpcrel? Rebuild without it";
	case R_68K_PC8:
		return "an 8-bit branch reaches only 128 bytes: use the 32-bit bra.l or jmp";
	case R_68K_16:
	case R_68K_8:
		return "a short absolute field cannot hold this address: use the 32-bit form";
	default:
		return NULL;
	}
}

const struct ml_arch ml_arch_m68k = {
	.name = "m68k",
	.machine = EM_68K,
	.is64 = false,
	.allow_le = false,
	.allow_be = true,
	.rela = true,
	.ex_entry_size = 8,
	.overflow_hint = m68k_overflow_hint,
	.relocs = m68k_relocs,
	.nrelocs = ML_ARRAY_SIZE(m68k_relocs),
	.apply = m68k_apply,
};
