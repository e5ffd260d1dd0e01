// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * modprobe: from a name to the modules in the kernel, and back.
 *
 * A name is followed through its aliases ("off" stops everything quietly, "null"
 * succeeds without loading anything); the options of every name on the way are
 * gathered, the later (more specific) names overriding the same parameter of the
 * module's own; "-o NAME" in options renames the module in the kernel.  The modules
 * to load form a stack: the module, what modules.conf puts "below" it and what
 * modules.dep says it needs (recursively), and what is "above" it.  Loading goes
 * bottom up; when a module of the stack fails, what this run loaded is removed
 * again.  Removal walks the same stack top down and takes away each module that no
 * longer has users.  A module's install/remove hook replaces the insmod/rmmod step;
 * pre- and post- hooks run around it; every hook is a /bin/sh command line.
 *
 * Where modutils recursed 128 deep and aborted on a dependency loop, the stack being
 * built is tracked and a loop is reported, once, with the names on it.
 *
 * This file walks the lists (load, remove, autoclean); the stack, the hooks, the
 * file search and the insmod step have rooms of their own (probe-int.h).
 */
#include "modconf/probe-int.h"
#include "kernel/kernel.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define SHELL_META "&();|<>$`\"'\\!{}[]~=+:?*"

static int fromlist(struct ml_modprobe *mp, char *const *argv, size_t argc, bool loadall,
		    const char *type, struct ml_diags *d);
static int probe_list(struct ml_modprobe *mp, char *const *names, size_t n, bool all,
		      struct ml_diags *d);

/* Load a stack (modutils' probe_stack); on failure undo what this call loaded. */
static int probe_stack(struct ml_modprobe *mp, const char *name, const char *obj, char *const *opts,
		       size_t nopts, bool *tried_valid, char **error_name, struct ml_diags *d)
{
	struct stack s = { 0 }, fresh = { 0 };
	struct build b = {
		.mp = mp, .s = &s, .error_name = error_name, .d = d, .probe_list = probe_list
	};
	int status;

	*tried_valid = false;
	status = ml_probe_build_stack(&b, name, obj, NULL, MODE_NORMAL, true);
	ml_words_free(&b.path);
	if (status < 0) {
		ml_probe_stack_free(&s);
		return status;
	}
	if (mp->debug)
		ml_probe_dump_stack(mp, &s);
	for (size_t i = 0; i < s.n; i++) {
		struct desc *x = s.v[i];
		bool asked = !strcmp(name, x->names.v[0]);

		if (asked)
			*tried_valid = x->objkey && x->nod;
		if (status)
			break;
		if (ml_probe_insmod_desc(mp, x, asked ? opts : NULL, asked ? nopts : 0, d)) {
			if (x->mode != MODE_NORMAL)
				continue;
			/* undo, newest first */
			for (size_t j = fresh.n; j-- > 0;)
				ml_probe_rmmod_one(mp, fresh.v[j]->kname, fresh.v[j], false, d);
			status = ST_FAILED;
		} else if (!x->null) {
			fresh.v = ml_xrealloc(fresh.v, (fresh.n + 1) * sizeof(*fresh.v));
			fresh.v[fresh.n++] = x;
		}
	}
	free(fresh.v);
	ml_probe_stack_free(&s);
	return status;
}

/* What one walk of a list has done so far. */
struct walk {
	unsigned loaded;
	char *error_name; /* the name last looked for (for "needed for") */
};

/* A type (-t) or a pattern: the files found, each a stack, until one loads (all with -a). */
static int from_files(struct ml_modprobe *mp, const char *name, const char *type, char *const *opts,
		      size_t nopts, bool loadall, struct walk *w, struct ml_diags *d)
{
	struct ml_words files = { 0 };
	int ret = ST_UNKNOWN;
	bool valid;

	ml_probe_locate(mp, name, type, &files, d);
	for (size_t k = 0; k < files.n; k++) {
		char *mod = ml_modname(files.v[k]), *rel = ml_probe_strip_base(mp, files.v[k]);

		ret = probe_stack(mp, mod, rel, opts, nopts, &valid, &w->error_name, d);
		free(mod);
		free(rel);
		if (ret >= ST_OFF) {
			w->loaded++;
		} else {
			free(w->error_name);
			w->error_name = NULL;
		}
		if (ret >= ST_OFF && !loadall)
			break;
	}
	ml_words_free(&files);
	return ret;
}

/* A name: every module of that name in modules.dep, until one loads. */
static int from_dep(struct ml_modprobe *mp, const char *name, char *const *opts, size_t nopts,
		    struct walk *w, struct ml_diags *d)
{
	const char *obj = NULL;
	size_t from = 0;
	char *key = NULL;
	bool valid;
	int ret;

	for (;;) {
		const struct ml_dep_entry *e;

		ret = probe_stack(mp, name, obj, opts, nopts, &valid, &w->error_name, d);
		if (ret >= ST_OFF)
			w->loaded++;
		if (ret != ST_FAILED || !valid)
			break;
		if (!key) {
			const char *a = name, *n;

			while ((n = ml_probe_alias(mp->conf, a)))
				a = n;
			key = ml_xstrdup(a);
			e = ml_depfile_name(mp->dep, key, &from);
		}
		e = ml_depfile_name(mp->dep, key, &from);
		if (!e)
			break;
		obj = e->path;
	}
	free(key);
	return ret;
}

/* The walk's outcome, in modutils' words when nothing loaded: 0 or -1. */
static int from_report(struct ml_modprobe *mp, int ret, const char *name, struct walk *w,
		       struct ml_diags *d)
{
	if (w->loaded || ret == ST_LOOP) {
		free(w->error_name);
		return w->loaded ? 0 : -1;
	}
	if (ret == ST_UNKNOWN) {
		if (w->error_name && strcmp(w->error_name, name))
			ml_err(d, NULL, "Can't locate module %s which is needed for %s",
			       w->error_name, name);
		else if (!mp->quiet)
			ml_err(d, NULL, "Can't locate module %s", name);
		else
			d->nerr++;
	} else if (ret != ST_FAILED || !mp->quiet) {
		ml_err(d, NULL, "insmod %s failed", name);
	} else {
		d->nerr++;
	}
	free(w->error_name);
	return -1;
}

/*
 * Load the names of a list (the command line, or a probe/probeall list):
 * "name opt=val..." each, until one loads (all of them with loadall).
 */
static int fromlist(struct ml_modprobe *mp, char *const *argv, size_t argc, bool loadall,
		    const char *type, struct ml_diags *d)
{
	struct walk w = { 0 };
	int ret = 0;
	const char *name = argc ? argv[0] : "";

	if (++mp->depth > 64) {
		ml_err(d, NULL, "probe lists nest too deep at %s", name);
		mp->depth--;
		return -1;
	}
	for (size_t i = 0; i < argc; i++) {
		char *const *opts = NULL;
		size_t nopts = 0;
		const struct ml_conf_entry *g;

		if (strchr(argv[i], '='))
			continue;
		name = argv[i];
		if (i + 1 < argc && strchr(argv[i + 1], '=')) {
			opts = argv + i + 1;
			nopts = argc - i - 1;
		}
		if (type || (!mp->safe && strpbrk(name, SHELL_META))) {
			ret = from_files(mp, name, type, opts, nopts, loadall, &w, d);
		} else if ((g = ml_probe_list(&mp->conf->probe, name))) {
			ret = fromlist(mp, g->words.v, g->words.n, false, NULL, d);
			if (!ret)
				w.loaded++;
		} else if ((g = ml_probe_list(&mp->conf->probeall, name))) {
			ret = fromlist(mp, g->words.v, g->words.n, true, NULL, d);
			if (!ret)
				w.loaded++;
		} else {
			ret = from_dep(mp, name, opts, nopts, &w, d);
		}
		if (ret == ST_LOOP)
			break;
		if (!loadall && w.loaded)
			break;
		ml_probe_readcur(mp);
	}
	mp->depth--;
	return from_report(mp, ret, name, &w, d);
}

/* build_stack's way to load a probe list an alias leads to. */
static int probe_list(struct ml_modprobe *mp, char *const *names, size_t n, bool all,
		      struct ml_diags *d)
{
	return fromlist(mp, names, n, all, NULL, d);
}

int ml_modprobe_load(struct ml_modprobe *mp, char *const *args, size_t nargs, struct ml_diags *d)
{
	ml_probe_readcur(mp);
	return fromlist(mp, args, nargs, mp->loadall, mp->type, d);
}

static int unload(struct ml_modprobe *mp, const char *name, struct ml_diags *d)
{
	const struct ml_conf_entry *g;
	struct stack s = { 0 };
	struct build b = { .mp = mp, .s = &s, .last = true, .d = d, .probe_list = probe_list };
	char *mod = ml_modname(name);
	int ret = 0, r;

	if ((g = ml_probe_list(&mp->conf->probe, mod)) ||
	    (g = ml_probe_list(&mp->conf->probeall, mod))) {
		for (size_t i = 0; i < g->words.n && mp->depth < 64; i++) {
			mp->depth++;
			r = unload(mp, g->words.v[i], d);
			mp->depth--;
			if (r)
				ret = r;
		}
		free(mod);
		return ret;
	}
	r = ml_probe_build_stack(&b, mod, NULL, NULL, MODE_NORMAL, true);
	ml_words_free(&b.path);
	if (r == ST_OFF) {
		ret = 0;
	} else if (r == ST_LOOP) {
		ret = -ELOOP;
	} else if (r < 0) {
		/* nothing known about it: just try to remove it */
		ret = ml_probe_rmmod_one(mp, mod, NULL, true, d);
	} else {
		if (mp->debug)
			ml_probe_dump_stack(mp, &s);
		for (size_t i = 0; i < s.n; i++) {
			const struct desc *x = s.v[i];
			bool want = !strcmp(mod, x->kname);

			if (!ml_probe_is_loaded(mp, x->kname))
				continue;
			r = ml_probe_rmmod_one(mp, x->kname, x, want, d);
			if (r && want)
				ret = r;
		}
	}
	ml_probe_stack_free(&s);
	free(mod);
	return ret;
}

int ml_modprobe_remove(struct ml_modprobe *mp, char *const *names, size_t n, struct ml_diags *d)
{
	unsigned errs = 0;

	ml_probe_readcur(mp);
	for (size_t i = 0; i < n; i++) {
		int r = unload(mp, names[i], d);

		if (r) {
			if (r != -ELOOP && !mp->quiet)
				ml_err(d, names[i], "%s", strerror(-r));
			else if (r != -ELOOP)
				d->nerr++;
			errs++;
		}
	}
	return errs ? -1 : 0;
}

int ml_modprobe_autoclean(struct ml_modprobe *mp, struct ml_diags *d)
{
	long err;

	ml_probe_readcur(mp);
	if (!mp->kernel)
		return -1;
	for (size_t i = 0; i < mp->loaded.n; i++) {
		struct ml_module_info mi;
		unsigned char *refs = NULL;
		size_t nrefs = 0;
		char *name = ml_xstrdup(mp->loaded.v[i]);

		if (ml_kernel_info(mp->kernel, name, &mi) == 0 &&
		    ml_kernel_query(mp->kernel, name, ML_QM_REFS, &refs, &nrefs) == 0 &&
		    (mi.flags & ML_MOD_AUTOCLEAN) && !(mi.flags & ML_MOD_VISITED) &&
		    (mi.flags & ML_MOD_USED_ONCE) && !nrefs && !mi.usecount)
			ml_probe_rmmod_one(mp, name, NULL, false, d);
		free(refs);
		free(name);
	}
	ml_probe_say(mp, "# autoclean");
	if (mp->run) {
		err = mp->kernel->ops->delete_module(mp->kernel, NULL);
		if (err) {
			ml_err(d, NULL, "rmmod: %s", strerror((int)-err));
			return -1;
		}
	}
	return 0;
}
