// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/common.h"

#include <stdlib.h>
#include <string.h>

void ml_vdiag(struct ml_diags *d, enum ml_sev sev, const struct ml_loc *loc, const char *fmt,
	      va_list ap)
{
	struct ml_diag *g;
	struct ml_buf b = { 0 };

	if (d->n == d->cap) {
		d->cap = d->cap ? 2 * d->cap : 16;
		d->v = ml_xrealloc(d->v, d->cap * sizeof(*d->v));
	}
	g = &d->v[d->n++];
	memset(g, 0, sizeof(*g));
	g->sev = sev;
	g->offset = -1;
	if (loc) {
		g->file = loc->file ? ml_xstrdup(loc->file) : NULL;
		g->section = loc->section ? ml_xstrdup(loc->section) : NULL;
		g->symbol = loc->symbol ? ml_xstrdup(loc->symbol) : NULL;
		g->reloc = loc->reloc ? ml_xstrdup(loc->reloc) : NULL;
		g->offset = loc->offset;
	}
	ml_buf_vprintf(&b, fmt, ap);
	g->msg = b.p ? b.p : ml_xstrdup("");
	if (sev == ML_ERR)
		d->nerr++;
	else if (sev == ML_WARN)
		d->nwarn++;
}

void ml_diag(struct ml_diags *d, enum ml_sev sev, const struct ml_loc *loc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ml_vdiag(d, sev, loc, fmt, ap);
	va_end(ap);
}

#define ML_DIAG_SHORTHAND(fn, sev)                                          \
	void fn(struct ml_diags *d, const char *file, const char *fmt, ...) \
	{                                                                   \
		struct ml_loc loc = ML_LOC_FILE(file);                      \
		va_list ap;                                                 \
		va_start(ap, fmt);                                          \
		ml_vdiag(d, sev, &loc, fmt, ap);                            \
		va_end(ap);                                                 \
	}
ML_DIAG_SHORTHAND(ml_err, ML_ERR)
ML_DIAG_SHORTHAND(ml_warn, ML_WARN)
ML_DIAG_SHORTHAND(ml_info, ML_INFO)

char *ml_diag_format(const struct ml_diag *g)
{
	struct ml_buf b = { 0 };

	if (g->file)
		ml_buf_printf(&b, "%s: ", g->file);
	if (g->section) {
		if (g->offset >= 0)
			ml_buf_printf(&b, "%s+0x%llx: ", g->section, g->offset);
		else
			ml_buf_printf(&b, "%s: ", g->section);
	}
	ml_buf_printf(&b, "%s", g->msg);
	return b.p;
}

void ml_diags_free(struct ml_diags *d)
{
	for (size_t i = 0; i < d->n; i++) {
		struct ml_diag *g = &d->v[i];

		free(g->file);
		free(g->section);
		free(g->symbol);
		free(g->reloc);
		free(g->msg);
	}
	free(d->v);
	memset(d, 0, sizeof(*d));
}
