// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Kernel symbol files.  Three text formats, one line per symbol:
 *   /proc/ksyms     "ADDR NAME" or "ADDR NAME\t[MODULE]"   (2.2/2.4)
 *   /proc/kallsyms  "ADDR TYPE NAME" or "ADDR TYPE NAME\t[MODULE]"
 *   System.map      "ADDR TYPE NAME" (nm's output)
 * (depmod -F reads a System.map for the kernel's exports alone: ML_SRC_SYSMAP_EXPORTS.)
 * Real files are read liberally: CRLF endings, blank lines, any type letter
 * nm prints, a [MODULE] column in any of them, and further columns (nm -l's
 * "file:line", notes) after the name or the module, which are ignored.  A
 * line that still cannot be read is skipped with a warning naming file:line
 * (the first ten, then a count) and the rest of the file is used; only a
 * file of which no line can be read is refused, with one error.
 *
 * Each line is parsed in one pass over its characters (this is the hot path
 * of `modlink relocate` with a distribution's System.map); the bad-line
 * path keeps what it reports and prints it after the whole file.
 *
 * Addresses are kept as written, up to 64 bits.  32-bit MIPS (and other)
 * maps may be written sign-extended to 64 bits (ffffffff80001234): the
 * table counts those, and ml_ksymtab_fit32() narrows them once the target
 * is known to be 32-bit (the file alone cannot tell: a 64-bit MIPS kernel
 * lives at the same ffffffff8... addresses).
 */
#include "symbols/symbols.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *const src_names[] = {
	[ML_SRC_KSYMS] = "ksyms",
	[ML_SRC_KALLSYMS] = "kallsyms",
	[ML_SRC_SYSMAP] = "System.map",
	[ML_SRC_KERNEL] = "kernel",
	[ML_SRC_SYSMAP_EXPORTS] = "System.map",
};

/* Bad lines reported one by one; the rest are counted. */
#define SHOWN_BAD 10

static bool blank(char c)
{
	return c == ' ' || c == '\t';
}

static unsigned hexval(unsigned char c)
{
	return c >= '0' && c <= '9'   ? c - '0'
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10u
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10u
				      : 16u;
}

/*
 * nm's type characters (binutils nm(1)): a letter, upper case for a global
 * symbol and lower case for a local one, '?' (unknown) or '-' (stabs).
 * ENTER: definitions a module may link against: the global ones (A B C D G
 * R S T, V and W: weak but defined), u (GNU unique global) and ? (nm could
 * not classify it, but the line gives a defined address; vendor kernels'
 * maps have them).  SKIP: the line is valid but names no definition a
 * module may use: locals, U (undefined), v/w (weak undefined), N/n
 * (debugging and other non-loaded sections), I/i (indirect), p, -.
 * Anything else is not a type.
 */
enum { TYPE_BAD, TYPE_SKIP, TYPE_ENTER };
static const unsigned char type_class[256] = {
	['A'] = TYPE_ENTER, ['B'] = TYPE_ENTER, ['C'] = TYPE_ENTER, ['D'] = TYPE_ENTER,
	['E'] = TYPE_SKIP,  ['F'] = TYPE_SKIP,  ['G'] = TYPE_ENTER, ['H'] = TYPE_SKIP,
	['I'] = TYPE_SKIP,  ['J'] = TYPE_SKIP,  ['K'] = TYPE_SKIP,  ['L'] = TYPE_SKIP,
	['M'] = TYPE_SKIP,  ['N'] = TYPE_SKIP,  ['O'] = TYPE_SKIP,  ['P'] = TYPE_SKIP,
	['Q'] = TYPE_SKIP,  ['R'] = TYPE_ENTER, ['S'] = TYPE_ENTER, ['T'] = TYPE_ENTER,
	['U'] = TYPE_SKIP,  ['V'] = TYPE_ENTER, ['W'] = TYPE_ENTER, ['X'] = TYPE_SKIP,
	['Y'] = TYPE_SKIP,  ['Z'] = TYPE_SKIP,  ['a'] = TYPE_SKIP,  ['b'] = TYPE_SKIP,
	['c'] = TYPE_SKIP,  ['d'] = TYPE_SKIP,  ['e'] = TYPE_SKIP,  ['f'] = TYPE_SKIP,
	['g'] = TYPE_SKIP,  ['h'] = TYPE_SKIP,  ['i'] = TYPE_SKIP,  ['j'] = TYPE_SKIP,
	['k'] = TYPE_SKIP,  ['l'] = TYPE_SKIP,  ['m'] = TYPE_SKIP,  ['n'] = TYPE_SKIP,
	['o'] = TYPE_SKIP,  ['p'] = TYPE_SKIP,  ['q'] = TYPE_SKIP,  ['r'] = TYPE_SKIP,
	['s'] = TYPE_SKIP,  ['t'] = TYPE_SKIP,  ['u'] = TYPE_ENTER, ['v'] = TYPE_SKIP,
	['w'] = TYPE_SKIP,  ['x'] = TYPE_SKIP,  ['y'] = TYPE_SKIP,  ['z'] = TYPE_SKIP,
	['?'] = TYPE_ENTER, ['-'] = TYPE_SKIP,
};

/*
 * The exported name of a System.map entry: __kstrtab_NAME (and sparc's spellings of
 * names starting with a dot, and __export_priv_), rewritten in place; or NULL.
 */
static char *export_name(char *name)
{
	if (!strncmp(name, "__kstrtab___dot_", 16)) {
		name += 15;
		*name = '.';
		return name;
	}
	if (!strncmp(name, "__kstrtab___sparc_dot_", 22)) {
		name += 21;
		*name = '.';
		return name;
	}
	if (!strncmp(name, "__kstrtab_", 10))
		return name + 10;
	if (!strncmp(name, "__export_priv_", 14)) {
		name += 12;
		*name = '_';
		return name;
	}
	return NULL;
}

/* What a line gave. */
enum { LINE_BAD = -1, LINE_BLANK, LINE_SKIP, LINE_SYM };

/*
 * One line, [p, end) with *end == 0, in one pass over its characters:
 * ADDR [TYPE] NAME [[MODULE]] [anything], fields separated by blanks.  A NUL
 * byte before end makes the line bad (binary data is not guessed at).
 * LINE_SYM: entered, its address in *addr.
 * Just over 80 lines: one pass over the line's columns, each quirk handled where it is met.
 */
static int parse_line(struct ml_ksymtab *t, enum ml_ksym_source src, char *p, char *end,
		      uint64_t *addr, const char **why)
{
	char *name, *mod = NULL, type = 0;
	int cls = TYPE_ENTER;
	uint64_t v = 0;
	unsigned n = 0, h;

	while (blank(*p))
		p++;
	if (p == end)
		return LINE_BLANK;
	for (; (h = hexval((unsigned char)*p)) < 16; p++, n++)
		v = v << 4 | h;
	if (!n || n > 16 || !blank(*p)) {
		*why = !*p && p != end ? "NUL byte in line"
		       : n > 16        ? "address longer than 16 hex digits"
		       : n && !*p      ? "missing symbol name"
				       : "address is not hexadecimal";
		return LINE_BAD;
	}
	while (blank(*p))
		p++;
	if (src != ML_SRC_KSYMS) {
		type = *p;
		cls = type_class[(unsigned char)type];
		if (cls == TYPE_BAD || !blank(p[1])) {
			*why = !*p && p != end                            ? "NUL byte in line"
			       : !*p || (cls != TYPE_BAD && p + 1 == end) ? "missing symbol name"
			       : cls != TYPE_BAD && !p[1]                 ? "NUL byte in line"
							  : "missing or bad symbol type";
			return LINE_BAD;
		}
		p += 2;
		while (blank(*p))
			p++;
	}
	name = p;
	while (*p && !blank(*p))
		p++;
	if (p == name) {
		*why = p != end ? "NUL byte in line" : "missing symbol name";
		return LINE_BAD;
	}
	if (p != end) {
		if (!*p) {
			*why = "NUL byte in line";
			return LINE_BAD;
		}
		*p++ = 0;
		while (blank(*p))
			p++;
		if (*p == '[') {
			mod = ++p;
			while (*p && *p != ']' && !blank(*p))
				p++;
			if (*p != ']' || p == mod || !(blank(p[1]) || p + 1 == end)) {
				*why = (!*p && p != end) || (*p == ']' && !p[1] && p + 1 != end)
					       ? "NUL byte in line"
					       : "bad [module] column";
				return LINE_BAD;
			}
			*p++ = 0;
		}
		/* Further columns are ignored, but binary data is still refused. */
		if (p < end && memchr(p, 0, (size_t)(end - p))) {
			*why = "NUL byte in line";
			return LINE_BAD;
		}
	}
	if (src == ML_SRC_SYSMAP_EXPORTS) {
		/* the kernel's exports alone: an undefined string, a module's line or any
		 * other name is none; a defined one is, local or global */
		if (type == 'U' || type == 'w' || type == 'v' || mod || !(name = export_name(name)))
			return LINE_SKIP;
		cls = TYPE_ENTER;
	}
	if (cls != TYPE_ENTER)
		return LINE_SKIP;
	ml_ksymtab_add(t, name, v, mod);
	*addr = v;
	return LINE_SYM;
}

/* An address wider than 32 bits: sign-extended 32-bit, or truly 64-bit (where, for later). */
static void note_wide(struct ml_ksymtab *t, uint64_t v, const char *path, size_t lineno)
{
	if (v >> 31 == 0x1ffffffffULL) {
		t->nwide++;
		return;
	}
	if (!t->nwide_bad++) {
		t->wide_where = ml_xasprintf("%s:%zu", path, lineno);
		t->wide_value = v;
	}
}

/* A bad line kept for its report: where, why, and its text. */
struct bad_line {
	size_t lineno;
	const char *why;
	const char *text;
	size_t len;
};

/* At most 60 characters of a line, control characters and bytes above 126 shown as '.'. */
static void quote_line(char out[64], const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n && i < 60; i++)
		out[i] = s[i] >= ' ' && s[i] <= '~' ? s[i] : '.';
	if (n > 60)
		memcpy(out + 57, "...", 3);
	out[i] = 0;
}

int ml_ksyms_parse(struct ml_ksymtab *t, enum ml_ksym_source src, const char *path,
		   const char *text, size_t len, struct ml_diags *d)
{
	size_t lineno = 0, bad = 0, good = 0;
	struct bad_line shown[SHOWN_BAD];
	const char *kind = src_names[src];
	char q[64];

	if (len >= 4 && !memcmp(text, "\177ELF", 4)) {
		ml_err(d, NULL,
		       "%s: not a %s file but an ELF object (a vmlinux? give its System.map, or nm's output)",
		       path, kind);
		return -EINVAL;
	}
	if (src == ML_SRC_KSYMS || src == ML_SRC_KERNEL)
		t->crc_source = true;
	else
		t->nocrc_source = true;
	/* One writable copy of the text; lines are split and parsed in place. */
	char *copy = ml_xmalloc(len + 1), *p = copy, *cend = copy + len;
	size_t nlines = 1;

	memcpy(copy, text, len);
	copy[len] = 0;
	for (const char *s = copy; (s = memchr(s, '\n', (size_t)(cend - s))); s++)
		nlines++;
	ml_ksymtab_reserve(t, nlines); /* no regrowing of the table and its index */
	while (p < cend) {
		char *nl = memchr(p, '\n', (size_t)(cend - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(cend - p);
		const char *why = NULL;
		char *lend = p + n;
		uint64_t v;
		int r;

		lineno++;
		*lend = 0;
		if (n && lend[-1] == '\r')
			*--lend = 0;
		r = parse_line(t, src, p, lend, &v, &why);
		if (r == LINE_SYM) {
			good++;
			if (v >> 32)
				note_wide(t, v, path, lineno);
		} else if (r == LINE_SKIP) {
			good++;
		} else if (r == LINE_BAD) {
			if (bad < SHOWN_BAD)
				shown[bad] = (struct bad_line){ lineno, why, text + (p - copy),
								(size_t)(lend - p) };
			bad++;
		}
		p += n + 1;
	}
	free(copy);
	if (bad && !good) {
		quote_line(q, shown[0].text, shown[0].len);
		ml_err(d, NULL,
		       "%s: not a %s file: none of its lines can be read (line %zu: %s: '%s')",
		       path, kind, shown[0].lineno, shown[0].why, q);
		return -EINVAL;
	}
	for (size_t i = 0; i < bad && i < SHOWN_BAD; i++) {
		quote_line(q, shown[i].text, shown[i].len);
		ml_warn(d, NULL, "%s:%zu: malformed %s line skipped: %s: '%s'", path,
			shown[i].lineno, kind, shown[i].why, q);
	}
	if (bad > SHOWN_BAD)
		ml_warn(d, NULL, "%s: %zu more malformed lines skipped", path, bad - SHOWN_BAD);
	return 0;
}

int ml_ksyms_load(struct ml_ksymtab *t, enum ml_ksym_source src, const char *path,
		  struct ml_diags *d)
{
	unsigned char *data;
	size_t len;
	int err = ml_read_file(path, &data, &len, d);

	if (err)
		return err;
	err = ml_ksyms_parse(t, src, path, (const char *)data, len, d);
	free(data);
	return err;
}
