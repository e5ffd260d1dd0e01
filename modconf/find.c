// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Module files along the search path.  Each path[tag] directory is walked
 * recursively, entries in a directory in name order (modutils' order was whatever its
 * tree walk met; sorted output is reproducible), names on the prune list skipped,
 * symbolic links to directories not followed (a "build" link into the source tree, a
 * loop), links to files followed.  Only files whose names end like a module's (.o,
 * .o.gz, .mod, .ko, .ko.gz) are ever matched: modutils listed every regular file and
 * then choked on System.map and friends, which is what its prune list was for.  A file
 * found twice (through two path lines) is listed once.
 */
#include "modconf/modconf-int.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct walk {
	const struct ml_modconf *c;
	const struct ml_find *f;
	struct ml_words *out;
	struct ml_diags *d;
	bool done;
};

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool pruned(const struct ml_modconf *c, const char *name)
{
	return ml_conf_find(&c->prune, name) != NULL;
}

static bool matches(const struct walk *w, const char *path, const char *name)
{
	const struct ml_find *f = w->f;

	if (!ml_is_module_file(name))
		return false;
	if (f->tag) {
		char *t = ml_xasprintf("/%s/", f->tag);
		bool in = strstr(path, t) != NULL;

		free(t);
		if (!in)
			return false;
	}
	if (!f->match || !strcmp(f->match, "*"))
		return true;
	if (f->glob)
		return fnmatch(f->match, name, 0) == 0;
	return !strcmp(f->match, name);
}

static void add_file(struct walk *w, const char *path, const struct stat *st)
{
	if (w->f->rootcheck && st->st_uid != 0) {
		ml_err(w->d, NULL, "%s is not owned by root", path);
		return;
	}
	if (ml_words_has(w->out, path))
		return;
	ml_words_add(w->out, path);
	if (w->f->first_only)
		w->done = true;
}

static void walk_dir(struct walk *w, const char *dir, int depth)
{
	DIR *dp = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0;

	if (!dp)
		return;
	while ((de = readdir(dp))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		names = ml_xrealloc(names, (n + 1) * sizeof(*names));
		names[n++] = ml_xstrdup(de->d_name);
	}
	closedir(dp);
	if (n)
		qsort(names, n, sizeof(*names), cmp_names);
	for (size_t i = 0; i < n; i++) {
		char *path = ml_xasprintf("%s/%s", dir, names[i]);
		struct stat st, lst;

		if (!w->done && !pruned(w->c, names[i]) && lstat(path, &lst) == 0) {
			if (S_ISDIR(lst.st_mode)) {
				if (depth < 32)
					walk_dir(w, path, depth + 1);
			} else if (stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
				   matches(w, path, names[i])) {
				add_file(w, path, &st);
			}
		}
		free(path);
		free(names[i]);
	}
	free(names);
}

int ml_modconf_find(const struct ml_modconf *c, const struct ml_find *f, struct ml_words *out,
		    struct ml_diags *d)
{
	struct walk w = { .c = c, .f = f, .out = out, .d = d };

	for (size_t i = 0; i < c->npaths && !w.done; i++) {
		const char *dir = c->paths[i].dir;
		struct stat st;

		/* insmod's shortcut for a plain name: DIR/tag/NAME, then DIR/NAME */
		if (f->first_only && f->match && !f->glob) {
			char *p1 = ml_xasprintf("%s/%s/%s", dir, c->paths[i].tag, f->match);
			char *p2 = ml_xasprintf("%s/%s", dir, f->match);

			if (stat(p1, &st) == 0 && S_ISREG(st.st_mode))
				add_file(&w, p1, &st);
			else if (stat(p2, &st) == 0 && S_ISREG(st.st_mode))
				add_file(&w, p2, &st);
			free(p1);
			free(p2);
			if (w.done)
				break;
		}
		walk_dir(&w, dir, 0);
	}
	return 0;
}
