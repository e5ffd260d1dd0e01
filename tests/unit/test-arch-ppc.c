// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * 32-bit PowerPC relocations (System V ABI, PowerPC Processor Supplement,
 * ch. 4; RELA: the addend is in the entry, the field is overwritten and an
 * instruction keeps its other bits).  The CPU is big-endian only.
 *
 * Rows: the 16-bit halves (_HA's carry), ADDR16/UADDR16 (signed 16-bit,
 * both edges), ADDR24 and REL24 (+-32 MiB, both edges, misalignment),
 * ADDR14/REL14 (+-32 KiB) with the _BRTAKEN/_BRNTAKEN prediction bit, the
 * refused PIC and small-data types.  Then REL24 through a trampoline: used
 * only when the target is out of reach, and the trampoline's bytes.
 */
#include "tests/unit/arch-rows.h"

#include <elf.h>

#define N(x) ((uint64_t)(int64_t)(x))

/* Names and widths: the CPU's one table, as the arch code and --explain read it. */
#define ML_RELOC ARCH_TINFO
static const struct arch_tinfo ppc_types[] = {
#include "arch/reloc-ppc.def"
};
#undef ML_RELOC

/* printk in the kernel at 0xc0000000, a module in vmalloc space 265 MiB above. */
#define K 0xc0123450u
#define M 0xd0800000u
#define Q (M + 0x100) /* the place of the branch rows */
#define FILL 0xa5a5a5a5u
#define H 0xa5a5u /* a halfword place's old content */

/* Branches with junk in the field: RELA overwrites it. */
#define BL 0x4bfffffdu   /* bl, LI all ones */
#define B 0x4bfffffcu    /* b */
#define BA 0x4bfffffeu   /* ba */
#define BEQ 0x4182fffcu  /* beq cr0, BD all ones */
#define BEQA 0x4182fffeu /* beqa */
#define Y 0x00200000u    /* BO's y bit */

#define R26 0x2000000 /* the reach of a 26-bit signed field: [-R26, R26) */
#define R16 0x8000

static const struct arch_row ppc_rows[] = {
	ROW_OK(R_PPC_NONE, K, 0, M, FILL, FILL),
	/* ADDR32 / UADDR32: S + A */
	ROW_OK(R_PPC_ADDR32, K, 0, M, FILL, K),
	ROW_OK(R_PPC_ADDR32, K, 8, M, FILL, K + 8),
	ROW_OK(R_PPC_ADDR32, M + 0x100, N(-4), M, FILL, M + 0xfc),
	ROW_OK(R_PPC_ADDR32, 0xfffffff0, 0x20, M, FILL, 0x10),
	ROW_OK(R_PPC_UADDR32, K, 4, M + 1, FILL, K + 4),
	/* REL32: S + A - P */
	ROW_OK(R_PPC_REL32, M + 0x200, 4, M + 0x80, FILL, 0x184),
	ROW_OK(R_PPC_REL32, M, 0, M + 0x80, FILL, 0xffffff80),
	ROW_OK(R_PPC_REL32, K, 0, M, FILL, (K - M) & 0xffffffff),
	/* ADDR16 / UADDR16: signed 16 bits */
	ROW_OK(R_PPC_ADDR16, 0x7fff, 0, M, H, 0x7fff),
	ROW_OVF(R_PPC_ADDR16, 0x8000, 0, M, H, 0x8000, -R16, R16, false),
	ROW_OVF(R_PPC_ADDR16, 0x7ff0, 0x10, M, H, 0x8000, -R16, R16, false),
	ROW_OK(R_PPC_ADDR16, 0xffff8000, 0, M, H, 0x8000),
	ROW_OVF(R_PPC_ADDR16, 0xffff7fff, 0, M, H, N(-0x8001), -R16, R16, false),
	ROW_OVF(R_PPC_ADDR16, K, 0, M, H, N((int32_t)K), -R16, R16, false),
	ROW_OK(R_PPC_UADDR16, 0x1234, 2, M + 1, H, 0x1236),
	ROW_OVF(R_PPC_UADDR16, 0x8000, 0, M + 1, H, 0x8000, -R16, R16, false),
	/* the halves: #lo, #hi, and #ha which carries when #lo reads negative */
	ROW_OK(R_PPC_ADDR16_LO, K, 0x10, M, H, 0x3460),
	ROW_OK(R_PPC_ADDR16_LO, 0xc0128000, 0, M, H, 0x8000),
	ROW_OK(R_PPC_ADDR16_HI, K, 0, M, H, 0xc012),
	ROW_OK(R_PPC_ADDR16_HI, 0xc012ffff, 0, M, H, 0xc012),
	ROW_OK(R_PPC_ADDR16_HI, 0xc012fff0, 0x10, M, H, 0xc013),
	ROW_OK(R_PPC_ADDR16_HA, 0xc0127fff, 0, M, H, 0xc012),
	ROW_OK(R_PPC_ADDR16_HA, 0xc0128000, 0, M, H, 0xc013),
	ROW_OK(R_PPC_ADDR16_HA, 0xc0127ff0, 0x10, M, H, 0xc013),
	ROW_OK(R_PPC_ADDR16_HA, 0xffff8000, 0, M, H, 0x0000),
	ROW_OK(R_PPC_ADDR16_HA, 0x00007fff, 0, M, H, 0x0000),
	/* ADDR24 (ba): an absolute target, signed 26 bits */
	ROW_OK(R_PPC_ADDR24, 0x1fffffc, 0, M, BA, 0x49fffffe),
	ROW_OVF(R_PPC_ADDR24, 0x2000000, 0, M, BA, 0x2000000, -R26, R26, false),
	ROW_OK(R_PPC_ADDR24, 0xfe000000, 0, M, BA, 0x4a000002),
	ROW_OVF(R_PPC_ADDR24, 0xfdfffffc, 0, M, BA, N(-0x2000004), -R26, R26, false),
	ROW_OVF(R_PPC_ADDR24, K, 0, M, BA, N((int32_t)K), -R26, R26, false),
	ROW_DANGER(R_PPC_ADDR24, 0x1002, 0, M, BA, 0x1002),
	/* ADDR14 (beqa): signed 16 bits; y as it was */
	ROW_OK(R_PPC_ADDR14, 0x7ffc, 0, M, BEQA, 0x41827ffe),
	ROW_OVF(R_PPC_ADDR14, 0x8000, 0, M, BEQA, 0x8000, -R16, R16, false),
	ROW_OK(R_PPC_ADDR14, 0xffff8000, 0, M, BEQA, 0x41828002),
	ROW_OK(R_PPC_ADDR14, 0x100, 0, M, BEQA | Y, 0x41a20102),
	ROW_DANGER(R_PPC_ADDR14, 0x1001, 0, M, BEQA, 0x1001),
	/* _BRTAKEN: y set for a forward displacement (S + A - P > 0), clear backward */
	ROW_OK(R_PPC_ADDR14_BRTAKEN, 0x1000, 0, 0x800, BEQA, 0x41a21002),
	ROW_OK(R_PPC_ADDR14_BRTAKEN, 0x1000, 0, 0x2000, BEQA | Y, 0x41821002),
	ROW_OK(R_PPC_ADDR14_BRNTAKEN, 0x1000, 0, 0x800, BEQA | Y, 0x41821002),
	ROW_OK(R_PPC_ADDR14_BRNTAKEN, 0x1000, 0, 0x2000, BEQA, 0x41a21002),
	ROW_OVF(R_PPC_ADDR14_BRTAKEN, 0x8000, 0, 0x800, BEQA, 0x8000, -R16, R16, false),
	/* REL14 (beq): +-32 KiB */
	ROW_OK(R_PPC_REL14, Q + 0x7ffc, 0, Q, BEQ, 0x41827ffc),
	ROW_OVF(R_PPC_REL14, Q + 0x8000, 0, Q, BEQ, 0x8000, -R16, R16, false),
	ROW_OK(R_PPC_REL14, Q - 0x8000, 0, Q, BEQ, 0x41828000),
	ROW_OVF(R_PPC_REL14, Q - 0x8004, 0, Q, BEQ, N(-0x8004), -R16, R16, false),
	ROW_OK(R_PPC_REL14, Q, 8, Q, BEQ, 0x41820008),
	ROW_DANGER(R_PPC_REL14, Q + 2, 0, Q, BEQ, 2),
	ROW_OK(R_PPC_REL14_BRTAKEN, Q + 0x100, 0, Q, BEQ, 0x41a20100),
	ROW_OK(R_PPC_REL14_BRTAKEN, Q - 0x100, 0, Q, BEQ | Y, 0x4182ff00),
	ROW_OK(R_PPC_REL14_BRNTAKEN, Q + 0x100, 0, Q, BEQ | Y, 0x41820100),
	ROW_OK(R_PPC_REL14_BRNTAKEN, Q - 0x100, 0, Q, BEQ, 0x41a2ff00),
	ROW_OVF(R_PPC_REL14_BRNTAKEN, Q - 0x8004, 0, Q, BEQ, N(-0x8004), -R16, R16, false),
	/* REL24 (bl, b) with no trampoline: +-32 MiB, both edges */
	ROW_OK(R_PPC_REL24, Q + 0x1fffffc, 0, Q, BL, 0x49fffffd),
	ROW_OVF(R_PPC_REL24, Q + 0x2000000, 0, Q, BL, 0x2000000, -R26, R26, false),
	ROW_OK(R_PPC_REL24, Q - 0x2000000, 0, Q, BL, 0x4a000001),
	ROW_OVF(R_PPC_REL24, Q - 0x2000004, 0, Q, BL, N(-0x2000004), -R26, R26, false),
	ROW_OK(R_PPC_REL24, Q, 0x40, Q, B, 0x48000040),
	ROW_OK(R_PPC_REL24, Q + 0x40, N(-0x80), Q, B, 0x4bffffc0),
	ROW_OVF(R_PPC_REL24, K, 0, Q, BL, N((int32_t)(K - Q)), -R26, R26, false),
	ROW_DANGER(R_PPC_REL24, Q + 0x102, 0, Q, BL, 0x102),
	/* PIC, small data, dynamic and TLS types: refused, place untouched */
	ROW_UNH(R_PPC_GOT16, H),
	ROW_UNH(R_PPC_GOT16_LO, H),
	ROW_UNH(R_PPC_GOT16_HI, H),
	ROW_UNH(R_PPC_GOT16_HA, H),
	ROW_UNH(R_PPC_PLTREL24, FILL),
	ROW_UNH(R_PPC_COPY, FILL),
	ROW_UNH(R_PPC_GLOB_DAT, FILL),
	ROW_UNH(R_PPC_JMP_SLOT, FILL),
	ROW_UNH(R_PPC_RELATIVE, FILL),
	ROW_UNH(R_PPC_LOCAL24PC, FILL),
	ROW_UNH(R_PPC_PLT32, FILL),
	ROW_UNH(R_PPC_PLTREL32, FILL),
	ROW_UNH(R_PPC_PLT16_LO, H),
	ROW_UNH(R_PPC_PLT16_HI, H),
	ROW_UNH(R_PPC_PLT16_HA, H),
	ROW_UNH(R_PPC_SDAREL16, H),
	ROW_UNH(R_PPC_SECTOFF, H),
	ROW_UNH(R_PPC_SECTOFF_LO, H),
	ROW_UNH(R_PPC_SECTOFF_HI, H),
	ROW_UNH(R_PPC_SECTOFF_HA, H),
	ROW_UNH(R_PPC_TLS, FILL),
	ROW_UNH(R_PPC_EMB_SDA21, FILL),
	ROW_UNH(R_PPC_REL16, H),
	ROW_UNH(R_PPC_REL16_LO, H),
	ROW_UNH(R_PPC_REL16_HI, H),
	ROW_UNH(R_PPC_REL16_HA, H),
	ROW_UNH(200, FILL),
};

/*
 * The rows also run little-endian, which PowerPC never is: that proves the
 * hook writes only through the target's byte order.
 */
ARCH_ROW_TESTS(&ml_arch_ppc, ppc_types, ppc_rows)

/* ---- REL24 and its trampolines ---- */

static const struct ml_target be = { .is64 = false, .big = true };

static enum ml_reloc_status rel24(uint64_t S, uint64_t A, uint64_t P, uint64_t stub, uint32_t insn,
				  uint32_t *out, struct ml_reloc_ctx *c)
{
	unsigned char b[4];
	enum ml_reloc_status st;

	unit_enc(b, 4, true, insn);
	memset(c, 0, sizeof(*c));
	c->t = &be;
	c->type = R_PPC_REL24;
	c->S = S;
	c->A = A;
	c->P = P;
	c->stub = stub;
	c->loc = b;
	c->rela = true;
	st = ml_arch_ppc.apply(c);
	*out = (uint32_t)unit_dec(b, 4, true);
	return st;
}

/* Out of reach: through the trampoline; within reach: direct, as GNU ld writes it. */
START_TEST(test_rel24_trampoline)
{
	struct ml_reloc_ctx c;
	uint32_t w;

	/* bl printk from the module: to the trampoline 0xf00 bytes on */
	ck_assert_int_eq(rel24(K, 0, Q, Q + 0xf00, BL, &w, &c), ML_RELOC_OK);
	ck_assert_uint_eq(w, 0x48000f01);
	ck_assert_uint_eq(c.written, 0x48000f01);
	ck_assert(strstr(c.formula, "trampoline") != NULL);
	/* the trampoline may lie before the place */
	ck_assert_int_eq(rel24(K, 0, Q, Q - 0x100, B, &w, &c), ML_RELOC_OK);
	ck_assert_uint_eq(w, 0x4bffff00);
	/* the edges of reach decide, not the existence of a trampoline */
	ck_assert_int_eq(rel24(Q + 0x1fffffc, 0, Q, Q + 0x400, BL, &w, &c), ML_RELOC_OK);
	ck_assert_uint_eq(w, 0x49fffffd);
	ck_assert_int_eq(rel24(Q + 0x2000000, 0, Q, Q + 0x400, BL, &w, &c), ML_RELOC_OK);
	ck_assert_uint_eq(w, 0x48000401);
	ck_assert_int_eq(rel24(Q - 0x2000000, 0, Q, Q + 0x400, BL, &w, &c), ML_RELOC_OK);
	ck_assert_uint_eq(w, 0x4a000001);
	ck_assert_int_eq(rel24(Q - 0x2000004, 0, Q, Q + 0x400, BL, &w, &c), ML_RELOC_OK);
	ck_assert_uint_eq(w, 0x48000401);
	/* a call within the module never uses it */
	ck_assert_int_eq(rel24(M + 0x2000, 0, Q, Q + 0xf00, BL, &w, &c), ML_RELOC_OK);
	ck_assert_uint_eq(w, 0x48001f01);
	ck_assert(strstr(c.formula, "trampoline") == NULL);
	/* the addend is part of the target: printk + 8 is out of reach as well */
	ck_assert_int_eq(rel24(K, 8, Q, Q + 0x10, BL, &w, &c), ML_RELOC_OK);
	ck_assert_uint_eq(w, 0x48000011);
	/* a misaligned target is refused before any trampoline */
	ck_assert_int_eq(rel24(K + 2, 0, Q, Q + 0x10, BL, &w, &c), ML_RELOC_DANGEROUS);
	ck_assert_uint_eq(w, BL);
	/* the trampoline out of reach too (a module over 32 MiB): overflow, place kept */
	ck_assert_int_eq(rel24(K, 0, Q, Q + 0x2000000, BL, &w, &c), ML_RELOC_OVERFLOW);
	ck_assert_uint_eq(w, BL);
	ck_assert_uint_eq(c.value, 0x2000000);
	ck_assert_int_eq(c.lo, -0x2000000);
	ck_assert_int_eq(c.hi, 0x2000000);
}
END_TEST

/* lis r11,T@ha; addi r11,r11,T@l; mtctr r11; bctr -- big-endian bytes */
START_TEST(test_trampoline_bytes)
{
	static const struct {
		uint32_t target;
		unsigned char bytes[16];
	} tr[] = {
		{ 0xc0123450,
		  { 0x3d, 0x60, 0xc0, 0x12, 0x39, 0x6b, 0x34, 0x50, 0x7d, 0x69, 0x03, 0xa6, 0x4e,
		    0x80, 0x04, 0x20 } },
		/* #lo reads negative in addi: #ha carries */
		{ 0xc0128000,
		  { 0x3d, 0x60, 0xc0, 0x13, 0x39, 0x6b, 0x80, 0x00, 0x7d, 0x69, 0x03, 0xa6, 0x4e,
		    0x80, 0x04, 0x20 } },
		{ 0xfffffffc,
		  { 0x3d, 0x60, 0x00, 0x00, 0x39, 0x6b, 0xff, 0xfc, 0x7d, 0x69, 0x03, 0xa6, 0x4e,
		    0x80, 0x04, 0x20 } },
	};
	unsigned char b[24];

	for (size_t i = 0; i < ML_ARRAY_SIZE(tr); i++) {
		memset(b, 0xa5, sizeof(b));
		ml_arch_ppc.write_plt(&be, b + 4, M + 0x1000, tr[i].target);
		unit_assert_bytes(b + 4, tr[i].bytes, 16, "trampoline");
		for (int k = 0; k < 4; k++)
			ck_assert(b[k] == 0xa5 && b[20 + k] == 0xa5);
	}
	/* what lis/addi compute is the target, for targets around every carry */
	for (uint64_t t = 0; t < 0x100000000ull; t += 0x7ffc) {
		uint32_t lis, addi, got;

		ml_arch_ppc.write_plt(&be, b, M, t);
		lis = (uint32_t)unit_dec(b, 4, true);
		addi = (uint32_t)unit_dec(b + 4, 4, true);
		got = (lis << 16) + (uint32_t)(int32_t)(int16_t)(addi & 0xffff);
		ck_assert_msg(got == (uint32_t)t, "target %#llx: lis/addi give %#x",
			      (unsigned long long)t, got);
	}
}
END_TEST

START_TEST(test_stubs)
{
	for (size_t i = 0; i < ml_arch_ppc.nrelocs; i++) {
		uint32_t ty = ml_arch_ppc.relocs[i].type;

		ck_assert_int_eq(ml_arch_ppc.stub_kind(ty),
				 ty == R_PPC_REL24 ? ML_STUB_PLT : ML_STUB_NONE);
	}
	ck_assert_uint_eq(ml_arch_ppc.stub_size(ML_STUB_PLT, &be), 16);
	ck_assert_ptr_nonnull(ml_arch_ppc.write_plt);
	ck_assert_ptr_null(ml_arch_ppc.needs_got);
}
END_TEST

START_TEST(test_hints)
{
	static const uint32_t pic[] = { R_PPC_GOT16,     R_PPC_GOT16_HA, R_PPC_PLTREL24,
					R_PPC_LOCAL24PC, R_PPC_REL16_HA, R_PPC_PLT32 };
	static const uint32_t sda[] = { R_PPC_SDAREL16, R_PPC_EMB_SDA21 };

	arch_check_hints(&ml_arch_ppc, pic, ML_ARRAY_SIZE(pic), "-fno-pic");
	arch_check_hints(&ml_arch_ppc, sda, ML_ARRAY_SIZE(sda), "-mno-sdata -G 0");
	ck_assert_ptr_nonnull(ml_arch_ppc.overflow_hint(R_PPC_REL24));
	ck_assert_ptr_nonnull(ml_arch_ppc.overflow_hint(R_PPC_REL14));
	ck_assert_ptr_nonnull(ml_arch_ppc.overflow_hint(R_PPC_ADDR16));
	ck_assert_ptr_null(ml_arch_ppc.overflow_hint(R_PPC_ADDR32));
}
END_TEST

START_TEST(test_registry)
{
	arch_check_descriptor(&ml_arch_ppc, "ppc", EM_PPC, true, false, true, 8);
	ck_assert(!ml_arch_ppc.is64);
	ck_assert_str_eq(ml_arch_ppc.archdata_section, "__ftr_fixup");
	ck_assert_ptr_null(ml_arch_ppc.state_new);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("arch-ppc");
	TCase *tc = tcase_create("apply");

	tcase_add_loop_test(tc, test_rows_be, 0, (int)ML_ARRAY_SIZE(ppc_rows));
	tcase_add_loop_test(tc, test_rows_le, 0, (int)ML_ARRAY_SIZE(ppc_rows));
	suite_add_tcase(s, tc);
	tc = tcase_create("trampolines");
	tcase_add_test(tc, test_rel24_trampoline);
	tcase_add_test(tc, test_trampoline_bytes);
	tcase_add_test(tc, test_stubs);
	suite_add_tcase(s, tc);
	tc = tcase_create("tables");
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_hints);
	tcase_add_test(tc, test_registry);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
