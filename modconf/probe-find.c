// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Module files for a name when modprobe is given a type (-t) or a pattern:
 * NAME.o, NAME.o.gz, NAME.ko ... along the search path, each module once
 * (the first directory wins).
 */
#include "modconf/probe-int.h"

#include <stdlib.h>
#include <string.h>

char *ml_probe_strip_base(struct ml_modprobe *mp, const char *path)
{
	size_t bl = mp->base ? strlen(mp->base) : 0;

	if (bl && !strncmp(path, mp->base, bl) && path[bl] == '/')
		return ml_xstrdup(path + bl);
	return ml_xstrdup(path);
}

void ml_probe_locate(struct ml_modprobe *mp, const char *match, const char *type,
		     struct ml_words *out, struct ml_diags *d)
{
	static const char *const sfx[] = { ".o", ".o.gz", ".ko", ".ko.gz", "" };

	if (strchr(match, '/')) {
		ml_words_add(out, match);
		return;
	}
	for (size_t i = 0; i < ML_ARRAY_SIZE(sfx) && !out->n; i++) {
		char *m = ml_xasprintf("%s%s", match, sfx[i]);
		struct ml_find f = { .match = m, .tag = type, .glob = !mp->safe };

		ml_modconf_find(mp->conf, &f, out, d);
		free(m);
	}
	/* the same module in two directories: keep the first */
	for (size_t i = 0; i < out->n; i++) {
		const char *bi = strrchr(out->v[i], '/');

		for (size_t j = i + 1; j < out->n;) {
			const char *bj = strrchr(out->v[j], '/');

			if (bi && bj && !strcmp(bi, bj)) {
				free(out->v[j]);
				memmove(out->v + j, out->v + j + 1, (out->n - j) * sizeof(*out->v));
				out->n--;
			} else {
				j++;
			}
		}
	}
}
