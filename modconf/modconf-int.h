/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers shared inside modconf/ only. */
#ifndef ML_MODCONF_INT_H
#define ML_MODCONF_INT_H

#include "modconf/modconf.h"

/* ---- expand.c: words ---- */
/* Split at white space; quotes group words and lose one level when strip is set. */
void ml_split_words(const char *s, bool strip, struct ml_words *out);
/* The next word of a line (quotes group, as modutils' next_word): NUL-terminated in
 * place; returns the start of the word after it. */
char *ml_next_word(char *p);
/* The first word of WORD's meta expansion (PREFIX in front), or NULL. */
char *ml_meta_expand1(const char *word, const char *prefix, const char *release);

/* ---- confdata.c: the configuration's lists and paths ---- */
/* Add (or, unless adding, replace) an entry of a list. */
struct ml_conf_entry *ml_conf_set(struct ml_conf_list *l, const char *name,
				  const struct ml_words *words, bool adding);
void ml_conf_list_free(struct ml_conf_list *l);
void ml_conf_add_path(struct ml_modconf *c, const char *tag, const char *dir);
void ml_conf_clear_paths(struct ml_modconf *c);

/* ---- reading modules.conf: conf.c starts it, conffile.c reads the files, directive.c
 * gives each line its meaning ---- */
struct ml_conf_reader {
	const struct ml_modconf_opts *o;
	struct ml_modconf *c;
	struct ml_diags *d;
	bool drop_default_paths; /* the first path= line replaces the builtin list */
	bool fatal;              /* a structural error: stop reading */
	unsigned bad;            /* lines reported invalid */
};
/* Read one file (and what it includes): 0, or -errno / -EINVAL (fatal). */
int ml_conf_read_file(struct ml_conf_reader *r, const char *file, int depth, bool named);
/*
 * One logical line whose if-state is active: its meaning taken into r->c.  false: an
 * invalid line.  An "include FILE" line is not followed here: *include is set to FILE
 * (in line) for the caller, which reads files.
 */
bool ml_conf_directive(struct ml_conf_reader *r, char *line, char **include);

/* ---- devtables.c: the device tables of one object (depmod's map files) ---- */
/* .modstring's generic strings and the MODULE_DEVICE_TABLE arrays of o, as map lines
 * into m->maps; o is pseudo-relocated for it. */
void ml_depmod_device_tables(struct ml_depmod_mod *m, struct ml_obj *o, struct ml_diags *d);
/* The first line of a map file (not ML_GEN_DEP). */
const char *ml_depmod_map_header(enum ml_genfile which);

#endif
