// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * 32-bit SPARC relocations (System V ABI, SPARC supplement; SCD 2.4.1 for
 * WDISP16/19 and the 5/6/7-bit fields; RELA).  Most places are instruction
 * words: a row gives the instruction before and after, so the opcode and
 * register bits must survive.  Boundaries, each side: WDISP30 (reaches all
 * 4 GiB, wraps), WDISP22 (+-8 MiB), WDISP19 (+-1 MiB), WDISP16 (+-128 KiB,
 * split field), simm13/11/10 (signed), imm22 and the 5/6/7-bit fields
 * (unsigned), DISP8/16 (signed), 8/16/UA16 (signed or unsigned); word
 * displacements not a multiple of 4 are dangerous.  Rows run big-endian, as
 * the CPU is, and little-endian, to prove the hook uses the target's order.
 */
#include "tests/unit/arch-rows.h"

#include <elf.h>

#define N(x) ((uint64_t)(int64_t)(x))
/* Overflow of a signed field: value v not in [-lim, lim). */
#define SOVF(ty, s, a, p, pl, v, lim) ROW_OVF(ty, s, a, p, pl, v, -(lim), lim, false)

/* Names and widths: the CPU's one table, as the arch code and --explain read it. */
#define ML_RELOC ARCH_TINFO
static const struct arch_tinfo sparc_types[] = {
#include "arch/reloc-sparc.def"
};
#undef ML_RELOC

/* printk in a sun4m kernel (KERNBASE 0xf0000000), a module in vmalloc space. */
#define K 0xf0012340u
#define M 0xfe300000u
#define R (M + 0x1000) /* the place of the branch rows */
#define FILL 0xa5a5a5a5u

/* Instructions with an empty field, as gas leaves them in a RELA object. */
#define CALL 0x40000000u  /* call */
#define BA 0x10800000u    /* b */
#define BPNE 0x12480000u  /* bne %icc (v9 bpcc, predict taken) */
#define BRZ 0x02ca0000u   /* brz %o0 (v9 bpr): p and rs1 sit between the halves */
#define SETHI 0x03000000u /* sethi 0, %g1 */
#define ORLO 0x82106000u  /* or %g1, 0, %g1 */
#define MOV13 0x88102000u /* or %g0, 0, %g4 */
#define SLL 0x8b296000u   /* sll %g5, 0, %g5 */
#define TA 0x91d02000u    /* ta 0 */

static const struct arch_row sparc_rows[] = {
	ROW_OK(R_SPARC_NONE, K, 0, M, 0x12345678, 0x12345678),
	/* 32, UA32: S + A, wrapping */
	ROW_OK(R_SPARC_32, K, 0, M, FILL, K),
	ROW_OK(R_SPARC_32, M + 0x100, N(-4), M, FILL, M + 0xfc),
	ROW_OK(R_SPARC_32, 0xfffffff0, 0x20, M, FILL, 0x10),
	ROW_OK(R_SPARC_UA32, K, 2, M + 1, FILL, K + 2),
	/* 8, 16, UA16: read signed or unsigned */
	ROW_OK(R_SPARC_8, 0xff, 0, M, 0xa5, 0xff),
	ROW_OVF(R_SPARC_8, 0x100, 0, M, 0xa5, 0x100, -0x80, 0x100, false),
	ROW_OK(R_SPARC_8, 0xffffff80, 0, M, 0xa5, 0x80),
	ROW_OVF(R_SPARC_8, 0xffffff7f, 0, M, 0xa5, N(-0x81), -0x80, 0x100, false),
	ROW_OK(R_SPARC_16, 0xffff, 0, M, 0xa5a5, 0xffff),
	ROW_OVF(R_SPARC_16, 0xfff0, 0x10, M, 0xa5a5, 0x10000, -0x8000, 0x10000, false),
	ROW_OK(R_SPARC_16, 0xffff8000, 0, M, 0xa5a5, 0x8000),
	ROW_OVF(R_SPARC_16, 0xffff7fff, 0, M, 0xa5a5, N(-0x8001), -0x8000, 0x10000, false),
	ROW_OK(R_SPARC_UA16, 0xfff0, 0, M + 3, 0xa5a5, 0xfff0),
	ROW_OVF(R_SPARC_UA16, K, 0, M + 3, 0xa5a5, N(-0xffedcc0), -0x8000, 0x10000, false),
	/* DISP8/16/32: S + A - P, signed */
	ROW_OK(R_SPARC_DISP8, R + 0x7f, 0, R, 0xa5, 0x7f),
	SOVF(R_SPARC_DISP8, R + 0x80, 0, R, 0xa5, 0x80, 0x80),
	ROW_OK(R_SPARC_DISP8, R - 0x80, 0, R, 0xa5, 0x80),
	SOVF(R_SPARC_DISP8, R - 0x81, 0, R, 0xa5, N(-0x81), 0x80),
	ROW_OK(R_SPARC_DISP16, R + 0x7fff, 0, R, 0xa5a5, 0x7fff),
	SOVF(R_SPARC_DISP16, R + 0x8000, 0, R, 0xa5a5, 0x8000, 0x8000),
	ROW_OK(R_SPARC_DISP16, R - 0x8000, 0, R, 0xa5a5, 0x8000),
	SOVF(R_SPARC_DISP16, R - 0x8001, 0, R, 0xa5a5, N(-0x8001), 0x8000),
	ROW_OK(R_SPARC_DISP32, M, 0, M + 0x100, FILL, 0xffffff00),
	ROW_OK(R_SPARC_DISP32, K, 0, M, FILL, 0xf1d12340),
	/* WDISP30: call printk; the whole space is in reach, modulo 2^32 */
	ROW_OK(R_SPARC_WDISP30, K, 0, M + 0x10, CALL, 0x7c7448cc),
	ROW_OK(R_SPARC_WDISP30, M, 0x100, M + 0x10, CALL, 0x4000003c),
	ROW_OK(R_SPARC_WDISP30, 0x8000000c, 0, 0x10, CALL, 0x5fffffff),
	ROW_OK(R_SPARC_WDISP30, 0x10, 0, 0x80000010, CALL, 0x60000000),
	ROW_OK(R_SPARC_WDISP30, 0x10, 0, 0xfffffff0, CALL, 0x40000008),
	ROW_DANGER(R_SPARC_WDISP30, K + 2, 0, M + 0x10, CALL, 0xf1d12332),
	/* WDISP22: b, bne: 8 MiB either way */
	ROW_OK(R_SPARC_WDISP22, R + 0x7ffffc, 0, R, BA, 0x109fffff),
	SOVF(R_SPARC_WDISP22, R + 0x800000, 0, R, BA, 0x800000, 0x800000),
	ROW_OK(R_SPARC_WDISP22, R - 0x800000, 0, R, BA, 0x10a00000),
	SOVF(R_SPARC_WDISP22, R - 0x800004, 0, R, BA, N(-0x800004), 0x800000),
	ROW_DANGER(R_SPARC_WDISP22, R + 6, 0, R, BA, 6),
	/* get_user's fixup at .fixup+4 branching back to .text+0x14 */
	ROW_OK(R_SPARC_WDISP22, M, 0x14, M + 0x2004, BA, 0x10bff804),
	/* a conditional branch cannot reach the kernel */
	SOVF(R_SPARC_WDISP22, K, 0, M + 0x20, BA, N(-0xe2edce0), 0x800000),
	/* WDISP19: bpcc, 1 MiB either way */
	ROW_OK(R_SPARC_WDISP19, R + 0xffffc, 0, R, BPNE, 0x124bffff),
	SOVF(R_SPARC_WDISP19, R + 0x100000, 0, R, BPNE, 0x100000, 0x100000),
	ROW_OK(R_SPARC_WDISP19, R - 0x100000, 0, R, BPNE, 0x124c0000),
	SOVF(R_SPARC_WDISP19, R - 0x100004, 0, R, BPNE, N(-0x100004), 0x100000),
	ROW_DANGER(R_SPARC_WDISP19, R + 1, 0, R, BPNE, 1),
	/* WDISP16: bpr, 128 KiB either way, d16hi in bits 21..20, d16lo in 13..0 */
	ROW_OK(R_SPARC_WDISP16, R + 0x1fffc, 0, R, BRZ, 0x02da3fff),
	SOVF(R_SPARC_WDISP16, R + 0x20000, 0, R, BRZ, 0x20000, 0x20000),
	ROW_OK(R_SPARC_WDISP16, R - 0x20000, 0, R, BRZ, 0x02ea0000),
	SOVF(R_SPARC_WDISP16, R - 0x20004, 0, R, BRZ, N(-0x20004), 0x20000),
	ROW_OK(R_SPARC_WDISP16, R - 4, 0, R, BRZ, 0x02fa3fff),
	/* only the field changes */
	ROW_OK(R_SPARC_WDISP16, R, 0, R, BRZ | 0x303fff, BRZ),
	ROW_DANGER(R_SPARC_WDISP16, R + 2, 0, R, BRZ, 2),
	/* HI22: bits 31..10 of S + A, truncated by design */
	ROW_OK(R_SPARC_HI22, 0x12345678, 0, M, SETHI, 0x03048d15),
	ROW_OK(R_SPARC_HI22, 0x123453ff, 1, M, SETHI, 0x03048d15),
	ROW_OK(R_SPARC_HI22, 0xffffffff, 0, M, SETHI, 0x033fffff),
	ROW_OK(R_SPARC_HI22, K, 0, M, SETHI, 0x033c0048),
	ROW_OK(R_SPARC_HI22, 0, 0, M, SETHI | 0x3fffff, SETHI),
	/* LO10: bits 9..0; bits 12..10 of the simm13 are kept, as GNU ld keeps them */
	ROW_OK(R_SPARC_LO10, 0x12345678, 0, M, ORLO, 0x82106278),
	ROW_OK(R_SPARC_LO10, 0xffffffff, 0, M, ORLO, 0x821063ff),
	ROW_OK(R_SPARC_LO10, K, 0, M, ORLO, 0x82106340),
	ROW_OK(R_SPARC_LO10, 0x400, 0, M, ORLO | 0x3ff, ORLO),
	ROW_OK(R_SPARC_LO10, 0x12345678, 0, M, ORLO | 0x1c00, 0x82107e78),
	/* 22: imm22, unsigned */
	ROW_OK(R_SPARC_22, 0x3fffff, 0, M, SETHI, 0x033fffff),
	ROW_OVF(R_SPARC_22, 0x400000, 0, M, SETHI, 0x400000, 0, 0x400000, true),
	ROW_OVF(R_SPARC_22, 0, N(-1), M, SETHI, 0xffffffff, 0, 0x400000, true),
	/* 13, 10, 11: simm, signed; an address in the top 4 KiB fits simm13 */
	ROW_OK(R_SPARC_13, 0xfff, 0, M, MOV13, 0x88102fff),
	SOVF(R_SPARC_13, 0x1000, 0, M, MOV13, 0x1000, 0x1000),
	ROW_OK(R_SPARC_13, 0xfffff000, 0, M, MOV13, 0x88103000),
	SOVF(R_SPARC_13, 0xffffefff, 0, M, MOV13, N(-0x1001), 0x1000),
	ROW_OK(R_SPARC_13, 0xfffff800, 0, M, MOV13, 0x88103800),
	SOVF(R_SPARC_13, K, 0, M, MOV13, N(-0xffedcc0), 0x1000),
	ROW_OK(R_SPARC_10, 0x1ff, 0, M, MOV13, 0x881021ff),
	SOVF(R_SPARC_10, 0x200, 0, M, MOV13, 0x200, 0x200),
	ROW_OK(R_SPARC_10, 0xfffffe00, 0, M, MOV13, 0x88102200),
	SOVF(R_SPARC_10, 0xfffffdff, 0, M, MOV13, N(-0x201), 0x200),
	ROW_OK(R_SPARC_11, 0x3ff, 0, M, MOV13, 0x881023ff),
	SOVF(R_SPARC_11, 0x400, 0, M, MOV13, 0x400, 0x400),
	ROW_OK(R_SPARC_11, 0xfffffc00, 0, M, MOV13, 0x88102400),
	SOVF(R_SPARC_11, 0xfffffbff, 0, M, MOV13, N(-0x401), 0x400),
	/* 5, 6: shift counts; 7: trap numbers; unsigned */
	ROW_OK(R_SPARC_5, 31, 0, M, SLL, 0x8b29601f),
	ROW_OVF(R_SPARC_5, 32, 0, M, SLL, 32, 0, 32, true),
	ROW_OVF(R_SPARC_5, 0, N(-1), M, SLL, 0xffffffff, 0, 32, true),
	ROW_OK(R_SPARC_6, 63, 0, M, SLL, 0x8b29603f),
	ROW_OVF(R_SPARC_6, 64, 0, M, SLL, 64, 0, 64, true),
	ROW_OK(R_SPARC_7, 127, 0, M, TA, 0x91d0207f),
	ROW_OVF(R_SPARC_7, 128, 0, M, TA, 128, 0, 128, true),
	/* PC10, PC22: the two halves of S + A - P, truncated */
	ROW_OK(R_SPARC_PC10, M + 0x2345, 0, M + 0x10, ORLO, 0x82106335),
	ROW_OK(R_SPARC_PC10, 0x1000, 0, 0x2000, ORLO, ORLO),
	ROW_OK(R_SPARC_PC10, K, 0, M, ORLO, 0x82106340),
	ROW_OK(R_SPARC_PC22, M + 0x2345, 0, M + 0x10, SETHI, 0x03000008),
	ROW_OK(R_SPARC_PC22, 0x1000, 0, 0x2000, SETHI, 0x033ffffc),
	ROW_OK(R_SPARC_PC22, K, 0, M, SETHI, 0x033c7448),
	/* RELATIVE: B + A */
	ROW_BASE(R_SPARC_RELATIVE, M, 0x100, FILL, M + 0x100),
	ROW_BASE(R_SPARC_RELATIVE, M, N(-4), FILL, M - 4),
	/* -fpic code and dynamic relocations: never in a 2.4 module */
	ROW_UNH(R_SPARC_GOT10, ORLO),
	ROW_UNH(R_SPARC_GOT13, MOV13),
	ROW_UNH(R_SPARC_GOT22, SETHI),
	ROW_UNH(R_SPARC_WPLT30, CALL),
	ROW_UNH(R_SPARC_COPY, FILL),
	ROW_UNH(R_SPARC_GLOB_DAT, FILL),
	ROW_UNH(R_SPARC_JMP_SLOT, FILL),
	ROW_UNH(R_SPARC_PLT32, FILL),
	ROW_UNH(R_SPARC_HIPLT22, SETHI),
	ROW_UNH(R_SPARC_LOPLT10, ORLO),
	ROW_UNH(R_SPARC_PCPLT32, FILL),
	ROW_UNH(R_SPARC_PCPLT22, SETHI),
	ROW_UNH(R_SPARC_PCPLT10, ORLO),
	ROW_UNH(R_SPARC_GOTDATA_HIX22, SETHI),
	ROW_UNH(R_SPARC_GOTDATA_LOX10, ORLO),
	ROW_UNH(R_SPARC_GOTDATA_OP_HIX22, SETHI),
	ROW_UNH(R_SPARC_GOTDATA_OP_LOX10, ORLO),
	ROW_UNH(R_SPARC_GOTDATA_OP, FILL),
	/* 64-bit and TLS types have no place in a 32-bit module */
	ROW_UNH(R_SPARC_64, FILL),
	ROW_UNH(R_SPARC_HH22, SETHI),
	ROW_UNH(R_SPARC_TLS_LE_HIX22, SETHI),
	ROW_UNH(200, FILL),
};

ARCH_ROW_TESTS(&ml_arch_sparc, sparc_types, sparc_rows)

/*
 * Instructions as gas writes them and GNU ld (sparc64-linux-gnu binutils,
 * -m elf32_sparc) links them: the module at 0xfe300060, printk at 0x401000,
 * jiffies at 0x401040.
 */
START_TEST(test_literal_words)
{
	static const struct {
		uint32_t type;
		uint64_t S, A, P;
		uint32_t in, out;
	} ins[] = {
		/* call printk, b near (.text.x) */
		{ R_SPARC_WDISP30, 0x401000, 0, 0xfe300060, 0x40000000, 0x408403e8 },
		{ R_SPARC_WDISP22, 0xfe3000c8, 0, 0xfe300070, 0x10800000, 0x10800016 },
		/* sethi %hi(jiffies), %g1; ld [%g1 + %lo(jiffies)], %g2 */
		{ R_SPARC_HI22, 0x401040, 0, 0xfe300080, 0x03000000, 0x03001004 },
		{ R_SPARC_LO10, 0x401040, 0, 0xfe300084, 0xc4006000, 0xc4006040 },
		/* sethi %pc22(printk), %g3; or %g3, %pc10(printk), %g3 */
		{ R_SPARC_PC22, 0x401000, 0, 0xfe300098, 0x07000000, 0x07008403 },
		{ R_SPARC_PC10, 0x401000, 0, 0xfe30009c, 0x8610e000, 0x8610e364 },
		/* brz %o0 forward 0x12360, brgez %o2 back to init_module+4 */
		{ R_SPARC_WDISP16, 0xfe3123c0, 0, 0xfe300068, 0x02ca0000, 0x02da08d6 },
		{ R_SPARC_WDISP16, 0xfe300060, 4, 0xfe3123c0, 0x0eca8000, 0x0eeab729 },
		{ R_SPARC_WDISP19, 0xfe3123c0, 0, 0xfe300060, 0x12480000, 0x124848d8 },
	};
	struct ml_target be = { .is64 = false, .big = true };

	for (size_t i = 0; i < ML_ARRAY_SIZE(ins); i++) {
		unsigned char buf[4], exp[4];
		struct ml_reloc_ctx c = { .t = &be,
					  .type = ins[i].type,
					  .S = ins[i].S,
					  .A = ins[i].A,
					  .P = ins[i].P,
					  .loc = buf,
					  .rela = true };
		char what[32];

		unit_enc(buf, 4, true, ins[i].in);
		unit_enc(exp, 4, true, ins[i].out);
		snprintf(what, sizeof(what), "instruction %zu", i);
		ck_assert_int_eq(ml_arch_sparc.apply(&c), ML_RELOC_OK);
		unit_assert_bytes(buf, exp, 4, what);
	}
}
END_TEST

/* UA32/UA16 at odd addresses: byte by byte, most significant first. */
START_TEST(test_unaligned)
{
	static const unsigned char exp32[8] = { 0xa5, 0xf0, 0x01, 0x23, 0x42, 0xa5, 0xa5, 0xa5 };
	static const unsigned char exp16[8] = { 0xa5, 0xa5, 0xa5, 0xff, 0xf0, 0xa5, 0xa5, 0xa5 };
	struct ml_target be = { .is64 = false, .big = true };
	unsigned char buf[8];
	struct ml_reloc_ctx c = {
		.t = &be, .type = R_SPARC_UA32, .S = K, .A = 2, .P = M + 1, .rela = true
	};

	memset(buf, 0xa5, sizeof(buf));
	c.loc = buf + 1;
	ck_assert_int_eq(ml_arch_sparc.apply(&c), ML_RELOC_OK);
	unit_assert_bytes(buf, exp32, 8, "UA32 at offset 1");

	memset(buf, 0xa5, sizeof(buf));
	memset(&c, 0, sizeof(c));
	c.t = &be, c.type = R_SPARC_UA16, c.S = 0xfff0, c.P = M + 3, c.loc = buf + 3;
	ck_assert_int_eq(ml_arch_sparc.apply(&c), ML_RELOC_OK);
	unit_assert_bytes(buf, exp16, 8, "UA16 at offset 3");
}
END_TEST

/* %hi and %lo, each computed alone, give back S + A: no carry, no pairing. */
START_TEST(test_hi_lo_split)
{
	static const uint32_t addrs[] = { 0,          0x3ff,      0x400,      0x12345678,
					  0xf00123ff, 0xfe300400, 0xfffffc00, 0xffffffff };
	struct ml_target be = { .is64 = false, .big = true };

	for (size_t i = 0; i < ML_ARRAY_SIZE(addrs); i++) {
		unsigned char hi[4], lo[4];
		struct ml_reloc_ctx c = { .t = &be,
					  .type = R_SPARC_HI22,
					  .S = addrs[i],
					  .P = M,
					  .loc = hi,
					  .rela = true };
		uint32_t got;

		unit_enc(hi, 4, true, SETHI);
		unit_enc(lo, 4, true, ORLO);
		ck_assert_int_eq(ml_arch_sparc.apply(&c), ML_RELOC_OK);
		c.type = R_SPARC_LO10, c.loc = lo;
		ck_assert_int_eq(ml_arch_sparc.apply(&c), ML_RELOC_OK);
		got = (uint32_t)(unit_dec(hi, 4, true) & 0x3fffff) << 10 |
		      (uint32_t)(unit_dec(lo, 4, true) & 0x3ff);
		ck_assert_msg(got == addrs[i], "%%hi/%%lo of %#x give %#x", addrs[i], got);
	}
}
END_TEST

START_TEST(test_hints)
{
	static const uint32_t pic[] = { R_SPARC_GOT10, R_SPARC_GOT13, R_SPARC_GOT22, R_SPARC_WPLT30,
					R_SPARC_GOTDATA_OP_HIX22 };
	static const uint32_t branches[] = { R_SPARC_WDISP22, R_SPARC_WDISP19, R_SPARC_WDISP16 };
	static const uint32_t simm[] = { R_SPARC_13, R_SPARC_10, R_SPARC_11 };

	arch_check_hints(&ml_arch_sparc, pic, ML_ARRAY_SIZE(pic), "-fno-pic");
	arch_check_hints(&ml_arch_sparc, branches, ML_ARRAY_SIZE(branches), "call");
	arch_check_hints(&ml_arch_sparc, simm, ML_ARRAY_SIZE(simm), "%hi");
	ck_assert_ptr_null(ml_arch_sparc.overflow_hint(R_SPARC_32));
	ck_assert_ptr_null(ml_arch_sparc.overflow_hint(200));
}
END_TEST

START_TEST(test_registry)
{
	arch_check_descriptor(&ml_arch_sparc, "sparc", EM_SPARC, true, false, true, 8);
	ck_assert(!ml_arch_sparc.is64);
	/* v8plus objects (gcc -m32 -mcpu=v9) are 32-bit SPARC code */
	ck_assert_ptr_eq(ml_arch_find(EM_SPARC32PLUS, false), &ml_arch_sparc);
	/* call reaches the whole 32-bit space: no GOT, no PLT */
	arch_check_no_stubs(&ml_arch_sparc);
	ck_assert_ptr_null(ml_arch_sparc.archdata_section);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("arch-sparc");
	TCase *tc = tcase_create("apply");

	tcase_add_loop_test(tc, test_rows_be, 0, (int)ML_ARRAY_SIZE(sparc_rows));
	tcase_add_loop_test(tc, test_rows_le, 0, (int)ML_ARRAY_SIZE(sparc_rows));
	tcase_add_test(tc, test_literal_words);
	tcase_add_test(tc, test_unaligned);
	tcase_add_test(tc, test_hi_lo_split);
	suite_add_tcase(s, tc);
	tc = tcase_create("tables");
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_hints);
	tcase_add_test(tc, test_registry);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
