// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Loading one module of modprobe's stack, as modutils' modprobe did: the
 * pre-install hooks, then the install hook or insmod (the words modutils
 * would have run, shown with -v and handed to insmod/ as they are: the
 * same option parser, root check and lock as the insmod command), then the
 * post-install hooks.
 */
#include "modconf/probe-int.h"
#include "insmod/insmod.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static char *full_path(struct ml_modprobe *mp, const char *path)
{
	return ml_xasprintf("%s%s", mp->base ? mp->base : "", path);
}

/* Merge one "key=value" (or "-o NAME") into the insmod arguments after index first. */
static void merge_opt(struct ml_words *argv, size_t first, const char *opt, const char *oname)
{
	if (oname) {
		for (size_t j = first; j + 1 < argv->n; j++)
			if (!strcmp(argv->v[j], "-o")) {
				free(argv->v[j + 1]);
				argv->v[j + 1] = ml_xstrdup(oname);
				return;
			}
		ml_words_add(argv, "-o");
		ml_words_add(argv, oname);
		return;
	}
	size_t l = (size_t)(strchr(opt, '=') - opt) + 1;

	for (size_t j = first; j < argv->n; j++)
		if (!strncmp(argv->v[j], opt, l)) {
			free(argv->v[j]);
			argv->v[j] = ml_xstrdup(opt);
			return;
		}
	ml_words_add(argv, opt);
}

/*
 * ml_insmod() judges by the error count of the list it is given, so each call gets a
 * list of its own, appended to the caller's afterwards.
 */
static void append_diags(struct ml_diags *to, const struct ml_diags *from)
{
	for (size_t i = 0; i < from->n; i++) {
		const struct ml_diag *g = &from->v[i];
		struct ml_loc loc = { .file = g->file,
				      .section = g->section,
				      .offset = g->offset,
				      .symbol = g->symbol,
				      .reloc = g->reloc };

		ml_diag(to, g->sev, &loc, "%s", g->msg);
	}
}

/*
 * insmod, as the library runs it for modprobe: the words modprobe built (the
 * options it may hand on: insmod/args.c), the root check, the lock.
 */
static int insmod_call(struct ml_modprobe *mp, const struct ml_words *argv, size_t pathidx,
		       struct ml_diags *d)
{
	struct ml_insmod_args a;
	struct ml_insmod_result r;
	struct ml_ksymtab kt;
	int err, fd;

	ml_insmod_args_init(&a, mp->rootcheck);
	err = ml_insmod_args_handed(&a, argv->v, argv->n, pathidx, d);
	if (!err && !a.o.path)
		err = -EINVAL;
	if (!err && a.rootcheck)
		err = ml_insmod_root_check(a.o.path, d);
	if (err) {
		ml_insmod_args_free(&a);
		return err;
	}
	a.o.kernel = mp->kernel;
	ml_ksymtab_init(&kt);
	a.o.ksyms = &kt;
	fd = ml_insmod_lock(a.o.path);
	{
		struct ml_diags own = { 0 };

		err = ml_insmod(&a.o, &r, &own);
		append_diags(d, &own);
		ml_diags_free(&own);
	}
	if (!err && !a.o.noload && !a.o.probe && !r.loaded)
		err = -EIO;
	ml_insmod_result_free(&r);
	ml_insmod_unlock(fd);
	ml_ksymtab_free(&kt);
	ml_insmod_args_free(&a);
	return err;
}

/*
 * The insmod words for x (shown with -v/-n): modprobe's own options,
 * insmod_opt=, the module, then its options (each more specific name
 * overriding) and the command line's; returns the module's index.
 */
static size_t insmod_words(struct ml_modprobe *mp, const struct desc *x, const char *path,
			   char *const *cmdopts, size_t ncmdopts, struct ml_words *argv)
{
	size_t pathidx, first;

	ml_words_add(argv, "/sbin/insmod");
	if (mp->autoclean && x->autoclean)
		ml_words_add(argv, "-k");
	if (mp->quiet)
		ml_words_add(argv, "-q");
	if (mp->syslog)
		ml_words_add(argv, "-s");
	if (mp->conf->insmod_opt)
		ml_split_words(mp->conf->insmod_opt, false, argv);
	pathidx = argv->n;
	ml_words_add(argv, path);
	first = argv->n;
	/* the module's own options first, each more specific name overriding */
	for (size_t i = x->nopts; i-- > 0;) {
		const struct ml_words *w = &x->opts[i]->words;

		for (size_t j = 0; j < w->n; j++) {
			if (!strcmp(w->v[j], "-o") && j + 1 < w->n) {
				merge_opt(argv, first, NULL, w->v[++j]);
			} else if (strchr(w->v[j], '=')) {
				merge_opt(argv, first, w->v[j], NULL);
			} else {
				break; /* modutils stopped at any other word */
			}
		}
	}
	for (size_t j = 0; j < ncmdopts && strchr(cmdopts[j], '='); j++)
		merge_opt(argv, first, cmdopts[j], NULL);
	return pathidx;
}

/* insmod itself, when no install hook replaces it. */
static int insmod_run(struct ml_modprobe *mp, const struct desc *x, char *const *cmdopts,
		      size_t ncmdopts, struct ml_diags *d)
{
	struct ml_words argv = { 0 };
	struct ml_buf line = { 0 };
	char *path = full_path(mp, x->nod->path);
	size_t pathidx = insmod_words(mp, x, path, cmdopts, ncmdopts, &argv);
	int ret = 0;

	for (size_t j = 0; j < argv.n; j++)
		ml_buf_printf(&line, "%s%s", j ? " " : "", argv.v[j]);
	ml_probe_say(mp, "%s", line.p);
	ml_buf_free(&line);
	if (mp->run) {
		ret = insmod_call(mp, &argv, pathidx, d);
		if (ret && !mp->quiet)
			ml_err(d, NULL, "insmod %s failed", path);
	}
	ml_words_free(&argv);
	free(path);
	return ret;
}

/* Load one module of a stack (modutils' insmod()). */
int ml_probe_insmod_desc(struct ml_modprobe *mp, struct desc *x, char *const *cmdopts,
			 size_t ncmdopts, struct ml_diags *d)
{
	bool used_ex = false;
	int ret = 0;
	const char *cmd;

	if (x->null || (mp->run && ml_probe_is_loaded(mp, x->kname)))
		return 0;
	for (size_t i = 0; !ret && i < x->names.n; i++)
		if ((cmd = ml_modconf_hook(mp->conf, ML_HOOK_PRE_INSTALL, x->names.v[i]))) {
			ret = ml_probe_run_hook(mp, ML_HOOK_PRE_INSTALL, x->names.v[i], cmd);
			if (ret)
				ml_err(d, NULL, "pre-install %s failed", x->names.v[i]);
		}
	for (size_t i = 0; !ret && i < x->names.n; i++)
		if ((cmd = ml_modconf_hook(mp->conf, ML_HOOK_INSTALL, x->names.v[i]))) {
			used_ex = true;
			ret = ml_probe_run_hook(mp, ML_HOOK_INSTALL, x->names.v[i], cmd);
			if (ret)
				ml_err(d, NULL, "install %s failed", x->names.v[i]);
		}
	if (!ret && !used_ex)
		ret = insmod_run(mp, x, cmdopts, ncmdopts, d);
	for (size_t i = 0; !ret && i < x->names.n; i++)
		if ((cmd = ml_modconf_hook(mp->conf, ML_HOOK_POST_INSTALL, x->names.v[i]))) {
			ret = ml_probe_run_hook(mp, ML_HOOK_POST_INSTALL, x->names.v[i], cmd);
			if (ret)
				ml_err(d, NULL, "post-install %s failed", x->names.v[i]);
		}
	ml_probe_readcur(mp);
	return ret ? -1 : 0;
}
