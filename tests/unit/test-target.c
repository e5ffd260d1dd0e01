// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Target access: every byte of section data and of the module image goes
 * through these helpers, so the byte order and word size of each must be
 * exactly right.  Expected bytes are written out literally.
 */
#include "tests/unit/unit.h"

struct nrow {
	unsigned n;
	bool big;
	uint64_t v;
	unsigned char b[8];
};

static const struct nrow nrows[] = {
	{ 1, false, 0xa5, { 0xa5 } },
	{ 1, true, 0xa5, { 0xa5 } },
	{ 2, false, 0x1234, { 0x34, 0x12 } },
	{ 2, true, 0x1234, { 0x12, 0x34 } },
	{ 2, false, 0xfffe, { 0xfe, 0xff } },
	{ 4, false, 0x12345678, { 0x78, 0x56, 0x34, 0x12 } },
	{ 4, true, 0x12345678, { 0x12, 0x34, 0x56, 0x78 } },
	{ 4, false, 0xc0114560, { 0x60, 0x45, 0x11, 0xc0 } },
	{ 4, true, 0xc0114560, { 0xc0, 0x11, 0x45, 0x60 } },
	{ 8, false, 0x0102030405060708, { 8, 7, 6, 5, 4, 3, 2, 1 } },
	{ 8, true, 0x0102030405060708, { 1, 2, 3, 4, 5, 6, 7, 8 } },
	{ 8, false, 0xffffffff80100000, { 0, 0, 0x10, 0x80, 0xff, 0xff, 0xff, 0xff } },
	{ 8, true, 0xffffffff80100000, { 0xff, 0xff, 0xff, 0xff, 0x80, 0x10, 0, 0 } },
};

/* ml_putn writes exactly n bytes, in order, at an unaligned address. */
START_TEST(test_putn_getn)
{
	const struct nrow *r = &nrows[_i];
	struct ml_target t = { .is64 = false, .big = r->big };
	unsigned char buf[12];

	memset(buf, 0xee, sizeof(buf));
	ml_putn(&t, buf + 1, r->n, r->v);
	unit_assert_bytes(buf + 1, r->b, r->n, "ml_putn");
	ck_assert_uint_eq(buf[0], 0xee);
	for (unsigned i = 1 + r->n; i < sizeof(buf); i++)
		ck_assert_msg(buf[i] == 0xee, "ml_putn(%u) wrote byte %u", r->n, i - 1);
	ck_assert_uint_eq(ml_getn(&t, r->b, r->n), r->v);
}
END_TEST

/* The fixed-width helpers agree with the rows of their width. */
START_TEST(test_fixed_width)
{
	const struct nrow *r = &nrows[_i];
	struct ml_target t = { .is64 = _i % 2 == 0, .big = r->big };
	unsigned char buf[8];

	memset(buf, 0, sizeof(buf));
	switch (r->n) {
	case 2:
		ml_put16(&t, buf, (uint16_t)r->v);
		ck_assert_uint_eq(ml_get16(&t, r->b), r->v);
		break;
	case 4:
		ml_put32(&t, buf, (uint32_t)r->v);
		ck_assert_uint_eq(ml_get32(&t, r->b), r->v);
		break;
	case 8:
		ml_put64(&t, buf, r->v);
		ck_assert_uint_eq(ml_get64(&t, r->b), r->v);
		break;
	default:
		return;
	}
	unit_assert_bytes(buf, r->b, r->n, "fixed-width put");
	for (unsigned i = r->n; i < sizeof(buf); i++)
		ck_assert_uint_eq(buf[i], 0);
}
END_TEST

/* A target word is 4 bytes on 32-bit targets, 8 on 64-bit, in either order. */
START_TEST(test_word)
{
	static const unsigned char le32[] = { 0x88, 0x77, 0x66, 0x55 };
	static const unsigned char be32[] = { 0x55, 0x66, 0x77, 0x88 };
	static const unsigned char le64[] = { 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11 };
	static const unsigned char be64[] = { 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88 };
	static const unsigned char *const exp[] = { le32, be32, le64, be64 };
	const struct ml_target *t = &unit_targets[_i];
	unsigned ws = t->is64 ? 8 : 4;
	unsigned char buf[16];

	ck_assert_uint_eq(ml_wordsize(t), ws);
	memset(buf, 0xee, sizeof(buf));
	/* On a 32-bit target the upper half of the value is dropped. */
	ml_putword(t, buf, 0x1122334455667788);
	unit_assert_bytes(buf, exp[_i], ws, unit_tname(t));
	for (unsigned i = ws; i < sizeof(buf); i++)
		ck_assert_msg(buf[i] == 0xee, "%s: ml_putword wrote byte %u", unit_tname(t), i);
	ck_assert_uint_eq(ml_getword(t, exp[_i]), t->is64 ? 0x1122334455667788 : 0x55667788);
}
END_TEST

struct srow {
	uint64_t v;
	unsigned bits;
	int64_t exp;
};

static const struct srow srows[] = {
	{ 0x7f, 8, 127 },
	{ 0x80, 8, -128 },
	{ 0xff, 8, -1 },
	{ 0x1ff, 8, -1 }, /* bits above the field are ignored */
	{ 0x17f, 8, 127 },
	{ 0x7fff, 16, 32767 },
	{ 0x8000, 16, -32768 },
	{ 0xfffe, 16, -2 },
	{ 0x7fffffff, 32, 2147483647 },
	{ 0x80000000, 32, -2147483647 - 1 },
	{ 0xfffffffc, 32, -4 },
	{ 0xabcdfffffffc, 32, -4 },
	{ 0x3fffffe, 26, -2 }, /* a MIPS/ARM-style branch field */
	{ 0x1ffffff, 26, 0x1ffffff },
	{ 0xffffffff80000000, 64, INT64_MIN / 0x100000000 },
	{ 0x8000000000000000, 64, INT64_MIN },
	{ 0x7fffffffffffffff, 64, INT64_MAX },
	{ 0, 1, 0 },
	{ 1, 1, -1 },
};

START_TEST(test_sext)
{
	const struct srow *r = &srows[_i];

	int64_t got = ml_sext(r->v, r->bits);

	ck_assert_msg(got == r->exp, "ml_sext(%#llx, %u) = %lld, expected %lld",
		      (unsigned long long)r->v, r->bits, (long long)got, (long long)r->exp);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("target");
	TCase *tc = tcase_create("access");

	tcase_add_loop_test(tc, test_putn_getn, 0, (int)ML_ARRAY_SIZE(nrows));
	tcase_add_loop_test(tc, test_fixed_width, 0, (int)ML_ARRAY_SIZE(nrows));
	tcase_add_loop_test(tc, test_word, 0, UNIT_NTARGETS);
	tcase_add_loop_test(tc, test_sext, 0, (int)ML_ARRAY_SIZE(srows));
	suite_add_tcase(s, tc);
	return unit_run(s);
}
