// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Module parameters (facts §2.5): "name=v1,v2,..." checked against the
 * .modinfo "parm_<name>=[min[-max]]T" entry and written into the object's
 * section bytes in the target's byte order and word size; strings become
 * patches to copies in .kstrtab.  Every message of §2.5 is checked with
 * its exact text.
 *
 * The object is built in memory: a 64-byte .data section filled with 0xee
 * and the parameter's symbol at offset 8, so any byte written outside the
 * values is seen.
 */
#include "tests/unit/unit.h"

#include <elf.h>
#include <errno.h>

#include "loader/loader.h"

#define OFF 8

static struct ml_obj *o;
static struct ml_diags d;
static size_t dsec;

/* modinfo: NULL-terminated list of "key=value" strings, or NULL for none. */
static void mkobj(const struct ml_target *t, const char *const *modinfo)
{
	struct ml_buf mi = { 0 };

	o = ml_xcalloc(1, sizeof(*o));
	o->path = ml_xstrdup("drv.o");
	o->fname = o->path;
	o->tgt = *t;
	o->arch = t->is64 ? &ml_arch_x86_64 : &ml_arch_i386;
	o->got_sec = o->plt_sec = o->this_sec = o->kstrtab_sec = -1;
	ml_hash_init(&o->names, 16);
	dsec = ml_obj_add_section(o, ".data", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, 8, 64);
	memset(o->secs[dsec]->data, 0xee, 64);
	if (modinfo) {
		for (size_t i = 0; modinfo[i]; i++)
			ml_buf_add(&mi, modinfo[i], strlen(modinfo[i]) + 1);
		ml_buf_add(&mi, "", 1); /* the terminating NUL */
		o->modinfo = mi.p;
		o->modinfo_len = mi.len - 1;
		o->has_modinfo = true;
	}
	memset(&d, 0, sizeof(d));
}

static void sym(const char *name, uint64_t off)
{
	ml_obj_add_symbol(o, name, (int)dsec, off, STB_GLOBAL, STT_OBJECT, 4);
}

static void teardown(void)
{
	ml_obj_free(o);
	ml_diags_free(&d);
	o = NULL;
}

static const unsigned char *data(void)
{
	return o->secs[dsec]->data;
}

/* Exactly one error, with this text, naming the object. */
static void assert_one_error(int ret, const char *msg)
{
	ck_assert_msg(ret < 0, "expected a failure for '%s', got %d", msg, ret);
	ck_assert_msg(d.nerr == 1 && d.n == 1, "expected one error '%s', got:\n%s", msg,
		      unit_diags(&d));
	ck_assert_int_eq(d.v[0].sev, ML_ERR);
	ck_assert_str_eq(d.v[0].msg, msg);
	ck_assert_str_eq(d.v[0].file, "drv.o");
}

/* ---- numbers ---- */

struct nrow {
	const char *type, *value;
	unsigned n;
	uint64_t v[10];
};

static const struct nrow nrows[] = {
	{ "b", "0x12", 1, { 0x12 } },
	{ "b", "255", 1, { 0xff } },
	{ "b", "-1", 1, { 0xff } },
	{ "b", "0x1ff", 1, { 0xff } }, /* truncated to the type */
	{ "h", "0x1234", 1, { 0x1234 } },
	{ "h", "-2", 1, { 0xfffe } },
	{ "h", "070", 1, { 070 } }, /* octal */
	{ "i", "0x12345678", 1, { 0x12345678 } },
	{ "i", "305419896", 1, { 0x12345678 } },
	{ "i", "-5", 1, { 0xfffffffb } },
	{ "i", "-0x10", 1, { 0xfffffff0 } },
	{ "i", "010", 1, { 8 } },
	{ "i", "0", 1, { 0 } },
	{ "i", "4294967295", 1, { 0xffffffff } },
	{ "l", "-1", 1, { 0xffffffffffffffff } },
	{ "l", "0x123456789", 1, { 0x123456789 } }, /* 32-bit targets keep 0x23456789 */
	{ "l", "0x80000000", 1, { 0x80000000 } },
	{ "2-4i", "1,2", 2, { 1, 2 } },
	{ "2-4i", "1,2,3,4", 4, { 1, 2, 3, 4 } },
	{ "3h", "1, 2 ,3", 3, { 1, 2, 3 } }, /* blanks around values */
	{ "3h", "1\t,2\n,3 ", 3, { 1, 2, 3 } },
	{ "1-3b", "0x10,-1,077", 3, { 0x10, 0xff, 077 } },
	{ "2l", "-2,0x7fffffff", 2, { 0xfffffffffffffffe, 0x7fffffff } },
	{ "ip", "42", 1, { 42 } }, /* persistent: same as i */
	{ "0-2i", "7", 1, { 7 } },
};

static unsigned size_of(const char *type, const struct ml_target *t)
{
	const char *p = type + strspn(type, "0123456789-");

	switch (*p) {
	case 'b':
		return 1;
	case 'h':
		return 2;
	case 'i':
		return 4;
	default:
		return t->is64 ? 8 : 4;
	}
}

START_TEST(test_numbers)
{
	const struct nrow *r = &nrows[_i / UNIT_NTARGETS];
	const struct ml_target *t = &unit_targets[_i % UNIT_NTARGETS];
	char parm[64], arg[64];
	unsigned char exp[64];
	unsigned sz = size_of(r->type, t);
	int ret;

	snprintf(parm, sizeof(parm), "parm_x=%s", r->type);
	snprintf(arg, sizeof(arg), "x=%s", r->value);
	mkobj(t, (const char *const[]){ "kernel_version=2.4.37", parm, "parm_desc_x=x", NULL });
	sym("x", OFF);
	ret = ml_param_apply(o, arg, true, &d);
	ck_assert_msg(ret == 0 && d.n == 0, "%s (%s, %s): %d\n%s", arg, parm, unit_tname(t), ret,
		      unit_diags(&d));
	memset(exp, 0xee, sizeof(exp));
	for (unsigned i = 0; i < r->n; i++)
		unit_enc(exp + OFF + i * sz, sz, t->big, r->v[i]);
	unit_assert_bytes(data(), exp, 64, arg);
	ck_assert_uint_eq(o->npatches, 0);
}
END_TEST

/* ---- strings ---- */

static const char *kstr(uint64_t off)
{
	ck_assert_int_ge(o->kstrtab_sec, 0);
	ck_assert(o->secs[o->kstrtab_sec]->load);
	ck_assert_str_eq(o->secs[o->kstrtab_sec]->name, ".kstrtab");
	ck_assert_uint_lt(off, o->secs[o->kstrtab_sec]->size);
	return (const char *)o->secs[o->kstrtab_sec]->data + off;
}

/* The i-th patch points slot i of the parameter at a .kstrtab copy of exp. */
static void assert_string_patch(size_t i, const char *exp)
{
	unsigned ws = ml_wordsize(&o->tgt);

	ck_assert_uint_gt(o->npatches, i);
	ck_assert(o->patches[i].is_string);
	ck_assert_uint_eq(o->patches[i].sec, dsec);
	ck_assert_uint_eq(o->patches[i].off, OFF + i * ws);
	ck_assert_str_eq(kstr(o->patches[i].str_off), exp);
}

struct qrow {
	const char *value, *exp;
};

static const struct qrow qrows[] = {
	{ "hello", "hello" },
	{ "a b", "a b" }, /* unquoted: everything up to a comma */
	{ "a\"b", "a\"b" },
	{ "\"hello\"", "hello" },
	{ "\"\"", "" },
	{ "\"a,b\"", "a,b" }, /* quoted: commas are text */
	{ "\"x\\ay\"", "x\ay" },
	{ "\"x\\by\"", "x\by" },
	{ "\"x\\ey\"", "x\033y" },
	{ "\"x\\fy\"", "x\fy" },
	{ "\"x\\ny\"", "x\ny" },
	{ "\"x\\ry\"", "x\ry" },
	{ "\"x\\ty\"", "x\ty" },
	{ "\"\\101\"", "A" }, /* \ooo: 1 to 3 octal digits */
	{ "\"\\1012\"", "A2" },
	{ "\"\\7\"", "\a" },
	{ "\"\\60x\"", "0x" },
	{ "\"\\18\"", "\0018" },
	{ "\"\\\"\"", "\"" }, /* any other \c is c */
	{ "\"\\\\\"", "\\" },
	{ "\"\\q\\,\"", "q," },
	{ "\"a\" ", "a" }, /* blanks after the closing quote */
};

START_TEST(test_string_quoting)
{
	const struct qrow *r = &qrows[_i];
	char arg[64];
	int ret;

	snprintf(arg, sizeof(arg), "s=%s", r->value);
	mkobj(&unit_targets[0], (const char *const[]){ "parm_s=s", NULL });
	sym("s", OFF);
	ret = ml_param_apply(o, arg, true, &d);
	ck_assert_msg(ret == 0 && d.n == 0, "%s: %d\n%s", arg, ret, unit_diags(&d));
	ck_assert_uint_eq(o->npatches, 1);
	assert_string_patch(0, r->exp);
}
END_TEST

/* s: one pointer-sized slot per value, each a patch; works for every target. */
START_TEST(test_string_array)
{
	const struct ml_target *t = &unit_targets[_i];
	int ret;

	mkobj(t, (const char *const[]){ "parm_s=1-3s", NULL });
	sym("s", OFF);
	ret = ml_param_apply(o, "s=eth0,\"a,b\",", true, &d);
	ck_assert_msg(ret == 0 && d.n == 0, "%d\n%s", ret, unit_diags(&d));
	ck_assert_uint_eq(o->npatches, 2);
	assert_string_patch(0, "eth0");
	assert_string_patch(1, "a,b");
	ret = ml_param_apply(o, "s=x,y,z", true, &d);
	ck_assert_msg(ret == 0 && d.n == 0, "%d\n%s", ret, unit_diags(&d));
	ck_assert_uint_eq(o->npatches, 5);
	ck_assert_str_eq(kstr(o->patches[2].str_off), "x");
	ck_assert_uint_eq(o->patches[4].off, OFF + 2 * ml_wordsize(t));
	ck_assert_str_eq(kstr(o->patches[4].str_off), "z");
}
END_TEST

/* c<N>: N-byte buffers, NUL-padded; N-1 characters fit. */
START_TEST(test_char_arrays)
{
	static const unsigned char full[64 - OFF] = "1234567";
	static const unsigned char two[16] = { 'a',  'b',  0,    0,    'c',  ',',  'd',  0,
					       0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee };
	static const unsigned char tab[8] = { '\t', 'x', 0, 0, 0, 0, 0, 0 };
	int ret;

	mkobj(&unit_targets[1], (const char *const[]){ "parm_c=c8", "parm_t=2c4", NULL });
	sym("c", OFF);
	sym("t", 32);
	ret = ml_param_apply(o, "c=1234567", true, &d);
	ck_assert_msg(ret == 0 && d.n == 0, "%d\n%s", ret, unit_diags(&d));
	unit_assert_bytes(data() + OFF, full, 8, "c8 with 7 characters");
	ck_assert_uint_eq(data()[OFF + 8], 0xee);
	ret = ml_param_apply(o, "c=\"\\tx\"", true, &d);
	ck_assert_msg(ret == 0 && d.n == 0, "%d\n%s", ret, unit_diags(&d));
	unit_assert_bytes(data() + OFF, tab, 8, "c8 rewritten: old text cleared");
	ret = ml_param_apply(o, "t=ab,\"c,d\"", true, &d);
	ck_assert_msg(ret == 0 && d.n == 0, "%d\n%s", ret, unit_diags(&d));
	unit_assert_bytes(data() + 32, two, 16, "2c4");
	ck_assert_uint_eq(o->npatches, 0);
}
END_TEST

/* ---- errors (exact texts of facts §2.5) ---- */

struct erow {
	const char *modinfo, *arg, *msg;
};

static const struct erow erows[] = {
	{ "parm_x=i", "nosuch=1", "invalid parameter parm_nosuch" },
	{ "parm_ghost=i", "ghost=1", "symbol for parameter ghost not found" },
	{ "parm_x=s", "x=\"abc", "improperly terminated string argument for x" },
	{ "parm_x=s", "x=\"abc\\", "improperly terminated string argument for x" },
	{ "parm_x=c8", "x=\"abc\\\"", "improperly terminated string argument for x" },
	{ "parm_x=c", "x=abc", "parameter type 'c' for x must be followed by the maximum size" },
	{ "parm_x=c8", "x=12345678", "string too long for x (max 7)" },
	{ "parm_x=2c8", "x=ok,123456789", "string too long for x (max 7)" },
	{ "parm_x=c1", "x=a", "string too long for x (max 0)" },
	{ "parm_x=z", "x=1", "unknown parameter type 'z' for x" },
	{ "parm_x=2-4i", "x=1,2,3,4,5", "too many values for x (max 4)" },
	{ "parm_x=i", "x=1,2", "too many values for x (max 1)" },
	{ "parm_x=2s", "x=a,b,c", "too many values for x (max 2)" },
	{ "parm_x=i", "x=1x", "invalid argument syntax for x: 'x'" },
	{ "parm_x=i", "x=z", "invalid argument syntax for x: 'z'" },
	{ "parm_x=2i", "x=1 2", "invalid argument syntax for x: '2'" },
	{ "parm_x=2i", "x=1;2", "invalid argument syntax for x: ';'" },
	{ "parm_x=2s", "x=\"a\"b", "invalid argument syntax for x: 'b'" },
	{ "parm_x=2-4i", "x=1", "too few values for x (min 2)" },
	{ "parm_x=2-4i", "x=", "too few values for x (min 2)" },
	{ "parm_x=3c4", "x=a,b", "too few values for x (min 3)" },
};

START_TEST(test_errors)
{
	const struct erow *r = &erows[_i];

	mkobj(&unit_targets[0], (const char *const[]){ "author=me", r->modinfo, NULL });
	sym("x", OFF);
	assert_one_error(ml_param_apply(o, r->arg, true, &d), r->msg);
}
END_TEST

/*
 * A .modinfo type with no type letter ("parm_x=" or "parm_x=3"): the §2.5
 * message "unknown parameter type '%c' for %s" must still name the
 * parameter (the letter it would print is a NUL).
 */
START_TEST(test_error_no_type_letter)
{
	static const char *const types[] = { "parm_x=", "parm_x=3" };

	mkobj(&unit_targets[0], (const char *const[]){ types[_i], NULL });
	sym("x", OFF);
	ck_assert_int_lt(ml_param_apply(o, "x=1", true, &d), 0);
	ck_assert_msg(d.nerr == 1 && d.n == 1, "%s", unit_diags(&d));
	ck_assert_msg(!strncmp(d.v[0].msg, "unknown parameter type '", 24) &&
			      strstr(d.v[0].msg, "' for x") != NULL,
		      "%s: message \"%s\" does not name the parameter", types[_i], d.v[0].msg);
}
END_TEST

/* A parameter must be the object's own variable, not a kernel symbol. */
START_TEST(test_symbol_not_own)
{
	long s;

	mkobj(&unit_targets[0], (const char *const[]){ "parm_jiffies=i", "parm_undef=i", NULL });
	s = ml_obj_add_symbol(o, "jiffies", ML_SEC_EXTERN, 0, STB_GLOBAL, STT_NOTYPE, 0);
	ck_assert_int_ge(s, 0);
	ml_obj_add_symbol(o, "undef", ML_SEC_UNDEF, 0, STB_GLOBAL, STT_NOTYPE, 0);
	assert_one_error(ml_param_apply(o, "jiffies=1", true, &d),
			 "symbol for parameter jiffies not found");
	ml_diags_free(&d);
	assert_one_error(ml_param_apply(o, "undef=1", true, &d),
			 "symbol for parameter undef not found");
}
END_TEST

/* Values never land outside the variable's section. */
START_TEST(test_outside_section)
{
	static const unsigned char exp[8] = { 1, 0, 0, 0, 2, 0, 0, 0 };
	int ret;

	mkobj(&unit_targets[0], (const char *const[]){ "parm_x=1-4i", NULL });
	sym("x", 56);
	ret = ml_param_apply(o, "x=1,2,3", true, &d);
	ck_assert_int_lt(ret, 0);
	ck_assert_uint_eq(d.nerr, 1);
	ck_assert_str_eq(d.v[0].msg, "value 3 of parameter x lies outside its section");
	unit_assert_bytes(data() + 56, exp, 8, "the values that fit");
}
END_TEST

/* Required mode (command line) rejects unknown names; optional (persist) skips them. */
START_TEST(test_optional_mode)
{
	static const unsigned char five[4] = { 0, 0, 0, 5 };
	int ret;

	mkobj(&unit_targets[1], (const char *const[]){ "parm_x=i", NULL });
	sym("x", OFF);
	ret = ml_param_apply(o, "nosuch=1", false, &d);
	ck_assert_int_eq(ret, 0);
	ck_assert_uint_eq(d.nerr, 0);
	ck_assert_uint_eq(d.nwarn, 0);
	ret = ml_param_apply(o, "x=5", false, &d);
	ck_assert_int_eq(ret, 0);
	ck_assert_uint_eq(d.nerr, 0);
	unit_assert_bytes(data() + OFF, five, 4, "optional mode applies known names");
	/* the same unknown name in required mode */
	ml_diags_free(&d);
	assert_one_error(ml_param_apply(o, "nosuch=1", true, &d), "invalid parameter parm_nosuch");
}
END_TEST

/* A word without '=' is not a parameter: ignored, as modutils does. */
START_TEST(test_no_equals)
{
	unsigned char exp[64];

	mkobj(&unit_targets[0], (const char *const[]){ "parm_x=i", NULL });
	sym("x", OFF);
	ck_assert_int_eq(ml_param_apply(o, "x", true, &d), 0);
	ck_assert_int_eq(ml_param_apply(o, "nosuch", true, &d), 0);
	ck_assert_uint_eq(d.n, 0);
	memset(exp, 0xee, sizeof(exp));
	unit_assert_bytes(data(), exp, 64, "nothing written");
}
END_TEST

/* No .modinfo (2.0/2.2 objects): a leading digit means ints, else strings; no limits. */
START_TEST(test_no_modinfo)
{
	const struct ml_target *t = &unit_targets[_i];
	unsigned char exp[64];
	int ret;

	mkobj(t, NULL);
	sym("x", OFF);
	sym("y", 0);
	ret = ml_param_apply(o, "x=1,2,3,4,5,6,7,0x10,010,-1", true, &d);
	ck_assert_msg(ret == 0 && d.n == 0, "%d\n%s", ret, unit_diags(&d));
	memset(exp, 0xee, sizeof(exp));
	for (unsigned i = 0; i < 7; i++)
		unit_enc(exp + OFF + 4 * i, 4, t->big, i + 1);
	unit_enc(exp + OFF + 28, 4, t->big, 16);
	unit_enc(exp + OFF + 32, 4, t->big, 8);
	unit_enc(exp + OFF + 36, 4, t->big, 0xffffffff);
	unit_assert_bytes(data(), exp, 64, "int list");
	ck_assert_uint_eq(o->npatches, 0);
	/* '-' is not a digit: "-1" is a string */
	ret = ml_param_apply(o, "y=-1,abc", true, &d);
	ck_assert_msg(ret == 0 && d.n == 0, "%d\n%s", ret, unit_diags(&d));
	ck_assert_uint_eq(o->npatches, 2);
	ck_assert(o->patches[0].is_string && o->patches[1].is_string);
	ck_assert_uint_eq(o->patches[0].off, 0);
	ck_assert_uint_eq(o->patches[1].off, ml_wordsize(t));
	ck_assert_str_eq(kstr(o->patches[0].str_off), "-1");
	ck_assert_str_eq(kstr(o->patches[1].str_off), "abc");
	/* without .modinfo there is no parm_ list: an unknown name is a missing symbol */
	assert_one_error(ml_param_apply(o, "nosuch=1", true, &d),
			 "symbol for parameter nosuch not found");
}
END_TEST

/* ---- ml_params_check: the .modinfo pre-check (facts §2.5) ---- */

struct crow {
	const char *entry;
	int sev; /* -1 = no diagnostic */
	const char *msg;
};

static const struct crow crows[] = {
	{ "parm_x=i", -1, NULL },
	{ "parm_x=1-8bp", -1, NULL },
	{ "parm_x=c16p", -1, NULL },
	{ "parm_x=4s", -1, NULL },
	{ "parm_desc_x=Some text", -1, NULL },
	{ "parm_desc_ghost=i", -1, NULL },
	{ "license=GPL", -1, NULL },
	{ "parm_ghost=i", ML_WARN, "Warning: drv.o symbol for parameter ghost not found" },
	{ "parm_x=3-1i", ML_WARN, "Warning: drv.o parameter x has max < min!" },
	{ "parm_x=c", ML_WARN, "drv.o parameter x has no size after 'c'!" },
	{ "parm_x=cp", ML_WARN, "drv.o parameter x has no size after 'c'!" },
	{ "parm_x=", ML_WARN, "drv.o parameter x has no format character!" },
	{ "parm_x=2", ML_WARN, "drv.o parameter x has no format character!" },
	{ "parm_x=q", ML_WARN, "drv.o parameter x has unknown format character 'q'" },
	{ "parm_x=iz", ML_WARN, "drv.o parameter x has unknown format modifier 'z'" },
	{ "parm_x=sp", ML_ERR, "parameter x is invalid persistent string" },
	{ "parm_x", ML_ERR, "parameter x found with no value" },
};

START_TEST(test_check)
{
	const struct crow *r = &crows[_i];
	int ret;

	mkobj(&unit_targets[0], (const char *const[]){ "kernel_version=2.4.37", r->entry, NULL });
	sym("x", OFF);
	ret = ml_params_check(o, &d);
	if (r->sev < 0) {
		ck_assert_msg(ret == 0 && d.n == 0, "%s: %d\n%s", r->entry, ret, unit_diags(&d));
		return;
	}
	ck_assert_msg(d.n == 1, "%s: expected one diagnostic, got:\n%s", r->entry, unit_diags(&d));
	ck_assert_int_eq(d.v[0].sev, r->sev);
	ck_assert_str_eq(d.v[0].msg, r->msg);
	if (r->sev == ML_ERR) {
		ck_assert_int_lt(ret, 0);
		ck_assert_str_eq(d.v[0].file, "drv.o");
	} else {
		ck_assert_int_eq(ret, 0); /* warnings only, "for 2.2 compatibility" */
	}
}
END_TEST

/* Every bad entry is reported, not only the first. */
START_TEST(test_check_all)
{
	static const char *const mi[] = { "parm_a=q", "parm_x=i", "parm_b=sp", "parm_c=c", NULL };

	mkobj(&unit_targets[0], mi);
	sym("a", 0);
	sym("b", 4);
	sym("c", 8);
	sym("x", 12);
	ck_assert_int_lt(ml_params_check(o, &d), 0);
	ck_assert_msg(d.n == 3, "%s", unit_diags(&d));
	ck_assert_str_eq(d.v[0].msg, "drv.o parameter a has unknown format character 'q'");
	ck_assert_str_eq(d.v[1].msg, "parameter b is invalid persistent string");
	ck_assert_str_eq(d.v[2].msg, "drv.o parameter c has no size after 'c'!");
}
END_TEST

/* No .modinfo, nothing to check. */
START_TEST(test_check_no_modinfo)
{
	mkobj(&unit_targets[0], NULL);
	ck_assert_int_eq(ml_params_check(o, &d), 0);
	ck_assert_uint_eq(d.n, 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("params");
	TCase *tc = tcase_create("apply");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_loop_test(tc, test_numbers, 0, (int)ML_ARRAY_SIZE(nrows) * UNIT_NTARGETS);
	tcase_add_loop_test(tc, test_string_quoting, 0, (int)ML_ARRAY_SIZE(qrows));
	tcase_add_loop_test(tc, test_string_array, 0, UNIT_NTARGETS);
	tcase_add_test(tc, test_char_arrays);
	tcase_add_loop_test(tc, test_errors, 0, (int)ML_ARRAY_SIZE(erows));
	tcase_add_loop_test(tc, test_error_no_type_letter, 0, 2);
	tcase_add_test(tc, test_symbol_not_own);
	tcase_add_test(tc, test_outside_section);
	tcase_add_test(tc, test_optional_mode);
	tcase_add_test(tc, test_no_equals);
	tcase_add_loop_test(tc, test_no_modinfo, 0, UNIT_NTARGETS);
	suite_add_tcase(s, tc);
	tc = tcase_create("check");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_loop_test(tc, test_check, 0, (int)ML_ARRAY_SIZE(crows));
	tcase_add_test(tc, test_check_all);
	tcase_add_test(tc, test_check_no_modinfo);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
