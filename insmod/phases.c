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
 *
 * The steps are grouped in three phases (see phases() below): prepare (the
 * kernel's facts, the object, the checks), link (bind, insmod's sections,
 * lay out, place, relocate, image) and hand off (outputs, init_module).
 */
#include "insmod/insmod-int.h"
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
			ml_warn(d, o->fname,
				"the address of module %s, which it uses, is unknown (no __insmod_%s_O symbol in the symbol file); its dependency entry will be 0",
				kt->mods[i].name, kt->mods[i].name);
	}
	return n;
}

bool ml_insmod_persist_parm(const char *tag, struct ml_parm_type *pt, const char **eq)
{
	char bad;

	*eq = strchr(tag, '=');
	return !strncmp(tag, "parm_", 5) && strncmp(tag, "parm_desc_", 10) && *eq &&
	       !ml_parm_type_parse(*eq + 1, pt, &bad) && pt->persist;
}

/* Does the module have persistent parameters (a 'p' type)? */
static bool has_persistent_params(const struct ml_obj *o)
{
	size_t pos = 0;
	const char *s;

	while ((s = ml_modinfo_next(o, &pos))) {
		struct ml_parm_type pt;
		const char *eq;

		if (ml_insmod_persist_parm(s, &pt, &eq))
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
		ml_warn(d, NULL, "Persistent filenames must be absolute, ignoring '%s'",
			opt->persist);
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

/*
 * What the phases hand each other: the options and the result, the object,
 * the lookup rules, and what must be freed or undone at the end.
 */
struct insmod_run {
	const struct ml_insmod_opts *opt;
	struct ml_insmod_result *r;
	struct ml_diags *d;
	struct ml_kernel *k;
	struct ml_obj *o;
	struct ml_lookup lk;
	const char *krel, *license, *persist;
	char relbuf[128], *rpath, *prefix;
	unsigned nerr0; /* errors in d before this call (the list may hold older ones) */
	size_t ndeps;
	int kasec, adsec; /* __kallsyms and __archdata, when reserved */
	bool created;     /* create_module succeeded: undone if a later step fails */
};

/* prepare: the module's name, and what the kernel says (release, symbols, names). */
static int prepare_kernel(struct insmod_run *x)
{
	const struct ml_insmod_opts *opt = x->opt;
	struct ml_kernel *k = x->k;
	int err;

	x->r->modname = opt->name ? ml_xstrdup(opt->name) : ml_module_name_from_path(opt->path);
	if (!*x->r->modname) {
		ml_err(x->d, NULL, "%s: cannot derive a module name; use -o", opt->path);
		return -EINVAL;
	}
	if (k && !x->krel && k->ops->release &&
	    k->ops->release(k, x->relbuf, sizeof(x->relbuf)) == 0)
		x->krel = x->relbuf;
	if (k && opt->ksyms->n == 0) {
		err = ml_kernel_get_symbols(k, opt->ksyms, x->d);
		if (err)
			return err;
	}
	if (k && !opt->noload && ml_kernel_module_exists(k, x->r->modname) == 1) {
		ml_err(x->d, NULL, "a module named %s already exists", x->r->modname);
		return -EEXIST;
	}
	return 0;
}

/* prepare: read the object; refuse one the symbols or the kernel's CPU do not fit. */
static int prepare_object(struct insmod_run *x)
{
	struct ml_obj *o;
	int err = ml_obj_load(x->opt->path, &x->o, x->d);

	if (err)
		return err;
	o = x->o;
	/* 32-bit addresses that symbol files wrote sign-extended (MIPS maps) */
	if (!o->tgt.is64 && ml_ksymtab_fit32(x->opt->ksyms, x->d))
		return -EINVAL;
	if (x->k && x->k->cpu && strcmp(x->k->cpu, o->arch->name)) {
		ml_err(x->d, NULL,
		       "ELF file %s not for this architecture (the kernel runs on %s, the module is for %s)",
		       o->fname, x->k->cpu, o->arch->name);
		return -ENOEXEC;
	}
	return 0;
}

/* prepare, 2.4 modules: modutils' rules from here on, the version and CRC state. */
static int prepare_24(struct insmod_run *x)
{
	const struct ml_insmod_opts *opt = x->opt;
	struct ml_obj *o = x->o;
	bool mcrc, kcrc;
	int err;

	o->mu24 = true; /* from here on, modutils' layout rules */
	mu_unloaded_contents(o);

	/* Version and CRC state (modutils: check only if CRCs are not both used). */
	mcrc = ml_module_uses_crcs(o);
	kcrc = ml_kernel_uses_crcs(opt->ksyms);
	err = ml_insmod_check_version(opt, o, x->krel, !(mcrc && kcrc), x->r, x->d);
	if (err)
		return err;
	x->prefix = opt->prefix ? ml_xstrdup(opt->prefix) : ml_ksymtab_prefix(opt->ksyms);
	x->lk.prefix = x->prefix ? x->prefix : "";
	x->lk.ncv = mcrc != kcrc;
	o->mu_ncv = x->lk.ncv; /* modutils rehashes its symbols then (ml_obj_mu_walk) */
	o->mu_prefix = x->lk.prefix;
	if (mcrc && !kcrc && opt->ksyms->nocrc_source)
		ml_warn(x->d, o->fname,
			"kernel symbols from System.map or kallsyms carry no CRCs: versioned symbols of %s were bound by name, their CRCs could not be checked",
			x->r->modname);
	x->license = ml_modinfo_get(o, "license");
	x->lk.gpl = ml_license_is_gpl(x->license);
	return 0;
}

/* link: bind the symbols, check what is left, apply the parameters. */
static int link_bind(struct insmod_run *x)
{
	const struct ml_insmod_opts *opt = x->opt;
	struct ml_obj *o = x->o;
	int err;

	resolve(o, opt->ksyms, &x->lk);
	ml_create_this(o, x->r->modname);
	err = ml_size_stubs(o, x->d);
	if (err)
		return err;
	err = ml_insmod_check_unresolved(opt, o, x->lk.gpl, x->license, &x->lk, x->d);
	if (err)
		return err;
	ml_allocate_commons(o);
	err = ml_params_check(o, x->d);
	if (err)
		return err;
	ml_insmod_taint_warning(opt, o, x->license, x->r, x->d);
	for (size_t i = 0; i < opt->nparams; i++)
		if (ml_param_apply(o, opt->params[i], true, x->d))
			err = -EINVAL;
	if (err)
		return err;
	ml_hide_specials(o);
	x->persist = persist_file(opt, o, x->d);
	if (x->persist) {
		err = apply_persist(o, x->persist, x->d);
		if (err)
			return err;
		x->r->has_persist = true;
	}
	return 0;
}

/* link: the sections insmod adds (ksymoops symbols, exports, __archdata, __kallsyms). */
static int link_sections(struct insmod_run *x)
{
	const struct ml_insmod_opts *opt = x->opt;
	struct ml_obj *o = x->o;
	uint64_t a, b;
	bool kernel_kallsyms;

	if (opt->ksymoops) {
		long ver = ml_kernel_version_code(ml_insmod_module_version(o));
		struct stat st;

		x->rpath = real_path(opt->path, x->d);
		if (stat(opt->path, &st))
			st.st_mtime = 0;
		ml_add_ksymoops(o, x->r->modname, x->rpath, (uint64_t)st.st_mtime, ver, x->persist,
				opt->export_all);
	}
	ml_build_exports(o, opt->ksyms, opt->export_all, !opt->no_weak_exports);
	x->ndeps = count_deps(opt->ksyms, o, x->d);
	x->adsec = ml_archdata_reserve(o); /* before __kallsyms, which lists every section */
	kernel_kallsyms = ml_ksymtab_value(opt->ksyms, "__start___kallsyms", &a) &&
			  ml_ksymtab_value(opt->ksyms, "__stop___kallsyms", &b) && a < b;
	if (opt->kallsyms || kernel_kallsyms)
		x->kasec = ml_kallsyms_reserve(o);
	if (x->d->nerr != x->nerr0) {
		/* errors found so far (in this call: the list may hold older ones) */
		return -EINVAL;
	}
	return 0;
}

/*
 * link: where the module goes.  The kernel chooses the address (create_module
 * reserves the memory), so this step of the hand off happens inside the link,
 * between layout and relocation, as in modutils; with -n/--base it is given.
 */
static int link_place(struct insmod_run *x)
{
	const struct ml_insmod_opts *opt = x->opt;
	struct ml_insmod_result *r = x->r;
	struct ml_kernel *k = x->k;
	int err;

	if (k && !opt->noload) {
		err = (int)k->ops->create_module(k, r->modname, x->o->size, &r->base);
		if (err == -EEXIST) {
			ml_err(x->d, NULL, "a module named %s already exists", r->modname);
			return err;
		}
		if (err == -ENOMEM) {
			ml_err(x->d, NULL,
			       "can't allocate kernel memory for module; needed %llu bytes",
			       (unsigned long long)x->o->size);
			return err;
		}
		if (err) {
			ml_err(x->d, NULL, "create_module: %s", strerror(-err));
			return err;
		}
		x->created = true;
	} else {
		r->base = opt->have_base ? opt->base : NOLOAD_BASE;
	}
	if (x->created && r->has_persist) {
		unsigned char probe;

		if (ml_kernel_persist_read(k, r->modname, r->base, 1, &probe))
			ml_warn(x->d, x->o->fname,
				"%s has persistent data but the kernel is too old to support it.  Expect errors during rmmod as well",
				r->modname);
	}
	return 0;
}

/* link: lay out, place, relocate, fill struct module, build the image. */
static int link_image(struct insmod_run *x)
{
	struct ml_obj *o = x->o;
	int err;

	ml_layout(o);
	x->r->size = o->size;
	err = link_place(x);
	if (err)
		return err;
	ml_set_base(o, x->r->base);
	err = ml_relocate(o, x->opt->explain ? &x->r->explain : NULL, x->d);
	if (err)
		return err;
	ml_archdata_fill(o, x->adsec);
	if (x->kasec >= 0)
		ml_kallsyms_fill(o, x->kasec);
	ml_fill_module(o, x->ndeps, x->opt->autoclean);
	x->r->image = ml_build_image(o);
	return 0;
}

/* hand off: the map and the blob, then init_module. */
static int hand_off(struct insmod_run *x)
{
	const struct ml_insmod_opts *opt = x->opt;
	struct ml_insmod_result *r = x->r;
	struct ml_kernel *k = x->k;
	int err, old = 0;

	if (opt->map)
		ml_write_map24(x->o, &r->map);
	if (opt->blob) {
		err = write_blob(opt->blob, r->image, x->o->size, x->d);
		if (err)
			return err;
	}
	if (!k || opt->noload)
		return 0;
	if (r->taint && k->ops->taint)
		k->ops->taint(k, r->taint, &old);
	err = (int)k->ops->init_module(k, r->modname, r->image, x->o->size);
	if (err == -ML_KERNEL_OOPS) {
		ml_err(x->d, NULL,
		       "init_module: the module's init_module oopsed; it is left (initializing), as on a real kernel (see the kernel log)");
		x->created = false;
		return err;
	}
	if (err) {
		ml_err(x->d, NULL, "init_module: %s", strerror(-err));
		ml_warn(x->d, NULL,
			"Hint: insmod errors can be caused by incorrect module parameters, including invalid IO or IRQ parameters.\n      You may find more information in syslog or the output from dmesg");
		return err;
	}
	r->loaded = true;
	return 0;
}

/*
 * The phases: prepare (the kernel's facts, the object, the checks), link
 * (bind, add insmod's sections, lay out, place, relocate, image) and hand off
 * (outputs, init_module).  -p stops after the checks of the link; a modern
 * .ko leaves the 2.4 road once read (its kernel's layout, no struct module,
 * only -n/--base images: modern.c).
 */
static int phases(struct insmod_run *x)
{
	int err = prepare_kernel(x);

	if (!err)
		err = prepare_object(x);
	if (err)
		return err;
	if (ml_obj_is_modern(x->o))
		return ml_modern_insmod(x->opt, x->o, x->r, x->d); /* -O written there */
	err = prepare_24(x);
	if (!err)
		err = link_bind(x);
	if (!err)
		err = link_sections(x);
	if (err || x->opt->probe)
		return err;
	err = link_image(x);
	if (!err)
		err = hand_off(x);
	return err;
}

int ml_insmod(const struct ml_insmod_opts *opt, struct ml_insmod_result *r, struct ml_diags *d)
{
	struct insmod_run x = { .opt = opt,
				.r = r,
				.d = d,
				.k = opt->kernel,
				.krel = opt->release,
				.kasec = -1,
				.adsec = -1 };
	int err;

	memset(r, 0, sizeof(*r));
	x.nerr0 = d->nerr;
	err = phases(&x);
	if (err && x.created)
		x.k->ops->delete_module(x.k, r->modname);
	free(x.rpath);
	free(x.prefix);
	ml_obj_free(x.o);
	return err;
}
