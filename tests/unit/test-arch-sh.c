// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * SH relocations.  SH objects are RELA, but gas writes every 32-bit addend
 * into the place and leaves r_addend 0, and GNU ld reads it there: the
 * addend is the place's content plus r_addend, and rows check both halves
 * and their sum.  bra/bsr (R_SH_IND12W) reach [-4096, 4096) bytes from
 * P + 4 in halfwords (the 4 is folded into the addend by gas); the -mrelax
 * notes are no-ops against their own section and refused otherwise.  SH
 * runs either byte order: every row runs little- and big-endian.
 */
#include "tests/unit/arch-rows.h"

#include <elf.h>

#define N(x) ((uint64_t)(int64_t)(x))

#define K 0x8c012340u /* printk, in P1 (cached, unmapped) */
#define M 0xc0000000u /* the module, in P3 (vmalloc) */
#define P0 (M + 0x100)

/* Names and widths: the CPU's one table, as the arch code and --explain read it. */
#define ML_RELOC ARCH_TINFO
static const struct arch_tinfo sh_types[] = {
#include "arch/reloc-sh.def"
};
#undef ML_RELOC

/* Rows without GOT or section offset: c->got, c->stub and c->offset are 0. */
static const struct arch_row sh_rows[] = {
	ROW_OK(0, K, 0, P0, 0x12345678, 0x12345678),

	/* DIR32: S + A, A = the place + r_addend */
	ROW_OK(1, K, 0, P0, 0, K),
	ROW_OK(1, K, 0, P0, 0x10, K + 0x10),      /* ".long printk+16" as gas writes it */
	ROW_OK(1, K, 0x10, P0, 0, K + 0x10),      /* the addend in r_addend only */
	ROW_OK(1, K, 0x100, P0, 0x10, K + 0x110), /* both */
	ROW_OK(1, K, N(-4), P0, 0, K - 4),
	ROW_OK(1, 0xfffffff0, 0, P0, 0x20, 0x10), /* 32 bits wrap */
	/* REL32, PLT32: S + A - P */
	ROW_OK(2, M + 0x200, 0, P0, 0, 0x100),
	ROW_OK(2, M + 0x200, 0, P0, 4, 0x104),
	ROW_OK(2, M + 0x200, N(-4), P0, 0, 0xfc),
	ROW_OK(2, K, 0, P0, 0, (uint32_t)(K - P0)),
	/* bsrf printk@PLT: the literal holds -(.LPCS0 + 2 - .) */
	ROW_OK(161, K, 0, P0, 0x9c, (uint32_t)(K + 0x9c - P0)),
	ROW_OK(161, K, 0x9c, P0, 0, (uint32_t)(K + 0x9c - P0)),
	/* dynamic types: S + A, B + A */
	ROW_OK(163, K, 0, P0, 0, K),
	ROW_OK(164, K, 4, P0, 0, K + 4),
	ROW_BASE(165, M, 0x40, 0, M + 0x40),
	ROW_BASE(165, M, 0x40, 0x10, M + 0x50),

	/* bra/bsr: (S + A - P) / 2 in the low 12 bits, the opcode kept */
	ROW_OK(4, P0 + 0x100, N(-4), P0, 0xa000, 0xa07e),
	ROW_OK(4, P0 + 0x20, 0, P0, 0xb123, 0xb010), /* bsr; the old field is ignored */
	ROW_OK(4, P0 + 4094, 0, P0, 0xa000, 0xa7ff),
	ROW_OVF(4, P0 + 4096, 0, P0, 0xa000, 4096, -4096, 4096, false),
	ROW_OK(4, P0 - 4096, 0, P0, 0xa000, 0xa800),
	ROW_OVF(4, P0 - 4098, 0, P0, 0xa000, N(-4098), -4096, 4096, false),
	ROW_DANGER(4, P0 + 0x101, 0, P0, 0xa000, 0x101),
	ROW_OK(4, 0x100, 0, 0xfffffff0, 0xa000, 0xa088), /* 32-bit addresses wrap */

	/* -mrelax notes on fields gas resolved: nothing to do in their own section */
	ROW_OK(3, P0, 0, P0, 0x8b05, 0x8b05),
	ROW_OK(5, P0, 0, P0, 0xd105, 0xd105),
	ROW_OK(6, P0, 0, P0, 0x9105, 0x9105),
	ROW_UNH(3, 0x8b05),
	ROW_UNH(5, 0xd105),
	ROW_UNH(6, 0x9105),
	ROW_OK(22, K, 0, P0, 0, 0),
	ROW_OK(23, K, 0, P0, 0, 0),
	ROW_OK(24, K, 0, P0, 0, 0),
	ROW_OK(25, K, 0, P0, 0, 0),
	ROW_OK(26, K, 0, P0, 0, 0),
	ROW_OK(27, K, 0, P0, 0, 0),
	ROW_OK(28, K, 0, P0, 0, 0),
	ROW_OK(29, K, 0, P0, 0, 0),
	ROW_OK(30, K, 0, P0, 0, 0),
	ROW_OK(31, K, 0, P0, 0, 0),
	ROW_OK(32, K, 0, P0, 0, 0),

	/* GOT forms with the GOT (and the slot) at address 0; real addresses below */
	ROW_OK(160, K, 0, P0, 4, 4),
	ROW_OK(166, M + 0x300, 0, P0, 0, M + 0x300),
	ROW_OK(167, 0, 0, P0, 0x10, (uint32_t)(0x10 - P0)),

	/* GBR-relative, TLS and COPY: refused, the place untouched */
	ROW_UNH(7, 0xc405),
	ROW_UNH(8, 0xc505),
	ROW_UNH(9, 0xc605),
	ROW_UNH(144, 0x10),
	ROW_UNH(145, 0x10),
	ROW_UNH(146, 0x10),
	ROW_UNH(147, 0x10),
	ROW_UNH(148, 0x10),
	ROW_UNH(149, 0x10),
	ROW_UNH(150, 0x10),
	ROW_UNH(151, 0x10),
	ROW_UNH(162, 0x10),
	ROW_UNH(33, 0), /* glibc's R_SH_SWITCH8 number: not what binutils writes */
	ROW_UNH(200, 0),
};

/* Rows with a .got (and the slot) or a section offset. */
struct ctx_row {
	uint32_t type;
	uint32_t S, A, P, got, stub, off, place;
	enum ml_reloc_status st;
	uint32_t after;
	const char *formula;
};

static const struct ctx_row sh_ctx_rows[] = {
	/* GOT32: the slot's offset from the GOT, plus A */
	{ 160, K, 0, P0, M + 0x2000, M + 0x2008, 0, 0, ML_RELOC_OK, 0x8, "G + A" },
	{ 160, K, 0, P0, M + 0x2000, M + 0x2008, 0, 4, ML_RELOC_OK, 0xc, "G + A" },
	{ 160, K, 4, P0, M + 0x2000, M + 0x2008, 0, 0, ML_RELOC_OK, 0xc, "G + A" },
	/* GOTOFF: S + A - GOT */
	{ 166, M + 0x300, 0, P0, M + 0x2000, 0, 0, 0, ML_RELOC_OK, 0xffffe300, "S + A - GOT" },
	{ 166, M + 0x300, 0x14, P0, M + 0x2000, 0, 0, 0, ML_RELOC_OK, 0xffffe314, "S + A - GOT" },
	{ 166, M + 0x300, 0, P0, M + 0x2000, 0, 0, 0x14, ML_RELOC_OK, 0xffffe314, "S + A - GOT" },
	/* GOTPC (against _GLOBAL_OFFSET_TABLE_): GOT + A - P; hello.o -fpic */
	{ 167, 0, 0, 0x800078, 0x800384, 0, 0, 0, ML_RELOC_OK, 0x30c, "GOT + A - P" },
	{ 167, 0, 0, P0, M + 0x2000, 0, 0, 0x10, ML_RELOC_OK, 0x1f10, "GOT + A - P" },
	/* DIR8WPL 0x40 into a section at M + 0x100: no-op against that section only */
	{ 5, M + 0x100, 0, M + 0x140, 0, 0, 0x40, 0xd105, ML_RELOC_OK, 0xd105, "none" },
	{ 5, M + 0x100, 8, M + 0x140, 0, 0, 0x40, 0xd105, ML_RELOC_OK, 0xd105, "none" },
	{ 5, M, 0, M + 0x140, 0, 0, 0x40, 0xd105, ML_RELOC_UNHANDLED, 0, NULL },
	{ 3, M + 0x200, 0, M + 0x140, 0, 0, 0x40, 0x8b05, ML_RELOC_UNHANDLED, 0, NULL },
};

static void run_ctx_row(size_t i, bool big)
{
	const struct ctx_row *r = &sh_ctx_rows[i];
	unsigned w = r->type == 3 || r->type == 5 ? 2 : 4;
	struct ml_target t = { .big = big };
	unsigned char buf[12], before[12];
	struct ml_reloc_ctx c = { .t = &t,
				  .type = r->type,
				  .S = r->S,
				  .A = N((int32_t)r->A),
				  .P = r->P,
				  .got = r->got,
				  .stub = r->stub,
				  .offset = r->off,
				  .rela = true,
				  .loc = buf + 4 };
	enum ml_reloc_status st;
	char where[64];

	snprintf(where, sizeof(where), "sh ctx row %zu (%s)", i, big ? "BE" : "LE");
	memset(buf, 0xa5, sizeof(buf));
	unit_enc(buf + 4, w, big, r->place);
	memcpy(before, buf, sizeof(buf));
	st = ml_arch_sh.apply(&c);
	ck_assert_msg(st == r->st, "%s: status %d, expected %d", where, st, r->st);
	if (st != ML_RELOC_OK) {
		unit_assert_bytes(buf, before, sizeof(buf), where);
		return;
	}
	ck_assert_msg(unit_dec(buf + 4, w, big) == r->after, "%s: place %s, expected %#x", where,
		      unit_hex(buf + 4, w), r->after);
	ck_assert_uint_eq(c.written, r->after);
	ck_assert_str_eq(c.formula, r->formula);
	unit_assert_bytes(buf, before, 4, where);
	unit_assert_bytes(buf + 4 + w, before + 4 + w, sizeof(buf) - 4 - w, where);
}

ARCH_ROW_TESTS(&ml_arch_sh, sh_types, sh_rows)

START_TEST(test_ctx_rows_le)
{
	run_ctx_row((size_t)_i, false);
}
END_TEST

START_TEST(test_ctx_rows_be)
{
	run_ctx_row((size_t)_i, true);
}
END_TEST

/*
 * Whole places as gas writes them and GNU ld links them (sh4-linux-gnu
 * binutils, -ml and -mb): the byte order is the object's.
 */
START_TEST(test_literal_bytes)
{
	static const struct {
		bool big;
		uint32_t type, S, A, P, off;
		unsigned n;
		unsigned char in[4], out[4];
	} ins[] = {
		/* bra 6c in hello.o -mrelax, .text at 0x800060: R_SH_IND12W .text+0x68 */
		{ false, 4, 0x800060, 0x68, 0x8000fe, 0x9e, 2, { 0xe5, 0xaf }, { 0xe5, 0xaf } },
		{ true, 4, 0x800060, 0x68, 0x8000fe, 0x9e, 2, { 0xaf, 0xe5 }, { 0xaf, 0xe5 } },
		/* the same branch with the field cleared: computed from r_addend alone */
		{ false, 4, 0x800060, 0x68, 0x8000fe, 0x9e, 2, { 0x00, 0xa0 }, { 0xe5, 0xaf } },
		/* a literal ".long .rodata+0x54" for mov.l, .rodata at 0x800400 */
		{ false,
		  1,
		  0x800400,
		  0,
		  0x8001b4,
		  0x1b4,
		  4,
		  { 0x54, 0, 0, 0 },
		  { 0x54, 0x04, 0x80, 0x00 } },
		{ true,
		  1,
		  0x800400,
		  0,
		  0x8001b4,
		  0x1b4,
		  4,
		  { 0, 0, 0, 0x54 },
		  { 0x00, 0x80, 0x04, 0x54 } },
	};

	for (size_t i = 0; i < ML_ARRAY_SIZE(ins); i++) {
		struct ml_target t = { .big = ins[i].big };
		unsigned char buf[4];
		struct ml_reloc_ctx c = { .t = &t,
					  .type = ins[i].type,
					  .S = ins[i].S,
					  .A = ins[i].A,
					  .P = ins[i].P,
					  .offset = ins[i].off,
					  .rela = true,
					  .loc = buf };
		char what[32];

		memcpy(buf, ins[i].in, sizeof(buf));
		snprintf(what, sizeof(what), "place %zu", i);
		ck_assert_int_eq(ml_arch_sh.apply(&c), ML_RELOC_OK);
		unit_assert_bytes(buf, ins[i].out, ins[i].n, what);
	}
}
END_TEST

START_TEST(test_hints)
{
	static const uint32_t ind12w[] = { 4 };

	arch_check_hints(&ml_arch_sh, ind12w, 1, "4 KiB");
	arch_check_hints(&ml_arch_sh, ind12w, 1, "-mrelax");
	ck_assert_ptr_null(ml_arch_sh.overflow_hint(1));
	ck_assert_ptr_null(ml_arch_sh.overflow_hint(200));
}
END_TEST

START_TEST(test_descriptor)
{
	const struct ml_arch *a = &ml_arch_sh;

	arch_check_descriptor(a, "sh", EM_SH, true, true, true, 8);
	ck_assert(!a->is64);
	ck_assert_ptr_null(a->archdata_section);
	/* a 4-byte GOT slot per GOT32 symbol; no PLT: nothing is out of reach */
	for (uint32_t ty = 0; ty < 256; ty++) {
		ck_assert_msg(a->stub_kind(ty) == (ty == 160 ? ML_STUB_GOT : ML_STUB_NONE),
			      "stub_kind(%u)", ty);
		ck_assert_msg(a->needs_got(ty) == (ty == 166 || ty == 167), "needs_got(%u)", ty);
	}
	ck_assert_uint_eq(a->stub_size(ML_STUB_GOT, NULL), 4);
	ck_assert_ptr_null(a->write_plt);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("arch-sh");
	TCase *tc = tcase_create("apply");

	tcase_add_loop_test(tc, test_rows_le, 0, (int)ML_ARRAY_SIZE(sh_rows));
	tcase_add_loop_test(tc, test_rows_be, 0, (int)ML_ARRAY_SIZE(sh_rows));
	tcase_add_loop_test(tc, test_ctx_rows_le, 0, (int)ML_ARRAY_SIZE(sh_ctx_rows));
	tcase_add_loop_test(tc, test_ctx_rows_be, 0, (int)ML_ARRAY_SIZE(sh_ctx_rows));
	tcase_add_test(tc, test_literal_bytes);
	suite_add_tcase(s, tc);
	tc = tcase_create("tables");
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_hints);
	tcase_add_test(tc, test_descriptor);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
