// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What insmod refuses or warns about before it touches a kernel, in modutils
 * 2.4's words: the kernel version the module was built for, the symbols left
 * unresolved (with the hint that fits: another kernel's CRC, position-
 * independent code, a non-GPL module), and the taint a load would cause.
 */
#include "insmod/insmod-int.h"

#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* The module's kernel_version: .modinfo first, then the old symbols. */
const char *ml_insmod_module_version(const struct ml_obj *o)
{
	const char *v = ml_modinfo_get(o, "kernel_version");
	static const char *const syms[] = { "kernel_version", "__module_kernel_version" };

	if (v)
		return v;
	for (size_t i = 0; i < ML_ARRAY_SIZE(syms); i++) {
		long s = ml_obj_find_symbol(o, syms[i]);

		if (s >= 0 && o->syms[s].sec >= 0 && o->secs[o->syms[s].sec]->data) {
			const struct ml_section *sec = o->secs[o->syms[s].sec];
			uint64_t off = o->syms[s].value;

			if (off < sec->size && memchr(sec->data + off, 0, sec->size - off)) {
				const char *str = (const char *)sec->data + off;

				/* "kernel_version=2.4.x" in old objects */
				return strncmp(str, "kernel_version=", 15) ? str : str + 15;
			}
		}
	}
	return NULL;
}

static bool numeric_equal(const char *a, const char *b)
{
	return ml_kernel_version_code(a) >= 0 &&
	       ml_kernel_version_code(a) == ml_kernel_version_code(b);
}

int ml_insmod_check_version(const struct ml_insmod_opts *opt, struct ml_obj *o, const char *krel,
			    bool crcs_differ_or_none, struct ml_insmod_result *r,
			    struct ml_diags *d)
{
	const char *mv = ml_insmod_module_version(o);

	if (!mv) {
		ml_err(d, o->fname, "couldn't find the kernel version the module was compiled for");
		return -ENOEXEC;
	}
	if (!crcs_differ_or_none)
		return 0;
	if (!krel) {
		/*
		 * No kernel and no --kernel-release: the symbols come from files
		 * on a host that is not the target, whose release means nothing
		 * here (modutils always had a live kernel to ask).
		 */
		ml_warn(d, o->fname,
			"note: kernel version %s not checked: the symbols come from files, not from a running kernel (give --kernel-release=R to check it)",
			mv);
		return 0;
	}
	if (!strncmp(mv, krel, 32) || (opt->numeric_only && numeric_equal(mv, krel)))
		return 0;
	if (opt->force) {
		ml_warn(d, o->fname,
			"Warning: kernel-module version mismatch\n\t%s was compiled for kernel version %s\n\twhile this kernel is version %s",
			o->fname, mv, krel);
		r->taint |= 2;
		return 0;
	}
	if (!opt->quiet)
		ml_err(d, o->fname,
		       "kernel-module version mismatch\n\t%s was compiled for kernel version %s\n\twhile this kernel is version %s.",
		       o->fname, mv, krel);
	else
		d->nerr++;
	return -ENOEXEC;
}

/*
 * When module and kernel are both versioned, a name differing only in its
 * CRC is a symbol of the same name from another kernel build: say so.
 */
static const struct ml_ksym *crc_mismatch(struct ml_ksymtab *kt, const char *name,
					  const struct ml_lookup *lk)
{
	struct ml_lookup l = *lk;
	const char *prefix = lk->prefix ? lk->prefix : "";
	size_t base = ml_ksym_base_len(name, prefix);
	const struct ml_ksym *k;
	char *plain;

	if (base == strlen(name))
		return NULL;
	plain = ml_xstrndup(name, base);
	l.ncv = true;
	k = ml_ksymtab_lookup(kt, plain, &l);
	free(plain);
	return k && strcmp(k->name, name) ? k : NULL;
}

/* Symbols only PIC code asks for: a kernel never exports them. */
static bool pic_symbol(const char *name)
{
	return !strcmp(name, "_GLOBAL_OFFSET_TABLE_") || !strcmp(name, "_gp_disp") ||
	       !strcmp(name, "__gnu_local_gp");
}

/* Weak undefineds become 0; referenced undefineds are errors, all listed. */
int ml_insmod_check_unresolved(const struct ml_insmod_opts *opt, struct ml_obj *o, bool gpl,
			       const char *license, const struct ml_lookup *lk, struct ml_diags *d)
{
	bool gplonly_seen = lk->gplonly_refused;
	size_t bad = 0;

	for (size_t i = 1; i < o->nsyms; i++) {
		struct ml_symbol *s = &o->syms[i];

		if (s->sec != ML_SEC_UNDEF || !*s->name)
			continue;
		if (s->bind == STB_WEAK) {
			s->weak_zero = true;
			continue;
		}
		if (!s->referenced || ml_obj_find_symbol(o, s->name) != (long)i)
			continue;
		bad++;
		if (!opt->quiet) {
			struct ml_loc loc = { .file = o->fname, .offset = -1, .symbol = s->name };

			const struct ml_ksym *k = lk->ncv ? NULL
							  : crc_mismatch(opt->ksyms, s->name, lk);

			if (k)
				ml_diag(d, ML_ERR, &loc,
					"unresolved symbol %s (the kernel exports %s: a different CRC, so this module was built for another kernel or configuration)",
					s->name, k->name);
			else if (pic_symbol(s->name))
				ml_diag(d, ML_ERR, &loc,
					"unresolved symbol %s (the object was built as position-independent code; hint: rebuild with -fno-pic%s)",
					s->name,
					o->arch->machine == EM_MIPS ? " -mno-abicalls -G 0" : "");
			else
				ml_diag(d, ML_ERR, &loc, "unresolved symbol %s", s->name);
		} else {
			d->nerr++;
		}
	}
	if (bad && !gpl && !opt->quiet) {
		if (gplonly_seen)
			ml_warn(d, NULL,
				"Hint: You are trying to load a module without a GPL compatible license\n      and it has unresolved symbols.  The module may be trying to access\n      GPLONLY symbols but the problem is more likely to be a coding or\n      user error.  Contact the module supplier for assistance, only they\n      can help you.");
		else
			ml_warn(d, NULL,
				"Hint: You are trying to load a module without a GPL compatible license\n      and it has unresolved symbols.  Contact the module supplier for\n      assistance, only they can help you.");
	}
	return bad ? -ENOENT : 0;
}

void ml_insmod_taint_warning(const struct ml_insmod_opts *opt, struct ml_obj *o,
			     const char *license, struct ml_insmod_result *r, struct ml_diags *d)
{
	static const char url[] =
		"  See http://www.tux.org/lkml/#s1-18 for information about tainted modules";
	bool first = true;

	if (!license) {
		ml_warn(d, NULL, "Warning: loading %s will taint the kernel: no license\n%s",
			o->fname, url);
		r->taint |= 1;
		first = false;
	} else if (!ml_license_is_gpl(license)) {
		ml_warn(d, NULL,
			"Warning: loading %s will taint the kernel: non-GPL license - %s\n%s",
			o->fname, license, url);
		r->taint |= 1;
		first = false;
	}
	if (r->taint & 2)
		ml_warn(d, NULL, "Warning: loading %s will taint the kernel: forced load%s%s",
			o->fname, first ? "\n" : "", first ? url : "");
}
