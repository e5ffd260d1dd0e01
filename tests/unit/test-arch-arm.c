// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ARM relocations (ELF for the ARM Architecture, IHI 0044, §5.6; REL: the
 * addend is in the place, in the place's own encoding).  One row per case,
 * both sides of every boundary: a branch reaches [P + 8 - 32 MiB,
 * P + 8 + 32 MiB) in whole words; out of range it goes through the symbol's
 * veneer when one was reserved and the branch aims at the symbol itself;
 * a target that is not a multiple of 4 is refused; Thumb is refused with a
 * hint.  Rows also run big-endian, which proves the hook writes only
 * through the target's byte order (the descriptor itself accepts only
 * little-endian objects).
 */
#include "tests/unit/arch-rows.h"

#include <elf.h>

#define N(x) ((uint64_t)(int64_t)(x))

#define K 0xc0021234u /* printk, in the kernel's text */
#define M 0xc8800000u /* the module, in vmalloc space (136 MiB away) */
#define P0 (M + 0x100)
#define BL 0xebfffffeu /* bl <sym - 8>: the addend is the PC bias, -8 */
#define LIM 0x2000000  /* 32 MiB */

/* Names and widths: the CPU's one table, as the arch code and --explain read it. */
#define ML_RELOC ARCH_TINFO
static const struct arch_tinfo arm_types[] = {
#include "arch/reloc-arm.def"
};
#undef ML_RELOC

/* Rows without GOT or veneer: c->got and c->stub are 0. */
static const struct arch_row arm_rows[] = {
	ROW_OK(0, K, 0, P0, 0x12345678, 0x12345678),
	ROW_OK(100, K, 0, P0, 0, 0),
	ROW_OK(101, K, 0, P0, 0, 0),
	/* bx lr stays bx lr */
	ROW_OK(40, 0, 0, P0, 0xe12fff1e, 0xe12fff1e),

	/* ABS32 and friends: S + A, A the word in place; 32 bits wrap */
	ROW_OK(2, K, 0, P0, 0, K),
	ROW_OK(2, K, 0, P0, 0x10, K + 0x10),
	ROW_OK(2, M + 0x200, 0, P0, 0xfffffffc, M + 0x1fc),
	ROW_OK(2, 0xfffffff0, 0, P0, 0x20, 0x10),
	ROW_OK(38, K, 0, P0, 4, K + 4),
	ROW_OK(21, K, 0, P0, 0, K),
	ROW_OK(22, K, 0, P0, 0, K),
	ROW_BASE(23, M, 0, 0x40, M + 0x40),
	/* REL32: S + A - P */
	ROW_OK(3, M + 0x200, 0, P0, 0, 0x100),
	ROW_OK(3, M + 0x200, 0, P0, 0xfffffffc, 0xfc),
	ROW_OK(3, K, 0, P0, 0, (uint32_t)(K - P0)),

	/* ABS16 / ABS8: S + A fits the field read signed or unsigned */
	ROW_OK(5, 0xfff0, 0, P0, 0xf, 0xffff),
	ROW_OVF(5, 0xfff0, 0, P0, 0x10, 0x10000, -0x8000, 0x10000, false),
	ROW_OK(5, 0xffff8000, 0, P0, 0, 0x8000),
	ROW_OVF(5, 0xffff7fff, 0, P0, 0, N(-0x8001), -0x8000, 0x10000, false),
	ROW_OK(5, 0x10, 0, P0, 0xfffe, 0xe), /* addend -2 from the place */
	ROW_OK(8, 0xff, 0, P0, 0, 0xff),
	ROW_OVF(8, 0x100, 0, P0, 0, 0x100, -0x80, 0x100, false),
	ROW_OK(8, 0xffffff80, 0, P0, 0, 0x80),
	ROW_OVF(8, 0xffffff7f, 0, P0, 0, N(-0x81), -0x80, 0x100, false),

	/* bl: imm24 = (S + A - P) >> 2, the other 8 bits kept */
	ROW_OK(28, M + 0x200, 0, P0, BL, 0xeb00003e),
	ROW_OK(28, P0 + 8 + LIM - 4, 0, P0, BL, 0xeb7fffff),
	ROW_OVF(28, P0 + 8 + LIM, 0, P0, BL, LIM, -LIM, LIM, false),
	ROW_OK(28, P0 + 8 - LIM, 0, P0, BL, 0xeb800000),
	ROW_OVF(28, P0 + 8 - LIM - 4, 0, P0, BL, N(-LIM - 4), -LIM, LIM, false),
	ROW_OVF(28, K, 0, P0, BL, N((int32_t)(K - 8 - P0)), -LIM, LIM, false),
	/* a target that is not a whole word: refused, the offset reported */
	ROW_DANGER(28, P0 + 0x102, 0, P0, BL, 0xfa),
	ROW_DANGER(28, P0 + 0x101, 0, P0, BL, 0xf9),
	ROW_DANGER(28, K + 1, 0, P0, BL, (uint32_t)(K + 1 - 8 - P0)), /* a Thumb symbol */
	/* bl sym+4: the addend is whatever the place says */
	ROW_OK(28, P0 + 0x100, 0, P0, 0xebffffff, 0xeb00003f),
	/* 32-bit addresses wrap: a module at the bottom reaches the top */
	ROW_OK(28, 0xfffff000, 0, 0x100, BL, 0xebfffbbe),
	/* blx <imm> (cond 1111) is a call into Thumb code */
	ROW_UNH(28, 0xfafffffe),
	/* b, beq, PC24 and PLT32 are the same computation; the condition stays */
	ROW_OK(29, P0 + 0x108, 0, P0, 0xeafffffe, 0xea000040),
	ROW_OK(29, P0 + 0x108, 0, P0, 0x0afffffe, 0x0a000040),
	ROW_OK(29, P0 + 8 - LIM, 0, P0, 0x1afffffe, 0x1a800000),
	ROW_OVF(29, P0 + 8 + LIM, 0, P0, 0xeafffffe, LIM, -LIM, LIM, false),
	ROW_DANGER(29, P0 + 0x10a, 0, P0, 0xeafffffe, 0x102),
	ROW_OK(1, M + 0x200, 0, P0, BL, 0xeb00003e),
	ROW_OVF(1, P0 + 8 + LIM, 0, P0, BL, LIM, -LIM, LIM, false),
	ROW_OK(27, M + 0x200, 0, P0, BL, 0xeb00003e),
	ROW_OVF(27, P0 + 8 - LIM - 4, 0, P0, BL, N(-LIM - 4), -LIM, LIM, false),

	/* PREL31: S + A - P in 31 bits, bit 31 kept; A sign-extended from 31 bits */
	ROW_OK(42, P0 + 0x104, 0, P0, 0xfffffffc, 0x80000100),
	ROW_OK(42, P0 + 0x3fffffff, 0, P0, 0, 0x3fffffff),
	ROW_OVF(42, P0 + 0x40000000, 0, P0, 0, 0x40000000, -0x40000000, 0x40000000, false),
	ROW_OK(42, P0 - 0x40000000, 0, P0, 0x80000000, 0xc0000000),
	ROW_OVF(42, P0 - 0x40000001, 0, P0, 0, N(-0x40000001), -0x40000000, 0x40000000, false),

	/* movw r3, #:lower16:S+A and movt r3, #:upper16:S+A; A = signed imm16 in place */
	ROW_OK(43, 0x00401300, 0, P0, 0xe3003000, 0xe3013300),
	ROW_OK(43, K, 0, P0, 0xe3000004, 0xe3010238),
	ROW_OK(43, K, 0, P0, 0xe30f0ffc, 0xe3010230), /* A = -4 */
	ROW_OK(44, 0x00401300, 0, P0, 0xe3403000, 0xe3403040),
	ROW_OK(44, K, 0, P0, 0xe3400000, 0xe34c0002),
	ROW_OK(44, 0xc0020002, 0, P0, 0xe34f0ffc, 0xe34c0001), /* A = -4 borrows */
	ROW_OK(45, M + 0x1234, 0, P0, 0xe3000000, 0xe3010134),
	ROW_OK(46, K, 0, P0, 0xe3400000, 0xe34f0782), /* (K - P0) >> 16 = 0xf782 */

	/* GOT forms with the GOT (and the slot) at address 0; real addresses below */
	ROW_OK(24, M + 0x300, 0, P0, 8, M + 0x308),
	ROW_OK(25, 0, 0, P0, 0xf0, (uint32_t)(0xf0 - P0)),
	ROW_OK(26, K, 0, P0, 4, 4),
	ROW_OK(96, K, 0, P0, 0, (uint32_t)(0 - P0)),

	/* Thumb: refused, the place untouched */
	ROW_UNH(7, 0x07a5),
	ROW_UNH(10, 0xf7fffffe),
	ROW_UNH(11, 0x48a5),
	ROW_UNH(30, 0xbffef7ff),
	ROW_UNH(47, 0x0000f240),
	ROW_UNH(48, 0x0000f2c0),
	ROW_UNH(49, 0x0000f240),
	ROW_UNH(50, 0x0000f2c0),
	ROW_UNH(51, 0x8000f000),
	ROW_UNH(102, 0xe7fe),
	ROW_UNH(103, 0xd0fe),
	/* dynamic and TLS types a module never has */
	ROW_UNH(20, 0),  /* COPY */
	ROW_UNH(104, 0), /* TLS_GD32 */
	ROW_UNH(200, 0),
};

/* Rows with a .got or a veneer: c->got, c->stub (and the formula said) given. */
struct stub_row {
	uint32_t type;
	uint32_t S, P, got, stub, place;
	enum ml_reloc_status st;
	uint32_t after;      /* OK */
	uint64_t value;      /* OVERFLOW, DANGEROUS */
	const char *formula; /* OK: the formula --explain prints */
};

#define VEN (M + 0x400)
static const struct stub_row arm_stub_rows[] = {
	/* far from printk: through its veneer */
	{ 28, K, P0, 0, VEN, BL, ML_RELOC_OK, 0xeb0000be, 0, "veneer + A - P" },
	{ 29, K, P0, 0, VEN, 0x1afffffe, ML_RELOC_OK, 0x1a0000be, 0, "veneer + A - P" },
	{ 1, K, P0, 0, VEN, BL, ML_RELOC_OK, 0xeb0000be, 0, "veneer + A - P" },
	{ 27, K, P0, 0, VEN, BL, ML_RELOC_OK, 0xeb0000be, 0, "veneer + A - P" },
	/* in range: direct, even with a veneer reserved; just out: the veneer */
	{ 28, P0 + 8 + LIM - 4, P0, 0, VEN, BL, ML_RELOC_OK, 0xeb7fffff, 0, "S + A - P" },
	{ 28, P0 + 8 + LIM, P0, 0, VEN, BL, ML_RELOC_OK, 0xeb0000be, 0, "veneer + A - P" },
	{ 28, P0 + 8 - LIM, P0, 0, VEN, BL, ML_RELOC_OK, 0xeb800000, 0, "S + A - P" },
	{ 28, P0 + 8 - LIM - 4, P0, 0, VEN, BL, ML_RELOC_OK, 0xeb0000be, 0, "veneer + A - P" },
	/* the veneer jumps to S itself: "bl sym+4" may not use it */
	{ 28, K, P0, 0, VEN, 0xebffffff, ML_RELOC_OVERFLOW, 0, N((int32_t)(K - 4 - P0)), NULL },
	/* a veneer out of reach too (a module of more than 32 MiB) */
	{ 28, K, P0, 0, P0 + 0x3000000, BL, ML_RELOC_OVERFLOW, 0, 0x2fffff8, NULL },
	/* misaligned beats out of range */
	{ 28, K + 2, P0, 0, VEN, BL, ML_RELOC_DANGEROUS, 0, (uint32_t)(K + 2 - 8 - P0), NULL },
	/* hello.o at 0x10000000, printk at 0x401300: GNU ld writes the same word */
	{ 28, 0x00401300, 0x1000009c, 0, 0x100001c0, BL, ML_RELOC_OK, 0xeb000047, 0,
	  "veneer + A - P" },

	/* GOT_BREL: the slot's offset from the GOT, plus A */
	{ 26, K, P0, M + 0x2000, M + 0x2008, 0, ML_RELOC_OK, 0x8, 0, "G + A" },
	{ 26, K, P0, M + 0x2000, M + 0x2008, 4, ML_RELOC_OK, 0xc, 0, "G + A" },
	/* GOT_PREL: the slot's address relative to P */
	{ 96, K, P0, M + 0x2000, M + 0x2008, 0, ML_RELOC_OK, 0x1f08, 0, "G + GOT + A - P" },
	/* GOTOFF32: S + A - GOT */
	{ 24, M + 0x300, P0, M + 0x2000, 0, 0, ML_RELOC_OK, 0xffffe300, 0, "S + A - GOT" },
	{ 24, M + 0x300, P0, M + 0x2000, 0, 8, ML_RELOC_OK, 0xffffe308, 0, "S + A - GOT" },
	/* BASE_PREL against _GLOBAL_OFFSET_TABLE_ (S is not used): GOT + A - P */
	{ 25, 0, M + 0x134, M + 0x2000, 0, 0xf0, ML_RELOC_OK, 0x1fbc, 0, "GOT + A - P" },
};

static void run_stub_row(size_t i, bool big)
{
	const struct stub_row *r = &arm_stub_rows[i];
	struct ml_target t = { .big = big };
	unsigned char buf[12], before[12];
	struct ml_reloc_ctx c = { .t = &t,
				  .type = r->type,
				  .S = r->S,
				  .P = r->P,
				  .got = r->got,
				  .stub = r->stub,
				  .loc = buf + 4 };
	enum ml_reloc_status st;
	char where[64];

	snprintf(where, sizeof(where), "arm stub row %zu (%s)", i, big ? "BE" : "LE");
	memset(buf, 0xa5, sizeof(buf));
	unit_enc(buf + 4, 4, big, r->place);
	memcpy(before, buf, sizeof(buf));
	st = ml_arch_arm.apply(&c);
	ck_assert_msg(st == r->st, "%s: status %d, expected %d", where, st, r->st);
	if (st != ML_RELOC_OK) {
		unit_assert_bytes(buf, before, sizeof(buf), where);
		ck_assert_msg(c.value == r->value, "%s: value %#llx, expected %#llx", where,
			      (unsigned long long)c.value, (unsigned long long)r->value);
		if (st == ML_RELOC_OVERFLOW)
			ck_assert(c.lo == -LIM && c.hi == LIM);
		return;
	}
	ck_assert_msg(unit_dec(buf + 4, 4, big) == r->after, "%s: place %s, expected %#x", where,
		      unit_hex(buf + 4, 4), r->after);
	ck_assert_uint_eq(c.written, r->after);
	ck_assert_str_eq(c.formula, r->formula);
	unit_assert_bytes(buf, before, 4, where);
	unit_assert_bytes(buf + 8, before + 8, 4, where);
}

ARCH_ROW_TESTS(&ml_arch_arm, arm_types, arm_rows)

START_TEST(test_stub_rows_le)
{
	run_stub_row((size_t)_i, false);
}
END_TEST

START_TEST(test_stub_rows_be)
{
	run_stub_row((size_t)_i, true);
}
END_TEST

/* The veneer: ldr pc, [pc, #-4] and the target (GNU ld's ARM long-branch stub too). */
START_TEST(test_veneer_bytes)
{
	static const unsigned char exp[8] = { 0x04, 0xf0, 0x1f, 0xe5, 0x00, 0x13, 0x40, 0x00 };
	struct ml_target le = { .big = false };
	unsigned char buf[12];

	memset(buf, 0xa5, sizeof(buf));
	ck_assert_ptr_nonnull(ml_arch_arm.write_plt);
	ml_arch_arm.write_plt(&le, buf + 2, 0x100001c0, 0x00401300);
	unit_assert_bytes(buf + 2, exp, 8, "veneer");
	ck_assert(buf[0] == 0xa5 && buf[1] == 0xa5 && buf[10] == 0xa5 && buf[11] == 0xa5);
}
END_TEST

/* Thumb is refused with a hint to rebuild; branches say how to get in range. */
START_TEST(test_hints)
{
	static const uint32_t thumb[] = { 7, 10, 11, 30, 47, 48, 49, 50, 51, 102, 103 };
	static const uint32_t branch[] = { 1, 27, 28, 29 };

	arch_check_hints(&ml_arch_arm, thumb, ML_ARRAY_SIZE(thumb), "Thumb");
	arch_check_hints(&ml_arch_arm, thumb, ML_ARRAY_SIZE(thumb), "-marm");
	arch_check_hints(&ml_arch_arm, branch, ML_ARRAY_SIZE(branch), "32 MiB");
	arch_check_hints(&ml_arch_arm, branch, ML_ARRAY_SIZE(branch), "-mlong-calls");
	ck_assert_ptr_nonnull(ml_arch_arm.overflow_hint(42));
	ck_assert_ptr_null(ml_arch_arm.overflow_hint(2));
	ck_assert_ptr_null(ml_arch_arm.overflow_hint(200));
}
END_TEST

START_TEST(test_descriptor)
{
	const struct ml_arch *a = &ml_arch_arm;

	arch_check_descriptor(a, "arm", EM_ARM, false, true, false, 8);
	ck_assert(!a->is64);
	ck_assert_ptr_null(a->archdata_section);
	/* a veneer per branched-to symbol, a 4-byte slot per GOT_BREL/GOT_PREL symbol */
	for (uint32_t ty = 0; ty < 256; ty++) {
		enum ml_stub_kind k = a->stub_kind(ty);
		bool branch = ty == 1 || ty == 27 || ty == 28 || ty == 29;
		bool got = ty == 26 || ty == 96;

		ck_assert_msg(k == (branch ? ML_STUB_PLT
				    : got  ? ML_STUB_GOT
					   : ML_STUB_NONE),
			      "stub_kind(%u) = %d", ty, k);
		ck_assert_msg(a->needs_got(ty) == (ty == 24 || ty == 25), "needs_got(%u)", ty);
	}
	ck_assert_uint_eq(a->stub_size(ML_STUB_PLT, NULL), 8);
	ck_assert_uint_eq(a->stub_size(ML_STUB_GOT, NULL), 4);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("arch-arm");
	TCase *tc = tcase_create("apply");

	tcase_add_loop_test(tc, test_rows_le, 0, (int)ML_ARRAY_SIZE(arm_rows));
	tcase_add_loop_test(tc, test_rows_be, 0, (int)ML_ARRAY_SIZE(arm_rows));
	tcase_add_loop_test(tc, test_stub_rows_le, 0, (int)ML_ARRAY_SIZE(arm_stub_rows));
	tcase_add_loop_test(tc, test_stub_rows_be, 0, (int)ML_ARRAY_SIZE(arm_stub_rows));
	tcase_add_test(tc, test_veneer_bytes);
	suite_add_tcase(s, tc);
	tc = tcase_create("tables");
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_hints);
	tcase_add_test(tc, test_descriptor);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
