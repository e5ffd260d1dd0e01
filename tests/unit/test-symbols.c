// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Kernel symbol sources and lookups: /proc/ksyms, /proc/kallsyms and
 * System.map text (facts §1.8, §5); versioned names _R<crc> and
 * _R<prefix><crc> (facts §2.3); GPLONLY_ exports; the module address
 * carried by __insmod_<mod>_O... (facts §2.4); the genksyms prefix
 * (facts §2.2 step 4).
 */
#include "tests/unit/unit.h"

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
	static const char text[] =
		"c0100000 T _stext\n"
		"c0100010 t local_fn\n"         /* local: cannot be linked against */
		"c0200000 D jiffies\n"
		"c0200010 d local_data\n"
		"c0300000 B bss_var\n"
		"c0300010 b local_bss\n"
		"c0400000 R ro_var\n"
		"c0400010 r local_ro\n"
		"c0500000 W weak_fn\n"
		"c0500010 w local_weak\n"
		"00000001 A abs_sym\n"
		"c0600000 U undefined_here\n"  /* undefined: not an export */
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
	static const char text[] =
		"c0100000 T _text\r\n"          /* CRLF line ends */
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

/* Each bad line: one error "FILE:LINE: malformed ..."; good lines are still read. */
struct mrow {
	enum ml_ksym_source src;
	const char *bad;
};

static const struct mrow mrows[] = {
	{ ML_SRC_KSYMS, "zz printk" },             /* address not hex */
	{ ML_SRC_KSYMS, "c01x4560 printk" },
	{ ML_SRC_KSYMS, "c0114560" },              /* no name */
	{ ML_SRC_KSYMS, "c0114560 a b" },          /* junk after the name */
	{ ML_SRC_KSYMS, "c0114560 a [m] x" },
	{ ML_SRC_KSYMS, "c0114560 a [m" },
	{ ML_SRC_KSYMS, "c0114560 a []" },
	{ ML_SRC_KSYMS, "10000000000000000 toolong" }, /* 17 hex digits */
	{ ML_SRC_KALLSYMS, "c0114560 printk" },    /* no type */
	{ ML_SRC_KALLSYMS, "c0114560 TT printk" },
	{ ML_SRC_KALLSYMS, "c0114560 1 printk" },
	{ ML_SRC_KALLSYMS, "c0114560 T" },
	{ ML_SRC_SYSMAP, "c0114560 T printk [mod]" }, /* System.map: no module column */
	{ ML_SRC_SYSMAP, "c0114560" },
	{ ML_SRC_SYSMAP, "T printk" },
};

static const char *const src_word[] = { "ksyms", "kallsyms", "System.map", "kernel" };

START_TEST(test_malformed)
{
	const struct mrow *r = &mrows[_i];
	bool ks = r->src == ML_SRC_KSYMS;
	const char *good = ks ? "c0000001 one\n" : "c0000001 T one\n";
	const char *good2 = ks ? "c0000002 two\n" : "c0000002 T two\n";
	char text[256], want[64];

	/* good, bad (line 2), good, bad (line 4), good */
	snprintf(text, sizeof(text), "%s%s\n%s%s\n%s", good, r->bad, good2, r->bad, good);
	ck_assert_int_lt(parse(r->src, "/tmp/syms.txt", text), 0);
	ck_assert_msg(d.nerr == 2 && d.n == 2, "'%s': expected 2 errors, got:\n%s",
		      r->bad, unit_diags(&d));
	for (int i = 0; i < 2; i++) {
		snprintf(want, sizeof(want), "/tmp/syms.txt:%d: malformed %s line",
			 2 + 2 * i, src_word[r->src]);
		ck_assert_msg(!strncmp(d.v[i].msg, want, strlen(want)),
			      "'%s': message \"%s\" does not start \"%s\"", r->bad,
			      d.v[i].msg, want);
	}
	assert_sym("one", 0xc0000001, NULL, false);
	assert_sym("two", 0xc0000002, NULL, false);
}
END_TEST

/* Line numbers count CRLF lines and blank lines; a NUL byte makes a line bad. */
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
	{ ML_SRC_KSYMS, "@c0114560 printk" },
	{ ML_SRC_KALLSYMS, "c0114560 T@printk" },
	{ ML_SRC_KALLSYMS, "c0114560 @ printk" },
	{ ML_SRC_KALLSYMS, "c0114560 T printk@\r" },
};

START_TEST(test_nul_byte)
{
	const struct nulrow *r = &nulrows[_i];
	bool ks = r->src == ML_SRC_KSYMS;
	char text[128];
	int n = snprintf(text, sizeof(text), "%s\n%s\n%s\n", ks ? "c0000001 one" : "c0000001 T one", r->line,
			 ks ? "c0000002 two" : "c0000002 T two");

	for (int i = 0; i < n; i++)
		if (text[i] == '@')
			text[i] = 0;
	ck_assert_int_lt(ml_ksyms_parse(&kt, r->src, "nul.txt", text, (size_t)n, &d), 0);
	ck_assert_msg(d.n == 1 && strstr(d.v[0].msg, "nul.txt:2: malformed") && strstr(d.v[0].msg, "NUL byte in line"),
		      "row %d: %s", _i, unit_diags(&d));
	assert_sym("one", 0xc0000001, NULL, false);
	assert_sym("two", 0xc0000002, NULL, false);
	ck_assert_uint_eq(kt.n, 2);
}
END_TEST

START_TEST(test_malformed_lineno)
{
	static const char text[] =
		"c0000001 one\r\n\r\nbad\r\nc0000002 two\nc0000003 th\0ree\n";
	size_t len = sizeof(text) - 1;

	ck_assert_int_lt(ml_ksyms_parse(&kt, ML_SRC_KSYMS, "k", text, len, &d), 0);
	ck_assert_msg(d.n == 2, "%s", unit_diags(&d));
	ck_assert_msg(!strncmp(d.v[0].msg, "k:3: malformed ksyms line", 25), "%s",
		      d.v[0].msg);
	ck_assert_msg(!strncmp(d.v[1].msg, "k:5: malformed ksyms line", 25), "%s",
		      d.v[1].msg);
	assert_sym("two", 0xc0000002, NULL, false);
	ck_assert_ptr_null(find("th"));
}
END_TEST

/* A file of garbage: 20 lines shown, then one summary line. */
START_TEST(test_malformed_many)
{
	struct ml_buf b = { 0 };

	for (int i = 0; i < 25; i++)
		ml_buf_printf(&b, "garbage line %d\n", i);
	ml_buf_printf(&b, "c0000001 one\n");
	ck_assert_int_lt(ml_ksyms_parse(&kt, ML_SRC_KSYMS, "bad.map", b.p, b.len, &d), 0);
	ml_buf_free(&b);
	ck_assert_msg(d.n == 21 && d.nerr == 21, "%s", unit_diags(&d));
	ck_assert_msg(!strncmp(d.v[19].msg, "bad.map:20: malformed", 21), "%s",
		      d.v[19].msg);
	ck_assert_str_eq(d.v[20].msg, "bad.map: 5 more malformed lines not shown");
	assert_sym("one", 0xc0000001, NULL, false);
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
	{ "printk_Rsmp_1b7d4074", "", 20 },   /* prefix must be the kernel's */
	{ "printk_R1b7d4074", "smp_", 16 },
	{ "printk_R1b7d407", "", 15 },        /* 7 characters: no CRC */
	{ "printk_X1b7d4074", "", 16 },
	{ "a_R12345678", "", 1 },
	{ "_R12345678", "", 10 },             /* nothing before the suffix */
	{ "get_RTC_time_now", "", 16 },      /* _R inside a name is not a suffix */
};

START_TEST(test_base_len)
{
	const struct brow *r = &brows[_i];

	size_t got = ml_ksym_base_len(r->name, r->prefix);

	ck_assert_msg(got == r->len, "base_len(\"%s\", \"%s\") = %zu, expected %zu",
		      r->name, r->prefix ? r->prefix : "(null)", got, r->len);
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
	{ "printk", "printk_Rsmp_1b7d4074", "", false },     /* wrong prefix */
	{ "printk", "printk_R1b7d4074", "smp_", false },
	{ "printk_R1b7d4074", "printk_R00000000", "", false }, /* both versioned: exact */
	{ "printk_R1b7d4074", "printk_R1b7d4074", "", true },
	{ "printk", "printk", "", true },
	{ "printk", "printf_R1b7d4074", "", false },
	{ "printk", "printkk_R1b7d407", "", false },
	{ "printk", "printk_X1b7d4074", "", false },
	{ "printk", "printk_Rzzzzzzzz", "", false },         /* a CRC is 8 hex digits (modutils did not check) */
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

static const struct ml_ksym *lookup(const char *name, bool ncv, const char *prefix,
				    bool gpl, bool *refused)
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
	const char *syms; /* ksyms text */
	const char *prefix; /* NULL = none derived */
};

static const struct prow prows[] = {
	{ "c0100000 get_module_symbol_Rsmp_1b7d4074\n", "smp_" },
	{ "c0100000 get_module_symbol_R1b7d4074\n", "" },
	{ "c0100000 inter_module_get_Rsmp_a1b2c3d4\n", "smp_" },
	{ "c0100000 inter_module_get_Rsmp2G_a1b2c3d4\n", "smp2G_" },
	{ "c0100000 printk_Rsmp_1b7d4074\n", NULL },         /* not a well-known symbol */
	{ "c0100000 get_module_symbol\n", NULL },             /* unversioned kernel */
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
