/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers shared inside modconf/ only. */
#ifndef ML_MODCONF_INT_H
#define ML_MODCONF_INT_H

#include "modconf/modconf.h"

/* Split at white space; quotes group words and lose one level when strip is set. */
void ml_split_words(const char *s, bool strip, struct ml_words *out);
/* Add (or, unless adding, replace) an entry of a list. */
struct ml_conf_entry *ml_conf_set(struct ml_conf_list *l, const char *name,
				  const struct ml_words *words, bool adding);
void ml_conf_list_free(struct ml_conf_list *l);

#endif
