/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * symbols: what the kernel (and modules loaded before) export, in one hashed
 * table, filled from /proc/ksyms text, /proc/kallsyms text, System.map or a
 * kernel's QM_SYMBOLS answer; and the matching rules of modutils 2.4:
 * versioned names (name_R<crc>, name_R<prefix><crc>) and GPLONLY_ exports.
 */
#ifndef ML_SYMBOLS_H
#define ML_SYMBOLS_H

#include "common/common.h"

/* A module that exports symbols (from a "[name]" column or QM_MODULES). */
struct ml_kmodule {
	char *name;
	uint64_t addr; /* its struct module address, if known */
	bool have_addr;
	bool used; /* the object being loaded binds to one of its symbols */
};

struct ml_ksym {
	char *name; /* as exported, GPLONLY_ prefix removed */
	uint64_t value;
	int mod; /* index in mods, -1 = the kernel proper */
	bool gplonly;
};

/*
 * Where a source came from: decides whether CRCs can be checked.  ML_SRC_SYSMAP_EXPORTS
 * is a System.map (or kallsyms copy) read for a 2.2/2.4 kernel's exports alone, as
 * depmod -F reads it: each __kstrtab_NAME line of a definition, local or global (the
 * strings are local, 'r'), enters NAME; every other line (U, w and v ones too) is read
 * and checked, and enters nothing.
 */
enum ml_ksym_source {
	ML_SRC_KSYMS,
	ML_SRC_KALLSYMS,
	ML_SRC_SYSMAP,
	ML_SRC_KERNEL,
	ML_SRC_SYSMAP_EXPORTS,
};

struct ml_ksymtab {
	struct ml_ksym *v;
	size_t n, cap;
	struct ml_kmodule *mods;
	size_t nmods;
	struct ml_hash exact; /* full name -> ksym index + 1 */
	/* name without its "_R" prefix <crc> ending -> ksym index + 1, built on demand
	 * for the prefix of the last ncv lookup (modutils rehashes the same way) */
	struct ml_hash base;
	char *base_prefix;
	struct ml_strpool names; /* the entries' names */
	bool nocrc_source;       /* some symbols came from System.map / kallsyms */
	bool crc_source;         /* some symbols came from ksyms / the kernel */
	/* Addresses wider than 32 bits read from files (see ml_ksymtab_fit32): */
	size_t nwide;        /* sign extensions of 32-bit ones (ffffffff8xxxxxxx) */
	size_t nwide_bad;    /* the others */
	char *wide_where;    /* "file:line" of the first other one */
	uint64_t wide_value; /* and its value */
};

void ml_ksymtab_init(struct ml_ksymtab *t);
void ml_ksymtab_free(struct ml_ksymtab *t);
/* Add one symbol; modname NULL = kernel.  A name starting GPLONLY_ is marked. */
void ml_ksymtab_add(struct ml_ksymtab *t, const char *name, uint64_t value, const char *modname);
/* Room for n more entries (a hint: adding more still works). */
void ml_ksymtab_reserve(struct ml_ksymtab *t, size_t n);
int ml_ksymtab_module(struct ml_ksymtab *t, const char *modname);
/*
 * For a 32-bit target: addresses the files wrote sign-extended to 64 bits
 * become their low 32 bits; an address that is no such extension cannot be
 * a 32-bit kernel's, and is an error naming its file:line (-EINVAL).
 * Nothing to do (and cheap) when every address fitted.
 */
int ml_ksymtab_fit32(struct ml_ksymtab *t, struct ml_diags *d);

int ml_ksyms_parse(struct ml_ksymtab *t, enum ml_ksym_source src, const char *path,
		   const char *text, size_t len, struct ml_diags *d);
int ml_ksyms_load(struct ml_ksymtab *t, enum ml_ksym_source src, const char *path,
		  struct ml_diags *d);

/*
 * Versioned names.  If name ends in "_R" prefix <8 chars>, return the length
 * of the part before "_R", else the full length.
 */
size_t ml_ksym_base_len(const char *name, const char *prefix);
/* modutils' comparator when kernel and module disagree on CRC use (ncv). */
bool ml_ksym_ncv_equal(const char *a, const char *b, const char *prefix);

struct ml_lookup {
	bool ncv;             /* compare without CRCs (states differ / no CRCs known) */
	const char *prefix;   /* genksyms prefix, "" or "smp_" etc. */
	bool gpl;             /* the module is GPL-compatible */
	bool gplonly_refused; /* out: a GPLONLY_ export was skipped */
};
/* Find what a module's undefined 'name' binds to; modules win over the kernel. */
const struct ml_ksym *ml_ksymtab_lookup(struct ml_ksymtab *t, const char *name,
					struct ml_lookup *l);
/* Value of a kernel symbol by exact name, or false. */
bool ml_ksymtab_value(const struct ml_ksymtab *t, const char *name, uint64_t *v);
/* The genksyms prefix derived as modutils does (from get_module_symbol_R...). */
char *ml_ksymtab_prefix(const struct ml_ksymtab *t);

#endif
