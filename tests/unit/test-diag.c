// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Diagnostics: the one line the tools print for each problem,
 * "file: section+0xoff: message", with absent parts left out.
 */
#include "tests/unit/unit.h"

struct frow {
	const char *file, *section;
	long long offset;
	const char *symbol, *reloc;
	const char *exp;
};

static const struct frow frows[] = {
	{ NULL, NULL, -1, NULL, NULL, "unresolved symbol printk" },
	{ "drv.o", NULL, -1, NULL, NULL, "drv.o: unresolved symbol printk" },
	{ NULL, ".text", -1, NULL, NULL, ".text: unresolved symbol printk" },
	{ NULL, ".text", 0x1a4, NULL, NULL, ".text+0x1a4: unresolved symbol printk" },
	{ NULL, ".text", 0, NULL, NULL, ".text+0x0: unresolved symbol printk" },
	{ "drv.o", ".text", -1, NULL, NULL, "drv.o: .text: unresolved symbol printk" },
	{ "drv.o", ".text", 0x1a4, NULL, NULL, "drv.o: .text+0x1a4: unresolved symbol printk" },
	{ "drv.o", ".text", 0xffffffffll, NULL, NULL,
	  "drv.o: .text+0xffffffff: unresolved symbol printk" },
	/* an offset means nothing without a section */
	{ "drv.o", NULL, 0x1a4, NULL, NULL, "drv.o: unresolved symbol printk" },
	{ NULL, NULL, 0x1a4, NULL, NULL, "unresolved symbol printk" },
	/* symbol and relocation are for tools that want them; the message names them */
	{ "drv.o", ".text", 0x10, "printk", "R_386_PC32",
	  "drv.o: .text+0x10: unresolved symbol printk" },
};

START_TEST(test_format)
{
	const struct frow *r = &frows[_i];
	struct ml_loc loc = { .file = r->file,
			      .section = r->section,
			      .offset = r->offset,
			      .symbol = r->symbol,
			      .reloc = r->reloc };
	struct ml_diags d = { 0 };
	char *s;

	ml_diag(&d, ML_ERR, &loc, "unresolved symbol %s", "printk");
	ck_assert_uint_eq(d.n, 1);
	s = ml_diag_format(&d.v[0]);
	ck_assert_str_eq(s, r->exp);
	free(s);
	/* the record keeps its own copies of the location */
	if (r->symbol)
		ck_assert_str_eq(d.v[0].symbol, r->symbol);
	if (r->reloc)
		ck_assert_str_eq(d.v[0].reloc, r->reloc);
	ml_diags_free(&d);
}
END_TEST

/* Severity counts decide the exit status; shorthands name only a file. */
START_TEST(test_counts)
{
	struct ml_diags d = { 0 };
	char file[] = "x.o";
	char *s;

	ml_err(&d, file, "first %d", 1);
	ml_warn(&d, NULL, "Warning: %s", "second");
	ml_info(&d, file, "third");
	ml_diag(&d, ML_ERR, NULL, "fourth");
	file[0] = 'y'; /* copied, not referenced */
	ck_assert_uint_eq(d.n, 4);
	ck_assert_uint_eq(d.nerr, 2);
	ck_assert_uint_eq(d.nwarn, 1);
	ck_assert_int_eq(d.v[0].sev, ML_ERR);
	ck_assert_int_eq(d.v[1].sev, ML_WARN);
	ck_assert_int_eq(d.v[2].sev, ML_INFO);
	s = ml_diag_format(&d.v[0]);
	ck_assert_str_eq(s, "x.o: first 1");
	free(s);
	s = ml_diag_format(&d.v[1]);
	ck_assert_str_eq(s, "Warning: second");
	free(s);
	s = ml_diag_format(&d.v[3]);
	ck_assert_str_eq(s, "fourth");
	free(s);
	ml_diags_free(&d);
	ck_assert_uint_eq(d.n, 0);
	ck_assert_uint_eq(d.nerr, 0);
}
END_TEST

/* Many records: all kept, in order (errors are collected, then reported). */
START_TEST(test_many)
{
	struct ml_diags d = { 0 };

	for (int i = 0; i < 1000; i++)
		ml_err(&d, "m.o", "unresolved symbol s%d", i);
	ck_assert_uint_eq(d.n, 1000);
	ck_assert_uint_eq(d.nerr, 1000);
	ck_assert_str_eq(d.v[0].msg, "unresolved symbol s0");
	ck_assert_str_eq(d.v[999].msg, "unresolved symbol s999");
	ml_diags_free(&d);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("diag");
	TCase *tc = tcase_create("format");

	tcase_add_loop_test(tc, test_format, 0, (int)ML_ARRAY_SIZE(frows));
	tcase_add_test(tc, test_counts);
	tcase_add_test(tc, test_many);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
