// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The per-CPU relocation hooks, one table row per case: S, A, P (and the
 * GOT address and slot for the GOT forms) in, the field written out.
 * Formulas are the psABI's:
 *   i386   (System V ABI, Intel386 supplement, "Relocation Types"; REL: the
 *          addend is the field's content, sign-extended from its width)
 *   x86_64 (System V ABI, AMD64 supplement, §4.4; RELA: the addend comes
 *          from the entry and the field is overwritten)
 * Range-checked types get a row on each side of each boundary; a failed
 * relocation must leave the place untouched and report the allowed range.
 * Every row is run with little- and big-endian target access: the hooks
 * must write only through the target helpers, never in host order.
 */
#include "tests/unit/unit.h"

#include <elf.h>

#include "arch/arch.h"

#define N(x) ((uint64_t)(int64_t)(x))

/*
 * ---- names and field widths: the CPUs' tables, arch/reloc-<cpu>.def, the
 * one list the arch code, --explain and these tests share ----
 */

struct tinfo {
	uint32_t type;
	const char *name;
	int width; /* bytes of the field */
	const char *formula;
};

#define ML_RELOC(ty, w, f, chk, b, sh) { ty, #ty, w, f },
static const struct tinfo i386_types[] = {
#include "arch/reloc-i386.def"
};

static const struct tinfo x86_64_types[] = {
#include "arch/reloc-x86_64.def"
};
#undef ML_RELOC

/* ---- apply() rows ---- */

struct row {
	uint32_t type;
	uint64_t S, A, P, got, stub;
	uint64_t place; /* the field before (i386: holds the addend) */
	enum ml_reloc_status st;
	uint64_t field; /* the field after, when OK */
	int64_t lo, hi; /* the range reported, when OVERFLOW */
	bool uns;       /* x86_64: range reported as unsigned */
	bool any_value; /* RELATIVE: value not asserted (see below) */
};

#define OK(ty, s, a, p, pl, f)                                                                 \
	{                                                                                      \
		.type = ty, .S = s, .A = a, .P = p, .place = pl, .st = ML_RELOC_OK, .field = f \
	}
#define OVF(ty, s, a, p, pl, l, h, u)                                                              \
	{                                                                                          \
		.type = ty, .S = s, .A = a, .P = p, .place = pl, .st = ML_RELOC_OVERFLOW, .lo = l, \
		.hi = h, .uns = u                                                                  \
	}
#define GOTOK(ty, s, a, p, g, slot, pl, f)                                               \
	{                                                                                \
		.type = ty, .S = s, .A = a, .P = p, .got = g, .stub = slot, .place = pl, \
		.st = ML_RELOC_OK, .field = f                                            \
	}
#define GOTOVF(ty, s, a, p, g, slot, pl, l, h)                                           \
	{                                                                                \
		.type = ty, .S = s, .A = a, .P = p, .got = g, .stub = slot, .place = pl, \
		.st = ML_RELOC_OVERFLOW, .lo = l, .hi = h                                \
	}
#define UNH(ty, pl)                                                                         \
	{                                                                                   \
		.type = ty, .S = 0x1000, .P = 0x2000, .place = pl, .st = ML_RELOC_UNHANDLED \
	}

/*
 * R_*_RELATIVE is B + A.  The hook has no load base among its inputs and
 * documents B = 0; modutils added the module's base (facts §3).  The value
 * is left unasserted here; the report to the lead explains why.
 */
#define REL_ANY(ty, a, pl)                                                                         \
	{                                                                                          \
		.type = ty, .A = a, .P = 0x2000, .place = pl, .st = ML_RELOC_OK, .any_value = true \
	}

/* i386: printk in the kernel, a module at 0xd0800000. */
#define K32 0xc0114560u
#define M32 0xd0800000u
#define Q32 (M32 + 0x100) /* the place of the 8/16-bit PC-relative rows */

static const struct row i386_rows[] = {
	OK(R_386_NONE, K32, 0, M32 + 0x10, 0x12345678, 0x12345678),
	/* R_386_32: S + A, the addend read from the place */
	OK(R_386_32, K32, 0, M32, 0x10, 0xc0114570),
	OK(R_386_32, M32 + 0x100, 0, M32, 0xfffffffc, M32 + 0xfc),
	OK(R_386_32, 0xfffffff0, 0, M32, 0x20, 0x10), /* 32 bits: wraps, no overflow */
	/* call printk: e8 fc ff ff ff at M32+0x10 */
	OK(R_386_PC32, K32, 0, M32 + 0x11, 0xfffffffc, 0xef91454b),
	OK(R_386_PC32, M32 + 0x200, 0, M32 + 0x11, 0xfffffffc, 0x1eb),
	OK(R_386_PLT32, K32, 0, M32 + 0x11, 0xfffffffc, 0xef91454b),
	/* G + A: offset of the symbol's slot in .got */
	GOTOK(R_386_GOT32, K32, 0, M32 + 0x10, M32 + 0x2000, M32 + 0x2008, 0, 0x8),
	GOTOK(R_386_GOT32, K32, 0, M32 + 0x10, M32 + 0x2000, M32 + 0x2008, 4, 0xc),
	GOTOK(R_386_GOT32X, K32, 0, M32 + 0x10, M32 + 0x2000, M32 + 0x2010, 0, 0x10),
	OK(R_386_GLOB_DAT, K32, 0, M32, 0x1234, K32),
	OK(R_386_JMP_SLOT, K32, 0, M32, 0x1234, K32),
	REL_ANY(R_386_RELATIVE, 0, 0x100),
	/* S + A - GOT */
	GOTOK(R_386_GOTOFF, M32 + 0x100, 0, M32 + 0x10, M32 + 0x2000, 0, 0, 0xffffe100),
	GOTOK(R_386_GOTOFF, M32 + 0x100, 0, M32 + 0x10, M32 + 0x2000, 0, 8, 0xffffe108),
	/* GOT + A - P: addl $_GLOBAL_OFFSET_TABLE_+2, %ebx */
	GOTOK(R_386_GOTPC, 0, 0, M32 + 0x12, M32 + 0x2000, 0, 2, 0x1ff0),
	/* R_386_16 / R_386_8: S + A fits the field read signed or unsigned */
	OK(R_386_16, 0xffff, 0, M32, 0, 0xffff),
	OVF(R_386_16, 0x10000, 0, M32, 0, -0x8000, 0x10000, false),
	OK(R_386_16, 0xffff8000, 0, M32, 0, 0x8000),
	OVF(R_386_16, 0xffff7fff, 0, M32, 0, -0x8000, 0x10000, false),
	OK(R_386_16, 0x10, 0, M32, 0xfffe, 0xe),                      /* addend -2 from the place */
	OVF(R_386_16, 0xfff0, 0, M32, 0x10, -0x8000, 0x10000, false), /* 0xfff0 + 16 */
	OK(R_386_8, 0xff, 0, M32, 0, 0xff),
	OVF(R_386_8, 0x100, 0, M32, 0, -0x80, 0x100, false),
	OK(R_386_8, 0xffffff80, 0, M32, 0, 0x80),
	OVF(R_386_8, 0xffffff7f, 0, M32, 0, -0x80, 0x100, false),
	OK(R_386_8, 0x10, 0, M32, 0xff, 0x0f), /* addend -1 */
	/* PC16 / PC8: S + A - P, signed */
	OK(R_386_PC16, Q32 + 0x7fff, 0, Q32, 0, 0x7fff),
	OVF(R_386_PC16, Q32 + 0x8000, 0, Q32, 0, -0x8000, 0x8000, false),
	OK(R_386_PC16, Q32 - 0x8000, 0, Q32, 0, 0x8000),
	OVF(R_386_PC16, Q32 - 0x8001, 0, Q32, 0, -0x8000, 0x8000, false),
	OK(R_386_PC16, Q32 + 0x10, 0, Q32, 0xfffe, 0xe),
	OK(R_386_PC8, Q32 + 0x7f, 0, Q32, 0, 0x7f),
	OVF(R_386_PC8, Q32 + 0x80, 0, Q32, 0, -0x80, 0x80, false),
	OK(R_386_PC8, Q32 - 0x80, 0, Q32, 0, 0x80),
	OVF(R_386_PC8, Q32 - 0x81, 0, Q32, 0, -0x80, 0x80, false),
	OK(R_386_PC8, Q32 + 2, 0, Q32, 0xfe, 0x0), /* jmp to the next insn */
	/* types a module cannot use */
	UNH(R_386_COPY, 0x11223344),
	UNH(R_386_TLS_TPOFF, 0x11223344),
	UNH(200, 0x11223344),
};

/* x86_64: printk in the kernel, a module in the module area. */
#define K64 0xffffffff80123456ull
#define M64 0xffffffffa0000000ull
#define FILL 0x5a5a5a5a5a5a5a5aull /* RELA: the old field must not matter */
#define CALL (M64 + 0x20)          /* a call's 4-byte field; with A = -4 ... */
#define NEXT (M64 + 0x24)          /* ... S = NEXT + d gives the value d */
#define Q64 (M64 + 0x100)          /* the place of the 8/16-bit PC-relative rows */
#define INSN (M64 + 0x40)          /* the place of the GOT rows */
#define GOT (M64 + 0x3000)
#define SLOT (M64 + 0x3018)

#define XOK(ty, s, a, p, f) OK(ty, s, a, p, FILL, f)
#define XOVF(ty, s, a, p, l, h) OVF(ty, s, a, p, FILL, l, h, false)
#define XOVF32(ty, s, a, p) XOVF(ty, s, a, p, -0x80000000ll, 0x80000000ll)
#define XOVFU(ty, s, a, h) OVF(ty, s, a, M64, FILL, 0, h, true)
#define XGOT(ty, s, a, p, g, slot, f) GOTOK(ty, s, a, p, g, slot, FILL, f)
#define XGOTOVF(ty, s, a, p, g, slot) \
	GOTOVF(ty, s, a, p, g, slot, FILL, -0x80000000ll, 0x80000000ll)

static const struct row x86_64_rows[] = {
	XOK(R_X86_64_NONE, K64, 0, M64, FILL),
	XOK(R_X86_64_64, K64, 0x10, M64, 0xffffffff80123466),
	XOK(R_X86_64_64, M64 + 0x100, N(-8), M64, M64 + 0xf8),
	XOK(R_X86_64_PC64, M64 + 0x100, 0, M64 + 0x1000, 0xfffffffffffff100),
	/* R_X86_64_32: the value must zero-extend: [0, 2^32) */
	XOK(R_X86_64_32, 0xffffffff, 0, M64, 0xffffffff),
	XOVFU(R_X86_64_32, 0x100000000, 0, 0x100000000),
	XOVFU(R_X86_64_32, 0xfffffff0, 0x10, 0x100000000),
	XOK(R_X86_64_32, 0x1000, N(-0x1000), M64, 0),
	XOVFU(R_X86_64_32, 0x1000, N(-0x1001), 0x100000000),
	XOVFU(R_X86_64_32, K64, 0, 0x100000000), /* built with -mcmodel=small */
	/* R_X86_64_32S: the value must sign-extend: [-2^31, 2^31) */
	XOK(R_X86_64_32S, 0x7fffffff, 0, M64, 0x7fffffff),
	XOVF32(R_X86_64_32S, 0x80000000, 0, M64),
	XOK(R_X86_64_32S, 0xffffffff80000000, 0, M64, 0x80000000),
	XOVF32(R_X86_64_32S, 0xffffffff7fffffff, 0, M64),
	XOK(R_X86_64_32S, K64, 4, M64, 0x8012345a),
	/* 16 and 8: zero-extended fields */
	XOK(R_X86_64_16, 0xffff, 0, M64, 0xffff),
	XOVFU(R_X86_64_16, 0x10000, 0, 0x10000),
	XOVFU(R_X86_64_16, 0xfff0, 0x10, 0x10000),
	XOK(R_X86_64_8, 0xff, 0, M64, 0xff),
	XOVFU(R_X86_64_8, 0x100, 0, 0x100),
	/* PC32 / PLT32: S + A - P, signed 32 bits; call printk at M64+0x20 */
	XOK(R_X86_64_PC32, K64, N(-4), M64 + 0x21, 0xe0123431),
	XOK(R_X86_64_PC32, NEXT + 0x7fffffff, N(-4), CALL, 0x7fffffff),
	XOVF32(R_X86_64_PC32, NEXT + 0x80000000, N(-4), CALL),
	XOK(R_X86_64_PC32, NEXT - 0x80000000, N(-4), CALL, 0x80000000),
	XOVF32(R_X86_64_PC32, NEXT - 0x80000001, N(-4), CALL),
	XOVF32(R_X86_64_PC32, 0x7f0000001000, N(-4), CALL), /* a user-space target */
	XOK(R_X86_64_PLT32, K64, N(-4), M64 + 0x21, 0xe0123431),
	XOK(R_X86_64_PLT32, NEXT + 0x7fffffff, N(-4), CALL, 0x7fffffff),
	XOVF32(R_X86_64_PLT32, NEXT + 0x80000000, N(-4), CALL),
	XOK(R_X86_64_PLT32, NEXT - 0x80000000, N(-4), CALL, 0x80000000),
	XOVF32(R_X86_64_PLT32, NEXT - 0x80000001, N(-4), CALL),
	/* PC16 / PC8 */
	XOK(R_X86_64_PC16, Q64 + 0x7fff, 0, Q64, 0x7fff),
	XOVF(R_X86_64_PC16, Q64 + 0x8000, 0, Q64, -0x8000, 0x8000),
	XOK(R_X86_64_PC16, Q64 - 0x8000, 0, Q64, 0x8000),
	XOVF(R_X86_64_PC16, Q64 - 0x8001, 0, Q64, -0x8000, 0x8000),
	XOK(R_X86_64_PC8, Q64 + 0x7f, 0, Q64, 0x7f),
	XOVF(R_X86_64_PC8, Q64 + 0x80, 0, Q64, -0x80, 0x80),
	XOK(R_X86_64_PC8, Q64 - 0x80, 0, Q64, 0x80),
	XOVF(R_X86_64_PC8, Q64 - 0x81, 0, Q64, -0x80, 0x80),
	XOK(R_X86_64_PC8, Q64 + 2, N(-1), Q64 + 1, 0x0),
	/* GOT forms: G is the slot's offset in .got, the slot's address is GOT + G */
	XGOT(R_X86_64_GOT32, K64, 0, INSN, GOT, SLOT, 0x18),
	XGOT(R_X86_64_GOT32, K64, 4, INSN, GOT, SLOT, 0x1c),
	XGOTOVF(R_X86_64_GOT32, K64, 0, INSN, M64, M64 + 0x80000000),
	XGOT(R_X86_64_GOTPCREL, K64, N(-4), INSN, GOT, SLOT, 0x2fd4),
	XGOT(R_X86_64_GOTPCRELX, K64, N(-4), INSN, GOT, SLOT, 0x2fd4),
	XGOT(R_X86_64_REX_GOTPCRELX, K64, N(-4), INSN, GOT, SLOT, 0x2fd4),
	XGOTOVF(R_X86_64_GOTPCREL, K64, N(-4), INSN, M64, INSN + 4 + 0x80000000),
	XGOT(R_X86_64_GOTOFF64, M64 + 0x100, 0, INSN, GOT, 0, 0xffffffffffffd100),
	XGOT(R_X86_64_GOTPC32, 0, N(-4), INSN, GOT, 0, 0x2fbc),
	XGOTOVF(R_X86_64_GOTPC32, 0, N(-4), INSN, INSN + 4 + 0x80000000, 0),
	/* S, whatever the addend */
	XOK(R_X86_64_GLOB_DAT, K64, 0x10, M64, K64),
	XOK(R_X86_64_JUMP_SLOT, K64, 0x10, M64, K64),
	REL_ANY(R_X86_64_RELATIVE, 0x100, FILL),
	UNH(R_X86_64_COPY, FILL),
	UNH(R_X86_64_TPOFF32, FILL),
	UNH(R_X86_64_SIZE32, FILL),
	UNH(200, FILL),
};

static int width_of(const struct tinfo *ti, size_t n, uint32_t type, int dflt)
{
	for (size_t i = 0; i < n; i++)
		if (ti[i].type == type)
			return ti[i].width > 0 ? ti[i].width : dflt;
	return dflt;
}

/*
 * Run one row: the field sits at offset 4 of a 20-byte buffer of 0xa5
 * sentinels.  Types without a field of their own (NONE, unhandled ones)
 * are checked over a word.
 */
static unsigned nfast; /* entries the fast path took (a loop test runs rows in one process) */

static void run_row(const struct ml_arch *a, const struct tinfo *ti, size_t nti,
		    const struct row *r, size_t idx, bool big)
{
	struct ml_target t = { .is64 = a->is64, .big = big };
	unsigned char buf[20], before[20];
	int w = width_of(ti, nti, r->type, a->is64 ? 8 : 4);
	struct ml_reloc_ctx c;
	enum ml_reloc_status st;
	char nb[32], where[96];
	uint64_t got;

	snprintf(where, sizeof(where), "%s row %zu (%s, %s)", a->name, idx,
		 ml_arch_reloc_name(a, r->type, nb), big ? "BE" : "LE");
	memset(buf, 0xa5, sizeof(buf));
	unit_enc(buf + 4, (unsigned)w, big, r->place);
	memcpy(before, buf, sizeof(buf));
	memset(&c, 0, sizeof(c));
	c.t = &t;
	c.type = r->type;
	c.S = r->S;
	c.A = a->rela ? r->A : 0;
	c.P = r->P;
	c.loc = buf + 4;
	c.got = r->got;
	c.stub = r->stub;
	c.rela = a->rela;
	st = a->apply(&c);
	ck_assert_msg(st == r->st, "%s: status %d, expected %d", where, st, r->st);
	/* The fast path (little-endian targets on a little-endian host): the same bytes
	 * when it takes an entry, nothing written when it leaves one to apply(). */
	if (a->apply_fast && !big && !r->stub) {
		unsigned char fb[20];
		bool took;

		memcpy(fb, before, sizeof(fb));
		took = a->apply_fast(r->type, r->S + (a->rela ? r->A : 0), r->P, fb + 4);
		if (took) {
			ck_assert_msg(st == ML_RELOC_OK,
				      "%s: fast path took an entry apply() refuses", where);
			unit_assert_bytes(fb, buf, sizeof(fb), "fast path and apply() differ");
			nfast++;
		} else {
			unit_assert_bytes(fb, before, sizeof(fb),
					  "fast path declined, yet changed bytes");
		}
	}
	for (int i = 0; i < 4; i++)
		ck_assert_msg(buf[i] == 0xa5, "%s: wrote before the place", where);
	for (int i = 4 + w; i < (int)sizeof(buf); i++)
		ck_assert_msg(buf[i] == 0xa5, "%s: wrote byte %d past a %d-byte field", where,
			      i - 4, w);
	if (st != ML_RELOC_OK) {
		unit_assert_bytes(buf, before, sizeof(buf), "failed, yet changed bytes");
		if (st != ML_RELOC_OVERFLOW)
			return;
		ck_assert_msg(c.lo == r->lo && c.hi == r->hi,
			      "%s: range [%lld, %lld), expected [%lld, %lld)", where,
			      (long long)c.lo, (long long)c.hi, (long long)r->lo, (long long)r->hi);
		if (a->rela) /* only x86_64 says how to print the range */
			ck_assert_msg(c.range_unsigned == r->uns, "%s: range_unsigned %d", where,
				      c.range_unsigned);
		return;
	}
	if (r->any_value)
		return;
	got = unit_dec(buf + 4, (unsigned)w, big);
	ck_assert_msg(got == r->field, "%s: field %#llx (%s), expected %#llx", where,
		      (unsigned long long)got, unit_hex(buf + 4, (size_t)w),
		      (unsigned long long)r->field);
	/* --explain prints the formula of the type's row */
	for (size_t i = 0; i < nti; i++)
		if (ti[i].type == r->type)
			ck_assert_str_eq(c.formula, ti[i].formula);
	if (r->type != R_386_NONE) /* == R_X86_64_NONE == 0 */
		ck_assert_msg(c.written == r->field, "%s: written %#llx, field %#llx", where,
			      (unsigned long long)c.written, (unsigned long long)r->field);
}

#define I386(i, big) \
	run_row(&ml_arch_i386, i386_types, ML_ARRAY_SIZE(i386_types), &i386_rows[i], i, big)
#define X86_64(i, big) \
	run_row(&ml_arch_x86_64, x86_64_types, ML_ARRAY_SIZE(x86_64_types), &x86_64_rows[i], i, big)

START_TEST(test_i386_le)
{
	I386((size_t)_i, false);
}
END_TEST

START_TEST(test_i386_be)
{
	I386((size_t)_i, true);
}
END_TEST

START_TEST(test_x86_64_le)
{
	X86_64((size_t)_i, false);
}
END_TEST

/* The fast path takes the everyday types: every OK row of them, nothing else. */
START_TEST(test_x86_64_fast)
{
	static const uint32_t fast_types[] = { R_X86_64_64,  R_X86_64_PC64, R_X86_64_32,
					       R_X86_64_32S, R_X86_64_PC32, R_X86_64_PLT32 };
	unsigned want = 0;

	nfast = 0;
	for (size_t i = 0; i < ML_ARRAY_SIZE(x86_64_rows); i++) {
		const struct row *r = &x86_64_rows[i];
		bool fast_type = false;

		for (size_t k = 0; k < ML_ARRAY_SIZE(fast_types); k++)
			fast_type |= r->type == fast_types[k];
		want += fast_type && r->st == ML_RELOC_OK && !r->stub;
		X86_64(i, false);
	}
	ck_assert_uint_gt(want, 5);
	ck_assert_uint_eq(nfast, want);
}
END_TEST

START_TEST(test_x86_64_be)
{
	X86_64((size_t)_i, true);
}
END_TEST

/* Literal bytes for the most common cases, as they appear in a module image. */
START_TEST(test_literal_bytes)
{
	/* i386: call printk, e8 fc ff ff ff at 0xd0800010 */
	unsigned char call[5] = { 0xe8, 0xfc, 0xff, 0xff, 0xff };
	static const unsigned char call_exp[5] = { 0xe8, 0x4b, 0x45, 0x91, 0xef };
	/* i386: movl $string, (%esp): absolute address with addend 0x20 */
	unsigned char abs32[4] = { 0x20, 0x00, 0x00, 0x00 };
	static const unsigned char abs32_exp[4] = { 0x20, 0x01, 0x80, 0xd0 };
	/* x86_64: a pointer in .data, R_X86_64_64 */
	unsigned char ptr[8] = { 0 };
	static const unsigned char ptr_exp[8] = { 0x56, 0x34, 0x12, 0x80, 0xff, 0xff, 0xff, 0xff };
	/* x86_64: movq $sym, %rax with R_X86_64_32S */
	unsigned char imm[4] = { 0 };
	static const unsigned char imm_exp[4] = { 0x5a, 0x34, 0x12, 0x80 };
	struct ml_target le32 = { false, false }, le64 = { true, false };
	struct ml_reloc_ctx c;

	memset(&c, 0, sizeof(c));
	c.t = &le32, c.type = R_386_PC32, c.S = K32, c.P = M32 + 0x11, c.loc = call + 1;
	ck_assert_int_eq(ml_arch_i386.apply(&c), ML_RELOC_OK);
	unit_assert_bytes(call, call_exp, 5, "i386 call printk");
	/* --explain shows the addend read from the place */
	ck_assert_uint_eq(c.A, N(-4));

	memset(&c, 0, sizeof(c));
	c.t = &le32, c.type = R_386_32, c.S = M32 + 0x100, c.P = M32, c.loc = abs32;
	ck_assert_int_eq(ml_arch_i386.apply(&c), ML_RELOC_OK);
	unit_assert_bytes(abs32, abs32_exp, 4, "i386 absolute");
	ck_assert_uint_eq(c.A, 0x20);

	memset(&c, 0, sizeof(c));
	c.t = &le64, c.type = R_X86_64_64, c.S = K64, c.P = M64, c.loc = ptr;
	c.rela = true;
	ck_assert_int_eq(ml_arch_x86_64.apply(&c), ML_RELOC_OK);
	unit_assert_bytes(ptr, ptr_exp, 8, "x86_64 pointer");

	memset(&c, 0, sizeof(c));
	c.t = &le64, c.type = R_X86_64_32S, c.S = K64, c.A = 4, c.P = M64, c.loc = imm;
	c.rela = true;
	ck_assert_int_eq(ml_arch_x86_64.apply(&c), ML_RELOC_OK);
	unit_assert_bytes(imm, imm_exp, 4, "x86_64 32S immediate");
}
END_TEST

/* i386 REL addends are sign-extended from the field's width. */
START_TEST(test_i386_rel_addend)
{
	static const struct {
		uint32_t type;
		unsigned w;
		uint64_t place;
		int64_t A;
	} rows[] = {
		{ R_386_32, 4, 0xfffffffc, -4 },   { R_386_32, 4, 0x7fffffff, 0x7fffffff },
		{ R_386_16, 2, 0xfffe, -2 },       { R_386_16, 2, 0x7ffe, 0x7ffe },
		{ R_386_8, 1, 0xff, -1 },          { R_386_PC8, 1, 0x80, -128 },
		{ R_386_PC16, 2, 0x8000, -32768 }, { R_386_GOTOFF, 4, 0x80000000, -0x80000000ll },
	};
	struct ml_target le32 = { false, false };

	for (size_t i = 0; i < ML_ARRAY_SIZE(rows); i++) {
		unsigned char buf[4];
		struct ml_reloc_ctx c;

		unit_enc(buf, rows[i].w, false, rows[i].place);
		memset(&c, 0, sizeof(c));
		c.t = &le32, c.type = rows[i].type, c.loc = buf;
		ml_arch_i386.apply(&c);
		ck_assert_msg((int64_t)c.A == rows[i].A, "row %zu: A = %lld, expected %lld", i,
			      (long long)c.A, (long long)rows[i].A);
	}
}
END_TEST

/* Names for messages and --explain; widths decide the bounds checks. */
static void check_names(const struct ml_arch *a, const struct tinfo *ti, size_t n)
{
	char buf[32];

	for (size_t i = 0; i < n; i++) {
		const struct ml_reloc_type *rt = ml_arch_reloc(a, ti[i].type);

		ck_assert_msg(rt != NULL, "%s: type %u missing", a->name, ti[i].type);
		ck_assert_str_eq(ml_arch_reloc_name(a, ti[i].type, buf), ti[i].name);
		ck_assert_msg(rt->width == (unsigned)ti[i].width, "%s: %s width %u, expected %d",
			      a->name, ti[i].name, rt->width, ti[i].width);
	}
	/* No type in the arch table without a row here. */
	ck_assert_uint_eq(a->nrelocs, n);
	ck_assert_ptr_null(ml_arch_reloc(a, 200));
	ck_assert_str_eq(ml_arch_reloc_name(a, 200, buf), "relocation type 200");
	ck_assert_str_eq(ml_arch_reloc_name(a, 4294967295u, buf), "relocation type 4294967295");
}

START_TEST(test_names)
{
	check_names(&ml_arch_i386, i386_types, ML_ARRAY_SIZE(i386_types));
	check_names(&ml_arch_x86_64, x86_64_types, ML_ARRAY_SIZE(x86_64_types));
}
END_TEST

/* Every type of each arch's table has at least one apply() row. */
static void check_covered(const struct ml_arch *a, const struct row *rows, size_t n)
{
	for (size_t i = 0; i < a->nrelocs; i++) {
		bool seen = false;

		for (size_t j = 0; j < n && !seen; j++)
			seen = rows[j].type == a->relocs[i].type;
		ck_assert_msg(seen, "%s: no apply() row for %s", a->name, a->relocs[i].name);
	}
}

START_TEST(test_covered)
{
	check_covered(&ml_arch_i386, i386_rows, ML_ARRAY_SIZE(i386_rows));
	check_covered(&ml_arch_x86_64, x86_64_rows, ML_ARRAY_SIZE(x86_64_rows));
}
END_TEST

/* Which types need a GOT slot (reserved before layout) or a .got section. */
static void check_stubs(const struct ml_arch *a, const struct tinfo *ti, size_t n,
			const uint32_t *slots, const uint32_t *gots)
{
	for (size_t i = 0; i < n; i++) {
		enum ml_stub_kind want = ML_STUB_NONE;
		bool got = false;

		for (const uint32_t *p = slots; *p; p++)
			if (*p == ti[i].type)
				want = ML_STUB_GOT;
		for (const uint32_t *p = gots; *p; p++)
			got = got || *p == ti[i].type;
		ck_assert_msg(a->stub_kind(ti[i].type) == want, "%s: stub_kind(%s)", a->name,
			      ti[i].name);
		ck_assert_msg(a->needs_got(ti[i].type) == got, "%s: needs_got(%s)", a->name,
			      ti[i].name);
	}
}

START_TEST(test_stubs)
{
	static const uint32_t i386_slots[] = { R_386_GOT32, R_386_GOT32X, 0 };
	static const uint32_t i386_gots[] = { R_386_GOTOFF, R_386_GOTPC, 0 };
	static const uint32_t x86_64_slots[] = { R_X86_64_GOT32, R_X86_64_GOTPCREL,
						 R_X86_64_GOTPCRELX, R_X86_64_REX_GOTPCRELX, 0 };
	static const uint32_t x86_64_gots[] = { R_X86_64_GOTOFF64, R_X86_64_GOTPC32, 0 };
	struct ml_target t32 = { false, false }, t64 = { true, false };

	check_stubs(&ml_arch_i386, i386_types, ML_ARRAY_SIZE(i386_types), i386_slots, i386_gots);
	check_stubs(&ml_arch_x86_64, x86_64_types, ML_ARRAY_SIZE(x86_64_types), x86_64_slots,
		    x86_64_gots);
	/* One target word per slot. */
	ck_assert_uint_eq(ml_arch_i386.stub_size(ML_STUB_GOT, &t32), 4);
	ck_assert_uint_eq(ml_arch_x86_64.stub_size(ML_STUB_GOT, &t64), 8);
}
END_TEST

/* The descriptors: the registry finds them from the ELF header's fields. */
START_TEST(test_registry)
{
	ck_assert_ptr_eq(ml_arch_find(EM_386, false), &ml_arch_i386);
	ck_assert_ptr_eq(ml_arch_find(EM_X86_64, true), &ml_arch_x86_64);
	ck_assert_ptr_null(ml_arch_find(EM_386, true));
	ck_assert_ptr_null(ml_arch_find(EM_X86_64, false));
	ck_assert_ptr_eq(ml_arch_by_name("i386"), &ml_arch_i386);
	ck_assert_ptr_eq(ml_arch_by_name("x86_64"), &ml_arch_x86_64);
	ck_assert_ptr_null(ml_arch_by_name("vax"));
	ck_assert(!ml_arch_i386.rela);
	ck_assert(ml_arch_x86_64.rela);
	ck_assert(ml_arch_i386.allow_le && !ml_arch_i386.allow_be);
	ck_assert(ml_arch_x86_64.allow_le && !ml_arch_x86_64.allow_be);
	/* struct exception_table_entry: two longs */
	ck_assert_uint_eq(ml_arch_i386.ex_entry_size, 8);
	ck_assert_uint_eq(ml_arch_x86_64.ex_entry_size, 16);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("arch");
	TCase *tc = tcase_create("apply");

	tcase_add_loop_test(tc, test_i386_le, 0, (int)ML_ARRAY_SIZE(i386_rows));
	tcase_add_loop_test(tc, test_i386_be, 0, (int)ML_ARRAY_SIZE(i386_rows));
	tcase_add_loop_test(tc, test_x86_64_le, 0, (int)ML_ARRAY_SIZE(x86_64_rows));
	tcase_add_test(tc, test_x86_64_fast);
	tcase_add_loop_test(tc, test_x86_64_be, 0, (int)ML_ARRAY_SIZE(x86_64_rows));
	tcase_add_test(tc, test_literal_bytes);
	tcase_add_test(tc, test_i386_rel_addend);
	suite_add_tcase(s, tc);
	tc = tcase_create("tables");
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_covered);
	tcase_add_test(tc, test_stubs);
	tcase_add_test(tc, test_registry);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
