/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Table-driven tests of one CPU's apply() hook, shared by the per-CPU
 * suites (test-arch-<cpu>.c).  A row gives S, A, P and B, the place's
 * content before, and what must come out: the status, the place after (the
 * whole place: an instruction keeps its other bits), or the value and range
 * an error reports.  The place's size comes from the CPU's relocation
 * table, arch/reloc-<cpu>.def (each suite expands it with ARCH_TINFO): the
 * one list the arch code, --explain and these tests share.
 */
#ifndef ML_UNIT_ARCH_ROWS_H
#define ML_UNIT_ARCH_ROWS_H

#include "tests/unit/unit.h"

#include "arch/arch.h"

struct arch_tinfo {
	uint32_t type;
	const char *name;
	unsigned width; /* bytes of the place */
};

/* A row of arch/reloc-<cpu>.def as a struct arch_tinfo (#define ML_RELOC ARCH_TINFO). */
#define ARCH_TINFO(ty, w, f, chk, b, sh) { ty, #ty, w },

struct arch_row {
	uint32_t type;
	uint64_t S, A, P, B;
	uint64_t place; /* the place before */
	enum ml_reloc_status st;
	uint64_t after; /* OK: the place after, and c->written */
	uint64_t value; /* OVERFLOW, DANGEROUS: c->value reported */
	int64_t lo, hi; /* OVERFLOW: the range reported */
	bool uns;       /* OVERFLOW: the range printed unsigned */
};

#define ROW_OK(ty, s, a, p, pl, aft)                                                             \
	{                                                                                        \
		.type = ty, .S = s, .A = a, .P = p, .place = pl, .st = ML_RELOC_OK, .after = aft \
	}
#define ROW_OVF(ty, s, a, p, pl, v, l, h, u)                                              \
	{                                                                                 \
		.type = ty, .S = s, .A = a, .P = p, .place = pl, .st = ML_RELOC_OVERFLOW, \
		.value = v, .lo = l, .hi = h, .uns = u                                    \
	}
#define ROW_DANGER(ty, s, a, p, pl, v)                                                     \
	{                                                                                  \
		.type = ty, .S = s, .A = a, .P = p, .place = pl, .st = ML_RELOC_DANGEROUS, \
		.value = v                                                                 \
	}
#define ROW_UNH(ty, pl)                                                                     \
	{                                                                                   \
		.type = ty, .S = 0x1000, .P = 0x2000, .place = pl, .st = ML_RELOC_UNHANDLED \
	}
#define ROW_BASE(ty, b, a, pl, aft)                                                      \
	{                                                                                \
		.type = ty, .A = a, .P = 0x2000, .B = b, .place = pl, .st = ML_RELOC_OK, \
		.after = aft                                                             \
	}

static inline unsigned arch_width(const struct arch_tinfo *ti, size_t n, uint32_t type)
{
	for (size_t i = 0; i < n; i++)
		if (ti[i].type == type && ti[i].width)
			return ti[i].width;
	return 4; /* NONE and unknown types: watch a word */
}

/*
 * The place sits at offset 4 of a 20-byte buffer of 0xa5 sentinels: nothing
 * outside it may change, and nothing at all when apply() fails.
 */
static inline void arch_run_row(const struct ml_arch *a, const struct arch_tinfo *ti, size_t nti,
				const struct arch_row *r, size_t idx, bool big)
{
	struct ml_target t = { .is64 = a->is64, .big = big };
	unsigned w = arch_width(ti, nti, r->type);
	unsigned char buf[20], before[20];
	struct ml_reloc_ctx c;
	enum ml_reloc_status st;
	char nb[32], where[96];
	uint64_t got;

	snprintf(where, sizeof(where), "%s row %zu (%s, %s)", a->name, idx,
		 ml_arch_reloc_name(a, r->type, nb), big ? "BE" : "LE");
	memset(buf, 0xa5, sizeof(buf));
	unit_enc(buf + 4, w, big, r->place);
	memcpy(before, buf, sizeof(buf));
	memset(&c, 0, sizeof(c));
	c.t = &t;
	c.type = r->type;
	c.S = r->S;
	c.A = r->A;
	c.P = r->P;
	c.base = r->B;
	c.loc = buf + 4;
	c.rela = a->rela;
	st = a->apply(&c);
	ck_assert_msg(st == r->st, "%s: status %d, expected %d", where, st, r->st);
	for (int i = 0; i < 4; i++)
		ck_assert_msg(buf[i] == 0xa5, "%s: wrote before the place", where);
	for (int i = 4 + (int)w; i < (int)sizeof(buf); i++)
		ck_assert_msg(buf[i] == 0xa5, "%s: wrote byte %d past a %u-byte place", where,
			      i - 4, w);
	if (st != ML_RELOC_OK) {
		unit_assert_bytes(buf, before, sizeof(buf), where);
		if (st == ML_RELOC_UNHANDLED)
			return;
		ck_assert_msg(c.value == r->value, "%s: reported %#llx, expected %#llx", where,
			      (unsigned long long)c.value, (unsigned long long)r->value);
		if (st != ML_RELOC_OVERFLOW)
			return;
		ck_assert_msg(c.lo == r->lo && c.hi == r->hi && c.range_unsigned == r->uns,
			      "%s: range [%lld, %lld) %s, expected [%lld, %lld) %s", where,
			      (long long)c.lo, (long long)c.hi,
			      c.range_unsigned ? "unsigned" : "signed", (long long)r->lo,
			      (long long)r->hi, r->uns ? "unsigned" : "signed");
		ck_assert_ptr_nonnull(c.formula);
		return;
	}
	got = unit_dec(buf + 4, w, big);
	ck_assert_msg(got == r->after, "%s: place %#llx (%s), expected %#llx", where,
		      (unsigned long long)got, unit_hex(buf + 4, w), (unsigned long long)r->after);
	/* --explain prints the row's formula (a veneer or trampoline would say so instead) */
	ck_assert_str_eq(c.formula, ml_arch_reloc(a, r->type)->formula);
	if (c.type != 0) /* NONE writes nothing */
		ck_assert_msg(c.written == r->after, "%s: written %#llx, place %#llx", where,
			      (unsigned long long)c.written, (unsigned long long)r->after);
}

/* The arch's lookups find every row of its table by number, and nothing else. */
static inline void arch_check_names(const struct ml_arch *a, const struct arch_tinfo *ti, size_t n)
{
	char buf[32];

	for (size_t i = 0; i < n; i++) {
		const struct ml_reloc_type *rt = ml_arch_reloc(a, ti[i].type);

		ck_assert_msg(rt != NULL, "%s: type %u missing", a->name, ti[i].type);
		ck_assert_str_eq(ml_arch_reloc_name(a, ti[i].type, buf), ti[i].name);
		ck_assert_msg(rt->width == ti[i].width, "%s: %s width %u, expected %u", a->name,
			      ti[i].name, rt->width, ti[i].width);
	}
	ck_assert_uint_eq(a->nrelocs, n);
	ck_assert_ptr_null(ml_arch_reloc(a, 200));
	ck_assert_str_eq(ml_arch_reloc_name(a, 200, buf), "relocation type 200");
}

/* Every type of the arch's table has at least one row. */
static inline void arch_check_covered(const struct ml_arch *a, const struct arch_row *rows,
				      size_t n)
{
	for (size_t i = 0; i < a->nrelocs; i++) {
		bool seen = false;

		for (size_t j = 0; j < n && !seen; j++)
			seen = rows[j].type == a->relocs[i].type;
		ck_assert_msg(seen, "%s: no apply() row for %s", a->name, a->relocs[i].name);
	}
}

/* A CPU whose relocations all reach their targets directly: no GOT, no PLT. */
static inline void arch_check_no_stubs(const struct ml_arch *a)
{
	for (size_t i = 0; i < a->nrelocs; i++) {
		uint32_t ty = a->relocs[i].type;

		ck_assert(!a->stub_kind || a->stub_kind(ty) == ML_STUB_NONE);
		ck_assert(!a->needs_got || !a->needs_got(ty));
	}
}

/* The hint for each of these types says what to do (contains 'needle'). */
static inline void arch_check_hints(const struct ml_arch *a, const uint32_t *types, size_t n,
				    const char *needle)
{
	for (size_t i = 0; i < n; i++) {
		const char *h = a->overflow_hint(types[i]);
		char nb[32];

		ck_assert_msg(h && strstr(h, needle), "%s: hint for %s: %s", a->name,
			      ml_arch_reloc_name(a, types[i], nb), h ? h : "(none)");
	}
}

/* The descriptor's facts, and that the registry finds it by machine and by name. */
static inline void arch_check_descriptor(const struct ml_arch *a, const char *name,
					 uint16_t machine, bool rela, bool le, bool be,
					 unsigned ex_entry_size)
{
	ck_assert_str_eq(a->name, name);
	ck_assert_ptr_eq(ml_arch_find(machine, a->is64), a);
	ck_assert_ptr_ne(ml_arch_find(machine, !a->is64), a);
	ck_assert_ptr_eq(ml_arch_by_name(name), a);
	ck_assert(a->rela == rela);
	ck_assert(a->allow_le == le && a->allow_be == be);
	ck_assert_uint_eq(a->ex_entry_size, ex_entry_size);
}

/*
 * The table tests of a suite: test_rows_be and test_rows_le, loop tests over
 * rows[] (tcase_add_loop_test(tc, test_rows_be, 0, ML_ARRAY_SIZE(rows))), and
 * test_names: the arch's names and widths are types[], and each has a row.
 */
#define ARCH_ROW_TESTS(arch, types, rows)                                                      \
	START_TEST(test_rows_be)                                                               \
	{                                                                                      \
		arch_run_row(arch, types, ML_ARRAY_SIZE(types), &rows[_i], (size_t)_i, true);  \
	}                                                                                      \
	END_TEST                                                                               \
	START_TEST(test_rows_le)                                                               \
	{                                                                                      \
		arch_run_row(arch, types, ML_ARRAY_SIZE(types), &rows[_i], (size_t)_i, false); \
	}                                                                                      \
	END_TEST                                                                               \
	START_TEST(test_names)                                                                 \
	{                                                                                      \
		arch_check_names(arch, types, ML_ARRAY_SIZE(types));                           \
		arch_check_covered(arch, rows, ML_ARRAY_SIZE(rows));                           \
	}                                                                                      \
	END_TEST

#endif
