// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Kernel symbol sources and lookups: /proc/ksyms, /proc/kallsyms and
 * System.map text (facts §1.8, §5); versioned names _R<crc> and
 * _R<prefix><crc> (facts §2.3); GPLONLY_ exports; the module address
 * carried by __insmod_<mod>_O... (facts §2.4); the genksyms prefix
 * (facts §2.2 step 4).
 */
#include "tests/unit/unit.h"

#include <errno.h>

#include "symbols/symbols.h"

static struct ml_ksymtab kt;
static struct ml_diags d;

static void setup(void)
{
	ml_ksymtab_init(&kt);
	memset(&d, 0, sizeof(d));
}

static void teardown(void)
{
	ml_ksymtab_free(&kt);
	ml_diags_free(&d);
}

static int parse(enum ml_ksym_source src, const char *path, const char *text)
{
	return ml_ksyms_parse(&kt, src, path, text, strlen(text), &d);
}

/* The symbol with this (stored) name, or NULL. */
static const struct ml_ksym *find(const char *name)
{
	for (size_t i = 0; i < kt.n; i++)
		if (!strcmp(kt.v[i].name, name))
			return &kt.v[i];
	return NULL;
}

static const char *modname(const struct ml_ksym *k)
{
	return k->mod < 0 ? "(kernel)" : kt.mods[k->mod].name;
}

static void assert_sym(const char *name, uint64_t value, const char *mod, bool gplonly)
{
	const struct ml_ksym *k = find(name);

	ck_assert_msg(k != NULL, "symbol %s not read", name);
	ck_assert_msg(k->value == value, "%s = %#llx, expected %#llx", name,
		      (unsigned long long)k->value, (unsigned long long)value);
	ck_assert_str_eq(modname(k), mod ? mod : "(kernel)");
	ck_assert_msg(k->gplonly == gplonly, "%s: gplonly %d", name, k->gplonly);
}

/* ---- parsing ---- */

START_TEST(test_ksyms)
{
	static const char text[] =
		"d0852060 snd_pcm_new\t[snd-pcm]\n"
		"d0852000 GPLONLY_snd_pcm_gpl\t[snd-pcm]\n"
		"d0851000 __insmod_snd-pcm_O/lib/snd-pcm.o_M3B01709C_V132133\t[snd-pcm]\n"
		"c0114560 printk_R1b7d4074\n"
		"c0120000 GPLONLY_kernel_gpl\n"
		"c0130000 Using_Versions\n"
		"ffffffff80100000 wide\n";

	ck_assert_int_eq(parse(ML_SRC_KSYMS, "/proc/ksyms", text), 0);
	ck_assert_msg(d.n == 0, "%s", unit_diags(&d));
	ck_assert_uint_eq(kt.n, 7);
	assert_sym("snd_pcm_new", 0xd0852060, "snd-pcm", false);
	/* GPLONLY_ removed, the symbol marked */
	assert_sym("snd_pcm_gpl", 0xd0852000, "snd-pcm", true);
	assert_sym("printk_R1b7d4074", 0xc0114560, NULL, false);
	assert_sym("kernel_gpl", 0xc0120000, NULL, true);
	assert_sym("Using_Versions", 0xc0130000, NULL, false);
	assert_sym("wide", 0xffffffff80100000, NULL, false);
	ck_assert_ptr_null(find("GPLONLY_kernel_gpl"));
	/* one module, in order of appearance */
	ck_assert_uint_eq(kt.nmods, 1);
	ck_assert_str_eq(kt.mods[0].name, "snd-pcm");
	ck_assert(kt.crc_source);
}
END_TEST

START_TEST(test_kallsyms)
{
	static const char text[] = "c0100000 T _stext\n"
				   "c0100010 t local_fn\n" /* local: cannot be linked against */
				   "c0200000 D jiffies\n"
				   "c0200010 d local_data\n"
				   "c0300000 B bss_var\n"
				   "c0300010 b local_bss\n"
				   "c0400000 R ro_var\n"
				   "c0400010 r local_ro\n"
				   "c0500000 W weak_fn\n"
				   "c0500010 w local_weak\n"
				   "00000001 A abs_sym\n"
				   "c0600000 U undefined_here\n" /* undefined: not an export */
				   "d0800000 T mod_fn\t[fat]\n"
				   "d0800100 t mod_static\t[fat]\n"
				   "d0800200 D mod_var\t[vfat]\n";

	ck_assert_int_eq(parse(ML_SRC_KALLSYMS, "/proc/kallsyms", text), 0);
	ck_assert_msg(d.n == 0, "%s", unit_diags(&d));
	assert_sym("_stext", 0xc0100000, NULL, false);
	assert_sym("jiffies", 0xc0200000, NULL, false);
	assert_sym("bss_var", 0xc0300000, NULL, false);
	assert_sym("ro_var", 0xc0400000, NULL, false);
	assert_sym("weak_fn", 0xc0500000, NULL, false);
	assert_sym("abs_sym", 1, NULL, false);
	assert_sym("mod_fn", 0xd0800000, "fat", false);
	assert_sym("mod_var", 0xd0800200, "vfat", false);
	ck_assert_uint_eq(kt.n, 8);
	ck_assert_ptr_null(find("local_fn"));
	ck_assert_ptr_null(find("local_data"));
	ck_assert_ptr_null(find("local_bss"));
	ck_assert_ptr_null(find("local_ro"));
	ck_assert_ptr_null(find("local_weak"));
	ck_assert_ptr_null(find("mod_static"));
	ck_assert_ptr_null(find("undefined_here"));
	ck_assert(kt.nocrc_source);
}
END_TEST

START_TEST(test_sysmap)
{
	static const char text[] = "c0100000 T _text\r\n" /* CRLF line ends */
				   "c0100000 T startup_32\r\n"
				   "c0114560 T printk\r\n"
				   "c0114600 t static_fn\r\n"
				   "c0300000 A _end\n"
				   "\n"
				   "   \n"
				   "c0400000 T last_without_newline";

	ck_assert_int_eq(parse(ML_SRC_SYSMAP, "System.map", text), 0);
	ck_assert_msg(d.n == 0, "%s", unit_diags(&d));
	ck_assert_uint_eq(kt.n, 5);
	assert_sym("_text", 0xc0100000, NULL, false);
	assert_sym("printk", 0xc0114560, NULL, false);
	assert_sym("_end", 0xc0300000, NULL, false);
	assert_sym("last_without_newline", 0xc0400000, NULL, false);
	ck_assert_ptr_null(find("printk\r"));
	ck_assert_ptr_null(find("static_fn"));
}
END_TEST

START_TEST(test_ksyms_crlf)
{
	static const char text[] = "c0114560 printk\r\nd0800000 fat_fn\t[fat]\r\n";

	ck_assert_int_eq(parse(ML_SRC_KSYMS, "ksyms", text), 0);
	ck_assert_msg(d.n == 0, "%s", unit_diags(&d));
	assert_sym("printk", 0xc0114560, NULL, false);
	assert_sym("fat_fn", 0xd0800000, "fat", false);
}
END_TEST

/*
 * Each bad line: one warning "FILE:LINE: malformed KIND line skipped: WHY: 'TEXT'";
 * the good lines are still read and the file is accepted.
 */
struct mrow {
	enum ml_ksym_source src;
	const char *bad, *why;
};

static const struct mrow mrows[] = {
	{ ML_SRC_KSYMS, "zz printk", "address is not hexadecimal" },
	{ ML_SRC_KSYMS, "c01x4560 printk", "address is not hexadecimal" },
	{ ML_SRC_KSYMS, "c0114560", "missing symbol name" },
	{ ML_SRC_KSYMS, "c0114560 a [m", "bad [module] column" },
	{ ML_SRC_KSYMS, "c0114560 a []", "bad [module] column" },
	{ ML_SRC_KSYMS, "c0114560 a [m]x", "bad [module] column" },
	{ ML_SRC_KSYMS, "10000000000000000 toolong", "address longer than 16 hex digits" },
	{ ML_SRC_KALLSYMS, "c0114560 printk", "missing or bad symbol type" }, /* no type */
	{ ML_SRC_KALLSYMS, "c0114560 TT printk", "missing or bad symbol type" },
	{ ML_SRC_KALLSYMS, "c0114560 1 printk", "missing or bad symbol type" },
	{ ML_SRC_KALLSYMS, "c0114560 T", "missing symbol name" },
	{ ML_SRC_SYSMAP, "c0114560", "missing symbol name" },
	{ ML_SRC_SYSMAP, "c0114560 T ", "missing symbol name" },
	{ ML_SRC_SYSMAP, "T printk", "address is not hexadecimal" },
	{ ML_SRC_SYSMAP, "c0114560 * printk", "missing or bad symbol type" },
};

static const char *const src_word[] = { "ksyms", "kallsyms", "System.map", "kernel" };

START_TEST(test_malformed)
{
	const struct mrow *r = &mrows[_i];
	bool ks = r->src == ML_SRC_KSYMS;
	const char *good = ks ? "c0000001 one\n" : "c0000001 T one\n";
	const char *good2 = ks ? "c0000002 two\n" : "c0000002 T two\n";
	char text[256], want[256];

	/* good, bad (line 2), good, bad (line 4), good */
	snprintf(text, sizeof(text), "%s%s\n%s%s\n%s", good, r->bad, good2, r->bad, good);
	ck_assert_int_eq(parse(r->src, "/tmp/syms.txt", text), 0);
	ck_assert_msg(d.nerr == 0 && d.nwarn == 2 && d.n == 2,
		      "'%s': expected 2 warnings, got:\n%s", r->bad, unit_diags(&d));
	for (int i = 0; i < 2; i++) {
		snprintf(want, sizeof(want),
			 "/tmp/syms.txt:%d: malformed %s line skipped: %s: '%s'", 2 + 2 * i,
			 src_word[r->src], r->why, r->bad);
		ck_assert_str_eq(d.v[i].msg, want);
		ck_assert_int_eq(d.v[i].sev, ML_WARN);
	}
	assert_sym("one", 0xc0000001, NULL, false);
	assert_sym("two", 0xc0000002, NULL, false);
	ck_assert_uint_eq(kt.n, 3);
}
END_TEST

/* A NUL byte anywhere in a line (before its newline) makes the line malformed, and only it. */
static const struct nulrow {
	enum ml_ksym_source src;
	const char *line; /* '@' stands for the NUL byte */
} nulrows[] = {
	{ ML_SRC_KSYMS, "c01@4560 printk" },
	{ ML_SRC_KSYMS, "c0114560@printk" },
	{ ML_SRC_KSYMS, "c0114560 pri@ntk" },
	{ ML_SRC_KSYMS, "c0114560 printk@" },
	{ ML_SRC_KSYMS, "c0114560 printk\t[m@]" },
	{ ML_SRC_KSYMS, "c0114560 printk\t[m]@" },
	{ ML_SRC_KSYMS, "c0114560 printk\t[m] junk@" },
	{ ML_SRC_KSYMS, "@c0114560 printk" },
	{ ML_SRC_KALLSYMS, "c0114560 T@printk" },
	{ ML_SRC_KALLSYMS, "c0114560 @ printk" },
	{ ML_SRC_KALLSYMS, "c0114560 T printk@\r" },
	{ ML_SRC_SYSMAP, "c0114560 T printk file.c:12@" },
};

START_TEST(test_nul_byte)
{
	const struct nulrow *r = &nulrows[_i];
	bool ks = r->src == ML_SRC_KSYMS;
	char text[128];
	int n = snprintf(text, sizeof(text), "%s\n%s\n%s\n", ks ? "c0000001 one" : "c0000001 T one",
			 r->line, ks ? "c0000002 two" : "c0000002 T two");

	for (int i = 0; i < n; i++)
		if (text[i] == '@')
			text[i] = 0;
	ck_assert_int_eq(ml_ksyms_parse(&kt, r->src, "nul.txt", text, (size_t)n, &d), 0);
	ck_assert_msg(d.n == 1 && d.nwarn == 1 && strstr(d.v[0].msg, "nul.txt:2: malformed") &&
			      strstr(d.v[0].msg, "NUL byte in line"),
		      "row %d: %s", _i, unit_diags(&d));
	assert_sym("one", 0xc0000001, NULL, false);
	assert_sym("two", 0xc0000002, NULL, false);
	ck_assert_uint_eq(kt.n, 2);
}
END_TEST

/* Line numbers count CRLF lines and blank lines; the quoted text shows no control bytes. */
START_TEST(test_malformed_lineno)
{
	static const char text[] = "c0000001 one\r\n\r\nbad\r\nc0000002 two\nc0000003 th\0ree\n";
	size_t len = sizeof(text) - 1;

	ck_assert_int_eq(ml_ksyms_parse(&kt, ML_SRC_KSYMS, "k", text, len, &d), 0);
	ck_assert_msg(d.n == 2, "%s", unit_diags(&d));
	ck_assert_str_eq(d.v[0].msg,
			 "k:3: malformed ksyms line skipped: missing symbol name: 'bad'");
	ck_assert_str_eq(d.v[1].msg,
			 "k:5: malformed ksyms line skipped: NUL byte in line: 'c0000003 th.ree'");
	assert_sym("two", 0xc0000002, NULL, false);
	ck_assert_ptr_null(find("th"));
}
END_TEST

/* Many bad lines: the first 10 are named, then one line counts the rest. */
START_TEST(test_malformed_many)
{
	struct ml_buf b = { 0 };

	for (int i = 0; i < 25; i++)
		ml_buf_printf(&b, "garbage line %d\n", i);
	ml_buf_printf(&b, "c0000001 one\n");
	ck_assert_int_eq(ml_ksyms_parse(&kt, ML_SRC_KSYMS, "bad.map", b.p, b.len, &d), 0);
	ml_buf_free(&b);
	ck_assert_msg(d.n == 11 && d.nwarn == 11 && d.nerr == 0, "%s", unit_diags(&d));
	ck_assert_str_eq(
		d.v[0].msg,
		"bad.map:1: malformed ksyms line skipped: address is not hexadecimal: 'garbage line 0'");
	ck_assert_str_eq(
		d.v[9].msg,
		"bad.map:10: malformed ksyms line skipped: address is not hexadecimal: 'garbage line 9'");
	ck_assert_str_eq(d.v[10].msg, "bad.map: 15 more malformed lines skipped");
	assert_sym("one", 0xc0000001, NULL, false);
}
END_TEST

/*
 * A vendor kernel's System.map: every type nm prints.  Global definitions
 * (and ?, u) are entered; locals, U, w/v, N/n, i/I, p and - are read but
 * not entered; none of them is a warning.
 */
START_TEST(test_sysmap_all_types)
{
	static const char text[] = "c0100000 T _text\n"
				   "c0100100 ? vendor_unknown\n"
				   "00000000 U undef_sym\n"
				   "         U undef_no_addr_is_bad\n"
				   "00000000 w weak_undef\n"
				   "00000000 v weak_obj_undef\n"
				   "c0100200 W weak_def\n"
				   "c0100300 V weak_obj_def\n"
				   "00000010 N debug_sym\n"
				   "c0100400 n other_section\n"
				   "c0100500 u unique_global\n"
				   "c0100600 i ifunc_local\n"
				   "c0100700 I indirect\n"
				   "c0100800 p unwind\n"
				   "c0100900 - stab\n"
				   "c0100a00 G small_data\n"
				   "c0100b00 g small_local\n"
				   "c0100c00 S small_bss\n"
				   "c0100d00 s small_local_bss\n"
				   "c0100e00 C common_sym\n"
				   "00000020 A abs_sym\n"
				   "00000030 a abs_local\n"
				   "c0100f00 R ro\n"
				   "c0101000 D data\n"
				   "c0101100 B bss\n";

	ck_assert_int_eq(parse(ML_SRC_SYSMAP, "System.map", text), 0);
	/* the line without an address is the one warning */
	ck_assert_msg(d.n == 1 && d.nwarn == 1, "%s", unit_diags(&d));
	ck_assert_str_eq(
		d.v[0].msg,
		"System.map:4: malformed System.map line skipped: address is not hexadecimal: '         U undef_no_addr_is_bad'");
	assert_sym("_text", 0xc0100000, NULL, false);
	assert_sym("vendor_unknown", 0xc0100100, NULL, false);
	assert_sym("weak_def", 0xc0100200, NULL, false);
	assert_sym("weak_obj_def", 0xc0100300, NULL, false);
	assert_sym("unique_global", 0xc0100500, NULL, false);
	assert_sym("small_data", 0xc0100a00, NULL, false);
	assert_sym("small_bss", 0xc0100c00, NULL, false);
	assert_sym("common_sym", 0xc0100e00, NULL, false);
	assert_sym("abs_sym", 0x20, NULL, false);
	assert_sym("ro", 0xc0100f00, NULL, false);
	assert_sym("data", 0xc0101000, NULL, false);
	assert_sym("bss", 0xc0101100, NULL, false);
	ck_assert_uint_eq(kt.n, 12);
	static const char *const absent[] = {
		"undef_sym",     "weak_undef",  "weak_obj_undef",  "debug_sym",
		"other_section", "ifunc_local", "indirect",        "unwind",
		"stab",          "small_local", "small_local_bss", "abs_local",
	};
	for (size_t i = 0; i < ML_ARRAY_SIZE(absent); i++)
		ck_assert_msg(find(absent[i]) == NULL, "%s entered", absent[i]);
}
END_TEST

/*
 * A 2.4 System.map read for its exports (depmod -F): each __kstrtab_NAME of a
 * definition enters NAME, local 'r' ones too, with sparc's spellings and
 * __export_priv_; undefined strings, a module's line and every other name do not.
 */
START_TEST(test_sysmap_exports)
{
	static const char text[] = "c0100000 T printk\r\n"
				   "c0200000 r __kstrtab_printk\n"
				   "c0200010 R __kstrtab_GPLONLY_gpl_fn\n"
				   "c0200020 ? __kstrtab___dot_udiv\n"
				   "c0200030 d __kstrtab___sparc_dot_rem\n"
				   "c0200040 r __export_priv_thing\n"
				   "00000000 U __kstrtab_undef\n"
				   "00000000 w __kstrtab_weak\n"
				   "ffffffffc0200050 r __kstrtab_wide\n"
				   "d0800000 r __kstrtab_mod_fn\t[fat]\n"
				   "c0300000 r __ksymtab_printk\n";

	ck_assert_int_eq(parse(ML_SRC_SYSMAP_EXPORTS, "System.map", text), 0);
	ck_assert_msg(d.n == 0, "%s", unit_diags(&d));
	assert_sym("printk", 0xc0200000, NULL, false);
	assert_sym("gpl_fn", 0xc0200010, NULL, true);
	assert_sym(".udiv", 0xc0200020, NULL, false);
	assert_sym(".rem", 0xc0200030, NULL, false);
	assert_sym("__thing", 0xc0200040, NULL, false);
	assert_sym("wide", 0xffffffffc0200050, NULL, false);
	ck_assert_uint_eq(kt.n, 6);
	ck_assert(kt.nocrc_source && !kt.crc_source);
}
END_TEST

/* CRLF, blank lines, nm -l's file:line column and other trailing text, a garbage line. */
START_TEST(test_sysmap_quirks)
{
	static const char text[] = "c0100000 T _text\r\n"
				   "\r\n"
				   "c0114560 T printk\t/usr/src/linux/kernel/printk.c:412\r\n"
				   "   \t  \r\n"
				   "c0200000 D jiffies   (trailing words)\r\n"
				   "### this is not a symbol ###\r\n"
				   "c0300000 B last";

	ck_assert_int_eq(parse(ML_SRC_SYSMAP, "/boot/System.map-2.4.37", text), 0);
	ck_assert_msg(d.n == 1, "%s", unit_diags(&d));
	ck_assert_str_eq(
		d.v[0].msg,
		"/boot/System.map-2.4.37:6: malformed System.map line skipped: address is not hexadecimal: '### this is not a symbol ###'");
	assert_sym("_text", 0xc0100000, NULL, false);
	assert_sym("printk", 0xc0114560, NULL, false);
	assert_sym("jiffies", 0xc0200000, NULL, false);
	assert_sym("last", 0xc0300000, NULL, false);
	ck_assert_uint_eq(kt.n, 4);
}
END_TEST

/* kallsyms copies: lines with and without the [module] column, in one file. */
START_TEST(test_kallsyms_modules)
{
	static const char text[] = "c0100000 T printk\n"
				   "d0800000 T fat_fn\t[fat]\n"
				   "d0800100 t fat_static\t[fat]\n"
				   "d0900000 D vfat_var\t[vfat]\tjunk after the module\n"
				   "c0200000 D jiffies\n"
				   "d0a00000 U ext_undef\t[ext2]\n";

	ck_assert_int_eq(parse(ML_SRC_KALLSYMS, "kallsyms.copy", text), 0);
	ck_assert_msg(d.n == 0, "%s", unit_diags(&d));
	assert_sym("printk", 0xc0100000, NULL, false);
	assert_sym("fat_fn", 0xd0800000, "fat", false);
	assert_sym("vfat_var", 0xd0900000, "vfat", false);
	assert_sym("jiffies", 0xc0200000, NULL, false);
	ck_assert_ptr_null(find("fat_static"));
	ck_assert_ptr_null(find("ext_undef"));
	ck_assert_uint_eq(kt.n, 4);
	ck_assert_uint_eq(kt.nmods, 2);
}
END_TEST

/* A 32-bit MIPS map written sign-extended: narrowed once the target is 32-bit. */
START_TEST(test_sign_extended)
{
	static const char text[] =
		"ffffffff80001234 T printk\n"
		"ffffffff80002000 D jiffies\n"
		"ffffffffc0000000 T mod_fn\t[mod]\n"
		"ffffffffc0000100 D __insmod_mod_O/lib/mod.o_M00000000_V132133\t[mod]\n"
		"0000000000000010 A small\n";

	ck_assert_int_eq(parse(ML_SRC_SYSMAP, "mips.map", text), 0);
	ck_assert_msg(d.n == 0, "%s", unit_diags(&d));
	/* as written until the target is known (a 64-bit MIPS kernel lives there too) */
	assert_sym("printk", 0xffffffff80001234ULL, NULL, false);
	ck_assert_uint_eq(kt.nwide, 4);
	ck_assert_uint_eq(kt.nwide_bad, 0);
	ck_assert_int_eq(ml_ksymtab_fit32(&kt, &d), 0);
	ck_assert_msg(d.n == 0, "%s", unit_diags(&d));
	assert_sym("printk", 0x80001234, NULL, false);
	assert_sym("jiffies", 0x80002000, NULL, false);
	assert_sym("mod_fn", 0xc0000000, "mod", false);
	assert_sym("small", 0x10, NULL, false);
	ck_assert(kt.mods[0].have_addr);
	ck_assert_uint_eq(kt.mods[0].addr, 0xc0000100);
	/* twice is harmless */
	ck_assert_int_eq(ml_ksymtab_fit32(&kt, &d), 0);
	assert_sym("printk", 0x80001234, NULL, false);
}
END_TEST

/* An address that is no sign extension cannot be a 32-bit kernel's: one error naming its line. */
START_TEST(test_wide_for_32bit)
{
	static const char text[] = "ffffffff80001234 T printk\n"
				   "0000000100000000 T high\n"
				   "ffffffff00000000 T low_half_clear\n"
				   "ffffffff81000000 T also_fine\n";

	ck_assert_int_eq(parse(ML_SRC_SYSMAP, "x86_64.map", text), 0);
	ck_assert_uint_eq(kt.nwide_bad, 2);
	ck_assert_int_lt(ml_ksymtab_fit32(&kt, &d), 0);
	ck_assert_msg(d.n == 1 && d.nerr == 1, "%s", unit_diags(&d));
	ck_assert_str_eq(
		d.v[0].msg,
		"x86_64.map:2: address 0x100000000 does not fit a 32-bit target, nor do 1 more (symbols of a 64-bit kernel?)");
}
END_TEST

/* Nothing readable: one error, no warnings, nothing entered. */
START_TEST(test_all_garbage)
{
	static const char text[] = "this is\nnot a\r\nSystem.map at all\n\n";

	ck_assert_int_eq(parse(ML_SRC_SYSMAP, "junk.map", text), -EINVAL);
	ck_assert_msg(d.n == 1 && d.nerr == 1, "%s", unit_diags(&d));
	ck_assert_str_eq(
		d.v[0].msg,
		"junk.map: not a System.map file: none of its lines can be read (line 1: address is not hexadecimal: 'this is')");
	ck_assert_uint_eq(kt.n, 0);
}
END_TEST

/* Binary files: an ELF file is named as such; other binary data reads as nothing. */
START_TEST(test_binary)
{
	static const char elf[] = "\177ELF\2\1\1\0\0\0\0\0\0\0\0\0\n00000001 T x\n";
	unsigned char bin[4096];
	uint32_t x = 12345;

	ck_assert_int_eq(ml_ksyms_parse(&kt, ML_SRC_SYSMAP, "vmlinux", elf, sizeof(elf) - 1, &d),
			 -EINVAL);
	ck_assert_msg(d.n == 1 && d.nerr == 1, "%s", unit_diags(&d));
	ck_assert_str_eq(
		d.v[0].msg,
		"vmlinux: not a System.map file but an ELF object (a vmlinux? give its System.map, or nm's output)");
	ml_diags_free(&d);
	memset(&d, 0, sizeof(d));
	for (size_t i = 0; i < sizeof(bin); i++) { /* xorshift: the same bytes every run */
		x ^= x << 13, x ^= x >> 17, x ^= x << 5;
		bin[i] = (unsigned char)x;
	}
	ck_assert_int_eq(
		ml_ksyms_parse(&kt, ML_SRC_KALLSYMS, "blob", (const char *)bin, sizeof(bin), &d),
		-EINVAL);
	ck_assert_msg(
		d.n == 1 && d.nerr == 1 &&
			!strncmp(
				d.v[0].msg,
				"blob: not a kallsyms file: none of its lines can be read (line 1: ",
				66),
		"%s", unit_diags(&d));
	ck_assert_uint_eq(kt.n, 0);
}
END_TEST

START_TEST(test_empty)
{
	ck_assert_int_eq(ml_ksyms_parse(&kt, ML_SRC_KSYMS, "empty", "", 0, &d), 0);
	ck_assert_uint_eq(kt.n, 0);
	ck_assert_uint_eq(d.n, 0);
}
END_TEST

/* ---- versioned names (facts §2.3) ---- */

struct brow {
	const char *name, *prefix;
	size_t len;
};

static const struct brow brows[] = {
	{ "printk", "", 6 },
	{ "printk_R1b7d4074", "", 6 },
	{ "printk_R1b7d4074", NULL, 6 },
	{ "printk_Rsmp_1b7d4074", "smp_", 6 },
	{ "printk_Rsmp_1b7d4074", "", 20 }, /* prefix must be the kernel's */
	{ "printk_R1b7d4074", "smp_", 16 },
	{ "printk_R1b7d407", "", 15 }, /* 7 characters: no CRC */
	{ "printk_X1b7d4074", "", 16 },
	{ "a_R12345678", "", 1 },
	{ "_R12345678", "", 10 },       /* nothing before the suffix */
	{ "get_RTC_time_now", "", 16 }, /* _R inside a name is not a suffix */
};

START_TEST(test_base_len)
{
	const struct brow *r = &brows[_i];

	size_t got = ml_ksym_base_len(r->name, r->prefix);

	ck_assert_msg(got == r->len, "base_len(\"%s\", \"%s\") = %zu, expected %zu", r->name,
		      r->prefix ? r->prefix : "(null)", got, r->len);
}
END_TEST

struct nrow {
	const char *a, *b, *prefix;
	bool eq;
};

static const struct nrow ncvrows[] = {
	{ "printk", "printk_R1b7d4074", "", true },
	{ "printk_R1b7d4074", "printk", "", true },
	{ "printk", "printk_Rsmp_1b7d4074", "smp_", true },
	{ "printk_Rsmp_1b7d4074", "printk", "smp_", true },
	{ "printk", "printk_Rsmp_1b7d4074", "", false }, /* wrong prefix */
	{ "printk", "printk_R1b7d4074", "smp_", false },
	{ "printk_R1b7d4074", "printk_R00000000", "", false }, /* both versioned: exact */
	{ "printk_R1b7d4074", "printk_R1b7d4074", "", true },
	{ "printk", "printk", "", true },
	{ "printk", "printf_R1b7d4074", "", false },
	{ "printk", "printkk_R1b7d407", "", false },
	{ "printk", "printk_X1b7d4074", "", false },
	{ "printk", "printk_Rzzzzzzzz", "",
	  false }, /* a CRC is 8 hex digits (modutils did not check) */
	{ "print", "printk_R1b7d4074", "", false },
};

START_TEST(test_ncv_equal)
{
	const struct nrow *r = &ncvrows[_i];

	ck_assert_msg(ml_ksym_ncv_equal(r->a, r->b, r->prefix) == r->eq,
		      "ncv(\"%s\", \"%s\", \"%s\") != %d", r->a, r->b, r->prefix, r->eq);
}
END_TEST

/* ---- lookups ---- */

static const struct ml_ksym *lookup(const char *name, bool ncv, const char *prefix, bool gpl,
				    bool *refused)
{
	struct ml_lookup l = { .ncv = ncv, .prefix = prefix, .gpl = gpl };
	const struct ml_ksym *k = ml_ksymtab_lookup(&kt, name, &l);

	if (refused)
		*refused = l.gplonly_refused;
	return k;
}

START_TEST(test_lookup_exact)
{
	const struct ml_ksym *k;

	ml_ksymtab_add(&kt, "printk_R1b7d4074", 0xc0114560, NULL);
	ml_ksymtab_add(&kt, "jiffies", 0xc0300000, NULL);
	k = lookup("printk_R1b7d4074", false, "", false, NULL);
	ck_assert_ptr_nonnull(k);
	ck_assert_uint_eq(k->value, 0xc0114560);
	ck_assert_ptr_null(lookup("printk", false, "", false, NULL));
	ck_assert_ptr_null(lookup("printk_R00000000", false, "", false, NULL));
	ck_assert_ptr_nonnull(lookup("jiffies", false, "", false, NULL));
	ck_assert_ptr_null(lookup("jiffie", false, "", false, NULL));
}
END_TEST

START_TEST(test_lookup_ncv)
{
	const struct ml_ksym *k;

	ml_ksymtab_add(&kt, "printk_R1b7d4074", 0xc0114560, NULL);
	ml_ksymtab_add(&kt, "kmalloc_Rsmp_93d4cfe6", 0xc0120000, NULL);
	ml_ksymtab_add(&kt, "jiffies", 0xc0300000, NULL);
	/* unversioned module, versioned kernel */
	k = lookup("printk", true, "", false, NULL);
	ck_assert_ptr_nonnull(k);
	ck_assert_uint_eq(k->value, 0xc0114560);
	/* versioned module, unversioned kernel export */
	k = lookup("jiffies_R0da02d67", true, "", false, NULL);
	ck_assert_ptr_nonnull(k);
	ck_assert_uint_eq(k->value, 0xc0300000);
	/* both versioned: the CRC must match */
	ck_assert_ptr_null(lookup("printk_R00000000", true, "", false, NULL));
	ck_assert_ptr_nonnull(lookup("printk_R1b7d4074", true, "", false, NULL));
	/* SMP prefix */
	k = lookup("kmalloc", true, "smp_", false, NULL);
	ck_assert_ptr_nonnull(k);
	ck_assert_uint_eq(k->value, 0xc0120000);
	ck_assert_ptr_null(lookup("kmalloc", true, "", false, NULL));
	ck_assert_ptr_null(lookup("kfree", true, "", false, NULL));
}
END_TEST

/*
 * An export whose name contains "_R" followed by 8 or more characters is
 * not a versioned name unless the suffix is exactly "_R" prefix <8 chars>
 * at the end (facts §2.3: modutils hashes by the known prefix's position
 * only).  It must still be found across versioned/unversioned names.
 */
static const struct {
	const char *export, *wanted;
} inner_r[] = {
	{ "get_RTC_time_now", "get_RTC_time_now" },
	/* a versioned module asking an unversioned kernel */
	{ "get_RTC_time_now", "get_RTC_time_now_R89abcdef" },
	/* an unversioned module asking a versioned kernel */
	{ "set_RTC_alarm_R1234abcd", "set_RTC_alarm" },
	{ "do_Rx_handler_Rsmp_1234abcd", "do_Rx_handler" },
};

START_TEST(test_lookup_ncv_inner_R)
{
	const char *exp = inner_r[_i].export, *want = inner_r[_i].wanted;
	const struct ml_ksym *k;

	ml_ksymtab_add(&kt, "unrelated", 0xc0100000, NULL);
	ml_ksymtab_add(&kt, exp, 0xc0140000, NULL);
	k = lookup(want, true, strstr(exp, "_Rsmp_") ? "smp_" : "", false, NULL);
	ck_assert_msg(k != NULL, "%s did not bind to %s", want, exp);
	ck_assert_uint_eq(k->value, 0xc0140000);
}
END_TEST

/* Modules loaded before win over the kernel (facts §2.2 step 9: modules first). */
START_TEST(test_lookup_module_first)
{
	const struct ml_ksym *k;

	ml_ksymtab_add(&kt, "dup", 0xc0100000, NULL);
	ml_ksymtab_add(&kt, "dup", 0xd0800000, "first");
	ml_ksymtab_add(&kt, "dup", 0xd0900000, "second");
	k = lookup("dup", false, "", false, NULL);
	ck_assert_ptr_nonnull(k);
	ck_assert_uint_eq(k->value, 0xd0800000);
	ck_assert_str_eq(modname(k), "first");
	k = lookup("dup", true, "", false, NULL);
	ck_assert_ptr_nonnull(k);
	ck_assert_uint_eq(k->value, 0xd0800000);
}
END_TEST

/* GPLONLY_ exports: refused to non-GPL modules (and the refusal noted for the hint). */
START_TEST(test_lookup_gplonly)
{
	const struct ml_ksym *k;
	bool refused;

	ck_assert_int_eq(parse(ML_SRC_KSYMS, "ksyms",
			       "c0100000 GPLONLY_gpl_fn\nc0100010 plain_fn\n"
			       "d0800000 GPLONLY_mod_gpl\t[m]\n"),
			 0);
	k = lookup("gpl_fn", false, "", false, &refused);
	ck_assert_ptr_null(k);
	ck_assert(refused);
	k = lookup("gpl_fn", false, "", true, &refused);
	ck_assert_ptr_nonnull(k);
	ck_assert_uint_eq(k->value, 0xc0100000);
	ck_assert(!refused);
	k = lookup("mod_gpl", true, "", false, &refused);
	ck_assert_ptr_null(k);
	ck_assert(refused);
	ck_assert_ptr_nonnull(lookup("mod_gpl", true, "", true, NULL));
	/* non-GPL modules cannot get at it by spelling the prefix */
	ck_assert_ptr_null(lookup("GPLONLY_gpl_fn", false, "", false, NULL));
	k = lookup("plain_fn", false, "", false, &refused);
	ck_assert_ptr_nonnull(k);
	ck_assert(!refused);
}
END_TEST

/* __insmod_<mod>_O... gives the module's struct module address (for .kmodtab). */
START_TEST(test_module_address)
{
	static const char text[] =
		"d0852060 snd_pcm_new\t[snd-pcm]\n"
		"d0850000 __insmod_snd-pcm_O/lib/snd-pcm.o_M3B01709C_V132133\t[snd-pcm]\n"
		"d0851000 __insmod_snd-pcm_S.text_L4096\t[snd-pcm]\n"
		"d0900000 __insmod_snd_O/lib/snd.o_M3B01709C_V132133\t[snd-pcm-oss]\n"
		"d0910000 oss_fn\t[snd-pcm-oss]\n"
		"d0a00000 __insmod_snd_S.text_L100\t[snd]\n"
		"d0b00000 __insmod_ab_P/var/lib/modules/persist/ab\t[ab]\n"
		"c0100000 printk\n";
	int i;

	ck_assert_int_eq(parse(ML_SRC_KSYMS, "ksyms", text), 0);
	i = ml_ksymtab_module(&kt, "snd-pcm");
	ck_assert(kt.mods[i].have_addr);
	ck_assert_uint_eq(kt.mods[i].addr, 0xd0850000);
	/* a symbol naming another module does not count */
	i = ml_ksymtab_module(&kt, "snd-pcm-oss");
	ck_assert(!kt.mods[i].have_addr);
	/* _S and _P symbols are not the module's address */
	i = ml_ksymtab_module(&kt, "snd");
	ck_assert(!kt.mods[i].have_addr);
	i = ml_ksymtab_module(&kt, "ab");
	ck_assert(!kt.mods[i].have_addr);
	ck_assert_uint_eq(kt.nmods, 4);
}
END_TEST

START_TEST(test_value)
{
	uint64_t v = 0;

	ml_ksymtab_add(&kt, "Using_Versions", 0x1, NULL);
	ml_ksymtab_add(&kt, "GPLONLY_gfn", 0xc0100000, NULL);
	ck_assert(ml_ksymtab_value(&kt, "Using_Versions", &v));
	ck_assert_uint_eq(v, 1);
	ck_assert(ml_ksymtab_value(&kt, "gfn", &v));
	ck_assert_uint_eq(v, 0xc0100000);
	ck_assert(!ml_ksymtab_value(&kt, "nothing", &v));
}
END_TEST

/* ---- the genksyms prefix ---- */

struct prow {
	const char *syms;   /* ksyms text */
	const char *prefix; /* NULL = none derived */
};

static const struct prow prows[] = {
	{ "c0100000 get_module_symbol_Rsmp_1b7d4074\n", "smp_" },
	{ "c0100000 get_module_symbol_R1b7d4074\n", "" },
	{ "c0100000 inter_module_get_Rsmp_a1b2c3d4\n", "smp_" },
	{ "c0100000 inter_module_get_Rsmp2G_a1b2c3d4\n", "smp2G_" },
	{ "c0100000 printk_Rsmp_1b7d4074\n", NULL }, /* not a well-known symbol */
	{ "c0100000 get_module_symbol\n", NULL },    /* unversioned kernel */
	/* must end in 8 hex digits */
	{ "c0100000 get_module_symbol_Rsmp_zzzzzzzz\n", NULL },
	/* a module's, not the kernel's */
	{ "d0800000 get_module_symbol_Rsmp_1b7d4074\t[m]\n", NULL },
	{ "c0100000 printk\nc0100010 get_module_symbol_Rsmp_1b7d4074\n", "smp_" },
};

START_TEST(test_prefix)
{
	const struct prow *r = &prows[_i];
	char *p;

	ck_assert_int_eq(parse(ML_SRC_KSYMS, "ksyms", r->syms), 0);
	p = ml_ksymtab_prefix(&kt);
	if (!r->prefix) {
		ck_assert_msg(p == NULL, "%s: derived \"%s\"", r->syms, p);
	} else {
		ck_assert_msg(p != NULL, "%s: no prefix derived", r->syms);
		ck_assert_str_eq(p, r->prefix);
	}
	free(p);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("symbols");
	TCase *tc = tcase_create("parse");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_ksyms);
	tcase_add_test(tc, test_kallsyms);
	tcase_add_test(tc, test_sysmap);
	tcase_add_test(tc, test_ksyms_crlf);
	tcase_add_loop_test(tc, test_malformed, 0, (int)ML_ARRAY_SIZE(mrows));
	tcase_add_loop_test(tc, test_nul_byte, 0, (int)ML_ARRAY_SIZE(nulrows));
	tcase_add_test(tc, test_malformed_lineno);
	tcase_add_test(tc, test_malformed_many);
	tcase_add_test(tc, test_sysmap_all_types);
	tcase_add_test(tc, test_sysmap_exports);
	tcase_add_test(tc, test_sysmap_quirks);
	tcase_add_test(tc, test_kallsyms_modules);
	tcase_add_test(tc, test_sign_extended);
	tcase_add_test(tc, test_wide_for_32bit);
	tcase_add_test(tc, test_all_garbage);
	tcase_add_test(tc, test_binary);
	tcase_add_test(tc, test_empty);
	suite_add_tcase(s, tc);
	tc = tcase_create("names");
	tcase_add_loop_test(tc, test_base_len, 0, (int)ML_ARRAY_SIZE(brows));
	tcase_add_loop_test(tc, test_ncv_equal, 0, (int)ML_ARRAY_SIZE(ncvrows));
	suite_add_tcase(s, tc);
	tc = tcase_create("lookup");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_lookup_exact);
	tcase_add_test(tc, test_lookup_ncv);
	tcase_add_loop_test(tc, test_lookup_ncv_inner_R, 0, (int)ML_ARRAY_SIZE(inner_r));
	tcase_add_test(tc, test_lookup_module_first);
	tcase_add_test(tc, test_lookup_gplonly);
	tcase_add_test(tc, test_module_address);
	tcase_add_test(tc, test_value);
	tcase_add_loop_test(tc, test_prefix, 0, (int)ML_ARRAY_SIZE(prows));
	suite_add_tcase(s, tc);
	return unit_run(s);
}
