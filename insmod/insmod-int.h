/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers shared inside insmod/ only. */
#ifndef ML_INSMOD_INT_H
#define ML_INSMOD_INT_H

#include "insmod/insmod.h"
#include "loader/loader-int.h" /* the image steps insmod drives (ml_create_this ...) */

/* checks.c */
/* The module's kernel_version: .modinfo first, then the old symbols; or NULL. */
const char *ml_insmod_module_version(const struct ml_obj *o);
/* modutils' version check (only when module and kernel do not both use CRCs). */
int ml_insmod_check_version(const struct ml_insmod_opts *opt, struct ml_obj *o, const char *krel,
			    bool crcs_differ_or_none, struct ml_insmod_result *r,
			    struct ml_diags *d);
/* Weak undefineds become 0; referenced undefineds are errors, all listed. */
int ml_insmod_check_unresolved(const struct ml_insmod_opts *opt, struct ml_obj *o, bool gpl,
			       const char *license, const struct ml_lookup *lk, struct ml_diags *d);
void ml_insmod_taint_warning(const struct ml_insmod_opts *opt, struct ml_obj *o,
			     const char *license, struct ml_insmod_result *r, struct ml_diags *d);

/* phases.c */
/* A .modinfo "parm_NAME=TYPE" tag of a persistent ('p') parameter: its type, and the '='. */
bool ml_insmod_persist_parm(const char *tag, struct ml_parm_type *pt, const char **eq);

/* modern.c: insmod -n/--base on a modern object (takes no ownership of o). */
int ml_modern_insmod(const struct ml_insmod_opts *opt, struct ml_obj *o, struct ml_insmod_result *r,
		     struct ml_diags *d);

#endif
