// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * modules.conf, the 2.4 language (modutils util/config.c, modules.conf(5)).
 *
 * A logical line is a physical line with "#..." removed and trailing white space
 * stripped; a line whose last character is a single backslash continues on the next,
 * the leading white space of which shrinks to one space.  The first word is the
 * keyword, optionally preceded by "add" (append to a list instead of replacing it);
 * "keyword=value" lines are assignments (path[tag]=, depfile=, insmod_opt=, ...).
 *
 * Conditionals nest up to 20 levels; a block counts only if every enclosing block
 * does (modutils looked at the innermost level alone, so a true "if" inside a false
 * one took effect: we do not copy that).  Structural errors (an endif without if,
 * too deep a nesting, a missing endif) stop the file, as in modutils; every other bad
 * line is reported and reading goes on, so all of them are listed at once.
 */
#include "modconf/modconf-int.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#define MAX_LEVEL 20
#define MAX_DEPTH 20
#define ETC_MODULES_CONF "/etc/modules.conf"
#define ETC_CONF_MODULES "/etc/conf.modules"

const char *const ml_genfile_names[ML_GEN_COUNT] = {
	"generic_string", "pcimap",	 "isapnpmap",  "usbmap",
	"parportmap",	  "ieee1394map", "pnpbiosmap", "dep",
};

const char *const ml_hook_names[ML_HOOK_COUNT] = {
	"pre-install", "install", "post-install", "pre-remove", "remove", "post-remove",
};

struct reader {
	const struct ml_modconf_opts *o;
	struct ml_modconf *c;
	struct ml_diags *d;
	bool drop_default_paths;
	bool fatal;
	unsigned bad;
};

/* ---- lists ---- */

struct ml_conf_entry *ml_conf_set(struct ml_conf_list *l, const char *name,
				  const struct ml_words *words, bool adding)
{
	struct ml_conf_entry *e = NULL;

	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].name, name))
			e = &l->v[i];
	if (!e) {
		l->v = ml_xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
		e = &l->v[l->n++];
		memset(e, 0, sizeof(*e));
		e->name = ml_xstrdup(name);
		e->autoclean = true;
	} else if (!adding) {
		ml_words_free(&e->words);
	}
	for (size_t i = 0; i < words->n; i++)
		ml_words_add(&e->words, words->v[i]);
	return e;
}

void ml_conf_list_free(struct ml_conf_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].name);
		ml_words_free(&l->v[i].words);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

const struct ml_conf_entry *ml_conf_find(const struct ml_conf_list *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].name, name))
			return &l->v[i];
	return NULL;
}

const char *ml_modconf_alias(const struct ml_modconf *c, const char *name)
{
	const struct ml_conf_entry *e = ml_conf_find(&c->aliases, name);

	return e && e->words.n ? e->words.v[0] : NULL;
}

/* The first hook defined for a module wins, as in modutils. */
const char *ml_modconf_hook(const struct ml_modconf *c, enum ml_hook when,
			    const char *module)
{
	for (size_t i = 0; i < c->nhooks; i++)
		if (c->hooks[i].when == when && !strcmp(c->hooks[i].module, module))
			return c->hooks[i].cmd;
	return NULL;
}

/* ---- module names ---- */

static const char *const mod_suffixes[] = { ".o.gz", ".ko.gz", ".o", ".mod", ".ko" };

char *ml_modname(const char *path)
{
	const char *b = strrchr(path, '/');
	size_t n;

	b = b ? b + 1 : path;
	n = strlen(b);
	for (size_t i = 0; i < ML_ARRAY_SIZE(mod_suffixes); i++) {
		size_t sl = strlen(mod_suffixes[i]);

		if (n > sl && !strcmp(b + n - sl, mod_suffixes[i]))
			return ml_xstrndup(b, n - sl);
	}
	return ml_xstrdup(b);
}

bool ml_is_module_file(const char *path)
{
	size_t n = strlen(path);

	for (size_t i = 0; i < ML_ARRAY_SIZE(mod_suffixes); i++) {
		size_t sl = strlen(mod_suffixes[i]);

		if (n > sl && !strcmp(path + n - sl, mod_suffixes[i]))
			return true;
	}
	return false;
}

/* ---- reading ---- */

static void add_path(struct ml_modconf *c, const char *tag, const char *dir)
{
	c->paths = ml_xrealloc(c->paths, (c->npaths + 1) * sizeof(*c->paths));
	c->paths[c->npaths].tag = ml_xstrdup(tag);
	c->paths[c->npaths].dir = ml_xstrdup(dir);
	c->npaths++;
}

static void clear_paths(struct ml_modconf *c)
{
	for (size_t i = 0; i < c->npaths; i++) {
		free(c->paths[i].tag);
		free(c->paths[i].dir);
	}
	c->npaths = 0;
}

/* The first word of an expansion, or NULL. */
static char *expand1(struct reader *r, const char *word, const char *prefix)
{
	struct ml_words w = { 0 };
	char *s = NULL;

	if (ml_meta_expand(word, prefix, r->c->release, ML_ME_ALL, &w) == 0 && w.n)
		s = ml_xstrdup(w.v[0]);
	ml_words_free(&w);
	return s;
}

/* The next word of a line (quotes group, as modutils' next_word): NUL-terminated in
 * place; returns the start of the word after it. */
static char *next_word(char *p)
{
	char *e = p;

	for (; *e && !isspace((unsigned char)*e); e++) {
		char q = *e;

		if (q != '"' && q != '\'' && q != '`')
			continue;
		for (e++; *e && *e != q; e++)
			if (*e == '\\' && e[1] == q)
				e++;
		if (!*e)
			break;
	}
	if (*e) {
		*e++ = 0;
		while (isspace((unsigned char)*e))
			e++;
	}
	return e;
}

static void build_list(const char *const *lines, struct ml_conf_list *l)
{
	for (size_t i = 0; lines[i]; i++) {
		struct ml_words w = { 0 };

		ml_split_words(lines[i], false, &w);
		if (!w.n)
			continue;
		struct ml_words rest = { w.v + 1, w.n - 1 };
		ml_conf_set(l, w.v[0], &rest, false);
		ml_words_free(&w);
	}
}

static void defaults(struct reader *r)
{
	struct ml_modconf *c = r->c;
	const char *base = c->base, *env = r->o->safe ? NULL : getenv("MODPATH");

	if (r->o->all) {
		build_list(ml_builtin_options, &c->options);
		build_list(ml_builtin_aliases, &c->aliases);
	}
	for (size_t i = 0; ml_builtin_prune[i]; i++) {
		struct ml_words none = { 0 };

		ml_conf_set(&c->prune, ml_builtin_prune[i], &none, false);
	}
	if (env) {
		/* MODPATH replaces the builtin list; %s stands for the release. */
		char *copy = ml_xstrdup(env), *save = NULL;

		for (char *p = strtok_r(copy, ":", &save); p;
		     p = strtok_r(NULL, ":", &save)) {
			struct ml_buf b = { 0 };
			const char *tag;

			ml_buf_printf(&b, "%s", base);
			for (const char *s = p; *s; s++) {
				if (s[0] == '%' && s[1] == 's') {
					ml_buf_printf(&b, "%s", c->release);
					s++;
				} else {
					ml_buf_add(&b, s, 1);
				}
			}
			ml_buf_add(&b, "", 1);
			tag = strrchr(b.p, '/');
			add_path(c, tag && tag[1] ? tag + 1 : "misc", b.p);
			ml_buf_free(&b);
		}
		free(copy);
	} else {
		char *kv = ml_kernelversion(c->release), *p;

		p = ml_xasprintf("%s/lib/modules/boot", base);
		add_path(c, "boot", p);
		free(p);
		p = ml_xasprintf("%s/lib/modules/%s", base, c->release);
		add_path(c, "toplevel", p);
		free(p);
		p = ml_xasprintf("%s/lib/modules/%s", base, kv);
		add_path(c, "toplevel", p);
		free(p);
		free(kv);
		for (size_t i = 0; ml_builtin_pathtags[i]; i++) {
			p = ml_xasprintf("%s/lib/modules/%s", base,
					 ml_builtin_pathtags[i]);
			add_path(c, ml_builtin_pathtags[i], p);
			free(p);
		}
	}
	/* Undocumented in modutils, for testing: DEPPATH, PCIMAPPATH, ... */
	for (int i = 0; i < ML_GEN_COUNT && !r->o->safe; i++) {
		char var[64];
		size_t j = 0;

		for (const char *s = ml_genfile_names[i]; *s && j < 50; s++)
			var[j++] = (char)toupper((unsigned char)*s);
		strcpy(var + j, "PATH");
		if (getenv(var))
			c->genfile[i] = ml_xstrdup(getenv(var));
	}
}

static void invalid(struct reader *r, const char *file, unsigned lineno, const char *line)
{
	ml_err(r->d, NULL, "Invalid line %u in %s\n\t%s", lineno, file, line);
	r->bad++;
}

static bool compare(const char *op, const char *w1, const char *w2, bool numeric,
		    bool *res)
{
	long n1 = strtol(w1, NULL, 0), n2 = strtol(w2, NULL, 0);
	int c = numeric ? (n1 > n2) - (n1 < n2) : strcmp(w1, w2);

	if (!strcmp(op, "==") || !strcmp(op, "="))
		*res = c == 0;
	else if (!strcmp(op, "!="))
		*res = c != 0;
	else if (!strcmp(op, "<"))
		*res = c < 0;
	else if (!strcmp(op, "<="))
		*res = c <= 0;
	else if (!strcmp(op, ">"))
		*res = c > 0;
	else if (!strcmp(op, ">="))
		*res = c >= 0;
	else
		return false;
	return true;
}

/*
 * EXPR: [!] -k | [!] -f FILE | [!] [-n] WORD OP WORD | [!] WORD.  Returns false for a
 * malformed expression.
 */
static bool eval_expr(struct reader *r, char *arg, bool *res)
{
	bool not = false, numeric = false;
	char *w1, *rest, *op, *w2;

	if (*arg == '!') {
		not = true;
		arg++;
		while (isspace((unsigned char)*arg))
			arg++;
	}
	if (!*arg)
		return false;
	rest = next_word(arg);
	if (!strcmp(arg, "-k")) {
		if (*rest)
			return false;
		*res = r->o->autoclean != not ;
		return true;
	}
	if (!strcmp(arg, "-f")) {
		char *f, *after;

		if (!*rest)
			return false;
		after = next_word(rest);
		if (*after)
			return false;
		f = expand1(r, rest, NULL);
		*res = (access(f ? f : rest, R_OK) == 0) != not ;
		free(f);
		return true;
	}
	if (!strcmp(arg, "-n")) {
		numeric = true;
		arg = rest;
		if (!*arg)
			return false;
		rest = next_word(arg);
	}
	w1 = arg;
	if (!*rest) {
		struct ml_words w = { 0 };

		if (numeric)
			return false;
		/* undefined, "", "0" or "false": false */
		*res = ml_meta_expand(w1, NULL, r->c->release, ML_ME_ALL, &w) == 0 &&
		       w.n && *w.v[0] && strcmp(w.v[0], "0") && strcmp(w.v[0], "false");
		ml_words_free(&w);
		*res = *res != not ;
		return true;
	}
	op = rest;
	w2 = next_word(op);
	if (!*w2 || *next_word(w2))
		return false;
	{
		char *e1 = expand1(r, w1, NULL), *e2 = expand1(r, w2, NULL);
		bool ok = compare(op, e1 ? e1 : "", e2 ? e2 : "", numeric, res);

		free(e1);
		free(e2);
		if (!ok)
			return false;
	}
	*res = *res != not ;
	return true;
}

static int read_file(struct reader *r, const char *file, int depth, bool named);

/* A list directive: NAME WORDS..., "options -k NAME ..." marks NAME never-autoclean. */
static bool decode_list(struct reader *r, struct ml_conf_list *l, char *arg, bool adding,
			bool opts, size_t minwords)
{
	bool autoclean = true;
	char *rest = next_word(arg);
	struct ml_words w = { 0 };
	struct ml_conf_entry *e;

	if (opts && !strcmp(arg, "-k")) {
		if (!*rest)
			return false;
		arg = rest;
		rest = next_word(arg);
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

static bool decode_hook(struct reader *r, enum ml_hook when, char *arg)
{
	char *cmd = next_word(arg);
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
static bool decode_path(struct reader *r, const char *key, const char *arg)
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
		clear_paths(r->c);
	}
	ml_meta_expand(arg, r->c->base, r->c->release, ML_ME_ALL, &w);
	for (size_t i = 0; i < w.n; i++)
		add_path(r->c, tag, w.v[i]);
	ml_words_free(&w);
	free(tag);
	return true;
}

/* One logical line, with the if-state known active. */
static bool directive(struct reader *r, char *line, const char *file, unsigned lineno,
		      int depth)
{
	struct ml_modconf *c = r->c;
	bool all = r->o->all, assign, adding = false;
	char *key = line, *arg;

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

	if (assign) {
		if (adding)
			return false;
		if (!strncmp(key, "path", 4))
			return decode_path(r, key, arg);
		if (!strcmp(key, "insmod_opt")) {
			free(c->insmod_opt);
			c->insmod_opt = ml_xstrdup(arg);
			return true;
		}
		if (!strcmp(key, "persistdir")) {
			char *p = expand1(r, arg, NULL);

			free(c->persistdir);
			c->persistdir = p ? p : ml_xstrdup(arg);
			return true;
		}
		for (int i = 0; i < ML_GEN_COUNT; i++) {
			size_t n = strlen(ml_genfile_names[i]);

			if (strncmp(key, ml_genfile_names[i], n) ||
			    strcmp(key + n, "file"))
				continue;
			/* the first definition wins (an environment one first) */
			if (!c->genfile[i])
				c->genfile[i] = ml_xstrdup(arg);
			return *arg != 0;
		}
		return !all;
	}
	if (!strcmp(key, "define")) {
		char *rest = next_word(arg), *v;

		if (!*arg || adding)
			return false;
		v = *rest ? expand1(r, rest, NULL) : NULL;
		setenv(arg, v ? v : "", 1);
		free(v);
		return true;
	}
	if (!strcmp(key, "include")) {
		char *f;
		int err;

		if (!*arg || adding)
			return false;
		if (depth >= MAX_DEPTH) {
			ml_err(r->d, NULL, "Too many include level in line %u", lineno);
			r->fatal = true;
			return true;
		}
		f = expand1(r, arg, NULL);
		err = read_file(r, f ? f : arg, depth + 1, true);
		if (err)
			ml_err(r->d, NULL, "include %s failed", arg);
		free(f);
		return true;
	}
	if (!strcmp(key, "keep")) {
		r->drop_default_paths = false;
		return !*arg && !adding;
	}
	if (!strcmp(key, "prune"))
		return decode_list(r, &c->prune, arg, adding, false, 0);
	if (!all)
		return true; /* depmod reads paths and file names only */
	if (!strcmp(key, "alias")) {
		/* an alias replaces earlier ones (the builtin ones too); one module */
		char *copy = ml_xstrdup(arg), *rest = next_word(copy);
		bool ok = *copy && *rest && !*next_word(rest) && !adding;

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
	(void)file;
	return false;
}

/* Logical lines: comments cut, continuation lines joined. */
static char *next_line(char **pos, unsigned *lineno)
{
	struct ml_buf b = { 0 };
	char *p = *pos;

	if (!*p)
		return NULL;
	for (;;) {
		char *nl = strchr(p, '\n'), *hash;
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		char *seg = ml_xstrndup(p, n);
		bool cont = false;

		(*lineno)++;
		p = nl ? nl + 1 : p + n;
		hash = strchr(seg, '#');
		if (hash)
			*hash = 0;
		n = strlen(seg);
		while (n && isspace((unsigned char)seg[n - 1]))
			seg[--n] = 0;
		if (n && seg[n - 1] == '\\' && (n == 1 || seg[n - 2] != '\\')) {
			seg[--n] = 0;
			cont = true;
		} else if (n >= 2 && seg[n - 1] == '\\') {
			seg[--n] = 0; /* "\\" at the end: a literal backslash */
		}
		if (b.len) {
			/* a continuation's leading white space shrinks to one space */
			char *s = seg;

			while (isspace((unsigned char)*s))
				s++;
			if (s != seg)
				ml_buf_add(&b, " ", 1);
			ml_buf_add(&b, s, strlen(s));
		} else {
			ml_buf_add(&b, seg, n);
		}
		free(seg);
		if (!cont || !*p)
			break;
	}
	*pos = p;
	ml_buf_add(&b, "", 1);
	return b.p;
}

static int read_file(struct reader *r, const char *file, int depth, bool named)
{
	unsigned char *data;
	size_t len;
	struct ml_diags quiet = { 0 };
	int state[MAX_LEVEL + 1], level = 0, err;
	unsigned lineno = 0;
	char *text, *pos, *line;
	struct stat st;

	err = ml_read_file(file, &data, &len, &quiet);
	ml_diags_free(&quiet);
	if (err) {
		if (named)
			ml_err(r->d, NULL, "Can't open %s (%s)", file, strerror(-err));
		return err;
	}
	if (depth == 0) {
		free(r->c->file);
		r->c->file = ml_xstrdup(file);
		if (stat(file, &st) == 0)
			r->c->mtime = st.st_mtime;
	}
	text = ml_xstrndup((const char *)data, len);
	free(data);
	state[0] = 1;
	pos = text;
	while (!r->fatal && (line = next_line(&pos, &lineno))) {
		char *p = line, *kw, *arg;
		bool active = true, val;

		while (isspace((unsigned char)*p))
			p++;
		if (!*p) {
			free(line);
			continue;
		}
		for (int i = 1; i <= level; i++)
			active = active && state[i] == 1;
		kw = ml_xstrdup(p);
		arg = next_word(kw);
		if (!strcmp(kw, "endif") || !strcmp(kw, "else")) {
			if (level == 0) {
				if (!strcmp(kw, "endif"))
					ml_err(r->d, NULL, "unmatched endif in line %u",
					       lineno);
				else
					ml_err(r->d, NULL, "else without if in line %u",
					       lineno);
				r->fatal = true;
			} else if (*arg) {
				invalid(r, file, lineno, p);
			} else if (!strcmp(kw, "endif")) {
				level--;
			} else {
				state[level] = state[level] == 0 ? 1 : 2;
			}
		} else if (!strcmp(kw, "if") || !strcmp(kw, "elseif")) {
			bool elseif = kw[0] == 'e', outer = true;

			if (elseif && level == 0) {
				ml_err(r->d, NULL, "elseif without if in line %u",
				       lineno);
				r->fatal = true;
			} else if (!elseif && level >= MAX_LEVEL) {
				ml_err(r->d, NULL, "Too many nested if's in line %u",
				       lineno);
				r->fatal = true;
			} else {
				if (!elseif)
					state[++level] = 0;
				for (int i = 1; i < level; i++)
					outer = outer && state[i] == 1;
				if (elseif && state[level] != 0) {
					state[level] = 2; /* a branch was taken already */
				} else if (!outer) {
					state[level] =
						2; /* inside a false block: never */
				} else if (!eval_expr(r, arg, &val)) {
					invalid(r, file, lineno, p);
					state[level] = 2;
				} else {
					state[level] = val ? 1 : 0;
				}
			}
		} else if (active) {
			char *copy = ml_xstrdup(p);

			if (!directive(r, copy, file, lineno, depth))
				invalid(r, file, lineno, p);
			free(copy);
		}
		free(kw);
		free(line);
	}
	if (!r->fatal && level) {
		ml_err(r->d, NULL, "missing endif at %s EOF", file);
		r->fatal = true;
	}
	free(text);
	return r->fatal ? -EINVAL : 0;
}

int ml_modconf_read(const struct ml_modconf_opts *o, struct ml_modconf **out,
		    struct ml_diags *d)
{
	struct ml_modconf *c = ml_xcalloc(1, sizeof(*c));
	struct reader r = { .o = o, .c = c, .d = d, .drop_default_paths = true };
	const char *file = o->file;
	struct utsname u;
	int err = 0;

	*out = NULL;
	if (o->base && *o->base) {
		/* every path would lead nowhere: say so once, instead of "not found"s */
		struct stat st;
		int e = stat(o->base, &st) ? errno : S_ISDIR(st.st_mode) ? 0 : ENOTDIR;

		if (e) {
			ml_err(d, NULL, "Can't open base directory %s (%s)", o->base,
			       strerror(e));
			free(c);
			return -e;
		}
	}
	c->base = ml_xstrdup(o->base ? o->base : "");
	if (o->release)
		c->release = ml_xstrdup(o->release);
	else
		c->release = ml_xstrdup(uname(&u) == 0 ? u.release : "unknown");
	c->persistdir = ml_xstrdup("/var/lib/modules/persist");
	defaults(&r);
	if (!file && !o->safe) {
		const char *e = getenv("MODULECONFIG");

		if (!e || !*e)
			e = getenv("MODULECONF");
		if (e && *e)
			file = e;
	}
	if (file) {
		err = read_file(&r, file, 0, true);
	} else if (access(ETC_MODULES_CONF, F_OK) == 0) {
		err = read_file(&r, ETC_MODULES_CONF, 0, true);
	} else if (access(ETC_CONF_MODULES, F_OK) == 0) {
		ml_warn(d, NULL,
			"Warning: modutils is reading from %s because\n         %s does not exist.  The use of %s is\n         deprecated, please rename %s to %s\n         as soon as possible.  Command\n         mv %s %s",
			ETC_CONF_MODULES, ETC_MODULES_CONF, ETC_CONF_MODULES,
			ETC_CONF_MODULES, ETC_MODULES_CONF, ETC_CONF_MODULES,
			ETC_MODULES_CONF);
		err = read_file(&r, ETC_CONF_MODULES, 0, true);
	}
	if (!err && r.bad)
		err = -EINVAL;
	for (int i = 0; !err && i < ML_GEN_COUNT; i++) {
		if (!c->genfile[i]) {
			c->genfile[i] =
				ml_xasprintf("%s/lib/modules/%s/modules.%s", c->base,
					     c->release, ml_genfile_names[i]);
		} else {
			char *x = expand1(&r, c->genfile[i], c->base);

			if (!x) {
				ml_err(d, NULL, "%sfile=%s: the expansion failed",
				       ml_genfile_names[i], c->genfile[i]);
				err = -EINVAL;
				break;
			}
			free(c->genfile[i]);
			c->genfile[i] = x;
		}
	}
	if (err) {
		ml_modconf_free(c);
		return err;
	}
	*out = c;
	return 0;
}

void ml_modconf_free(struct ml_modconf *c)
{
	if (!c)
		return;
	free(c->file);
	free(c->release);
	free(c->base);
	clear_paths(c);
	free(c->paths);
	ml_conf_list_free(&c->aliases);
	ml_conf_list_free(&c->options);
	ml_conf_list_free(&c->probe);
	ml_conf_list_free(&c->probeall);
	ml_conf_list_free(&c->above);
	ml_conf_list_free(&c->below);
	ml_conf_list_free(&c->prune);
	for (size_t i = 0; i < c->nhooks; i++) {
		free(c->hooks[i].module);
		free(c->hooks[i].cmd);
	}
	free(c->hooks);
	free(c->insmod_opt);
	free(c->persistdir);
	for (int i = 0; i < ML_GEN_COUNT; i++)
		free(c->genfile[i]);
	free(c);
}

static void dump_list(struct ml_buf *b, const struct ml_conf_list *l, const char *title,
		      const char *kw)
{
	if (!l->n)
		return;
	ml_buf_printf(b, "%s\n", title);
	for (size_t i = 0; i < l->n; i++) {
		ml_buf_printf(b, "%s %s", kw, l->v[i].name);
		for (size_t j = 0; j < l->v[i].words.n; j++)
			ml_buf_printf(b, " %s", l->v[i].words.v[j]);
		ml_buf_printf(b, "\n");
	}
}

void ml_modconf_dump(const struct ml_modconf *c, struct ml_buf *b)
{
	ml_buf_printf(b, "# Generated by modprobe -c (modlink %s)\n", PACKAGE_VERSION);
	for (size_t i = 0; i < c->npaths; i++)
		ml_buf_printf(b, "path[%s]=%s\n", c->paths[i].tag, c->paths[i].dir);
	dump_list(b, &c->prune, "# Prune", "prune");
	dump_list(b, &c->above, "# Above", "above");
	dump_list(b, &c->below, "# Below", "below");
	dump_list(b, &c->aliases, "# Aliases", "alias");
	dump_list(b, &c->options, "# Options", "options");
	dump_list(b, &c->probe, "# Probes", "probe");
	dump_list(b, &c->probeall, "# Probeall", "probeall");
	if (c->nhooks) {
		ml_buf_printf(b, "# Commands\n");
		for (size_t i = 0; i < c->nhooks; i++)
			ml_buf_printf(b, "%s %s %s\n", ml_hook_names[c->hooks[i].when],
				      c->hooks[i].module, c->hooks[i].cmd);
	}
	if (c->insmod_opt)
		ml_buf_printf(b, "insmod_opt=%s\n", c->insmod_opt);
	ml_buf_printf(b, "# Miscellaneous file and directory names\n");
	for (int i = 0; i < ML_GEN_COUNT; i++)
		ml_buf_printf(b, "%sfile=%s\n", ml_genfile_names[i], c->genfile[i]);
	ml_buf_printf(b, "persistdir=%s\n", c->persistdir);
}
