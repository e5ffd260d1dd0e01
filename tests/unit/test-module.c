// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * struct module as the 2.4 kernel reads it (facts §1.7, include/linux/module.h
 * of 2.4): every field written at its offset, in the target's word size and
 * byte order.  The expected images below are written out from the facts
 * file's offset table: each field holds a distinct value whose bytes are all
 * different, so a field at the wrong offset, of the wrong width or in the
 * wrong byte order fails.  Field value k (0-based, table order):
 *   32-bit fields: bytes A0+k B0+k C0+k 01+k (most significant first)
 *   64-bit words:  bytes 10+k 20+k ... 80+k  (most significant first)
 */
#include "tests/unit/unit.h"

#include "loader/loader.h"

/* 32-bit little-endian: 96 bytes */
/* clang-format off */
static const unsigned char exp_32le[96] = {
	/*   0 size_of_struct  */ 0x01, 0xc0, 0xb0, 0xa0,
	/*   4 next            */ 0x02, 0xc1, 0xb1, 0xa1,
	/*   8 name            */ 0x03, 0xc2, 0xb2, 0xa2,
	/*  12 size            */ 0x04, 0xc3, 0xb3, 0xa3,
	/*  16 uc              */ 0x05, 0xc4, 0xb4, 0xa4,
	/*  20 flags           */ 0x06, 0xc5, 0xb5, 0xa5,
	/*  24 nsyms           */ 0x07, 0xc6, 0xb6, 0xa6,
	/*  28 ndeps           */ 0x08, 0xc7, 0xb7, 0xa7,
	/*  32 syms            */ 0x09, 0xc8, 0xb8, 0xa8,
	/*  36 deps            */ 0x0a, 0xc9, 0xb9, 0xa9,
	/*  40 refs            */ 0x0b, 0xca, 0xba, 0xaa,
	/*  44 init            */ 0x0c, 0xcb, 0xbb, 0xab,
	/*  48 cleanup         */ 0x0d, 0xcc, 0xbc, 0xac,
	/*  52 ex_table_start  */ 0x0e, 0xcd, 0xbd, 0xad,
	/*  56 ex_table_end    */ 0x0f, 0xce, 0xbe, 0xae,
	/*  60 persist_start   */ 0x10, 0xcf, 0xbf, 0xaf,
	/*  64 persist_end     */ 0x11, 0xd0, 0xc0, 0xb0,
	/*  68 can_unload      */ 0x12, 0xd1, 0xc1, 0xb1,
	/*  72 runsize         */ 0x13, 0xd2, 0xc2, 0xb2,
	/*  76 kallsyms_start  */ 0x14, 0xd3, 0xc3, 0xb3,
	/*  80 kallsyms_end    */ 0x15, 0xd4, 0xc4, 0xb4,
	/*  84 archdata_start  */ 0x16, 0xd5, 0xc5, 0xb5,
	/*  88 archdata_end    */ 0x17, 0xd6, 0xc6, 0xb6,
	/*  92 kernel_data     */ 0x18, 0xd7, 0xc7, 0xb7,
};
/* 32-bit big-endian: 96 bytes */
static const unsigned char exp_32be[96] = {
	/*   0 size_of_struct  */ 0xa0, 0xb0, 0xc0, 0x01,
	/*   4 next            */ 0xa1, 0xb1, 0xc1, 0x02,
	/*   8 name            */ 0xa2, 0xb2, 0xc2, 0x03,
	/*  12 size            */ 0xa3, 0xb3, 0xc3, 0x04,
	/*  16 uc              */ 0xa4, 0xb4, 0xc4, 0x05,
	/*  20 flags           */ 0xa5, 0xb5, 0xc5, 0x06,
	/*  24 nsyms           */ 0xa6, 0xb6, 0xc6, 0x07,
	/*  28 ndeps           */ 0xa7, 0xb7, 0xc7, 0x08,
	/*  32 syms            */ 0xa8, 0xb8, 0xc8, 0x09,
	/*  36 deps            */ 0xa9, 0xb9, 0xc9, 0x0a,
	/*  40 refs            */ 0xaa, 0xba, 0xca, 0x0b,
	/*  44 init            */ 0xab, 0xbb, 0xcb, 0x0c,
	/*  48 cleanup         */ 0xac, 0xbc, 0xcc, 0x0d,
	/*  52 ex_table_start  */ 0xad, 0xbd, 0xcd, 0x0e,
	/*  56 ex_table_end    */ 0xae, 0xbe, 0xce, 0x0f,
	/*  60 persist_start   */ 0xaf, 0xbf, 0xcf, 0x10,
	/*  64 persist_end     */ 0xb0, 0xc0, 0xd0, 0x11,
	/*  68 can_unload      */ 0xb1, 0xc1, 0xd1, 0x12,
	/*  72 runsize         */ 0xb2, 0xc2, 0xd2, 0x13,
	/*  76 kallsyms_start  */ 0xb3, 0xc3, 0xd3, 0x14,
	/*  80 kallsyms_end    */ 0xb4, 0xc4, 0xd4, 0x15,
	/*  84 archdata_start  */ 0xb5, 0xc5, 0xd5, 0x16,
	/*  88 archdata_end    */ 0xb6, 0xc6, 0xd6, 0x17,
	/*  92 kernel_data     */ 0xb7, 0xc7, 0xd7, 0x18,
};
/* 64-bit little-endian: 184 bytes */
static const unsigned char exp_64le[184] = {
	/*   0 size_of_struct  */ 0x80, 0x70, 0x60, 0x50, 0x40, 0x30, 0x20, 0x10,
	/*   8 next            */ 0x81, 0x71, 0x61, 0x51, 0x41, 0x31, 0x21, 0x11,
	/*  16 name            */ 0x82, 0x72, 0x62, 0x52, 0x42, 0x32, 0x22, 0x12,
	/*  24 size            */ 0x83, 0x73, 0x63, 0x53, 0x43, 0x33, 0x23, 0x13,
	/*  32 uc              */ 0x84, 0x74, 0x64, 0x54, 0x44, 0x34, 0x24, 0x14,
	/*  40 flags           */ 0x85, 0x75, 0x65, 0x55, 0x45, 0x35, 0x25, 0x15,
	/*  48 nsyms           */ 0x07, 0xc6, 0xb6, 0xa6,
	/*  52 ndeps           */ 0x08, 0xc7, 0xb7, 0xa7,
	/*  56 syms            */ 0x88, 0x78, 0x68, 0x58, 0x48, 0x38, 0x28, 0x18,
	/*  64 deps            */ 0x89, 0x79, 0x69, 0x59, 0x49, 0x39, 0x29, 0x19,
	/*  72 refs            */ 0x8a, 0x7a, 0x6a, 0x5a, 0x4a, 0x3a, 0x2a, 0x1a,
	/*  80 init            */ 0x8b, 0x7b, 0x6b, 0x5b, 0x4b, 0x3b, 0x2b, 0x1b,
	/*  88 cleanup         */ 0x8c, 0x7c, 0x6c, 0x5c, 0x4c, 0x3c, 0x2c, 0x1c,
	/*  96 ex_table_start  */ 0x8d, 0x7d, 0x6d, 0x5d, 0x4d, 0x3d, 0x2d, 0x1d,
	/* 104 ex_table_end    */ 0x8e, 0x7e, 0x6e, 0x5e, 0x4e, 0x3e, 0x2e, 0x1e,
	/* 112 persist_start   */ 0x8f, 0x7f, 0x6f, 0x5f, 0x4f, 0x3f, 0x2f, 0x1f,
	/* 120 persist_end     */ 0x90, 0x80, 0x70, 0x60, 0x50, 0x40, 0x30, 0x20,
	/* 128 can_unload      */ 0x91, 0x81, 0x71, 0x61, 0x51, 0x41, 0x31, 0x21,
	/* 136 runsize         */ 0x92, 0x82, 0x72, 0x62, 0x52, 0x42, 0x32, 0x22,
	/* 144 kallsyms_start  */ 0x93, 0x83, 0x73, 0x63, 0x53, 0x43, 0x33, 0x23,
	/* 152 kallsyms_end    */ 0x94, 0x84, 0x74, 0x64, 0x54, 0x44, 0x34, 0x24,
	/* 160 archdata_start  */ 0x95, 0x85, 0x75, 0x65, 0x55, 0x45, 0x35, 0x25,
	/* 168 archdata_end    */ 0x96, 0x86, 0x76, 0x66, 0x56, 0x46, 0x36, 0x26,
	/* 176 kernel_data     */ 0x97, 0x87, 0x77, 0x67, 0x57, 0x47, 0x37, 0x27,
};
/* 64-bit big-endian: 184 bytes */
static const unsigned char exp_64be[184] = {
	/*   0 size_of_struct  */ 0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0x80,
	/*   8 next            */ 0x11, 0x21, 0x31, 0x41, 0x51, 0x61, 0x71, 0x81,
	/*  16 name            */ 0x12, 0x22, 0x32, 0x42, 0x52, 0x62, 0x72, 0x82,
	/*  24 size            */ 0x13, 0x23, 0x33, 0x43, 0x53, 0x63, 0x73, 0x83,
	/*  32 uc              */ 0x14, 0x24, 0x34, 0x44, 0x54, 0x64, 0x74, 0x84,
	/*  40 flags           */ 0x15, 0x25, 0x35, 0x45, 0x55, 0x65, 0x75, 0x85,
	/*  48 nsyms           */ 0xa6, 0xb6, 0xc6, 0x07,
	/*  52 ndeps           */ 0xa7, 0xb7, 0xc7, 0x08,
	/*  56 syms            */ 0x18, 0x28, 0x38, 0x48, 0x58, 0x68, 0x78, 0x88,
	/*  64 deps            */ 0x19, 0x29, 0x39, 0x49, 0x59, 0x69, 0x79, 0x89,
	/*  72 refs            */ 0x1a, 0x2a, 0x3a, 0x4a, 0x5a, 0x6a, 0x7a, 0x8a,
	/*  80 init            */ 0x1b, 0x2b, 0x3b, 0x4b, 0x5b, 0x6b, 0x7b, 0x8b,
	/*  88 cleanup         */ 0x1c, 0x2c, 0x3c, 0x4c, 0x5c, 0x6c, 0x7c, 0x8c,
	/*  96 ex_table_start  */ 0x1d, 0x2d, 0x3d, 0x4d, 0x5d, 0x6d, 0x7d, 0x8d,
	/* 104 ex_table_end    */ 0x1e, 0x2e, 0x3e, 0x4e, 0x5e, 0x6e, 0x7e, 0x8e,
	/* 112 persist_start   */ 0x1f, 0x2f, 0x3f, 0x4f, 0x5f, 0x6f, 0x7f, 0x8f,
	/* 120 persist_end     */ 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0x80, 0x90,
	/* 128 can_unload      */ 0x21, 0x31, 0x41, 0x51, 0x61, 0x71, 0x81, 0x91,
	/* 136 runsize         */ 0x22, 0x32, 0x42, 0x52, 0x62, 0x72, 0x82, 0x92,
	/* 144 kallsyms_start  */ 0x23, 0x33, 0x43, 0x53, 0x63, 0x73, 0x83, 0x93,
	/* 152 kallsyms_end    */ 0x24, 0x34, 0x44, 0x54, 0x64, 0x74, 0x84, 0x94,
	/* 160 archdata_start  */ 0x25, 0x35, 0x45, 0x55, 0x65, 0x75, 0x85, 0x95,
	/* 168 archdata_end    */ 0x26, 0x36, 0x46, 0x56, 0x66, 0x76, 0x86, 0x96,
	/* 176 kernel_data     */ 0x27, 0x37, 0x47, 0x57, 0x67, 0x77, 0x87, 0x97,
};
/* clang-format on */

static uint64_t v32(unsigned k)
{
	return (uint64_t)(0xa0 + k) << 24 | (uint64_t)(0xb0 + k) << 16 | (0xc0 + k) << 8 |
	       (0x01 + k);
}

static uint64_t v64(unsigned k)
{
	uint64_t v = 0;

	for (unsigned b = 0; b < 8; b++)
		v = v << 8 | (0x10 * (b + 1) + k);
	return v;
}

/* The header with field k set to the k-th distinct value. */
static void fill(struct ml_module_hdr *h, bool is64)
{
	uint64_t (*w)(unsigned) = is64 ? v64 : v32;

	h->size_of_struct = w(0);
	h->next = w(1);
	h->name = w(2);
	h->size = w(3);
	h->usecount = w(4);
	h->flags = w(5);
	h->nsyms = (uint32_t)v32(6);
	h->ndeps = (uint32_t)v32(7);
	h->syms = w(8);
	h->deps = w(9);
	h->refs = w(10);
	h->init = w(11);
	h->cleanup = w(12);
	h->ex_table_start = w(13);
	h->ex_table_end = w(14);
	h->persist_start = w(15);
	h->persist_end = w(16);
	h->can_unload = w(17);
	h->runsize = w(18);
	h->kallsyms_start = w(19);
	h->kallsyms_end = w(20);
	h->archdata_start = w(21);
	h->archdata_end = w(22);
	h->kernel_data = w(23);
}

static const unsigned char *const expected[] = { exp_32le, exp_32be, exp_64le, exp_64be };
static const unsigned expected_size[] = { 96, 96, 184, 184 };

START_TEST(test_header_write)
{
	const struct ml_target *t = &unit_targets[_i];
	unsigned size = expected_size[_i];
	struct ml_module_hdr h;
	unsigned char buf[200];

	memset(&h, 0, sizeof(h));
	fill(&h, t->is64);
	memset(buf, 0xee, sizeof(buf));
	ml_module_header_write(t, &h, buf);
	unit_assert_bytes(buf, expected[_i], size, unit_tname(t));
	for (unsigned i = size; i < sizeof(buf); i++)
		ck_assert_msg(buf[i] == 0xee, "%s: wrote byte %u past the struct", unit_tname(t),
			      i);
}
END_TEST

START_TEST(test_header_read)
{
	const struct ml_target *t = &unit_targets[_i];
	struct ml_module_hdr h, exp;

	memset(&h, 0x55, sizeof(h));
	memset(&exp, 0, sizeof(exp));
	fill(&exp, t->is64);
	ml_module_header_read(t, expected[_i], &h);
	ck_assert_uint_eq(h.size_of_struct, exp.size_of_struct);
	ck_assert_uint_eq(h.next, exp.next);
	ck_assert_uint_eq(h.name, exp.name);
	ck_assert_uint_eq(h.size, exp.size);
	ck_assert_uint_eq(h.usecount, exp.usecount);
	ck_assert_uint_eq(h.flags, exp.flags);
	ck_assert_uint_eq(h.nsyms, exp.nsyms);
	ck_assert_uint_eq(h.ndeps, exp.ndeps);
	ck_assert_uint_eq(h.syms, exp.syms);
	ck_assert_uint_eq(h.deps, exp.deps);
	ck_assert_uint_eq(h.refs, exp.refs);
	ck_assert_uint_eq(h.init, exp.init);
	ck_assert_uint_eq(h.cleanup, exp.cleanup);
	ck_assert_uint_eq(h.ex_table_start, exp.ex_table_start);
	ck_assert_uint_eq(h.ex_table_end, exp.ex_table_end);
	ck_assert_uint_eq(h.persist_start, exp.persist_start);
	ck_assert_uint_eq(h.persist_end, exp.persist_end);
	ck_assert_uint_eq(h.can_unload, exp.can_unload);
	ck_assert_uint_eq(h.runsize, exp.runsize);
	ck_assert_uint_eq(h.kallsyms_start, exp.kallsyms_start);
	ck_assert_uint_eq(h.kallsyms_end, exp.kallsyms_end);
	ck_assert_uint_eq(h.archdata_start, exp.archdata_start);
	ck_assert_uint_eq(h.archdata_end, exp.archdata_end);
	ck_assert_uint_eq(h.kernel_data, exp.kernel_data);
}
END_TEST

/*
 * A header as insmod sends it for a small i386 module at 0xd0800000: the
 * fields the kernel checks (§1.3) at their offsets, everything else zero.
 */
START_TEST(test_header_i386_example)
{
	/* clang-format off */
	static const unsigned char exp[96] = {
		/*  0 size_of_struct */ 0x60, 0, 0, 0,
		/*  4 next */ 0, 0, 0, 0,
		/*  8 name */ 0x40, 0x02, 0x80, 0xd0,
		/* 12 size */ 0x00, 0x03, 0, 0,
		/* 16 uc */ 0, 0, 0, 0,
		/* 20 flags: MOD_AUTOCLEAN */ 0x04, 0, 0, 0,
		/* 24 nsyms */ 2, 0, 0, 0,
		/* 28 ndeps */ 1, 0, 0, 0,
		/* 32 syms */ 0x00, 0x02, 0x80, 0xd0,
		/* 36 deps */ 0x10, 0x02, 0x80, 0xd0,
		/* 40 refs */ 0, 0, 0, 0,
		/* 44 init */ 0x60, 0x00, 0x80, 0xd0,
		/* 48 cleanup */ 0x90, 0x00, 0x80, 0xd0,
		/* 52 ex_table_start */ 0, 0, 0, 0,
		/* 56 ex_table_end */ 0, 0, 0, 0,
		/* 60 persist_start */ 0, 0, 0, 0,
		/* 64 persist_end */ 0, 0, 0, 0,
		/* 68 can_unload */ 0, 0, 0, 0,
		/* 72 runsize */ 0, 0, 0, 0,
		/* 76 kallsyms_start */ 0, 0, 0, 0,
		/* 80 kallsyms_end */ 0, 0, 0, 0,
		/* 84 archdata_start */ 0, 0, 0, 0,
		/* 88 archdata_end */ 0, 0, 0, 0,
		/* 92 kernel_data */ 0, 0, 0, 0,
	};
	/* clang-format on */
	struct ml_target t = { false, false };
	struct ml_module_hdr h;
	unsigned char buf[96];

	memset(&h, 0, sizeof(h));
	h.size_of_struct = 96;
	h.name = 0xd0800240;
	h.size = 0x300;
	h.flags = ML_MOD_AUTOCLEAN;
	h.nsyms = 2;
	h.ndeps = 1;
	h.syms = 0xd0800200;
	h.deps = 0xd0800210;
	h.init = 0xd0800060;
	h.cleanup = 0xd0800090;
	memset(buf, 0xee, sizeof(buf));
	ml_module_header_write(&t, &h, buf);
	unit_assert_bytes(buf, exp, 96, "i386 example header");
}
END_TEST

/* The MOD_* flag values are ABI (facts §1.7). */
START_TEST(test_mod_flags)
{
	ck_assert_int_eq(ML_MOD_RUNNING, 1);
	ck_assert_int_eq(ML_MOD_DELETED, 2);
	ck_assert_int_eq(ML_MOD_AUTOCLEAN, 4);
	ck_assert_int_eq(ML_MOD_VISITED, 8);
	ck_assert_int_eq(ML_MOD_USED_ONCE, 16);
	ck_assert_int_eq(ML_MOD_JUST_FREED, 32);
	ck_assert_int_eq(ML_MOD_INITIALIZING, 64);
}
END_TEST

START_TEST(test_struct_size)
{
	/* sizeof(struct module): 96 on 32-bit, 184 on 64-bit, whatever the byte order */
	ck_assert_uint_eq(ml_module_struct_size(&unit_targets[_i]), expected_size[_i]);
}
END_TEST

static const struct {
	const char *path, *name;
} names[] = {
	{ "/x/fat.o", "fat" },
	{ "fat.o", "fat" },
	{ "a.o.gz", "a" },
	{ "/lib/modules/2.4.37/kernel/fs/vfat/vfat.o.gz", "vfat" },
	{ "b.mod", "b" },
	{ "/tmp/b.mod.gz", "b" },
	{ "drv.ko", "drv" },
	{ "ip_tables.o", "ip_tables" },
	{ "3c589_cs.o", "3c589_cs" },
	{ "my.driver.o", "my.driver" }, /* only the suffix goes */
	{ "/dir.o/plain", "plain" },    /* directories do not count */
	{ "noext", "noext" },
};

START_TEST(test_name_from_path)
{
	char *n = ml_module_name_from_path(names[_i].path);

	ck_assert_msg(!strcmp(n, names[_i].name), "\"%s\" -> \"%s\", expected \"%s\"",
		      names[_i].path, n, names[_i].name);
	free(n);
}
END_TEST

static const struct {
	const char *release;
	long code;
} versions[] = {
	{ "2.4.37", 132133 },    /* 2<<16 | 4<<8 | 37 */
	{ "2.4.37.11", 132133 }, /* the fourth number is not part of the code */
	{ "2.4.4", 132100 },     /* the _V132100 of facts §2.4 */
	{ "2.2.26", 131610 },
	{ "2.4.20-8smp", 132116 }, /* EXTRAVERSION ignored */
	{ "2.6.0-test1", 132608 },
	{ "2.4", -1 },
	{ "2", -1 },
	{ "", -1 },
	{ "junk", -1 },
	{ "v2.4.37", -1 },
	{ "2-4-37", -1 },
	/* modutils' get_kernel_version: a third number must follow the dot */
	{ "2.4.", -1 },
	{ "2.4.x", -1 },
};

START_TEST(test_version_code)
{
	long v = ml_kernel_version_code(versions[_i].release);

	ck_assert_msg(v == versions[_i].code, "\"%s\" -> %ld, expected %ld", versions[_i].release,
		      v, versions[_i].code);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("module");
	TCase *tc = tcase_create("header");

	tcase_add_loop_test(tc, test_header_write, 0, UNIT_NTARGETS);
	tcase_add_loop_test(tc, test_header_read, 0, UNIT_NTARGETS);
	tcase_add_test(tc, test_header_i386_example);
	tcase_add_test(tc, test_mod_flags);
	tcase_add_loop_test(tc, test_struct_size, 0, UNIT_NTARGETS);
	suite_add_tcase(s, tc);
	tc = tcase_create("names");
	tcase_add_loop_test(tc, test_name_from_path, 0, (int)ML_ARRAY_SIZE(names));
	tcase_add_loop_test(tc, test_version_code, 0, (int)ML_ARRAY_SIZE(versions));
	suite_add_tcase(s, tc);
	return unit_run(s);
}
