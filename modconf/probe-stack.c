// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * modprobe's stack: a name followed through its aliases to a descriptor
 * (kernel name, options, modules.dep entry), then what sits above it, the
 * module, and what it needs below, each once; a dependency loop is reported
 * once with the names on it (modutils recursed 128 deep and aborted).
 */
#include "modconf/probe-int.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

void ml_probe_desc_free(struct desc *x)
{
	if (!x)
		return;
	ml_words_free(&x->names);
	free(x->kname);
	free(x->objkey);
	free(x->opts);
	free(x);
}

void ml_probe_stack_free(struct stack *s)
{
	for (size_t i = 0; i < s->n; i++)
		ml_probe_desc_free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

const char *ml_probe_alias(const struct ml_modconf *c, const char *name)
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

static const struct ml_conf_entry *any_options(const struct ml_modconf *c, const char *name)
{
	char *m = *name == '/' ? ml_xstrdup(name) : ml_modname(name);
	const struct ml_conf_entry *e = ml_conf_find(&c->options, m);

	free(m);
	return e;
}

const struct ml_conf_entry *ml_probe_list(const struct ml_conf_list *l, const char *name)
{
	char *m = ml_modname(name);
	const struct ml_conf_entry *e = ml_conf_find(l, m);

	free(m);
	return e;
}

/* The descriptor of a name: its alias chain, options, kernel name, modules.dep entry. */
static int build_desc(struct build *b, const char *name, const char *objpath, bool allow_alias,
		      struct desc **out)
{
	struct ml_modprobe *mp = b->mp;
	struct ml_diags *d = b->d;
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
	for (p = name; p; p = allow_alias ? ml_probe_alias(c, p) : NULL) {
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
		const struct ml_conf_entry *g = ml_probe_list(&c->probe, x->objkey);
		bool all = false;

		if (!g) {
			g = ml_probe_list(&c->probeall, x->objkey);
			all = true;
		}
		if (g) {
			int r = b->probe_list(mp, g->words.v, g->words.n, all, d);

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

/* A dependency loop: reported once, with the names on it. */
static void report_loop(struct build *b, const char *kname)
{
	struct ml_buf m = { 0 };
	size_t i = 0;

	if (b->looped)
		return;
	while (strcmp(b->path.v[i], kname))
		i++;
	for (; i < b->path.n; i++)
		ml_buf_printf(&m, "%s ", b->path.v[i]);
	ml_buf_printf(&m, "%s", kname);
	ml_err(b->d, NULL, "Circular dependency? %s", m.p);
	ml_buf_free(&m);
	b->looped = true;
}

/* The descriptor to stack for a name: *out NULL, with the status, when there is none. */
static int stack_desc(struct build *b, const char *name, const char *objpath, const char *rev,
		      int mode, bool allow_alias, struct desc **out)
{
	struct desc *x;
	int r;

	*out = NULL;
	if (b->error_name) {
		free(*b->error_name);
		*b->error_name = ml_xstrdup(name);
	}
	r = build_desc(b, name, objpath, allow_alias, &x);
	if (r == ST_UNKNOWN)
		return r;
	if (r != ST_OK || !x->kname) {
		ml_probe_desc_free(x);
		return r == ST_OK ? ST_OFF : r;
	}
	if (!x->nod && !x->null) {
		ml_probe_desc_free(x);
		return ST_UNKNOWN;
	}
	x->mode = mode;
	/* an "above" module that leads back to the module it sits on */
	if (rev && !strcmp(rev, x->kname)) {
		ml_probe_desc_free(x);
		return ST_OK;
	}
	if (ml_words_has(&b->path, x->kname)) {
		report_loop(b, x->kname);
		ml_probe_desc_free(x);
		return ST_LOOP;
	}
	*out = x;
	return ST_OK;
}

/* What modules.conf pulls in on top ("above"), for every name of the chain. */
static int stack_above(struct build *b, const struct desc *x, const char *rev)
{
	for (size_t i = 0; i < x->names.n; i++) {
		const struct ml_conf_entry *g = ml_probe_list(&b->mp->conf->above, x->names.v[i]);

		for (size_t j = 0; g && j < g->words.n; j++) {
			int r;

			if (stack_find(b->s, g->words.v[j]) >= 0)
				continue;
			r = ml_probe_build_stack(b, g->words.v[j], NULL, rev ? rev : x->kname,
						 MODE_ABOVE, true);
			if (r < 0)
				return r;
		}
	}
	return ST_OK;
}

/* x on the stack; a module already there is in the wrong place: moved. */
static void stack_place(struct build *b, struct desc *x)
{
	ssize_t at = stack_find(b->s, x->kname);

	if (at >= 0) {
		ml_probe_desc_free(b->s->v[at]);
		memmove(b->s->v + at, b->s->v + at + 1,
			(b->s->n - (size_t)at - 1) * sizeof(*b->s->v));
		b->s->n--;
	}
	stack_put(b->s, x, b->last);
}

/* What it needs: modules.conf's "below", then modules.dep (no aliases there). */
static int stack_below(struct build *b, const struct desc *x, const char *rev)
{
	int r;

	for (size_t i = 0; i < x->names.n; i++) {
		const struct ml_conf_entry *g = ml_probe_list(&b->mp->conf->below, x->names.v[i]);

		for (size_t j = 0; g && j < g->words.n; j++) {
			r = ml_probe_build_stack(b, g->words.v[j], NULL, rev, MODE_BELOW, true);
			if (r < 0)
				return r;
		}
	}
	for (size_t i = 0; x->nod && i < x->nod->deps.n; i++) {
		char *key = ml_modname(x->nod->deps.v[i]);

		r = ml_probe_build_stack(b, key, x->nod->deps.v[i], rev, MODE_NORMAL, false);
		free(key);
		if (r < 0)
			return r;
	}
	return ST_OK;
}

int ml_probe_build_stack(struct build *b, const char *name, const char *objpath, const char *rev,
			 int mode, bool allow_alias)
{
	struct desc *x;
	int r = stack_desc(b, name, objpath, rev, mode, allow_alias, &x);

	if (!x)
		return r;
	ml_words_add(&b->path, x->kname);
	r = stack_above(b, x, rev);
	if (r >= 0) {
		stack_place(b, x); /* once on the stack, x belongs to it */
		r = stack_below(b, x, rev);
	} else {
		ml_probe_desc_free(x);
	}
	free(b->path.v[--b->path.n]);
	b->path.v[b->path.n] = NULL;
	return r;
}

void ml_probe_dump_stack(struct ml_modprobe *mp, const struct stack *s)
{
	static const char *const modes[] = { "NORMAL", "ABOVE", "BELOW" };

	for (size_t i = 0; i < s->n; i++) {
		const struct desc *x = s->v[i];
		struct ml_buf b = { 0 };

		ml_probe_say(mp, "=============================================");
		ml_probe_say(mp, "Module %s", x->names.v[0]);
		ml_probe_say(mp, "kname %s", x->kname);
		ml_probe_say(mp, "objkey %s", x->objkey ? x->objkey : "(null)");
		ml_buf_printf(&b, "names:");
		for (size_t j = 0; j < x->names.n; j++)
			ml_buf_printf(&b, " %s", x->names.v[j]);
		ml_probe_say(mp, "%s", b.p);
		b.len = 0;
		if (x->nopts) {
			ml_buf_printf(&b, "options:");
			for (size_t j = x->nopts; j-- > 0;)
				for (size_t k = 0; k < x->opts[j]->words.n; k++)
					ml_buf_printf(&b, " %s", x->opts[j]->words.v[k]);
			ml_buf_add(&b, "", 1);
			ml_probe_say(mp, "%s", b.p);
		}
		ml_probe_say(mp, "mode: %s", modes[x->mode]);
		ml_probe_say(mp, "Module matching %s: %s", x->objkey ? x->objkey : "(null)",
			     x->nod ? x->nod->path : "<none>");
		ml_probe_say(mp, "=============================================");
		ml_buf_free(&b);
	}
}
