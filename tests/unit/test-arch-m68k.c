// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * m68k relocations (System V ABI, Motorola 68000 supplement; RELA: the
 * addend is in the entry and the place is overwritten).  One row per case,
 * both sides of every boundary: PC8 and PC16 are signed displacements, the
 * 8- and 16-bit absolute fields take a value that fits read signed or
 * unsigned, 32-bit fields wrap.  The CPU is big-endian; every row also runs
 * little-endian, which proves the hook writes only through the target's
 * byte order.
 */
#include "tests/unit/arch-rows.h"

#include <elf.h>

#define N(x) ((uint64_t)(int64_t)(x))
/* Overflow of a signed field: value v not in [-lim, lim). */
#define SOVF(ty, s, a, p, pl, v, lim) ROW_OVF(ty, s, a, p, pl, v, -(lim), lim, false)

/* Names and widths: the CPU's one table, as the arch code and --explain read it. */
#define ML_RELOC ARCH_TINFO
static const struct arch_tinfo m68k_types[] = {
#include "arch/reloc-m68k.def"
};
#undef ML_RELOC

/* printk in a kernel linked at 0 (Amiga, Atari), a module in vmalloc space. */
#define K 0x0001a2b4u
#define M 0xd0800000u
#define Q (M + 0x100)    /* the place of the 8/16-bit PC-relative rows */
#define FILL 0xa5a5a5a5u /* RELA: the old place must not matter */

static const struct arch_row m68k_rows[] = {
	ROW_OK(R_68K_NONE, K, 0, M, 0x12345678, 0x12345678),
	/* 32: S + A; the 32-bit sum wraps */
	ROW_OK(R_68K_32, K, 0, M + 2, FILL, K), /* jsr printk */
	ROW_OK(R_68K_32, K, 8, M + 2, 0, K + 8),
	ROW_OK(R_68K_32, M + 0x100, N(-4), M, FILL, M + 0xfc),
	ROW_OK(R_68K_32, 0xfffffff0, 0x20, M, FILL, 0x10),
	/* 16: the value read signed or unsigned: [-0x8000, 0x10000) */
	ROW_OK(R_68K_16, 0xffff, 0, M, FILL, 0xffff),
	ROW_OVF(R_68K_16, 0x10000, 0, M, FILL, 0x10000, -0x8000, 0x10000, false),
	ROW_OK(R_68K_16, 0xffff8000, 0, M, FILL, 0x8000), /* abs.w, sign-extended */
	ROW_OVF(R_68K_16, 0xffff7fff, 0, M, FILL, N(-0x8001), -0x8000, 0x10000, false),
	ROW_OK(R_68K_16, 0x10, N(-2), M, FILL, 0xe),
	ROW_OVF(R_68K_16, 0xfff0, 0x10, M, FILL, 0x10000, -0x8000, 0x10000, false),
	ROW_OVF(R_68K_16, K, 0, M, FILL, K, -0x8000, 0x10000, false),
	/* 8: [-0x80, 0x100) */
	ROW_OK(R_68K_8, 0xff, 0, M, 0xa5, 0xff),
	ROW_OVF(R_68K_8, 0x100, 0, M, 0xa5, 0x100, -0x80, 0x100, false),
	ROW_OK(R_68K_8, 0xffffff80, 0, M, 0xa5, 0x80),
	ROW_OVF(R_68K_8, 0xffffff7f, 0, M, 0xa5, N(-0x81), -0x80, 0x100, false),
	ROW_OK(R_68K_8, 0x10, N(-1), M, 0xa5, 0x0f),
	/* PC32: bra.l from .fixup+0x1004 back to .text+0xe, and bsr.l printk */
	ROW_OK(R_68K_PC32, M, 0xe, M + 0x1006, FILL, 0xfffff008),
	ROW_OK(R_68K_PC32, K, 0, M + 0x10, FILL, 0x2f81a2a4),
	ROW_OK(R_68K_PC32, 0x10, 0, 0xfffffff0, FILL, 0x20), /* wraps */
	/* PC16: (d16,%pc) and bra.w: signed, 32 KiB either way */
	ROW_OK(R_68K_PC16, Q + 0x7fff, 0, Q, FILL, 0x7fff),
	SOVF(R_68K_PC16, Q + 0x8000, 0, Q, FILL, 0x8000, 0x8000),
	ROW_OK(R_68K_PC16, Q - 0x8000, 0, Q, FILL, 0x8000),
	SOVF(R_68K_PC16, Q - 0x8001, 0, Q, FILL, N(-0x8001), 0x8000),
	ROW_OK(R_68K_PC16, Q + 0x10, 2, Q, FILL, 0x12),
	/* -mpcrel code reaching for a kernel symbol */
	SOVF(R_68K_PC16, K, 0, M, FILL, 0x2f81a2b4, 0x8000), /* wraps: +0x2f81a2b4 */
	/* PC8: bra.s, whose field is the opcode's low byte: gas puts -1 in A */
	ROW_OK(R_68K_PC8, Q + 0x80, N(-1), Q, 0xa5, 0x7f),
	SOVF(R_68K_PC8, Q + 0x81, N(-1), Q, 0xa5, 0x80, 0x80),
	ROW_OK(R_68K_PC8, Q - 0x7f, N(-1), Q, 0xa5, 0x80),
	SOVF(R_68K_PC8, Q - 0x80, N(-1), Q, 0xa5, N(-0x81), 0x80),
	ROW_OK(R_68K_PC8, Q + 1, N(-1), Q, 0xa5, 0x00),
	/* RELATIVE: B + A */
	ROW_BASE(R_68K_RELATIVE, M, 0x100, FILL, M + 0x100),
	ROW_BASE(R_68K_RELATIVE, M, N(-4), FILL, M - 4),
	/* -fpic code and dynamic relocations: never in a 2.4 module */
	ROW_UNH(R_68K_GOT32, FILL),
	ROW_UNH(R_68K_GOT16, 0xa5a5),
	ROW_UNH(R_68K_GOT8, 0xa5),
	ROW_UNH(R_68K_GOT32O, FILL),
	ROW_UNH(R_68K_GOT16O, 0xa5a5),
	ROW_UNH(R_68K_GOT8O, 0xa5),
	ROW_UNH(R_68K_PLT32, FILL),
	ROW_UNH(R_68K_PLT16, 0xa5a5),
	ROW_UNH(R_68K_PLT8, 0xa5),
	ROW_UNH(R_68K_PLT32O, FILL),
	ROW_UNH(R_68K_PLT16O, 0xa5a5),
	ROW_UNH(R_68K_PLT8O, 0xa5),
	ROW_UNH(R_68K_COPY, FILL),
	ROW_UNH(R_68K_GLOB_DAT, FILL),
	ROW_UNH(R_68K_JMP_SLOT, FILL),
	ROW_UNH(R_68K_TLS_LE32, FILL),
	ROW_UNH(200, FILL),
};

ARCH_ROW_TESTS(&ml_arch_m68k, m68k_types, m68k_rows)

/*
 * Whole instructions as gas writes them and GNU ld links them (m68k-linux-gnu
 * binutils, the module at 0x40000060, printk at 0x401000).
 */
START_TEST(test_literal_bytes)
{
	static const struct {
		uint32_t type;
		uint64_t S, A, P;
		unsigned off, n;
		unsigned char in[8], out[8];
	} ins[] = {
		/* jsr printk */
		{ R_68K_32,
		  0x401000,
		  0,
		  0x40000076,
		  2,
		  6,
		  { 0x4e, 0xb9, 0, 0, 0, 0 },
		  { 0x4e, 0xb9, 0x00, 0x40, 0x10, 0x00 } },
		/* bsr.l printk */
		{ R_68K_PC32,
		  0x401000,
		  0,
		  0x40000070,
		  2,
		  6,
		  { 0x61, 0xff, 0, 0, 0, 0 },
		  { 0x61, 0xff, 0xc0, 0x40, 0x0f, 0x90 } },
		/* bra.s near8 (.text.x at 0x40000096) */
		{ R_68K_PC8, 0x40000096, N(-1), 0x40000063, 1, 2, { 0x60, 0x00 }, { 0x60, 0x32 } },
		/* bra.w near16 */
		{ R_68K_PC16,
		  0x40000096,
		  2,
		  0x40000066,
		  2,
		  4,
		  { 0x60, 0x00, 0, 0 },
		  { 0x60, 0x00, 0x00, 0x32 } },
		/* move.w #0xfff0,%d1 */
		{ R_68K_16,
		  0xfff0,
		  0,
		  0x4000008a,
		  2,
		  4,
		  { 0x32, 0x3c, 0, 0 },
		  { 0x32, 0x3c, 0xff, 0xf0 } },
	};
	struct ml_target be = { .is64 = false, .big = true };

	for (size_t i = 0; i < ML_ARRAY_SIZE(ins); i++) {
		unsigned char buf[8];
		struct ml_reloc_ctx c = { .t = &be,
					  .type = ins[i].type,
					  .S = ins[i].S,
					  .A = ins[i].A,
					  .P = ins[i].P,
					  .rela = true };
		char what[32];

		memcpy(buf, ins[i].in, sizeof(buf));
		c.loc = buf + ins[i].off;
		snprintf(what, sizeof(what), "instruction %zu", i);
		ck_assert_int_eq(ml_arch_m68k.apply(&c), ML_RELOC_OK);
		unit_assert_bytes(buf, ins[i].out, ins[i].n, what);
	}
}
END_TEST

/* Hints name the likely cause; -fpic objects are told to rebuild. */
START_TEST(test_hints)
{
	static const uint32_t pic[] = { R_68K_GOT32, R_68K_GOT16O, R_68K_GOT32O, R_68K_PLT32,
					R_68K_PLT32O };
	static const uint32_t pc16[] = { R_68K_PC16 };
	static const uint32_t shorts[] = { R_68K_PC8, R_68K_16, R_68K_8 };

	arch_check_hints(&ml_arch_m68k, pic, ML_ARRAY_SIZE(pic), "-fno-pic");
	arch_check_hints(&ml_arch_m68k, pc16, 1, "-mpcrel");
	arch_check_hints(&ml_arch_m68k, shorts, ML_ARRAY_SIZE(shorts), "32-bit");
	ck_assert_ptr_null(ml_arch_m68k.overflow_hint(R_68K_32));
	ck_assert_ptr_null(ml_arch_m68k.overflow_hint(200));
}
END_TEST

START_TEST(test_registry)
{
	arch_check_descriptor(&ml_arch_m68k, "m68k", EM_68K, true, false, true, 8);
	ck_assert(!ml_arch_m68k.is64);
	/* 32-bit absolute addressing reaches everything: no GOT, no PLT */
	arch_check_no_stubs(&ml_arch_m68k);
	ck_assert_ptr_null(ml_arch_m68k.archdata_section);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("arch-m68k");
	TCase *tc = tcase_create("apply");

	tcase_add_loop_test(tc, test_rows_be, 0, (int)ML_ARRAY_SIZE(m68k_rows));
	tcase_add_loop_test(tc, test_rows_le, 0, (int)ML_ARRAY_SIZE(m68k_rows));
	tcase_add_test(tc, test_literal_bytes);
	suite_add_tcase(s, tc);
	tc = tcase_create("tables");
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_hints);
	tcase_add_test(tc, test_registry);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
