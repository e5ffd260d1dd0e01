// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * MIPS relocations (System V ABI, MIPS RISC Processor Supplement; REL: the
 * addend is in the place).  Every row runs big-endian (mips) and
 * little-endian (mipsel): one descriptor serves both, and the hook must
 * read and write the instruction word only through the target's byte order.
 *
 * Single rows: 32, PC32, 26 (the 256 MiB region of P + 4, both edges, the
 * misaligned target), a LO16 alone, PC16 (+-128 KiB, both edges), and the
 * refused types.  HI16 needs the object's state, so the HI16/LO16 pairing
 * is tested as sequences over one buffer: several HI16s sharing one LO16,
 * the carry of %hi, addends above 64 KiB, interleaved symbols, HI16s that
 * never meet their LO16 (one error each, naming section, offset, symbol).
 */
#include "tests/unit/arch-rows.h"

#include <elf.h>
#include <errno.h>

#define N(x) ((uint64_t)(int64_t)(x))

/* Names and widths: the CPU's one table, as the arch code and --explain read it. */
#define ML_RELOC ARCH_TINFO
static const struct arch_tinfo mips_types[] = {
#include "arch/reloc-mips.def"
};
#undef ML_RELOC

/* printk in kseg0, a module in kseg2 (vmalloc space), as on 2.4. */
#define K 0x80123450u
#define M 0xc0100000u
#define FILL 0x12345678u

/* The field a j/jal at P holds for target T; the 256 MiB region of P + 4. */
#define F26(t) (((t) >> 2) & 0x3ffffffu)
#define RLO(p) (((p) + 4) & 0xf0000000u)
#define RHI(p) (RLO(p) + 0x10000000u)

/* Instructions, with the relocated field zero. */
#define J 0x08000000u     /* j */
#define JAL 0x0c000000u   /* jal */
#define LUI 0x3c020000u   /* lui v0, 0 */
#define ADDIU 0x24420000u /* addiu v0, v0, 0 */
#define BEQ 0x10000000u   /* beq zero, zero, 0 (b) */
#define B0 (M + 0x100)    /* a branch ... */
#define B4 (B0 + 4)       /* ... and its delay slot, where the displacement counts from */
#define PC16 0x20000      /* the reach of a branch */

static const struct arch_row mips_rows[] = {
	ROW_OK(R_MIPS_NONE, K, 0, M, FILL, FILL),
	/* 32: S + A, the addend is the word itself; 32-bit wrap */
	ROW_OK(R_MIPS_32, K, 0, M, 0, K),
	ROW_OK(R_MIPS_32, M + 0x100, 0, M, 0x24, M + 0x124),
	ROW_OK(R_MIPS_32, M + 0x100, 0, M, N(-4) & 0xffffffff, M + 0xfc),
	ROW_OK(R_MIPS_32, 0xfffffff0, 0, M, 0x20, 0x10),
	/* PC32: S + A - P */
	ROW_OK(R_MIPS_PC32, M + 0x200, 0, M + 0x80, 0, 0x180),
	ROW_OK(R_MIPS_PC32, M, 0, M + 0x80, 8, N(-0x78) & 0xffffffff),
	ROW_OK(R_MIPS_PC32, K, 0, M, 0, (K - M) & 0xffffffff),
	/* 26: (S + A) >> 2 in the low 26 bits, opcode kept; the field holds A >> 2 */
	ROW_OK(R_MIPS_26, M + 0x200, 0, M + 0x10, J, J | F26(M + 0x200)),
	ROW_OK(R_MIPS_26, M + 0x200, 0, M + 0x10, JAL, JAL | F26(M + 0x200)),
	ROW_OK(R_MIPS_26, M, 0, M + 0x400, J | 0xb, J | F26(M + 0x2c)),
	/* a negative addend (field 0x3ffffff = -4) is read signed */
	ROW_OK(R_MIPS_26, M + 0x100, 0, M, J | 0x3ffffff, J | F26(M + 0xfc)),
	/* the region is that of P + 4 (the delay slot), edges on both sides */
	ROW_OK(R_MIPS_26, 0xc0000000, 0, 0xbffffffc, J, J),
	ROW_OVF(R_MIPS_26, 0xbffffff0, 0, 0xbffffffc, J, 0xbffffff0, RLO(0xbffffffc),
		RHI(0xbffffffc), true),
	ROW_OK(R_MIPS_26, 0xcffffffc, 0, 0xc0000000, J, J | 0x3ffffff),
	ROW_OVF(R_MIPS_26, 0xd0000000, 0, 0xc0000000, J, 0xd0000000, RLO(0xc0000000),
		RHI(0xc0000000), true),
	ROW_OK(R_MIPS_26, 0xcffffff0, 0, 0xc0000000, J | 3, J | 0x3ffffff),
	/* jal printk from a module: the reason for -mlong-calls */
	ROW_OVF(R_MIPS_26, K, 0, M + 0x10, JAL, K, RLO(M + 0x10), RHI(M + 0x10), true),
	ROW_DANGER(R_MIPS_26, M + 0x202, 0, M + 0x10, J, M + 0x202),
	ROW_DANGER(R_MIPS_26, M + 0x201, 0, M + 0x10, J, M + 0x201),
	/* LO16 alone: the low 16 bits of S + (short)ALO */
	ROW_OK(R_MIPS_LO16, M + 0x12345, 0, M, ADDIU, ADDIU | 0x2345),
	ROW_OK(R_MIPS_LO16, M + 0x12345, 0, M, ADDIU | 0x10, ADDIU | 0x2355),
	ROW_OK(R_MIPS_LO16, M + 0x12345, 0, M, ADDIU | 0x8000, ADDIU | 0xa345),
	ROW_OK(R_MIPS_LO16, 0xfffffff0, 0, M, ADDIU | 0x20, ADDIU | 0x10),
	/* PC16: (S + A - P) >> 2, A = field << 2 sign-extended (-4 for "b label") */
	ROW_OK(R_MIPS_PC16, B4 + 0x1fffc, 0, B0, BEQ | 0xffff, BEQ | 0x7fff),
	ROW_OVF(R_MIPS_PC16, B4 + 0x20000, 0, B0, BEQ | 0xffff, 0x20000, -PC16, PC16, false),
	ROW_OK(R_MIPS_PC16, B4 - 0x20000, 0, B0, BEQ | 0xffff, BEQ | 0x8000),
	ROW_OVF(R_MIPS_PC16, B4 - 0x20004, 0, B0, BEQ | 0xffff, N(-0x20004), -PC16, PC16, false),
	ROW_OK(R_MIPS_PC16, B0, 0, B0, BEQ | 0xffff, BEQ | 0xffff),
	ROW_OK(R_MIPS_PC16, B0, 0, B0, BEQ | 0x0002, BEQ | 0x0002),
	ROW_DANGER(R_MIPS_PC16, M + 0x202, 0, B0, BEQ | 0xffff, 0xfe),
	/* the jalr stays as it is */
	ROW_OK(R_MIPS_JALR, K, 0, M, 0x0320f809, 0x0320f809),
	/* $gp, GOT and PIC forms, dynamic and TLS types: refused, place untouched */
	ROW_UNH(R_MIPS_16, FILL),
	ROW_UNH(R_MIPS_REL32, FILL),
	ROW_UNH(R_MIPS_GPREL16, FILL),
	ROW_UNH(R_MIPS_LITERAL, FILL),
	ROW_UNH(R_MIPS_GOT16, FILL),
	ROW_UNH(R_MIPS_CALL16, FILL),
	ROW_UNH(R_MIPS_GPREL32, FILL),
	ROW_UNH(R_MIPS_64, FILL),
	ROW_UNH(R_MIPS_GOT_DISP, FILL),
	ROW_UNH(R_MIPS_GOT_PAGE, FILL),
	ROW_UNH(R_MIPS_GOT_OFST, FILL),
	ROW_UNH(R_MIPS_GOT_HI16, FILL),
	ROW_UNH(R_MIPS_GOT_LO16, FILL),
	ROW_UNH(R_MIPS_CALL_HI16, FILL),
	ROW_UNH(R_MIPS_CALL_LO16, FILL),
	ROW_UNH(R_MIPS_TLS_DTPMOD32, FILL),
	ROW_UNH(R_MIPS_TLS_DTPREL32, FILL),
	ROW_UNH(R_MIPS_TLS_GD, FILL),
	ROW_UNH(R_MIPS_TLS_LDM, FILL),
	ROW_UNH(R_MIPS_TLS_DTPREL_HI16, FILL),
	ROW_UNH(R_MIPS_TLS_DTPREL_LO16, FILL),
	ROW_UNH(R_MIPS_TLS_GOTTPREL, FILL),
	ROW_UNH(R_MIPS_TLS_TPREL32, FILL),
	ROW_UNH(R_MIPS_TLS_TPREL_HI16, FILL),
	ROW_UNH(R_MIPS_TLS_TPREL_LO16, FILL),
	ROW_UNH(R_MIPS_GLOB_DAT, FILL),
	ROW_UNH(R_MIPS_COPY, FILL),
	ROW_UNH(R_MIPS_JUMP_SLOT, FILL),
	ROW_UNH(200, FILL),
	/* HI16 cannot be computed without the object's pending list */
	ROW_UNH(R_MIPS_HI16, LUI),
};

ARCH_ROW_TESTS(&ml_arch_mips, mips_types, mips_rows)

/* ---- HI16/LO16 sequences over one buffer, with the object's state ---- */

#define MAXW 8

struct step {
	uint32_t type;
	const char *sym;
	uint64_t S;
	const char *sec;
	unsigned word; /* the place: word index into the buffer */
	enum ml_reloc_status st;
};

struct seq {
	const char *what;
	uint32_t before[MAXW], after[MAXW];
	struct step steps[MAXW];
	int nerr; /* unpaired HI16s finish() must report */
	struct {
		const char *sec;
		long long off;
		const char *sym;
	} err[2];
};

#define V 0xc0107ff8u /* a variable whose address + 0x10 has a low half >= 0x8000 */

static const struct seq seqs[] = {
	{ "three HI16s share one LO16, with the %hi carry",
	  { LUI, LUI, LUI, ADDIU | 0x10 },
	  /* V + 0x10 = 0xc0108008: %lo = 0x8008 reads as -0x7ff8, so %hi = 0xc011 */
	  { LUI | 0xc011, LUI | 0xc011, LUI | 0xc011, ADDIU | 0x8008 },
	  { { R_MIPS_HI16, "var", V, ".text", 2, ML_RELOC_OK },
	    { R_MIPS_HI16, "var", V, ".text", 1, ML_RELOC_OK },
	    { R_MIPS_HI16, "var", V, ".text", 0, ML_RELOC_OK },
	    { R_MIPS_LO16, "var", V, ".text", 3, ML_RELOC_OK } } },
	{ "no carry below 0x8000",
	  { LUI, ADDIU | 0x4 },
	  { LUI | 0xc010, ADDIU | 0x7ffc },
	  { { R_MIPS_HI16, "var", V, ".text", 0, ML_RELOC_OK },
	    { R_MIPS_LO16, "var", V, ".text", 1, ML_RELOC_OK } } },
	{ "each HI16 keeps its own AHI (addends above 64 KiB)",
	  /* AHL = 0x12345 for the first pair, 0x2345 for the second HI16 */
	  { LUI | 1, LUI, ADDIU | 0x2345 },
	  { LUI | 0xc012, LUI | 0xc011, ADDIU | 0xa33d },
	  { { R_MIPS_HI16, "var", V, ".text", 0, ML_RELOC_OK },
	    { R_MIPS_HI16, "var", V, ".text", 1, ML_RELOC_OK },
	    { R_MIPS_LO16, "var", V, ".text", 2, ML_RELOC_OK } } },
	{ "a negative ALO borrows from AHI",
	  /* AHL = 0x10000 - 0x10 = 0xfff0: V + 0xfff0 = 0xc0117fe8 */
	  { LUI | 1, ADDIU | 0xfff0 },
	  { LUI | 0xc011, ADDIU | 0x7fe8 },
	  { { R_MIPS_HI16, "var", V, ".text", 0, ML_RELOC_OK },
	    { R_MIPS_LO16, "var", V, ".text", 1, ML_RELOC_OK } } },
	{ "interleaved symbols pair by symbol: HI(a) HI(b) LO(b) LO(a)",
	  { LUI, LUI, ADDIU, ADDIU },
	  { LUI | 0x8012, LUI | 0xc011, ADDIU | 0x8008, ADDIU | 0x3450 },
	  { { R_MIPS_HI16, "printk", K, ".text", 0, ML_RELOC_OK },
	    { R_MIPS_HI16, "var", V + 0x10, ".text", 1, ML_RELOC_OK },
	    { R_MIPS_LO16, "var", V + 0x10, ".text", 2, ML_RELOC_OK },
	    { R_MIPS_LO16, "printk", K, ".text", 3, ML_RELOC_OK } } },
	{ "a second LO16 after the pair stands alone",
	  { LUI, ADDIU | 0x10, ADDIU | 0x14 },
	  { LUI | 0xc011, ADDIU | 0x8008, ADDIU | 0x800c },
	  { { R_MIPS_HI16, "var", V, ".text", 0, ML_RELOC_OK },
	    { R_MIPS_LO16, "var", V, ".text", 1, ML_RELOC_OK },
	    { R_MIPS_LO16, "var", V, ".text", 2, ML_RELOC_OK } } },
	{ "an HI16 with no LO16 at the end: one error, the place untouched",
	  { LUI, LUI, ADDIU },
	  { LUI | 0x8012, LUI, ADDIU | 0x3450 },
	  { { R_MIPS_HI16, "printk", K, ".text", 0, ML_RELOC_OK },
	    { R_MIPS_HI16, "var", V, ".text", 1, ML_RELOC_OK },
	    { R_MIPS_LO16, "printk", K, ".text", 2, ML_RELOC_OK } },
	  1,
	  { { ".text", 4, "var" } } },
	{ "an HI16 never pairs across sections",
	  { LUI, LUI, ADDIU, ADDIU },
	  { LUI, LUI | 0xc011, ADDIU | 0x8008, ADDIU | 0x8008 },
	  { { R_MIPS_HI16, "var", V, ".text", 0, ML_RELOC_OK },
	    { R_MIPS_HI16, "var", V + 0x10, ".text.exit", 1, ML_RELOC_OK },
	    { R_MIPS_LO16, "var", V + 0x10, ".text.exit", 2, ML_RELOC_OK },
	    { R_MIPS_LO16, "var", V + 0x10, ".data", 3, ML_RELOC_OK } },
	  1,
	  { { ".text", 0, "var" } } },
	{ "two unpaired HI16s, two errors",
	  { LUI, LUI },
	  { LUI, LUI },
	  { { R_MIPS_HI16, "a", V, ".text", 0, ML_RELOC_OK },
	    { R_MIPS_HI16, "b", V, ".data", 1, ML_RELOC_OK } },
	  2,
	  { { ".text", 0, "a" }, { ".data", 4, "b" } } },
	{ "PIC: HI16/LO16 against _gp_disp are refused",
	  { LUI, ADDIU },
	  { LUI, ADDIU },
	  { { R_MIPS_HI16, "_gp_disp", 0x80000000, ".text", 0, ML_RELOC_UNHANDLED },
	    { R_MIPS_LO16, "_gp_disp", 0x80000000, ".text", 1, ML_RELOC_UNHANDLED } } },
};

static void run_seq(const struct seq *q, bool big)
{
	struct ml_target t = { .is64 = false, .big = big };
	const struct ml_arch *a = &ml_arch_mips;
	unsigned char buf[MAXW * 4];
	struct ml_diags d = { 0 };
	void *state = a->state_new();
	char where[160];
	int rc;

	snprintf(where, sizeof(where), "%s (%s)", q->what, big ? "BE" : "LE");
	for (unsigned i = 0; i < MAXW; i++)
		unit_enc(buf + 4 * i, 4, big, q->before[i]);
	for (unsigned i = 0; i < MAXW && q->steps[i].sym; i++) {
		const struct step *s = &q->steps[i];
		struct ml_reloc_ctx c = { .t = &t,
					  .type = s->type,
					  .S = s->S,
					  .P = M + 4 * s->word,
					  .loc = buf + 4 * s->word,
					  .state = state,
					  .secname = s->sec,
					  .symname = s->sym,
					  .offset = 4 * s->word };
		enum ml_reloc_status st = a->apply(&c);

		ck_assert_msg(st == s->st, "%s: step %u: status %d, expected %d", where, i, st,
			      s->st);
	}
	rc = a->finish(state, "t.o", &d);
	ck_assert_msg(rc == (q->nerr ? -ENOEXEC : 0), "%s: finish() = %d\n%s", where, rc,
		      unit_diags(&d));
	ck_assert_msg(d.nerr == (unsigned)q->nerr, "%s: %u errors, expected %d\n%s", where, d.nerr,
		      q->nerr, unit_diags(&d));
	for (int i = 0; i < q->nerr; i++) {
		const struct ml_diag *g = &d.v[i];

		ck_assert_str_eq(g->file, "t.o");
		ck_assert_str_eq(g->section, q->err[i].sec);
		ck_assert_int_eq(g->offset, q->err[i].off);
		ck_assert_str_eq(g->symbol, q->err[i].sym);
		ck_assert_str_eq(g->reloc, "R_MIPS_HI16");
		ck_assert_msg(strstr(g->msg, "no R_MIPS_LO16") != NULL, "%s: message: %s", where,
			      g->msg);
	}
	for (unsigned i = 0; i < MAXW; i++) {
		unsigned long long w = unit_dec(buf + 4 * i, 4, big);

		ck_assert_msg(w == q->after[i], "%s: word %u is %#llx, expected %#x", where, i, w,
			      q->after[i]);
	}
	a->state_free(state);
	ml_diags_free(&d);
}

START_TEST(test_seq_be)
{
	run_seq(&seqs[_i], true);
}
END_TEST

START_TEST(test_seq_le)
{
	run_seq(&seqs[_i], false);
}
END_TEST

/* The bytes of "lui v0,%hi(x); addiu v0,v0,%lo(x)" in each byte order. */
START_TEST(test_literal_bytes)
{
	static const unsigned char be_in[8] = { 0x3c, 0x02, 0, 0, 0x24, 0x42, 0, 0x10 };
	static const unsigned char be_out[8] = { 0x3c, 0x02, 0xc0, 0x11, 0x24, 0x42, 0x80, 0x08 };
	static const unsigned char le_in[8] = { 0, 0, 0x02, 0x3c, 0x10, 0, 0x42, 0x24 };
	static const unsigned char le_out[8] = { 0x11, 0xc0, 0x02, 0x3c, 0x08, 0x80, 0x42, 0x24 };

	for (int big = 0; big < 2; big++) {
		struct ml_target t = { .is64 = false, .big = big };
		unsigned char b[8];
		void *state = ml_arch_mips.state_new();
		struct ml_reloc_ctx hi = { .t = &t,
					   .type = R_MIPS_HI16,
					   .S = V,
					   .P = M,
					   .loc = b,
					   .state = state,
					   .secname = ".text",
					   .symname = "x" };
		struct ml_reloc_ctx lo = hi;
		struct ml_diags d = { 0 };

		memcpy(b, big ? be_in : le_in, 8);
		lo.type = R_MIPS_LO16;
		lo.loc = b + 4;
		lo.P = M + 4;
		lo.offset = 4;
		ck_assert_int_eq(ml_arch_mips.apply(&hi), ML_RELOC_OK);
		ck_assert_int_eq(ml_arch_mips.apply(&lo), ML_RELOC_OK);
		ck_assert_int_eq(ml_arch_mips.finish(state, "t.o", &d), 0);
		unit_assert_bytes(b, big ? be_out : le_out, 8, big ? "BE" : "LE");
		ml_arch_mips.state_free(state);
	}
}
END_TEST

/* Pending entries are freed with the state (the object failed before finish). */
START_TEST(test_state_free_pending)
{
	struct ml_target t = { .is64 = false, .big = true };
	unsigned char b[4 * 40];
	void *state = ml_arch_mips.state_new();

	for (unsigned i = 0; i < 40; i++) {
		struct ml_reloc_ctx c = { .t = &t,
					  .type = R_MIPS_HI16,
					  .S = V,
					  .P = M + 4 * i,
					  .loc = b + 4 * i,
					  .state = state,
					  .symname = "v",
					  .secname = i < 20 ? ".text" : ".data" };

		unit_enc(b + 4 * i, 4, true, LUI);
		ck_assert_int_eq(ml_arch_mips.apply(&c), ML_RELOC_OK);
	}
	ml_arch_mips.state_free(state);
	ml_arch_mips.state_free(NULL);
}
END_TEST

/* Refused and out-of-range types say what to rebuild with. */
/* Refused and out-of-range types say what to rebuild with. */
START_TEST(test_hints)
{
	static const uint32_t pic[] = {
		R_MIPS_GOT16,    R_MIPS_CALL16,    R_MIPS_GOT_DISP, R_MIPS_GOT_PAGE,
		R_MIPS_GOT_OFST, R_MIPS_CALL_HI16, R_MIPS_HI16,     R_MIPS_LO16,
	};
	static const uint32_t gp[] = { R_MIPS_GPREL16, R_MIPS_GPREL32, R_MIPS_LITERAL };
	static const uint32_t jal[] = { R_MIPS_26 };

	const char *nopic = "-mno-abicalls -fno-pic";

	arch_check_hints(&ml_arch_mips, pic, ML_ARRAY_SIZE(pic), nopic);
	arch_check_hints(&ml_arch_mips, gp, ML_ARRAY_SIZE(gp), "-G 0");
	arch_check_hints(&ml_arch_mips, jal, ML_ARRAY_SIZE(jal), "-mlong-calls");
	ck_assert_ptr_nonnull(ml_arch_mips.overflow_hint(R_MIPS_PC16));
	ck_assert_ptr_null(ml_arch_mips.overflow_hint(R_MIPS_32));
}
END_TEST

START_TEST(test_registry)
{
	/* one descriptor, both byte orders; -mlong-calls: no GOT, no PLT */
	arch_check_descriptor(&ml_arch_mips, "mips", EM_MIPS, false, true, true, 8);
	arch_check_no_stubs(&ml_arch_mips);
	ck_assert(!ml_arch_mips.is64);
	ck_assert_str_eq(ml_arch_mips.archdata_section, "__dbe_table");
	ck_assert_ptr_nonnull(ml_arch_mips.state_new);
	ck_assert_ptr_nonnull(ml_arch_mips.state_free);
	ck_assert_ptr_nonnull(ml_arch_mips.finish);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("arch-mips");
	TCase *tc = tcase_create("apply");

	tcase_add_loop_test(tc, test_rows_be, 0, (int)ML_ARRAY_SIZE(mips_rows));
	tcase_add_loop_test(tc, test_rows_le, 0, (int)ML_ARRAY_SIZE(mips_rows));
	suite_add_tcase(s, tc);
	tc = tcase_create("hi16-lo16");
	tcase_add_loop_test(tc, test_seq_be, 0, (int)ML_ARRAY_SIZE(seqs));
	tcase_add_loop_test(tc, test_seq_le, 0, (int)ML_ARRAY_SIZE(seqs));
	tcase_add_test(tc, test_literal_bytes);
	tcase_add_test(tc, test_state_free_pending);
	suite_add_tcase(s, tc);
	tc = tcase_create("tables");
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_hints);
	tcase_add_test(tc, test_registry);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
