// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What insmod hands back (struct ml_insmod_result, insmod.h) and its end.
 * The pipeline that fills it is phases.c; this room is the one the header's
 * types belong to, below every other file of insmod/.
 */
#include "insmod/insmod.h"

#include <stdlib.h>
#include <string.h>

void ml_insmod_result_free(struct ml_insmod_result *r)
{
	free(r->modname);
	free(r->image);
	ml_buf_free(&r->map);
	ml_buf_free(&r->explain);
	memset(r, 0, sizeof(*r));
}
