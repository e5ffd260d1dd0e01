// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The meaning of one modules.conf line (modutils util/config.c, modules.conf(5)): the
 * first word is the keyword, optionally preceded by "add" (append to a list instead of
 * replacing it); "keyword=value" lines are assignments (path[tag]=, depfile= and the
 * other <name>file=, insmod_opt=, persistdir=).  Every argument is meta-expanded
 * (expand.c) as modutils did.  conffile.c hands each active logical line here; the file
 * structure (includes, conditionals) is its business, not this room's: an include line
 * is only recognised here and given back.
 */
#include "modconf/modconf-int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* A list directive: NAME WORDS..., "options -k NAME ..." marks NAME never-autoclean. */
static bool decode_list(struct ml_conf_reader *r, struct ml_conf_list *l, char *arg, bool adding,
			bool opts, size_t minwords)
{
	bool autoclean = true;
	char *rest = ml_next_word(arg);
	struct ml_words w = { 0 };
	struct ml_conf_entry *e;

	if (opts && !strcmp(arg, "-k")) {
		if (!*rest)
			return false;
		arg = rest;
		rest = ml_next_word(arg);
		autoclean = false;
	}
	if (!*arg)
		return false;
	if (*rest)
		ml_meta_expand(rest, NULL, r->c->release, ML_ME_ALL, &w);
	if (w.n < minwords) {
		ml_words_free(&w);
		return false;
	}
	e = ml_conf_set(l, arg, &w, adding);
	if (!autoclean)
		e->autoclean = false;
	ml_words_free(&w);
	return true;
}

static bool decode_hook(struct ml_conf_reader *r, enum ml_hook when, char *arg)
{
	char *cmd = ml_next_word(arg);
	struct ml_conf_hook *h;

	if (!*arg || !*cmd)
		return false;
	r->c->hooks = ml_xrealloc(r->c->hooks, (r->c->nhooks + 1) * sizeof(*r->c->hooks));
	h = &r->c->hooks[r->c->nhooks++];
	h->when = when;
	h->module = ml_xstrdup(arg);
	h->cmd = ml_xstrdup(cmd);
	return true;
}

/* path=DIR or path[TAG]=DIR. */
static bool decode_path(struct ml_conf_reader *r, const char *key, const char *arg)
{
	struct ml_words w = { 0 };
	char *tag = ml_xstrdup("misc");

	if (key[4] == '[') {
		size_t n = strlen(key);

		if (n < 7 || key[n - 1] != ']') {
			free(tag);
			return false;
		}
		free(tag);
		tag = ml_xstrndup(key + 5, n - 6);
	} else if (key[4]) {
		free(tag);
		return false;
	}
	if (!*arg) {
		free(tag);
		return false;
	}
	if (r->drop_default_paths) {
		/* The first path line replaces the builtin list, unless "keep" came first. */
		r->drop_default_paths = false;
		ml_conf_clear_paths(r->c);
	}
	ml_meta_expand(arg, r->c->base, r->c->release, ML_ME_ALL, &w);
	for (size_t i = 0; i < w.n; i++)
		ml_conf_add_path(r->c, tag, w.v[i]);
	ml_words_free(&w);
	free(tag);
	return true;
}

/* KEY=ARG lines. */
static bool assignment(struct ml_conf_reader *r, const char *key, const char *arg)
{
	struct ml_modconf *c = r->c;

	if (!strncmp(key, "path", 4))
		return decode_path(r, key, arg);
	if (!strcmp(key, "insmod_opt")) {
		free(c->insmod_opt);
		c->insmod_opt = ml_xstrdup(arg);
		return true;
	}
	if (!strcmp(key, "persistdir")) {
		char *p = ml_meta_expand1(arg, NULL, c->release);

		free(c->persistdir);
		c->persistdir = p ? p : ml_xstrdup(arg);
		return true;
	}
	for (int i = 0; i < ML_GEN_COUNT; i++) {
		size_t n = strlen(ml_genfile_names[i]);

		if (strncmp(key, ml_genfile_names[i], n) || strcmp(key + n, "file"))
			continue;
		/* the first definition wins (an environment one first) */
		if (!c->genfile[i])
			c->genfile[i] = ml_xstrdup(arg);
		return *arg != 0;
	}
	return !r->o->all;
}

/* define NAME [VALUE]: an environment variable, for the words and ifs after it. */
static bool define(struct ml_conf_reader *r, char *arg)
{
	char *rest = ml_next_word(arg), *v;

	if (!*arg)
		return false;
	v = *rest ? ml_meta_expand1(rest, NULL, r->c->release) : NULL;
	setenv(arg, v ? v : "", 1);
	free(v);
	return true;
}

/* What modprobe alone reads: aliases, options, probe lists, the order and the hooks. */
static bool modprobe_keyword(struct ml_conf_reader *r, const char *key, char *arg, bool adding)
{
	struct ml_modconf *c = r->c;

	if (!strcmp(key, "alias")) {
		/* an alias replaces earlier ones (the builtin ones too); one module */
		char *copy = ml_xstrdup(arg), *rest = ml_next_word(copy);
		bool ok = *copy && *rest && !*ml_next_word(rest) && !adding;

		free(copy);
		return ok && decode_list(r, &c->aliases, arg, false, false, 1);
	}
	if (!strcmp(key, "options"))
		return decode_list(r, &c->options, arg, adding, true, 0);
	if (!strcmp(key, "probe"))
		return decode_list(r, &c->probe, arg, adding, false, 1);
	if (!strcmp(key, "probeall"))
		return decode_list(r, &c->probeall, arg, adding, false, 1);
	if (!strcmp(key, "above"))
		return decode_list(r, &c->above, arg, adding, false, 1);
	if (!strcmp(key, "below"))
		return decode_list(r, &c->below, arg, adding, false, 1);
	for (int i = 0; i < ML_HOOK_COUNT; i++)
		if (!strcmp(key, ml_hook_names[i]))
			return !adding && decode_hook(r, (enum ml_hook)i, arg);
	return false;
}

bool ml_conf_directive(struct ml_conf_reader *r, char *line, char **include)
{
	bool assign, adding = false;
	char *key = line, *arg;

	*include = NULL;
	if (!strncmp(key, "add", 3) && isspace((unsigned char)key[3])) {
		adding = true;
		key += 3;
		while (isspace((unsigned char)*key))
			key++;
	}
	arg = key;
	while (*arg > ' ' && *arg != '=')
		arg++;
	assign = *arg == '=';
	if (*arg)
		*arg++ = 0;
	while (isspace((unsigned char)*arg))
		arg++;

	if (assign)
		return !adding && assignment(r, key, arg);
	if (!strcmp(key, "define"))
		return !adding && define(r, arg);
	if (!strcmp(key, "include")) {
		if (!*arg || adding)
			return false;
		*include = arg;
		return true;
	}
	if (!strcmp(key, "keep")) {
		r->drop_default_paths = false;
		return !*arg && !adding;
	}
	if (!strcmp(key, "prune"))
		return decode_list(r, &r->c->prune, arg, adding, false, 0);
	if (!r->o->all)
		return true; /* depmod reads paths and file names only */
	return modprobe_keyword(r, key, arg, adding);
}
