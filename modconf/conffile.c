// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The structure of a modules.conf file (modutils util/config.c, modules.conf(5)): its
 * logical lines, "include", and the conditionals if/elseif/else/endif with their
 * expressions.  What an active line means is directive.c's job.
 *
 * A logical line is a physical line with "#..." removed and trailing white space
 * stripped; a line whose last character is a single backslash continues on the next,
 * the leading white space of which shrinks to one space.
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
#include <unistd.h>

#define MAX_LEVEL 20
#define MAX_DEPTH 20

/* The if-state of one file: state[1..level], each 0 (not yet taken), 1 (this branch
 * is taken) or 2 (done: a branch was taken, or the block is inside a false one). */
struct cond {
	int state[MAX_LEVEL + 1];
	int level;
};

static void invalid(struct ml_conf_reader *r, const char *file, unsigned lineno, const char *line)
{
	ml_err(r->d, NULL, "Invalid line %u in %s\n\t%s", lineno, file, line);
	r->bad++;
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

/* ---- expressions ---- */

static bool compare(const char *op, const char *w1, const char *w2, bool numeric, bool *res)
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

/* -f FILE (rest): readable, after expansion. */
static bool eval_file(struct ml_conf_reader *r, char *rest, bool *res)
{
	char *f;

	if (!*rest || *ml_next_word(rest))
		return false;
	f = ml_meta_expand1(rest, NULL, r->c->release);
	*res = access(f ? f : rest, R_OK) == 0;
	free(f);
	return true;
}

/* A lone WORD: undefined, "", "0" or "false" is false. */
static bool eval_word(struct ml_conf_reader *r, const char *w1)
{
	struct ml_words w = { 0 };
	bool res = ml_meta_expand(w1, NULL, r->c->release, ML_ME_ALL, &w) == 0 && w.n && *w.v[0] &&
		   strcmp(w.v[0], "0") && strcmp(w.v[0], "false");

	ml_words_free(&w);
	return res;
}

/*
 * EXPR: [!] -k | [!] -f FILE | [!] [-n] WORD OP WORD | [!] WORD.  Returns false for a
 * malformed expression.
 */
static bool eval_expr(struct ml_conf_reader *r, char *arg, bool *res)
{
	bool not = false, numeric = false, ok;
	char *w1, *rest, *op, *w2, *e1, *e2;

	if (*arg == '!') {
		not = true;
		arg++;
		while (isspace((unsigned char)*arg))
			arg++;
	}
	if (!*arg)
		return false;
	rest = ml_next_word(arg);
	if (!strcmp(arg, "-k")) {
		if (*rest)
			return false;
		*res = r->o->autoclean != not ;
		return true;
	}
	if (!strcmp(arg, "-f")) {
		if (!eval_file(r, rest, res))
			return false;
		*res = *res != not ;
		return true;
	}
	if (!strcmp(arg, "-n")) {
		numeric = true;
		arg = rest;
		if (!*arg)
			return false;
		rest = ml_next_word(arg);
	}
	w1 = arg;
	if (!*rest) {
		if (numeric)
			return false;
		*res = eval_word(r, w1) != not ;
		return true;
	}
	op = rest;
	w2 = ml_next_word(op);
	if (!*w2 || *ml_next_word(w2))
		return false;
	e1 = ml_meta_expand1(w1, NULL, r->c->release);
	e2 = ml_meta_expand1(w2, NULL, r->c->release);
	ok = compare(op, e1 ? e1 : "", e2 ? e2 : "", numeric, res);
	free(e1);
	free(e2);
	if (!ok)
		return false;
	*res = *res != not ;
	return true;
}

/* ---- conditionals ---- */

/* Is every enclosing block, up to level upto, taken? */
static bool taken(const struct cond *c, int upto)
{
	bool active = true;

	for (int i = 1; i <= upto; i++)
		active = active && c->state[i] == 1;
	return active;
}

/* else and endif (kw), arg the rest of the line. */
static void else_endif(struct ml_conf_reader *r, struct cond *c, const char *kw, const char *arg,
		       const char *file, unsigned lineno, const char *line)
{
	if (c->level == 0) {
		if (!strcmp(kw, "endif"))
			ml_err(r->d, NULL, "unmatched endif in line %u", lineno);
		else
			ml_err(r->d, NULL, "else without if in line %u", lineno);
		r->fatal = true;
	} else if (*arg) {
		invalid(r, file, lineno, line);
	} else if (!strcmp(kw, "endif")) {
		c->level--;
	} else {
		c->state[c->level] = c->state[c->level] == 0 ? 1 : 2;
	}
}

/* if and elseif (kw), arg the expression. */
static void if_elseif(struct ml_conf_reader *r, struct cond *c, const char *kw, char *arg,
		      const char *file, unsigned lineno, const char *line)
{
	bool elseif = kw[0] == 'e', val;

	if (elseif && c->level == 0) {
		ml_err(r->d, NULL, "elseif without if in line %u", lineno);
		r->fatal = true;
		return;
	}
	if (!elseif && c->level >= MAX_LEVEL) {
		ml_err(r->d, NULL, "Too many nested if's in line %u", lineno);
		r->fatal = true;
		return;
	}
	if (!elseif)
		c->state[++c->level] = 0;
	if (elseif && c->state[c->level] != 0) {
		c->state[c->level] = 2; /* a branch was taken already */
	} else if (!taken(c, c->level - 1)) {
		c->state[c->level] = 2; /* inside a false block: never */
	} else if (!eval_expr(r, arg, &val)) {
		invalid(r, file, lineno, line);
		c->state[c->level] = 2;
	} else {
		c->state[c->level] = val ? 1 : 0;
	}
}

/* ---- lines and files ---- */

/* An active line: its directive; an include is read from here. */
static void active_line(struct ml_conf_reader *r, const char *p, const char *file, unsigned lineno,
			int depth)
{
	char *copy = ml_xstrdup(p), *include;

	if (!ml_conf_directive(r, copy, &include)) {
		invalid(r, file, lineno, p);
	} else if (include && depth >= MAX_DEPTH) {
		ml_err(r->d, NULL, "Too many include level in line %u", lineno);
		r->fatal = true;
	} else if (include) {
		char *f = ml_meta_expand1(include, NULL, r->c->release);

		if (ml_conf_read_file(r, f ? f : include, depth + 1, true))
			ml_err(r->d, NULL, "include %s failed", include);
		free(f);
	}
	free(copy);
}

/* One logical line (p: its first word), in its file's if-state. */
static void one_line(struct ml_conf_reader *r, struct cond *c, const char *p, const char *file,
		     unsigned lineno, int depth)
{
	char *kw = ml_xstrdup(p), *arg = ml_next_word(kw);

	if (!strcmp(kw, "endif") || !strcmp(kw, "else"))
		else_endif(r, c, kw, arg, file, lineno, p);
	else if (!strcmp(kw, "if") || !strcmp(kw, "elseif"))
		if_elseif(r, c, kw, arg, file, lineno, p);
	else if (taken(c, c->level))
		active_line(r, p, file, lineno, depth);
	free(kw);
}

/* The file's text, NUL-terminated; the top file is noted in the configuration. */
static int file_text(struct ml_conf_reader *r, const char *file, int depth, bool named, char **text)
{
	unsigned char *data;
	size_t len;
	struct ml_diags quiet = { 0 };
	struct stat st;
	int err = ml_read_file(file, &data, &len, &quiet);

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
	*text = ml_xstrndup((const char *)data, len);
	free(data);
	return 0;
}

int ml_conf_read_file(struct ml_conf_reader *r, const char *file, int depth, bool named)
{
	struct cond c = { .state = { 1 }, .level = 0 };
	unsigned lineno = 0;
	char *text, *pos, *line;
	int err = file_text(r, file, depth, named, &text);

	if (err)
		return err;
	pos = text;
	while (!r->fatal && (line = next_line(&pos, &lineno))) {
		char *p = line;

		while (isspace((unsigned char)*p))
			p++;
		if (*p)
			one_line(r, &c, p, file, lineno, depth);
		free(line);
	}
	if (!r->fatal && c.level) {
		ml_err(r->d, NULL, "missing endif at %s EOF", file);
		r->fatal = true;
	}
	free(text);
	return r->fatal ? -EINVAL : 0;
}
