// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The insmod pipeline, in modutils 2.4's order: load the object, check the
 * kernel version, bind undefined symbols to kernel and module exports,
 * create .this, size the GOT, check for unresolved symbols, allocate
 * COMMONs, apply parameters, add ksymoops symbols and exports, lay out,
 * reserve kernel memory, relocate, fill struct module, build the image and
 * hand it over.  Every problem that can be found before the kernel is
 * touched is found first; a module created in the kernel is deleted again
 * if a later step fails.
 */
#include "loader/loader-int.h"
#include "kernel/kernel.h"
#include "persist/persist.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define NOLOAD_BASE 0x12340000ULL

void ml_insmod_result_free(struct ml_insmod_result *r)
{
	free(r->modname);
	free(r->image);
	ml_buf_free(&r->map);
	ml_buf_free(&r->explain);
	memset(r, 0, sizeof(*r));
}

/* The module's kernel_version: .modinfo first, then the old symbols. */
static const char *module_version(const struct ml_obj *o)
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
	return ml_kernel_version_code(a) >= 0 && ml_kernel_version_code(a) == ml_kernel_version_code(b);
}

static int check_version(const struct ml_insmod_opts *opt, struct ml_obj *o, const char *krel,
			 bool crcs_differ_or_none, struct ml_insmod_result *r, struct ml_diags *d)
{
	const char *mv = module_version(o);

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
		ml_warn(d, o->fname, "note: kernel version %s not checked: the symbols come from files, not from a running kernel (give --kernel-release=R to check it)",
			mv);
		return 0;
	}
	if (!strncmp(mv, krel, 32) || (opt->numeric_only && numeric_equal(mv, krel)))
		return 0;
	if (opt->force) {
		ml_warn(d, o->fname, "Warning: kernel-module version mismatch\n\t%s was compiled for kernel version %s\n\twhile this kernel is version %s",
			o->fname, mv, krel);
		r->taint |= 2;
		return 0;
	}
	if (!opt->quiet)
		ml_err(d, o->fname, "kernel-module version mismatch\n\t%s was compiled for kernel version %s\n\twhile this kernel is version %s.",
		       o->fname, mv, krel);
	else
		d->nerr++;
	return -ENOEXEC;
}

/* Bind the object's undefined globals to exports; mark providers used. */
static void resolve(struct ml_obj *o, struct ml_ksymtab *kt, struct ml_lookup *lk)
{
	for (size_t i = 1; i < o->nsyms; i++) {
		struct ml_symbol *s = &o->syms[i];
		const struct ml_ksym *k;

		if (s->sec != ML_SEC_UNDEF || s->bind == STB_LOCAL || !*s->name)
			continue;
		if (ml_obj_find_symbol(o, s->name) != (long)i)
			continue;
		k = ml_ksymtab_lookup(kt, s->name, lk);
		if (!k)
			continue;
		s->sec = ML_SEC_EXTERN;
		s->ext = k;
		if (k->mod >= 0)
			kt->mods[k->mod].used = true;
	}
}

/* Weak undefineds become 0; referenced undefineds are errors, all listed. */
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

static int check_unresolved(const struct ml_insmod_opts *opt, struct ml_obj *o, bool gpl,
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

			const struct ml_ksym *k = lk->ncv ? NULL : crc_mismatch(opt->ksyms, s->name, lk);

			if (k)
				ml_diag(d, ML_ERR, &loc, "unresolved symbol %s (the kernel exports %s: a different CRC, so this module was built for another kernel or configuration)",
					s->name, k->name);
			else if (pic_symbol(s->name))
				ml_diag(d, ML_ERR, &loc, "unresolved symbol %s (the object was built as position-independent code; hint: rebuild with -fno-pic%s)",
					s->name, o->arch->machine == EM_MIPS ? " -mno-abicalls -G 0" : "");
			else
				ml_diag(d, ML_ERR, &loc, "unresolved symbol %s", s->name);
		} else {
			d->nerr++;
		}
	}
	if (bad && !gpl && !opt->quiet) {
		if (gplonly_seen)
			ml_warn(d, NULL, "Hint: You are trying to load a module without a GPL compatible license\n      and it has unresolved symbols.  The module may be trying to access\n      GPLONLY symbols but the problem is more likely to be a coding or\n      user error.  Contact the module supplier for assistance, only they\n      can help you.");
		else
			ml_warn(d, NULL, "Hint: You are trying to load a module without a GPL compatible license\n      and it has unresolved symbols.  Contact the module supplier for\n      assistance, only they can help you.");
	}
	return bad ? -ENOENT : 0;
}

static void taint_warning(const struct ml_insmod_opts *opt, struct ml_obj *o, const char *license,
			  struct ml_insmod_result *r, struct ml_diags *d)
{
	static const char url[] = "  See http://www.tux.org/lkml/#s1-18 for information about tainted modules";
	bool first = true;

	if (!license) {
		ml_warn(d, NULL, "Warning: loading %s will taint the kernel: no license\n%s", o->fname, url);
		r->taint |= 1;
		first = false;
	} else if (!ml_license_is_gpl(license)) {
		ml_warn(d, NULL, "Warning: loading %s will taint the kernel: non-GPL license - %s\n%s",
			o->fname, license, url);
		r->taint |= 1;
		first = false;
	}
	if (r->taint & 2)
		ml_warn(d, NULL, "Warning: loading %s will taint the kernel: forced load%s%s", o->fname,
			first ? "\n" : "", first ? url : "");
}

static char *real_path(const char *path, struct ml_diags *d)
{
	char buf[PATH_MAX];

	if (realpath(path, buf))
		return ml_xstrdup(buf);
	ml_warn(d, NULL, "cannot get realpath for %s", path);
	return ml_xstrdup(path);
}

static size_t count_deps(const struct ml_ksymtab *kt, const struct ml_obj *o, struct ml_diags *d)
{
	size_t n = 0;

	for (size_t i = 0; i < kt->nmods; i++) {
		if (!kt->mods[i].used)
			continue;
		n++;
		if (!kt->mods[i].have_addr)
			ml_warn(d, o->fname, "the address of module %s, which it uses, is unknown (no __insmod_%s_O symbol in the symbol file); its dependency entry will be 0",
				kt->mods[i].name, kt->mods[i].name);
	}
	return n;
}

/* Does the module have persistent parameters (a 'p' type)? */
static bool has_persistent_params(const struct ml_obj *o)
{
	size_t pos = 0;
	const char *s;

	while ((s = ml_modinfo_next(o, &pos))) {
		struct ml_parm_type pt;
		const char *eq = strchr(s, '=');
		char bad;

		if (!strncmp(s, "parm_", 5) && strncmp(s, "parm_desc_", 10) && eq &&
		    !ml_parm_type_parse(eq + 1, &pt, &bad) && pt.persist)
			return true;
	}
	return false;
}

/* The persist file that applies, or NULL (modutils' rules: absolute, 'p' params, -Y). */
static const char *persist_file(const struct ml_insmod_opts *opt, const struct ml_obj *o,
				struct ml_diags *d)
{
	if (!opt->persist)
		return NULL;
	if (opt->persist[0] != '/') {
		ml_warn(d, NULL, "Persistent filenames must be absolute, ignoring '%s'", opt->persist);
		return NULL;
	}
	if (!has_persistent_params(o))
		return NULL;
	if (!opt->ksymoops) {
		ml_err(d, o->fname, "has persistent data but ksymoops symbols are not available");
		return NULL;
	}
	return opt->persist;
}

/* Apply the file's values to persistent parameters, in optional mode. */
static int apply_persist(struct ml_obj *o, const char *path, struct ml_diags *d)
{
	char **args;
	size_t n;
	int err = 0;

	if (access(path, F_OK))
		return 0; /* nothing saved yet */
	if (ml_persist_load(path, &args, &n, d))
		return -EIO;
	for (size_t i = 0; i < n; i++)
		if (ml_param_apply(o, args[i], false, d))
			err = -EINVAL;
	ml_persist_free_args(args, n);
	return err;
}

/*
 * modutils reads no bytes of an allocated section of type NOTE or of a
 * CPU-specific type (MIPS .reginfo, say): it loads it as zeros.
 */
static void mu_unloaded_contents(struct ml_obj *o)
{
	for (size_t i = 0; i < o->nsecs; i++) {
		struct ml_section *s = o->secs[i];

		if (!s->load || (s->type != SHT_NOTE && s->type < SHT_LOPROC))
			continue;
		if (!s->borrowed)
			free(s->data);
		s->data = ml_xcalloc(1, s->size ? s->size : 1);
		s->borrowed = false;
	}
}

static int write_blob(const char *path, const unsigned char *image, uint64_t size,
		      struct ml_diags *d)
{
	int err = ml_write_whole(path, image, size);

	if (err)
		ml_err(d, NULL, "cannot write blob %s: %s", path, strerror(-err));
	return err ? -EIO : 0;
}

int ml_insmod(const struct ml_insmod_opts *opt, struct ml_insmod_result *r, struct ml_diags *d)
{
	struct ml_obj *o = NULL;
	struct ml_kernel *k = opt->kernel;
	struct ml_lookup lk = { 0 };
	const char *license, *krel = opt->release;
	char relbuf[128], *rpath = NULL, *prefix = NULL;
	const char *persist;
	bool mcrc, kcrc, created = false;
	int err, kasec = -1, adsec = -1;
	unsigned nerr0;
	size_t ndeps;
	struct stat st;

	memset(r, 0, sizeof(*r));
	nerr0 = d->nerr;
	r->modname = opt->name ? ml_xstrdup(opt->name) : ml_module_name_from_path(opt->path);
	if (!*r->modname) {
		ml_err(d, NULL, "%s: cannot derive a module name; use -o", opt->path);
		return -EINVAL;
	}
	if (k && !krel && k->ops->release && k->ops->release(k, relbuf, sizeof(relbuf)) == 0)
		krel = relbuf;
	if (k && opt->ksyms->n == 0) {
		err = ml_kernel_get_symbols(k, opt->ksyms, d);
		if (err)
			return err;
	}
	if (k && !opt->noload && ml_kernel_module_exists(k, r->modname) == 1) {
		ml_err(d, NULL, "a module named %s already exists", r->modname);
		return -EEXIST;
	}
	err = ml_obj_load(opt->path, &o, d);
	if (err)
		return err;
	/* 32-bit addresses that symbol files wrote sign-extended (MIPS maps) */
	if (!o->tgt.is64 && ml_ksymtab_fit32(opt->ksyms, d)) {
		err = -EINVAL;
		goto fail;
	}
	if (k && k->cpu && strcmp(k->cpu, o->arch->name)) {
		ml_err(d, NULL, "ELF file %s not for this architecture (the kernel runs on %s, the module is for %s)",
		       o->fname, k->cpu, o->arch->name);
		err = -ENOEXEC;
		goto fail;
	}
	/*
	 * A modern (2.6+) .ko leaves the 2.4 road here: the kernel's own layout,
	 * no struct module to build, only -n/--base images (loader/modern.c).
	 */
	if (ml_obj_is_modern(o)) {
		err = ml_modern_insmod(opt, o, r, d); /* -O written there */
		if (err)
			goto fail;
		goto done;
	}

	o->mu24 = true; /* from here on, modutils' layout rules */
	mu_unloaded_contents(o);

	/* Version and CRC state (modutils: check only if CRCs are not both used). */
	mcrc = ml_module_uses_crcs(o);
	kcrc = ml_kernel_uses_crcs(opt->ksyms);
	err = check_version(opt, o, krel, !(mcrc && kcrc), r, d);
	if (err)
		goto fail;
	prefix = opt->prefix ? ml_xstrdup(opt->prefix) : ml_ksymtab_prefix(opt->ksyms);
	lk.prefix = prefix ? prefix : "";
	lk.ncv = mcrc != kcrc;
	o->mu_ncv = lk.ncv; /* modutils rehashes its symbols then (ml_obj_mu_walk) */
	o->mu_prefix = lk.prefix;
	if (mcrc && !kcrc && opt->ksyms->nocrc_source)
		ml_warn(d, o->fname, "kernel symbols from System.map or kallsyms carry no CRCs: versioned symbols of %s were bound by name, their CRCs could not be checked",
			r->modname);
	license = ml_modinfo_get(o, "license");
	lk.gpl = ml_license_is_gpl(license);
	resolve(o, opt->ksyms, &lk);

	ml_create_this(o, r->modname);
	err = ml_size_stubs(o, d);
	if (err)
		goto fail;
	err = check_unresolved(opt, o, lk.gpl, license, &lk, d);
	if (err)
		goto fail;
	ml_allocate_commons(o);
	err = ml_params_check(o, d);
	if (err)
		goto fail;
	taint_warning(opt, o, license, r, d);
	for (size_t i = 0; i < opt->nparams; i++)
		if (ml_param_apply(o, opt->params[i], true, d))
			err = -EINVAL;
	if (err)
		goto fail;
	ml_hide_specials(o);
	persist = persist_file(opt, o, d);
	if (persist) {
		err = apply_persist(o, persist, d);
		if (err)
			goto fail;
		r->has_persist = true;
	}
	if (opt->ksymoops) {
		long ver = ml_kernel_version_code(module_version(o));

		rpath = real_path(opt->path, d);
		if (stat(opt->path, &st))
			st.st_mtime = 0;
		ml_add_ksymoops(o, r->modname, rpath, (uint64_t)st.st_mtime, ver, persist, opt->export_all);
	}
	ml_build_exports(o, opt->ksyms, opt->export_all, !opt->no_weak_exports);
	ndeps = count_deps(opt->ksyms, o, d);
	adsec = ml_archdata_reserve(o); /* before __kallsyms, which lists every section */
	{
		uint64_t a, b;
		bool kernel_kallsyms = ml_ksymtab_value(opt->ksyms, "__start___kallsyms", &a) &&
				       ml_ksymtab_value(opt->ksyms, "__stop___kallsyms", &b) && a < b;

		if (opt->kallsyms || kernel_kallsyms)
			kasec = ml_kallsyms_reserve(o);
	}
	if (d->nerr != nerr0) {
		/* errors found so far (in this call: the list may hold older ones) */
		err = -EINVAL;
		goto fail;
	}
	if (opt->probe)
		goto done;

	ml_layout(o);
	r->size = o->size;
	if (k && !opt->noload) {
		err = (int)k->ops->create_module(k, r->modname, o->size, &r->base);
		if (err == -EEXIST) {
			ml_err(d, NULL, "a module named %s already exists", r->modname);
			goto fail;
		}
		if (err == -ENOMEM) {
			ml_err(d, NULL, "can't allocate kernel memory for module; needed %llu bytes",
			       (unsigned long long)o->size);
			goto fail;
		}
		if (err) {
			ml_err(d, NULL, "create_module: %s", strerror(-err));
			goto fail;
		}
		created = true;
	} else {
		r->base = opt->have_base ? opt->base : NOLOAD_BASE;
	}
	if (created && r->has_persist) {
		unsigned char probe;

		if (ml_kernel_persist_read(k, r->modname, r->base, 1, &probe))
			ml_warn(d, o->fname, "%s has persistent data but the kernel is too old to support it.  Expect errors during rmmod as well",
				r->modname);
	}
	ml_set_base(o, r->base);
	err = ml_relocate(o, opt->explain ? &r->explain : NULL, d);
	if (err)
		goto fail;
	ml_archdata_fill(o, adsec);
	if (kasec >= 0)
		ml_kallsyms_fill(o, kasec);
	ml_fill_module(o, ndeps, opt->autoclean);
	r->image = ml_build_image(o);
	if (opt->map)
		ml_write_map24(o, &r->map);
	if (opt->blob) {
		err = write_blob(opt->blob, r->image, o->size, d);
		if (err)
			goto fail;
	}
	if (k && !opt->noload) {
		int old = 0;

		if (r->taint && k->ops->taint)
			k->ops->taint(k, r->taint, &old);
		err = (int)k->ops->init_module(k, r->modname, r->image, o->size);
		if (err == -ML_KERNEL_OOPS) {
			ml_err(d, NULL, "init_module: the module's init_module oopsed; it is left (initializing), as on a real kernel (see the kernel log)");
			created = false;
			goto fail;
		}
		if (err) {
			ml_err(d, NULL, "init_module: %s", strerror(-err));
			ml_warn(d, NULL, "Hint: insmod errors can be caused by incorrect module parameters, including invalid IO or IRQ parameters.\n      You may find more information in syslog or the output from dmesg");
			goto fail;
		}
		r->loaded = true;
	}
done:
	free(rpath);
	free(prefix);
	ml_obj_free(o);
	return 0;
fail:
	if (created)
		k->ops->delete_module(k, r->modname);
	free(rpath);
	free(prefix);
	ml_obj_free(o);
	return err ? err : -EINVAL;
}
