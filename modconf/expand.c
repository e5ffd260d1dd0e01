// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Every word of modules.conf goes through "meta expansion", as modutils did it:
 *
 *  - `uname -r` and `kernelversion` in backquotes are replaced without a shell, by the
 *    release the tools work for (which may be a forced one: depmod 2.4.37);
 *  - a word without shell metacharacters is split at white space;
 *  - anything else goes to wordexp(3): $VARIABLES (an undefined one makes the whole
 *    expansion fail, which "if" reads as false), globs, quotes, and, when allowed,
 *    `command` and $(command) through /bin/sh;
 *  - a word wordexp refuses for its characters (| & ; < > ( ) { }) is expanded the way
 *    modutils' last resort `/bin/echo "word"` did: variables and commands inside
 *    double quotes, then split at white space, one level of quotes removed.
 *
 * Where a single value is wanted, callers take the first word of the result
 * (ml_meta_expand1).  The words of a modules.conf line itself (ml_next_word, quotes
 * grouping) and of a list (ml_split_words) are cut here too: all of modconf's word
 * handling in one room.
 */
#include "modconf/modconf-int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <wordexp.h>

#define SHELL_META "&();|<>$`\"'\\!{}[]~=+:?*"

void ml_words_add(struct ml_words *w, const char *s)
{
	ml_words_addn(w, s, strlen(s));
}

void ml_words_addn(struct ml_words *w, const char *s, size_t n)
{
	w->v = ml_xrealloc(w->v, (w->n + 2) * sizeof(*w->v));
	w->v[w->n++] = ml_xstrndup(s, n);
	w->v[w->n] = NULL;
}

bool ml_words_has(const struct ml_words *w, const char *s)
{
	for (size_t i = 0; i < w->n; i++)
		if (!strcmp(w->v[i], s))
			return true;
	return false;
}

void ml_words_free(struct ml_words *w)
{
	for (size_t i = 0; i < w->n; i++)
		free(w->v[i]);
	free(w->v);
	w->v = NULL;
	w->n = 0;
}

char *ml_kernelversion(const char *release)
{
	const char *k = release;
	int dots = 0;

	for (; *k; k++)
		if (*k == '.' && ++dots == 2)
			break;
	return ml_xstrndup(release, (size_t)(k - release));
}

/* Split at white space; quotes group, and lose one level when strip is set. */
void ml_split_words(const char *s, bool strip, struct ml_words *out)
{
	struct ml_buf b = { 0 };

	while (*s) {
		while (isspace((unsigned char)*s))
			s++;
		if (!*s)
			break;
		b.len = 0;
		for (; *s && !isspace((unsigned char)*s); s++) {
			char q = *s;

			if (q == '\\' && s[1]) {
				if (!strip)
					ml_buf_add(&b, s, 1);
				ml_buf_add(&b, ++s, 1);
				continue;
			}
			if (q != '"' && q != '\'') {
				ml_buf_add(&b, s, 1);
				continue;
			}
			if (!strip)
				ml_buf_add(&b, s, 1);
			for (s++; *s && *s != q; s++) {
				if (*s == '\\' && s[1] == q)
					s++;
				ml_buf_add(&b, s, 1);
			}
			if (!strip && *s)
				ml_buf_add(&b, s, 1);
			if (!*s)
				break;
		}
		ml_words_addn(out, b.p ? b.p : "", b.len);
	}
	ml_buf_free(&b);
}

/* Replace `uname -r` and `kernelversion`; other backquotes are left for the shell. */
static char *builtin_commands(const char *word, const char *release)
{
	struct ml_buf b = { 0 };
	const char *p = word, *q;

	while ((q = strchr(p, '`'))) {
		const char *s = q + 1, *end;
		char *val = NULL;

		while (isspace((unsigned char)*s))
			s++;
		end = strchr(s, '`');
		if (end && !strncmp(s, "uname -r", 8) &&
		    strspn(s + 8, " \t") == (size_t)(end - s - 8))
			val = ml_xstrdup(release);
		else if (end && !strncmp(s, "kernelversion", 13) &&
			 strspn(s + 13, " \t") == (size_t)(end - s - 13))
			val = ml_kernelversion(release);
		if (!val) {
			ml_buf_add(&b, p, (size_t)(q - p + 1));
			p = q + 1;
			if (end) {
				ml_buf_add(&b, p, (size_t)(end - p + 1));
				p = end + 1;
			}
			continue;
		}
		ml_buf_add(&b, p, (size_t)(q - p));
		ml_buf_add(&b, val, strlen(val));
		free(val);
		p = end + 1;
	}
	ml_buf_add(&b, p, strlen(p) + 1);
	return b.p;
}

static int run_wordexp(const char *s, int flags, struct ml_words *out)
{
	wordexp_t w;
	int r;

	memset(&w, 0, sizeof(w));
	r = wordexp(s, &w, flags);
	if (r) {
		if (r == WRDE_NOSPACE)
			wordfree(&w);
		return r;
	}
	for (size_t i = 0; i < w.we_wordc; i++)
		ml_words_add(out, w.we_wordv[i]);
	wordfree(&w);
	return 0;
}

int ml_meta_expand(const char *word, const char *prefix, const char *release, int how,
		   struct ml_words *out)
{
	char *w = (how & ML_ME_BUILTIN) && strchr(word, '`') ? builtin_commands(word, release)
							     : ml_xstrdup(word);
	char *s = ml_xasprintf("%s%s", prefix ? prefix : "", w);
	int flags = WRDE_UNDEF | ((how & ML_ME_SHELL) ? 0 : WRDE_NOCMD), r = 0;

	free(w);
	if (!strpbrk(s, SHELL_META) || !(how & (ML_ME_GLOB | ML_ME_SHELL))) {
		ml_split_words(s, false, out);
	} else if (!strpbrk(s, "&();|<>$`!{}[]~=+:?*")) {
		/* only quotes and backslashes */
		ml_split_words(s, true, out);
	} else {
		r = run_wordexp(s, flags, out);
		if (r == WRDE_BADCHAR) {
			/* modutils' /bin/echo "word": quote, expand, split again */
			struct ml_buf q = { 0 };
			struct ml_words one = { 0 };

			ml_buf_add(&q, "\"", 1);
			for (const char *p = s; *p; p++) {
				if (*p == '"' || *p == '\\')
					ml_buf_add(&q, "\\", 1);
				ml_buf_add(&q, p, 1);
			}
			ml_buf_add(&q, "\"", 2);
			r = run_wordexp(q.p, flags, &one);
			if (!r && one.n)
				ml_split_words(one.v[0], true, out);
			ml_words_free(&one);
			ml_buf_free(&q);
		}
	}
	free(s);
	return r ? -1 : 0;
}

char *ml_meta_expand1(const char *word, const char *prefix, const char *release)
{
	struct ml_words w = { 0 };
	char *s = NULL;

	if (ml_meta_expand(word, prefix, release, ML_ME_ALL, &w) == 0 && w.n)
		s = ml_xstrdup(w.v[0]);
	ml_words_free(&w);
	return s;
}

char *ml_next_word(char *p)
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
