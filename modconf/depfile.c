// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * modules.dep, as modutils 2.4's depmod wrote it and its modprobe read it: one
 * make-like rule per module, its absolute path (without depmod's -b base directory),
 * a colon, and the absolute paths of the modules it needs directly; the first
 * dependency follows a tab, every further one goes on a continuation line (" \",
 * newline, tab); a blank line ends the rule:
 *
 *	/lib/modules/2.4.37/kernel/fs/vfat.o:	/lib/modules/2.4.37/kernel/fs/fat.o \
 *		/lib/modules/2.4.37/kernel/fs/other.o
 *
 * Reading accepts any white space, comments and continuation lines.
 */
#include "modconf/modconf-int.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

void ml_depfile_format(struct ml_buf *out, const char *path, const char *const *deps, size_t ndeps)
{
	ml_buf_printf(out, "%s:", path);
	for (size_t i = 0; i < ndeps; i++)
		ml_buf_printf(out, "%s\t%s", i ? " \\\n" : "", deps[i]);
	ml_buf_printf(out, "\n\n");
}

int ml_depfile_parse(struct ml_depfile *df, const char *file, const char *text, size_t len,
		     struct ml_diags *d)
{
	const char *p = text, *end = text + len;
	unsigned lineno = 0;
	int err = 0;

	while (p < end) {
		struct ml_buf line = { 0 };
		unsigned first = lineno + 1;

		/* one logical line */
		for (;;) {
			const char *ls = p, *nl = memchr(p, '\n', (size_t)(end - p));
			size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
			const char *hash = memchr(ls, '#', n);
			size_t keep = hash ? (size_t)(hash - ls) : n;

			lineno++;
			p = nl ? nl + 1 : end;
			while (keep && isspace((unsigned char)ls[keep - 1]))
				keep--;
			if (!hash && keep && ls[keep - 1] == '\\') {
				ml_buf_add(&line, ls, keep - 1);
				ml_buf_add(&line, " ", 1);
				if (p < end)
					continue;
			} else {
				ml_buf_add(&line, ls, keep);
			}
			break;
		}
		ml_buf_add(&line, "", 1);
		{
			char *s = line.p, *colon;

			while (isspace((unsigned char)*s))
				s++;
			if (!*s) {
				ml_buf_free(&line);
				continue;
			}
			colon = s;
			while (*colon && *colon != ':' && !isspace((unsigned char)*colon))
				colon++;
			if (*colon != ':' && df->lenient) {
				ml_warn(d, NULL, "%s:%u: not a dependency rule (no colon), skipped",
					file, first);
				ml_buf_free(&line);
				continue;
			}
			if (*colon != ':') {
				ml_err(d, NULL, "%s: line %u: Invalid dependency\n\t%s", file,
				       first, s);
				err = -EINVAL;
				ml_buf_free(&line);
				break;
			}
			*colon = 0;
			df->v = ml_xrealloc(df->v, (df->n + 1) * sizeof(*df->v));
			struct ml_dep_entry *e = &df->v[df->n++];

			memset(e, 0, sizeof(*e));
			e->path = ml_xstrdup(s);
			e->name = ml_modname(s);
			ml_split_words(colon + 1, false, &e->deps);
		}
		ml_buf_free(&line);
	}
	return err;
}

int ml_depfile_read(struct ml_depfile *df, const char *file, struct ml_diags *d)
{
	unsigned char *data;
	size_t len;
	struct ml_diags quiet = { 0 };
	int err = ml_read_file(file, &data, &len, &quiet);

	ml_diags_free(&quiet);
	if (err) {
		ml_err(d, NULL, "Can't open dependencies file %s (%s)", file, strerror(-err));
		return err;
	}
	err = ml_depfile_parse(df, file, (const char *)data, len, d);
	free(data);
	return err;
}

void ml_depfile_free(struct ml_depfile *df)
{
	for (size_t i = 0; i < df->n; i++) {
		free(df->v[i].path);
		free(df->v[i].name);
		ml_words_free(&df->v[i].deps);
	}
	free(df->v);
	memset(df, 0, sizeof(*df));
}

const struct ml_dep_entry *ml_depfile_path(const struct ml_depfile *df, const char *path)
{
	for (size_t i = 0; i < df->n; i++)
		if (!strcmp(df->v[i].path, path))
			return &df->v[i];
	return NULL;
}

const struct ml_dep_entry *ml_depfile_name(const struct ml_depfile *df, const char *name,
					   size_t *from)
{
	for (size_t i = *from; i < df->n; i++)
		if (!strcmp(df->v[i].name, name)) {
			*from = i + 1;
			return &df->v[i];
		}
	*from = df->n;
	return NULL;
}
