// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The __insmod_* symbols that let ksymoops (and rmmod --persist) find a
 * module's object, sections and persist file (facts §2.4).  Names are
 * compared with literal strings, and every one is also fed to the regular
 * expression ksymoops 2.4 parses them with (facts §5), so what we emit is
 * what ksymoops can read.
 */
#include "tests/unit/unit.h"

#include <regex.h>

#include "loader/loader.h"

static const struct ml_target t32 = { false, false }, t32be = { false, true };
static const struct ml_target t64 = { true, false }, t64be = { true, true };

struct orow {
	const struct ml_target *t;
	const char *mod, *path;
	uint64_t mtime;
	long version;
	const char *exp;
};

static const struct orow orows[] = {
	/* the example of facts §2.4 */
	{ &t32, "kvaser", "/home/u/kvaser.o", 0x3B01709C, 132100,
	  "__insmod_kvaser_O/home/u/kvaser.o_M3B01709C_V132100" },
	/* byte order does not matter, word size does: 2 digits per byte of time_t */
	{ &t32be, "kvaser", "/home/u/kvaser.o", 0x3B01709C, 132100,
	  "__insmod_kvaser_O/home/u/kvaser.o_M3B01709C_V132100" },
	{ &t64, "kvaser", "/home/u/kvaser.o", 0x3B01709C, 132100,
	  "__insmod_kvaser_O/home/u/kvaser.o_M000000003B01709C_V132100" },
	{ &t64be, "kvaser", "/home/u/kvaser.o", 0x3B01709C, 132100,
	  "__insmod_kvaser_O/home/u/kvaser.o_M000000003B01709C_V132100" },
	/* upper-case hex, zero-padded */
	{ &t32, "st", "/lib/modules/2.4.30/kernel/drivers/scsi/st.o", 0xabcdef, 132126,
	  "__insmod_st_O/lib/modules/2.4.30/kernel/drivers/scsi/st.o_M00ABCDEF_V132126" },
	/* stat failed: mtime 0; version unknown: -1 */
	{ &t32, "fat", "/x/fat.o", 0, -1, "__insmod_fat_O/x/fat.o_M00000000_V-1" },
	{ &t64, "fat", "/x/fat.o", 0, -1, "__insmod_fat_O/x/fat.o_M0000000000000000_V-1" },
	{ &t64, "fat", "/x/fat.o", 0x1234567890ABCDEF, 132133,
	  "__insmod_fat_O/x/fat.o_M1234567890ABCDEF_V132133" },
	{ &t32, "x", "/x.o", 0xffffffff, 0, "__insmod_x_O/x.o_MFFFFFFFF_V0" },
};

struct srow {
	const char *mod, *sec;
	uint64_t size;
	const char *exp;
};

static const struct srow srows[] = {
	/* the examples of facts §2.4 */
	{ "ip_tables", ".rodata", 16, "__insmod_ip_tables_S.rodata_L16" },
	{ "3c589_cs", ".bss", 4, "__insmod_3c589_cs_S.bss_L4" },
	{ "fat", ".text", 0x5570, "__insmod_fat_S.text_L21872" }, /* decimal */
	{ "fat", ".data", 4294967296ull, "__insmod_fat_S.data_L4294967296" },
};

static regex_t re;

static void setup(void)
{
	/* ksymoops 2.4.11's pattern (facts §5), POSIX extended syntax */
	static const char pat[] =
		"^(__insmod_.*)(_O(.*)_M([0-9a-fA-F]+)_V(-?[0-9]+)|_S(.*)_L([0-9]+))$";
	int err = regcomp(&re, pat, REG_EXTENDED);

	ck_assert_int_eq(err, 0);
}

static void teardown(void)
{
	regfree(&re);
}

/* Substring i of a match, into buf. */
static const char *sub(const char *s, const regmatch_t *m, int i, char *buf, size_t n)
{
	size_t l = m[i].rm_so < 0 ? 0 : (size_t)(m[i].rm_eo - m[i].rm_so);

	if (l >= n)
		l = n - 1;
	memcpy(buf, s + (m[i].rm_so < 0 ? 0 : m[i].rm_so), l);
	buf[l] = 0;
	return buf;
}

START_TEST(test_obj_name)
{
	const struct orow *r = &orows[_i];
	char *n = ml_ksymoops_obj_name(r->t, r->mod, r->path, r->mtime, r->version);
	regmatch_t m[8];
	char b[256], want[32];

	ck_assert_str_eq(n, r->exp);
	/* ksymoops reads back the path, mtime and version */
	ck_assert_int_eq(regexec(&re, n, 8, m, 0), 0);
	ck_assert_str_eq(sub(n, m, 3, b, sizeof(b)), r->path);
	ck_assert_uint_eq(strtoull(sub(n, m, 4, b, sizeof(b)), NULL, 16), r->mtime);
	snprintf(want, sizeof(want), "%ld", r->version);
	ck_assert_str_eq(sub(n, m, 5, b, sizeof(b)), want);
	free(n);
}
END_TEST

START_TEST(test_sec_name)
{
	const struct srow *r = &srows[_i];
	char *n = ml_ksymoops_sec_name(r->mod, r->sec, r->size);
	regmatch_t m[8];
	char b[256];

	ck_assert_str_eq(n, r->exp);
	ck_assert_int_eq(regexec(&re, n, 8, m, 0), 0);
	ck_assert_str_eq(sub(n, m, 6, b, sizeof(b)), r->sec);
	ck_assert_uint_eq(strtoull(sub(n, m, 7, b, sizeof(b)), NULL, 10), r->size);
	free(n);
}
END_TEST

START_TEST(test_persist_name)
{
	const char *file = "/var/lib/modules/persist/2.4.37/sound/sb";
	char *n = ml_ksymoops_persist_name("sb", file);

	ck_assert_str_eq(n, "__insmod_sb_P/var/lib/modules/persist/2.4.37/sound/sb");
	free(n);
	n = ml_ksymoops_persist_name("a_b", "/p");
	ck_assert_str_eq(n, "__insmod_a_b_P/p");
	free(n);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ksymoops");
	TCase *tc = tcase_create("names");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_obj_name, 0, (int)ML_ARRAY_SIZE(orows));
	tcase_add_loop_test(tc, test_sec_name, 0, (int)ML_ARRAY_SIZE(srows));
	tcase_add_test(tc, test_persist_name);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
