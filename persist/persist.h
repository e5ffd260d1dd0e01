/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * persist: the format of modutils' persistent module data files, and nothing
 * else (no kernel, no insmod).  insmod -e reads one "name=value" per line into
 * a module's persistent parameters (MODULE_PARM types with the 'p' suffix);
 * rmmod reads the parameters back from the kernel (insmod/save.c) and
 * rewrites the file: "#%" header lines regenerated, comments and order kept,
 * unknown names kept behind a warning line, new names appended.  The file is
 * only ever replaced atomically, under an exclusive lock.
 */
#ifndef ML_PERSIST_H
#define ML_PERSIST_H

#include <time.h>

#include "common/common.h"
#include "loader/loader.h"

/* "name=value" lines of a persist file (comments and blank lines skipped). */
int ml_persist_load(const char *path, char ***args, size_t *n, struct ml_diags *d);
void ml_persist_free_args(char **args, size_t n);

/* A parameter's value as the file holds it, from its bytes (all elements). */
char *ml_persist_value(const struct ml_target *t, const struct ml_parm_type *pt,
		       const unsigned char *bytes);

struct ml_persist_entry {
	const char *name, *value;
};
/*
 * The new file from the old one (old may be NULL): the "#% Kernel" line
 * (kernel_line: "<sysname> <nodename> <release> <version> <machine>") and
 * "#% Data saved <date> GMT" first, then the old lines in order with values
 * replaced, then the parameters the file did not have.
 */
char *ml_persist_merge(const char *old, size_t oldlen, const struct ml_persist_entry *v, size_t n,
		       const char *kernel_line, time_t now);

/*
 * Replace path with text: a temporary file in the same directory (created
 * with its parents), fsync, rename, fsync of the directory, all under an
 * exclusive lock on "<dir>/.<name>.lock".  A crash at any point leaves the
 * old or the new file.  MODLINK_PERSIST_CRASH=STEP (open, write, fsync,
 * rename, dirsync) ends the process just before that step: for tests.
 */
int ml_persist_replace(const char *path, const char *text, size_t len, struct ml_diags *d);
/* Take the same lock shared/exclusive for reading; returns an fd (or -errno). */
int ml_persist_lock(const char *path, bool exclusive);

#endif
