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
 */
#include "modconf/modconf-int.h"
#include "insmod/insmod.h"
#include "kernel/kernel.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define MODE_NORMAL 0
#define MODE_ABOVE 1
#define MODE_BELOW 2
#define SHELL_META "&();|<>$`\"'\\!{}[]~=+:?*"

/* Returns of the stack builders (modutils' values). */
#define ST_OK 0
#define ST_OFF (-1)	/* aliased off */
#define ST_UNKNOWN (-2) /* no such module */
#define ST_FAILED (-3)	/* an install failed */
#define ST_LOOP (-4)	/* a dependency loop (reported) */

struct desc {
	struct ml_words names; /* the alias chain, the requested name first */
	char *kname;	       /* the name in the kernel */
	char *objkey;	       /* the module name at the end of the chain; NULL = off */
	const struct ml_dep_entry *nod;
	bool null; /* "alias x null": nothing to load */
	bool autoclean;
	int mode;
	/* options of the chain's names, most specific first */
	const struct ml_conf_entry **opts;
	size_t nopts;
};

struct stack {
	struct desc **v;
	size_t n;
};

static void say(struct ml_modprobe *mp, const char *fmt, ...) ML_PRINTF(2, 3);
static void say(struct ml_modprobe *mp, const char *fmt, ...)
{
	struct ml_buf b = { 0 };
	va_list ap;

	if (!mp->say)
		return;
	va_start(ap, fmt);
	ml_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	mp->say(mp->ctx, b.p ? b.p : "");
	ml_buf_free(&b);
}

static void desc_free(struct desc *x)
{
	if (!x)
		return;
	ml_words_free(&x->names);
	free(x->kname);
	free(x->objkey);
	free(x->opts);
	free(x);
}

static void stack_free(struct stack *s)
{
	for (size_t i = 0; i < s->n; i++)
		desc_free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

/* What the kernel has now. */
static void readcur(struct ml_modprobe *mp)
{
	unsigned char *buf;
	size_t n;
	const char *p;

	ml_words_free(&mp->loaded);
	if (!mp->kernel || ml_kernel_query(mp->kernel, NULL, ML_QM_MODULES, &buf, &n))
		return;
	p = (const char *)buf;
	for (size_t i = 0; i < n; i++, p += strlen(p) + 1)
		ml_words_add(&mp->loaded, p);
	free(buf);
}

static bool is_loaded(struct ml_modprobe *mp, const char *kname)
{
	return ml_words_has(&mp->loaded, kname);
}

/* The alias a name maps to (devfs names, starting with '/', match patterns). */
static const char *any_alias(const struct ml_modconf *c, const char *name)
{
	if (*name != '/') {
		char *m = ml_modname(name);
		const char *a = ml_modconf_alias(c, m);

		free(m);
		return a;
	}
	for (size_t i = 0; i < c->aliases.n; i++) {
		const struct ml_conf_entry *e = &c->aliases.v[i];

		if (fnmatch(e->name, name, 0) == 0 && e->words.n)
			return strcmp(e->words.v[0], name) ? e->words.v[0] : NULL;
	}
	return NULL;
}

static const struct ml_conf_entry *any_options(const struct ml_modconf *c,
					       const char *name)
{
	char *m = *name == '/' ? ml_xstrdup(name) : ml_modname(name);
	const struct ml_conf_entry *e = ml_conf_find(&c->options, m);

	free(m);
	return e;
}

static const struct ml_conf_entry *any_list(const struct ml_conf_list *l,
					    const char *name)
{
	char *m = ml_modname(name);
	const struct ml_conf_entry *e = ml_conf_find(l, m);

	free(m);
	return e;
}

static char *strip_base(struct ml_modprobe *mp, const char *path)
{
	size_t bl = mp->base ? strlen(mp->base) : 0;

	if (bl && !strncmp(path, mp->base, bl) && path[bl] == '/')
		return ml_xstrdup(path + bl);
	return ml_xstrdup(path);
}

static char *full_path(struct ml_modprobe *mp, const char *path)
{
	return ml_xasprintf("%s%s", mp->base ? mp->base : "", path);
}

static int fromlist(struct ml_modprobe *mp, char *const *argv, size_t argc, bool loadall,
		    const char *type, struct ml_diags *d);

/* The descriptor of a name: its alias chain, options, kernel name, modules.dep entry. */
static int build_desc(struct ml_modprobe *mp, const char *name, const char *objpath,
		      bool allow_alias, struct desc **out, struct ml_diags *d)
{
	const struct ml_modconf *c = mp->conf;
	const struct ml_dep_entry *nod = NULL;
	struct desc *x;
	const char *p;
	unsigned count = 0;

	*out = NULL;
	if (objpath && !(nod = ml_depfile_path(mp->dep, objpath)))
		return ST_UNKNOWN;
	x = ml_xcalloc(1, sizeof(*x));
	x->nod = nod;
	x->autoclean = true;
	for (p = name; p; p = allow_alias ? any_alias(c, p) : NULL) {
		const struct ml_conf_entry *o;

		if (!strcmp(p, "off")) {
			free(x->objkey);
			x->objkey = NULL;
			break;
		}
		free(x->objkey);
		x->objkey = ml_xstrdup(p);
		ml_words_add(&x->names, p);
		o = any_options(c, p);
		if (o) {
			if (!o->autoclean)
				x->autoclean = false;
			x->opts = ml_xrealloc(x->opts, (x->nopts + 1) * sizeof(*x->opts));
			x->opts[x->nopts++] = o;
			for (size_t i = 0; !x->kname && i + 1 < o->words.n; i++)
				if (!strcmp(o->words.v[i], "-o"))
					x->kname = ml_xstrdup(o->words.v[i + 1]);
		}
		if (++count > 1000) {
			ml_err(d, NULL, "alias loop detected on %s", name);
			break;
		}
	}
	if (!x->kname && x->objkey)
		x->kname = ml_xstrdup(x->objkey);
	if (x->objkey && !strcmp(x->objkey, "null"))
		x->null = true;
	if (!x->nod && x->objkey && !x->null) {
		size_t from = 0;

		x->nod = ml_depfile_name(mp->dep, x->objkey, &from);
	}
	/* An alias to a name that is no module but a probe/probeall list (devfs). */
	if (!x->nod && !x->null && x->objkey && strcmp(name, x->objkey)) {
		const struct ml_conf_entry *g = any_list(&c->probe, x->objkey);
		bool all = false;

		if (!g) {
			g = any_list(&c->probeall, x->objkey);
			all = true;
		}
		if (g) {
			int r = fromlist(mp, g->words.v, g->words.n, all, NULL, d);

			free(x->kname);
			x->kname = NULL;
			*out = x;
			return r ? ST_FAILED : ST_OFF;
		}
	}
	*out = x;
	return ST_OK;
}

static ssize_t stack_find(const struct stack *s, const char *kname)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->v[i]->kname, kname))
			return (ssize_t)i;
	return -1;
}

static void stack_put(struct stack *s, struct desc *x, bool last)
{
	s->v = ml_xrealloc(s->v, (s->n + 1) * sizeof(*s->v));
	if (last) {
		s->v[s->n++] = x;
		return;
	}
	memmove(s->v + 1, s->v, s->n * sizeof(*s->v));
	s->v[0] = x;
	s->n++;
}

struct build {
	struct ml_modprobe *mp;
	struct stack *s;
	bool last;	      /* removal order (append) rather than load order */
	struct ml_words path; /* knames being expanded, for loops */
	char **error_name;    /* the name that was not found (owned by the caller) */
	struct ml_diags *d;
	bool looped;
};

static int build_stack(struct build *b, const char *name, const char *objpath,
		       const char *rev, int mode, bool allow_alias)
{
	struct desc *x;
	bool placed;
	int r;

	if (b->error_name) {
		free(*b->error_name);
		*b->error_name = ml_xstrdup(name);
	}
	r = build_desc(b->mp, name, objpath, allow_alias, &x, b->d);
	if (r == ST_UNKNOWN)
		return r;
	if (r != ST_OK || !x->kname) {
		desc_free(x);
		return r == ST_OK ? ST_OFF : r;
	}
	if (!x->nod && !x->null) {
		desc_free(x);
		return ST_UNKNOWN;
	}
	x->mode = mode;
	/* an "above" module that leads back to the module it sits on */
	if (rev && !strcmp(rev, x->kname)) {
		desc_free(x);
		return ST_OK;
	}
	if (ml_words_has(&b->path, x->kname)) {
		if (!b->looped) {
			struct ml_buf m = { 0 };
			size_t i = 0;

			while (strcmp(b->path.v[i], x->kname))
				i++;
			for (; i < b->path.n; i++)
				ml_buf_printf(&m, "%s ", b->path.v[i]);
			ml_buf_printf(&m, "%s", x->kname);
			ml_err(b->d, NULL, "Circular dependency? %s", m.p);
			ml_buf_free(&m);
			b->looped = true;
		}
		desc_free(x);
		return ST_LOOP;
	}
	ml_words_add(&b->path, x->kname);
	placed = false;

	/* what modules.conf pulls in on top ("above"), for every name of the chain */
	for (size_t i = 0; i < x->names.n; i++) {
		const struct ml_conf_entry *g =
			any_list(&b->mp->conf->above, x->names.v[i]);

		for (size_t j = 0; g && j < g->words.n; j++) {
			if (stack_find(b->s, g->words.v[j]) >= 0)
				continue;
			r = build_stack(b, g->words.v[j], NULL, rev ? rev : x->kname,
					MODE_ABOVE, true);
			if (r < 0)
				goto out;
		}
	}
	/* a module already on the stack is in the wrong place: move it */
	{
		ssize_t at = stack_find(b->s, x->kname);

		if (at >= 0) {
			desc_free(b->s->v[at]);
			memmove(b->s->v + at, b->s->v + at + 1,
				(b->s->n - (size_t)at - 1) * sizeof(*b->s->v));
			b->s->n--;
		}
	}
	stack_put(b->s, x, b->last);
	placed = true;
	/* what it needs: modules.conf's "below", then modules.dep (no aliases there) */
	for (size_t i = 0; i < x->names.n; i++) {
		const struct ml_conf_entry *g =
			any_list(&b->mp->conf->below, x->names.v[i]);

		for (size_t j = 0; g && j < g->words.n; j++) {
			r = build_stack(b, g->words.v[j], NULL, rev, MODE_BELOW, true);
			if (r < 0)
				goto out;
		}
	}
	if (x->nod) {
		for (size_t i = 0; i < x->nod->deps.n; i++) {
			char *key = ml_modname(x->nod->deps.v[i]);

			r = build_stack(b, key, x->nod->deps.v[i], rev, MODE_NORMAL,
					false);
			free(key);
			if (r < 0)
				goto out;
		}
	}
	r = ST_OK;
out:
	/* once on the stack, x belongs to it */
	if (!placed)
		desc_free(x);
	free(b->path.v[--b->path.n]);
	b->path.v[b->path.n] = NULL;
	return r;
}

static void dump_stack(struct ml_modprobe *mp, const struct stack *s)
{
	static const char *const modes[] = { "NORMAL", "ABOVE", "BELOW" };

	for (size_t i = 0; i < s->n; i++) {
		const struct desc *x = s->v[i];
		struct ml_buf b = { 0 };

		say(mp, "=============================================");
		say(mp, "Module %s", x->names.v[0]);
		say(mp, "kname %s", x->kname);
		say(mp, "objkey %s", x->objkey ? x->objkey : "(null)");
		ml_buf_printf(&b, "names:");
		for (size_t j = 0; j < x->names.n; j++)
			ml_buf_printf(&b, " %s", x->names.v[j]);
		say(mp, "%s", b.p);
		b.len = 0;
		if (x->nopts) {
			ml_buf_printf(&b, "options:");
			for (size_t j = x->nopts; j-- > 0;)
				for (size_t k = 0; k < x->opts[j]->words.n; k++)
					ml_buf_printf(&b, " %s", x->opts[j]->words.v[k]);
			ml_buf_add(&b, "", 1);
			say(mp, "%s", b.p);
		}
		say(mp, "mode: %s", modes[x->mode]);
		say(mp, "Module matching %s: %s", x->objkey ? x->objkey : "(null)",
		    x->nod ? x->nod->path : "<none>");
		say(mp, "=============================================");
		ml_buf_free(&b);
	}
}

/* Run a hook through /bin/sh; its exit status (0 = success). */
static int run_hook(struct ml_modprobe *mp, enum ml_hook when, const char *name,
		    const char *cmd)
{
	int st;

	say(mp, "# %s %s:", ml_hook_names[when], name);
	say(mp, "%s", cmd);
	if (!mp->run)
		return 0;
	fflush(NULL);
	st = system(cmd);
	if (st == -1)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st)
			     : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

/* Merge one "key=value" (or "-o NAME") into the insmod arguments after index first. */
static void merge_opt(struct ml_words *argv, size_t first, const char *opt,
		      const char *oname)
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
static int insmod_call(struct ml_modprobe *mp, const struct ml_words *argv,
		       size_t pathidx, struct ml_diags *d)
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

/* Load one module of a stack (modutils' insmod()). */
static int insmod_desc(struct ml_modprobe *mp, struct desc *x, char *const *cmdopts,
		       size_t ncmdopts, struct ml_diags *d)
{
	bool used_ex = false;
	int ret = 0;
	const char *cmd;

	if (x->null || (mp->run && is_loaded(mp, x->kname)))
		return 0;
	for (size_t i = 0; !ret && i < x->names.n; i++)
		if ((cmd = ml_modconf_hook(mp->conf, ML_HOOK_PRE_INSTALL,
					   x->names.v[i]))) {
			ret = run_hook(mp, ML_HOOK_PRE_INSTALL, x->names.v[i], cmd);
			if (ret)
				ml_err(d, NULL, "pre-install %s failed", x->names.v[i]);
		}
	for (size_t i = 0; !ret && i < x->names.n; i++)
		if ((cmd = ml_modconf_hook(mp->conf, ML_HOOK_INSTALL, x->names.v[i]))) {
			used_ex = true;
			ret = run_hook(mp, ML_HOOK_INSTALL, x->names.v[i], cmd);
			if (ret)
				ml_err(d, NULL, "install %s failed", x->names.v[i]);
		}
	if (!ret && !used_ex) {
		struct ml_words argv = { 0 };
		struct ml_buf line = { 0 };
		char *path = full_path(mp, x->nod->path);
		size_t pathidx, first;

		ml_words_add(&argv, "/sbin/insmod");
		if (mp->autoclean && x->autoclean)
			ml_words_add(&argv, "-k");
		if (mp->quiet)
			ml_words_add(&argv, "-q");
		if (mp->syslog)
			ml_words_add(&argv, "-s");
		if (mp->conf->insmod_opt)
			ml_split_words(mp->conf->insmod_opt, false, &argv);
		pathidx = argv.n;
		ml_words_add(&argv, path);
		first = argv.n;
		/* the module's own options first, each more specific name overriding */
		for (size_t i = x->nopts; i-- > 0;) {
			const struct ml_words *w = &x->opts[i]->words;

			for (size_t j = 0; j < w->n; j++) {
				if (!strcmp(w->v[j], "-o") && j + 1 < w->n) {
					merge_opt(&argv, first, NULL, w->v[++j]);
				} else if (strchr(w->v[j], '=')) {
					merge_opt(&argv, first, w->v[j], NULL);
				} else {
					break; /* modutils stopped at any other word */
				}
			}
		}
		for (size_t j = 0; j < ncmdopts && strchr(cmdopts[j], '='); j++)
			merge_opt(&argv, first, cmdopts[j], NULL);
		for (size_t j = 0; j < argv.n; j++)
			ml_buf_printf(&line, "%s%s", j ? " " : "", argv.v[j]);
		say(mp, "%s", line.p);
		ml_buf_free(&line);
		if (mp->run) {
			ret = insmod_call(mp, &argv, pathidx, d);
			if (ret && !mp->quiet)
				ml_err(d, NULL, "insmod %s failed", path);
		}
		ml_words_free(&argv);
		free(path);
	}
	for (size_t i = 0; !ret && i < x->names.n; i++)
		if ((cmd = ml_modconf_hook(mp->conf, ML_HOOK_POST_INSTALL,
					   x->names.v[i]))) {
			ret = run_hook(mp, ML_HOOK_POST_INSTALL, x->names.v[i], cmd);
			if (ret)
				ml_err(d, NULL, "post-install %s failed", x->names.v[i]);
		}
	readcur(mp);
	return ret ? -1 : 0;
}

/*
 * Remove one module (modutils' call_rmmod): 0 when it is gone (or was never there),
 * -EBUSY when it has users, another -errno when the kernel or a hook refused.
 */
static int rmmod_one(struct ml_modprobe *mp, const char *kname, const struct desc *x,
		     bool complain, struct ml_diags *d)
{
	struct ml_module_info mi;
	unsigned char *refs = NULL;
	size_t nrefs = 0;
	struct ml_words one = { 0 };
	const struct ml_words *names = x ? &x->names : &one;
	bool used_ex = false;
	int ret = 0;
	const char *cmd;
	long err;

	if (!mp->kernel)
		return 0;
	err = ml_kernel_info(mp->kernel, kname, &mi);
	if (err == -ENOENT)
		return 0;
	if (err)
		return (int)err;
	if (ml_kernel_query(mp->kernel, kname, ML_QM_REFS, &refs, &nrefs) == 0)
		free(refs);
	if (nrefs || mi.usecount)
		return -EBUSY;
	if (!x)
		ml_words_add(&one, kname);
	for (size_t i = 0; !ret && i < names->n; i++)
		if ((cmd = ml_modconf_hook(mp->conf, ML_HOOK_PRE_REMOVE, names->v[i])) &&
		    run_hook(mp, ML_HOOK_PRE_REMOVE, names->v[i], cmd)) {
			if (complain && !mp->quiet)
				ml_err(d, NULL, "pre-remove %s failed", names->v[i]);
			ret = -EIO;
		}
	for (size_t i = 0; !ret && i < names->n; i++)
		if ((cmd = ml_modconf_hook(mp->conf, ML_HOOK_REMOVE, names->v[i]))) {
			used_ex = true;
			if (run_hook(mp, ML_HOOK_REMOVE, names->v[i], cmd)) {
				if (complain && !mp->quiet)
					ml_err(d, NULL, "remove %s failed", names->v[i]);
				ret = -EIO;
			}
		}
	if (!used_ex && !ret) {
		say(mp, "# delete %s", kname);
		if (mp->run) {
			err = mp->kernel->ops->delete_module(mp->kernel, kname);
			if (err == -ML_KERNEL_OOPS) {
				ml_err(d, NULL,
				       "%s: the module's cleanup_module oopsed (see the kernel log)",
				       kname);
				err = -EFAULT;
			}
			ret = (int)err;
		}
	}
	for (size_t i = 0; !ret && i < names->n; i++)
		if ((cmd = ml_modconf_hook(mp->conf, ML_HOOK_POST_REMOVE, names->v[i])) &&
		    run_hook(mp, ML_HOOK_POST_REMOVE, names->v[i], cmd)) {
			if (complain && !mp->quiet)
				ml_err(d, NULL, "post-remove %s failed", names->v[i]);
			ret = -EIO;
		}
	ml_words_free(&one);
	readcur(mp);
	return ret;
}

/* Load a stack (modutils' probe_stack); on failure undo what this call loaded. */
static int probe_stack(struct ml_modprobe *mp, const char *name, const char *obj,
		       char *const *opts, size_t nopts, bool *tried_valid,
		       char **error_name, struct ml_diags *d)
{
	struct stack s = { 0 }, fresh = { 0 };
	struct build b = { .mp = mp, .s = &s, .error_name = error_name, .d = d };
	int status;

	*tried_valid = false;
	status = build_stack(&b, name, obj, NULL, MODE_NORMAL, true);
	ml_words_free(&b.path);
	if (status < 0) {
		stack_free(&s);
		return status;
	}
	if (mp->debug)
		dump_stack(mp, &s);
	for (size_t i = 0; i < s.n; i++) {
		struct desc *x = s.v[i];
		bool asked = !strcmp(name, x->names.v[0]);

		if (asked)
			*tried_valid = x->objkey && x->nod;
		if (status)
			break;
		if (insmod_desc(mp, x, asked ? opts : NULL, asked ? nopts : 0, d)) {
			if (x->mode != MODE_NORMAL)
				continue;
			/* undo, newest first */
			for (size_t j = fresh.n; j-- > 0;)
				rmmod_one(mp, fresh.v[j]->kname, fresh.v[j], false, d);
			status = ST_FAILED;
		} else if (!x->null) {
			fresh.v = ml_xrealloc(fresh.v, (fresh.n + 1) * sizeof(*fresh.v));
			fresh.v[fresh.n++] = x;
		}
	}
	free(fresh.v);
	stack_free(&s);
	return status;
}

/* Files for a name: NAME.o, NAME.o.gz or NAME itself (a pattern unless in safe mode). */
static void locate(struct ml_modprobe *mp, const char *match, const char *type,
		   struct ml_words *out, struct ml_diags *d)
{
	static const char *const sfx[] = { ".o", ".o.gz", ".ko", ".ko.gz", "" };

	if (strchr(match, '/')) {
		ml_words_add(out, match);
		return;
	}
	for (size_t i = 0; i < ML_ARRAY_SIZE(sfx) && !out->n; i++) {
		char *m = ml_xasprintf("%s%s", match, sfx[i]);
		struct ml_find f = { .match = m, .tag = type, .glob = !mp->safe };

		ml_modconf_find(mp->conf, &f, out, d);
		free(m);
	}
	/* the same module in two directories: keep the first */
	for (size_t i = 0; i < out->n; i++) {
		const char *bi = strrchr(out->v[i], '/');

		for (size_t j = i + 1; j < out->n;) {
			const char *bj = strrchr(out->v[j], '/');

			if (bi && bj && !strcmp(bi, bj)) {
				free(out->v[j]);
				memmove(out->v + j, out->v + j + 1,
					(out->n - j) * sizeof(*out->v));
				out->n--;
			} else {
				j++;
			}
		}
	}
}

static int fromlist(struct ml_modprobe *mp, char *const *argv, size_t argc, bool loadall,
		    const char *type, struct ml_diags *d)
{
	unsigned loaded = 0;
	int ret = 0;
	const char *name = argc ? argv[0] : "";
	char *error_name = NULL;

	if (++mp->depth > 64) {
		ml_err(d, NULL, "probe lists nest too deep at %s", name);
		mp->depth--;
		return -1;
	}
	for (size_t i = 0; i < argc; i++) {
		char *const *opts = NULL;
		size_t nopts = 0;
		const struct ml_conf_entry *g;
		bool valid;

		if (strchr(argv[i], '='))
			continue;
		name = argv[i];
		if (i + 1 < argc && strchr(argv[i + 1], '=')) {
			opts = argv + i + 1;
			nopts = argc - i - 1;
		}
		if (type || (!mp->safe && strpbrk(name, SHELL_META))) {
			struct ml_words files = { 0 };

			locate(mp, name, type, &files, d);
			if (!files.n)
				ret = ST_UNKNOWN;
			for (size_t k = 0; k < files.n; k++) {
				char *mod = ml_modname(files.v[k]),
				     *rel = strip_base(mp, files.v[k]);

				ret = probe_stack(mp, mod, rel, opts, nopts, &valid,
						  &error_name, d);
				free(mod);
				free(rel);
				if (ret >= ST_OFF) {
					loaded++;
				} else {
					free(error_name);
					error_name = NULL;
				}
				if (ret >= ST_OFF && !loadall)
					break;
			}
			ml_words_free(&files);
		} else if ((g = any_list(&mp->conf->probe, name))) {
			ret = fromlist(mp, g->words.v, g->words.n, false, NULL, d);
			if (!ret)
				loaded++;
		} else if ((g = any_list(&mp->conf->probeall, name))) {
			ret = fromlist(mp, g->words.v, g->words.n, true, NULL, d);
			if (!ret)
				loaded++;
		} else {
			const char *obj = NULL;
			size_t from = 0;
			char *key = NULL;

			/* every module of that name in modules.dep, until one loads */
			for (;;) {
				const struct ml_dep_entry *e;

				ret = probe_stack(mp, name, obj, opts, nopts, &valid,
						  &error_name, d);
				if (ret >= ST_OFF)
					loaded++;
				if (ret != ST_FAILED || !valid)
					break;
				if (!key) {
					const char *a = name, *n;

					while ((n = any_alias(mp->conf, a)))
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
		}
		if (ret == ST_LOOP)
			break;
		if (!loadall && loaded)
			break;
		readcur(mp);
	}
	mp->depth--;
	if (loaded || ret == ST_LOOP) {
		free(error_name);
		return loaded ? 0 : -1;
	}
	if (ret == ST_UNKNOWN) {
		if (error_name && strcmp(error_name, name))
			ml_err(d, NULL, "Can't locate module %s which is needed for %s",
			       error_name, name);
		else if (!mp->quiet)
			ml_err(d, NULL, "Can't locate module %s", name);
		else
			d->nerr++;
	} else if (ret != ST_FAILED || !mp->quiet) {
		ml_err(d, NULL, "insmod %s failed", name);
	} else {
		d->nerr++;
	}
	free(error_name);
	return -1;
}

int ml_modprobe_load(struct ml_modprobe *mp, char *const *args, size_t nargs,
		     struct ml_diags *d)
{
	readcur(mp);
	return fromlist(mp, args, nargs, mp->loadall, mp->type, d);
}

static int unload(struct ml_modprobe *mp, const char *name, struct ml_diags *d)
{
	const struct ml_conf_entry *g;
	struct stack s = { 0 };
	struct build b = { .mp = mp, .s = &s, .last = true, .d = d };
	char *mod = ml_modname(name);
	int ret = 0, r;

	if ((g = any_list(&mp->conf->probe, mod)) ||
	    (g = any_list(&mp->conf->probeall, mod))) {
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
	r = build_stack(&b, mod, NULL, NULL, MODE_NORMAL, true);
	ml_words_free(&b.path);
	if (r == ST_OFF) {
		ret = 0;
	} else if (r == ST_LOOP) {
		ret = -ELOOP;
	} else if (r < 0) {
		/* nothing known about it: just try to remove it */
		ret = rmmod_one(mp, mod, NULL, true, d);
	} else {
		if (mp->debug)
			dump_stack(mp, &s);
		for (size_t i = 0; i < s.n; i++) {
			const struct desc *x = s.v[i];
			bool want = !strcmp(mod, x->kname);

			if (!is_loaded(mp, x->kname))
				continue;
			r = rmmod_one(mp, x->kname, x, want, d);
			if (r && want)
				ret = r;
		}
	}
	stack_free(&s);
	free(mod);
	return ret;
}

int ml_modprobe_remove(struct ml_modprobe *mp, char *const *names, size_t n,
		       struct ml_diags *d)
{
	unsigned errs = 0;

	readcur(mp);
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

	readcur(mp);
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
			rmmod_one(mp, name, NULL, false, d);
		free(refs);
		free(name);
	}
	say(mp, "# autoclean");
	if (mp->run) {
		err = mp->kernel->ops->delete_module(mp->kernel, NULL);
		if (err) {
			ml_err(d, NULL, "rmmod: %s", strerror((int)-err));
			return -1;
		}
	}
	return 0;
}
