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

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *const src_names[] = {
	[ML_SRC_KSYMS] = "ksyms",
	[ML_SRC_KALLSYMS] = "kallsyms",
	[ML_SRC_SYSMAP] = "System.map",
	[ML_SRC_KERNEL] = "kernel",
};

/* Split the next whitespace-separated field; NULL at end of line. */
static char *field(char **p)
{
	char *s = *p, *start;

	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s)
		return NULL;
	start = s;
	while (*s && *s != ' ' && *s != '\t')
		s++;
	if (*s)
		*s++ = 0;
	*p = s;
	return start;
}

static bool parse_hex(const char *s, uint64_t *v)
{
	uint64_t x = 0;
	size_t n = 0;

	for (; s[n]; n++) {
		unsigned char c = (unsigned char)s[n];
		unsigned dv = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
			    : c >= 'A' && c <= 'F' ? c - 'A' + 10 : 16;

		if (dv > 15 || n >= 16)
			return false;
		x = x << 4 | dv;
	}
	*v = x;
	return n > 0;
}

/* kallsyms/System.map types worth linking against: global ones. */
static bool linkable_type(char c)
{
	return strchr("ABCDGRSTVW", c) != NULL;
}

static bool parse_line(struct ml_ksymtab *t, enum ml_ksym_source src, char *line,
		       const char **why)
{
	char *p = line, *addr, *type = NULL, *name, *mod, *extra;
	uint64_t v;

	addr = field(&p);
	if (!addr)
		return true; /* blank line */
	if (!parse_hex(addr, &v)) {
		*why = "address is not hexadecimal";
		return false;
	}
	if (src != ML_SRC_KSYMS) {
		type = field(&p);
		if (!type || strlen(type) != 1 || !isalpha((unsigned char)type[0])) {
			*why = "missing or bad symbol type";
			return false;
		}
	}
	name = field(&p);
	if (!name) {
		*why = "missing symbol name";
		return false;
	}
	mod = field(&p);
	extra = mod ? field(&p) : NULL;
	if (mod) {
		size_t ml = strlen(mod);

		if (src == ML_SRC_SYSMAP || extra || ml < 3 || mod[0] != '[' || mod[ml - 1] != ']') {
			*why = "unexpected text after the symbol name";
			return false;
		}
		mod[ml - 1] = 0;
		mod++;
	}
	if (type && !linkable_type(type[0]))
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

	memcpy(copy, text, len);
	copy[len] = 0;
	while (p < cend) {
		char *nl = memchr(p, '\n', (size_t)(cend - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(cend - p);
		const char *why = NULL;
		const char *orig = text + (p - copy);

		lineno++;
		p[n] = 0;
		if (memchr(p, 0, n)) {
			why = "NUL byte in line";
		} else if (n && p[n - 1] == '\r') {
			p[n - 1] = 0;
		}
		if (why || !parse_line(t, src, p, &why)) {
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
