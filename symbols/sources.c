// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Kernel symbol files.  Three text formats, one line per symbol:
 *   /proc/ksyms     "ADDR NAME" or "ADDR NAME\t[MODULE]"   (2.2/2.4)
 *   /proc/kallsyms  "ADDR TYPE NAME" or "ADDR TYPE NAME\t[MODULE]"
 *   System.map      "ADDR TYPE NAME"
 * A malformed line is an error naming the file and line; the whole file is
 * still read so every bad line is reported at once.
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
};

static bool blank(char c)
{
	return c == ' ' || c == '\t';
}

static unsigned hexval(unsigned char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10u
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10u : 16u;
}

/* kallsyms/System.map types worth linking against: global ones. */
static bool linkable_type(char c)
{
	switch (c) {
	case 'A': case 'B': case 'C': case 'D': case 'G': case 'R': case 'S': case 'T': case 'V': case 'W':
		return true;
	default:
		return false;
	}
}

/*
 * One line, [p, end) with *end == 0, in one pass over its characters:
 * ADDR [TYPE] NAME [[MODULE]], fields separated by blanks.  A NUL byte
 * before end is an error like any other malformation.
 */
static bool parse_line(struct ml_ksymtab *t, enum ml_ksym_source src, char *p, char *end,
		       const char **why)
{
	char type = 0, *name, *mod = NULL;
	uint64_t v = 0;
	unsigned n = 0, h;

	while (blank(*p))
		p++;
	if (p == end)
		return true; /* blank line */
	for (; (h = hexval((unsigned char)*p)) < 16; p++, n++)
		v = v << 4 | h;
	if (!n || n > 16 || (*p && !blank(*p)) || (!*p && p != end)) {
		*why = !*p && p != end ? "NUL byte in line" : "address is not hexadecimal";
		return false;
	}
	if (src != ML_SRC_KSYMS) {
		while (blank(*p))
			p++;
		type = *p;
		if (!((type >= 'a' && type <= 'z') || (type >= 'A' && type <= 'Z')) || (p[1] && !blank(p[1]))) {
			*why = !*p && p != end ? "NUL byte in line" : "missing or bad symbol type";
			return false;
		}
		p++;
	}
	while (blank(*p))
		p++;
	name = p;
	while (*p && !blank(*p))
		p++;
	if (p == name) {
		*why = p != end ? "NUL byte in line" : "missing symbol name";
		return false;
	}
	if (*p) {
		*p++ = 0;
		while (blank(*p))
			p++;
		if (*p) {
			/* [MODULE], and nothing after it */
			mod = p;
			while (*p && !blank(*p))
				p++;
			char *mend = p;

			while (blank(*p))
				p++;
			if (src == ML_SRC_SYSMAP || *p || p != end || mend - mod < 3 || mod[0] != '[' ||
			    mend[-1] != ']') {
				*why = p != end && !*p ? "NUL byte in line" : "unexpected text after the symbol name";
				return false;
			}
			mend[-1] = 0;
			mod++;
		}
	}
	if (p != end) {
		*why = "NUL byte in line";
		return false;
	}
	if (type && !linkable_type(type))
		return true;
	ml_ksymtab_add(t, name, v, mod);
	return true;
}

int ml_ksyms_parse(struct ml_ksymtab *t, enum ml_ksym_source src, const char *path,
		   const char *text, size_t len, struct ml_diags *d)
{
	size_t lineno = 0, bad = 0;

	if (src == ML_SRC_KSYMS || src == ML_SRC_KERNEL)
		t->crc_source = true;
	else
		t->nocrc_source = true;
	/* One writable copy of the text; lines are split and parsed in place. */
	char *copy = ml_xmalloc(len + 1), *p = copy, *cend = copy + len;
	size_t nlines = 1;

	memcpy(copy, text, len);
	copy[len] = 0;
	for (const char *q = copy; (q = memchr(q, '\n', (size_t)(cend - q))); q++)
		nlines++;
	ml_ksymtab_reserve(t, nlines); /* no regrowing of the table and its index */
	while (p < cend) {
		char *nl = memchr(p, '\n', (size_t)(cend - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(cend - p);
		const char *why = NULL;
		const char *orig = text + (p - copy);

		char *lend = p + n;

		lineno++;
		*lend = 0;
		if (n && lend[-1] == '\r')
			*--lend = 0;
		if (!parse_line(t, src, p, lend, &why)) {
			if (bad++ < 20)
				ml_err(d, NULL, "%s:%zu: malformed %s line: %s: '%.*s'", path, lineno,
				       src_names[src], why, (int)(n > 80 ? 80 : n), orig);
		}
		p += n + 1;
	}
	free(copy);
	if (bad > 20)
		ml_err(d, NULL, "%s: %zu more malformed lines not shown", path, bad - 20);
	return bad ? -EINVAL : 0;
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
